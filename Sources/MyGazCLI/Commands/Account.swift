import Foundation
import MyGazCore

enum AccountCommands {
    static let spec = CommandSpec(
        "account", L("personal accounts: holder, balances, meters, payments, settlements", "лицевые счета: владелец, сальдо, приборы учета, оплаты, взаиморасчеты"),
        subcommands: [
            CommandSpec("list", L("list accounts", "список лицевых счетов"),
                        options: [Opt.rgk,
                                  OptionSpec("search", short: "s", value: "TEXT", L("account number, holder's name or address", "номер счета, ФИО владельца или адрес")),
                                  OptionSpec("debtors", L("only accounts with a debt, the largest first", "только должники, крупные долги сверху")),
                                  Opt.limit],
                        examples: [Example("mygaz-admin account list --rgk vologda --debtors --limit 20", L("The twenty largest debts in Vologda.", "Двадцать крупнейших долгов в Вологде."))],
                        handler: list),
            CommandSpec("show", L("everything about one account", "все об одном лицевом счете"),
                        arguments: [UserCommands.accountArg],
                        options: [UserCommands.rgkForAccount,
                                  OptionSpec("all", L("also archived contracts", "также архивные договоры"))],
                        examples: [Example("mygaz-admin account show 023-185952 --rgk vologda", L("The number as printed on the bill is fine.", "Можно вводить номер так, как он напечатан на квитанции."))],
                        handler: show),
        ])

    static func list(_ inv: Invocation) throws -> ExitStatus {
        var filter = AccountFilter()
        filter.rgk = inv.string("rgk")
        filter.search = inv.string("search")
        filter.debtors = inv.flag("debtors")
        filter.limit = try inv.limit()
        let lang = inv.out.lang
        var t = Table([
            Column("rgk", L("RGK", "РГК")), Column("account", L("ACCOUNT", "СЧЕТ")), Column("holder", L("HOLDER", "ВЛАДЕЛЕЦ")),
            Column("address", L("ADDRESS", "АДРЕС")), Column("balance_kop", L("BALANCE ₽", "САЛЬДО ₽"), align: .right),
            Column("debt_kop", L("DEBT ₽", "ДОЛГ ₽"), align: .right), Column("users", L("USERS", "ПОЛЬЗ."), align: .right),
        ])
        let rows = try Accounts.list(inv.db, filter)
        for a in rows {
            t.append([Cell(.text(a.rgk)), Cell(.text(a.number)), Cell(.text(a.holder)), Cell(.of(a.address)),
                      money(a.balanceKop, lang), a.debtKop == 0 ? Cell(.int(0), display: "") : money(a.debtKop, lang),
                      Cell(.int(Int64(a.users)))])
        }
        if rows.count == filter.limit { t.footer = inv.out.texts.render(.moreRows, .int(filter.limit)) }
        inv.out.table(t)
        return .success
    }

    /// Money for people in rubles; debts in red; machines get kopecks.
    static func money(_ kop: Int64?, _ lang: Lang) -> Cell {
        guard let kop else { return Cell(.null, display: "—") }
        return Cell(.int(kop), display: Format.money(kop, lang), style: kop < 0 ? .red : .plain)
    }

