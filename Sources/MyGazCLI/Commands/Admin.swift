import Foundation
import MyGazCore

/// init, status, db, operator, audit: the ground every clerk stands on.
enum AdminCommands {
    static let initCommand = CommandSpec(
        "init", L("create the database, or upgrade it to this program's schema", "создать базу или обновить ее схему до версии программы"),
        discussion: L("Creates the file (WAL mode, schema version \(Schema.currentVersion)) and registers you, the OS login running it, as its first admin. On an existing database it applies pending migrations or says it is up to date; running it again changes nothing.",
                      "Создает файл (режим WAL, версия схемы \(Schema.currentVersion)) и регистрирует вас — пользователя ОС, запустившего команду, — первым администратором. Для существующей базы применяет недостающие миграции или сообщает, что база актуальна; повторный запуск ничего не меняет."),
        options: [
            OptionSpec("group", value: "GROUP", L("share the database with the OS group GROUP (setgid directory, no access for others)",
                                                  "открыть базу группе ОС GROUP (каталог setgid, посторонним доступа нет)"), completion: .osGroup),
        ],
        examples: [
            Example("mygaz-admin init --db /srv/mygaz/mygaz.db", L("Create the shared database.", "Создать общую базу.")),
            Example("sudo -u abon mygaz-admin init --db /srv/mygaz/mygaz.db --group mygaz",
                    L("Create it for every member of the group mygaz.", "Создать базу для всех участников группы mygaz.")),
        ],
        access: .opensItself,
        handler: { try initialise($0, migrateOnly: false) })

    static func initialise(_ inv: Invocation, migrateOnly: Bool) throws -> ExitStatus {
        guard let login = inv.io.login else { throw MyGazError(.permission, .noOSLogin, .int(Int(OSLogin.effectiveUID))) }
        let path = inv.globals.dbPath
        let group = inv.string("group")
        if let group { try SharedAccess.prepare(path: path, group: group) } else { SharedAccess.restrictNewFiles() }
        let db = try DatabaseFile.open(path: path, purpose: migrateOnly ? .use : .initialise, busyTimeoutMs: inv.globals.busyTimeoutMs)
        let session = Session(db: db, login: login, clock: inv.clock)
        let before = try DatabaseFile.state(of: db)
        if before != .empty {
            // upgrading an existing database is an admin's job
            if case .older = before { try session.require([.admin], command: inv.commandName) }
        }
        let (from, to) = try DatabaseFile.migrate(db)
        try Operators.bootstrap(session)
        if let group { try SharedAccess.apply(path: path, group: group) }
        let action = before == .empty ? "created" : (from == to ? "unchanged" : "migrated")
        var messages: [Message] = []
        switch action {
        case "created": messages.append(Message(.databaseCreated, [.text(path), .int(to), .text(login)]))
        case "migrated": messages.append(Message(.databaseMigrated, [.text(path), .int(from), .int(to)]))
        default: messages.append(Message(.databaseUpToDate, [.text(path), .int(to)]))
        }
        if let group { messages.append(Message(.databaseGroupShared, [.text(path), .text(group)])) }
        inv.out.object([("path", .text(path)), ("action", .text(action)), ("schema_version", .int(Int64(to))),
                        ("from_version", .int(Int64(from))), ("group", .of(group))], human: messages)
        return .success
    }

    // MARK: status

    static let status = CommandSpec(
        "status", L("the queue dashboard: what waits for the back office", "сводка очередей: что ждет абонентский отдел"),
        examples: [Example("mygaz-admin status", L("What is waiting, per queue and per RGK.", "Что ждет обработки — по очередям и по РГК."))],
        handler: showStatus)

    static func showStatus(_ inv: Invocation) throws -> ExitStatus {
        let d = try Dashboard.load(inv.db)
        inv.out.record(statusRecord(d, now: inv.clock.now, lang: inv.out.lang))
        return .success
    }

