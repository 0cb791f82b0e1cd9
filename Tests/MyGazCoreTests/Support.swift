import EngineHarness
import Foundation
import Testing
@testable import MyGazCore

/// A temporary directory removed when the value goes away; one per test (tests run in parallel).
final class TempDir {
    let path: String

    init() {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("mygaz-core-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }
}

/// SQLite or PostgreSQL (Tests/EngineHarness/TestEngine.swift: `TestEngine.default`, `TestEngine.all`
/// and the PostgreSQL half of `swift test`).
typealias TestEngine = EngineHarness.TestEngine

extension Trait where Self == ConditionTrait {
    /// A test of what is SQLite's alone (its file, FTS5, checkpoints): skipped in the PostgreSQL half, saying why.
    static func sqliteOnly(_ why: Comment) -> Self { .enabled(if: TestEngine.default == .sqlite, why) }
}

/// A migrated database with the test's login registered as admin, on SQLite (a file of its
/// own) or on PostgreSQL (a database of its own on the tests' throwaway server); on the
/// process's default engine unless the test names one.
final class TestDB {
    let dir = TempDir()
    let db: any Storage
    let session: Session
    var now: Int64
    let engine: TestEngine
    /// The PostgreSQL database, kept while the test runs (dropped with it).
    private let server: PGTestDatabase?

    /// The SQLite engine, for tests of what is its own (checkpoints, FTS5, files).
    var sqlite: Database {
        guard let database = db as? Database else { preconditionFailure("a SQLite-only test ran on \(engine)") }
        return database
    }

    init(login: String = "tester", now: Int64 = 1_784_000_000, engine: TestEngine = .default) throws {
        self.now = now
        self.engine = engine
        switch engine {
        case .sqlite:
            server = nil
            db = try Engines.open(dir.file("test.db"), purpose: .initialise, busyTimeoutMs: 2000)
        case .postgresql:
            let database = try PGServer.database()
            server = database
            db = try Engines.open(database.uri, purpose: .initialise, busyTimeoutMs: 2000)
        }
        try Engines.migrate(db)
        let box = NowBox(now)
        session = Session(db: db, login: login, clock: Clock { box.value })
        clockBox = box
        try Operators.bootstrap(session)
    }

    private let clockBox: NowBox

    /// Moves the session's clock.
    func advance(seconds: Int64) { clockBox.value += seconds }

    var path: String { db.path }

    func count(_ table: String, _ condition: String = "1 = 1") throws -> Int {
        try db.scalarInt("SELECT count(*) FROM \(table) WHERE \(condition)") ?? -1
    }
}

final class NowBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Int64
    init(_ value: Int64) { stored = value }
    var value: Int64 {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}

/// Today's PostgreSQL schema taken back to version 16: what versions 17, `scopedClerkSpeed`, 18,
/// `noticeOffAndUsernameSearch`, 19, `ticketDeadlines`, 23, `ticketClocks`, 24 (the users' `search_text`) and 25 (the accounts') added taken away (the search functions of a page and RGKs and
/// `mygaz_unconfirmed_users` dropped, the outbox's cancel reasons of version 8 put back, the
/// username's trigram index dropped; the payments' counters are counted again by the upgrade).
enum PGVersionSixteen {
    static var pieces: String {
        """
        \(QueueCounters.dueCounts.map { "DROP FUNCTION \(PGRoles.counterFunctions[$0])() CASCADE;" }.joined(separator: " ")) DROP TABLE due_count;
        ALTER TABLE outbox DROP CONSTRAINT outbox_cancel_reason_check;
        ALTER TABLE outbox ADD CONSTRAINT outbox_cancel_reason_check CHECK (cancel_reason IS NULL OR \(PGSchema.oneOf("cancel_reason", Schema.v8OutboxCancelReasons)));
        DROP INDEX user_search_username; ALTER TABLE portal_user DROP COLUMN search_text; ALTER TABLE account DROP COLUMN search_text;
        DROP FUNCTION IF EXISTS \(PGRoles.searchFunctionSignatures), mygaz_unconfirmed_users(bigint[]);
        DROP FUNCTION ticket_clock() CASCADE;
        ALTER TABLE ticket DROP COLUMN personal_data_kind, DROP COLUMN personal_data, DROP COLUMN extended_at, DROP COLUMN extend_reason, DROP COLUMN clock_state, DROP COLUMN clock_from;
        ALTER TABLE ticket_message DROP COLUMN asks; ALTER TABLE rgk DROP COLUMN time_zone; DROP INDEX application_event_waited; DROP INDEX application_due;
        """
    }

    static var script: String { pieces + "\nUPDATE schema_version SET version = 16;\n" }
}

/// Today's PostgreSQL schema taken back to version 12 (what versions 13, `abonent`, 14,
/// `notices`, 16, `searchInScope`, 17, `scopedClerkSpeed`, and 18, `noticeOffAndUsernameSearch`, added taken away, the CHECKs of
/// version 12 put back), for the upgrade tests: each
/// later version's pieces are said here once.
enum PGVersionTwelve {
    static var script: String {
        """
        \(PGVersionSixteen.pieces)
        DROP TABLE notice_sent;
        ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
        ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check CHECK (\(PGSchema.oneOf("kind", Schema.v3OutboxKinds + ["contact_changed"])));
        DROP TABLE account_benefit; DROP TABLE account_consumption; DROP TABLE account_equipment; DROP TABLE user_card;
        ALTER TABLE portal_user DROP COLUMN username_key; ALTER TABLE portal_user DROP COLUMN username;
        ALTER TABLE import_batch DROP CONSTRAINT import_batch_kind_check;
        ALTER TABLE import_batch ADD CONSTRAINT import_batch_kind_check CHECK (\(PGSchema.oneOf("kind", Schema.v1ImportKinds)));
        UPDATE schema_version SET version = 12;
        """
    }
}

/// Today's SQLite schema taken back to version 18: what versions 19, `ticketDeadlines`, 20,
/// `dueCounts`, 21, 22, `statusAtScale`, 23, `ticketClocks`, 28 and 29 added taken away (SQLite's ADD COLUMN has no IF NOT EXISTS: a test that sets the
/// version back must take the later pieces away for the upgrade to run them again).
enum SQLiteVersionEighteen {
    static let pieces = """
        \(QueueCounters.dueCounts.map { n in
            ["insert", "delete", "update"].map { "DROP TRIGGER queue_count_\(n + 1)_\(QueueCounters.counters[n].table)_\($0);" }.joined(separator: " ")
        }.joined(separator: " "))
        DROP TABLE due_count;
        \(["insert", "delete", "update"].map { "DROP TRIGGER queue_count_\(QueueCounters.unconfirmedLinks + 1)_user_account_\($0);" }.joined(separator: " "))
        DROP TRIGGER links_unconfirmed_user_status; DROP TRIGGER links_unconfirmed_user_delete;
        \(SQLiteTicketClocks.takenAway)
        DROP TRIGGER application_waited; DROP INDEX application_waited_in_work; ALTER TABLE application DROP COLUMN waited;
        DROP INDEX application_event_waited; DROP INDEX application_due; DROP INDEX application_event_decided; DROP INDEX application_event_first_decided; DROP INDEX ticket_message_answer;
        DROP INDEX ticket_message_first_answer; DROP INDEX ticket_message_question;
        ALTER TABLE ticket DROP COLUMN personal_data; ALTER TABLE ticket DROP COLUMN extended_at; ALTER TABLE ticket DROP COLUMN extend_reason;
        ALTER TABLE ticket_message DROP COLUMN asks; ALTER TABLE rgk DROP COLUMN time_zone;
        """
}

/// What version 23, `ticketClocks`, and 28, `ticketPersonalDataKinds`, added to a SQLite file, taken away (after its counter's
/// triggers, `counterTriggers`, which read the columns).
enum SQLiteTicketClocks {
    static let takenAway = """
        DROP TRIGGER ticket_clock_message; DROP TRIGGER ticket_clock_message_changed; DROP TRIGGER ticket_clock_message_deleted;
        DROP INDEX ticket_new_uncounted; DROP INDEX ticket_reopened_uncounted; DROP INDEX ticket_new_running; DROP INDEX ticket_reopened_running;
        ALTER TABLE ticket DROP COLUMN clock_state; ALTER TABLE ticket DROP COLUMN clock_from; ALTER TABLE ticket DROP COLUMN personal_data_kind;
        """
    static var counterTriggers: String {
        ["insert", "delete", "update"].map { "DROP TRIGGER queue_count_\(QueueCounters.unansweredTicketsDue + 1)_ticket_\($0);" }.joined(separator: " ")
    }
}

/// A value shared with a thread of the test's own, read and written under a lock.
final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
    /// A change made whole under the lock (`value.append` is a read and a write: two threads
    /// between them lose one).
    func update(_ change: (inout T) -> Void) { lock.withLock { change(&stored) } }
}

/// The second of two writers: `work` on a thread of its own, started while the caller's
/// transaction holds what it needs. `waitedForALock` asks the server until it shows the second
/// waiting for a lock; `outcome` waits for the second to end.
final class SecondWriter<T>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private let result = Locked<Result<T, any Error>?>(nil)