    static func show(_ inv: Invocation) throws -> ExitStatus {
        let ref = try AccountRef.resolve(inv.db, inv.argument("ACCOUNT")!, rgk: inv.string("rgk"))
        let a = try Accounts.show(inv.db, ref, allContracts: inv.flag("all"), today: inv.clock.today)
        let texts = inv.out.texts, lang = inv.out.lang
        var r = Record()
        r.field("rgk", L("RGK", "РГК"), .text(ref.rgkCode), display: "\(ref.rgkCode) — \(a.rgkName)")
        r.field("account", L("Account", "Лицевой счет"), .text(ref.number))
        r.field("holder", L("Holder", "Владелец"), .text(a.holder))
        r.field("address", L("Address", "Адрес"), .of(a.address))
        r.field("phone", L("Phone", "Телефон"), .of(a.phone))
        r.field("residents", L("Residents", "Проживающих"), .of(a.residents))
        r.field("heated_area", L("Heated area, m²", "Отапливаемая площадь, м²"), .of(a.heatedArea))
        r.field("status", L("State", "Состояние"), .text(a.status))
        r.field("active_pin", L("Active PIN", "Действующий ПИН-код"), .bool(a.activePIN), display: (a.activePIN ? L("yes", "да") : L("no", "нет"))(lang))

        var services = Table([Column("service", L("SERVICE", "УСЛУГА")), Column("label", L("NAME", "НАИМЕНОВАНИЕ"), .humanOnly),
                              Column("balance_kop", L("BALANCE ₽", "САЛЬДО ₽"), align: .right)])
        for s in a.services {
            services.append([Cell(.text(s.kind)), Cell(.text(texts.label(.serviceKind, s.kind))), money(s.balanceKop, lang)])
        }
        services.footer = L("a debt is negative", "долг — отрицательное сальдо")(lang)
        r.section("services", L("Services and balances", "Услуги и сальдо"), services)

        var meters = Table([
            Column("serial", L("SERIAL", "ЗАВ. НОМЕР")), Column("model", L("MODEL", "МОДЕЛЬ")), Column("digits", L("DIGITS", "РАЗР."), align: .right),
            Column("place", L("PLACE", "МЕСТО")), Column("state", L("STATE", "СОСТОЯНИЕ")),
            Column("last_value", L("LAST ACCEPTED", "ПОСЛЕДНЕЕ ПРИНЯТОЕ"), align: .right), Column("last_date", L("ON", "ДАТА")),
            Column("next_verification", L("VERIFICATION", "ПОВЕРКА")), Column("verification_expired", L("EXPIRED", "ИСТЕКЛА"), .machineOnly),
            Column("pending", L("PENDING", "В ОБРАБОТКЕ"), align: .right),
        ])
        for m in a.meters {
            meters.append([
                Cell(.text(m.serial)), Cell(.of(m.model)), Cell(.int(Int64(m.digits))), Cell(.of(m.place)),
                Cell(.text(m.state), display: texts.label(.meterState, m.state), style: m.state == "working" ? .plain : .red),
                Cell(.of(m.lastValue), display: m.lastValue.map { Format.grouped($0) } ?? "—"),
                Cell(.of(m.lastDate), display: m.lastDate.flatMap { Day(iso: $0)?.shortRussian } ?? ""),
                Cell(.of(m.nextVerification),
                     display: (m.nextVerification.flatMap { Day(iso: $0)?.russian } ?? "—") + (m.verificationExpired ? L(" (expired)", " (истекла)")(lang) : ""),
                     style: m.verificationExpired ? .red : .plain),
                Cell(.bool(m.verificationExpired)), Cell(.int(Int64(m.pending)), display: m.pending == 0 ? "" : String(m.pending)),
            ])
        }
        r.section("meters", L("Meters", "Приборы учета"), meters)

        var users = Table([Column("id", L("ID", "ID"), align: .right), Column("login", L("LOGIN", "ЛОГИН")), Column("name", L("NAME", "ФИО")),
                           Column("status", L("STATE", "СОСТОЯНИЕ")), Column("access_level", L("ACCESS", "ДОСТУП")),
                           Column("alias", L("ALIAS", "НАЗВАНИЕ")), Column("locked", L("LOCKED", "БЛОК."), .machineOnly)])
        for u in a.users {
            users.append([Cell(.int(u.id)), Cell(.text(u.login)), Cell(.of(u.fullName)),
                          Cell(.text(u.status), display: texts.label(.userStatus, u.status)),
                          Cell(.text(u.accessLevel), display: texts.label(.accessLevel, u.accessLevel) + (u.locked ? " 🔒" : "")),
                          Cell(.of(u.alias)), Cell(.bool(u.locked))])
        }
        r.section("users", L("Linked portal users", "Привязанные пользователи портала"), users)

        var contracts = Table([Column("number", L("NUMBER", "НОМЕР")), Column("kind", L("KIND", "ВИД")),
                               Column("signed_on", L("SIGNED", "ЗАКЛЮЧЕН")), Column("valid_until", L("VALID UNTIL", "ДЕЙСТВУЕТ ДО")),
                               Column("state", L("STATE", "СОСТОЯНИЕ"))])
        for c in a.contracts {
            contracts.append([Cell(.text(c.number)), Cell(.text(c.kind), display: texts.label(.contractKind, c.kind)),
                              day(c.signedOn), day(c.validUntil),
                              Cell(.text(c.state), display: c.state == "active" ? L("active", "действует")(lang) : L("archive", "архив")(lang),
                                   style: c.state == "active" ? .plain : .dim)])
        }
        if !inv.flag("all") { contracts.footer = L("active only; --all shows the archive too", "только действующие; --all — вместе с архивом")(lang) }
        r.section("contracts", L("Contracts", "Договоры"), contracts)

        var payments = Table([Column("date", L("DATE", "ДАТА")), Column("service", L("SERVICE", "УСЛУГА")),
                              Column("amount_kop", L("AMOUNT ₽", "СУММА ₽"), align: .right), Column("channel", L("WHERE", "МЕСТО ОПЛАТЫ")),
                              Column("state", L("STATE", "СОСТОЯНИЕ")), Column("external_id", L("NUMBER", "НОМЕР"))])
        for p in a.payments {
            payments.append([day(p.paidOn), Cell(.text(p.service)), money(p.amountKop, lang), Cell(.of(p.channel)),
                             Cell(.text(p.state), display: p.state == "paid" ? L("paid", "оплачено")(lang) : L("processing", "в обработке")(lang)),
                             Cell(.text(p.externalID))])
        }
        r.section("payments", L("Last payments", "Последние оплаты"), payments)

        var settlements = Table([
            Column("period", L("PERIOD", "ПЕРИОД")), Column("service", L("SERVICE", "УСЛУГА")),
            Column("opening_kop", L("OPENING", "НА НАЧАЛО"), align: .right), Column("charged_kop", L("CHARGED", "НАЧИСЛЕНО"), align: .right),
            Column("paid_kop", L("PAID", "ОПЛАЧЕНО"), align: .right), Column("benefit_kop", L("BENEFIT", "ЛЬГОТА"), align: .right),
            Column("recalc_kop", L("RECALC", "ПЕРЕРАСЧЕТ"), align: .right), Column("closing_kop", L("CLOSING", "НА КОНЕЦ"), align: .right),
            Column("due_kop", L("DUE", "К ОПЛАТЕ"), align: .right),
        ])
        for s in a.settlements {
            settlements.append([Cell(.text(s.period)), Cell(.text(s.service)), money(s.openingKop, lang), money(s.chargedKop, lang),
                                money(s.paidKop, lang), money(s.benefitKop, lang), money(s.recalcKop, lang), money(s.closingKop, lang),
                                money(s.dueKop, lang)])
        }
        settlements.footer = L("due = opening − charged + paid; a month not yet closed has no closing balance",
                               "к оплате = на начало − начислено + оплачено; у незакрытого месяца нет сальдо на конец")(lang)
        r.section("settlements", L("Settlements", "Взаиморасчеты"), settlements)
        inv.out.record(r)
        return .success
    }

