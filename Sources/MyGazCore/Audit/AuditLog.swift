/// One row of the audit trail: who did what to which entity, old → new, why.
public struct AuditEntry: Sendable {
    public let id: Int64
    public let at: String
    public let operatorLogin: String
    public let action: String
    public let entityType: String
    public let entityID: String?
    public let oldValue: String?
    public let newValue: String?
    /// A person's own words.
    public let reason: String?
    /// What the program said, as a code and its arguments (JSON), put into words when shown.
    public let reasonCode: String?
    public let reasonArgs: String?
}

public struct AuditFilter: Sendable {
    public var since: Int64?
    public var until: Int64?
    public var operatorLogin: String?
    public var entityType: String?
    public var entityID: String?
    public var action: String?
    public var limit: Int = 50
    /// The operator's RGK ids (`Session.rgkScope`), nil = every RGK: the rows about an item of
    /// another RGK are not hers to read (a clerk's words may name its customer).
    public var scope: [Int64]?
    public init() {}
}

/// The audit table. Rows are written in the same transaction as the change they record, never
/// hold a secret or a person's data but a clerk's own words (ids, codes and counts), are never
/// deleted, and are chained by hash (`AuditChain`); the one update is an erasure's, which takes a
/// clerk's words that name the person out of her rows (the text and its salt: the digest the
/// chain covers stays).
public enum AuditLog {
    static func record(_ db: any Storage, at: String, operator login: String, action: String, entity: String,
                       id: String?, old: String?, new: String?, reason: String?, note: AuditNote? = nil) throws {
        let row = AuditChain.NewRow(at: at, operatorLogin: login, action: action, entityType: entity, entityID: id, oldValue: old,
                                    newValue: new, reason: reason, reasonCode: note?.reason.rawValue,
                                    reasonArgs: note.flatMap { $0.reason.encode($0.values) })
        guard db.sql.chainsAuditAtCommit else { return try AuditChain.append(db, [row]) }
        let (salt, digest) = row.sealed()
        try db.run("""
            INSERT INTO audit (at, operator, action, entity_type, entity_id, old_value, new_value, reason, reason_code, reason_args,
                               reason_salt, reason_digest)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, row.at, row.operatorLogin, row.action, row.entityType, row.entityID, row.oldValue, row.newValue, row.reason,
            row.reasonCode, row.reasonArgs, salt, digest)
    }

    static func record(_ db: any Storage, at: String, operator login: String, action: String, entity: String,
                       ids: [Int64], old: String?, new: String?) throws {
        guard db.sql.chainsAuditAtCommit else {
            return try AuditChain.append(db, ids.map {
                AuditChain.NewRow(at: at, operatorLogin: login, action: action, entityType: entity, entityID: String($0), oldValue: old, newValue: new)
            })
        }
        try db.run("""
            INSERT INTO audit (at, operator, action, entity_type, entity_id, old_value, new_value)
            SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(ids.value AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT)
            FROM (\(db.sql.listValues())) AS ids
            """, at, login, action, entity, old, new, SQLList(ids))
    }

    public static func list(_ db: any Storage, _ filter: AuditFilter) throws -> [AuditEntry] {
        var conditions: [String] = []
        var args: [SQLBindable?] = []
        if let since = filter.since { conditions.append("at >= ?"); args.append(Timestamp.iso(since)) }
        if let until = filter.until { conditions.append("at < ?"); args.append(Timestamp.iso(until)) }
        if let login = filter.operatorLogin { conditions.append("operator = ?"); args.append(login) }
        if let type = filter.entityType { conditions.append("entity_type = ?"); args.append(type) }
        if let id = filter.entityID { conditions.append("entity_id = ?"); args.append(id) }
        if let action = filter.action {
            if action.contains(".") {
                conditions.append("action = ?"); args.append(action)
            } else {
                // `--action reading` matches every reading action.
                conditions.append("action >= ? AND action < ?"); args.append(action + "."); args.append(action + "/")
            }
        }
        if let scope = filter.scope {
            let c = ScopeCondition.audit(db, in: scope)
            conditions.append(c.sql); args += c.arguments
        }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        args.append(filter.limit)
        return try db.query("""
            SELECT id, at, operator, action, entity_type, entity_id, old_value, new_value, reason, reason_code, reason_args
            FROM audit \(whereClause) ORDER BY at DESC, id DESC LIMIT ?
            """, arguments: args).map {
            try AuditEntry(id: $0.int64("id"), at: $0.string("at"), operatorLogin: $0.string("operator"), action: $0.string("action"),
                           entityType: $0.string("entity_type"), entityID: $0.optString("entity_id"), oldValue: $0.optString("old_value"),
                           newValue: $0.optString("new_value"), reason: $0.optString("reason"), reasonCode: $0.optString("reason_code"),
                           reasonArgs: $0.optString("reason_args"))
        }
    }
}
