import EngineHarness
import Foundation
@testable import MyGazCore
import Testing

/// `db check`, `db stats`, `db recount` and `db migrate` on both engines: a sound database checks
/// ok, and each way the schema or the counts can go wrong behind the program's back is named.
@Suite struct MaintenanceTests {
    @Test(arguments: TestEngine.all) func aNewDatabaseChecksOkAndMigrateLeavesItAsItIs(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let report = try Maintenance.check(t.db, quick: false)
        #expect(report.ok, "\(report.problems)")
        #expect(report.schemaVersion == Schema.currentVersion && report.strays.isEmpty)
        let (from, to) = try Engines.migrate(t.db)
        #expect(from == Schema.currentVersion && to == Schema.currentVersion)
        #expect(try Maintenance.check(t.db, quick: true).ok)
        if engine == .postgresql {
            // the scratch schema the comparison was made in is gone with its transaction
            #expect(try t.db.scalarInt("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'mygaz_check_%'") == 0)
            #expect(try t.db.scalarString("SELECT current_setting('search_path')") == "\"$user\", public")
        }
    }

    /// What each engine says to drop, change or add the same thing.
    static func dropTrigger(_ name: String, on table: String, _ engine: TestEngine) -> String {
        engine == .sqlite ? "DROP TRIGGER \(name)" : "DROP TRIGGER \(name) ON \(table)"
    }

    @Test(arguments: TestEngine.all) func aDroppedIndexOrTriggerAndAnUnknownTriggerAreNamed(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        try t.db.execute("DROP INDEX reading_queue")
        try t.db.execute(Self.dropTrigger("queue_count_1_reading_insert", on: "reading", engine))
        try t.db.execute(engine == .sqlite
            ? "CREATE TRIGGER quiet AFTER INSERT ON audit BEGIN DELETE FROM audit WHERE id = NEW.id; END"
            : """
              CREATE FUNCTION quiet() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM audit WHERE id = NEW.id; RETURN NULL; END $$;
              CREATE TRIGGER quiet AFTER INSERT ON audit FOR EACH ROW EXECUTE FUNCTION quiet();
              """)
        let report = try Maintenance.check(t.db, quick: false)
        #expect(!report.ok)
        #expect(report.problems.contains("index reading_queue is missing"), "\(report.problems)")
        #expect(report.problems.contains("trigger queue_count_1_reading_insert is missing"), "\(report.problems)")
        #expect(report.problems.contains { $0.hasPrefix("unknown trigger quiet on audit") }, "\(report.problems)")
        #expect(report.problems.count == 3, "nothing else: \(report.problems)")
    }

    @Test(arguments: TestEngine.all) func aColumnRenamedIsMissingAndUnknown(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        try t.db.execute("ALTER TABLE ticket RENAME COLUMN sender_name TO sender_full_name")
        let problems = try Maintenance.check(t.db, quick: false).problems
        #expect(problems.contains("table ticket: column sender_name is missing"), "\(problems)")
        #expect(problems.contains("table ticket: unknown column sender_full_name"), "\(problems)")
    }

    @Test(arguments: TestEngine.all) func aCounterSetWrongIsNamedAndRecountPutsItRight(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        try t.db.execute("""
            INSERT INTO rgk (id, code, name, created_at, updated_at) VALUES (1, 'vologda', 'В', 'x', 'x');
            INSERT INTO account (id, rgk_id, number, updated_at) VALUES (1, 1, '1', 'x');
            INSERT INTO meter (id, account_id, serial, digits) VALUES (1, 1, 'A1', 5);
            INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at) VALUES (1, 5, '2026-07-01', 'portal', 'pending', '2026-07-01T10:00:00Z');
            """)
        #expect(try Maintenance.check(t.db, quick: false).ok, "the triggers counted the reading")
        try t.db.run("UPDATE queue_count SET count = count + 5 WHERE queue = 'readings_pending' AND rgk_id = 1")
        let report = try Maintenance.check(t.db, quick: false)
        #expect(report.problems == ["queue count readings_pending of vologda is 6, the table has 1: run mygaz-admin db recount"], "\(report.problems)")
        #expect(try QueueCounters.recountAll(t.session) == 1)
        #expect(try Maintenance.check(t.db, quick: false).ok)
        #expect(try t.count("audit", "action = 'db.recount'") == 1)
        #expect(try QueueCounters.recountAll(t.session) == 0, "nothing left to correct")
    }

    @Test(arguments: TestEngine.all) func aStrayLoginIsListedAndTheDatabaseIsStillSound(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        try t.db.run("""
            INSERT INTO portal_user (login, login_kind, status, registered_at, updated_at, confirm_until)
            VALUES ('89115550011', 'phone', 'pending', '2026-07-19T10:00:00Z', '2026-07-19T10:00:00Z', '2026-07-26T10:00:00Z')
            """)
        let report = try Maintenance.check(t.db, quick: false)
        #expect(report.ok, "a spelling is no fault of the database (db repair-logins): \(report.problems)")
        #expect(report.strays.map(\.stored) == ["89115550011"] && report.strays.first?.normal == "+79115550011")
    }

