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
            (.benefits, "rgk;account;benefit;percent;valid_from\nvologda;23185952;Ветеран труда;50;01.01.2020\n"),
            (.consumption, "rgk;account;mode;norm_m3;unit\nvologda;23185952;Приготовление пищи;10,5;куб. м на человека\n"),
            (.equipment, "rgk;account;kind;serial;model;installed\nvologda;23185952;газовая плита;П-1;Гефест;01.03.2015\n"),
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
        #expect(try t.db.scalarInt("SELECT count(*) FROM import_batch WHERE status = 'completed'") == 28, "a dry run records no batch")
    }

    @Test(.sqliteOnly("the SQLite import path (ImportOnPostgreSQLTests: the server's)")) func aDryRunTakesNoWriteLockAndCountsARepeatedKeyOnce() throws {
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
        let refused = #expect(throws: ImportRefused.self) { try run(t, .accounts, path) }
        #expect(refused?.report.problems.map(\.line) == [3, 4, 4], "\(refused?.report.problems ?? [])")
        #expect(refused?.report.badRows == 2)
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
        var replaced: Bool?
        let report = try Importer.run(t.session, options, file: path) { phase, done, _ in
            if phase == .checking && done == 5_000 && replaced == nil {
                replaced = (try? rows(99_999).write(toFile: path, atomically: false, encoding: .utf8)) != nil
            }
        }
        #expect(replaced == true, "the file was replaced between the passes")
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

    /// An import writes the accounts' trigrams once per transaction, its own connection firing no
    /// triggers: the index then holds what the triggers would have written — new accounts, changed
    /// ones without their old words, a number named twice in one transaction and in two — and the
    /// connection fires triggers again afterwards.
    @Test(.sqliteOnly("the SQLite import path (ImportOnPostgreSQLTests: the server's)")) func anImportIndexesWhatItInsertedAndChangedOncePerTransaction() throws {
        let t = try TestDB()
        try rgk(t)
        let portal = PortalShell(path: t.path)
        func numbers(_ text: String) throws -> [String] {
            var filter = AccountFilter()
            filter.search = text
            filter.limit = 10_000
            return try Accounts.list(t.db, filter).map(\.number).sorted()
        }
        var options = ImportOptions(kind: .accounts)
        options.transactionSeconds = 0     // a part every 256 rows
        var text = "rgk;account;surname;name;address;phone\n"
        for i in 0..<3000 { text += "vologda;\(70_000_000 + i);Иванов;Пётр;ул. Ленина, д. \(i);8911\(String(format: "%07d", i))\n" }
        text += "vologda;70000010;Орлов;Пётр;ул. Ленина, д. 10;89110000010\n"     // a part later
        text += "vologda;70003000;Зайцев;Ян;пр. Мира;\n"
        text += "vologda;70003000;Зайцева;Яна;пр. Мира;\n"                          // the same part
        let first = try Importer.run(t.session, options, file: file(t, "a.csv", text))
        #expect((first.inserted, first.updated) == (3001, 2), "\(first)")
        try portal.execute("INSERT INTO account_search (account_search, rank) VALUES ('integrity-check', 1)")
        #expect(try numbers("орлов") == ["70000010"])
        #expect(try numbers("зайцева яна") == ["70003000"])
        #expect(try numbers("зайцев ян").isEmpty)
        #expect(try numbers("+79110002999") == ["70002999"])

        // next month: a holder, an address and a phone change, an account is new, the rest as before
        var lines = text.split(separator: "\n").map(String.init)
        lines[1] = "vologda;70000000;Смирнов;Пётр;ул. Ленина, д. 0;89110000000"
        lines[2] = "vologda;70000001;Иванов;Пётр;ул. Гагарина, д. 1;89110000001"
        lines[3] = "vologda;70000002;Иванов;Пётр;ул. Ленина, д. 2;89219999999"
        lines.append("vologda;70003001;Ершов;Лев;ул. Ленина, д. 3001;")
        let again = try Importer.run(t.session, options, file: file(t, "b.csv", lines.joined(separator: "\n") + "\n"))
        // and each number named twice is updated twice again: to the first spelling, then back
        #expect((again.inserted, again.updated) == (1, 7), "\(again)")
        try portal.execute("INSERT INTO account_search (account_search, rank) VALUES ('integrity-check', 1)")
        #expect(try numbers("смирнов") == ["70000000"])
        #expect(try numbers("гагарина") == ["70000001"])
        #expect(try !numbers("ленина, д. 1").contains("70000001"), "the old address is gone")
        #expect(try numbers("ленина, д. 1").contains("70000010"))
        #expect(try numbers("+79110000002").isEmpty)
        #expect(try numbers("+79219999999") == ["70000002"])
        #expect(try numbers("ершов лев") == ["70003001"])
        // a file without the holder's columns changes the index through the address alone
        let addresses = try Importer.run(t.session, options, file: file(t, "c.csv", "rgk;account;address\nvologda;70000005;пер. Южный\n"))
        #expect(addresses.updated == 1)
        try portal.execute("INSERT INTO account_search (account_search, rank) VALUES ('integrity-check', 1)")
        #expect(try numbers("южный") == ["70000005"])

        // the staged rows and the old texts went with the import
        #expect(try t.db.scalarInt("SELECT count(*) FROM temp.sqlite_schema") == 0)
        // the import's connection fires the triggers again
        try t.db.run("UPDATE account SET surname = 'Кравцов' WHERE number = '70000004'")
        #expect(try numbers("кравцов") == ["70000004"])
        try portal.execute("INSERT INTO account_search (account_search, rank) VALUES ('integrity-check', 1)")
    }

    /// The statements that index a transaction's accounts look each account up by its key: none
    /// reads the accounts written before (that made 1M accounts take 83 s, not 30).
    @Test(.sqliteOnly("the SQLite import path (ImportOnPostgreSQLTests: the server's)")) func theDeferredIndexingLooksEachAccountUp() throws {
        let t = try TestDB()
        try t.db.execute(DeferredAccountSearch.before)
        try t.db.execute("CREATE TEMP TABLE import_rows (n INTEGER PRIMARY KEY, p1, p2, p3, p4, p5, p6, p7, p8, p9, p10, p11)")
        #expect(AccountsKind.indexed.map { "\($0.fileColumn) \($0.name) \($0.staged)" }
                == ["2 surname p3", "3 name p4", "4 patronymic p5", "5 address p6", "6 phone p7"])
        let capture = try #require(DeferredAccountSearch.capture(AccountsKind.indexed, present: Array(repeating: true, count: 10)))
        #expect(capture.contains("a.phone IS NOT r.p7") && !capture.contains("residents"))
        #expect(DeferredAccountSearch.capture(AccountsKind.indexed, present: [true, true, false, false, false, false, false, true, true, true]) == nil)
        for (sql, arguments) in [(capture, [1, 2]), (DeferredAccountSearch.removeOld, [1]), (DeferredAccountSearch.addNew, [1])] {
            let plan = try t.db.query("EXPLAIN QUERY PLAN " + sql, arguments: arguments).map { $0.string(3) }
            let account = plan.filter { $0.contains(" account ") || $0.hasSuffix(" account") || $0.contains(" a ") || $0.contains(" t ") }
            #expect(account.allSatisfy { $0.contains("=?") || $0.contains("rowid>?") }, "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
        }
    }

    /// FTS5 merges nothing by itself while an import flushes the trigrams: the import merges
    /// them in steps, a level's parts sixteen at a time as FTS5 would, and puts the index's
    /// settings back before each COMMIT (a portal never sees `automerge` 0).
    @Test(.sqliteOnly("the SQLite import path (ImportOnPostgreSQLTests: the server's)")) func anImportMergesTheIndexItselfAndLeavesItsSettingsAsTheyWere() throws {
        let t = try TestDB()
        try rgk(t)
        let portal = PortalShell(path: t.path)
        func settings() throws -> [String] {
            try t.db.query("SELECT k || '=' || v FROM account_search_config WHERE k LIKE '%merge' ORDER BY k").map { $0.string(0) }
        }
        let before = try settings()
        #expect(before == ["automerge=16", "crisismerge=64"])
        // twenty parts the portal left on one level (its writes merging none)
        var sql = "INSERT INTO account_search (account_search, rank) VALUES ('automerge', 0);\n"
        for i in 0..<20 {
            sql += "INSERT INTO account (rgk_id, number, surname, updated_at) VALUES (1, '\(80_000_000 + i)', 'Петров', 'x');\n"
        }
        sql += "INSERT INTO account_search (account_search, rank) VALUES ('automerge', 16)"
        try portal.execute(sql)
        func parts() throws -> Int { try t.db.scalarInt("SELECT count(DISTINCT segid) FROM account_search_idx") ?? 0 }
        #expect(try parts() == 20)
        var text = "rgk;account;surname;address\n"
        for i in 0..<300 { text += "vologda;\(70_000_000 + i);Иванов;ул. Ленина, д. \(i)\n" }
        _ = try Importer.run(t.session, ImportOptions(kind: .accounts), file: file(t, "a.csv", text))
        #expect(try settings() == before)
        // sixteen or more on a level are merged into one on the next, as FTS5 would have
        let after = try parts()
        #expect(after < 16, "\(after) parts")
        try portal.execute("INSERT INTO account_search (account_search, rank) VALUES ('integrity-check', 1)")
    }

    /// The time a transaction keeps for merging grows by a tenth while merging is cut short (up
    /// to half of a transaction), and follows what was needed when it was not.
    @Test func theTimeKeptForMergingFollowsWhatWasNeeded() {
        #expect(abs(DeferredAccountSearch.mergeSeconds(after: 0.02, spent: 0.02, short: true) - 0.024) < 1e-9)
        #expect(DeferredAccountSearch.mergeSeconds(after: 0.049, spent: 0.05, short: true) == DeferredAccountSearch.mostMergeSeconds)
        #expect(abs(DeferredAccountSearch.mergeSeconds(after: 0.02, spent: 0.005, short: false) - 0.017) < 1e-9)
    }

    /// A trigger the portal put on `account` keeps firing during an import: the import's
    /// connection then keeps every trigger, the index's too.
    @Test(.sqliteOnly("the SQLite import path (ImportOnPostgreSQLTests: the server's)")) func aTriggerOfThePortalsOwnOnAccountsKeepsFiringDuringAnImport() throws {
        let t = try TestDB()
        try rgk(t)
        try t.db.execute("""
            CREATE TABLE portal_account_log (number TEXT);
            CREATE TRIGGER portal_account_logged AFTER INSERT ON account BEGIN INSERT INTO portal_account_log VALUES (new.number); END;
            """)
        var options = ImportOptions(kind: .accounts)
        options.transactionSeconds = 0
        var text = "rgk;account;surname\n"
        for i in 0..<600 { text += "vologda;\(70_000_000 + i);Иванов\n" }
        _ = try Importer.run(t.session, options, file: file(t, "a.csv", text))
        #expect(try t.count("portal_account_log") == 600)
        try PortalShell(path: t.path).execute("INSERT INTO account_search (account_search, rank) VALUES ('integrity-check', 1)")
        var filter = AccountFilter()
        filter.search = "иванов"
        filter.limit = 1000
        #expect(try Accounts.list(t.db, filter).count == 600)
    }
}
