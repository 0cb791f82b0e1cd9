/// The production calendars the program ships, one file's text a year, in the shape
/// `CalendarFile` reads (docs/calendar.md). Compiled in, so the program needs no file beside it;
/// `calendar import` adds a later year, or replaces one of these, in the database.
/// `WorkCalendarTests` checks each day by day against the decrees' lists and the `holidays`
/// package.
enum ShippedCalendars {
    static let texts = [y2025, y2026, y2027]

    /// Government decree of 04.10.2024 No. 1335; the Labour Code, art. 95 and 112.
    static let y2025 = """
    <?xml version="1.0" encoding="UTF-8"?>
    <calendar year="2025" source="Постановление Правительства РФ от 04.10.2024 № 1335">
        <days>
            <day d="01.01" t="1"/>
            <day d="01.02" t="1"/>
            <day d="01.03" t="1"/>
            <day d="01.04" t="1"/>
            <day d="01.05" t="1"/>
            <day d="01.06" t="1"/>
            <day d="01.07" t="1"/>
            <day d="01.08" t="1"/>
            <day d="02.23" t="1"/>
            <day d="03.07" t="2"/>
            <day d="03.08" t="1"/>
            <day d="04.30" t="2"/>
            <day d="05.01" t="1"/>
            <day d="05.02" t="1" f="01.04"/>
            <day d="05.08" t="1" f="02.23"/>
            <day d="05.09" t="1"/>
            <day d="06.11" t="2"/>
            <day d="06.12" t="1"/>
            <day d="06.13" t="1" f="03.08"/>
            <day d="11.01" t="2"/>
            <day d="11.03" t="1" f="11.01"/>
            <day d="11.04" t="1"/>
            <day d="12.31" t="1" f="01.05"/>
        </days>
    </calendar>
    """

    /// Government decree of 24.09.2025 No. 1466; the Labour Code, art. 95 and 112 (8 March and
    /// 9 May fall on a weekend: the day off moves to the next working day).
    static let y2026 = """
    <?xml version="1.0" encoding="UTF-8"?>
    <calendar year="2026" source="Постановление Правительства РФ от 24.09.2025 № 1466">
        <days>
            <day d="01.01" t="1"/>
            <day d="01.02" t="1"/>
            <day d="01.03" t="1"/>
            <day d="01.04" t="1"/>
            <day d="01.05" t="1"/>
            <day d="01.06" t="1"/>
            <day d="01.07" t="1"/>
            <day d="01.08" t="1"/>
            <day d="01.09" t="1" f="01.03"/>
            <day d="02.23" t="1"/>
            <day d="03.08" t="1"/>
            <day d="03.09" t="1" f="03.08"/>
            <day d="04.30" t="2"/>
            <day d="05.01" t="1"/>
            <day d="05.08" t="2"/>
            <day d="05.09" t="1"/>
            <day d="05.11" t="1" f="05.09"/>
            <day d="06.11" t="2"/>
            <day d="06.12" t="1"/>
            <day d="11.03" t="2"/>
            <day d="11.04" t="1"/>
            <day d="12.31" t="1" f="01.04"/>
        </days>
    </calendar>
    """

    /// Government decree of 17.09.2026 No. 1187 «О переносе выходных дней в 2027 году»
    /// (published 18.09.2026); the Labour Code, art. 95 and 112 (1 May, 9 May and 12 June fall
    /// on a weekend). Its number and lists were read from public copies of the decree, not from
    /// the official publication itself: docs/calendar.md says so.
    static let y2027 = """
    <?xml version="1.0" encoding="UTF-8"?>
    <calendar year="2027" source="Постановление Правительства РФ от 17.09.2026 № 1187">
        <days>
            <day d="01.01" t="1"/>
            <day d="01.02" t="1"/>
            <day d="01.03" t="1"/>
            <day d="01.04" t="1"/>
            <day d="01.05" t="1"/>
            <day d="01.06" t="1"/>
            <day d="01.07" t="1"/>
            <day d="01.08" t="1"/>
            <day d="02.20" t="2"/>
            <day d="02.22" t="1" f="02.20"/>
            <day d="02.23" t="1"/>
            <day d="03.08" t="1"/>
            <day d="04.30" t="2"/>
            <day d="05.01" t="1"/>
            <day d="05.03" t="1" f="05.01"/>
            <day d="05.09" t="1"/>
            <day d="05.10" t="1" f="05.09"/>
            <day d="06.11" t="2"/>
            <day d="06.12" t="1"/>
            <day d="06.14" t="1" f="06.12"/>
            <day d="11.03" t="2"/>
            <day d="11.04" t="1"/>
            <day d="11.05" t="1" f="01.02"/>
            <day d="12.31" t="1" f="01.03"/>
        </days>
    </calendar>
    """

    /// The shipped years, read once (a shipped file that does not read is the program's fault,
    /// which `WorkCalendarTests` catches before any release).
    static let years: [CalendarYear] = texts.map { text in
        do { return try CalendarFile.parse(text, fallbackSource: "shipped") } catch {
            preconditionFailure("a shipped production calendar does not read: \(error)")
        }
    }
}
