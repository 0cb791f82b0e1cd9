import Foundation
import MyGazCore

/// Where this program is, for commands it hands to other processes.
public enum Executable {
    public static var path: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    public static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}

public enum Version {
    public static let string = "0.1.0"
}

/// The process's arguments as the kernel gave them: each must be UTF-8. Swift would otherwise
/// repair a bad byte into U+FFFD, and `--db $'/tmp/\xff.db'` would open another file.
public enum ProcessArguments {
    public enum Read: Sendable {
        case valid([String])
        /// The 1-based position of the first argument that is not UTF-8, shown with its bytes escaped.
        case notUTF8(position: Int, shown: String)
    }

    public static func read() -> Read {
        var arguments: [String] = []
        for index in 1..<Int(CommandLine.argc) {
            guard let pointer = CommandLine.unsafeArgv[index] else { continue }
            guard let text = String(validatingCString: pointer) else {
                let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: strlen(pointer))
                return .notUTF8(position: index, shown: escaped(Array(bytes)))
            }
            arguments.append(text)
        }
        return .valid(arguments)
    }

    /// Printable ASCII as it is, every other byte as \xHH.
    static func escaped(_ bytes: [UInt8]) -> String {
        bytes.map { $0 >= 0x20 && $0 < 0x7F && $0 != 0x5C ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined()
    }
}

/// argv → parser → handler → renderer → exit status. The executable is a few lines around this.
public func run(_ arguments: [String], io: IO) -> Int32 {
    let status = Runner(io: io).run(arguments)
    io.stdout.flush()
    io.stderr.flush()
    return status.rawValue
}

public func run(_ arguments: ProcessArguments.Read, io: IO) -> Int32 {
    switch arguments {
    case .valid(let arguments): return run(arguments, io: io)
    case .notUTF8(let position, let shown):
        let out = Output(io: io, format: .table, lang: Lang.detect(io.environment),
                         color: Globals.colorAllowed(noColorFlag: false, environment: io.environment), quiet: false)
        out.error(MyGazError.usage(.argumentNotUTF8, .int(position), .text(shown)))
        io.stderr.flush()
        return ExitStatus.usage.rawValue
    }
}

struct Runner {
    let io: IO

    func run(_ arguments: [String]) -> ExitStatus {
        let parser = Parser(root: CommandTree.root, globals: GlobalOptions.all)
        let parsed: ParsedCommand
        do {
            parsed = try parser.parse(arguments)
        } catch {
            return fail(error, output: fallbackOutput(arguments), path: "")
        }
        let globals: Globals
        do {
            globals = try Globals.resolve(parsed, environment: io.environment)
        } catch {
            return fail(error, output: fallbackOutput(arguments), path: "")
        }
        let out = Output(io: io, format: globals.format, lang: globals.lang, color: globals.color, quiet: globals.quiet, header: globals.header)

        if parsed.versionRequested {
            io.stdout.write("mygaz-admin \(Version.string) (schema \(Schema.currentVersion))\n")
            return .success
        }
        if let words = parsed.helpWords {
            return help(words, out: out)
        }
        if parsed.helpRequested {
            io.stdout.write(HelpText.render(parsed.path, lang: globals.lang, width: helpWidth))
            return .success
        }
        let command = parsed.command
        guard let handler = command.handler else {
            // a group without an action: show what it offers, but as a usage error
            let actions = command.visibleSubcommands.map(\.name).joined(separator: ", ")
            out.error(MyGazError.usage(.missingSubcommand, .text(parsed.path.count == 1 ? "mygaz-admin" : parsed.commandName), .text(actions)))
            io.stderr.write("\n" + HelpText.render(parsed.path, lang: globals.lang, width: helpWidth))
            return .usage
        }

        // not on Tab: a completion must print nothing but its values
        if globals.passwordInArgv && !command.hidden { out.warn(.passwordInArgv) }
        let invocation = Invocation(parsed: parsed, io: io, out: out, globals: globals)
        do {
            if case .roles(let roles) = command.access {
                invocation.openedSession = try openSession(globals)
                try invocation.session.require(roles, command: parsed.commandName)
            }
            let status = try handler(invocation)
            return status
        } catch {
            return fail(error, output: out, path: globals.dbShown)
        }
    }

    var helpWidth: Int { io.terminal.stdoutIsTTY ? min(io.terminal.width, 120) : 100 }

    func openSession(_ globals: Globals) throws -> Session {
        let db = try Engines.open(globals.dbPath, purpose: .use, busyTimeoutMs: globals.busyTimeoutMs)
        // on a server with operators' roles, the role she connected as; else the OS login
        let serverLogin: String?
        do { serverLogin = try ServerRoles.login(db) } catch { throw MyGazError.from(error, path: db.path) }
        guard let login = serverLogin ?? io.login else {
            throw MyGazError(.permission, .noOSLogin, .int(Int(OSLogin.effectiveUID)))
        }
        return Session(db: db, login: login, clock: io.clock)
    }

    func help(_ words: [String], out: Output) -> ExitStatus {
        if words.count == 1, let topic = HelpTopics.find(words[0]) {
            io.stdout.write(topic.body(out.lang))
            return .success
        }
        var path = [CommandTree.root]
        for word in words {
            guard let next = path.last!.subcommand(word) else {
                let candidates = path.last!.visibleSubcommands.map(\.name) + (path.count == 1 ? HelpTopics.all.map(\.name) : [])
                let scope = (["mygaz-admin"] + path.dropFirst().map(\.name)).joined(separator: " ")
                if let suggestion = Suggest.closest(to: word, in: candidates) {
                    out.error(MyGazError.usage(.unknownCommandSuggest, .text(word), .text(scope), .text(suggestion)))
                } else {
                    out.error(MyGazError.usage(.unknownCommand, .text(word), .text(scope)))
                }
                return .usage
            }
            path.append(next)
        }
        io.stdout.write(HelpText.render(path, lang: out.lang, width: helpWidth))
        return .success
    }

    func fail(_ error: Error, output: Output, path: String) -> ExitStatus {
        let mine = MyGazError.from(error, path: path)
        output.error(mine)
        return mine.status
    }

    /// Before the globals are known (a parse error), honour `--lang`/`--no-color` as best we can.
    func fallbackOutput(_ arguments: [String]) -> Output {
        var lang = Lang.detect(io.environment)
        for (i, word) in arguments.enumerated() {
            if word == "--lang", i + 1 < arguments.count, let l = Lang(rawValue: arguments[i + 1]) { lang = l }
            if word.hasPrefix("--lang="), let l = Lang(rawValue: String(word.dropFirst(7))) { lang = l }
        }
        let color = Globals.colorAllowed(noColorFlag: arguments.contains("--no-color"), environment: io.environment)
        return Output(io: io, format: .table, lang: lang, color: color, quiet: false)
    }
}
