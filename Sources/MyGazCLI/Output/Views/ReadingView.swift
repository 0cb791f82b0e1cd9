import MyGazCore

/// A reading as people see it: the queue's table, the full record of `reading show`, and the
/// facts the review card shows — one computation of each shown value for all three.
enum ReadingView {
    /// What is shown of a reading beside its plain fields, in the clerk's language.
    struct Facts {
        let meter: String
        let meterStyle: Style
        let verification: String
        let verificationExpired: Bool
        let previous: String
        let consumption: String
        let rules: [(text: String, valid: Bool)]
        let decision: String?

        init(_ r: ReadingItem, model: String?, _ texts: Texts) {
            let lang = texts.lang
            let capacity = Format.grouped(ReadingRules.power10(r.digits) - 1, lang)
            meter = [r.serial, model, L("\(r.digits) digits (up to \(capacity))", "разрядность \(r.digits) (до \(capacity))")(lang),
                     texts.label(.meterState, r.meterState)].compactMap { $0 }.joined(separator: " · ")
            meterStyle = r.meterState == "working" ? .plain : .red
            verificationExpired = r.verdict.violations.contains(.verificationExpired)
            verification = (r.nextVerification.flatMap { Day(iso: $0)?.russian } ?? "—") + (verificationExpired ? L(" — expired", " — истекла")(lang) : "")
            previous = r.previousValue.map { "\(Format.grouped($0, lang)) (\(Day(iso: r.previousDate ?? "")?.russian ?? ""))" } ?? "—"
            consumption = r.verdict.consumption.map {
                Format.grouped($0, lang) + L(" m³", " м³")(lang) + (r.verdict.rolledOver ? L(" (the counter rolled over)", " (переход через ноль)")(lang) : "")
            } ?? "—"
            rules = r.status != .pending ? [] : r.verdict.isValid ? [("✓ " + L("breaks no rule", "нарушений нет")(lang), true)]
                : r.verdict.violations.map { ("✗ " + texts.label(.readingReason, $0), false) }
            decision = r.status == .pending ? nil
                : [r.decidedBy, r.reason.map { texts.label(.readingReason, $0) }, r.message].compactMap { $0 }.joined(separator: " · ")
        }
    }

    static func table(_ items: [(item: ReadingItem, due: DueReport?)], _ out: Output) -> Table {
        var t = header
        for (r, due) in items { t.append(row(r, due: due, out)) }
        return t
    }

    /// The list's columns, without rows (a streamed list writes its rows as they come).
    static var header: Table {
        Table([
            Column("id", L("ID", "ID"), align: .right), Column("status", L("STATUS", "СОСТОЯНИЕ"), .machineOnly),
            Column("rgk", L("RGK", "РГК"), .machineOnly), Column("account", L("ACCOUNT", "ЛС")), Column("serial", L("METER", "ПУ")),
            Column("previous", L("PREVIOUS", "ПРЕДЫДУЩЕЕ"), .machineOnly), Column("previous_date", L("PREVIOUS DATE", "ДАТА ПРЕДЫДУЩЕГО"), .machineOnly),
            Column("previous_human", L("PREVIOUS", "ПРЕДЫДУЩЕЕ"), align: .right, .humanOnly, priority: 1),
            Column("value", L("VALUE", "ПОКАЗАНИЕ"), align: .right), Column("reading_date", L("DATE", "ДАТА"), .machineOnly),
            Column("consumption", L("M³", "М³"), align: .right), Column("submitted_at", L("SUBMITTED", "ПЕРЕДАНО"), priority: 3),
            Column("source", L("SOURCE", "ИСТОЧНИК"), .machineOnly),
            Column("violations", L("VIOLATIONS", "НАРУШЕНИЯ"), .machineOnly), Column("reason", L("REASON", "ПРИЧИНА"), .machineOnly),
            Column("message", L("MESSAGE", "СООБЩЕНИЕ"), .machineOnly),
            Column("decided_by", L("DECIDED BY", "КЕМ РЕШЕНО"), .machineOnly), Column("decided_at", L("DECIDED", "РЕШЕНО"), .machineOnly),
            Column("check", L("CHECK", "ПРОВЕРКА"), .humanOnly, cut: 14),
        ] + DueView.columns(datePriority: 2))
    }

    /// One reading as a row of the list.
    static func row(_ r: ReadingItem, due: DueReport?, _ out: Output) -> [Cell] {
        let pending = r.status == .pending, texts = out.texts
        let check: Cell
        if pending {
            let ok = r.verdict.rolledOver ? L("ok (the counter rolled over)", "в норме (переход через ноль)") : L("ok", "в норме")
            check = r.verdict.isValid ? Cell(.text("ok"), display: ok(out.lang), style: .green)
                : Cell(.text(""), display: r.verdict.violations.map { texts.label(.readingReason, $0) }.joined(separator: "; "), style: .red)
        } else {
            check = Cell(.text(r.status.rawValue), display: texts.label(.readingStatus, r.status) + (r.reason.map { ": " + texts.label(.readingReason, $0) } ?? ""),
                         style: r.status == .rejected ? .red : .dim)
        }
        let previousHuman = r.previousValue.map { "\(Format.grouped($0, out.lang)) (\(Day(iso: r.previousDate ?? "")?.russian ?? ""))" } ?? "—"
        return [
            Cell(.int(r.id)), Cell(.text(r.status.rawValue)), Cell(.text(r.rgk)), Cell(.text(r.account)), Cell(.text(r.serial)),
            Cell(.of(r.previousValue)), Cell(.of(r.previousDate)), Cell(.text(previousHuman)),
            Cell(.int(r.value), display: Format.grouped(r.value, out.lang)), Cell(.text(r.readingDate)),
            Cell(.of(r.verdict.consumption), display: r.verdict.consumption.map { Format.grouped($0, out.lang) } ?? "—"),
            Cell(.text(r.submittedAt), display: Timestamp.display(r.submittedAt)), Cell(.text(r.source)),
            Cell(.array(pending ? r.verdict.violations.map { .text($0.rawValue) } : [])), Cell(.of(r.reason)), Cell(.of(r.message)),
            Cell(.of(r.decidedBy)), Cell(.of(r.decidedAt)), check,
        ] + DueView.cells(due, out)
    }

