#!/bin/sh
# make check: every stage of the suite, each quiet unless it fails, then
# one line with the totals: "N passed, N failed" (", N skipped" when some
# checks had no real data to read, or were left to another stage: the
# clone test runs in the plain one, not under the sanitizers).
#
#	sh tests/check.sh STAGE...	(a stage is a make target)
#
# A stage's own output is kept and shown only when it fails.  Check's
# suites count "NN%: Checks: N, Failures: F, Errors: E"; the shell suites
# print "N passed, N failed" and "skip: ..." lines.

set -u
LOG=$(mktemp "${TMPDIR:-/tmp}/ipwhois-check.XXXXXX") || exit 1
trap 'rm -f "$LOG"' EXIT
passed=0
failed=0
skipped=0
broken=0

# counts FILE: "passed failed skipped" of a stage's output.
counts() {
	awk '
	/^[0-9]+%: Checks: / {
		gsub(",", "")
		p += $3 - $5 - $7; f += $5 + $7
	}
	/^[0-9]+ passed, [0-9]+ failed/ { p += $1; f += $3 }
	/^skip: / { s++ }
	/skipped: realdata/ { s++; p-- }
	END { printf "%d %d %d\n", p, f, s }' "$1"
}

for stage in "$@"; do
	t0=$(date +%s)
	make -s "$stage" >"$LOG" 2>&1
	st=$?
	secs=$(($(date +%s) - t0))
	set -- $(counts "$LOG")
	passed=$((passed + $1))
	failed=$((failed + $2))
	skipped=$((skipped + $3))
	if [ "$st" -ne 0 ] || [ "$2" -ne 0 ]; then
		cat "$LOG"
		echo "$stage: FAILED (status $st): $1 passed, $2 failed"
		[ "$2" -eq 0 ] && broken=$((broken + 1))
	else
		echo "$stage: $1 passed, 0 failed${3:+, $3 skipped} ($secs s)" |
		    sed 's/, 0 skipped (/ (/'
	fi
done
# A stage that failed without a failed check (a build error) counts once.
failed=$((failed + broken))
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
