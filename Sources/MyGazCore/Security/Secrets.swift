import CCrypt
import Foundation

/// Password, PIN and code hashing through libcrypt (yescrypt, `$y$`), and random secrets
/// from the system CSPRNG. Plain secrets never leave this file except to their one display.
public enum Secrets {
    /// How much work one hash is (docs/reliability.md): libcrypt's default for passwords, codes
    /// and issued PINs; a lighter one for the PINs printed on bills, which come 250 000 to a file.
    public enum Cost: Sendable {
        /// yescrypt N = 2^12, r = 32 (16 MiB): ~17 ms
        case standard
        /// yescrypt N = 2^7, r = 8 (128 KiB): ~0.2–0.3 ms; 10^8 guesses of an 8-digit PIN cost ~6–9 core-hours
        case billPIN
    }

    /// The `$y$…$` prefix every bill PIN hash starts with.
    public static let billPINParameters = "$y$j45$"

    /// A crypt(3) yescrypt hash of `secret` with a fresh random salt.
    public static func hash(_ secret: String, cost: Cost = .standard) throws -> String {
        var salt = [CChar](repeating: 0, count: 128)
        guard crypt_gensalt_rn("$y$", 0, nil, 0, &salt, Int32(salt.count)) != nil else {
            throw MyGazError(.internalError, .internalError, .text("crypt_gensalt_rn failed: \(String(cString: strerror(errno)))"))
        }
        var setting = String(cBuffer: salt)
        if cost == .billPIN, let salt = setting.split(separator: "$", omittingEmptySubsequences: true).last {
            // the parameters are the setting's own text: flags j, N = 2^(6 + 1), r = 8 (yescrypt's itoa64)
            setting = billPINParameters + salt
        }
        return try crypt(secret, setting: setting)
    }

    /// Checks `secret` against a stored crypt(3) hash, in constant time over the hash.
    public static func verify(_ secret: String, hash stored: String) -> Bool {
        guard let computed = try? crypt(secret, setting: stored) else { return false }
        let a = Array(computed.utf8), b = Array(stored.utf8)
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<a.count { difference |= a[i] ^ b[i] }
        return difference == 0
    }

    static func crypt(_ secret: String, setting: String) throws -> String {
        var output = [CChar](repeating: 0, count: 512)
        guard ccrypt_hash(secret, setting, &output, output.count) != nil else {
            throw MyGazError(.internalError, .internalError, .text("crypt_r refused the setting"))
        }
        defer { for i in output.indices { output[i] = 0 } }
        return String(cBuffer: output)
    }

    /// `count` random decimal digits (a PIN or a confirmation code).
    public static func digits(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
    }

    /// A valid portal password (5–10 Latin letters and digits): 10 characters with at least
    /// one letter and one digit, without the look-alikes 0/O, 1/l/I.
    public static func password() -> String {
        let letters = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ")
        let digits = Array("23456789")
        let all = letters + digits
        var generator = SystemRandomNumberGenerator()
        while true {
            let candidate = (0..<10).map { _ in all.randomElement(using: &generator)! }
            if candidate.contains(where: { digits.contains($0) }) && candidate.contains(where: { letters.contains($0) }) {
                return String(candidate)
            }
        }
    }

    /// A random token for claims and message ids.
    public static func token() -> String {
        var generator = SystemRandomNumberGenerator()
        return SHA256.lowerHex((0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
