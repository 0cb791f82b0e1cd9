import Foundation
import MyGazCore

/// The bad rows of an `import --skip-invalid`, for the clerk to fix: the line, the reasons in
/// the clerk's language, then the row as it was, in the source file's encoding and delimiter,
/// so that the fixed rows import with the same options. A secret column (a PIN) is masked: the
/// file is for fixing rows, not for reading PINs. As private as the database, and under its
/// name only when complete.
final class RejectsFile: RejectsSink {
    let path: String
    let database: String
    let texts: Texts
    private var file: NewFile?
    private var delimiter: Character = ";"
    private var encoding: FileEncoding = .utf8
    private var masked: Set<Int> = []

    init(path: String, database: String, texts: Texts) {
        self.path = path
        self.database = database
        self.texts = texts
    }

    func begin(header: [String], masked: Set<Int>, delimiter: UInt8, encoding: FileEncoding, bom: Bool) throws {
        file = try NewFile(path, like: database)
        self.delimiter = Character(UnicodeScalar(delimiter))
        self.encoding = encoding
        self.masked = masked
        if bom { try file?.write([0xEF, 0xBB, 0xBF]) }
        try write(["line", "reason"] + header)
    }

    private func write(_ fields: [String]) throws {
        try file?.write(CSVWriter.bytes(CSVWriter.line(fields, delimiter: delimiter), encoding))
    }

    func reject(line: Int, fields: [String], problems: [RowProblem]) throws {
        let reasons = problems.map { "\($0.column): \(texts.render($0.reason))" }.joined(separator: "; ")
        try write([String(line), reasons] + fields.enumerated().map { masked.contains($0.offset) && !$0.element.isEmpty ? Outbox.masked(Outbox.secretMark) : $0.element })
    }

    /// The rest of `source` from `offset` as one entry: its line range, the reason, and the text
    /// as it is (its own bytes and encoding) in one quoted field.
    func rejectRest(of source: String, from offset: Int64, line: Int, reason: Message) throws {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: source))
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
        let head = CSVWriter.line([lastLine > line ? "\(line)-\(lastLine)" : String(line), "—: " + texts.render(reason)], delimiter: delimiter)
        try file?.write(CSVWriter.bytes(String(head.dropLast(2)) + String(delimiter) + "\"", encoding))
        try chunks { bytes in
            var quoted: [UInt8] = []
            quoted.reserveCapacity(bytes.count + 16)
            for b in bytes { quoted.append(b); if b == 34 { quoted.append(34) } }
            try file?.write(quoted)
        }
        try file?.write(Array("\"\r\n".utf8))
    }

    func restart() {
        file?.abandon()
        file = nil
    }

    func finish() throws { try file?.commit() }
}
