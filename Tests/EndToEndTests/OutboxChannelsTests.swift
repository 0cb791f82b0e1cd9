import Foundation
import Testing

/// Issue 40: one channel never holds back another. With no SMS command the letters go and the
/// SMS wait; with a mail program that cannot run the SMS go and the letters wait. Either way the
/// run ends with exit 5 and one line saying how many wait and what to set, no waiting message is
/// counted as tried, and `status` shows them. On the engine of the half (SQLite, PostgreSQL).
@Suite struct OutboxChannelsTests {
    /// A database with two letters of an RGK with its own address and two SMS, all due.
    static func queued() -> E2E {
        let t = E2E()
        #expect(t.run(["init"]).status == 0)
        _ = t.sql("INSERT INTO rgk (code, name, email, created_at, updated_at) VALUES ('vologda', 'ООО «Газ»', 'abon@gaz.example', 'x', 'x')")
        for (channel, recipient, subject) in [("email", "ivanov@mail.example", "'Ответ'"), ("sms", "+79115550011", "NULL"),
                                              ("email", "petrova@mail.example", "'Ответ'"), ("sms", "+79115550022", "NULL")] {
            _ = t.sql("""
                INSERT INTO outbox (channel, recipient, subject, body, rgk_id, kind, status, attempts, next_attempt_at, created_at)
                SELECT '\(channel)', '\(recipient)', \(subject), 'Текст для \(recipient)', id, 'other', 'waiting', 0,
                       '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z' FROM rgk WHERE code = 'vologda'
                """)
        }
        return t
    }

    /// An SMS command keeping each text in a file, the number it found in its environment first.
    static func recordingSMS(_ t: E2E) -> (command: String, directory: String) {
        let directory = t.dir + "/sms"
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return ("f=$(mktemp '\(directory)/sms.XXXXXX') && { printf '%s\\n' \"$MYGAZ_RECIPIENT\"; cat; } > \"$f\"", directory)
    }

    static func files(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted().compactMap {
            try? String(contentsOfFile: directory + "/" + $0, encoding: .utf8)
        }
    }

    static func queue(_ status: E2E.Result, _ key: String) -> Int? {
        ((status.jsonObject["queues"] as? [[String: Any]]) ?? []).first { $0["queue"] as? String == key }?["count"] as? Int
    }

    @Test func withNoSMSCommandTheLettersGoAndTheSMSWaitSayingWhatToSet() {
        let t = Self.queued()
        let (sendmail, mail) = t.recordingSendmail()
        let sent = t.run(["--json", "outbox", "send", "--sendmail", sendmail])
        #expect(sent.status == 5, "partial: the SMS wait\n\(sent)")
        #expect(sent.jsonObject["sent"] as? Int == 2 && (sent.jsonObject["waiting_for_channel"] as? [String: Int]) == ["sms": 2], "\(sent)")
        let lines = sent.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("2 SMS wait") && lines[0].contains("sms.command") && lines[0].contains("--sms-command"),
                "one line: how many wait and what to set\n\(sent.stderr)")
        // the letters, read by Python's email package
        #expect(Set(t.parsedMail(mail).map { $0["To"] ?? "" }) == ["ivanov@mail.example", "petrova@mail.example"])
        #expect(t.sql("SELECT channel, status, attempts, coalesce(claim_token, '-') FROM outbox ORDER BY id")
                    == "email|sent|1|-\nsms|waiting|0|-\nemail|sent|1|-\nsms|waiting|0|-", "the SMS never tried, never claimed")

        let status = t.run(["--json", "status"])
        #expect(status.status == 0 && Self.queue(status, "outbox_waiting_no_sms") == 2, "\(status)")
        #expect(Self.queue(status, "outbox_waiting") == 2)
        let human = t.run(["status"])
        #expect(human.stdout.contains("SMS waiting: no SMS command (sms.command)"), "\(human.stdout)")

        let (sms, texts) = Self.recordingSMS(t)
        let configured = t.run(["--json", "status"], env: ["MYGAZ_SMS_COMMAND": sms])
        #expect(configured.status == 0 && Self.queue(configured, "outbox_waiting_no_sms") == nil, "set up now: no such queue\n\(configured)")
        let rest = t.run(["--json", "outbox", "send", "--sendmail", sendmail], env: ["MYGAZ_SMS_COMMAND": sms])
        #expect(rest.status == 0 && rest.jsonObject["sent"] as? Int == 2 && rest.stderr.isEmpty, "\(rest)")
        #expect(Set(Self.files(texts).map { $0.split(separator: "\n").first.map(String.init) ?? "" }) == ["+79115550011", "+79115550022"])
        #expect(t.parsedMail(mail).count == 2, "no letter twice")
    }

    @Test func withAMailProgramThatCannotRunTheSMSGoAndTheLettersWait() {
        let t = Self.queued()
        let (sms, texts) = Self.recordingSMS(t)
        let missing = t.dir + "/no-such/sendmail"
        let sent = t.run(["--json", "outbox", "send", "--sendmail", missing + " -i -t", "--sms-command", sms])
        #expect(sent.status == 5, "\(sent)")
        #expect(sent.jsonObject["sent"] as? Int == 2 && (sent.jsonObject["waiting_for_channel"] as? [String: Int]) == ["email": 2], "\(sent)")
        let lines = sent.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains("2 messages by e-mail wait") && lines[0].contains(missing)
                    && lines[0].contains("mail.sendmail"), "\(sent.stderr)")
        #expect(Self.files(texts).count == 2)
        #expect(t.sql("SELECT channel, status, attempts, coalesce(claim_token, '-'), coalesce(delivery_pid, 0) FROM outbox ORDER BY id")
                    == "email|waiting|0|-|0\nsms|sent|1|-|0\nemail|waiting|0|-|0\nsms|sent|1|-|0", "the letters as they were")

        let status = t.run(["--json", "status"], env: ["MYGAZ_SENDMAIL": missing, "MYGAZ_SMS_COMMAND": sms])
        #expect(Self.queue(status, "outbox_waiting_no_email") == 2 && Self.queue(status, "outbox_waiting_no_sms") == nil, "\(status)")

        let russian = t.run(["--lang", "ru", "outbox", "send", "--sendmail", missing, "--sms-command", sms])
        #expect(russian.status == 5 && russian.stderr.contains("ждут отправки (эл. почта): 2"), "\(russian)")
        #expect(Self.files(texts).count == 2, "no SMS twice")
    }
}
