/// `import benefits`: an account's benefits (льготы) as the RGK grants them — the «Абонент»
/// section of the portal (manual 001 §4.3.3); by account and the benefit's name.
final class BenefitsKind: UpsertKind {
    struct Values: Sendable {
        var account: Int64
        var percent: Int64?
        var from: Day?
        var until: Day?
    }

    static let kind = ImportKind.benefits
    static let columns = [
        ImportColumn("rgk", ["ргк"]), ImportColumn("account", ["лицевой_счет", "лицевой счет", "лс"], required: true),
        ImportColumn("benefit", ["льгота", "наименование льготы", "категория льготы"], required: true),
        ImportColumn("percent", ["процент", "размер льготы", "скидка"]),
        ImportColumn("basis", ["основание", "документ", "документ-основание"]),
        ImportColumn("valid_from", ["действует_с", "действует с", "дата начала"]),
        ImportColumn("valid_until", ["действует_до", "действует до", "дата окончания"]),
    ]

    let ctx: ImportContext
    let upsert: Upsert

    init(_ ctx: ImportContext) throws {
        self.ctx = ctx
        upsert = Upsert("account_benefit", key: [UpsertColumn(name: "account_id"), UpsertColumn(name: "benefit")], [
            UpsertColumn(name: "percent", from: 3), UpsertColumn(name: "basis", from: 4), UpsertColumn(name: "valid_from", from: 5),
            UpsertColumn(name: "valid_until", from: 6), UpsertColumn(name: "updated_at", compared: false, importTime: true),
        ], present: ctx.present)
    }

    func lookAhead(_ batch: CheckedBatch<Values>, _ row: inout RowView) throws {
        try ctx.lookAhead(batch, &row, accountColumn: 1)
    }

    func check(_ row: inout RowView) throws -> Values? {
        let rgk = ctx.rgkID(&row)
        let account = try ctx.accountID(&row, rgk: rgk, column: 1)
        _ = row.required(2)
        let percent = row.int(3, min: 0, max: 100)
        let from = row.day(5), until = row.day(6)
        if let from, let until, until < from { row.problem(6, .importOutOfRange, .text(row.string(6) ?? "")) }
        guard let account, row.problems.isEmpty else { return nil }
        return Values(account: account, percent: percent, from: from, until: until)
    }

    func bind<B: ImportBinding>(_ s: B, _ row: RowView, _ v: Values) throws {
        s.bind(int: v.account, at: 1)
        ctx.bind(s, row, 2, at: 2)
        s.bind(optionalInt: v.percent, at: 3)
        ctx.bind(s, row, 4, at: 4)
        s.bind(optionalText: v.from?.iso, at: 5)
        s.bind(optionalText: v.until?.iso, at: 6)
        s.bind(text: ctx.now, at: 7)
    }

    func key(_ row: RowView, _ v: Values) -> [SQLBindable?] { [v.account, row.string(2)] }
}
