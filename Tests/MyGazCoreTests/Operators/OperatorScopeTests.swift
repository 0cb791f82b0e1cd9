import Foundation
import Testing
@testable import MyGazCore

/// Operators scoped to RGKs (issue 37 item 1): the scope is a plain table, no rows = every RGK.
@Suite struct OperatorScopeTests {
    @Test(arguments: TestEngine.all) func aScopeIsKeptListedAuditedAndKnownToTheSession(_ engine: TestEngine) throws {
        let t = try TestDB(login: "boss", engine: engine)
        let vologda = try t.rgk("vologda"), kostroma = try t.rgk("kostroma"), _ = try t.rgk("yaroslavl")
        #expect(try Operators.add(t.session, login: "petrova", role: .clerk, fullName: nil, scope: .only(["Vologda", "kostroma", "vologda"])) == .changed)
        #expect(try Operators.add(t.session, login: "petrova", role: .clerk, fullName: nil, scope: .only(["kostroma", "vologda"])) == .unchanged)
        // the same login with another scope is another operator: refused, as another role is
        #expect(throws: MyGazError.self) { try Operators.add(t.session, login: "petrova", role: .clerk, fullName: nil) }
        #expect(try Operators.find(t.db, "petrova")?.rgks == ["kostroma", "vologda"])
        #expect(try Operators.find(t.db, "boss")?.rgks == nil)
        #expect(try Operators.list(t.db).map(\.rgks) == [nil, ["kostroma", "vologda"]])
        #expect(try Session(db: t.db, login: "petrova").rgkScope() == [vologda, kostroma].sorted())
        #expect(try t.session.rgkScope() == nil)
        #expect(try t.db.scalarInt("SELECT count(*) FROM operator_rgk WHERE operator_login = 'petrova'") == 2)

        #expect(try Operators.setScope(t.session, login: "petrova", scope: .only(["yaroslavl"])).outcome == .changed)
        #expect(try Operators.find(t.db, "petrova")?.rgks == ["yaroslavl"])
        #expect(try Operators.setScope(t.session, login: "petrova", scope: .all).outcome == .changed)
        #expect(try Operators.find(t.db, "petrova")?.rgks == nil)
        #expect(try Operators.setScope(t.session, login: "petrova", scope: .all).outcome == .unchanged)

        var filter = AuditFilter()
        filter.action = "operator.set-scope"
        let trail = try AuditLog.list(t.db, filter).reversed().map { [$0.oldValue, $0.newValue] }
        #expect(trail == [["all", "kostroma,vologda"], ["kostroma,vologda", "yaroslavl"], ["yaroslavl", "all"]])

        _ = try Operators.setScope(t.session, login: "petrova", scope: .only(["vologda"]))
        _ = try Operators.remove(t.session, login: "petrova")
        #expect(try t.db.scalarInt("SELECT count(*) FROM operator_rgk") == 0)
    }

    @Test(arguments: TestEngine.all) func anUnknownRGKIsNamedAndNothingChanges(_ engine: TestEngine) throws {
        let t = try TestDB(login: "boss", engine: engine)
        try t.rgk("vologda")
        #expect { try Operators.add(t.session, login: "petrova", role: .clerk, fullName: nil, scope: .only(["vologda", "tver"])) } throws: {
            let e = $0 as? MyGazError
            return e?.status == .notFound && e?.message.args.contains(.text("tver")) == true
        }
        #expect(try Operators.find(t.db, "petrova") == nil)
        _ = try Operators.add(t.session, login: "petrova", role: .clerk, fullName: nil, scope: .only(["vologda"]))
        #expect(throws: MyGazError.self) { try Operators.setScope(t.session, login: "petrova", scope: .only(["tver"])) }
        #expect(try Operators.find(t.db, "petrova")?.rgks == ["vologda"])
    }

    @Test(arguments: TestEngine.all) func nobodyGivesAnRGKSheDoesNotWork(_ engine: TestEngine) throws {
        let t = try TestDB(login: "boss", engine: engine)
        try t.rgk("vologda"); try t.rgk("kostroma")
        _ = try Operators.add(t.session, login: "local", role: .admin, fullName: nil, scope: .only(["vologda"]))
        _ = try Operators.add(t.session, login: "petrova", role: .clerk, fullName: nil, scope: .only(["vologda"]))
        let local = Session(db: t.db, login: "local")
        func refused(_ body: () throws -> Void) -> Bool {
            do { try body(); return false } catch let e as MyGazError { return e.status == .permission } catch { return false }
        }
        #expect(refused { _ = try Operators.setScope(local, login: "local", scope: .only(["vologda", "kostroma"])) })
        #expect(refused { _ = try Operators.setScope(local, login: "local", scope: .all) })
        #expect(refused { _ = try Operators.setScope(local, login: "petrova", scope: .only(["kostroma"])) })
        #expect(refused { _ = try Operators.add(local, login: "novak", role: .clerk, fullName: nil) })
        #expect(try Operators.find(t.db, "local")?.rgks == ["vologda"])
        #expect(try Operators.find(t.db, "petrova")?.rgks == ["vologda"])
        #expect(try Operators.find(t.db, "novak") == nil)
        // within her own scope she may
        #expect(try Operators.add(local, login: "novak", role: .clerk, fullName: nil, scope: .only(["vologda"])) == .changed)
    }

    @Test(arguments: TestEngine.all) func anAdminOfEveryRGKStays(_ engine: TestEngine) throws {
        let t = try TestDB(login: "boss", engine: engine)
        try t.rgk("vologda")
        _ = try Operators.add(t.session, login: "local", role: .admin, fullName: nil, scope: .only(["vologda"]))
        for change in [{ _ = try Operators.setScope(t.session, login: "boss", scope: .only(["vologda"])) },
                       { _ = try Operators.setRole(t.session, login: "boss", role: .clerk) },
                       { _ = try Operators.remove(t.session, login: "boss") }] as [() throws -> Void] {
            #expect { try change() } throws: { ($0 as? MyGazError)?.message.key == .lastAdminOfAllRGKs }
        }
        #expect(try Operators.find(t.db, "boss")?.role == .admin)
        #expect(try Operators.find(t.db, "boss")?.rgks == nil)
        // the scoped admin herself may go: an admin of every RGK remains
        _ = try Operators.remove(t.session, login: "local")
    }
}
