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

/// Issue 41: «К оплате» of a closed month is the RGK's closing balance (benefits and
/// recalculations in it), of the open month the manual's formula; an overpayment is never a
/// figure to pay; the QR code's purpose names what is paid. Figures worked by hand below.
@Suite struct BillBalanceTests {
    static func settle(_ t: TestDB, account: Int64, kind: ServiceKind, period: String, opening: Int64, charged: Int64, paid: Int64,
                       benefit: Int64, recalc: Int64, closing: Int64?) throws {
        let service = try t.db.queryOne("SELECT id FROM service WHERE account_id = ? AND kind = ?", account, kind.rawValue)?.int64("id")
            ?? t.db.insert("INSERT INTO service (account_id, kind, updated_at) VALUES (?, ?, ?)", account, kind.rawValue, t.session.now)
        try t.db.run("""
            INSERT INTO settlement (service_id, period, opening_kop, charged_kop, paid_kop, benefit_kop, recalc_kop, closing_kop)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, service, period, opening, charged, paid, benefit, recalc, closing)
    }

    @Test(arguments: TestEngine.all) func aClosedMonthIsTheClosingBalanceAndTheOpenOneTheManualsFormula(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let rgk = try t.rgk("vologda", name: "ООО «Газ»", phone: "+78172720000")
        let account = try t.account(rgk: rgk, "1001")
        let ref = AccountRef(id: account, rgkID: rgk, rgkCode: "vologda", number: "1001")
        // October, closed: gas −3 000,00 − 2 500,00 + 2 000,00 + benefit 200,00 + recalculation 50,00 = −3 250,00
        // (the formula alone would ask 3 500,00); ТО ВДГО 0 − 120,00 + 200,00 = +80,00, an overpayment
        try Self.settle(t, account: account, kind: .gas, period: "2026-10", opening: -300000, charged: 250000, paid: 200000,
                        benefit: 20000, recalc: 5000, closing: -325000)
        try Self.settle(t, account: account, kind: .vdgo, period: "2026-10", opening: 0, charged: 12000, paid: 20000,
                        benefit: 0, recalc: 0, closing: 8000)
        // November, open: gas −3 250,00 − 1 500,00 + 1 000,00 = −3 750,00 (its benefit waits for the closing);
        // ТО ВДГО 80,00 − 120,00 + 0 = −40,00
        try Self.settle(t, account: account, kind: .gas, period: "2026-11", opening: -325000, charged: 150000, paid: 100000,
                        benefit: 15000, recalc: 0, closing: nil)
        try Self.settle(t, account: account, kind: .vdgo, period: "2026-11", opening: 8000, charged: 12000, paid: 0,
                        benefit: 0, recalc: 0, closing: nil)
        let today = Day(iso: "2026-11-20")!

        let october = try Bills.make(t.db, ref, period: "2026-10", today: today)
        #expect(october.closed && october.lines.map(\.dueKop) == [-325000, 8000])
        #expect(october.lines.map(\.toPayKop) == [325000, 0] && october.lines.map(\.overpaidKop) == [0, 8000])
        #expect(october.toPayKop == 325000, "the closing balance, not 3 500,00 of the formula; the overpaid ТО ВДГО is not netted")
        #expect(october.paymentString.contains("|Sum=325000|"))
        #expect(october.purpose == "Оплата за газ по лицевому счету 1001 за 10.2026", "ТО ВДГО is not paid in October")

        let november = try Bills.make(t.db, ref, period: "2026-11", today: today)
        #expect(!november.closed && november.lines.map(\.dueKop) == [-375000, -4000])
        #expect(november.toPayKop == 379000 && november.paymentString.contains("|Sum=379000|"))
        #expect(november.purpose == "Оплата за газ и ТО ВДГО по лицевому счету 1001 за 11.2026")

        let detail = try Accounts.show(t.db, ref, allContracts: false, today: today)
        let shown = detail.settlements.map { "\($0.period) \($0.service) \($0.toPayKop) \($0.overpaidKop)" }
        #expect(shown == ["2026-11 gas 375000 0", "2026-11 vdgo 4000 0", "2026-10 gas 325000 0", "2026-10 vdgo 0 8000"], "\(shown)")
    }

    @Test func thePurposeKeepsToTheStandardsLength() {
        let supplier = Bill.Supplier(code: "r", name: "ООО «Газ»", inn: "1", kpp: "2", account: "3", bankName: "Б", bic: "4",
                                     correspondentAccount: "5", phone: nil, office: nil, hours: nil)
        let line = Bill.Line(service: "gas", openingKop: -100, chargedKop: 0, benefitKop: 0, recalcKop: 0, paidKop: 0)
        let bill = Bill(supplier: supplier, account: String(repeating: "7", count: 300), surname: nil, name: nil, patronymic: nil,
                        address: nil, residents: nil, heatedArea: nil, period: "2026-11", lines: [line], meters: [])
        #expect(bill.purpose.count == Bill.purposeLimit && bill.purpose.hasPrefix("Оплата за газ по лицевому счету 777"))
    }
}
