import MyGazCore

/// The result of matching argv against the command tree.
public struct ParsedCommand: Sendable {
    /// root … the command that runs
    public var path: [CommandSpec]
    /// long option name → the values given, in order ("" for each use of a flag)
    public var options: [String: [String]] = [:]
    public var positionals: [String] = []
    public var helpRequested = false
    public var versionRequested = false
    /// `help TOPIC…` — the words after `help`.
    public var helpWords: [String]? = nil

    public var command: CommandSpec { path[path.count - 1] }
    public var commandName: String { path.dropFirst().map(\.name).joined(separator: " ") }
}

/// GNU-style parsing: long and short options, `--opt=value`, `-abc` clusters, `-n5`,
/// `--` to end options, repeated options, global options anywhere.
public struct Parser {
    public let root: CommandSpec
    public let globals: [OptionSpec]

    public init(root: CommandSpec, globals: [OptionSpec]) {
        self.root = root
        self.globals = globals
    }

    public func parse(_ arguments: [String]) throws -> ParsedCommand {
        var parsed = ParsedCommand(path: [root])
        var index = 0
        var endOfOptions = false

        func lookup(long: String) -> OptionSpec? {
            parsed.command.option(long: long) ?? globals.first { $0.long == long }
        }
        func lookup(short: Character) -> OptionSpec? {
            parsed.command.option(short: short) ?? globals.first { $0.short == short }
        }
        /// The value an option takes: written onto it (--opt=value, -nVALUE), else the next word; nil for a flag.
        func value(of option: OptionSpec, inline: String?, spelled: String) throws -> String? {
            guard option.takesValue else { return nil }
            if let inline { return inline }
            guard index < arguments.count else { throw MyGazError.usage(.missingValue, .text(spelled), .text(option.value!)) }
            index += 1
            return arguments[index - 1]
        }
        func record(_ option: OptionSpec, _ value: String?, spelled: String) throws {
            if option.name == .help { parsed.helpRequested = true; return }
            if option.name == .version { parsed.versionRequested = true; return }
            var value = value
            if let typed = value, let choices = option.choices, let words = option.choiceWords {
                // a label (or the unique beginning of one) is taken as its code: one place for every option
                let parts = option.commaList ? typed.split(separator: ",").map(String.init) : [typed]
                let codes = try parts.map { part -> String in
                    switch words.resolve(part) {
                    case .code(let code): return code
                    case .ambiguous(let several):
                        throw MyGazError.usage(.badChoiceAmbiguous, .text(spelled), .text(part),
                                               words.domain.map { .codes($0, several) } ?? .text(several.joined(separator: ", ")))
                    case .unknown:
                        throw MyGazError.usage(.badChoice, .text(spelled), .text(part), .text(choices.joined(separator: ", ")))
                    }
                }
                value = codes.joined(separator: ",")
            }
            parsed.options[option.long, default: []].append(value ?? "")
        }

        while index < arguments.count {
            let word = arguments[index]
            index += 1
            if parsed.helpWords != nil {
                // after `help`, everything is a topic or command path, except options
                if word.hasPrefix("-") && word != "-" {
                    if word == "--help" || word == "-h" { continue }
                } else {
                    parsed.helpWords?.append(word)
                    continue
                }
            }
            if !endOfOptions && word == "--" {
                endOfOptions = true
                continue
            }
            if !endOfOptions && word.hasPrefix("--") {
                let body = word.dropFirst(2)
                let name: String, inline: String?
                if let eq = body.firstIndex(of: "=") {
                    name = String(body[..<eq]); inline = String(body[body.index(after: eq)...])
                } else {
                    name = String(body); inline = nil
                }
                guard let option = lookup(long: name) else {
                    throw unknownOption("--\(name)", candidates: (parsed.command.options + globals).map { "--\($0.long)" })
                }
                if !option.takesValue && inline != nil { throw MyGazError.usage(.unexpectedValue, .text("--\(name)")) }
                try record(option, try value(of: option, inline: inline, spelled: "--\(name)"), spelled: "--\(name)")
                continue
            }
            // a negative number (`config set payment.stuck_days -3`) is a value, not options: no
            // short option is a digit, so it cannot be one
            if !endOfOptions && word.hasPrefix("-") && word.count > 1 && !Self.isNegativeNumber(word) {
                var characters = Array(word.dropFirst())
                while !characters.isEmpty {
                    let letter = characters.removeFirst()
                    guard let option = lookup(short: letter) else {
                        let known = (parsed.command.options + globals).compactMap { $0.short.map { "-\($0)" } }
                        throw unknownOption("-\(letter)", candidates: known)
                    }
                    // the rest of the cluster is the value (-n5), else the next word is
                    let inline = option.takesValue && !characters.isEmpty ? String(characters) : nil
                    if inline != nil { characters = [] }
                    try record(option, try value(of: option, inline: inline, spelled: "-\(letter)"), spelled: "-\(letter)")
                }
                continue
            }
            // a word: a subcommand while we are at a group, else a positional argument
            if !parsed.command.subcommands.isEmpty && parsed.positionals.isEmpty {
                if parsed.path.count == 1 && word == "help" && !endOfOptions {
                    parsed.helpWords = []
                    continue
                }
                if let sub = parsed.command.subcommand(word) {
                    parsed.path.append(sub)
                    continue
                }
                if parsed.command.handler == nil {
                    if parsed.helpRequested { continue }
                    let names = parsed.command.visibleSubcommands.map(\.name) + (parsed.path.count == 1 ? ["help"] : [])
                    let scope = parsed.path.count == 1 ? "mygaz-admin" : "mygaz-admin " + parsed.commandName
                    if let suggestion = Suggest.closest(to: word, in: names) {
                        throw MyGazError.usage(.unknownCommandSuggest, .text(word), .text(scope), .text(suggestion))
                    }
                    throw MyGazError.usage(.unknownCommand, .text(word), .text(scope))
                }
            }
            parsed.positionals.append(word)
        }

        if parsed.helpRequested || parsed.versionRequested || parsed.helpWords != nil { return parsed }
        try checkArity(parsed)
        return parsed
    }

