/// The sizes of the queues `status` shows, kept by triggers in the schema (table
/// `queue_count`): every writer, the portal included, keeps them true by writing the rows
/// themselves, and `status` reads a few rows instead of counting millions. One definition per
/// queue makes the triggers, the first count (the migration), the check (`db check`) and the
/// recount (`db recount`).
public enum QueueCounters {
    public struct Counter: Sendable {
        /// the queue's name in `queue_count`: a constant, or (by status) an expression of the row
        let queue: String
        let table: String
        /// whether a row is in the queue, for a row named `X`
        let member: String
        /// the row's RGK (0 where it has none), for a row named `X`
        let rgk: String
        /// the columns whose change may move a row in or out, or to another RGK
        let columns: [String]
        /// the moment a row was registered, whose hour it is counted under (`due_count`, version
        /// 20), for a row named `X`; nil: the counter is `queue_count`'s
        var registered: String? = nil
        /// the hour a row is counted under (`2026-11-15T08:20:00Z` → `2026-11-15T08`)
        var hour: String? { registered.map { "substr(\($0), 1, 13)" } }
        /// the schema version that made the counter as it is defined now (an earlier step that would
        /// make it again leaves it to that one: `remade(_:at:)`); nil: its table's (`queue_count` 4,
        /// `due_count` 20)
        var since: Int? = nil
        /// the other tables whose rows its membership reads (a bulk load of them counts it anew)
        var reads: [String] = []
        /// on PostgreSQL, the rows of those tables its membership reads, for a row named `X`: locked
        /// (FOR SHARE) before they are read, so that a writer of them at once waits for this change
        /// and counts after it, not beside it
        var locks: String? = nil

        func on(_ row: String, _ sql: String) -> String { sql.replacingOccurrences(of: "X.", with: "\(row).") }

        /// The table that keeps the counts, and its key's columns.
        var keptIn: String { hour == nil ? "queue_count" : "due_count" }
        var key: [String] { hour == nil ? ["queue", "rgk_id"] : ["queue", "rgk_id", "hour"] }
        /// The key's values for a row named `X`.
        func keyValues(_ row: String) -> [String] { [on(row, queue), on(row, rgk)] + (hour.map { [on(row, $0)] } ?? []) }
        /// The key's condition for a row named `X`.
        func keyMatch(_ row: String) -> String { zip(key, keyValues(row)).map { "\($0) = \($1)" }.joined(separator: " AND ") }
        /// `due_count`'s row of the whole queue of the RGK of a row named `X` (version 27), and its condition.
        func wholeKeyValues(_ row: String) -> [String] { [on(row, queue), on(row, rgk), QueueCounters.wholeQueue] }
        /// The kept rows a row named `X` counts in, each by its key's values: a counter of
        /// `due_count` keeps the whole queue's row, then its hour's — the whole first, so that every
        /// writer of the queue waits there before it holds an hour's row another may want.
        func keptRows(_ row: String) -> [[String]] { hour == nil ? [keyValues(row)] : [wholeKeyValues(row), keyValues(row)] }
    }

    /// The `hour` of `due_count`'s row that counts a queue's items of an RGK whatever their hour
    /// (version 27): '*' comes before every hour (and no registration's first 13 characters are
    /// it, where an empty moment written by a careless writer would be ''). How many were registered before a moment is that
    /// row less those of the hours since (`dueTallies`): the hours of the last weeks read, not every
    /// hour of the queue (7 700 rows of the applications in work at 5M accounts).
    static let wholeQueue = "'*'"

