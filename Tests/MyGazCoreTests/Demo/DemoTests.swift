import EngineHarness
import Foundation
import Testing
@testable import MyGazCore

@Suite struct DemoTests {
    static let anchor = Day(year: 2026, month: 7, day: 20)!

    /// The tables the demo writes, each in a fixed order, with the columns to compare: every
    /// column but the salted hashes (a fresh salt per run is the point of a salt) and the
    /// columns PostgreSQL alone keeps (`PGSchemaTests.Only.postgresColumns`).
    static let compared: [(table: String, columns: String, order: String)] = [
        ("rgk", "*", "id"), ("office", "*", "id"), ("faq", "*", "id"), ("setting", "key, value, updated_at, updated_by", "key"),
        ("account", "id, rgk_id, number, surname, name, patronymic, address, phone, residents, heated_area, status, updated_at", "id"),
        ("portal_user", "id, login, login_kind, full_name, email, phone, status, blocked_reason, consent_at, consent_channel, "
            + "notify_debts, notify_status, notify_news, email_bills, registered_at, confirm_until, confirmed_at, deleted_at, updated_at", "id"),
        ("confirmation_code", "id, user_id, purpose, channel, destination, created_at, expires_at, attempts", "id"),
        ("user_account", "*", "user_id, account_id"), ("meter", "*", "id"), ("reading", "*", "id"), ("service", "*", "id"),
        ("settlement", "*", "id"), ("payment", "*", "id"), ("contract", "*", "id"), ("act", "*", "id"), ("act_item", "*", "id"),
        ("pin_request", "*", "id"), ("pin", "id, account_id, source, state, issued_at, issued_by, expires_at, request_id", "id"),
        ("application", "*", "id"), ("application_maintenance", "*", "application_id"), ("application_repair", "*", "application_id"),
        ("application_recalculation", "*", "application_id"), ("application_contract", "*", "application_id"),
        ("application_equipment", "*", "id"), ("application_event", "*", "id"), ("attachment", "*", "id"),
        ("ticket", "*", "id"), ("ticket_message", "*", "id"), ("outbox", "*", "id"), ("import_batch", "*", "id"),
        ("social_identity", "*", "id"), ("activation_link", "*", "id"),
        ("account_benefit", "*", "id"), ("account_consumption", "*", "id"), ("account_equipment", "*", "id"),
        ("user_card", "*", "id"),
    ]

    /// A digest of every row the demo wrote, read by column name through `Storage`: the same on
    /// either engine for the same rows.
    static func checksum(_ db: any Storage) throws -> String {
        var hasher = SHA256()
        for (table, columns, order) in compared {
            hasher.update(Array("\(table)\n".utf8))
            try db.eachRow("SELECT \(columns) FROM \(table) ORDER BY \(order)", arguments: []) { row in
                for (name, value) in zip(row.columns.names, row.values) { hasher.update(Array("\(name)=\(value)|".utf8)) }
                hasher.update([0x0A])
            }
        }
        return hasher.finishHex()
    }

