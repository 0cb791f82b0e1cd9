import Foundation
import MyGazCore

/// The notices customers switched on in the portal (issue 39 §3, manual 001 §4.7.1.3).
enum NoticeCommands {
    static let cron = "0 9 16 * * mygaz-admin notice debts --period $(date -d 'last month' +\\%Y-\\%m) --yes && mygaz-admin outbox send"
    static let spec = CommandSpec(
        "notice", L("the notices customers switched on: debts, verification, news", "уведомления, включенные клиентами: задолженность, поверка, новости"),
        discussion: L("Each goes to active users only (a blocked or erased user gets nothing, and 'outbox send' checks again), with the user's switch on (debts: «notify about debts»; verification: «notify about status changes»; news: «news»; 'outbox send' checks it again and cancels a notice switched off since), by e-mail, else by SMS to the user's mobile; a user with neither is counted and skipped. A debt of an account linked with the limited version is not told (the portal shows no settlements there): counted and skipped. Once per key — a debt per user, account and month; a verification per user, meter and verification date; a news item per user and text —: a rerun, or a run after one that was killed, queues nothing twice. Run them from cron and let 'outbox send' deliver (in a crontab % is written \\%): " + cron + "; 0 9 * * 1 mygaz-admin notice verification --within 30d --yes && mygaz-admin outbox send",
                      "Только активным пользователям (заблокированный или удаленный не получает ничего, «outbox send» проверяет снова), у которых включен переключатель (задолженность — «уведомлять о задолженности», поверка — «об изменении статуса», новости — «о новостях»; «outbox send» проверяет его снова и отменяет уведомление, отключенное с тех пор), по e-mail, иначе SMS на мобильный пользователя; пользователь без них считается и пропускается. О долге по счету, подключенному в ограниченной версии, не сообщается (в ней не видны взаиморасчеты): такой счет считается и пропускается. Один раз на ключ — долг на пользователя, счет и месяц, поверка на пользователя, прибор и дату поверки, новость на пользователя и текст: повторный запуск или запуск после прерванного ничего не ставит дважды. Запускайте из cron и доставляйте «outbox send» (в crontab % пишется как \\%): " + cron + "; 0 9 * * 1 mygaz-admin notice verification --within 30d --yes && mygaz-admin outbox send"),
        subcommands: [
            CommandSpec("debts", L("queue a debt notice for a month to every user with debt notices on", "поставить в очередь уведомления о задолженности за месяц"),
                        options: [OptionSpec(.period, value: "YYYY-MM", L("required: the month of the settlements", "обязательно: месяц взаиморасчетов")),
                                  OptionSpec(.min, value: "RUB", L("only debts of at least this amount, rubles (default: any)", "только долг не меньше суммы, руб. (по умолчанию — любой)")),
                                  Opt.rgk, Opt.dryRun, Opt.yes],
                        examples: [Example("mygaz-admin notice debts --period 2026-06 --min 500 --dry-run", L("How many debt notices would go.", "Сколько уведомлений о задолженности уйдет."))],
                        access: .clerks, handler: debts),
            CommandSpec("verification", L("queue a notice for every working meter whose verification ends soon or has ended", "поставить в очередь уведомления о поверке приборов учета"),
                        options: [OptionSpec(.within, value: "DURATION", L("verification ending within this time from today (default 30d)", "поверка истекает в этот срок от сегодня (по умолчанию 30d)")),
                                  Opt.rgk, Opt.dryRun, Opt.yes],
                        examples: [Example("mygaz-admin notice verification --within 30d --yes", L("Meters whose verification ends within a month.", "Приборы, поверка которых истекает в течение месяца."))],
                        access: .clerks, handler: verification),
            CommandSpec("news", L("queue a news item to every user with news on", "поставить в очередь новость всем, кто включил новости"),
                        options: [OptionSpec(.subject, value: "TEXT", L("required: the subject", "обязательно: тема")),
                                  OptionSpec(.messageFile, value: "FILE", L("required: the text, a UTF-8 file", "обязательно: текст, файл в UTF-8"), completion: .file),
                                  Opt.rgk, Opt.dryRun, Opt.yes],
                        examples: [Example("mygaz-admin notice news --subject 'Плановые работы' --message-file news.txt --rgk vologda --dry-run",
                                           L("The letter and how many would get it.", "Письмо и сколько его получат."))],
                        access: .admins, handler: news),
        ])

    static func debts(_ inv: Invocation) throws -> ExitStatus {
        guard let period = try inv.period(.period) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--period") }
        if period > inv.clock.today.period { throw MyGazError.invalid(.billFuturePeriod, .text(period)) }
        let minKop = try inv.decimal(.min, min: 0, max: 100_000_000).map { Int64(($0 * 100).rounded()) } ?? 0
        let month = inv.out.lang == .ru ? BillDocument.monthName(period) : period
        // her RGKs only (one named: exit 7 unless it is hers)
        let candidates = try inv.session.rgks(inv.string(.rgk)).flatMap { try Notices.debts(inv.db, period: period, minKop: minKop, rgk: $0) }
        return try run(inv, .debts, candidates, title: L("debt notices for \(month)", "уведомления о задолженности за \(month)"),
                       audit: "notice.debts", detail: "period \(period), min \(minKop) kop")
    }

