/// A person's values as people write them, found in free text and replaced: the one place that
/// knows the spellings of a phone, an e-mail and a name. Erasure scrubs the free text of the
/// person's own rows with it (a ticket's conversation, an application's comment, a clerk's reason
/// on her audit rows), never anyone else's.
///
/// - a phone is her ten digits after +7 however they are written: `+79447503641`,
///   `8 (944) 750-36-41`, `+7 944 750 36 41`, `944.750.36.41` (separators between the digits,
///   the leading `+7`, `7` or `8` taken with them);
/// - an e-mail in any case, as a whole address;
/// - a name in any case (ё as е) as whole words: the name as given, and each of its words
///   (a double surname's parts too) with two letters or digits or more;
/// - a value that is neither (a login or address in a spelling of the portal's own) as a whole,
///   in any case.
public struct Traces: Sendable {
    /// The ten digits after +7 of each phone.
    private var phones: Set<String> = []
    /// Whole values (e-mails, names, odd logins) and the words of names, folded, longest first.
    private var needles: [[String]] = []
    /// The normal form of every contact: `+79447503641`, `ivan@mail.ru`.
    public private(set) var contacts: Set<String> = []

    public init() {}

    public var isEmpty: Bool { phones.isEmpty && needles.isEmpty }

    /// A login, e-mail or phone as it was stored or given.
    public mutating func add(contact raw: String) {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if let phone = Contact.phone(text) {
            contacts.insert(phone)
            phones.insert(String(phone.dropFirst(2)))
        } else if let email = Contact.email(text) {
            contacts.insert(email)
            addNeedle(email)
        } else {
            addNeedle(text)
        }
    }

    /// A person's name as it was stored or given.
    public mutating func add(name raw: String) {
        let words = raw.split(whereSeparator: \.isWhitespace)
        addNeedle(words.joined(separator: " "))
        for word in words {
            addNeedle(String(word))
            let parts = word.split(separator: "-")
            if parts.count > 1 { parts.forEach { addNeedle(String($0)) } }
        }
    }

    private mutating func addNeedle(_ text: String) {
        let folded = Self.folded(text)
        // an initial (`Е.`) or a lone sign names no one
        guard folded.filter({ $0.first.map(Self.isWordCharacter) ?? false }).count >= 2, !needles.contains(folded) else { return }
        needles.append(folded)
        needles.sort { $0.count > $1.count }
    }

    /// `text` with every trace replaced by `mark`.
    public func scrub(_ text: String, mark: String = Users.erasedMark) -> String {
        let characters = Array(text)
        var spans = phoneSpans(characters)
        let folded = characters.map(Self.folded)
        for needle in needles { spans += Self.spans(of: needle, in: folded) }
        guard !spans.isEmpty else { return text }
        // overlapping spans, and those only spaces apart (a name's words), become one mark
        spans.sort { $0.lowerBound < $1.lowerBound }
        var result = "", at = 0
        var merged: [Range<Int>] = []
        for span in spans {
            if let last = merged.last,
               span.lowerBound <= last.upperBound || characters[last.upperBound..<span.lowerBound].allSatisfy({ $0 == " " }) {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, span.upperBound)
            } else {
                merged.append(span)
            }
        }
        for span in merged {
            result += String(characters[at..<span.lowerBound]) + mark
            at = span.upperBound
        }
        return result + String(characters[at...])
    }

    public func scrub(_ text: String?, mark: String = Users.erasedMark) -> String? {
        text.map { scrub($0, mark: mark) }
    }

    // MARK: phones

    /// Characters that may stand between the digits of a phone as people write it.
    private static let separators: Set<Character> = [" ", "\u{00A0}", "-", "(", ")", ".", "\t"]

    private func phoneSpans(_ text: [Character]) -> [Range<Int>] {
        guard !phones.isEmpty else { return [] }
        var spans: [Range<Int>] = []
        var chain: [(digit: Character, at: Int)] = []
        func finish() {
            defer { chain.removeAll() }
            guard chain.count >= 10 else { return }
            let digits = String(chain.map(\.digit))
            for phone in phones {
                var from = digits.startIndex
                while let found = digits.range(of: phone, range: from..<digits.endIndex) {
                    let first = digits.distance(from: digits.startIndex, to: found.lowerBound)
                    var start = chain[first].at
                    // the country's 7 or 8 before, and the + before a 7
                    if first > 0, chain[first - 1].digit == "7" || chain[first - 1].digit == "8" {
                        start = chain[first - 1].at
                        if chain[first - 1].digit == "7", start > 0, text[start - 1] == "+" { start -= 1 }
                    }
                    spans.append(start..<(chain[first + 9].at + 1))
                    from = found.upperBound
                }
            }
        }
        var i = 0
        while i < text.count {
            let c = text[i]
            if c.isASCII, c.isNumber {
                chain.append((c, i))
            } else if !chain.isEmpty {
                // a few separators keep the chain going if a digit follows them
                var j = i
                while j < text.count, j - i < 3, Self.separators.contains(text[j]) { j += 1 }
                if j > i, j < text.count, text[j].isASCII, text[j].isNumber {
                    i = j
                    continue
                }
                finish()
            }
            i += 1
        }
        finish()
        return spans
    }

    // MARK: words

    /// Lower case for every script, ё as е; per character, so that positions stay those of the text.
    static func folded(_ c: Character) -> String {
        let lower = String(c).lowercased()
        return lower == "ё" ? "е" : lower
    }

    static func folded(_ text: String) -> [String] { text.map(folded) }

    static func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber }

    /// Where `needle` stands in `text` not as a piece of a longer word.
    static func spans(of needle: [String], in text: [String]) -> [Range<Int>] {
        guard needle.count <= text.count else { return [] }
        let wordStart = needle.first.flatMap(\.first).map(isWordCharacter) ?? false
        let wordEnd = needle.last.flatMap(\.last).map(isWordCharacter) ?? false
        var spans: [Range<Int>] = []
        var i = 0
        while i + needle.count <= text.count {
            if text[i] == needle[0], Array(text[i..<(i + needle.count)]) == needle {
                let end = i + needle.count
                let before = i > 0 && wordStart && (text[i - 1].last.map(isWordCharacter) ?? false)
                let after = end < text.count && wordEnd && (text[end].first.map(isWordCharacter) ?? false)
                if !before && !after {
                    spans.append(i..<end)
                    i = end
                    continue
                }
            }
            i += 1
        }
        return spans
    }
}
