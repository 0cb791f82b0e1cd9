import Foundation
import Testing
@testable import MyGazCore

/// Issue 18: "I log in with Yandex and never got the activation letter" and "the portal stored
/// my login as 89115550011", walked as a clerk would on the demo.
@Suite struct SocialSignInE2ETests {
    /// The SHA-256 of `text` by Python's hashlib, an outside reader of the stored digest.
    static func sha256(_ text: String) -> String {
        E2E.exec("/usr/bin/env", ["python3", "-c", "import hashlib,sys; print(hashlib.sha256(sys.argv[1].encode()).hexdigest())", text])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aNewActivationLinkReachesTheSignInEMailOnceAndWorksOnce() throws {
        let t = E2E()
        t.demo(accounts: 200)
        let show = t.run("user", "show", "lebedeva.o@yandex.ru", "--json")
        #expect(show.status == 0, "\(show)")
        let identities = show.jsonObject["identities"] as? [[String: Any]] ?? []
        #expect(identities.count == 1 && identities[0]["provider"] as? String == "yandex" && identities[0]["activated_at"] is NSNull, "\(identities)")
        let ru = t.run("--lang", "ru", "user", "show", "lebedeva.o@yandex.ru")
        #expect(ru.stdout.contains("ВХОД ЧЕРЕЗ ВНЕШНИЕ СЕРВИСЫ") && ru.stdout.contains("Яндекс") && !ru.stdout.contains("yandex  "), "\(ru.stdout)")
        let id = String(show.jsonObject["id"] as! Int)

        // no --purpose: a pending user without a password who signed in through a service gets the link
        let sent = t.run("--lang", "ru", "user", "resend-code", "lebedeva.o@yandex.ru")
        #expect(sent.status == 0, "\(sent)")
        #expect(sent.stdout.contains("ссылка для активации входа через Яндекс") && sent.stdout.contains("lebedeva.o@yandex.ru"), "\(sent.stdout)")
        let again = t.run("user", "resend-code", id, "--json")
        #expect(again.status == 0 && again.jsonArray.first?["identity"] as? String == "yandex"
                && again.jsonArray.first?["purpose"] as? String == "activation", "\(again)")
        // the first link (and the demo's expired one) stop working: one open link
        let identity = t.sql("SELECT id FROM social_identity WHERE user_id = \(id)")
        #expect(t.sql("SELECT count(*) FROM activation_link WHERE identity_id = \(identity) AND used_at IS NULL AND voided_at IS NULL") == "1")
        #expect(t.sql("SELECT count(*) FROM activation_link WHERE identity_id = \(identity)") == "3")

        let mail = t.deliver().mail.filter { $0["To"] == "lebedeva.o@yandex.ru" }
        #expect(mail.count == 2, "\(mail)")
        let prefix = "https://moigaz-demo.example/activate?token="
        let tokens = try mail.map { letter in
            #expect(letter["Subject"] == "Активация учетной записи")
            let body = letter["body"] ?? ""
            let link = try #require(body.split(whereSeparator: \.isWhitespace).map(String.init).first { $0.hasPrefix(prefix) }, "\(body)")
            return String(link.dropFirst(prefix.count))
        }
        #expect(Set(tokens).count == 2, "each letter has its own token")
        for token in tokens {
            #expect(token.count == 43 && token.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }, "\(token)")
            // the token itself is gone everywhere; the database keeps its digest
            let said = "coalesce(reason_args, '') || coalesce(new_value, '')"
            let everywhere = """
                SELECT (SELECT count(*) FROM outbox WHERE replace(body, '\(token)', '') <> body)
                     + (SELECT count(*) FROM audit WHERE replace(\(said), '\(token)', '') <> \(said))
                """
            #expect(t.sql(everywhere) == "0")
        }
        // the newer letter's link is the open one, the older one's voided
        let states = tokens.map { t.sql("SELECT CASE WHEN voided_at IS NULL THEN 'open' ELSE 'voided' END FROM activation_link WHERE token_hash = '\(Self.sha256($0))'") }
        #expect(states.sorted() == ["open", "voided"], "\(states)")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE secret IS NOT NULL") == "0")
        let audit = t.run("--lang", "ru", "audit", "list", "--action", "user.resend-activation")
        // where the link went is her contact, kept out of the audit trail (issue 37)
        #expect(audit.stdout.contains("Яндекс") && !audit.stdout.contains("lebedeva.o@yandex.ru"), "\(audit.stdout)")
    }

