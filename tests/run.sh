#!/usr/bin/env bash
# Cinder's test suite: unit tests, SQL golden tests, cinder sql's messages,
# TPC-H answers, process tests (shared local dirs, PID namespaces, signals, the
# REPL), and the report over Spark's own golden files.
#   tests/run.sh [BUILD_DIR] [unit|sql|cli|plan|tpch|process|spark|all]
# Ends with "N passed, N failed"; exit status 1 when anything failed. The
# report over ../shared/spark-sql-tests is informational (printed per file,
# not counted), since it measures how much of Spark the engine covers.
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
trap 'rm -f "$log"; rm -rf "$localroot"' EXIT

if [ "$WHAT" = all ] || [ "$WHAT" = unit ]; then
    echo "== unit tests"
    for t in "$BUILD"/tests/test_*; do
        [ -x "$t" ] || continue
        "$t" >"$log" 2>&1
        status=$?
        tail -n 1 "$log"
        if [ $status -ne 0 ]; then grep -E '^FAIL|failed|ERROR|Sanitizer' "$log" | head -n 20; fi
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

if [ "$WHAT" = all ] || [ "$WHAT" = process ]; then
    echo "== processes: shared local dirs, PID namespaces, signals, REPL Ctrl-C (tests/process)"
    tests/process/run.sh "$BUILD" >"$log" 2>&1
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

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
