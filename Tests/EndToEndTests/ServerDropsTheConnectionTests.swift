import Foundation
import Testing

/// The server ends the program's connection in the middle of a bulk decision (an admin's
/// `pg_terminate_backend`, a failover): the clerk reads one line naming the server, exit 8, the
/// decisions of the transaction that was open are undone whole — no reading accepted without its
/// audit row and its message — and the same command run again converges.
@Suite(.enabled(if: TestEngine.default == .postgresql, "a server's backend terminated: PostgreSQL's alone (LoadAndFaultsTests kills the process on either engine)"))
struct ServerDropsTheConnectionTests {
    @Test func aBulkAcceptWhoseConnectionIsEndedLeavesItsTransactionUndoneAndTheNextRunConverges() throws {
        let t = E2E()
        t.demo(accounts: 600)
        let decided = "SELECT count(*) FROM reading WHERE status = 'accepted' AND decided_by IS NOT NULL"
        let before = (accepted: t.sql(decided), audit: t.sql("SELECT count(*) FROM audit"), outbox: t.sql("SELECT count(*) FROM outbox"))
        let valid = try #require(Int(t.sql("SELECT count(*) FROM reading WHERE status = 'pending'")))
        #expect(valid > 10, "the demo's queue has readings to accept")

        // another session holds the audit table: the bulk accept, writing its first audit row, waits
        // there with its decisions made and not committed, where the server ends its connection
        let holder = E2E.start(E2E.psql, ["-X", "-q", "-d", t.db, "-c",
                                          "BEGIN; LOCK TABLE audit IN EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT;"])
        let held = Date().addingTimeInterval(20)
        while t.sql("SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'audit' AND l.mode = 'ExclusiveLock' AND l.granted") != "1",
              Date() < held { usleep(20_000) }
        let accept = E2E.start(E2E.binary, ["--db", t.db, "reading", "accept", "--all-valid"], cwd: t.dir)
        var ended = "0"
        let deadline = Date().addingTimeInterval(30)
        while ended == "0" && Date() < deadline {
            ended = t.sql("""
                SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = 'mygaz-admin' AND wait_event_type = 'Lock') AS k
                """)
            if ended == "0" { usleep(20_000) }
        }
        let dropped = accept.finish()
        _ = t.sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()")
        _ = holder.finish()

        #expect(ended == "1", "the bulk accept was found waiting on the audit table")
        #expect(dropped.status == 8, "\(dropped)")
        #expect(dropped.stderr.split(separator: "\n").count == 1 && dropped.stderr.contains("PostgreSQL"), "\(dropped.stderr)")
        #expect(t.sql(decided) == before.accepted, "no decision of the ended transaction stays")
        #expect(t.sql("SELECT count(*) FROM audit") == before.audit)
        #expect(t.sql("SELECT count(*) FROM outbox") == before.outbox, "nothing told to a customer")

        let again = t.run("reading", "accept", "--all-valid")
        #expect(again.status == 0, "\(again)")
        let accepted = try #require(Int(t.sql(decided))) - (Int(before.accepted) ?? 0)
        #expect(accepted > 0)
        #expect(t.sql("SELECT count(*) FROM audit WHERE action = 'reading.accept'") == String(accepted), "one audit row per reading accepted")
        #expect(t.sql("SELECT count(*) FROM reading r WHERE r.status = 'accepted' AND r.decided_by IS NOT NULL AND NOT EXISTS (SELECT 1 FROM audit a WHERE a.action = 'reading.accept' AND a.entity_id = CAST(r.id AS text))") == "0")
        let third = t.run("reading", "accept", "--all-valid")
        #expect(third.status == 0 && t.sql(decided) == String(accepted + (Int(before.accepted) ?? 0)), "the run after converges: \(third)")
    }
}
