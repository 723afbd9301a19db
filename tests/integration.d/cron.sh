# Runs nobody watches (cron): lookups that got no answer end in one line
# on standard error, even with -q; a registry that cannot be reached costs
# seconds, not minutes (its breaker trips after three connections failed
# in a row); and what it did not say is not cached.  Sourced by
# tests/integration.sh, whose helpers (run, check, fail, serve, unserve,
# served, fresh_cache, errline) and variables ($W, $DATA, $SRV) these use.
#
# An unreachable registry is a loopback port nobody listens on: the test
# server's, once it is stopped.  Nothing is sent anywhere else.

CONNECT_S=1			# --connect-timeout of the unreachable runs
RETRIES=2

# refusing_port: sets DEAD to a port on 127.0.0.1 that refuses.
refusing_port() {
	serve
	DEAD=$HTTP
	unserve
}

# many.log: 500 public addresses, each in a network of its own (a /16
# each, first octets 20 to 99), one line each.
many_log() {
	awk 'BEGIN {
		for (i = 0; i < 500; i++)
			printf "%d.%d.%d.%d - - [10/Oct/2025:13:55:36 +0000] \"GET / HTTP/1.1\" 200 %d\n",
			    20 + i % 80, int(i / 80) * 7 + 1, i % 256, 1 + i % 250, i
	}' >"$W/many.log"
}

# rows_not_error: report rows (header aside) whose status is not error.
rows_not_error() {
	tail -n +2 "$W/out" | cut -d, -f16 | grep -vcx error
}

# cached_rows FILE: rows in a cache file (0 when it was never made);
# needs sqlite3.
cached_rows() {
	if [ -f "$1" ]; then
		sqlite3 "$1" 'SELECT count(*) FROM answers' 2>/dev/null || echo '?'
	else
		echo 0
	fi
}

# -q with every lookup failing: exactly one line, saying how many, how
# and why; the exit status is 1.  Not-found alone is an answer: no line.
t_cron_quiet() {
	refusing_port
	# shellcheck disable=SC2086
	run --rdap-url "http://127.0.0.1:$DEAD/" --no-cache --rate 1000 \
	    --connect-timeout $CONNECT_S -j 4 -q -o "$W/report.csv" \
	    "$DATA/live.log"
	[ "$st" = 1 ] && [ "$(wc -l <"$W/err")" = 1 ] && [ ! -s "$W/out" ] &&
	    grep -qx "ipwhois: 11 of 12 lookups failed (error: .*127\.0\.0\.1.*$DEAD.*); the report has them as status=error" "$W/err"
	check $? "cron: -q, every lookup failed: one line" \
	    "status $st, stderr: $(errline)"
	[ "$(tail -n +2 "$W/report.csv" | cut -d, -f16 | sort | uniq -c |
	    tr -s ' ' | tr '\n' ' ')" = " 11 error  1 ok " ]
	check $? "cron: -q: the report has them as status=error" \
	    "$(cut -d, -f16 "$W/report.csv" | sort | uniq -c | tr '\n' ' ')"

	serve
	# shellcheck disable=SC2086
	run $RDAP --no-cache --rate 1000 -j 4 -q "$DATA/live.log"
	[ "$st" = 1 ] && [ ! -s "$W/err" ]
	check $? "cron: -q, one not-found: exit 1, nothing said" \
	    "status $st, stderr: $(errline)"
}

# Several statuses: counted each, the first failure's reason, one line.
t_cron_statuses() {
	serve garbage:193.0.6.139 hang:196.11.241.5 ratelimit-always:9.9.9.9:1
	# shellcheck disable=SC2086
	run $RDAP --no-cache --rate 1000 --timeout 1 --retries 0 -j 4 \
	    "$DATA/live.log"
	last=$(tail -n 1 "$W/err")
	[ "$st" = 1 ] && [ "$(grep -c 'lookups failed' "$W/err")" = 1 ] &&
	    echo "$last" | grep -qx 'ipwhois: 3 of 12 lookups failed (1 error, 1 timeout, 1 rate-limited; first: [a-z-]*: .*); the report has them as status=error, timeout or rate-limited'
	check $? "cron: several statuses: each counted, one line" \
	    "status $st, stderr: $(errline)"
	# A server that connects and then hangs, or answers garbage, is up.
	[ "$(tail -n +2 "$W/out" | cut -d, -f16 | grep -cx ok)" = 9 ]
	check $? "cron: a hanging answer does not put the server down" \
	    "$(cut -d, -f1,16 "$W/out" | tr '\n' ' ')"
}

