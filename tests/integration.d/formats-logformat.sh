# --log-format: the format string of the server's configuration, nginx's
# log_format or Apache's LogFormat, compiled into a pattern.  Sourced by
# tests/integration.sh, whose helpers (run, report_is, same, check, rows,
# errline, skip) and variables ($W, $DATA, $EXP, $HEADER, $REALDATA)
# these use.
#
# The documented default formats, compiled, read the fixtures in those
# formats (sample.log: combined, common.log, vhost.log: vhost_combined,
# xff.log: nginx's "main") into the very reports the built-in scanners
# give, byte for byte.
#
# The formats hold '$' names and '%' directives meant for the program:
# shellcheck disable=SC2016

LF_NGINX_COMBINED='$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"'
LF_NGINX_MAIN="$LF_NGINX_COMBINED"' "$http_x_forwarded_for"'
LF_APACHE_COMMON='%h %l %u %t \"%r\" %>s %b'
LF_APACHE_COMBINED='%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-agent}i\"'
LF_APACHE_PLAIN='%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"'
LF_APACHE_VHOST='%v:%p %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" \"%{User-Agent}i\"'
LF_APACHE_XFF="$LF_APACHE_COMBINED"' \"%{X-Forwarded-For}i\"'
LF_PROXIES=10.0.0.0/8,2001:db8:ffff::/48

t_logformat_defaults() {
	for spec in "$LF_NGINX_COMBINED" "$LF_APACHE_COMBINED" \
	    "$LF_APACHE_PLAIN"; do
		run --offline --log-format "$spec" "$DATA/sample.log"
		report_is "logformat-defaults: sample.log, $spec" \
		    "$EXP/sample.csv" quiet
	done
	run --offline --log-format "$LF_APACHE_COMMON" "$DATA/common.log"
	report_is "logformat-defaults: common.log, Apache common" \
	    "$EXP/common.csv" quiet
	run --offline --log-format "$LF_NGINX_MAIN" "$DATA/xff.log"
	report_is "logformat-defaults: xff.log, nginx main" \
	    "$EXP/xff-peer.csv" quiet

	# vhost.log's last line has no port after its host: not in Apache's
	# vhost_combined, which -f vhost_combined reads anyway.  The others
	# read the same; that one is rejected (a file of which no line is
	# read says so, with status 1).
	grep -v '^shop\.example\.org ' "$DATA/vhost.log" >"$W/vhost-port.log"
	run --offline -f vhost_combined "$W/vhost-port.log"
	mv "$W/out" "$W/vhost-port.csv"
	run --offline --log-format "$LF_APACHE_VHOST" "$W/vhost-port.log"
	[ "$(rows "$W/vhost-port.csv")" -eq 4 ]
	check $? "logformat-defaults: vhost.log, -f vhost_combined" \
	    "$(rows "$W/vhost-port.csv") rows"
	report_is "logformat-defaults: vhost.log, Apache vhost_combined" \
	    "$W/vhost-port.csv" quiet
	grep '^shop\.example\.org ' "$DATA/vhost.log" >"$W/vhost-noport.log"
	run --offline --log-format "$LF_APACHE_VHOST" "$W/vhost-noport.log"
	[ "$st" = 1 ] && [ "$(cat "$W/out")" = "$HEADER" ] &&
	    grep -q "vhost-noport.log: none of its 1 lines could be read" \
	    "$W/err"
	check $? "logformat-defaults: vhost.log, no port: not read" \
	    "status $st, $(rows "$W/out") rows, stderr: $(errline)"
}

# --client xff: the X-Forwarded-For variable is the xff group.
t_logformat_xff() {
	run --offline --client xff --log-format "$LF_NGINX_MAIN" \
	    "$DATA/xff.log"
	report_is "logformat-xff: nginx main, --client xff" \
	    "$EXP/xff-untrusted.csv" quiet
	for spec in "$LF_NGINX_MAIN" "$LF_APACHE_XFF"; do
		run --offline --client xff --trusted-proxy $LF_PROXIES \
		    --log-format "$spec" "$DATA/xff.log"
		report_is "logformat-xff: $spec, --trusted-proxy" \
		    "$EXP/xff-trusted.csv" quiet
	done
}

