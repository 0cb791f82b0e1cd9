import Foundation
import Testing

/// Issue 35, item 5: the programs mygaz-admin runs come from an option, the environment or a
/// configuration file nobody else may change — never from the shared database, which every
/// clerk can write with sqlite3 — and a delivery program never gets its recipient in argv.
@Suite struct ProgramsToRunTests {
    /// `etc/mygaz-admin.conf` under the test's directory, as root would keep /etc/mygaz-admin.conf.
    static func configFile(_ t: E2E, _ text: String, mode: String = "644", directoryMode: String = "755") -> String {
        let directory = t.dir + "/etc"
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = directory + "/mygaz-admin.conf"
        try! text.write(toFile: path, atomically: false, encoding: .utf8)
        _ = E2E.sh("chmod \(mode) '\(path)' && chmod \(directoryMode) '\(directory)'")
        return path
    }

    /// A message of each channel waiting, written straight into the queue.
    static func queueOneOfEach(_ t: E2E) {
        _ = t.sql("""
            INSERT INTO outbox (channel, recipient, subject, body, kind, status, next_attempt_at, created_at) VALUES
              ('email', 'good@mail.ru', 'Тема', 'Текст', 'other', 'waiting', '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z'),
              ('sms', '+79001234567', NULL, 'Текст SMS', 'other', 'waiting', '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z')
            """)
    }

    @Test func aCommandPlantedInTheDatabaseIsNeverRun() throws {
        let t = E2E()
        t.demo(accounts: 150, date: "2026-11-20")
        let (number, rgk) = BillsE2ETests.debtor(t)
        // what any member of the database's group can do with sqlite3, forging the admin's name
        let planted = t.dir + "/planted"
        _ = t.sql("""
            INSERT INTO setting (key, value, updated_at, updated_by) VALUES
              ('print.command', 'cat >/dev/null; echo print >> \(planted)', '2026-11-20T00:00:00Z', 'root'),
              ('mail.sendmail', 'cat >/dev/null; echo mail >> \(planted)', '2026-11-20T00:00:00Z', 'root'),
              ('sms.command', 'cat >/dev/null; echo sms >> \(planted)', '2026-11-20T00:00:00Z', 'root')
            """)
        let (sendmail, mailDir) = t.recordingSendmail()
        let (sms, smsDir) = t.recordingSMS()
        let printed = t.dir + "/printed.pdf"
        let config = Self.configFile(t, """
            # the programs mygaz-admin runs
            print.command = cat > '\(printed)'
            mail.sendmail = \(sendmail)
            sms.command = \(sms)
            """)
        let env = ["MYGAZ_CONFIG": config]

        let print = t.run(["account", "bill", number, "--rgk", rgk, "--print"], env: env)
        #expect(print.status == 0, "\(print)")
        #expect(BillsE2ETests.read(printed, in: t).text.contains("Лицевой счет № \(number)"), "printed by the file's command")

        Self.queueOneOfEach(t)
        let sent = t.run(["outbox", "send", "--limit", "0", "--json"], env: env)
        #expect(sent.status == 0 && sent.jsonObject["sent"] as? Int ?? 0 >= 2, "\(sent)")
        #expect(t.parsedMail(mailDir).contains { $0["To"] == "good@mail.ru" })
        #expect(t.sentSMS(smsDir).contains { $0.number == "+79001234567" && $0.text.contains("Текст SMS") })
        #expect(!FileManager.default.fileExists(atPath: planted), "nothing planted in the database ran: \((try? String(contentsOfFile: planted, encoding: .utf8)) ?? "")")

        // where each value comes from; the rows left in the database said to be ignored
        let list = t.run(["config", "list", "--json"], env: env)
        #expect(list.status == 0, "\(list)")
        let print2 = try #require(list.jsonArray.first { $0["key"] as? String == "print.command" })
        #expect(print2["source"] as? String == "file" && print2["source_name"] as? String == config && print2["value"] as? String == "cat > '\(printed)'")
        #expect(list.jsonArray.first { $0["key"] as? String == "ticket.answer_days" }?["source"] as? String == "default")
        #expect(list.stderr.contains("print.command") && list.stderr.contains("ignored") && list.stderr.split(separator: "\n").count == 3, "\(list.stderr)")
        let human = t.run(["config", "list"], env: env.merging(["MYGAZ_SMS_COMMAND": sms]) { $1 })
        #expect(human.stdout.contains("file \(config)") && human.stdout.contains("environment MYGAZ_SMS_COMMAND"), "\(human.stdout)")

        // an admin cannot put one there either; without a value the leftover row goes
        let set = t.run(["config", "set", "print.command", "id"], env: env)
        #expect(set.status == 2 && set.stderr.contains(config) && set.stderr.contains("MYGAZ_PRINT_COMMAND") && set.stderr.split(separator: "\n").count == 1,
                "\(set)")
        #expect(t.sql("SELECT value FROM setting WHERE key = 'print.command'").hasPrefix("cat >/dev/null; echo print"))
        #expect(t.run(["config", "set", "print.command"], env: env).status == 0)
        #expect(t.sql("SELECT count(*) FROM setting WHERE key = 'print.command'") == "0")
        #expect(t.sql("SELECT count(*) FROM audit WHERE action = 'config.set' AND entity_id = 'print.command'") == "1")

