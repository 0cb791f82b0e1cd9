import Foundation
import Testing

/// The repository's root, where completions/ and man/ are committed.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

/// A shell, found where Debian installs it; .ci/run installs the missing ones.
func shell(_ name: String) -> String? {
    ["/usr/bin/\(name)", "/bin/\(name)"].first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// The environment the shells run in: the built binary first on PATH, so that the scripts'
/// `command mygaz-admin __complete` reaches it.
let completionEnvironment = ["PATH": URL(fileURLWithPath: E2E.binary).deletingLastPathComponent().path + ":/usr/bin:/bin"]

extension E2E {
    /// A database with known live values: two RGKs, accounts, pending readings, users.
    func completionFixture() {
        demo(accounts: 300)
    }
}

@Suite struct GeneratedFilesTests {
    @Test(arguments: [("bash", "completions/mygaz-admin.bash"), ("zsh", "completions/_mygaz-admin"),
                      ("fish", "completions/mygaz-admin.fish"), ("man", "man/mygaz-admin.1")])
    func committedFilesAreWhatTheProgramGenerates(_ what: String, _ file: String) throws {
        let t = E2E()
        let r = t.run(["completion", what], useDB: false)
        #expect(r.status == 0, "\(r.stderr)")
        let committed = try String(contentsOfFile: repositoryRoot + "/" + file, encoding: .utf8)
        #expect(r.stdout == committed, "\(file) drifted from the command model: run `mygaz-admin completion \(what) > \(file)`")
    }

    @Test func theManualLintsClean() throws {
        let groff = try #require(shell("groff"), "groff is needed (Debian groff-base; .ci/run installs it)")
        for device in [[], ["-Tutf8"]] {
            let r = E2E.exec(groff, ["-man", "-ww", "-z"] + device + [repositoryRoot + "/man/mygaz-admin.1"])
            #expect(r.status == 0 && r.stderr.isEmpty, "groff \(device): \(r.stderr)")
        }
    }

    @Test func theManualCoversEveryCommandAndTheRequiredSections() throws {
        let page = try String(contentsOfFile: repositoryRoot + "/man/mygaz-admin.1", encoding: .utf8)
        for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "GLOBAL OPTIONS", "COMMANDS", "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES", "SEE ALSO"] {
            #expect(page.contains(".SH \(section)\n") || page.contains(".SH \"\(section)\"\n"), "no section \(section)")
        }
        for variable in ["MYGAZ_DB", "MYGAZ_SENDMAIL", "MYGAZ_SMS_COMMAND", "LANG", "NO_COLOR", "EDITOR"] {
            #expect(page.contains(variable), "ENVIRONMENT lacks \(variable)")
        }
        // every action of every group, as its synopsis line
        let help = E2E().run(["--help"], useDB: false).stdout
        let groups = help.components(separatedBy: "Command groups:\n")[1].components(separatedBy: "\n\n")[0]
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces).split(separator: " ")[0] }
        #expect(groups.count >= 15)
        for group in groups {
            let actions = E2E().run([String(group), "--help"], useDB: false).stdout
            guard let list = actions.components(separatedBy: "Actions:\n").dropFirst().first else {
                #expect(page.contains(".B mygaz\\-admin \(group)"), "\(group)")
                continue
            }
            // a long summary wraps onto lines indented deeper than the actions
            for line in list.components(separatedBy: "\n\n")[0].split(separator: "\n") where !line.hasPrefix("   ") {
                let action = line.trimmingCharacters(in: .whitespaces).split(separator: " ")[0]
                #expect(page.contains(".B mygaz\\-admin \(group) \(action.replacingOccurrences(of: "-", with: "\\-"))"), "\(group) \(action)")
            }
        }
        for example in ["reading accept \\-", "pin issue", "import accounts", "reading list"] {
            #expect(page.contains(example), "EXAMPLES lack \(example)")
        }
    }

    @Test func helpTopicsAreListedAndShown() {
        let t = E2E()
        let help = t.run(["help"], useDB: false)
        #expect(help.status == 0)
        for topic in ["exit-codes", "formats", "statuses", "environment", "import-formats"] {
            #expect(help.stdout.contains("\n  \(topic) "), "help lists \(topic)")
            let r = t.run(["help", topic], useDB: false)
            #expect(r.status == 0 && r.stdout.count > 200, "\(topic): \(r)")
            let ru = t.run(["--lang", "ru", "help", topic], useDB: false)
            #expect(ru.status == 0 && ru.stdout != r.stdout, "\(topic) in Russian")
        }
        #expect(t.run(["help", "statuses"], useDB: false).stdout.contains("needs_info  Needs information — «Требует уточнения»"))
        let formats = t.run(["help", "import-formats"], useDB: false).lines
        #expect(formats.contains { $0.hasPrefix("  closing ") && $0.contains("сальдо_кон") }, "columns with their Russian aliases")
        for (kind, column, alias) in [("benefits", "benefit *", "льгота"), ("consumption", "norm_m3", "норматив"), ("equipment", "kind *", "вид оборудования")] {
            #expect(formats.contains { $0.hasPrefix(kind + " — ") }, "the «Абонент» kind \(kind) is listed")
            #expect(formats.contains { $0.hasPrefix("  " + column) && $0.contains(alias) }, "\(kind): \(column)")
        }
        let typo = t.run(["help", "import-format"], useDB: false)
        #expect(typo.status == 2 && typo.stderr.contains("did you mean 'import-formats'"), "\(typo)")
    }
}

