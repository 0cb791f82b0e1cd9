import Foundation

/// Erasure on request (152-FZ art. 21): the person's name, addresses, login and numbers leave
/// every table; their applications and tickets stay, anonymised, for the RGK's records; the
/// user's id stays as the tombstone. The audit row proves the erasure with ids and counts only.
extension Users {
    /// What replaces erased personal data in kept text.
    public static let erasedMark = "[удалено]"

    public static func delete(_ session: Session, _ id: Int64) throws -> Transition {
        let db = session.db
        let erased = try erase(session, id)
        // the search index's older parts, then the old versions of the pages in the write-ahead
        // log, where no reader holds them
        if erased.changed { try forgetInSearch(db) }
        return erased
    }

    static func erase(_ session: Session, _ id: Int64) throws -> Transition {
        let db = session.db
        return try db.write {
            let current = try status(db, id)
            if current == .deleted { return Transition(.user, id, .userStatus, from: "deleted", to: "deleted") }
            let applications = try ids(db, "SELECT id FROM application WHERE user_id = ?", id)
            let tickets = try ids(db, "SELECT id FROM ticket WHERE user_id = ?", id)
            let requests = try ids(db, "SELECT id FROM pin_request WHERE user_id = ?", id)
            let traces = try personalData(db, id)
            let contacts = String(decoding: try JSONSerialization.data(withJSONObject: traces.contacts), as: UTF8.self)

            // messages: those not yet sent are cancelled; every one of theirs keeps no word of them
            let theirs = """
                ((entity_type = 'user' AND entity_id = ?) OR (entity_type = 'application' AND entity_id IN \(list(applications)))
                 OR (entity_type = 'ticket' AND entity_id IN \(list(tickets))) OR (entity_type = 'pin_request' AND entity_id IN \(list(requests)))
                 OR (entity_type = 'pin' AND entity_id IN (SELECT id FROM pin WHERE request_id IN \(list(requests))))
                 OR recipient IN (SELECT value FROM json_each(?)))
                """
            let cancelled = try db.run("UPDATE outbox SET status = 'cancelled', secret = NULL, last_error = ? WHERE status = 'waiting' AND \(theirs)",
                                       "cancelled: personal data erased on request", id, contacts)
            let messages = try db.run("""
                UPDATE outbox SET recipient = ?, subject = CASE WHEN subject IS NULL THEN NULL ELSE ? END, body = ?, secret = NULL WHERE \(theirs)
                """, erasedMark, erasedMark, erasedMark, id, contacts)

            let links = try db.run("DELETE FROM user_account WHERE user_id = ?", id)
            try db.run("DELETE FROM activation_link WHERE identity_id IN (SELECT id FROM social_identity WHERE user_id = ?)", id)
            try db.run("DELETE FROM social_identity WHERE user_id = ?", id)
            try db.run("DELETE FROM confirmation_code WHERE user_id = ?", id)
            try db.run("""
                UPDATE application SET contact_name = NULL, contact_phone = NULL, contact_email = NULL, user_id = NULL WHERE user_id = ?
                """, id)
            try db.run("""
                UPDATE application_contract SET customer_name = ?1, customer_address = ?1, identity_document = ?1
                WHERE application_id IN \(list(applications))
                """, erasedMark)
            try db.run("""
                UPDATE ticket SET sender_name = 'удалено по запросу', sender_email = NULL, sender_phone = NULL, user_id = NULL,
                       status = CASE WHEN status = 'closed' THEN status ELSE 'closed' END, closed_at = coalesce(closed_at, ?)
                WHERE user_id = ?
                """, session.now, id)
            try db.run("UPDATE pin_request SET full_name = 'удалено по запросу', email = NULL, phone = '-', user_id = NULL WHERE user_id = ?", id)
            try db.run("""
                UPDATE portal_user SET login = 'erased-' || id, login_kind = 'erased', password_hash = NULL, full_name = NULL,
                       email = NULL, phone = NULL, status = 'deleted', blocked_reason = NULL, deleted_at = ?, updated_at = ?
                WHERE id = ?
                """, session.now, session.now, id)

            // what is left of them in free text: the conversation, the history, the audit, other messages
            var scrubbed = 0
            for (table, columns, scope) in [
                ("outbox", ["recipient", "subject", "body", "last_error"], "1"),
                ("audit", ["entity_id", "old_value", "new_value", "reason", "reason_args"], "1"),
                ("ticket_message", ["body"], "ticket_id IN \(list(tickets))"),
                ("application_event", ["message"], "application_id IN \(list(applications))"),
                ("application", ["comment"], "id IN \(list(applications))"),
                ("application_repair", ["reason"], "application_id IN \(list(applications))"),
                ("application_maintenance", ["description"], "application_id IN \(list(applications))"),
            ] {
                let n = try scrub(db, table, columns, scope, traces.all)
                if table == "audit" { scrubbed = n }
            }
            try session.audit("user.delete", .user, id, old: current.rawValue, new: "deleted",
                              note: AuditNote(.erased, ["links": .int(Int64(links)), "applications": .int(Int64(applications.count)),
                                                        "tickets": .int(Int64(tickets.count)), "pin_requests": .int(Int64(requests.count)),
                                                        "cancelled": .int(Int64(cancelled)), "messages": .int(Int64(messages)),
                                                        "audit_rows": .int(Int64(scrubbed))]))
            return Transition(.user, id, .userStatus, from: current.rawValue, to: "deleted")
        }
    }