    static func verification(_ inv: Invocation) throws -> ExitStatus {
        let within = try inv.duration(.within) ?? 30 * 86_400
        let through = inv.clock.today.adding(days: Int(within / 86_400))
        let candidates = try inv.session.rgks(inv.string(.rgk)).flatMap { try Notices.verification(inv.db, through: through, rgk: $0) }
        return try run(inv, .verification, candidates, title: L("verification notices through \(through.russian)", "уведомления о поверке по \(through.russian)"),
                       audit: "notice.verification", detail: "through \(through.iso)")
    }

    static func news(_ inv: Invocation) throws -> ExitStatus {
        guard let subject = inv.string(.subject)?.trimmingCharacters(in: .whitespacesAndNewlines), !subject.isEmpty else {
            throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--subject")
        }
        guard let path = inv.string(.messageFile) else { throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--message-file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw MyGazError(.notFound, .fileMissing, .text(path)) }
        let bytes = [UInt8](data)
        guard let body = String(validating: bytes, as: UTF8.self) else {
            var position = 0
            while position < bytes.count, String(validating: bytes[..<(position + 1)], as: UTF8.self) != nil || bytes[position] < 0x80 { position += 1 }
            throw MyGazError.invalid(.noticeFileNotUTF8, .text(path), .int(position + 1))
        }
        guard !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw MyGazError.invalid(.noticeFileEmpty, .text(path)) }
        // to her RGKs' customers only, each customer once however many of her RGKs she is linked in
        var seen = Set<Int64>()
        let candidates = try inv.session.rgks(inv.string(.rgk)).flatMap { try Notices.news(inv.db, subject: subject, body: body, rgk: $0) }
            .filter { seen.insert($0.userID).inserted }
        if let first = candidates.first(where: { !$0.queuedBefore }), inv.io.terminal.stdinIsTTY || inv.flag(.dryRun) {
            inv.out.say(.noticePreview)
            for line in ([first.notice.subject, ""] + first.notice.body.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)) {
                inv.out.sayText("  " + line)
            }
        }
        return try run(inv, .news, candidates, title: L("news «\(subject)»", "новость «\(subject)»"),
                       audit: "notice.news", detail: "«\(subject)» \(Notices.newsKey(subject: subject, body: body, rgk: inv.string(.rgk)?.lowercased()).prefix(12))")
    }

    /// The plan, a question on a terminal, the run, the counts: as `bill send` does.
    static func run(_ inv: Invocation, _ kind: NoticeKind, _ candidates: [Notices.Candidate], title: L, audit: String, detail: String) throws -> ExitStatus {
        let plan = Notices.plan(candidates), shown = title(inv.out.lang)
        if inv.flag(.dryRun) {
            inv.out.object([("notice", .text(kind.rawValue)), ("to_queue", .int(Int64(plan.toQueue))), ("queued_before", .int(Int64(plan.queuedBefore))),
                            ("no_contact", .int(Int64(plan.noContact))), ("limited_version", .int(Int64(plan.limitedVersion)))],
                           human: [Message(.noticePlan, [.text(shown), .int(plan.toQueue), .int(plan.queuedBefore), .int(plan.noContact)])]
                               + limited(plan.limitedVersion) + [Message(.dryRunNothingQueued)])
            return .success
        }
        if plan.toQueue > 0 && inv.io.terminal.stdinIsTTY && !inv.flag(.yes) {
            guard try inv.confirm(inv.out.texts.render(.noticePlan, .text(shown), .int(plan.toQueue), .int(plan.queuedBefore), .int(plan.noContact))) else {
                inv.out.warn(.bulkCancelled)
                return .success
            }
        }
        let report = try Notices.send(inv.session, kind, candidates, audit: audit, detail: detail)
        inv.out.object([("notice", .text(kind.rawValue)), ("queued", .int(Int64(report.queued))), ("queued_before", .int(Int64(report.queuedBefore))),
                        ("no_contact", .int(Int64(report.noContact))), ("limited_version", .int(Int64(report.limitedVersion)))],
                       human: [Message(.noticeDone, [.text(shown), .int(report.queued), .int(report.queuedBefore), .int(report.noContact)])]
                           + limited(report.limitedVersion))
        return .success
    }

    /// The line of the debts skipped for the limited version, when there are some.
    static func limited(_ count: Int) -> [Message] {
        count > 0 ? [Message(.noticeLimitedSkipped, [.int(count)])] : []
    }
}
