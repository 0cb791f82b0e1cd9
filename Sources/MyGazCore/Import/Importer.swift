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
    public var rejectsPath: String?
    public var singleTransaction = false
    /// Longest write transaction in seconds: the portal waits at most 5 s for the lock.
    public var transactionSeconds = 0.15
    /// The pause after each write transaction, so that other writers get the lock.
    /// 25 ms after each 150 ms transaction bounds a polling writer's wait at ~260 ms (bench/import.sh).
    public var pauseSeconds = 0.025

    /// How a row's problem reads in the rejects file (the CLI gives the clerk's language).
    public var describe: @Sendable (Message) -> String = { $0.key.rawValue }

    public init(kind: ImportKind) { self.kind = kind }
}

/// The two passes over a file, for progress reports.
public enum ImportPhase: Sendable { case checking, writing }

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
    /// A checkpoint is asked for after every second write transaction (on its own thread,
    /// see BackgroundCheckpointer): the WAL stays short, so the portal's own automatic
    /// checkpoints find little to do, and the last one, when the import closes, is quick.
    static let commitsPerCheckpoint = 2

    public static func run(_ session: Session, _ options: ImportOptions, file: String,
                           progress: (_ phase: ImportPhase, _ rows: Int, _ fraction: Double) -> Void = { _, _, _ in }) throws -> ImportReport {
        let started = Date()
        let startedAt = session.now
        var report = ImportReport(file: file)
        report.dryRun = options.dryRun
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw MyGazError(.notFound, .fileMissing, .text(file))
        }
        let size = Maintenance.fileSize(file)

        // the encoding from the first 64 KiB (a BOM, or bytes that cannot be UTF-8); the whole
        // file is fingerprinted and checked while the validating pass reads it
        let probe = try head(file)
        switch options.encoding {
        case .utf8: report.encoding = .utf8
        case .cp1251: report.encoding = .cp1251
        case .auto: report.encoding = probe.hasBOM || probe.prefixIsUTF8 ? .utf8 : .cp1251
        }
        let skip = probe.hasBOM && report.encoding == .utf8 ? 3 : 0
        report.delimiter = options.delimiter ?? CSVReader.detectDelimiter(headerBytes: Array(probe.bytes.dropFirst(skip)))
        let ctx = try ImportContext(session: session, fillRGK: options.rgk)
        let handler = try options.kind.handler.init(ctx)
        // rows are checked on another thread, with a connection of its own for the lookups
        let checkDB = try Database(path: session.db.path, mode: .readWrite, busyTimeoutMs: 5000)
        let checkCtx = try ImportContext(session: Session(db: checkDB, login: session.login, clock: session.clock), fillRGK: options.rgk)
        let checker = try options.kind.handler.init(checkCtx)
        let hasher = BackgroundHasher()
        var validator = TextEncoding.UTF8Validator()
        var fingerprinted = false

        // pass 1: check every row; nothing is written
        var header: Header
        var record = CSVRecord()
        var row: RowView
        let speculation = Speculation(session.db, enabled: !options.dryRun)
        while true {
            let decoder = Decoder(encoding: report.encoding, fileIsValidUTF8: fingerprinted && validator.complete)
            let reader = try CSVReader(path: file, delimiter: report.delimiter, skipBytes: fingerprinted ? skip : 0)
            if !fingerprinted {
                reader.onRead = { chunk in
                    hasher.update(chunk)
                    validator.feed(chunk)
                }
                if skip > 0 { _ = try reader.skipBOM() }
            }
            do {
                guard try reader.next(into: &record) else { throw MyGazError.invalid(.importNoHeader, .text(file)) }
            } catch CSVProblem.unterminatedQuote(let line) {
                throw MyGazError.invalid(.importHeaderOpenQuote, .text(file), .int(line))
            } catch CSVProblem.recordTooLong(let line, let limit) {
                throw MyGazError.invalid(.importHeaderTooLong, .text(file), .int(line), .int(limit))
            }
            header = try headerMap(record, decoder: decoder, kind: options.kind, file: file, rgkGiven: options.rgk != nil)
            row = RowView(map: header.map, headers: header.names)
            ctx.present = header.map.map { $0 != nil }
            checkCtx.present = ctx.present
            let rejects = try options.rejectsPath.map {
                try RejectsFile(path: $0, like: session.db.path, header: header.fileHeader,
                                masked: Set(zip(options.kind.columns, header.map).compactMap { $0.0.isSecret ? $0.1 : nil }),
                                delimiter: report.delimiter, encoding: report.encoding, bom: skip > 0, describe: options.describe)
            }
            report.rowsRead = 0
            report.badRows = 0
            report.problems = []
            let pipeline = CheckingPipeline(reader: reader, decoder: decoder, checker: checker, columns: header.fileColumns, template: row)
            pipeline.start()
            // while the other thread checks, this one compares the rows with the database in one
            // read snapshot: if nothing would change, the writing pass can be skipped
            try speculation.begin()
            do {
                while let batch = try pipeline.next() {
                    report.rowsRead += batch.records.count
                    for (index, problems) in batch.problems.sorted(by: { $0.key < $1.key }) {
                        report.badRows += 1
                        for p in problems where report.problems.count < shownProblems { report.problems.append(p) }
                        try rejects?.write(line: batch.records[index].line, fields: batch.fields(index, &row), problems: problems)
                    }
                    if speculation.alive {
                        for index in batch.records.indices {
                            guard let values = batch.values[index] else { continue }
                            batch.view(index, into: &row)
                            if try handler.unchanged(row, values: values) != true {
                                try speculation.abandon()
                                break
                            }
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
                report.problems.append(RowProblem(line: problem.line, column: "—", reason: problem.message))
                try rejects?.writeRest(of: file, from: reader.recordStart, line: problem.line, reason: problem.message)
                // read the rest for the fingerprint
                if !fingerprinted { try reader.drain() }
            } catch {
                pipeline.stop()
                try? speculation.abandon()
                throw error
            }
            if !fingerprinted {
                report.sha256 = hasher.finish()
                fingerprinted = true
                // "valid UTF-8 is UTF-8, anything else Windows-1251": a file that looked like
                // UTF-8 at the start but is not, is read again as Windows-1251
                if options.encoding == .auto && report.encoding == .utf8 && !probe.hasBOM && !validator.complete {
                    report.encoding = .cp1251
                    rejects?.file.abandon()
                    try speculation.abandon()
                    continue
                }
            }
            try rejects?.close()
            break
        }
        let decoder = Decoder(encoding: report.encoding, fileIsValidUTF8: validator.complete)
        if report.badRows > 0 && !options.skipInvalid { throw ImportRefused(report: report) }

        // pass 2: write
        let db = session.db
        let nothingToWrite = try speculation.conclude() && report.badRows == 0
        var carried = (rows: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0)
        // the batch belongs to an RGK when the file speaks of one only
        let batchRGK = ctx.fillRGK ?? (checkCtx.seenRGKs.count == 1 ? checkCtx.seenRGKs.first : nil)
        if !options.dryRun {
            let resumed = try db.write { () -> (Int64, Int64?, Int, Int, Int, Int, Int) in
                var resume: (Int64, Int, Int, Int, Int, Int)?
                for old in try db.query("""
                    SELECT id, pid, host, rows_done, inserted, updated, unchanged, rejected FROM import_batch
                    WHERE status = 'running' AND kind = ? AND file_sha256 = ? AND rgk_id IS ? ORDER BY id DESC
                    """, options.kind.rawValue, report.sha256, batchRGK) where !ImportLiveness.isAlive(pid: old.optInt(1), host: old.optString(2)) {
                    if resume == nil { resume = (old.int64(0), old.int(3), old.int(4), old.int(5), old.int(6), old.int(7)) }
                    try db.run("UPDATE import_batch SET status = 'superseded', finished_at = ? WHERE id = ?", session.now, old.int64(0))
                }
                try db.run("""
                    INSERT INTO import_batch (kind, rgk_id, file_name, file_sha256, file_size, encoding, delimiter, operator, pid, host,
                                              status, started_at, rows_read, rows_done, inserted, updated, unchanged, rejected)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?)
                    """, options.kind.rawValue, batchRGK, (file as NSString).lastPathComponent, report.sha256, size,
                    report.encoding.rawValue, String(UnicodeScalar(report.delimiter)), session.login, ImportLiveness.currentPID,
                    ImportLiveness.hostName, startedAt, report.rowsRead, resume?.1 ?? 0, resume?.2 ?? 0, resume?.3 ?? 0,
                    resume?.4 ?? 0, resume?.5 ?? 0)
                return (db.lastInsertRowID, resume?.0, resume?.1 ?? 0, resume?.2 ?? 0, resume?.3 ?? 0, resume?.4 ?? 0, resume?.5 ?? 0)
            }
            report.batchID = resumed.0
            report.resumedFrom = resumed.1
            carried = (resumed.2, resumed.3, resumed.4, resumed.5, resumed.6)
            ctx.batchID = resumed.0
        }
        report.inserted = carried.inserted
        report.updated = carried.updated
        report.unchanged = carried.unchanged
        report.rejected = carried.rejected

        if nothingToWrite && carried.rows == 0 {
            // every row matched the database and nobody wrote meanwhile: nothing to write
            report.unchanged = report.rowsRead
            try db.write {
                try db.run("""
                    UPDATE import_batch SET rows_done = ?, unchanged = ?, status = 'completed', finished_at = ? WHERE id = ?
                    """, report.rowsRead, report.rowsRead, session.now, report.batchID)
                try session.audit("import.\(options.kind.rawValue)", .importBatch, report.batchID, new: "completed",
                                  reason: "\((file as NSString).lastPathComponent): \(report.rowsRead) read, all unchanged")
            }
            report.seconds = Date().timeIntervalSince(started)
            return report
        }
        let writer = try CSVReader(path: file, delimiter: report.delimiter, skipBytes: skip)
        _ = try writer.next(into: &record)      // the header
        let pipeline = CheckingPipeline(reader: writer, decoder: decoder, checker: checker, columns: header.fileColumns, template: row)
        pipeline.start()
        var done = 0
        var checkpointCommits = 0
        // for the length of the import: a larger page cache, and no automatic checkpoints (they
        // would run inside COMMIT, holding the write lock): the checkpointer's thread does them
        let checkpointer = try BackgroundCheckpointer(path: db.path)
        defer { checkpointer.finish() }
        let parts = Database.ChunkedWrite(
            db, maxSeconds: options.singleTransaction ? .infinity : options.transactionSeconds, pauseSeconds: options.pauseSeconds,
            dryRun: options.dryRun,
            beforeCommit: { final in
                try db.run("""
                    UPDATE import_batch SET rows_done = ?, inserted = ?, updated = ?, unchanged = ?, rejected = ?,
                           status = CASE WHEN ? THEN 'completed' ELSE status END, finished_at = CASE WHEN ? THEN ? ELSE NULL END
                    WHERE id = ?
                    """, done, report.inserted, report.updated, report.unchanged, report.rejected, final, final, session.now, report.batchID)
                if final {
                    try session.audit("import.\(options.kind.rawValue)", .importBatch, report.batchID, new: "completed",
                                      reason: "\((file as NSString).lastPathComponent): \(report.rowsRead) read, \(report.inserted) inserted, \(report.updated) updated, \(report.unchanged) unchanged, \(report.rejected) rejected")
                }
            },
            afterCommit: { [commitsPerCheckpoint = Self.commitsPerCheckpoint] in
                // counted here, not by the part: a dry run commits nothing
                checkpointCommits += 1
                if checkpointCommits % commitsPerCheckpoint == 0 { checkpointer.request() }
            })
        try db.withBulkSettings(.init(cacheKiB: 16_384, autocheckpointPages: 0)) {
            try parts.begin()
            do {
                // the file breaks off where the checking pass found it does (--skip-invalid only):
                // the rows before it are written, the rest is the rejects file's one last entry
                func nextBatch() throws -> CheckedBatch? {
                    do { return try pipeline.next() } catch is CSVProblem {
                        report.rejected += 1
                        return nil
                    }
                }
                while let batch = try nextBatch() {
                    for index in batch.records.indices {
                        done += 1
                        if done <= carried.rows { continue }
                        if let values = batch.values[index] {
                            batch.view(index, into: &row)
                            switch try handler.write(row, values: values) {
                            case .inserted: report.inserted += 1
                            case .updated: report.updated += 1
                            case .unchanged: report.unchanged += 1
                            }
                        } else {
                            report.rejected += 1
                        }
                        try parts.tick()
                    }
                    row.utf8 = []
                    row.ends = []
                    progress(.writing, done, 0.5 + Double(batch.position) / Double(max(size, 1)) / 2)
                    pipeline.recycle(batch)
                }
                try parts.finish()
            } catch {
                pipeline.stop()
                parts.abandon()
                if parts.commits == 0 && report.resumedFrom == nil && !options.dryRun {
                    // nothing of this file was written (say, the disk was full): no batch to finish either.
                    // Best effort: where even this fails, the batch shows as an incomplete import to run again
                    _ = try? db.write { try db.run("DELETE FROM import_batch WHERE id = ? AND rows_done = 0", report.batchID) }
                }
                throw error
            }
        }
        report.longestLockSeconds = parts.longestSeconds
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    /// Comparing rows with the database during the validating pass, in one read snapshot.
    /// It holds only if every row matched and no other connection committed meanwhile.
    final class Speculation {
        let db: Database
        private(set) var alive: Bool
        private var version = 0
        private var snapshot: Database.Snapshot?

        init(_ db: Database, enabled: Bool) {
            self.db = db
            alive = enabled
        }

        func begin() throws {
            guard alive else { return }
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
            guard alive else { return false }
            alive = false
            try snapshot?.close()
            return try db.dataVersion == version
        }
    }

    /// Copies the WAL into the database on its own connection while the import goes on
    /// writing: a checkpoint holds no write lock, and neither the import nor the portal
    /// waits for it. Requests made while one runs are merged into the next.
    final class BackgroundCheckpointer: @unchecked Sendable {
        private let db: Database
        private let queue = DispatchQueue(label: "mygaz.import.checkpoint")
        private let lock = NSLock()
        private var running = false

        init(path: String) throws {
            db = try Database(path: path, mode: .readWrite, busyTimeoutMs: 0)
        }

        func request() {
            lock.lock()
            defer { lock.unlock() }
            if running { return }
            running = true
            queue.async {
                try? self.db.checkpoint(.passive)
                self.lock.lock()
                self.running = false
                self.lock.unlock()
            }
        }

        func finish() { queue.sync {} }
    }

    /// SHA-256 on another core while this one parses: the file is read once.
    final class BackgroundHasher: @unchecked Sendable {
        private var hasher = SHA256()
        private let queue = DispatchQueue(label: "mygaz.import.sha256")

        func update(_ chunk: UnsafeBufferPointer<UInt8>) {
            let copy = [UInt8](chunk)
            queue.async { copy.withUnsafeBytes { self.hasher.update($0) } }
        }

        func finish() -> String {
            queue.sync { hasher.finishHex() }
        }
    }

    // MARK: the start of the file

    struct Head {
        let bytes: [UInt8]
        let hasBOM: Bool
        /// The first 64 KiB could be UTF-8 (a sequence cut by the end of the block is fine).
        let prefixIsUTF8: Bool
    }

    static func head(_ path: String) throws -> Head {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw MyGazError(.notFound, .fileUnreadable, .text(path)) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var n = 0
        repeat { n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } } while n < 0 && errno == EINTR
        guard n >= 0 else { throw MyGazError(.database, .fileReadError, .text(path), .text(String(cString: strerror(errno)))) }
        buffer.removeLast(buffer.count - n)
        var validator = TextEncoding.UTF8Validator()
        buffer.withUnsafeBufferPointer { validator.feed($0) }
        return Head(bytes: buffer, hasBOM: buffer.starts(with: [0xEF, 0xBB, 0xBF]), prefixIsUTF8: validator.valid)
    }

    // MARK: header

    struct Header {
        let map: [Int?]
        let names: [String]
        let fileColumns: Int
        let fileHeader: [String]
    }

    static func headerMap(_ record: CSVRecord, decoder: Decoder, kind: ImportKind, file: String, rgkGiven: Bool) throws -> Header {
        var utf8: [UInt8] = [], ends: [Int] = []
        guard decoder.decode(record, into: &utf8, ends: &ends) else {
            throw MyGazError.invalid(.importBadHeader, .text(file), .text(decoder.encoding.rawValue))
        }
        let names = (0..<ends.count).map { i in
            String(decoding: utf8[(i == 0 ? 0 : ends[i - 1])..<ends[i]], as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
        let normalized = names.map(ImportColumn.normalize)
        var map: [Int?] = []
        var display: [String] = []
        for column in kind.columns {
            let matches = normalized.indices.filter { column.names.contains(normalized[$0]) }
            if matches.count > 1 {
                throw MyGazError.invalid(.importDuplicateColumn, .text(file), .text(column.key))
            }
            map.append(matches.first)
            display.append(matches.first.map { names[$0] } ?? column.key)
            let fillable = column.key == "rgk" && rgkGiven
            if column.required || (column.key == "rgk" && kind != .rgk && !rgkGiven) {
                if matches.isEmpty && !fillable {
                    if column.key == "rgk" { throw MyGazError.invalid(.importMissingRGKColumn, .text(file), .text(decoder.encoding.rawValue)) }
                    throw MyGazError.invalid(.importMissingColumn, .text(file), .text(column.key),
                                             .text(column.aliases.first.map { "«\($0)»" } ?? ""), .text(decoder.encoding.rawValue))
                }
            }
        }
        return Header(map: map, names: display, fileColumns: names.count, fileHeader: names)
    }
}

/// Turns a record's bytes into UTF-8.
struct Decoder {
    let encoding: FileEncoding
    /// When the whole file is valid UTF-8, records need no checking of their own.
    let fileIsValidUTF8: Bool

    /// Decodes into `out` (reused from record to record; only `ends` say what is valid).
    func decode(_ record: CSVRecord, into out: inout [UInt8], ends: inout [Int]) -> Bool {
        ends.removeAll(keepingCapacity: true)
        let needed = encoding == .utf8 ? record.bytes.count : record.bytes.count * 3
        if out.count < needed { out.append(contentsOf: repeatElement(0, count: needed - out.count)) }
        switch encoding {
        case .utf8:
            if !fileIsValidUTF8 {
                var validator = TextEncoding.UTF8Validator()
                record.bytes.withUnsafeBufferPointer { validator.feed($0) }
                if !validator.complete { return false }
            }
            out.withUnsafeMutableBufferPointer { o in
                record.bytes.withUnsafeBufferPointer { i in
                    if i.count > 0 { o.baseAddress!.update(from: i.baseAddress!, count: i.count) }
                }
            }
            ends.append(contentsOf: record.ends)
            return true
        case .cp1251:
            var ok = true
            out.withUnsafeMutableBufferPointer { o in
                record.bytes.withUnsafeBufferPointer { input in
                    TextEncoding.packedHigh.withUnsafeBufferPointer { table in
                        var n = 0, from = 0
                        for end in record.ends {
                            for j in from..<end {
                                let b = input[j]
                                if b < 0x80 {
                                    o[n] = b; n += 1
                                } else {
                                    // 0x98 is the one byte Windows-1251 leaves unassigned
                                    if b == 0x98 { ok = false }
                                    let packed = table[Int(b) - 0x80]
                                    if packed >> 24 == 2 {
                                        o[n] = UInt8(truncatingIfNeeded: packed >> 8); o[n + 1] = UInt8(truncatingIfNeeded: packed); n += 2
                                    } else {
                                        o[n] = UInt8(truncatingIfNeeded: packed >> 16); o[n + 1] = UInt8(truncatingIfNeeded: packed >> 8)
                                        o[n + 2] = UInt8(truncatingIfNeeded: packed); n += 3
                                    }
                                }
                            }
                            ends.append(n)
                            from = end
                        }
                    }
                }
            }
            return ok
        }
    }
}

/// The bad rows of a `--skip-invalid` run: line, reason, then the row as it was, in the
/// source file's encoding and delimiter, so that the fixed file imports with the same options.
/// A secret column (a PIN) is masked: the file is for fixing rows, not for reading PINs. The
/// file is as private as the database and appears under its name only when it is complete.
final class RejectsFile {
    let file: NewFile
    let delimiter: Character
    let encoding: FileEncoding
    let masked: Set<Int>
    let describe: @Sendable (Message) -> String

    init(path: String, like database: String, header: [String], masked: Set<Int>, delimiter: UInt8, encoding: FileEncoding, bom: Bool,
         describe: @escaping @Sendable (Message) -> String) throws {
        self.describe = describe
        self.masked = masked
        file = try NewFile(path, like: database)
        self.delimiter = Character(UnicodeScalar(delimiter))
        self.encoding = encoding
        if bom { try file.write([0xEF, 0xBB, 0xBF]) }
        try write(["line", "reason"] + header)
    }

    func write(_ fields: [String]) throws {
        try file.write(CSVWriter.bytes(CSVWriter.line(fields, delimiter: delimiter), encoding))
    }

    func write(line: Int, fields: [String], problems: [RowProblem]) throws {
        let reasons = problems.map { "\($0.column): \(describe($0.reason))" }.joined(separator: "; ")
        try write([String(line), reasons] + fields.enumerated().map { masked.contains($0.offset) && !$0.element.isEmpty ? Outbox.masked(Outbox.secretMark) : $0.element })
    }

    /// The rest of `path` from `offset`, which cannot be read as rows (a quote that never closes),
    /// as one entry: its line range, the reason, and the text as it is, in one field.
    func writeRest(of path: String, from offset: Int64, line: Int, reason: Message) throws {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        func chunks(_ body: ([UInt8]) throws -> Void) throws {
            try handle.seek(toOffset: UInt64(offset))
            while let data = try handle.read(upToCount: 1 << 16), !data.isEmpty { try body([UInt8](data)) }
        }
        var newlines = 0, last: UInt8 = 10
        try chunks { bytes in
            newlines += bytes.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
            last = bytes.last ?? last
        }
        let lastLine = line + newlines - (last == 10 ? 1 : 0)
        let head = CSVWriter.line([lastLine > line ? "\(line)-\(lastLine)" : String(line), "—: " + describe(reason)], delimiter: delimiter)
        try file.write(CSVWriter.bytes(String(head.dropLast(2)) + String(delimiter) + "\"", encoding))
        try chunks { bytes in
            // the source's own bytes (its encoding), quoted: a quote is doubled
            var quoted: [UInt8] = []
            quoted.reserveCapacity(bytes.count + 16)
            for b in bytes { quoted.append(b); if b == 34 { quoted.append(34) } }
            try file.write(quoted)
        }
        try file.write(Array("\"\r\n".utf8))
    }

    func close() throws { try file.commit() }
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
