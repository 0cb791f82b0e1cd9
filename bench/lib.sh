# Shared by the benchmark scripts: a release build and cached demo databases.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${BENCH_OUT:-$ROOT/bench/out}"
BIN="$ROOT/.build/release/mygaz-admin"
mkdir -p "$OUT"

build_release() {
  echo "# building release" >&2
  (cd "$ROOT" && swift build -c release >&2)
}

# demo_db ACCOUNTS: prints the path of a demo database with that many accounts,
# generating it once (its date is fixed so that reruns measure the same data).
demo_db() {
  local n="$1" db="$OUT/demo-$1.db"
  # a file of an older schema is upgraded as a clerk would, not generated again
  if [ -f "$db" ] && ! "$BIN" --db "$db" db check --quick >/dev/null 2>&1; then
    python3 "$ROOT/bench/timeit.py" "db migrate ($n accounts)" 1 -- "$BIN" --db "$db" db migrate >&2 || true
  fi
  if [ ! -f "$db" ] || ! "$BIN" --db "$db" db check --quick >/dev/null 2>&1; then
    rm -f "$db" "$db-wal" "$db-shm"
    echo "# generating $db (demo --accounts $n)" >&2
    python3 "$ROOT/bench/timeit.py" "demo --accounts $n" 1 -- "$BIN" --db "$db" demo --accounts "$n" --date 2026-11-20 >&2
  fi
  echo "$db"
}

# fresh_copy DB [NAME]: a copy to spoil, flushed to disk so that its dirty pages do not bill the next fsync
fresh_copy() {
  local copy="$OUT/${2:-scratch}.db"
  rm -f "$copy" "$copy-wal" "$copy-shm"
  cp "$1" "$copy"
  sync
  echo "$copy"
}

timeit() { python3 "$ROOT/bench/timeit.py" "$@"; }

# portal_writer DB LABEL COMMAND...: runs COMMAND while a portal-like writer (busy timeout 5 s,
# synchronous=FULL as Python leaves it) writes every 20 ms; prints the writer's count, failures
# and worst wait (issue 17: at most 250 ms for any import, bulk decision or backup)
portal_writer() {
  local db="$1" label="$2"; shift 2
  python3 - "$db" "$label" "$@" <<'PY'
import sqlite3, subprocess, sys, time
db, label, cmd = sys.argv[1], sys.argv[2], sys.argv[3:]
worst, failures, writes = 0.0, 0, 0
proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
con = sqlite3.connect(db, timeout=5.0, isolation_level=None)
while proc.poll() is None:
    start = time.perf_counter()
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO faq (topic, question, answer, created_at, updated_at) VALUES ('other', 'q', 'a', 'x', 'x')")
        con.execute("COMMIT")
        writes += 1
    except sqlite3.OperationalError:
        failures += 1
    worst = max(worst, time.perf_counter() - start)
    time.sleep(0.02)
print(f"{'portal writer during ' + label:<46} writes {writes}, 'database is locked' failures {failures}, worst wait {worst*1000:.0f} ms, exit {proc.returncode}")
PY
}
