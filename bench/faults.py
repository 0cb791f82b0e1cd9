#!/usr/bin/env python3
"""kill -9 at random moments (issue: proof under load, faults and bad input).

For each of an import, a bulk `reading accept --all-valid` and `outbox send`: one clean run
gives the reference; then TRIALS times a fresh copy of the same database gets the command,
killed with SIGKILL at a random moment of its run, and the command run again until it is done.
Every trial must end with `db check` passing and the same content as the clean run (a
checksum of the rows the command writes, without timestamps and run ids); for the imports,
the accounts' search index must pass FTS5's integrity check; for the outbox, each message
must have reached the recording sendmail exactly once.
Prints what each trial saw; exits 1 if any check fails.

With --db-server URI (a PostgreSQL database) the databases are the server's: each made beside
that one (named after it), a copy made with CREATE DATABASE … TEMPLATE, dropped at the end; the
files (the RGK files, the mail) stay in WORKDIR. A command there writes in one transaction that
the server rolls back with its killed connection: a kill is seen in no count until the rerun.

usage: faults.py BINARY WORKDIR [--trials 10] [--rows 200000] [--accounts 20000] [--messages 200]
                 [--readings-accounts 50000] [--pins 30000] [--only import,readings,pins,accept,outbox] [--seed 1]
                 [--db-server URI]
"""
import argparse, glob, hashlib, os, random, shutil, signal, subprocess, sys, time

import benchdb
from benchdb import execute, literal, on_server, sql

# the PostgreSQL database the scratch databases are made beside (--db-server), or None: SQLite files
SERVER = None

HERE = os.path.dirname(os.path.abspath(__file__))


def digest(db, queries):
    h = hashlib.sha256()
    for q in queries:
        h.update(q.encode())
        h.update(repr(sql(db, q)).encode())
    return h.hexdigest()[:16]


def database(work, name):
    """The scratch database `name`: a file in WORKDIR, or a database on the server."""
    return benchdb.sibling(SERVER, name.replace("-", "_")) if SERVER else os.path.join(work, f"{name}.db")


def remove_db(db):
    if on_server(db):
        benchdb.drop(SERVER, db)
        return
    for suffix in ("", "-wal", "-shm", ".pin-key"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)


def new_db(db):
    """An empty database where `db` was (`init` or `demo` makes a file, not a server's database)."""
    if on_server(db):
        benchdb.create(SERVER, db)
    else:
        remove_db(db)


def copy(src, dst):
    if on_server(dst):
        benchdb.clone(SERVER, src, dst)
        return
    remove_db(dst)
    shutil.copyfile(src, dst)


class Scenario:
    name = ""
    queries = []
    # the table the command writes: on a server, where no count shows a transaction's work
    # before its commit, the moment another connection holds it for writing
    table = None

    def __init__(self, binary, work, args):
        self.binary, self.work, self.args = binary, work, args
        self.base = database(work, f"{self.name}-base")

    def cli(self, db, *argv, check=True):
        p = subprocess.run([self.binary, "--db", db, *argv], capture_output=True, text=True)
        if check and p.returncode != 0:
            raise SystemExit(f"{self.name}: {' '.join(argv)} failed ({p.returncode}): {p.stderr.strip()}")
        return p

    def command(self, db):
        raise NotImplementedError

    def progress(self, db):
        """How far the command had come, in its own units."""
        raise NotImplementedError

    def prepare_trial(self, db):
        pass

    def finish(self, db):
        """Runs the command again until it is done; returns how many reruns it took."""
        p = subprocess.run(self.command(db), capture_output=True, text=True)
        if p.returncode != 0:
            raise AssertionError(f"the rerun failed ({p.returncode}): {p.stderr.strip()}")
        return 1

    def extra_checks(self, db):
        return []

    def content(self, db):
        """What a trial must end with: the digest of the scenario's queries."""
        return digest(db, self.queries)


