#!/usr/bin/python3
"""The audit chain at size (issue 37, item 3), on SQLite and on PostgreSQL (bench/pgserver.py).

Makes N audit rows chained by python's hashlib in the canonical form docs/schema.md states (the
program never sees them made: what it verifies was computed by another implementation), a mix of
what the trail holds — acceptances, decisions with a clerk's reason (salted digest), notes in
JSON, NULLs, Cyrillic — and loads the same rows into a new SQLite database (python's sqlite3) and
a new PostgreSQL database (COPY, the table's triggers off for the load, as a restore would). Then:

- `audit verify` as a whole process on each, RUNS times: its median at most LIMIT_VERIFY_MS
  (default 10000 ms for 1M rows), the last hash it reports equal to python's;
- `audit verify --since` the last day: at most LIMIT_SINCE_MS (default 1000 ms);
- one row's content edited in the middle: `audit verify` exits 8 naming it;
- the bulk paths, with the chain: `reading accept --all-valid` of the pending readings of a demo
  region of DEMO accounts (default 70000: 5000+ readings) on each engine, one audit row per
  reading, at most LIMIT_BULK_MS (default 10000 ms).

usage: audit.py BIN OUT N     Prints each limit missed (FAILED: …) and exits 1 if any was.
"""
import hashlib, io, json, os, sqlite3, statistics, subprocess, sys, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pgserver import Server  # noqa: E402

BIN, OUT, N = sys.argv[1], sys.argv[2], int(sys.argv[3])
RUNS = int(os.environ.get("RUNS", "3"))
DEMO = int(os.environ.get("DEMO", "70000"))
LIMITS = {name: float(os.environ.get("LIMIT_" + name.upper(), default))
          for name, default in [("verify_ms", "10000"), ("since_ms", "1000"), ("bulk_ms", "10000")]}
missed = []

COLUMNS = ["id", "at", "operator", "action", "entity_type", "entity_id", "old_value", "new_value", "reason", "reason_code",
           "reason_args", "reason_salt", "reason_digest", "chain_seq", "chain_hash"]
ORDER = ["chain_seq", "id", "at", "operator", "action", "entity_type", "entity_id", "old_value", "new_value",
         "reason_code", "reason_args", "reason_digest"]


def field(v):
    if v is None:
        return b"-"
    b = str(v).encode("utf-8")
    return str(len(b)).encode() + b":" + b


START = 1798761600  # 2027-01-01T00:00:00Z: after init's own row, whenever the bench runs


def rows(n, previous, first):
    """N rows after the one at place `first - 1` (hash `previous`), one every 30 s from START,
    each chained to the one before; ids are their places."""
    start = START
    for i in range(first, first + n):
        at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(start + i * 30))
        kind = i % 10
        row = dict(id=i, at=at, operator=("ivanova", "petrov", "сидорова")[i % 3], action="reading.accept", entity_type="reading",
                   entity_id=str(1000000 + i), old_value="pending", new_value="accepted", reason=None, reason_code=None,
                   reason_args=None, reason_salt=None, reason_digest=None)
        if kind == 3:
            row.update(action="reading.reject", new_value="rejected", reason="Показание меньше предыдущего, перезвонить клиенту",
                       reason_code="reading_rule", reason_args='{"rule":"lower_than_previous"}')
            row["reason_salt"] = hashlib.sha256(str(i).encode()).hexdigest()[:32]
            row["reason_digest"] = hashlib.sha256((row["reason_salt"] + row["reason"]).encode()).hexdigest()
        elif kind == 7:
            row.update(action="user.edit", entity_type="user", entity_id=str(i % 50000), old_value=None, new_value=None,
                       reason_code="profile_field", reason_args='{"field":"phone"}')
        row["chain_seq"] = i
        previous = hashlib.sha256(previous.encode() + b"".join(field(row[k]) for k in ORDER)).hexdigest()
        row["chain_hash"] = previous
        yield row


def chained(label, first_hash):
    """The N rows after `init`'s own (place 1), made by python."""
    started = time.perf_counter()
    made = list(rows(N, first_hash, 2))
    print(f"# {label}: {N} rows chained by python's hashlib in {time.perf_counter() - started:.1f} s", flush=True)
    return made


def run(argv):
    started = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True)
    return (time.perf_counter() - started) * 1000, done


def timed(label, argv, limit, expect=0):
    times, last = [], None
    for _ in range(RUNS):
        ms, last = run(argv)
        times.append(ms)
    median = statistics.median(times)
    print(f"{label:<58} median {median:9.1f} ms  (runs {', '.join(f'{t:.0f}' for t in times)})  exit {last.returncode}")
    if last.returncode != expect:
        missed.append(f"{label} exited {last.returncode}: {last.stderr.strip()}")
    if median > limit:
        missed.append(f"{label} {median:.1f} ms, the limit is {limit:.0f} ms")
    return last


