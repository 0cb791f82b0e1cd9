import Foundation
import MyGazCore

/// `completion bash|zsh|fish|man` and the hidden `__complete` the scripts call for live values.
enum CompletionCommands {
    static func script(_ name: String, _ summary: L, _ body: @escaping @Sendable () -> String) -> CommandSpec {
        CommandSpec(name, summary, access: .noDatabase, handler: { inv in
            inv.io.stdout.write(body())
            return .success
        })
    }

    static let spec = CommandSpec(
        "completion", L("shell completion scripts and the manual page, generated from the command model",
                        "скрипты дополнения для оболочек и страница man, созданные по модели команд"),
        discussion: L("The scripts complete groups, actions, options and fixed values from the command model, and live values (ids of pending readings, open applications and tickets, RGK codes, logins…) by calling 'mygaz-admin __complete', which honours --db and MYGAZ_DB. The files in completions/ and man/ of the source tree are this output.",
                      "Скрипты дополняют группы, действия, параметры и фиксированные значения по модели команд, а живые значения (номера показаний в очереди, открытых заявок и обращений, коды РГК, логины…) — вызовом «mygaz-admin __complete», который учитывает --db и MYGAZ_DB. Файлы completions/ и man/ в исходниках — это вывод этих команд."),
        subcommands: [
            script("bash", L("the bash completion script", "скрипт дополнения для bash")) { CompletionScripts.bash() },
            script("zsh", L("the zsh completion function (_mygaz-admin)", "функция дополнения для zsh (_mygaz-admin)")) { CompletionScripts.zsh() },
            script("fish", L("the fish completions", "дополнения для fish")) { CompletionScripts.fish() },
            script("man", L("the manual page, in roff (man/mygaz-admin.1)", "страница руководства в формате roff (man/mygaz-admin.1)")) { Manual.render() },
        ],
        examples: [
            Example("mygaz-admin completion bash > /usr/share/bash-completion/completions/mygaz-admin", L("Install for bash.", "Установить для bash.")),
            Example("mygaz-admin completion zsh > /usr/local/share/zsh/site-functions/_mygaz-admin", L("Install for zsh.", "Установить для zsh.")),
            Example("mygaz-admin completion fish > ~/.config/fish/completions/mygaz-admin.fish", L("Install for fish.", "Установить для fish.")),
            Example("mygaz-admin completion man > /usr/local/share/man/man1/mygaz-admin.1", L("Install the manual page.", "Установить страницу руководства.")),
        ],
        access: .noDatabase)

    /// `__complete SOURCE [PREFIX]`: `value<TAB>description` lines. Never a word on stderr,
    /// always exit 0: no database, an old schema or an unknown operator just give nothing.
    static let live = CommandSpec(
        "__complete", L("live values for the completion scripts", "живые значения для скриптов дополнения"),
        arguments: [ArgumentSpec("SOURCE", L("where the values come from", "откуда значения"), arity: .optional,
                                 completion: .values(LiveSource.allCases.map(\.rawValue))),
                    ArgumentSpec("PREFIX", L("the word typed so far", "уже набранная часть"), arity: .optional)],
        access: .noDatabase, hidden: true, handler: { inv in
            guard let source = inv.argument("SOURCE").flatMap(LiveSource.init(rawValue:)), let login = inv.io.login,
                  let candidates = try? candidates(path: inv.globals.dbPath, login: login, source: source, prefix: inv.argument("PREFIX") ?? "")
            else { return .success }
            var text = ""
            for c in candidates { text += c.value + (c.description.isEmpty ? "" : "\t" + c.description) + "\n" }
            inv.io.stdout.write(text)
            return .success
        })

    static func candidates(path: String, login: String, source: LiveSource, prefix: String) throws -> [LiveValues.Candidate] {
        // read-only and not waiting: a shell must never hang on Tab
        guard let db = Engines.glance(path, waitMs: 100), try Operators.find(db, login) != nil else { return [] }
        return try LiveValues.candidates(db, source, prefix: prefix, scope: Operators.scopeIDs(db, of: login))
    }
}
