import Foundation
import MyGazCore

/// The options every command accepts, anywhere on the line.
public enum GlobalOptions {
    public static let all: [OptionSpec] = [
        OptionSpec(.db, value: "PATH", L("the database file (default: $MYGAZ_DB, else ./mygaz.db)",
                                          "файл базы (по умолчанию $MYGAZ_DB, иначе ./mygaz.db)"), completion: .file),
        OptionSpec(.format, value: "FORMAT", L("output format: table, json, csv or tsv", "формат вывода: table, json, csv или tsv"),
                   choices: OutputFormat.allCases.map(\.rawValue)),
        OptionSpec(.json, L("same as --format json", "то же, что --format json")),
        OptionSpec(.lang, value: "LANG", L("language of messages: en or ru (default from LC_ALL, LC_MESSAGES, LANG)",
                                            "язык сообщений: en или ru (по умолчанию из LC_ALL, LC_MESSAGES, LANG)"),
                   choices: Lang.allCases.map(\.rawValue)),
        OptionSpec(.noColor, L("never colour the output (also NO_COLOR, TERM=dumb)", "не раскрашивать вывод (также NO_COLOR, TERM=dumb)")),
        OptionSpec(.noHeader, L("csv and tsv without the header line, for pipelines", "csv и tsv без строки заголовка, для конвейеров")),
        OptionSpec(.quiet, short: "q", L("print only data and errors", "выводить только данные и ошибки")),
        OptionSpec(.busyTimeout, value: "MS", L("wait up to MS milliseconds for another writer (default 5000)",
                                                  "ждать другого писателя до MS миллисекунд (по умолчанию 5000)")),
        OptionSpec(.help, short: "h", L("show help for the command", "показать справку по команде")),
        OptionSpec(.version, L("print the version", "показать версию")),
    ]
}

/// Settled global options.
public struct Globals: Sendable {
    public var dbPath: String
    /// The database as it may be shown: a PostgreSQL address with its password masked.
    public var dbShown: String { PGAddress.isPostgreSQL(dbPath) ? PGAddress.masked(dbPath) : dbPath }
    /// `--db` on the command line carries a password, which every local user sees in `ps`.
    public var passwordInArgv = false
    public var busyTimeoutMs: Int
    public var format: OutputFormat
    public var lang: Lang
    public var color: Bool
    public var quiet: Bool
    /// CSV and TSV start with their header line.
    public var header = true