    static func day(_ iso: String?) -> Cell {
        Cell(.of(iso), display: iso.flatMap { Day(iso: $0)?.russian } ?? "—")
    }
}

enum PinCommands {
    static let spec = CommandSpec(
        "pin", L("PIN codes for the extended version: requests, issue, revoke", "ПИН-коды расширенной версии: запросы, выдача, отзыв"),
        discussion: L("A PIN is stored only as a yescrypt hash. An issued PIN is shown once, on the terminal (or with --print into a pipe), or e-mailed to the requester with --send and never shown.",
                      "ПИН-код хранится только в виде хэша yescrypt. Выданный код показывается один раз — в терминале (или с --print в конвейер), либо с --send отправляется по e-mail заявителю и не показывается."),
        subcommands: [
            CommandSpec("requests", L("PIN requests from the portal, oldest first", "запросы ПИН-кода с портала, старые сверху"),
                        options: [OptionSpec("status", value: "STATUS", L("only this state (default: open)", "только это состояние (по умолчанию open)"),
                                             choices: PinRequestStatus.codes + ["all"]),
                                  Opt.rgk, Opt.limit],
                        handler: requests),
            CommandSpec("issue", L("issue a new PIN for an account; earlier PINs are revoked", "выдать новый ПИН-код; прежние отзываются"),
                        arguments: [ArgumentSpec("ACCOUNT", L("the account (may be left out with --request)", "лицевой счет (можно опустить при --request)"),
                                                 arity: .optional, completion: .live(.account))],
                        options: [UserCommands.rgkForAccount,
                                  OptionSpec("request", value: "ID", L("answer this PIN request (closes it)", "ответ на этот запрос (закрывает его)"),
                                             completion: .live(.pinRequest)),
                                  OptionSpec("send", L("e-mail the PIN to the requester; it is never shown", "отправить ПИН-код заявителю по e-mail; он не показывается")),
                                  OptionSpec("print", L("print the PIN even into a pipe", "вывести ПИН-код даже в конвейер")),
                                  OptionSpec("valid-days", value: "N", L("days until it expires (default 30)", "дней до истечения (по умолчанию 30)")),
                                  OptionSpec("digits", value: "N", L("length (default 8)", "длина (по умолчанию 8)"))],
                        examples: [Example("mygaz-admin pin issue --request 17 --send", L("Answer a portal request by e-mail.", "Ответить на запрос с портала по e-mail.")),
                                   Example("mygaz-admin pin issue 70000017", L("Hand a PIN to the customer at the desk.", "Выдать ПИН-код клиенту в окне."))],
                        access: .clerks, handler: issue),
            CommandSpec("reject-request", L("reject PIN requests, with the reason", "отклонить запросы ПИН-кода с указанием причины"),
                        arguments: [ArgumentSpec("ID", L("request ids", "номера запросов"), arity: .variadic, acceptsStdin: true, completion: .live(.pinRequest))],
                        options: [OptionSpec("reason", value: "TEXT", L("required: told to the customer", "обязательно: сообщается клиенту")), Opt.continueOnError],
                        access: .clerks, handler: rejectRequest),
            CommandSpec("revoke", L("revoke the account's active PIN", "отозвать действующий ПИН-код счета"),
                        arguments: [UserCommands.accountArg], options: [UserCommands.rgkForAccount], access: .clerks, handler: revoke),
            CommandSpec("list", L("PINs: state, issued by, expiry — never the PIN", "ПИН-коды: состояние, кем выдан, срок — но не сам код"),
                        options: [OptionSpec("account", value: "ACCOUNT", L("only this account", "только этот счет"), completion: .live(.account)),
                                  UserCommands.rgkForAccount,
                                  OptionSpec("active", L("only PINs that still work", "только действующие")), Opt.limit],
                        handler: listPins),
        ])

