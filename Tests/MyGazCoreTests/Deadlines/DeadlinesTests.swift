import Foundation
import Testing
@testable import MyGazCore

/// The deadline rule by hand-worked examples around the New Year holidays and the May days of
/// 2026 (decree No. 1466: 1–11 January off; 1–3 and 9–11 May off; 30 April and 8 May shortened,
/// worked) and 2025's 31 December (off, moved from 5 January by decree No. 1335). Each expected
/// date is written by hand; the comment says how it was counted.
@Suite struct DeadlinesTests {
    let deadlines = Deadlines(calendar: WorkCalendar(ShippedCalendars.years))
    let moscow = TimeZone(identifier: "Europe/Moscow")!
    let utc = TimeZone(identifier: "UTC")!

    func at(_ iso: String) -> Int64 { Timestamp.parse(iso)! }
    func day(_ iso: String) -> Day { Day(iso: iso)! }

    @Test func anAppealEndingInTheNewYearHolidaysMovesToTheTwelfthOfJanuary() {
        // 10.12.2025 + 30 calendar days = 09.01.2026, a day off (moved from 3 January);
        // 10 and 11 January are a weekend, so the answer is due Monday 12.01.2026 (Civil Code art. 193).
        let due = deadlines.due(.ticket(personalData: nil), registeredAt: at("2025-12-10T09:00Z"), zone: moscow)
        #expect(due == .on(day("2026-01-12")))
    }

    @Test func aPersonalDataRequestCountsWorkingDaysOverTheHolidays() {
        // Registered Thu 25.12.2025. Worked days after it: 26.12 (1), 29.12 (2), 30.12 (3);
        // 31.12.2025 and 1–11.01.2026 are off; 12.01 (4) … 16.01 (8), 19.01 (9), 20.01 (10).
        let due = deadlines.due(.ticket(personalData: .access), registeredAt: at("2025-12-25T09:00Z"), zone: moscow)
        #expect(due == .on(day("2026-01-20")))
    }

    @Test func theExtensionAddsFiveWorkingDays() {
        // As above to 20.01.2026 (10); then 21 (11), 22 (12), 23 (13), Mon 26 (14), Tue 27.01 (15).
        let due = deadlines.due(.ticket(personalData: .access), registeredAt: at("2025-12-25T09:00Z"), zone: moscow, extended: true)
        #expect(due == .on(day("2026-01-27")))
        // the extension belongs to personal-data requests only: an appeal keeps its 30 days
        let appeal = deadlines.due(.ticket(personalData: nil), registeredAt: at("2025-12-10T09:00Z"), zone: moscow, extended: true)
        #expect(appeal == .on(day("2026-01-12")))
    }

    @Test func aCorrectionCountsSevenWorkingDaysAndIsNeverExtended() {
        // Registered Mon 29.12.2025: 30.12 (1); 31.12.2025 and 1–11.01.2026 off; 12.01 (2) … 16.01 (6), Mon 19.01 (7).
        let december = at("2025-12-29T09:00Z")
        #expect(deadlines.due(.ticket(personalData: .correction), registeredAt: december, zone: moscow) == .on(day("2026-01-19")))
        // the extension of 152-FZ art. 20 p. 2 is the request's alone: a correction keeps its seven days
        #expect(deadlines.due(.ticket(personalData: .correction), registeredAt: december, zone: moscow, extended: true) == .on(day("2026-01-19")))
        // Thu 30.04.2026: 1–3 May off; 04.05 (1) … 08.05 (5, shortened but worked); 9–11 May off; 12.05 (6), 13.05 (7).
        #expect(deadlines.due(.ticket(personalData: .correction), registeredAt: at("2026-04-30T09:00Z"), zone: moscow) == .on(day("2026-05-13")))
    }

