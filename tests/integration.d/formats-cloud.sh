# Formats: the AWS load balancers (elb, alb), S3 server access logs,
# Squid's native access.log, and the Apache and nginx error logs.
# Sourced by tests/integration.sh, whose helpers (run, report_is, check,
# clients, rows, errline) and variables ($W, $DATA, $EXP, $REALDATA)
# these use.
#
# Fixtures, one per format, written after its documentation: elb.log,
# alb.log, s3.log (one line of S3's own, naming no client), squid.log,
# apache-error.log (2.4, notices without a client, an address planted
# in a message), nginx-error.log (notices, and two lines with a forged
# ", client: ..., server: " that name no one); apache-mixed.log, a
# combined log with vhost_combined and Apache error lines in it.

t_formats_cloud() {
	for f in elb alb s3 squid apache-error nginx-error; do
		run --offline "$DATA/$f.log"
		report_is "formats-cloud: $f (auto)" "$EXP/$f.csv" quiet
		run --offline -f "$f" "$DATA/$f.log"
		report_is "formats-cloud: $f (-f $f)" "$EXP/$f.csv" quiet
	done
}

# An access log with the error log's lines in it: the file is combined,
# and every other line is read by the format it is in.
t_formats_cloud_mixed() {
	run --offline "$DATA/apache-mixed.log"
	report_is "formats-cloud-mixed: combined, vhost and error lines" \
	    "$EXP/apache-mixed.csv" quiet
	run --offline -v "$DATA/apache-mixed.log"
	counts='9 lines, 9 read, 0 without a client, 0 rejected'
	[ "$st" = 0 ] && [ "$(rows "$W/out")" -eq 7 ] &&
	    grep -q "apache-mixed.log: .*$counts\$" "$W/err"
	check $? "formats-cloud-mixed: all 9 lines read, 7 clients" \
	    "status $st, $(rows "$W/out") rows; $(errline)"
	# Forced to one format, the lines of the others are rejected.
	run --offline -f combined "$DATA/apache-mixed.log"
	[ "$st" = 0 ] && [ "$(clients "$W/out" | tr '\n' ' ')" = \
	    "127.0.0.1 192.0.2.16 198.51.100.40 " ]
	check $? "formats-cloud-mixed: -f combined reads only its own" \
	    "status $st: $(clients "$W/out" | tr '\n' ' ')"
}

# No address from a message, a URL, a user agent or a forged field ever
# makes a row.
t_formats_cloud_planted() {
	for f in elb alb s3 squid apache-error nginx-error; do
		run --offline "$DATA/$f.log"
		if [ "$st" != 0 ] || grep -q '^203\.0\.113\.' "$W/out" ||
		    grep -q '^198\.51\.100\.\(39\|99\|66\),' "$W/out"; then
			fail "formats-cloud-planted: $f" \
			    "status $st: $(clients "$W/out" | tr '\n' ' ')"
			return
		fi
	done
	ok "formats-cloud-planted: no planted address is counted"
}

# fail2ban's annotated Apache error log: every line is read, and every
# annotated host is among the clients.
t_formats_cloud_realdata() {
	f=$REALDATA/logs/fail2ban_apache-auth_annotated.log
	if [ ! -f "$f" ]; then
		skip "formats-cloud-realdata ($f not found)"
		return
	fi
	lines=$(grep -cv '^\(#.*\)\{0,1\}$' "$f")
	run --offline "$f"
	hits=$(tail -n +2 "$W/out" | awk -F, '{ n += $2 } END { print n + 0 }')
	missing=
	for h in $(sed -n 's/.*"host": *"\([^"]*\)".*/\1/p' "$f" | sort -u); do
		clients "$W/out" | grep -qx "$h" || missing="$missing $h"
	done
	[ "$st" = 0 ] && [ "$hits" -eq "$lines" ] && [ -z "$missing" ]
	check $? "formats-cloud-realdata: fail2ban apache-auth, $lines lines" \
	    "status $st, $hits hits of $lines lines, missing:$missing"
}

TESTS="$TESTS formats-cloud formats-cloud-mixed formats-cloud-planted
    formats-cloud-realdata"
