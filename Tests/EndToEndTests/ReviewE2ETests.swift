import Foundation
import Testing
@testable import MyGazCore

/// Readings with known answers: one meter per case, so that each pending reading meets
/// exactly one boundary of one rule.
struct ReadingCase {
    let serial: String
    let digits: Int
    let previous: Int
    let value: Int
    var verification = "2030-01-01"
    var state = "working"
    var maxMonthly: Int? = nil
    let expected: String       // "ok" or the violations, comma-separated
}

let readingCases: [ReadingCase] = [
    ReadingCase(serial: "A-MAX-EQ", digits: 5, previous: 1000, value: 1300, expected: "ok"),
    ReadingCase(serial: "B-MAX-OVER", digits: 5, previous: 1000, value: 1301, expected: "exceeds_max_consumption"),
    ReadingCase(serial: "C-LOWER", digits: 5, previous: 1000, value: 999, expected: "lower_than_previous"),
    ReadingCase(serial: "D-ROLL-EQ", digits: 4, previous: 9990, value: 290, expected: "ok"),
    ReadingCase(serial: "E-ROLL-OVER", digits: 4, previous: 9990, value: 291, expected: "lower_than_previous"),
    ReadingCase(serial: "F-CAPACITY", digits: 5, previous: 1000, value: 100_000, expected: "exceeds_capacity"),
    ReadingCase(serial: "G-VERIF-PAST", digits: 5, previous: 1000, value: 1100, verification: "2026-07-19", expected: "verification_expired"),
    ReadingCase(serial: "H-VERIF-DAY", digits: 5, previous: 1000, value: 1100, verification: "2026-07-20", expected: "ok"),
    ReadingCase(serial: "I-FAULTY", digits: 5, previous: 1000, value: 1100, state: "faulty", expected: "meter_not_working"),
    ReadingCase(serial: "J-OWN-MAX", digits: 5, previous: 1000, value: 1800, maxMonthly: 800, expected: "ok"),
]

extension E2E {
    /// init, then an RGK (300 m³/month), one account with a portal user, and the reading cases.
    func seedReadings() {
        run("init")
        var sql = """
            INSERT INTO rgk (id, code, name, max_monthly_m3, created_at, updated_at) VALUES (1, 'vologda', 'Вологда', 300, 'x', 'x');
            INSERT INTO rgk (id, code, name, max_monthly_m3, created_at, updated_at) VALUES (2, 'kostroma', 'Кострома', 300, 'x', 'x');
            INSERT INTO account (id, rgk_id, number, surname, name, updated_at) VALUES (1, 1, '70000017', 'Петров', 'Иван', 'x');
            INSERT INTO account (id, rgk_id, number, surname, name, updated_at) VALUES (2, 2, '44000001', 'Котов', 'Олег', 'x');
            INSERT INTO portal_user (id, login, login_kind, email, status, registered_at, updated_at)
                VALUES (1, 'petrov@mail.ru', 'email', 'petrov@mail.ru', 'active', 'x', 'x');
            INSERT INTO user_account (user_id, account_id, linked_at) VALUES (1, 1, 'x');
            INSERT INTO meter (id, account_id, serial, digits) VALUES (100, 2, 'K-1', 5);
            INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at) VALUES (100, 10, '2026-06-25', 'rgk', 'accepted', '2026-06-25T10:00:00Z');
            INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at) VALUES (100, 20, '2026-07-20', 'portal', 'pending', '2026-07-20T00:30:00Z');

            """
        for (i, c) in readingCases.enumerated() {
            let id = i + 1
            sql += """
                INSERT INTO meter (id, account_id, serial, digits, next_verification, state, max_monthly_m3)
                    VALUES (\(id), 1, '\(c.serial)', \(c.digits), '\(c.verification)', '\(c.state)', \(c.maxMonthly.map(String.init) ?? "NULL"));
                INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at)
                    VALUES (\(id), \(c.previous), '2026-06-25', 'rgk', 'accepted', '2026-06-25T10:00:00Z');
                INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at, user_id)
                    VALUES (\(id), \(c.value), '2026-07-20', 'portal', 'pending', '2026-07-20T\(String(format: "%02d", i + 1)):00:00Z', 1);

                """
        }
        script(sql)
    }

