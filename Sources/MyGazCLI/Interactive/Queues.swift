import Foundation
import MyGazCore

/// The line a decision prints: the command's own words, with its follow-ups.
private func decisionLine(_ t: Transition, _ ui: ReviewUI) -> String {
    ([ui.line(t.humanMessage)] + t.notes.map(ui.line)).joined(separator: "; ")
}

/// The most a review walks in one sitting; the rest waits for the next one.
private let reviewLimit = 10_000

// MARK: readings

/// `reading review`: pending readings, oldest first.
final class ReadingReviewQueue: ReviewQueue {
    let session: Session
    let rgk: String?
    let violationsOnly: Bool
    let noun = L("reading", "показание")
    let openKeyLabel = L("account", "счет")
    let openKeyHelp = L("the account in full: holder, balances, meters, payments", "весь лицевой счет: владелец, сальдо, приборы учета, платежи")
    let actions = [
        ReviewAction(key: "a", label: L("accept", "принять"), tally: L("accepted", "принято")),
        ReviewAction(key: "r", label: L("reject", "отклонить"), tally: L("rejected", "отклонено")),
    ]
    private var shown: [Int64: ReadingItem] = [:]

    init(session: Session, rgk: String?, violationsOnly: Bool) {
        self.session = session
        self.rgk = rgk
        self.violationsOnly = violationsOnly
    }

    func ids() throws -> [Int64] {
        var filter = ReadingFilter()
        filter.rgk = rgk
        filter.violationsOnly = violationsOnly
        filter.limit = reviewLimit
        filter.scope = try session.rgkScope()
        if violationsOnly || filter.scope != nil { return try Readings.list(session.db, filter).map(\.id) }
        return try Readings.queueIDs(session.db, rgk: rgk, limit: reviewLimit)
    }

    func card(_ id: Int64, width: Int) throws -> ReviewCard {
        let db = session.db
        let r = try Readings.find(db, id)
        shown[id] = r
        let ui = current!
        let lang = ui.lang
        let more = try Readings.context(db, r)
        let texts = ui.out.texts
        var lines = [ui.paint("\(noun(lang).capitalized) \(r.id) · \(texts.label(.readingStatus, r.status)) · \(texts.label(.readingSource, r.source)) · \(Timestamp.display(r.submittedAt))", .bold), ""]
        lines += ui.field(L("Account", "Лицевой счет"), "\(r.account) — \(more.holder ?? "")", width: width, labelWidth: 13)
        lines += ui.field(L("RGK", "РГК"), try Review.rgk(r.rgk, db), width: width, labelWidth: 13)
        lines += ui.field(L("Address", "Адрес"), more.address ?? "—", width: width, labelWidth: 13)
        let facts = ReadingView.Facts(r, model: more.meterModel, texts)
        lines += ui.field(L("Meter", "Прибор учета"), facts.meter, width: width, labelWidth: 13, style: facts.meterStyle)
        lines += ui.field(L("Verification", "Поверка"), facts.verification, width: width, labelWidth: 13, style: facts.verificationExpired ? .red : .plain)
        lines += ui.field(L("Max", "Максимум"), L("\(r.maxMonthly) m³ a month", "\(r.maxMonthly) м³ в месяц")(lang), width: width, labelWidth: 13)
        let history = try Readings.history(db, meterID: r.meterID, limit: 4)
        let historyText = history.isEmpty ? ["—"] : history.map { "\(Day(iso: $0.date)?.russian ?? $0.date)  \(Format.grouped($0.value, lang).leftPad(9))" }
        for (i, h) in historyText.enumerated() {
            lines += ui.field(i == 0 ? L("History", "История") : L("", ""), h, width: width, labelWidth: 13)
        }
        lines += ui.field(L("Submitted", "Передано"), "\(Format.grouped(r.value, lang)) " + L("on", "от")(lang) + " \(Day(iso: r.readingDate)?.russian ?? r.readingDate)",
                          width: width, labelWidth: 13, style: .bold)
        lines += ui.field(L("Consumption", "Расход"), facts.consumption, width: width, labelWidth: 13)
        for (i, rule) in facts.rules.enumerated() {
            lines += ui.field(i == 0 ? L("Rules", "Правила") : L("", ""), rule.text, width: width, labelWidth: 13, style: rule.valid ? .green : .red)
        }
        if let decision = facts.decision { lines += ui.field(L("Decided", "Решено"), decision, width: width, labelWidth: 13) }
        return ReviewCard(lines: lines, open: r.status == .pending,
                          state: texts.label(.readingStatus, r.status) + (r.decidedBy.map { ", \($0)" } ?? ""))
    }

