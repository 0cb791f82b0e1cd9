import Foundation
import Testing

/// «Where is my payment?» at the desk: a customer's payments, the ones stuck in processing,
/// found by amount, place or the number on the receipt.
@Suite struct PaymentsE2ETests {
    /// The day `days` before today, as the program's clock counts them (TZ=UTC), in ISO form.
    static func day(daysAgo days: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let day = calendar.date(byAdding: .day, value: -days, to: Date())!
        let parts = calendar.dateComponents([.year, .month, .day], from: day)
        return String(format: "%04d-%02d-%02d", parts.year!, parts.month!, parts.day!)
    }

    @Test func aClerkFindsACustomersPaymentAndTheStuckOnes() throws {
        let t = E2E()
        t.demo(accounts: 300, date: "2026-11-20")
        let account = t.sql("SELECT a.number || ' ' || g.code FROM payment p JOIN account a ON a.id = p.account_id JOIN rgk g ON g.id = a.rgk_id GROUP BY a.id, a.number, g.code HAVING count(*) > 2 ORDER BY a.id LIMIT 1")
            .split(separator: " ").map(String.init)
        try #require(account.count == 2, "the demo has an account with several payments")
        let mine = t.run("payment", "list", "--account", account[0], "--rgk", account[1], "--limit", "0", "--json").jsonArray
        let expected = t.sql("SELECT count(*) FROM payment p JOIN account a ON a.id = p.account_id WHERE a.number = '\(account[0])'")
        #expect(String(mine.count) == expected && mine.allSatisfy { $0["account"] as? String == account[0] })
        let dates = mine.compactMap { $0["paid_on"] as? String }
        #expect(dates == dates.sorted(by: >), "the newest first")

        // stuck: processing longer than payment.stuck_days (3 by default), counted from today
        let stuck = t.sql("SELECT count(*) FROM payment WHERE state = 'processing' AND paid_on <= '2026-11-17'")
        #expect(Int(stuck) ?? 0 > 0, "the demo has payments stuck in processing")
        func stuckInStatus() -> Int? {
            let queues = t.run("status", "--json").jsonObject["queues"] as? [[String: Any]] ?? []
            return queues.first { $0["queue"] as? String == "payments_stuck" }?["count"] as? Int
        }
        let today = t.sql("SELECT count(*) FROM payment WHERE state = 'processing' AND paid_on <= '\(Self.day(daysAgo: 3))'")
        #expect(stuckInStatus() == Int(today))
        #expect(t.run("config", "set", "payment.stuck_days", "60").status == 0)
        #expect(stuckInStatus() == Int(t.sql("SELECT count(*) FROM payment WHERE state = 'processing' AND paid_on <= '\(Self.day(daysAgo: 60))'")))
        let processing = t.run("payment", "list", "--state", "processing", "--until", "2026-11-17", "--limit", "0", "--json").jsonArray
        #expect(String(processing.count) == stuck && processing.allSatisfy { $0["state"] as? String == "processing" })
        let ru = t.run("--lang", "ru", "payment", "list", "--state", "processing", "--limit", "3")
        #expect(ru.stdout.contains("в обработке") && !ru.stdout.contains("processing"), "\(ru.stdout)")

        // by amount, by place, by the number on the receipt
        let amount = try #require(mine.first?["amount_kop"] as? Int)
        let rubles = String(format: "%d,%02d", amount / 100, amount % 100)
        let byAmount = t.run("payment", "list", "--min", rubles, "--max", rubles, "--limit", "0", "--json").jsonArray
        #expect(!byAmount.isEmpty && byAmount.allSatisfy { $0["amount_kop"] as? Int == amount })
        let number = try #require(mine.first?["external_id"] as? String)
        let byNumber = t.run("payment", "list", "--external-id", number, "--json").jsonArray
        #expect(byNumber.count == 1 && byNumber.first?["external_id"] as? String == number)
        let show = t.run("payment", "show", number, "--json").jsonObject
        #expect(show["external_id"] as? String == number && show["holder"] as? String != nil, "\(show)")
        #expect(t.run("payment", "show", String(show["id"] as? Int ?? 0), "--json").jsonObject["external_id"] as? String == number)
        let channel = try #require(mine.first?["channel"] as? String)
        let byChannel = t.run("payment", "list", "--channel", String(channel.prefix(4)).lowercased(), "--limit", "5", "--json").jsonArray
        #expect(!byChannel.isEmpty && byChannel.allSatisfy { ($0["channel"] as? String ?? "").lowercased().hasPrefix(String(channel.prefix(4)).lowercased()) })

        #expect(t.run("payment", "show", "P-NOPE").status == 3)
        #expect(t.run("payment", "list", "--state", "lost").status == 2)
        #expect(t.run("payment", "list", "--min", "сто").status == 2)
    }
}
