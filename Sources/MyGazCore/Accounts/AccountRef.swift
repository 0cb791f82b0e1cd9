/// Finding a personal account from what a clerk types: a number in any spelling, and an
/// RGK code when the number exists in more than one RGK.
public struct AccountRef: Sendable, Equatable {
    public let id: Int64
    public let rgkID: Int64
    public let rgkCode: String
    public let number: String

    public var label: String { "\(rgkCode)/\(number)" }

    public static func resolve(_ db: any Storage, _ text: String, rgk: String?) throws -> AccountRef {
        let (found, number) = try lookup(db, text, rgk: rgk)
        guard let found else { throw MyGazError.notFound(.account, rgk.map { "\($0)/\(number)" } ?? number) }
        return found
    }

    /// An account a customer names that the RGK may not have sent yet (a ticket taken by phone):
    /// the account when it is known, else nil and the number as normalised. A bad number, an
    /// unknown RGK or a number in several RGKs is still an error.
    public static func resolveOrNumber(_ db: any Storage, _ text: String, rgk: String?) throws -> (account: AccountRef?, number: String) {
        try lookup(db, text, rgk: rgk)
    }

    private static func lookup(_ db: any Storage, _ text: String, rgk: String?) throws -> (AccountRef?, String) {
        guard let number = Contact.accountNumber(text) else { throw MyGazError.invalid(.badAccountNumber, .text(text)) }
        let rgkID: Int64? = try rgk.map { try RGK.id(db, $0) }
        // by (rgk, number), the unique key, once per RGK: no index on the number alone is needed
        let rows = try db.query("""
            SELECT a.id, a.rgk_id, r.code, a.number FROM account a JOIN rgk r ON r.id = a.rgk_id
            WHERE a.number = ? AND a.rgk_id IN (SELECT id FROM rgk WHERE CAST(? AS BIGINT) IS NULL OR id = ?) ORDER BY r.code
            """, number, rgkID, rgkID).map(ref)
        guard rows.count <= 1 else {
            throw MyGazError.usage(.accountAmbiguous, .text(number), .text(rows.map(\.rgkCode).joined(separator: ", ")))
        }
        return (rows.first, number)
    }

    public static func byID(_ db: any Storage, _ id: Int64) throws -> AccountRef {
        guard let row = try db.queryOne("""
            SELECT a.id, a.rgk_id, r.code, a.number FROM account a JOIN rgk r ON r.id = a.rgk_id WHERE a.id = ?
            """, id) else { throw MyGazError.notFound(.account, String(id)) }
        return try ref(row)
    }

    /// A row of `id`, `rgk_id`, `code` and `number`.
    private static func ref(_ row: Row) throws -> AccountRef {
        try AccountRef(id: row.int64("id"), rgkID: row.int64("rgk_id"), rgkCode: row.string("code"), number: row.string("number"))
    }
}

/// Regional gas companies, by their code.
public enum RGK {
    public static func id(_ db: any Storage, _ code: String) throws -> Int64 {
        guard let id = try db.queryOne("SELECT id FROM rgk WHERE code = ?", code.lowercased())?.int64("id") else {
            throw MyGazError.notFound(.rgk, code)
        }
        return id
    }

    /// The code of the RGK `id`.
    public static func code(_ db: any Storage, _ id: Int64) throws -> String {
        guard let code = try db.scalarString("SELECT code FROM rgk WHERE id = ?", id) else { throw MyGazError.notFound(.rgk, String(id)) }
        return code
    }

    public static func codes(_ db: any Storage) throws -> [String] {
        try db.query("SELECT code FROM rgk ORDER BY code").map { try $0.string("code") }
    }

    /// Each RGK's name by its code («vologda» → «ООО «Газпром межрегионгаз Вологда»»): what a
    /// screen shows where the name fits; the code stays what a clerk types.
    public static func names(_ db: any Storage) throws -> [String: String] {
        var names: [String: String] = [:]
        for row in try db.query("SELECT code, name FROM rgk") { names[try row.string("code")] = try row.string("name") }
        return names
    }
}