    func pendingID(_ serial: String) -> String {
        sql("SELECT r.id FROM reading r JOIN meter m ON m.id = r.meter_id WHERE m.serial = '\(serial)' AND r.source = 'portal'")
    }
}

@Suite struct ReadingsE2ETests {
    @Test func listShowsEveryRuleAtItsBoundary() {
        let t = E2E()
        t.seedReadings()
        let list = t.run("reading", "list", "--rgk", "vologda", "--json")
        #expect(list.status == 0, "\(list)")
        #expect(list.jsonArray.count == readingCases.count)
        for (item, c) in zip(list.jsonArray, readingCases) {
            #expect(item["serial"] as? String == c.serial, "oldest first")
            let violations = (item["violations"] as? [String]) ?? []
            #expect((violations.isEmpty ? "ok" : violations.joined(separator: ",")) == c.expected, "\(c.serial): \(violations)")
            #expect(item["previous"] as? Int == c.previous)
            for key in ["id", "status", "account", "serial", "value", "previous", "consumption", "submitted_at", "violations", "reason"] {
                #expect(item.keys.contains(key), "JSON lacks \(key)")
            }
        }
        let rolled = list.jsonArray.first { $0["serial"] as? String == "D-ROLL-EQ" }
        #expect(rolled?["consumption"] as? Int == 300)
        let violating = t.run("reading", "list", "--violations", "--rgk", "vologda", "--json").jsonArray
        #expect(violating.count == readingCases.filter { $0.expected != "ok" }.count)
        let human = t.run("reading", "list", "--rgk", "vologda")
        #expect(human.lines.first?.hasPrefix("ID") == true || human.lines.first?.contains("ACCOUNT") == true)
        #expect(human.stdout.contains("1,000 (25.06.2026)"))
        #expect(t.run("reading", "list", "--account", "70000017", "--meter", "F-CAPACITY", "--json").jsonArray.count == 1)
        let check = t.run("reading", "check", "--json").jsonArray
        let ok = check.first { $0["rule"] as? String == "ok" }?["count"] as? Int
        #expect(ok == 5, "4 vologda cases + kostroma")
    }

    @Test func acceptChecksTheRulesAgainAndNeedsForceWithAReason() {
        let t = E2E()
        t.seedReadings()
        let good = t.pendingID("A-MAX-EQ"), bad = t.pendingID("B-MAX-OVER")
        let accepted = t.run("reading", "accept", good)
        #expect(accepted.status == 0)
        #expect(accepted.stdout.contains("pending → accepted"))
        #expect(t.run("reading", "accept", good, "--json").jsonArray.first?["result"] as? String == "unchanged")
        let refused = t.run("reading", "accept", bad)
        #expect(refused.status == 6)
        #expect(refused.stderr.contains("exceeds_max_consumption"))
        #expect(t.run("reading", "accept", bad, "--force").status == 2, "--force needs --reason")
        #expect(t.run("reading", "accept", bad, "--force", "--reason", "Подтверждено фотографией счетчика").status == 0)
        #expect(t.sql("SELECT forced || ' ' || status FROM reading WHERE id = \(bad)") == "1 accepted")
        #expect(t.run("reading", "accept", "999999").status == 3)
        #expect(t.run("reading", "accept", "abc").status == 6)
        let rejectedOne = t.pendingID("C-LOWER")
        #expect(t.run("reading", "reject", rejectedOne, "--reason", "lower_than_previous").status == 0)
        let conflict = t.run("reading", "accept", rejectedOne)
        #expect(conflict.status == 4)
        #expect(conflict.stderr.contains("rejected"))
    }

