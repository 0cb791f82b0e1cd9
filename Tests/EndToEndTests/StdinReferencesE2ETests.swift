import Foundation
import Testing

/// `-` in place of the ids: a line of stdin is one reference, read whole, resolved as the same
/// text on the command line would be; a line that names nothing, or has extra fields, stops the
/// whole batch before anything is done.
@Suite struct StdinReferencesE2ETests {
    /// Every row of every table, to compare a database before and after a refused batch.
    func dump(_ t: E2E) -> String {
        t.everyRow()
    }

    /// A mobile login and its user id, where the id is not the first digits of the number.
    func phoneUser(_ t: E2E) -> (id: String, login: String) {
        let row = t.sql("SELECT id || '|' || login FROM portal_user WHERE login LIKE '+79%' AND status = 'active' AND id > 9 ORDER BY id LIMIT 1")
        let parts = row.split(separator: "|").map(String.init)
        return (parts[0], parts[1])
    }

    /// `+79100002665` as a customer dictates it: `8 910 000-26-65`.
    func dictated(_ login: String) -> String {
        let d = Array(login.dropFirst(2))
        return "8 \(String(d[0..<3])) \(String(d[3..<6]))-\(String(d[6..<8]))-\(String(d[8..<10]))"
    }

    @Test func aDictatedPhoneBlocksTheUserWhoseNumberItIs() {
        let t = E2E()
        t.demo()
        let user = phoneUser(t)
        let email = t.sql("SELECT login FROM portal_user WHERE login_kind = 'email' AND status = 'active' ORDER BY id LIMIT 1")
        let emailID = t.sql("SELECT id FROM portal_user WHERE login = '\(email)'")
        let before = t.sql("SELECT id FROM portal_user WHERE status = 'blocked'")
        let input = "\n\(dictated(user.login))\n   \n# the customers who called today\n  \(email.uppercased())  \n\(user.id)\n"
        let r = t.run(["user", "block", "-", "--reason", "по звонку"], stdin: input)
        #expect(r.status == 0, "\(r)")
        #expect(t.sql("SELECT status FROM portal_user WHERE id = \(user.id)") == "blocked")
        #expect(t.sql("SELECT status FROM portal_user WHERE id = \(emailID)") == "blocked")
        // the number's first digit, and the id and the phone named twice, blocked nobody else
        #expect(t.sql("SELECT count(*) FROM audit WHERE action = 'user.block'") == "2", "one block per person: \(r.stdout)")
        let now = Set(t.sql("SELECT id FROM portal_user WHERE status = 'blocked'").split(separator: "\n"))
        #expect(now == Set(before.split(separator: "\n")).union([Substring(user.id), Substring(emailID)]))
    }

    @Test(arguments: [
        "+7 910 000 00 61 # Сорокин",       // a comment after the phone: the whole line is not a login
        "PHONE Сорокин",                     // a name after the phone
        "ID;Сорокин",                        // a CSV line
        "ID,Сорокин",
        "ID\tСорокин",
        "ID Сорокин",                        // an id with trailing text
        "ID\nnobody@nowhere.example",        // a good line, then one that names nothing
        "+7",
    ])
    func aLineThatIsNotExactlyOneUserDoesNothingAtAll(_ template: String) {
        let t = E2E()
        t.demo()
        let user = phoneUser(t)
        let before = dump(t)
        let input = template.replacingOccurrences(of: "PHONE", with: dictated(user.login)).replacingOccurrences(of: "ID", with: user.id) + "\n"
        let r = t.run(["user", "block", "-", "--reason", "по звонку"], stdin: input)
        #expect(r.status != 0, "\(r)")
        #expect(r.stderr.contains("stdin line") && r.stderr.contains("nothing was done"), "names the line: \(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
        #expect(dump(t) == before, "nothing changed for any line")
    }

