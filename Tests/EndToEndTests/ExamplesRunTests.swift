import Foundation
import Testing
import MyGazCLI

/// Every example of the command model (help and man page) is run as a person would type it,
/// against the demo database, each on its own copy, and must exit 0.
@Suite struct ExamplesRunTests {
    /// What an example presumes that the demo does not hold, done first (not part of the example).
    static let given: [String: [String]] = [
        "reading reopen": ["mygaz-admin reading reject 65717 --reason other --message 'Фото нечитаемо'"],
        "ticket extend 5": ["mygaz-admin ticket edit 5 --topic personal_data"],
    ]

    /// Examples a person runs at a terminal, with the keys they type.
    static let atTerminal: [String: [PTY.Step]] = [
        "reading review": [.expect("1/"), .send("q")],
        "ticket reply 2": [.expect("ticket 2: new → answered", seconds: 20)],
        "pin issue 70000011": [.expect("PIN")],
    ]

    /// The files the import examples name, in the RGK's dialect.
    static let files: [String: String] = [
        "ЛС_вологда.csv": "Лицевой счет;Фамилия;Имя;Отчество;Адрес\n70099001;Петров;Иван;Сергеевич;г. Вологда, ул. Мира, д. 1\n",
        "показания.csv": "РГК;Лицевой счет;Заводской номер;Дата;Показание\nvologda;70000011;15812879;10.07.2026;12640\n",
        "news.txt": "Плановые работы на газопроводе 10 декабря: газ будет отключен с 9 до 17 часов.\n",
        // a year of the production calendar in xmlcalendar's own shape (its holidays list and h attributes skipped)
        "calendar-2027.xml": """
            <?xml version="1.0" encoding="UTF-8"?>
            <calendar year="2027" lang="ru" date="2026.09.02" country="ru">
                <holidays>
                    <holiday id="1" title="Новогодние каникулы"/>
                </holidays>
                <days>
            """ + "\n" + ["01.01", "01.02", "01.03", "01.04", "01.05", "01.06", "01.07", "01.08", "02.23", "03.08", "05.01", "05.09", "06.12", "11.04"]
                .map { "        <day d=\"\($0)\" t=\"1\" h=\"1\"/>\n" }.joined() + """
                    <day d="02.20" t="2"/>
                    <day d="02.22" t="1" f="02.20"/>
                    <day d="04.30" t="2"/>
                    <day d="05.03" t="1" f="05.01"/>
                    <day d="05.10" t="1" f="05.09"/>
                    <day d="06.11" t="2"/>
                    <day d="06.14" t="1" f="06.12"/>
                    <day d="11.03" t="2"/>
                    <day d="11.05" t="1" f="01.02"/>
                    <day d="12.31" t="1" f="01.03"/>
                </days>
            </calendar>
            """,
    ]

    static let examples: [(path: String, command: String, opensItself: Bool)] = {
        var found: [(String, String, Bool)] = []
        func walk(_ command: CommandSpec, _ path: String) {
            for example in command.examples { found.append((path, example.command, command.access == .opensItself)) }
            for sub in command.subcommands { walk(sub, path.isEmpty ? sub.name : path + " " + sub.name) }
        }
        walk(CommandTree.root, "")
        return found
    }()

    /// The demo every example starts from, made once (kept alive: its directory goes with it).
    nonisolated(unsafe) static let demo: E2E = {
        let t = E2E()
        t.demo(accounts: 5000)
        return t
    }()

    /// Examples of what is a SQLite file's alone, run in the SQLite half only (on a server,
    /// `db backup` says to use pg_dump: FoundationE2ETests and PostgreSQLAddressE2ETests).
    static let sqliteFileOnly = ["mygaz-admin db backup "]

    static func runsOnThisEngine(_ command: String) -> Bool {
        TestEngine.default == .sqlite || !sqliteFileOnly.contains { command.hasPrefix($0) }
    }

    /// An example that makes a group, which only root may do: CI runs as root; elsewhere the
    /// test is skipped, and the log says so.
    static func makesAGroup(_ command: String) -> Bool { command.contains("--group ") }