    init(_ work: @escaping () throws -> T) {
        let call = Locked(work), result = self.result, done = self.done
        Thread.detachNewThread {
            result.value = Result { try call.value() }
            done.signal()
        }
    }

    /// Whether backend `pid` waited for a lock (`pg_stat_activity`) before it ended, asked every
    /// 10 ms for 5 s at most.
    func waitedForALock(pid: Int, watcher: any Storage) throws -> Bool {
        try waitedForALock {
            try watcher.queryOne("SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE pid = ?", pid)?.optBool("waiting") ?? false
        }
    }

    /// Whether `waiting` said yes before the second ended, asked every 10 ms for 5 s at most.
    func waitedForALock(_ waiting: () throws -> Bool) rethrows -> Bool {
        for _ in 0..<500 where result.value == nil {
            if try waiting() { return true }
            usleep(10_000)
        }
        return false
    }

    /// What the second's work gave, once it ended.
    var outcome: Result<T, any Error> {
        done.wait()
        done.signal()
        return result.value!
    }
}

/// A storage that keeps the statements asked of it, and counts the rows of the application and
/// ticket lists' selects it returned.
final class CountingStorage: Storage {
    let inner: any Storage
    var statements: [String] = []
    /// Each statement with the values bound to it, in the order asked.
    var asked: [(sql: String, arguments: [SQLBindable?])] = []
    var applicationRows = 0
    /// and of the ticket list's
    var ticketRows = 0
    init(_ inner: any Storage) { self.inner = inner }

