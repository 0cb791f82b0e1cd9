import Foundation
import Testing

@Suite struct UsersE2ETests {
    /// A demo region plus one customer registered at the office.
    func setUp() -> (E2E, String) {
        let t = E2E()
        t.demo(accounts: 120)
        let created = t.run(["user", "create", "+7 (981) 567-65-22", "--name", "Петров Иван Сергеевич", "--password-stdin", "--json"],
                            stdin: "Secret12\n")
        precondition(created.status == 0, "\(created)")
        return (t, String(created.jsonArray[0]["id"] as! Int))
    }

    @Test func createRefusesBadInputAndTakenLogins() {
        let (t, id) = setUp()
        #expect(t.sql("SELECT login || ' ' || status || ' ' || consent_channel FROM portal_user WHERE id = \(id)") == "+79815676522 active office")
        #expect(!t.sql("SELECT password_hash FROM portal_user WHERE id = \(id)").contains("Secret12"))
        let taken = t.run(["user", "create", "89815676522", "--password-stdin"], stdin: "abcde\n")
        #expect(taken.status == 4)
        #expect(taken.stderr.contains("+79815676522"))
        let badPassword = t.run(["user", "create", "new@mail.ru", "--password-stdin"], stdin: "пароль\n")
        #expect(badPassword.status == 6)
        #expect(badPassword.stderr.contains("5 to 10 Latin letters or digits"))
        let badLogin = t.run(["user", "create", "+7 (481) 222-33-44", "--password-stdin"], stdin: "abcde\n")
        #expect(badLogin.status == 6)
        let noTerminal = t.run(["user", "create", "x@mail.ru"])
        #expect(noTerminal.status == 2)
        #expect(noTerminal.stderr.contains("--password-stdin"))
        let generated = t.run(["user", "create", "Gen@Mail.ru", "--generate-password"])
        #expect(generated.status == 0)
        let password = generated.stdout.components(separatedBy: ": ").last!.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(password.count == 10 && password.allSatisfy { $0.isLetter || $0.isNumber })
        let said = "coalesce(reason, '') || coalesce(new_value, '') || coalesce(old_value, '')"
        #expect(t.sql("SELECT count(*) FROM audit WHERE replace(\(said), '\(password)', '') <> \(said)") == "0")
    }

    @Test func findUsersByAnySpelling() {
        let (t, id) = setUp()
        for spelling in ["89815676522", "9815676522", "+7 (981) 567-65-22", id] {
            let show = t.run("user", "show", spelling, "--json")
            #expect(show.status == 0, "\(spelling): \(show)")
            #expect(show.jsonObject["login"] as? String == "+79815676522")
        }
        let search = t.run("user", "list", "--search", "8 981 567-65-22", "--json")
        #expect(search.jsonArray.count == 1)
        let byName = t.run("user", "list", "--search", "ПЕТРОВ ИВАН", "--format", "tsv")
        #expect(byName.stdout.contains("+79815676522"))
        let missing = t.run("user", "show", "89990001122")
        #expect(missing.status == 3)
        #expect(missing.stderr.contains("not found"))
        let pending = t.run("user", "list", "--status", "pending", "--json")
        #expect(!pending.jsonArray.isEmpty && pending.jsonArray.allSatisfy { $0["status"] as? String == "pending" })
        let vologda = t.run("user", "list", "--rgk", "vologda", "--limit", "0", "--json")
        #expect(vologda.jsonArray.allSatisfy { ($0["accounts"] as? [String])?.contains { $0.hasPrefix("vologda/") } == true })
    }