    private func checkArity(_ parsed: ParsedCommand) throws {
        let command = parsed.command
        guard command.handler != nil else { return }   // a group: the runner shows its help
        let specs = command.arguments
        let required = specs.filter { $0.arity == .required || $0.arity == .variadic }.count
        let variadic = specs.contains { $0.arity == .variadic || $0.arity == .optionalVariadic }
        if parsed.positionals.count < required {
            let missing = specs.filter { $0.arity == .required || $0.arity == .variadic }[parsed.positionals.count]
            throw MyGazError.usage(.missingArgument, .text(missing.name), .text(parsed.commandName))
        }
        if !variadic && parsed.positionals.count > specs.count {
            throw MyGazError.usage(.tooManyArguments, .text(parsed.positionals[specs.count]), .text(parsed.commandName))
        }
    }

    /// `-3`, `-0.5`, `-1,5`: a minus and a number.
    static func isNegativeNumber(_ word: String) -> Bool {
        let rest = word.dropFirst()
        let digit = { (c: Character) in c.isASCII && c.isNumber }
        return word.first == "-" && rest.first.map(digit) == true && rest.allSatisfy { digit($0) || $0 == "." || $0 == "," }
    }

    private func unknownOption(_ spelled: String, candidates: [String]) -> MyGazError {
        if let suggestion = Suggest.closest(to: spelled, in: candidates) {
            return MyGazError.usage(.unknownOptionSuggest, .text(spelled), .text(suggestion))
        }
        return MyGazError.usage(.unknownOption, .text(spelled))
    }
}

/// "did you mean": the candidate within a small edit distance, or the only one with the prefix.
public enum Suggest {
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let limit = max(1, min(3, word.count / 3))
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(word, candidate)
            if distance <= limit && distance < (best?.1 ?? Int.max) { best = (candidate, distance) }
        }
        if let best { return best.0 }
        let prefixed = candidates.filter { $0.hasPrefix(word) && word.count >= 2 }
        return prefixed.count == 1 ? prefixed[0] : nil
    }

    /// Damerau–Levenshtein (optimal string alignment) distance.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }
}
