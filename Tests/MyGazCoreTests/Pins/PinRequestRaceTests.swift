import Foundation
import Testing
@testable import MyGazCore

/// Two clerks answer the same PIN request at the same instant (PostgreSQL) or one after the
/// other (SQLite): one answer stands, and the customer gets one message.
@Suite struct PinRequestRaceTests {
    /// An account and an open PIN request from an e-mail; answers the request and the account.
    func fixture(_ clerks: TwoClerks) throws -> (request: Int64, account: AccountRef) {
        try clerks.db.execute("""
            INSERT INTO rgk (id, code, name, created_at, updated_at) VALUES (1, 'vologda', 'Вологдагаз', 'x', 'x');
            INSERT INTO account (id, rgk_id, number, surname, updated_at) VALUES (1, 1, '70000017', 'Петров', 'x');
            """)
        let request = try clerks.db.insert("""
            INSERT INTO pin_request (account_id, full_name, email, status, created_at) VALUES (1, 'Петров Петр', 'petrov@mail.ru', 'open', 'x')
            """)
        return (request, try AccountRef.byID(clerks.db, 1))
    }

    func answers(_ clerks: TwoClerks, _ request: Int64) throws -> Int {
        try clerks.count("audit", "entity_type = 'pin_request' AND entity_id = '\(request)'")
    }

    @Test(arguments: TestEngine.all) func bothReject(_ engine: TestEngine) throws {
        let clerks = try TwoClerks(engine)
        let (request, _) = try fixture(clerks)
        let outcomes = try clerks.race("pin_request", request, [
            { try Pins.rejectRequest($0, id: request, reason: "Нет документа") },
            { try Pins.rejectRequest($0, id: request, reason: "Счет закрыт") },
        ])
        let winner = try #require(clerks.oneWins(outcomes, .pinRequestStatus))
        #expect(try clerks.db.scalarString("SELECT reason FROM pin_request WHERE id = ?", request) == (winner == 0 ? "Нет документа" : "Счет закрыт"))
        #expect(try clerks.count("outbox", "entity_type = 'pin_request' AND entity_id = \(request)") == 1)
        #expect(try answers(clerks, request) == 1)
    }

    @Test(arguments: TestEngine.all) func oneIssuesAndOneRejects(_ engine: TestEngine) throws {
        let clerks = try TwoClerks(engine)
        let (request, account) = try fixture(clerks)
        let outcomes = try clerks.race("pin_request", request, [
            { clerk in
                _ = try Pins.issue(clerk, account: account, .init(requestID: request, send: true, validDays: 30, digits: 8))
                return Transition(.pinRequest, request, .pinRequestStatus, from: "open", to: "issued")
            },
            { try Pins.rejectRequest($0, id: request, reason: "Нет документа") },
        ])
        let winner = try #require(clerks.oneWins(outcomes, .pinRequestStatus))
        #expect(try clerks.count("pin", "state = 'active'") == (winner == 0 ? 1 : 0), "a PIN only where the issue stands")
        #expect(try clerks.count("outbox", "kind = 'pin'") == 1, "one message: the PIN, or the refusal")
        #expect(try answers(clerks, request) == 1)
    }
}
