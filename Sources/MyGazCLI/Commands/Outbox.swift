import Foundation
import MyGazCore

enum OutboxCommands {
    static let spec = CommandSpec(
        "outbox", L("messages to customers, and their delivery", "сообщения клиентам и их доставка"),
        discussion: L("Ticket answers, application questions and status changes, rejected readings, PINs and codes wait here until 'outbox send' delivers them: e-mail through a sendmail-compatible program (--sendmail, MYGAZ_SENDMAIL, mail.sendmail in /etc/mygaz-admin.conf, default /usr/sbin/sendmail -i -t) that gets the message on stdin and takes the recipient from its To: header (-t) or from MYGAZ_RECIPIENT, or, when mail.smtp is set (--smtp, MYGAZ_SMTP), through that SMTP relay: many letters in one session (PIPELINING where offered), STARTTLS when offered with the relay's certificate verified against the system's CAs or mail.smtp_ca_file, a login (mail.smtp_user) whose password is read from the file mail.smtp_password_file; each recipient's reply decides its letter (2xx sent, 4xx tried again later, 5xx failed for good, the reply kept), and a letter the relay got no answer for is in doubt; a sendmail command whose last word is -bs (/usr/sbin/sendmail -bs) is a local MTA speaking SMTP on its stdin and stdout, one process for a session of many letters, each reply deciding its letter as a relay's does; SMS through a command that gets the text on stdin and the number in MYGAZ_RECIPIENT (--sms-command, MYGAZ_SMS_COMMAND, sms.command in the file). No recipient is ever in a program's arguments, which every local user can see. One channel never holds back the other: with no SMS command, no sender address, or a mail program that cannot be run, that channel's messages wait, none counted as tried, the other channel's go, and the run ends with exit 5 and one line per channel saying how many wait and what to set ('status' shows them too). A recipient that is not an e-mail address or a Russian mobile number fails its message at once. When its turn comes, a message is checked again against what queued it: one to a portal user who is now blocked or erased, a bill whose account is no longer linked to the user with the extended version, or whose user switched bills by e-mail off or has another address now, is cancelled with the reason (outbox list --status cancelled). A failed delivery is retried after 1, 2, 4 and 8 minutes; after 5 failures the message is failed until 'outbox retry'. A delivery that outlives --timeout is stopped, with everything it started, and its message is in doubt: it is not sent again by itself; check, then 'outbox retry'. A PIN or code in a message is never shown here and is erased once the message is sent or has failed: a failed PIN is issued anew, not sent again.",
                      "Ответы на обращения, вопросы и смена состояний заявок, отказы в приеме показаний, ПИН-коды и коды ждут здесь, пока «outbox send» их не доставит: e-mail — через программу, совместимую с sendmail (--sendmail, MYGAZ_SENDMAIL, mail.sendmail в /etc/mygaz-admin.conf, по умолчанию /usr/sbin/sendmail -i -t), которая получает письмо на стандартный ввод, а адрес берет из заголовка To: (-t) или из MYGAZ_RECIPIENT, либо, если задан mail.smtp (--smtp, MYGAZ_SMTP), через этот почтовый сервер: много писем за один сеанс (PIPELINING, если сервер его предлагает), STARTTLS, если предложен, с проверкой сертификата сервера по системным УЦ или mail.smtp_ca_file, вход (mail.smtp_user) с паролем из файла mail.smtp_password_file; ответ на каждого получателя решает судьбу письма (2xx — отправлено, 4xx — повтор позже, 5xx — не доставлено, ответ сохраняется), а письмо, на которое сервер не ответил, считается сомнительным; команда sendmail, последнее слово которой -bs (/usr/sbin/sendmail -bs), — это местный почтовый агент, говорящий по SMTP через стандартные ввод и вывод: один процесс на сеанс из многих писем, ответ на каждое решает его судьбу, как ответ сервера; SMS — через команду, получающую текст на стандартный ввод, а номер — в MYGAZ_RECIPIENT (--sms-command, MYGAZ_SMS_COMMAND, sms.command в файле). Получатель никогда не передается в аргументах программы, которые видит любой пользователь машины. Один канал никогда не задерживает другой: если нет команды отправки SMS, адреса отправителя или программа отправки почты не запускается, сообщения этого канала ждут (попытки не засчитываются), сообщения другого канала уходят, а команда завершается с кодом 5 и строкой на каждый канал: сколько ждут и что настроить (их показывает и «status»). Сообщение с получателем, который не является ни адресом e-mail, ни российским мобильным номером, сразу считается недоставленным. Когда подходит очередь сообщения, оно проверяется снова: сообщение пользователю портала, который теперь заблокирован или удален, квитанция, чей счет больше не привязан к пользователю с расширенной версией или чей пользователь отключил квитанции по e-mail либо сменил адрес, отменяется с указанием причины (outbox list --status cancelled). Неудачная доставка повторяется через 1, 2, 4 и 8 минут; после 5 неудач сообщение ждет «outbox retry». Доставка, не уложившаяся в --timeout, прерывается вместе со всем, что она запустила, а сообщение считается сомнительным: само оно повторно не отправляется; проверьте, затем «outbox retry». ПИН-код или код в сообщении здесь не показывается и стирается, как только сообщение отправлено или признано недоставленным: вместо недоставленного ПИН-кода выдается новый."),
        subcommands: [
            CommandSpec("list", L("list messages: waiting first", "список сообщений: ожидающие сверху"),
                        options: [OptionSpec(.status, value: "STATUS", L("only this state", "только это состояние"), choices: OutboxStatus.codes),
                                  OptionSpec(.to, value: "ADDRESS", L("only messages to this e-mail or phone (any spelling)", "только сообщения на этот e-mail или телефон (в любом написании)")),
                                  OptionSpec(.channel, value: "CHANNEL", L("only messages of this channel (email, sms)", "только сообщения этого канала (email, sms)"),
                                             choices: MessageChannel.codes),
                                  Opt.limit],
                        access: .everyone, handler: list),
            CommandSpec("show", L("one message (secrets masked)", "одно сообщение (секреты скрыты)"),
                        arguments: [ArgumentSpec("ID", L("the message", "номер сообщения"), completion: .live(.outbox))], access: .everyone, handler: show),
            CommandSpec("send", L("deliver the messages that are due", "доставить сообщения, срок которых подошел"),
                        options: [Opt.limit,
                                  OptionSpec(.sendmail, value: "CMD", L("the sendmail-compatible command; the recipient is in To: and $MYGAZ_RECIPIENT (default $MYGAZ_SENDMAIL, else mail.sendmail in the configuration file, else /usr/sbin/sendmail -i -t)",
                                                                         "команда, совместимая с sendmail; адрес — в To: и в $MYGAZ_RECIPIENT (по умолчанию $MYGAZ_SENDMAIL, иначе mail.sendmail в файле настроек, иначе /usr/sbin/sendmail -i -t)")),
                                  OptionSpec(.smtp, value: "URL", L("deliver e-mail through this SMTP relay, smtp://HOST:PORT (STARTTLS when offered) or smtps://HOST:PORT, instead of sendmail (default $MYGAZ_SMTP, else mail.smtp in the configuration file)",
                                                                    "отправлять e-mail через этот почтовый сервер, smtp://ХОСТ:ПОРТ (STARTTLS, если предложен) или smtps://ХОСТ:ПОРТ, а не через sendmail (по умолчанию $MYGAZ_SMTP, иначе mail.smtp в файле настроек)")),
                                  OptionSpec(.smsCommand, value: "CMD", L("the SMS command; the number is in $MYGAZ_RECIPIENT (default $MYGAZ_SMS_COMMAND, else sms.command in the configuration file)",
                                                                          "команда отправки SMS; номер — в $MYGAZ_RECIPIENT (по умолчанию $MYGAZ_SMS_COMMAND, иначе sms.command в файле настроек)")),
                                  OptionSpec(.parallel, value: "N", L("deliver with N senders side by side, each with its own relay session (default: one per core; never more than outbox.max_parallel in the configuration file)",
                                                                      "отправлять N параллельными потоками, у каждого свой сеанс с сервером (по умолчанию — по числу ядер; не больше outbox.max_parallel из файла настроек)")),
                                  OptionSpec(.timeout, value: "SECONDS", L("give up on one delivery after SECONDS (default 30)", "прекратить одну доставку через SECONDS (по умолчанию 30)")),
                                  Opt.dryRun],
                        examples: [Example("mygaz-admin outbox send --sendmail '/usr/sbin/sendmail -i -t' --sms-command /usr/local/bin/send-sms",
                                           L("Deliver what waits (e.g. from cron every minute).", "Доставить ожидающие (например, из cron каждую минуту)."), featured: true)],
                        access: .everyone, handler: send),
            CommandSpec("__receipt", L("record a delivery as sent (run by outbox send's delivering shell)", "отметить доставку (вызывается при отправке)"),
                        arguments: [ArgumentSpec("ID", L("the message", "сообщение")), ArgumentSpec("TOKEN", L("the claim", "захват")),
                                    ArgumentSpec("STEP", L("begin or done", "begin или done")), ArgumentSpec("PID", L("the shell", "оболочка"), arity: .optional)],
                        access: .everyone, hidden: true, handler: receipt),
            CommandSpec("retry", L("put failed messages back in the queue", "вернуть недоставленные сообщения в очередь"),
                        arguments: [ArgumentSpec("ID", L("message ids", "номера сообщений"), arity: .variadic, stdin: .outbox, completion: .live(.outbox))],
                        options: [Opt.continueOnError], access: .everyone, handler: retry),
        ])

