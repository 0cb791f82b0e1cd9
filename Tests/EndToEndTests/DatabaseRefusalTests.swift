import Foundation
import Testing

/// A trigger someone added to the database refuses a change with words of its own: the clerk reads
/// them in one line with the database named, exit 8, and nothing is changed — on either engine.
@Suite struct DatabaseRefusalTests {
    @Test func aTriggersRefusalIsTheDatabasesAnswerNotABugOfOurs() {
        let t = E2E()
        t.demo(accounts: 150)
        let reading = t.sql("SELECT min(id) FROM reading WHERE status = 'pending'")
        let refusal = "показания принимает только портал"
        switch t.engine {
        case .sqlite:
            _ = t.sql("CREATE TRIGGER portal_guard BEFORE UPDATE OF status ON reading BEGIN SELECT RAISE(ABORT, '\(refusal)'); END")
        case .postgresql:
            _ = t.sql("""
                CREATE FUNCTION portal_guard() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '\(refusal)'; END $$;
                CREATE TRIGGER portal_guard BEFORE UPDATE OF status ON reading FOR EACH ROW EXECUTE FUNCTION portal_guard();
                """)
        }
        let messages = t.sql("SELECT count(*) FROM outbox")
        let r = t.run("reading", "reject", reading, "--reason", "other", "--message", "Фото нечитаемо")
        #expect(r.status == 8, "\(r)")
        #expect(r.stderr.contains(refusal) && r.stderr.contains("db check"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
        #expect(!r.stderr.contains("internal"), "\(r.stderr)")
        #expect(t.sql("SELECT status FROM reading WHERE id = \(reading)") == "pending")
        #expect(t.sql("SELECT count(*) FROM outbox") == messages, "nothing told to the customer")
        #expect(t.sql("SELECT count(*) FROM audit WHERE action = 'reading.reject'") == "0")
    }
}
