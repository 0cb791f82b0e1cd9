import Foundation
import Testing

/// A request about personal data (issue 38): 10 working days from its registration, the clock
/// standing while a question waits for the customer, extended once with a reasoned letter that
/// names the new date; the ticket lists and `status` say what is late. Dates worked by hand
/// around the 2026 New Year (31.12.2025 and 1–11.01.2026 off).
@Suite(.serialized) struct TicketDeadlinesTests {
    /// A request of `topic` opened at the desk in a demo region, and the acknowledgement's body
    /// delivered to `email`.
    static func opened(_ topic: String, email: String, message: String) throws -> (t: E2E, id: String, acknowledgement: String) {
        let t = E2E()
        t.demo(accounts: 100)
        let opened = t.run("ticket", "open", "--channel", "rgk", "--rgk", "vologda", "--topic", topic, "--name", "Петрова Анна Ивановна",
                           "--email", email, "--message", message, "--json")
        #expect(opened.status == 0, "\(opened)")
        let id = String(try #require(opened.jsonArray.first?["id"] as? Int))
        let acknowledged = try #require(t.deliver().mail.first { $0["To"] == email })
        return (t, id, acknowledged["body"] ?? "")
    }

    @Test func aPersonalDataRequestIsDuePausedAndExtendedOnce() throws {
        let (t, id, acknowledgement) = try Self.opened("personal_data", email: "pd@example.org", message: "Прошу сообщить, какие мои данные вы храните")
        #expect(acknowledgement.contains("в течение 10 рабочих дней"), "\(acknowledgement)")

        // registered Thu 25.12.2025: worked days 26, 29, 30.12, then 12–16, 19, 20.01: due 20.01.2026
        _ = t.sql("UPDATE ticket SET created_at = '2025-12-25T09:00:00Z', last_customer_at = '2025-12-25T09:00:00Z' WHERE id = \(id)")
        _ = t.sql("UPDATE ticket_message SET at = '2025-12-25T09:00:00Z' WHERE ticket_id = \(id)")
        var shown = t.run("ticket", "show", id, "--json").jsonObject
        #expect(shown["topic"] as? String == "personal_data" && shown["due_at"] as? String == "2026-01-20", "\(shown)")

        // asked on Mon 29.12, answered on Tue 13.01: worked days 30.12, 12.01, 13.01 inside: three more, due 23.01.2026
        let asked = t.run("ticket", "reply", id, "--ask", "--message", "Уточните, пожалуйста, номер лицевого счета")
        #expect(asked.status == 0, "\(asked)")
        #expect(t.run("ticket", "show", id, "--json").jsonObject["due_at"] is NSNull, "waiting on the customer: the clock stands")
        _ = t.sql("UPDATE ticket_message SET at = '2025-12-29T09:00:00Z' WHERE ticket_id = \(id) AND author_kind = 'operator'")
        _ = t.sql("""
            INSERT INTO ticket_message (ticket_id, at, author_kind, body) VALUES (\(id), '2026-01-13T09:00:00Z', 'customer', 'Счет 70000001');
            UPDATE ticket SET last_operator_at = '2025-12-29T09:00:00Z', last_customer_at = '2026-01-13T09:00:00Z' WHERE id = \(id)
            """)
        shown = t.run("ticket", "show", id, "--json").jsonObject
        #expect(shown["due_at"] as? String == "2026-01-23" && shown["overdue"] as? Bool == true, "\(shown)")
        #expect(t.run("--lang", "ru", "ticket", "show", id).stdout.contains("вопрос: ждем ответа клиента"))

        // extended by 5 working days: 26–30.01.2026; the person told why and until when
        let extended = t.run("ticket", "extend", id, "--reason", "Запрошены сведения из архива РГК")
        #expect(extended.status == 0 && extended.stdout.contains("23.01.2026 → 30.01.2026"), "\(extended)")
        shown = t.run("ticket", "show", id, "--json").jsonObject
        #expect(shown["due_at"] as? String == "2026-01-30" && shown["extend_reason"] as? String == "Запрошены сведения из архива РГК", "\(shown)")
        let letter = try #require(t.deliver().mail.first { ($0["Subject"] ?? "").contains("продлен") })
        let body = letter["body"] ?? ""
        #expect(letter["To"] == "pd@example.org" && body.contains("до 30 января 2026 г.") && body.contains("Запрошены сведения из архива РГК")
                && body.contains("Анна Ивановна") && body.contains("152-ФЗ"), "\(letter)")
        let again = t.run("ticket", "extend", id, "--reason", "Еще раз")
        #expect(again.status == 4 && again.stderr.split(separator: "\n").count == 1 && again.stderr.contains("152"), "\(again)")
        #expect(t.run("ticket", "show", id, "--json").jsonObject["due_at"] as? String == "2026-01-30", "nothing changed")

        // an appeal is no personal-data request: not extended, until marked as one
        let appeal = t.sql("SELECT min(id) FROM ticket WHERE status = 'new' AND rgk_id IS NOT NULL AND personal_data = 0")
        let refused = t.run("ticket", "extend", appeal, "--reason", "Архив")
        #expect(refused.status == 4 && refused.stderr.contains("personal_data"), "\(refused)")
        #expect(t.run("ticket", "edit", appeal, "--topic", "personal_data").status == 0)
        #expect(t.run("ticket", "show", appeal, "--json").jsonObject["topic"] as? String == "personal_data")
        #expect(t.run("ticket", "edit", appeal, "--topic", "bills").status == 0)
        #expect(t.run("ticket", "show", appeal, "--json").jsonObject["topic"] as? String == "bills")
        #expect(t.run("ticket", "edit", appeal, "--topic", "gossip").status == 2)

        // the lists and status
        let late = t.run("ticket", "list", "--overdue", "--json").jsonArray
        #expect(late.contains { "\($0["id"] ?? "")" == id && $0["overdue"] as? Bool == true }, "\(late)")
        #expect(late.allSatisfy { $0["overdue"] as? Bool == true })
        let requests = t.run("ticket", "list", "--topic", "personal_data", "--json").jsonArray
        #expect(requests.map { "\($0["id"] ?? "")" } == [id], "\(requests)")
        #expect(t.run("--lang", "ru", "ticket", "list", "--topic", "personal_data").stdout.contains("Персональные данные"))
        let rows = (t.run("status", "--json").jsonObject["deadlines"] as? [[String: Any]]) ?? []
        let tickets = rows.first { $0["queue"] as? String == "tickets_open" && $0["rgk"] as? String == "vologda" }
        #expect((tickets?["overdue"] as? Int ?? 0) >= 1, "\(rows)")
    }