    public static let counters: [Counter] = [
        Counter(queue: "'readings_pending'", table: "reading", member: "X.status = 'pending'", rgk: "coalesce(X.rgk_id, 0)",
                columns: ["status", "rgk_id"]),
        Counter(queue: "'applications_open'", table: "application", member: "(X.status = 'submitted' OR X.status = 'needs_info')",
                rgk: "X.rgk_id", columns: ["status", "rgk_id"]),
        // per RGK from version 22 (before it, the portal's whole under RGK 0): a clerk of some RGKs
        // has her applications by state from a few rows too
        Counter(queue: "'application_' || X.status", table: "application", member: "X.status <> 'draft'", rgk: "X.rgk_id",
                columns: ["status", "rgk_id"]),
        Counter(queue: "'tickets_open'", table: "ticket",
                member: "(X.status = 'new' OR (X.status = 'answered' AND X.last_customer_at > coalesce(X.last_operator_at, '')))",
                rgk: "coalesce(X.rgk_id, 0)", columns: ["status", "last_customer_at", "last_operator_at", "rgk_id"]),
        Counter(queue: "'pin_requests_open'", table: "pin_request", member: "X.status = 'open'",
                rgk: "coalesce((SELECT a.rgk_id FROM account a WHERE a.id = X.account_id), 0)", columns: ["status", "account_id"]),
        Counter(queue: "'users_unconfirmed'", table: "portal_user", member: "X.status = 'pending'", rgk: "0", columns: ["status"]),
        Counter(queue: "'outbox_waiting'", table: "outbox", member: "(X.status = 'waiting' OR X.status = 'sending')", rgk: "0", columns: ["status"]),
        Counter(queue: "'outbox_failed'", table: "outbox", member: "X.status = 'failed'", rgk: "0", columns: ["status"]),
        // by the day paid and the RGK (from version 17; before it, the portal's whole under RGK 0):
        // "stuck longer than N days" is a sum over a few hundred days, whatever the date, for the
        // operator's RGKs alone as well
        Counter(queue: "'payment_processing_' || X.paid_on", table: "payment", member: "X.state = 'processing'", rgk: "X.rgk_id",
                columns: ["state", "paid_on", "rgk_id"]),
        // by the hour registered (`due_count`, from version 20): how many of an RGK's items are due
        // by a day is a sum over the hours before the day's moment (`DueBoard`), whatever the queue's
        // length; an hour's row goes when its last item leaves
        Counter(queue: "'reading_pending'", table: "reading", member: "X.status = 'pending'", rgk: "coalesce(X.rgk_id, 0)",
                columns: ["status", "rgk_id", "submitted_at"], registered: "X.submitted_at"),
        Counter(queue: "'application_' || X.kind", table: "application",
                member: "(X.status = 'submitted' OR X.status = 'accepted') AND X.submitted_at IS NOT NULL", rgk: "X.rgk_id",
                columns: ["status", "kind", "rgk_id", "submitted_at"], registered: "X.submitted_at"),
        // the tickets waiting whose clock simply runs (version 23; from 21 to 22 the new ones no
        // operator had written to; the support channel's under 0), by the hour it started
        // (`TicketClock`): the registration, or the customer's first message after an answer; the
        // rest (a question asked, an extension) are read one by one; per kind of request from
        // version 28 (`PersonalDataRequest.dueQueue`: `ticket_0`, `ticket_1`, `ticket_1_correction`, …)
        Counter(queue: "'ticket_' || X.personal_data || CASE WHEN X.personal_data = 1 THEN coalesce('_' || X.personal_data_kind, '') ELSE '' END",
                table: "ticket",
                member: "(X.status = 'new' OR (X.status = 'answered' AND X.last_customer_at > coalesce(X.last_operator_at, ''))) AND X.clock_state = 0 AND X.extended_at IS NULL",
                rgk: "coalesce(X.rgk_id, 0)",
                columns: ["status", "last_customer_at", "last_operator_at", "extended_at", "personal_data", "personal_data_kind", "rgk_id",
                          "created_at", "clock_state", "clock_from"],
                registered: "coalesce(X.clock_from, X.created_at)", since: 28),
        // the links of the users not yet confirmed (from version 22; the portal links accounts after
        // the confirmation, so there are none as a rule): while there are none, every unconfirmed
        // user is linked nowhere and so every RGK's, and a clerk of some RGKs has them all counted
        // without a look at each (`Dashboard`). A user's confirmation or deletion moves her links
        // out (`unconfirmedLinksFollowTheirUser`).
        Counter(queue: "'links_unconfirmed'", table: "user_account",
                member: "EXISTS (SELECT 1 FROM portal_user u WHERE u.id = X.user_id AND u.status = 'pending')", rgk: "0",
                columns: ["user_id"], since: 22, reads: ["portal_user"], locks: "portal_user u WHERE u.id = X.user_id"),
    ]

    /// The counters of `queue_count` (version 4 and later) and those of `due_count` (version 20).
    static var queueCounts: [Int] { counters.indices.filter { counters[$0].hour == nil } }
    static var dueCounts: [Int] { counters.indices.filter { counters[$0].hour != nil } }

    /// The counter of the payments in processing, which version 17 keeps per RGK.
    static var processingPaymentsCounter: Int { counters.firstIndex { $0.table == "payment" }! }

