import Foundation
import MyGazCore

/// The queue dashboard of `status` and of a new demo.
enum StatusView {
    static func record(_ d: Dashboard, dues: [DueCount] = [], now: Int64, lang: Lang) -> Record {
        let names: [String: (L, String)] = [
            "readings_pending": (L("Pending readings", "Показания в обработке"), "reading list"),
            "applications_open": (L("Open applications (submitted, needs information)", "Открытые заявки (в обработке, требуют уточнения)"),
                                  "application list --status submitted,needs_info"),
            "applications_in_work": (L("Applications in work", "Заявки в работе"), "application list --overdue"),
            "tickets_open": (L("Open tickets", "Открытые обращения"), "ticket list"),
            "pin_requests_open": (L("Open PIN requests", "Запросы ПИН-кода"), "pin requests"),
            "users_unconfirmed": (L("Unconfirmed registrations", "Неподтвержденные регистрации"), "user list --status pending"),
            "outbox_waiting": (L("Messages waiting", "Сообщения к отправке"), "outbox list --status waiting"),
            "outbox_sending": (L("Messages being sent", "Сообщения в отправке"), "outbox list --status sending"),
            "outbox_failed": (L("Messages failed", "Недоставленные сообщения"), "outbox list --status failed"),
            // the messages counted; what to set is in the row's name
            Dashboard.waitingForChannel(.sms): (L("SMS waiting: no SMS command (sms.command)", "SMS ждут: нет команды отправки (sms.command)"),
                                                "outbox list --status waiting --channel sms"),
            Dashboard.waitingForChannel(.email): (L("E-mails waiting: the mail program cannot run (mail.sendmail)",
                                                    "Письма ждут: программа отправки не запускается (mail.sendmail)"),
                                                  "outbox list --status waiting --channel email"),
            // the list of what was counted: in processing, paid on the stuck day or before
            "payments_stuck": (L("Payments stuck in processing", "Платежи, зависшие в обработке"),
                               "payment list --state processing --until \(d.paymentStuckDays)d"),
        ]
        var queues = Table([
            Column("queue", L("QUEUE", "ОЧЕРЕДЬ"), cut: 16),
            Column("count", L("COUNT", "ЧИСЛО"), align: .right),
            Column("oldest", L("OLDEST", "САМОЕ СТАРОЕ")),
            Column("age", L("AGE", "ВОЗРАСТ"), align: .right, .humanOnly),
            Column("command", L("SEE", "КОМАНДА"), .humanOnly, cut: 12, priority: 1),
        ])
        for q in d.queues {
            let name = names[q.key]
            let age = q.oldest.flatMap(Timestamp.parse).map { Format.age(seconds: now - $0, lang) } ?? ""
            let busy = q.count > 0
            queues.append([
                Cell(.text(q.key), display: name?.0(lang) ?? q.key),
                Cell(.int(Int64(q.count)), display: Format.grouped(Int64(q.count), lang),
                     style: busy ? (q.key == "outbox_failed" || q.key.hasPrefix("outbox_waiting_no_") ? .red : .yellow) : .plain),
                Cell(.of(q.oldest), display: Timestamp.display(q.oldest)),
                Cell(.text(age)),
                Cell(.text(busy ? "mygaz-admin " + (name?.1 ?? "") : "")),
            ])
        }
        // what is about to be late, per queue and RGK (docs/deadlines.md)
        var deadlines = Table([
            Column("queue", L("QUEUE", "ОЧЕРЕДЬ"), cut: 12), Column("rgk", L("RGK", "РГК")),
            Column("overdue", L("OVERDUE", "ПРОСРОЧЕНО"), align: .right), Column("due_today", L("TODAY", "СЕГОДНЯ"), align: .right),
            Column("due_tomorrow", L("TOMORROW", "ЗАВТРА"), align: .right), Column("nearest", L("NEAREST", "БЛИЖАЙШИЙ")),
            // the year whose calendar the nearest deadline waits for (nearest is null then)
            Column("nearest_unknown_year", L("CALENDAR TO IMPORT", "ИМПОРТИРОВАТЬ КАЛЕНДАРЬ"), .machineOnly),
        ])
        for c in dues {
            var nearest = Cell(.null, display: "—")
            var unknownYear = Cell(.null)
            switch c.nearest {
            case .on(let day)?: nearest = Cell(.text(day.iso), display: day.russian)
            case .unknown(let year)?:
                nearest = Cell(.null, display: L("import the \(year) calendar", "импортируйте календарь \(year)")(lang), style: .red)
                unknownYear = Cell(.int(Int64(year)))
            case .paused?, nil: break
            }
            deadlines.append([Cell(.text(c.queue), display: names[c.queue]?.0(lang) ?? c.queue),
                              Cell(.text(c.rgk), display: c.rgk == DeadlineReport.supportChannel ? L("support", "поддержка")(lang) : c.rgk),
                              Cell(.int(Int64(c.overdue)), display: c.overdue == 0 ? "—" : Format.grouped(Int64(c.overdue), lang),
                                   style: c.overdue > 0 ? .red : .dim),
                              count(c.today, lang), count(c.tomorrow, lang), nearest, unknownYear])
        }
        var apps = Table([Column("status", L("STATUS", "СОСТОЯНИЕ")), Column("count", L("COUNT", "ЧИСЛО"), align: .right)])
        for (status, count) in d.applicationsByStatus {
            apps.append([Cell(.text(status), display: Labels.label(.applicationStatus, status, lang)),
                         Cell(.int(Int64(count)), display: Format.grouped(Int64(count), lang))])
        }
        var rgks = Table([
            Column("rgk", L("RGK", "РГК")), Column("name", L("NAME", "НАИМЕНОВАНИЕ"), cut: 10),
            Column("readings_pending", L("READINGS", "ПОКАЗАНИЯ"), align: .right),
            Column("applications_open", L("APPLICATIONS", "ЗАЯВКИ"), align: .right),
            Column("tickets_open", L("TICKETS", "ОБРАЩЕНИЯ"), align: .right),
            Column("pin_requests_open", L("PIN REQUESTS", "ЗАПРОСЫ ПИН"), align: .right),
        ])
        for r in d.perRGK {
            rgks.append([Cell(.text(r.code)), Cell(.text(r.name)),
                         count(r.pendingReadings, lang), count(r.openApplications, lang), count(r.openTickets, lang), count(r.openPinRequests, lang)])
        }
        var imports = Table([
            Column("id", L("BATCH", "ЗАГРУЗКА"), align: .right), Column("rgk", L("RGK", "РГК")), Column("kind", L("KIND", "ВИД")),
            Column("status", L("STATUS", "СОСТОЯНИЕ")), Column("started_at", L("STARTED", "НАЧАЛО")),
            Column("rows", L("ROWS", "СТРОК"), align: .right), Column("file", L("FILE", "ФАЙЛ"), cut: 10, priority: 1),
        ])
        for i in d.imports {
            imports.append([Cell(.int(i.id)), Cell(.of(i.rgk)), Cell(.text(i.kind), display: Labels.label(.importKind, i.kind, lang)),
                            Cell(.text(i.status), display: Labels.label(.importStatus, i.status, lang),
                                 style: i.status == "completed" ? .plain : (i.status == "running" ? .cyan : .red)),
                            Cell(.text(i.startedAt), display: Timestamp.display(i.startedAt)),
                            count(i.rowsRead, lang), Cell(.text(i.fileName))])
        }
        var record = Record()
        record.section("queues", L("Queues", "Очереди"), queues)
        record.section("deadlines", L("Deadlines", "Сроки"), deadlines)
        record.section("applications", L("Applications by status", "Заявки по состояниям"), apps)
        record.section("rgk", L("By RGK", "По РГК"), rgks)
        record.section("imports", L("Last imports", "Последние загрузки"), imports)
        return record
    }

    static func count(_ n: Int, _ lang: Lang) -> Cell {
        Cell(.int(Int64(n)), display: n == 0 ? "—" : Format.grouped(Int64(n), lang), style: n == 0 ? .dim : .plain)
    }
}
