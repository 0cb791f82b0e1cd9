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
        /// The month's balance (`SettlementBalance.due`): the RGK's closing balance of a closed month,
        /// the manual's opening − charges + payments of the open one. Negative: a debt.
        public var dueKop: Int64 { SettlementBalance.due(opening: openingKop, charged: chargedKop, paid: paidKop, closing: closingKop) }
        public var toPayKop: Int64 { SettlementBalance.toPay(dueKop) }
        public var overpaidKop: Int64 { SettlementBalance.overpaid(dueKop) }
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
    /// The holder's phone as changed at the desk, and a conflict with an RGK file not yet settled.
    public var deskPhone: HolderPhone.InForce?

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
                SELECT ap.id, a.number, ap.kind AS what, ap.status, coalesce(ap.submitted_at, ap.created_at) AS at
                FROM application ap JOIN account a ON a.id = ap.account_id
                WHERE ap.account_id = ? AND ap.status IN ('submitted', 'needs_info', 'accepted') ORDER BY ap.id
                """, id).map(item)
            open.tickets += try db.query("""
                SELECT t.id, a.number, t.topic AS what, t.status, t.created_at AS at FROM ticket t JOIN account a ON a.id = t.account_id
                WHERE t.account_id = ? AND t.status <> 'closed' ORDER BY t.id
                """, id).map(item)
            open.readings += try db.query("""
                SELECT r.id, a.number, m.serial AS what, r.status, r.submitted_at AS at, r.value FROM meter m JOIN account a ON a.id = m.account_id
                JOIN reading r ON r.meter_id = m.id WHERE m.account_id = ? AND r.status = 'pending' ORDER BY r.id
                """, id).map(item)
        }
        return open
    }

    /// A row of `id`, `number`, `what`, `status`, `at` and, for a reading, `value`.
    private static func item(_ row: Row) throws -> Item {
        try Item(id: row.int64("id"), account: row.string("number"), what: row.string("what"), status: row.string("status"),
                 at: row.optString("at"), value: row.columns.names.contains("value") ? row.optInt64("value") : nil)
    }
}

public struct AccountFilter: Sendable {
    public var rgk: String?
    public var search: String?
    public var debtors = false
    public var limit = 50
    /// The operator's RGK ids (`Session.rgkScope`), nil = every RGK.
    public var scope: [Int64]?
    public init() {}
}

/// Personal accounts and everything the RGK keeps under them (SPEC §1.2, §1.6).
public enum Accounts {
    /// The holder's full name of the account row named `a`, as SQL: surname, name, patronymic.
    public static func holderSQL(_ a: String) -> String { SearchIndex.holder(a) }

    public static func list(_ db: any Storage, _ filter: AccountFilter) throws -> [AccountSummary] {
        let found = try list(db, filter, numberAsPiece: false)
        // «384-02» is written as an account number is, and as a piece of a phone: no account of
        // that number, then the phones that hold its digits
        if found.isEmpty, let search = filter.search, Contact.phone(search) == nil, Contact.accountNumber(search) != nil,
           SearchIndex.phoneDigits(search) != nil {
            return try list(db, filter, numberAsPiece: true)
        }
        return found
    }

    private static func list(_ db: any Storage, _ filter: AccountFilter, numberAsPiece: Bool) throws -> [AccountSummary] {
        var conditions: [String] = []
        var args: [SQLBindable?] = []
        if filter.scope != nil {
            let c = ScopeCondition.rgk(db, "a.rgk_id", in: filter.scope)
            conditions.append(c.sql); args += c.arguments
        }
        if let rgk = filter.rgk {
            // the debtors are fewer than a region's accounts: they are found through their own index
            // (service_debtor), not the region's whole index (noIndex keeps SQLite from using it)
            conditions.append(filter.debtors ? "\(db.sql.noIndex("a.rgk_id")) = ?" : "a.rgk_id = ?")
            args.append(try RGK.id(db, rgk))
        }
        if filter.debtors {
            conditions.append("a.id IN (SELECT account_id FROM service WHERE balance_kop < 0)")
        }
        var from = "account a"
        if let search = filter.search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            if let phone = Contact.phone(search) {
                // a mobile number in any spelling: the holder's phone, or an account with those digits;
                // the phone through the search index (schema v7 has no index by phone), then exactly
                let byPhone = SearchIndex.accounts.condition(db, "phone", contains: phone, as: "a")
                conditions.append("""
                    ((\(byPhone.sql) AND a.phone = ?)
                     OR (a.number = ? AND a.rgk_id IN (SELECT id FROM rgk)))
                    """)
                args += byPhone.arguments + [phone, Contact.accountNumber(search) ?? ""]
            } else if !numberAsPiece, let number = Contact.accountNumber(search) {
                conditions.append("a.number = ? AND a.rgk_id IN (SELECT id FROM rgk)")
                args.append(number)
            } else {
                // the RGKs (hers, the one asked for) kept by the search itself: on PostgreSQL its
                // function then stops at the page, a clerk's as an admin's
                var rgks = filter.scope
                if let rgk = filter.rgk {
                    let id = try RGK.id(db, rgk)
                    rgks = rgks.map { $0.contains(id) } ?? true ? [id] : []
                }
                conditions = filter.debtors ? ["a.id IN (SELECT account_id FROM service WHERE balance_kop < 0)"] : []
                args = []
                let rows = SearchIndex.accounts.rows(db, containing: search, as: "a", page: conditions.isEmpty ? filter.limit : nil,
                                                     scope: rgks)
                // a piece of the holder's name, the address or the phone: the first accounts found
                // in the order they were loaded (through the index; one or two letters, which no
                // trigram holds, read the accounts in that order), the page then in the list's order
                let and = conditions.map { " AND " + $0 }.joined()
                from = """
                    (SELECT a.id FROM \(rows.from) WHERE \(rows.condition)\(and) ORDER BY \(rows.order) LIMIT ?) AS k
                    \(db.sql.joinInOrder) account a ON a.id = k.id
                    """
                args = rows.arguments + args + [filter.limit]
                conditions = []
            }
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let order = filter.debtors ? "ORDER BY debt ASC, a.id" : "ORDER BY r.code, a.number"
        args.append(filter.limit)
        return try db.query("""
            SELECT a.id, r.code, a.number, \(holderSQL("a")) AS holder,
                   a.address, (SELECT coalesce(sum(balance_kop), 0) FROM service WHERE account_id = a.id) AS balance,
                   (SELECT coalesce(sum(balance_kop), 0) FROM service WHERE account_id = a.id AND balance_kop < 0) AS debt,
                   (SELECT count(*) FROM user_account WHERE account_id = a.id) AS users
            FROM \(from) JOIN rgk r ON r.id = a.rgk_id \(whereClause) \(order) LIMIT ?
            """, arguments: args).map {
            try AccountSummary(id: $0.int64("id"), rgk: $0.string("code"), number: $0.string("number"), holder: $0.string("holder"),
                               address: $0.optString("address"), balanceKop: $0.int64("balance"), debtKop: $0.int64("debt"), users: $0.int("users"))
        }
    }

    public static func show(_ db: any Storage, _ ref: AccountRef, allContracts: Bool, today: Day, periods: Int = 3) throws -> AccountDetail {
        try db.read {
            guard let a = try db.queryOne("""
                SELECT r.name AS rgk_name, a.surname, a.name, a.patronymic, a.address, a.phone, a.residents, a.heated_area, a.status
                FROM account a JOIN rgk r ON r.id = a.rgk_id WHERE a.id = ?
                """, ref.id) else { throw MyGazError.notFound(.account, ref.label) }
            let services = try db.query("SELECT kind, balance_kop, updated_at FROM service WHERE account_id = ? ORDER BY kind", ref.id)
                .map { try AccountDetail.Service(kind: $0.string("kind"), balanceKop: $0.int64("balance_kop"), updatedAt: $0.string("updated_at")) }
            let meters = try db.query("""
                SELECT m.id, m.serial, m.model, m.digits, m.place, m.state, m.next_verification,
                       (SELECT CAST(value AS TEXT) || ' ' || reading_date FROM reading WHERE meter_id = m.id AND status = 'accepted'
                        ORDER BY reading_date DESC, id DESC LIMIT 1) AS last,
                       (SELECT count(*) FROM reading WHERE meter_id = m.id AND status = 'pending') AS pending
                FROM meter m WHERE m.account_id = ? ORDER BY CASE WHEN m.state = 'working' THEN 0 ELSE 1 END, m.serial
                """, ref.id).map { row -> AccountDetail.Meter in
                let last = try row.optString("last")?.split(separator: " ")
                let next = try row.optString("next_verification")
                return try AccountDetail.Meter(id: row.int64("id"), serial: row.string("serial"), model: row.optString("model"),
                                               digits: row.int("digits"), place: row.optString("place"), state: row.string("state"),
                                               nextVerification: next, verificationExpired: next.map { $0 < today.iso } ?? false,
                                               lastValue: last.flatMap { Int64($0[0]) }, lastDate: last.map { String($0[1]) },
                                               pending: row.int("pending"))
            }
            let users = try db.query("""
                SELECT u.id, u.login, u.full_name, u.status, l.access_level, l.alias, l.locked_at
                FROM user_account l JOIN portal_user u ON u.id = l.user_id WHERE l.account_id = ? ORDER BY l.linked_at
                """, ref.id).map {
                try AccountDetail.LinkedUser(id: $0.int64("id"), login: $0.string("login"), fullName: $0.optString("full_name"),
                                             status: $0.string("status"), accessLevel: $0.string("access_level"),
                                             alias: $0.optString("alias"), locked: $0.optString("locked_at") != nil)
            }
            let contracts = try db.query("""
                SELECT number, kind, signed_on, valid_until, state FROM contract
                WHERE account_id = ? AND (CAST(? AS BIGINT) = 1 OR state = 'active') ORDER BY state, signed_on DESC
                """, ref.id, allContracts ? 1 : 0).map {
                try AccountDetail.Contract(number: $0.string("number"), kind: $0.string("kind"), signedOn: $0.optString("signed_on"),
                                           validUntil: $0.optString("valid_until"), state: $0.string("state"))
            }
            let payments = try db.query("""
                SELECT external_id, service, paid_on, amount_kop, channel, state FROM payment
                WHERE account_id = ? ORDER BY paid_on DESC, id DESC LIMIT 10
                """, ref.id).map {
                try AccountDetail.Payment(externalID: $0.string("external_id"), service: $0.string("service"), paidOn: $0.string("paid_on"),
                                          amountKop: $0.int64("amount_kop"), channel: $0.optString("channel"), state: $0.string("state"))
            }
            let settlements = try db.query("""
                SELECT v.kind, s.period, s.opening_kop, s.charged_kop, s.paid_kop, s.benefit_kop, s.recalc_kop, s.closing_kop
                FROM settlement s JOIN service v ON v.id = s.service_id
                WHERE v.account_id = ? AND s.period IN (
                    SELECT DISTINCT s2.period FROM settlement s2 JOIN service v2 ON v2.id = s2.service_id
                    WHERE v2.account_id = ? ORDER BY s2.period DESC LIMIT ?)
                ORDER BY s.period DESC, v.kind
                """, ref.id, ref.id, periods).map {
                try AccountDetail.Settlement(service: $0.string("kind"), period: $0.string("period"), openingKop: $0.int64("opening_kop"),
                                             chargedKop: $0.int64("charged_kop"), paidKop: $0.int64("paid_kop"),
                                             benefitKop: $0.int64("benefit_kop"), recalcKop: $0.int64("recalc_kop"),
                                             closingKop: $0.optInt64("closing_kop"))
            }
            let activePIN = try db.queryOne("""
                SELECT 1 FROM pin WHERE account_id = ? AND state = 'active' AND (expires_at IS NULL OR expires_at > ?)
                """, ref.id, Timestamp.iso(Int64(today.daysSinceEpoch) * 86_400)) != nil
            var detail = try AccountDetail(ref: ref, rgkName: a.string("rgk_name"), surname: a.optString("surname"), name: a.optString("name"),
                                           patronymic: a.optString("patronymic"), address: a.optString("address"), phone: a.optString("phone"),
                                           residents: a.optInt("residents"), heatedArea: a.optDouble("heated_area"), status: a.string("status"),
                                           services: services, meters: meters, users: users, contracts: contracts,
                                           payments: payments, settlements: settlements, activePIN: activePIN)
            detail.open = try OpenItems.of(db, accounts: [ref.id])
            detail.deskPhone = try HolderPhone.inForce(db, accountID: ref.id)
            return detail
        }
    }

    /// The restricted version's view of a serial (manual 001 §4.3.2.1): `6****37`.
    public static func maskedSerial(_ serial: String) -> String {
        guard serial.count > 3 else { return serial }
        return String(serial.prefix(1)) + "****" + String(serial.suffix(2))
    }
}
