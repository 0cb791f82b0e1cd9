/// `import accounts`: personal accounts and their holders, by RGK and number. The kind with
/// the largest files: rows are bound where they lie and compared before they are written.
final class AccountsKind: ImportKindType {
    struct Values: Sendable {
        var rgk: Int64
        var number: String
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
    /// The file's text columns, in the order of the statements' first parameters.
    static let textColumns = [2, 3, 4, 5, 6]

    let ctx: ImportContext
    let find: Statement, insert: Statement
    /// Sets only the columns the file has (parameters keep their numbers: the rest go unused).
    let updateSQL: String
    /// New accounts come in runs (a first import), known ones too (every later import):
    /// after an insert, the next row is tried as an insert; after a known key, looked up.
    private var expectNew = true

    init(_ ctx: ImportContext) throws {
        self.ctx = ctx
        find = try ctx.db.prepare("""
            SELECT id, surname, name, patronymic, address, phone, residents, heated_area, status FROM account WHERE rgk_id = ? AND number = ?
            """)
        insert = try ctx.db.prepare("""
            INSERT INTO account (surname, name, patronymic, address, phone, residents, heated_area, status, updated_at, rgk_id, number)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let names = ["surname", "name", "patronymic", "address", "phone", "residents", "heated_area", "status"]
        let set = names.enumerated().filter { ctx.present[$0.offset + 2] }.map { "\($0.element) = ?\($0.offset + 1)" } + ["updated_at = ?9"]
        updateSQL = "UPDATE account SET \(set.joined(separator: ", ")) WHERE id = ?10"
    }

    func check(_ row: inout RowView) throws -> Values? {
        let rgk = ctx.rgkID(&row)
        let number = row.account(1)
        let residents = row.int(7, min: 0, max: 1000)
        let area = row.decimal(8, min: 0)
        let status = row.code(9, Self.statusWords, allowed: "открыт, закрыт") ?? "open"
        guard let rgk, let number, row.problems.isEmpty else { return nil }
        return Values(rgk: rgk, number: number, residents: residents, area: area, status: status)
    }

    /// A million-row file is mostly accounts the database has already: look each up by its
    /// key and write only when something differs.
    func write(_ row: RowView, _ v: Values) throws -> ImportOutcome {
        if expectNew {
            do {
                // the row's text is bound where it lies (no copy) and the insert runs before the buffer can change
                try row.utf8.withUnsafeBufferPointer { base in
                    for (i, column) in Self.textColumns.enumerated() {
                        if let r = row.range(column) {
                            insert.bind(staticUTF8: UnsafeBufferPointer(rebasing: base[r]), at: Int32(i + 1))
                        } else {
                            insert.bindNull(at: Int32(i + 1))
                        }
                    }
                    try bindScalars(insert, v)
                    insert.bind(int: v.rgk, at: 10)
                    insert.bind(text: v.number, at: 11)
                    try insert.execute()
                }
                return .inserted
            } catch let error as SQLiteError where error.isUniqueViolation {
                expectNew = false
            }
        }
        find.bind(int: v.rgk, at: 1)
        defer { find.reset() }
        if try find.withBound(text: v.number, at: 2, { try find.step() }) {
            if sameAsFound(row, v) { return .unchanged }
            let id = find.int64(at: 0)
            let update = try ctx.db.prepare(updateSQL)
            try bindValues(update, row, v)
            update.bind(int: id, at: 10)
            try update.execute()
            return .updated
        }
        find.reset()
        try bindValues(insert, row, v)
        insert.bind(int: v.rgk, at: 10)
        insert.bind(text: v.number, at: 11)
        try insert.execute()
        expectNew = true
        return .inserted
    }

    func outcome(_ row: RowView, _ v: Values) throws -> ImportOutcome {
        find.bind(int: v.rgk, at: 1)
        defer { find.reset() }
        guard try find.withBound(text: v.number, at: 2, { try find.step() }) else { return .inserted }
        return sameAsFound(row, v) ? .unchanged : .updated
    }

    /// The row found by `find` holds exactly the row's values.
    private func sameAsFound(_ row: RowView, _ v: Values) -> Bool {
        let present = ctx.present
        return Self.textColumns.enumerated().allSatisfy { i, column in
            !present[column] || find.textEquals(at: Int32(i + 1), row.range(column).map { row.utf8[$0] })
        } && (!present[7] || (v.residents == nil ? find.isNull(at: 6) : (!find.isNull(at: 6) && find.int64(at: 6) == v.residents!)))
          && (!present[8] || (v.area == nil ? find.isNull(at: 7) : (!find.isNull(at: 7) && find.double(at: 7) == v.area!)))
          && (!present[9] || find.text(at: 8) == v.status)
    }

    private func bindValues(_ s: Statement, _ row: RowView, _ v: Values) throws {
        for (i, column) in Self.textColumns.enumerated() { ctx.bind(s, row, column, at: Int32(i + 1)) }
        try bindScalars(s, v)
    }

    private func bindScalars(_ s: Statement, _ v: Values) throws {
        s.bind(optionalInt: v.residents, at: 6)
        try s.bind(v.area.sqlValue, at: 7)
        s.bind(text: v.status, at: 8)
        s.bind(text: ctx.now, at: 9)
    }

    func key(_ row: RowView, _ v: Values) -> [SQLBindable?] { [v.rgk, v.number] }
}
