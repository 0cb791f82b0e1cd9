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
            // each RGK's counts in its own zone: its yesterday, today and tomorrow
            func days(_ r: DueQuery) -> [Day] { [r.today.adding(days: -1), r.today, r.today.adding(days: 1)] }
            // the RGKs of one zone share their moments: each counted once
            var known: [String: [Int64]] = [:]
            func cuts(_ item: DeadlineItem, _ r: DueQuery) -> [Int64] {
                let key = "\(item) \(r.zone.identifier) \(r.today.iso)"
                if let found = known[key] { return found }
                // nothing registered in the last 800 days is due by then: no row is before the epoch
                let found = days(r).map { r.deadlines.registeredBefore(item, dueBy: $0, zone: r.zone) ?? 0 }
                known[key] = found
                return found
            }
            var board: [DueCount] = []

            // how many were registered before each day's moment, from the counts kept per hour
            // registered (`due_count`): a few hundred rows, whatever the queue's length; the three
            // queues' windows asked in one statement
            let kinds = ApplicationKind.allCases
            let channels: [(id: Int64, code: String)] = rgks.map { (id: $0.id, code: $0.code) } + [(id: Int64(0), code: DeadlineReport.supportChannel)]
            let readingWindows = rgks.map {
                QueueCounters.DueWindow(counter: QueueCounters.pendingReadingsDue, queue: "reading_pending", rgk: $0.id, cuts: cuts(.reading, q.of($0.code)))
            }
            let applicationWindows = rgks.flatMap { rgk in
                kinds.map {
                    QueueCounters.DueWindow(counter: QueueCounters.applicationsInWorkDue, queue: "application_\($0.rawValue)", rgk: rgk.id,
                                            cuts: cuts(.application($0), q.of(rgk.code)))
                }
            }
            let ticketKinds = PersonalDataRequest.ticketKinds
            let ticketWindows = channels.flatMap { channel in
                ticketKinds.map { kind in
                    QueueCounters.DueWindow(counter: QueueCounters.unansweredTicketsDue, queue: PersonalDataRequest.dueQueue(kind), rgk: channel.id,
                                            cuts: cuts(.ticket(personalData: kind), q.of(channel.id == 0 ? nil : channel.code)))
                }
            }
            let tallies = try QueueCounters.dueTallies(db, readingWindows + applicationWindows + ticketWindows)
            let readings = tallies.prefix(readingWindows.count)
            let applications = Array(tallies.dropFirst(readingWindows.count).prefix(applicationWindows.count))
            let ticketTallies = tallies.suffix(ticketWindows.count)
            for (rgk, t) in zip(rgks, readings) {
                let r = q.of(rgk.code)
                var c = DueCount(queue: "readings_pending", rgk: rgk.code)
                (c.overdue, c.today, c.tomorrow) = (t.before[0], t.before[1] - t.before[0], t.before[2] - t.before[1])
                c.nearest = t.next.map { r.deadlines.due(.reading, registeredAt: $0, zone: r.zone) }
                board.append(c)
            }

            // an application in work (submitted, accepted) is counted by its kind and the hour it
            // was submitted as if it never waited; those that waited on the customer (few, marked
            // `waited`: their own index) are then taken out and put in again by their own dates
            let running = [ApplicationStatus.submitted, .accepted].map(\.rawValue)
            let codes = Dictionary(uniqueKeysWithValues: rgks.map { ($0.id, $0.code) })
            var waited: [Int64: [ApplicationSummary]] = [:]
            var waitedIDs = Set<Int64>()
            try db.eachRow("""
                SELECT ap.id, ap.kind, ap.status, ap.rgk_id, ap.submitted_at, ap.created_at
                FROM application ap \(db.sql.indexedBy("application_waited_in_work")) WHERE ap.waited = 1 AND (ap.status = 'submitted' OR ap.status = 'accepted')
                """, arguments: []) { row in
                let rgkID = try row.int64("rgk_id")
                guard let code = codes[rgkID], waitedIDs.insert(try row.int64("id")).inserted else { return }
                waited[rgkID, default: []].append(try ApplicationSummary(
                    id: row.int64("id"), kind: row.string("kind"), status: row.string("status"), rgk: code, account: nil, address: nil,
                    contactName: nil, contactPhone: nil, contactEmail: nil, source: "", createdAt: row.string("created_at"),
                    submittedAt: row.optString("submitted_at"), updatedAt: "", assignedTo: nil))
            }
            for (i, rgk) in rgks.enumerated() {
                let r = q.of(rgk.code)
                var c = DueCount(queue: "applications_in_work", rgk: rgk.code)
                var candidates: [Due] = []
                let mine = waited[rgk.id] ?? []
                for (j, kind) in kinds.enumerated() {
                    let t = applications[i * kinds.count + j]
                    c.overdue += t.before[0]; c.today += t.before[1] - t.before[0]; c.tomorrow += t.before[2] - t.before[1]
                    guard let next = t.next else { continue }
                    // the nearest of those not yet overdue: the first hour's, unless one that waited is of it
                    let hour = { (at: Int64) in Timestamp.floorDiv(at, 3600) }
                    let waitedThen = mine.filter { $0.kind == kind.rawValue && Timestamp.parse($0.submittedAt ?? $0.createdAt).map(hour) == hour(next) }
                    guard !waitedThen.isEmpty else {
                        candidates.append(r.deadlines.due(.application(kind), registeredAt: next, zone: r.zone))
                        continue
                    }
                    for status in running {
                        for first in try db.query("""
                            SELECT ap.id, ap.submitted_at FROM application ap
                            WHERE ap.status = ? AND ap.submitted_at >= ? AND ap.kind = ? AND ap.rgk_id = ? ORDER BY ap.submitted_at LIMIT ?
                            """, arguments: [status, Timestamp.iso(next), kind.rawValue, rgk.id, waitedThen.count + 1])
                        where !waitedIDs.contains(try first.int64("id")) {
                            if let at = try first.optString("submitted_at").flatMap(Timestamp.parse) {
                                candidates.append(r.deadlines.due(.application(kind), registeredAt: at, zone: r.zone))
                            }
                            break
                        }
                    }
                }
                // those that waited: out as counted above, in by their own dates
                for a in mine {
                    guard let kind = ApplicationKind(rawValue: a.kind), let at = Timestamp.parse(a.submittedAt ?? a.createdAt),
                          case .on(let day) = q.deadlines.due(.application(kind), registeredAt: at, zone: r.zone) else { continue }
                    if day < r.today { c.overdue -= 1 } else if day == r.today { c.today -= 1 } else if day == days(r)[2] { c.tomorrow -= 1 }
                }
                for (_, due) in try Applications.dues(db, mine, q) {
                    guard case .on(let day) = due.due else { candidates.append(due.due); continue }
                    if day < r.today { c.overdue += 1 } else { candidates.append(due.due) }
                    if day == r.today { c.today += 1 } else if day == days(r)[2] { c.tomorrow += 1 }
                }
                c.nearest = DueQuery.first(candidates)
                board.append(c)
            }

            // tickets waiting for an answer: those whose clock simply runs (`TicketClock`) are counted
            // by the hour it started (`due_count`, as above, the support channel under RGK 0); the few
            // others are the candidates registered before the later of the two periods' moments (a
            // ticket's clock starts at its registration or later), each then checked, in a window
            // across the zones (a zone ahead may be a day further on), each compared in its own; the
            // nearest among the rest is the oldest of each queue branch
            var tickets: [String: DueCount] = [:]
            var candidates: [String: [Due]] = [:]
            for channel in channels { tickets[channel.code] = DueCount(queue: "tickets_open", rgk: channel.code) }
            for (i, t) in ticketTallies.enumerated() {
                let channel = channels[i / ticketKinds.count], code = channel.code, r = q.of(channel.id == 0 ? nil : code)
                tickets[code]!.overdue += t.before[0]; tickets[code]!.today += t.before[1] - t.before[0]; tickets[code]!.tomorrow += t.before[2] - t.before[1]
                if let next = t.next { candidates[code, default: []].append(r.deadlines.due(.ticket(personalData: ticketKinds[i % ticketKinds.count]), registeredAt: next, zone: r.zone)) }
            }
            let ticketCut = ticketKinds.compactMap { q.registeredBefore(.ticket(personalData: $0), dueBy: q.today.adding(days: 2)) }.max() ?? 0
            // those `due_count` does not count are few (a question asked, an extension, messages to
            // read): all of them read at once, each branch through its own index; those registered
            // before the cut are counted by their dates, every one after it is a candidate for its
            // channel's nearest
            let (waiting, unanswered) = try TicketDeadlines.waiting(db, scope: scope, uncounted: true)
            let found = try TicketDeadlines.dues(db, waiting, q, unanswered: unanswered)
            for t in waiting {
                guard let due = found[t.id] else { continue }
                let code = t.rgk ?? DeadlineReport.supportChannel
                guard let created = Timestamp.parse(t.createdAt), created < ticketCut else { candidates[code, default: []].append(due.due); continue }
                guard tickets[code] != nil else { continue }
                let r = q.of(t.rgk)
                guard case .on(let day) = due.due else { candidates[code, default: []].append(due.due); continue }
                if day < r.today { tickets[code]!.overdue += 1 } else { candidates[code, default: []].append(due.due) }
                if day == r.today { tickets[code]!.today += 1 } else if day == days(r)[2] { tickets[code]!.tomorrow += 1 }
            }
            for code in rgks.map(\.code) + [DeadlineReport.supportChannel] {
                guard var c = tickets[code] else { continue }
                let found = candidates[code] ?? []
                c.nearest = DueQuery.first(found)
                if code != DeadlineReport.supportChannel || c.overdue + c.today + c.tomorrow > 0 || c.nearest != nil { board.append(c) }
            }
            return board
        }
    }
}


