import Foundation
import Testing

/// What a reviewer typed at the deadline commands, and what the database may hold: `--limit 0`
/// (all) with a deadline window, a month past the years the program counts, a period written
/// into `setting` past `config set`, and an empty period given to it. Each either works or is one
/// line on stderr with its exit status, never a crash (exit 132) nor a value used silently.
@Suite(.serialized) struct DeadlineInputsTests {
    static func ids(_ rows: [[String: Any]]) -> [String] { rows.map { "\($0["id"] ?? "")" } }

    /// `--limit 0` is «all»: with `--overdue` or `--due-within` it overflowed `limit * 4 + 50`
    /// (exit 132, «arithmetic overflow»); now it lists every one the window holds, as a limit as
    /// large would.
    @Test func allOfTheOverdueAreListedWithLimitZero() {
        let t = E2E()
        t.demo(accounts: 100)
        // one of each queue registered long ago, sure to be late whatever today is
        let ticket = t.sql("SELECT min(id) FROM ticket WHERE status = 'new'")
        let application = t.sql("SELECT min(id) FROM application WHERE status = 'submitted'")
        _ = t.sql("UPDATE application SET submitted_at = '2026-01-05T09:00:00Z', kind = 'repair' WHERE id = \(application)")
        for (group, late) in [("ticket", ticket), ("application", application), ("reading", "")] {
            for window in [["--overdue"], ["--due-within", "3d"]] {
                let all = t.run([group, "list"] + window + ["--limit", "0", "--json"])
                #expect(all.status == 0 && all.stderr.isEmpty, "\(group) list \(window) --limit 0: \(all)")
                let rows = all.jsonArray
                #expect(!rows.isEmpty, "\(group) list \(window) --limit 0 lists the overdue: \(all)")
                if window == ["--overdue"] { #expect(rows.allSatisfy { $0["overdue"] as? Bool == true }, "\(rows)") }
                if !late.isEmpty { #expect(Self.ids(rows).contains(late), "\(group) \(late) is late: \(rows)") }
                let large = t.run([group, "list"] + window + ["--limit", "100000", "--json"])
                #expect(large.status == 0 && Self.ids(large.jsonArray) == Self.ids(rows), "--limit 0 is all: \(large)")
                let table = t.run([group, "list"] + window + ["--limit", "0"])
                #expect(table.status == 0 && table.lines.count == rows.count + 1, "a header and every row: \(table)")
            }
        }
        // and the nearest first of all
        let sorted = t.run("ticket", "list", "--sort", "due", "--overdue", "--limit", "0", "--json")
        #expect(sorted.status == 0 && Self.ids(sorted.jsonArray).contains(ticket), "\(sorted)")
    }

    /// A month past the years a command counts crashed on a force-unwrap (exit 132): now one line
    /// naming the option, the month and the months to give, exit 2, and nothing written.
    @Test func aMonthOutOfRangeIsAUsageErrorAndWritesNothing() {
        let t = E2E()
        t.demo(accounts: 100)
        let pdf = t.dir + "/report.pdf"
        for month in ["9999-12", "12.9999", "1999-12", "0999-12", "12.0500", "0050-05"] {
            for lang in ["en", "ru"] {
                let r = t.run("--lang", lang, "report", "deadlines", "--month", month, "--output", pdf)
                #expect(r.status == 2 && r.stdout.isEmpty, "report deadlines --month \(month): \(r)")
                #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("--month") && r.stderr.contains(month)
                        && r.stderr.contains("2000-01") && r.stderr.contains("9999-11"), "\(r)")
                #expect(!FileManager.default.fileExists(atPath: pdf), "nothing written for \(month)")
            }
            let json = t.run("report", "deadlines", "--month", month, "--json")
            #expect(json.status == 2 && json.stdout.isEmpty && json.stderr.split(separator: "\n").count == 1, "\(json)")
        }
        // the same month rule for every month typed: a bill's period too
        let bill = t.run("bill", "send", "--period", "9999-12", "--dry-run")
        #expect(bill.status == 2 && bill.stderr.contains("--period") && bill.stderr.split(separator: "\n").count == 1, "\(bill)")
        // the last month counted, and the first, are reports
        for month in ["9999-11", "2000-01", "11.9999"] {
            let r = t.run("report", "deadlines", "--month", month, "--json")
            #expect(r.status == 0 && r.stderr.isEmpty && r.json != nil, "\(month): \(r)")
        }
        // a date at the end of the years is a date, not a crash
        for option in [["ticket", "list", "--since", "9999-12-31"], ["reading", "list", "--since", "31.12.9999"],
                       ["audit", "list", "--since", "9999-12-31", "--until", "9999-12-31"], ["ticket", "list", "--due-within", "36600d"]] {
            #expect(t.run(option).status == 0, "\(option)")
        }
    }

    /// A period written into the database with SQL, past `config set`, was used as it was: a
    /// ticket due before it was registered. Now every command that counts a deadline refuses, one
    /// line naming the setting, its value and the command that mends it, exit 6 (a value in the
    /// database that breaks a rule), and `config set` mends it.
    @Test func aPeriodWrittenPastConfigSetIsRefusedUntilMended() {
        let t = E2E()
        t.demo(accounts: 100)
        let ticket = t.sql("SELECT min(id) FROM ticket WHERE status = 'new'")
        let registered = String(t.sql("SELECT created_at FROM ticket WHERE id = \(ticket)").prefix(10))
        _ = t.sql("INSERT INTO setting (key, value, updated_at, updated_by) VALUES ('ticket.answer_days', '-3', '2026-07-20T00:00:00Z', 'someone')")
        for command in [["ticket", "list"], ["ticket", "list", "--overdue"], ["ticket", "show", ticket], ["application", "list", "--sort", "due"],
                        ["status"], ["--lang", "ru", "ticket", "list"]] {
            let r = t.run(command)
            #expect(r.status == 6 && r.stdout.isEmpty, "\(command): \(r)")
            #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("ticket.answer_days") && r.stderr.contains("-3")
                    && r.stderr.contains("mygaz-admin config set ticket.answer_days"), "\(command): \(r)")
        }
        // the admin sees it, and mends it with config set
        let shown = t.run("config", "get", "ticket.answer_days", "--json")
        #expect(shown.status == 0 && shown.jsonObject["value"] as? String == "-3", "\(shown)")
        #expect(t.run("config", "set", "ticket.answer_days", "20").status == 0)
        let mended = t.run("ticket", "show", ticket, "--json")
        let due = mended.jsonObject["due_at"] as? String ?? ""
        #expect(mended.status == 0 && due > registered, "due after its registration \(registered): \(mended)")

        // a day of the month, an empty value, and back to the default without a value
        _ = t.sql("INSERT INTO setting (key, value, updated_at, updated_by) VALUES ('reading.cutoff_day', '32', '2026-07-20T00:00:00Z', 'someone')")
        let readings = t.run("reading", "list")
        #expect(readings.status == 6 && readings.stderr.contains("reading.cutoff_day") && readings.stderr.contains("32"), "\(readings)")
        #expect(t.run("config", "set", "reading.cutoff_day").status == 0)
        _ = t.sql("UPDATE setting SET value = '' WHERE key = 'ticket.answer_days'")
        let tickets = t.run("ticket", "list")
        #expect(tickets.status == 6 && tickets.stderr.contains("ticket.answer_days") && tickets.stderr.contains("«»"), "\(tickets)")
        #expect(t.run("config", "set", "ticket.answer_days").status == 0)
        #expect(t.run("ticket", "list").status == 0 && t.run("reading", "list").status == 0 && t.run("status").status == 0)
    }

