import Foundation
import Testing

/// Bank cards linked in the portal (issue 39 §4, manual 001 §4.7.3): shown masked in `user show`,
/// disconnected at the desk with a reason, audited without the card, the customer told; the payment
/// service's token never leaves the database.
@Suite struct BankCardsE2ETests {
    static let token = "tok_SECRET_7f3a9c1e5b2d8046"

    /// A demo with a card of a known token for a user who has a linked account: her id, her account and RGK.
    static func seeded(_ t: E2E) -> (user: String, account: String, rgk: String) {
        t.demo(accounts: 150)
        let row = t.sql("""
            SELECT u.id || ' ' || a.number || ' ' || g.code FROM portal_user u JOIN user_account l ON l.user_id = u.id
            JOIN account a ON a.id = l.account_id JOIN rgk g ON g.id = a.rgk_id
            WHERE u.status = 'active' AND u.login_kind = 'phone' ORDER BY u.id LIMIT 1
            """).split(separator: " ").map(String.init)
        guard row.count == 3 else {
            Issue.record("the demo has no active user with a linked account: \(row)")
            return ("", "", "")
        }
        _ = t.sql("""
            INSERT INTO user_card (user_id, first6, last4, expiry, bank, token, linked_at)
            VALUES (\(row[0]), '220220', '4417', '2028-09', 'Сбербанк', '\(token)', '2026-07-01T10:00:00Z')
            """)
        return (row[0], row[1], row[2])
    }

    @Test func aCardIsShownMaskedAndUnlinkedAtTheDeskWithTheCustomerTold() {
        let t = E2E()
        let (user, _, _) = Self.seeded(t)
        let show = t.run("user", "show", user, "--lang", "ru")
        #expect(show.status == 0 && show.stdout.contains("БАНКОВСКИЕ КАРТЫ") && show.stdout.contains("220220******4417")
                && show.stdout.contains("09/28") && show.stdout.contains("Сбербанк"), "\(show)")
        let json = t.run("user", "show", user, "--json").jsonObject
        let cards = json["cards"] as? [[String: Any]] ?? []
        let card = cards.first { $0["number"] as? String == "220220******4417" }
        #expect(card?["expiry"] as? String == "2028-09" && card?["bank"] as? String == "Сбербанк", "\(cards)")

        #expect(t.run("user", "unlink-card", user, "4417").status == 2, "the reason is required")
        let missing = t.run("user", "unlink-card", user, "0000", "--reason", "утеряна")
        #expect(missing.status == 3 && missing.stderr.contains("no linked bank card 0000"), "\(missing)")
        let login = t.sql("SELECT login FROM portal_user WHERE id = \(user)")
        let r = t.run("user", "unlink-card", user, "4417", "--reason", "Карта утеряна, заявление в офисе", "--json")
        #expect(r.status == 0, "\(r)")
        #expect(r.jsonObject["number"] as? String == "220220******4417" && (r.jsonObject["told"] as? [String]) == [login], "\(r.stdout)")
        #expect(t.sql("SELECT count(*) FROM user_card WHERE token = '\(Self.token)'") == "0", "the card is gone, as the portal removes it")
        #expect(t.sql("SELECT kind || '|' || channel || '|' || recipient FROM outbox WHERE user_id = \(user) AND body LIKE '%220220******4417%'")
                == "other|sms|\(login)", "the customer is told at her login")
        #expect(t.sql("SELECT action || '|' || entity_id || '|' || coalesce(old_value, '') || '|' || coalesce(new_value, '') || '|' || reason FROM audit WHERE action = 'user.unlink-card'")
                == "user.unlink-card|\(user)|||Карта утеряна, заявление в офисе", "audited without the card's values")
        let again = t.run("user", "unlink-card", user, "4417", "--reason", "еще раз")
        #expect(again.status == 3, "a card already gone: \(again)")

        // an erasure takes the cards she still has with it, and her username
        _ = t.sql("""
            INSERT INTO user_card (user_id, first6, last4, expiry, bank, token, linked_at)
            VALUES (\(user), '415428', '1000', '2027-01', NULL, 'tok_second', '2026-07-02T10:00:00Z')
            """)
        #expect(t.run("user", "set-username", user, "Erased Name").status == 0)
        #expect(t.run("user", "delete", user, "--yes").status == 0)
        #expect(t.sql("SELECT count(*) FROM user_card WHERE user_id = \(user)") == "0")
        #expect(t.sql("SELECT count(*) FROM portal_user WHERE id = \(user) AND username IS NULL AND username_key IS NULL") == "1",
                "her username goes too")
    }

    /// The token seeded is in no output of any command that shows a user or an account, in any
    /// format or language, nor in the audit trail or the outbox.
    @Test func theTokenAppearsInNoOutput() {
        let t = E2E()
        let (user, account, rgk) = Self.seeded(t)
        let login = t.sql("SELECT login FROM portal_user WHERE id = \(user)")
        var commands: [[String]] = [
            ["user", "show", user], ["user", "show", login], ["user", "list", "--limit", "0"], ["user", "list", "--search", String(login.suffix(4))],
            ["account", "show", account, "--rgk", rgk], ["account", "list", "--limit", "0"], ["account", "list", "--search", account],
            ["audit", "list", "--limit", "0"], ["outbox", "list", "--limit", "0"], ["status"],
        ]
        commands.append(["user", "unlink-card", user, "4417", "--reason", "утеряна"])
        commands += [["user", "show", user], ["audit", "list", "--limit", "0"], ["outbox", "list", "--limit", "0"],
                     ["outbox", "show", t.sql("SELECT max(id) FROM outbox")]]
        var ran = 0
        for command in commands {
            let variants: [[String]] = command.contains("unlink-card") ? [["--json"]]
                : [[], ["--json"], ["--format", "csv"], ["--format", "tsv"], ["--lang", "en"], ["--lang", "ru"]]
            for extra in variants {
                let r = t.run(command + extra)
                #expect(r.status == 0, "\(command + extra): \(r)")
                #expect(!r.stdout.contains(Self.token) && !r.stderr.contains(Self.token), "\(command + extra) shows the token")
                #expect(!r.stdout.contains("7f3a9c1e5b2d8046"), "\(command + extra) shows a part of the token")
                ran += 1
            }
        }
        #expect(ran == 85)
        for table in ["audit", "outbox", "user_former_value"] {
            let dump = t.sql("SELECT * FROM \(table)")
            #expect(!dump.contains("7f3a9c1e5b2d8046"), "\(table) holds the token")
        }
        #expect(!t.sql("SELECT * FROM audit").contains("4417"), "the audit rows do not name the card")
    }
}
