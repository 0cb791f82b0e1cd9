import Foundation
import Testing
@testable import MyGazCore

/// Every human screen of the demo, read as a Russian clerk reads it: no stored code where its
/// label belongs, one form of date, phones as people write them, Russian units.
@Suite struct RussianScreensTests {
    /// The screens of every list and show, after a little of everything the demo lacks.
    static func screens(_ t: E2E) -> [(command: [String], stdout: String)] {
        commands(t).map { command in
            let r = t.run(["--lang", "ru", "--no-color"] + command)
            #expect(r.status == 0, "\(command): \(r.stderr)")
            return (command, r.stdout)
        }
    }

    /// Every list and show a clerk reads, after a little of everything the demo lacks (decisions,
    /// a code sent, a blocked user, a new application, a reply): the commands, to run in any way.
    static func commands(_ t: E2E) -> [[String]] {
        let reading = t.sql("SELECT id FROM reading WHERE status = 'pending' ORDER BY id LIMIT 1")
        _ = t.run("reading", "reject", reading, "--reason", "verification_expired", "--message", "Проверьте счетчик", "--force")
        let accepted = t.sql("SELECT id FROM reading WHERE status = 'pending' ORDER BY id LIMIT 1 OFFSET 1")
        _ = t.run("reading", "accept", accepted, "--force", "--reason", "проверено")
        let user = t.sql("SELECT id FROM portal_user WHERE status = 'active' AND login_kind = 'phone' ORDER BY id LIMIT 1")
        _ = t.run("user", "resend-code", user, "--purpose", "recovery")
        _ = t.run("user", "block", user, "--reason", "проверка")
        let account = t.sql("SELECT number FROM account ORDER BY id LIMIT 1")
        let rgk = t.sql("SELECT g.code FROM account a JOIN rgk g ON g.id = a.rgk_id ORDER BY a.id LIMIT 1")
        let phoneAccount = t.sql("SELECT number FROM account WHERE phone IS NOT NULL ORDER BY id LIMIT 1")
        let phoneRGK = t.sql("SELECT g.code FROM account a JOIN rgk g ON g.id = a.rgk_id WHERE a.phone IS NOT NULL ORDER BY a.id LIMIT 1")
        _ = t.run("application", "create", "--kind", "recalculation", "--account", account, "--rgk", rgk, "--phone", "89815676522",
                  "--recalc-reason", "heated_area", "--date-from", "01.11.2026", "--heated-area", "65,6")
        let recalculation = t.sql("SELECT max(id) FROM application")
        let contract = t.sql("SELECT min(id) FROM application WHERE kind = 'contract_connection'")
        let ticket = t.sql("SELECT id FROM ticket WHERE sender_email IS NOT NULL ORDER BY id LIMIT 1")
        _ = t.run("ticket", "reply", ticket, "--message", "Ответ")
        let message = t.sql("SELECT max(id) FROM outbox")
        let commands: [[String]] = [
            ["status"], ["user", "list"], ["user", "list", "--status", "blocked"], ["user", "show", user],
            ["account", "list"], ["account", "show", phoneAccount, "--rgk", phoneRGK], ["account", "show", account, "--rgk", rgk],
            ["pin", "requests", "--status", "all"], ["pin", "list"],
            ["application", "list", "--status", "all"], ["application", "show", recalculation], ["application", "show", contract],
            ["reading", "list"], ["reading", "list", "--status", "rejected"], ["reading", "list", "--status", "accepted"],
            ["reading", "show", reading], ["reading", "show", accepted], ["reading", "show", t.sql("SELECT max(id) FROM reading WHERE status = 'pending'")],
            ["ticket", "list", "--status", "all"], ["ticket", "show", ticket], ["faq", "list"],
            ["outbox", "list"], ["outbox", "show", message], ["import", "history"], ["audit", "list", "--limit", "0"],
            ["operator", "list"], ["db", "stats"],
        ]
        return commands
    }

