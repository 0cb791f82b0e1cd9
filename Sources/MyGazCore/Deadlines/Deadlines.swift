import Foundation

/// How long an item may wait for its answer (issue 38, docs/deadlines.md).
public enum DeadlinePeriod: Sendable, Equatable {
    /// N calendar days from the day of registration; a period that ends on a day off ends on the
    /// next working day (Civil Code art. 193).
    case calendarDays(Int)
    /// N working days of the production calendar, counted from the day after registration.
    case workingDays(Int)
    /// Decided by the given day of the month (a reading before the RGK's billing export): the
    /// month of registration, or the next one when registered after that day; a day past the
    /// month's length is its last day.
    case dayOfMonth(Int)
}

/// What a data subject asks in a ticket (152-FZ), each with its own period (docs/deadlines.md):
/// named by its topic code (argv, JSON, the audit), kept as `ticket.personal_data` = 1 and
/// `ticket.personal_data_kind` (schema 28: NULL for the request about one's data).
public enum PersonalDataRequest: String, CaseIterable, Sendable {
    /// what data is processed and how (art. 14): 10 working days, once extended by 5
    case access = "personal_data"
    /// a correction of inaccurate data (art. 21 p. 2): 7 working days
    case correction = "personal_data_correction"
    /// a withdrawal of consent (art. 21 p. 5): 30 days
    case withdrawal = "personal_data_withdrawal"

    /// How the customer reads it (the acknowledgement: «Ваше обращение № 5 (…) принято»).
    public var russian: String {
        switch self {
        case .access: return "персональные данные"
        case .correction: return "уточнение персональных данных"
        case .withdrawal: return "отзыв согласия на обработку персональных данных"
        }
    }

    /// The topics a ticket may be given: the portal's, then the requests.
    public static var topicCodes: [String] { TicketTopic.codes + allCases.map(\.rawValue) }

    /// A topic code (`topicCodes`) for a message, labelled in the reader's language.
    public static func topicArgument(_ code: String) -> MessageArg {
        .code(Self(rawValue: code) == nil ? .ticketTopic : .personalDataRequest, code)
    }

    /// `ticket.personal_data_kind`: nil for the request about one's data.
    public var stored: String? {
        switch self {
        case .access: return nil
        case .correction: return "correction"
        case .withdrawal: return "withdrawal"
        }
    }

    /// The request a ticket row keeps: nil when it is none (`personal_data` 0). A kind the CHECK
    /// would refuse (written past it) reads as the request about one's data, whose period is the
    /// shortest: never judged later than the law allows.
    public init?(personalData: Bool, kind: String?) {
        guard personalData else { return nil }
        self = Self.allCases.first { $0.stored == kind } ?? .access
    }

    /// The queue `due_count` counts its running tickets in (`QueueCounters`): `ticket_1` for the
    /// request about one's data (`ticket_0` for the tickets that are no such request).
    public static func dueQueue(_ request: PersonalDataRequest?) -> String {
        guard let request else { return "ticket_0" }
        return "ticket_1" + (request.stored.map { "_" + $0 } ?? "")
    }

    /// The kinds of ticket by their deadline rule: an appeal (nil), then each request.
    public static let ticketKinds: [PersonalDataRequest?] = [nil] + allCases.map { $0 }
}

/// What a deadline is computed for.
public enum DeadlineItem: Sendable, Hashable {
    case ticket(personalData: PersonalDataRequest?)
    case application(ApplicationKind)
    case reading
}

/// The periods in force: each one a setting with the law's default (docs/deadlines.md).
public struct DeadlineRules: Sendable, Equatable {
    /// An appeal: 30 calendar days from registration (59-FZ art. 12).
    public var ticketAnswerDays = 30
    /// A data subject's request: 10 working days (152-FZ art. 14 p. 7, art. 20 p. 2).
    public var personalDataDays = 10
    /// Its one extension with a reasoned notice: 5 working days (152-FZ art. 20 p. 2).
    public var personalDataExtensionDays = 5
    /// A correction of the person's data: 7 working days (152-FZ art. 21 p. 2).
    public var personalDataCorrectionDays = 7
    /// A withdrawal of consent: 30 calendar days (152-FZ art. 21 p. 5).
    public var personalDataWithdrawalDays = 30
    /// Applications by kind (see docs/deadlines.md for each basis).
    public var applications: [ApplicationKind: DeadlinePeriod] = DeadlineRules.applicationDefaults
    /// A reading is decided by this day of its month (supply contract, PP 549 p. 21: the 25th).
    public var readingCutoffDay = 25

