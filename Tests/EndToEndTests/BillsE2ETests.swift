import Foundation
import Testing

/// Bills, read back with the tools a customer's world uses: poppler reads the PDF, zbarimg the
/// payment QR code from the rendered page, Python's email package the letters they go in.
@Suite struct BillsE2ETests {
    /// pdftotext's text, pdfinfo's fields, and what zbarimg decodes from the page at 150 dpi.
    static func read(_ pdf: String, in t: E2E) -> (text: String, info: [String: String], qr: String, fonts: String) {
        let text = E2E.exec("/usr/bin/pdftotext", ["-layout", pdf, "-"]).stdout
        var info: [String: String] = [:]
        for line in E2E.exec("/usr/bin/pdfinfo", [pdf]).stdout.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            info[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let prefix = pdf + "-page"
        _ = E2E.exec("/usr/bin/pdftoppm", ["-r", "150", "-gray", "-png", "-singlefile", pdf, prefix])
        let qr = E2E.exec("/usr/bin/zbarimg", ["--quiet", "--raw", "-Sbinary", prefix + ".png"]).stdout.trimmingCharacters(in: .newlines)
        let fonts = E2E.exec("/usr/bin/pdffonts", [pdf]).stdout
        return (text, info, qr, fonts)
    }

    /// `Name=…|Sum=…` as a dictionary (the first field, ST00012, under "").
    static func fields(_ payment: String) -> [String: String] {
        var result: [String: String] = [:]
        for part in payment.split(separator: "|", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            result[pieces.count == 2 ? String(pieces[0]) : ""] = pieces.count == 2 ? String(pieces[1]) : String(part)
        }
        return result
    }

    static func rubles(_ kop: Int) -> String {
        let digits = String(abs(kop) / 100)
        var grouped = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { grouped += " " }
            grouped.append(c)
        }
        return (kop < 0 ? "-" : "") + grouped + "," + String(format: "%02d", abs(kop) % 100)
    }

    /// An account with a debt, several services and a meter: the bill a clerk prints most.
    static func debtor(_ t: E2E) -> (number: String, rgk: String) {
        let row = t.sql("""
            SELECT a.number || ' ' || g.code FROM account a JOIN rgk g ON g.id = a.rgk_id JOIN service v ON v.account_id = a.id
            WHERE EXISTS (SELECT 1 FROM meter m WHERE m.account_id = a.id AND m.state = 'working')
            GROUP BY a.id, a.number, g.code HAVING count(*) > 1 AND sum(v.balance_kop) < 0 ORDER BY a.id LIMIT 1
            """).split(separator: " ")
        guard row.count == 2 else {
            Issue.record("the demo has no account in debt with several services and a meter: \(row)")
            return ("", "")
        }
        return (String(row[0]), String(row[1]))
    }

