import Foundation
import Testing
@testable import MyGazCore

/// Each ticket's deadline clock kept on its row (`TicketClock`, schema 23) says what its messages
/// say (`TicketDeadlines.clock`): written one by one as the portal and the desk write them, set
/// from the messages by the upgrade and `db recount`, and checked by `db check`.
@Suite struct TicketClockTests {
    /// What the messages of ticket `id` say, as the row keeps it: 1 answered, 0 running from the
    /// moment given, 2 paused (its messages read).
    static func told(_ t: TestDB, _ id: Int64) throws -> (state: Int, from: Int64?) {
        let text = try #require(try t.db.scalarString("SELECT created_at FROM ticket WHERE id = ?", id))
        let created = try #require(Timestamp.parse(text))
        let steps = try t.db.query("SELECT at, author_kind, asks FROM ticket_message WHERE ticket_id = ? ORDER BY at, id", id).map { row in
            TicketDeadlines.Step(at: Timestamp.parse(try row.string("at"))!, byOperator: try row.string("author_kind") == "operator",
                                 asks: try row.bool("asks"))
        }
        guard let clock = TicketDeadlines.clock(created: created, steps: steps) else { return (TicketClock.answered, nil) }
        return clock.pauses.isEmpty ? (TicketClock.running, clock.registered) : (TicketClock.readMessages, nil)
    }

    /// What the row of ticket `id` keeps (the moment only where the clock runs).
    static func kept(_ t: TestDB, _ id: Int64) throws -> (state: Int, from: Int64?) {
        let row = try #require(try t.db.queryOne("SELECT clock_state, coalesce(clock_from, created_at) AS from_at FROM ticket WHERE id = ?", id))
        let state = try row.int("clock_state")
        return (state, state == TicketClock.running ? Timestamp.parse(try row.string("from_at")) : nil)
    }

    /// A new ticket of the region's first RGK registered at `created`.
    static func ticket(_ t: TestDB, created: Int64) throws -> Int64 {
        try t.db.write {
            try t.db.insert("""
                INSERT INTO ticket (channel, rgk_id, topic, status, sender_name, sender_email, created_at, updated_at, last_customer_at)
                VALUES ('rgk', (SELECT min(id) FROM rgk), 'other', 'new', 'Иванова', 'a@mail.example', ?, ?, ?)
                """, Timestamp.iso(created), Timestamp.iso(created), Timestamp.iso(created))
        }
    }

    static func message(_ t: TestDB, _ ticket: Int64, at: Int64, operator byOperator: Bool, asks: Bool = false) throws {
        try t.db.write {
            _ = try t.db.run("""
                INSERT INTO ticket_message (ticket_id, at, author_kind, author, body, asks) VALUES (?, ?, ?, ?, 'Текст', ?)
                """, ticket, Timestamp.iso(at), byOperator ? "operator" : "customer", byOperator ? "ivanova" : nil, asks ? 1 : 0)
        }
    }

    /// A ticket registered at `created` with the customer's question, answered `after` seconds later.
    static func answered(_ t: TestDB, created: Int64, after: Int64) throws -> Int64 {
        let id = try ticket(t, created: created)
        try message(t, id, at: created, operator: false)
        try message(t, id, at: created + after, operator: true)
        return id
    }

    static func region(_ engine: TestEngine) throws -> TestDB {
        let t = try TestDB(engine: engine)
        try t.db.write { try t.db.run("INSERT INTO rgk (code, name, created_at, updated_at) VALUES ('vologda', 'Вологда', 'x', 'x')") }
        return t
    }

    /// Messages written one by one in time order, as the portal and the desk write them: after each,
    /// the row keeps exactly what the messages say, each of the three states seen; the upgrade's
    /// reckoning from the messages agrees.
    @Test(arguments: TestEngine.all) func messagesInTimeOrderMoveTheClockAsTheMessagesSay(_ engine: TestEngine) throws {
        let t = try Self.region(engine)
        var rng = SeededRandom(seed: 23)
        var seen = Set<Int>(), tickets: [Int64] = []
        for n in 0..<40 {
            let created = Timestamp.parse("2026-11-02T09:00:00Z")! + Int64(n) * 3_600
            let id = try Self.ticket(t, created: created)
            tickets.append(id)
            var at = created
            for _ in 0..<(1 + rng.int(8)) {
                // the same second now and then: the message written later counts as later
                at += rng.chance(0.15) ? 0 : Int64(rng.int(in: 60...86_400))
                let kind = rng.int(3)
                try Self.message(t, id, at: at, operator: kind > 0, asks: kind == 2)
                let (told, kept) = (try Self.told(t, id), try Self.kept(t, id))
                #expect(kept.state == told.state && kept.from == told.from, "ticket \(id) after a message at \(Timestamp.iso(at))")
                seen.insert(kept.state)
            }
        }
        #expect(seen == [TicketClock.running, TicketClock.answered, TicketClock.readMessages])
        let byTrigger = try tickets.map { try Self.kept(t, $0) }
        try t.db.write { try t.db.execute(TicketClock.recompute()) }
        let byMessages = try tickets.map { try Self.kept(t, $0) }
        #expect(byMessages.map(\.state) == byTrigger.map(\.state) && byMessages.map(\.from) == byTrigger.map(\.from))
        #expect(try TicketClock.differences(t.db).isEmpty)
    }

