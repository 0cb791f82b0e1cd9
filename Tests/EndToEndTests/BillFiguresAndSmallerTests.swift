import Foundation
import Testing

/// Issue 41, the bill and the smaller defects a clerk met, each through the built binary.
@Suite struct BillFiguresAndSmallerTests {
    /// The demo's RGK phones, as the Russian numbering plan writes them for their cities.
    static let rgkPhones = ["vologda": "+7 (8172) 72-00-00", "yaroslavl": "+7 (4852) 58-00-00", "kostroma": "+7 (4942) 39-00-00"]

    /// A debtor's October (closed) and November (open) replaced by figures worked by hand:
    /// October gas −3 000,00 − 2 500,00 + 2 000,00 + benefit 200,00 + recalculation 50,00 = −3 250,00
    /// (the formula alone: −3 500,00), ТО ВДГО 0 − 120,00 + 200,00 = +80,00 overpaid;
    /// November gas −3 250,00 − 1 500,00 + 1 000,00 = −3 750,00, ТО ВДГО 80,00 − 120,00 = −40,00.
    @Test func aClosedMonthIsItsClosingBalanceAndAnOverpaymentIsNotADemand() throws {
        let t = E2E()
        t.demo(accounts: 150, date: "2026-11-20")
        let (number, rgk) = BillsE2ETests.debtor(t)
        let account = "(SELECT a.id FROM account a JOIN rgk g ON g.id = a.rgk_id WHERE a.number = '\(number)' AND g.code = '\(rgk)')"
        _ = t.sql("DELETE FROM settlement WHERE service_id IN (SELECT id FROM service WHERE account_id = \(account))")
        for (kind, period, opening, charged, paid, benefit, recalc, closing) in [
            ("gas", "2026-10", -300000, 250000, 200000, 20000, 5000, "-325000"), ("vdgo", "2026-10", 0, 12000, 20000, 0, 0, "8000"),
            ("gas", "2026-11", -325000, 150000, 100000, 15000, 0, "NULL"), ("vdgo", "2026-11", 8000, 12000, 0, 0, 0, "NULL"),
        ] {
            _ = t.sql("""
                INSERT INTO settlement (service_id, period, opening_kop, charged_kop, paid_kop, benefit_kop, recalc_kop, closing_kop)
                SELECT id, '\(period)', \(opening), \(charged), \(paid), \(benefit), \(recalc), \(closing) FROM service
                WHERE account_id = \(account) AND kind = '\(kind)'
                """)
        }

        let october = t.dir + "/october.pdf"
        let closed = t.run("account", "bill", number, "--rgk", rgk, "--period", "2026-10", "--output", october)
        #expect(closed.status == 0, "\(closed)")
        let oct = BillsE2ETests.read(october, in: t)
        let octText = oct.text.replacingOccurrences(of: "\n", with: " ")
        #expect(octText.contains("Итого к оплате: 3 250,00 ₽") && !octText.contains("3 500,00"), "the closing balance: \(octText)")
        #expect(octText.contains("Месяц закрыт") && octText.contains("Переплата за услугу «ТО ВДГО»: 80,00 ₽"), "\(octText)")
        #expect(!octText.contains("-3 250,00") && !octText.contains("-80,00"), "no signed figure in «К оплате»: \(octText)")
        let octFields = BillsE2ETests.fields(oct.qr)
        #expect(octFields["Sum"] == "325000" && octFields["Purpose"] == "Оплата за газ по лицевому счету \(number) за 10.2026", "\(oct.qr)")
        let phone = try #require(Self.rgkPhones[rgk])
        #expect(octText.contains("Телефон: \(phone)"), "the RGK's phone by its city's code: \(octText)")

        let november = t.dir + "/november.pdf"
        #expect(t.run("account", "bill", number, "--rgk", rgk, "--period", "2026-11", "--output", november).status == 0)
        let nov = BillsE2ETests.read(november, in: t)
        let novText = nov.text.replacingOccurrences(of: "\n", with: " ")
        #expect(novText.contains("Итого к оплате: 3 790,00 ₽") && novText.contains("Месяц не закрыт"), "\(novText)")
        let novFields = BillsE2ETests.fields(nov.qr)
        #expect(novFields["Sum"] == "379000", "\(nov.qr)")
        let purpose = try #require(novFields["Purpose"])
        #expect(purpose == "Оплата за газ и ТО ВДГО по лицевому счету \(number) за 11.2026" && purpose.count <= 210, "\(nov.qr)")

        // `account show`: what is to be paid and what was overpaid, in their own columns and words
        let json = t.run("account", "show", number, "--rgk", rgk, "--json").jsonObject["settlements"] as? [[String: Any]] ?? []
        let rows = json.map { "\($0["period"] ?? "") \($0["service"] ?? "") \($0["to_pay_kop"] ?? "") \($0["overpaid_kop"] ?? "")" }
        #expect(rows == ["2026-11 gas 375000 0", "2026-11 vdgo 4000 0", "2026-10 gas 325000 0", "2026-10 vdgo 0 8000"], "\(rows)")
        let en = t.run(["account", "show", number, "--rgk", rgk, "--lang", "en"], env: ["COLUMNS": "200"])
        #expect(en.stdout.contains("TO PAY") && en.stdout.contains("OVERPAID") && en.stdout.contains("80.00") && !en.stdout.contains("-80.00"), "\(en)")
        let ru = t.run(["account", "show", number, "--rgk", rgk, "--lang", "ru"], env: ["COLUMNS": "200"])
        #expect(ru.stdout.contains("К ОПЛАТЕ") && ru.stdout.contains("ПЕРЕПЛАТА") && ru.stdout.contains("80,00") && !ru.stdout.contains("-80,00"), "\(ru)")
    }

