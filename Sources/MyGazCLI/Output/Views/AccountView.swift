import Foundation
import MyGazCore

/// A personal account as people see it: the list, and the whole account with its services,
/// meters, users, contracts, payments and settlements.
enum AccountView {
    static func day(_ iso: String?) -> Cell {
        Cell(.of(iso), display: iso.flatMap { Day(iso: $0)?.russian } ?? "—")
    }

    /// Money for people in rubles; debts in red; machines get kopecks.
    static func money(_ kop: Int64?, _ lang: Lang) -> Cell {
        guard let kop else { return Cell(.null, display: "—") }
        return Cell(.int(kop), display: Format.money(kop, lang), style: kop < 0 ? .red : .plain)
    }

    static func table(_ rows: [AccountSummary], _ out: Output) -> Table {
        let lang = out.lang
        var t = Table([
            Column("rgk", L("RGK", "РГК")), Column("account", L("ACCOUNT", "СЧЕТ")), Column("holder", L("HOLDER", "ВЛАДЕЛЕЦ"), cut: 14),
            Column("address", L("ADDRESS", "АДРЕС"), cut: 16, priority: 1), Column("balance_kop", L("BALANCE ₽", "САЛЬДО ₽"), align: .right),
            Column("debt_kop", L("DEBT ₽", "ДОЛГ ₽"), align: .right), Column("user_count", L("USERS", "ПОЛЬЗ."), align: .right, priority: 2),
        ])
        for a in rows {
            t.append([Cell(.text(a.rgk)), Cell(.text(a.number)), Cell(.text(a.holder)), Cell(.of(a.address)),
                      money(a.balanceKop, lang), a.debtKop == 0 ? Cell(.int(0), display: "") : money(a.debtKop, lang),
                      Cell(.int(Int64(a.users)))])
        }
        return t
    }

