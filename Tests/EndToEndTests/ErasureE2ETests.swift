import Foundation
import Testing

/// Issue 35, item 4: `user delete` takes everything of the person — every value she ever had,
/// in every spelling, out of the database file and its WAL as bytes (on PostgreSQL: out of
/// every value of every row, `E2E.storedBytes`) — and nothing of anyone else: every other
/// person's rows stay byte for byte, whatever her name is.
@Suite struct ErasureE2ETests {
    // MARK: everything of hers

    /// Her values, distinctive enough that the demo region cannot hold them by chance.
    enum Her {
        static let firstName = "Пржевальская Евфросинья Аполлинарьевна"
        static let name = "Щекочихина-Зюзина Евфросинья Аполлинарьевна"
        static let firstEmail = "efrosinya.zyuzina@example.net"
        static let email = "e.zyuzina-new@example.net"
        static let signInEmail = "zyuzina.vk@example.net"
        /// as registered, after `user edit --phone`, after `user set-login`
        static let phones = ["9447503641", "9447509988", "9447501122"]
        static let passport = "паспорт 1904 731337"
        static let address = "Вологда, Зюзинский проезд, 7-13"
        static let attachmentName = "паспорт-зюзиной.jpg"
        /// in the attachment's bytes, many times over (its pages overflow into pages of their own)
        static let attachmentMarker = "ZYUZINA-PASSPORT-SCAN-"
        static let ticketAttachmentName = "скан-зюзиной.pdf"
    }

