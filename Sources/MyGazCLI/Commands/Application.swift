import Foundation
import MyGazCore

enum ApplicationCommands {
    static let idsArg = ArgumentSpec("ID", L("application ids, or - to read them from stdin", "номера заявок или - для чтения со стандартного ввода"),
                                     arity: .variadic, stdin: .application, completion: .live(.openApplication))
    static let idArg = ArgumentSpec("ID", L("the application", "номер заявки"), completion: .live(.application))
    static let openIdArg = ArgumentSpec("ID", L("the application", "номер заявки"), completion: .live(.openApplication))
    static let expect = OptionSpec(.expectStatus, value: "STATUS", L("refuse if it is no longer in STATUS (someone moved it meanwhile)",
                                                                       "отказать, если заявка уже не в состоянии STATUS (ее кто-то изменил)"),
                                   choices: ApplicationStatus.codes)

    static func transitionCommand(_ action: ApplicationAction, _ summary: L, discussion: L? = nil, messageOption: OptionSpec?,
                                  ids: ArgumentSpec = idsArg, examples: [Example] = []) -> CommandSpec {
        var options: [OptionSpec] = []
        if let messageOption { options.append(messageOption) }
        options += [expect, Opt.dryRun, Opt.continueOnError, Opt.yes]
        return CommandSpec(action.rawValue, summary, discussion: discussion, arguments: [ids], options: options, examples: examples,
                           access: .clerks, handler: { try transition($0, action) })
    }

