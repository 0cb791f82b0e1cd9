/// `import readings`: the accepted reading history from the RGK's billing, by meter and date.
final class ReadingsKind: UpsertKind {
    struct Values: Sendable {
        var meter: Int64
        /// the date as stored, formatted on the checking thread: the writing one only binds
        var date: String
        var value: Int64
    }

    static let kind = ImportKind.readings
    static let columns = [
        ImportColumn("rgk", ["ргк"]), ImportColumn("account", ["лицевой_счет", "лицевой счет", "лс"], required: true),
        ImportColumn("serial", ["заводской_номер", "заводской номер", "номер пу"], required: true),
        ImportColumn("date", ["дата", "дата показания"], required: true), ImportColumn("value", ["показание", "показания"], required: true),
    ]

    let ctx: ImportContext
    let upsert: Upsert

    init(_ ctx: ImportContext) throws {
        self.ctx = ctx
        // the RGK's history has a key of its own (the partial unique index), beside the portal's readings
        upsert = Upsert("reading", key: [UpsertColumn(name: "meter_id"), UpsertColumn(name: "reading_date")], [
            UpsertColumn(name: "value"), UpsertColumn(name: "source", value: "'rgk'", updated: false),
            UpsertColumn(name: "status", value: "'accepted'", updated: false), UpsertColumn(name: "submitted_at", updated: false, importTime: true),
            UpsertColumn(name: "import_batch_id", compared: false),
        ], present: ctx.present, keyFilter: "source = 'rgk'")
    }

    func lookAhead(_ batch: CheckedBatch<Values>, _ row: inout RowView) throws {
        try ctx.lookAhead(batch, &row, accountColumn: 1, meters: true)
    }

    func check(_ row: inout RowView) throws -> Values? {
        let rgk = ctx.rgkID(&row)
        let account = try ctx.accountID(&row, rgk: rgk, column: 1)
        var meter: Int64?, value: Int64?
        if let account, row.required(2) != nil {
            if let found = try ctx.meter(row, account: account, column: 2) {
                meter = found.id
                value = row.int(4, required: true, min: 0, max: ReadingRules.power10(found.digits) - 1)
            } else {
                row.problem(2, .importMissingParent, .entity(.meter), .text(row.string(2) ?? ""), "meters")
            }
        } else {
            _ = row.int(4, required: true, min: 0)
        }
        let date = row.day(3, required: true)
        guard let meter, let value, let date, row.problems.isEmpty else { return nil }
        return Values(meter: meter, date: date.iso, value: value)
    }

    /// Parameters by column: 4 and 5 are the literals source and status.
    func bind<B: ImportBinding>(_ s: B, _ row: RowView, _ v: Values) throws {
        s.bind(int: v.meter, at: 1)
        s.bind(text: v.date, at: 2)
        s.bind(int: v.value, at: 3)
        s.bind(text: ctx.now, at: 6)
        s.bind(optionalInt: ctx.batchID, at: 7)
    }

    func key(_ row: RowView, _ v: Values) -> [SQLBindable?] { [v.meter, v.date] }
}
