/// What a day of the Russian production calendar is: worked, a day off (a weekend day, a
/// non-working holiday, a day off moved there by a decree), or worked one hour shorter (the day
/// before a non-working holiday, Labour Code art. 95). `calendar show --format json` names them.
public enum DayKind: String, Code {
    case working
    case dayOff = "day_off"
    case shortened

    /// A day worked, shortened or not.
    public var isWorked: Bool { self != .dayOff }
}

extension Day {
    /// 1 Monday … 7 Sunday (1970-01-01 was a Thursday).
    public var weekday: Int { ((daysSinceEpoch + 3) % 7 + 7) % 7 + 1 }
    /// Saturday or Sunday: a day off unless a decree makes it worked.
    public var isWeekend: Bool { weekday >= 6 }
}

/// One year of the production calendar: the days that are not what their weekday says
/// (Monday–Friday worked, Saturday and Sunday off), and the decree it comes from.
public struct CalendarYear: Sendable, Equatable {
    /// A day that differs from its weekday, or a holiday (listed even on a weekend), with the
    /// day a day off was moved from.
    public struct Exception: Sendable, Equatable {
        public let kind: DayKind
        public let movedFrom: Day?
        public init(kind: DayKind, movedFrom: Day? = nil) {
            self.kind = kind
            self.movedFrom = movedFrom
        }
    }

    /// Where a year comes from: the program's own data, or a file an admin imported.
    public enum Origin: Sendable, Equatable {
        case shipped
        case imported(at: String, by: String)
    }

    public let year: Int
    /// The decree, as the file names it: «Постановление Правительства РФ от 24.09.2025 № 1466».
    public let source: String
    public let exceptions: [Day: Exception]
    public var origin: Origin

    public init(year: Int, source: String, exceptions: [Day: Exception], origin: Origin = .shipped) {
        self.year = year
        self.source = source
        self.exceptions = exceptions
        self.origin = origin
    }

    /// The kind of a day of this year.
    public func kind(_ day: Day) -> DayKind {
        precondition(day.year == year, "\(day) is not of \(year)")
        if let exception = exceptions[day] { return exception.kind }
        return day.isWeekend ? .dayOff : .working
    }

    /// Every day of the year in order.
    public var days: [Day] {
        let first = Day(year: year, month: 1, day: 1)!
        let count = Day(year: year + 1, month: 1, day: 1)!.daysSinceEpoch - first.daysSinceEpoch
        return (0..<count).map { first.adding(days: $0) }
    }

    /// How many days of each kind: the decree's own figures (2026: 247 worked, 118 off).
    public var counts: (worked: Int, off: Int, shortened: Int) {
        var worked = 0, off = 0, shortened = 0
        for day in days {
            switch kind(day) {
            case .working: worked += 1
            case .shortened: worked += 1; shortened += 1
            case .dayOff: off += 1
            }
        }
        return (worked, off, shortened)
    }
}

/// A day the calendar cannot judge: its year is not known (no file shipped or imported for it).
/// Nothing guesses; `MyGazError.from` says which year's calendar to import.
public struct CalendarYearUnknown: Error, Sendable, Equatable {
    public let year: Int
    /// The years the calendar knows.
    public let known: [Int]
    public init(year: Int, known: [Int]) {
        self.year = year
        self.known = known
    }

    /// The line a clerk reads: which year to import (exit 3).
    public var myGazError: MyGazError {
        let known = self.known.isEmpty ? MessageArg.message(Message(.calendarNoYears)) : .text(CalendarYearUnknown.ranges(self.known))
        return MyGazError(.notFound, .calendarYearUnknown, .text(String(year)), known)
    }

    /// `2025–2027, 2030`
    static func ranges(_ years: [Int]) -> String {
        var parts: [String] = []
        var start: Int?, last: Int?
        for y in years.sorted() {
            if let l = last, y == l + 1 { last = y; continue }
            if let s = start, let l = last { parts.append(s == l ? "\(s)" : "\(s)–\(l)") }
            start = y; last = y
        }
        if let s = start, let l = last { parts.append(s == l ? "\(s)" : "\(s)–\(l)") }
        return parts.joined(separator: ", ")
    }
}

/// Working-day arithmetic on the production calendar. Every answer about a year the calendar
/// does not know throws `CalendarYearUnknown`.
public struct WorkCalendar: Sendable {
    public let years: [Int: CalendarYear]

    public init(_ years: [CalendarYear]) {
        self.years = Dictionary(years.map { ($0.year, $0) }, uniquingKeysWith: { _, last in last })
    }

    /// The years known, in order.
    public var known: [CalendarYear] { years.values.sorted { $0.year < $1.year } }

    public func year(_ year: Int) throws -> CalendarYear {
        guard let known = years[year] else { throw CalendarYearUnknown(year: year, known: years.keys.sorted()) }
        return known
    }

    public func kind(of day: Day) throws -> DayKind { try year(day.year).kind(day) }

    public func isWorking(_ day: Day) throws -> Bool { try kind(of: day).isWorked }

    /// `day` itself if it is worked, else the first worked day after it (Civil Code art. 193:
    /// a period whose last day is a day off ends on the next working day).
    public func nextWorkingDay(onOrAfter day: Day) throws -> Day {
        var d = day
        while try !isWorking(d) { d = d.adding(days: 1) }
        return d
    }

    /// The `n`-th worked day after `day` (`day` itself not counted): a period of n working days
    /// that starts the day after `day`. `n` is at least 1.
    public func adding(workingDays n: Int, to day: Day) throws -> Day {
        precondition(n >= 1, "a period of \(n) working days")
        var d = day, left = n
        while left > 0 {
            d = d.adding(days: 1)
            if try isWorking(d) { left -= 1 }
        }
        return d
    }

    /// Worked days after `start` up to and including `end` (0 when `end` is not after `start`;
    /// negative, counting back, when `end` is before it).
    public func workingDays(after start: Day, through end: Day) throws -> Int {
        guard start != end else { return 0 }
        let (from, to, sign) = start < end ? (start, end, 1) : (end, start, -1)
        var count = 0
        var d = from.adding(days: 1)
        while d <= to {
            if try isWorking(d) { count += 1 }
            d = d.adding(days: 1)
        }
        return sign * count
    }
}
