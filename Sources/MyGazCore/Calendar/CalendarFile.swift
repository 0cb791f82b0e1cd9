/// A production calendar file: one year in the xmlcalendar shape (docs/calendar.md), one
/// element a line:
///
///     <?xml version="1.0" encoding="UTF-8"?>
///     <calendar year="2026" source="Постановление Правительства РФ от 24.09.2025 № 1466">
///         <days>
///             <day d="01.09" t="1" f="01.03"/>
///             <day d="04.30" t="2"/>
///         </days>
///     </calendar>
///
/// `d` is the day (MM.DD), `t` its kind — 1 a day off, 2 a shortened working day, 3 a weekend
/// day that is worked — and `f` the day a day off was moved from. Days not listed are what their
/// weekday says. xmlcalendar's own files read as they are (their `<holidays>` list and `h`
/// attributes are skipped; without `source` the file's name is the source). The year is checked
/// whole before it is kept: every non-working holiday of the Labour Code (art. 112) a day off,
/// each weekend day worked the source of exactly one day off, each `f` a holiday or a worked
/// weekend day of the year, as many working days as art. 112 leaves (`LawfulCount`), and the
/// working day right before a holiday shortened (art. 95).
public enum CalendarFile {
    /// The first problem of a file, and its line.
    public struct Problem: Error, Sendable, Equatable {
        public let line: Int
        public let reason: Message
    }

