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
    @Test(arguments: TestEngine.all) func aPhoneLoginCompletesFromAnySpellingInTheSpellingTyped(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
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

/// The live values of every kind of argument, on both engines: ids that begin with the digits
/// typed, text keys by their beginning, each with its one-line description.
@Suite struct LiveValuesTests {
    @Test(arguments: TestEngine.all) func idsAndKeysThatBeginWithWhatWasTyped(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        try t.db.execute("""
            INSERT INTO rgk (id, code, name, created_at, updated_at) VALUES (1, 'vologda', 'Вологдаоблгаз', 'x', 'x'), (2, 'vladimir', 'Владимиргаз', 'x', 'x');
            INSERT INTO account (id, rgk_id, number, surname, name, updated_at) VALUES (1, 1, '70000001', 'Лебедева', 'Ольга', 'x'), (2, 2, '70000011', NULL, NULL, 'x');
            INSERT INTO meter (id, account_id, serial, digits) VALUES (1, 1, 'AB-12', 5);
            INSERT INTO reading (id, meter_id, value, reading_date, source, status, submitted_at, decided_at) VALUES
              (1, 1, 1200, '2026-05-20', 'portal', 'accepted', '2026-05-20T10:00:00Z', '2026-05-21T10:00:00Z'),
              (12, 1, 1300, '2026-06-20', 'portal', 'pending', '2026-06-20T10:00:00Z', NULL);
            """)
        for n in 1...12 {
            try t.db.run("INSERT INTO faq (topic, question, answer, created_at, updated_at) VALUES ('meters', ?, 'a', 'x', 'x')", "Вопрос\n\(n)")
        }
        func values(_ source: LiveSource, _ prefix: String) throws -> [String] {
            try LiveValues.candidates(t.db, source, prefix: prefix).map(\.value)
        }
        #expect(try values(.faq, "1") == ["1", "10", "11", "12"])
        #expect(try values(.faq, "").count == 12)
        #expect(try values(.faq, "x1").isEmpty, "an id is digits")
        #expect(try LiveValues.candidates(t.db, .faq, prefix: "12").map(\.description) == ["meters: Вопрос 12"], "on one line")
        #expect(try values(.pendingReading, "1") == ["12"])
        #expect(try values(.reading, "1") == ["12", "1"], "what waits first, then the decisions")
        #expect(try LiveValues.candidates(t.db, .reading, prefix: "12").first?.description == "70000001 AB-12: 1300 (2026-06-20)")
        #expect(try values(.rgk, "v") == ["vladimir", "vologda"])
        #expect(try values(.rgk, "vo") == ["vologda"])
        #expect(try values(.account, "7000000") == ["70000001"])
        #expect(try LiveValues.candidates(t.db, .account, prefix: "700000").map(\.description) == ["vladimir: ", "vologda: Лебедева Ольга"])
        #expect(try values(.operatorLogin, "te") == ["tester"])
        #expect(try LiveValues.candidates(t.db, .faq, prefix: "", limit: 3).count == 3)
    }
}
