import Foundation
import MyGazCore

/// An item's deadline as people read it (docs/deadlines.md): in a record's «Срок» line and in a
/// list's СРОК and ОСТАТОК columns; JSON `due_at` (a date or null) and `overdue`.
enum DueView {
    /// What is left: «осталось 2 раб. дн.», «срок сегодня», «просрочено на 3 дн.»; paused while
    /// the item waits on the customer; unknown where the calendar lacks the year (never a guess).
    /// `short`: a list's cell, which must leave room for the row at 80 columns.
    static func left(_ report: DueReport?, _ lang: Lang, short: Bool = false) -> (text: String, overdue: Bool) {
        switch report?.due {
        case .on?:
            switch report?.left {
            case .workingDaysLeft(let n)?:
                return (short ? L("\(n) work days", "еще \(n) раб. дн.")(lang) : L("\(n) working days left", "осталось \(n) раб. дн.")(lang), false)
            case .dueToday?: return (short ? L("today", "сегодня")(lang) : L("due today", "срок сегодня")(lang), false)
            case .overdue(let n)?:
                return (short ? L("\(n) days late", "просрочка \(n) дн.")(lang) : L("overdue by \(n) days", "просрочено на \(n) дн.")(lang), true)
            case nil: return ("", false)
            }
        case .paused(let since)?:
            return short ? (L("paused", "пауза")(lang), false)
                : (L("paused since \(since.russian): waiting on the customer", "приостановлен с \(since.russian): ждем ответа клиента")(lang), false)
        case .unknown(let year)?:
            return short ? (L("no \(year) calendar", "нет календаря \(year)")(lang), false)
                : (L("unknown: import the production calendar for \(year)", "неизвестен: импортируйте производственный календарь на \(year) год")(lang), false)
        case nil:
            return ("", false)
        }
    }

    /// The due line of a record or a review card: the date and what is left.
    static func line(_ report: DueReport?, _ lang: Lang) -> (text: String, overdue: Bool) {
        let (left, overdue) = self.left(report, lang)
        if case .on(let day)? = report?.due { return (left.isEmpty ? day.russian : "\(day.russian) — \(left)", overdue) }
        return (left.isEmpty ? "—" : left, overdue)
    }

    /// The due line of a record.
    static func fields(_ r: inout Record, _ report: DueReport?, _ out: Output) {
        let (display, overdue) = line(report, out.lang)
        var value = Value.null
        if case .on(let day)? = report?.due { value = .text(day.iso) }
        r.field("due_at", L("Due", "Срок"), value, display: display, style: overdue ? .red : .plain)
        r.field("overdue", L("Overdue", "Просрочено"), .bool(overdue), .machineOnly)
    }

    /// A list's columns, after its own: at a narrow terminal the date goes (`datePriority`,
    /// as `Column.priority`) before what is left, which stays.
    static func columns(datePriority: Int) -> [Column] {
        [Column("due_at", L("DUE", "СРОК"), priority: datePriority), Column("left", L("LEFT", "ОСТАТОК"), .humanOnly),
         Column("overdue", L("OVERDUE", "ПРОСРОЧЕНО"), .machineOnly)]
    }

    /// A list row's cells for `columns`; an item that is not due (decided, closed) has none.
    static func cells(_ report: DueReport?, _ out: Output) -> [Cell] {
        let (left, overdue) = self.left(report, out.lang, short: true)
        var date = Cell(.null, display: "—")
        if case .on(let day)? = report?.due { date = Cell(.text(day.iso), display: day.russian, style: overdue ? .red : .plain) }
        return [date, Cell(.text(left), display: left.isEmpty ? "—" : left, style: overdue ? .red : report?.left == .dueToday ? .yellow : .plain),
                Cell(.bool(overdue))]
    }
}
