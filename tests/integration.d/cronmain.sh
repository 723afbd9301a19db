# Runs from cron: inputs that vanish, -o -, a stop while reading standard
# input, the IP database in the system's places, the note for offline
# groups no registry answered, and a live run without libcurl.  Sourced
# by tests/integration.sh, whose helpers (run, run_stdin, report_is,
# report_warns, same, check, errline, stderr_empty, start_fifo, wait_end)
# and variables ($W, $DATA, $EXP, $IPWHOIS, $BYNOTE) these use.

# The report of sample.log and common.log together, the reference for a
# run over them with a third file gone.
cron_two() {
	run --offline "$DATA/sample.log" "$DATA/common.log"
	cp "$W/out" "$W/two.csv"
}

# A rotated file missing among three: named, the other two reported, and
# status 2 at the end; with -q and -o as cron runs it too.
t_cron_missing() {
	cron_two
	run --offline "$DATA/sample.log" "$W/cron-gone/access.log.2" "$DATA/common.log"
	[ "$st" = 2 ] && [ "$(cat "$W/err")" = \
	    "ipwhois: $W/cron-gone/access.log.2: No such file or directory" ]
	check $? "cron-missing: named, status 2" "status $st, stderr: $(errline)"
	same "cron-missing: the other two reported" "$W/two.csv" "$W/out"

	mkdir -p "$W/cron"
	run --offline -q -o "$W/cron/report.csv" "$W/cron-gone/access.log.2" \
	    "$DATA/sample.log" "$DATA/common.log"
	[ "$st" = 2 ] && [ "$(cat "$W/err")" = \
	    "ipwhois: $W/cron-gone/access.log.2: No such file or directory" ] &&
	    [ ! -s "$W/out" ] && [ "$(ls -A "$W/cron")" = report.csv ]
	check $? "cron-missing: -q -o, first of three" \
	    "status $st, stderr: $(errline)"
	same "cron-missing: -q -o, the file" "$W/two.csv" "$W/cron/report.csv"

	# All of them missing: nothing to report, nothing written.
	run --offline "$W/cron-gone/access.log.2" "$W/cron-gone/access.log.3"
	[ "$st" = 2 ] && [ ! -s "$W/out" ] && [ "$(wc -l <"$W/err")" = 2 ]
	check $? "cron-missing: all missing, no report" \
	    "status $st, stderr: $(errline)"
}

# Unreadable, whoever runs it (root reads past chmod 000): a symbolic
# link to itself, and a directory.  With chmod 000 too when not root.
t_cron_unreadable() {
	cron_two
	ln -sf "$W/loop.log" "$W/loop.log"
	run --offline "$DATA/sample.log" "$W/loop.log" "$DATA/common.log"
	[ "$st" = 2 ] && [ "$(cat "$W/err")" = \
	    "ipwhois: $W/loop.log: Too many levels of symbolic links" ]
	check $? "cron-unreadable: a link loop, named" \
	    "status $st, stderr: $(errline)"
	same "cron-unreadable: a link loop, the others reported" \
	    "$W/two.csv" "$W/out"

	mkdir -p "$W/rotated.d"
	run --offline "$DATA/sample.log" "$DATA/common.log" "$W/rotated.d"
	[ "$st" = 2 ] && [ "$(cat "$W/err")" = \
	    "ipwhois: $W/rotated.d: is a directory" ]
	check $? "cron-unreadable: a directory, named" \
	    "status $st, stderr: $(errline)"
	same "cron-unreadable: a directory, the others reported" \
	    "$W/two.csv" "$W/out"

	if [ "$(id -u)" = 0 ]; then
		skip "cron-unreadable: chmod 000 (running as root, who reads it)"
		return
	fi
	cp "$DATA/sample.log" "$W/locked.log"
	chmod 000 "$W/locked.log"
	run --offline "$W/locked.log" "$DATA/common.log"
	[ "$st" = 2 ] && [ "$(cat "$W/err")" = \
	    "ipwhois: $W/locked.log: Permission denied" ] &&
	    cmp -s "$W/out" "$EXP/common.csv"
	check $? "cron-unreadable: chmod 000" "status $st, stderr: $(errline)"
}

# -o - is standard output, not a file named "-".
t_cron_output_dash() {
	mkdir -p "$W/dash"
	(cd "$W/dash" && timeout $T "$IPWHOIS" --offline -o - \
	    "$OLDPWD/$DATA/sample.log" >"$W/out" 2>"$W/err")
	st=$?
	[ "$(ls -A "$W/dash")" = "" ]
	check $? "cron-output-dash: no file named -" "$(ls -A "$W/dash")"
	report_is "cron-output-dash: the report on standard output" \
	    "$EXP/sample.csv" quiet
}

