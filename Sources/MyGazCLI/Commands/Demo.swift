import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MyGazCore

enum DemoCommand {
    static let spec = CommandSpec(
        "demo", L("create a demo database: a realistic region to try everything on", "создать демонстрационную базу: реалистичный регион для опытов"),
        discussion: L("Fills a new database (created if missing; a database that already holds data is refused) with three RGKs, their offices, accounts with Russian names and addresses, balances with debtors, meters (some with expired verification, one faulty), a year of readings, a pending queue in which some readings break each rule, portal users in every state, PIN requests, applications of every kind in every status, tickets with conversations and the FAQ. You, the OS login running it, become the admin. The same --seed and --date give the same data, on SQLite and on PostgreSQL. A new SQLite file is put in place only when whole; a PostgreSQL database (--db postgresql:///mygaz) is filled in one transaction, so a demo that fails leaves nothing behind. Demo portal users have the password \(DemoGenerator.demoPassword); the PIN printed on demo bills is \(DemoGenerator.demoBillPIN).",
                      "Заполняет новую базу (создается при отсутствии; база с данными не принимается): три РГК с отделениями, лицевые счета с русскими именами и адресами, сальдо с должниками, приборы учета (часть с истекшей поверкой, один неисправный), показания за год, очередь показаний, среди которых есть нарушающие каждое правило, пользователи портала во всех состояниях, запросы ПИН-кода, заявки всех видов во всех состояниях, обращения с перепиской и FAQ. Вы — пользователь ОС, запустивший команду, — становитесь администратором. Одинаковые --seed и --date дают одинаковые данные — и в SQLite, и в PostgreSQL. Новый файл SQLite появляется на месте только целиком; база PostgreSQL (--db postgresql:///mygaz) заполняется одной транзакцией, так что неудавшаяся демонстрация ничего не оставляет. Пароль демонстрационных пользователей — \(DemoGenerator.demoPassword); ПИН-код на демонстрационных квитанциях — \(DemoGenerator.demoBillPIN)."),
        options: [
            OptionSpec(.accounts, value: "N", L("how many personal accounts (default 5000)", "сколько лицевых счетов (по умолчанию 5000)")),
            OptionSpec(.seed, value: "S", L("random seed (default 1)", "начальное значение генератора (по умолчанию 1)")),
            OptionSpec(.date, value: "DATE", L("the demo's today (default: today)", "«сегодня» демонстрации (по умолчанию — сегодня)")),
        ],
        examples: [
            Example("mygaz-admin demo", L("Create ./mygaz.db and show the dashboard.", "Создать ./mygaz.db и показать сводку.")),
            Example("mygaz-admin --db /tmp/big.db demo --accounts 20000", L("A large region for benchmarks.", "Большой регион для замеров.")),
        ],
        access: .opensItself,
        handler: run)

    /// The demo's "today" may lie in this century: its year of readings and its meters'
    /// verification dates around it stay real dates.
    static let dates = Day(year: 2000, month: 1, day: 1)!...Day(year: 2099, month: 12, day: 31)!

