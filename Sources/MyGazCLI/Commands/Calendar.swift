import Foundation
import MyGazCore

/// `calendar`: the Russian production calendar the deadlines are counted on (issue 38).
enum CalendarCommands {
    static let spec = CommandSpec(
        "calendar", L("the production calendar: working days, days off, shortened days", "производственный календарь: рабочие, выходные и сокращенные дни"),
        discussion: L("Deadlines counted in working days use the production calendar of the Russian Federation, which a Government decree sets each year. mygaz-admin ships 2025 (decree of 04.10.2024 No. 1335), 2026 (of 24.09.2025 No. 1466) and 2027 (of 17.09.2026 No. 1187); an admin imports a later year, or replaces one, with 'calendar import FILE', and every clerk's program reads it from the database. A day of a year the calendar does not know is never guessed. The file's shape (xmlcalendar's): docs/calendar.md.",
                      "Сроки в рабочих днях считаются по производственному календарю РФ, который каждый год устанавливает постановление Правительства. В mygaz-admin встроены 2025 год (постановление от 04.10.2024 № 1335), 2026 (от 24.09.2025 № 1466) и 2027 (от 17.09.2026 № 1187); следующий год (или замену) загружает администратор командой «calendar import ФАЙЛ», и программа каждого сотрудника берет его из базы. День года, которого календарь не знает, никогда не угадывается. Формат файла (как у xmlcalendar): docs/calendar.md."),
        subcommands: [
            CommandSpec("show", L("a year or a month as a grid: days off, worked weekend days and shortened days marked",
                                  "год или месяц сеткой: выходные, рабочие субботы и воскресенья, сокращенные дни отмечены"),
                        discussion: L("With --format json, csv or tsv: every day of the range with its date (YYYY-MM-DD) and kind (working, day_off, shortened).",
                                      "С --format json, csv или tsv — каждый день периода: дата (ГГГГ-ММ-ДД) и вид (working, day_off, shortened)."),
                        arguments: [ArgumentSpec("PERIOD", L("a year (YYYY) or a month (YYYY-MM); the current year when left out",
                                                             "год (ГГГГ) или месяц (ГГГГ-ММ); без него — текущий год"), arity: .optional)],
                        examples: [Example("mygaz-admin calendar show 2026-05", L("The May holidays of 2026.", "Майские праздники 2026 года."), featured: true),
                                   Example("mygaz-admin calendar show 2027 --format json", L("Every day of 2027 with its kind.", "Каждый день 2027 года и его вид."))],
                        access: .everyone, handler: show),
            CommandSpec("list", L("the years known and where each comes from", "известные годы и откуда взят каждый"),
                        access: .everyone, handler: list),
            CommandSpec("import", L("add or replace a year from a production calendar file (xmlcalendar's shape)",
                                    "добавить или заменить год из файла производственного календаря (формат xmlcalendar)"),
                        discussion: L("The year is checked whole before anything is written: every day a day of the year, every non-working holiday of the Labour Code a day off, each day off moved from a holiday or a worked weekend day, each worked weekend day the source of one day off. A bad file: one line naming the file and the line, exit 6, nothing changed. Audited.",
                                      "Год проверяется целиком до записи: каждый день — день этого года, каждый нерабочий праздник ТК РФ — выходной, каждый выходной перенесен с праздника или рабочего выходного, с каждого рабочего выходного перенесен один выходной. Ошибочный файл: одна строка с именем файла и номером строки, код 6, ничего не изменено. Записывается в журнал."),
                        arguments: [ArgumentSpec("FILE", L("the year's file", "файл года"), completion: .file)],
                        examples: [Example("mygaz-admin calendar import calendar-2027.xml", L("A year from xmlcalendar's file: it replaces the shipped one.", "Год из файла xmlcalendar: он заменяет встроенный."))],
                        access: .admins, handler: importFile),
            CommandSpec("zones", L("each RGK's time zone, in which its items' days are counted", "часовой пояс каждой РГК, в котором считаются дни ее сроков"),
                        access: .everyone, handler: zones),
            CommandSpec("set-zone", L("set an RGK's time zone (Europe/Moscow by default)", "задать часовой пояс РГК (по умолчанию Europe/Moscow)"),
                        discussion: L("A deadline is counted in the local days of the item's RGK: an item registered at 23:30 in Yekaterinburg is registered on that day there, not on Moscow's. The zone as the system names it (timedatectl list-timezones); another name: exit 2, nothing changed. Audited.",
                                      "Срок считается в местных днях РГК: обращение, зарегистрированное в 23:30 по Екатеринбургу, зарегистрировано в этот день по Екатеринбургу, а не по Москве. Пояс указывается так, как его называет система (timedatectl list-timezones); иное название — код 2, ничего не изменено. Записывается в журнал."),
                        arguments: [ArgumentSpec("RGK", L("the RGK's code", "код РГК"), completion: .live(.rgk)),
                                    ArgumentSpec("ZONE", L("the time zone, e.g. Asia/Yekaterinburg", "часовой пояс, например Asia/Yekaterinburg"))],
                        examples: [Example("mygaz-admin calendar set-zone vologda Europe/Moscow", L("Vologda counts its days in Moscow time.",
                                                                                                     "Вологда считает дни по московскому времени."))],
                        access: .admins, handler: setZone),
        ])

