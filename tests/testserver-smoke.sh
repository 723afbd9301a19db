#!/bin/sh
# Smoke test of the loopback RDAP and whois test server: every promise
# of tests/testserver.c, checked from outside with curl and a small whois
# client, on 127.0.0.1 only.
#
#	TESTSERVER=build/testserver sh tests/testserver-smoke.sh [FILTER]
#
# Run from the project root; builds nothing.  Only tests whose name
# contains FILTER run when it is given.  Ends with "N passed, N failed";
# exits 1 on a failure.

set -u

TESTSERVER=${TESTSERVER:-build/testserver}
FIXTURES=tests/data/server
FILTER=${1:-}
LC_ALL=C
export LC_ALL

case $TESTSERVER in /*) ;; *) TESTSERVER=$(pwd)/$TESTSERVER ;; esac
if [ ! -x "$TESTSERVER" ]; then
	echo "$TESTSERVER: not built" >&2
	exit 1
fi
command -v curl >/dev/null 2>&1 || { echo "curl: not installed" >&2; exit 1; }

W=$(mktemp -d "${TMPDIR:-/tmp}/testserver-smoke.XXXXXX") || exit 1
STARTED=			# every server's pid, for the last check
cleanup() {
	for p in $STARTED; do
		kill -9 "$p" 2>/dev/null
	done
	rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

passed=0
failed=0
T=5				# curl's time limit, seconds
WT=5				# the whois client's

# --- helpers ----------------------------------------------------------------

ok() {
	passed=$((passed + 1))
	echo "ok $1"
}

fail() {
	failed=$((failed + 1))
	echo "FAIL $1: $2"
}

# check STATUS NAME MESSAGE: ok when STATUS ("check $? ...") is 0.
check() {
	if [ "$1" -eq 0 ]; then ok "$2"; else fail "$2" "$3"; fi
}

# want NAME EXPECTED GOT
want() {
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "want '$2', got '$3'"; fi
}

selected() {
	case $1 in *"$FILTER"*) return 0 ;; esac
	return 1
}

# Running, and not a zombie waiting for this shell to reap it.
alive() {
	[ -r "/proc/$1/stat" ] || { kill -0 "$1" 2>/dev/null; return; }
	state=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
	[ -n "$state" ] && [ "$state" != Z ]
}

# gone_within TENTHS PID: whether PID ends within TENTHS tenths of a second.
gone_within() {
	n=0
	while alive "$2"; do
		[ "$n" -ge "$1" ] && return 1
		sleep 0.1
		n=$((n + 1))
	done
	return 0
}

# start NAME [ARGS...]: a server with its files under $W/NAME.*; sets PID,
# HTTP and WHOIS.  Polls for the port file for up to 5 s.
start() {
	name=$1
	shift
	rm -f "$W/$name.ports" "$W/$name.counts"
	"$TESTSERVER" -d "$FIXTURES" -p "$W/$name.ports" -c "$W/$name.counts" \
	    -t 120 "$@" 2>"$W/$name.err" &
	PID=$!
	STARTED="$STARTED $PID"
	n=0
	while [ ! -s "$W/$name.ports" ] && [ $n -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	[ -s "$W/$name.ports" ] || return 1
	read -r line <"$W/$name.ports"
	HTTP=${line#http=}
	HTTP=${HTTP%% *}
	WHOIS=${line##*whois=}
}

# counts NAME PID: SIGUSR1, then the fresh counters file on stdout.
counts() {
	rm -f "$W/$1.counts"
	kill -USR1 "$2"
	n=0
	while [ ! -f "$W/$1.counts" ] && [ $n -lt 50 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	cat "$W/$1.counts" 2>/dev/null
}

# count NAME PID KEY: one counter's value ("path /ip/1.2.3.4" for a path).
count() {
	counts "$1" "$2" | awk -v k="$3" '
		{ v = $NF; $NF = ""; sub(/ $/, "") }
		$0 == k { print v; found = 1 }
		END { if (!found) print 0 }'
}

# get PATH [CURL ARGS...]: curl to the server under test, never elsewhere:
# no curlrc, no proxy, always a time limit ($T seconds).
get() {
	path=$1
	shift
	curl -q -s --noproxy '*' --max-time "$T" "$@" \
	    "http://127.0.0.1:$HTTP$path"
}

# whois PORT QUERY: RFC 3912 by hand, the answer on stdout; gives up after
# $WT seconds (exit 124).  bash's /dev/tcp first: nc's options
# differ between its variants.
whois() {
	if command -v bash >/dev/null 2>&1; then
		# shellcheck disable=SC2016 # for the inner shell to expand
		timeout "$WT" bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" &&
		    printf "%s\r\n" "$2" >&3 && cat <&3' whois "$1" "$2"
	elif command -v python3 >/dev/null 2>&1; then
		timeout "$WT" python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(sys.argv[2].encode() + b"\r\n")
while True:
    b = s.recv(65536)
    if not b:
        break
    sys.stdout.buffer.write(b)' "$1" "$2"
	else
		printf '%s\r\n' "$2" | timeout "$WT" nc 127.0.0.1 "$1"
	fi
}

# raw PORT: stdin to the server as it comes, the answer on stdout (the
# server must close: end the last request with Connection: close).
raw() {
	# shellcheck disable=SC2016 # for the inner shell to expand
	timeout "$WT" bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" &&
	    { cat >&3; cat <&3; }' raw "$1"
}

# statuses FILE: the status codes of the answers in a raw stream, "200|404|".
statuses() {
	grep -ao 'HTTP/1\.1 [0-9][0-9][0-9] ' "$1" | cut -d' ' -f2 | tr '\n' '|'
}

# no_temp: no temporary port or counters file left in $W.
no_temp() {
	for f in "$W"/*.tmp.*; do
		[ -e "$f" ] && return 1
	done
	return 0
}

# header FILE NAME: a header's value from curl -D output.
header() {
	tr -d '\r' <"$1" | awk -v h="$2" 'BEGIN { h = tolower(h) ":" }
		tolower($1) == h { sub(/^[^:]*:[ \t]*/, ""); v = $0 } END { print v }'
}

