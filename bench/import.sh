#!/usr/bin/env bash
# Import speed against the engine's own two-step path (issue: import of RGK data files; issue
# 35: one baseline for every kind, so that a ratio means the same everywhere). Each kind of RGK
# file (bench/import_kinds.py), accounts first: ours — Windows-1251, ';', Russian headers, with
# validation, normalisation and upsert — beside `iconv | sqlite3 .import` into a staging table
# with the natural key's unique index, then one `INSERT … SELECT` into the real table (its
# indexes and triggers, the accounts' search index among them).
# Limits, for every kind: ratio <= 1.0, peak memory <= 64 MiB, the longest write-lock hold
# <= 250 ms, a portal-like writer's worst wait <= 250 ms with no write failed; for accounts a
# re-import <= half the first (LIMIT_RATIO, LIMIT_RSS_MIB, LIMIT_LOCK_MS, LIMIT_PORTAL_MS,
# LIMIT_AGAIN override them).
# PINs (issue 17): 250 000 bill PINs of as many accounts in at most 60 s (LIMIT_PINS_MS),
# hashed on every core outside the write transaction; the same file again unchanged without
# hashing; the portal writer's worst wait <= 250 ms.
# Exits 1 if a limit is missed.
# usage: bench/import.sh [ROWS] [RUNS]    (PINS=N for the PIN part, PINS=0 to skip it;
#        ONLY=pins for the PIN part alone, ONLY=kinds for the kinds; KINDS="readings payments")
source "$(dirname "$0")/lib.sh"
ROWS="${1:-1000000}"
RUNS="${2:-3}"
PINS="${PINS:-250000}"
LIMIT_PINS_MS="${LIMIT_PINS_MS:-60000}"
build_release

pins_part() {
  local n="$PINS" accounts="$OUT/accounts-$PINS.csv" pins="$OUT/pins-$PINS.csv" month="$OUT/pins-$PINS-next.csv" db="$OUT/pins.db"
  [ -f "$accounts" ] || python3 "$ROOT/bench/make_accounts.py" "$n" "$accounts"
  # the RGK's bill PINs: 8 digits for each account, and next month's, all new
  python3 - "$n" "$pins" "$month" <<'PY'
import random, sys
n, first, second = int(sys.argv[1]), sys.argv[2], sys.argv[3]
rnd = random.Random(7)
for path in (first, second):
    with open(path, "w", encoding="cp1251", newline="") as f:
        f.write("РГК;Лицевой счет;ПИН-код\r\n")
        for i in range(n):
            f.write(f"vologda;{70_000_001 + i};{rnd.randrange(10**7, 10**8)}\r\n")
PY
  echo "# PINs: $n accounts, $(du -h "$pins" | cut -f1) file"
  rm -f "$db" "$db-wal" "$db-shm" "$db.pin-key"
  "$BIN" --db "$db" init >/dev/null
  "$BIN" --db "$db" import rgk "$OUT/rgk.csv" >/dev/null
  "$BIN" --db "$db" import accounts "$accounts" >/dev/null
  sync
  timed "import pins (first: every PIN hashed)" "$LIMIT_PINS_MS" 1 -- "$BIN" --db "$db" import pins "$pins"
  timed "import pins (the same file: unchanged)" "$LIMIT_PINS_MS" 1 -- "$BIN" --db "$db" import pins "$pins"
  timed "import pins (next month: every PIN new)" "$LIMIT_PINS_MS" 1 -- "$BIN" --db "$db" import pins "$month"
  portal_writer "$db" "import pins" "$BIN" --db "$db" import pins "$pins"
}

printf 'code;name;max_monthly_m3\nvologda;Вологда;300\n' > "$OUT/rgk.csv"
if [ "${ONLY:-}" != pins ]; then
  KINDS="${KINDS-accounts services meters readings settlements payments}"
  [ -f "$OUT/accounts-$ROWS.csv" ] || python3 "$ROOT/bench/make_accounts.py" "$ROWS" "$OUT/accounts-$ROWS.csv"
  if [ -n "${KINDS// /}" ] && [ "${KINDS// /}" != accounts ] && [ ! -f "$OUT/readings-$ROWS.csv" ]; then
    python3 "$ROOT/bench/make_region.py" "$ROWS" "$OUT"
  fi
  if [ -n "${KINDS// /}" ]; then
    echo "# each kind of file for $ROWS accounts: ours, the same file again, and the engine's .import + INSERT … SELECT"
    # shellcheck disable=SC2086
    RUNS="$RUNS" python3 "$ROOT/bench/import_kinds.py" "$BIN" "$OUT" "$ROWS" $KINDS || MISSED=$((MISSED + 1))
  fi
fi
if [ "${ONLY:-}" != kinds ] && [ "$PINS" -gt 0 ]; then pins_part; fi
finish
