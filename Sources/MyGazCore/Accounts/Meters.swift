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
        try db.queryOne("""
            SELECT id, digits FROM meter WHERE account_id = ?1 AND fold(serial) = fold(?2) ORDER BY serial = ?2 DESC, id LIMIT 1
            """, accountID, serial.trimmingCharacters(in: .whitespaces)).map { MeterRef(id: $0.int64(0), digits: $0.int(1)) }
    }
}