    /// One account's accepted readings include those that came in the RGK's files.
    @Test func anAccountsAcceptedReadingsIncludeTheRGKsFiles() {
        let t = E2E()
        t.demo(accounts: 60)
        let row = t.sql("""
            SELECT a.number || ' ' || g.code FROM reading r JOIN meter m ON m.id = r.meter_id JOIN account a ON a.id = m.account_id
            JOIN rgk g ON g.id = a.rgk_id WHERE r.source = 'rgk' AND r.status = 'accepted' GROUP BY a.id, a.number, g.code ORDER BY a.id LIMIT 1
            """).split(separator: " ").map(String.init)
        guard row.count == 2 else { Issue.record("the demo has no RGK readings: \(row)"); return }
        let accepted = t.sql("""
            SELECT count(*) FROM reading r JOIN meter m ON m.id = r.meter_id JOIN account a ON a.id = m.account_id JOIN rgk g ON g.id = a.rgk_id
            WHERE a.number = '\(row[0])' AND g.code = '\(row[1])' AND r.status = 'accepted'
            """)
        let list = t.run("reading", "list", "--status", "accepted", "--account", row[0], "--rgk", row[1], "--limit", "0", "--json").jsonArray
        #expect(String(list.count) == accepted && list.contains { $0["source"] as? String == "rgk" }, "\(list.count) of \(accepted)")
    }

    /// A list's id column piped with its header into an action's `-` (`cut -d, -f1` of its CSV).
    @Test func theIdColumnWithItsHeaderPipesIntoAnAction() {
        let t = E2E()
        t.demo(accounts: 60)
        let valid = t.run("reading", "list", "--valid", "--limit", "2", "--format", "csv")
        #expect(valid.status == 0 && valid.stdout.hasPrefix("id,"), "\(valid)")
        let ids = valid.stdout.split(separator: "\n").dropFirst().compactMap { $0.split(separator: ",").first.map(String.init) }
        #expect(ids.count == 2, "\(valid)")
        let accepted = t.run(["reading", "accept", "-", "--yes"], stdin: "id\r\n" + ids.joined(separator: "\r\n") + "\r\n")
        #expect(accepted.status == 0, "\(accepted)")
        #expect(t.sql("SELECT count(*) FROM reading WHERE status = 'accepted' AND id IN (\(ids.joined(separator: ",")))") == "2")
        // through the shell, as the clerk typed it
        let next = t.run("reading", "list", "--valid", "--limit", "1", "--format", "csv")
        let one = next.stdout.split(separator: "\n").dropFirst().first?.split(separator: ",").first.map(String.init) ?? "0"
        let cut = E2E.exec("/bin/sh", ["-c", "\"$0\" --db \"$1\" reading list --valid --limit 1 --format csv | cut -d, -f1 | \"$0\" --db \"$1\" reading accept - --yes",
                                        E2E.binary, t.db])
        #expect(cut.status == 0, "\(cut)")
        #expect(t.sql("SELECT status FROM reading WHERE id = \(one)") == "accepted")
    }

