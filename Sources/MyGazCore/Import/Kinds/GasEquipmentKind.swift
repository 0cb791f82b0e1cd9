/// `import equipment`: an account's gas-using equipment (газоиспользующее оборудование) —
/// the «Абонент» section of the portal (manual 001 §4.3.3); by account, kind and serial. A kind
/// the program does not know is the row's problem, not a new code.
final class GasEquipmentKind: UpsertKind {
    struct Values: Sendable {
        var account: Int64
        var kind: String
        var installed: Day?
    }

    static let kind = ImportKind.equipment
    static let columns = [
        ImportColumn("rgk", ["ргк"]), ImportColumn("account", ["лицевой_счет", "лицевой счет", "лс"], required: true),
        ImportColumn("kind", ["вид", "вид оборудования", "оборудование", "тип оборудования"], required: true),
        ImportColumn("serial", ["заводской_номер", "заводской номер", "серийный номер"], required: true),
        ImportColumn("model", ["модель", "марка"]),
        ImportColumn("installed", ["дата_установки", "дата установки", "установлено"]),
    ]
    static let kindWords = CodeWords([
        "stove": "stove", "плита": "stove", "газовая плита": "stove", "пг": "stove", "пг-4": "stove", "пг-2": "stove",
        "water_heater": "water_heater", "water heater": "water_heater", "колонка": "water_heater", "газовая колонка": "water_heater",
        "водонагреватель": "water_heater", "газовый водонагреватель": "water_heater", "впг": "water_heater",
        "boiler": "boiler", "котел": "boiler", "газовый котел": "boiler", "аогв": "boiler",
        "convector": "convector", "конвектор": "convector", "газовый конвектор": "convector",
    ])

    let ctx: ImportContext
    let upsert: Upsert

    init(_ ctx: ImportContext) throws {
        self.ctx = ctx
        upsert = Upsert("account_equipment", key: [UpsertColumn(name: "account_id"), UpsertColumn(name: "kind"), UpsertColumn(name: "serial")], [
            UpsertColumn(name: "model", from: 4), UpsertColumn(name: "installed_on", from: 5),
            UpsertColumn(name: "updated_at", compared: false, importTime: true),
        ], present: ctx.present)
    }

    func lookAhead(_ batch: CheckedBatch<Values>, _ row: inout RowView) throws {
        try ctx.lookAhead(batch, &row, accountColumn: 1)
    }

    func check(_ row: inout RowView) throws -> Values? {
        let rgk = ctx.rgkID(&row)
        let account = try ctx.accountID(&row, rgk: rgk, column: 1)
        let kind = row.code(2, Self.kindWords, required: true, allowed: "газовая плита, колонка, котел, конвектор")
        _ = row.required(3)
        let installed = row.day(5)
        guard let account, let kind, row.problems.isEmpty else { return nil }
        return Values(account: account, kind: kind, installed: installed)
    }

    func bind<B: ImportBinding>(_ s: B, _ row: RowView, _ v: Values) throws {
        s.bind(int: v.account, at: 1)
        s.bind(text: v.kind, at: 2)
        ctx.bind(s, row, 3, at: 3)
        ctx.bind(s, row, 4, at: 4)
        s.bind(optionalText: v.installed?.iso, at: 5)
        s.bind(text: ctx.now, at: 6)
    }

    func key(_ row: RowView, _ v: Values) -> [SQLBindable?] { [v.account, v.kind, row.string(3)] }
}
