import Foundation
import Testing
@testable import MyGazCore

/// Where a customer's money is, on either engine: the payments by account, RGK, state, date,
/// amount and channel (a piece of it, in any case), one by its id or the RGK's own number, and
/// those stuck in processing.
@Suite struct PaymentsTests {
    static func region(_ t: TestDB) throws -> (vologda: Int64, cherepovets: Int64, account: Int64) {
        let vologda = try t.rgk("vologda"), cherepovets = try t.rgk("cherepovets")
        let a = try t.account(rgk: vologda, "1001", surname: "Иванов"), b = try t.account(rgk: cherepovets, "2001", surname: "Петров")
        try t.db.run("""
            INSERT INTO payment (rgk_id, external_id, account_id, service, paid_on, amount_kop, channel, state) VALUES
                (?, 'П-1', ?, 'gas', '2026-05-01', 150000, 'Сбербанк Онлайн', 'processing'),
                (?, 'П-2', ?, 'vdgo', '2026-06-01', 50000, NULL, 'paid'),
                (?, 'П-3', ?, 'gas', '2026-07-01', 99900, 'Почта России', 'paid'),
                (?, 'П-1', ?, 'gas', '2026-07-10', 20000, 'СБЕРБАНК', 'processing')
            """, vologda, a, vologda, a, vologda, a, cherepovets, b)
        return (vologda, cherepovets, a)
    }

    @Test(arguments: TestEngine.all) func paymentsAreListedNewestFirstByEachFilter(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let (vologda, _, account) = try Self.region(t)
        func ids(_ change: (inout PaymentFilter) -> Void) throws -> [String] {
            var filter = PaymentFilter()
            change(&filter)
            return try Payments.list(t.db, filter).map { "\($0.rgk)/\($0.externalID)" }
        }
        #expect(try ids { _ in } == ["cherepovets/П-1", "vologda/П-3", "vologda/П-2", "vologda/П-1"])
        #expect(try ids { $0.account = AccountRef(id: account, rgkID: vologda, rgkCode: "vologda", number: "1001") }
                == ["vologda/П-3", "vologda/П-2", "vologda/П-1"])
        #expect(try ids { $0.rgk = "Cherepovets" } == ["cherepovets/П-1"])
        #expect(try ids { $0.state = .processing } == ["cherepovets/П-1", "vologda/П-1"])
        #expect(try ids { $0.state = .paid } == ["vologda/П-3", "vologda/П-2"])
        #expect(try ids { $0.channel = "сбер" } == ["cherepovets/П-1", "vologda/П-1"], "a piece of the channel, in any case")
        #expect(try ids { $0.channel = "ПОЧТА" } == ["vologda/П-3"])
        #expect(try ids { $0.since = Day(iso: "2026-06-01"); $0.until = Day(iso: "2026-07-01") } == ["vologda/П-3", "vologda/П-2"])
        #expect(try ids { $0.minKop = 50000; $0.maxKop = 100000 } == ["vologda/П-3", "vologda/П-2"])
        #expect(try ids { $0.externalID = "П-1" } == ["cherepovets/П-1", "vologda/П-1"])
        #expect(try ids { $0.limit = 1 } == ["cherepovets/П-1"])
        let first = try #require(try Payments.list(t.db, PaymentFilter()).last)
        #expect(first.holder == "Иванов Иван Иванович" && first.account == "1001" && first.amountKop == 150000 && first.service == "gas")
        #expect(first.channel == "Сбербанк Онлайн" && first.state == "processing" && first.paidOn == "2026-05-01")
    }

    @Test(arguments: TestEngine.all) func aPaymentIsFoundByItsIdOrTheRGKsNumberWhenOnlyOneRGKHasIt(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        _ = try Self.region(t)
        let p3 = try Payments.find(t.db, "П-3")
        #expect(p3.rgk == "vologda" && p3.amountKop == 99900)
        #expect(try Payments.find(t.db, String(p3.id)).externalID == "П-3")
        #expect { try Payments.find(t.db, "П-1") } throws: {
            ($0 as? MyGazError)?.message.key == .paymentAmbiguous && ($0 as? MyGazError)?.message.args.contains(.text("cherepovets, vologda")) == true
        }
        #expect { try Payments.find(t.db, "П-9") } throws: { ($0 as? MyGazError)?.status == .notFound }
    }

    @Test(arguments: TestEngine.all) func paymentsStuckInProcessingAreCountedWithTheOldest(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        _ = try Self.region(t)
        let stuck = try Payments.stuck(t.db, days: 3, today: try #require(Day(iso: "2026-07-12")))
        #expect(stuck.count == 1 && stuck.oldest == "2026-05-01")
        let later = try Payments.stuck(t.db, days: 3, today: try #require(Day(iso: "2026-07-20")))
        #expect(later.count == 2 && later.oldest == "2026-05-01")
        let none = try Payments.stuck(t.db, days: 3, today: try #require(Day(iso: "2026-05-02")))
        #expect(none.count == 0 && none.oldest == nil)
    }
}
