import EngineHarness
import Foundation
import Testing
@testable import MyGazCore

/// Issue 37, item 3: the audit trail chained by SHA-256 on either engine — every row placed and
/// verifiable, the same hash for the same row on both engines, each way of rewriting the trail
/// afterwards named with its row, writers at once on a server leaving one chain, an older
/// database chained by its migration, and the server refusing to rewrite it.
@Suite struct AuditChainTests {
    // MARK: fixtures

    /// Seven rows: `operator.add` (1, the bootstrap), then six acceptances (2…7); row 4 has a reason.
    static func trail(_ engine: TestEngine) throws -> TestDB {
        let t = try TestDB(engine: engine)
        for i in 1...6 {
            t.advance(seconds: 60)
            try t.db.write {
                try t.session.audit("reading.accept", .reading, Int64(100 + i), old: "pending", new: "accepted", reason: i == 3 ? "по звонку клиента" : nil)
            }
        }
        return t
    }

    /// Runs `sql` around the program, as someone who holds the file or owns the table would: on
    /// SQLite with the guard triggers dropped, on PostgreSQL with the tables' triggers off.
    static func tamper(_ t: TestDB, _ sql: String) throws {
        switch t.engine {
        case .sqlite:
            try t.db.execute("""
                DROP TRIGGER IF EXISTS audit_insert_only_update; DROP TRIGGER IF EXISTS audit_insert_only_delete;
                DROP TRIGGER IF EXISTS audit_chain_forward; DROP TRIGGER IF EXISTS audit_chain_kept;
                \(sql);
                """)
        case .postgresql:
            try t.db.execute("""
                ALTER TABLE audit DISABLE TRIGGER USER; ALTER TABLE audit_chain DISABLE TRIGGER USER;
                \(sql);
                ALTER TABLE audit ENABLE TRIGGER USER; ALTER TABLE audit_chain ENABLE TRIGGER USER;
                """)
        }
    }

    /// The links of the rows as stored, in chain order.
    static func links(_ db: any Storage) throws -> [(link: AuditChain.Link, hash: String)] {
        try db.query("""
            SELECT id, at, operator, action, entity_type, entity_id, old_value, new_value, reason, reason_code, reason_args,
                   reason_salt, reason_digest, chain_seq, chain_hash
            FROM audit WHERE chain_seq IS NOT NULL ORDER BY chain_seq
            """).map { let e = try AuditChain.Entry($0); return (e.link, e.stored) }
    }

    // MARK: placing

