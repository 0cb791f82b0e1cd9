import Foundation
import Testing
@testable import MyGazCore

/// Finding an account from what a clerk or a customer types, on both engines.
@Suite struct AccountRefTests {
    func twoRegions(_ t: TestDB) throws {
        try t.db.execute("""
            INSERT INTO rgk (id, code, name, created_at, updated_at) VALUES (1, 'vologda', 'В', 'x', 'x'), (2, 'kostroma', 'К', 'x', 'x');
            INSERT INTO account (rgk_id, number, updated_at) VALUES (1, '23185952', 'x'), (1, '555', 'x'), (2, '555', 'x');
            """)
    }

    @Test(arguments: TestEngine.all) func anyPrintedSpellingFindsTheAccount(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        try twoRegions(t)
        for spelling in ["023-185952", "23185952", " 023 185 952 "] {
            #expect(try AccountRef.resolve(t.db, spelling, rgk: nil).label == "vologda/23185952", "\(spelling)")
        }
        #expect(try AccountRef.byID(t.db, 1).label == "vologda/23185952")
        #expect(try RGK.codes(t.db) == ["kostroma", "vologda"])
        #expect(try RGK.id(t.db, "KOSTROMA") == 2)
    }

    @Test(arguments: TestEngine.all) func aNumberInTwoRegionsNeedsTheRGKAndAnUnknownOneIsNotFound(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        try twoRegions(t)
        let ambiguous = #expect(throws: MyGazError.self) { try AccountRef.resolve(t.db, "555", rgk: nil) }
        #expect(ambiguous?.message.args.contains(.text("kostroma, vologda")) == true, "\(ambiguous as Any)")
        #expect(try AccountRef.resolve(t.db, "555", rgk: "kostroma").rgkCode == "kostroma")
        let unknown = #expect(throws: MyGazError.self) { try AccountRef.resolve(t.db, "999", rgk: nil) }
        #expect(unknown?.status == .notFound)
        // a customer's number the RGK has not sent yet is kept; an ambiguous one or an unknown RGK is still an error
        let kept = try AccountRef.resolveOrNumber(t.db, "000-999", rgk: nil)
        #expect(kept.account == nil && kept.number == "999")
        #expect(throws: MyGazError.self) { try AccountRef.resolveOrNumber(t.db, "555", rgk: nil) }
        #expect(throws: MyGazError.self) { try AccountRef.resolveOrNumber(t.db, "555", rgk: "nowhere") }
        #expect(throws: MyGazError.self) { try AccountRef.resolveOrNumber(t.db, "55x", rgk: nil) }
        #expect(throws: MyGazError.self) { try AccountRef.byID(t.db, 99) }
    }
}

/// An account's lists and its desk page, on both engines.
@Suite struct AccountsTests {
    /// Two accounts of one region: the first with two services (one in debt), two meters, readings,
    /// settlements of four periods, payments, contracts, a PIN, a linked user and open items.
    func region(_ t: TestDB) throws {
        try t.db.execute("""
            INSERT INTO rgk (id, code, name, created_at, updated_at) VALUES (1, 'vologda', 'Вологдаоблгаз', 'x', 'x');
            INSERT INTO account (id, rgk_id, number, surname, name, patronymic, address, phone, residents, heated_area, updated_at) VALUES
              (1, 1, '70000001', 'Лебедева', 'Ольга', 'Викторовна', 'г. Вологда, ул. Ленина, д. 5', '+79115550103', 3, 54.5, 'x'),
              (2, 1, '70000002', 'Орлов', NULL, NULL, NULL, NULL, NULL, NULL, 'x');
            INSERT INTO service (id, account_id, kind, balance_kop, updated_at) VALUES
              (1, 1, 'gas', -589995, '2026-07-01T00:00:00Z'), (2, 1, 'vdgo', 1500, '2026-07-01T00:00:00Z'), (3, 2, 'gas', 0, 'x');
            INSERT INTO meter (id, account_id, serial, model, digits, place, next_verification, state) VALUES
              (1, 1, 'AB-12', 'СГМН-1', 5, 'кухня', '2026-01-01', 'working'),
              (2, 1, 'ab-12', NULL, 5, NULL, NULL, 'removed'),
              (3, 1, 'Z9', NULL, 6, NULL, '2030-01-01', 'faulty');
            INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at) VALUES
              (1, 1200, '2026-05-20', 'portal', 'accepted', '2026-05-20T10:00:00Z'),
              (1, 1300, '2026-06-20', 'portal', 'accepted', '2026-06-20T10:00:00Z'),
              (1, 1410, '2026-07-20', 'portal', 'pending', '2026-07-20T10:00:00Z');
            INSERT INTO settlement (service_id, period, opening_kop, charged_kop, paid_kop, closing_kop) VALUES
              (1, '2026-04', 0, 100, 0, NULL), (1, '2026-05', -331952, 258043, 0, NULL), (1, '2026-06', -331952, 258043, 0, -589995),
              (2, '2026-06', 0, 0, 1500, 1500), (1, '2026-07', -589995, 0, 0, NULL);
            INSERT INTO payment (rgk_id, external_id, account_id, service, paid_on, amount_kop, channel, state) VALUES
              (1, 'P1', 1, 'gas', '2026-06-01', 100000, 'sbp', 'paid'), (1, 'P2', 1, 'vdgo', '2026-07-01', 1500, NULL, 'processing');
            INSERT INTO contract (rgk_id, number, account_id, kind, signed_on, valid_until, state) VALUES
              (1, 'П-1', 1, 'supply', '2020-01-01', NULL, 'active'), (1, 'П-0', 1, 'vdgo', '2015-01-01', '2019-12-31', 'archive');
            INSERT INTO portal_user (id, login, login_kind, full_name, status, registered_at, updated_at) VALUES
              (1, 'lebedeva@mail.ru', 'email', 'Лебедева Ольга', 'active', 'x', 'x');
            INSERT INTO user_account (user_id, account_id, access_level, alias, linked_at, locked_at) VALUES (1, 1, 'restricted', 'Дом', 'x', 'y');
            INSERT INTO ticket (channel, topic, status, rgk_id, account_id, sender_name, sender_email, created_at, updated_at, last_customer_at)
              VALUES ('rgk', 'meters', 'new', 1, 1, 'Лебедева', 'lebedeva@mail.ru', '2026-07-02T00:00:00Z', 'x', '2026-07-02T00:00:00Z');
            """)
    }

