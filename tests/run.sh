#!/usr/bin/env bash
# Cinder's test suite: unit tests, SQL golden tests, cinder sql's messages,
# TPC-H answers, the differential fuzzer, process tests (shared local dirs, PID
# namespaces, signals, the REPL), and the report over Spark's own golden files.
#   tests/run.sh [BUILD_DIR] [unit|sql|cli|plan|tpch|diff|process|spark|all]
# Ends with "N passed, N failed"; exit status 1 when anything failed. The
# report over ../shared/spark-sql-tests is informational (printed per file,
# not counted), since it measures how much of Spark the engine covers; but a
# sanitizer report from any process of the suite (ASan, UBSan, LSan: counted
# tests, the report, scripts) is a failure: ASan/LSan write theirs under one
# directory (log_path), cinder runs through a wrapper that keeps a stderr
# holding a UBSan report there too (UBSan with ASan ignores log_path), and the
# end counts each report as one failure and prints it. The differential fuzzer (tests/diff) runs a bounded,
# fixed-seed round with DuckDB as the oracle when it is installed.
set -u
BUILD=${1:-build}
WHAT=${2:-all}
cd "$(dirname "$0")/.."
CINDER=$PWD/$BUILD/cinder
export CINDER
passed=0
failed=0

count() { # add up the last "N passed, N failed" of a log
    local line p f
    line=$(grep -oE '[0-9]+ passed, [0-9]+ failed' "$1" | tail -n 1)
    if [ -z "$line" ]; then
        failed=$((failed + 1))
        echo "  (no result line: counted as one failure)"
        return
    fi
    p=${line%% passed*}
    f=${line#*, }
    f=${f%% failed*}
    passed=$((passed + p))
    failed=$((failed + f))
}

log=$(mktemp)
# Every cinder process of the suite keeps its shuffle files in one directory of its own
# (spark.local.dir through a defaults file), so the end can check that none were left.
localroot=$(mktemp -d)
mkdir -p "$localroot/conf" "$localroot/local"
echo "spark.local.dir $localroot/local" >"$localroot/conf/cinder-defaults.conf"
export CINDER_CONF_DIR=$localroot/conf
# ASan and LSan reports go to files here instead of stderr, where a test may not look
sandir=$localroot/sanitizer
mkdir -p "$sandir"
export CINDER_SANITIZER_DIR=$sandir
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$sandir/asan"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$sandir/ubsan"
export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}log_path=$sandir/lsan"
# UBSan built with ASan ignores log_path and writes to stderr: every script of the suite
# runs cinder through this wrapper, which keeps a copy of a stderr that holds a report
mkdir -p "$localroot/bin"
cat >"$localroot/bin/cinder" <<WRAP
#!/usr/bin/env bash
# stdin and the exit status pass through; a signal is passed on to cinder
tmp=\$(mktemp -d)
mkfifo "\$tmp/fifo"
tee "\$tmp/err" <"\$tmp/fifo" >&2 &
teepid=\$!
"$CINDER" "\$@" <&0 2>"\$tmp/fifo" &
pid=\$!
trap 'kill -TERM \$pid 2>/dev/null' TERM INT HUP
wait \$pid; rc=\$?
while kill -0 \$pid 2>/dev/null; do wait \$pid; rc=\$?; done
wait \$teepid
if grep -qE 'runtime error:|ERROR: (Address|Leak)Sanitizer' "\$tmp/err"; then cp "\$tmp/err" "$sandir/stderr-\$\$"; fi
rm -rf "\$tmp"
exit \$rc
WRAP
chmod +x "$localroot/bin/cinder"
CINDER_BIN=$CINDER
CINDER=$localroot/bin/cinder
export CINDER
trap 'rm -f "$log"; rm -rf "$localroot"' EXIT

if [ "$WHAT" = all ] || [ "$WHAT" = unit ]; then
    echo "== unit tests"
    for t in "$BUILD"/tests/test_*; do
        [ -x "$t" ] || continue
        "$t" >"$log" 2>&1
        status=$?
        tail -n 1 "$log"
        if [ $status -ne 0 ]; then grep -E '^FAIL|failed|ERROR|Sanitizer|runtime error:' "$log" | head -n 20; fi
        if grep -qE 'runtime error:|ERROR: (Address|Leak)Sanitizer' "$log"; then cp "$log" "$sandir/unit-${t##*/}"; fi
        count "$log"
        if [ $status -ne 0 ] && ! grep -qE ' [1-9][0-9]* failed' "$log"; then
            failed=$((failed + 1)); echo "  $t exited with status $status"
        fi
    done
    echo "== every error class raised in src/ has a row in the error table"
    python3 tests/unit/check_error_classes.py >"$log" 2>&1
    grep -vE '^PASS' "$log"
    count "$log"
fi

if [ "$WHAT" = all ] || [ "$WHAT" = sql ]; then
    echo "== SQL golden tests (tests/sql)"
    python3 tests/golden/run_golden.py "$CINDER" tests/sql/inputs tests/sql/results --strict --verbose >"$log" 2>&1
    cat "$log"
    count "$log"
