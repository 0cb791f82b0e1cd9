import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One record of a CSV file: its fields' bytes (still in the file's encoding, quotes
/// removed), where each field ends, and the line it starts on.
public struct CSVRecord {
    public var bytes: [UInt8] = []
    public var ends: [Int] = []
    public var line = 0
    /// Set when a field holds a NUL byte: such a row is reported, never imported.
    public var hasNUL = false

    public var count: Int { ends.count }

    /// The longest field: its index and length in bytes; nil for an empty record.
    public var longestField: (index: Int, bytes: Int)? {
        var previous = 0
        var longest: (index: Int, bytes: Int)?
        for (index, end) in ends.enumerated() {
            if end - previous > longest?.bytes ?? -1 { longest = (index, end - previous) }
            previous = end
        }
        return longest
    }

    public func range(_ i: Int) -> Range<Int> { (i == 0 ? 0 : ends[i - 1])..<ends[i] }

    mutating func reset(line: Int) {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        self.line = line
        hasNUL = false
    }
}

public enum CSVProblem: Error, Equatable {
    case unterminatedQuote(line: Int)
    /// A record past `CSVReader.maxRecordBytes`: no RGK file has one; a quote left open in a
    /// large file would otherwise hold the rest of the file in memory.
    case recordTooLong(line: Int, limit: Int)
}

/// RFC 4180 over bytes: a streaming reader with a fixed buffer, so memory stays flat
/// whatever the file size. Quoted fields may hold delimiters, quotes ("") and line breaks;
/// CRLF and LF both end a record; blank lines are skipped.
public final class CSVReader {
    private let fd: Int32
    private let path: String
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false
    private var line = 1
    public let delimiter: UInt8
    public static let maxRecordBytes = 1 << 20
    public private(set) var bytesRead: Int64 = 0
    /// Bytes of the file consumed by the records returned so far.
    public private(set) var position: Int64 = 0
    /// Where the record being read (or the last one returned) begins in the file.
    public private(set) var recordStart: Int64 = 0
    /// Sees every byte read from the file, once (fingerprinting while parsing).
    public var onRead: ((UnsafeBufferPointer<UInt8>) -> Void)?

