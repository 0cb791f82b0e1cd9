import Foundation

/// The holder's phone as the RGK keeps it, changed at the desk (issue 39 §1, manual 003: a new
/// phone "must be registered in person at the abonent service"). The portal links an account by
/// its number and this phone, so the change is in `account.phone` at once; each change is kept in
/// `account_phone_change` with the document seen (masked), who and when, so that the next RGK
/// accounts file does not undo it silently (`keep`) and the RGK gets it back (`export`).
public enum HolderPhone {
    /// One change made at the desk, as the clerk is told of it.
    public struct Change: Sendable {
        public let account: AccountRef
        public let old: String?
        public let new: String
        /// The SMS to the new number and, where there was one, the old.
        public let told: [Outbox.Queued]
        /// The phone was the holder's already, and an open conflict with a file was settled for the desk.
        public var settledForDesk = false
    }

    /// A desk change an RGK accounts file said otherwise about, not yet settled.
    public struct Conflict: Sendable {
        public let rgk: String
        public let account: String
        public let deskPhone: String
        public let filePhone: String
        public let changedBy: String
        public let changedAt: String
        public let batchID: Int64?
        public let seenAt: String?
    }

    /// The desk change in force on an account, as `account show` tells the clerk of it: when, by
    /// whom, the document seen (as stored, masked), and what an RGK file said otherwise, when a
    /// conflict with it is not yet settled.
    public struct InForce: Sendable {
        public let oldPhone: String?
        public let newPhone: String
        public let document: String
        public let changedBy: String
        public let changedAt: String
        public let exportedAt: String?
        /// The phone of an RGK accounts file older than the change, not yet settled (empty: the file had none).
        public let filePhone: String?
        public let fileSeenAt: String?
        public let fileBatchID: Int64?

        public var conflict: Bool { filePhone != nil }
    }

    /// The change in force on the account `accountID`, if one was made at the desk.
    public static func inForce(_ db: any Storage, accountID: Int64) throws -> InForce? {
        try db.queryOne("""
            SELECT old_phone, new_phone, document, changed_by, changed_at, exported_at, file_phone, file_seen_at, file_batch_id
            FROM account_phone_change WHERE account_id = ? AND state = 'desk' ORDER BY id DESC LIMIT 1
            """, accountID).map {
            try InForce(oldPhone: $0.optString("old_phone"), newPhone: $0.string("new_phone"), document: $0.string("document"),
                        changedBy: $0.string("changed_by"), changedAt: $0.string("changed_at"), exportedAt: $0.optString("exported_at"),
                        filePhone: $0.optString("file_phone"), fileSeenAt: $0.optString("file_seen_at"), fileBatchID: $0.optInt64("file_batch_id"))
        }
    }

    /// The document as stored: every digit but the last four masked («паспорт 1234 567890» →
    /// «паспорт **** **7890»); nil for one left empty.
    public static func masked(_ document: String) -> String? {
        let text = document.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        var digitsLeft = text.filter(\.isNumber).count
        return String(text.map { c -> Character in
            guard c.isNumber else { return c }
            digitsLeft -= 1
            return digitsLeft >= 4 ? "*" : c
        })
    }

    /// Sets the holder's phone of `ref`: the change in force is this one (an earlier one is
    /// replaced), audited without the values, and the customer told by SMS at the new number and
    /// at the old one. A phone already the holder's changes nothing, but settles an open conflict
    /// with an RGK file in favour of the desk.
    public static func set(_ session: Session, _ ref: AccountRef, phone text: String, document: String) throws -> Change {
        guard let phone = Contact.phone(text) else { throw MyGazError.invalid(.badPhone, .text(text)) }
        guard let kept = masked(document) else { throw MyGazError.usage(.documentEmpty) }
        let db = session.db
        return try db.write {
            guard let row = try db.queryOne("SELECT phone FROM account WHERE id = ? \(db.sql.lockingRows)", ref.id) else {
                throw MyGazError.notFound(.account, ref.label)
            }
            let old = try row.optString("phone")
            if old == phone {
                // the desk's phone confirmed against an RGK file that said otherwise: the conflict settled for the desk
                let settled = try db.run("""
                    UPDATE account_phone_change SET file_phone = NULL, settled_by = ?, settled_at = ?
                    WHERE account_id = ? AND state = 'desk' AND new_phone = ? AND file_phone IS NOT NULL
                    """, session.login, session.now, ref.id, phone)
                if settled > 0 { try session.audit("account.keep_desk_phone", .account, ref.label) }
                var change = Change(account: ref, old: old, new: phone, told: [])
                change.settledForDesk = settled > 0
                return change
            }
            try db.run("UPDATE account SET phone = ?, updated_at = ? WHERE id = ?", phone, session.now, ref.id)
            try db.run("UPDATE account_phone_change SET state = 'replaced' WHERE account_id = ? AND state = 'desk'", ref.id)
            _ = try db.insert("""
                INSERT INTO account_phone_change (account_id, old_phone, new_phone, document, changed_by, changed_at, state)
                VALUES (?, ?, ?, ?, ?, ?, 'desk')
                """, ref.id, old, phone, kept, session.login, session.now)
            // the phone and the document are the customer's: the audit row says that it changed
            try session.audit("account.set_phone", .account, ref.label)
            var told: [Outbox.Queued] = []
            let body = Notify.sms(head: "Телефон владельца лицевого счета \(ref.number) изменен в абонентском отделе: теперь \(Contact.written(phone)).",
                                  words: nil, next: "Если это не вы, сразу позвоните в РГК.", phone: try Notify.rgkPhone(db, rgkID: ref.rgkID))
            for to in [old.flatMap(Contact.phone), phone].compactMap({ $0 }) {
                told.append(try Outbox.enqueue(session, Outbox.Draft(channel: .sms, recipient: to, subject: nil, body: body, rgkID: ref.rgkID,
                                                                     kind: .contactChanged, entity: .account, entityID: ref.id)))
            }
            return Change(account: ref, old: old, new: phone, told: told)
        }
    }

