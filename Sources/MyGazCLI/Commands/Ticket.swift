import Foundation
import MyGazCore

enum TicketCommands {
    static let idsArg = ArgumentSpec("ID", L("ticket ids, or - to read them from stdin", "номера обращений или - для чтения со стандартного ввода"),
                                     arity: .variadic, stdin: .ticket, completion: .live(.openTicket))
    static let idArg = ArgumentSpec("ID", L("the ticket", "номер обращения"), completion: .live(.ticket))
    static let openIdArg = ArgumentSpec("ID", L("the ticket", "номер обращения"), completion: .live(.openTicket))
    static let messageFile = OptionSpec(.messageFile, value: "FILE", L("read the message from FILE (- for stdin)", "прочитать сообщение из FILE (- — со стандартного ввода)"),
                                        completion: .file)

    static let spec = CommandSpec(
        "ticket", L("support tickets: questions from customers, and the answers", "обращения клиентов и ответы на них"),
        discussion: L("Channels: rgk (the abonent department), office (an RGK office), support (portal technical support); clerks answer the first two, support the third, admins any. Topics: registration, extended, settlements, bills, payments, meters, other, and a data subject's request (152-FZ): personal_data about the person's own data (answered within 10 working days, extended once with 'ticket extend'), personal_data_correction to correct it (7 working days), personal_data_withdrawal withdrawing consent to its processing (30 days). States: new, answered, closed; an answered ticket with a newer message from the customer is open again. A ticket is due within ticket.answer_days calendar days of its registration (docs/deadlines.md); the clock stands while a question asked with 'ticket reply --ask' waits for the customer.",
                      "Каналы: rgk (абонентский отдел), office (отделение РГК), support (техподдержка портала); на первые два отвечают сотрудники абонентского отдела, на третий — техподдержка, администратор — на любые. Темы: registration, extended, settlements, bills, payments, meters, other и запросы субъекта персональных данных (152-ФЗ): personal_data — о собственных данных (ответ в течение 10 рабочих дней, одно продление командой «ticket extend»), personal_data_correction — их уточнение (7 рабочих дней), personal_data_withdrawal — отзыв согласия на обработку (30 дней). Состояния: new, answered, closed; отвеченное обращение с новым сообщением клиента снова открыто. Срок ответа — ticket.answer_days календарных дней с регистрации (docs/deadlines.md); пока клиент не ответил на вопрос, заданный «ticket reply --ask», срок не идет."),
        subcommands: [
            CommandSpec("list", L("list tickets: by default the open ones, oldest first", "список обращений: по умолчанию открытые, старые сверху"),
                        options: [
                            OptionSpec(.status, value: "STATUS", L("open (default), new, answered, closed or all", "open (по умолчанию), new, answered, closed или all"),
                                       choices: ["open", "all"] + TicketStatus.codes),
                            OptionSpec(.channel, value: "CHANNEL", L("only this channel", "только этот канал"), choices: TicketChannel.codes),
                            Opt.rgk,
                            OptionSpec(.office, value: "ID", L("only this office", "только это отделение"), completion: .live(.office)),
                            OptionSpec(.topic, value: "TOPIC", L("only this topic (personal_data…: a data subject's requests)", "только эта тема (personal_data… — запросы субъекта персональных данных)"),
                                       choices: PersonalDataRequest.topicCodes),
                            OptionSpec(.search, short: "s", value: "TEXT", L("sender, e-mail, phone, account or the text", "отправитель, e-mail, телефон, счет или текст")),
                            OptionSpec(.assignedTo, value: "LOGIN", L("only those assigned to this operator", "только назначенные этому оператору"),
                                       completion: .live(.operatorLogin)),
                            Opt.since,
                        ] + Opt.deadlines + [Opt.limit],
                        access: .everyone, handler: list),
            CommandSpec("review", L("walk the tickets that wait for an answer, one at a time", "разобрать обращения, ждущие ответа, по одному"),
                        discussion: L("Shows one ticket at a time, the most urgent first (the nearest deadline), with the end of the conversation: to a clerk the tickets of the abonent department and the offices, to support those of technical support, to an admin all. Keys: r reply (opens $VISUAL or $EDITOR quoting the conversation), f reply with a FAQ answer chosen from a list and shown before it goes, c close, s skip, b back, o the whole ticket, q quit, ? help. Every answer is saved and queued to the sender at once, as by 'ticket reply'.",
                                      "Показывает по одному обращению, самые срочные сначала (ближайший срок), с концом переписки: сотруднику абонентского отдела — обращения в абонентский отдел и отделения, техподдержке — в техподдержку, администратору — все. Клавиши: r ответить (открывает $VISUAL или $EDITOR с цитатой переписки), f ответить из FAQ (выбор из списка, ответ показывается перед отправкой), c закрыть, s пропустить, b назад, o все обращение, q выход, ? справка. Каждый ответ сохраняется и сразу ставится в очередь отправителю, как командой «ticket reply»."),
                        options: [Opt.rgk, OptionSpec(.topic, value: "TOPIC", L("only this topic (personal_data…: a data subject's requests)",
                                                                           "только эта тема (personal_data… — запросы субъекта персональных данных)"),
                                                      choices: PersonalDataRequest.topicCodes),
                                  OptionSpec(.channel, value: "CHANNEL", L("only this channel (one you answer)", "только этот канал (из тех, на которые вы отвечаете)"),
                                             choices: TicketChannel.codes)],
                        access: Access.roles([.clerk, .support, .admin]), handler: review),
            CommandSpec("show", L("one ticket: the sender and the whole conversation", "одно обращение: отправитель и вся переписка"),
                        arguments: [idArg], access: .everyone, handler: show),
            CommandSpec("reply", L("answer a ticket; the answer is e-mailed to the sender", "ответить на обращение; ответ уходит отправителю по e-mail"),
                        discussion: L("Without --message, --message-file or --faq, on a terminal, opens $VISUAL or $EDITOR on a file that quotes the ticket; an empty message cancels.",
                                      "Без --message, --message-file или --faq в терминале открывает $VISUAL или $EDITOR с цитатой обращения; пустое сообщение отменяет ответ."),
                        arguments: [openIdArg],
                        options: [Opt.message, messageFile,
                                  OptionSpec(.faq, value: "ID", L("answer with this FAQ entry", "ответить этим вопросом FAQ"), completion: .live(.faq)),
                                  OptionSpec(.ask, L("a question to the customer: the ticket waits for the answer, its deadline standing still",
                                                     "вопрос клиенту: обращение ждет ответа, срок не идет"))],
                        examples: [Example("mygaz-admin ticket reply 3 --faq 5", L("Answer with a ready FAQ answer.", "Ответить готовым ответом из FAQ.")),
                                   Example("mygaz-admin ticket reply 4 --ask --message 'Уточните номер лицевого счета'",
                                           L("Ask the customer; the deadline waits for the answer.", "Задать вопрос клиенту; срок ждет ответа.")),
                                   Example("mygaz-admin ticket reply 2", L("Write the answer in your editor.", "Написать ответ в редакторе."))],
                        access: .everyone, handler: reply),
            CommandSpec("edit", L("change a ticket's topic", "изменить тему обращения"),
                        arguments: [idArg],
                        options: [OptionSpec(.topic, value: "TOPIC", L("required: the topic (personal_data…: a data subject's request)",
                                                                      "обязательно: тема (personal_data… — запрос субъекта персональных данных)"),
                                             choices: PersonalDataRequest.topicCodes)],
                        examples: [Example("mygaz-admin ticket edit 5 --topic personal_data", L("A request about personal data: 10 working days.",
                                                                                               "Запрос о персональных данных: 10 рабочих дней.")),
                                   Example("mygaz-admin ticket edit 5 --topic personal_data_withdrawal",
                                           L("The person withdraws consent to the processing: 30 days.", "Отзыв согласия на обработку: 30 дней."))],
                        access: .everyone, handler: edit),
            CommandSpec("extend", L("extend a personal-data request's deadline once, telling the person why",
                                    "продлить срок ответа на запрос о персональных данных (один раз), сообщив причину"),
                        discussion: L("By ticket.personal_data_extension_days working days (5: 152-FZ art. 20 p. 2), once; the reason is audited and sent to the person with the new date. A ticket that is not a request about the person's own data (personal_data: a correction or a withdrawal of consent is not extended), or one extended already: exit 4, nothing changed.",
                                      "На ticket.personal_data_extension_days рабочих дней (5: ч. 2 ст. 20 152-ФЗ), один раз; причина записывается в журнал и уходит заявителю вместе с новой датой. Обращение, которое не запрос о собственных персональных данных (personal_data: уточнение и отзыв согласия не продлеваются), или уже продленное: код 4, ничего не изменено."),
                        arguments: [openIdArg],
                        options: [OptionSpec(.reason, value: "TEXT", L("required: why, in words the person reads", "обязательно: причина, словами для заявителя"))],
                        examples: [Example("mygaz-admin ticket extend 5 --reason 'Запрошены сведения из архива РГК'",
                                           L("Five working days more, the person told why.", "Еще пять рабочих дней, заявителю сообщена причина."))],
                        access: .everyone, handler: extend),
            CommandSpec("close", L("close tickets", "закрыть обращения"),
                        arguments: [idsArg], options: [Opt.message] + Decisions.options, access: .everyone, handler: close),
            CommandSpec("reopen", L("reopen a closed ticket", "снова открыть закрытое обращение"),
                        arguments: [idArg], access: .everyone, handler: reopen),
            CommandSpec("assign", L("assign tickets to an operator", "назначить обращения оператору"),
                        arguments: [idsArg],
                        options: [OptionSpec(.to, value: "LOGIN", L("required: the operator", "обязательно: оператор"), completion: .live(.operatorLogin)),
                                  Opt.continueOnError],
                        access: .everyone, handler: assign),
            CommandSpec("open", L("enter a question taken by phone or at the office", "внести вопрос, принятый по телефону или в офисе"),
                        options: [
                            OptionSpec(.channel, value: "CHANNEL", L("required: rgk, office or support", "обязательно: rgk, office или support"), choices: TicketChannel.codes),
                            Opt.rgk,
                            OptionSpec(.office, value: "OFFICE", L("the office (channel office): its id or a piece of its name", "отделение (канал office): ID или часть названия"), completion: .live(.office)),
                            OptionSpec(.topic, value: "TOPIC", L("required: the topic (personal_data…: a data subject's request)",
                                                                 "обязательно: тема (personal_data… — запрос субъекта персональных данных)"),
                                       choices: PersonalDataRequest.topicCodes),
                            OptionSpec(.name, value: "TEXT", L("required: the customer's full name", "обязательно: ФИО клиента")),
                            OptionSpec(.email, value: "EMAIL", L("the customer's e-mail (for the answer)", "e-mail клиента (для ответа)")),
                            OptionSpec(.phone, value: "PHONE", L("the customer's phone", "телефон клиента")),
                            OptionSpec(.account, value: "ACCOUNT", L("the personal account, if any", "лицевой счет, если есть"), completion: .live(.account)),
                            OptionSpec(.source, value: "SOURCE", L("phone (default) or office", "phone (по умолчанию) или office"), choices: ["phone", "office"]),
                            Opt.message, messageFile,
                            Opt.attach,
                        ],
                        examples: [Example("mygaz-admin ticket open --channel rgk --rgk vologda --topic payments --name 'Петров Иван' --phone 89815676522 --message 'Оплата не отразилась'",
                                           L("A question taken by phone.", "Вопрос, принятый по телефону."))],
                        access: .everyone, handler: open),
            CommandSpec("attachment", L("write an attachment out", "выгрузить вложение"),
                        arguments: [idArg, ArgumentSpec("NAME", L("the attachment's name", "имя вложения"))],
                        options: [Opt.output], access: .everyone, handler: attachment),
        ])


