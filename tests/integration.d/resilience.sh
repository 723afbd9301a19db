# A process that dies or stops loses nothing it need not lose: a dead or
# stuck worker's addresses go to the others, a dead parser or reporter
# stops the run without a report, a stop writes nothing, a log truncated
# under the reader is said, and a cache on a read-only file system is
# used.  Sourced by tests/integration.sh, whose helpers (run, check, fail,
# same, start_fifo, wait_kids, wait_end, alive, serve, unserve, served,
# gen5m, errline, rows) and variables ($W, $DATA, $EXP, $RDAP, $BG) these
# use.  Every run is on loopback or --offline.

# res_lines FROM TO: combined lines of one address each in 198.18.I.7
# (benchmarking, answered offline), I from FROM to TO - 1.
res_lines() {
	awk -v a="$1" -v b="$2" 'BEGIN { for (i = a; i < b; i++)
	    printf "198.18.%d.7 - - [02/Mar/2024:06:00:00 +0000] \"GET / HTTP/1.1\" 200 %d \"-\" \"a\"\n", i, i + 1 }'
}

# res_ref FILE ARGS: the report of an undisturbed run on FILE into
# $W/ref.csv, to compare with.
res_ref() {
	f=$1
	shift
	timeout $T "$IPWHOIS" "$@" "$f" >"$W/ref.csv" 2>/dev/null
}

# res_child PID NAME: the pid of PID's child named NAME (the first).
res_child() {
	pgrep -P "$1" -x "$2" | head -1
}

# res_fifo NAME JOBS KIDS: a run with -j JOBS reading the FIFO on fd 3
# (start_fifo: $pid); 1, with NAME failed, when its KIDS processes do not
# all come.
res_fifo() {
	start_fifo -j "$2"
	wait_kids "$pid" "$3" && return 0
	exec 3>&-
	wait_end "$pid" 3000
	fail "resilience: $1" "no children after 5 s"
	return 1
}

# res_wait_read PID BYTES: wait up to 5 s until process PID has read BYTES.
res_wait_read() {
	dl=$(($(now_ms) + 5000))
	while [ "$(now_ms)" -lt $dl ] &&
	    [ "$(awk '$1 == "rchar:" { print $2 }' "/proc/$1/io" 2>/dev/null ||
	    echo 0)" -lt "$2" ]; do
		sleep 0.05
	done
}

# A worker killed with addresses in hand, offline: it is stopped before
# they come, so that it holds them all; killed, they go to the others.
# The report is the undisturbed run's, and the status 3 says a worker
# died.
t_res_worker_killed() {
	res_lines 0 300 >"$W/res.log"
	res_ref "$W/res.log" --offline -j 4
	res_fifo "worker killed" 4 6 || return
	parser=$(res_child "$pid" ipwhois-parser)
	worker=$(res_child "$pid" ipwhois-worker)
	kill -s STOP "$worker"
	read0=$(awk '$1 == "rchar:" { print $2 }' "/proc/$parser/io")
	cat "$W/res.log" >&3
	res_wait_read "$parser" $((read0 + $(wc -c <"$W/res.log")))
	sleep 0.2
	kill -s KILL "$worker"
	exec 3>&-
	wait_end "$pid" 10000
	name=$(awk -v p="$worker" '$0 ~ "\\(pid " p "\\)" { print $2, $3 }' "$W/err")
	[ "$st" = 3 ] &&
	    [ "$(cat "$W/err")" = "ipwhois: $name (pid $worker) was killed by signal 9 (Killed)" ]
	check $? "resilience: worker killed: exit 3, stderr names it" \
	    "status $st, stderr: $(errline)"
	same "resilience: worker killed: the report is complete (300 rows ok)" \
	    "$W/ref.csv" "$W/out"
}

# No worker left: the rows of the addresses nobody could answer say
# error, as the closing line does.
t_res_no_worker_left() {
	res_lines 0 50 >"$W/res.log"
	res_fifo "no worker left" 1 3 || return
	parser=$(res_child "$pid" ipwhois-parser)
	worker=$(res_child "$pid" ipwhois-worker)
	kill -s STOP "$worker"
	read0=$(awk '$1 == "rchar:" { print $2 }' "/proc/$parser/io")
	cat "$W/res.log" >&3
	res_wait_read "$parser" $((read0 + $(wc -c <"$W/res.log")))
	sleep 0.2
	kill -s KILL "$worker"
	exec 3>&-
	wait_end "$pid" 10000
	printf 'ipwhois: 50 of 50 lookups failed (error); the report has them as status=error\nipwhois: worker 0 (pid %s) was killed by signal 9 (Killed)\n' \
	    "$worker" >"$W/want"
	[ "$st" = 3 ] && cmp -s "$W/want" "$W/err" &&
	    [ "$(tail -n +2 "$W/out" | grep -c '^198\.18\.[0-9]*\.7,1,[0-9]*,[^,]*,[^,]*,benchmarking,.*,error$')" = 50 ]
	check $? "resilience: no worker left: 50 rows error, exit 3, said" \
	    "status $st, stderr: $(errline), rows: $(rows "$W/out")"
}

