import Foundation
import MyGazCore

enum ReadingCommands {
    static let idsArg = ArgumentSpec("ID", L("reading ids, or - to read them from stdin", "номера показаний или - для чтения со стандартного ввода"),
                                     arity: .optionalVariadic, stdin: .reading, completion: .live(.pendingReading))

    static let spec = CommandSpec(
        "reading", L("meter readings: the review queue", "показания приборов учета: очередь на проверку"),
        discussion: L("A reading is valid when (1) it is a whole number below 10^digits of the meter; (2) it is not lower than the last accepted reading, unless the counter rolled over within the limit of rule 3; (3) the consumption does not exceed the maximum of the meter, else of the RGK, times the whole months since the last accepted reading (at least one); (4) the meter's verification date has not passed; (5) the meter is working.",
                      "Показание корректно, если (1) это целое число меньше 10^разрядность счетчика; (2) оно не меньше последнего принятого, если только счетчик не перешел через ноль в пределах правила 3; (3) расход не превышает максимум прибора учета (иначе РГК), умноженный на число полных месяцев с последнего принятого показания (не меньше одного); (4) срок поверки не истек; (5) прибор учета исправен."),
        subcommands: [
            CommandSpec("list", L("list readings: by default the pending queue, oldest first", "список показаний: по умолчанию очередь «в обработке», старые сверху"),
                        options: [
                            OptionSpec(.status, value: "STATUS", L("pending (default), accepted, rejected, superseded, or all (the newest first); accepted of a whole region lists what the office accepted, of one account or meter its whole history, the RGK's files included",
                                                                   "pending (по умолчанию), accepted, rejected, superseded или all (все, новые сверху); accepted по всему региону — принятые здесь, по лицевому счету или прибору — вся история, с файлами РГК"),
                                       choices: ReadingStatus.codes + ["all"]),
                            Opt.rgk,
                            OptionSpec(.account, value: "ACCOUNT", L("only this account", "только этот лицевой счет"), completion: .live(.account)),
                            OptionSpec(.meter, value: "SERIAL", L("only this meter", "только этот прибор учета")),
                            OptionSpec(.violations, L("only readings that break a rule", "только показания, нарушающие правило")),
                            OptionSpec(.valid, L("only readings that break no rule", "только показания без нарушений")),
                            OptionSpec(.rule, value: "RULE", L("only pending readings that break this rule", "только показания в обработке, нарушающие это правило"),
                                       choices: ReadingReason.codes.filter { $0 != "duplicate" && $0 != "other" }),
                            Opt.since,
                        ] + Opt.deadlines + [Opt.limit],
                        examples: [
                            Example("mygaz-admin reading list --rgk vologda --limit 3", L("The three oldest pending readings of Vologda.", "Три самых старых показания в обработке по Вологде.")),
                            Example("mygaz-admin reading list --rgk vologda --violations", L("Pending readings of one RGK that break a rule, with the rule.",
                                                                                        "Показания одной РГК, нарушающие правило, с этим правилом."), featured: true),
                            Example("mygaz-admin reading list --violations --format tsv --no-header | cut -f1 | mygaz-admin reading reject - --reason other --message 'Проверьте показание'",
                                    L("Reject a selection through a pipe.", "Отклонить выборку через конвейер.")),
                        ],
                        access: .everyone, handler: list),
            CommandSpec("show", L("one reading with its meter and history", "одно показание с прибором учета и историей"),
                        arguments: [ArgumentSpec("ID", L("the reading", "номер показания"), completion: .live(.reading))], access: .everyone, handler: show),
            CommandSpec("review", L("walk the pending queue at the terminal, one reading at a time", "разобрать очередь в терминале, по одному показанию"),
                        discussion: L("Shows one pending reading at a time, oldest first, which is the most urgent first (a reading is due by the cutoff day of its month: docs/deadlines.md): the account and holder, the address, the meter, its last accepted readings, the submitted value, the consumption and the rules it breaks. Keys: a accept (a reading that breaks a rule asks for confirmation and the reason why), r reject (the reason from a list, the first broken rule preselected, and an optional message), s skip, b back, o the account in full, q quit, ? help. Every decision is saved at once, as by 'reading accept' and 'reading reject'.",
                                      "Показывает по одному показанию в обработке, старые сначала, то есть самые срочные (показание решается до дня отсечки своего месяца: docs/deadlines.md): лицевой счет и владелец, адрес, прибор учета, последние принятые показания, переданное значение, расход и нарушенные правила. Клавиши: a принять (при нарушении — подтверждение и причина), r отклонить (причина из списка, первое нарушенное правило выбрано заранее, и необязательное сообщение), s пропустить, b назад, o весь лицевой счет, q выход, ? справка. Каждое решение сохраняется сразу, как командами «reading accept» и «reading reject»."),
                        options: [Opt.rgk, OptionSpec(.violations, L("only readings that break a rule", "только показания с нарушениями"))],
                        examples: [Example("mygaz-admin reading review --rgk vologda", L("The morning's queue of Vologda.", "Утренняя очередь Вологды."))],
                        access: .clerks, handler: { inv in
                            try Review.run(ReadingReviewQueue(session: inv.session, rgk: inv.string(.rgk), violationsOnly: inv.flag(.violations)), inv)
                        }),
            CommandSpec("check", L("pending readings counted by the rule they break", "показания в обработке по нарушенным правилам"),
                        options: [Opt.rgk], access: .everyone, handler: check),
            CommandSpec("accept", L("accept readings (the rules are checked again)", "принять показания (правила проверяются заново)"),
                        arguments: [idsArg],
                        options: [
                            OptionSpec(.allValid, L("accept every pending reading that breaks no rule", "принять все показания в обработке, не нарушающие правил")),
                            Opt.rgk, Opt.dryRun,
                            OptionSpec(.force, L("accept even if a rule is broken (needs --reason)", "принять, даже если правило нарушено (нужна --reason)")),
                            OptionSpec(.reason, value: "TEXT", L("why a broken rule is accepted", "почему принимается показание с нарушением")),
                            Opt.continueOnError, Opt.yes,
                        ],
                        examples: [
                            Example("mygaz-admin reading accept --all-valid --dry-run", L("See what accepting every valid reading would do.", "Посмотреть, что даст прием всех корректных показаний."), featured: true),
                            Example("mygaz-admin reading accept --all-valid", L("Accept the whole valid queue in one pass.", "Принять всю корректную очередь за один проход.")),
                            Example("mygaz-admin reading list --rgk kostroma --valid --format tsv --no-header | cut -f1 | mygaz-admin reading accept -",
                                    L("Accept a list of ids from a pipe.", "Принять список номеров из конвейера."), featured: true),
                        ],
                        access: .clerks, handler: accept),
            CommandSpec("reject", L("reject readings with a reason code; the customer is told", "отклонить показания с кодом причины; клиенту сообщается"),
                        arguments: [idsArg],
                        options: [
                            OptionSpec(.reason, value: "CODE", L("the reason code (other needs --message)", "код причины (для other нужно --message)"),
                                       choices: ReadingReason.codes),
                            Opt.message,
                            OptionSpec(.force, L("reject for a rule the reading does not break (needs --message, the reason told to the customer)",
                                                 "отклонить по правилу, которое показание не нарушает (нужно --message — объяснение для клиента)")),
                            OptionSpec(.allInvalid, L("reject every pending reading that breaks a rule, with the first rule broken",
                                                        "отклонить все показания с нарушениями, по первому нарушенному правилу")),
                            Opt.rgk, Opt.dryRun, Opt.continueOnError, Opt.yes,
                        ],
                        examples: [Example("mygaz-admin reading reject --all-invalid --rgk kostroma --dry-run",
                                           L("See what rejecting the readings that break a rule would do: by reason, by RGK, the messages.",
                                             "Посмотреть, что даст отклонение показаний с нарушениями: по причинам, по РГК, сообщения."))],
                        access: .clerks, handler: reject),
            CommandSpec("reopen", L("take a decision back: accepted or rejected → pending, to be decided again",
                                    "отменить решение: accepted или rejected → pending, для нового решения"),
                        discussion: L("Refused (exit 4) once the reading went to the RGK's billing (export readings), for a reading the RGK sent, and while a later reading of the same meter is pending or accepted. A customer who was told of the rejection is told the reading is being checked again.",
                                      "Отказ (код 4), если показание уже передано в биллинг РГК (export readings), если его прислала сама РГК, и пока по тому же прибору учета есть более позднее показание в обработке или принятое. Клиенту, которому сообщили об отклонении, сообщается, что показание проверяется повторно."),
                        arguments: [ArgumentSpec("ID", L("reading ids, or - to read them from stdin", "номера показаний или - для чтения со стандартного ввода"),
                                                 arity: .variadic, stdin: .reading, completion: .live(.reading))],
                        options: [OptionSpec(.reason, value: "TEXT", L("required: why the decision is taken back", "обязательно: почему решение отменяется")),
                                  Opt.dryRun, Opt.continueOnError, Opt.yes],
                        examples: [Example("mygaz-admin reading reopen 65717 --reason 'Клиент прислал фото счетчика'",
                                           L("A rejection proved wrong.", "Отклонение оказалось ошибочным."))],
                        access: .clerks, handler: reopen),
            CommandSpec("submit", L("enter a reading given by phone; it is checked at once", "внести показание, переданное по телефону; проверяется сразу"),
                        arguments: [UserCommands.accountArg],
                        options: [
                            OptionSpec(.serial, value: "SERIAL", L("the meter's serial number (not needed when the account has one working meter)",
                                                                   "заводской номер прибора учета (не нужен, если у счета один исправный прибор)")),
                            OptionSpec(.value, value: "N", L("required: the reading, a whole number", "обязательно: показание, целое число")),
                            OptionSpec(.date, value: "DATE", L("the reading's date (default today)", "дата показания (по умолчанию сегодня)")),
                            UserCommands.rgkForAccount,
                            OptionSpec(.accept, L("accept it at once instead of queueing it", "сразу принять, не ставя в очередь")),
                        ],
                        examples: [Example("mygaz-admin reading submit 70000011 --serial 15812879 --value 12650",
                                           L("A customer called with the reading.", "Клиент передал показание по телефону."))],
                        access: .clerks, handler: submit),
        ])