    static func statusRecord(_ d: Dashboard, now: Int64, lang: Lang) -> Record {
        let names: [String: (L, String)] = [
            "readings_pending": (L("Pending readings", "Показания в обработке"), "reading list"),
            "applications_open": (L("Open applications", "Открытые заявки"), "application list"),
            "tickets_open": (L("Open tickets", "Открытые обращения"), "ticket list"),
            "pin_requests_open": (L("Open PIN requests", "Запросы ПИН-кода"), "pin requests"),
            "users_unconfirmed": (L("Unconfirmed registrations", "Неподтвержденные регистрации"), "user list --status pending"),
            "outbox_waiting": (L("Messages waiting", "Сообщения к отправке"), "outbox send"),
            "outbox_failed": (L("Messages failed", "Недоставленные сообщения"), "outbox list --status failed"),
        ]
        var queues = Table([
            Column("queue", L("QUEUE", "ОЧЕРЕДЬ")),
            Column("count", L("COUNT", "ЧИСЛО"), align: .right),
            Column("oldest", L("OLDEST", "САМОЕ СТАРОЕ")),
            Column("age", L("AGE", "ВОЗРАСТ"), align: .right, .humanOnly),
            Column("command", L("SEE", "КОМАНДА"), .humanOnly),
        ])
        for q in d.queues {
            let name = names[q.key]
            let age = q.oldest.flatMap(Timestamp.parse).map { Timestamp.age(seconds: now - $0) } ?? ""
            let busy = q.count > 0
            queues.append([
                Cell(.text(q.key), display: name?.0(lang) ?? q.key),
                Cell(.int(Int64(q.count)), display: Format.grouped(Int64(q.count)),
                     style: busy ? (q.key == "outbox_failed" ? .red : .yellow) : .plain),
                Cell(.of(q.oldest), display: Timestamp.display(q.oldest)),
                Cell(.text(age)),
                Cell(.text(busy ? "mygaz-admin " + (name?.1 ?? "") : "")),
            ])
        }
        var apps = Table([Column("status", L("STATUS", "СОСТОЯНИЕ")), Column("label", L("LABEL", "НАЗВАНИЕ"), .humanOnly),
                          Column("count", L("COUNT", "ЧИСЛО"), align: .right)])
        for (status, count) in d.applicationsByStatus {
            apps.append([Cell(.text(status)), Cell(.text(Labels.label(.applicationStatus, status, lang))),
                         Cell(.int(Int64(count)), display: Format.grouped(Int64(count)))])
        }
        var rgks = Table([
            Column("rgk", L("RGK", "РГК")), Column("name", L("NAME", "НАИМЕНОВАНИЕ")),
            Column("readings_pending", L("READINGS", "ПОКАЗАНИЯ"), align: .right),
            Column("applications_open", L("APPLICATIONS", "ЗАЯВКИ"), align: .right),
            Column("tickets_open", L("TICKETS", "ОБРАЩЕНИЯ"), align: .right),
            Column("pin_requests_open", L("PIN REQUESTS", "ЗАПРОСЫ ПИН"), align: .right),
        ])
        for r in d.perRGK {
            rgks.append([Cell(.text(r.code)), Cell(.text(r.name)),
                         count(r.pendingReadings), count(r.openApplications), count(r.openTickets), count(r.openPinRequests)])
        }
        var imports = Table([
            Column("id", L("BATCH", "ЗАГРУЗКА"), align: .right), Column("rgk", L("RGK", "РГК")), Column("kind", L("KIND", "ВИД")),
            Column("status", L("STATUS", "СОСТОЯНИЕ")), Column("started_at", L("STARTED", "НАЧАЛО")),
            Column("rows", L("ROWS", "СТРОК"), align: .right), Column("file", L("FILE", "ФАЙЛ")),
        ])
        for i in d.imports {
            imports.append([Cell(.int(i.id)), Cell(.of(i.rgk)), Cell(.text(i.kind)),
                            Cell(.text(i.status), display: Labels.label(.importStatus, i.status, lang),
                                 style: i.status == "completed" ? .plain : (i.status == "running" ? .cyan : .red)),
                            Cell(.text(i.startedAt), display: Timestamp.display(i.startedAt)),
                            count(i.rowsRead), Cell(.text(i.fileName))])
        }
        var record = Record()
        record.section("queues", L("Queues", "Очереди"), queues)
        record.section("applications", L("Applications by status", "Заявки по состояниям"), apps)
        record.section("rgk", L("By RGK", "По РГК"), rgks)
        record.section("imports", L("Last imports", "Последние загрузки"), imports)
        return record
    }

