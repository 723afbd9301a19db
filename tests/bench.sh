#!/bin/sh
# Benchmark of ipwhois, run by `make bench` from the project root.
#
# Generates one combined log with tests/genlog, then times on that same
# file, page cache warm: `wc -l` (the floor), `awk '{print $1}' | sort |
# uniq -c` (the one-liner ipwhois replaces) and `ipwhois --offline -j 2`.
# Then the peak memory of the ipwhois process tree, and the start-to-exit
# time on empty input. It reports; it does not judge: a missed target is
# printed as such and the exit status is still 0. It exits non-zero only
# when a command fails.
#
# Environment:
#   IPWHOIS     the binary (default ./ipwhois)
#   GENLOG      the compiled generator (default tests/genlog)
#   BENCH_SIZE  log size for genlog, k/M/G suffix (default 1G)
#   BENCH_DIR   where the log goes (default a mktemp -d directory,
#               removed at the end; files put in a given one are removed)
#   BENCH_RUNS  runs per timed command, the best is kept (default 3)
#   BENCH_FORMAT_SIZE  size of each other format's log (default 200M)

# The functions below are called through best() and trap:
# shellcheck disable=SC2317
set -eu

# Nothing of the user's: no cache, no IP database but the one asked for.
XDG_CACHE_HOME=$(mktemp -d "${TMPDIR:-/tmp}/ipwhois-bench-cache.XXXXXX")
export XDG_CACHE_HOME

IPWHOIS=${IPWHOIS:-./ipwhois}
GENLOG=${GENLOG:-tests/genlog}
BENCH_SIZE=${BENCH_SIZE:-1G}
BENCH_RUNS=${BENCH_RUNS:-3}
JOBS=2
STARTUP_RUNS=10

die() {
	echo "bench: $*" >&2
	exit 1
}

case $BENCH_RUNS in
'' | *[!0-9]* | 0) die "BENCH_RUNS must be a positive integer" ;;
esac
[ -x "$IPWHOIS" ] || die "$IPWHOIS: no such executable (IPWHOIS; make first?)"
[ -x "$GENLOG" ] || die "$GENLOG: no such executable (GENLOG)"
case $(date +%N) in
*[!0-9]* | '') die "date +%N does not give nanoseconds (GNU date needed)" ;;
esac

sampled=
cleanup() {
	rm -rf "$XDG_CACHE_HOME"
	if [ -n "$sampled" ]; then
		kill "$sampled" 2>/dev/null || :
	fi
	if [ "$own_dir" = 1 ]; then
		rm -rf "$BENCH_DIR"
	else
		rm -f "$LOG" "$UNIQ" "$FAIL" "$STATUS1" "$BENCH_DIR/format.log" "$BENCH_DIR/stderr"
	fi
}
own_dir=0
if [ -n "${BENCH_DIR:-}" ]; then
	mkdir -p "$BENCH_DIR"
else
	BENCH_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ipwhois-bench.XXXXXX")
	own_dir=1
fi
LOG=$BENCH_DIR/access.log
UNIQ=$BENCH_DIR/uniq-c.txt
FAIL=$BENCH_DIR/failed
STATUS1=$BENCH_DIR/status1
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Arithmetic on decimals, in awk with the C locale (a '.' decimal point).
calc() {
	LC_ALL=C awk "BEGIN { $1 }" </dev/null
}

now_ns() {
	date +%s%N
}

# The one-liner; awk's and sort's failures are noted in $FAIL, since a
# pipeline's status is only that of its last command.
one_liner() {
	{ LC_ALL=C awk '{print $1}' "$LOG" || echo awk >>"$FAIL"; } |
		{ LC_ALL=C sort || echo sort >>"$FAIL"; } |
		LC_ALL=C uniq -c >"$1"
}

# ipwhois's status 1 means some lookups failed, the report being complete:
# not a failure of the command.
run_ipwhois() {
	st=0
	"$IPWHOIS" --offline "$@" >/dev/null 2>"$BENCH_DIR/stderr" || st=$?
	case $st in
	0) return 0 ;;
	1) : >"$STATUS1"; return 0 ;;
	*) cat "$BENCH_DIR/stderr" >&2
	   echo "bench: $IPWHOIS --offline $*: exit status $st" >&2; return 1 ;;
	esac
}

