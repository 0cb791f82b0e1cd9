/// Text from outside (the portal, an RGK file, argv, the environment) on its way to a person's
/// terminal. It is judged by Unicode scalars, never by Characters: "\r\n" is one Character, and
/// so is ESC followed by a combining mark, and neither equals "\n" or ESC.
public enum UntrustedText {
    /// C0 and C1 controls (CR, LF, NEL among them), DEL, bidirectional overrides and isolates,
    /// every Unicode line and paragraph separator (categories Zl, Zp: U+2028, U+2029): what can
    /// move the cursor, talk to the terminal (ESC ] 52 sets the clipboard), break a line where a
    /// reader does not expect one, or make a line read as something else.
    @inline(__always)
    public static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x20 || (0x7F...0x9F).contains(v) { return true }
        if v < 0x2028 { return false }
        if v <= 0x2029 || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) { return true }
        let category = scalar.properties.generalCategory
        return category == .lineSeparator || category == .paragraphSeparator
    }

    /// Text put into a format with no escape for them (a mail header, the payment QR code, a
    /// PDF line): every such scalar becomes a space.
    public static func blanked(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { needsEscape($0) ? " " : $0 }))
    }

    /// One line: every such scalar made visible (`\n`, `\r`, `\t`, `\u001B`, `\u202E`).
    public static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard needsEscape(scalar) else { out.append(scalar); continue }
            switch scalar {
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\r": out.append(contentsOf: "\\r".unicodeScalars)
            case "\t": out.append(contentsOf: "\\t".unicodeScalars)
            default: out.append(contentsOf: escape(scalar).unicodeScalars)
            }
        }
        return String(out)
    }

    /// Several lines (a message body, an address with a line break): LF and CRLF break the
    /// lines, everything else is made visible in them, a lone CR included.
    public static func visibleLines(_ text: String) -> [String] {
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            if s == "\n" || (s == "\r" && i + 1 < scalars.count && scalars[i + 1] == "\n") {
                lines.append(visible(String(current)))
                current = String.UnicodeScalarView()
                i += s == "\r" ? 2 : 1
                continue
            }
            current.append(s)
            i += 1
        }
        lines.append(visible(String(current)))
        return lines
    }

    /// Text that already carries the program's own colours (SGR: `ESC [ digits ; … m`): those stay,
    /// every other control is made visible. The last guard of a screen drawn from many pieces.
    public static func keepingColours(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.contains(where: needsEscape) else { return text }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if let end = colourEnd(scalars, at: i) {
                out.append(contentsOf: scalars[i...end])
                i = end + 1
                continue
            }
            if needsEscape(scalars[i]) { out.append(contentsOf: escape(scalars[i]).unicodeScalars) } else { out.append(scalars[i]) }
            i += 1
        }
        return String(out)
    }

    /// Our text without its colours (ESC [ … m), for measuring or cutting it; anything else stays.
    public static func withoutColours(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.contains("\u{1B}") else { return text }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            if let end = colourEnd(scalars, at: i) { i = end + 1; continue }
            out.append(scalars[i])
            i += 1
        }
        return String(out)
    }

    /// Where a colour sequence (ESC [ digits and ; m) that starts at `i` ends, or nil.
    private static func colourEnd(_ scalars: [Unicode.Scalar], at i: Int) -> Int? {
        guard scalars[i] == "\u{1B}", i + 1 < scalars.count, scalars[i + 1] == "[" else { return nil }
        var j = i + 2
        while j < scalars.count, (0x30...0x39).contains(scalars[j].value) || scalars[j] == ";" { j += 1 }
        return j < scalars.count && scalars[j] == "m" ? j : nil
    }

    static func escape(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// A value a shell may insert on Tab with no quoting at all: letters and digits of ASCII and
    /// `@ . _ + -` (logins, e-mails, phones, codes, ids), not starting with `-` (an option).
    /// Anything else is never offered: a login the portal let through with `;`, `$(…)`, a quote,
    /// a space or a line break would otherwise become part of the operator's command line.
    public static func isShellSafe(_ value: String) -> Bool {
        guard !value.isEmpty, value.utf8.count <= 256, value.utf8.first != UInt8(ascii: "-") else { return false }
        return value.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
                || b == UInt8(ascii: "@") || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "+")
                || b == UInt8(ascii: "-")
        }
    }
}
