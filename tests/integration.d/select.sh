# What counts: --since and --until (the time window), --include and
# --exclude (address filters), --client xff with --trusted-proxy (the
# client behind proxies).  Sourced by tests/integration.sh, whose helpers
# (run, report_is, same, check, clients, rows) and variables ($W, $DATA,
# $EXP, $HEADER) these use.
#
# Fixtures: window.log (first-ip, times around 2024-01-02T00:00Z and
# 2024-01-03T00:00Z, one line without a time, one without an address),
# xff.log (nginx's "main" format: combined and "$http_x_forwarded_for"),
# xff-regex.log (a --regex with (?<xff>...)), and sample.log.

WINDOW_SINCE=2024-01-02T00:00:00Z
WINDOW_UNTIL=2024-01-03T00:00:00Z
PROXIES=10.0.0.0/8,2001:db8:ffff::/48
XFF_REGEX='ts=(?<time>\S+) peer=(?<ip>\S+)(?: xff="(?<xff>[^"]*)")? size=(?<bytes>\d+)'

# summary_has COUNT...: the -v summary on stderr says each COUNT ("12
# lines read", "6 outside", "3 lookups"), wherever its lines put them.
summary_has() {
	for c in "$@"; do
		grep -Eq "(^ipwhois: |, )$c[ ,;]" "$W/err" || return 1
	done
}

# A CLF time $1 seconds before now.
clf_ago() {
	date -u -d "@$(($(date +%s) - $1))" '+%d/%b/%Y:%H:%M:%S +0000'
}

