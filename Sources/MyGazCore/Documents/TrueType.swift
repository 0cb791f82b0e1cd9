import Foundation

/// A TrueType font read for embedding in a PDF: glyph ids by character, advance widths, the
/// metrics a font descriptor needs, and a subset that keeps only the glyphs a document uses
/// (glyph ids unchanged, so a PDF can map its codes to glyphs one to one).
public struct TrueTypeFont: Sendable {
    public enum Failure: Error, Equatable { case missing(String), malformed(String) }

    public let name: String
    let data: [UInt8]
    let tables: [String: Range<Int>]
    public let unitsPerEm: Int
    public let boundingBox: (Int, Int, Int, Int)
    public let ascent: Int
    public let descent: Int
    public let capHeight: Int
    let numGlyphs: Int
    let longLoca: Bool
    let advances: [Int]
    let cmap: [UInt32: Int]

    public init(path: String, name: String) throws {
        guard let contents = FileManager.default.contents(atPath: path) else { throw Failure.missing(path) }
        try self.init(bytes: [UInt8](contents), name: name)
    }

    public init(bytes: [UInt8], name: String) throws {
        self.name = name
        data = bytes
        func u16(_ at: Int) throws -> Int {
            guard at >= 0, at + 2 <= bytes.count else { throw Failure.malformed("read past the end at \(at)") }
            return Int(bytes[at]) << 8 | Int(bytes[at + 1])
        }
        func i16(_ at: Int) throws -> Int { let v = try u16(at); return v >= 0x8000 ? v - 0x10000 : v }
        func u32(_ at: Int) throws -> Int { try u16(at) << 16 | u16(at + 2) }
        var tables: [String: Range<Int>] = [:]
        let count = try u16(4)
        for i in 0..<count {
            let record = 12 + 16 * i
            let tag = String(decoding: bytes[record..<record + 4], as: UTF8.self)
            let offset = try u32(record + 8), length = try u32(record + 12)
            guard offset + length <= bytes.count else { throw Failure.malformed("table \(tag) past the end") }
            tables[tag] = offset..<offset + length
        }
        for required in ["head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap"] where tables[required] == nil {
            throw Failure.malformed("no \(required) table")
        }
        self.tables = tables
        let head = tables["head"]!.lowerBound, hhea = tables["hhea"]!.lowerBound
        unitsPerEm = try u16(head + 18)
        boundingBox = (try i16(head + 36), try i16(head + 38), try i16(head + 40), try i16(head + 42))
        longLoca = try i16(head + 50) == 1
        ascent = try i16(hhea + 4)
        descent = try i16(hhea + 6)
        if let os2 = tables["OS/2"], os2.count >= 90, try u16(os2.lowerBound) >= 2 {
            capHeight = try i16(os2.lowerBound + 88)
        } else {
            capHeight = ascent
        }
        numGlyphs = try u16(tables["maxp"]!.lowerBound + 4)
        let metrics = try u16(hhea + 34)
        let hmtx = tables["hmtx"]!.lowerBound
        var advances: [Int] = []
        for g in 0..<numGlyphs { advances.append(try u16(hmtx + 4 * min(g, metrics - 1))) }
        self.advances = advances

        // the Unicode map: format 12 (3,10) if there is one, else format 4 (3,1)
        var map: [UInt32: Int] = [:]
        let cmap = tables["cmap"]!.lowerBound
        var format4: Int?, format12: Int?
        for i in 0..<(try u16(cmap + 2)) {
            let platform = try u16(cmap + 4 + 8 * i), encoding = try u16(cmap + 6 + 8 * i)
            let offset = cmap + (try u32(cmap + 8 + 8 * i))
            let format = try u16(offset)
            if platform == 3 && encoding == 10 && format == 12 { format12 = offset }
            if platform == 3 && encoding == 1 && format == 4 { format4 = offset }
        }
        if let table = format12 {
            for group in 0..<(try u32(table + 12)) {
                let at = table + 16 + 12 * group
                let start = try u32(at), end = try u32(at + 4), glyph = try u32(at + 8)
                guard end >= start, end - start < 0x110000 else { continue }
                for c in start...end { map[UInt32(c)] = glyph + c - start }
            }
        } else if let table = format4 {
            let segments = try u16(table + 6) / 2
            let ends = table + 14, starts = ends + 2 * segments + 2, deltas = starts + 2 * segments, ranges = deltas + 2 * segments
            for s in 0..<segments {
                let end = try u16(ends + 2 * s), start = try u16(starts + 2 * s)
                let delta = try u16(deltas + 2 * s), rangeOffset = try u16(ranges + 2 * s)
                guard start <= end, end != 0xFFFF || start != 0xFFFF else { continue }
                for c in start...end {
                    var glyph: Int
                    if rangeOffset == 0 {
                        glyph = (c + delta) & 0xFFFF
                    } else {
                        glyph = try u16(ranges + 2 * s + rangeOffset + 2 * (c - start))
                        if glyph != 0 { glyph = (glyph + delta) & 0xFFFF }
                    }
                    if glyph != 0 { map[UInt32(c)] = glyph }
                }
            }
        } else {
            throw Failure.malformed("no Unicode cmap")
        }
        self.cmap = map
    }

    /// The glyph of a character (0, the missing glyph, when the font has none).
    public func glyph(_ scalar: Unicode.Scalar) -> Int { cmap[scalar.value] ?? 0 }

    /// Advance width in thousandths of the font size, as PDF widths are given.
    public func width(glyph: Int) -> Int { advances[min(glyph, advances.count - 1)] * 1000 / unitsPerEm }

    /// The width of a text in points at a size.
    public func width(_ text: String, size: Double) -> Double {
        Double(text.unicodeScalars.reduce(0) { $0 + width(glyph: glyph($1)) }) * size / 1000
    }

