# Many hosts, one report: --counts-only on each shard of a log, --merge
# of the partial reports, in any order and in stages, must give, byte for
# byte, the report of one run over the whole log: offline, live against
# the loopback test server (with no more queries than the single run),
# and through GNU parallel as the man page's recipe runs it.  Bad rows
# are named by file and line.  Sourced by tests/integration.sh, whose
# helpers (run, run_stdin, check, fail, same, serve, unserve, served,
# fresh_cache, errline) and variables ($W, $DATA, $GENLOG, $RDAP) these
# use.

SH=$W/shards

# The generated log, made once: 3,000 addresses (10 % IPv6) over some
# 4,500 lines, a few of them malformed.
shards_log() {
	mkdir -p "$SH"
	[ -s "$SH/all.log" ] || "$GENLOG" -u 3000 -6 10 1M >"$SH/all.log"
}

# cut_lines N DIR: the log in N pieces of whole lines, in order.
cut_lines() {
	rm -rf "$2"
	mkdir -p "$2"
	split -n "l/$1" -d -a 2 "$SH/all.log" "$2/s"
}

# cut_dealt N DIR: each address's lines dealt to the shards in turn,
# from one that depends on the address: every address of N lines or more
# is in every shard.
cut_dealt() {
	rm -rf "$2"
	mkdir -p "$2"
	awk -v n="$1" -v d="$2" '{
		if (!($1 in k))
			k[$1] = seen++ % n
		printf "%s\n", $0 > sprintf("%s/s%02d", d, (k[$1] + c[$1]++) % n)
	}' "$SH/all.log"
}

# The forms the partials are written in, one shard after another: every
# -F, with a header and without, and one compressed.
PARTIAL_FORMS="jsonl tsv-bare csv tsv csv-bare jsonl-gz"

# partials DIR: each shard of DIR through --counts-only, into DIR/p*;
# 0 when every run exited 0 and said nothing.
partials() {
	set -- "$1" $PARTIAL_FORMS
	dir=$1
	shift
	bad=0
	for s in "$dir"/s*; do
		form=$1
		shift
		set -- "$@" "$form"
		case $form in
		*-bare) opts="-F ${form%-bare} --no-header" ;;
		*) opts="-F ${form%-gz}" ;;
		esac
		out=$dir/p${s##*/s}
		# shellcheck disable=SC2086
		run --counts-only $opts "$s"
		[ "$st" = 0 ] && [ ! -s "$W/err" ] || bad=1
		case $form in
		*-gz) gzip -c "$W/out" >"$out" ;;
		*) mv "$W/out" "$out" ;;
		esac
	done
	return $bad
}

# merged NAME WANT ARGS...: a merge run on ARGS exited 0, said nothing,
# and wrote WANT.
merged() {
	name=$1
	want=$2
	shift 2
	run --merge "$@"
	if [ "$st" != 0 ] || [ -s "$W/err" ]; then
		fail "$name" "status $st, stderr: $(errline)"
	else
		same "$name" "$want" "$W/out"
	fi
}

# The single runs the merges are held to.
whole_runs() {
	shards_log
	run --counts-only "$SH/all.log"
	cp "$W/out" "$SH/whole.counts"
	[ "$st" = 0 ] && [ ! -s "$W/err" ] &&
	    [ "$(head -1 "$SH/whole.counts")" = ip,hits,bytes,first_seen,last_seen ] &&
	    [ "$(wc -l <"$SH/whole.counts")" -gt 2000 ]
	check $? "shards: --counts-only over the whole log" \
	    "status $st, stderr: $(errline)"
	run --offline --no-cache "$SH/all.log"
	cp "$W/out" "$SH/whole.csv"
	run --offline --no-cache -F jsonl --top 50 --fields ip,hits,kind,first_seen \
	    "$SH/all.log"
	cp "$W/out" "$SH/whole-top.jsonl"
}