# --- the main server --------------------------------------------------------

start main \
    --fault 'status:203.119.0.10:500' \
    --fault 'status:203.119.0.11:503' \
    --fault 'ratelimit:193.0.0.0/29:1' \
    --fault 'ratelimit-always:193.0.0.8/29:7' \
    --fault 'garbage:200.57.128.1' \
    --fault 'badjson:200.57.128.2' \
    --fault 'huge:198.51.100.1:2' \
    --fault 'huge-chunked:198.51.100.2:2' \
    --fault 'huge-close:198.51.100.3:2' \
    --fault 'huge:198.51.100.4:64' \
    --fault 'drip:198.51.100.10:400' \
    --fault 'drip:198.51.100.11:1' \
    --fault 'hang:198.51.100.20' \
    --fault 'reset:198.51.100.21' \
    --fault 'redirect:66.249.66.0/24:http://127.0.0.1:{port}/moved/ip/{addr}' \
    --fault 'flaky:2a00:1450:4001::/48:2' \
    --fault 'status:[2001:db8::bad]:500' \
    --fault 'whois-ratelimit:193.0.0.3' \
    --fault 'whois-garbage:198.51.100.40' \
    --fault 'whois-hang:198.51.100.41' \
    --fault 'whois-referral:198.51.100.42:127.0.0.1:4343' \
    --fault 'whois-drip:198.51.100.43:1' \
    --fault 'whois-reset:198.51.100.44'
check $? start "no port file within 5 s: $(cat "$W/main.err")"
MAIN=$PID

if selected portfile; then
	grep -Eqx 'http=[0-9]+ whois=[0-9]+' "$W/main.ports"
	check $? portfile "$(cat "$W/main.ports")"
	no_temp
	check $? portfile-no-temp "a temporary port file was left"
fi

