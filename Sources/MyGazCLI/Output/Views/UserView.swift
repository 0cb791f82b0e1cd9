import Foundation
import MyGazCore

/// A portal user as people see it: the list, and the whole user with links, codes and changes.
enum UserView {
    static func userStyle(_ status: String) -> Style {
        switch status {
        case "blocked": return .red
        case "pending": return .yellow
        case "deleted": return .dim
        default: return .plain
        }
    }

    static func table(_ users: [UserSummary], _ out: Output) -> Table {
        var t = Table([
            Column("id", L("ID", "ID"), align: .right), Column("login", L("LOGIN", "ЛОГИН")),
            Column("login_kind", L("LOGIN KIND", "ВИД ЛОГИНА"), .machineOnly),
            Column("username", L("USERNAME", "ИМЯ ПОЛЬЗОВАТЕЛЯ"), cut: 8, priority: 2), Column("full_name", L("NAME", "ФИО"), cut: 12),
            Column("status", L("STATUS", "СОСТОЯНИЕ")), Column("email", L("E-MAIL", "E-MAIL"), .machineOnly),
            Column("phone", L("PHONE", "ТЕЛЕФОН"), .machineOnly),
            Column("registered_at", L("REGISTERED", "РЕГИСТРАЦИЯ")), Column("accounts", L("ACCOUNTS", "СЧЕТА"), cut: 8, priority: 1),
        ])
        for u in users {
            t.append([Cell(.int(u.id)), Cell(.text(u.login), display: Format.login(u.login)), Cell(.text(u.loginKind)), Cell(.of(u.username)),
                      Cell(.of(u.fullName)),
                      Cell(.text(u.status), display: out.texts.label(.userStatus, u.status), style: userStyle(u.status)),
                      Cell(.of(u.email)), .phone(u.phone),
                      Cell(.text(u.registeredAt), display: Timestamp.display(u.registeredAt)),
                      Cell(.array(u.accounts.map(Value.text)), display: u.accounts.joined(separator: " "))])
        }
        return t
    }

