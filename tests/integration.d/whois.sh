# Whois answers read by their content: one server (--whois-server) that
# answers every registry's space in RPSL, or each registry in its own
# dialect; a block transferred between registries; another registry's
# answer for a block IANA's table gives to ARIN.  Sourced by
# tests/integration.sh, whose helpers (run, check, same, fail, served,
# unserve) and variables ($W, $DATA, $HEADER, $SRV) these use.
#
# The answers are written by tests/data/whois/nets.awk into a fixture
# directory of the loopback test server's: 150 networks, 30 in each
# registry's space, and a log of 1000 addresses in them.

# whois_serve DIR [FAULT...]: a fresh test server on the fixtures in DIR.
whois_serve() {
	unserve
	rm -f "$W/srv.ports" "$W/srv.counts"
	dir=$1
	shift
	set -- $(for f in "$@"; do printf -- '--fault %s ' "$f"; done)
	"$TESTSERVER" -d "$dir" -p "$W/srv.ports" -c "$W/srv.counts" \
	    -t 300 "$@" 2>"$W/srv.err" &
	SRV=$!
	BG="$BG $SRV"
	n=0
	while [ ! -s "$W/srv.ports" ] && [ $n -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	read -r line <"$W/srv.ports"
	WHOIS=${line##*whois=}
}

# whois_nets MODE: the fixtures in $W/wn-MODE, the log $W/wn.log, the
# rows wanted $W/wn-MODE.want.
whois_nets() {
	rm -rf "$W/wn-$1"
	mkdir -p "$W/wn-$1/whois"
	awk -v mode="$1" -v dir="$W/wn-$1" -v logf="$W/wn.log" \
	    -v want="$W/wn-$1.want" -f "$DATA/whois/nets.awk"
}

# The columns the answers decide, sorted, without the header.
whois_rows() {
	cut -d, -f1,7,8,9,10,11,14,16 "$W/out" | grep -v '^ip,' | sort
}

whois_dialects() {
	mode=$1
	whois_nets "$mode"
	whois_serve "$W/wn-$mode"
	run --protocol whois --whois-server "127.0.0.1:$WHOIS" --no-cache \
	    --rate 1000 -j 4 "$W/wn.log"
	[ "$st" = 0 ] && ! [ -s "$W/err" ]
	check $? "whois-$mode: exit 0, nothing on stderr" \
	    "status $st, stderr: $(errline)"
	whois_rows >"$W/got"
	same "whois-$mode: 1000 addresses, every row right" \
	    "$W/wn-$mode.want" "$W/got"
	q=$(served whois_requests)
	[ "$q" -ge 150 ] && [ "$q" -le 165 ]
	check $? "whois-$mode: 150 networks, $q queries (at most 165)" \
	    "$q queries"
	unserve
}

t_whois_rpsl() {
	whois_dialects rpsl
}

t_whois_native() {
	whois_dialects native
}

# ARIN's record says the block went to the RIPE NCC: asked again once,
# in RIPE's form, on the same server; the neighbour asks nothing.
t_whois_transfer() {
	rm -rf "$W/wt"
	mkdir -p "$W/wt/whois"
	cat >"$W/wt/whois/45.11.8.0_22.txt" <<-'EOF2'
	% This is the RIPE Database query service.

	% Abuse contact for '45.11.8.0 - 45.11.11.255' is 'abuse@moved.example'

	inetnum:        45.11.8.0 - 45.11.11.255
	netname:        EXAMPLE-MOVED-NET
	country:        DE
	org:            ORG-EM1-RIPE
	status:         ALLOCATED PA
	source:         RIPE

	organisation:   ORG-EM1-RIPE
	org-name:       Example Moved Hosting GmbH
	source:         RIPE
	EOF2
	whois_serve "$W/wt" whois-transfer:45.11.8.0/22:RIPE
	moved_log
	run --protocol whois --whois-server "127.0.0.1:$WHOIS" --no-cache \
	    --rate 1000 -j 2 "$W/moved.log"
	moved_want whois
	report_is "whois-transfer: the new holder's answer" "$W/want" quiet
	# Either address may be the one asked (the workers race for it): one
	# query in ARIN's form, one in RIPE's, none more.
	q=$(served whois_requests)
	arin=$(grep -c '^query n + 45\.11\.' "$W/srv.counts")
	ripe=$(grep -c '^query -r 45\.11\.' "$W/srv.counts")
	[ "$q" = 2 ] && [ "$arin" = 1 ] && [ "$ripe" = 1 ]
	check $? "whois-transfer: 2 queries, ARIN's form then RIPE's" \
	    "$q queries; $(grep '^query' "$W/srv.counts" | tr '\n' '|')"
	unserve
}

# AFRINIC's answer for an address in 66.0.0.0/8 (ARIN's in IANA's
# table): read as the RPSL it is, its registry the one it names.
t_whois_afrinic_in_arin() {
	rm -rf "$W/wa"
	mkdir -p "$W/wa/whois"
	cat >"$W/wa/whois/66.18.64.0_20.txt" <<-'EOF2'
	% This is the AfriNIC Whois server.

	% Information related to '66.18.64.0 - 66.18.79.255'

	% No abuse contact registered for 66.18.64.0 - 66.18.79.255

	inetnum:        66.18.64.0 - 66.18.79.255
	netname:        EXAMPLE-AF-66
	descr:          Example Telecom Africa
	country:        ZA
	org:            ORG-ETA1-AFRINIC
	status:         ASSIGNED PA
	source:         AFRINIC # Filtered

	organisation:   ORG-ETA1-AFRINIC
	org-name:       Example Telecom Africa (Pty) Ltd
	source:         AFRINIC # Filtered
	EOF2
	whois_serve "$W/wa"
	printf '66.18.70.1 - - [10/Oct/2025:13:55:36 +0000] "GET / HTTP/1.1" 200 7\n' \
	    >"$W/af.log"
	run --protocol whois --whois-server "127.0.0.1:$WHOIS" --no-cache \
	    --rate 1000 "$W/af.log"
	cat >"$W/want" <<-EOF2
	$HEADER
	66.18.70.1,1,7,2025-10-10T13:55:36Z,2025-10-10T13:55:36Z,public,AFRINIC,66.18.64.0/20,EXAMPLE-AF-66,Example Telecom Africa (Pty) Ltd,ZA,,,,whois,ok
	EOF2
	report_is "whois-afrinic-in-arin: read as RPSL, registry AFRINIC" \
	    "$W/want" quiet
	v=$(served "query n + 66.18.70.1")
	[ "$v" = 1 ] && [ "$(served whois_requests)" = 1 ]
	check $? "whois-afrinic-in-arin: one query" "got $v"
	unserve
}

# With --whois-server, RIPE's placeholder for space it does not manage
# is no answer: not found, after one query (no other registry's form is
# tried on a server that has just said it knows nothing).
t_whois_placeholder() {
	rm -rf "$W/wp"
	mkdir -p "$W/wp/whois"
	cat >"$W/wp/whois/6.0.0.0_7.txt" <<-'EOF2'
	% This is the RIPE Database query service.

	% Information related to '6.0.0.0 - 7.255.255.255'

	inetnum:        6.0.0.0 - 7.255.255.255
	netname:        NON-RIPE-NCC-MANAGED-ADDRESS-BLOCK
	descr:          IPv4 address block not managed by the RIPE NCC
	remarks:        You can consult the following sources:
	remarks:        AFRINIC, APNIC, ARIN, LACNIC
	source:         RIPE

	% This query was served by the RIPE Database Query Service
	EOF2
	whois_serve "$W/wp"
	printf '6.1.2.3 - - [10/Oct/2025:13:55:36 +0000] "GET / HTTP/1.1" 200 7\n' \
	    >"$W/ph.log"
	run --protocol whois --whois-server "127.0.0.1:$WHOIS" --no-cache \
	    --rate 1000 "$W/ph.log"
	cut -d, -f1,7,8,9,15,16 "$W/out" >"$W/got"
	printf 'ip,registry,network,net_name,source,status\n6.1.2.3,ARIN,,,whois,not-found\n' \
	    >"$W/want"
	[ "$st" = 1 ] && ! [ -s "$W/err" ]
	check $? "whois-placeholder: exit 1, nothing on stderr" \
	    "status $st, stderr: $(errline)"
	same "whois-placeholder: not found, not an answer" "$W/want" "$W/got"
	v=$(served whois_requests)
	[ "$v" = 1 ]
	check $? "whois-placeholder: one query" "got $v"
	unserve
}

TESTS="$TESTS whois-rpsl whois-native whois-transfer whois-afrinic-in-arin
    whois-placeholder"