    // MARK: lists

    static func list(_ inv: Invocation) throws -> ExitStatus {
        var filter = ReadingFilter()
        filter.status = inv.string(.status) == "all" ? nil : try inv.choice(.status, as: ReadingStatus.self) ?? .pending
        filter.rule = try inv.choice(.rule, as: ReadingReason.self)
        if filter.rule != nil && (inv.flag(.violations) || inv.flag(.valid)) {
            throw MyGazError.usage(.optionsExclusive, "--rule", inv.flag(.valid) ? "--valid" : "--violations")
        }
        filter.rgk = inv.string(.rgk)
        filter.account = try inv.string(.account).map(inv.account)
        filter.serial = inv.string(.meter)
        filter.violationsOnly = inv.flag(.violations)
        filter.validOnly = inv.flag(.valid)
        if filter.violationsOnly && filter.validOnly { throw MyGazError.usage(.optionsExclusive, "--violations", "--valid") }
        filter.since = try inv.moment(.since)
        filter.limit = try inv.limit()
        filter.scope = try inv.session.rgkScope()
        let q = try inv.dueQuery()
        guard let filter = Readings.window(filter, q) else {
            inv.out.table(ReadingView.header)
            return .success
        }
        if filter.limit >= Int.max / 2 && !q.sort {
            // `--limit 0`: every reading of the filter, written as the cursor reads it (issue 41)
            try inv.out.stream(ReadingView.header) { emit in
                try Readings.each(inv.db, filter) { r in
                    let due = Readings.due(r, q)
                    return q.wanted(due) ? emit(ReadingView.row(r, due: due, inv.out)) : true
                }
            }
            return .success
        }
        // a window of candidates across the RGKs' zones: each then checked in its own
        var items = try Readings.list(inv.db, filter).map { (item: $0, due: Readings.due($0, q)) }.filter { q.wanted($0.due) }
        if q.sort {
            // the pending queue is in this order already (oldest first); every state at once is not
            items = DueQuery.ordered(items.map(\.due)).map { items[$0] }
        }
        var t = ReadingView.table(items, inv.out)
        if items.count == filter.limit { t.footer = inv.out.texts.render(.moreRows, .int(filter.limit)) }
        inv.out.table(t)
        return .success
    }

