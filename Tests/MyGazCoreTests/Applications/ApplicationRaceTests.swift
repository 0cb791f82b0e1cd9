import Foundation
import Testing
@testable import MyGazCore

/// Two clerks decide the same application at the same instant (PostgreSQL) or one after the
/// other (SQLite): one step stands, with one event, one audit row and one message.
@Suite struct ApplicationRaceTests {
    @Test(arguments: TestEngine.all) func oneApprovesAndOneRejects(_ engine: TestEngine) throws {
        let clerks = try TwoClerks(engine)
        try clerks.db.execute("INSERT INTO rgk (id, code, name, created_at, updated_at) VALUES (1, 'vologda', 'Вологдагаз', 'x', 'x')")
        let id = try clerks.db.insert("""
            INSERT INTO application (kind, status, rgk_id, address, source, contact_name, contact_email, created_at, submitted_at, updated_at)
            VALUES ('repair', 'submitted', 1, 'Вологда, ул. Мира, 1', 'portal', 'Петров Петр', 'petrov@mail.ru', 'x', 'x', 'x')
            """)
        // each clerk decides on the state the review showed (as `application review` and
        // --expect-status do): a refusal after an approval is a new decision, not this one
        let outcomes = try clerks.race("application", id, [
            { try Applications.transition($0, id, .approve, message: nil, expect: .submitted) },
            { try Applications.transition($0, id, .reject, message: "Нет документов", expect: .submitted) },
        ])
        let winner = try #require(clerks.oneWins(outcomes, .applicationStatus))
        let state = winner == 0 ? "accepted" : "rejected"
        #expect(try clerks.db.scalarString("SELECT status FROM application WHERE id = ?", id) == state)
        #expect(try clerks.count("application_event", "application_id = \(id)") == 1)
        #expect(try clerks.count("audit", "entity_type = 'application' AND entity_id = '\(id)'") == 1)
        #expect(try clerks.count("outbox", "entity_type = 'application' AND entity_id = \(id)") == 1, "one message, of the step that stands")
        #expect(try clerks.db.scalarString("SELECT body FROM outbox WHERE entity_type = 'application' AND entity_id = ?", id)?
            .contains(winner == 0 ? "«Принята»" : "не согласована") == true)
    }
}