    static let spec = CommandSpec(
        "application", L("customer applications: the review queue and its decisions", "заявки клиентов: очередь рассмотрения и решения"),
        discussion: L("States: draft (the customer's own), submitted «В обработке», accepted «Принята», needs_info «Требует уточнения», rejected «Не согласована», completed «Выполнена». approve: submitted → accepted; clarify: submitted → needs_info (on needs_info: a further question); answer: needs_info → submitted; reject: submitted, needs_info or accepted → rejected; complete: accepted → completed (maintenance, repair and recalculation also from submitted); reopen: rejected or completed → submitted. A repeat of the current state is reported as unchanged; a forbidden step fails with exit 4. The customer is told by the application's e-mail, else by SMS to its mobile; with neither, the command says whom to phone. On a terminal, a decision on several ids shows what it will do and asks (--yes skips the question); --dry-run shows it and changes nothing.",
                      "Состояния: draft (черновик клиента), submitted «В обработке», accepted «Принята», needs_info «Требует уточнения», rejected «Не согласована», completed «Выполнена». approve: submitted → accepted; clarify: submitted → needs_info (из needs_info — новый вопрос); answer: needs_info → submitted; reject: submitted, needs_info или accepted → rejected; complete: accepted → completed (ТО ВДГО, ремонт и перерасчет — также из submitted); reopen: rejected или completed → submitted. Повтор текущего состояния — «без изменений»; недопустимый переход — код 4. Клиенту сообщается по e-mail заявки, иначе SMS на ее мобильный; если нет ни того, ни другого, команда скажет, кому позвонить. В терминале решение по нескольким заявкам сначала показывает, что будет сделано, и спрашивает подтверждение (--yes — не спрашивать); --dry-run только показывает."),
        subcommands: [
            CommandSpec("list", L("list applications: by default the open queue, oldest first", "список заявок: по умолчанию открытая очередь, старые сверху"),
                        options: [
                            OptionSpec(.status, value: "S[,S…]", L("these states (default submitted,needs_info; all for every state)",
                                                                   "эти состояния (по умолчанию submitted,needs_info; all — все)"),
                                       choices: ApplicationStatus.codes + ["all"], commaList: true),
                            OptionSpec(.kind, value: "KIND", L("only this kind", "только этот вид"), choices: ApplicationKind.codes),
                            Opt.rgk,
                            OptionSpec(.account, value: "ACCOUNT", L("only this account", "только этот лицевой счет"), completion: .live(.account)),
                            OptionSpec(.assignedTo, value: "LOGIN", L("only those assigned to this operator", "только назначенные этому оператору"),
                                       completion: .live(.operatorLogin)),
                            OptionSpec(.search, short: "s", value: "TEXT", L("the customer: a phone or e-mail in any spelling, an account number, a piece of the name or address",
                                                                              "клиент: телефон или e-mail в любом написании, номер счета, часть ФИО или адреса")),
                            Opt.since,
                        ] + Opt.deadlines + [Opt.limit],
                        examples: [Example("mygaz-admin application list --kind repair --rgk vologda", L("Open repair calls in Vologda.", "Открытые заявки на ремонт в Вологде."))],
                        access: .everyone, handler: list),
            CommandSpec("review", L("walk the open queue at the terminal, one application at a time, the most urgent first", "разобрать очередь в терминале, по одной заявке, самые срочные сначала"),
                        discussion: L("Shows one application at a time, the most urgent first (the nearest deadline; docs/deadlines.md): its kind, state, contact, due date, the fields of its form, attachments and history. Keys: a approve, c clarify (the question typed, or written in $EDITOR), r reject (the reason), d complete (where the kind allows), s skip, b back, o everything with the attachments and how to save them, q quit, ? help. Every decision is saved at once, as by the commands of the same names.",
                                      "Показывает по одной заявке, самые срочные сначала (ближайший срок; docs/deadlines.md): вид, состояние, контакт, срок, поля формы, вложения и историю. Клавиши: a принять, c уточнить (вопрос вводится или пишется в $EDITOR), r отклонить (причина), d выполнена (где вид это позволяет), s пропустить, b назад, o все, с вложениями и тем, как их сохранить, q выход, ? справка. Каждое решение сохраняется сразу, как одноименными командами."),
                        options: [
                            OptionSpec(.status, value: "S[,S…]", L("these states (default submitted)", "эти состояния (по умолчанию submitted)"),
                                       choices: ApplicationStatus.codes, commaList: true),
                            OptionSpec(.kind, value: "KIND", L("only this kind", "только этот вид"), choices: ApplicationKind.codes),
                            Opt.rgk,
                        ],
                        access: .clerks, handler: { inv in
                            var filter = ApplicationFilter()
                            filter.statuses = inv.string(.status).map { $0.split(separator: ",").compactMap { ApplicationStatus(rawValue: String($0)) } } ?? [.submitted]
                            filter.kind = try inv.choice(.kind, as: ApplicationKind.self)
                            filter.rgk = inv.string(.rgk)
                            if let rgk = filter.rgk { _ = try RGK.id(inv.db, rgk) }
                            return try Review.run(ApplicationReviewQueue(session: inv.session, filter: filter), inv)
                        }),
            CommandSpec("show", L("one application: its fields, attachments, contacts and history", "одна заявка: поля, вложения, контакты и история"),
                        arguments: [idArg], access: .everyone, handler: show),
            transitionCommand(.approve, L("accept applications: submitted → accepted", "принять заявки: submitted → accepted"),
                              messageOption: Opt.message),
            transitionCommand(.clarify, L("ask the customer: submitted → needs_info (or a further question); the question goes to the customer",
                                          "запросить уточнение: submitted → needs_info (или еще один вопрос); вопрос уходит клиенту"),
                              messageOption: OptionSpec(.message, short: "m", value: "TEXT", L("required: the question", "обязательно: вопрос")),
                              examples: [Example("mygaz-admin application clarify 2 --message 'Приложите копию свидетельства'",
                                                 L("Ask the customer for a document.", "Запросить у клиента документ."), featured: true)]),
            CommandSpec("answer", L("record the customer's answer given at the office: needs_info → submitted",
                                    "внести ответ клиента, данный в офисе: needs_info → submitted"),
                        arguments: [openIdArg],
                        options: [OptionSpec(.message, short: "m", value: "TEXT", L("required: the answer", "обязательно: ответ")),
                                  Opt.attach,
                                  expect],
                        access: .clerks, handler: answer),
            transitionCommand(.reject, L("reject applications, with the reason", "отклонить заявки с указанием причины"),
                              messageOption: OptionSpec(.reason, value: "TEXT", L("required: why; told to the customer", "обязательно: причина; сообщается клиенту"))),
            transitionCommand(.complete, L("mark applications completed", "отметить заявки выполненными"), messageOption: Opt.message),
            transitionCommand(.reopen, L("take a rejection or a completion back: rejected or completed → submitted",
                                         "отменить отклонение или выполнение: rejected или completed → submitted"),
                              discussion: L("The application is in the queue again, with the reason in its history and the audit. A customer who was told of the decision is told it was taken back.",
                                            "Заявка снова в очереди; причина — в ее истории и в журнале. Клиенту, которому сообщили о решении, сообщается, что оно отменено."),
                              messageOption: OptionSpec(.reason, value: "TEXT", L("required: why the decision is taken back; told to the customer",
                                                                                  "обязательно: почему решение отменяется; сообщается клиенту")),
                              ids: ArgumentSpec("ID", L("application ids, or - to read them from stdin", "номера заявок или - для чтения со стандартного ввода"),
                                                arity: .variadic, stdin: .application, completion: .live(.application)),
                              examples: [Example("mygaz-admin application reopen 19 --reason 'Отклонена по ошибке: документы были приложены'",
                                                 L("A refusal proved wrong.", "Отказ оказался ошибочным."))]),
            CommandSpec("assign", L("assign applications to an operator", "назначить заявки оператору"),
                        arguments: [idsArg],
                        options: [OptionSpec(.to, value: "LOGIN", L("required: the operator", "обязательно: оператор"), completion: .live(.operatorLogin)),
                                  Opt.continueOnError],
                        access: .clerks, handler: assign),
            CommandSpec("create", L("enter an application taken at the office or by phone", "внести заявку, принятую в офисе или по телефону"),
                        discussion: L("Required by kind — vdgo_maintenance: --work-type, --description, --desired-date; repair: --problem; recalculation: --recalc-reason, --date-from, and --residents or --heated-area; contract_connection: the customer and object fields, --max-hourly-m3, --commissioning-date; contract_supply: the customer and object fields, --ownership-document, --appliance, --residents, --heated-living-area; contract_vdgo: the customer and object fields, --ownership-document, --appliance, --payment-form. The customer and object fields are --customer-name, --customer-address, --identity-document, --object-type, --object-address.",
                                      "Обязательно по виду — vdgo_maintenance: --work-type, --description, --desired-date; repair: --problem; recalculation: --recalc-reason, --date-from и --residents или --heated-area; contract_connection: данные заказчика и объекта, --max-hourly-m3, --commissioning-date; contract_supply: данные заказчика и объекта, --ownership-document, --appliance, --residents, --heated-living-area; contract_vdgo: данные заказчика и объекта, --ownership-document, --appliance, --payment-form. Данные заказчика и объекта: --customer-name, --customer-address, --identity-document, --object-type, --object-address."),
                        options: [
                            OptionSpec(.kind, value: "KIND", L("required: the kind", "обязательно: вид заявки"), choices: ApplicationKind.codes),
                            OptionSpec(.account, value: "ACCOUNT", L("the personal account", "лицевой счет"), completion: .live(.account)),
                            OptionSpec(.address, value: "TEXT", L("the address, when there is no account (needs --rgk)", "адрес, если счета нет (нужна --rgk)")),
                            Opt.rgk,
                            OptionSpec(.phone, value: "PHONE", L("required: the customer's mobile phone", "обязательно: мобильный телефон клиента")),
                            OptionSpec(.email, value: "EMAIL", L("the customer's e-mail", "e-mail клиента")),
                            OptionSpec(.name, value: "TEXT", L("the customer's name", "ФИО клиента")),
                            OptionSpec(.comment, value: "TEXT", L("a comment", "комментарий")),
                            OptionSpec(.workType, value: "TEXT", L("maintenance: the kind of work", "ТО: вид работ")),
                            OptionSpec(.description, value: "TEXT", L("maintenance: what is to be done", "ТО: описание работ")),
                            OptionSpec(.desiredDate, value: "DATE", L("maintenance: the desired date", "ТО: желаемая дата")),
                            OptionSpec(.problem, value: "TEXT", L("repair: what is wrong", "ремонт: причина обращения")),
                            OptionSpec(.recalcReason, value: "REASON", L("recalculation: why", "перерасчет: причина"), choices: RecalculationReason.codes),
                            OptionSpec(.dateFrom, value: "DATE", L("recalculation: from which date", "перерасчет: с какой даты")),
                            OptionSpec(.residents, value: "N", L("new residents count", "количество проживающих")),
                            OptionSpec(.heatedArea, value: "M2", L("recalculation: new heated area, m²", "перерасчет: новая отапливаемая площадь, м²")),
                            OptionSpec(.customerName, value: "TEXT", L("contract: the customer's full name", "договор: ФИО заказчика")),
                            OptionSpec(.customerAddress, value: "TEXT", L("contract: residence", "договор: место жительства")),
                            OptionSpec(.identityDocument, value: "TEXT", L("contract: identity document", "договор: документ, удостоверяющий личность")),
                            OptionSpec(.objectType, value: "TEXT", L("contract: the object (жилой дом…)", "договор: тип объекта газификации")),
                            OptionSpec(.objectAddress, value: "TEXT", L("contract: the object's address", "договор: адрес объекта")),
                            OptionSpec(.ownershipDocument, value: "TEXT", L("supply, vdgo: ownership document", "поставка, ТО ВДГО: документ на собственность")),
                            OptionSpec(.maxHourlyM3, value: "X", L("connection: planned max hourly consumption, m³/h", "присоединение: максимальный часовой расход, м³/ч")),
                            OptionSpec(.commissioningDate, value: "DATE", L("connection: planned commissioning", "присоединение: срок ввода в эксплуатацию")),
                            OptionSpec(.heatedLivingArea, value: "M2", L("supply: heated living area", "поставка: площадь жилых отапливаемых помещений")),
                            OptionSpec(.heatedOtherArea, value: "M2", L("supply: heated non-living area", "поставка: площадь нежилых отапливаемых помещений")),
                            OptionSpec(.livestock, value: "TEXT", L("supply: livestock and poultry", "поставка: животные и птица")),
                            OptionSpec(.benefits, value: "TEXT", L("supply: benefits", "поставка: льготы")),
                            OptionSpec(.paymentForm, value: "TEXT", L("vdgo: how the work is paid", "ТО ВДГО: форма оплаты")),
                            OptionSpec(.appliance, value: "TEXT", L("a gas appliance", "газовое оборудование"), repeatable: true),
                            OptionSpec(.meterInfo, value: "TEXT", L("supply: an installed meter (type, place, last verification)", "поставка: прибор учета (тип, место, поверка)"), repeatable: true),
                            Opt.attach,
                        ],
                        examples: [Example("mygaz-admin application create --kind repair --account 70000011 --phone 89815676522 --problem 'Запах газа у счетчика'",
                                           L("A repair call taken by phone.", "Заявка на ремонт, принятая по телефону."))],
                        access: .clerks, handler: create),
            CommandSpec("attachment", L("write an attachment out", "выгрузить вложение"),
                        arguments: [idArg, ArgumentSpec("NAME", L("the attachment's name", "имя вложения"))],
                        options: [Opt.output], access: .everyone, handler: attachment),
        ])