@Suite struct LiveCompletionTests {
    @Test func valuesWithDescriptionsFromTheDatabase() throws {
        let t = E2E()
        t.completionFixture()
        let rgk = t.run("__complete", "rgk")
        #expect(rgk.status == 0 && rgk.stderr.isEmpty)
        #expect(rgk.lines.map { $0.split(separator: "\t")[0] } == ["kostroma", "vologda", "yaroslavl"])
        #expect(rgk.lines.allSatisfy { $0.split(separator: "\t").count == 2 }, "value<TAB>description")
        let pending = t.run("__complete", "pending-reading")
        let queue = t.run("reading", "list", "--limit", "0", "--json").jsonArray.map { String($0["id"] as? Int ?? 0) }
        #expect(pending.lines.map { String($0.split(separator: "\t")[0]) } == Array(queue.prefix(200)), "the queue, in its order")
        let prefix = try #require(queue.first).prefix(2)
        let narrowed = t.run("__complete", "pending-reading", String(prefix))
        #expect(!narrowed.lines.isEmpty && narrowed.lines.allSatisfy { $0.hasPrefix(prefix) })
        let accounts = t.run("__complete", "account")
        #expect(accounts.lines.count == 200, "at most 200 candidates")
        let some = t.run("__complete", "account", "7000001")
        #expect(!some.lines.isEmpty && some.lines.allSatisfy { $0.hasPrefix("7000001") }, "\(some.stdout)")
        #expect(t.run("__complete", "pending-reading", "x'").lines.isEmpty, "ids are numbers")
        #expect(t.run("__complete", "operator").lines.contains { $0.hasPrefix(NSUserName() + "\tadmin") })
    }

    @Test func quietAndEmptyWhenThereIsNothingToAsk() throws {
        let t = E2E()
        for args in [["__complete", "rgk"], ["__complete", "nonsense"], ["__complete"]] {
            let none = t.run(args)     // no database (a file not there, a server's database with no schema)
            #expect(none.status == 0 && none.stdout.isEmpty && none.stderr.isEmpty, "\(args): \(none)")
        }
        // a database of an older schema
        t.completionFixture()
        #expect(t.run("__complete", "rgk").lines.count == 3)
        _ = t.sql(t.engine == .sqlite ? "PRAGMA user_version = 0" : "UPDATE schema_version SET version = 0")
        let old = t.run("__complete", "rgk")
        #expect(old.status == 0 && old.stdout.isEmpty && old.stderr.isEmpty, "\(old)")
    }