# The same live: a worker killed while its queries are under way; the
# others ask again what it had not answered.
t_res_worker_killed_live() {
	serve -l 1000
	# shellcheck disable=SC2086
	"$IPWHOIS" $RDAP --no-cache --rate 1000 -j 4 "$DATA/live.log" \
	    >"$W/out" 2>"$W/err" &
	pid=$!
	BG="$BG $pid"
	if ! wait_kids "$pid" 6; then
		wait_end "$pid" 10000
		fail "resilience: worker killed live" "no children after 5 s"
		return
	fi
	sleep 0.5
	worker=$(res_child "$pid" ipwhois-worker)
	kill -s KILL "$worker"
	wait_end "$pid" 15000
	name=$(awk -v p="$worker" '$0 ~ "\\(pid " p "\\)" { print $2, $3 }' "$W/err")
	[ "$st" = 3 ] &&
	    [ "$(cat "$W/err")" = "ipwhois: $name (pid $worker) was killed by signal 9 (Killed)" ]
	check $? "resilience: worker killed live: exit 3, stderr names it" \
	    "status $st, stderr: $(errline)"
	same "resilience: worker killed live: every row answered" \
	    "$EXP/live-rdap.csv" "$W/out"
	q=$(served rdap_requests)
	[ "$q" -ge 8 ] && [ "$q" -le 9 ]
	check $? "resilience: worker killed live: 8 queries, 9 at most" \
	    "$q queries"
	unserve
}

# A stopped worker (SIGSTOP) holding addresses: offline, it is declared
# stuck after 5 s, killed, and its addresses go to the others.
t_res_worker_stuck() {
	res_lines 0 300 >"$W/res.log"
	res_ref "$W/res.log" --offline -j 4
	res_fifo "worker stuck" 4 6 || return
	worker=$(res_child "$pid" ipwhois-worker)
	kill -s STOP "$worker"
	cat "$W/res.log" >&3
	exec 3>&-
	if ! wait_end "$pid" 12000; then
		fail "resilience: worker stuck: the run ends" "still running after 12 s"
		return
	fi
	[ "$took" -ge 4500 ] && [ "$took" -lt 9000 ]
	check $? "resilience: worker stuck: the run ends after 5 s" "$took ms"
	name=$(awk -v p="$worker" '$0 ~ "\\(pid " p "\\)" { print $2, $3 }' "$W/err")
	[ "$st" = 3 ] && grep -Eqx "ipwhois: $name \\(pid $worker\\) answered nothing in 5 s with [0-9]+ addresses in hand: stuck; killed, its addresses go to the other workers" "$W/err" &&
	    [ "$(wc -l <"$W/err")" = 1 ]
	check $? "resilience: worker stuck: exit 3, one line naming it" \
	    "status $st, stderr: $(errline)"
	same "resilience: worker stuck: the report is complete (300 rows ok)" \
	    "$W/ref.csv" "$W/out"
}

# The whole run stopped (^Z) for longer than that, workers with work in
# hand, then resumed (fg): main was stopped too, and no worker is taken
# for stuck.
t_res_run_stopped() {
	res_lines 0 300 >"$W/res.log"
	res_ref "$W/res.log" --offline -j 4
	res_fifo "run stopped" 4 6 || return
	parser=$(res_child "$pid" ipwhois-parser)
	workers=$(pgrep -P "$pid" -x ipwhois-worker)
	kill -s STOP $workers
	read0=$(awk '$1 == "rchar:" { print $2 }' "/proc/$parser/io")
	cat "$W/res.log" >&3
	res_wait_read "$parser" $((read0 + $(wc -c <"$W/res.log")))
	kill -s STOP "$pid" $(pgrep -P "$pid")
	sleep 6
	kill -s CONT "$pid" $(pgrep -P "$pid")
	exec 3>&-
	wait_end "$pid" 10000
	[ "$st" = 0 ] && [ ! -s "$W/err" ]
	check $? "resilience: run stopped 6 s and resumed: no worker killed" \
	    "status $st, stderr: $(errline)"
	same "resilience: run stopped and resumed: the report" "$W/ref.csv" \
	    "$W/out"
}