    @Test func confirmBlockUnblockAreTransitionsWithConflicts() {
        let (t, _) = setUp()
        let pending = t.sql("SELECT id FROM portal_user WHERE status = 'pending' ORDER BY id LIMIT 1")
        let confirm = t.run("user", "confirm", pending)
        #expect(confirm.status == 0)
        #expect(confirm.stdout.contains("pending → active"))
        let again = t.run("user", "confirm", pending, "--json")
        #expect(again.jsonArray.first?["result"] as? String == "unchanged")
        #expect(t.run("user", "block", pending).status == 2, "a reason is required")
        #expect(t.run("user", "block", pending, "--reason", "Передача учетной записи третьим лицам").status == 0)
        let confirmBlocked = t.run("user", "confirm", pending)
        #expect(confirmBlocked.status == 4)
        #expect(confirmBlocked.stderr.contains("blocked"))
        #expect(t.run("user", "unblock", pending).stdout.contains("blocked → active"))
        let audit = t.run("audit", "list", "--entity", "user:\(pending)", "--json").jsonArray.compactMap { $0["action"] as? String }
        #expect(audit == ["user.unblock", "user.block", "user.confirm"])
    }

    @Test func confirmingWithTheCustomersCode() {
        let (t, _) = setUp()
        let pending = t.sql("SELECT id FROM portal_user WHERE status = 'pending' ORDER BY id LIMIT 1")
        #expect(t.run("user", "resend-code", pending).status == 0)
        let code = t.sql("SELECT secret FROM outbox WHERE kind = 'confirmation_code' ORDER BY id DESC LIMIT 1")
        let wrong = t.run(["user", "confirm", pending, "--code-stdin"], stdin: "000000\n" == code ? "111111\n" : "000000\n")
        #expect(wrong.status == 6)
        #expect(wrong.stderr.contains("4 attempt(s) left"))
        // an expired code (the portal's clock moved on)
        _ = t.sql("UPDATE confirmation_code SET expires_at = '2000-01-01T00:00:00Z' WHERE used_at IS NULL AND voided_at IS NULL")
        let expired = t.run(["user", "confirm", pending, "--code-stdin"], stdin: code + "\n")
        #expect(expired.status == 4)
        #expect(expired.stderr.contains("expired"))
        #expect(t.run("user", "resend-code", pending).status == 0)
        let fresh = t.sql("SELECT secret FROM outbox WHERE kind = 'confirmation_code' ORDER BY id DESC LIMIT 1")
        let ok = t.run(["user", "confirm", pending, "--code-stdin"], stdin: fresh + "\n")
        #expect(ok.status == 0, "\(ok)")
        // a used code does not work twice
        _ = t.sql("UPDATE portal_user SET status = 'pending' WHERE id = \(pending)")
        let used = t.run(["user", "confirm", pending, "--code-stdin"], stdin: fresh + "\n")
        #expect(used.status == 4)
        #expect(used.stderr.contains("no open registration code"))
        #expect(!t.run("user", "show", pending).stdout.contains(fresh), "codes are never shown")
    }

    @Test func resetPasswordSetLoginAndCodes() {
        let (t, id) = setUp()
        #expect(t.run("user", "resend-code", id, "--purpose", "recovery").status == 0)
        #expect(t.sql("SELECT channel || ' ' || recipient FROM outbox WHERE kind = 'confirmation_code' ORDER BY id DESC LIMIT 1") == "sms +79815676522")
        #expect(t.sql("SELECT count(*) FROM confirmation_code WHERE user_id = \(id) AND purpose = 'recovery' AND voided_at IS NULL") == "1")
        let reset = t.run(["user", "reset-password", id, "--password-stdin"], stdin: "NewPass9\n")
        #expect(reset.status == 0, "\(reset)")
        #expect(t.sql("SELECT count(*) FROM confirmation_code WHERE user_id = \(id) AND purpose = 'recovery' AND voided_at IS NULL") == "0")
        #expect(t.run(["user", "reset-password", id, "--password-stdin"], stdin: "short\u{0}\n").status == 6)
        let setLogin = t.run("user", "set-login", id, "8 (912) 000-11-22")
        #expect(setLogin.status == 0)
        #expect(setLogin.stdout.contains("+79815676522 → +79120001122"))
        let other = t.sql("SELECT login FROM portal_user WHERE status = 'active' AND id <> \(id) LIMIT 1")
        let taken = t.run("user", "set-login", id, other)
        #expect(taken.status == 4)
        #expect(t.run("user", "set-login", id, "not-a-login").status == 6)
        let wrongPurpose = t.run("user", "resend-code", id, "--purpose", "registration")
        #expect(wrongPurpose.status == 4)
    }

