import Foundation
import Testing
@testable import MyGazCore

/// Two clerks decide the same reading at the same instant (PostgreSQL) or one after the other
/// (SQLite): one decision stands, the other is refused naming the state now, and the customer
/// hears of the one that stands only.
@Suite struct ReadingRaceTests {
    /// An RGK, an account reached by its phone, meters 1 and 2 with an accepted reading of 1 000
    /// each and a pending one of 1 100 each (given by phone); answers the pending readings.
    func fixture(_ clerks: TwoClerks) throws -> [Int64] {
        try clerks.db.execute("""
            INSERT INTO rgk (id, code, name, max_monthly_m3, created_at, updated_at) VALUES (1, 'vologda', 'Вологдагаз', 300, 'x', 'x');
            INSERT INTO account (id, rgk_id, number, phone, updated_at) VALUES (1, 1, '70000017', '+79115550011', 'x');
            INSERT INTO meter (id, account_id, serial, digits) VALUES (1, 1, 'M-7', 5), (2, 1, 'M-8', 5);
            INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at)
                VALUES (1, 1000, '2026-06-25', 'rgk', 'accepted', 'x'), (2, 1000, '2026-06-25', 'rgk', 'accepted', 'x');
            """)
        return try [1, 2].map { (meter: Int64) in
            try clerks.db.insert("""
                INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at) VALUES (?, 1100, '2026-07-10', 'phone', 'pending', 'x')
                """, meter)
        }
    }

    func told(_ clerks: TwoClerks, _ id: Int64) throws -> Int { try clerks.count("outbox", "entity_type = 'reading' AND entity_id = \(id)") }

    func decisions(_ clerks: TwoClerks, _ id: Int64) throws -> Int {
        try clerks.count("audit", "entity_type = 'reading' AND entity_id = '\(id)' AND action IN ('reading.accept', 'reading.reject')")
    }

    @Test(arguments: TestEngine.all) func oneAcceptsAndOneRejects(_ engine: TestEngine) throws {
        let clerks = try TwoClerks(engine)
        let id = try fixture(clerks)[0]
        let outcomes = try clerks.race("reading", id, [
            { try Readings.accept($0, id, force: false, reason: nil) },
            { try Readings.reject($0, id, reason: .meterNotWorking, message: nil, force: true) },
        ])
        let winner = try #require(clerks.oneWins(outcomes, .readingStatus))
        let state = winner == 0 ? "accepted" : "rejected"
        #expect(try clerks.db.scalarString("SELECT status || '|' || decided_by FROM reading WHERE id = ?", id) == "\(state)|clerk\(winner + 1)")
        #expect(try told(clerks, id) == (state == "rejected" ? 1 : 0), "a rejection that stands is told; an acceptance is not")
        #expect(try decisions(clerks, id) == 1)
    }

    @Test(arguments: TestEngine.all) func bothReject(_ engine: TestEngine) throws {
        let clerks = try TwoClerks(engine)
        let id = try fixture(clerks)[1]
        let outcomes = try clerks.race("reading", id, [
            { try Readings.reject($0, id, reason: .meterNotWorking, message: nil, force: true) },
            { try Readings.reject($0, id, reason: .other, message: "Фото нечитаемо") },
        ])
        let winner = try #require(clerks.oneWins(outcomes, .readingStatus))
        #expect(try clerks.db.scalarString("SELECT reason FROM reading WHERE id = ?", id) == (winner == 0 ? "meter_not_working" : "other"))
        #expect(try told(clerks, id) == 1, "the customer hears of one rejection")
        #expect(try decisions(clerks, id) == 1)
    }
}
