import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A keyed digest of a bill PIN (HMAC-SHA-256 of the account and the PIN), kept beside its
/// yescrypt hash so that a re-import knows an unchanged PIN without hashing it again. The key
/// lives in a file beside the database (`<database>.pin-key`), never in it: a copy of the
/// database alone (a backup, a stolen file) gives no shortcut past the hashes. Each digest
/// names its key, so a digest made with another key is simply not used (docs/reliability.md).
public struct PinDigestKey: Sendable {
    /// the hash states after the key's inner and outer pads: each digest starts from them
    let inner: SHA256, outer: SHA256
    /// the first 8 hex digits of the key's own SHA-256: which key made a digest
    public let id: String

    init(key: [UInt8]) {
        id = String(SHA256.hex(Array("mygaz pin key".utf8) + key).prefix(8))
        (inner, outer) = Self.pads(key)
    }

    /// RFC 2104's two padded keys, hashed once (a key of at most 64 bytes).
    static func pads(_ key: [UInt8]) -> (SHA256, SHA256) {
        let block = key + [UInt8](repeating: 0, count: max(0, 64 - key.count))
        var inner = SHA256(), outer = SHA256()
        inner.update(block.map { $0 ^ 0x36 })
        outer.update(block.map { $0 ^ 0x5c })
        return (inner, outer)
    }

    public static func path(database: String) -> String { database + ".pin-key" }

    /// The key of `database`, made on first use when `create` (readable like the database:
    /// its owner and group); nil when there is none and none can be made here.
    public static func load(database: String, create: Bool) throws -> PinDigestKey? {
        let path = path(database: database)
        if let key = try read(path) { return key }
        guard create else { return nil }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let text = SHA256.lowerHex(bytes) + "\n"
        // written whole under a name of its own, then linked into place: a second importer
        // starting at the same moment either wins the link or reads the winner's key
        let temporary = path + ".tmp-\(getpid())"
        unlink(temporary)
        guard let fd = try? PrivateFiles.create(temporary, mode: 0o640) else { return nil }
        var info = stat()
        if stat(database, &info) == 0 { _ = fchown(fd, uid_t.max, info.st_gid) }
        defer { close(fd); unlink(temporary) }
        try Array(text.utf8).withUnsafeBytes { try PrivateFiles.write(fd, $0, path: temporary) }
        guard fsync(fd) == 0 else { return nil }
        if link(temporary, path) != 0 && errno != EEXIST { return nil }
        return try read(path)
    }

    private static func read(_ path: String) throws -> PinDigestKey? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw MyGazError(.database, .pinKeyUnreadable, .text(path), .text(String(cString: strerror(errno))))
        }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = Glibc.read(fd, &buffer, buffer.count)
        let text = n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
        guard text.utf8.count == 64, let key = hexBytes(text) else {
            throw MyGazError(.database, .pinKeyUnreadable, .text(path), .text("not 64 hexadecimal digits"))
        }
        return PinDigestKey(key: key)
    }

    private static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var i = 0
        while i + 1 < digits.count {
            guard let high = UInt8(String(UnicodeScalar(digits[i])), radix: 16), let low = UInt8(String(UnicodeScalar(digits[i + 1])), radix: 16) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }

    /// `<key id>$<HMAC-SHA-256(key, "account:pin") in hex>`: 73 characters.
    public func digest(account: Int64, pin: String) -> String {
        id + "$" + SHA256.lowerHex(Self.hmac(inner, outer, Array("\(account):\(pin)".utf8)))
    }

    static func hmac(_ inner: SHA256, _ outer: SHA256, _ message: [UInt8]) -> [UInt8] {
        var i = inner, o = outer
        i.update(message)
        o.update(i.finish())
        return o.finish()
    }
}
