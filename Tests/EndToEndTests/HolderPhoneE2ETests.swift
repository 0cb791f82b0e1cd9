import Foundation
import Testing

/// Issue 39 §1: the holder's phone changed at the desk, kept against an older RGK file, listed
/// as a conflict, settled, and handed back to the RGK in its own CSV.
@Suite struct HolderPhoneE2ETests {
    /// An account of vologda with a mobile phone: its number and phone.
    static func holder(_ t: E2E) -> (number: String, phone: String) {
        let row = t.sql("""
            SELECT a.number || ' ' || a.phone FROM account a JOIN rgk g ON g.id = a.rgk_id
            WHERE g.code = 'vologda' AND a.phone LIKE '+79%' ORDER BY a.id LIMIT 1
            """).split(separator: " ").map(String.init)
        return (row[0], row[1])
    }

    /// A file read back with python's csv module in Windows-1251: its rows.
    static func csvRows(_ path: String) -> [[String]] {
        let r = E2E.exec("/usr/bin/python3", ["-c", """
            import csv, json, sys
            with open(sys.argv[1], encoding='cp1251', newline='') as f:
                print(json.dumps(list(csv.reader(f, delimiter=';')), ensure_ascii=False))
            """, path])
        return (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [[String]] ?? [["python3 failed: \(r)"]]
    }

    @Test(.enabled(if: TestLogins.available)) func theDeskWalk() throws {
        let t = E2E()
        t.demo(accounts: 100)
        t.run("operator", "add", "mgzt-clerk", "--role", "clerk")
        _ = E2E.sh("chmod 777 '\(t.dir)' && chmod 666 '\(t.db)'*")
        func clerk(_ args: String...) -> E2E.Result { t.run(args, as: "mgzt-clerk", binary: TestLogins.publicBinary) }
        let (number, old) = Self.holder(t)
        let id = t.sql("SELECT a.id FROM account a JOIN rgk g ON g.id = a.rgk_id WHERE g.code = 'vologda' AND a.number = '\(number)'")
        let sms = t.sql("SELECT count(*) FROM outbox WHERE channel = 'sms'")

        // the customer at the desk with a passport and a new phone
        let set = clerk("account", "set-phone", number, "--rgk", "vologda", "--phone", "8 (921) 555-01-02", "--document", "паспорт 1900 123456")
        #expect(set.status == 0 && set.stdout.contains("+7 (921) 555-01-02"), "\(set)")
        #expect(t.sql("SELECT phone FROM account WHERE id = \(id)") == "+79215550102", "the portal's link-by-phone reads this column")
        #expect(t.sql("SELECT document || '|' || changed_by || '|' || coalesce(old_phone, '') FROM account_phone_change WHERE account_id = \(id)")
                == "паспорт **** **3456|mgzt-clerk|\(old)")
        // told by SMS at the new number and at the old one
        #expect(t.sql("SELECT recipient FROM outbox WHERE channel = 'sms' AND kind = 'contact_changed' AND entity_id = \(id) ORDER BY recipient")
                == [old, "+79215550102"].sorted().joined(separator: "\n"))
        #expect(Int(t.sql("SELECT count(*) FROM outbox WHERE channel = 'sms'")) == Int(sms)! + 2)
        // audited without the values
        let audit = t.sql("SELECT operator || '|' || coalesce(old_value, '') || '|' || coalesce(new_value, '') FROM audit WHERE action = 'account.set_phone'")
        #expect(audit == "mgzt-clerk||", "\(audit)")
        #expect(t.sql("SELECT count(*) FROM audit WHERE coalesce(new_value, '') LIKE '%555%' OR coalesce(reason_args, '') LIKE '%555%' OR coalesce(reason_args, '') LIKE '%1900%'") == "0")

