#!/usr/bin/env python3
"""Drive `cinder sql` through a pseudo-terminal: start a long statement, press Ctrl-C while it
runs (a shuffle file exists), expect [OPERATION_CANCELED] and the prompt back, then expect the
next statement's answer, then quit with status 0.
    repl_ctrl_c.py CINDER LOCAL_DIR "CREATE ...;\nSELECT long ...;"
Exit status 0 on success; the transcript goes to stdout."""
import os
import pty
import select
import sys
import tempfile
import time

cinder, local_dir, long_sql = sys.argv[1], sys.argv[2], sys.argv[3]
create, select_long = [s.strip() for s in long_sql.strip().split("\n") if s.strip()]
home = tempfile.mkdtemp()
args = [cinder, "sql", "--conf", "spark.local.dir=" + local_dir, "--conf", "spark.sql.shuffle.partitions=4",
        "--conf", "spark.sql.autoBroadcastJoinThreshold=-1", "--conf", "spark.sql.adaptive.enabled=false"]
pid, fd = pty.fork()
if pid == 0:
    os.environ["HOME"] = home
    os.execv(cinder, args)

transcript = b""
mark = 0


def read_until(needle, timeout=30.0, start=None):
    """Read until needle appears after offset start (default: anywhere new since the last mark)."""
    global transcript
    begin = mark if start is None else start
    end = time.time() + timeout
    while time.time() < end:
        if needle in transcript[begin:]:
            return True
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            transcript += chunk
    return needle in transcript[begin:]


def fail(msg):
    sys.stdout.write(transcript.decode("utf-8", "replace"))
    print("\nFAIL: " + msg)
    try:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    except OSError:
        pass
    sys.exit(1)


def has_shuffle_file():
    for _, _, files in os.walk(local_dir):
        if any(f.startswith("shuffle_") for f in files):
            return True
    return False


if not read_until(b"spark-sql> "):
    fail("no prompt")
mark = len(transcript)
os.write(fd, (create + "\n").encode())
if not read_until(b"Time taken"):
    fail("CREATE did not finish")
mark = len(transcript)
os.write(fd, (select_long + "\n").encode())
end = time.time() + 30
while not has_shuffle_file() and time.time() < end:
    read_until(b"\x00", 0.05, len(transcript))  # keep draining the terminal
if not has_shuffle_file():
    fail("the long statement wrote no shuffle file")
os.write(fd, b"\x03")
if not read_until(b"OPERATION_CANCELED", 30):
    fail("Ctrl-C did not cancel the statement")
mark = transcript.index(b"OPERATION_CANCELED", mark)
if not read_until(b"spark-sql> ", 10):
    fail("no prompt after the cancel")
mark = len(transcript)
os.write(fd, b"SELECT 41 + 1 AS answer;\n")
if not read_until(b"42|", 30):
    fail("the next statement did not answer")
mark = transcript.index(b"42|", mark)
if not read_until(b"spark-sql> ", 10):
    fail("no prompt after the answer")
os.write(fd, b"quit;\n")
end = time.time() + 30
status = None
while time.time() < end:
    read_until(b"\x00", 0.1, len(transcript))
    done, st = os.waitpid(pid, os.WNOHANG)
    if done:
        status = st
        break
if status is None:
    fail("quit did not end the shell")
if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
    fail("the shell ended with status %r" % status)
sys.stdout.write(transcript.decode("utf-8", "replace"))
print("\nOK")
