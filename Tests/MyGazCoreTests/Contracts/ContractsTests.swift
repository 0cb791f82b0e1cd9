import Foundation
import Testing
@testable import MyGazCore

/// Contracts and their acts of work on either engine: by account or RGK, by number (within an
/// RGK when two have it), an act with its works and their total.
@Suite struct ContractsTests {
    static func region(_ t: TestDB) throws -> (vologda: Int64, account: Int64) {
        let vologda = try t.rgk("vologda"), cherepovets = try t.rgk("cherepovets")
        let a = try t.account(rgk: vologda, "1001"), b = try t.account(rgk: cherepovets, "2001", surname: "Петров")
        let supply = try t.db.insert("""
            INSERT INTO contract (rgk_id, number, account_id, kind, signed_on, valid_until, state) VALUES (?, 'Д-1', ?, 'supply', '2020-01-01', NULL, 'active')
            """, vologda, a)
        let vdgo = try t.db.insert("""
            INSERT INTO contract (rgk_id, number, account_id, kind, signed_on, valid_until, state) VALUES (?, 'В-7', ?, 'vdgo', '2021-01-01', '2022-01-01', 'archive')
            """, vologda, a)
        let other = try t.db.insert("""
            INSERT INTO contract (rgk_id, number, account_id, kind, state) VALUES (?, 'Д-1', ?, 'supply', 'active')
            """, cherepovets, b)
        let act = try t.db.insert("INSERT INTO act (contract_id, number, act_date) VALUES (?, 'А-100', '2026-03-01')", vdgo)
        try t.db.run("INSERT INTO act_item (act_id, work, cost_kop) VALUES (?, 'Осмотр плиты', 50000), (?, 'Замена шланга', 120050)", act, act)
        _ = try t.db.insert("INSERT INTO act (contract_id, number, act_date) VALUES (?, 'А-101', '2026-04-01')", supply)
        _ = try t.db.insert("INSERT INTO act (contract_id, number, act_date) VALUES (?, 'А-100', '2026-05-01')", other)
        return (vologda, a)
    }

    @Test(arguments: TestEngine.all) func contractsAreListedByAccountOrRGKActiveOnesUnlessAllAreAsked(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let (vologda, account) = try Self.region(t)
        let ref = AccountRef(id: account, rgkID: vologda, rgkCode: "vologda", number: "1001")
        #expect(try Contracts.list(t.db, account: ref, rgk: nil, kind: nil, all: false, limit: 50).map(\.number) == ["Д-1"])
        let all = try Contracts.list(t.db, account: ref, rgk: nil, kind: nil, all: true, limit: 50)
        #expect(all.map(\.number) == ["В-7", "Д-1"])
        let vdgo = try #require(all.first)
        #expect(vdgo.acts == 1 && vdgo.kind == "vdgo" && vdgo.state == "archive" && vdgo.validUntil == "2022-01-01" && vdgo.holder == "Иванов Иван Иванович")
        #expect(try Contracts.list(t.db, account: nil, rgk: "cherepovets", kind: .supply, all: false, limit: 50).map(\.account) == ["2001"])
        #expect(try Contracts.list(t.db, account: nil, rgk: nil, kind: .vdgo, all: true, limit: 50).map(\.number) == ["В-7"])
        #expect(try Contracts.list(t.db, account: nil, rgk: nil, kind: nil, all: false, limit: 1).map(\.rgk) == ["cherepovets"])
    }

    @Test(arguments: TestEngine.all) func aNumberTwoRGKsHaveNeedsTheRGKAndAnActShowsItsWorks(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        _ = try Self.region(t)
        #expect { try Contracts.find(t.db, "Д-1", rgk: nil) } throws: {
            ($0 as? MyGazError)?.message.key == .contractAmbiguous && ($0 as? MyGazError)?.message.args.contains(.text("cherepovets, vologda")) == true
        }
        #expect(try Contracts.find(t.db, "Д-1", rgk: "VOLOGDA").account == "1001")
        #expect(try Contracts.find(t.db, "В-7", rgk: nil).rgk == "vologda")
        #expect { try Contracts.find(t.db, "Д-9", rgk: nil) } throws: { ($0 as? MyGazError)?.status == .notFound }

        let vdgo = try Contracts.find(t.db, "В-7", rgk: nil)
        let acts = try Contracts.acts(t.db, account: nil, contract: vdgo, limit: 50)
        #expect(acts.map(\.number) == ["А-100"] && acts.first?.totalKop == 170050 && acts.first?.works.isEmpty == true)
        #expect(try Contracts.acts(t.db, account: nil, contract: nil, limit: 50).map(\.date) == ["2026-05-01", "2026-04-01", "2026-03-01"])
        #expect { try Contracts.act(t.db, number: "А-100") } throws: {
            ($0 as? MyGazError)?.message.key == .actAmbiguous && ($0 as? MyGazError)?.message.args.contains(.text("Д-1, В-7")) == true
        }
        let act = try Contracts.act(t.db, number: "А-101")
        #expect(act.contract == "Д-1" && act.account == "1001" && act.totalKop == 0 && act.works.isEmpty)
        let empty = try t.db.insert("INSERT INTO act (contract_id, number, act_date) VALUES (?, 'А-102', '2026-06-01')", vdgo.id)
        try t.db.run("INSERT INTO act_item (act_id, work, cost_kop) VALUES (?, 'Осмотр', 100), (?, 'Пломба', 25)", empty, empty)
        let works = try Contracts.act(t.db, number: "А-102")
        #expect(works.works.map(\.work) == ["Осмотр", "Пломба"] && works.works.map(\.costKop) == [100, 25] && works.totalKop == 125)
    }
}