    static func count(_ n: Int) -> Cell {
        Cell(.int(Int64(n)), display: n == 0 ? "—" : Format.grouped(Int64(n)), style: n == 0 ? .dim : .plain)
    }

    // MARK: db

    static let db = CommandSpec(
        "db", L("database upkeep: check, backup, stats, migrate", "обслуживание базы: проверка, копия, статистика, миграция"),
        subcommands: [
            CommandSpec("check", L("check integrity, foreign keys, schema version and file permissions",
                                   "проверить целостность, внешние ключи, версию схемы и права на файл"),
                        options: [OptionSpec("quick", L("quick_check instead of the full integrity_check", "quick_check вместо полной integrity_check"))],
                        examples: [Example("mygaz-admin db check", L("Exit 0 if sound, 8 if not.", "Код 0, если все в порядке, иначе 8."))],
                        access: .admins, handler: check),
            CommandSpec("backup", L("copy the database to FILE while others keep working", "скопировать базу в FILE, не мешая работе"),
                        arguments: [ArgumentSpec("FILE", L("the new backup file (must not exist)", "новый файл копии (не должен существовать)"), completion: .file)],
                        examples: [Example("mygaz-admin db backup /backup/mygaz-$(date +%F).db", L("A consistent online copy.", "Согласованная копия без остановки работы."))],
                        access: .admins, handler: backup),
            CommandSpec("stats", L("rows per table, file and WAL size", "число строк в таблицах, размер файла и WAL"),
                        access: .admins, handler: stats),
            CommandSpec("migrate", L("upgrade the schema to this program's version", "обновить схему до версии программы"),
                        access: .opensItself, handler: { try initialise($0, migrateOnly: false) }),
        ])

    static func check(_ inv: Invocation) throws -> ExitStatus {
        let report = try Maintenance.check(inv.db, quick: inv.flag("quick"))
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
        let pages = try Maintenance.backup(inv.db, to: target)
        inv.out.object([("source", .text(inv.globals.dbPath)), ("backup", .text(target)), ("pages", .int(Int64(pages)))],
                       human: [Message(.backupWritten, [.text(inv.globals.dbPath), .text(target), .int(pages)])])
        return .success
    }

    static func stats(_ inv: Invocation) throws -> ExitStatus {
        let s = try Maintenance.stats(inv.db)
        var tables = Table([Column("table", L("TABLE", "ТАБЛИЦА")), Column("rows", L("ROWS", "СТРОК"), align: .right)])
        for (name, rows) in s.rows { tables.append([Cell(.text(name)), Cell(.int(Int64(rows)), display: Format.grouped(Int64(rows)))]) }
        var record = Record()
        record.field("path", L("File", "Файл"), .text(inv.globals.dbPath))
        record.field("schema_version", L("Schema version", "Версия схемы"), .int(Int64(s.schemaVersion)))
        record.field("file_bytes", L("File size", "Размер файла"), .int(s.fileBytes), display: bytes(s.fileBytes))
        record.field("wal_bytes", L("WAL size", "Размер WAL"), .int(s.walBytes), display: bytes(s.walBytes))
        record.field("page_size", L("Page size", "Размер страницы"), .int(Int64(s.pageSize)))
        record.field("free_pages", L("Free pages", "Свободных страниц"), .int(Int64(s.freePages)))
        record.section("tables", L("Rows per table", "Строк в таблицах"), tables)
        inv.out.record(record)
        return .success
    }

    static func bytes(_ n: Int64) -> String {
        if n < 10 * 1024 { return "\(n) B" }
        if n < 10 * 1024 * 1024 { return "\(n / 1024) KiB" }
        return "\(n / 1024 / 1024) MiB"
    }

    // MARK: operator