# SIGTERM while standard input is still open: status 143, not a byte of
# report on standard output, and an -o file left as it was.
t_cron_stop_stdin() {
	rm -f "$W/fifo"
	mkfifo "$W/fifo"
	exec 3<>"$W/fifo"
	"$IPWHOIS" --offline -f combined <"$W/fifo" >"$W/out" 2>"$W/err" \
	    3>&- &
	pid=$!
	BG="$BG $pid"
	cat "$DATA/sample.log" >&3
	sleep 0.5
	kill -TERM "$pid"
	wait_end "$pid" 5000
	exec 3>&-
	[ "$st" = 143 ] && [ ! -s "$W/out" ]
	check $? "cron-stop-stdin: status 143, no report" \
	    "status $st, $(wc -c <"$W/out") bytes out, stderr: $(errline)"

	echo old >"$W/kept.csv"
	exec 3<>"$W/fifo"
	"$IPWHOIS" --offline -f combined -o "$W/kept.csv" <"$W/fifo" \
	    >"$W/out" 2>"$W/err" 3>&- &
	pid=$!
	BG="$BG $pid"
	cat "$DATA/sample.log" >&3
	sleep 0.5
	kill -TERM "$pid"
	wait_end "$pid" 5000
	exec 3>&-
	[ "$st" = 143 ] && [ "$(cat "$W/kept.csv")" = old ] &&
	    [ "$(ls "$W" | grep -c '^kept\.csv')" = 1 ]
	check $? "cron-stop-stdin: -o left as it was" \
	    "status $st, $(ls "$W" | grep '^kept')"
}

# The IP database in a system place (IPWHOIS_DATA_DIRS), found without
# --db; none anywhere is said even under -q, when a column needs it.
t_cron_db() {
	D=$DATA/ipdb
	mkdir -p "$W/cronsys/ipwhois"
	run --build-db "$W/cronsys/ipwhois/ip.db" "$D/asn-ipv4.csv" \
	    "$D/country-ipv4.csv" "$D/asn-ipv6.csv" "$D/country-ipv6.csv"
	[ "$st" = 0 ]
	check $? "cron-db: --build-db" "status $st, stderr: $(errline)"

	# The first directory holding one wins; relative entries are skipped.
	IPWHOIS_DATA_DIRS="$W/nothing:rel:$W/cronsys:$W/sys" \
	    run --offline -q "$DATA/dblookup.log"
	report_is "cron-db: found in a system place" "$EXP/dblookup.csv" quiet
	IPWHOIS_DATA_DIRS="$W/cronsys" run --offline -v "$DATA/dblookup.log"
	[ "$st" = 0 ] && [ "$(sed -n 1p "$W/err")" = \
	    "ipwhois: using the IP database $W/cronsys/ipwhois/ip.db" ]
	check $? "cron-db: -v names it" "status $st, stderr: $(errline)"

	nodb="ipwhois: no IP database at $W/xdg/ipwhois/ip.db or $W/nothing/ipwhois/ip.db: the asn, as_name and country columns stay empty; 'make data' builds it"
	IPWHOIS_DATA_DIRS="$W/nothing" run --offline -q "$DATA/common.log"
	report_warns "cron-db: none, said under -q" "$EXP/common.csv" "$nodb"
	IPWHOIS_DATA_DIRS="$W/nothing" run --offline -q --fields ip,hits,asn \
	    "$DATA/common.log"
	[ "$st" = 0 ] && [ "$(cat "$W/err")" = "$nodb" ]
	check $? "cron-db: none, --fields with asn" "status $st: $(errline)"
	IPWHOIS_DATA_DIRS="$W/nothing" run --offline -q --fields ip,hits \
	    "$DATA/common.log"
	[ "$st" = 0 ] && stderr_empty
	check $? "cron-db: none, no column needs it: nothing said" \
	    "status $st: $(errline)"
	IPWHOIS_DATA_DIRS="$W/nothing" run --offline -q --by country \
	    --fields country,hits "$DATA/common.log"
	[ "$st" = 0 ] && [ "$(cat "$W/err")" = "$nodb" ]
	check $? "cron-db: none, --by country" "status $st: $(errline)"
}

# --offline --by network: one note (none with -q, none for --by asn).
t_cron_offline_groups() {
	run --offline --by network "$DATA/sample.log"
	[ "$st" = 0 ] && [ "$(cat "$W/err")" = "$BYNOTE" ]
	check $? "cron-offline-groups: --by network, a note" \
	    "status $st: $(errline)"
	cp "$W/out" "$W/bynet.csv"
	run --offline -q --by network "$DATA/sample.log"
	[ "$st" = 0 ] && stderr_empty && cmp -s "$W/out" "$W/bynet.csv"
	check $? "cron-offline-groups: -q, no note" "status $st: $(errline)"
	run --offline --by asn "$DATA/sample.log"
	[ "$st" = 0 ] && stderr_empty
	check $? "cron-offline-groups: --by asn, no note" \
	    "status $st: $(errline)"
}

# A live run without libcurl stops before it starts: status 2, why on
# standard error (-q too), no report.  Offline runs need no libcurl.
t_cron_nolibcurl() {
	mkdir -p "$W/nolib"
	: >"$W/nolib/libcurl.so.4"
	LD_LIBRARY_PATH=$W/nolib run -q --rdap-url http://127.0.0.1:9/ \
	    "$DATA/sample.log"
	[ "$st" = 2 ] && [ ! -s "$W/out" ] && grep -q \
	    "^ipwhois: live lookups need libcurl (Debian: libcurl4), or use --offline or --protocol whois: .*libcurl.so.4" \
	    "$W/err"
	check $? "cron-nolibcurl: live, status 2 and why" \
	    "status $st, stderr: $(errline)"
	LD_LIBRARY_PATH=$W/nolib run --offline "$DATA/sample.log"
	report_is "cron-nolibcurl: offline, the report" "$EXP/sample.csv" quiet
}

TESTS="$TESTS cron-missing cron-unreadable cron-output-dash cron-stop-stdin
    cron-db cron-offline-groups cron-nolibcurl"
