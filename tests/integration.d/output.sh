# The report's shape: -F csv|tsv|jsonl, --no-header, --fields, --by,
# --top, --min-hits and --csv-safe.  Sourced by tests/integration.sh, whose
# helpers (run, report_is, same, check, fail) and variables ($W, $DATA,
# $EXP) it uses.
#
# The expected reports in tests/expected/output were worked out by hand
# from the logs (and, for jsonl and tsv, from the CSV reports already
# checked): claims, not snapshots.  Their sources:
#   sample.log      builtin answers only: special networks and public
#                   addresses without a network (the empty --by key)
#   dblookup.log    with the IP database built from tests/data/ipdb:
#                   asn, as_name and country (--by asn, --by country)
#   live.log        with tests/data/output/cache.sql as the cache: what
#                   the loopback server says (org, abuse_email), offline;
#                   9.9.9.9 is cached as not found, so the exit status is 1
#   output/formula.log  with an IP database whose AS names start with
#                   = + - @ (--csv-safe)

O=$EXP/output

# report_st NAME STATUS EXPECTED_FILE: the last run exited STATUS, said
# nothing on stderr, and its report is EXPECTED_FILE.
report_st() {
	if [ "$st" != "$2" ]; then
		fail "$1" "exit status $st, wanted $2; stderr: $(errline)"
	elif [ -s "$W/err" ]; then
		fail "$1" "unexpected stderr: $(errline)"
	else
		same "$1" "$3" "$W/out"
	fi
}

# The IP database of tests/data/ipdb, in $W/out-ip.db.
output_db() {
	[ -s "$W/out-ip.db" ] && return 0
	D=$DATA/ipdb
	timeout $T "$IPWHOIS" --build-db "$W/out-ip.db" "$D/asn-ipv4.csv" \
	    "$D/country-ipv4.csv" "$D/asn-ipv6.csv" "$D/country-ipv6.csv" \
	    >/dev/null 2>&1
}

# The database whose AS names are formulas, in $W/formula.db.
formula_db() {
	[ -s "$W/formula.db" ] && return 0
	timeout $T "$IPWHOIS" --build-db "$W/formula.db" \
	    "$DATA/output/formula-asn.csv" >/dev/null 2>&1
}

# The cache of tests/data/output/cache.sql in $W/out-cache/cache.db, made
# with the sqlite3 shell or Python's sqlite3; 1 when neither is there.
output_cache() {
	C=$W/out-cache/cache.db
	rm -rf "$W/out-cache"
	mkdir -p "$W/out-cache"
	if command -v sqlite3 >/dev/null 2>&1; then
		sqlite3 "$C" <"$DATA/output/cache.sql" || return 1
	elif command -v python3 >/dev/null 2>&1; then
		python3 -c 'import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript(open(sys.argv[2]).read())
db.commit()' "$C" "$DATA/output/cache.sql" || return 1
	else
		return 1
	fi
	chmod 600 "$C"
}

# --- -F and --no-header -------------------------------------------------------

