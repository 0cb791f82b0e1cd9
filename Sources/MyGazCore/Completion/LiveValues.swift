/// Where the live values of an argument come from (the completion scripts ask `__complete`).
public enum LiveSource: String, Sendable, CaseIterable {
    case rgk, operatorLogin = "operator", pendingReading = "pending-reading", reading
    case openApplication = "open-application", application, openTicket = "open-ticket", ticket
    case pinRequest = "pin-request", faq, userLogin = "user", office, outbox, account
}

/// Values a shell offers on Tab, read from the database: at most `limit`, those that begin
/// with the word typed so far, each with a short description (zsh and fish show it).
public enum LiveValues {
    public struct Candidate: Sendable, Equatable {
        public let value: String
        public let description: String
    }

    public static let limit = 200

    /// `scope`: the operator's RGK ids (`Session.rgkScope`), nil = every RGK: an operator of some
    /// RGKs is offered only what is theirs (ten times the limit looked at, then kept by the one
    /// scope rule, `ScopeCondition`).
    public static func candidates(_ db: any Storage, _ source: LiveSource, prefix: String, limit: Int = limit,
                                  scope: [Int64]?) throws -> [Candidate] {
        guard let scope, let keep = kept(source, db) else { return try candidates(db, source, prefix: prefix, limit: limit) }
        let many = try candidates(db, source, prefix: prefix, limit: limit * 10)
        guard !many.isEmpty else { return [] }
        let condition = keep.shape(scope)
        let hers = Set(try db.query(keep.sql + " AND \(condition.sql)", arguments: [keep.list(many.map(\.value))] + condition.arguments)
            .map { try $0.value("value").string ?? "" })
        return Array(many.filter { hers.contains($0.value) }.prefix(limit))
    }

    /// Which of a list of offered values (bound at the one `?` of `sql`) are the operator's: the
    /// SQL answering them as `value`, the list, and the scope condition it takes.
    static func kept(_ source: LiveSource, _ db: any Storage) -> (sql: String, list: ([String]) -> SQLList, shape: ([Int64]) -> ScopeCondition)? {
        let ids = { (values: [String]) in SQLList(values.compactMap { Int64($0) }) }
        let texts = { (values: [String]) in SQLList(texts: values) }
        func byID(_ entity: Entity) -> (String, ([String]) -> SQLList, ([Int64]) -> ScopeCondition)? {
            guard let owner = ScopeCondition.owner(entity) else { return nil }
            let column = owner.shape == .user ? owner.id : owner.rgk
            return ("SELECT CAST(\(owner.id) AS TEXT) AS value FROM \(owner.from) WHERE \(db.sql.isIn(owner.id, of: .integer))", ids,
                    { ScopeCondition.of(db, owner.shape, column, in: $0) })
        }
        switch source {
        case .pendingReading, .reading: return byID(.reading)
        case .openApplication, .application: return byID(.application)
        case .openTicket, .ticket: return byID(.ticket)
        case .pinRequest: return byID(.pinRequest)
        case .outbox: return byID(.outbox)
        case .userLogin:
            return ("SELECT u.login AS value FROM portal_user u WHERE \(db.sql.isIn("u.login", of: .text))", texts,
                    { ScopeCondition.user(db, "u.id", in: $0) })
        case .account:
            return ("SELECT a.number AS value FROM account a WHERE \(db.sql.isIn("a.number", of: .text))", texts,
                    { ScopeCondition.rgk(db, "a.rgk_id", in: $0) })
        case .rgk:
            return ("SELECT g.code AS value FROM rgk g WHERE \(db.sql.isIn("g.code", of: .text))", texts,
                    { ScopeCondition.rgk(db, "g.id", in: $0) })
        case .office:
            return ("SELECT CAST(o.id AS TEXT) AS value FROM office o WHERE \(db.sql.isIn("o.id", of: .integer))", ids,
                    { ScopeCondition.rgk(db, "o.rgk_id", in: $0) })
        case .operatorLogin, .faq: return nil
        }
    }

