/// The production calendar as every clerk's program sees it: the shipped years, and the years
/// an admin imported into the database (`calendar_year`, `calendar_day`), which replace a
/// shipped year of the same number.
public enum Calendars {
    /// The calendar of this database: shipped years overlaid by imported ones.
    public static func load(_ db: any Storage) throws -> WorkCalendar {
        var years = Dictionary(ShippedCalendars.years.map { ($0.year, $0) }, uniquingKeysWith: { _, last in last })
        for year in try imported(db) { years[year.year] = year }
        return WorkCalendar(Array(years.values))
    }

    /// The years kept in the database.
    static func imported(_ db: any Storage) throws -> [CalendarYear] {
        var days: [Int: [Day: CalendarYear.Exception]] = [:]
        for row in try db.query("SELECT year, day, kind, moved_from FROM calendar_day ORDER BY day") {
            let year = try row.int("year")
            let dayText = try row.string("day"), kindText = try row.string("kind")
            guard let day = Day(iso: dayText), let kind = DayKind(rawValue: kindText) else {
                throw MyGazError(.database, .calendarStoredBad, .text(String(year)), .text(dayText))
            }
            let from = try row.optString("moved_from")
            days[year, default: [:]][day] = CalendarYear.Exception(kind: kind, movedFrom: from.flatMap(Day.init(iso:)))
        }
        return try db.query("SELECT year, source, imported_at, imported_by FROM calendar_year ORDER BY year").map { row in
            let year = try row.int("year")
            return try CalendarYear(year: year, source: row.string("source"), exceptions: days[year] ?? [:],
                                    origin: .imported(at: row.string("imported_at"), by: row.string("imported_by")))
        }
    }

    /// What an import did.
    public enum Outcome: Sendable, Equatable {
        /// A year the calendar did not know.
        case added
        /// A year it knew (shipped or imported) with other days or another source.
        case replaced
        /// The same days and source as the year it knew: nothing written.
        case unchanged
    }

    /// Checks a file's text whole (`CalendarFile`) and keeps its year in the database, audited;
    /// a bad file throws exit 6 naming the file and the line, and nothing is written.
    public static func importFile(_ session: Session, text: String, file: String) throws -> (year: CalendarYear, outcome: Outcome) {
        let parsed: CalendarYear
        do {
            parsed = try CalendarFile.parse(text, fallbackSource: String(file.split(separator: "/").last ?? Substring(file)))
        } catch let problem as CalendarFile.Problem {
            throw MyGazError(.invalidData, .calendarFileBad, .text(file), .text(String(problem.line)), .message(problem.reason))
        }
        let db = session.db
        return try db.write {
            let before = try load(db).years[parsed.year]
            if let before, before.source == parsed.source, before.exceptions == parsed.exceptions {
                return (before, .unchanged)
            }
            try db.run("DELETE FROM calendar_day WHERE year = ?", parsed.year)
            try db.run("""
                INSERT INTO calendar_year (year, source, imported_at, imported_by) VALUES (?, ?, ?, ?)
                ON CONFLICT (year) DO UPDATE SET source = excluded.source, imported_at = excluded.imported_at, imported_by = excluded.imported_by
                """, parsed.year, parsed.source, session.now, session.login)
            for (day, e) in parsed.exceptions.sorted(by: { $0.key < $1.key }) {
                try db.run("INSERT INTO calendar_day (day, year, kind, moved_from) VALUES (?, ?, ?, ?)",
                           day.iso, parsed.year, e.kind.rawValue, e.movedFrom?.iso)
            }
            try session.audit("calendar.import", .calendar, parsed.year, old: before?.source, new: parsed.source)
            var kept = parsed
            kept.origin = .imported(at: session.now, by: session.login)
            return (kept, before == nil ? .added : .replaced)
        }
    }
}