# A refusing registry and 500 addresses in 500 networks: done within
# connect timeout x (retries + 1) + 2 s, every row error, a few queries,
# -v says once that it went down, and nothing is cached.
t_cron_breaker() {
	many_log
	refusing_port
	fresh_cache
	limit=$(( (CONNECT_S * (RETRIES + 1) + 2) * 1000 ))
	start=$(date +%s%N)
	# shellcheck disable=SC2086
	run --rdap-url "http://127.0.0.1:$DEAD/" $CACHE --rate 1000 \
	    --connect-timeout $CONNECT_S --retries $RETRIES -j 4 -v \
	    "$W/many.log"
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	[ "$st" = 1 ] && [ "$ms" -lt "$limit" ]
	check $? "cron: unreachable registry, 500 addresses: $ms ms (< $limit)" \
	    "status $st, $ms ms"
	n=$(rows_not_error)
	[ "$(tail -n +2 "$W/out" | wc -l)" = 500 ] && [ "$n" = 0 ]
	check $? "cron: unreachable registry: 500 rows, every one error" \
	    "$n rows not error"
	[ "$(grep -c "^ipwhois: 127\.0\.0\.1:$DEAD is down: .*; no more queries go there in this run, its addresses get status error$" "$W/err")" = 1 ]
	check $? "cron: -v says once that the server went down" \
	    "stderr: $(grep 'is down' "$W/err" | head -3 | tr '\n' '|')"
	q=$(sed -n 's/.* lookups, \([0-9]*\) queries sent.*/\1/p' "$W/err")
	[ -n "$q" ] && [ "$q" -le 12 ]
	check $? "cron: unreachable registry: a few queries, not 1500 ($q)" \
	    "stderr: $(errline)"
	grep -q "^ipwhois: [0-9.]*: error: 127\.0\.0\.1:$DEAD is down: " "$W/err"
	check $? "cron: -v: each address after that says the server is down" \
	    "stderr: $(errline)"
	grep -qx "ipwhois: 500 of 500 lookups failed (error: .*); the report has them as status=error" "$W/err"
	check $? "cron: -v ends with the closing line too" \
	    "stderr: $(tail -n 1 "$W/err")"
	if command -v sqlite3 >/dev/null; then
		c=$(cached_rows "$W/lc/cache.db")
		[ "$c" = 0 ]
		check $? "cron: nothing cached from a run that got no answer" \
		    "$c rows in the cache"
	else
		skip "cron: no sqlite3 to read the cache (cron-not-cached asks)"
	fi

	# The same over whois: a refusing port 43 stand-in.
	start=$(date +%s%N)
	run --protocol whois --whois-server "127.0.0.1:$DEAD" --no-cache \
	    --rate 1000 --connect-timeout $CONNECT_S --retries $RETRIES -j 4 \
	    -q "$W/many.log"
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	n=$(rows_not_error)
	[ "$st" = 1 ] && [ "$ms" -lt "$limit" ] && [ "$n" = 0 ] &&
	    grep -qx "ipwhois: 500 of 500 lookups failed (error: .*127\.0\.0\.1.*$DEAD.*); the report has them as status=error" "$W/err"
	check $? "cron: whois: unreachable server: $ms ms, every row error" \
	    "status $st, $ms ms, $n rows not error, stderr: $(errline)"
}

# Failures are not remembered: once the registry is back, the next run
# with the same cache asks about every address again.
t_cron_not_cached() {
	refusing_port
	fresh_cache
	# shellcheck disable=SC2086
	run --rdap-url "http://127.0.0.1:$DEAD/" $CACHE --rate 1000 \
	    --connect-timeout $CONNECT_S -j 2 -q "$DATA/live.log"
	[ "$st" = 1 ]
	check $? "cron: registry down: exit 1" "status $st"
	serve
	# shellcheck disable=SC2086
	run $RDAP $CACHE --rate 1000 -j 4 "$DATA/live.log"
	q=$(served rdap_requests)
	[ "$st" = 1 ] && [ "$q" = 8 ] && [ ! -s "$W/err" ]
	check $? "cron: registry back: all asked again (8 queries)" \
	    "status $st, $q queries, stderr: $(errline)"
	same "cron: registry back: each registry's answer" \
	    "$EXP/live-rdap.csv" "$W/out"
}

TESTS="$TESTS cron-quiet cron-statuses cron-breaker cron-not-cached"
