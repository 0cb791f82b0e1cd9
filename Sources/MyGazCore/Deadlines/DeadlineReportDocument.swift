import Foundation

/// `report deadlines --output FILE.pdf`: the report on one A4 page, with the same charts as the
/// terminal's: per RGK and kind a bar of the share decided on time, and the month's decisions
/// per day as columns. Operators follow as many as the page holds (the CSV has them all).
public enum DeadlineReportDocument {
    static let kinds: [DeadlineReport.Kind: L] = [
        .reading: L("readings", "показания"), .application: L("applications", "заявки"), .ticket: L("tickets", "обращения"),
    ]

    public static func pdf(_ report: DeadlineReport, russian ru: Bool, fonts: [TrueTypeFont]) throws -> [UInt8] {
        var page = PDFPage(fonts: fonts)
        let left = 42.0, right = PDFPage.a4.width - 42
        var y = 60.0
        let month = ru ? BillDocument.monthName(report.month) : report.month
        page.text(L("Deadlines: decisions of ", "Сроки: решения за ")(russian: ru) + month, x: left, y: y, size: 16, weight: .bold)
        y += 18
        let total = report.perDay.reduce(0, +)
        page.text(L("Decided in the month: \(total)", "Решено за месяц: \(total)")(russian: ru), x: left, y: y, size: 10, gray: 0.3)
        y += 26

        // the RGKs' rows: a table with a bar of the share on time
        let columns: [(L, Double, Bool)] = [
            (L("RGK", "РГК"), left, false), (L("Kind", "Вид"), left + 70, false), (L("Decided", "Решено"), left + 185, true),
            (L("On time", "В срок"), left + 235, true), (L("Share on time", "Доля в срок"), left + 245, false),
            (L("Median", "Медиана"), left + 420, true), (L("90%", "90%"), left + 455, true), (L("Overdue", "Просрочено"), right, true),
        ]
        func header(first: L) {
            for (i, (title, x, alignRight)) in columns.enumerated() {
                page.text((i == 0 ? first : title)(russian: ru), x: x, y: y, size: 8.5, weight: .bold, alignRight: alignRight)
            }
            page.line(from: (left, y + 4), to: (right, y + 4), width: 0.5)
            y += 16
        }
        page.text(L("By RGK", "По РГК")(russian: ru), x: left, y: y, size: 12, weight: .bold)
        y += 16
        header(first: L("RGK", "РГК"))
        func row(_ r: DeadlineReport.Row, first: String) {
            let cells: [(String, Double, Bool)] = [
                (first, left, false), (kinds[r.kind]!(russian: ru), left + 70, false), (String(r.decided), left + 185, true),
                (String(r.onTime), left + 235, true), (r.median.map(String.init) ?? "—", left + 420, true),
                (r.p90.map(String.init) ?? "—", left + 455, true), (r.overdueNow.map(String.init) ?? "—", right, true),
            ]
            for (text, x, alignRight) in cells { page.text(text, x: x, y: y, size: 9, alignRight: alignRight) }
            if let share = r.onTimeShare {
                page.box(x: left + 245, y: y - 8, width: 110, height: 9, lineWidth: 0.3)
                page.fill(x: left + 245, y: y - 8, width: 110 * share, height: 9, gray: share < 0.9 ? 0.25 : 0.55)
                page.text("\(Int((share * 100).rounded())) %", x: left + 360, y: y, size: 9)
            }
            y += 14
        }
        for r in report.rows where r.operator == nil {
            row(r, first: r.rgk == DeadlineReport.supportChannel ? L("support", "поддержка")(russian: ru) : r.rgk)
        }

        // the month's decisions per day
        y += 18
        page.text(L("Decisions per day", "Решения по дням")(russian: ru), x: left, y: y, size: 12, weight: .bold)
        y += 12
        let chartHeight = 120.0, top = Double(max(1, report.perDay.max() ?? 0))
        let step = (right - left - 30) / Double(max(1, report.perDay.count))
        page.line(from: (left + 28, y), to: (left + 28, y + chartHeight), width: 0.5)
        page.line(from: (left + 28, y + chartHeight), to: (right, y + chartHeight), width: 0.5)
        page.text(String(Int(top)), x: left + 24, y: y + 6, size: 8, alignRight: true)
        page.text("0", x: left + 24, y: y + chartHeight, size: 8, alignRight: true)
        for (i, n) in report.perDay.enumerated() {
            let h = chartHeight * Double(n) / top
            let x = left + 30 + Double(i) * step
            if n > 0 { page.fill(x: x + 1, y: y + chartHeight - h, width: step - 2, height: h, gray: 0.35) }
            if [0, 4, 9, 14, 19, 24, 29].contains(i) { page.text(String(i + 1), x: x + 1, y: y + chartHeight + 11, size: 8) }
        }
        y += chartHeight + 34

        // the operators, as many as the page holds
        let operators = report.rows.filter { $0.operator != nil }
        if !operators.isEmpty && y < PDFPage.a4.height - 90 {
            page.text(L("By operator", "По операторам")(russian: ru), x: left, y: y, size: 12, weight: .bold)
            y += 16
            header(first: L("Operator", "Оператор"))
            for r in operators where y < PDFPage.a4.height - 40 { row(r, first: (r.operator ?? "—") + " · " + r.rgk) }
        }
        if !report.unknownYears.isEmpty {
            page.text(L("Not counted: the production calendar of \(report.unknownYears.map(String.init).joined(separator: ", ")) is not known",
                        "Не учтено: нет производственного календаря на \(report.unknownYears.map(String.init).joined(separator: ", "))")(russian: ru),
                      x: left, y: PDFPage.a4.height - 28, size: 8, gray: 0.3)
        }
        return page.render(title: L("Deadlines ", "Сроки ")(russian: ru) + report.month)
    }
}
