import Foundation

/// The source of "now". Tests set it; code expiry (160 s / 70 s) depends on it.
public struct Clock: Sendable {
    private let source: @Sendable () -> Int64

    public init(_ source: @escaping @Sendable () -> Int64) { self.source = source }

    public static let system = Clock { Int64(Date().timeIntervalSince1970) }

    public static func fixed(_ epochSeconds: Int64) -> Clock { Clock { epochSeconds } }

    /// Seconds since the Unix epoch, UTC.
    public var now: Int64 { source() }
    public var nowISO: String { Timestamp.iso(now) }
    public var today: Day { Day(epochSeconds: now + Timestamp.localOffset(at: now)) }
}

/// ISO-8601 UTC timestamps as stored in the database: `2026-11-22T09:14:05Z`.
public enum Timestamp {
    public static func iso(_ epochSeconds: Int64) -> String {
        let days = floorDiv(epochSeconds, 86_400)
        let secs = epochSeconds - days * 86_400
        let day = Day(daysSinceEpoch: Int(days))
        return "\(day.iso)T\(pad2(Int(secs / 3600))):\(pad2(Int(secs / 60 % 60))):\(pad2(Int(secs % 60)))Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM[:SS][Z]` (UTC) or a bare date (midnight UTC).
    public static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 10, let day = Day(isoBytes: bytes[0..<10]) else { return nil }
        var seconds = Int64(day.daysSinceEpoch) * 86_400
        if bytes.count == 10 { return seconds }
        guard bytes.count >= 16, bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
              let h = number(bytes[11..<13]), bytes[13] == UInt8(ascii: ":"), let m = number(bytes[14..<16]),
              h < 24, m < 60 else { return nil }
        seconds += Int64(h * 3600 + m * 60)
        var rest = bytes[16...]
        if rest.first == UInt8(ascii: ":") {
            guard rest.count >= 3, let s = number(rest.dropFirst().prefix(2)), s < 60 else { return nil }
            seconds += Int64(s)
            rest = rest.dropFirst(3)
        }
        if rest.first == UInt8(ascii: "Z") { rest = rest.dropFirst() }
        return rest.isEmpty ? seconds : nil
    }

    /// Offset of local time (TZ) from UTC at a moment, in seconds.
    public static func localOffset(at epochSeconds: Int64) -> Int64 {
        var t = time_t(epochSeconds)
        var parts = tm()
        guard localtime_r(&t, &parts) != nil else { return 0 }
        return Int64(parts.tm_gmtoff)
    }

    /// Human display in local time: `20.07.2026 09:14` (one form of date on every screen).
    public static func display(_ iso: String?) -> String {
        guard let iso, let seconds = parse(iso) else { return iso ?? "" }
        let local = seconds + localOffset(at: seconds)
        let days = floorDiv(local, 86_400)
        let secs = local - days * 86_400
        let day = Day(daysSinceEpoch: Int(days))
        return "\(day.russian) \(pad2(Int(secs / 3600))):\(pad2(Int(secs / 60 % 60)))"
    }

