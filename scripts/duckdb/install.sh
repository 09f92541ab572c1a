#!/bin/sh
# install.sh — install DuckDB's Node API (npm @duckdb/node-api) into
# tests/.duckdb/node_modules (git-ignored) unless it is already there.
# Used by tests/tpch/make-expected.sh and bench/tpch. Needs node and npm.
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DIR="$ROOT/tests/.duckdb"
VERSION="${DUCKDB_NODE_VERSION:-1.5.6-r.1}"
if [ -f "$DIR/node_modules/@duckdb/node-api/package.json" ]; then
    exit 0
fi
command -v npm >/dev/null 2>&1 || { echo "install.sh: npm is needed to install DuckDB" >&2; exit 1; }
mkdir -p "$DIR"
[ -f "$DIR/package.json" ] || echo '{ "private": true }' > "$DIR/package.json"
echo "installing @duckdb/node-api@$VERSION into $DIR" >&2
(cd "$DIR" && npm install --no-audit --no-fund --loglevel=error "@duckdb/node-api@$VERSION" >&2)
