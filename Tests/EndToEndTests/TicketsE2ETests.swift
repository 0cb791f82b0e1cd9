import Foundation
import Testing

extension E2E {
    /// A sendmail stand-in that keeps every message it receives as a file in `mail/`.
    func recordingSendmail() -> (command: String, directory: String) {
        let directory = dir + "/mail"
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let script = dir + "/sendmail"
        // beside each message: the arguments it was given, one per line; the recipient it found in
        // its environment; the command line of the shell that started it (what `ps` shows)
        try! """
            #!/bin/sh
            f=$(mktemp '\(directory)/msg.XXXXXX')
            cat > "$f"
            printf '%s\\n' "$@" > "$f.argv"
            printf '%s' "$MYGAZ_RECIPIENT" > "$f.recipient"
            tr '\\0' '\\n' < /proc/$PPID/cmdline > "$f.parent"
            """.write(toFile: script, atomically: true, encoding: .utf8)
        _ = E2E.sh("chmod +x '\(script)'")
        return (script + " -i -t", directory)
    }

    /// Parses the recorded messages with Python's `email` package: one JSON object per message.
    func parsedMail(_ directory: String) -> [[String: String]] {
        let program = """
        import email, glob, json, sys
        from email import policy
        out = []
        for f in sorted(g for g in glob.glob(sys.argv[1] + '/msg.*') if '.' not in g.rsplit('/', 1)[1][4:]):
            m = email.message_from_bytes(open(f, 'rb').read(), policy=policy.default)
            out.append({k: str(m[k]) for k in ['From', 'To', 'Subject', 'Date', 'Message-ID', 'Content-Type', 'Bcc', 'Cc']}
                       | {'body': (m.get_body(preferencelist=('plain',)) or m).get_content(), 'argv': open(f + '.argv').read(), 'headers': '\\n'.join(m.keys()),
                          'recipient': open(f + '.recipient').read(), 'parent': open(f + '.parent').read()})
        print(json.dumps(out))
        """
        let r = E2E.exec("/usr/bin/env", ["python3", "-c", program, directory])
        return (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [[String: String]] ?? []
    }
}

@Suite struct TicketsE2ETests {
    @Test func theOpenQueueAndAConversation() {
        let t = E2E()
        t.demo(accounts: 300)
        let open = t.run("ticket", "list", "--limit", "0", "--json").jsonArray
        #expect(!open.isEmpty)
        #expect(open.allSatisfy { $0["awaiting_reply"] as? Bool == true })
        #expect(open.contains { $0["status"] as? String == "answered" }, "answered with a newer customer message is open")
        let created = open.compactMap { $0["created_at"] as? String }
        #expect(created == created.sorted())
        #expect(t.run("ticket", "list", "--status", "closed", "--json").jsonArray.allSatisfy { $0["status"] as? String == "closed" })
        #expect(t.run("ticket", "list", "--topic", "payments", "--status", "all", "--json").jsonArray.allSatisfy { $0["topic"] as? String == "payments" })

        let id = t.sql("SELECT id FROM ticket WHERE status = 'new' AND sender_email IS NOT NULL ORDER BY id LIMIT 1")
        let show = t.run("ticket", "show", id)
        #expect(show.status == 0)
        #expect(show.stdout.contains("CONVERSATION"))
        let reply = t.run("ticket", "reply", id, "--message", "Здравствуйте! Проверьте, пожалуйста, номер лицевого счета.")
        #expect(reply.status == 0, "\(reply)")
        #expect(reply.stdout.contains("new → answered; message to ") && reply.stdout.contains(" queued"), "\(reply)")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE kind = 'ticket_reply' AND entity_id = \(id) AND status = 'waiting'") == "1")
        let messages = t.run("ticket", "show", id, "--json").jsonObject["messages"] as? [[String: Any]] ?? []
        #expect(messages.map { $0["author_kind"] as? String ?? "" } == ["customer", "operator"])
        #expect(t.run("ticket", "reply", id).status == 2, "no terminal, no message")
        #expect(t.run("ticket", "reply", id, "--message", "   ").status == 6)
        #expect(t.run("ticket", "close", id, "--message", "Вопрос решен").status == 0)
        let closedReply = t.run("ticket", "reply", id, "--message", "ещё")
        #expect(closedReply.status == 4)
        #expect(closedReply.stderr.contains("reopen"))
        #expect(t.run("ticket", "close", id, "--json").jsonArray.first?["result"] as? String == "unchanged")
        #expect(t.run("ticket", "reopen", id).stdout.contains("closed → new"))
        #expect(t.run("ticket", "assign", id, "--to", "sidorov").status == 0)
        #expect(t.run("ticket", "list", "--assigned-to", "sidorov", "--status", "all", "--limit", "0", "--json").jsonArray
            .contains { String($0["id"] as? Int ?? 0) == id })
        #expect(t.run("ticket", "show", "99999").status == 3)
    }

