# What an answer says of its network, and where it came from: the
# source column the same for every -j, the network's type (net_type),
# --exact asking inside allocations and not inside assignments, and a
# version 1 cache upgraded in place.  Sourced by tests/integration.sh,
# whose helpers (run, check, same, fail, skip, served, unserve,
# errline) and variables ($W, $DATA, $SRV, $BG) these use.
#
# Fixtures: tests/data/nettype, served by the loopback test server:
# 77.0.0.0/12 ALLOCATED PA holding the customer's 77.1.0.0/16 ASSIGNED
# PA; 81.0.0.0/16 ASSIGNED PI; 62.0.0.0/16 LEGACY (an unknown type);
# 23.0.0.0/12 DIRECT ALLOCATION holding 23.1.0.0/24 REASSIGNMENT (in
# whois: ARIN's NetType, RPSL's status for 77.x).

TESTS="$TESTS nettype-source nettype-exact nettype-whois nettype-cache-v1"

# serve_nettype: the test server with this file's fixtures; $RDAP and
# $WHOIS as serve() sets them.
serve_nettype() {
	unserve
	rm -f "$W/srv.ports" "$W/srv.counts"
	"$TESTSERVER" -d "$DATA/nettype" -p "$W/srv.ports" \
	    -c "$W/srv.counts" -t 300 2>"$W/srv.err" &
	SRV=$!
	BG="$BG $SRV"
	n=0
	while [ ! -s "$W/srv.ports" ] && [ $n -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	read -r line <"$W/srv.ports"
	HTTP=${line#http=}
	HTTP=${HTTP%% *}
	WHOIS=${line##*whois=}
	RDAP="--rdap-url http://127.0.0.1:$HTTP/"
}

# nettype.log: one line per address, in this order (-j 1 asks in it):
# the customer's block first, then the allocation around it, then the
# assignment, the legacy block, ARIN's pair and a private address.
nettype_log() {
	i=0
	for a in 77.1.2.3 77.1.9.9 77.5.0.1 77.6.0.1 77.7.0.1 81.0.1.1 \
	    81.0.2.2 81.0.3.3 62.0.1.1 62.0.2.2 23.1.0.9 23.2.0.1 23.3.0.1 \
	    10.0.0.1; do
		i=$((i + 1))
		printf '%s - - [10/Oct/2025:13:55:%02d +0000] "GET / HTTP/1.1" 200 10\n' \
		    "$a" "$i"
	done >"$W/nettype.log"
}

NT_FIELDS=ip,network,org,net_type,source,status

# The report of nettype.log, every address answered by this run's RDAP.
nettype_want() {
	cat >"$W/nt-want" <<-EOF
	$NT_FIELDS
	10.0.0.1,10.0.0.0/8,,,builtin,ok
	23.1.0.9,23.1.0.0/24,Example Shop LLC,REASSIGNMENT,$1,ok
	23.2.0.1,23.0.0.0/12,Example ISP Inc.,DIRECT ALLOCATION,$1,ok
	23.3.0.1,23.0.0.0/12,Example ISP Inc.,DIRECT ALLOCATION,$1,ok
	62.0.1.1,62.0.0.0/16,Example Legacy Ltd,LEGACY,$1,ok
	62.0.2.2,62.0.0.0/16,Example Legacy Ltd,LEGACY,$1,ok
	77.1.2.3,77.1.0.0/16,Example Customer GmbH,ASSIGNED PA,$1,ok
	77.1.9.9,77.1.0.0/16,Example Customer GmbH,ASSIGNED PA,$1,ok
	77.5.0.1,77.0.0.0/12,Example LIR B.V.,ALLOCATED PA,$1,ok
	77.6.0.1,77.0.0.0/12,Example LIR B.V.,ALLOCATED PA,$1,ok
	77.7.0.1,77.0.0.0/12,Example LIR B.V.,ALLOCATED PA,$1,ok
	81.0.1.1,81.0.0.0/16,Example Enterprise S.A.,ASSIGNED PI,$1,ok
	81.0.2.2,81.0.0.0/16,Example Enterprise S.A.,ASSIGNED PI,$1,ok
	81.0.3.3,81.0.0.0/16,Example Enterprise S.A.,ASSIGNED PI,$1,ok
	EOF
}

# The source column: rdap for every address a registry's answer of this
# run covers, asked or not, the same for -j 1 and -j 12; on a second run
# from the cache, cache for every one; --by network, one source a group.
t_nettype_source() {
	serve_nettype
	nettype_log
	nettype_want rdap
	rm -rf "$W/nt-cache"
	# shellcheck disable=SC2086
	run $RDAP --cache "$W/nt-cache/cache.db" --rate 1000 -j 1 --exact \
	    --fields "$NT_FIELDS" "$W/nettype.log"
	[ "$st" = 0 ] && stderr_empty
	check $? "nettype-source: -j 1: exit 0, nothing on stderr" \
	    "status $st, stderr: $(errline)"
	same "nettype-source: -j 1: rdap for the asked and their neighbours" \
	    "$W/nt-want" "$W/out"
	for j in 12 3; do
		# shellcheck disable=SC2086
		run $RDAP --no-cache --rate 1000 -j $j --exact \
		    --fields "$NT_FIELDS" "$W/nettype.log"
		same "nettype-source: -j $j: the same report as -j 1" \
		    "$W/nt-want" "$W/out"
	done
	# Default columns: the source column alone, the 16 columns as ever.
	# shellcheck disable=SC2086
	run $RDAP --no-cache --rate 1000 -j 12 "$DATA/live.log"
	head -n 1 "$W/out" >"$W/nt-head"
	echo "$HEADER" >"$W/nt-head-want"
	same "nettype-source: the default header is unchanged" \
	    "$W/nt-head-want" "$W/nt-head"

	# A second run: every answer from the cache file, no query.
	q=$(served rdap_requests)
	# shellcheck disable=SC2086
	run $RDAP --cache "$W/nt-cache/cache.db" --rate 1000 -j 4 \
	    --fields "$NT_FIELDS" "$W/nettype.log"
	nettype_want cache
	same "nettype-source: second run: cache for every row, type kept" \
	    "$W/nt-want" "$W/out"
	q2=$(served rdap_requests)
	[ "$q2" = "$q" ]
	check $? "nettype-source: second run: no query" "$((q2 - q)) queries"

	# --by network: one source per network.
	# shellcheck disable=SC2086
	run $RDAP --no-cache --rate 1000 -j 12 --exact --by network \
	    --fields network,addresses,net_type,source "$W/nettype.log"
	cat >"$W/nt-want" <<-'EOF'
	network,addresses,net_type,source
	77.0.0.0/12,3,ALLOCATED PA,rdap
	81.0.0.0/16,3,ASSIGNED PI,rdap
	23.0.0.0/12,2,DIRECT ALLOCATION,rdap
	62.0.0.0/16,2,LEGACY,rdap
	77.1.0.0/16,2,ASSIGNED PA,rdap
	10.0.0.0/8,1,,builtin
	23.1.0.0/24,1,REASSIGNMENT,rdap
	EOF
	same "nettype-source: --by network: one source for each network" \
	    "$W/nt-want" "$W/out"
	unserve
}

# --exact asks about every address inside an allocation, and once per
# assignment or network of unknown type; the default once per network.
t_nettype_exact() {
	serve_nettype
	nettype_log
	# shellcheck disable=SC2086
	run $RDAP --no-cache --rate 1000 -j 1 --fields "$NT_FIELDS" \
	    "$W/nettype.log"
	q=$(served rdap_requests)
	[ "$st" = 0 ] && [ "$q" = 6 ]
	check $? "nettype-exact: default: 6 queries for 6 networks" \
	    "status $st, $q queries"
	for a in 77.6.0.1 77.7.0.1 23.3.0.1 77.1.9.9 81.0.2.2 62.0.2.2; do
		v=$(served "path /ip/$a")
		[ "$v" = 0 ]
		check $? "nettype-exact: default: $a answered by its network" \
		    "$v queries"
	done
	nettype_want rdap
	same "nettype-exact: default: the report" "$W/nt-want" "$W/out"

	# shellcheck disable=SC2086
	run $RDAP --no-cache --rate 1000 -j 1 --exact --fields "$NT_FIELDS" \
	    "$W/nettype.log"
	q2=$(served rdap_requests)
	[ "$st" = 0 ] && [ "$((q2 - q))" = 9 ]
	check $? "nettype-exact: --exact: 9 queries (3 more inside allocations)" \
	    "status $st, $((q2 - q)) queries"
	for a in 77.6.0.1 77.7.0.1 23.3.0.1; do
		v=$(served "path /ip/$a")
		[ "$v" = 1 ]
		check $? "nettype-exact: --exact: $a, in an allocation, asked" \
		    "$v queries"
	done
	for a in 77.1.9.9 81.0.2.2 81.0.3.3 62.0.2.2; do
		v=$(served "path /ip/$a")
		[ "$v" = 0 ]
		check $? "nettype-exact: --exact: $a, in an assignment or legacy block, not asked" \
		    "$v queries"
	done
	same "nettype-exact: --exact: the report" "$W/nt-want" "$W/out"
	unserve
}

# Over whois: ARIN's NetType and RPSL's status become net_type.
t_nettype_whois() {
	serve_nettype
	printf '%s - - [10/Oct/2025:13:55:0%s +0000] "GET / HTTP/1.1" 200 10\n' \
	    77.1.2.3 1 77.5.0.1 2 77.6.0.1 3 23.1.0.9 4 23.2.0.1 5 \
	    23.3.0.1 6 >"$W/nt-whois.log"
	# shellcheck disable=SC2086
	run --protocol whois --whois-server "127.0.0.1:$WHOIS" --no-cache \
	    --rate 1000 -j 1 --exact --fields "$NT_FIELDS" "$W/nt-whois.log"
	cat >"$W/nt-want" <<-'EOF'
	ip,network,org,net_type,source,status
	23.1.0.9,23.1.0.0/24,Example Shop LLC,Reassigned,whois,ok
	23.2.0.1,23.0.0.0/12,Example ISP Inc.,Direct Allocation,whois,ok
	23.3.0.1,23.0.0.0/12,Example ISP Inc.,Direct Allocation,whois,ok
	77.1.2.3,77.1.0.0/16,Example Customer GmbH,ASSIGNED PA,whois,ok
	77.5.0.1,77.0.0.0/12,Example LIR B.V.,ALLOCATED PA,whois,ok
	77.6.0.1,77.0.0.0/12,Example LIR B.V.,ALLOCATED PA,whois,ok
	EOF
	report_is "nettype-whois: NetType and status as net_type" "$W/nt-want" \
	    quiet
	q=$(served whois_requests)
	[ "$q" = 6 ]
	check $? "nettype-whois: --exact: every address asked" "$q queries"
	unserve
}

# A cache written by a version 1 ipwhois (the schema from git history):
# read as it is offline, its rows answering; upgraded in place by a run
# that writes, every row kept, and refused by the version check of a
# version 1 reader (user_version 2 > 1).
t_nettype_cache_v1() {
	if ! command -v sqlite3 >/dev/null 2>&1; then
		skip "nettype-cache-v1 (no sqlite3 to make a version 1 cache)"
		return
	fi
	C=$W/nt-v1/cache.db
	rm -rf "$W/nt-v1"
	mkdir -p "$W/nt-v1"
	now=$(date +%s)
	sqlite3 "$C" <<-EOF || { fail "nettype-cache-v1" "sqlite3 failed"; return; }
	CREATE TABLE answers (lo BLOB NOT NULL, hi BLOB NOT NULL,
	    kind INT, registry INT, status INT, source INT, fetched INT,
	    network TEXT, net_name TEXT, org TEXT, country TEXT, asn TEXT,
	    as_name TEXT, abuse_email TEXT, PRIMARY KEY (lo, hi)) WITHOUT ROWID;
	PRAGMA user_version = 1;
	INSERT INTO answers VALUES (x'00000000000000000000ffff4d000000',
	    x'00000000000000000000ffff4d0fffff', 0, 5, 0, 1, $now,
	    '77.0.0.0/12', 'OLD-LIR-NET', 'Old LIR', 'NL', NULL, NULL,
	    'abuse@old.example');
	INSERT INTO answers VALUES (x'00000000000000000000ffff51000000',
	    x'00000000000000000000ffff5100ffff', 0, 5, 0, 2, $now,
	    '81.0.0.0/16', 'OLD-PI-NET', 'Old Enterprise', 'FR', NULL, NULL,
	    NULL);
	INSERT INTO answers VALUES (x'00000000000000000000ffff3e000101',
	    x'00000000000000000000ffff3e000101', 0, 5, 1, 1, $now,
	    NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	EOF
	chmod 600 "$C"
	printf '%s - - [10/Oct/2025:13:55:0%s +0000] "GET / HTTP/1.1" 200 10\n' \
	    77.5.0.1 1 81.0.2.2 2 62.0.1.1 3 23.2.0.1 4 >"$W/nt-v1.log"

	# Offline: read as it is, nothing written.
	run --offline --cache "$C" --fields "$NT_FIELDS" "$W/nt-v1.log"
	cat >"$W/nt-want" <<-'EOF'
	ip,network,org,net_type,source,status
	62.0.1.1,,,,cache,not-found
	77.5.0.1,77.0.0.0/12,Old LIR,,cache,ok
	81.0.2.2,81.0.0.0/16,Old Enterprise,,cache,ok
	23.2.0.1,,,,builtin,ok
	EOF
	[ "$st" = 1 ]
	check $? "nettype-cache-v1: offline: exit 1 (the cached not-found)" \
	    "status $st, stderr: $(errline)"
	sort "$W/out" >"$W/nt-got"
	sort "$W/nt-want" >"$W/nt-want2"
	same "nettype-cache-v1: offline: the version 1 rows answer" \
	    "$W/nt-want2" "$W/nt-got"
	v=$(sqlite3 "$C" 'PRAGMA user_version')
	[ "$v" = 1 ]
	check $? "nettype-cache-v1: offline: still version 1" "version $v"

	# Live: one query (23.2.0.1), and the file upgraded, rows kept.
	serve_nettype
	# shellcheck disable=SC2086
	run $RDAP --cache "$C" --rate 1000 -j 2 --fields "$NT_FIELDS" \
	    "$W/nt-v1.log"
	q=$(served rdap_requests)
	[ "$st" = 1 ] && [ "$q" = 1 ]
	check $? "nettype-cache-v1: live: exit 1, one query" \
	    "status $st, $q queries, stderr: $(errline)"
	v=$(sqlite3 "$C" 'PRAGMA user_version')
	[ "$v" = 2 ]
	check $? "nettype-cache-v1: live: upgraded to version 2" "version $v"
	sqlite3 -separator , "$C" 'SELECT hex(lo), source, network, org,
	    net_type FROM answers ORDER BY lo' >"$W/nt-rows"
	cat >"$W/nt-want" <<-'EOF'
	00000000000000000000FFFF17000000,1,23.0.0.0/12,Example ISP Inc.,DIRECT ALLOCATION
	00000000000000000000FFFF3E000101,1,,,
	00000000000000000000FFFF4D000000,1,77.0.0.0/12,Old LIR,
	00000000000000000000FFFF51000000,2,81.0.0.0/16,Old Enterprise,
	EOF
	same "nettype-cache-v1: every version 1 row kept, the new one typed" \
	    "$W/nt-want" "$W/nt-rows"
	# What a version 1 reader checks: a schema above its own is refused.
	# This one refuses version 3 the same way.
	sqlite3 "$C" 'PRAGMA user_version = 3'
	run --offline --cache "$C" "$W/nt-v1.log"
	grep -q "made by a newer ipwhois (schema 3; this one reads 2)" "$W/err"
	check $? "nettype-cache-v1: a newer schema is refused" \
	    "stderr: $(errline)"
	unserve
}
