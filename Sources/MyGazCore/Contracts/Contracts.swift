/// Contracts and the acts of work done under them (manual 001 §4.3.5): «what was done under my contract?».
public struct ContractItem: Sendable {
    public let id: Int64
    public let rgk: String
    public let number: String
    public let account: String
    public let holder: String
    public let kind: String
    public let signedOn: String?
    public let validUntil: String?
    public let state: String
    public let acts: Int
}

public struct ActItem: Sendable {
    public struct Work: Sendable { public let work: String; public let costKop: Int64 }
    public let id: Int64
    public let rgk: String
    public let number: String
    public let contract: String
    public let account: String
    public let date: String
    public let totalKop: Int64
    public let works: [Work]
}

public enum Contracts {
    static let contractSelect = """
        SELECT c.id, g.code, c.number, a.number, \(Accounts.holderSQL("a")), c.kind, c.signed_on, c.valid_until, c.state,
               (SELECT count(*) FROM act WHERE contract_id = c.id)
        FROM contract c JOIN account a ON a.id = c.account_id JOIN rgk g ON g.id = c.rgk_id
        """

    static func contract(_ r: Row) -> ContractItem {
        ContractItem(id: r.int64(0), rgk: r.string(1), number: r.string(2), account: r.string(3), holder: r.string(4), kind: r.string(5),
                     signedOn: r.optString(6), validUntil: r.optString(7), state: r.string(8), acts: r.int(9))
    }

    /// An account's contracts, or an RGK's (by number), active ones first.
    public static func list(_ db: any Storage, account: AccountRef?, rgk: String?, kind: ContractKind?, all: Bool, limit: Int) throws -> [ContractItem] {
        var conditions: [String] = []
        var args: [SQLBindable?] = []
        if let account { conditions.append("c.account_id = ?"); args.append(account.id) }
        if let rgk { conditions.append("c.rgk_id = ?"); args.append(try RGK.id(db, rgk)) }
        if let kind { conditions.append("c.kind = ?"); args.append(kind.rawValue) }
        if !all { conditions.append("c.state = 'active'") }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        args.append(limit)
        return try db.query(contractSelect + " \(whereClause) ORDER BY g.code, c.number LIMIT ?", arguments: args).map(contract)
    }

    /// A contract by its number (unique within an RGK).
    public static func find(_ db: any Storage, _ number: String, rgk: String?) throws -> ContractItem {
        let rows = try db.query(contractSelect + " WHERE c.number = ? AND c.rgk_id IN (SELECT id FROM rgk WHERE ?2 IS NULL OR code = ?2)",
                                number, rgk?.lowercased())
        guard let first = rows.first else { throw MyGazError.notFound(.contract, number) }
        guard rows.count == 1 else { throw MyGazError.usage(.contractAmbiguous, .text(number), .text(rows.map { $0.string(1) }.joined(separator: ", "))) }
        return contract(first)
    }

    static let actSelect = """
        SELECT t.id, g.code, t.number, c.number, a.number, t.act_date, (SELECT coalesce(sum(cost_kop), 0) FROM act_item WHERE act_id = t.id)
        FROM act t JOIN contract c ON c.id = t.contract_id JOIN account a ON a.id = c.account_id JOIN rgk g ON g.id = c.rgk_id
        """

    static func act(_ db: any Storage, _ r: Row, works: Bool) throws -> ActItem {
        let items = works ? try db.query("SELECT work, cost_kop FROM act_item WHERE act_id = ? ORDER BY id", r.int64(0))
            .map { ActItem.Work(work: $0.string(0), costKop: $0.int64(1)) } : []
        return ActItem(id: r.int64(0), rgk: r.string(1), number: r.string(2), contract: r.string(3), account: r.string(4), date: r.string(5),
                       totalKop: r.int64(6), works: items)
    }

    /// Acts of an account or of a contract, the newest first.
    public static func acts(_ db: any Storage, account: AccountRef?, contract: ContractItem?, limit: Int) throws -> [ActItem] {
        var conditions: [String] = []
        var args: [SQLBindable?] = []
        if let account { conditions.append("c.account_id = ?"); args.append(account.id) }
        if let contract { conditions.append("t.contract_id = ?"); args.append(contract.id) }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        args.append(limit)
        return try db.query(actSelect + " \(whereClause) ORDER BY t.act_date DESC, t.id DESC LIMIT ?", arguments: args).map { try act(db, $0, works: false) }
    }

    /// An act by its number, with its works and costs.
    public static func act(_ db: any Storage, number: String) throws -> ActItem {
        let rows = try db.query(actSelect + " WHERE t.number = ?", number)
        guard let first = rows.first else { throw MyGazError.notFound(.act, number) }
        guard rows.count == 1 else { throw MyGazError.usage(.actAmbiguous, .text(number), .text(rows.map { $0.string(3) }.joined(separator: ", "))) }
        return try act(db, first, works: true)
    }
}
