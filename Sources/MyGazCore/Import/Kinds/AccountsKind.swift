/// `import accounts`: personal accounts and their holders, by RGK and number. Staged and written
/// a range at a time like the other kinds: each statement that writes an account also writes
/// its trigrams (the `account_search` triggers), and FTS5 turns what a statement added into a
/// new part of its index when the statement ends — row by row, a part per row (109 s for 1M
/// accounts instead of 14 s without the index).
final class AccountsKind: UpsertKind {
    struct Values: Sendable {
        var rgk: Int64
        var number: String
        /// a Russian mobile as logins are kept (`+79815676522`), so a search by phone finds it;
        /// nil for anything else (a landline), which is kept as the file wrote it
        var phone: String?
        var residents: Int64?
        var area: Double?
        var status: String
    }

    static let kind = ImportKind.accounts
    static let columns = [
        ImportColumn("rgk", ["ргк", "код ргк"]), ImportColumn("account", ["лицевой_счет", "лицевой счет", "лс", "номер лс", "номер лицевого счета"], required: true),
        ImportColumn("surname", ["фамилия"]), ImportColumn("name", ["имя"]), ImportColumn("patronymic", ["отчество"]),
        ImportColumn("address", ["адрес"]), ImportColumn("phone", ["телефон"]), ImportColumn("residents", ["проживающих", "количество проживающих"]),
        ImportColumn("heated_area", ["отапливаемая_площадь", "отапливаемая площадь", "площадь"]), ImportColumn("status", ["статус", "состояние"]),
    ]
    static let statusWords = CodeWords(["open": "open", "открыт": "open", "открытый": "open", "действует": "open",
                                        "действующий": "open", "активен": "open", "closed": "closed", "закрыт": "closed",
                                        "закрытый": "closed", "архив": "closed"])
    let ctx: ImportContext
    let upsert: Upsert

    init(_ ctx: ImportContext) throws {
        self.ctx = ctx
        upsert = Upsert("account", key: [UpsertColumn(name: "rgk_id"), UpsertColumn(name: "number")], [
            UpsertColumn(name: "surname", from: 2), UpsertColumn(name: "name", from: 3), UpsertColumn(name: "patronymic", from: 4),
            UpsertColumn(name: "address", from: 5), UpsertColumn(name: "phone", from: 6), UpsertColumn(name: "residents", from: 7),
            UpsertColumn(name: "heated_area", from: 8), UpsertColumn(name: "status", from: 9),
            UpsertColumn(name: "updated_at", compared: false, importTime: true),
        ], present: ctx.present)
    }

    /// What one statement adds to the search index becomes one part of it, and parts are merged
    /// over and over: fewer, larger statements (one to a write transaction) merge less.
    var secondsPerStatement: Double { 0.08 }

    func check(_ row: inout RowView) throws -> Values? {
        let rgk = ctx.rgkID(&row)
        let number = row.account(1)
        let phone = row.range(6).flatMap { Contact.phone(utf8: row.utf8[$0]) }
        let residents = row.int(7, min: 0, max: 1000)
        let area = row.decimal(8, min: 0)
        let status = row.code(9, Self.statusWords, allowed: "открыт, закрыт") ?? "open"
        guard let rgk, let number, row.problems.isEmpty else { return nil }
        return Values(rgk: rgk, number: number, phone: phone, residents: residents, area: area, status: status)
    }

    func bind(_ s: Statement, _ row: RowView, _ v: Values) throws {
        s.bind(int: v.rgk, at: 1)
        s.bind(text: v.number, at: 2)
        for column in 2...5 { ctx.bind(s, row, column, at: Int32(column + 1)) }
        if let phone = v.phone { s.bind(text: phone, at: 7) } else { ctx.bind(s, row, 6, at: 7) }
        s.bind(optionalInt: v.residents, at: 8)
        try s.bind(v.area.sqlValue, at: 9)
        s.bind(text: v.status, at: 10)
        s.bind(text: ctx.now, at: 11)
    }

    func key(_ row: RowView, _ v: Values) -> [SQLBindable?] { [v.rgk, v.number] }
}
