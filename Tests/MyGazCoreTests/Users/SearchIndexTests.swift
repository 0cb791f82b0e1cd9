import Foundation
import Testing
@testable import MyGazCore

/// The trigram indexes behind the searches: kept true by the portal's own writes, found in any
/// case and with е for ё, nothing in a search is syntax, and an erased person's words leave the
/// index's older parts and the file.
@Suite struct SearchIndexTests {
    @Test func theMatchExpressionQuotesEverythingAndSpellsЁBothWays() {
        #expect(SearchIndex.match("ab") == nil)
        #expect(SearchIndex.match(" ё") == nil)
        #expect(SearchIndex.match("ИВАН") == "\"иван\"")
        #expect(SearchIndex.match("a\" OR \"b") == "\"a\"\" or \"\"b\"")
        #expect(SearchIndex.match("Семёнов") == "\"семенов\" OR \"семёнов\" OR \"сёменов\" OR \"сёмёнов\"")
        #expect(SearchIndex.match("ееё")?.components(separatedBy: " OR ").count == 8)
        // more than four: as typed and with е alone
        #expect(SearchIndex.match("ееееё") == "\"еееее\" OR \"ееееё\"")
        #expect(SearchIndex.match("+79115550101", in: "phone") == "phone : \"+79115550101\"")
        #expect(SearchIndex.match("a\" OR b", in: "phone") == "phone : \"a\"\" OR b\"")
    }

