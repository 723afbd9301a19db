# The progress line (--progress, --no-progress, -q) and what -v says: the
# summary and one line per failed lookup.  Sourced by tests/integration.sh,
# whose helpers (run, check, fail, same, serve, unserve) and variables ($W,
# $DATA, $EXP, $DBUSED, $BG) these use.
#
# A terminal is a pseudo-terminal that python3's pty module makes (no
# python3: these tests are skipped): standard error alone is on it, the
# report goes to a file.  What the terminal received is kept byte for
# byte, and rendered as a terminal would show it at the end (\r, \n and
# erase-to-end-of-line applied), so "nothing left behind" is tested on
# what a person would see.  Runs last as long as a test needs through a
# FIFO that a background writer holds open, or a slow loopback server.

ESC=$(printf '\033')
CLEAR=$(printf '\r\033[K')

# The helper: ttyrun.py COLS OUT ERR SCREEN INT_AFTER CMD...
pty_helper() {
	cat >"$W/ttyrun.py" <<'EOF'
import fcntl, os, pty, select, signal, struct, subprocess, sys, termios, time

cols, out, err, screen, intr = sys.argv[1:6]
cmd = sys.argv[6:]
m, s = pty.openpty()
fcntl.ioctl(s, termios.TIOCSWINSZ, struct.pack('HHHH', 24, int(cols), 0, 0))
attr = termios.tcgetattr(s)
attr[1] &= ~termios.OPOST  # keep the bytes as written: no \n -> \r\n
termios.tcsetattr(s, termios.TCSANOW, attr)
with open(os.devnull if out == '-' else out, 'wb') as o, \
        open(os.devnull, 'rb') as i:
    p = subprocess.Popen(cmd, stdin=i, stdout=s if out == '-' else o,
                         stderr=s)
os.close(s)
got, start, sent = b'', time.time(), False
while True:
    now = time.time() - start
    if float(intr) > 0 and not sent and now >= float(intr):
        p.send_signal(signal.SIGINT)
        sent = True
    if now > 30:
        p.kill()
    if select.select([m], [], [], 0.05)[0]:
        try:
            d = os.read(m, 65536)
        except OSError:         # EIO: nobody holds the terminal any more
            break
        if not d:
            break
        got += d
rc = p.wait()
open(err, 'wb').write(got)

# What the terminal shows at the end.
lines, cur, col, i = [], bytearray(), 0, 0
while i < len(got):
    if got.startswith(b'\033[K', i):
        del cur[col:]
        i += 3
        continue
    c = got[i]
    if c == 13:
        col = 0
    elif c == 10:
        lines.append(bytes(cur))
        cur, col = bytearray(), 0
    else:
        if col < len(cur):
            cur[col] = c
        else:
            cur.append(c)
        col += 1
    i += 1
if cur:
    lines.append(bytes(cur))
open(screen, 'wb').write(b''.join(l + b'\n' for l in lines))
sys.exit(128 - rc if rc < 0 else rc)
EOF
}

have_pty() {
	if ! command -v python3 >/dev/null 2>&1; then
		skip "$1 (no python3 for a pseudo-terminal)"
		return 1
	fi
	[ -e "$W/ttyrun.py" ] || pty_helper
	return 0
}

# tty_run COLS INT_AFTER ARGS...: the binary on ARGS, standard error on a
# terminal COLS wide (TERM=$TTY_TERM, xterm by default), standard input
# /dev/null; SIGINT after INT_AFTER seconds unless 0.  The report in
# $W/out (TTY_OUT=-: on the terminal too), the terminal's bytes in
# $W/err, its screen at the end in $W/screen, the status in $st.
tty_run() {
	cols=$1
	intr=$2
	shift 2
	timeout 40 python3 "$W/ttyrun.py" "$cols" "${TTY_OUT:-$W/out}" "$W/err" \
	    "$W/screen" "$intr" env TERM="${TTY_TERM:-xterm}" "$IPWHOIS" "$@"
	st=$?
}

# feed SECONDS: sample.log into the FIFO $W/fifo, which is then held open
# for SECONDS more (the run lasts that long).
feed() {
	rm -f "$W/fifo"
	mkfifo "$W/fifo"
	{ cat "$DATA/sample.log"; sleep "$1"; } >"$W/fifo" &
	BG="$BG $!"
}

