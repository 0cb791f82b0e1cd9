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

    /// A month on is the same day clamped to the month's length; past 9999-12 it is counted on
    /// (10000-01), never a crash (`report deadlines --month 9999-12` crashed here, exit 132).
    @Test func aMonthOnIsClampedAndNeverCrashesAtTheEndOfTheYears() {
        #expect(Day(year: 2026, month: 1, day: 31)!.adding(months: 1).iso == "2026-02-28")
        #expect(Day(year: 2024, month: 1, day: 31)!.adding(months: 1).iso == "2024-02-29")
        #expect(Day(year: 2026, month: 1, day: 15)!.adding(months: -1).iso == "2025-12-15")
        #expect(Day(year: 2026, month: 3, day: 31)!.adding(months: -13).iso == "2025-02-28")
        #expect(Day(year: 2026, month: 7, day: 20)!.adding(months: 36).iso == "2029-07-20")
        let last = Day(year: 9999, month: 12, day: 1)!.adding(months: 1)
        #expect((last.year, last.month, last.day) == (10000, 1, 1))
        #expect(last.daysSinceEpoch == Day(year: 9999, month: 12, day: 31)!.daysSinceEpoch + 1)
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

    /// The import reads dates from the file's bytes; where it answers, it answers what the
    /// String parser does (for the date part of "20.07.2026 0:00:00"), and it never accepts
    /// what that one refuses.
    @Test func datesFromBytesAgreeWithTheParser() {
        var cases = ["20.07.2026", "2026-07-20", "1.2.26", "01/02/2026", "31.02.2026", "29.02.2024", "29.02.2023", "2026-7-20",
                     "20.07.2026 0:00:00", "2026-07-20T10:00:00Z", "20.07", "20..2026", "20.07.20266", "20-07-2026", "2026.07.20",
                     "20.07/2026", "200.07.2026", "", ".", "99999999999999999999.1.2026", "20.13.2026", "00.01.2026", "2026-07-20 x"]
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789./- T")
        for _ in 0..<20_000 {
            cases.append(String((0..<Int.random(in: 1...14, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        for text in cases {
            let fast = Day.parse(bytes: Array(text.utf8)[...])
            let datePart = text.split(separator: " ").first.map(String.init) ?? text
            let slow = Day(parsing: text.hasPrefix(" ") ? text : datePart.split(separator: "T").first.map(String.init) ?? datePart)
            if let fast { #expect(fast == slow, "\(text): \(fast) vs \(String(describing: slow))") }
        }
        #expect(Day.parse(bytes: Array("20.07.2026".utf8)[...]) == Day(year: 2026, month: 7, day: 20))
        #expect(Day.parse(bytes: Array("20.07.2026 0:00:00".utf8)[...]) == Day(year: 2026, month: 7, day: 20))
        #expect(Day.parse(bytes: Array("2026-07-20".utf8)[...]) == Day(year: 2026, month: 7, day: 20))
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