    public static let applicationDefaults: [ApplicationKind: DeadlinePeriod] = [
        // PP 354 p. 91: a recalculation within 5 working days of the written application.
        .recalculation: .workingDays(5),
        // No period in the portal manuals or SPEC: the appeals benchmark (59-FZ art. 12).
        .vdgoMaintenance: .calendarDays(30), .repair: .calendarDays(30),
        .contractConnection: .calendarDays(30), .contractSupply: .calendarDays(30), .contractVDGO: .calendarDays(30),
    ]

    public init() {}

    /// The periods as the settings say them (`config set`; a key without a row has its default).
    public static func load(_ db: any Storage) throws -> DeadlineRules {
        var rules = DeadlineRules()
        let days = try Settings.days(db, [.ticketAnswerDays, .personalDataDays, .personalDataExtensionDays,
                                          .personalDataCorrectionDays, .personalDataWithdrawalDays, .readingCutoffDay,
                                          .applicationVDGOMaintenanceDays, .applicationRepairDays, .applicationRecalculationDays,
                                          .applicationContractConnectionDays, .applicationContractSupplyDays, .applicationContractVDGODays])
        rules.ticketAnswerDays = days[.ticketAnswerDays]!
        rules.personalDataDays = days[.personalDataDays]!
        rules.personalDataExtensionDays = days[.personalDataExtensionDays]!
        rules.personalDataCorrectionDays = days[.personalDataCorrectionDays]!
        rules.personalDataWithdrawalDays = days[.personalDataWithdrawalDays]!
        rules.readingCutoffDay = days[.readingCutoffDay]!
        rules.applications = [
            .vdgoMaintenance: .calendarDays(days[.applicationVDGOMaintenanceDays]!),
            .repair: .calendarDays(days[.applicationRepairDays]!),
            .recalculation: .workingDays(days[.applicationRecalculationDays]!),
            .contractConnection: .calendarDays(days[.applicationContractConnectionDays]!),
            .contractSupply: .calendarDays(days[.applicationContractSupplyDays]!),
            .contractVDGO: .calendarDays(days[.applicationContractVDGODays]!),
        ]
        return rules
    }

    public func period(for item: DeadlineItem) -> DeadlinePeriod {
        switch item {
        case .ticket(nil): return .calendarDays(ticketAnswerDays)
        case .ticket(.access?): return .workingDays(personalDataDays)
        case .ticket(.correction?): return .workingDays(personalDataCorrectionDays)
        case .ticket(.withdrawal?): return .calendarDays(personalDataWithdrawalDays)
        case .application(let kind): return applications[kind] ?? .calendarDays(ticketAnswerDays)
        case .reading: return .dayOfMonth(readingCutoffDay)
        }
    }
}

/// A span the clock stood still: the item waited on the customer. `end` nil: it still waits.
public struct DeadlinePause: Sendable, Equatable {
    public let start: Int64
    public let end: Int64?
    public init(start: Int64, end: Int64?) {
        self.start = start
        self.end = end
    }
}

/// An item's due date, or why there is none.
public enum Due: Sendable, Equatable {
    /// Due by the end of this local day.
    case on(Day)
    /// The clock is stopped: the item waits on the customer since this local day.
    case paused(since: Day)
    /// The calendar lacks this year: import it (`calendar import`); never a guess.
    case unknown(year: Int)
}

