# JSON-lines logs: Caddy's and Traefik's access logs (detected), and any
# JSON log through --json-field.  Sourced by tests/integration.sh, whose
# helpers (run, report_is, same, check, errline, rows) and variables ($W,
# $DATA, $EXP, $HEADER, $REALDATA) these use.
#
# Fixtures, written after each server's documentation of its fields:
# caddy.log (Caddy v2: client_ip and remote_ip, an old remote_addr line,
# X-Forwarded-For arrays, startup and error-log lines), traefik.log
# (Traefik JSON: ClientAddr, ClientHost holding X-Forwarded-For,
# StartLocal only, its own log line), traefik-clf.log (Traefik's CLF) and
# app.jsonl (an application's JSON with the client nested, a null client,
# a line without one, times as text and in milliseconds).

JSON_APP="--json-field http.client.ip --json-time time --json-bytes http.bytes_sent"

# verbose_says FILE FORMAT COUNTS: -v named FILE's format and its counts
# ("11 lines, 8 read, 2 without a client, 1 rejected").
verbose_says() {
	grep -qx "ipwhois: $1: format $2" "$W/err" &&
	    grep -qx "ipwhois: $1: $2: $3" "$W/err"
}

t_formats_json() {
	for c in caddy:caddy traefik:traefik traefik-clf:traefik; do
		name=${c%%:*}
		fmt=${c#*:}
		run --offline "$DATA/$name.log"
		report_is "formats-json: $name (auto)" "$EXP/$name.csv" quiet
		run --offline -f "$fmt" "$DATA/$name.log"
		report_is "formats-json: $name (-f $fmt)" "$EXP/$name.csv" quiet
		gzip -c "$DATA/$name.log" >"$W/$name.log.gz"
		run --offline "$W/$name.log.gz"
		report_is "formats-json: $name (gzip)" "$EXP/$name.csv" quiet
	done

	# Lines of Caddy's loggers naming no client (the server running,
	# the error log repeating an access) are counted as such; lines no
	# logger names (Caddy's first) and Traefik's own could be any
	# program's: rejected.
	run --offline -v "$DATA/caddy.log"
	verbose_says "$DATA/caddy.log" caddy \
	    "11 lines, 8 read, 2 without a client, 1 rejected"
	check $? "formats-json: caddy: -v counts" "stderr: $(errline)"
	run --offline -v "$DATA/traefik.log"
	verbose_says "$DATA/traefik.log" traefik \
	    "6 lines, 5 read, 0 without a client, 1 rejected"
	check $? "formats-json: traefik: -v counts" "stderr: $(errline)"
	run --offline -v "$DATA/traefik-clf.log"
	verbose_says "$DATA/traefik-clf.log" traefik \
	    "4 lines, 4 read, 0 without a client, 0 rejected"
	check $? "formats-json: traefik-clf: detected as traefik" \
	    "stderr: $(errline)"

	# Traefik's CLF is combined with fields after it: either reads it.
	run --offline -f combined "$DATA/traefik-clf.log"
	report_is "formats-json: traefik-clf (-f combined)" \
	    "$EXP/traefik-clf.csv" quiet

	# Caddy, Traefik and combined lines in one file: each line is read
	# by the format that reads it exactly (auto-detection's fallback);
	# 10.0.0.1 is in both Caddy's and Traefik's lines.
	cat "$DATA/traefik-clf.log" "$DATA/caddy.log" "$DATA/traefik.log" \
	    >"$W/mixed.log"
	run --offline -v "$W/mixed.log"
	cat "$EXP/traefik-clf.csv" "$EXP/caddy.csv" "$EXP/traefik.csv" |
	    grep -v "^ip,\|^10\.0\.0\.1," >"$W/want"
	[ "$st" = 0 ] && [ "$(rows "$W/out")" -eq 10 ] &&
	    grep -qx "10\.0\.0\.1,4,5648,2024-03-10T12:00:00Z,2024-03-10T12:00:03Z,private,,10\.0\.0\.0/8,Private-Use,,,,,,builtin,ok" "$W/out" &&
	    [ "$(grep -cxFf "$W/want" "$W/out")" -eq 9 ] &&
	    grep -qx "ipwhois: $W/mixed.log: caddy: 21 lines, 17 read, 2 without a client, 2 rejected" "$W/err"
	check $? "formats-json: caddy, traefik and CLF lines in one file" \
	    "status $st, $(rows "$W/out") rows: $(errline)"

	# A format named wrongly says so rather than reading nothing quietly.
	run --offline -f caddy "$DATA/traefik.log"
	[ "$(cat "$W/out")" = "$HEADER" ] &&
	    grep -q "^ipwhois: $DATA/traefik.log: none of its 6 lines could be read as caddy" "$W/err"
	check $? "formats-json: -f caddy on Traefik's log: a warning" \
	    "status $st, stderr: $(errline)"
}

t_formats_json_xff() {
	# Behind 10.0.0.1 without trusted_proxies, Caddy's client_ip is the
	# proxy; --client xff reads the header arrays (two header lines are
	# one list).  A client_ip Caddy set from its own trusted_proxies is
	# the peer already.
	run --offline --client xff --trusted-proxy 10.0.0.0/8 "$DATA/caddy.log"
	report_is "formats-json-xff: caddy" "$EXP/caddy-xff.csv" quiet
	# Traefik: request_X-Forwarded-For when headers are kept, else
	# ClientHost, where Traefik copies the header.
	run --offline --client xff --trusted-proxy 10.0.0.0/8 \
	    "$DATA/traefik.log"
	report_is "formats-json-xff: traefik" "$EXP/traefik-xff.csv" quiet
	# The peer, by default: ClientHost's copy of the header is not.
	run --offline "$DATA/traefik.log"
	! grep -q '^203\.0\.113\.8' "$W/out"
	check $? "formats-json-xff: traefik: no client from ClientHost's header" \
	    "$(clients "$W/out" | tr '\n' ' ')"
	run --offline --client xff --json-field http.client.ip \
	    "$DATA/app.jsonl"
	report_is "formats-json-xff: json has none: the peer" \
	    "$EXP/json-app-client.csv"
	[ "$(cat "$W/err")" = "ipwhois: $DATA/app.jsonl: json lines have no X-Forwarded-For field; their clients are the connecting addresses" ]
	check $? "formats-json-xff: json has none: a note" "stderr: $(errline)"
}

t_formats_json_field() {
	run --offline $JSON_APP "$DATA/app.jsonl"
	report_is "formats-json-field: client, time and size" \
	    "$EXP/json-app.csv" quiet
	run --offline -f json $JSON_APP "$DATA/app.jsonl"
	report_is "formats-json-field: -f json" "$EXP/json-app.csv" quiet
	run --offline --json-field http.client.ip "$DATA/app.jsonl"
	report_is "formats-json-field: client only" \
	    "$EXP/json-app-client.csv" quiet
	run --offline -v $JSON_APP "$DATA/app.jsonl"
	grep -qx "ipwhois: $DATA/app.jsonl: json: 6 lines, 3 read, 1 without a client, 2 rejected" "$W/err"
	check $? "formats-json-field: null is no client, no field rejected" \
	    "stderr: $(errline)"

	# A path that is nowhere: every line rejected, and a warning.
	run --offline --json-field http.client.addr "$DATA/app.jsonl"
	[ "$(cat "$W/out")" = "$HEADER" ] &&
	    grep -q "^ipwhois: $DATA/app.jsonl: none of its 6 lines could be read as json" "$W/err"
	check $? "formats-json-field: a wrong path: a warning" \
	    "status $st, stderr: $(errline)"

	# A dot inside a key is written "\.".
	printf '%s\n' '{"client.ip":"192.0.2.50","bytes":"400"}' \
	    '{"client.ip":"2001:db8::50","bytes":1000}' >"$W/flat.jsonl"
	run --offline --json-field 'client\.ip' --json-bytes bytes \
	    "$W/flat.jsonl"
	[ "$st" = 0 ] && grep -q '^192\.0\.2\.50,1,400,,,' "$W/out" &&
	    grep -q '^2001:db8::50,1,1000,,,' "$W/out" && [ ! -s "$W/err" ]
	check $? "formats-json-field: an escaped dot" \
	    "status $st, stderr: $(errline)"

	# -f json needs the field; the other two need it too.
	run --offline -f json "$DATA/app.jsonl"
	[ "$st" = 2 ] && [ ! -s "$W/out" ] &&
	    [ "$(head -n 1 "$W/err")" = "ipwhois: -f json needs --json-field PATH, the field that holds the client" ]
	check $? "formats-json-field: -f json without --json-field" \
	    "status $st, stderr: $(errline)"
	run --offline --json-time time "$DATA/app.jsonl"
	[ "$st" = 2 ] && [ ! -s "$W/out" ]
	check $? "formats-json-field: --json-time without --json-field" \
	    "status $st, stderr: $(errline)"

	# Other JSON, no --json-field: not taken for Caddy's or Traefik's,
	# but read as first-ip, with the warning that says so.
	run --offline "$DATA/app.jsonl"
	[ "$st" = 0 ] &&
	    [ "$(cat "$W/err")" = "ipwhois: $DATA/app.jsonl: format not recognised; counting the first address of each line (-f first-ip); name the format with -f, --log-format or --regex" ]
	check $? "formats-json-field: other JSON: first-ip, and a warning" \
	    "status $st, stderr: $(errline)"
}

# Real combined logs: still combined, and -f traefik reads them the same
# (Traefik's CLF is combined with more fields after it).
t_formats_json_realdata() {
	f=$REALDATA/logs/elastic_apache_logs.log
	if [ ! -f "$f" ]; then
		skip "formats-json-realdata ($f not found)"
		return
	fi
	run --offline "$f"
	cp "$W/out" "$W/combined.csv"
	run --offline -f traefik "$f"
	[ "$st" = 0 ] && [ "$(rows "$W/out")" -eq 1753 ]
	check $? "formats-json-realdata: -f traefik reads combined lines" \
	    "status $st, $(rows "$W/out") rows: $(errline)"
	same "formats-json-realdata: -f traefik as combined" \
	    "$W/combined.csv" "$W/out"
}

TESTS="$TESTS formats-json formats-json-xff formats-json-field
    formats-json-realdata"
