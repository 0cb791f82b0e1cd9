/// The queue dashboard (`status`): what waits for the back office, per RGK.
public struct Dashboard: Sendable {
    public struct Queue: Sendable {
        public let key: String
        public let count: Int
        public let oldest: String?
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

    public func count(_ key: String) -> Int { queues.first { $0.key == key }?.count ?? 0 }

    /// The queue of the messages waiting for a channel `outbox send` cannot use as this machine
    /// is set up (`Delivery.channelsNotSetUp`).
    public static func waitingForChannel(_ channel: MessageChannel) -> String { "outbox_waiting_no_\(channel.rawValue)" }

    /// `today` dates the payments stuck in processing (longer than the payment.stuck_days setting).
    /// `notSetUp`: the channels with nothing to send them here; the messages waiting for each are
    /// a queue of their own when there are any.
    public static func load(_ db: any Storage, today: Day, notSetUp: [MessageChannel] = []) throws -> Dashboard {
        try db.read {
            var d = Dashboard()
            var byID: [Int64: PerRGK] = [:]
            var order: [Int64] = []
            for row in try db.query("SELECT id, code, name FROM rgk ORDER BY code") {
                let id = try row.int64("id")
                byID[id] = try PerRGK(code: row.string("code"), name: row.string("name"))
                order.append(id)
            }
            // the sizes are kept by the schema's triggers (QueueCounters); each oldest is the first
            // entry of an index: nothing here grows with the region
            let counts = try QueueCounters.load(db)
            func oldest(_ queries: [String]) throws -> String? {
                try queries.compactMap { try db.scalarString($0) }.min()
            }
            func queue(_ key: String, oldest queries: [String], perRGK: WritableKeyPath<PerRGK, Int>? = nil) throws {
                let byRGK = counts[key] ?? [:]
                if let perRGK { for (id, n) in byRGK { byID[id]?[keyPath: perRGK] = n } }
                let count = byRGK.values.reduce(0, +)
                d.queues.append(Queue(key: key, count: count, oldest: count == 0 ? nil : try oldest(queries)))
            }
            try queue("readings_pending", oldest: ["SELECT min(submitted_at) FROM reading WHERE status = 'pending'"], perRGK: \.pendingReadings)
            try queue("applications_open", oldest: ["SELECT min(submitted_at) FROM application WHERE status = 'submitted'",
                                                    "SELECT min(submitted_at) FROM application WHERE status = 'needs_info'"],
                      perRGK: \.openApplications)
            try queue("tickets_open", oldest: ["SELECT min(created_at) FROM ticket WHERE status = 'new'",
                                               "SELECT min(created_at) FROM ticket \(db.sql.indexedBy("ticket_reopened")) WHERE status = 'answered' AND last_customer_at > coalesce(last_operator_at, '')"],
                      perRGK: \.openTickets)
            try queue("pin_requests_open", oldest: ["SELECT min(created_at) FROM pin_request WHERE status = 'open'"], perRGK: \.openPinRequests)
            try queue("users_unconfirmed", oldest: ["SELECT min(registered_at) FROM portal_user WHERE status = 'pending'"])
            try queue("outbox_waiting", oldest: ["SELECT min(created_at) FROM outbox WHERE status = 'waiting'",
                                                 "SELECT min(created_at) FROM outbox WHERE status = 'sending'"])
            try queue("outbox_failed", oldest: ["SELECT min(created_at) FROM outbox WHERE status = 'failed'"])
            for channel in notSetUp {
                // the waiting part of the queue's index: as long as the queue, not the table
                guard let row = try db.queryOne("""
                    SELECT count(*) AS waiting, min(created_at) AS oldest FROM outbox WHERE status = 'waiting' AND channel = ?
                    """, channel.rawValue), try row.int("waiting") > 0 else { continue }
                d.queues.append(Queue(key: waitingForChannel(channel), count: try row.int("waiting"), oldest: try row.optString("oldest")))
            }
            // stuck payments: those in processing, counted per day paid
            let stuckBefore = today.adding(days: -(try Settings.days(db, .paymentStuckDays))).iso
            let stuck = try QueueCounters.processingPayments(db, paidOnOrBefore: stuckBefore)
            d.queues.append(Queue(key: "payments_stuck", count: stuck,
                                  oldest: stuck == 0 ? nil : try oldest(["SELECT min(paid_on) || 'T00:00:00Z' FROM payment WHERE state = 'processing'"])))
            d.perRGK = order.compactMap { byID[$0] }

            d.applicationsByStatus = counts.compactMap { key, byRGK in
                key.hasPrefix("application_") ? (String(key.dropFirst("application_".count)), byRGK.values.reduce(0, +)) : nil
            }.sorted { $0.0 < $1.0 }

            // the newest import of each kind per RGK, and every unfinished one
            d.imports = try db.query("""
                SELECT b.id, r.code, b.kind, b.status, b.started_at, b.file_name, b.rows_read, b.pid, b.host
                FROM import_batch b LEFT JOIN rgk r ON r.id = b.rgk_id
                WHERE b.id IN (SELECT max(id) FROM import_batch WHERE status <> 'superseded' GROUP BY rgk_id, kind)
                   OR b.status = 'running'
                ORDER BY b.started_at DESC, b.id DESC LIMIT 30
                """).map { row in
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
