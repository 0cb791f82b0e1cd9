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
}
