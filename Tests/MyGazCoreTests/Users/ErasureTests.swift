import Foundation
import Testing
@testable import MyGazCore

/// `user delete` on both engines: her rows — found by ownership and by a contact only she has
/// had, in any spelling — lose her values; another person's rows that name her stay as they are.
/// (That the bytes leave the file is SQLite's own matter: SearchIndexTests, ErasureE2ETests.)
@Suite struct ErasureTests {
    @Test(arguments: TestEngine.all) func herRowsLoseHerValuesAndNoOneElsesDo(_ engine: TestEngine) throws {
        let f = try UserFixture(engine)
        let t = f.t, db = f.t.db, mark = Users.erasedMark
        #expect(try Users.link(t.session, f.userID, account: f.account, alias: "Дача"))
        _ = try Users.resendCode(t.session, f.userID, purpose: .recovery)
        // sent without signing in, from her phone in a spelling of its own
        let hers = try db.insert("""
            INSERT INTO application (kind, status, rgk_id, account_id, source, contact_name, contact_phone, comment, created_at, submitted_at, updated_at)
            VALUES ('repair', 'submitted', 1, 1, 'phone', 'Петров Иван', '8 (981) 567-65-22', 'Перезвоните на 8 981 567 65 22, Петров', 'x', 'x', 'x')
            """)
        // another person's, naming her
        let other = try db.insert("""
            INSERT INTO application (kind, status, rgk_id, account_id, source, contact_name, contact_phone, comment, created_at, submitted_at, updated_at)
            VALUES ('repair', 'submitted', 1, 1, 'phone', 'Сидоров Олег', '+79110000000', 'Сосед Петров Иван просил', 'x', 'x', 'x')
            """)
        let ticket = try db.insert("""
            INSERT INTO ticket (channel, topic, status, rgk_id, user_id, sender_name, sender_phone, created_at, updated_at, last_customer_at)
            VALUES ('rgk', 'other', 'new', 1, ?, 'Петров Иван', '+79815676522', 'x', 'x', 'x')
            """, f.userID)
        try db.run("""
            INSERT INTO ticket_message (ticket_id, at, author_kind, author, body) VALUES (?, 'x', 'customer', 'Петров Иван', 'Мой телефон +7 981 567-65-22')
            """, ticket)

        let erased = try Users.delete(t.session, f.userID)
        #expect(erased.from == "active" && erased.to == "deleted")
        let user = try #require(try db.queryOne("SELECT login, full_name, phone, status FROM portal_user WHERE id = ?", f.userID))
        #expect(try user.string("login") == "erased-\(f.userID)" && user.optString("full_name") == nil && user.optString("phone") == nil)
        let application = try #require(try db.queryOne("SELECT contact_name, contact_phone, comment FROM application WHERE id = ?", hers))
        #expect(try application.optString("contact_name") == nil && application.optString("contact_phone") == nil)
        #expect(try application.optString("comment") == "Перезвоните на \(mark), \(mark)")
        #expect(try db.scalarString("SELECT comment FROM application WHERE id = ?", other) == "Сосед Петров Иван просил", "not hers")
        #expect(try db.scalarString("SELECT contact_phone FROM application WHERE id = ?", other) == "+79110000000")
        let closed = try #require(try db.queryOne("SELECT status, sender_name, sender_phone FROM ticket WHERE id = ?", ticket))
        #expect(try closed.string("status") == "closed" && closed.string("sender_name") == "удалено по запросу" && closed.optString("sender_phone") == nil)
        #expect(try db.scalarString("SELECT body FROM ticket_message WHERE ticket_id = ?", ticket) == "Мой телефон \(mark)")
        let message = try #require(try db.queryOne("SELECT recipient, status, secret FROM outbox WHERE kind = 'confirmation_code'"))
        #expect(try message.string("recipient") == mark && message.string("status") == "cancelled" && message.optString("secret") == nil)
        #expect(try t.count("user_account", "user_id = \(f.userID)") == 0)
        #expect(try t.count("audit", "coalesce(reason_args, '') LIKE '%79815676522%' OR coalesce(new_value, '') LIKE '%Дача%'") == 0)
        #expect(try t.count("audit", "action = 'user.delete'") == 1)
        // a second delete changes nothing
        #expect(try !Users.delete(t.session, f.userID).changed)
    }
}
