#!/usr/bin/env python3
"""Many clerks and the portal on one database at once (issue: proof under load).

WORKERS processes each run OPS mixed mygaz-admin commands (accept and reject readings,
approve and clarify applications, reply to tickets, issue PINs, link users), drawing their
targets from shared pools so that many actions are contested, while a "portal" process
inserts readings and tickets through its own connection with a 5 s busy timeout (on a
PostgreSQL database, DB a postgresql:// URI: each write a transaction of its own through psql,
waiting at most 5 s for a lock).

Then it checks: no "database is locked" (no exit 8, no busy/locked on stderr), no lost update
(what the database gained equals what the commands reported as changed), every contested
item changed at most once, the portal never failed, and `db check` passes.
Prints the figures; exits 1 if any check fails.

usage: concurrency.py BINARY DB [--workers 8] [--ops 200] [--seed 1]
"""
import argparse, collections, json, random, sqlite3, subprocess, sys, threading, time

from benchdb import execute, literal, on_server, sql


def pools(db):
    pending = sql(db, "SELECT id FROM reading WHERE status = 'pending'")
    valid = [str(r[0]) for r in pending]
    submitted = [str(r[0]) for r in sql(db, "SELECT id FROM application WHERE status = 'submitted'")]
    tickets = [str(r[0]) for r in sql(db, "SELECT id FROM ticket WHERE status <> 'closed' AND sender_email IS NOT NULL")]
    accounts = [(r[0], r[1]) for r in sql(db, "SELECT g.code, a.number FROM account a JOIN rgk g ON g.id = a.rgk_id ORDER BY a.id LIMIT 400")]
    users = [r[0] for r in sql(db, "SELECT login FROM portal_user WHERE status = 'active' ORDER BY id LIMIT 200")]
    return valid, submitted, tickets, accounts, users


def worker(binary, db, ops, seed, pool, results):
    rnd = random.Random(seed)
    readings, submitted, tickets, accounts, users = pool
    for _ in range(ops):
        kind = rnd.choices(["accept", "reject", "approve", "clarify", "reply", "pin", "link"], [4, 2, 2, 1, 2, 1, 1])[0]
        if kind == "accept":
            target = rnd.choice(readings)
            argv = ["reading", "accept", target, "--force", "--reason", "нагрузочный тест"]
        elif kind == "reject":
            target = rnd.choice(readings)
            argv = ["reading", "reject", target, "--reason", "other", "--message", "нагрузочный тест"]
        elif kind == "approve":
            target = rnd.choice(submitted)
            argv = ["application", "approve", target]
        elif kind == "clarify":
            target = rnd.choice(submitted)
            argv = ["application", "clarify", target, "--expect-status", "submitted", "--message", "Уточните, пожалуйста"]
        elif kind == "reply":
            target = rnd.choice(tickets)
            argv = ["ticket", "reply", target, "--message", "Ответ под нагрузкой"]
        elif kind == "pin":
            rgk, number = rnd.choice(accounts)
            target = f"{rgk}/{number}"
            argv = ["pin", "issue", number, "--rgk", rgk, "--print"]
        else:
            rgk, number = rnd.choice(accounts)
            target = f"{rnd.choice(users)}>{rgk}/{number}"
            argv = ["user", "link", target.split(">")[0], number, "--rgk", rgk]
        start = time.perf_counter()
        p = subprocess.run([binary, "--db", db, "--json"] + argv, capture_output=True, text=True)
        took = time.perf_counter() - start
        changed = 0
        if p.returncode == 0:
            try:
                data = json.loads(p.stdout)
                items = data if isinstance(data, list) else [data]
                changed = sum(1 for i in items if isinstance(i, dict) and i.get("result", "changed") == "changed")
            except json.JSONDecodeError:
                changed = 1
        results.append((kind, target, p.returncode, changed, p.stderr.strip(), took))