t_select_time() {
	run --offline --since $WINDOW_SINCE -f first-ip "$DATA/window.log"
	report_is "select-time: --since only" "$EXP/window-since.csv" quiet
	run --offline --until $WINDOW_UNTIL -f first-ip "$DATA/window.log"
	report_is "select-time: --until only" "$EXP/window-until.csv" quiet
	run --offline --since $WINDOW_SINCE --until $WINDOW_UNTIL \
	    -f first-ip "$DATA/window.log"
	report_is "select-time: --since and --until" "$EXP/window-both.csv" quiet
	# Dates alone are midnight, local time (the suite runs in UTC); an
	# offset names the same instants in another zone.
	run --offline --since 2024-01-02 --until 2024-01-03 -f first-ip "$DATA/window.log"
	report_is "select-time: dates alone" "$EXP/window-both.csv" quiet
	run --offline --since 2024-01-02T02:00+02:00 \
	    --until=2024-01-02T19:00:00-05:00 -f first-ip "$DATA/window.log"
	report_is "select-time: zone offsets" "$EXP/window-both.csv" quiet

	# The edges: a line at --since counts, a line at --until does not;
	# one second inward on each side drops the edge lines.
	run --offline --since 2024-01-02T00:00:01Z --until 2024-01-02T23:59:59Z \
	    -f first-ip "$DATA/window.log"
	[ "$st" = 0 ] && [ "$(clients "$W/out" | tr '\n' ' ')" = \
	    "192.0.2.2 198.51.100.7 2001:db8::7 " ] &&
	    grep -q '^192\.0\.2\.2,1,,2024-01-02T00:00:01Z,2024-01-02T00:00:01Z,' \
	    "$W/out" &&
	    grep -q '^2001:db8::7,1,,2024-01-02T12:00:00Z,2024-01-02T12:00:00Z,' \
	    "$W/out"
	check $? "select-time: edges are [since, until)" \
	    "status $st: $(clients "$W/out" | tr '\n' ' ')"

	# A window no line falls in: the header, and a note (none with -q).
	run --offline --since 2030-01-01 -f first-ip "$DATA/window.log"
	[ "$st" = 0 ] && [ "$(cat "$W/out")" = "$HEADER" ] &&
	    [ "$(cat "$W/err")" = "ipwhois: none of the 11 lines with a client was inside --since/--until" ]
	check $? "select-time: an empty window: a note" \
	    "status $st, stderr: $(errline)"
	# Comments name no client: they do not hide the note.
	{ echo "# rotated 2024-01-03"; cat "$DATA/window.log"; } >"$W/window.log"
	run --offline --since 2030-01-01 -f first-ip "$W/window.log"
	[ "$st" = 0 ] && [ "$(cat "$W/out")" = "$HEADER" ] &&
	    [ "$(cat "$W/err")" = "ipwhois: none of the 11 lines with a client was inside --since/--until" ]
	check $? "select-time: an empty window under a comment: a note" \
	    "status $st, stderr: $(errline)"
	run --offline -q --until 1999-01-01 -f first-ip "$DATA/window.log"
	[ "$st" = 0 ] && [ "$(cat "$W/out")" = "$HEADER" ] && [ ! -s "$W/err" ]
	check $? "select-time: an empty window, -q: no note" \
	    "status $st, stderr: $(errline)"

	# With a window, a line without a time is left out, however wide.
	run --offline --since 1970-01-02 -f first-ip "$DATA/window.log"
	report_is "select-time: lines without a time left out (--since)" \
	    "$EXP/window-timed.csv" quiet
	run --offline --until 2100-01-01 -f first-ip "$DATA/window.log"
	report_is "select-time: lines without a time left out (--until)" \
	    "$EXP/window-timed.csv" quiet
	run --offline --since 10000d -f first-ip "$DATA/window.log"
	report_is "select-time: --since 10000d takes every timed line" \
	    "$EXP/window-timed.csv" quiet

	# A window nothing falls in: a header, status 0.
	run --offline --since 2030-01-01 -f first-ip "$DATA/window.log"
	[ "$st" = 0 ] && [ "$(cat "$W/out")" = "$HEADER" ]
	check $? "select-time: an empty window is an empty report" \
	    "status $st, $(rows "$W/out") rows: $(errline)"
	run --offline --until 10000d -f first-ip "$DATA/window.log"
	[ "$st" = 0 ] && [ "$(cat "$W/out")" = "$HEADER" ]
	check $? "select-time: --until 10000d: nothing" "status $st"

	# A combined log: offsets in the lines (+0200) are honoured.
	run --offline --since 2024-03-12T09:00:00Z "$DATA/sample.log"
	cat >"$W/want" <<-EOF
	$HEADER
	192.0.2.140,2,284946,2024-03-12T09:20:00Z,2024-03-12T09:20:03Z,documentation,,192.0.2.0/24,Documentation (TEST-NET-1),,,,,,builtin,ok
	203.0.113.7,2,11173,2024-03-12T09:00:00Z,2024-03-12T09:00:01Z,documentation,,203.0.113.0/24,Documentation (TEST-NET-3),,,,,,builtin,ok
	2001:db8:85a3::8a2e:370:7334,1,18231,2024-03-12T09:15:42Z,2024-03-12T09:15:42Z,documentation,,2001:db8::/32,Documentation,,,,,,builtin,ok
	EOF
	report_is "select-time: combined log, --since" "$W/want" quiet

	# -v: the summary still comes; the lines left out (6: two before,
	# two at or after --until, one without a time, and 8.8.8.8's) are
	# neither rejected nor looked up.
	run --offline -v --since $WINDOW_SINCE --until $WINDOW_UNTIL \
	    -f first-ip "$DATA/window.log"
	[ "$st" = 0 ] && summary_has "12 lines read" "1 rejected" "6 outside" \
	    "0 excluded" "3 unique addresses" "3 lookups"
	check $? "select-time: -v summary" "status $st, stderr: $(errline)"
	same "select-time: -v leaves the report alone" "$EXP/window-both.csv" \
	    "$W/out"
}

