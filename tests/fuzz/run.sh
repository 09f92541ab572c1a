#!/bin/sh
# tests/fuzz/run.sh [SECONDS] [TARGET...] — build the libFuzzer targets and fuzz each.
#
# Builds the library with clang -fsanitize=fuzzer-no-link,address,undefined into
# tests/fuzz/build/ (through the main Makefile, so objects are rebuilt only when
# their sources change), links one binary per tests/fuzz/fuzz_<target>.c, and runs
# each target in turn for SECONDS (default 60) on one core, under nice, starting
# from the committed seeds in tests/fuzz/corpus/<target>/. New corpus entries go
# to tests/fuzz/build/corpus/<target>/ (not committed); crashing inputs to
# tests/fuzz/build/artifacts/<target>/. SECONDS=0 only replays the seed corpus
# (a quick regression check). Exit status 1 if any target failed.
#
# `run.sh --seeds` regenerates the binary seeds (block, shuffle, plan, codec) with
# tests/fuzz/gen_seeds.c from the real encoders instead of fuzzing.
#
# Installs nothing: without clang and its fuzzer runtime it prints the apt command.
# Not part of `make test`. See tests/fuzz/README.md.
set -u
GEN=0
if [ "${1:-}" = "--seeds" ]; then GEN=1; shift; fi
SECS=${1:-60}
[ $# -gt 0 ] && shift
cd "$(dirname "$0")/../.." || exit 2
FZ=tests/fuzz
B=$FZ/build
CC=${FUZZ_CC:-clang}

case "$SECS" in ''|*[!0-9]*) echo "usage: $0 [SECONDS] [TARGET...]" >&2; exit 2 ;; esac

if ! command -v "$CC" >/dev/null 2>&1; then
    echo "fuzz: $CC not found. Install it with:" >&2
    echo "    apt-get install -y clang libclang-rt-dev" >&2
    exit 2
fi
mkdir -p "$B"
probe=$B/probe.c
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { return 0; }\n' >"$probe"
if ! "$CC" -fsanitize=fuzzer,address,undefined -o "$B/probe" "$probe" >/dev/null 2>&1; then
    echo "fuzz: $CC cannot link -fsanitize=fuzzer (the compiler-rt runtime is missing). Install it with:" >&2
    echo "    apt-get install -y libclang-rt-dev   # or libclang-rt-<version>-dev for your clang" >&2
    exit 2
fi

SAN='-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer'
# -w: the sources are kept warning-free under gcc; clang-only warnings are not this script's business
OPT="-O1 -g -fsanitize=fuzzer-no-link $SAN -w"
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
echo "fuzz: building the library ($B/libcinder.a)"
nice make -s -j2 CC="$CC" BUILD="$B" OPT="$OPT" "$B/libcinder.a" || exit 2

if [ "$GEN" = 1 ]; then
    # regenerate the binary seeds from the real encoders (tests/fuzz/gen_seeds.c)
    "$CC" -std=gnu11 -O1 -g -fsanitize=fuzzer-no-link $SAN -Wall -Wextra -Wno-unused-parameter -Isrc -I$FZ \
        -Wl,--wrap=cn_pplan_write -Wl,--wrap=cn_expr_write -o "$B/gen_seeds" "$FZ/gen_seeds.c" "$B/libcinder.a" \
        -llz4 -lzstd -lz -lm -pthread || exit 2
    ASAN_OPTIONS=detect_leaks=0 "$B/gen_seeds" "$FZ/corpus" || exit 2
    exit 0
fi

if [ $# -gt 0 ]; then
    TARGETS="$*"
else
    TARGETS=$(ls $FZ/fuzz_*.c | sed 's|.*/fuzz_||; s|\.c$||')
fi

for t in $TARGETS; do
    "$CC" -std=gnu11 -O1 -g -fsanitize=fuzzer $SAN -Wall -Wextra -Wno-unused-parameter -Isrc -I$FZ \
        -o "$B/fuzz_$t" "$FZ/fuzz_$t.c" "$B/libcinder.a" -llz4 -lzstd -lz -lm -pthread || exit 2
done

# per-target input size limits (bytes)
maxlen() {
    case "$1" in
    sql|sql_analyze) echo 2048 ;;
    *) echo 8192 ;;
    esac
}

failed=""
summary=""
for t in $TARGETS; do
    mkdir -p "$B/corpus/$t" "$B/artifacts/$t" "$FZ/corpus/$t"
    log=$B/fuzz_$t.log
    # the SQL targets also start from the TPC-H queries (read in place, not copied into the corpus)
    extra=
    case $t in sql|sql_analyze) extra=$FZ/../tpch/queries ;; esac
    if [ "$SECS" -eq 0 ]; then
        set -- -runs=0 "$FZ/corpus/$t" $extra
    else
        set -- -max_total_time="$SECS" "$B/corpus/$t" "$FZ/corpus/$t" $extra
    fi
    echo "fuzz: $t (${SECS}s)"
    # one process, one core; 512 MiB is far above anything a small input may make a decoder allocate
    if nice -n 10 "$B/fuzz_$t" -max_len="$(maxlen "$t")" -timeout=20 -rss_limit_mb=2048 -malloc_limit_mb=512 \
        -print_final_stats=1 -artifact_prefix="$B/artifacts/$t/" "$@" >"$log" 2>&1; then
        status=ok
    else
        status=FAILED
        failed="$failed $t"
        grep -E 'ERROR|SUMMARY|contract|Test unit written' "$log" | head -8 >&2
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    cov=$(grep -Eo 'cov: [0-9]+' "$log" | tail -1)
    summary="$summary$(printf '%-12s %-7s %10s execs  %s' "$t" "$status" "${execs:-?}" "$cov")
"
done
echo "fuzz: summary (logs in $B/fuzz_<target>.log)"
printf '%s' "$summary"
if [ -n "$failed" ]; then
    echo "fuzz: failed:$failed" >&2
    exit 1
fi
exit 0