    /// A correction of one's data (152-FZ art. 21 p. 2: 7 working days) and a withdrawal of consent
    /// (art. 21 p. 5: 30 days) each have their own period, are told to the person, listed by their
    /// own topic and never extended; the counters `status` reads keep them apart.
    @Test func aCorrectionAndAWithdrawalOfConsentHaveTheirOwnPeriods() throws {
        let (t, id, acknowledgement) = try Self.opened("personal_data_correction", email: "fix@example.org", message: "В моих данных неверно указан адрес")
        #expect(acknowledgement.contains("(уточнение персональных данных)") && acknowledgement.contains("в течение 7 рабочих дней"), "\(acknowledgement)")

        // registered Mon 29.12.2025: 30.12 (1), then 12–16.01 (2–6), Mon 19.01.2026 (7)
        _ = t.sql("UPDATE ticket SET created_at = '2025-12-29T09:00:00Z', last_customer_at = '2025-12-29T09:00:00Z' WHERE id = \(id)")
        _ = t.sql("UPDATE ticket_message SET at = '2025-12-29T09:00:00Z' WHERE ticket_id = \(id)")
        var shown = t.run("ticket", "show", id, "--json").jsonObject
        #expect(shown["topic"] as? String == "personal_data_correction" && shown["due_at"] as? String == "2026-01-19", "\(shown)")
        let refused = t.run("ticket", "extend", id, "--reason", "Архив")
        #expect(refused.status == 4 && refused.stderr.split(separator: "\n").count == 1 && refused.stderr.contains("personal_data_correction")
                && refused.stderr.contains("art. 20"), "\(refused)")
        #expect(t.run("ticket", "show", id, "--json").jsonObject["due_at"] as? String == "2026-01-19", "nothing changed")

