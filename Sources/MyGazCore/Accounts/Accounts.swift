import Foundation

public struct AccountSummary: Sendable {
    public let id: Int64
    public let rgk: String
    public let number: String
    public let holder: String
    public let address: String?
    public let balanceKop: Int64
    /// The sum of the services in debt (negative), 0 when none is.
    public let debtKop: Int64
    public let users: Int
}

public struct AccountDetail: Sendable {
    public struct Service: Sendable { public let kind: String; public let balanceKop: Int64; public let updatedAt: String }
    public struct Meter: Sendable {
        public let id: Int64
        public let serial: String
        public let model: String?
        public let digits: Int
        public let place: String?
        public let state: String
        public let nextVerification: String?
        public let verificationExpired: Bool
        public let lastValue: Int64?
        public let lastDate: String?
        public let pending: Int
    }
    public struct LinkedUser: Sendable {
        public let id: Int64
        public let login: String
        public let fullName: String?
        public let status: String
        public let accessLevel: String
        public let alias: String?
        public let locked: Bool
    }
    public struct Contract: Sendable {
        public let number: String
        public let kind: String
        public let signedOn: String?
        public let validUntil: String?
        public let state: String
    }
    public struct Payment: Sendable {
        public let externalID: String
        public let service: String
        public let paidOn: String
        public let amountKop: Int64
        public let channel: String?
        public let state: String
    }
    public struct Settlement: Sendable {
        public let service: String
        public let period: String
        public let openingKop: Int64
        public let chargedKop: Int64
        public let paidKop: Int64
        public let benefitKop: Int64
        public let recalcKop: Int64
        public let closingKop: Int64?
        /// Manual 001 §4.3.1.2: opening − charges + payments (−3319.52 − 2580.43 + 0 = −5899.95).
        public var dueKop: Int64 { openingKop - chargedKop + paidKop }
    }

    public let ref: AccountRef
    public let rgkName: String
    public let surname: String?
    public let name: String?
    public let patronymic: String?
    public let address: String?
    public let phone: String?
    public let residents: Int?
    public let heatedArea: Double?
    public let status: String
    public let services: [Service]
    public let meters: [Meter]
    public let users: [LinkedUser]
    public let contracts: [Contract]
    public let payments: [Payment]
    public let settlements: [Settlement]
    public let activePIN: Bool
    public var open = OpenItems()

    public var holder: String { [surname, name, patronymic].compactMap { $0 }.joined(separator: " ") }
}

/// What is open on accounts — applications, tickets, readings waiting for a decision: the
/// desk's one page per customer (`account show`, and `user show` for every linked account).
public struct OpenItems: Sendable {
    public struct Item: Sendable {
        public let id: Int64
        public let account: String
        /// The application's kind, the ticket's topic, the reading's meter serial.
        public let what: String
        public let status: String
        public let at: String?
        public let value: Int64?
    }
    public var applications: [Item] = []
    public var tickets: [Item] = []
    public var readings: [Item] = []
    public init() {}

    /// Each from its account's index (application_account, ticket_account, the meter's readings).
    public static func of(_ db: any Storage, accounts: [Int64]) throws -> OpenItems {
        var open = OpenItems()
        for id in accounts {
            open.applications += try db.query("""
                SELECT ap.id, a.number, ap.kind, ap.status, coalesce(ap.submitted_at, ap.created_at) FROM application ap JOIN account a ON a.id = ap.account_id
                WHERE ap.account_id = ? AND ap.status IN ('submitted', 'needs_info', 'accepted') ORDER BY ap.id
                """, id).map { Item(id: $0.int64(0), account: $0.string(1), what: $0.string(2), status: $0.string(3), at: $0.optString(4), value: nil) }
            open.tickets += try db.query("""
                SELECT t.id, a.number, t.topic, t.status, t.created_at FROM ticket t JOIN account a ON a.id = t.account_id
                WHERE t.account_id = ? AND t.status <> 'closed' ORDER BY t.id
                """, id).map { Item(id: $0.int64(0), account: $0.string(1), what: $0.string(2), status: $0.string(3), at: $0.optString(4), value: nil) }
            open.readings += try db.query("""
                SELECT r.id, a.number, m.serial, r.status, r.submitted_at, r.value FROM meter m JOIN account a ON a.id = m.account_id
                JOIN reading r ON r.meter_id = m.id WHERE m.account_id = ? AND r.status = 'pending' ORDER BY r.id
                """, id).map { Item(id: $0.int64(0), account: $0.string(1), what: $0.string(2), status: $0.string(3), at: $0.optString(4), value: $0.optInt64(5)) }
        }
        return open
    }
}