# The drawings in $W/err (or $1): the text between "\r" and the erase.
drawings() {
	tr '\r' '\n' <"${1:-$W/err}" | sed -n "s/${ESC}\\[K\$//p" | grep -v '^$'
}

# Whether $W/err (or $1) ends by clearing the line.
ends_cleared() {
	[ "$(tail -c 4 "${1:-$W/err}")" = "$CLEAR" ]
}

# The screen holds nothing: nothing drawn is left.
screen_clean() {
	[ ! -s "$W/screen" ]
}

# Of sample.log, read whole through the FIFO at once (-f combined: no
# waiting for lines enough to detect a format) and looked up offline at
# once: the line drawn half a second later, and at 40 columns.
SAMPLE_DRAWN="5.7 KiB, 39 lines, 16 addresses, 16 looked up, 0 pending, 0 failed"
SAMPLE_NARROW="5.7 KiB, 16 looked up, 0 failed"

# On a terminal: drawn, a quarter of a second apart, then cleared; the
# report the same as without.
t_progress_tty() {
	have_pty progress-tty || return
	feed 2
	tty_run 100 0 --offline -f combined "$W/fifo"
	[ "$st" = 0 ] && [ "$(drawings | head -1)" = "$SAMPLE_DRAWN" ] &&
	    [ "$(drawings | wc -l)" -ge 4 ]
	check $? "progress-tty: drawn: $SAMPLE_DRAWN" \
	    "status $st, drawn: $(drawings | head -3 | tr '\n' '|')"
	! drawings | grep -q '%'
	check $? "progress-tty: no percentage for a FIFO" "$(drawings | head -1)"
	drawings | grep -qx "$SAMPLE_DRAWN, 0.0 lookups/s"
	check $? "progress-tty: the rate after a second" \
	    "drawn: $(drawings | tail -2 | tr '\n' '|')"
	ends_cleared && screen_clean
	check $? "progress-tty: cleared at the end, nothing left on screen" \
	    "screen: $(tr '\n' '|' <"$W/screen")"
	same "progress-tty: the report as without it" "$EXP/sample.csv" \
	    "$W/out"

	# Narrow: parts left out rather than a line that wraps.
	feed 1
	tty_run 40 0 --offline -f combined "$W/fifo"
	[ "$st" = 0 ] && [ "$(drawings | head -1)" = "$SAMPLE_NARROW" ] &&
	    [ "$(drawings | awk 'length > 39' | wc -l)" = 0 ]
	check $? "progress-tty: 40 columns: $SAMPLE_NARROW" \
	    "drawn: $(drawings | head -2 | tr '\n' '|')"
}

# Live, against a server that takes 0.3 s an answer: lookups as they go,
# the percentage of a regular file, the rate and an ETA.
t_progress_live() {
	have_pty progress-live || return
	serve -l 300
	# shellcheck disable=SC2086
	tty_run 120 0 $RDAP --no-cache --rate 1000 -j 1 "$DATA/live.log"
	cp "$W/out" "$W/tty.csv"
	bad=$(drawings | grep -Evx '1\.8 KiB \(100%\), 21 lines, 12 addresses, [0-9]+ looked up, [0-9]+ pending, [01] failed(, [0-9.]+ lookups/s(, ETA [0-9]+s)?)?')
	[ "$st" = 1 ] && [ "$(drawings | wc -l)" -ge 4 ] && [ -z "$bad" ] &&
	    drawings | grep -q ', ETA [0-9]*s$'
	check $? "progress-live: lookups, rate and ETA drawn" \
	    "status $st, unexpected: $(echo "$bad" | head -2 | tr '\n' '|')"
	ends_cleared && screen_clean
	check $? "progress-live: nothing left on screen" \
	    "screen: $(tr '\n' '|' <"$W/screen")"
	same "progress-live: the report" "$EXP/live-rdap.csv" "$W/tty.csv"
	# shellcheck disable=SC2086
	run $RDAP --no-cache --rate 1000 -j 1 --no-progress "$DATA/live.log"
	same "progress-live: byte for byte the report without it" \
	    "$W/tty.csv" "$W/out"

	# The report on the terminal too: no drawing inside or after it.
	# shellcheck disable=SC2086
	TTY_OUT=- tty_run 120 0 $RDAP --no-cache --rate 1000 -j 1 \
	    "$DATA/live.log"
	cat "$EXP/live-rdap.csv" >"$W/want"
	[ "$st" = 1 ] && [ "$(drawings | wc -l)" -ge 4 ]
	check $? "progress-live: report on the terminal: drawn" "status $st"
	same "progress-live: report on the terminal: the screen" "$W/want" \
	    "$W/screen"

	# -v while drawing: each message on a line of its own, none glued
	# to a drawing, nothing drawn left between them.
	# shellcheck disable=SC2086
	tty_run 120 0 $RDAP --no-cache --rate 1000 -j 1 -v "$DATA/live.log"
	{
		echo "$DBUSED"
		echo "ipwhois: $DATA/live.log: format combined"
		echo "ipwhois: 9.9.9.9: not-found: HTTP status 404"
		echo "ipwhois: $DATA/live.log: combined: 21 lines, 21 read, 0 without a client, 0 rejected"
		echo "ipwhois: 21 lines read, 0 without a client, 0 rejected, 0 outside --since/--until, 0 excluded by --include/--exclude"
		echo "ipwhois: 12 unique addresses, 12 lookups, 8 queries sent, 0 answered from the cache file, 3 from networks learned in this run"
		echo "ipwhois: 1 failed: 1 not-found, 0 timeout, 0 rate-limited, 0 error; T s"
	} >"$W/want"
	grep -v '^ipwhois: sandbox: ' "$W/screen" |
	    sed -E 's/; [0-9]+\.[0-9]{3} s$/; T s/' >"$W/got"
	[ "$st" = 1 ] && [ "$(drawings | wc -l)" -ge 4 ]
	check $? "progress-live: -v: drawn too" "status $st"
	same "progress-live: -v: messages and summary on a clean screen" \
	    "$W/want" "$W/got"
	unserve
}

