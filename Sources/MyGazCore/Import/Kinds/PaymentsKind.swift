/// `import payments`: payments, by the RGK's own payment number.
final class PaymentsKind: UpsertKind {
    struct Values: Sendable {
        var rgk: Int64
        var account: Int64
        var kind: String
        /// as stored, formatted on the checking thread
        var date: String
        var amount: Int64
        var state: String
    }

    static let kind = ImportKind.payments
    static let columns = [
        ImportColumn("rgk", ["ргк"]), ImportColumn("account", ["лицевой_счет", "лицевой счет", "лс"], required: true),
        ImportColumn("service", ["услуга"]), ImportColumn("date", ["дата", "дата оплаты"], required: true),
        ImportColumn("amount", ["сумма"], required: true), ImportColumn("channel", ["место_оплаты", "место оплаты"]),
        ImportColumn("state", ["состояние", "статус"]), ImportColumn("external_id", ["номер_платежа", "номер платежа", "ид платежа"], required: true),
    ]
    static let stateWords = CodeWords(["paid": "paid", "оплачено": "paid", "оплачен": "paid", "проведен": "paid",
                                       "processing": "processing", "в обработке": "processing", "обрабатывается": "processing"])

    let ctx: ImportContext
    let upsert: Upsert

    init(_ ctx: ImportContext) throws {
        self.ctx = ctx
        upsert = Upsert("payment", key: [UpsertColumn(name: "rgk_id"), UpsertColumn(name: "external_id")], [
            UpsertColumn(name: "account_id"), UpsertColumn(name: "service", from: 2), UpsertColumn(name: "paid_on"), UpsertColumn(name: "amount_kop"),
            UpsertColumn(name: "channel", from: 5), UpsertColumn(name: "state", from: 6),
        ], present: ctx.present)
    }

    func lookAhead(_ batch: CheckedBatch<Values>, _ row: inout RowView) throws {
        try ctx.lookAhead(batch, &row, accountColumn: 1)
    }

    func check(_ row: inout RowView) throws -> Values? {
        let rgk = ctx.rgkID(&row)
        let account = try ctx.accountID(&row, rgk: rgk, column: 1)
        let kind = row.code(2, ImportContext.serviceWords, allowed: "Природный газ, ТО ВДГО") ?? "gas"
        let date = row.day(3, required: true)
        let amount = row.money(4, required: true)
        if let amount, amount <= 0 { row.problem(4, .importOutOfRange, .text(row.string(4) ?? "")) }
        let state = row.code(6, Self.stateWords, allowed: "оплачено, в обработке") ?? "paid"
        _ = row.required(7)
        guard let rgk, let account, let date, let amount, row.problems.isEmpty else { return nil }
        return Values(rgk: rgk, account: account, kind: kind, date: date.iso, amount: amount, state: state)
    }

    func bind<B: ImportBinding>(_ s: B, _ row: RowView, _ v: Values) throws {
        s.bind(int: v.rgk, at: 1)
        ctx.bind(s, row, 7, at: 2)
        s.bind(int: v.account, at: 3)
        s.bind(text: v.kind, at: 4)
        s.bind(text: v.date, at: 5)
        s.bind(int: v.amount, at: 6)
        ctx.bind(s, row, 5, at: 7)
        s.bind(text: v.state, at: 8)
    }

    func key(_ row: RowView, _ v: Values) -> [SQLBindable?] { [v.rgk, row.string(7)] }
}
