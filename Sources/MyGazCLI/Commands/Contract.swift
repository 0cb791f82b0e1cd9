import Foundation
import MyGazCore

/// Contracts and acts of work: «what was done under my contract, and what did it cost?»
enum ContractCommands {
    static let spec = CommandSpec(
        "contract", L("contracts of accounts: supply, equipment maintenance, connection", "договоры лицевых счетов: поставка газа, ТО ВДГО, присоединение"),
        subcommands: [
            CommandSpec("list", L("an account's or an RGK's contracts (active ones; --all with the archive)", "договоры счета или РГК (действующие; --all — с архивом)"),
                        options: [OptionSpec(.account, value: "ACCOUNT", L("this account's contracts", "договоры этого лицевого счета")), Opt.rgk,
                                  OptionSpec(.kind, value: "KIND", L("only this kind", "только этого вида"), choices: ContractKind.codes),
                                  OptionSpec(.all, L("also archived contracts", "также архивные")), Opt.limit],
                        examples: [Example("mygaz-admin contract list --account 70000011 --rgk vologda --all", L("Every contract of an account.", "Все договоры лицевого счета."))],
                        access: .everyone, handler: list),
            CommandSpec("show", L("one contract and its acts", "договор и его акты"),
                        arguments: [ArgumentSpec("NUMBER", L("the contract's number", "номер договора"))],
                        options: [Opt.rgk],
                        examples: [Example("mygaz-admin contract show П-70000011", L("A supply contract.", "Договор поставки газа."))],
                        access: .everyone, handler: show),
        ])

    /// The contract `number` names, as the operator may see it: one of an RGK she does not work is not found.
    static func contract(_ inv: Invocation, _ number: String) throws -> ContractItem {
        let c = try Contracts.find(inv.db, number, rgk: inv.string(.rgk))
        guard try inv.session.outsideScope(.contract, [c.id]) == nil else { throw MyGazError.notFound(.contract, number) }
        return c
    }

    static func list(_ inv: Invocation) throws -> ExitStatus {
        let account = try inv.string(.account).map(inv.account)
        guard account != nil || inv.string(.rgk) != nil else { throw MyGazError.usage(.oneOfRequired, .text(inv.commandName), "--account, --rgk") }
        let limit = try inv.limit()
        let rows = try Contracts.list(inv.db, account: account, rgk: account == nil ? inv.string(.rgk) : nil,
                                      kind: try inv.choice(.kind, as: ContractKind.self), all: inv.flag(.all), limit: limit,
                                      scope: inv.session.rgkScope())
        var t = Table(columns)
        for c in rows { t.append(cells(c, inv.out)) }
        if rows.count == limit { t.footer = inv.out.texts.render(.moreRows, .int(limit)) }
        inv.out.table(t)
        return .success
    }

    static func show(_ inv: Invocation) throws -> ExitStatus {
        let c = try contract(inv, inv.argument("NUMBER")!)
        var r = Record(row: cells(c, inv.out), of: columns)
        r.section("acts_of_work", L("Acts of work", "Акты выполненных работ"), ActCommands.table(try Contracts.acts(inv.db, account: nil, contract: c, limit: 1000), inv.out))
        inv.out.record(r)
        return .success
    }

    static let columns = [
        Column("rgk", L("RGK", "РГК")), Column("number", L("NUMBER", "НОМЕР")), Column("account", L("ACCOUNT", "СЧЕТ")),
        Column("holder", L("HOLDER", "ВЛАДЕЛЕЦ")), Column("kind", L("KIND", "ВИД")), Column("signed_on", L("SIGNED", "ЗАКЛЮЧЕН")),
        Column("valid_until", L("VALID UNTIL", "ДЕЙСТВУЕТ ДО")), Column("state", L("STATE", "СОСТОЯНИЕ")),
        Column("acts", L("ACTS", "АКТОВ"), align: .right),
    ]

    static func cells(_ c: ContractItem, _ out: Output) -> [Cell] {
        [Cell(.text(c.rgk)), Cell(.text(c.number)), Cell(.text(c.account)), Cell(.text(c.holder)), .code(.contractKind, c.kind, out.texts),
         AccountView.day(c.signedOn), AccountView.day(c.validUntil), .code(.contractState, c.state, out.texts, style: c.state == "active" ? .plain : .dim),
         Cell(.int(Int64(c.acts)))]
    }
}

enum ActCommands {
    static let spec = CommandSpec(
        "act", L("acts of work done under contracts, with their costs", "акты выполненных работ по договорам и их стоимость"),
        subcommands: [
            CommandSpec("list", L("an account's or a contract's acts, the newest first", "акты лицевого счета или договора, новые сверху"),
                        options: [OptionSpec(.account, value: "ACCOUNT", L("this account's acts", "акты этого лицевого счета")), Opt.rgk,
                                  OptionSpec(.contract, value: "NUMBER", L("this contract's acts", "акты этого договора")), Opt.limit],
                        examples: [Example("mygaz-admin act list --account 70000013 --rgk vologda", L("What was done for a customer.", "Какие работы выполнены для клиента."))],
                        access: .everyone, handler: list),
            CommandSpec("show", L("one act: its works and costs", "один акт: работы и стоимость"),
                        arguments: [ArgumentSpec("NUMBER", L("the act's number", "номер акта"))],
                        examples: [Example("mygaz-admin act show А-70000013-1", L("The works and what each cost.", "Работы и стоимость каждой."))],
                        access: .everyone, handler: show),
        ])

    static func list(_ inv: Invocation) throws -> ExitStatus {
        let account = try inv.string(.account).map(inv.account)
        let contract = try inv.string(.contract).map { try ContractCommands.contract(inv, $0) }
        guard account != nil || contract != nil else { throw MyGazError.usage(.oneOfRequired, .text(inv.commandName), "--account, --contract") }
        let limit = try inv.limit()
        let rows = try Contracts.acts(inv.db, account: account, contract: contract, limit: limit)
        var t = table(rows, inv.out)
        if rows.count == limit { t.footer = inv.out.texts.render(.moreRows, .int(limit)) }
        inv.out.table(t)
        return .success
    }

    static func show(_ inv: Invocation) throws -> ExitStatus {
        let a = try Contracts.act(inv.db, number: inv.argument("NUMBER")!)
        var r = Record(row: cells(a, inv.out), of: columns)
        var works = Table([Column("work", L("WORK", "РАБОТА")), Column("cost_kop", L("COST ₽", "СТОИМОСТЬ ₽"), align: .right)])
        for w in a.works { works.append([Cell(.text(w.work)), Cell(.int(w.costKop), display: Format.money(w.costKop, inv.out.lang))]) }
        r.section("works", L("Works", "Работы"), works)
        inv.out.record(r)
        return .success
    }

    static let columns = [
        Column("rgk", L("RGK", "РГК")), Column("number", L("NUMBER", "НОМЕР")), Column("contract", L("CONTRACT", "ДОГОВОР")),
        Column("account", L("ACCOUNT", "СЧЕТ")), Column("date", L("DATE", "ДАТА")), Column("total_kop", L("TOTAL ₽", "СУММА ₽"), align: .right),
    ]

    static func cells(_ a: ActItem, _ out: Output) -> [Cell] {
        [Cell(.text(a.rgk)), Cell(.text(a.number)), Cell(.text(a.contract)), Cell(.text(a.account)), AccountView.day(a.date),
         Cell(.int(a.totalKop), display: Format.money(a.totalKop, out.lang))]
    }

    static func table(_ rows: [ActItem], _ out: Output) -> Table {
        var t = Table(columns)
        for a in rows { t.append(cells(a, out)) }
        return t
    }
}