if selected loopback-only && [ -r /proc/net/tcp ]; then
	for port in $HTTP $WHOIS; do
		hex=$(printf '%04X' "$port")
		awk -v p=":$hex" '$2 ~ p"$" && $4 == "0A" { print $2 }' \
		    /proc/net/tcp >"$W/listen"
		want "loopback-only $port" "0100007F:$hex" "$(cat "$W/listen")"
	done
fi

# --- RDAP answers -----------------------------------------------------------

if selected most-specific; then
	get /ip/8.8.8.8 | grep -q '"name": "EXAMPLE-RESOLVER"'
	check $? most-specific-24 "8.8.8.8 not from 8.8.8.0/24"
	get /ip/8.1.2.3 | grep -q '"name": "EXAMPLE-TRANSIT-8"'
	check $? most-specific-9 "8.1.2.3 not from 8.0.0.0/9"
	get /ip/8.8.9.1 | grep -q '"name": "EXAMPLE-TRANSIT-8"'
	check $? most-specific-beside "8.8.9.1 not from 8.0.0.0/9"
	get /rdap/ip/66.249.95.255 | grep -q 'Example Search Inc\.'
	check $? base-prefix "/rdap/ip/66.249.95.255"
	get /ip/8.8.8.0/24 | grep -q '"name": "EXAMPLE-RESOLVER"'
	check $? cidr-query "/ip/8.8.8.0/24"
	for q in 193.0.4.4 203.119.1.1 200.57.141.161 196.11.241.9; do
		want "fixture $q" 200 \
		    "$(get /ip/$q -o /dev/null -w '%{http_code}')"
	done
fi

if selected not-found; then
	get /ip/9.9.9.9 -D "$W/h" -o "$W/b" -w '%{http_code}' >"$W/code"
	want not-found-code 404 "$(cat "$W/code")"
	want not-found-body '{"errorCode":404,"title":"Not Found"}' "$(cat "$W/b")"
	want not-found-type application/rdap+json \
	    "$(header "$W/h" Content-Type)"
	want not-path 404 "$(get /domain/example.com -o /dev/null \
	    -w '%{http_code}')"
	want bad-address 400 "$(get /ip/8.8.8.888 -o /dev/null \
	    -w '%{http_code}')"
	want bad-method 405 "$(get /ip/8.8.8.8 -X POST -d x -o /dev/null \
	    -w '%{http_code}')"
fi

if selected ipv6; then
	get /ip/2001%3Adb8%3A%3A1 | grep -q '"name": "EXAMPLE-DOC-V6"'
	check $? ipv6-percent "2001%3Adb8%3A%3A1"
	get /ip/2001%3adb8%3a%3a1 | grep -q '"name": "EXAMPLE-DOC-V6"'
	check $? ipv6-percent-lower "2001%3adb8%3a%3a1"
	get /ip/2a00:1450:4010::5 | grep -q 'EXAMPLE-SEARCH-EU-V6'
	check $? ipv6-plain "2a00:1450:4010::5"
	want ipv6-not-found 404 "$(get /ip/2001%3A4860%3A%3A1 -o /dev/null \
	    -w '%{http_code}')"
fi

if selected content-length; then
	get /ip/8.8.8.8 -D "$W/h" -o "$W/b" >/dev/null
	want content-length "$(wc -c <"$W/b" | tr -d ' ')" \
	    "$(header "$W/h" Content-Length)"
	want head-no-body 0 "$(get /ip/8.8.8.8 -I -o /dev/null \
	    -w '%{size_download}')"
fi

