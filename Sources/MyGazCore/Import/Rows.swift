import Foundation

/// A column an import kind understands: its English name and the Russian spellings RGK
/// exports use. Names match ignoring case, ё/е, spaces, underscores, hyphens and dots.
public struct ImportColumn: Sendable {
    public let key: String
    public let aliases: [String]
    public let required: Bool

    public init(_ key: String, _ aliases: [String], required: Bool = false) {
        self.key = key
        self.aliases = aliases
        self.required = required
    }

    static func normalize(_ name: String) -> String {
        Database.fold(name).filter { !" _-.№\u{00A0}\t\"'".contains($0) }
    }

    var names: Set<String> { Set(([key] + aliases).map(ImportColumn.normalize)) }

    /// A column whose values are secrets (PINs printed on bills): never written out again.
    var isSecret: Bool { key == "pin" }
}

/// One reason a row is bad. Rendered as `FILE:LINE: column: reason`.
public struct RowProblem: Sendable {
    public let line: Int
    public let column: String
    public let reason: Message
}

/// A record decoded to UTF-8, seen through the kind's columns. The bytes live in a
/// batch's arena: the record starts at `start`, and `ends` are absolute field ends.
public struct RowView {
    public var utf8: [UInt8] = []
    public var ends: ArraySlice<Int> = []
    public var start = 0
    public var line = 0
    /// logical column → field index in the file (nil: the file has no such column)
    public let map: [Int?]
    /// the header's spelling of each logical column, for messages
    public let headers: [String]
    public var problems: [RowProblem] = []
    private var lastCode: [Int: (bytes: [UInt8], code: String)] = [:]

    init(map: [Int?], headers: [String]) {
        self.map = map
        self.headers = headers
    }

    /// The trimmed bytes of a column; nil when the file lacks it or the cell is empty.
    public func range(_ column: Int) -> Range<Int>? {
        guard let index = map[column], index < ends.count else { return nil }
        var lo = index == 0 ? start : ends[ends.startIndex + index - 1]
        var hi = ends[ends.startIndex + index]
        // trim spaces, tabs and NO-BREAK SPACE (C2 A0)
        while lo < hi {
            if utf8[lo] == 32 || utf8[lo] == 9 { lo += 1 } else if hi - lo >= 2 && utf8[lo] == 0xC2 && utf8[lo + 1] == 0xA0 { lo += 2 } else { break }
        }
        while hi > lo {
            if utf8[hi - 1] == 32 || utf8[hi - 1] == 9 { hi -= 1 } else if hi - lo >= 2 && utf8[hi - 2] == 0xC2 && utf8[hi - 1] == 0xA0 { hi -= 2 } else { break }
        }
        return lo < hi ? lo..<hi : nil
    }

    public func string(_ column: Int) -> String? {
        range(column).map { String(decoding: utf8[$0], as: UTF8.self) }
    }

    mutating func problem(_ column: Int, _ key: MessageKey, _ args: MessageArg...) {
        problems.append(RowProblem(line: line, column: headers[column], reason: Message(key, args)))
    }

    /// A required cell.
    mutating func required(_ column: Int) -> Range<Int>? {
        guard let r = range(column) else {
            problem(column, .importEmpty)
            return nil
        }
        return r
    }

    mutating func text(_ column: Int, required: Bool = false) -> String? {
        if required { return self.required(column).map { String(decoding: utf8[$0], as: UTF8.self) } }
        return string(column)
    }

