import Foundation

/// What is SQLite's alone in `db check`, `db stats` and `db backup`: the file's integrity and
/// foreign keys, its catalogue against a scratch database in memory, its size, WAL and pages, and
/// the online backup. The shared part is Engines/MaintenanceShared.swift.
extension Maintenance {
    static func integrityProblems(_ db: Database, quick: Bool) throws -> [String] {
        var problems: [String] = []
        let rows = try db.query(quick ? "PRAGMA quick_check" : "PRAGMA integrity_check")
        let messages = rows.map { $0.string(0) }
        if messages != ["ok"] { problems.append(contentsOf: messages.map { "integrity: " + $0 }) }
        for row in try db.query("PRAGMA foreign_key_check") {
            problems.append("foreign key: \(row.string(0)) row \(row.string(1)) refers to a missing \(row.string(2))")
        }
        return problems
    }

    static func schemaVersion(_ db: Database) throws -> Int { try db.scalarInt("PRAGMA user_version") ?? 0 }

    /// The file's tables, columns, indexes and triggers against those of a new database in memory.
    static func sqliteSchemaDifferences(_ db: Database) throws -> [String] {
        let expected = try Database(path: ":memory:", mode: .memory)
        try Schema.apply(expected, from: 0)
        let want = try objects(expected), have = try objects(db)
        var problems: [String] = []
        for (name, object) in want.sorted(by: { $0.key < $1.key }) {
            guard let found = have[name] else { problems.append("\(object.type) \(name) is missing"); continue }
            if object.type == "table" {
                let wantColumns = try columns(expected, name), haveColumns = try columns(db, name)
                for column in wantColumns.keys.sorted() where haveColumns[column] == nil { problems.append("table \(name): column \(column) is missing") }
                for column in haveColumns.keys.sorted() where wantColumns[column] == nil { problems.append("table \(name): unknown column \(column)") }
                for (column, shape) in wantColumns.sorted(by: { $0.key < $1.key }) where haveColumns[column].map({ $0 != shape }) == true {
                    problems.append("table \(name): column \(column) is \(haveColumns[column]!), expected \(shape)")
                }
            }
            if found.sql != object.sql { problems.append("\(object.type) \(name) differs from this version's") }
        }
        for (name, object) in have.sorted(by: { $0.key < $1.key }) where want[name] == nil && object.type == "trigger" {
            problems.append("unknown trigger \(name) on \(object.table): it may change or swallow rows; drop it or ask who made it")
        }
        return problems
    }

    private static func objects(_ db: Database) throws -> [String: (type: String, table: String, sql: String)] {
        var found: [String: (type: String, table: String, sql: String)] = [:]
        for row in try db.query("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'") {
            // the same definition, however it was spaced
            let sql = row.string(3).split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ")
            found[row.string(1)] = (row.string(0), row.string(2), sql)
        }
        return found
    }

    private static func columns(_ db: Database, _ table: String) throws -> [String: String] {
        var found: [String: String] = [:]
        for row in try db.query("SELECT name, type, \"notnull\", pk FROM pragma_table_xinfo(?)", table) {
            found[row.string(0)] = row.string(1) + (row.int(2) == 1 ? " NOT NULL" : "") + (row.int(3) > 0 ? " PRIMARY KEY" : "")
        }
        return found
    }

    /// A consistent copy through SQLite's online backup API, written beside the target
    /// and renamed into place, so a half-written backup never carries the target's name.
    @discardableResult
    public static func backup(_ db: Database, to target: String) throws -> Int {
        if FileManager.default.fileExists(atPath: target) {
            throw MyGazError(.conflict, .fileExists, .text(target))
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

    /// Takes the secrets out of the copy (a PIN or code waiting for delivery: its message is
    /// failed in the copy, to be issued anew if the copy is ever restored), overwriting the pages
    /// they were in, and folds the copy's WAL into its main file, so the backup is one
    /// self-contained file; the connection is closed before the caller renames it.
    private static func finishCopy(_ path: String) throws -> Int {
        let copy = try Database(path: path, mode: .readWrite, busyTimeoutMs: 1000)
        _ = try copy.scalarInt("PRAGMA secure_delete = ON")
        try copy.write {
            try copy.run("""
                UPDATE outbox SET secret = NULL, status = 'failed', claim_token = NULL, delivery_pid = NULL,
                       last_error = 'the PIN or code is not kept in backups: issue a new one'
                WHERE secret IS NOT NULL
                """)
        }
        let pages = try copy.scalarInt("PRAGMA page_count") ?? 0
        try copy.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        _ = try copy.scalarString("PRAGMA journal_mode = DELETE")
        return pages
    }

    static func sqliteStats(_ db: Database) throws -> Stats {
        let names = try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").map { $0.string(0) }
        return Stats(engine: "sqlite", engineVersion: try db.scalarString("SELECT sqlite_version()") ?? "",
                     schemaVersion: try schemaVersion(db), rows: try rowCounts(db, names),
                     databaseBytes: fileSize(db.path), walBytes: fileSize(db.path + "-wal"),
                     pageSize: try db.scalarInt("PRAGMA page_size") ?? 0,
                     freePages: try db.scalarInt("PRAGMA freelist_count") ?? 0)
    }

    public static func fileSize(_ path: String) -> Int64 {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.int64Value ?? 0
    }
}
