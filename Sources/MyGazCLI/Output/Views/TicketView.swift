import Foundation
import MyGazCore

/// A ticket as people see it: the queue's table and the whole ticket with its conversation.
enum TicketView {
    static func statusStyle(_ t: TicketSummary) -> Style {
        if t.awaitingReply { return .yellow }
        return t.status == "closed" ? .dim : .plain
    }

    /// The topic as people read it; a data subject's request is its own (JSON `personal_data`,
    /// `personal_data_correction`, `personal_data_withdrawal`), told apart in its first ten columns.
    static func topic(_ t: TicketSummary, _ out: Output) -> Cell {
        guard let request = t.personalData else { return Cell(.text(t.topic), display: out.texts.label(.ticketTopic, t.topic)) }
        return Cell(.text(request.rawValue), display: out.texts.label(.personalDataRequest, request.rawValue))
    }

    static func table(_ rows: [(summary: TicketSummary, due: DueReport?)], now: Int64, _ out: Output) -> Table {
        let texts = out.texts
        var t = Table([
            Column("id", L("ID", "ID"), align: .right), Column("status", L("STATUS", "СОСТОЯНИЕ")),
            Column("awaiting_reply", L("AWAITING", "ЖДЕТ"), .machineOnly), Column("channel", L("CHANNEL", "КАНАЛ"), cut: 10, priority: 2),
            Column("rgk", L("RGK", "РГК")), Column("topic", L("TOPIC", "ТЕМА"), cut: 10), Column("sender_name", L("FROM", "ОТ"), cut: 14),
            Column("sender_email", L("E-MAIL", "E-MAIL"), .machineOnly), Column("sender_phone", L("PHONE", "ТЕЛЕФОН"), .machineOnly),
            Column("account", L("ACCOUNT", "СЧЕТ"), priority: 4), Column("anonymous", L("WITHOUT LOGIN", "БЕЗ ВХОДА"), .machineOnly),
            Column("created_at", L("RECEIVED", "ПОЛУЧЕНО"), priority: 3), Column("age", L("AGE", "ВОЗРАСТ"), align: .right, .humanOnly, priority: 6),
            Column("message_count", L("MSGS", "СООБЩ."), align: .right, priority: 7), Column("assigned_to", L("ASSIGNED", "ИСПОЛНИТЕЛЬ"), priority: 1),
        ] + DueView.columns(datePriority: 5))
        for (r, due) in rows {
            let age = Timestamp.parse(r.lastCustomerAt).map { now - $0 } ?? 0
            let statusText = texts.label(.ticketStatus, r.status) + (r.status == "answered" && r.awaitingReply ? " *" : "")
            t.append([Cell(.int(r.id)), Cell(.text(r.status), display: statusText, style: statusStyle(r)), Cell(.bool(r.awaitingReply)),
                      .code(.ticketChannel, r.channel, texts), Cell(.of(r.rgk), display: r.rgk ?? "—"),
                      topic(r, out),
                      Cell(.text(r.senderName), display: r.senderName + (r.anonymous ? L(" (no login)", " (без входа)")(out.lang) : "")),
                      Cell(.of(r.senderEmail)), .phone(r.senderPhone), Cell(.of(r.account), display: r.account ?? ""),
                      Cell(.bool(r.anonymous)), Cell(.text(r.createdAt), display: Timestamp.display(r.createdAt)),
                      Cell(.text(Format.age(seconds: age, out.lang))), Cell(.int(Int64(r.messages))), Cell(.of(r.assignedTo))]
                     + DueView.cells(due, out))
        }
        return t
    }

