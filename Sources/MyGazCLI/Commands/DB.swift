import Foundation
import MyGazCore

/// `db`: check, backup, stats, migrate.
enum DBCommands {

    static let spec = CommandSpec(
        "db", L("database upkeep: check, backup, stats, migrate", "обслуживание базы: проверка, копия, статистика, миграция"),
        subcommands: [
            CommandSpec("check", L("check integrity, foreign keys, schema version and file permissions",
                                   "проверить целостность, внешние ключи, версию схемы и права на файл"),
                        options: [OptionSpec(.quick, L("quick_check instead of the full integrity_check", "quick_check вместо полной integrity_check"))],
                        examples: [Example("mygaz-admin db check", L("Exit 0 if sound, 8 if not.", "Код 0, если все в порядке, иначе 8."))],
                        access: .admins, handler: check),
            CommandSpec("backup", L("copy the database to FILE while others keep working", "скопировать базу в FILE, не мешая работе"),
                        arguments: [ArgumentSpec("FILE", L("the new backup file (must not exist)", "новый файл копии (не должен существовать)"), completion: .file)],
                        examples: [Example("mygaz-admin db backup /backup/mygaz-$(date +%F).db", L("A consistent online copy.", "Согласованная копия без остановки работы."))],
                        access: .admins, handler: backup),
            CommandSpec("stats", L("rows per table, file and WAL size", "число строк в таблицах, размер файла и WAL"),
                        access: .admins, handler: stats),
            CommandSpec("migrate", L("upgrade the schema to this program's version", "обновить схему до версии программы"),
                        access: .opensItself, handler: { try InitCommands.initialise($0, migrateOnly: false) }),
        ])

    static func check(_ inv: Invocation) throws -> ExitStatus {
        let report = try Maintenance.check(inv.session.database, quick: inv.flag(.quick))
        let path = inv.globals.dbPath
        for warning in SharedAccess.permissionWarnings(path: path) { inv.out.warn(warning) }
        if inv.out.isHuman {
            if report.ok {
                inv.out.say(.checkOK, .text(path), .int(report.schemaVersion))
            } else {
                for problem in report.problems.prefix(20) { inv.out.error(MyGazError(.database, .checkFailed, .text(path), .text(problem))) }
            }
        } else {
            inv.out.object([("path", .text(path)), ("ok", .bool(report.ok)), ("schema_version", .int(Int64(report.schemaVersion))),
                            ("problems", .array(report.problems.map(Value.text)))], human: [])
        }
        return report.ok ? .success : .database
    }

    static func backup(_ inv: Invocation) throws -> ExitStatus {
        let target = inv.argument("FILE")!
        let pages = try Maintenance.backup(inv.session.database, to: target)
        inv.out.object([("source", .text(inv.globals.dbPath)), ("backup", .text(target)), ("pages", .int(Int64(pages)))],
                       human: [Message(.backupWritten, [.text(inv.globals.dbPath), .text(target), .int(pages)])])
        return .success
    }

    static func stats(_ inv: Invocation) throws -> ExitStatus {
        let s = try Maintenance.stats(inv.session.database)
        var tables = Table([Column("table", L("TABLE", "ТАБЛИЦА")), Column("rows", L("ROWS", "СТРОК"), align: .right)])
        for (name, rows) in s.rows { tables.append([Cell(.text(name)), Cell(.int(Int64(rows)), display: Format.grouped(Int64(rows), inv.out.lang))]) }
        var record = Record()
        record.field("path", L("File", "Файл"), .text(inv.globals.dbPath))
        record.field("schema_version", L("Schema version", "Версия схемы"), .int(Int64(s.schemaVersion)))
        record.field("file_bytes", L("File size", "Размер файла"), .int(s.fileBytes), display: Format.bytes(s.fileBytes, inv.out.lang))
        record.field("wal_bytes", L("WAL size", "Размер WAL"), .int(s.walBytes), display: Format.bytes(s.walBytes, inv.out.lang))
        record.field("page_size", L("Page size", "Размер страницы"), .int(Int64(s.pageSize)))
        record.field("free_pages", L("Free pages", "Свободных страниц"), .int(Int64(s.freePages)))
        record.section("tables", L("Rows per table", "Строк в таблицах"), tables)
        inv.out.record(record)
        return .success
    }

}
