import CLibpq
import Foundation

/// Values to and from PostgreSQL's text format.
enum PGValues {
    /// Type OIDs the program reads (pg_type.h).
    enum OID {
        static let bool: Oid = 16, bytea: Oid = 17, int8: Oid = 20, int2: Oid = 21, int4: Oid = 23, oid: Oid = 26
        static let float4: Oid = 700, float8: Oid = 701, numeric: Oid = 1700
    }

    /// A column's text as the value it is: whole numbers, fractions, booleans as 0/1, bytes; the
    /// rest (text, dates, anything else) as text.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, type: Oid) -> SQLValue {
        switch type {
        case OID.int8, OID.int4, OID.int2, OID.oid:
            if let v = Int64(String(decoding: bytes, as: UTF8.self)) { return .integer(v) }
        case OID.bool:
            return .integer(bytes.first == UInt8(ascii: "t") ? 1 : 0)
        case OID.float4, OID.float8:
            if let v = Double(String(decoding: bytes, as: UTF8.self)) { return .real(v) }
        case OID.numeric:
            // sum() of a bigint is a numeric: a whole one is a whole number
            let text = String(decoding: bytes, as: UTF8.self)
            if let v = Int64(text) { return .integer(v) }
            if let v = Double(text) { return .real(v) }
        case OID.bytea:
            return .blob(byteaBytes(bytes))
        default:
            break
        }
        return .text(String(decoding: bytes, as: UTF8.self))
    }

    /// bytea's text output: `\x0a0b…` (hex, the default), or the older escape format.
    static func byteaBytes(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        let backslash = UInt8(ascii: "\\")
        if text.count >= 2, text[0] == backslash, text[1] == UInt8(ascii: "x") {
            var out: [UInt8] = []
            out.reserveCapacity((text.count - 2) / 2)
            var i = 2
            while i + 1 < text.count {
                out.append(hexValue(text[i]) << 4 | hexValue(text[i + 1]))
                i += 2
            }
            return out
        }
        var out: [UInt8] = []
        var i = 0
        while i < text.count {
            if text[i] == backslash, i + 1 < text.count, text[i + 1] == backslash {
                out.append(backslash)
                i += 2
            } else if text[i] == backslash, i + 3 < text.count {   // \ooo: three octal digits
                out.append((text[i + 1] &- 48) << 6 | (text[i + 2] &- 48) << 3 | (text[i + 3] &- 48))
                i += 4
            } else {
                out.append(text[i])
                i += 1
            }
        }
        return out
    }

    private static func hexValue(_ c: UInt8) -> UInt8 {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return 0
        }
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    /// A number as PostgreSQL reads a float8.
    static func text(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "Infinity" : "-Infinity" }
        return "\(v)"
    }

    /// A text PostgreSQL cannot hold: one with a NUL character.
    static func refuseNUL(_ s: String, server: String) throws {
        if s.utf8.contains(0) {
            throw EngineError(.badValue, server: server, message: "a text with a NUL character (\\0) cannot be stored")
        }
    }
}

/// The values bound to one statement, as libpq takes them: C strings in text format, bytes in
/// binary format (their type given as bytea); the other types are the server's to infer from
/// the statement, as SQLite's are from the column (an id compared with a text column is text).
final class Parameters {
    let count: Int
    private var values: [UnsafeMutablePointer<CChar>?] = []
    private(set) var lengths: [Int32] = []
    private(set) var formats: [Int32] = []
    private(set) var types: [Oid] = []
    /// The types of the parameters sent as bytes, for the prepared statements' cache ("" when none).
    private(set) var typeKey = ""

    init(_ arguments: [SQLBindable?], server: String) throws {
        count = arguments.count
        values.reserveCapacity(count)
        do {
            for (i, argument) in arguments.enumerated() {
                switch argument?.sqlValue ?? .null {
                case .null:
                    append(nil, length: 0, binary: false)
                case .integer(let v):
                    append(strdup(String(v)), length: 0, binary: false)
                case .real(let v):
                    append(strdup(PGValues.text(v)), length: 0, binary: false)
                case .text(let s):
                    try PGValues.refuseNUL(s, server: server)
                    append(strdup(s), length: 0, binary: false)
                case .blob(let b):
                    let copy = UnsafeMutablePointer<CChar>.allocate(capacity: max(b.count, 1))
                    b.withUnsafeBytes { raw in
                        if let base = raw.baseAddress { UnsafeMutableRawPointer(copy).copyMemory(from: base, byteCount: b.count) }
                    }
                    append(copy, length: Int32(b.count), binary: true)
                    typeKey += "\(i + 1):bytea;"
                }
            }
        } catch {
            release()
            throw error
        }
    }