    @Test func linksAtMostThreeAndTheExtendedVersion() {
        let (t, id) = setUp()
        let accounts = t.sql("SELECT number FROM account WHERE id NOT IN (SELECT account_id FROM user_account) ORDER BY id LIMIT 4")
            .split(separator: "\n").map(String.init)
        for number in accounts.prefix(3) {
            #expect(t.run("user", "link", id, number).status == 0)
        }
        let fourth = t.run("user", "link", id, accounts[3])
        #expect(fourth.status == 4)
        #expect(fourth.stderr.contains("3 linked accounts"))
        #expect(t.run("user", "link", id, "99999999").status == 3)
        #expect(t.run("user", "unlink", id, accounts[2]).stdout.contains("unlinked"))
        #expect(t.sql("SELECT count(*) FROM account WHERE number = '\(accounts[2])'") == "1", "the account stays")

        let target = accounts[0]
        let serial = t.sql("SELECT serial FROM meter m JOIN account a ON a.id = m.account_id WHERE a.number = '\(target)' LIMIT 1")
        for _ in 1...4 {
            let wrong = t.run(["user", "grant-extended", id, target, "--answer-stdin"], stdin: "12\n")
            #expect(wrong.status == 6)
        }
        let fifth = t.run(["user", "grant-extended", id, target, "--answer-stdin"], stdin: "13\n")
        #expect(fifth.status == 4)
        let locked = t.run(["user", "grant-extended", id, target, "--answer-stdin"], stdin: serial + "\n")
        #expect(locked.status == 4)
        #expect(locked.stderr.contains("unlock-extended"))
        #expect(t.run("user", "unlock-extended", id, target).status == 0)
        let granted = t.run(["user", "grant-extended", id, target, "--answer-stdin", "--json"], stdin: serial + "\n")
        #expect(granted.status == 0, "\(granted)")
        #expect(granted.jsonArray.first?["extended_via"] as? String == "meter_serial")
        let charge = t.sql("""
            SELECT s.charged_kop FROM settlement s JOIN service v ON v.id = s.service_id JOIN account a ON a.id = v.account_id
            WHERE a.number = '\(accounts[1])' ORDER BY s.period DESC, v.kind LIMIT 1
            """)
        #expect(t.run(["user", "grant-extended", id, accounts[1], "--answer-stdin"], stdin: charge + "\n").status == 0)
        #expect(t.run("user", "grant-extended", id, accounts[1], "--in-person", "--answer-stdin").status == 2)
        #expect(t.run("user", "show", id).stdout.contains("extended"))
    }

