#!/bin/sh
# Integration tests: the real binary on fixture logs, with exact expected
# reports, and every failure the manual page promises to survive.
#
#	IPWHOIS=./ipwhois GENLOG=build/genlog sh tests/integration.sh [FILTER]
#	INTEGRATION_LANE=K/N ... (one of N lanes run side by side)
#
# Run from the top of the tree (make integration does).  With FILTER, only
# the tests whose name contains it run.  Every assertion prints "ok NAME" or
# "FAIL NAME: why" (with a diff of expected and got for reports); the last
# line is "N passed, N failed", and the status is 1 if any failed.
#
# The expected reports in tests/expected were checked by hand, line by line,
# against the logs in tests/data: they are claims, not snapshots.  Every run
# is --offline: the suite makes no network traffic, whatever the version.
#
# Nothing may hang the suite: foreground runs are wrapped in timeout(1), and
# background runs (the ones the tests signal) have a deadline after which
# they are killed and the test fails.

set -u

IPWHOIS=${IPWHOIS:-./ipwhois}
GENLOG=${GENLOG:-build/genlog}
TESTSERVER=${TESTSERVER:-build/testserver}
REALDATA=${IPWHOIS_REALDATA:-../shared/realdata}
FILTER=${1:-}
DATA=tests/data
EXP=tests/expected
T=20				# seconds any single run may take
TZ=UTC
LC_ALL=C
export TZ LC_ALL