    static func list(_ inv: Invocation) throws -> ExitStatus {
        let limit = try inv.limit()
        let status = try inv.choice(.status, as: OutboxStatus.self)
        let scope = try inv.session.rgkScope()
        let channel = try inv.choice(.channel, as: MessageChannel.self)
        let rows = try inv.string(.to).map { try OutboxStore.list(inv.db, to: $0, status: status, limit: limit, scope: scope) }
            ?? OutboxStore.list(inv.db, status: status, channel: channel, limit: limit, scope: scope)
        var t = OutboxView.table(rows, inv.out)
        if rows.count == limit { t.footer = inv.out.texts.render(.moreRows, .int(limit)) }
        inv.out.table(t)
        return .success
    }

    static func show(_ inv: Invocation) throws -> ExitStatus {
        guard let id = Int64(inv.argument("ID")!), id > 0 else { throw MyGazError.invalid(.badId, .entity(.outbox), .text(inv.argument("ID")!)) }
        try inv.session.requireSees(.outbox, id)
        let m = try OutboxStore.find(inv.db, id)
        inv.out.record(OutboxView.record(m, inv.out))
        return .success
    }

    static func send(_ inv: Invocation) throws -> ExitStatus {
        let env = inv.io.environment
        // the option, else the environment, else the configuration file, else the default: never
        // the database, where any clerk could plant a command for root's cron to run
        let sendmail = try Settings.command(.sendmail, option: ("--sendmail", inv.string(.sendmail)), environment: env).value
            ?? "/usr/sbin/sendmail -i -t"
        let sms = try Settings.command(.smsCommand, option: ("--sms-command", inv.string(.smsCommand)), environment: env).value
        // a relay set wrongly (its address, its password file) holds back the letters, not the SMS
        var relay: SMTPRelay?, mailRefused: Message?
        do {
            relay = try SMTPRelay.configured(option: inv.string(.smtp), environment: env)
        } catch let error as MyGazError {
            mailRefused = error.message
        }
        let timeout = Double(try inv.int(.timeout, range: 1...3600) ?? 30)
        let limit = try inv.limit(default: 500)
        let progress = Progress(inv.out, label: "outbox send", counting: .progressMessages)
        // the delivering shell records each message sent itself, through this program: a file by
        // its absolute path, a server's address in the shell's environment (never in its argv,
        // which every local user sees in `ps`, with whatever password the address holds)
        let address = inv.globals.dbPath, onServer = PGAddress.isPostgreSQL(address)
        let receipt = [Executable.path] + (onServer ? [] : ["--db", Executable.absolute(address)]) + ["outbox", "__receipt"]
        var transport = Transport(sendmail: sendmail, smsCommand: sms, timeoutSeconds: timeout, receipt: receipt,
                                  environment: onServer ? ["MYGAZ_DB": address] : [:])
        transport.smtp = relay
        transport.mailRefused = mailRefused
        // side by side: one per core unless told, never more than the relay allows
        var senders = try inv.int(.parallel, range: 1...64) ?? ProcessInfo.processInfo.activeProcessorCount
        if let most = try Settings.command(.outboxMaxParallel, environment: env).value {
            guard let n = Int(most), (1...64).contains(n) else {
                throw MyGazError.invalid(.settingBadValue, .text(SettingKey.outboxMaxParallel.rawValue), .text(most))
            }
            senders = min(senders, n)
        }
        let busy = inv.globals.busyTimeoutMs
        let report = try Delivery.send(inv.session, transport: transport, limit: limit, dryRun: inv.flag(.dryRun), senders: senders,
                                       connect: { try Engines.another(address, busyTimeoutMs: busy) }) { done, total in
            progress.update(Int64(done), fraction: total > 0 ? Double(done) / Double(total) : nil)
        }
        progress.finish()
        if inv.flag(.dryRun) {
            var t = Table([Column("id", L("ID", "ID"), align: .right), Column("channel", L("CHANNEL", "КАНАЛ")),
                           Column("recipient", L("TO", "КОМУ")), Column("subject", L("SUBJECT", "ТЕМА"), cut: 12)])
            for m in report.would { t.append([Cell(.int(m.id)), Cell(.text(m.channel)), Cell(.text(m.recipient)), Cell(.of(m.subject))]) }
            inv.out.table(t)
            inv.out.say(.dryRunNothingWritten)
            return .success
        }
        if report.recovered > 0 { inv.out.warn(.outboxRecovered, .int(report.recovered)) }
        if report.inDoubt > 0 { inv.out.warn(.outboxInDoubt, .int(report.inDoubt)) }
        if report.cancelled > 0 { inv.out.warn(.outboxCancelled, .int(report.cancelled)) }
        // a channel that could not be used: its messages wait, one line each saying what to set
        for blocked in report.blocked { inv.out.warn(blocked.why) }
        inv.out.object(summary(report), human: byChannel(report) + [Message(.outboxReport, [.int(report.sent), .int(report.retrying), .int(report.failed)])])
        // anything that did not go out — failed, waiting for a retry or for a channel, in doubt — is not success
        return report.complete ? .success : .partial
    }

