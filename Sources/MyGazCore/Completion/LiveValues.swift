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

    public static func candidates(_ db: any Storage, _ source: LiveSource, prefix: String, limit: Int = limit) throws -> [Candidate] {
        let (queries, numeric) = query(source)
        // ids are numbers: a prefix that is not one matches nothing (and never reaches GLOB)
        if numeric && !prefix.allSatisfy(\.isASCIIDigit) { return [] }
        var found: [Candidate] = []
        func add(_ sql: String, _ low: SQLBindable, _ high: SQLBindable) throws {
            // a value a shell could not insert as it is never leaves: see UntrustedText.isShellSafe
            found += try db.query(sql, low, high, limit - found.count).compactMap { row in
                let value = row.string(0)
                guard UntrustedText.isShellSafe(value) else { return nil }
                return Candidate(value: value, description: oneLine(row.optString(1) ?? ""))
            }
        }
        if newestByID.contains(source) {
            for range in idRanges(prefix) where found.count < limit { try add(queries[0], range.lowerBound, range.upperBound) }
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

    /// Sources offered newest first from the whole table: their SQL takes ?1...?2 as an id range.
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

    /// The SQL of a source, run in turn until the limit: ?1 the prefix, ?2 just above every text
    /// that starts with it, ?3 the limit. Text keys are matched by range, so that the unique
    /// indexes answer; ids by GLOB on the queue's own (partial) index, which holds only what
    /// waits, or on a bounded window of the newest rows; a whole table's ids by rowid ranges.
    static func query(_ source: LiveSource) -> ([String], numeric: Bool) {
        let (sql, numeric) = single(source)
        if source == .reading {
            // what waits first, then the last 1 000 decisions
            return ([single(.pendingReading).0, """
                SELECT r.id, a.number || ' ' || m.serial || ': ' || r.value || ' ' || r.status
                FROM (SELECT id FROM reading WHERE source <> 'rgk' AND status <> 'pending' ORDER BY decided_at DESC, id DESC LIMIT 1000) d
                JOIN reading r ON r.id = d.id JOIN meter m ON m.id = r.meter_id JOIN account a ON a.id = m.account_id
                WHERE CAST(r.id AS TEXT) GLOB ?1 || '*' LIMIT ?3
                """], true)
        }
        return ([sql], numeric)
    }

    static func single(_ source: LiveSource) -> (String, numeric: Bool) {
        switch source {
        case .rgk:
            return ("SELECT code, name FROM rgk WHERE code >= ?1 AND code < ?2 ORDER BY code LIMIT ?3", false)
        case .operatorLogin:
            return ("SELECT login, role || coalesce(' — ' || full_name, '') FROM operator WHERE login >= ?1 AND login < ?2 ORDER BY login LIMIT ?3", false)
        case .userLogin:
            return ("""
                SELECT login, coalesce(full_name, '') || ' (' || status || ')' FROM portal_user
                WHERE login >= ?1 AND login < ?2 AND status <> 'deleted' ORDER BY login LIMIT ?3
                """, false)
        case .account:
            // by (rgk, number), once per RGK: the unique index, no index on the number alone
            return ("""
                SELECT a.number, g.code || ': ' || \(Accounts.holderSQL("a"))
                FROM rgk g JOIN account a ON a.rgk_id = g.id AND a.number >= ?1 AND a.number < ?2
                ORDER BY g.code, a.number LIMIT ?3
                """, false)
        case .pendingReading:
            return ("""
                SELECT r.id, a.number || ' ' || m.serial || ': ' || r.value || ' (' || substr(r.submitted_at, 1, 10) || ')'
                FROM reading r JOIN meter m ON m.id = r.meter_id JOIN account a ON a.id = m.account_id
                WHERE r.status = 'pending' AND CAST(r.id AS TEXT) GLOB ?1 || '*' ORDER BY r.submitted_at, r.id LIMIT ?3
                """, true)
        case .reading:
            return ("", true)    // see query(_:)
        case .openApplication:
            return ("""
                SELECT id, kind || ' ' || status || coalesce(' ' || contact_name, '') FROM application
                WHERE (status = 'submitted' OR status = 'needs_info' OR status = 'accepted') AND CAST(id AS TEXT) GLOB ?1 || '*'
                ORDER BY submitted_at, id LIMIT ?3
                """, true)
        case .application:
            return ("""
                SELECT id, kind || ' ' || status || coalesce(' ' || contact_name, '') FROM application
                WHERE id BETWEEN ?1 AND ?2 ORDER BY id DESC LIMIT ?3
                """, true)
        case .openTicket:
            return ("""
                SELECT id, status || ' ' || topic || ': ' || sender_name FROM ticket
                WHERE (status = 'new' OR status = 'answered') AND CAST(id AS TEXT) GLOB ?1 || '*' ORDER BY created_at, id LIMIT ?3
                """, true)
        case .ticket:
            return ("""
                SELECT id, status || ' ' || topic || ': ' || sender_name FROM ticket
                WHERE id BETWEEN ?1 AND ?2 ORDER BY id DESC LIMIT ?3
                """, true)
        case .pinRequest:
            return ("""
                SELECT p.id, a.number || ': ' || p.full_name FROM pin_request p JOIN account a ON a.id = p.account_id
                WHERE p.status = 'open' AND CAST(p.id AS TEXT) GLOB ?1 || '*' ORDER BY p.created_at, p.id LIMIT ?3
                """, true)
        case .faq:
            return ("SELECT id, topic || ': ' || question FROM faq WHERE CAST(id AS TEXT) GLOB ?1 || '*' ORDER BY id LIMIT ?3", true)
        case .office:
            return ("""
                SELECT o.id, g.code || ': ' || o.name FROM office o JOIN rgk g ON g.id = o.rgk_id
                WHERE CAST(o.id AS TEXT) GLOB ?1 || '*' ORDER BY o.id LIMIT ?3
                """, true)
        case .outbox:
            return ("""
                SELECT id, status || ' ' || channel || ' ' || recipient || ' (' || kind || ')' FROM outbox
                WHERE (status = 'waiting' OR status = 'failed' OR status = 'sending') AND CAST(id AS TEXT) GLOB ?1 || '*'
                ORDER BY id LIMIT ?3
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
