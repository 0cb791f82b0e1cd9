import Foundation
import MyGazCore

/// `config`: the settings kept in the database — senders, deadlines, the portal's address — and
/// the programs that deliver and print, read from the configuration file or the environment.
enum ConfigCommands {
    static let keyArg = ArgumentSpec("KEY", L("the setting", "настройка"), completion: .values(SettingKey.codes))

    static let spec = CommandSpec(
        "config", L("settings: senders, deadlines, programs to run", "настройки: отправители, сроки, программы"),
        discussion: L("Settings live in the shared database, so every clerk's mygaz-admin sends from the same addresses and promises the same deadlines. Only an admin changes them; every change is audited. mail.from is the sender of the RGKs' messages where an RGK has no e-mail of its own (imported with 'import rgk'); mail.support_from the sender of technical support's answers. 'outbox send' refuses to send without them. The programs mygaz-admin runs (mail.sendmail, sms.command, print.command) and the mail relay (mail.smtp, mail.smtp_user, mail.smtp_password_file, mail.smtp_ca_file) are never read from the database, which every member of its group can change: they come from an option, the environment (MYGAZ_SENDMAIL, MYGAZ_SMS_COMMAND, MYGAZ_PRINT_COMMAND, MYGAZ_SMTP…) or /etc/mygaz-admin.conf (MYGAZ_CONFIG names another file), 'key = value' lines read only when root or the running login owns the file and its directory and nobody else may change them (exit 7 otherwise). 'config list' shows where each value comes from.",
                      "Настройки хранятся в общей базе, поэтому у всех сотрудников письма уходят с одних и тех же адресов и обещаются одни и те же сроки. Менять их может только администратор; каждое изменение попадает в журнал. mail.from — отправитель писем РГК, у которой нет своего e-mail (загружается «import rgk»); mail.support_from — отправитель ответов технической поддержки. Без них «outbox send» не отправляет. Программы, которые запускает mygaz-admin (mail.sendmail, sms.command, print.command), и почтовый сервер (mail.smtp, mail.smtp_user, mail.smtp_password_file, mail.smtp_ca_file) никогда не берутся из базы, которую может изменить любой участник ее группы: они задаются параметром, переменной окружения (MYGAZ_SENDMAIL, MYGAZ_SMS_COMMAND, MYGAZ_PRINT_COMMAND, MYGAZ_SMTP…) или в /etc/mygaz-admin.conf (другой файл — MYGAZ_CONFIG), строками «ключ = значение»; файл читается, только если он и его каталог принадлежат root или запустившему пользователю и никто другой не может их изменить (иначе код 7). «config list» показывает, откуда взято каждое значение."),
        subcommands: [
            CommandSpec("list", L("every setting with its value and where it comes from", "все настройки, их значения и откуда они взяты"),
                        access: .everyone, handler: list),
            CommandSpec("get", L("one setting's value", "значение одной настройки"), arguments: [keyArg], access: .everyone, handler: get),
            CommandSpec("set", L("change a setting kept in the database (without VALUE: back to its default)", "изменить настройку в базе (без VALUE — вернуть значение по умолчанию)"),
                        arguments: [keyArg, ArgumentSpec("VALUE", L("the new value", "новое значение"), arity: .optional)],
                        examples: [Example("mygaz-admin config set mail.from abon@vologda-gaz.example",
                                           L("The sender of the RGKs' messages.", "Отправитель писем РГК."))],
                        access: .admins, handler: set),
        ])

    static func key(_ inv: Invocation) throws -> SettingKey {
        let text = inv.argument("KEY")!
        guard let key = SettingKey(rawValue: text) else { throw MyGazError.usage(.settingUnknown, .text(text)) }
        return key
    }

    /// Where a value comes from, as a person reads it: «file /etc/mygaz-admin.conf».
    static func source(_ source: SettingSource, _ lang: Lang) -> String {
        let word: L
        switch source {
        case .option: word = L("option", "параметр")
        case .environment: word = L("environment", "окружение")
        case .file: word = L("file", "файл")
        case .database: word = L("database", "база")
        case .default: word = L("default", "по умолчанию")
        }
        return [word(lang), source.name].compactMap { $0 }.joined(separator: " ")
    }

    /// Rows of command settings a database still holds are ignored: said on stderr.
    static func warnIgnored(_ inv: Invocation) throws {
        for (key, value) in try Settings.ignoredRows(inv.db) {
            inv.out.warn(.settingIgnoredInDatabase, .text(key.rawValue), .text(value), .text(ConfigFile.path(inv.io.environment)),
                         .text(key.environmentVariable ?? ""))
        }
    }

    static func list(_ inv: Invocation) throws -> ExitStatus {
        var t = Table([Column("key", L("SETTING", "НАСТРОЙКА")), Column("value", L("VALUE", "ЗНАЧЕНИЕ"), cut: 16),
                       Column("source", L("SOURCE", "ИСТОЧНИК")), Column("source_name", L("FROM", "ОТКУДА"), .machineOnly),
                       Column("default", L("DEFAULT", "ПО УМОЛЧАНИЮ"), .machineOnly), Column("updated_at", L("CHANGED", "ИЗМЕНЕНА"), priority: 1),
                       Column("updated_by", L("BY", "КЕМ"), priority: 2)])
        for s in try Settings.list(inv.db, environment: inv.io.environment) {
            t.append([Cell(.text(s.key.rawValue)), Cell(.of(s.value), display: s.value ?? "—", style: s.value == nil ? .red : .plain),
                      Cell(.text(s.source.code), display: source(s.source, inv.out.lang)), Cell(.of(s.source.name)),
                      Cell(.bool(s.isDefault)),
                      Cell(.of(s.updatedAt), display: s.updatedAt.map { Timestamp.display($0) } ?? ""), Cell(.of(s.updatedBy))])
        }
        try warnIgnored(inv)
        inv.out.table(t)
        return .success
    }

    static func get(_ inv: Invocation) throws -> ExitStatus {
        let key = try key(inv)
        let s = try Settings.value(inv.db, key, environment: inv.io.environment)
        inv.out.object([("key", .text(key.rawValue)), ("value", .of(s.value)), ("source", .text(s.source.code)), ("source_name", .of(s.source.name))],
                       human: [Message(.verbatim, [.text(s.value ?? "—")])])
        return .success
    }

    static func set(_ inv: Invocation) throws -> ExitStatus {
        let key = try key(inv)
        if key.isCommand {
            // with a value: refused, naming where it is read from; without one: a row left in the
            // database is removed
            let changed = try Settings.set(inv.session, key, inv.argument("VALUE"), environment: inv.io.environment)
            inv.out.results([ActionResult(id: key.rawValue, outcome: changed ? .changed : .unchanged, status: nil,
                                          human: Message(changed ? .settingRowRemoved : .settingUnchanged, [.text(key.rawValue), .text("—")]),
                                          extra: [("value", .null)])])
            return .success
        }
        let old = try Settings.get(inv.db, key)
        let changed = try Settings.set(inv.session, key, inv.argument("VALUE"))
        let new = try Settings.get(inv.db, key)
        inv.out.results([ActionResult(id: key.rawValue, outcome: changed ? .changed : .unchanged, status: nil,
                                      human: changed ? Message(.settingChanged, [.text(key.rawValue), .text(old ?? "—"), .text(new ?? "—")])
                                                     : Message(.settingUnchanged, [.text(key.rawValue), .text(new ?? "—")]),
                                      extra: [("value", .of(new))])])
        return .success
    }
}
