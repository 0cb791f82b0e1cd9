import MyGazCore

public enum Lang: String, Sendable, CaseIterable {
    case en, ru

    /// `--lang`, else the first set of LC_ALL, LC_MESSAGES, LANG: `ru*` is Russian.
    public static func detect(_ environment: [String: String]) -> Lang {
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment[name], !value.isEmpty {
                return value.lowercased().hasPrefix("ru") ? .ru : .en
            }
        }
        return .en
    }
}

/// Renders messages and codes in the clerk's language.
public struct Texts: Sendable {
    public let lang: Lang
    public init(_ lang: Lang) { self.lang = lang }

    public func render(_ message: Message) -> String {
        let template = Catalog.template(message.key, lang)
        return fill(template, message.args)
    }

    public func render(_ key: MessageKey, _ args: MessageArg...) -> String {
        render(Message(key, args))
    }

    func fill(_ template: String, _ args: [MessageArg]) -> String {
        var result = ""
        var chars = template.makeIterator()
        while let c = chars.next() {
            if c == "{" {
                var digits = ""
                var closed = false
                while let d = chars.next() {
                    if d == "}" { closed = true; break }
                    digits.append(d)
                }
                if closed, let n = Int(digits), n >= 1, n <= args.count {
                    result += arg(args[n - 1])
                } else {
                    result += "{" + digits + (closed ? "}" : "")
                }
            } else {
                result.append(c)
            }
        }
        return result
    }

    /// Text from outside (an argument, a file, a field) as it goes into a message: a message is
    /// one line, so line breaks, other control characters and bidirectional overrides (which
    /// could make a line read as something else) are shown escaped.
    public static func visible(_ text: String) -> String { UntrustedText.visible(text) }

    public func arg(_ arg: MessageArg) -> String {
        switch arg {
        case .text(let s): return Self.visible(s)
        case .int(let n): return Format.grouped(Int64(n))
        case .code(let domain, let code): return lang == .ru ? Labels.label(domain, code, .ru) : code
        case .entity(let e): return Catalog.noun(e, lang)
        case .seconds(let s): return Format.seconds(s, lang)
        }
    }

    public func label(_ domain: CodeDomain, _ code: String) -> String { Labels.label(domain, code, lang) }
    public func label<C: Code>(_ domain: CodeDomain, _ code: C) -> String { Labels.label(domain, code.rawValue, lang) }
}

/// Number and money formatting for people (machines get raw integers).
public enum Format {
    /// `1 204`, `-3 319`
    public static func grouped(_ n: Int64) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(" ") }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// A duration to a tenth: `12.3` (en) or `12,3` (ru).
    public static func seconds(_ s: Double, _ lang: Lang) -> String {
        let tenths = Int64((max(0, s) * 10).rounded())
        return grouped(tenths / 10) + (lang == .ru ? "," : ".") + String(tenths % 10)
    }

    /// A size in bytes: `125 B`, `12 KiB`, `40 MiB` (ru: `125 Б`, `12 КиБ`, `40 МиБ`).
    public static func bytes(_ n: Int64, _ lang: Lang) -> String {
        let (b, k, m) = lang == .ru ? ("Б", "КиБ", "МиБ") : ("B", "KiB", "MiB")
        if n < 10 * 1024 { return "\(grouped(n)) \(b)" }
        if n < 10 * 1024 * 1024 { return "\(grouped(n / 1024)) \(k)" }
        return "\(grouped(n / 1024 / 1024)) \(m)"
    }

    /// Kopecks as rubles: `-3 319,52` (ru) or `-3 319.52` (en).
    public static func money(_ kop: Int64, _ lang: Lang) -> String {
        let sign = kop < 0 ? "-" : ""
        let magnitude = kop.magnitude
        let rubles = grouped(Int64(magnitude / 100))
        let cents = magnitude % 100
        return sign + rubles + (lang == .ru ? "," : ".") + (cents < 10 ? "0" : "") + String(cents)
    }
}

extension String {
    /// Hex digits of an escape, zero-padded (`202E`, `0000`).
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
