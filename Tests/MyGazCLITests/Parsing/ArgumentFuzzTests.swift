import Foundation
import Testing
@testable import MyGazCLI
@testable import MyGazCore

/// Seeded random command lines, built from the command model and a pool of hostile values, then
/// mutated: the parser never fails in any way but a usage error, and a whole run never crashes,
/// never answers with a status outside the table, and explains every failure on stderr.
@Suite struct ArgumentFuzzTests {
    /// Every command of the tree with its path (hidden ones too: they are reachable).
    static let commands: [(path: [String], spec: CommandSpec)] = {
        var out: [([String], CommandSpec)] = []
        func walk(_ spec: CommandSpec, _ path: [String]) {
            out.append((path, spec))
            for sub in spec.subcommands { walk(sub, path + [sub.name]) }
        }
        walk(CommandTree.root, [])
        return out
    }()

    /// Bad input of every class the reliability table lists: numbers, dates, logins, codes,
    /// quoting, encodings, oversized values, control and invisible characters.
    static let hostile: [String] = [
        "", " ", "-", "--", "---", "-1", "0", "00", "1", "2", "42", "999999999999999999999", "1e3", "0x1F", "1,5", "3.14", "NaN",
        "١٢٣", "1 204", "12,", ",,", "1-3",
        "31.02.2026", "2026-02-30", "2026-13-01", "32.01.26", "25.06.26", "2026-11-22", "20.07.2026", "вчера", "yesterday", "9999-12-31",
        "+7 (981) 567-65-22", "89815676522", "9815676522", " Ivan@Mail.RU ", "@", "a@", "@b", "ivan@@mail.ru", "+7", "+999999999999999",
        "vologda", "VOLOGDA", "москва", "vologda/70000017", "70000017", "070-000017", "/70000017", "vologda/",
        "clerk", "admin", "support", "accepted", "submitted", "needs_info", "pending", "lower_than_previous", "other", "email", "sms",
        "table", "json", "csv", "tsv", "xml", "ru", "en", "de",
        "\u{0301}", "é", "👨‍👩‍👧", "\u{202E}abc", "a\tb", "a\nb", "a\rb", "\u{FEFF}", "\u{00A0}", "\"", "'", "\\", "$(id)", "`id`",
        String(repeating: "я", count: 5000), String(repeating: "9", count: 400), "%s%s%n", "'; DROP TABLE account; --", "NULL", "null",
        "true", "--help", "-h", "--version", "--json", "--quiet", "-q", "--no-color", "--lang=ru", "--format=xml", "--limit=-1",
        "--limit=0", "--limit=abc", "--busy-timeout=-5", "--busy-timeout=99999999999", "--yes", "--dry-run", "--all-valid", "--force",
        "--=x", "--x=", "-qq", "-zz", "help", "exit-codes",
    ]

