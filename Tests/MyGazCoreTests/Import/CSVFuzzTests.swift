import Foundation
import Testing
@testable import MyGazCore

/// RFC 4180 as the import reads it, written the plain way over a whole array: the reference
/// the streaming reader must agree with, whatever its buffer size.
enum ReferenceCSV {
    struct Record: Equatable {
        var fields: [[UInt8]]
        var line: Int
        var hasNUL: Bool
    }

    enum Outcome: Equatable {
        case records([Record])
        case unterminated(records: [Record], line: Int)
    }

    static func parse(_ b: [UInt8], delimiter: UInt8) -> Outcome {
        var records: [Record] = []
        var i = 0, line = 1
        let n = b.count
        while true {
            while i < n && (b[i] == 10 || b[i] == 13) {
                if b[i] == 10 { line += 1 }
                i += 1
            }
            if i == n { return .records(records) }
            var record = Record(fields: [], line: line, hasNUL: false)
            var field: [UInt8] = []
            var inQuotes = false, atStart = true
            recordLoop: while true {
                if i == n {
                    if inQuotes { return .unterminated(records: records, line: record.line) }
                    record.fields.append(field)
                    break recordLoop
                }
                let c = b[i]
                if inQuotes {
                    if c == 34 {
                        if i + 1 < n && b[i + 1] == 34 { field.append(34); i += 2 } else { i += 1; inQuotes = false }
                    } else {
                        if c == 10 { line += 1 }
                        if c == 0 { record.hasNUL = true }
                        field.append(c)
                        i += 1
                    }
                    continue
                }
                if c == 34 && atStart { inQuotes = true; atStart = false; i += 1; continue }
                if c == delimiter { record.fields.append(field); field = []; atStart = true; i += 1; continue }
                if c == 13 {
                    i += 1
                    if i < n && b[i] == 10 { continue }
                    record.fields.append(field)
                    break recordLoop
                }
                if c == 10 {
                    i += 1
                    line += 1
                    record.fields.append(field)
                    break recordLoop
                }
                if c == 0 { record.hasNUL = true }
                field.append(c)
                atStart = false
                i += 1
            }
            records.append(record)
        }
    }
}

@Suite struct CSVFuzzTests {
    /// 4 × 25 000 = 100 000 cases, in parallel.
    static let casesPerSeed = 25_000

    /// Bytes a hostile or broken file is made of: structure, Cyrillic in both encodings, a BOM,
    /// NUL, invalid UTF-8.
    static let alphabet: [[UInt8]] = [
        [59], [44], [9], [34], [34, 34], [13], [10], [13, 10], [0], [97], [49], [32],
        [0xD1, 0x8F], [0xE0], [0xFF], [0xEF, 0xBB, 0xBF], [0xC3], [0x80], Array("Иванов".utf8), [0xC8, 0xE2, 0xE0, 0xED],
    ]

    static func randomBytes(_ rng: inout SeededRandom) -> [UInt8] {
        var out: [UInt8] = []
        let length = Int.random(in: 0...(Int.random(in: 0..<10, using: &rng) == 0 ? 400 : 60), using: &rng)
        for _ in 0..<length { out += alphabet.randomElement(using: &rng)! }
        if Int.random(in: 0..<2000, using: &rng) == 0 {
            // an oversized field, far larger than the reader's buffer
            out += [UInt8](repeating: 0x61, count: Int.random(in: 70_000...200_000, using: &rng))
        }
        return out
    }