if selected keep-alive; then
	before=$(counts main $MAIN)
	get /ip/8.8.8.8 -o /dev/null -w '%{num_connects} ' \
	    -o /dev/null "http://127.0.0.1:$HTTP/ip/193.0.0.200" >"$W/nc"
	after=$(counts main $MAIN)
	want keep-alive-curl "1 0 " "$(cat "$W/nc")"
	r0=$(echo "$before" | awk '$1 == "rdap_requests" { print $2 }')
	r1=$(echo "$after" | awk '$1 == "rdap_requests" { print $2 }')
	c0=$(echo "$before" | awk '$1 == "rdap_connections" { print $2 }')
	c1=$(echo "$after" | awk '$1 == "rdap_connections" { print $2 }')
	want keep-alive-requests 2 $((r1 - r0))
	want keep-alive-connections 1 $((c1 - c0))
	get /ip/8.8.8.8 -H 'Connection: close' -D "$W/h" -o /dev/null \
	    -w '%{num_connects} ' -o /dev/null -H 'Connection: close' \
	    "http://127.0.0.1:$HTTP/ip/8.8.8.8" >"$W/nc"
	want connection-close-curl "1 1 " "$(cat "$W/nc")"
	want connection-close-header close "$(header "$W/h" Connection)"
	get /ip/8.8.8.8 -0 -D "$W/h" -o /dev/null >/dev/null
	want http10-closes close "$(header "$W/h" Connection)"
fi

if selected pipelining && command -v bash >/dev/null 2>&1; then
	{
		printf 'GET /ip/8.8.8.8 HTTP/1.1\r\nHost: t\r\n\r\n'
		printf 'GET /ip/9.9.9.9 HTTP/1.1\r\nHost: t\r\n\r\n'
		printf 'GET /ip/8.1.1.1 HTTP/1.1\r\nHo'
		sleep 0.3
		printf 'st: t\r\nConnection: close\r\n\r\n'
	} | raw "$HTTP" >"$W/pipe"
	# (error bodies end without a newline: the next status follows on)
	want pipelined-statuses "200|404|200|" "$(statuses "$W/pipe")"
	grep -q '"name": "EXAMPLE-TRANSIT-8"' "$W/pipe"
	check $? pipelined-split "the request split in two was not answered"
	{
		printf 'POST /ip/8.8.8.8 HTTP/1.1\r\nContent-Length: 5\r\n\r\n'
		printf 'abcdeGET /ip/9.9.9.9 HTTP/1.1\r\nConnection: close\r\n\r\n'
	} | raw "$HTTP" >"$W/pipe"
	want request-body-skipped "405|404|" "$(statuses "$W/pipe")"
	printf 'BROKEN\r\n\r\n' | raw "$HTTP" >"$W/pipe"
	want malformed-400 "HTTP/1.1 400 Bad Request" \
	    "$(head -n 1 "$W/pipe" | tr -d '\r')"
fi

if selected header-limit; then
	big=$(awk 'BEGIN { while (i++ < 9000) printf "a" }')
	want header-431 431 "$(get /ip/8.8.8.8 -H "X-Big: $big" -o /dev/null \
	    -w '%{http_code}')"
	ok7=$(awk 'BEGIN { while (i++ < 7000) printf "a" }')
	want header-7k 200 "$(get /ip/8.8.8.8 -H "X-Big: $ok7" -o /dev/null \
	    -w '%{http_code}')"
fi

# --- RDAP faults ------------------------------------------------------------

if selected fault-status; then
	get /ip/203.119.0.10 -o "$W/b" -w '%{http_code}' >"$W/code"
	want fault-status-500 500 "$(cat "$W/code")"
	grep -q '"errorCode":500' "$W/b"
	check $? fault-status-500-body "$(cat "$W/b")"
	want fault-status-503 503 "$(get /ip/203.119.0.11 -o /dev/null \
	    -w '%{http_code}')"
	want fault-status-neighbour 200 "$(get /ip/203.119.0.12 -o /dev/null \
	    -w '%{http_code}')"
	want fault-status-bracketed 500 "$(get /ip/2001:db8::bad -o /dev/null \
	    -w '%{http_code}')"
fi

