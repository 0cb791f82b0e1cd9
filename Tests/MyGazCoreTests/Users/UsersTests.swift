import Foundation
import Testing
@testable import MyGazCore

/// The rules of portal users, on both engines.
@Suite struct UsersRuleTests {
    @Test(arguments: TestEngine.all) func creationNormalisesAndRefusesATakenLogin(_ engine: TestEngine) throws {
        let f = try UserFixture(engine)
        #expect(try f.t.db.scalarString("SELECT login FROM portal_user WHERE id = ?", f.userID) == "+79815676522")
        #expect(try f.t.db.scalarString("SELECT consent_channel FROM portal_user WHERE id = ?", f.userID) == "office")
        #expect(try Users.resolve(f.t.db, "89815676522") == f.userID)
        #expect(try Users.resolve(f.t.db, String(f.userID)) == f.userID)
        do {
            _ = try Users.create(f.t.session, .init(login: "9815676522", fullName: nil, email: nil, phone: nil, password: "abc12"))
            Issue.record("a taken login was accepted")
        } catch let e as MyGazError { #expect(e.status == .conflict) }
        #expect(throws: MyGazError.self) {
            try Users.create(f.t.session, .init(login: "new@mail.ru", fullName: nil, email: nil, phone: nil, password: "abc"))
        }
        let hash = try f.t.db.scalarString("SELECT password_hash FROM portal_user WHERE id = ?", f.userID) ?? ""
        #expect(hash.hasPrefix("$y$") && Secrets.verify("abc12", hash: hash))
    }

    /// Two portal rows stored the same number their own way: the number names neither of them.
    @Test(arguments: TestEngine.all) func aLoginWrittenTwoWaysIsAmbiguousAndAPlusSignIsNoId(_ engine: TestEngine) throws {
        let f = try UserFixture(engine)
        for login in ["89115550011", "8 911 555-00-11"] {
            try f.t.db.run("INSERT INTO portal_user (login, login_kind, status, registered_at, updated_at) VALUES (?, 'phone', 'active', '2026-07-19T10:00:00Z', '2026-07-19T10:00:00Z')", login)
        }
        let error = #expect(throws: MyGazError.self) { try Users.resolve(f.t.db, "+7 911 555 00 11") }
        #expect(error?.message.key == .userAmbiguous)
        #expect(throws: MyGazError.self) { try Users.resolve(f.t.db, "+" + String(f.userID)) }
    }

