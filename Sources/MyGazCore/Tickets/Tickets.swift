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
    /// A data subject's request (152-FZ), each kind with its own period; the request about one's
    /// data extendable once (`ticket extend`). nil: an appeal.
    public internal(set) var personalData: PersonalDataRequest?
    public internal(set) var extendedAt: String?
    public internal(set) var extendReason: String?
    /// The deadline clock its row keeps (`TicketClock`, schema 23); read from the messages where
    /// the row was not read.
    var clockState = TicketClock.readMessages
    var clockFrom: String?
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
    /// An operator's question: the ticket waits on the customer's answer, its clock stopped.
    public internal(set) var asks = false
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
    /// Only data subjects' requests of this kind (`--topic personal_data`, …).
    public var personalData: PersonalDataRequest?
    /// Only those registered before this moment (`TicketDeadlines.list`: due by a day).
    var createdBefore: Int64?
    /// Only those registered at this moment or later (the nearest deadline after a window).
    var createdAfter: Int64?
    /// Of the open queue, only the tickets whose clock simply runs (`running`: counted in
    /// `due_count`), in the order their clocks started, or only the others (`uncounted`), which
    /// `TicketDeadlines.nearestFirst` reads apart.
    var clock: ClockPart?
    enum ClockPart: Sendable { case running, uncounted }
    /// A condition of its own with its arguments (`TicketDeadlines.nearestFirst`: a stream's RGKs).
    var condition: (sql: String, arguments: [SQLValue])?
    /// The operator's RGK ids (`Session.rgkScope`), nil = every RGK; tickets without an RGK
    /// (the portal-wide support channel) are every operator's to see.
    public var scope: [Int64]?
    public init() {}
}

/// Support tickets (SPEC §1.5): questions to the abonent department, an office, or portal support.
public enum Tickets {
    static let select = """
        SELECT t.id, t.channel, g.code AS rgk, o.name AS office, t.topic, t.status, t.sender_name, t.sender_email, t.sender_phone,
               coalesce(a.number, t.account_number) AS account, CASE WHEN t.user_id IS NULL THEN 1 ELSE 0 END AS anonymous,
               t.source, t.assigned_to, t.created_at, t.last_customer_at, t.last_operator_at, t.personal_data, t.personal_data_kind, t.extended_at, t.extend_reason,
               t.clock_state, t.clock_from, (SELECT count(*) FROM ticket_message WHERE ticket_id = t.id) AS messages
        FROM ticket t LEFT JOIN rgk g ON g.id = t.rgk_id LEFT JOIN office o ON o.id = t.office_id
        LEFT JOIN account a ON a.id = t.account_id
        """

    static func summary(_ r: Row) throws -> TicketSummary {
        var t = try TicketSummary(id: r.int64("id"), channel: r.string("channel"), rgk: r.optString("rgk"), office: r.optString("office"),
                          topic: r.string("topic"), status: r.string("status"), senderName: r.string("sender_name"),
                          senderEmail: r.optString("sender_email"), senderPhone: r.optString("sender_phone"), account: r.optString("account"),
                          anonymous: r.bool("anonymous"), source: r.string("source"), assignedTo: r.optString("assigned_to"),
                          createdAt: r.string("created_at"), lastCustomerAt: r.string("last_customer_at"),
                          lastOperatorAt: r.optString("last_operator_at"), messages: r.int("messages"))
        t.personalData = try personalDataRequest(r)
        t.extendedAt = try r.optString("extended_at")
        t.extendReason = try r.optString("extend_reason")
        t.clockState = try r.int("clock_state")
        t.clockFrom = try r.optString("clock_from")
        return t
    }

    /// The data subject's request a row's `personal_data` and `personal_data_kind` keep.
    static func personalDataRequest(_ r: Row) throws -> PersonalDataRequest? {
        PersonalDataRequest(personalData: try r.bool("personal_data"), kind: try r.optString("personal_data_kind"))
    }

    /// The condition of a ticket table named `t` for the tickets of one kind of request (nil: those that are none).
    static func personalDataCondition(_ t: String, _ request: PersonalDataRequest?) -> (sql: String, arguments: [SQLValue]) {
        guard let request else { return ("\(t).personal_data = ?", [.integer(0)]) }
        guard let kind = request.stored else { return ("\(t).personal_data = ? AND \(t).personal_data_kind IS NULL", [.integer(1)]) }
        return ("\(t).personal_data = ? AND \(t).personal_data_kind = ?", [.integer(1), .text(kind)])
    }

