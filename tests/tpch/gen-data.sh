#!/usr/bin/env bash
# gen-data.sh SF DIR — make sure DIR holds the TPC-H tables at scale factor SF.
# Uses `$CINDER datagen tpch` (default build/cinder); when that binary is not
# built, compiles the generator (src/datagen + src/base) into a small driver.
# A stamp file records SF and a hash of the generator's sources, so the data
# is regenerated whenever the generator changes.
set -euo pipefail
SF=$1
DIR=$2
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CINDER=${CINDER:-$ROOT/build/cinder}
HASH=$(cat "$ROOT"/src/datagen/*.[ch] | md5sum | cut -d' ' -f1)
STAMP="sf=$SF gen=$HASH"
if [ -f "$DIR/.stamp" ] && [ "$(cat "$DIR/.stamp")" = "$STAMP" ] && [ -f "$DIR/lineitem.tbl" ]; then
    exit 0
fi
mkdir -p "$DIR"
rm -f "$DIR/.stamp"
if [ -x "$CINDER" ] && "$CINDER" datagen tpch --sf "$SF" --out "$DIR" --threads 2; then
    :
else
    echo "gen-data.sh: $CINDER unavailable, compiling the generator directly" >&2
    TMP=$(mktemp -d)
    trap 'rm -rf "$TMP"' EXIT
    cat > "$TMP/main.c" <<'CEOF'
#include "datagen/tpch.h"
#include <stdio.h>
int main(int argc, char **argv)
{
    cn_error e;
    cn_error_init(&e);
    if (argc < 3) return 2;
    if (cn_datagen_tpch(atof(argv[1]), argv[2], 2, &e) != 0) {
        char buf[1024];
        fprintf(stderr, "%s\n", cn_error_message(&e, buf, sizeof buf));
        return 1;
    }
    return 0;
}
CEOF
    ${CC:-cc} -std=gnu11 -O2 -I"$ROOT/src" "$TMP/main.c" "$ROOT"/src/datagen/*.c "$ROOT"/src/base/*.c \
        -o "$TMP/datagen" -lm -pthread
    "$TMP/datagen" "$SF" "$DIR"
fi
echo "$STAMP" > "$DIR/.stamp"