# Not a terminal: no line, unless --progress.
t_progress_not_tty() {
	feed 1
	timeout $T "$IPWHOIS" --offline -f combined "$W/fifo" >"$W/out" \
	    2>"$W/err"
	st=$?
	[ "$st" = 0 ] && stderr_empty
	check $? "progress-not-tty: stderr a file: nothing" \
	    "status $st: $(errline)"
	feed 1
	timeout $T "$IPWHOIS" --offline -f combined "$W/fifo" 2>&1 \
	    >"$W/out" | cat >"$W/err"
	stderr_empty
	check $? "progress-not-tty: stderr a pipe: nothing" "$(errline)"

	feed 1
	timeout $T "$IPWHOIS" --offline -f combined --progress "$W/fifo" \
	    >"$W/out" 2>"$W/err"
	st=$?
	[ "$st" = 0 ] && [ "$(drawings | head -1)" = "$SAMPLE_DRAWN" ] &&
	    ends_cleared
	check $? "progress-not-tty: --progress: into the file, cleared" \
	    "status $st: $(drawings | head -1)"
	same "progress-not-tty: --progress: the report" "$EXP/sample.csv" \
	    "$W/out"
}

# On a terminal, off: --no-progress, -q, TERM=dumb; -q --progress is on.
t_progress_off() {
	have_pty progress-off || return
	feed 1
	tty_run 100 0 --offline -f combined --no-progress "$W/fifo"
	[ "$st" = 0 ] && stderr_empty
	check $? "progress-off: --no-progress" "status $st: $(errline)"
	feed 1
	tty_run 100 0 --offline -f combined -q "$W/fifo"
	[ "$st" = 0 ] && stderr_empty
	check $? "progress-off: -q: nothing at all" "status $st: $(errline)"
	feed 1
	TTY_TERM=dumb tty_run 100 0 --offline -f combined "$W/fifo"
	[ "$st" = 0 ] && stderr_empty
	check $? "progress-off: TERM=dumb" "status $st: $(errline)"
	same "progress-off: the report" "$EXP/sample.csv" "$W/out"
	for order in "-q --progress" "--progress -q"; do
		feed 1
		# shellcheck disable=SC2086
		tty_run 100 0 --offline -f combined $order "$W/fifo"
		[ "$st" = 0 ] && [ "$(drawings | head -1)" = "$SAMPLE_DRAWN" ] &&
		    ends_cleared && [ -z "$(cat "$W/screen")" ]
		check $? "progress-off: $order: drawn, then nothing left" \
		    "status $st: $(drawings | head -1)"
	done
}

