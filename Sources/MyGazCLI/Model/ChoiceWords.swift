import MyGazCore

/// What a person may type for an option's fixed choice besides its code (issue 41): the code's
/// label in either language (`--status принято`, `--reason превышает м…`), a unique beginning of
/// one (or of a word in one: `--state обраб`), and the words of yes/no and «all». The one place: the parser turns such a value into its
/// code before any handler sees it, and the completions offer the Russian words.
public struct ChoiceWords: Sendable {
    /// Each choice's words besides itself, folded (lower case, ё as е).
    public let words: [String: [String]]
    /// The order of the choices, for messages and completions.
    let choices: [String]
    /// The stored codes' domain the choices belong to, if they are codes.
    public let domain: CodeDomain?

    /// The words of choices that are no stored code.
    static let common: [String: [L]] = [
        "all": [L("all", "все"), L("all", "всё")],
        "open": [L("open", "открытые")],
        "on": [L("yes", "да"), L("on", "вкл")],
        "off": [L("no", "нет"), L("off", "выкл")],
    ]

    public init(_ choices: [String]) {
        self.choices = choices
        // the codes' domain: the smallest one that holds every choice that is a code
        let coded = choices.filter { Self.common[$0] == nil }
        let domain = coded.isEmpty ? nil : CodeDomain.allCases
            .filter { Set($0.codes).isSuperset(of: coded) }
            .min { $0.codes.count < $1.codes.count }
        self.domain = domain
        var words: [String: [String]] = [:]
        for choice in choices {
            var labels = Self.common[choice] ?? []
            if let domain, domain.codes.contains(choice) {
                labels.append(L(Labels.label(domain, choice, .en), Labels.label(domain, choice, .ru)))
            }
            let folded = labels.flatMap { [$0.en, $0.ru] }.map(Self.fold).filter { !$0.isEmpty && $0 != choice }
            words[choice] = folded.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        }
        self.words = words
    }

    public enum Resolution: Equatable, Sendable {
        case code(String)
        /// Several choices begin so: the person types more of it.
        case ambiguous([String])
        case unknown
    }

    /// The code a typed value means: the code itself, a whole label, or the beginning of exactly
    /// one choice's label («превышает м» — «…» and a trailing dot are the typist's, not the label's).
    public func resolve(_ typed: String) -> Resolution {
        if choices.contains(typed) { return .code(typed) }
        var value = Self.fold(typed)
        while let last = value.last, last == "…" || last == "." { value.removeLast() }
        value = Self.fold(value)
        guard !value.isEmpty else { return .unknown }
        if choices.contains(value) { return .code(value) }
        let whole = choices.filter { words[$0, default: []].contains(value) }
        if whole.count == 1 { return .code(whole[0]) }
        guard value.count >= 2 else { return .unknown }
        // the beginning of a label, else of a word in it («обраб» for «в обработке»)
        var begun = choices.filter { words[$0, default: []].contains { $0.hasPrefix(value) } }
        if begun.isEmpty {
            begun = choices.filter { words[$0, default: []].contains { $0.split(separator: " ").contains { $0.hasPrefix(value) } } }
        }
        switch begun.count {
        case 0: return .unknown
        case 1: return .code(begun[0])
        default: return .ambiguous(begun)
        }
    }

    /// The Russian words a shell offers beside the codes: a one-word label as it is, else the
    /// first word of three letters or more in the label that alone names the choice (a shell word
    /// has no spaces: «требует» for «Требует уточнения», «согласована» for «Не согласована»).
    public var completions: [String] {
        var offered: [String] = []
        for choice in choices {
            for label in words[choice, default: []] where label.unicodeScalars.contains(where: { (0x400...0x4FF).contains($0.value) }) {
                let parts = label.split(separator: " ").map(String.init)
                let word = parts.count == 1 ? label : parts.first { $0.count >= 3 && resolve($0) == .code(choice) }
                if let word, !offered.contains(word) { offered.append(word) }
            }
        }
        return offered
    }

    static func fold(_ text: String) -> String {
        Database.fold(text).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