    public init(path: String, delimiter: UInt8, skipBytes: Int = 0, bufferSize: Int = 1 << 16) throws {
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw MyGazError(.notFound, .fileUnreadable, .text(path)) }
        self.path = path
        self.delimiter = delimiter
        buffer = [UInt8](repeating: 0, count: bufferSize)
        if skipBytes > 0 {
            lseek(fd, off_t(skipBytes), SEEK_SET)
            bytesRead = Int64(skipBytes)
            position = Int64(skipBytes)
        }
    }

    deinit { close(fd) }

    /// More bytes into the buffer; false at the end of the file. A failed read is an error
    /// (exit 8, with the reason), never the end of the file: an import must not stop early unseen.
    private func refill() throws -> Bool {
        if eof { return false }
        if start > 0 && start == end { start = 0; end = 0 }
        if end == buffer.count {
            if start > 0 {
                // move the unread tail to the front
                buffer.withUnsafeMutableBufferPointer { p in
                    _ = memmove(p.baseAddress!, p.baseAddress! + start, end - start)
                }
                end -= start
                start = 0
            } else {
                buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count))   // a huge record
            }
        }
        var n = 0
        repeat {
            n = buffer.withUnsafeMutableBufferPointer { p in read(fd, p.baseAddress! + end, p.count - end) }
        } while n < 0 && errno == EINTR
        if n < 0 { throw MyGazError(.database, .fileReadError, .text(path), .text(String(cString: strerror(errno)))) }
        if n == 0 { eof = true; return false }
        if let onRead { buffer.withUnsafeBufferPointer { onRead(UnsafeBufferPointer(rebasing: $0[end..<end + n])) } }
        end += n
        bytesRead += Int64(n)
        return true
    }

    /// Steps over a UTF-8 byte-order mark at the start (it is still fingerprinted).
    func skipBOM() throws -> Bool {
        if start == end, try !refill() { return false }
        while end - start < 3, try refill() {}
        guard end - start >= 3, buffer[start] == 0xEF, buffer[start + 1] == 0xBB, buffer[start + 2] == 0xBF else { return false }
        start += 3
        position += 3
        return true
    }

    /// Reads to the end without parsing (so that `onRead` sees every byte).
    func drain() throws {
        start = end
        while try refill() { start = end }
    }

    /// Reads the next record; false at the end of the file.
    public func next(into record: inout CSVRecord) throws -> Bool {
        // skip blank lines
        while true {
            if start == end, try !refill() { return false }
            let b = buffer[start]
            if b == 10 { start += 1; position += 1; line += 1; continue }
            // a CR here is part of a blank line, CRLF or a lone CR alike (whether the byte after it
            // is already in the buffer must not change what a file means)
            if b == 13 { start += 1; position += 1; continue }
            break
        }
        record.reset(line: line)
        recordStart = position
        var inQuotes = false
        var atFieldStart = true
        let delimiter = self.delimiter
        while true {
            if start == end, try !refill() {
                if inQuotes { throw CSVProblem.unterminatedQuote(line: record.line) }
                record.ends.append(record.bytes.count)
                return true
            }
            // scan a run of ordinary bytes in one go
            let consumed: Int = buffer.withUnsafeBufferPointer { p in
                var i = start
                if inQuotes {
                    while i < end && p[i] != 34 {
                        if p[i] == 10 { line += 1 } else if p[i] == 0 { record.hasNUL = true }
                        i += 1
                    }
                } else {
                    while i < end {
                        let c = p[i]
                        if c <= 34 {
                            if c == delimiter || c == 10 || c == 13 || (c == 34 && atFieldStart) { break }
                            if c == 0 { record.hasNUL = true }
                        } else if c == delimiter {
                            break
                        }
                        atFieldStart = false
                        i += 1
                    }
                }
                if i > start {
                    record.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: p[start..<i]))
                }
                return i - start
            }
            start += consumed
            position += Int64(consumed)
            if record.bytes.count > Self.maxRecordBytes { throw CSVProblem.recordTooLong(line: record.line, limit: Self.maxRecordBytes) }
            if start == end { continue }
            let c = buffer[start]
            if inQuotes {
                // c is a quote: an escaped quote, or the end of the quoted part
                if start + 1 == end, try !refill() {
                    start += 1; position += 1
                    inQuotes = false
                    continue
                }
                if buffer[start + 1] == 34 {
                    record.bytes.append(34)
                    start += 2; position += 2
                } else {
                    start += 1; position += 1
                    inQuotes = false
                }
                continue
            }
            switch c {
            case 34:
                // a quote opens a quoted field only at its start
                inQuotes = true
                atFieldStart = false
                start += 1; position += 1
            case 13:
                start += 1; position += 1
                if start == end { _ = try refill() }
                if start < end && buffer[start] == 10 { continue }
                finishField(&record)
                return true
            case 10:
                start += 1; position += 1
                line += 1
                finishField(&record)
                return true
            default:
                // the delimiter
                start += 1; position += 1
                finishField(&record)
                atFieldStart = true
            }
        }
    }

    @inline(__always)
    private func finishField(_ record: inout CSVRecord) {
        record.ends.append(record.bytes.count)
    }

    /// The delimiter of a header line: the most frequent of `;`, `,` and tab outside quotes.
    public static func detectDelimiter(headerBytes: [UInt8]) -> UInt8 {
        var counts: [UInt8: Int] = [59: 0, 44: 0, 9: 0]
        var quoted = false
        for b in headerBytes {
            if b == 10 { break }
            if b == 34 { quoted.toggle(); continue }
            if !quoted, counts[b] != nil { counts[b]! += 1 }
        }
        // ties go to ';', the RGKs' own
        var best: UInt8 = 59
        for candidate: UInt8 in [9, 44] where counts[candidate]! > counts[best]! { best = candidate }
        return best
    }
}
