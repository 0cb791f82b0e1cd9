import Foundation

/// Logins and contacts as the manuals define them: a Russian mobile number or an e-mail.
public enum Contact {
    /// `+7 (981) 567-65-22`, `89815676522`, `79815676522`, `9815676522` → `+79815676522`;
    /// nil unless it is a Russian mobile number (manual 003: "the last 10 digits, without 8 and +7").
    public static func phone(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        let allowed = Set("+0123456789 ()-.\u{00A0}")
        guard trimmed.allSatisfy({ allowed.contains($0) }) else { return nil }
        guard trimmed.filter({ $0 == "+" }).count <= 1, !trimmed.contains("+") || trimmed.hasPrefix("+") else { return nil }
        var digits = trimmed.filter(\.isASCIIDigit)
        if trimmed.hasPrefix("+") {
            guard digits.hasPrefix("7"), digits.count == 11 else { return nil }
            digits.removeFirst()
        } else if digits.count == 11 && (digits.hasPrefix("8") || digits.hasPrefix("7")) {
            digits.removeFirst()
        }
        guard digits.count == 10, digits.hasPrefix("9") else { return nil }
        return "+7" + digits
    }

    /// Trimmed and lower-cased; nil unless it looks like an address (one @, a dotted domain, no spaces).
    public static func email(_ text: String) -> String? {
        let e = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard e.count <= 254, !e.contains(where: { $0.isWhitespace || $0 == "," || $0 == ";" || $0 == "<" || $0 == ">" }) else { return nil }
        let parts = e.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return nil }
        let domain = parts[1]
        guard domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..") else { return nil }
        return e
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