        // the RGK's next accounts file, made before the desk change, still has the old phone
        let file = t.dir + "/accounts.csv"
        let text = "РГК;Лицевой счет;Телефон\r\nvologda;\(number);\(old)\r\n"
        try Data(text.data(using: .windowsCP1251)!).write(to: URL(fileURLWithPath: file))
        let imported = t.run("import", "accounts", file, "--as-of", "2026-07-01")
        #expect(imported.status == 0, "\(imported)")
        #expect(imported.stdout.contains("vologda/\(number)") && imported.stdout.contains("+7 (921) 555-01-02")
                && imported.stdout.contains("mgzt-clerk"), "the summary lists the conflict: \(imported)")
        #expect(t.sql("SELECT phone FROM account WHERE id = \(id)") == "+79215550102", "the desk value is kept")
        #expect(t.sql("SELECT as_of FROM import_batch ORDER BY id DESC LIMIT 1").hasPrefix("2026-07-0"))
        let conflicts = clerk("account", "conflicts", "--rgk", "vologda", "--json")
        #expect(conflicts.status == 0, "\(conflicts)")
        let listed = try #require(conflicts.jsonArray.first, "\(conflicts)")
        #expect(listed["account"] as? String == number && listed["desk_phone"] as? String == "+79215550102"
                && listed["file_phone"] as? String == old && listed["changed_by"] as? String == "mgzt-clerk", "\(listed)")
        // the same file again: the desk value still stands, the conflict listed once
        #expect(t.run("import", "accounts", file, "--as-of", "2026-07-01").status == 0)
        #expect(t.sql("SELECT phone FROM account WHERE id = \(id)") == "+79215550102")
        #expect(clerk("account", "conflicts", "--json").jsonArray.count == 1)

        // the change back to the RGK, in its format, read by python's csv in cp1251
        let export = t.dir + "/contacts.csv"
        let exported = t.run("export", "contacts", "--rgk", "vologda", "--output", export)
        #expect(exported.status == 0, "\(exported)")
        let rows = Self.csvRows(export)
        #expect(rows.first == ["РГК", "Лицевой счет", "Телефон", "Прежний телефон", "Дата изменения", "Документ", "Оператор"], "\(rows)")
        #expect(rows.count == 2 && rows.last?[1] == number && rows.last?[2] == "+7 (921) 555-01-02" && rows.last?[5] == "паспорт **** **3456",
                "\(rows)")
        // a second export writes only what is new: nothing
        let again = t.dir + "/contacts2.csv"
        #expect(t.run("export", "contacts", "--rgk", "vologda", "--output", again).status == 0)
        #expect(Self.csvRows(again).count == 1, "\(Self.csvRows(again))")
        #expect(Self.csvRows(again).first?.first == "РГК")

        // settled in favour of the file: its phone is the holder's again, the conflict gone
        let accepted = clerk("account", "set-phone", number, "--rgk", "vologda", "--accept-file")
        #expect(accepted.status == 0, "\(accepted)")
        #expect(t.sql("SELECT phone FROM account WHERE id = \(id)") == old)
        #expect(clerk("account", "conflicts", "--json").jsonArray.isEmpty)
        let twice = clerk("account", "set-phone", number, "--rgk", "vologda", "--accept-file")
        #expect(twice.status == 4, "nothing left to settle: \(twice)")
    }

    /// `account show` tells the clerk of the desk change (when, by whom, the document masked) and
    /// of a conflict with an older RGK file not yet settled, in both languages and in JSON.
    @Test func accountShowTellsOfTheDeskChangeAndItsConflict() throws {
        let t = E2E()
        t.demo(accounts: 50)
        let (number, old) = Self.holder(t)
        let before = t.run("account", "show", number, "--rgk", "vologda", "--json")
        #expect(before.status == 0 && (before.jsonObject["desk_phone"] as? [Any])?.isEmpty == true, "\(before)")
        #expect(t.run("account", "set-phone", number, "--rgk", "vologda", "--phone", "+79215550104", "--document", "паспорт 1900 777888").status == 0)

        let ru = t.run("account", "show", number, "--rgk", "vologda", "--lang", "ru")
        #expect(ru.status == 0 && ru.stdout.contains("ТЕЛЕФОН ВЛАДЕЛЬЦА, ИЗМЕНЕННЫЙ В ОФИСЕ") && ru.stdout.contains("паспорт **** **7888")
                && ru.stdout.contains("+7 (921) 555-01-04") && !ru.stdout.contains("расхождение не решено"), "\(ru)")
        let json = t.run("account", "show", number, "--rgk", "vologda", "--json")
        let desk = try #require((json.jsonObject["desk_phone"] as? [[String: Any]])?.first, "\(json)")
        #expect(desk["new_phone"] as? String == "+79215550104" && desk["old_phone"] as? String == old
                && desk["document"] as? String == "паспорт **** **7888" && desk["file_phone"] is NSNull, "\(desk)")
        #expect((desk["changed_by"] as? String)?.isEmpty == false && (desk["changed_at"] as? String)?.hasPrefix("20") == true, "\(desk)")

        // an older RGK file says otherwise: the conflict is shown until it is settled
        let file = t.dir + "/accounts.csv"
        try Data("РГК;Лицевой счет;Телефон\r\nvologda;\(number);\(old)\r\n".data(using: .windowsCP1251)!).write(to: URL(fileURLWithPath: file))
        #expect(t.run("import", "accounts", file, "--as-of", "2026-01-01").status == 0)
        let en = t.run("account", "show", number, "--rgk", "vologda", "--lang", "en")
        #expect(en.status == 0 && en.stdout.contains("HOLDER'S PHONE CHANGED AT THE DESK") && en.stdout.contains("not settled")
                && en.stdout.contains(Self.written(old)), "\(en)")
        #expect(t.run("account", "show", number, "--rgk", "vologda", "--lang", "ru").stdout.contains("расхождение не решено"))
        let conflicted = try #require((t.run("account", "show", number, "--rgk", "vologda", "--json").jsonObject["desk_phone"] as? [[String: Any]])?.first)
        #expect(conflicted["file_phone"] as? String == old && conflicted["file_batch"] is NSNumber, "\(conflicted)")

        // settled for the file: no desk change in force, no section
        #expect(t.run("account", "set-phone", number, "--rgk", "vologda", "--accept-file").status == 0)
        let after = t.run("account", "show", number, "--rgk", "vologda", "--lang", "ru")
        #expect(after.status == 0 && !after.stdout.contains("ИЗМЕНЕННЫЙ В ОФИСЕ"), "\(after)")
    }

    /// +79215550104 as people read it: +7 (921) 555-01-04.
    static func written(_ phone: String) -> String {
        let d = Array(phone.dropFirst(2))
        return "+7 (\(String(d[0..<3]))) \(String(d[3..<6]))-\(String(d[6..<8]))-\(String(d[8..<10]))"
    }

    @Test func aFileNewerThanTheDeskChangeWins() throws {
        let t = E2E()
        t.demo(accounts: 50)
        let (number, old) = Self.holder(t)
        #expect(t.run("account", "set-phone", number, "--rgk", "vologda", "--phone", "+79215550103", "--document", "паспорт 1900 654321").status == 0)
        let file = t.dir + "/accounts.csv"
        try Data("РГК;Лицевой счет;Телефон\r\nvologda;\(number);\(old)\r\n".data(using: .windowsCP1251)!).write(to: URL(fileURLWithPath: file))
        let imported = t.run("import", "accounts", file, "--as-of", "2099-01-01")
        #expect(imported.status == 0 && !imported.stdout.contains("+7 (921) 555-01-03"), "\(imported)")
        #expect(t.sql("SELECT a.phone FROM account a JOIN rgk g ON g.id = a.rgk_id WHERE g.code = 'vologda' AND a.number = '\(number)'") == old)
        #expect(t.sql("SELECT state FROM account_phone_change") == "file")
        #expect(t.run("account", "conflicts", "--json").jsonArray.isEmpty)
    }

    @Test func badInputChangesNothing() throws {
        let t = E2E()
        t.demo(accounts: 50)
        let (number, old) = Self.holder(t)
        let before = t.sql("SELECT (SELECT count(*) FROM outbox) || ' ' || (SELECT count(*) FROM account_phone_change) || ' ' || (SELECT count(*) FROM audit)")
        func expectOneLine(_ r: E2E.Result, _ status: Int32, _ needle: String) {
            #expect(r.status == status && r.stdout.isEmpty && r.stderr.split(separator: "\n").count == 1 && r.stderr.contains(needle), "\(r)")
        }
        expectOneLine(t.run("account", "set-phone", number, "--rgk", "vologda", "--phone", "8 8172 72-00-00", "--document", "паспорт 1900 123456"),
                      6, "8 8172 72-00-00")
        expectOneLine(t.run("account", "set-phone", number, "--rgk", "yaroslavl", "--phone", "+79215550102", "--document", "паспорт 1900 123456"),
                      3, "yaroslavl/\(number)")
        expectOneLine(t.run("account", "set-phone", number, "--rgk", "vologda", "--phone", "+79215550102", "--document", "  "), 2, "--document")
        expectOneLine(t.run("account", "set-phone", number, "--phone", "+79215550102", "--document", "паспорт"), 2, "--rgk")
        expectOneLine(t.run("account", "set-phone", number, "--rgk", "vologda", "--accept-file"), 4, "vologda/\(number)")
        #expect(t.sql("SELECT (SELECT count(*) FROM outbox) || ' ' || (SELECT count(*) FROM account_phone_change) || ' ' || (SELECT count(*) FROM audit)") == before)
        #expect(t.sql("SELECT a.phone FROM account a JOIN rgk g ON g.id = a.rgk_id WHERE g.code = 'vologda' AND a.number = '\(number)'") == old)
    }
}
