import Foundation

/// Checked records, a batch at a time: their UTF-8 in one arena (absolute field ends), and
/// for each record either the values the kind will write, or its problems.
final class CheckedBatch<Values> {
    var bytes: [UInt8] = []
    var fieldEnds: [Int] = []
    var records: [(firstField: Int, fields: Int, start: Int, line: Int)] = []
    var values: [Values?] = []
    var problems: [Int: [RowProblem]] = [:]
    /// the raw bytes of records that could not be decoded, for the rejects file
    var undecodable: [Int: CSVRecord] = [:]
    /// where the reader was after the batch (for progress)
    var position: Int64 = 0

    func reset() {
        bytes.removeAll(keepingCapacity: true)
        fieldEnds.removeAll(keepingCapacity: true)
        records.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        problems.removeAll()
        undecodable.removeAll()
    }

    /// A view of record `index` (for writing it, or for the rejects file).
    func view(_ index: Int, into row: inout RowView) {
        let r = records[index]
        if row.utf8.isEmpty { row.utf8 = bytes }
        row.start = r.start
        row.line = r.line
        row.ends = fieldEnds[r.firstField..<r.firstField + (undecodable[index] == nil ? r.fields : 0)]
    }

    /// The fields as text: decoded, or the raw bytes as best we can.
    func fields(_ index: Int, _ row: inout RowView) -> [String] {
        if let raw = undecodable[index] {
            return (0..<raw.count).map { String(decoding: raw.bytes[raw.range($0)], as: UTF8.self) }
        }
        view(index, into: &row)
        return row.fields
    }
}

/// Reads, parses, decodes and checks on a second thread (with its own database connection
/// for the checks' lookups) while this one writes: each pass handles the file once, and
/// the writing thread does nothing but write.
final class CheckingPipeline<K: ImportKindType>: @unchecked Sendable {
    typealias Batch = CheckedBatch<K.Values>
    private let reader: CSVReader
    private let decoder: Decoder
    private let checker: K
    private let columns: Int
    private let template: RowView
    private let condition = NSCondition()
    private var ready: [Batch] = []
    private var free: [Batch] = []
    private var finished = false
    private var stopping = false
    private var failure: Error?
    let batchRecords: Int
    private let writing: Bool
    /// the checker's connection: each batch is checked in one read transaction (one lock, not one per lookup)
    private let lookups: (any Storage)?

    init(reader: CSVReader, decoder: Decoder, checker: K, columns: Int, template: RowView, writing: Bool = false,
         lookups: (any Storage)? = nil, batchRecords: Int = 512, depth: Int = 6) {
        self.writing = writing
        self.lookups = lookups
        self.reader = reader
        self.decoder = decoder
        self.checker = checker
        self.columns = columns
        self.template = template
        self.batchRecords = batchRecords
        free = (0..<depth).map { _ in Batch() }
    }

    func start() {
        let thread = Thread { [self] in produce() }
        thread.stackSize = 1 << 20
        thread.start()
    }

    private func produce() {
        var record = CSVRecord()
        var scratch: [UInt8] = [], ends: [Int] = []
        var row = template
        do {
            var more = true
            while more {
                condition.lock()
                while free.isEmpty && !stopping { condition.wait() }
                if stopping { condition.unlock(); break }
                let batch = free.removeLast()
                condition.unlock()
                batch.reset()
                // a file that breaks off (an open quote, a read error) still hands on the rows
                // before it: they are checked and reported like any others
                var broken: Error?
                try inOneRead {
                    // the batch's records, each read and decoded; one whose form is wrong (its
                    // columns, a NUL, a field too long, bytes of no encoding) is bad at once
                    while batch.records.count < batchRecords {
                        let read: Bool
                        do { read = try reader.next(into: &record) } catch { broken = error; more = false; break }
                        guard read else { more = false; break }
                        let index = batch.records.count
                        let base = batch.bytes.count
                        let firstField = batch.fieldEnds.count
                        let decoded = decoder.decode(record, into: &scratch, ends: &ends)
                        if decoded {
                            batch.bytes.append(contentsOf: scratch[0..<(ends.last ?? 0)])
                            for end in ends { batch.fieldEnds.append(base + end) }
                        } else {
                            batch.undecodable[index] = record
                        }
                        batch.records.append((firstField, decoded ? ends.count : record.count, base, record.line))
                        batch.values.append(nil)
                        var problem: Message?
                        var column = "—"
                        if record.count != columns {
                            problem = Message(.importColumnCount, [.int(columns), .int(record.count)])
                        } else if record.hasNUL {
                            problem = Message(.importNUL)
                        } else if let longest = record.longestField, longest.bytes > Importer.maxFieldBytes {
                            problem = Message(.importFieldTooLong, [.int(longest.bytes), .int(Importer.maxFieldBytes)])
                            column = row.map.firstIndex(of: longest.index).map { row.headers[$0] } ?? "#\(longest.index + 1)"
                        } else if !decoded {
                            problem = Message(.importInvalidBytes, [.text(decoder.encoding.rawValue)])
                        }
                        if let problem { batch.problems[index] = [RowProblem(line: record.line, column: column, reason: problem)] }
                    }
                    // what the rows' checks look up, at once (PostgreSQL); then each row checked
                    try checker.lookAhead(batch, &row)
                    for index in batch.records.indices where batch.problems[index] == nil {
                        batch.view(index, into: &row)
                        row.problems.removeAll(keepingCapacity: true)
                        let values = try checker.check(&row)
                        // the arena grows next: it must have no other owner, or each append copies it
                        row.utf8 = []
                        row.ends = []
                        batch.values[index] = values
                        if values == nil { batch.problems[index] = row.problems }
                    }
                    try checker.prepare(&batch.values, writing: writing)
                }
                batch.position = reader.position
                condition.lock()
                ready.insert(batch, at: 0)
                condition.signal()
                condition.unlock()
                if let broken { throw broken }
            }
        } catch {
            condition.lock()
            failure = error
            condition.unlock()
        }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// A batch's checks in one read transaction of the checker's connection.
    private func inOneRead(_ body: () throws -> Void) throws {
        if let lookups { try lookups.read(body) } else { try body() }
    }

    /// Whether `next()` would answer within `seconds`.
    func ready(within seconds: Double) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !finished {
            if !condition.wait(until: deadline) { return !ready.isEmpty || finished }
        }
        return true
    }

    /// The next batch, or nil at the end; rethrows a reading error after the batches before it.
    func next() throws -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !finished { condition.wait() }
        if let batch = ready.popLast() { return batch }
        if let failure { throw failure }
        return nil
    }

    /// Hands a consumed batch back for reuse.
    func recycle(_ batch: Batch) {
        condition.lock()
        free.append(batch)
        condition.signal()
        condition.unlock()
    }

    /// Stops the producer early (an error on the writing side) and waits for it.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }
}