# For each cut of the log into 1, 2, 7 and 16 shards, by lines and dealt
# by address: the partials merged in order, in reverse, in two stages, and
# with the lookups (offline), each the single run's report.
t_shards_offline() {
	whole_runs
	for n in 1 2 7 16; do
		for cut in lines dealt; do
			d=$SH/$cut$n
			"cut_$cut" $n "$d"
			partials "$d"
			check $? "shards: $n by $cut: --counts-only on each shard" \
			    "a run failed: $(errline)"
			# shellcheck disable=SC2046
			set -- $(ls "$d"/p*)
			merged "shards: $n by $cut: merged in order" \
			    "$SH/whole.counts" --counts-only "$@"
			# shellcheck disable=SC2046
			merged "shards: $n by $cut: merged in reverse" \
			    "$SH/whole.counts" --counts-only $(ls -r "$d"/p*)
			# Two stages: the odd shards, the even ones, then both.
			# shellcheck disable=SC2046
			run --merge --counts-only -F tsv --no-header \
			    $(ls "$d"/p* | awk 'NR % 2')
			mv "$W/out" "$d/stage1"
			# shellcheck disable=SC2046
			run --merge --counts-only -F jsonl \
			    $(ls "$d"/p* | awk 'NR % 2 == 0') /dev/null
			mv "$W/out" "$d/stage2"
			merged "shards: $n by $cut: merged in two stages" \
			    "$SH/whole.counts" --counts-only "$d/stage2" \
			    "$d/stage1"
			merged "shards: $n by $cut: merged with lookups" \
			    "$SH/whole.csv" --offline --no-cache "$@"
		done
	done
	# The report's options apply to the merge as to the single run.
	merged "shards: --merge -F jsonl --top --fields" "$SH/whole-top.jsonl" \
	    --offline --no-cache -F jsonl --top 50 --fields ip,hits,kind,first_seen \
	    "$SH"/dealt7/p*
	# Standard input, compressed, a report put end to end with itself.
	run_stdin "$SH/dealt7/p05" --merge --counts-only -F tsv --no-header -
	cp "$W/out" "$SH/p05.tsv"
	gzip -c "$SH/p05.tsv" >"$SH/p05.tsv.gz"
	run_stdin "$SH/p05.tsv.gz" --merge --counts-only -F tsv --no-header -
	same "shards: gzip'ed partial on standard input" "$SH/p05.tsv" "$W/out"
	cat "$SH/dealt7/p02" "$SH/dealt7/p02" >"$SH/twice.csv"
	run --merge --counts-only "$SH/twice.csv"
	run --merge --counts-only "$SH/dealt7/p02" "$SH/dealt7/p02"
	cp "$W/out" "$SH/twice.want"
	run --merge --counts-only "$SH/twice.csv"
	[ "$st" = 0 ] && [ ! -s "$W/err" ]
	check $? "shards: a CSV report twice in one file: its header skipped" \
	    "status $st, stderr: $(errline)"
	same "shards: a report twice in one file = given twice" \
	    "$SH/twice.want" "$W/out"
}