# The reporter killed mid-run: everything stops at once (no more
# queries), nothing on stdout, -o untouched, exit 3.
t_res_reporter_killed() {
	serve -l 400
	mkdir -p "$W/rk"
	echo old >"$W/rk/r.csv"
	# shellcheck disable=SC2086
	"$IPWHOIS" $RDAP --no-cache --rate 1000 -j 2 -o "$W/rk/r.csv" \
	    "$DATA/live.log" >"$W/out" 2>"$W/err" &
	pid=$!
	BG="$BG $pid"
	if ! wait_kids "$pid" 4; then
		wait_end "$pid" 10000
		fail "resilience: reporter killed" "no children after 5 s"
		return
	fi
	sleep 0.2
	reporter=$(res_child "$pid" ipwhois-report)
	kids=$(pgrep -P "$pid")
	kill -s KILL "$reporter"
	wait_end "$pid" 3000
	left=$(still_alive "$kids")
	[ "$st" = 3 ] && [ -z "$left" ] && [ "$took" -lt 1500 ]
	check $? "resilience: reporter killed: exit 3 at once, no child left" \
	    "status $st after $took ms, left: $left"
	printf 'ipwhois: reporter (pid %s) was killed by signal 9 (Killed)\nipwhois: the reporter died: the run is stopped, no report is written\n' \
	    "$reporter" >"$W/want"
	same "resilience: reporter killed: stderr" "$W/want" "$W/err"
	[ ! -s "$W/out" ] && [ "$(ls -A "$W/rk")" = r.csv ] &&
	    [ "$(cat "$W/rk/r.csv")" = old ]
	check $? "resilience: reporter killed: stdout empty, -o untouched" \
	    "files: $(ls -A "$W/rk" | tr '\n' ' ')"
	q=$(served rdap_requests)
	sleep 0.5
	[ "$(served rdap_requests)" = "$q" ] && [ "$q" -lt 8 ]
	check $? "resilience: reporter killed: no query after it ($q of 8)" \
	    "$q, then $(served rdap_requests)"
	unserve
}

# The parser killed (its input a FIFO, part read): the counts would be
# wrong, so no report: nothing on stdout, -o untouched, exit 3.
t_res_parser_killed() {
	for out in stdout file; do
		mkdir -p "$W/pk"
		echo old >"$W/pk/r.csv"
		if [ $out = file ]; then
			start_fifo -j 2 -o "$W/pk/r.csv"
		else
			start_fifo -j 2
		fi
		if ! wait_kids "$pid" 4; then
			exec 3>&-
			wait_end "$pid" 3000
			fail "resilience: parser killed ($out)" "no children"
			continue
		fi
		parser=$(res_child "$pid" ipwhois-parser)
		res_lines 0 100 >&3
		res_wait_read "$parser" 1000
		kill -s KILL "$parser"
		wait_end "$pid" 3000
		exec 3>&-
		printf 'ipwhois: parser (pid %s) was killed by signal 9 (Killed)\nipwhois: the parser died: no report is written, its counts would be wrong\n' \
		    "$parser" >"$W/want"
		[ "$st" = 3 ] && [ ! -s "$W/out" ] && cmp -s "$W/want" "$W/err" &&
		    [ "$(ls -A "$W/pk")" = r.csv ] && [ "$(cat "$W/pk/r.csv")" = old ]
		check $? "resilience: parser killed ($out): exit 3, no report, stderr says why" \
		    "status $st, stdout $(wc -c <"$W/out") bytes, stderr: $(errline), files: $(ls -A "$W/pk" | tr '\n' ' ')"
	done
}

# SIGINT and SIGTERM, ten times at different moments of a run whose
# lookups take a while (the server answers after 600 ms: 8 queries by 2
# workers, over 2 s; the signals come within 1 s): no report on stdout,
# -o untouched, exit 130 or 143, every time.
t_res_signals() {
	serve -l 600
	mkdir -p "$W/sg"
	i=0
	bad=
	while [ $i -lt 10 ]; do
		case $i in
		*[02468]) sig=INT want=130 ;;
		*) sig=TERM want=143 ;;
		esac
		echo old >"$W/sg/r.csv"
		if [ $((i % 4)) -lt 2 ]; then
			set -- -o "$W/sg/r.csv"
		else
			set --
		fi
		# shellcheck disable=SC2086
		"$IPWHOIS" $RDAP --no-cache --rate 1000 -j 2 "$@" \
		    "$DATA/live.log" >"$W/out" 2>"$W/err" &
		pid=$!
		BG="$BG $pid"
		wait_kids "$pid" 4
		sleep "0.$i"
		kill -s $sig "$pid"
		wait_end "$pid" 3000
		if [ "$st" != $want ] || [ -s "$W/out" ] ||
		    [ "$(ls -A "$W/sg")" != r.csv ] ||
		    [ "$(cat "$W/sg/r.csv")" != old ]; then
			bad="$bad $i:SIG$sig:status=$st,stdout=$(wc -c <"$W/out")"
		fi
		i=$((i + 1))
	done
	[ -z "$bad" ]
	check $? "resilience: SIGINT/SIGTERM 10 times: no report, -o untouched, 130/143" \
	    "$bad"
	unserve
}