    /// A pending reading is decided by the cutoff day of its month (docs/deadlines.md).
    static func readingDue(_ inv: Invocation, _ r: ReadingItem) throws -> DueReport? {
        Readings.due(r, try inv.dueQuery())
    }

    static func show(_ inv: Invocation) throws -> ExitStatus {
        let r = try Readings.find(inv.session, try Readings.parseID(inv.argument("ID")!))
        var filter = AuditFilter()
        filter.entityType = Entity.reading.rawValue
        filter.entityID = String(r.id)
        filter.scope = try inv.session.rgkScope()
        inv.out.record(ReadingView.record(r, context: try Readings.context(inv.db, r), history: try Readings.history(inv.db, meterID: r.meterID, limit: 6),
                                          audit: try AuditLog.list(inv.db, filter), due: try readingDue(inv, r), inv.out))
        return .success
    }

    static func check(_ inv: Invocation) throws -> ExitStatus {
        // her RGKs' queues only (`--rgk` of another: exit 7)
        var counts = (total: 0, valid: 0, byReason: [ReadingReason: Int]())
        for rgk in try inv.session.rgks(inv.string(.rgk)) {
            let one = try Readings.checkCounts(inv.db, rgk: rgk)
            counts.total += one.total; counts.valid += one.valid
            for (reason, n) in one.byReason { counts.byReason[reason, default: 0] += n }
        }
        // people read the rule by its label; scripts get its code
        var t = Table([Column("rule", L("RULE", "ПРАВИЛО")), Column("count", L("COUNT", "ЧИСЛО"), align: .right)])
        t.append([Cell(.text("ok"), display: L("breaks no rule", "нарушений нет")(inv.out.lang)),
                  Cell(.int(Int64(counts.valid)), display: Format.grouped(Int64(counts.valid), inv.out.lang), style: .green)])
        for reason in ReadingReason.allCases where reason != .duplicate && reason != .other {
            let n = counts.byReason[reason] ?? 0
            t.append([.code(.readingReason, reason.rawValue, inv.out.texts),
                      Cell(.int(Int64(n)), display: Format.grouped(Int64(n), inv.out.lang), style: n > 0 ? .red : .dim)])
        }
        t.footer = inv.out.texts.render(.pendingTotal, .int(counts.total))
        inv.out.table(t)
        return .success
    }