if selected fault-ratelimit; then
	get /ip/193.0.0.1 -D "$W/h" -o /dev/null -w '%{http_code}' >"$W/code"
	want fault-ratelimit-429 429 "$(cat "$W/code")"
	want fault-ratelimit-retry-after 1 "$(header "$W/h" Retry-After)"
	want fault-ratelimit-then-200 200 "$(get /ip/193.0.0.1 -o /dev/null \
	    -w '%{http_code}')"
	# curl --retry honours Retry-After, as a client should
	T=10
	get /ip/193.0.0.2 --retry 2 -o "$W/b" -w '%{http_code}' >"$W/code"
	T=5
	want fault-ratelimit-retry 200 "$(cat "$W/code")"
	grep -q EXAMPLE-NCC-NET "$W/b"
	check $? fault-ratelimit-retry-body "no fixture after the retry"
	for i in 1 2; do
		get /ip/193.0.0.9 -D "$W/h" -o /dev/null -w '%{http_code}' \
		    >"$W/code"
		want "fault-ratelimit-always-$i" "429 7" \
		    "$(cat "$W/code") $(header "$W/h" Retry-After)"
	done
fi

if selected fault-flaky; then
	got=
	for i in 1 2 3 4; do
		got="$got$(get /ip/2a00:1450:4001::1 -o /dev/null \
		    -w '%{http_code}') "
	done
	want fault-flaky "503 503 200 200 " "$got"
	want fault-flaky-per-address 503 "$(get /ip/2a00:1450:4001::2 \
	    -o /dev/null -w '%{http_code}')"
fi

if selected fault-garbage; then
	get /ip/200.57.128.1 -D "$W/h" -o "$W/b" -w '%{http_code}' >"$W/code"
	want fault-garbage "200 application/rdap+json" \
	    "$(cat "$W/code") $(header "$W/h" Content-Type)"
	head -n 1 "$W/b" | grep -q '^<!DOCTYPE html>'
	check $? fault-garbage-html "$(head -c 60 "$W/b")"
	get /ip/200.57.128.2 -o "$W/b" -w '%{http_code}' >"$W/code"
	want fault-badjson 200 "$(cat "$W/code")"
	if command -v python3 >/dev/null 2>&1; then
		! python3 -c 'import json, sys; json.load(open(sys.argv[1]))' \
		    "$W/b" 2>/dev/null
		check $? fault-badjson-invalid "the JSON parses"
	fi
fi

if selected fault-huge; then
	mb2=$((2 * 1024 * 1024))
	T=60
	get /ip/198.51.100.1 -D "$W/h" -o "$W/b" -w '%{size_download}' \
	    >"$W/size"
	size=$(cat "$W/size")
	want fault-huge-length "$size" "$(header "$W/h" Content-Length)"
	[ "$size" -gt "$mb2" ]
	check $? fault-huge-size "$size bytes"
	if command -v python3 >/dev/null 2>&1; then
		python3 -c 'import json, sys; json.load(open(sys.argv[1]))' \
		    "$W/b"
		check $? fault-huge-json "not JSON"
	fi
	get /ip/198.51.100.2 -D "$W/h" -o "$W/b2" >/dev/null
	want fault-huge-chunked "chunked|" \
	    "$(header "$W/h" Transfer-Encoding)|$(header "$W/h" Content-Length)"
	cmp -s "$W/b" "$W/b2"
	check $? fault-huge-chunked-body "differs from the Content-Length one"
	get /ip/198.51.100.3 -D "$W/h" -o "$W/b2" >/dev/null
	want fault-huge-close "close||" "$(header "$W/h" Connection)|$(header \
	    "$W/h" Transfer-Encoding)|$(header "$W/h" Content-Length)"
	cmp -s "$W/b" "$W/b2"
	check $? fault-huge-close-body "differs from the Content-Length one"
	rm -f "$W/b" "$W/b2"
	# 64 MB sent, next to nothing kept: the body is never in memory
	if [ -r /proc/$MAIN/status ]; then
		hwm0=$(awk '/^VmHWM/ { print $2 }' /proc/$MAIN/status)
		get /ip/198.51.100.4 -o /dev/null -w '%{size_download}' \
		    >"$W/size"
		hwm1=$(awk '/^VmHWM/ { print $2 }' /proc/$MAIN/status)
		[ "$(cat "$W/size")" -gt $((64 * 1024 * 1024)) ]
		check $? fault-huge-64mb "$(cat "$W/size") bytes"
		[ $((hwm1 - hwm0)) -lt 16384 ]
		check $? fault-huge-streams "peak RSS grew by $((hwm1 - hwm0)) kB"
	fi
	T=5
