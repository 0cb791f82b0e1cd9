import Foundation
import Testing
@testable import MyGazCore

/// The contact rule: e-mail, else SMS to a mobile, else the clerk phones; the customer's
/// notification switch silences optional notices only.
@Suite struct NotifyTests {
    let notice = Notify.Notice(subject: "Тема", to: "Петров Сергей Анатольевич", body: "Текст", sms: "Коротко", kind: .applicationStatus)

    func tell(_ t: TestDB, _ reach: Notify.Reach, _ need: Notify.Need = .required) throws -> (Notify.Outcome, Row?) {
        let outcome = try t.db.write {
            try Notify.tell(t.session, reach, notice, need: need, rgkID: nil, entity: .application, entityID: 7, who: "Иванов")
        }
        return (outcome, try t.db.queryOne("SELECT channel, recipient, status, body FROM outbox ORDER BY id DESC LIMIT 1"))
    }

    /// The newest message's column, by name.
    func column(_ row: Row?, _ name: String) throws -> String? {
        try row?.optString(name)
    }

    @Test(arguments: TestEngine.all) func anEMailGoesByEMailWithTheSignature(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let (outcome, row) = try tell(t, .init(email: " Ivanov@Mail.RU ", phone: "+79110000001"))
        #expect(outcome.notified && outcome.warning == nil && outcome.note?.key == .messageQueued)
        #expect(try column(row, "channel") == "email" && column(row, "recipient") == "ivanov@mail.ru" && column(row, "status") == "waiting")
        #expect(try column(row, "body")?.hasPrefix("Здравствуйте, Сергей Анатольевич!\n\nТекст\n\nС уважением, техническая поддержка") == true)
    }

    /// One rule writes every letter (issue 41): a text that greets already is not greeted again.
    @Test func aTextThatGreetsIsNotGreetedTwice() {
        for text in ["Добрый день! Счет исправлен.", "Здравствуйте, Анна! Счет исправлен.", "  доброе утро. Счет исправлен.",
                     "Уважаемая Анна Петровна, счет исправлен.", "Hello, the bill is corrected.", "Good evening."] {
            let letter = Notify.letter(to: "Петрова Анна Петровна", text, footer: "Подпись")
            #expect(letter == text.trimmingCharacters(in: .whitespaces) + "\n\nПодпись", "\(letter)")
        }
        for text in ["Счет исправлен. Здравствуйте!", "Добрыня Никитич передал показание."] {
            #expect(Notify.letter(to: "Петрова Анна Петровна", text, footer: "Подпись") == "Здравствуйте, Анна Петровна!\n\n\(text)\n\nПодпись")
        }
    }

    @Test(arguments: TestEngine.all) func withoutAnEMailTheMobileGetsTheShortText(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let (outcome, row) = try tell(t, .init(email: nil, phone: "8 (911) 000-00-01"))
        #expect(outcome.notified)
        #expect(try column(row, "channel") == "sms" && column(row, "recipient") == "+79110000001" && column(row, "body") == "Коротко")
    }

    @Test(arguments: TestEngine.all) func aLandlineOrNothingMakesTheClerkPhoneOrSeeThePerson(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let (landline, none1) = try tell(t, .init(email: nil, phone: "+78172123456"))
        #expect(!landline.notified && landline.warning?.key == .noContactPhone && none1 == nil)
        #expect(landline.warning?.args.contains(.text("+78172123456")) == true, "names the number to call")
        let (nothing, none2) = try tell(t, .init(email: nil, phone: nil))
        #expect(!nothing.notified && nothing.warning?.key == .noContactTellInPerson && none2 == nil)
    }

    @Test(arguments: TestEngine.all) func aBadAddressIsKeptFailedAndTheClerkToldUnlessAMobileCanTakeIt(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let (refused, row) = try tell(t, .init(email: "a@b.ru\r\nBcc: x@y.ru", phone: nil))
        #expect(try !refused.notified && refused.warning?.key == .recipientRefused && column(row, "status") == "failed")
        let (bySMS, sms) = try tell(t, .init(email: "not an address", phone: "+79110000002"))
        #expect(try bySMS.notified && column(sms, "channel") == "sms")
    }

    @Test(arguments: TestEngine.all) func theSwitchSilencesOptionalNoticesOnly(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let (optional, none) = try tell(t, .init(email: "a@b.ru", phone: nil, optedOut: true), .optional)
        #expect(!optional.notified && optional.note?.key == .noticeOptedOut && optional.warning == nil && none == nil)
        let (required, row) = try tell(t, .init(email: "a@b.ru", phone: nil, optedOut: true), .required)
        #expect(try required.notified && column(row, "recipient") == "a@b.ru", "a question or a refusal always goes")
    }

    @Test(arguments: TestEngine.all) func theFooterNamesTheRGKItsPhoneAndItsOfficeHours(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let rgk = try t.rgk("vologda", name: "ООО «Газ»", phone: "+78172720000")
        try t.db.run("INSERT INTO office (rgk_id, name, address, hours) VALUES (?, 'Абонентский пункт Сокол', 'г. Сокол, ул. Мира, 1', 'пн–пт 9:00–17:00')", rgk)
        #expect(try Notify.footer(t.db, rgkID: rgk) == """
            С уважением, абонентский отдел ООО «Газ».
            Телефон: +7 (8172) 72-00-00.
            Абонентский пункт Сокол, г. Сокол, ул. Мира, 1, часы работы: пн–пт 9:00–17:00.
            """)
    }

    @Test func daysAgreeWithTheirNumber() {
        #expect(Russian.days(1) == "1 дня" && Russian.days(21) == "21 дня" && Russian.days(11) == "11 дней")
        #expect(Russian.days(3) == "3 дней" && Russian.days(30) == "30 дней" && Russian.days(111) == "111 дней")
    }
}
