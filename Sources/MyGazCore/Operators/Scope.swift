/// The operator's RGKs as one SQL condition: the one piece every room uses to limit what it
/// reads and decides to them (issue 37), so that no room writes the rule twice.
///
/// Three shapes of ownership, said here once:
/// - an item carrying an RGK (directly or through its account): in scope when that RGK is hers;
/// - an item of the portal-wide support channel (a ticket or a message with no RGK): seen by
///   every operator, whatever her scope — who may answer it is the channel's rule (support);
/// - a portal user, who belongs to RGKs through her linked accounts: seen when any link is in
///   scope, and by everyone while she has no link (a registration not yet tied to an RGK).
public struct ScopeCondition {
    /// `1 = 1` for an operator of every RGK, else the condition with its lists bound at its `?`s.
    public let sql: String
    public let arguments: [SQLBindable?]

    static var everything: ScopeCondition { ScopeCondition(sql: "1 = 1", arguments: []) }

    /// `column` limited to the RGKs `ids` (nil = every RGK).
    public static func rgk(_ db: any Storage, _ column: String, in ids: [Int64]?) -> ScopeCondition {
        guard let ids else { return everything }
        return among(db, column, ids)
    }

    /// `column` limited to the RGKs `ids`, a NULL (the portal-wide support channel) kept.
    public static func rgkOrPortal(_ db: any Storage, _ column: String, in ids: [Int64]?) -> ScopeCondition {
        guard let ids else { return everything }
        let among = among(db, column, ids)
        return ScopeCondition(sql: "(\(column) IS NULL OR \(among.sql))", arguments: among.arguments)
    }

    /// `column` one of `ids`: for the one RGK most operators work, an equality, which an index on
    /// (RGK, order) reads in the list's order and stops after a page (a bound list is joined
    /// instead, and every row of the RGK sorted first).
    private static func among(_ db: any Storage, _ column: String, _ ids: [Int64]) -> ScopeCondition {
        if ids.count == 1 { return ScopeCondition(sql: "\(column) = ?", arguments: [ids[0]]) }
        return ScopeCondition(sql: db.sql.isIn(column, of: .integer), arguments: [SQLList(ids)])
    }

    /// The portal user `userColumn` (an id) limited to the RGKs `ids`: any linked account of
    /// hers in them, or no linked account at all.
    public static func user(_ db: any Storage, _ userColumn: String, in ids: [Int64]?) -> ScopeCondition {
        guard let ids else { return everything }
        return ScopeCondition(sql: """
            (EXISTS (SELECT 1 FROM user_account sua JOIN account sa ON sa.id = sua.account_id
                     WHERE sua.user_id = \(userColumn) AND \(db.sql.isIn("sa.rgk_id", of: .integer))\(db.sql.probeEachRow))
             OR NOT EXISTS (SELECT 1 FROM user_account sub WHERE sub.user_id = \(userColumn)\(db.sql.probeEachRow)))
            """, arguments: [SQLList(ids)])
    }

    /// Where an item of `entity` keeps its RGK: the rows (`from`), its id column, the RGK id
    /// column or expression, and which of the shapes above limits it. Nil: the entity is no
    /// RGK's (operators, settings, the FAQ).
    static func owner(_ entity: Entity) -> (from: String, id: String, rgk: String, shape: Shape)? {
        let viaAccount = "JOIN account a ON a.id = x.account_id"
        switch entity {
        case .reading: return ("reading x JOIN meter m ON m.id = x.meter_id JOIN account a ON a.id = m.account_id", "x.id", "a.rgk_id", .rgk)
        case .application: return ("application x", "x.id", "x.rgk_id", .rgk)
        case .ticket: return ("ticket x", "x.id", "x.rgk_id", .rgkOrPortal)
        case .pinRequest: return ("pin_request x \(viaAccount)", "x.id", "a.rgk_id", .rgk)
        case .pin: return ("pin x \(viaAccount)", "x.id", "a.rgk_id", .rgk)
        case .account: return ("account x", "x.id", "x.rgk_id", .rgk)
        case .payment: return ("payment x", "x.id", "x.rgk_id", .rgk)
        case .contract: return ("contract x", "x.id", "x.rgk_id", .rgk)
        case .meter: return ("meter x \(viaAccount)", "x.id", "a.rgk_id", .rgk)
        case .office: return ("office x", "x.id", "x.rgk_id", .rgk)
        case .outbox: return ("outbox x", "x.id", "x.rgk_id", .rgkOrPortal)
        case .importBatch: return ("import_batch x", "x.id", "x.rgk_id", .rgkOrPortal)
        case .user:
            return ("portal_user x", "x.id", """
                (SELECT min(ua.account_id) FROM user_account ua WHERE ua.user_id = x.id)
                """, .user)
        default: return nil
        }
    }

    /// The audit rows of the RGKs `scope`: a row about an item of an RGK (`ScopeCondition.owner`)
    /// when that item is theirs by the one rule; a row about no RGK's item (an operator, a
    /// setting, the FAQ, the database) for everyone.
    static func audit(_ db: any Storage, in scope: [Int64]) -> ScopeCondition {
        var kinds: [String] = [], arguments: [SQLBindable?] = []
        var owned: [String] = []
        for entity in Entity.allCases {
            guard let owner = ScopeCondition.owner(entity) else { continue }
            let c = ScopeCondition.of(db, owner.shape, owner.shape == .user ? owner.id : owner.rgk, in: scope)
            kinds.append("""
                (entity_type = '\(entity.rawValue)' AND EXISTS (SELECT 1 FROM \(owner.from)
                    WHERE \(owner.id) = \(db.sql.integer(ofText: "audit.entity_id")) AND \(c.sql)))
                """)
            arguments += c.arguments
            owned.append("'\(entity.rawValue)'")
        }
        return ScopeCondition(sql: "(entity_id IS NULL OR entity_type NOT IN (\(owned.joined(separator: ", "))) OR \(kinds.joined(separator: " OR ")))",
                              arguments: arguments)
    }

