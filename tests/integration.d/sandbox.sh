# The sandbox of each role: what /proc says of the parser, the workers and
# the reporter during a run (seccomp in filter mode, no new privileges,
# the user as root), --no-sandbox, --user, what -v says, and the test
# build (ipwhois-probe, beside the test server) whose roles each try one
# forbidden call: each must die saying so, and the run end with status 3.
# Sourced by tests/integration.sh, whose helpers (run, check, fail, skip,
# same, serve, unserve, wait_end, errline) and variables ($W, $DATA, $EXP,
# $RDAP, $WHOIS, $BG) these use.

PROBE=${IPWHOIS_PROBE:-$(dirname "$TESTSERVER")/ipwhois-probe}

# sb_fifo ARGS...: the binary in the background on ARGS and a FIFO this
# shell holds open for writing on fd 3; its pid in $pid.
sb_fifo() {
	rm -f "$W/fifo"
	mkfifo "$W/fifo"
	exec 3<>"$W/fifo"
	"$IPWHOIS" "$@" "$W/fifo" >"$W/out" 2>"$W/err" 3>&- &
	pid=$!
	BG="$BG $pid"
}

# sb_field PID FIELD: a field of /proc/PID/status, tabs as spaces.
sb_field() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" 2>/dev/null |
	    tr -s '\t ' '  '
}

# sb_roles N: the pids of the run's N children, once all are there and
# each shows Seccomp WANT (for --no-sandbox, 0 at once); at most 5 s.
sb_roles() {
	n=0
	while [ $n -lt 100 ]; do
		kids=$(pgrep -P "$pid" | tr '\n' ' ')
		ready=0
		for k in $kids; do
			[ "$(sb_field "$k" Seccomp)" = "$2" ] &&
			    ready=$((ready + 1))
		done
		[ "$ready" -ge "$1" ] && return 0
		sleep 0.05
		n=$((n + 1))
	done
	return 1
}

# sb_all FIELD VALUE: every child of $kids shows it.
sb_all() {
	for k in $kids; do
		[ "$(sb_field "$k" "$1")" = "$2" ] || return 1
	done
}

sb_show() {
	for k in $kids; do
		printf '%s: %s Seccomp %s NoNewPrivs %s Uid %s; ' "$k" \
		    "$(cat "/proc/$k/comm" 2>/dev/null)" \
		    "$(sb_field "$k" Seccomp)" "$(sb_field "$k" NoNewPrivs)" \
		    "$(sb_field "$k" Uid)"
	done
}

# During a live run against the loopback server (two workers, the
# parser and the reporter): each role is in seccomp filter mode with no
# new privileges and, as root, runs as nobody; the report is the one
# of the same run without the sandbox.
t_sandbox_proc() {
	serve
	# shellcheck disable=SC2086
	sb_fifo $RDAP --no-cache --rate 1000 -j 2
	cat "$DATA/live.log" >&3
	sb_roles 4 2
	check $? "sandbox: 4 roles, each Seccomp 2 during a live run" \
	    "$(sb_show)"
	sb_all NoNewPrivs 1
	check $? "sandbox: each role NoNewPrivs 1" "$(sb_show)"
	# The parser's second thread (it counts) is locked as the first.
	parser=
	for k in $kids; do
		[ "$(cat "/proc/$k/comm" 2>/dev/null)" = ipwhois-parser ] &&
		    parser=$k
	done
	threads=$(sb_field "$parser" Threads)
	locked=0
	for t in "/proc/$parser/task/"*; do
		[ "$(sed -n 's/^Seccomp:[[:space:]]*//p' "$t/status")" = 2 ] &&
		    [ "$(sed -n 's/^NoNewPrivs:[[:space:]]*//p' "$t/status")" = 1 ] &&
		    locked=$((locked + 1))
	done
	[ "$threads" = 2 ] && [ "$locked" = 2 ]
	check $? "sandbox: the parser's two threads, each Seccomp 2, NoNewPrivs 1" \
	    "parser ${parser:-none}, threads $threads, locked $locked"
	if [ "$(id -u)" = 0 ]; then
		u=$(id -u nobody)
		sb_all Uid "$u $u $u $u" && sb_all Gid "$(id -g nobody) \
$(id -g nobody) $(id -g nobody) $(id -g nobody)"
		check $? "sandbox: as root, each role runs as nobody" \
		    "$(sb_show)"
	else
		skip "sandbox: the change of user (not root)"
	fi
	exec 3>&-
	wait_end "$pid" 10000
	# shellcheck disable=SC2086
	timeout $T "$IPWHOIS" $RDAP --no-cache --rate 1000 -j 2 --no-sandbox \
	    "$DATA/live.log" >"$W/want" 2>/dev/null
	[ "$st" = 1 ] && [ "$(rows "$W/out")" = 12 ]
	check $? "sandbox: the run ends as without it: status 1, 12 rows" \
	    "status $st, stderr: $(errline)"
	same "sandbox: the report is the one without the sandbox" "$W/want" \
	    "$W/out"
	unserve
}

