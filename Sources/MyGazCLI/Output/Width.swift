/// Terminal display width: combining marks and format characters take no column, East Asian
/// wide and fullwidth characters and emoji take two, everything else one. The two-column
/// table is generated from the Unicode Character Database (WidthTable.swift).
public enum DisplayWidth {
    public static func of(_ text: String) -> Int {
        // by grapheme: an emoji with U+FE0F, a ZWJ sequence or a flag is one picture of two columns
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
        var width = 0
        for character in text { width += of(character) }
        return width
    }

    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        guard let first = scalars.first else { return 0 }
        if scalars.count > 1 {
            if scalars.contains(where: { $0.value == 0xFE0F }) && contains(emoji, first.value) { return 2 }
            if scalars.contains(where: { $0.value == 0x200D }) && of(first) == 2 { return 2 }
            if (0x1F1E6...0x1F1FF).contains(first.value) { return 2 }   // a flag: two regional indicators
        }
        return scalars.reduce(0) { $0 + of($1) }
    }

    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
        if v < 0x300 { return 1 }   // fast path: Latin, and no combining marks below U+0300
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if v == 0x200B || (0xFE00...0xFE0F).contains(v) { return 0 }
        if contains(wide, v) { return 2 }
        return 1
    }

    /// Binary search in sorted, disjoint ranges.
    static func contains(_ ranges: [ClosedRange<UInt32>], _ v: UInt32) -> Bool {
        var low = 0, high = ranges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            if v < ranges[mid].lowerBound { high = mid - 1 } else if v > ranges[mid].upperBound { low = mid + 1 } else { return true }
        }
        return false
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
        // a figure is never cut in the middle («Показание…», not «Показание 22…»): back to before it
        let figure: (Character) -> Bool = { $0.isNumber || ".,:-+()/ \u{A0}\u{202F}".contains($0) }
        let next = text[text.index(text.startIndex, offsetBy: result.count)]
        if next.isNumber, let last = result.last, figure(last) {
            while let last = result.last, figure(last) { result.removeLast() }
        }
        // «Попова…», not «Попова …»
        while result.last?.isWhitespace == true { result.removeLast() }
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
