#!/usr/bin/env bash
# The demo job: generate a small TPC-H dataset, run a few queries in local mode, show the results.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
SF=${SF:-0.1}
DIR=${DEMO_DIR:-/tmp/cinder-demo-sf$SF}
if [ ! -f "$DIR/lineitem.tbl" ]; then
    echo "== generating TPC-H SF $SF into $DIR"
    "$BUILD/cinder" datagen tpch --sf "$SF" --out "$DIR"
fi
script=$(mktemp)
trap 'rm -f "$script"' EXIT
sed "s|\${TPCH_DIR}|$DIR|g" tests/tpch/ddl.sql >"$script"
for q in 1 3 6; do
    echo "-- TPC-H Q$q" >>"$script"
    cat "tests/tpch/queries/q$q.sql" >>"$script"
    printf ';\n' >>"$script"
done
echo "== running TPC-H Q1, Q3, Q6 in local[2]"
"$BUILD/cinder" sql --master 'local[2]' --format table -f "$script"
