/// The rooms' placeholders as PostgreSQL numbers them: `?` is the next value (`$1`, `$2`, … in
/// the order written), `$n` stays as it is. Text in quotes (`'…'`, `"…"`, `$tag$…$tag$`) and
/// comments are passed over. A translation is made once per SQL text (`PGConnection` caches it).
enum PGPlaceholders {
    static func numbered(_ sql: String) -> String {
        let bytes = Array(sql.utf8)
        guard bytes.contains(UInt8(ascii: "?")) else { return sql }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        var next = 1
        var i = 0
        func copy(until end: Int) {
            out.append(contentsOf: bytes[i..<min(end, bytes.count)])
            i = min(end, bytes.count)
        }
        while i < bytes.count {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "'"), UInt8(ascii: "\""):
                // to the closing quote; a doubled quote is one inside
                var j = i + 1
                while j < bytes.count {
                    if bytes[j] == c {
                        if j + 1 < bytes.count && bytes[j + 1] == c { j += 2; continue }
                        break
                    }
                    j += 1
                }
                copy(until: j + 1)
            case UInt8(ascii: "-") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "-"):
                copy(until: (bytes[i...].firstIndex(of: 10) ?? bytes.count) + 1)
            case UInt8(ascii: "/") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "*"):
                var j = i + 2
                while j + 1 < bytes.count && !(bytes[j] == UInt8(ascii: "*") && bytes[j + 1] == UInt8(ascii: "/")) { j += 1 }
                copy(until: j + 2)
            case UInt8(ascii: "$"):
                // $n stays; $tag$ … $tag$ is quoted text
                var j = i + 1
                while j < bytes.count, isWord(bytes[j]) { j += 1 }
                if j < bytes.count, bytes[j] == UInt8(ascii: "$"), !(i + 1 < j && isDigit(bytes[i + 1])) {
                    let tag = Array(bytes[i...j])
                    var k = j + 1
                    while k + tag.count <= bytes.count && Array(bytes[k..<k + tag.count]) != tag { k += 1 }
                    copy(until: k + tag.count)
                } else {
                    if i + 1 < j, let n = Int(String(decoding: bytes[(i + 1)..<j], as: UTF8.self)) { next = max(next, n + 1) }
                    copy(until: j)
                }
            case UInt8(ascii: "?"):
                out.append(contentsOf: Array("$\(next)".utf8))
                next += 1
                i += 1
            default:
                out.append(c)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isDigit(_ c: UInt8) -> Bool { (48...57).contains(c) }
    private static func isWord(_ c: UInt8) -> Bool { isDigit(c) || (65...90).contains(c) || (97...122).contains(c) || c == 95 || c >= 0x80 }
}
