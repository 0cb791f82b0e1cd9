/// The queue dashboard (`status`): what waits for the back office, per RGK.
public struct Dashboard: Sendable {
    public struct Queue: Sendable {
        public let key: String
        public internal(set) var count: Int
        public internal(set) var oldest: String?
    }
    public struct PerRGK: Sendable {
        public let code: String
        public let name: String
        public var pendingReadings = 0
        public var openApplications = 0
        public var openTickets = 0
        public var openPinRequests = 0
    }
    public struct LastImport: Sendable {
        public let id: Int64
        public let rgk: String?
        public let kind: String
        public let status: String      // completed, failed, running, incomplete
        public let startedAt: String
        public let fileName: String
        public let rowsRead: Int
    }

    public var queues: [Queue] = []
    public var applicationsByStatus: [(String, Int)] = []
    public var perRGK: [PerRGK] = []
    public var imports: [LastImport] = []
    /// The payment.stuck_days setting the stuck payments were counted by (a payment in
    /// processing paid that many days ago or earlier).
    public var paymentStuckDays = 0

    public func count(_ key: String) -> Int { queues.first { $0.key == key }?.count ?? 0 }

    /// The queue of the messages waiting for a channel `outbox send` cannot use as this machine
    /// is set up (`Delivery.channelsNotSetUp`).
    public static func waitingForChannel(_ channel: MessageChannel) -> String { "outbox_waiting_no_\(channel.rawValue)" }

