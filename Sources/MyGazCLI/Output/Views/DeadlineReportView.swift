import Foundation
import MyGazCore

/// `report deadlines` as people read it at 80 columns (bars of Unicode blocks) and as numbers.
enum DeadlineReportView {
    static let kinds: [DeadlineReport.Kind: L] = [
        .reading: L("readings", "показания"), .application: L("applications", "заявки"), .ticket: L("tickets", "обращения"),
    ]

    /// The share's bar, in cells: 12 columns with its figure (« 100 %»), so that the operators'
    /// table, the widest, keeps every column (its RGK above all) at 80 columns in either language.
    static let barWidth = 6

    /// A share as a bar of `width` cells, to an eighth of a cell.
    static func bar(_ share: Double, width: Int) -> String {
        let eighths = Int((max(0, min(1, share)) * Double(width * 8)).rounded())
        let partial = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths % 8]
        let text = String(repeating: "█", count: eighths / 8) + partial
        return text + String(repeating: " ", count: width - DisplayWidth.of(text))
    }

    /// The month's decisions per day as columns of blocks, `height` rows high, with the scale on
    /// the left and the days under them: 5 + 2 × 31 columns at most.
    static func dayChart(_ perDay: [Int], height: Int = 6) -> [String] {
        let top = max(1, perDay.max() ?? 0)
        let scale = String(top).count
        var lines: [String] = []
        for row in stride(from: height - 1, through: 0, by: -1) {
            var line = (row == height - 1 ? String(top) : row == 0 ? "0" : "")
            line = String(repeating: " ", count: scale - line.count) + line + (row == height - 1 || row == 0 ? " ┤" : " │")
            for n in perDay {
                let filled = Int((Double(n) / Double(top) * Double(height * 8)).rounded()) - row * 8
                line += (filled <= 0 ? " " : filled >= 8 ? "█" : ["▁", "▂", "▃", "▄", "▅", "▆", "▇"][filled - 1]) + " "
            }
            lines.append(line)
        }
        let axis = String(repeating: " ", count: scale + 1) + "└" + String(repeating: "─", count: perDay.count * 2)
        var days = Array(repeating: Character(" "), count: scale + 2 + perDay.count * 2 + 2)
        for day in [1, 5, 10, 15, 20, 25, 30] where day <= perDay.count {
            for (i, c) in String(day).enumerated() { days[scale + 2 + (day - 1) * 2 + i] = c }
        }
        return lines + [axis, String(days).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)]
    }

    /// The rows of the RGKs (`rgkRows` true), of the operators (false), or all of them (nil).
    static func rows(_ report: DeadlineReport, rgkRows: Bool?, _ out: Output) -> Table {
        let lang = out.lang
        // the RGK tells an operator's rows apart (one login works for several RGKs): it stays at a
        // narrow terminal, the 90th percentile goes first
        var columns = [Column("rgk", L("RGK", "РГК"))]
        if rgkRows != true { columns.append(Column("operator", L("OPERATOR", "ОПЕРАТОР"), cut: 10)) }
        columns += [
            Column("kind", L("KIND", "ВИД")), Column("decided", L("DECIDED", "РЕШЕНО"), align: .right),
            Column("on_time", L("ON TIME", "В СРОК"), align: .right),
            Column("due_unknown", L("DUE UNKNOWN", "СРОК НЕИЗВЕСТЕН"), align: .right, .machineOnly),
            Column("on_time_share", L("SHARE", "ДОЛЯ В СРОК")),
            Column("median_working_days", L("MEDIAN", "МЕДИАНА"), align: .right),
            Column("p90_working_days", L("90%", "90%"), align: .right, priority: 1),
        ]
        if rgkRows != false { columns.append(Column("overdue_now", L("OVERDUE", "ПРОСРОЧЕНО"), align: .right)) }
        var t = Table(columns)
        for r in report.rows where rgkRows == nil || (r.operator == nil) == rgkRows! {
            var cells = [Cell(.text(r.rgk), display: DeadlineReport.rgkLabel(r.rgk)(lang))]
            if rgkRows != true { cells.append(Cell(.of(r.operator), display: r.operator ?? "—")) }
            let share = r.onTimeShare
            cells += [
                Cell(.text(r.kind.rawValue), display: kinds[r.kind]!(lang)),
                Cell(.int(Int64(r.decided)), display: Format.grouped(Int64(r.decided), lang)),
                Cell(.int(Int64(r.onTime)), display: Format.grouped(Int64(r.onTime), lang)),
                Cell(.int(Int64(r.dueUnknown))),
                Cell(share.map { .text(String(format: "%.3f", $0)) } ?? .null,
                     display: share.map { bar($0, width: barWidth) + String(format: " %3d %%", Int(($0 * 100).rounded())) } ?? "—",
                     style: share.map { $0 < 0.9 ? .red : .plain } ?? .dim),
                Cell(.of(r.median.map(Int64.init)), display: r.median.map(String.init) ?? "—"),
                Cell(.of(r.p90.map(Int64.init)), display: r.p90.map(String.init) ?? "—"),
            ]
            if rgkRows != false {
                cells.append(Cell(.of(r.overdueNow.map(Int64.init)), display: r.overdueNow.map { $0 == 0 ? "—" : Format.grouped(Int64($0), lang) } ?? "—",
                                  style: (r.overdueNow ?? 0) > 0 ? .red : .dim))
            }
            t.append(cells)
        }
        return t
    }

    static func record(_ report: DeadlineReport, _ out: Output) -> Record {
        let lang = out.lang
        var r = Record()
        let month = lang == .ru ? BillDocument.monthName(report.month) : report.month
        r.field("month", L("Month", "Месяц"), .text(report.month), display: month)
        r.field("decided", L("Decided", "Решено"), .int(Int64(report.perDay.reduce(0, +))),
                display: Format.grouped(Int64(report.perDay.reduce(0, +)), lang))
        r.section("rgk", L("By RGK", "По РГК"), rows(report, rgkRows: true, out))
        r.section("operators", L("By operator", "По операторам"), rows(report, rgkRows: false, out), hiddenWhenEmpty: true)
        let first = Day(iso: report.month + "-01")!
        // a chart is never wrapped: its lines are columns
        r.section("per_day", L("Decisions per day", "Решения по дням"), lines: dayChart(report.perDay), preformatted: true,
                  value: .array(report.perDay.enumerated().map { i, n in
                      .object([("date", .text(first.adding(days: i).iso)), ("decided", .int(Int64(n)))])
                  }))
        return r
    }
}
