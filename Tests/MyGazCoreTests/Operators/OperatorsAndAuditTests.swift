import Foundation
import Testing
@testable import MyGazCore

@Suite struct OperatorAndAuditTests {
    @Test func theFirstLoginBecomesAdminAndEveryChangeIsAudited() throws {
        let t = try TestDB(login: "boss")
        #expect(try t.session.role() == .admin)
        #expect(try Operators.add(t.session, login: "ivanova", role: .clerk, fullName: nil) == .changed)
        #expect(try Operators.add(t.session, login: "ivanova", role: .clerk, fullName: nil) == .unchanged)
        #expect(throws: MyGazError.self) { try Operators.add(t.session, login: "ivanova", role: .support, fullName: nil) }
        _ = try Operators.setRole(t.session, login: "ivanova", role: .support)
        _ = try Operators.remove(t.session, login: "ivanova")
        let actions = try AuditLog.list(t.db, AuditFilter()).map(\.action)
        #expect(actions == ["operator.remove", "operator.set-role", "operator.add", "operator.add"])
        var filter = AuditFilter()
        filter.action = "operator"
        filter.entityID = "ivanova"
        #expect(try AuditLog.list(t.db, filter).count == 3)
    }

    @Test func theLastAdminStays() throws {
        let t = try TestDB(login: "boss")
        do {
            _ = try Operators.setRole(t.session, login: "boss", role: .clerk)
            Issue.record("demoted the last admin")
        } catch let e as MyGazError {
            #expect(e.status == .conflict)
            #expect(e.message.key == .lastAdmin)
        }
        #expect(throws: MyGazError.self) { _ = try Operators.remove(t.session, login: "boss") }
        _ = try Operators.add(t.session, login: "second", role: .admin, fullName: nil)
        _ = try Operators.remove(t.session, login: "boss")
        #expect(try t.session.role() == nil)
    }

    @Test func roleChecksNameWhatIsNeeded() throws {
        let t = try TestDB(login: "boss")
        _ = try Operators.add(t.session, login: "helper", role: .support, fullName: nil)
        let helper = Session(db: t.db, login: "helper")
        do {
            try helper.require([.clerk, .admin], command: "reading accept")
            Issue.record("support accepted readings")
        } catch let e as MyGazError {
            #expect(e.status == .permission)
            #expect(e.message.args.contains(.text("clerk, admin")))
        }
        let stranger = Session(db: t.db, login: "nobody-here")
        #expect(throws: MyGazError.self) { try stranger.require(Set(Role.allCases), command: "status") }
    }

    @Test func batchesAreAllOrNothingUnlessAskedOtherwise() throws {
        let t = try TestDB()
        func insert(_ id: String) throws -> String {
            guard id != "bad" else { throw MyGazError.notFound(.faq, id) }
            try t.db.run("INSERT INTO faq (topic, question, answer, created_at, updated_at) VALUES ('other', ?, 'a', 'x', 'x')", id)
            return id
        }
        let strict = try Batch.run(t.db, ids: ["a", "bad", "c"], continueOnError: false, insert)
        #expect(strict.count == 2)
        #expect(strict[0].rolledBack)
        #expect(try t.count("faq") == 0)

        let lenient = try Batch.run(t.db, ids: ["a", "bad", "c"], continueOnError: true, insert)
        #expect(lenient.count == 3)
        #expect(lenient.filter(\.isSuccess).count == 2)
        #expect(try t.count("faq") == 2)
    }
}
