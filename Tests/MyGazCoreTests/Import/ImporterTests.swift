import CSQLite
import Foundation
import Testing
@testable import MyGazCore

/// `Importer.run` on a temporary database: each kind through the same two passes.
@Suite struct ImporterTests {
    func file(_ t: TestDB, _ name: String, _ text: String) -> String {
        let path = t.dir.file(name)
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    func run(_ t: TestDB, _ kind: ImportKind, _ path: String, dryRun: Bool = false) throws -> ImportReport {
        var options = ImportOptions(kind: kind)
        options.dryRun = dryRun
        return try Importer.run(t.session, options, file: path)
    }

    func rgk(_ t: TestDB) throws {
        _ = try run(t, .rgk, file(t, "rgk.csv", "code;name\nvologda;Вологда\n"))
    }

    @Test func everyKindImportsThenReimportsUnchanged() throws {
        let t = try TestDB()
        let files: [(ImportKind, String)] = [
            (.rgk, "code;name;email\nvologda;Вологдагаз;info@vologda.example\n"),
            (.offices, "rgk;name;hours\nvologda;Центральное;пн-пт 8-17\n"),
            (.accounts, "rgk;account;surname;residents\nvologda;023-185952;Иванов;3\n"),
            (.services, "rgk;account;service;balance\nvologda;23185952;Природный газ;-3319,52\n"),
            (.meters, "rgk;account;serial;digits;next_verification\nvologda;23185952;M-1;5;01.01.2030\n"),
            (.readings, "rgk;account;serial;date;value\nvologda;23185952;M-1;20.06.2026;1200\n"),
            (.settlements, "rgk;account;service;period;opening;charged;closing\nvologda;23185952;газ;06.2026;-3319,52;2580,43;-5899,95\n"),
            (.payments, "rgk;account;date;amount;external_id\nvologda;23185952;21.06.2026;1500;P-1\n"),
            (.contracts, "rgk;account;number;kind\nvologda;23185952;Д-1;поставка газа\n"),
            (.acts, "rgk;contract;number;date;work;cost\nvologda;Д-1;А-1;22.06.2026;Проверка плиты;450\n"),
            (.pins, "rgk;account;pin\nvologda;23185952;11223344\n"),
        ]
        for (kind, text) in files {
            let path = file(t, "\(kind.rawValue).csv", text)
            let first = try run(t, kind, path)
            #expect(first.inserted == 1 && first.badRows == 0, "\(kind): \(first)")
            let dry = try run(t, kind, path, dryRun: true)
            #expect(dry.unchanged == 1 && dry.inserted == 0 && dry.updated == 0, "\(kind) dry run: \(dry)")
            let again = try run(t, kind, path)
            #expect(again.unchanged == 1 && again.inserted == 0, "\(kind) again: \(again)")
        }
        #expect(try t.db.scalarInt("SELECT count(*) FROM import_batch WHERE status = 'completed'") == 22, "a dry run records no batch")
    }

    @Test func aDryRunTakesNoWriteLockAndCountsARepeatedKeyOnce() throws {
        let t = try TestDB()
        try rgk(t)
        // 3 000 accounts, the first one named again at the end: one insert fewer than rows
        var text = "rgk;account;surname\n"
        for i in 0..<3000 { text += "vologda;\(70_000_000 + i);Иванов\n" }
        text += "vologda;70000000;Петров\n"
        let path = file(t, "accounts.csv", text)
        // another writer holds the write lock for the whole dry run
        let other = try Database(path: t.db.path, busyTimeoutMs: 0)
        let dry = try other.write { () -> ImportReport in
            try other.run("INSERT INTO faq (topic, question, answer, created_at, updated_at) VALUES ('other', 'q', 'a', 'x', 'x')")
            return try run(t, .accounts, path, dryRun: true)
        }
        #expect(dry.inserted == 3000 && dry.updated == 1 && dry.unchanged == 0, "\(dry)")
        var options = ImportOptions(kind: .accounts)
        options.transactionSeconds = 0     // a part every 256 rows: the repeated key lands in another part
        let real = try Importer.run(t.session, options, file: path)
        #expect((real.inserted, real.updated, real.unchanged) == (dry.inserted, dry.updated, dry.unchanged), "the dry run told the truth: \(real)")
        #expect(try t.db.scalarString("SELECT surname FROM account WHERE number = '70000000'") == "Петров")
    }

    @Test func aRefusedFileWritesNothingAndNamesEachBadRow() throws {
        let t = try TestDB()
        try rgk(t)
        let path = file(t, "bad.csv", "rgk;account;residents\nvologda;1;2\nvologda;x;2\nmoscow;3;много\n")
        #expect(throws: ImportRefused.self) { try run(t, .accounts, path) }
        do {
            _ = try run(t, .accounts, path)
        } catch let refused as ImportRefused {
            #expect(refused.report.problems.map(\.line) == [3, 4, 4], "\(refused.report.problems)")
            #expect(refused.report.badRows == 2)
        }
        #expect(try t.count("account") == 0 && t.db.scalarInt("SELECT count(*) FROM import_batch WHERE kind = 'accounts'") == 0)
    }

    /// The writing pass writes the rows the checking pass checked, kept aside, not the file read a
    /// second time: a file changed in between (a second export landing on the same name) writes
    /// none of its new rows.
    @Test func theWritingPassWritesWhatWasCheckedNotTheFileAgain() throws {
        let t = try TestDB()
        try rgk(t)
        _ = try run(t, .accounts, file(t, "accounts.csv", "rgk;account;surname\nvologda;23185952;Иванов\n"))
        _ = try run(t, .meters, file(t, "meters.csv", "rgk;account;serial;digits\nvologda;23185952;M-1;5\n"))
        let day = 86_400.0, start = Date(timeIntervalSince1970: 1_262_304_000)     // 2010-01-01
        let formatter = DateFormatter()
        formatter.dateFormat = "dd.MM.yyyy"
        formatter.timeZone = TimeZone(identifier: "UTC")
        func rows(_ value: Int) -> String {
            "rgk;account;serial;date;value\n" + (0..<5_000).map { "vologda;23185952;M-1;\(formatter.string(from: start + Double($0) * day));\(value)\n" }.joined()
        }
        let path = file(t, "readings.csv", rows(100))
        var options = ImportOptions(kind: .readings)
        options.transactionSeconds = 0.001
        var replaced = false
        let report = try Importer.run(t.session, options, file: path) { phase, done, _ in
            if phase == .checking && done == 5_000 && !replaced {
                replaced = true
                try? rows(99_999).write(toFile: path, atomically: false, encoding: .utf8)
            }
        }
        #expect(replaced)
        #expect(report.inserted == 5_000 && report.rejected == 0, "\(report)")
        #expect(try t.db.scalarInt("SELECT count(*) FROM reading WHERE value = 100") == 5_000)

        // next month: one reading corrected far into the file, one row broken near its start. The
        // batches before the first difference are not kept aside (they matched when compared)
        // but counted: the rejected one as rejected, the rest unchanged
        var lines = rows(100).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[10] = "vologda;23185952;M-1;01.01.2010;abc"
        lines[4_500] = lines[4_500].replacingOccurrences(of: ";100", with: ";555")
        try lines.joined(separator: "\n").write(toFile: path, atomically: false, encoding: .utf8)
        options.skipInvalid = true
        let next = try Importer.run(t.session, options, file: path)
        #expect(next.updated == 1 && next.rejected == 1 && next.unchanged == 4_998 && next.inserted == 0, "\(next)")
        #expect(try t.db.scalarInt("SELECT count(*) FROM reading WHERE value = 555") == 1)
        #expect(try t.db.scalarString("SELECT rows_done || ' ' || unchanged FROM import_batch ORDER BY id DESC LIMIT 1") == "5000 4998")
    }
}
