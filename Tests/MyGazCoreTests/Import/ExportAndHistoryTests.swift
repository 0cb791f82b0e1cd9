import Foundation
import Testing
@testable import MyGazCore

/// What goes back to an RGK and what came from it, on either engine: decided readings for the
/// export (and their marking), the history of import batches.
@Suite struct ExportAndHistoryTests {
    @Test(arguments: TestEngine.all) func decidedReadingsGoBackOldestDecisionFirstAndAreMarkedOnce(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let vologda = try t.rgk("vologda"), cherepovets = try t.rgk("cherepovets")
        let meter = try t.meter(account: try t.account(rgk: vologda, "1001"), "A-1")
        let elsewhere = try t.meter(account: try t.account(rgk: cherepovets, "2001"), "B-1")
        let rejected = try t.reading(meter: meter, value: 90, date: "2026-06-20", status: .rejected, decidedAt: "2026-07-02T10:00:00Z")
        let accepted = try t.reading(meter: meter, value: 120, date: "2026-06-25", status: .accepted, decidedAt: "2026-07-01T10:00:00Z")
        try t.reading(meter: try t.meter(account: try t.account(rgk: vologda, "1002"), "A-2"), value: 5, date: "2026-07-01")
        try t.reading(meter: elsewhere, value: 7, date: "2026-06-25", status: .accepted, decidedAt: "2026-07-01T11:00:00Z")
        try t.db.run("""
            INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at, decided_at) VALUES (?, 100, '2026-05-25', 'rgk', 'accepted', ?, ?)
            """, meter, t.session.now, "2026-07-01T09:00:00Z")

        func exported(_ change: (inout ReadingExport.Filter) -> Void = { _ in }) throws -> [ReadingExport.Row] {
            var filter = ReadingExport.Filter(rgk: "vologda")
            change(&filter)
            var rows: [ReadingExport.Row] = []
            try ReadingExport.forEach(t.db, filter) { rows.append($0) }
            return rows
        }
        let only = try exported()
        #expect(only.map(\.id) == [accepted], "accepted ones by default; what came from the RGK never goes back")
        #expect(only.first.map { [$0.rgk, $0.account, $0.serial, $0.date, String($0.value), $0.source] } == ["vologda", "1001", "A-1", "2026-06-25", "120", "portal"])
        #expect(try exported { $0.statuses = [.accepted, .rejected] }.map(\.id) == [accepted, rejected])
        #expect(try exported { $0.statuses = [.rejected] }.first?.reason == ReadingReason.lowerThanPrevious.rawValue)
        #expect(try exported { $0.statuses = [.accepted, .rejected]; $0.since = Timestamp.parse("2026-07-02T00:00:00Z") }.map(\.id) == [rejected])
        #expect(try exported { $0.statuses = [.accepted, .rejected]; $0.until = Timestamp.parse("2026-07-02T00:00:00Z") }.map(\.id) == [accepted])
        #expect(try exported { $0.statuses = [] }.isEmpty)

        try ReadingExport.markExported(t.session, [accepted, rejected], rgk: "vologda")
        #expect(try t.count("reading", "exported_at IS NOT NULL") == 2)
        t.advance(seconds: 60)
        try ReadingExport.markExported(t.session, [accepted], rgk: "vologda")
        #expect(try t.db.scalarString("SELECT exported_at FROM reading WHERE id = ?", accepted) == Timestamp.iso(t.now), "the first export's time stays")
        #expect(try t.count("audit", "action = 'export.readings'") == 2)
    }

    @Test(arguments: TestEngine.all) func theHistoryListsBatchesNewestFirstAndCallsAnAbandonedOneIncomplete(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let vologda = try t.rgk("vologda"), cherepovets = try t.rgk("cherepovets")
        let done = try DashboardTests.batch(t, rgk: vologda, kind: .accounts, status: .completed, startedAt: "2026-07-01T10:00:00Z")
        let failed = try DashboardTests.batch(t, rgk: cherepovets, kind: .readings, status: .failed, startedAt: "2026-07-01T11:00:00Z")
        let abandoned = try DashboardTests.batch(t, rgk: vologda, kind: .readings, status: .running, pid: try DeliveryTests.deadPID(),
                                                 startedAt: "2026-07-01T12:00:00Z")
        let all = try ImportHistory.list(t.db, rgk: nil, kind: nil, limit: 50)
        #expect(all.map(\.id) == [abandoned, failed, done])
        #expect(all.map(\.status) == ["incomplete", "failed", "completed"])
        let first = try #require(all.last)
        #expect(first.seconds == 100 && first.rgk == "vologda" && first.file == "accounts.csv" && first.encoding == "utf-8")
        #expect(first.rowsRead == 10 && first.rowsDone == 9 && first.inserted == 5 && first.updated == 3 && first.unchanged == 1 && first.rejected == 1)
        #expect(first.operatorLogin == "tester" && first.sha256.count == 64 && all.first?.seconds == nil)
        #expect(try ImportHistory.list(t.db, rgk: "VOLOGDA", kind: nil, limit: 50).map(\.id) == [abandoned, done])
        #expect(try ImportHistory.list(t.db, rgk: nil, kind: .readings, limit: 50).map(\.id) == [abandoned, failed])
        #expect(try ImportHistory.list(t.db, rgk: "vologda", kind: .readings, limit: 50).map(\.id) == [abandoned])
        #expect(try ImportHistory.list(t.db, rgk: nil, kind: nil, limit: 1).map(\.id) == [abandoned])
    }
}