# best RUNS MAX_S CMD...: run CMD up to RUNS times, keep the fastest in
# $best (ns); stop early once a run took more than MAX_S seconds, where
# one run is precise enough.
best() {
	_runs=$1
	_max=$(($2 * 1000000000))
	shift 2
	best=
	_i=0
	while [ "$_i" -lt "$_runs" ]; do
		rm -f "$FAIL"
		_t0=$(now_ns)
		if ! "$@"; then
			die "command failed: $*"
		fi
		_t1=$(now_ns)
		[ ! -e "$FAIL" ] || die "command failed: $(cat "$FAIL") in $*"
		_d=$((_t1 - _t0))
		if [ -z "$best" ] || [ "$_d" -lt "$best" ]; then
			best=$_d
		fi
		[ "$_d" -le "$_max" ] || break
		_i=$((_i + 1))
	done
}

run_wc() {
	wc -l "$LOG" >/dev/null
}

run_one_liner() {
	one_liner /dev/null
}

run_ipwhois_log() {
	run_ipwhois -j "$JOBS" "$LOG"
}

run_ipwhois_empty() {
	: | run_ipwhois
}

run_nothing() {
	: | :
}

# Memory of a process tree: Pss (from /proc/PID/smaps_rollup; it shares
# each page among the processes mapping it, so what the forked roles share
# counts once) summed over the root and all its descendants (ps), sampled
# every 20 ms; the peak sum is kept. VmRSS when smaps_rollup is missing.
# Prints the sum in kB, and -1 once the root has exited.
tree_kb() {
	ps -e -o pid= -o ppid= -o stat= | LC_ALL=C awk -v root="$1" '
	{ parent[$1] = $2; state[$1] = $3 }
	END {
		if (!(root in state) || state[root] ~ /^Z/) {
			print -1
			exit
		}
		tree[root] = 1
		for (grew = 1; grew; ) {
			grew = 0
			for (p in parent)
				if (!(p in tree) && (parent[p] in tree)) {
					tree[p] = 1
					grew = 1
				}
		}
		kb = 0
		for (p in tree) {
			f = "/proc/" p "/smaps_rollup"
			got = 0
			while ((getline line < f) > 0)
				if (line ~ /^Pss:/) {
					split(line, w, " ")
					kb += w[2]
					got = 1
				}
			close(f)
			if (got)
				continue
			f = "/proc/" p "/status"
			while ((getline line < f) > 0)
				if (line ~ /^VmRSS:/) {
					split(line, w, " ")
					kb += w[2]
				}
			close(f)
		}
		print kb
	}'
}

# sample PID: poll the tree of PID until PID exits; peak in $peak_kb, and
# PID's exit status checked.
sample() {
	sampled=$1
	peak_kb=0
	while :; do
		kb=$(tree_kb "$sampled")
		[ "$kb" -ge 0 ] || break
		[ "$kb" -le "$peak_kb" ] || peak_kb=$kb
		sleep 0.02
	done
	st=0
	wait "$sampled" || st=$?
	sampled=
	case $st in
	0) ;;
	1) : >"$STATUS1" ;;
	*) die "$IPWHOIS --offline -j $JOBS: exit status $st (memory run)" ;;
	esac
}

# ------------------------------------------------------------- the input

t0=$(now_ns)
"$GENLOG" "$BENCH_SIZE" >"$LOG" || die "$GENLOG $BENCH_SIZE failed"
t1=$(now_ns)
bytes=$(wc -c <"$LOG")
bytes=$((bytes + 0))
[ "$bytes" -gt 0 ] || die "$GENLOG $BENCH_SIZE wrote nothing"
cat "$LOG" >/dev/null # warm the page cache
lines=$(wc -l <"$LOG")
lines=$((lines + 0))
rm -f "$FAIL"
one_liner "$UNIQ"
[ ! -e "$FAIL" ] || die "$(cat "$FAIL") failed on $LOG"
unique=$(wc -l <"$UNIQ")
unique=$((unique + 0))
rm -f "$UNIQ"
cpus=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?')
model=$(sed -n 's/^model name[[:space:]]*: *//p' /proc/cpuinfo 2>/dev/null |
	sed -n 1p)

echo "ipwhois benchmark: $IPWHOIS, $cpus cpus${model:+, $model}"
echo
echo "input: $GENLOG $BENCH_SIZE"
printf '  %-46s %12s\n' bytes "$bytes" lines "$lines" \
	"distinct first fields (awk|sort|uniq)" "$unique"
printf '  %-46s %12s\n' "generated in" \
	"$(calc "printf \"%.2f s\", ($t1 - $t0) / 1e9")"

# ---------------------------------------------------------------- timing

best "$BENCH_RUNS" 60 run_wc
wc_ns=$best
best "$BENCH_RUNS" 10 run_one_liner
awk_ns=$best
best "$BENCH_RUNS" 60 run_ipwhois_log
ipw_ns=$best