    @Test(arguments: TestEngine.all) func everyRowWrittenIsPlacedInOrderAndTheChainHolds(_ engine: TestEngine) throws {
        let t = try Self.trail(engine)
        try t.db.write { try t.session.audit("reading.accept", .reading, ids: [201, 202, 203], old: "pending", new: "accepted") }
        // a row written in a savepoint that is undone takes no place
        try t.db.write {
            #expect(throws: MyGazError.self) {
                try t.db.savepoint {
                    try t.session.audit("reading.accept", .reading, 300, old: "pending", new: "accepted")
                    throw MyGazError(.conflict, .notFound)
                }
            }
            try t.session.audit("reading.accept", .reading, 301, old: "pending", new: "accepted")
        }
        let rows = try Self.links(t.db)
        #expect(rows.map(\.link.seq) == Array(1...11))
        #expect(rows.map(\.link.entityID) == [t.session.login, "101", "102", "103", "104", "105", "106", "201", "202", "203", "301"])
        var previous = AuditChain.genesis
        for row in rows {
            #expect(AuditChain.hash(after: previous, row.link) == row.hash, "row \(row.link.id)")
            previous = row.hash
        }
        let head = try #require(try t.db.queryOne("SELECT last_seq, last_hash FROM audit_chain"))
        #expect(try head.int64("last_seq") == 11 && head.string("last_hash") == previous)
        #expect(try t.count("audit", "chain_seq IS NULL") == 0)
        let verified = try AuditChain.verify(t.db)
        #expect(verified.ok && verified.rows == 11 && verified.firstID == 1 && verified.lastHash == previous, "\(String(describing: verified.fault))")
        // the reason is the one the digest covers; its salt is 128 random bits
        let reason = try #require(try t.db.queryOne("SELECT reason, reason_salt, reason_digest FROM audit WHERE entity_id = '103'"))
        let salt = try reason.string("reason_salt")
        #expect(salt.count == 32 && salt.allSatisfy(\.isHexDigit))
        #expect(try AuditChain.reasonDigest(reason.string("reason"), salt: salt) == reason.string("reason_digest"))
    }

    @Test(.enabled(if: PGServer.available)) func bothEnginesGiveTheSameHashForTheSameRow() throws {
        let lite = try TestDB(engine: .sqlite), server = try TestDB(engine: .postgresql)
        for t in [lite, server] {
            try t.db.write { try t.session.audit("user.block", .user, 5, old: "active", new: "blocked") }
            try t.db.write { try t.session.audit("reading.accept", .reading, ids: [7, 8], old: "pending", new: "accepted") }
            try t.db.write { try t.session.audit("ticket.reply", .ticket, 9, old: "new", new: "answered", note: AuditNote(.faqAnswer, ["faq": .int(3)])) }
        }
        let sql = "SELECT id, chain_seq, chain_hash FROM audit ORDER BY chain_seq"
        let a = try lite.db.query(sql).map { "\(try $0.int64("id")) \(try $0.int64("chain_seq")) \(try $0.string("chain_hash"))" }
        let b = try server.db.query(sql).map { "\(try $0.int64("id")) \(try $0.int64("chain_seq")) \(try $0.string("chain_hash"))" }
        #expect(a.count == 5 && a == b, "SQLite (the program): \(a)\nPostgreSQL (its trigger): \(b)")

        // the server's function against the program's on what the canonical form must tell apart
        let samples: [AuditChain.Link] = [
            .init(seq: 1, id: 1, at: "2026-07-01T10:00:00Z", operatorLogin: "ivanova", action: "user.block", entityType: "user",
                  entityID: nil, oldValue: nil, newValue: nil, reasonCode: nil, reasonArgs: nil, reasonDigest: nil),
            .init(seq: 2, id: 9_000_000_001, at: "2026-07-01T10:00:00Z", operatorLogin: "", action: "a", entityType: "b",
                  entityID: "", oldValue: "-", newValue: "1:x", reasonCode: "code_sent", reasonArgs: #"{"channel":"sms"}"#,
                  reasonDigest: String(repeating: "ab", count: 32)),
            .init(seq: 3, id: 3, at: "2026-07-01T10:00:00Z", operatorLogin: "петрова", action: "ёлка 🎄", entityType: "user",
                  entityID: "5:vologda/1", oldValue: "строка\nвторая\t|", newValue: "\u{0}x", reasonCode: nil, reasonArgs: nil, reasonDigest: nil),
        ]
        var previous = AuditChain.genesis
        for link in samples {
            let row = try server.db.queryOne("""
                SELECT mygaz_audit_hash(CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT),
                                        CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT)) AS h
                """, previous, link.seq, link.id, link.at, link.operatorLogin, link.action, link.entityType, link.entityID, link.oldValue,
                link.newValue.map { $0.replacingOccurrences(of: "\u{0}", with: "") }, link.reasonCode, link.reasonArgs, link.reasonDigest)
            var same = link
            same.newValue = link.newValue.map { $0.replacingOccurrences(of: "\u{0}", with: "") }   // PostgreSQL text holds no NUL
            let swift = AuditChain.hash(after: previous, same)
            #expect(try row?.string("h") == swift, "\(link)")
            previous = swift
        }
        #expect(AuditChain.hash(after: AuditChain.genesis, samples[0]) != AuditChain.hash(after: AuditChain.genesis, {
            var moved = samples[0]; moved.entityID = ""; return moved }()), "NULL and '' differ")
    }

    // MARK: each way of rewriting the trail, named

    struct Scenario: CustomTestStringConvertible, Sendable {
        let name: String
        /// the SQL, given the stored links (to forge a hash as someone who read docs/schema.md would)
        let sql: @Sendable ([(link: AuditChain.Link, hash: String)]) -> String
        let kind: AuditChain.FaultKind
        let id: Int64?
        var after: Int64? = nil
        var count: Int64 = 0
        var testDescription: String { name }
    }

    /// The two-step renumbering both engines take under a unique index: out of the way, then back.
    static func shift(from seq: Int64, by delta: Int64) -> String {
        "UPDATE audit SET chain_seq = -chain_seq WHERE chain_seq >= \(seq); UPDATE audit SET chain_seq = \(delta) - chain_seq WHERE chain_seq < 0"
    }

    static let scenarios: [Scenario] = [
        Scenario(name: "a row's content changed", sql: { _ in "UPDATE audit SET new_value = 'rejected' WHERE id = 4" }, kind: .contentChanged, id: 4),
        Scenario(name: "a row's hash edited", sql: { _ in "UPDATE audit SET chain_hash = '\(String(repeating: "f", count: 64))' WHERE id = 4" },
                 kind: .hashEdited, id: 4),
        Scenario(name: "a reason reworded", sql: { _ in "UPDATE audit SET reason = 'по ошибке' WHERE id = 4" }, kind: .reasonChanged, id: 4),
        Scenario(name: "a reason's digest made to fit", sql: { rows in
            let digest = AuditChain.reasonDigest("по ошибке", salt: String(repeating: "0", count: 32))
            return "UPDATE audit SET reason = 'по ошибке', reason_salt = '\(String(repeating: "0", count: 32))', reason_digest = '\(digest)' WHERE id = 4"
        }, kind: .contentChanged, id: 4),
        Scenario(name: "two rows deleted", sql: { _ in "DELETE FROM audit WHERE id IN (4, 5)" }, kind: .rowsMissing, id: 6, after: 3, count: 2),
        Scenario(name: "a row deleted and the places closed up", sql: { _ in "DELETE FROM audit WHERE id = 4; " + shift(from: 5, by: -1) },
                 kind: .rowsMissing, id: 5, after: 3, count: 1),
        Scenario(name: "the last row deleted", sql: { _ in "DELETE FROM audit WHERE id = 7" }, kind: .lastRowsMissing, id: 6, count: 1),
        Scenario(name: "the last row's content changed", sql: { _ in "UPDATE audit SET operator = 'someone' WHERE id = 7" }, kind: .contentChanged, id: 7),
        Scenario(name: "the last row's hash edited", sql: { _ in "UPDATE audit SET chain_hash = '\(String(repeating: "e", count: 64))' WHERE id = 7" },
                 kind: .hashEdited, id: 7),
        Scenario(name: "a row inserted in the middle, its hash forged", sql: { rows in
            let forged = AuditChain.Link(seq: 4, id: 100, at: rows[2].link.at, operatorLogin: "someone", action: "reading.reject", entityType: "reading",
                                         entityID: "555", oldValue: "pending", newValue: "rejected", reasonCode: nil, reasonArgs: nil, reasonDigest: nil)
            return shift(from: 4, by: 1) + """
                ; INSERT INTO audit (id, at, operator, action, entity_type, entity_id, old_value, new_value, chain_seq, chain_hash)
                VALUES (100, '\(forged.at)', 'someone', 'reading.reject', 'reading', '555', 'pending', 'rejected', 4,
                        '\(AuditChain.hash(after: rows[2].hash, forged))')
                """
        }, kind: .rowInserted, id: 100),
        Scenario(name: "a row inserted in the middle with any hash", sql: { rows in
            shift(from: 4, by: 1) + """
                ; INSERT INTO audit (id, at, operator, action, entity_type, entity_id, chain_seq, chain_hash)
                VALUES (100, '\(rows[2].link.at)', 'someone', 'reading.reject', 'reading', '555', 4, 'x')
                """
        }, kind: .rowInserted, id: 100),
        Scenario(name: "a row written around the program", sql: { rows in
            "INSERT INTO audit (id, at, operator, action, entity_type) VALUES (100, '\(rows[2].link.at)', 'someone', 'user.block', 'user')"
        }, kind: .notInChain, id: 100),
        Scenario(name: "the head's hash edited", sql: { _ in "UPDATE audit_chain SET last_hash = '\(String(repeating: "d", count: 64))'" },
                 kind: .headDiffers, id: 7),
    ]

    @Test(arguments: TestEngine.all, scenarios)
    func eachRewriteIsNamedWithItsRow(_ engine: TestEngine, _ scenario: Scenario) throws {
        let t = try Self.trail(engine)
        #expect(try AuditChain.verify(t.db).ok)
        try Self.tamper(t, scenario.sql(try Self.links(t.db)))
        let verified = try AuditChain.verify(t.db)
        let fault = try #require(verified.fault, "\(scenario.name) went unnoticed")
        #expect(fault.kind == scenario.kind && fault.id == scenario.id, "\(scenario.name): \(fault)")
        if scenario.kind == .rowsMissing || scenario.kind == .lastRowsMissing {
            #expect(fault.after == scenario.after && fault.count == scenario.count, "\(scenario.name): \(fault)")
        }
        // db check says the same, among what else it finds
        let report = try Maintenance.check(t.db, quick: true)
        #expect(report.auditChain?.fault == fault && report.problems.contains(fault.description), "\(report.problems)")
    }

    @Test(arguments: TestEngine.all) func sinceStartsAtThatDaysFirstRowFromTheStoredHashBeforeIt(_ engine: TestEngine) throws {
        let t = try Self.trail(engine)
        t.advance(seconds: 2 * 86_400)
        let day = t.session.now
        for id in [401, 402] { try t.db.write { try t.session.audit("reading.accept", .reading, Int64(id), old: "pending", new: "accepted") } }
        let recent = try AuditChain.verify(t.db, since: day)
        #expect(recent.ok && recent.rows == 2 && recent.firstID == 8 && recent.lastID == 9)
        // a row changed before the day is not read from the day on; the whole chain finds it
        try Self.tamper(t, "UPDATE audit SET new_value = 'rejected' WHERE id = 3")
        #expect(try AuditChain.verify(t.db, since: day).ok)
        #expect(try AuditChain.verify(t.db).fault == AuditChain.Fault(.contentChanged, 3))
        // the row just before the day, whose hash the day's first row is computed from, is recomputed too
        try Self.tamper(t, "UPDATE audit SET chain_hash = '\(String(repeating: "0", count: 64))' WHERE id = 7")
        #expect(try AuditChain.verify(t.db, since: day).fault == AuditChain.Fault(.hashEdited, 7))
        let later = try AuditChain.verify(t.db, since: Timestamp.iso(t.session.clock.now + 86_400))
        #expect(later.ok && later.rows == 0, "nothing written since: the head still matches the last row")
    }

    // MARK: the server

    @Test(.enabled(if: PGServer.available)) func clerksWritingAtOnceOnSeveralConnectionsLeaveOneUnbrokenChain() throws {
        let database = try PGServer.database()
        let setup = try Engines.open(database.uri, purpose: .initialise, busyTimeoutMs: 10_000)
        try Engines.migrate(setup)
        let clerks = 6, transactions = 25
        let connections = try (0..<clerks).map { _ in try Engines.open(database.uri, purpose: .use, busyTimeoutMs: 10_000) }
        let barrier = Barrier(clerks)
        let failures = Counter()
        let finished = DispatchGroup()
        for (n, db) in connections.enumerated() {
            let session = Locked(Session(db: db, login: "clerk\(n)"))
            finished.enter()
            Thread.detachNewThread {
                let session = session.value, db = session.db
                barrier.arrive()
                for i in 0..<transactions {
                    do {
                        try db.write {
                            // a bulk decision, a row with a reason, and one undone with its savepoint
                            try session.audit("reading.accept", .reading, ids: [Int64(n * 1000 + i), Int64(n * 1000 + 500 + i)], old: "pending", new: "accepted")
                            try session.audit("user.block", .user, Int64(i), old: "active", new: "blocked", reason: "клерк \(n), \(i)")
                            do {
                                try db.savepoint {
                                    try session.audit("reading.reject", .reading, Int64(i), old: "pending", new: "rejected")
                                    throw MyGazError(.conflict, .notFound)
                                }
                            } catch let error as MyGazError where error.status == .conflict {}
                        }
                    } catch {
                        failures.add()
                    }
                }
                finished.leave()
            }
        }
        finished.wait()
        #expect(failures.value == 0, "no writer waited out or failed")
        let rows = try setup.scalarInt("SELECT count(*) FROM audit") ?? 0
        #expect(rows == clerks * transactions * 3)
        #expect(try setup.scalarInt("SELECT count(*) FROM audit WHERE chain_seq IS NULL OR chain_hash LIKE 'pending%'") == 0)
        #expect(try setup.scalarInt("SELECT max(chain_seq) FROM audit") == rows)
        let verified = try AuditChain.verify(setup)
        #expect(verified.ok && verified.rows == rows, "\(String(describing: verified.fault))")
        // each transaction's rows sit together, in their id order: placed at its commit
        var byLogin: [String: [Int64]] = [:]
        for row in try setup.query("SELECT operator, chain_seq FROM audit WHERE operator LIKE 'clerk%' ORDER BY id") {
            byLogin[try row.string("operator"), default: []].append(try row.int64("chain_seq"))
        }
        for (login, places) in byLogin {
            #expect(places == places.sorted(), "\(login)'s rows are placed in the order written")
            for i in stride(from: 0, to: places.count, by: 3) { #expect(places[i + 2] == places[i] + 2, "\(login): one transaction's rows together") }
        }
    }

    @Test(.enabled(if: PGServer.available)) func theServerRefusesToRewriteTheTrailButLetsAnErasureTakeAReason() throws {
        let t = try Self.trail(.postgresql)
        func refused(_ sql: String) -> String {
            do {
                try t.db.execute(sql)
                return "taken"
            } catch let error as EngineError {
                return error.kind == .refusedByTrigger ? error.message : "\(error.kind): \(error.message)"
            } catch {
                return "\(error)"
            }
        }
        #expect(refused("UPDATE audit SET new_value = 'rejected' WHERE id = 4").contains("UPDATE of audit row 4 refused: audit rows are insert-only"))
        #expect(refused("DELETE FROM audit WHERE id = 4").contains("DELETE of audit row 4 refused: audit rows are insert-only"))
        #expect(refused("TRUNCATE audit").contains("TRUNCATE of audit refused: audit rows are insert-only"))
        #expect(refused("TRUNCATE audit CASCADE").contains("TRUNCATE of audit refused"))
        // a place given by hand, and the head moved by hand
        #expect(refused("UPDATE audit SET chain_seq = 99 WHERE id = 4").contains("insert-only"))
        #expect(refused("INSERT INTO audit (at, operator, action, entity_type, chain_seq, chain_hash) VALUES ('x', 'x', 'x', 'x', 1, 'x')") == "taken")
        #expect(try t.count("audit", "operator = 'x' AND chain_seq = 8") == 1, "a place given by hand is not taken: the commit gives the next")
        #expect(refused("UPDATE audit_chain SET last_seq = 1").contains("audit chain's head refused"))
        #expect(refused("DELETE FROM audit_chain").contains("audit chain's head refused"))
        #expect(refused("TRUNCATE audit_chain").contains("audit chain's head refused"))
        // an erasure's shape: the reason's text and salt, nothing else
        #expect(refused("UPDATE audit SET reason = NULL WHERE id = 4").contains("insert-only"), "the salt too, or a text could be put back")
        #expect(refused("UPDATE audit SET reason = NULL, reason_salt = NULL, reason_digest = NULL WHERE id = 4").contains("insert-only"))
        #expect(refused("UPDATE audit SET reason = NULL, reason_salt = NULL WHERE id = 4") == "taken")
        #expect(try AuditChain.verify(t.db).ok)
    }

    // MARK: an older database

    /// A database of version 8 on either engine, with the rows older versions wrote: personal
    /// values as old and new values, where a code went, a clerk's reason.
    static func versionEight(_ engine: TestEngine, _ dir: TempDir) throws -> (any Storage, PGTestDatabase?) {
        let db: any Storage, server: PGTestDatabase?
        switch engine {
        case .sqlite:
            let file = try DatabaseFile.open(path: dir.file("v8.db"), purpose: .initialise, busyTimeoutMs: 2000)
            try file.write {
                for v in 0..<8 { try file.execute(Schema.migrations[v]) }
                try file.execute("PRAGMA application_id = \(Schema.applicationID); PRAGMA user_version = 8")
            }
            (db, server) = (file, nil)
        case .postgresql:
            let database = try PGServer.database()
            let c = try database.connect()
            try c.write {
                try c.execute([PGSchema.functions, PGSchema.tables, PGSchema.queueCounters, PGSchema.search].joined(separator: "\n"))
                try c.execute("""
                    CREATE TABLE schema_version (only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row), version bigint NOT NULL,
                                                 application_id bigint NOT NULL);
                    INSERT INTO schema_version (version, application_id) VALUES (8, \(Schema.applicationID));
                    """)
            }
            (db, server) = (c, database)
        }
        let t = "'2026-01-01T10:00:00Z'"
        try db.write {
            try db.execute("""
                INSERT INTO portal_user (id, login, login_kind, full_name, phone, status, blocked_reason, registered_at, updated_at)
                    VALUES (5, '+79110000002', 'phone', 'Новое Имя', '+79110000002', 'blocked', 'x', \(t), \(t));
                INSERT INTO audit (id, at, operator, action, entity_type, entity_id, old_value, new_value, reason, reason_code, reason_args) VALUES
                  (1, \(t), 'root', 'operator.add', 'operator', 'root', NULL, 'admin', NULL, 'initial_admin', NULL),
                  (2, \(t), 'ivanova', 'user.edit', 'user', '5', 'Старое Имя', 'Новое Имя', NULL, 'profile_field', '{"field":"full_name"}'),
                  (3, \(t), 'ivanova', 'user.edit', 'user', '5', '+79110000001', '+79110000002', NULL, 'profile_field', '{"field":"phone"}'),
                  (4, \(t), 'ivanova', 'user.edit', 'user', '5', 'off', 'on', NULL, 'profile_field', '{"field":"notify_news"}'),
                  (5, \(t), 'ivanova', 'user.set-login', 'user', '5', 'old@example.com', '+79110000002', NULL, NULL, NULL),
                  (6, \(t), 'ivanova', 'user.resend-code', 'user', '5', NULL, 'recovery', NULL, 'code_sent', '{"channel":"sms","to":"+79110000002"}'),
                  (7, \(t), 'ivanova', 'user.block', 'user', '5', 'active', 'blocked', 'Просит клиент', NULL, NULL),
                  (8, \(t), 'ivanova', 'user.alias', 'link', '5:vologda/1', NULL, 'Дача Ивановых', NULL, NULL, NULL),
                  (9, \(t), 'ivanova', 'user.edit', 'user', '6', 'Ушедший Клиент', 'Другое', NULL, 'profile_field', '{"field":"full_name"}'),
                  (10, \(t), 'ivanova', 'user.repair-phone', 'user', '5', '8 911 000-00-02', '+79110000002', NULL, NULL, NULL)
                """)
            // the ids the rows were given by hand are the identity's (on a server, as its writers would have taken them)
            if engine == .postgresql { try db.execute("SELECT setval(pg_get_serial_sequence('audit', 'id'), 10)") }
        }
        return (db, server)
    }

    @Test(arguments: TestEngine.all) func anOlderDatabaseIsChainedAndItsRowsLoseThePersonalValues(_ engine: TestEngine) throws {
        let dir = TempDir()
        let (db, server) = try Self.versionEight(engine, dir)
        defer { _ = server }
        let (from, to) = try Engines.migrate(db)
        #expect(from == 8 && to == Schema.currentVersion)
        #expect(try db.query("SELECT id FROM audit ORDER BY chain_seq").map { try $0.int64("id") } == Array(1...10), "placed in id order")
        let verified = try AuditChain.verify(db)
        #expect(verified.ok && verified.rows == 10, "\(String(describing: verified.fault))")
        // no name, contact or alias left in a row; the field and what is not personal stay
        let values = try db.query("SELECT coalesce(old_value, '') || ' ' || coalesce(new_value, '') || ' ' || coalesce(reason_args, '') AS v FROM audit")
            .map { try $0.string("v") }.joined(separator: "\n")
        for personal in ["Имя", "Ушедший", "+7911", "911 000", "old@example.com", "Дача"] { #expect(!values.contains(personal), "\(personal) in\n\(values)") }
        #expect(try db.scalarString("SELECT old_value || ' ' || new_value FROM audit WHERE id = 4") == "off on")
        #expect(try db.scalarString("SELECT reason_args FROM audit WHERE id = 2") == #"{"field":"full_name"}"#)
        #expect(AuditReason.codeSent.decode(try db.scalarString("SELECT reason_args FROM audit WHERE id = 6")) == [.text("sms")])
        // they went to her: what her erasure finds items by
        let former = Set(try db.query("SELECT field, value FROM user_former_value WHERE user_id = 5").map { "\(try $0.string("field")) \(try $0.string("value"))" })
        #expect(former == ["full_name Старое Имя", "full_name Новое Имя", "phone +79110000001", "phone +79110000002", "login old@example.com",
                           "login +79110000002", "phone 8 911 000-00-02"], "\(former)")
        #expect(try db.scalarInt("SELECT count(*) FROM user_former_value WHERE user_id <> 5") == 0, "nobody's values for a user who is gone")
        // the clerk's reason is sealed: its digest in the chain, its salt beside it
        let reason = try #require(try db.queryOne("SELECT reason, reason_salt, reason_digest FROM audit WHERE id = 7"))
        #expect(try reason.string("reason") == "Просит клиент")
        #expect(try AuditChain.reasonDigest(reason.string("reason"), salt: reason.string("reason_salt")) == reason.string("reason_digest"))
        // and the chain goes on from its head
        let session = Session(db: db, login: "ivanova")
        try db.write { try session.audit("user.unblock", .user, 5, old: "blocked", new: "active") }
        #expect(try AuditChain.verify(db).rows == 11)
        #expect(try db.queryOne("SELECT chain_seq FROM audit WHERE action = 'user.unblock'")?.int64("chain_seq") == 11)
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