# --no-sandbox: no filter, no flag, the caller's user.
t_sandbox_off() {
	sb_fifo --offline --no-sandbox -j 2
	sb_roles 4 0
	check $? "sandbox: --no-sandbox: each role Seccomp 0" "$(sb_show)"
	sb_all NoNewPrivs 0 && sb_all Uid "$(id -u) $(id -u) $(id -u) $(id -u)"
	check $? "sandbox: --no-sandbox: NoNewPrivs 0, the caller's user" \
	    "$(sb_show)"
	exec 3>&-
	wait_end "$pid" 10000
	[ "$st" = 0 ] && [ "$(rows "$W/out")" = 0 ]
	check $? "sandbox: --no-sandbox: exit 0" "status $st"
}

# --user: a user that does not exist stops the run before it starts;
# as root, another user is the one the roles become.
t_sandbox_user() {
	run --offline --user no-such-user-ipwhois "$DATA/sample.log"
	printf '%s\n' "ipwhois: --user no-such-user-ipwhois: no such user" \
	    "Try 'ipwhois --help' for more information." >"$W/want"
	[ "$st" = 2 ] && [ ! -s "$W/out" ] && cmp -s "$W/want" "$W/err"
	check $? "sandbox: --user of no user: status 2, said, no report" \
	    "status $st, stderr: $(errline)"
	if [ "$(id -u)" != 0 ] || ! id daemon >/dev/null 2>&1; then
		skip "sandbox: --user daemon (not root, or no daemon user)"
		return
	fi
	u=$(id -u daemon)
	sb_fifo --offline --user daemon -j 1
	sb_roles 3 2 && sb_all Uid "$u $u $u $u"
	check $? "sandbox: --user daemon: each role runs as daemon" \
	    "$(sb_show)"
	exec 3>&-
	wait_end "$pid" 10000
	[ "$st" = 0 ]
	check $? "sandbox: --user daemon: exit 0" "status $st"
}

# -v says what is on; --no-sandbox -v that it is off.
t_sandbox_verbose() {
	if [ "$(id -u)" = 0 ]; then who="user nobody"; else
		who="user unchanged \(not root\)"; fi
	run --offline -v "$DATA/sample.log"
	[ "$st" = 0 ] && grep -qEx "ipwhois: sandbox: seccomp on, landlock (v[0-9]+ on|unavailable \(kernel\)), $who, workers without sockets" "$W/err"
	check $? "sandbox: -v: seccomp, landlock, the user" "$(errline)"
	run --offline -v --no-sandbox "$DATA/sample.log"
	[ "$st" = 0 ] && grep -qx "ipwhois: sandbox: off (--no-sandbox)" \
	    "$W/err" && ! grep -q "seccomp" "$W/err"
	check $? "sandbox: -v --no-sandbox: off" "$(errline)"
	run --offline "$DATA/sample.log"
	! grep -q "sandbox" "$W/err"
	check $? "sandbox: without -v, nothing said" "$(errline)"
}

