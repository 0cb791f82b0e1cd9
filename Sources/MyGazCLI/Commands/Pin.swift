import Foundation
import MyGazCore

enum PinCommands {
    static let spec = CommandSpec(
        "pin", L("PIN codes for the extended version: requests, issue, revoke", "ПИН-коды расширенной версии: запросы, выдача, отзыв"),
        discussion: L("A PIN is stored only as a yescrypt hash. An issued PIN is shown once, on the terminal (or with --print into a pipe), or e-mailed to the requester with --send and never shown.",
                      "ПИН-код хранится только в виде хэша yescrypt. Выданный код показывается один раз — в терминале (или с --print в конвейер), либо с --send отправляется по e-mail заявителю и не показывается."),
        subcommands: [
            CommandSpec("requests", L("PIN requests from the portal, oldest first", "запросы ПИН-кода с портала, старые сверху"),
                        options: [OptionSpec(.status, value: "STATUS", L("only this state (default: open)", "только это состояние (по умолчанию open)"),
                                             choices: PinRequestStatus.codes + ["all"]),
                                  Opt.rgk, Opt.limit],
                        access: .everyone, handler: requests),
            CommandSpec("issue", L("issue a new PIN for an account; earlier PINs are revoked", "выдать новый ПИН-код; прежние отзываются"),
                        arguments: [ArgumentSpec("ACCOUNT", L("the account (may be left out with --request)", "лицевой счет (можно опустить при --request)"),
                                                 arity: .optional, completion: .live(.account))],
                        options: [UserCommands.rgkForAccount,
                                  OptionSpec(.request, value: "ID", L("answer this PIN request (closes it)", "ответ на этот запрос (закрывает его)"),
                                             completion: .live(.pinRequest)),
                                  OptionSpec(.send, L("e-mail the PIN to the requester; it is never shown", "отправить ПИН-код заявителю по e-mail; он не показывается")),
                                  OptionSpec(.print, L("print the PIN even into a pipe", "вывести ПИН-код даже в конвейер")),
                                  OptionSpec(.validDays, value: "N", L("days until it expires (default 30)", "дней до истечения (по умолчанию 30)")),
                                  OptionSpec(.digits, value: "N", L("length (default 8)", "длина (по умолчанию 8)"))],
                        examples: [Example("mygaz-admin pin issue --request 17 --send", L("Answer a portal request by e-mail.", "Ответить на запрос с портала по e-mail."), featured: true),
                                   Example("mygaz-admin pin issue 70000011", L("Hand a PIN to the customer at the desk.", "Выдать ПИН-код клиенту в окне."))],
                        access: .clerks, handler: issue),
            CommandSpec("reject-request", L("reject PIN requests, with the reason", "отклонить запросы ПИН-кода с указанием причины"),
                        arguments: [ArgumentSpec("ID", L("request ids", "номера запросов"), arity: .variadic, stdin: .pinRequest, completion: .live(.pinRequest))],
                        options: [OptionSpec(.reason, value: "TEXT", L("required: told to the customer", "обязательно: сообщается клиенту"))] + Decisions.options,
                        access: .clerks, handler: rejectRequest),
            CommandSpec("revoke", L("revoke the account's active PIN", "отозвать действующий ПИН-код счета"),
                        arguments: [UserCommands.accountArg], options: [UserCommands.rgkForAccount], access: .clerks, handler: revoke),
            CommandSpec("list", L("PINs: state, issued by, expiry — never the PIN", "ПИН-коды: состояние, кем выдан, срок — но не сам код"),
                        options: [OptionSpec(.account, value: "ACCOUNT", L("only this account", "только этот счет"), completion: .live(.account)),
                                  UserCommands.rgkForAccount,
                                  OptionSpec(.active, L("only PINs that still work", "только действующие")), Opt.limit],
                        access: .everyone, handler: listPins),
        ])

    static func requests(_ inv: Invocation) throws -> ExitStatus {
        let statusText = inv.string(.status) ?? "open"
        let status = statusText == "all" ? nil : PinRequestStatus(rawValue: statusText)
        let limit = try inv.limit()
        let rows = try Pins.requests(inv.db, status: status, rgk: inv.string(.rgk), limit: limit,
                                      scope: inv.session.rgkScope())
        var t = Table([
            Column("id", L("ID", "ID"), align: .right), Column("rgk", L("RGK", "РГК"), priority: 1), Column("account", L("ACCOUNT", "СЧЕТ")),
            Column("full_name", L("NAME GIVEN", "УКАЗАННОЕ ФИО"), cut: 12), Column("holder", L("HOLDER", "ВЛАДЕЛЕЦ СЧЕТА"), cut: 12, priority: 2),
            Column("email", L("E-MAIL", "E-MAIL"), cut: 12, priority: 2), Column("phone", L("PHONE", "ТЕЛЕФОН")),
            Column("status", L("STATE", "СОСТОЯНИЕ")), Column("created_at", L("RECEIVED", "ПОЛУЧЕН")),
            Column("age", L("AGE", "ВОЗРАСТ"), align: .right, .humanOnly, priority: 4), Column("reason", L("REFUSED BECAUSE", "ПРИЧИНА ОТКАЗА"), cut: 10, priority: 5),
        ])
        for p in rows {
            let match = Database.fold(p.fullName) == Database.fold(p.holder)
            t.append([Cell(.int(p.id)), Cell(.text(p.account.rgkCode)), Cell(.text(p.account.number)),
                      Cell(.text(p.fullName), style: match ? .plain : .yellow), Cell(.text(p.holder)),
                      Cell(.of(p.email)), .phone(p.phone),
                      Cell(.text(p.status), display: inv.out.texts.label(.pinRequestStatus, p.status)),
                      Cell(.text(p.createdAt), display: Timestamp.display(p.createdAt)),
                      Cell(.text(Timestamp.parse(p.createdAt).map { Format.age(seconds: inv.clock.now - $0, inv.out.lang) } ?? "")),
                      Cell(.of(p.reason), display: p.reason.map { DisplayWidth.truncate($0, to: 40) } ?? "")])
        }
        inv.out.table(t)
        return .success
    }

