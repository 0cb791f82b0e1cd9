import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The programs mygaz-admin runs (`mail.sendmail`, `sms.command`, `print.command`) are never
/// taken from the shared database, which every member of its group can write with `sqlite3`:
/// a clerk could plant a command there that the next `outbox send` from root's cron would run.
/// They come from an option, the environment, or this file — `/etc/mygaz-admin.conf`
/// (`MYGAZ_CONFIG` names another) — read only when it is a regular file that root or the
/// running login owns and nobody else may change, in a directory nobody else may change (as
/// OpenSSH's StrictModes and sudo check theirs). `key = value` lines, `#` comments.
public struct ConfigFile: Sendable {
    public static let defaultPath = "/etc/mygaz-admin.conf"
    public static let pathVariable = "MYGAZ_CONFIG"
    /// More than this is not a configuration file.
    static let maxBytes = 65_536

    public let path: String
    public let values: [SettingKey: String]

    /// The file to read: `MYGAZ_CONFIG` when set and not empty, else /etc/mygaz-admin.conf.
    public static func path(_ environment: [String: String]) -> String {
        environment[pathVariable].flatMap { $0.isEmpty ? nil : $0 } ?? defaultPath
    }

    /// The file at `path`, or nil when there is none. Refused (exit 7) when anyone but root or
    /// this login owns it or its directory, or may change either, or when it is a link or not a
    /// regular file; a line that is not `key = value` of a command setting is exit 6 naming it.
    public static func load(_ path: String) throws -> ConfigFile? {
        guard let bytes = try readTrusted(path, maxBytes: maxBytes) else { return nil }
        guard let text = String(bytes: bytes, encoding: .utf8) else { throw MyGazError(.invalidData, .configFileNotText, .text(path)) }
        return ConfigFile(path: path, values: try parse(text, path: path))
    }

    /// The bytes of a file mygaz-admin trusts (this file, a password file, a CA file), or nil when
    /// there is none: a regular file (never followed through a link) that root or this login owns
    /// and nobody else may change, in a directory of the same kind (exit 7 otherwise, `unsafe`
    /// naming the file). `secret`: others may not read it either (its group may). More than
    /// `maxBytes` is exit 6.
    public static func readTrusted(_ path: String, maxBytes: Int, secret: Bool = false,
                                   unsafe: MessageKey = .configFileUnsafe) throws -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            let failure = errno
            switch failure {
            case ENOENT: return nil
            case ELOOP: throw MyGazError(.permission, .configFileNotRegular, .text(path))
            case EACCES: throw MyGazError(.permission, .configFileUnreadable, .text(path), .text(String(cString: strerror(failure))))
            default: throw MyGazError(.database, .configFileUnreadable, .text(path), .text(String(cString: strerror(failure))))
            }
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else {
            throw MyGazError(.database, .configFileUnreadable, .text(path), .text(String(cString: strerror(errno))))
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw MyGazError(.permission, .configFileNotRegular, .text(path)) }
        try trusted(info, path: path, refusal: unsafe, shown: path, secret: secret)
        // its directory: whoever may rename or replace entries in it could put another file there
        let directory = (path as NSString).deletingLastPathComponent
        var dirInfo = stat()
        guard stat(directory.isEmpty ? "." : directory, &dirInfo) == 0 else {
            throw MyGazError(.database, .configFileUnreadable, .text(directory), .text(String(cString: strerror(errno))))
        }
        try trusted(dirInfo, path: path, refusal: .configDirectoryUnsafe, shown: directory.isEmpty ? "." : directory)

        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw MyGazError(.database, .configFileUnreadable, .text(path), .text(String(cString: strerror(errno))))
            }
            if n == 0 { break }
            bytes += buffer[0..<n]
            if bytes.count > maxBytes { throw MyGazError(.invalidData, .configFileNotText, .text(path)) }
        }
        return bytes
    }

    /// Owned by root or the running login, and writable by nobody else (exit 7 otherwise);
    /// `secret`: not readable by others either.
    static func trusted(_ info: stat, path: String, refusal: MessageKey, shown: String, secret: Bool = false) throws {
        let owner = info.st_uid
        guard owner == 0 || owner == geteuid() else {
            throw MyGazError(.permission, refusal, .text(path), .text(shown), .text(loginName(owner)), .text(mode(info.st_mode)))
        }
        guard info.st_mode & (S_IWGRP | S_IWOTH) == 0, !secret || info.st_mode & S_IRWXO == 0 else {
            throw MyGazError(.permission, refusal, .text(path), .text(shown), .text(loginName(owner)), .text(mode(info.st_mode)))
        }
    }

    static func loginName(_ uid: uid_t) -> String {
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else { return "uid \(uid)" }
        return String(cString: name)
    }

    static func mode(_ mode: mode_t) -> String {
        let octal = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - octal.count)) + octal
    }

    /// `key = value` lines; blank lines and `#` comments skipped. Only the command settings
    /// live here; each once.
    static func parse(_ text: String, path: String) throws -> [SettingKey: String] {
        var values: [SettingKey: String] = [:]
        var firstLine: [SettingKey: Int] = [:]
        // "\r\n" is one Character: split on it as on "\n"
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let number = index + 1
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let equals = trimmed.firstIndex(of: "=") else {
                throw MyGazError(.invalidData, .configFileBadLine, .text(path), .int(number), .text(UntrustedText.visible(trimmed)))
            }
            let name = trimmed[..<equals].trimmingCharacters(in: .whitespaces)
            let value = trimmed[trimmed.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard let key = SettingKey(rawValue: name), key.isCommand else {
                throw MyGazError(.invalidData, .configFileUnknownKey, .text(path), .int(number), .text(UntrustedText.visible(name)))
            }
            if let first = firstLine[key] {
                throw MyGazError(.invalidData, .configFileTwice, .text(path), .int(number), .text(name), .int(first))
            }
            guard !value.isEmpty, !value.unicodeScalars.contains(where: UntrustedText.needsEscape) else {
                throw MyGazError(.invalidData, .configFileBadValue, .text(path), .int(number), .text(name))
            }
            values[key] = value
            firstLine[key] = number
        }
        return values
    }
}
