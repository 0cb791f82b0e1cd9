import Foundation
import Testing
@testable import MyGazCore

/// `status`'s deadline counts come from the counts kept per hour registered (`due_count`, schema
/// 20), not from the items: they must say what each item's own due date says, in Moscow and in
/// zones whose offset is not whole hours (India +5:30, Nepal +5:45), where a day starts inside an
/// hour and that hour's items are counted from the table.
@Suite struct DueBoardTests {
    /// 10:00 in Moscow on Wed 25.11.2026, the readings' cutoff day.
    static let now = Timestamp.parse("2026-11-25T07:00:00Z")!

    @Test(arguments: TestEngine.all) func theCountsAreThoseOfEachItemsOwnDueDate(_ engine: TestEngine) throws {
        let t = try Self.region(engine)
        #expect(try QueueCounters.differences(t.db).isEmpty, "the triggers kept every hour's count")
        #expect(try t.db.scalarInt("SELECT count(*) FROM due_count WHERE count = 0") == 0, "an emptied hour's row is gone")

        let q = try DueQuery.load(t.db, now: Self.now)
        let board = try DueBoard.load(t.db, q, scope: nil)
        // each item's own due date, in its RGK's zone
        func expected(_ dues: [(rgk: String, due: Due)]) -> [String: DueCount] {
            var out: [String: DueCount] = [:]
            for (code, due) in dues {
                let today = q.of(code).today
                var c = out[code] ?? DueCount(queue: "", rgk: code)
                guard case .on(let day) = due else { Issue.record("\(code): \(due)"); continue }
                if day < today { c.overdue += 1 } else if day == today { c.today += 1 } else if day == today.adding(days: 1) { c.tomorrow += 1 }
                if day >= today, c.nearest.map({ if case .on(let n) = $0 { return day < n } else { return true } }) ?? true { c.nearest = .on(day) }
                out[code] = c
            }
            return out
        }
        let readingDues = try t.db.query("""
            SELECT r.submitted_at, g.code FROM reading r JOIN rgk g ON g.id = r.rgk_id WHERE r.status = 'pending'
            """).map { row -> (rgk: String, due: Due) in
            let code = try row.string("code")
            return (code, q.deadlines.due(.reading, registeredAt: Timestamp.parse(try row.string("submitted_at"))!, zone: q.zone(code)))
        }
        let inWork = try t.db.query("""
            SELECT ap.id, ap.kind, ap.status, g.code, ap.submitted_at, ap.created_at FROM application ap JOIN rgk g ON g.id = ap.rgk_id
            WHERE ap.status = 'submitted' OR ap.status = 'accepted'
            """).map { row in
            try ApplicationSummary(id: row.int64("id"), kind: row.string("kind"), status: row.string("status"), rgk: row.string("code"), account: nil,
                                   address: nil, contactName: nil, contactPhone: nil, contactEmail: nil, source: "", createdAt: row.string("created_at"),
                                   submittedAt: row.optString("submitted_at"), updatedAt: "", assignedTo: nil)
        }
        let codes = Dictionary(uniqueKeysWithValues: inWork.map { ($0.id, $0.rgk) })
        let applicationDues = try Applications.dues(t.db, inWork, q).map { (rgk: codes[$0.key]!, due: $0.value.due) }
        #expect(applicationDues.count == inWork.count)

        let (waiting, unanswered) = try TicketDeadlines.waiting(t.db, scope: nil)
        let ticketCodes = Dictionary(waiting.map { ($0.id, $0.rgk ?? DeadlineReport.supportChannel) }, uniquingKeysWith: { a, _ in a })
        // each from its messages, not from the clock its row keeps
        let fromMessages = waiting.map { ticket in
            var ticket = ticket
            ticket.clockState = TicketClock.readMessages
            return ticket
        }
        let ticketDues = try TicketDeadlines.dues(t.db, fromMessages, q).map { (rgk: ticketCodes[$0.key]!, due: $0.value.due) }
        #expect(try TicketDeadlines.dues(t.db, waiting, q, unanswered: unanswered).mapValues { $0.due } == TicketDeadlines.dues(t.db, fromMessages, q).mapValues { $0.due },
                "the clock each row keeps says what its messages say")
        #expect(ticketDues.count == waiting.count && waiting.contains { $0.rgk == nil } && Set(waiting.compactMap(\.personalData)).count == PersonalDataRequest.allCases.count)

