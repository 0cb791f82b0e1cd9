import Foundation
import Testing
@testable import MyGazCore

extension TestDB {
    /// An RGK, an account 70000017 with one meter M-7 (5 digits) and an accepted reading of 1 000
    /// on 25.06.2026; answers the account.
    func oneMeter() throws -> AccountRef {
        try db.execute("""
            INSERT INTO rgk (id, code, name, max_monthly_m3, created_at, updated_at) VALUES (1, 'vologda', 'Вологдагаз', 300, 'x', 'x');
            INSERT INTO account (id, rgk_id, number, updated_at) VALUES (1, 1, '70000017', 'x');
            INSERT INTO meter (id, account_id, serial, digits) VALUES (1, 1, 'M-7', 5);
            INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at) VALUES (1, 1000, '2026-06-25', 'rgk', 'accepted', 'x');
            """)
        return try AccountRef.byID(db, 1)
    }

    func pending(_ value: Int64, date: String = "2026-07-10") throws -> Int64 {
        try db.insert("INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at) VALUES (1, ?, ?, 'portal', 'pending', ?)",
                      value, date, date + "T10:00:00Z")
    }
}

/// The Readings room: its decisions and their rules, on a temporary database of each engine.
@Suite struct ReadingsTests {
    @Test(arguments: TestEngine.all) func aReadingThatBreaksARuleIsAcceptedOnlyOnPurposeWithAReason(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        _ = try t.oneMeter()
        let low = try t.pending(900)
        #expect(throws: MyGazError.self) { try Readings.accept(t.session, low, force: false, reason: nil) }
        for missing in [nil, "", "   "] {
            do {
                _ = try Readings.accept(t.session, low, force: true, reason: missing)
                Issue.record("forced without a reason")
            } catch let error as MyGazError {
                #expect(error.message.key == .forceNeedsReason && error.status == .usage)
            }
        }
        let accepted = try Readings.accept(t.session, low, force: true, reason: "  фото счетчика ")
        #expect(accepted.to == "accepted")
        #expect(try t.db.scalarString("SELECT CAST(forced AS TEXT) || '|' || message FROM reading WHERE id = ?", low) == "1|фото счетчика")
    }

    @Test(arguments: TestEngine.all) func aDecisionIsTakenBackOnlyWhileNothingStandsOnItAndTheRGKHasNotGotIt(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        _ = try t.oneMeter()
        let first = try t.pending(1100)
        _ = try Readings.accept(t.session, first, force: false, reason: nil)
        let second = try t.pending(1150, date: "2026-07-20")
        func refusal(_ id: Int64) -> MessageKey? {
            do { _ = try Readings.reopen(t.session, id, reason: "ошибка"); return nil } catch let e as MyGazError { return e.message.key } catch { return nil }
        }
        #expect(refusal(first) == .readingHasLater, "a pending reading of the meter stands on it")
        _ = try Readings.reject(t.session, second, reason: .other, message: "Фото нечитаемо")
        let back = try Readings.reopen(t.session, first, reason: "ошибка")
        #expect(back.from == "accepted" && back.to == "pending" && back.notified == nil, "an acceptance was never told")
        #expect(try t.db.scalarString("SELECT status || '|' || coalesce(decided_by, '-') FROM reading WHERE id = ?", first) == "pending|-")
        #expect(try Readings.reopen(t.session, first, reason: "ошибка").changed == false, "pending already: unchanged")
        #expect(refusal(1) == .readingFromRGK, "the RGK's own history is not ours to reopen")
        _ = try Readings.accept(t.session, first, force: false, reason: nil)
        try t.db.execute("UPDATE reading SET exported_at = '2026-07-21T00:00:00Z' WHERE id = \(first)")
        #expect(refusal(first) == .readingExported)
        #expect(throws: MyGazError.self) { try Readings.reopen(t.session, second, reason: "  ") }
        #expect(try t.db.scalarInt("SELECT count(*) FROM audit WHERE action = 'reading.reopen'") == 1)
    }