    @Test func theBillOfAnAccountReadsBackWithItsAmountsAndAQRCodeBanksRead() throws {
        let t = E2E()
        t.demo(accounts: 150, date: "2026-11-20")
        let (number, rgk) = Self.debtor(t)
        let show = t.run("account", "show", number, "--rgk", rgk, "--json").jsonObject
        let settlements = show["settlements"] as? [[String: Any]] ?? []
        let period = try #require(settlements.compactMap { $0["period"] as? String }.max())
        let month = settlements.filter { $0["period"] as? String == period }

        let file = t.dir + "/bill.pdf"
        let r = t.run("account", "bill", number, "--rgk", rgk, "--output", file)
        #expect(r.status == 0, "\(r)")
        let read = Self.read(file, in: t)
        #expect(read.info["Pages"] == "1" && read.info["Page size"]?.contains("(A4)") == true, "\(read.info)")
        let fontLines = read.fonts.split(separator: "\n").dropFirst(2)
        #expect(!fontLines.isEmpty && fontLines.allSatisfy { $0.contains("+DejaVuSans") && $0.contains(" yes yes yes ") }, "\(read.fonts)")
        let holder = try #require(show["holder"] as? String)
        #expect(read.text.contains("Плательщик: \(holder)"), "\(read.text)")
        #expect(read.text.contains("Лицевой счет № \(number)"))
        #expect(read.text.contains("за ноябрь 2026 г."), "the period in words: \(period)")
        var toPay = 0
        for line in month {
            for key in ["opening_kop", "charged_kop", "paid_kop", "to_pay_kop"] {
                let value = try #require(line[key] as? Int)
                #expect(read.text.contains(Self.rubles(value)), "\(key) \(Self.rubles(value)) of \(line["service"] ?? "")")
            }
            toPay += line["to_pay_kop"] as? Int ?? 0
        }
        #expect(toPay > 0, "the account chosen is in debt")
        #expect(read.text.contains("Итого к оплате: \(Self.rubles(toPay)) ₽"), "\(read.text)")

        let fields = Self.fields(read.qr)
        #expect(fields[""] == "ST00012", "the payment string of ГОСТ Р 56042-2014: \(read.qr)")
        #expect(fields["Sum"] == String(toPay), "the QR code's sum is the amount due, in kopecks")
        #expect(fields["PersAcc"] == number)
        #expect(fields["PaymPeriod"] == String(period.suffix(2)) + String(period.prefix(4)))
        let bank = t.sql("SELECT name || '|' || bank_account || '|' || bic || '|' || corr_account || '|' || inn || '|' || kpp FROM rgk WHERE code = '\(rgk)'")
            .split(separator: "|").map(String.init)
        #expect([fields["Name"], fields["PersonalAcc"], fields["BIC"], fields["CorrespAcc"], fields["PayeeINN"], fields["KPP"]] == bank.map { $0 })
        #expect(read.text.contains(bank[1]) && read.text.contains(bank[4]), "the bank details are printed too")

        // stdout when it is not a terminal; the same bytes
        let piped = E2E.exec("/bin/sh", ["-c", "\"$0\" --db \"$1\" account bill \"$2\" --rgk \"$3\" > \"$4\"", E2E.binary, t.db, number, rgk,
                                         t.dir + "/piped.pdf"])
        #expect(piped.status == 0, "\(piped)")
        #expect(Self.read(t.dir + "/piped.pdf", in: t).text.contains("Лицевой счет № \(number)"))
        // the file is never overwritten
        #expect(t.run("account", "bill", number, "--rgk", rgk, "--output", file).status == 4)
    }