    @Test func batchesFromStdinAreAllOrNothing() {
        let t = E2E()
        t.seedReadings()
        let good = t.pendingID("A-MAX-EQ"), good2 = t.pendingID("D-ROLL-EQ")
        let strict = t.run(["reading", "accept", "-"], stdin: "\(good)\n# a comment\n999999\n\(good2)\n")
        #expect(strict.status == 3, "\(strict)")
        #expect(strict.stderr.contains("stdin line 3 «999999»") && strict.stderr.contains("nothing was done"), "\(strict.stderr)")
        #expect(t.sql("SELECT count(*) FROM reading WHERE status = 'accepted' AND source = 'portal'") == "0")
        // a line that names nothing is a mistake in the list, not a failed decision: even
        // --continue-on-error does nothing then
        let unknown = t.run(["reading", "accept", "-", "--continue-on-error", "--json"], stdin: "\(good)\n999999\n\(good2)\n")
        #expect(unknown.status == 3 && unknown.stdout.isEmpty, "\(unknown)")
        #expect(t.sql("SELECT count(*) FROM reading WHERE status = 'accepted' AND source = 'portal'") == "0")
        // a decision that cannot be taken is what --continue-on-error goes past
        let decided = t.pendingID("C-LOWER")
        #expect(t.run("reading", "reject", decided, "--reason", "lower_than_previous").status == 0)
        let lenient = t.run(["reading", "accept", "-", "--continue-on-error", "--json"], stdin: "\(good)\n\(decided)\n\(good2)\n")
        #expect(lenient.status == 5)
        #expect(lenient.jsonArray.map { $0["result"] as? String ?? "" } == ["changed", "failed", "changed"])
        #expect(t.run(["reading", "accept", "-"], stdin: "\n").status == 2)
        // the ids of a list flow into an action through a pipe
        let tsv = t.run("reading", "list", "--rgk", "vologda", "--format", "tsv").stdout
        let ids = tsv.split(separator: "\n").dropFirst().map { String($0.split(separator: "\t")[0]) }
        #expect(ids.count == readingCases.count - 3)
        // without the header line, the ids alone; the valid and the breaking ones are the whole queue
        let valid = t.run("reading", "list", "--rgk", "vologda", "--valid", "--format", "tsv", "--no-header").stdout
            .split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
        let breaking = t.run("reading", "list", "--rgk", "vologda", "--violations", "--format", "tsv", "--no-header").stdout
            .split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
        #expect(!valid.isEmpty && !breaking.isEmpty && Set(valid).isDisjoint(with: breaking) && Set(valid + breaking) == Set(ids))
        #expect(valid.allSatisfy { Int($0) != nil }, "no header word among the ids")
        let accepted = t.run(["reading", "accept", "-", "--json"], stdin: valid.joined(separator: "\n") + "\n")
        #expect(accepted.status == 0 && accepted.jsonArray.count == valid.count, "\(accepted)")
        #expect(t.run("reading", "list", "--valid", "--violations").status == 2)
    }

    @Test func acceptAllValidAndRejectAllInvalidWithDryRun() {
        let t = E2E()
        t.seedReadings()
        let before = t.sql("SELECT status FROM reading ORDER BY id")
        let dry = t.run("reading", "accept", "--all-valid", "--dry-run", "--json")
        #expect(dry.jsonObject["accepted"] as? Int == 5)
        #expect(dry.jsonObject["breaking_a_rule"] as? Int == 6)
        #expect(t.sql("SELECT status FROM reading ORDER BY id") == before, "a dry run writes nothing")
        let scoped = t.run("reading", "accept", "--all-valid", "--rgk", "kostroma")
        #expect(scoped.stdout.contains("accepted 1 readings"))
        let human = t.run("reading", "accept", "--all-valid")
        #expect(human.stdout == "accepted 4 readings; 6 break a rule (see: mygaz-admin reading list --violations)\n")
        let accepted = t.sql("SELECT m.serial FROM reading r JOIN meter m ON m.id = r.meter_id WHERE r.status = 'accepted' AND r.source = 'portal' ORDER BY m.serial")
        #expect(Set(accepted.split(separator: "\n")) == Set(["A-MAX-EQ", "D-ROLL-EQ", "H-VERIF-DAY", "J-OWN-MAX", "K-1"]))
        #expect(t.sql("SELECT count(*) FROM audit WHERE action = 'reading.accept'") == "5")

        let dryReject = t.run("reading", "reject", "--all-invalid", "--dry-run", "--json")
        #expect(dryReject.jsonObject["rejected"] as? Int == 6)
        #expect(t.sql("SELECT count(*) FROM reading WHERE status = 'rejected'") == "0")
        #expect(t.run("reading", "reject", "--all-invalid").status == 0)
        let reasons = t.sql("SELECT m.serial || '=' || r.reason FROM reading r JOIN meter m ON m.id = r.meter_id WHERE r.status = 'rejected' ORDER BY m.serial")
        for c in readingCases where c.expected != "ok" {
            #expect(reasons.contains("\(c.serial)=\(c.expected.split(separator: ",")[0])"), "\(c.serial)")
        }
        #expect(t.sql("SELECT count(*) FROM outbox WHERE kind = 'reading_rejected' AND recipient = 'petrov@mail.ru'") == "6")
        #expect(t.run("reading", "list", "--json").jsonArray.isEmpty)
        #expect(t.run("reading", "list", "--status", "rejected", "--json").jsonArray.count == 6)
    }