    /// `--topic`: one of the portal's topics, or a kind of data subject's request (nil, nil: none given).
    static func topic(_ inv: Invocation) throws -> (topic: TicketTopic?, request: PersonalDataRequest?) {
        if let request = inv.string(.topic).flatMap(PersonalDataRequest.init(rawValue:)) { return (nil, request) }
        return (try inv.choice(.topic, as: TicketTopic.self), nil)
    }

    /// The review walks what the operator answers (manual 001 §5.2): a channel they do not is refused.
    static func review(_ inv: Invocation) throws -> ExitStatus {
        var filter = TicketFilter()
        filter.rgk = inv.string(.rgk)
        (filter.topic, filter.personalData) = try topic(inv)
        filter.answeredBy = try inv.session.role()
        if let channel = try inv.choice(.channel, as: TicketChannel.self) {
            try Tickets.checkMayAnswer(inv.session, channel: channel, id: "—", command: "ticket review")
            filter.channel = channel
        }
        return try Review.run(TicketReviewQueue(session: inv.session, filter: filter), inv)
    }

    static func list(_ inv: Invocation) throws -> ExitStatus {
        var filter = TicketFilter()
        switch inv.string(.status) ?? "open" {
        case "open": filter.statuses = nil
        case "all": filter.statuses = []
        case let s: filter.statuses = [TicketStatus(rawValue: s)!]
        }
        filter.channel = try inv.choice(.channel, as: TicketChannel.self)
        filter.rgk = inv.string(.rgk)
        filter.officeID = try inv.int(.office, range: 1...Int.max).map(Int64.init)
        (filter.topic, filter.personalData) = try topic(inv)
        filter.search = inv.string(.search)
        filter.assignedTo = inv.string(.assignedTo)
        filter.since = try inv.moment(.since)
        filter.limit = try inv.limit()
        filter.scope = try inv.session.rgkScope()
        let rows = try TicketDeadlines.list(inv.db, filter, due: try inv.dueQuery())
        var t = TicketView.table(rows, now: inv.clock.now, inv.out)
        if rows.count == filter.limit { t.footer = inv.out.texts.render(.moreRows, .int(filter.limit)) }
        inv.out.table(t)
        return .success
    }