    /// A well-formed file, then broken in a few places.
    static func mutatedFile(_ rng: inout SeededRandom, delimiter: Character) -> [UInt8] {
        var text = ""
        for _ in 0..<Int.random(in: 1...6, using: &rng) {
            let fields = (0..<Int.random(in: 1...5, using: &rng)).map { _ in
                String(decoding: randomBytes(&rng).prefix(30), as: UTF8.self)
            }
            text += CSVWriter.line(fields, delimiter: delimiter)
        }
        var bytes = Array(text.utf8)
        for _ in 0..<Int.random(in: 0...4, using: &rng) where !bytes.isEmpty {
            let at = Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: bytes[at] = UInt8.random(in: 0...255, using: &rng)
            case 1: bytes.insert(contentsOf: alphabet.randomElement(using: &rng)!, at: at)
            case 2: bytes.remove(at: at)
            case 3: bytes.removeSubrange(at...)
            default: bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + 20)], at: at)
            }
        }
        return bytes
    }

    static func read(_ path: String, delimiter: UInt8, bufferSize: Int) -> ReferenceCSV.Outcome {
        guard let reader = try? CSVReader(path: path, delimiter: delimiter, bufferSize: bufferSize) else { fatalError("cannot open \(path)") }
        var records: [ReferenceCSV.Record] = []
        var record = CSVRecord()
        do {
            while try reader.next(into: &record) {
                records.append(ReferenceCSV.Record(fields: (0..<record.count).map { Array(record.bytes[record.range($0)]) },
                                                   line: record.line, hasNUL: record.hasNUL))
            }
        } catch CSVProblem.unterminatedQuote(let line) {
            return .unterminated(records: records, line: line)
        } catch {
            fatalError("an error that is not a CSV problem: \(error)")
        }
        return .records(records)
    }

    static func difference(_ got: ReferenceCSV.Outcome, _ expected: ReferenceCSV.Outcome) -> String {
        func parts(_ o: ReferenceCSV.Outcome) -> ([ReferenceCSV.Record], Int?) {
            switch o {
            case .records(let r): return (r, nil)
            case .unterminated(let r, let line): return (r, line)
            }
        }
        let (a, aLine) = parts(got), (b, bLine) = parts(expected)
        if let i = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset { return "record \(i): read \(a[i]), expected \(b[i])" }
        return "read \(a.count) records (unterminated at \(aLine.map(String.init) ?? "-")), expected \(b.count) (\(bLine.map(String.init) ?? "-"))"
    }

    @Test(arguments: [20_261_122, 1, 2, 3] as [UInt64])
    func theStreamingReaderAgreesWithTheReferenceOnRandomAndBrokenFiles(seed: UInt64) throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mygaz-fuzz-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var rng = SeededRandom(seed: seed)
        var disagreements: [String] = []
        var decoded = [UInt8](), ends = [Int]()
        for n in 0..<Self.casesPerSeed {
            let delimiter: Character = [";", ",", "\t"].randomElement(using: &rng)!
            let bytes = n % 2 == 0 ? Self.randomBytes(&rng) : Self.mutatedFile(&rng, delimiter: delimiter)
            let d = delimiter.asciiValue!
            // tiny buffers put every quote, CR and LF on a buffer boundary somewhere
            let bufferSize = [1, 2, 3, 7, 64, 1 << 16].randomElement(using: &rng)!
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let expected = ReferenceCSV.parse(bytes, delimiter: d)
            let got = Self.read(path, delimiter: d, bufferSize: bufferSize)
            if got != expected && disagreements.count < 5 {
                disagreements.append("seed \(seed) case \(n) (buffer \(bufferSize), delimiter \(d)): \(bytes.prefix(200)): " + Self.difference(got, expected))
            }
            // every field decodes (or is refused) in both encodings, whatever its bytes
            if case .records(let records) = got {
                for r in records {
                    var record = CSVRecord()
                    record.bytes = r.fields.flatMap { $0 }
                    var end = 0
                    record.ends = r.fields.map { end += $0.count; return end }
                    for encoding in [FileEncoding.utf8, .cp1251] {
                        _ = Decoder(encoding: encoding, fileIsValidUTF8: false).decode(record, into: &decoded, ends: &ends)
                    }
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.joined(separator: "\n"))")
    }

    @Test func whatTheWriterWritesTheReaderReadsBack() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mygaz-roundtrip-\(UUID().uuidString).csv").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var rng = SeededRandom(seed: 7)
        for n in 0..<2_000 {
            let delimiter: Character = [";", ",", "\t"].randomElement(using: &rng)!
            let rows: [[String]] = (0..<Int.random(in: 1...5, using: &rng)).map { _ in
                (0..<Int.random(in: 2...5, using: &rng)).map { _ in String(decoding: Self.randomBytes(&rng).prefix(40), as: UTF8.self) }
            }
            try Data(rows.map { CSVWriter.line($0, delimiter: delimiter) }.joined().utf8).write(to: URL(fileURLWithPath: path))
            guard case .records(let records) = Self.read(path, delimiter: delimiter.asciiValue!, bufferSize: [3, 1 << 16][n % 2]) else {
                Issue.record("case \(n): the writer's output does not read back: \(rows)")
                continue
            }
            let back = records.map { $0.fields.map { String(decoding: $0, as: UTF8.self) } }
            #expect(back == rows, "case \(n)")
        }
    }
}
