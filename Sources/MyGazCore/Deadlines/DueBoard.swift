import Foundation

/// What is about to be late, per queue and RGK (`status`, issue 38): how many items are overdue,
/// due today and due tomorrow, and the nearest deadline of those not yet overdue.
public struct DueCount: Sendable, Equatable {
    public let queue: String
    public let rgk: String
    public var overdue = 0
    public var today = 0
    public var tomorrow = 0
    /// The nearest due date not yet past; `.unknown(year)` names the calendar to import.
    public var nearest: Due?
}

public enum DueBoard {
    /// The counts of the pending readings and the applications in work of the RGKs in `scope`
    /// (nil: every RGK). A due day never comes earlier for a later registration, so each window
    /// is a prefix of a queue's index by registration (`Deadlines.registeredBefore`); an
    /// application waiting on the customer has no deadline running, and one that waited before
    /// is checked alone, its pauses moving its date.
    public static func load(_ db: any Storage, _ q: DueQuery, scope: [Int64]?) throws -> [DueCount] {
        try db.read {
            var rgks: [(id: Int64, code: String)] = []
            for row in try db.query("SELECT id, code FROM rgk ORDER BY code") {
                let id = try row.int64("id")
                if scope?.contains(id) ?? true { rgks.append((id, try row.string("code"))) }
            }
            let days = [q.today.adding(days: -1), q.today, q.today.adding(days: 1)]
            func cuts(_ item: DeadlineItem) -> [String] {
                // nothing registered in the last 800 days is due by then: no row is before the epoch
                days.map { Timestamp.iso(q.deadlines.registeredBefore(item, dueBy: $0, zone: q.zone) ?? 0) }
            }
            func nearest(_ item: DeadlineItem, _ registered: String?) -> Due? {
                registered.flatMap(Timestamp.parse).map { q.deadlines.due(item, registeredAt: $0, zone: q.zone) }
            }
            var board: [DueCount] = []

            let reading = cuts(.reading)
            for rgk in rgks {
                var c = DueCount(queue: "readings_pending", rgk: rgk.code)
                let row = try db.queryOne("""
                    SELECT count(*) AS n, sum(CASE WHEN submitted_at < ? THEN 1 ELSE 0 END) AS overdue,
                           sum(CASE WHEN submitted_at < ? THEN 1 ELSE 0 END) AS by_today
                    FROM reading WHERE status = 'pending' AND rgk_id = ? AND submitted_at < ?
                    """, arguments: [reading[0], reading[1], rgk.id, reading[2]])
                let n = try row?.int("n") ?? 0, overdue = try row?.optInt("overdue") ?? 0, byToday = try row?.optInt("by_today") ?? 0
                (c.overdue, c.today, c.tomorrow) = (overdue, byToday - overdue, n - byToday)
                let next = try db.queryOne("SELECT min(submitted_at) AS at FROM reading WHERE status = 'pending' AND rgk_id = ? AND submitted_at >= ?",
                                           arguments: [rgk.id, reading[0]])
                c.nearest = nearest(.reading, try next?.optString("at"))
                board.append(c)
            }

            // an application in work (submitted, accepted) always has its submission time: the
            // queue's index (status, submitted_at) is read from its oldest up to the window's end
            let kinds = ApplicationKind.allCases.map { ($0, cuts(.application($0))) }
            let running = [ApplicationStatus.submitted, .accepted].map(\.rawValue)
            func window(_ i: Int) -> (sql: String, arguments: [SQLBindable?]) {
                ("(" + kinds.map { _ in "(ap.kind = ? AND ap.submitted_at < ?)" }.joined(separator: " OR ") + ")",
                 kinds.flatMap { [$0.0.rawValue, $0.1[i]] as [SQLBindable?] })
            }
            let windowEnd = kinds.map { $0.1[2] }.max() ?? ""
            let waited = "EXISTS (SELECT 1 FROM application_event e WHERE e.application_id = ap.id AND e.to_status = 'needs_info')"
            for rgk in rgks {
                var c = DueCount(queue: "applications_in_work", rgk: rgk.code)
                let (y, t, tm) = (window(0), window(1), window(2))
                var candidates: [Due] = []
                for status in running {
                    // never paused: counted by the index
                    let row = try db.queryOne("""
                        SELECT count(*) AS n, sum(CASE WHEN \(y.sql) THEN 1 ELSE 0 END) AS overdue, sum(CASE WHEN \(t.sql) THEN 1 ELSE 0 END) AS by_today
                        FROM application ap WHERE ap.status = ? AND ap.submitted_at < ? AND ap.rgk_id = ? AND \(tm.sql) AND NOT \(waited)
                        """, arguments: y.arguments + t.arguments + [status, windowEnd, rgk.id] + tm.arguments)
                    let n = try row?.int("n") ?? 0, overdue = try row?.optInt("overdue") ?? 0, byToday = try row?.optInt("by_today") ?? 0
                    c.overdue += overdue; c.today += byToday - overdue; c.tomorrow += n - byToday
                    // paused before: each one's own date
                    let once = try db.query("""
                        SELECT ap.id, ap.kind, ap.status, ap.submitted_at, ap.created_at FROM application ap
                        WHERE ap.status = ? AND ap.submitted_at < ? AND ap.rgk_id = ? AND \(waited)
                        """, arguments: [status, windowEnd, rgk.id]).map { row in
                        try ApplicationSummary(id: row.int64("id"), kind: row.string("kind"), status: row.string("status"), rgk: rgk.code,
                                               account: nil, address: nil, contactName: nil, contactPhone: nil, contactEmail: nil, source: "",
                                               createdAt: row.string("created_at"), submittedAt: row.optString("submitted_at"), updatedAt: "",
                                               assignedTo: nil)
                    }
                    for (_, due) in try Applications.dues(db, once, q) {
                        guard case .on(let day) = due.due else { candidates.append(due.due); continue }
                        if day < q.today { c.overdue += 1 } else { candidates.append(due.due) }
                        if day == q.today { c.today += 1 } else if day == days[2] { c.tomorrow += 1 }
                    }
                    // the nearest of those not yet overdue: the oldest of each kind never paused (and
                    // those paused before, above)
                    for (kind, cut) in kinds {
                        let first = try db.queryOne("""
                            SELECT min(ap.submitted_at) AS at FROM application ap
                            WHERE ap.status = ? AND ap.submitted_at >= ? AND ap.kind = ? AND ap.rgk_id = ? AND NOT \(waited)
                            """, arguments: [status, cut[0], kind.rawValue, rgk.id])
                        if let due = nearest(.application(kind), try first?.optString("at")) { candidates.append(due) }
                    }
                }
                c.nearest = candidates.min { DueQuery.order(($0, nil)).lexicographicallyPrecedes(DueQuery.order(($1, nil))) }
                board.append(c)
            }
            // tickets waiting for an answer: the candidates registered before the later of the two
            // periods' moments (a ticket's clock starts at its registration or later), each then
            // checked with its messages; the nearest among the rest is the oldest of each queue branch
            let ticketCut = days.map { day in
                [true, false].compactMap { q.deadlines.registeredBefore(.ticket(personalData: $0), dueBy: day, zone: q.zone) }.max() ?? 0
            }
            var tickets: [String: DueCount] = [:]
            for code in rgks.map(\.code) + [DeadlineReport.supportChannel] { tickets[code] = DueCount(queue: "tickets_open", rgk: code) }
            var f = TicketFilter()
            f.scope = scope
            f.limit = Int(Int32.max)
            f.createdBefore = ticketCut[2]
            var candidates: [String: [Due]] = [:]
            let waiting = try Tickets.list(db, f)
            for (id, due) in try TicketDeadlines.dues(db, waiting, q) {
                guard let t = waiting.first(where: { $0.id == id }) else { continue }
                let code = t.rgk ?? DeadlineReport.supportChannel
                guard tickets[code] != nil else { continue }
                guard case .on(let day) = due.due else { candidates[code, default: []].append(due.due); continue }
                if day < q.today { tickets[code]!.overdue += 1 } else { candidates[code, default: []].append(due.due) }
                if day == q.today { tickets[code]!.today += 1 } else if day == days[2] { tickets[code]!.tomorrow += 1 }
            }
            for code in tickets.keys {
                var later = TicketFilter()
                later.scope = scope
                later.limit = 5
                later.createdAfter = ticketCut[2]
                if code == DeadlineReport.supportChannel { later.channel = .support } else { later.rgk = code }
                let rows = try Tickets.list(db, later)
                for (_, due) in try TicketDeadlines.dues(db, rows, q) { candidates[code, default: []].append(due.due) }
            }
            for code in rgks.map(\.code) + [DeadlineReport.supportChannel] {
                guard var c = tickets[code] else { continue }
                c.nearest = (candidates[code] ?? []).min { DueQuery.order(($0, nil)).lexicographicallyPrecedes(DueQuery.order(($1, nil))) }
                if code != DeadlineReport.supportChannel || c.overdue + c.today + c.tomorrow > 0 || c.nearest != nil { board.append(c) }
            }
            return board
        }
    }
}

