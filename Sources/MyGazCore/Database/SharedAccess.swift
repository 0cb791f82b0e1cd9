import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Sharing one database between the OS logins of a group: the directory is setgid and
/// group-writable, the file and its -wal and -shm are group read-write, others get nothing.
public enum SharedAccess {
    /// Before the file is created: the directory, and a umask that keeps others out. A directory
    /// it creates is made the group's (setgid, group-writable, nothing for others); one that is
    /// already there is never changed — a home or a sticky /tmp would be opened up — only checked,
    /// and refused (exit 4) with the commands to run when it does not let the group share safely.
    public static func prepare(path: String, group: String) throws {
        let gid = try groupID(group)
        let directory = directoryOf(path)
        var info = stat()
        if stat(directory, &info) == 0 {
            let mode = info.st_mode & 0o7777
            if mode & 0o002 != 0 {
                throw MyGazError(.conflict, .sharedDirectoryOpen, .text(directory), .text(String(mode, radix: 8)))
            }
            if info.st_gid != gid || mode & 0o070 != 0o070 || mode & S_ISGID == 0 {
                throw MyGazError(.conflict, .sharedDirectoryNotGroups, .text(directory), .text(group), .text(String(mode, radix: 8)))
            }
        } else {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            guard chown(directory, uid_t.max, gid) == 0, chmod(directory, 0o2770) == 0 else {
                throw MyGazError(.database, .databaseCannotOpen, .text(directory), .text(String(cString: strerror(errno))))
            }
        }
        umask(0o007)
    }

    /// After the file exists: hand it and its companions to the group.
    public static func apply(path: String, group: String) throws {
        let gid = try groupID(group)
        for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
            guard chown(file, uid_t.max, gid) == 0, chmod(file, 0o660) == 0 else {
                throw MyGazError(.database, .databaseCannotOpen, .text(file), .text(String(cString: strerror(errno))))
            }
        }
    }

    /// A new private database: only its owner may read it (group sharing is explicit, with --group).
    public static func restrictNewFiles() { umask(0o077) }

    /// The directory of a new private database, made when missing (as `git init` does), open to its owner only.
    public static func preparePrivate(path: String) throws {
        let directory = directoryOf(path)
        guard !FileManager.default.fileExists(atPath: directory) else { return }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw MyGazError(.database, .databaseCannotOpen, .text(directory), .text((error as NSError).localizedDescription))
        }
    }

    /// Creates `path` empty, for a copy of `source`: the same group and the same owner and group
    /// access, never more for others (a backup holds the same personal data as the database).
    public static func createLike(source: String, path: String) throws {
        var info = stat()
        let mode: mode_t = stat(source, &info) == 0 ? info.st_mode & 0o660 : 0o600
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, mode)
        guard fd >= 0 else {
            throw MyGazError(.database, .databaseCannotOpen, .text(path), .text(String(cString: strerror(errno))))
        }
        defer { close(fd) }
        // the group is kept where this login may give it (a member of it); the umask must not narrow the mode
        if stat(source, &info) == 0 { _ = fchown(fd, uid_t.max, info.st_gid) }
        _ = fchmod(fd, mode)
    }

    public static func groupID(_ group: String) throws -> gid_t {
        guard let entry = getgrnam(group) else { throw MyGazError(.usage, .groupUnknown, .text(group)) }
        return entry.pointee.gr_gid
    }

    static func directoryOf(_ path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }

    /// What `db check` warns about: files others may read, or a shared file its group cannot write.
    public static func permissionWarnings(path: String) -> [Message] {
        var warnings: [Message] = []
        let directory = directoryOf(path)
        var dirInfo = stat()
        let shared = stat(directory, &dirInfo) == 0 && (dirInfo.st_mode & S_ISGID) != 0
        for file in [path, path + "-wal", path + "-shm"] {
            var info = stat()
            guard stat(file, &info) == 0 else { continue }
            let mode = info.st_mode & 0o777
            let octal = String(mode, radix: 8)
            if mode & 0o007 != 0 {
                warnings.append(Message(.checkPermissionsOthers, [.text(file), .text(octal)]))
            }
            if shared && mode & 0o060 != 0o060 {
                let group = getgrgid(info.st_gid).map { String(cString: $0.pointee.gr_name) } ?? String(info.st_gid)
                warnings.append(Message(.checkPermissionsGroup, [.text(file), .text(group), .text(octal)]))
            }
        }
        return warnings
    }
}
