import MyGazCore

/// The command tree walked once, for everything generated from it: every visible command with
/// its path, in tree order. The manual, the help's command lists and the completion scripts
/// read this table; none walks the tree on its own.
struct CommandTable {
    struct Entry {
        /// root … command
        let path: [CommandSpec]
        var command: CommandSpec { path[path.count - 1] }
        /// "" for the root, "reading accept" for an action
        var name: String { path.dropFirst().map(\.name).joined(separator: " ") }
        var isAction: Bool { command.handler != nil }
    }

    let root: CommandSpec
    let entries: [Entry]

    init(root: CommandSpec = CommandTree.root) {
        self.root = root
        var entries: [Entry] = []
        func visit(_ path: [CommandSpec]) {
            entries.append(Entry(path: path))
            for sub in path[path.count - 1].visibleSubcommands { visit(path + [sub]) }
        }
        visit([root])
        self.entries = entries
    }

    /// The groups under the root, each with its visible actions (a group that is itself an action has none).
    var groups: [(group: Entry, actions: [Entry])] {
        entries.filter { $0.path.count == 2 }.map { group in
            (group, entries.filter { $0.path.count == 3 && $0.path[1].name == group.command.name })
        }
    }

    /// The daily work, for the manual's EXAMPLES: the examples the specs mark featured.
    var featuredExamples: [Example] { entries.flatMap { $0.command.examples.filter(\.featured) } }
}

/// The command tree flattened for the completion scripts: per command path, its actions,
/// options and arguments, with how each value completes. All three scripts are written from
/// this one table, and each walks the command line the way the parser does.
struct CompletionTable {
    struct Node {
        /// "" for the root, "user list" for an action
        let path: String
        let subcommands: [(name: String, summary: String)]
        let options: [OptionSpec]
        let arguments: [ArgumentSpec]
    }

    /// The scope of the global options in the tables, and the root's (shells have no empty keys).
    static let globalScope = "GLOBAL"
    static let rootScope = "ROOT"

    let nodes: [Node]
    let globals: [OptionSpec]

    init(_ table: CommandTable = CommandTable(), globals: [OptionSpec] = GlobalOptions.all) {
        var nodes: [Node] = []
        for entry in table.entries {
            let command = entry.command
            let path = entry.path.dropFirst().map(\.name)
            var subcommands = command.visibleSubcommands.map { ($0.name, $0.summary.en) }
            var arguments = command.arguments
            if path.isEmpty {
                // `help` is the parser's, not a node of the tree: it takes a command path or a topic
                subcommands.append(("help", "help on a command or a topic"))
                nodes.append(Node(path: "help", subcommands: subcommands.dropLast() + HelpTopics.all.map { ($0.name, $0.summary.en) },
                                  options: [], arguments: []))
                arguments = []
            } else if !subcommands.isEmpty {
                // `help GROUP ACTION`: the same path under help
                nodes.append(Node(path: "help " + path.joined(separator: " "), subcommands: subcommands, options: [], arguments: []))
            }
            nodes.append(Node(path: path.isEmpty ? Self.rootScope : path.joined(separator: " "), subcommands: subcommands,
                              options: command.options.filter { !$0.hidden }, arguments: arguments))
        }
        self.nodes = nodes.sorted { $0.path < $1.path }
        self.globals = globals.filter { !$0.hidden }
    }

    /// How a value completes, as the scripts read it: "" nothing, "@file", "@user", "@group",
    /// "@live:SOURCE", or the fixed words separated by spaces.
    static func spec(_ completion: ValueCompletion) -> String {
        switch completion {
        case .none: return ""
        case .file: return "@file"
        case .osUser: return "@user"
        case .osGroup: return "@group"
        case .values(let words): return words.joined(separator: " ")
        case .live(let source): return "@live:\(source.rawValue)"
        }
    }

    /// (scope, option) for every option: the global ones under `globalScope`.
    var scopedOptions: [(scope: String, option: OptionSpec)] {
        globals.map { (Self.globalScope, $0) } + nodes.flatMap { node in node.options.map { (node.path, $0) } }
    }

    /// The argument specs of a node, joined by "|", and whether the last one repeats.
    static func arguments(_ node: Node) -> (specs: String, repeats: Bool) {
        let specs = node.arguments.map { spec($0.completion) }.joined(separator: "|")
        let repeats = node.arguments.last.map { $0.arity == .variadic || $0.arity == .optionalVariadic } ?? false
        return (specs, repeats)
    }
}