    @Test(.sqliteOnly("a file that is not a database")) func quietForAFileThatIsNotOurs() throws {
        let t = E2E()
        _ = FileManager.default.createFile(atPath: t.db, contents: Data("not a database".utf8))
        let garbage = t.run("__complete", "rgk")
        #expect(garbage.status == 0 && garbage.stdout.isEmpty && garbage.stderr.isEmpty, "\(garbage)")
    }

    @Test(.enabled(if: TestLogins.available)) func nothingForALoginThatIsNotAnOperator() throws {
        let t = E2E()
        t.completionFixture()
        _ = E2E.sh("chmod 777 '\(t.dir)' && chmod 666 '\(t.db)'*")
        let r = t.run(["__complete", "user"], as: "mgzt-outsider", binary: TestLogins.publicBinary)
        #expect(r.status == 0 && r.stdout.isEmpty && r.stderr.isEmpty, "\(r)")
        t.run("operator", "add", "mgzt-clerk", "--role", "clerk")
        let clerk = t.run(["__complete", "rgk"], as: "mgzt-clerk", binary: TestLogins.publicBinary)
        #expect(clerk.lines.count == 3, "\(clerk)")
    }
}

/// The three shells, driven for real: what a clerk gets on Tab.
@Suite struct ShellCompletionTests {
    let t: E2E

    init() {
        t = E2E()
        t.completionFixture()
    }