    /// The UI of the running review (cards need its language and colours).
    weak var current: ReviewUI?

    func perform(_ action: ReviewAction, on id: Int64, ui: ReviewUI) throws -> ReviewOutcome {
        guard let item = shown[id] else { return .cancelled }
        let lang = ui.lang
        let context = try card(id, width: min(ui.terminal.size.columns, 100)).lines
        let t: Transition
        switch action.key {
        case "a":
            if item.verdict.isValid {
                t = try Readings.accept(session, id, force: false, reason: nil)
            } else {
                // the --force path: a broken rule is accepted only on purpose, with the reason why
                let rules = item.verdict.violations.map { ui.out.texts.label(.readingReason, $0.rawValue) }.joined(separator: "; ")
                guard ui.confirm(L("It breaks \(rules). Accept anyway?", "Нарушено: \(rules). Все равно принять?")(lang)) else { return .cancelled }
                var reason: String?
                while reason == nil || reason!.trimmingCharacters(in: .whitespaces).isEmpty {
                    guard let text = ui.ask(L("Why it is accepted (required):", "Почему принимается (обязательно):")) else { return .cancelled }
                    reason = text
                }
                t = try Readings.accept(session, id, force: true, reason: reason)
            }
        default:
            let reasons = ReadingReason.allCases
            let preselected = item.verdict.violations.first.flatMap { reasons.firstIndex(of: $0) } ?? reasons.firstIndex(of: .other) ?? 0
            guard let choice = ui.choose(L("Reason of the rejection:", "Причина отказа:"),
                                         reasons.map { (ui.out.texts.label(.readingReason, $0.rawValue), "") },
                                         preselected: preselected, context: context) else { return .cancelled }
            let reason = reasons[choice]
            guard var message = ui.ask(reason == .other ? L("Message to the customer (required for other):", "Сообщение клиенту (для «другой причины» обязательно):")
                                                        : L("Message to the customer (optional, Enter for none):", "Сообщение клиенту (необязательно, Enter — без него):"))
            else { return .cancelled }
            while reason == .other && message.trimmingCharacters(in: .whitespaces).isEmpty {
                guard let again = ui.ask(L("Message to the customer (required for other):", "Сообщение клиенту (для «другой причины» обязательно):")) else { return .cancelled }
                message = again
            }
            // a rule the reading does not break: asked, the customer is told exactly that
            let breaks = !Readings.isRule(reason) || item.verdict.violations.contains(reason)
            if !breaks {
                let question = ui.out.texts.render(.reasonNotBrokenQuestion, .int(1), .code(.readingReason, reason.rawValue), .text(String(id)))
                guard ui.confirm(question) else { return .cancelled }
            }
            t = try Readings.reject(session, id, reason: reason, message: message.isEmpty ? nil : message, force: !breaks)
        }
        // the same state already: another clerk decided the same meanwhile
        return t.changed ? .done(decisionLine(t, ui)) : .changedMeanwhile(ui.line(t.humanMessage))
    }

    func fullView(_ id: Int64) throws -> String {
        let r = try Readings.find(session.db, id)
        return Review.capture(["account", "show", r.account, "--rgk", r.rgk], current!)
    }
}

// MARK: applications

/// `application review`: the open queue, oldest first.
final class ApplicationReviewQueue: ReviewQueue {
    let session: Session
    let filter: ApplicationFilter
    let noun = L("application", "заявка")
    let openKeyLabel = L("details", "подробно")
    let openKeyHelp = L("everything, with the attachments and how to save them", "все, с вложениями и тем, как их сохранить")
    let actions = [
        ReviewAction(key: "a", label: L("approve", "принять"), tally: L("approved", "принято")),
        ReviewAction(key: "c", label: L("clarify", "уточнить"), tally: L("asked", "уточнение")),
        ReviewAction(key: "r", label: L("reject", "отклонить"), tally: L("rejected", "отклонено")),
        ReviewAction(key: "d", label: L("complete", "выполнена"), tally: L("completed", "выполнено")),
    ]
    weak var current: ReviewUI?
    private var shown: [Int64: ApplicationStatus] = [:]

    init(session: Session, filter: ApplicationFilter) {
        self.session = session
        self.filter = filter
    }