    /// Local midnight of a day, as UTC epoch seconds.
    public static func localMidnight(_ day: Day) -> Int64 {
        let utcMidnight = Int64(day.daysSinceEpoch) * 86_400
        return utcMidnight - localOffset(at: utcMidnight)
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    static func number<C: Collection>(_ bytes: C) -> Int? where C.Element == UInt8 {
        var value = 0
        guard !bytes.isEmpty else { return nil }
        for b in bytes {
            guard b >= 48 && b <= 57 else { return nil }
            value = value * 10 + Int(b - 48)
        }
        return value
    }
}

@inline(__always) func pad2(_ v: Int) -> String { v < 10 ? "0\(v)" : String(v) }

/// A calendar day (no time, no zone). Stored as `YYYY-MM-DD`.
public struct Day: Comparable, Hashable, Sendable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...Day.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year; self.month = month; self.day = day
    }

    public init(daysSinceEpoch: Int) {
        // Howard Hinnant's civil_from_days.
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        month = m
        day = d
    }

    public init(epochSeconds: Int64) {
        self.init(daysSinceEpoch: Int(Timestamp.floorDiv(epochSeconds, 86_400)))
    }

    public var daysSinceEpoch: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    init?<C: Collection>(isoBytes b: C) where C.Element == UInt8 {
        let a = Array(b)
        guard a.count == 10, a[4] == UInt8(ascii: "-"), a[7] == UInt8(ascii: "-"),
              let y = Timestamp.number(a[0..<4]), let m = Timestamp.number(a[5..<7]), let d = Timestamp.number(a[8..<10])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// `2026-07-20`
    public init?(iso text: String) { self.init(isoBytes: text.utf8) }

    /// `DD.MM.YYYY` (or `D.M.YY`, `/` for `.`) or `YYYY-MM-DD`, each perhaps followed by a
    /// time after a space or `T`, read straight from a file's bytes; nil for anything else
    /// (which `init?(parsing:)` then judges).
    static func parse(bytes: ArraySlice<UInt8>) -> Day? {
        var numbers = (0, 0, 0), counts = (0, 0, 0), part = 0
        var separator: UInt8 = 0
        for b in bytes {
            if b >= 48 && b <= 57 {
                guard max(counts.0, counts.1, counts.2) < 5 else { return nil }
                let digit = Int(b - 48)
                switch part {
                case 0: numbers.0 = numbers.0 * 10 + digit; counts.0 += 1
                case 1: numbers.1 = numbers.1 * 10 + digit; counts.1 += 1
                default: numbers.2 = numbers.2 * 10 + digit; counts.2 += 1
                }
            } else if (b == 46 || b == 47 || b == 45) && part < 2 && (separator == 0 || b == separator) {
                separator = b
                part += 1
            } else if (b == 32 || b == 84) && part == 2 {
                break
            } else {
                return nil
            }
        }
        guard part == 2, counts.0 > 0, counts.1 > 0, counts.2 > 0 else { return nil }
        if separator == 45 {
            guard counts.0 == 4, counts.1 == 2, counts.2 == 2 else { return nil }
            return Day(year: numbers.0, month: numbers.1, day: numbers.2)
        }
        guard counts.0 <= 2, counts.1 <= 2, counts.2 == 4 || counts.2 == 2 else { return nil }
        return Day(year: counts.2 == 2 ? numbers.2 + 2000 : numbers.2, month: numbers.1, day: numbers.0)
    }

    /// Accepts what people and RGK files write: `2026-07-20`, `20.07.2026`, `20.07.26`, `20/07/2026`.
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let d = Day(iso: t) { self = d; return }
        let parts = t.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "." || $0 == "/" })
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 }),
              let d = Int(parts[0]), let m = Int(parts[1]), var y = Int(parts[2]),
              parts[0].count <= 2, parts[1].count <= 2, parts[2].count == 4 || parts[2].count == 2 else { return nil }
        if parts[2].count == 2 { y += 2000 }
        guard let day = Day(year: y, month: m, day: d) else { return nil }
        self = day
    }

    public var iso: String {
        let y = String(year)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + pad2(month) + "-" + pad2(day)
    }

    /// `20.07.2026`, the RGK files' and the clerks' form.
    public var russian: String { "\(pad2(day)).\(pad2(month)).\(year)" }

    public var description: String { iso }

    public func adding(days: Int) -> Day { Day(daysSinceEpoch: daysSinceEpoch + days) }

    /// The same day `months` later, clamped to the month's length. Never a crash: past the years
    /// a `Day` is made of (1–9999) it is counted on as `init(daysSinceEpoch:)` counts (a month
    /// after 9999-12 is 10000-01), and what takes a month from a person bounds it first
    /// (`Invocation.period`: 2000-01 to 9999-11, so that the month after it is a date).
    public func adding(months: Int) -> Day {
        let total = year * 12 + (month - 1) + months
        let y = Int(Timestamp.floorDiv(Int64(total), 12)), m = total - y * 12 + 1
        let first = Day(unchecked: y, month: m, day: 1)
        return first.adding(days: min(day, Day.daysIn(month: m, year: y)) - 1)
    }

    /// A day of any year, not checked (only for its `daysSinceEpoch`).
    private init(unchecked year: Int, month: Int, day: Int) {
        self.year = year; self.month = month; self.day = day
    }

    /// Whole months from `self` to `other` (0 if other is earlier or in the same month-day span).
    public func wholeMonths(until other: Day) -> Int {
        var months = (other.year - year) * 12 + (other.month - month)
        if other.day < day { months -= 1 }
        return max(0, months)
    }

    /// `2026-07`
    public var period: String { "\(year)-\(pad2(month))" }

    public static func < (a: Day, b: Day) -> Bool { a.daysSinceEpoch < b.daysSinceEpoch }
}

/// Durations typed by people: `90s`, `30m`, `12h`, `7d`, `2w`, and in Russian `90с`, `30м` (`30мин`),
/// `12ч`, `7д` (`7дн`), `2н` (`2нед`).
public enum Duration {
    /// The longest duration anyone means here: a hundred years.
    public static let maxSeconds: Int64 = 100 * 366 * 86_400

    public enum Parsed: Equatable, Sendable {
        case seconds(Int64)
        /// A number and a unit, longer than `maxSeconds`.
        case tooLong
        case invalid
    }

    public static func parse(_ text: String) -> Int64? {
        if case .seconds(let s) = parseChecked(text) { return s }
        return nil
    }

    public static func parseChecked(_ text: String) -> Parsed {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = t.prefix(while: \.isASCIIDigit)
        let unit = t.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        guard !digits.isEmpty, !unit.isEmpty else { return .invalid }
        let scale: Int64
        switch unit {
        case "s", "с": scale = 1
        case "m", "м", "мин": scale = 60
        case "h", "ч": scale = 3600
        case "d", "д", "дн": scale = 86_400
        case "w", "н", "нед": scale = 7 * 86_400
        default: return .invalid
        }
        // a number too long for Int64 is too long a duration all the same
        guard let n = Int64(digits) else { return .tooLong }
        let (seconds, overflow) = n.multipliedReportingOverflow(by: scale)
        return overflow || seconds > maxSeconds ? .tooLong : .seconds(seconds)
    }
}
