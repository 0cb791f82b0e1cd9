import Foundation
import MyGazCore

enum AccountCommands {
    static let spec = CommandSpec(
        "account", L("personal accounts: holder, balances, meters, payments, settlements", "лицевые счета: владелец, сальдо, приборы учета, оплаты, взаиморасчеты"),
        subcommands: [
            CommandSpec("list", L("list accounts", "список лицевых счетов"),
                        options: [Opt.rgk,
                                  OptionSpec(.search, short: "s", value: "TEXT", L("the account number, the holder's phone, or a piece of the holder's name, the address or the phone", "номер счета, телефон владельца или часть ФИО владельца, адреса или телефона")),
                                  OptionSpec(.debtors, L("only accounts with a debt, the largest first", "только должники, крупные долги сверху")),
                                  Opt.limit],
                        examples: [Example("mygaz-admin account list --rgk vologda --debtors --limit 20", L("The twenty largest debts in Vologda.", "Двадцать крупнейших долгов в Вологде."))],
                        access: .everyone, handler: list),
            CommandSpec("show", L("everything about one account", "все об одном лицевом счете"),
                        arguments: [UserCommands.accountArg],
                        options: [UserCommands.rgkForAccount,
                                  OptionSpec(.all, L("also archived contracts", "также архивные договоры"))],
                        examples: [Example("mygaz-admin account show 7000-0011 --rgk vologda", L("The number as printed on the bill is fine.", "Можно вводить номер так, как он напечатан на квитанции."))],
                        access: .everyone, handler: show),
            CommandSpec("bill", L("the bill (payment document) of an account as a PDF with a payment QR code", "квитанция (платежный документ) по лицевому счету в PDF с QR-кодом для оплаты"),
                        discussion: L("The supplier's bank details, the payer, per service the opening balance, charges, benefits, recalculations, payments and the amount due (as the portal's «Взаиморасчеты» computes it), the meters, a tear-off part for new readings, and a QR code banking apps read (ГОСТ Р 56042-2014). By default the last month with settlements. The PDF goes to --output, to stdout when it is not a terminal, to the printer (--print: MYGAZ_PRINT_COMMAND, else print.command in /etc/mygaz-admin.conf, else lp) or by e-mail to the customer's portal users who have the extended version (--email).",
                                      "Реквизиты поставщика, плательщик, по каждой услуге сальдо на начало, начисления, льготы, перерасчеты, оплаты и сумма к оплате (как в разделе «Взаиморасчеты» портала), приборы учета, отрывная часть для показаний и QR-код, который читают банковские приложения (ГОСТ Р 56042-2014). По умолчанию — последний месяц, по которому есть взаиморасчеты. PDF — в --output, в стандартный вывод, если это не терминал, на печать (--print: MYGAZ_PRINT_COMMAND, иначе print.command в /etc/mygaz-admin.conf, иначе lp) или по e-mail пользователям портала с расширенной версией (--email)."),
                        arguments: [UserCommands.accountArg],
                        options: [UserCommands.rgkForAccount,
                                  OptionSpec(.period, value: "YYYY-MM", L("the month (default: the last with settlements)", "месяц (по умолчанию — последний с взаиморасчетами)")),
                                  OptionSpec(.output, short: "o", value: "FILE", L("write the PDF to FILE (a new file)", "записать PDF в ФАЙЛ (новый)"), completion: .file),
                                  OptionSpec(.print, L("send it to the printer ($MYGAZ_PRINT_COMMAND, else print.command in the configuration file, else lp)", "отправить на печать ($MYGAZ_PRINT_COMMAND, иначе print.command в файле настроек, иначе lp)")),
                                  OptionSpec(.email, L("queue it by e-mail to the account's users with the extended version", "поставить в очередь на e-mail пользователям счета с расширенной версией"))],
                        examples: [Example("mygaz-admin account bill 70000724 --rgk vologda --output bill.pdf", L("The bill of the last month, for the customer at the desk.", "Квитанция за последний месяц для клиента в окне.")),
                                   Example("mygaz-admin account bill 70000021 --rgk vologda --period 2026-06 --email", L("June's bill by e-mail.", "Квитанция за июнь на e-mail."))],
                        access: .everyone, handler: bill),
            CommandSpec("set-phone", L("change the holder's phone at the desk (the customer came with a document)", "сменить телефон владельца в офисе (клиент пришел с документом)"),
                        discussion: L("Manual 003: the portal links an account by its number and the holder's phone as the RGK has it; a new phone is registered in person. The phone changes at once, the document seen is kept masked to its last 4 digits, the change is audited (without the values) and told by SMS at the new and the old number. The next RGK accounts file does not undo a change newer than the file's date (import --as-of): the conflict is listed (account conflicts) until --accept-file settles it in favour of the file, or set-phone with the desk's phone again in favour of the desk. export contacts hands the changes back to the RGK.",
                                      "Руководство 003: портал привязывает счет по номеру и телефону владельца, как он записан в РГК; новый телефон регистрируется лично. Телефон меняется сразу, предъявленный документ хранится скрытым, кроме последних 4 цифр, изменение записывается в журнал (без значений) и сообщается SMS на новый и прежний номер. Следующий файл счетов РГК не отменяет изменение, сделанное позже даты файла (import --as-of): расхождение видно в account conflicts, пока --accept-file не решит его в пользу файла или set-phone с тем же телефоном — в пользу офиса. export contacts передает изменения в РГК."),
                        arguments: [UserCommands.accountArg],
                        options: [OptionSpec(.rgk, value: "CODE", L("required: the account's RGK", "обязательно: РГК счета"), completion: .live(.rgk)),
                                  OptionSpec(.phone, value: "PHONE", L("the new mobile phone of the holder", "новый мобильный телефон владельца")),
                                  OptionSpec(.document, value: "TEXT", L("the document seen, e.g. 'паспорт 1234 567890' (kept masked to its last 4 digits)", "предъявленный документ, например «паспорт 1234 567890» (хранится скрытым, кроме последних 4 цифр)")),
                                  OptionSpec(.acceptFile, L("settle the conflict in favour of the RGK's file (its phone back)", "решить расхождение в пользу файла РГК (вернуть его телефон)"))],
                        examples: [Example("mygaz-admin account set-phone 70000021 --rgk vologda --phone '8 921 555-01-02' --document 'паспорт 1900 123456'",
                                           L("The customer at the desk has a new phone.", "У клиента в окне новый телефон."), featured: true)],
                        access: .clerks, handler: setPhone),
            CommandSpec("conflicts", L("holders' phones changed at the desk that an RGK file said otherwise about", "телефоны владельцев, измененные в офисе, с которыми не согласен файл РГК"),
                        options: [Opt.rgk],
                        access: .clerks, handler: conflicts),
        ])

