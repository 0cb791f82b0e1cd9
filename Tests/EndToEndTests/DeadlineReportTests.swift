import Foundation
import Testing

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
}