    /// Every action that reads ids from stdin, fed lines with more than the id: refused, with the
    /// database unchanged; fed the same ids as a CSV with --column, done.
    @Test func everyBulkActionTakesOnlyWholeReferences() {
        let t = E2E()
        t.demo(accounts: 300)
        _ = t.sql("UPDATE outbox SET status = 'failed', attempts = 5 WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT 2)")
        let reading = t.sql("SELECT min(id) FROM reading WHERE status = 'pending'")
        let application = t.sql("SELECT min(id) FROM application WHERE status = 'submitted'")
        let ticket = t.sql("SELECT min(id) FROM ticket WHERE status IN ('new', 'answered')")
        let request = t.sql("SELECT min(id) FROM pin_request WHERE status = 'open'")
        let message = t.sql("SELECT min(id) FROM outbox WHERE status = 'failed'")
        let user = phoneUser(t).id
        let commands: [(argv: [String], id: String)] = [
            (["user", "block", "-", "--reason", "x"], user), (["user", "unblock", "-"], user),
            (["reading", "accept", "-", "--force", "--reason", "проверено"], reading),
            (["reading", "reject", "-", "--reason", "other", "--message", "Проверьте"], reading),
            (["reading", "reopen", "-", "--reason", "ошибка"], reading),
            (["application", "approve", "-"], application), (["application", "reject", "-", "--reason", "нет"], application),
            (["application", "assign", "-", "--to", "root"], application),
            (["ticket", "close", "-"], ticket), (["ticket", "assign", "-", "--to", "root"], ticket),
            (["pin", "reject-request", "-", "--reason", "нет"], request),
            (["outbox", "retry", "-"], message),
        ]
        for (argv, id) in commands {
            #expect(!id.isEmpty, "the demo has one for \(argv)")
            let before = dump(t)
            for input in ["\(id) комментарий\n", "\(id);комментарий\n", "\n\(id),x\n", "+\(id)\n", "\(id)\n999999\n"] {
                let r = t.run(argv, stdin: input)
                #expect(r.status == 6 || r.status == 3, "\(argv) with \(input.debugDescription): \(r)")
                #expect(r.stderr.contains("stdin line"), "\(argv): \(r.stderr)")
            }
            #expect(dump(t) == before, "\(argv): nothing changed")
        }
        // the same ids, as a script pipes them from a list: a header line that names the column
        for (argv, id) in commands where argv[1] != "unblock" && argv[1] != "reopen" {
            let r = t.run(argv + ["--column", "id"], stdin: "id;comment\n\(id);«просьба клиента; срочно»\n\n")
            #expect(r.status == 0 || r.status == 4, "\(argv) with --column id: \(r)")
            #expect(!r.stderr.contains("stdin line"), "\(argv): \(r.stderr)")
        }
        #expect(t.sql("SELECT status FROM portal_user WHERE id = \(user)") == "blocked")
        #expect(t.sql("SELECT status FROM ticket WHERE id = \(ticket)") == "closed")
        #expect(t.sql("SELECT status FROM pin_request WHERE id = \(request)") == "rejected")
        #expect(t.sql("SELECT status FROM outbox WHERE id = \(message)") == "waiting")
    }

    @Test func aListPipedIntoADecisionNeedsTheColumnNamed() {
        let t = E2E()
        t.demo(accounts: 300)
        let list = t.run("ticket", "list", "--limit", "0", "--format", "csv")
        #expect(list.status == 0 && list.lines.count > 2)
        let before = dump(t)
        let whole = t.run(["ticket", "close", "-"], stdin: list.stdout)
        #expect(whole.status == 6 && whole.stderr.contains("stdin line 1") && whole.stderr.contains("--column"), "\(whole)")
        let numbered = t.run(["ticket", "close", "-", "--column", "1"], stdin: list.stdout)
        #expect(numbered.status == 6 && numbered.stderr.contains("stdin line 1"), "the header is not skipped by number: \(numbered)")
        #expect(dump(t) == before)
        let named = t.run(["ticket", "close", "-", "--column", "id"], stdin: list.stdout)
        #expect(named.status == 0, "\(named)")
        let listed = list.lines.dropFirst().map { String($0.prefix { $0 != "," }) }
        #expect(t.sql("SELECT count(*) FROM ticket WHERE status = 'closed' AND id IN (\(listed.joined(separator: ",")))") == String(listed.count))
        // --column without - is a mistake, said as one
        let stray = t.run("ticket", "close", "1", "--column", "1")
        #expect(stray.status == 2 && stray.stderr.contains("--column"), "\(stray)")
    }
}
