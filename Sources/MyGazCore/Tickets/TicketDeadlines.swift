import Foundation

/// A ticket's deadline (issue 38, docs/deadlines.md): an appeal answered within 30 calendar days;
/// a data subject's request (`PersonalDataRequest`) about her data within 10 working days, extended
/// once by 5 with a reasoned notice, a correction within 7 working days, a withdrawal of consent
/// within 30 days.
/// The clock runs from the ticket's registration (or from the customer's next message after an
/// answer: a new question) to the first operator message that is not a question; it stands still
/// from an operator's question (`ticket reply --ask`) to the customer's answer.
public enum TicketDeadlines {
    public struct Step: Sendable {
        public let at: Int64
        public let byOperator: Bool
        public let asks: Bool
        public init(at: Int64, byOperator: Bool, asks: Bool) {
            self.at = at
            self.byOperator = byOperator
            self.asks = asks
        }
    }

    /// Where the current deadline runs from and its pauses; nil when nothing is due (answered and
    /// not written to since).
    public static func clock(created: Int64, steps: [Step]) -> (registered: Int64, pauses: [DeadlinePause])? {
        var registered = created, pauses: [DeadlinePause] = [], asked: Int64?, answered = false
        // in time order, those of one second in the order given (the messages' ids)
        for step in steps.enumerated().sorted(by: { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }).map(\.element) {
            if step.byOperator && !step.asks {
                answered = true; pauses = []; asked = nil
            } else if step.byOperator {
                if !answered && asked == nil { asked = step.at }
            } else if answered {
                answered = false; registered = step.at; pauses = []
            } else if let start = asked {
                pauses.append(DeadlinePause(start: start, end: step.at)); asked = nil
            }
        }
        if answered { return nil }
        if let start = asked { pauses.append(DeadlinePause(start: start, end: nil)) }
        return (registered, pauses)
    }

    /// The due date of each ticket among `rows` that waits (not closed): from the clock its row
    /// keeps (`TicketClock`), or from its messages where the row says to read them;
    /// `unanswered`: tickets no operator has written to, whose clock runs from their registration
    /// unpaused (their messages are not read).
    public static func dues(_ db: any Storage, _ rows: [TicketSummary], _ q: DueQuery, unanswered: Set<Int64> = []) throws -> [Int64: DueReport] {
        let waiting = rows.filter { $0.status != TicketStatus.closed.rawValue && !unanswered.contains($0.id) }
        let open = waiting.filter { $0.clockState == TicketClock.readMessages }
        var steps: [Int64: [Step]] = [:]
        var start = 0
        while start < open.count {
            let chunk = open[start..<min(start + 500, open.count)].map(\.id)
            start += chunk.count
            try db.eachRow("""
                SELECT ticket_id, at, author_kind, asks FROM ticket_message
                WHERE ticket_id IN (\(chunk.map { _ in "?" }.joined(separator: ", "))) ORDER BY ticket_id, at, id
                """, arguments: chunk) { row in
                guard let at = Timestamp.parse(try row.string("at")) else { return }
                steps[try row.int64("ticket_id"), default: []].append(Step(at: at, byOperator: try row.string("author_kind") == "operator",
                                                                           asks: try row.bool("asks")))
            }
        }
        var dues: [Int64: DueReport] = [:]
        for t in rows where unanswered.contains(t.id) {
            guard let created = Timestamp.parse(t.createdAt) else { continue }
            dues[t.id] = q.deadlines.report(.ticket(personalData: t.personalData), registeredAt: created, zone: q.zone(t.rgk),
                                            extended: t.extendedAt != nil, now: q.now)
        }
        for t in waiting where t.clockState == TicketClock.running {
            guard let registered = Timestamp.parse(t.clockFrom ?? t.createdAt) else { continue }
            dues[t.id] = q.deadlines.report(.ticket(personalData: t.personalData), registeredAt: registered, zone: q.zone(t.rgk),
                                            extended: t.extendedAt != nil, now: q.now)
        }
        for t in open {
            guard let created = Timestamp.parse(t.createdAt), let (registered, pauses) = clock(created: created, steps: steps[t.id] ?? []) else { continue }
            dues[t.id] = q.deadlines.report(.ticket(personalData: t.personalData), registeredAt: registered, zone: q.zone(t.rgk), pauses: pauses,
                                            extended: t.extendedAt != nil, now: q.now)
        }
        return dues
    }