    @Test func replyWithAnFAQEntryOrAFile() throws {
        let t = E2E()
        t.demo(accounts: 150)
        let faq = t.run("faq", "list", "--topic", "extended", "--json").jsonArray
        let faqID = try #require(faq.first?["id"] as? Int)
        let answer = try #require(faq.first?["answer"] as? String)
        let id = t.sql("SELECT id FROM ticket WHERE status = 'new' AND sender_email IS NOT NULL ORDER BY id LIMIT 1")
        #expect(t.run("ticket", "reply", id, "--faq", String(faqID)).status == 0)
        #expect(t.sql("SELECT faq_id FROM ticket_message WHERE ticket_id = \(id) AND author_kind = 'operator'") == String(faqID))
        #expect(t.sql("SELECT body FROM ticket_message WHERE ticket_id = \(id) AND author_kind = 'operator'") == answer)
        let other = t.sql("SELECT id FROM ticket WHERE status = 'new' ORDER BY id DESC LIMIT 1")
        let file = t.dir + "/answer.txt"
        try "Ответ из файла.\nВторая строка.".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(t.run("ticket", "reply", other, "--message-file", file).status == 0)
        #expect(t.run(["ticket", "reply", other, "--message-file", "-"], stdin: "Ответ со стандартного ввода\n").status == 0)
        #expect(t.run("ticket", "reply", other, "--faq", "999").status == 3)
        #expect(t.run("ticket", "reply", other, "--faq", String(faqID), "--message", "x").status == 2)
    }

    @Test func aQuestionTakenByPhone() throws {
        let t = E2E()
        t.demo(accounts: 100)
        let account = t.sql("SELECT number FROM account ORDER BY id LIMIT 1")
        let png = t.dir + "/чек.png"
        try Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]).write(to: URL(fileURLWithPath: png))
        let opened = t.run("ticket", "open", "--channel", "rgk", "--rgk", "vologda", "--topic", "payments", "--name", "Петров Иван",
                           "--phone", "8 981 567-65-22", "--email", "Petrov@Mail.ru", "--account", account,
                           "--message", "Оплатил 1500 руб., долг не уменьшился", "--attach", png, "--json")
        #expect(opened.status == 0, "\(opened)")
        let id = String(opened.jsonArray[0]["id"] as! Int)
        let show = t.run("ticket", "show", id, "--json").jsonObject
        #expect(show["sender_email"] as? String == "petrov@mail.ru")
        #expect(show["sender_phone"] as? String == "+79815676522")
        #expect(show["source"] as? String == "phone")
        #expect((show["attachments"] as? [[String: Any]])?.first?["name"] as? String == "чек.png")
        #expect(t.run("ticket", "attachment", id, "чек.png", "--output", t.dir + "/out.png").status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: t.dir + "/out.png")) == Data(contentsOf: URL(fileURLWithPath: png)))
        let noTicket = t.run("ticket", "attachment", "99999", "чек.png")
        #expect(noTicket.status == 3 && noTicket.stderr.contains("ticket 99999"), "\(noTicket)")
        let office = t.sql("SELECT id FROM office WHERE rgk_id = (SELECT id FROM rgk WHERE code = 'kostroma') LIMIT 1")
        #expect(t.run("ticket", "open", "--channel", "office", "--office", office, "--topic", "other", "--name", "Котов",
                      "--email", "kotov@mail.ru", "--message", "Часы работы?").status == 0)
        #expect(t.run("ticket", "open", "--channel", "office", "--topic", "other", "--name", "Котов",
                      "--email", "kotov@mail.ru", "--message", "x").status == 2, "office needs --office")
        #expect(t.run("ticket", "open", "--channel", "support", "--topic", "registration", "--name", "Котов",
                      "--message", "Нет кода").status == 2, "a way to answer is needed")
        #expect(t.run("ticket", "open", "--channel", "support", "--topic", "registration", "--name", "Котов",
                      "--email", "not-an-email", "--message", "x").status == 6)
        #expect(t.run("ticket", "open", "--channel", "support", "--topic", "weather", "--name", "Котов",
                      "--email", "k@mail.ru", "--message", "x").status == 2)
    }

    @Test func faqIsManagedBySupport() {
        let t = E2E()
        t.run("init")
        let added = t.run("faq", "add", "--topic", "meters", "--question", "Как передать показания?", "--answer", "В разделе «Приборы учета».", "--json")
        #expect(added.status == 0)
        let id = String(added.jsonArray[0]["id"] as! Int)
        #expect(t.run("faq", "list", "--search", "ПРИБОРЫ", "--json").jsonArray.count == 1)
        #expect(t.run("faq", "edit", id, "--answer", "В разделе «Приборы учета» нажмите «Передать показания».").stdout.contains("changed"))
        #expect(t.run("faq", "edit", id, "--topic", "meters", "--json").jsonArray.first?["result"] as? String == "unchanged")
        #expect(t.run("faq", "show", id).stdout.contains("Передать показания"))
        #expect(t.run("faq", "remove", id).status == 2)
        #expect(t.run("faq", "remove", id, "--yes").status == 0)
        #expect(t.run("faq", "show", id).status == 3)
        #expect(t.run("faq", "add", "--topic", "meters", "--question", "q").status == 2)
    }
}

