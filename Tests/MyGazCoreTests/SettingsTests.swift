import Foundation
import Testing
@testable import MyGazCore

/// The settings kept in the database, on both engines: set, changed in place, back to the
/// default, each change audited; a command row left by an older version is listed and ignored.
@Suite struct SettingsTests {
    @Test(arguments: TestEngine.all) func aSettingIsKeptChangedAndClearedWithItsAudit(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let env = ["MYGAZ_CONFIG": "/nonexistent/mygaz-admin.conf"]
        #expect(try Settings.days(t.db, .ticketAnswerDays) == 30)
        #expect(try Settings.value(t.db, .ticketAnswerDays, environment: env).source == .default)
        #expect(try Settings.set(t.session, .ticketAnswerDays, " 10 "))
        #expect(try !Settings.set(t.session, .ticketAnswerDays, "10"), "the same value is no change")
        #expect(try Settings.set(t.session, .ticketAnswerDays, "12"), "a second value replaces the first")
        let kept = try Settings.value(t.db, .ticketAnswerDays, environment: env)
        #expect(kept.value == "12" && kept.source == .database && kept.updatedBy == "tester")
        #expect(try Settings.days(t.db, .ticketAnswerDays) == 12)
        #expect(try t.count("setting", "key = 'ticket.answer_days'") == 1)
        #expect(try Settings.set(t.session, .mailFrom, "Support@Gaz.RU"))
        #expect(try Settings.get(t.db, .mailFrom) == "support@gaz.ru")
        #expect(try Settings.set(t.session, .ticketAnswerDays, nil))
        #expect(try Settings.get(t.db, .ticketAnswerDays) == "30")
        let changes = try t.db.query("SELECT old_value, new_value FROM audit WHERE action = 'config.set' AND entity_id = 'ticket.answer_days' ORDER BY id")
            .map { "\(try $0.optString("old_value") ?? "-")→\(try $0.optString("new_value") ?? "-")" }
        #expect(changes == ["-→10", "10→12", "12→-"])
        try t.db.run("INSERT INTO setting (key, value, updated_at, updated_by) VALUES ('sms.command', '/bin/planted', 'x', 'root')")
        #expect(try Settings.ignoredRows(t.db).map(\.value) == ["/bin/planted"])
        #expect(try Settings.list(t.db, environment: env).first { $0.key == .mailFrom }?.value == "support@gaz.ru")
    }
}