    /// The tickets waiting for an answer, with what their deadline needs and nothing more (no
    /// conversation counted): each branch of the open queue through its own index, oldest first,
    /// at most `limit` a branch, both in one statement (on PostgreSQL each is a round trip and a
    /// plan under the row policies); and which of them no operator has written to.
    /// `uncounted`: only those `due_count` does not count (`QueueCounters.unansweredTicketsDue`).
    /// One an operator wrote to counts as answered here without a look at its messages: its
    /// messages are read for its clock, which says the same of one whose answer is gone.
    static func waiting(_ db: any Storage, scope: [Int64]?, uncounted: Bool = false,
                        limit: Int = Int(Int32.max)) throws -> (rows: [TicketSummary], unanswered: Set<Int64>) {
        var rows: [TicketSummary] = [], unanswered = Set<Int64>()
        let kept = ScopeCondition.rgkOrPortal(db, "t.rgk_id", in: scope)
        var parts: [String] = [], arguments: [SQLBindable?] = []
        for branch in uncounted ? Tickets.waitingUncounted("t") : Tickets.waiting("t") {
            arguments += kept.arguments + [limit]
            parts.append("""
                SELECT * FROM (SELECT t.id, t.channel, g.code AS rgk, t.topic, t.status, t.created_at, t.last_customer_at,
                       t.last_operator_at, t.personal_data, t.personal_data_kind, t.extended_at, t.clock_state, t.clock_from,
                       CASE WHEN t.last_operator_at IS NULL
                            AND NOT EXISTS (SELECT 1 FROM ticket_message m WHERE m.ticket_id = t.id AND m.author_kind = 'operator') THEN 1 ELSE 0 END AS unanswered
                FROM ticket t LEFT JOIN rgk g ON g.id = t.rgk_id WHERE \(branch) AND \(kept.sql) ORDER BY t.created_at LIMIT ?) AS p\(parts.count)
                """)
        }
        try db.eachRow(parts.joined(separator: "\nUNION ALL\n"), arguments: arguments) { row in
            var t = try TicketSummary(id: row.int64("id"), channel: row.string("channel"), rgk: row.optString("rgk"), office: nil,
                                      topic: row.string("topic"), status: row.string("status"), senderName: "", senderEmail: nil, senderPhone: nil,
                                      account: nil, anonymous: false, source: "", assignedTo: nil, createdAt: row.string("created_at"),
                                      lastCustomerAt: row.string("last_customer_at"), lastOperatorAt: row.optString("last_operator_at"), messages: 0)
            t.personalData = try Tickets.personalDataRequest(row)
            t.extendedAt = try row.optString("extended_at")
            t.clockState = try row.int("clock_state")
            t.clockFrom = try row.optString("clock_from")
            if try row.bool("unanswered") { unanswered.insert(t.id) }
            rows.append(t)
        }
        return (rows, unanswered)
    }

    /// The list with each waiting ticket's due date; with `dueBy` only those due by then (the
    /// candidates registered before the later of the two periods' moments, each then checked),
    /// with `sort` the nearest first.
    public static func list(_ db: any Storage, _ filter: TicketFilter, due q: DueQuery) throws -> [(summary: TicketSummary, due: DueReport?)] {
        var f = filter
        if let dueBy = q.dueBy {
            let cuts = PersonalDataRequest.ticketKinds.compactMap { q.registeredBefore(.ticket(personalData: $0), dueBy: dueBy) }
            guard let latest = cuts.max() else { return [] }
            f.createdBefore = latest
        }
        if q.sort && f.statuses == nil { return try nearestFirst(db, f, q) }
        return try q.list(limit: filter.limit, read: { f.limit = $0; let rows = try Tickets.list(db, f); return q.sort ? rows.sorted(by: clockOrder) : rows },
                          dues: { try self.dues(db, $0, q) }, id: \.id)
            .map { (summary: $0.0, due: $0.1) }
    }

    /// The order equal due days keep: the moment the clock started (as its row keeps it), then the id.
    static func clockOrder(_ a: TicketSummary, _ b: TicketSummary) -> Bool {
        (a.clockFrom ?? a.createdAt, a.id) < (b.clockFrom ?? b.createdAt, b.id)
    }

