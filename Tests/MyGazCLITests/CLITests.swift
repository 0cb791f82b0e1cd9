import Foundation
import Testing
@testable import MyGazCLI
@testable import MyGazCore

/// Runs the CLI in-process with captured streams.
struct InProcess {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ args: [String], stdin: String = "", environment: [String: String] = ["LANG": "C"],
                    login: String? = "tester", terminal: TerminalInfo = TerminalInfo(), answers: [String] = [],
                    now: Int64 = 1_784_000_000) -> Result {
        let out = MemorySink(), err = MemorySink()
        let io = IO(stdout: out, stderr: err, stdin: MemoryInput(stdin), terminal: terminal, environment: environment,
                    prompter: ScriptedPrompter(answers), clock: .fixed(now), login: login)
        let status = MyGazCLI.run(args, io: io)
        return Result(status: status, stdout: out.text, stderr: err.text)
    }
}

final class Scratch {
    let path: String
    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("mygaz-cli-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    var db: String { path + "/t.db" }
}

@Suite struct ParserTests {
    let parser = Parser(root: CommandTree.root, globals: GlobalOptions.all)

    @Test func longShortInlineClusterAndGlobalsAnywhere() throws {
        let p = try parser.parse(["audit", "--json", "list", "-n5", "--operator=ivanova", "--db", "x.db", "-q"])
        #expect(p.commandName == "audit list")
        #expect(p.options["limit"] == ["5"])
        #expect(p.options["operator"] == ["ivanova"])
        #expect(p.options["db"] == ["x.db"])
        #expect(p.options["json"] != nil && p.options["quiet"] != nil)
    }

    @Test func clusteredFlags() throws {
        let p = try parser.parse(["operator", "remove", "-yq", "bob"])
        #expect(p.options["yes"] != nil && p.options["quiet"] != nil)
        #expect(p.positionals == ["bob"])
    }

    @Test func doubleDashEndsOptions() throws {
        let p = try parser.parse(["operator", "remove", "--", "-weird"])
        #expect(p.positionals == ["-weird"])
    }

    @Test func repeatedOptionsKeepEveryValue() throws {
        let p = try parser.parse(["audit", "list", "--operator", "a", "--operator", "b"])
        #expect(p.options["operator"] == ["a", "b"])
    }

    @Test func mistakesAreUsageErrorsWithSuggestions() {
        func message(_ args: [String]) -> Message? {
            do { _ = try parser.parse(args); return nil } catch let e as MyGazError {
                #expect(e.status == .usage)
                return e.message
            } catch { return nil }
        }
        #expect(message(["stauts"])?.key == .unknownCommandSuggest)
        #expect(message(["stauts"])?.args.last == .text("status"))
        #expect(message(["operator", "ad"])?.args.last == .text("add"))
        #expect(message(["audit", "list", "--limt", "3"])?.args.last == .text("--limit"))
        #expect(message(["audit", "list", "--limit"])?.key == .missingValue)
        #expect(message(["--format", "xml", "status"])?.key == .badChoice)
        #expect(message(["status", "--json=yes"])?.key == .unexpectedValue)
        #expect(message(["operator", "add"])?.key == .missingArgument)
        #expect(message(["status", "extra"])?.key == .tooManyArguments)
        #expect(message(["zzzzzz"])?.key == .unknownCommand)
    }

    @Test func helpAndVersionAnywhere() throws {
        #expect(try parser.parse(["operator", "add", "--help"]).helpRequested)
        #expect(try parser.parse(["help", "operator", "add"]).helpWords == ["operator", "add"])
        #expect(try parser.parse(["--version"]).versionRequested)
    }

    @Test func editDistance() {
        #expect(Suggest.editDistance("status", "stauts") == 1)
        #expect(Suggest.editDistance("status", "statsu") == 1)
        #expect(Suggest.editDistance("kitten", "sitting") == 3)
        #expect(Suggest.editDistance("abc", "acb") == 1)
        #expect(Suggest.closest(to: "xyz", in: ["status", "init"]) == nil)
    }
}

@Suite struct CatalogTests {
    static func placeholders(_ text: String) -> Set<String> {
        var found = Set<String>()
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            found.insert(String(rest[open...close]))
            rest = rest[rest.index(after: close)...]
        }
        return found
    }

