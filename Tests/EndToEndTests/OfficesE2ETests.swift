import Foundation
import Testing

/// «Where is the nearest office, when is it open?» — and a question taken there, by its name.
@Suite struct OfficesE2ETests {
    @Test func officesAreListedFoundAndNamedWhenATicketIsOpened() throws {
        let t = E2E()
        t.demo(accounts: 60)
        let all = t.run("office", "list", "--json").jsonArray
        #expect(String(all.count) == t.sql("SELECT count(*) FROM office") && all.allSatisfy { $0["hours"] is String })
        let sokol = t.run("office", "list", "--search", "сокол", "--json").jsonArray
        #expect(sokol.count == 1 && (sokol.first?["name"] as? String)?.contains("Сокол") == true, "\(sokol)")
        let id = try #require(sokol.first?["id"] as? Int)
        let byName = t.run("office", "show", "Сокол", "--json").jsonObject
        #expect(byName["id"] as? Int == id && byName["lat"] is Double && byName["lon"] is Double, "\(byName)")
        let ru = t.run("--lang", "ru", "office", "show", String(id))
        #expect(ru.stdout.contains("Часы работы:") && ru.stdout.contains("+7 ("), "\(ru.stdout)")
        let several = t.run("office", "show", "пункт")
        #expect(several.status == 2 && several.stderr.contains("several offices"), "\(several)")
        #expect(t.run("office", "show", "Атлантида").status == 3)
        #expect(t.run("office", "list", "--rgk", "vologda", "--json").jsonArray.allSatisfy { $0["rgk"] as? String == "vologda" })

        let opened = t.run("ticket", "open", "--channel", "office", "--office", "Сокол", "--rgk", "vologda", "--topic", "bills",
                           "--name", "Петров Петр", "--phone", "89815676522", "--message", "Где взять квитанцию?", "--json")
        #expect(opened.status == 0, "\(opened)")
        let ticket = try #require(opened.jsonArray.first?["id"] as? Int)
        #expect(t.sql("SELECT office_id FROM ticket WHERE id = \(ticket)") == String(id))
    }

    @Test func aReadingByPhoneNeedsNoSerialWhenTheAccountHasOneMeter() throws {
        let t = E2E()
        t.demo(accounts: 60)
        let one = t.sql("""
            SELECT a.number || ' ' || g.code || ' ' || min(m.serial) FROM account a JOIN rgk g ON g.id = a.rgk_id JOIN meter m ON m.account_id = a.id
            WHERE m.state = 'working' AND m.next_verification > '2026-07-20' GROUP BY a.id HAVING count(*) = 1 ORDER BY a.id LIMIT 1
            """).split(separator: " ").map(String.init)
        let last = Int(t.sql("SELECT max(value) FROM reading r JOIN meter m ON m.id = r.meter_id WHERE m.serial = '\(one[2])' AND r.status = 'accepted'")) ?? 0
        let r = t.run("reading", "submit", one[0], "--rgk", one[1], "--value", String(last + 10), "--json")
        #expect(r.status == 0, "\(r)")
        let id = try #require(r.jsonArray.first?["id"] as? Int)
        #expect(t.sql("SELECT m.serial FROM reading r JOIN meter m ON m.id = r.meter_id WHERE r.id = \(id)") == one[2])
        // a second meter: which one is meant must be said
        _ = t.sql("""
            INSERT INTO meter (account_id, serial, digits, state) SELECT a.id, 'SECOND-1', 5, 'working' FROM account a JOIN rgk g ON g.id = a.rgk_id
            WHERE a.number = '\(one[0])' AND g.code = '\(one[1])'
            """)
        let ambiguous = t.run("reading", "submit", one[0], "--rgk", one[1], "--value", "1")
        #expect(ambiguous.status == 2 && ambiguous.stderr.contains("--serial") && ambiguous.stderr.contains("SECOND-1"), "\(ambiguous)")
    }
}

