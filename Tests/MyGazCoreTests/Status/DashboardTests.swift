import EngineHarness
import Foundation
import Testing
@testable import MyGazCore

/// `status` and the queue counters on either engine: the counts the schema's triggers keep (PL/pgSQL
/// on PostgreSQL), each queue's oldest entry, the imports; the check and the recount.
@Suite struct DashboardTests {
    /// Two RGKs with something in every queue; answers the RGKs' ids and a pending reading of the first.
    static func region(_ t: TestDB) throws -> (vologda: Int64, cherepovets: Int64, pending: Int64) {
        let vologda = try t.rgk("vologda", name: "Вологда"), cherepovets = try t.rgk("cherepovets", name: "Череповец")
        let a = try t.account(rgk: vologda, "1001"), b = try t.account(rgk: cherepovets, "2001")
        let ma = try t.meter(account: a, "A-1"), mb = try t.meter(account: b, "B-1")
        let pending = try t.reading(meter: ma, value: 10, date: "2026-07-01")
        t.advance(seconds: 60)
        try t.reading(meter: try t.meter(account: a, "A-2"), value: 11, date: "2026-07-02")   // one meter's new reading would supersede
        try t.reading(meter: mb, value: 12, date: "2026-07-02")
        try t.reading(meter: mb, value: 9, date: "2026-06-01", status: .accepted)
        try t.db.run("""
            INSERT INTO application (kind, status, rgk_id, account_id, source, created_at, submitted_at, updated_at)
            VALUES ('repair', 'submitted', ?, ?, 'portal', ?, ?, ?), ('repair', 'needs_info', ?, ?, 'portal', ?, ?, ?),
                   ('repair', 'completed', ?, ?, 'portal', ?, ?, ?)
            """, vologda, a, t.session.now, t.session.now, t.session.now, cherepovets, b, t.session.now, "2026-01-02T03:04:05Z",
            t.session.now, vologda, a, t.session.now, t.session.now, t.session.now)
        try t.db.run("""
            INSERT INTO ticket (channel, rgk_id, topic, status, sender_name, sender_email, created_at, updated_at, last_customer_at, last_operator_at)
            VALUES ('rgk', ?, 'other', 'new', 'Иванов', 'a@mail.example', ?, ?, ?, NULL),
                   ('rgk', ?, 'other', 'answered', 'Петров', 'b@mail.example', '2026-02-01T00:00:00Z', ?, ?, '2026-03-01T00:00:00Z'),
                   ('rgk', ?, 'other', 'answered', 'Сидоров', 'c@mail.example', '2025-01-01T00:00:00Z', ?, '2025-01-01T00:00:00Z', ?)
            """, vologda, t.session.now, t.session.now, t.session.now, cherepovets, t.session.now, t.session.now,
            cherepovets, t.session.now, t.session.now)
        try t.db.run("INSERT INTO pin_request (account_id, full_name, email, status, created_at) VALUES (?, 'Иванов', 'a@mail.example', 'open', ?)",
                     b, t.session.now)
        try t.db.run("""
            INSERT INTO payment (rgk_id, external_id, account_id, service, paid_on, amount_kop, state)
            VALUES (?, 'P-1', ?, 'gas', '2026-05-01', 1000, 'processing'), (?, 'P-2', ?, 'gas', ?, 1000, 'processing'),
                   (?, 'P-3', ?, 'gas', '2026-04-01', 1000, 'paid')
            """, vologda, a, vologda, a, t.session.clock.today.iso, vologda, a)
        try t.db.run("""
            INSERT INTO outbox (channel, recipient, subject, body, kind, status, next_attempt_at, created_at)
            VALUES ('email', 'a@mail.example', 'S', 'B', 'other', 'waiting', ?, '2026-06-01T00:00:00Z'),
                   ('email', 'b@mail.example', 'S', 'B', 'other', 'failed', ?, '2026-06-02T00:00:00Z')
            """, t.session.now, t.session.now)
        return (vologda, cherepovets, pending)
    }