    /// Colour unless the person asked for none (`--no-color`, `NO_COLOR`) or the terminal cannot show it (`TERM=dumb`).
    public static func colorAllowed(noColorFlag: Bool, environment: [String: String]) -> Bool {
        !noColorFlag && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    /// Reads the global options of `parsed`; throws usage errors for bad values.
    public static func resolve(_ parsed: ParsedCommand, environment: [String: String]) throws -> Globals {
        let options = parsed.options
        func value(_ name: OptionName) -> String? { options[name.rawValue]?.last }
        var format = OutputFormat(rawValue: value(.format) ?? "table") ?? .table
        if options[OptionName.json.rawValue] != nil { format = .json }
        let lang = value(.lang).flatMap(Lang.init(rawValue:)) ?? Lang.detect(environment)
        var busy = 5000
        if let text = value(.busyTimeout) {
            guard let value = Int(text) else { throw MyGazError.usage(.badNumber, "--busy-timeout", .text(text)) }
            guard (0...600_000).contains(value) else {
                throw MyGazError.usage(.numberOutOfRange, "--busy-timeout", .text(text), "0–600000")
            }
            busy = value
        }
        let color = colorAllowed(noColorFlag: options[OptionName.noColor.rawValue] != nil, environment: environment)
        let path = value(.db) ?? environment["MYGAZ_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "mygaz.db"
        var globals = Globals(dbPath: path, busyTimeoutMs: busy, format: format, lang: lang, color: color,
                              quiet: options[OptionName.quiet.rawValue] != nil, header: options[OptionName.noHeader.rawValue] == nil)
        globals.passwordInArgv = value(.db).map { PGAddress.isPostgreSQL($0) && PGAddress.hasPassword($0) } ?? false
        return globals
    }
}

/// One run of one command: its arguments with typed accessors, the output, the session.
public final class Invocation {
    public let parsed: ParsedCommand
    public let io: IO
    public let out: Output
    public let globals: Globals
    var openedSession: Session?

    init(parsed: ParsedCommand, io: IO, out: Output, globals: Globals) {
        self.parsed = parsed
        self.io = io
        self.out = out
        self.globals = globals
        out.searched = parsed.options[OptionName.search.rawValue]?.last
    }

    /// The session the runner opened (commands with `.roles` access).
    public var session: Session {
        guard let openedSession else { preconditionFailure("command \(parsed.commandName) has no database session") }
        return openedSession
    }

    public var db: any Storage { session.db }
    public var commandName: String { parsed.commandName }
    public var clock: Clock { io.clock }

    // MARK: options

    public func flag(_ name: OptionName) -> Bool { parsed.options[name.rawValue] != nil }

    public func string(_ name: OptionName) -> String? { parsed.options[name.rawValue]?.last }

    /// All values of a repeatable option; comma lists are split.
    public func strings(_ name: OptionName) -> [String] {
        let values = parsed.options[name.rawValue] ?? []
        let spec = parsed.command.option(long: name.rawValue)
        if spec?.commaList == true {
            return values.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
                .filter { !$0.isEmpty }
        }
        return values
    }

    /// A non-empty text value (messages, reasons).
    public func text(_ name: OptionName) throws -> String? {
        guard let value = string(name) else { return nil }
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw MyGazError.usage(.missingValue, .text("--\(name.rawValue)"), "TEXT") }
        return trimmed
    }

    public func int(_ name: OptionName, range: ClosedRange<Int>? = nil) throws -> Int? {
        guard let text = string(name) else { return nil }
        return try Invocation.integer(text, name: "--\(name.rawValue)", range: range)
    }

    public static func integer(_ text: String, name: String, range: ClosedRange<Int>?) throws -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
            throw MyGazError.usage(.badNumber, .text(name), .text(text))
        }
        if let range, !range.contains(value) {
            throw MyGazError.usage(.numberOutOfRange, .text(name), .text(text),
                                   .text(range.upperBound == Int.max ? "≥ \(range.lowerBound)" : "\(range.lowerBound)–\(range.upperBound)"))
        }
        return value
    }

    /// `--limit N`, default 50; 0 means no limit.
    public func limit(default value: Int = 50) throws -> Int {
        let n = try int(.limit, range: 0...Int.max) ?? value
        return n == 0 ? Int.max / 2 : n
    }

    public func day(_ name: OptionName) throws -> Day? {
        guard let text = string(name) else { return nil }
        guard let day = Day(parsing: text) else { throw MyGazError.usage(.badDate, .text("--\(name.rawValue)"), .text(text)) }
        return day
    }

    /// A month: `2026-11` or `11.2026`, as `YYYY-MM`, within `periods` (exit 2 naming them otherwise).
    public func period(_ name: OptionName) throws -> String? {
        guard let text = string(name)?.trimmingCharacters(in: .whitespaces) else { return nil }
        let parts = text.split(separator: text.contains(".") ? "." : "-", omittingEmptySubsequences: false)
        let (yearText, monthText) = text.contains(".") && parts.count == 2 ? (parts[1], parts[0]) : (parts.first ?? "", parts.count == 2 ? parts[1] : "")
        guard parts.count == 2, yearText.count == 4, (1...2).contains(monthText.count), yearText.allSatisfy({ $0.isASCII && $0.isNumber }),
              monthText.allSatisfy({ $0.isASCII && $0.isNumber }), let month = Int(monthText), (1...12).contains(month) else {
            throw MyGazError.usage(.badPeriod, .text("--\(name.rawValue)"), .text(text))
        }
        // the year as written (four digits: 0999 stays 0999, before the range, never 999)
        let period = "\(yearText)-\(month < 10 ? "0" : "")\(month)"
        guard Self.periods.contains(period) else {
            throw MyGazError.usage(.periodOutOfRange, .text("--\(name.rawValue)"), .text(text), .text(Self.periods.lowerBound), .text(Self.periods.upperBound))
        }
        return period
    }

    /// The months a command counts: from 2000, to the last whose next month is still a date (a
    /// report or a bill reads up to the first day of the month after).
    static let periods = "2000-01"..."9999-11"

    /// A moment for `--since`/`--until`: a date (local midnight), an ISO time, or a duration ago (`7d`).
    public func moment(_ name: OptionName) throws -> Int64? {
        let long = name.rawValue
        guard let text = string(name) else { return nil }
        if let day = Day(parsing: text) { return Timestamp.localMidnight(day) }
        if let seconds = Timestamp.parse(text) { return seconds }
        switch Duration.parseChecked(text) {
        case .seconds(let ago): return clock.now - ago
        case .tooLong: throw MyGazError.usage(.numberOutOfRange, .text("--\(long)"), .text(text), .text(Self.longestDuration))
        case .invalid: throw MyGazError.usage(.badDate, .text("--\(long)"), .text(text))
        }
    }

    public func duration(_ name: OptionName) throws -> Int64? {
        let long = name.rawValue
        guard let text = string(name) else { return nil }
        switch Duration.parseChecked(text) {
        case .seconds(let seconds): return seconds
        case .tooLong: throw MyGazError.usage(.numberOutOfRange, .text("--\(long)"), .text(text), .text(Self.longestDuration))
        case .invalid: throw MyGazError.usage(.badDuration, .text("--\(long)"), .text(text))
        }
    }

    static let longestDuration = "≤ 36600d"

    /// A decimal as people write it (`65,5`, `65.5`, `1 200,5`): finite, at most 9 decimals, at
    /// least `min` (and above it when `positive`), at most `max`; exit 2 naming the value otherwise.
    public func decimal(_ name: OptionName, min: Double = 0, positive: Bool = false, max: Double = 1_000_000) throws -> Double? {
        let long = name.rawValue
        guard let text = string(name) else { return nil }
        guard let value = Numbers.decimal(text) else { throw MyGazError.usage(.badDecimal, .text("--\(long)"), .text(text)) }
        guard value >= min, !positive || value > min, value <= max else {
            throw MyGazError.usage(.numberOutOfRange, .text("--\(long)"), .text(text),
                                   .text((positive ? "> " : "≥ ") + Numbers.plain(min) + ", ≤ " + Numbers.plain(max)))
        }
        return value
    }

    public func choice<T: RawRepresentable>(_ name: OptionName, as type: T.Type) throws -> T? where T.RawValue == String {
        guard let text = string(name) else { return nil }
        guard let value = T(rawValue: text) else {
            let allowed = parsed.command.option(long: name.rawValue)?.choices?.joined(separator: ", ") ?? ""
            throw MyGazError.usage(.badChoice, .text("--\(name.rawValue)"), .text(text), .text(allowed))
        }
        return value
    }

    /// Fails when two exclusive options are both given.
    public func exclusive(_ a: OptionName, _ b: OptionName) throws {
        if flag(a) && flag(b) { throw MyGazError.usage(.optionsExclusive, .text("--\(a.rawValue)"), .text("--\(b.rawValue)")) }
    }

    // MARK: positional arguments

    private func position(of name: String) -> Int? {
        parsed.command.arguments.firstIndex { $0.name == name }
    }

    public func argument(_ name: String) -> String? {
        guard let i = position(of: name), i < parsed.positionals.count else { return nil }
        return parsed.positionals[i]
    }

    public func arguments(_ name: String) -> [String] {
        guard let i = position(of: name), i < parsed.positionals.count else { return [] }
        return Array(parsed.positionals[i...])
    }

    /// The references given as arguments, as they were typed (each is resolved, and reported, by
    /// the action); or, when the only one is `-`, the lines of stdin (`StdinReferences`), every
    /// one resolved to its record's id before anything is done: a line that names no record, or
    /// several, stops the whole batch with its number and text. Either way, an id of an item of
    /// an RGK the operator does not work refuses the whole batch before anything changes (exit 7
    /// naming the RGK: `Session.requireWorks`, issue 37).
    public func ids(_ name: String) throws -> [String] {
        guard let entity = parsed.command.arguments.first(where: { $0.name == name })?.stdin else {
            preconditionFailure("\(name) of '\(commandName)' does not take stdin")
        }
        let given = arguments(name)
        guard given == ["-"] else {
            if given.contains("-") { throw MyGazError.usage(.dashAmongIds, .text(name)) }
            if string(.column) != nil { throw MyGazError.usage(.columnWithoutStdin) }
            // a reference that names nothing is that id's own error, reported by the action
            if try session.rgkScope() != nil {
                try session.requireWorks(entity, given.compactMap { try? References.resolve(db, entity, $0) })
            }
            return given
        }
        let lines = try StdinReferences.lines(io.stdin, column: string(.column))
        guard !lines.isEmpty else { throw MyGazError.usage(.stdinEmpty, .text(commandName)) }
        var ids: [Int64] = []
        try db.read {
            for line in lines {
                do {
                    ids.append(try References.resolve(db, entity, line.text))
                } catch let error as MyGazError where error.status != .database && error.status != .internalError {
                    throw MyGazError(error.status, .stdinLine, .int(line.number), .text(line.text), .message(error.message))
                }
            }
        }
        try session.requireWorks(entity, ids)
        // the same record named twice (an id and a phone, say) is acted on once
        var seen = Set<Int64>()
        return ids.filter { seen.insert($0).inserted }.map(String.init)
    }

    // MARK: accounts, within the operator's RGKs (issue 37)

    /// The account `text` names (`--rgk` for a number of several RGKs), for a list or a show: one
    /// of an RGK the operator does not work is not found, as an unknown number.
    public func account(_ text: String) throws -> AccountRef {
        let ref = try AccountRef.resolve(db, text, rgk: string(.rgk))
        guard try session.works(rgkID: ref.rgkID) else { throw MyGazError.notFound(.account, text) }
        return ref
    }

    /// The account `text` names, for a decision: one of an RGK the operator does not work is
    /// refused, naming it (exit 7).
    public func accountToDecide(_ text: String) throws -> AccountRef {
        let ref = try AccountRef.resolve(db, text, rgk: string(.rgk))
        guard try session.works(rgkID: ref.rgkID) else {
            throw MyGazError(.permission, .outsideScope, .text(session.login), .entity(.account), .text(ref.number), .text(ref.rgkCode))
        }
        return ref
    }

    /// The portal user `text` names, for a list or a show: one in none of the operator's RGKs
    /// (through her linked accounts, `ScopeCondition.user`) is not found, as an unknown login.
    public func user(_ text: String) throws -> Int64 {
        let id = try Users.resolve(db, text)
        guard try session.outsideScope(.user, [id]) == nil else { throw MyGazError.notFound(.user, text) }
        return id
    }

    /// The portal user `text` names, for a decision: one in none of the operator's RGKs is
    /// refused, naming the RGK (exit 7).
    public func userToDecide(_ text: String) throws -> Int64 {
        let id = try Users.resolve(db, text)
        try session.requireWorks(.user, [id])
        return id
    }

    // MARK: people

    /// Destructive actions: `--yes`, or a "y" typed at the terminal; otherwise exit 2.
    public func confirm(_ question: String) throws -> Bool {
        if flag(.yes) { return true }
        io.stdout.flush()
        io.stderr.flush()
        guard io.terminal.stdinIsTTY, let answer = io.prompter.ask(question + YesNo.suffix(out.lang)) else {
            throw MyGazError.usage(.needsYes, .text(commandName))
        }
        return YesNo.isYes(answer)
    }

    /// A secret from stdin (`--…-stdin`) or a no-echo prompt; never from argv.
    public func secret(fromStdin: Bool, prompt: String, confirmPrompt: String? = nil) throws -> String {
        if fromStdin {
            guard let line = io.stdin.readLine() else { throw MyGazError.invalid(.stdinEmpty, .text(commandName)) }
            return line
        }
        guard io.terminal.stdinIsTTY, let first = io.prompter.askSecret(prompt) else {
            throw MyGazError.usage(.notATerminal, .text(commandName), "use --password-stdin")
        }
        if let confirmPrompt {
            guard let second = io.prompter.askSecret(confirmPrompt), second == first else {
                throw MyGazError.invalid(.secretsDiffer)
            }
        }
        return first
    }
}
