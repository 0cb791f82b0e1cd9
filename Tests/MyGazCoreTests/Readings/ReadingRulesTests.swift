import Foundation
import Testing
@testable import MyGazCore

@Suite struct ReadingRulesTests {
    let june25 = Day(year: 2026, month: 6, day: 25)!
    let july20 = Day(year: 2026, month: 7, day: 20)!

    func facts(_ value: Int64, previous: Int64? = 1000, digits: Int = 5, date: Day? = nil, previousDate: Day? = nil,
               max: Int64 = 300, verification: Day? = nil, state: MeterState = .working) -> ReadingFacts {
        ReadingFacts(value: value, date: date ?? july20, digits: digits, previousValue: previous,
                     previousDate: previous == nil ? nil : (previousDate ?? june25), maxMonthly: max,
                     nextVerification: verification, meterState: state)
    }

    func violations(_ f: ReadingFacts) -> [ReadingReason] { ReadingRules.check(f).violations }

    @Test func rule1TheValueFitsTheMetersDigits() {
        #expect(violations(facts(99_999, previous: 99_900)) == [])
        #expect(violations(facts(100_000, previous: 99_900)) == [.exceedsCapacity])
        #expect(violations(facts(0, previous: nil)) == [])
        #expect(violations(facts(-1, previous: nil)) == [.exceedsCapacity])
        #expect(violations(facts(9_999, previous: nil, digits: 4)) == [])
        #expect(violations(facts(10_000, previous: nil, digits: 4)) == [.exceedsCapacity])
    }

    @Test func rule2NotLowerThanThePreviousAcceptedReading() {
        #expect(violations(facts(1000)) == [])
        #expect(ReadingRules.check(facts(1000)).consumption == 0)
        #expect(violations(facts(999)) == [.lowerThanPrevious])
    }

    @Test func rule2RolloverWithinTheLimitIsValid() {
        // 4 digits: 9 990 → 0 040 is 50 m³ through zero
        let rolled = ReadingRules.check(facts(40, previous: 9_990, digits: 4))
        #expect(rolled.isValid && rolled.rolledOver && rolled.consumption == 50)
        // the wrapped difference exactly at the limit passes, one more does not
        #expect(violations(facts(290, previous: 9_990, digits: 4)) == [])
        #expect(violations(facts(291, previous: 9_990, digits: 4)) == [.lowerThanPrevious])
    }

    @Test func rule3TheMaximumTimesWholeMonths() {
        #expect(violations(facts(1_300)) == [])
        #expect(violations(facts(1_301)) == [.exceedsMaxConsumption])
        // three whole months: 25.04 → 25.07
        let april25 = Day(year: 2026, month: 4, day: 25)!
        let july25 = Day(year: 2026, month: 7, day: 25)!
        #expect(violations(facts(1_900, date: july25, previousDate: april25)) == [])
        #expect(violations(facts(1_901, date: july25, previousDate: april25)) == [.exceedsMaxConsumption])
        // a day short of the third month: two months
        #expect(violations(facts(1_601, date: Day(year: 2026, month: 7, day: 24)!, previousDate: april25)) == [.exceedsMaxConsumption])
        #expect(violations(facts(1_600, date: Day(year: 2026, month: 7, day: 24)!, previousDate: april25)) == [])
        // less than a month counts as one
        #expect(violations(facts(1_300, date: Day(year: 2026, month: 6, day: 26)!)) == [])
        // the meter's own maximum wins over the RGK's
        #expect(violations(facts(1_800, max: 800)) == [])
    }

    @Test func rule4VerificationDate() {
        #expect(violations(facts(1_100, verification: july20)) == [], "valid on the day itself")
        #expect(violations(facts(1_100, verification: Day(year: 2026, month: 7, day: 19)!)) == [.verificationExpired])
    }

    @Test func rule5TheMeterWorks() {
        #expect(violations(facts(1_100, state: .faulty)) == [.meterNotWorking])
        #expect(violations(facts(1_100, state: .removed)) == [.meterNotWorking])
    }

    @Test func violationsComeInTheOrderOfTheRules() {
        let v = violations(facts(100_001, verification: Day(year: 2026, month: 1, day: 1)!, state: .faulty))
        #expect(v == [.exceedsCapacity, .verificationExpired, .meterNotWorking])
        #expect(ReadingRules.check(facts(2_000, state: .faulty)).firstViolation == .exceedsMaxConsumption)
    }

    @Test func aFirstReadingHasNoConsumptionRule() {
        let verdict = ReadingRules.check(facts(50_000, previous: nil))
        #expect(verdict.isValid && verdict.consumption == nil)
    }
}