/// Who answers what (manual 001 §5.2): the abonent department's and the offices' questions are
/// the clerks', the portal's technical support's are support's; admins answer any.
@Suite struct WhoAnswersWhatTests {
    @Test(.enabled(if: TestLogins.available)) func aTicketIsAnsweredByTheRoleItsChannelNames() throws {
        let t = E2E()
        t.demo(accounts: 100)
        t.run("operator", "add", "mgzt-clerk", "--role", "clerk")
        t.run("operator", "add", "mgzt-support", "--role", "support")
        _ = E2E.sh("chmod 777 '\(t.dir)' && chmod 666 '\(t.db)'*")
        let toRGK = t.sql("SELECT id FROM ticket WHERE channel = 'rgk' AND status <> 'closed' ORDER BY id LIMIT 1")
        let toSupport = t.sql("SELECT id FROM ticket WHERE channel = 'support' AND status <> 'closed' ORDER BY id LIMIT 1")
        func reply(_ id: String, as login: String) -> E2E.Result {
            t.run(["--lang", "ru", "ticket", "reply", id, "--message", "Ответ"], as: login, binary: TestLogins.publicBinary)
        }
        #expect(reply(toRGK, as: "mgzt-clerk").status == 0, "a clerk answers the abonent department's question")
        let clerkToSupport = reply(toSupport, as: "mgzt-clerk")
        #expect(clerkToSupport.status == 7 && clerkToSupport.stderr.contains("«техническая поддержка»"), "\(clerkToSupport)")
        #expect(reply(toSupport, as: "mgzt-support").status == 0)
        let supportToRGK = t.run(["ticket", "close", toRGK], as: "mgzt-support", binary: TestLogins.publicBinary)
        #expect(supportToRGK.status == 7, "\(supportToRGK)")
        #expect(t.run("ticket", "close", toRGK).status == 0, "an admin answers any")
        let opened = t.run(["ticket", "open", "--channel", "rgk", "--rgk", "vologda", "--topic", "settlements", "--name", "Иванов И.",
                            "--phone", "89815676522", "--message", "Вопрос"], as: "mgzt-clerk", binary: TestLogins.publicBinary)
        #expect(opened.status == 0, "\(opened)")
    }
}

/// One page per customer: what is open on an account is on its page.
@Suite struct OnePagePerCustomerTests {
    @Test func accountShowListsWhatIsOpenOnTheAccount() throws {
        let t = E2E()
        t.demo(accounts: 300)
        let row = t.sql("""
            SELECT a.number || ' ' || g.code || ' ' || ap.id FROM application ap JOIN account a ON a.id = ap.account_id JOIN rgk g ON g.id = a.rgk_id
            WHERE ap.status = 'submitted' ORDER BY ap.id LIMIT 1
            """).split(separator: " ").map(String.init)
        let accountID = t.sql("SELECT account_id FROM application WHERE id = \(row[2])")
        let page = t.run("account", "show", row[0], "--rgk", row[1], "--json").jsonObject
        let applications = page["open_applications"] as? [[String: Any]] ?? []
        #expect(applications.contains { $0["id"] as? Int == Int(row[2]) }, "\(page)")
        let pending = page["pending_readings"] as? [[String: Any]] ?? []
        #expect(String(pending.count) == t.sql("SELECT count(*) FROM reading r JOIN meter m ON m.id = r.meter_id WHERE m.account_id = \(accountID) AND r.status = 'pending'"))
        let tickets = page["open_tickets"] as? [[String: Any]] ?? []
        #expect(String(tickets.count) == t.sql("SELECT count(*) FROM ticket WHERE account_id = \(accountID) AND status <> 'closed'"))
        let ru = t.run("--lang", "ru", "account", "show", row[0], "--rgk", row[1])
        #expect(ru.stdout.contains("ОТКРЫТЫЕ ЗАЯВКИ"), "\(ru.stdout)")
    }
}
