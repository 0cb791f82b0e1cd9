import MyGazCore

/// The production calendar as a person reads it: month grids (Monday first), three months
/// a row, each day followed by its mark — `*` a day off, `+` a Saturday or Sunday that is
/// worked, `~` a shortened working day — 69 columns wide, so a year fits 80.
enum CalendarView {
    static let monthNames = [
        L("January", "Январь"), L("February", "Февраль"), L("March", "Март"), L("April", "Апрель"), L("May", "Май"), L("June", "Июнь"),
        L("July", "Июль"), L("August", "Август"), L("September", "Сентябрь"), L("October", "Октябрь"), L("November", "Ноябрь"),
        L("December", "Декабрь"),
    ]
    static let weekdays = L("Mo Tu We Th Fr Sa Su", "Пн Вт Ср Чт Пт Сб Вс")
    static let monthWidth = 21

    /// The mark after a day's number.
    static func mark(_ day: Day, _ kind: DayKind) -> String {
        switch kind {
        case .dayOff: return "*"
        case .working, .shortened:
            if day.isWeekend { return "+" }
            return kind == .shortened ? "~" : " "
        }
    }

    /// One month: its name, the weekdays, and up to six weeks, each line `monthWidth` wide.
    static func month(_ year: CalendarYear, _ month: Int, _ lang: Lang) -> [String] {
        let title = "\(monthNames[month - 1](russian: lang == .ru)) \(year.year)"
        let pad = max(0, (monthWidth - DisplayWidth.of(title)) / 2)
        var lines = [DisplayWidth.pad(String(repeating: " ", count: pad) + title, to: monthWidth), weekdays(russian: lang == .ru) + " "]
        let first = Day(year: year.year, month: month, day: 1)!
        var line = String(repeating: "   ", count: first.weekday - 1)
        for d in 1...Day.daysIn(month: month, year: year.year) {
            let day = Day(year: year.year, month: month, day: d)!
            line += (d < 10 ? " " : "") + "\(d)" + mark(day, year.kind(day))
            if day.weekday == 7 { lines.append(line); line = "" }
        }
        if !line.isEmpty { lines.append(DisplayWidth.pad(line, to: monthWidth)) }
        while lines.count < 8 { lines.append(String(repeating: " ", count: monthWidth)) }
        return lines
    }

    /// The months side by side, three a row, with a blank line between rows.
    static func grid(_ year: CalendarYear, months: [Int], _ lang: Lang) -> [String] {
        var out: [String] = []
        for start in stride(from: 0, to: months.count, by: 3) {
            let row = months[start..<min(start + 3, months.count)].map { month(year, $0, lang) }
            if start > 0 { out.append("") }
            for i in 0..<row[0].count {
                let joined = row.map { $0[i] }.joined(separator: "   ")
                out.append(String(joined.reversed().drop { $0 == " " }.reversed()))
            }
            while out.last == "" { out.removeLast() }
        }
        return out
    }

    static let legend = L("* day off   + Saturday or Sunday worked   ~ shortened working day",
                          "* выходной или праздник   + рабочая суббота или воскресенье   ~ сокращенный день")

    static func kindWords(_ day: Day, _ e: CalendarYear.Exception, _ lang: Lang) -> String {
        let ru = lang == .ru
        switch e.kind {
        case .dayOff:
            if let from = e.movedFrom {
                return ru ? "выходной (перенесен с \(from.russian))" : "day off (moved from \(from.russian))"
            }
            return ru ? "нерабочий праздничный день" : "non-working holiday"
        case .shortened:
            return day.isWeekend ? (ru ? "рабочий выходной, сокращенный на час" : "weekend day worked, one hour shorter")
                                 : (ru ? "сокращенный на час рабочий день" : "working day one hour shorter")
        case .working:
            return ru ? "рабочий выходной" : "weekend day worked"
        }
    }

    /// The lines of `calendar show`: the decree, the grid, the legend; for one month also each
    /// day that differs from its weekday; for a year its totals.
    static func lines(_ year: CalendarYear, month: Int?, _ lang: Lang) -> [String] {
        let ru = lang == .ru
        var out = [ru ? "Производственный календарь на \(year.year) год" : "Production calendar \(year.year)"]
        out += DisplayWidth.wrap(year.source, to: 69)
        out.append("")
        out += grid(year, months: month.map { [$0] } ?? Array(1...12), lang)
        out += ["", legend(russian: ru)]
        if let month {
            let days = year.exceptions.filter { $0.key.month == month }.sorted { $0.key < $1.key }
            if !days.isEmpty { out.append("") }
            for (day, e) in days { out.append("  \(day.russian)  \(kindWords(day, e, lang))") }
        } else {
            let c = year.counts
            out.append(ru ? "Рабочих дней \(c.worked) (из них сокращенных \(c.shortened)), выходных и праздничных \(c.off)."
                          : "\(c.worked) working days (\(c.shortened) of them shortened), \(c.off) days off.")
        }
        return out
    }
}
