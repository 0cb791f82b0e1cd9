import Foundation
import MyGazCore

/// `config`: the settings kept in the database — senders, deadlines, the portal's address,
/// the programs that deliver and print.
enum ConfigCommands {
    static let keyArg = ArgumentSpec("KEY", L("the setting", "настройка"), completion: .values(SettingKey.codes))

    static let spec = CommandSpec(
        "config", L("settings kept in the database: senders, deadlines, programs", "настройки в базе: отправители, сроки, программы"),
        discussion: L("Settings live in the shared database, so every clerk's mygaz-admin sends from the same addresses and promises the same deadlines. Only an admin changes them; every change is audited. mail.from is the sender of the RGKs' messages where an RGK has no e-mail of its own (imported with 'import rgk'); mail.support_from the sender of technical support's answers. 'outbox send' refuses to send without them.",
                      "Настройки хранятся в общей базе, поэтому у всех сотрудников письма уходят с одних и тех же адресов и обещаются одни и те же сроки. Менять их может только администратор; каждое изменение попадает в журнал. mail.from — отправитель писем РГК, у которой нет своего e-mail (загружается «import rgk»); mail.support_from — отправитель ответов технической поддержки. Без них «outbox send» не отправляет."),
        subcommands: [
            CommandSpec("list", L("every setting with its value (or its default)", "все настройки и их значения (или значения по умолчанию)"),
                        access: .everyone, handler: list),
            CommandSpec("get", L("one setting's value", "значение одной настройки"), arguments: [keyArg], access: .everyone, handler: get),
            CommandSpec("set", L("change a setting (without VALUE: back to its default)", "изменить настройку (без VALUE — вернуть значение по умолчанию)"),
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

    static func list(_ inv: Invocation) throws -> ExitStatus {
        var t = Table([Column("key", L("SETTING", "НАСТРОЙКА")), Column("value", L("VALUE", "ЗНАЧЕНИЕ")),
                       Column("default", L("DEFAULT", "ПО УМОЛЧАНИЮ")), Column("updated_at", L("CHANGED", "ИЗМЕНЕНА")),
                       Column("updated_by", L("BY", "КЕМ"))])
        for s in try Settings.list(inv.db) {
            t.append([Cell(.text(s.key.rawValue)), Cell(.of(s.value), display: s.value ?? "—", style: s.value == nil ? .red : .plain),
                      Cell(.bool(s.isDefault), display: s.isDefault ? L("yes", "да")(inv.out.lang) : ""),
                      Cell(.of(s.updatedAt), display: s.updatedAt.map { Timestamp.display($0) } ?? ""), Cell(.of(s.updatedBy))])
        }
        inv.out.table(t)
        return .success
    }

    static func get(_ inv: Invocation) throws -> ExitStatus {
        let key = try key(inv)
        let value = try Settings.get(inv.db, key)
        inv.out.object([("key", .text(key.rawValue)), ("value", .of(value))], human: [Message(.verbatim, [.text(value ?? "—")])])
        return .success
    }

    static func set(_ inv: Invocation) throws -> ExitStatus {
        let key = try key(inv)
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