fi

if selected fault-drip; then
	T=2
	get /ip/198.51.100.10 -o /dev/null -w '%{size_download}' >"$W/size"
	want fault-drip-timeout 28 $?
	T=5
	get /ip/198.51.100.11 -o "$W/b" -w '%{http_code} %{time_total}' \
	    >"$W/t"
	want fault-drip-body '{"errorCode":404,"title":"Not Found"}' \
	    "$(cat "$W/b")"
	awk '{ exit !($1 == 404 && $2 >= 0.1) }' "$W/t"
	check $? fault-drip-slow "$(cat "$W/t"): not dripped"
fi

if selected fault-hang; then
	# Twenty silent connections hold no one else up.
	T=3
	i=0
	jobs=
	while [ $i -lt 20 ]; do
		get /ip/198.51.100.20 -o /dev/null &
		jobs="$jobs $!"
		i=$((i + 1))
	done
	T=5
	sleep 0.3
	get /ip/8.8.8.8 -o /dev/null -w '%{http_code} %{time_total}' >"$W/t"
	awk '{ exit !($1 == 200 && $2 < 1) }' "$W/t"
	check $? fault-hang-others-served "$(cat "$W/t")"
	for j in $jobs; do
		wait "$j"
	done
	T=2
	get /ip/198.51.100.20 -o /dev/null -w '%{time_total}' >"$W/t"
	want fault-hang-timeout 28 $?
	T=5
	awk '{ exit !($1 >= 1.9) }' "$W/t"
	check $? fault-hang-waited "$(cat "$W/t")"
fi

if selected fault-reset; then
	get /ip/198.51.100.21 -o /dev/null
	rc=$?
	[ $rc -eq 56 ] || [ $rc -eq 52 ]
	check $? fault-reset "curl exit $rc, want 56 or 52"
	want fault-reset-then-200 200 "$(get /ip/8.8.8.8 -o /dev/null \
	    -w '%{http_code}')"
fi

if selected fault-redirect; then
	get /ip/66.249.66.1 -D "$W/h" -o /dev/null -w '%{http_code}' >"$W/code"
	want fault-redirect-301 301 "$(cat "$W/code")"
	want fault-redirect-location \
	    "http://127.0.0.1:$HTTP/moved/ip/66.249.66.1" \
	    "$(header "$W/h" Location)"
	get /ip/66.249.66.1 -L --max-redirs 3 -o "$W/b" \
	    -w '%{http_code} %{num_redirects}' >"$W/code"
	want fault-redirect-follow "200 1" "$(cat "$W/code")"
	grep -q 'Example Search Inc\.' "$W/b"
	check $? fault-redirect-fixture "no fixture at the redirect's end"
fi

# --- whois ------------------------------------------------------------------

if selected whois-answers; then
	whois "$WHOIS" 'n + 8.8.8.8' >"$W/w"
	grep -q '^CIDR: *8\.8\.8\.0/24' "$W/w"
	check $? whois-most-specific "8.8.8.8 not from 8.8.8.0/24"
	whois "$WHOIS" 'n + 8.100.0.1' | grep -q '^NetName: *EXAMPLE-TRANSIT-8'
	check $? whois-arin-syntax "8.100.0.1"
	whois "$WHOIS" '-B 193.0.0.1' | grep -q "Abuse contact for .* is 'abuse@ncc.example'"
	check $? whois-ripe-syntax "-B 193.0.0.1"
	whois "$WHOIS" '200.57.141.161' | grep -q '^inetnum: *200\.57\.128/19'
	check $? whois-lacnic "200.57.141.161"
	whois "$WHOIS" '2001:db8::1' | grep -q '^NetName: *EXAMPLE-DOC-V6'
	check $? whois-ipv6 "2001:db8::1"
	want whois-not-found '% No entries found for the selected source(s).' \
	    "$(whois "$WHOIS" 'n + 9.9.9.9')"
	want whois-not-address '% No entries found for the selected source(s).' \
	    "$(whois "$WHOIS" 'help')"
