import Foundation
import MyGazCore

/// `db`: check, backup, stats, migrate.
enum DBCommands {

    static let spec = CommandSpec(
        "db", L("database upkeep: check, repair logins, backup, stats, migrate", "обслуживание базы: проверка, исправление логинов, копия, статистика, миграция"),
        subcommands: [
            CommandSpec("check", L("check the schema against this version's, the queue counts, the audit trail's hash chain, and on SQLite integrity, foreign keys and file permissions; list logins and contacts stored in another spelling",
                                   "сверить схему со схемой этой версии, счетчики очередей и цепочку хешей журнала аудита, а для SQLite — целостность, внешние ключи и права на файл; перечислить логины и контакты не в единой форме"),
                        discussion: L("On PostgreSQL the server keeps its pages and foreign keys itself; the schema is compared with one made from this version's script in a scratch schema that is rolled back, which needs the right to create a schema in the database. The audit trail's hash chain is recomputed whole and the first row that does not fit is named (audit verify does this alone).",
                                      "В PostgreSQL страницы и внешние ключи проверяет сам сервер; схема сравнивается со схемой из сценария этой версии, созданной во временной схеме и откаченной, для чего нужно право создавать схемы в базе. Цепочка хешей журнала аудита пересчитывается целиком, и первая строка, которая в нее не вписывается, называется (audit verify делает только это)."),
                        options: [OptionSpec(.quick, L("SQLite: quick_check instead of the full integrity_check", "SQLite: quick_check вместо полной integrity_check"))],
                        examples: [Example("mygaz-admin db check", L("Exit 0 if sound, 8 if not.", "Код 0, если все в порядке, иначе 8."))],
                        access: .admins, handler: check),
            CommandSpec("repair-logins", L("put the logins, e-mails and phones the portal stored in a spelling of its own into the normal form",
                                           "привести логины, e-mail и телефоны, записанные порталом не в единой форме, к единой форме"),
                        discussion: L("89115550011 becomes +79115550011 and Ivan@Mail.RU ivan@mail.ru, each change audited; a login whose normal form another user already has, or a value that is neither a mobile number nor an e-mail, is listed for a person to decide. db check lists the same rows.",
                                      "89115550011 становится +79115550011, Ivan@Mail.RU — ivan@mail.ru, каждое изменение записывается в журнал; логин, единая форма которого уже занята другим пользователем, и значение, не являющееся ни номером мобильного, ни e-mail, перечисляются для решения человеком. db check показывает те же записи."),
                        options: [Opt.dryRun],
                        examples: [Example("mygaz-admin db repair-logins --dry-run", L("See what would change.", "Посмотреть, что изменится."))],
                        access: .admins, handler: repairLogins),
            CommandSpec("recount", L("count the queues anew (status reads counts the schema's triggers keep)",
                                     "пересчитать очереди заново (status читает счетчики, которые ведут триггеры схемы)"),
                        discussion: L("Every writer keeps the counts true through the schema's triggers; db check compares them with the tables. A count can only go wrong if the triggers were dropped or the table was changed with them off: this counts every queue again, in one transaction.",
                                      "Счетчики поддерживает каждый, кто пишет в базу, через триггеры схемы; db check сверяет их с таблицами. Счетчик может разойтись, только если триггеры удаляли или таблицу меняли в обход них: команда пересчитывает все очереди в одной транзакции."),
                        access: .admins, handler: recount),
            CommandSpec("backup", L("copy the database to FILE while others keep working", "скопировать базу в FILE, не мешая работе"),
                        arguments: [ArgumentSpec("FILE", L("the new backup file (must not exist)", "новый файл копии (не должен существовать)"), completion: .file)],
                        examples: [Example("mygaz-admin db backup /backup/mygaz-$(date +%F).db", L("A consistent online copy.", "Согласованная копия без остановки работы."))],
                        access: .admins, handler: backup),
            CommandSpec("stats", L("rows per table, the database's size and the engine's version; on SQLite the WAL and pages too",
                                   "число строк в таблицах, размер базы и версия СУБД; для SQLite также WAL и страницы"),
                        access: .admins, handler: stats),
            CommandSpec("migrate", L("upgrade the schema to this program's version", "обновить схему до версии программы"),
                        access: .opensItself, handler: { try InitCommands.initialise($0, migrateOnly: false) }),
        ])

    static func check(_ inv: Invocation) throws -> ExitStatus {
        let db = inv.session.db
        let report = try Maintenance.check(db, quick: inv.flag(.quick))
        let path = inv.globals.dbShown
        // a server's files are the server's
        if db is Database { for warning in SharedAccess.permissionWarnings(path: path) { inv.out.warn(warning) } }
        if inv.out.isHuman {
            for stray in report.strays.prefix(20) { inv.out.warn(strayMessage(stray)) }
            if report.strays.count > 20 { inv.out.warn(.spellingsMore, .int(report.strays.count - 20)) }
            if report.ok {
                inv.out.say(db is Database ? .checkOK : .checkOKServer, .text(path), .int(report.schemaVersion))
            } else {
                let chainFault = report.auditChain?.fault
                for problem in report.problems.prefix(20) where problem != chainFault?.description {
                    inv.out.error(MyGazError(.database, .checkFailed, .text(path), .text(problem)))
                }
                if let chain = report.auditChain, chainFault != nil { inv.out.error(chain.error(database: path)) }
            }
        } else {
            inv.out.object([("path", .text(path)), ("ok", .bool(report.ok)), ("schema_version", .int(Int64(report.schemaVersion))),
                            ("problems", .array(report.problems.map(Value.text))),
                            ("unnormalised", .array(report.strays.map { .object(strayFields($0)) }))], human: [])
        }
        return report.ok ? .success : .database
    }