    /// The payments in processing since `day` or before, of the RGKs `scope` (nil: every RGK): a
    /// sum of the per-day counts.
    static func processingPayments(_ db: any Storage, paidOnOrBefore day: String, scope: [Int64]? = nil) throws -> Int {
        let c = ScopeCondition.rgk(db, "rgk_id", in: scope)
        return try db.queryOne("""
            SELECT coalesce(sum(count), 0) AS payments FROM queue_count WHERE queue >= 'payment_processing_' AND queue <= ? AND \(c.sql)
            """, arguments: ["payment_processing_" + day] + c.arguments)?.int("payments") ?? 0
    }

    /// The table, its triggers and the first count (schema version 4).
    static var schema: String {
        var sql = """
            CREATE TABLE queue_count (
                queue  TEXT NOT NULL,
                rgk_id INTEGER NOT NULL,
                count  INTEGER NOT NULL,
                PRIMARY KEY (queue, rgk_id)
            ) STRICT, WITHOUT ROWID;

            """
        for n in queueCounts where counters[n].since == nil { sql += triggers(n) + recount(counters[n]) + "\n\n" }
        return sql
    }

    /// The counter of the applications by state, which version 22 keeps per RGK.
    static var applicationsByStatus: Int { counters.firstIndex { $0.queue == "'application_' || X.status" }! }

    /// The counter of the unconfirmed users' links, which version 22 keeps.
    static var unconfirmedLinks: Int { counters.firstIndex { $0.table == "user_account" }! }

    /// A user's links leave the count when she is confirmed (or blocked, or erased) and come back
    /// if she is ever pending again; deleted, she takes them out before her links go with her (a
    /// link deleted after its user is no pending user's).
    static var unconfirmedLinksFollowTheirUser: String {
        let move = { (row: String, sign: String) in
            """
            INSERT INTO queue_count (queue, rgk_id, count)
                    SELECT 'links_unconfirmed', 0, \(sign)(SELECT count(*) FROM user_account l WHERE l.user_id = \(row).id)
                    WHERE EXISTS (SELECT 1 FROM user_account l WHERE l.user_id = \(row).id)
                    ON CONFLICT (queue, rgk_id) DO UPDATE SET count = count + excluded.count;
            """
        }
        return """
            CREATE TRIGGER links_unconfirmed_user_status AFTER UPDATE OF status ON portal_user
            WHEN (OLD.status = 'pending') <> (NEW.status = 'pending')
            BEGIN
                \(move("NEW", "CASE WHEN NEW.status = 'pending' THEN 1 ELSE -1 END * "))
            END;
            CREATE TRIGGER links_unconfirmed_user_delete BEFORE DELETE ON portal_user WHEN OLD.status = 'pending'
            BEGIN
                \(move("OLD", "-"))
            END;
            """
    }

    /// `due_count`, its triggers and the first count (schema version 20), and the counters of a
    /// later version (`since`), made with their first count.
    static func dueSchema(version: Int) -> String {
        var sql = version > 20 ? "" : """
            CREATE TABLE due_count (
                queue  TEXT NOT NULL,
                rgk_id INTEGER NOT NULL,
                hour   TEXT NOT NULL,
                count  INTEGER NOT NULL,
                PRIMARY KEY (queue, rgk_id, hour)
            ) STRICT, WITHOUT ROWID;

            """
        for n in dueCounts where (counters[n].since ?? 20) == version { sql += triggers(n) + recount(counters[n]) + "\n\n" }
        return sql
    }

