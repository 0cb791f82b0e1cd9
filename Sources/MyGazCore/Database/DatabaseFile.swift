import CSystem
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a file on disk is, as far as mygaz-admin is concerned.
public enum DatabaseState: Equatable, Sendable {
    case empty              // a new or empty SQLite file
    case current
    case older(Int)
    case newer(Int)
    case foreign            // a SQLite file of some other program
}

/// Opening the shared file: the checks every command makes before touching it.
public enum DatabaseFile {
    public enum Purpose: Sendable {
        case use            // an existing database of the current schema version
        case initialise     // create if missing; migrate if older
    }

    /// Opens `path` for `purpose`, or throws the one line that explains what is wrong.
    public static func open(path: String, purpose: Purpose, busyTimeoutMs: Int) throws -> Database {
        try checkPath(path, mayCreate: purpose == .initialise)
        // a stranger's file is told by its header before SQLite opens it for writing: opening
        // would switch it to WAL and leave -wal and -shm beside it
        if try identify(path) == .foreign { throw MyGazError(.database, .databaseNotOurs, .text(path)) }
        let db: Database
        do {
            db = try Database(path: path, mode: purpose == .initialise ? .create : .readWrite, busyTimeoutMs: busyTimeoutMs)
        } catch {
            throw MyGazError.from(error, path: path)
        }
        if purpose == .use {
            let state: DatabaseState
            do { state = try self.state(of: db) } catch { throw MyGazError.from(error, path: path) }
            switch state {
            case .current: break
            case .empty: throw MyGazError(.database, .databaseEmpty, .text(path))
            case .foreign: throw MyGazError(.database, .databaseNotOurs, .text(path))
            case .older(let v): throw MyGazError(.database, .databaseTooOld, .text(path), .int(v), .int(Schema.currentVersion))
            case .newer(let v): throw MyGazError(.database, .databaseTooNew, .text(path), .int(v), .int(Schema.currentVersion))
            }
        }
        return db
    }

    static func checkPath(_ path: String, mayCreate: Bool) throws {
        var isDirectory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
        if exists && isDirectory.boolValue {
            throw MyGazError(.database, .databaseIsDirectory, .text(path))
        }
        if !exists && !mayCreate {
            throw MyGazError(.database, .databaseMissing, .text(path))
        }
        let directory = (path as NSString).deletingLastPathComponent
        if let kind = networkFileSystem(at: exists ? path : (directory.isEmpty ? "." : directory)) {
            throw MyGazError(.database, .databaseNetworkFS, .text(path), .text(kind))
        }
        if exists {
            // A file we may not read gives SQLite's vague "unable to open"; say which.
            if access(path, R_OK | W_OK) != 0 {
                let failure = errno
                if failure == EROFS { throw MyGazError(.database, .databaseReadOnlyFS, .text(path)) }
                if access(path, R_OK) == 0 { throw MyGazError(.database, .databaseReadOnly, .text(path)) }
                throw MyGazError(.database, .databaseCannotOpen, .text(path), .text(String(cString: strerror(failure))))
            }
        }
    }

    /// The name of a network or user-space file system under `path`, where SQLite's
    /// POSIX locks are unreliable; nil on a local file system.
    public static func networkFileSystem(at path: String) -> String? {
        let type = csystem_fs_type(path)
        guard type != -1 else { return nil }
        switch UInt32(truncatingIfNeeded: type) {
        case 0x6969: return "NFS"
        case 0x517B: return "SMB"
        case 0xFF53_4D42: return "CIFS"
        case 0xFE53_4D42: return "SMB2"
        case 0x6573_5546: return "FUSE"
        case 0x0102_1997: return "9P"
        default: return nil
        }
    }

