/// The «Абонент» section of the portal (manual 001 §4.3.3, issue 39 §2), what a clerk sees to
/// answer the customer who reads it: the account's benefits, consumption modes and gas-using
/// equipment, as the RGK's files last said (`import benefits|consumption|equipment`).
public struct Abonent: Sendable {
    public struct Benefit: Sendable {
        public let benefit: String
        public let percent: Int?
        public let basis: String?
        public let validFrom: String?
        public let validUntil: String?

        /// Whether the benefit was in force for some day of the month `period` (`2026-06`).
        public func applies(in period: String) -> Bool {
            (validFrom.map { String($0.prefix(7)) <= period } ?? true) && (validUntil.map { String($0.prefix(7)) >= period } ?? true)
        }
    }
    public struct Mode: Sendable {
        public let mode: String
        public let normM3: Double?
        public let unit: String?
        public let validFrom: String?
    }
    public struct Equipment: Sendable {
        public let kind: String
        public let serial: String
        public let model: String?
        public let installedOn: String?
    }

    public let benefits: [Benefit]
    public let modes: [Mode]
    public let equipment: [Equipment]

    /// The section of one account.
    public static func of(_ db: any Storage, accountID: Int64) throws -> Abonent {
        try db.read {
            let benefits = try self.benefits(db, accountID: accountID)
            let modes = try db.query("SELECT mode, norm_m3, unit, valid_from FROM account_consumption WHERE account_id = ? ORDER BY mode", accountID).map {
                try Mode(mode: $0.string("mode"), normM3: $0.optDouble("norm_m3"), unit: $0.optString("unit"), validFrom: $0.optString("valid_from"))
            }
            let equipment = try db.query("""
                SELECT kind, serial, model, installed_on FROM account_equipment WHERE account_id = ? ORDER BY kind, serial
                """, accountID).map {
                try Equipment(kind: $0.string("kind"), serial: $0.string("serial"), model: $0.optString("model"), installedOn: $0.optString("installed_on"))
            }
            return Abonent(benefits: benefits, modes: modes, equipment: equipment)
        }
    }

    /// An account's benefits, the oldest first (in the caller's transaction).
    public static func benefits(_ db: any Storage, accountID: Int64) throws -> [Benefit] {
        try db.query("""
            SELECT benefit, percent, basis, valid_from, valid_until FROM account_benefit
            WHERE account_id = ? ORDER BY coalesce(valid_from, ''), benefit
            """, accountID).map {
            try Benefit(benefit: $0.string("benefit"), percent: $0.optInt("percent"), basis: $0.optString("basis"),
                        validFrom: $0.optString("valid_from"), validUntil: $0.optString("valid_until"))
        }
    }
}