    /// A message written out of time order, changed or deleted leaves the clock to be read from the
    /// messages (never a wrong date); the reckoning from the messages makes it exact again.
    @Test(arguments: TestEngine.all) func aMessageOutOfOrderChangedOrDeletedHasTheMessagesRead(_ engine: TestEngine) throws {
        let t = try Self.region(engine)
        let start = Timestamp.parse("2026-11-02T09:00:00Z")!
        let late = try Self.answered(t, created: start, after: 7_200)
        #expect(try Self.kept(t, late).state == TicketClock.answered)
        // the customer's message of the hour between, written after the answer
        try Self.message(t, late, at: start + 3_600, operator: false)
        #expect(try Self.kept(t, late).state == TicketClock.readMessages)
        #expect(try Self.told(t, late).state == TicketClock.answered)

        let changed = try Self.ticket(t, created: start)
        try Self.message(t, changed, at: start, operator: false)
        try t.db.write { _ = try t.db.run("UPDATE ticket_message SET asks = 1, author_kind = 'operator' WHERE ticket_id = ?", changed) }
        #expect(try Self.kept(t, changed).state == TicketClock.readMessages)

        let deleted = try Self.answered(t, created: start, after: 60)
        try t.db.write { _ = try t.db.run("DELETE FROM ticket_message WHERE ticket_id = ? AND author_kind = 'operator'", deleted) }
        #expect(try Self.kept(t, deleted).state == TicketClock.readMessages)
        #expect(try Self.told(t, deleted).state == TicketClock.running)

        #expect(try TicketClock.differences(t.db).isEmpty, "reading the messages is never wrong")
        try t.db.write { try t.db.execute(TicketClock.recompute()) }
        for id in [late, changed, deleted] {
            let (kept, told) = (try Self.kept(t, id), try Self.told(t, id))
            #expect(kept.state == told.state && kept.from == told.from, "ticket \(id)")
        }
    }

    /// A kept clock that says what the messages do not (set by hand) is named by `db check` and
    /// made right by `db recount`, the counts with it.
    @Test(arguments: TestEngine.all) func aWrongClockIsNamedByTheCheckAndSetRightByTheRecount(_ engine: TestEngine) throws {
        let t = try Self.region(engine)
        let start = Timestamp.parse("2026-11-02T09:00:00Z")!
        let answered = try Self.answered(t, created: start, after: 600)
        try t.db.write {
            // answered, yet kept as running: `status` would count it as due
            _ = try t.db.run("UPDATE ticket SET status = 'answered', last_operator_at = ?, clock_state = 0 WHERE id = ?",
                             Timestamp.iso(start + 600), answered)
        }
        #expect(try TicketClock.differences(t.db) == [answered])
        let problems = try Maintenance.counterProblems(t.db)
        #expect(problems.contains { $0.hasPrefix("ticket.clock") && $0.contains(String(answered)) && $0.contains("db recount") }, "\(problems)")
        #expect(try QueueCounters.recountAll(t.session) == 1)
        #expect(try Self.kept(t, answered).state == TicketClock.answered)
        #expect(try QueueCounters.differences(t.db).isEmpty)
    }

