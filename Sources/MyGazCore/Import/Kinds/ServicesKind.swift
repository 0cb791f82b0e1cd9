/// `import services`: an account's services (gas, ТО ВДГО) and their balances.
final class ServicesKind: UpsertKind {
    struct Values: Sendable {
        var account: Int64
        var kind: String
        var balance: Int64
    }

    static let kind = ImportKind.services
    static let columns = [
        ImportColumn("rgk", ["ргк"]), ImportColumn("account", ["лицевой_счет", "лицевой счет", "лс"], required: true),
        ImportColumn("service", ["услуга"], required: true), ImportColumn("balance", ["сальдо", "баланс", "задолженность"], required: true),
    ]

    let ctx: ImportContext
    let upsert: Upsert

    init(_ ctx: ImportContext) throws {
        self.ctx = ctx
        upsert = Upsert("service", key: [UpsertColumn(name: "account_id"), UpsertColumn(name: "kind")], [
            UpsertColumn(name: "balance_kop"), UpsertColumn(name: "updated_at", compared: false, importTime: true),
        ], present: ctx.present)
    }

    func lookAhead(_ batch: CheckedBatch<Values>, _ row: inout RowView) throws {
        try ctx.lookAhead(batch, &row, accountColumn: 1)
    }

    func check(_ row: inout RowView) throws -> Values? {
        let rgk = ctx.rgkID(&row)
        let account = try ctx.accountID(&row, rgk: rgk, column: 1)
        let kind = row.code(2, ImportContext.serviceWords, required: true, allowed: "Природный газ, ТО ВДГО")
        let balance = row.money(3, required: true)
        guard let account, let kind, let balance, row.problems.isEmpty else { return nil }
        return Values(account: account, kind: kind, balance: balance)
    }

    func bind<B: ImportBinding>(_ s: B, _ row: RowView, _ v: Values) throws {
        s.bind(int: v.account, at: 1)
        s.bind(text: v.kind, at: 2)
        s.bind(int: v.balance, at: 3)
        s.bind(text: ctx.now, at: 4)
    }

    func key(_ row: RowView, _ v: Values) -> [SQLBindable?] { [v.account, v.kind] }
}