class Import(Scenario):
    name = "import"
    table = "account"
    queries = [
        "SELECT id, rgk_id, number, surname, name, patronymic, address, phone, residents, heated_area, status FROM account ORDER BY id",
        # an interrupted batch is superseded by the run that finishes it: what counts is that none is left running
        "SELECT count(*) FROM import_batch WHERE status = 'running'",
        # (a kill after the last commit leaves a complete import: the rerun finds every row unchanged)
        "SELECT status FROM import_batch ORDER BY id DESC LIMIT 1",
    ]

    def accounts_file(self, n):
        """make_accounts.py's N accounts (70000001 …), written once."""
        path = os.path.join(self.work, f"accounts-{n}.csv")
        if not os.path.exists(path):
            subprocess.run([sys.executable, os.path.join(HERE, "make_accounts.py"), str(n), path], check=True)
        return path

    def new_base(self, *imports):
        """The scenario's starting database: one RGK, then each (kind, file, extra arguments…) imported."""
        rgk = os.path.join(self.work, "rgk.csv")
        with open(rgk, "w", encoding="utf-8") as f:
            f.write("code;name;max_monthly_m3\nvologda;Вологда;300\n")
        new_db(self.base)
        self.cli(self.base, "init")
        self.cli(self.base, "import", "rgk", rgk)
        for kind, path, *extra in imports:
            self.cli(self.base, "import", kind, path, *extra)

    def setup(self):
        self.file = self.accounts_file(self.args.rows)
        self.new_base()
        self.total = self.args.rows

    def command(self, db):
        return [self.binary, "--db", db, "--quiet", "import", "accounts", self.file]

    def progress(self, db):
        return sql(db, "SELECT count(*) FROM account")[0][0]

    def content(self, db):
        # a server's sequence never hands out again the ids a rolled-back import took: there
        # the accounts are compared by their numbers
        if on_server(db):
            return digest(db, [q.replace("SELECT id, rgk_id,", "SELECT rgk_id,").replace("FROM account ORDER BY id", "FROM account ORDER BY rgk_id, number")
                               for q in self.queries])
        return digest(db, self.queries)

    def extra_checks(self, db):
        # the import writes the accounts' trigrams itself, at the end of each part: the index must
        # hold exactly what the table does (the sqlite3 shell, with FTS5's own check); a server
        # keeps its trigram index itself
        if on_server(db):
            return []
        p = subprocess.run(["sqlite3", db, "INSERT INTO account_search (account_search, rank) VALUES ('integrity-check', 1)"],
                           capture_output=True, text=True)
        return [] if p.returncode == 0 else [f"account_search: {p.stderr.strip()}"]


class ReadingsImport(Import):
    """The batched path: readings staged a batch at a time and written by one INSERT … SELECT."""
    name = "readings"
    table = "reading"
    queries = [
        "SELECT meter_id, reading_date, value, source, status FROM reading ORDER BY meter_id, reading_date",
        "SELECT count(*) FROM import_batch WHERE status = 'running'",
        "SELECT status FROM import_batch ORDER BY id DESC LIMIT 1",
    ]

    def setup(self):
        n = self.args.readings_accounts
        accounts = self.accounts_file(n)
        self.file = os.path.join(self.work, f"readings-{n}.csv")
        if not os.path.exists(self.file):
            subprocess.run([sys.executable, os.path.join(HERE, "make_region.py"), str(n), self.work], check=True)
        self.new_base(("accounts", accounts), ("meters", os.path.join(self.work, f"meters-{n}.csv"), "--rgk", "vologda"))
        self.total = n * 6

    def command(self, db):
        return [self.binary, "--db", db, "--quiet", "import", "readings", self.file, "--rgk", "vologda"]

    def progress(self, db):
        return sql(db, "SELECT count(*) FROM reading")[0][0]


class PinsImport(Import):
    """Hashing on the pool, digests with the key beside the database: a PIN written before the
    kill is unchanged on the rerun, so no account gets a PIN twice."""
    name = "pins"
    table = "pin"
    queries = [
        "SELECT account_id, source, state FROM pin ORDER BY account_id, id",
        "SELECT count(*) FROM import_batch WHERE status = 'running'",
    ]

    def setup(self):
        n = self.args.pins
        accounts = self.accounts_file(n)
        self.file = os.path.join(self.work, f"pins-{n}.csv")
        rnd = random.Random(5)
        with open(self.file, "w", encoding="utf-8") as f:
            f.write("ЛС;ПИН-код\n")
            for i in range(n):
                f.write(f"{70_000_001 + i};{rnd.randrange(10**7, 10**8)}\n")
        self.new_base(("accounts", accounts))
        self.total = n

    def command(self, db):
        return [self.binary, "--db", db, "--quiet", "import", "pins", self.file, "--rgk", "vologda"]

    def progress(self, db):
        return sql(db, "SELECT count(*) FROM pin")[0][0]

    def extra_checks(self, db):
        issued = sql(db, "SELECT count(*), count(DISTINCT account_id) FROM pin")[0]
        return [] if issued[0] == issued[1] == self.total else [f"{issued[0]} PINs for {issued[1]} accounts, {self.total} expected"]


class Accept(Scenario):
    name = "accept"
    table = "reading"
    queries = [
        "SELECT id, status, decided_by FROM reading ORDER BY id",
        "SELECT count(*) FROM audit WHERE action = 'reading.accept'",
    ]

    def setup(self):
        new_db(self.base)
        self.cli(self.base, "demo", "--accounts", str(self.args.accounts), "--date", "2026-11-20")
        self.total = sql(self.base, "SELECT count(*) FROM reading WHERE status = 'pending'")[0][0]
        self.before = self.accepted(self.base)

    @staticmethod
    def accepted(db):
        return sql(db, "SELECT count(*) FROM reading WHERE status = 'accepted'")[0][0]

    def command(self, db):
        return [self.binary, "--db", db, "--quiet", "reading", "accept", "--all-valid"]

    def progress(self, db):
        return self.accepted(db) - self.before


