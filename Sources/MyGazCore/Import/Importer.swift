import Foundation
#if canImport(Glibc)
import Glibc
#endif

public enum EncodingChoice: String, Sendable, CaseIterable { case auto, utf8 = "utf-8", cp1251 }

public struct ImportOptions: Sendable {
    public var kind: ImportKind
    public var rgk: String?
    public var encoding: EncodingChoice = .auto
    public var delimiter: UInt8?
    public var dryRun = false
    public var skipInvalid = false
    public var singleTransaction = false
    /// Longest write transaction in seconds. A writer waiting with SQLite's busy timeout (the
    /// portal) tries again after 1, 2, 5, 10, 15, 20, 25, 25, 25 ms, then 50 and 100 ms apart:
    /// a pause of 25 ms that begins within ~100 ms of its first try is always met. With parts of
    /// 0.15 s it could miss pause after pause (1.8 s measured during a services import).
    public var transactionSeconds = 0.1
    /// The shortest pause after each write transaction, so that other writers get the lock; a
    /// part that ran long is followed by a longer one (`Database.ChunkedWrite.pause`).
    public var pauseSeconds = 0.025
    /// The moment the file speaks for (`--as-of`; nil: its modification time): a holder's phone
    /// changed at the desk after it is not undone by the file (`HolderPhone.keep`).
    public var asOf: Int64?

    public init(kind: ImportKind) { self.kind = kind }
}

/// The two passes over a file, for progress reports.
public enum ImportPhase: Sendable { case checking, writing }

/// Progress of a pass: its rows so far, and the fraction of the whole import.
public typealias ImportProgress = (_ phase: ImportPhase, _ rows: Int, _ fraction: Double) -> Void

/// Where `--skip-invalid` puts the bad rows, with their line and reasons: the CLI writes them
/// in the clerk's language, in the file's own encoding and delimiter, so that the fixed rows
/// import with the same options.
public protocol RejectsSink: AnyObject {
    /// The file's header; `masked` are the columns whose values are secrets (PINs).
    func begin(header: [String], masked: Set<Int>, delimiter: UInt8, encoding: FileEncoding, bom: Bool) throws
    func reject(line: Int, fields: [String], problems: [RowProblem]) throws
    /// The rest of `file` from `offset`, which cannot be read as rows (a quote that never closes), as one entry.
    func rejectRest(of file: String, from offset: Int64, line: Int, reason: Message) throws
    /// The file is read again from its start (in another encoding): what was written goes.
    func restart()
    func finish() throws
}

public struct ImportReport: Sendable {
    public var file: String
    public var encoding: FileEncoding = .utf8
    public var delimiter: UInt8 = 59
    public var sha256 = ""
    public var rowsRead = 0
    public var inserted = 0
    public var updated = 0
    public var unchanged = 0
    public var rejected = 0
    public var seconds = 0.0
    public var batchID: Int64?
    public var resumedFrom: Int64?
    public var problems: [RowProblem] = []
    public var badRows = 0
    public var dryRun = false
    public var longestLockSeconds = 0.0
    /// The moment the file was taken to speak for, ISO.
    public var asOf = ""
    /// The holders' phones changed at the desk that the file said otherwise about: the desk's kept.
    public var phoneConflicts: [HolderPhone.Conflict] = []
}

/// A file with bad rows: nothing was written. Carries the report with the problems.
public struct ImportRefused: Error, Sendable {
    public let report: ImportReport
}

/// Imports one RGK file: fingerprint and encoding, a validating pass that writes nothing,
/// then a pass that upserts by natural key in short transactions, recording its progress
/// in an import batch so that an interrupted run is finished by running it again.
public enum Importer {
    public static let shownProblems = 50
    /// The longest field a row may have: the longest thing an RGK sends is an address or a
    /// name; anything far past that is a broken file, not data.
    public static let maxFieldBytes = 4096
    /// Staged rows written by one statement at most (a few milliseconds of the write lock).
    static let stagedRowsPerWrite = 2048

