/// `import rgk`: the regional gas companies, by code.
final class RGKKind: UpsertKind {
    struct Values: Sendable {
        var code = ""
        var max: Int64?
        var email: String?
    }

    static let kind = ImportKind.rgk
    static let columns = [
        ImportColumn("code", ["код", "код ргк"], required: true), ImportColumn("name", ["наименование", "название"], required: true),
        ImportColumn("region", ["регион"]), ImportColumn("phone", ["телефон"]), ImportColumn("email", ["e-mail", "эл почта", "почта"]),
        ImportColumn("max_monthly_m3", ["макс_расход", "максимальный расход", "макс расход м3"]),
    ]

    let ctx: ImportContext
    let upsert: Upsert

    init(_ ctx: ImportContext) throws {
        self.ctx = ctx
        upsert = Upsert("rgk", key: [UpsertColumn(name: "code")], [
            UpsertColumn(name: "name"), UpsertColumn(name: "region", from: 2), UpsertColumn(name: "phone", from: 3), UpsertColumn(name: "email", from: 4),
            // an empty maximum: the default for a new RGK, the present one for a known RGK
            UpsertColumn(name: "max_monthly_m3", from: 5, value: "coalesce(?, 500)", update: "coalesce(?, max_monthly_m3)"),
            UpsertColumn(name: "created_at", updated: false), UpsertColumn(name: "updated_at", compared: false),
        ], present: ctx.present)
    }

    func check(_ row: inout RowView) throws -> Values? {
        var v = Values()
        if let text = row.text(0, required: true) {
            v.code = text.lowercased()
            if !(2...32).contains(v.code.count) || !v.code.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == "-" }) {
                row.problem(0, .importBadRGKCode, .text(text))
            }
        }
        _ = row.required(1)
        v.max = row.int(5, min: 1)
        if let email = row.string(4) {
            v.email = Contact.email(email)
            if v.email == nil { row.problem(4, .badEmail, .text(email)) }
        }
        return row.problems.isEmpty ? v : nil
    }

    func bind(_ s: Statement, _ row: RowView, _ v: Values) throws {
        s.bind(text: v.code, at: 1)
        ctx.bind(s, row, 1, at: 2); ctx.bind(s, row, 2, at: 3); ctx.bind(s, row, 3, at: 4)
        s.bind(optionalText: v.email, at: 5)
        s.bind(optionalInt: v.max, at: 6)
        s.bind(text: ctx.now, at: 7)
        s.bind(text: ctx.now, at: 8)
    }

    func inserted() throws { try ctx.reloadRGKs() }

    func key(_ row: RowView, _ v: Values) -> [SQLBindable?] { [v.code] }
}
