import Foundation

/// What is PostgreSQL's alone in `db check` and `db stats`: the live catalogue against the one
/// `PGSchema.script` makes in a scratch schema of the same database (made and dropped in one
/// transaction that is rolled back, so nothing is left and nobody sees it), and the server's
/// size and version. The pages and the foreign keys are the server's own to keep.
extension Maintenance {
    /// One object of the catalogue: its kind and table for messages, its definition as the server
    /// prints it, and what the server says of its state.
    struct PGObject {
        let kind: String
        let name: String
        let table: String
        let definition: String
        /// an index that can refuse a write (unique), or a trigger the server does not fire
        var unique = false
        var disabled = false
        var invalid = false
    }

    struct PGCatalogue {
        /// table → column → its shape
        var columns: [String: [String: String]] = [:]
        /// by kind and name (indexes, functions) or table and name (constraints, triggers)
        var objects: [String: PGObject] = [:]
    }

    static func postgresSchemaDifferences(_ db: PGConnection) throws -> [String] {
        guard !db.isInTransaction else { preconditionFailure("db check compares the schema outside any transaction") }
        let live = try db.queryOne("SELECT current_schema() AS name")?.optString("name") ?? "public"
        let scratch = "mygaz_check_\(db.backendPID)"
        let (want, have) = try db.scratchTransaction {
            do {
                try db.execute("CREATE SCHEMA \(scratch)")
            } catch let error as EngineError where error.kind == .denied {
                throw MyGazError(.permission, .checkNeedsScratchSchema, .text(db.address), .text(error.message))
            }
            // the script's objects go to the scratch schema; what it uses of the database (pg_trgm) is found as before
            try db.execute("SET LOCAL search_path = \(scratch), \(try db.queryOne("SELECT current_setting('search_path') AS path")?.string("path") ?? live)")
            try db.execute(PGSchema.script)
            let unqualify = try [live, scratch].map { try db.queryOne("SELECT quote_ident($1) AS q", $0)?.string("q") ?? $0 }
            return (try pgCatalogue(db, scratch, unqualify), try pgCatalogue(db, live, unqualify))
        }
        var problems: [String] = []
        for table in want.columns.keys.sorted() {
            guard let found = have.columns[table] else { problems.append("table \(table) is missing"); continue }
            let expected = want.columns[table] ?? [:]
            for column in expected.keys.sorted() where found[column] == nil { problems.append("table \(table): column \(column) is missing") }
            for column in found.keys.sorted() where expected[column] == nil { problems.append("table \(table): unknown column \(column)") }
            for (column, shape) in expected.sorted(by: { $0.key < $1.key }) where found[column].map({ $0 != shape }) == true {
                problems.append("table \(table): column \(column) is \(found[column]!), expected \(shape)")
            }
        }
        for (key, object) in want.objects.sorted(by: { $0.key < $1.key }) where want.columns[object.table] != nil || object.kind == "function" {
            guard let found = have.objects[key] else {
                // a table that is missing was said once
                if have.columns[object.table] != nil || object.kind == "function" { problems.append("\(object.kind) \(object.name) is missing") }
                continue
            }
            if found.definition != object.definition { problems.append("\(object.kind) \(object.name) differs from this version's") }
            if found.invalid { problems.append(invalid(found)) }
            if found.disabled {
                problems.append("trigger \(found.name) on \(found.table) is disabled, so what it keeps is not kept: ALTER TABLE \(found.table) ENABLE TRIGGER \(found.name), then run mygaz-admin db recount")
            }
        }
        for (key, object) in have.objects.sorted(by: { $0.key < $1.key }) where want.objects[key] == nil {
            switch object.kind {
            case "trigger":
                problems.append("unknown trigger \(object.name) on \(object.table): it may change or swallow rows; drop it or ask who made it")
            case "constraint" where want.columns[object.table] != nil,
                 "index" where object.unique && want.columns[object.table] != nil:
                problems.append("unknown \(object.kind) \(object.name) on \(object.table): it may refuse the program's writes; drop it or ask who made it")
            default:
                if object.invalid { problems.append(invalid(object)) }
            }
        }
        return problems
    }

    private static func invalid(_ object: PGObject) -> String {
        object.kind == "index"
            ? "index \(object.name) is not valid (a CREATE INDEX that did not finish), so no query uses it: REINDEX INDEX \(object.name)"
            : "constraint \(object.name) on \(object.table) is not validated, so old rows may break it: ALTER TABLE \(object.table) VALIDATE CONSTRAINT \(object.name)"
    }

