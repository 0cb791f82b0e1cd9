import EngineHarness
import Foundation
import Testing
@testable import MyGazCore

/// The reading queue's reads and bulk decisions on each engine: lists by filter, the context
/// and history of a reading, a dry run's plan, and the bulk paths (SQLite's parts, a server's
/// bounded transactions).
@Suite struct ReadingQueueTests {
    /// `oneMeter` plus meters 2–4 of the same account with a pending reading each: meter 1 1 100
    /// (valid), meter 2 900 (lower than its accepted 1 000), meter 3 1 200 (valid), meter 4 99 999
    /// (more than its RGK allows in a month). Answers the pending readings by meter.
    func queue(_ t: TestDB) throws -> [Int64: Int64] {
        _ = try t.oneMeter()
        try t.db.execute("""
            UPDATE account SET surname = 'Петров', name = 'Петр', address = 'Вологда, ул. Мира, 1', phone = '+79115550011' WHERE id = 1;
            INSERT INTO meter (id, account_id, serial, digits, model) VALUES (2, 1, 'M-8', 5, 'СГМН-1'), (3, 1, 'M-9', 5, NULL), (4, 1, 'M-10', 5, NULL);
            INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at)
                VALUES (2, 1000, '2026-06-25', 'rgk', 'accepted', 'x'), (4, 1000, '2026-06-25', 'rgk', 'accepted', 'x');
            """)
        var pending: [Int64: Int64] = [:]
        for (meter, value) in [(1, 1100), (2, 900), (3, 1200), (4, 99_999)] as [(Int64, Int64)] {
            pending[meter] = try t.db.insert("""
                INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at) VALUES (?, ?, '2026-07-10', 'phone', 'pending', ?)
                """, meter, value, "2026-07-10T10:00:0\(meter)Z")
        }
        return pending
    }

    @Test(arguments: TestEngine.all) func theQueueIsListedAndJudgedAlikeOnEachEngine(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let pending = try queue(t)
        var filter = ReadingFilter()
        #expect(try Readings.list(t.db, filter).map(\.id) == [1, 2, 3, 4].map { pending[$0]! }, "the queue, oldest first")
        filter.violationsOnly = true
        #expect(try Readings.list(t.db, filter).map(\.id) == [pending[2]!, pending[4]!])
        filter.violationsOnly = false
        filter.validOnly = true
        #expect(try Readings.list(t.db, filter).map(\.id) == [pending[1]!, pending[3]!])
        filter.validOnly = false
        filter.rule = .lowerThanPrevious
        #expect(try Readings.list(t.db, filter, firstPage: 1).map(\.id) == [pending[2]!], "found page by page")
        filter.rule = nil
        filter.serial = "M-8"
        filter.account = try AccountRef.byID(t.db, 1)
        filter.rgk = "vologda"
        #expect(try Readings.list(t.db, filter).map(\.id) == [pending[2]!])

        let low = try Readings.find(t.db, pending[2]!)
        #expect(low.previousValue == 1000 && low.previousDate == "2026-06-25" && low.verdict.violations == [.lowerThanPrevious])
        #expect(low.rgk == "vologda" && low.account == "70000017" && low.serial == "M-8" && low.maxMonthly == 300 && !low.forced)
        let context = try Readings.context(t.db, low)
        #expect(context.holder == "Петров Петр" && context.address == "Вологда, ул. Мира, 1" && context.meterModel == "СГМН-1")
        #expect(try Readings.queueIDs(t.db, rgk: nil, limit: 2) == [pending[1]!, pending[2]!])
        #expect(try Readings.queueIDs(t.db, rgk: "vologda", limit: 10).count == 4)
        #expect(try Readings.history(t.db, meterID: 2, limit: 5).map(\.value) == [1000])
        #expect(try Readings.workingSerials(t.db, account: try AccountRef.byID(t.db, 1)) == ["M-10", "M-7", "M-8", "M-9"])
        let counts = try Readings.checkCounts(t.db, rgk: "vologda")
        #expect(counts.total == 4 && counts.valid == 2 && counts.byReason == [.lowerThanPrevious: 1, .exceedsMaxConsumption: 1])

        _ = try Readings.reject(t.session, pending[2]!, reason: .lowerThanPrevious, message: nil)
        var decided = ReadingFilter()
        decided.status = .rejected
        decided.since = t.now - 60
        #expect(try Readings.list(t.db, decided).map(\.id) == [pending[2]!])
        decided.status = nil
        decided.since = nil
        #expect(try Readings.list(t.db, decided).first?.id == pending[4]!, "every state, the newest first")
    }