    /// The triggers of the counter `n` (by their names, `queue_count_<n+1>_<table>_…`).
    static func triggers(_ n: Int) -> String {
        let c = counters[n]
        let name = "queue_count_\(n + 1)_\(c.table)"
        let rows = { (row: String) in c.keptRows(row) }
        let add = { (row: String) in
            rows(row).map { values in
                """
                INSERT INTO \(c.keptIn) (\(c.key.joined(separator: ", ")), count) SELECT \(values.joined(separator: ", ")), 1 WHERE \(c.on(row, c.member))
                        ON CONFLICT (\(c.key.joined(separator: ", "))) DO UPDATE SET count = count + 1;
                """
            }.joined(separator: "\n        ")
        }
        let remove = { (row: String) in
            rows(row).map { values in
                let match = zip(c.key, values).map { "\($0) = \($1)" }.joined(separator: " AND ")
                return """
                UPDATE \(c.keptIn) SET count = count - 1 WHERE \(match) AND \(c.on(row, c.member));
                        \(c.hour == nil ? "" : "DELETE FROM due_count WHERE \(match) AND count = 0;")
                """
            }.joined(separator: "\n        ")
        }
        return """
        CREATE TRIGGER \(name)_insert AFTER INSERT ON \(c.table) WHEN \(c.on("NEW", c.member))
        BEGIN
            \(add("NEW"))
        END;
        CREATE TRIGGER \(name)_delete AFTER DELETE ON \(c.table) WHEN \(c.on("OLD", c.member))
        BEGIN
            \(remove("OLD"))
        END;
        CREATE TRIGGER \(name)_update AFTER UPDATE OF \(c.columns.joined(separator: ", ")) ON \(c.table)
        WHEN \(c.on("OLD", c.member)) OR \(c.on("NEW", c.member))
        BEGIN
            \(remove("OLD"))
            \(add("NEW"))
        END;
        """
    }

    /// The triggers that count the rows of `table`, made again when a migration rebuilds it.
    static func triggers(on table: String) -> String {
        counters.indices.filter { counters[$0].table == table }.map { triggers($0) + "\n" }.joined()
    }

    /// The counter `n` made again by the schema step to `version`: nothing where a later step makes
    /// it as it is now (`Counter.since`: its definition reads columns that step adds).
    static func remade(_ n: Int, at version: Int) -> String { (counters[n].since ?? 0) > version ? "" : remade(n) }

    /// The counter `n` made again as it is defined now: its triggers replaced, its rows counted anew
    /// (a migration that changes its definition). `queue_count`'s rows of the queue are found by
    /// the queue's name up to its first `'`-quoted part.
    static func remade(_ n: Int) -> String {
        let c = counters[n], name = "queue_count_\(n + 1)_\(c.table)"
        return """
            DROP TRIGGER IF EXISTS \(name)_insert;
            DROP TRIGGER IF EXISTS \(name)_delete;
            DROP TRIGGER IF EXISTS \(name)_update;
            \(triggers(n))
            \(forgotten(c))
            \(recount(c))
            """
    }

    /// Deletes the kept counts of the queue `c` (every name it gives: by its constant first part).
    static func forgotten(_ c: Counter) -> String {
        let stem = c.queue.split(separator: "'", omittingEmptySubsequences: false)[1]
        return "DELETE FROM \(c.keptIn) WHERE queue >= '\(stem)' AND queue < '\(stem)\u{10FFFF}';"
    }

    /// Counts the queue anew into `queue_count` (or `due_count`: its hours and its whole, one statement).
    static func recount(_ c: Counter) -> String {
        let key = c.key.joined(separator: ", ")
        return """
        INSERT INTO \(c.keptIn) (\(key), count)
            SELECT * FROM (\(counted(c).joined(separator: " UNION ALL "))) AS counted WHERE true
            ON CONFLICT (\(key)) DO UPDATE SET count = excluded.count;
        """
    }

    /// The SELECTs that count the queue of `c` from its table as its kept rows hold it: (queue,
    /// RGK, [hour,] count) — for a counter of `due_count` its hours', then its whole queue's.
    static func counted(_ c: Counter) -> [String] {
        let by = { (values: [String], columns: Int) in
            "SELECT \(values.joined(separator: ", ")), count(*) AS counted FROM \(c.table) t WHERE \(c.on("t", c.member)) GROUP BY \((1...columns).map(String.init).joined(separator: ", "))"
        }
        let named = { (values: [String]) in zip(values, ["queue", "rgk_id", "hour"]).map { "\($0) AS \($1)" } }
        return c.hour == nil ? [by(named(c.keyValues("t")), 2)] : [by(named(c.keyValues("t")), 3), by(named(c.wholeKeyValues("t")), 2)]
    }

    /// Where a counter and its table disagree: (queue, RGK id, kept, counted), read in one snapshot.
    public static func differences(_ db: any Storage) throws -> [(queue: String, rgk: Int64, kept: Int, counted: Int)] {
        try db.read { try differencesNow(db) }
    }