    static func requests(_ inv: Invocation) throws -> ExitStatus {
        let statusText = inv.string("status") ?? "open"
        let status = statusText == "all" ? nil : PinRequestStatus(rawValue: statusText)
        let limit = try inv.limit()
        let rows = try Pins.requests(inv.db, status: status, rgk: inv.string("rgk"), limit: limit)
        var t = Table([
            Column("id", L("ID", "ID"), align: .right), Column("rgk", L("RGK", "РГК")), Column("account", L("ACCOUNT", "СЧЕТ")),
            Column("full_name", L("NAME GIVEN", "УКАЗАННОЕ ФИО")), Column("holder", L("HOLDER", "ВЛАДЕЛЕЦ СЧЕТА")),
            Column("email", L("E-MAIL", "E-MAIL")), Column("phone", L("PHONE", "ТЕЛЕФОН")),
            Column("status", L("STATE", "СОСТОЯНИЕ")), Column("created_at", L("RECEIVED", "ПОЛУЧЕН")),
            Column("age", L("AGE", "ВОЗРАСТ"), align: .right, .humanOnly), Column("reason", L("REASON", "ПРИЧИНА"), .machineOnly),
        ])
        for p in rows {
            let match = Database.fold(p.fullName) == Database.fold(p.holder)
            t.append([Cell(.int(p.id)), Cell(.text(p.account.rgkCode)), Cell(.text(p.account.number)),
                      Cell(.text(p.fullName), style: match ? .plain : .yellow), Cell(.text(p.holder)),
                      Cell(.of(p.email)), Cell(.of(p.phone)),
                      Cell(.text(p.status), display: inv.out.texts.label(.pinRequestStatus, p.status)),
                      Cell(.text(p.createdAt), display: Timestamp.display(p.createdAt)),
                      Cell(.text(Timestamp.parse(p.createdAt).map { Timestamp.age(seconds: inv.clock.now - $0) } ?? "")),
                      Cell(.of(p.reason))])
        }
        inv.out.table(t)
        return .success
    }