    private func note(_ sql: String, _ rows: Int, _ arguments: [SQLBindable?] = []) {
        statements.append(sql)
        asked.append((sql, arguments))
        if sql.contains("FROM application ap JOIN rgk g ON g.id = ap.rgk_id") { applicationRows += rows }
        if sql.contains("FROM ticket t LEFT JOIN rgk g ON g.id = t.rgk_id LEFT JOIN office o") { ticketRows += rows }
    }
    var path: String { inner.path }
    var sql: SQLDialect { inner.sql }
    func query(_ sql: String, arguments: [SQLBindable?]) throws -> [Row] {
        let rows = try inner.query(sql, arguments: arguments)
        note(sql, rows.count, arguments)
        return rows
    }
    func queryOne(_ sql: String, arguments: [SQLBindable?]) throws -> Row? {
        let row = try inner.queryOne(sql, arguments: arguments)
        note(sql, row == nil ? 0 : 1, arguments)
        return row
    }
    func run(_ sql: String, arguments: [SQLBindable?]) throws -> Int { note(sql, 0); return try inner.run(sql, arguments: arguments) }
    func execute(_ sql: String) throws { note(sql, 0); try inner.execute(sql) }
    func insert(_ sql: String, arguments: [SQLBindable?]) throws -> Int64 { note(sql, 0); return try inner.insert(sql, arguments: arguments) }
    func eachRow(_ sql: String, arguments: [SQLBindable?], _ body: (Row) throws -> Void) throws {
        var n = 0
        try inner.eachRow(sql, arguments: arguments) { n += 1; try body($0) }
        note(sql, n, arguments)
    }
    func write<T>(_ body: () throws -> T) throws -> T { try inner.write(body) }
    func read<T>(_ body: () throws -> T) throws -> T { try inner.read(body) }
    func savepoint<T>(_ body: () throws -> T) throws -> T { try inner.savepoint(body) }
    func overwriteFreedPages() throws { try inner.overwriteFreedPages() }
    func overwritingFreedContent<T>(_ body: () throws -> T) throws -> T { try inner.overwritingFreedContent(body) }
    func mergeSearchIndex(_ index: SearchIndex, pagesPerStep: Int) throws -> Int { try inner.mergeSearchIndex(index, pagesPerStep: pagesPerStep) }
    func refreshPlannerStatistics(_ tables: [String]) throws { try inner.refreshPlannerStatistics(tables) }
}