@Suite struct OutboxE2ETests {
    @Test func messagesAreDeliveredAsProperMailAndSMS() throws {
        let t = E2E()
        t.demo(accounts: 150)
        let (sendmail, directory) = t.recordingSendmail()
        let smsDir = t.dir + "/sms"
        try FileManager.default.createDirectory(atPath: smsDir, withIntermediateDirectories: true)
        let sms = t.dir + "/sms.sh"
        // the number in the environment, never an argument (given one, it fails)
        try "#!/bin/sh\n[ $# -eq 0 ] || exit 64\nf=$(mktemp '\(smsDir)/sms.XXXXXX')\necho \"$MYGAZ_RECIPIENT\" > \"$f\"\ncat >> \"$f\"\n".write(toFile: sms, atomically: true, encoding: .utf8)
        _ = E2E.sh("chmod +x '\(sms)'")
        let id = t.sql("SELECT id FROM ticket WHERE status = 'new' AND sender_email IS NOT NULL ORDER BY id LIMIT 1")
        #expect(t.run("ticket", "reply", id, "--message", "Ответ: всё в порядке, «Мой газ».").status == 0)
        let user = t.sql("SELECT id FROM portal_user WHERE status = 'active' AND login_kind = 'phone' LIMIT 1")
        #expect(t.run("user", "resend-code", user, "--purpose", "recovery").status == 0)
        let waiting = Int(t.sql("SELECT count(*) FROM outbox WHERE status = 'waiting'"))!
        let dry = t.run("outbox", "send", "--dry-run", "--sendmail", sendmail, "--json")
        #expect(dry.jsonArray.count == waiting)
        #expect(t.sql("SELECT count(*) FROM outbox WHERE status = 'waiting'") == String(waiting))

        let sent = t.run(["outbox", "send", "--sendmail", sendmail, "--sms-command", sms, "--json"])
        #expect(sent.status == 0, "\(sent)")
        #expect(sent.jsonObject["sent"] as? Int == waiting)
        let mail = t.parsedMail(directory)
        #expect(mail.count == waiting - 1)
        let reply = try #require(mail.first { $0["Subject"]?.hasPrefix("Ответ на обращение № \(id) (") == true })
        #expect(reply["From"]?.contains("Газпром межрегионгаз") == true, "\(reply["From"] ?? "")")
        #expect(reply["From"]?.contains("межрегионгаз ") == true)
        #expect(reply["Content-Type"]?.contains("charset=\"utf-8\"") == true || reply["Content-Type"]?.lowercased().contains("utf-8") == true)
        #expect(reply["Date"]?.isEmpty == false && reply["Message-ID"]?.hasPrefix("<mygaz.") == true)
        #expect(reply["body"]?.contains("Ответ: всё в порядке, «Мой газ».") == true)
        #expect(reply["body"]?.contains("> ") == true, "the customer's message is quoted")
        let smsFiles = try FileManager.default.contentsOfDirectory(atPath: smsDir)
        #expect(smsFiles.count == 1)
        let text = try String(contentsOfFile: smsDir + "/" + smsFiles[0], encoding: .utf8)
        #expect(text.hasPrefix(t.sql("SELECT login FROM portal_user WHERE id = \(user)") + "\n"))
        #expect(text.contains("Код восстановления"))
        let code = t.sql("SELECT secret FROM outbox WHERE kind = 'confirmation_code'")
        #expect(code.isEmpty, "the secret is erased once delivered")
        #expect(!t.run("outbox", "list", "--status", "sent", "--limit", "0").stdout.contains(String(text.suffix(12))))
    }