# Relative times ("24h", "7d") are counted back from now: a log written
# now, with lines hours and days old, far from the edges.
t_select_relative() {
	{
		echo "192.0.2.1 - - [$(clf_ago 7200)] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\""
		echo "192.0.2.2 - - [$(clf_ago 108000)] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\""
		echo "192.0.2.3 - - [$(clf_ago 864000)] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\""
	} >"$W/recent.log"
	while IFS='|' read -r args want; do
		# shellcheck disable=SC2086
		run --offline $args "$W/recent.log"
		got=$(clients "$W/out" | tr '\n' ' ')
		[ "$st" = 0 ] && [ "$got" = "$want" ]
		check $? "select-relative: $args" "status $st, got '$got', want '$want'"
	done <<-'EOF'
	--since 24h|192.0.2.1 
	--since 1d|192.0.2.1 
	--since 7d|192.0.2.1 192.0.2.2 
	--since 1w|192.0.2.1 192.0.2.2 
	--since 30d|192.0.2.1 192.0.2.2 192.0.2.3 
	--until 24h|192.0.2.2 192.0.2.3 
	--since 2d --until 1h|192.0.2.1 192.0.2.2 
	--since 7d --until 24h|192.0.2.2 
	--since 3h --until 1h|192.0.2.1 
	--since 3600s|
	EOF
}

t_select_filter() {
	run --offline --exclude 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,127.0.0.0/8,::1 \
	    "$DATA/sample.log"
	report_is "select-filter: --exclude" "$EXP/select-exclude.csv" quiet
	# The same list in several options, in any order.
	run --offline --exclude ::1/128 --exclude 192.168.0.0/16,127.0.0.1/8 \
	    --exclude=10.0.0.0/8 --exclude 172.16.0.0/12 "$DATA/sample.log"
	report_is "select-filter: --exclude repeated" "$EXP/select-exclude.csv" quiet

	# IPv6 networks and IPv4 in one list.
	run --offline --include 2000::/3,8.8.0.0/16 "$DATA/sample.log"
	report_is "select-filter: --include" "$EXP/select-include.csv" quiet
	run --offline --include 2001:db8:85a3::/48,2a00:1450::/32,8.8.8.8 \
	    "$DATA/sample.log"
	report_is "select-filter: --include IPv6 prefixes, an address" \
	    "$EXP/select-include.csv" quiet

	# --exclude wins inside --include.
	run --offline --include 192.0.2.0/24,198.51.100.0/24,203.0.113.0/24,2001:db8::/32 \
	    --exclude 203.0.113.7,2001:db8:85a3::/48 "$DATA/sample.log"
	report_is "select-filter: --include and --exclude" \
	    "$EXP/select-both.csv" quiet

	# What is left out is never looked up: lookups = rows.
	run --offline -v --exclude 10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,127.0.0.0/8,::1 \
	    "$DATA/sample.log"
	[ "$st" = 0 ] && summary_has "39 lines read" "1 rejected" "0 outside" \
	    "10 excluded" "11 unique addresses" "11 lookups"
	check $? "select-filter: -v: only the addresses kept are looked up" \
	    "status $st, stderr: $(errline)"
	same "select-filter: -v leaves the report alone" \
	    "$EXP/select-exclude.csv" "$W/out"
	run --offline -v --exclude 0.0.0.0/0,::/0 "$DATA/sample.log"
	[ "$st" = 0 ] && [ "$(cat "$W/out")" = "$HEADER" ] &&
	    summary_has "39 lines read" "1 rejected" "38 excluded" \
	    "0 unique addresses" "0 lookups"
	check $? "select-filter: everything excluded: an empty report" \
	    "status $st, stderr: $(errline)"
	run --offline --include 100.64.0.0/10 -j 1 "$DATA/sample.log"
	[ "$st" = 0 ] && [ "$(clients "$W/out")" = 100.64.10.20 ]
	check $? "select-filter: --include one network, -j 1" "status $st"

	# Filters and the window together: each line must pass both.
	run --offline -v --since $WINDOW_SINCE --until $WINDOW_UNTIL \
	    --exclude 192.0.2.0/24 -f first-ip "$DATA/window.log"
	[ "$st" = 0 ] && [ "$(clients "$W/out" | tr '\n' ' ')" = \
	    "198.51.100.7 2001:db8::7 " ] &&
	    summary_has "12 lines read" "1 rejected" "6 outside" "2 excluded" \
	    "2 unique addresses" "2 lookups"
	check $? "select-filter: with a window" "status $st"
}