    private static func differencesNow(_ db: any Storage) throws -> [(queue: String, rgk: Int64, kept: Int, counted: Int)] {
        var found: [(String, Int64, Int, Int)] = []
        // a count of `due_count` is named by its queue and hour («reading_pending 2026-11-15T08»)
        func name(_ row: Row, _ c: Counter) throws -> String {
            try c.hour == nil ? row.string("queue") : "\(row.string("queue")) \(row.string("hour"))"
        }
        for table in ["queue_count", "due_count"] {
            let mine = counters.filter { $0.keptIn == table }
            var kept: [String: Int] = [:]
            for row in try db.query("SELECT \(mine[0].key.joined(separator: ", ")), count FROM \(table)") {
                kept[try "\(name(row, mine[0]))\u{0}\(row.int64("rgk_id"))"] = try row.int("count")
            }
            var seen = Set<String>()
            for c in mine {
                for row in try db.query(counted(c).joined(separator: " UNION ALL ")) {
                    let (queue, rgk, counted) = try (name(row, c), row.int64("rgk_id"), row.int("counted"))
                    let key = "\(queue)\u{0}\(rgk)"
                    seen.insert(key)
                    if kept[key] != counted { found.append((queue, rgk, kept[key] ?? 0, counted)) }
                }
            }
            for (key, count) in kept where !seen.contains(key) && count != 0 {
                let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false)
                found.append((String(parts[0]), Int64(parts[1]) ?? 0, count, 0))
            }
        }
        // the mark of the applications that waited on the customer (version 22), kept by a trigger
        // as the counts are: one that stepped into needs_info unmarked would lose its pauses in `status`
        let unmarked = try db.scalarInt("SELECT count(*) FROM application WHERE waited = 0 AND \(unmarkedWaited)") ?? 0
        if unmarked > 0 { found.append(("application.waited", 0, 0, unmarked)) }
        // each ticket's clock (version 23), kept by a trigger on its messages
        let clocks = try TicketClock.differences(db).count
        if clocks > 0 { found.append(("ticket.clock", 0, 0, clocks)) }
        return found.sorted { ($0.0, $0.1) < ($1.0, $1.1) }
    }

    /// `db recount`: every counter counted anew, in one transaction. No writer changes a counted
    /// table meanwhile (on PostgreSQL they wait; SQLite lets one writer in), or a change made
    /// while the count is read could be counted twice or lost.
    public static func recountAll(_ session: Session) throws -> Int {
        let db = session.db
        return try db.write {
            if let hold = db.sql.holdingWritersOut(of: counters.map(\.table)) { try db.execute(hold) }
            let wrong = try differencesNow(db).count
            try session.db.execute(TicketClock.recompute())
            try session.db.run("DELETE FROM queue_count")
            try session.db.run("DELETE FROM due_count")
            for c in counters { try session.db.run(recount(c)) }
            try session.db.run("UPDATE application SET waited = 1 WHERE waited = 0 AND \(unmarkedWaited)")
            if wrong > 0 { try session.audit("db.recount", .database, nil, new: String(wrong)) }
            return wrong
        }
    }

    /// A row of `application` (the table named so) that ever stepped into needs_info.
    static let unmarkedWaited = "EXISTS (SELECT 1 FROM application_event e WHERE e.application_id = application.id AND e.to_status = 'needs_info')"

    /// The kept counts: queue → RGK id (0: none) → count.
    static func load(_ db: any Storage) throws -> [String: [Int64: Int]] {
        var out: [String: [Int64: Int]] = [:]
        for row in try db.query("SELECT queue, rgk_id, count FROM queue_count WHERE count <> 0") {
            out[try row.string("queue"), default: [:]][try row.int64("rgk_id")] = try row.int("count")
        }
        return out
    }
}

extension QueueCounters {
    /// A queue of `due_count` (of the counter `counter`) and an RGK, with moments in ascending order.
    struct DueWindow {
        let counter: Int
        let queue: String
        let rgk: Int64
        let cuts: [Int64]
    }

    /// What `due_count` says of a window: how many items were registered before each moment, and
    /// the first registration at or after the earliest (an hour's start: its first item may come
    /// later in the hour, on the same local day where the zone's offset is whole hours).
    struct DueTally: Equatable {
        var before: [Int]
        var next: Int64?
    }