        for (queue, dues) in [("readings_pending", readingDues), ("applications_in_work", applicationDues), ("tickets_open", ticketDues)] {
            let want = expected(dues)
            for code in ["kostroma", "vologda", "yaroslavl"] + (queue == "tickets_open" ? [DeadlineReport.supportChannel] : []) {
                let got = board.first { $0.queue == queue && $0.rgk == code }
                let w = want[code] ?? DueCount(queue: queue, rgk: code)
                #expect(got.map { [$0.overdue, $0.today, $0.tomorrow] } == [w.overdue, w.today, w.tomorrow], "\(queue) \(code)")
                #expect(got?.nearest == w.nearest, "\(queue) \(code)")
            }
        }
        // the hand-worked pair: 18:20 UTC on 25.10 is 23:50 in Kolkata (due 25.10, late) and 00:05 on
        // 26.10 in Kathmandu (due 25.11, today); 18:40 is 26.10 in both
        #expect(q.deadlines.due(.reading, registeredAt: Timestamp.parse("2026-10-25T18:20:00Z")!, zone: q.zone("vologda"))
                == .on(Day(year: 2026, month: 10, day: 25)!))
        #expect(q.deadlines.due(.reading, registeredAt: Timestamp.parse("2026-10-25T18:20:00Z")!, zone: q.zone("yaroslavl"))
                == .on(Day(year: 2026, month: 11, day: 25)!))
        #expect(board.contains { $0.queue == "readings_pending" && $0.today > 0 } && board.contains { $0.queue == "applications_in_work" && $0.tomorrow > 0 },
                "the region has items due today and tomorrow")
    }

    /// The demo's region of 300 accounts, two RGKs in zones not of whole hours, its pending readings
    /// spread over 60 days (two of each of those RGKs in the hour their 26.10 begins in), those that
    /// waited on the customer answered, and 240 applications of every kind every 3 h 7 min back.
    static func region(_ engine: TestEngine) throws -> TestDB {
        let t = try TestDB(engine: engine)
        _ = try DemoGenerator.generate(t.session, .init(accounts: 300, seed: 7, anchor: Day(year: 2026, month: 11, day: 20)!))
        _ = try RGKZones.set(t.session, rgk: "vologda", zone: "Asia/Kolkata")
        _ = try RGKZones.set(t.session, rgk: "yaroslavl", zone: "Asia/Kathmandu")
        try t.db.write {
            // the pending readings over the last 60 days at odd minutes; two in the hour in which
            // 26.10 begins in Kolkata (18:30 UTC) and Kathmandu (18:15 UTC): due by 24.11 (overdue)
            // before it, due today after it
            let readings = try t.db.query("""
                SELECT r.id, g.code FROM reading r JOIN rgk g ON g.id = r.rgk_id WHERE r.status = 'pending' ORDER BY r.id
                """).map { (try $0.int64("id"), try $0.string("code")) }
            #expect(readings.count > 20)
            let step = 60 * 86_400 / Int64(readings.count) + 7 * 60 + 13
            var placed: [String: Int] = [:]
            for (i, (id, code)) in readings.enumerated() {
                var at = Timestamp.iso(Self.now - Int64(i) * step)
                if code != "kostroma", let n = Optional(placed[code, default: 0]), n < 2 {
                    at = ["2026-10-25T18:20:00Z", "2026-10-25T18:40:00Z"][n]
                    placed[code] = n + 1
                }
                try t.db.run("UPDATE reading SET submitted_at = ? WHERE id = ?", at, id)
            }
            #expect(placed == ["vologda": 2, "yaroslavl": 2])
            // the applications that waited on the customer back in work, and many more of every kind,
            // submitted every 3 h 7 min back from now
            for row in try t.db.query("""
                SELECT ap.id, max(e.at) AS asked FROM application ap JOIN application_event e ON e.application_id = ap.id AND e.to_status = 'needs_info'
                WHERE ap.status = 'needs_info' GROUP BY ap.id
                """) {
                let answered = min(Timestamp.parse(try row.string("asked"))! + 3 * 86_400 + 7 * 60, Self.now - 3600)
                try t.db.run("""
                    INSERT INTO application_event (application_id, at, actor_kind, from_status, to_status) VALUES (?, ?, 'customer', 'needs_info', 'submitted')
                    """, try row.int64("id"), Timestamp.iso(answered))
                try t.db.run("UPDATE application SET status = 'submitted' WHERE id = ?", try row.int64("id"))
            }
            let accounts = try t.db.query("SELECT id, rgk_id FROM account ORDER BY id LIMIT 240").map { (try $0.int64("id"), try $0.int64("rgk_id")) }
            for (i, (account, rgk)) in accounts.enumerated() {
                let at = Timestamp.iso(Self.now - Int64(i + 1) * (3 * 3600 + 7 * 60))
                try t.db.run("""
                    INSERT INTO application (kind, status, rgk_id, account_id, source, created_at, submitted_at, updated_at)
                    VALUES (?, ?, ?, ?, 'office', ?, ?, ?)
                    """, ApplicationKind.allCases[i % ApplicationKind.allCases.count].rawValue, i % 5 == 0 ? "accepted" : "submitted",
                         rgk, account, at, at, at)
            }
            // the tickets no operator has written to over the last 60 days, every third about personal data,
            // more of them for each RGK and the support channel
            for (i, (_, rgk)) in accounts.prefix(120).enumerated() {
                try t.db.run("""
                    INSERT INTO ticket (channel, rgk_id, topic, status, sender_name, sender_email, created_at, updated_at, last_customer_at)
                    VALUES (?, ?, 'other', 'new', 'Иванова А. П.', 'a@example.ru', ?, ?, ?)
                    """, i % 4 == 0 ? "support" : "rgk", i % 4 == 0 ? nil : rgk, Timestamp.iso(Self.now), Timestamp.iso(Self.now), Timestamp.iso(Self.now))
            }
            let tickets = try t.db.query("SELECT id FROM ticket WHERE status = 'new' AND last_operator_at IS NULL ORDER BY id").map { try $0.int64("id") }
            #expect(tickets.count > 100)
            for (i, id) in tickets.enumerated() {
                try t.db.run("UPDATE ticket SET created_at = ?, personal_data = ?, personal_data_kind = ? WHERE id = ?",
                             Timestamp.iso(Self.now - Int64(i + 1) * (60 * 86_400 / Int64(tickets.count) + 11 * 60 + 7)), i % 3 == 0 ? 1 : 0,
                             i % 3 != 0 ? nil : PersonalDataRequest.allCases[i / 3 % 3].stored, id)
            }
        }
        return t
    }

    /// The tickets `status` reads one by one are those waiting less those `due_count` counts, in
    /// every state a ticket and its clock can be in, each in one branch only.
    @Test(arguments: TestEngine.all) func eachQueuesWholeRowIsItsHoursSumAndACheckCatchesOneGoneWrong(_ engine: TestEngine) throws {
        let t = try Self.region(engine)
        // version 27: the row of hour '*' holds the whole queue of an RGK, what the board takes those since a moment from
        let wrong = try t.db.query("""
            SELECT w.queue, w.rgk_id, w.count, (SELECT sum(h.count) FROM due_count h WHERE h.queue = w.queue AND h.rgk_id = w.rgk_id AND h.hour <> '*') AS hours
            FROM due_count w WHERE w.hour = '*'
            """).filter { try $0.int("count") != $0.int("hours") }
        #expect(wrong.isEmpty)
        let wholes = try t.db.scalarInt("SELECT count(*) FROM due_count WHERE hour = '*'") ?? 0
        let queues = try t.db.scalarInt("SELECT count(*) FROM (SELECT DISTINCT queue, rgk_id FROM due_count WHERE hour <> '*') AS q") ?? 0
        #expect(wholes == queues && wholes > 3, "one whole a queue and RGK: \(wholes) of \(queues)")
        let before = try DueBoard.load(t.db, try DueQuery.load(t.db, now: Self.now), scope: nil)
        try t.db.run("UPDATE due_count SET count = count + 7 WHERE hour = '*' AND queue = 'reading_pending'")
        let found = try QueueCounters.differences(t.db).map(\.queue)
        #expect(!found.isEmpty && found.allSatisfy { $0 == "reading_pending *" }, "\(found)")
        let after = try DueBoard.load(t.db, try DueQuery.load(t.db, now: Self.now), scope: nil)
        #expect(after.filter { $0.queue == "readings_pending" }.map(\.overdue) != before.filter { $0.queue == "readings_pending" }.map(\.overdue),
                "the board counts from the whole")
    }

    @Test(arguments: TestEngine.all) func theUncountedBranchesAreTheWaitingLessTheCounted(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let counter = QueueCounters.counters[QueueCounters.unansweredTicketsDue]
        var rows: [String] = []
        for status in ["new", "answered", "closed"] {
            for operatorAt in ["NULL", "'2026-01-02'"] {
                for extended in ["NULL", "'2026-01-04'"] {
                    for customerAt in ["'2026-01-01'", "'2026-01-03'"] {
                        for clock in TicketClock.running...TicketClock.readMessages {
                            rows.append("('\(status)', \(operatorAt), \(extended), \(customerAt), \(clock))")
                        }
                    }
                }
            }
        }
        let uncounted = Tickets.waitingUncounted("t")
        let checked = try t.db.query("""
            WITH t(status, last_operator_at, extended_at, last_customer_at, clock_state) AS (VALUES \(rows.joined(separator: ", ")))
            SELECT status, last_operator_at, extended_at, last_customer_at, clock_state,
                   CASE WHEN \(Tickets.waitingCondition("t")) AND NOT (\(counter.on("t", counter.member))) THEN 1 ELSE 0 END AS want,
                   \(uncounted.map { "CASE WHEN \($0) THEN 1 ELSE 0 END" }.joined(separator: " + ")) AS got
            FROM t
            """)
        #expect(checked.count == 72)
        for row in checked {
            let state = try "\(row.string("status")) \(String(describing: row.optString("last_operator_at"))) \(String(describing: row.optString("extended_at"))) clock \(row.int("clock_state"))"
            #expect(try row.int("want") == row.int("got"), "\(state)")
        }
        #expect(try checked.contains { try $0.int("got") == 1 } && checked.contains { try $0.int("want") == 0 })
    }

    /// A step into needs_info marks its application as one that waited (`application.waited`),
    /// whoever writes the step: `status` finds those in work among the marked alone.
    @Test(arguments: TestEngine.all) func aStepIntoNeedsInfoMarksTheApplication(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        _ = try DemoGenerator.generate(t.session, .init(accounts: 60, seed: 7, anchor: Day(year: 2026, month: 11, day: 20)!))
        #expect(try t.db.scalarInt("SELECT count(*) FROM application WHERE waited = 1")
                == t.db.scalarInt("SELECT count(DISTINCT application_id) FROM application_event WHERE to_status = 'needs_info'"))
        let id = try #require(try t.db.scalarInt("SELECT min(id) FROM application WHERE status = 'submitted' AND waited = 0"))
        try t.db.write {
            _ = try t.db.run("""
                INSERT INTO application_event (application_id, at, actor_kind, actor, from_status, to_status)
                VALUES (?, '2026-11-20T10:00:00Z', 'operator', 'clerk', 'submitted', 'accepted')
                """, id)
        }
        #expect(try t.db.scalarInt("SELECT waited FROM application WHERE id = ?", id) == 0, "another step marks nothing")
        try t.db.write {
            _ = try t.db.run("""
                INSERT INTO application_event (application_id, at, actor_kind, actor, from_status, to_status)
                VALUES (?, '2026-11-20T11:00:00Z', 'operator', 'clerk', 'accepted', 'needs_info')
                """, id)
        }
        #expect(try t.db.scalarInt("SELECT waited FROM application WHERE id = ?", id) == 1)
    }

    /// An application «требует уточнения» waits on the customer by its state, even where its history
    /// lacks the step into it (a writer of its own set the state): its clock stands still.
    @Test(arguments: TestEngine.all) func anApplicationWaitingOnTheCustomerIsPausedWithoutItsStep(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        _ = try DemoGenerator.generate(t.session, .init(accounts: 60, seed: 7, anchor: Day(year: 2026, month: 11, day: 20)!))
        let id = try #require(try t.db.scalarInt("SELECT min(id) FROM application WHERE status = 'submitted'"))
        try t.db.write { _ = try t.db.run("UPDATE application SET status = 'needs_info' WHERE id = ?", id) }
        var f = ApplicationFilter()
        f.statuses = [.needsInfo]
        f.limit = 1000
        let a = try #require(try Applications.list(t.db, f).first { $0.id == Int64(id) })
        let due = try Applications.dues(t.db, [a], DueQuery.load(t.db, now: Self.now))[Int64(id)]
        guard case .paused? = due?.due else { Issue.record("\(String(describing: due))"); return }
    }

    /// Those waiting on the customer now come after every dated one: when the dated fill the page,
    /// not one of them is read (at 5M accounts they were a thousand rows a kind, read for a page of 50).
    @Test(arguments: TestEngine.all) func thePausedAreNotReadWhenTheDatedFillThePage(_ engine: TestEngine) throws {
        let t = try Self.region(engine)
        try t.db.write {
            // every third submitted one asked for more on Monday: waiting on the customer
            for id in try t.db.query("SELECT id FROM application WHERE status = 'submitted' AND id % 3 = 0").map({ try $0.int64("id") }) {
                try t.db.run("UPDATE application SET status = 'needs_info' WHERE id = ?", id)
                try t.db.run("""
                    INSERT INTO application_event (application_id, at, actor_kind, from_status, to_status)
                    VALUES (?, '2026-11-23T09:00:00Z', 'operator', 'submitted', 'needs_info')
                    """, id)
            }
        }
        let counting = CountingStorage(t.db)
        var q = try DueQuery.load(t.db, now: Self.now)
        q.sort = true
        var f = ApplicationFilter()
        f.limit = 3
        #expect(f.statuses.contains(.needsInfo), "the default list holds those waiting on the customer")
        let page = try Applications.list(counting, f, due: q)
        #expect(page.count == 3 && page.allSatisfy { if case .on = $0.due?.due { return true } else { return false } })
        let paused = try t.db.scalarInt("SELECT count(*) FROM application WHERE status = 'needs_info'") ?? 0
        let waitedInWork = try t.db.scalarInt("""
            SELECT count(DISTINCT ap.id) FROM application ap JOIN application_event e ON e.application_id = ap.id AND e.to_status = 'needs_info'
            WHERE ap.status = 'submitted'
            """) ?? 0
        // each kind in each of the three zones: its first three, and those that waited before
        let bound = ApplicationKind.allCases.count * 3 * f.limit + 3 * waitedInWork
        #expect(paused > bound, "enough waiting on the customer to tell: \(paused)")
        #expect(counting.applicationRows <= bound, "\(counting.applicationRows) rows read for a page of 3")
        // the steps of those that waited alone: one never marked (`application.waited`) has no pause
        let stepsAskedFor = counting.asked.filter { $0.sql.contains("FROM application_event") }.map(\.arguments.count).reduce(0, +)
        #expect(stepsAskedFor <= waitedInWork, "the steps of \(stepsAskedFor) applications read, \(waitedInWork) waited")
    }

    /// `application list --sort due` reads the first rows of each kind and zone, not the queue: the
    /// same page as a sort of every application, whatever the limit, kind and states asked.
    @Test(arguments: TestEngine.all) func theNearestFirstAreThoseOfASortOfTheWholeQueue(_ engine: TestEngine) throws {
        let t = try Self.region(engine)
        try t.db.write {
            // a few of the applications that waited back on the customer: paused, at the end
            try t.db.run("""
                UPDATE application SET status = 'needs_info' WHERE id IN (SELECT application_id FROM application_event WHERE from_status = 'needs_info'
                AND application_id % 2 = 0)
                """)
            let (kostroma, vologda) = (try t.db.scalarInt("SELECT id FROM rgk WHERE code = 'kostroma'")!, try t.db.scalarInt("SELECT id FROM rgk WHERE code = 'vologda'")!)
            func add(_ kind: ApplicationKind, _ rgk: Int, _ at: String) throws -> Int64 {
                try t.db.run("""
                    INSERT INTO application (kind, status, rgk_id, address, source, created_at, submitted_at, updated_at)
                    VALUES (?, 'submitted', ?, 'Вологда, ул. Ленина, 1', 'office', ?, ?, ?)
                    """, kind.rawValue, rgk, at, at, at)
                return Int64(try t.db.scalarInt("SELECT max(id) FROM application")!)
            }
            // the oldest repairs waited 80 days on the customer: due after every other repair
            for i in 0..<5 {
                let id = try add(.repair, kostroma, "2026-09-01T1\(i):00:00Z")
                try t.db.run("""
                    INSERT INTO application_event (application_id, at, actor_kind, from_status, to_status) VALUES
                        (?, '2026-09-02T10:00:00Z', 'operator', 'submitted', 'needs_info'), (?, '2026-11-21T10:00:00Z', 'customer', 'needs_info', 'submitted')
                    """, id, id)
            }
            // the oldest supply contracts: Vologda's (Kolkata) of 18:40 UTC on Mon 14.09 is 00:10 on the
            // 15th there, due Thu 15.10; Kostroma's (Moscow) of 18:50 is 21:50 on the 14th, due Wed 14.10
            // (none of the kind waited, so a stream of it reads its first rows alone)
            try t.db.run("""
                UPDATE application SET kind = 'contract_vdgo' WHERE kind = 'contract_supply'
                AND id IN (SELECT application_id FROM application_event WHERE to_status = 'needs_info')
                """)
            _ = try add(.contractSupply, vologda, "2026-09-14T18:40:00Z")
            _ = try add(.contractSupply, kostroma, "2026-09-14T18:50:00Z")
        }
        var q = try DueQuery.load(t.db, now: Self.now)
        q.sort = true
        var checked = 0
        for statuses in [[ApplicationStatus.submitted, .needsInfo], [.submitted, .accepted], [.submitted, .accepted, .needsInfo]] {
            for kind in [nil, ApplicationKind.recalculation, .repair] {
                for limit in [1, 3, 10, 40, 1000] {
                    var f = ApplicationFilter()
                    f.statuses = statuses
                    f.kind = kind
                    f.limit = 100_000
                    let all = try Applications.list(t.db, f)
                    let dues = try Applications.dues(t.db, all, q)
                    let whole = DueQuery.ordered(all.map { dues[$0.id] }).prefix(limit).map { all[$0].id }
                    f.limit = limit
                    let page = try Applications.list(t.db, f, due: q).map(\.summary.id)
                    #expect(page == Array(whole), "\(statuses) \(String(describing: kind)) limit \(limit)")
                    checked += whole.count
                }
            }
        }
        #expect(checked > 500)
        var supply = ApplicationFilter()
        (supply.kind, supply.limit) = (.contractSupply, 2)
        let first = try Applications.list(t.db, supply, due: q)
        #expect(first.map { $0.summary.rgk } == ["kostroma", "vologda"], "the later submission is due first: \(first)")
        #expect(first.map { $0.due?.due } == [.on(Day(year: 2026, month: 10, day: 14)!), .on(Day(year: 2026, month: 10, day: 15)!)])
        supply.limit = 1
        #expect(try Applications.list(t.db, supply, due: q).map { $0.summary.rgk } == ["kostroma"], "each zone's first is read")
    }
}
