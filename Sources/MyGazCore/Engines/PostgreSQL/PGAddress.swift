import CLibpq
import Foundation

/// A PostgreSQL address as a person gives it: a URI (`postgresql://user@host/db`,
/// `postgresql:///mygaz?host=/run/postgresql`) or a conninfo (`host=/tmp dbname=mygaz`). The
/// password belongs in `PGPASSWORD`, `~/.pgpass` or nowhere (peer authentication); where one is
/// written into the address anyway, every message shows the address with it masked.
public enum PGAddress {
    /// What stands for a password in anything shown.
    public static let mask = "***"

    /// Whether `text` names a PostgreSQL database rather than a SQLite file: a `postgresql://` or
    /// `postgres://` URI, or a conninfo libpq reads (key=value pairs of its own keywords; a file
    /// name with a `=` in it is not one).
    public static func isPostgreSQL(_ text: String) -> Bool {
        if uriPrefixLength(text) > 0 { return true }
        guard text.contains("=") else { return false }
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(text, &error) else {
            PQfreemem(error)
            return false
        }
        PQconninfoFree(options)
        return true
    }

    /// Whether the address carries a password of its own (visible to other users in `ps` when
    /// it came from argv).
    public static func hasPassword(_ text: String) -> Bool { masked(text) != text }

    /// `text` with every password in it replaced by `***`: the URI's `user:password@`, a
    /// `password=` query parameter or conninfo pair, and those of an address nested in a value.
    /// Where the text cannot be read, everything from the first "password" on is masked.
    public static func masked(_ text: String) -> String {
        let prefix = uriPrefixLength(text)
        return prefix > 0 ? maskedURI(text, prefix: prefix) : maskedConninfo(text)
    }

    /// The length of a `postgresql://` or `postgres://` prefix, in any case; 0 without one.
    static func uriPrefixLength(_ text: String) -> Int {
        let lower = text.prefix(13).lowercased()
        if lower.hasPrefix("postgresql://") { return 13 }
        if lower.hasPrefix("postgres://") { return 11 }
        return 0
    }

    private static func maskedURI(_ text: String, prefix: Int) -> String {
        let chars = Array(text)
        var out = String(chars[..<prefix])
        var rest = Array(chars[prefix...])
        // the query string: everything after the first '?' (a '#' is not special to libpq)
        var query: [Character]?
        if let q = rest.firstIndex(of: "?") {
            query = Array(rest[(q + 1)...])
            rest = Array(rest[..<q])
        }
        // user:password@ ends at the LAST '@' before the query: a password may hold '@' or '/'
        // that its writer forgot to escape, and showing any of it would be worse than hiding a
        // little of the host
        if let at = rest.lastIndex(of: "@") {
            let userinfo = rest[..<at]
            if let colon = userinfo.firstIndex(of: ":") {
                out += String(userinfo[..<colon]) + ":" + mask
            } else {
                out += String(userinfo)
            }
            out += String(rest[at...])
        } else {
            out += String(rest)
        }
        if let query {
            let pairs = String(query).split(separator: "&", omittingEmptySubsequences: false).map { pair -> String in
                guard let eq = pair.firstIndex(of: "=") else { return String(pair) }
                let key = String(pair[..<eq])
                let value = String(pair[pair.index(after: eq)...])
                if isPasswordKey(percentDecoded(key)) { return key + "=" + mask }
                return key + "=" + maskedNested(value, percentEncoded: true)
            }
            out += "?" + pairs.joined(separator: "&")
        }
        return out
    }

    /// A value that is itself an address (libpq reads a nested one in `dbname`): masked too.
    private static func maskedNested(_ value: String, percentEncoded: Bool) -> String {
        let plain = percentEncoded ? percentDecoded(value) : value
        guard uriPrefixLength(plain) > 0 || plain.contains("=") else { return value }
        let masked = masked(plain)
        if masked == plain { return value }
        return masked
    }

    private static func isPasswordKey(_ key: String) -> Bool {
        key.trimmingCharacters(in: .whitespaces).lowercased() == "password"
    }

    /// `%40` → `@`; a broken escape stays as written.
    static func percentDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        let utf8 = Array(text.utf8)
        var i = 0
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "%"), i + 2 < utf8.count,
               let byte = UInt8(String(decoding: utf8[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                bytes.append(byte)
                i += 3
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A conninfo's pairs as libpq reads them: `key = value`, the value bare (a backslash escapes
    /// the next character) or in single quotes (the same escapes).
    private static func maskedConninfo(_ text: String) -> String {
        let chars = Array(text)
        var out = ""
        var i = 0
        func isSpace(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0B}" || c == "\u{0C}" }
        /// Everything from the token at `start` on is masked: the text could not be read.
        func giveUp(_ start: Int) -> String {
            let tail = String(chars[start...])
            guard let found = tail.range(of: "password", options: .caseInsensitive) else { return out + tail }
            return out + String(tail[..<found.lowerBound]) + "password=" + mask
        }
        while i < chars.count {
            let tokenStart = i
            while i < chars.count, isSpace(chars[i]) { i += 1 }
            out += String(chars[tokenStart..<i])
            if i == chars.count { break }
            let keyStart = i
            while i < chars.count, chars[i] != "=", !isSpace(chars[i]) { i += 1 }
            let key = String(chars[keyStart..<i])
            while i < chars.count, isSpace(chars[i]) { i += 1 }
            guard i < chars.count, chars[i] == "=" else { return giveUp(keyStart) }
            i += 1
            while i < chars.count, isSpace(chars[i]) { i += 1 }
            let valueStart = i
            var value = ""
            if i < chars.count, chars[i] == "'" {
                i += 1
                var closed = false
                while i < chars.count {
                    if chars[i] == "\\" {
                        i += 1
                        if i < chars.count { value.append(chars[i]); i += 1 }
                    } else if chars[i] == "'" {
                        i += 1
                        closed = true
                        break
                    } else {
                        value.append(chars[i])
                        i += 1
                    }
                }
                guard closed else { return giveUp(keyStart) }
            } else {
                while i < chars.count, !isSpace(chars[i]) {
                    if chars[i] == "\\" {
                        i += 1
                        if i < chars.count { value.append(chars[i]); i += 1 }
                    } else {
                        value.append(chars[i])
                        i += 1
                    }
                }
            }
            let written = String(chars[keyStart..<valueStart])
            if isPasswordKey(key) {
                out += written + mask
            } else {
                let nested = maskedNested(value, percentEncoded: false)
                out += written + (nested == value ? String(chars[valueStart..<i]) : "'" + nested + "'")
            }
        }
        return out
    }
}