    @Test func aWithdrawalOfConsentCountsThirtyCalendarDaysToAWorkingOne() {
        // Tue 02.12.2025 + 30 = Thu 01.01.2026, off through Sun 11.01: due Mon 12.01.2026 (Civil Code art. 193).
        #expect(deadlines.due(.ticket(personalData: .withdrawal), registeredAt: at("2025-12-02T09:00Z"), zone: moscow) == .on(day("2026-01-12")))
        // Fri 10.04.2026 + 30 = Sun 10.05, and 11.05 is off (moved from 9 May): due Tue 12.05.2026.
        let april = at("2026-04-10T09:00Z")
        #expect(deadlines.due(.ticket(personalData: .withdrawal), registeredAt: april, zone: moscow) == .on(day("2026-05-12")))
        // waiting on the person from 15.04 to 18.04 adds 3 days: Wed 13.05.2026, worked
        let pause = DeadlinePause(start: at("2026-04-15T09:00Z"), end: at("2026-04-18T09:00Z"))
        #expect(deadlines.due(.ticket(personalData: .withdrawal), registeredAt: april, zone: moscow, pauses: [pause]) == .on(day("2026-05-13")))
        #expect(deadlines.due(.ticket(personalData: .withdrawal), registeredAt: april, zone: moscow, extended: true) == .on(day("2026-05-12")))
    }

    @Test func aRowsKindIsReadOnlyOnARequestAndAnUnknownOneAsTheShortestPeriod() {
        #expect(PersonalDataRequest(personalData: false, kind: "correction") == nil, "personal_data cleared alone: an appeal")
        #expect(PersonalDataRequest(personalData: true, kind: nil) == .access)
        #expect(PersonalDataRequest(personalData: true, kind: "withdrawal") == .withdrawal)
        // written past the CHECK: never judged later than the law allows
        #expect(PersonalDataRequest(personalData: true, kind: "erasure") == .access)
        #expect(PersonalDataRequest.ticketKinds.map(PersonalDataRequest.dueQueue) == ["ticket_0", "ticket_1", "ticket_1_correction", "ticket_1_withdrawal"])
    }

    @Test func theLocalDateOfRegistrationIsTheRGKs() {
        // 25.12.2025 22:30 UTC is 26.12.2025 01:30 in Moscow: counted from Fri 26.12, the tenth
        // worked day is 21.01.2026 (29.12 (1), 30.12 (2), 12.01 (3) … 16.01 (7), 19 (8), 20 (9), 21 (10));
        // in UTC the same moment is still 25.12 and the tenth worked day is 20.01.
        let moment = at("2025-12-25T22:30Z")
        #expect(deadlines.due(.ticket(personalData: .access), registeredAt: moment, zone: moscow) == .on(day("2026-01-21")))
        #expect(deadlines.due(.ticket(personalData: .access), registeredAt: moment, zone: utc) == .on(day("2026-01-20")))
    }

    @Test func anAppealEndingOnVictoryDayMovesPastTheMayDays() {
        // Thu 09.04.2026 + 30 = Sat 09.05.2026, a holiday; 10.05 Sunday and 11.05 (moved from
        // 9 May) are off: due Tue 12.05.2026.
        let due = deadlines.due(.ticket(personalData: nil), registeredAt: at("2026-04-09T08:00Z"), zone: moscow)
        #expect(due == .on(day("2026-05-12")))
    }

    @Test func aPauseMovesACalendarDayPeriodByItsDays() {
        // Wed 01.04.2026 + 30 = Fri 01.05, a holiday; 2–3 May weekend: due Mon 04.05.2026.
        let plain = deadlines.due(.ticket(personalData: nil), registeredAt: at("2026-04-01T08:00Z"), zone: moscow)
        #expect(plain == .on(day("2026-05-04")))
        // Waiting on the customer from 05.04 to 10.04 is 5 days: 01.05 + 5 = Wed 06.05.2026, worked.
        let pause = DeadlinePause(start: at("2026-04-05T10:00Z"), end: at("2026-04-10T10:00Z"))
        let paused = deadlines.due(.ticket(personalData: nil), registeredAt: at("2026-04-01T08:00Z"), zone: moscow, pauses: [pause])
        #expect(paused == .on(day("2026-05-06")))
    }

