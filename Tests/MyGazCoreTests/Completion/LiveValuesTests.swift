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
