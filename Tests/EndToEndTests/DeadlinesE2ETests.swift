import Foundation
import Testing

/// `ticket show` prints when an open ticket is due (docs/deadlines.md), in English and Russian,
/// and `due_at`/`overdue` for machines; a due date past the calendar's last year is unknown and
/// names the year to import.
@Suite struct DeadlinesE2ETests {
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
}
