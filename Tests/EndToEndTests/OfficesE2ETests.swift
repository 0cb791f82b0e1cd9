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
            WHERE m.state = 'working' AND m.next_verification > '2026-07-20' GROUP BY a.id, a.number, g.code HAVING count(*) = 1 ORDER BY a.id LIMIT 1
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
        // the review: each walks their own channels, and is refused another's
        let clerkReview = t.run(["ticket", "review", "--channel", "support"], as: "mgzt-clerk", binary: TestLogins.publicBinary)
        #expect(clerkReview.status == 7 && clerkReview.stderr.contains("support"), "\(clerkReview)")
        let supportReview = t.run(["ticket", "review", "--channel", "office"], as: "mgzt-support", binary: TestLogins.publicBinary)
        #expect(supportReview.status == 7, "\(supportReview)")
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

        // the user of a linked account sees the same, for each of their accounts
        let linked = t.sql("""
            SELECT l.user_id || ' ' || ap.id || ' ' || a.number FROM application ap JOIN user_account l ON l.account_id = ap.account_id
            JOIN account a ON a.id = ap.account_id WHERE ap.status IN ('submitted', 'needs_info') ORDER BY ap.id LIMIT 1
            """).split(separator: " ").map(String.init)
        let owner = linked[0]
        let userPage = t.run("user", "show", owner, "--json").jsonObject
        let theirs = userPage["open_applications"] as? [[String: Any]] ?? []
        #expect(theirs.contains { $0["id"] as? Int == Int(linked[1]) && $0["account"] as? String == linked[2] }, "\(userPage)")
    }
}

/// The profile at the desk: what a customer changes in the portal, a clerk can change for them.
@Suite struct ProfileAtTheDeskTests {
    @Test func aClerkChangesTheProfileAndTheCustomerIsToldAtBothAddresses() throws {
        let t = E2E()
        t.demo(accounts: 150)
        let user = t.sql("""
            SELECT id FROM portal_user u WHERE status = 'active' AND email IS NOT NULL AND phone IS NOT NULL
            AND EXISTS (SELECT 1 FROM user_account WHERE user_id = u.id) ORDER BY id LIMIT 1
            """)
        let oldEmail = t.sql("SELECT email FROM portal_user WHERE id = \(user)")
        let r = t.run("user", "edit", user, "--email", "New.Mail@Example.org", "--phone", "8 (981) 567-65-22", "--email-bills", "on",
                      "--notify-news", "off", "--name", "Иванов Иван Иванович", "--json")
        #expect(r.status == 0, "\(r)")
        let show = t.run("user", "show", user, "--json").jsonObject
        #expect(show["email"] as? String == "new.mail@example.org" && show["phone"] as? String == "+79815676522")
        #expect(show["email_bills"] as? Bool == true && show["notify_news"] as? Bool == false && show["full_name"] as? String == "Иванов Иван Иванович")
        let told = t.sql("SELECT recipient FROM outbox WHERE kind = 'contact_changed' AND entity_id = \(user) ORDER BY id")
        #expect(told.contains(oldEmail) && told.contains("new.mail@example.org") && told.contains("+79815676522"), "\(told)")
        #expect(Int(t.sql("SELECT count(*) FROM audit WHERE action = 'user.edit' AND entity_id = '\(user)'")) ?? 0 >= 4)
        let ru = t.run("--lang", "ru", "audit", "list", "--action", "user.edit")
        #expect(ru.stdout.contains("изменено в офисе: квитанции на e-mail") && ru.stdout.contains("выкл. → вкл."), "\(ru.stdout)")
        let again = t.run("user", "edit", user, "--email-bills", "on", "--json").jsonObject
        #expect(again["result"] as? String == "unchanged")

        #expect(t.run("user", "edit", user, "--email", "not-an-address").status == 6)
        #expect(t.run("user", "edit", user, "--phone", "12345").status == 6)
        #expect(t.run("user", "edit", user, "--notify-news", "maybe").status == 2)
        #expect(t.run("user", "edit", user).status == 2, "something to change must be given")
        let blank = t.run("user", "edit", user, "--name", "  ")
        #expect(blank.status == 2 && blank.stderr.contains("--name"), "\(blank)")

        // the account's name for the user
        let link = t.sql("SELECT a.number || ' ' || g.code FROM user_account l JOIN account a ON a.id = l.account_id JOIN rgk g ON g.id = a.rgk_id WHERE l.user_id = \(user) LIMIT 1")
            .split(separator: " ").map(String.init)
        #expect(t.run("user", "alias", user, link[0], "--rgk", link[1], "Дача").status == 0)
        let links = t.run("user", "show", user, "--json").jsonObject["links"] as? [[String: Any]] ?? []
        #expect(links.contains { $0["alias"] as? String == "Дача" }, "\(links)")
        #expect(t.run("user", "alias", user, link[0], "--rgk", link[1], "--clear").status == 0)
        #expect(t.sql("SELECT count(*) FROM user_account WHERE user_id = \(user) AND alias IS NOT NULL") == "0")
        #expect(t.run("user", "alias", user, link[0], "--rgk", link[1]).status == 2)
        let unlinked = t.sql("SELECT a.number || ' ' || g.code FROM account a JOIN rgk g ON g.id = a.rgk_id WHERE a.id NOT IN (SELECT account_id FROM user_account WHERE user_id = \(user)) LIMIT 1")
            .split(separator: " ").map(String.init)
        #expect(t.run("user", "alias", user, unlinked[0], "--rgk", unlinked[1], "Дом").status == 3)
    }
}