    /// The tallies of the windows (of any of `dueCounts`), in one query of the hours' rows; a
    /// moment inside an hour (a zone whose offset is not whole hours) has the items of that hour
    /// before it counted, and the first of them found, from its counter's table itself.
    static func dueTallies(_ db: any Storage, _ windows: [DueWindow]) throws -> [DueTally] {
        guard let k = windows.first?.cuts.count, !windows.isEmpty else { return [] }
        precondition(windows.allSatisfy { $0.cuts.count == k }, "every window has as many moments")
        func hourStart(_ t: Int64) -> Int64 { Timestamp.floorDiv(t, 3600) * 3600 }
        func hour(_ t: Int64) -> String { String(Timestamp.iso(hourStart(t)).prefix(13)) }
        let columns = (0..<k).map { "c\($0)" }
        // each a range of the key's index: the whole queue's row, the hours since the last moment,
        // the hours between two moments, and the first hour from the first moment on
        let of = "FROM due_count d WHERE d.queue = w.queue AND d.rgk_id = w.rgk_id AND"
        let asked = ["(SELECT d.count \(of) d.hour = \(wholeQueue)) AS whole", "(SELECT sum(d.count) \(of) d.hour >= w.c\(k - 1)) AS since"]
            + (0..<(k - 1)).map { "(SELECT sum(d.count) \(of) d.hour >= w.c\($0) AND d.hour < w.c\($0 + 1)) AS between_\($0)" }
            + ["(SELECT min(d.hour) \(of) d.hour >= w.c0) AS next"]
        let row = "(" + (["CAST(? AS TEXT)", "CAST(? AS BIGINT)"] + columns.map { _ in "CAST(? AS TEXT)" }).joined(separator: ", ") + ")"
        var arguments: [SQLBindable?] = []
        for w in windows { arguments += [w.queue, w.rgk] as [SQLBindable?] + w.cuts.map { hour($0) } }
        var found: [String: DueTally] = [:]
        for r in try db.query("""
            WITH w(queue, rgk_id, \(columns.joined(separator: ", "))) AS (VALUES \(windows.map { _ in row }.joined(separator: ", ")))
            SELECT w.queue, w.rgk_id, \(asked.joined(separator: ", ")) FROM w
            """, arguments: arguments) {
            // before the last moment: the whole less those since; before each earlier one, less those between
            var before = Array(repeating: 0, count: k)
            before[k - 1] = try (r.optInt("whole") ?? 0) - (r.optInt("since") ?? 0)
            for i in stride(from: k - 2, through: 0, by: -1) { before[i] = try before[i + 1] - (r.optInt("between_\(i)") ?? 0) }
            found["\(try r.string("queue"))\u{0}\(try r.int64("rgk_id"))"] = DueTally(
                before: before, next: try r.optString("next").flatMap { Timestamp.parse($0 + ":00:00Z") })
        }
        func table(_ w: DueWindow) -> String {
            let c = counters[w.counter]
            return "\(c.table) t WHERE \(c.on("t", c.member)) AND \(c.on("t", c.queue)) = ? AND " + (w.rgk == 0 ? "t.rgk_id IS NULL" : "t.rgk_id = ?")
        }
        func key(_ w: DueWindow) -> [SQLBindable?] { w.rgk == 0 ? [w.queue] : [w.queue, w.rgk] }
        return try windows.map { w in
            let c = counters[w.counter]
            guard let registered = c.registered else { preconditionFailure("a window of a counter of due_count") }
            let at = c.on("t", registered)
            var tally = found["\(w.queue)\u{0}\(w.rgk)"] ?? DueTally(before: Array(repeating: 0, count: k), next: nil)
            for (i, cut) in w.cuts.enumerated() where cut != hourStart(cut) {
                tally.before[i] += try db.queryOne("SELECT count(*) AS n FROM \(table(w)) AND \(at) >= ? AND \(at) < ?",
                                                   arguments: key(w) + [Timestamp.iso(hourStart(cut)), Timestamp.iso(cut)])?.int("n") ?? 0
            }
            if let first = w.cuts.first, first != hourStart(first), tally.next == hourStart(first) {
                tally.next = try db.queryOne("SELECT min(\(at)) AS at FROM \(table(w)) AND \(at) >= ?", arguments: key(w) + [Timestamp.iso(first)])?
                    .optString("at").flatMap(Timestamp.parse)
            }
            return tally
        }
    }

    /// The counters of `due_count`: the pending readings and the applications in work.
    static var pendingReadingsDue: Int { dueCounts.first { counters[$0].table == "reading" }! }
    static var applicationsInWorkDue: Int { dueCounts.first { counters[$0].table == "application" }! }
    static var unansweredTicketsDue: Int { dueCounts.first { counters[$0].table == "ticket" }! }
}
