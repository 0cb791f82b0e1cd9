import Foundation
import Testing
@testable import MyGazCore

/// Issue 39 §3: the notices customers switched on — debts, verification, news — delivered
/// through a recording sendmail and SMS command and read with Python's email package; once per
/// key (a rerun queues nothing); blocked, erased and switched-off users get nothing; bad input
/// is one line and nothing queued.
@Suite struct NoticesE2ETests {
    /// Active users with `switch` on, linked to an account whose amount due for `period` is a debt, with an e-mail or a phone.
    static func debtors(_ t: E2E, period: String) -> [String] {
        t.sql("""
            SELECT DISTINCT u.id FROM portal_user u JOIN user_account l ON l.user_id = u.id AND l.locked_at IS NULL AND l.access_level = 'extended'
            WHERE u.status = 'active' AND u.notify_debts = 1 AND (u.email IS NOT NULL OR u.phone IS NOT NULL)
              AND (SELECT sum(s.opening_kop - s.charged_kop + s.paid_kop) FROM service v JOIN settlement s ON s.service_id = v.id
                   WHERE v.account_id = l.account_id AND s.period = '\(period)') < 0
            ORDER BY u.id
            """).split(separator: "\n").map(String.init)
    }

    @Test func eachNoticeIsDeliveredOnceToThoseWhoSwitchedItOn() throws {
        let t = E2E()
        t.demo(accounts: 300)
        let period = t.sql("SELECT max(period) FROM settlement")
        let debtors = Self.debtors(t, period: period)
        #expect(debtors.count >= 6, "the demo has debtors: \(debtors)")
        // one blocked, one erased, one who switched debt notices off: none of them gets one
        let (blocked, erased, off) = (debtors[0], debtors[1], debtors[2])
        #expect(t.run("user", "block", blocked, "--reason", "проверка").status == 0)
        #expect(t.run("user", "delete", erased, "--yes").status == 0)
        _ = t.sql("UPDATE portal_user SET notify_debts = 0 WHERE id = \(off)")
        let before = Int(t.sql("SELECT count(*) FROM outbox"))!

        let first = t.run("notice", "debts", "--period", period, "--yes", "--json")
        #expect(first.status == 0, "\(first)")
        let queued = first.jsonObject["queued"] as? Int ?? -1
        #expect(queued > 0 && t.sql("SELECT count(*) FROM outbox WHERE kind = 'debt_notice'") == String(queued), "\(first)")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE kind = 'debt_notice' AND user_id IN (\(blocked), \(erased), \(off))") == "0")
        #expect(Set(t.sql("SELECT DISTINCT user_id FROM outbox WHERE kind = 'debt_notice'").split(separator: "\n").map(String.init))
                == Set(debtors.dropFirst(3)), "every other debtor, each once per account")
        // a rerun queues nothing
        let again = t.run("notice", "debts", "--period", period, "--yes", "--json")
        #expect(again.status == 0 && again.jsonObject["queued"] as? Int == 0 && again.jsonObject["queued_before"] as? Int == queued, "\(again)")

        let verification = t.run("notice", "verification", "--within", "3650d", "--yes", "--json")
        #expect(verification.status == 0 && (verification.jsonObject["queued"] as? Int ?? 0) > 0, "\(verification)")
        #expect(t.run("notice", "verification", "--within", "3650d", "--yes", "--json").jsonObject["queued"] as? Int == 0)

        try "Плановые работы на газопроводе 10 декабря.\nГаз будет отключен с 9 до 17 часов.\n".write(toFile: t.dir + "/news.txt", atomically: true, encoding: .utf8)
        let readers = t.sql("""
            SELECT count(*) FROM portal_user WHERE status = 'active' AND notify_news = 1 AND (email IS NOT NULL OR phone IS NOT NULL)
            """)
        let news = t.run("notice", "news", "--subject", "Плановые работы", "--message-file", t.dir + "/news.txt", "--yes", "--json")
        #expect(news.status == 0 && String(news.jsonObject["queued"] as? Int ?? -1) == readers, "\(news) for \(readers)")
        #expect(t.run("notice", "news", "--subject", "Плановые работы", "--message-file", t.dir + "/news.txt", "--yes", "--json").jsonObject["queued"] as? Int == 0)
        #expect(t.sql("SELECT count(*) FROM audit WHERE action LIKE 'notice.%'") == "3", "each run that queued is audited")