    @Test func secretsAreMaskedInListsAndShows() throws {
        let t = E2E()
        t.demo(accounts: 300)
        let request = t.sql("SELECT id FROM pin_request WHERE status = 'open' AND email IS NOT NULL LIMIT 1")
        #expect(t.run("pin", "issue", "--request", request, "--send", "--digits", "12").status == 0)
        let pin = t.sql("SELECT secret FROM outbox WHERE kind = 'pin'")
        #expect(pin.count == 12)
        let message = t.sql("SELECT id FROM outbox WHERE kind = 'pin'")
        let show = t.run("outbox", "show", message)
        #expect(show.stdout.contains("••••••"))
        #expect(!show.stdout.contains(pin))
        #expect(!t.run("outbox", "show", message, "--json").stdout.contains(pin))
        #expect(!t.run("outbox", "list", "--json").stdout.contains(pin))
        let (sendmail, directory) = t.recordingSendmail()
        #expect(t.run("outbox", "send", "--sendmail", sendmail).status == 0)
        #expect(t.parsedMail(directory).contains { $0["body"]?.contains(pin) == true }, "the customer gets the PIN")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE secret IS NOT NULL") == "0")
    }

    @Test func twoSendersDeliverEachOf200MessagesExactlyOnce() throws {
        let t = E2E()
        t.run("init")
        t.run("config", "set", "mail.from", "abon@gaz.example")
        _ = t.sql("INSERT INTO outbox (channel, recipient, subject, body, kind, status, next_attempt_at, created_at) VALUES "
                  + (1...200).map { "('email', 'c\($0)@mail.ru', 'Сообщение \($0)', 'Текст \($0)', 'other', 'waiting', '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z')" }
                  .joined(separator: ",\n"))
        #expect(t.sql("SELECT count(*) FROM outbox WHERE status = 'waiting'") == "200")
        let (sendmail, directory) = t.recordingSendmail()
        let results = t.runConcurrently([["outbox", "send", "--sendmail", sendmail, "--limit", "0", "--json"],
                                         ["outbox", "send", "--sendmail", sendmail, "--limit", "0", "--json"]])
        #expect(results.allSatisfy { $0.status == 0 }, "\(results)")
        let total = results.compactMap { $0.jsonObject["sent"] as? Int }.reduce(0, +)
        #expect(total == 200)
        let mail = t.parsedMail(directory)
        #expect(mail.count == 200)
        #expect(Set(mail.compactMap { $0["To"] }).count == 200, "each recipient once")
        #expect(Set(mail.compactMap { $0["Message-ID"] }).count == 200)
        #expect(t.sql("SELECT count(*) FROM outbox WHERE status = 'sent'") == "200")
    }

    @Test func aDeliveryWhoseClaimWasTakenBackSendsNothing() {
        let t = E2E()
        t.run("init")
        _ = t.sql("INSERT INTO outbox (channel, recipient, subject, body, kind, status, next_attempt_at, created_at, claim_token) VALUES ('email', 'x@mail.ru', 'S', 'B', 'other', 'sending', '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z', 'theirs')")
        let lost = t.run("outbox", "__receipt", "1", "mine", "begin", "4242")
        #expect(lost.status == 4 && lost.stderr.contains("message 1 is no longer claimed"), "\(lost)")
        #expect(t.sql("SELECT coalesce(delivery_pid, 0) FROM outbox") == "0", "the other sender's claim is untouched")
        #expect(t.run("outbox", "__receipt", "1", "theirs", "begin", "4242").status == 0)
        #expect(t.run("outbox", "__receipt", "1", "theirs", "done").status == 0)
        #expect(t.sql("SELECT status || ' ' || attempts FROM outbox") == "sent 1")
        #expect(t.run("outbox", "__receipt", "1", "theirs", "later").status == 2)
    }

