import Foundation
import MyGazCore

/// `audit`: who changed what, when and why.
enum AuditCommands {

    static let spec = CommandSpec(
        "audit", L("the audit trail: who changed what, when, and why", "журнал аудита: кто, что, когда и почему изменил"),
        subcommands: [
            CommandSpec("list", L("list audit rows, newest first", "строки журнала, новые сверху"),
                        options: [
                            Opt.since, Opt.until,
                            OptionSpec(.operator, value: "LOGIN", L("only this operator", "только этот оператор"), completion: .live(.operatorLogin)),
                            OptionSpec(.entity, value: "TYPE[:ID]", L("only this kind of entity, or one entity (application:512)",
                                                                       "только этот вид объектов или один объект (application:512)"),
                                       completion: .values(Entity.allCases.map(\.rawValue))),
                            OptionSpec(.action, value: "ACTION", L("only this action (reading.accept) or group (reading)",
                                                                    "только это действие (reading.accept) или группа (reading)")),
                            Opt.limit,
                        ],
                        examples: [
                            Example("mygaz-admin audit list --entity application:2", L("Everything done to application 512.", "Все, что делали с заявкой 512.")),
                            Example("mygaz-admin audit list --operator ivanova --since 7d", L("A week of ivanova's work.", "Неделя работы ivanova.")),
                        ],
                        access: .everyone, handler: listAudit),
        ])

    static func listAudit(_ inv: Invocation) throws -> ExitStatus {
        var filter = AuditFilter()
        filter.since = try inv.moment(.since)
        filter.until = try inv.moment(.until)
        filter.operatorLogin = inv.string(.operator)
        if let entity = inv.string(.entity) {
            let parts = entity.split(separator: ":", maxSplits: 1).map(String.init)
            guard let type = parts.first, Entity(rawValue: type) != nil else {
                throw MyGazError.usage(.badChoice, "--entity", .text(entity), .text(Entity.allCases.map(\.rawValue).joined(separator: ", ")))
            }
            filter.entityType = type
            filter.entityID = parts.count > 1 ? parts[1] : nil
        }
        filter.action = inv.string(.action)
        filter.limit = try inv.limit()
        var t = Table([
            Column("id", L("ID", "ID"), align: .right), Column("at", L("AT", "ВРЕМЯ")), Column("operator", L("OPERATOR", "ОПЕРАТОР")),
            Column("action", L("ACTION", "ДЕЙСТВИЕ")), Column("entity_type", L("ENTITY", "ОБЪЕКТ"), .machineOnly),
            Column("entity_id", L("ID", "ID"), .machineOnly), Column("entity", L("ENTITY", "ОБЪЕКТ"), .humanOnly),
            Column("old_value", L("OLD", "БЫЛО"), .machineOnly), Column("new_value", L("NEW", "СТАЛО"), .machineOnly),
            Column("change", L("CHANGE", "ИЗМЕНЕНИЕ"), .humanOnly), Column("reason", L("REASON", "ПРИЧИНА")),
            Column("reason_code", L("NOTE", "ОТМЕТКА"), .machineOnly), Column("reason_args", L("NOTE ARGUMENTS", "ПАРАМЕТРЫ ОТМЕТКИ"), .machineOnly),
        ])
        let texts = inv.out.texts
        for e in try AuditLog.list(inv.db, filter) {
            let noun = Entity(rawValue: e.entityType).map { Catalog.noun($0, inv.out.lang) } ?? e.entityType
            t.append([Cell(.int(e.id)), Cell(.text(e.at), display: Timestamp.display(e.at)), Cell(.text(e.operatorLogin)),
                      Cell(.text(e.action)), Cell(.text(e.entityType)), Cell(.of(e.entityID)),
                      Cell(.text(noun + (e.entityID.map { " " + $0 } ?? "")))] + AuditView.details(e, texts))
        }
        inv.out.table(t)
        return .success
    }
}