    func ids() throws -> [Int64] {
        var f = filter
        f.limit = reviewLimit
        f.scope = try session.rgkScope()
        // the most urgent first: the nearest deadline, then those waiting on the customer (issue 38)
        return try Applications.list(session.db, f, due: try dueQuery(sort: true)).map(\.summary.id)
    }

    private func dueQuery(sort: Bool = false) throws -> DueQuery {
        try DueQuery.load(session.db, now: session.clock.now, sort: sort)
    }

    func card(_ id: Int64, width: Int) throws -> ReviewCard {
        let d = try Applications.show(session.db, id)
        let s = d.summary
        let ui = current!
        let lang = ui.lang, texts = ui.out.texts
        shown[id] = ApplicationStatus(rawValue: s.status)
        let age = s.submittedAt.flatMap(Timestamp.parse).map { Format.age(seconds: session.clock.now - $0, lang) } ?? ""
        var lines = [ui.paint("\(noun(lang).capitalized) \(s.id) · \(texts.label(.applicationKind, s.kind)) · \(texts.label(.applicationStatus, s.status))"
                              + (age.isEmpty ? "" : " · \(age)"), .bold), ""]
        lines += ui.field(L("RGK", "РГК"), try Review.rgk(s.rgk, session.db), width: width, labelWidth: 14)
        if let account = s.account { lines += ui.field(L("Account", "Лицевой счет"), account, width: width, labelWidth: 14) }
        if let address = s.address { lines += ui.field(L("Address", "Адрес"), address, width: width, labelWidth: 14) }
        lines += ui.field(L("Contact", "Контакт"), [s.contactName, s.contactPhone.map(Format.phone), s.contactEmail].compactMap { $0 }.joined(separator: " · "), width: width, labelWidth: 14)
        lines += ui.field(L("Submitted", "Подана"), [s.submittedAt.map(Timestamp.display), texts.label(.applicationSource, s.source),
                                                    s.assignedTo.map { L("assigned to", "назначена")(lang) + " \($0)" }].compactMap { $0 }.joined(separator: " · "),
                          width: width, labelWidth: 14)
        if let due = try Applications.dues(session.db, [s], try dueQuery())[s.id] {
            let (text, overdue) = DueView.line(due, lang)
            lines += ui.field(L("Due", "Срок"), text, width: width, labelWidth: 14, style: overdue ? .red : .plain)
        }
        for f in d.fields {
            guard let value = ApplicationView.shown(f, ui.out) else { continue }
            lines += ui.field(L(f.label.en, f.label.ru), value, width: width, labelWidth: 14)
        }
        for e in d.equipment {
            lines += ui.field(L("Equipment", "Оборудование"), "\(e.description)" + (e.place.map { " (\($0))" } ?? ""), width: width, labelWidth: 14)
        }
        if let comment = d.comment { lines += ui.field(L("Comment", "Комментарий"), comment, width: width, labelWidth: 14, multiline: true) }
        if !d.attachments.isEmpty {
            lines += ui.field(L("Attachments", "Вложения"), d.attachments.map(\.name).joined(separator: ", ") + "  (o)", width: width, labelWidth: 14)
        }
        for (i, e) in d.events.suffix(3).enumerated() {
            let who = e.actor ?? texts.label(.actorKind, e.actorKind)
            let step = (e.from.map { texts.label(.applicationStatus, $0) + " → " } ?? "") + texts.label(.applicationStatus, e.to)
            lines += ui.field(i == 0 ? L("History", "История") : L("", ""), "\(Timestamp.display(e.at)) \(who): \(step)" + { let words = ApplicationView.step(e, texts); return words.isEmpty ? "" : " — " + words }(),
                              width: width, labelWidth: 14)
        }
        let open = filter.statuses.contains(ApplicationStatus(rawValue: s.status) ?? .draft)
        return ReviewCard(lines: lines, open: open, state: texts.label(.applicationStatus, s.status))
    }

