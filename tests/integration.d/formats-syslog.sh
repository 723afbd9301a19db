# Syslog and the daemons that name their peers (-f syslog, -f sshd), and
# HAProxy (-f haproxy).  Sourced by tests/integration.sh, whose helpers
# (run, report_is, same, check, clients, rows, skip) and variables ($W,
# $DATA, $EXP, $HEADER, $REALDATA) these use.
#
# Fixtures, written after each daemon's documented messages, with decoys
# in the words the client chose (user names, HELO, version strings) and
# the local side of each connection, all in 192.0.2.0/24, which no
# expected report holds:
#   mail.log     Postfix postscreen and smtpd, Dovecot; other Postfix
#                programs (smtp, qmgr, cleanup) name no client
#   ftp.log      vsftpd and ProFTPD
#   haproxy.log  httplog, tcplog, the default format and clf, a bare IPv6
#                client, "-" for a client, the syslog host an address
# Syslog has no year: each is copied with a modification time of
# 2024-12-31 12:00 UTC, as tests/integration.sh does auth.log.

# syslog_copy NAME: $DATA/NAME.log into $W with its year reference.
syslog_copy() {
	cp "$DATA/$1.log" "$W/$1.log"
	touch -d "2024-12-31 12:00 UTC" "$W/$1.log"
}