    @Test func thereAreExamplesEverywhereTheyMatter() {
        #expect(Self.examples.count >= 40)
        #expect(Self.examples.contains { Self.makesAGroup($0.command) }, "init --group has its example")
        for key in Self.given.keys { #expect(Self.examples.contains { $0.command.contains(key) }, "no example for \(key)") }
        for key in Self.atTerminal.keys { #expect(Self.examples.contains { $0.command.contains(key) }, "no example for \(key)") }
    }

    @Test(arguments: examples.map(\.command).filter { !makesAGroup($0) && runsOnThisEngine($0) })
    func everyExampleRuns(_ command: String) throws {
        try Self.run(command)
    }

    @Test(.enabled(if: geteuid() == 0, "making a group needs root"), arguments: examples.map(\.command).filter(makesAGroup))
    func everyExampleThatMakesAGroupRuns(_ command: String) throws {
        try Self.run(command)
    }

    /// Runs one example in a sandbox of its own, as a person would type it.
    static func run(_ command: String) throws {
        let example = try #require(examples.first { $0.command == command })
        // the demo's copy (its directory holds the sandbox), or an empty database for what opens itself
        let t = example.opensItself ? E2E() : E2E(copying: Self.demo)
        let root = t.dir + "/root"
        let work = t.dir + "/work"
        // absolute paths land in a sandbox; the programs they name are stand-ins
        for dir in ["bin", "srv", "backup", "tmp", "home/.config/fish/completions", "usr/sbin", "usr/local/bin",
                    "usr/share/bash-completion/completions", "usr/local/share/zsh/site-functions", "usr/local/share/man/man1"] {
            try FileManager.default.createDirectory(atPath: root + "/" + dir, withIntermediateDirectories: true)
        }
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/bin/mygaz-admin", withDestinationPath: E2E.binary)
        for (file, script) in [("bin/sudo", "[ \"$1\" = -u ] && shift 2\nexec \"$@\""), ("usr/sbin/sendmail", "cat >/dev/null"),
                               ("usr/local/bin/send-sms", "cat >/dev/null"), ("bin/editor", "printf 'Здравствуйте! Проверили: всё в порядке.\\n' > \"$1\"")] {
            try ("#!/bin/sh\n" + script + "\n").write(toFile: root + "/" + file, atomically: true, encoding: .utf8)
            _ = E2E.sh("chmod +x '\(root)/\(file)'")
        }
        for (name, content) in Self.files { try content.write(toFile: work + "/" + name, atomically: true, encoding: .utf8) }
        if makesAGroup(example.command), E2E.sh("getent group mygaz").status != 0 {
            #expect(E2E.sh("groupadd mygaz").status == 0)
        }
        let database = t.db
        func sandboxed(_ line: String) -> String {
            // marked first, then replaced once: the sandbox's own path starts with /tmp/ too
            let mark = "\u{1}"
            var line = line.replacingOccurrences(of: "~/", with: mark + "/home/").replacingOccurrences(of: "> /", with: "> " + mark + "/")
            for prefix in ["/srv/", "/backup/", "/usr/", "/tmp/"] {
                line = line.replacingOccurrences(of: " " + prefix, with: " " + mark + prefix).replacingOccurrences(of: "'" + prefix, with: "'" + mark + prefix)
            }
            return line.replacingOccurrences(of: mark, with: root)
        }
        let env = ["PATH": root + "/bin:/usr/bin:/bin", "MYGAZ_DB": database, "HOME": root + "/home", "EDITOR": root + "/bin/editor",
                   "LANG": "C.UTF-8"]
        for (key, steps) in Self.given where example.command.contains(key) {
            for step in steps {
                let r = E2E.exec("/bin/sh", ["-c", step], env: env, cwd: work)
                #expect(r.status == 0, "given \(step): \(r)")
            }
        }
        let line = sandboxed(example.command)
        if let steps = Self.atTerminal.first(where: { example.command.contains($0.key) })?.value {
            let r = E2E.terminal(["/bin/sh", "-c", line], steps, env: env, cwd: work)
            #expect(r.ok && r.exit == 0, "\(example.path): \(line)\n\(r.description)")
        } else {
            let r = E2E.exec("/bin/sh", ["-c", line], env: env, cwd: work)
            #expect(r.status == 0, "\(example.path): \(line)\n\(r)")
        }
    }
}
