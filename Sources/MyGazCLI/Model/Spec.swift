import MyGazCore

extension L {
    /// The text in the clerk's language.
    public func callAsFunction(_ lang: Lang) -> String { lang == .ru ? ru : en }
}

/// What a shell may offer for a value.
public enum ValueCompletion: Sendable, Equatable {
    case none
    case file
    case osUser     // the system's logins (operator add)
    case osGroup    // the system's groups (init --group)
    case values([String])
    case live(LiveSource)
}

public struct OptionSpec: Sendable {
    public let name: OptionName
    public var long: String { name.rawValue }
    public let short: Character?
    /// The value's placeholder (`CODE`); nil for a flag.
    public let value: String?
    public let help: L
    public let repeatable: Bool
    /// Fixed choices, checked by the parser; a comma list when `commaList`.
    public let choices: [String]?
    /// What may be typed for a choice besides its code (its labels, by a unique beginning). Made
    /// when asked (a value parsed, a completion script written), not for every option of the
    /// command tree at every start: folding all their labels cost each process ~1 ms.
    public var choiceWords: ChoiceWords? { choices.map(ChoiceWords.init) }
    public let commaList: Bool
    private let givenCompletion: ValueCompletion?
    public var completion: ValueCompletion {
        givenCompletion ?? (choices.map { .values($0 + (choiceWords?.completions ?? [])) } ?? .none)
    }
    public let hidden: Bool

    public init(_ name: OptionName, short: Character? = nil, value: String? = nil, _ help: L,
                repeatable: Bool = false, choices: [String]? = nil, commaList: Bool = false,
                completion: ValueCompletion? = nil, hidden: Bool = false) {
        self.name = name
        self.short = short
        self.value = value
        self.help = help
        self.repeatable = repeatable
        self.choices = choices
        self.commaList = commaList
        self.givenCompletion = completion
        self.hidden = hidden
    }

    public var takesValue: Bool { value != nil }

    /// `-l, --limit N`
    public var synopsis: String {
        var text = short.map { "-\($0), " } ?? ""
        text += "--\(long)"
        if let value { text += " \(value)" }
        return text
    }
}

public struct ArgumentSpec: Sendable {
    /// `optionalVariadic`: zero or more (the command has another way to choose, e.g. `--all-valid`).
    public enum Arity: Sendable, Equatable { case required, optional, variadic, optionalVariadic }
    public let name: String
    public let help: L
    public let arity: Arity
    /// `-` reads the values from stdin, one per line.
    /// With `-` in its place, the records of this kind are read from stdin, a line each.
    public let stdin: Entity?
    public var acceptsStdin: Bool { stdin != nil }
    public let completion: ValueCompletion

    public init(_ name: String, _ help: L, arity: Arity = .required, stdin: Entity? = nil,
                completion: ValueCompletion = .none) {
        self.name = name
        self.help = help
        self.arity = arity
        self.stdin = stdin
        self.completion = completion
    }

    public var synopsis: String {
        let many = arity == .variadic || arity == .optionalVariadic
        let base = acceptsStdin ? "\(name)…|-" : (many ? "\(name)…" : name)
        return arity == .optional || arity == .optionalVariadic ? "[\(base)]" : base
    }
}

public struct Example: Sendable {
    public let command: String
    public let help: L
    /// The daily work: also shown in the manual's EXAMPLES.
    public let featured: Bool
    public init(_ command: String, _ help: L, featured: Bool = false) {
        self.command = command
        self.help = help
        self.featured = featured
    }
}

/// Who may run a command.
public enum Access: Sendable, Equatable {
    case noDatabase          // help, completion scripts, version
    case opensItself         // init, demo: they create or migrate the file
    case roles(Set<Role>)

    public static let everyone = Access.roles(Set(Role.allCases))
    public static let clerks = Access.roles([.clerk, .admin])
    public static let support = Access.roles([.support, .admin])
    public static let admins = Access.roles([.admin])
}

public typealias Handler = @Sendable (Invocation) throws -> ExitStatus

/// One node of the command tree: the single source of truth for parsing, `--help`,
/// the man page and the shell completions.
public struct CommandSpec: Sendable {
    public let name: String
    public let summary: L
    public var discussion: L?
    public var arguments: [ArgumentSpec]
    public var options: [OptionSpec]
    public var subcommands: [CommandSpec]
    public var examples: [Example]
    public var access: Access
    public var handler: Handler?
    public var hidden: Bool

    /// An action: who may run it is always said (there is no default role), and what it does.
    public init(_ name: String, _ summary: L, discussion: L? = nil, arguments: [ArgumentSpec] = [],
                options: [OptionSpec] = [], examples: [Example] = [],
                access: Access, hidden: Bool = false, handler: @escaping Handler) {
        self.init(name, summary, discussion: discussion, arguments: arguments, options: options, subcommands: [], examples: examples,
                  access: access, hidden: hidden, handler: Optional(handler))
    }

    /// A group of actions: it runs nothing itself, so it has no roles.
    public init(_ name: String, _ summary: L, discussion: L? = nil, subcommands: [CommandSpec], examples: [Example] = [],
                access: Access = .noDatabase) {
        self.init(name, summary, discussion: discussion, arguments: [], options: [], subcommands: subcommands, examples: examples,
                  access: access, hidden: false, handler: nil)
    }

    private init(_ name: String, _ summary: L, discussion: L?, arguments: [ArgumentSpec],
                 options: [OptionSpec], subcommands: [CommandSpec], examples: [Example],
                 access: Access, hidden: Bool, handler: Handler?) {
        self.name = name
        self.summary = summary
        self.discussion = discussion
        self.arguments = arguments
        // an action that reads references from stdin says which field of a line holds them
        self.options = options + (arguments.contains(where: \.acceptsStdin) ? [.referenceColumn] : [])
        self.subcommands = subcommands
        self.examples = examples
        self.access = access
        self.hidden = hidden
        self.handler = handler
    }

    public func subcommand(_ name: String) -> CommandSpec? { subcommands.first { $0.name == name } }
    public func option(long: String) -> OptionSpec? { options.first { $0.long == long } }
    public func option(short: Character) -> OptionSpec? { options.first { $0.short == short } }
    public var visibleSubcommands: [CommandSpec] { subcommands.filter { !$0.hidden } }
}
