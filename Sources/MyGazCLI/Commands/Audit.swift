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
            CommandSpec("verify", L("recompute the audit trail's hash chain and name the first row that does not fit",
                                    "пересчитать цепочку хешей журнала аудита и назвать первую строку, которая в нее не вписывается"),
                        discussion: L("Each audit row carries the SHA-256 of the row before it and of its own content (docs/schema.md states the form), and the chain's head its last place and hash: a row changed, deleted or slipped in afterwards, with sqlite3 or psql around the program, no longer fits. Exit 0 if the chain holds, 8 naming the first row that does not and what is wrong with it. With --since the chain is verified from the first row written that day on, starting from the stored hash of the row before it. db check verifies the whole chain too.",
                                      "Каждая строка журнала несет SHA-256 предыдущей строки и своего содержимого (форма описана в docs/schema.md), а вершина цепочки — последнее место и хеш: строка, измененная, удаленная или вставленная задним числом через sqlite3 или psql в обход программы, больше не вписывается. Код 0, если цепочка цела, 8 — с названием первой строки, которая не вписывается, и того, что с ней не так. С --since цепочка проверяется с первой строки, записанной в этот день, начиная с хранимого хеша строки перед ней. db check тоже проверяет всю цепочку."),
                        options: [Opt.since],
                        examples: [
                            Example("mygaz-admin audit verify", L("The whole chain: exit 0 if it holds, 8 if not.", "Вся цепочка: код 0, если она цела, иначе 8.")),
                            Example("mygaz-admin audit verify --since 7d", L("Only the last week's rows.", "Только строки за последнюю неделю.")),
                        ],
                        access: .admins, handler: verify),
        ])

    static func verify(_ inv: Invocation) throws -> ExitStatus {
        let since = try inv.moment(.since).map(Timestamp.iso)
        let chain = try AuditChain.verify(inv.db, since: since)
        let path = inv.globals.dbShown
        if inv.out.isHuman {
            if chain.ok {
                inv.out.say(.auditChainHolds, .text(path), .int(chain.rows), .text(chain.lastID.map(String.init) ?? "—"), .text(chain.lastHash ?? "—"))
            } else {
                inv.out.error(chain.error(database: path))
            }
        } else {
            let fault: Value = chain.fault.map { f in
                .object([("kind", .text(f.kind.rawValue)), ("id", .of(f.id)), ("after", .of(f.after)), ("count", .int(f.count)),
                         ("problem", .text(f.description))])
            } ?? .null
            inv.out.object([("path", .text(path)), ("ok", .bool(chain.ok)), ("since", .of(since)), ("rows", .int(Int64(chain.rows))),
                            ("first_id", .of(chain.firstID)), ("last_id", .of(chain.lastID)), ("last_hash", .of(chain.lastHash)),
                            ("fault", fault)], human: [])
        }
        return chain.ok ? .success : .database
    }

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
        filter.scope = try inv.session.rgkScope()
        var t = Table([
            Column("id", L("ID", "ID"), align: .right), Column("at", L("AT", "ВРЕМЯ")), Column("operator", L("OPERATOR", "ОПЕРАТОР")),
            Column("action", L("ACTION", "ДЕЙСТВИЕ"), cut: 10), Column("entity_type", L("ENTITY", "ОБЪЕКТ"), .machineOnly),
            Column("entity_id", L("ID", "ID"), .machineOnly), Column("entity", L("ENTITY", "ОБЪЕКТ"), .humanOnly, cut: 10),
            Column("old_value", L("OLD", "БЫЛО"), .machineOnly), Column("new_value", L("NEW", "СТАЛО"), .machineOnly),
            Column("change", L("CHANGE", "ИЗМЕНЕНИЕ"), .humanOnly, cut: 8), Column("reason", L("REASON", "ПРИЧИНА"), cut: 10),
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
