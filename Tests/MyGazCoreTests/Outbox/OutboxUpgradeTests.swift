import EngineHarness
import Foundation
import Testing
@testable import MyGazCore

/// Issue 39 §3: the notices' outbox kinds in a database made before them. SQLite keeps the
/// outbox's `kind` CHECK as the table was made, so the migration rebuilds the table: the rows,
/// their ids, the indexes and the queue counters' triggers survive, and the new kinds are taken.
@Suite struct OutboxUpgradeTests {
    /// A database at version 12 on either engine, with two messages in its outbox.
    static func versionTwelve(_ engine: TestEngine, _ dir: TempDir) throws -> (any Storage, PGTestDatabase?) {
        let db: any Storage, server: PGTestDatabase?
        switch engine {
        case .sqlite:
            let file = try DatabaseFile.open(path: dir.file("v12.db"), purpose: .initialise, busyTimeoutMs: 2000)
            try file.write {
                for v in 0..<12 {
                    try file.execute(Schema.migrations[v])
                    try Schema.finish(v + 1, file)
                }
                try file.execute("PRAGMA application_id = \(Schema.applicationID); PRAGMA user_version = 12")
            }
            (db, server) = (file, nil)
        case .postgresql:
            // the script of today, taken back to version 12: the outbox's CHECK without the notices' kinds
            let database = try PGServer.database()
            let c = try database.connect()
            try c.write {
                try c.execute(PGSchema.script)
                try c.execute(PGVersionTwelve.script)
            }
            (db, server) = (c, database)
        }
        let t = "2026-11-01T10:00:00Z"
        try db.write {
            try db.execute("""
                INSERT INTO rgk (id, code, name, created_at, updated_at) VALUES (1, 'vologda', 'Вологда', '\(t)', '\(t)');
                INSERT INTO outbox (id, channel, recipient, subject, body, rgk_id, kind, status, attempts, next_attempt_at, created_at, user_id)
                    VALUES (7, 'email', 'a@example.org', 'Ответ', 'Текст', 1, 'ticket_reply', 'waiting', 0, '\(t)', '\(t)', 3),
                           (8, 'sms', '+79110000001', NULL, 'ПИН', 1, 'pin', 'failed', 5, '\(t)', '\(t)', NULL);
                """)
        }
        return (db, server)
    }

    static func newsRow(_ id: Int) -> String {
        """
        INSERT INTO outbox (id, channel, recipient, subject, body, kind, status, attempts, next_attempt_at, created_at)
            VALUES (\(id), 'email', 'b@example.org', 'Новости', 'Текст', 'news', 'waiting', 0, '2026-12-01T10:00:00Z', '2026-12-01T10:00:00Z')
        """
    }

    @Test(arguments: TestEngine.all) func anUpgradedDatabaseTakesTheNoticesKindsAndKeepsItsMessages(_ engine: TestEngine) throws {
        let dir = TempDir()
        let (db, server) = try Self.versionTwelve(engine, dir)
        defer { _ = server }
        #expect(throws: (any Error).self, "version 12 refuses the kind") { try db.write { try db.execute(Self.newsRow(9)) } }
        #expect(throws: (any Error).self, "and the cancel reason of version 18") {
            try db.write { try db.execute("UPDATE outbox SET status = 'cancelled', cancel_reason = 'notice_off' WHERE id = 7") }
        }
        let rows = "SELECT id, channel, recipient, coalesce(subject, '') AS subject, body, kind, status, attempts, coalesce(CAST(user_id AS TEXT), '') AS user_id FROM outbox ORDER BY id"
        func read() throws -> [String] {
            try db.query(rows).map { r in
                try [String(r.int64("id")), r.string("channel"), r.string("recipient"), r.string("subject"), r.string("body"), r.string("kind"),
                     r.string("status"), String(r.int64("attempts")), r.string("user_id")].joined(separator: "|")
            }
        }
        let before = try read()
        #expect(before.count == 2)
        let (from, to) = try Engines.migrate(db)
        #expect(from == 12 && to == Schema.currentVersion)
        #expect(try read() == before, "the messages survive the rebuild")
        try db.write {
            for (n, kind) in ["news", "debt_notice", "verification_notice"].enumerated() {
                try db.execute(Self.newsRow(10 + n).replacingOccurrences(of: "'news'", with: "'\(kind)'"))
            }
        }
        #expect(try db.scalarInt("SELECT count(*) FROM outbox") == 5)
        // the counters' triggers are there again: three more waiting, one failed
        #expect(try db.scalarInt("SELECT count FROM queue_count WHERE queue = 'outbox_waiting' AND rgk_id = 0") == 4)
        #expect(try db.scalarInt("SELECT count FROM queue_count WHERE queue = 'outbox_failed' AND rgk_id = 0") == 1)
        try db.write { try db.execute("UPDATE outbox SET status = 'sent' WHERE id = 10") }
        #expect(try db.scalarInt("SELECT count FROM queue_count WHERE queue = 'outbox_waiting' AND rgk_id = 0") == 3)
        // the notices' once: a second row of the same key is not written
        try db.write {
            try db.execute("""
                INSERT INTO portal_user (id, login, login_kind, status, registered_at, updated_at)
                    VALUES (3, 'a@example.org', 'email', 'active', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')
                """)
            for _ in 0..<2 {
                try db.run("INSERT INTO notice_sent (kind, user_id, key, queued_at) VALUES ('news', 3, 'k', 'x') ON CONFLICT (kind, user_id, key) DO NOTHING")
            }
        }
        #expect(try db.scalarInt("SELECT count(*) FROM notice_sent") == 1)
        // a notice whose user switched it off (version 18)
        try db.write { try db.execute("UPDATE outbox SET status = 'cancelled', cancel_reason = 'notice_off' WHERE id = 11") }
        #expect(try db.scalarInt("SELECT count(*) FROM outbox WHERE cancel_reason = 'notice_off'") == 1)
        if engine == .sqlite {
            let indexes = try db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'outbox' ORDER BY name").map { try $0.string("name") }
            #expect(indexes == ["outbox_queue", "outbox_recipient", "outbox_status_created"])
        }
    }

    /// A database made today takes every code the program writes into the outbox: a kind or a
    /// cancel reason added to its enum without a migration of its own (the migrations keep the
    /// lists they had at their versions) fails here.
    @Test(arguments: TestEngine.all) func aNewDatabaseTakesEveryKindAndCancelReason(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let at = "2026-12-01T10:00:00Z"
        try t.db.write {
            for kind in OutboxKind.codes {
                try t.db.run("""
                    INSERT INTO outbox (channel, recipient, subject, body, kind, status, attempts, next_attempt_at, created_at)
                        VALUES ('email', 'a@example.org', 'Тема', 'Текст', ?, 'waiting', 0, ?, ?)
                    """, kind, at, at)
            }
            for reason in OutboxCancelReason.codes {
                try t.db.run("""
                    INSERT INTO outbox (channel, recipient, subject, body, kind, status, attempts, next_attempt_at, created_at, cancel_reason)
                        VALUES ('email', 'a@example.org', 'Тема', 'Текст', 'other', 'cancelled', 0, ?, ?, ?)
                    """, at, at, reason)
            }
        }
        #expect(try t.db.scalarInt("SELECT count(*) FROM outbox") == OutboxKind.codes.count + OutboxCancelReason.codes.count)
        #expect(OutboxCancelReason.codes.contains("notice_off"))
    }
}
