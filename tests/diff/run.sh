#!/usr/bin/env bash
# tests/diff/run.sh N_QUERIES [SEED] — the differential and metamorphic query fuzzer
# (tests/diff/README.md). Runs N_QUERIES random queries in Cinder, in DuckDB (when
# scripts/duckdb/install.sh could install it) and under varied Cinder settings;
# prints each difference with a shrunk reproducer and appends the run to
# tests/diff/logs/runs.md. Ends with "diff: N passed, N failed" (one check per
# comparison kind); exit status 1 when any difference was found.
#   CINDER=path/to/cinder         (default build/cinder)
#   CINDER_CONF="k=v k2=v2"       extra --conf for every Cinder run, e.g.
#                                 CINDER_CONF="cinder.test.reinject=null-key-slot"
#   DIFF_ARGS="--max-seconds 80"  more options for fuzz.py
#   DIFF_LOG=0                    do not write the log (the bounded run of make test)
set -u
cd "$(dirname "$0")/../.."
N=${1:?usage: tests/diff/run.sh N_QUERIES [SEED]}
SEED=${2:-}
# a copy of the binary, so that a rebuild during a long run does not pull it away
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp "${CINDER:-build/cinder}" "$tmp/cinder" || exit 2
args=(--cinder "$tmp/cinder" --queries "$N")
[ -n "$SEED" ] && args+=(--seed "$SEED")
for kv in ${CINDER_CONF:-}; do args+=(--conf "$kv"); done
[ "${DIFF_LOG:-1}" = 0 ] || args+=(--log tests/diff/logs/runs.md)
if [ ! -f tests/.duckdb/node_modules/@duckdb/node-api/package.json ] && [ -z "${DUCKDB_NODE_MODULES:-}" ]; then
    scripts/duckdb/install.sh >/dev/null 2>&1 || true
fi
# shellcheck disable=SC2086
python3 tests/diff/fuzz.py "${args[@]}" ${DIFF_ARGS:-}