    /// `--sort due` of the open queue without reading it: a ticket whose clock simply runs is due no
    /// sooner than one of the same kind (personal data or not) and zone whose clock started before
    /// it, so the nearest `limit` are among the first `limit` of each kind and zone in the order the
    /// clocks started (their rows' own index), and the few others (a question asked, an extension,
    /// messages to read: `TicketClock`), each read. Equal days keep the order the clocks started.
    static func nearestFirst(_ db: any Storage, _ f: TicketFilter, _ q: DueQuery) throws -> [(summary: TicketSummary, due: DueReport?)] {
        // the RGKs of each zone; the support channel's tickets (no RGK) go with the query's own zone
        var zones: [String: [Int64]] = [:]
        for row in try db.query("SELECT id, code FROM rgk ORDER BY id") {
            zones[q.zone(try row.string("code")).identifier, default: []].append(try row.int64("id"))
        }
        zones[q.zone.identifier, default: []].append(0)
        var streams: [(sql: String, arguments: [Int64])] = zones.keys.sorted().map { zone in
            let ids = zones[zone]!.filter { $0 != 0 }
            var parts = ids.isEmpty ? [] : ["t.rgk_id IN (\(ids.map { _ in "?" }.joined(separator: ", ")))"]
            if zones[zone]!.contains(0) { parts.append("t.rgk_id IS NULL") }
            return ("(" + parts.joined(separator: " OR ") + ")", ids)
        }
        if zones.count == 1 { streams = [("1 = 1", [])] }
        var candidates: [TicketSummary] = [], seen = Set<Int64>()
        func take(_ rows: [TicketSummary]) { for t in rows where seen.insert(t.id).inserted { candidates.append(t) } }
        for stream in streams {
            for kind in f.personalData.map({ [$0] }) ?? PersonalDataRequest.ticketKinds {
                var part = f
                part.clock = .running
                part.personalData = nil
                let c = Tickets.personalDataCondition("t", kind)
                part.condition = (stream.sql + " AND " + c.sql, stream.arguments.map(SQLValue.integer) + c.arguments)
                take(try Tickets.list(db, part))
            }
        }
        var others = f
        others.clock = .uncounted
        others.limit = Int(Int32.max)
        take(try Tickets.list(db, others))
        candidates.sort(by: clockOrder)
        let found = try dues(db, candidates, q)
        let listed = candidates.map { ($0, found[$0.id]) }.filter { q.wanted($0.1) }
        return DueQuery.ordered(listed.map(\.1)).prefix(f.limit).map { (summary: listed[$0].0, due: listed[$0].1) }
    }