    /// What of her a file may hold as bytes: each value in its spellings. E-mails and the
    /// attachment's marker in any ASCII case; the names by their stems (any case ending); the
    /// phones by their ten digits with the separators people write (space, NO-BREAK SPACE,
    /// `-`, `(`, `)`, `.`) taken out of the file first.
    static func tracesOfHer(in bytes: [UInt8]) -> [String] {
        var found: [String] = []
        let lowered = bytes.map { $0 >= 0x41 && $0 <= 0x5A ? $0 + 32 : $0 }
        for ascii in ["zyuzin", "efrosinya"] where lowered.contains(Array(ascii.utf8)) { found.append(ascii) }
        for stem in ["Зюзин", "зюзин", "ЗЮЗИН", "Щекочихин", "Пржевальск", "Евфросин", "Аполлинарьевн", "1904 731337", "1904731337",
                     Her.attachmentName, Her.ticketAttachmentName] where bytes.contains(Array(stem.utf8)) {
            found.append(stem)
        }
        var digitsOnly: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0xC2, i + 1 < bytes.count, bytes[i + 1] == 0xA0 { i += 2; continue }
            if ![0x20, 0x2D, 0x28, 0x29, 0x2E].contains(b) { digitsOnly.append(b) }
            i += 1
        }
        for phone in Her.phones where digitsOnly.contains(Array(phone.utf8)) { found.append(phone) }
        return found
    }

    @Test func anErasedCustomerIsInNoByteOfTheFileOrItsLog() throws {
        let t = E2E()
        t.demo(accounts: 150)
        let before = Self.tracesOfHer(in: t.storedBytes())
        #expect(before.isEmpty, "the demo region must not hold her values: \(before)")

        // registered at the office by e-mail, a code sent there; then her name, e-mail and phone
        // changed, and her login moved to a new phone
        let created = t.run(["user", "create", Her.firstEmail, "--name", Her.firstName, "--phone", "+7 944 750-36-41",
                             "--password-stdin", "--json"], stdin: "Secret123\n")
        #expect(created.status == 0, "\(created)")
        let user = t.sql("SELECT id FROM portal_user WHERE login = '\(Her.firstEmail)'")
        #expect(t.run("user", "resend-code", user, "--purpose", "recovery").status == 0)
        #expect(t.run("user", "edit", user, "--name", Her.name, "--email", "E.Zyuzina-New@Example.NET", "--phone", "8 (944) 750-99-88").status == 0)
        #expect(t.run("user", "set-login", user, "8 944 750 11 22").status == 0)
        #expect(t.sql("SELECT login || ' ' || email || ' ' || phone FROM portal_user WHERE id = \(user)") == "+79447501122 \(Her.email) +79447501122")
        #expect(t.run("user", "link", user, "70000001", "--rgk", "vologda", "--alias", "Дача Зюзиных").status == 0)
        #expect(t.run("user", "block", user, "--reason", "Просит заблокировать Щекочихина-Зюзина Евфросинья").status == 0)
        #expect(t.run("user", "unblock", user).status == 0)
        _ = t.sql("""
            INSERT INTO social_identity (user_id, provider, subject, email, created_at, activated_at)
            VALUES (\(user), 'vk', 'vk-731337', '\(Her.signInEmail)', '2026-07-19T10:00:00Z', '2026-07-19T10:05:00Z');
            """)

        // an application taken at the office from her old phone and e-mail (no user on it), with
        // her passport scan; another of hers from the portal, a contract with her documents
        let scan = t.dir + "/" + Her.attachmentName
        var jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0]
        for n in 0..<6000 { jpeg += Array("\(Her.attachmentMarker)\(n);".utf8) }
        #expect(FileManager.default.createFile(atPath: scan, contents: Data(jpeg)))
        let office = t.run(["application", "create", "--kind", "repair", "--account", "70000002", "--rgk", "vologda",
                            "--phone", "8 944 750-36-41", "--email", "Efrosinya.Zyuzina@Example.net", "--name", Her.firstName,
                            "--problem", "Запах газа, звонить +7 944 750-36-41 или \(Her.firstEmail)", "--attach", scan, "--json"])
        #expect(office.status == 0, "\(office)")
        let firstApplication = String(office.jsonArray.first?["id"] as? Int ?? 0)
        #expect(t.run("application", "clarify", firstApplication, "-m", "Евфросинья Аполлинарьевна, уточните подъезд").status == 0)
        let contract = t.run(["application", "create", "--kind", "contract_vdgo", "--account", "70000003", "--rgk", "vologda",
                              "--phone", "+79447509988", "--name", Her.name, "--customer-name", Her.name, "--customer-address", Her.address,
                              "--identity-document", Her.passport, "--object-type", "жилой дом", "--object-address", "Вологда, Садовая, 1",
                              "--ownership-document", "выписка ЕГРН на имя Щекочихина-Зюзина Евфросинья", "--appliance", "плита ПГ-4",
                              "--payment-form", "наличные", "--comment", "звонить 8-944-750-99-88", "--json"])
        #expect(contract.status == 0, "\(contract)")
        let secondApplication = String(contract.jsonArray.first?["id"] as? Int ?? 0)
        _ = t.sql("UPDATE application SET user_id = \(user) WHERE id = \(secondApplication)")
        #expect(t.run("application", "approve", secondApplication).status == 0)

        // a question taken by phone from her old e-mail in another case, with a file; one the
        // portal took without a login from her old phone as the portal spells it; one of hers
        // from the portal, answered (sent), closed, reopened and answered again (waiting)
        let pdf = t.dir + "/" + Her.ticketAttachmentName
        #expect(FileManager.default.createFile(atPath: pdf, contents: Data("%PDF-1.4\n% Щекочихина-Зюзина, квитанция\n".utf8)))
        let asked = t.run(["ticket", "open", "--channel", "rgk", "--rgk", "vologda", "--topic", "bills", "--name", "Евфросинья",
                           "--email", "EFROSINYA.ZYUZINA@Example.net", "--message", "Счёт не пришёл, звоните +7 944 750-36-41",
                           "--attach", pdf, "--json"])
        #expect(asked.status == 0, "\(asked)")
        let anonymous = t.sql("SELECT max(id) FROM ticket")
        #expect(t.sql("SELECT count(*) FROM ticket WHERE id = \(anonymous) AND user_id IS NULL") == "1")
        _ = t.sql("""
            INSERT INTO ticket (channel, rgk_id, topic, status, user_id, sender_name, sender_email, sender_phone, source, created_at, updated_at, last_customer_at)
            VALUES ('rgk', 1, 'meters', 'new', NULL, 'Е. Зюзина', NULL, '8 (944) 750-99-88', 'portal_anonymous', '2026-07-19T09:00:00Z', '2026-07-19T09:00:00Z', '2026-07-19T09:00:00Z');
            INSERT INTO ticket_message (ticket_id, at, author_kind, author, body)
            VALUES ((SELECT max(id) FROM ticket), '2026-07-19T09:00:00Z', 'customer', 'Е. Зюзина', 'Счётчик заменён, перезвоните 8 (944) 750-99-88');
            INSERT INTO ticket (channel, rgk_id, topic, status, user_id, sender_name, sender_email, sender_phone, source, created_at, updated_at, last_customer_at)
            VALUES ('rgk', 1, 'bills', 'new', \(user), '\(Her.name)', '\(Her.email)', '+79447501122', 'portal', '2026-07-19T10:00:00Z', '2026-07-19T10:00:00Z', '2026-07-19T10:00:00Z');
            INSERT INTO ticket_message (ticket_id, at, author_kind, author, body)
            VALUES ((SELECT max(id) FROM ticket), '2026-07-19T10:00:00Z', 'customer', '\(Her.name)',
                    'Здравствуйте! Пишет Щекочихина-Зюзина Евфросинья Аполлинарьевна, старый номер +7 944 750-36-41, почта E.Zyuzina-New@Example.NET');
            INSERT INTO pin_request (account_id, user_id, full_name, email, phone, status, created_at)
            VALUES ((SELECT id FROM account WHERE number = '70000001'), \(user), '\(Her.name)', '\(Her.email)', '+79447501122', 'open', '2026-07-19T10:00:00Z');
            """)
        let portalTicket = t.sql("SELECT max(id) FROM ticket")
        let request = t.sql("SELECT max(id) FROM pin_request")
        #expect(t.run("ticket", "reply", portalTicket, "-m", "Здравствуйте, Евфросинья Аполлинарьевна! Ответ на \(Her.email)").status == 0)
        _ = t.deliver()
        #expect(t.sql("SELECT count(*) FROM outbox WHERE status = 'sent' AND recipient IN ('\(Her.email)', '\(Her.firstEmail)', '+79447501122')") != "0")
        #expect(t.run("ticket", "close", portalTicket, "-m", "Щекочихина-Зюзина Евфросинья, вопрос решён").status == 0)
        #expect(t.run("ticket", "reopen", portalTicket).status == 0)
        #expect(t.run("ticket", "reply", portalTicket, "-m", "Евфросинья Аполлинарьевна, дополнение: звоните 8 944 750 99 88").status == 0)
        #expect(t.run("ticket", "close", anonymous).status == 0)
        #expect(t.run("pin", "reject-request", request, "--reason", "Евфросинья Аполлинарьевна, приложите квитанцию").status == 0)
        // a reading she sent from the portal, refused with words to her
        _ = t.sql("""
            INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at, user_id)
            SELECT m.id, 99999, '2026-07-19', 'portal', 'pending', '2026-07-19T10:00:00Z', \(user)
            FROM meter m JOIN account a ON a.id = m.account_id WHERE a.number = '70000001' LIMIT 1;
            """)
        let reading = t.sql("SELECT max(id) FROM reading WHERE user_id = \(user)")
        let refused = t.run("reading", "reject", reading, "--reason", "other", "--message", "Евфросинья Аполлинарьевна, фото нечитаемо")
        #expect(refused.status == 0, "\(refused)")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE status = 'waiting'") != "0", "letters to her wait")
        let held = Self.tracesOfHer(in: t.storedBytes())
        #expect(Set(held).isSuperset(of: ["zyuzin", "Зюзин", "Пржевальск", Her.attachmentName] + Her.phones), "the scan sees her before: \(held)")

        let erased = t.run("user", "delete", user, "--yes")
        #expect(erased.status == 0, "\(erased)")
        let left = Self.tracesOfHer(in: t.storedBytes())
        #expect(left.isEmpty, "the database still holds \(left)")
        // what stays: the ids, the statuses, the decisions
        #expect(t.sql("SELECT status FROM application WHERE id = \(secondApplication)") == "accepted")
        #expect(t.sql("SELECT count(*) FROM attachment") == t.sql("SELECT count(*) FROM attachment WHERE application_id <> \(firstApplication) OR application_id IS NULL"),
                "her files are gone")
        #expect(t.sql("SELECT status FROM ticket WHERE id IN (\(anonymous), \(portalTicket))") == "closed\nclosed")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE status = 'waiting' AND recipient = '[удалено]'") == "0", "nothing of hers is sent after")
        #expect(t.sql("SELECT reason_args FROM audit WHERE action = 'user.edit' AND entity_id = '\(user)' ORDER BY id LIMIT 1") == #"{"field":"full_name"}"#)
        // her values were never in the audit rows (issue 37): the field changed, the login's kind
        #expect(t.sql("SELECT coalesce(old_value, '-') || ' → ' || new_value FROM audit WHERE action = 'user.set-login' AND entity_id = '\(user)'") == "- → phone")
        #expect(t.sql("SELECT count(*) FROM user_former_value WHERE user_id = \(user)") == "0", "her former values go with her")
        // the clerk's words that named her are gone, their digest stays, and the chain still verifies
        #expect(t.sql("SELECT count(*) FROM audit WHERE action = 'user.block' AND entity_id = '\(user)' AND reason IS NULL AND reason_salt IS NULL AND reason_digest IS NOT NULL") == "1")
        let verified = t.run("audit", "verify")
        #expect(verified.status == 0, "\(verified)")
        #expect(t.sql("SELECT count(*) FROM audit WHERE action = 'application.approve' AND entity_id = '\(secondApplication)' AND new_value = 'accepted'") == "1")
        #expect(t.sql("SELECT status || ' ' || reason || ' ' || message FROM reading WHERE id = \(reading)") == "rejected other [удалено], фото нечитаемо")
    }

    // MARK: nothing of anyone else

    /// Every row of every table but hers, each table's rows sorted, as sqlite3 quotes them (on
    /// PostgreSQL: as psql writes each row whole, its values quoted where they need it).
    static func othersRows(_ t: E2E, _ hers: [String: String]) -> [String: String] {
        let tables = t.sql(t.engine == .sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            : "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")
            .split(separator: "\n").map(String.init)
            // the queues' counts, the audit chain's head and the search indexes are sums, the last
            // hash and trigrams of everyone's rows
            .filter { $0 != "queue_count" && $0 != "audit_chain" && !$0.contains("_search") }
        #expect(tables.count > 20, "\(tables)")
        var dump: [String: String] = [:]
        for table in tables {
            let rows = switch t.engine {
            case .sqlite:
                E2E.exec("/usr/bin/sqlite3", ["-cmd", ".mode quote", t.db,
                                              "SELECT * FROM \(table) \(hers[table].map { "WHERE NOT coalesce((\($0)), 0)" } ?? "")"]).stdout
            case .postgresql:
                t.sql("SELECT CAST(k AS TEXT) FROM \(table) AS k \(hers[table].map { "WHERE NOT coalesce((\($0)), false)" } ?? "")")
            }
            dump[table] = rows.split(separator: "\n", omittingEmptySubsequences: false).sorted().joined(separator: "\n")
        }
        return dump
    }

    @Test func anErasureChangesNoOneElsesRowWhateverTheNameIs() throws {
        let t = E2E()
        t.demo(accounts: 150)
        // what others have: decisions on readings, edits of profiles, letters that begin with a greeting
        let accepted = t.run("reading", "accept", "--all-valid", "--yes")
        #expect(accepted.status == 0, "\(accepted)")
        #expect(Int(t.sql("SELECT count(*) FROM audit WHERE action = 'reading.accept' AND new_value = 'accepted'")) ?? 0 > 5)
        for other in t.sql("SELECT id FROM portal_user WHERE status = 'active' ORDER BY id LIMIT 3").split(separator: "\n") {
            #expect(t.run("user", "edit", String(other), "--notify-news", "on", "--name", "Другой Клиент \(other)").status == 0)
        }
        for ticket in t.sql("SELECT id FROM ticket WHERE status = 'new' AND (sender_email IS NOT NULL OR sender_phone IS NOT NULL) ORDER BY id LIMIT 3")
            .split(separator: "\n") {
            #expect(t.run("ticket", "reply", String(ticket), "-m", "Здравствуйте! Ваш вопрос решён.").status == 0)
        }
        // a guest who wrote without an account, with the same full name as one of the users below
        let guest = t.run(["ticket", "open", "--channel", "rgk", "--rgk", "vologda", "--topic", "bills", "--name", "Кузьмина Ольга Петровна",
                           "--email", "guest.kuzmina@example.org", "--message", "Я Кузьмина Ольга Петровна, счёт не пришёл"])
        #expect(guest.status == 0, "\(guest)")

        let names = ["accepted", "Здравствуйте", #""field":""#, "Кузьмина Ольга Петровна",
                     "O'Brien \"Q\" \\ back\\slash\nновая строка\tтаб\u{1}"]
        var users: [String] = []
        for (n, name) in names.enumerated() {
            let login = "erase\(n)@example.com"
            let created = t.run(["user", "create", login, "--name", "Временное Имя", "--phone", "+7900555000\(n)", "--password-stdin"],
                                stdin: "Secret123\n")
            #expect(created.status == 0, "\(created)")
            let user = t.sql("SELECT id FROM portal_user WHERE login = '\(login)'")
            users.append(user)
            let edited = t.run("user", "edit", user, "--name", name)
            #expect(edited.status == 0, "\(name): \(edited)")
            #expect(t.run("user", "link", user, "7000000\(n + 1)", "--rgk", "vologda", "--alias", name.count > 64 ? "Дом" : name).status == 0)
            _ = t.sql("""
                INSERT INTO ticket (channel, rgk_id, topic, status, user_id, sender_name, sender_email, sender_phone, source, created_at, updated_at, last_customer_at)
                VALUES ('rgk', 1, 'bills', 'new', \(user), (SELECT full_name FROM portal_user WHERE id = \(user)), '\(login)', NULL, 'portal',
                        '2026-07-19T10:00:00Z', '2026-07-19T10:00:00Z', '2026-07-19T10:00:00Z');
                INSERT INTO ticket_message (ticket_id, at, author_kind, author, body)
                VALUES ((SELECT max(id) FROM ticket), '2026-07-19T10:00:00Z', 'customer', (SELECT full_name FROM portal_user WHERE id = \(user)), 'Мой вопрос');
                """)
            #expect(t.run("ticket", "reply", t.sql("SELECT max(id) FROM ticket"), "-m", "Здравствуйте! accepted").status == 0)
        }
        #expect(t.sql("SELECT full_name FROM portal_user WHERE id = \(users[2])") == #""field":""#)
        // an e-mail the namesake shares with another live customer is not hers alone: the letters
        // to it about him, and a question sent from it without signing in, are not hers
        let relative = t.sql("SELECT id FROM portal_user WHERE status = 'active' AND id NOT IN (\(users.joined(separator: ","))) ORDER BY id DESC LIMIT 1")
        #expect(t.run("user", "edit", users[3], "--email", "family.kuzmin@example.org").status == 0)
        #expect(t.run("user", "edit", relative, "--email", "Family.Kuzmin@example.org").status == 0)
        let family = t.run(["ticket", "open", "--channel", "rgk", "--rgk", "vologda", "--topic", "bills", "--name", "Кузьмин Пётр",
                            "--email", "family.kuzmin@example.org", "--message", "Вопрос от семьи"])
        #expect(family.status == 0, "\(family)")

        // hers, as the test sees it: her user and what hangs from it by id
        let ids = users.joined(separator: ",")
        let tickets = t.sql("SELECT id FROM ticket WHERE user_id IN (\(ids)) ORDER BY id").split(separator: "\n").joined(separator: ",")
        let outbox = t.sql("SELECT id FROM outbox WHERE (entity_type = 'user' AND entity_id IN (\(ids))) OR (entity_type = 'ticket' AND entity_id IN (\(tickets))) ORDER BY id")
            .split(separator: "\n").joined(separator: ",")
        #expect(!tickets.isEmpty && !outbox.isEmpty)
        let quoted = { (list: String) in list.split(separator: ",").map { "'\($0)'" }.joined(separator: ",") }
        let hers: [String: String] = [
            "portal_user": "id IN (\(ids))",
            "ticket": "id IN (\(tickets))",
            "ticket_message": "ticket_id IN (\(tickets))",
            "attachment": "ticket_id IN (\(tickets))",
            "outbox": "id IN (\(outbox))",
            "user_account": "user_id IN (\(ids))",
            "confirmation_code": "user_id IN (\(ids))",
            "user_former_value": "user_id IN (\(ids))",
            "audit": """
                action = 'user.delete' OR (entity_type = 'user' AND entity_id IN (\(quoted(ids))))
                OR (entity_type = 'link' AND (\(users.map { "entity_id LIKE '\($0):%'" }.joined(separator: " OR "))))
                OR (entity_type = 'ticket' AND entity_id IN (\(quoted(tickets))))
                """,
        ]
        let before = Self.othersRows(t, hers)
        let acceptances = t.sql("SELECT id || old_value || new_value FROM audit WHERE action = 'reading.accept' ORDER BY id")
        let greetings = t.sql("SELECT count(*) FROM outbox WHERE status = 'waiting' AND body LIKE 'Здравствуйте%' AND NOT id IN (\(outbox))")
        #expect(Int(greetings) ?? 0 >= 3)

        for (user, name) in zip(users, names) {
            let erased = t.run("user", "delete", user, "--yes")
            #expect(erased.status == 0, "\(name): \(erased)")
        }
        let after = Self.othersRows(t, hers)
        #expect(before.keys.sorted() == after.keys.sorted())
        for table in before.keys.sorted() {
            #expect(before[table] == after[table], "\(table): rows of others changed")
        }
        #expect(t.sql("SELECT id || old_value || new_value FROM audit WHERE action = 'reading.accept' ORDER BY id") == acceptances)
        #expect(t.sql("SELECT count(*) FROM outbox WHERE status = 'waiting' AND body LIKE 'Здравствуйте%' AND NOT id IN (\(outbox))") == greetings)
        #expect(t.sql("SELECT count(*) FROM ticket WHERE sender_name = 'Кузьмина Ольга Петровна' AND sender_email = 'guest.kuzmina@example.org' AND status = 'new'") == "1",
                "the guest who shares her name keeps her question")
        #expect(t.sql("SELECT count(*) FROM ticket WHERE sender_email = 'family.kuzmin@example.org' AND status = 'new'") == "1",
                "a question from an e-mail another customer has too is not hers")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE recipient = 'family.kuzmin@example.org' AND entity_type = 'user' AND entity_id = \(relative)") != "0")
        let arguments = t.sql("SELECT reason_args FROM audit WHERE reason_args IS NOT NULL ORDER BY id").split(separator: "\n")
        #expect(!arguments.isEmpty)
        let broken = arguments.filter { (try? JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed)) == nil }
        #expect(broken.isEmpty, "reason_args that are not JSON: \(broken)")
        #expect(t.sql("SELECT count(*) FROM audit WHERE action = 'user.delete'") == String(users.count))
        let verified = t.run("audit", "verify")
        #expect(verified.status == 0, "the erasures leave a chain that verifies: \(verified)")
        #expect(t.sql("SELECT count(*) FROM portal_user WHERE id IN (\(ids)) AND status = 'deleted' AND full_name IS NULL") == String(users.count))
    }
}