    /// `config set` of a period with an empty value was exit 6; it is a bad period like `-3`:
    /// exit 2, the same one line, nothing changed.
    @Test func anEmptyPeriodIsAUsageErrorLikeAnyBadOne() {
        let t = E2E()
        t.demo(accounts: 100)
        #expect(t.run("config", "set", "ticket.answer_days", "12").status == 0)
        let audited = t.sql("SELECT count(*) FROM audit WHERE action = 'config.set'")
        let negative = t.run("config", "set", "ticket.answer_days", "--", "-3")
        for (key, value) in [("ticket.answer_days", ""), ("ticket.answer_days", " "), ("reading.cutoff_day", ""), ("payment.stuck_days", "")] {
            let r = t.run("config", "set", key, value)
            #expect(r.status == 2 && r.stdout.isEmpty && r.stderr.split(separator: "\n").count == 1 && r.stderr.contains(key), "«\(value)»: \(r)")
            if key == "ticket.answer_days" {
                #expect(r.stderr == negative.stderr.replacingOccurrences(of: "«-3»", with: "«\(value)»"), "the same line as for -3: \(r) \(negative)")
            }
        }
        #expect(negative.status == 2)
        #expect(t.sql("SELECT value FROM setting WHERE key = 'ticket.answer_days'") == "12", "nothing changed")
        #expect(t.sql("SELECT count(*) FROM audit WHERE action = 'config.set'") == audited)
        // other settings' bad values keep exit 6 (docs/deadlines.md)
        #expect(t.run("config", "set", "mail.from", "").status == 6)
    }
}