t_select_xff() {
	run --offline "$DATA/xff.log"
	report_is "select-xff: the peer by default" "$EXP/xff-peer.csv" quiet
	run --offline --client peer "$DATA/xff.log"
	report_is "select-xff: --client peer" "$EXP/xff-peer.csv" quiet

	# No trusted proxy: the right-most entry, whatever it is.
	run --offline --client xff "$DATA/xff.log"
	report_is "select-xff: --client xff" "$EXP/xff-untrusted.csv" quiet
	# Trusted proxies skipped right to left; a peer that is not one of
	# them is the client; garbage and "-" leave the peer; all trusted:
	# the left-most.
	run --offline --client xff --trusted-proxy $PROXIES "$DATA/xff.log"
	report_is "select-xff: --trusted-proxy" "$EXP/xff-trusted.csv" quiet
	run --offline --client=xff --trusted-proxy 10.0.0.0/8 \
	    --trusted-proxy 2001:db8:ffff::/48 -f combined "$DATA/xff.log"
	report_is "select-xff: -f combined, --trusted-proxy twice" \
	    "$EXP/xff-trusted.csv" quiet
	run --offline -v --client xff --trusted-proxy $PROXIES "$DATA/xff.log"
	[ "$st" = 0 ] &&
	    grep -qx "ipwhois: $DATA/xff.log: format combined" "$W/err" &&
	    summary_has "13 lines read" "0 rejected" "0 outside" "0 excluded" \
	    "7 unique addresses" "7 lookups"
	check $? "select-xff: nginx main lines are detected as combined" \
	    "status $st, stderr: $(errline)"

	# Only the proxy itself trusted: what it was told is the client.
	run --offline --client xff --trusted-proxy 10.0.0.1 "$DATA/xff.log"
	[ "$st" = 0 ] && grep -q '^10\.0\.0\.2,1,200,' "$W/out" &&
	    grep -q '^10\.2\.2\.2,1,500,' "$W/out" &&
	    grep -q '^192\.0\.2\.50,1,400,' "$W/out" &&
	    grep -q '^2001:db8:ffff::1,1,900,' "$W/out"
	check $? "select-xff: one trusted address" "status $st"

	# --regex with (?<xff>...).
	run --offline --regex "$XFF_REGEX" --client xff --trusted-proxy $PROXIES \
	    "$DATA/xff-regex.log"
	report_is "select-xff: --regex (?<xff>...)" "$EXP/xff-regex.csv" quiet

	# The client chosen is what --exclude and --include see.
	run --offline --client xff --trusted-proxy $PROXIES --exclude 10.0.0.0/8 \
	    "$DATA/xff.log"
	grep -v '^10\.' "$EXP/xff-trusted.csv" >"$W/want"
	report_is "select-xff: filters apply to the client chosen" "$W/want" quiet
	run --offline -v --client xff --trusted-proxy $PROXIES \
	    --exclude 10.0.0.0/8 "$DATA/xff.log"
	summary_has "13 lines read" "5 excluded" "5 unique addresses" \
	    "5 lookups"
	check $? "select-xff: -v: the lines of the clients left out" \
	    "stderr: $(errline)"

	# Formats without X-Forwarded-For: the peer, reports unchanged, and
	# a note per file (none with -q).  Combined lines may have it.
	run --offline --client xff --trusted-proxy 0.0.0.0/0,::/0 \
	    "$DATA/sample.log"
	report_is "select-xff: combined without it: the peer" \
	    "$EXP/sample.csv" quiet
	for pair in common:common vhost:vhost_combined app:first-ip; do
		name=${pair%%:*}
		run --offline --client xff --trusted-proxy 0.0.0.0/0,::/0 \
		    -f "${pair#*:}" "$DATA/$name.log"
		report_is "select-xff: $name has none: the peer" \
		    "$EXP/$name.csv"
		[ "$(cat "$W/err")" = "ipwhois: $DATA/$name.log: ${pair#*:} lines have no X-Forwarded-For field; their clients are the connecting addresses" ]
		check $? "select-xff: $name has none: one note" \
		    "stderr: $(errline)"
	done
	run --offline -q --client xff "$DATA/common.log"
	report_is "select-xff: -q: no note" "$EXP/common.csv" quiet
	auth_log
	run --offline --client xff "$W/auth.log"
	report_is "select-xff: sshd has none: the peer" "$EXP/auth.csv"
	grep -q "^ipwhois: $W/auth.log: syslog lines have no X-Forwarded-For" \
	    "$W/err"
	check $? "select-xff: sshd has none: a note" "stderr: $(errline)"
	run --offline --regex "$REGEX" --client xff "$DATA/regex.log"
	report_is "select-xff: a --regex without (?<xff>...): the peer" \
	    "$EXP/regex.csv"
	[ "$(cat "$W/err")" = "ipwhois: $DATA/regex.log: --regex (no (?<xff>...) group) lines have no X-Forwarded-For field; their clients are the connecting addresses" ]
	check $? "select-xff: a --regex without (?<xff>...): a note" \
	    "stderr: $(errline)"

	run --offline --trusted-proxy 10.0.0.0/8 "$DATA/xff.log"
	[ "$st" = 2 ] && [ ! -s "$W/out" ]
	check $? "select-xff: --trusted-proxy without --client xff" "status $st"
}