    static let operatorCommand = CommandSpec(
        "operator", L("who may work the database, and in which role", "кто может работать с базой и в какой роли"),
        discussion: L("An operator is an OS login (like psql's peer authentication): nobody chooses who they are with a flag. Roles: clerk (readings, applications, PINs, users), support (tickets, FAQ, user repair), admin (everything, including import, export, operators and db).",
                      "Оператор — это пользователь ОС (как peer-аутентификация psql): выбрать себя параметром нельзя. Роли: clerk (показания, заявки, ПИН-коды, пользователи), support (обращения, FAQ, исправление учетных записей), admin (все, включая загрузку, выгрузку, операторов и db)."),
        subcommands: [
            CommandSpec("list", L("list the operators", "список операторов"),
                        options: [OptionSpec("role", value: "ROLE", L("only this role", "только эта роль"), choices: Role.allCases.map(\.rawValue))],
                        handler: listOperators),
            CommandSpec("add", L("register an OS login as an operator", "зарегистрировать пользователя ОС как оператора"),
                        arguments: [ArgumentSpec("LOGIN", L("the OS login", "имя пользователя ОС"), completion: .osUser)],
                        options: [
                            OptionSpec("role", value: "ROLE", L("required: clerk, support or admin", "обязательно: clerk, support или admin"),
                                       choices: Role.allCases.map(\.rawValue)),
                            OptionSpec("name", value: "TEXT", L("the operator's full name", "ФИО оператора")),
                        ],
                        examples: [Example("mygaz-admin operator add ivanova --role clerk --name 'Иванова А. П.'",
                                           L("Let the clerk ivanova work.", "Допустить к работе сотрудника ivanova."))],
                        access: .admins, handler: addOperator),
            CommandSpec("set-role", L("change an operator's role", "изменить роль оператора"),
                        arguments: [ArgumentSpec("LOGIN", L("the operator", "оператор"), completion: .live(.operatorLogin)),
                                    ArgumentSpec("ROLE", L("clerk, support or admin", "clerk, support или admin"), completion: .values(Role.allCases.map(\.rawValue)))],
                        access: .admins, handler: setRole),
            CommandSpec("remove", L("take an operator's access away", "лишить оператора доступа"),
                        arguments: [ArgumentSpec("LOGIN", L("the operator", "оператор"), completion: .live(.operatorLogin))],
                        options: [Opt.yes],
                        access: .admins, handler: removeOperator),
        ])

    static func listOperators(_ inv: Invocation) throws -> ExitStatus {
        let role = try inv.choice("role", as: Role.self)
        var t = Table([Column("login", L("LOGIN", "ЛОГИН")), Column("role", L("ROLE", "РОЛЬ")), Column("name", L("NAME", "ФИО")),
                       Column("created_at", L("ADDED", "ДОБАВЛЕН")), Column("created_by", L("BY", "КЕМ"))])
        for o in try Operators.list(inv.db, role: role) {
            t.append([Cell(.text(o.login), style: o.login == inv.session.login ? .bold : .plain),
                      Cell(.text(o.role.rawValue)), Cell(.of(o.fullName)),
                      Cell(.text(o.createdAt), display: Timestamp.display(o.createdAt)), Cell(.text(o.createdBy))])
        }
        inv.out.table(t)
        return .success
    }

    static func addOperator(_ inv: Invocation) throws -> ExitStatus {
        let login = inv.argument("LOGIN")!
        guard let role = try inv.choice("role", as: Role.self) else {
            throw MyGazError.usage(.optionRequires, .text(inv.commandName), "--role")
        }
        let outcome = try Operators.add(inv.session, login: login, role: role, fullName: try inv.text("name"))
        if !OSLogin.exists(login) { inv.out.warn(.operatorNotOSLogin, .text(login)) }
        let human = outcome == .changed ? Message(.operatorAdded, [.text(login), .code(.role, role.rawValue)])
                                        : Message(.unchanged, [.entity(.operator), .text(login), .code(.role, role.rawValue)])
        inv.out.results([ActionResult(id: login, outcome: outcome == .changed ? .changed : .unchanged, status: role.rawValue, human: human)])
        return .success
    }

    static func setRole(_ inv: Invocation) throws -> ExitStatus {
        let login = inv.argument("LOGIN")!
        let text = inv.argument("ROLE")!
        guard let role = Role(rawValue: text) else {
            throw MyGazError.usage(.badChoice, "ROLE", .text(text), .text(Role.allCases.map(\.rawValue).joined(separator: ", ")))
        }
        let (old, outcome) = try Operators.setRole(inv.session, login: login, role: role)
        let human = outcome == .changed ? Message(.operatorRoleChanged, [.text(login), .code(.role, old.rawValue), .code(.role, role.rawValue)])
                                        : Message(.unchanged, [.entity(.operator), .text(login), .code(.role, role.rawValue)])
        inv.out.results([ActionResult(id: login, outcome: outcome == .changed ? .changed : .unchanged, status: role.rawValue, human: human)])
        return .success
    }

