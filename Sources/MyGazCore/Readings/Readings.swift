import Foundation

/// One reading with everything the review needs: its meter, the previous accepted reading,
/// and (for pending ones) the verdict of the rules.
public struct ReadingItem: Sendable {
    public let id: Int64
    public let status: ReadingStatus
    public let source: String
    public let rgk: String
    public let accountID: Int64
    public let account: String
    public let meterID: Int64
    public let serial: String
    public let digits: Int
    public let meterState: String
    public let nextVerification: String?
    public let maxMonthly: Int64
    public let value: Int64
    public let readingDate: String
    public let submittedAt: String
    public let previousValue: Int64?
    public let previousDate: String?
    public let reason: String?
    public let message: String?
    public let decidedBy: String?
    public let decidedAt: String?
    public let forced: Bool
    public let userID: Int64?
    public let verdict: ReadingVerdict

    /// Reads the columns of `Readings.select` and judges the reading.
    init(row: Row) throws {
        id = try row.int64("id"); status = ReadingStatus(rawValue: try row.string("status")) ?? .pending
        source = try row.string("source"); rgk = try row.string("rgk")
        accountID = try row.int64("account_id"); account = try row.string("account"); meterID = try row.int64("meter_id")
        serial = try row.string("serial"); digits = try row.int("digits"); meterState = try row.string("meter_state")
        nextVerification = try row.optString("next_verification"); maxMonthly = try row.int64("max_monthly")
        value = try row.int64("value"); readingDate = try row.string("reading_date"); submittedAt = try row.string("submitted_at")
        previousValue = try row.optInt64("previous_value"); previousDate = try row.optString("previous_date")
        reason = try row.optString("reason"); message = try row.optString("message"); decidedBy = try row.optString("decided_by")
        decidedAt = try row.optString("decided_at"); forced = try row.bool("forced"); userID = try row.optInt64("user_id")
        verdict = ReadingRules.check(ReadingFacts(
            value: value, date: Day(iso: readingDate) ?? Day(daysSinceEpoch: 0), digits: digits,
            previousValue: previousValue, previousDate: previousDate.flatMap(Day.init(iso:)), maxMonthly: maxMonthly,
            nextVerification: nextVerification.flatMap(Day.init(iso:)), meterState: MeterState(rawValue: meterState) ?? .working))
    }
}

public struct ReadingFilter: Sendable {
    public var status: ReadingStatus? = .pending
    public var rgk: String?
    public var account: AccountRef?
    public var serial: String?
    public var violationsOnly = false
    /// Only readings that break no rule (the complement of `violationsOnly`).
    public var validOnly = false
    /// Only pending readings that break this rule.
    public var rule: ReadingReason?
    public var since: Int64?
    public var limit = 50
    /// The operator's RGK ids (`Session.rgkScope`), nil = every RGK.
    public var scope: [Int64]?
    /// Only those submitted before this moment (`Readings.window`: due by a day).
    var submittedBefore: Int64?
    public init() {}
}

/// Meter readings (SPEC §1.3): the review queue and its decisions.
public enum Readings {
    /// The columns every reading query selects; `item(_:)` reads them by name.
    static let select = """
        SELECT r.id, r.status, r.source, g.code AS rgk, a.id AS account_id, a.number AS account, m.id AS meter_id, m.serial, m.digits,
               m.state AS meter_state, m.next_verification, coalesce(m.max_monthly_m3, g.max_monthly_m3) AS max_monthly, r.value,
               r.reading_date, r.submitted_at, (\(previousAcceptedSQL("r", "value"))) AS previous_value,
               (\(previousAcceptedSQL("r", "reading_date"))) AS previous_date, r.reason, r.message,
               r.decided_by, r.decided_at, r.forced, r.user_id
        FROM reading r
        JOIN meter m ON m.id = r.meter_id
        JOIN account a ON a.id = m.account_id
        JOIN rgk g ON g.id = a.rgk_id
        """

    /// A column of the reading a reading is compared with: its meter's newest accepted reading
    /// other than itself (for a decided one, the newest before it). One definition for every query.
    /// Asked in the select list, not joined by its id: under PostgreSQL's row-level policies a join
    /// condition holding a subquery is not leakproof, so it may not be pushed below the policies,
    /// and the planner hashed the whole reading table for each list (1 s at 100 000 accounts for a
    /// scoped clerk, 10 ms this way); in the select list it is an index probe per row shown.
    static func previousAcceptedSQL(_ r: String, _ column: String) -> String {
        """
        SELECT q.\(column) FROM reading q
        WHERE q.meter_id = \(r).meter_id AND q.status = 'accepted' AND q.id <> \(r).id
          AND (\(r).status = 'pending' OR q.reading_date < \(r).reading_date OR (q.reading_date = \(r).reading_date AND q.id < \(r).id))
        ORDER BY q.reading_date DESC, q.id DESC LIMIT 1
        """
    }

    static func item(_ row: Row) throws -> ReadingItem { try ReadingItem(row: row) }

    public static func find(_ db: any Storage, _ id: Int64) throws -> ReadingItem {
        guard let row = try db.queryOne(select + " WHERE r.id = ?", id) else { throw MyGazError.notFound(.reading, String(id)) }
        return try item(row)
    }

    /// A reading the operator may see: one of an RGK she does not work is not found, as an unknown id.
    public static func find(_ session: Session, _ id: Int64) throws -> ReadingItem {
        let item = try find(session.db, id)
        guard try session.works(rgkID: RGK.id(session.db, item.rgk)) else { throw MyGazError.notFound(.reading, String(id)) }
        return item
    }

    /// A reading the operator may decide: one of an RGK she does not work is refused, naming it (exit 7).
    static func findToDecide(_ session: Session, _ id: Int64) throws -> ReadingItem {
        let item = try find(session.db, id)
        try session.requireWorks(rgk: item.rgk, .reading, id)
        return item
    }