    /// Settles the conflict of `ref` in favour of the RGK's file: the file's phone is the holder's
    /// again, and the desk change is no longer sent back. A conflict another clerk settled first
    /// is a conflict (exit 4).
    public static func acceptFile(_ session: Session, _ ref: AccountRef) throws -> Change {
        let db = session.db
        return try db.write {
            guard let row = try db.queryOne("""
                SELECT c.id, c.file_phone, a.phone FROM account_phone_change c JOIN account a ON a.id = c.account_id
                WHERE c.account_id = ? AND c.state = 'desk' AND c.file_phone IS NOT NULL \(db.sql.lockingRows)
                """, ref.id) else { throw MyGazError.conflict(.phoneNoConflict, .text(ref.label)) }
            let id = try row.int64("id"), file = try row.string("file_phone"), old = try row.optString("phone")
            let changed = try db.run("""
                UPDATE account_phone_change SET state = 'file', settled_by = ?, settled_at = ? WHERE id = ? AND state = 'desk'
                """, session.login, session.now, id)
            guard changed == 1 else { throw MyGazError.conflict(.phoneNoConflict, .text(ref.label)) }
            try db.run("UPDATE account SET phone = ?, updated_at = ? WHERE id = ?", file.isEmpty ? nil : file, session.now, ref.id)
            try session.audit("account.accept_file_phone", .account, ref.label)
            return Change(account: ref, old: old, new: file, told: [])
        }
    }

    /// The conflicts not yet settled, of one RGK or all, oldest change first.
    /// `scope`: the operator's RGK ids (`Session.rgkScope`), nil = every RGK.
    public static func conflicts(_ db: any Storage, rgk: String?, scope: [Int64]? = nil) throws -> [Conflict] {
        let rgkID = try rgk.map { try RGK.id(db, $0) }
        let scoped = ScopeCondition.rgk(db, "a.rgk_id", in: scope)
        return try db.query("""
            SELECT g.code, a.number, c.new_phone, c.file_phone, c.changed_by, c.changed_at, c.file_batch_id, c.file_seen_at
            FROM account_phone_change c JOIN account a ON a.id = c.account_id JOIN rgk g ON g.id = a.rgk_id
            WHERE c.state = 'desk' AND c.file_phone IS NOT NULL AND (CAST(? AS BIGINT) IS NULL OR a.rgk_id = ?) AND \(scoped.sql)
            ORDER BY c.changed_at, c.id
            """, arguments: [rgkID, rgkID] + scoped.arguments).map {
            try Conflict(rgk: $0.string("code"), account: $0.string("number"), deskPhone: $0.string("new_phone"),
                         filePhone: $0.string("file_phone"), changedBy: $0.string("changed_by"), changedAt: $0.string("changed_at"),
                         batchID: $0.optInt64("file_batch_id"), seenAt: $0.optString("file_seen_at"))
        }
    }

    // MARK: the RGK's accounts file

    /// Whether any desk change is in force: an import without one looks at nothing.
    static func anyInForce(_ db: any Storage) throws -> Bool {
        try db.queryOne("SELECT id FROM account_phone_change WHERE state = 'desk' LIMIT 1") != nil
    }

