import Foundation
import Testing

/// Issue 35, item 5: a message waits in the outbox, and meanwhile what queued it may stop being
/// so. When its turn comes, delivery checks again and cancels what no longer holds, saying why.
@Suite struct LapsedMessagesTests {
    @Test func aBillQueuedBeforeTheAccountWasUnlinkedIsCancelledWhenItsTurnComes() throws {
        let t = E2E()
        t.demo(accounts: 200, date: "2026-11-20")
        let queued = t.run("bill", "send", "--period", "2026-11", "--json")
        #expect(queued.status == 0, "\(queued)")
        // bills of users who have one each: one user per change
        let bills = t.sql("""
            SELECT o.id || ' ' || o.user_id || ' ' || a.number || ' ' || g.code || ' ' || o.recipient
            FROM outbox o JOIN account a ON a.id = o.entity_id JOIN rgk g ON g.id = a.rgk_id
            WHERE o.kind = 'bill' AND o.user_id IN (SELECT user_id FROM outbox WHERE kind = 'bill' GROUP BY user_id HAVING count(*) = 1)
            ORDER BY o.id LIMIT 6
            """).split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        try #require(bills.count == 6, "the demo has six users with one bill each: \(bills)")
        let total = Int(t.sql("SELECT count(*) FROM outbox WHERE kind = 'bill'")) ?? 0
        let (unlinked, switchedOff, blocked, locked, moved, kept) = (bills[0], bills[1], bills[2], bills[3], bills[4], bills[5])

        // the clerk unlinks an account; a customer switches e-mail bills off; a user is blocked; the
        // portal locks a link after wrong answers; a customer's e-mail changes
        #expect(t.run("user", "unlink", unlinked[1], unlinked[2], "--rgk", unlinked[3]).status == 0)
        #expect(t.run("user", "edit", switchedOff[1], "--email-bills", "off").status == 0)
        #expect(t.run("user", "block", blocked[1], "--reason", "проверка").status == 0)
        _ = t.sql("UPDATE user_account SET locked_at = '2026-11-20T10:00:00Z' WHERE user_id = \(locked[1])")
        #expect(t.run("user", "edit", moved[1], "--email", "new.address.\(moved[1])@mail.ru").status == 0)

        let (sendmail, directory) = t.recordingSendmail()
        let sent = t.run(["outbox", "send", "--sendmail", sendmail, "--limit", "0", "--json"])
        #expect(sent.status == 0 && sent.jsonObject["cancelled"] as? Int == 5, "\(sent)")
        #expect(sent.jsonObject["sent"] as? Int ?? 0 >= total - 5, "\(sent)")
        #expect(sent.stderr.contains("5 messages were cancelled"), "\(sent.stderr)")
        for (bill, reason) in [(unlinked, "link_removed"), (switchedOff, "bills_off"), (blocked, "user_blocked"),
                               (locked, "access_restricted"), (moved, "address_changed")] {
            #expect(t.sql("SELECT status || ' ' || cancel_reason FROM outbox WHERE id = \(bill[0])") == "cancelled \(reason)", "\(bill)")
        }
        #expect(t.sql("SELECT status FROM outbox WHERE id = \(kept[0])") == "sent")
        let letters = t.parsedMail(directory).filter { $0["Subject"]?.hasPrefix("Квитанция") == true }
        #expect(letters.count == total - 5, "\(letters.count) of \(total)")
        for bill in [unlinked, switchedOff, blocked, locked, moved] {
            #expect(!letters.contains { $0["To"] == bill[4] && $0["Subject"]?.contains(bill[2]) == true }, "no bill of \(bill[2]) to \(bill[4])")
        }
        #expect(letters.contains { $0["To"] == kept[4] && $0["Subject"]?.contains(kept[2]) == true })
        #expect(t.sql("SELECT count(*) FROM audit WHERE action = 'outbox.cancel' AND new_value = 'cancelled'") == "5")

        // the reason, in the reader's language; machines get the code
        let show = t.run("outbox", "show", unlinked[0])
        #expect(show.stdout.contains("Cancelled because:  the account is no longer linked to the user"), "\(show.stdout)")
        let russian = t.run("--lang", "ru", "outbox", "show", switchedOff[0])
        #expect(russian.stdout.contains("пользователь отключил квитанции по электронной почте"), "\(russian.stdout)")
        let list = t.run("outbox", "list", "--status", "cancelled", "--json").jsonArray
        #expect(Set(list.compactMap { $0["cancel_reason"] as? String }) == ["link_removed", "bills_off", "user_blocked", "access_restricted", "address_changed"])
        #expect(t.run("outbox", "list", "--status", "cancelled").stdout.contains("the user is blocked"))
    }

    /// A code queued to a user who is blocked before it goes, and one to a registration removed
    /// meanwhile, go nowhere: cancelled, their codes erased with them.
    @Test func aMessageToAUserBlockedOrRemovedSinceItWasQueuedIsCancelled() throws {
        let t = E2E()
        t.demo(accounts: 200)
        let user = t.sql("SELECT id FROM portal_user WHERE status = 'active' AND login_kind = 'phone' ORDER BY id LIMIT 1")
        #expect(t.run("user", "resend-code", user, "--purpose", "recovery").status == 0)
        let code = t.sql("SELECT max(id) FROM outbox WHERE kind = 'confirmation_code' AND user_id = \(user)")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE id = \(code) AND secret IS NOT NULL") == "1")
        #expect(t.run("user", "block", user, "--reason", "мошенничество").status == 0)

        let pending = t.sql("SELECT id FROM portal_user WHERE status = 'pending' AND registered_at < '2026-07-01' ORDER BY id LIMIT 1")
        try #require(!pending.isEmpty, "the demo has an old unconfirmed registration")
        #expect(t.run("user", "resend-code", pending, "--purpose", "registration").status == 0)
        let registration = t.sql("SELECT max(id) FROM outbox WHERE kind = 'confirmation_code' AND user_id = \(pending)")
        let purge = t.run("user", "purge-unconfirmed", "--older-than", "30d", "--yes")
        #expect(purge.status == 0 && t.sql("SELECT count(*) FROM portal_user WHERE id = \(pending)") == "0", "\(purge)")

        let (sendmail, _) = t.recordingSendmail()
        let (sms, smsDir) = t.recordingSMS()
        let sent = t.run(["outbox", "send", "--sendmail", sendmail, "--sms-command", sms, "--limit", "0", "--json"])
        #expect(sent.status == 0 && sent.jsonObject["cancelled"] as? Int == 2, "\(sent)")
        #expect(t.sql("SELECT status || ' ' || cancel_reason || ' ' || CASE WHEN secret IS NULL THEN 1 ELSE 0 END FROM outbox WHERE id = \(code)") == "cancelled user_blocked 1",
                "cancelled, and the code erased with it")
        #expect(t.sql("SELECT status || ' ' || cancel_reason || ' ' || CASE WHEN secret IS NULL THEN 1 ELSE 0 END FROM outbox WHERE id = \(registration)") == "cancelled user_deleted 1")
        let login = t.sql("SELECT login FROM portal_user WHERE id = \(user)")
        #expect(!t.sentSMS(smsDir).contains { $0.number == login }, "nothing went to the blocked user's phone")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE status = 'sent' AND secret IS NOT NULL") == "0")
    }
}