fi

if selected whois-faults; then
	whois "$WHOIS" '-B 193.0.0.3' | grep -q '^%ERROR:201: access denied'
	check $? whois-ratelimit "no %ERROR:201"
	whois "$WHOIS" '198.51.100.40' >"$W/w"
	[ -s "$W/w" ] && [ "$(tr -d '[:print:]\n' <"$W/w" | wc -c)" -gt 100 ]
	check $? whois-garbage "not binary junk"
	WT=2
	whois "$WHOIS" '198.51.100.41' >/dev/null
	want whois-hang 124 $?
	WT=5
	whois "$WHOIS" 'n + 198.51.100.42' >"$W/w"
	grep -q '^ReferralServer: *whois://127\.0\.0\.1:4343$' "$W/w"
	check $? whois-referral "$(cat "$W/w")"
	! grep -q '^NetRange\|^OrgName' "$W/w"
	check $? whois-referral-only "more than a referral"
	whois "$WHOIS" '198.51.100.43' >"$W/w"
	want whois-drip '% No entries found for the selected source(s).' \
	    "$(cat "$W/w")"
	whois "$WHOIS" '198.51.100.44' >"$W/w" 2>/dev/null
	[ ! -s "$W/w" ]
	check $? whois-reset "an answer came"
fi

# --- latency, wildcards -----------------------------------------------------

if selected latency; then
	start slow -l 400 --fault 'status:*:502' --fault 'status:8.8.8.0/24:503'
	check $? latency-start "$(cat "$W/slow.err")"
	SLOW=$PID
	get /ip/8.8.8.8 -o /dev/null -w '%{http_code} %{time_total}' >"$W/t"
	awk '{ exit !($1 == 503 && $2 >= 0.39) }' "$W/t"
	check $? latency-rdap "$(cat "$W/t")"
	want wildcard-v4 502 "$(get /ip/1.2.3.4 -o /dev/null -w '%{http_code}')"
	want wildcard-v6 502 "$(get /ip/2001:db8::1 -o /dev/null \
	    -w '%{http_code}')"
	# four at once take one latency, not four
	jobs=
	for i in 1 2 3 4; do
		get /ip/8.8.8.$i -o /dev/null -w '%{time_total}\n' >"$W/t$i" &
		jobs="$jobs $!"
	done
	for j in $jobs; do
		wait "$j"
	done
	cat "$W/t1" "$W/t2" "$W/t3" "$W/t4" >"$W/t"
	awk '$1 < 0.39 || $1 > 1.0 { bad = 1 } END { exit bad }' "$W/t"
	check $? latency-concurrent "times $(tr '\n' ' ' <"$W/t")"
	s0=$(date +%s.%N)
	whois "$WHOIS" 'n + 8.8.8.8' >/dev/null
	s1=$(date +%s.%N)
	echo "$s0 $s1" | awk '{ exit !($2 - $1 >= 0.39) }'
	check $? latency-whois "$s0 .. $s1"
	kill -TERM $SLOW
	gone_within 10 $SLOW
	check $? latency-stop "still running"
	wait $SLOW 2>/dev/null
fi

# --- counters and ending ----------------------------------------------------

