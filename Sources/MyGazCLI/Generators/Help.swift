import MyGazCore

/// `--help` and `help COMMAND…` text, generated from the command model.
public enum HelpText {
    public static func render(_ path: [CommandSpec], lang: Lang, width: Int = 100) -> String {
        let command = path[path.count - 1]
        let name = (["mygaz-admin"] + path.dropFirst().map(\.name)).joined(separator: " ")
        var out = "\(name) — \(command.summary(lang))\n\n"
        let usageWord = lang == .ru ? "Использование" : "Usage"

        if command.handler == nil && !command.subcommands.isEmpty {
            let placeholder = path.count == 1 ? (lang == .ru ? "<группа> <действие>" : "<group> <action>") : (lang == .ru ? "<действие>" : "<action>")
            out += "\(usageWord): \(name) \(placeholder) [\(lang == .ru ? "параметры" : "options")]\n"
        } else {
            out += "\(usageWord): \(synopsis(path))\n"
        }
        if let discussion = command.discussion {
            out += "\n" + DisplayWidth.wrap(discussion(lang), to: width).joined(separator: "\n") + "\n"
        }
        if !command.visibleSubcommands.isEmpty {
            out += "\n" + (path.count == 1 ? (lang == .ru ? "Группы команд:" : "Command groups:") : (lang == .ru ? "Действия:" : "Actions:")) + "\n"
            out += twoColumns(command.visibleSubcommands.map { ($0.name, $0.summary(lang)) }, width: width)
        }
        if !command.arguments.isEmpty {
            out += "\n" + (lang == .ru ? "Аргументы:" : "Arguments:") + "\n"
            out += twoColumns(command.arguments.map { ($0.synopsis, $0.help(lang)) }, width: width)
        }
        let options = command.options.filter { !$0.hidden }
        if !options.isEmpty {
            out += "\n" + (lang == .ru ? "Параметры:" : "Options:") + "\n"
            out += twoColumns(options.map { ($0.synopsis, optionHelp($0, lang)) }, width: width)
        }
        if path.count == 1 {
            out += "\n" + (lang == .ru ? "Общие параметры (в любом месте строки):" : "Global options (anywhere on the line):") + "\n"
            out += twoColumns(GlobalOptions.all.map { ($0.synopsis, $0.help(lang)) }, width: width)
        }
        if !command.examples.isEmpty {
            out += "\n" + (lang == .ru ? "Примеры:" : "Examples:") + "\n"
            for example in command.examples {
                out += "  $ \(example.command)\n"
                for line in DisplayWidth.wrap(example.help(lang), to: width - 6) { out += "      \(line)\n" }
            }
        }
        if let access = accessLine(command.access, lang) { out += "\n" + access + "\n" }
        if path.count == 1 {
            out += "\n" + (lang == .ru ? "Разделы справки:" : "Help topics:") + "\n"
            out += twoColumns(HelpTopics.all.map { ($0.name, $0.summary(lang)) }, width: width)
            out += "\n" + (lang == .ru ? "Подробнее: mygaz-admin help <команда|раздел>, man mygaz-admin"
                                       : "More: mygaz-admin help <command|topic>, man mygaz-admin") + "\n"
        } else if command.handler == nil {
            out += "\n" + (lang == .ru ? "Подробнее: \(name) <действие> --help; общие параметры: mygaz-admin --help"
                                       : "More: \(name) <action> --help; global options: mygaz-admin --help") + "\n"
        } else {
            out += "\n" + (lang == .ru ? "Общие параметры (--db, --format, --lang …): mygaz-admin --help"
                                       : "Global options (--db, --format, --lang …): mygaz-admin --help") + "\n"
        }
        return out
    }

    public static func synopsis(_ path: [CommandSpec]) -> String {
        let command = path[path.count - 1]
        var parts = ["mygaz-admin"] + path.dropFirst().map(\.name)
        for option in command.options where !option.hidden && isRequired(option, in: command) {
            parts.append("--\(option.long)" + (option.value.map { " \($0)" } ?? ""))
        }
        if command.options.contains(where: { !$0.hidden && !isRequired($0, in: command) }) {
            parts.append("[options]")
        }
        parts.append(contentsOf: command.arguments.map(\.synopsis))
        return parts.joined(separator: " ")
    }