    static func randomLine(_ rng: inout SeededRandom, files: [String]) -> [String] {
        let (path, spec) = commands.randomElement(using: &rng)!
        var argv = path
        let options = spec.options + GlobalOptions.all.filter { $0.long != "db" }
        for _ in 0..<Int.random(in: 0...6, using: &rng) {
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<4 where !options.isEmpty:
                let option = options.randomElement(using: &rng)!
                let value: String
                if option.value == "FILE" || option.value == "PATH" {
                    value = files.randomElement(using: &rng)!
                } else if let choices = option.choices, Bool.random(using: &rng) {
                    value = choices.randomElement(using: &rng)!
                } else {
                    value = hostile.randomElement(using: &rng)!
                }
                if !option.takesValue {
                    argv.append(option.short.map { "-\($0)" } ?? "--\(option.long)")
                } else if Bool.random(using: &rng) {
                    argv.append("--\(option.long)=\(value)")
                } else {
                    argv += [option.short.map { "-\($0)" } ?? "--\(option.long)", value]
                }
            case 4:
                // a mistyped option
                var name = Array((options.randomElement(using: &rng)?.long ?? "limit"))
                if !name.isEmpty { name[Int.random(in: 0..<name.count, using: &rng)] = "x" }
                argv.append("--" + String(name))
            case 5:
                // a cluster of short flags, known or not
                argv.append("-" + String((0..<Int.random(in: 1...4, using: &rng)).map { _ in "qhjxvVo".randomElement(using: &rng)! }))
            default:
                argv.append(hostile.randomElement(using: &rng)!)
            }
        }
        // and then broken: a word dropped, doubled or swapped
        if argv.count > 1 {
            let i = Int.random(in: 0..<argv.count, using: &rng)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0: argv.remove(at: i)
            case 1: argv.insert(argv[i], at: i)
            case 2: argv.swapAt(i, Int.random(in: 0..<argv.count, using: &rng))
            default: break
            }
        }
        return argv
    }

    /// 4 × 25 000 = 100 000 command lines through the parser.
    @Test(arguments: [11, 12, 13, 14] as [UInt64])
    func theParserAnswersEveryLineOrRefusesItAsUsage(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let parser = Parser(root: CommandTree.root, globals: GlobalOptions.all)
        var problems: [String] = []
        for n in 0..<25_000 {
            let argv = Self.randomLine(&rng, files: ["/nonexistent/x.csv", "-"])
            do {
                _ = try parser.parse(argv)
            } catch let error as MyGazError {
                if error.status != .usage { problems.append("case \(n) \(argv): status \(error.status)") }
                for lang in [Lang.en, .ru] {
                    let text = Texts(lang).render(error.message)
                    if text.isEmpty || text.contains("\n") || text.contains("{") {
                        problems.append("case \(n) \(argv): \(lang) message \(text.debugDescription)")
                    }
                }
            } catch {
                problems.append("case \(n) \(argv): \(error)")
            }
            if problems.count >= 5 { break }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    /// Whole runs on a demo database: a few thousand lines that get past the parser into the
    /// commands, where dates, numbers, logins and files are checked.
    @Test(arguments: [21, 22] as [UInt64])
    func everyRunEndsWithAStatusFromTheTableAndSaysWhy(seed: UInt64) throws {
        let scratch = Scratch()
        #expect(InProcess.run(["--db", scratch.db, "demo", "--accounts", "150", "--date", "2026-07-20"]).status == 0)
        // files an option may name: missing, empty, of a wrong type, a directory, a text file
        let wrongType = scratch.path + "/scan.png"
        try Data("this is not a png".utf8).write(to: URL(fileURLWithPath: wrongType))
        let text = scratch.path + "/answer.txt"
        try Data("Ответ\r\n\u{0}\u{FEFF}".utf8).write(to: URL(fileURLWithPath: text))
        let empty = scratch.path + "/empty.pdf"
        try Data().write(to: URL(fileURLWithPath: empty))
        let files = [scratch.path + "/missing.csv", wrongType, text, empty, scratch.path, scratch.path + "/out-\(seed).csv"]
        // commands that write files where they are told, deliver mail, or create databases stay out
        let excluded: [[String]] = [["db"], ["import"], ["export"], ["demo"], ["init"], ["outbox", "send"], ["completion"]]
        let statuses = Set(ExitStatus.allCases.map(\.rawValue))
        var rng = SeededRandom(seed: seed)
        var problems: [String] = []
        var runs = 0, byStatus: [Int32: Int] = [:]
        while runs < 2_000 && problems.count < 5 {
            let argv = Self.randomLine(&rng, files: files)
            if excluded.contains(where: { argv.starts(with: $0) }) || argv.contains(where: { $0.hasPrefix("--db") }) { continue }
            runs += 1
            let r = InProcess.run(["--db", scratch.db] + argv, environment: ["LANG": runs % 2 == 0 ? "C" : "ru_RU.UTF-8"])
            byStatus[r.status, default: 0] += 1
            if !statuses.contains(r.status) {
                problems.append("\(argv): exit \(r.status) is not in the table")
            } else if r.status != 0 && r.status != ExitStatus.partial.rawValue {
                let first = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
                if !first.hasPrefix("mygaz-admin: ") || first.count < 20 {
                    problems.append("\(argv): exit \(r.status) without a clear line: \(r.stderr.prefix(300).debugDescription)")
                }
            }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        #expect(byStatus.keys.count >= 3, "the lines reach the commands, not only the parser: \(byStatus)")
        #expect(InProcess.run(["--db", scratch.db, "db", "check"]).status == 0, "the database is sound after it all")
    }
}