    /// The bill names the benefits that applied to its month (issue 39 §2): those the RGK's file
    /// gives as in force on some day of it, not one that ended before or begins after.
    @Test func theBillShowsTheBenefitsThatApplied() throws {
        let t = E2E()
        t.demo(accounts: 150, date: "2026-11-20")
        let (number, rgk) = Self.debtor(t)
        let path = t.write("benefits.csv", "ЛС;Льгота;Размер льготы;Действует с;Действует до\r\n"
                           + "\(number);Почетный донор;25;01.01.2020;\r\n\(number);Ветеран отрасли;10;01.11.2026;30.11.2026\r\n"
                           + "\(number);Прошлая льгота;50;01.01.2020;31.10.2026\r\n\(number);Будущая льгота;50;01.12.2026;\r\n")
        let imported = t.run("import", "benefits", path, "--rgk", rgk)
        #expect(imported.status == 0 && imported.stdout.contains("4 inserted"), "\(imported)")
        let file = t.dir + "/bill.pdf"
        #expect(t.run("account", "bill", number, "--rgk", rgk, "--period", "2026-11", "--output", file).status == 0)
        let text = Self.read(file, in: t).text.replacingOccurrences(of: "\n", with: " ")
        #expect(text.contains("Льготы за ноябрь 2026 г.:") && text.contains("Почетный донор (25 %)") && text.contains("Ветеран отрасли (10 %)"),
                "\(text)")
        #expect(!text.contains("Прошлая льгота") && !text.contains("Будущая льгота"), "\(text)")
    }

    @Test func whatIsMissingIsSaidNeverPrintedEmpty() {
        let t = E2E()
        t.demo(accounts: 60, date: "2026-11-20")
        let (number, rgk) = Self.debtor(t)
        let future = t.run("account", "bill", number, "--rgk", rgk, "--period", "2027-01", "--output", t.dir + "/a.pdf")
        #expect(future.status == 6 && future.stderr.contains("2027-01"), "\(future)")
        let none = t.run("account", "bill", number, "--rgk", rgk, "--period", "2020-01", "--output", t.dir + "/b.pdf")
        #expect(none.status == 3 && none.stderr.contains("import settlements"), "\(none)")
        let bad = t.run("account", "bill", number, "--rgk", rgk, "--period", "2026-13")
        #expect(bad.status == 2 && bad.stderr.contains("--period"), "\(bad)")
        _ = t.sql("UPDATE rgk SET inn = NULL, bic = NULL WHERE code = '\(rgk)'")
        let bank = t.run("--lang", "ru", "account", "bill", number, "--rgk", rgk, "--output", t.dir + "/c.pdf")
        #expect(bank.status == 6 && bank.stderr.contains("inn, bic") && bank.stderr.contains("import rgk"), "\(bank)")
        #expect(bank.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: t.dir + "/a.pdf") && !FileManager.default.fileExists(atPath: t.dir + "/c.pdf"))
    }

    @Test func printedThroughThePrintCommandAndEMailedAsAnAttachment() throws {
        let t = E2E()
        t.demo(accounts: 150, date: "2026-11-20")
        let (number, rgk) = Self.debtor(t)
        let printed = t.dir + "/printed.pdf"
        let p = t.run(["account", "bill", number, "--rgk", rgk, "--print"], env: ["MYGAZ_PRINT_COMMAND": "cat > '\(printed)'"])
        #expect(p.status == 0, "\(p)")
        #expect(Self.read(printed, in: t).text.contains("Лицевой счет № \(number)"))
        let broken = t.run(["account", "bill", number, "--rgk", rgk, "--print"], env: ["MYGAZ_PRINT_COMMAND": "/nonexistent/lp"])
        #expect(broken.status == 8 && broken.stderr.contains("print.command") && broken.stderr.contains("MYGAZ_PRINT_COMMAND"), "\(broken)")

        // e-mail: to the account's users who have the extended version
        let user = t.sql("SELECT id FROM portal_user WHERE status = 'active' AND email IS NOT NULL ORDER BY id LIMIT 1")
        let accountID = t.sql("SELECT a.id FROM account a JOIN rgk g ON g.id = a.rgk_id WHERE a.number = '\(number)' AND g.code = '\(rgk)'")
        _ = t.sql("DELETE FROM user_account WHERE account_id = \(accountID)")
        let nobody = t.run("account", "bill", number, "--rgk", rgk, "--email")
        #expect(nobody.status == 6, "\(nobody)")
        _ = t.sql("INSERT INTO user_account (user_id, account_id, access_level, linked_at, extended_via) VALUES (\(user), \(accountID), 'extended', '2026-01-01T00:00:00Z', 'pin')")
        let e = t.run("account", "bill", number, "--rgk", rgk, "--email")
        #expect(e.status == 0 && e.stdout.contains("queued"), "\(e)")
        let letters = try Self.deliverAndParse(t)
        #expect(letters.count == 1, "\(letters)")
        let letter = try #require(letters.first)
        #expect(letter["to"] == t.sql("SELECT email FROM portal_user WHERE id = \(user)"))
        #expect(letter["content_type"] == "multipart/mixed")
        #expect(letter["attachment_type"] == "application/pdf" && letter["filename"]?.hasSuffix(".pdf") == true, "\(letter)")
        #expect(Self.read(try #require(letter["saved"]), in: t).text.contains("Лицевой счет № \(number)"))
    }

    /// Delivers the outbox through a recording sendmail; each bill letter parsed by Python's email
    /// package, its PDF saved beside it.
    static func deliverAndParse(_ t: E2E) throws -> [[String: String]] {
        let directory = t.dir + "/letters"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let script = t.dir + "/sendmail-bills"
        try "#!/bin/sh\ncat > \"$(mktemp '\(directory)/msg.XXXXXX')\"\n".write(toFile: script, atomically: true, encoding: .utf8)
        _ = E2E.sh("chmod +x '\(script)'")
        let sent = t.run("outbox", "send", "--sendmail", script, "--limit", "0")
        #expect(sent.status == 0, "\(sent)")
        let program = """
        import email, glob, json, sys
        from email import policy
        out = []
        for f in sorted(glob.glob(sys.argv[1] + '/msg.*')):
            m = email.message_from_bytes(open(f, 'rb').read(), policy=policy.default)
            d = {'to': str(m['To']), 'subject': str(m['Subject']), 'content_type': m.get_content_type()}
            body = m.get_body(preferencelist=('plain',))
            d['text'] = body.get_content() if body else ''
            for part in m.iter_attachments():
                d['attachment_type'] = part.get_content_type()
                d['filename'] = part.get_filename()
                open(f + '.pdf', 'wb').write(part.get_content())
                d['saved'] = f + '.pdf'
            if d['subject'].startswith('Квитанция'):
                out.append(d)
        print(json.dumps(out))
        """
        let r = E2E.exec("/usr/bin/env", ["python3", "-c", program, directory])
        return (try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [[String: String]] ?? []
    }

    @Test func theMonthlyMailingGoesOncePerUserAccountAndMonth() throws {
        let t = E2E()
        t.demo(accounts: 200, date: "2026-11-20")
        let expected = Int(t.sql("""
            SELECT count(*) FROM portal_user u JOIN user_account l ON l.user_id = u.id
            WHERE u.email_bills = 1 AND u.status = 'active' AND l.access_level = 'extended' AND l.locked_at IS NULL AND u.email IS NOT NULL
            """)) ?? 0
        #expect(expected > 0, "the demo has users with e-mail bills on")
        let plan = t.run("bill", "send", "--period", "2026-11", "--dry-run", "--json").jsonObject
        #expect(plan["to_queue"] as? Int == expected, "\(plan)")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE kind = 'bill'") == "0", "a dry run queues nothing")
        let first = t.run("bill", "send", "--period", "2026-11", "--json")
        #expect(first.status == 0 && first.jsonObject["queued"] as? Int == expected, "\(first)")
        let again = t.run("bill", "send", "--period", "2026-11", "--json").jsonObject
        #expect(again["queued"] as? Int == 0 && again["queued_before"] as? Int == expected, "a rerun queues nothing twice: \(again)")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE kind = 'bill'") == String(expected))
        #expect(t.sql("SELECT count(*) FROM audit WHERE action = 'bill.send'") == "1")
        let future = t.run("bill", "send", "--period", "2027-05")
        #expect(future.status == 6)
        let letters = try Self.deliverAndParse(t)
        #expect(letters.count == expected)
        let letter = try #require(letters.first)
        #expect(letter["subject"]?.hasPrefix("Квитанция по лицевому счету") == true && letter["text"]?.contains("Во вложении") == true, "\(letter)")
        let pdf = Self.read(try #require(letter["saved"]), in: t)
        #expect(Self.fields(pdf.qr)[""] == "ST00012", "the attached bill's QR code reads: \(pdf.qr)")
    }

    @Test func bankDetailsComeWithTheRGKFileAndAreChecked() {
        let t = E2E()
        t.demo(accounts: 30, date: "2026-11-20")
        let good = t.write("rgk.csv", """
            code;name;inn;kpp;bank_account;bank_name;bic;corr_account
            vologda;ООО «Газпром межрегионгаз Вологда»;7707083893;352501001;40702810000000000001;ПАО Сбербанк;044525225;30101810400000000225

            """, .utf8)
        let fixed = t.write("fixed.csv", "code;name;inn;kpp;bank_account;bank_name;bic;corr_account\n"
            + "vologda;ООО «Газпром межрегионгаз Вологда»;7707083893;352501001;" + Self.keyedAccount(bic: "044525225")
            + ";ПАО Сбербанк;044525225;30101810400000000225\n", .utf8)
        let bad = t.run("import", "rgk", good)
        #expect(bad.status == 6 && bad.stderr.contains("rgk.csv:2") && bad.stderr.contains("bank_account"), "\(bad)")
        let ok = t.run("import", "rgk", fixed)
        #expect(ok.status == 0, "\(ok)")
        #expect(t.sql("SELECT inn || ' ' || bic FROM rgk WHERE code = 'vologda'") == "7707083893 044525225")
        let inn = t.write("inn.csv", "code;name;inn\nvologda;ООО «Газ»;7707083894\n", .utf8)
        let wrongINN = t.run("import", "rgk", inn)
        #expect(wrongINN.status == 6 && wrongINN.stderr.contains("inn.csv:2: inn"), "\(wrongINN)")
    }

    /// A settlement account at the bank of `bic` whose key digit checks (found the way a bank would check it).
    static func keyedAccount(bic: String) -> String {
        let weights = [7, 1, 3]
        for key in 0...9 {
            let account = "40702810\(key)00000000001"
            let digits = (bic.suffix(3) + account).compactMap { $0.wholeNumberValue }
            if digits.enumerated().reduce(0, { $0 + $1.element * weights[$1.offset % 3] % 10 }) % 10 == 0 { return account }
        }
        return ""
    }
}