/// Finding a customer the way they say it: a phone in any spelling, a rule, every reading, every message.
@Suite struct SearchThatFindsPeopleTests {
    @Test func phonesRulesHistoriesAndMessagesAreFound() throws {
        let t = E2E()
        t.demo(accounts: 300)
        let phone = t.sql("SELECT phone FROM account WHERE phone IS NOT NULL ORDER BY id LIMIT 1")
        let spoken = "8 (\(phone.dropFirst(2).prefix(3))) \(phone.dropFirst(5).prefix(3))-\(phone.dropFirst(8).prefix(2))-\(phone.suffix(2))"
        let found = t.run("account", "list", "--search", spoken, "--json").jsonArray
        #expect(!found.isEmpty && String(found.count) == t.sql("SELECT count(*) FROM account WHERE phone = '\(phone)'"), "\(spoken): \(found)")

        let rule = t.run("reading", "list", "--rule", "verification_expired", "--limit", "0", "--json").jsonArray
        #expect(!rule.isEmpty && rule.allSatisfy { ($0["violations"] as? [String])?.contains("verification_expired") == true })
        #expect(t.run("reading", "list", "--rule", "verification_expired", "--valid").status == 2)
        #expect(t.run("reading", "list", "--rule", "nonsense").status == 2)

        let account = t.sql("SELECT a.number || ' ' || g.code FROM reading r JOIN meter m ON m.id = r.meter_id JOIN account a ON a.id = m.account_id JOIN rgk g ON g.id = a.rgk_id WHERE r.status = 'pending' ORDER BY r.id LIMIT 1")
            .split(separator: " ").map(String.init)
        let history = t.run("reading", "list", "--status", "all", "--account", account[0], "--rgk", account[1], "--limit", "0", "--json").jsonArray
        let states = Set(history.compactMap { $0["status"] as? String })
        #expect(states.contains("pending") && states.contains("accepted"), "\(states)")
        let ids = history.compactMap { $0["id"] as? Int }
        #expect(ids == ids.sorted(by: >), "the newest first")

        let recipient = t.sql("SELECT recipient FROM outbox WHERE channel = 'email' ORDER BY id LIMIT 1")
        let messages = t.run("outbox", "list", "--to", recipient.uppercased(), "--json").jsonArray
        #expect(!messages.isEmpty && messages.allSatisfy { $0["recipient"] as? String == recipient }, "\(messages)")
    }
}