    static func record(_ a: AccountDetail, _ ref: AccountRef, allContracts: Bool, _ out: Output) -> Record {
        let texts = out.texts, lang = out.lang
        var r = Record()
        r.field("rgk", L("RGK", "РГК"), .text(ref.rgkCode), display: "\(ref.rgkCode) — \(a.rgkName)")
        r.field("account", L("Account", "Лицевой счет"), .text(ref.number))
        r.field("holder", L("Holder", "Владелец"), .text(a.holder))
        r.field("address", L("Address", "Адрес"), .of(a.address))
        r.field("phone", L("Phone", "Телефон"), .of(a.phone), display: a.phone.map(Format.phone) ?? "—")
        r.field("residents", L("Residents", "Проживающих"), .of(a.residents), display: a.residents.map { String($0) } ?? "—")
        r.field("heated_area", L("Heated area, m²", "Отапливаемая площадь, м²"), .of(a.heatedArea), display: a.heatedArea.map { Format.decimal($0, lang) } ?? "—")
        r.field("status", L("State", "Состояние"), .text(a.status), display: texts.label(.accountStatus, a.status))
        r.field("active_pin", L("Active PIN", "Действующий ПИН-код"), .bool(a.activePIN), display: (a.activePIN ? L("yes", "да") : L("no", "нет"))(lang))
        // what the list shows of the account, for scripts; people read the services and users below
        let balance = a.services.reduce(0) { $0 + $1.balanceKop }, debt = a.services.filter { $0.balanceKop < 0 }.reduce(0) { $0 + $1.balanceKop }
        r.field("balance_kop", L("Balance", "Сальдо"), .int(balance), .machineOnly)
        r.field("debt_kop", L("Debt", "Долг"), .int(debt), .machineOnly)
        r.field("user_count", L("Users", "Пользователей"), .int(Int64(a.users.count)), .machineOnly)

        // the holder's phone as changed at the desk, and what an RGK file said otherwise (not yet settled)
        var desk = Table([
            Column("changed_at", L("CHANGED", "ИЗМЕНЕН")), Column("changed_by", L("BY", "КТО")),
            Column("old_phone", L("WAS", "БЫЛ"), priority: 2), Column("new_phone", L("NOW", "СТАЛ")),
            Column("document", L("DOCUMENT", "ДОКУМЕНТ"), cut: 10, priority: 1),
            Column("exported_at", L("TO RGK", "ПЕРЕДАН В РГК"), .machineOnly),
            Column("file_phone", L("RGK FILE SAYS", "В ФАЙЛЕ РГК")), Column("file_seen_at", L("FILE SEEN", "ФАЙЛ ЗАГРУЖЕН"), .machineOnly),
            Column("file_batch", L("BATCH", "ЗАГРУЗКА"), .machineOnly),
        ])
        if let d = a.deskPhone {
            desk.append([Cell(.text(d.changedAt), display: Timestamp.display(d.changedAt)), Cell(.text(d.changedBy)),
                         .phone(d.oldPhone, empty: "—"), .phone(d.newPhone), Cell(.text(d.document)),
                         Cell(.of(d.exportedAt)),
                         Cell(.of(d.filePhone), display: d.filePhone.map { $0.isEmpty ? L("(none)", "(нет)")(lang) : Format.phone($0) } ?? "—",
                              style: d.conflict ? .red : .plain),
                         Cell(.of(d.fileSeenAt)), Cell(.of(d.fileBatchID))])
            if d.conflict {
                desk.footer = L("not settled: the RGK's file is older than the desk change; keep it with 'account set-phone … --phone' again, or take the file's with --accept-file",
                                "расхождение не решено: файл РГК старше изменения в офисе; оставить — снова «account set-phone … --phone», принять файл — --accept-file")(lang)
            }
        }
        r.section("desk_phone", L("Holder's phone changed at the desk", "Телефон владельца, измененный в офисе"), desk, hiddenWhenEmpty: true)

        var services = Table([Column("service", L("SERVICE", "УСЛУГА")), Column("balance_kop", L("BALANCE ₽", "САЛЬДО ₽"), align: .right)])
        for s in a.services {
            services.append([.code(.serviceKind, s.kind, texts), money(s.balanceKop, lang)])
        }
        services.footer = L("a debt is negative", "долг — отрицательное сальдо")(lang)
        r.section("services", L("Services and balances", "Услуги и сальдо"), services)

        var meters = Table([
            Column("serial", L("SERIAL", "ЗАВ. НОМЕР")), Column("model", L("MODEL", "МОДЕЛЬ"), cut: 8, priority: 2), Column("digits", L("DIGITS", "РАЗР."), align: .right, priority: 3),
            Column("place", L("PLACE", "МЕСТО"), cut: 6, priority: 1), Column("state", L("STATE", "СОСТОЯНИЕ")),
            Column("last_value", L("LAST ACCEPTED", "ПОСЛЕДНЕЕ ПРИНЯТОЕ"), align: .right), Column("last_date", L("ON", "ДАТА")),
            Column("next_verification", L("VERIFICATION", "ПОВЕРКА")), Column("verification_expired", L("EXPIRED", "ИСТЕКЛА"), .machineOnly),
            Column("pending", L("PENDING", "В ОБРАБОТКЕ"), align: .right),
        ])
        for m in a.meters {
            meters.append([
                Cell(.text(m.serial)), Cell(.of(m.model)), Cell(.int(Int64(m.digits))), Cell(.of(m.place)),
                Cell(.text(m.state), display: texts.label(.meterState, m.state), style: m.state == "working" ? .plain : .red),
                Cell(.of(m.lastValue), display: m.lastValue.map { Format.grouped($0, lang) } ?? "—"),
                Cell(.of(m.lastDate), display: m.lastDate.flatMap { Day(iso: $0)?.russian } ?? ""),
                Cell(.of(m.nextVerification),
                     display: (m.nextVerification.flatMap { Day(iso: $0)?.russian } ?? "—") + (m.verificationExpired ? L(" (expired)", " (истекла)")(lang) : ""),
                     style: m.verificationExpired ? .red : .plain),
                Cell(.bool(m.verificationExpired)), Cell(.int(Int64(m.pending)), display: m.pending == 0 ? "" : String(m.pending)),
            ])
        }
        r.section("meters", L("Meters", "Приборы учета"), meters)

        var users = Table([Column("id", L("ID", "ID"), align: .right), Column("login", L("LOGIN", "ЛОГИН")), Column("name", L("NAME", "ФИО"), cut: 14),
                           Column("status", L("STATE", "СОСТОЯНИЕ")), Column("access_level", L("ACCESS", "ДОСТУП")),
                           Column("alias", L("ALIAS", "НАЗВАНИЕ"), cut: 8, priority: 1), Column("locked", L("LOCKED", "БЛОК."), .machineOnly)])
        for u in a.users {
            users.append([Cell(.int(u.id)), Cell(.text(u.login), display: Format.login(u.login)), Cell(.of(u.fullName)),
                          Cell(.text(u.status), display: texts.label(.userStatus, u.status)),
                          Cell(.text(u.accessLevel), display: texts.label(.accessLevel, u.accessLevel) + (u.locked ? " 🔒" : "")),
                          Cell(.of(u.alias)), Cell(.bool(u.locked))])
        }
        r.section("users", L("Linked portal users", "Привязанные пользователи портала"), users)

        // what is open on the account, for the customer at the desk
        openSections(a.open, into: &r, out)

        var contracts = Table([Column("number", L("NUMBER", "НОМЕР")), Column("kind", L("KIND", "ВИД")),
                               Column("signed_on", L("SIGNED", "ЗАКЛЮЧЕН")), Column("valid_until", L("VALID UNTIL", "ДЕЙСТВУЕТ ДО")),
                               Column("state", L("STATE", "СОСТОЯНИЕ"))])
        for c in a.contracts {
            contracts.append([Cell(.text(c.number)), Cell(.text(c.kind), display: texts.label(.contractKind, c.kind)),
                              day(c.signedOn), day(c.validUntil),
                              .code(.contractState, c.state, texts, style: c.state == "active" ? .plain : .dim)])
        }
        if !allContracts { contracts.footer = L("active only; --all shows the archive too", "только действующие; --all — вместе с архивом")(lang) }
        r.section("contracts", L("Contracts", "Договоры"), contracts)

        var payments = Table([Column("date", L("DATE", "ДАТА")), Column("service", L("SERVICE", "УСЛУГА")),
                              Column("amount_kop", L("AMOUNT ₽", "СУММА ₽"), align: .right), Column("channel", L("WHERE", "МЕСТО ОПЛАТЫ"), cut: 10, priority: 1),
                              Column("state", L("STATE", "СОСТОЯНИЕ")), Column("external_id", L("NUMBER", "НОМЕР"), priority: 2)])
        for p in a.payments {
            payments.append([day(p.paidOn), .code(.serviceKind, p.service, texts), money(p.amountKop, lang), Cell(.of(p.channel)),
                             .code(.paymentState, p.state, texts),
                             Cell(.text(p.externalID))])
        }
        r.section("payments", L("Last payments", "Последние оплаты"), payments)

        var settlements = Table([
            Column("period", L("PERIOD", "ПЕРИОД")), Column("service", L("SERVICE", "УСЛУГА")),
            Column("opening_kop", L("OPENING", "НА НАЧАЛО"), align: .right), Column("charged_kop", L("CHARGED", "НАЧИСЛЕНО"), align: .right),
            Column("paid_kop", L("PAID", "ОПЛАЧЕНО"), align: .right), Column("benefit_kop", L("BENEFIT", "ЛЬГОТА"), align: .right, priority: 1),
            Column("recalc_kop", L("RECALC", "ПЕРЕРАСЧЕТ"), align: .right, priority: 2), Column("closing_kop", L("CLOSING", "НА КОНЕЦ"), align: .right),
            Column("to_pay_kop", L("TO PAY", "К ОПЛАТЕ"), align: .right), Column("overpaid_kop", L("OVERPAID", "ПЕРЕПЛАТА"), align: .right, priority: 1),
        ])
        for s in a.settlements {
            settlements.append([Cell(.text(s.period), display: Format.period(s.period, lang)), .code(.serviceKind, s.service, texts), money(s.openingKop, lang), money(s.chargedKop, lang),
                                money(s.paidKop, lang), money(s.benefitKop, lang), money(s.recalcKop, lang), money(s.closingKop, lang),
                                money(s.toPayKop, lang), Cell(.int(s.overpaidKop), display: s.overpaidKop == 0 ? "—" : Format.money(s.overpaidKop, lang))])
        }
        settlements.footer = L("to pay: the debt at the closing balance of a closed month (benefits and recalculations in it), "
                               + "opening − charged + paid of the open one; overpaid: paid beyond what was owed, nothing to pay",
                               "к оплате: долг на конец закрытого месяца (с льготами и перерасчетами), у незакрытого — "
                               + "на начало − начислено + оплачено; переплата: оплачено сверх начисленного, платить не нужно")(lang)
        r.section("settlements", L("Settlements", "Взаиморасчеты"), settlements)
        return r
    }

