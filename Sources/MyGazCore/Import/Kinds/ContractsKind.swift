/// `import contracts`: supply, ТО ВДГО and connection contracts, by number.
final class ContractsKind: UpsertKind {
    struct Values: Sendable {
        var rgk: Int64
        var account: Int64
        var kind: String
        var signed: Day?
        var until: Day?
        var state: String
    }

    static let kind = ImportKind.contracts
    static let columns = [
        ImportColumn("rgk", ["ргк"]), ImportColumn("account", ["лицевой_счет", "лицевой счет", "лс"], required: true),
        ImportColumn("number", ["номер", "номер договора"], required: true), ImportColumn("kind", ["вид", "вид договора", "тип договора"], required: true),
        ImportColumn("signed", ["дата_заключения", "дата заключения"]), ImportColumn("valid_until", ["действует_до", "действует до", "срок действия"]),
        ImportColumn("state", ["состояние", "статус"]),
    ]
    static let kindWords = CodeWords([
        "supply": "supply", "поставка газа": "supply", "договор на поставку газа": "supply", "газоснабжение": "supply",
        "vdgo": "vdgo", "то вдго": "vdgo", "договор на то вдго": "vdgo", "техническое обслуживание вдго": "vdgo",
        "connection": "connection", "техническое присоединение": "connection", "договор на техническое присоединение": "connection",
        "тп": "connection"])
    static let stateWords = CodeWords(["active": "active", "действует": "active", "действующий": "active", "активен": "active",
                                       "archive": "archive", "архив": "archive", "архивный": "archive", "расторгнут": "archive",
                                       "закрыт": "archive"])

    let ctx: ImportContext
    let upsert: Upsert

    init(_ ctx: ImportContext) throws {
        self.ctx = ctx
        upsert = Upsert("contract", key: [UpsertColumn(name: "rgk_id"), UpsertColumn(name: "number")], [
            UpsertColumn(name: "account_id"), UpsertColumn(name: "kind"), UpsertColumn(name: "signed_on", from: 4),
            UpsertColumn(name: "valid_until", from: 5), UpsertColumn(name: "state", from: 6),
        ], present: ctx.present)
    }

    func lookAhead(_ batch: CheckedBatch<Values>, _ row: inout RowView) throws {
        try ctx.lookAhead(batch, &row, accountColumn: 1)
    }

    func check(_ row: inout RowView) throws -> Values? {
        let rgk = ctx.rgkID(&row)
        let account = try ctx.accountID(&row, rgk: rgk, column: 1)
        _ = row.required(2)
        let kind = row.code(3, Self.kindWords, required: true, allowed: "поставка газа, ТО ВДГО, техническое присоединение")
        let signed = row.day(4), until = row.day(5)
        let state = row.code(6, Self.stateWords, allowed: "действует, архив") ?? "active"
        guard let rgk, let account, let kind, row.problems.isEmpty else { return nil }
        return Values(rgk: rgk, account: account, kind: kind, signed: signed, until: until, state: state)
    }

    func bind<B: ImportBinding>(_ s: B, _ row: RowView, _ v: Values) throws {
        s.bind(int: v.rgk, at: 1)
        ctx.bind(s, row, 2, at: 2)
        s.bind(int: v.account, at: 3)
        s.bind(text: v.kind, at: 4)
        s.bind(optionalText: v.signed?.iso, at: 5)
        s.bind(optionalText: v.until?.iso, at: 6)
        s.bind(text: v.state, at: 7)
    }

    func key(_ row: RowView, _ v: Values) -> [SQLBindable?] { [v.rgk, row.string(2)] }
}
