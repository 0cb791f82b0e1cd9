import Foundation
import Testing
@testable import MyGazCore

@Suite struct TimeTests {
    @Test func isoRoundTrip() {
        for seconds: Int64 in [0, 86_399, 951_782_400, 1_784_000_000, 4_102_444_799] {
            let text = Timestamp.iso(seconds)
            #expect(Timestamp.parse(text) == seconds, "\(text)")
        }
        #expect(Timestamp.iso(0) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.iso(951_782_400) == "2000-02-29T00:00:00Z")
    }

    @Test func parsesPeoplesDates() {
        #expect(Day(parsing: "2026-07-20")?.iso == "2026-07-20")
        #expect(Day(parsing: "20.07.2026")?.iso == "2026-07-20")
        #expect(Day(parsing: "20.07.26")?.iso == "2026-07-20")
        #expect(Day(parsing: "1.2.2026")?.iso == "2026-02-01")
        #expect(Day(parsing: "31.02.2026") == nil)
        #expect(Day(parsing: "29.02.2024")?.iso == "2024-02-29")
        #expect(Day(parsing: "2026-13-01") == nil)
        #expect(Day(parsing: "yesterday") == nil)
        #expect(Day(parsing: "") == nil)
    }

    @Test func monthsArithmetic() {
        let d = Day(year: 2026, month: 1, day: 31)!
        #expect(d.adding(months: 1).iso == "2026-02-28")
        #expect(d.adding(months: -2).iso == "2025-11-30")
        #expect(Day(year: 2026, month: 6, day: 25)!.wholeMonths(until: Day(year: 2026, month: 7, day: 20)!) == 0)
        #expect(Day(year: 2026, month: 6, day: 25)!.wholeMonths(until: Day(year: 2026, month: 7, day: 25)!) == 1)
        #expect(Day(year: 2026, month: 4, day: 25)!.wholeMonths(until: Day(year: 2026, month: 7, day: 24)!) == 2)
        #expect(Day(year: 2026, month: 7, day: 25)!.wholeMonths(until: Day(year: 2026, month: 6, day: 1)!) == 0)
    }

    @Test func daysRoundTripAcrossCenturies() {
        for n in stride(from: -700_000, to: 800_000, by: 997) {
            let d = Day(daysSinceEpoch: n)
            #expect(d.daysSinceEpoch == n)
            #expect(Day(iso: d.iso) == d)
        }
    }

    @Test func durations() {
        #expect(Duration.parse("7d") == Int64(7 * 86_400))
        #expect(Duration.parse("90s") == 90)
        #expect(Duration.parse("2w") == Int64(14 * 86_400))
        #expect(Duration.parse("7") == nil)
        #expect(Duration.parse("-1d") == nil)
        #expect(Duration.parse("d") == nil)
    }
}

@Suite struct SecretsTests {
    @Test func yescryptHashesVerify() throws {
        let hash = try Secrets.hash("abc12")
        #expect(hash.hasPrefix("$y$"))
        #expect(!hash.contains("abc12"))
        #expect(Secrets.verify("abc12", hash: hash))
        #expect(!Secrets.verify("abc13", hash: hash))
        #expect(!Secrets.verify("abc12", hash: "garbage"))
        #expect(try Secrets.hash("abc12") != hash, "salts must differ")
    }

    @Test func generatedPasswordsAreValidPortalPasswords() {
        for _ in 0..<200 {
            let p = Secrets.password()
            #expect(p.count == 10)
            #expect(p.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) })
            #expect(p.contains { $0.isNumber } && p.contains { $0.isLetter })
        }
    }

    @Test func digitsAreDigits() {
        let pins = (0..<100).map { _ in Secrets.digits(8) }
        #expect(pins.allSatisfy { $0.count == 8 && $0.allSatisfy(\.isNumber) })
        #expect(Set(pins).count > 95)
    }

    @Test func sha256MatchesKnownVectors() {
        #expect(SHA256.hex(Array("".utf8)) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = Array(repeating: UInt8(ascii: "a"), count: 1_000_000)
        #expect(SHA256.hex(long) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        var streamed = SHA256()
        long.withUnsafeBytes { raw in
            streamed.update(UnsafeRawBufferPointer(rebasing: raw[0..<333]))
            streamed.update(UnsafeRawBufferPointer(rebasing: raw[333...]))
        }
        #expect(streamed.finishHex() == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }
}

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

@Suite struct DemoTests {
    func checksum(_ db: Database) throws -> String {
        var hasher = SHA256()
        // every table but the salted hashes (a fresh salt per run is the point of a salt)
        let tables = ["account", "meter", "reading", "application", "ticket", "settlement", "payment",
                      "portal_user", "application_event", "ticket_message"]
        for table in tables {
            let select = table == "portal_user" ? "SELECT id, login, full_name, email, phone, status, registered_at FROM portal_user"
                                                : "SELECT * FROM \(table)"
            try db.forEach("\(select) ORDER BY rowid") { statement in
                for i in 0..<statement.columnCount {
                    hasher.update(Array("\(statement.value(at: i))|".utf8))
                }
            }
        }
        return hasher.finishHex()
    }

    @Test func sameSeedSameRegion() throws {
        let a = try TestDB(), b = try TestDB()
        let options = DemoGenerator.Options(accounts: 300, seed: 7, anchor: Day(year: 2026, month: 7, day: 20)!)
        _ = try DemoGenerator.generate(a.session, options)
        _ = try DemoGenerator.generate(b.session, options)
        #expect(try checksum(a.db) == checksum(b.db))
        #expect(try Maintenance.check(a.db, quick: false).ok)
    }

    @Test func theRegionHasEverythingTheIssueAsksFor() throws {
        let t = try TestDB()
        let summary = try DemoGenerator.generate(t.session, .init(accounts: 400, seed: 1, anchor: Day(year: 2026, month: 7, day: 20)!))
        #expect(summary.accounts == 400)
        #expect(try t.count("rgk") >= 2)
        #expect(try t.count("office") >= 2)
        for status in UserStatus.codes { #expect(try t.count("portal_user", "status = '\(status)'") > 0, "users \(status)") }
        for level in AccessLevel.codes { #expect(try t.count("user_account", "access_level = '\(level)'") > 0) }
        for kind in ApplicationKind.codes {
            for status in ApplicationStatus.codes {
                #expect(try t.count("application", "kind = '\(kind)' AND status = '\(status)'") > 0, "\(kind) \(status)")
            }
        }
        for status in TicketStatus.codes { #expect(try t.count("ticket", "status = '\(status)'") > 0) }
        #expect(try t.count("meter", "state = 'faulty'") >= 1)
        #expect(try t.count("meter", "next_verification < '2026-07-20'") >= 1)
        #expect(try t.count("service", "balance_kop < 0") >= 1)
        #expect(try t.count("pin_request", "status = 'open'") >= 1)
        #expect(try t.count("faq") >= 7)
        #expect(try t.count("reading", "status = 'pending'") > 50)
        #expect(throws: MyGazError.self) {
            _ = try DemoGenerator.generate(t.session, .init(accounts: 10, seed: 1, anchor: Day(year: 2026, month: 7, day: 20)!))
        }
    }
}
