import Foundation

/// `report deadlines` (issue 38): for a month, per RGK and per operator and by kind, how many
/// items were decided, how many on time, the median and 90th percentile of the time to decision
/// in working days, and what is overdue now; and the month's decisions per day.
public struct DeadlineReport: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case reading, application, ticket }

    public struct Row: Sendable, Equatable {
        public let rgk: String
        /// Nil: the RGK's row, every operator.
        public let `operator`: String?
        public let kind: Kind
        public internal(set) var decided = 0
        public internal(set) var onTime = 0
        /// Decided, but due in a year the calendar lacks: left out of `onTime` and the share.
        public internal(set) var dueUnknown = 0
        /// Working days from registration to decision, median and 90th percentile (nearest rank).
        public internal(set) var median: Int?
        public internal(set) var p90: Int?
        /// Items of this RGK and kind overdue now (RGK rows only).
        public internal(set) var overdueNow: Int?
        /// The share on time of those whose due date is known (nil: none is).
        public var onTimeShare: Double? { decided - dueUnknown <= 0 ? nil : Double(onTime) / Double(decided - dueUnknown) }
    }

    /// `YYYY-MM`.
    public let month: String
    public internal(set) var rows: [Row] = []
    /// Decisions on each local day of the month, from its first.
    public internal(set) var perDay: [Int] = []
    /// Years the calendar lacks for some decision's due date or its working days (left out of the
    /// shares or the percentiles; `calendar import` them).
    public internal(set) var unknownYears: [Int] = []
    /// For each of `unknownYears`, how many of the month's decisions it leaves out (of the shares,
    /// the working days or both).
    public internal(set) var leftOut: [Int: Int] = [:]

    /// An application's decisive step by an operator, for an event table named `X`, word for
    /// word the condition of its partial indexes (SQLite takes a partial index only for the same
    /// terms).
    /// (The OR form of `Schema.oneOf`: SQLite makes a table of an IN list on every insert the
    /// index's condition is checked for.)
    static let decisiveStep = "X.actor_kind = 'operator' AND (\(Schema.oneOf("X.to_status", "accepted", "rejected", "completed")))"
    /// An operator's answer (no question), for a message table named `X`.
    static let operatorAnswer = "X.author_kind = 'operator' AND X.asks = 0"
    /// An operator's question, which stops a ticket's clock.
    static let operatorQuestion = "X.author_kind = 'operator' AND X.asks = 1"

    /// The partial indexes of schema 29, by which the month's decisions are found and each is known
    /// to be its item's first, whatever the years of decisions before: the month's by time
    /// (`application_event_decided`, `ticket_message_answer`), an item's first by its id
    /// (`…_first_decided`, `…_first_answer`: one entry of an index, not every step or message there
    /// ever was), and the questions, which are few, all read at once (`ticket_message_question`). At
    /// 5M accounts and a year of decisions: 1 690 → 325 ms as a process (docs/scaling.md).
    static var decisionIndexes: String {
        [("application_event_decided", "application_event", "at, id", decisiveStep),
         ("application_event_first_decided", "application_event", "application_id, id", decisiveStep),
         ("ticket_message_answer", "ticket_message", "at, id", operatorAnswer),
         ("ticket_message_first_answer", "ticket_message", "ticket_id, id", operatorAnswer),
         ("ticket_message_question", "ticket_message", "ticket_id, at, id", operatorQuestion)].map { name, table, columns, condition in
            "CREATE INDEX IF NOT EXISTS \(name) ON \(table) (\(columns)) WHERE \(condition.replacingOccurrences(of: "X.", with: ""));\n"
        }.joined()
    }

    /// `condition` (of `X`) for a table named `name`.
    static func of(_ condition: String, _ name: String) -> String { condition.replacingOccurrences(of: "X.", with: "\(name).") }

    /// The RGK name of the portal-wide support channel's tickets (no RGK).
    public static let supportChannel = "support"

    /// An RGK's name as the report shows it: its code, or «поддержка» / "support" for the portal's
    /// support channel.
    public static func rgkLabel(_ code: String) -> L { code == supportChannel ? L("support", "поддержка") : L(code, code) }

    /// One decision: who decided what, registered and decided when, due when, and the day its
    /// clock read when it was decided (`judged`).
    struct Decision {
        let rgk: String
        let by: String
        let kind: Kind
        let registered: Day
        let decided: Day
        let due: Due
        let clock: Day

        init(rgk: String, by: String, kind: Kind, registered: Day, decided: Day, judged: (due: Due, clock: Day)) {
            (self.rgk, self.by, self.kind, self.registered, self.decided) = (rgk, by, kind, registered, decided)
            (due, clock) = judged
        }
    }

    /// The due date a decision is judged by, and the day its clock read when it was made. One made
    /// while the clock stood (the item waited on the customer: an open pause) is judged at the day
    /// the pause began, against the due date its closed pauses give: the pause moves its deadline
    /// past the decision, whenever that came; it is late only if the clock had run out before it
    /// stopped.
    static func judged(_ item: DeadlineItem, registeredAt: Int64, decided: Day, zone: TimeZone, pauses: [DeadlinePause] = [],
                       extended: Bool = false, _ q: DueQuery, known: inout [DueKey: Due]) -> (due: Due, clock: Day) {
        // without a pause the due date is the item's kind's from its local day: tens of thousands of
        // decisions a month share a few hundred
        guard !pauses.isEmpty else {
            let key = DueKey(item: item, zone: zone.identifier, registered: Deadlines.localDay(registeredAt, in: zone), extended: extended)
            if let due = known[key] { return (due, decided) }
            let due = q.deadlines.due(item, registeredAt: registeredAt, zone: zone, extended: extended)
            known[key] = due
            return (due, decided)
        }
        return judged(item, registeredAt: registeredAt, decided: decided, zone: zone, pauses: pauses, extended: extended, q)
    }

    /// What a due date without pauses depends on.
    struct DueKey: Hashable {
        let item: DeadlineItem
        let zone: String
        let registered: Day
        let extended: Bool
    }

    static func judged(_ item: DeadlineItem, registeredAt: Int64, decided: Day, zone: TimeZone, pauses: [DeadlinePause] = [],
                       extended: Bool = false, _ q: DueQuery) -> (due: Due, clock: Day) {
        let due = q.deadlines.due(item, registeredAt: registeredAt, zone: zone, pauses: pauses.filter { $0.end != nil }, extended: extended)
        guard let open = pauses.first(where: { $0.end == nil }) else { return (due, decided) }
        return (due, min(decided, Deadlines.localDay(open.start, in: zone)))
    }

    /// The month's report. `rgk`: one RGK's code; `scope`: the operator's RGKs (nil: every RGK).
    /// Each item counts once, at its first decision: a reading accepted or rejected at the
    /// office, an application's first step to accepted, rejected or completed, a ticket's first
    /// answer by an operator.
    public static func load(_ db: any Storage, year: Int, month: Int, rgk: String?, scope: [Int64]?, _ q: DueQuery) throws -> DeadlineReport {
        let first = Day(year: year, month: month, day: 1)!
        let next = first.adding(months: 1)
        // a day wider on each side: each decision is then placed by its RGK's own zone
        let (from, until) = (Timestamp.iso(Deadlines.start(of: first.adding(days: -1), in: q.zone)),
                             Timestamp.iso(Deadlines.start(of: next.adding(days: 1), in: q.zone)))
        var report = DeadlineReport(month: first.period)
        report.perDay = Array(repeating: 0, count: next.daysSinceEpoch - first.daysSinceEpoch)
        return try db.read {
            var ids = scope
            if let rgk {
                let id = try RGK.id(db, rgk)
                ids = ids.map { $0.contains(id) ? [id] : [] } ?? [id]
            }
            var decisions: [Decision] = []
            var known: [DueKey: Due] = [:]
            func local(_ iso: String, _ rgk: String) -> Day? { Timestamp.parse(iso).map { Deadlines.localDay($0, in: q.zone(rgk)) } }

            // readings: decided at the office (the RGK's files come decided), by the decisions' index
            let readings = ScopeCondition.rgk(db, "a.rgk_id", in: ids)
            try db.eachRow("""
                SELECT g.code, r.decided_by, r.submitted_at, r.decided_at FROM reading r
                JOIN meter m ON m.id = r.meter_id JOIN account a ON a.id = m.account_id JOIN rgk g ON g.id = a.rgk_id
                WHERE r.source <> 'rgk' AND r.status <> 'pending' AND r.decided_at >= ? AND r.decided_at < ?
                  AND r.status IN ('accepted', 'rejected') AND \(readings.sql)
                """, arguments: [from, until] + readings.arguments) { row in
                let code = try row.string("code"), zone = q.zone(code)
                guard let submitted = Timestamp.parse(try row.string("submitted_at")), let decided = local(try row.string("decided_at"), code) else { return }
                decisions.append(Decision(rgk: code, by: try row.optString("decided_by") ?? "—", kind: .reading,
                                          registered: Deadlines.localDay(submitted, in: zone), decided: decided,
                                          judged: judged(.reading, registeredAt: submitted, decided: decided, zone: zone, q, known: &known)))
            }

            // applications: the first decisive step, its pauses from the steps before it
            let applications = ScopeCondition.rgk(db, "ap.rgk_id", in: ids)
            // only one that waited on the customer (`application.waited`, schema 22) has pauses: its
            // steps are read, those before the decision counted
            var decided: [(id: Int64, rgk: String, by: String, kind: ApplicationKind, submitted: Int64, at: String, waited: Bool)] = []
            try db.eachRow("""
                SELECT ap.id, g.code, e.actor, ap.kind, ap.submitted_at, e.at, ap.waited
                FROM application_event e
                JOIN application ap ON ap.id = e.application_id JOIN rgk g ON g.id = ap.rgk_id
                WHERE \(of(decisiveStep, "e")) AND e.at >= ? AND e.at < ?
                  AND e.id = (SELECT min(p.id) FROM application_event p WHERE p.application_id = e.application_id AND \(of(decisiveStep, "p")))
                  AND \(applications.sql)
                """, arguments: [from, until] + applications.arguments) { row in
                guard let kind = ApplicationKind(rawValue: try row.string("kind")), let submitted = try row.optString("submitted_at").flatMap(Timestamp.parse)
                else { return }
                decided.append((try row.int64("id"), try row.string("code"), try row.optString("actor") ?? "—", kind, submitted, try row.string("at"),
                                try row.bool("waited")))
            }
            var start = 0
            while start < decided.count {
                let chunk = decided[start..<min(start + 500, decided.count)]
                start += chunk.count
                var steps: [Int64: [(at: String, to: String)]] = [:]
                let waited = chunk.filter(\.waited).map(\.id)
                if !waited.isEmpty {
                    try db.eachRow("""
                        SELECT application_id, at, to_status FROM application_event
                        WHERE application_id IN (\(waited.map { _ in "?" }.joined(separator: ", "))) ORDER BY application_id, at, id
                        """, arguments: waited) { row in
                        steps[try row.int64("application_id"), default: []].append((try row.string("at"), try row.string("to_status")))
                    }
                }
                for a in chunk {
                    guard let day = local(a.at, a.rgk) else { continue }
                    let before = (steps[a.id] ?? []).filter { $0.at < a.at }
                    let pauses = Deadlines.pauses(steps: before, waiting: ApplicationStatus.needsInfo.rawValue)
                    let zone = q.zone(a.rgk)
                    decisions.append(Decision(rgk: a.rgk, by: a.by, kind: .application, registered: Deadlines.localDay(a.submitted, in: zone),
                                              decided: day, judged: judged(.application(a.kind), registeredAt: a.submitted, decided: day, zone: zone,
                                                                           pauses: pauses, q, known: &known)))
                }
            }

            // tickets: the first answer by an operator (a question to the customer is none), the
            // clock's pauses (questions waiting for the customer) and extension before it
            let tickets = ScopeCondition.rgkOrPortal(db, "t.rgk_id", in: ids)
            // only one asked a question has pauses: its messages are read, those before the answer
            // counted (the questions are few: all of them before the month's end, at once)
            var questioned = Set<Int64>()
            try db.eachRow("SELECT DISTINCT q.ticket_id FROM ticket_message q WHERE \(of(operatorQuestion, "q")) AND q.at < ?",
                           arguments: [until]) { questioned.insert(try $0.int64("ticket_id")) }
            var answers: [(id: Int64, rgk: String, by: String, created: Int64, at: Int64, personal: PersonalDataRequest?, extended: Bool, asked: Bool)] = []
            try db.eachRow("""
                SELECT t.id, g.code, m.author, t.created_at, m.at, t.personal_data, t.personal_data_kind, t.extended_at
                FROM ticket_message m
                JOIN ticket t ON t.id = m.ticket_id LEFT JOIN rgk g ON g.id = t.rgk_id
                WHERE \(of(operatorAnswer, "m")) AND m.at >= ? AND m.at < ?
                  AND m.id = (SELECT min(p.id) FROM ticket_message p WHERE p.ticket_id = m.ticket_id AND \(of(operatorAnswer, "p")))
                  AND \(tickets.sql)
                """, arguments: [from, until] + tickets.arguments) { row in
                guard let created = Timestamp.parse(try row.string("created_at")), let at = Timestamp.parse(try row.string("at")) else { return }
                let id = try row.int64("id")
                answers.append((id, try row.optString("code") ?? supportChannel, try row.optString("author") ?? "—", created, at,
                                try Tickets.personalDataRequest(row), try row.optString("extended_at") != nil, questioned.contains(id)))
            }
            start = 0
            while start < answers.count {
                let chunk = answers[start..<min(start + 500, answers.count)]
                start += chunk.count
                var steps: [Int64: [TicketDeadlines.Step]] = [:]
                let asked = chunk.filter(\.asked).map(\.id)
                if !asked.isEmpty {
                    try db.eachRow("""
                        SELECT ticket_id, at, author_kind, asks FROM ticket_message
                        WHERE ticket_id IN (\(asked.map { _ in "?" }.joined(separator: ", "))) ORDER BY ticket_id, at, id
                        """, arguments: asked) { row in
                        guard let at = Timestamp.parse(try row.string("at")) else { return }
                        steps[try row.int64("ticket_id"), default: []].append(.init(at: at, byOperator: try row.string("author_kind") == "operator",
                                                                                    asks: try row.bool("asks")))
                    }
                }
                for a in chunk {
                    let clock = TicketDeadlines.clock(created: a.created, steps: (steps[a.id] ?? []).filter { $0.at < a.at })
                    let registered = clock?.registered ?? a.created, zone = q.zone(a.rgk), day = Deadlines.localDay(a.at, in: zone)
                    decisions.append(Decision(rgk: a.rgk, by: a.by, kind: .ticket, registered: Deadlines.localDay(registered, in: zone),
                                              decided: day,
                                              judged: judged(.ticket(personalData: a.personal), registeredAt: registered, decided: day, zone: zone,
                                                             pauses: clock?.pauses ?? [], extended: a.extended, q, known: &known)))
                }
            }

            try report.tally(decisions, first: first, q)
            // what is overdue now, per RGK and kind
            for count in try DueBoard.load(db, q, scope: ids) {
                let kind: Kind = count.queue == "readings_pending" ? .reading : count.queue == "tickets_open" ? .ticket : .application
                if let i = report.rows.firstIndex(where: { $0.rgk == count.rgk && $0.operator == nil && $0.kind == kind }) {
                    report.rows[i].overdueNow = count.overdue
                } else if count.overdue > 0 {
                    report.rows.append(Row(rgk: count.rgk, operator: nil, kind: kind, overdueNow: count.overdue))
                }
            }
            report.rows.sort { ($0.rgk, $0.operator ?? "", $0.kind.rawValue) < ($1.rgk, $1.operator ?? "", $1.kind.rawValue) }
            return report
        }
    }

    mutating func tally(_ decisions: [Decision], first: Day, _ q: DueQuery) throws {
        struct Group: Hashable { let rgk: String, who: String?, kind: Kind }
        struct Span: Hashable { let from: Day, through: Day }
        var groups: [Group: (row: Row, days: [Int])] = [:]
        // the working days of each span once: a month's decisions share a few thousand
        var spans: [Span: Result<Int, CalendarYearUnknown>] = [:]
        leftOut = [:]
        for d in decisions {
            // read a day wider than the month: a decision of another month in its RGK's zone is not this one's
            let i = d.decided.daysSinceEpoch - first.daysSinceEpoch
            guard perDay.indices.contains(i) else { continue }
            perDay[i] += 1
            // nil: due in a year the calendar lacks, left out of the share
            var onTime: Bool?
            var years = Set<Int>()
            switch d.due {
            case .on(let due): onTime = d.clock <= due
            case .unknown(let year): years.insert(year)
            case .paused: onTime = true   // not given by `judged` (an open pause is judged at its start): the clock stood
            }
            var worked: Int?
            let span = Span(from: d.registered, through: d.decided)
            if spans[span] == nil {
                do { spans[span] = .success(try q.deadlines.calendar.workingDays(after: d.registered, through: d.decided)) } catch let e as CalendarYearUnknown {
                    spans[span] = .failure(e)
                }
            }
            switch spans[span]! {
            case .success(let n): worked = n
            case .failure(let e): years.insert(e.year)
            }
            for year in years { leftOut[year, default: 0] += 1 }
            for who in [nil, d.by] as [String?] {
                // changed where it is kept: a copy taken out and put back copied its days each time
                Self.count(&groups[Group(rgk: d.rgk, who: who, kind: d.kind), default: (Row(rgk: d.rgk, operator: who, kind: d.kind), [])],
                           onTime: onTime, worked: worked)
            }
        }
        rows = groups.values.map { g in
            var row = g.row
            let days = g.days.sorted()
            if !days.isEmpty {
                row.median = Self.rank(days, 0.5)
                row.p90 = Self.rank(days, 0.9)
            }
            return row
        }
        unknownYears = leftOut.keys.sorted()
    }

    private static func count(_ g: inout (row: Row, days: [Int]), onTime: Bool?, worked: Int?) {
        g.row.decided += 1
        switch onTime {
        case true?: g.row.onTime += 1
        case false?: break
        case nil: g.row.dueUnknown += 1
        }
        if let worked { g.days.append(worked) }
    }

    /// The nearest-rank percentile of sorted values.
    static func rank(_ sorted: [Int], _ p: Double) -> Int {
        sorted[max(0, min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1))]
    }
}