    static func list(_ inv: Invocation) throws -> ExitStatus {
        var filter = ApplicationFilter()
        let statuses = inv.strings(.status)
        if statuses.contains("all") { filter.statuses = [] } else if !statuses.isEmpty {
            filter.statuses = statuses.compactMap(ApplicationStatus.init(rawValue:))
        }
        // asked by deadline: every application in work, accepted ones too
        if statuses.isEmpty && (inv.flag(.overdue) || inv.string(.dueWithin) != nil) { filter.statuses = Applications.inWork }
        filter.kind = try inv.choice(.kind, as: ApplicationKind.self)
        filter.rgk = inv.string(.rgk)
        filter.account = try inv.string(.account).map(inv.account)
        filter.assignedTo = inv.string(.assignedTo)
        filter.since = try inv.moment(.since)
        filter.search = inv.string(.search)
        filter.limit = try inv.limit()
        filter.scope = try inv.session.rgkScope()
        let rows = try Applications.list(inv.db, filter, due: try inv.dueQuery())
        var t = ApplicationView.table(rows, now: inv.clock.now, inv.out)
        if rows.count == filter.limit { t.footer = inv.out.texts.render(.moreRows, .int(filter.limit)) }
        inv.out.table(t)
        return .success
    }

    static func show(_ inv: Invocation) throws -> ExitStatus {
        let id = try Applications.parseID(inv.argument("ID")!)
        try inv.session.requireSees(.application, id)
        let d = try Applications.show(inv.db, id)
        // an application in work is due from its submission; the clock stands while it waits on the customer
        var due: (due: Due, left: DueLeft?)?
        var pauses: [DeadlinePause] = []
        let inWork: [ApplicationStatus] = [.submitted, .accepted, .needsInfo]
        if let status = ApplicationStatus(rawValue: d.summary.status), inWork.contains(status),
           let kind = ApplicationKind(rawValue: d.summary.kind), let registered = Timestamp.parse(d.summary.submittedAt ?? d.summary.createdAt) {
            pauses = Deadlines.pauses(steps: d.events.map { ($0.at, $0.to) }, waiting: ApplicationStatus.needsInfo.rawValue)
            let deadlines = Deadlines(calendar: try Calendars.load(inv.db), rules: try DeadlineRules.load(inv.db))
            due = deadlines.report(.application(kind), registeredAt: registered, pauses: pauses, now: inv.clock.now)
        }
        inv.out.record(ApplicationView.record(d, due: due, pauses: pauses, inv.out))
        return .success
    }

