import EngineHarness
import Foundation
import Testing
@testable import MyGazCore

/// Two clerks, each on a connection of their own to one database (a SQLite file, or a database
/// of the tests' PostgreSQL server), deciding the same item.
///
/// On PostgreSQL they decide at the same instant: a third connection holds the item's row, both
/// clerks start together at a barrier, read the item and judge it, and wait at their UPDATE (the
/// server shows both waiting for a lock); then the row is let go and they race to it. On SQLite,
/// whose one writer lets no two decisions overlap, the second clerk decides after the first and
/// sees the first's state.
final class TwoClerks {
    let engine: TestEngine
    /// The fixtures' connection, whose session is the admin `tester`; on PostgreSQL also the one
    /// that holds the item's row.
    let db: any Storage
    let admin: Session
    let clerks: [Session]
    private let dir = TempDir()
    private let server: PGTestDatabase?
    private let watcher: (any Storage)?

    init(_ engine: TestEngine) throws {
        self.engine = engine
        let address: String
        switch engine {
        case .sqlite:
            server = nil
            address = dir.file("race.db")
        case .postgresql:
            let database = try PGServer.database()
            server = database
            address = database.uri
        }
        // long enough for a clerk to wait at the row while the other decides
        db = try Engines.open(address, purpose: .initialise, busyTimeoutMs: 20_000)
        try Engines.migrate(db)
        let clock = Clock.fixed(1_784_000_000)
        admin = Session(db: db, login: "tester", clock: clock)
        try Operators.bootstrap(admin)
        for login in ["clerk1", "clerk2"] { _ = try Operators.add(admin, login: login, role: .clerk, fullName: nil) }
        clerks = try ["clerk1", "clerk2"].map {
            Session(db: try Engines.open(address, purpose: .use, busyTimeoutMs: 20_000), login: $0, clock: clock)
        }
        watcher = engine == .postgresql ? try Engines.open(address, purpose: .use, busyTimeoutMs: 20_000) : nil
    }

    /// Each clerk's decision on the row `id` of `table`: `decisions[0]` by clerk1, `decisions[1]`
    /// by clerk2. Answers their outcomes in that order.
    func race(_ table: String, _ id: Int64, _ decisions: [(Session) throws -> Transition]) throws -> [Result<Transition, any Error>] {
        precondition(decisions.count == 2)
        guard engine == .postgresql, let watcher else {
            return zip(clerks, decisions).map { clerk, decide in Result { try decide(clerk) } }
        }
        let pids = try clerks.map { try #require(try $0.db.scalarInt("SELECT pg_backend_pid()")) }
        let outcomes = Locked<[Result<Transition, any Error>?]>([nil, nil])
        let barrier = Barrier(2)
        let finished = DispatchGroup()
        try db.write {
            _ = try db.query("SELECT id FROM \(table) WHERE id = ? \(db.sql.lockingRows)", id)
            for i in 0..<2 {
                let work = Locked((clerks[i], decisions[i]))
                finished.enter()
                Thread.detachNewThread {
                    barrier.arrive()
                    let (clerk, decide) = work.value
                    let outcome = Result { try decide(clerk) }
                    var all = outcomes.value
                    all[i] = outcome
                    outcomes.value = all
                    finished.leave()
                }
            }
            // both have judged the item and wait for its row (or for each other)
            var waiting = 0
            for _ in 0..<1000 where waiting < 2 {
                waiting = try watcher.scalarInt("""
                    SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND \(watcher.sql.isIn("pid"))
                    """, SQLList(pids.map(Int64.init))) ?? 0
                if waiting < 2 { usleep(10_000) }
            }
            #expect(waiting == 2, "both clerks wait for the row before either decides")
        }
        finished.wait()
        return outcomes.value.map { $0 ?? .failure(MyGazError(.internalError, .internalError, "a clerk never finished")) }
    }

    /// Exactly one clerk's decision stands; the other's is a conflict (exit 4) naming the state
    /// the winner left — or "already so, unchanged" (nothing written, nothing told) when both
    /// wanted the same state and the second judged after the first: always on SQLite, and on
    /// PostgreSQL where the room holds a row before judging (a reading's meter). Answers the
    /// winner's index.
    @discardableResult
    func oneWins(_ outcomes: [Result<Transition, any Error>], _ domain: CodeDomain, sourceLocation: SourceLocation = #_sourceLocation) -> Int? {
        let won = outcomes.indices.filter { (try? outcomes[$0].get())?.changed == true }
        #expect(won.count == 1, "exactly one clerk's decision stands: \(outcomes)", sourceLocation: sourceLocation)
        guard won.count == 1, let winner = won.first, let to = try? outcomes[winner].get().to else { return nil }
        switch outcomes[1 - winner] {
        case .success(let same):
            #expect(same.from == to && same.to == to && !same.changed && same.notified == nil,
                    "the other decision is refused, or finds it so already: \(same)", sourceLocation: sourceLocation)
        case .failure(let error):
            let refusal = error as? MyGazError
            #expect(refusal?.status == .conflict, "\(error)", sourceLocation: sourceLocation)
            #expect(refusal?.message.args.contains(.code(domain, to)) == true, "the refusal names the state now (\(to)): \(error)",
                    sourceLocation: sourceLocation)
        }
        return winner
    }

    func count(_ table: String, _ condition: String) throws -> Int {
        try db.scalarInt("SELECT count(*) FROM \(table) WHERE \(condition)") ?? -1
    }
}

