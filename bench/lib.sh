# Shared by the benchmark scripts: a release build and cached demo databases.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OUT="${BENCH_OUT:-$ROOT/bench/out}"
BIN="$ROOT/.build/release/mygaz-admin"
mkdir -p "$OUT"

build_release() {
  echo "# building release" >&2
  # as README.md installs it: the Swift libraries inside the binary (each process starts sooner)
  (cd "$ROOT" && swift build -c release --static-swift-stdlib >&2)
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

# bill_users DB: every account of the SQLite file DB gets a user of its own, with e-mail bills on
# and the extended version (the others' e-mail bills off)
bill_users() {
  sqlite3 "$1" <<SQL
UPDATE portal_user SET email_bills = 0;
INSERT INTO portal_user (login, login_kind, full_name, email, status, email_bills, registered_at, confirmed_at, updated_at, consent_at, consent_channel)
  SELECT 'bill' || a.id || '@example.org', 'email', a.surname, 'bill' || a.id || '@example.org', 'active', 1,
         '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'portal'
  FROM account a;
INSERT INTO user_account (user_id, account_id, access_level, extended_at, extended_via, linked_at)
  SELECT u.id, CAST(substr(u.login, 5, instr(u.login, '@') - 5) AS INTEGER), 'extended', '2026-01-01T00:00:00Z', 'pin', '2026-01-01T00:00:00Z'
  FROM portal_user u WHERE u.login GLOB 'bill*@example.org';
SQL
}

timeit() { python3 "$ROOT/bench/timeit.py" "$@"; }

# The limits of a run: each one missed is printed as it is found (FAILED: …), and `finish`
# exits 1 if any was. A limit comes from the script's header; LIMIT_… in the environment
# overrides it (an impossible one shows the check working).
MISSED=0

# within LABEL VALUE LIMIT [UNIT]: VALUE <= LIMIT, or the miss is printed and counted
within() {
  local label="$1" value="$2" limit="$3" unit="${4:-ms}"
  if ! awk -v v="$value" -v l="$limit" 'BEGIN { exit !(v != "" && v + 0 <= l + 0) }'; then
    echo "FAILED: $label ${value:-(nothing measured)} $unit, the limit is $limit $unit"
    MISSED=$((MISSED + 1))
  fi
}

# timed LABEL LIMIT_MS REPEAT -- COMMAND...: timeit's line, its median held to LIMIT_MS, and a
# command that failed counted as a miss
timed() {
  local label="$1" limit="$2" repeat="$3"; shift 4
  local line
  line="$(timeit "$label" "$repeat" -- "$@")"
  echo "$line"
  if [ "$(exit_of "$line")" != 0 ]; then echo "FAILED: $label exited $(exit_of "$line")"; MISSED=$((MISSED + 1)); fi
  within "$label" "$(median_ms "$line")" "$limit"
}
median_ms() { sed -E 's/.*median +([0-9.]+) ms.*/\1/' <<<"$1"; }
exit_of() { sed -E 's/.*exit +(-?[0-9]+)$/\1/' <<<"$1"; }

finish() {
  if [ "$MISSED" -gt 0 ]; then echo "FAILED: $MISSED limit(s) missed"; exit 1; fi
  echo "ok: every limit met"
}

# portal_writer DB LABEL COMMAND...: runs COMMAND beside a portal-like writer (bench/portal.py:
# busy timeout 5 s, a write every 20 ms; a write locked out is a failure at its whole wait);
# prints the writer's count, failures and worst wait, held to LIMIT_PORTAL_MS (issue 17: 250 ms
# for any import, bulk decision or backup)
portal_writer() {
  local db="$1" label="$2"; shift 2
  python3 "$ROOT/bench/portal.py" "$db" "$label" -- "$@" || MISSED=$((MISSED + 1))
}
