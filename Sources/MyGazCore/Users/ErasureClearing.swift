/// The clearing: each of her rows keeps its ids, statuses, dates and codes (the RGK's records, the
/// operators' decisions) and loses her name, contacts, words and files. Nothing outside the scope
/// is read for her words, let alone changed.
extension ErasureScope {
    struct Counts {
        var links = 0, cancelled = 0, messages = 0, auditRows = 0
    }

    /// Clears everything of hers in the caller's write transaction.
    func clear(_ session: Session) throws -> Counts {
        let db = session.db
        var counts = Counts()
        try clearMessages(db, &counts)
        counts.auditRows = try clearAudit(db)
        counts.links = try db.run("DELETE FROM user_account WHERE user_id = ?", userID)
        try db.run("DELETE FROM user_former_value WHERE user_id = ?", userID)
        try db.run("DELETE FROM activation_link WHERE identity_id IN (SELECT id FROM social_identity WHERE user_id = ?)", userID)
        try db.run("DELETE FROM social_identity WHERE user_id = ?", userID)
        try db.run("DELETE FROM confirmation_code WHERE user_id = ?", userID)
        try db.run("DELETE FROM bill_mailing WHERE user_id = ?", userID)
        try db.run("DELETE FROM user_card WHERE user_id = ?", userID)
        try clearApplications(db)
        try clearTickets(db, now: session.now)
        try clearPinRequests(db)
        try db.run("""
            UPDATE portal_user SET login = 'erased-' || id, login_kind = 'erased', password_hash = NULL, full_name = NULL,
                   email = NULL, phone = NULL, username = NULL, username_key = NULL, status = 'deleted', blocked_reason = NULL, deleted_at = ?, updated_at = ?
            WHERE id = ?
            """, session.now, session.now, userID)
        return counts
    }

    /// Waiting messages to her are cancelled; none of hers keeps an address, a word or a secret.
    private func clearMessages(_ db: any Storage, _ counts: inout Counts) throws {
        guard !messages.isEmpty else { return }
        let ids = SQLList(messages), mark = Users.erasedMark
        counts.cancelled = try db.run("""
            UPDATE outbox SET status = 'cancelled', secret = NULL, cancel_reason = ? WHERE status = 'waiting' AND \(db.sql.isIn("id"))
            """, OutboxCancelReason.userDeleted.rawValue, ids)
        counts.messages = try db.run("""
            UPDATE outbox SET recipient = ?, subject = CASE WHEN subject IS NULL THEN NULL ELSE ? END, body = ?, secret = NULL
            WHERE \(db.sql.isIn("id"))
            """, mark, mark, mark, ids)
        try scrub(db, "outbox", ["last_error"], ids: messages)
        try scrub(db, "reading", ["message"], ids: readings)
    }

    /// Her audit rows hold no value of hers (ids, codes and counts), but a clerk's words may name
    /// her: where they do, the words and their salt go, the digest the chain covers stays — so the
    /// chain still verifies and the words cannot be had back. Answers the rows changed.
    private func clearAudit(_ db: any Storage) throws -> Int {
        guard !traces.isEmpty else { return 0 }
        let condition = auditCondition(db.sql)
        var changed = 0
        for row in try db.query("SELECT id, reason FROM audit WHERE reason IS NOT NULL AND (\(condition.sql))", arguments: condition.arguments) {
            guard let reason = try row.optString("reason"), traces.scrub(reason) != reason else { continue }
            try db.run("UPDATE audit SET reason = NULL, reason_salt = NULL WHERE id = ?", try row.int64("id"))
            changed += 1
        }
        return changed
    }

    /// Her applications: no contacts, no user, no files; her values out of their free text.
    private func clearApplications(_ db: any Storage) throws {
        guard !applications.isEmpty else { return }
        let ids = SQLList(applications), mark = Users.erasedMark
        try db.run("DELETE FROM attachment WHERE \(db.sql.isIn("application_id"))", ids)
        try db.run("""
            UPDATE application SET contact_name = NULL, contact_phone = NULL, contact_email = NULL, user_id = NULL
            WHERE \(db.sql.isIn("id"))
            """, ids)
        try db.run("""
            UPDATE application_contract SET customer_name = ?, customer_address = ?, identity_document = ?
            WHERE \(db.sql.isIn("application_id"))
            """, mark, mark, mark, ids)
        try db.run("UPDATE application_event SET actor = NULL WHERE actor_kind = 'customer' AND \(db.sql.isIn("application_id"))", ids)
        try scrub(db, "application", ["comment"], ids: applications)
        try scrub(db, "application_event", ["message"], key: "application_id", ids: applications)
        // one row per application: the application's id is the row's key
        try scrub(db, "application_repair", ["reason"], key: "application_id", rowKey: "application_id", ids: applications)
        try scrub(db, "application_maintenance", ["work_type", "description"], key: "application_id", rowKey: "application_id", ids: applications)
        try scrub(db, "application_contract", ["object_type", "object_address", "ownership_document", "livestock", "benefits", "payment_form"],
                  key: "application_id", rowKey: "application_id", ids: applications)
        try scrub(db, "application_equipment", ["description", "place"], key: "application_id", ids: applications)
    }

    /// Her tickets: closed, no sender, no user, no files; her messages without her name; her
    /// values out of the whole conversation.
    private func clearTickets(_ db: any Storage, now: String) throws {
        guard !tickets.isEmpty else { return }
        let ids = SQLList(tickets)
        try db.run("DELETE FROM attachment WHERE \(db.sql.isIn("ticket_id"))", ids)
        try db.run("""
            UPDATE ticket SET sender_name = 'удалено по запросу', sender_email = NULL, sender_phone = NULL, user_id = NULL,
                   status = 'closed', closed_at = coalesce(closed_at, ?)
            WHERE \(db.sql.isIn("id"))
            """, now, ids)
        try db.run("UPDATE ticket_message SET author = NULL WHERE author_kind = 'customer' AND \(db.sql.isIn("ticket_id"))", ids)
        try scrub(db, "ticket_message", ["body"], key: "ticket_id", ids: tickets)
    }

    /// Her PIN requests: no name, contacts or user; her values out of a rejection's reason.
    private func clearPinRequests(_ db: any Storage) throws {
        guard !pinRequests.isEmpty else { return }
        try db.run("""
            UPDATE pin_request SET full_name = 'удалено по запросу', email = NULL, phone = '-', user_id = NULL
            WHERE \(db.sql.isIn("id"))
            """, SQLList(pinRequests))
        try scrub(db, "pin_request", ["reason"], ids: pinRequests)
    }

    /// Her values out of the free text in `columns` of the rows of `table` whose `key` is one of
    /// `ids` (all hers), each row found again by its own key `rowKey`; each row rewritten only if
    /// it held one. Answers the rows changed.
    @discardableResult
    private func scrub(_ db: any Storage, _ table: String, _ columns: [String], key: String = "id", rowKey: String = "id",
                       ids: [Int64]) throws -> Int {
        guard !ids.isEmpty, !traces.isEmpty else { return 0 }
        var changed = 0
        for row in try db.query("""
            SELECT \(rowKey) AS row_key, \(columns.joined(separator: ", ")) FROM \(table) WHERE \(db.sql.isIn(key))
            """, SQLList(ids)) {
            let before = try columns.map { try row.optString($0) }
            let after = before.map { traces.scrub($0) }
            guard after != before else { continue }
            try db.run("UPDATE \(table) SET \(columns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE \(rowKey) = ?",
                       arguments: after + [try row.int64("row_key")])
            changed += 1
        }
        return changed
    }
}