    /// bash: the script's function with COMP_WORDS/COMP_CWORD set, as bash-completion calls it.
    func bash(_ words: [String]) throws -> [String] {
        let bash = try #require(shell("bash"))
        let quoted = words.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let script = """
            [ -f /usr/share/bash-completion/bash_completion ] && . /usr/share/bash-completion/bash_completion
            . '\(repositoryRoot)/completions/mygaz-admin.bash'
            complete -p mygaz-admin >/dev/null || exit 9
            COMP_WORDS=(\(quoted)); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
            COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}
            _mygaz_admin mygaz-admin "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        let r = E2E.exec(bash, ["--norc", "-c", script], env: completionEnvironment.merging(["HOME": t.dir]) { $1 }, cwd: t.dir)
        #expect(r.status == 0 && r.stderr.isEmpty, "bash: \(r)")
        return r.lines
    }

    /// zsh: the function as compinit autoloads it, with the completion builtins replaced by
    /// recorders (what would be offered, with descriptions, before zsh's own prefix filter).
    func zsh(_ words: [String]) throws -> [String] {
        let zsh = try #require(shell("zsh"))
        let quoted = words.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let script = """
            fpath=('\(repositoryRoot)/completions' $fpath)
            autoload -Uz compinit && compinit -u -d '\(t.dir)/zcompdump'
            [[ ${_comps[mygaz-admin]} == _mygaz-admin ]] || { print -u2 "not registered by compinit"; exit 9 }
            _describe() { local name; while [[ $1 == -* ]]; do [[ $1 == -t ]] && shift; shift; done; shift
                          for name in "$@"; do print -l -- "${(@P)name}"; done }
            compadd() { while [[ $# -gt 0 && $1 != -- ]]; do shift; done; shift; print -l -- "$@" }
            _files() { print -- '<files>' }
            _message() { print -- '<message>' }
            compset() { [[ $1 == -P ]] && PREFIX=${PREFIX#*=} }
            words=(\(quoted)); CURRENT=${#words}; PREFIX=${words[-1]}
            _mygaz-admin
            """
        let r = E2E.exec(zsh, ["-f", "-c", script], env: completionEnvironment.merging(["HOME": t.dir]) { $1 }, cwd: t.dir)
        #expect(r.status == 0 && r.stderr.isEmpty, "zsh: \(r)")
        return r.lines
    }

    /// fish: its own completion machinery, `complete -C`.
    func fish(_ line: String) throws -> [String] {
        let fish = try #require(shell("fish"))
        let script = "source '\(repositoryRoot)/completions/mygaz-admin.fish'; complete -C '\(line.replacingOccurrences(of: "'", with: "\\'"))'"
        let r = E2E.exec(fish, ["--no-config", "-c", script], env: completionEnvironment.merging(["HOME": t.dir]) { $1 }, cwd: t.dir)
        #expect(r.status == 0 && r.stderr.isEmpty, "fish: \(r)")
        return r.lines
    }

    func values(_ lines: [String]) -> [String] { lines.map { String($0.split(separator: "\t", maxSplits: 1).first ?? "") } }
    func zshValues(_ lines: [String]) -> [String] {
        lines.map { line in
            var value = "", escaped = false
            for c in line {
                if escaped { value.append(c); escaped = false } else if c == "\\" { escaped = true } else if c == ":" { break } else { value.append(c) }
            }
            return value
        }
    }

    @Test func groupsActionsAndOptions() throws {
        #expect(try bash(["mygaz-admin", "rea"]) == ["reading"])
        #expect(try values(fish("mygaz-admin rea")) == ["reading"])
        #expect(try zshValues(zsh(["mygaz-admin", "rea"])).contains("reading"))

        let actions = ["list", "show", "check", "accept", "reject", "submit"]
        #expect(try Set(bash(["mygaz-admin", "reading", ""])).isSuperset(of: actions))
        #expect(try Set(values(fish("mygaz-admin reading "))).isSuperset(of: actions))
        let zshActions = try zsh(["mygaz-admin", "reading", ""])
        #expect(Set(zshValues(zshActions)).isSuperset(of: actions))
        #expect(zshActions.contains("accept:accept readings (the rules are checked again)"), "zsh shows descriptions")

        let options = try bash(["mygaz-admin", "reading", "list", "--"])
        #expect(options.contains("--violations") && options.contains("--rgk") && options.contains("--format") && options.contains("--db"),
                "the command's options and the global ones: \(options)")
        #expect(!options.contains("--all-valid"), "not another command's")
        #expect(try values(fish("mygaz-admin reading accept --all")) == ["--all-valid"])
        #expect(try zshValues(zsh(["mygaz-admin", "reading", "list", "--v"])).contains("--violations"))

        // a value taken by an option is not a command word; `--` ends the options
        #expect(try bash(["mygaz-admin", "--format", "json", "rea"]) == ["reading"])
        #expect(try bash(["mygaz-admin", "reading", "list", "--", "--"]).isEmpty)
    }

    @Test func fixedValues() throws {
        #expect(try bash(["mygaz-admin", "reading", "list", "--format", ""]) == ["table", "json", "csv", "tsv"])
        #expect(try bash(["mygaz-admin", "--lang", ""]) == ["en", "ru"])
        #expect(try bash(["mygaz-admin", "reading", "list", "--format=j"]) == ["--format=json"])
        // bash splits --format=… at '=': the '=' alone, or the '=' then the value being typed; readline
        // puts the offer after the '=' (an offer of "=json" made it "--format==json")
        #expect(try bash(["mygaz-admin", "reading", "list", "--format", "="]) == ["table", "json", "csv", "tsv"])
        _ = FileManager.default.createFile(atPath: t.dir + "/offered.db", contents: Data())
        #expect(try bash(["mygaz-admin", "--db", "="]).contains("offered.db"), "files too, without a '\\='")
        #expect(try bash(["mygaz-admin", "reading", "list", "--format", "=", "j"]) == ["json"])
        #expect(try Set(values(fish("mygaz-admin reading reject 5 --reason "))).isSuperset(of: ["lower_than_previous", "exceeds_capacity"]))
        #expect(try zsh(["mygaz-admin", "import", "accounts", "x.csv", "--encoding", ""]) == ["auto", "utf-8", "cp1251"])
        #expect(try Set(values(fish("mygaz-admin operator add x --role "))) == ["admin", "clerk", "support", "администратор", "сотрудник", "техническая"])
        // the Russian words a clerk may type for a code (issue 41): offered, and taken by the parser
        #expect(try bash(["mygaz-admin", "application", "list", "--status", "тре"]) == ["требует"])
        #expect(try values(fish("mygaz-admin reading list --status при")) == ["принято"])
        #expect(try Set(bash(["mygaz-admin", "help", ""])).isSuperset(of: ["reading", "statuses", "import-formats"]))
        #expect(try bash(["mygaz-admin", "application", "list", "--status", "ne"]) == ["needs_info"])
        #expect(try bash(["mygaz-admin", "import", "meters", "m.csv", "--delimiter", ""]) == ["semicolon", "comma", "tab"])
        // the system's logins and groups where they are meant
        #expect(try bash(["mygaz-admin", "operator", "add", "roo"]) == ["root"])
        #expect(try values(fish("mygaz-admin operator add roo")) == ["root"])
        #expect(try bash(["mygaz-admin", "init", "--group", "roo"]) == ["root"])
    }

    @Test func liveValuesHonourDBOnTheCommandLine() throws {
        let db = t.db
        let pending = t.run("__complete", "pending-reading").lines.map { String($0.split(separator: "\t")[0]) }
        #expect(pending.count > 3)
        // the database comes from --db on the line being completed (the shells run elsewhere)
        #expect(try bash(["mygaz-admin", "--db", db, "reading", "accept", ""]) == pending)
        #expect(try bash(["mygaz-admin", "--db=\(db)", "reading", "reject", pending[0], ""]) == pending, "ids repeat")
        #expect(try values(fish("mygaz-admin --db \(db) reading accept ")) .sorted() == pending.sorted())
        let zshPending = try zsh(["mygaz-admin", "--db", db, "reading", "accept", ""])
        #expect(zshValues(zshPending) == pending)
        #expect(zshPending.allSatisfy { $0.contains(":") && $0.split(separator: ":", maxSplits: 1)[1].count > 3 }, "with descriptions")

        #expect(try bash(["mygaz-admin", "--db", db, "reading", "list", "--rgk", "vo"]) == ["vologda"])
        #expect(try values(fish("mygaz-admin --db \(db) reading list --rgk=vo")) == ["--rgk=vologda"])
        #expect(try zshValues(zsh(["mygaz-admin", "--db", db, "operator", "remove", ""])).contains(NSUserName()))
        let logins = t.run("__complete", "user", "+7").lines.map { String($0.split(separator: "\t")[0]) }
        #expect(!logins.isEmpty)
        #expect(try bash(["mygaz-admin", "--db", db, "user", "show", "+7"]) == logins)
        #expect(try values(fish("mygaz-admin -q --db \(db) user block +7")).sorted() == logins.sorted())
        // MYGAZ_DB works through the environment the shell passes on; no database, no noise
        #expect(try bash(["mygaz-admin", "--db", t.dir + "/missing.db", "reading", "accept", ""]).isEmpty)
        #expect(try fish("mygaz-admin --db \(t.dir)/missing.db reading accept ").isEmpty)
    }

    @Test func aServersAddressIsReadAsTheShellWouldReadIt() throws {
        let pending = t.run("__complete", "pending-reading").lines.map { String($0.split(separator: "\t")[0]) }
        #expect(pending.count > 3, "a missing database completes nothing: the ids must be there to compare")
        // a URI has ? and & a shell would take for its own: quoted, it is one word
        for word in ["'\(t.db)'", "\"\(t.db)\""] {
            #expect(try bash(["mygaz-admin", "--db", word, "reading", "accept", ""]) == pending, "bash: \(word)")
            #expect(try zshValues(zsh(["mygaz-admin", "--db", word, "reading", "accept", ""])) == pending, "zsh: \(word)")
            #expect(try values(fish("mygaz-admin --db \(word) reading accept ")).sorted() == pending.sorted(), "fish: \(word)")
        }
    }

    @Test(.sqliteOnly("a file's path: ~, $HOME and a directory with a space")) func theDatabaseWordIsReadAsTheShellWouldReadIt() throws {
        let pending = t.run("__complete", "pending-reading").lines.map { String($0.split(separator: "\t")[0]) }
        #expect(pending.count > 3, "a missing database completes nothing: the ids must be there to compare")
        try FileManager.default.createDirectory(atPath: t.dir + "/my dir", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: t.db, toPath: t.dir + "/my dir/x.db")
        // HOME is the test's directory: ~ and $HOME lead to its database
        for word in ["~/mygaz.db", "$HOME/mygaz.db", "${HOME}/mygaz.db", "'\(t.dir)/my dir/x.db'", "\"\(t.dir)/my dir/x.db\"",
                     (t.dir + "/my dir/x.db").replacingOccurrences(of: " ", with: "\\ ")] {
            #expect(try bash(["mygaz-admin", "--db", word, "reading", "accept", ""]) == pending, "bash: \(word)")
            #expect(try zshValues(zsh(["mygaz-admin", "--db", word, "reading", "accept", ""])) == pending, "zsh: \(word)")
        }
        for word in ["~/mygaz.db", "'$HOME/mygaz.db'", "'\(t.dir)/my dir/x.db'"] {
            #expect(try values(fish("mygaz-admin --db \(word) reading accept ")).sorted() == pending.sorted(), "fish: \(word)")
        }
    }

    @Test func helpCompletesCommandPathsAndAPhoneAnySpelling() throws {
        let actions = ["list", "show", "accept", "reject", "reopen"]
        #expect(try Set(bash(["mygaz-admin", "help", "reading", ""])).isSuperset(of: actions))
        #expect(try Set(zshValues(zsh(["mygaz-admin", "help", "reading", ""]))).isSuperset(of: actions))
        #expect(try Set(values(fish("mygaz-admin help reading "))).isSuperset(of: actions))
        #expect(try bash(["mygaz-admin", "help", "reading", "list", ""]).isEmpty, "nothing after a whole path")
        #expect(t.run(["help", "reading", "reopen"], useDB: false).stdout.contains("reading reopen"))
        // a login stored as +7… is offered in the spelling typed
        let stored = t.run("__complete", "user", "+7910").lines.map { String($0.split(separator: "\t")[0]) }
        #expect(!stored.isEmpty)
        let typed = stored.map { "8" + $0.dropFirst(2) }
        #expect(try bash(["mygaz-admin", "--db", t.db, "user", "show", "8910"]) == typed)
        #expect(try zshValues(zsh(["mygaz-admin", "--db", t.db, "user", "show", "8910"])) == typed)
        #expect(try values(fish("mygaz-admin --db \(t.db) user show 8910")).sorted() == typed.sorted())
        #expect(t.run("user", "show", typed[0]).status == 0, "and the spelling works")
    }

    @Test func filesWhereAFileIsExpected() throws {
        _ = FileManager.default.createFile(atPath: t.dir + "/лс_вологда.csv", contents: Data())
        #expect(try bash(["mygaz-admin", "import", "accounts", "лс"]) == ["лс_вологда.csv"])
        #expect(try values(fish("mygaz-admin import accounts лс")) == ["лс_вологда.csv"])
        #expect(try zsh(["mygaz-admin", "import", "accounts", "лс"]) == ["<files>"])
        #expect(try bash(["mygaz-admin", "export", "readings", "--output", "лс"]) == ["лс_вологда.csv"])
    }
}