    /// `user list --format json` says how each user signs in.
    @Test func theUserListSaysTheLoginsKind() {
        let t = E2E()
        t.demo(accounts: 60)
        let users = t.run("user", "list", "--limit", "0", "--format", "json").jsonArray
        #expect(!users.isEmpty)
        for u in users {
            let login = u["login"] as? String ?? ""
            let kind = u["status"] as? String == "deleted" ? "erased" : login.contains("@") ? "email" : "phone"
            #expect(u["login_kind"] as? String == kind, "\(u)")
        }
        #expect(Set(users.compactMap { $0["login_kind"] as? String }).isSuperset(of: ["email", "phone"]))
    }

    /// Every row of `status` points at the command that lists exactly what it counted (a row of
    /// a channel not set up too: its messages; the setting to fix is in its name).
    @Test func everyStatusHintListsWhatWasCounted() throws {
        let t = E2E()
        t.demo(accounts: 150, date: "2026-11-20")
        let status = t.run("status", "--lang", "en")
        #expect(status.status == 0, "\(status)")
        let row = try Regex(#"\s([0-9][0-9,]*)\s+[0-9]{2}\.[0-9]{2}\.[0-9]{4}.*mygaz-admin (.+)$"#)
        var checked: [String] = []
        for line in status.stdout.split(separator: "\n").map(String.init) where line.contains("mygaz-admin ") {
            guard let match = line.firstMatch(of: row), let counted = Int(String(match.output[1].substring ?? "").replacingOccurrences(of: ",", with: "")),
                  let command = match.output[2].substring else {
                Issue.record("a status row without its count or command: \(line)"); continue
            }
            let args = command.split(separator: " ").map(String.init)
            let listed = t.run(args + ["--limit", "0", "--json"])
            #expect(listed.status == 0 && listed.jsonArray.count == counted, "\(line): \(listed.jsonArray.count) listed")
            checked.append(command.trimmingCharacters(in: .whitespaces))
        }
        #expect(checked.contains { $0.hasPrefix("payment list --state processing --until ") } && checked.contains("reading list")
                && checked.contains { $0.hasPrefix("outbox list --status waiting --channel ") }
                && checked.contains("application list --status submitted,needs_info"), "\(checked)")
        let ru = t.run("status", "--lang", "ru")
        #expect(ru.stdout.contains("Открытые заявки (в обработке, требуют уточнения)"), "\(ru)")
    }

    /// `reading show` says the meter's digits and state once; a blank number of residents is «—».
    @Test func aReadingIsShownWithoutRepeatsAndABlankIsADash() {
        let t = E2E()
        t.demo(accounts: 60)
        let id = t.sql("SELECT id FROM reading WHERE status = 'pending' ORDER BY id LIMIT 1")
        let shown = t.run("reading", "show", id, "--lang", "ru")
        #expect(shown.status == 0 && shown.stdout.contains("разрядность") && !shown.stdout.contains("Разрядность")
                && !shown.stdout.contains("Состояние прибора"), "\(shown)")
        let json = t.run("reading", "show", id, "--json").jsonObject
        #expect(json["digits"] is Int && json["meter_state"] is String, "machines keep the fields: \(json)")
        let number = t.sql("SELECT a.number || ' ' || g.code FROM account a JOIN rgk g ON g.id = a.rgk_id ORDER BY a.id LIMIT 1").split(separator: " ")
        _ = t.sql("UPDATE account SET residents = NULL WHERE number = '\(number[0])'")
        let account = t.run("account", "show", String(number[0]), "--rgk", String(number[1]), "--lang", "ru")
        let residents = account.stdout.split(separator: "\n").first { $0.contains("Проживающих:") }.map(String.init) ?? ""
        #expect(residents.hasSuffix("—"), "\(residents)")
    }

    /// `reading list --limit 0` is written as the cursor reads it: the same bytes as a list
    /// collected under a limit larger than the region, in every format, with and without a rule filter.
    @Test func theWholeListStreamsTheSameRows() {
        let t = E2E()
        t.demo(accounts: 150)
        for format in ["json", "csv", "tsv", "table"] {
            for extra in [[], ["--valid"], ["--status", "pending", "--violations"]] {
                let base = ["reading", "list", "--status", "all", "--format", format] + extra
                let streamed = t.run(base + ["--limit", "0"]), collected = t.run(base + ["--limit", "1000000"])
                #expect(streamed.status == 0 && streamed.stdout.count > 200, "\(streamed)")
                let lines = collected.stdout.split(separator: "\n", omittingEmptySubsequences: false)
                // the collected list under a limit may end with the footer that more rows may exist
                let body = format == "table" ? lines.filter { !$0.contains("1,000,000") && !$0.contains("1 000 000") }.joined(separator: "\n") : collected.stdout
                #expect(streamed.stdout == body, "\(format) \(extra)")
            }
        }
    }
}