    func perform(_ action: ReviewAction, on id: Int64, ui: ReviewUI) throws -> ReviewOutcome {
        guard let status = shown[id] else { return .cancelled }
        let lang = ui.lang
        let applicationAction: ApplicationAction = action.key == "a" ? .approve : action.key == "c" ? .clarify : action.key == "r" ? .reject : .complete
        // a step the shown state does not allow is the clerk's slip, not another clerk's doing
        let kind = try ApplicationKind(rawValue: Applications.show(session.db, id).summary.kind) ?? .repair
        guard applicationAction.allowedFrom(kind: kind).contains(status) else {
            throw MyGazError.invalid(.reviewNotAllowed, .text(action.label(lang)), .code(.applicationStatus, status.rawValue))
        }
        var message: String?
        switch applicationAction {
        case .clarify:
            guard let text = ui.ask(L("Question to the customer (Enter: write it in $EDITOR):", "Вопрос клиенту (Enter — написать в $EDITOR):")) else { return .cancelled }
            if text.isEmpty {
                let template = "\n\n# " + L("The question to the customer about application", "Вопрос клиенту по заявке")(lang)
                    + " \(id). " + L("Lines starting with # are dropped; an empty text cancels.", "Строки с # не отправляются; пустой текст — отмена.")(lang) + "\n"
                guard let written = try ui.editor(template) else { return .cancelled }
                message = written
            } else {
                message = text
            }
        case .reject:
            var text = ""
            while text.trimmingCharacters(in: .whitespaces).isEmpty {
                guard let typed = ui.ask(L("Why it is rejected (required; the customer is told):", "Причина отказа (обязательно; сообщается клиенту):")) else { return .cancelled }
                text = typed
            }
            message = text
        default:
            guard let typed = ui.ask(L("Comment (optional, Enter for none):", "Комментарий (необязательно, Enter — без него):")) else { return .cancelled }
            message = typed.isEmpty ? nil : typed
        }
        let t = try Applications.transition(session, id, applicationAction, message: message, expect: status)
        return t.changed ? .done(decisionLine(t, ui)) : .changedMeanwhile(ui.line(t.humanMessage))
    }

    func fullView(_ id: Int64) throws -> String { Review.capture(["application", "show", String(id)], current!) }
}

// MARK: tickets

/// `ticket review`: tickets that wait for an answer, oldest first.
final class TicketReviewQueue: ReviewQueue {
    let session: Session
    let filter: TicketFilter
    let noun = L("ticket", "обращение")
    let openKeyLabel = L("details", "подробно")
    let openKeyHelp = L("the whole ticket and its conversation", "все обращение и вся переписка")
    let actions = [
        ReviewAction(key: "r", label: L("reply", "ответить"), tally: L("answered", "отвечено")),
        ReviewAction(key: "f", label: L("reply from FAQ", "ответ из FAQ"), tally: L("answered from FAQ", "ответ из FAQ")),
        ReviewAction(key: "c", label: L("close", "закрыть"), tally: L("closed", "закрыто")),
    ]
    weak var current: ReviewUI?
    /// What the clerk saw: the state and the last operator message, to notice another clerk's answer.
    private var shown: [Int64: (status: String, lastOperatorAt: String?, detail: TicketDetail)] = [:]

    init(session: Session, filter: TicketFilter) {
        self.session = session
        self.filter = filter
    }

    func ids() throws -> [Int64] {
        var f = filter
        f.limit = reviewLimit
        f.scope = try session.rgkScope()
        // the most urgent first: the nearest deadline (issue 38)
        let q = try DueQuery.load(session.db, now: session.clock.now, sort: true)
        return try TicketDeadlines.list(session.db, f, due: q).map(\.summary.id)
    }

    func card(_ id: Int64, width: Int) throws -> ReviewCard {
        let d = try Tickets.show(session.db, id)
        let s = d.summary
        shown[id] = (s.status, s.lastOperatorAt, d)
        let ui = current!
        let lang = ui.lang, texts = ui.out.texts
        var lines = [ui.paint("\(noun(lang).capitalized) \(s.id) · \(texts.label(.ticketStatus, s.status)) · \(TicketView.topic(s, ui.out).text)", .bold), ""]
        lines += ui.field(L("From", "От"), [s.senderName + (s.anonymous ? L(" (no login)", " (без входа)")(lang) : ""), s.senderEmail, s.senderPhone.map(Format.phone)]
            .compactMap { $0 }.joined(separator: " · "), width: width)
        lines += ui.field(L("To", "Кому"), [texts.label(.ticketChannel, s.channel), s.office].compactMap { $0 }.joined(separator: " · "), width: width)
        if let rgk = s.rgk { lines += ui.field(L("RGK", "РГК"), try Review.rgk(rgk, session.db), width: width) }
        if let account = s.account { lines += ui.field(L("Account", "Лиц. счет"), account, width: width) }
        let q = try DueQuery.load(session.db, now: session.clock.now)
        if let due = try TicketDeadlines.dues(session.db, [s], q)[s.id] {
            let (text, overdue) = DueView.line(due, lang)
            lines += ui.field(L("Due", "Срок"), text, width: width, style: overdue ? .red : .plain)
        }
        if !d.attachments.isEmpty { lines += ui.field(L("Attachments", "Вложения"), d.attachments.map(\.name).joined(separator: ", "), width: width) }
        lines.append("")
        // the conversation, newest at the bottom; the review screen keeps its end in view
        var conversation: [String] = []
        for m in d.messages {
            let who = m.authorKind == "customer" ? s.senderName : (m.author ?? "")
            conversation.append(ui.paint("── \(Timestamp.display(m.at))  \(UntrustedText.visible(who))", m.authorKind == "customer" ? .cyan : .dim))
            for line in UntrustedText.visibleLines(m.body).flatMap({ DisplayWidth.wrap($0, to: width - 3) }) { conversation.append("   " + line) }
        }
        let room = max(4, ui.terminal.size.rows - 4 - lines.count)
        if conversation.count > room {
            conversation = [ui.paint(L("… earlier messages with o", "… ранние сообщения — o")(lang), .dim)] + conversation.suffix(room - 1)
        }
        return ReviewCard(lines: lines + conversation, open: s.status != "closed", state: texts.label(.ticketStatus, s.status))
    }