    static func issue(_ inv: Invocation) throws -> ExitStatus {
        let send = inv.flag(.send)
        try inv.exclusive(.send, .print)
        // the PIN may be shown once, and only to a person, unless --print says a pipe is meant
        if !send && !inv.flag(.print) && !inv.io.terminal.stdoutIsTTY {
            throw MyGazError.usage(.pinRefusePipe)
        }
        let requestID = try inv.int(.request, range: 1...Int.max).map(Int64.init)
        let account: AccountRef
        if let text = inv.argument("ACCOUNT") {
            account = try inv.accountToDecide(text)
        } else if let requestID {
            account = try Pins.requestAccount(inv.db, requestID)
            try inv.session.requireWorks(.pinRequest, [requestID])
        } else {
            throw MyGazError.usage(.missingArgument, "ACCOUNT", .text(inv.commandName))
        }
        let options = Pins.Issue(requestID: requestID, send: send,
                                 validDays: try inv.int(.validDays, range: 1...3650) ?? Pins.defaultValidDays,
                                 digits: try inv.int(.digits, range: 4...12) ?? Pins.defaultDigits)
        let issued = try Pins.issue(inv.session, account: account, options)
        if inv.out.isHuman {
            if let pin = issued.pin {
                inv.out.sayText(inv.out.texts.render(.pinShownOnce, .text(account.label), .text(pin), .text(Timestamp.display(issued.expiresAt))))
            } else {
                // the channel it goes by, named by the address it goes to
                let to = issued.sentTo ?? ""
                let channel = Contact.phone(to) != nil ? L("by SMS to ", "по SMS на ")(inv.out.lang) + Format.phone(to)
                                                       : L("by e-mail to ", "на e-mail ")(inv.out.lang) + to
                inv.out.say(.pinSent, .text(account.label), .text(channel), .text(Timestamp.display(issued.expiresAt)))
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
        guard let reason = try inv.text(.reason) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--reason") }
        return try Decisions.run(inv, ids: try inv.ids("ID")) { text in
            try Pins.rejectRequest(inv.session, id: try References.parseID(.pinRequest, text), reason: reason)
        }
    }

    static func revoke(_ inv: Invocation) throws -> ExitStatus {
        let account = try inv.accountToDecide(inv.argument("ACCOUNT")!)
        let revoked = try Pins.revoke(inv.session, account: account)
        inv.out.results([ActionResult(id: account.label, outcome: revoked > 0 ? .changed : .unchanged, status: revoked > 0 ? "revoked" : nil,
                                      human: Message(revoked > 0 ? .pinRevoked : .pinNoneActive, [.text(account.label)]))])
        return .success
    }

    static func listPins(_ inv: Invocation) throws -> ExitStatus {
        let account = try inv.string(.account).map(inv.account)
        let rows = try Pins.list(inv.db, account: account, activeOnly: inv.flag(.active), now: inv.clock.nowISO, limit: try inv.limit(),
                                  scope: inv.session.rgkScope())
        var t = Table([
            Column("id", L("ID", "ID"), align: .right), Column("account", L("ACCOUNT", "СЧЕТ")), Column("source", L("SOURCE", "ИСТОЧНИК"), priority: 1),
            Column("state", L("STATE", "СОСТОЯНИЕ")), Column("issued_at", L("ISSUED", "ВЫДАН")), Column("issued_by", L("BY", "КЕМ"), priority: 2),
            Column("expires_at", L("EXPIRES", "ДЕЙСТВУЕТ ДО")), Column("expired", L("EXPIRED", "ИСТЕК"), .machineOnly),
            Column("request_id", L("REQUEST", "ЗАПРОС"), align: .right, priority: 3),
        ])
        for p in rows {
            let state = p.state == "active" && p.expired ? "expired" : p.state
            t.append([Cell(.int(p.id)), Cell(.text(p.account)),
                      .code(.pinSource, p.source, inv.out.texts),
                      Cell(.text(p.state), display: state == "expired" ? L("expired", "истек")(inv.out.lang) : inv.out.texts.label(.pinState, state),
                           style: state == "active" ? .green : .dim),
                      Cell(.text(p.issuedAt), display: Timestamp.display(p.issuedAt)),
                      Cell(.text(p.issuedBy), display: p.issuedBy == "rgk" ? L("RGK", "РГК")(inv.out.lang) : p.issuedBy),
                      Cell(.of(p.expiresAt), display: p.expiresAt.map { Timestamp.display($0) } ?? "—"), Cell(.bool(p.expired)),
                      Cell(.of(p.requestID), display: p.requestID.map { String($0) } ?? "")])
        }
        inv.out.table(t)
        return .success
    }
}
