import Foundation
import Testing
@testable import MyGazCore

@Suite struct ReadingRulesTests {
    let june25 = Day(year: 2026, month: 6, day: 25)!
    let july20 = Day(year: 2026, month: 7, day: 20)!

    func facts(_ value: Int64, previous: Int64? = 1000, digits: Int = 5, date: Day? = nil, previousDate: Day? = nil,
               max: Int64 = 300, verification: Day? = nil, state: MeterState = .working) -> ReadingFacts {
        ReadingFacts(value: value, date: date ?? july20, digits: digits, previousValue: previous,
                     previousDate: previous == nil ? nil : (previousDate ?? june25), maxMonthly: max,
                     nextVerification: verification, meterState: state)
    }

    func violations(_ f: ReadingFacts) -> [ReadingReason] { ReadingRules.check(f).violations }

    @Test func rule1TheValueFitsTheMetersDigits() {
        #expect(violations(facts(99_999, previous: 99_900)) == [])
        #expect(violations(facts(100_000, previous: 99_900)) == [.exceedsCapacity])
        #expect(violations(facts(0, previous: nil)) == [])
        #expect(violations(facts(-1, previous: nil)) == [.exceedsCapacity])
        #expect(violations(facts(9_999, previous: nil, digits: 4)) == [])
        #expect(violations(facts(10_000, previous: nil, digits: 4)) == [.exceedsCapacity])
    }

    @Test func rule2NotLowerThanThePreviousAcceptedReading() {
        #expect(violations(facts(1000)) == [])
        #expect(ReadingRules.check(facts(1000)).consumption == 0)
        #expect(violations(facts(999)) == [.lowerThanPrevious])
    }

    @Test func rule2RolloverWithinTheLimitIsValid() {
        // 4 digits: 9 990 → 0 040 is 50 m³ through zero
        let rolled = ReadingRules.check(facts(40, previous: 9_990, digits: 4))
        #expect(rolled.isValid && rolled.rolledOver && rolled.consumption == 50)
        // the wrapped difference exactly at the limit passes, one more does not
        #expect(violations(facts(290, previous: 9_990, digits: 4)) == [])
        #expect(violations(facts(291, previous: 9_990, digits: 4)) == [.lowerThanPrevious])
    }

    @Test func rule3TheMaximumTimesWholeMonths() {
        #expect(violations(facts(1_300)) == [])
        #expect(violations(facts(1_301)) == [.exceedsMaxConsumption])
        // three whole months: 25.04 → 25.07
        let april25 = Day(year: 2026, month: 4, day: 25)!
        let july25 = Day(year: 2026, month: 7, day: 25)!
        #expect(violations(facts(1_900, date: july25, previousDate: april25)) == [])
        #expect(violations(facts(1_901, date: july25, previousDate: april25)) == [.exceedsMaxConsumption])
        // a day short of the third month: two months
        #expect(violations(facts(1_601, date: Day(year: 2026, month: 7, day: 24)!, previousDate: april25)) == [.exceedsMaxConsumption])
        #expect(violations(facts(1_600, date: Day(year: 2026, month: 7, day: 24)!, previousDate: april25)) == [])
        // less than a month counts as one
        #expect(violations(facts(1_300, date: Day(year: 2026, month: 6, day: 26)!)) == [])
        // the meter's own maximum wins over the RGK's
        #expect(violations(facts(1_800, max: 800)) == [])
    }

    @Test func rule4VerificationDate() {
        #expect(violations(facts(1_100, verification: july20)) == [], "valid on the day itself")
        #expect(violations(facts(1_100, verification: Day(year: 2026, month: 7, day: 19)!)) == [.verificationExpired])
    }

    @Test func rule5TheMeterWorks() {
        #expect(violations(facts(1_100, state: .faulty)) == [.meterNotWorking])
        #expect(violations(facts(1_100, state: .removed)) == [.meterNotWorking])
    }

    @Test func violationsComeInTheOrderOfTheRules() {
        let v = violations(facts(100_001, verification: Day(year: 2026, month: 1, day: 1)!, state: .faulty))
        #expect(v == [.exceedsCapacity, .verificationExpired, .meterNotWorking])
        #expect(ReadingRules.check(facts(2_000, state: .faulty)).firstViolation == .exceedsMaxConsumption)
    }

    @Test func aFirstReadingHasNoConsumptionRule() {
        let verdict = ReadingRules.check(facts(50_000, previous: nil))
        #expect(verdict.isValid && verdict.consumption == nil)
    }
}

