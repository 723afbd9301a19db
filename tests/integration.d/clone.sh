# A fresh clone passes its unit tests: the committed tree builds and its
# tests run with nothing but what git holds, and no real-data folder
# beside it (the tests that read one say they skip).  Sourced by
# tests/integration.sh, whose helpers (ok, fail, check, skip) and
# variables ($W) these use.
#
# What is tested is HEAD as committed: uncommitted changes are not in the
# clone.  One build of the unit tests (make -j2, unoptimized), minutes on two
# cores; IPWHOIS_NO_CLONE_TEST=1 skips it, and make sanitize sets it, as
# a sanitizer build of the clone would only build everything again.

CLONE_T=900			# seconds the clone's build and tests may take

t_clone() {
	if [ -n "${IPWHOIS_NO_CLONE_TEST:-}" ]; then
		skip "clone (IPWHOIS_NO_CLONE_TEST is set)"
		return
	fi
	if ! command -v git >/dev/null 2>&1; then
		skip "clone (git not installed)"
		return
	fi
	# The top of a checkout, and this tree's own (not one it was unpacked
	# into).
	if ! top=$(git rev-parse --show-toplevel 2>/dev/null) ||
	    [ "$(cd "$top" && pwd -P)" != "$(pwd -P)" ]; then
		skip "clone (not a git checkout)"
		return
	fi
	# $W/clone/ipwhois: its ../shared does not exist.
	mkdir -p "$W/clone"
	if ! git clone -q "$top" "$W/clone/ipwhois" >"$W/clone.log" 2>&1; then
		fail "clone: git clone" "$(head -c 300 "$W/clone.log")"
		return
	fi
	# Nothing of this run's make (its flags, jobserver, build directory)
	# or of its real-data folder reaches the clone's.
	(cd "$W/clone/ipwhois" && exec env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    -u B -u BIN -u CFLAGS -u LDFLAGS -u IPWHOIS_REALDATA \
	    timeout $CLONE_T make -s -j2 CFLAGS="-O0 -g" unit) >"$W/clone.log" 2>&1
	st=$?
	n=$(grep -c '^[0-9]*%: Checks: ' "$W/clone.log")
	bad=$(grep -c -e '^[0-9]*%: Checks: .*Failures: [1-9]' \
	    -e '^[0-9]*%: Checks: .*Errors: [1-9]' "$W/clone.log")
	skipped=$(grep -c 'skipped: realdata not found' "$W/clone.log")
	if [ "$st" = 0 ] && [ "$n" -gt 0 ] && [ "$bad" = 0 ]; then
		ok "clone: make unit passes in a fresh clone ($n suites)"
	else
		# Indented, so that tests/check.sh does not count the
		# clone's checks as this suite's.
		fail "clone: make unit in a fresh clone" \
		    "status $st, $n suites, $bad failing; the end of its output:"
		grep -v '^skipped: realdata' "$W/clone.log" | tail -n 30 |
		    sed 's/^/    /'
	fi
	[ "$skipped" -gt 0 ]
	check $? "clone: real-data tests say they skip ($skipped)" \
	    "none of the clone's tests said it skipped for want of real data"
}

TESTS="$TESTS clone"
