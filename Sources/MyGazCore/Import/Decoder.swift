import Foundation

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