    /// The non-working holidays of the Labour Code (art. 112 part 1), as (month, day).
    public static let holidays: [(month: Int, day: Int)] = [
        (1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (1, 7), (1, 8), (2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4),
    ]

    /// The years a file may hold: the Labour Code's holidays as they are since 2013.
    public static let years = 2013...2100

    /// Reads and checks a file's text; `fallbackSource` names the year when the file does not.
    public static func parse(_ text: String, fallbackSource: String) throws -> CalendarYear {
        var year: Int?
        var source: String?
        var calendarLine = 0
        var closed = false
        var listed: [Day: (exception: CalendarYear.Exception, line: Int)] = [:]
        // "\r\n" is one Character to Swift: split on every line break, as the lines are numbered
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
        var lastLine = 0
        for (index, raw) in lines.enumerated() {
            let number = index + 1
            var line = raw.trimmingCharacters(in: .whitespaces)
            if index == 0, line.hasPrefix("\u{FEFF}") { line.removeFirst() }
            if line.isEmpty { continue }
            lastLine = number
            if closed { throw Problem(line: number, reason: Message(.calendarLineAfterEnd)) }
            if line.hasPrefix("<?xml") && line.hasSuffix("?>") && number == 1 { continue }
            if line.hasPrefix("<!--") && line.hasSuffix("-->") { continue }
            if ["<days>", "</days>", "<holidays>", "</holidays>"].contains(line) {
                guard year != nil else { throw Problem(line: number, reason: Message(.calendarNotAFile)) }
                continue
            }
            if line == "</calendar>" {
                guard year != nil else { throw Problem(line: number, reason: Message(.calendarNotAFile)) }
                closed = true
                continue
            }
            guard let element = Element(line) else {
                throw Problem(line: number, reason: Message(year == nil ? .calendarNotAFile : .calendarLineUnknown, [.text(shown(line))]))
            }
            switch element.name {
            case "calendar":
                guard year == nil, !element.selfClosing else { throw Problem(line: number, reason: Message(.calendarLineUnknown, [.text(shown(line))])) }
                guard let text = element.attributes["year"], text.count == 4, let y = Int(text), years.contains(y) else {
                    throw Problem(line: number, reason: Message(.calendarBadYear, [.text(shown(element.attributes["year"] ?? "")),
                                                                                  .text("\(years.lowerBound)"), .text("\(years.upperBound)")]))
                }
                year = y
                calendarLine = number
                if let s = element.attributes["source"]?.trimmingCharacters(in: .whitespaces), !s.isEmpty {
                    guard s.count <= 300, !s.unicodeScalars.contains(where: UntrustedText.needsEscape) else {
                        throw Problem(line: number, reason: Message(.calendarBadSource))
                    }
                    source = s
                }
            case "holiday":
                guard year != nil, element.selfClosing else { throw Problem(line: number, reason: Message(.calendarLineUnknown, [.text(shown(line))])) }
            case "day":
                guard let year, element.selfClosing else {
                    throw Problem(line: number, reason: Message(year == nil ? .calendarNotAFile : .calendarLineUnknown, [.text(shown(line))]))
                }
                let d = shown(element.attributes["d"] ?? "")
                guard let day = monthDay(d, year) else { throw Problem(line: number, reason: Message(.calendarBadDay, [.text(d), .text("\(year)")])) }
                let kind: DayKind
                switch element.attributes["t"] {
                case "1": kind = .dayOff
                case "2": kind = .shortened
                case "3":
                    guard day.isWeekend else { throw Problem(line: number, reason: Message(.calendarWorkedWeekday, [.text(day.russian)])) }
                    kind = .working
                default: throw Problem(line: number, reason: Message(.calendarBadKind, [.text(shown(element.attributes["t"] ?? ""))]))
                }
                var movedFrom: Day?
                if let f = element.attributes["f"] {
                    guard kind == .dayOff, let from = monthDay(f, year) else {
                        throw Problem(line: number, reason: Message(.calendarBadMovedFrom, [.text(shown(f)), .text(day.russian)]))
                    }
                    movedFrom = from
                }
                if let first = listed[day] {
                    throw Problem(line: number, reason: Message(.calendarDayTwice, [.text(day.russian), .text("\(first.line)")]))
                }
                listed[day] = (CalendarYear.Exception(kind: kind, movedFrom: movedFrom), number)
            default:
                throw Problem(line: number, reason: Message(.calendarLineUnknown, [.text(shown(line))]))
            }
        }
        guard let year else { throw Problem(line: max(lastLine, 1), reason: Message(.calendarNotAFile)) }
        guard closed else { throw Problem(line: max(lastLine, 1), reason: Message(.calendarNotClosed)) }

        // complete: every non-working holiday a day off
        for h in holidays {
            let day = Day(year: year, month: h.month, day: h.day)!
            guard listed[day]?.exception.kind == .dayOff else {
                throw Problem(line: listed[day]?.line ?? calendarLine, reason: Message(.calendarHolidayWorked, [.text(day.russian)]))
            }
        }
        // consistent: a day off moves from a holiday or a weekend day made worked, each at most once
        var movedTo: [Day: Day] = [:]
        for (day, entry) in listed.sorted(by: { $0.value.line < $1.value.line }) {
            guard let from = entry.exception.movedFrom else { continue }
            let isHoliday = holidays.contains { $0.month == from.month && $0.day == from.day }
            let isWorkedWeekend = from.isWeekend && (listed[from]?.exception.kind.isWorked ?? false)
            guard from.isWeekend && (isHoliday || isWorkedWeekend) else {
                throw Problem(line: entry.line, reason: Message(.calendarBadMovedFrom, [.text(from.russian), .text(day.russian)]))
            }
            if let other = movedTo[from] {
                throw Problem(line: entry.line, reason: Message(.calendarMovedTwice, [.text(from.russian), .text(other.russian), .text(day.russian)]))
            }
            movedTo[from] = day
        }
        for (day, entry) in listed.sorted(by: { $0.value.line < $1.value.line }) where day.isWeekend && entry.exception.kind.isWorked {
            guard movedTo[day] != nil else { throw Problem(line: entry.line, reason: Message(.calendarWorkedWeekendUnpaired, [.text(day.russian)])) }
        }
        let parsed = CalendarYear(year: year, source: source ?? fallbackSource, exceptions: listed.mapValues(\.exception))
        // whole: as many working days as the Labour Code leaves (art. 112 part 2), so that no
        // transfer of the decree is missing or added
        let law = LawfulCount(year)
        let worked = parsed.counts.worked
        guard worked == law.workingDays else {
            throw Problem(line: calendarLine, reason: Message(.calendarWorkingDaysWrong, [
                .text("\(year)"), .int(worked), .int(law.workingDays), .int(law.weekdays), .int(law.holidaysOnWeekdays), .int(law.movedFromWeekends),
            ]))
        }
        // shortened: the working day right before a non-working holiday of the year (art. 95)
        for h in holidays {
            let holiday = Day(year: year, month: h.month, day: h.day)!
            let before = holiday.adding(days: -1)
            guard before.year == year, parsed.kind(before) == .working else { continue }
            throw Problem(line: listed[before]?.line ?? calendarLine,
                          reason: Message(.calendarPreHolidayNotShortened, [.text(before.russian), .text(holiday.russian)]))
        }
        return parsed
    }

    /// The working days of a year by the Labour Code (art. 112): Monday to Friday, less the
    /// non-working holidays that fall on them, less one day for each holiday other than January's
    /// that falls on a Saturday or Sunday (its day off moves to a working day, part 2), less two
    /// for the January holidays (1–8) that fall on a Saturday or Sunday, which the Government moves
    /// to other days (at most two: part 2). A decree's other transfers (a Saturday worked for a day
    /// off) leave the number as it is. 2026: 261 − 10 − 2 − 2 = 247.
    public struct LawfulCount: Sendable, Equatable {
        /// Monday to Friday.
        public let weekdays: Int
        /// Non-working holidays on Monday to Friday.
        public let holidaysOnWeekdays: Int
        /// Days off moved onto working days from holidays on a Saturday or Sunday.
        public let movedFromWeekends: Int

        public var workingDays: Int { weekdays - holidaysOnWeekdays - movedFromWeekends }

        public init(_ year: Int) {
            let first = Day(year: year, month: 1, day: 1)!
            let count = Day(year: year + 1, month: 1, day: 1)!.daysSinceEpoch - first.daysSinceEpoch
            weekdays = (0..<count).filter { !first.adding(days: $0).isWeekend }.count
            let days = CalendarFile.holidays.map { (january: $0.month == 1, day: Day(year: year, month: $0.month, day: $0.day)!) }
            holidaysOnWeekdays = days.filter { !$0.day.isWeekend }.count
            let januaryOnWeekends = days.filter { $0.january && $0.day.isWeekend }.count
            movedFromWeekends = days.filter { !$0.january && $0.day.isWeekend }.count + min(2, januaryOnWeekends)
        }
    }

    /// A piece of the file as a message quotes it: at most 60 characters (a line may be a megabyte).
    static func shown(_ text: String) -> String { text.count <= 60 ? text : String(text.prefix(59)) + "…" }

    /// `MM.DD` of `year`.
    static func monthDay(_ text: String, _ year: Int) -> Day? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCIIDigit) }),
              let m = Int(parts[0]), let d = Int(parts[1]) else { return nil }
        return Day(year: year, month: m, day: d)
    }

    /// The text of a year in this shape (what `calendar import` reads back the same).
    public static func text(_ year: CalendarYear) -> String {
        var lines = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
                     "<calendar year=\"\(year.year)\" source=\"\(escape(year.source))\">", "    <days>"]
        for (day, e) in year.exceptions.sorted(by: { $0.key < $1.key }) {
            let t = e.kind == .dayOff ? "1" : e.kind == .shortened ? "2" : "3"
            let f = e.movedFrom.map { " f=\"\(pad2($0.month)).\(pad2($0.day))\"" } ?? ""
            lines.append("        <day d=\"\(pad2(day.month)).\(pad2(day.day))\" t=\"\(t)\"\(f)/>")
        }
        lines += ["    </days>", "</calendar>", ""]
        return lines.joined(separator: "\n")
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// One element on one line: `<name a="v" …>` or `<name … />`.
    struct Element {
        let name: String
        let attributes: [String: String]
        let selfClosing: Bool

        init?(_ line: String) {
            guard line.hasPrefix("<"), line.hasSuffix(">"), !line.hasPrefix("</") else { return nil }
            var body = Substring(line.dropFirst().dropLast())
            selfClosing = body.hasSuffix("/")
            if selfClosing { body = body.dropLast() }
            let scalars = Array(body.unicodeScalars)
            var i = 0
            func skipSpaces() { while i < scalars.count, scalars[i] == " " || scalars[i] == "\t" { i += 1 } }
            func word() -> String {
                var w = String.UnicodeScalarView()
                while i < scalars.count, scalars[i].properties.isAlphabetic || ("0"..."9").contains(scalars[i]) || scalars[i] == "_" || scalars[i] == "-" {
                    w.append(scalars[i]); i += 1
                }
                return String(w)
            }
            let name = word()
            guard !name.isEmpty else { return nil }
            var attributes: [String: String] = [:]
            while true {
                let before = i
                skipSpaces()
                if i == scalars.count { break }
                guard i > before else { return nil }
                let key = word()
                guard !key.isEmpty, i < scalars.count, scalars[i] == "=" else { return nil }
                i += 1
                guard i < scalars.count, scalars[i] == "\"" || scalars[i] == "'" else { return nil }
                let quote = scalars[i]
                i += 1
                var value = String.UnicodeScalarView()
                while i < scalars.count, scalars[i] != quote { value.append(scalars[i]); i += 1 }
                guard i < scalars.count, attributes[key] == nil else { return nil }
                i += 1
                // every command reads the shipped years: a value without an entity (all of theirs) is taken as it is
                let text = String(value)
                attributes[key] = !value.contains("&") ? text : text.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
                    .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&apos;", with: "'").replacingOccurrences(of: "&amp;", with: "&")
            }
            self.name = name
            self.attributes = attributes
        }
    }
}
