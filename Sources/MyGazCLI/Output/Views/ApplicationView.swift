import Foundation
import MyGazCore

/// An application as people see it: the queue's table and the whole application.
enum ApplicationView {
    static func statusStyle(_ status: String) -> Style {
        switch status {
        case "submitted": return .yellow
        case "needs_info": return .cyan
        case "rejected": return .red
        case "completed", "accepted": return .green
        default: return .dim
        }
    }

    static func table(_ rows: [(summary: ApplicationSummary, due: DueReport?)], now: Int64, _ out: Output) -> Table {
        let texts = out.texts
        var t = Table([
            Column("id", L("ID", "ID"), align: .right), Column("kind", L("KIND", "ВИД"), cut: 10), Column("status", L("STATUS", "СОСТОЯНИЕ")),
            Column("rgk", L("RGK", "РГК"), priority: 1), Column("account", L("ACCOUNT", "СЧЕТ"), cut: 12),
            Column("address", L("ADDRESS", "АДРЕС"), .machineOnly),
            Column("contact_name", L("CONTACT", "КОНТАКТ"), cut: 10), Column("contact_phone", L("PHONE", "ТЕЛЕФОН"), .machineOnly),
            Column("contact_email", L("E-MAIL", "E-MAIL"), .machineOnly), Column("source", L("SOURCE", "ИСТОЧНИК"), .machineOnly),
            Column("submitted_at", L("SUBMITTED", "ПОДАНА"), priority: 4), Column("age", L("AGE", "ВОЗРАСТ"), align: .right, priority: 5),
            Column("assigned_to", L("ASSIGNED", "ИСПОЛНИТЕЛЬ"), priority: 2),
        ] + DueView.columns(datePriority: 3))
        for (a, due) in rows {
            let when = a.submittedAt ?? a.createdAt
            let age = Timestamp.parse(when).map { now - $0 } ?? 0
            t.append([Cell(.int(a.id)), Cell(.text(a.kind), display: texts.label(.applicationKind, a.kind)),
                      Cell(.text(a.status), display: texts.label(.applicationStatus, a.status), style: statusStyle(a.status)),
                      Cell(.text(a.rgk)), Cell(.of(a.account), display: a.account ?? (a.address.map { DisplayWidth.truncate($0, to: 30) } ?? "—")),
                      Cell(.of(a.address)), Cell(.of(a.contactName)), Cell(.of(a.contactPhone)), Cell(.of(a.contactEmail)), Cell(.text(a.source)),
                      Cell(.text(when), display: Timestamp.display(when)),
                      Cell(.int(age), display: Format.age(seconds: age, out.lang), style: age > 5 * 86_400 ? .red : .plain),
                      Cell(.of(a.assignedTo))] + DueView.cells(due, out))
        }
        return t
    }

    /// A field of the application's form as people read it: a date, a number, a code's words.
    static func shown(_ f: ApplicationField, _ out: Output) -> String? {
        switch f.kind {
        case .text: return f.value
        case .day: return f.value.map { Day(iso: $0)?.russian ?? $0 }
        case .decimal: return f.value.map { value in Double(value).map { Format.decimal($0, out.lang) } ?? value }
        case .code(let domain): return f.value.map { out.texts.label(domain, $0) }
        }
    }