    /// Rows written as the portal writes them (its own connection, no function of ours) are found
    /// by a piece of any column, changed rows by their new words only, deleted rows not at all.
    @Test(.sqliteOnly("FTS5 kept by SQLite triggers, written with sqlite3")) func thePortalsOwnWritesKeepTheIndexTrue() throws {
        let t = try TestDB()
        let portal = t.db
        // the sqlite3 shell knows none of our functions: the triggers may use only SQLite's own
        let plain = PortalShell(path: t.path)
        #expect(throws: (any Error).self) { try plain.execute("SELECT fold('x')") }
        try plain.execute("""
            INSERT INTO portal_user (login, login_kind, full_name, email, phone, status, registered_at, updated_at, consent_at, consent_channel)
            VALUES ('semenova.a@mail.ru', 'email', 'Семёнова Алёна Петровна', 'semenova.a@mail.ru', '+79115550101', 'active', '2026-01-01T00:00:00Z', 'x', 'x', 'portal'),
                   ('+79115550102', 'phone', 'Королев Иван', NULL, '+79115550102', 'active', '2026-01-02T00:00:00Z', 'x', 'x', 'portal'),
                   ('other@bk.ru', 'email', 'Петров Пётр', 'other@bk.ru', NULL, 'active', '2026-01-03T00:00:00Z', 'x', 'x', 'portal')
            """)
        func logins(_ text: String) throws -> [String] {
            var filter = UserFilter()
            filter.search = text
            return try Users.list(portal, filter).map(\.login)
        }
        #expect(try logins("СЕМЕНОВА") == ["semenova.a@mail.ru"])
        #expect(try logins("алена") == ["semenova.a@mail.ru"])
        #expect(try logins("королёв") == ["+79115550102"])
        #expect(try logins("5550102") == ["+79115550102"])
        #expect(try logins("@bk.r") == ["other@bk.ru"])
        #expect(try logins("петр") == ["other@bk.ru", "semenova.a@mail.ru"], "newest first: Петров Пётр, Петровна")
        #expect(try logins("ЛЁ") == ["+79115550102", "semenova.a@mail.ru"], "two letters read the rows: Королев, Алёна")

        try plain.execute("UPDATE portal_user SET full_name = 'Смирнова Алёна Петровна' WHERE login = 'semenova.a@mail.ru'")
        #expect(try logins("семенова").isEmpty)
        #expect(try logins("смирнова") == ["semenova.a@mail.ru"])
        // the username is in the index too (schema v17): the portal writes it, and changes it
        try plain.execute("UPDATE portal_user SET username = 'Алёна Смирнова', username_key = 'алена смирнова' WHERE login = '+79115550102'")
        #expect(try logins("ёна смир") == ["+79115550102"])
        try plain.execute("UPDATE portal_user SET username = 'Ivan Korolev', username_key = 'ivan korolev' WHERE login = '+79115550102'")
        #expect(try logins("ёна смир").isEmpty)
        #expect(try logins("VAN KOR") == ["+79115550102"])
        try plain.execute("DELETE FROM portal_user WHERE login = 'other@bk.ru'")
        #expect(try logins("@bk.r").isEmpty)
        // the index holds what a rebuild from the table would hold
        try plain.execute("INSERT INTO user_search (user_search, rank) VALUES ('integrity-check', 1)")

        try plain.execute("""
            INSERT INTO rgk (code, name, created_at, updated_at) VALUES ('vologda', 'Вологдаоблгаз', 'x', 'x');
            INSERT INTO account (rgk_id, number, surname, name, patronymic, address, phone, status, updated_at)
            VALUES (1, '70000001', 'Лебедева', 'Ольга', 'Викторовна', 'г. Вологда, ул. Ленина, д. 5', '+79115550103', 'open', 'x');
            """)
        func accounts(_ text: String) throws -> [String] {
            var filter = AccountFilter()
            filter.search = text
            return try Accounts.list(portal, filter).map(\.number)
        }
        #expect(try accounts("лебедева ольга") == ["70000001"], "one phrase over surname and name")
        #expect(try accounts("ЛЕНИНА, Д. 5") == ["70000001"])
        #expect(try accounts("+7911555") == ["70000001"], "a piece of the phone")
        // a whole phone in any spelling: found through the index (schema v7 has none by phone),
        // then compared exactly — an account whose address holds the same digits is not it
        try plain.execute("""
            INSERT INTO account (rgk_id, number, surname, address, phone, status, updated_at)
            VALUES (1, '70000002', 'Орлов', 'дом +79115550103', '+79115550199', 'open', 'x');
            """)
        #expect(try accounts("8 (911) 555-01-03") == ["70000001"])
        #expect(try accounts("+7 911 555 01 99") == ["70000002"])
        #expect(try accounts("89115550100").isEmpty)
        #expect(try portal.scalarInt("SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND sql LIKE '%account (phone)%'") == 0)
        for index in ["user_search", "account_search"] {
            let config = try portal.query("SELECT k, v FROM \(index)_config WHERE k LIKE '%merge'").map { "\($0.string(0))=\($0.int(1))" }
            #expect(config.sorted() == ["automerge=16", "crisismerge=64"], "\(index) merges its parts 16 at a time")
        }
        try plain.execute("UPDATE account SET address = 'г. Вологда, ул. Мира, д. 1' WHERE number = '70000001'")
        #expect(try accounts("ленина").isEmpty)
        #expect(try accounts("мира") == ["70000001"])
        try plain.execute("INSERT INTO account_search (account_search, rank) VALUES ('integrity-check', 1)")
    }

