#!/bin/sh
# Integration tests: the real binary on fixture logs, with exact expected
# reports, and every failure the manual page promises to survive.
#
#	IPWHOIS=./ipwhois GENLOG=build/genlog sh tests/integration.sh [FILTER]
#
# Only tests whose name contains FILTER run when it is given.  Ends with
# the line "N passed, N failed".

set -u

IPWHOIS=${IPWHOIS:-./ipwhois}
GENLOG=${GENLOG:-build/genlog}
REALDATA=${IPWHOIS_REALDATA:-../shared/realdata}
FILTER=${1:-}
DATA=tests/data
EXPECTED=tests/expected
TZ=UTC
LC_ALL=C
export TZ LC_ALL

case $IPWHOIS in /*) ;; *) IPWHOIS=$(pwd)/$IPWHOIS ;; esac
W=$(mktemp -d "${TMPDIR:-/tmp}/ipwhois-test.XXXXXX") || exit 1
# No IP database but the ones the tests build: the results do not depend
# on what the machine has installed.
XDG_DATA_HOME=$W/xdg
export XDG_DATA_HOME
trap 'pkill -P $$ 2>/dev/null; rm -rf "$W"' EXIT
trap 'exit 1' INT TERM

passed=0
failed=0
current=

# Does this test run?
want() {
	current=$1
	case $1 in *"$FILTER"*) return 0 ;; esac
	return 1
}

ok() {
	passed=$((passed + 1))
	echo "ok: $current${1:+ ($1)}"
}

fail() {
	failed=$((failed + 1))
	echo "FAIL: $current: $1"
}

skip() {
	echo "skip: $current: $1"
}

# Compare a file with what was expected; a diff on failure.
same() {
	if cmp -s "$1" "$2"; then
		ok "${3:-}"
	else
		fail "${3:-report}: output differs"
		diff -u "$1" "$2" | head -20
	fi
}

# run [ipwhois args...]: stdout to $W/out, stderr to $W/err, status to $st.
run() {
	timeout 30 "$IPWHOIS" "$@" >"$W/out" 2>"$W/err"
	st=$?
}

expect_status() {
	if [ "$st" -eq "$1" ]; then
		return 0
	fi
	fail "exit status $st, wanted $1; stderr: $(head -3 "$W/err")"
	return 1
}

expect_quiet() {
	if [ -s "$W/err" ]; then
		fail "unexpected stderr: $(head -3 "$W/err")"
		return 1
	fi
	return 0
}

# Children of a process, by parent pid.
children() {
	ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' '
}

# Wait until process $1 has at least $2 children (up to 5 s).
wait_children() {
	i=0
	while [ "$(children "$1" | wc -l)" -lt "$2" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# Wait up to $2 tenths of a second for process $1 to end; its status in $st.
wait_end() {
	i=0
	while kill -0 "$1" 2>/dev/null && [ $i -lt "$2" ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$1" 2>/dev/null; then
		st=timeout
		kill -9 "$1" 2>/dev/null
		return 1
	fi
	wait "$1"
	st=$?
	return 0
}

HEADER=ip,hits,bytes,first_seen,last_seen,kind,registry,network,net_name,org,country,asn,as_name,abuse_email,source,status

# --- fixtures with exact reports ----------------------------------------

for name in sample common vhost app v6forms; do
	if want "fixture-$name"; then
		run --offline "$DATA/$name.log"
		expect_status 0 && expect_quiet &&
		    same "$EXPECTED/$name.csv" "$W/out" "auto format"
	fi
done

for pair in sample:combined common:common vhost:vhost_combined \
    app:first-ip v6forms:combined; do
	name=${pair%%:*}
	fmt=${pair#*:}
	if want "format-$fmt"; then
		run --offline -f "$fmt" "$DATA/$name.log"
		expect_status 0 && same "$EXPECTED/$name.csv" "$W/out" "-f $fmt"
	fi
done

if want "fixture-sshd"; then
	# Syslog has no year: it comes from the file's modification time.
	cp "$DATA/auth.log" "$W/auth.log"
	touch -d '2025-01-02 12:00 UTC' "$W/auth.log"
	run --offline "$W/auth.log"
	expect_status 0 && same "$EXPECTED/auth.csv" "$W/out" "auto"
	run --offline -f sshd "$W/auth.log"
	expect_status 0 && same "$EXPECTED/auth.csv" "$W/out" "-f sshd"
fi

if want "fixture-regex"; then
	run --offline --regex 'ts=(?<time>\S+) ip=(?<ip>\S+) size=(?<bytes>\d+)' \
	    "$DATA/regex.log"
	expect_status 0 && same "$EXPECTED/regex.csv" "$W/out" "--regex"
fi

if want "verbose-summary"; then
	run --offline -v "$DATA/sample.log"
	if expect_status 0; then
		hint=$(sed -n 1p "$W/err")
		first=$(sed -n 2p "$W/err")
		last=$(sed -n 3p "$W/err")
		if [ "$hint" = "ipwhois: no IP database at $W/xdg/ipwhois/ip.db: the asn, as_name and country columns stay empty; 'make data' builds it" ] &&
		    [ "$first" = "ipwhois: $DATA/sample.log: format combined" ] &&
		    echo "$last" | grep -Eq '^ipwhois: 29 lines read, 1 rejected, 13 unique addresses, 13 lookups, 0 failed, [0-9]+\.[0-9]{3} s$'
		then
			ok
		else
			fail "summary was: $first / $last"
		fi
	fi
fi

if want "several-files"; then
	# The counts add up over files, in order, whatever each one's format.
	cp "$DATA/auth.log" "$W/auth.log"
	touch -d '2025-01-02 12:00 UTC' "$W/auth.log"
	run --offline "$DATA/common.log" "$W/auth.log" "$DATA/common.log"
	if expect_status 0; then
		row=$(grep '^192.0.2.10,' "$W/out")
		[ "$row" = "192.0.2.10,4,6738,2023-10-10T20:55:36Z,2023-10-10T20:55:40Z,documentation,,192.0.2.0/24,Documentation (TEST-NET-1),,,,,,builtin,ok" ] &&
		    [ "$(wc -l <"$W/out")" -eq 9 ] && ok || fail "got $row"
	fi
fi

# --- inputs: compressed, stdin, line endings, garbage ---------------------

if want "compressed"; then
	for codec in gzip bzip2 xz zstd lz4; do
		if ! command -v $codec >/dev/null 2>&1; then
			skip "$codec not installed"
			continue
		fi
		$codec -c <"$DATA/sample.log" >"$W/access.log.2"
		run --offline "$W/access.log.2"
		expect_status 0 && same "$EXPECTED/sample.csv" "$W/out" "$codec"
	done
fi

if want "stdin"; then
	timeout 30 "$IPWHOIS" --offline <"$DATA/sample.log" >"$W/out" 2>"$W/err"
	st=$?
	expect_status 0 && same "$EXPECTED/sample.csv" "$W/out" "plain"
	gzip -c <"$DATA/sample.log" | timeout 30 "$IPWHOIS" --offline - \
	    >"$W/out" 2>"$W/err"
	st=$?
	expect_status 0 && same "$EXPECTED/sample.csv" "$W/out" "gzip on -"
fi

if want "truncated-gzip"; then
	"$GENLOG" -u 2000 2M | gzip -c >"$W/full.gz"
	size=$(wc -c <"$W/full.gz")
	head -c $((size / 2)) "$W/full.gz" >"$W/cut.gz"
	run --offline "$W/cut.gz"
	rows=$(($(wc -l <"$W/out") - 1))
	if expect_status 2; then
		# What decodes before the damage is counted (the last block
		# before it may be lost): most of the clients zcat recovers.
		zrows=$(zcat "$W/cut.gz" 2>/dev/null | awk '{ print $1 }' |
		    sort -u | wc -l)
		if grep -q "^ipwhois: $W/cut.gz: .*; read up to there$" "$W/err" &&
		    [ "$(head -1 "$W/out")" = "$HEADER" ] &&
		    [ $((rows * 10)) -ge $((zrows * 8)) ]
		then
			ok "$rows of $zrows clients before the damage"
		else
			fail "stderr: $(cat "$W/err"); rows: $rows"
		fi
	fi
fi

if want "crlf"; then
	sed 's/$/\r/' "$DATA/sample.log" >"$W/crlf.log"
	run --offline "$W/crlf.log"
	expect_status 0 && same "$EXPECTED/sample.csv" "$W/out"
fi

if want "empty"; then
	: >"$W/empty.log"
	run --offline "$W/empty.log"
	expect_status 0 && expect_quiet &&
	    [ "$(cat "$W/out")" = "$HEADER" ] && ok "file"
	timeout 10 "$IPWHOIS" --offline </dev/null >"$W/out" 2>"$W/err"
	st=$?
	expect_status 0 && expect_quiet &&
	    [ "$(cat "$W/out")" = "$HEADER" ] && ok "stdin"
fi

if want "long-line"; then
	# 10 MB on one line, between two good lines: both are counted, the
	# long one is read by its start only, and memory stays small.
	{
		sed -n 1p "$DATA/common.log"
		printf '192.0.2.200 - - [10/Oct/2023:13:55:36 +0000] "GET /'
		head -c 10000000 /dev/zero | tr '\0' 'a'
		printf ' HTTP/1.1" 200 1\n'
		sed -n 3p "$DATA/common.log"
	} >"$W/long.log"
	case $IPWHOIS in
	*san*) run --offline "$W/long.log" ;;
	*)	(ulimit -v 200000; exec timeout 30 "$IPWHOIS" --offline \
		    "$W/long.log") >"$W/out" 2>"$W/err"
		st=$? ;;
	esac
	if expect_status 0; then
		if [ "$(cut -d, -f1,2 "$W/out" | tr '\n' ' ')" = "ip,hits 192.0.2.10,1 192.0.2.99,1 192.0.2.200,1 " ] &&
		    [ "$(cat "$W/err")" = "ipwhois: $W/long.log: 1 lines longer than 65536 bytes; their first 65536 bytes were read" ]
		then
			ok
		else
			fail "got $(cut -d, -f1,2 "$W/out" | tr '\n' ' '); stderr: $(cat "$W/err")"
		fi
	fi
fi

if want "garbage"; then
	# Deterministic binary junk around three good lines.
	awk 'BEGIN { srand(7); for (i = 0; i < 200000; i++)
	    printf "%c", int(rand() * 256) }' >"$W/junk"
	{
		cat "$W/junk"
		printf '\n'
		cat "$DATA/common.log"
		cat "$W/junk"
	} >"$W/garbage.log"
	run --offline -f common "$W/garbage.log"
	if expect_status 0; then
		got=$(grep -c -E '^(192\.0\.2\.10,2,3369|192\.0\.2\.99,1,0|2001:db8::1,1,100),' "$W/out")
		[ "$got" -eq 3 ] && ok || fail "good lines lost: $(cat "$W/out")"
	fi
fi

# --- the IP database ------------------------------------------------------

if want "ipdb"; then
	D=$DATA/ipdb
	run --build-db "$W/ip.db" "$D/asn-ipv4.csv" "$D/country-ipv4.csv" \
	    "$D/asn-ipv6.csv" "$D/country-ipv6.csv"
	expect_status 0 && [ "$(cat "$W/err")" = "ipwhois: $W/ip.db: 19 rows from 4 files (0 malformed skipped): 19 IPv4 and 9 IPv6 intervals, 18 answers, 525568 bytes" ] &&
	    ok "--build-db" || fail "--build-db: $(cat "$W/err")"
	run --offline --db "$W/ip.db" "$DATA/dblookup.log"
	expect_status 0 && expect_quiet &&
	    same "$EXPECTED/dblookup.csv" "$W/out" "--db"
	# In the default place, found without --db.
	mkdir -p "$W/xdg/ipwhois"
	cp "$W/ip.db" "$W/xdg/ipwhois/ip.db"
	run --offline "$DATA/dblookup.log"
	expect_status 0 && same "$EXPECTED/dblookup.csv" "$W/out" "default place"
	# Damaged in the default place: one warning, the run goes on.
	head -c 4000 "$W/ip.db" >"$W/xdg/ipwhois/ip.db"
	run --offline "$DATA/common.log"
	expect_status 0 && grep -q "^ipwhois: $W/xdg/ipwhois/ip.db: .*; going on without it$" "$W/err" &&
	    [ "$(wc -l <"$W/err")" -eq 1 ] && same "$EXPECTED/common.csv" "$W/out" "damaged, default place" ||
	    fail "damaged default: $(cat "$W/err")"
	rm -rf "$W/xdg/ipwhois"
	# Asked for by name: an error.
	run --offline --db "$W/missing.db" "$DATA/common.log"
	expect_status 2 && [ ! -s "$W/out" ] && ok "--db missing" ||
	    fail "--db missing: $(cat "$W/err")"
	run --build-db "$W/x.db" "$D/allbad.csv"
	expect_status 2 && ok "--build-db without a valid row"
	# Offline means no network at all: not one socket.
	if command -v strace >/dev/null 2>&1; then
		timeout 30 strace -f -qq -e trace=socket,connect -o "$W/trace" \
		    "$IPWHOIS" --offline --db "$W/ip.db" "$DATA/dblookup.log" \
		    >/dev/null 2>&1
		[ ! -s "$W/trace" ] && ok "no socket" ||
		    fail "offline run used the network: $(head -3 "$W/trace")"
	else
		skip "strace not installed"
	fi
fi

# --- errors at the start --------------------------------------------------

if want "missing-file"; then
	run --offline /nonexistent/x.log
	expect_status 2 && [ ! -s "$W/out" ] &&
	    [ "$(cat "$W/err")" = "ipwhois: /nonexistent/x.log: No such file or directory" ] &&
	    ok || fail "stderr: $(cat "$W/err")"
	run --offline "$DATA/sample.log" /nonexistent/x.log
	expect_status 2 && [ ! -s "$W/out" ] && ok "among good ones" ||
	    fail "wrote output before checking inputs"
	run --offline "$DATA"
	expect_status 2 && [ "$(cat "$W/err")" = "ipwhois: $DATA: is a directory" ] &&
	    ok "directory" || fail "stderr: $(cat "$W/err")"
fi

if want "usage"; then
	for args in "-j 0|ipwhois: -j takes a number of workers from 1 to 256, not '0'" \
	    "-j 257|ipwhois: -j takes a number of workers from 1 to 256, not '257'" \
	    "-j x|ipwhois: -j takes a number of workers from 1 to 256, not 'x'" \
	    "-f nope|ipwhois: unknown log format 'nope' (auto, combined, common, vhost_combined, sshd, first-ip)" \
	    "--bogus|ipwhois: unknown option '--bogus'" \
	    "-x|ipwhois: unknown option '-x'" \
	    "-f|ipwhois: option '-f' needs a value" \
	    "--regex no-ip-group|ipwhois: --regex: it needs a named group (?<ip>...)" \
	    "--regex (|ipwhois: --regex: at offset 1: missing closing parenthesis"; do
		a=${args%%|*}
		msg=${args#*|}
		# The log goes first: an option missing its value comes last.
		# shellcheck disable=SC2086
		run "$DATA/sample.log" $a
		if [ "$st" -eq 2 ] && [ ! -s "$W/out" ] &&
		    [ "$(sed -n 1p "$W/err")" = "$msg" ]; then
			ok "$a"
		else
			fail "$a: status $st, stderr: $(sed -n 1p "$W/err")"
		fi
	done
	run -j 1 --offline "$DATA/sample.log"
	expect_status 0 && ok "-j 1"
	run -j 256 --offline "$DATA/sample.log"
	expect_status 0 && same "$EXPECTED/sample.csv" "$W/out" "-j 256"
fi

if want "help-version"; then
	run --help
	expect_status 0 && [ "$(head -c 14 "$W/out")" = "usage: ipwhois" ] &&
	    ok "--help" || fail "--help: $(head -1 "$W/out")"
	run --version
	expect_status 0 && grep -Eq '^ipwhois [0-9]+\.[0-9]+\.[0-9]+$' "$W/out" &&
	    ok "--version" || fail "--version: $(cat "$W/out")"
fi

# --- output ----------------------------------------------------------------

if want "output-file"; then
	mkdir "$W/o"
	echo old >"$W/o/report.csv"
	run --offline -o "$W/o/report.csv" "$DATA/sample.log"
	if expect_status 0 && expect_quiet; then
		[ ! -s "$W/out" ] && [ "$(ls "$W/o")" = "report.csv" ] &&
		    same "$EXPECTED/sample.csv" "$W/o/report.csv" "written" ||
		    fail "left: $(ls "$W/o")"
	fi
	echo old >"$W/o/report.csv"
	run --offline -o "$W/o/report.csv" "$DATA/sample.log" /nonexistent
	expect_status 2 && [ "$(cat "$W/o/report.csv")" = old ] &&
	    [ "$(ls "$W/o")" = "report.csv" ] && ok "kept on failure" ||
	    fail "old report replaced or temp left: $(ls "$W/o")"
	run --offline -o /nonexistent-dir/x.csv "$DATA/sample.log"
	expect_status 2 && grep -q '^ipwhois: /nonexistent-dir/x.csv: ' "$W/err" &&
	    ok "bad directory" || fail "stderr: $(cat "$W/err")"
fi

# --- the pipeline: workers, ordering, ends ------------------------------

if want "jobs-identical"; then
	"$GENLOG" -u 20000 5M >"$W/gen.log"
	run --offline -j 1 "$W/gen.log"
	mv "$W/out" "$W/j1"
	for j in 2 12 256; do
		run --offline -j $j "$W/gen.log"
		expect_status 0 && same "$W/j1" "$W/out" "-j $j"
	done
	# One row per distinct client of a well-formed line, as awk sees it.
	want_rows=$(grep -a -E '^[0-9a-f:.]+ - [^ ]+ \[[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}:' \
	    "$W/gen.log" | awk '
		$1 ~ /:/ { print $1; next }	# the generator writes IPv6 canonically
		{ n = split($1, o, "."); bad = n != 4
		  for (i = 1; i <= n; i++) if (o[i] + 0 > 255) bad = 1
		  if (!bad) print $1 }' | sort -u | wc -l)
	got_rows=$(($(wc -l <"$W/j1") - 1))
	[ "$want_rows" -eq "$got_rows" ] && ok "$got_rows rows" ||
	    fail "$got_rows rows, awk finds $want_rows clients"
fi

# A log that keeps the run going until the test closes it: a FIFO.
start_fifo_run() {
	rm -f "$W/fifo"
	mkfifo "$W/fifo"
	"$IPWHOIS" --offline "$@" "$W/fifo" >"$W/out" 2>"$W/err" &
	pid=$!
	exec 3>"$W/fifo"
	wait_children "$pid" 3
}

if want "sigint"; then
	for sig in INT:130 TERM:143; do
		start_fifo_run -j 4 -o "$W/sig.csv"
		head -5 "$DATA/sample.log" >&3
		kids=$(children "$pid")
		kill -"${sig%%:*}" "$pid"
		wait_end "$pid" 20
		exec 3>&-
		left=0
		for k in $kids; do
			kill -0 "$k" 2>/dev/null && left=$((left + 1))
		done
		if [ "$st" = "${sig#*:}" ] && [ $left -eq 0 ] &&
		    [ -z "$(ls "$W" | grep 'sig.csv')" ]; then
			ok "SIG${sig%%:*}: exit $st, no process or file left"
		else
			fail "SIG${sig%%:*}: status $st, $left children left, files: $(ls "$W" | grep sig)"
		fi
	done
fi

if want "worker-killed"; then
	# A worker that dies with work in hand: stopped, given addresses,
	# then killed.  The run must end, lose no address, and say so.
	start_fifo_run -j 4
	worker=$(ps -o pid=,comm= --ppid "$pid" | awk '$2 == "ipwhois-worker" { print $1; exit }')
	kill -STOP "$worker"
	i=0
	while [ $i -lt 200 ]; do
		printf '198.18.%d.7 - - [02/Mar/2024:06:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "a"\n' $i
		i=$((i + 1))
	done >&3
	sleep 0.5
	kill -KILL "$worker"
	i=0
	while [ $i -lt 50 ]; do
		printf '198.19.%d.7 - - [02/Mar/2024:06:00:01 +0000] "GET / HTTP/1.1" 200 1 "-" "a"\n' $i
		i=$((i + 1))
	done >&3
	exec 3>&-
	if wait_end "$pid" 100; then
		rows=$(($(wc -l <"$W/out") - 1))
		errors=$(grep -c ',error$' "$W/out")
		oks=$(grep -c ',builtin,ok$' "$W/out")
		if [ "$st" -eq 3 ] && [ "$rows" -eq 250 ] && [ "$errors" -gt 0 ] &&
		    [ $((errors + oks)) -eq 250 ] &&
		    grep -q "^ipwhois: worker [0-9]* (pid $worker) was killed by signal 9" "$W/err"
		then
			ok "$errors of 250 rows marked error"
		else
			fail "status $st, $rows rows, $errors errors; stderr: $(cat "$W/err")"
		fi
	else
		fail "the run did not end"
	fi
fi

if want "reader-gone"; then
	"$GENLOG" -u 50000 10M >"$W/big.log"
	( timeout 30 "$IPWHOIS" --offline "$W/big.log" 2>"$W/err"
	  echo $? >"$W/st" ) | head -1 >"$W/out"
	sleep 0.2
	if [ "$(cat "$W/st")" = 0 ] && [ ! -s "$W/err" ] &&
	    [ "$(cat "$W/out")" = "$HEADER" ] &&
	    ! pgrep -f "$IPWHOIS --offline $W/big.log" >/dev/null; then
		ok
	else
		fail "status $(cat "$W/st"), stderr: $(cat "$W/err")"
	fi
fi

# --- real logs, where they are -------------------------------------------

if want "realdata"; then
	if [ ! -d "$REALDATA/logs" ]; then
		skip "realdata not found"
	else
		L=$REALDATA/logs
		for c in elastic_apache_logs.log:combined:1753 \
		    loghub_OpenSSH_2k.log:sshd:30; do
			f=${c%%:*}
			rest=${c#*:}
			run --offline -v "$L/$f"
			rows=$(($(wc -l <"$W/out") - 1))
			expect_status 0 && [ "$rows" -eq "${rest#*:}" ] &&
			    grep -q "format ${rest%%:*}\$" "$W/err" &&
			    ok "$f: $rows rows" || fail "$f: $rows rows; $(head -1 "$W/err")"
		done
		run --offline -v "$L/elastic_suspicious_login_auth.log"
		expect_status 0 && grep -q 'format sshd$' "$W/err" &&
		    ! grep -q -E '^(0\.0\.0\.0|::),' "$W/out" &&
		    ok "auth.log: no listening addresses" || fail "auth.log"
		for f in "$L"/*.log "$L"/edge/*.log; do
			run --offline "$f"
			cp "$W/out" "$W/plain"
			gzip -c <"$f" | timeout 30 "$IPWHOIS" --offline \
			    >"$W/out" 2>/dev/null
			[ "$st" -eq 0 ] && cmp -s "$W/plain" "$W/out" ||
			    fail "$(basename "$f"): status $st or gzip differs"
		done
		ok "every real log, plain and gzip on stdin"
	fi
fi

# Exit status 1 (some lookups failed) needs live lookups, which come with
# the RDAP and whois clients; it is tested there.

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