    public static func parseID(_ text: String) throws -> Int64 {
        try References.parseID(.reading, text)
    }

    /// The serials of an account's working meters (a reading by phone names one only when there are several).
    public static func workingSerials(_ db: any Storage, account: AccountRef) throws -> [String] {
        try db.query("SELECT serial FROM meter WHERE account_id = ? AND state = 'working' ORDER BY serial", account.id).map { try $0.string("serial") }
    }

    // MARK: lists

    public static func list(_ db: any Storage, _ filter: ReadingFilter) throws -> [ReadingItem] {
        try list(db, filter, firstPage: filter.limit >= 500 ? 2000 : max(filter.limit * 4, 100))
    }

    /// Every reading the filter selects, with no limit, each handed over as it comes from a cursor
    /// (`Storage.eachRow`), never all of them built first: `reading list --status all --limit 0` of
    /// a whole region (issue 41). The same conditions, order and rules as `list`. `body` answers
    /// whether to go on (false: the reader went away, the cursor is closed).
    public static func each(_ db: any Storage, _ filter: ReadingFilter, _ body: (ReadingItem) throws -> Bool) throws {
        struct Stop: Error {}
        do {
            try withoutActuallyEscaping(body) { body in
                _ = try list(db, filter, firstPage: 0, each: { if try !body($0) { throw Stop() } })
            }
        } catch is Stop {}
    }

    static func list(_ db: any Storage, _ filter: ReadingFilter, firstPage: Int, each: ((ReadingItem) throws -> Void)? = nil) throws -> [ReadingItem] {
        var conditions: [String] = []
        var args: [SQLBindable?] = []
        // one account's or one meter's readings are found from it (a handful); the queue's indexes
        // are kept out, or the planner walks the whole queue looking for them
        let narrow = filter.account != nil || filter.serial != nil
        func viaQueue(_ column: String) -> String { narrow ? db.sql.noIndex(column) : column }
        if let status = filter.status { conditions.append("\(viaQueue("r.status")) = ?"); args.append(status.rawValue) }
        if let rgk = filter.rgk {
            // a pending reading carries its RGK (indexed); decided ones are found through the account
            conditions.append(filter.status == .pending ? "\(viaQueue("r.rgk_id")) = ?" : "\(db.sql.noIndex("a.rgk_id")) = ?")
            args.append(try RGK.id(db, rgk))
        }
        if filter.scope != nil {
            let scope = ScopeCondition.rgk(db, filter.status == .pending ? "r.rgk_id" : "a.rgk_id", in: filter.scope)
            conditions.append(scope.sql); args += scope.arguments
        }
        if let account = filter.account { conditions.append("a.id = ?"); args.append(account.id) }
        if let serial = filter.serial { conditions.append("m.serial = ?"); args.append(serial) }
        let decided = filter.status != nil && filter.status != .pending
        if let before = filter.submittedBefore {
            conditions.append("\(viaQueue("r.submitted_at")) < ?")
            args.append(Timestamp.iso(before))
        }
        if let since = filter.since {
            conditions.append(decided ? "\(viaQueue("r.decided_at")) >= ?" : "\(viaQueue("r.submitted_at")) >= ?")
            args.append(Timestamp.iso(since))
        }
        // one account's or one meter's accepted readings include the RGK's history (issue 41): those
        // came accepted in a file, never decided here, and take their place by the time they came
        // in. A whole region's accepted list stays the office's decisions, through its index (the
        // history has none by time, and would bury the day's decisions under years of files)
        let withHistory = filter.status == .accepted && narrow
        let decidedKey = withHistory ? "coalesce(r.decided_at, r.submitted_at)" : "r.decided_at"
        // the pending queue is read oldest first; decided readings newest decision first; every
        // state at once (a customer's history) the newest first
        let order = filter.status == nil ? "ORDER BY r.id DESC" : decided ? "ORDER BY \(decidedKey) DESC, r.id DESC" : "ORDER BY r.submitted_at, r.id"
        // spelled as the index's own condition, or the planner cannot use it (the RGK's readings are
        // never rejected or superseded: only an accepted list reads past the index)
        if decided && !withHistory { conditions.append("r.source <> 'rgk' AND r.status <> 'pending'") }
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        func wanted(_ item: ReadingItem) -> Bool {
            if let rule = filter.rule { return item.status == .pending && item.verdict.violations.contains(rule) }
            return item.verdict.isValid == filter.validOnly
        }
        let filtered = filter.violationsOnly || filter.validOnly || filter.rule != nil
        if let each {
            try db.read {
                try db.eachRow(select + " \(whereClause) \(order)", arguments: args) { row in
                    let item = try item(row)
                    if !filtered || wanted(item) { try each(item) }
                }
            }
            return []
        }
        guard filtered else {
            return try db.query(select + " \(whereClause) \(order) LIMIT ?", arguments: args + [filter.limit]).map(item)
        }
        // the rules run in Swift, so collect matches page by page until the limit is reached; pages
        // grow from a few times the limit, so that a queue where many break a rule stops early, and
        // each page starts after the last row of the one before (by the order's key, through the
        // index: an OFFSET would walk every skipped row again)
        var found: [ReadingItem] = []
        var after: (key: String, id: Int64)?
        var page = firstPage
        while found.count < filter.limit {
            var pageConditions = conditions, pageArgs = args
            if let after {
                if filter.status == nil {
                    pageConditions.append("r.id < ?")
                    pageArgs.append(after.id)
                } else {
                    pageConditions.append(decided ? "(\(decidedKey), r.id) < (?, ?)" : "(r.submitted_at, r.id) > (?, ?)")
                    pageArgs += [after.key, after.id] as [SQLBindable?]
                }
            }
            let rows = try db.query(select + (pageConditions.isEmpty ? "" : " WHERE " + pageConditions.joined(separator: " AND ")) + " \(order) LIMIT ?",
                                    arguments: pageArgs + [page]).map(item)
            found.append(contentsOf: rows.filter(wanted).prefix(filter.limit - found.count))
            guard rows.count == page, let last = rows.last else { break }
            after = (decided ? last.decidedAt ?? last.submittedAt : last.submittedAt, last.id)
            page = min(page * 2, 2000)
        }
        return found
    }

