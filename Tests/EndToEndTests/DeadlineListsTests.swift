import Foundation
import Testing

/// What is about to be late (issue 38, step 3): the lists of applications and readings show each
/// item's due date and what is left, keep those past it (`--overdue`) or due soon
/// (`--due-within`), put the nearest first (`--sort due`), and `status` counts them per queue
/// and RGK with the nearest deadline, in both languages, on both engines.
@Suite(.serialized) struct DeadlineListsTests {
    static func iso(daysAgo: Int) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: Date().addingTimeInterval(-Double(daysAgo) * 86_400))
    }

    @Test func theListsAndStatusSayWhatIsLateAndWhatIsDueSoon() {
        let t = E2E()
        t.demo(accounts: 100)
        let now = Self.iso(daysAgo: 0)
        // every application in work and every pending reading registered today: nothing is late
        _ = t.sql("UPDATE application SET submitted_at = '\(now)', kind = 'repair' WHERE status IN ('submitted', 'accepted', 'needs_info')")
        _ = t.sql("DELETE FROM application_event WHERE to_status = 'needs_info' OR from_status = 'needs_info'")
        _ = t.sql("UPDATE reading SET submitted_at = '\(now)' WHERE status = 'pending'")
        let ids = t.sql("SELECT id FROM application WHERE status = 'submitted' ORDER BY id LIMIT 3").split(separator: "\n").map(String.init)
        #expect(ids.count == 3)
        let (a, b, c) = (ids[0], ids[1], ids[2])
        let rgk = t.sql("SELECT r.code FROM application ap JOIN rgk r ON r.id = ap.rgk_id WHERE ap.id = \(a)")
        _ = t.sql("UPDATE application SET rgk_id = (SELECT id FROM rgk WHERE code = '\(rgk)') WHERE id IN (\(a), \(b), \(c))")
        // a: a repair of Mon 05.01.2026, + 30 calendar days = Wed 04.02.2026, long past
        _ = t.sql("UPDATE application SET submitted_at = '2026-01-05T09:00:00Z' WHERE id = \(a)")
        // b: a recalculation of Wed 29.04.2026 (5 working days), waiting on the customer 05.05–08.05: 13.05.2026
        _ = t.sql("UPDATE application SET kind = 'recalculation', submitted_at = '2026-04-29T07:00:00Z' WHERE id = \(b)")
        _ = t.sql("""
            INSERT INTO application_event (application_id, at, actor_kind, from_status, to_status) VALUES
            (\(b), '2026-05-05T09:00:00Z', 'operator', 'submitted', 'needs_info'),
            (\(b), '2026-05-08T09:00:00Z', 'customer', 'needs_info', 'submitted')
            """)
        // c: a repair of 35 days ago would be 5 days late, but it waited 20 days on the customer:
        // due in some 15 days (a day off moves it on), neither late nor due within 3 days
        _ = t.sql("UPDATE application SET submitted_at = '\(Self.iso(daysAgo: 35))' WHERE id = \(c)")
        _ = t.sql("""
            INSERT INTO application_event (application_id, at, actor_kind, from_status, to_status) VALUES
            (\(c), '\(Self.iso(daysAgo: 34))', 'operator', 'submitted', 'needs_info'),
            (\(c), '\(Self.iso(daysAgo: 14))', 'customer', 'needs_info', 'submitted')
            """)

        let overdue = t.run("application", "list", "--overdue", "--json").jsonArray
        #expect(overdue.compactMap { $0["id"].map { "\($0)" } } == [a, b], "\(overdue)")
        #expect(overdue.map { $0["due_at"] as? String } == ["2026-02-04", "2026-05-13"])
        #expect(overdue.allSatisfy { $0["overdue"] as? Bool == true })
        let soon = t.run("application", "list", "--due-within", "3d", "--json").jsonArray
        #expect(soon.compactMap { $0["id"].map { "\($0)" } } == [a, b], "the overdue included, c not: \(soon)")
        let sorted = t.run("application", "list", "--sort", "due", "--json").jsonArray
        #expect(sorted.prefix(2).compactMap { $0["id"].map { "\($0)" } } == [a, b], "\(sorted.prefix(3))")
        #expect(sorted.dropFirst(2).allSatisfy { $0["overdue"] as? Bool == false })
        let cDue = sorted.first { "\($0["id"] ?? "")" == c }?["due_at"] as? String
        #expect(cDue.map { $0 > String(now.prefix(10)) } == true, "c is due after today: \(String(describing: cDue))")
        let russian = t.run("--lang", "ru", "application", "list", "--overdue")
        #expect(russian.status == 0 && russian.stdout.contains("04.02.2026") && russian.stdout.contains("просрочка")
                && russian.stdout.contains("СРОК"), "\(russian.stdout)")
        let english = t.run("application", "list", "--overdue")
        #expect(english.stdout.contains("days late") && english.stdout.contains("DUE"), "\(english.stdout)")

        // a reading sent 10.03.2026 was due by the 25th of March; those of today are not late
        let reading = t.sql("SELECT min(id) FROM reading WHERE status = 'pending' AND rgk_id = (SELECT id FROM rgk WHERE code = '\(rgk)')")
        _ = t.sql("UPDATE reading SET submitted_at = '2026-03-10T08:00:00Z' WHERE id = \(reading)")
        let late = t.run("reading", "list", "--overdue", "--json").jsonArray
        #expect(late.compactMap { $0["id"].map { "\($0)" } } == [reading] && late.first?["due_at"] as? String == "2026-03-25", "\(late)")
        #expect(t.run("reading", "list", "--status", "accepted", "--overdue", "--json").jsonArray.isEmpty, "a decided reading is due no more")
        #expect(t.run("--lang", "ru", "reading", "list", "--overdue").stdout.contains("25.03.2026"))
        let bad = t.run("reading", "list", "--due-within", "soon")
        #expect(bad.status == 2 && bad.stderr.contains("--due-within") && bad.stderr.split(separator: "\n").count == 1, "\(bad)")

        // status: per queue and RGK, what is late, due today and tomorrow, and the nearest deadline
        let rows = (t.run("status", "--json").jsonObject["deadlines"] as? [[String: Any]]) ?? []
        func row(_ queue: String, _ code: String) -> [String: Any]? { rows.first { $0["queue"] as? String == queue && $0["rgk"] as? String == code } }
        #expect(row("applications_in_work", rgk)?["overdue"] as? Int == 2, "\(rows)")
        #expect(row("readings_pending", rgk)?["overdue"] as? Int == 1, "\(rows)")
        // (the demo's tickets are months old: their row is another test's)
        #expect(rows.filter { $0["rgk"] as? String != rgk && $0["queue"] as? String != "tickets_open" }.allSatisfy { $0["overdue"] as? Int == 0 }, "\(rows)")
        #expect(row("applications_in_work", rgk)?["nearest"] as? String == cDue, "c is the nearest not yet late: \(rows)")
        let screen = t.run("--lang", "ru", "status").stdout
        #expect(screen.contains("СРОКИ") && screen.contains("Заявки в работе") && screen.contains("ПРОСРОЧЕНО"), "\(screen)")
        #expect(t.run("status").stdout.contains("DEADLINES"))
    }

    /// `--sort due` and docs/deadlines.md agree: the dated first, nearest first, one due in a year
    /// the calendar lacks among them at that year's first day (after every known date: its clock
    /// runs), then those waiting on the customer (their clock stands), by the day they began to wait.
    @Test func theNearestFirstThenAYearWithoutACalendarThenThoseWaiting() throws {
        let t = E2E()
        t.demo(accounts: 100)
        // a repair of July 2026 is due 600 days on: in 2028, a year with no calendar
        #expect(t.run("config", "set", "application.repair_days", "600").status == 0)
        let sorted = t.run("application", "list", "--sort", "due", "--limit", "0", "--json").jsonArray
        let phases = sorted.map { a -> Int in
            a["status"] as? String == "needs_info" ? 2 : a["due_at"] is String ? 0 : 1
        }
        let unknown = sorted.filter { $0["status"] as? String != "needs_info" && !($0["due_at"] is String) }
        #expect(Set(phases) == [0, 1, 2] && unknown.allSatisfy { $0["kind"] as? String == "repair" }, "dated, 2028, waiting: \(sorted)")
        #expect(phases == phases.sorted(), "the dated, then 2028, then those waiting: \(phases)")
        let dated = sorted.compactMap { $0["due_at"] as? String }
        #expect(dated == dated.sorted(), "\(dated)")
        let screen = t.run("--lang", "ru", "application", "list", "--sort", "due", "--limit", "0").stdout.split(separator: "\n")
        let calendar = screen.firstIndex { $0.contains("нет календаря 2028") }, paused = screen.firstIndex { $0.contains("пауза") }
        #expect(calendar != nil && paused != nil && calendar! < paused!, "\(screen.joined(separator: "\n"))")

        // what the doc says of `--sort due`: the year the calendar lacks before those paused
        let doc = try String(contentsOfFile: repositoryRoot + "/docs/deadlines.md", encoding: .utf8)
        let said = try #require(doc.components(separatedBy: "`--sort due`: ").dropFirst().first, "docs/deadlines.md says nothing of --sort due")
        let sentence = said.components(separatedBy: "\n- ")[0].replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: #"\s+"#, with: " ", options: .regularExpression)
        let lacks = try #require(sentence.range(of: "a year the calendar lacks"), "\(sentence)")
        let waiting = try #require(sentence.range(of: "then those paused"), "\(sentence)")
        #expect(lacks.lowerBound < waiting.lowerBound, "docs/deadlines.md: «\(sentence.prefix(400))»")
    }
}
