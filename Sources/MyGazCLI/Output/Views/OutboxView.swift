import Foundation
import MyGazCore

/// Messages to customers as people see them (a secret in a body is already masked).
enum OutboxView {
    static func table(_ rows: [OutboxItem], _ out: Output) -> Table {
        var t = Table([
            Column("id", L("ID", "ID"), align: .right), Column("status", L("STATUS", "СОСТОЯНИЕ")), Column("channel", L("CHANNEL", "КАНАЛ")),
            Column("kind", L("KIND", "ВИД"), cut: 10, priority: 2), Column("recipient", L("TO", "КОМУ")), Column("subject", L("SUBJECT", "ТЕМА"), cut: 10),
            Column("attempts", L("TRIES", "ПОПЫТОК"), align: .right, priority: 3), Column("next_attempt_at", L("NEXT TRY", "СЛЕД. ПОПЫТКА"), .machineOnly),
            Column("created_at", L("QUEUED", "В ОЧЕРЕДИ С"), priority: 1), Column("sent_at", L("SENT", "ОТПРАВЛЕНО"), .machineOnly),
            Column("last_error", L("LAST ERROR", "ПОСЛЕДНЯЯ ОШИБКА"), cut: 12),
            Column("cancel_reason", L("CANCELLED BECAUSE", "ПРИЧИНА ОТМЕНЫ"), .machineOnly),
        ])
        for m in rows {
            let style: Style = m.status == "failed" ? .red : (m.status == "sent" ? .dim : .plain)
            t.append([Cell(.int(m.id)), Cell(.text(m.status), display: out.texts.label(.outboxStatus, m.status), style: style),
                      .code(.messageChannel, m.channel, out.texts), .code(.outboxKind, m.kind, out.texts),
                      Cell(.text(m.recipient), display: Format.phone(m.recipient)),
                      Cell(.of(m.subject), display: m.subject ?? DisplayWidth.truncate(m.body, to: 40)),
                      Cell(.int(Int64(m.attempts))), Cell(.text(m.nextAttemptAt)),
                      Cell(.text(m.createdAt), display: Timestamp.display(m.createdAt)), Cell(.of(m.sentAt)),
                      // people read why it was cancelled where an error would be
                      Cell(.of(m.lastError), display: (m.cancelReason.map { out.texts.label(.outboxCancelReason, $0) } ?? m.lastError.map { error($0, out.lang) })
                        .map { DisplayWidth.truncate($0, to: 40) } ?? ""),
                      .code(.outboxCancelReason, m.cancelReason, out.texts, empty: "")])
        }
        return t
    }

    static func record(_ m: OutboxItem, _ out: Output) -> Record {
        var r = Record()
        r.field("id", L("ID", "ID"), .int(m.id))
        r.field("status", L("State", "Состояние"), .text(m.status), display: out.texts.label(.outboxStatus, m.status))
        r.field("channel", L("Channel", "Канал"), .text(m.channel), display: out.texts.label(.messageChannel, m.channel))
        r.field("kind", L("Kind", "Вид"), .text(m.kind), display: out.texts.label(.outboxKind, m.kind))
        r.field("recipient", L("To", "Кому"), .text(m.recipient), display: Format.phone(m.recipient))
        r.field("subject", L("Subject", "Тема"), .of(m.subject))
        r.field("about", L("About", "Относится к"), .of(m.entity.map { "\($0):\(m.entityID.map(String.init) ?? "")" }),
                display: m.entity.map { entity in
                    (Entity(rawValue: entity).map { Catalog.noun($0, out.lang) } ?? entity) + (m.entityID.map { " \($0)" } ?? "")
                } ?? "—")
        r.field("bill_period", L("Attachment", "Вложение"), .of(m.billPeriod),
                display: m.billPeriod.map { out.lang == .ru ? "квитанция за " + BillDocument.monthName($0) + " (PDF, формируется при отправке)"
                                                            : "the bill of \($0) (PDF, made when sent)" }, hiddenWhenNull: true)
        r.field("rgk", L("RGK", "РГК"), .of(m.rgk))
        r.field("attempts", L("Attempts", "Попыток"), .int(Int64(m.attempts)))
        r.field("next_attempt_at", L("Next try", "Следующая попытка"), .text(m.nextAttemptAt), display: Timestamp.display(m.nextAttemptAt))
        r.field("cancel_reason", L("Cancelled because", "Причина отмены"), .of(m.cancelReason),
                display: m.cancelReason.map { out.texts.label(.outboxCancelReason, $0) }, hiddenWhenNull: true)
        r.field("last_error", L("Last error", "Последняя ошибка"), .of(m.lastError), display: m.lastError.map { error($0, out.lang) }, style: .red)
        r.field("message_id", L("Message-ID", "Message-ID"), .of(m.messageID))
        r.field("created_at", L("Queued", "Поставлено в очередь"), .text(m.createdAt), display: Timestamp.display(m.createdAt))
        r.field("sent_at", L("Sent", "Отправлено"), .of(m.sentAt), display: m.sentAt.map { Timestamp.display($0) } ?? "—")
        r.section("body", L("Text", "Текст"), lines: m.body.components(separatedBy: "\n"), value: .text(m.body))
        return r
    }

    /// A delivery error as people read it: the outbox keeps the words delivery wrote (and what the
    /// program said, as it said it); the known forms are told in the reader's language.
    static func error(_ stored: String, _ lang: Lang) -> String {
        guard lang == .ru else { return stored }
        let forms: [(String, String)] = [
            ("exit ", "программа отправки завершилась с кодом "),
            ("killed by signal ", "программа отправки прервана сигналом "),
            ("timed out after ", "программа отправки не ответила за "),
            ("no sender address", "не задан адрес отправителя (mail.from)"),
            ("invalid recipient: not an e-mail address; nothing was sent", "недопустимый получатель: не адрес e-mail; ничего не отправлено"),
            ("invalid recipient: not a Russian mobile number; nothing was sent",
             "недопустимый получатель: не российский мобильный номер; ничего не отправлено"),
            ("interrupted during delivery: ", "прервано во время отправки: "),
        ]
        var text = stored
        for (english, russian) in forms where text.hasPrefix(english) {
            text = russian + text.dropFirst(english.count)
            break
        }
        // the number of seconds, then the delivery's own advice
        let timedOut = "программа отправки не ответила за "
        if text.hasPrefix(timedOut), let unit = text.range(of: " s", range: text.index(text.startIndex, offsetBy: timedOut.count)..<text.endIndex),
           text[text.index(text.startIndex, offsetBy: timedOut.count)..<unit.lowerBound].allSatisfy(\.isNumber) {
            text.replaceSubrange(unit, with: " с")
        }
        return text.replacingOccurrences(of: "it may or may not have gone out; check, then outbox retry",
                                         with: "возможно, оно ушло, возможно, нет; проверьте, затем outbox retry")
    }
}
