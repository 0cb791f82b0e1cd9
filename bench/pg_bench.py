#!/usr/bin/python3
"""PostgreSQL beside SQLite, in one run on one machine (issue 36), against a server of the
benchmark's own (bench/pgserver.py: durable defaults, a Unix socket).

Imports. Each kind (KINDS, default "accounts readings"; the files of make_accounts.py and
make_region.py: N accounts, 6 N readings): ours — `mygaz-admin --db postgresql://… import KIND
FILE`, Windows-1251, validation, line-numbered rejects, upsert, audit — beside the server's own
two-step path in the same run: `iconv | psql \\copy` of the file into a staging table with the
natural key's unique index, then one `INSERT … SELECT … ON CONFLICT DO NOTHING` into the real table
(its indexes, triggers and joins). Both start from a copy of the same database. Beside ours, a
portal-like writer (a connection of its own, autocommit, a small insert every 20 ms) records its
worst wait: there is no global write lock on a server.
Limits (LIMIT_… in the environment overrides each): ours / two-step <= 1.0 (LIMIT_RATIO); the
portal writer's worst wait <= 50 ms with no write failed (LIMIT_PORTAL_MS).

Queries. The demo region of N accounts on SQLite (bench/out/demo-N.db) and on the server (database
demo_N), the same seed and date; each command a clerk runs all day (bench/clerk_commands.txt, the
list bench/capacity.sh measures) as a whole process, RUNS times, the medians side by side.
Both regions hold a year of decisions before the demo's weeks (`year_of_decisions`, issue 38).
Limits: each command's median on PostgreSQL at most 50 ms (LIMIT_MS), the two docs/scaling.md
names linear at most 3 s (LIMIT_LINEAR_MS), `report deadlines` 0.5 s (LIMIT_REPORT_MS); each answers with the exit status it should. Each
command again as a clerk scoped to one RGK (a server role of her own, under the row-level
policies): the same limits, and her answer may be exit 7 (an admin's command) or 3 (another
RGK's item), shown instead of a time.

usage: pg_bench.py BIN OUT N PART...    PART: imports, queries
Prints each limit missed (FAILED: …) and exits 1 if any was.
"""
import os, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pgserver import Server  # noqa: E402
from portal import Portal  # noqa: E402

try:
    import psycopg2
except ImportError:
    sys.exit("the portal-like writer needs psycopg2: install the Debian package python3-psycopg2")

BIN, OUT, N, PARTS = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
RUNS = int(os.environ.get("RUNS", "1"))
# SQLITE=0: the queries on PostgreSQL alone, where the disk cannot hold both regions (5M: about 24 GB
# of SQLite file beside 40 GB on the server)
WITH_SQLITE = os.environ.get("SQLITE", "1") != "0"
LIMITS = {name: float(os.environ.get("LIMIT_" + name.upper(), default))
          for name, default in [("ratio", "1.0"), ("portal_ms", "50"), ("ms", "50"), ("linear_ms", "3000"), ("report_ms", "500")]}
NOW = "'2026-12-01T00:00:00Z'"
missed = []


def iso(col):
    return f"substr({col}, 7, 4) || '-' || substr({col}, 4, 2) || '-' || substr({col}, 1, 2)"


