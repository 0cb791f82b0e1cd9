/// What the rules need to know about one reading and its meter.
public struct ReadingFacts: Sendable, Equatable {
    public var value: Int64
    public var date: Day
    public var digits: Int
    public var previousValue: Int64?
    public var previousDate: Day?
    /// The meter's own maximum if set, else the RGK's (m³ per month).
    public var maxMonthly: Int64
    public var nextVerification: Day?
    public var meterState: MeterState

    public init(value: Int64, date: Day, digits: Int, previousValue: Int64?, previousDate: Day?, maxMonthly: Int64,
                nextVerification: Day?, meterState: MeterState) {
        self.value = value
        self.date = date
        self.digits = digits
        self.previousValue = previousValue
        self.previousDate = previousDate
        self.maxMonthly = maxMonthly
        self.nextVerification = nextVerification
        self.meterState = meterState
    }
}

/// The verdict: the rules broken, in the order of the rules, and the consumption.
public struct ReadingVerdict: Sendable, Equatable {
    public let violations: [ReadingReason]
    /// m³ since the previous accepted reading (wrapped past 10^digits on a rollover).
    public let consumption: Int64?
    public let rolledOver: Bool

    public var isValid: Bool { violations.isEmpty }
    public var firstViolation: ReadingReason? { violations.first }
}

/// The reading rules of manual 001 §4.3.1.4, §4.3.2.2, §6 row 6. A reading is valid when:
/// 1. it is a whole number, 0 ≤ value < 10^digits;
/// 2. it is ≥ the last accepted reading, unless the counter rolled over
///    (the wrapped difference `value + 10^digits − previous` is within the limit of rule 3);
/// 3. the consumption does not exceed the maximum × the whole months elapsed (at least 1);
/// 4. the meter's verification date has not passed on the reading's date;
/// 5. the meter is working.
public enum ReadingRules {
    public static func check(_ f: ReadingFacts) -> ReadingVerdict {
        var violations: [ReadingReason] = []
        let capacity = power10(f.digits)
        var consumption: Int64?
        var rolledOver = false

        let fits = f.value >= 0 && f.value < capacity
        if !fits { violations.append(.exceedsCapacity) }

        if fits, let previous = f.previousValue {
            let months = max(1, f.previousDate.map { $0.wholeMonths(until: f.date) } ?? 1)
            let limit = f.maxMonthly * Int64(months)
            if f.value >= previous {
                consumption = f.value - previous
                if consumption! > limit { violations.append(.exceedsMaxConsumption) }
            } else {
                let wrapped = f.value + capacity - previous
                if wrapped <= limit {
                    consumption = wrapped
                    rolledOver = true
                } else {
                    violations.append(.lowerThanPrevious)
                }
            }
        }
        if let next = f.nextVerification, next < f.date { violations.append(.verificationExpired) }
        if f.meterState != .working { violations.append(.meterNotWorking) }
        // keep the manual's order of the rules, whatever the order of the checks above
        let order: [ReadingReason] = [.exceedsCapacity, .lowerThanPrevious, .exceedsMaxConsumption, .verificationExpired, .meterNotWorking]
        return ReadingVerdict(violations: order.filter(violations.contains), consumption: consumption, rolledOver: rolledOver)
    }

    public static func power10(_ n: Int) -> Int64 {
        var result: Int64 = 1
        for _ in 0..<max(0, min(n, 18)) { result *= 10 }
        return result
    }
}

extension ReadingRules {
    /// Rule 1: a reading is a whole number of m³ as a person types it (`1 234` is 1234; a comma
    /// or a point is a fraction, not a thousands separator); exit 6 otherwise.
    public static func wholeValue(_ text: String) throws -> Int64 {
        guard let value = Int64(text.replacingOccurrences(of: " ", with: "")), value >= 0 else {
            throw MyGazError.invalid(.readingNotWhole, .text(text))
        }
        return value
    }
}
