import Foundation

/// A one-page PDF of text, lines, boxes and a QR code, written by hand: TrueType fonts embedded
/// as subsets (CIDFontType2, Identity-H, glyph ids as codes) with a ToUnicode map, so text can
/// be searched and copied. Coordinates are points from the page's top-left corner.
public struct PDFPage {
    public enum Weight: Int, Sendable { case regular = 0, bold = 1 }

    public static let a4 = (width: 595.28, height: 841.89)

    public let width: Double
    public let height: Double
    let fonts: [TrueTypeFont]
    private var content = ""
    /// Per font, the glyphs used in the order first used: a glyph's place is its code in the text.
    private var glyphOrder: [[Int]]
    private var codes: [[Int: Int]]
    private var unicode: [[Int: String]]
    private var images: [(width: Int, height: Int, bits: [UInt8])] = []

    /// `fonts[0]` is the regular face, `fonts[1]` the bold one.
    public init(fonts: [TrueTypeFont], width: Double = PDFPage.a4.width, height: Double = PDFPage.a4.height) {
        self.fonts = fonts
        self.width = width
        self.height = height
        glyphOrder = Array(repeating: [0], count: fonts.count)
        codes = Array(repeating: [0: 0], count: fonts.count)
        unicode = Array(repeating: [:], count: fonts.count)
    }

    /// A coordinate to two decimals, without Foundation's formatter (a page has thousands).
    static func number(_ v: Double) -> String {
        let hundredths = Int((v * 100).rounded())
        let whole = String(abs(hundredths) / 100), fraction = abs(hundredths) % 100
        let sign = hundredths < 0 ? "-" : ""
        if fraction == 0 { return sign + whole }
        return sign + whole + (fraction < 10 ? ".0" : ".") + (fraction % 10 == 0 ? String(fraction / 10) : String(fraction))
    }

    static let hexDigits = Array("0123456789ABCDEF")

    /// Four hex digits: a two-byte code in a text string, a UTF-16 unit in a map.
    static func hex4(_ v: Int) -> String {
        String([hexDigits[v >> 12 & 0xF], hexDigits[v >> 8 & 0xF], hexDigits[v >> 4 & 0xF], hexDigits[v & 0xF]])
    }

    public func textWidth(_ text: String, size: Double, weight: Weight = .regular) -> Double {
        fonts[min(weight.rawValue, fonts.count - 1)].width(text, size: size)
    }

    /// Text with its baseline at `y` from the top; `align` right puts its end at `x`.
    public mutating func text(_ text: String, x: Double, y: Double, size: Double, weight: Weight = .regular, alignRight: Bool = false,
                              gray: Double = 0) {
        let f = min(weight.rawValue, fonts.count - 1)
        let font = fonts[f]
        // a control or a line separator from the data is a space on paper and in the copied text
        let text = UntrustedText.blanked(text)
        var hex = ""
        for scalar in text.unicodeScalars {
            let g = font.glyph(scalar)
            let code: Int
            if let known = codes[f][g] { code = known } else {
                code = glyphOrder[f].count
                glyphOrder[f].append(g)
                codes[f][g] = code
            }
            if g != 0 && unicode[f][code] == nil { unicode[f][code] = String(scalar) }
            hex += Self.hex4(code)
        }
        let left = alignRight ? x - font.width(text, size: size) : x
        content += "BT \(Self.number(gray)) g /F\(f) \(Self.number(size)) Tf \(Self.number(left)) \(Self.number(height - y)) Td <\(hex)> Tj ET\n"
    }

    public mutating func line(from: (Double, Double), to: (Double, Double), width lineWidth: Double = 0.5, dash: Double? = nil) {
        let pattern = dash.map { "[\(Self.number($0)) \(Self.number($0))] 0 d" } ?? "[] 0 d"
        content += "\(Self.number(lineWidth)) w \(pattern) \(Self.number(from.0)) \(Self.number(height - from.1)) m "
            + "\(Self.number(to.0)) \(Self.number(height - to.1)) l S\n"
    }

    public mutating func box(x: Double, y: Double, width w: Double, height h: Double, lineWidth: Double = 0.5) {
        content += "\(Self.number(lineWidth)) w [] 0 d \(Self.number(x)) \(Self.number(height - y - h)) \(Self.number(w)) \(Self.number(h)) re S\n"
    }

    public mutating func fill(x: Double, y: Double, width w: Double, height h: Double, gray: Double = 0) {
        content += "\(Self.number(gray)) g \(Self.number(x)) \(Self.number(height - y - h)) \(Self.number(w)) \(Self.number(h)) re f 0 g\n"
    }

    /// A QR code with its top-left corner at (x, y), `module` points a module (the quiet zone is
    /// the caller's): a one-bit image, a pixel a module, drawn without smoothing.
    public mutating func qr(_ code: QRCode, x: Double, y: Double, module: Double) {
        var bits: [UInt8] = []
        for row in code.modules {
            var byte: UInt8 = 0, filled = 0
            for dark in row {
                byte = byte << 1 | (dark ? 0 : 1)   // DeviceGray: 0 is black
                filled += 1
                if filled == 8 { bits.append(byte); byte = 0; filled = 0 }
            }
            if filled > 0 { bits.append(byte << (8 - filled) | (0xFF >> filled)) }
        }
        images.append((code.size, code.size, bits))
        let side = Double(code.size) * module
        content += "q \(Self.number(side)) 0 0 \(Self.number(side)) \(Self.number(x)) \(Self.number(height - y - side)) cm /Im\(images.count - 1) Do Q\n"
    }

