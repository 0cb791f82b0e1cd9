public struct OperatorRecord: Sendable, Equatable {
    public let login: String
    public let role: Role
    public let fullName: String?
    public let createdAt: String
    public let createdBy: String
    /// The codes of the RGKs she works, sorted; nil = every RGK.
    public var rgks: [String]? = nil
}

/// Which RGKs an operator works: every one (no rows in `operator_rgk`), or only these codes.
public enum RGKScope: Sendable, Equatable {
    case all
    case only([String])

    /// What the audit trail keeps: codes, never a person's value.
    var audited: String {
        switch self {
        case .all: "all"
        case .only(let codes): codes.joined(separator: ",")
        }
    }
}

/// The operators table: OS logins allowed to work the database, and their roles.
public enum Operators {
    public static func validLogin(_ login: String) -> Bool {
        // POSIX portable user names, as useradd accepts them.
        guard let first = login.unicodeScalars.first, (1...32).contains(login.unicodeScalars.count) else { return false }
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-".unicodeScalars)
        return first != "-" && login.unicodeScalars.allSatisfy { allowed.contains($0) }
    }

    public static func list(_ db: any Storage, role: Role? = nil) throws -> [OperatorRecord] {
        let scopes = try scopeCodes(db, of: nil)
        return try db.query("""
            SELECT login, role, full_name, created_at, created_by FROM operator
            WHERE CAST(? AS TEXT) IS NULL OR role = ? ORDER BY login
            """, role?.rawValue, role?.rawValue).map { try record($0, scopes) }
    }

    public static func find(_ db: any Storage, _ login: String) throws -> OperatorRecord? {
        try db.queryOne("SELECT login, role, full_name, created_at, created_by FROM operator WHERE login = ?", login)
            .map { try record($0, scopeCodes(db, of: login)) }
    }

    /// The RGK codes of each scoped operator (of `login` alone when given), sorted.
    static func scopeCodes(_ db: any Storage, of login: String?) throws -> [String: [String]] {
        var scopes: [String: [String]] = [:]
        for row in try db.query("""
            SELECT s.operator_login AS login, g.code FROM operator_rgk s JOIN rgk g ON g.id = s.rgk_id
            WHERE CAST(? AS TEXT) IS NULL OR s.operator_login = ? ORDER BY g.code
            """, login, login) {
            scopes[try row.string("login"), default: []].append(try row.string("code"))
        }
        return scopes
    }

    /// The ids of the RGKs `login` works, nil = every RGK.
    public static func scopeIDs(_ db: any Storage, of login: String) throws -> [Int64]? {
        let ids = try db.query("SELECT rgk_id FROM operator_rgk WHERE operator_login = ? ORDER BY rgk_id", login)
            .map { try $0.int64("rgk_id") }
        return ids.isEmpty ? nil : ids
    }

    /// The RGKs named by `codes`, each once, sorted by code; an unknown code is not found (exit 3).
    static func resolve(_ db: any Storage, _ scope: RGKScope) throws -> [(id: Int64, code: String)] {
        guard case .only(let codes) = scope else { return [] }
        var seen: [Int64: String] = [:]
        for code in codes {
            let id = try RGK.id(db, code)
            seen[id] = code.lowercased()
        }
        return seen.map { (id: $0.key, code: $0.value) }.sorted { $0.code < $1.code }
    }

    static func record(_ row: Row, _ scopes: [String: [String]]) throws -> OperatorRecord {
        let login = try row.string("login")
        return try OperatorRecord(login: login, role: Role(rawValue: row.string("role")) ?? .clerk,
                                  fullName: row.optString("full_name"), createdAt: row.string("created_at"),
                                  createdBy: row.string("created_by"), rgks: scopes[login])
    }

    /// Registers the first admin of a new database (the login that ran `init` or `demo`).
    public static func bootstrap(_ session: Session) throws {
        try session.db.write {
            guard try session.db.scalarInt("SELECT count(*) FROM operator") == 0 else { return }
            try session.db.run("INSERT INTO operator (login, role, created_at, created_by) VALUES (?, 'admin', ?, ?)",
                               session.login, session.now, session.login)
            try ServerRoles.admit(session.db, login: session.login, role: .admin)
            try session.audit("operator.add", .operator, session.login, new: Role.admin.rawValue, note: AuditNote(.initialAdmin))
        }
    }

    public enum Outcome: Sendable, Equatable { case changed, unchanged }

    public static func add(_ session: Session, login: String, role: Role, fullName: String?, scope: RGKScope = .all) throws -> Outcome {
        guard validLogin(login) else { throw MyGazError.invalid(.badId, .entity(.operator), .text(login)) }
        return try session.db.write {
            let rgks = try resolve(session.db, scope)
            let wanted: [String]? = rgks.isEmpty ? nil : rgks.map(\.code)
            if let existing = try find(session.db, login) {
                if existing.role == role && existing.rgks == wanted { return .unchanged }
                throw MyGazError(.conflict, .alreadyExists, .entity(.operator), .text(login))
            }
            try ensureWithinOwnScope(session, rgks)
            try ServerRoles.requireOnlyOperatorRights(session.db, login: login)
            try session.db.run("INSERT INTO operator (login, role, full_name, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
                               login, role.rawValue, fullName, session.now, session.login)
            try ServerRoles.admit(session.db, login: login, role: role)
            try session.audit("operator.add", .operator, login, new: role.rawValue)
            if !rgks.isEmpty { try writeScope(session, login: login, from: .all, to: rgks) }
            return .changed
        }
    }

