#!/usr/bin/env bash
# check.sh [--sf SF] [qN ...] — run the TPC-H queries on Cinder and compare
# each answer with DuckDB's (tests/tpch/expected/sf<SF>/qN.tsv, made by
# make-expected.sh; committed for SF 0.01). Prints PASS/FAIL per query and a
# final "N passed, N failed" line; exit status 1 when any query failed.
#   CINDER   the binary (default build/cinder)
#   MASTER   --master value (default local[2])
#   TIMEOUT  seconds per query (default 600)
#   CACHED   non-empty: CACHE TABLE every table before the query (cached mode)
# The data (tests/data/tpch-sf<SF>, git-ignored) is generated when missing.
# Each query runs as one `cinder sql -f` script: tests/tpch/ddl.sql with
# ${TPCH_DIR} substituted, then the query. Rows compare unordered unless the
# query has ORDER BY; see compare.py.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
SF=0.01
if [ "${1:-}" = "--sf" ]; then SF=$2; shift 2; fi
CINDER=${CINDER:-$ROOT/build/cinder}
MASTER=${MASTER:-local[2]}
TIMEOUT=${TIMEOUT:-600}
EXPECTED=tests/tpch/expected/sf$SF
DATA=$ROOT/tests/data/tpch-sf$SF
queries=("$@")
[ ${#queries[@]} -gt 0 ] || queries=($(seq -f 'q%g' 1 22))

passed=0
failed=0
if [ ! -d "$EXPECTED" ]; then
    echo "no expected answers in $EXPECTED (run tests/tpch/make-expected.sh $SF)"
    echo "0 passed, ${#queries[@]} failed"
    exit 1
fi
if ! CINDER=$CINDER tests/tpch/gen-data.sh "$SF" "$DATA" >/dev/null; then
    echo "cannot generate TPC-H data at SF $SF"
    echo "0 passed, ${#queries[@]} failed"
    exit 1
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
sed "s|\${TPCH_DIR}|$DATA|g" tests/tpch/ddl.sql > "$TMP/ddl.sql"

for q in "${queries[@]}"; do
    q=${q%.sql}
    qfile=tests/tpch/queries/$q.sql
    {
        cat "$TMP/ddl.sql"
        echo
        if [ -n "${CACHED:-}" ]; then # cached mode: every table in memory first
            for t in region nation supplier customer part partsupp orders lineitem; do echo "CACHE TABLE $t;"; done
        fi
        cat "$qfile"
    } > "$TMP/$q.sql"
    start=$(date +%s%N)
    timeout "$TIMEOUT" "$CINDER" sql --master "$MASTER" --format tsv -f "$TMP/$q.sql" \
        > "$TMP/$q.out" 2> "$TMP/$q.err"
    status=$?
    secs=$(awk -v a="$start" -v b="$(date +%s%N)" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
    if [ $status -ne 0 ]; then
        what="exit status $status"
        [ $status -eq 124 ] && what="timed out after ${TIMEOUT}s"
        echo "FAIL $q ($what)"
        grep -v '^Time taken' "$TMP/$q.err" | head -n 5 | sed 's/^/    /'
        failed=$((failed + 1))
        continue
    fi
    opts=()
    grep -qi 'order by' "$qfile" && opts+=(--ordered)
    [ -f "$EXPECTED/$q.types" ] && opts+=(--types "$EXPECTED/$q.types")
    if python3 tests/tpch/compare.py "$TMP/$q.out" "$EXPECTED/$q.tsv" "${opts[@]}" > "$TMP/$q.diff"; then
        echo "PASS $q (${secs}s)"
        passed=$((passed + 1))
    else
        echo "FAIL $q (wrong answer)"
        cat "$TMP/$q.diff"
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
