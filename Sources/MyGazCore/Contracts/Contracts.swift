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
        SELECT c.id, g.code AS rgk, c.number, a.number AS account, \(Accounts.holderSQL("a")) AS holder, c.kind, c.signed_on, c.valid_until,
               c.state, (SELECT count(*) FROM act WHERE contract_id = c.id) AS acts
        FROM contract c JOIN account a ON a.id = c.account_id JOIN rgk g ON g.id = c.rgk_id
        """

    static func contract(_ r: Row) throws -> ContractItem {
        try ContractItem(id: r.int64("id"), rgk: r.string("rgk"), number: r.string("number"), account: r.string("account"),
                         holder: r.string("holder"), kind: r.string("kind"), signedOn: r.optString("signed_on"),
                         validUntil: r.optString("valid_until"), state: r.string("state"), acts: r.int("acts"))
    }

    /// An account's contracts, or an RGK's (by number), active ones first.
    /// `scope`: the operator's RGK ids (`Session.rgkScope`), nil = every RGK.
    public static func list(_ db: any Storage, account: AccountRef?, rgk: String?, kind: ContractKind?, all: Bool, limit: Int,
                            scope: [Int64]? = nil) throws -> [ContractItem] {
        var conditions: [String] = []
        var args: [SQLBindable?] = []
        if scope != nil {
            let c = ScopeCondition.rgk(db, "c.rgk_id", in: scope)
            conditions.append(c.sql); args += c.arguments
        }
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
        let rows = try db.query(contractSelect + " WHERE c.number = ? AND c.rgk_id IN (SELECT id FROM rgk WHERE CAST(? AS TEXT) IS NULL OR code = ?) ORDER BY g.code",
                                number, rgk?.lowercased(), rgk?.lowercased())
        guard let first = rows.first else { throw MyGazError.notFound(.contract, number) }
        guard rows.count == 1 else {
            throw MyGazError.usage(.contractAmbiguous, .text(number), .text(try rows.map { try $0.string("rgk") }.joined(separator: ", ")))
        }
        return try contract(first)
    }

    static let actSelect = """
        SELECT t.id, g.code AS rgk, t.number, c.number AS contract, a.number AS account, t.act_date,
               (SELECT coalesce(sum(cost_kop), 0) FROM act_item WHERE act_id = t.id) AS total_kop
        FROM act t JOIN contract c ON c.id = t.contract_id JOIN account a ON a.id = c.account_id JOIN rgk g ON g.id = c.rgk_id
        """

    static func act(_ db: any Storage, _ r: Row, works: Bool) throws -> ActItem {
        let id = try r.int64("id")
        let items = works ? try db.query("SELECT work, cost_kop FROM act_item WHERE act_id = ? ORDER BY id", id)
            .map { try ActItem.Work(work: $0.string("work"), costKop: $0.int64("cost_kop")) } : []
        return try ActItem(id: id, rgk: r.string("rgk"), number: r.string("number"), contract: r.string("contract"), account: r.string("account"),
                           date: r.string("act_date"), totalKop: r.int64("total_kop"), works: items)
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
        let rows = try db.query(actSelect + " WHERE t.number = ? ORDER BY g.code, c.number", number)
        guard let first = rows.first else { throw MyGazError.notFound(.act, number) }
        guard rows.count == 1 else {
            throw MyGazError.usage(.actAmbiguous, .text(number), .text(try rows.map { try $0.string("contract") }.joined(separator: ", ")))
        }
        return try act(db, first, works: true)
    }
}