    static func counts(_ db: any Storage) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for (table, _, _) in compared { counts[table] = try db.scalarInt("SELECT count(*) FROM \(table)") }
        return counts
    }

    @Test func sameSeedSameRegion() throws {
        let a = try TestDB(), b = try TestDB()
        let options = DemoGenerator.Options(accounts: 300, seed: 7, anchor: Self.anchor)
        _ = try DemoGenerator.generate(a.session, options)
        _ = try DemoGenerator.generate(b.session, options)
        #expect(try Self.checksum(a.db) == Self.checksum(b.db))
        let other = try TestDB()
        _ = try DemoGenerator.generate(other.session, .init(accounts: 300, seed: 8, anchor: Self.anchor))
        #expect(try Self.checksum(other.db) != Self.checksum(a.db), "another seed, another region")
    }

    @Test func theDemoPassesTheDatabaseCheck() throws {
        let t = try TestDB()
        _ = try DemoGenerator.generate(t.session, .init(accounts: 300, seed: 7, anchor: Self.anchor))
        let report = try Maintenance.check(t.db, quick: false)
        #expect(report.ok, "\(report.problems)")
    }

    /// The rows are written through `Storage` in SQL both engines read, in bulk each its own
    /// way (prepared INSERTs on SQLite, COPY on PostgreSQL): the same rows, ids included. (Once
    /// per `swift test`: the PostgreSQL half need not compare the engines again.)
    @Test(.enabled(if: PGServer.available && !PostgreSQLHalf.isThisProcess)) func theSameSeedGivesTheSameRowsOnBothEngines() throws {
        let sqlite = try TestDB(engine: .sqlite), postgres = try TestDB(engine: .postgresql)
        let options = DemoGenerator.Options(accounts: 300, seed: 7, anchor: Self.anchor)
        let a = try DemoGenerator.generate(sqlite.session, options)
        let b = try DemoGenerator.generate(postgres.session, options)
        #expect((a.users, a.pendingReadings, a.openApplications) == (b.users, b.pendingReadings, b.openApplications))
        #expect(try Self.counts(sqlite.db) == Self.counts(postgres.db))
        #expect(try Self.checksum(sqlite.db) == Self.checksum(postgres.db))
    }

    /// A server's planner knows the demo's tables at once: a region loaded in one transaction has no
    /// statistics until autovacuum comes by, and a page of fifty would read the whole table meanwhile.
    @Test(.enabled(if: TestEngine.default == .postgresql, "the planner's statistics are a server's")) func theDemoLeavesThePlannerItsStatistics() throws {
        let t = try TestDB()
        _ = try DemoGenerator.generate(t.session, .init(accounts: 300, seed: 7, anchor: Self.anchor))
        let unknown = try t.db.query("SELECT relname FROM pg_class WHERE relname IN ('account', 'reading', 'portal_user', 'payment') AND reltuples < 0")
            .map { try $0.string("relname") }
        #expect(unknown.isEmpty, "never analysed: \(unknown)")
    }

    /// The counters a server's demo wrote over and over in its one transaction are left compact:
    /// `status` reads each of their rows, not the versions every write left behind.
    @Test(.enabled(if: TestEngine.default == .postgresql, "a server's row versions")) func theDemoLeavesTheCountersCompact() throws {
        let t = try TestDB()
        _ = try DemoGenerator.generate(t.session, .init(accounts: 3000, seed: 7, anchor: Self.anchor))
        let counters = try #require(try t.db.queryOne("""
            SELECT pg_relation_size('queue_count') AS queue_bytes, pg_relation_size('due_count') AS due_bytes,
                   (SELECT sum(pg_column_size(q.*)) FROM queue_count q) AS queue_rows, (SELECT sum(pg_column_size(d.*)) FROM due_count d) AS due_rows
            """))
        // a page holds 8 kB less its header and each row's pointer and header
        for (table, rows) in [("queue", try counters.int("queue_rows")), ("due", try counters.int("due_rows"))] {
            let pages = try counters.int("\(table)_bytes") / 8192
            #expect(pages <= rows / 6_000 + 1, "\(table)_count: \(pages) pages for \(rows) bytes of rows")
        }
    }

    /// PostgreSQL's identities go on after the ids the demo named: what a clerk adds next gets a new id.
    @Test(arguments: TestEngine.all) func theNextRowAfterTheDemoGetsANewID(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        _ = try DemoGenerator.generate(t.session, .init(accounts: 50, seed: 3, anchor: Self.anchor))
        let accounts = try t.count("account"), users = try t.count("portal_user")
        let id = try t.db.insert("""
            INSERT INTO account (rgk_id, number, status, updated_at) VALUES ((SELECT min(id) FROM rgk), '99999999', 'open', '2026-07-20T00:00:00Z')
            """)
        #expect(id == Int64(accounts) + 1)
        let user = try t.db.insert("""
            INSERT INTO portal_user (login, login_kind, status, registered_at, updated_at)
            VALUES ('+79990000000', 'phone', 'pending', '2026-07-20T00:00:00Z', '2026-07-20T00:00:00Z')
            """)
        #expect(user == Int64(users) + 1)
    }

    /// A server's indexes, keys and triggers as the catalog has them, to compare two databases.
    static func catalog(_ db: any Storage) throws -> [String] {
        try db.query("SELECT indexdef AS d FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname").map { try $0.string("d") }
            + db.query("""
                SELECT conname || ' ' || pg_get_constraintdef(oid) AS d FROM pg_constraint
                WHERE connamespace = current_schema()::regnamespace ORDER BY conname
                """).map { try $0.string("d") }
            + db.query("""
                SELECT tgrelid::regclass::text || ' ' || tgname || ' ' || CAST(tgenabled AS text) AS d FROM pg_trigger
                WHERE NOT tgisinternal ORDER BY 1
                """).map { try $0.string("d") }
    }

    /// The accounts' rows go in as a bulk load (indexes, keys and triggers dropped, made again
    /// after): the server's database ends with every one of them as `init` made it, and the
    /// counters the triggers keep are right.
    @Test(.enabled(if: PGServer.available)) func theBulkLoadLeavesEveryIndexKeyAndTriggerAsInitMadeIt() throws {
        let fresh = try TestDB(engine: .postgresql), t = try TestDB(engine: .postgresql)
        _ = try DemoGenerator.generate(t.session, .init(accounts: 300, seed: 7, anchor: Self.anchor))
        let made = try Self.catalog(fresh.db)
        #expect(made.count > 100, "\(made.count) indexes, constraints and triggers")
        #expect(try Self.catalog(t.db) == made)
        #expect(try QueueCounters.differences(t.db).isEmpty)
        let processing = try t.db.scalarInt("SELECT count(*) FROM payment WHERE state = 'processing' AND paid_on = '2026-07-20'") ?? 0
        #expect(processing > 0)
        #expect(try t.db.scalarInt("SELECT sum(count) FROM queue_count WHERE queue = 'payment_processing_2026-07-20'") == processing,
                "the payments loaded in bulk are counted (per RGK)")
    }

    /// A bulk load whose rows break a key fails at the end, in the load's transaction: nothing of it
    /// stays, the schema included — a foreign key (a meter that is not there) or a primary key (an
    /// id twice: the keys are made again after the rows, as the indexes are).
    @Test(.enabled(if: PGServer.available), arguments: [
        "INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at) VALUES (999, 1, '2026-07-01', 'rgk', 'accepted', 'x')",
        "INSERT INTO rgk (id, code, name, created_at, updated_at) VALUES (7, 'aa', 'А', 'x', 'x'), (7, 'bb', 'Б', 'x', 'x')",
    ]) func aBulkLoadThatBreaksAKeyFailsAndLeavesTheSchemaAsItWas(_ breaking: String) throws {
        let t = try TestDB(engine: .postgresql)
        let pg = try #require(t.db as? PGConnection)
        let before = try Self.catalog(t.db)
        let error = #expect(throws: (any Error).self) {
            try t.db.write {
                let load = try #require(try PGBulkLoad.begin(pg, tables: ["rgk", "meter", "reading"]))
                try t.db.run(breaking, arguments: [])
                try load.finish()
            }
        }
        #expect("\(error as Any)".contains(breaking.contains("rgk (id") ? "rgk_pkey" : "reading_meter_id_fkey"), "\(error as Any)")
        #expect(try t.count("reading") == 0 && t.count("rgk") == 0)
        #expect(try Self.catalog(t.db) == before)
    }

    /// The accounts' parts are written on a thread of their own while the next is made: a part the
    /// engine refuses (the third of five, its readings) stops the demo with the engine's own error,
    /// and the connection is the caller's again, usable.
    @Test(arguments: TestEngine.all) func aPartTheEngineRefusesStopsTheDemoWithItsError(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let refused = "a reading of the third part"
        if engine == .postgresql {
            // a bulk load turns the triggers off, not the checks
            try t.db.execute("ALTER TABLE reading ADD CONSTRAINT refuse_third_part CHECK (meter_id <= 11000)")
        } else {
            try t.db.execute("""
                CREATE TRIGGER refuse_third_part BEFORE INSERT ON reading WHEN NEW.meter_id > 11000
                BEGIN SELECT RAISE(ABORT, '\(refused)'); END
                """)
        }
        #expect { _ = try DemoGenerator.generate(t.session, .init(accounts: 25_000, seed: 1, anchor: Self.anchor)) } throws: { error in
            "\(error)".contains(engine == .postgresql ? "refuse_third_part" : refused)
        }
        #expect(try t.db.scalarInt("SELECT count(*) FROM meter WHERE id > 11000") ?? -1 >= 0, "the connection answers")
        if engine == .postgresql { #expect(try t.count("account") == 0, "the server's demo is one transaction") }
    }

    /// On a server the demo is one transaction: a failure after the accounts leaves no row behind.
    @Test(.enabled(if: PGServer.available)) func aDemoThatFailsMidwayLeavesTheServerDatabaseAsItWas() throws {
        let t = try TestDB(engine: .postgresql)
        // the tickets come after every account: a trigger refuses the first
        try t.db.execute("""
            CREATE FUNCTION refuse_ticket() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no tickets today'; END $$;
            CREATE TRIGGER refuse_ticket BEFORE INSERT ON ticket FOR EACH ROW EXECUTE FUNCTION refuse_ticket();
            """)
        #expect(throws: (any Error).self) {
            _ = try DemoGenerator.generate(t.session, .init(accounts: 120, seed: 1, anchor: Self.anchor))
        }
        #expect(try t.count("rgk") == 0)
        #expect(try t.count("account") == 0)
        #expect(try t.count("reading") == 0)
        #expect(try t.count("operator") == 1, "the operator registered before stays")
    }

    @Test func theRegionHasEverythingTheIssueAsksFor() throws {
        let t = try TestDB()
        let summary = try DemoGenerator.generate(t.session, .init(accounts: 400, seed: 1, anchor: Self.anchor))
        #expect(summary.accounts == 400)
        #expect(try t.count("rgk") >= 2)
        #expect(try t.count("office") >= 2)
        for status in UserStatus.codes { #expect(try t.count("portal_user", "status = '\(status)'") > 0, "users \(status)") }
        for level in AccessLevel.codes { #expect(try t.count("user_account", "access_level = '\(level)'") > 0) }
        for kind in ApplicationKind.codes {
            for status in ApplicationStatus.codes {
                #expect(try t.count("application", "kind = '\(kind)' AND status = '\(status)'") > 0, "\(kind) \(status)")
            }
        }
        for status in TicketStatus.codes { #expect(try t.count("ticket", "status = '\(status)'") > 0) }
        #expect(try t.count("meter", "state = 'faulty'") >= 1)
        #expect(try t.count("meter", "next_verification < '2026-07-20'") >= 1)
        #expect(try t.count("service", "balance_kop < 0") >= 1)
        #expect(try t.count("pin_request", "status = 'open'") >= 1)
        #expect(try t.count("faq") >= 7)
        #expect(try t.count("reading", "status = 'pending'") > 50)
        #expect(try t.count("reading", "status = 'pending' AND rgk_id IS NULL") == 0, "the queue's readings know their RGK")
        // the «Абонент» section: a stove everywhere, every kind of equipment, benefits in force and ended
        #expect(try t.count("account_equipment", "kind = 'stove'") == 400)
        for kind in ApplianceKind.codes where kind != "convector" { #expect(try t.count("account_equipment", "kind = '\(kind)'") > 0, "\(kind)") }
        #expect(try t.count("account_consumption") > 400)
        #expect(try t.count("portal_user", "username IS NOT NULL") > 50)
        #expect(try t.db.scalarInt("SELECT count(DISTINCT username_key) FROM portal_user") == t.count("portal_user", "username IS NOT NULL"))
        #expect(try t.db.query("SELECT username, username_key FROM portal_user WHERE username IS NOT NULL").allSatisfy {
            try Username.isValid($0.string("username")) && Username.key($0.string("username")) == $0.string("username_key")
        })
        #expect(try t.count("user_card") > 20 && t.count("user_card", "user_id IN (SELECT id FROM portal_user WHERE status = 'deleted')") == 0)
        #expect(try t.count("account_benefit", "valid_until IS NULL") > 20 && t.count("account_benefit", "valid_until IS NOT NULL") > 5)
        #expect(throws: MyGazError.self) {
            _ = try DemoGenerator.generate(t.session, .init(accounts: 10, seed: 1, anchor: Self.anchor))
        }
    }

    /// A large demo gives every user of a common name a username of her own: the letters tried
    /// after a taken name once ran out at 26 per name, and `demo --accounts 5000000` never ended.
    @Test func aThousandNamesakesEachGetAUsernameOfTheirOwn() {
        var usernames = DemoUsernames()
        var keys = Set<String>()
        for id in 1...3000 {
            let name = usernames.pick(id % 2 == 0 ? "Анна Смирнова" : String(repeating: "Анна", count: 12), userID: Int64(id))
            #expect(Username.isValid(name), "\(name)")
            keys.insert(Username.key(name))
        }
        #expect(keys.count == 3000)
        #expect(DemoUsernames.letters(0) == "a" && DemoUsernames.letters(25) == "z" && DemoUsernames.letters(26) == "aa"
                && DemoUsernames.letters(701) == "zz" && DemoUsernames.letters(702) == "aaa")
    }
}