    static func record(_ d: TicketDetail, due: (due: Due, left: DueLeft?)? = nil, _ out: Output) -> Record {
        let s = d.summary, texts = out.texts, lang = out.lang
        var r = Record()
        r.field("id", L("Ticket", "Обращение"), .int(s.id))
        r.field("status", L("State", "Состояние"), .text(s.status), display: texts.label(.ticketStatus, s.status), style: statusStyle(s))
        r.field("awaiting_reply", L("Awaiting reply", "Ждет ответа"), .bool(s.awaitingReply), display: (s.awaitingReply ? L("yes", "да") : L("no", "нет"))(lang))
        r.field("channel", L("Channel", "Канал"), .text(s.channel), display: texts.label(.ticketChannel, s.channel) + (s.office.map { " — \($0)" } ?? ""))
        r.field("rgk", L("RGK", "РГК"), .of(s.rgk), display: s.rgk ?? "—")
        let topic = topic(s, out)
        r.field("topic", L("Topic", "Тема"), topic.value, display: topic.display)
        r.field("sender_name", L("From", "От"), .text(s.senderName),
                display: s.senderName + (s.anonymous ? L(" (sent without login)", " (без входа)")(lang) : ""))
        r.field("sender_email", L("E-mail", "E-mail"), .of(s.senderEmail), display: s.senderEmail ?? "—")
        r.field("sender_phone", L("Phone", "Телефон"), .of(s.senderPhone), display: s.senderPhone.map(Format.phone) ?? "—")
        r.field("account", L("Account", "Лицевой счет"), .of(s.account), display: s.account ?? "—")
        r.field("anonymous", L("Without login", "Без входа"), .bool(s.anonymous), display: (s.anonymous ? L("yes", "да") : L("no", "нет"))(lang))
        r.field("source", L("Source", "Источник"), .text(s.source), display: texts.label(.ticketSource, s.source))
        r.field("created_at", L("Received", "Получено"), .text(s.createdAt), display: Timestamp.display(s.createdAt))
        DueView.fields(&r, due, out)
        r.field("extended_at", L("Extended", "Продлен"), .of(s.extendedAt),
                display: s.extendedAt.map { Timestamp.display($0) + (s.extendReason.map { ": " + $0 } ?? "") }, hiddenWhenNull: true)
        r.field("extend_reason", L("Reason of the extension", "Причина продления"), .of(s.extendReason), .machineOnly)
        r.field("assigned_to", L("Assigned to", "Исполнитель"), .of(s.assignedTo), display: s.assignedTo ?? "—")
        r.field("message_count", L("Messages", "Сообщений"), .int(Int64(s.messages)), .machineOnly)
        var files = Table([Column("name", L("NAME", "ИМЯ"), cut: 20), Column("type", L("TYPE", "ТИП")), Column("size", L("SIZE", "РАЗМЕР"), align: .right)])
        for a in d.attachments { files.append([Cell(.text(a.name)), Cell(.text(a.type)), Cell(.int(Int64(a.size)), display: Format.bytes(Int64(a.size), lang))]) }
        r.section("attachments", L("Attachments", "Вложения"), files)
        var lines: [String] = []
        for m in d.messages {
            let who = m.authorKind == "customer" ? s.senderName : (m.author ?? "operator")
            lines.append("── \(Timestamp.display(m.at))  \(who)\(m.faqID.map { "  (FAQ \($0))" } ?? "")"
                         + (m.asks ? L("  (a question: waiting on the customer)", "  (вопрос: ждем ответа клиента)")(lang) : ""))
            lines.append(contentsOf: m.body.split(separator: "\n", omittingEmptySubsequences: false).map { "   " + $0 })
        }
        let conversation = Value.array(d.messages.map { m in
            .object([("id", .int(m.id)), ("at", .text(m.at)), ("author_kind", .text(m.authorKind)), ("author", .of(m.author)),
                     ("body", .text(m.body)), ("faq_id", .of(m.faqID)), ("asks", .bool(m.asks))])
        })
        r.section("messages", L("Conversation", "Переписка"), lines: lines, value: conversation)
        return r
    }

    /// The answer: --message, --message-file, --faq, or the editor on a terminal.
}
