import Foundation

public struct TicketSummary: Sendable {
    public let id: Int64
    public let channel: String
    public let rgk: String?
    public let office: String?
    public let topic: String
    public let status: String
    public let senderName: String
    public let senderEmail: String?
    public let senderPhone: String?
    public let account: String?
    public let anonymous: Bool
    public let source: String
    public let assignedTo: String?
    public let createdAt: String
    public let lastCustomerAt: String
    public let lastOperatorAt: String?
    public let messages: Int
    /// Open: new, or answered with a newer message from the customer.
    public var awaitingReply: Bool { status == "new" || (status == "answered" && lastCustomerAt > (lastOperatorAt ?? "")) }
}

public struct TicketMessage: Sendable {
    public let id: Int64
    public let at: String
    public let authorKind: String
    public let author: String?
    public let body: String
    public let faqID: Int64?
}

public struct TicketDetail: Sendable {
    public let summary: TicketSummary
    public let messages: [TicketMessage]
    public let attachments: [AttachmentInfo]
}

public struct TicketFilter: Sendable {
    /// nil: the open queue; otherwise these states.
    public var statuses: [TicketStatus]?
    public var channel: TicketChannel?
    /// the channels an operator answers (a review); nil: every channel
    public var answeredBy: Role?
    public var rgk: String?
    public var officeID: Int64?
    public var topic: TicketTopic?
    public var search: String?
    public var assignedTo: String?
    public var since: Int64?
    public var limit = 50
    public init() {}
}

/// Support tickets (SPEC §1.5): questions to the abonent department, an office, or portal support.
public enum Tickets {
    static let select = """
        SELECT t.id, t.channel, g.code, o.name, t.topic, t.status, t.sender_name, t.sender_email, t.sender_phone,
               coalesce(a.number, t.account_number), t.user_id IS NULL, t.source, t.assigned_to, t.created_at,
               t.last_customer_at, t.last_operator_at, (SELECT count(*) FROM ticket_message WHERE ticket_id = t.id)
        FROM ticket t LEFT JOIN rgk g ON g.id = t.rgk_id LEFT JOIN office o ON o.id = t.office_id
        LEFT JOIN account a ON a.id = t.account_id
        """

    static func summary(_ r: Row) -> TicketSummary {
        TicketSummary(id: r.int64(0), channel: r.string(1), rgk: r.optString(2), office: r.optString(3), topic: r.string(4),
                      status: r.string(5), senderName: r.string(6), senderEmail: r.optString(7), senderPhone: r.optString(8),
                      account: r.optString(9), anonymous: r.bool(10), source: r.string(11), assignedTo: r.optString(12),
                      createdAt: r.string(13), lastCustomerAt: r.string(14), lastOperatorAt: r.optString(15), messages: r.int(16))
    }

    public static func parseID(_ text: String) throws -> Int64 {
        try References.parseID(.ticket, text)
    }

    /// A ticket waits for the back office when it is new, or answered and written to again since:
    /// the two conditions, each served by the queue index, for a ticket table named `t`.
    public static func waiting(_ t: String) -> [String] {
        ["\(t).status = 'new'", "\(t).status = 'answered' AND \(t).last_customer_at > coalesce(\(t).last_operator_at, '')"]
    }

    public static func waitingCondition(_ t: String) -> String { "(" + waiting(t).map { "(\($0))" }.joined(separator: " OR ") + ")" }

