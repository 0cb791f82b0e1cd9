import Foundation
import Testing
@testable import MyGazCore

/// The Tickets room: a question taken by phone, answered, closed.
@Suite struct TicketsTests {
    func open(_ t: TestDB, email: String? = "petrov@mail.ru", phone: String? = nil) throws -> Int64 {
        try t.db.execute("INSERT INTO rgk (id, code, name, created_at, updated_at) VALUES (1, 'vologda', 'В', 'x', 'x')")
        return try Tickets.open(t.session, .init(channel: .rgk, rgk: "vologda", officeID: nil, topic: .bills, name: "Петров Петр",
                                                  email: email, phone: phone, account: nil, accountText: "999",
                                                  message: "Не пришла квитанция", source: .phone, attachments: [])).id
    }

    @Test(arguments: TestEngine.all) func aQuestionByPhoneIsAnsweredToTheSendersAddress(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let id = try open(t)
        #expect(try t.db.scalarString("SELECT status || '|' || account_number FROM ticket WHERE id = ?", id) == "new|999")
        let reply = try Tickets.reply(t.session, id, body: "Квитанция отправлена повторно")
        #expect(reply.to == "answered")
        let message = try #require(try t.db.queryOne("SELECT recipient, status, body FROM outbox WHERE kind = 'ticket_reply' AND entity_id = ?", id))
        #expect(try message.string("recipient") == "petrov@mail.ru" && message.string("status") == "waiting")
        #expect(try message.string("body").contains("> Не пришла квитанция"))
        #expect(try Tickets.close(t.session, id, message: nil).to == "closed")
    }

    /// A review walks the channels its operator answers (manual 001 §5.2).
    @Test(arguments: TestEngine.all) func eachRoleReviewsTheChannelsItAnswers(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let toRGK = try open(t)
        let toSupport = try Tickets.open(t.session, .init(channel: .support, rgk: nil, officeID: nil, topic: .registration, name: "Сидоров С.",
                                                          email: "s@mail.ru", phone: nil, account: nil, accountText: nil,
                                                          message: "Не приходит код", source: .phone, attachments: [])).id
        func queue(_ role: Role?) throws -> [Int64] {
            var filter = TicketFilter()
            filter.answeredBy = role
            return try Tickets.list(t.db, filter).map(\.id).sorted()
        }
        #expect(try queue(.clerk) == [toRGK])
        #expect(try queue(.support) == [toSupport])
        #expect(try queue(.admin) == [toRGK, toSupport].sorted())
        #expect(try queue(nil) == [toRGK, toSupport].sorted())
    }

    @Test(arguments: TestEngine.all) func contactsAreCheckedAndNormalisedOnce(_ engine: TestEngine) throws {
        #expect(throws: MyGazError.self) { try open(try TestDB(engine: engine), email: "not an address") }
        #expect(throws: MyGazError.self) { try open(try TestDB(engine: engine), email: nil, phone: "12345") }
        let t = try TestDB(engine: engine)
        let id = try open(t, email: " Petrov@Mail.RU ", phone: "8 (911) 555-00-11")
        #expect(try t.db.scalarString("SELECT sender_email || '|' || sender_phone FROM ticket WHERE id = ?", id) == "petrov@mail.ru|+79115550011")
    }
}

/// The tickets room's reads and the FAQ on each engine.
@Suite struct TicketReadsTests {
    @Test(arguments: TestEngine.all) func ticketsAndTheFAQAreSearchedAlikeOnEachEngine(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let id = try TicketsTests().open(t)
        t.advance(seconds: 60)
        let other = try Tickets.open(t.session, .init(channel: .rgk, rgk: "vologda", officeID: nil, topic: .meters, name: "Семёнова Ольга",
                                                       email: nil, phone: "+79115550033", account: nil, accountText: nil,
                                                       message: "Счётчик не работает", source: .office, attachments: [])).id
        func found(_ search: String) throws -> [Int64] {
            var filter = TicketFilter()
            filter.search = search
            return try Tickets.list(t.db, filter).map(\.id)
        }
        #expect(try found("КВИТАНЦИЯ") == [id], "a word of the customer's message, any case")
        #expect(try found("семенова") == [other], "ё folds as е")
        #expect(try found("+7 911 555-00-33") == [other])
        #expect(try found("999") == [id], "the account number the customer gave")
        var filter = TicketFilter()
        filter.topic = .meters
        #expect(try Tickets.list(t.db, filter).map(\.id) == [other])
        let answered = try Tickets.reply(t.session, id, body: "Отправили повторно")
        #expect(answered.from == "new" && answered.to == "answered" && answered.notified == true)
        #expect(try Tickets.list(t.db, TicketFilter()).map(\.id) == [other], "an answered ticket leaves the open queue")
        let shown = try Tickets.show(t.db, id)
        #expect(shown.summary.status == "answered" && shown.summary.anonymous && shown.summary.messages == 2 && shown.summary.rgk == "vologda")
        #expect(shown.messages.map(\.authorKind) == ["customer", "operator"] && shown.messages.last?.author == "tester")
        #expect(try Tickets.close(t.session, id, message: nil).to == "closed")
        let refused = #expect(throws: MyGazError.self) { try Tickets.reply(t.session, id, body: "Еще") }
        #expect(refused?.status == .conflict)
        #expect(try Tickets.reopen(t.session, id).to == "new")
        _ = try Tickets.assign(t.session, id, to: "tester")
        #expect(try Tickets.show(t.db, id).summary.assignedTo == "tester")

        let faq = try FAQ.add(t.session, topic: .meters, question: "Как передать показания счётчика?", answer: "В разделе «Приборы учета».")
        _ = try FAQ.add(t.session, topic: .bills, question: "Где квитанция?", answer: "В личном кабинете.")
        #expect(try FAQ.list(t.db, topic: nil, search: "СЧЕТЧИКА").map(\.id) == [faq])
        #expect(try FAQ.list(t.db, topic: .bills, search: nil).map(\.question) == ["Где квитанция?"])
        #expect(try FAQ.list(t.db, topic: .meters, search: "квитанция").isEmpty)
        #expect(try FAQ.edit(t.session, faq, topic: nil, question: nil, answer: "В разделе «Приборы учета» личного кабинета."))
        #expect(try FAQ.find(t.db, faq).answer.hasSuffix("личного кабинета."))
        try FAQ.remove(t.session, faq)
        #expect(try FAQ.list(t.db, topic: nil, search: nil).count == 1)
    }
}
