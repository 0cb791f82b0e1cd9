import Foundation
import Testing

/// `user set-username` at the desk (issue 39 §4, manual 003): the rule as the check, one line and
/// exit 6 for a bad name, 4 for one taken in any case, 2 for no name; shown, found, told.
@Suite struct UsernameE2ETests {
    @Test func aClerkSetsAUsernameTheCustomerIsToldAndItIsFoundInAnyCase() {
        let t = E2E()
        t.demo(accounts: 150)
        let users = t.sql("SELECT id FROM portal_user WHERE status = 'active' AND email IS NOT NULL AND phone IS NOT NULL ORDER BY id LIMIT 2")
            .split(separator: "\n").map(String.init)
        #expect(users.count == 2)
        let (anna, other) = (users.first ?? "", users.last ?? "")
        #expect(t.sql("SELECT count(*) > 10 FROM portal_user WHERE username IS NOT NULL") == (t.engine == .sqlite ? "1" : "t"), "the demo has usernames")

        let bad = t.run("user", "set-username", anna, "Анна 1", "--lang", "ru")
        #expect(bad.status == 6 && bad.stderr.split(separator: "\n").count == 1 && bad.stderr.contains("«Анна 1» — не имя пользователя"), "\(bad)")
        let spaced = t.run("user", "set-username", anna, " Anna")
        #expect(spaced.status == 6 && spaced.stderr.contains("beginning and ending with a letter"), "\(spaced)")
        #expect(t.run("user", "set-username", anna).status == 2, "the name is required")

        let r = t.run("user", "set-username", anna, "Анна Ёлкина", "--json")
        #expect(r.status == 0 && r.jsonObject["result"] as? String == "changed", "\(r)")
        #expect((r.jsonObject["told"] as? [String])?.count == 2, "at her phone and her e-mail: \(r.stdout)")
        let taken = t.run("user", "set-username", other, "АННА ЕЛКИНА")
        #expect(taken.status == 4 && taken.stderr.contains("is taken by user \(anna)"), "\(taken)")

        #expect(t.run("user", "show", anna, "--json").jsonObject["username"] as? String == "Анна Ёлкина")
        #expect(t.run("user", "show", anna, "--lang", "ru").stdout.contains("Анна Ёлкина"))
        let found = t.run("user", "list", "--search", "анна ел", "--json")
        #expect(found.status == 0 && found.jsonArray.compactMap { $0["id"] as? Int }.map(String.init) == [anna], "\(found.stdout)")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE user_id = \(anna) AND kind = 'contact_changed' AND body LIKE '%Анна Ёлкина%'") == "2")
        #expect(t.sql("SELECT count(*) FROM audit WHERE action = 'user.set-username' AND (old_value IS NOT NULL OR new_value IS NOT NULL)") == "0")
    }

    /// Issue 39 §4: `user list --search` finds a username by any piece of it, in any case, ё as е,
    /// and the list shows it (JSON and the table); a row the portal wrote with a key of its own is
    /// found all the same, counts when a name is taken, and `db check` names it.
    @Test func aUsernameIsFoundByAnyPieceAndARowThePortalWroteIsCheckedAndFound() {
        let t = E2E()
        t.demo(accounts: 150)
        let users = t.sql("SELECT id FROM portal_user WHERE status = 'active' AND email IS NOT NULL ORDER BY id LIMIT 2")
            .split(separator: "\n").map(String.init)
        #expect(users.count == 2)
        let (anna, portal) = (users.first ?? "", users.last ?? "")
        #expect(t.run("user", "set-username", anna, "Анна Ёлкина").status == 0)
        for piece in ["ЕЛК", "на ёл", "лкина", "АННА", "Анна Елкина"] {
            let found = t.run("user", "list", "--search", piece, "--json")
            #expect(found.status == 0 && found.jsonArray.compactMap { $0["id"] as? Int }.map(String.init).contains(anna), "\(piece): \(found.stdout)")
            #expect(found.jsonArray.first { ($0["id"] as? Int).map(String.init) == anna }?["username"] as? String == "Анна Ёлкина", "\(found.stdout)")
        }
        let table = t.run("user", "list", "--search", "ёлкина", "--lang", "ru")
        #expect(table.status == 0 && table.stdout.contains("Анна Ёлкина") && table.stdout.contains("ИМЯ ПОЛЬЗОВАТЕЛЯ"), "\(table)")
        #expect(t.run("db", "check").status == 0, "every key is its name folded")

        // the portal writes a username with a key of its own rule (not folded)
        _ = t.sql("UPDATE portal_user SET username = 'Portal Writer', username_key = 'Portal Writer' WHERE id = \(portal)")
        let byName = t.run("user", "list", "--search", "WRITER", "--json")
        #expect(byName.jsonArray.compactMap { $0["id"] as? Int }.map(String.init).contains(portal), "found by the name, not the key: \(byName.stdout)")
        let taken = t.run("user", "set-username", anna, "portal writer")
        #expect(taken.status == 4 && taken.stderr.contains("is taken by user \(portal)"), "unique ignoring case whatever the key: \(taken)")
        let check = t.run("db", "check", "--json")
        #expect(check.status != 0 && ((check.jsonObject["problems"] as? [String]) ?? []).contains { $0.contains("username key") && $0.contains(portal) },
                "\(check)")
        _ = t.sql("UPDATE portal_user SET username_key = 'portal writer' WHERE id = \(portal)")
        #expect(t.run("db", "check").status == 0, "the key the rule makes")
        let found = t.run("user", "list", "--search", "TAL WR", "--json")
        #expect(found.jsonArray.compactMap { $0["id"] as? Int }.map(String.init).contains(portal), "a piece inside it: \(found.stdout)")
    }
}