    static func zones(_ inv: Invocation) throws -> ExitStatus {
        var t = Table([Column("rgk", L("RGK", "РГК")), Column("time_zone", L("TIME ZONE", "ЧАСОВОЙ ПОЯС")),
                       Column("utc_offset", L("UTC OFFSET", "СМЕЩЕНИЕ ОТ UTC"), align: .right)])
        let zones = try RGKZones.load(inv.db)
        for code in try RGK.codes(inv.db) {
            let zone = zones[code] ?? Deadlines.defaultZone
            let seconds = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(inv.clock.now)))
            let offset = (seconds < 0 ? "−" : "+") + String(format: "%02d:%02d", abs(seconds) / 3600, abs(seconds) % 3600 / 60)
            t.append([Cell(.text(code)), Cell(.text(zone.identifier)), Cell(.int(Int64(seconds)), display: offset)])
        }
        inv.out.table(t)
        return .success
    }

    static func setZone(_ inv: Invocation) throws -> ExitStatus {
        let code = inv.argument("RGK")!
        let (old, new) = try RGKZones.set(inv.session, rgk: code, zone: inv.argument("ZONE")!)
        if inv.out.isHuman {
            if old == new { inv.out.say(.rgkZoneSame, .text(code), .text(new)) } else { inv.out.say(.rgkZoneSet, .text(code), .text(old), .text(new)) }
        } else {
            var r = Record()
            r.field("rgk", L("RGK", "РГК"), .text(code))
            r.field("time_zone", L("Time zone", "Часовой пояс"), .text(new))
            r.field("changed", L("Changed", "Изменен"), .bool(old != new))
            inv.out.record(r)
        }
        return .success
    }

    /// `2026` or `2026-05`.
    static func period(_ text: String?, today: Day) throws -> (year: Int, month: Int?) {
        guard let text else { return (today.year, nil) }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 1, text.count == 4, text.allSatisfy({ ("0"..."9").contains($0) }), let y = Int(text), y > 0 { return (y, nil) }
        if parts.count == 2, parts[0].count == 4, parts[1].count == 2, let y = Int(parts[0]), let m = Int(parts[1]), y > 0, (1...12).contains(m),
           parts.allSatisfy({ $0.allSatisfy { ("0"..."9").contains($0) } }) {
            return (y, m)
        }
        throw MyGazError.usage(.calendarBadRange, .text(text))
    }

    static func show(_ inv: Invocation) throws -> ExitStatus {
        let (y, month) = try period(inv.argument("PERIOD"), today: inv.clock.today)
        let year = try Calendars.load(inv.db).year(y)
        if inv.out.isHuman {
            inv.io.stdout.write(CalendarView.lines(year, month: month, inv.out.lang).joined(separator: "\n") + "\n")
            return .success
        }
        var t = Table([Column("date", L("DATE", "ДАТА")), Column("kind", L("KIND", "ВИД"))])
        for day in year.days where month == nil || day.month == month {
            t.append([Cell(.text(day.iso)), Cell(.text(year.kind(day).rawValue))])
        }
        inv.out.table(t)
        return .success
    }

    static func list(_ inv: Invocation) throws -> ExitStatus {
        var t = Table([Column("year", L("YEAR", "ГОД"), align: .right), Column("source", L("SOURCE", "ИСТОЧНИК")),
                       Column("origin", L("FROM", "ОТКУДА")), Column("imported_at", L("IMPORTED", "ЗАГРУЖЕН"), .machineOnly),
                       Column("imported_by", L("BY", "КЕМ"), .machineOnly),
                       Column("working_days", L("WORK", "РАБ."), align: .right), Column("days_off", L("OFF", "ВЫХ."), align: .right)])
        let ru = inv.out.lang == .ru
        for year in try Calendars.load(inv.db).known {
            let c = year.counts
            let origin: Cell, at: Value, by: Value
            switch year.origin {
            case .shipped:
                origin = Cell(.text("shipped"), display: ru ? "встроен" : "shipped"); at = .null; by = .null
            case .imported(let when, let who):
                origin = Cell(.text("imported"), display: (ru ? "загружен " : "imported ") + String(Timestamp.display(when).prefix(10)))
                at = .text(when); by = .text(who)
            }
            t.append([Cell(.int(Int64(year.year)), display: String(year.year)), Cell(.text(year.source)), origin, Cell(at), Cell(by),
                      Cell(.int(Int64(c.worked))), Cell(.int(Int64(c.off)))])
        }
        inv.out.table(t)
        return .success
    }

    /// A calendar file is small: anything past this is not one.
    static let maxFileBytes = 1 << 20

    static func importFile(_ inv: Invocation) throws -> ExitStatus {
        let path = inv.argument("FILE")!
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw MyGazError(.notFound, .fileMissing, .text(path)) }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw MyGazError(.notFound, .fileUnreadable, .text(path))
        }
        guard data.count <= maxFileBytes, let text = String(data: data, encoding: .utf8) else {
            throw MyGazError(.invalidData, .calendarFileBad, .text(path), "1", .message(Message(.calendarNotAFile)))
        }
        let (year, outcome) = try Calendars.importFile(inv.session, text: text, file: path)
        let c = year.counts
        let key: MessageKey = outcome == .added ? .calendarAdded : outcome == .replaced ? .calendarReplaced : .calendarUnchanged
        inv.out.results([ActionResult(id: String(year.year), outcome: outcome == .unchanged ? .unchanged : .changed, status: nil,
                                      human: Message(key, [.text(String(year.year)), .text(year.source), .int(c.worked), .int(c.off)]),
                                      extra: [("source", .text(year.source)), ("working_days", .int(Int64(c.worked))), ("days_off", .int(Int64(c.off)))])])
        return .success
    }
}
