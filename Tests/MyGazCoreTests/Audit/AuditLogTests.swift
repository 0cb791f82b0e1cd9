import Foundation
import Testing
@testable import MyGazCore

/// The audit trail on either engine: one row per id for a bulk decision, and the reading of it
/// by time, operator, entity and action.
@Suite struct AuditLogTests {
    @Test(arguments: TestEngine.all) func aBulkDecisionLeavesOneRowPerIdInTheOrderGiven(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        try t.db.write { try t.session.audit("reading.accept", .reading, ids: [15, 3, 9_000_000_001], old: "pending", new: "accepted") }
        try t.db.write { try t.session.audit("reading.accept", .reading, ids: [], old: "pending", new: "accepted") }
        let rows = try t.db.query("""
            SELECT at, operator, entity_type, entity_id, old_value, new_value FROM audit WHERE action = 'reading.accept' ORDER BY id
            """)
        #expect(try rows.map { try $0.string("entity_id") } == ["15", "3", "9000000001"])
        for row in rows {
            #expect(try row.string("at") == t.session.now && row.string("operator") == "tester" && row.string("entity_type") == "reading")
            #expect(try row.optString("old_value") == "pending" && row.optString("new_value") == "accepted")
        }
        var filter = AuditFilter()
        filter.entityType = "reading"
        filter.entityID = "3"
        #expect(try AuditLog.list(t.db, filter).map(\.action) == ["reading.accept"])
    }

    @Test(arguments: TestEngine.all) func theTrailIsReadNewestFirstByTimeOperatorEntityAndAction(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        t.advance(seconds: 60)
        let start = t.now + 60      // after the first admin's row
        try t.db.write { try t.session.audit("reading.reject", .reading, 7, old: "pending", new: "rejected", reason: "ошибка") }
        t.advance(seconds: 3600)
        let other = Session(db: t.db, login: "petrova", clock: t.session.clock)
        try t.db.write { try other.audit("ticket.answer", .ticket, 8, note: AuditNote(.faqAnswer, ["faq": .int(2)])) }
        t.advance(seconds: 3600)
        try t.db.write { try t.session.audit("readings.export", .rgk, "vologda") }

        var all = AuditFilter()
        all.since = start
        let entries = try AuditLog.list(t.db, all)
        #expect(entries.map(\.action) == ["readings.export", "ticket.answer", "reading.reject"])
        let answer = try #require(entries.first { $0.action == "ticket.answer" })
        #expect(answer.operatorLogin == "petrova" && answer.entityID == "8" && answer.reasonCode == "faq_answer" && answer.reasonArgs != nil)
        #expect(entries.last?.reason == "ошибка" && entries.last?.oldValue == "pending")

        var window = AuditFilter()
        window.since = start + 1800
        window.until = start + 5400
        #expect(try AuditLog.list(t.db, window).map(\.action) == ["ticket.answer"])
        var byLogin = AuditFilter()
        byLogin.operatorLogin = "tester"
        #expect(try AuditLog.list(t.db, byLogin).map(\.action) == ["readings.export", "reading.reject", "operator.add"])
        var byGroup = AuditFilter()
        byGroup.action = "reading"
        #expect(try AuditLog.list(t.db, byGroup).map(\.action) == ["reading.reject"], "a group of actions, not readings.*")
        var limited = AuditFilter()
        limited.limit = 2
        #expect(try AuditLog.list(t.db, limited).count == 2)
    }
}