    public static func candidates(_ db: any Storage, _ source: LiveSource, prefix: String, limit: Int = limit) throws -> [Candidate] {
        // nothing typed yet: every id, without a condition on its text, so that the server reads
        // the queue's index in its order and stops at the limit (PostgreSQL, which cannot tell
        // how many ids a prefix matches, took it for a few and sorted the whole queue: 56 ms)
        let (queries, numeric) = query(source, db.sql, anyID: prefix.isEmpty)
        // ids are numbers: a prefix that is not one matches nothing (and never reaches the query)
        if numeric && !prefix.allSatisfy(\.isASCIIDigit) { return [] }
        var found: [Candidate] = []
        func add(_ sql: String, _ arguments: SQLBindable...) throws {
            // a value a shell could not insert as it is never leaves: see UntrustedText.isShellSafe
            found += try db.query(sql, arguments: arguments + [limit - found.count]).compactMap { row in
                // an id or a text key, as the shell is to insert it
                let text = try row.value("value").string ?? ""
                guard UntrustedText.isShellSafe(text) else { return nil }
                return Candidate(value: text, description: oneLine(try row.optString("description") ?? ""))
            }
        }
        if newestByID.contains(source) {
            for range in idRanges(prefix) where found.count < limit { try add(queries[0], range.lowerBound, range.upperBound) }
            return found
        }
        if numeric {
            for sql in queries where found.count < limit { try prefix.isEmpty ? add(sql) : add(sql, prefix) }
            return found
        }
        // a phone login typed as 8 911…, 7 911… or 911…: found by its stored +7 spelling and offered
        // back in the spelling typed, so that the shell's own prefix filter keeps it
        if source == .userLogin, let spelling = PhoneSpelling(prefix) {
            try add(queries[0], prefix, prefix + "\u{10FFFF}")        // an e-mail login may begin with digits too
            let asTyped = found.count
            try add(queries[0], spelling.stored, spelling.stored + "\u{10FFFF}")
            return found[..<asTyped] + found[asTyped...].map { Candidate(value: spelling.typed($0.value), description: $0.description) }
        }
        for sql in queries where found.count < limit { try add(sql, prefix, prefix + "\u{10FFFF}") }
        return found
    }

    /// How a clerk began typing a mobile number: its stored prefix (+7…) and back.
    struct PhoneSpelling {
        let lead: String
        let stored: String

        init?(_ prefix: String) {
            guard !prefix.isEmpty, !prefix.hasPrefix("+"), prefix.allSatisfy(\.isASCIIDigit) else { return nil }
            switch prefix.first {
            case "8": lead = "8"; stored = "+7" + prefix.dropFirst()
            case "7": lead = "7"; stored = "+7" + prefix.dropFirst()
            case "9": lead = ""; stored = "+7" + prefix
            default: return nil
            }
        }

        func typed(_ login: String) -> String {
            login.hasPrefix("+7") ? lead + login.dropFirst(2) : login
        }
    }

    /// Sources offered newest first from the whole table: their SQL takes an id range (two values).
    static let newestByID: Set<LiveSource> = [.application, .ticket]

    /// The ids that begin with `prefix` as ranges of the rowid, largest ids first: "12" is 12,
    /// 120...129, 1200...1299 and so on. Each range is a seek, so a rare prefix in a large table
    /// costs as little as a common one (matching the text of every id would read the table).
    static func idRanges(_ prefix: String) -> [ClosedRange<Int64>] {
        if prefix.isEmpty { return [1...Int64.max] }
        guard !prefix.hasPrefix("0"), prefix.count <= 18, let start = Int64(prefix) else { return [] }
        var ranges: [ClosedRange<Int64>] = []
        var scale: Int64 = 1
        for _ in 0...(18 - prefix.count) {
            ranges.append(start * scale...(start + 1) * scale - 1)
            scale *= 10
        }
        return ranges.reversed()
    }

    /// The SQL of a source, run in turn until the limit, each answering `value` and
    /// `description`. Text keys (`numeric` false) take the prefix, a text just above every text
    /// that starts with it, and the limit: they are matched by range, so that the unique indexes
    /// answer. Ids take the prefix and the limit, matched as text on the queue's own (partial)
    /// index, which holds only what waits, or on a bounded window of the newest rows; a whole
    /// table's ids (`newestByID`) take an id range and the limit.
    /// `anyID`: no prefix is bound; every id is a candidate.
    static func query(_ source: LiveSource, _ sql: SQLDialect, anyID: Bool = false) -> ([String], numeric: Bool) {
        let (single, numeric) = single(source, sql, anyID: anyID)
        if source == .reading {
            // what waits first, then the last 1 000 decisions
            return ([Self.single(.pendingReading, sql, anyID: anyID).0, """
                SELECT r.id AS value, a.number || ' ' || m.serial || ': ' || CAST(r.value AS TEXT) || ' ' || r.status AS description
                FROM (SELECT id FROM reading WHERE source <> 'rgk' AND status <> 'pending' ORDER BY decided_at DESC, id DESC LIMIT 1000) AS d
                JOIN reading r ON r.id = d.id JOIN meter m ON m.id = r.meter_id JOIN account a ON a.id = m.account_id
                WHERE \(idPrefix("r.id", sql, anyID)) LIMIT ?
                """], true)
        }
        return ([single], numeric)
    }

    /// The id `column` written in digits begins with the prefix bound at its placeholder (none:
    /// `anyID`).
    private static func idPrefix(_ column: String, _ sql: SQLDialect, _ anyID: Bool) -> String {
        anyID ? "1 = 1" : sql.hasPrefix("CAST(\(column) AS TEXT)")
    }