    @Test func aRecalculationCountsWorkingDaysAndAPauseAddsTheWorkedDaysInIt() {
        // Wed 29.04.2026: 30.04 (1, shortened but worked), 1–3 May off, 04.05 (2), 05 (3), 06 (4), 07 (5).
        let registered = at("2026-04-29T07:00Z")
        #expect(deadlines.due(.application(.recalculation), registeredAt: registered, zone: moscow) == .on(day("2026-05-07")))
        // Paused 05.05 → 08.05: the worked days after 05.05 through 08.05 are 6, 7, 8 (3), so
        // 8 worked days: 30.04, 04–08.05 (6), 9–11 May off, 12.05 (7), 13.05 (8).
        let pause = DeadlinePause(start: at("2026-05-05T09:00Z"), end: at("2026-05-08T09:00Z"))
        #expect(deadlines.due(.application(.recalculation), registeredAt: registered, zone: moscow, pauses: [pause]) == .on(day("2026-05-13")))
    }

    @Test func anOpenPauseStopsTheClock() {
        let pause = DeadlinePause(start: at("2026-01-13T21:30Z"), end: nil)
        // 21:30 UTC on 13.01 is 00:30 on 14.01 in Moscow
        let due = deadlines.due(.application(.repair), registeredAt: at("2026-01-12T08:00Z"), zone: moscow, pauses: [pause])
        #expect(due == .paused(since: day("2026-01-14")))
    }

    @Test func aDueDateInAYearTheCalendarLacksIsUnknownAndNamesTheYear() {
        // 20.12.2027 + 30 = 19.01.2028: the shipped calendars end with 2027, nothing guesses.
        let due = deadlines.due(.ticket(personalData: nil), registeredAt: at("2027-12-20T08:00Z"), zone: moscow)
        #expect(due == .unknown(year: 2028))
    }

    @Test func aReadingIsDueByTheCutoffDay() {
        // before the 25th: this month's 25th; after it: next month's; February clamps to its length
        #expect(deadlines.due(.reading, registeredAt: at("2026-03-10T08:00Z"), zone: moscow) == .on(day("2026-03-25")))
        #expect(deadlines.due(.reading, registeredAt: at("2026-03-27T08:00Z"), zone: moscow) == .on(day("2026-04-25")))
        var rules = DeadlineRules()
        rules.readingCutoffDay = 31
        let late = Deadlines(calendar: WorkCalendar(ShippedCalendars.years), rules: rules)
        #expect(late.due(.reading, registeredAt: at("2026-02-03T08:00Z"), zone: moscow) == .on(day("2026-02-28")))
    }

    @Test func whatIsLeftCountsWorkingDaysAndOverdueCountsCalendarDays() throws {
        // due 12.01.2026 seen on Mon 29.12.2025: worked days after it are 30.12 and 12.01 (2)
        #expect(try deadlines.left(until: day("2026-01-12"), today: day("2025-12-29")) == .workingDaysLeft(2))
        #expect(try deadlines.left(until: day("2026-01-12"), today: day("2026-01-12")) == .dueToday)
        // 15.01 is three calendar days after 12.01
        #expect(try deadlines.left(until: day("2026-01-12"), today: day("2026-01-15")) == .overdue(days: 3))
        // seen from a day off: 10.01.2026 (Saturday) to 12.01 is one worked day
        #expect(try deadlines.left(until: day("2026-01-12"), today: day("2026-01-10")) == .workingDaysLeft(1))
    }

    @Test(arguments: TestEngine.all) func theRulesAreSettingsWithTheLawsDefaults(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        #expect(try DeadlineRules.load(t.db) == DeadlineRules(), "an empty setting table gives the defaults of docs/deadlines.md")
        #expect(try Settings.set(t.session, .personalDataDays, "7"))
        #expect(try Settings.set(t.session, .applicationRecalculationDays, "3"))
        #expect(try Settings.set(t.session, .readingCutoffDay, "20"))
        let rules = try DeadlineRules.load(t.db)
        #expect(rules.period(for: .ticket(personalData: .access)) == .workingDays(7))
        #expect(rules.period(for: .ticket(personalData: .correction)) == .workingDays(7), "152-FZ art. 21 p. 2")
        #expect(rules.period(for: .ticket(personalData: .withdrawal)) == .calendarDays(30), "152-FZ art. 21 p. 5")
        #expect(rules.period(for: .ticket(personalData: nil)) == .calendarDays(30))
        #expect(try Settings.set(t.session, .personalDataCorrectionDays, "5"))
        #expect(try Settings.set(t.session, .personalDataWithdrawalDays, "20"))
        #expect(try DeadlineRules.load(t.db).period(for: .ticket(personalData: .correction)) == .workingDays(5))
        #expect(try DeadlineRules.load(t.db).period(for: .ticket(personalData: .withdrawal)) == .calendarDays(20))
        #expect(rules.period(for: .application(.recalculation)) == .workingDays(3))
        #expect(rules.period(for: .application(.repair)) == .calendarDays(30))
        #expect(rules.period(for: .reading) == .dayOfMonth(20))
        // a negative or absurd value is refused by name and nothing changes
        for (key, bad) in [(SettingKey.personalDataDays, "-1"), (.readingCutoffDay, "32"), (.readingCutoffDay, "0"), (.applicationRepairDays, "99999"),
                           (.personalDataCorrectionDays, "0"), (.personalDataWithdrawalDays, "-30")] {
            #expect(throws: MyGazError.self) { try Settings.set(t.session, key, bad) }
        }
        #expect(try Settings.days(t.db, .readingCutoffDay) == 20)
        #expect(try Settings.days(t.db, .applicationRepairDays) == 30)
        #expect(try Settings.days(t.db, .personalDataCorrectionDays) == 5 && Settings.days(t.db, .personalDataWithdrawalDays) == 20)
    }

