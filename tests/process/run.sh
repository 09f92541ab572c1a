#!/usr/bin/env bash
# Process-level tests of cinder's working directories and signals (src/base/workdir.h,
# src/base/signals.h, src/cli/shell.c): several processes sharing one spark.local.dir, the
# same pid in two PID namespaces, SIGTERM / SIGHUP / SIGINT mid-query, a SIGKILLed process's
# directory swept by the next start while a live one's survives, and Ctrl-C in the REPL.
#   tests/process/run.sh [BUILD_DIR]
# Expected answers are computed here (awk), never taken from cinder. Prints PASS/FAIL/SKIP
# per case and ends with "N passed, N failed"; every process it starts is gone when it ends.
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/../.."
CINDER=${CINDER:-$PWD/$BUILD/cinder}
passed=0
failed=0
pids=()
work=$(mktemp -d)
cleanup() {
    for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

pass() { echo "PASS $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1: $2"; failed=$((failed + 1)); }
skip() { echo "SKIP $1: $2"; }

# --- data: two tables of the same shape and different values, and a join that runs long
awk 'BEGIN { for (i = 0; i < 60000; i++) printf "%d,%d\n", i % 7, i }' >"$work/a.csv"
awk 'BEGIN { for (i = 0; i < 60000; i++) printf "%d,%d\n", i % 7, i * 1000 + 3 }' >"$work/b.csv"
awk 'BEGIN { for (i = 0; i < 40000; i++) printf "%d,%d\n", i % 4, i }' >"$work/long.csv"
expect() { awk -F, '{ s[$1] += $2 } END { for (k = 0; k < 7; k++) printf "%d\t%.0f\n", k, s[k] }' "$1"; }
expect "$work/a.csv" >"$work/a.expected"
expect "$work/b.csv" >"$work/b.expected"

# a script that runs the grouped sum 5 times (5 queries, each with its own shuffles)
script() {
    echo "CREATE TEMPORARY VIEW t (k INT, v BIGINT) USING csv OPTIONS (path '$1');"
    for _ in 1 2 3 4 5; do echo "SELECT k, sum(v) FROM t GROUP BY k ORDER BY k;"; done
}
script "$work/a.csv" >"$work/a.sql"
script "$work/b.csv" >"$work/b.sql"
for w in a b; do for _ in 1 2 3 4 5; do cat "$work/$w.expected"; done >"$work/$w.expected5"; done

CONF=(--conf spark.sql.shuffle.partitions=4 --conf spark.sql.autoBroadcastJoinThreshold=-1
      --conf spark.sql.adaptive.enabled=false -S)
LONG_SQL="CREATE TEMPORARY VIEW l (k INT, v BIGINT) USING csv OPTIONS (path '$work/long.csv');
SELECT count(*), sum(x.v + y.v) FROM l x JOIN l y ON x.k = y.k;"

# wait until a shuffle file exists under $1 (the query is mid-way), up to 30 s
wait_for_shuffle() {
    for _ in $(seq 600); do
        if [ -n "$(find "$1" -name 'shuffle_*' -print -quit 2>/dev/null)" ]; then return 0; fi
        sleep 0.05
    done
    return 1
}
# wait for pid $1 to end, up to 30 s; its status in $status
wait_gone() {
    for _ in $(seq 600); do
        if ! kill -0 "$1" 2>/dev/null; then wait "$1" 2>/dev/null; status=$?; return 0; fi
        sleep 0.05
    done
    return 1
}
empty() { [ -z "$(ls -A "$1" 2>/dev/null)" ]; }

# --- 1. two processes, one local dir, at once: each gets its own sums, nothing is left
ld=$work/shared1
mkdir -p "$ld"
for round in 1 2 3; do
    "$CINDER" sql "${CONF[@]}" --conf spark.local.dir="$ld" -f "$work/a.sql" >"$work/a.out" 2>"$work/a.err" &
    pa=$!
    "$CINDER" sql "${CONF[@]}" --conf spark.local.dir="$ld" -f "$work/b.sql" >"$work/b.out" 2>"$work/b.err" &
    pb=$!
    wait $pa; sa=$?
    wait $pb; sb=$?
    if [ $sa -ne 0 ] || [ $sb -ne 0 ] || ! cmp -s "$work/a.out" "$work/a.expected5" ||
        ! cmp -s "$work/b.out" "$work/b.expected5"; then
        break
    fi
done
if [ $sa -ne 0 ] || [ $sb -ne 0 ]; then
    fail "shared local dir, two processes" "exit $sa / $sb: $(head -c 300 "$work/a.err" "$work/b.err")"
elif ! cmp -s "$work/a.out" "$work/a.expected5" || ! cmp -s "$work/b.out" "$work/b.expected5"; then
    fail "shared local dir, two processes" "wrong sums (round $round)"
elif ! empty "$ld"; then
    fail "shared local dir, two processes" "left behind: $(ls "$ld")"
else
    pass "shared local dir, two processes (3 rounds x 5 queries each)"
fi

# --- 2. the same pid in two PID namespaces (two containers on one volume)
ld=$work/shared2
mkdir -p "$ld"
if unshare --pid --fork --kill-child true 2>/dev/null; then
    # LeakSanitizer cannot stop the threads of a process that is pid 1 of a new PID namespace
    # ("Running thread N was not suspended. False leaks are possible."): leak checks are off
    # for these processes only (the other cases run the same code with them on)
    ns() { ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" unshare --pid --fork --kill-child "$@"; }
    pid1=$(ns sh -c 'echo $$')
    ok=1
    for round in 1 2 3; do
        ns "$CINDER" sql "${CONF[@]}" --conf spark.local.dir="$ld" -f "$work/a.sql" >"$work/a.out" 2>"$work/a.err" &
        pa=$!
        ns "$CINDER" sql "${CONF[@]}" --conf spark.local.dir="$ld" -f "$work/b.sql" >"$work/b.out" 2>"$work/b.err" &
        pb=$!
        wait $pa; sa=$?
        wait $pb; sb=$?
        if [ $sa -ne 0 ] || [ $sb -ne 0 ] || ! cmp -s "$work/a.out" "$work/a.expected5" ||
            ! cmp -s "$work/b.out" "$work/b.expected5"; then
            ok=0
            break
        fi
    done
    if [ "$pid1" != 1 ]; then
        skip "same pid in two PID namespaces" "unshare did not give pid 1 ($pid1)"
    elif [ $ok -eq 0 ]; then
        fail "same pid in two PID namespaces" "exit $sa / $sb, or wrong sums (round $round): $(head -c 300 "$work/a.err" "$work/b.err")"
    elif ! empty "$ld"; then
        fail "same pid in two PID namespaces" "left behind: $(ls "$ld")"
    else
        pass "same pid (1) in two PID namespaces, one local dir (3 rounds)"
    fi
else
    skip "same pid in two PID namespaces" "unshare --pid --fork is not permitted here"
fi

# --- 3. a terminating signal mid-query: the process ends by it and leaves nothing
# (bash's own "Hangup" job notice goes to /dev/null with the loop's stderr)
for sig in TERM HUP INT; do
    ld=$work/sig$sig
    mkdir -p "$ld"
    "$CINDER" sql "${CONF[@]}" --conf spark.local.dir="$ld" -e "$LONG_SQL" >/dev/null 2>"$work/sig.err" &
    p=$!
    pids+=("$p")
    if ! wait_for_shuffle "$ld"; then
        fail "SIG$sig mid-query" "no shuffle file appeared"
        kill -KILL $p 2>/dev/null
        continue
    fi
    kill -$sig $p
    if ! wait_gone $p; then
        fail "SIG$sig mid-query" "still running 30 s after the signal"
        kill -KILL $p
        continue
    fi
    want=$((128 + $(kill -l $sig)))
    if [ "$status" -ne "$want" ]; then
        fail "SIG$sig mid-query" "exit status $status, expected $want (death by SIG$sig)"
    elif ! empty "$ld"; then
        fail "SIG$sig mid-query" "left behind: $(find "$ld" | head -n 5 | tr '\n' ' ')"
    else
        pass "SIG$sig mid-query: ends by the signal, leaves nothing"
    fi
done 2>/dev/null

# --- 4. a SIGKILLed process's directory is swept by the next start; a live one's is not
ld=$work/sweep
mkdir -p "$ld"
"$CINDER" sql "${CONF[@]}" --conf spark.local.dir="$ld" -e "$LONG_SQL" >/dev/null 2>&1 &
dead=$!
pids+=("$dead")
wait_for_shuffle "$ld"
dead_dir=$(ls -d "$ld"/cinder-* 2>/dev/null | head -n 1)
kill -KILL $dead
{ wait $dead; } 2>/dev/null
"$CINDER" sql "${CONF[@]}" --conf spark.local.dir="$ld" -e "$LONG_SQL" >/dev/null 2>&1 &
live=$!
pids+=("$live")
for _ in $(seq 600); do
    live_dir=$(ls -d "$ld"/cinder-* 2>/dev/null | grep -vx "$dead_dir" | head -n 1)
    [ -n "$live_dir" ] && break
    sleep 0.05
done
out=$("$CINDER" sql "${CONF[@]}" --conf spark.local.dir="$ld" -e "SELECT 1 + 1" 2>&1)
if [ -z "$dead_dir" ] || [ -z "$live_dir" ]; then
    fail "sweep at start" "no directory appeared (dead '$dead_dir', live '$live_dir')"
elif [ "$out" != 2 ]; then
    fail "sweep at start" "the third process answered '$out'"
elif [ -e "$dead_dir" ]; then
    fail "sweep at start" "the SIGKILLed process's $dead_dir is still there"
elif [ ! -f "$live_dir/owner.lock" ]; then
    fail "sweep at start" "the live process's $live_dir was removed"
else
    pass "sweep at start: a SIGKILLed process's directory goes, a live one's stays"
fi
kill -TERM $live 2>/dev/null
wait_gone $live || kill -KILL $live
if ! empty "$ld"; then fail "sweep at start" "left behind after the live process ended: $(ls "$ld")"; fi

# --- 5. Ctrl-C in the REPL cancels the statement; the shell answers the next one
ld=$work/repl
mkdir -p "$ld"
if python3 tests/process/repl_ctrl_c.py "$CINDER" "$ld" "$LONG_SQL" >"$work/repl.log" 2>&1; then
    if empty "$ld"; then pass "REPL Ctrl-C cancels, the next statement answers, quit leaves nothing"
    else fail "REPL Ctrl-C" "left behind: $(ls "$ld")"; fi
else
    fail "REPL Ctrl-C" "$(tail -n 5 "$work/repl.log")"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