    // SQLite only until Meters.find (Accounts/Meters.swift, the people rooms' move) reads on both engines
    @Test func thePreviousAcceptedReadingIsTheSameForTheQueueAndForAReadingByPhone() throws {
        let t = try TestDB()
        let account = try t.oneMeter()
        let queued = try t.pending(990)
        #expect(try Readings.find(t.db, queued).verdict.violations == [.lowerThanPrevious])
        #expect(try Readings.previousAccepted(t.db, meterID: 1)?.value == 1000)
        // by phone, the same rule from the same reading
        #expect(throws: MyGazError.self) {
            try Readings.submit(t.session, account: account, serial: "M-7", value: 990, date: Day(year: 2026, month: 7, day: 11)!, accept: false)
        }
        let ok = try Readings.submit(t.session, account: account, serial: "M-7", value: 1100, date: Day(year: 2026, month: 7, day: 11)!, accept: true)
        #expect(ok.verdict.consumption == 100)
        #expect(try Readings.previousAccepted(t.db, meterID: 1)?.value == 1100)
    }

    // SQLite only: an RGK file is imported by SQLite's own bulk path
    @Test func aSerialIsMatchedTheSameWayByPhoneAndFromAFile() throws {
        let t = try TestDB()
        let account = try t.oneMeter()
        for spelling in ["m-7", " M-7 ", "М-7".replacingOccurrences(of: "М", with: "M")] {
            #expect(try Meters.find(t.db, accountID: account.id, serial: spelling)?.id == 1, "«\(spelling)»")
        }
        #expect(try Meters.find(t.db, accountID: account.id, serial: "M-8") == nil)
        let submitted = try Readings.submit(t.session, account: account, serial: " m-7", value: 1010, date: Day(year: 2026, month: 7, day: 1)!, accept: false)
        #expect(submitted.id > 0)
        let file = t.dir.file("r.csv")
        try "rgk;account;serial;date;value\nvologda;70000017;m-7 ;01.08.2026;1050\n".write(toFile: file, atomically: true, encoding: .utf8)
        let report = try Importer.run(t.session, ImportOptions(kind: .readings), file: file)
        #expect(report.inserted == 1 && report.badRows == 0, "\(report.problems)")
    }

    @Test(arguments: TestEngine.all) func aBulkAcceptWritesOneAuditRowPerReading(_ engine: TestEngine) throws {
        try bulkAccept(engine)
    }

    func bulkAccept(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        _ = try t.oneMeter()
        try t.db.execute("INSERT INTO meter (id, account_id, serial, digits) VALUES (2, 1, 'M-8', 5), (3, 1, 'M-9', 5)")
        var ids: [Int64] = []
        for meter in [1, 2, 3] {
            ids.append(try t.db.insert("INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at) VALUES (?, 1100, '2026-07-10', 'portal', 'pending', 'x')", meter))
        }
        let result = try Readings.acceptAllValid(t.session, rgk: nil, dryRun: false)
        #expect(result.decided == 3)
        let audited = try t.db.query("SELECT entity_id, old_value, new_value, operator FROM audit WHERE action = 'reading.accept' ORDER BY entity_id")
            .map { try [$0.string("entity_id"), $0.string("old_value"), $0.string("new_value"), $0.string("operator")] }
        #expect(audited == ids.map { [String($0), "pending", "accepted", "tester"] })
    }

    /// A bulk accept judges again the readings of a meter that got an accepted reading from
    /// someone else after the queue was judged: another clerk's decision, an RGK's import; not
    /// its own decisions, and not what was decided before.
    @Test(arguments: TestEngine.all) func theMetersChangedSinceTheQueueWasJudgedAreOthersDecisionsAndNewImports(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        _ = try t.oneMeter()
        try t.db.execute("INSERT INTO meter (id, account_id, serial, digits) VALUES (2, 1, 'M-8', 5), (3, 1, 'M-9', 5), (4, 1, 'M-10', 5), (5, 1, 'M-11', 5)")
        func reading(_ meter: Int, source: String, status: String, decidedAt: String?, by: String?) throws {
            try t.db.run("""
                INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at, decided_at, decided_by)
                VALUES (?, 1100, '2026-07-10', ?, ?, 'x', ?, ?)
                """, meter, source, status, decidedAt, by)
        }
        try reading(1, source: "portal", status: "accepted", decidedAt: "2026-07-11T09:00:00Z", by: "clerk2")   // before
        let lastID = try t.db.scalarInt("SELECT max(id) FROM reading").map(Int64.init) ?? 0
        try reading(2, source: "portal", status: "accepted", decidedAt: "2026-07-11T10:00:05Z", by: "clerk2")   // another clerk
        try reading(3, source: "portal", status: "accepted", decidedAt: "2026-07-11T10:00:05Z", by: "tester")   // this run's own
        try reading(4, source: "portal", status: "pending", decidedAt: nil, by: nil)                             // not decided
        try reading(5, source: "rgk", status: "accepted", decidedAt: nil, by: nil)                              // imported since
        let changed = try Readings.metersChanged(since: ("2026-07-11T10:00:00Z", lastID + 3), t.db, by: "tester")
        #expect(changed == [2, 5])
    }

    @Test func aReadingIsAWholeNumberAsAPersonTypesIt() throws {
        #expect(try ReadingRules.wholeValue("1 234") == 1234)
        for bad in ["12,5", "12.5", "-1", "abc", ""] {
            #expect(throws: MyGazError.self, "\(bad)") { try ReadingRules.wholeValue(bad) }
        }
    }
}