def portal(db, stop, stats):
    if on_server(db):
        return portal_on_server(db, stop, stats)
    con = sqlite3.connect(db, timeout=5.0, isolation_level=None)
    meters = [r[0] for r in con.execute("SELECT id FROM meter WHERE state = 'working' ORDER BY id LIMIT 500")]
    rnd = random.Random(7)
    while not stop.is_set():
        start = time.perf_counter()
        try:
            con.execute("BEGIN IMMEDIATE")
            if rnd.random() < 0.7:
                con.execute("""INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at)
                               VALUES (?, 1, '2026-11-20', 'portal', 'pending', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))""", (rnd.choice(meters),))
                stats["readings"] += 1
            else:
                now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
                cur = con.execute("""INSERT INTO ticket (channel, topic, status, sender_name, sender_email, created_at, updated_at, last_customer_at)
                                     VALUES ('support', 'other', 'new', 'Портал', 'load@example.org', ?, ?, ?)""", (now, now, now))
                con.execute("INSERT INTO ticket_message (ticket_id, at, author_kind, body) VALUES (?, ?, 'customer', 'Вопрос')", (cur.lastrowid, now))
                stats["tickets"] += 1
            con.execute("COMMIT")
            stats["writes"] += 1
        except sqlite3.OperationalError as e:
            stats["failures"] += 1
            stats["errors"].append(str(e))
            try:
                con.execute("ROLLBACK")
            except sqlite3.OperationalError:
                pass
        stats["worst"] = max(stats["worst"], time.perf_counter() - start)
        time.sleep(0.01)
    con.close()


