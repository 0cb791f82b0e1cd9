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

    /// A period written into the database past `config set` (with SQL) is never used: the same
    /// range as `config set` is asked of it when read, and a value out of it is exit 6 naming the
    /// setting, the value and the command that mends it; `config get` still shows it.
    @Test(arguments: TestEngine.all) func aPeriodWrittenPastConfigSetIsRefusedWhenRead(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        for (key, bad) in [(SettingKey.ticketAnswerDays, "-3"), (.ticketAnswerDays, ""), (.readingCutoffDay, "32"), (.readingCutoffDay, "0"),
                           (.applicationRepairDays, "3651"), (.paymentStuckDays, "три")] {
            try t.db.run("DELETE FROM setting WHERE key = ?", key.rawValue)
            try t.db.run("INSERT INTO setting (key, value, updated_at, updated_by) VALUES (?, ?, '2026-07-20T00:00:00Z', 'someone')", key.rawValue, bad)
            let error = try #require(throws: MyGazError.self) { try Settings.days(t.db, key) }
            #expect(error.status == .invalidData && error.message.key == .settingBadStored, "\(key.rawValue) = «\(bad)»: \(error)")
            #expect(Array(error.message.args.prefix(2)) == [.text(key.rawValue), .text(bad)], "\(error.message.args)")
            if key != .paymentStuckDays {
                #expect(throws: MyGazError.self, "the deadline rules read it too") { try DeadlineRules.load(t.db) }
            }
            #expect(try Settings.get(t.db, key) == bad, "config get shows what is there")
            try t.db.run("DELETE FROM setting WHERE key = ?", key.rawValue)
        }
        // what config set would keep is read as it keeps it
        try t.db.run("INSERT INTO setting (key, value, updated_at, updated_by) VALUES ('ticket.answer_days', ' 20 ', '2026-07-20T00:00:00Z', 'someone')")
        #expect(try Settings.days(t.db, .ticketAnswerDays) == 20)
        #expect(try DeadlineRules.load(t.db).ticketAnswerDays == 20)
    }
}
