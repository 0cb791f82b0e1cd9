/// `import meters`: an account's gas meters, by serial.
final class MetersKind: UpsertKind {
    struct Values: Sendable {
        var account: Int64
        var digits: Int64
        var next: Day?
        var state: String
        var max: Int64?
    }

    static let kind = ImportKind.meters
    static let columns = [
        ImportColumn("rgk", ["ргк"]), ImportColumn("account", ["лицевой_счет", "лицевой счет", "лс"], required: true),
        ImportColumn("serial", ["заводской_номер", "заводской номер", "серийный номер", "номер пу"], required: true),
        ImportColumn("model", ["модель", "тип"]), ImportColumn("digits", ["разрядность"], required: true),
        ImportColumn("place", ["место_установки", "место установки"]), ImportColumn("next_verification", ["дата_поверки", "дата поверки", "дата следующей поверки"]),
        ImportColumn("state", ["состояние"]), ImportColumn("max_monthly_m3", ["макс_расход", "максимальный расход"]),
    ]
    static let stateWords = CodeWords(["working": "working", "исправен": "working", "исправный": "working", "работает": "working",
                                       "faulty": "faulty", "неисправен": "faulty", "неисправный": "faulty",
                                       "removed": "removed", "снят": "removed", "демонтирован": "removed"])

    let ctx: ImportContext
    let upsert: Upsert

    init(_ ctx: ImportContext) throws {
        self.ctx = ctx
        upsert = Upsert("meter", key: [UpsertColumn(name: "account_id"), UpsertColumn(name: "serial")], [
            UpsertColumn(name: "model", from: 3), UpsertColumn(name: "digits"), UpsertColumn(name: "place", from: 5),
            UpsertColumn(name: "next_verification", from: 6), UpsertColumn(name: "state", from: 7), UpsertColumn(name: "max_monthly_m3", from: 8),
        ], present: ctx.present)
    }

    func lookAhead(_ batch: CheckedBatch<Values>, _ row: inout RowView) throws {
        try ctx.lookAhead(batch, &row, accountColumn: 1)
    }

    func check(_ row: inout RowView) throws -> Values? {
        let rgk = ctx.rgkID(&row)
        let account = try ctx.accountID(&row, rgk: rgk, column: 1)
        _ = row.required(2)
        let digits = row.int(4, required: true, min: 1, max: 12)
        let next = row.day(6)
        let state = row.code(7, Self.stateWords, allowed: "исправен, неисправен, снят") ?? "working"
        let max = row.int(8, min: 1)
        guard let account, let digits, row.problems.isEmpty else { return nil }
        return Values(account: account, digits: digits, next: next, state: state, max: max)
    }

    func bind<B: ImportBinding>(_ s: B, _ row: RowView, _ v: Values) throws {
        s.bind(int: v.account, at: 1)
        ctx.bind(s, row, 2, at: 2); ctx.bind(s, row, 3, at: 3)
        s.bind(int: v.digits, at: 4)
        ctx.bind(s, row, 5, at: 5)
        s.bind(optionalText: v.next?.iso, at: 6)
        s.bind(text: v.state, at: 7)
        s.bind(optionalInt: v.max, at: 8)
    }

    func key(_ row: RowView, _ v: Values) -> [SQLBindable?] { [v.account, row.string(2)] }
}