    @Test func textFromOutsideStaysOnOneLineAndReadsAsItIs() {
        let rendered = Texts(.en).render(.notFound, .entity(.user), .text("a\nb\r\t\u{202E}cba\u{0}я"))
        #expect(rendered == "user a\\nb\\r\\t\\u202Ecba\\u0000я not found")
        #expect(Texts(.en).render(.notFound, .entity(.user), .text("Иванов И. И.")) == "user Иванов И. И. not found")
        let r = InProcess.run(["user", "show", "x\ny"])
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
    }

    @Test func everyMessageExistsInBothLanguagesWithTheSamePlaceholders() {
        let languageNeutral: Set<MessageKey> = [.verbatim, .transition, .checkFailed, .operatorRoleChanged, .countLine]
        for key in MessageKey.allCases {
            let (en, ru) = Catalog.texts(key)
            #expect(!en.isEmpty && !ru.isEmpty, "\(key) is empty")
            #expect(Self.placeholders(en) == Self.placeholders(ru), "\(key): placeholders differ")
            if !languageNeutral.contains(key) {
                #expect(ru.unicodeScalars.contains { (0x400...0x4FF).contains($0.value) }, "\(key): the Russian text is not Russian")
                #expect(en != ru, "\(key): not translated")
            }
        }
    }

    @Test func everyStoredCodeHasLabelsInBothLanguages() {
        let domains: [(CodeDomain, [String])] = [
            (.applicationStatus, ApplicationStatus.codes), (.applicationKind, ApplicationKind.codes),
            (.readingStatus, ReadingStatus.codes), (.readingReason, ReadingReason.codes), (.ticketStatus, TicketStatus.codes),
            (.ticketChannel, TicketChannel.codes), (.ticketTopic, TicketTopic.codes), (.userStatus, UserStatus.codes),
            (.pinRequestStatus, PinRequestStatus.codes), (.outboxStatus, OutboxStatus.codes), (.role, Role.codes),
            (.accessLevel, AccessLevel.codes), (.meterState, MeterState.codes), (.serviceKind, ServiceKind.codes),
            (.importKind, ImportKind.codes), (.contractKind, ContractKind.codes),
        ]
        for (domain, codes) in domains {
            for code in codes {
                let en = Labels.label(domain, code, .en), ru = Labels.label(domain, code, .ru)
                #expect(en != code || code == "other" || en.lowercased() == code, "\(domain) \(code) has no English label")
                #expect(ru.unicodeScalars.contains { (0x400...0x4FF).contains($0.value) }, "\(domain) \(code) has no Russian label")
            }
        }
    }

    @Test func manualsLabelsForApplicationStatuses() {
        #expect(Labels.label(.applicationStatus, "submitted", .ru) == "В обработке")
        #expect(Labels.label(.applicationStatus, "needs_info", .ru) == "Требует уточнения")
        #expect(Labels.label(.applicationStatus, "rejected", .ru) == "Не согласована")
        #expect(Labels.label(.readingStatus, "rejected", .ru) == "отказано")
    }

    @Test func languageComesFromFlagThenEnvironment() {
        #expect(Lang.detect(["LANG": "ru_RU.UTF-8"]) == .ru)
        #expect(Lang.detect(["LC_ALL": "en_US.UTF-8", "LANG": "ru_RU.UTF-8"]) == .en)
        #expect(Lang.detect(["LC_MESSAGES": "ru_RU", "LANG": "en_US"]) == .ru)
        #expect(Lang.detect([:]) == .en)
        let r = InProcess.run(["stauts"], environment: ["LANG": "ru_RU.UTF-8"])
        #expect(r.stderr.contains("неизвестная команда"))
        let forced = InProcess.run(["--lang", "en", "stauts"], environment: ["LANG": "ru_RU.UTF-8"])
        #expect(forced.stderr.contains("unknown command"))
    }
}

@Suite struct OutputTests {
    func output(_ format: OutputFormat, tty: Bool = false, color: Bool = true) -> (Output, MemorySink) {
        let sink = MemorySink()
        let io = IO(stdout: sink, stderr: MemorySink(), stdin: MemoryInput(""),
                    terminal: TerminalInfo(stdoutIsTTY: tty, stderrIsTTY: tty, width: 200),
                    environment: [:], prompter: ScriptedPrompter([]), login: "t")
        return (Output(io: io, format: format, lang: .en, color: color, quiet: false), sink)
    }