t_output_formats() {
	run --offline -F csv "$DATA/sample.log"
	report_is "output-formats: -F csv is the default report" \
	    "$EXP/sample.csv" quiet
	run --offline -F tsv "$DATA/sample.log"
	report_is "output-formats: -F tsv" "$O/sample.tsv" quiet
	run --offline --output-format=tsv "$DATA/sample.log"
	report_is "output-formats: --output-format=tsv" "$O/sample.tsv" quiet
	run --offline -F jsonl "$DATA/sample.log"
	report_is "output-formats: -F jsonl" "$O/sample.jsonl" quiet
	run --offline --output-format jsonl "$DATA/sample.log"
	report_is "output-formats: --output-format jsonl" "$O/sample.jsonl" quiet

	# JSON Lines has no header: --no-header changes nothing.
	run --offline -F jsonl --no-header "$DATA/sample.log"
	report_is "output-formats: -F jsonl --no-header" "$O/sample.jsonl" quiet
	tail -n +2 "$EXP/sample.csv" >"$W/nohdr.csv"
	run --offline --no-header "$DATA/sample.log"
	report_is "output-formats: --no-header (csv)" "$W/nohdr.csv" quiet
	tail -n +2 "$O/sample.tsv" >"$W/nohdr.tsv"
	run --offline -F tsv --no-header "$DATA/sample.log"
	report_is "output-formats: -F tsv --no-header" "$W/nohdr.tsv" quiet

	# Numbers as numbers (asn too), quotes escaped, empty as null.
	if output_db; then
		run --offline --db "$W/out-ip.db" -F jsonl "$DATA/dblookup.log"
		report_is "output-formats: -F jsonl, asn and as_name" \
		    "$O/dblookup.jsonl" quiet
	else
		fail "output-formats: -F jsonl, asn and as_name" \
		    "cannot build the IP database"
	fi

	# Every line one JSON object, if a JSON reader is at hand.
	if command -v python3 >/dev/null 2>&1; then
		run --offline -F jsonl "$DATA/sample.log"
		python3 -c 'import json, sys
for line in open(sys.argv[1]):
    assert isinstance(json.loads(line), dict)' "$W/out" 2>/dev/null
		check $? "output-formats: each jsonl line parses as an object" \
		    "$(head -c 200 "$W/out")"
	fi

	# Into a file (-o), like any report.
	run --offline -F jsonl -o "$W/report.jsonl" "$DATA/sample.log"
	[ "$st" = 0 ] && [ ! -s "$W/out" ]
	check $? "output-formats: -F jsonl -o FILE: nothing on stdout" \
	    "status $st, stderr: $(errline)"
	same "output-formats: -F jsonl -o FILE: the report in FILE" \
	    "$O/sample.jsonl" "$W/report.jsonl"
}

# --- --fields -----------------------------------------------------------------

t_output_fields() {
	run --offline --fields status,hits,ip,addresses "$DATA/sample.log"
	report_is "output-fields: those columns, in that order" \
	    "$O/sample-fields.csv" quiet

	awk -F '\t' '{ print $2 "\t" $1 }' "$O/sample.tsv" >"$W/f.tsv"
	run --offline -F tsv --fields hits,ip "$DATA/sample.log"
	report_is "output-fields: -F tsv --fields hits,ip" "$W/f.tsv" quiet

	run --offline -F jsonl --fields=last_seen,ip "$DATA/sample.log"
	[ "$st" = 0 ] && [ "$(sed -n 1p "$W/out")" = \
	    '{"last_seen":"2024-03-12T09:00:01Z","ip":"203.0.113.7"}' ] &&
	    [ "$(wc -l <"$W/out")" -eq 16 ]
	check $? "output-fields: -F jsonl keys in --fields order" \
	    "status $st, first line: $(sed -n 1p "$W/out")"

	# A column the --by default leaves out can be asked for.
	if output_cache; then
		run --offline --cache "$C" --by network --fields \
		    network,ip,addresses,hits,kind,registry,source,status \
		    "$DATA/live.log"
		report_st "output-fields: --by network with ip, kind, source, status" \
		    1 "$O/live-by-network.csv"
	else
		skip "output-fields: --by network (no sqlite3 or python3 to make the cache)"
	fi
}

# --- --by ---------------------------------------------------------------------