    /// Before the staged rows `after` < n <= `through` of an accounts file are written (in the
    /// same transaction): where a row's phone differs from a desk change in force, the change
    /// newer than the file's date (`asOf`) wins — the staged row takes the desk's phone, and the
    /// conflict is recorded with the batch — and an older one gives way to the file. An open
    /// conflict is settled by a clerk only (`acceptFile`, or `set` again with the desk's phone).
    /// `phoneColumn` is the staged column.
    static func keep(_ db: any Storage, staged table: String, phoneColumn: String, after: Int, through: Int,
                     asOf: String, batchID: Int64?, now: String) throws -> [Conflict] {
        let rows = try db.query("""
            SELECT r.n, c.id, g.code, a.number, c.new_phone, coalesce(r.\(phoneColumn), '') AS file_phone, c.changed_by, c.changed_at
            FROM \(table) r JOIN account a ON a.rgk_id = r.p1 AND a.number = r.p2 JOIN rgk g ON g.id = a.rgk_id
            JOIN account_phone_change c ON c.account_id = a.id AND c.state = 'desk'
            WHERE r.n > ? AND r.n <= ? ORDER BY r.n
            """, after, through)
        var conflicts: [Conflict] = []
        for row in rows {
            let id = try row.int64("id"), desk = try row.string("new_phone"), file = try row.string("file_phone")
            guard file != desk else { continue }
            let changedAt = try row.string("changed_at")
            if changedAt > asOf {
                try db.run("UPDATE \(table) SET \(phoneColumn) = ? WHERE n = ?", desk, try row.int64("n"))
                try db.run("UPDATE account_phone_change SET file_phone = ?, file_batch_id = ?, file_seen_at = ? WHERE id = ?",
                           file, batchID, now, id)
                conflicts.append(try Conflict(rgk: row.string("code"), account: row.string("number"), deskPhone: desk, filePhone: file,
                                              changedBy: row.string("changed_by"), changedAt: changedAt, batchID: batchID, seenAt: now))
            } else {
                // the file speaks of a later day than the desk's change: the RGK's word stands
                try db.run("""
                    UPDATE account_phone_change SET state = 'file', file_phone = ?, file_batch_id = ?, file_seen_at = ?,
                           settled_by = 'import', settled_at = ? WHERE id = ?
                    """, file, batchID, now, now, id)
            }
        }
        return conflicts
    }

    // MARK: back to the RGK

    /// One desk change as the RGK's file has it.
    public struct Exported: Sendable {
        public let id: Int64
        public let rgk: String
        public let account: String
        public let phone: String
        public let oldPhone: String?
        public let changedAt: String
        public let document: String
        public let changedBy: String
    }

    public static let header = ["РГК", "Лицевой счет", "Телефон", "Прежний телефон", "Дата изменения", "Документ", "Оператор"]

    /// The desk changes of an RGK in force: since `since` when given, else those not yet exported.
    public static func toExport(_ db: any Storage, rgk: String, since: Int64?) throws -> [Exported] {
        let rgkID = try RGK.id(db, rgk)
        return try db.query("""
            SELECT c.id, g.code, a.number, c.new_phone, c.old_phone, c.changed_at, c.document, c.changed_by
            FROM account_phone_change c JOIN account a ON a.id = c.account_id JOIN rgk g ON g.id = a.rgk_id
            WHERE a.rgk_id = ? AND c.state = 'desk'
              AND (CASE WHEN CAST(? AS TEXT) IS NULL THEN c.exported_at IS NULL ELSE c.changed_at >= CAST(? AS TEXT) END)
            ORDER BY c.changed_at, c.id
            """, rgkID, since.map(Timestamp.iso), since.map(Timestamp.iso)).map {
            try Exported(id: $0.int64("id"), rgk: $0.string("code"), account: $0.string("number"), phone: $0.string("new_phone"),
                         oldPhone: $0.optString("old_phone"), changedAt: $0.string("changed_at"), document: $0.string("document"),
                         changedBy: $0.string("changed_by"))
        }
    }

    /// One line of the RGK's CSV: phones as written on paper, the date DD.MM.YYYY.
    public static func fields(_ e: Exported) -> [String] {
        let day = Timestamp.parse(e.changedAt).map { Day(epochSeconds: $0 + Timestamp.localOffset(at: $0)).russian } ?? e.changedAt
        return [e.rgk, e.account, Contact.written(e.phone), e.oldPhone.map(Contact.written) ?? "", day, e.document, e.changedBy]
    }

    /// Marks the changes handed to the RGK; audited with the count.
    public static func markExported(_ session: Session, _ ids: [Int64], rgk: String) throws {
        guard !ids.isEmpty else { return }
        try session.db.write {
            try session.db.run("UPDATE account_phone_change SET exported_at = ? WHERE \(session.db.sql.isIn("id")) AND exported_at IS NULL",
                               session.now, SQLList(ids))
            try session.audit("export.contacts", .rgk, rgk, new: "\(ids.count) phone change(s) exported")
        }
    }
}