    var sample: Table {
        var t = Table([Column("id", L("ID", "ID"), align: .right), Column("name", L("NAME", "ИМЯ")),
                       Column("note", L("NOTE", "ЗАМЕТКА"), .humanOnly), Column("raw", L("RAW", "RAW"), .machineOnly)])
        t.append([Cell(.int(7)), Cell(.text("Щукина Ё.")), Cell(.text("a")), Cell(.text("x,\"y\""))])
        t.append([Cell(.int(12)), Cell(.text("Li 李")), Cell(.text("b")), Cell(.null)])
        t.append([Cell(.int(3)), Cell(.text("e\u{301}clair")), Cell(.text("c")), Cell(.text("tab\there"))])
        return t
    }

    @Test func tablesAlignByDisplayWidth() {
        let (out, sink) = output(.table)
        out.table(sample)
        let lines = sink.text.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        // the NOTE column starts at the same display column on every line
        let columns = lines.map { line -> Int in
            let idx = line.range(of: "  ", options: .backwards)!.upperBound
            return DisplayWidth.of(String(line[..<idx]))
        }
        #expect(Set(columns).count == 1, "\(lines)")
        #expect(!sink.text.contains("RAW"))
    }

    @Test func displayWidth() {
        #expect(DisplayWidth.of("Щукина") == 6)
        #expect(DisplayWidth.of("李") == 2)
        #expect(DisplayWidth.of("e\u{301}") == 1)
        #expect(DisplayWidth.of("\u{1B}") == 0)
        #expect(DisplayWidth.truncate("Приложите копию", to: 8) == "Приложи…")
        #expect(DisplayWidth.wrap("один два три", to: 8) == ["один два", "три"])
    }

    @Test func jsonIsAnArrayWithStableKeys() {
        let (out, sink) = output(.json)
        out.table(sample)
        #expect(sink.text == #"[{"id":7,"name":"Щукина Ё.","raw":"x,\"y\""},{"id":12,"name":"Li 李","raw":null},{"id":3,"name":"éclair","raw":"tab\there"}]"# + "\n")
    }

    @Test func csvQuotesAndTsvEscapes() {
        let (csv, csvSink) = output(.csv)
        csv.table(sample)
        #expect(csvSink.text.hasPrefix("id,name,raw\n7,Щукина Ё.,\"x,\"\"y\"\"\"\n"))
        let (tsv, tsvSink) = output(.tsv)
        tsv.table(sample)
        #expect(tsvSink.text.contains("3\téclair\ttab\\there\n"), "a tab inside a value is \\t: \(tsvSink.text)")
        #expect(Output.tsvField("a\r\nb\\c\rd\ne") == #"a\r\nb\\c\rd\ne"#, "CRLF, CR, LF and the backslash itself")
    }

    @Test func colourOnlyOnATerminalAndNeverWhenOff() {
        let (plain, plainSink) = output(.table, tty: false)
        plain.table(sample)
        #expect(!plainSink.text.contains("\u{1B}["))
        let (tty, ttySink) = output(.table, tty: true)
        tty.table(sample)
        #expect(ttySink.text.contains("\u{1B}[1m"))
        let (off, offSink) = output(.table, tty: true, color: false)
        off.table(sample)
        #expect(!offSink.text.contains("\u{1B}["))
        // NO_COLOR in the environment turns colour off for the run
        let env = ["NO_COLOR": "1"]
        #expect(try! Globals.resolve(Parser(root: CommandTree.root, globals: GlobalOptions.all).parse(["status"]), environment: env).color == false)
    }

    @Test func actionResultsAsJSON() {
        let (out, sink) = output(.json)
        out.results([
            ActionResult(id: "12", outcome: .changed, status: "accepted"),
            ActionResult(id: "13", outcome: .failed, status: nil, error: .notFound(.application, "13")),
        ])
        #expect(sink.text == #"[{"id":12,"result":"changed","status":"accepted","error":null},{"id":13,"result":"failed","status":null,"error":"application 13 not found"}]"# + "\n")
    }

