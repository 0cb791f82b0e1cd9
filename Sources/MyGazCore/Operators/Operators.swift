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
            WHERE CAST(? AS TEXT) IS NULL OR role = ? ORDER BY login
            """, role?.rawValue, role?.rawValue).map(record)
    }

    public static func find(_ db: any Storage, _ login: String) throws -> OperatorRecord? {
        try db.queryOne("SELECT login, role, full_name, created_at, created_by FROM operator WHERE login = ?", login).map(record)
    }

    static func record(_ row: Row) throws -> OperatorRecord {
        try OperatorRecord(login: row.string("login"), role: Role(rawValue: row.string("role")) ?? .clerk,
                           fullName: row.optString("full_name"), createdAt: row.string("created_at"), createdBy: row.string("created_by"))
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

    public static func add(_ session: Session, login: String, role: Role, fullName: String?) throws -> Outcome {
        guard validLogin(login) else { throw MyGazError.invalid(.badId, .entity(.operator), .text(login)) }
        return try session.db.write {
            if let existing = try find(session.db, login) {
                if existing.role == role { return .unchanged }
                throw MyGazError(.conflict, .alreadyExists, .entity(.operator), .text(login))
            }
            try session.db.run("INSERT INTO operator (login, role, full_name, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
                               login, role.rawValue, fullName, session.now, session.login)
            try ServerRoles.admit(session.db, login: login, role: role)
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
            try ServerRoles.admit(session.db, login: login, role: role)
            try session.audit("operator.set-role", .operator, login, old: existing.role.rawValue, new: role.rawValue)
            return (existing.role, .changed)
        }
    }

    public static func remove(_ session: Session, login: String) throws -> OperatorRecord {
        try session.db.write {
            guard let existing = try find(session.db, login) else { throw MyGazError.notFound(.operator, login) }
            if existing.role == .admin { try ensureAnotherAdmin(session.db, besides: login) }
            try session.db.run("DELETE FROM operator WHERE login = ?", login)
            try ServerRoles.dismiss(session.db, login: login)
            try session.audit("operator.remove", .operator, login, old: existing.role.rawValue)
            return existing
        }
    }

    /// Two admins demoting each other at once must not leave none: the admins' rows are held
    /// until the change commits, so the second sees what the first did.
    private static func ensureAnotherAdmin(_ db: any Storage, besides login: String) throws {
        let admins = try db.query("SELECT login FROM operator WHERE role = 'admin' \(db.sql.lockingRows)").map { try $0.string("login") }
        if !admins.contains(where: { $0 != login }) { throw MyGazError.conflict(.lastAdmin, .text(login)) }
    }
}