    /// A pending reading's due date: the cutoff day of its month (docs/deadlines.md); nil for a
    /// decided one.
    public static func due(_ r: ReadingItem, _ q: DueQuery) -> DueReport? {
        guard r.status == .pending, let submitted = Timestamp.parse(r.submittedAt) else { return nil }
        return q.deadlines.report(.reading, registeredAt: submitted, zone: q.zone(r.rgk), now: q.now)
    }

    /// The filter narrowed to the pending readings due by `q.dueBy`: a due day never comes earlier
    /// for a later submission, so they are the queue's oldest, up to a moment. Nil: none can be.
    public static func window(_ filter: ReadingFilter, _ q: DueQuery) -> ReadingFilter? {
        guard let dueBy = q.dueBy else { return filter }
        guard filter.status == .pending, let before = q.registeredBefore(.reading, dueBy: dueBy) else { return nil }
        var f = filter
        f.submittedBefore = before
        return f
    }

    /// Pending readings by broken rule (`reading check`).
    public static func checkCounts(_ db: any Storage, rgk: String?) throws -> (total: Int, valid: Int, byReason: [ReadingReason: Int]) {
        let rgkID = try rgk.map { try RGK.id(db, $0) }
        var total = 0, valid = 0
        var byReason: [ReadingReason: Int] = [:]
        for (_, verdict) in try judgeQueue(db, rgkID: rgkID, now: "").items {
            total += 1
            if verdict.isValid { valid += 1 }
            for reason in verdict.violations { byReason[reason, default: 0] += 1 }
        }
        return (total, valid, byReason)
    }

    /// Who and where a reading is from, for showing it: the holder, the address and the meter's model.
    public static func context(_ db: any Storage, _ r: ReadingItem) throws -> (holder: String?, address: String?, meterModel: String?) {
        let row = try db.queryOne("""
            SELECT \(Accounts.holderSQL("a")) AS holder, a.address, m.model FROM account a JOIN meter m ON m.account_id = a.id
            WHERE a.id = ? AND m.id = ?
            """, r.accountID, r.meterID)
        return (try row?.optString("holder"), try row?.optString("address"), try row?.optString("model"))
    }

    /// The pending queue's ids, oldest first (of an RGK: its own index).
    public static func queueIDs(_ db: any Storage, rgk: String?, limit: Int) throws -> [Int64] {
        guard let rgk else {
            return try db.query("SELECT id FROM reading WHERE status = 'pending' ORDER BY submitted_at, id LIMIT ?", limit).map { try $0.int64("id") }
        }
        return try db.query("SELECT id FROM reading WHERE status = 'pending' AND rgk_id = ? ORDER BY submitted_at, id LIMIT ?",
                            try RGK.id(db, rgk), limit).map { try $0.int64("id") }
    }

    /// The last accepted readings of a meter, newest first.
    public static func history(_ db: any Storage, meterID: Int64, limit: Int) throws -> [(value: Int64, date: String, source: String)] {
        try db.query("""
            SELECT value, reading_date, source FROM reading WHERE meter_id = ? AND status = 'accepted'
            ORDER BY reading_date DESC, id DESC LIMIT ?
            """, meterID, limit).map { try ($0.int64("value"), $0.string("reading_date"), $0.string("source")) }
    }

    // MARK: decisions

    static func requirePending(_ item: ReadingItem, target: ReadingStatus, action: String) throws -> Transition? {
        if item.status == target {
            var same = Transition(.reading, item.id, .readingStatus, from: item.status.rawValue, to: item.status.rawValue)
            same.rgk = item.rgk
            return same
        }
        guard item.status == .pending else {
            throw MyGazError.conflict(.conflictState, .entity(.reading), .text(String(item.id)), .code(.readingStatus, item.status.rawValue),
                                      .text(action), .code(.readingStatus, "pending"))
        }
        return nil
    }

    /// A reading is judged against its meter's previous accepted reading: while it is judged and
    /// decided, the meter's row is held, so that another clerk's decision or a reading given by
    /// phone on the same meter waits for this one (PostgreSQL; SQLite's one writer holds all).
    static func holdMeter(ofReading id: Int64, _ db: any Storage) throws {
        try holdMeters(db, "SELECT meter_id FROM reading WHERE id = ?", id)
    }

    /// The meters of these readings held, in id order (two bulk decisions never wait for each
    /// other in a circle).
    static func holdMeters(ofReadings ids: [Int64], _ db: any Storage) throws {
        try holdMeters(db, "SELECT meter_id FROM reading WHERE \(db.sql.isIn("id"))", SQLList(ids))
    }

    /// The meters whose ids `subquery` selects, held until the write ends.
    private static func holdMeters(_ db: any Storage, _ subquery: String, _ arguments: SQLBindable?...) throws {
        guard !db.sql.lockingRows.isEmpty else { return }
        try db.run("SELECT id FROM meter WHERE id IN (\(subquery)) ORDER BY id \(db.sql.lockingRows)", arguments: arguments)
    }