# Hostile X-Forwarded-For values: long lists, commas, quotes.  Each line's
# expected client is in the address; every line counts once.
t_select_xff_hostile() {
	awk 'BEGIN {
		t = "[05/Feb/2024:10:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\""
		# 10,000 commas: no address, the peer.
		s = ""; for (i = 0; i < 10000; i++) s = s ","
		printf "10.0.0.1 - - %s \"%s\"\n", t, s
		# 5,000 trusted hops before the client.
		s = "203.0.113.99"; for (i = 0; i < 5000; i++) s = s ", 10.0.0.5"
		printf "10.0.0.1 - - %s \"%s\"\n", t, s
		# A forged left part is never read.
		s = ""; for (i = 0; i < 3000; i++) s = s "garbage" i ", "
		printf "10.0.0.1 - - %s \"%s203.0.113.98\"\n", t, s
		# Quotes escaped inside the field.
		printf "10.0.0.1 - - %s \"\\\"203.0.113.97\\\"\"\n", t
		printf "10.0.0.1 - - %s \"x\\\", 203.0.113.96\"\n", t
		# Blanks and ports, IPv6 in brackets.
		printf "10.0.0.1 - - %s \"  [2001:db8:9::1]:8443 ,\t10.0.0.7:80  \"\n", t
		# 80 KB of trusted hops, the peer trusted too.
		s = ""; for (i = 0; i < 8000; i++) s = s "10.0.0.9, "
		printf "192.0.2.77 - - %s \"%s203.0.113.95\"\n", t, s
	}' >"$W/hostile.log"
	run --offline --client xff --trusted-proxy 10.0.0.0/8,192.0.2.77 \
	    "$W/hostile.log"
	[ "$st" = 0 ] && [ "$(clients "$W/out" | tr '\n' ' ')" = \
	    "10.0.0.1 2001:db8:9::1 203.0.113.95 203.0.113.96 203.0.113.98 203.0.113.99 " ] &&
	    grep -q '^10\.0\.0\.1,2,' "$W/out"
	check $? "select-xff-hostile: long lists, commas, quotes" \
	    "status $st: $(clients "$W/out" | tr '\n' ' '); $(errline)"
}

TESTS="$TESTS select-time select-relative select-filter select-xff
    select-xff-hostile"
