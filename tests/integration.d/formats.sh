# Formats: what a run says when no format reads a file, or reads it
# suspiciously; the per-line fallback in auto-detected files.  Sourced
# by tests/integration.sh, whose helpers and variables these use.

t_formats_unreadable() {
	# -f sshd on an access log: not one line read; said without -v,
	# with an example, and the run exits 1.
	run --offline -f sshd "$DATA/common.log"
	[ "$st" = 1 ] && [ "$(cat "$W/out")" = "$HEADER" ] &&
	    [ "$(cat "$W/err")" = "ipwhois: $DATA/common.log: none of its 7 lines could be read as sshd, e.g.: 192.0.2.10 - - [10/Oct/2023:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 2326" ]
	check $? "formats-unreadable: -f sshd on an access log: exit 1, said" \
	    "status $st, stderr: $(errline)"
	# The other files are read as usual.
	run --offline -f sshd "$DATA/common.log" "$DATA/auth.log"
	[ "$st" = 1 ] && [ "$(rows "$W/out")" -gt 0 ]
	check $? "formats-unreadable: the other files still counted" \
	    "status $st, $(rows "$W/out") rows"
	# An empty file, or one of comments, is not a file no line of which
	# could be read, and draws no guess.
	printf '# nothing yet\n\n' >"$W/comments.log"
	run --offline "$W/comments.log"
	[ "$st" = 0 ] && stderr_empty && [ "$(cat "$W/out")" = "$HEADER" ]
	check $? "formats-unreadable: a file of comments: quiet" \
	    "status $st, stderr: $(errline)"
}

t_formats_guessed() {
	# No known format, and one address on nearly every line: the
	# server's own, most likely.
	i=0
	: >"$W/own.log"
	while [ $i -lt 30 ]; do
		echo "srv 198.51.100.7 handled request $i for 192.0.2.$((i % 3 + 1))" >>"$W/own.log"
		i=$((i + 1))
	done
	run --offline "$W/own.log"
	[ "$st" = 0 ] && [ "$(sed -n 1p "$W/err")" = "$(guessed "$W/own.log")" ] &&
	    [ "$(sed -n 2p "$W/err")" = "ipwhois: $W/own.log: 198.51.100.7 is on 30 of the 30 lines read (-f first-ip); it is usually the server's own address: name the format with -f, --log-format or --regex" ] &&
	    [ "$(wc -l <"$W/err")" = 2 ]
	check $? "formats-guessed: one address on every line: a warning" \
	    "status $st, stderr: $(errline)"
	# Named on purpose: no warning.
	run --offline -f first-ip "$W/own.log"
	[ "$st" = 0 ] && stderr_empty
	check $? "formats-guessed: -f first-ip: quiet" "stderr: $(errline)"
}

t_formats_fallback() {
	# A combined log with vhost_combined lines in it: every line read in
	# auto-detection; -f combined reads only its own.
	{
		cat "$DATA/sample.log"
		echo 'www.example.com:443 192.0.2.201 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 5 "-" "-"'
		echo 'www.example.com 192.0.2.202 - - [17/May/2015:10:05:04 +0000] "GET / HTTP/1.1" 200 7 "-" "-"'
	} >"$W/mixed.log"
	run --offline "$W/mixed.log"
	[ "$st" = 0 ] && grep -q '^192\.0\.2\.201,1,5,' "$W/out" &&
	    grep -q '^192\.0\.2\.202,1,7,' "$W/out" &&
	    [ "$(rows "$W/out")" = 18 ]
	check $? "formats-fallback: vhost lines in a combined log: read" \
	    "status $st, $(rows "$W/out") rows, stderr: $(errline)"
	run --offline -f combined "$W/mixed.log"
	[ "$st" = 0 ] && [ "$(rows "$W/out")" = 16 ]
	check $? "formats-fallback: -f combined: only its own lines" \
	    "status $st, $(rows "$W/out") rows"
}

TESTS="$TESTS formats-unreadable formats-guessed formats-fallback"

# Every edge-case log of the real-data folder, auto-detected: the clients
# and their hits, checked by hand against each file (XFF lists in the
# client field give the peer nginx appended; a virtual host may be an
# address; IIS's s-ip, HAProxy's "-:port" and sshd's listening address
# are nobody).  The fail2ban corpora are checked line by line by the unit
# tests; nginx-botsearch's here, errors through the journal included.
t_formats_realdata() {
	E=$REALDATA/logs
	if [ ! -d "$E/edge" ]; then
		skip "formats-realdata ($REALDATA not found)"
		return
	fi
	while IFS='|' read -r f want; do
		case $f in
		fail2ban_*) path=$E/$f ;;
		*) path=$E/edge/$f ;;
		esac
		run --offline "$path"
		got=$(tail -n +2 "$W/out" | cut -d, -f1,2 | tr '\n' ' ' |
		    sed 's/ $//')
		[ "$st" = 0 ] && [ "$got" = "$want" ]
		check $? "formats-realdata: $f" "status $st, got: $got"
	done <<-EOF
	beats_apache_access_test.log|::1,2 123.123.123.123,1 127.0.0.1,1 172.17.0.1,1 192.168.33.1,1
	beats_apache_access_vhost.log|123.123.123.123,1
	beats_haproxy_default.log|1.128.3.4,1
	beats_haproxy_httplog.log|1.2.3.4,1
	beats_haproxy_tcplog.log|127.0.0.1,1
	beats_iis_access_7.5.log|10.0.140.2,2 2001:cdba::3257:9652,1
	beats_iis_access_ipv6zone.log|::1,1
	beats_iis_access_multi_header.log|10.50.6.188,2 81.2.69.143,2 127.0.0.1,1
	beats_nginx_access.log|77.179.66.156,8 127.0.0.1,4 192.168.0.1,1
	beats_nginx_access_with_host.log|81.2.69.143,2 127.0.0.1,2 10.2.1.185,1 10.2.2.121,1 172.17.0.1,1
	beats_nginx_access_xff_test.log|85.181.35.98,2 127.0.0.1,2 10.2.1.185,1 10.2.2.121,1 172.17.0.1,1
	beats_nginx_ingress_controller.log|192.168.64.1,23 192.168.64.14,3 2a02:cf40::4e36,2 2a02:cf40::,1
	beats_system_auth_test.log|10.0.2.2,2 2.125.160.217,1 192.168.33.1,1 216.160.83.57,1
	fail2ban_nginx-botsearch_annotated.log|5.7.9.2,6 12.34.56.78,6 2.5.2.5,1 7.8.9.10,1
	EOF
}

TESTS="$TESTS formats-realdata"

# File names from a glob may hold anything: messages escape them.
t_formats_names() {
	esc=$(printf '\033')
	bad="$W/$(printf 'evil\033]0;owned\007')"
	run --offline "$bad.log" "$DATA/common.log"
	[ "$st" = 2 ] && grep -qF "ipwhois: $W/evil\\x1b]0;owned\\x07.log: No such file or directory" "$W/err" &&
	    ! grep -q "$esc" "$W/err"
	check $? "formats-names: a missing file's name escaped" \
	    "status $st, stderr: $(errline)"
	echo "no address here" >"$bad.log"
	run --offline -f combined "$bad.log"
	[ "$st" = 1 ] && grep -qF "ipwhois: $W/evil\\x1b]0;owned\\x07.log: none of its 1 lines could be read as combined" "$W/err" &&
	    ! grep -q "$esc" "$W/err"
	check $? "formats-names: an unreadable file's name escaped" \
	    "status $st, stderr: $(errline)"
	rm -f "$bad.log"
}

TESTS="$TESTS formats-names"
