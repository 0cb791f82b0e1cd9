public struct OperatorRecord: Sendable, Equatable {
    public let login: String
    public let role: Role
    public let fullName: String?
    public let createdAt: String
    public let createdBy: String
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
        try db.query("""
            SELECT login, role, full_name, created_at, created_by FROM operator
            WHERE ?1 IS NULL OR role = ?1 ORDER BY login
            """, role?.rawValue).map(record)
    }

    public static func find(_ db: any Storage, _ login: String) throws -> OperatorRecord? {
        try db.queryOne("SELECT login, role, full_name, created_at, created_by FROM operator WHERE login = ?", login).map(record)
    }

    static func record(_ row: Row) -> OperatorRecord {
        OperatorRecord(login: row.string(0), role: Role(rawValue: row.string(1)) ?? .clerk,
                       fullName: row.optString(2), createdAt: row.string(3), createdBy: row.string(4))
    }

    /// Registers the first admin of a new database (the login that ran `init` or `demo`).
    public static func bootstrap(_ session: Session) throws {
        try session.db.write {
            guard try session.db.scalarInt("SELECT count(*) FROM operator") == 0 else { return }
            try session.db.run("INSERT INTO operator (login, role, created_at, created_by) VALUES (?, 'admin', ?, ?)",
                               session.login, session.now, session.login)
            try session.audit("operator.add", .operator, session.login, new: Role.admin.rawValue, note: AuditNote(.initialAdmin))
        }
    }

    public enum Outcome: Sendable, Equatable { case changed, unchanged }

    public static func add(_ session: Session, login: String, role: Role, fullName: String?) throws -> Outcome {
        guard validLogin(login) else { throw MyGazError.invalid(.badId, .entity(.operator), .text(login)) }
        return try session.db.write {
            if let existing = try find(session.db, login) {
                if existing.role == role { return .unchanged }
                throw MyGazError(.conflict, .alreadyExists, .entity(.operator), .text(login))
            }
            try session.db.run("INSERT INTO operator (login, role, full_name, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
                               login, role.rawValue, fullName, session.now, session.login)
            try session.audit("operator.add", .operator, login, new: role.rawValue)
            return .changed
        }
    }

    public static func setRole(_ session: Session, login: String, role: Role) throws -> (old: Role, outcome: Outcome) {
        try session.db.write {
            guard let existing = try find(session.db, login) else { throw MyGazError.notFound(.operator, login) }
            if existing.role == role { return (role, .unchanged) }
            if existing.role == .admin { try ensureAnotherAdmin(session.db, besides: login) }
            try session.db.run("UPDATE operator SET role = ? WHERE login = ?", role.rawValue, login)
            try session.audit("operator.set-role", .operator, login, old: existing.role.rawValue, new: role.rawValue)
            return (existing.role, .changed)
        }
    }

    public static func remove(_ session: Session, login: String) throws -> OperatorRecord {
        try session.db.write {
            guard let existing = try find(session.db, login) else { throw MyGazError.notFound(.operator, login) }
            if existing.role == .admin { try ensureAnotherAdmin(session.db, besides: login) }
            try session.db.run("DELETE FROM operator WHERE login = ?", login)
            try session.audit("operator.remove", .operator, login, old: existing.role.rawValue)
            return existing
        }
    }

    private static func ensureAnotherAdmin(_ db: any Storage, besides login: String) throws {
        let others = try db.scalarInt("SELECT count(*) FROM operator WHERE role = 'admin' AND login <> ?", login) ?? 0
        if others == 0 { throw MyGazError.conflict(.lastAdmin, .text(login)) }
    }
}