    static func run(_ inv: Invocation) throws -> ExitStatus {
        guard let login = inv.io.login else { throw MyGazError(.permission, .noOSLogin, .int(Int(OSLogin.effectiveUID))) }
        let accounts = try inv.int(.accounts, range: 1...10_000_000) ?? 5000
        let seed = try inv.int(.seed, range: 0...Int.max) ?? 1
        let anchor = try inv.day(.date) ?? inv.clock.today
        guard dates.contains(anchor) else {
            throw MyGazError.usage(.numberOutOfRange, "--date", .text(inv.string(.date) ?? anchor.iso), .text("\(dates.lowerBound.iso)–\(dates.upperBound.iso)"))
        }
        let address = inv.globals.dbPath
        let options = DemoGenerator.Options(accounts: accounts, seed: UInt64(seed), anchor: anchor)
        let started = Date()
        let summary = try PGAddress.isPostgreSQL(address) ? onServer(inv, address, login: login, options)
                                                          : inFile(inv, address, login: login, options)
        let seconds = Date().timeIntervalSince(started)
        let path = PGAddress.isPostgreSQL(address) ? PGAddress.masked(address) : address
        if inv.out.isHuman {
            let db = try Engines.open(address, purpose: .use, busyTimeoutMs: inv.globals.busyTimeoutMs)
            let dashboard = try Dashboard.load(db, today: anchor)
            let dues = try DueBoard.load(db, try DueQuery.load(db, now: inv.clock.now), scope: nil)
            inv.out.say(.demoDone, .text(path), .int(summary.accounts), .int(summary.users), .int(summary.pendingReadings),
                        .int(summary.openApplications), .seconds(seconds))
            inv.out.sayText("")
            inv.out.record(StatusView.record(dashboard, dues: dues, now: inv.clock.now, lang: inv.out.lang))
        } else {
            inv.out.object([("path", .text(path)), ("accounts", .int(Int64(summary.accounts))), ("users", .int(Int64(summary.users))),
                            ("pending_readings", .int(Int64(summary.pendingReadings))),
                            ("open_applications", .int(Int64(summary.openApplications))),
                            ("seed", .int(Int64(seed))), ("date", .text(anchor.iso)),
                            ("seconds", .double((seconds * 10).rounded() / 10))], human: [])
        }
        return .success
    }

    /// Creates the schema if missing (an admin's job on a database that has operators) and fills it.
    private static func fill(_ inv: Invocation, _ db: any Storage, login: String, _ options: DemoGenerator.Options) throws -> DemoGenerator.Summary {
        let session = Session(db: db, login: login, clock: inv.clock)
        if try Engines.state(of: db) == .current, try !Operators.list(db).isEmpty {
            try session.require([.admin], command: inv.commandName)
        }
        try Engines.migrate(db)
        let progress = Progress(inv.out, label: "demo", total: Int64(options.accounts))
        let summary = try DemoGenerator.generate(session, options) { done, total in
            progress.update(Int64(done), fraction: Double(done) / Double(total))
        }
        progress.finish()
        return summary
    }

    /// A PostgreSQL database is filled in one transaction, the schema with the rows: a demo that
    /// fails midway leaves it as it was.
    private static func onServer(_ inv: Invocation, _ address: String, login: String, _ options: DemoGenerator.Options) throws -> DemoGenerator.Summary {
        let db = try Engines.open(address, purpose: .initialise, busyTimeoutMs: inv.globals.busyTimeoutMs)
        return try db.write { try fill(inv, db, login: login, options) }
    }

    /// A new SQLite file is built aside and put in place only when whole: a demo that fails
    /// midway leaves nothing (an existing, empty one is filled where it is).
    private static func inFile(_ inv: Invocation, _ path: String, login: String, _ options: DemoGenerator.Options) throws -> DemoGenerator.Summary {
        SharedAccess.restrictNewFiles()
        var target = stat()
        let aside = lstat(path, &target) != 0
        let building = aside ? path + ".partial-\(getpid())" : path
        let summary: DemoGenerator.Summary
        do {
            let db = try DatabaseFile.open(path: building, purpose: .initialise, busyTimeoutMs: inv.globals.busyTimeoutMs)
            summary = try fill(inv, db, login: login, options)
            if aside { try db.overwriteFreedPages() }
        } catch {
            if aside { for suffix in ["", "-wal", "-shm", "-journal"] { unlink(building + suffix) } }
            throw error
        }
        if aside {
            // the connection is closed (its WAL folded in and gone); link() never replaces a file
            // that took the name meanwhile
            defer { for suffix in ["", "-wal", "-shm"] { unlink(building + suffix) } }
            guard link(building, path) == 0 else {
                throw errno == EEXIST ? MyGazError(.conflict, .fileExists, .text(path))
                                      : MyGazError(.database, .fileCannotCreate, .text(path), .text(String(cString: strerror(errno))))
            }
        }
        return summary
    }
}