ACCOUNT = "JOIN account a ON a.rgk_id = 1 AND a.number = r.account"
# kind: (the database it starts from, the staging table's columns with the natural key, the INSERT … SELECT)
KIND = {
    "accounts": ("empty", "rgk text, account text, surname text, name text, patronymic text, address text, phone text, "
                 "residents text, heated_area text, status text, UNIQUE (rgk, account)",
                 f"INSERT INTO account (rgk_id, number, surname, name, patronymic, address, phone, residents, heated_area, status, "
                 f"updated_at) SELECT 1, CAST(CAST(replace(r.account, '-', '') AS bigint) AS text), nullif(r.surname, ''), "
                 f"nullif(r.name, ''), nullif(r.patronymic, ''), nullif(r.address, ''), nullif(r.phone, ''), "
                 f"CAST(nullif(r.residents, '') AS bigint), CAST(replace(nullif(r.heated_area, ''), ',', '.') AS double precision), "
                 f"CASE r.status WHEN 'закрыт' THEN 'closed' ELSE 'open' END, {NOW} FROM raw r ON CONFLICT DO NOTHING",
                 "account"),
    "readings": ("meters", "account text, serial text, date text, value text, UNIQUE (account, serial, date)",
                 f"INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at, rgk_id) SELECT m.id, "
                 f"CAST(r.value AS bigint), {iso('r.date')}, 'rgk', 'accepted', {NOW}, 1 FROM raw r {ACCOUNT} "
                 f"JOIN meter m ON m.account_id = a.id AND m.serial = r.serial ON CONFLICT DO NOTHING",
                 "reading"),
}