    // MARK: decisions

    static func accept(_ inv: Invocation) throws -> ExitStatus {
        if inv.flag(.allValid) {
            guard inv.arguments("ID").isEmpty else { throw MyGazError.usage(.optionsExclusive, "--all-valid", "ID") }
            if inv.flag(.force) { throw MyGazError.usage(.optionsExclusive, "--all-valid", "--force") }
            if Decisions.mustAsk(inv, bulk: true) {
                let plan = try Readings.acceptAllValid(inv.session, rgk: inv.string(.rgk), dryRun: true)
                guard plan.decided > 0 else { return try acceptedAll(inv, plan, dry: true) }
                guard try Decisions.ask(inv, bulkPlan(plan, to: .accepted)) else { return .success }
            }
            let progress = Progress(inv.out, label: "reading accept")
            let result = try Readings.acceptAllValid(inv.session, rgk: inv.string(.rgk), dryRun: inv.flag(.dryRun)) {
                progress.update(Int64($0))
            }
            progress.finish()
            return try acceptedAll(inv, result, dry: inv.flag(.dryRun))
        }
        let force = inv.flag(.force)
        let reason = try Readings.forcedReason(force: force, reason: inv.string(.reason))
        let ids = try requireIDs(inv, alternative: "--all-valid")
        return try Decisions.run(inv, ids: ids) { text in
            try Readings.accept(inv.session, try Readings.parseID(text), force: force, reason: reason)
        }
    }