    @Test func moneyAndNumbers() {
        #expect(Format.grouped(1204) == "1 204")
        #expect(Format.grouped(-3_319) == "-3 319")
        #expect(Format.money(-331_952, .ru) == "-3 319,52")
        #expect(Format.seconds(12.34, .en) == "12.3" && Format.seconds(12.36, .ru) == "12,4")
        #expect(Format.seconds(1504.98, .ru) == "1 505,0" && Format.seconds(0.04, .en) == "0.0")
        #expect(Format.money(5, .en) == "0.05")
    }
}

@Suite struct HelpTests {
    @Test func everyCommandHasHelpWithSummaryAndUsage() {
        func walk(_ path: [CommandSpec]) {
            let text = HelpText.render(path, lang: .en)
            #expect(text.contains(path.last!.summary.en))
            #expect(text.contains("Usage"))
            let ru = HelpText.render(path, lang: .ru)
            #expect(ru.contains(path.last!.summary.ru))
            for sub in path.last!.subcommands { walk(path + [sub]) }
        }
        walk([CommandTree.root])
    }

    /// Who may run each action, said once here: a change of roles shows up as a change of this list.
    static let roles: [String: String] = [
        "__complete": "no database",
        "account list": "clerk, support, admin",
        "account show": "clerk, support, admin",
        "application answer": "clerk, admin",
        "application approve": "clerk, admin",
        "application assign": "clerk, admin",
        "application attachment": "clerk, support, admin",
        "application clarify": "clerk, admin",
        "application complete": "clerk, admin",
        "application create": "clerk, admin",
        "application list": "clerk, support, admin",
        "application reject": "clerk, admin",
        "application review": "clerk, admin",
        "application show": "clerk, support, admin",
        "audit list": "clerk, support, admin",
        "completion bash": "no database",
        "completion fish": "no database",
        "completion man": "no database",
        "completion zsh": "no database",
        "db backup": "admin",
        "db check": "admin",
        "db migrate": "opens the database itself",
        "db stats": "admin",
        "demo": "opens the database itself",
        "export readings": "admin",
        "faq add": "support, admin",
        "faq edit": "support, admin",
        "faq list": "clerk, support, admin",
        "faq remove": "support, admin",
        "faq show": "clerk, support, admin",
        "import accounts": "admin",
        "import acts": "admin",
        "import contracts": "admin",
        "import history": "clerk, support, admin",
        "import meters": "admin",
        "import offices": "admin",
        "import payments": "admin",
        "import pins": "admin",
        "import readings": "admin",
        "import rgk": "admin",
        "import services": "admin",
        "import settlements": "admin",
        "init": "opens the database itself",
        "operator add": "admin",
        "operator list": "clerk, support, admin",
        "operator remove": "admin",
        "operator set-role": "admin",
        "outbox __receipt": "clerk, support, admin",
        "outbox list": "clerk, support, admin",
        "outbox retry": "clerk, support, admin",
        "outbox send": "clerk, support, admin",
        "outbox show": "clerk, support, admin",
        "pin issue": "clerk, admin",
        "pin list": "clerk, support, admin",
        "pin reject-request": "clerk, admin",
        "pin requests": "clerk, support, admin",
        "pin revoke": "clerk, admin",
        "reading accept": "clerk, admin",
        "reading check": "clerk, support, admin",
        "reading list": "clerk, support, admin",
        "reading reject": "clerk, admin",
        "reading review": "clerk, admin",
        "reading show": "clerk, support, admin",
        "reading submit": "clerk, admin",
        "status": "clerk, support, admin",
        "ticket assign": "support, admin",
        "ticket attachment": "clerk, support, admin",
        "ticket close": "support, admin",
        "ticket list": "clerk, support, admin",
        "ticket open": "support, admin",
        "ticket reopen": "support, admin",
        "ticket reply": "support, admin",
        "ticket review": "support, admin",
        "ticket show": "clerk, support, admin",
        "user block": "clerk, support, admin",
        "user confirm": "clerk, support, admin",
        "user create": "clerk, admin",
        "user delete": "clerk, admin",
        "user grant-extended": "clerk, admin",
        "user link": "clerk, admin",
        "user list": "clerk, support, admin",
        "user purge-unconfirmed": "clerk, support, admin",
        "user resend-code": "clerk, support, admin",
        "user reset-password": "clerk, support, admin",
        "user set-login": "clerk, support, admin",
        "user show": "clerk, support, admin",
        "user unblock": "clerk, support, admin",
        "user unlink": "clerk, admin",
        "user unlock-extended": "clerk, support, admin",
    ]

