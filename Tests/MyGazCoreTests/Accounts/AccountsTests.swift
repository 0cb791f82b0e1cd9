import Foundation
import Testing
@testable import MyGazCore

/// Finding an account from what a clerk or a customer types.
@Suite struct AccountRefTests {
    func twoRegions(_ t: TestDB) throws {
        try t.db.execute("""
            INSERT INTO rgk (id, code, name, created_at, updated_at) VALUES (1, 'vologda', 'В', 'x', 'x'), (2, 'kostroma', 'К', 'x', 'x');
            INSERT INTO account (rgk_id, number, updated_at) VALUES (1, '23185952', 'x'), (1, '555', 'x'), (2, '555', 'x');
            """)
    }

    @Test func anyPrintedSpellingFindsTheAccount() throws {
        let t = try TestDB()
        try twoRegions(t)
        for spelling in ["023-185952", "23185952", " 023 185 952 "] {
            #expect(try AccountRef.resolve(t.db, spelling, rgk: nil).label == "vologda/23185952", "\(spelling)")
        }
    }

    @Test func aNumberInTwoRegionsNeedsTheRGKAndAnUnknownOneIsNotFound() throws {
        let t = try TestDB()
        try twoRegions(t)
        #expect(throws: MyGazError.self) { try AccountRef.resolve(t.db, "555", rgk: nil) }
        #expect(try AccountRef.resolve(t.db, "555", rgk: "kostroma").rgkCode == "kostroma")
        let unknown = #expect(throws: MyGazError.self) { try AccountRef.resolve(t.db, "999", rgk: nil) }
        #expect(unknown?.status == .notFound)
        // a customer's number the RGK has not sent yet is kept; an ambiguous one or an unknown RGK is still an error
        let kept = try AccountRef.resolveOrNumber(t.db, "000-999", rgk: nil)
        #expect(kept.account == nil && kept.number == "999")
        #expect(throws: MyGazError.self) { try AccountRef.resolveOrNumber(t.db, "555", rgk: nil) }
        #expect(throws: MyGazError.self) { try AccountRef.resolveOrNumber(t.db, "555", rgk: "nowhere") }
        #expect(throws: MyGazError.self) { try AccountRef.resolveOrNumber(t.db, "55x", rgk: nil) }
    }
}