    @Test(arguments: TestEngine.all) func statsCountEveryTableExactly(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        for n in 1...7 {
            try t.db.run("INSERT INTO faq (topic, question, answer, created_at, updated_at) VALUES ('other', ?, 'a', 'x', 'x')", "q\(n)")
        }
        let s = try Maintenance.stats(t.db)
        let rows = Dictionary(uniqueKeysWithValues: s.rows)
        #expect(rows["faq"] == 7 && rows["operator"] == 1 && rows["reading"] == 0, "\(s.rows)")
        #expect(s.rows.map(\.0) == s.rows.map(\.0).sorted(), "by name")
        #expect(s.schemaVersion == Schema.currentVersion && s.databaseBytes > 0 && !s.engineVersion.isEmpty)
        #expect(s.engine == engine.rawValue)
        if engine == .sqlite {
            #expect(s.walBytes != nil && s.pageSize == 4096 && s.freePages != nil)
            #expect(rows["user_search"] != nil)
        } else {
            #expect(s.walBytes == nil && s.pageSize == nil && s.freePages == nil, "SQLite's alone")
            #expect(rows["schema_version"] == 1 && s.rows.count >= 35)
            #expect(s.engineVersion.first?.isNumber == true, "\(s.engineVersion)")
        }
    }
}

/// What only the server's catalogue says: a trigger switched off, a constraint added unvalidated
/// or by someone else, a column's type, a function rewritten; and a role that may not make the
/// scratch schema is told what to do.
@Suite(.enabled(if: PGServer.available)) struct PGMaintenanceTests {
    @Test func whatTheServersCatalogueAloneSaysIsNamed() throws {
        let t = try TestDB(engine: .postgresql)
        try t.db.execute("""
            ALTER TABLE reading DISABLE TRIGGER queue_count_1_reading_update;
            ALTER TABLE ticket ADD CONSTRAINT short_names CHECK (length(sender_name) < 80);
            ALTER TABLE account ALTER COLUMN number TYPE varchar(20);
            CREATE UNIQUE INDEX one_email ON portal_user (email);
            CREATE INDEX portal_own ON portal_user (updated_at);
            ALTER TABLE outbox DROP CONSTRAINT outbox_check;
            ALTER TABLE outbox ADD CONSTRAINT outbox_check CHECK (channel <> 'email' OR subject IS NOT NULL) NOT VALID;
            CREATE OR REPLACE FUNCTION mygaz_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT lower(t) $$;
            CREATE TABLE portal_notes (id bigint);
            """)
        let problems = try Maintenance.check(t.db, quick: false).problems
        let expected = [
            "trigger queue_count_1_reading_update on reading is disabled, so what it keeps is not kept: ALTER TABLE reading ENABLE TRIGGER queue_count_1_reading_update, then run mygaz-admin db recount",
            "unknown constraint short_names on ticket: it may refuse the program's writes; drop it or ask who made it",
            "table account: column number is character varying(20) NOT NULL, expected text NOT NULL",
            "unknown index one_email on portal_user: it may refuse the program's writes; drop it or ask who made it",
            "constraint outbox_check on outbox is not validated, so old rows may break it: ALTER TABLE outbox VALIDATE CONSTRAINT outbox_check",
            "function mygaz_fold differs from this version's",
        ]
        for problem in expected { #expect(problems.contains(problem), "\(problem)\nnot in: \(problems)") }
        // an index of the portal's own for its queries, a table of its own: its business
        #expect(!problems.contains { $0.contains("portal_own") || $0.contains("portal_notes") }, "\(problems)")
    }

    @Test func aRoleThatMayNotMakeTheScratchSchemaIsToldWhatToDo() throws {
        let database = try PGServer.database()
        let owner = try Engines.open(database.uri, purpose: .initialise, busyTimeoutMs: 2000)
        try Engines.migrate(owner)
        let role = "clerk_\(UInt32.random(in: 0...UInt32.max))"
        try database.server.withAdmin { try $0.execute("CREATE ROLE \(role) LOGIN") }
        defer { _ = try? database.server.withAdmin { try $0.execute("DROP OWNED BY \(role); DROP ROLE \(role)") } }
        try owner.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(role)")
        let clerk = try Engines.open(database.address.replacingOccurrences(of: "user=\(database.server.user)", with: "user=\(role)"),
                                     purpose: .use, busyTimeoutMs: 2000)
        #expect {
            try Maintenance.check(clerk, quick: false)
        } throws: {
            ($0 as? MyGazError).map { $0.status == .permission && $0.message.key == .checkNeedsScratchSchema } == true
        }
        // the counts and the stats need no more than reading
        #expect(try Maintenance.stats(clerk).rows.count >= 35)
    }
}