    static func transition(_ inv: Invocation, _ action: ApplicationAction) throws -> ExitStatus {
        var message: String?
        switch action {
        case .reject, .reopen:
            guard let reason = try inv.text(.reason) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--reason") }
            message = reason
        case .clarify:
            guard let question = try inv.text(.message) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--message") }
            message = question
        default:
            message = try inv.text(.message)
        }
        let expect = try inv.choice(.expectStatus, as: ApplicationStatus.self)
        return try Decisions.run(inv, ids: try inv.ids("ID")) { text in
            try Applications.transition(inv.session, try Applications.parseID(text), action, message: message, expect: expect)
        }
    }

    static func answer(_ inv: Invocation) throws -> ExitStatus {
        guard let message = try inv.text(.message) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--message") }
        let files = try inv.strings(.attach).map(NewAttachment.read)
        let id = try Applications.parseID(inv.argument("ID")!)
        let t = try Applications.transition(inv.session, id, .answer, message: message,
                                            expect: try inv.choice(.expectStatus, as: ApplicationStatus.self), attachments: files)
        return Report.single(t, inv.out)
    }

    static func assign(_ inv: Invocation) throws -> ExitStatus {
        guard let login = inv.string(.to) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--to") }
        let items = try Batch.run(inv.db, ids: try inv.ids("ID"), continueOnError: inv.flag(.continueOnError)) { text in
            try Applications.assign(inv.session, try Applications.parseID(text), to: login)
        }
        return Report.batch(items, inv.out)
    }

