import CSQLite
import Foundation
import Testing
@testable import MyGazCore

/// `Database` owns every transaction: nesting, savepoints, parts of a long write, bulk settings.
@Suite(.sqliteOnly("the SQLite engine's own transactions, parts and bulk settings (PGConnectionTests: the server's)")) struct TransactionsTests {
    func insert(_ t: TestDB, _ code: String) throws {
        try t.sqlite.run("INSERT INTO rgk (code, name, created_at, updated_at) VALUES (?, 'R', 'x', 'x')", code)
    }

    @Test func aWriteInsideAReadIsCaughtAtOnce() throws {
        let t = try TestDB()
        #expect(throws: MyGazError.self) {
            try t.sqlite.read { try t.sqlite.write { try insert(t, "aa") } }
        }
        #expect(try t.count("rgk") == 0 && !t.sqlite.isInTransaction)
        // a read inside a write joins it, and sees its changes
        try t.sqlite.write {
            try insert(t, "bb")
            #expect(try t.sqlite.read { try t.count("rgk") } == 1)
        }
    }

    @Test func aSavepointUndoesItsOwnChangesOnly() throws {
        let t = try TestDB()
        struct Boom: Error {}
        try t.sqlite.write {
            try insert(t, "aa")
            #expect(throws: Boom.self) { try t.sqlite.savepoint { try insert(t, "bb"); throw Boom() } }
            try t.sqlite.savepoint { try insert(t, "cc") }
        }
        #expect(try t.sqlite.query("SELECT code FROM rgk ORDER BY code").map { $0.string(0) } == ["aa", "cc"])
        #expect(throws: MyGazError.self) { try t.sqlite.savepoint { try insert(t, "dd") } }
    }

    @Test func aLongWriteCommitsInPartsAndADryRunCommitsNothing() throws {
        let t = try TestDB()
        var recorded: [Bool] = []
        let parts = Database.ChunkedWrite(t.sqlite, maxSeconds: 0, pauseSeconds: 0, dryRun: false, beforeCommit: { recorded.append($0) })
        try parts.begin()
        for i in 0..<600 {
            try insert(t, "r\(i)")
            try parts.tick()
        }
        try parts.finish()
        #expect(parts.commits == 3 && recorded == [false, false, true], "a part every 256 units when time is up, then the last")
        #expect(try t.count("rgk") == 600 && !t.sqlite.isInTransaction)
        let dry = Database.ChunkedWrite(t.sqlite, maxSeconds: 0, pauseSeconds: 0, dryRun: true, beforeCommit: { _ in Issue.record("a dry run records nothing") })
        try dry.begin()
        for i in 0..<300 { try insert(t, "d\(i)"); try dry.tick() }
        try dry.finish()
        #expect(try t.count("rgk") == 600 && dry.commits == 0)
    }

    /// A writer with SQLite's busy timeout (sqliteDefaultBusyCallback: it sleeps 1, 2, 5, 10, 15,
    /// 20, 25, 25, 25, 50, 50, then 100 ms between tries) that began to wait at any moment of a
    /// part tries once inside the pause after it, however long the part held the lock.
    @Test func thePauseAfterAPartIsLongEnoughForAWaitingWriterToTryInsideIt() {
        var tries = [0]
        for delay in [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50] + Array(repeating: 100, count: 20) { tries.append(tries.last! + delay) }
        var worstWait = 0
        for held in stride(from: 0, through: 400, by: 1) {
            let pause = Int((Database.ChunkedWrite.pause(afterHolding: Double(held) / 1000, atLeast: 0.025) * 1000).rounded())
            for began in stride(from: 0, through: held, by: 1) {
                guard let first = tries.map({ began + $0 }).first(where: { $0 >= held && $0 <= held + pause }) else {
                    Issue.record("a part of \(held) ms and a pause of \(pause) ms: a writer that began at \(began) ms never tries in the pause")
                    return
                }
                if held <= 150 { worstWait = max(worstWait, first - began) }
            }
        }
        #expect(worstWait <= 250, "parts of up to 150 ms: the portal waits at most 250 ms (\(worstWait))")
        #expect(Database.ChunkedWrite.pause(afterHolding: 0.05, atLeast: 0.025) == 0.025, "a short part keeps the short pause")
    }

    @Test func aStatementOfStagedRowsFollowsTheTimeTheLastOneTook() {
        let target = Database.ChunkedWrite.secondsPerStatement
        func items(after n: Int, took seconds: Double) -> Int {
            Database.ChunkedWrite.itemsPerCall(after: n, took: seconds, most: 2048, target: target)
        }
        #expect(items(after: 2048, took: target / 4) == 2048, "fast: the most")
        #expect(items(after: 2048, took: target * 4) == 512, "four times too slow: a quarter")
        #expect(items(after: 512, took: target / 2) == 1024, "back up as it speeds up")
        #expect(items(after: 64, took: 5) == 64, "never below 64")
        #expect(items(after: 100, took: 0) == 2048)
    }

    /// A long write in parts commits each part: another connection reads the rows of the parts
    /// before while the write goes on; the statements are ranges of the items, in order.
    @Test func aWriteInPartsCommitsEachPartAsItGoes() throws {
        let t = try TestDB()
        let reader = try Database(path: t.path, mode: .readOnly)
        var ranges: [Range<Int>] = []
        var seen: [Int] = []
        let parts = try t.sqlite.writeInParts(maxSeconds: 0, pauseSeconds: 0) { parts in
            try parts.writeRanges(0..<1000, first: 256, most: 256) { range in
                seen.append(try reader.scalarInt("SELECT count(*) FROM rgk") ?? -1)
                for i in range { try insert(t, "r\(i)") }
                ranges.append(range)
            }
        }
        #expect(ranges == [0..<256, 256..<512, 512..<768, 768..<1000])
        #expect(seen == [0, 256, 512, 768], "each range after the first found the ones before committed")
        #expect(parts.commits == 4)
        #expect(try t.count("rgk") == 1000)
    }

    /// The files a long job writes (a backup's copy) are synced while it runs, every interval,
    /// and no more once it is finished (the job may close them then).
    @Test func aFileFlusherSyncsTheFilesWhileItRunsAndNotAfter() throws {
        final class Asked: @unchecked Sendable {
            let lock = NSLock()
            var count = 0
            func add() { lock.lock(); count += 1; lock.unlock() }
            var value: Int { lock.lock(); defer { lock.unlock() }; return count }
        }
        let asked = Asked()
        let flusher = FileFlusher(every: 0.05) { asked.add(); return [] }
        flusher.start()
        usleep(300_000)
        flusher.finish()
        let atFinish = asked.value
        #expect(atFinish >= 3, "\(atFinish)")
        usleep(150_000)
        #expect(asked.value == atFinish)
    }

    /// What a step is expected to take follows a dearer one at once and a cheaper one slowly
    /// (an FTS5 merge, a COMMIT of many pages come now and then).
    @Test func theExpectedTimeOfAStepFollowsADearerOneAtOnce() {
        #expect(Database.ChunkedWrite.expected(after: 10e-6, measured: 25e-6) == 25e-6)
        let after = Database.ChunkedWrite.expected(after: 25e-6, measured: 8e-6)
        #expect(after > 20e-6 && after < 25e-6, "\(after)")
    }

    /// The part ends early enough for its COMMIT, which a bulk decision's scattered rows make
    /// long (30–65 ms): the lock is held the part's time in all.
    @Test func aPartEndsEarlyEnoughForItsCommit() throws {
        let t = try TestDB()
        let parts = Database.ChunkedWrite(t.sqlite, maxSeconds: 10, pauseSeconds: 0, dryRun: false, beforeCommit: { _ in })
        try parts.begin()
        try insert(t, "a1")
        parts.commitSeconds = 1
        #expect(parts.secondsLeft < 9.01)
        try parts.tick(256, next: 8.5)
        #expect(parts.commits == 0, "the next step and the COMMIT fit in the part's time")
        try insert(t, "a2")
        try parts.tick(256, next: 9.5)
        #expect(parts.commits == 1, "the next step would fit, but not with the COMMIT: the part ends now")
        try parts.finish()
    }

    @Test func aPartEndsEarlyWhereTheNextStepWouldRunWellPastItsTime() throws {
        let t = try TestDB()
        let parts = Database.ChunkedWrite(t.sqlite, maxSeconds: 10, pauseSeconds: 0, dryRun: false, beforeCommit: { _ in })
        try parts.begin()
        try insert(t, "a1")
        try parts.tick(256, next: 1)
        #expect(parts.commits == 0, "the next step fits in the part's time")
        try insert(t, "a2")
        try parts.tick(256, next: 10.5)
        #expect(parts.commits == 1, "the next step would end 0.5 s past it: the part ends now")
        try insert(t, "a3")
        try parts.tick(256, next: 10 + Database.ChunkedWrite.overrun / 2)
        #expect(parts.commits == 1, "a little past it is allowed")
        try parts.finish()
        #expect(try t.count("rgk") == 3)
    }

    @Test func writeIfFreeRunsNothingAndWaitsForNothingWhileAnotherConnectionWrites() throws {
        let t = try TestDB()
        let other = try Database(path: t.path, busyTimeoutMs: 2000)
        var ran = false
        let started = Date()
        let answer: Void? = try other.write {
            try other.run("INSERT INTO rgk (code, name, created_at, updated_at) VALUES ('zz', 'R', 'x', 'x')")
            return try t.sqlite.writeIfFree { ran = true }
        }
        #expect(answer == nil && !ran && !t.sqlite.isInTransaction)
        #expect(Date().timeIntervalSince(started) < 1, "it did not wait out the 2 s busy timeout")
        // free: it writes
        #expect(try t.sqlite.writeIfFree { try insert(t, "aa") } != nil)
        #expect(try t.count("rgk") == 2)
    }

    /// The portal writes while the importer's checkpoint runs (its transaction began before the
    /// checkpoint and commits after it): the checkpoint does not copy those frames, and the WAL
    /// starts over only if the importer copies them holding the lock before it writes again.
    @Test func theImportersCheckpointCopiesWhatThePortalWroteMeanwhile() throws {
        let t = try TestDB()
        try t.sqlite.write {
            for i in 0..<300 { try insert(t, "r\(i)") }
        }
        /// The WAL header's checkpoint sequence number: one more each time a writer starts the WAL over.
        func walSequence() throws -> Data { try #require(try FileHandle(forReadingAtPath: t.path + "-wal")?.read(upToCount: 16))[12..<16] }
        let before = try walSequence()
        let portal = try Database(path: t.path, busyTimeoutMs: 2000)
        var portalWrote = false
        let checkpointer = try BackgroundCheckpointer(path: t.path) { connection in
            guard !portalWrote else { return try connection.checkpoint(.passive) }
            portalWrote = true
            try portal.write {
                try portal.run("INSERT INTO faq (topic, question, answer, created_at, updated_at) VALUES ('other', 'q', 'a', 'x', 'x')")
                try connection.checkpoint(.passive)
            }
        }
        checkpointer.copyEverything(holdingLockOf: t.sqlite)
        #expect(portalWrote)
        try insert(t, "next")
        #expect(try walSequence() != before, "the importer's next write started the WAL over")
    }

    /// The flusher's view of SQLite's temporary files: a temporary table larger than its cache
    /// spills into a file, and that file is found.
    @Test func theTemporaryFileARowStageSpillsIntoIsFound() throws {
        #if os(Linux)
        let t = try TestDB()
        let before = Set(Database.temporaryFileDescriptors())
        func stage() throws -> Set<Int32> {
            let db = try Database(path: t.path, busyTimeoutMs: 2000)
            try db.execute("PRAGMA temp.cache_size = 50")
            try db.execute("CREATE TEMP TABLE staged (n INTEGER PRIMARY KEY, p TEXT)")
            try db.run("WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 20000) INSERT INTO temp.staged SELECT n, hex(randomblob(100)) FROM k")
            let spilled = Set(Database.temporaryFileDescriptors()).subtracting(before)
            let flusher = FileFlusher(every: 0.01) { Database.temporaryFileDescriptors() }
            flusher.start()
            usleep(50_000)
            flusher.finish()
            return spilled
        }
        let spilled = try stage()
        #expect(spilled.count >= 1, "the temporary table spilled into a file")
        #endif
    }

    /// The staged rows' file is cut to nothing a step at a time and closed, the connection goes on
    /// with a temporary database of its own again.
    @Test func theTemporaryDatabaseIsCutAndLetGo() throws {
        #if os(Linux)
        let t = try TestDB()
        let db = try Database(path: t.path, busyTimeoutMs: 2000)
        let before = Set(Database.temporaryFileDescriptors())
        try db.execute("PRAGMA temp.cache_size = 50")
        try db.execute("CREATE TEMP TABLE staged (n INTEGER PRIMARY KEY, p TEXT)")
        try db.run("WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 40000) INSERT INTO temp.staged SELECT n, hex(randomblob(100)) FROM k")
        func size(_ fd: Int32) -> Int64 {
            var info = stat()
            return fstat(fd, &info) == 0 ? Int64(info.st_size) : -1
        }
        // another test's files may come and go meanwhile: ours is the new one of over 4 MB
        let ours = Set(Database.temporaryFileDescriptors()).subtracting(before).filter { size($0) > 4 << 20 }
        #expect(ours.count == 1, "the temporary table spilled into a file")
        try db.releaseTemporaryStorage(stepBytes: 1 << 20, pauseSeconds: 0)
        let left = Set(Database.temporaryFileDescriptors()).intersection(ours).filter { size($0) > 4 << 20 }
        #expect(left.isEmpty, "the file is cut and closed")
        #expect(try db.scalarInt("SELECT count(*) FROM temp.sqlite_schema") == 0)
        try db.execute("CREATE TEMP TABLE again (n)")
        try db.run("INSERT INTO temp.again VALUES (1)")
        #expect(try db.scalarInt("SELECT n FROM temp.again") == 1)
        #endif
    }

    @Test func bulkSettingsArePutBack() throws {
        let t = try TestDB()
        let before = (try t.sqlite.scalarInt("PRAGMA cache_size"), try t.sqlite.scalarInt("PRAGMA wal_autocheckpoint"))
        try t.sqlite.withBulkSettings(.init(cacheKiB: 8192, autocheckpointPages: 0, foreignKeys: false)) {
            let (cache, keys) = (try t.sqlite.scalarInt("PRAGMA cache_size"), try t.sqlite.scalarInt("PRAGMA foreign_keys"))
            #expect(cache == -8192 && keys == 0)
        }
        let after = (try t.sqlite.scalarInt("PRAGMA cache_size"), try t.sqlite.scalarInt("PRAGMA wal_autocheckpoint"))
        #expect(after == before)
        #expect(try t.sqlite.scalarInt("PRAGMA foreign_keys") == 1)
    }

    @Test func aFailedStatementLeavesTheCacheAndStaticBytesAreUnboundAfterARun() throws {
        let t = try TestDB()
        try insert(t, "aa")
        let sql = "INSERT INTO rgk (code, name, created_at, updated_at) VALUES (?, 'R', 'x', 'x')"
        let first = try t.sqlite.prepare(sql)
        #expect(throws: SQLiteError.self) { try t.sqlite.run(sql, "aa") }
        #expect(try t.sqlite.prepare(sql) !== first, "prepared afresh after it failed")
        let s = try t.sqlite.prepare("INSERT INTO office (rgk_id, name) VALUES (1, ?)")
        var name: [UInt8] = Array("Центральное".utf8)
        try name.withUnsafeBufferPointer { s.bind(staticUTF8: $0, at: 1); try s.execute() }
        name.removeAll()
        // the bytes are gone: a run without binding again inserts NULL (a constraint error), not freed memory
        #expect(throws: SQLiteError.self) { try s.execute() }
        // an empty buffer, which may have no address, binds as an empty text
        [UInt8]().withUnsafeBufferPointer { s.bind(staticUTF8: $0, at: 1) }
        #expect(throws: SQLiteError.self, "name <> '' holds") { try s.execute() }
        s.bind(utf8: ArraySlice<UInt8>(), at: 1)
        #expect(throws: SQLiteError.self) { try s.execute() }
    }

    @Test func noTransactionOrPragmaIsWrittenOutsideTheDatabaseRoom() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources")
        let files = FileManager.default.enumerator(atPath: sources.path)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }
        #expect(files.count > 50)
        let pattern = try Regex(#""\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)\b"#)
        // each engine owns its transactions: SQLite's in Database/, the others in Engines/<name>/
        for file in files where !file.hasPrefix("MyGazCore/Database/") && !file.hasPrefix("MyGazCore/Engines/") {
            let text = try String(contentsOfFile: sources.path + "/" + file, encoding: .utf8)
            #expect(!text.contains(pattern), "\(file) writes SQL that belongs to Database/")
        }
    }

    @Test func theDomainRoomsSeeOnlyStorage() throws {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/MyGazCore")
        let rooms = ["Users", "Accounts", "Pins", "Applications", "Readings", "Tickets", "Outbox", "Audit", "Operators", "Status"]
        let engine = try Regex(#"\bDatabase\b(?!\.(BulkSettings|fold))"#)
        var checked = 0
        for room in rooms {
            for file in try FileManager.default.contentsOfDirectory(atPath: sources.path + "/" + room) where file.hasSuffix(".swift") {
                let code = try String(contentsOfFile: sources.path + "/\(room)/\(file)", encoding: .utf8)
                    .split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }.joined(separator: "\n")
                #expect(!code.contains(engine), "\(room)/\(file) reaches past Storage to the SQLite engine")
                checked += 1
            }
        }
        #expect(checked > 12)
    }
}
