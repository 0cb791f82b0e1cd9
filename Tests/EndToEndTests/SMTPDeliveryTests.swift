import Foundation
import Testing

/// Issue 40, item 2: letters through an SMTP relay, against a real server (aiosmtpd, the sink of
/// bench/smtp_sink.py): many messages in one session, with and without PIPELINING, STARTTLS with
/// a CA the test makes, smtps://, a login whose password is read from a file; each recipient's
/// reply recorded (2xx sent, 4xx later, 5xx failed for good, the reply kept escaped); a relay that
/// is down, refuses the login, presents a certificate that does not verify, ends the session
/// (421) or goes quiet after the message. On the engine of the half.
@Suite(.enabled(if: SMTPSink.available, "needs /usr/bin/python3 with aiosmtpd (python3-aiosmtpd) and openssl"))
struct SMTPDeliveryTests {
    /// `init`, an RGK with its own address, and letters to `recipients` (and an SMS), all due.
    static func queued(_ recipients: [String], sms: Bool = false, pin: String? = nil) -> E2E {
        let t = E2E()
        #expect(t.run(["init"]).status == 0)
        _ = t.sql("INSERT INTO rgk (code, name, email, created_at, updated_at) VALUES ('vologda', 'ООО «Газ»', 'abon@gaz.example', 'x', 'x')")
        for recipient in recipients {
            _ = t.sql("""
                INSERT INTO outbox (channel, recipient, subject, body, secret, rgk_id, kind, status, attempts, next_attempt_at, created_at)
                SELECT 'email', '\(recipient)', 'Ответ на обращение', 'Здравствуйте! Ваш код: {{secret}}.\n.\nС уважением', \(pin.map { "'\($0)'" } ?? "NULL"),
                       id, 'other', 'waiting', 0, '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z' FROM rgk WHERE code = 'vologda'
                """)
        }
        if sms {
            _ = t.sql("""
                INSERT INTO outbox (channel, recipient, body, rgk_id, kind, status, attempts, next_attempt_at, created_at)
                SELECT 'sms', '+79115550011', 'Текст', id, 'other', 'waiting', 0, '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z'
                FROM rgk WHERE code = 'vologda'
                """)
        }
        return t
    }

    /// A configuration file of the test's own (root's, mode 644, in a directory only root may change).
    static func config(_ t: E2E, _ lines: [String]) -> [String: String] {
        let path = t.dir + "/mygaz-admin.conf"
        try! (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        _ = E2E.sh("chmod 644 '\(path)'; chmod 755 '\(t.dir)'")
        return ["MYGAZ_CONFIG": path]
    }

    /// One sender unless told: the sessions a test counts are then one sender's.
    static func send(_ t: E2E, _ args: [String] = [], env: [String: String] = [:]) -> E2E.Result {
        t.run(["--json", "outbox", "send", "--sms-command", "cat >/dev/null"] + (args.contains("--parallel") ? [] : ["--parallel", "1"]) + args, env: env)
    }

    @Test func manyLettersGoInOneSessionTheirCodesInThemAndOutOfTheDatabase() {
        let recipients = (1...12).map { "client\($0)@mail.example" }
        for pipelining in [true, false] {
            let t = Self.queued(recipients, sms: true, pin: "482916")
            let sink = SMTPSink(t, pipelining ? ["--pipelining"] : [])
            let sent = Self.send(t, ["--smtp", sink.url()])
            #expect(sent.status == 0 && sent.jsonObject["sent"] as? Int == 13, "pipelining \(pipelining): \(sent)")
            #expect(sink.connections == 1, "one session for all twelve (pipelining \(pipelining))")
            let letters = sink.letters()
            #expect(letters.map { $0["To"] ?? "" } == recipients, "each once, in order")
            for letter in letters {
                #expect(letter["envelope_from"] == "abon@gaz.example" && letter["envelope_to"] == letter["To"])
                #expect(letter["From"] == "ООО «Газ» <abon@gaz.example>" && letter["Subject"] == "Ответ на обращение")
                // the code filled in, a line of a single dot kept
                #expect((letter["body"] ?? "").split(whereSeparator: \.isNewline) == ["Здравствуйте! Ваш код: 482916.", ".", "С уважением"],
                        "\(letter["body"] ?? "")")
                #expect(letter["defects"] == "0" && letter["Bcc"] == "None")
            }
            #expect(t.sql("SELECT count(*) FROM outbox WHERE status = 'sent' AND secret IS NULL AND delivery_pid IS NULL AND claim_token IS NULL") == "13")
            let again = Self.send(t, ["--smtp", sink.url()])
            #expect(again.status == 0 && again.jsonObject["sent"] as? Int == 0 && sink.letters().count == 12, "nothing twice")
        }
    }