    private func append(_ value: UnsafeMutablePointer<CChar>?, length: Int32, binary: Bool) {
        values.append(value)
        lengths.append(length)
        formats.append(binary ? 1 : 0)
        types.append(binary ? PGValues.OID.bytea : 0)
    }

    deinit { release() }

    private func release() {
        for value in values { free(value) }
        values.removeAll()
    }

    func withPointers<R>(_ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R) -> R {
        let pointers = values.map { $0.map { UnsafePointer($0) } }
        return pointers.withUnsafeBufferPointer { p in
            lengths.withUnsafeBufferPointer { l in
                formats.withUnsafeBufferPointer { f in body(p.baseAddress, l.baseAddress, f.baseAddress) }
            }
        }
    }
}

/// Rows for `COPY … FROM STDIN` in text format: tab between values, `\N` for NULL, a backslash,
/// tab, line feed or carriage return in a text escaped, bytes as bytea's hex. Sent in pieces of
/// about 1 MiB.
public final class PGCopyWriter {
    private unowned let connection: PGConnection
    /// The COPY statement, for its errors.
    let sql: String
    private var buffer: [UInt8] = []
    /// The rows handed over so far.
    public private(set) var rows = 0
    /// The server stopped taking data (it refused a row, or the connection is gone).
    private(set) var sendFailed = false
    struct SendFailed: Error {}
    static let pieceBytes = 1 << 20

    init(connection: PGConnection, sql: String) {
        self.connection = connection
        self.sql = sql
        buffer.reserveCapacity(PGCopyWriter.pieceBytes + 4096)
    }

    public func row(_ values: SQLBindable?...) throws { try row(values) }

    // Each value is written through one `inout` access to the buffer: a class's stored property
    // touched byte by byte paid Swift's exclusivity check on every byte (a fifth of a bulk load's
    // time on the program's side, which the server then waited for).

    public func row(_ values: [SQLBindable?]) throws {
        for (i, value) in values.enumerated() {
            let value = value?.sqlValue ?? .null
            if !Self.append(value, after: i > 0, to: &buffer) { try refused(value) }
        }
        try endRow()
    }

    /// A row of values as they are (a bulk load's hot path: no value boxed on the way).
    public func row(values: [SQLValue]) throws {
        for (i, value) in values.enumerated() where !Self.append(value, after: i > 0, to: &buffer) { try refused(value) }
        try endRow()
    }

    private func endRow() throws {
        buffer.append(0x0A)
        rows += 1
        if buffer.count >= PGCopyWriter.pieceBytes { try flush() }
    }

    /// The reason a value could not be written: a text with a NUL.
    private func refused(_ value: SQLValue) throws {
        if case .text(let s) = value { try PGValues.refuseNUL(s, server: connection.address) }
    }

    /// `value` in COPY's text format, a tab before it when `after` another; false for a text with
    /// a NUL, which COPY cannot carry (what went into the buffer of the row is never sent then:
    /// the load stops).
    private static func append(_ value: SQLValue, after: Bool, to buffer: inout [UInt8]) -> Bool {
        if after { buffer.append(0x09) }
        switch value {
        case .null:
            buffer.append(0x5C)   // \N
            buffer.append(0x4E)
        case .integer(let v):
            let start = buffer.count
            var m = v.magnitude
            repeat {
                buffer.append(UInt8(truncatingIfNeeded: 48 + m % 10))
                m /= 10
            } while m > 0
            if v < 0 { buffer.append(0x2D) }
            buffer[start...].reverse()
        case .real(let v):
            buffer.append(contentsOf: PGValues.text(v).utf8)
        case .text(let s):
            for byte in s.utf8 {
                switch byte {
                case 0x00: return false
                case 0x5C: buffer.append(0x5C); buffer.append(0x5C)
                case 0x09: buffer.append(0x5C); buffer.append(UInt8(ascii: "t"))
                case 0x0A: buffer.append(0x5C); buffer.append(UInt8(ascii: "n"))
                case 0x0D: buffer.append(0x5C); buffer.append(UInt8(ascii: "r"))
                default: buffer.append(byte)
                }
            }
        case .blob(let b):
            buffer.append(contentsOf: [0x5C, 0x5C, UInt8(ascii: "x")])   // \\x: bytea's \x, its backslash escaped
            for byte in b {
                buffer.append(PGValues.hexDigits[Int(byte >> 4)])
                buffer.append(PGValues.hexDigits[Int(byte & 0x0F)])
            }
        }
        return true
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        let sent = buffer.withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { PQputCopyData(connection.handle, $0, Int32(p.count)) }
        }
        buffer.removeAll(keepingCapacity: true)
        if sent != 1 {
            sendFailed = true
            throw SendFailed()
        }
    }
}
