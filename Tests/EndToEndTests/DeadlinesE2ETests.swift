import Foundation
import Testing

/// `ticket show` prints when an open ticket is due (docs/deadlines.md), in English and Russian,
/// and `due_at`/`overdue` for machines; a due date past the calendar's last year is unknown and
/// names the year to import.
@Suite(.serialized) struct DeadlinesE2ETests {
    @Test func anOpenTicketShowsItsDueDateOverdueOrUnknown() {
        let t = E2E()
        t.demo(accounts: 100)
        let id = t.sql("SELECT id FROM ticket WHERE status = 'new' ORDER BY id LIMIT 1")
        #expect(!id.isEmpty)
        // registered Mon 05.01.2026 in Moscow: + 30 calendar days = Wed 04.02.2026, worked; long past
        _ = t.sql("UPDATE ticket SET created_at = '2026-01-05T09:00:00Z' WHERE id = \(id)")
        let json = t.run("ticket", "show", id, "--json").jsonObject
        #expect(json["due_at"] as? String == "2026-02-04")
        #expect(json["overdue"] as? Bool == true)
        let english = t.run("ticket", "show", id)
        #expect(english.status == 0 && english.stdout.contains("04.02.2026 — overdue by"), "\(english.stdout)")
        let russian = t.run("--lang", "ru", "ticket", "show", id)
        #expect(russian.status == 0 && russian.stdout.contains("04.02.2026 — просрочено на"), "\(russian.stdout)")

        // registered 20.12.2027: + 30 = 19.01.2028, a year the shipped calendars do not know
        _ = t.sql("UPDATE ticket SET created_at = '2027-12-20T09:00:00Z' WHERE id = \(id)")
        let unknown = t.run("ticket", "show", id, "--json").jsonObject
        #expect(unknown["due_at"] is NSNull && unknown["overdue"] as? Bool == false, "\(unknown)")
        #expect(t.run("ticket", "show", id).stdout.contains("unknown: import the production calendar for 2028"))
        #expect(t.run("--lang", "ru", "ticket", "show", id).stdout.contains("импортируйте производственный календарь на 2028 год"))

        // an answered ticket has had its answer: no due date
        let answered = t.sql("SELECT id FROM ticket WHERE status = 'closed' ORDER BY id LIMIT 1")
        #expect(!answered.isEmpty)
        #expect(t.run("ticket", "show", answered, "--json").jsonObject["due_at"] is NSNull)
    }

    @Test func anApplicationShowsItsDueDateMovedByThePauseInItsHistory() {
        let t = E2E()
        t.demo(accounts: 100)
        let id = t.sql("SELECT id FROM application WHERE status = 'submitted' ORDER BY id LIMIT 1")
        #expect(!id.isEmpty)
        // a recalculation submitted Wed 29.04.2026 (5 working days: 07.05.2026), waiting on the
        // customer from 05.05 to 08.05 (3 worked days: 6, 7, 8 May): due 13.05.2026 (9–11 May off)
        _ = t.sql("UPDATE application SET kind = 'recalculation', submitted_at = '2026-04-29T07:00:00Z' WHERE id = \(id)")
        _ = t.sql("DELETE FROM application_event WHERE application_id = \(id)")
        _ = t.sql("""
            INSERT INTO application_event (application_id, at, actor_kind, from_status, to_status) VALUES
            (\(id), '2026-04-29T07:00:00Z', 'customer', 'draft', 'submitted'),
            (\(id), '2026-05-05T09:00:00Z', 'operator', 'submitted', 'needs_info'),
            (\(id), '2026-05-08T09:00:00Z', 'customer', 'needs_info', 'submitted')
            """)
        let json = t.run("application", "show", id, "--json").jsonObject
        #expect(json["due_at"] as? String == "2026-05-13", "\(json)")
        #expect(json["overdue"] as? Bool == true)
        let english = t.run("application", "show", id)
        #expect(english.status == 0 && english.stdout.contains("13.05.2026 — overdue by") && english.stdout.contains("05.05.2026"), "\(english.stdout)")
        let russian = t.run("--lang", "ru", "application", "show", id)
        #expect(russian.stdout.contains("13.05.2026 — просрочено на") && russian.stdout.contains("Приостановлен"), "\(russian.stdout)")

        // waiting on the customer now: the clock stands, no due date
        _ = t.sql("INSERT INTO application_event (application_id, at, actor_kind, from_status, to_status) VALUES (\(id), '2026-05-12T09:00:00Z', 'operator', 'submitted', 'needs_info')")
        _ = t.sql("UPDATE application SET status = 'needs_info' WHERE id = \(id)")
        let paused = t.run("application", "show", id, "--json").jsonObject
        #expect(paused["due_at"] is NSNull && paused["overdue"] as? Bool == false, "\(paused)")
        #expect(t.run("--lang", "ru", "application", "show", id).stdout.contains("приостановлен с 12.05.2026"))
    }

    @Test func aPendingReadingIsDueByTheCutoffDayOfItsMonth() {
        let t = E2E()
        t.demo(accounts: 100)
        let id = t.sql("SELECT id FROM reading WHERE status = 'pending' ORDER BY id LIMIT 1")
        #expect(!id.isEmpty)
        // sent 10.03.2026: decided by the 25th of March (reading.cutoff_day), long past
        _ = t.sql("UPDATE reading SET submitted_at = '2026-03-10T08:00:00Z' WHERE id = \(id)")
        let march = t.run("reading", "show", id, "--json").jsonObject
        #expect(march["due_at"] as? String == "2026-03-25" && march["overdue"] as? Bool == true, "\(march)")
        #expect(t.run("--lang", "ru", "reading", "show", id).stdout.contains("25.03.2026 — просрочено на"))
        // sent after the 25th: the next month's; the setting moves it
        _ = t.sql("UPDATE reading SET submitted_at = '2026-03-27T08:00:00Z' WHERE id = \(id)")
        #expect(t.run("reading", "show", id, "--json").jsonObject["due_at"] as? String == "2026-04-25")
        #expect(t.run("config", "set", "reading.cutoff_day", "20").status == 0)
        #expect(t.run("reading", "show", id, "--json").jsonObject["due_at"] as? String == "2026-04-20")
        for value in ["-3", "99"] {
            let bad = t.run("config", "set", "reading.cutoff_day", "--", value)
            #expect(bad.status == 2 && bad.stderr.contains("reading.cutoff_day") && bad.stderr.split(separator: "\n").count == 1, "\(bad)")
        }
        #expect(t.run("reading", "show", id, "--json").jsonObject["due_at"] as? String == "2026-04-20", "nothing changed")
    }
}