    public static func run(_ session: Session, _ options: ImportOptions, file: String, rejects: RejectsSink? = nil,
                           progress: ImportProgress = { _, _, _ in }) throws -> ImportReport {
        try options.kind.box.run(session, options, file, rejects, progress)
    }
}

/// One import of one file, by one kind.
final class ImportRun<K: ImportKindType> {
    let session: Session
    let options: ImportOptions
    let file: String
    let rejects: RejectsSink?
    var report: ImportReport
    let size: Int64
    let started = Date()
    let startedAt: String
    /// The writing connection's kind and context, and the checking thread's.
    var ctx: ImportContext!
    var checkCtx: ImportContext!
    var header: ImportHeader!
    var skip = 0
    var validator = TextEncoding.UTF8Validator()
    /// The leading rows that matched the database when the checking pass compared them (whole
    /// batches, before the first row that differs): not staged, counted unchanged — and of them,
    /// the rejected rows' numbers.
    var unchangedPrefix = 0
    var prefixRejected: [Int] = []
    /// The file broke off (an open quote): its rest is one rejected entry.
    var brokenTail = false
    /// The rows of the file the writing pass has done (recorded with each part it commits).
    var rowsDone = 0
    /// PostgreSQL: the rows the checking pass loaded into the staging table.
    var stagedRows = 0

