/// `import consumption`: an account's consumption modes (режимы потребления: cooking, water
/// heating, space heating…) with their norms — the «Абонент» section of the portal (manual 001
/// §4.3.3); by account and mode.
final class ConsumptionKind: UpsertKind {
    struct Values: Sendable {
        var account: Int64
        var norm: Double?
        var from: Day?
    }

    static let kind = ImportKind.consumption
    static let columns = [
        ImportColumn("rgk", ["ргк"]), ImportColumn("account", ["лицевой_счет", "лицевой счет", "лс"], required: true),
        ImportColumn("mode", ["режим", "режим потребления", "направление использования"], required: true),
        ImportColumn("norm_m3", ["норматив", "норма", "норматив потребления"]),
        ImportColumn("unit", ["единица", "ед. изм.", "единица измерения"]),
        ImportColumn("valid_from", ["действует_с", "действует с", "дата начала"]),
    ]

    let ctx: ImportContext
    let upsert: Upsert

    init(_ ctx: ImportContext) throws {
        self.ctx = ctx
        upsert = Upsert("account_consumption", key: [UpsertColumn(name: "account_id"), UpsertColumn(name: "mode")], [
            UpsertColumn(name: "norm_m3", from: 3), UpsertColumn(name: "unit", from: 4), UpsertColumn(name: "valid_from", from: 5),
            UpsertColumn(name: "updated_at", compared: false, importTime: true),
        ], present: ctx.present)
    }

    func lookAhead(_ batch: CheckedBatch<Values>, _ row: inout RowView) throws {
        try ctx.lookAhead(batch, &row, accountColumn: 1)
    }

    func check(_ row: inout RowView) throws -> Values? {
        let rgk = ctx.rgkID(&row)
        let account = try ctx.accountID(&row, rgk: rgk, column: 1)
        _ = row.required(2)
        let norm = row.decimal(3, min: 0)
        let from = row.day(5)
        guard let account, row.problems.isEmpty else { return nil }
        return Values(account: account, norm: norm, from: from)
    }

    func bind<B: ImportBinding>(_ s: B, _ row: RowView, _ v: Values) throws {
        s.bind(int: v.account, at: 1)
        ctx.bind(s, row, 2, at: 2)
        try s.bind(v.norm.sqlValue, at: 3)
        ctx.bind(s, row, 4, at: 4)
        s.bind(optionalText: v.from?.iso, at: 5)
        s.bind(text: ctx.now, at: 6)
    }

    func key(_ row: RowView, _ v: Values) -> [SQLBindable?] { [v.account, row.string(2)] }
}