    @Test func everyActionHasItsRolesAndAHandler() {
        var found: [String: String] = [:]
        func walk(_ command: CommandSpec, _ name: String) {
            if command.subcommands.isEmpty {
                #expect(command.handler != nil, "\(name) has no handler")
                switch command.access {
                case .noDatabase: found[name] = "no database"
                case .opensItself: found[name] = "opens the database itself"
                case .roles(let roles): found[name] = roles.sorted().map(\.rawValue).joined(separator: ", ")
                }
            }
            for sub in command.subcommands { walk(sub, name.isEmpty ? sub.name : name + " " + sub.name) }
        }
        walk(CommandTree.root, "")
        for (name, roles) in found.sorted(by: { $0.key < $1.key }) {
            #expect(Self.roles[name] == roles, "\(name): \(roles)")
        }
        #expect(Set(found.keys) == Set(Self.roles.keys))
    }

    @Test func everyOptionNameBelongsToAnOptionOfTheTree() {
        var used = Set(GlobalOptions.all.map(\.name))
        func walk(_ command: CommandSpec) {
            used.formUnion(command.options.map(\.name))
            #expect(Set(command.options.map(\.name)).count == command.options.count, "\(command.name) names an option twice")
            command.subcommands.forEach(walk)
        }
        walk(CommandTree.root)
        #expect(used == Set(OptionName.allCases), "unused names: \(Set(OptionName.allCases).subtracting(used))")
    }

    @Test func helpExitCodesListsTheTable() {
        let r = InProcess.run(["help", "exit-codes"])
        #expect(r.status == 0)
        for status in MyGazCore.ExitStatus.allCases { #expect(r.stdout.contains("  \(status.rawValue)  ")) }
    }

    @Test func aGroupWithoutActionShowsItsActionsAsAUsageError() {
        let r = InProcess.run(["operator"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("set-role"))
        #expect(r.stdout.isEmpty)
    }
}

@Suite struct InProcessCommandTests {
    @Test func initThenStatusThenInitAgain() {
        let s = Scratch()
        let first = InProcess.run(["--db", s.db, "init"])
        #expect(first.status == 0)
        #expect(first.stdout.contains("created database"))
        let again = InProcess.run(["--db", s.db, "init", "--json"])
        #expect(again.stdout.contains(#""action":"unchanged""#))
        let status = InProcess.run(["--db", s.db, "status", "--json"])
        #expect(status.status == 0)
        #expect(status.stdout.contains(#""queue":"readings_pending","count":0"#))
    }

    @Test func anUnknownLoginIsRefusedWithExit7() {
        let s = Scratch()
        _ = InProcess.run(["--db", s.db, "init"], login: "boss")
        let r = InProcess.run(["--db", s.db, "status"], login: "stranger")
        #expect(r.status == 7)
        #expect(r.stderr.contains("operator add stranger"))
    }

    @Test func aWrongRoleIsRefusedWithExit7NamingTheRole() {
        let s = Scratch()
        _ = InProcess.run(["--db", s.db, "init"], login: "boss")
        _ = InProcess.run(["--db", s.db, "operator", "add", "helper", "--role", "support"], login: "boss")
        let r = InProcess.run(["--db", s.db, "operator", "add", "x", "--role", "clerk"], login: "helper")
        #expect(r.status == 7)
        #expect(r.stderr.contains("needs the role admin"))
        let ok = InProcess.run(["--db", s.db, "status"], login: "helper")
        #expect(ok.status == 0)
    }

    @Test func removingAnOperatorNeedsYesWithoutATerminal() {
        let s = Scratch()
        _ = InProcess.run(["--db", s.db, "init"], login: "boss")
        _ = InProcess.run(["--db", s.db, "operator", "add", "helper", "--role", "support"], login: "boss")
        let refused = InProcess.run(["--db", s.db, "operator", "remove", "helper"], login: "boss")
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--yes"))
        let asked = InProcess.run(["--db", s.db, "operator", "remove", "helper"], login: "boss",
                                  terminal: TerminalInfo(stdinIsTTY: true), answers: ["y"])
        #expect(asked.status == 0)
        let list = InProcess.run(["--db", s.db, "operator", "list", "--format", "tsv"], login: "boss")
        #expect(!list.stdout.contains("helper"))
    }
}