    public static func parseID(_ text: String) throws -> Int64 {
        try References.parseID(.ticket, text)
    }

    /// A ticket waits for the back office when it is new, or answered and written to again since:
    /// the two conditions, each served by the queue index, for a ticket table named `t`.
    public static func waiting(_ t: String) -> [String] {
        ["\(t).status = 'new'", "\(t).status = 'answered' AND \(t).last_customer_at > coalesce(\(t).last_operator_at, '')"]
    }

    /// The same branches less the tickets `due_count` counts by the hour their clock started
    /// (`QueueCounters.unansweredTicketsDue`): those whose clock a question paused or whose messages
    /// must be read (`TicketClock`), and the extended ones, each branch through its own index.
    static func waitingUncounted(_ t: String) -> [String] {
        waiting(t).map { "\($0) AND \(uncounted.replacingOccurrences(of: "X.", with: "\(t)."))" }
    }

    /// A waiting ticket `due_count` does not count, for a ticket table named `X`.
    static let uncounted = "(X.clock_state <> 0 OR X.extended_at IS NOT NULL)"
    /// A waiting ticket it counts.
    static let running = "X.clock_state = 0 AND X.extended_at IS NULL"
    /// The moment a ticket's clock started, for a ticket table named `t` (its running branches' indexes order by it).
    static func clockStarted(_ t: String) -> String { "coalesce(\(t).clock_from, \(t).created_at)" }

    public static func waitingCondition(_ t: String) -> String { "(" + waiting(t).map { "(\($0))" }.joined(separator: " OR ") + ")" }

