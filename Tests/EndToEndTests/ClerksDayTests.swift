import Foundation
import Testing
@testable import MyGazCore

/// Issue 41, "Done when": a new clerk's whole day on the demo, in order, as an operator of the
/// clerk role (an OS login of her own on SQLite, a server role of her own on PostgreSQL), at an
/// 80×24 terminal in Russian and in English; what she decides is read back as the customer gets
/// it (Python's email package, the recorded SMS). Each screen fails the walk on a line wider than
/// 80 columns, a date, phone, amount or state cut, a code or a phone as stored on a Russian screen,
/// an empty result that says nothing; each letter on a missing greeting by name and patronymic,
/// the clerk's words, what to do next or the RGK's signature.
@Suite struct ClerksDayTests {
    @Test(.enabled(if: TestLogins.available || TestEngine.default == .postgresql))
    func aClerksDayAtEightyColumnsInBothLanguages() throws {
        let t = E2E()
        t.demo(accounts: 300)
        let login = t.engine == .postgresql ? "mgzt_day_clerk" : "mgzt-clerk"
        #expect(t.run("operator", "add", login, "--role", "clerk").status == 0)
        if t.engine == .sqlite { _ = E2E.sh("chmod 777 '\(t.dir)' && chmod 666 '\(t.db)'*") }
        let asHer = t.engine == .postgresql
            ? [E2E.binary, "--db", t.db.replacingOccurrences(of: "postgresql://mygaz_test@", with: "postgresql://\(login)@")]
            : ["/usr/sbin/runuser", "-u", login, "--", TestLogins.publicBinary, "--db", t.db]
        let labels = EightyColumnsTests.stateLabels
        let codes = Set(CodeDomain.allCases.flatMap(\.codes)).subtracting(["ok"])
        var failures: [String] = []

        /// A screen of hers at 80×24: its lines, each checked.
        func screen(_ lang: String, _ args: [String], exit: Int = 0, _ steps: [PTY.Step] = []) -> [String] {
            let r = E2E.terminal(asHer + ["--lang", lang, "--no-color"] + args, steps, cwd: t.dir)
            let what = "\(lang) \(args.joined(separator: " "))"
            if r.exit != exit { failures.append("\(what): exit \(r.exit.map(String.init) ?? "none"), not \(exit): \(r.description)") }
            let lines = r.transcript.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n").map(String.init)
            if lines.isEmpty { failures.append("\(what): nothing on the screen") }
            for line in lines {
                if let defect = EightyColumnsTests.defect(line, labels: args.first == "audit" ? [] : labels) {
                    failures.append("\(what): \(defect): «\(line)»")
                }
                guard lang == "ru", !line.contains("mygaz-admin") else { continue }
                let tokens = line.split(whereSeparator: { $0.isWhitespace || ",;:()«»|→".contains($0) }).map(String.init)
                for token in tokens where codes.contains(token) { failures.append("\(what): the code «\(token)» in «\(line)»") }
                if line.contains(#/\+7\d{10}/#) { failures.append("\(what): a phone as stored in «\(line)»") }
            }
            return lines
        }

        // the morning: what waits, and what is about to be late
        for lang in ["ru", "en"] {
            let status = screen(lang, ["status"])
            if !status.contains(where: { $0.contains(lang == "ru" ? "СРОКИ" : "DEADLINES") }) { failures.append("\(lang) status: no deadlines") }
            // each queue says at 80 columns what is left of each item's deadline
            for queue in [["reading", "list"], ["reading", "list", "--violations"], ["application", "list"]] {
                let lines = screen(lang, queue)
                if !(lines.first ?? "").contains(lang == "ru" ? "ОСТАТОК" : "LEFT") {
                    failures.append("\(lang) \(queue.joined(separator: " ")): no deadline at 80 columns: \(lines.first ?? "")")
                }
            }
            _ = screen(lang, ["pin", "requests"])
            _ = screen(lang, ["ticket", "list"])
        }

        // readings: one rejected with her words, to a customer with an e-mail and one with a mobile
        let pending = t.sql("SELECT min(id) FROM reading WHERE status = 'pending' AND user_id IS NOT NULL GROUP BY user_id ORDER BY 1 LIMIT 2")
            .split(separator: "\n").map(String.init)
        #expect(pending.count == 2)
        let users = pending.map { t.sql("SELECT user_id FROM reading WHERE id = \($0)") }
        _ = t.sql("UPDATE portal_user SET email = 'day.reader@example.org' WHERE id = \(users[0])")
        _ = t.sql("UPDATE portal_user SET email = NULL, phone = '+79115550177' WHERE id = \(users[1])")
        let words = "Сверьте показание с фото счетчика, которое вы прислали утром."
        for (i, id) in pending.enumerated() {
            _ = screen(i == 0 ? "ru" : "en", ["reading", "show", id])
            _ = screen(i == 0 ? "ru" : "en", ["reading", "reject", id, "--reason", "other", "--message", words, "--yes"])
        }

        // the desk: a caller found by a piece of her phone, and by a name with initials
        let holder = t.sql("""
            SELECT a.surname || ' ' || substr(a.name, 1, 1) || '. ' || substr(a.patronymic, 1, 1) || '.|' || substr(a.phone, 6, 3) || '-' || substr(a.phone, 9, 2)
            FROM account a WHERE a.phone IS NOT NULL AND a.patronymic IS NOT NULL ORDER BY a.id LIMIT 1
            """).split(separator: "|").map(String.init)
        #expect(holder.count == 2)
        for lang in ["ru", "en"] {
            let byName = screen(lang, ["account", "list", "--search", holder[0]])
            if !byName.contains(where: { $0.contains(holder[0].split(separator: " ")[0]) }) { failures.append("\(lang): «\(holder[0])» not found") }
            let byPhone = screen(lang, ["account", "list", "--search", holder[1]])
            if byPhone.count < 2 { failures.append("\(lang): the phone piece «\(holder[1])» found nothing: \(byPhone)") }
            let none = screen(lang, ["account", "list", "--search", "001-08-99-99"])
            if !none.joined().contains(lang == "ru" ? "ничего не найдено" : "nothing found") {
                failures.append("\(lang): an empty search says nothing: \(none)")
            }
        }
        let account = t.sql("SELECT a.number || '|' || g.code FROM account a JOIN rgk g ON g.id = a.rgk_id ORDER BY a.id LIMIT 1")
            .split(separator: "|").map(String.init)
        for lang in ["ru", "en"] { _ = screen(lang, ["account", "show", account[0], "--rgk", account[1]]) }

        // an application asked about, a ticket answered (her answer greets: not greeted twice)
        let application = t.sql("SELECT id FROM application WHERE status = 'submitted' ORDER BY id LIMIT 1")
        _ = t.sql("UPDATE application SET contact_email = 'day.applicant@example.org' WHERE id = \(application)")
        _ = screen("ru", ["application", "show", application])
        _ = screen("ru", ["application", "clarify", application, "--message", "Приложите, пожалуйста, копию паспорта."])
        let ticket = t.sql("SELECT id FROM ticket WHERE status = 'new' AND sender_email IS NOT NULL AND rgk_id IS NOT NULL ORDER BY id LIMIT 1")
        _ = t.sql("UPDATE ticket SET sender_email = 'day.asker@example.org' WHERE id = \(ticket)")
        _ = screen("en", ["ticket", "show", ticket])
        _ = screen("ru", ["ticket", "reply", ticket, "--message", "Добрый день! Квитанция за октябрь отправлена повторно."])

        // the review walks say each item's deadline on its card (their screens at 80×24 are
        // ReviewAt80x24Tests': a full-screen program's bytes are no lines to measure)
        for lang in ["ru", "en"] {
            for group in ["application", "ticket"] {
                let r = E2E.terminal(asHer + ["--lang", lang, "--no-color", group, "review"],
                                     [.expect(lang == "ru" ? "Срок" : "Due"), .send("q")], cwd: t.dir)
                if !(r.ok && r.exit == 0) { failures.append("\(lang) \(group) review: no deadline on its card: \(r.description)") }
            }
        }

        // the month's deadlines, as her manager reads them
        for lang in ["ru", "en"] {
            let report = screen(lang, ["report", "deadlines"])
            if !report.contains(where: { $0.contains(lang == "ru" ? "РЕШЕНИЯ ПО ДНЯМ" : "DECISIONS PER DAY") }) { failures.append("\(lang) report: no chart") }
        }

        // the evening: the messages go, and each is read as the customer reads it
        for lang in ["ru", "en"] { _ = screen(lang, ["outbox", "list"]) }
        let (mail, sms) = t.deliver()
        func letter(to address: String) -> String? { mail.first { ($0["To"] ?? "").contains(address) }?["body"] }
        for (address, said) in [("day.reader@example.org", words), ("day.applicant@example.org", "Приложите, пожалуйста, копию паспорта."),
                                ("day.asker@example.org", "Квитанция за октябрь отправлена повторно.")] {
            guard let body = letter(to: address) else { failures.append("no letter to \(address)"); continue }
            if !body.contains(said) { failures.append("\(address): the clerk's words are missing: \(body)") }
            if !body.contains("С уважением, абонентский отдел") || !body.contains("Телефон: +7") {
                failures.append("\(address): not signed by the RGK with its phone: \(body)")
            }
            if body.contains(" - ") || body.contains("..") { failures.append("\(address): a hyphen for a dash or «..»: \(body)") }
            let greetings = body.components(separatedBy: "Здравствуйте").count - 1 + body.components(separatedBy: "Добрый день").count - 1
            if greetings != 1 { failures.append("\(address): greeted \(greetings) times: \(body)") }
        }
        if let body = letter(to: "day.reader@example.org"), !body.contains("передайте показание еще раз") && !body.contains("Передайте") {
            failures.append("the rejection says nothing of what to do next: \(body)")
        }
        if let body = letter(to: "day.applicant@example.org"), !body.contains("Ответьте") {
            failures.append("the question says nothing of how to answer: \(body)")
        }
        let text = sms.first { $0.number == "+79115550177" }?.text ?? ""
        if !text.contains("Сверьте показание") || !text.contains("Тел. +7") || text.count > Notify.smsLimit {
            failures.append("the rejection's SMS: «\(text)»")
        }
        #expect(failures.isEmpty, "\(failures.prefix(40).joined(separator: "\n"))")
    }
}