    init(_ session: Session, _ options: ImportOptions, file: String, rejects: RejectsSink?) throws {
        self.session = session
        sqlite = session.db as? Database
        pg = session.db as? PGConnection
        guard sqlite != nil || pg != nil else { throw MyGazError(.usage, .notOnThisEngine, .text("import"), .text(session.db.path)) }
        self.options = options
        self.file = file
        self.rejects = rejects
        report = ImportReport(file: file)
        report.dryRun = options.dryRun
        startedAt = session.now
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw MyGazError(.notFound, .fileMissing, .text(file))
        }
        size = Maintenance.fileSize(file)
        let modified = (try? FileManager.default.attributesOfItem(atPath: file)[.modificationDate] as? Date).map { Int64($0.timeIntervalSince1970) }
        report.asOf = Timestamp.iso(options.asOf ?? modified ?? session.clock.now)
    }

    /// The engine, one of two: on SQLite the import is its own bulk path (short write
    /// transactions in parts, a read snapshot that compares, its temporary tables); on
    /// PostgreSQL the checked rows are loaded into a staging table with `COPY` and written in one
    /// transaction (`ImportPostgreSQL.swift`).
    let sqlite: Database?
    let pg: PGConnection?
    /// SQLite's engine, in what is SQLite's path alone.
    var db: Database { sqlite! }
    var fileName: String { (file as NSString).lastPathComponent }

    func run(_ progress: ImportProgress) throws -> ImportReport {
        let probe = try ImportProbe(file)
        report.encoding = probe.encoding(options.encoding)
        skip = probe.skip(report.encoding)
        report.delimiter = probe.delimiter(options.delimiter, skip: skip)
        // the rows carry the batch's start: read twice, the clock may turn a second between
        ctx = try ImportContext(session: session, fillRGK: options.rgk, now: startedAt)
        ctx.asOf = report.asOf
        // rows are checked on another thread, with a connection of its own for the lookups
        let checkDB: any Storage = try pg?.sibling() ?? Database(path: db.path, mode: .readWrite, busyTimeoutMs: 5000)
        checkCtx = try ImportContext(session: Session(db: checkDB, login: session.login, clock: session.clock), fillRGK: options.rgk, now: startedAt)
        // the staged rows' file cut a little at a time, not freed at once when the program ends
        defer { if sqlite != nil { try? db.releaseTemporaryStorage() } }
        defer { dropStagingTable() }

        let unchanged = try checkPass(probe, progress)
        // a row of an RGK the operator does not work: nothing is written (issue 37)
        if let code = checkCtx.outsideScope {
            throw MyGazError(.permission, .importRGKOutsideScope, .text(fileName), .text(code), .text(session.login))
        }
        if report.badRows > 0 && !options.skipInvalid { throw ImportRefused(report: report) }
        if options.dryRun {
            if pg != nil, let upsert = try K(ctx).stagedUpsert {
                try estimateStaged(upsert)
            } else {
                try estimatePass(progress)
            }
        } else if pg != nil {
            try writeOnServer(progress)
        } else {
            try writePass(nothingToWrite: unchanged && report.badRows == 0, progress)
        }
        report.phoneConflicts = ctx.phoneConflicts
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// The rows after the header, read again and checked on another thread.
    func rowsAgain(writing: Bool) throws -> CheckingPipeline<K> {
        let reader = try CSVReader(path: file, delimiter: report.delimiter, skipBytes: skip)
        var record = CSVRecord()
        _ = try reader.next(into: &record)      // the header
        return CheckingPipeline(reader: reader, decoder: Decoder(encoding: report.encoding, fileIsValidUTF8: validator.complete),
                                checker: try K(checkCtx), columns: header.fileColumns,
                                template: RowView(map: header.map, headers: header.names), writing: writing, lookups: checkCtx.db)
    }

    // MARK: pass 1: check every row; nothing is written

    /// Answers whether every row matched the database in one snapshot nobody wrote into: then
    /// there is nothing to write.
    func checkPass(_ probe: ImportProbe, _ progress: ImportProgress) throws -> Bool {
        let hasher = BackgroundHasher()
        var fingerprinted = false
        while true {
            let decoder = Decoder(encoding: report.encoding, fileIsValidUTF8: fingerprinted && validator.complete)
            let reader = try CSVReader(path: file, delimiter: report.delimiter, skipBytes: fingerprinted ? skip : 0)
            if !fingerprinted {
                reader.onRead = { [self] chunk in
                    hasher.update(chunk)
                    validator.feed(chunk)
                }
                if skip > 0 { _ = try reader.skipBOM() }
            }
            var record = CSVRecord()
            do {
                guard try reader.next(into: &record) else { throw MyGazError.invalid(.importNoHeader, .text(file)) }
            } catch CSVProblem.unterminatedQuote(let line) {
                throw MyGazError.invalid(.importHeaderOpenQuote, .text(file), .int(line))
            } catch CSVProblem.recordTooLong(let line, let limit) {
                throw MyGazError.invalid(.importHeaderTooLong, .text(file), .int(line), .int(limit))
            }
            header = try ImportHeader(record, decoder: decoder, columns: K.columns, kind: K.kind, file: file, rgkGiven: options.rgk != nil)
            ctx.present = header.map.map { $0 != nil }
            checkCtx.present = ctx.present
            let kind = try K(ctx), checker = try K(checkCtx)
            var row = RowView(map: header.map, headers: header.names)
            try rejects?.begin(header: header.fileHeader, masked: header.masked(K.columns), delimiter: report.delimiter,
                               encoding: report.encoding, bom: skip > 0)
            report.rowsRead = 0
            report.badRows = 0
            report.problems = []
            brokenTail = false
            try kind.unstage()
            unchangedPrefix = 0
            prefixRejected = []
            // SQLite keeps the rows for the writing pass where it writes them (not in a dry run, which
            // compares row by row); PostgreSQL loads them into the staging table, a dry run's too
            let stages = kind.stagesRows && (pg != nil || !options.dryRun)
            if stages, pg != nil { try beginStaging(kind) }
            let pipeline = CheckingPipeline(reader: reader, decoder: decoder, checker: checker, columns: header.fileColumns, template: row,
                                            lookups: checkCtx.db)
            pipeline.start()
            // while the other thread checks, this one compares the rows with the database in one
            // read snapshot: if nothing would change, the writing pass can be skipped (SQLite's
            // parts alone: on PostgreSQL the one write leaves an unchanged row as it is)
            let speculation = Speculation(sqlite, enabled: !options.dryRun)
            try speculation.begin()
            var staging: Database.Snapshot?
            defer { try? staging?.close() }
            let flusher = FileFlusher.temporaryFiles()
            if sqlite != nil && stages { flusher.start() }
            defer { flusher.finish() }
            do {
                while let batch = try pipeline.next() {
                    let first = report.rowsRead + 1
                    report.rowsRead += batch.records.count
                    for (index, problems) in batch.problems.sorted(by: { $0.key < $1.key }) {
                        report.badRows += 1
                        for p in problems where report.problems.count < Importer.shownProblems { report.problems.append(p) }
                        try rejects?.reject(line: batch.records[index].line, fields: batch.fields(index, &row), problems: problems)
                    }
                    if speculation.alive {
                        for index in batch.records.indices {
                            guard let values = batch.values[index] else { continue }
                            batch.view(index, into: &row)
                            if try kind.outcome(row, values) != .unchanged {
                                try speculation.abandon()
                                break
                            }
                        }
                    }
                    if stages {
                        if speculation.alive {
                            // the whole batch matches the database: nothing of it to write
                            unchangedPrefix = report.rowsRead
                            prefixRejected += batch.values.indices.filter { batch.values[$0] == nil }.map { first + $0 }
                        } else {
                            // the good rows are kept for the writing pass: a temporary table, in one
                            // transaction that takes no lock on the database (the pass's snapshot)
                            if staging == nil && sqlite != nil { staging = try db.snapshot() }
                            try kind.stage(batch, &row, first: first)
                        }
                    }
                    row.utf8 = []       // let go of the arena before the producer refills it
                    row.ends = []
                    progress(.checking, report.rowsRead, Double(batch.position) / Double(max(size, 1)) / 2)
                    pipeline.recycle(batch)
                }
            } catch let problem as CSVProblem {
                // the rows before it are checked and reported above; from here the file cannot be
                // read as rows: with --skip-invalid it goes to the rejects file whole, as one entry
                report.badRows += 1
                brokenTail = true
                report.problems.append(RowProblem(line: problem.line, column: "—", reason: problem.message))
                try rejects?.rejectRest(of: file, from: reader.recordStart, line: problem.line, reason: problem.message)
                try speculation.abandon()
                // read the rest for the fingerprint
                if !fingerprinted { try reader.drain() }
            } catch {
                pipeline.stop()
                try? speculation.abandon()
                try? endStaging(stopped: error)
                throw error
            }
            if !fingerprinted {
                report.sha256 = hasher.finish()
                fingerprinted = true
                // "valid UTF-8 is UTF-8, anything else Windows-1251": a file that looked like
                // UTF-8 at the start but is not, is read again as Windows-1251
                if options.encoding == .auto && report.encoding == .utf8 && !probe.hasBOM && !validator.complete {
                    report.encoding = .cp1251
                    rejects?.restart()
                    try speculation.abandon()
                    try endStaging(stopped: ReadAgain())
                    continue
                }
            }
            // the staged rows are committed here, or the import stops: none is lost quietly
            try staging?.close()
            try endStaging()
            try rejects?.finish()
            return try speculation.conclude()
        }
    }

    // MARK: pass 2: write

    /// The batch that records this import, taking over one that was interrupted (same kind,
    /// same file, same RGK, its process gone): its counts go on from where it stopped.
    func openBatch() throws -> (rows: Int, resumed: Int64?) {
        // the batch belongs to an RGK when the file speaks of one only
        let batchRGK = ctx.fillRGK ?? (checkCtx.seenRGKs.count == 1 ? checkCtx.seenRGKs.first : nil)
        return try db.write {
            var resume: Row?
            for old in try db.query("""
                SELECT id, pid, host, rows_done, inserted, updated, unchanged, rejected FROM import_batch
                WHERE status = 'running' AND kind = ? AND file_sha256 = ? AND rgk_id IS ? ORDER BY id DESC
                """, K.kind.rawValue, report.sha256, batchRGK) where !ImportLiveness.isAlive(pid: old.optInt(1), host: old.optString(2)) {
                if resume == nil { resume = old }
                try db.run("UPDATE import_batch SET status = 'superseded', finished_at = ? WHERE id = ?", session.now, old.int64(0))
            }
            report.inserted = resume?.int(4) ?? 0
            report.updated = resume?.int(5) ?? 0
            report.unchanged = resume?.int(6) ?? 0
            report.rejected = resume?.int(7) ?? 0
            report.batchID = try insertBatch(rgk: batchRGK, rowsDone: resume?.int(3) ?? 0)
            report.resumedFrom = resume?.int64(0)
            ctx.batchID = report.batchID
            return (resume?.int(3) ?? 0, resume?.int64(0))
        }
    }

    /// The import batch's row, running, with the counts so far: its id.
    func insertBatch(rgk: Int64?, rowsDone: Int) throws -> Int64 {
        try session.db.insert("""
            INSERT INTO import_batch (kind, rgk_id, file_name, file_sha256, file_size, encoding, delimiter, operator, pid, host,
                                      status, started_at, rows_read, rows_done, inserted, updated, unchanged, rejected, as_of)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?)
            """, K.kind.rawValue, rgk, fileName, report.sha256, size, report.encoding.rawValue,
            String(UnicodeScalar(report.delimiter)), session.login, ImportLiveness.currentPID, ImportLiveness.hostName, startedAt,
            report.rowsRead, rowsDone, report.inserted, report.updated, report.unchanged, report.rejected, report.asOf)
    }

    func writePass(nothingToWrite: Bool, _ progress: ImportProgress) throws {
        let carried = try openBatch()
        if nothingToWrite && carried.rows == 0 {
            // every row matched the database and nobody wrote meanwhile: nothing to write
            report.unchanged = report.rowsRead
            try db.write {
                try db.run("""
                    UPDATE import_batch SET rows_done = ?, unchanged = ?, status = 'completed', finished_at = ? WHERE id = ?
                    """, report.rowsRead, report.rowsRead, session.now, report.batchID)
                try session.audit("import.\(K.kind.rawValue)", .importBatch, report.batchID, new: "completed",
                                  note: AuditNote(.imported, ["file": .text(fileName), "read": .int(Int64(report.rowsRead)), "inserted": 0, "updated": 0,
                                                             "unchanged": .int(Int64(report.rowsRead)), "rejected": 0]))
            }
            return
        }
        let kind = try K(ctx)
        defer { kind.endWriting() }
        let pipeline = kind.stagesRows ? nil : try rowsAgain(writing: true)
        pipeline?.start()
        rowsDone = 0
        let parts = try db.writeInParts(
            maxSeconds: options.singleTransaction ? .infinity : options.transactionSeconds, pauseSeconds: options.pauseSeconds,
            waitsForInput: pipeline != nil,
            beforeCommit: { [self] final, secondsLeft in
                try kind.endPart(secondsLeft: secondsLeft)
                try recordBatch(final: final)
            },
            failed: { [self] parts in
                pipeline?.stop()
                parts.abandon()
                if parts.commits == 0 && report.resumedFrom == nil {
                    // nothing of this file was written (say, the disk was full): no batch to finish either.
                    // Best effort: where even this fails, the batch shows as an incomplete import to run again
                    _ = try? db.write { try db.run("DELETE FROM import_batch WHERE id = ? AND rows_done = 0", report.batchID) }
                }
            }) { parts in
                if let pipeline {
                    try writeRowByRow(kind, pipeline, after: carried.rows, parts, progress)
                } else {
                    try writeStagedRows(kind, after: carried.rows, parts, progress)
                }
            }
        report.longestLockSeconds = parts.longestSeconds
    }

    /// The batch's counts so far, in the transaction that wrote them; the `final` part's marks it
    /// completed, with its audit row.
    func recordBatch(final: Bool) throws {
        try session.db.run("""
            UPDATE import_batch SET rows_done = ?, inserted = ?, updated = ?, unchanged = ?, rejected = ?,
                   status = CASE WHEN ? THEN 'completed' ELSE status END, finished_at = CASE WHEN ? THEN ? ELSE NULL END
            WHERE id = ?
            """, rowsDone, report.inserted, report.updated, report.unchanged, report.rejected, final, final, session.now, report.batchID)
        if final {
            try session.audit("import.\(K.kind.rawValue)", .importBatch, report.batchID, new: "completed",
                              note: AuditNote(.imported, ["file": .text(fileName), "read": .int(Int64(report.rowsRead)),
                                                         "inserted": .int(Int64(report.inserted)), "updated": .int(Int64(report.updated)),
                                                         "unchanged": .int(Int64(report.unchanged)), "rejected": .int(Int64(report.rejected))]))
        }
    }

    /// The kinds that keep no rows: the file read and checked again, each row written by itself,
    /// from where an interrupted run stopped; while the checking thread has no batch ready
    /// (hashing), the lock is let go (SQLite's parts; on PostgreSQL, `parts` is nil: one transaction).
    func writeRowByRow(_ kind: K, _ pipeline: CheckingPipeline<K>, after carried: Int, _ parts: Database.ChunkedWrite?,
                       _ progress: ImportProgress) throws {
        let waiting: ((Bool) throws -> Void)? = parts.map { parts in { try $0 ? parts.suspend() : parts.resume() } }
        try eachRow(pipeline, progress: { progress(.writing, $0, 0.5 + $1 / 2) }, waiting: waiting) { row, values in
            rowsDone += 1
            if rowsDone > carried {
                if let values {
                    switch try kind.write(row, values) {
                    case .inserted: report.inserted += 1
                    case .updated: report.updated += 1
                    case .unchanged: report.unchanged += 1
                    }
                } else {
                    report.rejected += 1
                }
            }
            try parts?.tick()
        }
    }

    /// The rows the checking pass kept, a range at a time, from where an interrupted run stopped
    /// (the leading batches that matched the database are counted, not written).
    private func writeStagedRows(_ kind: K, after carried: Int, _ parts: Database.ChunkedWrite, _ progress: ImportProgress) throws {
        rowsDone = carried
        if unchangedPrefix > rowsDone {
            let rejected = prefixRejected.reduce(0) { $0 + ($1 > carried ? 1 : 0) }
            report.rejected += rejected
            report.unchanged += unchangedPrefix - carried - rejected
            rowsDone = unchangedPrefix
        }
        try parts.writeRanges(rowsDone..<report.rowsRead, first: kind.stagedRowsPerWrite, most: kind.stagedRowsPerWrite,
                              secondsPerStatement: kind.secondsPerStatement, endSeconds: kind.endPartSeconds(adding:)) { range in
            let counts = try kind.writeStaged(after: range.lowerBound, through: range.upperBound)
            report.inserted += counts.inserted
            report.updated += counts.updated
            report.unchanged += counts.unchanged
            report.rejected += range.count - counts.rows
            rowsDone = range.upperBound      // before the part may end: its commit records how far it got
            progress(.writing, rowsDone, 0.5 + Double(rowsDone) / Double(max(report.rowsRead, 1)) / 2)
        }
        while kind.owesWork { try parts.split() }
        if brokenTail { report.rejected += 1 }
    }

    /// Every row of a second reading of the file, in order: `body` gets its values (nil: a bad
    /// row) with `row` looking at it. A file that breaks off where the checking pass found it does
    /// (--skip-invalid only) ends there: the rest is the rejects file's one last entry, counted
    /// as one rejected row.
    func eachRow(_ pipeline: CheckingPipeline<K>, progress: (Int, Double) -> Void, waiting: ((Bool) throws -> Void)? = nil,
                 _ body: (RowView, K.Values?) throws -> Void) throws {
        var row = RowView(map: header.map, headers: header.names)
        var rows = 0
        while true {
            let next: CheckedBatch<K.Values>?
            // a short wait keeps the part open; a longer one lets the lock go while it lasts
            let waits = waiting != nil && !pipeline.ready(within: 0.002)
            if waits { try waiting?(true) }
            do { next = try pipeline.next() } catch is CSVProblem {
                if waits { try waiting?(false) }
                report.rejected += 1
                return
            }
            if waits { try waiting?(false) }
            guard let batch = next else { return }
            for index in batch.records.indices {
                if batch.values[index] != nil { batch.view(index, into: &row) }
                try body(row, batch.values[index])
            }
            rows += batch.records.count
            row.utf8 = []
            row.ends = []
            progress(rows, Double(batch.position) / Double(max(size, 1)))
            pipeline.recycle(batch)
        }
    }

    // MARK: a dry run: what the writing pass would do, without the write lock

    /// Each row is compared with the database in one read snapshot. A key the file names a
    /// second time would find the first row written: it counts as an update, not a new row
    /// (the keys seen are kept in a temporary table, so memory stays flat).
    func estimatePass(_ progress: ImportProgress) throws {
        let kind = try K(ctx)
        let pipeline = try rowsAgain(writing: false)
        let seen = try SeenKeys(sqlite)
        defer { seen.drop() }
        pipeline.start()
        do {
            // one snapshot: SQLite's read transaction, PostgreSQL's REPEATABLE READ
            try inOneSnapshot {
                try eachRow(pipeline, progress: { progress(.writing, $0, 0.5 + $1 / 2) }) { row, values in
                    guard let values else { report.rejected += 1; return }
                    var outcome = try kind.outcome(row, values)
                    if try !seen.insert(kind.key(row, values)) && outcome == .inserted { outcome = .updated }
                    switch outcome {
                    case .inserted: report.inserted += 1
                    case .updated: report.updated += 1
                    case .unchanged: report.unchanged += 1
                    }
                }
            }
        } catch {
            pipeline.stop()
            throw error
        }
    }

    private func inOneSnapshot(_ body: () throws -> Void) throws {
        guard let sqlite else { return try session.db.read(body) }
        let snapshot = try sqlite.snapshot()
        defer { try? snapshot.close() }
        try body()
    }

    /// Keys met so far in a dry run, in the connection's private temporary storage: writing
    /// there takes no lock on the database file. On PostgreSQL, whose dry runs of the kinds
    /// written row by row are of small files (RGKs, acts, PINs), in memory.
    final class SeenKeys {
        let db: Database?
        private var seen: Set<String> = []
        init(_ db: Database?) throws {
            self.db = db
            try db?.run("CREATE TEMP TABLE IF NOT EXISTS import_seen_key (key TEXT PRIMARY KEY) WITHOUT ROWID")
            try db?.run("DELETE FROM temp.import_seen_key")
        }

        /// False when the key was met before.
        func insert(_ key: [SQLBindable?]) throws -> Bool {
            let text = key.map { $0.map { "\($0.sqlValue)" } ?? "\u{0}" }.joined(separator: "\u{1F}")
            guard let db else { return seen.insert(text).inserted }
            return try db.run("INSERT OR IGNORE INTO temp.import_seen_key (key) VALUES (?)", text) == 1
        }

        func drop() { _ = try? db?.run("DROP TABLE IF EXISTS temp.import_seen_key") }
    }

    /// Comparing rows with the database during the validating pass, in one read snapshot.
    /// It holds only if every row matched and no other connection committed meanwhile.
    final class Speculation {
        let db: Database?
        private(set) var alive: Bool
        private var version = 0
        private var snapshot: Database.Snapshot?

        /// Nothing to compare without SQLite (`db` nil).
        init(_ db: Database?, enabled: Bool) {
            self.db = db
            alive = enabled && db != nil
        }

        func begin() throws {
            guard alive, let db else { return }
            version = try db.dataVersion
            snapshot = try db.snapshot()
        }

        func abandon() throws {
            guard alive else { return }
            alive = false
            try snapshot?.close()
        }

        /// Ends the snapshot; true when everything compared equal and nobody else wrote.
        func conclude() throws -> Bool {
            guard alive, let db else { return false }
            alive = false
            try snapshot?.close()
            return try db.dataVersion == version
        }
    }
}

extension CSVProblem {
    var line: Int {
        switch self {
        case .unterminatedQuote(let line), .recordTooLong(let line, _): return line
        }
    }

    var message: Message {
        switch self {
        case .unterminatedQuote: return Message(.importUnterminatedQuote)
        case .recordTooLong(_, let limit): return Message(.importRecordTooLong, [.int(limit)])
        }
    }
}
