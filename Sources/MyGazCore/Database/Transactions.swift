import CSQLite
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a transaction this connection began may do.
enum TransactionKind { case read, write }

/// Every transaction goes through here; no other file writes BEGIN, COMMIT, ROLLBACK,
/// SAVEPOINT or a PRAGMA. Nesting is told by SQLite itself (autocommit off means a transaction
/// is open): an inner `write` or `read` joins the outer one, and a `write` inside a `read` is a
/// bug — it would run in a DEFERRED transaction and upgrade its lock, which is exactly what
/// BEGIN IMMEDIATE exists to avoid — reported at once.
extension Database {
    /// Runs `body` in one write transaction that holds the write lock from its first
    /// statement (`BEGIN IMMEDIATE`). Inside another write it joins it. On error it rolls
    /// back, if the transaction is still open, and rethrows the first error.
    @discardableResult
    public func write<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction {
            guard openTransaction != .read else { throw Database.writeInsideRead }
            return try body()
        }
        return try transaction(.write, body)
    }

    /// `body` in a write transaction if the write lock is free this moment; nil, having waited
    /// for nothing, if another connection holds it. For work that can as well be done later.
    @discardableResult
    public func writeIfFree<T>(_ body: () throws -> T) throws -> T? {
        if isInTransaction { return try write(body) }
        sqlite3_busy_timeout(handle, 0)
        let began = Result { try execute("BEGIN IMMEDIATE") }
        sqlite3_busy_timeout(handle, Int32(clamping: busyTimeoutMs))
        do {
            try began.get()
        } catch let error as SQLiteError where error.isBusy {
            return nil
        }
        return try finishTransaction(.write, body)
    }

    /// A read transaction: one consistent snapshot for several queries. Inside any other
    /// transaction it joins it.
    @discardableResult
    public func read<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction { return try body() }
        return try transaction(.read, body)
    }

    /// Runs `body` on a savepoint inside the current write: its changes are undone alone when
    /// it throws (the error is rethrown), kept when it returns.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        guard isInTransaction, openTransaction == .write else { throw Database.savepointOutsideWrite }
        try execute("SAVEPOINT item")
        do {
            let result = try body()
            try execute("RELEASE item")
            return result
        } catch {
            if isInTransaction {
                try? execute("ROLLBACK TO item")
                try? execute("RELEASE item")
            }
            throw error
        }
    }

    static let writeInsideRead = MyGazError(.internalError, .internalError, "a write inside a read transaction")
    static let savepointOutsideWrite = MyGazError(.internalError, .internalError, "a savepoint outside a write transaction")

    private func transaction<T>(_ kind: TransactionKind, _ body: () throws -> T) throws -> T {
        try execute(kind == .write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED")
        return try finishTransaction(kind, body)
    }

    /// `body` in the transaction just begun, then COMMIT; on error ROLLBACK.
    private func finishTransaction<T>(_ kind: TransactionKind, _ body: () throws -> T) throws -> T {
        openTransaction = kind
        defer { openTransaction = nil }
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            // SQLite may already have rolled back (e.g. on SQLITE_FULL); rolling back a
            // closed transaction would raise a second error that hides the first.
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
    }

    // MARK: long work

    /// Settings for the length of a bulk job, put back as they were afterwards.
    public struct BulkSettings: Sendable {
        /// Page cache in KiB.
        public var cacheKiB: Int
        /// Pages of WAL before an automatic checkpoint; 0: none (a checkpointer of its own does them).
        public var autocheckpointPages: Int
        /// Off only for a writer that puts parents before children by construction (`db check` proves it).
        public var foreignKeys = true

        public init(cacheKiB: Int, autocheckpointPages: Int, foreignKeys: Bool = true) {
            self.cacheKiB = cacheKiB
            self.autocheckpointPages = autocheckpointPages
            self.foreignKeys = foreignKeys
        }
    }

    public func withBulkSettings<T>(_ settings: BulkSettings, _ body: () throws -> T) throws -> T {
        let cache = try scalarInt("PRAGMA cache_size") ?? -2000
        let checkpoint = try scalarInt("PRAGMA wal_autocheckpoint") ?? 1000
        let foreignKeys = try scalarInt("PRAGMA foreign_keys") ?? 1
        try execute("PRAGMA cache_size = \(-settings.cacheKiB)")
        _ = try scalarInt("PRAGMA wal_autocheckpoint = \(settings.autocheckpointPages)")
        if !settings.foreignKeys { try execute("PRAGMA foreign_keys = OFF") }
        defer {
            // best effort: the connection is closed soon after a bulk job either way
            try? execute("PRAGMA cache_size = \(cache)")
            _ = try? scalarInt("PRAGMA wal_autocheckpoint = \(checkpoint)")
            try? execute("PRAGMA foreign_keys = \(foreignKeys)")
        }
        return try body()
    }

    /// Changes to the file by any connection since this one last looked (`PRAGMA data_version`).
    public var dataVersion: Int {
        get throws { try scalarInt("PRAGMA data_version") ?? 0 }
    }

    public enum Checkpoint: String { case passive = "PASSIVE", truncate = "TRUNCATE" }

    /// Copies the WAL into the file (a checkpoint holds no write lock).
    public func checkpoint(_ mode: Checkpoint) throws {
        _ = try query("PRAGMA wal_checkpoint(\(mode.rawValue))")
    }

    /// A read snapshot held open across calls (not one closure): the importer compares rows with
    /// the database while another thread checks them.
    public final class Snapshot {
        let db: Database
        public private(set) var open = true

        init(_ db: Database) throws {
            self.db = db
            try db.execute("BEGIN DEFERRED")
            db.openTransaction = .read
        }

        /// Ends it; safe to call twice.
        public func close() throws {
            guard open else { return }
            open = false
            db.openTransaction = nil
            if db.isInTransaction { try db.execute("COMMIT") }
        }

        deinit { try? close() }
    }

    public func snapshot() throws -> Snapshot { try Snapshot(self) }

    /// A long write in parts: each part a write transaction of at most `maxSeconds`, then a
    /// pause so that other writers (the portal polls with back-off) get the lock between them.
    /// `tick()` after each unit of work ends the part when its time is up; `finish()` commits the
    /// last one; a dry run rolls every part back. `beforeCommit(final)` records progress in the
    /// same transaction; `afterCommit` runs between parts.
    public final class ChunkedWrite {
        let db: Database
        let maxSeconds: Double
        let pauseSeconds: Double
        let dryRun: Bool
        let beforeCommit: (_ final: Bool) throws -> Void
        let afterCommit: () -> Void
        private var started = Date()
        private var units = 0
        public private(set) var commits = 0
        /// The longest a part held the write lock, in seconds.
        public private(set) var longestSeconds = 0.0

        public init(_ db: Database, maxSeconds: Double, pauseSeconds: Double, dryRun: Bool,
                    beforeCommit: @escaping (_ final: Bool) throws -> Void, afterCommit: @escaping () -> Void = {}) {
            self.db = db
            self.maxSeconds = maxSeconds
            self.pauseSeconds = pauseSeconds
            self.dryRun = dryRun
            self.beforeCommit = beforeCommit
            self.afterCommit = afterCommit
        }

        /// The seconds the open part has left of its time, its COMMIT's left out.
        public var secondsLeft: Double { maxSeconds - Date().timeIntervalSince(started) - commitSeconds }

        /// What COMMIT is expected to take (the part's pages into the WAL: 5–15 ms for an import,
        /// 30–65 ms for a bulk decision, whose rows are all over the table): the part ends early
        /// enough for it. An average of the last ones: one slow COMMIT (the disk) does not shorten
        /// the parts after it.
        var commitSeconds = 0.0

        /// The seconds a step (an account's trigrams, a page merged) is expected to take next, after
        /// `estimate` and one that took `measured`: a dearer one is followed at once and a cheaper
        /// one slowly, so that a part is not sized for a cheap moment.
        static func expected(after estimate: Double, measured: Double) -> Double {
            max(measured, estimate * 0.9 + measured * 0.1)
        }

        public func begin() throws {
            guard !db.isInTransaction else { throw Database.writeInsideRead }
            try db.execute("BEGIN IMMEDIATE")
            db.openTransaction = .write
            started = Date()
        }

        /// `count` units done; every 256 units the clock is looked at. The part ends when its time
        /// is up, or before that where the next step, expected to take `next` seconds, would run
        /// well past it: a part held long makes the portal wait through its sparser retries.
        public func tick(_ count: Int = 1, next: Double = 0) throws {
            let before = units
            units += count
            guard before >> 8 != units >> 8 else { return }
            let elapsed = Date().timeIntervalSince(started)
            guard elapsed >= maxSeconds || elapsed + next + commitSeconds > maxSeconds + Self.overrun else { return }
            try end(final: false)
            try begin()
        }

        /// The open part ends now and the next begins.
        public func split() throws {
            try end(final: false)
            try begin()
        }

        /// How far past its time a part may be expected to run rather than end early.
        static let overrun = 0.02

        public func finish() throws { try end(final: true) }

        /// Nothing to write for a while (the input is not ready): the open part is committed now,
        /// so the lock is not held while waiting; `resume()` opens the next.
        /// However young the part: a writer that waits holding the lock keeps the portal out for
        /// nothing (a commit in WAL mode costs a fraction of a millisecond).
        public func suspend() throws {
            // one transaction for the whole (--single-transaction) is never cut
            guard db.isInTransaction, maxSeconds.isFinite else { return }
            try end(final: false, pause: false)
        }

        public func resume() throws {
            guard !db.isInTransaction else { return }
            try begin()
        }

        /// An error midway: the open part is rolled back; parts committed before it stay.
        public func abandon() {
            if db.isInTransaction { try? db.execute("ROLLBACK") }
            db.openTransaction = nil
        }

        private func end(final: Bool, pause: Bool = true) throws {
            defer { db.openTransaction = nil }
            if dryRun {
                try db.execute("ROLLBACK")
                return
            }
            try beforeCommit(final)
            let committing = Date()
            try db.execute("COMMIT")
            let held = Date().timeIntervalSince(started)
            commitSeconds = commitSeconds * 0.8 + Date().timeIntervalSince(committing) * 0.2
            longestSeconds = max(longestSeconds, held)
            commits += 1
            afterCommit()
            // SQLite's lock has no queue: a writer that polls with back-off would keep missing
            // the moment between COMMIT and the next BEGIN
            if !final && pause && pauseSeconds > 0 {
                usleep(useconds_t(Self.pause(afterHolding: held, atLeast: pauseSeconds) * 1_000_000))
            }
        }

        /// How long the lock is left free after a part that held it `held` seconds: long enough
        /// that a writer waiting with SQLite's busy timeout (the portal) tries once inside it,
        /// however long it has waited — at most `held`. Its tries come 0, 1, 3, 8, 18, 33, 53, 78,
        /// 103, 128, 178, 228, 328 … ms after its first (sqliteDefaultBusyCallback): at most 25 ms
        /// apart until 128 ms, 50 until 228, then 100. A part that ran long (a statement that
        /// merged the search index) so costs a longer pause, not a portal wait of 330 ms.
        public static func pause(afterHolding held: Double, atLeast base: Double) -> Double {
            let gap = held <= 0.120 ? 0.025 : held <= 0.220 ? 0.050 : 0.100
            return max(base, gap)
        }
    }
}