        // the environment wins over the file
        let fromEnvironment = t.dir + "/env.pdf"
        #expect(t.run(["account", "bill", number, "--rgk", rgk, "--print"], env: env.merging(["MYGAZ_PRINT_COMMAND": "cat > '\(fromEnvironment)'"]) { $1 }).status == 0)
        #expect(FileManager.default.fileExists(atPath: fromEnvironment))
    }

    @Test func aConfigurationFileOthersCouldChangeIsRefused() throws {
        let t = E2E()
        t.demo(accounts: 150, date: "2026-11-20")
        let (number, rgk) = BillsE2ETests.debtor(t)
        let printed = t.dir + "/printed.pdf"
        let line = "print.command = cat > '\(printed)'\n"
        for (mode, directoryMode, named) in [("664", "755", "chmod go-w"), ("646", "755", "chmod go-w"), ("644", "775", "/etc"), ("644", "777", "/etc")] {
            let config = Self.configFile(t, line, mode: mode, directoryMode: directoryMode)
            for args in [["account", "bill", number, "--rgk", rgk, "--print"], ["config", "list"], ["outbox", "send"]] {
                let r = t.run(args, env: ["MYGAZ_CONFIG": config])
                #expect(r.status == 7 && r.stderr.contains(named) && r.stderr.split(separator: "\n").count == 1,
                        "\(args) with the file \(mode) in a directory \(directoryMode): \(r)")
            }
            #expect(!FileManager.default.fileExists(atPath: printed), "nothing printed through a file others could change")
        }
        // a link to a good file is not followed
        let good = Self.configFile(t, line)
        let link = t.dir + "/link.conf"
        _ = E2E.sh("ln -s '\(good)' '\(link)'")
        let linked = t.run(["account", "bill", number, "--rgk", rgk, "--print"], env: ["MYGAZ_CONFIG": link])
        #expect(linked.status == 7 && linked.stderr.contains("not a regular file"), "\(linked)")
        // a line that is not a program's key = value is named, with its number
        let unknown = Self.configFile(t, "\(line)mail.from = abon@x.example\n")
        let bad = t.run(["account", "bill", number, "--rgk", rgk, "--print"], env: ["MYGAZ_CONFIG": unknown])
        #expect(bad.status == 6 && bad.stderr.contains(unknown + ":2:") && bad.stderr.contains("mail.from"), "\(bad)")
        #expect(!FileManager.default.fileExists(atPath: printed))
        // the same file, kept as it should be, is read
        let fine = Self.configFile(t, line)
        #expect(t.run(["account", "bill", number, "--rgk", rgk, "--print"], env: ["MYGAZ_CONFIG": fine]).status == 0)
        #expect(FileManager.default.fileExists(atPath: printed))
    }

    /// `ps` shows every process's arguments to every local user: the recipient is in the
    /// delivery program's environment (and for e-mail in the To: header), never in its argv or its shell's.
    @Test func theRecipientIsNeverInTheArgumentsOfADeliveryProgram() throws {
        let t = E2E()
        t.demo(accounts: 100)
        Self.queueOneOfEach(t)
        let seen = t.dir + "/seen"
        try FileManager.default.createDirectory(atPath: seen, withIntermediateDirectories: true)
        let program = t.dir + "/deliver"
        try """
            #!/bin/sh
            f=$(mktemp '\(seen)/run.XXXXXX')
            { printf 'argv:'; printf ' %s' "$0" "$@"; printf '\\nshell:'; tr '\\0' ' ' < /proc/$PPID/cmdline
              printf '\\nrecipient:%s\\ninput:' "$MYGAZ_RECIPIENT"; cat; } > "$f"
            """.write(toFile: program, atomically: true, encoding: .utf8)
        _ = E2E.sh("chmod +x '\(program)'")
        let sent = t.run(["outbox", "send", "--sendmail", program + " -i -t", "--sms-command", program, "--limit", "0", "--json"])
        #expect(sent.status == 0, "\(sent)")
        let runs = try FileManager.default.contentsOfDirectory(atPath: seen).map { try String(contentsOfFile: seen + "/" + $0, encoding: .utf8) }
        #expect(runs.count >= 2, "\(runs)")
        for (recipient, marker) in [("good@mail.ru", "To: good@mail.ru"), ("+79001234567", "Текст SMS")] {
            let run = try #require(runs.first { $0.contains("recipient:\(recipient)\n") }, "\(recipient): \(runs)")
            let lines = run.split(separator: "\n", maxSplits: 3).map(String.init)
            #expect(lines[0].hasPrefix("argv: " + program) && !lines[0].contains(recipient), "\(lines[0])")
            #expect(lines[1].hasPrefix("shell:") && lines[1].contains("sh") && !lines[1].contains(recipient), "\(lines[1])")
            #expect(lines[3].contains(marker), "the message on stdin: \(lines[3])")
        }
    }
}
