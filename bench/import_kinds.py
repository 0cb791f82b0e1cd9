#!/usr/bin/env python3
"""Each kind of RGK file against the engine's own two-step path (issue 17), measured in the same
run on the same data: `iconv | sqlite3 .import` of the file into a raw table with the natural
key's unique index, then one `INSERT … SELECT` into the real table (its indexes, triggers and
joins to account and meter). Ours: `mygaz-admin import KIND FILE` into the same database,
with validation, upsert and line-numbered errors.

Each is run RUNS times (environment, default 1), ours and the baseline in turn, and the medians
are printed; "lock" is our longest write-lock hold, "portal" the worst wait of a portal-like
writer (bench/portal.py: busy timeout 5 s, a write every 20 ms; a write locked out counts at its
whole wait) during our import, the worst of the runs.

Limits, for every kind (LIMIT_… in the environment overrides each): ratio <= 1.0 (LIMIT_RATIO),
peak RSS <= 64 MiB (LIMIT_RSS_MIB), lock <= 250 ms (LIMIT_LOCK_MS), portal <= 250 ms with no
write failed (LIMIT_PORTAL_MS); for accounts also the same file again <= half the first
(LIMIT_AGAIN). Prints each one missed and exits 1 if any was.

usage: [RUNS=3] import_kinds.py BIN OUT N KIND...   (files from make_region.py in OUT)
"""
import json, os, shutil, statistics, subprocess, sys, tempfile, time

from portal import Portal

LIMITS = {name: float(os.environ.get("LIMIT_" + name.upper(), default))
          for name, default in [("ratio", "1.0"), ("rss_mib", "64"), ("lock_ms", "250"), ("portal_ms", "250"), ("again", "0.5")]}

BIN, OUT, N, KINDS = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
NOW = "'2026-12-01T00:00:00Z'"


def iso(col):
    return f"substr({col}, 7, 4) || '-' || substr({col}, 4, 2) || '-' || substr({col}, 1, 2)"


def kop(col):
    return f"CAST(round(CAST(replace(replace({col}, ' ', ''), ',', '.') AS REAL) * 100) AS INTEGER)"


ACCOUNT = "JOIN account a ON a.rgk_id = 1 AND a.number = r.account"
# kind: (parents it needs, raw table's columns and key, the INSERT … SELECT)
KIND = {
    "accounts": ("empty", "rgk TEXT, account TEXT, surname TEXT, name TEXT, patronymic TEXT, address TEXT, phone TEXT, "
                 "residents TEXT, heated_area TEXT, status TEXT, UNIQUE (rgk, account)",
                 f"INSERT INTO account (rgk_id, number, surname, name, patronymic, address, phone, residents, heated_area, status, "
                 f"updated_at) SELECT 1, CAST(CAST(replace(r.account, '-', '') AS INTEGER) AS TEXT), nullif(r.surname, ''), "
                 f"nullif(r.name, ''), nullif(r.patronymic, ''), nullif(r.address, ''), nullif(r.phone, ''), "
                 f"CAST(r.residents AS INTEGER), CAST(replace(r.heated_area, ',', '.') AS REAL), "
                 f"CASE r.status WHEN 'закрыт' THEN 'closed' ELSE 'open' END, {NOW} FROM raw r"),
    "services": ("accounts", "account TEXT, service TEXT, balance TEXT, UNIQUE (account, service)",
                 f"INSERT INTO service (account_id, kind, balance_kop, updated_at) SELECT a.id, "
                 f"CASE r.service WHEN 'Природный газ' THEN 'gas' ELSE 'vdgo' END, {kop('r.balance')}, {NOW} FROM raw r {ACCOUNT}"),
    "meters": ("accounts", "account TEXT, serial TEXT, model TEXT, digits TEXT, verification TEXT, UNIQUE (account, serial)",
               f"INSERT INTO meter (account_id, serial, model, digits, next_verification) SELECT a.id, r.serial, r.model, "
               f"CAST(r.digits AS INTEGER), {iso('r.verification')} FROM raw r {ACCOUNT}"),
    "readings": ("meters", "account TEXT, serial TEXT, date TEXT, value TEXT, UNIQUE (account, serial, date)",
                 f"INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at) SELECT m.id, "
                 f"CAST(r.value AS INTEGER), {iso('r.date')}, 'rgk', 'accepted', {NOW} FROM raw r {ACCOUNT} "
                 f"JOIN meter m ON m.account_id = a.id AND m.serial = r.serial"),
    "settlements": ("meters", "account TEXT, service TEXT, period TEXT, opening TEXT, charged TEXT, paid TEXT, UNIQUE (account, service, period)",
                    f"INSERT INTO settlement (service_id, period, opening_kop, charged_kop, paid_kop) SELECT s.id, "
                    f"substr(r.period, 4, 4) || '-' || substr(r.period, 1, 2), {kop('r.opening')}, {kop('r.charged')}, {kop('r.paid')} "
                    f"FROM raw r {ACCOUNT} JOIN service s ON s.account_id = a.id AND s.kind = 'gas'"),
    "payments": ("accounts", "account TEXT, service TEXT, date TEXT, amount TEXT, channel TEXT, external_id TEXT, UNIQUE (external_id)",
                 f"INSERT INTO payment (rgk_id, external_id, account_id, service, paid_on, amount_kop, channel, state) SELECT 1, "
                 f"r.external_id, a.id, 'gas', {iso('r.date')}, {kop('r.amount')}, r.channel, 'paid' FROM raw r {ACCOUNT}"),
}


