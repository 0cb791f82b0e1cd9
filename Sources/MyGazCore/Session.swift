/// The three roles of the back office.
public enum Role: String, CaseIterable, Sendable, Comparable {
    case clerk, support, admin

    public static func < (a: Role, b: Role) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// Who is working, on which database, at what time. Every service call takes one.
public final class Session {
    /// All a domain room sees of the engine.
    public let db: any Storage
    public let clock: Clock
    /// The OS login of the process (getpwuid of the effective uid), never a flag.
    public let login: String

    public init(db: any Storage, login: String, clock: Clock = .system) {
        self.db = db
        self.login = login
        self.clock = clock
    }

    /// The SQLite engine itself, for the bulk paths that are its own (import, demo, backup,
    /// the long writes in parts); on another engine, the one line that says `what` is not
    /// there yet.
    public func sqlite(for what: String) throws -> Database {
        guard let database = db as? Database else { throw MyGazError(.usage, .notOnThisEngine, .text(what), .text(db.path)) }
        return database
    }

    public var now: String { clock.nowISO }

    /// The operator's role, or nil if the login is not registered.
    /// Her RGKs come with it (one statement, not two: every command asks both), kept for `rgkScope`.
    /// A file older than the RGK scopes (schema 12), which `db migrate` is about to bring up, has
    /// no `operator_rgk`: her role alone is read there.
    public func role() throws -> Role? {
        let rows: [Row]
        do {
            rows = try db.query("""
                SELECT o.role, g.rgk_id FROM operator o LEFT JOIN operator_rgk g ON g.operator_login = o.login
                WHERE o.login = ? ORDER BY g.rgk_id
                """, login)
        } catch {
            return try db.scalarString("SELECT role FROM operator WHERE login = ?", login).flatMap(Role.init(rawValue:))
        }
        guard let first = rows.first else { return nil }
        if scope == nil {
            let ids = try rows.compactMap { try $0.optInt64("rgk_id") }
            scope = .some(ids.isEmpty ? nil : ids)
        }
        return Role(rawValue: try first.string("role"))
    }

    /// The ids of the RGKs the operator works, nil = every RGK (issue 37); read once a session.
    public func rgkScope() throws -> [Int64]? {
        if let loaded = scope { return loaded }
        let ids = try Operators.scopeIDs(db, of: login)
        scope = .some(ids)
        return ids
    }
    private var scope: [Int64]??

    /// Throws exit 7 unless the login is an operator with one of `roles`.
    public func require(_ roles: Set<Role>, command: String) throws {
        guard let role = try role() else {
            throw MyGazError(.permission, .operatorUnknown, .text(login), .text(db.path))
        }
        guard roles.contains(role) else {
            let needed = roles.sorted().map(\.rawValue).joined(separator: ", ")
            throw MyGazError(.permission, .roleRequired, .text(command), .text(needed), .text(login), .code(.role, role.rawValue))
        }
    }

    /// One audit row per id for the same change of many (a bulk decision), in one statement.
    public func audit(_ action: String, _ entity: Entity, ids: [Int64], old: String? = nil, new: String? = nil) throws {
        try AuditLog.record(db, at: now, operator: login, action: action, entity: entity.rawValue, ids: ids, old: old, new: new)
    }

    /// Writes the audit row for a change; call inside the change's transaction.
    public func audit(_ action: String, _ entity: Entity, _ id: CustomStringConvertible?,
                      old: String? = nil, new: String? = nil, reason: String? = nil, note: AuditNote? = nil) throws {
        try AuditLog.record(db, at: now, operator: login, action: action, entity: entity.rawValue,
                            id: id?.description, old: old, new: new, reason: reason, note: note)
    }
}
