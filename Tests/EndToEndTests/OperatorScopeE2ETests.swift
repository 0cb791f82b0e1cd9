import Foundation
import Testing

/// `operator add --rgk`, `operator edit`, `operator list/show` (issue 37 item 1).
@Suite struct OperatorScopeE2ETests {
    @Test func aScopeIsGivenShownChangedAndNeverWidenedByItsOwner() throws {
        let t = E2E()
        t.demo(accounts: 20)
        let me = t.sql("SELECT login FROM operator WHERE role = 'admin'")
        let added = t.run("operator", "add", "lebedeva", "--role", "clerk", "--rgk", "vologda", "--rgk", "kostroma")
        #expect(added.status == 0, "\(added)")
        #expect(t.sql("SELECT g.code FROM operator_rgk s JOIN rgk g ON g.id = s.rgk_id WHERE s.operator_login = 'lebedeva' ORDER BY g.code")
                == "kostroma\nvologda")
        let shown = t.run("operator", "show", "lebedeva", "--json").jsonObject
        #expect(shown["rgks"] as? [String] == ["kostroma", "vologda"] && shown["role"] as? String == "clerk", "\(shown)")
        let listed = t.run("operator", "list", "--json").jsonArray
        #expect(listed.first { $0["login"] as? String == me }?["rgks"] is NSNull, "\(listed)")
        #expect(t.run("operator", "list").stdout.contains("kostroma, vologda"))
        #expect(t.run("--lang", "ru", "operator", "show", me).stdout.contains("все"))

        let unknown = t.run("operator", "add", "novak", "--role", "clerk", "--rgk", "tver")
        #expect(unknown.status == 3 && unknown.stderr.contains("tver") && unknown.stderr.split(separator: "\n").count == 1, "\(unknown)")
        #expect(t.sql("SELECT count(*) FROM operator WHERE login = 'novak'") == "0")
        #expect(t.run("operator", "edit", "lebedeva", "--rgk", "tver").status == 3)
        #expect(t.run("operator", "edit", "lebedeva", "--rgk", "vologda", "--all-rgks").status == 2)
        #expect(t.run("operator", "edit", "lebedeva").status == 2)
        #expect(t.run("operator", "edit", "nobody", "--all-rgks").status == 3)

        let edited = t.run("operator", "edit", "lebedeva", "--role", "support", "--rgk", "yaroslavl", "--json")
        #expect(edited.status == 0 && edited.jsonArray.count == 2, "\(edited)")
        #expect(t.run("operator", "show", "lebedeva", "--json").jsonObject["rgks"] as? [String] == ["yaroslavl"])
        #expect(t.sql("SELECT old_value || ' > ' || new_value FROM audit WHERE action = 'operator.set-scope' ORDER BY id DESC LIMIT 1")
                == "kostroma,vologda > yaroslavl")
        #expect(t.run("operator", "edit", "lebedeva", "--all-rgks").status == 0)
        #expect(t.sql("SELECT count(*) FROM operator_rgk WHERE operator_login = 'lebedeva'") == "0")

        // an admin scoped to one RGK cannot widen her own scope
        t.run("operator", "add", "chief", "--role", "admin")
        #expect(t.run("operator", "edit", me, "--rgk", "vologda").status == 0)
        let widened = t.run("operator", "edit", me, "--rgk", "vologda", "--rgk", "kostroma")
        #expect(widened.status == 7 && widened.stderr.contains("kostroma"), "\(widened)")
        #expect(t.run("operator", "edit", me, "--all-rgks").status == 7)
        #expect(t.run("operator", "add", "novak", "--role", "clerk").status == 7)
        #expect(t.sql("SELECT count(*) FROM operator_rgk WHERE operator_login = '\(me)'") == "1")
        // and the last admin of every RGK stays so
        let last = t.run("operator", "edit", "chief", "--rgk", "vologda")
        #expect(last.status == 4 && last.stderr.contains("chief"), "\(last)")
    }
}