    @Test func whatCannotBeSentSaysWhyAndQueuesNothing() {
        let t = E2E()
        t.demo(accounts: 200)
        let id = t.sql("SELECT id FROM portal_user WHERE login = 'lebedeva.o@yandex.ru'")
        let queued = { t.sql("SELECT count(*) FROM outbox") }
        let before = queued()

        #expect(t.run("config", "set", "portal.url").status == 0)
        let noPortal = t.run("user", "resend-code", id)
        #expect(noPortal.status == 6 && noPortal.stderr.contains("config set portal.url"), "\(noPortal)")
        #expect(t.run("config", "set", "portal.url", "https://portal.example/\"><script>").status == 6)
        #expect(t.run("config", "set", "portal.url", "https://lk.gazprom.example/").status == 0)

        let wrongService = t.run("user", "resend-code", id, "--identity", "vk")
        #expect(wrongService.status == 4 && wrongService.stderr.contains("VK"), "\(wrongService)")
        let mixed = t.run("user", "resend-code", id, "--purpose", "recovery", "--identity", "yandex")
        #expect(mixed.status == 2, "\(mixed)")
        let active = t.sql("SELECT id FROM portal_user WHERE status = 'active' AND login_kind = 'phone' ORDER BY id LIMIT 1")
        let none = t.run("user", "resend-code", active, "--purpose", "activation")
        #expect(none.status == 4 && none.stderr.contains("user show \(active)"), "\(none)")

        // two services waiting: the clerk chooses
        _ = t.sql("INSERT INTO social_identity (user_id, provider, subject, email, created_at) VALUES (\(id), 'vk', '5551', NULL, '2026-07-19T10:00:00Z')")
        let two = t.run("user", "resend-code", id)
        #expect(two.status == 2 && two.stderr.contains("Yandex") && two.stderr.contains("VK") && two.stderr.contains("--identity"), "\(two)")
        let noAddress = t.run("user", "resend-code", id, "--identity", "vk")
        #expect(noAddress.status == 6 && noAddress.stderr.contains("e-mail"), "\(noAddress)")
        #expect(queued() == before, "nothing was queued")
        let ok = t.run("user", "resend-code", id, "--identity", "yandex")
        #expect(ok.status == 0 && queued() != before, "\(ok)")
        #expect(t.sql("SELECT body FROM outbox ORDER BY id DESC LIMIT 1").contains("https://lk.gazprom.example/activate?token={{secret}}"))
    }

    @Test func theSignInEMailFindsTheCustomerAndErasureTakesTheIdentities() {
        let t = E2E()
        t.demo(accounts: 200)
        let user = t.sql("SELECT id FROM portal_user WHERE status = 'active' AND login_kind = 'phone' ORDER BY id LIMIT 1")
        _ = t.sql("""
            INSERT INTO social_identity (user_id, provider, subject, email, created_at, activated_at)
            VALUES (\(user), 'mailru', '77001', 'ded.moroz@bk.ru', '2026-01-01T10:00:00Z', '2026-01-01T10:05:00Z')
            """)
        let show = t.run("user", "show", "Ded.Moroz@BK.ru", "--json")
        #expect(show.status == 0 && show.jsonObject["id"] as? Int == Int(user), "\(show)")
        let search = t.run("user", "list", "--search", "ded.moroz", "--json")
        #expect(search.jsonArray.map { $0["id"] as? Int } == [Int(user)], "\(search)")
        #expect(t.run("user", "delete", user, "--yes").status == 0)
        #expect(t.sql("SELECT count(*) FROM social_identity WHERE user_id = \(user)") == "0")
        #expect(t.run("user", "show", "ded.moroz@bk.ru").status == 3)
    }

