#!/usr/bin/env bash
# The audit chain at size (issue 37, item 3), SQLite beside PostgreSQL (bench/audit.py; the
# server is the benchmark's own, bench/pgserver.py): N audit rows chained by python's hashlib in
# the canonical form of docs/schema.md, loaded into a new database of each engine, then
# - `audit verify` as a whole process: median at most 10 s for 1M rows (LIMIT_VERIFY_MS), its
#   last hash python's;
# - `audit verify --since` the last day: at most 1 s (LIMIT_SINCE_MS);
# - a row edited in the middle: exit 8 naming it;
# - the bulk path with the chain: `reading accept --all-valid` of a demo region of DEMO accounts
#   (default 70000: 5000+ readings, one audit row each) at most 10 s (LIMIT_BULK_MS).
# Exits 1 if a limit is missed.
# usage: bench/audit.sh [N]   (N default 1000000; RUNS=3 repeats each verify; PG_BENCH_DIR for the server)
source "$(dirname "$0")/lib.sh"
N="${1:-1000000}"
build_release
/usr/bin/python3 "$ROOT/bench/audit.py" "$BIN" "$OUT" "$N"