    static func record(_ d: ApplicationDetail, due: (due: Due, left: DueLeft?)? = nil, pauses: [DeadlinePause] = [], _ out: Output) -> Record {
        let s = d.summary, texts = out.texts, lang = out.lang
        var r = Record()
        r.field("id", L("Application", "Заявка"), .int(s.id))
        r.field("kind", L("Kind", "Вид"), .text(s.kind), display: texts.label(.applicationKind, s.kind))
        r.field("status", L("State", "Состояние"), .text(s.status), display: texts.label(.applicationStatus, s.status), style: statusStyle(s.status))
        r.field("rgk", L("RGK", "РГК"), .text(s.rgk))
        r.field("account", L("Account", "Лицевой счет"), .of(s.account), display: s.account ?? "—")
        r.field("address", L("Address", "Адрес"), .of(s.address), hiddenWhenNull: true)
        r.field("source", L("Source", "Источник"), .text(s.source), display: texts.label(.applicationSource, s.source))
        r.field("created_at", L("Created", "Создана"), .text(s.createdAt), display: Timestamp.display(s.createdAt))
        r.field("submitted_at", L("Submitted", "Подана"), .of(s.submittedAt), display: s.submittedAt.map { Timestamp.display($0) } ?? "—")
        DueView.fields(&r, due, out)
        if !pauses.isEmpty {
            // the clock stood while the application waited on the customer
            let shown = pauses.map { p in
                Timestamp.display(Timestamp.iso(p.start)) + " – " + (p.end.map { Timestamp.display(Timestamp.iso($0)) } ?? L("now", "сейчас")(lang))
            }
            r.field("pauses", L("Paused", "Приостановлен"), .null, display: shown.joined(separator: "; "), .humanOnly)
        }
        r.field("assigned_to", L("Assigned to", "Исполнитель"), .of(s.assignedTo), display: s.assignedTo ?? "—")
        let when = s.submittedAt ?? s.createdAt
        r.field("age", L("Age", "Возраст"), .int(Timestamp.parse(when).map { out.io.clock.now - $0 } ?? 0), .machineOnly)
        // the contact under its own heading for people; for machines the same keys as the list's
        var contact = Record()
        contact.field("contact_name", L("Name", "ФИО"), .of(s.contactName), display: s.contactName ?? "—")
        contact.field("contact_phone", L("Phone", "Телефон"), .of(s.contactPhone), display: s.contactPhone.map(Format.phone) ?? "—")
        contact.field("contact_email", L("E-mail", "E-mail"), .of(s.contactEmail), display: s.contactEmail ?? "—")
        contact.field("comment", L("Comment", "Комментарий"), .of(d.comment), hiddenWhenNull: true)
        r.section("contact", L("Contact", "Контактные данные"), contact, flattenedForMachines: true)
        var fields = Record()
        for f in d.fields {
            fields.field(f.key, L(f.label.en, f.label.ru), .of(f.value), display: shown(f, out) ?? "—")
        }
        r.section("details", L("Details", "Сведения"), fields)
        var eq = Table([Column("kind", L("KIND", "ВИД")), Column("description", L("DESCRIPTION", "ОПИСАНИЕ"), cut: 14), Column("place", L("PLACE", "МЕСТО"), cut: 8, priority: 1),
                        Column("last_verification", L("VERIFIED", "ПОВЕРКА"))])
        for e in d.equipment {
            eq.append([.code(.equipmentKind, e.kind, texts), Cell(.text(e.description)), Cell(.of(e.place)),
                       Cell(.of(e.lastVerification), display: e.lastVerification.map { Day(iso: $0)?.russian ?? $0 } ?? "—")])
        }
        r.section("equipment", L("Equipment", "Оборудование"), eq, hiddenWhenEmpty: true)
        var files = Table([Column("name", L("NAME", "ИМЯ"), cut: 20), Column("type", L("TYPE", "ТИП")), Column("size", L("SIZE", "РАЗМЕР"), align: .right),
                           Column("sha256", L("SHA-256", "SHA-256"), .machineOnly)])
        for a in d.attachments {
            files.append([Cell(.text(a.name)), Cell(.text(a.type)), Cell(.int(Int64(a.size)), display: Format.bytes(Int64(a.size), lang)), Cell(.text(a.sha256))])
        }
        if !d.attachments.isEmpty {
            files.footer = L("write one out: mygaz-admin application attachment \(s.id) NAME --output FILE",
                             "выгрузить: mygaz-admin application attachment \(s.id) ИМЯ --output ФАЙЛ")(lang)
        }
        r.section("attachments", L("Attachments", "Вложения"), files)
        var history = Table([Column("at", L("AT", "ВРЕМЯ")), Column("actor_kind", L("WHO", "КТО"), .machineOnly),
                             Column("actor", L("WHO", "КТО"), cut: 10), Column("from", L("FROM", "БЫЛО")), Column("to", L("TO", "СТАЛО")),
                             Column("message", L("MESSAGE", "СООБЩЕНИЕ"), cut: 14), Column("note", L("NOTE", "ОТМЕТКА"), .machineOnly)])
        for e in d.events {
            let who = e.actorKind == "operator" ? (e.actor ?? texts.label(.actorKind, "operator")) : texts.label(.actorKind, e.actorKind)
            history.append([Cell(.text(e.at), display: Timestamp.display(e.at)), Cell(.text(e.actorKind)), Cell(.of(e.actor), display: who),
                            Cell(.of(e.from), display: e.from.map { texts.label(.applicationStatus, $0) } ?? "—"),
                            Cell(.text(e.to), display: texts.label(.applicationStatus, e.to)),
                            Cell(.of(e.message), display: step(e, texts)), Cell(.of(e.note))])
        }
        r.section("history", L("History", "История изменений"), history)
        return r
    }

    /// What people read of a history step: the program's note by its label, then the person's words.
    static func step(_ e: ApplicationEvent, _ texts: Texts) -> String {
        [e.note.map { texts.label(.applicationEventNote, $0) }, e.message.map(Texts.visible)].compactMap { $0 }.joined(separator: " — ")
    }
}
