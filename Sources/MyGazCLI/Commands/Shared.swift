import Foundation
import MyGazCore

/// What many command files use, in one place: shared options, batch reports, files written
/// out, the audit rows of a show.

/// Options shared by many commands, declared once.
enum Opt {
    static let attach = OptionSpec(.attach, value: "FILE", L("attach a pdf, jpeg or png (at most 10 MiB)", "приложить pdf, jpeg или png (до 10 МиБ)"),
                                   repeatable: true, completion: .file)
    static let limit = OptionSpec(.limit, short: "n", value: "N",
                                  L("show at most N rows (default 50; 0 shows all)", "показать не более N строк (по умолчанию 50; 0 — все)"))
    static let rgk = OptionSpec(.rgk, value: "CODE", L("only this RGK (its code)", "только эта РГК (ее код)"), completion: .live(.rgk))
    static let since = OptionSpec(.since, value: "DATE", L("only from DATE on (YYYY-MM-DD, DD.MM.YYYY, or 7d for the last 7 days)",
                                                            "только начиная с DATE (ГГГГ-ММ-ДД, ДД.ММ.ГГГГ или 7d — за последние 7 дней)"))
    static let until = OptionSpec(.until, value: "DATE", L("only before DATE", "только до DATE"))
    static let yes = OptionSpec(.yes, short: "y", L("do not ask for confirmation", "не спрашивать подтверждения"))
    static let dryRun = OptionSpec(.dryRun, L("show what would change, write nothing", "показать, что изменится, ничего не записывая"))
    static let continueOnError = OptionSpec(.continueOnError, L("apply the good ids even if some fail (exit 5 if any failed)",
                                                                   "выполнить для корректных идентификаторов, даже если часть не удалась (код 5)"))
    static let output = OptionSpec(.output, short: "o", value: "FILE", L("write to FILE instead of stdout", "записать в FILE, а не на стандартный вывод"),
                                   completion: .file)
    static let message = OptionSpec(.message, short: "m", value: "TEXT", L("a message for the history and the customer", "сообщение для истории и клиента"))
}

/// A state change as the services report it, for one id.
extension Transition {
    var humanMessage: Message {
        if let human { return human }
        if !changed {
            return Message(.unchanged, [.entity(entity), .text(id), .code(domain, to)])
        }
        return Message(.transition, [.entity(entity), .text(id), .code(domain, from), .code(domain, to)])
    }
}

enum Report {
    /// Prints per-id results of a batch and answers the exit status:
    /// 0 all good; the first failure's status if nothing was applied; 5 if some were.
    /// A dry run's items say what would happen; nothing was written, nothing is to be done by hand.
    static func batch(_ items: [BatchItem<Transition>], _ out: Output, dryRun: Bool = false,
                      notes: (Transition) -> [String] = { _ in [] }) -> ExitStatus {
        let aborted = items.contains { $0.rolledBack }
        var results: [ActionResult] = []
        for item in items {
            switch item.result {
            case .success(let t) where item.rolledBack:
                results.append(ActionResult(id: item.id, outcome: .failed, status: t.from,
                                            error: MyGazError(.conflict, .notApplied, .entity(t.entity), .text(item.id))))
            case .success(let t):
                var human = out.texts.render(t.humanMessage)
                let extra = notes(t) + t.notes.map { out.texts.render($0) }
                if !extra.isEmpty { human += "; " + extra.joined(separator: "; ") }
                results.append(ActionResult(id: item.id, outcome: t.changed ? .changed : .unchanged, status: t.to,
                                            human: Message(.verbatim, [.text(human)]),
                                            extra: t.extra.map { ($0.0, Value.text($0.1)) } + (t.notified.map { [("notified", Value.bool($0))] } ?? [])
                                                + (dryRun ? [("dry_run", Value.bool(true))] : [])))
            case .failure(let error):
                results.append(ActionResult(id: item.id, outcome: .failed, status: nil, error: error))
            }
        }
        // what the clerk must still do by hand, whatever the format
        for item in items where !item.rolledBack && !dryRun {
            if case .success(let t) = item.result { t.warnings.forEach { out.warn($0) } }
        }
        // On a rolled-back batch, people see only the failures and why nothing happened.
        if out.isHuman && aborted {
            out.results(results.filter { item in items.contains { $0.id == item.id && !$0.isSuccess } })
            out.error(MyGazError(.conflict, .batchRolledBack))
        } else {
            out.results(results)
        }
        if dryRun { out.say(.dryRunNothingQueued) }
        return status(items)
    }

    /// One transition, reported like a batch of one.
    static func single(_ t: Transition, _ out: Output) -> ExitStatus {
        batch([BatchItem(id: t.id, result: .success(t))], out)
    }

    static func status<R>(_ items: [BatchItem<R>]) -> ExitStatus {
        let failures = items.compactMap { item -> MyGazError? in
            if case .failure(let e) = item.result { return e } else { return nil }
        }
        guard let first = failures.first else { return .success }
        let applied = items.contains { $0.isSuccess && !$0.rolledBack }
        return applied ? .partial : first.status
    }
}

/// Writing binary content out: to a new file, or to stdout when it is not a terminal.
enum FileOutput {
    static func write(_ bytes: [UInt8], to path: String?, _ inv: Invocation) throws {
        guard let path else {
            if inv.io.terminal.stdoutIsTTY { throw MyGazError.usage(.binaryToTerminal) }
            inv.io.stdout.write(bytes: bytes)
            return
        }
        let file = try NewFile(path, like: inv.globals.dbPath)
        try file.write(bytes)
        try file.commit()
        inv.out.say(.fileWritten, .text(path), .int(bytes.count))
    }
}


/// The deadline options of a list (issue 38, docs/deadlines.md): `--sort due`, `--overdue`,
/// `--due-within Nd`.
extension Opt {
    static let sortDue = OptionSpec(.sort, value: "due", L("due: the nearest deadline first", "due — сначала ближайший срок"), choices: ["due"])
    static let overdue = OptionSpec(.overdue, L("only those past their deadline", "только просроченные"))
    static let dueWithin = OptionSpec(.dueWithin, value: "Nd", L("only those due within N days (3d), the overdue included",
                                                               "только со сроком в ближайшие N дней (3d), включая просроченные"))
    static let deadlines = [sortDue, overdue, dueWithin]
}

extension Invocation {
    /// The deadlines a list computes, and the window and order its options ask for.
    func dueQuery() throws -> DueQuery {
        var q = try DueQuery.load(db, now: clock.now)
        if let within = try duration(.dueWithin) { q.dueBy = q.today.adding(days: Int(within / 86_400)) }
        if flag(.overdue) { q.dueBy = q.today.adding(days: -1) }
        q.sort = string(.sort) == "due"
        return q
    }

    /// Whether a list is asked for by its deadlines: a window or their order.
    var asksByDue: Bool { flag(.overdue) || string(.dueWithin) != nil || string(.sort) == "due" }
}
