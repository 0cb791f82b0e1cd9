import Foundation

/// `db check`, `db backup`, `db stats`.
public enum Maintenance {
    public struct CheckReport: Sendable {
        public let schemaVersion: Int
        public let problems: [String]
        public var ok: Bool { problems.isEmpty }
    }

    public static func check(_ db: Database, quick: Bool) throws -> CheckReport {
        var problems: [String] = []
        let rows = try db.query(quick ? "PRAGMA quick_check" : "PRAGMA integrity_check")
        let messages = rows.map { $0.string(0) }
        if messages != ["ok"] { problems.append(contentsOf: messages.map { "integrity: " + $0 }) }
        for row in try db.query("PRAGMA foreign_key_check") {
            problems.append("foreign key: \(row.string(0)) row \(row.string(1)) refers to a missing \(row.string(2))")
        }
        let version = try db.scalarInt("PRAGMA user_version") ?? 0
        if version != Schema.currentVersion {
            problems.append("schema version \(version), expected \(Schema.currentVersion)")
        }
        return CheckReport(schemaVersion: version, problems: problems)
    }

    /// A consistent copy through SQLite's online backup API, written beside the target
    /// and renamed into place, so a half-written backup never carries the target's name.
    @discardableResult
    public static func backup(_ db: Database, to target: String) throws -> Int {
        if FileManager.default.fileExists(atPath: target) {
            throw MyGazError(.conflict, .backupTargetExists, .text(target))
        }
        let partial = target + ".partial-\(ImportLiveness.currentPID)"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            try SharedAccess.createLike(source: db.path, path: partial)
            try db.backup(to: partial)
            let pages = try finishCopy(partial)
            guard rename(partial, target) == 0 else {
                throw MyGazError(.database, .databaseCannotOpen, .text(target), .text(String(cString: strerror(errno))))
            }
            return pages
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            try? FileManager.default.removeItem(atPath: partial + "-wal")
            try? FileManager.default.removeItem(atPath: partial + "-shm")
            throw MyGazError.from(error, path: target)
        }
    }

    /// Folds the copy's WAL into its main file, so the backup is one self-contained file;
    /// the connection is closed before the caller renames it.
    private static func finishCopy(_ path: String) throws -> Int {
        let copy = try Database(path: path, mode: .readWrite, busyTimeoutMs: 1000)
        let pages = try copy.scalarInt("PRAGMA page_count") ?? 0
        try copy.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _ = try copy.scalarString("PRAGMA journal_mode = DELETE")
        return pages
    }

    public struct Stats: Sendable {
        public let schemaVersion: Int
        public let rows: [(String, Int)]
        public let fileBytes: Int64
        public let walBytes: Int64
        public let pageSize: Int
        public let freePages: Int
    }

    public static func stats(_ db: Database) throws -> Stats {
        try db.read {
            let names = try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").map { $0.string(0) }
            var rows: [(String, Int)] = []
            for name in names {
                rows.append((name, try db.scalarInt("SELECT count(*) FROM \"\(name)\"") ?? 0))
            }
            return Stats(schemaVersion: try db.scalarInt("PRAGMA user_version") ?? 0, rows: rows,
                         fileBytes: fileSize(db.path), walBytes: fileSize(db.path + "-wal"),
                         pageSize: try db.scalarInt("PRAGMA page_size") ?? 0,
                         freePages: try db.scalarInt("PRAGMA freelist_count") ?? 0)
        }
    }

    public static func fileSize(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }
}