    // MARK: the file

    public func render(title: String) -> [UInt8] {
        var objects: [[UInt8]] = []
        func add(_ body: [UInt8]) -> Int { objects.append(body); return objects.count }
        func add(_ text: String) -> Int { add(Array(text.utf8)) }
        func stream(_ dictionary: String, _ bytes: [UInt8]) -> Int {
            add(Array("<< \(dictionary) /Length \(bytes.count) >>\nstream\n".utf8) + bytes + Array("\nendstream".utf8))
        }

        var fontRefs: [Int] = []
        for (f, font) in fonts.enumerated() {
            let glyphs = glyphOrder[f]
            let tag = Self.subsetTag(font.name, glyphs)
            let file = font.subset(glyphs)
            let fileRef = stream("/Length1 \(file.count)", file)
            let scale = { (v: Int) in v * 1000 / font.unitsPerEm }
            let (x0, y0, x1, y1) = font.boundingBox
            let descriptor = add("""
                << /Type /FontDescriptor /FontName /\(tag)+\(font.name) /Flags 32 /FontBBox [\(scale(x0)) \(scale(y0)) \(scale(x1)) \(scale(y1))] \
                /ItalicAngle 0 /Ascent \(scale(font.ascent)) /Descent \(scale(font.descent)) /CapHeight \(scale(font.capHeight)) \
                /StemV 80 /FontFile2 \(fileRef) 0 R >>
                """)
            let widths = "0 [" + glyphs.map { String(font.width(glyph: $0)) }.joined(separator: " ") + "]"
            let cid = add("""
                << /Type /Font /Subtype /CIDFontType2 /BaseFont /\(tag)+\(font.name) \
                /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
                /FontDescriptor \(descriptor) 0 R /DW 1000 /W [\(widths)] /CIDToGIDMap /Identity >>
                """)
            let toUnicode = stream("", Array(Self.toUnicode(unicode[f]).utf8))
            fontRefs.append(add("""
                << /Type /Font /Subtype /Type0 /BaseFont /\(tag)+\(font.name) /Encoding /Identity-H \
                /DescendantFonts [\(cid) 0 R] /ToUnicode \(toUnicode) 0 R >>
                """))
        }
        let imageRefs = images.map { image in
            stream("/Type /XObject /Subtype /Image /Width \(image.width) /Height \(image.height) /ColorSpace /DeviceGray /BitsPerComponent 1 /Interpolate false",
                   image.bits)
        }
        let contents = stream("", Array(content.utf8))
        let fontDictionary = fontRefs.enumerated().map { "/F\($0.offset) \($0.element) 0 R" }.joined(separator: " ")
        let imageDictionary = imageRefs.enumerated().map { "/Im\($0.offset) \($0.element) 0 R" }.joined(separator: " ")
        let pagesRef = objects.count + 2
        let page = add("""
            << /Type /Page /Parent \(pagesRef) 0 R /MediaBox [0 0 \(Self.number(width)) \(Self.number(height))] \
            /Resources << /Font << \(fontDictionary) >> /XObject << \(imageDictionary) >> >> /Contents \(contents) 0 R >>
            """)
        let pages = add("<< /Type /Pages /Kids [\(page) 0 R] /Count 1 >>")
        precondition(pages == pagesRef)
        let catalog = add("<< /Type /Catalog /Pages \(pages) 0 R >>")
        let info = add("<< /Title <\(Self.utf16Hex(title))> /Producer (mygaz-admin) >>")

        var out = Array("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        var offsets: [Int] = []
        for (i, body) in objects.enumerated() {
            offsets.append(out.count)
            out += Array("\(i + 1) 0 obj\n".utf8) + body + Array("\nendobj\n".utf8)
        }
        let xref = out.count
        var table = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets {
            let digits = String(offset)
            table += String(repeating: "0", count: max(0, 10 - digits.count)) + digits + " 00000 n \n"
        }
        table += "trailer\n<< /Size \(objects.count + 1) /Root \(catalog) 0 R /Info \(info) 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return out + Array(table.utf8)
    }

    /// Six capitals from the font and its glyphs: the same subset gets the same name.
    static func subsetTag(_ name: String, _ glyphs: [Int]) -> String {
        var hash: UInt64 = 14_695_981_039_346_656_037
        for v in Array(name.utf8).map(Int.init) + glyphs { hash = (hash ^ UInt64(truncatingIfNeeded: v)) &* 1_099_511_628_211 }
        return String((0..<6).map { i in Character(UnicodeScalar(UInt8(65 + (hash >> (i * 5)) % 26))) })
    }

    static func utf16Hex(_ text: String) -> String {
        "FEFF" + text.utf16.map { hex4(Int($0)) }.joined()
    }

    static func toUnicode(_ map: [Int: String]) -> String {
        var out = """
            /CIDInit /ProcSet findresource begin
            12 dict begin
            begincmap
            /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
            /CMapName /Adobe-Identity-UCS def
            /CMapType 2 def
            1 begincodespacerange
            <0000> <FFFF>
            endcodespacerange

            """
        let entries = map.sorted { $0.key < $1.key }
        for chunk in stride(from: 0, to: entries.count, by: 100) {
            let part = entries[chunk..<min(chunk + 100, entries.count)]
            out += "\(part.count) beginbfchar\n"
            for (glyph, text) in part {
                out += "<\(hex4(glyph))> <\(text.utf16.map { hex4(Int($0)) }.joined())>\n"
            }
            out += "endbfchar\n"
        }
        out += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
        return out
    }
}