    @Test(arguments: TestEngine.all) func registrationCodesLast160SecondsAndRecoveryCodes70(_ engine: TestEngine) throws {
        let f = try UserFixture(engine)
        try f.t.db.run("UPDATE portal_user SET status = 'pending', confirmed_at = NULL WHERE id = ?", f.userID)
        _ = try Users.resendCode(f.t.session, f.userID, purpose: .registration)
        let code = try f.secretOfLastCode()
        #expect(code.count == 6)
        #expect(try f.t.db.scalarString("SELECT code_hash FROM confirmation_code") != code)
        f.t.advance(seconds: 161)
        do {
            _ = try Users.confirm(f.t.session, f.userID, code: code)
            Issue.record("an expired code worked")
        } catch let e as MyGazError { #expect(e.message.key == .codeExpired) }

        _ = try Users.resendCode(f.t.session, f.userID, purpose: .registration)
        let fresh = try f.secretOfLastCode()
        f.t.advance(seconds: 159)
        #expect(try Users.confirm(f.t.session, f.userID, code: fresh).to == "active")
        // used codes do not work twice
        #expect(try f.t.count("confirmation_code", "used_at IS NOT NULL") == 1)

        let sent = try Users.resendCode(f.t.session, f.userID, purpose: .recovery)
        #expect(sent.channel == .sms)
        let expires = try #require(Timestamp.parse(sent.expiresAt))
        #expect(expires - f.t.now == 159 + 161 + 70)
    }

    @Test(arguments: TestEngine.all) func fiveWrongCodesAndTheCodeIsSpent(_ engine: TestEngine) throws {
        let f = try UserFixture(engine)
        try f.t.db.run("UPDATE portal_user SET status = 'pending' WHERE id = ?", f.userID)
        _ = try Users.resendCode(f.t.session, f.userID, purpose: .registration)
        let code = try f.secretOfLastCode()
        for attempt in 1...5 {
            let wrong = #expect(throws: MyGazError.self, "attempt \(attempt)") {
                try Users.confirm(f.t.session, f.userID, code: "000000" == code ? "111111" : "000000")
            }
            #expect(wrong?.message.key == .codeWrong, "attempt \(attempt)")
        }
        #expect(try f.t.db.scalarInt("SELECT attempts FROM confirmation_code") == 5)
        do {
            _ = try Users.confirm(f.t.session, f.userID, code: code)
            Issue.record("the right code worked after five wrong ones")
        } catch let e as MyGazError { #expect(e.message.key == .codeTooManyAttempts) }
    }

    @Test(arguments: TestEngine.all) func atMostThreeLinks(_ engine: TestEngine) throws {
        let f = try UserFixture(engine)
        for number in ["23185952", "2", "3"] {
            #expect(try Users.link(f.t.session, f.userID, account: AccountRef.resolve(f.t.db, number, rgk: "vologda"), alias: nil))
        }
        #expect(try !Users.link(f.t.session, f.userID, account: f.account, alias: nil), "a repeat is unchanged")
        do {
            _ = try Users.link(f.t.session, f.userID, account: AccountRef.resolve(f.t.db, "4", rgk: nil), alias: nil)
            Issue.record("a fourth link")
        } catch let e as MyGazError {
            #expect(e.status == .conflict)
            #expect(e.message.key == .tooManyLinks)
        }
    }

    @Test(arguments: TestEngine.all, ["64567281", "31472"])
    func controlAnswersUnlockTheExtendedVersion(_ engine: TestEngine, answer: String) throws {
        let f = try UserFixture(engine)
        _ = try Users.link(f.t.session, f.userID, account: f.account, alias: nil)
        let t = try Users.grantExtended(f.t.session, f.userID, account: f.account, proof: .answer(answer))
        #expect(t.from == "restricted" && t.to == "extended")
        let again = try Users.grantExtended(f.t.session, f.userID, account: f.account, proof: .answer("nonsense"))
        #expect(!again.changed)
    }

    @Test(arguments: TestEngine.all) func anActivePINUnlocksButARevokedOneDoesNot(_ engine: TestEngine) throws {
        let f = try UserFixture(engine)
        _ = try Users.link(f.t.session, f.userID, account: f.account, alias: nil)
        let issued = try Pins.issue(f.t.session, account: f.account, .init(requestID: nil, send: false, validDays: 30, digits: 8))
        let pin = try #require(issued.pin)
        _ = try Pins.revoke(f.t.session, account: f.account)
        #expect(throws: MyGazError.self) { try Users.grantExtended(f.t.session, f.userID, account: f.account, proof: .answer(pin)) }
        let second = try Pins.issue(f.t.session, account: f.account, .init(requestID: nil, send: false, validDays: 30, digits: 8))
        #expect(try Users.grantExtended(f.t.session, f.userID, account: f.account, proof: .answer(second.pin!)).changed)
        #expect(try f.t.db.scalarString("SELECT extended_via FROM user_account") == "pin")
    }

    @Test(arguments: TestEngine.all) func fiveWrongAnswersLockTheLinkUntilUnlocked(_ engine: TestEngine) throws {
        let f = try UserFixture(engine)
        _ = try Users.link(f.t.session, f.userID, account: f.account, alias: nil)
        var keys: [MessageKey] = []
        for _ in 1...6 {
            do { _ = try Users.grantExtended(f.t.session, f.userID, account: f.account, proof: .answer("12345")) } catch let e as MyGazError {
                keys.append(e.message.key)
            }
        }
        #expect(keys == [.answerWrong, .answerWrong, .answerWrong, .answerWrong, .linkNowLocked, .linkLocked])
        // even the right answer is refused while locked
        #expect(throws: MyGazError.self) { try Users.grantExtended(f.t.session, f.userID, account: f.account, proof: .answer("31472")) }
        #expect(try Users.unlockExtended(f.t.session, f.userID, account: f.account))
        #expect(try Users.grantExtended(f.t.session, f.userID, account: f.account, proof: .answer("31472")).changed)
    }

    @Test(arguments: TestEngine.all) func erasureKeepsHistoryButNoPersonalData(_ engine: TestEngine) throws {
        let f = try UserFixture(engine)
        _ = try Users.link(f.t.session, f.userID, account: f.account, alias: "Дом")
        try f.t.db.run("""
            INSERT INTO application (kind, status, rgk_id, account_id, user_id, source, contact_name, contact_phone, contact_email, created_at, submitted_at, updated_at)
            VALUES ('repair', 'submitted', 1, 1, ?, 'portal', 'Петров Иван', '+79815676522', 'p@mail.ru', 'x', 'x', 'x')
            """, f.userID)
        _ = try Users.delete(f.t.session, f.userID)
        let row = try #require(try f.t.db.queryOne("SELECT login, full_name, phone, email, status FROM portal_user WHERE id = ?", f.userID))
        #expect(try row.string("login") == "erased-\(f.userID)")
        #expect(try row.optString("full_name") == nil && row.optString("phone") == nil && row.optString("email") == nil)
        #expect(try f.t.count("user_account", "1 = 1") == 0)
        #expect(try f.t.count("application", "contact_name IS NULL AND contact_phone IS NULL AND user_id IS NULL") == 1)
        #expect(try f.t.count("audit", "action = 'user.delete'") == 1)
        let dump = try f.t.db.query("SELECT * FROM audit").map { "\($0.values)" }.joined()
        #expect(!dump.contains("Петров"))
    }
}