    /// A whole number, with spaces as thousands separators.
    mutating func int(_ column: Int, required: Bool = false, min: Int64 = Int64.min, max: Int64 = Int64.max) -> Int64? {
        guard let r = required ? self.required(column) : range(column) else { return nil }
        var value: Int64 = 0
        var negative = false
        var digits = 0
        var i = r.lowerBound
        if utf8[i] == 45 { negative = true; i += 1 }
        while i < r.upperBound {
            let b = utf8[i]
            if b >= 48 && b <= 57 {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int64(b - 48))
                if o1 || o2 { digits = 0; break }
                value = s
                digits += 1
            } else if b == 32 || (b == 0xC2 && i + 1 < r.upperBound && utf8[i + 1] == 0xA0) {
                if b == 0xC2 { i += 1 }
            } else {
                digits = 0
                break
            }
            i += 1
        }
        guard digits > 0 else {
            problem(column, .importNotANumber, .text(String(decoding: utf8[r], as: UTF8.self)))
            return nil
        }
        let result = negative ? -value : value
        guard result >= min && result <= max else {
            problem(column, .importOutOfRange, .text(String(decoding: utf8[r], as: UTF8.self)))
            return nil
        }
        return result
    }

    /// Rubles with a decimal comma or point (`-3 319,52`), as kopecks.
    mutating func money(_ column: Int, required: Bool = false) -> Int64? {
        guard let r = required ? self.required(column) : range(column) else { return nil }
        guard let kop = Self.kopecks(utf8[r]) else {
            problem(column, .importNotAnAmount, .text(String(decoding: utf8[r], as: UTF8.self)))
            return nil
        }
        return kop
    }

    static func kopecks(_ bytes: ArraySlice<UInt8>) -> Int64? {
        var negative = false
        var whole: Int64 = 0, fraction: Int64 = 0
        var fractionDigits = -1
        var digits = 0
        var i = bytes.startIndex
        // "-" or U+2212 MINUS SIGN (E2 88 92)
        if i < bytes.endIndex && bytes[i] == 45 { negative = true; i += 1 } else if bytes.count >= 3 && bytes[i] == 0xE2 && bytes[i + 1] == 0x88 && bytes[i + 2] == 0x92 {
            negative = true; i += 3
        }
        while i < bytes.endIndex {
            let b = bytes[i]
            if b >= 48 && b <= 57 {
                if fractionDigits >= 0 {
                    guard fractionDigits < 2 else { return nil }
                    fraction = fraction * 10 + Int64(b - 48)
                    fractionDigits += 1
                } else {
                    guard whole < Int64.max / 1000 else { return nil }
                    whole = whole * 10 + Int64(b - 48)
                    digits += 1
                }
            } else if (b == 44 || b == 46) && fractionDigits < 0 {
                fractionDigits = 0
            } else if b == 32 && fractionDigits < 0 {
                // thousands separator
            } else if b == 0xC2 && i + 1 < bytes.endIndex && bytes[i + 1] == 0xA0 && fractionDigits < 0 {
                i += 1
            } else {
                return nil
            }
            i += 1
        }
        guard digits > 0 || fractionDigits > 0 else { return nil }
        if fractionDigits == 1 { fraction *= 10 }
        let kop = whole * 100 + max(0, fraction)
        return negative ? -kop : kop
    }

    /// A decimal number (areas, coordinates), with a comma or a point.
    mutating func decimal(_ column: Int, min: Double = -Double.greatestFiniteMagnitude) -> Double? {
        guard let r = range(column) else { return nil }
        guard let value = Self.decimal(utf8[r]), value >= min else {
            problem(column, .importNotANumber, .text(String(decoding: utf8[r], as: UTF8.self)))
            return nil
        }
        return value
    }

    static func decimal(_ bytes: ArraySlice<UInt8>) -> Double? {
        var whole: Int64 = 0, fraction: Int64 = 0, scale: Int64 = 1
        var negative = false, inFraction = false, digits = 0
        var i = bytes.startIndex
        if i < bytes.endIndex && bytes[i] == 45 { negative = true; i += 1 }
        while i < bytes.endIndex {
            let b = bytes[i]
            if b >= 48 && b <= 57 {
                if inFraction {
                    guard scale < 1_000_000_000 else { return nil }
                    fraction = fraction * 10 + Int64(b - 48)
                    scale *= 10
                } else {
                    guard whole < 1_000_000_000_000 else { return nil }
                    whole = whole * 10 + Int64(b - 48)
                }
                digits += 1
            } else if (b == 44 || b == 46) && !inFraction {
                inFraction = true
            } else if b == 32 && !inFraction {
            } else if b == 0xC2 && i + 1 < bytes.endIndex && bytes[i + 1] == 0xA0 && !inFraction {
                i += 1
            } else {
                return nil
            }
            i += 1
        }
        guard digits > 0 else { return nil }
        let value = Double(whole) + Double(fraction) / Double(scale)
        return negative ? -value : value
    }

    /// `DD.MM.YYYY` or `YYYY-MM-DD`.
    mutating func day(_ column: Int, required: Bool = false) -> Day? {
        guard let r = required ? self.required(column) : range(column) else { return nil }
        if let day = Day.parse(bytes: utf8[r]) { return day }
        let text = String(decoding: utf8[r], as: UTF8.self)
        // a date with a time (1C writes "20.07.2026 0:00:00") keeps its date
        guard let day = Day(parsing: text.split(separator: " ").first.map(String.init) ?? text) else {
            problem(column, .importNotADate, .text(text))
            return nil
        }
        return day
    }

    /// A month: `MM.YYYY`, `YYYY-MM`, or a date in it.
    mutating func period(_ column: Int, required: Bool = false) -> String? {
        guard let r = required ? self.required(column) : range(column) else { return nil }
        let text = String(decoding: utf8[r], as: UTF8.self)
        let parts = text.split(whereSeparator: { $0 == "." || $0 == "-" || $0 == "/" })
        if parts.count == 2 {
            let (m, y) = parts[0].count == 4 ? (parts[1], parts[0]) : (parts[0], parts[1])
            if let month = Int(m), let year = Int(y), (1...12).contains(month), (1900...2999).contains(year), y.count == 4 {
                return "\(year)-\(month < 10 ? "0" : "")\(month)"
            }
        } else if let day = Day(parsing: text) {
            return day.period
        }
        problem(column, .importNotAPeriod, .text(text))
        return nil
    }

    /// A stored code from the words an RGK writes («Природный газ», «исправен», «оплачено»…).
    mutating func code(_ column: Int, _ words: CodeWords, required: Bool = false, allowed: String) -> String? {
        guard let r = required ? self.required(column) : range(column) else { return nil }
        // a column of codes repeats a handful of words: remember the last one per column
        if let last = lastCode[column], utf8[r].elementsEqual(last.bytes) { return last.code }
        guard let code = words.lookup(utf8[r]) else {
            problem(column, .importUnknownCode, .text(String(decoding: utf8[r], as: UTF8.self)), .text(allowed))
            return nil
        }
        lastCode[column] = (Array(utf8[r]), code)
        return code
    }

    /// Every field as text (the rejects file, the header).
    public var fields: [String] {
        (0..<ends.count).map { i in
            String(decoding: utf8[(i == 0 ? start : ends[ends.startIndex + i - 1])..<ends[ends.startIndex + i]], as: UTF8.self)
        }
    }

    /// A personal account number in any spelling (`023-185952` → `23185952`): the digits,
    /// separators allowed, leading zeros dropped.
    mutating func account(_ column: Int) -> String? {
        guard let r = required(column) else { return nil }
        var digits: [UInt8] = []
        digits.reserveCapacity(r.count)
        var ok = true
        for b in utf8[r] {
            if b >= 48 && b <= 57 {
                if !(digits.isEmpty && b == 48) { digits.append(b) }
            } else if b != 45 && b != 32 && b != 47 && b != 46 {
                ok = false
                break
            }
        }
        guard ok, !digits.isEmpty, digits.count <= 18 else {
            problem(column, .badAccountNumber, .text(String(decoding: utf8[r], as: UTF8.self)))
            return nil
        }
        return String(decoding: digits, as: UTF8.self)
    }
}