public struct AccountFilter: Sendable {
    public var rgk: String?
    public var search: String?
    public var debtors = false
    public var limit = 50
    public init() {}
}

/// Personal accounts and everything the RGK keeps under them (SPEC §1.2, §1.6).
public enum Accounts {
    /// The holder's full name of the account row named `a`, as SQL: surname, name, patronymic.
    public static func holderSQL(_ a: String) -> String { SearchIndex.holder(a) }

    public static func list(_ db: any Storage, _ filter: AccountFilter) throws -> [AccountSummary] {
        var conditions: [String] = []
        var args: [SQLBindable?] = []
        if let rgk = filter.rgk {
            // the debtors are fewer than a region's accounts: they are found through their own index
            // (service_debtor), not the region's whole index (a unary + keeps SQLite from using it)
            conditions.append(filter.debtors ? "+a.rgk_id = ?" : "a.rgk_id = ?")
            args.append(try RGK.id(db, rgk))
        }
        if filter.debtors {
            conditions.append("a.id IN (SELECT account_id FROM service WHERE balance_kop < 0)")
        }
        var from = "account a"
        if let search = filter.search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            if let phone = Contact.phone(search) {
                // a mobile number in any spelling: the holder's phone, or an account with those digits
                // the phone through the trigram index (schema v7 has no index by phone), then exactly
                conditions.append("""
                    ((a.id IN (SELECT rowid FROM account_search WHERE account_search MATCH ?) AND a.phone = ?)
                     OR (a.number = ? AND a.rgk_id IN (SELECT id FROM rgk)))
                    """)
                args.append(SearchIndex.match(phone, in: "phone"))
                args.append(phone)
                args.append(Contact.accountNumber(search) ?? "")
            } else if let number = Contact.accountNumber(search) {
                conditions.append("a.number = ? AND a.rgk_id IN (SELECT id FROM rgk)")
                args.append(number)
            } else if let match = SearchIndex.match(search) {
                // a piece of the holder's name, the address or the phone: the first accounts the trigram
                // index finds (in the order they were loaded), the page then in the list's order
                let and = conditions.map { " AND " + $0 }.joined()
                from = """
                    (SELECT a.id FROM account_search s CROSS JOIN account a ON a.id = s.rowid
                     WHERE account_search MATCH ?\(and) ORDER BY s.rowid LIMIT ?) k CROSS JOIN account a ON a.id = k.id
                    """
                args = [match] + args + [filter.limit]
                conditions = []
            } else {
                // one or two letters: no trigram holds them, so the accounts are read
                let folded = Database.fold(search)
                conditions.append("""
                    (instr(fold(\(holderSQL("a"))), ?) > 0
                     OR instr(fold(coalesce(a.address, '')), ?) > 0)
                    """)
                args.append(folded); args.append(folded)
            }
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let order = filter.debtors ? "ORDER BY debt ASC, a.id" : "ORDER BY r.code, a.number"
        args.append(filter.limit)
        return try db.query("""
            SELECT a.id, r.code, a.number, \(holderSQL("a")),
                   a.address, (SELECT coalesce(sum(balance_kop), 0) FROM service WHERE account_id = a.id) AS balance,
                   (SELECT coalesce(sum(balance_kop), 0) FROM service WHERE account_id = a.id AND balance_kop < 0) AS debt,
                   (SELECT count(*) FROM user_account WHERE account_id = a.id)
            FROM \(from) JOIN rgk r ON r.id = a.rgk_id \(whereClause) \(order) LIMIT ?
            """, arguments: args).map {
            AccountSummary(id: $0.int64(0), rgk: $0.string(1), number: $0.string(2), holder: $0.string(3),
                           address: $0.optString(4), balanceKop: $0.int64(5), debtKop: $0.int64(6), users: $0.int(7))
        }
    }

