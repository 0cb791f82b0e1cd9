import EngineHarness
import Foundation
import Testing
@testable import MyGazCore

/// The «Абонент» section (issue 39 §2): what the three kinds wrote, read back for `account show`
/// and the bill; and the migration that makes its tables, which must keep every import batch and
/// the rows that name one while `import_batch` learns the new kinds.
@Suite struct AbonentTests {
    func importFile(_ t: TestDB, _ kind: ImportKind, _ text: String) throws -> ImportReport {
        let path = t.dir.file("\(kind.rawValue).csv")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return try Importer.run(t.session, ImportOptions(kind: kind), file: path)
    }

    func account(_ t: TestDB) throws -> Int64 {
        _ = try importFile(t, .rgk, "code;name\nvologda;Вологда\n")
        _ = try importFile(t, .accounts, "rgk;account;surname\nvologda;23185952;Иванова\nvologda;23185953;Петров\n")
        _ = try importFile(t, .pins, "rgk;account;pin\nvologda;23185952;11223344\n")
        return Int64(try #require(try t.db.scalarInt("SELECT id FROM account WHERE number = '23185952'")))
    }

    @Test(arguments: TestEngine.all) func theSectionReadsWhatTheThreeKindsWrote(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let id = try account(t)
        _ = try importFile(t, .benefits, """
            rgk;account;benefit;percent;basis;valid_from;valid_until
            vologda;23185952;Многодетная семья;30;;01.01.2026;31.05.2026
            vologda;23185952;Ветеран труда;50;уд. 1;01.01.2020;
            vologda;23185953;Инвалид;50;;;
            """)
        _ = try importFile(t, .consumption, "rgk;account;mode;norm_m3;unit\nvologda;23185952;Отопление;7,8;куб. м на кв. м\nvologda;23185952;Приготовление пищи;10,5;\n")
        _ = try importFile(t, .equipment, "rgk;account;kind;serial;model\nvologda;23185952;котёл;К-1;АОГВ-11\nvologda;23185952;ПГ-4;П-1;\n")
        let a = try Abonent.of(t.db, accountID: id)
        #expect(a.benefits.map(\.benefit) == ["Ветеран труда", "Многодетная семья"], "the account's own, the oldest first")
        #expect(a.benefits.first?.percent == 50 && a.benefits.first?.basis == "уд. 1" && a.benefits.first?.validUntil == nil)
        #expect(a.modes.map(\.mode) == ["Отопление", "Приготовление пищи"] && a.modes.map(\.normM3) == [7.8, 10.5])
        #expect(a.equipment.map { "\($0.kind) \($0.serial) \($0.model ?? "—")" } == ["boiler К-1 АОГВ-11", "stove П-1 —"])
        // the benefits of a month: those in force on some day of it
        let family = try #require(a.benefits.last)
        #expect(family.applies(in: "2026-05") && !family.applies(in: "2026-06") && !family.applies(in: "2025-12"))
        #expect(a.benefits.first?.applies(in: "2040-01") == true && a.benefits.first?.applies(in: "2019-12") == false)
    }

    /// A database of version 12 with import batches and a PIN naming its batch: the migration makes
    /// `import_batch` again with the three kinds and every row still finds its batch.
    @Test(.sqliteOnly("SQLite's table made again under its name; PostgreSQL changes the CHECK in place (thePostgreSQLUpgradeFrom12)"))
    func theSQLiteMigrationKeepsTheBatchesAndWhatNamesThem() throws {
        let dir = TempDir()
        let db = try #require(try Engines.open(dir.file("old.db"), purpose: .initialise, busyTimeoutMs: 2000) as? Database)
        try db.write {
            for version in 0..<12 {
                try db.execute(Schema.migrations[version])
                try Schema.finish(version + 1, db)
            }
            try db.execute("PRAGMA application_id = \(Schema.applicationID)")
            try db.execute("PRAGMA user_version = 12")
        }
        #expect(throws: (any Error).self, "version 12 does not know the kind") {
            try db.run("""
                INSERT INTO import_batch (kind, file_name, file_sha256, file_size, encoding, delimiter, operator, status, started_at)
                VALUES ('benefits', 'b.csv', 'x', 1, 'utf-8', ';', 'tester', 'completed', 'now')
                """)
        }
        let session = Session(db: db, login: "tester", clock: Clock { 1_784_000_000 })
        try Operators.bootstrap(session)
        for (kind, text) in [(ImportKind.rgk, "code;name\nvologda;Вологда\n"), (.accounts, "rgk;account\nvologda;23185952\n"),
                             (.pins, "rgk;account;pin\nvologda;23185952;11223344\n")] {
            let path = dir.file("\(kind.rawValue).csv")
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            _ = try Importer.run(session, ImportOptions(kind: kind), file: path)
        }
        let before = try db.query("SELECT id, kind, file_name, status, inserted FROM import_batch ORDER BY id").map { "\($0.values)" }
        #expect(before.count == 3)
        #expect(try Engines.migrate(db) == (12, Schema.currentVersion))
        #expect(try db.query("SELECT id, kind, file_name, status, inserted FROM import_batch ORDER BY id").map { "\($0.values)" } == before)
        #expect(try db.scalarString("SELECT b.kind FROM pin p JOIN import_batch b ON b.id = p.import_batch_id") == "pins")
        #expect(try db.query("PRAGMA foreign_key_check").isEmpty)
        #expect(try db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name LIKE 'import_batch_%' AND type = 'index'") == 3)
        let report = try Importer.run(session, ImportOptions(kind: .benefits), file: {
            let path = dir.file("b.csv")
            try Data("rgk;account;benefit\nvologda;23185952;Ветеран труда\n".utf8).write(to: URL(fileURLWithPath: path))
            return path
        }())
        #expect(report.inserted == 1, "\(report)")
    }

    /// A PostgreSQL database of version 12 (this one's tables taken away and those of the versions
    /// after it, the kinds of version 12 put back): `init` brings it to the current version, the batches kept.
    @Test(.enabled(if: PGServer.available)) func thePostgreSQLUpgradeFrom12() throws {
        let t = try TestDB(engine: .postgresql)
        _ = try account(t)
        try t.db.write {
            try t.db.execute(PGVersionTwelve.script)
        }
        #expect(try Engines.migrate(t.db) == (12, Schema.currentVersion))
        #expect(try t.db.scalarInt("SELECT count(*) FROM import_batch") == 3)
        #expect(try importFile(t, .equipment, "rgk;account;kind;serial\nvologda;23185952;плита;П-1\n").inserted == 1)
    }
}
