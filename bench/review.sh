#!/usr/bin/env bash
# The review queues at the scale of a large region (issue: review queues).
# Targets: reading accept --all-valid <= 3 s; reading list --limit 50 and application list
# <= 50 ms as whole processes; memory flat. Issue 17: a portal-like writer beside each bulk
# decision and a backup waits at most 250 ms. Exits 1 if a limit is missed (LIMIT_MS,
# LIMIT_ACCEPT_MS and LIMIT_PORTAL_MS override them).
# usage: bench/review.sh [ACCOUNTS]   (default 1000000; the demo puts ~10% of meters in the queue)
source "$(dirname "$0")/lib.sh"
ACCOUNTS="${1:-1000000}"
LIMIT_MS="${LIMIT_MS:-50}"
LIMIT_ACCEPT_MS="${LIMIT_ACCEPT_MS:-3000}"
build_release
DB="$(demo_db "$ACCOUNTS")"
echo "# database: $DB ($(du -h "$DB" | cut -f1)), pending readings: $(sqlite3 "$DB" "SELECT count(*) FROM reading WHERE status = 'pending'")"
timed "reading list --limit 50" "$LIMIT_MS" 10 -- "$BIN" --db "$DB" reading list --limit 50
timeit "reading list --rgk kostroma --limit 50" 10 -- "$BIN" --db "$DB" reading list --rgk kostroma --limit 50
timeit "reading list --violations --limit 50" 5 -- "$BIN" --db "$DB" reading list --violations --limit 50
timed "application list" "$LIMIT_MS" 10 -- "$BIN" --db "$DB" application list
timeit "status" 5 -- "$BIN" --db "$DB" status
timeit "reading check" 3 -- "$BIN" --db "$DB" reading check
COPY="$(fresh_copy "$DB")"
timeit "reading accept --all-valid --dry-run" 1 -- "$BIN" --db "$COPY" reading accept --all-valid --dry-run
timed "reading accept --all-valid" "$LIMIT_ACCEPT_MS" 1 -- "$BIN" --db "$COPY" reading accept --all-valid
COPY="$(fresh_copy "$DB")"
timeit "reading reject --all-invalid" 1 -- "$BIN" --db "$COPY" reading reject --all-invalid
COPY="$(fresh_copy "$DB")"
portal_writer "$COPY" "reading accept --all-valid" "$BIN" --db "$COPY" reading accept --all-valid
COPY="$(fresh_copy "$DB")"
portal_writer "$COPY" "reading reject --all-invalid" "$BIN" --db "$COPY" reading reject --all-invalid
COPY="$(fresh_copy "$DB")"
rm -f "$OUT/review-backup.db"
portal_writer "$COPY" "db backup" "$BIN" --db "$COPY" db backup "$OUT/review-backup.db"
rm -f "$COPY" "$COPY-wal" "$COPY-shm" "$OUT/review-backup.db"
finish
