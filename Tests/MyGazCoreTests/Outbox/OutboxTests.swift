import Foundation
import Testing
@testable import MyGazCore

/// The outbox: what may be queued, and what an operator sees of it.
@Suite struct OutboxTests {
    @Test func anAddrSpecIsPlainAndALineBreakNeverPasses() {
        for good in ["a@b.ru", "ivan.petrov+bills@mail.example.org", "o'brien@x.ie", "a_b-c%d@xn--80ak6aa92e.xn--p1ai"] {
            #expect(Contact.isAddrSpec(good), "\(good)")
        }
        for bad in ["a@b.ru\r\nBcc: evil@x.example", "a@b", "a@@b.ru", ".a@b.ru", "a.@b.ru", "a..b@c.ru", "a@-b.ru", "a@b-.ru", "a b@c.ru",
                    "<a@b.ru>", "a@b.ru,c@d.ru", "a\"b@c.ru", "a@b.123", "\u{202E}a@b.ru", "пётр@почта.рф", String(repeating: "a", count: 65) + "@b.ru"] {
            #expect(!Contact.isAddrSpec(bad), "\(bad)")
        }
    }

    @Test(arguments: TestEngine.all) func aMessageToABadRecipientIsFailedAtOnceAndKeepsNoSecret(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let queued = try t.db.write {
            try Outbox.enqueue(t.session, .init(channel: .email, recipient: "a@b.ru\r\nBcc: evil@x.example", subject: "S",
                                                body: "PIN \(Outbox.secretMark)", secret: "12345678", rgkID: nil, kind: .pin, entity: nil, entityID: nil))
        }
        #expect(queued.refused && queued.note.key == .recipientRefused)
        let refused = try t.db.queryOne("SELECT status, secret, last_error FROM outbox WHERE id = ?", queued.id)
        #expect(try refused?.string("status") == "failed" && refused?.optString("secret") == nil)
        #expect(try refused?.optString("last_error")?.hasPrefix("invalid recipient") == true)
        let good = try t.db.write {
            try Outbox.enqueue(t.session, .init(channel: .sms, recipient: "8 911 555 00 11", subject: nil, body: "Код \(Outbox.secretMark)",
                                                secret: "4321", rgkID: nil, kind: .confirmationCode, entity: nil, entityID: nil))
        }
        #expect(!good.refused && good.recipient == "+79115550011")
        #expect(try OutboxStore.find(t.db, good.id).body == "Код ••••••", "an operator never sees the secret")
    }
}
