import Foundation
import MyGazCore

/// `init` and `db migrate`: create the database, or bring it to this program's schema.
enum InitCommands {
    static let spec = CommandSpec(
        "init", L("create the database, or upgrade it to this program's schema", "создать базу или обновить ее схему до версии программы"),
        discussion: L("Creates the file (WAL mode, schema version \(Schema.currentVersion)) and registers you, the OS login running it, as its first admin. On an existing database it applies pending migrations or says it is up to date; running it again changes nothing.",
                      "Создает файл (режим WAL, версия схемы \(Schema.currentVersion)) и регистрирует вас — пользователя ОС, запустившего команду, — первым администратором. Для существующей базы применяет недостающие миграции или сообщает, что база актуальна; повторный запуск ничего не меняет."),
        options: [
            OptionSpec(.group, value: "GROUP", L("share the database with the OS group GROUP (setgid directory, no access for others)",
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
        let address = inv.globals.dbPath
        let server = PGAddress.isPostgreSQL(address)
        let path = server ? PGAddress.masked(address) : address
        let group = inv.string(.group)
        if server {
            // who may use a server's database is the server's business: its roles and grants
            if group != nil { throw MyGazError.usage(.groupOnServer, .text(path)) }
        } else if let group {
            try SharedAccess.prepare(path: path, group: group)
        } else {
            SharedAccess.restrictNewFiles()
            if !migrateOnly { try SharedAccess.preparePrivate(path: path) }
        }
        let db = try Engines.open(address, purpose: migrateOnly ? .use : .initialise, busyTimeoutMs: inv.globals.busyTimeoutMs)
        let session = Session(db: db, login: login, clock: inv.clock)
        let before = try Engines.state(of: db)
        if before != .empty {
            // upgrading an existing database is an admin's job
            if case .older = before { try session.require([.admin], command: inv.commandName) }
        }
        let (from, to) = try Engines.migrate(db)
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
}
