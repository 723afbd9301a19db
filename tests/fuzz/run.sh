#!/bin/sh
# make fuzz: each libFuzzer harness in turn, SECONDS seconds on its corpus
# (the seeds, what earlier runs found, and tests/fuzz/regress/NAME, every
# input of which runs first).  One "ok" or "FAIL" per harness, then
# "N passed, N failed" like the other stages of make check.
#
#	sh tests/fuzz/run.sh DIR SECONDS NAME...
#
# DIR holds fuzz_NAME and corpus/NAME (make fuzz builds them).  Runs of
# a minute or more keep what they find in DIR/work/NAME and start from
# it next time; shorter ones (make check's) start from the seeds alone,
# so that they take the same time however long the last run was.  A
# crash goes to DIR/crash/NAME-*, to be kept in tests/fuzz/regress/NAME
# with the fix.  A harness's output is shown only when it fails.

set -u
DIR=$1
SECONDS_EACH=$2
shift 2
passed=0
failed=0

for name in "$@"; do
	bin=$DIR/fuzz_$name
	work=$DIR/work/$name
	if [ "$SECONDS_EACH" -lt 60 ]; then
		work=$DIR/scratch/$name
		rm -rf "$work"
	fi
	regress=tests/fuzz/regress/$name
	log=$DIR/log/$name
	mkdir -p "$work" "$DIR/crash" "$DIR/log" "$DIR/corpus/$name"
	set -- "$work" "$DIR/corpus/$name"
	[ -d "$regress" ] && set -- "$@" "$regress"
	# Lines of 4 KB say what longer ones would; -rss_limit_mb and
	# -timeout catch what grows without end.
	if "$bin" -max_total_time="$SECONDS_EACH" -max_len=4096 -timeout=60 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix="$DIR/crash/$name-" "$@" >"$log" 2>&1; then
		passed=$((passed + 1))
		echo "ok: fuzz_$name," \
		    "$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")" \
		    "runs"
	else
		failed=$((failed + 1))
		tail -n 60 "$log"
		echo "FAIL: fuzz_$name: see $log; the input is in" \
		    "$DIR/crash/$name-*: keep it in $regress/"
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