@Suite struct ApplicationSearchTests {
    @Test func aCustomersApplicationsAreFoundByPhoneEMailAccountOrName() throws {
        let t = E2E()
        t.demo(accounts: 300)
        let row = t.sql("""
            SELECT ap.id || '|' || ap.contact_phone || '|' || coalesce(ap.contact_email, '') || '|' || ap.contact_name
            FROM application ap WHERE ap.status IN ('submitted', 'needs_info') AND ap.contact_phone IS NOT NULL ORDER BY ap.id LIMIT 1
            """).split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        let id = Int(row[0])
        let phone = row[1]
        func ids(_ search: String) -> [Int] {
            t.run("application", "list", "--status", "all", "--search", search, "--limit", "0", "--json").jsonArray.compactMap { $0["id"] as? Int }
        }
        #expect(ids("8 \(phone.dropFirst(2))").contains { $0 == id }, "by the phone as said")
        if !row[2].isEmpty { #expect(ids(row[2].uppercased()).contains { $0 == id }, "by the e-mail") }
        let surname = String(row[3].split(separator: " ")[0]).lowercased()
        let byName = ids(surname)
        let expected = t.sql("SELECT coalesce(contact_name, '') || ' ' || coalesce(address, '') FROM application").split(separator: "\n")
            .filter { $0.lowercased().contains(surname) }.count
        #expect(byName.contains { $0 == id } && byName.count == expected, "\(byName.count) of \(expected)")
        #expect(ids("zzqx-nobody").isEmpty)
    }
}

/// Issue 18's table, walked at the desk as a clerk (not an admin) on the demo: each everyday
/// request is one command the clerk may run, and it answers what the customer asked.
@Suite struct OfficeDeskWalkTests {
    @Test(.enabled(if: TestLogins.available)) func everyRequestAtTheDeskHasItsCommand() throws {
        let t = E2E()
        t.demo(accounts: 400)
        t.run("operator", "add", "mgzt-clerk", "--role", "clerk")
        _ = E2E.sh("chmod 777 '\(t.dir)' && chmod 666 '\(t.db)'*")
        func clerk(_ args: String...) -> E2E.Result {
            t.run(["--lang", "ru"] + args, as: "mgzt-clerk", binary: TestLogins.publicBinary)
        }
        let linked = t.sql("""
            SELECT u.id || ' ' || a.number || ' ' || g.code FROM user_account l JOIN portal_user u ON u.id = l.user_id
            JOIN account a ON a.id = l.account_id JOIN rgk g ON g.id = a.rgk_id WHERE u.status = 'active' ORDER BY u.id LIMIT 1
            """).split(separator: " ").map(String.init)
        let (user, number, rgk) = (linked[0], linked[1], linked[2])

        // "change my e-mail and send me bills by e-mail", "call my account Дача"
        #expect(clerk("user", "edit", user, "--email", "Novy.Adres@Mail.ru", "--email-bills", "on").status == 0)
        #expect(t.sql("SELECT email || ' ' || email_bills FROM portal_user WHERE id = \(user)") == "novy.adres@mail.ru 1")
        #expect(clerk("user", "alias", user, number, "--rgk", rgk, "Дача").status == 0)
        // "where is my payment?"
        let stuck = t.sql("SELECT a.number || ' ' || g.code FROM payment p JOIN account a ON a.id = p.account_id JOIN rgk g ON g.id = a.rgk_id WHERE p.state = 'processing' ORDER BY p.paid_on LIMIT 1").split(separator: " ").map(String.init)
        let payments = clerk("payment", "list", "--account", stuck[0], "--rgk", stuck[1], "--state", "processing")
        #expect(payments.status == 0 && payments.stdout.contains("в обработке"), "\(payments)")
        // "what work was done under my contract?"
        let act = t.sql("SELECT number FROM act ORDER BY id LIMIT 1")
        let shownAct = clerk("act", "show", act)
        #expect(shownAct.status == 0 && shownAct.stdout.contains(act), "\(shownAct)")
        // "where is the nearest office, when is it open?"
        let office = clerk("office", "list", "--rgk", rgk)
        #expect(office.status == 0 && !office.stdout.isEmpty, "\(office)")
        // "I signed in with Yandex and never got the letter"
        let activation = clerk("user", "resend-code", "lebedeva.o@yandex.ru")
        #expect(activation.status == 0 && activation.stdout.contains("ссылка для активации"), "\(activation)")
        // "what is open on my account?"
        let page = clerk("account", "show", number, "--rgk", rgk)
        #expect(page.status == 0 && page.stdout.contains("ПРИВЯЗАННЫЕ ПОЛЬЗОВАТЕЛИ ПОРТАЛА") && page.stdout.contains("ПОКАЗАНИЯ В ОБРАБОТКЕ"), "\(page)")
        // "my reading", by phone, for the one meter
        let oneMeter = t.sql("""
            SELECT a.number || ' ' || g.code || ' ' || max(r.value) FROM account a JOIN rgk g ON g.id = a.rgk_id JOIN meter m ON m.account_id = a.id
            JOIN reading r ON r.meter_id = m.id AND r.status = 'accepted'
            WHERE (SELECT count(*) FROM meter x WHERE x.account_id = a.id AND x.state = 'working') = 1 AND m.state = 'working'
              AND NOT EXISTS (SELECT 1 FROM reading p WHERE p.meter_id = m.id AND p.status = 'pending')
            GROUP BY a.id, a.number, g.code ORDER BY a.id LIMIT 1
            """).split(separator: " ").map(String.init)
        let reading = clerk("reading", "submit", oneMeter[0], "--rgk", oneMeter[1], "--value", String(Int(oneMeter[2])! + 9))
        #expect(reading.status == 0, "\(reading)")
        // a question to the abonent department
        let question = t.sql("SELECT id FROM ticket WHERE channel = 'rgk' AND status <> 'closed' ORDER BY id LIMIT 1")
        #expect(clerk("ticket", "reply", question, "--message", "Перерасчет выполнен").status == 0)
        // "find me by my phone" — as the customer says it, stored as the portal wrote it
        let stray = clerk("user", "show", "+7 911 555-00-11")
        #expect(stray.status == 0 && stray.stdout.contains("Стрельцова"), "\(stray)")
        // the repair is the admin's
        #expect(clerk("db", "repair-logins").status == 7)
        #expect(t.run("db", "repair-logins").status == 0)
        #expect(t.sql("SELECT login FROM portal_user WHERE full_name = 'Стрельцова Анна Павловна'") == "+79115550011")
    }
}
