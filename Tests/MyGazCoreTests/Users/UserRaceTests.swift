import EngineHarness
import Foundation
import Testing
@testable import MyGazCore

/// Two clerks at two desks acting on the same customer at the same instant, on PostgreSQL (in
/// READ COMMITTED nothing waits unless a row is held): the first acts inside a transaction it
/// keeps open until the second is seen waiting for a lock, then commits. What a check then a
/// write judged (the user's status, the links counted, the wrong answers so far) holds its rows.
@Suite(.enabled(if: PGServer.available)) struct UserRaceTests {
    /// The first clerk's `first` on the fixture's session, the second's `second` on a connection of
    /// its own started while the first's transaction is open; both outcomes.
    static func race<A, B>(_ f: UserFixture, _ first: (Session) throws -> A,
                           _ second: @escaping (Session) throws -> B) throws -> (Result<A, any Error>, Result<B, any Error>) {
        let other = try Engines.open(f.t.path, purpose: .use, busyTimeoutMs: 2000)
        let watcher = try Engines.open(f.t.path, purpose: .use, busyTimeoutMs: 2000)
        let pid = try #require(try other.scalarInt("SELECT pg_backend_pid()"))
        let desk = Session(db: other, login: "second-clerk")
        var firstOutcome: Result<A, any Error>?
        let writer = try f.t.db.write {
            firstOutcome = Result { try first(f.t.session) }
            let writer = SecondWriter { try second(desk) }
            let waited = try writer.waitedForALock(pid: pid, watcher: watcher)
            #expect(waited, "the second clerk did not wait for the first")
            return writer
        }
        return (try #require(firstOutcome), writer.outcome)
    }

    static func error(_ result: Result<some Any, any Error>) -> MyGazError? {
        if case .failure(let error) = result { return error as? MyGazError }
        return nil
    }

    @Test func twoLinksAtOnceLeaveAtMostThreeAndTheSecondClerkIsToldWhy() throws {
        let f = try UserFixture(.postgresql)
        for number in ["23185952", "2"] {
            #expect(try Users.link(f.t.session, f.userID, account: AccountRef.resolve(f.t.db, number, rgk: nil), alias: nil))
        }
        let third = try AccountRef.resolve(f.t.db, "3", rgk: nil), fourth = try AccountRef.resolve(f.t.db, "4", rgk: nil)
        let (first, second) = try Self.race(f, { try Users.link($0, f.userID, account: third, alias: nil) },
                                            { try Users.link($0, f.userID, account: fourth, alias: nil) })
        #expect(try first.get())
        // the link counted after the first one committed: the rule's own refusal, not the schema's
        let refused = Self.error(second)
        #expect(refused?.status == .conflict && refused?.message.key == .tooManyLinks, "\(second)")
        #expect(try f.t.count("user_account", "user_id = \(f.userID)") == 3)
    }

    @Test func twoWrongAnswersAtOnceAreTwoAttempts() throws {
        let f = try UserFixture(.postgresql)
        _ = try Users.link(f.t.session, f.userID, account: f.account, alias: nil)
        let (first, second) = try Self.race(f, { try Users.grantExtended($0, f.userID, account: f.account, proof: .answer("11111")) },
                                            { try Users.grantExtended($0, f.userID, account: f.account, proof: .answer("22222")) })
        #expect(Self.error(first)?.message.key == .answerWrong && Self.error(second)?.message.key == .answerWrong)
        #expect(try f.t.db.scalarInt("SELECT failed_answers FROM user_account WHERE user_id = ?", f.userID) == 2)
        #expect(try f.t.count("audit", "action = 'user.extended-wrong-answer'") == 2)
    }

    @Test func aLinkWhileTheUserIsErasedIsRefusedNamingTheStateNow() throws {
        let f = try UserFixture(.postgresql)
        let (first, second) = try Self.race(f, { try Users.delete($0, f.userID) },
                                            { try Users.link($0, f.userID, account: f.account, alias: "Дом") })
        #expect(try first.get().to == "deleted")
        let refused = Self.error(second)
        #expect(refused?.status == .conflict && refused?.message.key == .conflictState, "\(second)")
        #expect(refused?.message.args.contains(.code(.userStatus, "deleted")) == true, "\(second)")
        #expect(try f.t.count("user_account", "user_id = \(f.userID)") == 0, "no link to an erased person")
    }
}