    static func acceptedAll(_ inv: Invocation, _ result: Readings.BulkResult, dry: Bool) throws -> ExitStatus {
        inv.out.object([("accepted", .int(Int64(result.decided))), ("breaking_a_rule", .int(Int64(result.skipped))), ("dry_run", .bool(dry))]
                           + (dry ? [("by_rgk", rgkCounts(result))] : []),
                       human: [Message(dry ? .wouldAcceptAll : .acceptedAll, [.int(result.decided), .int(result.skipped)])]
                           + (dry ? result.byRGK.map { Message(.bulkPlanRGK, [.text($0.rgk), .int($0.count)]) } + [Message(.dryRunNothingWritten)] : []))
        return .success
    }

    static func rgkCounts(_ result: Readings.BulkResult) -> Value {
        .object(result.byRGK.map { ($0.rgk, Value.int(Int64($0.count))) })
    }

    /// The plan of `--all-valid` or `--all-invalid`, from its dry run.
    static func bulkPlan(_ result: Readings.BulkResult, to status: ReadingStatus) -> Decisions.Plan {
        var plan = Decisions.Plan()
        plan.decisions = [(.code(.readingStatus, status.rawValue), result.decided)]
        plan.details = ReadingReason.allCases.compactMap { r in result.byReason[r].map { (.code(.readingReason, r.rawValue), $0) } }
        plan.byRGK = result.byRGK.map { ($0.rgk, $0.count) }
        plan.messages = result.reachable
        plan.unreachable = result.unreachable
        return plan
    }

    static func requireIDs(_ inv: Invocation, alternative: String) throws -> [String] {
        guard !inv.arguments("ID").isEmpty else {
            throw MyGazError.usage(.oneOfRequired, .text(inv.commandName), .text("ID…, -, \(alternative)"))
        }
        return try inv.ids("ID")
    }

    static func reject(_ inv: Invocation) throws -> ExitStatus {
        let message = try inv.text(.message)
        if inv.flag(.allInvalid) {
            guard inv.arguments("ID").isEmpty else { throw MyGazError.usage(.optionsExclusive, "--all-invalid", "ID") }
            if inv.string(.reason) != nil { throw MyGazError.usage(.optionsExclusive, "--all-invalid", "--reason") }
            if Decisions.mustAsk(inv, bulk: true) {
                let plan = try Readings.rejectAllInvalid(inv.session, rgk: inv.string(.rgk), dryRun: true)
                guard plan.decided > 0 else { return rejectedAll(inv, plan, dry: true) }
                guard try Decisions.ask(inv, bulkPlan(plan, to: .rejected)) else { return .success }
            }
            let progress = Progress(inv.out, label: "reading reject")
            let result = try Readings.rejectAllInvalid(inv.session, rgk: inv.string(.rgk), dryRun: inv.flag(.dryRun)) {
                progress.update(Int64($0))
            }
            progress.finish()
            return rejectedAll(inv, result, dry: inv.flag(.dryRun))
        }
        guard let reason = try inv.choice(.reason, as: ReadingReason.self) else {
            throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--reason")
        }
        let ids = try requireIDs(inv, alternative: "--all-invalid")
        // a rule the reading does not break: only on purpose — asked at a terminal, else --force with a note
        var force = inv.flag(.force)
        if force && message == nil { throw MyGazError.usage(.optionRequires, "--force", "--message") }
        let notBreaking = Readings.notBreaking(inv.db, ids.compactMap { try? Readings.parseID($0) }, reason: reason)
        if !notBreaking.isEmpty && !force && !inv.flag(.dryRun) && inv.io.terminal.stdinIsTTY && !inv.flag(.yes) {
            let question = inv.out.texts.render(.reasonNotBrokenQuestion, .int(notBreaking.count), .code(.readingReason, reason.rawValue),
                                                .text(notBreaking.map(String.init).joined(separator: ", ")))
            guard try inv.confirm(question) else {
                inv.out.warn(.bulkCancelled)
                return .success
            }
            force = true
        }
        return try Decisions.run(inv, ids: ids) { text in
            try Readings.reject(inv.session, try Readings.parseID(text), reason: reason, message: message, force: force)
        }
    }

