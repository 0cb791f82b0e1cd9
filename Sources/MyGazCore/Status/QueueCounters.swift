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

        func on(_ row: String, _ sql: String) -> String { sql.replacingOccurrences(of: "X.", with: "\(row).") }
    }

    public static let counters: [Counter] = [
        Counter(queue: "'readings_pending'", table: "reading", member: "X.status = 'pending'", rgk: "coalesce(X.rgk_id, 0)",
                columns: ["status", "rgk_id"]),
        Counter(queue: "'applications_open'", table: "application", member: "(X.status = 'submitted' OR X.status = 'needs_info')",
                rgk: "X.rgk_id", columns: ["status", "rgk_id"]),
        Counter(queue: "'application_' || X.status", table: "application", member: "X.status <> 'draft'", rgk: "0", columns: ["status"]),
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
    ]

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
        for n in counters.indices { sql += triggers(n) + recount(counters[n]) + "\n\n" }
        return sql
    }

    /// The triggers of the counter `n` (by their names, `queue_count_<n+1>_<table>_…`).
    static func triggers(_ n: Int) -> String {
        let c = counters[n]
        let name = "queue_count_\(n + 1)_\(c.table)"
        let add = { (row: String) in
            """
            INSERT INTO queue_count (queue, rgk_id, count) SELECT \(c.on(row, c.queue)), \(c.on(row, c.rgk)), 1 WHERE \(c.on(row, c.member))
                    ON CONFLICT (queue, rgk_id) DO UPDATE SET count = count + 1;
            """
        }
        let remove = { (row: String) in
            """
            UPDATE queue_count SET count = count - 1
                    WHERE queue = \(c.on(row, c.queue)) AND rgk_id = \(c.on(row, c.rgk)) AND \(c.on(row, c.member));
            """
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
        return "DELETE FROM queue_count WHERE queue >= '\(stem)' AND queue < '\(stem)\u{10FFFF}';"
    }

    /// Counts the queue anew into `queue_count`.
    static func recount(_ c: Counter) -> String {
        """
        INSERT INTO queue_count (queue, rgk_id, count)
            SELECT \(c.on("t", c.queue)), \(c.on("t", c.rgk)), count(*) FROM \(c.table) t WHERE \(c.on("t", c.member)) GROUP BY 1, 2
            ON CONFLICT (queue, rgk_id) DO UPDATE SET count = excluded.count;
        """
    }

    /// Where a counter and its table disagree: (queue, RGK id, kept, counted), read in one snapshot.
    public static func differences(_ db: any Storage) throws -> [(queue: String, rgk: Int64, kept: Int, counted: Int)] {
        try db.read { try differencesNow(db) }
    }

    private static func differencesNow(_ db: any Storage) throws -> [(queue: String, rgk: Int64, kept: Int, counted: Int)] {
        var found: [(String, Int64, Int, Int)] = []
        var kept: [String: Int] = [:]
        for row in try db.query("SELECT queue, rgk_id, count FROM queue_count") {
            kept[try "\(row.string("queue"))\u{0}\(row.int64("rgk_id"))"] = try row.int("count")
        }
        var seen = Set<String>()
        for c in counters {
            for row in try db.query("""
                SELECT \(c.on("t", c.queue)) AS queue, \(c.on("t", c.rgk)) AS rgk_id, count(*) AS counted
                FROM \(c.table) t WHERE \(c.on("t", c.member)) GROUP BY 1, 2
                """) {
                let (queue, rgk, counted) = try (row.string("queue"), row.int64("rgk_id"), row.int("counted"))
                let key = "\(queue)\u{0}\(rgk)"
                seen.insert(key)
                if kept[key] != counted { found.append((queue, rgk, kept[key] ?? 0, counted)) }
            }
        }
        for (key, count) in kept where !seen.contains(key) && count != 0 {
            let parts = key.split(separator: "\u{0}", omittingEmptySubsequences: false)
            found.append((String(parts[0]), Int64(parts[1]) ?? 0, count, 0))
        }
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
            try session.db.run("DELETE FROM queue_count")
            for c in counters { try session.db.run(recount(c)) }
            if wrong > 0 { try session.audit("db.recount", .database, nil, new: String(wrong)) }
            return wrong
        }
    }

    /// The kept counts: queue → RGK id (0: none) → count.
    static func load(_ db: any Storage) throws -> [String: [Int64: Int]] {
        var out: [String: [Int64: Int]] = [:]
        for row in try db.query("SELECT queue, rgk_id, count FROM queue_count WHERE count <> 0") {
            out[try row.string("queue"), default: [:]][try row.int64("rgk_id")] = try row.int("count")
        }
        return out
    }
}
