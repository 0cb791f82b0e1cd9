#!/usr/bin/env bash
# Many clerks and the portal at once (issue: proof under load). 8 processes x 200 mixed
# commands plus a portal writer with a 5 s busy timeout, on a copy of a demo database.
# Checks: 0 "database is locked", 0 lost updates, each contested item changed at most once,
# db check passes; exits 1 otherwise. Then backups taken while 8 writers run must pass db check.
# usage: bench/concurrency.sh [WORKERS] [OPS] [ACCOUNTS]   (default 8 200 5000)
source "$(dirname "$0")/lib.sh"
WORKERS="${1:-8}"
OPS="${2:-200}"
ACCOUNTS="${3:-5000}"
build_release
DEMO="$(demo_db "$ACCOUNTS")"
DB="$(fresh_copy "$DEMO")"
python3 "$ROOT/bench/concurrency.py" "$BIN" "$DB" --workers "$WORKERS" --ops "$OPS"

echo "# db backup while $WORKERS writers run"
DB="$(fresh_copy "$DEMO" backup-source)"
python3 "$ROOT/bench/concurrency.py" "$BIN" "$DB" --workers "$WORKERS" --ops 60 --seed 2 > "$OUT/backup-writers.txt" &
writers=$!
taken=0
while kill -0 "$writers" 2>/dev/null; do
  target="$OUT/backup-$taken.db"
  rm -f "$target"
  "$BIN" --db "$DB" --quiet db backup "$target"
  # a backup must stand on its own: checked, then the next one
  if ! "$BIN" --db "$target" db check >/dev/null; then echo "FAILED: backup $taken does not pass db check"; exit 1; fi
  rm -f "$target" "$target-wal" "$target-shm"
  taken=$((taken + 1))
done
if ! wait "$writers"; then echo "FAILED: the writers during the backups:"; cat "$OUT/backup-writers.txt"; exit 1; fi
echo "$taken backups taken while the writers ran ($(head -1 "$OUT/backup-writers.txt")): each passes db check"
rm -f "$DB" "$DB-wal" "$DB-shm" "$OUT/scratch.db" "$OUT/scratch.db-wal" "$OUT/scratch.db-shm"
echo "ok"