/// How much of a period is left on a given day.
public enum DueLeft: Sendable, Equatable {
    /// Working days after today up to and including the due day (at least 1).
    case workingDaysLeft(Int)
    case dueToday
    /// Calendar days past the due day.
    case overdue(days: Int)
}

/// The deadline rule in one place: item kind, registration moment, the RGK's time zone, the
/// pauses and the extension give the due date. Computed on read (the portal inserts the items).
public struct Deadlines: Sendable {
    public let calendar: WorkCalendar
    public let rules: DeadlineRules

    public init(calendar: WorkCalendar, rules: DeadlineRules = DeadlineRules()) {
        self.calendar = calendar
        self.rules = rules
    }

    /// The local day of a moment in a time zone.
    public static func localDay(_ epochSeconds: Int64, in zone: TimeZone) -> Day {
        let offset = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(epochSeconds))))
        return Day(epochSeconds: epochSeconds + offset)
    }

    /// The due date of an item registered at `registeredAt` (UTC seconds) in an RGK of `zone`.
    /// A pause moves the end by the days it lasted: calendar days for a calendar-day period,
    /// the working days inside it for a working-day period (local days, start day excluded, end
    /// day included). `extended`: a personal-data request extended once (152-FZ art. 20 p. 2).
    public func due(_ item: DeadlineItem, registeredAt: Int64, zone: TimeZone,
                    pauses: [DeadlinePause] = [], extended: Bool = false) -> Due {
        let registered = Self.localDay(registeredAt, in: zone)
        if let open = pauses.first(where: { $0.end == nil }) {
            return .paused(since: Self.localDay(open.start, in: zone))
        }
        let spans = pauses.compactMap { p in p.end.map { (Self.localDay(p.start, in: zone), Self.localDay($0, in: zone)) } }
        do {
            switch rules.period(for: item) {
            case .calendarDays(let n):
                let paused = spans.reduce(0) { $0 + max(0, $1.1.daysSinceEpoch - $1.0.daysSinceEpoch) }
                return .on(try calendar.nextWorkingDay(onOrAfter: registered.adding(days: n + paused)))
            case .workingDays(var n):
                if extended, case .ticket(personalData: .access?) = item { n += rules.personalDataExtensionDays }
                for (from, to) in spans where to > from { n += try calendar.workingDays(after: from, through: to) }
                return .on(try calendar.adding(workingDays: max(1, n), to: registered))
            case .dayOfMonth(let d):
                let cutoff = max(1, d)
                var month = registered.adding(days: 1 - registered.day)
                if registered.day > min(cutoff, Day.daysIn(month: month.month, year: month.year)) { month = month.adding(months: 1) }
                let last = Day.daysIn(month: month.month, year: month.year)
                return .on(Day(year: month.year, month: month.month, day: min(cutoff, last))!)
            }
        } catch let unknown as CalendarYearUnknown {
            return .unknown(year: unknown.year)
        } catch {
            preconditionFailure("the working calendar throws only CalendarYearUnknown: \(error)")
        }
    }

    /// What is left of the period on `today` (the RGK's local day); throws CalendarYearUnknown
    /// when today's year or the due day's is not in the calendar.
    public func left(until due: Day, today: Day) throws -> DueLeft {
        if today == due { return .dueToday }
        if today > due { return .overdue(days: today.daysSinceEpoch - due.daysSinceEpoch) }
        return .workingDaysLeft(max(1, try calendar.workingDays(after: today, through: due)))
    }
}

extension Deadlines {
    /// The RGK's time zone until `rgk.time_zone` lands (issue 38): Moscow, the portal's own.
    public static let defaultZone = TimeZone(identifier: "Europe/Moscow")!

    /// The due date and what is left of it at `now`: a today in a year the calendar lacks makes
    /// the answer unknown too (naming that year), never a guess.
    public func report(_ item: DeadlineItem, registeredAt: Int64, zone: TimeZone = Deadlines.defaultZone,
                       pauses: [DeadlinePause] = [], extended: Bool = false, now: Int64) -> (due: Due, left: DueLeft?) {
        let due = self.due(item, registeredAt: registeredAt, zone: zone, pauses: pauses, extended: extended)
        guard case .on(let day) = due else { return (due, nil) }
        do {
            return (due, try left(until: day, today: Self.localDay(now, in: zone)))
        } catch let unknown as CalendarYearUnknown {
            return (.unknown(year: unknown.year), nil)
        } catch {
            preconditionFailure("the working calendar throws only CalendarYearUnknown: \(error)")
        }
    }
}