    /// The catalogue of `schema`, its definitions with `unqualify` (schemas quoted as the server
    /// quotes them) taken out and their spacing made one, so that the same object in two schemas
    /// reads the same.
    private static func pgCatalogue(_ db: PGConnection, _ schema: String, _ unqualify: [String]) throws -> PGCatalogue {
        func plain(_ definition: String) -> String {
            var text = definition
            for prefix in unqualify { text = text.replacingOccurrences(of: prefix + ".", with: "") }
            return text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ")
        }
        var out = PGCatalogue()
        for row in try db.query("""
            SELECT c.relname AS tbl, a.attname AS col, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
                   a.attidentity::text AS identity, coalesce(pg_get_expr(d.adbin, d.adrelid), '') AS dflt
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')
            """, schema) {
            let identity = try row.string("identity")
            let shape = try row.string("type") + (try row.bool("not_null") ? " NOT NULL" : "")
                + (identity == "d" ? " GENERATED BY DEFAULT AS IDENTITY" : identity == "a" ? " GENERATED ALWAYS AS IDENTITY" : "")
                + (try row.string("dflt").isEmpty ? "" : " DEFAULT " + plain(try row.string("dflt")))
            out.columns[try row.string("tbl"), default: [:]][try row.string("col")] = shape
        }
        for row in try db.query("""
            SELECT i.relname AS name, t.relname AS tbl, pg_get_indexdef(i.oid) AS def, x.indisunique AS uniq,
                   x.indisvalid AND x.indisready AS usable
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = $1
            """, schema) {
            let name = try row.string("name")
            out.objects["index \(name)"] = PGObject(kind: "index", name: name, table: try row.string("tbl"), definition: plain(try row.string("def")),
                                                    unique: try row.bool("uniq"), invalid: !(try row.bool("usable")))
        }
        for row in try db.query("""
            SELECT c.conname AS name, t.relname AS tbl, pg_get_constraintdef(c.oid) AS def, c.convalidated AS validated
            FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = $1
            """, schema) {
            let (name, table) = (try row.string("name"), try row.string("tbl"))
            out.objects["constraint \(table).\(name)"] = PGObject(kind: "constraint", name: name, table: table, definition: plain(try row.string("def")),
                                                                  invalid: !(try row.bool("validated")))
        }
        for row in try db.query("""
            SELECT g.tgname AS name, t.relname AS tbl, pg_get_triggerdef(g.oid) AS def, g.tgenabled::text AS enabled
            FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = $1 AND NOT g.tgisinternal
            """, schema) {
            let (name, table) = (try row.string("name"), try row.string("tbl"))
            out.objects["trigger \(table).\(name)"] = PGObject(kind: "trigger", name: name, table: table, definition: plain(try row.string("def")),
                                                               disabled: try row.string("enabled") == "D")
        }
        // the functions the checks and triggers call (an extension's own are the extension's)
        for row in try db.query("""
            SELECT p.proname AS name, pg_get_functiondef(p.oid) AS def FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname = $1 AND p.prokind = 'f'
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
            """, schema) {
            let name = try row.string("name")
            out.objects["function \(name)"] = PGObject(kind: "function", name: name, table: "", definition: plain(try row.string("def")))
        }
        return out
    }

    static func postgresStats(_ db: PGConnection) throws -> Stats {
        let tables = try db.query("""
            SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname COLLATE "C"
            """).map { try $0.string("name") }
        let facts = try db.queryOne("""
            SELECT current_setting('server_version') AS version, pg_database_size(current_database()) AS bytes,
                   (SELECT version FROM schema_version) AS schema_version
            """)
        return Stats(engine: "postgresql", engineVersion: try facts?.string("version") ?? "",
                     schemaVersion: try facts?.optInt("schema_version") ?? 0, rows: try rowCounts(db, tables),
                     databaseBytes: try facts?.int64("bytes") ?? 0, walBytes: nil, pageSize: nil, freePages: nil)
    }
}

extension PGConnection {
    /// Runs `body` in a write transaction that is always rolled back: what it makes (a scratch
    /// schema) is never seen by another connection and never kept.
    func scratchTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN ISOLATION LEVEL READ COMMITTED, READ WRITE")
        openTransaction = .write
        defer {
            openTransaction = nil
            if isInTransaction { try? execute("ROLLBACK") }
        }
        return try body()
    }
}
