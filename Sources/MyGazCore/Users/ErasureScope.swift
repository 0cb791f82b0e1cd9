import Foundation

/// What an erasure takes: the person's rows, found by ownership — her user id, and what hangs
/// from it — never by looking for her words in other people's rows. Her values (`traces`) only
/// scrub the free text of these rows.
struct ErasureScope {
    let userID: Int64
    /// Hers: those of her user, and those sent without signing in from a contact she has had.
    var applications: [Int64] = []
    var tickets: [Int64] = []
    var pinRequests: [Int64] = []
    /// The PINs issued on her requests.
    var pins: [Int64] = []
    /// The messages to her: about her or her items, her bills, or to a contact only she has had.
    var messages: [Int64] = []
    /// The readings she sent that a message to her was about (a rejection's words are to her).
    var readings: [Int64] = []
    /// Her names and every contact she has had, in any spelling.
    var traces = Traces()
    /// The normal forms of her contacts that no other live user has: what finds the items she
    /// sent without signing in, and messages by their recipient alone.
    var ownContacts: [String] = []

    /// Everything of user `id`, in the caller's write transaction.
    static func find(_ db: any Storage, _ id: Int64) throws -> ErasureScope {
        var scope = ErasureScope(userID: id)
        try scope.findValues(db)
        try scope.findItems(db)
        try scope.findMessages(db)
        return scope
    }

    // MARK: her values

    /// Her login, name and contacts now and in her history (the audit rows of her user: edits,
    /// set-login, repairs, codes sent), her sign-ins, codes, and what she gave in her own items.
    private mutating func findValues(_ db: any Storage) throws {
        var accountContacts: [String] = []
        func contact(_ value: String?) {
            guard let value, !value.isEmpty else { return }
            traces.add(contact: value)
            accountContacts.append(value)
        }
        if let u = try db.queryOne("SELECT login, email, phone, full_name FROM portal_user WHERE id = ?", userID) {
            contact(u.string(0)); contact(u.optString(1)); contact(u.optString(2))
            u.optString(3).map { traces.add(name: $0) }
        }
        for row in try db.query("""
            SELECT action, old_value, new_value, reason_code, reason_args FROM audit WHERE entity_type = 'user' AND entity_id = ?
            """, String(userID)) {
            let change = AuditClearing.personalChange(action: row.string(0), reasonArgs: row.optString(4))
            for value in [row.optString(1), row.optString(2)] {
                switch change {
                case .name?: value.map { traces.add(name: $0) }
                case .contact?: contact(value)
                case .text?, nil: break
                }
            }
            for value in AuditClearing.personalArguments(code: row.optString(3), row.optString(4)) { contact(value) }
        }
        for row in try db.query("""
            SELECT email FROM social_identity WHERE user_id = ?1 UNION ALL SELECT destination FROM confirmation_code WHERE user_id = ?1
            """, userID) {
            contact(row.optString(0))
        }
        // what she gave in her own items joins her traces but finds no further items: she may
        // have written someone else's contact there
        try collect(db, { _, _ in "user_id = ?" }, [userID])
        ownContacts = try Set(accountContacts.compactMap { Contact.login($0)?.login }).filter { try !isTaken(db, $0) }.sorted()
    }

    /// Whether another user, not erased, has `contact` (normal form) as login, e-mail, phone or sign-in.
    private func isTaken(_ db: any Storage, _ contact: String) throws -> Bool {
        if try db.queryOne("SELECT 1 FROM portal_user WHERE login = ? AND id <> ?", contact, userID) != nil { return true }
        if try db.queryOne("SELECT 1 FROM social_identity WHERE email = ? AND user_id <> ?", contact, userID) != nil { return true }
        if let match = SearchIndex.match(contact), try db.queryOne("""
            SELECT 1 FROM user_search s CROSS JOIN portal_user u ON u.id = s.rowid
            WHERE user_search MATCH ? AND u.id <> ? AND u.status <> 'deleted' AND (u.email = ?3 OR u.phone = ?3)
            """, match, userID, contact) != nil { return true }
        return try Spellings.users(db, spelling: contact, contacts: true).contains { $0 != userID }
    }

    // MARK: her items

    /// Her items and those sent without signing in from one of her own contacts.
    private mutating func findItems(_ db: any Storage) throws {
        if !ownContacts.isEmpty {
            try collect(db, { "user_id IS NULL AND (\(Self.fromContact(email: $0, phone: $1)))" }, [Self.json(ownContacts)], contacts: ownContacts)
        }
        pins = try db.query("SELECT id FROM pin WHERE request_id IN \(Self.idList)", Self.json(pinRequests)).map { $0.int64(0) }
        for row in try db.query("SELECT customer_name FROM application_contract WHERE application_id IN \(Self.idList)", Self.json(applications)) {
            traces.add(name: row.string(0))
        }
    }