    @Test func startTLSWithTheTestsCAAndALoginWhosePasswordIsAFile() {
        let t = Self.queued(["ivanov@mail.example", "petrova@mail.example"], sms: true)
        let ca = TestCA.make(in: t.dir)
        let sink = SMTPSink(t, ["--pipelining", "--starttls", ca.cert, ca.key, "--login", "abonent:s3cret pass"])
        let password = t.dir + "/relay.password"
        try! "s3cret pass\n".write(toFile: password, atomically: true, encoding: .utf8)
        _ = E2E.sh("chmod 600 '\(password)'")
        let env = Self.config(t, ["mail.smtp = " + sink.url("localhost"), "mail.smtp_user = abonent",
                                  "mail.smtp_password_file = " + password, "mail.smtp_ca_file = " + ca.caFile])
        // a password file others may read: the letters wait, saying what to run; the SMS go
        _ = E2E.sh("chmod 644 '\(password)'")
        let open = Self.send(t, env: env)
        #expect(open.status == 5 && (open.jsonObject["waiting_for_channel"] as? [String: Int]) == ["email": 2], "\(open)")
        #expect(open.stderr.contains("chmod go-w,o-rwx \(password)") && open.jsonObject["sent"] as? Int == 1, "\(open.stderr)")
        #expect(sink.connections == 0)
        _ = E2E.sh("chmod 600 '\(password)'")

        let sent = Self.send(t, env: env)
        #expect(sent.status == 0 && sent.jsonObject["sent"] as? Int == 2, "\(sent)")
        let letters = sink.letters()
        #expect(letters.count == 2 && letters.allSatisfy { $0["tls"] == "True" && $0["login"] == "abonent" }, "\(letters)")
        #expect(!sent.stdout.contains("s3cret") && !sent.stderr.contains("s3cret"))
        #expect(t.sql("SELECT count(*) FROM setting") == "0", "nothing of the relay in the database")

        // the same relay without the CA: the system's store does not know it
        _ = t.sql("UPDATE outbox SET status = 'waiting', attempts = 0 WHERE channel = 'email'")
        let unknownCA = Self.config(t, ["mail.smtp = " + sink.url("localhost"), "mail.smtp_user = abonent", "mail.smtp_password_file = " + password])
        let refused = Self.send(t, env: unknownCA)
        #expect(refused.status == 5 && refused.stderr.contains("certificate does not verify"), "\(refused)")
        #expect(refused.stderr.split(separator: "\n").count == 1 && refused.stderr.contains("2 e-mails wait"), "\(refused.stderr)")
        // its address instead of the name its certificate carries
        let wrongName = Self.config(t, ["mail.smtp = " + sink.url("127.0.0.1"), "mail.smtp_user = abonent",
                                        "mail.smtp_password_file = " + password, "mail.smtp_ca_file = " + ca.caFile])
        let mismatch = Self.send(t, env: wrongName)
        #expect(mismatch.status == 5 && mismatch.stderr.contains("certificate does not verify") && mismatch.stderr.contains("mismatch"), "\(mismatch)")
        // a wrong password: the server's refusal, and the letters wait untried
        try! "wrong\n".write(toFile: password, atomically: true, encoding: .utf8)
        _ = E2E.sh("chmod 600 '\(password)'")
        let login = Self.send(t, env: Self.config(t, ["mail.smtp = " + sink.url("localhost"), "mail.smtp_user = abonent",
                                                      "mail.smtp_password_file = " + password, "mail.smtp_ca_file = " + ca.caFile]))
        #expect(login.status == 5 && login.stderr.contains("refused the login of abonent") && login.stderr.contains("535"), "\(login)")
        #expect(t.sql("SELECT status || ' ' || attempts FROM outbox WHERE channel = 'email' ORDER BY id") == "waiting 0\nwaiting 0")
        #expect(sink.letters().count == 2, "nothing more was taken")
    }