    /// The run's counts for machines: in all, and by channel.
    static func summary(_ report: Delivery.Report) -> [(String, Value)] {
        func counts(_ t: Delivery.Tally) -> [(String, Value)] {
            [("sent", .int(Int64(t.sent))), ("retrying", .int(Int64(t.retrying))), ("failed", .int(Int64(t.failed))),
             ("in_doubt", .int(Int64(t.inDoubt))), ("cancelled", .int(Int64(t.cancelled)))]
        }
        let channels = MessageChannel.allCases.compactMap { channel -> (String, Value)? in
            let waiting = report.blocked.first { $0.channel == channel }?.waiting ?? 0
            guard let t = report.channels[channel] ?? (waiting > 0 ? Delivery.Tally() : nil) else { return nil }
            return (channel.rawValue, .object(counts(t) + [("waiting_for_channel", .int(Int64(waiting)))]))
        }
        let total = Delivery.Tally(sent: report.sent, retrying: report.retrying, failed: report.failed, inDoubt: report.inDoubt,
                                   cancelled: report.cancelled)
        return counts(total) + [("recovered", .int(Int64(report.recovered))),
                                ("waiting_for_channel", .object(report.blocked.map { ($0.channel.rawValue, .int(Int64($0.waiting))) })),
                                ("channels", .object(channels))]
    }