    static func setPhone(_ inv: Invocation) throws -> ExitStatus {
        guard inv.string(.rgk) != nil else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--rgk") }
        let ref = try inv.accountToDecide(inv.argument("ACCOUNT")!)
        if inv.flag(.acceptFile) {
            if inv.string(.phone) != nil { throw MyGazError.usage(.optionsExclusive, "--accept-file", "--phone") }
            let change = try HolderPhone.acceptFile(inv.session, ref)
            inv.out.object([("account", .text(ref.number)), ("rgk", .text(ref.rgkCode)), ("result", .text("file_accepted")),
                            ("phone", .text(change.new))],
                           human: [Message(.phoneFileAccepted, [.text(ref.label), .text(Contact.written(change.new)), .text(change.old.map(Contact.written) ?? "—")])])
            return .success
        }
        guard let phone = inv.string(.phone) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--phone") }
        guard let document = inv.string(.document) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--document") }
        let change = try HolderPhone.set(inv.session, ref, phone: phone, document: document)
        let changed = change.old != change.new
        var human = [changed ? Message(.phoneSet, [.text(ref.label), .text(Contact.written(change.new)), .text(change.old.map(Contact.written) ?? "—")])
                             : Message(change.settledForDesk ? .phoneDeskKept : .phoneUnchanged, [.text(ref.label), .text(Contact.written(change.new))])]
        human += change.told.map(\.note)
        inv.out.object([("account", .text(ref.number)), ("rgk", .text(ref.rgkCode)), ("result", .text(changed ? "changed" : "unchanged")),
                        ("phone", .text(change.new)), ("told", .array(change.told.map { .text($0.recipient) }))], human: human)
        return .success
    }