    static func single(_ source: LiveSource, _ sql: SQLDialect, anyID: Bool = false) -> (String, numeric: Bool) {
        switch source {
        case .rgk:
            return ("SELECT code AS value, name AS description FROM rgk WHERE code >= ? AND code < ? ORDER BY code LIMIT ?", false)
        case .operatorLogin:
            return ("""
                SELECT login AS value, role || coalesce(' — ' || full_name, '') AS description FROM operator
                WHERE login >= ? AND login < ? ORDER BY login LIMIT ?
                """, false)
        case .userLogin:
            return ("""
                SELECT login AS value, coalesce(full_name, '') || ' (' || status || ')' AS description FROM portal_user
                WHERE login >= ? AND login < ? AND status <> 'deleted' ORDER BY login LIMIT ?
                """, false)
        case .account:
            // by (rgk, number), once per RGK: the unique index, no index on the number alone
            return ("""
                SELECT a.number AS value, g.code || ': ' || \(Accounts.holderSQL("a")) AS description
                FROM rgk g JOIN account a ON a.rgk_id = g.id AND a.number >= ? AND a.number < ?
                ORDER BY g.code, a.number LIMIT ?
                """, false)
        case .pendingReading:
            return ("""
                SELECT r.id AS value, a.number || ' ' || m.serial || ': ' || CAST(r.value AS TEXT) || ' (' || substr(r.submitted_at, 1, 10) || ')' AS description
                FROM reading r JOIN meter m ON m.id = r.meter_id JOIN account a ON a.id = m.account_id
                WHERE r.status = 'pending' AND \(idPrefix("r.id", sql, anyID)) ORDER BY r.submitted_at, r.id LIMIT ?
                """, true)
        case .reading:
            return ("", true)    // see query(_:_:)
        case .openApplication:
            return ("""
                SELECT id AS value, kind || ' ' || status || coalesce(' ' || contact_name, '') AS description FROM application
                WHERE (status = 'submitted' OR status = 'needs_info' OR status = 'accepted') AND \(idPrefix("id", sql, anyID))
                ORDER BY submitted_at, id LIMIT ?
                """, true)
        case .application:
            return ("""
                SELECT id AS value, kind || ' ' || status || coalesce(' ' || contact_name, '') AS description FROM application
                WHERE id BETWEEN ? AND ? ORDER BY id DESC LIMIT ?
                """, true)
        case .openTicket:
            return ("""
                SELECT id AS value, status || ' ' || topic || ': ' || sender_name AS description FROM ticket
                WHERE (status = 'new' OR status = 'answered') AND \(idPrefix("id", sql, anyID)) ORDER BY created_at, id LIMIT ?
                """, true)
        case .ticket:
            return ("""
                SELECT id AS value, status || ' ' || topic || ': ' || sender_name AS description FROM ticket
                WHERE id BETWEEN ? AND ? ORDER BY id DESC LIMIT ?
                """, true)
        case .pinRequest:
            return ("""
                SELECT p.id AS value, a.number || ': ' || p.full_name AS description FROM pin_request p JOIN account a ON a.id = p.account_id
                WHERE p.status = 'open' AND \(idPrefix("p.id", sql, anyID)) ORDER BY p.created_at, p.id LIMIT ?
                """, true)
        case .faq:
            return ("""
                SELECT id AS value, topic || ': ' || question AS description FROM faq WHERE \(idPrefix("id", sql, anyID)) ORDER BY id LIMIT ?
                """, true)
        case .office:
            return ("""
                SELECT o.id AS value, g.code || ': ' || o.name AS description FROM office o JOIN rgk g ON g.id = o.rgk_id
                WHERE \(idPrefix("o.id", sql, anyID)) ORDER BY o.id LIMIT ?
                """, true)
        case .outbox:
            return ("""
                SELECT id AS value, status || ' ' || channel || ' ' || recipient || ' (' || kind || ')' AS description FROM outbox
                WHERE (status = 'waiting' OR status = 'failed' OR status = 'sending') AND \(idPrefix("id", sql, anyID))
                ORDER BY id LIMIT ?
                """, true)
        }
    }

    /// Descriptions go on one line of at most 60 characters, and a shell shows them as they
    /// are: line breaks become spaces, every other control is made visible.
    static func oneLine(_ text: String) -> String {
        let flat = UntrustedText.visible(String(String.UnicodeScalarView(text.unicodeScalars.map {
            $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\u{2028}" || $0 == "\u{2029}" || $0 == "\u{85}" ? " " : $0
        })))
        return flat.count > 60 ? String(flat.prefix(59)) + "…" : flat
    }
}
