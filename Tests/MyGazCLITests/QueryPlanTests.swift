import Foundation
import Testing
@testable import MyGazCLI
@testable import MyGazCore

/// Every query behind a queue, a search or a lookup a clerk makes all day, asked of SQLite with
/// EXPLAIN QUERY PLAN: none reads a whole large table, so none grows worse than logarithmically
/// with the region (bench/capacity.sh measures the same commands at 1M and 5M accounts).
@Suite struct QueryPlanTests {
    static let commands: [[String]] = [
        ["status"],
        ["reading", "list"], ["reading", "list", "--rgk", "vologda"], ["reading", "list", "--violations"],
        ["reading", "list", "--status", "rejected", "--limit", "50"], ["reading", "list", "--account", "70000017", "--rgk", "vologda"],
        ["application", "list"], ["application", "list", "--status", "needs_info"], ["application", "list", "--kind", "contract_connection"],
        ["application", "list", "--rgk", "vologda"],
        ["ticket", "list"], ["ticket", "list", "--topic", "meters"], ["ticket", "list", "--rgk", "vologda"],
        ["user", "list", "--search", "ivanov"], ["user", "list", "--search", "+7 981"], ["user", "list", "--status", "blocked"],
        ["user", "show", "1"], ["account", "show", "70000017", "--rgk", "vologda"], ["account", "list", "--rgk", "vologda", "--search", "Иванов"],
        ["pin", "requests"], ["outbox", "list"], ["outbox", "list", "--status", "failed"],
        ["audit", "list", "--limit", "20"],
        ["__complete", "reading"], ["__complete", "application"], ["__complete", "ticket"], ["__complete", "user", "iv"],
        ["__complete", "account", "7000"], ["__complete", "pin-request"],
    ]

    /// Tables that grow with the region; a full scan of any other (RGKs, offices, operators, FAQ) is fine.
    static let large: Set<String> = ["reading", "application", "application_event", "ticket", "ticket_message", "portal_user",
                                     "account", "user_account", "meter", "outbox", "audit", "pin", "pin_request", "payment",
                                     "settlement", "service", "contract", "act", "act_item", "attachment", "confirmation_code"]

    @Test func noQueueQueryReadsAWholeLargeTable() throws {
        let scratch = Scratch()
        #expect(InProcess.run(["--db", scratch.db, "demo", "--accounts", "300", "--date", "2026-07-20"]).status == 0)
        let recorder = SQLRecorder()
        var failures: [String] = []
        recorder.during {
            for argv in Self.commands {
                let r = InProcess.run(["--db", scratch.db] + argv)
                if r.status != 0 && r.status != ExitStatus.notFound.rawValue { failures.append("\(argv): exit \(r.status) \(r.stderr)") }
            }
        }
        #expect(failures.isEmpty, "\(failures)")
        let db = try Database(path: scratch.db, mode: .readOnly, busyTimeoutMs: 1000)
        // an alias in the plan is the table's name or the letter the query gives it
        let aliases = try Self.aliases(db)
        var scans: [String] = []
        var checked = 0
        var seen = Set<String>()
        for (sql, values) in recorder.statements where seen.insert(sql + "\u{0}" + "\(values)").inserted {
            let head = sql.trimmingCharacters(in: .whitespacesAndNewlines).uppercased()
            guard head.hasPrefix("SELECT") || head.hasPrefix("WITH") else { continue }
            checked += 1
            let plan = try db.query("EXPLAIN QUERY PLAN " + sql, arguments: values).map { $0.string(3) }
            // newest first by the rowid, no sort, a limit: reads the last rows until the limit is met
            let newestWindow = sql.range(of: #"ORDER BY (\w+\.)?id DESC LIMIT \?\d*\s*$"#, options: .regularExpression) != nil
                && !plan.contains { $0.contains("TEMP B-TREE") }
            if newestWindow || Self.substringSearch(sql) { continue }
            for detail in plan {
                guard detail.hasPrefix("SCAN "), !detail.contains(" USING ") else { continue }
                let name = String(detail.dropFirst(5).prefix { $0 != " " })
                let table = Self.table(for: name, in: sql, known: aliases)
                if Self.large.contains(table) {
                    scans.append("\(detail) (\(table)) with \(values) in: \(sql.split(whereSeparator: \.isWhitespace).joined(separator: " "))")
                }
            }
        }
        #expect(checked >= 20, "the commands ran their queries: \(checked)")
        #expect(scans.isEmpty, "\(scans.joined(separator: "\n"))")
    }

    /// `user list --search` finds a piece of a name, login, e-mail or phone anywhere in it: no
    /// B-tree index answers that, so it reads the users (measured in bench/capacity.sh; an FTS5
    /// trigram index is the way past it, see docs/scaling.md).
    static func substringSearch(_ sql: String) -> Bool {
        sql.contains("FROM portal_user u WHERE (instr(fold(u.login || char(10)")
    }

    static func aliases(_ db: Database) throws -> Set<String> {
        Set(try db.query("SELECT name FROM sqlite_schema WHERE type = 'table'").map { $0.string(0) })
    }

    /// The table behind a name in a plan: itself, or the table the query names before `name` as its alias.
    static func table(for name: String, in sql: String, known tables: Set<String>) -> String {
        if tables.contains(name) { return name }
        let words = sql.replacingOccurrences(of: "(", with: " ( ").replacingOccurrences(of: ",", with: " , ")
            .split(whereSeparator: \.isWhitespace).map(String.init)
        for (i, word) in words.enumerated() where word == name && i > 0 {
            let before = words[i - 1].uppercased() == "AS" && i > 1 ? words[i - 2] : words[i - 1]
            if tables.contains(before) { return before }
        }
        return name
    }
}
