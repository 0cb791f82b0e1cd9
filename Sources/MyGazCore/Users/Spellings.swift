import Foundation

/// Logins and contacts the portal stored in another spelling than ours (`89115550011` for
/// `+79115550011`, `Ivan@Mail.RU`). Our own writes are always normal (`Contact`); a stray
/// spelling from the portal would hide the customer from every lookup. The few such rows are
/// kept in a partial index (`SQLDialect.unnormalisedUser`, each engine's words for them), so
/// lookups, `db check` and `db repair-logins` find them at once, and each is judged by the same
/// normalisation as everything we write (`Contact.login`).
public enum Spellings {
    /// One field of a user in a spelling of its own, and what becomes of it.
    public struct Stray: Sendable, Equatable {
        public enum Field: String, Sendable, CaseIterable { case login, email, phone }
        public enum Fate: Sendable, Equatable {
            /// normalises to `normal`, which no one else has
            case repairable
            /// normalises to the login of another user
            case taken(by: Int64)
            /// neither a Russian mobile nor an e-mail address: a person must decide
            case notAContact
        }
        public let userID: Int64
        public let field: Field
        public let stored: String
        public let normal: String?
        public let fate: Fate
    }

    /// Every stray spelling, by user id.
    public static func strays(_ db: any Storage) throws -> [Stray] {
        var found: [Stray] = []
        var claimed: [String: Int64] = [:]  // a normal login two strays would both take
        for row in try db.query("SELECT id, login, email, phone FROM portal_user WHERE \(db.sql.unnormalisedUserRows) ORDER BY id") {
            let id = try row.int64("id")
            let login = try row.string("login")
            if !isNormalLogin(login) {
                if let normal = Contact.login(login)?.login {
                    var fate = Stray.Fate.repairable
                    if let other = try db.queryOne("SELECT id FROM portal_user WHERE login = ? AND id <> ?", normal, id)?.int64("id") {
                        fate = .taken(by: other)
                    } else if let other = claimed[normal] {
                        fate = .taken(by: other)
                    } else {
                        claimed[normal] = id
                    }
                    found.append(Stray(userID: id, field: .login, stored: login, normal: normal, fate: fate))
                } else {
                    found.append(Stray(userID: id, field: .login, stored: login, normal: nil, fate: .notAContact))
                }
            }
            if let email = try row.optString("email"), email != email.trimmingCharacters(in: .whitespaces).lowercased() {
                let normal = Contact.email(email)
                found.append(Stray(userID: id, field: .email, stored: email, normal: normal, fate: normal == nil ? .notAContact : .repairable))
            }
            if let phone = try row.optString("phone"), Contact.phone(phone) != phone {
                let normal = Contact.phone(phone)
                found.append(Stray(userID: id, field: .phone, stored: phone, normal: normal, fate: normal == nil ? .notAContact : .repairable))
            }
        }
        return found
    }

    static func isNormalLogin(_ login: String) -> Bool {
        Contact.login(login)?.login == login
    }

    /// Users whose login (or, with `contacts`, e-mail or phone) is stored in another spelling of
    /// `normal`, a login as `Contact.login` gives it.
    public static func users(_ db: any Storage, spelling normal: String, contacts: Bool) throws -> [Int64] {
        try db.query("SELECT id, login, email, phone FROM portal_user WHERE \(db.sql.unnormalisedUserRows) ORDER BY id").compactMap { row in
            let fields = try contacts ? [row.string("login"), row.optString("email"), row.optString("phone")] : [row.string("login")]
            return try fields.contains { $0.flatMap { Contact.login($0)?.login } == normal } ? row.int64("id") : nil
        }
    }

    /// `db repair-logins`: every repairable stray takes its normal form (the login's kind with
    /// it), each change audited (the field, not the values); the rest are left for a person and listed. All or nothing.
    public static func repair(_ session: Session, dryRun: Bool) throws -> [Stray] {
        try session.db.write {
            let strays = try strays(session.db)
            guard !dryRun else { return strays }
            for s in strays where s.fate == .repairable {
                guard let normal = s.normal else { continue }
                if s.field == .login {
                    let kind: LoginKind = Contact.phone(normal) != nil ? .phone : .email
                    try session.db.run("UPDATE portal_user SET login = ?, login_kind = ?, updated_at = ? WHERE id = ?",
                                       normal, kind.rawValue, session.now, s.userID)
                } else {
                    try session.db.run("UPDATE portal_user SET \(s.field.rawValue) = ?, updated_at = ? WHERE id = ?", normal, session.now, s.userID)
                }
                // the spelling it had stays with her, not in the audit row
                try FormerValues.keep(session, s.userID, UserFormerValue(rawValue: s.field.rawValue) ?? .login, s.stored)
                try session.audit("user.repair-\(s.field.rawValue)", .user, s.userID)
            }
            return strays
        }
    }
}