    /// `status` counts every waiting ticket whose clock simply runs by the hour it started, the
    /// reopened ones among them: with none paused, not one message is read.
    @Test(arguments: TestEngine.all) func statusReadsNoMessageWhereNoClockIsPaused(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        _ = try DemoGenerator.generate(t.session, .init(accounts: 300, seed: 7, anchor: Day(year: 2026, month: 11, day: 20)!))
        #expect(try t.db.scalarInt("""
            SELECT count(*) FROM ticket WHERE status = 'answered' AND last_customer_at > coalesce(last_operator_at, '') AND clock_state = 0
            """) ?? 0 > 0, "the region has reopened tickets")
        #expect(try t.db.scalarInt("SELECT count(*) FROM ticket WHERE clock_state = 2") == 0)
        let counting = CountingStorage(t.db)
        let q = try DueQuery.load(t.db, now: DueBoardTests.now)
        let board = try DueBoard.load(counting, q, scope: nil)
        let read = counting.statements.filter { $0.hasPrefix("SELECT ticket_id, at, author_kind, asks FROM ticket_message") }
        #expect(read.isEmpty, "\(read.count) reads of messages")
        #expect(board.contains { $0.queue == "tickets_open" })
    }

    /// `ticket list --sort due` reads the first of each kind and zone in the order the clocks started,
    /// and the few whose clock does not simply run: the same page as a sort of the whole queue, with
    /// the RGKs in three zones, reopened, asked, extended and personal-data tickets among them, for
    /// every page size and filter; the queue itself is not read.
    @Test(arguments: TestEngine.all) func theNearestFirstAreThoseOfASortOfTheWholeQueue(_ engine: TestEngine) throws {
        let t = try DueBoardTests.region(engine)
        let start = DueBoardTests.now - 40 * 86_400
        var extra: [Int64] = []
        for i in 0..<24 {
            // reopened: answered, then the customer wrote again (a few asked something after that)
            let id = try Self.answered(t, created: start + Int64(i) * 7_200, after: 600)
            try Self.message(t, id, at: start + Int64(i) * 86_400, operator: false)
            if i % 5 == 0 { try Self.message(t, id, at: start + Int64(i) * 86_400 + 60, operator: true, asks: true) }
            try t.db.write {
                _ = try t.db.run("UPDATE ticket SET status = 'answered', last_operator_at = ?, last_customer_at = ?, personal_data = ?, personal_data_kind = ? WHERE id = ?",
                                 Timestamp.iso(start + Int64(i) * 7_200 + 600), Timestamp.iso(start + Int64(i) * 86_400), i % 3 == 0 ? 1 : 0,
                                 i % 3 != 0 ? nil : PersonalDataRequest.allCases[i / 3 % 3].stored, id)
            }
            extra.append(id)
        }
        try t.db.write {
            _ = try t.db.run("UPDATE ticket SET extended_at = ?, personal_data = 1 WHERE id = ? OR id = ?", Timestamp.iso(DueBoardTests.now), extra[1], extra[2])
        }
        #expect(try t.db.scalarInt("SELECT count(*) FROM ticket WHERE clock_state = 2") ?? 0 >= 4)
        var q = try DueQuery.load(t.db, now: DueBoardTests.now)
        q.sort = true
        var checked = 0
        for rgk in [nil, "vologda"] as [String?] {
            for personalData in PersonalDataRequest.ticketKinds {
                for limit in [1, 3, 10, 40, 1000] {
                    var f = TicketFilter()
                    f.rgk = rgk
                    f.personalData = personalData
                    f.limit = 100_000
                    // the whole queue, each due from its messages, equal days in the order the clocks started
                    let all = try Tickets.list(t.db, f).map { ticket in
                        var ticket = ticket
                        ticket.clockState = TicketClock.readMessages
                        return ticket
                    }
                    let found = try TicketDeadlines.dues(t.db, all, q)
                    let started = Dictionary(uniqueKeysWithValues: try Tickets.list(t.db, f).map { ($0.id, $0.clockFrom ?? $0.createdAt) })
                    let keyed = all.sorted { (started[$0.id]!, $0.id) < (started[$1.id]!, $1.id) }
                    let want = DueQuery.ordered(keyed.map { found[$0.id] }).prefix(limit).map { keyed[$0].id }
                    f.limit = limit
                    let counting = CountingStorage(t.db)
                    let got = try TicketDeadlines.list(counting, f, due: q).map(\.summary.id)
                    #expect(got == Array(want), "\(rgk ?? "every RGK") personal data \(personalData?.rawValue ?? "any") limit \(limit)")
                    if limit <= 3 && rgk == nil && personalData == nil {
                        #expect(counting.ticketRows < all.count / 2, "\(counting.ticketRows) of \(all.count) read")
                    }
                    checked += 1
                }
            }
        }
        #expect(checked == 40)
    }

    /// `ticket list --sort due` asks each kind's stream (personal-data requests, the rest) of an index
    /// that holds the kind before the order: the requests' stream starts at its own first ticket, not
    /// by reading past every other ticket of the queue (none a request at 5M: 10 ms a list).
    @Test(arguments: TestEngine.all) func eachKindsStreamIsFoundByItsIndexKey(_ engine: TestEngine) throws {
        let t = try DueBoardTests.region(engine)
        for i in 0..<6 { _ = try Self.answered(t, created: DueBoardTests.now - Int64(i) * 86_400, after: 600) }
        var q = try DueQuery.load(t.db, now: DueBoardTests.now)
        q.sort = true
        let counting = CountingStorage(t.db)
        _ = try TicketDeadlines.list(counting, TicketFilter(), due: q)
        let streams = counting.asked.filter { $0.sql.contains("t.personal_data = ?") }
        // four kinds (an appeal, each request) in each of the region's three zones
        #expect(streams.count == 12, "\(counting.statements)")
        for stream in streams {
            let plan: [String]
            switch engine {
            case .sqlite:
                plan = try t.db.query("EXPLAIN QUERY PLAN " + stream.sql, arguments: stream.arguments).map { try $0.string("detail") }
                for index in ["ticket_new_running", "ticket_reopened_running"] {
                    #expect(plan.contains { $0.contains("USING INDEX \(index) (personal_data=?") }, "\(plan)")
                }
            case .postgresql:
                // a few rows: the planner is held to the indexes, as at 5M
                plan = try t.db.write {
                    try t.db.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off")
                    return try t.db.query("EXPLAIN " + stream.sql, arguments: stream.arguments).map { $0.string(0) }
                }
                for index in ["ticket_new_running", "ticket_reopened_running"] {
                    let scan = try #require(plan.firstIndex { $0.contains("Index Scan using \(index) ") }, "\(plan)")
                    #expect(plan[scan + 1].contains("Index Cond: (personal_data = "), "\(plan)")
                }
            }
        }
    }
}
