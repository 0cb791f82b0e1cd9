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
        ["reading", "list", "--status", "rejected", "--limit", "50"], ["reading", "list", "--account", "70000001", "--rgk", "vologda"],
        ["reading", "list", "--status", "accepted", "--rgk", "vologda"],
        ["reading", "list", "--account", "70000001", "--status", "accepted"], ["reading", "list", "--account", "70000001", "--since", "2026-01-01"],
        ["export", "readings", "--rgk", "vologda", "--since", "2026-07-01", "--status", "all"],
        ["application", "list"], ["application", "list", "--status", "needs_info"], ["application", "list", "--kind", "contract_connection"],
        ["application", "list", "--rgk", "vologda"],
        ["ticket", "list"], ["ticket", "list", "--topic", "meters"], ["ticket", "list", "--rgk", "vologda"],
        ["ticket", "list", "--status", "all"], ["ticket", "list", "--status", "closed"],
        ["user", "list", "--search", "ivanov"], ["user", "list", "--search", "+7 981"],
        ["user", "list", "--search", "Петров", "--status", "active", "--rgk", "vologda"], ["user", "list", "--search", "ов"],
        // a piece inside a username (issue 39 §4): through the search index, never the whole portal_user table
        ["user", "list", "--search", "van Pet"], ["user", "list", "--search", "на Ёлк", "--status", "active"],
        ["account", "list", "--search", "ленина"], ["account", "list", "--search", "Иванов", "--debtors"], ["account", "list", "--debtors"], ["account", "list", "--debtors", "--rgk", "vologda"],
        ["user", "list", "--status", "blocked"],
        ["user", "list"], ["user", "list", "--rgk", "vologda"], ["user", "list", "--rgk", "vologda", "--status", "active"],
        ["user", "list", "--registered-before", "2026-07-01"],
        ["user", "show", "1"], ["account", "show", "70000001", "--rgk", "vologda"], ["account", "list", "--rgk", "vologda", "--search", "Иванов"],
        ["pin", "requests"], ["pin", "requests", "--rgk", "vologda", "--status", "all"], ["pin", "list"], ["pin", "list", "--active"],
        ["outbox", "list"], ["outbox", "list", "--status", "failed"], ["outbox", "list", "--status", "sent"],
        ["outbox", "list", "--status", "waiting"],
        ["application", "list", "--status", "all"], ["application", "list", "--status", "completed", "--status", "submitted"],
        ["audit", "list", "--limit", "20"],
        ["__complete", "reading"], ["__complete", "application"], ["__complete", "ticket"], ["__complete", "user", "iv"],
        ["__complete", "account", "7000"], ["__complete", "pin-request"],
        ["account", "bill", "70000001", "--rgk", "vologda"],
        ["payment", "list"], ["payment", "list", "--state", "processing"], ["payment", "list", "--account", "70000001", "--rgk", "vologda"],
        ["payment", "list", "--external-id", "P10000001"], ["contract", "list", "--account", "70000001", "--rgk", "vologda"],
        ["contract", "list", "--rgk", "vologda"], ["contract", "show", "П-70000001"], ["act", "list", "--account", "70000001", "--rgk", "vologda"],
        ["act", "show", "А-70000013-1"], ["account", "list", "--search", "8 981 567-65-22"], ["outbox", "list", "--to", "ivanov@mail.ru"],
        ["reading", "list", "--status", "all", "--account", "70000001", "--rgk", "vologda"], ["reading", "list", "--rule", "verification_expired"],
        ["application", "list", "--search", "89815676522"], ["application", "list", "--search", "70000001"], ["payment", "list", "--since", "2026-07-01"], ["payment", "show", "P10000001"], ["bill", "send", "--period", "2026-07", "--dry-run"],
        ["user", "show", "+7 911 555-00-11"], ["user", "show", "lebedeva.o@yandex.ru"], ["db", "repair-logins", "--dry-run"],
    ]

    /// Tables that grow with the region; a full scan of any other (RGKs, offices, operators, FAQ) is fine.
    static let large: Set<String> = ["reading", "application", "application_event", "ticket", "ticket_message", "portal_user",
                                     "account", "user_account", "meter", "outbox", "audit", "pin", "pin_request", "payment",
                                     "settlement", "service", "contract", "act", "act_item", "attachment", "confirmation_code",
                                     "social_identity", "activation_link"]

    @Test func noQueueQueryReadsAWholeLargeTable() throws {
        let scratch = Scratch()
        #expect(InProcess.run(["--db", scratch.db, "demo", "--accounts", "300", "--date", "2026-07-20"]).status == 0)
        let recorder = SQLRecorder()
        var failures: [String] = []
        recorder.during {
            for argv in Self.commands {
                let r = InProcess.run(["--db", scratch.db] + argv)
                if r.status != 0 { failures.append("\(argv): exit \(r.status) \(r.stderr)") }
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
            let plan = try db.query("EXPLAIN QUERY PLAN " + sql, arguments: values).map {
                PlanStep(id: $0.int(0), parent: $0.int(1), detail: $0.string(3))
            }
            // newest first by the rowid, no sort, a limit: reads the last rows until the limit is met
            // Swift's own regular expressions: Foundation's cache of them hangs tests that run at once
            let newestWindow = sql.contains(#/ORDER BY (\w+\.)?id DESC LIMIT \?\d*\s*$/#)
                && !plan.contains { $0.detail.contains("TEMP B-TREE") }
            // drafts have no submission time and are ordered by creation, which no index holds:
            // a list that names them sorts the drafts (1 106 at 1M accounts)
            let drafts = values.contains { "\($0)" == "\(SQLValue.text("draft"))" }
            if newestWindow || Self.substringSearch(sql) || Self.count(sql) || drafts { continue }
            if try Self.firstEntryOnly(sql, values, db) { continue }
            // one account's rows are found from the account, never by walking a queue for them
            if sql.contains("a.id = ?"), let first = plan.first(where: { $0.access != nil }),
               !first.detail.hasPrefix("SEARCH a USING INTEGER PRIMARY KEY") {
                scans.append("\(first.detail): walks for one account's rows, with \(values) in: \(sql.split(whereSeparator: \.isWhitespace).joined(separator: " "))")
            }
            let limited = sql.contains(#/LIMIT \?\d*/#)
            for step in plan {
                guard let access = step.access else { continue }
                let table = Self.table(for: access.name, in: sql, known: aliases)
                guard Self.large.contains(table), let problem = Self.problem(access, step, in: plan, sql: sql, tables: aliases, limited: limited) else { continue }
                scans.append("\(step.detail) (\(table)): \(problem), with \(values) in: \(sql.split(whereSeparator: \.isWhitespace).joined(separator: " "))")
            }
        }
        #expect(checked >= 20, "the commands ran their queries: \(checked)")
        #expect(scans.isEmpty, "\(scans.joined(separator: "\n"))")
    }

    /// The lists written for their plans (per-status branches, `+` and CROSS JOIN) answer what the
    /// plain query answers: the same rows in the same order.
    @Test func listsWrittenForTheirPlansAnswerAsThePlainQuery() throws {
        let scratch = Scratch()
        #expect(InProcess.run(["--db", scratch.db, "demo", "--accounts", "300", "--date", "2026-07-20"]).status == 0)
        #expect(InProcess.run(["--db", scratch.db, "reading", "accept", "--all-valid"]).status == 0)
        let db = try Database(path: scratch.db, mode: .readWrite, busyTimeoutMs: 1000)
        // registrations at one moment too, so that the id decides
        try db.execute("UPDATE portal_user SET registered_at = (SELECT max(registered_at) FROM portal_user) WHERE id % 7 = 0")
        let vologda = try RGK.id(db, "vologda")
        #expect(Set(try db.query("SELECT DISTINCT status FROM portal_user").map { $0.string(0) }).count == UserStatus.allCases.count)
        // newest registrations first; a search, newest users first by their number
        func plainUsers(_ condition: String, search: Bool, limit: Int) throws -> [Int64] {
            try db.query("SELECT id FROM portal_user u WHERE \(condition) ORDER BY \(search ? "" : "registered_at DESC, ")id DESC LIMIT \(limit)").map { $0.int64(0) }
        }
        let inVologda = "EXISTS (SELECT 1 FROM user_account l JOIN account a ON a.id = l.account_id WHERE l.user_id = u.id AND a.rgk_id = \(vologda))"
        for (status, rgk, search, limit) in [(nil, nil, nil, 40), (nil, "vologda", nil, 25), (UserStatus.active, "vologda", nil, 1000),
                                             (nil, nil, "ов", 30), (.blocked, nil, "а", 1000), (nil, nil, nil, 100_000),
                                             (nil, nil, "ова", 30), (.active, "vologda", "Петр", 1000), (nil, "vologda", "mail.ru", 10)]
                as [(UserStatus?, String?, String?, Int)] {
            var filter = UserFilter()
            filter.status = status; filter.rgk = rgk; filter.search = search; filter.limit = limit
            let conditions = [status.map { "status = '\($0.rawValue)'" }, rgk.map { _ in inVologda },
                              search.map { "instr(fold(login || char(10) || coalesce(full_name, '') || char(10) || coalesce(email, '') || char(10) || coalesce(username, '')), '\(Database.fold($0))') > 0" }]
                .compactMap { $0 }
            let expected = try plainUsers(conditions.isEmpty ? "1" : conditions.joined(separator: " AND "), search: search != nil, limit: limit)
            #expect(expected.count > 1)
            #expect(try Users.list(db, filter).map(\.id) == expected, "\(status as Any) \(rgk as Any) \(search as Any)")
        }
        for (statuses, limit) in [(nil, 7), ([], 9), ([TicketStatus.closed], 1000), ([.answered, .new], 5)] as [([TicketStatus]?, Int)] {
            var filter = TicketFilter()
            filter.statuses = statuses; filter.limit = limit
            let condition = statuses.map { $0.isEmpty ? "1" : "status IN (" + $0.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")" }
                ?? Tickets.waitingCondition("ticket")
            let expected = try db.query("SELECT id FROM ticket WHERE \(condition) ORDER BY created_at, id LIMIT \(limit)").map { $0.int64(0) }
            #expect(expected.count > 1)
            #expect(try Tickets.list(db, filter).map(\.id) == expected, "\(statuses as Any)")
        }
        for (statuses, limit) in [([ApplicationStatus.submitted, .needsInfo], 6), ([], 11), ([.completed, .submitted, .completed], 1000),
                                  ([.draft, .rejected], 8)] as [([ApplicationStatus], Int)] {
            var filter = ApplicationFilter()
            filter.statuses = statuses; filter.limit = limit
            let condition = statuses.isEmpty ? "1" : "status IN (" + statuses.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
            let expected = try db.query("""
                SELECT id FROM application WHERE \(condition) ORDER BY coalesce(submitted_at, created_at), id LIMIT \(limit)
                """).map { $0.int64(0) }
            #expect(expected.count > 1)
            #expect(try Applications.list(db, filter).map(\.id) == expected, "\(statuses)")
        }
        var readings = ReadingFilter()
        readings.status = .accepted; readings.rgk = "vologda"; readings.limit = 30
        let plainReadings = try db.query("""
            SELECT r.id FROM reading r JOIN meter m ON m.id = r.meter_id JOIN account a ON a.id = m.account_id
            WHERE r.status = 'accepted' AND r.source <> 'rgk' AND a.rgk_id = ? ORDER BY r.decided_at DESC, r.id DESC LIMIT 30
            """, vologda).map { $0.int64(0) }
        #expect(plainReadings.count > 1)
        #expect(try Readings.list(db, readings).map(\.id) == plainReadings)
        // the outbox: what waits in the order it is tried, then the rest newest first; sent newest
        // first; failed by latest attempt
        for n in 0..<60 {
            try db.run("""
                INSERT INTO outbox (channel, recipient, subject, body, kind, status, next_attempt_at, created_at)
                VALUES ('email', 'x@mail.ru', 's', 'b', 'ticket_reply', ?, ?, '2026-07-01T00:00:00Z')
                """, ["waiting", "sent", "failed"][n % 3], "2026-07-\(10 + (n * 7) % 19)T00:00:00Z")
        }
        func plainOutbox(_ sql: String) throws -> [Int64] { try db.query("SELECT id FROM outbox " + sql).map { $0.int64(0) } }
        let waiting = try plainOutbox("WHERE status = 'waiting' ORDER BY next_attempt_at, id")
        #expect(try OutboxStore.list(db, status: nil, limit: 30).map(\.id)
                == Array((waiting + (try plainOutbox("WHERE status <> 'waiting' ORDER BY id DESC"))).prefix(30)))
        #expect(try OutboxStore.list(db, status: .waiting, limit: 7).map(\.id) == Array(waiting.prefix(7)))
        #expect(try OutboxStore.list(db, status: .sent, limit: 7).map(\.id) == (try plainOutbox("WHERE status = 'sent' ORDER BY id DESC LIMIT 7")))
        #expect(try OutboxStore.list(db, status: .failed, limit: 7).map(\.id)
                == (try plainOutbox("WHERE status = 'failed' ORDER BY next_attempt_at DESC, id DESC LIMIT 7")))
        let pins = try Pins.list(db, account: nil, activeOnly: true, now: "2026-07-20T00:00:00Z", limit: 1000).map(\.id)
        #expect(pins.count > 1)
        #expect(pins == (try db.query("""
            SELECT id FROM pin WHERE state = 'active' AND (expires_at IS NULL OR expires_at > '2026-07-20T00:00:00Z') ORDER BY id DESC
            """).map { $0.int64(0) }))
    }

    /// `reading list --violations` judges page after page of the queue, each page starting after
    /// the last row of the one before: any limit gives the first violations of the whole queue.
    @Test func violationsPageByPageAreTheQueuesFirstViolations() throws {
        let scratch = Scratch()
        #expect(InProcess.run(["--db", scratch.db, "demo", "--accounts", "2000", "--date", "2026-07-20"]).status == 0)
        let db = try Database(path: scratch.db, mode: .readOnly, busyTimeoutMs: 1000)
        var all = ReadingFilter()
        all.limit = 100_000
        let queue = try Readings.list(db, all)
        let violations = queue.filter { !$0.verdict.isValid }.map(\.id)
        #expect(queue.count > 200 && violations.count > 10 && violations.count < queue.count / 2, "\(queue.count) \(violations.count)")
        for limit in [1, 7, violations.count - 1, violations.count, Int.max / 2] {
            var filter = ReadingFilter()
            filter.violationsOnly = true
            filter.limit = limit
            #expect(try Readings.list(db, filter).map(\.id) == Array(violations.prefix(limit)), "limit \(limit)")
            for firstPage in [1, 3, 16] {   // many pages, each after the one before
                #expect(try Readings.list(db, filter, firstPage: firstPage).map(\.id) == Array(violations.prefix(limit)),
                        "limit \(limit), first page \(firstPage)")
            }
        }
        let run = InProcess.run(["--db", scratch.db, "reading", "list", "--violations", "--limit", "0", "--format", "tsv"])
        #expect(run.status == 0 && run.stdout.split(separator: "\n").count == violations.count + 1, "\(run.status) \(run.stderr)")
    }

    struct PlanStep {
        let id: Int, parent: Int, detail: String
        /// A table read: `SCAN t …` or `SEARCH t USING …`.
        var access: (name: String, scan: Bool)? {
            for verb in ["SCAN ", "SEARCH "] where detail.hasPrefix(verb) {
                return (String(detail.dropFirst(verb.count).prefix { $0 != " " }), verb == "SCAN ")
            }
            return nil
        }
    }

    /// Partial indexes that hold only what waits, small by construction, read whole: the pending readings, and the few
    /// users the portal stored in a spelling of its own.
    /// (`application_waited_in_work` holds the applications in work that ever waited on the
    /// customer: as many as those, never the history.)
    static let queueIndexes = ["reading_queue", "reading_queue_rgk", "portal_user_unnormalised", "application_waited_in_work"]

    /// What is wrong with one table read of a plan, if anything:
    /// - a scan of the whole table;
    /// - a walk of a whole index, of one region (`(rgk_id=?)` alone) or of one status (`(status=?)`
    ///   alone: history grows there too), that does not stop at a limit in the index's order: inside a correlated subquery or as the inner loop of a join it
    ///   runs once per outer row; beside a sort it reads everything before the first row.
    static func problem(_ access: (name: String, scan: Bool), _ step: PlanStep, in plan: [PlanStep], sql: String, tables: Set<String>,
                        limited: Bool) -> String? {
        if access.scan && !step.detail.contains(" USING ") { return "reads the whole table" }
        let wide = access.scan || step.detail.hasSuffix("(rgk_id=?)") || step.detail.hasSuffix("(status=?)")
        guard wide else { return nil }
        var ancestor = plan.first { $0.id == step.parent }
        while let a = ancestor {
            if a.detail.hasPrefix("CORRELATED") { return "reads a whole index or region for every row" }
            ancestor = plan.first { $0.id == a.parent }
        }
        let siblings = plan.filter { $0.parent == step.parent }
        let outer = siblings.prefix { $0.id != step.id }.compactMap { $0.access.map { Self.table(for: $0.name, in: sql, known: tables) } }
        if outer.contains(where: large.contains) {
            return "reads a whole index or region for every row of the outer loop"
        }
        // a queue read whole, once, is the queue
        if queueIndexes.contains(where: { step.detail.hasSuffix("INDEX \($0)") || step.detail.contains("INDEX \($0) ") }) { return nil }
        if siblings.contains(where: { $0.detail.contains("TEMP B-TREE FOR ORDER BY") }) || !limited {
            return "reads a whole index or region before the first row"
        }
        return nil
    }

    /// A search of one or two letters: no trigram of the search indexes holds them, so the users
    /// or accounts are read (three letters and more go through the index, docs/scaling.md).
    static func substringSearch(_ sql: String) -> Bool {
        sql.contains("SELECT u.id FROM portal_user u WHERE instr(fold(u.login || char(10)")
            || sql.contains("(instr(fold(trim(coalesce(a.surname, '')")
    }

    /// A count reads what it counts (a B-tree keeps no counts): the dashboard's counts of queues,
    /// and of applications by status, grow with what they count, not with the region's history.
    static func count(_ sql: String) -> Bool {
        sql.contains("count(*)") && sql.range(of: "LIMIT") == nil
    }

    /// `SELECT min(x) … WHERE a = ?` over an index on (a, x): SQLite reads the first entry and
    /// stops — its program leaves the loop (`Goto`) right after the first `AggStep`. The plan
    /// alone reads like a range scan, so the program is asked.
    /// (`status` asks every queue's oldest in one statement of scalar subqueries: each of them
    /// must stop at its first entry.)
    static func firstEntryOnly(_ sql: String, _ values: [SQLValue], _ db: Database) throws -> Bool {
        let single = sql.hasPrefix("SELECT min(") || sql.hasPrefix("SELECT max(")
        guard single || sql.hasPrefix("SELECT (SELECT min("), !sql.contains("GROUP BY") else { return false }
        let program = try db.query("EXPLAIN " + sql, arguments: values).map { $0.string(1) }
        let steps = program.indices.filter { program[$0] == "AggStep" }
        guard !steps.isEmpty, !single || steps.count == 1 else { return false }
        return steps.allSatisfy { program.count > $0 + 1 && program[$0 + 1] == "Goto" }
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