/// Threads let go together once all have arrived.
final class Barrier: @unchecked Sendable {
    private let condition = NSCondition()
    private var waiting: Int

    init(_ parties: Int) { waiting = parties }

    func arrive() {
        condition.lock()
        waiting -= 1
        if waiting == 0 { condition.broadcast() }
        while waiting > 0 { condition.wait() }
        condition.unlock()
    }
}

/// The one rule for "another clerk got there first" (`Decision.move`), on both engines.
@Suite struct DecisionTests {
    @Test(arguments: TestEngine.all) func aDecisionOnAStateThatIsGoneIsAConflictNamingTheStateNow(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        try t.db.execute("INSERT INTO rgk (id, code, name, created_at, updated_at) VALUES (1, 'vologda', 'В', 'x', 'x')")
        let id = try t.db.insert("""
            INSERT INTO application (kind, status, rgk_id, address, source, created_at, submitted_at, updated_at)
            VALUES ('repair', 'accepted', 1, 'addr', 'portal', 'x', 'x', 'x')
            """)
        // judged as submitted; someone approved it meanwhile
        do {
            try Decision.move(t.db, .application, id, .applicationStatus, from: "submitted", to: "rejected", setting: "updated_at = ?", "y")
            Issue.record("a decision on a state that is gone was written")
        } catch let error as MyGazError {
            #expect(error.status == .conflict)
            #expect(error.message.key == .expectStatusMismatch)
            #expect(error.message.args == [.entity(.application), .text(String(id)), .code(.applicationStatus, "accepted"),
                                           .code(.applicationStatus, "submitted")])
        }
        #expect(try t.db.scalarString("SELECT status || '|' || updated_at FROM application WHERE id = ?", id) == "accepted|x")
        // judged on the state it is in: written, with the other columns
        try Decision.move(t.db, .application, id, .applicationStatus, from: "accepted", to: "completed", setting: "updated_at = ?", "y")
        #expect(try t.db.scalarString("SELECT status || '|' || updated_at FROM application WHERE id = ?", id) == "completed|y")
        // gone altogether: not found
        let gone = #expect(throws: MyGazError.self) {
            try Decision.move(t.db, .application, 999, .applicationStatus, from: "accepted", to: "completed")
        }
        #expect(gone?.status == .notFound)
    }
}