row() { # row LABEL NS
	LC_ALL=C awk -v label="$1" -v ns="$2" -v bytes="$bytes" 'BEGIN {
		printf "  %-46s %8.3f %9.1f\n", label, ns / 1e9, bytes / 1e6 / (ns / 1e9)
	}' </dev/null
}

verdict() { # verdict VALUE OP TARGET: met or MISSED
	LC_ALL=C awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
		ok = op == "<=" ? v + 0 <= t + 0 : op == ">=" ? v + 0 >= t + 0 : v + 0 < t + 0
		print ok ? "met" : "MISSED"
	}' </dev/null
}

echo
echo "timing: wall clock, page cache warm, best of $BENCH_RUNS (one run if over 10 s)"
printf '  %-46s %8s %9s\n' command seconds MB/s
row "wc -l" "$wc_ns"
row "awk '{print \$1}' | sort | uniq -c  (LC_ALL=C)" "$awk_ns"
row "ipwhois --offline -j $JOBS" "$ipw_ns"

r1=$(calc "printf \"%.2f\", $ipw_ns / $wc_ns")
r2=$(calc "printf \"%.2f\", $awk_ns / $ipw_ns")
echo
echo "ratios"
printf '  %-46s %8s   target\n' "" value
printf '  %-46s %8s   %-6s %s\n' \
	"ipwhois / wc -l" "$r1" "<= 4" "$(verdict "$r1" "<=" 4)" \
	"awk|sort|uniq / ipwhois" "$r2" ">= 10" "$(verdict "$r2" ">=" 10)"

# --------------------------------------------------------------- formats
#
# The same traffic as other servers log it (genlog -f), BENCH_FORMAT_SIZE
# each (default 200M), read with auto-detection: MB/s, and the time
# against wc -l on the same file.

FMT_LOG=$BENCH_DIR/format.log
run_wc_fmt() {
	wc -l "$FMT_LOG" >/dev/null
}
run_ipwhois_fmt() {
	run_ipwhois -j "$JOBS" "$FMT_LOG"
}
echo
echo "formats: genlog -f FORMAT ${BENCH_FORMAT_SIZE:-200M}, auto-detected, best of $BENCH_RUNS"
printf '  %-46s %8s %9s %9s\n' format seconds MB/s "x wc -l"
for f in combined w3c caddy haproxy syslog; do
	"$GENLOG" -f "$f" "${BENCH_FORMAT_SIZE:-200M}" >"$FMT_LOG" ||
	    die "$GENLOG -f $f failed"
	fbytes=$(wc -c <"$FMT_LOG")
	best "$BENCH_RUNS" 60 run_wc_fmt
	fwc=$best
	best "$BENCH_RUNS" 60 run_ipwhois_fmt
	LC_ALL=C awk -v f="$f" -v ns="$best" -v wc="$fwc" -v b="$fbytes" 'BEGIN {
		printf "  %-46s %8.3f %9.1f %9.2f\n", f, ns / 1e9, b / 1e6 / (ns / 1e9), ns / wc
	}' </dev/null
done
rm -f "$FMT_LOG"

# ---------------------------------------------------------------- memory

"$IPWHOIS" --offline -j "$JOBS" "$LOG" >/dev/null 2>&1 &
sample $!
full_kb=$peak_kb
# Empty input, held open for a second so that every role is up and idle.
sleep 1 | "$IPWHOIS" --offline -j "$JOBS" >/dev/null 2>&1 &
sample $!
empty_kb=$peak_kb

echo
echo "memory: peak PSS of the whole process tree, sampled every 20 ms"
calc "printf \"  %-46s %8.1f MB\n  %-46s %8.1f MB\n\", \"ipwhois --offline -j $JOBS, the log\", $full_kb / 1024, \"the same, empty input\", $empty_kb / 1024"
calc "printf \"  %-46s %8.0f bytes\n\", \"(log - empty) / distinct first fields\", ($full_kb - $empty_kb) * 1024 / $unique"

# -------------------------------------------------------------- start-up

best "$STARTUP_RUNS" 60 run_ipwhois_empty
start_ns=$best
best "$STARTUP_RUNS" 60 run_nothing
none_ns=$best
start_ms=$(calc "printf \"%.2f\", $start_ns / 1e6")

echo
echo "start-up: ': | ipwhois --offline', start to exit, best of $STARTUP_RUNS"
printf '  %-46s %8s ms   < 10 ms  %s\n' "ipwhois --offline, empty input" \
	"$start_ms" "$(verdict "$start_ms" "<" 10)"
printf '  %-46s %8s ms\n' "(of which shell and date: ': | :')" \
	"$(calc "printf \"%.2f\", $none_ns / 1e6")"

