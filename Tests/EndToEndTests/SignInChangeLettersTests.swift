import Foundation
import Testing

/// Issue 41: every change to how a customer signs in or is reached — `user set-login`,
/// `user reset-password`, `user edit --email/--phone` — is told at the old and the new contact,
/// in the RGK's letter (greeting by name and patronymic, signed with the RGK's phone and hours,
/// what to do if it was not her), read back with Python's email package; and `account bill
/// --email` says the real reason a bill cannot be e-mailed.
@Suite struct SignInChangeLettersTests {
    @Test func setLoginResetPasswordAndEditAreToldAtTheOldAndNewContactInTheRGKsLetter() {
        let t = E2E()
        t.demo(accounts: 200)
        let user = t.sql("""
            SELECT id FROM portal_user u WHERE status = 'active' AND login_kind = 'phone'
            AND EXISTS (SELECT 1 FROM user_account WHERE user_id = u.id) ORDER BY id LIMIT 1
            """)
        _ = t.sql("UPDATE portal_user SET full_name = 'Петров Сергей Анатольевич', email = 'petrov.old@example.org' WHERE id = \(user)")
        let oldLogin = t.sql("SELECT login FROM portal_user WHERE id = \(user)")
        let rgk = t.sql("""
            SELECT g.name FROM user_account l JOIN account a ON a.id = l.account_id JOIN rgk g ON g.id = a.rgk_id
            WHERE l.user_id = \(user) ORDER BY l.linked_at, a.id LIMIT 1
            """)

        let login = t.run("--lang", "ru", "user", "set-login", user, "+79110001122")
        #expect(login.status == 0 && login.stdout.contains(oldLogin) && login.stdout.contains("+79110001122"), "\(login)")
        #expect(login.stdout.components(separatedBy: "поставлено в очередь").count == 3, "told at the old and the new login: \(login.stdout)")
        let reset = t.run(["user", "reset-password", user, "--password-stdin", "--json"], stdin: "Abc12345x\n")
        #expect(reset.status == 0, "\(reset)")
        #expect(reset.stdout.contains("petrov.old@example.org") && reset.stdout.contains("+79110001122"), "\(reset.stdout)")
        let edit = t.run("user", "edit", user, "--email", "petrov.new@example.org")
        #expect(edit.status == 0, "\(edit)")

        let (mail, sms) = t.deliver()
        let mine = mail.filter { ($0["To"] ?? "").contains("petrov.") }
        let texts = sms.filter { ["+79110001122", oldLogin].contains($0.number) }
        // the password at her e-mail; the e-mail change at the old and the new address
        #expect(Set(mine.map { $0["To"] ?? "" }) == ["petrov.old@example.org", "petrov.new@example.org"] && mine.count == 3,
                "\(mine.map { $0["To"] ?? "" })")
        // the login at the old and the new number, the password at the new login
        #expect(texts.filter { $0.number == oldLogin }.count == 1 && texts.filter { $0.number == "+79110001122" }.count == 2,
                "\(texts)")
        var failures: [String] = []
        for letter in mine {
            let body = letter["body"] ?? ""
            if !body.hasPrefix("Здравствуйте, Сергей Анатольевич!") { failures.append("no greeting by name and patronymic: \(body.prefix(60))") }
            if !body.contains("С уважением, абонентский отдел \(rgk).") { failures.append("not signed by the RGK \(rgk): \(body)") }
            if !body.contains("Телефон: +7") || !body.contains("часы работы") { failures.append("no RGK phone or hours: \(body)") }
            if !body.contains("Если вы этого не делали, сразу позвоните") { failures.append("no next step: \(body)") }
            if body.contains(" - ") { failures.append("a hyphen for a dash: \(body)") }
            if body.contains("техническая поддержка") { failures.append("signed by technical support: \(body)") }
        }
        for text in texts {
            if !text.text.contains("Тел. +7") || !text.text.contains("позвоните") { failures.append("SMS without the RGK's phone or the next step: \(text.text)") }
        }
        #expect(mine.contains { ($0["body"] ?? "").contains("изменен пароль") })
        #expect(mine.contains { ($0["body"] ?? "").contains("изменен адрес электронной почты: теперь petrov.new@example.org") })
        #expect(texts.contains { $0.text.contains("изменен логин: теперь +7 (911) 000-11-22") })
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test func aBillThatCannotBeEmailedSaysWhy() {
        let t = E2E()
        t.demo(accounts: 200)
        let limited = t.sql("""
            SELECT a.number || ' ' || (SELECT code FROM rgk WHERE id = a.rgk_id) FROM account a JOIN user_account l ON l.account_id = a.id WHERE l.access_level = 'restricted'
            AND NOT EXISTS (SELECT 1 FROM user_account x WHERE x.account_id = a.id AND x.access_level = 'extended') ORDER BY a.id LIMIT 1
            """)
        let unlinked = t.sql("SELECT number || ' ' || (SELECT code FROM rgk WHERE id = a.rgk_id) FROM account a WHERE NOT EXISTS (SELECT 1 FROM user_account WHERE account_id = a.id) ORDER BY id LIMIT 1")
        #expect(!limited.isEmpty && !unlinked.isEmpty)
        func bill(_ numberAndRGK: String) -> E2E.Result {
            let parts = numberAndRGK.split(separator: " ").map(String.init)
            return t.run(["--lang", "ru", "account", "bill", parts.first ?? "", "--rgk", parts.last ?? "", "--email"])
        }
        let r = bill(limited)
        #expect(r.status == 6 && r.stderr.contains("ограниченной версии") && !r.stderr.contains("нет e-mail"), "\(r)")
        let none = bill(unlinked)
        #expect(none.status == 6 && none.stderr.contains("не привязан ни один пользователь"), "\(none)")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE kind = 'bill'") == "0")
    }
}