# Stopped while drawing: the line goes at once, nothing is left.
t_progress_signal() {
	have_pty progress-signal || return
	feed 5
	tty_run 100 1.2 --offline -f combined "$W/fifo"
	[ "$st" = 130 ] && [ "$(drawings | wc -l)" -ge 2 ] && ends_cleared &&
	    screen_clean
	check $? "progress-signal: SIGINT: exit 130, the line cleared" \
	    "status $st, screen: $(tr '\n' '|' <"$W/screen")"
}

# -v: the summary counts queries, answers from the cache file and from
# networks learned in the run; each failed lookup has one line saying
# why; -q says only the closing line of lookups without an answer.
t_verbose_live() {
	serve
	fresh_cache
	# shellcheck disable=SC2086
	run $RDAP $CACHE --rate 1000 -j 1 -v "$DATA/live.log"
	summary_from 3 >"$W/got"
	{
		echo "ipwhois: 9.9.9.9: not-found: HTTP status 404"
		echo "ipwhois: $DATA/live.log: combined: 21 lines, 21 read, 0 without a client, 0 rejected"
		echo "ipwhois: 21 lines read, 0 without a client, 0 rejected, 0 outside --since/--until, 0 excluded by --include/--exclude"
		echo "ipwhois: 12 unique addresses, 12 lookups, 8 queries sent, 0 answered from the cache file, 3 from networks learned in this run"
		echo "ipwhois: 1 failed: 1 not-found, 0 timeout, 0 rate-limited, 0 error; T s"
	} >"$W/want"
	[ "$st" = 1 ]
	check $? "verbose-live: exit 1" "status $st"
	same "verbose-live: first run: asked" "$W/want" "$W/got"

	# shellcheck disable=SC2086
	run $RDAP $CACHE --rate 1000 -j 1 -v "$DATA/live.log"
	summary_from 3 >"$W/got"
	{
		echo "ipwhois: 9.9.9.9: not-found: the cache's answer from an earlier run"
		echo "ipwhois: $DATA/live.log: combined: 21 lines, 21 read, 0 without a client, 0 rejected"
		echo "ipwhois: 21 lines read, 0 without a client, 0 rejected, 0 outside --since/--until, 0 excluded by --include/--exclude"
		echo "ipwhois: 12 unique addresses, 12 lookups, 0 queries sent, 11 answered from the cache file, 0 from networks learned in this run"
		echo "ipwhois: 1 failed: 1 not-found, 0 timeout, 0 rate-limited, 0 error; T s"
	} >"$W/want"
	same "verbose-live: second run: from the cache file" "$W/want" "$W/got"

	run --protocol whois --whois-server "127.0.0.1:$WHOIS" --no-cache \
	    --rate 1000 -v "$DATA/live.log"
	[ "$st" = 1 ] && [ "$(grep -c '^ipwhois: [0-9a-f.:]*: ' "$W/err")" = 1 ] &&
	    grep -qx "ipwhois: 9.9.9.9: not-found: 127.0.0.1:$WHOIS has no entry" "$W/err"
	check $? "verbose-live: whois: not found, and who said so" \
	    "status $st: $(errline)"

	# Nobody listening: each of the 11 public addresses fails, once.
	unserve
	# shellcheck disable=SC2086
	run $RDAP --no-cache --rate 1000 --retries 0 -j 4 -v "$DATA/live.log"
	n=0
	for a in $(cut -d, -f1,16 "$W/out" | grep ',error$' | cut -d, -f1); do
		[ "$(grep -c "^ipwhois: $a: error: .*[Cc]onnect" "$W/err")" = 1 ] &&
		    n=$((n + 1))
	done
	[ "$st" = 1 ] && [ "$n" = 11 ] &&
	    grep -q '^ipwhois: 11 failed: 0 not-found, 0 timeout, 0 rate-limited, 11 error; ' "$W/err"
	check $? "verbose-live: refused: one line per address, and why" \
	    "status $st, $n of 11: $(errline)"
	# shellcheck disable=SC2086
	run $RDAP --no-cache --rate 1000 --retries 0 -j 4 -q "$DATA/live.log"
	[ "$st" = 1 ] && [ "$(wc -l <"$W/err")" = 1 ] &&
	    grep -q '^ipwhois: 11 of 12 lookups failed (error: .*[Cc]onnect.*); the report has them as status=error$' "$W/err"
	check $? "verbose-live: refused, -q: the one closing line" \
	    "status $st: $(errline)"
}

TESTS="$TESTS progress-tty progress-live progress-not-tty progress-off
    progress-signal verbose-live"