# The test build: each role tries one forbidden call once locked.
t_sandbox_probe() {
	if [ ! -x "$PROBE" ]; then
		skip "sandbox: probe ($PROBE not built: make $PROBE)"
		return
	fi
	for c in parser:openat worker:execve reporter:socket \
	    worker:socket:socket parser:ptrace:ptrace; do
		role=${c%%:*}
		call=${c##*:}
		want=$role
		case $c in *:*:*) want=${c%:*} ;; esac
		name=$role
		[ "$role" = worker ] && name="worker 0"
		IPWHOIS_SANDBOX_PROBE=$want timeout $T "$PROBE" --offline \
		    -j 1 "$DATA/sample.log" >"$W/out" 2>"$W/err"
		st=$?
		[ "$st" = 3 ] &&
		    grep -qx "ipwhois: $name: forbidden system call $call (sandbox)" "$W/err" &&
		    grep -qx "ipwhois-probe: $name (pid [0-9]*) was stopped by the sandbox: a forbidden system call" "$W/err"
		check $? "sandbox: probe $want: the $name dies naming $call, status 3" \
		    "status $st, stderr: $(errline)"
	done
	# Off, the probe is never reached: the run is a plain one.
	IPWHOIS_SANDBOX_PROBE=parser timeout $T "$PROBE" --offline \
	    --no-sandbox "$DATA/sample.log" >"$W/out" 2>"$W/err"
	st=$?
	[ "$st" = 0 ] && [ ! -s "$W/err" ]
	check $? "sandbox: probe with --no-sandbox: a plain run" \
	    "status $st, stderr: $(errline)"
}

# What the roles open late still opens: libarchive for compressed
# inputs (parser), the resolver's files for a server named by its host
# name (workers), the cache made and written (reporter).
t_sandbox_late() {
	run --offline "$DATA/sample.log"
	cp "$W/out" "$W/want"
	for z in xz bzip2 zstd; do
		command -v $z >/dev/null 2>&1 || continue
		$z -c "$DATA/sample.log" >"$W/sample.$z"
		run --offline "$W/sample.$z"
		[ "$st" = 0 ]
		check $? "sandbox: $z input: status 0" "status $st, $(errline)"
		same "sandbox: $z input: the plain file's report" "$W/want" \
		    "$W/out"
	done
	serve
	run --protocol whois --whois-server "127.0.0.1:$WHOIS" --no-cache \
	    --rate 1000 -j 2 "$DATA/live.log"
	cp "$W/out" "$W/want"
	run --protocol whois --whois-server "localhost:$WHOIS" --no-cache \
	    --rate 1000 -j 2 "$DATA/live.log"
	[ "$st" = 1 ]
	check $? "sandbox: whois server by host name: status 1" \
	    "status $st, $(errline)"
	same "sandbox: whois server by host name: the report by address" \
	    "$W/want" "$W/out"
	# libcurl's resolver, in a thread of the worker.
	run --rdap-url "http://127.0.0.1:$HTTP/" --no-cache --rate 1000 -j 2 \
	    "$DATA/live.log"
	cp "$W/out" "$W/want"
	run --rdap-url "http://localhost:$HTTP/" --no-cache --rate 1000 -j 2 \
	    "$DATA/live.log"
	[ "$st" = 1 ]
	check $? "sandbox: RDAP server by host name: status 1" \
	    "status $st, $(errline)"
	same "sandbox: RDAP server by host name: the report by address" \
	    "$W/want" "$W/out"
	rm -rf "$W/sbc"
	# shellcheck disable=SC2086
	run $RDAP --cache "$W/sbc/new/cache.db" --rate 1000 -j 2 \
	    "$DATA/live.log"
	# shellcheck disable=SC2086
	run $RDAP --cache "$W/sbc/new/cache.db" --rate 1000 -j 2 -v \
	    "$DATA/live.log"
	[ "$st" = 1 ] && grep -q ", 11 answered from the cache file," \
	    "$W/err" && [ "$(stat -c %u "$W/sbc/new/cache.db")" = "$(id -u)" ]
	check $? "sandbox: the cache made in a new directory, then read" \
	    "status $st, $(errline)"
	unserve
}

TESTS="$TESTS sandbox-proc sandbox-off sandbox-user sandbox-verbose
    sandbox-probe sandbox-late"
