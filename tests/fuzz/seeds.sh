#!/bin/sh
# The fuzzers' seed corpora, from the fixtures in tests/data:
#
#	sh tests/fuzz/seeds.sh DATA OUT
#
# makes OUT/NAME for each harness tests/fuzz/fuzz_NAME.c: the logs split
# into lines (and each log's first lines whole, for detection), the RDAP
# and whois answers whole, small compressed logs whole and cut short.
# Seeds are named by their checksum, so running it again adds nothing.

set -eu
DATA=$1
OUT=$2

# seed NAME: standard input as one seed of OUT/NAME.
seed() {
	mkdir -p "$OUT/$1"
	tmp="$OUT/$1/.new"
	cat >"$tmp"
	sum=$(cksum <"$tmp" | cut -d' ' -f1)
	mv "$tmp" "$OUT/$1/$sum"
}

# lines NAME FILE...: each line of the files a seed, named FILE-LINE.
lines() {
	name=$1
	shift
	mkdir -p "$OUT/$name"
	for f in "$@"; do
		awk -v out="$OUT/$name/${f##*/}" \
		    '{ f = out "-" FNR; printf "%s", $0 > f; close(f) }' "$f"
	done
}

LOGS=$(ls "$DATA"/*.log "$DATA"/*.jsonl "$DATA"/*.csv 2>/dev/null)

# Log formats: each file's start (what detection reads), and each line.
for f in $LOGS; do
	head -n 64 "$f" | seed logfmt
done
# shellcheck disable=SC2086
lines logfmt $LOGS

# Addresses, times, X-Forwarded-For: from the lines that hold them.
# shellcheck disable=SC2086
lines ip "$DATA/v6forms.log" "$DATA/xff.log" "$DATA/sample.log" \
    "$DATA/auth.log"
# shellcheck disable=SC2086
cat $LOGS | grep -Eo '[0-9]{2}/[A-Z][a-z]{2}/[0-9]{4}:[0-9:]{8} [-+][0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9:]{8}[.,0-9]*(Z|[-+][0-9:]{4,5})?|[A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8}|1[0-9]{9}(\.[0-9]+)?' |
    sort -u | while IFS= read -r t; do printf '%s' "$t" | seed time; done
grep -Eo '"[^"]*[0-9][.:][0-9a-f][^"]*"' "$DATA/xff.log" |
    tr -d '"' | sort -u | while IFS= read -r x; do
	printf '10.0.0.1 %s' "$x" | seed xff
done
printf '10.0.0.1 1.2.3.4, 10.0.0.2, [2001:db8::1]:80' | seed xff

# Text for report fields and messages: what whois servers say.
lines text "$DATA"/server/whois/*

# --log-format: a format string, then lines in it.
printf '%s\n%s\n' '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"' \
    '1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.1" 200 2326 "-" "curl/8" "5.6.7.8, 10.0.0.1"' |
    seed logformat
printf '%s\n%s\n' '%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i"' \
    '192.0.2.7 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326 "http://x/" "Mozilla/4.08"' |
    seed logformat
printf '%s\n%s\n' '%v:%p %a %{%Y-%m-%d %H:%M:%S}t %B %{X-Forwarded-For}i' \
    'www.example.com:443 2001:db8::7 2024-03-10 12:00:00 512 203.0.113.9' |
    seed logformat
printf '%s\n%s\n' '$realip_remote_addr [$time_iso8601] $bytes_sent $request_time' \
    '[2001:db8::1] [2024-03-10T12:00:00+01:00] 1024 0.003' | seed logformat

# Registry answers, whole.
for f in "$DATA"/server/rdap/*; do seed rdap <"$f"; done
for f in "$DATA"/server/whois/*; do seed whois <"$f"; done

# Compressed logs, whole and cut short; and one plain.
head -n 20 "$DATA/sample.log" >"$OUT/.plain"
for z in gzip bzip2 xz zstd; do
	command -v $z >/dev/null 2>&1 || continue
	$z -c <"$OUT/.plain" >"$OUT/.z" 2>/dev/null || continue
	seed input <"$OUT/.z"
	size=$(wc -c <"$OUT/.z")
	head -c $((size / 2)) "$OUT/.z" | seed input
	head -c $((size - 4)) "$OUT/.z" | seed input
done
seed input <"$OUT/.plain"
rm -f "$OUT/.plain" "$OUT/.z"

# Frames: an answer's enums and range, then its fields by lines.
for f in "$DATA"/server/whois/*; do
	{ printf '\000\003\000\002\001'
	  printf '\000\000\000\000\000\000\000\000\000\000\377\377\010\000\000\000'
	  printf '\000\000\000\000\000\000\000\000\000\000\377\377\010\377\377\377'
	  sed -n '1,7p' "$f"; } | seed frame
done

# Cache rows: 14 values split by 0x1f, each typed by its first byte.
row() {
	printf 'b\000\000\000\000\000\000\000\000\000\000\377\377\010\010\010\000\037'
	printf 'b\000\000\000\000\000\000\000\000\000\000\377\377\010\010\010\377\037'
	printf 'i\000\037i\003\037i\000\037i\001\037i\200\345\247\145\037'
	printf '%b\037' "$@"
}
row t8.8.8.0/24 tLVLT-GOGL-8-8-8 'tGoogle LLC' tUS t15169 tGOOGLE \
    tnetwork-abuse@google.com | seed cache
row 't2001:db8::/32' n 't\033[31mred\302\205' tZZ i n 'r1' | seed cache