    @Test(arguments: TestEngine.all) func theListsSumsAndDebtors(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        try region(t)
        let all = try Accounts.list(t.db, AccountFilter())
        #expect(all.map(\.number) == ["70000001", "70000002"])
        let first = try #require(all.first)
        #expect(first.holder == "Лебедева Ольга Викторовна" && first.rgk == "vologda" && first.address == "г. Вологда, ул. Ленина, д. 5")
        #expect(first.balanceKop == -588495 && first.debtKop == -589995 && first.users == 1)
        #expect(all.last?.holder == "Орлов" && all.last?.address == nil && all.last?.users == 0)
        var debtors = AccountFilter()
        debtors.debtors = true
        debtors.rgk = "vologda"
        #expect(try Accounts.list(t.db, debtors).map(\.number) == ["70000001"])
        var one = AccountFilter()
        one.search = "070-000-002"
        #expect(try Accounts.list(t.db, one).map(\.number) == ["70000002"], "an account number in any spelling")
    }

    @Test(arguments: TestEngine.all) func theDeskPageOfAnAccount(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        try region(t)
        try t.db.run("INSERT INTO pin (account_id, pin_hash, source, state, issued_at, issued_by) VALUES (1, '$y$h', 'issued', 'active', 'x', 'x')")
        let ref = try AccountRef.resolve(t.db, "70000001", rgk: nil)
        let page = try Accounts.show(t.db, ref, allContracts: false, today: try #require(Day(iso: "2026-07-20")))
        #expect(page.rgkName == "Вологдаоблгаз" && page.holder == "Лебедева Ольга Викторовна" && page.residents == 3 && page.heatedArea == 54.5)
        #expect(page.services.map(\.kind) == ["gas", "vdgo"] && page.services.map(\.balanceKop) == [-589995, 1500])
        #expect(page.meters.map(\.serial) == ["AB-12", "Z9", "ab-12"], "working first, then by serial")
        let meter = try #require(page.meters.first)
        #expect(meter.lastValue == 1300 && meter.lastDate == "2026-06-20" && meter.pending == 1 && meter.verificationExpired)
        #expect(page.meters[1].lastValue == nil && !page.meters[1].verificationExpired)
        #expect(page.users.map(\.login) == ["lebedeva@mail.ru"] && page.users.first?.locked == true && page.users.first?.alias == "Дом")
        #expect(page.contracts.map(\.number) == ["П-1"])
        #expect(try Accounts.show(t.db, ref, allContracts: true, today: try #require(Day(iso: "2026-07-20"))).contracts.map(\.number) == ["П-1", "П-0"])
        #expect(page.payments.map(\.externalID) == ["P2", "P1"] && page.payments.last?.channel == "sbp")
        #expect(Set(page.settlements.map(\.period)) == ["2026-05", "2026-06", "2026-07"], "the last three periods")
        #expect(page.settlements.first { $0.period == "2026-06" && $0.service == "gas" }?.closingKop == -589995)
        #expect(page.activePIN)
        #expect(page.open.readings.map(\.value) == [1410] && page.open.readings.first?.what == "AB-12")
        #expect(page.open.tickets.map(\.what) == ["meters"] && page.open.applications.isEmpty)
    }

    /// The one serial rule: surrounding spaces and letter case do not matter, the exact spelling first.
    @Test(arguments: TestEngine.all) func aSerialInAnyCaseFindsItsMeter(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        try region(t)
        #expect(try Meters.find(t.db, accountID: 1, serial: " z9 ")?.id == 3)
        #expect(try Meters.find(t.db, accountID: 1, serial: "ab-12")?.id == 2, "two fold alike: the one spelt so first")
        #expect(try Meters.find(t.db, accountID: 1, serial: " Ab-12")?.id == 1, "two fold alike, neither spelt so: the lower id")
        #expect(try Meters.find(t.db, accountID: 1, serial: "Z9")?.digits == 6)
        #expect(try Meters.find(t.db, accountID: 2, serial: "Z9") == nil)
    }
}
