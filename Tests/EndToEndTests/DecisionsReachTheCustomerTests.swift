import Foundation
import Testing

extension E2E {
    /// An SMS gateway stand-in: the number in `MYGAZ_RECIPIENT`, the text on stdin, no argument
    /// at all (it fails if given one); kept as `sms/sms.*` (number on the first line).
    func recordingSMS() -> (command: String, directory: String) {
        let directory = dir + "/sms"
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let script = dir + "/send-sms"
        try! "#!/bin/sh\n[ $# -eq 0 ] || exit 64\nf=$(mktemp '\(directory)/sms.XXXXXX')\necho \"$MYGAZ_RECIPIENT\" > \"$f\"\ncat >> \"$f\"\n"
            .write(toFile: script, atomically: true, encoding: .utf8)
        _ = E2E.sh("chmod +x '\(script)'")
        return (script, directory)
    }

    /// The recorded SMS: (number, text).
    func sentSMS(_ directory: String) -> [(number: String, text: String)] {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        return files.compactMap { try? String(contentsOfFile: directory + "/" + $0, encoding: .utf8) }.map { content in
            let lines = content.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(lines[0]), lines.count > 1 ? String(lines[1]) : "")
        }
    }

    /// Sends what is due through the recorders; answers the letters (parsed by Python's `email`) and the SMS.
    func deliver(expect status: Int32 = 0) -> (mail: [[String: String]], sms: [(number: String, text: String)]) {
        let (sendmail, mailDir) = recordingSendmail()
        let (sms, smsDir) = recordingSMS()
        let r = run(["outbox", "send", "--sendmail", sendmail, "--sms-command", sms, "--limit", "0"])
        #expect(r.status == status, "\(r)")
        return (parsedMail(mailDir), sentSMS(smsDir))
    }
}

/// Issue 19: every decision reaches the customer by the channel the record has, says it was
/// queued (not sent), helps the customer reach the RGK, and can be taken back.
@Suite struct DecisionsReachTheCustomerTests {
    /// Latin words a customer would read in a Russian message, addresses and links aside.
    static func englishWords(_ text: String) -> [String] {
        text.split(whereSeparator: \.isWhitespace).filter { !$0.contains("@") && !$0.hasPrefix("http") }
            .flatMap { $0.split(whereSeparator: { !($0.isASCII && $0.isLetter) }) }.map(String.init).filter { $0.count > 1 }
    }

    func repair(_ t: E2E, email: String? = "x@example.org", phone: String = "+79110000001") -> String {
        var argv = ["application", "create", "--kind", "repair", "--account", "70000001", "--rgk", "vologda", "--phone", phone,
                    "--problem", "Запах газа у плиты", "--name", "Кузьмина Ольга Петровна", "--json"]
        if let email { argv += ["--email", email] }
        let r = t.run(argv)
        precondition(r.status == 0, "\(r)")
        return String(r.jsonArray.first?["id"] as? Int ?? r.jsonObject["id"] as? Int ?? 0)
    }