    static func create(_ inv: Invocation) throws -> ExitStatus {
        guard let kind = try inv.choice(.kind, as: ApplicationKind.self) else {
            throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--kind")
        }
        guard let phone = inv.string(.phone) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--phone") }
        try inv.exclusive(.account, .address)
        let account = try inv.string(.account).map(inv.accountToDecide)
        let address = try inv.text(.address)
        if account == nil && address == nil { throw MyGazError.usage(.oneOfRequired, .text(inv.commandName), "--account, --address") }
        if address != nil && inv.string(.rgk) == nil { throw MyGazError.usage(.optionRequires, "--address", "--rgk") }
        func need(_ option: OptionName) throws -> String {
            guard let value = try inv.text(option) else { throw MyGazError.usage(.kindNeeds, .text(kind.rawValue), .text("--" + option.rawValue)) }
            return value
        }
        func needDay(_ option: OptionName) throws -> Day {
            guard let day = try inv.day(option) else { throw MyGazError.usage(.kindNeeds, .text(kind.rawValue), .text("--" + option.rawValue)) }
            return day
        }
        let details: Applications.Details
        switch kind {
        case .vdgoMaintenance:
            details = .maintenance(workType: try need(.workType), description: try need(.description), desiredDate: try needDay(.desiredDate))
        case .repair:
            details = .repair(reason: try need(.problem))
        case .recalculation:
            guard let reason = try inv.choice(.recalcReason, as: RecalculationReason.self) else {
                throw MyGazError.usage(.kindNeeds, .text(kind.rawValue), "--recalc-reason")
            }
            details = .recalculation(reason: reason, dateFrom: try needDay(.dateFrom),
                                     residents: try inv.int(.residents, range: 0...100), heatedArea: try inv.decimal(.heatedArea, positive: true, max: 100_000))
        case .contractConnection, .contractSupply, .contractVDGO:
            details = .contract(Applications.Contract(
                customerName: try need(.customerName), customerAddress: try need(.customerAddress),
                identityDocument: try need(.identityDocument), objectType: try need(.objectType), objectAddress: try need(.objectAddress),
                ownershipDocument: try inv.text(.ownershipDocument), maxHourlyM3: try inv.decimal(.maxHourlyM3, positive: true, max: 100_000),
                commissioningDate: try inv.day(.commissioningDate), residents: try inv.int(.residents, range: 0...100),
                heatedLivingArea: try inv.decimal(.heatedLivingArea, max: 100_000), heatedOtherArea: try inv.decimal(.heatedOtherArea, max: 100_000),
                livestock: try inv.text(.livestock), benefits: try inv.text(.benefits), paymentForm: try inv.text(.paymentForm),
                appliances: inv.strings(.appliance), meters: inv.strings(.meterInfo)))
        }
        let files = try inv.strings(.attach).map(NewAttachment.read)
        let id = try Applications.create(inv.session, .init(kind: kind, rgkCode: inv.string(.rgk), account: account, address: address,
                                                            contactName: try inv.text(.name), phone: phone, email: inv.string(.email),
                                                            comment: try inv.text(.comment), details: details, attachments: files))
        inv.out.results([ActionResult(id: String(id), outcome: .changed, status: "submitted",
                                      human: Message(.applicationCreated, [.text(String(id)), .code(.applicationKind, kind.rawValue)]))])
        return .success
    }

    static func attachment(_ inv: Invocation) throws -> ExitStatus {
        let id = try Applications.parseID(inv.argument("ID")!)
        try inv.session.requireSees(.application, id)
        let bytes = try Attachments.content(inv.db, .application(id), name: inv.argument("NAME")!)
        try FileOutput.write(bytes, to: inv.string(.output), inv)
        return .success
    }
}