    func range(ofGlyph g: Int) -> Range<Int> {
        let loca = tables["loca"]!.lowerBound, glyf = tables["glyf"]!.lowerBound
        func u16(_ at: Int) -> Int { Int(data[at]) << 8 | Int(data[at + 1]) }
        let start: Int, end: Int
        if longLoca {
            start = u16(loca + 4 * g) << 16 | u16(loca + 4 * g + 2)
            end = u16(loca + 4 * g + 4) << 16 | u16(loca + 4 * g + 6)
        } else {
            start = u16(loca + 2 * g) * 2
            end = u16(loca + 2 * g + 2) * 2
        }
        return (glyf + start)..<(glyf + max(start, end))
    }

    /// Where the component glyph ids of a composite glyph are, in its data (offsets from its start).
    func componentOffsets(_ g: Int) -> [Int] {
        let r = range(ofGlyph: g)
        guard r.count >= 10 else { return [] }
        func u16(_ at: Int) -> Int { Int(data[at]) << 8 | Int(data[at + 1]) }
        guard u16(r.lowerBound) >= 0x8000 else { return [] }   // numberOfContours < 0: composite
        var result: [Int] = []
        var at = r.lowerBound + 10
        while at + 4 <= r.upperBound {
            let flags = u16(at)
            result.append(at + 2 - r.lowerBound)
            at += 4 + (flags & 0x1 != 0 ? 4 : 2)
            if flags & 0x8 != 0 { at += 2 } else if flags & 0x40 != 0 { at += 4 } else if flags & 0x80 != 0 { at += 8 }
            if flags & 0x20 == 0 { break }
        }
        return result
    }

    /// A font file of the glyphs `order` lists, renumbered: glyph `order[i]` becomes glyph i
    /// (`order[0]` must be 0, the missing glyph). Glyphs a composite is built of are added after
    /// them. Only the tables a PDF reader needs are kept (no cmap: the PDF maps codes to glyphs).
    public func subset(_ order: [Int]) -> [UInt8] {
        var order = order.map { min($0, numGlyphs - 1) }
        var newID: [Int: Int] = [:]
        for (i, g) in order.enumerated() where newID[g] == nil { newID[g] = i }
        var glyphs: [[UInt8]] = []
        var i = 0
        while i < order.count {
            let g = order[i]
            var bytes = Array(data[range(ofGlyph: g)])
            for offset in componentOffsets(g) {
                let component = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
                if newID[component] == nil { newID[component] = order.count; order.append(component) }
                let id = newID[component]!
                bytes[offset] = UInt8(id >> 8); bytes[offset + 1] = UInt8(id & 0xFF)
            }
            while bytes.count % 4 != 0 { bytes.append(0) }
            glyphs.append(bytes)
            i += 1
        }
        func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        var glyf: [UInt8] = [], loca: [UInt8] = [], hmtx: [UInt8] = []
        let metrics = tables["hmtx"]!.lowerBound, longMetrics = (Int(data[tables["hhea"]!.lowerBound + 34]) << 8) | Int(data[tables["hhea"]!.lowerBound + 35])
        for (n, bytes) in glyphs.enumerated() {
            loca += be32(glyf.count)
            glyf += bytes
            let g = order[n]
            let lsbAt = g < longMetrics ? metrics + 4 * g + 2 : metrics + 4 * longMetrics + 2 * (g - longMetrics)
            hmtx += be16(advances[g]) + Array(data[lsbAt..<lsbAt + 2])
        }
        loca += be32(glyf.count)
        var head = Array(data[tables["head"]!])
        head[8] = 0; head[9] = 0; head[10] = 0; head[11] = 0   // checkSumAdjustment: not kept
        head[50] = 0; head[51] = 1                             // long loca offsets
        var hhea = Array(data[tables["hhea"]!])
        hhea[34] = UInt8(glyphs.count >> 8); hhea[35] = UInt8(glyphs.count & 0xFF)
        var maxp = Array(data[tables["maxp"]!])
        maxp[4] = UInt8(glyphs.count >> 8); maxp[5] = UInt8(glyphs.count & 0xFF)
        var out: [(String, [UInt8])] = [("glyf", glyf), ("head", head), ("hhea", hhea), ("hmtx", hmtx), ("loca", loca), ("maxp", maxp)]
        for tag in ["cvt ", "fpgm", "prep"] {
            if let r = tables[tag] { out.append((tag, Array(data[r]))) }
        }
        return Self.assemble(out.sorted { $0.0 < $1.0 })
    }

    static func assemble(_ tables: [(String, [UInt8])]) -> [UInt8] {
        func be16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        func be32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        func checksum(_ bytes: [UInt8]) -> Int {
            var sum: UInt32 = 0
            var i = 0
            while i < bytes.count {
                var word: UInt32 = 0
                for k in 0..<4 { word = word << 8 | UInt32(i + k < bytes.count ? bytes[i + k] : 0) }
                sum = sum &+ word
                i += 4
            }
            return Int(sum)
        }
        var power = 1, log = 0
        while power * 2 <= tables.count { power *= 2; log += 1 }
        var out: [UInt8] = be32(0x0001_0000) + be16(tables.count) + be16(power * 16) + be16(log) + be16(tables.count * 16 - power * 16)
        var offset = 12 + 16 * tables.count
        var body: [UInt8] = []
        for (tag, bytes) in tables {
            out += Array(tag.utf8) + be32(checksum(bytes)) + be32(offset) + be32(bytes.count)
            var padded = bytes
            while padded.count % 4 != 0 { padded.append(0) }
            body += padded
            offset += padded.count
        }
        return out + body
    }
}
