import Foundation
import Testing
import MyGazCLI

/// `report deadlines` (issue 38): a month's decisions against their deadlines, per RGK, operator
/// and kind, by hand-worked examples of December 2025 (31 December off; a period ending on it
/// moves to Monday 12 January 2026); the numbers read back by Python's csv module, the page by
/// poppler (its text, and its bars as gray pixels of the rendered page).
@Suite struct DeadlineReportTests {
    @Test func aMonthsDecisionsAreCountedOnTimeWithTheirWorkingDays() throws {
        let t = E2E()
        t.demo(accounts: 100)
        let readings = t.sql("""
            SELECT r.id FROM reading r JOIN meter m ON m.id = r.meter_id JOIN account a ON a.id = m.account_id
            WHERE r.status = 'pending' AND a.rgk_id = (SELECT id FROM rgk WHERE code = 'vologda') ORDER BY r.id LIMIT 2
            """).split(separator: "\n").map(String.init)
        #expect(readings.count == 2)
        // sent Sat 20.12.2025, decided Wed 24.12: due 25.12, on time; worked days 22, 23, 24: 3
        _ = t.sql("""
            UPDATE reading SET status = 'accepted', source = 'portal', submitted_at = '2025-12-20T08:00:00Z',
                   decided_at = '2025-12-24T09:00:00Z', decided_by = 'report.clerk' WHERE id = \(readings[0])
            """)
        // sent Fri 28.11.2025 (after the 25th: due 25.12), decided Fri 26.12: late; worked days 1–26 December: 20
        _ = t.sql("""
            UPDATE reading SET status = 'rejected', reason = 'other', message = 'x', source = 'portal', submitted_at = '2025-11-28T08:00:00Z',
                   decided_at = '2025-12-26T09:00:00Z', decided_by = 'report.clerk' WHERE id = \(readings[1])
            """)
        // a ticket of Mon 01.12.2025 answered first on Wed 10.12: due 31.12 (off) → 12.01.2026, on time; worked days 2–10 December: 7
        let ticket = t.sql("SELECT id FROM ticket WHERE status = 'new' AND rgk_id = (SELECT id FROM rgk WHERE code = 'vologda') ORDER BY id LIMIT 1")
        #expect(!ticket.isEmpty)
        _ = t.sql("UPDATE ticket SET created_at = '2025-12-01T07:00:00Z', topic = 'other' WHERE id = \(ticket)")
        _ = t.sql("""
            INSERT INTO ticket_message (ticket_id, at, author_kind, author, body) VALUES
            (\(ticket), '2025-12-10T10:00:00Z', 'operator', 'report.clerk', 'Ответ'),
            (\(ticket), '2025-12-12T10:00:00Z', 'operator', 'report.clerk', 'Еще ответ')
            """)

        // waited on the customer before the decision, 21.10–25.11.2025 (35 days): a ticket of Mon 20.10
        // (30 days: due 19.11) answered on Fri 05.12, and a repair of Mon 20.10 accepted on 05.12, both
        // on time only by their pauses
        let asked = t.sql("SELECT id FROM ticket WHERE status = 'new' AND rgk_id = (SELECT id FROM rgk WHERE code = 'vologda') AND id <> \(ticket) ORDER BY id LIMIT 1")
        _ = t.sql("UPDATE ticket SET created_at = '2025-10-20T07:00:00Z', topic = 'other' WHERE id = \(asked)")
        _ = t.sql("""
            INSERT INTO ticket_message (ticket_id, at, author_kind, author, body, asks) VALUES
            (\(asked), '2025-10-21T10:00:00Z', 'operator', 'report.asker', 'Уточните адрес', 1),
            (\(asked), '2025-11-25T10:00:00Z', 'customer', NULL, 'Ленина, 1', 0),
            (\(asked), '2025-12-05T10:00:00Z', 'operator', 'report.asker', 'Ответ', 0)
            """)
        let waited = t.sql("SELECT id FROM application WHERE rgk_id = (SELECT id FROM rgk WHERE code = 'vologda') ORDER BY id LIMIT 1")
        _ = t.sql("""
            DELETE FROM application_event WHERE application_id = \(waited);
            UPDATE application SET kind = 'repair', status = 'accepted', submitted_at = '2025-10-20T07:00:00Z' WHERE id = \(waited);
            INSERT INTO application_event (application_id, at, actor_kind, actor, from_status, to_status) VALUES
            (\(waited), '2025-10-21T10:00:00Z', 'operator', 'report.asker', 'submitted', 'needs_info'),
            (\(waited), '2025-11-25T10:00:00Z', 'customer', NULL, 'needs_info', 'submitted'),
            (\(waited), '2025-12-05T10:00:00Z', 'operator', 'report.asker', 'submitted', 'accepted');
            """)

        let csv = t.run("report", "deadlines", "--month", "2025-12", "--format", "csv")
        #expect(csv.status == 0, "\(csv)")
        let file = t.dir + "/report.csv"
        try csv.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        let read = E2E.exec("/usr/bin/python3", ["-c", """
            import csv, json, sys
            rows = [r for r in csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')) if r['operator'] == 'report.clerk']
            print(json.dumps(sorted(rows, key=lambda r: r['kind'])))
            """, file])
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(read.stdout.utf8)) as? [[String: String]], "\(read)")
        #expect(rows.count == 2, "\(rows)")
        let reading = rows.first { $0["kind"] == "reading" } ?? [:], answer = rows.first { $0["kind"] == "ticket" } ?? [:]
        #expect(reading["rgk"] == "vologda" && reading["decided"] == "2" && reading["on_time"] == "1" && reading["on_time_share"] == "0.500"
                && reading["median_working_days"] == "3" && reading["p90_working_days"] == "20", "\(reading)")
        #expect(answer["decided"] == "1" && answer["on_time"] == "1" && answer["median_working_days"] == "7", "the first answer only: \(answer)")
        let paused = E2E.exec("/usr/bin/python3", ["-c", """
            import csv, sys
            for r in csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')):
                if r['operator'] == 'report.asker': print(r['kind'], r['decided'], r['on_time'])
            """, file]).stdout
        #expect(paused.split(separator: "\n").sorted() == ["application 1 1", "ticket 1 1"], "on time by their pauses: \(paused)")

        let json = t.run("report", "deadlines", "--month", "12.2025", "--json").jsonObject
        let perDay = json["per_day"] as? [[String: Any]] ?? []
        #expect(perDay.count == 31 && perDay.first?["date"] as? String == "2025-12-01", "\(perDay.prefix(2))")
        #expect((perDay.first { $0["date"] as? String == "2025-12-24" }?["decided"] as? Int ?? 0) >= 1)
        #expect(json["month"] as? String == "2025-12")

        let screen = t.run("--lang", "ru", "report", "deadlines", "--month", "2025-12", "--rgk", "vologda")
        #expect(screen.status == 0 && screen.stdout.contains("ПО РГК") && screen.stdout.contains("РЕШЕНИЯ ПО ДНЯМ")
                && screen.stdout.contains("report.clerk") && screen.stdout.contains("█") && screen.stdout.contains(" 50 %"), "\(screen.stdout)")
        #expect(t.run("report", "deadlines", "--month", "2025-13").status == 2)
        #expect(t.run("report", "deadlines", "--rgk", "nowhere").status == 3)

        // one A4 page: the title in the clerk's language, the rows, and the bars drawn
        let pdf = t.dir + "/report.pdf"
        let wrote = t.run("--lang", "ru", "report", "deadlines", "--month", "2025-12", "--output", pdf)
        #expect(wrote.status == 0, "\(wrote)")
        let text = E2E.exec("/usr/bin/pdftotext", ["-layout", pdf, "-"]).stdout
        #expect(text.contains("Сроки: решения за декабрь 2025 г.") && text.contains("По операторам") && text.contains("report.clerk"), "\(text)")
        let info = BillsE2ETests.read(pdf, in: t).info
        #expect(info["Pages"] == "1" && info["Page size"]?.contains("(A4)") == true, "\(info)")
        _ = E2E.exec("/usr/bin/pdftoppm", ["-r", "50", "-gray", "-singlefile", pdf, t.dir + "/page"])
        let page = try #require(FileManager.default.contents(atPath: t.dir + "/page.pgm"))
        let gray = page.suffix(page.count - 20).filter { (60...170).contains($0) }.count
        #expect(gray > 400, "the bars are drawn: \(gray) gray pixels")
    }

    /// Decisions whose due date falls in a year the calendar lacks (an appeal's 450 days from
    /// November 2026 run into 2028) are decided, but left out of the share on time, and the
    /// report says how many: a personal-data request answered on time beside one is 100 %, not 50.
    @Test func decisionsDueInAYearWithoutACalendarAreLeftOutOfTheSharesAndCounted() throws {
        let t = E2E()
        t.demo(accounts: 100)
        #expect(t.run("config", "set", "ticket.answer_days", "450").status == 0)
        let tickets = t.sql("SELECT id FROM ticket WHERE status = 'new' AND rgk_id = (SELECT id FROM rgk WHERE code = 'vologda') ORDER BY id LIMIT 2")
            .split(separator: "\n").map(String.init)
        try #require(tickets.count == 2)
        // an appeal of Mon 02.11.2026: + 450 days = 26.01.2028, a year with no calendar; answered 10.11
        _ = t.sql("UPDATE ticket SET created_at = '2026-11-02T07:00:00Z', topic = 'other', personal_data = 0 WHERE id = \(tickets[0])")
        // a personal-data request of Mon 02.11.2026: 10 working days (4.11 off) = Tue 17.11; answered 12.11, on time
        _ = t.sql("UPDATE ticket SET created_at = '2026-11-02T07:00:00Z', topic = 'other', personal_data = 1 WHERE id = \(tickets[1])")
        _ = t.sql("""
            INSERT INTO ticket_message (ticket_id, at, author_kind, author, body) VALUES
            (\(tickets[0]), '2026-11-10T08:00:00Z', 'operator', 'year.clerk', 'Ответ'),
            (\(tickets[1]), '2026-11-12T08:00:00Z', 'operator', 'year.clerk', 'Ответ')
            """)
        let csv = t.run("report", "deadlines", "--month", "2026-11", "--format", "csv")
        #expect(csv.status == 0, "\(csv)")
        #expect(csv.stderr.contains("2028") && csv.stderr.contains("1 of the month's decisions"), "how many are left out: \(csv.stderr)")
        let file = t.dir + "/years.csv"
        try csv.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        let rows = E2E.exec("/usr/bin/python3", ["-c", """
            import csv, sys
            for r in csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')):
                if r['rgk'] == 'vologda' and r['kind'] == 'ticket':
                    print(r['operator'] or '-', r['decided'], r['on_time'], r['due_unknown'], r['on_time_share'])
            """, file]).stdout
        #expect(rows.split(separator: "\n").sorted() == ["- 2 1 1 1.000", "year.clerk 2 1 1 1.000"],
                "decided 2, one on time, one left out of the share: \(rows)")
        let russian = t.run("--lang", "ru", "report", "deadlines", "--month", "2026-11")
        #expect(russian.stderr.contains("2028") && russian.stderr.contains("не учтено в долях в срок и днях: 1"), "\(russian.stderr)")
        #expect(russian.stdout.contains("100 %") && !russian.stdout.contains(" 50 %"), "\(russian.stdout)")
        let pdf = t.dir + "/years.pdf"
        #expect(t.run("--lang", "ru", "report", "deadlines", "--month", "2026-11", "--output", pdf).status == 0)
        let text = E2E.exec("/usr/bin/pdftotext", ["-layout", pdf, "-"]).stdout
        #expect(text.contains("2028 г.: решений 1") && text.contains("100 %") && !text.contains("50 %"), "\(text)")
    }

    /// At a terminal of 80 columns (a pseudo-terminal, `stty cols 80`) the per-day chart keeps its
    /// columns — each row's axis under the top tick, a day's bar over its day, the day numbers under
    /// their bars — and the operators' table keeps the RGK that tells one login's rows apart; no
    /// line is wider than 80 columns. In Russian and in English.
    @Test func theChartAndTheOperatorsRGKKeepTheirColumnsAtEightyColumns() throws {
        let t = E2E()
        t.demo(accounts: 100)
        let perDay = (t.run("report", "deadlines", "--month", "2026-07", "--json").jsonObject["per_day"] as? [[String: Any]] ?? [])
            .map { $0["decided"] as? Int ?? -1 }
        #expect(perDay.count == 31 && perDay.filter { $0 > 0 }.count >= 5 && Set(perDay.filter { $0 > 0 }).count >= 2, "\(perDay)")
        let csv = t.run("report", "deadlines", "--month", "2026-07", "--format", "csv").stdout
        let operatorRows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .filter { $0.count > 2 && !$0[1].isEmpty }
        let logins = Dictionary(grouping: operatorRows, by: { String($0[1]) }).mapValues { Set($0.map { String($0[0]) }) }
        #expect(logins.values.contains { $0.count > 1 }, "a login decides in more than one RGK: \(logins)")
        let blocks = Set("▁▂▃▄▅▆▇█")
        for lang in ["ru", "en"] {
            let r = E2E.terminal(["/bin/sh", "-c", "stty cols 80 rows 24 && exec \"$@\"", "sh", E2E.binary, "--db", t.db, "--lang", lang, "--no-color",
                                  "report", "deadlines", "--month", "2026-07"], [], cwd: t.dir)
            #expect(r.exit == 0, "\(r.description)")
            let lines = r.transcript.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for line in lines { #expect(DisplayWidth.of(line) <= 80, "\(lang): \(DisplayWidth.of(line)) columns: «\(line)»") }

            // the chart: six rows, the axis, the days
            let title = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == (lang == "ru" ? "РЕШЕНИЯ ПО ДНЯМ" : "DECISIONS PER DAY") },
                                     "\(lang): \(r.transcript)")
            let chart = lines[(title + 1)...].prefix(8).map { Array($0) }
            try #require(chart.count == 8, "\(lang): \(chart)")
            let tick = try #require(chart[0].firstIndex(of: "┤"), "\(lang): \(String(chart[0]))")
            for (i, row) in chart.prefix(6).enumerated() {
                let axis: Character = i == 0 || i == 5 ? "┤" : "│"
                #expect(row.count > tick && row[tick] == axis, "\(lang): row \(i) has its axis at \(row.firstIndex(of: axis) ?? -1), not \(tick): «\(String(row))»")
                // a block only over a day, and one in an upper row only over a full one below it
                for (at, c) in row.enumerated() where blocks.contains(c) {
                    #expect(at > tick && (at - tick) % 2 == 1, "\(lang): a block between the days at \(at): «\(String(row))»")
                    if i < 5 { #expect(chart[i + 1].count > at && chart[i + 1][at] == "█", "\(lang): a bar broken at \(at), row \(i)") }
                }
            }
            #expect(chart[6].count > tick && chart[6][tick] == "└", "\(lang): the axis «\(String(chart[6]))»")
            for (day, n) in perDay.enumerated() {
                let at = tick + 1 + 2 * day
                #expect(chart[5].count > at && blocks.contains(chart[5][at]) == (n > 0), "\(lang): day \(day + 1) (\(n)) at \(at): «\(String(chart[5]))»")
            }
            for day in [1, 5, 10, 15, 20, 25, 30] {
                let at = tick + 1 + 2 * (day - 1)
                #expect(chart[7].count >= at + String(day).count && String(chart[7][at..<(at + String(day).count)]) == String(day),
                        "\(lang): day \(day) not under its bar at \(at): «\(String(chart[7]))»")
            }

            // the operators: RGK, login and kind tell each row apart, every column shown
            let heading = try #require(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == (lang == "ru" ? "ПО ОПЕРАТОРАМ" : "BY OPERATOR") })
            let header = lines[heading + 1]
            #expect(header.contains(lang == "ru" ? "РГК" : "RGK") && header.contains("90%"), "\(lang): «\(header)»")
            let rows = lines[(heading + 2)...].prefix { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            #expect(!rows.contains { $0.contains(lang == "ru" ? "не показаны" : "not shown") }, "\(lang): \(rows)")
            let keys = rows.map { $0.split(separator: " ", omittingEmptySubsequences: true).prefix(3).joined(separator: " ") }
            #expect(keys.count == operatorRows.count && Set(keys).count == keys.count, "\(lang): every row, told apart: \(keys)")
            for (login, rgks) in logins {
                for rgk in rgks {
                    let shown = rgk == "support" ? (lang == "ru" ? "поддержка" : "support") : rgk
                    #expect(keys.contains { $0.hasPrefix("\(shown) \(login) ") }, "\(lang): \(shown) \(login) in \(keys)")
                }
            }
        }
    }

    /// The PDF's tables are laid out from what their columns hold: poppler finds no two words
    /// drawn over each other (`pdftotext -bbox`), the header's cells apart, and the support
    /// channel in the page's language; a login too long for its column is cut, its RGK kept.
    @Test func thePagesColumnsNeverOverlap() throws {
        let t = E2E()
        t.demo(accounts: 100)
        let long = "konstantinopolskaya.very.long.login"
        _ = t.sql("UPDATE application_event SET actor = '\(long)' WHERE actor = 'petrova' AND to_status IN ('accepted', 'rejected', 'completed')")
        let check = """
            import json, re, sys
            words = [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in
                     re.findall(r'<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="([0-9.]+)">([^<]*)</word>', open(sys.argv[1], encoding='utf-8').read())]
            overlaps = [f"{a[4]} {a[:4]} / {b[4]} {b[:4]}" for i, a in enumerate(words) for b in words[i + 1:]
                        if a[0] < b[2] - 0.3 and b[0] < a[2] - 0.3 and a[1] < b[3] - 0.3 and b[1] < a[3] - 0.3]
            print(json.dumps({"words": len(words), "overlaps": overlaps}))
            """
        for lang in ["ru", "en"] {
            let pdf = t.dir + "/page-\(lang).pdf"
            let wrote = t.run("--lang", lang, "report", "deadlines", "--month", "2026-07", "--output", pdf)
            #expect(wrote.status == 0, "\(wrote)")
            let text = E2E.exec("/usr/bin/pdftotext", ["-layout", pdf, "-"]).stdout
            let headers = text.split(separator: "\n").filter { $0.contains(lang == "ru" ? "Медиана" : "Median") }
            #expect(headers.count == 2, "\(lang): \(text)")
            for header in headers {
                #expect(header.contains(#/ 90%\s/#) || header.hasSuffix(" 90%"), "\(lang): the header's cells apart: «\(header)»")
                #expect(!header.contains(#/[^\s]90%|90%[^\s]/#), "\(lang): «\(header)»")
            }
            if lang == "ru" {
                #expect(text.contains("sidorov · поддержка") && !text.contains("support") && text.contains(#/Просрочено/#), "\(text)")
            } else {
                #expect(text.contains("sidorov · support") && text.contains("Overdue now"), "\(text)")
            }
            #expect(text.contains(#/konstantinopolskaya[^\s]*… · kostroma/#) && !text.contains(long), "\(lang): the login cut, its RGK kept: \(text)")
            let box = t.dir + "/page-\(lang).html"
            #expect(E2E.exec("/usr/bin/pdftotext", ["-bbox", pdf, box]).status == 0)
            let found = E2E.exec("/usr/bin/python3", ["-c", check, box])
            let report = try #require(try JSONSerialization.jsonObject(with: Data(found.stdout.utf8)) as? [String: Any], "\(found)")
            #expect((report["words"] as? Int ?? 0) > 150, "\(lang): \(report)")
            #expect((report["overlaps"] as? [String] ?? ["?"]).isEmpty, "\(lang): words drawn over each other: \(report["overlaps"] ?? "")")
        }
    }

    /// A month with more operators than the page holds: the page says how many rows it leaves to
    /// the CSV, in the page's language, and the rows it shows and those it counts are all of them.
    @Test func theOperatorsPastThePageAreCountedOnIt() throws {
        let t = E2E()
        t.demo(accounts: 100)
        _ = t.sql("UPDATE application_event SET actor = 'operator.number.' || id WHERE actor_kind = 'operator'")
        _ = t.sql("UPDATE ticket_message SET author = 'operator.number.' || id WHERE author_kind = 'operator'")
        let all = (t.run("report", "deadlines", "--month", "2026-07", "--format", "json").jsonObject["operators"] as? [[String: Any]])?.count ?? 0
        #expect(all > 20, "\(all) operators' rows")
        for (lang, pattern) in [("ru", #/… и еще (\d+) строк[аи]?: все они — в --format csv/#), ("en", #/… and (\d+) more rows?: --format csv has them all/#)] {
            let pdf = t.dir + "/many-\(lang).pdf"
            #expect(t.run("--lang", lang, "report", "deadlines", "--month", "2026-07", "--output", pdf).status == 0)
            let text = E2E.exec("/usr/bin/pdftotext", ["-layout", pdf, "-"]).stdout
            let shown = text.split(separator: "\n").filter { $0.contains("operator.number.") }.count
            let left = try #require(text.firstMatch(of: pattern), "\(lang): \(text)")
            #expect(shown > 0 && shown + (Int(left.1) ?? 0) == all, "\(lang): \(shown) shown, \(left.1) left of \(all)")
        }
    }
}