# ---------------------------------------------------------- live lookups
#
# Against the loopback test server with 100 ms added to every answer:
# lookups per second at -j 1, 12 and 64 against the ideal (workers /
# latency).  Each address is in its own /16 and no fixture holds it, so
# each costs one query (answered "not found").

if [ -x "${TESTSERVER:-}" ]; then
	"$TESTSERVER" -d tests/data/server -l 100 -p "$BENCH_DIR/ports" \
	    -c "$BENCH_DIR/counts" -t 900 2>/dev/null &
	srv=$!
	n=0
	while [ ! -s "$BENCH_DIR/ports" ] && [ $n -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	read -r line <"$BENCH_DIR/ports"
	http=${line#http=}
	http=${http%% *}
	live() {
		"$IPWHOIS" --no-cache --rate 100000 \
		    --rdap-url "http://127.0.0.1:$http/" "$@" >/dev/null 2>&1 || :
	}
	# addrs N: N addresses, each in its own /16, one line each.
	addrs() {
		awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
		    printf "%d.%d.1.1 - - [10/Oct/2025:13:55:36 +0000] \"GET / HTTP/1.1\" 200 1\n",
		    11 + int(i / 256) + (int(i / 256) >= 89), i % 256 }'
	}
	echo
	echo "live lookups: loopback server, 100 ms per answer, one query per address"
	printf '  %-30s %8s %8s %8s   target\n' "" seconds "lookups/s" "of ideal"
	for j in 1 12 64; do
		addrs $((20 * j)) >"$BENCH_DIR/live.log"
		t0=$(now_ns)
		live -j "$j" "$BENCH_DIR/live.log"
		t=$(calc "printf \"%.3f\", ($(now_ns) - $t0) / 1e9")
		eff=$(calc "printf \"%.1f\", 100 * (20 * $j * 0.1 / $j) / $t")
		printf '  %-30s %8s %8s %7s%%   >= 95%%  %s\n' \
		    "-j $j, $((20 * j)) addresses" "$t" \
		    "$(calc "printf \"%.0f\", 20 * $j / $t")" "$eff" \
		    "$(verdict "$eff" ">=" 95)"
	done

	# Overlap: the log's lookups alone, its parsing alone, both at once.
	addrs 240 >"$BENCH_DIR/few.log"
	awk -v r=2000 '{ l[NR] = $0 } END { for (i = 0; i < r; i++)
	    for (k = 1; k <= NR; k++) print l[k] }' "$BENCH_DIR/few.log" \
	    >"$BENCH_DIR/big.log"
	t0=$(now_ns); live -j 12 "$BENCH_DIR/few.log"; tl=$(( $(now_ns) - t0 ))
	t0=$(now_ns); "$IPWHOIS" --offline --no-cache -j 12 "$BENCH_DIR/big.log" >/dev/null 2>&1 || :
	tp=$(( $(now_ns) - t0 ))
	t0=$(now_ns); live -j 12 "$BENCH_DIR/big.log"; tb=$(( $(now_ns) - t0 ))
	echo
	echo "overlap: 240 addresses, -j 12, in a log of $(wc -l <"$BENCH_DIR/big.log") lines"
	calc "printf \"  %-46s %8.3f s\n  %-46s %8.3f s\n  %-46s %8.3f s   (sum %.3f, larger %.3f)\n\", \"lookups alone (240 lines)\", $tl / 1e9, \"parsing alone (--offline)\", $tp / 1e9, \"both\", $tb / 1e9, ($tl + $tp) / 1e9, ($tl > $tp ? $tl : $tp) / 1e9"

	# Queries per network: 2000 addresses inside the fixtures' networks.
	awk 'BEGIN { srand(3); for (i = 0; i < 2000; i++) { r = int(rand() * 5)
	    if (r == 0) a = sprintf("66.249.%d.%d", 64 + int(rand() * 32), int(rand() * 256))
	    else if (r == 1) a = sprintf("193.0.%d.%d", int(rand() * 8), int(rand() * 256))
	    else if (r == 2) a = sprintf("203.119.%d.%d", int(rand() * 256), int(rand() * 256))
	    else if (r == 3) a = sprintf("200.57.%d.%d", 128 + int(rand() * 32), int(rand() * 256))
	    else a = sprintf("196.11.%d.%d", 240 + int(rand() * 4), int(rand() * 256))
	    printf "%s - - [10/Oct/2025:13:55:36 +0000] \"GET / HTTP/1.1\" 200 1\n", a } }' \
	    >"$BENCH_DIR/nets.log"
	summary=$("$IPWHOIS" -v --no-cache --rate 100000 -j 12 \
	    --rdap-url "http://127.0.0.1:$http/" "$BENCH_DIR/nets.log" 2>&1 >/dev/null)
	uniq_n=$(echo "$summary" | sed -n 's/.* \([0-9]*\) unique addresses.*/\1/p')
	sent=$(echo "$summary" | sed -n 's/.* \([0-9]*\) queries sent.*/\1/p')
	echo
	echo "queries: a log of $uniq_n addresses in 5 registered networks, -j 12"
	printf '  %-46s %8s   <= 5.5  %s\n' "queries sent" "$sent" \
	    "$(verdict "$sent" "<=" 5.5)"
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
else
	echo
	echo "live lookups: skipped (TESTSERVER not set; make bench sets it)"