    static func removeOperator(_ inv: Invocation) throws -> ExitStatus {
        let login = inv.argument("LOGIN")!
        guard try Operators.find(inv.db, login) != nil else { throw MyGazError.notFound(.operator, login) }
        guard try inv.confirm(inv.out.texts.render(.confirmRemoveOperator, .text(login))) else { return .success }
        let removed = try Operators.remove(inv.session, login: login)
        inv.out.results([ActionResult(id: login, outcome: .changed, status: nil, human: Message(.operatorRemoved, [.text(removed.login)]))])
        return .success
    }

    // MARK: audit

    static let audit = CommandSpec(
        "audit", L("the audit trail: who changed what, when, and why", "журнал аудита: кто, что, когда и почему изменил"),
        subcommands: [
            CommandSpec("list", L("list audit rows, newest first", "строки журнала, новые сверху"),
                        options: [
                            Opt.since, Opt.until,
                            OptionSpec("operator", value: "LOGIN", L("only this operator", "только этот оператор"), completion: .live(.operatorLogin)),
                            OptionSpec("entity", value: "TYPE[:ID]", L("only this kind of entity, or one entity (application:512)",
                                                                       "только этот вид объектов или один объект (application:512)"),
                                       completion: .values(Entity.allCases.map(\.rawValue))),
                            OptionSpec("action", value: "ACTION", L("only this action (reading.accept) or group (reading)",
                                                                    "только это действие (reading.accept) или группа (reading)")),
                            Opt.limit,
                        ],
                        examples: [
                            Example("mygaz-admin audit list --entity application:512", L("Everything done to application 512.", "Все, что делали с заявкой 512.")),
                            Example("mygaz-admin audit list --operator ivanova --since 7d", L("A week of ivanova's work.", "Неделя работы ivanova.")),
                        ],
                        handler: listAudit),
        ])

    static func listAudit(_ inv: Invocation) throws -> ExitStatus {
        var filter = AuditFilter()
        filter.since = try inv.moment("since")
        filter.until = try inv.moment("until")
        filter.operatorLogin = inv.string("operator")
        if let entity = inv.string("entity") {
            let parts = entity.split(separator: ":", maxSplits: 1).map(String.init)
            guard let type = parts.first, Entity(rawValue: type) != nil else {
                throw MyGazError.usage(.badChoice, "--entity", .text(entity), .text(Entity.allCases.map(\.rawValue).joined(separator: ", ")))
            }
            filter.entityType = type
            filter.entityID = parts.count > 1 ? parts[1] : nil
        }
        filter.action = inv.string("action")
        filter.limit = try inv.limit()
        var t = Table([
            Column("id", L("ID", "ID"), align: .right), Column("at", L("AT", "ВРЕМЯ")), Column("operator", L("OPERATOR", "ОПЕРАТОР")),
            Column("action", L("ACTION", "ДЕЙСТВИЕ")), Column("entity_type", L("ENTITY", "ОБЪЕКТ"), .machineOnly),
            Column("entity_id", L("ID", "ID"), .machineOnly), Column("entity", L("ENTITY", "ОБЪЕКТ"), .humanOnly),
            Column("old_value", L("OLD", "БЫЛО"), .machineOnly), Column("new_value", L("NEW", "СТАЛО"), .machineOnly),
            Column("change", L("CHANGE", "ИЗМЕНЕНИЕ"), .humanOnly), Column("reason", L("REASON", "ПРИЧИНА")),
        ])
        for e in try AuditLog.list(inv.db, filter) {
            let change = [e.oldValue, e.newValue].compactMap { $0 }.isEmpty ? "" : "\(e.oldValue ?? "—") → \(e.newValue ?? "—")"
            t.append([Cell(.int(e.id)), Cell(.text(e.at), display: Timestamp.display(e.at)), Cell(.text(e.operatorLogin)),
                      Cell(.text(e.action)), Cell(.text(e.entityType)), Cell(.of(e.entityID)),
                      Cell(.text(e.entityType + (e.entityID.map { ":" + $0 } ?? ""))),
                      Cell(.of(e.oldValue)), Cell(.of(e.newValue)), Cell(.text(change)), Cell(.of(e.reason))])
        }
        inv.out.table(t)
        return .success
    }
}