# Live, against the loopback server: the addresses of live.log (seven
# registered networks: ten rows answered by RDAP in this run) among the
# generated ones.  The mappers ask nothing; the merge asks no more than
# the single run did.
t_shards_live() {
	shards_log
	head -c 200000 "$SH/all.log" | sed '$d' >"$SH/live.log"
	cat "$DATA/live.log" "$DATA/live.log" >>"$SH/live.log"
	serve
	fresh_cache
	# shellcheck disable=SC2086
	run $RDAP $CACHE --rate 1000 -j 4 "$SH/live.log"
	cp "$W/out" "$SH/live.csv"
	single=$(served rdap_requests)
	[ "$st" = 1 ] && [ "$single" -gt 8 ] &&
	    [ "$(grep -c ',rdap,ok$' "$SH/live.csv")" = 10 ] &&
	    ! grep -q ',cache,' "$SH/live.csv"
	check $? "shards: live: the single run ($single queries)" \
	    "status $st, stderr: $(errline)"
	for n in 2 7; do
		d=$SH/live$n
		rm -rf "$d"
		mkdir -p "$d"
		awk -v n=$n -v d="$d" '{ print > sprintf("%s/s%02d", d, NR % n) }' \
		    "$SH/live.log"
		before=$(served rdap_requests)
		partials "$d"
		check $? "shards: live: $n shards: --counts-only on each" \
		    "a run failed: $(errline)"
		[ "$(served rdap_requests)" = "$before" ]
		check $? "shards: live: $n shards: the mappers send no query" \
		    "$(($(served rdap_requests) - before)) queries"
		fresh_cache
		# shellcheck disable=SC2086
		run --merge $RDAP $CACHE --rate 1000 -j 4 "$d"/p*
		q=$(($(served rdap_requests) - before))
		[ "$st" = 1 ]
		check $? "shards: live: $n shards: the merge exits as the single run" \
		    "status $st, stderr: $(errline)"
		same "shards: live: $n shards: merged = single run" \
		    "$SH/live.csv" "$W/out"
		[ "$q" -le "$single" ]
		check $? "shards: live: $n shards: $q queries, not more than $single" \
		    "$q queries"
	done
	# What the live merge learned is in the cache: asked again, none.
	before=$(served rdap_requests)
	# shellcheck disable=SC2086
	run --merge $RDAP $CACHE --rate 1000 -j 4 "$SH"/live7/p*
	[ "$(served rdap_requests)" = "$before" ]
	check $? "shards: live: a second merge is answered by the cache" \
	    "$(($(served rdap_requests) - before)) queries"
	unserve
}

# The man page's GNU parallel recipe, run as written but for the
# --sshlogin (":", this machine, instead of web1,web2: --transferfile
# then has nothing to do, and parallel says so), the binary's path and
# the merge's --offline --no-cache (no registry here).
t_shards_parallel() {
	if ! command -v parallel >/dev/null 2>&1; then
		skip "shards: GNU parallel is not installed (scripts/install-deps)"
		return
	fi
	whole_runs
	cut_dealt 7 "$SH/par"
	(cd "$SH/par" &&
	    timeout 60 parallel --sshlogin : --transferfile {} \
	    "$IPWHOIS" --counts-only -F jsonl {} ::: s00 s01 s02 s03 s04 s05 s06 |
	    timeout $T "$IPWHOIS" --merge --offline --no-cache - >"$W/out") \
	    2>"$W/err"
	st=$?
	grep -v '^parallel: Warning: --transferfile ignored as there are no remote --sshlogin\.$' \
	    "$W/err" >"$W/err2"
	[ "$st" = 0 ] && [ ! -s "$W/err2" ]
	check $? "shards: parallel: the recipe runs" \
	    "status $st, stderr: $(errline)"
	same "shards: parallel: merged = single run" "$SH/whole.csv" "$W/out"
	# The reducer of the Hadoop recipe, on the mappers' rows sorted by
	# key (as Hadoop hands them over), split between two reducers.
	for s in "$SH"/par/s0*; do
		"$IPWHOIS" --counts-only -F tsv --no-header - <"$s"
	done | sort >"$SH/mapped"
	awk -F '\t' -v d="$SH" '{ print > (d "/red" (length($1) % 2)) }' \
	    "$SH/mapped"
	for r in 0 1; do
		"$IPWHOIS" --merge --counts-only -F tsv --no-header - \
		    <"$SH/red$r"
	done >"$SH/reduced"
	run_stdin "$SH/reduced" --merge --offline --no-cache -
	same "shards: hadoop-style: mappers, two reducers, one last merge" \
	    "$SH/whole.csv" "$W/out"
}

