#!/bin/sh
# Called by make: are Cinder's dependencies present (library headers, and the
# time zone database the tests use)? If not, install them when we can (root),
# else print the exact command.
missing=
for h in lz4.h zstd.h zlib.h histedit.h; do
    [ -f "/usr/include/$h" ] || missing="$missing $h"
done
[ -f /usr/share/zoneinfo/America/Los_Angeles ] || missing="$missing tzdata"
command -v python3 >/dev/null 2>&1 || missing="$missing python3"
[ -z "$missing" ] && exit 0
echo "cinder: missing:$missing"
if [ "$(id -u)" -eq 0 ]; then
    echo "cinder: running scripts/install-deps.sh"
    exec "$(dirname "$0")/install-deps.sh"
fi
echo "cinder: run:  sudo scripts/install-deps.sh"
exit 1
