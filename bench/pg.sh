#!/usr/bin/env bash
# PostgreSQL beside SQLite (issue 36), figures side by side in one run, against a server of the
# benchmark's own (bench/pgserver.py; the Debian packages postgresql and python3-psycopg2):
# - imports: `import accounts` (N) and `import readings` (6 N) on PostgreSQL beside the server's
#   two-step path (psql \copy into a staging table with the natural key's index, then one
#   INSERT … SELECT … ON CONFLICT), ratio <= 1.0 (LIMIT_RATIO); a portal-like writer beside ours,
#   worst wait <= 50 ms (LIMIT_PORTAL_MS), no write failed;
# - queries: every command of bench/clerk_commands.txt as a whole process on the demo region of N
#   accounts on SQLite and on PostgreSQL, at most 50 ms on PostgreSQL (LIMIT_MS; the two linear
#   ones 3 s, LIMIT_LINEAR_MS).
# Exits 1 if a limit is missed.
# usage: bench/pg.sh [N] [PART...]   (N default 1000000; PART: imports queries, default both;
#        RUNS=3 repeats each import; KINDS="accounts" for one kind; PG_BENCH_DIR for the server;
#        SQLITE=0 runs the queries on PostgreSQL alone, where the disk holds one region of 5M, not two)
source "$(dirname "$0")/lib.sh"
N="${1:-1000000}"
shift || true
PARTS=("$@")
[ ${#PARTS[@]} -gt 0 ] || PARTS=(imports queries)
build_release
/usr/bin/python3 "$ROOT/bench/pg_bench.py" "$BIN" "$OUT" "$N" "${PARTS[@]}"
