/// `db check` and `db stats` on either engine: what both ask is said here once — the schema
/// version, the schema compared with the one this version makes, the queue counters, the stray
/// spellings, the rows per table — and what only one engine has is its own: SQLite's integrity
/// and foreign-key checks, its file, WAL and pages and `db backup` (Database/Maintenance.swift);
/// PostgreSQL's catalogue compared with a scratch copy of `PGSchema`, its size and version
/// (Engines/PostgreSQL/PGMaintenance.swift). A server checks its own pages and foreign keys.
public enum Maintenance {
    public struct CheckReport: Sendable {
        public let schemaVersion: Int
        public let problems: [String]
        /// logins and contacts the portal stored in a spelling of its own: the database is sound, but
        /// lookups by these need `db repair-logins`
        public var strays: [Spellings.Stray] = []
        /// the audit trail's hash chain, recomputed whole (its fault is among `problems` too)
        public var auditChain: AuditChain.Verification?
        public var ok: Bool { problems.isEmpty }
    }

    public static func check(_ db: any Storage, quick: Bool) throws -> CheckReport {
        var problems: [String] = []
        let version: Int
        if let sqlite = db as? Database {
            problems += try integrityProblems(sqlite, quick: quick)
            version = try schemaVersion(sqlite)
        } else {
            version = try db.queryOne("SELECT version FROM schema_version")?.int("version") ?? 0
        }
        if version != Schema.currentVersion {
            problems.append("schema version \(version), expected \(Schema.currentVersion)")
        } else {
            problems += try schemaDifferences(db)
            problems += try counterProblems(db)
            problems += try Username.keyProblems(db)
        }
        let chain = version == Schema.currentVersion ? try AuditChain.verify(db) : nil
        if let fault = chain?.fault { problems.append(fault.description) }
        var report = CheckReport(schemaVersion: version, problems: problems)
        report.auditChain = chain
        if version == Schema.currentVersion { report.strays = try Spellings.strays(db) }
        return report
    }

    /// The schema's tables, columns, indexes, constraints and triggers against those this version
    /// makes, each engine's in its own catalogue. A table of the portal's own is its business; a
    /// missing or changed object of ours breaks commands, and a trigger we do not know may change
    /// or swallow rows (audit rows among them).
    public static func schemaDifferences(_ db: any Storage) throws -> [String] {
        if let sqlite = db as? Database { return try sqliteSchemaDifferences(sqlite) }
        guard let pg = db as? PGConnection else { preconditionFailure("an engine without a catalogue") }
        return try postgresSchemaDifferences(pg)
    }

    /// Each queue counter that disagrees with its table, in words that say what to run.
    static func counterProblems(_ db: any Storage) throws -> [String] {
        let differences = try QueueCounters.differences(db)
        guard !differences.isEmpty else { return [] }
        var names: [Int64: String] = [:]
        for row in try db.query("SELECT id, code FROM rgk") { names[try row.int64("id")] = try row.string("code") }
        return try differences.map { d in
            if d.queue == "ticket.clock" {
                let ids = try TicketClock.differences(db)
                return "ticket.clock (a ticket's deadline clock) disagrees with the messages of \(d.counted) ticket(s), "
                    + "\(ids.prefix(5).map(String.init).joined(separator: ", "))\(ids.count > 5 ? ", …" : ""): run mygaz-admin db recount"
            }
            return d.queue == "application.waited"
                ? "application.waited is 0 on \(d.counted) application(s) that stepped into needs_info: run mygaz-admin db recount" :
            "queue count \(d.queue)\(d.rgk == 0 ? "" : " of " + (names[d.rgk] ?? String(d.rgk))) is \(d.kept), the table has \(d.counted): run mygaz-admin db recount"
        }
    }

    public struct Stats: Sendable {
        /// `sqlite` or `postgresql`
        public let engine: String
        /// SQLite's library version, or the PostgreSQL server's
        public let engineVersion: String
        public let schemaVersion: Int
        public let rows: [(String, Int)]
        /// the database's size: its file on SQLite, `pg_database_size` on PostgreSQL
        public let databaseBytes: Int64
        /// SQLite's alone (nil on a server): the WAL beside the file, the page size, the free pages
        public let walBytes: Int64?
        public let pageSize: Int?
        public let freePages: Int?
    }

    /// Rows per table (exact counts) and the engine's facts, in one snapshot.
    public static func stats(_ db: any Storage) throws -> Stats {
        try db.read {
            if let sqlite = db as? Database { return try sqliteStats(sqlite) }
            guard let pg = db as? PGConnection else { preconditionFailure("an engine without statistics") }
            return try postgresStats(pg)
        }
    }

    /// Exact row counts of `tables`, in the order given.
    static func rowCounts(_ db: any Storage, _ tables: [String]) throws -> [(String, Int)] {
        try tables.map { ($0, try db.queryOne("SELECT count(*) AS n FROM \(quoted($0))")?.int("n") ?? 0) }
    }

    /// A name as an SQL identifier both engines read (a table of the portal's may be named anyhow).
    static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
