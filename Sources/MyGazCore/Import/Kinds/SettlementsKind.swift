/// `import settlements`: a service's month: opening balance, charges, payments, benefits,
/// recalculations and closing balance.
final class SettlementsKind: UpsertKind {
    struct Values: Sendable {
        var service: Int64
        var period: String
        var amounts: [Int64?]
    }

    static let kind = ImportKind.settlements
    static let columns = [
        ImportColumn("rgk", ["ргк"]), ImportColumn("account", ["лицевой_счет", "лицевой счет", "лс"], required: true),
        ImportColumn("service", ["услуга"], required: true), ImportColumn("period", ["период", "месяц"], required: true),
        ImportColumn("opening", ["сальдо_нач", "сальдо нач", "сальдо на начало", "сальдо на начало периода"], required: true),
        ImportColumn("charged", ["начислено"]), ImportColumn("paid", ["оплачено", "оплата"]), ImportColumn("benefit", ["льгота", "льготы"]),
        ImportColumn("recalc", ["перерасчет"]), ImportColumn("closing", ["сальдо_кон", "сальдо кон", "сальдо на конец", "сальдо на конец периода"]),
    ]

    let ctx: ImportContext
    let upsert: Upsert

    init(_ ctx: ImportContext) throws {
        self.ctx = ctx
        upsert = Upsert("settlement", key: [UpsertColumn(name: "service_id"), UpsertColumn(name: "period")], [
            UpsertColumn(name: "opening_kop"),
            UpsertColumn(name: "charged_kop", from: 5, value: "coalesce(?, 0)"), UpsertColumn(name: "paid_kop", from: 6, value: "coalesce(?, 0)"),
            UpsertColumn(name: "benefit_kop", from: 7, value: "coalesce(?, 0)"), UpsertColumn(name: "recalc_kop", from: 8, value: "coalesce(?, 0)"),
            UpsertColumn(name: "closing_kop", from: 9),
        ], present: ctx.present)
    }

    func lookAhead(_ batch: CheckedBatch<Values>, _ row: inout RowView) throws {
        try ctx.lookAhead(batch, &row, accountColumn: 1, services: true)
    }

    func check(_ row: inout RowView) throws -> Values? {
        let rgk = ctx.rgkID(&row)
        let account = try ctx.accountID(&row, rgk: rgk, column: 1)
        let kind = row.code(2, ImportContext.serviceWords, required: true, allowed: "Природный газ, ТО ВДГО")
        var service: Int64?
        if let account, let kind {
            service = try ctx.serviceID(account: account, kind: kind)
            if service == nil { row.problem(2, .importMissingParent, .text(kind), .text(row.string(1) ?? ""), "services") }
        }
        let period = row.period(3, required: true)
        // an empty closing balance is a month not closed yet (manual 001 §4.3.1.2): NULL, not zero
        let amounts = [row.money(4, required: true), row.money(5), row.money(6), row.money(7), row.money(8), row.money(9)]
        guard let service, let period, row.problems.isEmpty else { return nil }
        return Values(service: service, period: period, amounts: amounts)
    }

    func bind<B: ImportBinding>(_ s: B, _ row: RowView, _ v: Values) throws {
        s.bind(int: v.service, at: 1)
        s.bind(text: v.period, at: 2)
        for (i, amount) in v.amounts.enumerated() { s.bind(optionalInt: amount, at: Int32(i + 3)) }
    }

    func key(_ row: RowView, _ v: Values) -> [SQLBindable?] { [v.service, v.period] }
}