    /// What keeps writes to the database at `path` from succeeding, when it is the file system or
    /// a limit rather than the disk's hardware. SQLite reports most of these as an I/O error, and
    /// its errno is often overwritten by the time the error is read, so the file system is asked.
    static func whyWritesFail(path: String, errno: Int32) -> MessageKey? {
        switch errno {
        case ENOSPC, EDQUOT: return .databaseFull
        case EFBIG: return .databaseFileLimit
        case EROFS: return .databaseReadOnlyFS
        default: break
        }
        if FileSizeLimit.wasHit { return .databaseFileLimit }
        var limit = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_FSIZE.rawValue), &limit) == 0 && limit.rlim_cur != rlim_t.max {
            for file in [path, path + "-wal", path + "-journal"] {
                var info = stat()
                if stat(file, &info) == 0 && UInt64(info.st_size) + 65_536 >= UInt64(limit.rlim_cur) { return .databaseFileLimit }
            }
        }
        var fs = statvfs()
        let directory = SharedAccess.directoryOf(path)
        if statvfs(directory, &fs) == 0 {
            if fs.f_flag & UInt(ST_RDONLY) != 0 { return .databaseReadOnlyFS }
            // less than 1 MiB or 1% left: a transaction's pages did not fit
            let free = UInt64(fs.f_bavail) * UInt64(fs.f_frsize), total = UInt64(fs.f_blocks) * UInt64(fs.f_frsize)
            if free < 1 << 20 || free < total / 100 { return .databaseFull }
        }
        return nil
    }

    /// What the file at `path` is, from its first page alone, without opening it with SQLite:
    /// `.empty` (no file, no bytes, or a SQLite file with no schema), `.foreign` (a SQLite file
    /// with another program's application id, or with a schema and none), nil for one of ours
    /// (its version is read once it is open). Not SQLite at all: exit 8.
    public static func identify(_ path: String) throws -> DatabaseState? {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .empty }
        defer { close(fd) }
        var page = [UInt8](repeating: 0, count: 108)
        var filled = 0
        while filled < page.count {
            let n = page.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            filled += n
        }
        if filled == 0 { return .empty }
        guard filled == page.count, page.starts(with: Array("SQLite format 3\0".utf8)) else {
            throw MyGazError(.database, .databaseNotSQLite, .text(path))
        }
        func int32(_ offset: Int) -> UInt32 { page[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) } }
        let applicationID = int32(68)
        if applicationID == UInt32(bitPattern: Schema.applicationID) { return nil }
        if applicationID != 0 { return .foreign }
        // page 1 is the schema table's root: a leaf (13) with no cells holds no table, index or view
        let cells = Int(page[103]) << 8 | Int(page[104])
        return page[100] == 13 && cells == 0 && int32(60) == 0 ? .empty : .foreign
    }

    public static func state(of db: Database) throws -> DatabaseState {
        let appID = try db.scalarInt("PRAGMA application_id") ?? 0
        let version = try db.scalarInt("PRAGMA user_version") ?? 0
        let objects = try db.scalarInt("SELECT count(*) FROM sqlite_schema") ?? 0
        if appID == 0 && version == 0 && objects == 0 { return .empty }
        guard appID == Int(Schema.applicationID) else { return .foreign }
        if version == Schema.currentVersion { return .current }
        return version < Schema.currentVersion ? .older(version) : .newer(version)
    }

    /// Creates or upgrades the schema in one transaction; answers the versions before and after.
    @discardableResult
    public static func migrate(_ db: Database) throws -> (from: Int, to: Int) {
        try db.write {
            let state = try self.state(of: db)
            let from: Int
            switch state {
            case .empty: from = 0
            case .current: return (Schema.currentVersion, Schema.currentVersion)
            case .older(let v): from = v
            case .newer(let v):
                throw MyGazError(.database, .databaseTooNew, .text(db.path), .int(v), .int(Schema.currentVersion))
            case .foreign:
                throw MyGazError(.database, .databaseNotOurs, .text(db.path))
            }
            try Schema.apply(db, from: from)
            try db.execute("PRAGMA application_id = \(Schema.applicationID)")
            try db.execute("PRAGMA user_version = \(Schema.currentVersion)")
            return (from, Schema.currentVersion)
        }
    }
}

/// Past a file size limit (ulimit -f) a write must fail like a full disk, with a message and a
/// rollback, not kill the process in the middle of a transaction: SIGXFSZ is caught, and the
/// catch remembered for `whyWritesFail` (SQLite's temporary files are gone before it asks).
public enum FileSizeLimit {
    public static func catchIt() { csystem_catch_file_size_limit() }
    /// A write of this process went past the limit.
    static var wasHit: Bool { csystem_file_size_limit_was_hit() != 0 }
}
