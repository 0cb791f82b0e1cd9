import Foundation

/// Logins and contacts as the manuals define them: a Russian mobile number or an e-mail.
public enum Contact {
    /// A Russian phone number as people write it, its code as long as the Russian numbering plan
    /// makes it: a mobile or a city of seven-digit numbers `+7 (981) 567-65-22`, a regional centre
    /// `+7 (8172) 72-00-00`, a district town `+7 (81733) 2-12-34`; anything else (an RGK's own
    /// spelling, a foreign number) as it is. The one phone rule of every screen, letter and bill.
    public static func written(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.count == 12, bytes[0] == UInt8(ascii: "+"), bytes[1] == UInt8(ascii: "7"),
              bytes.dropFirst().allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return text }
        let d = String(bytes.dropFirst(2).map { Character(UnicodeScalar($0)) })
        let code = codeLength(d)
        let local = Array(d.dropFirst(code))
        let groups: [Int] = switch local.count { case 7: [3, 2, 2]; case 6: [2, 2, 2]; default: [1, 2, 2] }
        var pieces: [String] = []
        var at = 0
        for g in groups { pieces.append(String(local[at..<at + g])); at += g }
        return "+7 (\(d.prefix(code))) " + pieces.joined(separator: "-")
    }

    /// Cities whose numbers have seven digits after a three-digit code (Moscow, St Petersburg, the
    /// millionaire cities); `800` is the free-call code.
    static let threeDigitCodes: Set<String> = [
        "495", "498", "499", "812", "343", "383", "831", "846", "843", "863", "351", "347", "342", "391", "473", "844", "861", "862", "800",
    ]
    /// Where district towns have five-digit codes (and five-digit numbers) in the regions the
    /// portal serves: Vologda's 817X (Сокол 81733, Великий Устюг 81738; the city itself is 8172),
    /// Yaroslavl's 4853X–4854X (Углич 48532; Рыбинск is 4855), Kostroma's 4943X–4945X (Буй 49435).
    /// A geographic code elsewhere is a regional centre's four digits, as most are.
    static let fiveDigitPrefixes = ["8173", "8174", "8175", "8176", "4853", "4854", "4943", "4944", "4945"]

    /// How many of the ten national digits are the code: three for a mobile (9XX), a non-geographic
    /// or Kazakh (7XX) number and the cities of seven-digit numbers; five for a district
    /// town of the regions served; four for any other geographic number (3XX, 4XX, 8XX).
    static func codeLength(_ national: String) -> Int {
        guard let first = national.first, "348".contains(first) else { return 3 }
        if threeDigitCodes.contains(String(national.prefix(3))) { return 3 }
        if fiveDigitPrefixes.contains(String(national.prefix(4))) { return 5 }
        return 4
    }

    /// `+7 (981) 567-65-22`, `89815676522`, `79815676522`, `9815676522` → `+79815676522`;
    /// nil unless it is a Russian mobile number (manual 003: "the last 10 digits, without 8 and +7").
    public static func phone(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { phone(utf8: $0) }
    }

    /// The same rule over UTF-8 bytes (an import's cells): spaces, tabs and line breaks around
    /// it; digits, spaces, NO-BREAK SPACEs, `( ) - .` and one leading `+` within.
    public static func phone<Bytes: BidirectionalCollection<UInt8>>(utf8 bytes: Bytes) -> String? {
        func isEdgeSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 10 || b == 13 || b == 11 || b == 12 }
        var digits: [UInt8] = []
        digits.reserveCapacity(11)
        var plus = false, any = false
        var i = bytes.startIndex, end = bytes.endIndex
        while i != end, isEdgeSpace(bytes[i]) { bytes.formIndex(after: &i) }
        while end != i, isEdgeSpace(bytes[bytes.index(before: end)]) { bytes.formIndex(before: &end) }
        while i != end {
            let b = bytes[i]
            bytes.formIndex(after: &i)
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                guard digits.count < 11 else { return nil }
                digits.append(b)
            case UInt8(ascii: "+"):
                guard !any else { return nil }
                plus = true
            case UInt8(ascii: " "), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "-"), UInt8(ascii: "."):
                break
            case 0xC2 where i != end && bytes[i] == 0xA0:
                bytes.formIndex(after: &i)
            default:
                return nil
            }
            any = true
        }
        if plus {
            guard digits.count == 11, digits[0] == UInt8(ascii: "7") else { return nil }
            digits.removeFirst()
        } else if digits.count == 11 && (digits[0] == UInt8(ascii: "8") || digits[0] == UInt8(ascii: "7")) {
            digits.removeFirst()
        }
        guard digits.count == 10, digits[0] == UInt8(ascii: "9") else { return nil }
        return "+7" + String(decoding: digits, as: UTF8.self)
    }

    /// Trimmed and lower-cased; nil unless it is an address mail can go to (see `isAddrSpec`).
    public static func email(_ text: String) -> String? {
        let e = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        return isAddrSpec(e) ? e : nil
    }

    /// An RFC 5322 addr-spec of the plain kind every mail system takes: a dot-atom local part of
    /// letters, digits and `. _ % + - '` (at most 64 bytes), `@`, and a domain of at least two
    /// labels of ASCII letters, digits and inner hyphens (IDN in its xn-- form). Judged byte by
    /// byte, so no control, space, line break, comma, angle bracket or quote can hide in it — an
    /// address is the `To:` header line sendmail -t reads its recipient from.
    public static func isAddrSpec(_ address: String) -> Bool {
        let bytes = Array(address.utf8)
        guard bytes.count <= 254, let at = bytes.firstIndex(of: UInt8(ascii: "@")) else { return false }
        let local = bytes[..<at], domain = bytes[(at + 1)...]
        func isLetterOrDigit(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) }
        guard (1...64).contains(local.count), local.first != UInt8(ascii: "."), local.last != UInt8(ascii: "."),
              local.allSatisfy({ isLetterOrDigit($0) || "._%+-'".utf8.contains($0) }),
              !zip(local, local.dropFirst()).contains(where: { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") }) else { return false }
        let labels = domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 2, domain.count <= 253 else { return false }
        for label in labels {
            guard (1...63).contains(label.count), label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                  label.allSatisfy({ isLetterOrDigit($0) || $0 == UInt8(ascii: "-") }) else { return false }
        }
        return labels.last!.contains { !($0 >= 0x30 && $0 <= 0x39) }
    }

    /// Where a message to a customer may go on `channel`: a valid address or a Russian mobile,
    /// normalised; nil for anything else.
    public static func recipient(_ text: String, channel: MessageChannel) -> String? {
        channel == .email ? email(text) : phone(text)
    }

    /// An e-mail given by a clerk, normalised; exit 6 naming it when it is not an address.
    public static func validEmail(_ text: String?) throws -> String? {
        try text.map { text in
            guard let e = email(text) else { throw MyGazError.invalid(.badEmail, .text(text)) }
            return e
        }
    }

    /// A phone given by a clerk, normalised; exit 6 naming it when it is not a Russian mobile.
    public static func validPhone(_ text: String?) throws -> String? {
        try text.map { text in
            guard let p = phone(text) else { throw MyGazError.invalid(.badPhone, .text(text)) }
            return p
        }
    }

    /// A portal login: a phone or an e-mail, normalised.
    public static func login(_ text: String) -> (login: String, kind: LoginKind)? {
        if let p = phone(text) { return (p, .phone) }
        if let e = email(text) { return (e, .email) }
        return nil
    }

    /// Passwords: 5–10 Latin letters or digits (manuals 001, 002, 004).
    public static func isValidPassword(_ password: String) -> Bool {
        (5...10).contains(password.count) && password.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    /// `023-185952` → `23185952` (manual 004): the digits, without leading zeros.
    public static func accountNumber(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.allSatisfy({ $0.isASCIIDigit || $0 == "-" || $0 == " " || $0 == "/" || $0 == "." }) else { return nil }
        let digits = trimmed.filter(\.isASCIIDigit).drop { $0 == "0" }
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        return String(digits)
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
