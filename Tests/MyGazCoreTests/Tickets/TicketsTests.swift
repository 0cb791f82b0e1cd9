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