    static func record(_ u: UserDetail, _ out: Output) -> Record {
        let texts = out.texts
        let yes = L("yes", "да"), no = L("no", "нет")
        func flag(_ b: Bool) -> String { (b ? yes : no)(out.lang) }
        var r = Record()
        r.field("id", L("ID", "ID"), .int(u.id))
        r.field("login", L("Login", "Логин"), .text(u.login), display: Format.login(u.login))
        r.field("login_kind", L("Login kind", "Вид логина"), .text(u.loginKind), .machineOnly)
        r.field("username", L("Username", "Имя пользователя"), .of(u.username))
        r.field("full_name", L("Name", "ФИО"), .of(u.fullName))
        r.field("email", L("E-mail", "E-mail"), .of(u.email))
        r.field("phone", L("Phone", "Телефон"), .of(u.phone), display: u.phone.map(Format.phone) ?? "—")
        r.field("status", L("State", "Состояние"), .text(u.status), display: texts.label(.userStatus, u.status), style: userStyle(u.status))
        r.field("blocked_reason", L("Blocked because", "Причина блокировки"), .of(u.blockedReason), style: .red, hiddenWhenNull: true)
        r.field("registered_at", L("Registered", "Регистрация"), .text(u.registeredAt), display: Timestamp.display(u.registeredAt))
        r.field("confirmed_at", L("Confirmed", "Подтверждена"), .of(u.confirmedAt), display: u.confirmedAt.map { Timestamp.display($0) } ?? "—")
        r.field("confirm_until", L("Confirm until", "Подтвердить до"), .of(u.confirmUntil), display: u.confirmUntil.map { Timestamp.display($0) },
                hiddenWhenNull: true)
        r.field("consent_at", L("Personal-data consent", "Согласие на обработку ПД"), .of(u.consentAt),
                display: u.consentAt.map { Timestamp.display($0) + (u.consentChannel.map { " (" + texts.label(.consentChannel, $0) + ")" } ?? "") } ?? L("not given", "не дано")(out.lang))
        r.field("notify_debts", L("Notify: new debts", "Уведомления: долги"), .bool(u.notifyDebts), display: flag(u.notifyDebts))
        r.field("notify_status", L("Notify: status changes", "Уведомления: статусы заявок"), .bool(u.notifyStatus), display: flag(u.notifyStatus))
        r.field("notify_news", L("Notify: news", "Уведомления: новости"), .bool(u.notifyNews), display: flag(u.notifyNews))
        r.field("email_bills", L("Bills by e-mail", "Квитанции на e-mail"), .bool(u.emailBills), display: flag(u.emailBills))
        r.field("deleted_at", L("Erased", "Данные удалены"), .of(u.deletedAt), display: u.deletedAt.map { Timestamp.display($0) }, hiddenWhenNull: true)
        // the list's account numbers, for scripts; people read the links below
        r.field("accounts", L("Accounts", "Счета"), .array(u.links.map { .text($0.number) }), .machineOnly)

        var links = Table([
            Column("rgk", L("RGK", "РГК")), Column("account", L("ACCOUNT", "СЧЕТ")), Column("access_level", L("ACCESS", "ДОСТУП")),
            Column("alias", L("ALIAS", "НАЗВАНИЕ"), cut: 8, priority: 1), Column("extended_via", L("UNLOCKED BY", "ПОДКЛЮЧЕНА ПО"), priority: 2),
            Column("failed_answers", L("WRONG ANSWERS", "НЕВЕРНЫХ ОТВЕТОВ"), align: .right, priority: 3),
            Column("locked_at", L("LOCKED", "ЗАБЛОКИРОВАНА")),
        ])
        for l in u.links {
            links.append([Cell(.text(l.rgk)), Cell(.text(l.number)),
                          Cell(.text(l.accessLevel), display: texts.label(.accessLevel, l.accessLevel)),
                          Cell(.of(l.alias)), .code(.extendedVia, l.extendedVia, texts, empty: ""), Cell(.int(Int64(l.failedAnswers))),
                          Cell(.of(l.lockedAt), display: l.lockedAt.map { Timestamp.display($0) } ?? "", style: .red)])
        }
        r.section("links", L("Linked accounts", "Привязанные счета"), links)

        var identities = Table([
            Column("provider", L("SIGN-IN", "ВХОД ЧЕРЕЗ")), Column("email", L("E-MAIL", "E-MAIL"), cut: 12),
            Column("created_at", L("FIRST SIGN-IN", "ПЕРВЫЙ ВХОД")), Column("activated_at", L("ACTIVATED", "АКТИВИРОВАН")),
            Column("link_expires_at", L("LINK VALID UNTIL", "ССЫЛКА ДО"), priority: 1), Column("subject", L("PROVIDER'S ID", "ID У СЕРВИСА"), .machineOnly),
        ])
        for i in u.identities {
            identities.append([.code(.identityProvider, i.provider, texts), Cell(.of(i.email)),
                               Cell(.text(i.createdAt), display: Timestamp.display(i.createdAt)),
                               Cell(.of(i.activatedAt), display: i.activatedAt.map { Timestamp.display($0) } ?? L("no", "нет")(out.lang),
                                    style: i.activatedAt == nil ? .yellow : .plain),
                               Cell(.of(i.linkExpiresAt), display: i.linkExpiresAt.map { Timestamp.display($0) } ?? ""),
                               Cell(.text(i.subject))])
        }
        identities.footer = u.identities.contains { $0.activatedAt == nil }
            ? L("a new activation link: mygaz-admin user resend-code \(u.id)", "новая ссылка активации: mygaz-admin user resend-code \(u.id)")(out.lang) : nil
        r.section("identities", L("Sign-in through outside services", "Вход через внешние сервисы"), identities)
        AccountView.openSections(u.open, into: &r, out)

        var codes = Table([
            Column("purpose", L("PURPOSE", "НАЗНАЧЕНИЕ")), Column("channel", L("CHANNEL", "КАНАЛ")), Column("destination", L("SENT TO", "КУДА"), priority: 1),
            Column("expires_at", L("EXPIRES", "ДЕЙСТВУЕТ ДО")), Column("attempts", L("ATTEMPTS", "ПОПЫТОК"), align: .right, priority: 2),
            Column("expired", L("EXPIRED", "ИСТЕК")),
        ])
        for c in u.codes {
            codes.append([.code(.codePurpose, c.purpose, texts), .code(.messageChannel, c.channel, texts),
                          Cell(.text(c.destination), display: Format.phone(c.destination)),
                          Cell(.text(c.expiresAt), display: Timestamp.display(c.expiresAt)),
                          Cell(.int(Int64(c.attempts)), display: "\(c.attempts)/\(Users.maxCodeAttempts)"),
                          Cell(.bool(c.expired), display: flag(c.expired), style: c.expired ? .dim : .green)])
        }
        codes.footer = L("the codes themselves are stored hashed and never shown", "сами коды хранятся в виде хэша и не показываются")(out.lang)
        r.section("codes", L("Open codes", "Открытые коды"), codes)
        r.section("audit", L("Last changes", "Последние изменения"), AuditView.table(u.audit, texts))
        return r
    }
}

/// The bank cards a customer linked in the portal (manual 001 §4.7.3): the number as masked as the
/// portal keeps it, the expiry, the bank, when linked — never the payment service's token.
enum CardView {
    static func section(_ cards: [Card], into r: inout Record, _ out: Output) {
        var t = Table([
            Column("id", L("ID", "ID"), align: .right), Column("number", L("CARD", "КАРТА")), Column("expiry", L("EXPIRES", "СРОК")),
            Column("bank", L("BANK", "БАНК"), cut: 10, priority: 1), Column("linked_at", L("LINKED", "ПРИВЯЗАНА"), priority: 2),
        ])
        for c in cards {
            t.append([Cell(.int(c.id)), Cell(.text(c.masked)), Cell(.text(c.expiry), display: c.expiryShown), Cell(.of(c.bank)),
                      Cell(.text(c.linkedAt), display: Timestamp.display(c.linkedAt))])
        }
        t.footer = L("'user unlink-card USER ID --reason TEXT' disconnects one at the customer's request",
                     "«user unlink-card ПОЛЬЗОВАТЕЛЬ ID --reason ТЕКСТ» — отвязать карту по просьбе клиента")(out.lang)
        r.section("cards", L("Bank cards", "Банковские карты"), t)
    }
}
