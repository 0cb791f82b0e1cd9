import Foundation
import Testing
@testable import MyGazCore

@Suite struct ContactTests {
    @Test func phonesInEverySpellingOfTheManuals() {
        for spelling in ["+7 (981) 567-65-22", "89815676522", "9815676522", "79815676522", " +79815676522 ", "8 981 567 65 22",
                         "\t8(981)567.65.22\r\n", "8\u{00A0}981\u{00A0}567-65-22"] {
            #expect(Contact.phone(spelling) == "+79815676522", "\(spelling)")
        }
        for bad in ["+7 (481) 567-65-22", "12345", "+1 981 567 65 22", "8981567652", "98156765221", "+7981567652a", "", "++79815676522",
                    "8 981 5676522 +", "8\t981 567 65 22", "８9815676522", "8 981 567-65-22 доб. 1", "+7 981 567-65-22\u{0000}"] {
            #expect(Contact.phone(bad) == nil, "\(bad)")
        }
        #expect(Contact.phone(utf8: Array(" 8 (911) 000-00-00 ".utf8)[1...]) == "+79110000000")
    }

    @Test func emailsAreTrimmedAndLowerCased() {
        #expect(Contact.email(" Ivan@Mail.RU ") == "ivan@mail.ru")
        for bad in ["ivan@", "@mail.ru", "ivan mail.ru", "ivan@mail", "ivan@@mail.ru", "a@b..ru", "x@.ru"] {
            #expect(Contact.email(bad) == nil, "\(bad)")
        }
        #expect(Contact.login("ivan@mail.ru")?.kind == .email)
        #expect(Contact.login("89815676522")?.kind == .phone)
        #expect(Contact.login("ivan") == nil)
    }

    @Test func passwordsAreFiveToTenLatinLettersOrDigits() {
        #expect(Contact.isValidPassword("abcde"))
        #expect(Contact.isValidPassword("Abc1234567"))
        for bad in ["abcd", "abcdefghijk", "пароль12", "abc 12", "abc-12", ""] {
            #expect(!Contact.isValidPassword(bad), "\(bad)")
        }
    }

    @Test func accountNumbersAsManual004Shows() {
        #expect(Contact.accountNumber("023-185952") == "23185952")
        #expect(Contact.accountNumber(" 70000017 ") == "70000017")
        #expect(Contact.accountNumber("000") == nil)
        #expect(Contact.accountNumber("70-АБ") == nil)
        #expect(Contact.accountNumber("") == nil)
    }

    @Test func foldMakesSearchCaseAndYoInsensitive() {
        #expect(Database.fold("СЕМЁНОВ") == "семенов")
    }

    /// Issue 41: a landline's code as long as the numbering plan makes it, not grouped as a mobile.
    @Test func phonesAreWrittenByTheLengthOfTheirCode() {
        #expect(Contact.written("+79815676522") == "+7 (981) 567-65-22", "a mobile")
        #expect(Contact.written("+74951234567") == "+7 (495) 123-45-67", "Moscow: seven-digit numbers")
        #expect(Contact.written("+78172720000") == "+7 (8172) 72-00-00", "Vologda, a regional centre")
        #expect(Contact.written("+74852580000") == "+7 (4852) 58-00-00" && Contact.written("+74942390000") == "+7 (4942) 39-00-00")
        #expect(Contact.written("+78202551234") == "+7 (8202) 55-12-34", "Cherepovets")
        #expect(Contact.written("+78173321234") == "+7 (81733) 2-12-34", "Sokol, a district town")
        #expect(Contact.written("+78001005555") == "+7 (800) 100-55-55", "the free-call code")
        #expect(Contact.written("8 (8172) 72-00-00") == "8 (8172) 72-00-00", "an RGK's own spelling is kept as written")
    }

    /// The demo's RGK and office phones are real-shaped for their towns.
    @Test func theDemosPhonesHaveTheirTownsCodes() {
        #expect(DemoData.regions.map { Contact.written($0.phone) } == ["+7 (8172) 72-00-00", "+7 (4852) 58-00-00", "+7 (4942) 39-00-00"])
        let vologda = DemoData.regions[0]
        #expect(Contact.written(DemoData.officePhone("г. Череповец", region: vologda, local: "512345")) == "+7 (8202) 51-23-45")
        #expect(Contact.written(DemoData.officePhone("г. Сокол", region: vologda, local: "512345")) == "+7 (81733) 5-12-34")
    }
}

/// A database with one RGK, one account with a meter and a settlement, and one active user.
final class UserFixture {
    let t: TestDB
    let account: AccountRef
    let userID: Int64

    init(_ engine: TestEngine = .sqlite) throws {
        t = try TestDB(engine: engine)
        try t.db.execute("""
            INSERT INTO rgk (code, name, created_at, updated_at) VALUES ('vologda', 'Вологда', 'x', 'x');
            INSERT INTO account (rgk_id, number, surname, name, updated_at) VALUES (1, '23185952', 'Петров', 'Иван', 'x');
            INSERT INTO account (rgk_id, number, updated_at) VALUES (1, '2', 'x'), (1, '3', 'x'), (1, '4', 'x');
            INSERT INTO meter (account_id, serial, digits) VALUES (1, '64567281', 5);
            INSERT INTO service (account_id, kind, balance_kop, updated_at) VALUES (1, 'gas', -100, 'x');
            INSERT INTO settlement (service_id, period, opening_kop, charged_kop) VALUES (1, '2026-05', 0, 10000), (1, '2026-06', 0, 31472);
            """)
        account = try AccountRef.resolve(t.db, "023-185952", rgk: nil)
        userID = try Users.create(t.session, .init(login: "+7 (981) 567-65-22", fullName: "Петров Иван", email: nil, phone: nil, password: "abc12"))
    }

    func secretOfLastCode() throws -> String {
        try t.db.scalarString("SELECT secret FROM outbox WHERE kind = 'confirmation_code' ORDER BY id DESC LIMIT 1") ?? ""
    }
}