    public static func list(_ db: any Storage, _ filter: TicketFilter) throws -> [TicketSummary] {
        // oldest first; each status is a branch of the page, in its queue index's order
        var page = BranchPage(table: "ticket t", orderColumn: "t.created_at", descending: false)
        switch filter.statuses {
        case nil:
            page.branches = waiting("t").map { ($0, [], nil) }
        case let statuses?:
            page.branches = (statuses.isEmpty ? TicketStatus.allCases.map { $0 } : statuses).map { ("t.status = ?", [$0.rawValue], nil) }
        }
        if let channel = filter.channel { page.conditions.append("t.channel = ?"); page.arguments.append(channel.rawValue) }
        if let role = filter.answeredBy, role != .admin {
            let channels = TicketChannel.allCases.filter { answeredBy($0) == role }
            page.conditions.append("(" + channels.map { _ in "t.channel = ?" }.joined(separator: " OR ") + ")")
            page.arguments.append(contentsOf: channels.map(\.rawValue) as [SQLBindable?])
        }
        if let rgk = filter.rgk { page.conditions.append("t.rgk_id = ?"); page.arguments.append(try RGK.id(db, rgk)) }
        if let office = filter.officeID { page.conditions.append("t.office_id = ?"); page.arguments.append(office) }
        if let topic = filter.topic { page.conditions.append("t.topic = ?"); page.arguments.append(topic.rawValue) }
        if let login = filter.assignedTo { page.conditions.append("t.assigned_to = ?"); page.arguments.append(login) }
        if let since = filter.since { page.conditions.append("t.created_at >= ?"); page.arguments.append(Timestamp.iso(since)) }
        if let search = filter.search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            let folded = Database.fold(search)
            var alternatives = ["instr(fold(t.sender_name), ?) > 0", "instr(fold(coalesce(t.sender_email, '')), ?) > 0",
                                "EXISTS (SELECT 1 FROM ticket_message m WHERE m.ticket_id = t.id AND instr(fold(m.body), ?) > 0)"]
            page.arguments.append(contentsOf: [folded, folded, folded] as [SQLBindable?])
            if let phone = Contact.phone(search) { alternatives.append("t.sender_phone = ?"); page.arguments.append(phone) }
            if let number = Contact.accountNumber(search) { alternatives.append("coalesce(t.account_number, '') = ?"); page.arguments.append(number) }
            page.conditions.append("(" + alternatives.joined(separator: " OR ") + ")")
        }
        // the page's ids first, then the columns (a message count each) for those rows only
        let (pageSQL, arguments) = page.subquery(limit: filter.limit)
        return try db.query(select + " WHERE t.id IN (SELECT k.id FROM \(pageSQL) ORDER BY \(page.order) LIMIT ?) ORDER BY t.created_at, t.id",
                            arguments: arguments + [filter.limit]).map(summary)
    }

    public static func show(_ db: any Storage, _ id: Int64) throws -> TicketDetail {
        try db.read {
            guard let row = try db.queryOne(select + " WHERE t.id = ?", id) else { throw MyGazError.notFound(.ticket, String(id)) }
            let messages = try db.query("""
                SELECT id, at, author_kind, author, body, faq_id FROM ticket_message WHERE ticket_id = ? ORDER BY at, id
                """, id).map {
                TicketMessage(id: $0.int64(0), at: $0.string(1), authorKind: $0.string(2), author: $0.optString(3),
                              body: $0.string(4), faqID: $0.optInt64(5))
            }
            return TicketDetail(summary: summary(row), messages: messages, attachments: try Attachments.list(db, .ticket(id)))
        }
    }

    /// Who answers a ticket (manual 001 §5.2): questions to the RGK's abonent department or an
    /// office are the clerks', questions to the portal's technical support are support's; admins
    /// answer any.
    public static func answeredBy(_ channel: TicketChannel) -> Role { channel == .support ? .support : .clerk }

    public static func checkMayAnswer(_ session: Session, channel: TicketChannel, id: String, command: String) throws {
        guard let role = try session.role(), role != .admin else { return }
        let needed = answeredBy(channel)
        guard role == needed else {
            throw MyGazError(.permission, .ticketNotYours, .text(id), .code(.ticketChannel, channel.rawValue), .code(.role, needed.rawValue),
                             .text(command))
        }
    }

    static func checkMayAnswer(_ session: Session, _ id: Int64, command: String) throws {
        guard let text = try session.db.scalarString("SELECT channel FROM ticket WHERE id = ?", id) else {
            throw MyGazError.notFound(.ticket, String(id))
        }
        try checkMayAnswer(session, channel: TicketChannel(rawValue: text) ?? .support, id: String(id), command: command)
    }

    static func status(_ db: any Storage, _ id: Int64) throws -> TicketStatus {
        guard let text = try db.scalarString("SELECT status FROM ticket WHERE id = ?", id) else { throw MyGazError.notFound(.ticket, String(id)) }
        return TicketStatus(rawValue: text)!
    }

    /// The operator's answer: stored, the ticket becomes answered, and an e-mail quoting the
    /// customer's message is queued to the sender.
    public static func reply(_ session: Session, _ id: Int64, body: String, faqID: Int64? = nil) throws -> Transition {
        let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw MyGazError.invalid(.emptyMessage) }
        return try session.db.write {
            try checkMayAnswer(session, id, command: "ticket reply")
            let current = try status(session.db, id)
            guard current != .closed else {
                throw MyGazError.conflict(.conflictState, .entity(.ticket), .text(String(id)), .code(.ticketStatus, "closed"),
                                          "ticket reply", .text("new or answered (ticket reopen first)"))
            }
            try session.db.run("INSERT INTO ticket_message (ticket_id, at, author_kind, author, body, faq_id) VALUES (?, ?, 'operator', ?, ?, ?)",
                               id, session.now, session.login, text, faqID)
            try session.db.run("UPDATE ticket SET status = 'answered', last_operator_at = ?, updated_at = ? WHERE id = ?",
                               session.now, session.now, id)
            try session.audit("ticket.reply", .ticket, id, old: current.rawValue, new: "answered", note: faqID.map { AuditNote(.faqAnswer, ["faq": .int($0)]) })
            var t = Transition(.ticket, id, .ticketStatus, from: current.rawValue, to: "answered")
            if let outcome = try notify(session, id, answer: text, closing: false) { t.told(outcome) }
            t.forceChanged = true    // a second answer is a change too, though the state stays
            return t
        }
    }

    /// Where a ticket's sender can be reached, and under which RGK its messages go.
    static func reach(_ db: any Storage, _ id: Int64) throws -> (reach: Notify.Reach, name: String, topic: String, rgkID: Int64?)? {
        guard let t = try db.queryOne("SELECT sender_name, sender_email, sender_phone, topic, rgk_id, user_id FROM ticket WHERE id = ?", id) else {
            return nil
        }
        return (Notify.Reach(email: t.optString(1), phone: t.optString(2), userID: t.optInt64(5)), t.string(0),
                Labels.label(.ticketTopic, t.string(3), russian: true),
                t.optInt64(4))
    }

    /// Queues the answer by the contact rule: a letter quoting the customer's message, or an SMS
    /// carrying the answer.
    static func notify(_ session: Session, _ id: Int64, answer: String, closing: Bool) throws -> Notify.Outcome? {
        guard let (reach, name, topic, rgkID) = try reach(session.db, id) else { return nil }
        let question = try session.db.scalarString("""
            SELECT body FROM ticket_message WHERE ticket_id = ? AND author_kind = 'customer' ORDER BY at DESC, id DESC LIMIT 1
            """, id) ?? ""
        let quoted = question.split(separator: "\n", omittingEmptySubsequences: false).map { "> " + $0 }.joined(separator: "\n")
        return try Notify.tell(session, reach, Notify.Notice(
            subject: "Ответ на обращение № \(id) (\(topic))",
            body: """
                Здравствуйте, \(name)!

                \(answer)

                \(closing ? "Обращение закрыто. " : "")Ваше обращение № \(id):
                \(quoted)
                """,
            sms: "Ответ на обращение № \(id): \(answer)\(closing ? " Обращение закрыто." : "")",
            kind: .ticketReply), need: .required, rgkID: rgkID, entity: .ticket, entityID: id, who: name)
    }

    public static func close(_ session: Session, _ id: Int64, message: String?) throws -> Transition {
        try session.db.write {
            try checkMayAnswer(session, id, command: "ticket close")
            let current = try status(session.db, id)
            if current == .closed { return Transition(.ticket, id, .ticketStatus, from: "closed", to: "closed") }
            var t = Transition(.ticket, id, .ticketStatus, from: current.rawValue, to: "closed")
            if let message, !message.isEmpty {
                try session.db.run("INSERT INTO ticket_message (ticket_id, at, author_kind, author, body) VALUES (?, ?, 'operator', ?, ?)",
                                   id, session.now, session.login, message)
                try session.db.run("UPDATE ticket SET last_operator_at = ? WHERE id = ?", session.now, id)
                if let outcome = try notify(session, id, answer: message, closing: true) { t.told(outcome) }
            }
            try session.db.run("UPDATE ticket SET status = 'closed', closed_at = ?, updated_at = ? WHERE id = ? AND status = ?",
                               session.now, session.now, id, current.rawValue)
            try session.audit("ticket.close", .ticket, id, old: current.rawValue, new: "closed", reason: message)
            return t
        }
    }

    public static func reopen(_ session: Session, _ id: Int64) throws -> Transition {
        try session.db.write {
            try checkMayAnswer(session, id, command: "ticket reopen")
            let current = try status(session.db, id)
            guard current == .closed else { return Transition(.ticket, id, .ticketStatus, from: current.rawValue, to: current.rawValue) }
            try session.db.run("UPDATE ticket SET status = 'new', closed_at = NULL, updated_at = ? WHERE id = ? AND status = 'closed'",
                               session.now, id)
            try session.audit("ticket.reopen", .ticket, id, old: "closed", new: "new")
            return Transition(.ticket, id, .ticketStatus, from: "closed", to: "new")
        }
    }

    public static func assign(_ session: Session, _ id: Int64, to login: String) throws -> Transition {
        try session.db.write {
            guard try Operators.find(session.db, login) != nil else { throw MyGazError.notFound(.operator, login) }
            try checkMayAnswer(session, id, command: "ticket assign")
            guard let row = try session.db.queryOne("SELECT assigned_to, status FROM ticket WHERE id = ?", id) else {
                throw MyGazError.notFound(.ticket, String(id))
            }
            var t = Transition(.ticket, id, .ticketStatus, from: row.string(1), to: row.string(1), extra: [("assigned_to", login)])
            if row.optString(0) == login {
                t.human = Message(.alreadyAssigned, [.entity(.ticket), .text(String(id)), .text(login)])
                return t
            }
            try session.db.run("UPDATE ticket SET assigned_to = ?, updated_at = ? WHERE id = ?", login, session.now, id)
            try session.audit("ticket.assign", .ticket, id, old: row.optString(0), new: login)
            t.forceChanged = true
            t.human = Message(.assignedTo, [.entity(.ticket), .text(String(id)), .text(row.optString(0) ?? "—"), .text(login)])
            return t
        }
    }

    public struct New: Sendable {
        public var channel: TicketChannel
        public var rgk: String?
        public var officeID: Int64?
        public var topic: TicketTopic
        public var name: String
        public var email: String?
        public var phone: String?
        public var account: AccountRef?
        public var accountText: String?
        public var message: String
        public var source: TicketSource
        public var attachments: [NewAttachment]

        public init(channel: TicketChannel, rgk: String?, officeID: Int64?, topic: TicketTopic, name: String, email: String?,
                    phone: String?, account: AccountRef?, accountText: String?, message: String, source: TicketSource,
                    attachments: [NewAttachment]) {
            self.channel = channel
            self.rgk = rgk
            self.officeID = officeID
            self.topic = topic
            self.name = name
            self.email = email
            self.phone = phone
            self.account = account
            self.accountText = accountText
            self.message = message
            self.source = source
            self.attachments = attachments
        }
    }

    /// A question taken by phone or at the office, acknowledged to the customer with its number
    /// and the time an answer may take (manual 001 §5.3.1).
    public static func open(_ session: Session, _ new: New) throws -> (id: Int64, acknowledgement: Notify.Outcome) {
        let email = try Contact.validEmail(new.email)
        let phone = try Contact.validPhone(new.phone)
        guard email != nil || phone != nil else { throw MyGazError.usage(.oneOfRequired, "ticket open", "--email, --phone") }
        let body = new.message.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !body.isEmpty else { throw MyGazError.invalid(.emptyMessage) }
        return try session.db.write {
            try checkMayAnswer(session, channel: new.channel, id: "—", command: "ticket open")
            var rgkID = try new.rgk.map { try RGK.id(session.db, $0) } ?? new.account?.rgkID
            if let office = new.officeID {
                guard let officeRGK = try session.db.queryOne("SELECT rgk_id FROM office WHERE id = ?", office)?.int64(0) else {
                    throw MyGazError.notFound(.office, String(office))
                }
                if let rgkID, rgkID != officeRGK { throw MyGazError.usage(.officeOtherRGK, .text(String(office))) }
                rgkID = officeRGK
            }
            if new.channel == .office && new.officeID == nil { throw MyGazError.usage(.optionRequires, "--channel office", "--office") }
            if new.channel != .support && rgkID == nil { throw MyGazError.usage(.optionRequires, .text("--channel \(new.channel.rawValue)"), "--rgk") }
            let id = try session.db.insert("""
                INSERT INTO ticket (channel, rgk_id, office_id, topic, status, sender_name, sender_email, sender_phone, account_number,
                                    account_id, source, created_at, updated_at, last_customer_at)
                VALUES (?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, new.channel.rawValue, rgkID, new.officeID, new.topic.rawValue, new.name, email, phone,
                new.account?.number ?? new.accountText, new.account?.id, new.source.rawValue, session.now, session.now, session.now)
            try session.db.run("INSERT INTO ticket_message (ticket_id, at, author_kind, author, body) VALUES (?, ?, 'customer', NULL, ?)",
                               id, session.now, body)
            try Attachments.store(session, .ticket(id), new.attachments)
            try session.audit("ticket.open", .ticket, id, new: "new", note: AuditNote(.ticketOpened, ["source": .text(new.source.rawValue), "channel": .text(new.channel.rawValue),
                                                                                "topic": .text(new.topic.rawValue)]))
            let days = try Settings.days(session.db, .ticketAnswerDays)
            let topic = Labels.label(.ticketTopic, new.topic.rawValue, russian: true)
            let acknowledgement = try Notify.tell(session, Notify.Reach(email: email, phone: phone), Notify.Notice(
                subject: "Обращение № \(id) принято",
                body: """
                    Здравствуйте, \(new.name)!

                    Ваше обращение № \(id) (\(topic)) принято \(Day(epochSeconds: session.clock.now).russian).
                    Ответ будет дан в течение \(Russian.days(days)). Сохраните номер обращения: по нему можно узнать, как идет его рассмотрение.
                    """,
                sms: "Обращение № \(id) принято. Ответ - в течение \(Russian.days(days)).",
                kind: .ticketReceived), need: .required, rgkID: rgkID, entity: .ticket, entityID: id, who: new.name)
            return (id, acknowledgement)
        }
    }
}

public struct FAQEntry: Sendable {
    public let id: Int64
    public let topic: String
    public let question: String
    public let answer: String
    public let updatedAt: String
}

/// The FAQ of manual 001 §5.1, and the ready answers it gives to tickets.
public enum FAQ {
    public static func list(_ db: any Storage, topic: TicketTopic?, search: String?) throws -> [FAQEntry] {
        let folded = search.map(Database.fold)
        return try db.query("""
            SELECT id, topic, question, answer, updated_at FROM faq
            WHERE (?1 IS NULL OR topic = ?1) AND (?2 IS NULL OR instr(fold(question || ' ' || answer), ?2) > 0)
            ORDER BY topic, id
            """, topic?.rawValue, folded).map(entry)
    }

    static func entry(_ r: Row) -> FAQEntry {
        FAQEntry(id: r.int64(0), topic: r.string(1), question: r.string(2), answer: r.string(3), updatedAt: r.string(4))
    }

    public static func find(_ db: any Storage, _ id: Int64) throws -> FAQEntry {
        guard let row = try db.queryOne("SELECT id, topic, question, answer, updated_at FROM faq WHERE id = ?", id) else {
            throw MyGazError.notFound(.faq, String(id))
        }
        return entry(row)
    }

    public static func add(_ session: Session, topic: TicketTopic, question: String, answer: String) throws -> Int64 {
        guard !question.isEmpty, !answer.isEmpty else { throw MyGazError.invalid(.emptyMessage) }
        return try session.db.write {
            let id = try session.db.insert("INSERT INTO faq (topic, question, answer, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                               topic.rawValue, question, answer, session.now, session.now)
            try session.audit("faq.add", .faq, id, new: topic.rawValue)
            return id
        }
    }

    public static func edit(_ session: Session, _ id: Int64, topic: TicketTopic?, question: String?, answer: String?) throws -> Bool {
        try session.db.write {
            let old = try find(session.db, id)
            let new = (topic?.rawValue ?? old.topic, question ?? old.question, answer ?? old.answer)
            if new == (old.topic, old.question, old.answer) { return false }
            try session.db.run("UPDATE faq SET topic = ?, question = ?, answer = ?, updated_at = ? WHERE id = ?",
                               new.0, new.1, new.2, session.now, id)
            try session.audit("faq.edit", .faq, id, old: old.topic, new: new.0)
            return true
        }
    }

    public static func remove(_ session: Session, _ id: Int64) throws {
        try session.db.write {
            let old = try find(session.db, id)
            try session.db.run("DELETE FROM faq WHERE id = ?", id)
            try session.audit("faq.remove", .faq, id, old: old.topic, reason: old.question)
        }
    }
}
