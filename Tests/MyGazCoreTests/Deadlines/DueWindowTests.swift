import Foundation
import Testing
@testable import MyGazCore

/// The windows the lists and `status` ask their indexes for (`Deadlines.registeredBefore`): the
/// items due by a day are those registered before a moment, worked by hand around the 2026 New
/// Year holidays (decree No. 1466: 1–11 January off; 2025's 31 December off).
@Suite struct DueWindowTests {
    let deadlines = Deadlines(calendar: WorkCalendar(ShippedCalendars.years))
    let moscow = TimeZone(identifier: "Europe/Moscow")!

    func at(_ iso: String) -> Int64 { Timestamp.parse(iso)! }
    func day(_ iso: String) -> Day { Day(iso: iso)! }

    @Test func appealsDueByTheTwelfthOfJanuaryWereRegisteredByTheThirteenthOfDecember() {
        // 13.12.2025 + 30 = Mon 12.01.2026; 10–12.12 end on 9–11.01, days off, so 12.01 too;
        // 14.12 + 30 = 13.01, later. The window ends at Moscow's midnight of 14.12.
        #expect(deadlines.registeredBefore(.ticket(personalData: nil), dueBy: day("2026-01-12"), zone: moscow) == at("2025-12-13T21:00:00Z"))
    }

    @Test func noAppealFallsDueOnAHolidaySoTheWindowStopsBeforeIt() {
        // due by Fri 09.01.2026 (off): 30.11.2025 + 30 = Tue 30.12.2025, worked; 01.12 + 30 = 31.12,
        // off, so 12.01. The window ends at Moscow's midnight of 01.12.2025.
        #expect(deadlines.registeredBefore(.ticket(personalData: nil), dueBy: day("2026-01-09"), zone: moscow) == at("2025-11-30T21:00:00Z"))
    }

    @Test func readingsDueByTheTwentyFourthOfMarchCameByTheTwentyFifthOfFebruary() {
        // a reading of 25.02 is due 25.02; one of 26.02 is due 25.03
        #expect(deadlines.registeredBefore(.reading, dueBy: day("2026-03-24"), zone: moscow) == at("2026-02-25T21:00:00Z"))
    }

    @Test func theWindowIsTheLatestRegistrationDueByThenAsADayByDayWalkFindsIt() {
        // what `registeredBefore` answered before it doubled and halved: the first day back, one by
        // one, whose registration is due by then — around the calendar's first year (a registration
        // before 2025 cannot be counted), its holidays, and past its last year
        func walked(_ deadlines: Deadlines, _ item: DeadlineItem, _ latest: Day) -> Int64? {
            for back in 0..<800 {
                let registered = latest.adding(days: -back)
                if case .on(let due) = deadlines.due(item, registeredAt: Deadlines.start(of: registered, in: moscow), zone: moscow), due <= latest {
                    return Deadlines.start(of: registered.adding(days: 1), in: moscow)
                }
            }
            return nil
        }
        // the law's periods, and long ones set in `config` (200 working days: a registration of
        // 2025's first months is due by 2026's March, one of 2024 cannot be counted)
        var long = DeadlineRules()
        long.applications[.recalculation] = .workingDays(200)
        long.ticketAnswerDays = 300
        let rules = [(deadlines, "the law's"), (Deadlines(calendar: WorkCalendar(ShippedCalendars.years), rules: long), "long")]
        let items: [DeadlineItem] = [.ticket(personalData: .access), .ticket(personalData: nil), .reading] + ApplicationKind.allCases.map { .application($0) }
        var asked = 0, none = 0
        for (deadlines, name) in rules {
            // the long periods' walks are long themselves: fewer days asked of them
            for item in name == "long" ? [.application(.recalculation)] : items {
                for n in stride(from: 0, to: 1_200, by: name == "long" ? 15 : 3) {
                    let latest = day("2024-12-01").adding(days: n)
                    let want = walked(deadlines, item, latest)
                    #expect(deadlines.registeredBefore(item, dueBy: latest, zone: moscow) == want, "\(name) \(item) due by \(latest)")
                    asked += 1
                    if want == nil { none += 1 }
                }
            }
        }
        // both kinds of answer were asked: a window, and none (nothing counted is due by then)
        #expect(asked > 3_000 && none > 50 && none < asked - 1_500)
        // the case a doubling alone missed: due by 01.03.2026 after 200 working days, registered
        // in 2025's first months, 298-424 days back, between two of its steps (256, 512: 2024)
        let recalculation = DeadlineItem.application(.recalculation)
        #expect(rules[1].0.registeredBefore(recalculation, dueBy: day("2026-03-01"), zone: moscow) != nil)
    }

    @Test func theWindowAgreesWithEachDaysDueDate() {
        // the rule behind the windows: a later registration is never due earlier
        for item in [DeadlineItem.ticket(personalData: .access), .ticket(personalData: nil), .reading, .application(.recalculation)] {
            var last = day("2025-01-01")
            for n in 0..<700 {
                let registered = day("2025-11-01").adding(days: n)
                guard case .on(let due) = deadlines.due(item, registeredAt: Deadlines.start(of: registered, in: moscow), zone: moscow) else { continue }
                #expect(due >= last, "\(item) registered \(registered) is due \(due), before \(last)")
                last = due
            }
        }
    }

    @Test func aListKeepsWhatIsDueByItsDayAndSortsTheNearestFirst() {
        let q = DueQuery(deadlines: deadlines, now: at("2026-01-12T09:00:00Z"), zone: moscow, dueBy: day("2026-01-11"))
        #expect(q.wanted((.on(day("2026-01-09")), .overdue(days: 3))))
        #expect(!q.wanted((.on(day("2026-01-12")), .dueToday)))
        #expect(!q.wanted((.paused(since: day("2026-01-05")), nil)), "a paused item has no deadline running")
        #expect(!q.wanted((.unknown(year: 2028), nil)))
        let sorted = [DueReport?]([(.unknown(year: 2028), nil), nil, (.paused(since: day("2026-01-05")), nil), (.on(day("2026-02-01")), nil),
                                   (.on(day("2026-01-20")), nil)])
            .sorted { DueQuery.order($0).lexicographicallyPrecedes(DueQuery.order($1)) }
        #expect(sorted.map { DueQuery.order($0)[0] } == [0, 0, 0, 1, 2])
        #expect(sorted.first??.due == .on(day("2026-01-20")))
        #expect(sorted[2]?.due == .unknown(year: 2028), "a year to come after the known ones")
        let past = [DueReport?]([(.on(day("2026-01-20")), nil), (.unknown(year: 2000), nil)])
            .sorted { DueQuery.order($0).lexicographicallyPrecedes(DueQuery.order($1)) }
        #expect(past.first??.due == .unknown(year: 2000), "a year long past is the most urgent")
    }
}
