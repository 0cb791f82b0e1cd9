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
