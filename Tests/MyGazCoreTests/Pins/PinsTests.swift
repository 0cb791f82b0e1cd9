import Foundation
import Testing
@testable import MyGazCore

/// PIN requests and PINs on each engine: the request queue, issuing (earlier PINs revoked) and
/// revoking.
@Suite struct PinsTests {
    @Test(arguments: TestEngine.all) func aRequestIsAnsweredByAPinThatRevokesTheEarlierOne(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        try t.db.execute("""
            INSERT INTO rgk (id, code, name, created_at, updated_at) VALUES (1, 'vologda', 'Вологдагаз', 'x', 'x');
            INSERT INTO account (id, rgk_id, number, surname, name, updated_at) VALUES (1, 1, '70000017', 'Петров', 'Петр', 'x');
            """)
        let account = try AccountRef.byID(t.db, 1)
        let request = try t.db.insert("""
            INSERT INTO pin_request (account_id, full_name, email, phone, status, created_at) VALUES (1, 'Петров Петр', 'petrov@mail.ru', NULL, 'open', 'x')
            """)
        let open = try Pins.requests(t.db, status: .open, rgk: "vologda", limit: 10)
        #expect(open.map(\.id) == [request] && open.first?.holder == "Петров Петр" && open.first?.account == account)
        #expect(try Pins.requestAccount(t.db, request) == account)

        let atDesk = try Pins.issue(t.session, account: account, .init(requestID: nil, send: false, validDays: 30, digits: 8))
        #expect(atDesk.pin?.count == 8 && atDesk.revoked == 0)
        let sent = try Pins.issue(t.session, account: account, .init(requestID: request, send: true, validDays: 30, digits: 8))
        #expect(sent.pin == nil && sent.revoked == 1 && sent.sentTo == "petrov@mail.ru")
        let pins = try Pins.list(t.db, account: account, activeOnly: false, now: t.session.now, limit: 10)
        #expect(pins.map(\.state) == ["active", "revoked"] && pins.first?.requestID == request && pins.first?.account == "vologda/70000017")
        #expect(try Pins.list(t.db, account: nil, activeOnly: true, now: t.session.now, limit: 10).map(\.id) == [sent.pinID])
        #expect(try Pins.requests(t.db, status: nil, rgk: nil, limit: 10).map(\.status) == ["issued"])
        #expect(try t.db.scalarString("SELECT body FROM outbox WHERE kind = 'pin'")?.contains(Outbox.secretMark) == true, "the PIN is kept apart")
        let again = #expect(throws: MyGazError.self) { try Pins.rejectRequest(t.session, id: request, reason: "поздно") }
        #expect(again?.status == .conflict && again?.message.args.contains(.code(.pinRequestStatus, "issued")) == true)
        #expect(try Pins.revoke(t.session, account: account) == 1)
        #expect(try Pins.list(t.db, account: account, activeOnly: true, now: t.session.now, limit: 10).isEmpty)
    }
}