    enum Shape { case rgk, rgkOrPortal, user }

    static func of(_ db: any Storage, _ shape: Shape, _ column: String, in ids: [Int64]?) -> ScopeCondition {
        switch shape {
        case .rgk: rgk(db, column, in: ids)
        case .rgkOrPortal: rgkOrPortal(db, column, in: ids)
        case .user: user(db, column, in: ids)
        }
    }
}

extension Session {
    /// `column` (an RGK id) limited to the operator's RGKs.
    public func inScope(_ column: String) throws -> ScopeCondition {
        ScopeCondition.rgk(db, column, in: try rgkScope())
    }

    /// `column` (an RGK id, NULL for the portal-wide support channel) limited to the operator's RGKs.
    public func inScopeOrPortal(_ column: String) throws -> ScopeCondition {
        ScopeCondition.rgkOrPortal(db, column, in: try rgkScope())
    }

    /// The portal user `userColumn` limited to the operator's RGKs (through her linked accounts).
    public func userInScope(_ userColumn: String) throws -> ScopeCondition {
        ScopeCondition.user(db, userColumn, in: try rgkScope())
    }

    /// Whether the operator works the RGK `rgkID`.
    public func works(rgkID: Int64) throws -> Bool {
        try rgkScope().map { $0.contains(rgkID) } ?? true
    }

    /// Exit 7 naming the RGK when a decision would touch an item of an RGK she does not work.
    public func requireWorks(rgk code: String, _ entity: Entity, _ id: CustomStringConvertible) throws {
        guard try !works(rgkID: RGK.id(db, code)) else { return }
        throw MyGazError(.permission, .outsideScope, .text(login), .entity(entity), .text(id.description), .text(code))
    }

    /// Exit 7 naming the RGK `rgkID` unless she works it: what creating an item in an RGK, an
    /// import or an export for one, answers.
    public func requireWorks(rgkID: Int64) throws {
        guard try !works(rgkID: rgkID) else { return }
        throw MyGazError(.permission, .rgkOutsideScope, .text(login), .text(try RGK.code(db, rgkID)))
    }

    /// The RGKs a command given `--rgk rgk` (or not) works over: the one named (exit 7 when it is
    /// not hers), else each of hers when she works some, else `[nil]`, every RGK at once.
    public func rgks(_ rgk: String?) throws -> [String?] {
        if let rgk {
            try requireWorks(rgkID: RGK.id(db, rgk))
            return [rgk]
        }
        guard let scope = try rgkScope() else { return [nil] }
        return try scope.map { try RGK.code(db, $0) }
    }

    /// The first of `ids` (items of `entity`) outside the operator's RGKs, with its RGK's code;
    /// nil when all are hers (or she works every RGK). Unknown ids are not looked at.
    public func outsideScope(_ entity: Entity, _ ids: [Int64]) throws -> (id: Int64, rgk: String)? {
        guard let scope = try rgkScope(), !ids.isEmpty, let owner = ScopeCondition.owner(entity) else { return nil }
        let condition = ScopeCondition.of(db, owner.shape, owner.shape == .user ? owner.id : owner.rgk, in: scope)
        let rgk = owner.shape == .user
            ? "(SELECT g.code FROM account ra JOIN rgk g ON g.id = ra.rgk_id WHERE ra.id = \(owner.rgk))"
            : "(SELECT g.code FROM rgk g WHERE g.id = \(owner.rgk))"
        // one id (a show, a single decision) is an equality: found by its key under the row
        // policies too, where the planner may not join a bound list before them
        let among = ids.count == 1 ? "\(owner.id) = ?" : db.sql.isIn(owner.id, of: .integer)
        let row = try db.queryOne("""
            SELECT \(owner.id) AS id, \(rgk) AS rgk FROM \(owner.from)
            WHERE \(among) AND NOT (\(condition.sql))
            ORDER BY \(owner.id) LIMIT 1
            """, arguments: [ids.count == 1 ? ids[0] : SQLList(ids)] + condition.arguments)
        return try row.map { (try $0.int64("id"), try $0.optString("rgk") ?? "—") }
    }

    /// "Not found" (as an unknown id) for an item of `entity` outside the operator's RGKs: what
    /// a list or a show answers.
    public func requireSees(_ entity: Entity, _ id: Int64) throws {
        guard try outsideScope(entity, [id]) == nil else { throw MyGazError.notFound(entity, String(id)) }
    }

    /// Exit 7 naming the RGK when any of `ids` is outside the operator's RGKs: what a decision,
    /// and a bulk form before anything changes, answers.
    public func requireWorks(_ entity: Entity, _ ids: [Int64]) throws {
        guard let (id, code) = try outsideScope(entity, ids) else { return }
        throw MyGazError(.permission, .outsideScope, .text(login), .entity(entity), .text(String(id)), .text(code))
    }

    /// The bulk forms' check, on the ids as typed (from argv or stdin): the ids that are ids
    /// are looked at together, before anything changes; the others are each id's own error later.
    public func requireWorks(_ entity: Entity, texts: [String]) throws {
        try requireWorks(entity, texts.compactMap { try? References.parseID(entity, $0) })
    }
}