    /// Issue 41: `each` hands over what `list` answers, by the same conditions, order and rules,
    /// from a cursor; it stops when told to. One account's accepted readings include the RGK's
    /// history; the region's accepted list stays the office's decisions.
    @Test(arguments: TestEngine.all) func eachReadsWhatListAnswersAndStopsWhenTold(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let pending = try queue(t)
        _ = try Readings.accept(t.session, pending[1]!, force: false, reason: nil)
        func each(_ filter: ReadingFilter) throws -> [Int64] {
            var ids: [Int64] = []
            try Readings.each(t.db, filter) { ids.append($0.id); return true }
            return ids
        }
        var filters: [ReadingFilter] = []
        for status in [nil, ReadingStatus.pending, .accepted] as [ReadingStatus?] {
            for rule in [0, 1, 2] {
                var f = ReadingFilter()
                f.status = status
                f.limit = Int.max / 2
                f.violationsOnly = rule == 1
                f.validOnly = rule == 2
                filters.append(f)
            }
        }
        var narrow = ReadingFilter()
        narrow.status = .accepted
        narrow.account = try AccountRef.byID(t.db, 1)
        narrow.limit = Int.max / 2
        filters.append(narrow)
        for filter in filters {
            #expect(try each(filter) == Readings.list(t.db, filter).map(\.id), "\(String(describing: filter.status)) \(filter.violationsOnly) \(filter.validOnly)")
        }
        let accepted = try t.db.scalarInt("SELECT count(*) FROM reading r JOIN meter m ON m.id = r.meter_id WHERE m.account_id = 1 AND r.status = 'accepted'")
        let history = try each(narrow)
        #expect(history.count == accepted && history.count == 4 && history.contains(pending[1]!), "the account's accepted readings, the RGK's among them: \(history)")
        var region = narrow
        region.account = nil
        #expect(try each(region) == [pending[1]!], "a region's accepted list: the office's decisions")
        var calls = 0
        try Readings.each(t.db, ReadingFilter()) { _ in calls += 1; return false }
        #expect(calls == 1, "stopped after the first")
    }

    @Test(arguments: TestEngine.all) func aBulkRejectionTellsEachCustomerTheRuleTheirReadingBroke(_ engine: TestEngine) throws {
        try bulkRejection(engine)
    }

    func bulkRejection(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let pending = try queue(t)
        let plan = try Readings.rejectAllInvalid(t.session, rgk: "vologda", dryRun: true)
        #expect(plan.decided == 2 && plan.skipped == 2 && plan.reachable == 2 && plan.unreachable == 0)
        #expect(plan.byRGK.map(\.rgk) == ["vologda"] && plan.byRGK.map(\.count) == [2])
        #expect(try t.count("reading", "status = 'rejected'") == 0, "a dry run writes nothing")
        let result = try Readings.rejectAllInvalid(t.session, rgk: nil, dryRun: false)
        #expect(result.decided == 2 && result.byReason == [.lowerThanPrevious: 1, .exceedsMaxConsumption: 1])
        let rejected = try t.db.query("SELECT id, reason FROM reading WHERE status = 'rejected' ORDER BY id").map { try $0.int64("id") }
        #expect(rejected == [pending[2]!, pending[4]!])
        #expect(try t.count("outbox", "kind = 'reading_rejected' AND channel = 'sms'") == 2)
        let accepted = try Readings.acceptAllValid(t.session, rgk: nil, dryRun: false)
        #expect(accepted.decided == 2 && accepted.skipped == 0)
        #expect(try t.count("reading", "status = 'pending'") == 0)
        #expect(try t.count("audit", "action IN ('reading.accept', 'reading.reject')") == 4)
    }

    /// A bulk accept holds the meters of its part: a reading accepted by phone on one of them,
    /// not yet committed, is waited for, and the pending reading it makes lower than the
    /// previous one is judged again and left pending.
    @Test(.enabled(if: PGServer.available)) func aBulkAcceptWaitsForAPhoneReadingOnItsMetersAndJudgesAgain() throws {
        try bulkAcceptBesideAPhoneReading()
    }

    func bulkAcceptBesideAPhoneReading() throws {
        let clerks = try TwoClerks(.postgresql)
        try clerks.db.execute("""
            INSERT INTO rgk (id, code, name, max_monthly_m3, created_at, updated_at) VALUES (1, 'vologda', 'Вологдагаз', 300, 'x', 'x');
            INSERT INTO account (id, rgk_id, number, updated_at) VALUES (1, 1, '70000017', 'x');
            INSERT INTO meter (id, account_id, serial, digits) VALUES (1, 1, 'M-7', 5), (2, 1, 'M-8', 5);
            INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at)
                VALUES (1, 1000, '2026-06-25', 'rgk', 'accepted', 'x'), (2, 1000, '2026-06-25', 'rgk', 'accepted', 'x');
            INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at)
                VALUES (1, 1100, '2026-07-10', 'portal', 'pending', 'x'), (2, 1100, '2026-07-10', 'portal', 'pending', 'x');
            """)
        let bulk = clerks.clerks[0], phone = clerks.clerks[1]
        let pid = try #require(try bulk.db.scalarInt("SELECT pg_backend_pid()"))
        // the phone clerk's transaction as `Readings.submit` writes it: the meter held, a reading accepted
        let (writer, waited) = try phone.db.write {
            try phone.db.run("SELECT id FROM meter WHERE id = 1 FOR UPDATE")
            try phone.db.run("""
                INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at, decided_at, decided_by)
                VALUES (1, 1200, '2026-07-11', 'phone', 'accepted', 'y', 'y', 'clerk2')
                """)
            let writer = SecondWriter { try Readings.acceptAllValid(bulk, rgk: nil, dryRun: false) }
            return (writer, try writer.waitedForALock(pid: pid, watcher: clerks.db))
        }
        #expect(waited, "the bulk accept waits for the meter the phone reading holds")
        let outcome = try writer.outcome.get()
        #expect(outcome.decided == 1 && outcome.skipped == 1)
        let states = try clerks.db.query("SELECT meter_id, value, status FROM reading WHERE value <> 1000 ORDER BY id")
            .map { "\(try $0.int("meter_id")) \(try $0.int("value")) \(try $0.string("status"))" }
        #expect(states == ["1 1100 pending", "2 1100 accepted", "1 1200 accepted"])
    }
}