@Suite struct ApplicationTransitionTests {
    /// One application per state and kind, so every action meets every state.
    func fixture() throws -> (TestDB, [String: Int64]) {
        let t = try TestDB()
        try t.db.execute("INSERT INTO rgk (code, name, created_at, updated_at) VALUES ('aa', 'A', 'x', 'x')")
        var ids: [String: Int64] = [:]
        for kind in ApplicationKind.allCases {
            for status in ApplicationStatus.allCases {
                try t.db.run("""
                    INSERT INTO application (kind, status, rgk_id, address, source, created_at, submitted_at, updated_at)
                    VALUES (?, ?, 1, 'addr', 'portal', 'x', ?, 'x')
                    """, kind.rawValue, status.rawValue, status == .draft ? nil : "x")
                ids["\(kind.rawValue)/\(status.rawValue)"] = t.db.lastInsertRowID
            }
        }
        return (t, ids)
    }

    @Test func everyActionFromEveryState() throws {
        let (t, ids) = try fixture()
        for kind in ApplicationKind.allCases {
            for action in ApplicationAction.allCases {
                for status in ApplicationStatus.allCases {
                    let id = ids["\(kind.rawValue)/\(status.rawValue)"]!
                    try t.db.run("UPDATE application SET status = ? WHERE id = ?", status.rawValue, id)
                    let allowed = action.allowedFrom(kind: kind).contains(status)
                    do {
                        let result = try Applications.transition(t.session, id, action, message: "m")
                        if status == action.target {
                            #expect(!result.changed, "\(kind) \(status) \(action) should be unchanged")
                        } else {
                            #expect(allowed, "\(kind) \(status) \(action) should be refused")
                            #expect(result.to == action.target.rawValue)
                        }
                    } catch let e as MyGazError {
                        #expect(!allowed && status != action.target, "\(kind) \(status) \(action) failed: \(e.message)")
                        #expect(e.status == .conflict)
                        #expect(e.message.args.contains(.code(.applicationStatus, status.rawValue)), "the error names the current state")
                    }
                }
            }
        }
    }

    @Test func completeStraightFromSubmittedOnlyForSimpleKinds() {
        #expect(ApplicationAction.complete.allowedFrom(kind: .repair).contains(.submitted))
        #expect(ApplicationAction.complete.allowedFrom(kind: .recalculation).contains(.submitted))
        #expect(ApplicationAction.complete.allowedFrom(kind: .vdgoMaintenance).contains(.submitted))
        #expect(!ApplicationAction.complete.allowedFrom(kind: .contractSupply).contains(.submitted))
    }

    @Test func everyChangeLeavesHistoryAndAudit() throws {
        let (t, ids) = try fixture()
        let id = ids["repair/submitted"]!
        _ = try Applications.transition(t.session, id, .clarify, message: "Уточните адрес")
        _ = try Applications.transition(t.session, id, .answer, message: "Дом 12")
        _ = try Applications.transition(t.session, id, .complete, message: nil)
        let events = try t.db.query("SELECT from_status, to_status FROM application_event WHERE application_id = ? ORDER BY id", id)
            .map { "\($0.string(0))→\($0.string(1))" }
        #expect(events == ["submitted→needs_info", "needs_info→submitted", "submitted→completed"])
        #expect(try t.count("audit", "entity_type = 'application' AND entity_id = '\(id)'") == 3)
    }

    @Test func expectStatusRefusesWhenSomeoneMovedIt() throws {
        let (t, ids) = try fixture()
        let id = ids["repair/submitted"]!
        do {
            _ = try Applications.transition(t.session, id, .approve, message: nil, expect: .needsInfo)
            Issue.record("approved despite --expect-status")
        } catch let e as MyGazError {
            #expect(e.message.key == .expectStatusMismatch)
        }
        #expect(try Applications.transition(t.session, id, .approve, message: nil, expect: .submitted).changed)
    }

    @Test func attachmentsAreCheckedByTheirBytes() throws {
        #expect(NewAttachment.sniff(Array("%PDF-1.7".utf8)) == .pdf)
        #expect(NewAttachment.sniff([0xFF, 0xD8, 0xFF, 0xE0]) == .jpeg)
        #expect(NewAttachment.sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0]) == .png)
        #expect(NewAttachment.sniff(Array("GIF89a".utf8)) == nil)
        #expect(NewAttachment.sniff(Array("hello.pdf".utf8)) == nil)
        #expect(throws: MyGazError.self) { try NewAttachment.make(name: "x.pdf", bytes: Array("not a pdf".utf8)) }
        #expect(throws: MyGazError.self) { try NewAttachment.make(name: "big.pdf", bytes: Array("%PDF-".utf8) + [UInt8](repeating: 0, count: NewAttachment.maxBytes)) }
    }
}
