import Foundation
import Testing
@testable import MyGazCore

@Suite(.sqliteOnly("the SQLite engine itself: its file, pragmas and modes")) struct DatabaseTests {
    @Test func opensInWALWithForeignKeysAndBusyTimeout() throws {
        let t = try TestDB()
        #expect(try t.sqlite.scalarString("PRAGMA journal_mode") == "wal")
        #expect(try t.sqlite.scalarInt("PRAGMA foreign_keys") == 1)
        #expect(try t.sqlite.scalarInt("PRAGMA busy_timeout") == 2000)
    }

    @Test func foreignKeysAreEnforced() throws {
        let t = try TestDB()
        #expect(throws: SQLiteError.self) {
            try t.sqlite.run("INSERT INTO office (rgk_id, name) VALUES (999, 'x')")
        }
    }

    @Test func checkConstraintsRejectUnknownCodes() throws {
        let t = try TestDB()
        #expect(throws: SQLiteError.self) {
            try t.sqlite.run("INSERT INTO operator (login, role, created_at, created_by) VALUES ('x', 'boss', 'now', 'me')")
        }
        // the OR-chain CHECK keeps IN's meaning: every listed code passes
        for role in Role.codes {
            try t.sqlite.run("INSERT INTO operator (login, role, created_at, created_by) VALUES (?, ?, 'now', 'me')", "o-\(role)", role)
        }
    }

    @Test func everyTableIsStrict() throws {
        let t = try TestDB()
        // the search indexes are FTS5's, their tables FTS5's own (SearchIndexTests)
        let search = SearchIndex.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let tables = try t.sqlite.query("""
            SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
            AND name NOT IN (\(search)) AND substr(name, 1, instr(name, '_search_') + 6) NOT IN (\(search))
            """)
        #expect(tables.count >= 30)
        for row in tables {
            #expect(row.string(1).contains(") STRICT"), "table \(row.string(0)) is not STRICT")
        }
    }

    @Test func docsExplainEveryTable() throws {
        let t = try TestDB()
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/schema.md")
        let text = try String(contentsOf: docs, encoding: .utf8)
        // a table is explained under a "## name" heading (several may share one, comma-separated)
        let headings = Set(text.split(separator: "\n").filter { $0.hasPrefix("## ") }
            .flatMap { $0.dropFirst(3).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } })
        for row in try t.sqlite.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") {
            #expect(headings.contains(row.string(0)), "docs/schema.md has no section for table \(row.string(0))")
        }
    }

    @Test func writeRollsBackAndRethrowsTheFirstError() throws {
        let t = try TestDB()
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try t.sqlite.write {
                try t.sqlite.run("INSERT INTO rgk (code, name, created_at, updated_at) VALUES ('aa', 'A', 'x', 'x')")
                throw Boom()
            }
        }
        #expect(try t.count("rgk") == 0)
        #expect(!t.sqlite.isInTransaction)
    }

    @Test func nestedWritesJoinTheOuterTransaction() throws {
        let t = try TestDB()
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try t.sqlite.write {
                try t.sqlite.write { try t.sqlite.run("INSERT INTO rgk (code, name, created_at, updated_at) VALUES ('aa', 'A', 'x', 'x')") }
                throw Boom()
            }
        }
        #expect(try t.count("rgk") == 0)
    }

    @Test func cachedStatementsAreReused() throws {
        let t = try TestDB()
        let a = try t.sqlite.prepare("SELECT 1")
        let b = try t.sqlite.prepare("SELECT 1")
        #expect(a === b)
    }

    @Test func errorsNameTheFailingSQL() throws {
        let t = try TestDB()
        do {
            _ = try t.sqlite.query("SELECT nope FROM rgk")
            Issue.record("no error")
        } catch let error as SQLiteError {
            #expect(error.description.contains("no such column: nope"))
            #expect(error.sql == "SELECT nope FROM rgk")
        }
    }

    @Test func writerWaitsForAnotherWriterWithinTheBusyTimeout() throws {
        let t = try TestDB()
        let other = try Database(path: t.path, busyTimeoutMs: 5000)
        let third = try Database(path: t.path, busyTimeoutMs: 100)
        try other.execute("BEGIN IMMEDIATE")
        // a writer with a short timeout gives up with SQLITE_BUSY, which maps to exit 8
        do {
            try third.write { try third.run("INSERT INTO faq (topic, question, answer, created_at, updated_at) VALUES ('other', 'q', 'a', 'x', 'x')") }
            Issue.record("expected busy")
        } catch let error as SQLiteError {
            #expect(error.isBusy)
            #expect(MyGazError.from(error, path: t.path).status == .database)
        }
        try other.execute("COMMIT")
        try third.write { try third.run("INSERT INTO faq (topic, question, answer, created_at, updated_at) VALUES ('other', 'q', 'a', 'x', 'x')") }
        #expect(try t.count("faq") == 1)
    }

    @Test func stateTellsNewCurrentForeignAndNewer() throws {
        let dir = TempDir()
        let fresh = try Database(path: dir.file("a.db"), mode: .create)
        #expect(try DatabaseFile.state(of: fresh) == .empty)
        try DatabaseFile.migrate(fresh)
        #expect(try DatabaseFile.state(of: fresh) == .current)
        try fresh.execute("PRAGMA user_version = 99")
        #expect(try DatabaseFile.state(of: fresh) == .newer(99))

        let foreign = try Database(path: dir.file("b.db"), mode: .create)
        try foreign.execute("CREATE TABLE t (x)")
        #expect(try DatabaseFile.state(of: foreign) == .foreign)
        #expect(throws: MyGazError.self) { try DatabaseFile.migrate(foreign) }
    }

    @Test func openingRefusesWhatIsNotACurrentDatabase() throws {
        let dir = TempDir()
        func status(_ path: String) -> MyGazCore.ExitStatus? {
            do { _ = try DatabaseFile.open(path: path, purpose: .use, busyTimeoutMs: 100); return nil } catch let e as MyGazError {
                return e.status
            } catch { return .internalError }
        }
        #expect(status(dir.path) == .database)                      // a directory
        #expect(status(dir.file("missing.db")) == .database)        // missing: never created
        #expect(!FileManager.default.fileExists(atPath: dir.file("missing.db")))
        try Data("not a database at all, just text".utf8).write(to: URL(fileURLWithPath: dir.file("text.db")))
        #expect(status(dir.file("text.db")) == .database)
        let empty = try Database(path: dir.file("empty.db"), mode: .create)
        _ = empty
        #expect(status(dir.file("empty.db")) == .database)
    }

    @Test func theCurrentVersionIsTheNumberOfMigrations() throws {
        #expect(Schema.currentVersion == Schema.migrations.count, "a new migration: Schema.currentVersion follows it")
        let t = try TestDB()
        #expect(try t.sqlite.scalarInt("PRAGMA user_version") == Schema.migrations.count)
    }

    @Test func migrationIsIdempotent() throws {
        let t = try TestDB()
        let again = try DatabaseFile.migrate(t.sqlite)
        #expect(again.from == Schema.currentVersion && again.to == Schema.currentVersion)
        #expect(try t.sqlite.scalarInt("PRAGMA application_id") == Int(Schema.applicationID))
    }

    @Test func atMostThreeLinksEvenForThePortal() throws {
        let t = try TestDB()
        try t.sqlite.run("INSERT INTO rgk (code, name, created_at, updated_at) VALUES ('aa', 'A', 'x', 'x')")
        for n in 1...4 {
            try t.sqlite.run("INSERT INTO account (rgk_id, number, updated_at) VALUES (1, ?, 'x')", String(n))
        }
        try t.sqlite.run("INSERT INTO portal_user (login, login_kind, status, registered_at, updated_at) VALUES ('+79000000000', 'phone', 'active', 'x', 'x')")
        for n in 1...3 { try t.sqlite.run("INSERT INTO user_account (user_id, account_id, linked_at) VALUES (1, ?, 'x')", n) }
        #expect(throws: SQLiteError.self) { try t.sqlite.run("INSERT INTO user_account (user_id, account_id, linked_at) VALUES (1, 4, 'x')") }
    }

    @Test func aNewPendingReadingSupersedesTheOlderOne() throws {
        let t = try TestDB()
        try t.sqlite.execute("""
            INSERT INTO rgk (code, name, created_at, updated_at) VALUES ('aa', 'A', 'x', 'x');
            INSERT INTO account (rgk_id, number, updated_at) VALUES (1, '1', 'x');
            INSERT INTO meter (account_id, serial, digits) VALUES (1, 'S1', 5);
            INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at) VALUES (1, 10, '2026-01-01', 'portal', 'pending', 't1');
            INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at) VALUES (1, 20, '2026-01-02', 'portal', 'pending', 't2');
            """)
        #expect(try t.sqlite.scalarString("SELECT status FROM reading WHERE id = 1") == "superseded")
        #expect(try t.sqlite.scalarString("SELECT status FROM reading WHERE id = 2") == "pending")
    }
}

@Suite struct FoldTests {
    @Test func theFastFoldAgreesWithTheSlowOne() {
        for text in ["Иванов", "ФЁДОРОВ Пётр", "ivan@MAIL.ru", "+7 981 567-65-22", "ЯЮЭЬЫЪЩШЧЦХФУТСРПОНМЛКЙИЗЖЕДГВБА", "ёЁеЕ", ""] {
            let fast = Array(text.utf8).withUnsafeBufferPointer { Database.foldFast($0) }
            #expect(fast.map { String(decoding: $0, as: UTF8.self) } == Database.fold(text), "\(text)")
        }
        for other in ["Müller", "Ωmega", "日本"] {
            #expect(Array(other.utf8).withUnsafeBufferPointer { Database.foldFast($0) } == nil, "\(other) goes the slow way")
        }
    }
}
