import EngineHarness
import Foundation
@testable import MyGazCore
import Testing

/// The two engines' schemas kept equal: SQLite's catalogue (a new file migrated to the current
/// version) against PostgreSQL's (`PGSchema.script` in a fresh database).
@Suite(.enabled(if: PGServer.available)) struct PGSchemaTests {
    /// What exists on one engine only, each with its reason. Everything else must be on both.
    enum Only {
        static let sqliteTables: [String: String] = [
            "user_search": "FTS5 table of the users' search; PostgreSQL searches through trigram indexes on portal_user",
            "user_search_data": "FTS5's shadow table of user_search",
            "user_search_idx": "FTS5's shadow table of user_search",
            "user_search_config": "FTS5's shadow table of user_search",
            "account_search": "FTS5 table of the accounts' search; PostgreSQL searches through trigram indexes on account",
            "account_search_data": "FTS5's shadow table of account_search",
            "account_search_idx": "FTS5's shadow table of account_search",
            "account_search_config": "FTS5's shadow table of account_search",
        ]
        static let sqliteViews: [String: String] = [
            "account_search_text": "the content FTS5 reads the holder's name from; PostgreSQL indexes the expression itself",
        ]
        static let sqliteTriggers: [String: String] = [
            "user_search_insert": "keeps the FTS5 index; a GIN index keeps itself",
            "user_search_delete": "keeps the FTS5 index; a GIN index keeps itself",
            "user_search_update": "keeps the FTS5 index; a GIN index keeps itself",
            "account_search_insert": "keeps the FTS5 index; a GIN index keeps itself",
            "account_search_delete": "keeps the FTS5 index; a GIN index keeps itself",
            "account_search_update": "keeps the FTS5 index; a GIN index keeps itself",
        ]
        static let postgresTables: [String: String] = [
            "schema_version": "the version and application id, which SQLite keeps in PRAGMA user_version and application_id",
        ]
        static let postgresColumns: [String: [String: String]] = [
            "portal_user": ["search_text": "the users' searched values kept folded for a search too short for a trigram; SQLite folds them as it reads"],
            "account": ["search_text": "the accounts' searched values kept folded for a search too short for a trigram; SQLite folds them as it reads"],
        ]
        static let postgresTriggers: [String: String] = [
            "audit_chain_stamp": "marks a new audit row as its transaction's; SQLite's one writer places it as it inserts",
            "audit_chain_commit": "places a transaction's audit rows in the hash chain at its commit; on SQLite the program does as it inserts",
            "audit_insert_only_truncate": "refuses TRUNCATE of audit, which SQLite does not have",
            "audit_chain_kept_truncate": "refuses TRUNCATE of the chain's head, which SQLite does not have",
        ]
        static let postgresIndexes: [String: String] = [
            "user_search_login": "trigram index, in place of the FTS5 table user_search",
            "user_search_full_name": "trigram index, in place of the FTS5 table user_search",
            "user_search_email": "trigram index, in place of the FTS5 table user_search",
            "user_search_phone": "trigram index, in place of the FTS5 table user_search",
            "user_search_username": "trigram index, in place of the FTS5 table user_search",
            "account_search_holder": "trigram index of the holder's full name, in place of the FTS5 table account_search",
            "account_search_address": "trigram index, in place of the FTS5 table account_search",
            "account_search_phone": "trigram index, in place of the FTS5 table account_search",
        ]
    }

    struct Column: Hashable, CustomStringConvertible {
        let name: String
        let kind: String
        let notNull: Bool
        var description: String { "\(name) \(kind)\(notNull ? " NOT NULL" : "")" }
    }

    struct Index: Hashable, CustomStringConvertible {
        let table: String
        let columns: [String]
        let unique: Bool
        let partial: Bool
        var description: String { "\(table)(\(columns.joined(separator: ", ")))\(unique ? " unique" : "")\(partial ? " partial" : "")" }
    }

    struct ForeignKey: Hashable, CustomStringConvertible {
        let table: String
        let columns: [String]
        let parent: String
        let parentColumns: [String]
        let onDelete: String
        var description: String { "\(table)(\(columns.joined(separator: ","))) → \(parent)(\(parentColumns.joined(separator: ","))) \(onDelete)" }
    }

    /// One engine's catalogue, in words both share.
    struct Catalogue {
        var tables: [String: [Column]] = [:]          // in column order
        var views: Set<String> = []
        var primaryKeys: [String: [String]] = [:]
        var namedIndexes: [String: Index] = [:]        // CREATE INDEX, by name
        var uniqueConstraints: Set<Index> = []         // UNIQUE in a table's definition
        var foreignKeys: Set<ForeignKey> = []
        var checks: [String: Int] = [:]               // CHECK constraints per table
        var triggers: [String: String] = [:]          // name → table
    }

    // MARK: reading the catalogues

    static func sqliteKind(_ declared: String) -> String {
        switch declared.uppercased() {
        case "INTEGER": return "integer"
        case "TEXT": return "text"
        case "REAL": return "real"
        case "BLOB": return "blob"
        default: return "?" + declared
        }
    }

    static func postgresKind(_ type: String) -> String {
        switch type {
        case "bigint", "integer", "smallint": return "integer"
        case "text": return "text"
        case "double precision", "real": return "real"
        case "bytea": return "blob"
        default: return "?" + type
        }
    }

    static func sqliteCatalogue() throws -> Catalogue {
        let dir = TempDir()
        let db = try DatabaseFile.open(path: dir.file("schema.db"), purpose: .initialise, busyTimeoutMs: 2000)
        try DatabaseFile.migrate(db)
        var out = Catalogue()
        for row in try db.query("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'") {
            let (type, name, table, sql) = (row.string(0), row.string(1), row.string(2), row.string(3))
            switch type {
            case "view": out.views.insert(name)
            case "trigger": out.triggers[name] = table
            case "table":
                // a virtual table's columns, checks and keys are FTS5's own
                if sql.hasPrefix("CREATE VIRTUAL TABLE") { out.tables[name] = []; continue }
                var columns: [Column] = []
                var key: [(Int, String)] = []
                for c in try db.query("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?) ORDER BY cid", name) {
                    // a PRIMARY KEY column is never NULL on PostgreSQL; on SQLite an INTEGER one is the
                    // rowid and another admits NULL only by a legacy quirk no writer of ours relies on
                    columns.append(Column(name: c.string(0), kind: sqliteKind(c.string(1)), notNull: c.int(2) == 1 || c.int(3) > 0))
                    if c.int(3) > 0 { key.append((c.int(3), c.string(0))) }
                }
                out.tables[name] = columns
                out.primaryKeys[name] = key.sorted { $0.0 < $1.0 }.map(\.1)
                out.checks[name] = sql.components(separatedBy: "CHECK").count - 1
                for i in try db.query("SELECT name, \"unique\", origin, partial FROM pragma_index_list(?)", name) {
                    let indexName = i.string(0)
                    guard i.string(2) != "pk" else { continue }
                    var columns = try db.query("SELECT coalesce(name, '(expression)') FROM pragma_index_info(?) ORDER BY seqno", indexName)
                        .map { $0.string(0) }
                    // SQLite's index entries end with the rowid, here `id`: an ORDER BY …, id reads them in
                    // order; PostgreSQL's index must name it to do the same
                    if i.int(1) == 0, out.primaryKeys[name] == ["id"], !columns.contains("id") { columns.append("id") }
                    let index = Index(table: name, columns: columns, unique: i.int(1) == 1, partial: i.int(3) == 1)
                    if i.string(2) == "u" { out.uniqueConstraints.insert(index) } else { out.namedIndexes[indexName] = index }
                }
                var keys: [Int: (parent: String, from: [String], to: [String], onDelete: String)] = [:]
                for f in try db.query("SELECT id, \"table\", \"from\", \"to\", on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq", name) {
                    var k = keys[f.int(0)] ?? (f.string(1), [], [], f.string(4))
                    k.from.append(f.string(2))
                    k.to.append(f.string(3))
                    keys[f.int(0)] = k
                }
                for k in keys.values {
                    out.foreignKeys.insert(ForeignKey(table: name, columns: k.from, parent: k.parent, parentColumns: k.to, onDelete: k.onDelete))
                }
            default: break
            }
        }
        return out
    }

    static func postgresCatalogue(_ c: PGConnection) throws -> Catalogue {
        var out = Catalogue()
        for t in try c.query("SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = 'public'") {
            let name = try t.string("table_name")
            if try t.string("table_type") == "VIEW" { out.views.insert(name); continue }
            out.tables[name] = try c.query("""
                SELECT column_name, data_type, is_nullable FROM information_schema.columns
                WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position
                """, name).map {
                Column(name: try $0.string("column_name"), kind: postgresKind(try $0.string("data_type")),
                       notNull: try $0.string("is_nullable") == "NO")
            }
        }
        let columnList = { (relation: String, keys: String) in
            """
            (SELECT array_to_string(array_agg(coalesce(a.attname, '(expression)') ORDER BY k.n), ',')
               FROM unnest(\(keys)) WITH ORDINALITY k(attnum, n)
               LEFT JOIN pg_attribute a ON a.attrelid = \(relation) AND a.attnum = k.attnum)
            """
        }
        for k in try c.query("""
            SELECT t.relname AS tbl, \(columnList("c.conrelid", "c.conkey")) AS cols FROM pg_constraint c
            JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace s ON s.oid = t.relnamespace
            WHERE c.contype = 'p' AND s.nspname = 'public'
            """) {
            out.primaryKeys[try k.string("tbl")] = try k.string("cols").split(separator: ",").map(String.init)
        }
        for i in try c.query("""
            SELECT i.relname AS name, t.relname AS tbl, x.indisunique AS uniq, x.indpred IS NOT NULL AS partial,
                   \(columnList("t.oid", "x.indkey::int2[]")) AS cols,
                   EXISTS (SELECT 1 FROM pg_constraint u WHERE u.conindid = x.indexrelid AND u.contype = 'u') AS constraint_index
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace s ON s.oid = t.relnamespace
            WHERE s.nspname = 'public' AND NOT x.indisprimary
            """) {
            let index = Index(table: try i.string("tbl"), columns: try i.string("cols").split(separator: ",").map(String.init),
                              unique: try i.bool("uniq"), partial: try i.bool("partial"))
            if try i.bool("constraint_index") { out.uniqueConstraints.insert(index) } else { out.namedIndexes[try i.string("name")] = index }
        }
        for f in try c.query("""
            SELECT t.relname AS tbl, p.relname AS parent, c.confdeltype AS on_delete,
                   \(columnList("c.conrelid", "c.conkey")) AS cols, \(columnList("c.confrelid", "c.confkey")) AS parent_cols
            FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class p ON p.oid = c.confrelid
            JOIN pg_namespace s ON s.oid = t.relnamespace
            WHERE c.contype = 'f' AND s.nspname = 'public'
            """) {
            let onDelete = ["a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"][try f.string("on_delete")] ?? "?"
            out.foreignKeys.insert(ForeignKey(table: try f.string("tbl"), columns: try f.string("cols").split(separator: ",").map(String.init),
                                              parent: try f.string("parent"),
                                              parentColumns: try f.string("parent_cols").split(separator: ",").map(String.init), onDelete: onDelete))
        }
        for k in try c.query("""
            SELECT t.relname AS tbl, count(*) AS n FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
            JOIN pg_namespace s ON s.oid = t.relnamespace WHERE c.contype = 'c' AND s.nspname = 'public' GROUP BY 1
            """) {
            out.checks[try k.string("tbl")] = try k.int("n")
        }
        for t in try c.query("""
            SELECT g.tgname AS name, t.relname AS tbl FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid
            JOIN pg_namespace s ON s.oid = t.relnamespace WHERE NOT g.tgisinternal AND s.nspname = 'public'
            """) {
            out.triggers[try t.string("name")] = try t.string("tbl")
        }
        return out
    }

    /// A fresh database with the PostgreSQL schema.
    static func schemaDatabase() throws -> (PGTestDatabase, PGConnection) {
        let db = try PGServer.database()
        let c = try db.connect()
        try c.write { try c.execute(PGSchema.script) }
        return (db, c)
    }

    // MARK: the comparison

    @Test func bothEnginesHaveTheSameTablesColumnsKeysIndexesChecksAndTriggers() throws {
        let (_, c) = try Self.schemaDatabase()
        let lite = try Self.sqliteCatalogue()
        let pg = try Self.postgresCatalogue(c)

        // every exception exists on its side, so that none outlives its reason
        for name in Only.sqliteTables.keys { #expect(lite.tables[name] != nil, "SQLite has no table \(name) any more") }
        for name in Only.sqliteViews.keys { #expect(lite.views.contains(name), "SQLite has no view \(name) any more") }
        for name in Only.sqliteTriggers.keys { #expect(lite.triggers[name] != nil, "SQLite has no trigger \(name) any more") }
        for name in Only.postgresTables.keys { #expect(pg.tables[name] != nil, "PostgreSQL has no table \(name) any more") }
        for name in Only.postgresIndexes.keys { #expect(pg.namedIndexes[name] != nil, "PostgreSQL has no index \(name) any more") }
        for name in Only.postgresTriggers.keys { #expect(pg.triggers[name] != nil, "PostgreSQL has no trigger \(name) any more") }
        for (table, columns) in Only.postgresColumns {
            for name in columns.keys { #expect(pg.tables[table]?.contains { $0.name == name } == true, "PostgreSQL has no column \(table).\(name) any more") }
        }

        let liteTables = Set(lite.tables.keys).subtracting(Only.sqliteTables.keys)
        let pgTables = Set(pg.tables.keys).subtracting(Only.postgresTables.keys)
        #expect(liteTables.subtracting(pgTables).isEmpty, "tables only on SQLite: \(liteTables.subtracting(pgTables).sorted())")
        #expect(pgTables.subtracting(liteTables).isEmpty, "tables only on PostgreSQL: \(pgTables.subtracting(liteTables).sorted())")
        #expect(liteTables.count >= 35)
        #expect(lite.views.subtracting(Only.sqliteViews.keys) == pg.views)

        for table in liteTables.intersection(pgTables).sorted() {
            let a = lite.tables[table] ?? [], b = (pg.tables[table] ?? []).filter { Only.postgresColumns[table]?[$0.name] == nil }
            #expect(a == b, "\(table): columns differ\n  SQLite:     \(a)\n  PostgreSQL: \(b)")
            #expect(lite.primaryKeys[table] ?? [] == pg.primaryKeys[table] ?? [], "\(table): primary keys differ")
            #expect(lite.checks[table] ?? 0 == pg.checks[table] ?? 0,
                    "\(table): \(lite.checks[table] ?? 0) CHECKs on SQLite, \(pg.checks[table] ?? 0) on PostgreSQL")
        }

        let liteIndexes = lite.namedIndexes.filter { liteTables.contains($0.value.table) }
        let pgIndexes = pg.namedIndexes.filter { pgTables.contains($0.value.table) && Only.postgresIndexes[$0.key] == nil }
        for (name, index) in liteIndexes.sorted(by: { $0.key < $1.key }) {
            #expect(pgIndexes[name] == index, "index \(name): SQLite \(index), PostgreSQL \(pgIndexes[name].map(String.init(describing:)) ?? "none")")
        }
        #expect(Set(pgIndexes.keys).subtracting(liteIndexes.keys).isEmpty,
                "indexes only on PostgreSQL: \(Set(pgIndexes.keys).subtracting(liteIndexes.keys).sorted())")
        #expect(liteIndexes.count >= 40)

        let liteUnique = lite.uniqueConstraints.filter { liteTables.contains($0.table) }
        let uniqueOnlySQLite = liteUnique.subtracting(pg.uniqueConstraints), uniqueOnlyPG = pg.uniqueConstraints.subtracting(liteUnique)
        #expect(uniqueOnlySQLite.isEmpty && uniqueOnlyPG.isEmpty, "UNIQUE only on SQLite: \(uniqueOnlySQLite); only on PostgreSQL: \(uniqueOnlyPG)")
        #expect(liteUnique.count >= 10)
        let liteKeys = lite.foreignKeys.filter { liteTables.contains($0.table) }
        let keysOnlySQLite = liteKeys.subtracting(pg.foreignKeys), keysOnlyPG = pg.foreignKeys.subtracting(liteKeys)
        #expect(keysOnlySQLite.isEmpty && keysOnlyPG.isEmpty, "foreign keys only on SQLite: \(keysOnlySQLite); only on PostgreSQL: \(keysOnlyPG)")
        #expect(liteKeys.count >= 40)

        let liteTriggers = lite.triggers.filter { Only.sqliteTriggers[$0.key] == nil }
        let triggersOnlySQLite = liteTriggers.filter { pg.triggers[$0.key] != $0.value }.keys.sorted()
        let triggersOnlyPG = pg.triggers.filter { liteTriggers[$0.key] != $0.value && Only.postgresTriggers[$0.key] == nil }.keys.sorted()
        #expect(triggersOnlySQLite.isEmpty && triggersOnlyPG.isEmpty, "triggers only on SQLite: \(triggersOnlySQLite); only on PostgreSQL: \(triggersOnlyPG)")
        #expect(liteTriggers.count >= 25)
    }

    @Test func theScriptIsAtSQLitesVersionAndSaysSo() throws {
        #expect(PGSchema.version == Schema.currentVersion,
                "SQLite's schema is at version \(Schema.currentVersion): mirror the new migration in PGSchema.script, then its version")
        let (_, c) = try Self.schemaDatabase()
        let marker = try #require(try c.queryOne("SELECT version, application_id FROM schema_version"))
        #expect(try marker.int("version") == Schema.currentVersion)
        #expect(try marker.int64("application_id") == Int64(Schema.applicationID))
        #expect { try c.run("INSERT INTO schema_version (version, application_id) VALUES (1, 1)") } throws: {
            ($0 as? EngineError)?.kind == .uniqueViolation
        }
    }

    // MARK: the same behaviour

    /// A statement run on both engines: what it must do (be taken or refused) and, where the
    /// dialects differ, each engine's text.
    struct Step {
        let sqlite: String
        let postgres: String
        let taken: Bool
        /// Why SQLite takes a row PostgreSQL refuses, where its check is weaker than it reads.
        var sqliteTakesIt: String?
        init(_ sql: String, _ taken: Bool = true, sqliteTakesIt: String? = nil) {
            (sqlite, postgres, self.taken, self.sqliteTakesIt) = (sql, sql, taken, sqliteTakesIt)
        }
        init(sqlite: String, postgres: String, _ taken: Bool = true) { (self.sqlite, self.postgres, self.taken) = (sqlite, postgres, taken) }
    }

    /// SQLite's `date(x) = x` reads as "a real date" but is not quite: date() gives NULL for what
    /// it cannot read, and a NULL passes a CHECK; and it takes days 29–31 in any month as they are.
    /// `mygaz_is_date` refuses all of these.
    static let sqliteDateIsLax = "SQLite's date(x) = x admits it (NULL passes a CHECK; date() does not check the day against the month)"

    static let t = "'2026-07-01T10:00:00Z'"

    /// Checks, triggers and counters written by hand for PostgreSQL, tried with the same rows on both.
    static let steps: [Step] = [
        Step("INSERT INTO rgk (id, code, name, created_at, updated_at) VALUES (1, 'vologda', 'Вологодская', \(t), \(t))"),
        Step("INSERT INTO rgk (id, code, name, created_at, updated_at) VALUES (2, 'Bad code', 'x', \(t), \(t))", false),
        Step("INSERT INTO rgk (id, code, name, created_at, updated_at, kpp) VALUES (3, 'kostroma', 'К', \(t), \(t), '12345678a')", false),
        Step("INSERT INTO account (id, rgk_id, number, updated_at) VALUES (1, 1, '23185952', \(t))"),
        Step("INSERT INTO account (id, rgk_id, number, updated_at) VALUES (2, 1, '9223372036854775807', \(t))"),
        Step("INSERT INTO account (id, rgk_id, number, updated_at) VALUES (3, 1, '023185952', \(t))", false),
        Step("INSERT INTO account (id, rgk_id, number, updated_at) VALUES (3, 1, '9223372036854775808', \(t))", false),
        Step("INSERT INTO account (id, rgk_id, number, updated_at) VALUES (3, 1, '-5', \(t))", false),
        Step("INSERT INTO account (id, rgk_id, number, updated_at) VALUES (3, 1, '0', \(t))", false),
        Step("INSERT INTO account (id, rgk_id, number, updated_at) VALUES (3, 1, '12a', \(t))", false),
        Step("INSERT INTO account (id, rgk_id, number, updated_at) VALUES (3, 1, '3', \(t)), (4, 1, '4', \(t)), (5, 1, '5', \(t))"),
        Step("INSERT INTO meter (id, account_id, serial, digits, next_verification) VALUES (1, 1, 'A1', 5, '2024-02-29')"),
        Step("INSERT INTO meter (id, account_id, serial, digits, next_verification) VALUES (91, 1, 'B1', 5, '2026-02-29')", false, sqliteTakesIt: sqliteDateIsLax),
        Step("INSERT INTO meter (id, account_id, serial, digits, next_verification) VALUES (92, 1, 'B2', 5, '1900-02-29')", false, sqliteTakesIt: sqliteDateIsLax),
        Step("INSERT INTO meter (id, account_id, serial, digits, next_verification) VALUES (93, 1, 'B3', 5, '2026-04-31')", false, sqliteTakesIt: sqliteDateIsLax),
        Step("INSERT INTO meter (id, account_id, serial, digits, next_verification) VALUES (94, 1, 'B4', 5, '2026-13-01')", false, sqliteTakesIt: sqliteDateIsLax),
        Step("INSERT INTO meter (id, account_id, serial, digits, next_verification) VALUES (95, 1, 'B5', 5, '2026-4-01')", false, sqliteTakesIt: sqliteDateIsLax),
        Step("INSERT INTO meter (id, account_id, serial, digits, next_verification) VALUES (96, 1, 'B6', 5, 'soon')", false, sqliteTakesIt: sqliteDateIsLax),
        Step("DELETE FROM meter WHERE id > 90"),
        Step("INSERT INTO meter (id, account_id, serial, digits, next_verification) VALUES (2, 1, 'A2', 5, '2026-07-01T00:00')", false),
        Step("INSERT INTO meter (id, account_id, serial, digits, next_verification) VALUES (2, 2, 'A2', 5, '2000-02-29')"),
        Step("INSERT INTO meter (id, account_id, serial, digits) VALUES (3, 1, 'A3', 13)", false),
        Step("INSERT INTO meter (id, account_id, serial, digits) VALUES (3, 1, 'A3', 6)"),
        Step("INSERT INTO portal_user (id, login, login_kind, status, registered_at, updated_at) VALUES (1, '+79115550011', 'phone', 'pending', \(t), \(t))"),
        Step("INSERT INTO portal_user (id, login, login_kind, status, registered_at, updated_at) VALUES (2, '+79115550012', 'phone', 'deleted', \(t), \(t))", false),
        Step("INSERT INTO portal_user (id, login, login_kind, status, registered_at, updated_at) VALUES (2, 'b@x.ru', 'email', 'blocked', \(t), \(t))", false),
        Step("INSERT INTO portal_user (id, login, login_kind, status, registered_at, updated_at) VALUES (2, 'b@x.ru', 'email', 'active', \(t), \(t))"),
        Step("UPDATE portal_user SET status = 'active' WHERE id = 1"),
        // the queue of readings: the RGK found by the trigger, an older pending one superseded
        Step("INSERT INTO reading (id, meter_id, value, reading_date, source, status, submitted_at) VALUES (1, 1, 100, '2026-07-01', 'portal', 'pending', \(t))"),
        Step("INSERT INTO reading (id, meter_id, value, reading_date, source, status, submitted_at) VALUES (2, 1, 110, '2026-07-02', 'portal', 'pending', '2026-07-02T10:00:00Z')"),
        Step("INSERT INTO reading (id, meter_id, value, reading_date, source, status, submitted_at) VALUES (3, 3, 5, '2026-07-02', 'phone', 'pending', \(t))"),
        Step("INSERT INTO reading (id, meter_id, value, reading_date, source, status, submitted_at) VALUES (4, 2, 5, '2026-07-02', 'office', 'pending', \(t))"),
        Step("UPDATE reading SET status = 'accepted', decided_at = \(t), decided_by = 'clerk' WHERE id = 3"),
        Step("UPDATE reading SET status = 'rejected', decided_at = \(t), decided_by = 'clerk' WHERE id = 4", false),
        Step("INSERT INTO reading (id, meter_id, value, reading_date, source, status, submitted_at) VALUES (5, 1, 90, '2026-06-01', 'rgk', 'accepted', \(t))"),
        Step("INSERT INTO reading (id, meter_id, value, reading_date, source, status, submitted_at) VALUES (6, 1, 91, '2026-06-01', 'rgk', 'accepted', \(t))", false),
        Step("INSERT INTO reading (id, meter_id, value, reading_date, source, status, submitted_at) VALUES (96, 1, 91, '2026-06-31', 'rgk', 'accepted', \(t))", false,
             sqliteTakesIt: sqliteDateIsLax),
        Step("DELETE FROM reading WHERE id > 90"),
        Step("DELETE FROM reading WHERE id = 4"),
        // at most three accounts per user
        Step("INSERT INTO user_account (user_id, account_id, linked_at) VALUES (1, 1, \(t)), (1, 2, \(t)), (1, 3, \(t))"),
        Step("INSERT INTO user_account (user_id, account_id, linked_at) VALUES (1, 4, \(t))", false),
        Step("INSERT INTO user_account (user_id, account_id, linked_at, access_level) VALUES (2, 4, \(t), 'extended')", false),
        Step("INSERT INTO user_account (user_id, account_id, linked_at, access_level, extended_via) VALUES (2, 4, \(t), 'extended', 'pin')"),
        // applications, tickets, PIN requests, the outbox, payments: each counter
        Step("INSERT INTO application (id, kind, status, rgk_id, account_id, source, created_at, submitted_at, updated_at) VALUES (1, 'repair', 'submitted', 1, 1, 'portal', \(t), \(t), \(t))"),
        Step("INSERT INTO application (id, kind, status, rgk_id, address, source, created_at, updated_at) VALUES (2, 'repair', 'draft', 1, 'ул. Мира', 'office', \(t), \(t))"),
        Step("INSERT INTO application (id, kind, status, rgk_id, source, created_at, updated_at) VALUES (3, 'repair', 'draft', 1, 'office', \(t), \(t))", false),
        Step("UPDATE application SET status = 'needs_info' WHERE id = 1"),
        Step("UPDATE application SET status = 'submitted', submitted_at = \(t) WHERE id = 2"),
        Step("UPDATE application SET status = 'accepted' WHERE id = 2"),
        Step("INSERT INTO application_recalculation (application_id, reason, date_from) VALUES (1, 'residents', '2026-07-01')", false),
        Step("INSERT INTO application_recalculation (application_id, reason, date_from) VALUES (1, 'absence', '2026-07-01')"),
        Step(sqlite: "INSERT INTO attachment (id, application_id, name, content_type, size, sha256, content, created_at) VALUES (1, 1, 'a.pdf', 'application/pdf', 3, 'x', X'0001', \(t))",
             postgres: "INSERT INTO attachment (id, application_id, name, content_type, size, sha256, content, created_at) VALUES (1, 1, 'a.pdf', 'application/pdf', 3, 'x', '\\x0001', \(t))", false),
        Step(sqlite: "INSERT INTO attachment (id, application_id, name, content_type, size, sha256, content, created_at) VALUES (1, 1, 'a.pdf', 'application/pdf', 2, 'x', X'0001', \(t))",
             postgres: "INSERT INTO attachment (id, application_id, name, content_type, size, sha256, content, created_at) VALUES (1, 1, 'a.pdf', 'application/pdf', 2, 'x', '\\x0001', \(t))"),
        Step("INSERT INTO attachment (id, application_id, name, content_type, size, sha256, content, created_at) SELECT 2, 1, 'b/c.pdf', 'application/pdf', size, sha256, content, created_at FROM attachment WHERE id = 1", false),
        Step("INSERT INTO ticket (id, channel, rgk_id, topic, status, sender_name, sender_phone, created_at, updated_at, last_customer_at) VALUES (1, 'rgk', 1, 'meters', 'new', 'Иванов', '+79115550011', \(t), \(t), \(t))"),
        Step("INSERT INTO ticket (id, channel, topic, status, sender_name, created_at, updated_at, last_customer_at) VALUES (2, 'support', 'other', 'new', 'Петров', \(t), \(t), \(t))", false),
        Step("UPDATE ticket SET status = 'answered', last_operator_at = '2026-07-01T11:00:00Z' WHERE id = 1"),
        Step("UPDATE ticket SET last_customer_at = '2026-07-01T12:00:00Z' WHERE id = 1"),
        // only a kind of personal-data request the law has; one read only on a request: a writer
        // that clears `personal_data` alone leaves an appeal, counted as one
        Step("UPDATE ticket SET personal_data = 1, personal_data_kind = 'erasure' WHERE id = 1", false),
        Step("UPDATE ticket SET personal_data = 1, personal_data_kind = 'withdrawal' WHERE id = 1"),
        Step("UPDATE ticket SET personal_data = 0 WHERE id = 1"),
        Step("UPDATE ticket SET personal_data = 1 WHERE id = 1"),
        Step("INSERT INTO pin_request (id, account_id, full_name, phone, status, created_at) VALUES (1, 2, 'Иванов', '+79115550011', 'open', \(t))"),
        Step("INSERT INTO pin_request (id, account_id, full_name, status, created_at) VALUES (2, 2, 'Иванов', 'open', \(t))", false),
        Step("INSERT INTO outbox (id, channel, recipient, body, kind, status, next_attempt_at, created_at) VALUES (1, 'sms', '+79115550011', 'Код', 'other', 'waiting', \(t), \(t))"),
        Step("INSERT INTO outbox (id, channel, recipient, body, kind, status, next_attempt_at, created_at) VALUES (2, 'email', 'a@b.ru', 'Код', 'other', 'waiting', \(t), \(t))", false),
        Step("INSERT INTO outbox (id, channel, recipient, subject, body, kind, status, next_attempt_at, created_at, entity_type, bill_period) VALUES (2, 'email', 'a@b.ru', 'Счет', 'Текст', 'bill', 'failed', \(t), \(t), 'account', '2026-07')"),
        Step("UPDATE outbox SET status = 'sent', secret = 'x' WHERE id = 1", false),
        Step("UPDATE outbox SET status = 'sending' WHERE id = 1"),
        Step("INSERT INTO payment (id, rgk_id, external_id, account_id, service, paid_on, amount_kop, state) VALUES (1, 1, 'p1', 1, 'gas', '2026-07-01', 150000, 'processing')"),
        Step("INSERT INTO payment (id, rgk_id, external_id, account_id, service, paid_on, amount_kop, state) VALUES (2, 1, 'p2', 1, 'gas', '2026-07-01', 0, 'processing')", false),
        Step("UPDATE payment SET paid_on = '2026-07-02' WHERE id = 1"),
        Step("INSERT INTO service (id, account_id, kind, updated_at) VALUES (1, 1, 'gas', \(t))"),
        Step("INSERT INTO settlement (id, service_id, period, opening_kop) VALUES (1, 1, '2026-13', 0)", false),
        Step("INSERT INTO settlement (id, service_id, period, opening_kop) VALUES (1, 1, '2026-12', 0)"),
        Step("INSERT INTO pin (id, account_id, pin_hash, source, state, issued_at, issued_by) VALUES (1, 1, 'plain', 'issued', 'active', \(t), 'clerk')", false),
        Step("INSERT INTO pin (id, account_id, pin_hash, source, state, issued_at, issued_by) VALUES (1, 1, '$y$j9T$abc', 'issued', 'active', \(t), 'clerk')"),
        Step("INSERT INTO pin (id, account_id, pin_hash, source, state, issued_at, issued_by) VALUES (2, 1, '$y$j9T$def', 'issued', 'active', \(t), 'clerk')", false),
        Step("INSERT INTO audit (at, operator, action, entity_type, reason_code, reason_args) VALUES (\(t), 'clerk', 'x', 'user', 'code_attempt', '{\"attempt\": 1}')"),
        Step("INSERT INTO audit (at, operator, action, entity_type, reason_code, reason_args) VALUES (\(t), 'clerk', 'x', 'user', 'code_attempt', '{attempt: 1')", false),
        Step("INSERT INTO audit (at, operator, action, entity_type, reason_code) VALUES (\(t), 'clerk', 'x', 'user', 'no_such_reason')", false),
        Step("INSERT INTO activation_link (identity_id, token_hash, created_at, expires_at) VALUES (1, 'ABC', \(t), \(t))", false),
        Step("DELETE FROM portal_user WHERE id = 2"),
    ]

    @Test func checksTriggersAndCountersDoTheSameOnBothEngines() throws {
        let dir = TempDir()
        let lite = try DatabaseFile.open(path: dir.file("same.db"), purpose: .initialise, busyTimeoutMs: 2000)
        try DatabaseFile.migrate(lite)
        let (_, pg) = try Self.schemaDatabase()
        for step in Self.steps {
            let onSQLite = Result { try lite.execute(step.sqlite) }
            let onPostgres = Result { try pg.execute(step.postgres) }
            let sqliteTookIt: Bool, postgresTookIt: Bool
            if case .success = onSQLite { sqliteTookIt = true } else { sqliteTookIt = false }
            if case .success = onPostgres { postgresTookIt = true } else { postgresTookIt = false }
            #expect(sqliteTookIt == (step.taken || step.sqliteTakesIt != nil), "SQLite: \(step.sqlite) \(onSQLite)")
            #expect(postgresTookIt == step.taken, "PostgreSQL: \(step.postgres) \(onPostgres)")
        }
        // the same rows after the same statements, counters included (a counter at 0 may be left on
        // SQLite where PostgreSQL made none: SQLite counts a reading under "no RGK" before its
        // trigger finds the RGK, PostgreSQL finds it before the row is written)
        for sql in ["SELECT queue, rgk_id, count FROM queue_count WHERE count <> 0 ORDER BY queue, rgk_id",
                    "SELECT id, status, rgk_id, decided_by, decided_at FROM reading ORDER BY id",
                    "SELECT user_id, account_id FROM user_account ORDER BY user_id, account_id",
                    "SELECT count(*) FROM bill_mailing",
                    "SELECT queue, rgk_id, hour, count FROM due_count WHERE count <> 0 ORDER BY queue, rgk_id, hour"] {
            let a = try lite.query(sql, arguments: []).map { $0.values.map { $0.string ?? "NULL" } }
            let b = try pg.query(sql).map { $0.values.map { $0.string ?? "NULL" } }
            #expect(a == b, "\(sql)\n  SQLite:     \(a)\n  PostgreSQL: \(b)")
        }
        let counts = try pg.query("SELECT queue, count FROM queue_count WHERE count <> 0 ORDER BY queue").map { "\(try $0.string("queue"))=\(try $0.int("count"))" }
        #expect(counts == ["application_accepted=1", "application_needs_info=1", "applications_open=1", "outbox_failed=1",
                           "outbox_waiting=1", "payment_processing_2026-07-02=1", "pin_requests_open=1", "readings_pending=1", "tickets_open=1"])
        let waiting = try pg.query("SELECT queue, hour FROM due_count WHERE queue >= 'ticket_' AND queue < 'ticket`' AND count <> 0 ORDER BY queue, hour")
            .map { "\(try $0.string("queue")) \(try $0.string("hour"))" }
        #expect(waiting == ["ticket_1_withdrawal *", "ticket_1_withdrawal 2026-07-01T10"], "the withdrawal counted under its own kind")
    }

    /// Every date CHECK calls `mygaz_is_date`: the planner must put its body in the expression
    /// (a called SQL function costs a row ~4.5 µs, most of a bulk load's time), and `migrate` must
    /// replace the STRICT definition of before, which the planner never inlines.
    @Test func theDateCheckIsInlinedAndMigrateReplacesTheCalledOne() throws {
        let (_, c) = try Self.schemaDatabase()
        func plan() throws -> String {
            try c.query("EXPLAIN (VERBOSE) SELECT mygaz_is_date(reading_date) AS d FROM reading").map { try $0.string("QUERY PLAN") }.joined(separator: "\n")
        }
        let inlined = try plan()
        #expect(!inlined.contains("mygaz_is_date") && inlined.contains("substr"), "\(inlined)")
        let answers = try #require(try c.queryOne("""
            SELECT mygaz_is_date(NULL) IS NULL AS null_in_null_out, mygaz_is_date('2024-02-29') AS leap,
                   mygaz_is_date('2023-02-29') AS not_leap, mygaz_is_date('2026-04-31') AS april31, mygaz_is_date('soon') AS word
            """))
        #expect(try answers.bool("null_in_null_out") && answers.bool("leap"))
        #expect(try !answers.bool("not_leap") && !answers.bool("april31") && !answers.bool("word"))

        try c.write { try c.execute("ALTER FUNCTION mygaz_is_date(text) STRICT") }
        #expect(try plan().contains("mygaz_is_date("), "a STRICT function with a CASE body is called")
        try Engines.migrate(c)
        #expect(try !plan().contains("mygaz_is_date"), "migrate leaves the called definition in place")
    }

    // MARK: search

    @Test func aCyrillicSearchFoldsCaseAndReadsTheTrigramIndex() throws {
        let (_, c) = try Self.schemaDatabase()
        try c.run("INSERT INTO rgk (id, code, name, created_at, updated_at) VALUES (1, 'vologda', 'Вологодская', 'x', 'x')")
        let surnames = ["ПЕТРОВ", "Сидорова", "Кузнецов", "Смирнов", "Попова", "Васильев", "Михайлова", "Новиков", "Фёдоров", "Морозова"]
        try c.copyIn("COPY account (rgk_id, number, surname, name, address, phone, updated_at) FROM STDIN") { rows in
            for i in 1...5000 {
                try rows.row(1, String(i), surnames[i % surnames.count], "Анна", "г. Вологда, ул. Мира, д. \(i)",
                             "+7911\(String(format: "%07d", i))", "2026-07-01T00:00:00Z")
            }
            try rows.row(1, "900001", "ИВАНОВ", "ПЕТР", "Г. ВОЛОГДА", "+79115550011", "2026-07-01T00:00:00Z")
            try rows.row(1, "900002", "Иванова", "Мария", nil, nil, "2026-07-01T00:00:00Z")
            try rows.row(1, "900003", "Ивановский", nil, nil, nil, "2026-07-01T00:00:00Z")
        }
        try c.execute("ANALYZE account")
        func numbers(_ text: String) throws -> [String] {
            let rows = SearchIndex.accounts.rows(c, containing: text, as: "a")
            return try c.query("SELECT a.number FROM \(rows.from) WHERE \(rows.condition) ORDER BY a.number", arguments: rows.arguments)
                .map { try $0.string("number") }
        }
        #expect(try numbers("иванов") == ["900001", "900002", "900003"])
        #expect(try numbers("ван петр") == [])
        #expect(try numbers("иванов петр") == ["900001"])
        #expect(try numbers("ФЁДОРОВ анна").count == 500)

        // each searched value is read through its own trigram index: the expression searched is the
        // one indexed. A search asks its function (run as the owner, under the row policies too),
        // whose plan EXPLAIN does not show: its query is explained here as the function runs it for
        // every row (a page reads the key's index in order instead)
        try c.execute("SET enable_seqscan = off")
        for index in SearchIndex.allCases {
            let rows = index.rows(c, containing: "иванов", as: "t")
            #expect(rows.condition.contains(PGRoles.searchFunction(index) + "("), "\(rows.condition)")
            let plan = try c.query("EXPLAIN " + PGRoles.searchQuery(index, piece: "CAST(? AS TEXT)", first: nil, rgks: "CAST(NULL AS bigint[])"),
                                   arguments: index.indexed(nil).map { _ in rows.arguments[0] }, prepared: false)
                .map { try $0.string("QUERY PLAN") }.joined(separator: "\n")
            for value in index.indexed(nil) {
                #expect(plan.contains("Bitmap Index Scan on \(index.rawValue)_\(value.name)"), "\(rows.condition)\n\(plan)")
            }
            #expect(!plan.contains("Seq Scan"), "\(plan)")
        }
    }

    @Test func underTheCLocaleCyrillicCaseDoesNotFold() throws {
        // why the databases are made with LOCALE 'C.UTF-8': the same search under 'C' finds nothing
        let server = try PGServer.shared()
        let name = "c_locale_\(UInt32.random(in: 0...UInt32.max))"
        try server.withAdmin { try $0.execute("CREATE DATABASE \(name) TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'") }
        defer { _ = try? server.withAdmin { try $0.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") } }
        let c = try PGConnection(server.address(name))
        #expect(try c.queryOne("SELECT 'ИВАНОВ' ILIKE '%иванов%' AS found")?.bool("found") == false)
        let (_, utf) = try Self.schemaDatabase()
        #expect(try utf.queryOne("SELECT 'ИВАНОВ' ILIKE '%иванов%' AS found")?.bool("found") == true)
    }

    // MARK: what SQLite's one writer gave for free

    /// `second` run on its own thread while `first`'s transaction is open: it must wait for
    /// `first`'s lock, and is let go by `first`'s COMMIT. Answers `second`'s outcome.
    static func whileOpen(_ c: PGConnection, first: String, other: PGConnection, second: String, watcher: PGConnection) throws -> Result<Void, Error> {
        let pid = Int(other.backendPID)
        let writer = try c.write {
            try c.execute(first)
            let writer = SecondWriter { try other.write { try other.execute(second) } }
            // the second waits for a lock the first holds (or has finished: then nothing locked it)
            let waited = try writer.waitedForALock {
                try watcher.queryOne("SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity WHERE pid = $1", pid)?.optBool("waiting") ?? false
            }
            #expect(waited, "the second writer did not wait for the first")
            return writer
        }
        return writer.outcome
    }

    @Test func twoWritersAtOnceStillLinkAtMostThreeAccountsAndLeaveOnePendingReading() throws {
        let (db, c) = try Self.schemaDatabase()
        let other = try db.connect(), watcher = try db.connect()
        try c.execute("""
            INSERT INTO rgk (id, code, name, created_at, updated_at) VALUES (1, 'vologda', 'В', 'x', 'x');
            INSERT INTO account (id, rgk_id, number, updated_at) VALUES (1, 1, '1', 'x'), (2, 1, '2', 'x'), (3, 1, '3', 'x'), (4, 1, '4', 'x');
            INSERT INTO portal_user (id, login, login_kind, status, registered_at, updated_at) VALUES (1, '+79115550011', 'phone', 'active', 'x', 'x');
            INSERT INTO user_account (user_id, account_id, linked_at) VALUES (1, 1, 'x'), (1, 2, 'x');
            INSERT INTO meter (id, account_id, serial, digits) VALUES (1, 1, 'A1', 5);
            """)
        let link = try Self.whileOpen(c, first: "INSERT INTO user_account (user_id, account_id, linked_at) VALUES (1, 3, 'x')",
                                      other: other, second: "INSERT INTO user_account (user_id, account_id, linked_at) VALUES (1, 4, 'x')",
                                      watcher: watcher)
        #expect(throws: EngineError.self) { try link.get() }
        #expect(try c.queryOne("SELECT count(*) AS n FROM user_account WHERE user_id = 1")?.int("n") == 3)

        let reading = { (id: Int) in
            "INSERT INTO reading (id, meter_id, value, reading_date, source, status, submitted_at) VALUES (\(id), 1, \(id), '2026-07-01', 'portal', 'pending', '2026-07-01T10:0\(id):00Z')"
        }
        let second = try Self.whileOpen(c, first: reading(1), other: other, second: reading(2), watcher: watcher)
        try second.get()
        let states = try c.query("SELECT id, status FROM reading ORDER BY id").map { "\(try $0.int("id")) \(try $0.string("status"))" }
        #expect(states == ["1 superseded", "2 pending"])
        #expect(try c.queryOne("SELECT count FROM queue_count WHERE queue = 'readings_pending' AND rgk_id = 1")?.int("count") == 1)
    }
}