t_formats_syslog() {
	for pair in mail:syslog ftp:syslog haproxy:haproxy; do
		name=${pair%%:*}
		fmt=${pair#*:}
		syslog_copy "$name"
		run --offline "$W/$name.log"
		report_is "formats-syslog: $name (auto)" "$EXP/$name.csv" quiet
		run --offline -f "$fmt" "$W/$name.log"
		report_is "formats-syslog: $name (-f $fmt)" "$EXP/$name.csv" quiet
		run --offline -v "$W/$name.log"
		grep -qx "ipwhois: $W/$name.log: format $fmt" "$W/err"
		check $? "formats-syslog: $name detected as $fmt" \
		    "stderr: $(errline)"
	done

	# HAProxy's lines are syslog's too, and other daemons' are no
	# HAProxy's: the same reports either way.
	run --offline -f syslog "$W/haproxy.log"
	report_is "formats-syslog: haproxy (-f syslog)" "$EXP/haproxy.csv" quiet
	run --offline -f haproxy "$W/mail.log"
	[ "$st" = 0 ] && [ "$(cat "$W/out")" = "$HEADER" ] && stderr_empty
	check $? "formats-syslog: mail (-f haproxy): no client" \
	    "status $st: $(clients "$W/out" | tr '\n' ' '); $(errline)"
	run --offline -f sshd "$W/ftp.log"
	[ "$st" = 0 ] && [ "$(cat "$W/out")" = "$HEADER" ] && stderr_empty
	check $? "formats-syslog: ftp (-f sshd): no client" \
	    "status $st: $(clients "$W/out" | tr '\n' ' '); $(errline)"

	# One syslog with every daemon in it: read as syslog, each line by
	# its daemon, the counts those of the files apart.
	auth_log
	cat "$W/auth.log" "$W/mail.log" "$W/ftp.log" "$W/haproxy.log" \
	    >"$W/all.log"
	touch -d "2024-12-31 12:00 UTC" "$W/all.log"
	run --offline -v "$W/all.log"
	for f in auth mail ftp haproxy; do
		tail -n +2 "$EXP/$f.csv"
	done | sort >"$W/want"
	tail -n +2 "$W/out" | sort >"$W/got"
	[ "$st" = 0 ] && grep -qx "ipwhois: $W/all.log: format syslog" \
	    "$W/err"
	check $? "formats-syslog: all daemons in one file: syslog" \
	    "status $st, stderr: $(errline)"
	same "formats-syslog: all daemons in one file: the same rows" \
	    "$W/want" "$W/got"

	# HAProxy logging raw ("log stdout format raw"): its httplog and
	# tcplog lines without a syslog header.
	sed -n 's/^.* haproxy\[[0-9]*\]: //p' "$W/haproxy.log" >"$W/raw.log"
	run --offline -f haproxy "$W/raw.log"
	[ "$st" = 0 ] && [ "$(clients "$W/out" | tr '\n' ' ')" = \
	    "198.51.100.50 2001:db8:7::1 203.0.113.51 203.0.113.52 " ] &&
	    grep -q '^198\.51\.100\.50,3,5540,2024-12-30T14:00:59Z,2024-12-31T08:59:59Z,' \
	    "$W/out"
	check $? "formats-syslog: haproxy raw (-f haproxy)" \
	    "status $st: $(clients "$W/out" | tr '\n' ' '); $(errline)"
	run --offline -v "$W/raw.log"
	grep -qx "ipwhois: $W/raw.log: format haproxy" "$W/err"
	check $? "formats-syslog: haproxy raw detected" "stderr: $(errline)"
}

# has_rows FILE ADDR...: each ADDR has a row.  no_rows FILE ADDR...: none.
has_rows() {
	f=$1
	shift
	for a in "$@"; do
		grep -q "^$a," "$f" || return 1
	done
}

no_rows() {
	f=$1
	shift
	for a in "$@"; do
		grep -q "^$a," "$f" && return 1
	done
	return 0
}

t_formats_syslog_realdata() {
	L=$REALDATA/logs
	if [ ! -d "$L" ]; then
		skip "formats-syslog-realdata ($REALDATA not found)"
		return
	fi

	# fail2ban's sshd corpus: the peers, never the addresses in user
	# names (10.10.1.x), after "via" or "on" (the server's own).
	run --offline -v "$L/fail2ban_sshd_annotated.log"
	[ "$st" = 0 ] && [ "$(rows "$W/out")" -eq 62 ] &&
	    grep -qx "ipwhois: $L/fail2ban_sshd_annotated.log: format syslog" \
	    "$W/err" &&
	    has_rows "$W/out" 127.0.0.1 192.0.2.11 69.61.56.115 192.30.0.6 \
	    2606:2800:220:1:248:1893:25c8:1946 aaaa:bbbb:cccc:1234::1:1 &&
	    no_rows "$W/out" 10.10.1.1 10.10.1.2 192.0.2.8 192.168.1.201 \
	    192.168.1.9
	check $? "formats-syslog-realdata: fail2ban sshd corpus" \
	    "status $st, $(rows "$W/out") rows, stderr: $(errline)"

	# An internet-facing host's auth.log: 204 dotted quads, all clients
	# but the listening 0.0.0.0 and the host's own address.
	run --offline "$L/elastic_suspicious_login_auth.log"
	[ "$st" = 0 ] && [ "$(rows "$W/out")" -eq 202 ] &&
	    no_rows "$W/out" 0.0.0.0 10.77.20.248 ::
	check $? "formats-syslog-realdata: elastic auth.log: 202 clients" \
	    "status $st, $(rows "$W/out") rows"

	run --offline "$L/edge/beats_system_auth_test.log"
	[ "$st" = 0 ] && [ "$(clients "$W/out" | tr '\n' ' ')" = \
	    "10.0.2.2 192.168.33.1 2.125.160.217 216.160.83.57 " ] &&
	    grep -q '^10\.0\.2\.2,2,' "$W/out"
	check $? "formats-syslog-realdata: Beats auth.log, no fingerprint" \
	    "status $st: $(clients "$W/out" | tr '\n' ' ')"

	for c in httplog:'1\.2\.3\.4,1,168,2018-07-30T09:03:52Z,' \
	    tcplog:'127\.0\.0\.1,1,212,2018-09-20T15:44:23Z,' \
	    default:'1\.128\.3\.4,1,,'; do
		f=beats_haproxy_${c%%:*}.log
		run --offline -v "$L/edge/$f"
		[ "$st" = 0 ] && [ "$(rows "$W/out")" -eq 1 ] &&
		    grep -q "^${c#*:}" "$W/out" &&
		    grep -qx "ipwhois: $L/edge/$f: format haproxy" "$W/err"
		check $? "formats-syslog-realdata: $f" \
		    "status $st: $(sed -n 2p "$W/out"); $(errline)"
	done
}

TESTS="$TESTS formats-syslog formats-syslog-realdata"