# Apache's %{format}t: a time group when the program reads the format,
# none otherwise.
t_logformat_time() {
	printf '%s\n' \
	    '192.0.2.1 2024-03-12 06:25:11 "GET / HTTP/1.1" 200 100' \
	    '192.0.2.1 2024-03-12 06:26:00 "GET /a HTTP/1.1" 200 200' \
	    >"$W/iso.log"
	run --offline --log-format '%h %{%Y-%m-%d %H:%M:%S}t \"%r\" %>s %b' \
	    "$W/iso.log"
	cat >"$W/want" <<-EOF
	$HEADER
	192.0.2.1,2,300,2024-03-12T06:25:11Z,2024-03-12T06:26:00Z,documentation,,192.0.2.0/24,Documentation (TEST-NET-1),,,,,,builtin,ok
	EOF
	report_is "logformat-time: %{%Y-%m-%d %H:%M:%S}t read" "$W/want" quiet

	printf '%s\n' \
	    '192.0.2.1 [12/03/2024 06:25] "GET / HTTP/1.1" 200 100' \
	    '192.0.2.1 [12/03/2024 06:26] "GET /a HTTP/1.1" 200 200' \
	    >"$W/dmy.log"
	run --offline --log-format '%h [%{%d/%m/%Y %H:%M}t] \"%r\" %>s %b' \
	    "$W/dmy.log"
	cat >"$W/want" <<-EOF
	$HEADER
	192.0.2.1,2,300,,,documentation,,192.0.2.0/24,Documentation (TEST-NET-1),,,,,,builtin,ok
	EOF
	report_is "logformat-time: %{%d/%m/%Y %H:%M}t matched, not read" \
	    "$W/want" quiet
}

# -v shows the pattern, on one line; without it, nothing is said.
t_logformat_verbose() {
	run --offline -v --log-format "$LF_APACHE_COMMON" "$DATA/common.log"
	want='ipwhois: --log-format: ^(?>(?<ip>\S*)(?= |$))(?:(?> .*?(?= |$))(?:(?> .*?(?= \[|$))(?:(?> \[(?<time>\d{2}/[A-Za-z]{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\](?= |$))(?:(?> "[^"\\]*(?:\\.[^"\\]*)*(?="|$))(?:(?>" (?:-|[\d.]*)(?= |$))(?:(?> (?<bytes>(?:-|[\d.]*))))?)?)?)?)?)?'
	[ "$st" = 0 ] && grep -qxF -- "$want" "$W/err" &&
	    [ "$(grep -c -- '--log-format' "$W/err")" = 1 ]
	check $? "logformat-verbose: -v shows the pattern" \
	    "status $st, stderr: $(errline)"
	same "logformat-verbose: -v leaves the report alone" \
	    "$EXP/common.csv" "$W/out"
}

# The real Apache log, where it is: the same report as -f combined.
t_logformat_realdata() {
	f=$REALDATA/logs/elastic_apache_logs.log
	if [ ! -f "$f" ]; then
		skip "logformat-realdata ($f not found)"
		return
	fi
	run --offline -f combined "$f"
	mv "$W/out" "$W/elastic.csv"
	[ "$(rows "$W/elastic.csv")" -eq 1753 ]
	check $? "logformat-realdata: -f combined, 1753 rows" \
	    "$(rows "$W/elastic.csv") rows"
	for spec in "$LF_APACHE_COMBINED" "$LF_NGINX_COMBINED"; do
		run --offline --log-format "$spec" "$f"
		report_is "logformat-realdata: $spec" "$W/elastic.csv" quiet
	done
}

# Usage errors: status 2, nothing read, the variable named.
t_logformat_usage() {
	while IFS='|' read -r spec msg; do
		run --offline --log-format "$spec" "$DATA/sample.log" </dev/null
		[ "$st" = 2 ] && [ ! -s "$W/out" ] &&
		    [ "$(sed -n 1p "$W/err")" = "ipwhois: --log-format: $msg" ] &&
		    [ "$(sed -n 2p "$W/err")" = "Try 'ipwhois --help' for more information." ]
		check $? "logformat-usage: $spec" "status $st, stderr: $(errline)"
	done <<-'EOF'
	%h %l %u %t \"%r\" %>s %Z|%Z: not an Apache LogFormat directive
	%h \"%{Referer i\"|%{Referer: no closing '}'
	%h %b %|'%' at the end names no directive
	%l %u %t \"%r\" %>s %b|no client address in the format: it needs %a, %h or %{c}a
	$remote_user [$time_local] "$request"|no client address in the format: it needs $remote_addr, $proxy_protocol_addr or $realip_remote_addr
	$binary_remote_addr - [$time_local]|$binary_remote_addr: the address in binary cannot be read from a text log; log $remote_addr
	$remote_addr ${time_local|${time_local: no closing '}'
	access log|no variable in the format: nginx names the client $remote_addr, Apache %h or %a
	EOF

	run --offline --log-format "$LF_APACHE_COMMON" --regex '(?<ip>\S+)' \
	    "$DATA/sample.log"
	[ "$st" = 2 ] && [ ! -s "$W/out" ] &&
	    [ "$(sed -n 1p "$W/err")" = "ipwhois: --regex and --log-format: give one" ]
	check $? "logformat-usage: with --regex" "status $st, stderr: $(errline)"
}

TESTS="$TESTS logformat-defaults logformat-xff logformat-time
    logformat-verbose logformat-realdata logformat-usage"
