import Foundation

/// `report deadlines --output FILE.pdf`: the report on one A4 page, with the same charts as the
/// terminal's: per RGK and kind a bar of the share decided on time, and the month's decisions
/// per day as columns. Operators follow as many as the page holds, the page saying how many rows
/// it leaves to the CSV (which has them all).
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
        page.text(L("By RGK", "По РГК")(russian: ru), x: left, y: y, size: 12, weight: .bold)
        y += 16
        table(&page, y: &y, left: left, right: right, russian: ru, first: L("RGK", "РГК"), overdue: true,
              rows: report.rows.filter { $0.operator == nil }.map { (DeadlineReport.rgkLabel($0.rgk)(russian: ru), "", $0) },
              bottom: PDFPage.a4.height - 40 - chartRoom)

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
        if !operators.isEmpty && y >= PDFPage.a4.height - 90 {
            page.text(more(operators.count, russian: ru), x: left, y: y, size: cellSize, gray: 0.3)
        } else if !operators.isEmpty {
            page.text(L("By operator", "По операторам")(russian: ru), x: left, y: y, size: 12, weight: .bold)
            y += 16
            // what is overdue now is the RGK's, not an operator's: no column for it
            table(&page, y: &y, left: left, right: right, russian: ru, first: L("Operator · RGK", "Оператор · РГК"), overdue: false,
                  rows: operators.map { ($0.operator ?? "—", " · " + DeadlineReport.rgkLabel($0.rgk)(russian: ru), $0) },
                  bottom: PDFPage.a4.height - 40)
        }
        if !report.unknownYears.isEmpty {
            let years = report.unknownYears.map { year in
                let n = report.leftOut[year] ?? 0
                return L("\(year): \(n) decision\(n == 1 ? "" : "s")", "\(year) г.: решений \(n)")(russian: ru)
            }.joined(separator: "; ")
            page.text(L("Not counted in the shares and the days, no production calendar for ", "Не учтено в долях и днях, нет производственного календаря на ")(russian: ru)
                      + years,
                      x: left, y: PDFPage.a4.height - 28, size: 8, gray: 0.3)
        }
        return page.render(title: L("Deadlines ", "Сроки ")(russian: ru) + report.month)
    }

    static let headerSize = 8.5, cellSize = 9.0, gap = 12.0, barHeight = 9.0, rowHeight = 14.0
    /// The height the day chart and its heading take below the RGKs' table (whose last line may
    /// end a row below its bottom).
    static let chartRoom = rowHeight + 18 + 12 + 120 + 34

    /// «… и еще 12 строк — все они в --format csv»: the rows a table leaves off the page.
    static func more(_ n: Int, russian ru: Bool) -> String {
        L("… and \(n) more row\(n == 1 ? "" : "s"): --format csv has them all",
          "… и еще \(n) \(Plural.choose(Int64(n), ["строка", "строки", "строк"], russian: true)): все они — в --format csv")(russian: ru)
    }

    /// One table of rows under a header, its columns laid out from the measured widths of their
    /// header and cells, a gap between each two: the share's bar takes the room left (40 to 110
    /// points), and when even the least bar leaves too little the first column (an RGK, an
    /// operator · RGK) is cut with «…», its `head` (an operator's login) before its `tail` (« · RGK»,
    /// which tells an operator's rows apart). Rows go down to `bottom`; those that do not fit
    /// are counted on the last line (`more`).
    static func table(_ page: inout PDFPage, y: inout Double, left: Double, right: Double, russian ru: Bool, first: L, overdue: Bool,
                      rows: [(head: String, tail: String, row: DeadlineReport.Row)], bottom: Double) {
        func percent(_ share: Double) -> String { "\(Int((share * 100).rounded())) %" }
        let headers = [first, L("Kind", "Вид"), L("Decided", "Решено"), L("On time", "В срок"), L("Share on time", "Доля в срок"),
                       L("Median", "Медиана"), L("90%", "90%")] + (overdue ? [L("Overdue now", "Просрочено")] : [])
        let share = 4
        let cells: [[String]] = rows.map { head, tail, r in
            [head + tail, kinds[r.kind]!(russian: ru), String(r.decided), String(r.onTime), r.onTimeShare.map(percent) ?? "—",
             r.median.map(String.init) ?? "—", r.p90.map(String.init) ?? "—"] + (overdue ? [r.overdueNow.map(String.init) ?? "—"] : [])
        }
        let alignRight = headers.indices.map { $0 >= 2 && $0 != share }
        var widths = headers.indices.map { i in
            cells.reduce(page.textWidth(headers[i](russian: ru), size: headerSize, weight: .bold)) { max($0, page.textWidth($1[i], size: cellSize)) }
        }
        let percentWidth = cells.reduce(page.textWidth("100 %", size: cellSize)) { max($0, page.textWidth($1[share], size: cellSize)) }
        let others = widths.indices.filter { $0 != share }.reduce(0) { $0 + widths[$1] } + gap * Double(widths.count - 1)
        let bar = min(110, max(40, right - left - others - 4 - percentWidth))
        widths[share] = max(page.textWidth(headers[share](russian: ru), size: headerSize, weight: .bold), bar + 4 + percentWidth)
        // what does not fit comes off the first column
        let over = widths.reduce(0, +) + gap * Double(widths.count - 1) - (right - left)
        if over > 0.01 { widths[0] = max(30, widths[0] - over) }
        var x = [left]
        for w in widths.dropLast() { x.append(x.last! + w + gap) }
        func fits(_ text: String) -> Bool { page.textWidth(text, size: cellSize) <= widths[0] + 0.01 }
        func cut(_ head: String, _ tail: String) -> String {
            if fits(head + tail) { return head + tail }
            var kept = head
            while !kept.isEmpty && !fits(kept + "…" + tail) { kept.removeLast() }
            if !kept.isEmpty { return kept + "…" + tail }
            kept = head + tail
            while !kept.isEmpty && !fits(kept + "…") { kept.removeLast() }
            return kept + "…"
        }

        for (i, title) in headers.enumerated() {
            page.text(title(russian: ru), x: alignRight[i] ? x[i] + widths[i] : x[i], y: y, size: headerSize, weight: .bold, alignRight: alignRight[i])
        }
        page.line(from: (left, y + 4), to: (right, y + 4), width: 0.5)
        y += 16
        var room = 0, probe = y
        while probe < bottom && room <= rows.count { room += 1; probe += rowHeight }
        let shown = rows.count <= room ? rows.count : max(0, room - 1)
        for (given, texts) in zip(rows, cells).prefix(shown) {
            let row = given.row
            for (i, text) in texts.enumerated() {
                if i == share, let s = row.onTimeShare {
                    page.box(x: x[i], y: y - 8, width: bar, height: barHeight, lineWidth: 0.3)
                    page.fill(x: x[i], y: y - 8, width: bar * s, height: barHeight, gray: s < 0.9 ? 0.25 : 0.55)
                    page.text(text, x: x[i] + bar + 4, y: y, size: cellSize)
                } else {
                    page.text(i == 0 ? cut(given.head, given.tail) : text, x: alignRight[i] ? x[i] + widths[i] : x[i], y: y, size: cellSize, alignRight: alignRight[i])
                }
            }
            y += rowHeight
        }
        if shown < rows.count {
            page.text(more(rows.count - shown, russian: ru), x: left, y: y, size: cellSize, gray: 0.3)
            y += rowHeight
        }
    }
}