    static func show(_ inv: Invocation) throws -> ExitStatus {
        let id = try Tickets.parseID(inv.argument("ID")!)
        try inv.session.requireSees(.ticket, id)
        let d = try Tickets.show(inv.db, id)
        // a ticket waiting for an answer is due; an answered or closed one has had its answer
        let due = try TicketDeadlines.dues(inv.db, [d.summary], try inv.dueQuery())[id]
        inv.out.record(TicketView.record(d, due: due, inv.out))
        return .success
    }

    static func reply(_ inv: Invocation) throws -> ExitStatus {
        let id = try Tickets.parseID(inv.argument("ID")!)
        try inv.session.requireWorks(.ticket, [id])
        let detail = try Tickets.show(inv.db, id)
        var faqID: Int64?
        let body: String
        if let faq = try inv.int(.faq, range: 1...Int.max) {
            guard inv.string(.message) == nil && inv.string(.messageFile) == nil else {
                throw MyGazError.usage(.optionsExclusive, "--faq", "--message")
            }
            let entry = try FAQ.find(inv.db, Int64(faq))
            body = entry.answer
            faqID = entry.id
        } else if let text = try messageText(inv) {
            body = text
        } else {
            guard Editor.available(inv) else {
                throw MyGazError.usage(.oneOfRequired, .text(inv.commandName), "--message, --message-file, --faq")
            }
            // in the editor, leaving the message empty or as it was is how one changes one's mind
            guard let written = try Editor.compose(template: editorTemplate(detail, inv.out), environment: inv.io.environment) else {
                inv.out.say(.replyCancelled, .text(String(id)))
                return .success
            }
            body = written
        }
        let t = try Tickets.reply(inv.session, id, body: body, faqID: faqID, asks: inv.flag(.ask))
        return Report.single(t, inv.out)
    }

