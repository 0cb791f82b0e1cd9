import Foundation
import Testing
@testable import MyGazCore

@Suite struct ApplicationTransitionTests {
    /// One application per state and kind, so every action meets every state.
    func fixture(_ engine: TestEngine) throws -> (TestDB, [String: Int64]) {
        let t = try TestDB(engine: engine)
        try t.db.execute("INSERT INTO rgk (code, name, created_at, updated_at) VALUES ('aa', 'A', 'x', 'x')")
        var ids: [String: Int64] = [:]
        for kind in ApplicationKind.allCases {
            for status in ApplicationStatus.allCases {
                ids["\(kind.rawValue)/\(status.rawValue)"] = try t.db.insert("""
                    INSERT INTO application (kind, status, rgk_id, address, source, created_at, submitted_at, updated_at)
                    VALUES (?, ?, 1, 'addr', 'portal', 'x', ?, 'x')
                    """, kind.rawValue, status.rawValue, status == .draft ? nil : "x")
            }
        }
        return (t, ids)
    }

    @Test(arguments: TestEngine.all) func everyActionFromEveryState(_ engine: TestEngine) throws {
        let (t, ids) = try fixture(engine)
        for kind in ApplicationKind.allCases {
            for action in ApplicationAction.allCases {
                for status in ApplicationStatus.allCases {
                    let id = ids["\(kind.rawValue)/\(status.rawValue)"]!
                    try t.db.run("UPDATE application SET status = ? WHERE id = ?", status.rawValue, id)
                    let allowed = action.allowedFrom(kind: kind).contains(status)
                    do {
                        let result = try Applications.transition(t.session, id, action, message: "m")
                        if status == action.target && action == .clarify {
                            // a further question: a change, though the state stays
                            #expect(result.changed && result.to == "needs_info", "\(kind) \(status) \(action) asks again")
                        } else if status == action.target {
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

    @Test(arguments: TestEngine.all) func everyChangeLeavesHistoryAndAudit(_ engine: TestEngine) throws {
        let (t, ids) = try fixture(engine)
        let id = ids["repair/submitted"]!
        _ = try Applications.transition(t.session, id, .clarify, message: "Уточните адрес")
        _ = try Applications.transition(t.session, id, .answer, message: "Дом 12")
        _ = try Applications.transition(t.session, id, .complete, message: nil)
        let events = try t.db.query("SELECT from_status, to_status FROM application_event WHERE application_id = ? ORDER BY id", id)
            .map { "\(try $0.string("from_status"))→\(try $0.string("to_status"))" }
        #expect(events == ["submitted→needs_info", "needs_info→submitted", "submitted→completed"])
        #expect(try t.count("audit", "entity_type = 'application' AND entity_id = '\(id)'") == 3)
    }

    @Test(arguments: TestEngine.all) func expectStatusRefusesWhenSomeoneMovedIt(_ engine: TestEngine) throws {
        let (t, ids) = try fixture(engine)
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