    static func record(_ r: ReadingItem, context: (holder: String?, address: String?, meterModel: String?),
                       history: [(value: Int64, date: String, source: String)], audit: [AuditEntry],
                       due: (due: Due, left: DueLeft?)? = nil, _ out: Output) -> Record {
        let texts = out.texts
        let facts = Facts(r, model: context.meterModel, texts)
        var rec = Record()
        rec.field("id", L("ID", "ID"), .int(r.id))
        rec.field("status", L("State", "Состояние"), .text(r.status.rawValue), display: texts.label(.readingStatus, r.status))
        rec.field("rgk", L("RGK", "РГК"), .text(r.rgk))
        rec.field("account", L("Account", "Лицевой счет"), .text(r.account))
        rec.field("holder", L("Holder", "Владелец"), .of(context.holder))
        rec.field("address", L("Address", "Адрес"), .of(context.address))
        rec.field("serial", L("Meter", "Прибор учета"), .text(r.serial), display: facts.meter, style: facts.meterStyle)
        // the meter's line above says its digits and state: machines get them as fields of their own
        rec.field("digits", L("Digits", "Разрядность"), .int(Int64(r.digits)), display: String(r.digits), .machineOnly)
        rec.field("meter_state", L("Meter state", "Состояние прибора"), .text(r.meterState), display: texts.label(.meterState, r.meterState), .machineOnly)
        rec.field("next_verification", L("Next verification", "Следующая поверка"), .of(r.nextVerification), display: facts.verification,
                  style: facts.verificationExpired ? .red : .plain)
        rec.field("max_monthly_m3", L("Max consumption, m³/month", "Максимальный расход, м³/мес"), .int(r.maxMonthly))
        rec.field("value", L("Value", "Показание"), .int(r.value), display: Format.grouped(r.value, out.lang))
        rec.field("reading_date", L("Reading date", "Дата показания"), .text(r.readingDate), display: Day(iso: r.readingDate)?.russian ?? r.readingDate)
        rec.field("previous", L("Previous accepted", "Предыдущее принятое"), .of(r.previousValue), display: facts.previous)
        rec.field("previous_date", L("Previous date", "Дата предыдущего"), .of(r.previousDate), .machineOnly)
        rec.field("consumption", L("Consumption, m³", "Расход, м³"), .of(r.verdict.consumption), display: facts.consumption)
        rec.field("source", L("Source", "Источник"), .text(r.source), display: texts.label(.readingSource, r.source))
        rec.field("submitted_at", L("Submitted", "Передано"), .text(r.submittedAt), display: Timestamp.display(r.submittedAt))
        DueView.fields(&rec, due, out)
        // the same keys as the list's, whatever the state: rules only judge a pending reading
        let violations = r.status == .pending ? r.verdict.violations : []
        rec.field("violations", L("Rules broken", "Нарушенные правила"), .array(violations.map { .text($0.rawValue) }),
                  display: facts.rules.map(\.text).joined(separator: ", "), style: r.verdict.isValid ? .green : .red,
                  r.status == .pending ? .everywhere : .machineOnly)
        rec.field("reason", L("Reason", "Причина"), .of(r.reason), display: r.reason.map { texts.label(.readingReason, $0) },
                  hiddenWhenNull: true)
        rec.field("message", L("Message", "Сообщение"), .of(r.message), hiddenWhenNull: true)
        rec.field("decided_by", L("Decided by", "Кем решено"), .of(r.decidedBy), hiddenWhenNull: true)
        rec.field("decided_at", L("Decided", "Когда решено"), .of(r.decidedAt), display: r.decidedAt.map { Timestamp.display($0) }, hiddenWhenNull: true)
        var table = Table([Column("reading_date", L("DATE", "ДАТА")), Column("value", L("VALUE", "ПОКАЗАНИЕ"), align: .right),
                           Column("source", L("SOURCE", "ИСТОЧНИК"))])
        for h in history {
            table.append([Cell(.text(h.date), display: Day(iso: h.date)?.russian ?? h.date), Cell(.int(h.value), display: Format.grouped(h.value, out.lang)),
                          .code(.readingSource, h.source, texts)])
        }
        rec.section("history", L("Last accepted readings of the meter", "Последние принятые показания прибора"), table)
        rec.section("audit", L("Changes", "Изменения"), AuditView.table(audit, texts))
        return rec
    }
}