    public static func show(_ db: any Storage, _ ref: AccountRef, allContracts: Bool, today: Day, periods: Int = 3) throws -> AccountDetail {
        try db.read {
            guard let a = try db.queryOne("""
                SELECT r.name, a.surname, a.name, a.patronymic, a.address, a.phone, a.residents, a.heated_area, a.status
                FROM account a JOIN rgk r ON r.id = a.rgk_id WHERE a.id = ?
                """, ref.id) else { throw MyGazError.notFound(.account, ref.label) }
            let services = try db.query("SELECT kind, balance_kop, updated_at FROM service WHERE account_id = ? ORDER BY kind", ref.id)
                .map { AccountDetail.Service(kind: $0.string(0), balanceKop: $0.int64(1), updatedAt: $0.string(2)) }
            let meters = try db.query("""
                SELECT m.id, m.serial, m.model, m.digits, m.place, m.state, m.next_verification,
                       (SELECT value || ' ' || reading_date FROM reading WHERE meter_id = m.id AND status = 'accepted'
                        ORDER BY reading_date DESC, id DESC LIMIT 1),
                       (SELECT count(*) FROM reading WHERE meter_id = m.id AND status = 'pending')
                FROM meter m WHERE m.account_id = ? ORDER BY m.state <> 'working', m.serial
                """, ref.id).map { row -> AccountDetail.Meter in
                let last = row.optString(7)?.split(separator: " ")
                let next = row.optString(6)
                return AccountDetail.Meter(id: row.int64(0), serial: row.string(1), model: row.optString(2), digits: row.int(3),
                                           place: row.optString(4), state: row.string(5), nextVerification: next,
                                           verificationExpired: next.map { $0 < today.iso } ?? false,
                                           lastValue: last.flatMap { Int64($0[0]) }, lastDate: last.map { String($0[1]) },
                                           pending: row.int(8))
            }
            let users = try db.query("""
                SELECT u.id, u.login, u.full_name, u.status, l.access_level, l.alias, l.locked_at IS NOT NULL
                FROM user_account l JOIN portal_user u ON u.id = l.user_id WHERE l.account_id = ? ORDER BY l.linked_at
                """, ref.id).map {
                AccountDetail.LinkedUser(id: $0.int64(0), login: $0.string(1), fullName: $0.optString(2), status: $0.string(3),
                                         accessLevel: $0.string(4), alias: $0.optString(5), locked: $0.bool(6))
            }
            let contracts = try db.query("""
                SELECT number, kind, signed_on, valid_until, state FROM contract
                WHERE account_id = ? AND (? OR state = 'active') ORDER BY state, signed_on DESC
                """, ref.id, allContracts).map {
                AccountDetail.Contract(number: $0.string(0), kind: $0.string(1), signedOn: $0.optString(2),
                                       validUntil: $0.optString(3), state: $0.string(4))
            }
            let payments = try db.query("""
                SELECT external_id, service, paid_on, amount_kop, channel, state FROM payment
                WHERE account_id = ? ORDER BY paid_on DESC, id DESC LIMIT 10
                """, ref.id).map {
                AccountDetail.Payment(externalID: $0.string(0), service: $0.string(1), paidOn: $0.string(2),
                                      amountKop: $0.int64(3), channel: $0.optString(4), state: $0.string(5))
            }
            let settlements = try db.query("""
                SELECT v.kind, s.period, s.opening_kop, s.charged_kop, s.paid_kop, s.benefit_kop, s.recalc_kop, s.closing_kop
                FROM settlement s JOIN service v ON v.id = s.service_id
                WHERE v.account_id = ?1 AND s.period IN (
                    SELECT DISTINCT s2.period FROM settlement s2 JOIN service v2 ON v2.id = s2.service_id
                    WHERE v2.account_id = ?1 ORDER BY s2.period DESC LIMIT ?2)
                ORDER BY s.period DESC, v.kind
                """, ref.id, periods).map {
                AccountDetail.Settlement(service: $0.string(0), period: $0.string(1), openingKop: $0.int64(2), chargedKop: $0.int64(3),
                                         paidKop: $0.int64(4), benefitKop: $0.int64(5), recalcKop: $0.int64(6), closingKop: $0.optInt64(7))
            }
            let activePIN = try db.queryOne("""
                SELECT 1 FROM pin WHERE account_id = ? AND state = 'active' AND (expires_at IS NULL OR expires_at > ?)
                """, ref.id, Timestamp.iso(Int64(today.daysSinceEpoch) * 86_400)) != nil
            var detail = AccountDetail(ref: ref, rgkName: a.string(0), surname: a.optString(1), name: a.optString(2),
                                       patronymic: a.optString(3), address: a.optString(4), phone: a.optString(5),
                                       residents: a.optInt(6), heatedArea: a.optDouble(7), status: a.string(8),
                                       services: services, meters: meters, users: users, contracts: contracts,
                                       payments: payments, settlements: settlements, activePIN: activePIN)
            detail.open = try OpenItems.of(db, accounts: [ref.id])
            return detail
        }
    }

    /// The restricted version's view of a serial (manual 001 §4.3.2.1): `6****37`.
    public static func maskedSerial(_ serial: String) -> String {
        guard serial.count > 3 else { return serial }
        return String(serial.prefix(1)) + "****" + String(serial.suffix(2))
    }
}
