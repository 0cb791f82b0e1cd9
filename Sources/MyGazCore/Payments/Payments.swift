/// Payments the RGK sends (manual 001 §4.3.1.5, «История платежей»): where a customer's money is,
/// and which payments are stuck «в обработке».
public struct PaymentItem: Sendable {
    public let id: Int64
    public let rgk: String
    public let account: String
    public let holder: String
    public let service: String
    public let paidOn: String
    public let amountKop: Int64
    public let channel: String?
    public let state: String
    public let externalID: String
}

public struct PaymentFilter: Sendable {
    public var account: AccountRef?
    public var rgk: String?
    public var state: PaymentState?
    public var since: Day?
    public var until: Day?
    public var minKop: Int64?
    public var maxKop: Int64?
    public var channel: String?
    public var externalID: String?
    public var limit = 50
    /// The operator's RGK ids (`Session.rgkScope`), nil = every RGK.
    public var scope: [Int64]?
    public init() {}
}

public enum Payments {
    static let select = """
        SELECT p.id, g.code AS rgk, a.number AS account, \(Accounts.holderSQL("a")) AS holder, p.service, p.paid_on, p.amount_kop, p.channel,
               p.state, p.external_id
        FROM payment p JOIN account a ON a.id = p.account_id JOIN rgk g ON g.id = p.rgk_id
        """

    static func item(_ r: Row) throws -> PaymentItem {
        try PaymentItem(id: r.int64("id"), rgk: r.string("rgk"), account: r.string("account"), holder: r.string("holder"),
                        service: r.string("service"), paidOn: r.string("paid_on"), amountKop: r.int64("amount_kop"),
                        channel: r.optString("channel"), state: r.string("state"), externalID: r.string("external_id"))
    }

    /// The newest first. Each filter has its index: the account's payments, the processing ones
    /// (a partial index), an external id within each RGK, or the date.
    public static func list(_ db: any Storage, _ f: PaymentFilter) throws -> [PaymentItem] {
        var conditions: [String] = []
        var args: [SQLBindable?] = []
        if let account = f.account { conditions.append("p.account_id = ?"); args.append(account.id) }
        if let rgk = f.rgk { conditions.append("p.rgk_id = ?"); args.append(try RGK.id(db, rgk)) }
        if f.scope != nil {
            let c = ScopeCondition.rgk(db, "p.rgk_id", in: f.scope)
            conditions.append(c.sql); args += c.arguments
        }
        if let state = f.state {
            // no index on the column for paid: the partial index serves processing only
            conditions.append(state == .processing ? "p.state = 'processing'" : "\(db.sql.noIndex("p.state")) = ?")
            if state != .processing { args.append(state.rawValue) }
        }
        if let since = f.since { conditions.append("p.paid_on >= ?"); args.append(since.iso) }
        if let until = f.until { conditions.append("p.paid_on <= ?"); args.append(until.iso) }
        if let min = f.minKop { conditions.append("p.amount_kop >= ?"); args.append(min) }
        if let max = f.maxKop { conditions.append("p.amount_kop <= ?"); args.append(max) }
        if let channel = f.channel {
            conditions.append(db.sql.contains(db.sql.fold("coalesce(p.channel, '')")))
            args.append(Database.fold(channel))
        }
        if let external = f.externalID {
            conditions.append("p.external_id = ? AND p.rgk_id IN (SELECT id FROM rgk)")
            args.append(external)
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        args.append(f.limit)
        return try db.query(select + " \(whereClause) ORDER BY p.paid_on DESC, p.id DESC LIMIT ?", arguments: args).map(item)
    }

    public static func find(_ db: any Storage, _ text: String) throws -> PaymentItem {
        // an id, or the RGK's own number of the payment (as on the customer's receipt)
        if let id = Int64(text), let row = try db.queryOne(select + " WHERE p.id = ?", id) { return try item(row) }
        let rows = try db.query(select + " WHERE p.external_id = ? AND p.rgk_id IN (SELECT id FROM rgk) ORDER BY g.code", text)
        guard let row = rows.first else { throw MyGazError.notFound(.payment, text) }
        guard rows.count == 1 else {
            throw MyGazError.usage(.paymentAmbiguous, .text(text), .text(try rows.map { try $0.string("rgk") }.joined(separator: ", ")))
        }
        return try item(row)
    }

    /// Payments still «в обработке» after `days` days: the count and the oldest date.
    public static func stuck(_ db: any Storage, days: Int, today: Day) throws -> (count: Int, oldest: String?) {
        let row = try db.queryOne("SELECT count(*) AS stuck, min(paid_on) AS oldest FROM payment WHERE state = 'processing' AND paid_on <= ?",
                                  today.adding(days: -days).iso)
        return (try row?.int("stuck") ?? 0, try row?.optString("oldest"))
    }
}
