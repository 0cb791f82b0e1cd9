import Foundation
import MyGazCore

/// Decisions on many ids at once — the one rule for every bulk form (readings, applications,
/// users, tickets, PIN requests). `--dry-run` shows what they would do; on a terminal, a bulk
/// decision (more than one id, ids from stdin, `--all-…`) shows its plan and asks first, unless
/// `--yes`. Without a terminal nothing asks: scripts run as they always did.
enum Decisions {
    /// What a bulk decision will do, as the clerk reads it before saying yes.
    struct Plan {
        /// (decision, count): "rejected: 29"
        var decisions: [(MessageArg, Int)] = []
        /// The decisions broken down (a bulk rejection by reason).
        var details: [(MessageArg, Int)] = []
        var byRGK: [(String, Int)] = []
        var messages = 0
        var unreachable = 0
        var failures: [MyGazError] = []
    }

    /// Runs a decision on each id; with `--dry-run`, or first to show the plan, inside a
    /// transaction that is rolled back.
    /// The options every bulk decision takes with it.
    static let options = [Opt.dryRun, Opt.continueOnError, Opt.yes]

    static func run(_ inv: Invocation, ids: [String], argument: String = "ID", _ action: (String) throws -> Transition) throws -> ExitStatus {
        let continueOnError = inv.flag(.continueOnError)
        let bulk = ids.count > 1 || inv.arguments(argument).contains("-")
        if inv.flag(.dryRun) || mustAsk(inv, bulk: bulk) {
            let planned = try Batch.run(inv.db, ids: ids, continueOnError: continueOnError, dryRun: true, action)
            if inv.flag(.dryRun) { return Report.batch(planned, inv.out, dryRun: true) }
            // a batch that would change nothing, or fail as a whole, is reported as it is: nothing to ask
            let changes = planned.contains { if case .success(let t) = $0.result { return t.changed && !$0.rolledBack } else { return false } }
            guard changes else { return Report.batch(planned, inv.out) }
            guard try ask(inv, plan(of: planned)) else { return .success }
        }
        return Report.batch(try Batch.run(inv.db, ids: ids, continueOnError: continueOnError, action), inv.out)
    }

    /// A person is there to ask, and has not said yes already.
    static func mustAsk(_ inv: Invocation, bulk: Bool) -> Bool {
        bulk && !inv.flag(.yes) && !inv.flag(.dryRun) && inv.io.terminal.stderrIsTTY
    }

    static func plan(of items: [BatchItem<Transition>]) -> Plan {
        var plan = Plan()
        var decisions: [String: Int] = [:], order: [String] = [], rgks: [String: Int] = [:]
        var domain = CodeDomain.readingStatus
        for item in items {
            switch item.result {
            case .success(let t) where t.changed:
                domain = t.domain
                if decisions[t.to] == nil { order.append(t.to) }
                decisions[t.to, default: 0] += 1
                if let rgk = t.rgk { rgks[rgk, default: 0] += 1 }
                if t.notified == true { plan.messages += 1 }
                plan.unreachable += t.warnings.count
            case .success:
                break
            case .failure(let error):
                plan.failures.append(error)
            }
        }
        plan.decisions = order.map { (.code(domain, $0), decisions[$0]!) }
        plan.byRGK = rgks.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        return plan
    }

    /// Shows the plan on stderr and asks on the terminal; false (and a line saying so) when the
    /// clerk says no. A terminal that cannot be asked refuses the decision.
    static func ask(_ inv: Invocation, _ plan: Plan) throws -> Bool {
        let texts = inv.out.texts
        var lines = [texts.render(.bulkPlan, .text(inv.commandName))]
        for (decision, n) in plan.decisions { lines.append(texts.render(.countLine, decision, .int(n))) }
        for (detail, n) in plan.details { lines.append("  " + texts.render(.countLine, detail, .int(n))) }
        for (rgk, n) in plan.byRGK { lines.append(texts.render(.bulkPlanRGK, .text(rgk), .int(n))) }
        lines.append(texts.render(.bulkPlanMessages, .int(plan.messages)))
        if plan.unreachable > 0 { lines.append(texts.render(.bulkPlanUnreachable, .int(plan.unreachable))) }
        if !plan.failures.isEmpty {
            lines.append(texts.render(.bulkPlanFailures, .int(plan.failures.count)))
            lines += plan.failures.map { "    " + texts.render($0.message) }
        }
        inv.io.stderr.write(lines.joined(separator: "\n") + "\n")
        // what was said goes out before the question is asked on the terminal
        inv.io.stdout.flush()
        inv.io.stderr.flush()
        guard let answer = inv.io.prompter.ask(texts.render(.bulkQuestion) + YesNo.suffix(texts.lang)) else {
            throw MyGazError.usage(.bulkCannotAsk, .text(inv.commandName))
        }
        guard YesNo.isYes(answer) else {
            inv.out.warn(.bulkCancelled)
            return false
        }
        return true
    }
}