# bad_partial: a report by address with one bad row of each kind.
bad_partial() {
	{
		echo ip,hits,bytes,first_seen,last_seen
		echo 192.0.2.1,3,100,2025-10-10T13:00:00Z,2025-10-10T13:00:05Z
		echo host-192-0-2-2.example.net,1,5,,
		echo 192.0.2.3,-4,5,,
		echo 192.0.2.4,many,5,,
		echo 192.0.2.5,1,5,2025-10-10,
		echo 192.0.2.6,1,5,2025-10-10T13:00:09Z,2025-10-10T13:00:00Z
		echo 192.0.2.7,1
		echo ip,hits
		echo 192.0.2.1,2
	} >"$W/bad.csv"
}

t_shards_bad() {
	bad_partial
	run --merge --counts-only "$W/bad.csv"
	printf '%s\n' \
	    "ipwhois: $W/bad.csv: line 3: ip is not an address; left out" \
	    "ipwhois: $W/bad.csv: line 4: hits is not a count of 1 or more; left out" \
	    "ipwhois: $W/bad.csv: line 5: hits is not a count of 1 or more; left out" \
	    "ipwhois: $W/bad.csv: line 6: first_seen is not a time like 2026-12-01T08:00:00Z; left out" \
	    "ipwhois: $W/bad.csv: line 7: first_seen is later than last_seen; left out" \
	    "ipwhois: $W/bad.csv: line 8: not as many cells as the header has columns; left out" \
	    "ipwhois: $W/bad.csv: line 9: a header with other columns than the file's first (the rows after it are read by it); left out" \
	    >"$W/want.err"
	printf '%s\n' ip,hits,bytes,first_seen,last_seen \
	    192.0.2.1,5,100,2025-10-10T13:00:00Z,2025-10-10T13:00:05Z \
	    >"$W/want"
	[ "$st" = 0 ]
	check $? "shards: bad rows: the merge goes on, exit 0" "status $st"
	same "shards: bad rows: each named by file and line" "$W/want.err" \
	    "$W/err"
	same "shards: bad rows: left out, the others merged" "$W/want" "$W/out"

	# -v counts them as rejected.
	run --merge --counts-only -v "$W/bad.csv"
	grep -qx "ipwhois: 10 lines read, 1 without a client, 7 rejected, 0 outside --since/--until, 0 excluded by --include/--exclude" "$W/err"
	check $? "shards: bad rows: -v counts them rejected" "$(errline)"
	grep -qx "ipwhois: $W/bad.csv: report: 10 lines, 2 read, 1 without a client, 7 rejected" "$W/err"
	check $? "shards: bad rows: -v names the input a report" "$(errline)"

	# More than ten: the rest counted in one line.
	awk 'BEGIN { print "ip,hits"; for (i = 0; i < 14; i++) print "x" i ",1";
	    print "10.0.0.1,1" }' >"$W/bad14.csv"
	run --merge --counts-only "$W/bad14.csv"
	[ "$st" = 0 ] && [ "$(grep -c ': line [0-9]*: ip is not an address; left out$' "$W/err")" = 10 ] &&
	    [ "$(tail -1 "$W/err")" = "ipwhois: $W/bad14.csv: 4 bad rows more were left out" ]
	check $? "shards: 14 bad rows: ten named, the rest counted" \
	    "status $st, stderr: $(errline)"

	# No row read at all: said, exit 1.
	printf 'ip,hits\nx,1\n' >"$W/allbad.csv"
	run --merge --counts-only "$W/allbad.csv"
	[ "$st" = 1 ] && [ "$(tail -1 "$W/err")" = "ipwhois: $W/allbad.csv: none of its 1 rows could be read" ]
	check $? "shards: no row read: said, exit 1" \
	    "status $st, stderr: $(errline)"

	# A report by groups, or a log: refused, named, exit 2; the other
	# inputs are merged.
	run --offline --no-cache --by country "$DATA/sample.log"
	cp "$W/out" "$W/groups.csv"
	run --counts-only "$DATA/sample.log"
	cp "$W/out" "$W/sample.counts"
	run --merge --counts-only "$W/groups.csv" "$W/sample.counts"
	[ "$st" = 2 ] && [ "$(cat "$W/err")" = "ipwhois: $W/groups.csv: a report by country cannot be merged: its rows are groups, not addresses; merge the reports by address, and give --by to the merge" ]
	check $? "shards: a report by groups is refused, exit 2" \
	    "status $st, stderr: $(errline)"
	same "shards: a report by groups refused, the others merged" \
	    "$W/sample.counts" "$W/out"
	run --offline --no-cache --by asn -F jsonl "$DATA/sample.log"
	cp "$W/out" "$W/groups.jsonl"
	run --merge "$W/groups.jsonl"
	[ "$st" = 2 ] && [ "$(cat "$W/err")" = "ipwhois: $W/groups.jsonl: a report of groups (--by) cannot be merged: its rows are groups, not addresses; merge the reports by address, and give --by to the merge" ]
	check $? "shards: a JSON report by groups is refused" \
	    "status $st, stderr: $(errline)"
	run --merge --counts-only "$DATA/sample.log"
	[ "$st" = 2 ] && [ "$(cat "$W/err")" = "ipwhois: $DATA/sample.log: neither a header nor an address in the first column: not an ipwhois report by address" ]
	check $? "shards: a log given to --merge is refused" \
	    "status $st, stderr: $(errline)"
}