/// Each RGK's time zone (`rgk.time_zone`, schema 19), in which its items' days are counted.
public enum RGKZones {
    /// The zone of each RGK by its code; a name the system does not know counts as Moscow (`db
    /// check` and `calendar set-zone` keep them known).
    public static func load(_ db: any Storage) throws -> [String: TimeZone] {
        var zones: [String: TimeZone] = [:]
        for row in try db.query("SELECT code, time_zone FROM rgk") {
            zones[try row.string("code")] = TimeZone(identifier: try row.string("time_zone")) ?? Deadlines.defaultZone
        }
        return zones
    }

    /// `calendar set-zone`: an RGK's zone (admin, audited); a name that is no IANA zone: exit 2.
    public static func set(_ session: Session, rgk code: String, zone name: String) throws -> (old: String, new: String) {
        guard let zone = TimeZone(identifier: name), name.contains("/") || name == "UTC" else {
            throw MyGazError.usage(.badTimeZone, .text(name))
        }
        return try session.db.write {
            let id = try RGK.id(session.db, code)
            let old = try session.db.scalarString("SELECT time_zone FROM rgk WHERE id = ?", id) ?? ""
            guard old != zone.identifier else { return (old, old) }
            try session.db.run("UPDATE rgk SET time_zone = ? WHERE id = ?", zone.identifier, id)
            try session.audit("rgk.time-zone", .rgk, id, old: old, new: zone.identifier)
            return (old, zone.identifier)
        }
    }
}

extension DueQuery {
    /// The zone of an RGK's items (the query's own for the support channel or an unknown code).
    public func zone(_ rgk: String?) -> TimeZone { rgk.flatMap { zones[$0] } ?? zone }

    /// The same query for one RGK's items: its zone, its today.
    public func of(_ rgk: String?) -> DueQuery {
        var q = self
        q.zone = zone(rgk)
        return q
    }

    /// The moment before which items are due by `dueBy` in any of the zones: the latest of them
    /// (a window of candidates; each row is then checked in its own zone).
    public func registeredBefore(_ item: DeadlineItem, dueBy: Day) -> Int64? {
        Set(([zone] + Array(zones.values)).map(\.identifier)).compactMap { TimeZone(identifier: $0) }
            .compactMap { deadlines.registeredBefore(item, dueBy: dueBy, zone: $0) }.max()
    }
}