    @Test func aRejectedApplicationIsToldToItsContactEMailFromItsRGK() throws {
        let t = E2E()
        t.demo(accounts: 200)
        let id = repair(t)
        let r = t.run("application", "reject", id, "--reason", "Дубликат заявки № 12")
        #expect(r.status == 0 && r.stdout.contains("submitted → rejected; message to x@example.org queued"), "\(r)")
        #expect(!r.stdout.contains("notified") && !r.stdout.contains("sent"), "queued is not sent: \(r.stdout)")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE entity_type = 'application' AND entity_id = \(id) AND status = 'waiting'") == "1")
        let mail = t.deliver().mail
        let letter = try #require(mail.first { $0["To"] == "x@example.org" })
        #expect(letter["From"] == "ООО «Газпром межрегионгаз Вологда» <abon@vologda-regiongaz.example>", "\(letter)")
        #expect(letter["headers"]?.contains("Reply-To") == true)
        #expect(letter["Subject"] == "Заявка № \(id) не согласована")
        let body = letter["body"] ?? ""
        // issue 41: greeted by name and patronymic, the clerk's words once, what to do next, dashes not hyphens
        #expect(body.hasPrefix("Здравствуйте, Ольга Петровна!") && body.contains("не согласована абонентским отделом.")
                && body.contains("Дубликат заявки № 12.") && !body.contains("12.."), "\(body)")
        #expect(!body.contains("Причина:") && body.contains("Что делать дальше: исправьте") && body.contains("подайте новую заявку"), "\(body)")
        #expect(!body.contains(" - "), "a hyphen for a dash: \(body)")
        #expect(body.contains("Телефон: +7 (8172) 72-00-00.") && body.contains("часы работы: пн–чт 8:00–17:00"), "how to reach the RGK: \(body)")
        #expect(Self.englishWords(body + (letter["Subject"] ?? "")).isEmpty, "English words in a Russian letter: \(Self.englishWords(body))")
    }

    @Test func aSecondQuestionIsANewQuestion() {
        let t = E2E()
        t.demo(accounts: 200)
        let id = repair(t)
        #expect(t.run("application", "clarify", id, "-m", "Укажите подъезд").status == 0)
        let again = t.run("application", "clarify", id, "-m", "И этаж, пожалуйста", "--json")
        #expect(again.status == 0 && again.jsonArray.first?["result"] as? String == "changed", "\(again)")
        #expect(again.jsonArray.first?["status"] as? String == "needs_info" && again.jsonArray.first?["notified"] as? Bool == true)
        #expect(t.sql("SELECT count(*) FROM application_event WHERE application_id = \(id) AND to_status = 'needs_info'") == "2")
        #expect(t.sql("SELECT kind FROM outbox WHERE entity_id = \(id) AND entity_type = 'application' ORDER BY id")
                == "application_question\napplication_question")
        let letters = t.deliver().mail.filter { $0["To"] == "x@example.org" }
        #expect(letters.count == 2 && letters.contains { $0["body"]?.contains("И этаж, пожалуйста") == true })
    }

    @Test func withoutEMailTheMobileGetsAnSMSAndWithNeitherTheClerkIsToldWhomToCall() throws {
        let t = E2E()
        t.demo(accounts: 200)
        let bySMS = repair(t, email: nil, phone: "8 (911) 000-00-02")
        let r = t.run("application", "reject", bySMS, "--reason", "Адрес вне зоны обслуживания", "--json")
        #expect(r.status == 0 && r.jsonArray.first?["notified"] as? Bool == true, "\(r)")
        let sms = try #require(t.deliver().sms.first { $0.number == "+79110000002" })
        #expect(sms.text.contains("Заявка № \(bySMS) не согласована") && sms.text.contains("Адрес вне зоны обслуживания"), "\(sms.text)")
        #expect(sms.text.contains("Подайте новую заявку") && sms.text.contains("Тел. +7") && !sms.text.contains(".."), "what next and the RGK's phone: \(sms.text)")
        #expect(Self.englishWords(sms.text).isEmpty)

        // a landline cannot take an SMS: the clerk phones
        let landline = repair(t, email: nil, phone: "+79110000003")
        _ = t.sql("UPDATE application SET contact_phone = '+78172123456' WHERE id = \(landline)")
        let told = t.run("application", "reject", landline, "--reason", "Дубликат", "--json")
        #expect(told.status == 0 && told.jsonArray.first?["notified"] as? Bool == false, "\(told)")
        #expect(told.stderr.contains("no e-mail or mobile to send to: tell the customer by phone +78172123456"), "\(told.stderr)")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE entity_id = \(landline) AND entity_type = 'application'") == "0")
        let another = repair(t, email: nil, phone: "+79110000006")
        _ = t.sql("UPDATE application SET contact_phone = '+78172123456' WHERE id = \(another)")
        let ru = t.run(["--lang", "ru", "application", "reject", another, "--reason", "Дубликат"])
        #expect(ru.stderr.contains("нет ни e-mail, ни мобильного для отправки: сообщите клиенту по телефону +78172123456"), "\(ru.stderr)")
    }

    @Test func aPINRequestWithOnlyAPhoneGetsItsPINBySMS() throws {
        let t = E2E()
        t.demo(accounts: 200)
        _ = t.sql("""
            INSERT INTO pin_request (account_id, full_name, email, phone, status, created_at)
            VALUES ((SELECT min(id) FROM account), 'Орлова Анна', NULL, '+79110000004', 'open', '2026-07-19T10:00:00Z')
            """)
        let request = t.sql("SELECT max(id) FROM pin_request")
        let r = t.run("--lang", "ru", "pin", "issue", "--request", request, "--send")
        #expect(r.status == 0, "\(r)")
        // the clerk reads the channel it goes by (issue 41: it said «на e-mail +7…»)
        #expect(r.stdout.contains("поставлен в очередь по SMS на +7 (911) 000-00-04") && !r.stdout.contains("e-mail"), "\(r.stdout)")
        let pin = t.sql("SELECT secret FROM outbox WHERE kind = 'pin' AND channel = 'sms' AND recipient = '+79110000004'")
        #expect(pin.count >= 6)
        let sms = try #require(t.deliver().sms.first { $0.number == "+79110000004" })
        #expect(sms.text.contains(pin), "the customer gets the PIN: \(sms.text)")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE secret IS NOT NULL") == "0")
    }

    @Test func sendersComeFromTheDatabaseAndOutboxSendRefusesWithoutOne() throws {
        let t = E2E()
        t.run("init")
        _ = t.sql("INSERT INTO outbox (channel, recipient, subject, body, kind, status, next_attempt_at, created_at) VALUES ('email', 'c@mail.ru', 'Тема', 'Текст', 'ticket_reply', 'waiting', '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z')")
        let (sendmail, directory) = t.recordingSendmail()
        let unset = t.run("outbox", "send", "--sendmail", sendmail)
        #expect(unset.status == 5 && unset.stderr.contains("mygaz-admin config set mail.support_from"), "the letters wait: \(unset)")
        #expect(t.sql("SELECT status || ' ' || attempts FROM outbox") == "waiting 0", "not counted as an attempt")
        let localhost = t.run("config", "set", "mail.support_from", "noreply@localhost")
        #expect(localhost.status == 6 && localhost.stderr.contains("mail.support_from"), "\(localhost)")
        #expect(t.run("config", "set", "mail.support_from", "help@moigaz.example").status == 0)
        #expect(t.run("config", "set", "mail.support_name", "Поддержка «Мой газ»").status == 0)
        #expect(t.run("config", "get", "mail.support_from").stdout == "help@moigaz.example\n")
        #expect(t.sql("SELECT action || ' ' || new_value FROM audit WHERE action = 'config.set' ORDER BY id LIMIT 1") == "config.set help@moigaz.example")
        #expect(t.run("outbox", "send", "--sendmail", sendmail).status == 0)
        #expect(t.parsedMail(directory).first?["From"] == "Поддержка «Мой газ» <help@moigaz.example>")

        let demo = E2E()
        demo.demo(accounts: 150)
        let ticket = demo.sql("SELECT id FROM ticket WHERE channel = 'support' AND status = 'new' AND sender_email IS NOT NULL LIMIT 1")
        #expect(demo.run("ticket", "reply", ticket, "--message", "Очистите кэш браузера и войдите снова.").status == 0)
        let reply = try #require(demo.deliver().mail.first { $0["Subject"]?.hasPrefix("Ответ на обращение № \(ticket) ") == true })
        #expect(reply["From"]?.hasSuffix("<support@moigaz-demo.example>") == true, "\(reply)")
        #expect(reply["body"]?.contains("техническая поддержка") == true)
        // an answer that greets is not greeted again (issue 41)
        let another = demo.sql("""
            SELECT id FROM ticket WHERE status = 'new' AND sender_email IS NOT NULL AND id <> \(ticket) ORDER BY id LIMIT 1
            """)
        let replied = demo.run("ticket", "reply", another, "--message", "Добрый день! Очистите кэш браузера.")
        #expect(replied.status == 0, "\(another): \(replied)")
        let greeted = try #require(demo.deliver().mail.first { $0["Subject"]?.hasPrefix("Ответ на обращение № \(another) ") == true })
        let body = greeted["body"] ?? ""
        #expect(body.hasPrefix("Добрый день! Очистите кэш браузера.") && !body.contains("Здравствуйте"), "\(body)")
    }

    @Test func aTicketTakenByPhoneIsAcknowledgedWithItsNumberAndTheAnswerTime() throws {
        let t = E2E()
        t.demo(accounts: 150)
        #expect(t.run("config", "set", "ticket.answer_days", "21").status == 0)
        let r = t.run("ticket", "open", "--channel", "rgk", "--rgk", "vologda", "--topic", "bills", "--name", "Белова Ирина",
                      "--email", "belova@example.org", "--message", "Не пришла квитанция за июнь", "--json")
        #expect(r.status == 0, "\(r)")
        let id = try #require(r.jsonArray.first?["id"] as? Int)
        #expect(r.jsonArray.first?["notified"] as? Bool == true)
        let letter = try #require(t.deliver().mail.first { $0["To"] == "belova@example.org" })
        #expect(letter["Subject"] == "Обращение № \(id) принято")
        #expect(letter["body"]?.contains("Ответ будет дан в течение 21 дня") == true, "\(letter)")
        #expect(Self.englishWords(letter["body"] ?? "").isEmpty)
        let bySMS = t.run("ticket", "open", "--channel", "rgk", "--rgk", "vologda", "--topic", "bills", "--name", "Белов Иван",
                          "--phone", "+79110000005", "--message", "Вопрос", "--json")
        #expect(bySMS.jsonArray.first?["notified"] as? Bool == true)
        let sms = try #require(t.deliver().sms.first { $0.number == "+79110000005" })
        #expect(sms.text.contains("принято") && sms.text.contains("21 дня"), "\(sms.text)")
    }

    @Test func aRejectedReadingSaysTheRuleAndThePreviousValue() throws {
        let t = E2E()
        t.demo(accounts: 300)
        // a pending reading made lower than its meter's last accepted one
        let row = t.sql("""
            SELECT r.id || '|' || p.value || '|' || p.reading_date FROM reading r JOIN reading p ON p.meter_id = r.meter_id AND p.status = 'accepted'
            AND p.reading_date < r.reading_date WHERE r.status = 'pending' ORDER BY r.id, p.reading_date DESC LIMIT 1
            """).split(separator: "|").map(String.init)
        let (id, previous, date) = (row[0], row[1], row[2])
        _ = t.sql("UPDATE reading SET value = 0 WHERE id = \(id)")
        _ = t.sql("UPDATE portal_user SET email = 'reader@example.org' WHERE id = (SELECT min(id) FROM portal_user WHERE status = 'active')")
        _ = t.sql("UPDATE reading SET user_id = (SELECT min(id) FROM portal_user WHERE email = 'reader@example.org') WHERE id = \(id)")
        let r = t.run("reading", "reject", id, "--reason", "lower_than_previous")
        #expect(r.status == 0, "\(r)")
        let d = date.split(separator: "-")
        let letter = try #require(t.deliver().mail.first { $0["To"] == "reader@example.org" })
        let body = letter["body"] ?? ""
        #expect(body.contains("меньше предыдущего принятого (\(previous) м³ от \(d[2]).\(d[1]).\(d[0]))"), "\(body)")
        #expect(body.contains("Телефон: "), "how to reach the RGK")
        #expect(Self.englishWords(body).isEmpty, "\(Self.englishWords(body))")
    }

    @Test func erasureLeavesNoNameNumberOrAddressAnywhere() throws {
        let t = E2E()
        t.demo(accounts: 150)
        let created = t.run(["user", "create", "erase.me@example.org", "--name", "Стираемова Анна Петровна", "--phone", "+79005554433",
                             "--password-stdin", "--json"], stdin: "Secret123\n")
        #expect(created.status == 0, "\(created)")
        let user = t.sql("SELECT id FROM portal_user WHERE login = 'erase.me@example.org'")
        _ = t.sql("UPDATE portal_user SET email = 'anna.private@example.org' WHERE id = \(user)")
        _ = t.sql("""
            INSERT INTO ticket (channel, rgk_id, topic, status, user_id, sender_name, sender_email, sender_phone, source, created_at, updated_at, last_customer_at)
            VALUES ('rgk', 1, 'bills', 'new', \(user), 'Стираемова Анна Петровна', 'erase.me@example.org', '+79005554433', 'portal', '2026-07-19T10:00:00Z', '2026-07-19T10:00:00Z', '2026-07-19T10:00:00Z');
            INSERT INTO ticket_message (ticket_id, at, author_kind, body) VALUES ((SELECT max(id) FROM ticket), '2026-07-19T10:00:00Z', 'customer', 'Пишет Стираемова Анна Петровна, тел. +79005554433');
            INSERT INTO pin_request (account_id, user_id, full_name, email, phone, status, created_at)
            VALUES ((SELECT min(id) FROM account), \(user), 'Стираемова Анна Петровна', 'erase.me@example.org', '+79005554433', 'open', '2026-07-19T10:00:00Z');
            """)
        let ticket = t.sql("SELECT max(id) FROM ticket")
        let application = repair(t, email: "erase.me@example.org", phone: "+79005554433")
        _ = t.sql("UPDATE application SET user_id = \(user), contact_name = 'Стираемова Анна Петровна' WHERE id = \(application)")
        // one message sent, one failed, two waiting
        #expect(t.run("ticket", "reply", ticket, "--message", "Здравствуйте, Стираемова Анна Петровна!").status == 0)
        _ = t.deliver()
        #expect(t.run("application", "clarify", application, "-m", "Уточните").status == 0)
        #expect(t.run("user", "resend-code", user, "--purpose", "recovery").status == 0)
        _ = t.sql("UPDATE outbox SET status = 'failed', last_error = 'exit 1' WHERE kind = 'application_question' AND entity_id = \(application)")
        #expect(t.run("application", "approve", application, "--expect-status", "needs_info").status == 4)
        #expect(t.run("application", "answer", application, "-m", "Подъезд 2").status == 0)
        #expect(t.run("application", "approve", application).status == 0)

        let r = t.run("user", "delete", user, "--yes", "--json")
        #expect(r.status == 0, "\(r)")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE status = 'waiting' AND (recipient LIKE '%erase.me%' OR recipient = '+79005554433')") == "0",
                "nothing of theirs is delivered after the erasure")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE status = 'cancelled'") != "0")
        let proof = t.sql("SELECT reason_code || ' ' || reason_args FROM audit WHERE action = 'user.delete'")
        #expect(proof.contains("cancelled") && !proof.contains("erase.me"), "\(proof)")
        #expect(t.sql("SELECT entity_id FROM audit WHERE action = 'user.delete'") == user, "the user's id stays")

        let dump = E2E.exec("/usr/bin/sqlite3", [t.db, ".dump"]).stdout
        for trace in ["erase.me@example.org", "anna.private@example.org", "+79005554433", "Стираемова", "89005554433"] {
            #expect(!dump.contains(trace), "\(trace) is still in the database")
        }
        func holds(_ file: String, _ text: String) -> Bool {
            (FileManager.default.contents(atPath: file).map { $0.range(of: Data(text.utf8)) != nil }) ?? false
        }
        #expect(!holds(t.db, "erase.me@example.org") && !holds(t.db + "-wal", "erase.me@example.org"), "nor in the file's free pages or its log")
    }

    @Test func aDecisionCanBeTakenBackAndTheCustomerWhoWasToldIsToldAgain() throws {
        let t = E2E()
        t.demo(accounts: 200)
        let id = repair(t)
        #expect(t.run("application", "reject", id, "--reason", "Дубликат").status == 0)
        let reopened = t.run("application", "reopen", id, "--reason", "Отклонена по ошибке", "--json")
        #expect(reopened.status == 0 && reopened.jsonArray.first?["status"] as? String == "submitted", "\(reopened)")
        #expect(reopened.jsonArray.first?["notified"] as? Bool == true)
        #expect(t.run("application", "reopen", id, "--reason", "ещё раз").jsonArray.isEmpty)   // human output: unchanged line
        #expect(t.sql("SELECT count(*) FROM audit WHERE action = 'application.reopen' AND entity_id = '\(id)' AND reason = 'Отклонена по ошибке'") == "1")
        #expect(t.run("application", "reopen", id).status == 2, "--reason is required")
        let letter = try #require(t.deliver().mail.first { $0["Subject"] == "Заявка № \(id) снова в работе" })
        #expect(letter["To"] == "x@example.org" && letter["body"]?.contains("Отклонена по ошибке") == true, "\(letter)")

        // a reading: rejected and told, reopened and told again; once exported, it stands
        let reading = t.sql("SELECT r.id FROM reading r JOIN portal_user u ON u.id = r.user_id WHERE r.status = 'pending' AND u.email IS NOT NULL ORDER BY r.id LIMIT 1")
        #expect(t.run("reading", "reject", reading, "--reason", "other", "--message", "Нечитаемое фото").status == 0)
        let back = t.run("reading", "reopen", reading, "--reason", "Фото пришло повторно", "--json")
        #expect(back.status == 0 && back.jsonArray.first?["status"] as? String == "pending" && back.jsonArray.first?["notified"] as? Bool == true, "\(back)")
        #expect(t.sql("SELECT status || ' ' || coalesce(reason, '-') FROM reading WHERE id = \(reading)") == "pending -")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE entity_type = 'reading' AND entity_id = \(reading)") == "2")
        #expect(t.run("reading", "accept", reading, "--force", "--reason", "проверено").status == 0)
        let rgk = t.sql("SELECT g.code FROM reading r JOIN rgk g ON g.id = r.rgk_id WHERE r.id = \(reading)")
        #expect(t.run("export", "readings", "--rgk", rgk, "--output", t.dir + "/billing.csv").status == 0)
        #expect(t.sql("SELECT count(*) FROM reading WHERE id = \(reading) AND exported_at IS NOT NULL") == "1")
        let refused = t.run("reading", "reopen", reading, "--reason", "поздно")
        #expect(refused.status == 4 && refused.stderr.contains("went to the RGK's billing"), "\(refused)")
        #expect(t.sql("SELECT status FROM reading WHERE id = \(reading)") == "accepted")
    }

    @Test func dryRunWorksForEveryFormIncludingIdsFromStdin() {
        let t = E2E()
        t.demo(accounts: 200)
        let ids = t.sql("SELECT id FROM reading WHERE status = 'pending' ORDER BY id LIMIT 3")
        let before = t.sql("SELECT count(*) FROM outbox") + t.sql("SELECT count(*) FROM audit")
        let dry = t.run(["reading", "reject", "-", "--reason", "other", "--message", "Проверьте", "--dry-run", "--json"], stdin: ids + "\n")
        #expect(dry.status == 0 && dry.jsonArray.count == 3 && dry.jsonArray.allSatisfy { $0["dry_run"] as? Bool == true }, "\(dry)")
        #expect(dry.jsonArray.allSatisfy { $0["status"] as? String == "rejected" })
        let human = t.run(["reading", "accept", "-", "--force", "--reason", "x", "--dry-run"], stdin: ids + "\n")
        #expect(human.stdout.contains("dry run: nothing was written and no message was queued"), "\(human)")
        let apps = t.run(["application", "approve", t.sql("SELECT id FROM application WHERE status = 'submitted' LIMIT 1"), "--dry-run", "--json"])
        #expect(apps.jsonArray.first?["dry_run"] as? Bool == true)
        #expect(t.sql("SELECT count(*) FROM reading WHERE status = 'pending' AND id IN (\(ids.split(separator: "\n").joined(separator: ",")))") == "3")
        #expect(t.sql("SELECT count(*) FROM outbox") + t.sql("SELECT count(*) FROM audit") == before, "nothing written")
        let all = t.run("reading", "reject", "--all-invalid", "--rgk", "kostroma", "--dry-run", "--json")
        #expect(all.jsonObject["messages"] is Int && all.jsonObject["by_rgk"] is [String: Any], "\(all)")
    }

    @Test func aBulkDecisionOnATerminalShowsItsPlanAndAsks() {
        let t = E2E()
        t.demo(accounts: 300)
        let invalid = t.run("reading", "reject", "--all-invalid", "--rgk", "kostroma", "--dry-run", "--json").jsonObject["rejected"] as? Int ?? 0
        #expect(invalid > 0)
        let pending = t.sql("SELECT count(*) FROM reading WHERE status = 'pending'")
        let no = t.interactive(["reading", "reject", "--all-invalid", "--rgk", "kostroma"], [
            .expect("will do this:"), .expect("kostroma: \(invalid)"), .expect("messages to customers to be queued:"), .expect("Go ahead? [y/N]"),
            .send("n\r"), .expect("nothing was changed"),
        ])
        #expect(no.ok && no.exit == 0, "\(no.description)")
        #expect(t.sql("SELECT count(*) FROM reading WHERE status = 'pending'") == pending, "nothing without a yes")
        let ids = t.sql("SELECT id FROM reading WHERE status = 'pending' ORDER BY id LIMIT 2").split(separator: "\n").map(String.init)
        let yes = t.interactive(["reading", "reject"] + ids + ["--reason", "other", "--message", "Проверьте"], [
            .expect("rejected: 2"), .expect("Go ahead? [y/N]"), .send("y\r"), .expect("pending → rejected"),
        ])
        #expect(yes.ok && yes.exit == 0, "\(yes.description)")
        #expect(t.sql("SELECT count(*) FROM reading WHERE status = 'rejected' AND id IN (\(ids.joined(separator: ",")))") == "2")
        // --yes skips the question; one id does not ask; without a terminal nothing asks
        let skip = t.interactive(["application", "approve"] + t.sql("SELECT id FROM application WHERE status = 'submitted' ORDER BY id LIMIT 2")
            .split(separator: "\n").map(String.init) + ["--yes"], [.expect("submitted → accepted")])
        #expect(skip.ok && skip.exit == 0 && !skip.transcript.contains("Go ahead"), "\(skip.description)")
        let script = t.run(["reading", "reject", "-", "--reason", "other", "--message", "Проверьте"],
                           stdin: t.sql("SELECT id FROM reading WHERE status = 'pending' ORDER BY id LIMIT 2") + "\n")
        #expect(script.status == 0 && !script.stderr.contains("Go ahead"), "\(script)")
    }

    /// Issue 41: one rule for every bulk form — user block/unblock/confirm, ticket close and pin
    /// reject-request with several ids show their plan and ask on a terminal, take --dry-run and
    /// --yes, like the readings' and applications' decisions.
    @Test func everyBulkFormAsksOnATerminalAndTakesDryRunAndYes() {
        let t = E2E()
        t.demo(accounts: 300)
        func ids(_ query: String) -> [String] { t.sql(query).split(separator: "\n").map(String.init) }
        let forms: [(argv: [String], ids: [String], state: String, was: String)] = [
            (["user", "block", "--reason", "мошенничество"], ids("SELECT id FROM portal_user WHERE status = 'active' ORDER BY id LIMIT 2"),
             "SELECT status FROM portal_user WHERE id = ", "active"),
            (["user", "confirm"], ids("SELECT id FROM portal_user WHERE status = 'pending' ORDER BY id LIMIT 2"),
             "SELECT status FROM portal_user WHERE id = ", "pending"),
            (["user", "unblock"], ids("SELECT id FROM portal_user WHERE status = 'blocked' ORDER BY id LIMIT 2"),
             "SELECT status FROM portal_user WHERE id = ", "blocked"),
            (["ticket", "close"], ids("SELECT id FROM ticket WHERE status = 'new' ORDER BY id LIMIT 2"),
             "SELECT status FROM ticket WHERE id = ", "new"),
            (["pin", "reject-request", "--reason", "документы не подтверждают владение"],
             ids("SELECT id FROM pin_request WHERE status = 'open' ORDER BY id LIMIT 2"), "SELECT status FROM pin_request WHERE id = ", "open"),
        ]
        for form in forms {
            #expect(form.ids.count == 2, "\(form.argv)")
            let states = { form.ids.map { t.sql(form.state + $0) } }
            let no = t.interactive(form.argv + form.ids, [.expect("will do this:"), .expect("Go ahead? [y/N]"), .send("n\r"), .expect("nothing was changed")])
            #expect(no.ok && no.exit == 0, "\(form.argv): \(no.description)")
            #expect(states() == [form.was, form.was], "\(form.argv): nothing without a yes")
            let dry = t.run(form.argv + form.ids + ["--dry-run", "--json"])
            #expect(dry.status == 0 && dry.jsonArray.count == 2 && dry.jsonArray.allSatisfy { $0["dry_run"] as? Bool == true }, "\(form.argv): \(dry)")
            #expect(states() == [form.was, form.was], "\(form.argv): a dry run writes nothing")
            let yes = t.interactive(form.argv + form.ids + ["--yes"], [.expect("→")])
            #expect(yes.ok && yes.exit == 0 && !yes.transcript.contains("Go ahead"), "\(form.argv): \(yes.description)")
            #expect(states().allSatisfy { $0 != form.was }, "\(form.argv): --yes applies")
        }
    }
}
