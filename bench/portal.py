#!/usr/bin/env python3
"""The portal beside a command of ours, writing as the portal writes: a connection of its own
with a busy timeout of 5 s (synchronous=FULL, as Python leaves it), a small write every 20 ms.
A write that fails — locked out past its timeout, or any other error — is counted as a failure
at its whole wait, so the worst wait printed is never less than the truth.

As a module (bench/import_kinds.py): `with Portal(db) as portal: …`, then portal.writes,
portal.failures, portal.worst (seconds) and portal.missed(limit_ms).
As a command (bench/lib.sh's portal_writer):
    portal.py DB LABEL -- COMMAND ARGS...
runs COMMAND beside the writer, prints one line, and exits 1 if the command failed, a write
failed, or the worst wait passed LIMIT_PORTAL_MS (environment, default 250: issue 17).
"""
import os, sqlite3, subprocess, sys, threading, time

LIMIT_MS = float(os.environ.get("LIMIT_PORTAL_MS", "250"))


class Portal:
    def __init__(self, db, timeout=5.0, every=0.02, tell_over=None):
        self.db, self.timeout, self.every, self.tell_over = db, timeout, every, tell_over
        self.writes, self.failures, self.worst, self.errors = 0, 0, 0.0, []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._write)
        self._began = time.perf_counter()

    # the engine's part: a connection, one write, its errors (bench/pg_bench.py's PGPortal: a server's)
    Error = sqlite3.Error

    def connect(self):
        return sqlite3.connect(self.db, timeout=self.timeout, isolation_level=None)

    def write_once(self, con):
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO faq (topic, question, answer, created_at, updated_at) VALUES ('other', 'q', 'a', 'x', 'x')")
            con.execute("COMMIT")
        except sqlite3.Error:
            try:
                if con.in_transaction:
                    con.execute("ROLLBACK")
            except sqlite3.Error:
                pass
            raise

    def wal_bytes(self):
        return os.path.getsize(self.db + "-wal") if os.path.exists(self.db + "-wal") else 0

    def _write(self):
        con = self.connect()
        while not self._stop.is_set():
            start = time.perf_counter()
            try:
                self.write_once(con)
                self.writes += 1
            except self.Error as error:
                self.failures += 1
                if len(self.errors) < 3:
                    self.errors.append(str(error).strip())
            wait = time.perf_counter() - start
            self.worst = max(self.worst, wait)
            if self.tell_over is not None and wait > self.tell_over:
                print(f"  portal waited {wait * 1000:.0f} ms at {start - self._began:.1f} s (WAL {self.wal_bytes() / 1e6:.0f} MB)",
                      file=sys.stderr)
            time.sleep(self.every)
        con.close()

    def __enter__(self):
        self._began = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        return False

    def missed(self, limit_ms=LIMIT_MS):
        """What the writer saw that breaks the limit, in words (empty when all is well)."""
        found = []
        if self.failures:
            found.append(f"{self.failures} of its writes failed ({'; '.join(self.errors)})")
        if self.worst * 1000 > limit_ms:
            found.append(f"its worst wait was {self.worst * 1000:.0f} ms, the limit is {limit_ms:.0f} ms")
        return found


def main():
    db, label = sys.argv[1], sys.argv[2]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    with Portal(db) as portal:
        status = subprocess.run(cmd, stdout=subprocess.DEVNULL).returncode
    print(f"{'portal writer during ' + label:<46} writes {portal.writes}, failures {portal.failures}, "
          f"worst wait {portal.worst * 1000:.0f} ms, exit {status}")
    missed = portal.missed() + ([f"the command exited {status}"] if status != 0 else [])
    for what in missed:
        print(f"FAILED: portal writer during {label}: {what}")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