    @Test func aLoginInAnotherSpellingIsFoundListedAndRepaired() {
        let t = E2E()
        t.demo(accounts: 200)
        // the portal stored 89115550011; the clerk types it as the customer says it
        for spelling in ["+7 911 555-00-11", "8 (911) 555-00-11", "89115550011"] {
            let show = t.run("user", "show", spelling, "--json")
            #expect(show.status == 0 && show.jsonObject["full_name"] as? String == "Стрельцова Анна Павловна", "\(spelling): \(show)")
        }
        let found = t.run("user", "list", "--search", "a.streltsova@mail.ru", "--json")
        #expect(found.jsonArray.count == 1, "the contact e-mail in capitals is found too: \(found)")

        let check = t.run("--lang", "ru", "db", "check")
        #expect(check.status == 0, "the file is sound: \(check)")
        #expect(check.stderr.contains("логин «89115550011» записан не в единой форме; должно быть +7 (911) 555-00-11"), "\(check.stderr)")
        #expect(check.stderr.contains("e-mail «A.Streltsova@Mail.RU»"), "\(check.stderr)")
        #expect(check.stderr.contains("логин «8 (911) 555-00-12»") && check.stderr.contains("решите"), "\(check.stderr)")
        let json = t.run("db", "check", "--json")
        let strays = json.jsonObject["unnormalised"] as? [[String: Any]] ?? []
        #expect(strays.count == 4 && strays.contains { $0["fate"] as? String == "taken" }, "\(strays)")

        let logins = {
            t.sql("""
                SELECT login || '|' || login_kind || '|' || coalesce(email, '') || '|' || coalesce(phone, '') FROM portal_user
                WHERE full_name IN ('Стрельцова Анна Павловна', 'Лосев Петр Николаевич') ORDER BY id
                """).split(separator: "\n").joined(separator: ";")
        }
        let before = logins()
        let dry = t.run("db", "repair-logins", "--dry-run")
        #expect(dry.status == 0 && dry.stdout.contains("~ user") && dry.stdout.contains("nothing was changed"), "\(dry)")
        #expect(logins() == before)
        let repaired = t.run("db", "repair-logins")
        #expect(repaired.status == 0 && repaired.stdout.contains("3 fields put in the normal form; 1 field needs a person"), "\(repaired)")
        #expect(logins() == "+79115550011|phone|a.streltsova@mail.ru|;+79115550012|phone||+79115550012;8 (911) 555-00-12|phone||+79115550012", "\(logins())")
        // audited by the field alone; the spelling it had stays with the user, for her erasure (issue 37)
        #expect(t.sql("SELECT count(*) FROM audit WHERE action = 'user.repair-login' AND old_value IS NULL AND new_value IS NULL") == "1")
        #expect(t.sql("SELECT count(*) FROM audit WHERE coalesce(old_value, '') || coalesce(new_value, '') LIKE '%9115550011%'") == "0")
        #expect(t.sql("SELECT count(*) FROM user_former_value WHERE field = 'login' AND value = '89115550011'") == "1")
        let after = t.run("db", "check", "--json").jsonObject["unnormalised"] as? [[String: Any]] ?? []
        #expect(after.count == 1 && after[0]["taken_by"] as? Int != nil, "only the duplicate registration is left: \(after)")

        // a login the portal writes later in its own spelling is found at once, through the partial index
        _ = t.sql("""
            INSERT INTO portal_user (login, login_kind, status, registered_at, updated_at, confirm_until)
            VALUES (' 8-911-000-11-22', 'phone', 'pending', '2026-07-19T10:00:00Z', '2026-07-19T10:00:00Z', '2026-07-26T10:00:00Z')
            """)
        #expect(t.run("user", "show", "+79110001122").status == 0)
        // hostile text in a stray spelling reaches the terminal escaped
        _ = t.sql("UPDATE portal_user SET email = \(Hostile.sql("X@Y.RU\u{1B}[2J")) WHERE login = '+79115550011'")
        let escaped = t.run("db", "check")
        #expect(!escaped.stderr.contains("\u{1B}") && escaped.stderr.contains("\\u001B[2J"), "\(escaped.stderr)")
    }

    /// A version-3 file the portal has written into for months: the migration adds the tables
    /// and the index, and the strays it already holds are found at once.
    @Test func aVersionThreeFileGainsIdentitiesAndFindsItsStrays() {
        let t = E2E()
        let old = t.dir + "/v3.db"
        let sqlite = E2E.exec("/usr/bin/env", ["sqlite3", old], stdin: Array((Schema.v1 + Schema.v2 + Schema.v3 + """
            PRAGMA user_version = 3; PRAGMA application_id = \(Schema.applicationID);
            INSERT INTO operator VALUES ('\(NSUserName())', 'admin', NULL, '2026-11-01T10:00:00Z', 'root');
            INSERT INTO portal_user (login, login_kind, status, registered_at, updated_at, confirm_until)
              VALUES ('8 921 000 00 01', 'phone', 'pending', '2026-11-01T10:00:00Z', '2026-11-01T10:00:00Z', '2026-11-08T10:00:00Z');
            """).utf8))
        #expect(sqlite.status == 0, "\(sqlite.stderr)")
        #expect(t.run(["--db", old, "db", "migrate"], useDB: false).status == 0)
        #expect(t.run(["--db", old, "user", "show", "+79210000001"], useDB: false).status == 0)
        let check = t.run(["--db", old, "db", "check", "--json"], useDB: false)
        #expect(check.status == 0 && check.jsonObject["schema_version"] as? Int == Schema.currentVersion
                && (check.jsonObject["unnormalised"] as? [[String: Any]])?.count == 1, "\(check)")
    }
}