def portal_on_server(db, stop, stats):
    """The same writes on a server: one transaction each, a lock waited for at most 5 s."""
    meters = [r[0] for r in sql(db, "SELECT id FROM meter WHERE state = 'working' ORDER BY id LIMIT 500")]
    rnd = random.Random(7)
    while not stop.is_set():
        start = time.perf_counter()
        now = literal(time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        reading = rnd.random() < 0.7
        if reading:
            script = f"""INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at)
                         VALUES ({rnd.choice(meters)}, 1, '2026-11-20', 'portal', 'pending', {now});"""
        else:
            script = f"""WITH t AS (INSERT INTO ticket (channel, topic, status, sender_name, sender_email, created_at, updated_at, last_customer_at)
                                    VALUES ('support', 'other', 'new', 'Портал', 'load@example.org', {now}, {now}, {now}) RETURNING id)
                         INSERT INTO ticket_message (ticket_id, at, author_kind, body) SELECT id, {now}, 'customer', 'Вопрос' FROM t;"""
        problem = execute(db, script, lock_timeout_ms=5000)
        if problem:
            stats["failures"] += 1
            stats["errors"].append(problem)
        else:
            stats["readings" if reading else "tickets"] += 1
            stats["writes"] += 1
        stats["worst"] = max(stats["worst"], time.perf_counter() - start)
        time.sleep(0.01)


def counts(db):
    """What the commands and the portal add to: compared before and after, against what they reported."""
    return {
        "decided": sql(db, "SELECT count(*) FROM reading WHERE status IN ('accepted', 'rejected') AND source <> 'rgk'")[0][0],
        "app_events": sql(db, "SELECT count(*) FROM application_event WHERE actor_kind = 'operator'")[0][0],
        "replies": sql(db, "SELECT count(*) FROM ticket_message WHERE author_kind = 'operator'")[0][0],
        "pins": sql(db, "SELECT count(*) FROM pin WHERE source = 'issued'")[0][0],
        "links": sql(db, "SELECT count(*) FROM user_account")[0][0],
        "readings": sql(db, "SELECT count(*) FROM reading")[0][0],
        "tickets": sql(db, "SELECT count(*) FROM ticket")[0][0],
    }


def main():
    a = argparse.ArgumentParser()
    a.add_argument("binary")
    a.add_argument("db")
    a.add_argument("--workers", type=int, default=8)
    a.add_argument("--ops", type=int, default=200)
    a.add_argument("--seed", type=int, default=1)
    args = a.parse_args()
    db = args.db

    pool = pools(db)
    if not all(pool):
        print("the database has empty queues: use a demo database", file=sys.stderr)
        return 2
    before = counts(db)
    stop = threading.Event()
    stats = {"writes": 0, "readings": 0, "tickets": 0, "failures": 0, "errors": [], "worst": 0.0}
    portal_thread = threading.Thread(target=portal, args=(db, stop, stats))
    portal_thread.start()
    results = []
    threads = [threading.Thread(target=worker, args=(args.binary, db, args.ops, args.seed * 100 + i, pool, results)) for i in range(args.workers)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    stop.set()
    portal_thread.join()

    problems = []
    locked = [r for r in results if r[2] == 8 or "locked" in r[4].lower() or "busy" in r[4].lower()]
    if locked:
        problems.append(f"{len(locked)} commands met a locked database, e.g. {locked[0]}")
    unexpected = [r for r in results if r[2] not in (0, 4)]
    if unexpected:
        problems.append(f"{len(unexpected)} commands failed unexpectedly, e.g. {unexpected[0]}")
    changed = collections.Counter()
    per_target = collections.Counter()
    for kind, target, code, n, _, _ in results:
        changed[kind] += n
        if kind in ("accept", "reject", "approve", "clarify") and n:
            per_target[(kind in ("accept", "reject"), target)] += n
    twice = [t for t, n in per_target.items() if n > 1]
    if twice:
        problems.append(f"{len(twice)} contested items changed more than once, e.g. {twice[0]}")

    after = counts(db)
    expectations = [
        ("readings decided", after["decided"] - before["decided"], changed["accept"] + changed["reject"]),
        ("application steps", after["app_events"] - before["app_events"], changed["approve"] + changed["clarify"]),
        ("ticket replies", after["replies"] - before["replies"], changed["reply"]),
        ("PINs issued", after["pins"] - before["pins"], changed["pin"]),
        ("links made", after["links"] - before["links"], changed["link"]),
        ("portal readings", after["readings"] - before["readings"], stats["readings"]),
        ("portal tickets", after["tickets"] - before["tickets"], stats["tickets"]),
    ]
    for name, gained, reported in expectations:
        if gained != reported:
            problems.append(f"lost update: {name}: the database gained {gained}, the commands reported {reported}")
    if stats["failures"]:
        problems.append(f"the portal failed {stats['failures']} times: {stats['errors'][:2]}")
    check = subprocess.run([args.binary, "--db", db, "db", "check"], capture_output=True, text=True)
    if check.returncode != 0:
        problems.append(f"db check: {check.stderr.strip()}")

    times = sorted(r[5] for r in results)
    codes = collections.Counter(r[2] for r in results)
    print(f"{args.workers} clerks x {args.ops} commands + the portal: {len(results)} commands in {elapsed:.1f} s"
          f" ({len(results) / elapsed:.0f}/s), median {times[len(times) // 2] * 1000:.0f} ms, worst {times[-1] * 1000:.0f} ms")
    print(f"exit codes: {dict(sorted(codes.items()))} (4: the item was taken by another clerk first)")
    print("changed: " + ", ".join(f"{k} {v}" for k, v in sorted(changed.items())))
    print(f"portal: {stats['writes']} writes, {stats['failures']} failures, worst wait {stats['worst'] * 1000:.0f} ms")
    for name, gained, reported in expectations:
        print(f"  {name:<18} gained {gained:>5}  reported {reported:>5}")
    print(f"'database is locked': {len(locked)}; contested items changed twice: {len(twice)}; db check: {'ok' if check.returncode == 0 else 'FAILED'}")
    if problems:
        print("FAILED:\n  " + "\n  ".join(problems))
        return 1
    print("ok")
    return 0


sys.exit(main())