    @Test func deleteErasesPersonalDataAndPurgeRemovesUnconfirmed() {
        let (t, id) = setUp()
        let account = t.sql("SELECT number FROM account ORDER BY id LIMIT 1")
        #expect(t.run("user", "link", id, account, "--alias", "Дача").status == 0)
        #expect(t.run("user", "delete", id).status == 2, "needs --yes without a terminal")
        let deleted = t.run("user", "delete", id, "--yes")
        #expect(deleted.status == 0, "\(deleted)")
        #expect(t.sql("SELECT login_kind || ' ' || status || ' ' || coalesce(full_name, '-') FROM portal_user WHERE id = \(id)") == "erased deleted -")
        #expect(t.sql("SELECT count(*) FROM user_account WHERE user_id = \(id)") == "0")
        #expect(t.run("user", "show", "89815676522").status == 3)

        let weekAgo = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-7 * 86_400))
        let old = t.sql("SELECT count(*) FROM portal_user WHERE status = 'pending' AND registered_at < '\(weekAgo)'")
        let dry = t.run("user", "purge-unconfirmed", "--older-than", "7d", "--dry-run")
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("\(old) unconfirmed"))
        #expect(t.run("user", "purge-unconfirmed", "--older-than", "7d").status == 2)
        #expect(t.run("user", "purge-unconfirmed", "--older-than", "soon", "--yes").status == 2)
        let purge = t.run("user", "purge-unconfirmed", "--older-than", "7d", "--yes", "--json")
        #expect(purge.jsonObject["removed"] as? Int == Int(old))
        #expect(t.sql("SELECT count(*) FROM portal_user WHERE status = 'pending' AND registered_at < '\(weekAgo)'") == "0")
    }

    @Test func accountsListAndShow() {
        let t = E2E()
        t.demo(accounts: 150)
        let debtors = t.run("account", "list", "--debtors", "--json")
        let balances = debtors.jsonArray.compactMap { $0["debt_kop"] as? Int }
        #expect(!balances.isEmpty && balances.allSatisfy { $0 < 0 })
        #expect(balances == balances.sorted())
        let number = t.sql("SELECT number FROM account ORDER BY id LIMIT 1")
        let show = t.run("account", "show", "0" + String(number.prefix(3)) + "-" + String(number.dropFirst(3)), "--json")
        #expect(show.status == 0, "\(show)")
        let settlements = (show.jsonObject["settlements"] as? [[String: Any]]) ?? []
        #expect(!settlements.isEmpty)
        for s in settlements {
            let due = (s["closing_kop"] as? Int) ?? (s["opening_kop"] as! Int) - (s["charged_kop"] as! Int) + (s["paid_kop"] as! Int)
            #expect(s["to_pay_kop"] as? Int == max(0, -due) && s["overpaid_kop"] as? Int == max(0, due), "\(s)")
        }
        #expect(settlements.contains { $0["closing_kop"] is NSNull }, "the open month has no closing balance")
        let human = t.run("account", "show", number)
        #expect(human.stdout.contains("METERS") && human.stdout.contains("SETTLEMENTS"))
        #expect(t.run("account", "show", "12-34-56-78-90").status == 3)
        #expect(t.run("account", "show", "abc").status == 6)
    }

    @Test func aPINIsShownOnceAndFoundNowhereElse() throws {
        let t = E2E()
        t.demo(accounts: 100)
        let number = t.sql("SELECT number FROM account ORDER BY id LIMIT 1")
        let pipe = t.run("pin", "issue", number)
        #expect(pipe.status == 2)
        #expect(pipe.stderr.contains("--print"))
        #expect(t.sql("SELECT count(*) FROM pin WHERE issued_by <> 'rgk' AND issued_by <> 'ivanova'") == "0", "nothing issued")
        let issued = t.run("pin", "issue", number, "--print", "--digits", "12")
        #expect(issued.status == 0, "\(issued)")
        let pin = try #require(issued.stdout.firstMatch(of: #/[0-9]{12}/#).map { String($0.output) })
        #expect(issued.stdout.components(separatedBy: pin).count == 2, "shown exactly once")
        #expect(!issued.stderr.contains(pin))
        for file in [t.db, t.db + "-wal", t.db + "-shm"] where FileManager.default.fileExists(atPath: file) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
            #expect(bytes.range(of: Data(pin.utf8)) == nil, "the PIN is in \(file)")
        }
        #expect(!t.stores(pin), "the PIN is in a row of the database")
        let said = "coalesce(old_value, '') || coalesce(new_value, '') || coalesce(reason, '')"
        #expect(t.sql("SELECT count(*) FROM audit WHERE replace(\(said), '\(pin)', '') <> \(said)") == "0")
        for command in [["pin", "list", "--account", number], ["audit", "list", "--limit", "0"], ["account", "show", number, "--json"]] {
            #expect(!t.run(command).stdout.contains(pin), "\(command)")
        }
        // the customer can now unlock the extended version with it
        let user = t.run(["user", "create", "pin-test@mail.ru", "--password-stdin", "--json"], stdin: "abcde\n").jsonArray[0]["id"] as! Int
        #expect(t.run("user", "link", String(user), number).status == 0)
        #expect(t.run(["user", "grant-extended", String(user), number, "--answer-stdin"], stdin: pin + "\n").status == 0)
        // a new PIN revokes the old one
        #expect(t.run("pin", "issue", number, "--print").stdout.contains("1 earlier PIN(s)"))
        #expect(t.run("pin", "list", "--account", number, "--active", "--json").jsonArray.count == 1)
        #expect(t.run("pin", "revoke", number).status == 0)
        #expect(t.run("pin", "list", "--account", number, "--active", "--json").jsonArray.isEmpty)
        #expect(t.run("pin", "revoke", number, "--json").jsonArray.first?["result"] as? String == "unchanged")
    }

    @Test func pinRequestsAreAnsweredOnceEvenByTwoClerksAtOnce() throws {
        let t = E2E()
        t.demo(accounts: 300)
        let open = t.run("pin", "requests", "--json").jsonArray
        #expect(!open.isEmpty && open.allSatisfy { $0["status"] as? String == "open" })
        let request = try #require(open.first { $0["email"] is String }?["id"] as? Int)
        // two processes issue for the same request at the same moment: one wins, one gets a conflict
        let command = ["pin", "issue", "--request", String(request), "--send"]
        let statuses = t.runConcurrently([command, command]).map(\.status)
        #expect(statuses.sorted() == [0, 4], "\(statuses)")
        #expect(t.sql("SELECT status FROM pin_request WHERE id = \(request)") == "issued")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE kind = 'pin' AND entity_type = 'pin'") == "1")
        let body = t.sql("SELECT body FROM outbox WHERE kind = 'pin' AND entity_type = 'pin'")
        #expect(body.contains("{{secret}}"), "the body never holds the PIN")
        let other = try #require(open.last?["id"] as? Int)
        let reject = t.run("pin", "reject-request", String(other), "--reason", "ФИО не совпадает с владельцем счета")
        #expect(reject.status == 0)
        #expect(t.run("pin", "reject-request", String(other), "--reason", "again", "--json").jsonArray.first?["result"] as? String == "unchanged")
        #expect(t.run("pin", "issue", "--request", String(other), "--send").status == 4)
        #expect(t.run("pin", "reject-request", "999999", "--reason", "x").status == 3)
        // the clerk who finds the refused request sees why
        let refused = t.run("--lang", "ru", "pin", "requests", "--status", "rejected")
        #expect(refused.stdout.contains("ПРИЧИНА ОТКАЗА") && refused.stdout.contains("ФИО не совпадает"), "\(refused.stdout)")
        // issue 41: the refusal read as the customer gets it — greeted, the clerk's words once, what to do next, signed by the RGK
        let rejectedTo = t.sql("SELECT coalesce(email, '') || '|' || coalesce(phone, '') FROM pin_request WHERE id = \(other)").split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        let (mail, sms) = t.deliver()
        let letter = mail.first { !rejectedTo[0].isEmpty && $0["To"] == rejectedTo[0] && ($0["Subject"] ?? "").contains("отклонен") }
        let text = sms.first { $0.text.contains("Запрос ПИН-кода") }
        let told = letter?["body"] ?? text?.text ?? ""
        #expect(told.contains("ФИО не совпадает с владельцем счета.") && !told.contains("Причина:") && !told.contains(".."), "\(told)")
        #expect(told.contains("абонентском отделе") && (letter == nil ? told.contains("Тел. +7") : told.contains("С уважением, абонентский отдел") && told.hasPrefix("Здравствуйте")),
                "\(told)")
        // a PIN nobody asked for is handed over at the desk: --send has no one to go to
        let account = t.sql("SELECT number FROM account ORDER BY id LIMIT 1")
        let nobody = t.run("pin", "issue", account, "--rgk", t.sql("SELECT g.code FROM account a JOIN rgk g ON g.id = a.rgk_id ORDER BY a.id LIMIT 1"), "--send")
        #expect(nobody.status == 2 && nobody.stderr.contains("--send needs --request"), "\(nobody)")
    }
}
