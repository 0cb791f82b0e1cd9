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

/// The one rule of a yes/no question, for every prompt (commands, bulk decisions, the review
/// screens): «[д/Н]» on a Russian screen, «[y/N]» on an English one; either language's yes is yes,
/// anything else (Enter too) is no.
public enum YesNo {
    public static func suffix(_ lang: Lang) -> String { lang == .ru ? " [д/Н] " : " [y/N] " }

    public static func isYes(_ answer: String) -> Bool {
        ["y", "yes", "д", "да"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
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
                let parts = digits.split(separator: "|", omittingEmptySubsequences: false)
                if closed, parts.count > 1, let n = Int(parts[0]), n >= 1, n <= args.count {
                    // `{2|счет|счета|счетов}`: the number and the noun in the form the number asks for
                    result += counted(args[n - 1], parts.dropFirst().map(String.init))
                } else if closed, let n = Int(digits), n >= 1, n <= args.count {
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

    /// A label inside a sentence: «Принята» reads «принята», «В обработке» «в обработке», while
    /// «ТО ВДГО», «SMS» and «ПИН-код» (an abbreviation) stay as written.
    static func inSentence(_ label: String, _ domain: CodeDomain) -> String {
        // the names of services are names: «через Яндекс»
        guard domain != .identityProvider else { return label }
        let letters = Array(label)
        guard letters.count > 1, letters[0].isUppercase, !letters[1].isUppercase else { return label }
        return letters[0].lowercased() + String(letters.dropFirst())
    }

    /// A number with its noun: `1 счет`, `3 счета`, `5 счетов` (one/few/many in Russian, one/other in English).
    func counted(_ value: MessageArg, _ forms: [String]) -> String {
        guard case .int(let n) = value else { return arg(value) + " " + (forms.last ?? "") }
        return arg(value) + " " + Plural.choose(Int64(n), forms, russian: lang == .ru)
    }

    /// Text from outside (an argument, a file, a field) as it goes into a message: a message is
    /// one line, so line breaks, other control characters and bidirectional overrides (which
    /// could make a line read as something else) are shown escaped.
    public static func visible(_ text: String) -> String { UntrustedText.visible(text) }

    public func arg(_ arg: MessageArg) -> String {
        switch arg {
        case .text(let s): return Self.visible(s)
        case .int(let n): return Format.grouped(Int64(n), lang)
        case .code(let domain, let code): return Self.inSentence(label(domain, code), domain)
        case .entity(let e): return Catalog.noun(e, lang)
        case .seconds(let s): return Format.seconds(s, lang)
        case .codes(let domain, let codes):
            return codes.map { Self.inSentence(label(domain, $0), domain) }.joined(separator: lang == .ru ? " или " : " or ")
        case .allOf(let domain, let codes):
            return codes.map { Self.inSentence(label(domain, $0), domain) }.joined(separator: "; ")
        case .message(let message): return render(message)
        }
    }

    public func label(_ domain: CodeDomain, _ code: String) -> String { Labels.label(domain, code, lang) }
    public func label<C: Code>(_ domain: CodeDomain, _ code: C) -> String { Labels.label(domain, code.rawValue, lang) }
}

/// Numbers, sizes, durations and phones for people, in the reader's language
/// (machines get raw integers and ISO text).
public enum Format {
    /// Russian groups thousands with a no-break space, English with a comma: `15 365` / `15,365`.
    public static func groupSeparator(_ lang: Lang) -> String { lang == .ru ? "\u{00A0}" : "," }
    public static func decimalSeparator(_ lang: Lang) -> String { lang == .ru ? "," : "." }

    /// `1 204`, `-3 319` (ru, no-break space) or `1,204` (en).
    public static func grouped(_ n: Int64, _ lang: Lang) -> String {
        let digits = String(n.magnitude)
        let separator = groupSeparator(lang)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += separator }
            out.append(c)
        }
        return (n < 0 ? "-" : "") + out
    }

    /// A fixed-point number: `65,6` (ru) or `65.6` (en); whole numbers without a fraction.
    public static func decimal(_ d: Double, _ lang: Lang, fractionDigits: Int = 2) -> String {
        guard d.isFinite else { return String(d) }
        var scale: Int64 = 1
        for _ in 0..<fractionDigits { scale *= 10 }
        let scaled = Int64((d.magnitude * Double(scale)).rounded())
        var fraction = String(scaled % scale).leftPadded(to: fractionDigits)
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let sign = d < 0 && scaled != 0 ? "-" : ""
        return sign + grouped(scaled / scale, lang) + (fraction.isEmpty ? "" : decimalSeparator(lang) + fraction)
    }

    /// A duration to a tenth: `12.3` (en) or `12,3` (ru).
    public static func seconds(_ s: Double, _ lang: Lang) -> String {
        let tenths = Int64((max(0, s) * 10).rounded())
        return grouped(tenths / 10, lang) + decimalSeparator(lang) + String(tenths % 10)
    }

    /// A size in bytes: `125 B`, `12 KiB`, `40 MiB` (ru: `125 Б`, `12 КиБ`, `40 МиБ`).
    public static func bytes(_ n: Int64, _ lang: Lang) -> String {
        let (b, k, m) = lang == .ru ? ("Б", "КиБ", "МиБ") : ("B", "KiB", "MiB")
        if n < 10 * 1024 { return "\(grouped(n, lang)) \(b)" }
        if n < 10 * 1024 * 1024 { return "\(grouped(n / 1024, lang)) \(k)" }
        return "\(grouped(n / 1024 / 1024, lang)) \(m)"
    }

    /// Kopecks as rubles: `-3 319,52` (ru) or `-3,319.52` (en).
    public static func money(_ kop: Int64, _ lang: Lang) -> String {
        let sign = kop < 0 ? "-" : ""
        let magnitude = kop.magnitude
        let rubles = grouped(Int64(magnitude / 100), lang)
        let cents = magnitude % 100
        return sign + rubles + decimalSeparator(lang) + (cents < 10 ? "0" : "") + String(cents)
    }

    /// The age of an item in a queue: `25 min`, `22 h`, `5 d` (ru: `25 мин`, `22 ч`, `5 дн`).
    public static func age(seconds: Int64, _ lang: Lang) -> String {
        let (minutes, hours, days) = lang == .ru ? ("мин", "ч", "дн") : ("min", "h", "d")
        if seconds < 3600 { return "\(max(0, seconds / 60)) \(minutes)" }
        if seconds < 86_400 { return "\(seconds / 3600) \(hours)" }
        return "\(grouped(seconds / 86_400, lang)) \(days)"
    }

    /// A Russian phone number as people write it: `+7 (981) 567-65-22`; anything else as it is.
    public static func phone(_ text: String) -> String { Contact.written(text) }

    /// A month: `2026-11` (en) or `11.2026` (ru, as the bills write it).
    public static func period(_ iso: String, _ lang: Lang) -> String {
        let parts = iso.split(separator: "-")
        guard lang == .ru, parts.count == 2 else { return iso }
        return "\(parts[1]).\(parts[0])"
    }

    /// A login for people: a phone login in the written form, an e-mail as it is.
    public static func login(_ text: String) -> String { phone(text) }
}

extension String {
    /// Hex digits of an escape, zero-padded (`202E`, `0000`).
    func leftPadded(to width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