    @Test func implicitTLSOnSmtps() {
        let t = Self.queued(["ivanov@mail.example"])
        let ca = TestCA.make(in: t.dir)
        let sink = SMTPSink(t, ["--implicit", ca.cert, ca.key])
        let env = Self.config(t, ["mail.smtp_ca_file = " + ca.caFile])
        let sent = Self.send(t, ["--smtp", sink.url("localhost", scheme: "smtps")], env: env)
        #expect(sent.status == 0 && sent.jsonObject["sent"] as? Int == 1, "\(sent)")
        #expect(sink.letters().first?["tls"] == "True")
    }

    @Test func eachRecipientsReplyDecidesItsLetterAndTheReplyIsKeptEscaped() {
        let t = Self.queued(["temp1@mail.example", "perm1@mail.example", "ok1@mail.example", "dataperm1@mail.example",
                             "close1@mail.example", "ok2@mail.example"])
        let sink = SMTPSink(t, ["--pipelining"])
        let sent = Self.send(t, ["--smtp", sink.url()])
        #expect(sent.status == 5, "some failed or wait: \(sent)")
        #expect(sent.jsonObject["sent"] as? Int == 2 && sent.jsonObject["retrying"] as? Int == 2 && sent.jsonObject["failed"] as? Int == 2, "\(sent)")
        let rows = t.sql("SELECT recipient || '|' || status || '|' || attempts || '|' || coalesce(last_error, '') FROM outbox ORDER BY id")
            .split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.map { $0[1] } == ["waiting", "failed", "sent", "failed", "waiting", "sent"], "\(rows)")
        #expect(rows[0][3].contains("450 4.2.1"), "4xx: tried again later, the reply kept: \(rows[0])")
        #expect(rows[1][3].contains("550 5.1.1 no such user \\u001B[31mred") && !rows[1][3].contains("\u{1B}"), "escaped: \(rows[1])")
        #expect(rows[3][3].contains("554 5.6.0"), "\(rows[3])")
        #expect(rows[4][3].contains("421 4.3.2"), "\(rows[4])")
        #expect(sink.connections == 2, "a new session after the relay closed one")
        #expect(sink.letters().map { $0["To"] ?? "" } == ["ok1@mail.example", "ok2@mail.example"])
        let shown = t.run(["outbox", "show", t.sql("SELECT id FROM outbox WHERE recipient = 'perm1@mail.example'")])
        #expect(shown.stdout.contains("\\u001B[31mred") && !shown.stdout.contains("\u{1B}"), "\(shown.stdout)")
    }

    @Test func aRelayThatGoesQuietAfterTheMessageLeavesItInDoubtNotSentTwice() {
        let t = Self.queued(["hang1@mail.example", "ok1@mail.example"])
        let sink = SMTPSink(t, ["--pipelining"])
        let sent = Self.send(t, ["--smtp", sink.url(), "--timeout", "2"])
        #expect(sent.status == 5 && sent.jsonObject["in_doubt"] as? Int == 1 && sent.jsonObject["sent"] as? Int == 1, "\(sent)")
        #expect(t.sql("SELECT status || ' ' || last_error FROM outbox WHERE recipient = 'hang1@mail.example'")
                    .hasPrefix("failed no answer after the message"), "in doubt, failed until a person says")
        #expect(t.sql("SELECT count(*) FROM audit WHERE action = 'outbox.in-doubt'") == "1")
        let again = Self.send(t, ["--smtp", sink.url(), "--timeout", "2"])
        #expect(again.status == 0 && again.jsonObject["sent"] as? Int == 0)
        #expect(sink.recipientsAsked.filter { $0 == "hang1@mail.example" }.count == 1, "not given again by itself")
    }

    @Test func aRelayThatIsDownOrRefusesUsHoldsTheLettersNotTheSMS() {
        let t = Self.queued(["ivanov@mail.example", "petrova@mail.example"], sms: true)
        // a port nothing listens on
        let down = Self.send(t, ["--smtp", "smtp://127.0.0.1:1", "--timeout", "3"])
        #expect(down.status == 5 && down.jsonObject["sent"] as? Int == 1, "the SMS went: \(down)")
        #expect(down.stderr.contains("2 e-mails wait, none counted as tried: the relay smtp://127.0.0.1:1: cannot connect"), "\(down.stderr)")
        #expect(t.sql("SELECT status || ' ' || attempts FROM outbox WHERE channel = 'email' ORDER BY id") == "waiting 0\nwaiting 0")
        // a relay that greets with 554
        let sink = SMTPSink(t, ["--greeting", "554"])
        let refused = Self.send(t, ["--smtp", sink.url()])
        #expect(refused.status == 5 && refused.stderr.contains("greeted with «554"), "\(refused)")
        // an address that is no relay's: the letters wait, naming the setting
        let bad = Self.send(t, ["--smtp", "http://relay.example"])
        #expect(bad.status == 5 && bad.stderr.contains("mail.smtp «http://relay.example» is not a relay's address"), "\(bad)")
        let login = Self.send(t, ["--smtp", "smtp://user:pw@relay.example:587"])
        #expect(login.status == 5 && login.stderr.contains("holds a login") && !login.stderr.contains("pw@"), "\(login)")
        #expect(t.sql("SELECT status || ' ' || attempts FROM outbox WHERE channel = 'email' ORDER BY id") == "waiting 0\nwaiting 0")
    }

    /// `mail.sendmail` ending in `-bs`: the local MTA's SMTP on its stdin and stdout, the same
    /// client, one MTA process for the run's letters (bench/smtp_pipe.py carries its pipes to the
    /// sink, which speaks and keeps the letters; each MTA started writes its pid).
    @Test func aLocalMTAInSendmailBsModeTakesTheRunsLettersInOneSession() {
        let recipients = (1...6).map { "client\($0)@mail.example" } + ["perm1@mail.example", "ok9@mail.example"]
        let t = Self.queued(recipients, sms: true, pin: "482916")
        let sink = SMTPSink(t, ["--pipelining"])
        let pids = t.dir + "/mta.pids"
        let mta = "\(SMTPSink.python) \(repositoryRoot)/bench/smtp_pipe.py \(sink.port) \(pids) -bs"
        let sent = Self.send(t, ["--sendmail", mta])
        #expect(sent.status == 5 && sent.jsonObject["sent"] as? Int == 8 && sent.jsonObject["failed"] as? Int == 1, "\(sent)")
        let started = ((try? String(contentsOfFile: pids, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(started.count == 1 && sink.connections == 1, "one MTA, one session for the run: \(started)")
        let letters = sink.letters()
        #expect(letters.map { $0["To"] ?? "" } == recipients.filter { $0 != "perm1@mail.example" }, "each once, in order")
        #expect(letters.allSatisfy { ($0["body"] ?? "").contains("Ваш код: 482916.") && $0["envelope_from"] == "abon@gaz.example" && $0["defects"] == "0" })
        let refused = t.sql("SELECT status || '|' || last_error FROM outbox WHERE recipient = 'perm1@mail.example'")
        #expect(refused.hasPrefix("failed|") && refused.contains("550 5.1.1") && !refused.contains("\u{1B}"), "the MTA's reply decides, kept escaped: \(refused)")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE secret IS NOT NULL OR delivery_pid IS NOT NULL OR claim_token IS NOT NULL") == "0")
        // an MTA that cannot be started: the letters wait, the run says which program
        _ = t.sql("UPDATE outbox SET status = 'waiting', attempts = 0, sent_at = NULL WHERE channel = 'email'")
        let missing = Self.send(t, ["--sendmail", "/nonexistent/sendmail -bs"])
        #expect(missing.status == 5 && missing.stderr.contains("/nonexistent/sendmail"), "\(missing)")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE channel = 'email' AND status = 'waiting' AND attempts = 0") == "8")
    }

    @Test func aHostileAddressNeverReachesRCPT() {
        let t = Self.queued(["ivanov@mail.example"])
        // written straight into the table, past every check a command makes
        _ = t.sql("""
            INSERT INTO outbox (channel, recipient, subject, body, kind, status, attempts, next_attempt_at, created_at)
            VALUES ('email', \(Hostile.sql("a@b.ru\r\nRCPT TO:<evil@x.example>")), 'S', 'B', 'other', 'waiting', 0,
                    '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z'),
                   ('email', '<evil@x.example>', 'S', 'B', 'other', 'waiting', 0, '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z')
            """)
        _ = t.sql("INSERT INTO setting (key, value, updated_at, updated_by) VALUES ('mail.support_from', 'help@moigaz.example', 'x', 'x')")
        let sink = SMTPSink(t, ["--pipelining"])
        let sent = Self.send(t, ["--smtp", sink.url()])
        #expect(sent.jsonObject["sent"] as? Int == 1 && sent.jsonObject["failed"] as? Int == 2, "\(sent)")
        #expect(sink.recipientsAsked == ["ivanov@mail.example"], "only the good address was asked: \(sink.recipientsAsked)")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE status = 'failed' AND last_error LIKE 'invalid recipient%'") == "2")
    }
}