def main():
    server = Server.start()
    # SQLite: a new database of this version (init writes place 1), the rows inserted after it
    lite = os.path.join(OUT, f"audit-{N}.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(lite + suffix):
            os.remove(lite + suffix)
    subprocess.run([BIN, "--db", lite, "--quiet", "init"], check=True)
    c = sqlite3.connect(lite)
    made = chained("SQLite", c.execute("SELECT chain_hash FROM audit WHERE chain_seq = 1").fetchone()[0])
    heads = {"SQLite": made[-1]["chain_hash"]}
    started = time.perf_counter()
    c.executemany(f"INSERT INTO audit ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})",
                  ([r[k] for k in COLUMNS] for r in made))
    c.execute("UPDATE audit_chain SET last_seq = ?, last_hash = ?", (N + 1, heads["SQLite"]))
    c.commit()
    c.close()
    print(f"# SQLite loaded in {time.perf_counter() - started:.1f} s", flush=True)

    # PostgreSQL: a new database, its rows by COPY with the table's triggers off (as a restore loads them)
    name = f"audit_{N}"
    server.drop(name)
    server.sql("postgres", f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'")
    uri = server.uri(name)
    subprocess.run([BIN, "--db", uri, "--quiet", "init"], check=True)
    made = chained("PostgreSQL", server.sql(name, "SELECT chain_hash FROM audit WHERE chain_seq = 1"))
    heads["PostgreSQL"] = made[-1]["chain_hash"]
    started = time.perf_counter()
    text = io.StringIO()
    for r in made:
        text.write("\t".join("\\N" if r[k] is None else str(r[k]) for k in COLUMNS) + "\n")
    load = (f"ALTER TABLE audit DISABLE TRIGGER USER; ALTER TABLE audit_chain DISABLE TRIGGER USER; "
            f"COPY audit ({', '.join(COLUMNS)}) FROM STDIN;\n" + text.getvalue() + "\\.\n"
            f"UPDATE audit_chain SET last_seq = {N + 1}, last_hash = '{heads['PostgreSQL']}'; "
            f"SELECT setval(pg_get_serial_sequence('audit', 'id'), {N + 1}); "
            f"ALTER TABLE audit ENABLE TRIGGER USER; ALTER TABLE audit_chain ENABLE TRIGGER USER; ANALYZE audit;\n")
    subprocess.run([server.psql(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", uri], input=load, text=True, check=True,
                   stdout=subprocess.DEVNULL)
    del made, text, load
    print(f"# PostgreSQL loaded in {time.perf_counter() - started:.1f} s", flush=True)

    day = time.strftime("%Y-%m-%d", time.gmtime(START + (N + 1) * 30))
    for engine, db in (("SQLite", lite), ("PostgreSQL", uri)):
        done = timed(f"audit verify, {N + 1} rows ({engine})", [BIN, "--db", db, "audit", "verify", "--json"], LIMITS["verify_ms"])
        answer = json.loads(done.stdout or "{}")
        if answer.get("last_hash") != heads[engine] or answer.get("rows") != N + 1:
            missed.append(f"{engine}: audit verify ended on {answer.get('rows')} rows and {answer.get('last_hash')}, "
                          f"python on {N + 1} and {heads[engine]}")
        timed(f"audit verify --since {day} ({engine})", [BIN, "--db", db, "audit", "verify", "--since", day], LIMITS["since_ms"])

    # one row edited around the program: named
    middle = N // 2
    subprocess.run(["sqlite3", lite, f"DROP TRIGGER audit_insert_only_update; UPDATE audit SET new_value = 'rejected' WHERE id = {middle}"], check=True)
    server.sql(name, f"ALTER TABLE audit DISABLE TRIGGER USER; UPDATE audit SET new_value = 'rejected' WHERE id = {middle}; "
                     f"ALTER TABLE audit ENABLE TRIGGER USER")
    for engine, db in (("SQLite", lite), ("PostgreSQL", uri)):
        ms, done = run([BIN, "--db", db, "audit", "verify"])
        print(f"{'audit verify, row ' + str(middle) + ' edited (' + engine + ')':<58} {ms:9.1f} ms  exit {done.returncode}: {done.stderr.strip()}")
        if done.returncode != 8 or f"row {middle} was changed" not in done.stderr:
            missed.append(f"{engine}: the edited row {middle} was not named: exit {done.returncode} {done.stderr.strip()}")
    os.remove(lite)
    server.drop(name)

    # the bulk path with the chain: one audit row per reading accepted, in one transaction
    demo = os.path.join(OUT, f"audit-demo-{DEMO}.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(demo + suffix):
            os.remove(demo + suffix)
    pgdemo = f"audit_demo_{DEMO}"
    server.drop(pgdemo)
    server.sql("postgres", f"CREATE DATABASE {pgdemo} TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'")
    for engine, db in (("SQLite", demo), ("PostgreSQL", server.uri(pgdemo))):
        subprocess.run([BIN, "--db", db, "--quiet", "demo", "--accounts", str(DEMO), "--date", "2026-11-20"], check=True,
                       stdout=subprocess.DEVNULL)
        ms, done = run([BIN, "--db", db, "--json", "reading", "accept", "--all-valid", "--yes"])
        accepted = json.loads(done.stdout or "{}").get("accepted", 0) if done.returncode == 0 else 0
        ms_verify, verified = run([BIN, "--db", db, "audit", "verify"])
        print(f"{'reading accept --all-valid (' + engine + ')':<58} {ms:9.1f} ms  {accepted} readings, one audit row each; "
              f"then audit verify exit {verified.returncode} in {ms_verify:.0f} ms")
        if done.returncode != 0 or verified.returncode != 0:
            missed.append(f"{engine}: bulk accept exit {done.returncode}, audit verify exit {verified.returncode}: {done.stderr.strip()}")
        if accepted < 5000:
            missed.append(f"{engine}: the demo of {DEMO} accounts gave {accepted} readings to accept, not 5000: raise DEMO")
        if ms > LIMITS["bulk_ms"]:
            missed.append(f"{engine}: bulk accept {ms:.0f} ms, the limit is {LIMITS['bulk_ms']:.0f} ms")
    os.remove(demo)
    server.drop(pgdemo)

    for line in missed:
        print("FAILED: " + line)
    if missed:
        sys.exit(1)
    print("ok: every limit met")


main()