def run(cmd, shell=False, output=None):
    """Wall seconds and peak RSS (MiB) of one child; its stdout into the file `output` if given."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, shell=shell, stdout=output or subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {cmd}\n{err}")
    return seconds, usage.ru_maxrss / 1024


def ours(db, kind, path):
    """Seconds, peak RSS (MiB) and the longest write-lock hold (ms) of our import."""
    with tempfile.TemporaryFile() as report:
        seconds, rss = run([BIN, "--db", db, "import", kind, path, "--rgk", "vologda", "--json"], output=report)
        report.seek(0)
        return seconds, rss, json.load(report)[0]["longest_lock_ms"]


def file(kind):
    return os.path.join(OUT, f"{kind}-{N}.csv")


def fresh(source, name):
    target = os.path.join(OUT, name)
    for suffix in ("", "-wal", "-shm", ".pin-key"):
        if os.path.exists(target + suffix):
            os.remove(target + suffix)
    shutil.copyfile(source, target)
    os.sync()
    return target


def parents():
    """Three databases to start from: the RGK alone; its accounts; the accounts with their
    services and meters."""
    made = {}
    empty = os.path.join(OUT, "parents-empty.db")
    if not os.path.exists(empty):
        tmp = empty + ".tmp"
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(tmp + suffix):
                os.remove(tmp + suffix)
        run([BIN, "--db", tmp, "init"])
        run([BIN, "--db", tmp, "import", "rgk", os.path.join(OUT, "rgk.csv")])
        run(["sqlite3", tmp, "PRAGMA wal_checkpoint(TRUNCATE)"])
        os.rename(tmp, empty)
    made["empty"] = empty
    accounts = os.path.join(OUT, f"parents-accounts-{N}.db")
    if not os.path.exists(accounts):
        tmp = fresh(empty, f"parents-accounts-{N}.db.tmp")
        run([BIN, "--db", tmp, "import", "accounts", os.path.join(OUT, f"accounts-{N}.csv")])
        run(["sqlite3", tmp, "PRAGMA wal_checkpoint(TRUNCATE)"])
        os.rename(tmp, accounts)
    made["accounts"] = accounts
    meters = os.path.join(OUT, f"parents-meters-{N}.db")
    if not os.path.exists(meters) and any(KIND[k][0] == "meters" for k in KINDS):
        tmp = fresh(accounts, f"parents-meters-{N}.db.tmp")
        ours(tmp, "services", file("services"))
        ours(tmp, "meters", file("meters"))
        run(["sqlite3", tmp, "PRAGMA wal_checkpoint(TRUNCATE)"])
        os.rename(tmp, meters)
    made["meters"] = meters
    return made


def main():
    runs = int(os.environ.get("RUNS", "1"))
    start = parents()
    print(f"{'kind':<12} {'rows':>10} {'ours':>9} {'again':>8} {'.import':>9} {'INSERT':>9} {'ratio':>6} {'/INSERT':>8} {'peak RSS':>9} "
          f"{'lock':>7} {'portal':>8}")
    missed = []
    for kind in KINDS:
        parent, columns, insert = KIND[kind]
        path = file(kind)
        rows = sum(1 for _ in open(path, "rb")) - 1
        firsts, agains, imports, inserts, rss, lock, portal, failures = [], [], [], [], 0.0, 0, 0.0, []
        for i in range(runs):
            db = fresh(start[parent], "kind-ours.db")
            with Portal(db, tell_over=0.25) as writer:
                ours_s, peak, held = ours(db, kind, path)
            portal = max(portal, writer.worst)
            failures += writer.missed(float("inf"))
            again_s, _, _ = ours(db, kind, path)
            firsts.append(ours_s); agains.append(again_s); rss = max(rss, peak); lock = max(lock, held)
            base = fresh(start[parent], "kind-base.db")
            subprocess.run(["sqlite3", base, f"CREATE TABLE raw ({columns}) STRICT"], check=True)
            import_s, _ = run(f"iconv -f cp1251 -t utf-8 '{path}' | sqlite3 '{base}' 'PRAGMA synchronous = NORMAL' '.mode csv' "
                              f"'.separator ;' '.import --skip 1 /dev/stdin raw'", shell=True)
            insert_s, _ = run(["sqlite3", base, "PRAGMA synchronous = NORMAL", insert])
            got = subprocess.run(["sqlite3", base, f"SELECT (SELECT count(*) FROM raw)"], capture_output=True, text=True).stdout.strip()
            if got != str(rows):
                sys.exit(f"{kind}: the baseline imported {got} rows of {rows}")
            imports.append(import_s); inserts.append(insert_s)
        m = statistics.median
        o, a, im, ins = m(firsts), m(agains), m(imports), m(inserts)
        ratio = o / (im + ins)
        print(f"{kind:<12} {rows:>10,} {o:>8.1f}s {a:>7.1f}s {im:>8.1f}s {ins:>8.1f}s "
              f"{ratio:>6.2f} {o / ins:>8.2f} {rss:>6.1f} MiB {lock:>4} ms {portal * 1000:>5.0f} ms", flush=True)
        checks = [("ratio to the two-step path", ratio, LIMITS["ratio"], ""), ("peak RSS", rss, LIMITS["rss_mib"], " MiB"),
                  ("longest write-lock hold", lock, LIMITS["lock_ms"], " ms"),
                  ("portal's worst wait", portal * 1000, LIMITS["portal_ms"], " ms")]
        if kind == "accounts":
            checks.append(("the same file again / the first", a / o, LIMITS["again"], ""))
        missed += [f"{kind}: {name} {value:.2f}{unit}, the limit is {limit:g}{unit}" for name, value, limit, unit in checks if value > limit]
        missed += [f"{kind}: the portal writer beside ours: {what}" for what in failures]
    for what in missed:
        print(f"FAILED: {what}")
    return 1 if missed else 0


sys.exit(main())
