import Foundation
import Testing
@testable import MyGazCore

/// The contact rule: e-mail, else SMS to a mobile, else the clerk phones; the customer's
/// notification switch silences optional notices only.
@Suite struct NotifyTests {
    let notice = Notify.Notice(subject: "Тема", body: "Текст", sms: "Коротко", kind: .applicationStatus)

    func tell(_ t: TestDB, _ reach: Notify.Reach, _ need: Notify.Need = .required) throws -> (Notify.Outcome, Row?) {
        let outcome = try t.db.write {
            try Notify.tell(t.session, reach, notice, need: need, rgkID: nil, entity: .application, entityID: 7, who: "Иванов")
        }
        return (outcome, try t.db.queryOne("SELECT channel, recipient, status, body FROM outbox ORDER BY id DESC LIMIT 1"))
    }

    @Test func anEMailGoesByEMailWithTheSignature() throws {
        let t = try TestDB()
        let (outcome, row) = try tell(t, .init(email: " Ivanov@Mail.RU ", phone: "+79110000001"))
        #expect(outcome.notified && outcome.warning == nil && outcome.note?.key == .messageQueued)
        #expect(row?.string(0) == "email" && row?.string(1) == "ivanov@mail.ru" && row?.string(2) == "waiting")
        #expect(row?.string(3).hasPrefix("Текст\n\nС уважением, техническая поддержка") == true)
    }

    @Test func withoutAnEMailTheMobileGetsTheShortText() throws {
        let t = try TestDB()
        let (outcome, row) = try tell(t, .init(email: nil, phone: "8 (911) 000-00-01"))
        #expect(outcome.notified)
        #expect(row?.string(0) == "sms" && row?.string(1) == "+79110000001" && row?.string(3) == "Коротко")
    }

    @Test func aLandlineOrNothingMakesTheClerkPhoneOrSeeThePerson() throws {
        let t = try TestDB()
        let (landline, none1) = try tell(t, .init(email: nil, phone: "+78172123456"))
        #expect(!landline.notified && landline.warning?.key == .noContactPhone && none1 == nil)
        #expect(landline.warning?.args.contains(.text("+78172123456")) == true, "names the number to call")
        let (nothing, none2) = try tell(t, .init(email: nil, phone: nil))
        #expect(!nothing.notified && nothing.warning?.key == .noContactTellInPerson && none2 == nil)
    }

    @Test func aBadAddressIsKeptFailedAndTheClerkToldUnlessAMobileCanTakeIt() throws {
        let t = try TestDB()
        let (refused, row) = try tell(t, .init(email: "a@b.ru\r\nBcc: x@y.ru", phone: nil))
        #expect(!refused.notified && refused.warning?.key == .recipientRefused && row?.string(2) == "failed")
        let (bySMS, sms) = try tell(t, .init(email: "not an address", phone: "+79110000002"))
        #expect(bySMS.notified && sms?.string(0) == "sms")
    }

    @Test func theSwitchSilencesOptionalNoticesOnly() throws {
        let t = try TestDB()
        let (optional, none) = try tell(t, .init(email: "a@b.ru", phone: nil, optedOut: true), .optional)
        #expect(!optional.notified && optional.note?.key == .noticeOptedOut && optional.warning == nil && none == nil)
        let (required, row) = try tell(t, .init(email: "a@b.ru", phone: nil, optedOut: true), .required)
        #expect(required.notified && row?.string(1) == "a@b.ru", "a question or a refusal always goes")
    }

    @Test func theFooterNamesTheRGKItsPhoneAndItsOfficeHours() throws {
        let t = try TestDB()
        try t.db.execute("""
            INSERT INTO rgk (id, code, name, phone, created_at, updated_at) VALUES (1, 'vologda', 'ООО «Газ»', '+78172720000', 'x', 'x');
            INSERT INTO office (rgk_id, name, address, hours) VALUES (1, 'Абонентский пункт Сокол', 'г. Сокол, ул. Мира, 1', 'пн–пт 9:00–17:00');
            """)
        #expect(try Notify.footer(t.db, rgkID: 1) == """
            С уважением, абонентский отдел ООО «Газ».
            Телефон: +7 (817) 272-00-00.
            Абонентский пункт Сокол, г. Сокол, ул. Мира, 1, часы работы: пн–пт 9:00–17:00.
            """)
    }

    @Test func daysAgreeWithTheirNumber() {
        #expect(Russian.days(1) == "1 дня" && Russian.days(21) == "21 дня" && Russian.days(11) == "11 дней")
        #expect(Russian.days(3) == "3 дней" && Russian.days(30) == "30 дней" && Russian.days(111) == "111 дней")
    }
}