fi

if [ "$WHAT" = all ] || [ "$WHAT" = cli ]; then
    echo "== cinder sql: messages, positions, settings (tests/cli)"
    python3 tests/cli/check_cli.py "$CINDER" >"$log" 2>&1
    grep -vE '^PASS' "$log"
    count "$log"
    echo "== output formats of cinder sql (tests/cli)"
    python3 tests/cli/check_formats.py "$CINDER" >"$log" 2>&1
    grep -vE '^PASS' "$log"
    count "$log"
fi

if [ "$WHAT" = all ] || [ "$WHAT" = plan ]; then
    echo "== plan shapes through EXPLAIN (tests/plan)"
    python3 tests/plan/check_plans.py >"$log" 2>&1
    grep -vE '^PASS' "$log"
    count "$log"
fi

if [ "$WHAT" = all ] || [ "$WHAT" = tpch ]; then
    echo "== TPC-H (SF 0.01, answers from DuckDB)"
    if [ -x tests/tpch/check.sh ]; then
        tests/tpch/check.sh >"$log" 2>&1
        grep -vE '^PASS' "$log"
        count "$log"
        echo "== TPC-H, cached tables (CACHE TABLE first)"
        CACHED=1 tests/tpch/check.sh >"$log" 2>&1
        grep -vE '^PASS' "$log"
        count "$log"
        echo "== TPC-H, no broadcasts (every join shuffled: sort-merge joins)"
        mkdir -p "$localroot/smj"
        { cat "$localroot/conf/cinder-defaults.conf"; echo "spark.sql.autoBroadcastJoinThreshold -1";
          echo "spark.sql.adaptive.maxShuffledHashJoinLocalMapThreshold 0"; } >"$localroot/smj/cinder-defaults.conf"
        CINDER_CONF_DIR=$localroot/smj tests/tpch/check.sh >"$log" 2>&1
        grep -vE '^PASS' "$log"
        count "$log"
        echo "== TPC-H, joins decided at run time (adaptive: broadcast under 64 KiB, else shuffled hash)"
        mkdir -p "$localroot/aqe"
        { cat "$localroot/conf/cinder-defaults.conf"; echo "spark.sql.autoBroadcastJoinThreshold -1";
          echo "spark.sql.adaptive.autoBroadcastJoinThreshold 64k"; } >"$localroot/aqe/cinder-defaults.conf"
        CINDER_CONF_DIR=$localroot/aqe tests/tpch/check.sh >"$log" 2>&1
        grep -vE '^PASS' "$log"
        count "$log"
    else
        echo "  tests/tpch/check.sh missing"; failed=$((failed + 1))
    fi
fi

if [ "$WHAT" = all ] || [ "$WHAT" = diff ]; then
    echo "== differential query fuzzer (tests/diff: DuckDB as oracle, metamorphic checks; fixed seed)"
    DIFF_LOG=0 DIFF_ARGS="--max-seconds ${DIFF_SECONDS:-75} --max-reports 5 --shrink-seconds 20 --skip-known" \
        tests/diff/run.sh "${DIFF_QUERIES:-2500}" 20261203 >"$log" 2>&1
    grep -vE '^(--   |  .*: [0-9]+ agree, 0 differ)' "$log" | head -n 200
    count "$log"
fi

if [ "$WHAT" = all ] || [ "$WHAT" = process ]; then
    echo "== processes: shared local dirs, PID namespaces, signals, REPL Ctrl-C (tests/process)"
    # these signal and kill cinder by its PID: the binary itself, not the wrapper
    CINDER=$CINDER_BIN tests/process/run.sh "$BUILD" >"$log" 2>&1
    grep -vE '^PASS' "$log"
    count "$log"
fi

if [ "$WHAT" = all ] || [ "$WHAT" = spark ]; then
    SPARK=../shared/spark-sql-tests
    if [ -d "$SPARK" ]; then
        echo "== Spark's golden files (report, not counted)"
        python3 tests/golden/run_golden.py "$CINDER" "$SPARK/inputs" "$SPARK/results"
    fi
fi

if [ "$WHAT" != unit ]; then
    echo "== no shuffle files left behind under spark.local.dir"
    if [ -z "$(ls -A "$localroot/local")" ]; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        ls -R "$localroot/local" | head -n 10
    fi
fi

echo "== sanitizer reports (ASan/UBSan/LSan, any process of the suite)"
nrep=0
for f in "$sandir"/*; do
    [ -s "$f" ] || continue
    nrep=$((nrep + 1))
    echo "  report $f:"
    grep -E 'runtime error:|Sanitizer|SUMMARY|^ *#[0-9]' "$f" | head -n 12 | sed 's/^/    /'
done
if [ "$nrep" -eq 0 ]; then
    passed=$((passed + 1))
else
    failed=$((failed + nrep))
    echo "  $nrep sanitizer report(s): each counted as a failure"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