    /// FTS5 keeps a removed row's trigrams in its older parts (and writes them again into its
    /// delete markers) until every part is merged: the erasure merges them, then the file holds
    /// the name nowhere.
    @Test(.sqliteOnly("FTS5 segments and the SQLite file's free pages")) func anErasedNameLeavesTheIndexAndTheFile() throws {
        let t = try TestDB()
        // Cyrillic words among Latin ones, no letter shared between the three people: no other word
        // of the index begins with their letters, so each trigram's last two letters are stored as
        // they are (FTS5 shares only prefixes between neighbouring words)
        try t.db.run("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
            INSERT INTO portal_user (login, login_kind, full_name, status, registered_at, updated_at)
            SELECT 'user' || i || '@example.org', 'email', 'Smith John ' || i, 'active', '2026-01-01T00:00:00Z', 'x' FROM n
            """)
        let first = try Users.create(t.session, .init(login: "x1@example.org", fullName: "Щъюжэ Ыьэю", email: nil, phone: nil, password: "pw12345"))
        let second = try Users.create(t.session, .init(login: "x2@example.org", fullName: "Фцчшф", email: nil, phone: nil, password: "pw12345"))
        // a registration never confirmed, long ago
        try t.db.run("""
            INSERT INTO portal_user (login, login_kind, full_name, status, registered_at, updated_at)
            VALUES ('x3@example.org', 'email', 'Пгдлм', 'pending', '2020-01-01T00:00:00Z', 'x')
            """)
        let needles = ["юж", "жэ", "ьэ", "цч", "чш", "гд", "дл"]
        func traces() throws -> [String] {
            try t.db.execute("PRAGMA wal_checkpoint(PASSIVE)")
            var bytes = (try? Data(contentsOf: URL(fileURLWithPath: t.path))) ?? Data()
            bytes.append((try? Data(contentsOf: URL(fileURLWithPath: t.path + "-wal"))) ?? Data())
            return needles.filter { bytes.range(of: Data($0.utf8)) != nil }
        }
        #expect(try traces() == needles, "the index holds the names before")
        _ = try Users.erase(t.session, first)
        #expect(try traces().contains("юж"), "after the row is erased, the index's older part still spells the name")
        var filter = UserFilter()
        filter.search = "щъюжэ"
        #expect(try Users.list(t.db, filter).isEmpty)
        // `user delete` merges the index: the first name goes with the second
        _ = try Users.delete(t.session, second)
        #expect(try traces() == ["гд", "дл"])
        // and so does `user purge-unconfirmed`
        #expect(try Users.purgeUnconfirmed(t.session, olderThan: 7 * 86_400) == 1)
        #expect(try traces().isEmpty)
        filter.search = "smith john 30"
        #expect(try Users.list(t.db, filter).map(\.fullName) == ["Smith John 300", "Smith John 30"], "the others are still found")
    }
}

/// The portal's side: the sqlite3 shell on the same file, with none of our functions.
struct PortalShell {
    let path: String
    struct Failed: Error { let message: String }

    func execute(_ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = ["-bail", path]
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data((".timeout 2000\n" + sql + ";\n").utf8))
        try input.fileHandleForWriting.close()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationStatus != 0 || !message.isEmpty { throw Failed(message: String(decoding: message, as: UTF8.self)) }
    }
}

/// The one search the rooms ask (`SearchIndex.rows`), on either engine: in any case and with е
/// for ё, a phrase over the holder's whole name, a phone in any spelling, one or two letters read
/// row by row, and nothing in a search is syntax (FTS5's quotes, LIKE's % and _).
@Suite struct SearchOnEitherEngineTests {
    static func people(_ t: TestDB) throws {
        try t.db.execute("""
            INSERT INTO rgk (code, name, created_at, updated_at) VALUES ('vologda', 'Вологдаоблгаз', 'x', 'x');
            INSERT INTO portal_user (login, login_kind, full_name, email, phone, status, blocked_reason, registered_at, updated_at) VALUES
              ('ivanov@mail.ru', 'email', 'ИВАНОВ ПЕТР', 'ivanov@mail.ru', NULL, 'active', NULL, '2026-01-01T00:00:00Z', 'x'),
              ('+79115550102', 'phone', 'Иванова Мария', NULL, '+79115550102', 'active', NULL, '2026-01-02T00:00:00Z', 'x'),
              ('x_y%z@bk.ru', 'email', 'Сидоров Семён', 'x_y%z@bk.ru', NULL, 'blocked', 'спам', '2026-01-03T00:00:00Z', 'x');
            INSERT INTO account (rgk_id, number, surname, name, patronymic, address, phone, status, updated_at) VALUES
              (1, '70000001', 'ИВАНОВ', 'ПЕТР', NULL, 'Г. ВОЛОГДА, УЛ. ЛЕНИНА, Д. 5', '+79115550103', 'open', 'x'),
              (1, '70000002', 'Иванова', 'Мария', 'Ивановна', 'г. Вологда, ул. Мира, д. 1', '+79115550199', 'open', 'x'),
              (1, '70000003', 'Семёнов', 'Пётр', NULL, 'дом +79115550103', NULL, 'open', 'x');
            INSERT INTO user_account (user_id, account_id, access_level, linked_at) VALUES (1, 1, 'restricted', 'x');
            """)
    }

    /// What a list finds for `text` in the index's table: the users' logins (newest first), the
    /// accounts' numbers.
    static func found(_ index: SearchIndex, _ t: TestDB, _ text: String, limit: Int = 50) throws -> [String] {
        switch index {
        case .users:
            var filter = UserFilter()
            filter.search = text
            filter.limit = limit
            return try Users.list(t.db, filter).map(\.login)
        case .accounts:
            var filter = AccountFilter()
            filter.search = text
            filter.limit = limit
            return try Accounts.list(t.db, filter).map(\.number)
        }
    }

    @Test(arguments: TestEngine.all) func usersAreFoundInAnyCaseAndSpelling(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        try Self.people(t)
        func logins(_ text: String?, status: UserStatus? = nil, rgk: String? = nil) throws -> [String] {
            var filter = UserFilter()
            filter.search = text
            filter.status = status
            filter.rgk = rgk
            return try Users.list(t.db, filter).map(\.login)
        }
        #expect(try logins("иванов") == ["+79115550102", "ivanov@mail.ru"], "«иванов» finds «ИВАНОВ», newest first")
        #expect(try logins("Иванов Пётр") == ["ivanov@mail.ru"], "«Иванов Пётр» finds «ИВАНОВ ПЕТР»")
        #expect(try logins("СЕМЕН") == ["x_y%z@bk.ru"])
        #expect(try logins("5550102") == ["+79115550102"])
        #expect(try logins("8 911 555-01-02") == ["+79115550102"], "a phone in any spelling")
        #expect(try logins("Ма") == ["+79115550102"], "two letters: the users are read")
        #expect(try logins("y%z") == ["x_y%z@bk.ru"])
        #expect(try logins("x%z").isEmpty, "a % is a percent sign, not any text")
        #expect(try logins("x_y").count == 1 && logins("xay").isEmpty, "an _ is an underscore, not any letter")
        #expect(try logins("a\" OR \"b").isEmpty)
        #expect(try logins("иванов", status: .active, rgk: "vologda") == ["ivanov@mail.ru"])
        #expect(try logins(nil) == ["x_y%z@bk.ru", "+79115550102", "ivanov@mail.ru"], "newest registrations first")
        #expect(try logins(nil, status: .blocked) == ["x_y%z@bk.ru"])
        #expect(try logins(nil, rgk: "vologda") == ["ivanov@mail.ru"])
        #expect(try Users.list(t.db, UserFilter()).first { $0.login == "ivanov@mail.ru" }?.accounts == ["vologda/70000001"])

        // a username (issue 39 §4): a piece anywhere in it, in any case, ё as е, through the index
        // (three letters and more) or row by row (fewer); the name itself, whatever its key says
        try t.db.write {
            try t.db.run("UPDATE portal_user SET username = 'Анна Ёлкина', username_key = 'анна елкина' WHERE login = 'x_y%z@bk.ru'")
            try t.db.run("UPDATE portal_user SET username = 'Portal Writer', username_key = 'not the rule' WHERE login = 'ivanov@mail.ru'")
        }
        for piece in ["ЕЛК", "на ёл", "лкина", "АННА", "Анна Елкина"] {
            #expect(try logins(piece) == ["x_y%z@bk.ru"], "«\(piece)»")
            #expect(SearchIndex.users.rows(t.db, containing: piece, as: "u").indexed, "«\(piece)» through the index")
        }
        #expect(try logins("ёл") == ["x_y%z@bk.ru"], "two letters: the users are read, the username among their values")
        #expect(try logins("TAL WRI") == ["ivanov@mail.ru"], "found by the name, not by a key of another rule")
        try t.db.write { try t.db.run("UPDATE portal_user SET username = NULL, username_key = NULL WHERE login = 'x_y%z@bk.ru'") }
        #expect(try logins("лкина").isEmpty, "a name taken away is found no more")
    }

    /// On PostgreSQL a piece too short for a trigram reads the rows' folded text (users' and
    /// accounts'), not the trigram indexes: with no trigram to look up, each index would be read
    /// whole (11 s at 2M users, 9 s at 5M accounts). The server's own statistics count the scans;
    /// a longer piece, through the indexes, is the control.
    @Test(.enabled(if: TestEngine.default == .postgresql, "a server's statistics"), arguments: SearchIndex.allCases)
    func aPieceTooShortForATrigramReadsNoTrigramIndex(_ index: SearchIndex) throws {
        let t = try TestDB(engine: .postgresql)
        try Self.people(t)
        // the planner held off whole-table reads, as it is at scale, and off a page read along the
        // key (three rows): what is left to find the rows by are the trigram indexes
        try t.db.execute("SET enable_seqscan = off; SET enable_indexscan = off")
        func trigramScans() throws -> Int {
            _ = try t.db.query("SELECT pg_stat_force_next_flush()")
            _ = try t.db.query("SELECT pg_stat_clear_snapshot()")
            return try t.db.scalarInt("""
                SELECT coalesce(sum(idx_scan), 0) FROM pg_stat_user_indexes WHERE indexrelname IN (\(PGSchema.searchIndexes.filter { $0.table == index.table }.map { "'\($0.name)'" }.joined(separator: ", ")))
                """) ?? -1
        }
        func found(_ text: String) throws -> [String] { try Self.found(index, t, text) }
        // each index's pieces: two letters of a name, of another value, a percent sign; five letters
        let (name, other, percent, control): ((String, [String]), (String, [String]), [String], [String]) = index == .users
            ? (("Ма", ["+79115550102"]), ("ёл", []), ["x_y%z@bk.ru"], ["+79115550102", "ivanov@mail.ru"])
            : (("МА", ["70000002"]), ("ул", ["70000001", "70000002"]), [], ["70000001", "70000002"])
        let before = try trigramScans()
        #expect(try found(name.0) == name.1)
        #expect(try found(other.0) == other.1)
        #expect(try found("%") == percent, "a % is a percent sign, its escape no letter")
        #expect(try trigramScans() == before, "a piece of two letters read the trigram indexes")
        #expect(try found("ивано") == control)
        #expect(try trigramScans() > before, "the control: a piece of five letters goes through the indexes")
    }

    @Test(arguments: TestEngine.all) func accountsAreFoundInAnyCaseAndSpelling(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        try Self.people(t)
        func numbers(_ text: String) throws -> [String] { try Self.found(.accounts, t, text) }
        #expect(try numbers("иванов") == ["70000001", "70000002"], "«иванов» finds «ИВАНОВ»")
        #expect(try numbers("Иванов Пётр") == ["70000001"], "«Иванов Пётр» finds «ИВАНОВ ПЕТР»: one phrase over surname and name")
        #expect(try numbers("петр") == ["70000001", "70000003"], "е for ё both ways")
        #expect(try numbers("ленина, д. 5") == ["70000001"])
        // a whole phone in any spelling: the holder's phone, not an address with the same digits
        #expect(try numbers("8 (911) 555-01-03") == ["70000001"])
        #expect(try numbers("+7 911 555 01 99") == ["70000002"])
        #expect(try numbers("89115550100").isEmpty)
        #expect(try numbers("МА") == ["70000002"], "two letters: the accounts are read")
        #expect(try numbers("%").isEmpty && numbers("_%_").isEmpty, "nothing in a search is a wildcard")
    }

    /// Six namesakes, loaded (and registered) in the order opposite to their numbers.
    static func namesakes(_ t: TestDB) throws {
        try t.db.execute("INSERT INTO rgk (code, name, created_at, updated_at) VALUES ('vologda', 'Вологдаоблгаз', 'x', 'x');")
        for i in 0..<6 {
            try t.db.execute("""
                INSERT INTO account (rgk_id, number, surname, status, updated_at) VALUES (1, '7000000\(9 - i)', 'Мамонтов', 'open', 'x');
                INSERT INTO portal_user (login, login_kind, full_name, status, registered_at, updated_at)
                    VALUES ('mam\(9 - i)@mail.ru', 'email', 'Мамонтова', 'active', '2026-01-0\(i + 1)T00:00:00Z', 'x');
                """)
        }
    }

    /// A page of a search is the first rows found in the index's order (the accounts as loaded,
    /// the users newest first), then in the list's order: for one or two letters, which no trigram
    /// holds, the same page as for three (they were the first by number among every match).
    @Test(arguments: TestEngine.all) func aPieceTooShortForATrigramGivesThePageALongerOneGives(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        try Self.namesakes(t)
        func numbers(_ text: String) throws -> [String] { try Self.found(.accounts, t, text, limit: 2) }
        func logins(_ text: String) throws -> [String] { try Self.found(.users, t, text, limit: 2) }
        #expect(try numbers("мам") == ["70000008", "70000009"] && numbers("ма") == ["70000008", "70000009"], "the first two loaded")
        #expect(try logins("мам") == ["mam4@mail.ru", "mam5@mail.ru"] && logins("ма") == ["mam4@mail.ru", "mam5@mail.ru"], "the two newest")
    }

    /// On PostgreSQL a page of a piece too short for a trigram stops at the page: the rows are read
    /// in the page's order until it is full (a common piece read every row: 12.8 s for «ёж» at 5M
    /// accounts). The server's statistics count the rows read; a search of every row found is the control.
    @Test(.enabled(if: TestEngine.default == .postgresql, "a server's statistics"), arguments: SearchIndex.allCases)
    func aPageOfAShortPieceReadsAPageOfRows(_ index: SearchIndex) throws {
        let t = try TestDB(engine: .postgresql)
        try t.db.execute("""
            INSERT INTO rgk (code, name, created_at, updated_at) VALUES ('vologda', 'Вологдаоблгаз', 'x', 'x');
            INSERT INTO account (rgk_id, number, surname, status, updated_at)
                SELECT 1, CAST(70000000 + n AS text), 'Мамонтов', 'open', 'x' FROM generate_series(1, 300) AS n;
            INSERT INTO portal_user (login, login_kind, full_name, status, registered_at, updated_at)
                SELECT 'mam' || n || '@mail.ru', 'email', 'Мамонтова', 'active', '2026-01-01T00:00:00Z', 'x' FROM generate_series(1, 300) AS n;
            SET enable_seqscan = off;
            """)
        func rowsRead() throws -> Int {
            _ = try t.db.query("SELECT pg_stat_force_next_flush()")
            _ = try t.db.query("SELECT pg_stat_clear_snapshot()")
            return try t.db.scalarInt("""
                SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) FROM pg_stat_user_tables WHERE relname = '\(index.table)'
                """) ?? -1
        }
        func search(_ limit: Int) throws -> Int { try Self.found(index, t, "ма", limit: limit).count }
        var before = try rowsRead()
        #expect(try search(5) == 5)
        let page = try rowsRead() - before
        #expect(page < 50, "a page of 5 read \(page) rows")
        before = try rowsRead()
        #expect(try search(1_000) == 300)
        #expect(try rowsRead() - before >= 300, "the control: every row found is read")
    }
}
