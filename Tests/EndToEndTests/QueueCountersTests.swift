import Foundation
import Testing

/// Issue 17: `status` reads the queues' sizes from counters the schema's triggers keep. Every
/// writer keeps them true — our commands and the portal's own SQL alike — `db check` catches a
/// counter that went wrong behind the triggers' back, and `db recount` puts it right.
@Suite struct QueueCountersTests {
    /// The queues' sizes counted the slow way, straight from the tables.
    static var counted: [String: String] { [
        "readings_pending": "SELECT count(*) FROM reading WHERE status = 'pending'",
        "applications_open": "SELECT count(*) FROM application WHERE status IN ('submitted', 'needs_info')",
        "tickets_open": "SELECT count(*) FROM ticket WHERE status = 'new' OR (status = 'answered' AND last_customer_at > coalesce(last_operator_at, ''))",
        "pin_requests_open": "SELECT count(*) FROM pin_request WHERE status = 'open'",
        "users_unconfirmed": "SELECT count(*) FROM portal_user WHERE status = 'pending'",
        "outbox_waiting": "SELECT count(*) FROM outbox WHERE status IN ('waiting', 'sending')",
        "outbox_failed": "SELECT count(*) FROM outbox WHERE status = 'failed'",
        "payments_stuck": "SELECT count(*) FROM payment WHERE state = 'processing' AND paid_on <= '\(PaymentsE2ETests.day(daysAgo: 3))'",
    ] }

    func expectTrue(_ t: E2E, after step: String) {
        let status = t.run("status", "--json")
        let queues = (status.jsonObject["queues"] as? [[String: Any]] ?? []).reduce(into: [String: Int]()) {
            $0[$1["queue"] as? String ?? ""] = $1["count"] as? Int
        }
        for (queue, sql) in Self.counted {
            #expect(queues[queue].map(String.init) == t.sql(sql), "\(step): \(queue) shows \(queues[queue] ?? -1), the table has \(t.sql(sql))")
        }
        let byStatus = (status.jsonObject["applications"] as? [[String: Any]] ?? []).map { "\($0["status"] ?? "")=\($0["count"] ?? "")" }
        let counted = t.sql("SELECT status || '=' || count(*) FROM application WHERE status <> 'draft' GROUP BY status ORDER BY status")
        #expect(byStatus.joined(separator: " ") == counted.split(separator: "\n").joined(separator: " "),
                "\(step): \(byStatus)")
        let check = t.run("db", "check", "--json")
        #expect(check.status == 0 && (check.jsonObject["problems"] as? [String])?.isEmpty == true, "\(step): \(check)")
    }

    @Test func everyWriterKeepsTheCountsTrue() {
        let t = E2E()
        t.demo(accounts: 300)
        expectTrue(t, after: "the demo")

        // the back office at work
        #expect(t.run("reading", "accept", "--all-valid").status == 0)
        #expect(t.run("reading", "reject", "--all-invalid").status == 0)
        let submitted = t.sql("SELECT id FROM application WHERE status = 'submitted' ORDER BY id LIMIT 3").split(separator: "\n").map(String.init)
        #expect(t.run(["application", "approve", submitted[0]]).status == 0)
        #expect(t.run(["application", "reject", submitted[1], "--reason", "Дубликат"]).status == 0)
        #expect(t.run(["application", "clarify", submitted[2], "--message", "Уточните адрес"]).status == 0)
        let ticket = t.sql("SELECT id FROM ticket WHERE status = 'new' ORDER BY id LIMIT 1")
        #expect(t.run("ticket", "reply", ticket, "--message", "Ответ").status == 0)
        let pending = t.sql("SELECT id FROM portal_user WHERE status = 'pending' ORDER BY id LIMIT 1")
        #expect(t.run("user", "confirm", pending).status == 0)
        let active = t.sql("SELECT id FROM portal_user WHERE status = 'active' ORDER BY id LIMIT 1")
        #expect(t.run("user", "delete", active, "--yes").status == 0)
        _ = t.deliver()
        expectTrue(t, after: "the back office's decisions")

        // the portal's own SQL: a reading without its RGK (the schema fills it in), a customer
        // writing back to an answered ticket, a registration, a removed draft
        let meter = t.sql("SELECT m.id FROM meter m WHERE m.state = 'working' AND NOT EXISTS (SELECT 1 FROM reading r WHERE r.meter_id = m.id AND r.status = 'pending') ORDER BY m.id LIMIT 1")
        _ = t.sql("INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at) VALUES (\(meter), 99999, '2026-07-19', 'portal', 'pending', '2026-07-19T10:00:00Z')")
        _ = t.sql("UPDATE ticket SET last_customer_at = '2026-07-20T11:00:00Z' WHERE id = \(ticket)")
        _ = t.sql("INSERT INTO portal_user (login, login_kind, status, registered_at, updated_at, confirm_until) VALUES ('+79990001100', 'phone', 'pending', '2026-07-19T10:00:00Z', '2026-07-19T10:00:00Z', '2026-07-26T10:00:00Z')")
        _ = t.sql("DELETE FROM reading WHERE id = (SELECT max(id) FROM reading WHERE status = 'pending')")
        _ = t.sql("UPDATE payment SET state = 'paid' WHERE id IN (SELECT id FROM payment WHERE state = 'processing' ORDER BY id LIMIT 3)")
        _ = t.sql("UPDATE payment SET paid_on = '2020-01-01' WHERE id = (SELECT id FROM payment WHERE state = 'processing' ORDER BY id DESC LIMIT 1)")
        expectTrue(t, after: "the portal's writes")

        // a count changed behind the triggers' back is caught, and counted anew
        _ = t.sql("UPDATE queue_count SET count = count + 5 WHERE queue = 'readings_pending' AND rgk_id = (SELECT id FROM rgk WHERE code = 'vologda')")
        let check = t.run("db", "check")
        #expect(check.status == 8 && check.stderr.contains("readings_pending of vologda") && check.stderr.contains("db recount"), "\(check)")
        let recount = t.run("--lang", "ru", "db", "recount")
        #expect(recount.status == 0 && recount.stdout.contains("1 счетчик был неверен"), "\(recount)")
        expectTrue(t, after: "the recount")
        #expect(t.sql("SELECT count(*) FROM audit WHERE action = 'db.recount'") == "1")
    }
}
