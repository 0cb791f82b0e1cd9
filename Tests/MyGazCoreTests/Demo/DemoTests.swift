import Foundation
import Testing
@testable import MyGazCore

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
        #expect(try checksum(a.sqlite) == checksum(b.sqlite))
        #expect(try Maintenance.check(a.sqlite, quick: false).ok)
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