case $IPWHOIS in /*) ;; *) IPWHOIS=$(pwd)/$IPWHOIS ;; esac
case $GENLOG in /*) ;; *) GENLOG=$(pwd)/$GENLOG ;; esac
case $TESTSERVER in /*) ;; *) TESTSERVER=$(pwd)/$TESTSERVER ;; esac
HEADER=ip,hits,bytes,first_seen,last_seen,kind,registry,network,net_name,org,country,asn,as_name,abuse_email,source,status
# What -f takes, in the order of enum logfmt.
FORMAT_NAMES="auto, combined, common, vhost_combined, sshd, syslog, w3c, cloudfront, gcs, elb, alb, s3, squid, haproxy, caddy, traefik, json, apache-error, nginx-error, first-ip"
REGEX='ts=(?<time>\S+) ip=(?<ip>\S+) size=(?<bytes>\d+)'

W=$(mktemp -d "${TMPDIR:-/tmp}/ipwhois-test.XXXXXX") || exit 1
# No IP database but the ones the tests build: the results do not depend
# on what the machine has installed.  The system's place holds one whose
# only range is reserved (never looked up), so that runs are quiet about
# a missing database without any report changing.
XDG_DATA_HOME=$W/xdg
XDG_CACHE_HOME=$W/xdg-cache
IPWHOIS_DATA_DIRS=$W/sys
export XDG_DATA_HOME XDG_CACHE_HOME IPWHOIS_DATA_DIRS
# Nor the machine's GeoIP files (/usr/share/GeoIP, /var/lib/GeoIP).
IPWHOIS_GEOIP_DIRS=$W/geoip
export IPWHOIS_GEOIP_DIRS
SYSDB=$W/sys/ipwhois/ip.db
mkdir -p "$W/sys/ipwhois"
"$IPWHOIS" --build-db "$SYSDB" "$DATA/ipdb/reserved.csv" 2>/dev/null ||
    echo "FAIL setup: --build-db $SYSDB"
# What -v says first: the database it uses.
DBUSED="ipwhois: using the IP database $SYSDB"
# What --offline --by network (org, abuse) says when the cache is empty.
BYNOTE="ipwhois: --by network: offline, and the cache holds no network: public addresses share one row with an empty key; --by asn or --by country work offline, from the IP database"
BG=				# pids of the runs started in the background
cleanup() {
	for p in $BG; do
		kill -9 $(pgrep -P "$p" 2>/dev/null) "$p" 2>/dev/null
	done
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

passed=0
failed=0

# --- helpers ----------------------------------------------------------------

ok() {
	passed=$((passed + 1))
	echo "ok $1"
}

# fail NAME MESSAGE [EXPECTED_FILE GOT_FILE]
fail() {
	failed=$((failed + 1))
	echo "FAIL $1: $2"
	if [ $# -ge 4 ]; then
		diff -u "$3" "$4" | sed -n '1,40s/^/    /p'
	fi
}

skip() {
	echo "skip: $1"
}

# check STATUS NAME MESSAGE: ok when STATUS (that of the assertion just
# made: "check $? ...") is 0, else fail.
check() {
	if [ "$1" -eq 0 ]; then ok "$2"; else fail "$2" "$3"; fi
}

# same NAME EXPECTED_FILE GOT_FILE
same() {
	if cmp -s "$2" "$3"; then
		ok "$1"
	else
		fail "$1" "report differs from $2 (- expected, + got)" "$2" "$3"
	fi
}

# report_is NAME EXPECTED_FILE [quiet]: the last run exited 0 (with nothing
# on stderr, if quiet) and its report is EXPECTED_FILE.
report_is() {
	if [ "$st" != 0 ]; then
		fail "$1" "exit status $st, wanted 0; stderr: $(errline)"
	elif [ "${3:-}" = quiet ] && [ -s "$W/err" ]; then
		fail "$1" "unexpected stderr: $(errline)"
	else
		same "$1" "$2" "$W/out"
	fi
}

# report_warns NAME EXPECTED_FILE WARNING: the last run exited 0, said
# WARNING and nothing else on stderr, and its report is EXPECTED_FILE.
report_warns() {
	if [ "$st" != 0 ]; then
		fail "$1" "exit status $st, wanted 0; stderr: $(errline)"
	elif [ "$(cat "$W/err")" != "$3" ]; then
		fail "$1" "stderr: $(errline), wanted: $3"
	else
		same "$1" "$2" "$W/out"
	fi
}

# guessed FILE: what a run says of FILE when no format reads it.
guessed() {
	echo "ipwhois: $1: format not recognised; counting the first address of each line (-f first-ip); name the format with -f, --log-format or --regex"
}

# run ARGS...: the binary on ARGS; stdout in $W/out, stderr in $W/err,
# status in $st.
run() {
	timeout $T "$IPWHOIS" "$@" >"$W/out" 2>"$W/err"
	st=$?
}

# run_stdin FILE ARGS...: the same, FILE on standard input.
run_stdin() {
	in=$1
	shift
	timeout $T "$IPWHOIS" "$@" <"$in" >"$W/out" 2>"$W/err"
	st=$?
}

stderr_empty() {
	[ ! -s "$W/err" ]
}

# One line of stderr for messages.
errline() {
	head -c 300 "$W/err" | tr '\n' '|'
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# Is process $1 alive (a zombie is not)?
alive() {
	case $(ps -o stat= -p "$1" 2>/dev/null) in
	"" | Z*) return 1 ;;
	esac
	return 0
}

# Those of the pids in $1 that still run.
still_alive() {
	for q in $1; do
		alive "$q" && printf '%s ' "$q"
	done
}

# wait_kids PID N: wait up to 5 s until PID has N children.
wait_kids() {
	dl=$(($(now_ms) + 5000))
	while [ "$(pgrep -P "$1" | wc -l)" -lt "$2" ]; do
		[ "$(now_ms)" -gt $dl ] && return 1
		sleep 0.05
	done
	return 0
}

# wait_end PID MS: wait up to MS milliseconds for PID to end; its status in
# $st, the time taken in $took.  Past the deadline it is killed, st=hung.
wait_end() {
	t0=$(now_ms)
	while alive "$1"; do
		if [ "$(now_ms)" -gt $((t0 + $2)) ]; then
			kill -9 $(pgrep -P "$1") "$1" 2>/dev/null
			wait "$1" 2>/dev/null
			st=hung
			took=$(($(now_ms) - t0))
			return 1
		fi
		sleep 0.05
	done
	took=$(($(now_ms) - t0))
	wait "$1"
	st=$?
	return 0
}

# start_fifo ARGS...: the binary in the background on ARGS and a FIFO that
# this shell keeps open for writing on fd 3 (so the run lasts until fd 3 is
# closed); its pid in $pid.  The child must not inherit fd 3, or it would
# never see the end of its input.
start_fifo() {
	rm -f "$W/fifo"
	mkfifo "$W/fifo"
	exec 3<>"$W/fifo"
	"$IPWHOIS" --offline "$@" "$W/fifo" >"$W/out" 2>"$W/err" 3>&- &
	pid=$!
	BG="$BG $pid"
}

# The client column of a report, sorted.
clients() {
	tail -n +2 "$1" | cut -d, -f1 | sort
}

# Rows of a report, not counting the header.
rows() {
	echo $(($(wc -l <"$1") - 1))
}

# The valid client addresses in field 1 of a log as genlog writes them
# (dotted quads, lower-case IPv6 in canonical form), one per line.  An
# independent reading of the log, to count against.
valid_clients() {
	awk '
	function v4(s,   n, o, i) {
		if (s !~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/)
			return 0
		n = split(s, o, ".")
		for (i = 1; i <= n; i++)
			if (length(o[i]) > 3 || o[i] + 0 > 255)
				return 0
		return 1
	}
	function v6(s,   n, g, i, dbl, t) {
		if (s !~ /^[0-9a-f:]+$/ || s ~ /:::/)
			return 0
		t = s
		dbl = gsub(/::/, ":", t)
		if (dbl > 1 || s ~ /^:[^:]/ || s ~ /[^:]:$/)
			return 0
		sub(/^:/, "", t)
		sub(/:$/, "", t)
		n = t == "" ? 0 : split(t, g, ":")
		for (i = 1; i <= n; i++)
			if (length(g[i]) < 1 || length(g[i]) > 4)
				return 0
		return dbl ? n <= 7 : n == 8
	}
	v4($1) || v6($1) { print $1 }' "$1"
}

# The generated 5 MB combined log, made once.
gen5m() {
	[ -s "$W/gen.log" ] || "$GENLOG" -u 20000 5M >"$W/gen.log"
}

# Deterministic binary junk: $1 bytes.
junk() {
	if command -v openssl >/dev/null 2>&1; then
		head -c "$1" /dev/zero | openssl enc -aes-128-ctr -nosalt \
		    -K 000102030405060708090a0b0c0d0e0f \
		    -iv 00000000000000000000000000000000
	else
		awk -v n="$1" 'BEGIN { srand(7); for (i = 0; i < n; i++)
		    printf "%c", int(rand() * 255) + 1 }'
	fi
}

# Standard input with CRLF line ends.
crlf() {
	awk '{ printf "%s\r\n", $0 }'
}

# The sshd fixture with its year reference: syslog lines have no year, so
# it comes from the file's modification time.
auth_log() {
	cp "$DATA/auth.log" "$W/auth.log"
	touch -d "${1:-2024-12-31 12:00 UTC}" "$W/auth.log"
}

# --- 1. fixtures: exact reports ---------------------------------------------

t_fixtures() {
	for pair in sample:combined common:common vhost:vhost_combined \
	    app:first-ip v6forms:combined; do
		name=${pair%%:*}
		fmt=${pair#*:}
		run --offline "$DATA/$name.log"
		if [ "$fmt" = first-ip ]; then
			report_warns "fixtures: $name (auto)" "$EXP/$name.csv" \
			    "$(guessed "$DATA/$name.log")"
		else
			report_is "fixtures: $name (auto)" "$EXP/$name.csv" quiet
		fi
		run --offline -f "$fmt" "$DATA/$name.log"
		report_is "fixtures: $name (-f $fmt)" "$EXP/$name.csv" quiet
	done

	auth_log
	run --offline "$W/auth.log"
	report_is "fixtures: auth (auto)" "$EXP/auth.csv" quiet
	run --offline --format=sshd "$W/auth.log"
	report_is "fixtures: auth (-f sshd)" "$EXP/auth.csv" quiet
	# A file written on New Year's night: every December line is of the
	# year before its modification time.
	auth_log '2025-01-01 00:30 UTC'
	run --offline "$W/auth.log"
	report_is "fixtures: auth (year before the mtime)" "$EXP/auth.csv" quiet

	run --offline --regex "$REGEX" "$DATA/regex.log"
	report_is "fixtures: regex" "$EXP/regex.csv" quiet
}

# Several inputs: counts add up over the files, each read in its format.
t_several_files() {
	auth_log
	run --offline "$DATA/common.log" "$W/auth.log" "$DATA/common.log"
	got=$(grep '^192\.0\.2\.10,' "$W/out")
	[ "$st" = 0 ] && [ "$(rows "$W/out")" -eq 11 ] &&
	    [ "$got" = "192.0.2.10,4,6738,2023-10-10T20:55:36Z,2023-10-10T20:55:40Z,documentation,,192.0.2.0/24,Documentation (TEST-NET-1),,,,,,builtin,ok" ]
	check $? "several-files: counts add up" "status $st, rows $(rows "$W/out"), 192.0.2.10: $got"

	# "-" among files is standard input, read in its place.
	timeout $T "$IPWHOIS" --offline "$DATA/common.log" - <"$DATA/common.log" \
	    >"$W/out" 2>"$W/err"
	st=$?
	[ "$st" = 0 ] && grep -q '^203\.0\.113\.9,4,1095298,' "$W/out"
	check $? "several-files: - is stdin" "status $st: $(errline)"
}

# --- 2. the number of workers does not change the report ---------------------

t_jobs() {
	gen5m
	run --offline -j 1 "$W/gen.log"
	if [ "$st" != 0 ]; then
		fail "jobs: -j 1" "status $st: $(errline)"
		return
	fi
	mv "$W/out" "$W/j1.csv"
	for j in 2 12 256; do
		run --offline -j $j "$W/gen.log"
		report_is "jobs: -j $j = -j 1" "$W/j1.csv" quiet
	done
	run --offline "$W/gen.log"
	report_is "jobs: default = -j 1" "$W/j1.csv" quiet

	# -j 256 under the usual limit of 1024 open files (Debian's default
	# soft limit): the documented range holds where users run it.
	if (ulimit -n 1024) 2>/dev/null; then
		(ulimit -n 1024 && exec timeout $T "$IPWHOIS" --offline -j 256 \
		    "$DATA/sample.log") >"$W/out" 2>"$W/err"
		st=$?
		report_is "jobs: -j 256 under ulimit -n 1024" "$EXP/sample.csv" quiet
	else
		skip "jobs: -j 256 under ulimit -n 1024 (cannot set it)"
	fi

	# One row per valid client address in field 1, as awk reads it.  The
	# generator's malformed lines (999.1.2.3, 1.2.3, garbage, binary) have
	# no valid client and count for nothing; its truncated lines keep
	# theirs when the cut falls after it, and ipwhois counts those (a
	# line need not be whole to name its client), so awk reads every
	# line, not only the complete ones.  Compared as sets, not counts.
	valid_clients "$W/gen.log" | sort -u >"$W/awk.ips"
	clients "$W/j1.csv" >"$W/bin.ips"
	same "jobs: rows = distinct valid clients ($(wc -l <"$W/awk.ips"))" \
	    "$W/awk.ips" "$W/bin.ips"
}

# --- 3. compressed input ------------------------------------------------------

t_compressed() {
	for c in gzip:gz bzip2:bz2 xz:xz zstd:zst lz4:lz4; do
		tool=${c%%:*}
		if ! command -v "$tool" >/dev/null 2>&1; then
			skip "compressed: $tool not installed"
			continue
		fi
		"$tool" -c <"$DATA/sample.log" >"$W/sample.log.${c#*:}"
		run --offline "$W/sample.log.${c#*:}"
		report_is "compressed: $tool" "$EXP/sample.csv" quiet
	done

	# Recognised by content, not by name.
	gzip -c <"$DATA/sample.log" >"$W/access.log.2"
	run --offline "$W/access.log.2"
	report_is "compressed: gzip named access.log.2" "$EXP/sample.csv" quiet

	run_stdin "$W/access.log.2" --offline
	report_is "compressed: gzip on stdin" "$EXP/sample.csv" quiet

	run_stdin "$W/access.log.2" --offline -
	report_is "compressed: gzip on -" "$EXP/sample.csv" quiet

	# Two gzip members one after the other (cat a.gz b.gz), as gzip(1)
	# itself reads them: both are counted.
	{ gzip -c <"$DATA/common.log"; gzip -c <"$DATA/common.log"; } \
	    >"$W/twice.gz"
	run --offline "$W/twice.gz"
	[ "$st" = 0 ] && [ "$(cut -d, -f1-3 "$W/out" | tr '\n' ' ')" = \
	    "ip,hits,bytes 192.0.2.10,4,6738 192.0.2.99,4,0 203.0.113.9,4,1095298 2001:db8::1,2,200 " ]
	check $? "compressed: two gzip members" "status $st: $(cut -d, -f1-3 "$W/out" | tr '\n' ' ')"
}

# --- 4. a damaged compressed file -------------------------------------------

t_truncated() {
	"$GENLOG" -u 2000 2M >"$W/big.log"
	gzip -c <"$W/big.log" >"$W/big.gz"
	size=$(wc -c <"$W/big.gz")
	head -c $((size / 2)) "$W/big.gz" >"$W/cut.gz"
	run --offline "$W/cut.gz"
	[ "$st" = 2 ]
	check $? "truncated: exit 2" "status $st"
	grep -q "^ipwhois: $W/cut.gz: .*; read up to there\$" "$W/err"
	check $? "truncated: stderr names the file" "stderr: $(errline)"
	[ "$(head -1 "$W/out")" = "$HEADER" ] && [ "$(rows "$W/out")" -ge 1 ]
	check $? "truncated: header and the rows before the damage" \
	    "$(rows "$W/out") rows: $(head -2 "$W/out" | tr '\n' '|')"
	# What it reports is in what gzip -d recovers (a cut last line
	# included, whose client may be cut too).
	gzip -dc <"$W/cut.gz" 2>/dev/null >"$W/recovered.log"
	valid_clients "$W/recovered.log" | sort -u >"$W/cut-awk.ips"
	clients "$W/out" >"$W/cut.ips"
	[ -z "$(comm -23 "$W/cut.ips" "$W/cut-awk.ips")" ]
	check $? "truncated: only clients of the log" \
	    "not in the log: $(comm -23 "$W/cut.ips" "$W/cut-awk.ips" | head -3)"

	# Every whole line before the damage is counted, as the manual says
	# ("read up to the damage"): the clients of the complete lines that
	# gzip -d recovers must all be in the report.  Checked on the big log
	# and on a small one, where a decoder that drops its last block before
	# the damage loses everything.
	for c in cut:"$W/cut.gz" small:"$W/small.gz"; do
		f=${c#*:}
		[ "${c%%:*}" = small ] &&
		    gzip -c <"$DATA/sample.log" | head -c 1000 >"$f"
		gzip -dc <"$f" 2>/dev/null | sed '$d' >"$W/recovered.log"
		timeout $T "$IPWHOIS" --offline -f combined "$W/recovered.log" \
		    >"$W/rec.csv" 2>/dev/null
		run --offline "$f"
		clients "$W/rec.csv" >"$W/rec.ips"
		clients "$W/out" >"$W/got.ips"
		lost=$(comm -23 "$W/rec.ips" "$W/got.ips" | wc -l)
		[ "$st" = 2 ] && [ "$lost" -eq 0 ]
		check $? "truncated: nothing before the damage lost (${c%%:*})" \
		    "status $st; $lost of the $(wc -l <"$W/rec.ips") clients of the $(wc -l <"$W/recovered.log") whole lines gzip -d recovers are missing ($(rows "$W/out") rows)"
	done
}

# --- 5. inputs that cannot be read: checked before anything runs -------------

t_missing() {
	run --offline /nonexistent/x.log
	[ "$st" = 2 ] && [ ! -s "$W/out" ] &&
	    [ "$(cat "$W/err")" = "ipwhois: /nonexistent/x.log: No such file or directory" ]
	check $? "missing: a missing file" "status $st, stderr: $(errline)"

	run --offline "$DATA"
	[ "$st" = 2 ] && [ ! -s "$W/out" ] &&
	    [ "$(cat "$W/err")" = "ipwhois: $DATA: is a directory" ]
	check $? "missing: a directory" "status $st, stderr: $(errline)"

	# Among good ones: named, the others read and reported (as grep and
	# wc do), and status 2 at the end.
	run --offline "$DATA/sample.log" /nonexistent/x.log "$DATA/common.log"
	cp "$W/out" "$W/missing.csv"
	run --offline "$DATA/sample.log" "$DATA/common.log"
	[ "$st" = 0 ] && cmp -s "$W/out" "$W/missing.csv" &&
	    run --offline "$DATA/sample.log" /nonexistent/x.log \
	    "$DATA/common.log" && [ "$st" = 2 ] &&
	    [ "$(cat "$W/err")" = "ipwhois: /nonexistent/x.log: No such file or directory" ]
	check $? "missing: among good ones, the others' report" \
	    "status $st, $(wc -l <"$W/missing.csv") lines out, stderr: $(errline)"
}

# --- 6. empty input -----------------------------------------------------------

t_empty() {
	: >"$W/empty.log"
	run --offline "$W/empty.log"
	[ "$st" = 0 ] && [ "$(cat "$W/out")" = "$HEADER" ] && stderr_empty
	check $? "empty: file" "status $st, stderr: $(errline)"

	run_stdin /dev/null --offline
	[ "$st" = 0 ] && [ "$(cat "$W/out")" = "$HEADER" ] && stderr_empty
	check $? "empty: stdin" "status $st, stderr: $(errline)"

	gzip -c </dev/null >"$W/empty.gz"
	run --offline "$W/empty.gz"
	[ "$st" = 0 ] && [ "$(cat "$W/out")" = "$HEADER" ] && stderr_empty
	check $? "empty: gzip of nothing" "status $st, stderr: $(errline)"
}

# --- 7. a very long line ------------------------------------------------------

t_long_line() {
	# 10 MB lines between good ones: one with a client at its start (read
	# by its first 64 KiB, so counted, without a size), one without.
	{
		sed -n 1p "$DATA/sample.log"
		printf '192.0.2.200 - - [12/Mar/2024:06:25:13 +0000] "GET /'
		head -c 10000000 /dev/zero | tr '\0' a
		printf ' HTTP/1.1" 414 0 "-" "-"\n'
		head -c 10000000 /dev/zero | tr '\0' b
		printf '\n'
		sed -n 5p "$DATA/sample.log"
	} >"$W/long.log"
	# Memory stays small: under a 400 MB address space limit per process
	# (not under AddressSanitizer, whose shadow memory needs terabytes).
	case $IPWHOIS in
	*san*)	run --offline "$W/long.log" ;;
	*)	(ulimit -v 400000; exec timeout $T "$IPWHOIS" --offline \
		    "$W/long.log") >"$W/out" 2>"$W/err"
		st=$? ;;
	esac
	cat >"$W/want" <<-EOF
	$HEADER
	66.249.66.1,1,68,2024-03-12T06:26:40Z,2024-03-12T06:26:40Z,public,ARIN,,,,,,,,builtin,ok
	192.0.2.200,1,,2024-03-12T06:25:13Z,2024-03-12T06:25:13Z,documentation,,192.0.2.0/24,Documentation (TEST-NET-1),,,,,,builtin,ok
	203.0.113.7,1,5321,2024-03-12T06:25:11Z,2024-03-12T06:25:11Z,documentation,,203.0.113.0/24,Documentation (TEST-NET-3),,,,,,builtin,ok
	EOF
	report_is "long-line: report" "$W/want"
	[ "$(cat "$W/err")" = "ipwhois: $W/long.log: 2 lines longer than 65536 bytes; their first 65536 bytes were read" ]
	check $? "long-line: one warning naming the file" "stderr: $(errline)"

	run --offline -q "$W/long.log"
	report_is "long-line: -q: the same report, no warning" "$W/want" quiet

	gzip -c <"$W/long.log" >"$W/long.gz"
	run --offline "$W/long.gz"
	report_is "long-line: the same compressed" "$W/want"
}

# --- 8. binary garbage --------------------------------------------------------

t_garbage() {
	{
		sed -n 18p "$DATA/sample.log"	# 8.8.8.8
		junk 100000
		printf '\n'
		sed -n 26p "$DATA/sample.log"	# 41.203.72.10
		junk 100000
		printf '\n'
		sed -n 31p "$DATA/sample.log"	# 172.16.5.4
	} >"$W/garbage.log"
	cat >"$W/want" <<-EOF
	$HEADER
	8.8.8.8,1,5321,2024-03-12T06:46:02Z,2024-03-12T06:46:02Z,public,ARIN,,,,,,,,builtin,ok
	41.203.72.10,1,3120,2024-03-12T07:10:00Z,2024-03-12T07:10:00Z,public,AFRINIC,,,,,,,,builtin,ok
	172.16.5.4,1,41,2024-03-12T08:02:13Z,2024-03-12T08:02:13Z,private,,172.16.0.0/12,Private-Use,,,,,,builtin,ok
	EOF
	for f in "" combined; do
		run --offline ${f:+-f $f} "$W/garbage.log"
		report_is "garbage: 3 good lines in 200 KB of junk (${f:-auto})" "$W/want"
	done
}

# --- 9. CRLF line ends --------------------------------------------------------

t_crlf() {
	for name in sample common; do
		crlf <"$DATA/$name.log" >"$W/crlf.log"
		run --offline "$W/crlf.log"
		report_is "crlf: $name" "$EXP/$name.csv" quiet
	done
	crlf <"$DATA/app.log" >"$W/crlf.log"
	run --offline "$W/crlf.log"
	report_warns "crlf: app" "$EXP/app.csv" "$(guessed "$W/crlf.log")"
	crlf <"$DATA/auth.log" >"$W/auth.log"
	touch -d '2024-12-31 12:00 UTC' "$W/auth.log"
	run --offline "$W/auth.log"
	report_is "crlf: auth" "$EXP/auth.csv" quiet
}

# --- 10. -o FILE --------------------------------------------------------------

t_output() {
	mkdir "$W/o"
	(umask 022 && exec timeout $T "$IPWHOIS" --offline \
	    -o "$W/o/report.csv" "$DATA/sample.log") >"$W/out" 2>"$W/err"
	st=$?
	[ "$st" = 0 ] && [ ! -s "$W/out" ] && stderr_empty
	check $? "output: exit 0, nothing on stdout or stderr" "status $st: $(errline)"
	same "output: the report in FILE" "$EXP/sample.csv" "$W/o/report.csv"
	[ "$(ls -A "$W/o")" = report.csv ]
	check $? "output: no temporary file left" "left: $(ls -A "$W/o" | tr '\n' ' ')"
	[ "$(stat -c %a "$W/o/report.csv")" = 644 ]
	check $? "output: mode 0666 less the umask" \
	    "mode $(stat -c %a "$W/o/report.csv") under umask 022"

	echo old >"$W/o/report.csv"
	run --offline --output "$W/o/report.csv" "$DATA/common.log"
	if [ "$st" = 0 ]; then
		same "output: an old FILE replaced" "$EXP/common.csv" \
		    "$W/o/report.csv"
	else
		fail "output: an old FILE replaced" "status $st: $(errline)"
	fi

	run --offline -o /nonexistent-dir/x.csv "$DATA/sample.log"
	[ "$st" = 2 ] && [ ! -s "$W/out" ] &&
	    [ "$(cat "$W/err")" = "ipwhois: /nonexistent-dir/x.csv: No such file or directory" ]
	check $? "output: into a missing directory" "status $st, stderr: $(errline)"

	# A directory is no report file: the run fails and leaves no
	# temporary file beside it.
	mkdir "$W/o/dir.csv"
	run --offline -o "$W/o/dir.csv" "$DATA/sample.log"
	[ "$st" != 0 ] && [ ! -s "$W/out" ] &&
	    grep -q "^ipwhois: $W/o/dir.csv: " "$W/err" &&
	    [ "$(ls -A "$W/o" | tr '\n' ' ')" = "dir.csv report.csv " ]
	check $? "output: -o DIR fails, no temporary file left" \
	    "status $st, stderr: $(errline), files: $(ls -A "$W/o" | tr '\n' ' ')"
	rmdir "$W/o/dir.csv"

	# The report cannot be written: exit 3, and the reason.
	if [ -w /dev/full ]; then
		timeout $T "$IPWHOIS" --offline "$DATA/sample.log" >/dev/full \
		    2>"$W/err"
		st=$?
		[ "$st" = 3 ] && [ "$(cat "$W/err")" = "ipwhois: standard output: No space left on device" ]
		check $? "output: a full disk (/dev/full): exit 3" \
		    "status $st, stderr: $(errline)"
	fi

	# A missing input is left out (ipwhois(1), -o): the run completes
	# with status 2, and the report of the others replaces the file.
	echo old >"$W/o/report.csv"
	run --offline -o "$W/o/report.csv" "$DATA/sample.log" /nonexistent/x.log
	[ "$st" = 2 ] && cmp -s "$W/o/report.csv" "$EXP/sample.csv" &&
	    [ "$(ls -A "$W/o")" = report.csv ]
	check $? "output: replaced when an input is missing" \
	    "status $st, files: $(ls -A "$W/o" | tr '\n' ' ')"

	gzip -c <"$DATA/sample.log" | head -c 1000 >"$W/damaged.gz"
	run --offline "$DATA/common.log" "$W/damaged.gz"
	cp "$W/out" "$W/damaged-stdout.csv"
	run --offline -o "$W/o/report.csv" "$DATA/common.log" "$W/damaged.gz"
	[ "$st" = 2 ] && cmp -s "$W/o/report.csv" "$W/damaged-stdout.csv" &&
	    [ "$(ls -A "$W/o")" = report.csv ] && [ "$(rows "$W/o/report.csv")" -gt 1 ]
	check $? "output: written when an input is damaged part way (exit 2)" \
	    "status $st, FILE now holds $(rows "$W/o/report.csv") rows; files: $(ls -A "$W/o" | tr '\n' ' ')"
}

# --- 11. the reader leaves early ----------------------------------------------

t_reader_gone() {
	gen5m		# a report of about 1 MB, far more than a pipe holds
	for reader in "head -1" "true"; do
		rm -f "$W/st"
		(
			timeout $T "$IPWHOIS" --offline "$W/gen.log" 2>"$W/err"
			echo $? >"$W/st"
		) | $reader >"$W/out"
		# No process of this run left: they all carry its log's name.
		dl=$(($(now_ms) + 2000))
		while left=$(pgrep -f "$W/gen.log") && [ "$(now_ms)" -lt $dl ]; do
			sleep 0.1
		done
		if [ "$reader" = "head -1" ]; then
			[ "$(cat "$W/out")" = "$HEADER" ]
			check $? "reader-gone: | head -1 prints the header" \
			    "got: $(head -c 200 "$W/out")"
		fi
		[ "$(cat "$W/st")" = 0 ] && stderr_empty && [ -z "$left" ]
		check $? "reader-gone: | $reader: exit 0, quiet, nothing left" \
		    "status $(cat "$W/st"), stderr: $(errline), left: $left"
	done
}

# --- 12. SIGINT and SIGTERM ---------------------------------------------------

t_signals() {
	for sig in INT:130 TERM:143; do
		name=${sig%%:*}
		mkdir -p "$W/s"
		echo old >"$W/s/r.csv"
		start_fifo -j 4 -o "$W/s/r.csv"
		if ! wait_kids "$pid" 6; then
			fail "signals: SIG$name" "no children after 5 s"
			exec 3>&-
			wait_end "$pid" 3000
			continue
		fi
		head -5 "$DATA/sample.log" >&3
		kids=$(pgrep -P "$pid")
		kill -s "$name" "$pid"
		wait_end "$pid" 2000
		exec 3>&-
		left=$(still_alive "$kids")
		[ "$st" = "${sig#*:}" ]
		check $? "signals: SIG$name: exit ${sig#*:} within 2 s" \
		    "status $st after $took ms"
		[ -z "$left" ]
		check $? "signals: SIG$name: no child left" "left: $left"
		[ "$(ls -A "$W/s")" = r.csv ] && [ "$(cat "$W/s/r.csv")" = old ]
		check $? "signals: SIG$name: FILE kept, no temporary file" \
		    "files: $(ls -A "$W/s" | tr '\n' ' ')"
	done

	# A compressed stream that stops mid-way: its decoding thread waits
	# for the pipe, and the stop must not wait with it.
	head -50 "$DATA/sample.log" | gzip -c >"$W/s.gz"
	start_fifo -j 2
	if wait_kids "$pid" 4; then
		head -c $(($(wc -c <"$W/s.gz") / 2)) "$W/s.gz" >&3
		sleep 0.3
		kill -s TERM "$pid"
		wait_end "$pid" 2000
		exec 3>&-
		[ "$st" = 143 ]
		check $? "signals: SIGTERM while a gzip stream waits: exit 143" \
		    "status $st after $took ms"
	else
		fail "signals: SIGTERM while a gzip stream waits" \
		    "no children after 5 s"
		exec 3>&-
		wait_end "$pid" 3000
	fi

	# Ctrl-C at a terminal: SIGINT to the whole process group at once.
	if ! command -v setsid >/dev/null 2>&1; then
		skip "signals: process group (no setsid)"
	else
		rm -f "$W/fifo" "$W/sid"
		mkfifo "$W/fifo"
		exec 3<>"$W/fifo"
		setsid -w sh -c 'echo $$ >"$0"; exec "$@"' "$W/sid" \
		    "$IPWHOIS" --offline -j 4 "$W/fifo" >"$W/out" 2>"$W/err" 3>&- &
		pid=$!
		BG="$BG $pid"
		dl=$(($(now_ms) + 5000))
		while [ ! -s "$W/sid" ] && [ "$(now_ms)" -lt $dl ]; do
			sleep 0.05
		done
		sid=$(cat "$W/sid" 2>/dev/null)
		if [ -n "$sid" ] && wait_kids "$sid" 6; then
			BG="$BG $sid"
			head -5 "$DATA/sample.log" >&3
			kill -s INT -- "-$sid"
			wait_end "$pid" 2000
			exec 3>&-
			left=$(pgrep -s "$sid" | tr '\n' ' ')
			[ "$st" = 130 ] && [ -z "$left" ]
			check $? "signals: SIGINT to the process group" \
			    "status $st after $took ms, left: $left"
		else
			exec 3>&-
			wait_end "$pid" 3000
			fail "signals: SIGINT to the process group" "did not start"
		fi
	fi

	# A stop while the report is being written to a reader that does
	# not read: the reporter is blocked in write(2).
	gen5m
	rm -f "$W/ofifo"
	mkfifo "$W/ofifo"
	exec 4<>"$W/ofifo"
	"$IPWHOIS" --offline "$W/gen.log" >"$W/ofifo" 2>"$W/err" 4>&- &
	pid=$!
	BG="$BG $pid"
	# The parser and workers end; the reporter stays, writing the report
	# (and soon blocked: the pipe holds 64 KiB, the report is 1 MB).
	dl=$(($(now_ms) + 10000))
	while alive "$pid" && [ "$(now_ms)" -lt $dl ]; do
		kids=$(pgrep -P "$pid")
		if [ "$(echo $kids | wc -w)" -eq 1 ]; then
			written=$(awk '$1 == "wchar:" { print $2 }' \
			    "/proc/$kids/io" 2>/dev/null)
			[ "${written:-4096}" -ge 4096 ] && break
		fi
		sleep 0.05
	done
	sleep 0.3
	kill -s INT "$pid"
	wait_end "$pid" 2000
	exec 4>&-
	left=$(still_alive "$kids")
	[ "$st" = 130 ] && [ -z "$left" ]
	check $? "signals: SIGINT while blocked writing the report" \
	    "status $st after $took ms, left: $left"
}

# --- 13. a worker killed with work in hand -------------------------------------

# worker_dies NAME SIGNAL: a run with -j 4 on a FIFO; one worker is stopped,
# given work (200 addresses), sent SIGNAL, then the run is given more and
# its input closed.  The run's pid in $pid, the worker's in $worker.
# Returns 1 (the failure said) if the run did not start.
worker_dies() {
	start_fifo -j 4
	if ! wait_kids "$pid" 6; then
		exec 3>&-
		wait_end "$pid" 3000
		fail "$1" "no children after 5 s"
		return 1
	fi
	parser=$(pgrep -P "$pid" -x ipwhois-parser)
	worker=$(pgrep -P "$pid" -x ipwhois-worker | head -1)
	kill -s STOP "$worker"
	read0=$(awk '$1 == "rchar:" { print $2 }' "/proc/$parser/io" 2>/dev/null)
	# 200 addresses in distinct /24s: about a quarter are the stopped
	# worker's.  Half public (8/8, ARIN), half benchmarking (198.18/15).
	i=0
	while [ $i -lt 100 ]; do
		printf '198.18.%d.7 - - [02/Mar/2024:06:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "a"\n' $i
		printf '8.%d.7.1 - - [02/Mar/2024:06:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "a"\n' $i
		i=$((i + 1))
	done >"$W/part1"
	cat "$W/part1" >&3
	# Until the parser has read them (and so sent them to the workers).
	want=$(($(wc -c <"$W/part1") + ${read0:-0}))
	dl=$(($(now_ms) + 5000))
	while [ -n "$read0" ] && [ "$(now_ms)" -lt $dl ] &&
	    [ "$(awk '$1 == "rchar:" { print $2 }' "/proc/$parser/io")" -lt $want ]; do
		sleep 0.05
	done
	sleep 0.5
	kill -s "$2" "$worker"
	kill -s CONT "$worker" 2>/dev/null
	i=0
	while [ $i -lt 50 ]; do
		printf '198.19.%d.7 - - [02/Mar/2024:06:00:01 +0000] "GET / HTTP/1.1" 200 1 "-" "a"\n' $i
		i=$((i + 1))
	done >"$W/part2"
	# Two of the first addresses again (the same lines): their hits count
	# whatever their worker's fate.
	grep -E '^(198\.18\.0\.7|8\.0\.7\.1) ' "$W/part1" >>"$W/part2"
	cat "$W/part2" >&3
	exec 3>&-
	return 0
}

# The rows worker_dies must give, fields 1 to 5, sorted.
worker_dies_rows() {
	ts0=2024-03-02T06:00:00Z
	ts1=2024-03-02T06:00:01Z
	i=0
	while [ $i -lt 100 ]; do
		for a in 198.18.$i.7 8.$i.7.1; do
			case $a in
			198.18.0.7 | 8.0.7.1) echo "$a,2,2,$ts0,$ts0" ;;
			*) echo "$a,1,1,$ts0,$ts0" ;;
			esac
		done
		[ $i -lt 50 ] && echo "198.19.$i.7,1,1,$ts1,$ts1"
		i=$((i + 1))
	done | sort
}

t_worker_killed() {
	worker_dies worker-killed KILL || return
	if ! wait_end "$pid" 10000; then
		fail "worker-killed: the run ends" "still running after 10 s"
		return
	fi
	ok "worker-killed: the run ends ($took ms)"
	[ "$st" = 3 ]
	check $? "worker-killed: exit 3" "status $st"
	grep -Eq "^ipwhois: worker [0-9]+ \\(pid $worker\\) was killed by signal 9 \\(Killed\\)\$" "$W/err"
	check $? "worker-killed: stderr names the worker and signal 9" "stderr: $(errline)"

	# Every address has its row, with its counts, whatever its worker.
	worker_dies_rows >"$W/want"
	tail -n +2 "$W/out" | cut -d, -f1-5 | sort >"$W/got"
	same "worker-killed: one row per address, nothing lost (250)" "$W/want" "$W/got"

	errors=$(grep -c ',error$' "$W/out")
	oks=$(grep -c ',builtin,ok$' "$W/out")
	# The dead worker's addresses went to the others: every row ok.
	[ "$errors" -eq 0 ] && [ "$oks" -eq 250 ]
	check $? "worker-killed: every row ok, the dead worker's asked again" \
	    "$errors error, $oks ok, of $(rows "$W/out") rows"
	# A row whose lookup was lost still says what the tables know.
	bad=$(grep ',error$' "$W/out" | grep -Ev '^(198\.1[89]\.[0-9]+\.7,[0-9]+,[0-9]+,[^,]*,[^,]*,benchmarking,|8\.[0-9]+\.7\.1,[0-9]+,[0-9]+,[^,]*,[^,]*,public,ARIN,)' | head -3)
	[ -z "$bad" ]
	check $? "worker-killed: error rows keep kind and registry" "rows: $bad"
	# Sorted: hits, then addresses numerically.
	tail -n +2 "$W/out" | cut -d, -f1,2 >"$W/order"
	sort -t. -k1,1n -k2,2n -k3,3n -k4,4n "$W/order" |
	    sort -s -t, -k2,2nr >"$W/sorted"
	same "worker-killed: rows in order" "$W/sorted" "$W/order"
}

# A worker ended by a plain SIGTERM (an administrator's kill, a service
# manager) has died just as much: ipwhois(1), PROCESSES: "A worker that
# dies costs only the answers it held ... and the exit status is 3".
t_worker_terminated() {
	worker_dies worker-terminated TERM || return
	if ! wait_end "$pid" 10000; then
		fail "worker-terminated: the run ends" "still running after 10 s"
		return
	fi
	worker_dies_rows >"$W/want"
	tail -n +2 "$W/out" | cut -d, -f1-5 | sort >"$W/got"
	same "worker-terminated: one row per address, nothing lost (250)" \
	    "$W/want" "$W/got"
	[ "$st" = 3 ] && grep -q "worker [0-9]* (pid $worker)" "$W/err"
	check $? "worker-terminated: exit 3, stderr names the worker" \
	    "status $st, stderr: $(errline)"
}

# --- 14. usage errors, --help, --version ---------------------------------------

t_usage() {
	# The log goes first (options are permuted): an option that lacks its
	# value can then come last.
	run "$DATA/sample.log" -f nope </dev/null
	[ "$st" = 2 ] && [ ! -s "$W/out" ] &&
	    [ "$(sed -n 1p "$W/err")" = "ipwhois: unknown log format 'nope' ($FORMAT_NAMES)" ]
	check $? "usage: -f nope" "status $st, stderr: $(errline)"
	while IFS='|' read -r args msg; do
		# shellcheck disable=SC2086
		run "$DATA/sample.log" $args </dev/null
		[ "$st" = 2 ] && [ ! -s "$W/out" ] &&
		    [ "$(sed -n 1p "$W/err")" = "$msg" ]
		check $? "usage: $args" "status $st, stderr: $(errline)"
	done <<-'EOF'
	-j 0|ipwhois: -j takes a number of workers from 1 to 256, not '0'
	-j 257|ipwhois: -j takes a number of workers from 1 to 256, not '257'
	-j x|ipwhois: -j takes a number of workers from 1 to 256, not 'x'
	-j 2x|ipwhois: -j takes a number of workers from 1 to 256, not '2x'
	--jobs=-1|ipwhois: -j takes a number of workers from 1 to 256, not '-1'
	--regex (|ipwhois: --regex: at offset 1: missing closing parenthesis
	--regex no-ip-group|ipwhois: --regex: it needs a named group (?<ip>...)
	--bogus|ipwhois: unknown option '--bogus'
	-x|ipwhois: unknown option '-x'
	-j|ipwhois: option '-j' needs a value
	-o|ipwhois: option '-o' needs a value
	--output=|ipwhois: -o needs a file name
	EOF

	# Every usage error points at --help, as the option errors do.
	for args in "-j 0" "--bogus" "--regex (" "--regex no-ip-group"; do
		# shellcheck disable=SC2086
		run "$DATA/sample.log" $args </dev/null
		[ "$(sed -n 2p "$W/err")" = "Try 'ipwhois --help' for more information." ]
		check $? "usage: $args: a second line pointing at --help" \
		    "stderr: $(errline)"
	done

	for j in 1 256; do
		run --offline --jobs=$j "$DATA/sample.log"
		report_is "usage: --jobs=$j accepted" "$EXP/sample.csv" quiet
	done

	for h in --help -h; do
		run $h
		[ "$st" = 0 ] && [ "$(head -c 14 "$W/out")" = "usage: ipwhois" ] &&
		    stderr_empty
		check $? "usage: $h" "status $st: $(head -1 "$W/out")"
	done
	for v in --version -V; do
		run $v
		[ "$st" = 0 ] && [ "$(cat "$W/out")" = "ipwhois 0.1.0" ] && stderr_empty
		check $? "usage: $v" "status $st: $(cat "$W/out")"
	done
}

# --- 15. -v and -q ------------------------------------------------------------

# offline_summary LINES NOCLIENT REJECTED ADDRESSES: the -v summary of an
# offline run in which nothing was left out, asked or failed, its time as
# "T s".
offline_summary() {
	printf '%s\n' \
	    "ipwhois: $1 lines read, $2 without a client, $3 rejected, 0 outside --since/--until, 0 excluded by --include/--exclude" \
	    "ipwhois: $4 unique addresses, $4 lookups, 0 queries sent, 0 answered from the cache file, 0 from networks learned in this run" \
	    "ipwhois: 0 failed: 0 not-found, 0 timeout, 0 rate-limited, 0 error; T s"
}

# summary_from N: stderr from line N on, a time in seconds as "T s".
summary_from() {
	grep -v '^ipwhois: sandbox: ' "$W/err" | sed -n "$1,\$p" |
	    sed -E 's/; [0-9]+\.[0-9]{3} s$/; T s/'
}

# The sandbox's -v line (tests/integration.d/sandbox.sh tests it) out of
# $W/err, for the tests that count -v's lines.
drop_sandbox_line() {
	sed -i '/^ipwhois: sandbox: /d' "$W/err"
}

t_verbose() {
	# With -v: the IP database used first, then the format of each file,
	# then the summary.
	run --offline -v "$DATA/sample.log"
	drop_sandbox_line
	[ "$st" = 0 ] && [ "$(wc -l <"$W/err")" -eq 7 ] &&
	    [ "$(sed -n 1p "$W/err")" = "$DBUSED" ] &&
	    [ "$(sed -n 2p "$W/err")" = "ipwhois: $DATA/sample.log: format combined" ] &&
	    [ "$(sed -n 3p "$W/err")" = "ipwhois: $DATA/sample.log: combined: 39 lines, 38 read, 0 without a client, 1 rejected" ] &&
	    [ "$(sed -n 4p "$W/err")" = 'ipwhois: tests/data/sample.log: rejected, e.g.: \x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 400 157 "-" "-"' ] &&
	    [ "$(summary_from 5)" = "$(offline_summary 39 0 1 16)" ]
	check $? "verbose: sample" "status $st, stderr: $(errline)"
	same "verbose: the report unchanged" "$EXP/sample.csv" "$W/out"

	auth_log
	run --offline --verbose "$DATA/common.log" "$W/auth.log"
	drop_sandbox_line
	[ "$st" = 0 ] && [ "$(wc -l <"$W/err")" -eq 8 ] &&
	    [ "$(sed -n 1p "$W/err")" = "$DBUSED" ] &&
	    [ "$(sed -n 2p "$W/err")" = "ipwhois: $DATA/common.log: format common" ] &&
	    [ "$(sed -n 3p "$W/err")" = "ipwhois: $W/auth.log: format syslog" ] &&
	    [ "$(sed -n 4p "$W/err")" = "ipwhois: $DATA/common.log: common: 7 lines, 7 read, 0 without a client, 0 rejected" ] &&
	    [ "$(sed -n 5p "$W/err")" = "ipwhois: $W/auth.log: syslog: 27 lines, 17 read, 10 without a client, 0 rejected" ] &&
	    [ "$(summary_from 6)" = "$(offline_summary 34 10 0 11)" ]
	check $? "verbose: two files, one summary" "status $st, stderr: $(errline)"

	# A line of a file no format reads: what it is, and an example of a
	# rejected line, escaped.
	run_stdin "$DATA/app.log" --offline -v
	drop_sandbox_line
	[ "$st" = 0 ] && [ "$(wc -l <"$W/err")" -eq 8 ] &&
	    [ "$(sed -n 2p "$W/err")" = "ipwhois: standard input: format first-ip" ] &&
	    [ "$(sed -n 3p "$W/err")" = "$(guessed "standard input")" ] &&
	    [ "$(sed -n 4p "$W/err")" = "ipwhois: standard input: first-ip: 8 lines, 6 read, 0 without a client, 2 rejected" ] &&
	    [ "$(summary_from 6)" = "$(offline_summary 8 0 2 5)" ]
	check $? "verbose: stdin" "status $st, stderr: $(errline)"

	run --offline -v --regex "$REGEX" "$DATA/regex.log"
	drop_sandbox_line
	[ "$st" = 0 ] && [ "$(wc -l <"$W/err")" -eq 6 ] &&
	    [ "$(sed -n 3p "$W/err")" = "ipwhois: $DATA/regex.log: rejected, e.g.: ts=2024-01-02T03:05:01Z ip=999.1.1.1 size=5" ] &&
	    [ "$(summary_from 4)" = "$(offline_summary 8 0 3 3)" ]
	check $? "verbose: --regex" "status $st, stderr: $(errline)"

	# Control characters in a rejected line reach the terminal escaped.
	printf '\033]0;owned\007\033[2J no address here\n' >"$W/esc.log"
	run --offline -v -f combined "$W/esc.log"
	[ "$st" = 1 ] &&
	    grep -qxF 'ipwhois: '"$W"'/esc.log: rejected, e.g.: \x1b]0;owned\x07\x1b[2J no address here' "$W/err" &&
	    ! grep -q "$(printf '\033')" "$W/err"
	check $? "verbose: a rejected line's control characters escaped" \
	    "status $st, stderr: $(errline)"

	# Lines in the format that name no client (comment lines in a
	# common log) are counted, apart from the rejected ones.
	{ echo "# rotated"; cat "$DATA/common.log"; echo "#"; } >"$W/nocl.log"
	run --offline -v -f common "$W/nocl.log"
	[ "$st" = 0 ] && [ "$(grep ' lines read, ' "$W/err")" = "ipwhois: 9 lines read, 2 without a client, 0 rejected, 0 outside --since/--until, 0 excluded by --include/--exclude" ]
	check $? "verbose: lines without a client" "status $st, stderr: $(errline)"
	same "verbose: lines without a client: the report unchanged" \
	    "$EXP/common.csv" "$W/out"

	# Quiet when nothing is wrong; errors are still said with -q.
	run --offline -q "$DATA/sample.log"
	[ "$st" = 0 ] && stderr_empty
	check $? "verbose: -q on a clean run" "stderr: $(errline)"
	gzip -c <"$DATA/sample.log" | head -c 1000 >"$W/damaged.gz"
	run --offline -q "$W/damaged.gz"
	[ "$st" = 2 ] && [ "$(wc -l <"$W/err")" -eq 1 ] &&
	    grep -q "^ipwhois: $W/damaged.gz: .*; read up to there\$" "$W/err"
	check $? "verbose: -q still says what went wrong" "status $st, stderr: $(errline)"
}

# --- more: TZ, standard input closed, huge sizes ------------------------------

# ipwhois(1), ENVIRONMENT: TZ is the zone of syslog times (and of ISO times
# without one); times that carry their zone do not depend on it.
t_tz() {
	if [ ! -f /usr/share/zoneinfo/America/New_York ]; then
		skip "tz (no America/New_York in /usr/share/zoneinfo)"
		return
	fi
	auth_log
	TZ=America/New_York timeout $T "$IPWHOIS" --offline "$W/auth.log" \
	    >"$W/out" 2>"$W/err"
	st=$?
	cut -d, -f1,4,5 "$W/out" >"$W/got"
	cat >"$W/want" <<-EOF
	ip,first_seen,last_seen
	198.51.100.77,2024-12-30T11:12:44Z,2024-12-31T07:00:00Z
	203.0.113.45,2024-12-30T11:13:02Z,2024-12-31T16:59:59Z
	192.0.2.1,2024-12-30T11:20:13Z,2024-12-30T11:25:00Z
	192.0.2.66,2024-12-30T11:13:09Z,2024-12-30T11:13:09Z
	2001:db8:4::1,2024-12-30T11:14:00Z,2024-12-31T10:00:00Z
	8.8.4.4,2024-12-31T17:30:00Z,2024-12-31T17:30:00Z
	198.51.100.78,2024-12-31T07:00:05Z,2024-12-31T07:00:05Z
	EOF
	if [ "$st" = 0 ]; then
		same "tz: syslog times are local (America/New_York)" "$W/want" "$W/got"
	else
		fail "tz: syslog times are local" "status $st: $(errline)"
	fi
	TZ=America/New_York timeout $T "$IPWHOIS" --offline "$DATA/sample.log" \
	    >"$W/out" 2>"$W/err"
	st=$?
	report_is "tz: CLF times carry their zone" "$EXP/sample.csv" quiet
}

# Standard input closed (<&-), as some daemons and schedulers leave it: the
# descriptors the run makes must not be taken for it.  Reading it is an
# input error (exit 2); a run must never hang on it.
t_stdin_closed() {
	timeout -k 2 5 "$IPWHOIS" --offline <&- >"$W/out" 2>"$W/err"
	st=$?
	[ "$st" = 2 ]
	check $? "stdin-closed: an input error, no hang" \
	    "status $st$([ "$st" = 124 ] && echo ' (hung: killed by timeout after 5 s)'), stderr: $(errline)"
	timeout -k 2 5 "$IPWHOIS" --offline -o "$W/closed.csv" <&- \
	    >"$W/out" 2>"$W/err"
	st=$?
	[ "$st" = 2 ] && [ ! -e "$W/closed.csv" ]
	check $? "stdin-closed: with -o, an input error, no report" \
	    "status $st, stderr: $(errline), report: $(head -c 100 "$W/closed.csv" 2>/dev/null)"
}

# Sizes add up without wrapping around: two lines of 9999999999999999999
# bytes (the largest 19-digit size) add up to more than 64 bits hold: the
# sum stops at the largest count the report writes, 2^64 - 2.
t_bytes() {
	printf '%s\n' \
	    '192.0.2.1 - - [10/Oct/2023:13:55:36 +0000] "GET /a HTTP/1.1" 200 9999999999999999999' \
	    '192.0.2.1 - - [10/Oct/2023:13:55:37 +0000] "GET /a HTTP/1.1" 200 9999999999999999999' \
	    >"$W/huge.log"
	run --offline -f common "$W/huge.log"
	got=$(sed -n 2p "$W/out" | cut -d, -f2,3)
	[ "$st" = 0 ] && [ "$got" = 2,18446744073709551614 ]
	check $? "bytes: a huge sum does not wrap around" \
	    "status $st, hits,bytes = $got"
}

# --- the IP database ----------------------------------------------------------

t_ipdb() {
	D=$DATA/ipdb
	run --build-db "$W/ip.db" "$D/asn-ipv4.csv" "$D/country-ipv4.csv" \
	    "$D/asn-ipv6.csv" "$D/country-ipv6.csv"
	[ "$st" = 0 ] && [ "$(cat "$W/err")" = "ipwhois: $W/ip.db: 19 rows from 4 files (0 malformed skipped): 19 IPv4 and 9 IPv6 intervals, 18 answers, 525568 bytes" ]
	check $? "ipdb: --build-db" "status $st, stderr: $(errline)"
	run --offline --db "$W/ip.db" "$DATA/dblookup.log"
	report_is "ipdb: --db" "$EXP/dblookup.csv" quiet
	# In the default place, found without --db.
	mkdir -p "$W/xdg/ipwhois"
	cp "$W/ip.db" "$W/xdg/ipwhois/ip.db"
	run --offline "$DATA/dblookup.log"
	report_is "ipdb: default place" "$EXP/dblookup.csv" quiet
	# Damaged in the default place: one warning, the run goes on.
	head -c 4000 "$W/ip.db" >"$W/xdg/ipwhois/ip.db"
	run --offline "$DATA/common.log"
	[ "$st" = 0 ] && [ "$(wc -l <"$W/err")" -eq 1 ] &&
	    grep -q "^ipwhois: $W/xdg/ipwhois/ip.db: .*; going on without it\$" "$W/err"
	check $? "ipdb: damaged in the default place, one warning" \
	    "status $st, stderr: $(errline)"
	report_is "ipdb: damaged in the default place, the report" \
	    "$EXP/common.csv"
	rm -rf "$W/xdg/ipwhois"
	# Asked for by name: an error.
	run --offline --db "$W/missing.db" "$DATA/common.log"
	[ "$st" = 2 ] && [ ! -s "$W/out" ]
	check $? "ipdb: --db missing" "status $st, stderr: $(errline)"
	run --build-db "$W/x.db" "$D/allbad.csv"
	[ "$st" = 2 ]
	check $? "ipdb: --build-db without a valid row" "status $st, stderr: $(errline)"
	# Offline means no network at all: not one socket.
	if command -v strace >/dev/null 2>&1; then
		timeout $T strace -f -qq -e trace=socket,connect -o "$W/trace" \
		    "$IPWHOIS" --offline --db "$W/ip.db" "$DATA/dblookup.log" \
		    >/dev/null 2>&1
		[ -e "$W/trace" ] && [ ! -s "$W/trace" ]
		check $? "ipdb: no socket in an offline run" \
		    "$(head -3 "$W/trace" 2>/dev/null | tr '\n' '|')"
	else
		skip "ipdb: no socket (strace not installed)"
	fi
}

# --- 16. real logs, where they are ---------------------------------------------

t_realdata() {
	L=$REALDATA/logs
	if [ ! -d "$REALDATA" ] || [ ! -d "$L" ]; then
		skip "realdata ($REALDATA not found)"
		return
	fi
	for c in elastic_apache_logs.log:combined:1753 \
	    loghub_OpenSSH_2k.log:syslog:30; do
		f=${c%%:*}
		fmt=${c#*:}
		n=${fmt#*:}
		fmt=${fmt%%:*}
		run --offline -v "$L/$f"
		[ "$st" = 0 ] && [ "$(rows "$W/out")" -eq "$n" ] &&
		    grep -qx "ipwhois: $L/$f: format $fmt" "$W/err"
		check $? "realdata: $f: $n rows, format $fmt" \
		    "status $st, $(rows "$W/out") rows, stderr: $(errline)"
	done

	f=elastic_suspicious_login_auth.log
	run --offline -v "$L/$f"
	[ "$st" = 0 ] && grep -qx "ipwhois: $L/$f: format syslog" "$W/err" &&
	    ! grep -Eq '^(0\.0\.0\.0|::),' "$W/out"
	check $? "realdata: $f: syslog, no listening address" \
	    "status $st, stderr: $(errline); $(grep -E '^(0\.0\.0\.0|::),' "$W/out")"

	# Every log, plain and gzip'ed through stdin.  Copies, so that the
	# syslog year is the same for both (file mtime now, stdin now).
	mkdir -p "$W/rd"
	for f in "$L"/*.log "$L"/edge/*.log; do
		b=$(basename "$f")
		cp "$f" "$W/rd/$b"
		run --offline "$W/rd/$b"
		mv "$W/out" "$W/plain.csv"
		plain_st=$st
		gzip -c <"$W/rd/$b" >"$W/rd/$b.gz"
		run_stdin "$W/rd/$b.gz" --offline
		[ "$plain_st" = 0 ] && [ "$st" = 0 ] &&
		    [ "$(head -1 "$W/plain.csv")" = "$HEADER" ]
		check $? "realdata: $b: exit 0" "status $plain_st, gzip $st: $(errline)"
		same "realdata: $b: gzip on stdin = plain" "$W/plain.csv" "$W/out"
	done
}

# --- 17. live lookups, against the loopback test server ---------------------
#
# tests/testserver answers RDAP and whois on 127.0.0.1 from the fixtures in
# tests/data/server, and misbehaves on request (--fault).  Every live run
# goes there through --rdap-url or --whois-server: nothing else is asked.

SRV=				# the running server's pid
# serve [-l MS] [FAULT...]: a fresh server, each answer MS late; sets
# HTTP and WHOIS (the ports).
serve() {
	unserve
	rm -f "$W/srv.ports" "$W/srv.counts"
	late=0
	if [ "${1:-}" = -l ]; then
		late=$2
		shift 2
	fi
	set -- $(for f in "$@"; do printf -- '--fault %s ' "$f"; done)
	"$TESTSERVER" -d "$DATA/server" -p "$W/srv.ports" -c "$W/srv.counts" \
	    -l "$late" -t 300 "$@" 2>"$W/srv.err" &
	SRV=$!
	BG="$BG $SRV"
	n=0
	while [ ! -s "$W/srv.ports" ] && [ $n -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	read -r line <"$W/srv.ports"
	HTTP=${line#http=}
	HTTP=${HTTP%% *}
	WHOIS=${line##*whois=}
	RDAP="--rdap-url http://127.0.0.1:$HTTP/"
}

unserve() {
	[ -n "$SRV" ] && kill "$SRV" 2>/dev/null && wait "$SRV" 2>/dev/null
	SRV=
}

# served KEY: a counter of the server's (rdap_requests, "path /ip/ADDR").
served() {
	rm -f "$W/srv.counts"
	kill -USR1 "$SRV"
	n=0
	while [ ! -f "$W/srv.counts" ] && [ $n -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	awk -v k="$1" '{ v = $NF; $NF = ""; sub(/ $/, "") }
	    $0 == k { print v; f = 1 } END { if (!f) print 0 }' "$W/srv.counts"
}

# A fresh cache for each test that wants one.
fresh_cache() {
	rm -rf "$W/lc"
	CACHE="--cache $W/lc/cache.db"
}

# live.log: 12 addresses from 7 registered networks of all five
# registries (66.249.64.0/19 three times, 2a00:1450::/29 twice), one
# private address, and 9.9.9.9, which no fixture holds.
t_live() {
	serve
	fresh_cache
	# shellcheck disable=SC2086
	run $RDAP $CACHE --rate 1000 -j 4 "$DATA/live.log"
	[ "$st" = 1 ] && stderr_empty
	check $? "live: rdap: exit 1 (9.9.9.9 not found), nothing on stderr" \
	    "status $st, stderr: $(errline)"
	same "live: rdap: each registry's answer" "$EXP/live-rdap.csv" "$W/out"
	q=$(served rdap_requests)
	[ "$q" = 8 ]
	check $? "live: rdap: 8 queries for 7 networks and 9.9.9.9" "$q queries"

	# The same again: all from the cache, not one query.
	# shellcheck disable=SC2086
	run $RDAP $CACHE --rate 1000 -j 4 "$DATA/live.log"
	q2=$(served rdap_requests)
	[ "$st" = 1 ] && [ "$q2" = 8 ]
	check $? "live: second run: zero queries" "status $st, $((q2 - 8)) queries"
	same "live: second run: the same rows, from the cache" \
	    "$EXP/live-cached.csv" "$W/out"

	# Offline, the cache answers (and no server is needed).
	unserve
	# shellcheck disable=SC2086
	run --offline $CACHE "$DATA/live.log"
	sed 's/,cache,/,cache,/' "$EXP/live-cached.csv" >"$W/want"
	[ "$st" = 1 ]
	check $? "live: offline from the cache: exit 1 (the cached not-found)" \
	    "status $st, stderr: $(errline)"
	same "live: offline from the cache: the same rows" "$W/want" "$W/out"

	# -j 1 and -j 12 give the same report.
	serve
	# shellcheck disable=SC2086
	run $RDAP --no-cache --rate 1000 -j 1 "$DATA/live.log"
	cp "$W/out" "$W/j1.csv"
	# shellcheck disable=SC2086
	run $RDAP --no-cache --rate 1000 -j 12 "$DATA/live.log"
	same "live: -j 1 and -j 12 give the same report" "$W/j1.csv" "$W/out"
}

t_live_whois() {
	serve
	# shellcheck disable=SC2086
	run --protocol whois --whois-server "127.0.0.1:$WHOIS" --no-cache \
	    --rate 1000 -j 4 "$DATA/live.log"
	[ "$st" = 1 ] && stderr_empty
	check $? "live-whois: exit 1, nothing on stderr" "status $st, stderr: $(errline)"
	same "live-whois: each registry's answer" "$EXP/live-whois.csv" "$W/out"
	for k in "query n + 8.8.8.8" "query -r 193.0.6.139" \
	    "query 200.57.130.1" "query -r 203.119.101.61" whois_requests; do
		v=$(served "$k")
		case $k in whois_requests) want=8 ;; *) want=1 ;; esac
		[ "$v" = "$want" ]
		check $? "live-whois: $k: $want" "got $v"
	done
}

# Each fault gives its address a status; the run completes, exit 1.
t_live_faults() {
	serve garbage:193.0.6.139 badjson:203.119.101.61 huge:200.57.130.1:100 \
	    hang:196.11.241.5 ratelimit-always:9.9.9.9:1 flaky:8.8.8.8:2 \
	    reset:2a00:1450::/29
	# shellcheck disable=SC2086
	run $RDAP --no-cache --rate 1000 --timeout 1 --retries 2 -j 4 -v \
	    "$DATA/live.log"
	[ "$st" = 1 ]
	check $? "live-faults: exit 1" "status $st"
	grep -v '^ipwhois: ' "$W/out" | cut -d, -f1,8,15,16 >"$W/got"
	cat >"$W/want" <<-'EOF'
	ip,network,source,status
	8.8.8.8,8.8.8.0/24,rdap,ok
	66.249.66.1,66.249.64.0/19,rdap,ok
	66.249.64.10,66.249.64.0/19,rdap,ok
	192.168.1.20,192.168.0.0/16,builtin,ok
	193.0.6.139,,rdap,error
	2a00:1450:4001:81c::200e,,rdap,error
	9.9.9.9,,rdap,rate-limited
	66.249.79.9,66.249.64.0/19,rdap,ok
	196.11.241.5,,rdap,timeout
	200.57.130.1,,rdap,error
	203.119.101.61,,rdap,error
	2a00:1450:4010::1,,rdap,error
	EOF
	same "live-faults: each fault, its status" "$W/want" "$W/got"
	for e in "193.0.6.139: error: bad answer: an HTML page, not JSON" \
	    "203.119.101.61: error: bad answer: not JSON" \
	    "200.57.130.1: error: answer larger than 2097152 bytes" \
	    "196.11.241.5: timeout: " "9.9.9.9: rate-limited: "; do
		grep -qF "ipwhois: $e" "$W/err"
		check $? "live-faults: -v says why: $e" "stderr: $(errline)"
	done
	# Retries: 503 twice then an answer; a hang three times (2 retries).
	for k in "path /ip/8.8.8.8:3" "path /ip/196.11.241.5:3" \
	    "path /ip/193.0.6.139:1" "path /ip/9.9.9.9:3"; do
		v=$(served "${k%:*}")
		[ "$v" = "${k##*:}" ]
		check $? "live-faults: ${k%:*}: ${k##*:} requests" "got $v"
	done
}

# 429 with Retry-After: 1 on the first request of each address: every
# lookup succeeds, each asked twice, after waiting as told.
t_live_retry_after() {
	serve ratelimit:*:1
	start=$(date +%s%N)
	# shellcheck disable=SC2086
	run $RDAP --no-cache --rate 1000 -j 2 "$DATA/live.log"
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	cut -d, -f1,16 "$W/out" | grep -vc ',ok$' >"$W/n"
	[ "$st" = 1 ] && [ "$(cat "$W/n")" = 2 ] && [ "$ms" -ge 1000 ]
	check $? "live-retry-after: all answered after waiting (${ms} ms)" \
	    "status $st, $(cat "$W/n") rows not ok (want 2: header and 9.9.9.9)"
	v=$(served "path /ip/193.0.6.139")
	[ "$v" = 2 ]
	check $? "live-retry-after: asked twice" "got $v"
}

# Queries stay at one per network, however many addresses and workers.
t_live_networks() {
	awk 'BEGIN {
		srand(7)
		for (i = 0; i < 400; i++) {
			r = int(rand() * 6)
			if (r == 0) a = sprintf("66.249.%d.%d", 64 + int(rand() * 32), int(rand() * 256))
			else if (r == 1) a = sprintf("193.0.%d.%d", int(rand() * 8), int(rand() * 256))
			else if (r == 2) a = sprintf("203.119.%d.%d", int(rand() * 256), int(rand() * 256))
			else if (r == 3) a = sprintf("200.57.%d.%d", 128 + int(rand() * 32), int(rand() * 256))
			else if (r == 4) a = sprintf("196.11.%d.%d", 240 + int(rand() * 4), int(rand() * 256))
			else a = sprintf("2a00:%x:%x::%x", 5200 + int(rand() * 8), int(rand() * 65536), i)
			printf "%s - - [10/Oct/2025:13:55:36 +0000] \"GET / HTTP/1.1\" 200 1\n", a
		}
	}' >"$W/nets.log"
	serve
	# shellcheck disable=SC2086
	run $RDAP --no-cache --rate 1000 -j 12 "$W/nets.log"
	q=$(served rdap_requests)
	bad=$(cut -d, -f16 "$W/out" | grep -vc -e ok -e status)
	[ "$st" = 0 ] && [ "$bad" = 0 ] && [ "$q" -le 6 ]
	check $? "live-networks: 400 addresses, 6 networks, -j 12: $q queries" \
	    "status $st, $bad rows not ok, $q queries (at most 6 wanted)"
}

# A block IANA's table gives to one registry, transferred to another: the
# registry column follows the answer (its port43), for the address asked
# and for its neighbours answered from the same network.
# moved_log: three hits of two addresses in the test server's network
# that moved from ARIN to RIPE, in $W/moved.log.
moved_log() {
	printf '%s - - [10/Oct/2025:13:55:3%s +0000] "GET / HTTP/1.1" 200 10\n' \
	    45.11.9.7 0 45.11.9.7 1 45.11.10.200 2 >"$W/moved.log"
}

# moved_want SOURCE: their report, RIPE's answer by SOURCE, in $W/want.
moved_want() {
	cat >"$W/want" <<-EOF
	$HEADER
	45.11.9.7,2,20,2025-10-10T13:55:30Z,2025-10-10T13:55:31Z,public,RIPE,45.11.8.0/22,EXAMPLE-MOVED-NET,Example Moved Hosting GmbH,DE,,,abuse@moved.example,$1,ok
	45.11.10.200,1,10,2025-10-10T13:55:32Z,2025-10-10T13:55:32Z,public,RIPE,45.11.8.0/22,EXAMPLE-MOVED-NET,Example Moved Hosting GmbH,DE,,,abuse@moved.example,$1,ok
	EOF
}

t_live_transfer() {
	serve
	moved_log
	# shellcheck disable=SC2086
	run $RDAP --no-cache --rate 1000 -j 2 "$W/moved.log"
	moved_want rdap
	report_is "live-transfer: the registry the answer names" "$W/want" quiet
	q=$(served rdap_requests)
	[ "$q" = 1 ]
	check $? "live-transfer: one query" "$q queries"
}

# The cache: stale answers are asked again, a damaged cache is a warning,
# an unwritable one too; the report is whole every time.
t_live_cache() {
	serve
	fresh_cache
	# shellcheck disable=SC2086
	run $RDAP $CACHE --rate 1000 "$DATA/live.log"
	# shellcheck disable=SC2086
	run $RDAP $CACHE --rate 1000 --max-age 0 "$DATA/live.log"
	q=$(served rdap_requests)
	[ "$q" = 16 ]
	check $? "live-cache: --max-age 0: all asked again" \
	    "$q queries (16 wanted)"
	same "live-cache: refreshed rows" "$EXP/live-rdap.csv" "$W/out"

	printf 'this is not a database, not at all, no...............' \
	    >"$W/lc/cache.db"
	rm -f "$W/lc/cache.db-wal" "$W/lc/cache.db-shm"
	# shellcheck disable=SC2086
	run $RDAP $CACHE --rate 1000 "$DATA/live.log"
	[ "$st" = 1 ] && [ "$(wc -l <"$W/err")" = 1 ] &&
	    grep -q "^ipwhois: cache not used: $W/lc/cache.db: " "$W/err"
	check $? "live-cache: a damaged cache: one warning" "status $st, stderr: $(errline)"
	same "live-cache: a damaged cache: the report is whole" \
	    "$EXP/live-rdap.csv" "$W/out"

	# A directory we may not write to; root may write anywhere, but not
	# under a plain file.
	if [ "$(id -u)" != 0 ]; then
		mkdir -p "$W/ro" && chmod 0500 "$W/ro"
		where=$W/ro/sub/cache.db
	else
		: >"$W/ro"
		where=$W/ro/cache.db
	fi
	# shellcheck disable=SC2086
	run $RDAP --cache "$where" --rate 1000 "$DATA/live.log"
	[ "$st" = 1 ] && [ "$(wc -l <"$W/err")" = 1 ] &&
	    grep -q "^ipwhois: cache not updated: $where: " "$W/err"
	check $? "live-cache: an unwritable cache: one warning" \
	    "status $st, stderr: $(errline)"
	same "live-cache: an unwritable cache: the report is whole" \
	    "$EXP/live-rdap.csv" "$W/out"

	# Two runs at once, one cache: both whole, the cache intact.
	fresh_cache
	# shellcheck disable=SC2086
	timeout $T "$IPWHOIS" $RDAP $CACHE --rate 1000 "$DATA/live.log" \
	    >"$W/a.csv" 2>"$W/a.err" &
	a=$!
	# shellcheck disable=SC2086
	timeout $T "$IPWHOIS" $RDAP $CACHE --rate 1000 "$DATA/live.log" \
	    >"$W/b.csv" 2>"$W/b.err"
	wait "$a"
	! [ -s "$W/a.err" ] && ! [ -s "$W/b.err" ] &&
	    cmp -s "$W/a.csv" "$EXP/live-rdap.csv" && cmp -s "$W/b.csv" "$EXP/live-rdap.csv"
	check $? "live-cache: two runs at once: both whole, no warning" \
	    "stderr: $(cat "$W/a.err" "$W/b.err" | tr '\n' '|')"
	# shellcheck disable=SC2086
	run $RDAP $CACHE --rate 1000 "$DATA/live.log"
	q0=$(served rdap_requests)
	# shellcheck disable=SC2086
	run $RDAP $CACHE --rate 1000 "$DATA/live.log"
	[ "$(served rdap_requests)" = "$q0" ]
	check $? "live-cache: after two runs at once, the cache answers all" \
	    "$(( $(served rdap_requests) - q0 )) queries"
}

# A stop signal while workers wait on a silent server: out within a second.
t_live_signal() {
	serve hang:*
	# shellcheck disable=SC2086
	"$IPWHOIS" $RDAP --no-cache --timeout 60 -j 4 "$DATA/live.log" \
	    >"$W/out" 2>"$W/err" &
	pid=$!
	BG="$BG $pid"
	sleep 0.5
	kill -INT "$pid"
	if wait_end "$pid" 1500; then
		wait "$pid"
		st=$?
		[ "$st" = 130 ]
		check $? "live-signal: SIGINT during lookups: exit 130" "status $st"
	else
		fail "live-signal: SIGINT during lookups" "still running after 1.5 s"
	fi
	unserve
}

# --- run ------------------------------------------------------------------------

# Last, after all the others: no process of this suite's runs survived.
t_leftovers() {
	left=$(pgrep -f "$W/" | tr '\n' ' ')
	[ -z "$left" ]
	check $? "leftovers: no process of the suite's runs remains" "left: $left"
}

TESTS="fixtures several-files jobs compressed truncated missing empty
    long-line garbage crlf output reader-gone signals worker-killed
    worker-terminated usage verbose tz stdin-closed bytes ipdb realdata
    live live-whois live-faults live-retry-after live-networks
    live-transfer live-cache
    live-signal"

# More tests by topic: each file defines t_NAME functions and adds their
# names to TESTS.
for f in tests/integration.d/*.sh; do
	[ -e "$f" ] && . "./$f"
done

# INTEGRATION_SKIP: names of tests (or their beginnings, "progress-")
# left out, saying so: make sanitize leaves out those that only wait.
skipped_here() {
	for p in ${INTEGRATION_SKIP:-}; do
		case $1 in "$p"*) return 0 ;; esac
	done
	return 1
}

# INTEGRATION_LANE=K/N (make integration runs N lanes at once): only every
# N-th test from the K-th (0-based); each lane has its own $W, server and
# leftovers check, so lanes do not meet.
LANE=${INTEGRATION_LANE:-0/1}
LANE_K=${LANE%/*}
LANE_N=${LANE#*/}
i=0
for t in $TESTS
do
	case $t in
	*"$FILTER"*)
		if [ $((i % LANE_N)) = "$LANE_K" ]; then
			if skipped_here "$t"; then
				skip "$t (INTEGRATION_SKIP)"
			else
				"t_$(echo "$t" | tr - _)"
			fi
		fi
		i=$((i + 1))
		;;
	esac
done
# The test server is the suite's own, stopped here; whatever else
# remains is a leftover (a lane's last test may leave it running).
unserve
t_leftovers

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