extension Deadlines {
    /// The pauses of an item from its status history, in time order: from a step into `waiting`
    /// (an application «требует уточнения») to the next step out of it (the customer answered);
    /// a pause not yet over is open. Steps whose time does not read are skipped.
    public static func pauses(steps: [(at: String, to: String)], waiting: String) -> [DeadlinePause] {
        var pauses: [DeadlinePause] = []
        var since: Int64?
        for step in steps {
            guard let at = Timestamp.parse(step.at) else { continue }
            if step.to == waiting {
                if since == nil { since = at }
            } else if let start = since {
                pauses.append(DeadlinePause(start: start, end: at))
                since = nil
            }
        }
        if let start = since { pauses.append(DeadlinePause(start: start, end: nil)) }
        return pauses
    }
}

/// An item's due date and what is left of it, as `Deadlines.report` gives them.
public typealias DueReport = (due: Due, left: DueLeft?)

extension Deadlines {
    /// The first moment (UTC seconds) of a local day in a zone.
    public static func start(of day: Day, in zone: TimeZone) -> Int64 {
        let midnightUTC = Int64(day.daysSinceEpoch) * 86_400
        // the offset at that moment, asked once more at the moment found (a change of offset that day)
        let guess = midnightUTC - Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(midnightUTC))))
        return midnightUTC - Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(guess))))
    }

    /// The moment before which an item of this kind, never paused, is due on or before `latest`:
    /// a due day never comes earlier for a later registration, so those items are a prefix by
    /// registration time, which a list or a count asks its index for (and then checks each row's
    /// pauses, which only move a due day later). Nil: no registration of the last 800 days is due
    /// by then (or the calendar lacks the years to say).
    /// The latest such day is found by doubling the days back, then halving between the last two:
    /// a dozen due dates counted, not one a day back (`status` asks some eighty of these). That
    /// holds where every day asked has a due date (a later registration is never due sooner); a day
    /// the calendar cannot count (registered before its first year, or due past its last) breaks
    /// the order, and then the days are walked one by one, as they always were.
    public func registeredBefore(_ item: DeadlineItem, dueBy latest: Day, zone: TimeZone) -> Int64? {
        let days = 800
        /// Whether a registration `back` days before is due by then; nil: the calendar cannot say.
        func dueBy(_ back: Int) -> Bool? {
            guard case .on(let due) = self.due(item, registeredAt: Self.start(of: latest.adding(days: -back), in: zone), zone: zone) else { return nil }
            return due <= latest
        }
        func found(_ back: Int) -> Int64 { Self.start(of: latest.adding(days: -back + 1), in: zone) }
        func walked() -> Int64? { (0..<days).first { dueBy($0) == true }.map(found) }
        guard let now = dueBy(0) else { return walked() }
        if now { return found(0) }
        // not due by then at `notYet` days back; due by then at `due`
        var notYet = 0, next = 1
        while true {
            guard next < days, let answer = dueBy(next) else { return walked() }
            if answer { break }
            (notYet, next) = (next, min(next * 2, days))
        }
        var due = next
        while due - notYet > 1 {
            let middle = (notYet + due) / 2
            guard let answer = dueBy(middle) else { return walked() }
            if answer { due = middle } else { notYet = middle }
        }
        return found(due)
    }
}

/// What a list asks of the deadlines: each row's due date computed at `now`, and, with `dueBy`,
/// only the items due on or before that local day (`--overdue`: yesterday; `--due-within 3d`:
/// three days from today, those overdue included); `sort`: the nearest due first.
public struct DueQuery: Sendable {
    public var deadlines: Deadlines
    public var now: Int64
    /// The zone of the query's today, and of items of no RGK (the support channel).
    public var zone: TimeZone
    /// Each RGK's zone by its code (`RGKZones`): its items' days are counted there.
    public var zones: [String: TimeZone] = [:]
    public var dueBy: Day?
    public var sort = false