fi

# ------------------------------------------------------------ many hosts
#
# The log cut into 8 shards by lines, as 8 hosts would hold it: each
# through --counts-only (MB/s, against the plain offline run over the
# whole log), the partials' size per address, then --merge of the 8
# partials (rows per second), with and without the offline lookups, and
# the whole against the single run.

SHARDS=8
SHD=$BENCH_DIR/shards
rm -rf "$SHD"
mkdir -p "$SHD"
split -n "l/$SHARDS" -d -a 2 "$LOG" "$SHD/s" || die "split failed"
cat "$SHD"/s* >/dev/null # warm the page cache
run_counts_only() {
	"$IPWHOIS" --counts-only -F tsv --no-header "$1" >"$1.part" ||
	    die "--counts-only $1 failed"
}
run_merge() {
	run_ipwhois --merge "$@" "$SHD"/s*.part
}
echo
echo "many hosts: the log in $SHARDS shards by lines, each --counts-only -F tsv --no-header"
printf '  %-46s %8s %9s
' "" seconds MB/s
map_ns=0
map_max=0
for s in "$SHD"/s??; do
	sb=$(wc -c <"$s")
	best 1 0 run_counts_only "$s"
	map_ns=$((map_ns + best))
	[ "$best" -le "$map_max" ] || map_max=$best
	LC_ALL=C awk -v label="--counts-only, shard ${s##*/s} ($((sb / 1000000)) MB)" \
	    -v ns="$best" -v b="$sb" 'BEGIN {
		printf "  %-46s %8.3f %9.1f\n", label, ns / 1e9, b / 1e6 / (ns / 1e9)
	}' </dev/null
done
row "--counts-only, the $SHARDS shards one after another" "$map_ns"
row "ipwhois --offline -j $JOBS, the whole log" "$ipw_ns"
prows=$(cat "$SHD"/s*.part | wc -l)
pbytes=$(cat "$SHD"/s*.part | wc -c)
"$IPWHOIS" --merge --counts-only -F tsv --no-header "$SHD"/s*.part \
    >"$SHD/merged" || die "--merge --counts-only failed"
maddrs=$(wc -l <"$SHD/merged")
best "$BENCH_RUNS" 30 run_merge --counts-only -F tsv --no-header
merge_co_ns=$best
best "$BENCH_RUNS" 30 run_merge -j "$JOBS" --no-cache
merge_ns=$best
echo
echo "many hosts: the partials and their merge, best of $BENCH_RUNS"
printf '  %-46s %12s\n' "partial rows, all shards" "$((prows + 0))" \
    "unique addresses, merged" "$((maddrs + 0))"
calc "printf \"  %-46s %12.1f\n  %-46s %12.1f\n\", \"partial bytes per row\", $pbytes / $prows, \"partial bytes per unique address (all shards)\", $pbytes / $maddrs"
printf '  %-46s %8s %12s\n' "" seconds rows/s
calc "printf \"  %-46s %8.3f %12.0f\n  %-46s %8.3f %12.0f\n\", \"--merge --counts-only\", $merge_co_ns / 1e9, $prows / ($merge_co_ns / 1e9), \"--merge --offline -j $JOBS (with the lookups)\", $merge_ns / 1e9, $prows / ($merge_ns / 1e9)"
echo
printf '  %-46s %8s %9s\n' "" seconds "x single"
calc "printf \"  %-46s %8.3f %9.2f\n  %-46s %8.3f %9.2f\n  %-46s %8.3f %9.2f\n\", \"single run over the whole log\", $ipw_ns / 1e9, 1, \"shards one after another, then the merge\", ($map_ns + $merge_ns) / 1e9, ($map_ns + $merge_ns) / $ipw_ns, \"$SHARDS hosts at once (slowest shard), then merge\", ($map_max + $merge_ns) / 1e9, ($map_max + $merge_ns) / $ipw_ns"
rm -rf "$SHD"

