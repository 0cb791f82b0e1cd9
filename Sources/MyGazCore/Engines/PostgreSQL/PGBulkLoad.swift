/// Millions of rows into empty tables the way a server takes them fastest (the demo region):
/// the tables' indexes and keys dropped for the load and made again after it (one sorted pass
/// per index, one join per foreign key, instead of a lookup per row) — their primary and unique
/// keys too, and with them the foreign keys of other tables that point at them (a primary key's
/// index kept up row by row was half of each `COPY`), their triggers off meanwhile and what
/// those keep (the queue counters, a user's three links at most) made right after it. All of it
/// inside the caller's transaction, so a load that fails leaves the schema and the rows as they
/// were. Only the tables' owner may alter them (and the tables whose keys point at them): for
/// anyone else `begin` answers nil and the rows go in through the indexes, keys and triggers as usual.
struct PGBulkLoad {
    private let db: PGConnection
    private let tables: [String]
    private var indexes: [String] = []
    /// Primary and unique keys, made again before the foreign keys that need them.
    private var keys: [(table: String, name: String, definition: String)] = []
    private var foreignKeys: [(table: String, name: String, definition: String)] = []

    static func begin(_ db: PGConnection, tables: [String]) throws -> PGBulkLoad? {
        let names = SQLList(texts: tables)
        // the foreign keys of the tables and those pointing at them: the tables that hold them are altered too
        let foreignKeys = try db.query("""
            SELECT t.relname AS tbl, k.conname AS name, pg_get_constraintdef(k.oid) AS definition
            FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid
            WHERE k.contype = 'f' AND t.relnamespace = current_schema()::regnamespace
                AND (\(db.sql.isIn("t.relname", of: .text)) OR \(db.sql.isIn("r.relname", of: .text)))
            ORDER BY t.relname, k.conname
            """, names, names).map { row in try (table: row.string("tbl"), name: row.string("name"), definition: row.string("definition")) }
        let altered = SQLList(texts: Array(Set(tables + foreignKeys.map(\.table))))
        let notMine = try db.scalarInt("""
            SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND \(db.sql.isIn("tablename", of: .text))
                AND tableowner <> current_user AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
            """, altered) ?? 1
        guard notMine == 0 else { return nil }
        var load = PGBulkLoad(db: db, tables: tables)
        // indexes of their own (a constraint's index stays with its constraint)
        for row in try db.query("""
            SELECT ix.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
            FROM pg_index x JOIN pg_class ix ON ix.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            WHERE t.relnamespace = current_schema()::regnamespace AND \(db.sql.isIn("t.relname", of: .text))
                AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
            ORDER BY ix.relname
            """, names) {
            load.indexes.append(try row.string("definition"))
            try db.execute("DROP INDEX \(quoted(try row.string("name")))")
        }
        // the foreign keys, then the keys they point at
        load.foreignKeys = foreignKeys
        for key in foreignKeys {
            try db.execute("ALTER TABLE \(quoted(key.table)) DROP CONSTRAINT \(quoted(key.name))")
        }
        for row in try db.query("""
            SELECT t.relname AS tbl, k.conname AS name, pg_get_constraintdef(k.oid) AS definition
            FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid
            WHERE k.contype IN ('p', 'u') AND t.relnamespace = current_schema()::regnamespace AND \(db.sql.isIn("t.relname", of: .text))
            ORDER BY t.relname, k.conname
            """, names) {
            let key = try (table: row.string("tbl"), name: row.string("name"), definition: row.string("definition"))
            load.keys.append(key)
            try db.execute("ALTER TABLE \(quoted(key.table)) DROP CONSTRAINT \(quoted(key.name))")
        }
        for table in tables { try db.execute("ALTER TABLE \(quoted(table)) DISABLE TRIGGER USER") }
        return load
    }

    /// The indexes and keys made again (a key the rows break fails the transaction, naming it),
    /// the triggers on, and what they keep made from the rows.
    func finish() throws {
        try db.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for index in indexes { try db.execute(index) }
        for key in keys + foreignKeys {
            try db.execute("ALTER TABLE \(Self.quoted(key.table)) ADD CONSTRAINT \(Self.quoted(key.name)) \(key.definition)")
        }
        for table in tables { try db.execute("ALTER TABLE \(Self.quoted(table)) ENABLE TRIGGER USER") }
        if tables.contains("user_account") {
            // the trigger's own words, for the rows it did not see
            try db.execute("""
                DO $$ BEGIN
                    IF EXISTS (SELECT 1 FROM user_account GROUP BY user_id HAVING count(*) > 3) THEN
                        RAISE EXCEPTION 'a portal user may link at most 3 personal accounts' USING ERRCODE = 'check_violation';
                    END IF;
                END $$
                """)
        }
        for counter in QueueCounters.counters where tables.contains(counter.table) || counter.reads.contains(where: tables.contains) {
            try db.run(QueueCounters.recount(counter), arguments: [])
        }
    }

    private static func quoted(_ name: String) -> String { Maintenance.quoted(name) }

    /// The one transaction wrote each counter row over and over, and every version stays behind it
    /// (15 MB for `queue_count`'s 108 rows at 5M accounts), read past by every `status`: the rows
    /// read, the tables emptied (`TRUNCATE` gives them new files, in the transaction, where `VACUUM`
    /// may not run) and the rows written back once.
    func compactCounters() throws {
        for (table, columns) in [("queue_count", ["queue", "rgk_id", "count"]), ("due_count", ["queue", "rgk_id", "hour", "count"])] {
            let rows: [[SQLBindable?]] = try db.query("SELECT \(columns.joined(separator: ", ")) FROM \(table)").map { row in
                try columns.map { column -> SQLBindable? in column == "rgk_id" || column == "count" ? try row.int64(column) : try row.string(column) }
            }
            try db.execute("TRUNCATE \(table)")
            var start = 0
            while start < rows.count {
                let chunk = rows[start..<min(start + 1_000, rows.count)]
                start += chunk.count
                let values = Array(repeating: "(" + columns.map { _ in "?" }.joined(separator: ", ") + ")", count: chunk.count).joined(separator: ", ")
                _ = try db.run("INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES \(values)", arguments: chunk.flatMap { $0 })
            }
        }
    }
}
