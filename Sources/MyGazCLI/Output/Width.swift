/// Terminal display width: combining marks and format characters take no column,
/// East Asian wide and fullwidth characters take two, everything else one.
public enum DisplayWidth {
    public static func of(_ text: String) -> Int {
        var width = 0
        for scalar in text.unicodeScalars { width += of(scalar) }
        return width
    }

    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
        if v < 0x300 { return 1 }   // fast path: Latin, and no combining marks below U+0300
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if v == 0x200B { return 0 }
        if isWide(v) { return 2 }
        return 1
    }

    static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// Pads with spaces to `width` columns.
    public static func pad(_ text: String, to width: Int, right: Bool = false) -> String {
        let missing = width - of(text)
        guard missing > 0 else { return text }
        let spaces = String(repeating: " ", count: missing)
        return right ? spaces + text : text + spaces
    }

    /// Cuts to at most `width` columns, marking the cut with "…".
    public static func truncate(_ text: String, to width: Int) -> String {
        guard of(text) > width, width > 0 else { return text }
        var result = ""
        var used = 0
        for character in text {
            let w = of(String(character))
            if used + w > width - 1 { break }
            result.append(character)
            used += w
        }
        return result + "…"
    }

    /// Breaks text into lines of at most `width` columns, at spaces where possible.
    public static func wrap(_ text: String, to width: Int) -> [String] {
        guard width > 1 else { return [text] }
        var lines: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = ""
            var lineWidth = 0
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: false) {
                var word = String(word)
                var w = of(word)
                while w > width {   // a word longer than a line is cut
                    if !line.isEmpty { lines.append(line); line = ""; lineWidth = 0 }
                    var head = ""
                    var used = 0
                    var rest = Substring(word)
                    while let c = rest.first, used + of(String(c)) <= width {
                        head.append(c); used += of(String(c)); rest = rest.dropFirst()
                    }
                    lines.append(head)
                    word = String(rest)
                    w = of(word)
                }
                if lineWidth == 0 && line.isEmpty {
                    line = word; lineWidth = w
                } else if lineWidth + 1 + w <= width {
                    line += " " + word; lineWidth += 1 + w
                } else {
                    lines.append(line); line = word; lineWidth = w
                }
            }
            lines.append(line)
        }
        return lines
    }
}
