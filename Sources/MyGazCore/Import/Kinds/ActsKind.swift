/// `import acts`: acts of completed work under a contract, one row per item of work.
final class ActsKind: ImportKindType {
    struct Values: Sendable {
        var contract: Int64
        var date: Day
        var cost: Int64
    }

    static let kind = ImportKind.acts
    static let columns = [
        ImportColumn("rgk", ["ргк"]), ImportColumn("contract", ["договор", "номер договора"], required: true),
        ImportColumn("number", ["номер", "номер акта"], required: true), ImportColumn("date", ["дата", "дата акта"], required: true),
        ImportColumn("work", ["работа", "наименование работ", "вид работ"], required: true), ImportColumn("cost", ["стоимость", "сумма"], required: true),
    ]

    let ctx: ImportContext
    let act: Upsert, item: Upsert

    init(_ ctx: ImportContext) throws {
        self.ctx = ctx
        act = Upsert("act", key: [UpsertColumn(name: "contract_id"), UpsertColumn(name: "number")], [UpsertColumn(name: "act_date")], present: ctx.present)
        item = Upsert("act_item", key: [UpsertColumn(name: "act_id"), UpsertColumn(name: "work")], [UpsertColumn(name: "cost_kop")], present: ctx.present)
    }

    func check(_ row: inout RowView) throws -> Values? {
        let rgk = ctx.rgkID(&row)
        var contract: Int64?
        if let rgk, let number = row.text(1, required: true) {
            contract = try ctx.db.queryOne("SELECT id FROM contract WHERE rgk_id = ? AND number = ?", rgk, number)?.int64(0)
            if contract == nil { row.problem(1, .importMissingParent, .text("contract"), .text(number), "contracts") }
        }
        _ = row.required(2)
        let date = row.day(3, required: true)
        _ = row.required(4)
        let cost = row.money(5, required: true)
        if let cost, cost < 0 { row.problem(5, .importOutOfRange, .text(row.string(5) ?? "")) }
        guard let contract, let date, let cost, row.problems.isEmpty else { return nil }
        return Values(contract: contract, date: date, cost: cost)
    }

    private func bindAct<B: ImportBinding>(_ s: B, _ row: RowView, _ v: Values) {
        s.bind(int: v.contract, at: 1)
        ctx.bind(s, row, 2, at: 2)
        s.bind(text: v.date.iso, at: 3)
    }

    private func bindItem<B: ImportBinding>(_ s: B, _ row: RowView, _ v: Values, act: Int64) {
        s.bind(int: act, at: 1)
        ctx.bind(s, row, 4, at: 2)
        s.bind(int: v.cost, at: 3)
    }

    private func actID(_ row: RowView, _ v: Values) throws -> Int64? {
        try ctx.db.queryOne("SELECT id FROM act WHERE contract_id = ? AND number = ?", v.contract, row.string(2))?.int64(0)
    }

    func write(_ row: RowView, _ v: Values) throws -> ImportOutcome {
        guard let sqlite = ctx.sqlite else {
            let actOutcome = try act.pg.write(ctx.db) { bindAct($0, row, v) }
            guard let id = try actID(row, v) else { throw MyGazError(.internalError, .internalError, "act vanished while importing") }
            return Self.combined(actOutcome, try item.pg.write(ctx.db) { bindItem($0, row, v, act: id) })
        }
        let actStatement = try sqlite.prepare(act.write)
        bindAct(actStatement, row, v)
        let actOutcome = try Upsert.run(actStatement, sqlite)
        guard let id = try actID(row, v) else { throw MyGazError(.internalError, .internalError, "act vanished while importing") }
        let itemStatement = try sqlite.prepare(item.write)
        bindItem(itemStatement, row, v, act: id)
        return Self.combined(actOutcome, try Upsert.run(itemStatement, sqlite))
    }

    func outcome(_ row: RowView, _ v: Values) throws -> ImportOutcome {
        guard let sqlite = ctx.sqlite else {
            let actOutcome = try act.pg.outcome(ctx.db) { bindAct($0, row, v) }
            guard let id = try actID(row, v) else { return .inserted }
            return Self.combined(actOutcome, try item.pg.outcome(ctx.db) { bindItem($0, row, v, act: id) })
        }
        let actStatement = try sqlite.prepare(act.compare)
        bindAct(actStatement, row, v)
        let actOutcome = try Upsert.compare(actStatement)
        guard let id = try actID(row, v) else { return .inserted }
        let itemStatement = try sqlite.prepare(item.compare)
        bindItem(itemStatement, row, v, act: id)
        return Self.combined(actOutcome, try Upsert.compare(itemStatement))
    }

    /// A row is its item: new when the item is; changed when the item or its act is.
    static func combined(_ act: ImportOutcome, _ item: ImportOutcome) -> ImportOutcome {
        if item == .inserted { return .inserted }
        return item == .updated || act != .unchanged ? .updated : .unchanged
    }

    func key(_ row: RowView, _ v: Values) -> [SQLBindable?] { [v.contract, row.string(2), row.string(4)] }
}