t_output_by() {
	run --offline --by ip "$DATA/sample.log"
	report_is "output-by: --by ip is the default report" \
	    "$EXP/sample.csv" quiet
	# Public addresses have no network offline: one group, empty key,
	# whose registries differ, and a note that says so.
	run --offline --by network "$DATA/sample.log"
	report_warns "output-by: network (an empty-key group)" \
	    "$O/sample-by-network.csv" "$BYNOTE"

	if output_db; then
		run --offline --db "$W/out-ip.db" --by asn "$DATA/dblookup.log"
		report_is "output-by: asn" "$O/dblookup-by-asn.csv" quiet
		run --offline --db "$W/out-ip.db" --by asn -F jsonl \
		    "$DATA/dblookup.log"
		report_is "output-by: asn, -F jsonl" "$O/dblookup-by-asn.jsonl" \
		    quiet
		run --offline --db "$W/out-ip.db" --by country "$DATA/dblookup.log"
		report_is "output-by: country" "$O/dblookup-by-country.csv" quiet
		run --offline --db "$W/out-ip.db" --by country --fields \
		    country,addresses,registry,asn,as_name,kind,source \
		    "$DATA/dblookup.log"
		report_is "output-by: country, only what members share" \
		    "$O/dblookup-by-country-shared.csv" quiet
		# As many workers as addresses: the same groups.
		run --offline --db "$W/out-ip.db" --by country -j 11 \
		    "$DATA/dblookup.log"
		report_is "output-by: country, -j 11" \
		    "$O/dblookup-by-country.csv" quiet
	else
		fail "output-by: asn, country" "cannot build the IP database"
	fi

	if output_cache; then
		run --offline --cache "$C" "$DATA/live.log"
		report_st "output-by: the cache fixture, by address (exit 1)" 1 \
		    "$O/live-cache.csv"
		run --offline --cache "$C" --by org "$DATA/live.log"
		report_st "output-by: org" 1 "$O/live-by-org.csv"
		run --offline --cache "$C" --by abuse "$DATA/live.log"
		report_st "output-by: abuse" 1 "$O/live-by-abuse.csv"
	else
		skip "output-by: org, abuse (no sqlite3 or python3 to make the cache)"
	fi
}

# --- --top and --min-hits -----------------------------------------------------

t_output_top() {
	head -n 4 "$EXP/sample.csv" >"$W/top.csv"
	run --offline --top 3 "$DATA/sample.log"
	report_is "output-top: --top 3" "$W/top.csv" quiet
	run --offline --top 1000 "$DATA/sample.log"
	report_is "output-top: --top past the end" "$EXP/sample.csv" quiet

	awk -F, 'NR == 1 || $2 >= 3' "$EXP/sample.csv" >"$W/min.csv"
	run --offline --min-hits 3 "$DATA/sample.log"
	report_is "output-top: --min-hits 3" "$W/min.csv" quiet
	run --offline --min-hits 0 "$DATA/sample.log"
	report_is "output-top: --min-hits 0" "$EXP/sample.csv" quiet
	head -n 1 "$EXP/sample.csv" >"$W/hdr.csv"
	run --offline --min-hits 7 "$DATA/sample.log"
	report_is "output-top: --min-hits above all: the header alone" \
	    "$W/hdr.csv" quiet
	: >"$W/none"
	run --offline --min-hits 7 -F jsonl "$DATA/sample.log"
	report_is "output-top: --min-hits above all, -F jsonl: nothing" \
	    "$W/none" quiet

	# Both: the first N of those with enough hits.
	head -n 3 "$W/min.csv" >"$W/both.csv"
	run --offline --min-hits 3 --top 2 "$DATA/sample.log"
	report_is "output-top: --min-hits 3 --top 2" "$W/both.csv" quiet
	run --offline --top 100 --min-hits 3 "$DATA/sample.log"
	report_is "output-top: --top 100 --min-hits 3" "$W/min.csv" quiet

	# On groups, after grouping: the empty key's 11 hits are six
	# addresses' together.
	head -n 4 "$O/sample-by-network.csv" >"$W/gtop.csv"
	run --offline -q --by network --top 3 "$DATA/sample.log"
	report_is "output-top: --by network --top 3" "$W/gtop.csv" quiet
	awk -F, 'NR == 1 || $2 >= 3' "$O/sample-by-network.csv" >"$W/gmin.csv"
	run --offline -q --by network --min-hits 3 "$DATA/sample.log"
	report_is "output-top: --by network --min-hits 3" "$W/gmin.csv" quiet
	sed -n '2,3p' "$O/sample-by-network.csv" | tr , '\t' >"$W/gtop.tsv"
	run --offline -q --by network --top 2 --no-header -F tsv "$DATA/sample.log"
	report_is "output-top: --by network --top 2 --no-header -F tsv" \
	    "$W/gtop.tsv" quiet

	# The exit status is about every lookup, shown or not: 9.9.9.9 was
	# not found.
	if output_cache; then
		head -n 2 "$O/live-cache.csv" >"$W/ltop.csv"
		run --offline --cache "$C" --top 1 "$DATA/live.log"
		report_st "output-top: --top 1 hides the failure, exit 1 still" 1 \
		    "$W/ltop.csv"
		grep -v '^9\.9\.9\.9,' "$O/live-cache.csv" |
		    awk -F, 'NR == 1 || $2 >= 2' >"$W/lmin.csv"
		run --offline --cache "$C" --min-hits 2 "$DATA/live.log"
		report_st "output-top: --min-hits 2 hides the failure, exit 1 still" \
		    1 "$W/lmin.csv"
	else
		skip "output-top: exit status (no sqlite3 or python3 to make the cache)"
	fi
}