if selected counters; then
	start cnt
	check $? counters-start "$(cat "$W/cnt.err")"
	CNT=$PID
	get /ip/8.8.8.8 -o /dev/null
	get /ip/8.8.8.8 -o /dev/null
	get /ip/2001%3Adb8%3A%3A1 -o /dev/null
	whois "$WHOIS" 'n + 8.8.8.8' >/dev/null
	cat >"$W/want" <<-EOF
	rdap_requests 3
	whois_requests 1
	rdap_connections 3
	whois_connections 1
	path /ip/2001%3Adb8%3A%3A1 1
	path /ip/8.8.8.8 2
	query n + 8.8.8.8 1
	EOF
	counts cnt $CNT >"$W/got"
	cmp -s "$W/want" "$W/got"
	check $? counters-usr1 "$(diff "$W/want" "$W/got")"
	alive $CNT
	check $? counters-usr1-runs-on "stopped on SIGUSR1"
	rm -f "$W/cnt.counts"
	kill -TERM $CNT
	gone_within 10 $CNT
	check $? sigterm-within-1s "still running 1 s after SIGTERM"
	wait $CNT
	want sigterm-status 0 $?
	cmp -s "$W/want" "$W/cnt.counts"
	check $? counters-at-exit "$(diff "$W/want" "$W/cnt.counts" 2>&1)"
	no_temp
	check $? counters-no-temp "a temporary file was left"
	[ ! -s "$W/cnt.err" ]
	check $? quiet-without-v "$(cat "$W/cnt.err")"
fi

if selected verbose; then
	start verb -v
	check $? verbose-start "$(cat "$W/verb.err")"
	get /ip/8.8.8.8 -o /dev/null
	kill -TERM $PID
	wait $PID
	grep -q 'rdap GET /ip/8.8.8.8 200' "$W/verb.err"
	check $? verbose-log "$(cat "$W/verb.err")"
fi

if selected sigint; then
	start int
	kill -INT $PID
	gone_within 10 $PID
	check $? sigint-within-1s "still running 1 s after SIGINT"
	wait $PID
	[ -s "$W/int.counts" ]
	check $? sigint-counters "no counters file"
fi

if selected parent-death; then
	rm -f "$W/orphan.ports"
	# The shell that starts it exits after a second; the server goes too.
	sh -c '"$1" -d "$2" -p "$3" -t 60 & echo $! >"$4"; sleep 1' parent \
	    "$TESTSERVER" "$FIXTURES" "$W/orphan.ports" "$W/orphan.pid" \
	    2>"$W/orphan.err"
	orphan=$(cat "$W/orphan.pid")
	STARTED="$STARTED $orphan"
	[ -s "$W/orphan.ports" ]
	check $? parent-death-started "never wrote its port file"
	gone_within 10 "$orphan"
	check $? parent-death "outlived its parent by 1 s"
fi

if selected time-limit; then
	start capped -t 1
	check $? time-limit-start "$(cat "$W/capped.err")"
	gone_within 25 $PID
	check $? time-limit "still running 2.5 s after -t 1"
	wait $PID
	want time-limit-status 2 $?
fi

if selected bad-options; then
	for spec in 'bogus:*' 'status:1.2.3.4:99' 'status:1.2.3.4' \
	    'hang:1.2.3.4:5' 'status:2001:db8::1:500' 'huge:*:0' \
	    'redirect:1.2.3.0/24' 'status:1.2.3.0/33:500'; do
		"$TESTSERVER" -d "$FIXTURES" -t 5 --fault "$spec" \
		    >/dev/null 2>"$W/bad.err"
		want "bad-fault $spec" 1 $?
	done
	"$TESTSERVER" -d "$FIXTURES" -t 5 -l x >/dev/null 2>&1
	want bad-latency 1 $?
	"$TESTSERVER" -d "$W/no-such-dir" -t 5 >/dev/null 2>&1
	want bad-fixture-dir 1 $?
fi

# --- the main server's end --------------------------------------------------

kill -TERM $MAIN
gone_within 10 $MAIN
check $? main-sigterm-within-1s "still running 1 s after SIGTERM"
wait $MAIN
want main-status 0 $?
grep -q '^rdap_requests [0-9]' "$W/main.counts"
check $? main-counters "no counters file at exit"

left=
for p in $STARTED; do
	alive "$p" && left="$left $p"
done
want no-process-left "" "$left"

# Under -fsanitize, any report fails the run.
if grep -l 'Sanitizer\|runtime error:' "$W"/*.err >"$W/san" 2>/dev/null; then
	fail sanitizers "$(xargs head -n 30 <"$W/san")"
else
	ok sanitizers
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