    static func batch(_ t: TestDB, rgk: Int64, kind: ImportKind, status: ImportStatus, pid: Int? = nil, startedAt: String) throws -> Int64 {
        try t.db.insert("""
            INSERT INTO import_batch (kind, rgk_id, file_name, file_sha256, file_size, encoding, delimiter, operator, pid, host, status,
                                      started_at, finished_at, rows_read, rows_done, inserted, updated, unchanged, rejected)
            VALUES (?, ?, ?, ?, 100, 'utf-8', ';', 'tester', ?, ?, ?, ?, ?, 10, 9, 5, 3, 1, 1)
            """, kind.rawValue, rgk, "\(kind.rawValue).csv", String(repeating: "a", count: 64), pid, pid.map { _ in ImportLiveness.hostName },
            status.rawValue, startedAt, status == .running ? nil : "2026-07-01T10:01:40Z")
    }

    @Test(arguments: TestEngine.all) func theDashboardCountsEachQueuePerRGKWithItsOldestEntry(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let (vologda, cherepovets, _) = try Self.region(t)
        _ = try Self.batch(t, rgk: vologda, kind: .accounts, status: .completed, startedAt: "2026-07-01T10:00:00Z")
        _ = try Self.batch(t, rgk: vologda, kind: .accounts, status: .superseded, startedAt: "2026-07-01T11:00:00Z")
        let dead = try Self.batch(t, rgk: cherepovets, kind: .readings, status: .running, pid: try DeliveryTests.deadPID(),
                                  startedAt: "2026-07-02T10:00:00Z")

        let d = try Dashboard.load(t.db, today: t.session.clock.today)
        #expect(d.count("readings_pending") == 3 && d.count("applications_open") == 2 && d.count("tickets_open") == 2)
        #expect(d.count("pin_requests_open") == 1 && d.count("outbox_waiting") == 1 && d.count("outbox_failed") == 1)
        #expect(d.count("payments_stuck") == 1, "one paid on a day long past, one today")
        let oldest = Dictionary(uniqueKeysWithValues: d.queues.map { ($0.key, $0.oldest) })
        #expect(oldest["applications_open"] == "2026-01-02T03:04:05Z" && oldest["tickets_open"] == "2026-02-01T00:00:00Z")
        #expect(oldest["payments_stuck"] == "2026-05-01T00:00:00Z" && oldest["outbox_failed"] == "2026-06-02T00:00:00Z")
        #expect(oldest["users_unconfirmed"] == .some(nil))
        #expect(d.perRGK.map(\.code) == ["cherepovets", "vologda"])
        let perRGK = Dictionary(uniqueKeysWithValues: d.perRGK.map { ($0.code, $0) })
        #expect(perRGK["vologda"]?.pendingReadings == 2 && perRGK["cherepovets"]?.pendingReadings == 1)
        #expect(perRGK["vologda"]?.openTickets == 1 && perRGK["cherepovets"]?.openTickets == 1 && perRGK["cherepovets"]?.openPinRequests == 1)
        #expect(d.applicationsByStatus.map(\.0) == ["completed", "needs_info", "submitted"])
        #expect(d.imports.map(\.id).first == dead && d.imports.first?.status == "incomplete", "a running import whose process is gone")
        #expect(d.imports.map(\.status) == ["incomplete", "completed"] && d.imports.last?.fileName == "accounts.csv")
    }

    /// A message being sent is a row of its own, not counted among those waiting (issue 41: the
    /// row's command lists exactly what it counted), for an operator of every RGK and of some.
    @Test(arguments: TestEngine.all) func aMessageBeingSentIsCountedApartFromThoseWaiting(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let (vologda, _, _) = try Self.region(t)
        try t.db.write {
            try t.db.run("""
                INSERT INTO outbox (channel, recipient, subject, body, kind, status, next_attempt_at, created_at, rgk_id)
                VALUES ('email', 'c@mail.example', 'S', 'B', 'other', 'sending', ?, '2026-05-05T00:00:00Z', ?)
                """, t.session.now, vologda)
        }
        for scope in [nil, [vologda]] as [[Int64]?] {
            let d = try Dashboard.load(t.db, today: t.session.clock.today, scope: scope)
            #expect(d.count("outbox_waiting") == 1 && d.count("outbox_sending") == 1, "\(scope as Any): \(d.queues)")
            #expect(d.queues.first { $0.key == "outbox_sending" }?.oldest == "2026-05-05T00:00:00Z")
        }
        #expect(try Dashboard.load(t.db, today: t.session.clock.today).queues.contains { $0.key == "outbox_sending" })
        try t.db.write { try t.db.run("UPDATE outbox SET status = 'sent', sent_at = ? WHERE status = 'sending'", t.session.now) }
        #expect(try !Dashboard.load(t.db, today: t.session.clock.today).queues.contains { $0.key == "outbox_sending" }, "none: no row")
    }