    @Test func aFailingSendmailIsRetriedThenFailed() {
        let t = E2E()
        t.run("init")
        t.run("config", "set", "mail.from", "abon@gaz.example")
        _ = t.sql("INSERT INTO outbox (channel, recipient, subject, body, kind, status, next_attempt_at, created_at) VALUES ('email', 'x@mail.ru', 'S', 'B', 'other', 'waiting', '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z')")
        let failing = t.dir + "/fail.sh"
        try? "#!/bin/sh\ncat >/dev/null\necho 'relay refused' >&2\nexit 75\n".write(toFile: failing, atomically: true, encoding: .utf8)
        _ = E2E.sh("chmod +x '\(failing)'")
        for attempt in 1...4 {
            let r = t.run("outbox", "send", "--sendmail", failing, "--json")
            #expect(r.status == 5, "deferred is not sent: \(r)")
            #expect(r.jsonObject["retrying"] as? Int == 1, "attempt \(attempt): \(r)")
            #expect(t.sql("SELECT status || ' ' || attempts FROM outbox") == "waiting \(attempt)")
            #expect(t.sql("SELECT last_error FROM outbox").contains("relay refused"))
            // not due again until the delay has passed: nothing tried, nothing failed
            let idle = t.run("outbox", "send", "--sendmail", failing, "--json")
            #expect(idle.status == 0 && idle.jsonObject["retrying"] as? Int == 0, "\(idle)")
            _ = t.sql("UPDATE outbox SET next_attempt_at = '2000-01-01T00:00:00Z'")
        }
        let last = t.run("outbox", "send", "--sendmail", failing)
        #expect(last.status == 5)
        #expect(t.sql("SELECT status || ' ' || attempts FROM outbox") == "failed 5")
        #expect(t.run("outbox", "list", "--status", "failed").stdout.contains("relay refused"))
        #expect(t.run("outbox", "retry", "1").stdout.contains("failed → waiting"))
        let (sendmail, _) = t.recordingSendmail()
        #expect(t.run("outbox", "send", "--sendmail", sendmail).status == 0)
        #expect(t.sql("SELECT status FROM outbox") == "sent")
        #expect(t.run("outbox", "retry", "1").status == 4)

        _ = t.sql("INSERT INTO outbox (channel, recipient, subject, body, kind, status, next_attempt_at, created_at) VALUES ('email', 'y@mail.ru', 'S', 'B', 'other', 'waiting', '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z')")
        let slow = t.dir + "/slow.sh"
        try? "#!/bin/sh\nsleep 5\n".write(toFile: slow, atomically: true, encoding: .utf8)
        _ = E2E.sh("chmod +x '\(slow)'")
        // stopped midway, it may have gone out: in doubt, failed until a person retries it
        #expect(t.run("outbox", "send", "--sendmail", slow, "--timeout", "1").status == 5)
        #expect(t.sql("SELECT status || ' ' || last_error FROM outbox WHERE recipient = 'y@mail.ru'").hasPrefix("failed timed out"))

        // configuration, not delivery: that channel's messages wait (exit 5, issue 40), none counted as tried
        _ = t.sql("INSERT INTO outbox (channel, recipient, body, kind, status, next_attempt_at, created_at) VALUES ('sms', '+79000000000', 'B', 'other', 'waiting', '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z')")
        let noSMS = t.run(["outbox", "send", "--sendmail", sendmail], env: ["MYGAZ_SMS_COMMAND": ""])
        #expect(noSMS.status == 5 && noSMS.stderr.contains("sms.command"), "\(noSMS)")
        #expect(t.sql("SELECT status || ' ' || attempts FROM outbox WHERE channel = 'sms'") == "waiting 0")
        _ = t.sql("INSERT INTO outbox (channel, recipient, subject, body, kind, status, next_attempt_at, created_at) VALUES ('email', 'z@mail.ru', 'S', 'B', 'other', 'waiting', '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z')")
        let missing = t.run(["outbox", "send", "--sendmail", t.dir + "/no-such-sendmail", "--sms-command", "/bin/true"])
        #expect(missing.status == 5 && missing.stderr.contains("no-such-sendmail"), "\(missing)")
        #expect(t.sql("SELECT status || ' ' || attempts || ' ' || coalesce(claim_token, '-') FROM outbox WHERE recipient = 'z@mail.ru'") == "waiting 0 -")
    }
}
