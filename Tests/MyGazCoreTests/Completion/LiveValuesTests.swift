import Foundation
import Testing
@testable import MyGazCore

@Suite struct CompletionRangeTests {
    @Test func idsThatBeginWithAPrefixAreRowidRangesLargestFirst() {
        let ranges = LiveValues.idRanges("12")
        #expect(ranges.last == 12...12)
        #expect(ranges.dropLast().last == 120...129)
        #expect(ranges.first == 120_000_000_000_000_000...129_999_999_999_999_999)
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.lowerBound > $1.upperBound }, "newest first across ranges")
        #expect(LiveValues.idRanges("") == [1...Int64.max])
        #expect(LiveValues.idRanges("0").isEmpty && LiveValues.idRanges("07").isEmpty, "no id begins with 0")
        #expect(LiveValues.idRanges(String(repeating: "9", count: 19)).isEmpty, "beyond any id")
    }
}

@Suite struct UserLoginCompletionTests {
    @Test func aPhoneLoginCompletesFromAnySpellingInTheSpellingTyped() throws {
        let t = try TestDB()
        try t.db.execute("""
            INSERT INTO portal_user (login, login_kind, full_name, status, registered_at, updated_at) VALUES
              ('+79110000001', 'phone', 'Петров', 'active', 'x', 'x'),
              ('89110000@mail.ru', 'email', 'Сидоров', 'active', 'x', 'x'),
              ('ivan@mail.ru', 'email', 'Иванов', 'active', 'x', 'x');
            """)
        func values(_ prefix: String) throws -> [String] { try LiveValues.candidates(t.db, .userLogin, prefix: prefix).map(\.value) }
        #expect(try values("8911") == ["89110000@mail.ru", "89110000001"], "the e-mail that begins so, and the phone as typed")
        #expect(try values("7911") == ["79110000001"])
        #expect(try values("911") == ["9110000001"])
        #expect(try values("+7911") == ["+79110000001"])
        #expect(try values("iv") == ["ivan@mail.ru"])
        #expect(try values("8912").isEmpty)
    }
}
