import Foundation
import Testing
@testable import MyGazCore

/// Logins and contacts the portal stored in a spelling of its own, on both engines: found
/// through the partial index, judged by `Contact`, repaired where no one else has the normal form.
@Suite struct SpellingsTests {
    static func strays(_ t: TestDB) throws {
        try t.db.execute("""
            INSERT INTO portal_user (login, login_kind, email, phone, status, registered_at, updated_at) VALUES
              ('+79115550011', 'phone', NULL, '+79115550011', 'active', 'x', 'x'),
              ('89115550022', 'phone', NULL, NULL, 'active', 'x', 'x'),
              ('Ivan@Mail.RU', 'email', ' Ivan@Mail.RU', '8 911 555-00-33', 'active', 'x', 'x'),
              ('8 (911) 555-00-11', 'phone', NULL, NULL, 'active', 'x', 'x'),
              ('nobody', 'email', NULL, NULL, 'active', 'x', 'x'),
              ('ok@mail.ru', 'email', 'ok@mail.ru', '+79115550044', 'active', 'x', 'x');
            """)
    }

    @Test(arguments: TestEngine.all) func strayLoginsAreFoundJudgedAndRepaired(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        try Self.strays(t)
        let found = try Spellings.strays(t.db)
        #expect(found.map { "\($0.userID) \($0.field.rawValue) \($0.normal ?? "-")" }
                == ["2 login +79115550022", "3 login ivan@mail.ru", "3 email ivan@mail.ru", "3 phone +79115550033",
                    "4 login +79115550011", "5 login -"])
        #expect(found.first { $0.userID == 4 }?.fate == .taken(by: 1))
        #expect(found.first { $0.userID == 5 }?.fate == .notAContact)
        #expect(try Spellings.users(t.db, spelling: "+79115550022", contacts: false) == [2])
        #expect(try Spellings.users(t.db, spelling: "+79115550033", contacts: false).isEmpty)
        #expect(try Spellings.users(t.db, spelling: "+79115550033", contacts: true) == [3])
        #expect(try Users.resolve(t.db, "8 911 555 00 22") == 2, "the login in the portal's spelling")
        #expect(try Spellings.repair(t.session, dryRun: true).count == found.count)
        #expect(try t.db.scalarString("SELECT login FROM portal_user WHERE id = 2") == "89115550022", "a dry run changes nothing")
        _ = try Spellings.repair(t.session, dryRun: false)
        let after = try Spellings.strays(t.db)
        #expect(after.map(\.userID) == [4, 5], "what a person must decide stays")
        #expect(try t.db.scalarString("SELECT login FROM portal_user WHERE id = 3") == "ivan@mail.ru")
        #expect(try t.db.scalarString("SELECT phone FROM portal_user WHERE id = 3") == "+79115550033")
        #expect(try t.count("audit", "action LIKE 'user.repair-%'") == 4)
    }
}

/// What the people's rooms asked of the dialect, rendered alike on both engines.
extension SQLDialectTests {
    @Test(arguments: TestEngine.all) func theUnnormalisedUsersAndTheLastCharactersReadAlike(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        try SpellingsTests.strays(t)
        try t.db.run("""
            INSERT INTO portal_user (login, login_kind, status, registered_at, updated_at, deleted_at) VALUES ('erased-99', 'erased', 'deleted', 'x', 'x', 'x')
            """)
        let ids = try t.db.query("SELECT id FROM portal_user WHERE \(t.db.sql.unnormalisedUser) ORDER BY id").map { try $0.int64("id") }
        #expect(ids == [2, 3, 4, 5])
        #expect(try t.db.scalarString("SELECT \(t.db.sql.lastCharacters("CAST(? AS TEXT)", 10))", "+7 9115550011") == "9115550011")
        #expect(try t.db.scalarString("SELECT \(t.db.sql.lastCharacters("CAST(? AS TEXT)", 10))", "12345") == "12345")
        if engine == .postgresql {
            // the query's predicate is the partial index's own: the planner can read that small index
            try t.db.execute("SET enable_seqscan = off")
            let plan = try t.db.query("EXPLAIN SELECT id FROM portal_user WHERE \(t.db.sql.unnormalisedUser)")
                .map { try $0.string("QUERY PLAN") }.joined(separator: "\n")
            #expect(plan.contains("portal_user_unnormalised"), "\(plan)")
        } else {
            let plan = try t.db.query("EXPLAIN QUERY PLAN SELECT id FROM portal_user WHERE \(t.db.sql.unnormalisedUser)")
                .map { try $0.string("detail") }.joined(separator: "\n")
            #expect(plan.contains("portal_user_unnormalised"), "\(plan)")
        }
    }
}