    /// One line per channel that had anything, for people.
    static func byChannel(_ report: Delivery.Report) -> [Message] {
        MessageChannel.allCases.compactMap { channel in
            let waiting = report.blocked.first { $0.channel == channel }?.waiting ?? 0
            guard let t = report.channels[channel] ?? (waiting > 0 ? Delivery.Tally() : nil) else { return nil }
            return Message(.outboxByChannel, [.code(.messageChannel, channel.rawValue), .int(t.sent), .int(t.retrying), .int(t.failed),
                                              .int(t.inDoubt), .int(t.cancelled), .int(waiting)])
        }
    }

    /// `outbox __receipt ID TOKEN begin SHELL-PID | done`, run by the delivering shell.
    static func receipt(_ inv: Invocation) throws -> ExitStatus {
        func number(_ name: String) throws -> Int64 {
            let text = inv.argument(name) ?? ""
            guard let n = Int64(text), n > 0 else { throw MyGazError.usage(.badNumber, .text(name), .text(text)) }
            return n
        }
        let id = try number("ID"), token = inv.argument("TOKEN") ?? ""
        switch inv.argument("STEP") {
        case "begin":
            guard try Delivery.begin(inv.session, id: id, token: token, shell: Int(try number("PID"))) else {
                throw MyGazError(.conflict, .outboxClaimLost, .int(Int(id)))
            }
            return .success
        case "done":
            _ = try Delivery.receipt(inv.session, id: id, token: token)
            return .success
        case let step:
            throw MyGazError.usage(.badChoice, "STEP", .text(step ?? ""), "begin, done")
        }
    }

    static func retry(_ inv: Invocation) throws -> ExitStatus {
        let items = try Batch.run(inv.db, ids: try inv.ids("ID"), continueOnError: inv.flag(.continueOnError)) { text in
            let id = try References.parseID(.outbox, text)
            return try OutboxStore.retry(inv.session, id)
        }
        return Report.batch(items, inv.out)
    }
}
