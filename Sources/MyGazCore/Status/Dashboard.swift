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

    /// `today` dates the payments stuck in processing (longer than the payment.stuck_days setting).
    public static func load(_ db: any Storage, today: Day) throws -> Dashboard {
        try db.read {
            var d = Dashboard()
            var byID: [Int64: PerRGK] = [:]
            var order: [Int64] = []
            for row in try db.query("SELECT id, code, name FROM rgk ORDER BY code") {
                byID[row.int64(0)] = PerRGK(code: row.string(1), name: row.string(2))
                order.append(row.int64(0))
            }
            // one pass over each queue: count and oldest per RGK (rgk_id NULL: none), summed for the whole
            func queue(_ key: String, _ sql: String, perRGK: WritableKeyPath<PerRGK, Int>? = nil) throws {
                var count = 0
                var oldest: String?
                for row in try db.query(sql) {
                    count += row.int(1)
                    if let first = row.optString(2), oldest.map({ first < $0 }) ?? true { oldest = first }
                    if let perRGK, let id = row.optInt64(0) { byID[id]?[keyPath: perRGK] = row.int(1) }
                }
                d.queues.append(Queue(key: key, count: count, oldest: oldest))
            }
            try queue("readings_pending", """
                SELECT rgk_id, count(*), min(submitted_at) FROM reading WHERE status = 'pending' GROUP BY rgk_id
                """, perRGK: \.pendingReadings)
            try queue("applications_open", """
                SELECT rgk_id, count(*), min(submitted_at) FROM application WHERE status IN ('submitted', 'needs_info') GROUP BY rgk_id
                """, perRGK: \.openApplications)
            try queue("tickets_open", """
                SELECT rgk_id, count(*), min(created_at) FROM ticket WHERE \(Tickets.waitingCondition("ticket")) GROUP BY rgk_id
                """, perRGK: \.openTickets)
            try queue("pin_requests_open", """
                SELECT a.rgk_id, count(*), min(p.created_at) FROM pin_request p JOIN account a ON a.id = p.account_id
                WHERE p.status = 'open' GROUP BY a.rgk_id
                """, perRGK: \.openPinRequests)
            try queue("users_unconfirmed", "SELECT NULL, count(*), min(registered_at) FROM portal_user WHERE status = 'pending'")
            try queue("outbox_waiting", "SELECT NULL, count(*), min(created_at) FROM outbox WHERE status IN ('waiting', 'sending')")
            try queue("outbox_failed", "SELECT NULL, count(*), min(created_at) FROM outbox WHERE status = 'failed'")
            let stuckBefore = today.adding(days: -(try Settings.days(db, .paymentStuckDays))).iso
            try queue("payments_stuck", """
                SELECT NULL, count(*), min(paid_on) || 'T00:00:00Z' FROM payment WHERE state = 'processing' AND paid_on <= '\(stuckBefore)'
                """)
            d.perRGK = order.compactMap { byID[$0] }

            d.applicationsByStatus = try db.query("""
                SELECT status, count(*) FROM application WHERE status <> 'draft' GROUP BY status
                """).map { ($0.string(0), $0.int(1)) }

            // the newest import of each kind per RGK, and every unfinished one
            d.imports = try db.query("""
                SELECT b.id, r.code, b.kind, b.status, b.started_at, b.file_name, b.rows_read, b.pid, b.host
                FROM import_batch b LEFT JOIN rgk r ON r.id = b.rgk_id
                WHERE b.id IN (SELECT max(id) FROM import_batch WHERE status <> 'superseded' GROUP BY rgk_id, kind)
                   OR b.status = 'running'
                ORDER BY b.started_at DESC, b.id DESC LIMIT 30
                """).map { row in
                let status = row.string(3) == "running" && !ImportLiveness.isAlive(pid: row.optInt(7), host: row.optString(8))
                    ? "incomplete" : row.string(3)
                return LastImport(id: row.int64(0), rgk: row.optString(1), kind: row.string(2), status: status,
                                  startedAt: row.string(4), fileName: row.string(5), rowsRead: row.int(6))
            }
            return d
        }
    }
}