class Send(Scenario):
    name = "outbox"
    queries = ["SELECT id, channel, recipient, status, attempts, last_error FROM outbox ORDER BY id"]

    def setup(self):
        new_db(self.base)
        self.cli(self.base, "init")
        self.cli(self.base, "config", "set", "mail.from", "abon@gaz.example")
        rows = []
        for i in range(1, self.args.messages + 1):
            sms = i % 5 == 0
            values = ("sms" if sms else "email", f"+7900{i:07d}" if sms else f"c{i}@mail.ru", None if sms else f"Сообщение {i}", f"Текст {i}")
            rows.append(f"""INSERT INTO outbox (channel, recipient, subject, body, kind, status, next_attempt_at, created_at)
                            VALUES ({", ".join(map(literal, values))}, 'other', 'waiting', '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z');""")
        problem = execute(self.base, "\n".join(rows))
        if problem:
            raise SystemExit(f"{self.name}: the messages: {problem}")
        self.mail = os.path.join(self.work, "mail")
        self.sendmail = os.path.join(self.work, "sendmail")
        # a message is recorded whole or not at all: written aside, then renamed into place
        with open(self.sendmail, "w") as f:
            f.write(f"#!/bin/sh\nf=$(mktemp '{self.mail}/.part.XXXXXX')\ncat > \"$f\"\nsleep 0.01\n"
                    f"mv \"$f\" \"$(mktemp -u '{self.mail}/msg.XXXXXX')\"\n")
        self.sms = os.path.join(self.work, "send-sms")
        with open(self.sms, "w") as f:
            # the number comes in the environment (never in argv, where `ps` shows it)
            f.write(f"#!/bin/sh\nf=$(mktemp '{self.mail}/.part.XXXXXX')\n{{ echo \"To: $MYGAZ_RECIPIENT\"; cat; }} > \"$f\"\n"
                    f"mv \"$f\" \"$(mktemp -u '{self.mail}/sms.XXXXXX')\"\n")
        os.chmod(self.sendmail, 0o755)
        os.chmod(self.sms, 0o755)
        self.total = self.args.messages

    def prepare_trial(self, db):
        shutil.rmtree(self.mail, ignore_errors=True)
        os.makedirs(self.mail)

    def command(self, db):
        return [self.binary, "--db", db, "--quiet", "outbox", "send", "--limit", "0", "--sendmail", self.sendmail + " -i",
                "--sms-command", self.sms]

    def progress(self, db):
        return len(glob.glob(os.path.join(self.mail, "msg.*")) + glob.glob(os.path.join(self.mail, "sms.*")))

    def finish(self, db):
        # the killed sender's last delivering shell may still be at work: its message stays in
        # `sending` until the shell records it, so the queue is run until nothing is left
        deadline = time.time() + 120
        reruns = 0
        while time.time() < deadline:
            p = subprocess.run(self.command(db), capture_output=True, text=True)
            reruns += 1
            if p.returncode != 0:
                raise AssertionError(f"the rerun failed ({p.returncode}): {p.stderr.strip()}")
            if sql(db, "SELECT count(*) FROM outbox WHERE status IN ('waiting', 'sending')")[0][0] == 0:
                return reruns
            time.sleep(0.2)
        raise AssertionError("messages still waiting or sending after 120 s")

    def extra_checks(self, db):
        problems = []
        ids = []
        for f in glob.glob(os.path.join(self.mail, "msg.*")):
            for line in open(f, encoding="utf-8", errors="replace"):
                if line.lower().startswith("message-id:"):
                    ids.append(line.split(":", 1)[1].strip())
                    break
        numbers = [open(f, encoding="utf-8").readline().strip()[4:] for f in glob.glob(os.path.join(self.mail, "sms.*"))]
        expected = {r[0] for r in sql(db, "SELECT message_id FROM outbox WHERE channel = 'email'")}
        if sorted(ids) != sorted(expected):
            twice = len(ids) - len(set(ids))
            problems.append(f"e-mail: {len(ids)} delivered ({twice} twice) for {len(expected)} messages")
        recipients = sorted(r[0] for r in sql(db, "SELECT recipient FROM outbox WHERE channel = 'sms'"))
        if sorted(numbers) != recipients:
            problems.append(f"SMS: {len(numbers)} delivered ({len(numbers) - len(set(numbers))} twice) for {len(recipients)} messages")
        if glob.glob(os.path.join(self.mail, ".part.*")):
            problems.append("a delivery was cut off halfway")
        return problems