    static func rejectedAll(_ inv: Invocation, _ result: Readings.BulkResult, dry: Bool) -> ExitStatus {
        var pairs: [(String, Value)] = [("rejected", .int(Int64(result.decided))), ("valid", .int(Int64(result.skipped))), ("dry_run", .bool(dry))]
        pairs.append(("by_reason", .object(ReadingReason.allCases.compactMap { r in result.byReason[r].map { (r.rawValue, Value.int(Int64($0))) } })))
        var human = [Message(dry ? .wouldRejectAll : .rejectedAll, [.int(result.decided), .int(result.skipped)])]
        for reason in ReadingReason.allCases {
            if let n = result.byReason[reason] { human.append(Message(.countLine, [.code(.readingReason, reason.rawValue), .int(n)])) }
        }
        if dry {
            pairs += [("by_rgk", rgkCounts(result)), ("messages", .int(Int64(result.reachable))), ("unreachable", .int(Int64(result.unreachable)))]
            human += result.byRGK.map { Message(.bulkPlanRGK, [.text($0.rgk), .int($0.count)]) }
            human += [Message(.bulkPlanMessages, [.int(result.reachable)])]
            if result.unreachable > 0 { human.append(Message(.bulkPlanUnreachable, [.int(result.unreachable)])) }
            human.append(Message(.dryRunNothingQueued))
        }
        result.warnings.forEach { inv.out.warn($0) }
        inv.out.object(pairs, human: human)
        return .success
    }

    static func reopen(_ inv: Invocation) throws -> ExitStatus {
        guard let reason = try inv.text(.reason) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--reason") }
        return try Decisions.run(inv, ids: try inv.ids("ID")) { text in
            try Readings.reopen(inv.session, try Readings.parseID(text), reason: reason)
        }
    }

    static func submit(_ inv: Invocation) throws -> ExitStatus {
        let account = try inv.accountToDecide(inv.argument("ACCOUNT")!)
        // a customer on the phone with one meter is not asked for its serial
        let serial: String
        if let given = inv.string(.serial) { serial = given } else {
            let working = try Readings.workingSerials(inv.db, account: account)
            guard working.count == 1 else {
                throw MyGazError.usage(.serialNeeded, .text(account.label), .text(working.isEmpty ? "—" : working.joined(separator: ", ")))
            }
            serial = working[0]
        }
        guard let valueText = inv.string(.value) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--value") }
        let value = try ReadingRules.wholeValue(valueText)
        let date = try inv.day(.date) ?? inv.clock.today
        let (id, verdict) = try Readings.submit(inv.session, account: account, serial: serial, value: value, date: date,
                                                accept: inv.flag(.accept))
        let status = inv.flag(.accept) ? "accepted" : "pending"
        inv.out.results([ActionResult(
            id: String(id), outcome: .changed, status: status,
            human: Message(.readingEntered, [.text(String(id)), .text(account.label), .text(serial), .int(Int(value)),
                                             .code(.readingStatus, status), .text(verdict.consumption.map { Format.grouped($0, inv.out.lang) } ?? "—")]),
            extra: [("consumption", .of(verdict.consumption))])])
        return .success
    }
}
