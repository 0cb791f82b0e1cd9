import EngineHarness
import Foundation
import Testing
@testable import MyGazCore

/// The username (manual 003, issue 39 §4): 003's rule as the check, unique ignoring case (Cyrillic
/// too, ё as е) on both engines, found by `user list --search`, told at the customer's contacts,
/// out of the audit row.
@Suite struct UsernameTests {
    @Test func theRuleOfManual003() {
        for good in ["Ivan", "Иван Петров", "Ёлкин", "a", "Anna Мария", String(repeating: "я", count: 45), "Ivan  Petrov"] {
            #expect(Username.isValid(good), "«\(good)»")
        }
        for bad in ["", " Ivan", "Ivan ", "Ivan1", "Iván", "Ivan-Petrov", "Ivan_P", "Иван.", String(repeating: "я", count: 46), "Ivan\tP", "Ｉvan", "Ӏvan"] {
            #expect(!Username.isValid(bad), "«\(bad)»")
        }
    }

    @Test(arguments: TestEngine.all) func uniqueIgnoringCaseCyrillicTooAndFound(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let anna = try Users.create(t.session, .init(login: "+79110000001", fullName: "Петрова Анна", email: "anna@example.org", phone: nil, password: "abc12"))
        let ivan = try Users.create(t.session, .init(login: "ivan@example.org", fullName: "Петров Иван", email: nil, phone: nil, password: "abc12"))
        let first = try Username.set(t.session, anna, "Анна Ёлкина")
        #expect(first.changed && first.old == nil && Set(first.told.map(\.recipient)) == ["+79110000001", "anna@example.org"], "\(first)")
        for taken in ["анна ёлкина", "АННА ЕЛКИНА", "аННа елкина"] {
            let error = #expect(throws: MyGazError.self) { try Username.set(t.session, ivan, taken) }
            #expect(error?.message.key == .usernameTakenBy && error?.status == .conflict, "«\(taken)»: \(String(describing: error))")
        }
        let bad = #expect(throws: MyGazError.self) { try Username.set(t.session, ivan, "Иван 2") }
        #expect(bad?.message.key == .badUsername && bad?.status == .invalidData)
        // her own name in another case is a change, not a conflict; the same name is no change
        #expect(try Username.set(t.session, anna, "АННА Ёлкина").changed)
        #expect(try Username.set(t.session, anna, "АННА Ёлкина").changed == false)
        // the database itself refuses a second key, whoever writes it
        #expect(throws: (any Error).self) {
            try t.db.run("UPDATE portal_user SET username = 'Анна елкина', username_key = ? WHERE id = ?", Username.key("Анна елкина"), ivan)
        }
        var filter = UserFilter()
        filter.search = "анна ёл"
        #expect(try Users.list(t.db, filter).map(\.id) == [anna])
        filter.search = "АННА ЕЛ"
        #expect(try Users.list(t.db, filter).map(\.id) == [anna])
        #expect(try Users.show(t.db, anna, now: t.now).username == "АННА Ёлкина")
        // the audit row says that it changed, never to what
        let audit = try t.db.query("SELECT old_value, new_value FROM audit WHERE action = 'user.set-username'")
        #expect(audit.count == 2 && audit.allSatisfy { $0.values.allSatisfy { $0 == .null } })
        #expect(try t.db.scalarInt("SELECT count(*) FROM outbox WHERE kind = 'contact_changed' AND body LIKE '%АННА Ёлкина%'") == 2)
    }

    /// A database of version 16, whose users' search index held no username, finds a piece of one
    /// once `init` upgrades it: SQLite makes the index again with the username and fills it from
    /// the table (the names already there), and its triggers keep it; PostgreSQL gets the
    /// username's trigram index, which the search function reads.
    @Test(arguments: TestEngine.all) func aPieceOfAUsernameIsFoundInADatabaseUpgradedFromVersion16(_ engine: TestEngine) throws {
        let dir = TempDir()
        let db: any Storage, server: PGTestDatabase?
        switch engine {
        case .sqlite:
            let file = try DatabaseFile.open(path: dir.file("v16.db"), purpose: .initialise, busyTimeoutMs: 2000)
            try file.write {
                for v in 0..<16 {
                    try file.execute(Schema.migrations[v])
                    try Schema.finish(v + 1, file)
                }
                try file.execute("PRAGMA application_id = \(Schema.applicationID); PRAGMA user_version = 16")
            }
            (db, server) = (file, nil)
        case .postgresql:
            let database = try PGServer.database()
            let c = try database.connect()
            try c.write {
                try c.execute(PGSchema.script)
                try c.execute(PGVersionSixteen.script)
            }
            (db, server) = (c, database)
        }
        defer { _ = server }
        try db.write {
            try db.execute("""
                INSERT INTO portal_user (id, login, login_kind, status, registered_at, updated_at, username, username_key) VALUES
                    (1, 'a@example.org', 'email', 'active', '2026-01-01T00:00:00Z', 'x', 'Анна Ёлкина', 'анна елкина'),
                    (2, 'b@example.org', 'email', 'active', '2026-01-02T00:00:00Z', 'x', NULL, NULL)
                """)
        }
        func found(_ piece: String) throws -> [Int64] {
            var filter = UserFilter()
            filter.search = piece
            return try Users.list(db, filter).map(\.id)
        }
        if engine == .sqlite { #expect(try found("лкина").isEmpty, "version 16's index holds no username") }

        #expect(try Engines.migrate(db) == (16, Schema.currentVersion))
        for piece in ["лкина", "ЁЛК", "на ел"] { #expect(try found(piece) == [1], "«\(piece)»") }
        try db.write { try db.execute("UPDATE portal_user SET username = 'Boris Orlov', username_key = 'boris orlov' WHERE id = 2") }
        #expect(try found("RIS ORL") == [2], "a name written after the upgrade")
        switch engine {
        case .sqlite:
            try db.execute("INSERT INTO user_search (user_search, rank) VALUES ('integrity-check', 1)")
            let config = try db.query("SELECT k, v FROM user_search_config WHERE k LIKE '%merge' ORDER BY k").map { "\(try $0.string("k"))=\(try $0.int("v"))" }
            #expect(config == ["automerge=16", "crisismerge=64"], "merged as version 7 set it")
        case .postgresql:
            #expect(try db.scalarInt("SELECT count(*) FROM pg_indexes WHERE indexname = 'user_search_username'") == 1)
        }
    }
}
