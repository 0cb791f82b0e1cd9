import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Files that hold customers' data or secrets: created new (never through a link an attacker
/// planted, never over a file that is there), readable only by whom the database is readable by,
/// from their first byte.
public enum PrivateFiles {
    /// A new directory under $TMPDIR (else /tmp) that only this login may enter: whatever is
    /// written inside is private from the moment it exists, whatever the umask.
    /// Its name carries the PID, so that one left by a killed run is known and removed by the next.
    public static func temporaryDirectory(_ prefix: String) throws -> String {
        let base = temporaryBase
        removeStale(prefix, in: base)
        var template = Array((base + "/" + prefix + "-\(getpid())-XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { throw MyGazError(.database, .fileCannotCreate, .text(base), .text(String(cString: strerror(errno)))) }
        return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static var temporaryBase: String {
        ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    }

    /// Directories `prefix-PID-…` of this login whose process is gone (killed midway).
    static func removeStale(_ prefix: String, in base: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: base) else { return }
        for name in names where name.hasPrefix(prefix + "-") {
            let parts = name.dropFirst(prefix.count + 1).split(separator: "-", maxSplits: 1)
            guard parts.count == 2, let pid = Int32(parts[0]), pid != getpid() else { continue }
            var info = stat()
            let path = base + "/" + name
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == geteuid(),
                  kill(pid, 0) != 0 && errno == ESRCH else { continue }
            remove(path)
        }
    }

    /// Removes a directory made by `temporaryDirectory` and what is in it.
    public static func remove(_ directory: String) {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Opens `path` as a new file with `mode` (the umask may not widen it): fails if anything,
    /// a symbolic link included, is already there.
    public static func create(_ path: String, mode: mode_t) throws -> Int32 {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else {
            let failure = errno
            if failure == EEXIST { throw MyGazError(.conflict, .fileExists, .text(path)) }
            throw MyGazError(.database, .fileCannotCreate, .text(path), .text(String(cString: strerror(failure))))
        }
        _ = fchmod(fd, mode)
        return fd
    }

    /// Writes all of `bytes` to `fd`, or throws with the path and the reason (a full disk).
    public static func write(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw MyGazError(.database, .fileCannotWrite, .text(path), .text(String(cString: strerror(errno))))
            }
            offset += n
        }
    }
}

/// A file written out for the clerk (an export, a rejects file, an attachment): written whole
/// beside the target under a temporary name, then put in place only if no file has the target's
/// name meanwhile. It is as private as the database: its owner and group may read it (the same
/// group, where the login may give it), others nothing. Never a half-written file under the
/// target's name; a run killed midway leaves a `.partial-PID` the next run to that target removes.
public final class NewFile {
    public let path: String
    let partial: String
    public private(set) var fd: Int32

    /// Refuses (exit 4) a target that exists, whatever it is; `like` is the database whose
    /// privacy the file gets.
    public init(_ path: String, like database: String) throws {
        self.path = path
        var info = stat()
        if lstat(path, &info) == 0 { throw MyGazError(.conflict, .fileExists, .text(path)) }
        NewFile.removeStalePartials(of: path)
        partial = path + ".partial-\(getpid())"
        var source = stat()
        let known = stat(database, &source) == 0
        let mode: mode_t = known ? source.st_mode & 0o660 : 0o600
        fd = try PrivateFiles.create(partial, mode: mode)
        if known { _ = fchown(fd, uid_t.max, source.st_gid) }
        _ = fchmod(fd, mode)
    }

    deinit { abandon() }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try PrivateFiles.write(fd, $0, path: path) }
    }

    /// Puts the file in place; fails (exit 4) if a file took the target's name meanwhile.
    public func commit() throws {
        guard fd >= 0 else { return }
        if fsync(fd) != 0 && errno != EINVAL {
            throw MyGazError(.database, .fileCannotWrite, .text(path), .text(String(cString: strerror(errno))))
        }
        close(fd)
        fd = -1
        // link() never replaces: unlike rename(), it fails when the name is taken
        guard link(partial, path) == 0 else {
            let failure = errno
            unlink(partial)
            if failure == EEXIST { throw MyGazError(.conflict, .fileExists, .text(path)) }
            throw MyGazError(.database, .fileCannotCreate, .text(path), .text(String(cString: strerror(failure))))
        }
        unlink(partial)
    }

    /// Drops what was written (an error midway).
    public func abandon() {
        guard fd >= 0 else { return }
        close(fd)
        fd = -1
        unlink(partial)
    }

    /// `.partial-PID` files of this target left by runs that were killed: ours, regular, their
    /// process gone. Anything else by that name is left alone.
    static func removeStalePartials(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let prefix = (path as NSString).lastPathComponent + ".partial-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "." : directory) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid != getpid() else { continue }
            let full = (directory.isEmpty ? "" : directory + "/") + name
            var info = stat()
            guard lstat(full, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_uid == geteuid(),
                  kill(pid, 0) != 0 && errno == ESRCH else { continue }
            unlink(full)
        }
    }
}