    public init(deadlines: Deadlines, now: Int64, zone: TimeZone = Deadlines.defaultZone, dueBy: Day? = nil, sort: Bool = false) {
        self.deadlines = deadlines
        self.now = now
        self.zone = zone
        self.dueBy = dueBy
        self.sort = sort
    }

    public var today: Day { Deadlines.localDay(now, in: zone) }

    /// The query of a database: its calendar, its periods, its RGKs' zones.
    public static func load(_ db: any Storage, now: Int64, sort: Bool = false) throws -> DueQuery {
        var q = DueQuery(deadlines: Deadlines(calendar: try Calendars.load(db), rules: try DeadlineRules.load(db)), now: now, sort: sort)
        q.zones = try RGKZones.load(db)
        return q
    }

    /// Whether a report is due on or before `dueBy` (a paused or unknown one never is).
    public func wanted(_ report: DueReport?) -> Bool {
        guard let dueBy else { return true }
        if case .on(let day)? = report?.due { return day <= dueBy }
        return false
    }

    /// A list by deadline: rows read in the queue's order (`read(limit)`), each with its due date
    /// (`dues`, by `id`), kept in the window, the nearest first when asked, at most `limit`. A page a
    /// few times the list's is read first, all of them only when pauses moved too many out; the
    /// nearest first needs every one, and so does a list of all (`--limit 0`, `Int.max / 2`).
    public func list<T>(limit: Int, read: (Int) throws -> [T], dues: ([T]) throws -> [Int64: DueReport],
                        id: (T) -> Int64) throws -> [(T, DueReport?)] {
        var page = sort ? Int(Int32.max) : dueBy != nil ? DueQuery.widened(limit) : limit
        var listed: [(T, DueReport?)] = []
        while true {
            let rows = try read(page)
            let found = try dues(rows)
            listed = rows.map { ($0, found[id($0)]) }.filter { wanted($0.1) }
            if listed.count >= limit || rows.count < page || page == Int(Int32.max) { break }
            page = Int(Int32.max)
        }
        if sort { listed = DueQuery.ordered(listed.map(\.1)).map { listed[$0] } }
        return Array(listed.prefix(limit))
    }

    /// The first page of a list by deadline of `limit` rows: a few times the list's, every row
    /// (`Int32.max`, the page that ends the reading) once that is as many; never an overflow.
    static func widened(_ limit: Int) -> Int {
        let all = Int(Int32.max)
        return limit >= (all - 50) / 4 ? all : limit * 4 + 50
    }

    /// The first of `dues` in the order of `sort` (the earliest of equal ones), without sorting them.
    public static func first(_ dues: [Due]) -> Due? {
        dues.min { order(($0, nil)).lexicographicallyPrecedes(order(($1, nil))) }
    }

    /// The positions of `dues` in the order of `sort`, equal ones as they came.
    public static func ordered(_ dues: [DueReport?]) -> [Int] {
        dues.indices.sorted { a, b in
            let ka = order(dues[a]), kb = order(dues[b])
            return ka != kb ? ka.lexicographicallyPrecedes(kb) : a < b
        }
    }

    /// The order of `sort`: by due day, the nearest first, a due day in a year the calendar lacks
    /// at that year's first day (one of a year long past is the most urgent of all, one of a year
    /// to come after the known ones); then those paused; then those not due.
    public static func order(_ r: DueReport?) -> [Int] {
        switch r?.due {
        case .on(let day)?: return [0, day.daysSinceEpoch]
        case .unknown(let year)?: return [0, Day(year: year, month: 1, day: 1)?.daysSinceEpoch ?? 0]
        case .paused(let since)?: return [1, since.daysSinceEpoch]
        case nil: return [2, 0]
        }
    }
}