    /// A database made before the periods of a correction and a withdrawal of consent refuses
    /// their keys (its setting table's CHECK names the keys of its day); the upgrade to version 30
    /// makes the CHECK again with every key of this version, the rows kept.
    @Test(arguments: TestEngine.all) func theNewPeriodsAreSettingsAfterTheUpgrade(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        #expect(try Settings.set(t.session, .ticketAnswerDays, "20"))
        let before = SettingKey.codes.filter { $0 != SettingKey.personalDataCorrectionDays.rawValue && $0 != SettingKey.personalDataWithdrawalDays.rawValue }
        switch engine {
        case .sqlite:
            try t.db.execute(Schema.settingKeys.replacingOccurrences(of: Schema.oneOf("key", SettingKey.codes), with: Schema.oneOf("key", before))
                             + "\nPRAGMA user_version = 29")
        case .postgresql:
            try t.db.execute("""
                ALTER TABLE setting DROP CONSTRAINT setting_key_check;
                ALTER TABLE setting ADD CONSTRAINT setting_key_check CHECK (\(Schema.oneOf("key", before)));
                UPDATE schema_version SET version = 29
                """)
        }
        #expect(throws: (any Error).self, "the key of its day only") { try Settings.set(t.session, .personalDataCorrectionDays, "5") }
        let moved = try Engines.migrate(t.db)
        #expect(moved.from == 29 && moved.to == Schema.currentVersion)
        #expect(try Settings.set(t.session, .personalDataCorrectionDays, "5"))
        #expect(try Settings.set(t.session, .personalDataWithdrawalDays, "25"))
        #expect(try Settings.days(t.db, .personalDataCorrectionDays) == 5 && Settings.days(t.db, .personalDataWithdrawalDays) == 25)
        #expect(try Settings.days(t.db, .ticketAnswerDays) == 20, "the rows kept")
        let differences = try Maintenance.schemaDifferences(t.db)
        #expect(differences.isEmpty, "\(differences)")
    }

    @Test func thePausesAreReadFromTheStatusHistory() {
        let steps: [(at: String, to: String)] = [
            ("2026-04-29T07:00:00Z", "submitted"), ("2026-05-05T09:00:00Z", "needs_info"),
            ("2026-05-08T09:00:00Z", "submitted"), ("2026-05-12T09:00:00Z", "needs_info"),
        ]
        let pauses = Deadlines.pauses(steps: steps, waiting: "needs_info")
        #expect(pauses == [DeadlinePause(start: at("2026-05-05T09:00Z"), end: at("2026-05-08T09:00Z")),
                           DeadlinePause(start: at("2026-05-12T09:00Z"), end: nil)])
        // the first, closed pause alone gives the recalculation's hand-worked 13.05.2026 (above)
        let closed = Deadlines.pauses(steps: Array(steps.prefix(3)), waiting: "needs_info")
        #expect(deadlines.due(.application(.recalculation), registeredAt: at("2026-04-29T07:00Z"), zone: moscow, pauses: closed) == .on(day("2026-05-13")))
    }
}