    func perform(_ action: ReviewAction, on id: Int64, ui: ReviewUI) throws -> ReviewOutcome {
        guard let seen = shown[id] else { return .cancelled }
        let t: Transition
        switch action.key {
        case "r":
            guard let body = try ui.editor(TicketCommands.editorTemplate(seen.detail, ui.out)) else { return .cancelled }
            if let answered = try answeredMeanwhile(id, seen, ui) { return answered }
            t = try Tickets.reply(session, id, body: body)
        case "f":
            let all = try FAQ.list(session.db, topic: nil, search: nil)
            let entries = all.filter { $0.topic == seen.detail.summary.topic } + all.filter { $0.topic != seen.detail.summary.topic }
            guard !entries.isEmpty else { throw MyGazError.invalid(.reviewNoFAQ) }
            let context = try card(id, width: min(ui.terminal.size.columns, 100)).lines.prefix(6)
            // the list's own numbers only: a FAQ id beside them would be typed for one
            guard let choice = ui.choose(L("Answer with:", "Ответить:"), entries.map { ($0.question, "") }, context: Array(context)) else { return .cancelled }
            // the answer is read before it goes
            let (rows, columns) = ui.terminal.size
            let answer = UntrustedText.visibleLines(entries[choice].answer).flatMap { DisplayWidth.wrap($0, to: max(20, columns)) }
            let room = max(3, rows - 4)
            ui.terminal.draw([ui.paint(L("The answer the sender will get:", "Ответ, который получит отправитель:")(ui.lang), .bold),
                              ui.paint(UntrustedText.visible(entries[choice].question), .dim), ""]
                             + (answer.count > room ? answer.prefix(room - 1) + [ui.paint("…", .dim)] : answer))
            guard ui.confirm(L("Send this answer?", "Отправить этот ответ?")(ui.lang)) else { return .cancelled }
            if let answered = try answeredMeanwhile(id, seen, ui) { return answered }
            t = try Tickets.reply(session, id, body: entries[choice].answer, faqID: entries[choice].id)
        default:
            guard let message = ui.ask(L("Closing message to the sender (optional, Enter for none):", "Сообщение при закрытии (необязательно, Enter — без него):"))
            else { return .cancelled }
            t = try Tickets.close(session, id, message: message.isEmpty ? nil : message)
        }
        return t.changed || action.key != "c" ? .done(decisionLine(t, ui)) : .changedMeanwhile(ui.line(t.humanMessage))
    }

    /// Another clerk answered or closed it after it came on the screen.
    private func answeredMeanwhile(_ id: Int64, _ seen: (status: String, lastOperatorAt: String?, detail: TicketDetail), _ ui: ReviewUI) throws -> ReviewOutcome? {
        let now = try Tickets.show(session.db, id)
        guard now.summary.status != seen.status || now.summary.lastOperatorAt != seen.lastOperatorAt else { return nil }
        let by = now.messages.last { $0.authorKind == "operator" }?.author ?? ui.out.texts.label(.ticketStatus, now.summary.status)
        return .changedMeanwhile(ui.line(Message(.reviewAnsweredMeanwhile, [.text(String(id)), .text(by)])))
    }

    func fullView(_ id: Int64) throws -> String { Review.capture(["ticket", "show", String(id)], current!) }
}
