import Foundation
import Testing
@testable import MyGazCore

/// `report deadlines` judges a decision by the deadline its clock ran against: one made while the
/// item waited on the customer (an application «требует уточнения», a ticket whose question is
/// unanswered: the clock stands, the deadline moves with every day of the wait) was made before
/// its deadline — unless the deadline had passed before the wait began. Hand-worked in Moscow,
/// December 2026 (no day off from 2 November to 10 December but Wednesday 4 November).
@Suite struct DeadlineReportJudgingTests {
    /// A demo region of 60 accounts and its first account of Vologda with her RGK.
    static func region(_ engine: TestEngine) throws -> (TestDB, account: Int64, rgk: Int64) {
        let t = try TestDB(engine: engine)
        _ = try DemoGenerator.generate(t.session, .init(accounts: 60, seed: 3, anchor: Day(year: 2026, month: 11, day: 20)!))
        let (account, rgk) = try #require(try t.db.query("""
            SELECT a.id, a.rgk_id FROM account a JOIN rgk g ON g.id = a.rgk_id WHERE g.code = 'vologda' ORDER BY a.id LIMIT 1
            """).map { (try $0.int64("id"), try $0.int64("rgk_id")) }.first)
        return (t, account, rgk)
    }

    @Test(arguments: TestEngine.all) func aDecisionWhileTheClockStoodIsOnTimeUnlessTheDeadlineHadPassed(_ engine: TestEngine) throws {
        let (t, account, rgk) = try Self.region(engine)
        try t.db.write {
            func application(submitted: String, waits: String, rejected: String) throws {
                let id = try t.db.insert("""
                    INSERT INTO application (kind, status, rgk_id, account_id, source, created_at, submitted_at, updated_at)
                    VALUES ('repair', 'rejected', ?, ?, 'office', ?, ?, ?)
                    """, arguments: [rgk, account, submitted, submitted, rejected])
                try t.db.run("""
                    INSERT INTO application_event (application_id, at, actor_kind, actor, from_status, to_status) VALUES
                    (?, ?, 'operator', 'judge.clerk', 'submitted', 'needs_info'), (?, ?, 'operator', 'judge.clerk', 'needs_info', 'rejected')
                    """, id, waits, id, rejected)
            }
            // a repair of Mon 02.11.2026 is due in 30 days, Wed 02.12; it waits on the customer from
            // Tue 10.11 and is rejected while it still waits, Thu 10.12: the clock stood at 10.11 — on time
            try application(submitted: "2026-11-02T07:00:00Z", waits: "2026-11-10T07:00:00Z", rejected: "2026-12-10T07:00:00Z")
            // a repair of Tue 13.10.2026 was due Thu 12.11; it waits from Mon 16.11, past its deadline,
            // and is rejected while waiting, Thu 03.12: late
            try application(submitted: "2026-10-13T07:00:00Z", waits: "2026-11-16T07:00:00Z", rejected: "2026-12-03T07:00:00Z")

            // a ticket of Mon 02.11.2026 (30 days: Wed 02.12); a question to the customer on Wed 11.11
            // never answered; the answer on Thu 10.12 is given while the clock stands: on time
            let ticket = try t.db.insert("""
                INSERT INTO ticket (channel, rgk_id, topic, status, sender_name, sender_email, created_at, updated_at, last_customer_at)
                VALUES ('rgk', ?, 'other', 'new', 'Иванова А. П.', 'a@example.ru', '2026-11-02T07:00:00Z', '2026-11-02T07:00:00Z', '2026-11-02T07:00:00Z')
                """, arguments: [rgk])
            try t.db.run("""
                INSERT INTO ticket_message (ticket_id, at, author_kind, author, body, asks) VALUES
                (?, '2026-11-11T07:00:00Z', 'operator', 'judge.asker', 'Уточните номер счета', 1),
                (?, '2026-12-10T07:00:00Z', 'operator', 'judge.asker', 'Ответ', 0)
                """, ticket, ticket)
        }

        let q = try DueQuery.load(t.db, now: Timestamp.parse("2026-12-20T07:00:00Z")!)
        let report = try DeadlineReport.load(t.db, year: 2026, month: 12, rgk: "vologda", scope: nil, q)
        let clerk = try #require(report.rows.first { $0.operator == "judge.clerk" && $0.kind == .application }, "\(report.rows)")
        #expect(clerk.decided == 2 && clerk.onTime == 1 && clerk.onTimeShare == 0.5, "the first on time by its pause, the second late: \(clerk)")
        let asker = try #require(report.rows.first { $0.operator == "judge.asker" && $0.kind == .ticket }, "\(report.rows)")
        #expect(asker.decided == 1 && asker.onTime == 1, "answered while the customer was asked: \(asker)")
        // the due dates the decisions are judged by, as the hand-worked lines above say
        let zone = q.zone("vologda")
        let paused = [DeadlinePause(start: Timestamp.parse("2026-11-10T07:00:00Z")!, end: nil)]
        let judged = DeadlineReport.judged(.application(.repair), registeredAt: Timestamp.parse("2026-11-02T07:00:00Z")!,
                                           decided: Day(year: 2026, month: 12, day: 10)!, zone: zone, pauses: paused, q)
        #expect(judged.due == .on(Day(year: 2026, month: 12, day: 2)!) && judged.clock == Day(year: 2026, month: 11, day: 10)!, "\(judged)")
    }

    /// The month's decisions are found by the partial indexes of schema 29 (the month's range of
    /// the decisive steps and of the answers, each item's first by its id, the questions), not by
    /// reading every step and message there ever was.
    @Test(arguments: TestEngine.all) func theMonthsDecisionsAreFoundByTheirIndexes(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        _ = try DemoGenerator.generate(t.session, .init(accounts: 60, seed: 3, anchor: Day(year: 2026, month: 11, day: 20)!))
        let q = try DueQuery.load(t.db, now: Timestamp.parse("2026-12-01T07:00:00Z")!)
        let counting = CountingStorage(t.db)
        let report = try DeadlineReport.load(counting, year: 2026, month: 11, rgk: nil, scope: nil, q)
        #expect(report.rows.contains { $0.kind == .ticket && $0.decided > 0 } && report.rows.contains { $0.kind == .application && $0.decided > 0 },
                "\(report.rows)")
        for (prefix, indexes) in [("SELECT ap.id, g.code, e.actor", ["application_event_decided", "application_event_first_decided"]),
                                  ("SELECT t.id, g.code, m.author", ["ticket_message_answer", "ticket_message_first_answer"]),
                                  ("SELECT DISTINCT q.ticket_id", ["ticket_message_question"])] {
            let statement = try #require(counting.asked.first { $0.sql.hasPrefix(prefix) }, "\(counting.statements)")
            let plan: [String]
            switch engine {
            case .sqlite:
                plan = try t.db.query("EXPLAIN QUERY PLAN " + statement.sql, arguments: statement.arguments).map { try $0.string("detail") }
            case .postgresql:
                // a few rows: the planner is held to the indexes, as at 5M
                plan = try t.db.write {
                    try t.db.execute("SET LOCAL enable_seqscan = off")
                    return try t.db.query("EXPLAIN " + statement.sql, arguments: statement.arguments).map { $0.string(0) }
                }
            }
            // SQLite's planner has no statistics of a few rows to go by: each index as the rule
            // says; PostgreSQL's picks among them by the sizes it sees (at 5M: bench/pg_bench.py)
            switch engine {
            case .sqlite: for index in indexes { #expect(plan.contains { $0.contains(index) }, "\(index): \(plan)") }
            case .postgresql: #expect(plan.contains { line in indexes.contains { line.contains($0) } }, "\(indexes): \(plan)")
            }
        }
    }

    /// What the report's queries read apart keeps its meaning: a question or a wait on the customer
    /// after the first decision moves nothing (only the steps before it are the clock's), and a
    /// correction or a withdrawal of consent is judged by its own period. Hand-worked in Moscow,
    /// February 2026 (Mon 23.02 off).
    @Test(arguments: TestEngine.all) func onlyWhatCameBeforeTheDecisionMovesItsDeadline(_ engine: TestEngine) throws {
        let (t, account, rgk) = try Self.region(engine)
        try t.db.write {
            func ticket(_ created: String, personalData: PersonalDataRequest?, _ messages: [(at: String, operator: Bool, asks: Bool)]) throws {
                let id = try t.db.insert("""
                    INSERT INTO ticket (channel, rgk_id, topic, status, sender_name, sender_email, created_at, updated_at, last_customer_at,
                                        personal_data, personal_data_kind)
                    VALUES ('rgk', ?, 'other', 'answered', 'Иванова А. П.', 'a@example.ru', ?, ?, ?, ?, ?)
                    """, arguments: [rgk, created, created, created, personalData == nil ? 0 : 1, personalData?.stored])
                for m in messages {
                    try t.db.run("INSERT INTO ticket_message (ticket_id, at, author_kind, author, body, asks) VALUES (?, ?, ?, ?, 'текст', ?)",
                                 id, m.at, m.operator ? "operator" : "customer", m.operator ? "judge.two" : nil, m.asks ? 1 : 0)
                }
            }
            // an appeal of Mon 12.01.2026, due Wed 11.02, answered Thu 19.02: late; the question of
            // 20.02 answered on 02.03 came after the answer (counted, the wait would make it on time)
            try ticket("2026-01-12T07:00:00Z", personalData: nil, [("2026-02-19T07:00:00Z", true, false), ("2026-02-20T07:00:00Z", true, true),
                                                                   ("2026-03-02T07:00:00Z", false, false)])
            // a correction of Mon 02.02: 7 working days, 03–06 and 09–11.02: due Wed 11.02, answered
            // Thu 12.02: late (as an appeal or a request about one's data it would be on time)
            try ticket("2026-02-02T07:00:00Z", personalData: .correction, [("2026-02-12T07:00:00Z", true, false)])
            // a withdrawal of Mon 02.02: + 30 days, Wed 04.03; answered Fri 27.02: on time (as a request
            // about one's data, due Mon 16.02, it would be late)
            try ticket("2026-02-02T07:00:00Z", personalData: .withdrawal, [("2026-02-27T07:00:00Z", true, false)])
            // a repair of Mon 12.01, due Wed 11.02, rejected Thu 19.02: late; waiting on the customer
            // from 20.02 to 02.03 after that moves nothing
            let application = try t.db.insert("""
                INSERT INTO application (kind, status, rgk_id, account_id, source, created_at, submitted_at, updated_at)
                VALUES ('repair', 'submitted', ?, ?, 'office', '2026-01-12T07:00:00Z', '2026-01-12T07:00:00Z', '2026-03-02T07:00:00Z')
                """, arguments: [rgk, account])
            try t.db.run("""
                INSERT INTO application_event (application_id, at, actor_kind, actor, from_status, to_status) VALUES
                (?, '2026-02-19T07:00:00Z', 'operator', 'judge.two', 'submitted', 'rejected'),
                (?, '2026-02-20T07:00:00Z', 'operator', 'judge.two', 'rejected', 'needs_info'),
                (?, '2026-03-02T07:00:00Z', 'customer', NULL, 'needs_info', 'submitted')
                """, application, application, application)
        }
        #expect(try t.db.scalarInt("SELECT waited FROM application ORDER BY id DESC LIMIT 1") == 1, "it waited: its steps are read")
        let q = try DueQuery.load(t.db, now: Timestamp.parse("2026-03-10T07:00:00Z")!)
        let report = try DeadlineReport.load(t.db, year: 2026, month: 2, rgk: "vologda", scope: nil, q)
        let tickets = try #require(report.rows.first { $0.operator == "judge.two" && $0.kind == .ticket }, "\(report.rows)")
        #expect(tickets.decided == 3 && tickets.onTime == 1, "only the withdrawal on time: \(tickets)")
        let applications = try #require(report.rows.first { $0.operator == "judge.two" && $0.kind == .application }, "\(report.rows)")
        #expect(applications.decided == 1 && applications.onTime == 0, "late, the wait after it moving nothing: \(applications)")

        // a due date kept for its key is the one computed each time
        var known: [DeadlineReport.DueKey: Due] = [:]
        let zone = q.zone("vologda")
        for item in [DeadlineItem.reading, .application(.recalculation), .application(.repair)] + PersonalDataRequest.ticketKinds.map(DeadlineItem.ticket) {
            for hours in stride(from: 0, to: 24 * 400, by: 7) {
                let at = Timestamp.parse("2025-06-01T00:00:00Z")! + Int64(hours) * 3600
                for extended in [false, true] {
                    let day = Deadlines.localDay(at, in: zone)
                    let kept = DeadlineReport.judged(item, registeredAt: at, decided: day, zone: zone, extended: extended, q, known: &known)
                    let computed = DeadlineReport.judged(item, registeredAt: at, decided: day, zone: zone, extended: extended, q)
                    #expect(kept.due == computed.due && kept.clock == computed.clock, "\(item) \(at) \(extended)")
                }
            }
        }
        #expect(known.count > 100)
    }
}