    /// A row whose e-mail or phone column is one of the contacts `?1` (a JSON array): the e-mail
    /// trimmed and in lower case, the phone by its last ten digits (then judged by `Contact`).
    private static func fromContact(email: String, phone: String) -> String {
        let digits = ["' '", "'-'", "'('", "')'", "'.'", "char(160)"].reduce(phone) { "replace(\($0), \($1), '')" }
        return """
            lower(trim(\(email))) IN (SELECT value FROM json_each(?1)) OR '+7' || substr(\(digits), -10) IN (SELECT value FROM json_each(?1))
            """
    }

    /// The tickets, applications and PIN requests where `condition` (of their e-mail and phone
    /// columns) holds; with `contacts`, only those whose e-mail or phone normalises to one of them.
    /// What each gave (name, contacts) joins her traces.
    private mutating func collect(_ db: any Storage, _ condition: (_ email: String, _ phone: String) -> String,
                                  _ arguments: [SQLBindable?], contacts: [String]? = nil) throws {
        let tables: [(table: String, name: String, email: String, phone: String, found: WritableKeyPath<ErasureScope, [Int64]>)] = [
            ("ticket", "sender_name", "sender_email", "sender_phone", \.tickets),
            ("application", "contact_name", "contact_email", "contact_phone", \.applications),
            ("pin_request", "full_name", "email", "phone", \.pinRequests),
        ]
        for t in tables {
            for row in try db.query("SELECT id, \(t.name), \(t.email), \(t.phone) FROM \(t.table) WHERE \(condition(t.email, t.phone))",
                                    arguments: arguments) {
                if let contacts {
                    let given = [row.optString(2), row.optString(3)].compactMap { $0.flatMap { Contact.login($0)?.login } }
                    guard given.contains(where: contacts.contains) else { continue }
                }
                guard !self[keyPath: t.found].contains(row.int64(0)) else { continue }
                self[keyPath: t.found].append(row.int64(0))
                row.optString(1).map { traces.add(name: $0) }
                row.optString(2).map { traces.add(contact: $0) }
                row.optString(3).map { traces.add(contact: $0) }
            }
        }
    }

    // MARK: her messages

    /// The messages about her or her items, of her bills, and those to a contact only she has had.
    private mutating func findMessages(_ db: any Storage) throws {
        messages = try db.query("""
            SELECT id FROM outbox
            WHERE (entity_type = 'user' AND entity_id = ?1)
               OR (entity_type = 'application' AND entity_id IN (SELECT value FROM json_each(?2)))
               OR (entity_type = 'ticket' AND entity_id IN (SELECT value FROM json_each(?3)))
               OR (entity_type = 'pin_request' AND entity_id IN (SELECT value FROM json_each(?4)))
               OR (entity_type = 'pin' AND entity_id IN (SELECT value FROM json_each(?5)))
               OR (entity_type = 'reading' AND EXISTS (SELECT 1 FROM reading r WHERE r.id = outbox.entity_id AND r.user_id = ?1))
            UNION SELECT outbox_id FROM bill_mailing WHERE user_id = ?1
            UNION SELECT id FROM outbox WHERE recipient IN (SELECT value FROM json_each(?6))
            ORDER BY 1
            """, userID, Self.json(applications), Self.json(tickets), Self.json(pinRequests), Self.json(pins), Self.json(ownContacts))
            .map { $0.int64(0) }
        readings = try db.query("""
            SELECT DISTINCT r.id FROM outbox o JOIN reading r ON r.id = o.entity_id
            WHERE o.id IN \(Self.idList) AND o.entity_type = 'reading' AND r.user_id = ? ORDER BY 1
            """, Self.json(messages), userID).map { $0.int64(0) }
    }

    // MARK: her audit rows

    /// The audit rows whose entity is hers: her user, her links, items, PINs, messages, and the
    /// readings she was written to about.
    var auditCondition: (sql: String, arguments: [SQLBindable?]) {
        let texts = { (ids: [Int64]) in Self.json(ids.map(String.init)) }
        return ("""
            (entity_type = 'user' AND entity_id = ?1)
            OR (entity_type = 'link' AND entity_id >= (?1 || ':') AND entity_id < (?1 || ';'))
            OR (entity_type = 'application' AND entity_id IN (SELECT value FROM json_each(?2)))
            OR (entity_type = 'ticket' AND entity_id IN (SELECT value FROM json_each(?3)))
            OR (entity_type = 'pin_request' AND entity_id IN (SELECT value FROM json_each(?4)))
            OR (entity_type = 'pin' AND entity_id IN (SELECT value FROM json_each(?5)))
            OR (entity_type = 'outbox' AND entity_id IN (SELECT value FROM json_each(?6)))
            OR (entity_type = 'reading' AND entity_id IN (SELECT value FROM json_each(?7)))
            """, [String(userID), texts(applications), texts(tickets), texts(pinRequests), texts(pins), texts(messages), texts(readings)])
    }

    // MARK: lists

    /// `(SELECT value FROM json_each(?))`: a list of our own ids bound as one JSON array.
    static let idList = "(SELECT value FROM json_each(?))"

    static func json(_ ids: [Int64]) -> String { "[" + ids.map(String.init).joined(separator: ",") + "]" }

    static func json(_ texts: [String]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: texts)) ?? Data("[]".utf8), as: UTF8.self)
    }
}