    /// Everything that names or reaches the person: their login, name and contacts, and those
    /// they gave in their applications, tickets, PIN requests and codes.
    static func personalData(_ db: any Storage, _ id: Int64) throws -> (all: [String], contacts: [String]) {
        var contacts: Set<String> = []
        var names: Set<String> = []
        let sources: [(String, [String], [String])] = [
            ("SELECT login, email, phone, full_name FROM portal_user WHERE id = ?", ["login", "email", "phone"], ["full_name"]),
            ("SELECT contact_email, contact_phone, contact_name FROM application WHERE user_id = ?", ["contact_email", "contact_phone"], ["contact_name"]),
            ("SELECT sender_email, sender_phone, sender_name FROM ticket WHERE user_id = ?", ["sender_email", "sender_phone"], ["sender_name"]),
            ("SELECT email, phone, full_name FROM pin_request WHERE user_id = ?", ["email", "phone"], ["full_name"]),
            ("SELECT destination FROM confirmation_code WHERE user_id = ?", ["destination"], []),
            ("SELECT email FROM social_identity WHERE user_id = ? AND email IS NOT NULL", ["email"], []),
            ("SELECT c.customer_name FROM application_contract c JOIN application a ON a.id = c.application_id WHERE a.user_id = ?", [], ["customer_name"]),
        ]
        for (sql, contactColumns, nameColumns) in sources {
            for row in try db.query(sql, id) {
                for (i, _) in contactColumns.enumerated() { if let v = row.optString(i) { contacts.insert(v) } }
                for (j, _) in nameColumns.enumerated() { if let v = row.optString(contactColumns.count + j) { names.insert(v) } }
            }
        }
        // a word of two letters would erase half the database; placeholders are not data
        let kept = { (v: String) in v.count >= 5 && v != "-" && v != erasedMark }
        let contactList = contacts.filter(kept)
        return ((contactList.union(names.filter(kept))).sorted { $0.count > $1.count }, contactList.sorted())
    }

    /// Replaces each trace in the columns of `table`'s rows in `scope`; answers the rows changed.
    static func scrub(_ db: any Storage, _ table: String, _ columns: [String], _ scope: String, _ traces: [String]) throws -> Int {
        guard !traces.isEmpty else { return 0 }
        var arguments: [SQLBindable?] = []
        let sets = columns.map { column -> String in
            // the longest trace first, so a name inside a longer address goes with the address
            traces.indices.reduce(column) { expression, i in "replace(\(expression), ?\(i + 2), ?1)" }
        }
        arguments.append(erasedMark)
        arguments.append(contentsOf: traces as [SQLBindable?])
        let matches = columns.flatMap { column in traces.indices.map { "instr(coalesce(\(column), ''), ?\($0 + 2)) > 0" } }
        return try db.run("UPDATE \(table) SET \(zip(columns, sets).map { "\($0) = \($1)" }.joined(separator: ", ")) WHERE (\(scope)) AND (\(matches.joined(separator: " OR ")))",
                          arguments: arguments)
    }

    static func ids(_ db: any Storage, _ sql: String, _ id: Int64) throws -> [Int64] {
        try db.query(sql, id).map { $0.int64(0) }
    }

    /// A literal SQL list of our own ids: `(1, 2)`, `(NULL)` when empty.
    static func list(_ values: [Int64]) -> String {
        values.isEmpty ? "(NULL)" : "(" + values.map(String.init).joined(separator: ", ") + ")"
    }
}
