import Foundation
import Testing
@testable import MyGazCore

/// Issue 41: a Russian clerk types Russian — labels for codes, Russian units, names with
/// initials, phones as written — and an empty result says so.
@Suite struct RussianInputTests {
    @Test func labelsUnitsInitialsAndPhonePiecesAreUnderstoodAndNothingFoundIsSaid() {
        let t = E2E()
        t.demo(accounts: 300)
        // a user with a name of three words and a phone
        let row = t.sql("""
            SELECT id || '|' || full_name || '|' || phone FROM portal_user
            WHERE full_name LIKE '% % %' AND phone IS NOT NULL AND status = 'active' ORDER BY id LIMIT 1
            """).split(separator: "|").map(String.init)
        #expect(row.count == 3, "\(row)")
        let (id, name, phone) = (row[0], row[1].split(separator: " ").map(String.init), row[2])
        let initials = "\(name[0]) \(name[1].prefix(1)). \(name[2].prefix(1))."
        let byInitials = t.run("--lang", "ru", "user", "list", "--search", initials, "--format", "tsv")
        #expect(byInitials.status == 0 && byInitials.stdout.split(separator: "\n").contains { $0.hasPrefix(id + "\t") }, "\(initials): \(byInitials)")
        // someone else of the same surname and other initials is not found by these
        #expect(byInitials.stdout.split(separator: "\n").dropFirst().allSatisfy { $0.contains("\t\(name[0]) \(name[1].prefix(1))") }, "\(byInitials.stdout)")
        let digits = Array(phone.suffix(7))
        let piece = "\(String(digits[0..<3]))-\(String(digits[3..<5]))-\(String(digits[5..<7]))"
        let byPhone = t.run("--lang", "ru", "user", "list", "--search", piece, "--format", "tsv")
        #expect(byPhone.stdout.split(separator: "\n").contains { $0.hasPrefix(id + "\t") }, "\(piece): \(byPhone)")
        // an account by its holder's initials
        let holder = t.sql("SELECT surname || '|' || name || '|' || patronymic || '|' || number FROM account WHERE patronymic IS NOT NULL ORDER BY id LIMIT 1")
            .split(separator: "|").map(String.init)
        let account = t.run("--lang", "ru", "account", "list", "--search", "\(holder[0]) \(holder[1].prefix(1)).\(holder[2].prefix(1)).", "--format", "tsv")
        #expect(account.stdout.contains("\t\(holder[3])\t"), "\(holder): \(account)")

        // nothing found: said, not a bare header
        let none = t.run("--lang", "ru", "user", "list", "--search", "001-08-5499")
        #expect(none.status == 0 && none.stdout == "ничего не найдено по «001-08-5499»\n", "\(none)")
        let noneEnglish = t.run("--lang", "en", "reading", "list", "--account", "99999999")
        #expect(noneEnglish.stdout.hasPrefix("nothing found") || noneEnglish.status != 0, "\(noneEnglish)")
        #expect(t.run("--lang", "ru", "user", "list", "--search", "001-08-5499", "--json").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")

        // labels for codes, Russian units
        let clarify = t.run("--lang", "ru", "application", "list", "--status", "требует", "--json").jsonArray
        #expect(!clarify.isEmpty && clarify.allSatisfy { $0["status"] as? String == "needs_info" }, "\(clarify.count)")
        let stuck = t.run("--lang", "ru", "payment", "list", "--state", "обраб", "--until", "3д", "--json")
        #expect(stuck.status == 0 && stuck.jsonArray.allSatisfy { $0["state"] as? String == "processing" }, "\(stuck.stderr)")
        let ambiguous = t.run("--lang", "ru", "reading", "reject", "1", "--reason", "превышает")
        #expect(ambiguous.status == 2 && ambiguous.stderr.contains("превышает разрядность счетчика или превышает максимально допустимый расход"), "\(ambiguous)")
        let news = t.run("--lang", "ru", "user", "edit", id, "--notify-news", "нет")
        #expect(news.status == 0, "\(news)")
        let kept = t.run("user", "show", id, "--json").json as? [String: Any] ?? [:]
        #expect("\(kept["notify_news"] ?? "?")" == "0" || "\(kept["notify_news"] ?? "?")" == "false", "\(kept)")
    }
}