        // delivered, and read with Python's email package
        let (mail, sms) = t.deliver()
        let debtLetters = mail.filter { ($0["Subject"] ?? "").hasPrefix("Задолженность по лицевому счету") }
        let verificationLetters = mail.filter { ($0["Subject"] ?? "").hasPrefix("Поверка прибора учета") }
        let newsLetters = mail.filter { $0["Subject"] == "Плановые работы" }
        #expect(debtLetters.count == Int(t.sql("SELECT count(*) FROM outbox WHERE kind = 'debt_notice' AND channel = 'email'")))
        #expect(!debtLetters.isEmpty && !verificationLetters.isEmpty && !newsLetters.isEmpty,
                "\(debtLetters.count) debt, \(verificationLetters.count) verification, \(newsLetters.count) news letters")
        for letter in debtLetters {
            let body = letter["body"] ?? "", account = (letter["Subject"] ?? "").split(separator: " ")[4]
            #expect(body.contains("По лицевому счету \(account) за ") && body.contains("к оплате") && body.contains("руб.") && body.contains("Оплатить можно")
                    && body.contains("С уважением, абонентский отдел"), "\(body)")
        }
        for letter in verificationLetters {
            let body = letter["body"] ?? ""
            #expect(body.contains("Срок поверки прибора учета газа №") && body.range(of: #"\d\d\.\d\d\.\d{4}"#, options: .regularExpression) != nil, "\(body)")
        }
        for letter in newsLetters { #expect((letter["body"] ?? "").contains("Газ будет отключен с 9 до 17 часов."), "\(letter)") }
        let noticeSMS = sms.filter { $0.text.hasPrefix("Долг по ЛС") || $0.text.hasPrefix("Поверка счетчика") || $0.text.hasPrefix("Плановые работы") }
        #expect(noticeSMS.count == Int(t.sql("SELECT count(*) FROM outbox WHERE channel = 'sms' AND kind IN ('debt_notice', 'verification_notice', 'news')")))
        for message in noticeSMS { #expect(message.text.count <= Notify.smsLimit, "\(message.text)") }
        #expect(t.sql("SELECT count(*) FROM outbox WHERE kind IN ('debt_notice', 'verification_notice', 'news')") == String(Int(t.sql("SELECT count(*) FROM outbox"))! - before))
    }

    /// A run killed with SIGKILL halfway, then run again: each debt notice is queued exactly once.
    @Test func aRunKilledHalfwayThenRunAgainQueuesEachOnce() throws {
        let t = E2E()
        t.demo(accounts: 3000)
        // every link the extended version: debts of the limited one are never told, and the run needs pages
        _ = t.sql("UPDATE user_account SET access_level = 'extended', extended_via = 'in_person', extended_at = linked_at WHERE access_level = 'restricted'")
        let period = t.sql("SELECT max(period) FROM settlement")
        let plan = t.run("notice", "debts", "--period", period, "--dry-run", "--json")
        let expected = plan.jsonObject["to_queue"] as? Int ?? 0
        #expect(expected > 200, "pages enough to be killed between: \(plan)")
        let running = E2E.start(E2E.binary, ["--db", t.db, "notice", "debts", "--period", period, "--yes"], cwd: t.dir)
        var seen = 0
        for _ in 0..<4000 where seen == 0 {
            // read beside the writer: sqlite3 waits for its lock rather than failing
            seen = t.engine == .sqlite
                ? Int(E2E.exec("/usr/bin/sqlite3", ["-cmd", ".timeout 5000", t.db, "SELECT count(*) FROM notice_sent"]).stdout
                        .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
                : Int(t.sql("SELECT count(*) FROM notice_sent")) ?? 0
            if seen == 0 { usleep(2_000) }
        }
        kill(running.process.processIdentifier, SIGKILL)
        _ = running.finish()
        let killedAt = Int(t.sql("SELECT count(*) FROM notice_sent"))!
        #expect(killedAt == Int(t.sql("SELECT count(*) FROM outbox WHERE kind = 'debt_notice'")), "a notice and its message in one transaction")
        let rerun = t.run("notice", "debts", "--period", period, "--yes", "--json")
        #expect(rerun.status == 0 && rerun.jsonObject["queued"] as? Int == expected - killedAt
                && rerun.jsonObject["queued_before"] as? Int == killedAt, "killed at \(killedAt) of \(expected): \(rerun)")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE kind = 'debt_notice'") == String(expected))
        #expect(t.sql("""
            SELECT count(*) FROM (SELECT user_id, entity_id FROM outbox WHERE kind = 'debt_notice' GROUP BY user_id, entity_id HAVING count(*) > 1) AS d
            """) == "0", "nobody told twice of one account")
    }

    /// Issue 39: a debt of an account linked with the limited version (which shows no
    /// settlements) is not told but counted under its reason; a news item without `--rgk` is the
    /// portal's, signed by its support, and with `--rgk` signed by that RGK with its phone.
    @Test func limitedVersionDebtsAreSkippedAndNewsIsSignedByWhoSendsIt() throws {
        let t = E2E()
        t.demo(accounts: 300)
        let period = t.sql("SELECT max(period) FROM settlement")
        let debtors = Self.debtors(t, period: period)
        #expect(debtors.count >= 2, "the demo has debtors: \(debtors)")
        let limited = debtors.first ?? "0"
        _ = t.sql("UPDATE user_account SET access_level = 'restricted', extended_via = NULL, extended_at = NULL WHERE user_id = \(limited)")
        let plan = t.run("notice", "debts", "--period", period, "--dry-run", "--json")
        #expect(plan.status == 0 && (plan.jsonObject["limited_version"] as? Int ?? 0) >= 1, "\(plan)")
        let r = t.run("notice", "debts", "--period", period, "--yes", "--lang", "ru")
        #expect(r.status == 0 && r.stdout.contains("пропущено, счет подключен в ограниченной версии"), "\(r)")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE kind = 'debt_notice' AND user_id = \(limited)") == "0", "no amount told")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE kind = 'debt_notice'") != "0", "the others are told")
        let again = t.run("notice", "debts", "--period", period, "--yes", "--json")
        #expect(again.jsonObject["queued"] as? Int == 0 && again.jsonObject["limited_version"] as? Int == plan.jsonObject["limited_version"] as? Int,
                "\(again)")

        try "Личный кабинет не будет работать ночью 12 декабря.\n".write(toFile: t.dir + "/portal.txt", atomically: true, encoding: .utf8)
        try "В абонентском отделе новые часы приема.\n".write(toFile: t.dir + "/rgk.txt", atomically: true, encoding: .utf8)
        let rgk = t.sql("SELECT code FROM rgk ORDER BY id LIMIT 1")
        let rgkName = t.sql("SELECT name FROM rgk ORDER BY id LIMIT 1")
        #expect(t.run("notice", "news", "--subject", "Работы на портале", "--message-file", t.dir + "/portal.txt", "--yes").status == 0)
        #expect(t.run("notice", "news", "--subject", "Часы приема", "--message-file", t.dir + "/rgk.txt", "--rgk", rgk, "--yes").status == 0)
        let (mail, _) = t.deliver()
        let portal = mail.filter { $0["Subject"] == "Работы на портале" }, own = mail.filter { $0["Subject"] == "Часы приема" }
        #expect(!portal.isEmpty && !own.isEmpty, "\(portal.count) portal-wide, \(own.count) of the RGK")
        for letter in portal {
            let body = letter["body"] ?? ""
            #expect(body.contains("С уважением, техническая поддержка личного кабинета «Мой газ».") && !body.contains("абонентский отдел"), "\(body)")
        }
        for letter in own {
            let body = letter["body"] ?? ""
            #expect(body.contains("С уважением, абонентский отдел \(rgkName).") && body.contains("Телефон:") && !body.contains("техническая поддержка"),
                    "\(body)")
        }
    }

    /// Issue 39: delivery checks again what queued a notice — a user blocked or erased after
    /// `notice debts` queued hers gets nothing: the message lapses instead of going.
    @Test func aNoticeOfAUserBlockedOrErasedBeforeDeliveryLapses() throws {
        let t = E2E()
        t.demo(accounts: 300)
        let period = t.sql("SELECT max(period) FROM settlement")
        #expect(t.run("notice", "debts", "--period", period, "--yes").status == 0)
        let told = t.sql("SELECT DISTINCT user_id FROM outbox WHERE kind = 'debt_notice' AND status = 'waiting' ORDER BY user_id")
            .split(separator: "\n").map(String.init)
        #expect(told.count >= 3, "\(told)")
        let (blocked, erased) = (told.first ?? "0", told.dropFirst().first ?? "0")
        let erasedMessages = t.sql("SELECT id FROM outbox WHERE kind = 'debt_notice' AND user_id = \(erased)").split(separator: "\n").joined(separator: ", ")
        #expect(t.run("user", "block", blocked, "--reason", "проверка").status == 0)
        #expect(t.run("user", "delete", erased, "--yes").status == 0)
        _ = t.deliver()
        #expect(t.sql("SELECT count(*) FROM outbox WHERE kind = 'debt_notice' AND user_id = \(blocked) AND status <> 'cancelled'") == "0")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE kind = 'debt_notice' AND user_id = \(blocked) AND cancel_reason = 'user_blocked'") != "0")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE id IN (\(erasedMessages)) AND status = 'sent'") == "0", "nothing to the erased")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE kind = 'debt_notice' AND status = 'sent'") != "0", "the others went")
    }

    /// Issue 39: a notice whose user switched it off after it was queued (here at the desk, `user
    /// edit --notify-… off`) is not sent: delivery checks the switch again and cancels it,
    /// `notice_off`, said in the reader's language; her notices of the switches she kept still go.
    @Test func aNoticeSwitchedOffBeforeDeliveryIsCancelled() throws {
        let t = E2E()
        t.demo(accounts: 300)
        let period = t.sql("SELECT max(period) FROM settlement")
        #expect(t.run("notice", "debts", "--period", period, "--yes").status == 0)
        #expect(t.run("notice", "verification", "--within", "3650d", "--yes").status == 0)
        try "Плановые работы на газопроводе 10 декабря.\n".write(toFile: t.dir + "/news.txt", atomically: true, encoding: .utf8)
        #expect(t.run("notice", "news", "--subject", "Плановые работы", "--message-file", t.dir + "/news.txt", "--yes").status == 0)

        // one user per notice, each with a message of another notice kind that she keeps on
        var chosen: [(kind: String, user: String)] = []
        for (kind, option) in [("debt_notice", "--notify-debts"), ("verification_notice", "--notify-status"), ("news", "--notify-news")] {
            let others = chosen.isEmpty ? "0" : chosen.map(\.user).joined(separator: ", ")
            let user = t.sql("""
                SELECT min(user_id) FROM outbox WHERE kind = '\(kind)' AND status = 'waiting' AND user_id NOT IN (\(others))
                  AND user_id IN (SELECT user_id FROM outbox WHERE kind <> '\(kind)' AND kind IN ('debt_notice', 'verification_notice', 'news'))
                """)
            #expect(!user.isEmpty, "the demo has a user told \(kind) and another notice")
            chosen.append((kind, user))
            let edit = t.run("user", "edit", user, option, "off")
            #expect(edit.status == 0, "\(edit)")
        }
        let kept = t.sql("""
            SELECT count(*) FROM outbox WHERE status = 'waiting' AND kind IN ('debt_notice', 'verification_notice', 'news')
            """)
        let off = chosen.map { "(kind = '\($0.kind)' AND user_id = \($0.user))" }.joined(separator: " OR ")
        let lapsing = Int(t.sql("SELECT count(*) FROM outbox WHERE status = 'waiting' AND (\(off))")) ?? 0
        #expect(lapsing >= 3, "\(lapsing)")

        let (mail, sms) = t.deliver()
        #expect(t.sql("SELECT count(*) FROM outbox WHERE (\(off)) AND NOT (status = 'cancelled' AND cancel_reason = 'notice_off')") == "0",
                "every notice switched off is cancelled as such")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE cancel_reason = 'notice_off'") == String(lapsing), "and nothing else")
        #expect(t.sql("""
            SELECT count(*) FROM outbox WHERE status = 'sent' AND kind IN ('debt_notice', 'verification_notice', 'news')
            """) == String((Int(kept) ?? 0) - lapsing), "the other notices went")
        for (kind, user) in chosen {
            #expect(t.sql("SELECT count(*) FROM outbox WHERE user_id = \(user) AND kind <> '\(kind)' AND status = 'sent' AND kind IN ('debt_notice', 'verification_notice', 'news')") != "0",
                    "\(user): the notices she kept on went")
        }
        let newsTo = Set(mail.filter { $0["Subject"] == "Плановые работы" }.compactMap { $0["To"] } + sms.filter { $0.text.hasPrefix("Плановые работы") }.map(\.number))
        let newsOff = try #require(chosen.last).user
        #expect(!newsTo.contains(t.sql("SELECT recipient FROM outbox WHERE kind = 'news' AND user_id = \(newsOff)")), "no news to who switched it off")
        #expect(t.sql("SELECT count(*) FROM audit WHERE action = 'outbox.cancel'") == String(lapsing))

        let cancelled = t.sql("SELECT min(id) FROM outbox WHERE cancel_reason = 'notice_off'")
        #expect(t.run("outbox", "show", cancelled).stdout.contains("the user switched these notices off"))
        #expect(t.run("--lang", "ru", "outbox", "show", cancelled).stdout.contains("пользователь отключил эти уведомления"))
        #expect(t.run("outbox", "list", "--status", "cancelled", "--json").jsonArray.contains { $0["cancel_reason"] as? String == "notice_off" })
    }

    @Test func badInputIsOneLineAndQueuesNothing() throws {
        let t = E2E()
        t.demo(accounts: 50)
        let before = t.sql("SELECT count(*) FROM outbox")
        try Data([0x41, 0x42, 0xFF, 0xFE]).write(to: URL(fileURLWithPath: t.dir + "/bad.txt"))
        try Data().write(to: URL(fileURLWithPath: t.dir + "/empty.txt"))
        let cases: [([String], Int32, String)] = [
            (["notice", "news", "--subject", "X", "--message-file", t.dir + "/bad.txt", "--yes"], 6, "not UTF-8"),
            (["notice", "news", "--subject", "X", "--message-file", t.dir + "/empty.txt", "--yes"], 6, "empty"),
            (["notice", "debts", "--period", "2026-13", "--yes"], 2, "2026-13"),
            (["notice", "debts", "--period", "2026-06", "--min", "-5", "--yes"], 2, "-5"),
            (["notice", "verification", "--within", "soon", "--yes"], 2, "soon"),
        ]
        for (args, status, needle) in cases {
            let r = t.run(args)
            #expect(r.status == status && r.stderr.contains(needle) && r.stderr.split(separator: "\n").count == 1 && r.stdout.isEmpty, "\(args): \(r)")
        }
        #expect(t.sql("SELECT count(*) FROM outbox") == before)
        #expect(t.sql("SELECT count(*) FROM notice_sent") == "0")
    }
}