    @Test func rejectNeedsAKnownReasonAndOtherNeedsAMessage() {
        let t = E2E()
        t.seedReadings()
        let id = t.pendingID("C-LOWER")
        #expect(t.run("reading", "reject", id).status == 2)
        #expect(t.run("reading", "reject", id, "--reason", "because").status == 2)
        #expect(t.run("reading", "reject", id, "--reason", "other").status == 2)
        let r = t.run("reading", "reject", id, "--reason", "other", "--message", "Сфотографируйте счетчик")
        #expect(r.status == 0)
        #expect(r.stdout.contains("message to petrov@mail.ru queued"))
        let body = t.sql("SELECT body FROM outbox WHERE kind = 'reading_rejected'")
        #expect(body.contains("Сфотографируйте счетчик") && body.contains("C-LOWER"))
        let show = t.run("reading", "show", id, "--json")
        #expect(show.jsonObject["reason"] as? String == "other")
        #expect(t.run("reading", "show", id).stdout.contains("LAST ACCEPTED READINGS"))
    }

    @Test func aReadingByPhoneIsCheckedAtOnce() {
        let t = E2E()
        t.seedReadings()
        let ok = t.run("reading", "submit", "070-000017", "--serial", "a-max-eq", "--value", "1250", "--date", "20.07.2026", "--json")
        #expect(ok.status == 0, "\(ok)")
        #expect(ok.jsonArray.first?["status"] as? String == "pending")
        #expect(t.sql("SELECT count(*) FROM reading r JOIN meter m ON m.id = r.meter_id WHERE m.serial = 'A-MAX-EQ' AND r.status = 'pending'") == "1",
                "the new reading superseded the portal's")
        #expect(t.sql("SELECT count(*) FROM reading r JOIN meter m ON m.id = r.meter_id WHERE m.serial = 'A-MAX-EQ' AND r.status = 'superseded'") == "1")
        let refusals: [(String, String, String)] = [
            ("B-MAX-OVER", "1301", "exceeds_max_consumption"), ("C-LOWER", "999", "lower_than_previous"),
            ("F-CAPACITY", "100000", "exceeds_capacity"), ("G-VERIF-PAST", "1100", "verification_expired"),
            ("I-FAULTY", "1100", "meter_not_working"),
        ]
        for (serial, value, reason) in refusals {
            let r = t.run("reading", "submit", "70000017", "--serial", serial, "--value", value, "--date", "2026-07-20")
            #expect(r.status == 6, "\(serial): \(r)")
            // the rule in words, said once (issue 41)
            let label = Labels.label(.readingReason, reason, russian: false)
            #expect(r.stderr.contains("it breaks: \(label);") && r.stderr.components(separatedBy: label).count == 2, "\(r.stderr)")
        }
        #expect(t.run("reading", "submit", "70000017", "--serial", "NOPE", "--value", "1").status == 3)
        #expect(t.run("reading", "submit", "70000017", "--serial", "A-MAX-EQ", "--value", "12.5").status == 6)
        #expect(t.run("reading", "submit", "70000017", "--serial", "A-MAX-EQ", "--value", "1200", "--date", "2999-01-01").status == 6)
        let direct = t.run("reading", "submit", "70000017", "--serial", "H-VERIF-DAY", "--value", "1150", "--date", "2026-07-20", "--accept", "--json")
        #expect(direct.jsonArray.first?["status"] as? String == "accepted")
    }
}