    /// Accepts one reading; the rules are checked again now, inside the write transaction. A
    /// reading that breaks a rule is accepted only with `force`, and only with the reason why.
    public static func accept(_ session: Session, _ id: Int64, force: Bool, reason: String?) throws -> Transition {
        let reason = try forcedReason(force: force, reason: reason, id: String(id))
        return try session.db.write {
            try holdMeter(ofReading: id, session.db)
            let item = try findToDecide(session, id)
            if let same = try requirePending(item, target: .accepted, action: "reading accept") { return same }
            if !item.verdict.isValid && !force {
                throw MyGazError.invalid(.readingBreaksRules, .text(String(id)),
                                         .text(item.verdict.violations.map(\.rawValue).joined(separator: ", ")))
            }
            try markAccepted(session, id: item.id, forced: !item.verdict.isValid,
                             reason: item.verdict.isValid ? nil : "forced despite \(item.verdict.violations.map(\.rawValue).joined(separator: ", ")): \(reason ?? "")",
                             message: item.verdict.isValid ? nil : reason)
            var t = Transition(.reading, id, .readingStatus, from: "pending", to: "accepted",
                               extra: item.verdict.consumption.map { [("consumption", String($0))] } ?? [])
            t.rgk = item.rgk
            return t
        }
    }

    /// The rule for `--force`: a broken rule is accepted on purpose only, with the reason why.
    public static func forcedReason(force: Bool, reason: String?, id: String = "") throws -> String? {
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if force && (reason ?? "").isEmpty { throw MyGazError.usage(.forceNeedsReason, .text(id)) }
        return reason.flatMap { $0.isEmpty ? nil : $0 }
    }

    static func markAccepted(_ session: Session, id: Int64, forced: Bool = false, reason: String? = nil, message: String? = nil) throws {
        try Decision.move(session.db, .reading, id, .readingStatus, from: "pending", to: "accepted",
                          setting: "decided_at = ?, decided_by = ?, forced = ?, message = coalesce(CAST(? AS TEXT), message)",
                          session.now, session.login, forced, message)
        try session.audit("reading.accept", .reading, id, old: "pending", new: "accepted", reason: reason)
    }

    /// Whether a reason is one of the five rules a reading is judged by (not «duplicate», «other»).
    public static func isRule(_ reason: ReadingReason) -> Bool { reason != .duplicate && reason != .other }

    /// The pending readings among `ids` that do not break `reason`, a rule: rejecting them for it
    /// tells the customer something the reading does not show, so it is done only on purpose.
    public static func notBreaking(_ db: any Storage, _ ids: [Int64], reason: ReadingReason) -> [Int64] {
        guard isRule(reason) else { return [] }
        // an id that is no reading, or not pending, is for the batch to report
        return ids.filter { id in
            guard let item = try? find(db, id), item.status == .pending else { return false }
            return !item.verdict.violations.contains(reason)
        }
    }

    /// Rejects one reading with a reason code; the reason goes to the customer. A rule the reading
    /// does not break is refused unless `force` (the clerk confirmed it, and says why in `message`).
    public static func reject(_ session: Session, _ id: Int64, reason: ReadingReason, message: String?, force: Bool = false) throws -> Transition {
        if reason == .other && (message ?? "").isEmpty { throw MyGazError.usage(.otherNeedsMessage) }
        return try session.db.write {
            try holdMeter(ofReading: id, session.db)
            let item = try findToDecide(session, id)
            if let same = try requirePending(item, target: .rejected, action: "reading reject") { return same }
            if isRule(reason) && !force && !item.verdict.violations.contains(reason) {
                throw MyGazError.usage(.reasonNotBroken, .text(String(id)), .code(.readingReason, reason.rawValue))
            }
            var t = Transition(.reading, id, .readingStatus, from: "pending", to: "rejected", extra: [("reason", reason.rawValue)])
            t.rgk = item.rgk
            t.told(try markRejected(session, item, reason: reason, message: message))
            return t
        }
    }

    static func markRejected(_ session: Session, _ item: ReadingItem, reason: ReadingReason, message: String?) throws -> Notify.Outcome {
        try Decision.move(session.db, .reading, item.id, .readingStatus, from: "pending", to: "rejected",
                          setting: "reason = ?, message = ?, decided_at = ?, decided_by = ?",
                          reason.rawValue, message, session.now, session.login)
        try session.audit("reading.reject", .reading, item.id, old: "pending", new: "rejected",
                          reason: message, note: AuditNote(.readingRule, ["rule": .text(reason.rawValue)]))
        // a refusal the customer must act on: never silenced by the notification switch
        let (reach, who) = try reach(session.db, item)
        let rgkID = try RGK.id(session.db, item.rgk)
        let notice = rejectionNotice(item, reason: reason, message: message, name: who, rgkPhone: try Notify.rgkPhone(session.db, rgkID: rgkID))
        return try Notify.tell(session, reach, notice, need: .required, rgkID: rgkID, entity: .reading, entityID: item.id, who: who)
    }

    /// The portal user who sent a reading; a reading given by phone or at the office reaches the
    /// holder's phone.
    static func reach(_ db: any Storage, _ item: ReadingItem) throws -> (Notify.Reach, who: String) {
        let user = try item.userID.flatMap {
            try db.queryOne("SELECT email, phone, full_name FROM portal_user WHERE id = ? AND status <> 'deleted'", $0)
        }
        let holder = try db.queryOne("SELECT phone, \(Accounts.holderSQL("a")) AS holder FROM account a WHERE a.id = ?", item.accountID)
        return (Notify.Reach(email: try user?.optString("email"), phone: try user?.optString("phone") ?? holder?.optString("phone"),
                             userID: user == nil ? nil : item.userID),
                try user?.optString("full_name") ?? holder?.optString("holder") ?? item.account)
    }

