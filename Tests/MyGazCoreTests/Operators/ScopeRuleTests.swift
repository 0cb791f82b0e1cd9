import Foundation
import Testing
@testable import MyGazCore

/// The one rule every room uses to limit itself to the operator's RGKs (issue 37 item 1).
@Suite struct ScopeRuleTests {
    @Test(arguments: TestEngine.all) func theConditionKeepsOnlyTheOperatorsRGKs(_ engine: TestEngine) throws {
        let t = try TestDB(login: "boss", engine: engine)
        let vologda = try t.rgk("vologda"), kostroma = try t.rgk("kostroma"), yaroslavl = try t.rgk("yaroslavl")
        for (rgk, number) in [(vologda, "1"), (kostroma, "2"), (yaroslavl, "3")] { _ = try t.account(rgk: rgk, number) }
        _ = try Operators.add(t.session, login: "petrova", role: .clerk, fullName: nil, scope: .only(["vologda", "yaroslavl"]))
        func numbers(_ s: Session) throws -> [String] {
            let c = try s.inScope("a.rgk_id")
            return try t.db.query("SELECT number FROM account a WHERE \(c.sql) ORDER BY number", arguments: c.arguments).map { try $0.string("number") }
        }
        let petrova = Session(db: t.db, login: "petrova")
        #expect(try numbers(petrova) == ["1", "3"])
        #expect(try numbers(t.session) == ["1", "2", "3"])
        #expect(try petrova.works(rgkID: vologda) && !petrova.works(rgkID: kostroma))
        #expect { try petrova.requireWorks(rgk: "kostroma", .reading, 7) } throws: {
            let e = $0 as? MyGazError
            return e?.status == .permission && e?.message.args.contains(.text("kostroma")) == true
        }
    }

    @Test(arguments: TestEngine.all) func aClerkOfOneRGKNeitherSeesNorDecidesAnothersReadings(_ engine: TestEngine) throws {
        let t = try TestDB(login: "boss", engine: engine)
        let vologda = try t.rgk("vologda"), kostroma = try t.rgk("kostroma")
        let mine = try t.reading(meter: t.meter(account: t.account(rgk: vologda, "1"), "V-1"), value: 100, date: "2026-07-01")
        let theirs = try t.reading(meter: t.meter(account: t.account(rgk: kostroma, "2"), "K-1"), value: 100, date: "2026-07-01")
        _ = try Operators.add(t.session, login: "petrova", role: .clerk, fullName: nil, scope: .only(["vologda"]))
        let petrova = Session(db: t.db, login: "petrova")
        var filter = ReadingFilter()
        filter.scope = try petrova.rgkScope()
        #expect(try Readings.list(t.db, filter).map(\.id) == [mine])
        filter.scope = nil
        #expect(Set(try Readings.list(t.db, filter).map(\.id)) == [mine, theirs])
        #expect { try Readings.find(petrova, theirs) } throws: { ($0 as? MyGazError)?.status == .notFound }
        #expect(try Readings.find(petrova, mine).id == mine)
        #expect { try Readings.reject(petrova, theirs, reason: .other, message: "нет") } throws: {
            let e = $0 as? MyGazError
            return e?.status == .permission && e?.message.args.contains(.text("kostroma")) == true
        }
        #expect(try Readings.find(t.db, theirs).status == .pending)
        #expect(try Readings.reject(petrova, mine, reason: .other, message: "нет").to == "rejected")
    }
}
