import Foundation
import MyGazCore

/// «Where is my payment?»: the payments the RGK sent, found by account, date, amount, where
/// it was paid, or its own number.
enum PaymentCommands {
    static let spec = CommandSpec(
        "payment", L("payments: where a customer's money is, and those stuck in processing", "оплаты: где деньги клиента и какие зависли в обработке"),
        subcommands: [
            CommandSpec("list", L("list payments, the newest first", "список оплат, новые сверху"),
                        options: [OptionSpec(.account, value: "ACCOUNT", L("only this account's", "только этого лицевого счета")),
                                  Opt.rgk,
                                  OptionSpec(.state, value: "STATE", L("processing or paid", "processing (в обработке) или paid (оплачено)"),
                                             choices: PaymentState.codes),
                                  OptionSpec(.since, value: "DATE", L("paid on DATE or later", "оплачено в DATE или позже")),
                                  OptionSpec(.until, value: "DATE", L("paid on DATE or earlier", "оплачено в DATE или раньше")),
                                  OptionSpec(.min, value: "RUB", L("at least this amount, rubles", "не меньше суммы, руб.")),
                                  OptionSpec(.max, value: "RUB", L("at most this amount, rubles", "не больше суммы, руб.")),
                                  OptionSpec(.channel, value: "TEXT", L("where it was paid (a part of the name)", "где оплачено (часть названия)")),
                                  OptionSpec(.externalID, value: "NUMBER", L("the RGK's number of the payment", "номер платежа в РГК")),
                                  Opt.limit],
                        examples: [Example("mygaz-admin payment list --account 70000011 --rgk vologda", L("A customer asks where the money went.", "Клиент спрашивает, куда ушли деньги.")),
                                   Example("mygaz-admin payment list --state processing --until 7d", L("Payments stuck in processing for a week.", "Оплаты, которые неделю в обработке."))],
                        access: .everyone, handler: list),
            CommandSpec("show", L("one payment", "одна оплата"),
                        arguments: [ArgumentSpec("PAYMENT", L("the id, or the RGK's number of the payment", "ID или номер платежа в РГК"))],
                        examples: [Example("mygaz-admin payment show 1", L("By id.", "По ID."))],
                        access: .everyone, handler: show),
        ])

    static func kopecks(_ inv: Invocation, _ name: OptionName) throws -> Int64? {
        try inv.decimal(name, min: 0, max: 100_000_000).map { Int64(($0 * 100).rounded()) }
    }

    static func list(_ inv: Invocation) throws -> ExitStatus {
        var filter = PaymentFilter()
        if let account = inv.string(.account) { filter.account = try inv.account(account) }
        else { filter.rgk = inv.string(.rgk) }
        filter.state = try inv.choice(.state, as: PaymentState.self)
        filter.since = try inv.moment(.since).map { Day(epochSeconds: $0 + Timestamp.localOffset(at: $0)) }
        filter.until = try inv.moment(.until).map { Day(epochSeconds: $0 + Timestamp.localOffset(at: $0)) }
        filter.minKop = try kopecks(inv, .min)
        filter.maxKop = try kopecks(inv, .max)
        filter.channel = inv.string(.channel)
        filter.externalID = inv.string(.externalID)
        filter.limit = try inv.limit()
        filter.scope = try inv.session.rgkScope()
        let rows = try Payments.list(inv.db, filter)
        var t = PaymentView.table(rows, today: inv.clock.today, inv.out)
        if rows.count == filter.limit { t.footer = inv.out.texts.render(.moreRows, .int(filter.limit)) }
        inv.out.table(t)
        return .success
    }

    static func show(_ inv: Invocation) throws -> ExitStatus {
        let p = try Payments.find(inv.db, inv.argument("PAYMENT")!)
        // a payment of an RGK she does not work is not found, as an unknown one
        guard try inv.session.outsideScope(.payment, [p.id]) == nil else { throw MyGazError.notFound(.payment, inv.argument("PAYMENT")!) }
        inv.out.record(PaymentView.record(p, today: inv.clock.today, inv.out))
        return .success
    }
}

enum PaymentView {
    static func table(_ rows: [PaymentItem], today: Day, _ out: Output) -> Table {
        var t = Table([
            Column("id", L("ID", "ID"), align: .right), Column("rgk", L("RGK", "РГК"), priority: 3), Column("account", L("ACCOUNT", "СЧЕТ")),
            Column("holder", L("HOLDER", "ВЛАДЕЛЕЦ"), .machineOnly), Column("service", L("SERVICE", "УСЛУГА")),
            Column("paid_on", L("PAID ON", "ДАТА")), Column("amount_kop", L("AMOUNT ₽", "СУММА ₽"), align: .right),
            Column("channel", L("WHERE", "МЕСТО ОПЛАТЫ"), cut: 10, priority: 1), Column("state", L("STATE", "СОСТОЯНИЕ")),
            Column("external_id", L("NUMBER", "НОМЕР"), priority: 2),
        ])
        for p in rows { t.append(cells(p, today: today, out)) }
        return t
    }

    static func cells(_ p: PaymentItem, today: Day, _ out: Output) -> [Cell] {
        let days = Day(iso: p.paidOn).map { today.daysSinceEpoch - $0.daysSinceEpoch } ?? 0
        let state = out.texts.label(.paymentState, p.state)
            + (p.state == "processing" && days > 0 ? " (" + Format.age(seconds: Int64(days) * 86_400, out.lang) + ")" : "")
        return [Cell(.int(p.id)), Cell(.text(p.rgk)), Cell(.text(p.account)), Cell(.text(p.holder)),
                .code(.serviceKind, p.service, out.texts), AccountView.day(p.paidOn),
                Cell(.int(p.amountKop), display: Format.money(p.amountKop, out.lang)), Cell(.of(p.channel), display: p.channel ?? "—"),
                Cell(.text(p.state), display: state, style: p.state == "processing" ? .yellow : .plain), Cell(.text(p.externalID))]
    }

    static func record(_ p: PaymentItem, today: Day, _ out: Output) -> Record {
        let table = self.table([p], today: today, out)
        return Record(row: table.rows[0], of: table.columns)
    }
}
