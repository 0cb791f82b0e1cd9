/// The RGKs' offices (manual 001 §4.6, «Контактная информация»): where a customer can go, and when.
public struct OfficeItem: Sendable {
    public let id: Int64
    public let rgk: String
    public let name: String
    public let address: String?
    public let phone: String?
    public let hours: String?
    public let lat: Double?
    public let lon: Double?
}

public enum Offices {
    static let select = """
        SELECT o.id, g.code AS rgk, o.name, o.address, o.phone, o.hours, o.lat, o.lon FROM office o JOIN rgk g ON g.id = o.rgk_id
        """

    static func item(_ r: Row) throws -> OfficeItem {
        try OfficeItem(id: r.int64("id"), rgk: r.string("rgk"), name: r.string("name"), address: r.optString("address"),
                       phone: r.optString("phone"), hours: r.optString("hours"), lat: r.optDouble("lat"), lon: r.optDouble("lon"))
    }

    /// By RGK, then name; `search` finds a piece of the name or the address, in any case and ё/е.
    public static func list(_ db: any Storage, rgk: String?, search: String?) throws -> [OfficeItem] {
        var conditions: [String] = []
        var args: [SQLBindable?] = []
        if let rgk { conditions.append("o.rgk_id = ?"); args.append(try RGK.id(db, rgk)) }
        if let search = search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            conditions.append("(\(db.sql.contains(db.sql.fold("o.name"))) OR \(db.sql.contains(db.sql.fold("coalesce(o.address, '')"))))")
            args.append(Database.fold(search)); args.append(Database.fold(search))
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try db.query(select + " \(whereClause) ORDER BY g.code, o.name", arguments: args).map(item)
    }

    /// An office by its id, or by a piece of its name that only one office has.
    public static func find(_ db: any Storage, _ text: String, rgk: String? = nil) throws -> OfficeItem {
        if let id = Int64(text), let row = try db.queryOne(select + " WHERE o.id = ?", id) { return try item(row) }
        let found = try list(db, rgk: rgk, search: text).filter { Database.fold($0.name).contains(Database.fold(text)) }
        guard let first = found.first else { throw MyGazError.notFound(.office, text) }
        guard found.count == 1 else {
            throw MyGazError.usage(.officeAmbiguous, .text(text), .text(found.map { "\($0.id) \($0.name)" }.joined(separator: "; ")))
        }
        return first
    }
}
