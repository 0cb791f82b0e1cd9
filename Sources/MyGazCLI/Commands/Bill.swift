import Foundation
import MyGazCore

/// Bills by e-mail: the monthly mailing to the users who switched it on.
enum BillCommands {
    static let spec = CommandSpec(
        "bill", L("bills by e-mail: the monthly mailing", "квитанции по e-mail: ежемесячная рассылка"),
        subcommands: [
            CommandSpec("send", L("queue a month's bills to every user who switched e-mail bills on", "поставить в очередь квитанции за месяц всем, кто включил их получение по e-mail"),
                        discussion: L("For every active user with «bills by e-mail» on, one message per account linked with the extended version (the bill shows personal data), with the bill of the month as a PDF, made when 'outbox send' delivers it. Once per user, account and month: a second run, or a run after one that was killed, queues nothing twice. Accounts without settlements for the month are skipped and counted. Run it from cron on the 15th for the month before, and let 'outbox send' deliver (in a crontab % is written \\%): 0 9 15 * * mygaz-admin bill send --period $(date -d 'last month' +\\%Y-\\%m) --yes && mygaz-admin outbox send",
                                      "Каждому активному пользователю с включенными «квитанциями на e-mail» — по сообщению на каждый счет, привязанный с расширенной версией (в квитанции персональные данные), с квитанцией за месяц в PDF, которая формируется при доставке («outbox send»). Один раз на пользователя, счет и месяц: повторный запуск или запуск после прерванного ничего не ставит дважды. Счета без взаиморасчетов за месяц пропускаются и считаются. Запускайте из cron 15-го числа за прошлый месяц и доставляйте «outbox send» (в crontab % пишется как \\%): 0 9 15 * * mygaz-admin bill send --period $(date -d 'last month' +\\%Y-\\%m) --yes && mygaz-admin outbox send"),
                        options: [OptionSpec(.period, value: "YYYY-MM", L("required: the month of the bills", "обязательно: месяц квитанций")),
                                  Opt.rgk, Opt.dryRun, Opt.yes],
                        examples: [Example("mygaz-admin bill send --period 2026-06 --dry-run", L("How many bills would go, and how many went before.", "Сколько квитанций уйдет и сколько уже ушло.")),
                                   Example("mygaz-admin bill send --period 2026-06 --yes", L("The mailing; 'outbox send' then delivers it.", "Рассылка; доставит ее «outbox send»."))],
                        access: .clerks, handler: send),
        ])

    static func send(_ inv: Invocation) throws -> ExitStatus {
        guard let period = try inv.period(.period) else {
            throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--period")
        }
        let rgk = inv.string(.rgk)
        let texts = inv.out.texts
        let month = inv.out.lang == .ru ? BillDocument.monthName(period) : period
        // an operator of some RGKs mails theirs, each on its own; `--rgk` of another is refused (exit 7)
        let rgks = try inv.session.rgks(rgk)
        var plan = BillMailing.Plan()
        for rgk in rgks {
            let one = try BillMailing.plan(inv.db, period: period, rgk: rgk, today: inv.clock.today)
            plan.toQueue += one.toQueue; plan.queuedBefore += one.queuedBefore
            plan.noEmail += one.noEmail; plan.noSettlements += one.noSettlements
        }
        if inv.flag(.dryRun) {
            inv.out.object([("period", .text(period)), ("to_queue", .int(Int64(plan.toQueue))), ("queued_before", .int(Int64(plan.queuedBefore))),
                            ("no_email", .int(Int64(plan.noEmail))), ("no_settlements", .int(Int64(plan.noSettlements)))],
                           human: [Message(.billMailingPlan, [.text(month), .int(plan.toQueue), .int(plan.queuedBefore)]),
                                   Message(.countLine, [.text(L("no usable e-mail", "нет годного e-mail")(inv.out.lang)), .int(plan.noEmail)]),
                                   Message(.countLine, [.text(L("no settlements for the month", "нет взаиморасчетов за месяц")(inv.out.lang)), .int(plan.noSettlements)]),
                                   Message(.dryRunNothingQueued)])
            return .success
        }
        if plan.toQueue > 0 && inv.io.terminal.stdinIsTTY && !inv.flag(.yes) {
            guard try inv.confirm(texts.render(.billMailingPlan, .text(month), .int(plan.toQueue), .int(plan.queuedBefore))) else {
                inv.out.warn(.bulkCancelled)
                return .success
            }
        }
        let progress = Progress(inv.out, label: "bill send", total: Int64(plan.toQueue))
        var report = BillMailing.Report()
        for rgk in rgks {
            let before = report.queued
            let one = try BillMailing.send(inv.session, period: period, rgk: rgk) { done, _ in progress.update(Int64(before + done)) }
            report.queued += one.queued; report.queuedBefore += one.queuedBefore
            report.noEmail += one.noEmail; report.noSettlements += one.noSettlements
        }
        progress.finish()
        inv.out.object([("period", .text(period)), ("queued", .int(Int64(report.queued))), ("queued_before", .int(Int64(report.queuedBefore))),
                        ("no_email", .int(Int64(report.noEmail))), ("no_settlements", .int(Int64(report.noSettlements)))],
                       human: [Message(.billMailingDone, [.text(month), .int(report.queued), .int(report.queuedBefore), .int(report.noEmail)])])
        return .success
    }
}
