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

    /// Her login, name and contacts now and before (`user_former_value`: edits, set-login,
    /// repairs), her sign-ins, codes, and what she gave in her own items.
    private mutating func findValues(_ db: any Storage) throws {
        var accountContacts: [String] = []
        func contact(_ value: String?) {
            guard let value, !value.isEmpty else { return }
            traces.add(contact: value)
            accountContacts.append(value)
        }
        if let u = try db.queryOne("SELECT login, email, phone, full_name FROM portal_user WHERE id = ?", userID) {
            contact(try u.string("login")); contact(try u.optString("email")); contact(try u.optString("phone"))
            try u.optString("full_name").map { traces.add(name: $0) }
        }
        for row in try db.query("SELECT field, value FROM user_former_value WHERE user_id = ?", userID) {
            let value = try row.string("value")
            if try row.string("field") == UserFormerValue.fullName.rawValue { traces.add(name: value) } else { contact(value) }
        }
        for row in try db.query("""
            SELECT email AS contact FROM social_identity WHERE user_id = ?
            UNION ALL SELECT destination AS contact FROM confirmation_code WHERE user_id = ?
            """, userID, userID) {
            contact(try row.optString("contact"))
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
        // by e-mail or phone: through the search index (there is none by them), then exactly
        let rows = SearchIndex.users.rows(db, containing: contact, as: "u")
        if rows.indexed, try db.queryOne("""
            SELECT 1 AS taken FROM \(rows.from) WHERE \(rows.condition) AND u.id <> ? AND u.status <> 'deleted' AND (u.email = ? OR u.phone = ?)
            """, arguments: rows.arguments + [userID, contact, contact]) != nil { return true }
        return try Spellings.users(db, spelling: contact, contacts: true).contains { $0 != userID }
    }

    // MARK: her items

    /// Her items and those sent without signing in from one of her own contacts.
    private mutating func findItems(_ db: any Storage) throws {
        if !ownContacts.isEmpty {
            let contacts = SQLList(texts: ownContacts)
            try collect(db, { "user_id IS NULL AND (\(Self.fromContact(db.sql, email: $0, phone: $1)))" }, [contacts, contacts], contacts: ownContacts)
        }
        pins = try db.query("SELECT id FROM pin WHERE \(db.sql.isIn("request_id"))", SQLList(pinRequests)).map { try $0.int64("id") }
        for row in try db.query("SELECT customer_name FROM application_contract WHERE \(db.sql.isIn("application_id"))", SQLList(applications)) {
            traces.add(name: try row.string("customer_name"))
        }
    }

    /// A row whose e-mail or phone column is one of the contacts bound twice (an `SQLList`): the
    /// e-mail trimmed and in lower case, the phone by its last ten digits (then judged by `Contact`).
    private static func fromContact(_ sql: SQLDialect, email: String, phone: String) -> String {
        let digits = ["' '", "'-'", "'('", "')'", "'.'", "'\u{00A0}'"].reduce(phone) { "replace(\($0), \($1), '')" }
        return """
            \(sql.isIn("lower(trim(\(email)))", of: .text)) OR \(sql.isIn("'+7' || \(sql.lastCharacters(digits, 10))", of: .text))
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
            for row in try db.query("""
                SELECT id, \(t.name) AS name, \(t.email) AS email, \(t.phone) AS phone FROM \(t.table) WHERE \(condition(t.email, t.phone))
                """, arguments: arguments) {
                let id = try row.int64("id"), name = try row.optString("name")
                let email = try row.optString("email"), phone = try row.optString("phone")
                if let contacts {
                    let given = [email, phone].compactMap { $0.flatMap { Contact.login($0)?.login } }
                    guard given.contains(where: contacts.contains) else { continue }
                }
                guard !self[keyPath: t.found].contains(id) else { continue }
                self[keyPath: t.found].append(id)
                name.map { traces.add(name: $0) }
                email.map { traces.add(contact: $0) }
                phone.map { traces.add(contact: $0) }
            }
        }
    }

    // MARK: her messages

    /// The messages about her or her items, of her bills, and those to a contact only she has had.
    private mutating func findMessages(_ db: any Storage) throws {
        let sql = db.sql
        messages = try db.query("""
            SELECT id FROM outbox
            WHERE (entity_type = 'user' AND entity_id = ?)
               OR (entity_type = 'application' AND \(sql.isIn("entity_id")))
               OR (entity_type = 'ticket' AND \(sql.isIn("entity_id")))
               OR (entity_type = 'pin_request' AND \(sql.isIn("entity_id")))
               OR (entity_type = 'pin' AND \(sql.isIn("entity_id")))
               OR (entity_type = 'reading' AND EXISTS (SELECT 1 FROM reading r WHERE r.id = outbox.entity_id AND r.user_id = ?))
            UNION SELECT outbox_id AS id FROM bill_mailing WHERE user_id = ?
            UNION SELECT id FROM outbox WHERE \(sql.isIn("recipient", of: .text))
            ORDER BY id
            """, userID, SQLList(applications), SQLList(tickets), SQLList(pinRequests), SQLList(pins), userID, userID,
            SQLList(texts: ownContacts)).map { try $0.int64("id") }
        readings = try db.query("""
            SELECT DISTINCT r.id FROM outbox o JOIN reading r ON r.id = o.entity_id
            WHERE \(sql.isIn("o.id")) AND o.entity_type = 'reading' AND r.user_id = ? ORDER BY r.id
            """, SQLList(messages), userID).map { try $0.int64("id") }
    }

    // MARK: her audit rows

    /// The audit rows whose entity is hers: her user, her links, items, PINs, messages, and the
    /// readings she was written to about.
    func auditCondition(_ sql: SQLDialect) -> (sql: String, arguments: [SQLBindable?]) {
        let texts = { (ids: [Int64]) in SQLList(texts: ids.map(String.init)) }
        let user = String(userID)
        return ("""
            (entity_type = 'user' AND entity_id = ?)
            OR (entity_type = 'link' AND entity_id >= ? AND entity_id < ?)
            OR (entity_type = 'application' AND \(sql.isIn("entity_id", of: .text)))
            OR (entity_type = 'ticket' AND \(sql.isIn("entity_id", of: .text)))
            OR (entity_type = 'pin_request' AND \(sql.isIn("entity_id", of: .text)))
            OR (entity_type = 'pin' AND \(sql.isIn("entity_id", of: .text)))
            OR (entity_type = 'outbox' AND \(sql.isIn("entity_id", of: .text)))
            OR (entity_type = 'reading' AND \(sql.isIn("entity_id", of: .text)))
            """, [user, user + ":", user + ";", texts(applications), texts(tickets), texts(pinRequests), texts(pins), texts(messages), texts(readings)])
    }
}