    static func conflicts(_ inv: Invocation) throws -> ExitStatus {
        let rows = try HolderPhone.conflicts(inv.db, rgk: inv.string(.rgk), scope: inv.session.rgkScope())
        var t = Table([
            Column("rgk", L("RGK", "РГК")), Column("account", L("ACCOUNT", "ЛС")), Column("desk_phone", L("DESK", "В ОФИСЕ")),
            Column("file_phone", L("FILE", "В ФАЙЛЕ")), Column("changed_by", L("BY", "КТО")), Column("changed_at", L("CHANGED", "ИЗМЕНЕН")),
            Column("batch", L("BATCH", "ЗАГРУЗКА"), align: .right), Column("seen_at", L("SEEN", "ВИДЕН В ФАЙЛЕ")),
        ])
        for c in rows {
            t.append([Cell(.text(c.rgk)), Cell(.text(c.account)), Cell(.text(c.deskPhone), display: Contact.written(c.deskPhone)),
                      Cell(.text(c.filePhone), display: c.filePhone.isEmpty ? "—" : Contact.written(c.filePhone)), Cell(.text(c.changedBy)),
                      Cell(.text(c.changedAt), display: Timestamp.display(c.changedAt)), Cell(.of(c.batchID)),
                      Cell(.of(c.seenAt), display: c.seenAt.map(Timestamp.display) ?? "—")])
        }
        inv.out.table(t)
        return .success
    }

    static func list(_ inv: Invocation) throws -> ExitStatus {
        var filter = AccountFilter()
        filter.rgk = inv.string(.rgk)
        filter.search = inv.string(.search)
        filter.debtors = inv.flag(.debtors)
        filter.limit = try inv.limit()
        filter.scope = try inv.session.rgkScope()
        let rows = try Accounts.list(inv.db, filter)
        var t = AccountView.table(rows, inv.out)
        if rows.count == filter.limit { t.footer = inv.out.texts.render(.moreRows, .int(filter.limit)) }
        inv.out.table(t)
        return .success
    }

    static func bill(_ inv: Invocation) throws -> ExitStatus {
        try inv.exclusive(.output, .print)
        let ref = try inv.accountToDecide(inv.argument("ACCOUNT")!)
        let bill = try Bills.make(inv.db, ref, period: try inv.period(.period), today: inv.clock.today)
        let pdf = try BillDocument.pdf(bill)
        let month = BillDocument.monthName(bill.period)
        let shownMonth = inv.out.lang == .ru ? month : bill.period
        if inv.flag(.email) {
            let queued = try inv.session.db.write { () -> [Outbox.Queued] in
                let recipients = try BillMailing.recipients(inv.session.db, accountID: ref.id)
                guard !recipients.isEmpty else { throw try BillMailing.noRecipient(inv.session.db, ref) }
                let footer = try Notify.footer(inv.session.db, rgkID: ref.rgkID)
                return try recipients.map { to in
                    try Outbox.enqueue(inv.session, BillMailing.message(email: to.email, account: bill.account, month: month, period: bill.period,
                                                                        accountID: ref.id, rgkID: ref.rgkID, userID: to.userID, name: to.name,
                                                                        footer: footer))
                }
            }
            for q in queued { inv.out.say(.billQueued, .text(ref.label), .text(shownMonth), .text(q.recipient)) }
            if !inv.flag(.print) && inv.string(.output) == nil { return .success }
        }
        if inv.flag(.print) {
            // from the environment or the configuration file, never from the database (any clerk can write it)
            let command = try Settings.command(.printCommand, environment: inv.io.environment).value ?? "lp"
            let run = try Command.run(["/bin/sh", "-c", command], input: pdf, timeout: 60)
            guard run.succeeded else {
                throw MyGazError(.database, .printFailed, .text(command),
                                 .text(run.timedOut ? "timed out" : run.errors.isEmpty ? "exit \(run.status ?? -1)" : run.errors),
                                 .text(ConfigFile.path(inv.io.environment)))
            }
            inv.out.say(.billPrinted, .text(ref.label), .text(shownMonth), .text(command))
            return .success
        }
        try FileOutput.write(pdf, to: inv.string(.output), inv)
        return .success
    }

    static func show(_ inv: Invocation) throws -> ExitStatus {
        let ref = try inv.account(inv.argument("ACCOUNT")!)
        let a = try Accounts.show(inv.db, ref, allContracts: inv.flag(.all), today: inv.clock.today)
        var record = AccountView.record(a, ref, allContracts: inv.flag(.all), inv.out)
        AbonentView.sections(try Abonent.of(inv.db, accountID: ref.id), into: &record, inv.out)
        inv.out.record(record)
        return .success
    }
}