# A log truncated while it is read (logrotate's copytruncate): the
# parser stops itself after its first block (a test-only hook), the file
# is emptied, and the run goes on: said, what was read counted, exit 2.
t_res_truncated() {
	"$GENLOG" -u 500 3M >"$W/trunc.log"
	head -c 1048576 "$W/trunc.log" >"$W/trunc-head.log"
	res_ref "$W/trunc-head.log" --offline -q
	IPWHOIS_TEST_HOOKS=stop-after-read "$IPWHOIS" --offline -q \
	    "$W/trunc.log" >"$W/out" 2>"$W/err" &
	pid=$!
	BG="$BG $pid"
	dl=$(($(now_ms) + 5000))
	parser=
	while [ "$(now_ms)" -lt $dl ]; do
		parser=$(res_child "$pid" ipwhois-parser)
		[ -n "$parser" ] &&
		    [ "$(awk '{ print $3 }' "/proc/$parser/stat" 2>/dev/null)" = T ] &&
		    break
		sleep 0.02
	done
	: >"$W/trunc.log"
	kill -s CONT "$parser" 2>/dev/null
	wait_end "$pid" 10000
	[ "$st" = 2 ] && [ "$(cat "$W/err")" = "ipwhois: $W/trunc.log: the file shrank to 0 bytes while being read, after 1048576 (truncated: logrotate's copytruncate?); read up to there" ]
	check $? "resilience: truncated while read: exit 2, said" \
	    "status $st, stderr: $(errline)"
	same "resilience: truncated while read: what was read is counted" \
	    "$W/ref.csv" "$W/out"
}

# res_ro DIR CMD...: CMD with DIR read-only (a read-only bind mount in a
# mount namespace of its own); status 125 when that cannot be made.
res_ro() {
	d=$1
	shift
	timeout $T unshare -m sh -c 'mount --bind -o ro "$0" "$0" 2>/dev/null ||
	    exit 125
	    exec "$@"' "$d" "$@"
}

# A valid cache on a read-only file system: read (not one query asked
# again: not-found is cached too), one warning, the same report as from
# a writable copy.  Skipped where no read-only bind mount can be made
# (not root, no mount namespace).
t_res_ro_cache() {
	if ! command -v unshare >/dev/null 2>&1 ||
	    ! res_ro "$W" true 2>/dev/null; then
		skip "resilience: read-only cache (no read-only bind mount here)"
		return
	fi
	serve
	rm -rf "$W/roc" "$W/rwc"
	mkdir -p "$W/roc"
	# shellcheck disable=SC2086
	run $RDAP --cache "$W/roc/cache.db" --rate 1000 -j 2 "$DATA/live.log"
	cp -r "$W/roc" "$W/rwc"
	# shellcheck disable=SC2086
	run $RDAP --cache "$W/rwc/cache.db" --rate 1000 -j 2 "$DATA/live.log"
	mv "$W/out" "$W/ref.csv"
	rwst=$st
	q0=$(served rdap_requests)
	# shellcheck disable=SC2086
	res_ro "$W/roc" "$IPWHOIS" $RDAP --cache "$W/roc/cache.db" \
	    --rate 1000 -j 2 "$DATA/live.log" >"$W/out" 2>"$W/err"
	st=$?
	q=$(($(served rdap_requests) - q0))
	[ "$st" = "$rwst" ] &&
	    [ "$(cat "$W/err")" = "ipwhois: $W/roc/cache.db: read-only: its answers are used, but this run's are not added to it" ]
	check $? "resilience: read-only cache: status $rwst, one warning" \
	    "status $st, stderr: $(errline)"
	same "resilience: read-only cache: the report of a writable copy" \
	    "$W/ref.csv" "$W/out"
	[ "$q" = 0 ] && [ ! -e "$W/roc/cache.db-wal" ] &&
	    [ ! -e "$W/roc/cache.db-shm" ]
	check $? "resilience: read-only cache: nothing asked again" \
	    "$q queries, files: $(ls -A "$W/roc" | tr '\n' ' ')"
	unserve
}

TESTS="$TESTS res-worker-killed res-no-worker-left res-worker-killed-live res-worker-stuck
    res-run-stopped res-reporter-killed res-parser-killed res-signals res-truncated
    res-ro-cache"