# ------------------------------------------- allocations and --exact
#
# Queries per network, with and without --exact, next to the number of
# unique addresses (what `xargs whois` would send): a log of 1000
# addresses in 150 networks the loopback test server holds, 50 ALLOCATED
# PA /16s (77.0-49.0.0) each with two ASSIGNED PA /24s inside (.1 and
# .2), the addresses half inside the assignments, half elsewhere in the
# allocations.  Fixtures generated here, in $BENCH_DIR/nettype.

if [ -x "${TESTSERVER:-}" ]; then
	nt=$BENCH_DIR/nettype
	mkdir -p "$nt/rdap"
	awk -v dir="$nt/rdap" 'function net(start, end, plen, type, name) {
		f = dir "/" start "_" plen ".json"
		printf "{\"objectClassName\": \"ip network\", \"startAddress\": \"%s\", \"endAddress\": \"%s\", \"ipVersion\": \"v4\", \"name\": \"%s\", \"type\": \"%s\", \"cidr0_cidrs\": [{\"v4prefix\": \"%s\", \"length\": %d}]}\n", start, end, name, type, start, plen >f
		close(f)
	}
	BEGIN { for (i = 0; i < 50; i++) {
		net("77." i ".0.0", "77." i ".255.255", 16, "ALLOCATED PA", "LIR-" i)
		for (k = 1; k <= 2; k++)
			net("77." i "." k ".0", "77." i "." k ".255", 24,
			    "ASSIGNED PA", "CUSTOMER-" i "-" k)
	} }'
	awk 'BEGIN { srand(14); for (n = 0; n < 1000; n++) {
		i = int(rand() * 50)
		c = n % 2 ? 1 + int(rand() * 2) : 3 + int(rand() * 250)
		printf "77.%d.%d.%d - - [10/Oct/2025:13:55:36 +0000] \"GET / HTTP/1.1\" 200 1\n",
		    i, c, 1 + int(rand() * 254) } }' >"$BENCH_DIR/nettype.log"
	"$TESTSERVER" -d "$nt" -p "$nt/ports" -t 900 2>/dev/null &
	ntsrv=$!
	n=0
	while [ ! -s "$nt/ports" ] && [ $n -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	read -r line <"$nt/ports"
	http=${line#http=}
	http=${http%% *}
	echo
	echo "allocations: 1000 addresses in 150 networks (50 allocations holding 100 assignments), -j 12"
	printf '  %-30s %8s %8s %14s\n' "" addresses queries "per network"
	for exact in "" --exact; do
		summary=$("$IPWHOIS" -v --no-cache --rate 100000 -j 12 $exact \
		    --rdap-url "http://127.0.0.1:$http/" \
		    "$BENCH_DIR/nettype.log" 2>&1 >/dev/null) || :
		uniq_n=$(echo "$summary" | sed -n 's/.* \([0-9]*\) unique addresses.*/\1/p')
		sent=$(echo "$summary" | sed -n 's/.* \([0-9]*\) queries sent.*/\1/p')
		printf '  %-30s %8s %8s %14s\n' "${exact:-default}" "$uniq_n" \
		    "$sent" "$(calc "printf \"%.2f\", $sent / 150")"
	done
	kill "$ntsrv" 2>/dev/null
	wait "$ntsrv" 2>/dev/null
fi

# ------------------------------------------------ whois, any dialect
#
# One whois server (--whois-server, the loopback test server) answering
# 150 networks, 30 in each registry's space, all in RPSL or each in its
# registry's own dialect; a log of 1000 addresses in them.  Queries sent
# next to the unique addresses (what `xargs whois` would send).

if [ -x "${TESTSERVER:-}" ]; then
	echo
	echo "whois: 1000 addresses in 150 networks, one --whois-server, -j 4"
	printf '  %-30s %8s %8s %10s   target\n' "" unique queries "per net"
	for mode in rpsl native; do
		wd=$BENCH_DIR/whois-$mode
		rm -rf "$wd"
		mkdir -p "$wd/whois"
		awk -v mode="$mode" -v dir="$wd" -v logf="$wd/log" \
		    -v want="$wd/want" -f tests/data/whois/nets.awk
		"$TESTSERVER" -d "$wd" -p "$wd/ports" -t 300 2>/dev/null &
		srv=$!
		n=0
		while [ ! -s "$wd/ports" ] && [ $n -lt 50 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		read -r line <"$wd/ports"
		summary=$("$IPWHOIS" -v --no-cache --rate 100000 -j 4 \
		    --protocol whois --whois-server "127.0.0.1:${line##*whois=}" \
		    "$wd/log" 2>&1 >/dev/null) || :
		kill "$srv" 2>/dev/null
		wait "$srv" 2>/dev/null || :
		uniq_n=$(echo "$summary" | sed -n 's/.* \([0-9]*\) unique addresses.*/\1/p')
		sent=$(echo "$summary" | sed -n 's/.* \([0-9]*\) queries sent.*/\1/p')
		per=$(calc "printf \"%.2f\", $sent / 150")
		printf '  %-30s %8s %8s %10s   <= 1.1  %s\n' "$mode answers" \
		    "$uniq_n" "$sent" "$per" "$(verdict "$per" "<=" 1.1)"
		rm -rf "$wd"
	done
fi

# ------------------------------------------------ IP database and cache
#
# The database from the four ip-location-db CSVs in $BENCH_IPDB_CSV when
# given (the real ones: some 410k IPv4 and 100k IPv6 ASN ranges), else
# from generated CSVs of the same number of rows.  Then the cache:
# writing and reading 100,000 networks, and what loading them adds to
# a run.

if [ -x "${DBBENCH:-}" ]; then
	csvdir=${BENCH_IPDB_CSV:-}
	if [ -n "$csvdir" ]; then
		csvs=$(find "$csvdir" -name 'asn-ipv[46].csv' -o \
		    -name 'geo-whois-asn-country-ipv[46].csv' | sort)
		what="the CSVs in $csvdir"
	else
		awk -v n=411961 'BEGIN { for (i = 0; i < n; i++) {
		    s = 16777216 + i * 9000; e = s + 255 + (i % 7) * 512
		    printf "%d.%d.%d.%d,%d.%d.%d.%d,%d,Example Network %d\n",
		    int(s / 16777216), int(s / 65536) % 256, int(s / 256) % 256, s % 256,
		    int(e / 16777216), int(e / 65536) % 256, int(e / 256) % 256, e % 256,
		    1 + i % 60000, i % 60000 } }' >"$BENCH_DIR/asn-ipv4.csv"
		awk -v n=103197 'BEGIN { for (i = 0; i < n; i++)
		    printf "2%03x:%x::,2%03x:%x:ffff:ffff:ffff:ffff:ffff:ffff,%d,Example Network %d\n",
		    int(i / 65536), i % 65536, int(i / 65536), i % 65536,
		    1 + i % 60000, i % 60000 }' >"$BENCH_DIR/asn-ipv6.csv"
		awk -v n=334373 'BEGIN { for (i = 0; i < n; i++) {
		    s = 16777216 + i * 11000; e = s + 1023
		    printf "%d.%d.%d.%d,%d.%d.%d.%d,%c%c\n",
		    int(s / 16777216), int(s / 65536) % 256, int(s / 256) % 256, s % 256,
		    int(e / 16777216), int(e / 65536) % 256, int(e / 256) % 256, e % 256,
		    65 + i % 26, 65 + int(i / 26) % 26 } }' \
		    >"$BENCH_DIR/geo-whois-asn-country-ipv4.csv"
		awk -v n=216295 'BEGIN { for (i = 0; i < n; i++)
		    printf "2%03x:%x:8000::,2%03x:%x:ffff:ffff:ffff:ffff:ffff:ffff,%c%c\n",
		    int(i / 65536), i % 65536, int(i / 65536), i % 65536,
		    65 + i % 26, 65 + int(i / 26) % 26 }' \
		    >"$BENCH_DIR/geo-whois-asn-country-ipv6.csv"
		csvs="$BENCH_DIR/asn-ipv4.csv $BENCH_DIR/asn-ipv6.csv
		    $BENCH_DIR/geo-whois-asn-country-ipv4.csv
		    $BENCH_DIR/geo-whois-asn-country-ipv6.csv"
		what="generated CSVs, as many rows as the real ones"
	fi
	# shellcheck disable=SC2086
	rows=$(cat $csvs | wc -l)
	t0=$(now_ns)
	# shellcheck disable=SC2086
	"$IPWHOIS" --build-db "$BENCH_DIR/bench.db" $csvs 2>/dev/null ||
	    die "--build-db failed"
	ti=$(calc "printf \"%.3f\", ($(now_ns) - $t0) / 1e9")
	mb=$(calc "printf \"%.1f\", $(wc -c <"$BENCH_DIR/bench.db") / 1048576")
	"$DBBENCH" ipdb "$BENCH_DIR/bench.db" >"$BENCH_DIR/dbbench" ||
	    die "dbbench ipdb failed"
	open_ms=$(sed -n 's/^open_ms //p' "$BENCH_DIR/dbbench")
	rate=$(sed -n 's/^lookups_per_s //p' "$BENCH_DIR/dbbench")
	echo
	echo "IP database: $what ($rows rows)"
	printf '  %-46s %10s   target\n' "" value
	printf '  %-46s %8s s   < 10 s   %s\n' "import (--build-db)" "$ti" \
	    "$(verdict "$ti" "<" 10)"
	printf '  %-46s %7s MB   < 30 MB  %s\n' "file size" "$mb" \
	    "$(verdict "$mb" "<" 30)"
	printf '  %-46s %7s ms   < 5 ms   %s\n' "open and map (best of 50)" \
	    "$open_ms" "$(verdict "$open_ms" "<" 5)"
	printf '  %-46s %10s   >= 2000000  %s\n' \
	    "lookups per second, one worker" "$rate" \
	    "$(verdict "$rate" ">=" 2000000)"

	# The same lookups through a MaxMind DB (libmaxminddb): $BENCH_MMDB
	# when given (GeoLite2-ASN, an ip-location-db -mmdb file), else the
	# ASN CSVs above written as a GeoLite2-ASN file by tests/mkmmdb.pl.
	# Both over the same 1,000,000 addresses, one worker.
	mmdb=${BENCH_MMDB:-}
	mmwhat=$mmdb
	if [ -z "$mmdb" ]; then
		mmdb=$BENCH_DIR/bench.mmdb
		mmwhat="the ASN CSVs above, written by tests/mkmmdb.pl"
		# shellcheck disable=SC2086
		perl tests/mkmmdb.pl --from-csv "$mmdb" $(printf '%s\n' $csvs |
		    grep '/asn-ipv[46]\.csv$') 2>"$BENCH_DIR/stderr" || mmdb=
	fi
	echo
	if [ -n "$mmdb" ] &&
	    "$DBBENCH" ipdb 1000000 "$BENCH_DIR/bench.db" >"$BENCH_DIR/own" &&
	    "$DBBENCH" ipdb 1000000 "$mmdb" >"$BENCH_DIR/mm"; then
		echo "IP database lookups, ipwhois's own file and a MaxMind DB ($mmwhat): 1,000,000 addresses, one worker"
		for k in own mm; do
			[ $k = own ] && name="ipwhois's own file" ||
			    name="MaxMind DB (libmaxminddb)"
			printf '  %-46s %7s ms open, %10s lookups/s (%s found)\n' \
			    "$name" "$(sed -n 's/^open_ms //p' "$BENCH_DIR/$k")" \
			    "$(sed -n 's/^lookups_per_s //p' "$BENCH_DIR/$k")" \
			    "$(sed -n 's/^found //p' "$BENCH_DIR/$k")"
		done
	else
		echo "IP database, MaxMind DB: skipped (no BENCH_MMDB, and perl with MaxMind::DB::Writer could not write one: $(head -n 1 "$BENCH_DIR/stderr"))"
	fi

	"$DBBENCH" cache "$BENCH_DIR/cache.db" 100000 >"$BENCH_DIR/dbbench" ||
	    die "dbbench cache failed"
	store=$(sed -n 's/^store_s //p' "$BENCH_DIR/dbbench")
	load=$(sed -n 's/^load_s //p' "$BENCH_DIR/dbbench")
	printf '%s\n' '192.0.2.1 - - [10/Oct/2025:13:55:36 +0000] "GET / HTTP/1.1" 200 1' \
	    >"$BENCH_DIR/one.log"
	run_small() {
		"$IPWHOIS" --offline "$@" "$BENCH_DIR/one.log" >/dev/null 2>&1 || :
	}
	best_small() { # best of 5, in seconds
		b=
		for _ in 1 2 3 4 5; do
			t0=$(now_ns)
			run_small "$@"
			t=$(( $(now_ns) - t0 ))
			if [ -z "$b" ] || [ "$t" -lt "$b" ]; then b=$t; fi
		done
		calc "printf \"%.3f\", $b / 1e9"
	}
	with=$(best_small --cache "$BENCH_DIR/cache.db")
	without=$(best_small --no-cache)
	echo
	echo "cache: 100,000 networks"
	printf '  %-46s %8s s   < 2 s    %s\n' "write (one transaction)" \
	    "$store" "$(verdict "$store" "<" 2)"
	printf '  %-46s %8s s   < 2 s    %s\n' "read" "$load" \
	    "$(verdict "$load" "<" 2)"
	printf '  %-46s %8s s   (%s s without the cache)\n' \
	    "a one-line run that loads them all" "$with" "$without"
else
	echo
	echo "IP database and cache: skipped (DBBENCH not set; make bench sets it)"
fi

if [ -e "$STATUS1" ]; then
	echo
	echo "note: ipwhois exited with status 1 (some lookups failed) at least once"
fi
exit 0
