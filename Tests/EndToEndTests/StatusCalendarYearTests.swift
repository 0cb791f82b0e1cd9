import Foundation
import Testing

/// `status` names the year whose production calendar its nearest deadline waits for in every
/// format: «импортируйте календарь 2028» on the terminal, `nearest_unknown_year` beside a null
/// `nearest` in JSON (docs/deadlines.md), on the engine of the half.
@Suite struct StatusCalendarYearTests {
    /// 2028 as the Labour Code makes it (no decree is out): the holidays, 1 and 2 January moved
    /// to 2 May and 29 December, 4 November to the 6th, the days before the holidays shortened.
    static let year2028 = (["<?xml version=\"1.0\" encoding=\"UTF-8\"?>", "<calendar year=\"2028\" source=\"ПП РФ (проверочный)\">", "<days>"]
        + ["01.01", "01.02", "01.03", "01.04", "01.05", "01.06", "01.07", "01.08", "02.23", "03.08", "05.01", "05.09", "06.12", "11.04"]
        .map { "<day d=\"\($0)\" t=\"1\"/>" }
        + ["<day d=\"05.02\" t=\"1\" f=\"01.01\"/>", "<day d=\"12.29\" t=\"1\" f=\"01.02\"/>", "<day d=\"11.06\" t=\"1\" f=\"11.04\"/>",
           "<day d=\"02.22\" t=\"2\"/>", "<day d=\"03.07\" t=\"2\"/>", "<day d=\"05.08\" t=\"2\"/>", "<day d=\"11.03\" t=\"2\"/>",
           "</days>", "</calendar>", ""]).joined(separator: "\n")

    @Test func theNearestDeadlineInAYearWithoutACalendarNamesTheYearInJSON() throws {
        let t = E2E()
        // tickets of October and November 2026, answered in 450 days: due in 2028
        t.demo(accounts: 100, date: "2026-11-20")
        #expect(t.run("config", "set", "ticket.answer_days", "450").status == 0)
        let rows = (t.run("status", "--json").jsonObject["deadlines"] as? [[String: Any]]) ?? []
        let tickets = rows.filter { $0["queue"] as? String == "tickets_open" }
        #expect(!tickets.isEmpty, "\(rows)")
        for row in tickets {
            #expect(row["nearest"] is NSNull && row["nearest_unknown_year"] as? Int == 2028, "\(row)")
        }
        // a row with a date, or with nothing due, names no year: the key is there, null
        #expect(rows.filter { $0["queue"] as? String != "tickets_open" }.allSatisfy { $0["nearest_unknown_year"] is NSNull }, "\(rows)")
        let screen = t.run("--lang", "ru", "status").stdout
        #expect(screen.contains("импортируйте календарь 2028"), "\(screen)")
        let csv = t.run("status", "--format", "csv").lines
        #expect(csv.contains { $0.hasPrefix("section,queue,rgk,") && $0.hasSuffix(",nearest,nearest_unknown_year") }, "\(csv)")
        #expect(csv.contains { $0.hasPrefix("deadlines,tickets_open,") && $0.hasSuffix(",,2028") }, "\(csv)")

        // the year imported: the nearest is a date again, and no year is named
        let file = t.dir + "/2028.xml"
        try Self.year2028.write(toFile: file, atomically: true, encoding: .utf8)
        let imported = t.run("calendar", "import", file)
        #expect(imported.status == 0, "\(imported)")
        let after = (t.run("status", "--json").jsonObject["deadlines"] as? [[String: Any]]) ?? []
        let dated = after.filter { $0["queue"] as? String == "tickets_open" }
        #expect(!dated.isEmpty && dated.allSatisfy { ($0["nearest"] as? String)?.hasPrefix("2028-") == true && $0["nearest_unknown_year"] is NSNull },
                "\(dated)")
    }
}