        // the person withdraws her consent instead: 29.12.2025 + 30 = Wed 28.01.2026, a working day
        let edited = t.run("--lang", "ru", "ticket", "edit", id, "--topic", "personal_data_withdrawal")
        #expect(edited.status == 0 && edited.stdout.contains("уточнение ПДн (152-ФЗ) → отзыв согласия (152-ФЗ)"), "\(edited)")
        shown = t.run("ticket", "show", id, "--json").jsonObject
        #expect(shown["topic"] as? String == "personal_data_withdrawal" && shown["due_at"] as? String == "2026-01-28", "\(shown)")
        #expect(t.sql("SELECT old_value || ' ' || new_value FROM audit WHERE action = 'ticket.topic' AND entity_id = '\(id)'")
                == "personal_data_correction personal_data_withdrawal")
        // the person learns the date her answer is now due by
        let told = try #require(t.deliver().mail.first { $0["To"] == "fix@example.org" && ($0["Subject"] ?? "").contains("изменен") }, "\(edited)")
        #expect(told["body"]?.contains("«отзыв согласия на обработку персональных данных»") == true
                && told["body"]?.contains("до 28 января 2026 г.") == true, "\(told)")
        // a topic that moves no date tells her nothing: an appeal's 30 days end the same Wednesday
        let queued = t.sql("SELECT count(*) FROM outbox")
        #expect(t.run("ticket", "edit", id, "--topic", "bills").status == 0 && t.run("ticket", "edit", id, "--topic", "personal_data_withdrawal").status == 0)
        #expect(t.sql("SELECT count(*) FROM outbox") == queued, "the date kept, nothing told")

        // each kind its own topic in the lists
        #expect(t.run("ticket", "list", "--topic", "personal_data_withdrawal", "--json").jsonArray.map { "\($0["id"] ?? "")" } == [id])
        #expect(!t.run("ticket", "list", "--topic", "personal_data", "--json").jsonArray.contains { "\($0["id"] ?? "")" == id })
        #expect(t.run("ticket", "list", "--topic", "personal_data_correction", "--json").jsonArray.isEmpty)
        let russian = t.run("--lang", "ru", "ticket", "list", "--topic", "personal_data_withdrawal")
        #expect(russian.stdout.contains("Отзыв согласия (152-ФЗ)"), "\(russian)")
        let due = t.run("ticket", "list", "--overdue", "--sort", "due", "--json").jsonArray
        #expect(due.contains { "\($0["id"] ?? "")" == id && $0["due_at"] as? String == "2026-01-28" }, "\(due)")

        // a new withdrawal, 30 days from today: counted by status under its own kind, the counters right
        let withdrawal = t.run("ticket", "open", "--channel", "rgk", "--rgk", "vologda", "--topic", "personal_data_withdrawal", "--name", "Иванов Петр",
                               "--phone", "89815676522", "--message", "Отзываю согласие на обработку персональных данных", "--json")
        #expect(withdrawal.status == 0, "\(withdrawal)")
        #expect(t.sql("SELECT count(*) FROM due_count WHERE queue = 'ticket_1_withdrawal' AND hour = '*'") == "1")
        #expect(t.run("db", "check").status == 0, "the counters say what the rows say")
        // the review walks the requests of one kind: the two withdrawals, not the rest of the queue
        let walk = t.interactive(["ticket", "review", "--topic", "personal_data_withdrawal"], [.expect("ticket 1/2"), .send("q")])
        #expect(walk.ok && walk.exit == 0, "\(walk.description)")
        #expect(t.run("ticket", "open", "--channel", "rgk", "--rgk", "vologda", "--topic", "personal_data_erasure", "--name", "Иванов Петр",
                      "--phone", "89815676522", "--message", "x").status == 2)
    }
}

/// Each RGK counts its items' days in its own time zone (`calendar set-zone`, schema 19).
@Suite(.serialized) struct RGKZoneTests {
    @Test func aTicketIsRegisteredOnItsRGKsLocalDay() throws {
        let t = E2E()
        t.demo(accounts: 100)
        let id = t.sql("SELECT min(id) FROM ticket WHERE status = 'new' AND rgk_id = (SELECT id FROM rgk WHERE code = 'vologda')")
        // 15:00 UTC on Sun 11.01.2026: 18:00 that day in Moscow, 01:00 on Mon 12.01 in Vladivostok
        _ = t.sql("UPDATE ticket SET created_at = '2026-01-11T15:00:00Z', personal_data = 0 WHERE id = \(id)")
        _ = t.sql("DELETE FROM ticket_message WHERE ticket_id = \(id) AND author_kind = 'operator'")
        _ = t.sql("UPDATE ticket_message SET at = '2026-01-11T15:00:00Z' WHERE ticket_id = \(id)")
        // + 30 calendar days: Tue 10.02.2026 from Moscow's 11.01; Wed 11.02 from Vladivostok's 12.01
        #expect(t.run("ticket", "show", id, "--json").jsonObject["due_at"] as? String == "2026-02-10")
        let set = t.run("calendar", "set-zone", "vologda", "Asia/Vladivostok")
        #expect(set.status == 0 && set.stdout.contains("Europe/Moscow → Asia/Vladivostok"), "\(set)")
        #expect(t.run("ticket", "show", id, "--json").jsonObject["due_at"] as? String == "2026-02-11")
        let zones = t.run("calendar", "zones", "--json").jsonArray
        #expect(zones.first { $0["rgk"] as? String == "vologda" }?["time_zone"] as? String == "Asia/Vladivostok", "\(zones)")
        #expect(zones.first { $0["rgk"] as? String == "kostroma" }?["time_zone"] as? String == "Europe/Moscow")
        let bad = t.run("calendar", "set-zone", "vologda", "Mars/Olympus")
        #expect(bad.status == 2 && bad.stderr.contains("Mars/Olympus") && bad.stderr.split(separator: "\n").count == 1, "\(bad)")
        #expect(t.run("calendar", "set-zone", "nowhere", "Europe/Moscow").status == 3)
        #expect(t.sql("SELECT time_zone FROM rgk WHERE code = 'vologda'") == "Asia/Vladivostok", "nothing changed")
        #expect(t.sql("SELECT count(*) FROM audit WHERE action = 'rgk.time-zone'") == "1")
    }
}