/// Words that mean a stored code, matched on bytes: case and ё/е do not matter, runs of
/// spaces count as one.
public struct CodeWords: Sendable {
    private let table: [[UInt8]: String]

    public init(_ words: [String: String]) {
        var table: [[UInt8]: String] = [:]
        for (word, code) in words { table[CodeWords.fold(Array(word.utf8)[...])] = code }
        self.table = table
    }

    func lookup(_ bytes: ArraySlice<UInt8>) -> String? { table[CodeWords.fold(bytes)] }

    /// Lower case for Latin and Cyrillic in UTF-8, ё → е, spaces collapsed.
    static func fold(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        var lastSpace = false
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == 32 || b == 9 {
                if !lastSpace && !out.isEmpty { out.append(32) }
                lastSpace = true
                i += 1
                continue
            }
            lastSpace = false
            if b >= 65 && b <= 90 {
                out.append(b + 32)
            } else if (b == 0xD0 || b == 0xD1) && i + 1 < bytes.endIndex {
                let c = bytes[i + 1]
                let scalar = (UInt32(b & 0x1F) << 6) | UInt32(c & 0x3F)
                var lower = scalar
                if (0x410...0x42F).contains(scalar) { lower = scalar + 0x20 }
                if scalar == 0x401 || scalar == 0x451 { lower = 0x435 }      // Ё, ё → е
                out.append(UInt8(0xC0 | (lower >> 6)))
                out.append(UInt8(0x80 | (lower & 0x3F)))
                i += 1
            } else if b == 0xC2 && i + 1 < bytes.endIndex && bytes[i + 1] == 0xA0 {
                if !lastSpace && !out.isEmpty { out.append(32) }
                lastSpace = true
                i += 1
            } else {
                out.append(b)
            }
            i += 1
        }
        if out.last == 32 { out.removeLast() }
        return out
    }
}
