/// A meter of an account, as the rules and the lookups need it.
public struct MeterRef: Sendable {
    public let id: Int64
    public let digits: Int
}

/// Meters (SPEC §1.3): how a person's spelling of a serial finds one.
public enum Meters {
    /// The one rule for matching a serial, everywhere a person or an RGK file names a meter:
    /// within one account, surrounding spaces and letter case do not matter («ab-12 » is AB-12).
    public static func find(_ db: any Storage, accountID: Int64, serial: String) throws -> MeterRef? {
        let serial = serial.trimmingCharacters(in: .whitespaces)
        return try db.queryOne("""
            SELECT id, digits FROM meter WHERE account_id = ? AND \(db.sql.fold("serial")) = \(db.sql.fold("CAST(? AS TEXT)"))
            ORDER BY CASE WHEN serial = ? THEN 0 ELSE 1 END, id LIMIT 1
            """, accountID, serial, serial).map { try MeterRef(id: $0.int64("id"), digits: $0.int("digits")) }
    }
}