# The options that do not go together, and what --counts-only leaves
# alone: no cache made, nothing said about the IP database.
t_shards_options() {
	for pair in \
	    "--counts-only --by network|--counts-only writes a row per address: --by needs lookups; give it to the --merge, not 'network'" \
	    "--counts-only --fields ip,hits,org|--counts-only writes no column a lookup fills: --fields takes ip, hits, bytes, addresses, first_seen and last_seen with it, not 'org'" \
	    "--merge -f combined|--merge reads ipwhois reports, not logs: -f, --regex, --log-format, --json-field, --client, --since and --until are for the runs that read the logs" \
	    "--merge --since 2025-01-01|--merge reads ipwhois reports, not logs: -f, --regex, --log-format, --json-field, --client, --since and --until are for the runs that read the logs"; do
		# shellcheck disable=SC2086
		run ${pair%%|*} "$DATA/sample.log"
		[ "$st" = 2 ] && [ "$(head -1 "$W/err")" = "ipwhois: ${pair#*|}" ]
		check $? "shards: ${pair%%|*}: refused" \
		    "status $st, stderr: $(errline)"
	done
	rm -rf "$W/xdg-cache"
	run --counts-only -j 12 --fields hits,ip,addresses "$DATA/sample.log"
	[ "$st" = 0 ] && [ ! -s "$W/err" ] && [ ! -e "$W/xdg-cache" ] &&
	    [ "$(head -2 "$W/out" | tr '\n' ' ')" = "hits,ip,addresses 6,203.0.113.7,1 " ]
	check $? "shards: --counts-only: no cache, no database, --fields" \
	    "status $st, stderr: $(errline), $(head -2 "$W/out" | tr '\n' ' ')"
	: | "$IPWHOIS" --counts-only -F tsv --no-header - >"$W/out" 2>"$W/err"
	st=$?
	[ "$st" = 0 ] && [ ! -s "$W/out" ] && [ ! -s "$W/err" ]
	check $? "shards: --counts-only on empty input: nothing, exit 0" \
	    "status $st, stderr: $(errline)"
	: | "$IPWHOIS" --merge --counts-only -F tsv --no-header - >"$W/out" 2>"$W/err"
	st=$?
	[ "$st" = 0 ] && [ ! -s "$W/out" ] && [ ! -s "$W/err" ]
	check $? "shards: --merge on empty input: nothing, exit 0" \
	    "status $st, stderr: $(errline)"
}

TESTS="$TESTS shards-offline shards-live shards-parallel shards-bad
    shards-options"