@Suite struct ApplicationsE2ETests {
    @Test func theQueueAndItsTransitions() throws {
        let t = E2E()
        t.demo(accounts: 200)
        let queue = t.run("application", "list", "--limit", "0", "--json").jsonArray
        #expect(!queue.isEmpty)
        #expect(queue.allSatisfy { ["submitted", "needs_info"].contains($0["status"] as? String ?? "") }, "drafts only when asked for")
        let times = queue.compactMap { $0["submitted_at"] as? String }
        #expect(times == times.sorted(), "oldest first")
        let drafts = t.run("application", "list", "--status", "draft", "--json").jsonArray
        #expect(!drafts.isEmpty && drafts.allSatisfy { $0["status"] as? String == "draft" })
        #expect(t.run("application", "list", "--status", "submitted,accepted", "--json").jsonArray.allSatisfy {
            ["submitted", "accepted"].contains($0["status"] as? String ?? "")
        })
        #expect(t.run("application", "list", "--status", "bogus").status == 2)

        let submitted = t.sql("SELECT id FROM application WHERE status = 'submitted' AND contact_email IS NOT NULL AND kind = 'contract_supply' LIMIT 1")
        let clarify = t.run("application", "clarify", submitted, "--message", "Приложите копию свидетельства")
        #expect(clarify.status == 0)
        #expect(clarify.stdout.contains("application \(submitted): submitted → needs information; message to ") && clarify.stdout.contains(" queued"), "\(clarify)")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE kind = 'application_question' AND entity_id = \(submitted)") == "1")
        let approveWrong = t.run("application", "approve", submitted)
        #expect(approveWrong.status == 4)
        #expect(approveWrong.stderr.contains("'needs information'"), "\(approveWrong.stderr)")
        #expect(t.run("application", "answer", submitted).status == 2, "--message is required")
        #expect(t.run("application", "answer", submitted, "--message", "Свидетельство приложено").stdout.contains("needs information → submitted"))
        #expect(t.run("application", "complete", submitted).status == 4, "a contract is completed only once accepted")
        #expect(t.run("application", "approve", submitted, "--expect-status", "needs_info").status == 4)
        #expect(t.run("application", "approve", submitted, "--expect-status", "submitted").status == 0)
        #expect(t.run("application", "approve", submitted, "--json").jsonArray.first?["result"] as? String == "unchanged")
        #expect(t.run("application", "complete", submitted, "--message", "Договор заключен").status == 0)
        #expect(t.run("application", "reject", submitted, "--reason", "x").status == 4)
        let history = t.run("application", "show", submitted, "--json").jsonObject["history"] as? [[String: Any]] ?? []
        let steps = history.map { "\($0["from"] as? String ?? "-")→\($0["to"] as? String ?? "")" }
        #expect(steps.suffix(4) == ["submitted→needs_info", "needs_info→submitted", "submitted→accepted", "accepted→completed"])
        #expect(t.run("application", "approve", "999").status == 3)
        #expect(t.run("application", "approve", "999").stderr == "mygaz-admin: application 999 not found\n")

        let repair = t.sql("SELECT id FROM application WHERE status = 'submitted' AND kind = 'repair' LIMIT 1")
        #expect(t.run("application", "complete", repair).stdout.contains("submitted → completed"))
        #expect(t.run("application", "assign", repair, "--to", "petrova").status == 0)
        #expect(t.run("application", "assign", repair, "--to", "nobody").status == 3)
        #expect(t.run("application", "list", "--assigned-to", "petrova", "--status", "all", "--limit", "0", "--json").jsonArray
            .contains { String($0["id"] as? Int ?? 0) == repair })
    }

    @Test func twoClerksApprovingAtOnceChangeItOnce() {
        let t = E2E()
        t.demo(accounts: 200)
        for _ in 0..<3 {
            let id = t.sql("SELECT id FROM application WHERE status = 'submitted' ORDER BY id LIMIT 1")
            let results = t.runConcurrently([["application", "approve", id, "--json"], ["application", "approve", id, "--json"]])
            #expect(results.allSatisfy { $0.status == 0 }, "\(results)")
            let outcomes = results.compactMap { $0.jsonArray.first?["result"] as? String }.sorted()
            #expect(outcomes == ["changed", "unchanged"], "\(outcomes)")
            #expect(t.sql("SELECT count(*) FROM application_event WHERE application_id = \(id) AND to_status = 'accepted'") == "1")
        }
    }

    @Test func applicationsTakenAtTheOfficeWithAttachments() throws {
        let t = E2E()
        t.demo(accounts: 100)
        let account = t.sql("SELECT number FROM account ORDER BY id LIMIT 1")
        let pdf = t.dir + "/справка.pdf", fake = t.dir + "/fake.pdf", big = t.dir + "/big.png"
        try Data("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".utf8).write(to: URL(fileURLWithPath: pdf))
        try Data("just text pretending to be a pdf".utf8).write(to: URL(fileURLWithPath: fake))
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        png.append(Data(repeating: 0, count: 10 * 1024 * 1024))
        try png.write(to: URL(fileURLWithPath: big))

        let missing = t.run("application", "create", "--kind", "vdgo_maintenance", "--account", account, "--phone", "89815676522",
                            "--work-type", "Плановое ТО")
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("--description"))
        let created = t.run("application", "create", "--kind", "recalculation", "--account", account, "--phone", "8 981 567-65-22",
                            "--email", "Petrov@Mail.ru", "--recalc-reason", "residents", "--date-from", "01.07.2026", "--residents", "3",
                            "--attach", pdf, "--json")
        #expect(created.status == 0, "\(created)")
        let id = String(created.jsonArray[0]["id"] as! Int)
        let show = t.run("application", "show", id, "--json").jsonObject
        #expect(show["contact_email"] as? String == "petrov@mail.ru")
        #expect((show["details"] as? [String: Any])?["residents"] as? String == "3")
        let files = show["attachments"] as? [[String: Any]] ?? []
        #expect(files.first?["type"] as? String == "application/pdf")

        let badType = t.run("application", "create", "--kind", "repair", "--account", account, "--phone", "89815676522",
                            "--problem", "Запах газа", "--attach", fake)
        #expect(badType.status == 6)
        #expect(badType.stderr.contains("not a pdf, jpeg or png"))
        let tooBig = t.run("application", "create", "--kind", "repair", "--account", account, "--phone", "89815676522",
                           "--problem", "Запах газа", "--attach", big)
        #expect(tooBig.status == 6)
        let noAccount = t.run("application", "create", "--kind", "repair", "--address", "г. Вологда, ул. Мира, 1", "--rgk", "vologda",
                              "--phone", "89815676522", "--problem", "Не горит плита")
        #expect(noAccount.status == 0, "\(noAccount)")
        #expect(t.run("application", "create", "--kind", "repair", "--address", "x", "--phone", "89815676522", "--problem", "y").status == 2)
        #expect(t.run("application", "create", "--kind", "contract_supply", "--account", account, "--phone", "89815676522",
                      "--customer-name", "Петров И. С.", "--customer-address", "г. Вологда", "--identity-document", "паспорт 1900 123456",
                      "--object-type", "жилой дом", "--object-address", "г. Вологда", "--ownership-document", "выписка ЕГРН",
                      "--appliance", "плита газовая", "--residents", "2", "--heated-living-area", "54,5").status == 0)

        let out = t.dir + "/out.pdf"
        #expect(t.run("application", "attachment", id, "справка.pdf", "--output", out).status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: out)) == Data(contentsOf: URL(fileURLWithPath: pdf)))
        #expect(t.run("application", "attachment", id, "справка.pdf", "--output", out).status == 4, "never overwrites")
        let piped = t.run("application", "attachment", id, "справка.pdf")
        #expect(piped.stdout.hasPrefix("%PDF-"))
        let noFile = t.run("application", "attachment", id, "nope.pdf")
        #expect(noFile.status == 3 && noFile.stderr.contains("nope.pdf"), "\(noFile)")
        let noApplication = t.run("application", "attachment", "99999", "справка.pdf")
        #expect(noApplication.status == 3 && noApplication.stderr.contains("application 99999"), "\(noApplication)")
        // an answer at the office may bring documents
        #expect(t.run("application", "clarify", id, "--message", "Нужна справка").status == 0)
        #expect(t.run("application", "answer", id, "--message", "Принес справку", "--attach", pdf).status == 4, "same name twice")
    }
}
