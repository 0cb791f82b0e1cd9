import Foundation
import Testing
@testable import MyGazCore

/// Issue 39 §3, the candidates of the notices customers switched on: each goes to active users
/// with its switch on (blocked, erased and switched-off users are not candidates), once per its
/// key — a verification per meter and date, a news item per text —; a debt of an account linked
/// with the limited version is counted, never told.
@Suite struct NoticesTests {
    /// An RGK, an account, and four users linked to it: one with every switch on, one who switched
    /// the notice off, one blocked, one erased.
    struct Region {
        let t: TestDB
        let account: Int64
        let on: Int64, off: Int64, blocked: Int64, erased: Int64
    }

    static func region(switchOff column: String) throws -> Region {
        let t = try TestDB()
        let rgk = try t.rgk("vologda", phone: "+79115551234")
        let account = try t.account(rgk: rgk, "100001")
        let on = try t.portalUser("on@example.ru"), off = try t.portalUser("off@example.ru")
        let blocked = try t.portalUser("blocked@example.ru", status: .blocked), erased = try t.portalUser("erased@example.ru")
        for user in [on, off, blocked, erased] {
            try t.db.run("UPDATE portal_user SET notify_debts = 1, notify_status = 1, notify_news = 1 WHERE id = ?", user)
            try t.link(user: user, account: account)
        }
        try t.db.run("UPDATE portal_user SET \(column) = 0 WHERE id = ?", off)
        _ = try Users.delete(t.session, erased)
        return Region(t: t, account: account, on: on, off: off, blocked: blocked, erased: erased)
    }

    @Test func verificationIsForWorkingMetersDueOncePerMeterAndDate() throws {
        let r = try Self.region(switchOff: "notify_status")
        let t = r.t
        let due = try t.meter(account: r.account, "СГ-100", nextVerification: "2026-07-20")
        _ = try t.meter(account: r.account, "СГ-200", nextVerification: "2031-01-01")   // not within the window
        let replaced = try t.meter(account: r.account, "СГ-300", nextVerification: "2026-07-01")
        try t.db.run("UPDATE meter SET state = 'removed' WHERE id = ?", replaced)
        let through = try #require(Day(iso: "2026-08-13"))

        let candidates = try Notices.verification(t.db, through: through, rgk: nil)
        #expect(candidates.map(\.userID) == [r.on], "only the active user with status notices on")
        #expect(candidates.map(\.entityID) == [due] && candidates.map(\.key) == ["\(due):2026-07-20"], "the due working meter, keyed by its date")
        #expect(candidates.first?.notice.body.contains("СГ-100") == true && candidates.first?.notice.body.contains("20.07.2026") == true)

        let first = try Notices.send(t.session, .verification, candidates, audit: "notice.verification", detail: "test")
        #expect(first.queued == 1)
        let again = try Notices.verification(t.db, through: through, rgk: nil)
        #expect(again.map(\.queuedBefore) == [true], "a rerun finds it queued")
        #expect(try Notices.send(t.session, .verification, again, audit: "notice.verification", detail: "test").queued == 0)
        // a new verification date is a new notice
        try t.db.run("UPDATE meter SET next_verification = '2026-08-01' WHERE id = ?", due)
        let renewed = try Notices.verification(t.db, through: through, rgk: nil)
        #expect(renewed.map(\.queuedBefore) == [false] && renewed.map(\.key) == ["\(due):2026-08-01"])
    }

    @Test func newsGoesToActiveUsersWithNewsOnOncePerText() throws {
        let r = try Self.region(switchOff: "notify_news")
        let t = r.t
        let unlinked = try t.portalUser("nolink@example.ru")
        try t.db.run("UPDATE portal_user SET notify_news = 1 WHERE id = ?", unlinked)

        let portalWide = try Notices.news(t.db, subject: "Работы", body: "Ночью портал не работает.", rgk: nil)
        #expect(Set(portalWide.map(\.userID)) == [r.on, unlinked], "every active user with news on, linked or not")
        #expect(portalWide.allSatisfy { $0.rgkID == nil }, "the portal's own: signed by its support")
        let ofRGK = try Notices.news(t.db, subject: "Работы", body: "Ночью портал не работает.", rgk: "vologda")
        #expect(ofRGK.map(\.userID) == [r.on] && ofRGK.allSatisfy { $0.rgkID != nil }, "the RGK's customers only, signed by it")
        #expect(Set(portalWide.map(\.key)).count == 1 && portalWide.first?.key != ofRGK.first?.key, "one key per text and RGK")

        #expect(try Notices.send(t.session, .news, portalWide, audit: "notice.news", detail: "test").queued == 2)
        let again = try Notices.news(t.db, subject: "Работы", body: "Ночью портал не работает.", rgk: nil)
        #expect(again.allSatisfy(\.queuedBefore) && Notices.plan(again).toQueue == 0, "a rerun queues nothing")
        let other = try Notices.news(t.db, subject: "Работы", body: "Другой текст.", rgk: nil)
        #expect(other.allSatisfy { !$0.queuedBefore }, "another text is another news item")
        let footer = try Notify.footer(t.db, rgkID: nil)
        #expect(try t.db.scalarInt("SELECT count(*) FROM outbox WHERE kind = 'news' AND body LIKE ?", "%" + footer) == 2)
    }

    @Test func aDebtOfAnAccountLinkedWithTheLimitedVersionIsCountedNotTold() throws {
        let r = try Self.region(switchOff: "notify_debts")
        let t = r.t
        _ = try t.settlement(account: r.account, period: "2026-06", opening: 0, charged: 150_000, paid: 0)
        let limited = try t.portalUser("limited@example.ru")
        try t.link(user: limited, account: r.account, extended: false)

        let candidates = try Notices.debts(t.db, period: "2026-06", minKop: 0, rgk: nil)
        #expect(Set(candidates.map(\.userID)) == [r.on, limited])
        #expect(candidates.first { $0.userID == limited }?.limitedVersion == true && candidates.first { $0.userID == r.on }?.limitedVersion == false)
        let plan = Notices.plan(candidates)
        #expect(plan.toQueue == 1 && plan.limitedVersion == 1)
        let report = try Notices.send(t.session, .debts, candidates, audit: "notice.debts", detail: "test")
        #expect(report.queued == 1 && report.limitedVersion == 1)
        #expect(try t.db.scalarInt("SELECT count(*) FROM outbox WHERE user_id = ?", limited) == 0, "no amount told to the limited version")
        #expect(try t.db.scalarInt("SELECT count(*) FROM notice_sent WHERE user_id = ?", limited) == 0)
    }
}