    static func backup(_ inv: Invocation) throws -> ExitStatus {
        let target = inv.argument("FILE")!
        // a server's database is copied by the server's own tools, consistently and while others work
        if !(inv.session.db is Database) { throw MyGazError.usage(.backupServerTool, .text(inv.session.db.path)) }
        let pages = try Maintenance.backup(try inv.session.sqlite(for: "db backup"), to: target)
        inv.out.object([("source", .text(inv.globals.dbShown)), ("backup", .text(target)), ("pages", .int(Int64(pages)))],
                       human: [Message(.backupWritten, [.text(inv.globals.dbShown), .text(target), .int(pages)])])
        return .success
    }

    static func stats(_ inv: Invocation) throws -> ExitStatus {
        let s = try Maintenance.stats(inv.session.db)
        var tables = Table([Column("table", L("TABLE", "ТАБЛИЦА")), Column("rows", L("ROWS", "СТРОК"), align: .right)])
        for (name, rows) in s.rows { tables.append([Cell(.text(name)), Cell(.int(Int64(rows)), display: Format.grouped(Int64(rows), inv.out.lang))]) }
        var record = Record()
        let file = s.engine == "sqlite"
        record.field("path", file ? L("File", "Файл") : L("Database", "База"), .text(inv.globals.dbShown))
        record.field("engine", L("Engine", "СУБД"), .text(s.engine), display: file ? "SQLite" : "PostgreSQL")
        record.field("engine_version", file ? L("SQLite version", "Версия SQLite") : L("Server version", "Версия сервера"), .text(s.engineVersion))
        record.field("schema_version", L("Schema version", "Версия схемы"), .int(Int64(s.schemaVersion)))
        record.field("file_bytes", file ? L("File size", "Размер файла") : L("Database size", "Размер базы"), .int(s.databaseBytes),
                     display: Format.bytes(s.databaseBytes, inv.out.lang))
        // SQLite's alone: left out for people, null for machines on a server
        record.field("wal_bytes", L("WAL size", "Размер WAL"), .of(s.walBytes), display: s.walBytes.map { Format.bytes($0, inv.out.lang) },
                     hiddenWhenNull: true)
        record.field("page_size", L("Page size", "Размер страницы"), .of(s.pageSize), hiddenWhenNull: true)
        record.field("free_pages", L("Free pages", "Свободных страниц"), .of(s.freePages), hiddenWhenNull: true)
        record.section("tables", L("Rows per table", "Строк в таблицах"), tables)
        inv.out.record(record)
        return .success
    }

    static func repairLogins(_ inv: Invocation) throws -> ExitStatus {
        let dryRun = inv.flag(.dryRun)
        let strays = try Spellings.repair(inv.session, dryRun: dryRun)
        let repairable = strays.filter { $0.fate == .repairable }
        if inv.out.isHuman {
            for stray in strays {
                if stray.fate == .repairable {
                    inv.out.sayText((dryRun ? "~ " : "✓ ") + inv.out.texts.render(strayMessage(stray, asChange: true)))
                } else {
                    inv.out.warn(strayMessage(stray))
                }
            }
            if strays.isEmpty {
                inv.out.say(.spellingsNone)
            } else {
                inv.out.say(dryRun ? .spellingsDryRun : .spellingsRepaired, .int(repairable.count), .int(strays.count - repairable.count))
            }
        } else {
            inv.out.object([("dry_run", .bool(dryRun)), ("repaired", .int(Int64(dryRun ? 0 : repairable.count))),
                            ("unnormalised", .array(strays.map { .object(strayFields($0)) }))], human: [])
        }
        return .success
    }

    /// What `db check` says of a stray spelling, or (`asChange`) what `db repair-logins` does to it.
    static func strayMessage(_ s: Spellings.Stray, asChange: Bool = false) -> Message {
        let head: [MessageArg] = [.text(String(s.userID)), .code(.userField, s.field.rawValue), .text(s.stored)]
        switch s.fate {
        case .repairable: return Message(asChange ? .spellingRepaired : .spellingRepairable, head + [.text(Contact.written(s.normal ?? ""))])
        case .taken(let other): return Message(.spellingTaken, head + [.text(Contact.written(s.normal ?? "")), .text(String(other))])
        case .notAContact: return Message(.spellingNotAContact, head)
        }
    }

    static func strayFields(_ s: Spellings.Stray) -> [(String, Value)] {
        let fate: String, other: Int64?
        switch s.fate {
        case .repairable: (fate, other) = ("repairable", nil)
        case .taken(let by): (fate, other) = ("taken", by)
        case .notAContact: (fate, other) = ("not_a_contact", nil)
        }
        return [("user_id", .int(s.userID)), ("field", .text(s.field.rawValue)), ("stored", .text(s.stored)),
                ("normal", .of(s.normal)), ("fate", .text(fate)), ("taken_by", other.map(Value.int) ?? .null)]
    }

    static func recount(_ inv: Invocation) throws -> ExitStatus {
        let wrong = try QueueCounters.recountAll(inv.session)
        inv.out.object([("corrected", .int(Int64(wrong)))], human: [Message(.queuesRecounted, [.int(wrong)])])
        return .success
    }
}