    /// `today` dates the payments stuck in processing (longer than the payment.stuck_days setting).
    /// `notSetUp`: the channels with nothing to send them here; the messages waiting for each are
    /// a queue of their own when there are any.
    /// `scope`: the operator's RGK ids (`Session.rgkScope`), nil = every RGK: an operator of some
    /// RGKs sees only theirs counted (and the portal-wide support channel's tickets and messages,
    /// as her lists show them), each oldest among hers. Counted by the same `ScopeCondition` the
    /// lists use; the kept counters serve every queue that has them per RGK.
    public static func load(_ db: any Storage, today: Day, notSetUp: [MessageChannel] = [], scope: [Int64]? = nil) throws -> Dashboard {
        try db.read {
            var d = Dashboard()
            var byID: [Int64: PerRGK] = [:]
            var order: [Int64] = []
            for row in try db.query("SELECT id, code, name FROM rgk ORDER BY code") {
                let id = try row.int64("id")
                if let scope, !scope.contains(id) { continue }
                byID[id] = try PerRGK(code: row.string("code"), name: row.string("name"))
                order.append(id)
            }
            // the sizes are kept by the schema's triggers (QueueCounters); each oldest is the first
            // entry of an index: nothing here grows with the region
            let counts = try QueueCounters.load(db)
            /// The queue's rows of the operator's RGKs, said by the one rule (nil: she works every RGK).
            func inScope(_ shape: ScopeCondition.Shape, _ column: String) -> ScopeCondition? {
                scope == nil ? nil : ScopeCondition.of(db, shape, column, in: scope)
            }
            // each queue's oldest entry, asked of all the queues at once at the end (one statement,
            // not one a queue: on PostgreSQL every statement costs a round trip)
            var oldestAsked: [(queue: Int, sql: String, arguments: [SQLBindable?])] = []
            func oldest(_ queries: [String], _ c: ScopeCondition? = nil, for queue: Int) {
                for sql in queries { oldestAsked.append((queue, "(" + sql + (c.map { " AND \($0.sql)" } ?? "") + ")", c?.arguments ?? [])) }
            }
            /// `counted`: the queue's size counted among her RGKs' rows, where the kept counter has
            /// the whole portal's alone.
            func queue(_ key: String, oldest queries: [String], perRGK: WritableKeyPath<PerRGK, Int>? = nil,
                       portalWide: Bool = false, scoped c: ScopeCondition? = nil, counted: Int? = nil) throws {
                var byRGK = counts[key] ?? [:]
                if let scope { byRGK = byRGK.filter { scope.contains($0.key) || (portalWide && $0.key == 0) } }
                if let perRGK { for (id, n) in byRGK { byID[id]?[keyPath: perRGK] = n } }
                let count = counted ?? byRGK.values.reduce(0, +)
                // an empty queue has no oldest: not asked (for a clerk each is a plan under the row policies)
                if count > 0 { oldest(queries, c, for: d.queues.count) }
                d.queues.append(Queue(key: key, count: count, oldest: nil))
            }
            try queue("readings_pending", oldest: ["SELECT min(submitted_at) AS oldest FROM reading WHERE status = 'pending'"], perRGK: \.pendingReadings,
                      scoped: inScope(.rgk, "rgk_id"))
            try queue("applications_open", oldest: ["SELECT min(submitted_at) AS oldest FROM application WHERE status = 'submitted'",
                                                    "SELECT min(submitted_at) AS oldest FROM application WHERE status = 'needs_info'"],
                      perRGK: \.openApplications, scoped: inScope(.rgk, "rgk_id"))
            try queue("tickets_open", oldest: ["SELECT min(created_at) AS oldest FROM ticket WHERE status = 'new'",
                                               "SELECT min(created_at) AS oldest FROM ticket \(db.sql.indexedBy("ticket_reopened")) WHERE status = 'answered' AND last_customer_at > coalesce(last_operator_at, '')"],
                      perRGK: \.openTickets, portalWide: true, scoped: inScope(.rgkOrPortal, "rgk_id"))
            try queue("pin_requests_open", oldest: ["SELECT min(created_at) AS oldest FROM pin_request WHERE status = 'open'"], perRGK: \.openPinRequests,
                      scoped: inScope(.rgk, "(SELECT a.rgk_id FROM account a WHERE a.id = pin_request.account_id)"))
            let unconfirmedOldest = ["SELECT min(registered_at) AS oldest FROM portal_user WHERE status = 'pending'"]
            if scope != nil, counts["links_unconfirmed"]?[0] ?? 0 == 0 {
                // not one of them linked (the portal links accounts after the confirmation): every one
                // is every RGK's
                try queue("users_unconfirmed", oldest: unconfirmedOldest, portalWide: true)
            } else if let scope, let c = inScope(.user, "portal_user.id") {
                // no counter keeps them per RGK: a user is an RGK's through her links
                let (sql, arguments) = db.sql.unconfirmedUsers(c, scope: scope)
                let row = try db.queryOne(sql, arguments: arguments)
                let count = try row?.int("n") ?? 0
                d.queues.append(Queue(key: "users_unconfirmed", count: count, oldest: count == 0 ? nil : try row?.optString("oldest")))
            } else {
                try queue("users_unconfirmed", oldest: unconfirmedOldest)
            }
            // the kept counter holds what waits and what is being sent; a delivery under way (a
            // handful) is counted and shown apart, so that each row's list is what it counted. The
            // messages are counted in one statement (on PostgreSQL each is a round trip and a plan
            // under the row policies): those being sent, those waiting for each channel not set up
            // (the waiting part of the queue's index: as long as the queue, not the table), and for
            // an operator of some RGKs those waiting and failed among hers (the counter has the
            // whole portal's alone)
            let scopedMessages = inScope(.rgkOrPortal, "rgk_id")
            let messages = scopedMessages ?? ScopeCondition.everything
            let statuses = scope == nil ? ["sending"] : ["sending", "waiting", "failed"]
            var columns = statuses.map { "count(*) FILTER (WHERE status = '\($0)') AS n_\($0), min(created_at) FILTER (WHERE status = '\($0)') AS oldest_\($0)" }
            columns += notSetUp.indices.map { "count(*) FILTER (WHERE status = 'waiting' AND channel = ?) AS n_\($0), min(created_at) FILTER (WHERE status = 'waiting' AND channel = ?) AS oldest_\($0)" }
            let channels: [SQLBindable?] = notSetUp.flatMap { [$0.rawValue, $0.rawValue] }
            let waitingFor = notSetUp.isEmpty ? "" : " OR (status = 'waiting' AND channel IN (" + notSetUp.map { _ in "?" }.joined(separator: ", ") + "))"
            let outbox = try db.queryOne("""
                SELECT \(columns.joined(separator: ", ")) FROM outbox
                WHERE (status IN (\(statuses.map { "'\($0)'" }.joined(separator: ", ")))\(waitingFor)) AND \(messages.sql)
                """, arguments: channels + notSetUp.map(\.rawValue) + messages.arguments)
            let sendingCount = try outbox?.int("n_sending") ?? 0
            try queue("outbox_waiting", oldest: ["SELECT min(created_at) AS oldest FROM outbox WHERE status = 'waiting'"],
                      scoped: scopedMessages, counted: scope == nil ? nil : outbox?.int("n_waiting") ?? 0)
            if scope == nil, let last = d.queues.indices.last { d.queues[last].count -= sendingCount }
            if sendingCount > 0 { d.queues.append(Queue(key: "outbox_sending", count: sendingCount, oldest: try outbox?.optString("oldest_sending"))) }
            try queue("outbox_failed", oldest: ["SELECT min(created_at) AS oldest FROM outbox WHERE status = 'failed'"],
                      scoped: scopedMessages, counted: scope == nil ? nil : outbox?.int("n_failed") ?? 0)
            for (i, channel) in notSetUp.enumerated() {
                guard let waiting = try outbox?.int("n_\(i)"), waiting > 0 else { continue }
                d.queues.append(Queue(key: waitingForChannel(channel), count: waiting, oldest: try outbox?.optString("oldest_\(i)")))
            }
            // stuck payments: those in processing, counted per day paid
            d.paymentStuckDays = try Settings.days(db, .paymentStuckDays)
            let stuckBefore = today.adding(days: -d.paymentStuckDays).iso
            let stuck = try QueueCounters.processingPayments(db, paidOnOrBefore: stuckBefore, scope: scope)
            let payments = inScope(.rgk, "rgk_id")
            if stuck > 0 { oldest(["SELECT min(paid_on) || 'T00:00:00Z' AS oldest FROM payment WHERE state = 'processing'"], payments, for: d.queues.count) }
            d.queues.append(Queue(key: "payments_stuck", count: stuck, oldest: nil))
            if !oldestAsked.isEmpty, let row = try db.queryOne(
                "SELECT " + oldestAsked.enumerated().map { "\($0.element.sql) AS o\($0.offset)" }.joined(separator: ", "),
                arguments: oldestAsked.flatMap(\.arguments)) {
                for (i, asked) in oldestAsked.enumerated() where d.queues[asked.queue].count > 0 {
                    guard let value = try row.optString("o\(i)") else { continue }
                    d.queues[asked.queue].oldest = min(d.queues[asked.queue].oldest ?? value, value)
                }
            }
            d.perRGK = order.compactMap { byID[$0] }

            // kept per RGK: hers are a sum of her RGKs' rows
            d.applicationsByStatus = counts.compactMap { key, byRGK in
                guard key.hasPrefix("application_") else { return nil }
                let n = byRGK.filter { scope?.contains($0.key) ?? true }.values.reduce(0, +)
                return n == 0 ? nil : (String(key.dropFirst("application_".count)), n)
            }.sorted { $0.0 < $1.0 }

            // the newest import of each kind per RGK, and every unfinished one
            let imports = inScope(.rgkOrPortal, "b.rgk_id") ?? ScopeCondition.everything
            d.imports = try db.query("""
                SELECT b.id, r.code, b.kind, b.status, b.started_at, b.file_name, b.rows_read, b.pid, b.host
                FROM import_batch b LEFT JOIN rgk r ON r.id = b.rgk_id
                WHERE (b.id IN (SELECT max(id) FROM import_batch WHERE status <> 'superseded' GROUP BY rgk_id, kind)
                   OR b.status = 'running') AND \(imports.sql)
                ORDER BY b.started_at DESC, b.id DESC LIMIT 30
                """, arguments: imports.arguments).map { row in
                let stored = try row.string("status")
                let status = try stored == "running" && !ImportLiveness.isAlive(pid: row.optInt("pid"), host: row.optString("host"))
                    ? "incomplete" : stored
                return try LastImport(id: row.int64("id"), rgk: row.optString("code"), kind: row.string("kind"), status: status,
                                      startedAt: row.string("started_at"), fileName: row.string("file_name"), rowsRead: row.int("rows_read"))
            }
            return d
        }
    }
}
