import Foundation
import Testing
@testable import MyGazCore

/// Issue 41: every letter a customer reads is written by one rule (`Notify.letter`, `Notify.tell`):
/// greeted by name and patronymic, signed by the RGK with its phone and hours (a portal-wide
/// letter by technical support), real dashes, and what to do next. Each letter is delivered
/// through the recording sendmail and read back with Python's email package.
@Suite struct OneLetterRuleTests {
    static let fullName = "Петров Сергей Анатольевич"
    static let greeting = "Здравствуйте, Сергей Анатольевич!"

    @Test func everyLetterGreetsByNameAndIsSignedByOneRule() throws {
        let t = E2E()
        t.demo(accounts: 200, date: "2026-11-20")
        // a customer signing in by e-mail, with an account in the extended version and bills by e-mail
        let row = t.sql("""
            SELECT u.id || ' ' || a.number || ' ' || g.code || ' ' || g.name FROM portal_user u
            JOIN user_account l ON l.user_id = u.id AND l.access_level = 'extended' AND l.locked_at IS NULL
            JOIN account a ON a.id = l.account_id JOIN rgk g ON g.id = a.rgk_id
            WHERE u.status = 'active' AND u.login_kind = 'email' AND u.email IS NOT NULL
              AND EXISTS (SELECT 1 FROM service v JOIN settlement s ON s.service_id = v.id WHERE v.account_id = a.id AND s.period = '2026-11')
            ORDER BY u.id, l.linked_at, a.id LIMIT 1
            """).split(separator: " ", maxSplits: 3).map(String.init)
        try #require(row.count == 4, "the demo has an active e-mail user with an extended account billed in 2026-11: \(row)")
        let (user, number, code, rgkName) = (row[0], row[1], row[2], row[3])
        _ = t.sql("UPDATE portal_user SET full_name = '\(Self.fullName)', email_bills = 1 WHERE id = \(user)")
        let firstRGK = t.sql("""
            SELECT g.name FROM user_account l JOIN account a ON a.id = l.account_id JOIN rgk g ON g.id = a.rgk_id
            WHERE l.user_id = \(user) ORDER BY l.linked_at, a.id LIMIT 1
            """)
        let addresses = Set([t.sql("SELECT login FROM portal_user WHERE id = \(user)"), t.sql("SELECT email FROM portal_user WHERE id = \(user)")])
        _ = t.sql("""
            INSERT INTO user_card (user_id, first6, last4, expiry, bank, token, linked_at)
            VALUES (\(user), '220220', '4417', '2028-09', 'Сбербанк', 'tok-letters-4417', '2026-07-01T10:00:00Z')
            """)

        // the bill, a new user name, a card taken off, a recovery code: each a letter to her
        #expect(t.run("account", "bill", number, "--rgk", code, "--period", "2026-11", "--email").status == 0)
        let renamed = t.run("user", "set-username", user, "petrovsa")
        #expect(renamed.status == 0, "\(renamed)")
        let unlinked = t.run("user", "unlink-card", user, "4417", "--reason", "Карта утеряна")
        #expect(unlinked.status == 0, "\(unlinked)")
        let recovery = t.run("user", "resend-code", user, "--purpose", "recovery")
        #expect(recovery.status == 0, "\(recovery)")

        // a PIN sent on a request, a ticket answered, a rejected reading looked at again
        let request = t.sql("SELECT id FROM pin_request WHERE status = 'open' AND email IS NOT NULL ORDER BY id LIMIT 1")
        _ = t.sql("UPDATE pin_request SET full_name = '\(Self.fullName)', email = 'pin.petrov@example.org' WHERE id = \(request)")
        let pin = t.run("pin", "issue", "--request", request, "--send")
        #expect(pin.status == 0, "\(pin)")
        let ticket = t.sql("SELECT id FROM ticket WHERE sender_email IS NOT NULL AND status <> 'closed' ORDER BY id LIMIT 1")
        _ = t.sql("UPDATE ticket SET sender_name = '\(Self.fullName)', sender_email = 'ticket.petrov@example.org' WHERE id = \(ticket)")
        let reply = t.run("ticket", "reply", ticket, "-m", "Проверили: показание учтено.")
        #expect(reply.status == 0, "\(reply)")
        let reading = t.sql("""
            SELECT r.id FROM reading r JOIN portal_user u ON u.id = r.user_id
            WHERE r.status = 'pending' AND u.email IS NOT NULL AND u.id <> \(user) ORDER BY r.id LIMIT 1
            """)
        let reader = t.sql("SELECT user_id FROM reading WHERE id = \(reading)")
        _ = t.sql("UPDATE portal_user SET full_name = '\(Self.fullName)', email = 'reading.petrov@example.org' WHERE id = \(reader)")
        #expect(t.run("reading", "reject", reading, "--reason", "other", "--message", "Нечитаемое фото").status == 0)
        #expect(t.run("reading", "reopen", reading, "--reason", "Фото пришло повторно").status == 0)

        // the holder's phone changed at the desk: an SMS at the old and the new number
        let phoned = t.run("account", "set-phone", number, "--rgk", code, "--phone", "+79215550102", "--document", "паспорт 1900 123456")
        #expect(phoned.status == 0, "\(phoned)")

        let (mail, sms) = t.deliver()
        let to = addresses.union(["pin.petrov@example.org", "ticket.petrov@example.org", "reading.petrov@example.org"])
        let mine = mail.filter { to.contains($0["To"] ?? "") }
        let subjects = Set(mine.map { $0["Subject"] ?? "" })
        let expected: Set<String> = ["Квитанция по лицевому счету \(number) за ноябрь 2026 г.", "Изменено имя пользователя", "Банковская карта отвязана",
                                     "Восстановление пароля", "ПИН-код для личного кабинета «Мой газ»",
                                     "Показание по лицевому счету \(t.sql("SELECT a.number FROM reading r JOIN meter m ON m.id = r.meter_id JOIN account a ON a.id = m.account_id WHERE r.id = \(reading)")) проверяется повторно"]
        #expect(expected.subtracting(subjects).isEmpty, "missing: \(expected.subtracting(subjects)); got \(subjects)")
        #expect(mine.contains { ($0["Subject"] ?? "").hasPrefix("Ответ на обращение № \(ticket)") }, "\(subjects)")
        var failures: [String] = []
        for letter in mine {
            let subject = letter["Subject"] ?? ""
            // the customer's own words quoted under an answer are hers, as she wrote them
            let body = (letter["body"] ?? "").split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix(">") }
                .joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            if !body.hasPrefix(Self.greeting) { failures.append("\(subject): no greeting by name and patronymic: \(body.prefix(80))") }
            if body.contains(" - ") || body.contains("..") { failures.append("\(subject): a hyphen for a dash or a doubled stop: \(body)") }
            if body.components(separatedBy: "Здравствуйте").count != 2 { failures.append("\(subject): greeted twice or not at all: \(body)") }
            if body.components(separatedBy: "С уважением").count != 2 { failures.append("\(subject): signed twice or not at all: \(body)") }
            switch subject {
            case "Восстановление пароля":
                // a portal-wide letter: technical support signs it
                if !body.hasSuffix("С уважением, техническая поддержка личного кабинета «Мой газ».") { failures.append("\(subject): \(body)") }
            case let s where s.hasPrefix("Квитанция") || s == "Изменено имя пользователя" || s == "Банковская карта отвязана":
                let rgk = s.hasPrefix("Квитанция") ? rgkName : firstRGK
                if !body.contains("С уважением, абонентский отдел \(rgk).") || !body.contains("часы работы") {
                    failures.append("\(subject): not signed by the RGK \(rgk) with its hours: \(body)")
                }
                if !body.contains("позвоните") && !body.contains("звоните") { failures.append("\(subject): no next step: \(body)") }
            default:
                if !body.contains("С уважением, абонентский отдел ") { failures.append("\(subject): not signed by an RGK: \(body)") }
            }
        }
        // the SMS: no greeting, the RGK's phone and what to do
        let phones = sms.filter { $0.text.contains("Телефон владельца лицевого счета \(number)") }
        #expect(!phones.isEmpty, "\(sms)")
        for text in phones where text.text.contains("Здравствуйте") || !text.text.contains("Тел. ") || !text.text.contains("позвоните") {
            failures.append("holder's phone SMS: \(text.text)")
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    @Test func theGreetingAndSignatureAreOneHelper() {
        let letter = Self.letterOf(name: Self.fullName)
        #expect(letter.hasPrefix(Self.greeting + "\n\nТекст.\n\nС уважением"), "\(letter)")
        #expect(Self.letterOf(name: "John Smith").hasPrefix("Здравствуйте!\n\nТекст."))
    }

    static func letterOf(name: String) -> String {
        Notify.letter(to: name, "  Текст.\n", footer: "С уважением, абонентский отдел.")
    }
}