    public static func setRole(_ session: Session, login: String, role: Role) throws -> (old: Role, outcome: Outcome) {
        try session.db.write {
            guard let existing = try find(session.db, login) else { throw MyGazError.notFound(.operator, login) }
            if existing.role == role { return (role, .unchanged) }
            if existing.role == .admin { try ensureAnotherAdmin(session.db, besides: existing) }
            try session.db.run("UPDATE operator SET role = ? WHERE login = ?", role.rawValue, login)
            try ServerRoles.admit(session.db, login: login, role: role)
            try session.audit("operator.set-role", .operator, login, old: existing.role.rawValue, new: role.rawValue)
            return (existing.role, .changed)
        }
    }

    /// Which RGKs `login` works from now on. Only within the editor's own scope: a scoped
    /// operator cannot widen her own scope, nor give anyone an RGK she does not work herself.
    public static func setScope(_ session: Session, login: String, scope: RGKScope) throws -> (old: RGKScope, outcome: Outcome) {
        try session.db.write {
            guard let existing = try find(session.db, login) else { throw MyGazError.notFound(.operator, login) }
            let old: RGKScope = existing.rgks.map(RGKScope.only) ?? .all
            let rgks = try resolve(session.db, scope)
            let new: RGKScope = rgks.isEmpty ? .all : .only(rgks.map(\.code))
            if new == old { return (old, .unchanged) }
            try ensureWithinOwnScope(session, rgks)
            if existing.role == .admin && existing.rgks == nil { try ensureAnotherAdmin(session.db, besides: existing) }
            try session.db.run("DELETE FROM operator_rgk WHERE operator_login = ?", login)
            try writeScope(session, login: login, from: old, to: rgks)
            return (old, .changed)
        }
    }

    private static func writeScope(_ session: Session, login: String, from old: RGKScope, to rgks: [(id: Int64, code: String)]) throws {
        for rgk in rgks {
            try session.db.run("INSERT INTO operator_rgk (operator_login, rgk_id) VALUES (?, ?)", login, rgk.id)
        }
        let new: RGKScope = rgks.isEmpty ? .all : .only(rgks.map(\.code))
        try session.audit("operator.set-scope", .operator, login, old: old.audited, new: new.audited)
    }

    /// Exit 7 naming the first RGK (or "all") beyond the editor's own scope.
    private static func ensureWithinOwnScope(_ session: Session, _ rgks: [(id: Int64, code: String)]) throws {
        guard let own = try session.rgkScope() else { return }
        let ownCodes = try scopeCodes(session.db, of: session.login)[session.login] ?? []
        if rgks.isEmpty {
            throw MyGazError(.permission, .scopeAllBeyondOwn, .text(session.login), .text(ownCodes.joined(separator: ", ")))
        }
        if let beyond = rgks.first(where: { !own.contains($0.id) }) {
            throw MyGazError(.permission, .scopeBeyondOwn, .text(session.login), .text(ownCodes.joined(separator: ", ")), .text(beyond.code))
        }
    }

    public static func remove(_ session: Session, login: String) throws -> OperatorRecord {
        try session.db.write {
            guard let existing = try find(session.db, login) else { throw MyGazError.notFound(.operator, login) }
            if existing.role == .admin { try ensureAnotherAdmin(session.db, besides: existing) }
            try session.db.run("DELETE FROM operator_rgk WHERE operator_login = ?", login)
            try session.db.run("DELETE FROM operator WHERE login = ?", login)
            try ServerRoles.dismiss(session.db, login: login)
            try session.audit("operator.remove", .operator, login, old: existing.role.rawValue)
            return existing
        }
    }

    /// Two admins demoting each other at once must not leave none: the admins' rows are held
    /// until the change commits, so the second sees what the first did. An admin of every RGK
    /// leaves another admin of every RGK behind: a scoped admin cannot give back what she lacks.
    private static func ensureAnotherAdmin(_ db: any Storage, besides admin: OperatorRecord) throws {
        let admins = try db.query("SELECT login FROM operator WHERE role = 'admin' \(db.sql.lockingRows)").map { try $0.string("login") }
        let others = admins.filter { $0 != admin.login }
        if others.isEmpty { throw MyGazError.conflict(.lastAdmin, .text(admin.login)) }
        guard admin.rgks == nil else { return }
        let scoped = Set(try scopeCodes(db, of: nil).keys)
        if others.allSatisfy(scoped.contains) { throw MyGazError.conflict(.lastAdminOfAllRGKs, .text(admin.login)) }
    }
}