    @Test func aRussianClerkReadsLabelsDatesPhonesAndUnitsNotCodes() {
        let t = E2E()
        t.demo(accounts: 300)
        // what a clerk types stays as typed: RGK codes, logins, setting names; command hints are commands
        var codes = Set(CodeDomain.allCases.flatMap(\.codes))
        codes.subtract(["ok"])
        var failures: [String] = []
        for (command, stdout) in Self.screens(t) {
            for line in stdout.split(separator: "\n").map(String.init) where !line.contains("mygaz-admin") {
                let tokens = line.split(whereSeparator: { $0.isWhitespace || ",;:()«»|→".contains($0) }).map(String.init)
                // db stats names the tables: the schema's own words
                for token in tokens where codes.contains(token) && command != ["db", "stats"] {
                    failures.append("\(command.joined(separator: " ")): the code «\(token)» in «\(line)»")
                }
                if (" " + line + " ").contains(#/[^\d.]\d\d\.\d\d\.\d\d[^\d.]/#) {
                    failures.append("\(command.joined(separator: " ")): a two-digit year in «\(line)»")
                }
                if line.contains(#/\+7\d{10}/#) {
                    failures.append("\(command.joined(separator: " ")): a phone as stored in «\(line)»")
                }
                if line.contains(#/\d (d|h|min|B|KiB|MiB)\b/#) {
                    failures.append("\(command.joined(separator: " ")): an English unit in «\(line)»")
                }
                // a version (the engine's) is a name with points, not a number
                for token in tokens where token.wholeMatch(of: #/-?\d+\.\d+/#) != nil && token.wholeMatch(of: #/\d\d\.\d{4}/#) == nil
                    && !line.hasPrefix("Версия") {
                    failures.append("\(command.joined(separator: " ")): a decimal point in «\(line)»")
                }
            }
        }
        #expect(failures.isEmpty, "\(failures.prefix(30).joined(separator: "\n"))")
    }

    /// Issue 41: the review cards and their questions at 80×24 in Russian — no source, rule or
    /// state code where its label belongs, phones as people write them, the RGK by its name,
    /// one form of yes/no, and a refused reading names its rules in words.
    @Test func theReviewCardsAndTheirQuestionsSpeakRussian() {
        let t = E2E()
        t.demo(accounts: 300)
        let env = ["LANG": "ru_RU.UTF-8"]
        var codes = Set(CodeDomain.allCases.flatMap(\.codes))
        codes.subtract(["ok", "sms", "email"])
        func leftovers(_ screen: String) -> [String] {
            var found: [String] = []
            for line in screen.split(separator: "\n").map(String.init) where !line.contains("mygaz-admin") {
                let tokens = line.split(whereSeparator: { $0.isWhitespace || ",;:()«»|→·.".contains($0) }).map(String.init)
                found += tokens.filter(codes.contains).map { "the code «\($0)» in «\(line)»" }
                if line.contains(#/\+7\d{10}/#) { found.append("a phone as stored in «\(line)»") }
                if line.contains("[y/N]") { found.append("an English question in «\(line)»") }
            }
            return found
        }
        // a reading that breaks a rule: the question to accept it anyway, then the reasons to reject it
        let reading = t.interactive(["--no-color", "reading", "review", "--violations"],
                                    [.expect("Правила"), .send("a"), .expect("[д/Н]"), .send("\r"), .send("r"), .expect("Номер"), .send("\u{03}")], env: env)
        #expect(reading.ok, "\(reading.description)")
        #expect(reading.transcript.contains("Все равно принять? [д/Н]"), "\(reading.transcript.suffix(1500))")
        #expect(reading.transcript.contains("Газпром межрегионгаз"), "the RGK by its name: \(reading.transcript.prefix(1500))")
        let application = t.interactive(["--no-color", "application", "review"], [.expect("Контакт"), .send("q")], env: env)
        #expect(application.ok, "\(application.description)")
        let ticket = t.interactive(["--no-color", "ticket", "review"], [.expect("От"), .send("q")], env: env)
        #expect(ticket.ok, "\(ticket.description)")
        var found: [String] = []
        for (name, screen) in [("reading", reading.transcript), ("application", application.transcript), ("ticket", ticket.transcript)] {
            found += leftovers(screen.replacingOccurrences(of: "\r\n", with: "\n")).map { "\(name) review: \($0)" }
        }
        #expect(found.isEmpty, "\(found.prefix(20).joined(separator: "\n"))")
        // a reading given by phone that breaks a rule is refused with the rule in words
        let pending = t.run("reading", "list", "--limit", "1", "--json").jsonArray.first ?? [:]
        let account = pending["account"] as? String ?? "", rgk = pending["rgk"] as? String ?? "", serial = pending["serial"] as? String ?? ""
        let previous = pending["previous"] as? Int ?? 0
        let refused = t.run(["--lang", "ru", "reading", "submit", account, "--rgk", rgk, "--serial", serial, "--value", String(max(0, previous - 5))])
        #expect(refused.status != 0 && refused.stderr.contains("меньше предыдущего"), "\(refused)")
        #expect(leftovers(refused.stderr).isEmpty, "\(refused.stderr)")
    }

    /// Issue 41: «Удалить персональные данные пользователя 125 (125)?» named nobody; the question
    /// names the person by her name and login, and «н» keeps her.
    @Test func deletingAUserAsksByHerNameAndLogin() {
        let t = E2E()
        t.demo(accounts: 150)
        let row = t.sql("SELECT id || '|' || full_name FROM portal_user WHERE status = 'active' AND login_kind = 'phone' AND full_name IS NOT NULL ORDER BY id LIMIT 1")
            .split(separator: "|").map(String.init)
        let r = t.interactive(["user", "delete", row[0]], [.expect("[д/Н]"), .send("н\r")], env: ["LANG": "ru_RU.UTF-8"])
        #expect(r.ok && r.transcript.contains("пользователя \(row[0]) (\(row[1]), +7 ("), "\(r.description)")
        #expect(t.sql("SELECT status FROM portal_user WHERE id = \(row[0])") == "active")
    }

    @Test func changesAgreeWithTheirNounAndStateTheNeededStateByItsLabel() {
        let t = E2E()
        t.demo(accounts: 150)
        let user = t.sql("SELECT id FROM portal_user WHERE status = 'active' ORDER BY id LIMIT 1")
        let blocked = t.run("--lang", "ru", "user", "block", user, "--reason", "проверка")
        #expect(blocked.stdout.contains("пользователь \(user): активен → заблокирован"), "\(blocked)")
        let again = t.run("--lang", "ru", "user", "block", user, "--reason", "проверка")
        #expect(again.stdout.contains("уже заблокирован"), "\(again)")
        let accepted = t.sql("SELECT id FROM application WHERE status = 'accepted' ORDER BY id LIMIT 1")
        let approve = t.run("--lang", "ru", "application", "approve", accepted)
        #expect(approve.stdout.contains("уже принята") || approve.stderr.contains("«принята»"), "\(approve)")
        let completed = t.sql("SELECT id FROM application WHERE status = 'completed' ORDER BY id LIMIT 1")
        let refused = t.run("--lang", "ru", "application", "approve", completed)
        #expect(refused.status == 4, "\(refused)")
        #expect(refused.stderr.contains("нужно состояние «в обработке»"), "\(refused.stderr)")
        #expect(!refused.stderr.contains("submitted"), "\(refused.stderr)")
        let english = t.run("--lang", "en", "application", "approve", completed)
        #expect(english.stderr.contains("needs 'submitted'"), "\(english.stderr)")
    }

    /// What the program writes is kept as codes: the same row reads in Russian and in English,
    /// and the rows version 2 wrote in English are turned into codes by the migration.
    @Test func theTrailKeepsCodesAndOldEnglishRowsBecomeCodes() throws {
        let t = E2E()
        t.demo(accounts: 150)
        let user = t.sql("SELECT id FROM portal_user WHERE status = 'active' AND login_kind = 'phone' ORDER BY id LIMIT 1")
        #expect(t.run("user", "delete", user, "--yes").status == 0)
        #expect(t.sql("SELECT reason_code FROM audit WHERE action = 'user.delete'") == "erased")
        let coded = t.sql("SELECT reason FROM audit WHERE reason_code IS NOT NULL AND reason IS NOT NULL").split(separator: "\n")
        #expect(!coded.contains { $0.contains(#/[a-z] [a-z]/#) }, "an English reason kept beside its code: \(coded)")
        let ru = t.run("--lang", "ru", "audit", "list", "--action", "user.delete")
        #expect(ru.stdout.contains("персональные данные удалены по заявлению"), "\(ru.stdout)")
        let en = t.run("--lang", "en", "audit", "list", "--action", "user.delete")
        #expect(en.stdout.contains("personal data erased on request"), "\(en.stdout)")

        // a version-2 database with the sentences it wrote
        let old = t.dir + "/v2.db"
        let sqlite = E2E.exec("/usr/bin/env", ["sqlite3", old], stdin: Array((Schema.v1 + Schema.v2 + """
            PRAGMA user_version = 2; PRAGMA application_id = \(Schema.applicationID);
            INSERT INTO operator VALUES ('\(NSUserName())', 'admin', NULL, '2026-11-01T10:00:00Z', 'root');
            INSERT INTO audit (at, operator, action, entity_type, entity_id, old_value, new_value, reason) VALUES
              ('2026-11-01T10:00:00Z', 'root', 'operator.add', 'operator', 'root', NULL, 'admin', 'init'),
              ('2026-11-01T10:01:00Z', 'ivanova', 'user.delete', 'user', '5', 'active', 'deleted', 'personal data erased on request: 1 link(s) removed; 2 application(s), 3 ticket(s), 4 PIN request(s) anonymised; 5 waiting message(s) cancelled, 6 message(s) and 7 audit row(s) cleared'),
              ('2026-11-01T10:02:00Z', 'ivanova', 'reading.reject', 'reading', '9', 'pending', 'rejected', 'duplicate: уже передано'),
              ('2026-11-01T10:03:00Z', 'ivanova', 'ticket.open', 'ticket', '3', NULL, 'new', 'phone, rgk, meters'),
              ('2026-11-01T10:04:00Z', 'ivanova', 'user.code-wrong', 'user', '5', NULL, NULL, 'attempt 2 of 5'),
              ('2026-11-01T10:05:00Z', 'ivanova', 'pin.issue', 'pin', '4', NULL, 'active', 'account vologda/70000001; 2 earlier PIN(s) revoked; shown once'),
              ('2026-11-01T10:06:00Z', 'ivanova', 'reading.submit', 'reading', '11', NULL, 'pending', 'by phone: 1234 on 2026-10-30 for meter 123456 of vologda/70000001'),
              ('2026-11-01T10:07:00Z', 'ivanova', 'import.accounts', 'import_batch', '1', NULL, 'completed', 'ЛС: 10 read, 4 inserted, 3 updated, 2 unchanged, 1 rejected'),
              ('2026-11-01T10:08:00Z', 'ivanova', 'user.resend-code', 'user', '5', NULL, 'recovery', 'sms to +79815676522');
            """).utf8))
        #expect(sqlite.status == 0, "\(sqlite.stderr)")
        let migrate = t.run(["--db", old, "db", "migrate"], useDB: false)
        #expect(migrate.status == 0, "\(migrate)")
        // the rows there were are chained by the migration (version 9), in id order
        let verified = t.run(["--db", old, "audit", "verify"], useDB: false)
        #expect(verified.status == 0 && verified.stdout.contains("9 rows verified"), "\(verified)")
        let rows = E2E.exec("/usr/bin/env", ["sqlite3", "-separator", " | ", old,
                                             "SELECT action, coalesce(reason_code, '-'), coalesce(reason_args, '-'), coalesce(reason, '-') FROM audit ORDER BY id"])
        let expected = [
            #"operator.add | initial_admin | - | -"#,
            #"user.delete | erased | {"applications":2,"audit_rows":7,"cancelled":5,"links":1,"messages":6,"pin_requests":4,"tickets":3} | -"#,
            #"reading.reject | reading_rule | {"rule":"duplicate"} | уже передано"#,
            #"ticket.open | ticket_opened | {"channel":"rgk","source":"phone","topic":"meters"} | -"#,
            #"user.code-wrong | code_attempt | {"attempt":2,"of":5} | -"#,
            #"pin.issue | pin_issued | {"account":"vologda/70000001","revoked":2,"sent":false} | -"#,
            #"reading.submit | reading_by_phone | {"account":"vologda/70000001","date":"2026-10-30","serial":"123456","value":1234} | -"#,
            #"import.accounts | imported | {"file":"ЛС","inserted":4,"read":10,"rejected":1,"unchanged":2,"updated":3} | -"#,
            // where the code went was taken out by version 9: a person's contact is not kept in the trail
            #"user.resend-code | code_sent | {"channel":"sms"} | -"#,
        ]
        let got = rows.stdout.split(separator: "\n").map(String.init)
        #expect(got.count == expected.count, "\(rows.stdout)")
        for (g, e) in zip(got, expected) { #expect(Self.sameJSONRow(g, e), "\(g)\n  expected \(e)") }
        let migrated = t.run(["--db", old, "--lang", "ru", "audit", "list"], useDB: false).stdout
        #expect(migrated.contains("неверный код: попытка 2 из 5"), "\(migrated)")
        #expect(migrated.contains("правило: повторная передача — уже передано"), "\(migrated)")
        #expect(migrated.contains("по телефону: 1") && migrated.contains("на 30.10.2026"), "\(migrated)")
    }

    /// `a | {json} | b` equal to another with the JSON object's keys in any order.
    static func sameJSONRow(_ a: String, _ b: String) -> Bool {
        let x = a.components(separatedBy: " | "), y = b.components(separatedBy: " | ")
        guard x.count == y.count else { return false }
        for (p, q) in zip(x, y) where p != q {
            guard let u = try? JSONSerialization.jsonObject(with: Data(p.utf8)) as? NSDictionary,
                  let v = try? JSONSerialization.jsonObject(with: Data(q.utf8)) as? NSDictionary, u == v else { return false }
        }
        return true
    }
}

/// docs/schema.md is the portal's list of the codes the program writes into the audit trail.
@Suite struct AuditReasonDocsTests {
    @Test func everyCodeTheProgramWritesIsDocumentedWithItsArguments() throws {
        let doc = try String(contentsOfFile: repositoryRoot + "/docs/schema.md", encoding: .utf8)
        for reason in AuditReason.allCases {
            let line = doc.split(separator: "\n").first { $0.hasPrefix("| `\(reason.rawValue)` |") }
            #expect(line != nil, "docs/schema.md does not list \(reason.rawValue)")
            for argument in reason.arguments {
                #expect(line?.contains("`\(argument.name)`") == true, "\(reason.rawValue): \(argument.name) is not documented")
            }
        }
        for note in ApplicationEventNote.codes { #expect(doc.contains("`\(note)`"), "\(note)") }
    }
}