    /// Options whose help begins with "required" are shown in the synopsis.
    static func isRequired(_ option: OptionSpec, in command: CommandSpec) -> Bool {
        option.help.en.hasPrefix("required")
    }

    static func optionHelp(_ option: OptionSpec, _ lang: Lang) -> String {
        var text = option.help(lang)
        if let choices = option.choices, !text.contains(choices.first ?? "\u{0}") {
            text += " (" + choices.joined(separator: ", ") + ")"
        }
        if option.repeatable { text += lang == .ru ? "; можно повторять" : "; may be repeated" }
        return text
    }

    static func accessLine(_ access: Access, _ lang: Lang) -> String? {
        guard case .roles(let roles) = access, roles != Set(Role.allCases) else { return nil }
        let names = roles.sorted().map(\.rawValue).joined(separator: ", ")
        return (lang == .ru ? "Роли: " : "Roles: ") + names
    }

    static func twoColumns(_ rows: [(String, String)], width: Int) -> String {
        let left = min(30, (rows.map { DisplayWidth.of($0.0) }.max() ?? 0) + 2)
        var out = ""
        for (name, text) in rows {
            let wrapped = DisplayWidth.wrap(text, to: max(30, width - left - 4))
            if DisplayWidth.of(name) + 2 > left {
                out += "  \(name)\n"
                for line in wrapped { out += "  " + String(repeating: " ", count: left) + line + "\n" }
            } else {
                for (i, line) in wrapped.enumerated() {
                    let head = i == 0 ? DisplayWidth.pad(name, to: left) : String(repeating: " ", count: left)
                    out += "  " + head + line + "\n"
                }
            }
        }
        return out
    }
}

/// `help TOPIC`: the pages that are not commands.
public struct HelpTopic: Sendable {
    public let name: String
    public let summary: L
    public let body: @Sendable (Lang) -> String
}

public enum HelpTopics {
    public static let all: [HelpTopic] = [
        HelpTopic(name: "exit-codes", summary: L("what each exit status means", "что означает каждый код завершения"),
                  body: exitCodes),
    ]

    public static func find(_ name: String) -> HelpTopic? { all.first { $0.name == name } }

    public static func exitCodeMeaning(_ status: ExitStatus) -> L {
        switch status {
        case .success: return L("success, including a no-op reported as \"unchanged\"", "успех, в том числе «без изменений»")
        case .internalError: return L("internal error (a bug: please report it)", "внутренняя ошибка (сообщите о ней)")
        case .usage: return L("usage error: unknown command or option, bad or missing value", "ошибка вызова: неизвестная команда или параметр, неверное или пропущенное значение")
        case .notFound: return L("not found: no such id, login, account or file", "не найдено: нет такого идентификатора, логина, счета или файла")
        case .conflict: return L("conflict: the current state does not allow it, or it already exists", "конфликт: текущее состояние этого не допускает, или объект уже существует")
        case .partial: return L("partial: a batch run with --continue-on-error, an outbox send or an import --skip-invalid did some items and not others",
                                  "частично: пакет с --continue-on-error, отправка из outbox или загрузка с --skip-invalid выполнены не для всех элементов")
        case .invalidData: return L("invalid input data: a file, stdin, or a value that breaks a rule", "неверные входные данные: файл, стандартный ввод или значение, нарушающее правило")
        case .permission: return L("permission denied: not an operator, or the role does not allow it", "нет прав: не оператор, или роль этого не позволяет")
        case .database: return L("database busy, locked, missing, unreadable, full, or of another schema version", "база занята, заблокирована, отсутствует, недоступна, переполнена или другой версии схемы")
        }
    }

    static func exitCodes(_ lang: Lang) -> String {
        var out = lang == .ru ? "Коды завершения mygaz-admin:\n\n" : "Exit codes of mygaz-admin:\n\n"
        for status in ExitStatus.allCases {
            out += "  \(status.rawValue)  \(exitCodeMeaning(status)(lang))\n"
        }
        return out
    }
}