def writing(db, table):
    """Whether another connection holds `table` of the server's database `db` for writing."""
    return sql(db, f"""SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                       WHERE c.relname = {literal(table)} AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()""")[0][0] > 0


def trial(s, n, reference, duration, rnd):
    db = database(s.work, f"{s.name}-trial")
    copy(s.base, db)
    s.prepare_trial(db)
    # odd trials: a random point of the work, since a command spends much of its time before its
    # first write (reading, checking) and a kill there proves little; even trials: a random
    # moment of a clean run's time, wherever that falls
    by_clock = n % 2 == 0
    target = int(rnd.uniform(0, 0.9) * s.total)
    moment = rnd.uniform(0.05, 1.0) * duration
    started = time.perf_counter()
    p = subprocess.Popen(s.command(db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if by_clock:
        time.sleep(moment)
    elif on_server(db) and s.table:
        # its one transaction at work on the table, then a moment more of it
        while p.poll() is None and not writing(db, s.table) and time.perf_counter() - started < 10 * duration + 10:
            time.sleep(0.005)
        time.sleep(rnd.uniform(0, 0.1) * duration)
    else:
        while p.poll() is None and s.progress(db) < target and time.perf_counter() - started < 10 * duration + 10:
            time.sleep(0.005)
    delay = time.perf_counter() - started
    killed = p.poll() is None
    if killed:
        os.kill(p.pid, signal.SIGKILL)
    p.wait()
    at_kill = s.progress(db)
    problems = []
    try:
        reruns = s.finish(db)
    except AssertionError as e:
        problems.append(str(e))
        reruns = 0
    check = subprocess.run([s.binary, "--db", db, "db", "check"], capture_output=True, text=True)
    if check.returncode != 0:
        problems.append(f"db check: {check.stdout.strip()} {check.stderr.strip()}")
    got = s.content(db)
    if got != reference:
        problems.append(f"content {got}, a clean run gives {reference}")
    problems += s.extra_checks(db)
    state = f"killed at {delay:5.2f} s, {at_kill:>7} of {s.total} done" if killed else f"finished at {delay:.2f} s before the kill"
    print(f"  {s.name} trial {n:>2}: {state}; {reruns} rerun(s); " + ("ok" if not problems else "FAILED: " + "; ".join(problems)),
          flush=True)
    remove_db(db)
    return problems, killed


def main():
    a = argparse.ArgumentParser()
    a.add_argument("binary")
    a.add_argument("work")
    a.add_argument("--trials", type=int, default=10)
    a.add_argument("--rows", type=int, default=200_000)
    a.add_argument("--accounts", type=int, default=20_000)
    a.add_argument("--messages", type=int, default=200)
    a.add_argument("--readings-accounts", type=int, default=50_000)
    a.add_argument("--pins", type=int, default=30_000)
    a.add_argument("--only", default="import,readings,pins,accept,outbox")
    a.add_argument("--seed", type=int, default=1)
    a.add_argument("--db-server", help="a PostgreSQL database (URI): the scratch databases are made beside it")
    args = a.parse_args()
    global SERVER
    SERVER = args.db_server
    if SERVER and not on_server(SERVER):
        raise SystemExit(f"--db-server takes a postgresql:// URI, not {SERVER!r}")
    os.makedirs(args.work, exist_ok=True)
    rnd = random.Random(args.seed)
    failed = 0
    for cls in (Import, ReadingsImport, PinsImport, Accept, Send):
        if cls.name not in args.only.split(","):
            continue
        s = cls(args.binary, args.work, args)
        s.setup()
        db = database(args.work, f"{s.name}-clean")
        copy(s.base, db)
        s.prepare_trial(db)
        start = time.perf_counter()
        subprocess.run(s.command(db), check=True, capture_output=True)
        duration = time.perf_counter() - start
        if cls is Send:
            s.finish(db)
        reference = s.content(db)
        clean_problems = s.extra_checks(db)
        if clean_problems:
            raise SystemExit(f"{s.name}: the clean run itself: {clean_problems}")
        print(f"# {s.name}: a clean run takes {duration:.2f} s for {s.total}; content {reference}", flush=True)
        kills = 0
        for n in range(1, args.trials + 1):
            problems, killed = trial(s, n, reference, duration, rnd)
            failed += bool(problems)
            kills += killed
        print(f"# {s.name}: {kills} of {args.trials} trials killed mid-run, {failed} failed so far", flush=True)
        if SERVER:
            remove_db(db)
            remove_db(s.base)
    if failed:
        print(f"FAILED: {failed} trials")
        return 1
    print("ok")
    return 0


sys.exit(main())