def run(cmd, shell=False):
    """Wall seconds of one child, stdout kept; a failure ends the benchmark with its words."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, shell=shell, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {cmd if shell else ' '.join(cmd)}\n{proc.stderr[-2000:]}")
    return seconds, proc.stdout


class PGPortal(Portal):
    """bench/portal.py's writer on a server: its own connection, autocommit, an insert every 20 ms;
    a write that fails counts at its whole wait."""
    Error = psycopg2.Error

    def connect(self):
        con = psycopg2.connect(self.db)
        con.autocommit = True
        return con

    def write_once(self, con):
        with con.cursor() as cur:
            cur.execute("INSERT INTO faq (topic, question, answer, created_at, updated_at) VALUES ('other', 'q', 'a', 'x', 'x')")

    def wal_bytes(self):
        return 0


def file(kind):
    return os.path.join(OUT, f"{kind}-{N}.csv")


def imports(server):
    kinds = os.environ.get("KINDS", "accounts readings").split()
    if not os.path.exists(file("accounts")):
        run([sys.executable, os.path.join(os.path.dirname(__file__), "make_accounts.py"), str(N), file("accounts")])
    if any(k != "accounts" for k in kinds) and not os.path.exists(file("readings")):
        run([sys.executable, os.path.join(os.path.dirname(__file__), "make_region.py"), str(N), OUT])
    rgk = os.path.join(OUT, "rgk.csv")
    with open(rgk, "w", encoding="utf-8") as f:
        f.write("code;name;max_monthly_m3\nvologda;Вологда;300\n")

    def empty(uri):
        run([BIN, "--db", uri, "init"])
        run([BIN, "--db", uri, "import", "rgk", rgk])

    def meters(uri):
        empty(uri)
        for kind in ("accounts", "services", "meters"):
            run([BIN, "--db", uri, "import", kind, file(kind), "--rgk", "vologda"])

    parents = {"empty": server.made("bench_parent_empty", empty)}
    if any(KIND[k][0] == "meters" for k in kinds):
        parents["meters"] = server.made(f"bench_parent_meters_{N}", meters)
    # the portal's worst wait beside ours, and beside the two-step path: a commit waits for the WAL
    # written before it, whoever wrote it
    print(f"{'kind':<10} {'rows':>10} {'ours':>9} {'again':>8} {'two-step':>9} {'ratio':>6} {'portal worst':>13} {'writes':>7} "
          f"{'beside two-step':>16}")
    for kind in kinds:
        parent, columns, insert, table = KIND[kind]
        rows = sum(1 for _ in open(file(kind), "rb")) - 1
        firsts, agains, bases, worst, failures, errors, writes, base_worst = [], [], [], 0.0, 0, [], 0, 0.0
        for _ in range(RUNS):
            server.copy(parents[parent], "bench_ours")
            uri = server.uri("bench_ours")
            with PGPortal(uri) as portal:
                seconds, _ = run([BIN, "--db", uri, "import", kind, file(kind), "--rgk", "vologda"])
            worst, failures, writes = max(worst, portal.worst), failures + portal.failures, writes + portal.writes
            errors += portal.errors
            again, _ = run([BIN, "--db", uri, "import", kind, file(kind), "--rgk", "vologda"])
            firsts.append(seconds)
            agains.append(again)
            server.copy(parents[parent], "bench_base")
            base_uri = server.uri("bench_base")
            pipeline = (f"iconv -f cp1251 -t utf-8 '{file(kind)}' | '{server.psql()}' -X -q -A -t -v ON_ERROR_STOP=1 -d '{base_uri}' "
                        f"-c 'CREATE TEMP TABLE raw ({columns})' "
                        f"-c \"\\copy raw FROM STDIN WITH (FORMAT csv, DELIMITER ';', HEADER true)\" "
                        f"-c \"{insert}\" -c 'SELECT count(*) FROM raw'")
            with PGPortal(base_uri) as beside_base:
                seconds, loaded = run(pipeline, shell=True)
            base_worst = max(base_worst, beside_base.worst)
            if loaded.strip() != str(rows):
                sys.exit(f"{kind}: the two-step path loaded {loaded.strip()} rows of {rows}")
            ours_rows = server.sql("bench_ours", f"SELECT count(*) FROM {table}")
            base_rows = server.sql("bench_base", f"SELECT count(*) FROM {table}")
            if ours_rows != base_rows:
                sys.exit(f"{kind}: ours left {ours_rows} rows in {table}, the two-step path {base_rows}")
            bases.append(seconds)
        m = statistics.median
        o, a, b = m(firsts), m(agains), m(bases)
        print(f"{kind:<10} {rows:>10,} {o:>8.1f}s {a:>7.1f}s {b:>8.1f}s {o / b:>6.2f} {worst * 1000:>10.0f} ms {writes:>7} "
              f"{base_worst * 1000:>13.0f} ms", flush=True)
        if o / b > LIMITS["ratio"]:
            missed.append(f"import {kind}: ours / two-step {o / b:.2f}, the limit is {LIMITS['ratio']:g}")
        if worst * 1000 > LIMITS["portal_ms"]:
            missed.append(f"import {kind}: the portal writer's worst wait {worst * 1000:.0f} ms, the limit is {LIMITS['portal_ms']:g} ms")
        if failures:
            missed.append(f"import {kind}: {failures} of the portal writer's writes failed ({'; '.join(errors)})")
    for name in ("bench_ours", "bench_base"):
        server.drop(name)


# the decisions of a year before the demo's weeks (issue 38: `report deadlines` fast "at 5M accounts
# and a year of decisions"): each answered ticket and each decided application of the demo again
# 30, 60, … 360 days before, closed or completed, with its messages or steps, under ids of their own
# (HISTORY_IDS × the month back, past any id the demo gives); whole days, so that both engines move
# every moment alike
HISTORY_MONTHS, HISTORY_IDS = 12, 100_000_000
DECIDED = "SELECT application_id FROM application_event WHERE actor_kind = 'operator' AND to_status IN ('accepted', 'rejected', 'completed')"


def year_of_decisions(shift):
    """The script that adds the year, for an engine whose `shift(column, days)` moves a moment (ISO
    text, as stored) that many days back."""
    script = []
    for k in range(1, HISTORY_MONTHS + 1):
        o, d = k * HISTORY_IDS, 30 * k
        script += [
            f"INSERT INTO ticket (id, channel, rgk_id, office_id, topic, status, user_id, sender_name, sender_email, sender_phone, "
            f"account_number, account_id, source, assigned_to, created_at, updated_at, last_customer_at, last_operator_at, closed_at, "
            f"personal_data, personal_data_kind) SELECT id + {o}, channel, rgk_id, office_id, topic, 'closed', user_id, sender_name, sender_email, sender_phone, "
            f"account_number, account_id, source, assigned_to, {shift('created_at', d)}, {shift('updated_at', d)}, "
            f"{shift('last_customer_at', d)}, {shift('last_operator_at', d)}, {shift('last_operator_at', d)}, personal_data, personal_data_kind "
            f"FROM ticket WHERE id < {HISTORY_IDS} AND last_operator_at IS NOT NULL;",
            f"INSERT INTO ticket_message (ticket_id, at, author_kind, author, body, faq_id, asks) "
            f"SELECT m.ticket_id + {o}, {shift('m.at', d)}, m.author_kind, m.author, m.body, m.faq_id, m.asks FROM ticket_message m "
            f"JOIN ticket t ON t.id = m.ticket_id WHERE t.id < {HISTORY_IDS} AND t.last_operator_at IS NOT NULL ORDER BY m.id;",
            f"INSERT INTO application (id, kind, status, rgk_id, account_id, address, user_id, source, contact_name, contact_phone, "
            f"contact_email, comment, assigned_to, created_at, submitted_at, updated_at, waited) SELECT id + {o}, kind, "
            f"CASE WHEN status = 'rejected' THEN 'rejected' ELSE 'completed' END, rgk_id, account_id, address, user_id, source, "
            f"contact_name, contact_phone, contact_email, comment, assigned_to, {shift('created_at', d)}, {shift('submitted_at', d)}, "
            f"{shift('updated_at', d)}, waited FROM application WHERE id < {HISTORY_IDS} AND id IN ({DECIDED});",
            f"INSERT INTO application_event (application_id, at, actor_kind, actor, from_status, to_status, message, note) "
            f"SELECT application_id + {o}, {shift('at', d)}, actor_kind, actor, from_status, to_status, message, note "
            f"FROM application_event WHERE application_id < {HISTORY_IDS} AND application_id IN ({DECIDED}) ORDER BY id;",
        ]
    return "\n".join(script)


def pg_shift(column, days):
    return f"to_char(CAST({column} AS timestamp) - make_interval(days => {days}), 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"


def sqlite_shift(column, days):
    return f"strftime('%Y-%m-%dT%H:%M:%SZ', {column}, '-{days} days')"


def timed(argv):
    """Median milliseconds of RUNS whole runs, and the exit status of the last."""
    times, status = [], 0
    for _ in range(max(RUNS, 5)):
        start = time.perf_counter()
        status = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), status


def queries(server):
    sqlite_db = os.path.join(OUT, f"demo-{N}.db")
    if not WITH_SQLITE:
        print("# SQLITE=0: PostgreSQL alone (its figures beside SQLite's of another run)", file=sys.stderr)
    elif not os.path.exists(sqlite_db) or subprocess.run([BIN, "--db", sqlite_db, "db", "check", "--quick"],
                                                         capture_output=True).returncode != 0:
        for suffix in ("", "-wal", "-shm", ".pin-key"):
            if os.path.exists(sqlite_db + suffix):
                os.remove(sqlite_db + suffix)
        print(f"# generating {sqlite_db} (demo --accounts {N})", file=sys.stderr)
        run([BIN, "--db", sqlite_db, "demo", "--accounts", str(N), "--date", "2026-11-20"])
    print(f"# generating demo_{N} on the server (demo --accounts {N}) unless it is there", file=sys.stderr)
    started = time.perf_counter()
    made = []
    pg = server.made(f"demo_{N}", lambda uri: (made.append(1), run([BIN, "--db", uri, "demo", "--accounts", str(N), "--date", "2026-11-20"])))
    if made:
        print(f"demo --accounts {N} on PostgreSQL: {time.perf_counter() - started:.1f} s")
    pg_uri = server.uri(pg)
    history = f"SELECT count(*) FROM ticket WHERE id > {HISTORY_IDS}"
    if server.sql(pg, history) == "0":
        started = time.perf_counter()
        server.sql(pg, year_of_decisions(pg_shift) + "\nANALYZE ticket; ANALYZE ticket_message; ANALYZE application; ANALYZE application_event;")
        print(f"a year of decisions on PostgreSQL: {time.perf_counter() - started:.1f} s")
    if WITH_SQLITE and subprocess.run(["sqlite3", sqlite_db, history], capture_output=True, text=True).stdout.strip() == "0":
        run(["sqlite3", "-bail", sqlite_db, "BEGIN;\n" + year_of_decisions(sqlite_shift) + "\nCOMMIT; ANALYZE;"])
    probe = "SELECT number FROM account WHERE id = (SELECT max(id) / 2 FROM account)"
    number = subprocess.run(["sqlite3", sqlite_db, probe], capture_output=True, text=True).stdout.strip() if WITH_SQLITE else server.sql(pg, probe)
    if server.sql(pg, probe) != number:
        sys.exit(f"the two demo regions differ: account {number} on SQLite, {server.sql(pg, probe)} on PostgreSQL")
    rgk = server.sql(pg, f"SELECT g.code FROM account a JOIN rgk g ON g.id = a.rgk_id WHERE a.number = '{number}'")
    print(f"# {N} accounts: {server.sql(pg, 'SELECT count(*) FROM reading')} readings, "
          f"{server.sql(pg, 'SELECT count(*) FROM ticket_message')} ticket messages and "
          f"{server.sql(pg, 'SELECT count(*) FROM application_event')} application steps (a year of decisions), "
          f"{server.sql(pg, 'SELECT pg_size_pretty(pg_database_size(current_database()))')} on the server, "
          + (f"{os.path.getsize(sqlite_db) / 2**30:.1f} GiB SQLite file" if WITH_SQLITE else "no SQLite file"))
    # a clerk of the region's middle RGK alone, a server role of her own (trust on the socket: the
    # server says who she is), so every command below also runs under the row-level policies
    clerk = "bench_clerk"
    if subprocess.run([BIN, "--db", pg_uri, "operator", "show", clerk], capture_output=True).returncode != 0:
        run([BIN, "--db", pg_uri, "operator", "add", clerk, "--role", "clerk", "--rgk", rgk])
    scoped_uri = pg_uri.replace("postgresql://mygaz@", f"postgresql://{clerk}@")
    print(f"{'command':<52} {'SQLite':>9} {'PostgreSQL':>11} {'scoped clerk':>13}")
    with open(os.path.join(os.path.dirname(__file__), "clerk_commands.txt"), encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip() and not line.startswith("#")]
    for line in lines:
        kind, label, args = line.split("|", 2)
        growth, _, want = kind.partition(":")
        argv = args.replace("$rgk", rgk).replace("$number", number).replace("$prefix", number[:5]).split()
        lite, lite_status = timed([BIN, "--db", sqlite_db] + argv) if WITH_SQLITE else (float("nan"), int(want or 0))
        post, post_status = timed([BIN, "--db", pg_uri] + argv)
        scoped, scoped_status = timed([BIN, "--db", scoped_uri] + argv)
        # an admin's command (exit 7) or another RGK's item (exit 3) is the clerk's rightful answer
        scoped_text = f"{scoped:>10.1f} ms" if scoped_status == int(want or 0) else f"{'exit ' + str(scoped_status):>13}"
        print(f"{label:<52} {lite:>6.1f} ms {post:>8.1f} ms {scoped_text}", flush=True)
        for engine, status in (("SQLite", lite_status), ("PostgreSQL", post_status)):
            if status != int(want or 0):
                missed.append(f"{label} on {engine} exited {status}, not {want or 0}")
        if scoped_status not in (int(want or 0), 3, 7):
            missed.append(f"{label} as a scoped clerk exited {scoped_status}")
        limit = LIMITS["linear_ms"] if growth == "linear" else LIMITS["report_ms"] if growth == "report" else LIMITS["ms"]
        for who, ms in (("on PostgreSQL", post), ("as a scoped clerk on PostgreSQL", scoped)):
            if ms > limit:
                missed.append(f"{label} {who}: {ms:.1f} ms, the limit is {limit:g} ms")


def main():
    server = Server.start()
    for part in PARTS:
        {"imports": imports, "queries": queries}[part](server)
    for what in missed:
        print(f"FAILED: {what}")
    if missed:
        print(f"FAILED: {len(missed)} limit(s) missed")
        return 1
    print("ok: every limit met")
    return 0


sys.exit(main())
