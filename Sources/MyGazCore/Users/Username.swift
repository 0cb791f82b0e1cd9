import Foundation

/// The username (manual 003, «имя пользователя»): the portal's sign-in name beside the phone —
/// letters of the Latin and Russian alphabets and spaces, at most 45, beginning and ending with
/// a letter; unique ignoring case, Cyrillic too (`portal_user.username_key`, the name folded as
/// the search folds: lower case, ё as е). A forgotten one is recovered only by SMS to the
/// registration phone, which stays the recovery channel.
public enum Username {
    public static let maxLength = 45

    static func isLetter(_ c: Character) -> Bool {
        ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("а"..."я").contains(c) || ("А"..."Я").contains(c) || c == "ё" || c == "Ё"
    }

    /// Whether `name` keeps 003's rule.
    public static func isValid(_ name: String) -> Bool {
        guard let first = name.first, let last = name.last, name.count <= maxLength else { return false }
        return isLetter(first) && isLetter(last) && name.allSatisfy { isLetter($0) || $0 == " " }
    }

    /// The key a username is unique by and found by.
    public static func key(_ name: String) -> String { Database.fold(name) }

    /// The users whose `username_key` is not their username folded (the portal wrote a row by a
    /// rule of its own): `db check` names them, for the key is what names are unique by.
    public static func keyProblems(_ db: any Storage) throws -> [String] {
        var wrong: [(Int64, String?)] = []
        try db.eachRow("SELECT id, username, username_key FROM portal_user WHERE username IS NOT NULL ORDER BY id", arguments: []) { row in
            let key = try row.optString("username_key")
            if try key != Self.key(row.string("username")) { wrong.append((try row.int64("id"), key)) }
        }
        guard !wrong.isEmpty else { return [] }
        let shown = wrong.prefix(10).map { String($0.0) }.joined(separator: ", ") + (wrong.count > 10 ? ", …" : "")
        return ["username key: \(wrong.count) user(s) (\(shown)) have a username_key that is not the username in lower case with ё as е; "
                + "whoever writes portal_user.username writes username_key so (docs/schema.md), or two names may differ only in case"]
    }

    /// Changes a user's username at the desk; the customer is told at her contacts, as of every
    /// sign-in change. Answers the former name (nil: none), whether it changed, and what was queued.
    public static func set(_ session: Session, _ id: Int64, _ name: String) throws -> (old: String?, changed: Bool, told: [Outbox.Queued]) {
        guard isValid(name) else { throw MyGazError.invalid(.badUsername, .text(name), .int(maxLength)) }
        let key = key(name)
        return try session.db.write {
            guard let row = try session.db.queryOne("""
                SELECT username, login_kind, email, phone, status FROM portal_user WHERE id = ? \(session.db.sql.lockingRows)
                """, id) else { throw MyGazError.notFound(.user, String(id)) }
            guard try row.string("status") != "deleted" else {
                throw MyGazError.conflict(.conflictState, .entity(.user), .text(String(id)), .code(.userStatus, "deleted"),
                                          "user set-username", .codes(.userStatus, ["active", "pending", "blocked"]))
            }
            let old = try row.optString("username")
            if old == name { return (old, false, []) }
            // by the key and by the name itself folded: a row the portal wrote with a key of its own counts too
            if let owner = try session.db.queryOne("""
                SELECT id FROM portal_user WHERE (username_key = ? OR (username IS NOT NULL AND \(session.db.sql.fold("username")) = ?)) AND id <> ?
                ORDER BY id LIMIT 1
                """, key, key, id)?.int64("id") {
                throw MyGazError(.conflict, .usernameTakenBy, .text(name), .text(String(owner)))
            }
            try session.db.run("UPDATE portal_user SET username = ?, username_key = ?, updated_at = ? WHERE id = ?", name, key, session.now, id)
            // her names stay out of the audit row: it says that it changed
            try session.audit("user.set-username", .user, id)
            let told = try Profile.tellChange(session, id, subject: "Изменено имя пользователя", what: "имя пользователя для входа",
                                              now: "«\(name)»", at: [try row.optString("phone"), try row.optString("email")], changed: "изменено")
            return (old, true, told)
        }
    }
}