    public static func list(_ db: any Storage, _ filter: TicketFilter) throws -> [TicketSummary] {
        // oldest first; each status is a branch of the page, in its queue index's order
        var page = BranchPage(table: "ticket t", orderColumn: filter.clock == .running ? clockStarted("t") : "t.created_at", descending: false)
        switch filter.statuses {
        case nil:
            switch filter.clock {
            case nil: page.branches = waiting("t").map { ($0, [], nil) }
            case .running?: page.branches = waiting("t").map { ("\($0) AND \(running.replacingOccurrences(of: "X.", with: "t."))", [], nil) }
            case .uncounted?: page.branches = waitingUncounted("t").map { ($0, [], nil) }
            }
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
        if filter.scope != nil {
            let scope = ScopeCondition.rgkOrPortal(db, "t.rgk_id", in: filter.scope)
            page.conditions.append(scope.sql); page.arguments += scope.arguments
        }
        if let (sql, arguments) = filter.condition { page.conditions.append(sql); page.arguments += arguments.map { $0 as SQLBindable? } }
        if let office = filter.officeID { page.conditions.append("t.office_id = ?"); page.arguments.append(office) }
        if let topic = filter.topic { page.conditions.append("t.topic = ? AND t.personal_data = 0"); page.arguments.append(topic.rawValue) }
        if let request = filter.personalData {
            let c = personalDataCondition("t", request)
            page.conditions.append(c.sql); page.arguments += c.arguments.map { $0 as SQLBindable? }
        }
        if let login = filter.assignedTo { page.conditions.append("t.assigned_to = ?"); page.arguments.append(login) }
        if let since = filter.since { page.conditions.append("t.created_at >= ?"); page.arguments.append(Timestamp.iso(since)) }
        if let before = filter.createdBefore { page.conditions.append("t.created_at < ?"); page.arguments.append(Timestamp.iso(before)) }
        if let after = filter.createdAfter { page.conditions.append("t.created_at >= ?"); page.arguments.append(Timestamp.iso(after)) }
        if let search = filter.search?.trimmingCharacters(in: .whitespaces), !search.isEmpty {
            let sql = db.sql, needle = sql.fold("CAST(? AS TEXT)")
            var alternatives = [sql.contains(sql.fold("t.sender_name"), needle), sql.contains(sql.fold("coalesce(t.sender_email, '')"), needle),
                                "EXISTS (SELECT 1 FROM ticket_message m WHERE m.ticket_id = t.id AND \(sql.contains(sql.fold("m.body"), needle)))"]
            page.arguments.append(contentsOf: [search, search, search] as [SQLBindable?])
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
                SELECT id, at, author_kind, author, body, faq_id, asks FROM ticket_message WHERE ticket_id = ? ORDER BY at, id
                """, id).map {
                var m = try TicketMessage(id: $0.int64("id"), at: $0.string("at"), authorKind: $0.string("author_kind"), author: $0.optString("author"),
                                          body: $0.string("body"), faqID: $0.optInt64("faq_id"))
                m.asks = try $0.bool("asks")
                return m
            }
            return TicketDetail(summary: try summary(row), messages: messages, attachments: try Attachments.list(db, .ticket(id)))
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
        try session.requireWorks(.ticket, [id])
        try checkMayAnswer(session, channel: TicketChannel(rawValue: text) ?? .support, id: String(id), command: command)
    }

    static func status(_ db: any Storage, _ id: Int64) throws -> TicketStatus {
        guard let text = try db.scalarString("SELECT status FROM ticket WHERE id = ?", id) else { throw MyGazError.notFound(.ticket, String(id)) }
        guard let status = TicketStatus(rawValue: text) else {
            throw MyGazError(.internalError, .internalError, .text("ticket \(id) has a state the schema does not allow: \(text)"))
        }
        return status
    }

    /// The operator's answer: stored, the ticket becomes answered, and an e-mail quoting the
    /// customer's message is queued to the sender. `asks`: a question to the customer, whose
    /// answer the ticket waits for, its deadline standing still meanwhile (docs/deadlines.md).
    public static func reply(_ session: Session, _ id: Int64, body: String, faqID: Int64? = nil, asks: Bool = false) throws -> Transition {
        let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw MyGazError.invalid(.emptyMessage) }
        return try session.db.write {
            try checkMayAnswer(session, id, command: "ticket reply")
            let current = try status(session.db, id)
            guard current != .closed else {
                throw MyGazError.conflict(.conflictState, .entity(.ticket), .text(String(id)), .code(.ticketStatus, "closed"),
                                          "ticket reply", .text("new or answered (ticket reopen first)"))
            }
            try Decision.move(session.db, .ticket, id, .ticketStatus, from: current.rawValue, to: "answered",
                              setting: "last_operator_at = ?, updated_at = ?", session.now, session.now)
            try session.db.run("INSERT INTO ticket_message (ticket_id, at, author_kind, author, body, faq_id, asks) VALUES (?, ?, 'operator', ?, ?, ?, ?)",
                               id, session.now, session.login, text, faqID, asks ? 1 : 0)
            try session.audit(asks ? "ticket.ask" : "ticket.reply", .ticket, id, old: current.rawValue, new: "answered",
                              note: faqID.map { AuditNote(.faqAnswer, ["faq": .int($0)]) })
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
        return try (Notify.Reach(email: t.optString("sender_email"), phone: t.optString("sender_phone"), userID: t.optInt64("user_id")),
                    t.string("sender_name"), Labels.label(.ticketTopic, t.string("topic"), russian: true), t.optInt64("rgk_id"))
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
            to: name,
            body: """
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
            let answer = message.flatMap { $0.isEmpty ? nil : $0 }
            try Decision.move(session.db, .ticket, id, .ticketStatus, from: current.rawValue, to: "closed",
                              setting: "closed_at = ?, updated_at = ?, last_operator_at = coalesce(CAST(? AS TEXT), last_operator_at)",
                              session.now, session.now, answer == nil ? nil : session.now)
            if let answer {
                try session.db.run("INSERT INTO ticket_message (ticket_id, at, author_kind, author, body) VALUES (?, ?, 'operator', ?, ?)",
                                   id, session.now, session.login, answer)
                if let outcome = try notify(session, id, answer: answer, closing: true) { t.told(outcome) }
            }
            try session.audit("ticket.close", .ticket, id, old: current.rawValue, new: "closed", reason: message)
            return t
        }
    }

    public static func reopen(_ session: Session, _ id: Int64) throws -> Transition {
        try session.db.write {
            try checkMayAnswer(session, id, command: "ticket reopen")
            let current = try status(session.db, id)
            guard current == .closed else { return Transition(.ticket, id, .ticketStatus, from: current.rawValue, to: current.rawValue) }
            try Decision.move(session.db, .ticket, id, .ticketStatus, from: "closed", to: "new", setting: "closed_at = NULL, updated_at = ?", session.now)
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
            let status = try row.string("status"), old = try row.optString("assigned_to")
            var t = Transition(.ticket, id, .ticketStatus, from: status, to: status, extra: [("assigned_to", login)])
            if old == login {
                t.human = Message(.alreadyAssigned, [.entity(.ticket), .text(String(id)), .text(login)])
                return t
            }
            try session.db.run("UPDATE ticket SET assigned_to = ?, updated_at = ? WHERE id = ?", login, session.now, id)
            try session.audit("ticket.assign", .ticket, id, old: old, new: login)
            t.forceChanged = true
            t.human = Message(.assignedTo, [.entity(.ticket), .text(String(id)), .text(old ?? "—"), .text(login)])
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
        /// A data subject's request (`--topic personal_data`, …).
        public var personalData: PersonalDataRequest?

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
                guard let officeRGK = try session.db.queryOne("SELECT rgk_id FROM office WHERE id = ?", office)?.int64("rgk_id") else {
                    throw MyGazError.notFound(.office, String(office))
                }
                if let rgkID, rgkID != officeRGK { throw MyGazError.usage(.officeOtherRGK, .text(String(office))) }
                rgkID = officeRGK
            }
            if new.channel == .office && new.officeID == nil { throw MyGazError.usage(.optionRequires, "--channel office", "--office") }
            if new.channel != .support && rgkID == nil { throw MyGazError.usage(.optionRequires, .text("--channel \(new.channel.rawValue)"), "--rgk") }
            if let rgkID { try session.requireWorks(rgkID: rgkID) }
            let id = try session.db.insert("""
                INSERT INTO ticket (channel, rgk_id, office_id, topic, status, sender_name, sender_email, sender_phone, account_number,
                                    account_id, source, created_at, updated_at, last_customer_at, personal_data, personal_data_kind)
                VALUES (?, ?, ?, ?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, new.channel.rawValue, rgkID, new.officeID, new.topic.rawValue, new.name, email, phone,
                new.account?.number ?? new.accountText, new.account?.id, new.source.rawValue, session.now, session.now, session.now,
                new.personalData == nil ? 0 : 1, new.personalData?.stored)
            try session.db.run("INSERT INTO ticket_message (ticket_id, at, author_kind, author, body) VALUES (?, ?, 'customer', NULL, ?)",
                               id, session.now, body)
            try Attachments.store(session, .ticket(id), new.attachments)
            try session.audit("ticket.open", .ticket, id, new: "new", note: AuditNote(.ticketOpened, ["source": .text(new.source.rawValue), "channel": .text(new.channel.rawValue),
                                                                                "topic": .text(new.personalData?.rawValue ?? new.topic.rawValue)]))
            let rules = try DeadlineRules.load(session.db)
            let period = Russian.period(rules.period(for: .ticket(personalData: new.personalData)))
            let topic = new.personalData?.russian ?? Labels.label(.ticketTopic, new.topic.rawValue, russian: true)
            let acknowledgement = try Notify.tell(session, Notify.Reach(email: email, phone: phone), Notify.Notice(
                subject: "Обращение № \(id) принято",
                to: new.name,
                body: """
                    Ваше обращение № \(id) (\(topic)) принято \(Day(epochSeconds: session.clock.now).russian).
                    Ответ будет дан в течение \(period). Сохраните номер обращения: по нему можно узнать, как идет его рассмотрение.
                    """,
                sms: "Обращение № \(id) принято. Ответ — в течение \(period).",
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
        let sql = db.sql
        return try db.query("""
            SELECT id, topic, question, answer, updated_at FROM faq
            WHERE (CAST(? AS TEXT) IS NULL OR topic = ?)
              AND (CAST(? AS TEXT) IS NULL OR \(sql.contains(sql.fold("question || ' ' || answer"), sql.fold("CAST(? AS TEXT)"))))
            ORDER BY topic, id
            """, topic?.rawValue, topic?.rawValue, search, search).map(entry)
    }

    static func entry(_ r: Row) throws -> FAQEntry {
        try FAQEntry(id: r.int64("id"), topic: r.string("topic"), question: r.string("question"), answer: r.string("answer"),
                     updatedAt: r.string("updated_at"))
    }

    public static func find(_ db: any Storage, _ id: Int64) throws -> FAQEntry {
        guard let row = try db.queryOne("SELECT id, topic, question, answer, updated_at FROM faq WHERE id = ?", id) else {
            throw MyGazError.notFound(.faq, String(id))
        }
        return try entry(row)
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
