#!/usr/bin/env bash
# Import speed against the sqlite3 shell (issue: import of RGK data files).
# Targets: our import of 1 000 000 accounts (Windows-1251, ';', Russian headers; with
# validation, normalisation and upsert) no slower than `iconv | sqlite3 .import` into a STRICT
# table with a UNIQUE (rgk, account) index (ratio <= 1.0); peak memory <= 64 MiB; a re-import
# <= half the first; the longest write-lock hold <= 250 ms.
# Issue 17: accounts again among the kinds (bench/import_kinds.py), against the two-step path
# into the real table (its search-index triggers included), which the first block leaves out.
# PINs (issue 17): 250 000 bill PINs of as many accounts in at most 60 s, hashed on every core
# outside the write transaction; the same file again unchanged without hashing; the portal
# writer's worst wait <= 250 ms.
# usage: bench/import.sh [ROWS] [RUNS]    (PINS=N for the PIN part, PINS=0 to skip it;
#        ONLY=pins for the PIN part alone, ONLY=kinds for the kinds; KINDS="readings payments")
source "$(dirname "$0")/lib.sh"
ROWS="${1:-1000000}"
RUNS="${2:-3}"
PINS="${PINS:-250000}"
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
  timeit "import pins (first: every PIN hashed)" 1 -- "$BIN" --db "$db" import pins "$pins"
  timeit "import pins (the same file: unchanged)" 1 -- "$BIN" --db "$db" import pins "$pins"
  timeit "import pins (next month: every PIN new)" 1 -- "$BIN" --db "$db" import pins "$month"
  echo "  (target: each at most 60 000 ms)"
  portal_writer "$db" "import pins" "$BIN" --db "$db" import pins "$pins"
  echo "  (target: worst wait at most 250 ms)"
}

if [ "${ONLY:-}" = kinds ]; then
  printf 'code;name;max_monthly_m3\nvologda;Вологда;300\n' > "$OUT/rgk.csv"
  [ -f "$OUT/accounts-$ROWS.csv" ] || python3 "$ROOT/bench/make_accounts.py" "$ROWS" "$OUT/accounts-$ROWS.csv"
  [ -f "$OUT/readings-$ROWS.csv" ] || python3 "$ROOT/bench/make_region.py" "$ROWS" "$OUT"
  RUNS="$RUNS" python3 "$ROOT/bench/import_kinds.py" "$BIN" "$OUT" "$ROWS" ${KINDS:-accounts services meters readings settlements payments}
  exit 0
fi
if [ "${ONLY:-}" = pins ]; then
  printf 'code;name;max_monthly_m3\nvologda;Вологда;300\n' > "$OUT/rgk.csv"
  pins_part
  exit 0
fi
FILE="$OUT/accounts-$ROWS.csv"
[ -f "$FILE" ] || python3 "$ROOT/bench/make_accounts.py" "$ROWS" "$FILE"
echo "# file: $FILE ($(du -h "$FILE" | cut -f1), Windows-1251)"
printf 'code;name;max_monthly_m3\nvologda;Вологда;300\n' > "$OUT/rgk.csv"
DB="$OUT/import.db"
BASE="$OUT/baseline.db"

ours() {
  rm -f "$DB" "$DB-wal" "$DB-shm"
  "$BIN" --db "$DB" init >/dev/null
  "$BIN" --db "$DB" import rgk "$OUT/rgk.csv" >/dev/null
  sync
  timeit "mygaz-admin import accounts (first)" 1 -- "$BIN" --db "$DB" import accounts "$FILE"
}
baseline() {
  rm -f "$BASE" "$BASE-wal" "$BASE-shm"
  sqlite3 "$BASE" "PRAGMA journal_mode=WAL; CREATE TABLE accounts (rgk TEXT NOT NULL, account TEXT NOT NULL, surname TEXT, name TEXT, patronymic TEXT, address TEXT, phone TEXT, residents TEXT, heated_area TEXT, status TEXT, UNIQUE (rgk, account)) STRICT;" >/dev/null
  sync
  timeit "iconv | sqlite3 .import" 1 -- sh -c "iconv -f cp1251 -t utf-8 '$FILE' | sqlite3 '$BASE' '.mode csv' '.separator ;' '.import --skip 1 /dev/stdin accounts'"
}
ms() { sed -E 's/.*min +([0-9.]+) ms.*/\1/'; }
first=(); base=()
for i in $(seq "$RUNS"); do
  line="$(ours)"; echo "$line"; first+=("$(echo "$line" | ms)")
  line="$(baseline)"; echo "$line"; base+=("$(echo "$line" | ms)")
done
sync
re="$(timeit "mygaz-admin import accounts (again)" 1 -- "$BIN" --db "$DB" import accounts "$FILE")"
echo "$re"
# the longest write transaction of a first import
rm -f "$DB" "$DB-wal" "$DB-shm"
"$BIN" --db "$DB" init >/dev/null && "$BIN" --db "$DB" import rgk "$OUT/rgk.csv" >/dev/null
lock="$("$BIN" --db "$DB" import accounts "$FILE" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["longest_lock_ms"])')"

# a portal-like writer with a 5 s busy timeout, writing every 20 ms during a first import
rm -f "$DB" "$DB-wal" "$DB-shm"
"$BIN" --db "$DB" init >/dev/null && "$BIN" --db "$DB" import rgk "$OUT/rgk.csv" >/dev/null
portal_writer "$DB" "import accounts" "$BIN" --db "$DB" import accounts "$FILE" --json

python3 - "${first[*]}" "${base[*]}" "$(echo "$re" | ms)" "$lock" <<'PY'
import statistics, sys
first = [float(x) for x in sys.argv[1].split()]
base = [float(x) for x in sys.argv[2].split()]
again, lock = float(sys.argv[3]), int(sys.argv[4])
f, b = statistics.median(first), statistics.median(base)
print(f"ratio ours/sqlite3 (medians): {f/b:.2f}   (ours {f/1000:.2f} s, sqlite3 {b/1000:.2f} s)")
print(f"re-import / first import:     {again/f:.2f}   ({again/1000:.2f} s)")
print(f"longest write-lock hold:      {lock} ms")
PY

# every other kind against the engine's two-step path (KINDS= to skip)
KINDS="${KINDS-accounts services meters readings settlements payments}"
if [ -n "$KINDS" ]; then
  [ -f "$OUT/readings-$ROWS.csv" ] || python3 "$ROOT/bench/make_region.py" "$ROWS" "$OUT"
  echo "# each kind of file for $ROWS accounts: ours, the same file again, and the engine's .import + INSERT … SELECT"
  # shellcheck disable=SC2086
  RUNS="$RUNS" python3 "$ROOT/bench/import_kinds.py" "$BIN" "$OUT" "$ROWS" $KINDS
fi

[ "$PINS" -gt 0 ] && pins_part