    static func issue(_ inv: Invocation) throws -> ExitStatus {
        let send = inv.flag("send")
        try inv.exclusive("send", "print")
        // the PIN may be shown once, and only to a person, unless --print says a pipe is meant
        if !send && !inv.flag("print") && !inv.io.terminal.stdoutIsTTY {
            throw MyGazError.usage(.pinRefusePipe)
        }
        let requestID = try inv.int("request", range: 1...Int.max).map(Int64.init)
        let account: AccountRef
        if let text = inv.argument("ACCOUNT") {
            account = try AccountRef.resolve(inv.db, text, rgk: inv.string("rgk"))
        } else if let requestID {
            account = try Pins.requestAccount(inv.db, requestID)
        } else {
            throw MyGazError.usage(.missingArgument, "ACCOUNT", .text(inv.commandName))
        }
        let options = Pins.Issue(requestID: requestID, send: send,
                                 validDays: try inv.int("valid-days", range: 1...3650) ?? Pins.defaultValidDays,
                                 digits: try inv.int("digits", range: 4...12) ?? Pins.defaultDigits)
        let issued = try Pins.issue(inv.session, account: account, options)
        if inv.out.isHuman {
            if let pin = issued.pin {
                inv.out.sayText(inv.out.texts.render(.pinShownOnce, .text(account.label), .text(pin), .text(Timestamp.display(issued.expiresAt))))
            } else {
                inv.out.say(.pinSent, .text(account.label), .text(issued.sentTo ?? ""), .text(Timestamp.display(issued.expiresAt)))
            }
            if issued.revoked > 0 { inv.out.say(.pinEarlierRevoked, .int(issued.revoked)) }
        } else {
            var extra: [(String, Value)] = [("account", .text(account.number)), ("rgk", .text(account.rgkCode)),
                                            ("expires_at", .text(issued.expiresAt)), ("revoked", .int(Int64(issued.revoked)))]
            if let pin = issued.pin { extra.append(("pin", .text(pin))) }
            if let to = issued.sentTo { extra.append(("sent_to", .text(to))) }
            inv.out.results([ActionResult(id: String(issued.pinID), outcome: .changed, status: "active", extra: extra)])
        }
        return .success
    }

    static func rejectRequest(_ inv: Invocation) throws -> ExitStatus {
        guard let reason = try inv.text("reason") else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--reason") }
        let ids = try inv.ids("ID")
        let items = try Batch.run(inv.db, ids: ids, continueOnError: inv.flag("continue-on-error")) { text in
            guard let id = Int64(text), id > 0 else { throw MyGazError.invalid(.badId, .entity(.pinRequest), .text(text)) }
            return try Pins.rejectRequest(inv.session, id: id, reason: reason)
        }
        return Report.batch(items, inv.out)
    }

    static func revoke(_ inv: Invocation) throws -> ExitStatus {
        let account = try AccountRef.resolve(inv.db, inv.argument("ACCOUNT")!, rgk: inv.string("rgk"))
        let revoked = try Pins.revoke(inv.session, account: account)
        inv.out.results([ActionResult(id: account.label, outcome: revoked > 0 ? .changed : .unchanged, status: revoked > 0 ? "revoked" : nil,
                                      human: Message(revoked > 0 ? .pinRevoked : .pinNoneActive, [.text(account.label)]))])
        return .success
    }

    static func listPins(_ inv: Invocation) throws -> ExitStatus {
        let account = try inv.string("account").map { try AccountRef.resolve(inv.db, $0, rgk: inv.string("rgk")) }
        let rows = try Pins.list(inv.db, account: account, activeOnly: inv.flag("active"), now: inv.clock.nowISO, limit: try inv.limit())
        var t = Table([
            Column("id", L("ID", "ID"), align: .right), Column("account", L("ACCOUNT", "СЧЕТ")), Column("source", L("SOURCE", "ИСТОЧНИК")),
            Column("state", L("STATE", "СОСТОЯНИЕ")), Column("issued_at", L("ISSUED", "ВЫДАН")), Column("issued_by", L("BY", "КЕМ")),
            Column("expires_at", L("EXPIRES", "ДЕЙСТВУЕТ ДО")), Column("expired", L("EXPIRED", "ИСТЕК"), .machineOnly),
            Column("request_id", L("REQUEST", "ЗАПРОС"), align: .right),
        ])
        for p in rows {
            let state = p.state == "active" && p.expired ? "expired" : p.state
            t.append([Cell(.int(p.id)), Cell(.text(p.account)),
                      Cell(.text(p.source), display: p.source == "bill" ? L("bill", "квитанция")(inv.out.lang) : L("issued", "выдан")(inv.out.lang)),
                      Cell(.text(p.state), display: state, style: state == "active" ? .green : .dim),
                      Cell(.text(p.issuedAt), display: Timestamp.display(p.issuedAt)), Cell(.text(p.issuedBy)),
                      Cell(.of(p.expiresAt), display: p.expiresAt.map { Timestamp.display($0) } ?? "—"), Cell(.bool(p.expired)),
                      Cell(.of(p.requestID), display: p.requestID.map { String($0) } ?? "")])
        }
        inv.out.table(t)
        return .success
    }
}
