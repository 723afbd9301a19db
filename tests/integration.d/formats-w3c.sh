# Formats whose header line names the columns: the W3C extended log
# (IIS), CloudFront's standard logs and Cloud Storage usage logs.
# Sourced by tests/integration.sh, whose helpers (run, run_stdin,
# report_is, same, check, clients, rows, crlf) and variables ($W, $DATA,
# $EXP, $HEADER, $REALDATA) these use.
#
# Fixtures: iis.log (IIS 10, the server's own address 10.0.0.5 first on
# every one of its 210 requests, 12 clients; IIS restarts at noon with
# more fields, c-ip two columns on, and an X-Forwarded-For field behind
# the load balancer 10.0.0.9; one line cut short), cloudfront.log
# (CloudFront's 33 tab-separated fields, a viewer behind a proxy), and
# gcs.csv (Cloud Storage's quoted CSV, commas and quotes inside fields).

# The -v line about a file: "ipwhois: FILE: TEXT".
w3c_file_line() {
	grep -qx "ipwhois: $1: $2" "$W/err"
}

t_formats_w3c() {
	run --offline "$DATA/iis.log"
	report_is "formats-w3c: iis (auto)" "$EXP/iis.csv" quiet
	run --offline -f w3c "$DATA/iis.log"
	report_is "formats-w3c: iis (-f w3c)" "$EXP/iis.csv" quiet

	# The issue this was written for: only the server's own address, as
	# the first address on each line, and none of the clients.
	run --offline -v "$DATA/iis.log"
	[ "$st" = 0 ] && w3c_file_line "$DATA/iis.log" "format w3c" &&
	    w3c_file_line "$DATA/iis.log" "w3c: 219 lines, 210 read, 8 without a client, 1 rejected" &&
	    [ "$(rows "$W/out")" -eq 12 ] && ! grep -q '^10\.0\.0\.5,' "$W/out"
	check $? "formats-w3c: iis: 12 clients, never s-ip" \
	    "status $st, $(rows "$W/out") rows, stderr: $(errline)"

	crlf <"$DATA/iis.log" >"$W/iis-crlf.log"
	run --offline "$W/iis-crlf.log"
	report_is "formats-w3c: iis, CRLF" "$EXP/iis.csv" quiet
	gzip -c <"$DATA/iis.log" >"$W/iis.log.gz"
	run_stdin "$W/iis.log.gz" --offline
	report_is "formats-w3c: iis, gzip on stdin" "$EXP/iis.csv" quiet

	# Behind the load balancer: IIS writes X-Forwarded-For's spaces as
	# '+'; before the restart there is no such field, so the peer.
	run --offline --client xff --trusted-proxy 10.0.0.0/8 "$DATA/iis.log"
	report_is "formats-w3c: iis, --client xff" "$EXP/iis-xff.csv" quiet

	run --offline "$DATA/cloudfront.log"
	report_is "formats-w3c: cloudfront (auto)" "$EXP/cloudfront.csv" quiet
	run --offline -f cloudfront "$DATA/cloudfront.log"
	report_is "formats-w3c: cloudfront (-f cloudfront)" \
	    "$EXP/cloudfront.csv" quiet
	run --offline -f w3c "$DATA/cloudfront.log"
	report_is "formats-w3c: cloudfront (-f w3c)" "$EXP/cloudfront.csv" quiet
	run --offline -v "$DATA/cloudfront.log"
	[ "$st" = 0 ] &&
	    w3c_file_line "$DATA/cloudfront.log" "format cloudfront" &&
	    w3c_file_line "$DATA/cloudfront.log" "cloudfront: 9 lines, 7 read, 2 without a client, 0 rejected"
	check $? "formats-w3c: cloudfront: -v names it" "stderr: $(errline)"
	run --offline --client xff "$DATA/cloudfront.log"
	report_is "formats-w3c: cloudfront, --client xff" \
	    "$EXP/cloudfront-xff.csv" quiet

	run --offline "$DATA/gcs.csv"
	report_is "formats-w3c: gcs (auto)" "$EXP/gcs.csv" quiet
	run --offline -f gcs "$DATA/gcs.csv"
	report_is "formats-w3c: gcs (-f gcs)" "$EXP/gcs.csv" quiet
	run --offline -v "$DATA/gcs.csv"
	[ "$st" = 0 ] && w3c_file_line "$DATA/gcs.csv" "format gcs" &&
	    w3c_file_line "$DATA/gcs.csv" "gcs: 6 lines, 5 read, 1 without a client, 0 rejected"
	check $? "formats-w3c: gcs: -v names it" "stderr: $(errline)"
	run --offline --client xff "$DATA/gcs.csv"
	report_is "formats-w3c: gcs has no X-Forwarded-For: the peer" \
	    "$EXP/gcs.csv"
	[ "$(cat "$W/err")" = "ipwhois: $DATA/gcs.csv: gcs lines have no X-Forwarded-For field; their clients are the connecting addresses" ]
	check $? "formats-w3c: gcs has no X-Forwarded-For: a note" \
	    "stderr: $(errline)"

	# One run, three files: each is detected, and its header read, anew.
	run --offline -v "$DATA/iis.log" "$DATA/cloudfront.log" "$DATA/gcs.csv"
	{ tail -n +2 "$EXP/iis.csv"; tail -n +2 "$EXP/cloudfront.csv"
	    tail -n +2 "$EXP/gcs.csv"; } | cut -d, -f1 | sort >"$W/want"
	clients "$W/out" >"$W/got"
	[ "$st" = 0 ] && cmp -s "$W/want" "$W/got" &&
	    w3c_file_line "$DATA/iis.log" "format w3c" &&
	    w3c_file_line "$DATA/cloudfront.log" "format cloudfront" &&
	    w3c_file_line "$DATA/gcs.csv" "format gcs"
	check $? "formats-w3c: three files, three formats" \
	    "status $st, stderr: $(errline)"

	# A header does not carry over into the next file: these lines,
	# without one, are not read with iis.log's (and a file of which no
	# line was read makes the status 1).
	grep -v '^#' "$DATA/iis.log" | tail -n 20 >"$W/headless.log"
	run --offline -f w3c "$DATA/iis.log" "$W/headless.log"
	[ "$st" = 1 ] && same "formats-w3c: no header: iis.log's report" \
	    "$EXP/iis.csv" "$W/out" && grep -q "^ipwhois: $W/headless.log: none of its 20 lines could be read as w3c" "$W/err"
	check $? "formats-w3c: no header, no layout" \
	    "status $st, stderr: $(errline)"

	# Another format's reader on an IIS log reads nobody, and says so
	# even without -v; the run exits 1.
	run --offline -v -f cloudfront "$DATA/iis.log"
	[ "$st" = 1 ] && [ "$(cat "$W/out")" = "$HEADER" ] &&
	    grep -q "^ipwhois: $DATA/iis.log: none of its 213 lines could be read as cloudfront, e.g.: " "$W/err" &&
	    w3c_file_line "$DATA/iis.log" "cloudfront: 219 lines, 0 read, 6 without a client, 213 rejected"
	check $? "formats-w3c: -f cloudfront on IIS reads nobody" \
	    "status $st, stderr: $(errline)"
}

# filebeat's IIS test logs, when the real-data folder is there: c-ip,
# wherever each header puts it; never s-ip; never the markdown-mangled
# line of the 7.5 log.
t_formats_w3c_realdata() {
	L=$REALDATA/logs/edge
	if [ ! -d "$L" ]; then
		skip "formats-w3c-realdata ($REALDATA not found)"
		return
	fi
	while IFS='|' read -r f want; do
		run --offline -v "$L/$f"
		got=$(clients "$W/out" | tr '\n' ' ')
		[ "$st" = 0 ] && [ "$got" = "$want" ] &&
		    w3c_file_line "$L/$f" "format w3c"
		check $? "formats-w3c-realdata: $f" \
		    "status $st, got '$got', want '$want'; $(errline)"
	done <<-'EOF'
	beats_iis_access_7.5.log|10.0.140.2 2001:cdba::3257:9652 
	beats_iis_access_ipv6zone.log|::1 
	beats_iis_access_multi_header.log|10.50.6.188 127.0.0.1 81.2.69.143 
	EOF
}

TESTS="$TESTS formats-w3c formats-w3c-realdata"