    /// The open applications, tickets and pending readings of one or more accounts, as sections.
    static func openSections(_ open: OpenItems, into r: inout Record, _ out: Output) {
        let texts = out.texts
        func at(_ i: OpenItems.Item) -> Cell { Cell(.of(i.at), display: i.at.map { Timestamp.display($0) } ?? "—") }
        var applications = Table([Column("id", L("ID", "ID"), align: .right), Column("account", L("ACCOUNT", "СЧЕТ")), Column("kind", L("KIND", "ВИД")),
                                  Column("status", L("STATE", "СОСТОЯНИЕ")), Column("at", L("SUBMITTED", "ПОДАНА"))])
        for i in open.applications {
            applications.append([Cell(.int(i.id)), Cell(.text(i.account)), .code(.applicationKind, i.what, texts),
                                 .code(.applicationStatus, i.status, texts), at(i)])
        }
        r.section("open_applications", L("Open applications", "Открытые заявки"), applications, hiddenWhenEmpty: true)
        var tickets = Table([Column("id", L("ID", "ID"), align: .right), Column("account", L("ACCOUNT", "СЧЕТ")), Column("topic", L("TOPIC", "ТЕМА")),
                             Column("status", L("STATE", "СОСТОЯНИЕ")), Column("at", L("RECEIVED", "ПОЛУЧЕНО"))])
        for i in open.tickets {
            tickets.append([Cell(.int(i.id)), Cell(.text(i.account)), .code(.ticketTopic, i.what, texts), .code(.ticketStatus, i.status, texts), at(i)])
        }
        r.section("open_tickets", L("Open tickets", "Открытые обращения"), tickets, hiddenWhenEmpty: true)
        var readings = Table([Column("id", L("ID", "ID"), align: .right), Column("account", L("ACCOUNT", "СЧЕТ")), Column("serial", L("METER", "ПРИБОР")),
                              Column("value", L("VALUE", "ПОКАЗАНИЕ"), align: .right), Column("at", L("SUBMITTED", "ПЕРЕДАНО"))])
        for i in open.readings {
            readings.append([Cell(.int(i.id)), Cell(.text(i.account)), Cell(.text(i.what)),
                             Cell(.of(i.value), display: i.value.map { Format.grouped($0, out.lang) } ?? "—"), at(i)])
        }
        r.section("pending_readings", L("Readings waiting for a decision", "Показания в обработке"), readings, hiddenWhenEmpty: true)
    }
}