    /// Takes a decision back: an accepted or rejected reading is pending again, to be decided
    /// anew. Refused once the reading went to the RGK's billing, for a reading the RGK sent, and
    /// while a later reading of the meter stands on it; a customer who was told of the rejection
    /// is told it is being looked at again.
    public static func reopen(_ session: Session, _ id: Int64, reason: String) throws -> Transition {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw MyGazError.usage(.optionRequires, "reading reopen", "--reason") }
        return try session.db.write {
            try holdMeter(ofReading: id, session.db)   // no reading of the meter comes in between the check below and the change
            let item = try findToDecide(session, id)
            if item.status == .pending { return Transition(.reading, id, .readingStatus, from: "pending", to: "pending") }
            guard item.status == .accepted || item.status == .rejected else {
                throw MyGazError.conflict(.conflictState, .entity(.reading), .text(String(id)), .code(.readingStatus, item.status.rawValue),
                                          "reading reopen", .codes(.readingStatus, ["accepted", "rejected"]))
            }
            if item.source == "rgk" { throw MyGazError(.conflict, .readingFromRGK, .text(String(id))) }
            if let exported = try session.db.scalarString("SELECT exported_at FROM reading WHERE id = ?", id) {
                throw MyGazError(.conflict, .readingExported, .text(String(id)), .text(Timestamp.display(exported)))
            }
            if let later = try session.db.scalarInt("""
                SELECT id FROM reading WHERE meter_id = ? AND id <> ? AND (status = 'pending' OR (status = 'accepted' AND (reading_date, id) > (?, ?)))
                ORDER BY id DESC LIMIT 1
                """, item.meterID, id, item.readingDate, id) {
                throw MyGazError(.conflict, .readingHasLater, .text(String(id)), .text(String(later)))
            }
            let toldOfRejection = try session.db.scalarInt("""
                SELECT EXISTS (SELECT 1 FROM outbox WHERE entity_type = 'reading' AND entity_id = ? AND kind = 'reading_rejected' AND status <> 'cancelled')
                """, id) == 1
            let wasTold = item.status == .rejected && toldOfRejection
            try Decision.move(session.db, .reading, id, .readingStatus, from: item.status.rawValue, to: "pending", setting: """
                reason = NULL, message = NULL, decided_at = NULL, decided_by = NULL, forced = 0,
                rgk_id = coalesce(rgk_id, (SELECT a.rgk_id FROM meter m JOIN account a ON a.id = m.account_id WHERE m.id = meter_id))
                """)
            try session.audit("reading.reopen", .reading, id, old: item.status.rawValue, new: "pending", reason: reason)
            var t = Transition(.reading, id, .readingStatus, from: item.status.rawValue, to: "pending")
            t.rgk = item.rgk
            if wasTold {
                let (reach, who) = try reach(session.db, item)
                let date = Day(iso: item.readingDate)?.russian ?? item.readingDate
                t.told(try Notify.tell(session, reach, Notify.Notice(
                    subject: "Показание по лицевому счету \(item.account) проверяется повторно", to: who,
                    body: """
                        Показание прибора учета № \(item.serial) — \(item.value) м³ от \(date) — по лицевому счету \(item.account) ранее не было принято. Это решение отменено: показание проверяется повторно.
                        \(reason)

                        О результате мы сообщим дополнительно. Передавать показание еще раз не нужно.
                        """,
                    sms: "Показание \(item.value) по ЛС \(item.account) проверяется повторно; передавать его еще раз не нужно.",
                    kind: .readingRejected), need: .required, rgkID: try RGK.id(session.db, item.rgk), entity: .reading, entityID: id, who: who))
            }
            return t
        }
    }

    /// A rejection in words the customer understands (issue 41): what happened — the rule, and the
    /// values behind it, said once — the clerk's own words, and what to do next, which differs by
    /// reason (an expired verification is not fixed by sending the reading again). The SMS says
    /// the same in at most `Notify.smsLimit` characters, with the RGK's phone; the letter is signed
    /// by the RGK under `Notify.footer`.
    static func rejectionNotice(_ item: ReadingItem, reason: ReadingReason, message: String?, name: String?, rgkPhone: String?) -> Notify.Notice {
        let date = Day(iso: item.readingDate)?.russian ?? item.readingDate
        let why: String
        let next: String, nextShort: String
        let resend = "Проверьте показание на счетчике и передайте его еще раз в разделе «Приборы учета» личного кабинета «Мой газ»."
        let resendShort = "Проверьте счетчик и передайте показание еще раз."
        switch reason {
        case .lowerThanPrevious:
            why = "оно меньше предыдущего принятого"
                + (item.previousValue.map { " (\($0) м³" + (item.previousDate.flatMap { Day(iso: $0)?.russian }.map { " от \($0)" } ?? "") + ")" } ?? "")
            (next, nextShort) = (resend, resendShort)
        case .exceedsCapacity:
            why = "в нем больше цифр, чем у счетчика (\(item.digits) разрядов, не больше \(ReadingRules.power10(item.digits) - 1))"
            (next, nextShort) = ("Передайте только цифры до запятой — черные цифры на счетчике — в разделе «Приборы учета» личного кабинета «Мой газ».",
                                 "Передайте только цифры до запятой.")
        case .exceedsMaxConsumption:
            why = "расход\(item.verdict.consumption.map { " \($0) м³" } ?? "") больше допустимого (\(item.maxMonthly) м³ в месяц)"
            (next, nextShort) = ("Проверьте показание на счетчике. Если оно верно, позвоните в абонентский отдел: расход проверят и примут показание.",
                                 "Проверьте счетчик; если показание верно, позвоните нам.")
        case .verificationExpired:
            why = "срок поверки прибора учета истек" + (item.nextVerification.flatMap { Day(iso: $0)?.russian }.map { " \($0)" } ?? "")
            (next, nextShort) = ("Показания этого прибора принимаются только после поверки. Закажите поверку прибора учета и передайте свидетельство о поверке в абонентский отдел; после этого передавайте показания как обычно.",
                                 "Закажите поверку прибора и передайте свидетельство в абонентский отдел.")
        case .meterNotWorking:
            why = "прибор учета числится неисправным или снятым"
            (next, nextShort) = ("Позвоните в абонентский отдел, чтобы договориться о ремонте, замене или опломбировании прибора учета; до этого показания по нему не принимаются.",
                                 "Позвоните нам о ремонте или замене прибора.")
        case .duplicate:
            why = "такое показание уже передано"
            (next, nextShort) = ("Передавать его еще раз не нужно.", "Передавать его еще раз не нужно.")
        case .other:
            why = "причину указал сотрудник абонентского отдела"
            (next, nextShort) = ("Если нужно, передайте показание еще раз в разделе «Приборы учета» личного кабинета «Мой газ».", "")
        }
        let words = (message?.trimmingCharacters(in: .whitespacesAndNewlines)).flatMap { $0.isEmpty ? nil : $0 }
        var body = ["Показание прибора учета № \(item.serial) — \(item.value) м³ от \(date) — по лицевому счету \(item.account) не принято: \(why)."]
        if let words { body.append(reason == .other ? Notify.sentence(words) : "Комментарий сотрудника: " + Notify.sentence(words)) }
        body += ["", next]
        let head = "Показание \(item.value) по ЛС \(item.account) не принято: " + (reason == .other ? "" : why + ".")
        return Notify.Notice(
            subject: "Показание по лицевому счету \(item.account) не принято", to: name,
            body: body.joined(separator: "\n"),
            sms: Notify.sms(head: head, words: words, next: nextShort, phone: rgkPhone),
            kind: .readingRejected)
    }

    public struct BulkResult: Sendable {
        /// Customers a bulk rejection could not reach: the clerk tells them by hand.
        public var warnings: [Message] = []
        public var decided = 0
        public var skipped = 0
        public var byReason: [ReadingReason: Int] = [:]
        /// A dry run's plan: the readings by RGK code; for a rejection, the customers it would
        /// reach by a message and those the clerk would have to tell by hand.
        public var byRGK: [(rgk: String, count: Int)] = []
        public var reachable = 0
        public var unreachable = 0

        /// Two RGKs' results as one (a bulk decision of an operator of several RGKs).
        mutating func add(_ other: BulkResult) {
            warnings += other.warnings; decided += other.decided; skipped += other.skipped
            for (reason, n) in other.byReason { byReason[reason, default: 0] += n }
            byRGK += other.byRGK; reachable += other.reachable; unreachable += other.unreachable
        }
    }

    /// A bulk decision over the operator's RGKs: `--rgk` of hers (exit 7 for another's), else
    /// each of hers in turn, else every RGK at once (`Session.rgks`).
    static func overScope(_ session: Session, rgk: String?, _ decide: (String?) throws -> BulkResult) throws -> BulkResult {
        var result = BulkResult()
        for one in try session.rgks(rgk) { result.add(try decide(one)) }
        return result
    }

    /// What a bulk decision on these readings would touch: their RGKs and, for a rejection, whom
    /// it would reach by the contact rule.
    static func plan(_ db: any Storage, _ ids: [Int64], into result: inout BulkResult, telling: Bool) throws {
        result.byRGK = try db.query("""
            SELECT g.code, count(*) AS n FROM reading r JOIN rgk g ON g.id = r.rgk_id WHERE \(db.sql.isIn("r.id")) GROUP BY g.code ORDER BY g.code
            """, SQLList(ids)).map { try ($0.string("code"), $0.int("n")) }
        guard telling else { return }
        for row in try db.query("""
            SELECT u.email, coalesce(u.phone, a.phone) AS phone FROM reading r JOIN meter m ON m.id = r.meter_id JOIN account a ON a.id = m.account_id
            LEFT JOIN portal_user u ON u.id = r.user_id AND u.status <> 'deleted' WHERE \(db.sql.isIn("r.id"))
            """, SQLList(ids)) {
            if Notify.Reach(email: try row.optString("email"), phone: try row.optString("phone")).canBeSent {
                result.reachable += 1
            } else {
                result.unreachable += 1
            }
        }
    }

    /// Accepts every pending reading that breaks no rule. The rules are judged for the whole
    /// queue first; then the valid ones are accepted in parts, each its own short write
    /// transaction (the portal keeps writing meanwhile). A reading whose meter got a decision
    /// after it was judged is judged again inside the part's transaction, and a reading someone
    /// else decided meanwhile is left as they decided it (skipped).
    public static func acceptAllValid(_ session: Session, rgk: String?, dryRun: Bool,
                                      progress: (Int) -> Void = { _ in }) throws -> BulkResult {
        try overScope(session, rgk: rgk) { try acceptAllValid(inOne: session, rgk: $0, dryRun: dryRun, progress: progress) }
    }

    static func acceptAllValid(inOne session: Session, rgk: String?, dryRun: Bool, progress: (Int) -> Void) throws -> BulkResult {
        let db = session.db
        let rgkID = try rgk.map { try RGK.id(db, $0) }
        let judged = try judgeQueue(db, rgkID: rgkID, now: session.now)
        var result = BulkResult()
        result.skipped = judged.filter { !$0.verdict.isValid }.count
        // in id order: a batch then touches neighbouring rows, not pages all over the table
        let valid = judged.filter { $0.verdict.isValid }.map(\.id).sorted()
        if dryRun {
            result.decided = valid.count
            try plan(db, valid, into: &result, telling: false)
            return result
        }
        var staleMeters: Set<Int64> = []
        var judgedInPart = -1
        try decideInParts(session, "reading accept --all-valid", valid.count) { range, part in
            var ids = Array(valid[range])
            try holdMeters(ofReadings: ids, db)
            // nothing changes inside a part (one write transaction, the meters held): what others
            // decided since the queue was judged is looked up once in each
            if judgedInPart != part {
                judgedInPart = part
                staleMeters = try metersChanged(since: judged.since, db, by: session.login)
            }
            if !staleMeters.isEmpty {
                let stale = try db.query("""
                    SELECT id FROM reading WHERE \(db.sql.isIn("id")) AND \(db.sql.isIn("meter_id"))
                    """, SQLList(ids), SQLList(staleMeters)).map { try $0.int64("id") }
                let again = stale.isEmpty ? [] : try judge(db, readingIDs: stale)
                let nowInvalid = Set(again.filter { !$0.verdict.isValid }.map(\.id))
                ids.removeAll { nowInvalid.contains($0) }
                result.skipped += nowInvalid.count
            }
            // the bulk form of the one rule (`Decision`): only what is still pending is accepted
            let accepted = try db.query("""
                UPDATE reading SET status = 'accepted', decided_at = ?, decided_by = ?
                WHERE \(db.sql.isIn("id")) AND status = 'pending' RETURNING id
                """, session.now, session.login, SQLList(ids)).map { try $0.int64("id") }
            try session.audit("reading.accept", .reading, ids: accepted, old: "pending", new: "accepted")
            result.decided += accepted.count
            result.skipped += ids.count - accepted.count
            progress(result.decided + result.skipped)
        }
        return result
    }

    /// Rejects every pending reading that breaks a rule, with the code of the first rule broken.
    public static func rejectAllInvalid(_ session: Session, rgk: String?, dryRun: Bool,
                                        progress: (Int) -> Void = { _ in }) throws -> BulkResult {
        try overScope(session, rgk: rgk) { try rejectAllInvalid(inOne: session, rgk: $0, dryRun: dryRun, progress: progress) }
    }

    static func rejectAllInvalid(inOne session: Session, rgk: String?, dryRun: Bool, progress: (Int) -> Void) throws -> BulkResult {
        let db = session.db
        let rgkID = try rgk.map { try RGK.id(db, $0) }
        let judged = try judgeQueue(db, rgkID: rgkID, now: session.now)
        var result = BulkResult()
        result.skipped = judged.filter { $0.verdict.isValid }.count
        let invalid = judged.filter { !$0.verdict.isValid }.sorted { $0.id < $1.id }
        if dryRun {
            for item in invalid { result.byReason[item.verdict.firstViolation!, default: 0] += 1 }
            result.decided = invalid.count
            try plan(db, invalid.map(\.id), into: &result, telling: true)
            return result
        }
        try decideInParts(session, "reading reject --all-invalid", invalid.count) { range, _ in
            try holdMeters(ofReadings: invalid[range].map(\.id), db)
            for item in invalid[range] {
                // judged again here: the customer is told the reason, so it must be right now
                let now = try find(db, item.id)
                guard now.status == .pending, let reason = now.verdict.firstViolation else {
                    result.skipped += 1
                    continue
                }
                if let warning = try markRejected(session, now, reason: reason, message: nil).warning { result.warnings.append(warning) }
                result.decided += 1
                result.byReason[reason, default: 0] += 1
            }
            progress(result.decided + result.skipped)
        }
        return result
    }

    /// Readings decided by one statement at most on SQLite; fewer when they take longer than
    /// `ChunkedWrite.secondsPerStatement`. The write lock is let go every 0.1 s (`writeInParts`).
    static let mostPerStatement = 4096

    /// Readings decided by one write transaction at most on a server.
    static let mostPerTransaction = 5000

    /// A bulk decision on `count` items, a part at a time: `decide(range, part)` is called inside
    /// the part's write transaction, `part` numbering the transactions. SQLite, whose one writer
    /// the portal waits for, writes in time-boxed parts (`writeInParts`); a server has no global
    /// write lock and takes plain write transactions of at most `mostPerTransaction` items.
    static func decideInParts(_ session: Session, _ command: String, _ count: Int,
                              _ decide: (Range<Int>, _ part: Int) throws -> Void) throws {
        guard session.db.sql.engine != .sqlite else {
            try session.sqlite(for: command).writeInParts(secondsPerCheckpoint: 0) { parts in
                try parts.writeRanges(0..<count, first: 64, most: Self.mostPerStatement) { range in try decide(range, parts.commits) }
            }
            return
        }
        for (part, start) in stride(from: 0, to: count, by: mostPerTransaction).enumerated() {
            try session.db.write { try decide(start..<min(start + mostPerTransaction, count), part) }
        }
    }

    static func jsonArray(_ ids: [Int64]) -> String { "[" + ids.map(String.init).joined(separator: ",") + "]" }

    struct Judged {
        let items: [(id: Int64, verdict: ReadingVerdict)]
        /// When the judging began, and the last reading id then: later decisions are re-judged.
        let since: (at: String, lastID: Int64)
        func filter(_ f: ((id: Int64, verdict: ReadingVerdict)) -> Bool) -> [(id: Int64, verdict: ReadingVerdict)] { items.filter(f) }
    }

    /// Judges every pending reading (of an RGK). The meters and their last accepted readings
    /// are looked up in meter order, so that each page of those tables is read once.
    static func judgeQueue(_ db: any Storage, rgkID: Int64?, now: String) throws -> Judged {
        try db.read {
            let since = (at: now,
                         lastID: Int64(try db.scalarInt("SELECT coalesce(max(id), 0) FROM reading") ?? 0))
            var pending: [(id: Int64, meterID: Int64, value: Int64, date: String, rgkID: Int64)] = []
            try db.eachRow("""
                SELECT id, meter_id, value, reading_date, rgk_id FROM reading
                WHERE status = 'pending' AND (CAST(? AS BIGINT) IS NULL OR rgk_id = ?)
                """, arguments: [rgkID, rgkID]) { r in
                pending.append(try (r.int64("id"), r.int64("meter_id"), r.int64("value"), r.string("reading_date"), r.int64("rgk_id")))
            }
            pending.sort { $0.meterID < $1.meterID }
            var items: [(id: Int64, verdict: ReadingVerdict)] = []
            items.reserveCapacity(pending.count)
            for p in pending {
                items.append((p.id, try verdict(db, readingID: p.id, meterID: p.meterID, rgkID: p.rgkID, value: p.value, date: p.date)))
            }
            return Judged(items: items, since: since)
        }
    }

    static func judge(_ db: any Storage, readingIDs: [Int64]) throws -> [(id: Int64, verdict: ReadingVerdict)] {
        try readingIDs.compactMap { id in
            guard let r = try db.queryOne("SELECT meter_id, value, reading_date, rgk_id FROM reading WHERE id = ?", id) else { return nil }
            return (id, try verdict(db, readingID: id, meterID: r.int64("meter_id"), rgkID: r.int64("rgk_id"), value: r.int64("value"),
                                    date: r.string("reading_date")))
        }
    }

    /// The verdict for one reading; its meter and previous accepted reading by key lookups.
    static func verdict(_ db: any Storage, readingID: Int64?, meterID: Int64, rgkID: Int64, value: Int64, date: String) throws -> ReadingVerdict {
        var facts = ReadingFacts(value: value, date: Day(iso: date) ?? Day(daysSinceEpoch: 0), digits: 0, previousValue: nil,
                                 previousDate: nil, maxMonthly: 0, nextVerification: nil, meterState: .working)
        if let m = try db.queryOne("""
            SELECT m.digits, m.state, m.next_verification, coalesce(m.max_monthly_m3, (SELECT max_monthly_m3 FROM rgk WHERE id = ?)) AS max_monthly
            FROM meter m WHERE m.id = ?
            """, rgkID, meterID) {
            facts.digits = try m.int("digits")
            facts.meterState = MeterState(rawValue: try m.string("state")) ?? .working
            facts.nextVerification = try m.optString("next_verification").flatMap(Day.init(iso:))
            facts.maxMonthly = try m.optInt64("max_monthly") ?? 0
        }
        if let previous = try previousAccepted(db, meterID: meterID, excluding: readingID) {
            facts.previousValue = previous.value
            facts.previousDate = previous.date
        }
        return ReadingRules.check(facts)
    }

    /// The newest accepted reading of a meter (other than `readingID`): what a new or pending
    /// reading is compared with (the same as `previousAcceptedSQL` for a pending one).
    public static func previousAccepted(_ db: any Storage, meterID: Int64, excluding readingID: Int64? = nil) throws -> (value: Int64, date: Day)? {
        try db.queryOne("""
            SELECT value, reading_date FROM reading WHERE meter_id = ? AND status = 'accepted' AND (CAST(? AS BIGINT) IS NULL OR id <> ?)
            ORDER BY reading_date DESC, id DESC LIMIT 1
            """, meterID, readingID, readingID).flatMap { row in try Day(iso: row.string("reading_date")).map { (try row.int64("value"), $0) } }
    }

    /// The meters that got an accepted reading from someone else (another clerk, an RGK import)
    /// after the queue was judged.
    static func metersChanged(since: (at: String, lastID: Int64), _ db: any Storage, by login: String) throws -> Set<Int64> {
        Set(try db.query("""
            SELECT meter_id FROM reading WHERE source <> 'rgk' AND status <> 'pending' AND decided_at >= ?
                AND status = 'accepted' AND decided_by <> ?
            UNION SELECT meter_id FROM reading WHERE id > ? AND status = 'accepted'
            """, since.at, login, since.lastID).map { try $0.int64("meter_id") })
    }

    /// A reading given by phone: checked at once and refused (exit 6) if it breaks a rule.
    public static func submit(_ session: Session, account: AccountRef, serial: String, value: Int64, date: Day,
                              accept: Bool) throws -> (id: Int64, verdict: ReadingVerdict) {
        guard date <= session.clock.today else { throw MyGazError.invalid(.readingInFuture, .text(date.russian)) }
        return try session.db.write {
            guard let meter = try Meters.find(session.db, accountID: account.id, serial: serial) else {
                throw MyGazError.notFound(.meter, "\(serial) (\(account.label))")
            }
            // judged and written with the meter held: a decision on the meter's pending reading waits
            try holdMeters(session.db, "SELECT CAST(? AS BIGINT)", meter.id)
            let verdict = try self.verdict(session.db, readingID: nil, meterID: meter.id, rgkID: account.rgkID, value: value, date: date.iso)
            if verdict.firstViolation != nil {
                throw MyGazError.invalid(.readingRefused, .text(String(value)), .allOf(.readingReason, verdict.violations.map(\.rawValue)))
            }
            let id = try session.db.insert("""
                INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at, decided_at, decided_by)
                VALUES (?, ?, ?, 'phone', ?, ?, ?, ?)
                """, meter.id, value, date.iso, accept ? "accepted" : "pending", session.now,
                accept ? session.now : nil, accept ? session.login : nil)
            try session.audit("reading.submit", .reading, id, new: accept ? "accepted" : "pending",
                              note: AuditNote(.readingByPhone, ["value": .int(value), "date": .text(date.iso), "serial": .text(serial),
                                                                 "account": .text(account.label)]))
            return (id, verdict)
        }
    }
}
