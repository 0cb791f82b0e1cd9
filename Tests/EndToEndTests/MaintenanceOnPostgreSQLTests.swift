import EngineHarness
import Foundation
import Testing

/// `db check`, `db stats`, `db recount` and `db migrate` run as a person runs them, on a
/// PostgreSQL database changed behind the program's back with `psql` (an outside writer and reader).
@Suite(.enabled(if: PGServer.available)) struct MaintenanceOnPostgreSQLTests {
    /// What `psql` answers to `sql` on the database (unaligned, tuples only); fails the test on an error.
    static func psql(_ database: PGTestDatabase, _ sql: String) -> String {
        let r = E2E.exec("/usr/bin/env", ["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", database.uri, "-c", sql])
        #expect(r.status == 0, "psql: \(sql): \(r.stderr)")
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test(.enabled(if: E2E.sh("command -v psql").status == 0, "psql, the server's own client (Debian postgresql-client)"))
    func aSoundDatabaseChecksOkAndEachFaultIsNamedWithExit8() throws {
        let t = E2E()
        let database = try PGServer.database()
        func run(_ args: String...) -> E2E.Result { t.run(["--db", database.uri] + args, useDB: false) }
        func sql(_ text: String) -> String { Self.psql(database, text) }
        #expect(run("init").status == 0)
        let migrate = run("db", "migrate")
        #expect(migrate.status == 0 && migrate.stdout.contains("up to date"), "\(migrate)")
        #expect(run("--json", "db", "migrate").jsonObject["action"] as? String == "unchanged")
        _ = sql("""
            INSERT INTO rgk (id, code, name, created_at, updated_at) VALUES (1, 'vologda', 'В', 'x', 'x');
            INSERT INTO account (id, rgk_id, number, updated_at) SELECT n, 1, n::text, 'x' FROM generate_series(1, 12) n;
            INSERT INTO meter (id, account_id, serial, digits) VALUES (1, 1, 'A1', 5);
            INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at) VALUES (1, 5, '2026-07-01', 'portal', 'pending', '2026-07-01T10:00:00Z');
            """)

        let check = run("db", "check")
        #expect(check.status == 0 && check.stdout.contains("ok") && check.stderr.isEmpty, "\(check)")
        #expect(run("--lang", "ru", "db", "check").stdout.contains("в порядке"))
        let json = run("--json", "db", "check").jsonObject
        #expect(json["ok"] as? Bool == true && (json["problems"] as? [String])?.isEmpty == true, "\(json)")

        // a dropped index, a dropped trigger: named, exit 8; put back, ok again
        let index = sql("SELECT pg_get_indexdef('reading_queue'::regclass)")
        let trigger = sql("SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'queue_count_1_reading_insert'")
        #expect(index.hasPrefix("CREATE INDEX reading_queue") && trigger.hasPrefix("CREATE TRIGGER queue_count_1_reading_insert"))
        _ = sql("DROP INDEX reading_queue")
        let noIndex = run("db", "check")
        #expect(noIndex.status == 8 && noIndex.stderr.contains("index reading_queue is missing"), "\(noIndex)")
        _ = sql(index + "; DROP TRIGGER queue_count_1_reading_insert ON reading")
        let noTrigger = run("db", "check")
        #expect(noTrigger.status == 8 && noTrigger.stderr.contains("trigger queue_count_1_reading_insert is missing"), "\(noTrigger)")
        #expect(noTrigger.stderr.split(separator: "\n").count == 1, "the one problem, on one line: \(noTrigger.stderr)")
        _ = sql(trigger)
        #expect(run("db", "check").status == 0)

        // a counter set wrong: named with the command that puts it right, which does
        _ = sql("UPDATE queue_count SET count = count + 5 WHERE queue = 'readings_pending' AND rgk_id = 1")
        let wrong = run("db", "check")
        #expect(wrong.status == 8 && wrong.stderr.contains("queue count readings_pending of vologda is 6, the table has 1")
                && wrong.stderr.contains("db recount"), "\(wrong)")
        let recount = run("db", "recount")
        #expect(recount.status == 0 && recount.stdout.contains("1"), "\(recount)")
        #expect(sql("SELECT count FROM queue_count WHERE queue = 'readings_pending' AND rgk_id = 1") == "1")
        #expect(sql("SELECT count(*) FROM audit WHERE action = 'db.recount'") == "1")
        #expect(run("db", "check").status == 0)

        // a login the portal stored in its own spelling: named, as on SQLite; the database is sound
        _ = sql("""
            INSERT INTO portal_user (login, login_kind, status, registered_at, updated_at, confirm_until)
            VALUES ('89115550011', 'phone', 'pending', '2026-07-19T10:00:00Z', '2026-07-19T10:00:00Z', '2026-07-26T10:00:00Z')
            """)
        let stray = run("db", "check")
        #expect(stray.status == 0 && stray.stderr.contains("«89115550011»") && stray.stderr.contains("+7 (911) 555-00-11"), "\(stray)")
        let strays = run("--json", "db", "check").jsonObject["unnormalised"] as? [[String: Any]] ?? []
        #expect(strays.count == 1 && strays.first?["stored"] as? String == "89115550011", "\(strays)")

        // a trigger someone else made: named
        _ = sql("""
            CREATE FUNCTION quiet() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM audit WHERE id = NEW.id; RETURN NULL; END $$;
            CREATE TRIGGER quiet AFTER INSERT ON audit FOR EACH ROW EXECUTE FUNCTION quiet();
            """)
        let quiet = run("--json", "db", "check")
        #expect(quiet.status == 8 && (quiet.jsonObject["problems"] as? [String])?.contains { $0.hasPrefix("unknown trigger quiet on audit") } == true,
                "\(quiet)")
        #expect(sql("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'mygaz_check_%'") == "0", "no scratch schema left")
    }

    @Test func statsPrintTheTablesTheSizeAndTheServersVersion() throws {
        let t = E2E()
        let database = try PGServer.database()
        func run(_ args: String...) -> E2E.Result { t.run(["--db", database.uri] + args, useDB: false) }
        #expect(run("init").status == 0)
        for n in 1...3 { #expect(run("operator", "add", "clerk\(n)", "--role", "clerk").status == 0) }
        let human = run("db", "stats")
        #expect(human.status == 0, "\(human)")
        #expect(human.stdout.contains("PostgreSQL") && human.stdout.contains("Database size"), "\(human.stdout)")
        #expect(!human.stdout.contains("WAL") && !human.stdout.contains("Page size") && !human.stdout.contains("Free pages"),
                "SQLite's alone are left out: \(human.stdout)")
        let line = human.stdout.split(separator: "\n").first { $0.split(separator: " ").first == "operator" }
        #expect(line?.split(separator: " ").last == "4", "four operators: \(human.stdout)")

        let stats = run("--json", "db", "stats").jsonObject
        let tables = (stats["tables"] as? [[String: Any]] ?? []).reduce(into: [String: Int]()) { $0[$1["table"] as? String ?? ""] = $1["rows"] as? Int }
        #expect(tables["operator"] == 4 && tables["schema_version"] == 1 && tables["reading"] == 0 && tables.count >= 35, "\(tables)")
        #expect(stats["engine"] as? String == "postgresql" && (stats["file_bytes"] as? Int ?? 0) > 1_000_000, "\(stats)")
        #expect((stats["engine_version"] as? String)?.first?.isNumber == true, "\(stats)")
        for key in ["wal_bytes", "page_size", "free_pages"] { #expect(stats[key] is NSNull, "\(key): \(stats[key] as Any)") }
        // the keys docs/json.md documents, with their types
        let doc = try #require(try JSONKeysTests.documented()["db stats"])
        var seen: [String: Set<String>] = [:], every: [Set<String>] = []
        JSONKeysTests.observed([stats], into: &seen, every: &every)
        #expect(Set(stats.keys) == Set(doc.types.keys.filter { !$0.contains("[]") }))
        for (key, types) in seen { #expect(types.isSubset(of: doc.types[key] ?? []), "\(key): \(types) not in docs/json.md") }
    }
}