    static func edit(_ inv: Invocation) throws -> ExitStatus {
        guard let topic = inv.string(.topic) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--topic") }
        return Report.single(try TicketDeadlines.setTopic(inv.session, try Tickets.parseID(inv.argument("ID")!), topic: topic, try inv.dueQuery()), inv.out)
    }

    static func extend(_ inv: Invocation) throws -> ExitStatus {
        guard let reason = try inv.text(.reason) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--reason") }
        let (t, _) = try TicketDeadlines.extend(inv.session, try Tickets.parseID(inv.argument("ID")!), reason: reason, try inv.dueQuery())
        return Report.single(t, inv.out)
    }

    static func messageText(_ inv: Invocation) throws -> String? {
        try inv.exclusive(.message, .messageFile)
        if let text = inv.string(.message) { return text }
        guard let path = inv.string(.messageFile) else { return nil }
        if path == "-" { return String(decoding: inv.io.stdin.readAll(), as: UTF8.self) }
        guard let data = FileManager.default.contents(atPath: path) else { throw MyGazError(.notFound, .fileMissing, .text(path)) }
        return String(decoding: data, as: UTF8.self)
    }

    static func editorTemplate(_ d: TicketDetail, _ out: Output) -> String {
        let s = d.summary
        var lines = ["", "",
                     "# " + L("Reply to ticket", "Ответ на обращение")(out.lang) + " \(s.id) (\(out.texts.label(.ticketTopic, s.topic))) — \(s.senderName)"
                        + (s.senderEmail.map { " <\($0)>" } ?? ""),
                     "# " + L("Lines starting with # are dropped; an empty message cancels the reply.",
                              "Строки, начинающиеся с #, не отправляются; пустое сообщение отменяет ответ.")(out.lang),
                     "#"]
        for m in d.messages {
            lines.append("# \(Timestamp.display(m.at)) \(m.authorKind == "customer" ? s.senderName : (m.author ?? "")):")
            lines.append(contentsOf: m.body.split(separator: "\n", omittingEmptySubsequences: false).map { "# > " + $0 })
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func close(_ inv: Invocation) throws -> ExitStatus {
        let message = try inv.text(.message)
        return try Decisions.run(inv, ids: try inv.ids("ID")) { text in
            try Tickets.close(inv.session, try Tickets.parseID(text), message: message)
        }
    }

    static func reopen(_ inv: Invocation) throws -> ExitStatus {
        Report.single(try Tickets.reopen(inv.session, try Tickets.parseID(inv.argument("ID")!)), inv.out)
    }

    static func assign(_ inv: Invocation) throws -> ExitStatus {
        guard let login = inv.string(.to) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--to") }
        let items = try Batch.run(inv.db, ids: try inv.ids("ID"), continueOnError: inv.flag(.continueOnError)) { text in
            try Tickets.assign(inv.session, try Tickets.parseID(text), to: login)
        }
        return Report.batch(items, inv.out)
    }

    static func open(_ inv: Invocation) throws -> ExitStatus {
        guard let channel = try inv.choice(.channel, as: TicketChannel.self) else {
            throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--channel")
        }
        let (code, personalData) = try topic(inv)
        guard let topic = personalData != nil ? .other : code else {
            throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--topic")
        }
        guard let name = try inv.text(.name) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--name") }
        guard let message = try messageText(inv) else {
            throw MyGazError.usage(.oneOfRequired, .text(inv.commandName), "--message, --message-file")
        }
        var account: AccountRef?
        var accountText: String?
        if let text = inv.string(.account) {
            let named = try AccountRef.resolveOrNumber(inv.db, text, rgk: inv.string(.rgk))
            account = named.account
            if named.account == nil { accountText = named.number }   // not sent by the RGK yet: the number as given
        }
        let files = try inv.strings(.attach).map(NewAttachment.read)
        var new = Tickets.New(
            channel: channel, rgk: inv.string(.rgk), officeID: try inv.string(.office).map { try Offices.find(inv.db, $0, rgk: inv.string(.rgk)).id }, topic: topic,
            name: name, email: inv.string(.email), phone: inv.string(.phone), account: account, accountText: accountText,
            message: message, source: inv.string(.source) == "office" ? .office : .phone, attachments: files)
        new.personalData = personalData
        let (id, acknowledgement) = try Tickets.open(inv.session, new)
        var opened = Transition(.ticket, id, .ticketStatus, from: "", to: "new")
        opened.human = Message(.ticketOpened, [.text(String(id)), PersonalDataRequest.topicArgument(personalData?.rawValue ?? topic.rawValue)])
        opened.told(acknowledgement)
        return Report.single(opened, inv.out)
    }

    static func attachment(_ inv: Invocation) throws -> ExitStatus {
        let id = try Tickets.parseID(inv.argument("ID")!)
        try inv.session.requireSees(.ticket, id)
        try FileOutput.write(try Attachments.content(inv.db, .ticket(id), name: inv.argument("NAME")!), to: inv.string(.output), inv)
        return .success
    }
}
