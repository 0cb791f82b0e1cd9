import Foundation

/// The one door to the shared database, whichever engine holds it: `--db` and `MYGAZ_DB` name
/// a PostgreSQL database by a `postgresql://` URI or a conninfo (`PGAddress.isPostgreSQL`), and
/// anything else is a SQLite file. What follows the door is the same for both: a `Storage`
/// whose schema version was checked, created or brought up to date.
public enum Engines {
    /// Opens the database `address` names for `purpose`, or throws the one line that says what is wrong.
    public static func open(_ address: String, purpose: DatabaseFile.Purpose, busyTimeoutMs: Int) throws -> any Storage {
        guard PGAddress.isPostgreSQL(address) else {
            return try DatabaseFile.open(path: address, purpose: purpose, busyTimeoutMs: busyTimeoutMs)
        }
        return try server(address, purpose: purpose, busyTimeoutMs: busyTimeoutMs)
    }

    /// Another connection to a database this process has open already (senders side by side):
    /// on SQLite the file is opened by SQLite alone — reading its header through a descriptor of
    /// our own and closing it would drop every lock this process holds on it (POSIX locks are the
    /// process's), and the connections would take each other's pages for corruption.
    public static func another(_ address: String, busyTimeoutMs: Int) throws -> any Storage {
        guard PGAddress.isPostgreSQL(address) else {
            do {
                return try Database(path: address, mode: .readWrite, busyTimeoutMs: busyTimeoutMs)
            } catch {
                throw MyGazError.from(error, path: address)
            }
        }
        return try server(address, purpose: .use, busyTimeoutMs: busyTimeoutMs)
    }

    /// A database to look at and never wait on (shell completion): nil when there is none that
    /// is current, or it cannot be had at once. Nothing is created, migrated or written.
    public static func glance(_ address: String, waitMs: Int) -> (any Storage)? {
        if PGAddress.isPostgreSQL(address) {
            guard let db = try? server(address, purpose: .use, busyTimeoutMs: waitMs, connectSeconds: Double(waitMs) / 1000) as? PGConnection,
                  (try? db.execute("SET default_transaction_read_only = on; SET statement_timeout = \(max(1, waitMs))")) != nil else { return nil }
            return db
        }
        guard FileManager.default.isReadableFile(atPath: address),
              let db = try? Database(path: address, mode: .readOnly, busyTimeoutMs: waitMs),
              (try? DatabaseFile.state(of: db)) == .current else { return nil }
        return db
    }

    private static func server(_ address: String, purpose: DatabaseFile.Purpose, busyTimeoutMs: Int, connectSeconds: Double = 10) throws -> any Storage {
        let db: PGConnection
        do {
            db = try PGConnection(address, timeout: connectSeconds)
            // waiting for another writer's row lock is bounded as SQLite's busy timeout is
            try db.execute("SET lock_timeout = \(max(1, busyTimeoutMs))")
        } catch {
            throw MyGazError.from(error, path: PGAddress.masked(address))
        }
        if purpose == .use, !isCurrent(db) { try requireCurrent(db) }
        return db
    }

    /// The one statement every command's connection runs first: true when the database is ours
    /// at this program's version. Anything else (no such table, another version, a login that
    /// may not read it) is false, and `requireCurrent` asks the catalogue which it is; outside a
    /// transaction, so a statement that fails costs nothing more.
    private static func isCurrent(_ db: PGConnection) -> Bool {
        guard let row = try? db.queryOne("SELECT version, application_id FROM schema_version") else { return false }
        return (try? row.int("version")) == Schema.currentVersion && (try? row.int64("application_id")) == Int64(Schema.applicationID)
    }

    /// What the database holds, as far as mygaz-admin is concerned.
    public static func state(of db: any Storage) throws -> DatabaseState {
        if let sqlite = db as? Database { return try DatabaseFile.state(of: sqlite) }
        // PostgreSQL: the schema_version row, in the schema the connection works in (asked of the
        // catalogue itself: information_schema's views cost every command ~10 ms to read)
        guard let found = try db.queryOne("""
            SELECT (SELECT count(*) FROM pg_catalog.pg_class c WHERE c.relnamespace = CAST(current_schema() AS regnamespace)
                      AND c.relkind IN ('r', 'p', 'v', 'm', 'f')) AS relations,
                   to_regclass(quote_ident(current_schema()) || '.schema_version') IS NOT NULL AS versioned
            """), try found.int("relations") > 0 else { return .empty }
        guard try found.bool("versioned") else { return .foreign }
        let versionRow: Row?
        do {
            versionRow = try db.queryOne("SELECT version, application_id FROM schema_version")
        } catch let error as EngineError where error.kind == .denied {
            // every operator's group reads it: a login that may not is in none of them
            let login = try db.queryOne("SELECT session_user AS login")?.string("login") ?? "?"
            throw MyGazError(.permission, .serverNotAnOperator, .text(error.server), .text(login))
        }
        guard let row = versionRow else { return .foreign }
        guard try row.int64("application_id") == Int64(Schema.applicationID) else { return .foreign }
        let version = try row.int("version")
        if version == Schema.currentVersion { return .current }
        return version < Schema.currentVersion ? .older(version) : .newer(version)
    }

    /// Creates or upgrades the schema in one transaction; answers the versions before and after.
    @discardableResult
    public static func migrate(_ db: any Storage) throws -> (from: Int, to: Int) {
        if let sqlite = db as? Database { return try DatabaseFile.migrate(sqlite) }
        guard let pg = db as? PGConnection else { preconditionFailure("an engine without migrations") }
        return try pg.write {
            switch try state(of: pg) {
            case .current:
                // groups missing, or granted before `PGRoles.writes` narrowed them: made again
                if try !PGRoles.present(pg) || !PGRoles.narrowed(pg) { try pg.execute(PGRoles.grants) }
                try PGSchema.inlineIsDate(pg)
                return (Schema.currentVersion, Schema.currentVersion)
            case .empty:
                try pg.execute(PGSchema.script)
                try pg.execute(PGRoles.grants)
                return (0, PGSchema.version)
            case .older(let v):
                // a PostgreSQL database is created at the version of its first program; the
                // migrations after it come with the programs that need them (PGSchema.upgrade)
                guard let upgrade = PGSchema.upgrade(from: v) else {
                    throw MyGazError(.database, .databaseTooOld, .text(pg.path), .int(v), .int(Schema.currentVersion))
                }
                try pg.execute(upgrade)
                try PGSchema.inlineIsDate(pg)
                try pg.execute(PGRoles.grants)
                return (v, Schema.currentVersion)
            case .newer(let v):
                throw MyGazError(.database, .databaseTooNew, .text(pg.path), .int(v), .int(Schema.currentVersion))
            case .foreign:
                throw MyGazError(.database, .databaseNotOurs, .text(pg.path))
            }
        }
    }

    static func requireCurrent(_ db: any Storage) throws {
        let state: DatabaseState
        do { state = try self.state(of: db) } catch { throw MyGazError.from(error, path: db.path) }
        switch state {
        case .current: break
        case .empty: throw MyGazError(.database, .databaseEmpty, .text(db.path))
        case .foreign: throw MyGazError(.database, .databaseNotOurs, .text(db.path))
        case .older(let v): throw MyGazError(.database, .databaseTooOld, .text(db.path), .int(v), .int(Schema.currentVersion))
        case .newer(let v): throw MyGazError(.database, .databaseTooNew, .text(db.path), .int(v), .int(Schema.currentVersion))
        }
    }
}