    /// `ticket extend`: a personal-data request's deadline extended once by the law's extension
    /// (152-FZ art. 20 p. 2), the reason audited and told to the person with the new date.
    public static func extend(_ session: Session, _ id: Int64, reason: String, _ q: DueQuery) throws -> (transition: Transition, due: Day?) {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw MyGazError.invalid(.emptyMessage) }
        return try session.db.write {
            try Tickets.checkMayAnswer(session, id, command: "ticket extend")
            let t = try Tickets.show(session.db, id).summary
            switch t.personalData {
            case nil: throw MyGazError.conflict(.ticketNotPersonalData, .text(String(id)))
            case let request? where request != .access: throw MyGazError.conflict(.ticketNotExtendable, .text(String(id)), .text(request.rawValue))
            default: break
            }
            if let at = t.extendedAt { throw MyGazError.conflict(.ticketExtendedAlready, .text(String(id)), .text(Timestamp.display(at))) }
            guard let before = try dues(session.db, [t], q)[id], case .on(let old) = before.due else {
                throw MyGazError.conflict(.ticketNothingDue, .text(String(id)))
            }
            try session.db.run("UPDATE ticket SET extended_at = ?, extend_reason = ?, updated_at = ? WHERE id = ?", session.now, reason, session.now, id)
            var extended = t
            extended.extendedAt = session.now
            let after = try dues(session.db, [extended], q)[id]
            var newDue: Day?
            if case .on(let day)? = after?.due { newDue = day }
            try session.audit("ticket.extend", .ticket, id, old: old.iso, new: newDue?.iso, reason: reason)
            var transition = Transition(.ticket, id, .ticketStatus, from: t.status, to: t.status)
            transition.forceChanged = true
            transition.human = Message(.ticketExtended, [.text(String(id)), .text(old.russian), .text(newDue?.russian ?? "—")])
            if let newDue, let (reach, name, _, rgkID) = try Tickets.reach(session.db, id) {
                let days = try DeadlineRules.load(session.db).personalDataExtensionDays
                let outcome = try Notify.tell(session, reach, Notify.Notice(
                    subject: "Срок ответа на обращение № \(id) продлен",
                    to: name,
                    body: """
                        Срок ответа на ваше обращение № \(id) о персональных данных продлен до \(Russian.date(newDue)) — не более чем на \(Russian.workingDays(days)), как позволяет часть 2 статьи 20 Федерального закона № 152-ФЗ «О персональных данных».
                        Причина: \(reason)
                        Ответ придет по этому адресу; номер обращения — № \(id).
                        """,
                    sms: "Срок ответа на обращение № \(id) продлен до \(newDue.russian). Причина: \(reason)",
                    kind: .ticketReply), need: .required, rgkID: rgkID, entity: .ticket, entityID: id, who: name)
                transition.told(outcome)
            }
            return (transition, newDue)
        }
    }

    /// `ticket edit --topic`: the topic, `personal_data` (or its correction, its withdrawal of
    /// consent) marking a data subject's request. Where that moves the date the person was
    /// promised an answer by, she is told the new one.
    public static func setTopic(_ session: Session, _ id: Int64, topic: String, _ q: DueQuery) throws -> Transition {
        try session.db.write {
            try Tickets.checkMayAnswer(session, id, command: "ticket edit")
            let t = try Tickets.show(session.db, id).summary
            let old = t.personalData?.rawValue ?? t.topic
            let dueBefore = try dues(session.db, [t], q)[id]?.due
            var transition = Transition(.ticket, id, .ticketStatus, from: t.status, to: t.status)
            guard old != topic else { return transition }
            if let request = PersonalDataRequest(rawValue: topic) {
                try session.db.run("UPDATE ticket SET personal_data = 1, personal_data_kind = ?, updated_at = ? WHERE id = ?", request.stored, session.now, id)
            } else {
                guard let code = TicketTopic(rawValue: topic) else {
                    throw MyGazError.usage(.badChoice, "--topic", .text(topic), .text(PersonalDataRequest.topicCodes.joined(separator: ", ")))
                }
                try session.db.run("UPDATE ticket SET topic = ?, personal_data = 0, personal_data_kind = NULL, updated_at = ? WHERE id = ?", code.rawValue, session.now, id)
            }
            try session.audit("ticket.topic", .ticket, id, old: old, new: topic)
            transition.forceChanged = true
            transition.human = Message(.ticketTopicSet, [.text(String(id)), PersonalDataRequest.topicArgument(old), PersonalDataRequest.topicArgument(topic)])
            let changed = try Tickets.show(session.db, id).summary
            if case .on(let due)? = try dues(session.db, [changed], q)[id]?.due, dueBefore != .on(due),
               let (reach, name, _, rgkID) = try Tickets.reach(session.db, id) {
                let named = PersonalDataRequest(rawValue: topic)?.russian ?? Labels.label(.ticketTopic, topic, russian: true).lowercased()
                let outcome = try Notify.tell(session, reach, Notify.Notice(
                    subject: "Срок ответа на обращение № \(id) изменен",
                    to: name,
                    body: """
                        Ваше обращение № \(id) отнесено к теме «\(named)». Ответ будет дан до \(Russian.date(due)).
                        Ответ придет по этому адресу; номер обращения — № \(id).
                        """,
                    sms: "Обращение № \(id): ответ будет дан до \(due.russian).",
                    kind: .ticketReply), need: .required, rgkID: rgkID, entity: .ticket, entityID: id, who: name)
                transition.told(outcome)
            }
            return transition
        }
    }
}

extension Russian {
    static let monthsGenitive = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
                                 "ноября", "декабря"]

    /// «21 января 2026 г.»
    public static func date(_ day: Day) -> String { "\(day.day) \(monthsGenitive[day.month - 1]) \(day.year) г." }
}
