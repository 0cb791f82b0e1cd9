import Foundation
import Testing
@testable import MyGazCore

/// Issue 41: a customer reads a rejection twice — by e-mail and by SMS. Each reason's letter and
/// SMS say what happened (once), carry the clerk's words, say what to do next (an expired
/// verification is not fixed by sending the reading again) and how to reach the RGK; the SMS fits
/// four parts. The letters are read back with Python's email package.
@Suite struct RejectionLettersTests {
    @Test func eachReasonSaysWhatHappenedWhatToDoNextInTheClerksWordsAndSignsAsTheRGK() {
        let t = E2E()
        t.demo(accounts: 300)
        let words = "Проверьте пломбу на счетчике и пришлите фото с датой, как договорились по телефону с абонентским отделом."
        let reasons = ReadingReason.allCases
        let readings = t.sql("SELECT id FROM reading WHERE status = 'pending' ORDER BY id LIMIT \(2 * reasons.count)").split(separator: "\n").map(String.init)
        let users = t.sql("SELECT id FROM portal_user WHERE status = 'active' ORDER BY id LIMIT \(2 * reasons.count)").split(separator: "\n").map(String.init)
        #expect(readings.count == 2 * reasons.count && users.count == readings.count)
        // each reason twice: once to a customer with an e-mail, once to one with a mobile only
        var accountOf: [String: (reason: ReadingReason, email: Bool)] = [:]
        for (i, reading) in readings.enumerated() {
            let byEmail = i % 2 == 0
            _ = t.sql(byEmail ? "UPDATE portal_user SET email = 'reader\(i)@example.org' WHERE id = \(users[i])"
                              : "UPDATE portal_user SET email = NULL, phone = '+7911000\(String(format: "%04d", i))' WHERE id = \(users[i])")
            _ = t.sql("UPDATE reading SET user_id = \(users[i]) WHERE id = \(reading)")
            let reason = reasons[i / 2]
            // every reason on purpose (--force): the reading need not break it for its letter to be read
            let r = t.run(["reading", "reject", reading, "--reason", reason.rawValue, "--message", words, "--force"])
            #expect(r.status == 0, "\(reason): \(r)")
            let account = (t.run("reading", "show", reading, "--json").json as? [String: Any])?["account"] as? String ?? "?"
            accountOf[account] = (reason, byEmail)
        }
        let (delivered, sms) = t.deliver()
        // the demo's own waiting letters aside
        let mail = delivered.filter { ($0["To"] ?? "").contains("reader") }
        #expect(mail.count == reasons.count && sms.count == reasons.count, "\(mail.count) letters, \(sms.count) SMS")
        var failures: [String] = []
        for letter in mail {
            let body = letter["body"] ?? ""
            guard let (reason, _) = accountOf.first(where: { body.contains("по лицевому счету \($0.key) не принято") })?.value else {
                failures.append("a letter of no rejected account: \(body.prefix(200))"); continue
            }
            let label = Labels.label(.readingReason, reason.rawValue, russian: true)
            if body.contains("\(label): \(label)") || body.contains("Причина: \(label):") { failures.append("\(reason): the reason said twice") }
            if !body.contains(words) { failures.append("\(reason): the letter lacks the clerk's words") }
            if body.contains("..") { failures.append("\(reason): «..» in the letter") }
            if !body.contains("С уважением, абонентский отдел ООО «Газпром межрегионгаз") || !body.contains("Телефон: +7") {
                failures.append("\(reason): the letter is not signed by the RGK with its phone")
            }
            if !body.hasPrefix("Здравствуйте") { failures.append("\(reason): no greeting") }
            if reason == .verificationExpired && (!body.contains("поверк") || body.contains("передайте его еще раз")) {
                failures.append("verification_expired: the letter does not say to have the meter verified first: \(body)")
            }
            if reason == .meterNotWorking && !body.contains("ремонт") { failures.append("meter_not_working: no next step: \(body)") }
        }
        for message in sms {
            guard let (reason, _) = accountOf.first(where: { message.text.contains("по ЛС \($0.key) не принято") })?.value else {
                failures.append("an SMS of no rejected account: \(message.text)"); continue
            }
            if message.text.count > Notify.smsLimit { failures.append("\(reason): an SMS of \(message.text.count) characters") }
            if !message.text.contains("Проверьте пломбу на счетчике") { failures.append("\(reason): the SMS drops the clerk's words: \(message.text)") }
            if !message.text.contains("Тел. +7") { failures.append("\(reason): the SMS lacks the RGK's phone: \(message.text)") }
            if message.text.contains("..") { failures.append("\(reason): «..» in «\(message.text)»") }
            if reason == .verificationExpired && (!message.text.contains("поверку") || message.text.contains("повторно")) {
                failures.append("verification_expired: the SMS does not say to have the meter verified: \(message.text)")
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// A reason the reading does not break is not told to a customer by a slip: refused without
    /// a terminal (exit 2, nothing queued) unless --force with the clerk's note; asked at one.
    @Test func aReasonTheReadingDoesNotBreakIsAskedOrNeedsForceWithANote() {
        let t = E2E()
        t.demo(accounts: 300)
        let valid = t.run("reading", "list", "--valid", "--limit", "3", "--json").jsonArray.map { String($0["id"] as? Int ?? 0) }
        #expect(valid.count == 3)
        let queued = t.sql("SELECT count(*) FROM outbox")
        let refused = t.run("--lang", "ru", "reading", "reject", valid[0], "--reason", "meter_not_working")
        #expect(refused.status == 2 && refused.stderr.contains("не нарушает правило «прибор учета неисправен или снят»"), "\(refused)")
        #expect(t.run("reading", "reject", valid[0], "--reason", "meter_not_working", "--force").status == 2, "--force needs the note")
        #expect(t.sql("SELECT status FROM reading WHERE id = \(valid[0])") == "pending" && t.sql("SELECT count(*) FROM outbox") == queued)
        let forced = t.run("reading", "reject", valid[0], "--reason", "meter_not_working", "--force", "--message", "Прибор снят по акту от 01.12.2026")
        #expect(forced.status == 0 && t.sql("SELECT status FROM reading WHERE id = \(valid[0])") == "rejected", "\(forced)")
        // at a terminal the clerk is asked, in Russian: «н» keeps it, «д» rejects
        let no = t.interactive(["reading", "reject", valid[1], "--reason", "meter_not_working"], [.expect("Все равно отклонить? [д/Н]"), .send("н\r")],
                               env: ["LANG": "ru_RU.UTF-8"])
        #expect(no.ok && t.sql("SELECT status FROM reading WHERE id = \(valid[1])") == "pending", "\(no.description)")
        let yes = t.interactive(["reading", "reject", valid[2], "--reason", "meter_not_working"], [.expect("[д/Н]"), .send("д\r")],
                                env: ["LANG": "ru_RU.UTF-8"])
        #expect(yes.ok && t.sql("SELECT status FROM reading WHERE id = \(valid[2])") == "rejected", "\(yes.description)")
    }

    @Test func anSMSKeepsWhatHappenedAndGivesWayByRule() {
        let head = "Показание 12345 по ЛС 70000001 не принято: срок поверки прибора учета истек 12.05.2026."
        let short = Notify.sms(head: head, words: "Позвоните.", next: "Закажите поверку.", phone: "+78172720000")
        #expect(short == head + " Позвоните. Закажите поверку. Тел. +7 (8172) 72-00-00." || short.hasPrefix(head + " Позвоните. Закажите поверку. Тел."), "\(short)")
        let long = Notify.sms(head: head, words: String(repeating: "очень длинное объяснение ", count: 20), next: "Закажите поверку.", phone: "+78172720000")
        #expect(long.count <= Notify.smsLimit && long.hasPrefix(head) && long.contains("…") && long.contains("Закажите поверку.") && long.contains("Тел."), "\(long)")
        #expect(Notify.sentence("с фото.") == "с фото." && Notify.sentence("с фото") == "с фото.")
        #expect(Notify.greeting("Ильин Сергей Анатольевич") == "Здравствуйте, Сергей Анатольевич!")
        #expect(Notify.greeting("70000001") == "Здравствуйте!" && Notify.greeting("John Smith Jr") == "Здравствуйте!")
    }
}
