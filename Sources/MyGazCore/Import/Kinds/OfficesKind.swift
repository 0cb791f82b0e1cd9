/// `import offices`: an RGK's offices, by name.
final class OfficesKind: UpsertKind {
    struct Values: Sendable {
        var rgk: Int64 = 0
        var lat: Double?
        var lon: Double?
    }

    static let kind = ImportKind.offices
    static let columns = [
        ImportColumn("rgk", ["ргк", "код ргк"]), ImportColumn("name", ["отделение", "наименование", "название"], required: true),
        ImportColumn("address", ["адрес"]), ImportColumn("phone", ["телефон"]), ImportColumn("hours", ["график", "режим работы", "часы работы"]),
        ImportColumn("lat", ["широта"]), ImportColumn("lon", ["долгота"]),
    ]

    let ctx: ImportContext
    let upsert: Upsert

    init(_ ctx: ImportContext) throws {
        self.ctx = ctx
        upsert = Upsert("office", key: [UpsertColumn(name: "rgk_id"), UpsertColumn(name: "name")], [
            UpsertColumn(name: "address", from: 2), UpsertColumn(name: "phone", from: 3), UpsertColumn(name: "hours", from: 4),
            UpsertColumn(name: "lat", from: 5), UpsertColumn(name: "lon", from: 6),
        ], present: ctx.present)
    }

    func check(_ row: inout RowView) throws -> Values? {
        let rgk = ctx.rgkID(&row)
        _ = row.required(1)
        let lat = row.decimal(5, min: -90), lon = row.decimal(6, min: -180)
        if let lat, lat > 90 { row.problem(5, .importOutOfRange, .text(String(lat))) }
        if let lon, lon > 180 { row.problem(6, .importOutOfRange, .text(String(lon))) }
        guard let rgk, row.problems.isEmpty else { return nil }
        return Values(rgk: rgk, lat: lat, lon: lon)
    }

    func bind<B: ImportBinding>(_ s: B, _ row: RowView, _ v: Values) throws {
        s.bind(int: v.rgk, at: 1)
        for (column, index) in [(1, 2), (2, 3), (3, 4), (4, 5)] { ctx.bind(s, row, column, at: Int32(index)) }
        try s.bind(v.lat.sqlValue, at: 6)
        try s.bind(v.lon.sqlValue, at: 7)
    }

    func key(_ row: RowView, _ v: Values) -> [SQLBindable?] { [v.rgk, row.string(1)] }
}
