import Foundation
import Testing
@testable import MyGazCore

/// Two clerks answer and close the same ticket at the same instant (PostgreSQL) or one after
/// the other (SQLite): one stands, with its one message to the sender.
@Suite struct TicketRaceTests {
    @Test(arguments: TestEngine.all) func oneAnswersAndOneCloses(_ engine: TestEngine) throws {
        let clerks = try TwoClerks(engine)
        try clerks.db.execute("INSERT INTO rgk (id, code, name, created_at, updated_at) VALUES (1, 'vologda', 'Вологдагаз', 'x', 'x')")
        let id = try clerks.db.insert("""
            INSERT INTO ticket (channel, rgk_id, topic, status, sender_name, sender_email, source, created_at, updated_at, last_customer_at)
            VALUES ('rgk', 1, 'bills', 'new', 'Петров Петр', 'petrov@mail.ru', 'phone', 'x', 'x', 'x')
            """)
        try clerks.db.run("INSERT INTO ticket_message (ticket_id, at, author_kind, body) VALUES (?, 'x', 'customer', 'Не пришла квитанция')", id)
        // on SQLite the answer comes second and finds the ticket closed (an answered ticket may
        // still be closed: that order is two decisions, each on the state it saw)
        let outcomes = try clerks.race("ticket", id, [
            { try Tickets.close($0, id, message: "Вопрос решен") },
            { try Tickets.reply($0, id, body: "Квитанция отправлена повторно") },
        ])
        let winner = try #require(clerks.oneWins(outcomes, .ticketStatus))
        #expect(try clerks.db.scalarString("SELECT status FROM ticket WHERE id = ?", id) == (winner == 0 ? "closed" : "answered"))
        #expect(try clerks.count("ticket_message", "ticket_id = \(id) AND author_kind = 'operator'") == 1)
        #expect(try clerks.count("audit", "entity_type = 'ticket' AND entity_id = '\(id)'") == 1)
        let told = try clerks.db.query("SELECT body FROM outbox WHERE entity_type = 'ticket' AND entity_id = ?", id).map { try $0.string("body") }
        #expect(told.count == 1 && told.first?.contains(winner == 0 ? "Вопрос решен" : "Квитанция отправлена повторно") == true, "\(told)")
    }
}
