import Foundation
import Testing
@testable import MyGazCore

/// Bills on either engine: one account's payment document from its settlements, meters and
/// supplier; the monthly mailing, once per user, account and month.
@Suite struct BillsTests {
    static let today = Day(iso: "2026-07-14")!

    /// An RGK with its bank details and an office, and an account with two months of settlements and a meter.
    static func region(_ t: TestDB) throws -> (rgk: Int64, ref: AccountRef) {
        let rgk = try t.rgk("vologda", name: "ООО «Газ»", phone: "+78172720000")
        try t.db.run("INSERT INTO office (rgk_id, name, address, hours) VALUES (?, 'Центральный офис', 'г. Вологда, ул. Мира, 1', 'пн–пт 9–17')", rgk)
        let account = try t.account(rgk: rgk, "1001")
        try t.settlement(account: account, period: "2026-05", opening: -100000, charged: 50000, paid: 0)
        try t.settlement(account: account, period: "2026-06", opening: -150000, charged: 50000, paid: 100000)
        try t.settlement(account: account, kind: .vdgo, period: "2026-06", opening: 0, charged: 12000, paid: 0)
        let meter = try t.meter(account: account, "A-1")
        try t.reading(meter: meter, value: 120, date: "2026-05-20", status: .accepted)
        try t.reading(meter: meter, value: 130, date: "2026-06-20", status: .accepted)
        try t.reading(meter: meter, value: 140, date: "2026-07-10")
        try t.meter(account: account, "B-2", nextVerification: "2026-01-01")
        return (rgk, AccountRef(id: account, rgkID: rgk, rgkCode: "vologda", number: "1001"))
    }

    @Test(arguments: TestEngine.all) func aBillIsMadeFromTheSettlementsMetersAndSupplierOfItsMonth(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let (_, ref) = try Self.region(t)
        let bill = try Bills.make(t.db, ref, period: nil, today: Self.today)
        #expect(bill.period == "2026-06", "the last month with settlements")
        #expect(bill.lines.map(\.service) == ["gas", "vdgo"] && bill.lines.map(\.dueKop) == [-100000, -12000] && bill.toPayKop == 112000)
        #expect(bill.supplier.name == "ООО «Газ»" && bill.supplier.inn == "3525000001" && bill.supplier.bic == "041909644")
        #expect(bill.supplier.phone == "+78172720000" && bill.supplier.office == "Центральный офис, г. Вологда, ул. Мира, 1" && bill.supplier.hours == "пн–пт 9–17")
        #expect(bill.account == "1001" && bill.holder == "Иванов Иван Иванович" && bill.residents == 2 && bill.heatedArea == 54.5)
        #expect(bill.meters.map(\.serial) == ["A-1", "B-2"])
        #expect(bill.meters.first?.lastValue == 130 && bill.meters.first?.lastDate == "2026-06-20" && bill.meters.first?.expired == false)
        #expect(bill.meters.last?.lastValue == nil && bill.meters.last?.expired == true)
        #expect(bill.paymentString.contains("|Sum=112000|") && bill.paymentString.contains("|PersAcc=1001|"))

        let may = try Bills.make(t.db, ref, period: "2026-05", today: Self.today)
        #expect(may.lines.map(\.service) == ["gas"] && may.toPayKop == 150000)
        #expect { try Bills.make(t.db, ref, period: "2026-08", today: Self.today) } throws: { ($0 as? MyGazError)?.message.key == .billFuturePeriod }
        #expect { try Bills.make(t.db, ref, period: "2026-04", today: Self.today) } throws: { ($0 as? MyGazError)?.message.key == .billNoSettlements }
    }

    @Test(arguments: TestEngine.all) func whatABillLacksIsSaid(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let bare = try t.rgk("cherepovets", bank: false)
        let account = try t.account(rgk: bare, "2001")
        let ref = AccountRef(id: account, rgkID: bare, rgkCode: "cherepovets", number: "2001")
        #expect { try Bills.make(t.db, ref, period: nil, today: Self.today) } throws: { ($0 as? MyGazError)?.message.key == .billNoSettlementsAtAll }
        try t.settlement(account: account, period: "2026-06", opening: 0, charged: 100, paid: 0)
        #expect { try Bills.make(t.db, ref, period: nil, today: Self.today) } throws: {
            ($0 as? MyGazError)?.message.key == .billNoBankDetails
                && ($0 as? MyGazError)?.message.args.contains(.text("inn, kpp, bank_account, bank_name, bic, corr_account")) == true
        }
        #expect { try BillMailing.plan(t.db, period: "2026-06", rgk: "CHEREPOVETS", today: Self.today) } throws: {
            ($0 as? MyGazError)?.message.key == .billNoBankDetails
        }
    }

    @Test(arguments: TestEngine.all) func theMailingQueuesOneBillPerUserAccountAndMonthOnce(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let (rgk, ref) = try Self.region(t)
        try t.rgk("cherepovets")
        let unsettled = try t.account(rgk: rgk, "1002")
        let wanted = try t.portalUser("ivanov@mail.example", emailBills: true)
        try t.link(user: wanted, account: ref.id)
        try t.link(user: wanted, account: unsettled)
        try t.link(user: try t.portalUser("restricted@mail.example", emailBills: true), account: ref.id, extended: false)
        try t.link(user: try t.portalUser("off@mail.example"), account: ref.id)
        try t.link(user: try t.portalUser("blocked@mail.example", status: .blocked, emailBills: true), account: ref.id)
        let byPhone = try t.db.insert("""
            INSERT INTO portal_user (login, login_kind, status, email_bills, registered_at, updated_at) VALUES ('+79115550011', 'phone', 'active', 1, ?, ?)
            """, t.session.now, t.session.now)
        try t.link(user: byPhone, account: ref.id)

        let plan = try BillMailing.plan(t.db, period: "2026-06", rgk: nil, today: Self.today)
        #expect(plan.toQueue == 1 && plan.noSettlements == 1 && plan.noEmail == 1 && plan.queuedBefore == 0, "\(plan)")
        #expect(try BillMailing.plan(t.db, period: "2026-06", rgk: "cherepovets", today: Self.today).toQueue == 0)
        let report = try BillMailing.send(t.session, period: "2026-06", rgk: "VOLOGDA")
        #expect(report.queued == 1 && report.noSettlements == 1 && report.noEmail == 1)
        let queued = try #require(try t.db.queryOne("SELECT * FROM outbox WHERE kind = 'bill'"))
        #expect(try queued.string("recipient") == "ivanov@mail.example" && queued.optString("bill_period") == "2026-06")
        #expect(try queued.optInt64("entity_id") == ref.id && queued.optInt64("user_id") == wanted && queued.optString("subject")?.contains("1001") == true)
        #expect(try t.count("bill_mailing", "period = '2026-06'") == 1 && t.count("audit", "action = 'bill.send'") == 1)

        let again = try BillMailing.plan(t.db, period: "2026-06", rgk: nil, today: Self.today)
        #expect(again.toQueue == 0 && again.queuedBefore == 1)
        #expect(try BillMailing.send(t.session, period: "2026-06", rgk: nil).queued == 0)
        #expect(try t.count("outbox", "kind = 'bill'") == 1, "a rerun queues nothing twice")
        #expect(try BillMailing.recipients(t.db, accountID: ref.id).map(\.email) == ["ivanov@mail.example", "off@mail.example"],
                "a bill sent by hand goes to every active user with the extended version, bills by e-mail or not")
    }
}