    @Test(arguments: TestEngine.all) func theCheckFindsACounterThatDisagreesAndTheRecountMendsIt(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let (vologda, _, pending) = try Self.region(t)
        #expect(try QueueCounters.differences(t.db).isEmpty, "the triggers kept every count")
        try t.db.write { try t.db.run("UPDATE reading SET status = 'accepted', decided_at = ?, decided_by = 'tester' WHERE id = ?", t.session.now, pending) }
        #expect(try QueueCounters.differences(t.db).isEmpty)
        try t.db.write {
            try t.db.run("UPDATE queue_count SET count = 7 WHERE queue = 'readings_pending' AND rgk_id = ?", vologda)
            try t.db.run("DELETE FROM queue_count WHERE queue = 'outbox_failed'")
            try t.db.run("INSERT INTO queue_count (queue, rgk_id, count) VALUES ('users_unconfirmed', 0, 4)")
        }
        let found = try QueueCounters.differences(t.db)
        #expect(found.map { "\($0.queue) \($0.rgk) \($0.kept) \($0.counted)" }
                == ["outbox_failed 0 0 1", "readings_pending \(vologda) 7 1", "users_unconfirmed 0 4 0"])
        #expect(try QueueCounters.recountAll(t.session) == 3)
        #expect(try QueueCounters.differences(t.db).isEmpty)
        #expect(try Dashboard.load(t.db, today: t.session.clock.today).count("readings_pending") == 2)
        #expect(try t.count("audit", "action = 'db.recount' AND new_value = '3'") == 1)
        #expect(try QueueCounters.recountAll(t.session) == 0)
        // an application that stepped into needs_info without its mark (a step written with the triggers off)
        let waited = try #require(try t.db.scalarInt("SELECT min(id) FROM application WHERE status = 'needs_info'"))
        try t.db.write {
            try t.db.run("""
                INSERT INTO application_event (application_id, at, actor_kind, actor, from_status, to_status)
                VALUES (?, '2026-05-02T10:00:00Z', 'operator', 'clerk', 'submitted', 'needs_info')
                """, waited)
            try t.db.run("UPDATE application SET waited = 0 WHERE id = ?", waited)
        }
        #expect(try QueueCounters.differences(t.db).map { "\($0.queue) \($0.kept) \($0.counted)" } == ["application.waited 0 1"])
        #expect(try QueueCounters.recountAll(t.session) == 1)
        #expect(try t.db.scalarInt("SELECT waited FROM application WHERE id = ?", waited) == 1)
        #expect(try QueueCounters.differences(t.db).isEmpty)
    }

    /// A writer that moves a reading out of the queue while the recount holds its new counts: on
    /// PostgreSQL it waits for the recount, and its change is counted once.
    @Test(.enabled(if: PGServer.available)) func aWriterDuringARecountOnPostgreSQLWaitsAndIsCountedOnce() throws {
        let t = try TestDB(engine: .postgresql)
        let (_, _, pending) = try Self.region(t)
        let writer = try Engines.open(t.path, purpose: .use, busyTimeoutMs: 10_000)
        let watcher = try Engines.open(t.path, purpose: .use, busyTimeoutMs: 10_000)
        let writerPID = try writer.scalarInt("SELECT pg_backend_pid()") ?? 0
        let now = t.session.now
        let second = try t.db.write {
            _ = try QueueCounters.recountAll(t.session)
            let second = SecondWriter {
                try writer.write { try writer.run("UPDATE reading SET status = 'accepted', decided_at = ?, decided_by = 'tester' WHERE id = ?", now, pending) }
            }
            let waited = try second.waitedForALock(pid: writerPID, watcher: watcher)
            #expect(waited, "the writer did not wait for the recount")
            return second
        }
        #expect(try second.outcome.get() == 1)
        #expect(try QueueCounters.differences(t.db).isEmpty, "the change was counted once, after the recount")
        #expect(try Dashboard.load(t.db, today: t.session.clock.today).count("readings_pending") == 2)
    }
}