# --- --csv-safe ---------------------------------------------------------------

t_output_csv_safe() {
	if ! formula_db; then
		fail "output-csv-safe" "cannot build the IP database"
		return
	fi
	# Off by default: the registry's text as it came.
	run --offline --db "$W/formula.db" --fields ip,hits,asn,as_name \
	    "$DATA/output/formula.log"
	report_is "output-csv-safe: off, cells as they came" "$O/formula.csv" \
	    quiet
	run --offline --db "$W/formula.db" --csv-safe "$DATA/output/formula.log"
	report_is "output-csv-safe: = + - @ get a quote, then CSV quoting" \
	    "$O/formula-safe.csv" quiet
	run --offline --db "$W/formula.db" --csv-safe -F tsv \
	    --fields ip,hits,asn,as_name "$DATA/output/formula.log"
	report_is "output-csv-safe: -F tsv" "$O/formula-safe.tsv" quiet
	# Nothing to defuse: the report as without it.
	run --offline --csv-safe "$DATA/sample.log"
	report_is "output-csv-safe: sample.log unchanged" "$EXP/sample.csv" quiet
}

# --- usage errors ---------------------------------------------------------------

t_output_usage() {
	while IFS='|' read -r args msg; do
		# shellcheck disable=SC2086
		run --offline "$DATA/sample.log" $args </dev/null
		[ "$st" = 2 ] && [ ! -s "$W/out" ] &&
		    [ "$(sed -n 1p "$W/err")" = "$msg" ]
		check $? "output-usage: $args" "status $st, stderr: $(errline)"
	done <<-'EOF'
	-F xml|ipwhois: -F takes csv, tsv or jsonl, not 'xml'
	--output-format=CSV|ipwhois: -F takes csv, tsv or jsonl, not 'CSV'
	--by foo|ipwhois: --by takes ip, network, asn, org, country or abuse, not 'foo'
	--by abuse_email|ipwhois: --by takes ip, network, asn, org, country or abuse, not 'abuse_email'
	--fields ip,nope|ipwhois: --fields: unknown column 'nope' (ip, hits, bytes, addresses, first_seen, last_seen, kind, registry, network, net_name, org, country, asn, as_name, abuse_email, net_type, source, status)
	--fields ip,,hits|ipwhois: --fields: unknown column '' (ip, hits, bytes, addresses, first_seen, last_seen, kind, registry, network, net_name, org, country, asn, as_name, abuse_email, net_type, source, status)
	--fields hits,ip,hits|ipwhois: --fields: 'hits' twice
	--top 0|ipwhois: --top takes a number of rows, 1 or more, not '0'
	--top x|ipwhois: --top takes a number of rows, 1 or more, not 'x'
	--min-hits -1|ipwhois: --min-hits takes a number of hits, not '-1'
	--csv-safe -F jsonl|ipwhois: --csv-safe is for -F csv and tsv
	EOF
}

TESTS="$TESTS output-formats output-fields output-by output-top output-csv-safe
    output-usage"
