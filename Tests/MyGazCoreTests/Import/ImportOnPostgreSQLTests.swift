import EngineHarness
import Foundation
import Testing
@testable import MyGazCore

/// `import` on PostgreSQL beside SQLite's: the same files into both engines give the same rows,
/// the same reports (dry runs too), the same rejected lines; the same file again is unchanged;
/// and an import whose connection is killed during its load leaves nothing, the next run
/// doing it all.
@Suite(.enabled(if: PGServer.available)) struct ImportOnPostgreSQLTests {
    /// Both engines at the same time, each with the same clock.
    final class Pair {
        let sqlite: TestDB
        let pg: TestDB
        init() throws {
            sqlite = try TestDB(engine: .sqlite)
            pg = try TestDB(engine: .postgresql)
        }
        var both: [TestDB] { [sqlite, pg] }
    }

    /// The bad rows a run reported to its rejects file.
    final class Rejects: RejectsSink {
        var rows: [String] = []
        func begin(header: [String], masked: Set<Int>, delimiter: UInt8, encoding: FileEncoding, bom: Bool) throws {
            rows = ["header " + header.joined(separator: "|") + " masked \(masked.sorted())"]
        }
        func reject(line: Int, fields: [String], problems: [RowProblem]) throws {
            rows.append("\(line): " + fields.joined(separator: "|") + " — " + problems.map { "\($0.column) \($0.reason.key.rawValue)" }.joined(separator: ", "))
        }
        func rejectRest(of file: String, from offset: Int64, line: Int, reason: Message) throws {
            rows.append("\(line): the rest from byte \(offset) — \(reason.key.rawValue)")
        }
        func restart() { rows = [] }
        func finish() throws {}
    }

    /// What a report says, for comparing two engines' (the time and the batch's id aside).
    static func summary(_ r: ImportReport) -> String {
        "read \(r.rowsRead) inserted \(r.inserted) updated \(r.updated) unchanged \(r.unchanged) rejected \(r.rejected) bad \(r.badRows) "
            + "\(r.encoding.rawValue) problems " + r.problems.map { "\($0.line):\($0.column):\($0.reason.key.rawValue)" }.joined(separator: ",")
    }

    /// Imports `text` as `kind` into both engines, a dry run first; the two engines' reports and
    /// rejects must agree. Answers the real run's summary.
    @discardableResult
    static func importBoth(_ pair: Pair, _ kind: ImportKind, _ text: String, skipInvalid: Bool = true, name: String? = nil,
                           _ comment: String = "") throws -> String {
        var summaries: [[String]] = []
        for t in pair.both {
            let path = t.dir.file(name ?? "\(kind.rawValue).csv")
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            var options = ImportOptions(kind: kind)
            options.skipInvalid = skipInvalid
            options.dryRun = true
            let dryRejects = Rejects()
            let dry = try Importer.run(t.session, options, file: path, rejects: dryRejects)
            options.dryRun = false
            let rejects = Rejects()
            let real = try Importer.run(t.session, options, file: path, rejects: rejects)
            summaries.append(["dry " + summary(dry)] + dryRejects.rows + ["real " + summary(real)] + rejects.rows)
        }
        #expect(summaries[0] == summaries[1], "\(kind) \(comment): SQLite, then PostgreSQL")
        return summaries[1].first { $0.hasPrefix("real ") } ?? ""
    }

    /// The rows of every table an import writes, by natural keys (ids differ where PostgreSQL's
    /// sequences skip: an `ON CONFLICT` takes a number for a row it then updates).
    static let contents: [(table: String, sql: String)] = [
        ("rgk", "SELECT code, name, region, phone, email, max_monthly_m3, inn, kpp, bank_account, bank_name, bic, corr_account, created_at, updated_at FROM rgk"),
        ("office", "SELECT g.code, o.name, o.address, o.phone, o.hours, o.lat, o.lon FROM office o JOIN rgk g ON g.id = o.rgk_id"),
        ("account", """
            SELECT g.code, a.number, a.surname, a.name, a.patronymic, a.address, a.phone, a.residents, a.heated_area, a.status, a.updated_at
            FROM account a JOIN rgk g ON g.id = a.rgk_id
            """),
        ("service", "SELECT a.number, s.kind, s.balance_kop, s.updated_at FROM service s JOIN account a ON a.id = s.account_id"),
        ("meter", """
            SELECT a.number, m.serial, m.model, m.digits, m.place, m.next_verification, m.state, m.max_monthly_m3
            FROM meter m JOIN account a ON a.id = m.account_id
            """),
        ("reading", """
            SELECT a.number, m.serial, r.reading_date, r.value, r.source, r.status, r.submitted_at, r.import_batch_id, r.rgk_id
            FROM reading r JOIN meter m ON m.id = r.meter_id JOIN account a ON a.id = m.account_id
            """),
        ("settlement", """
            SELECT a.number, s.kind, t.period, t.opening_kop, t.charged_kop, t.paid_kop, t.benefit_kop, t.recalc_kop, t.closing_kop
            FROM settlement t JOIN service s ON s.id = t.service_id JOIN account a ON a.id = s.account_id
            """),
        ("payment", """
            SELECT g.code, p.external_id, a.number, p.service, p.paid_on, p.amount_kop, p.channel, p.state
            FROM payment p JOIN rgk g ON g.id = p.rgk_id JOIN account a ON a.id = p.account_id
            """),
        ("contract", """
            SELECT g.code, c.number, a.number AS account, c.kind, c.signed_on, c.valid_until, c.state
            FROM contract c JOIN rgk g ON g.id = c.rgk_id JOIN account a ON a.id = c.account_id
            """),
        ("act", "SELECT c.number AS contract, t.number, t.act_date FROM act t JOIN contract c ON c.id = t.contract_id"),
        ("act_item", "SELECT t.number, i.work, i.cost_kop FROM act_item i JOIN act t ON t.id = i.act_id"),
        // the hash is salted, the digest keyed by a file only SQLite's database has beside it
        ("pin", """
            SELECT a.number, p.source, p.state, p.issued_at, p.issued_by, p.revoked_at, p.revoked_by, p.import_batch_id
            FROM pin p JOIN account a ON a.id = p.account_id
            """),
        ("account_benefit", """
            SELECT a.number, b.benefit, b.percent, b.basis, b.valid_from, b.valid_until, b.updated_at
            FROM account_benefit b JOIN account a ON a.id = b.account_id
            """),
        ("account_consumption", """
            SELECT a.number, c.mode, c.norm_m3, c.unit, c.valid_from, c.updated_at FROM account_consumption c JOIN account a ON a.id = c.account_id
            """),
        ("account_equipment", """
            SELECT a.number, e.kind, e.serial, e.model, e.installed_on, e.updated_at FROM account_equipment e JOIN account a ON a.id = e.account_id
            """),
        ("import_batch", """
            SELECT id, kind, rgk_id, file_name, file_sha256, file_size, encoding, delimiter, operator, pid, host, status, started_at,
                   finished_at, rows_read, rows_done, inserted, updated, unchanged, rejected, error FROM import_batch
            """),
        ("audit", "SELECT at, operator, action, entity_type, entity_id, old_value, new_value, reason, reason_code, reason_args FROM audit"),
    ]

    static func count(_ t: TestDB, _ table: String) throws -> Int { try t.db.scalarInt("SELECT count(*) FROM \(table)") ?? -1 }

    static func rows(_ t: TestDB, _ sql: String) throws -> [String] {
        try t.db.query(sql).map { row in row.values.map { "\($0)" }.joined(separator: "|") }.sorted()
    }

    static func expectSameContents(_ pair: Pair, _ comment: String) throws {
        for (table, sql) in contents {
            let sqlite = try rows(pair.sqlite, sql), pg = try rows(pair.pg, sql)
            #expect(sqlite == pg, "\(comment): \(table)")
        }
    }

    static let month1: [(ImportKind, String)] = [
        (.rgk, "code;name;email;max_monthly_m3;region\nvologda;Вологдагаз;info@vologda.example;300;Вологодская обл.\nmoscow;Мосгаз;;;\nBad Code;Х;;;\n"),
        (.offices, "rgk;name;hours;lat;lon\nvologda;Центральное;пн-пт 8-17;59,22;39,88\nvologda;Северное;;;\nvologda;Южное;;95;0\n"),
        // a tab, a backslash and quotes inside values (COPY's escapes), a number written with its dash,
        // a key named twice (the second wins, counted as an update), a bad row
        (.accounts, """
            rgk;account;surname;name;address;phone;residents;heated_area;status
            vologda;023-185952;Иванов;Пётр;"ул. ""Мира""\tд. 1";+7 911 000-00-01;3;54,3;открыт
            vologda;23185953;Петров;Ян;C:\\дом\\2;8 (8172) 75-00-00;;;закрыт
            vologda;x;Сидоров;;;;;;
            vologda;23185954;Орлов;;ул. Ленина;;1;;
            vologda;23185954;Орлова;;ул. Ленина;;1;;
            moscow;23185952;Зайцев;;;;много;;

            """),
        (.services, "rgk;account;service;balance\nvologda;23185952;Природный газ;-3319,52\nvologda;23185952;ТО ВДГО;0\nvologda;23185953;газ;12,5\nvologda;99999999;газ;1\n"),
        (.meters, """
            rgk;account;serial;model;digits;next_verification;state
            vologda;23185952;M-1;СГМН-1;5;01.01.2030;исправен
            vologda;23185953;AB-7;;6;;
            vologda;23185954;Z-9;;0;;
            """),
        // a serial spelled otherwise (case, spaces) finds its meter; a date named twice; a value past the meter's digits
        (.readings, """
            rgk;account;serial;date;value
            vologda;23185952;M-1;20.05.2026;1100
            vologda;23185952;M-1;20.06.2026;1200
            vologda;23185952; m-1 ;20.07.2026;1300
            vologda;23185953;AB-7;20.06.2026;500
            vologda;23185953;AB-7;20.06.2026;501
            vologda;23185953;AB-7;21.06.2026;9999999
            vologda;23185953;NO-SUCH;21.06.2026;1
            """),
        (.settlements, """
            rgk;account;service;period;opening;charged;paid;closing
            vologda;23185952;газ;06.2026;-3319,52;2580,43;;-5899,95
            vologda;23185952;ТО ВДГО;06.2026;0;100;100;
            vologda;23185953;ТО ВДГО;06.2026;0;;;
            """),
        (.payments, """
            rgk;account;date;amount;channel;state;external_id
            vologda;23185952;21.06.2026;1500;Сбербанк Онлайн;оплачено;P-1
            vologda;23185953;22.06.2026;99,99;;в обработке;P-2
            vologda;23185953;22.06.2026;-5;;;P-3
            """),
        (.contracts, """
            rgk;account;number;kind;signed;valid_until;state
            vologda;23185952;Д-1;поставка газа;01.01.2020;;
            vologda;23185953;Д-2;ТО ВДГО;01.02.2021;31.12.2026;действует
            vologda;23185953;Д-3;что-то;;;
            """),
        (.acts, """
            rgk;contract;number;date;work;cost
            vologda;Д-1;А-1;22.06.2026;Проверка плиты;450
            vologda;Д-1;А-1;22.06.2026;Проверка колонки;600
            vologda;Д-2;А-2;23.06.2026;Проверка плиты;-1
            """),
        (.pins, "rgk;account;pin\nvologda;23185952;11223344\nvologda;23185953;55667788\nvologda;23185954;12\n"),
        // the «Абонент» section: an unknown account, an unknown equipment kind, a percent past 100,
        // a benefit that ends before it begins, a negative norm — each rejected at its line
        (.benefits, """
            rgk;account;benefit;percent;basis;valid_from;valid_until
            vologda;23185952;Ветеран труда;50;"уд. 1; серия А";01.01.2020;
            vologda;23185952;Многодетная семья;30;;01.01.2026;31.12.2026
            vologda;23185953;Инвалид;150;;;
            vologda;23185953;Пенсионер;10;;01.01.2026;01.01.2025
            vologda;99999999;Ветеран труда;50;;;
            """),
        (.consumption, """
            rgk;account;mode;norm_m3;unit;valid_from
            vologda;23185952;Приготовление пищи;10,5;куб. м на человека;01.01.2020
            vologda;23185952;Отопление;7,8;куб. м на кв. м;
            vologda;23185953;Подогрев воды;-1;;
            vologda;99999999;Отопление;1;;
            """),
        (.equipment, """
            rgk;account;kind;serial;model;installed
            vologda;23185952;Газовая плита;П-1;Гефест 3200;01.03.2015
            vologda;23185952;колонка;К-7;Neva 4510;
            vologda;23185953;камин;Х-1;;
            vologda;99999999;котел;К-1;;
            """),
    ]

    /// Next month: some values changed, new rows, a key named twice changed and changed back.
    static let month2: [(ImportKind, String)] = [
        (.rgk, "code;name;max_monthly_m3\nvologda;Вологдагаз;\nmoscow;Мосгаз;800\n"),
        (.accounts, """
            rgk;account;surname;address;status
            vologda;23185952;Иванов;ул. Мира, д. 1;
            vologda;23185953;Петров;C:\\дом\\2;открыт
            vologda;23185955;Ершов;;
            vologda;23185954;Орлов;ул. Ленина;
            vologda;23185954;Орлова;ул. Ленина;
            """),
        (.services, "rgk;account;service;balance\nvologda;23185952;газ;-100\nvologda;23185955;газ;0\n"),
        (.readings, "rgk;account;serial;date;value\nvologda;23185952;M-1;20.07.2026;1350\nvologda;23185952;M-1;20.08.2026;1400\nvologda;23185953;AB-7;20.06.2026;501\n"),
        (.payments, "rgk;account;date;amount;external_id\nvologda;23185952;21.06.2026;1500;P-1\nvologda;23185955;21.07.2026;10;P-4\n"),
        (.acts, "rgk;contract;number;date;work;cost\nvologda;Д-1;А-1;24.06.2026;Проверка плиты;450\nvologda;Д-1;А-3;25.06.2026;Замена;1000\n"),
        (.pins, "rgk;account;pin\nvologda;23185952;11223344\nvologda;23185953;99887766\n"),
        (.benefits, "rgk;account;benefit;percent;valid_until\nvologda;23185952;Ветеран труда;60;\nvologda;23185955;Инвалид;50;31.12.2030\n"),
        (.consumption, "rgk;account;mode;norm_m3\nvologda;23185952;Отопление;8\nvologda;23185955;Отопление;7,8\n"),
        (.equipment, "rgk;account;kind;serial;model\nvologda;23185952;плита;П-1;Гефест 1200\nvologda;23185955;котел;АОГВ-1;\n"),
    ]

    @Test func everyKindGivesTheSameRowsReportsAndRejectsOnBothEngines() throws {
        let pair = try Pair()
        for (kind, text) in Self.month1 { try Self.importBoth(pair, kind, text, "month 1") }
        try Self.expectSameContents(pair, "month 1")
        #expect(try Self.count(pair.pg, "account") == 3 && Self.count(pair.pg, "reading") == 4 && Self.count(pair.pg, "act_item") == 2)
        #expect(try Self.count(pair.pg, "account_benefit") == 2 && Self.count(pair.pg, "account_consumption") == 2
                && Self.count(pair.pg, "account_equipment") == 2, "the bad rows of the «Абонент» kinds are rejected")
        #expect(try pair.pg.db.scalarString("SELECT surname FROM account WHERE number = '23185954'") == "Орлова")
        #expect(try pair.pg.db.scalarString("SELECT address FROM account WHERE number = '23185952'") == "ул. \"Мира\"\tд. 1")
        #expect(try pair.pg.db.scalarString("SELECT address FROM account WHERE number = '23185953'") == "C:\\дом\\2")

        // the same files again: nothing changes, on either
        // (a key the file names twice, its value changed and changed back, is updated twice each time)
        for (kind, text) in Self.month1 {
            let again = try Self.importBoth(pair, kind, text, "month 1 again")
            #expect(again.contains(" inserted 0 updated \([.accounts, .readings].contains(kind) ? 2 : 0) "), "\(kind): \(again)")
        }
        for (kind, text) in Self.month2 { try Self.importBoth(pair, kind, text, "month 2") }
        try Self.expectSameContents(pair, "month 2")
        #expect(try pair.pg.db.scalarInt("SELECT max_monthly_m3 FROM rgk WHERE code = 'vologda'") == 300, "an empty maximum keeps the one there")
        for (kind, text) in Self.month2 {
            let again = try Self.importBoth(pair, kind, text, "month 2 again")
            #expect(again.contains(" inserted 0 updated \(kind == .accounts ? 2 : 0) "), "\(kind): \(again)")
        }
        try Self.expectSameContents(pair, "month 2 again")

        // PINs are hashed on PostgreSQL as on SQLite: yescrypt, each PIN checked by its hash
        for (number, pin) in [("23185952", "11223344"), ("23185953", "99887766")] {
            let hash = try #require(try pair.pg.db.scalarString("""
                SELECT p.pin_hash FROM pin p JOIN account a ON a.id = p.account_id WHERE a.number = ? AND p.state = 'active'
                """, number))
            #expect(hash.hasPrefix("$y$") && Secrets.verify(pin, hash: hash), "\(number)")
        }
    }

    /// A file refused for its bad rows writes nothing on PostgreSQL either: no rows, no batch.
    @Test func aRefusedFileWritesNothingAndNamesTheSameLines() throws {
        let pair = try Pair()
        try Self.importBoth(pair, .rgk, "code;name\nvologda;Вологда\n")
        let text = "rgk;account;residents\nvologda;1;2\nvologda;x;2\nmoscow;3;много\n"
        var lines: [[Int]] = []
        for t in pair.both {
            let path = t.dir.file("bad.csv")
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            let refused = #expect(throws: ImportRefused.self) { try Importer.run(t.session, ImportOptions(kind: .accounts), file: path) }
            lines.append(refused?.report.problems.map(\.line) ?? [])
            #expect(try Self.count(t, "account") == 0 && t.db.scalarInt("SELECT count(*) FROM import_batch WHERE kind = 'accounts'") == 0,
                    "\(t.engine)")
        }
        #expect(lines == [[3, 4, 4], [3, 4, 4]])
    }

    /// A file that is UTF-8 at its start and Windows-1251 further on is read again from its start:
    /// its rows are loaded once, not twice.
    @Test func aFileReadAgainInAnotherEncodingLoadsItsRowsOnce() throws {
        let pair = try Pair()
        try Self.importBoth(pair, .rgk, "code;name\nvologda;Вологда\n")
        var bytes = Array("rgk;account;surname\n".utf8)
        for i in 0..<4000 { bytes += Array("vologda;\(70_000_000 + i);Ivanov\n".utf8) }
        bytes += Array("vologda;70009999;".utf8) + [0xCF, 0xE5, 0xF2, 0xF0, 0xEE, 0xE2] + Array("\n".utf8)     // «Петров» in Windows-1251
        #expect(bytes.count > 1 << 16, "past the part the probe reads")
        for t in pair.both {
            let path = t.dir.file("mixed.csv")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let report = try Importer.run(t.session, ImportOptions(kind: .accounts), file: path)
            #expect(report.encoding == .cp1251 && report.inserted == 4001 && report.rowsRead == 4001, "\(t.engine): \(report)")
            #expect(try t.db.scalarString("SELECT surname FROM account WHERE number = '70009999'") == "Петров")
        }
        try Self.expectSameContents(pair, "read again")
    }

    // MARK: a killed import

    /// The import's connection killed while it loads its staging table, then while it writes (held
    /// on a row another connection has locked): nothing of it stays, and the next run does it all.
    @Test func aKilledImportLeavesNothingAndTheNextRunConverges() throws {
        let t = try TestDB(engine: .postgresql)
        try Data("code;name\nvologda;Вологда\n".utf8).write(to: URL(fileURLWithPath: t.dir.file("rgk.csv")))
        _ = try Importer.run(t.session, ImportOptions(kind: .rgk), file: t.dir.file("rgk.csv"))
        var text = "rgk;account;surname;address\n"
        for i in 0..<20_000 { text += "vologda;\(70_000_000 + i);Иванов;ул. Ленина, д. \(i)\n" }
        let path = t.dir.file("accounts.csv")
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let watcher = try PGConnection(t.path)
        // one account already there, for the portal to hold
        _ = try watcher.run("INSERT INTO account (rgk_id, number, surname, updated_at) VALUES (1, '70000005', 'Петров', 'x')")

        /// Runs the import on a connection of its own while `kill` waits for the moment and ends it.
        func killed(when query: String, holding: Bool) throws -> Error? {
            let session = Locked(Session(db: try Engines.open(t.path, purpose: .use, busyTimeoutMs: 30_000),
                                                       login: t.session.login, clock: t.session.clock))
            let portal = try PGConnection(t.path)
            if holding {
                try portal.execute("BEGIN")
                _ = try portal.query("SELECT id FROM account WHERE number = '70000005' FOR UPDATE")
            }
            let done = DispatchSemaphore(value: 0)
            let failure = Locked<Error?>(nil)
            Thread.detachNewThread {
                do { _ = try Importer.run(session.value, ImportOptions(kind: .accounts), file: path) } catch { failure.value = error }
                done.signal()
            }
            var terminated = 0
            let deadline = Date().addingTimeInterval(60)
            while terminated == 0 && Date() < deadline {
                terminated = try watcher.scalarInt("""
                    SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE ?) AS k
                    """, query) ?? 0
                if terminated == 0 { usleep(2_000) }
            }
            done.wait()
            if holding { try portal.execute("ROLLBACK") }
            #expect(terminated == 1, "the import's connection was found \(query)")
            return failure.value
        }

        let duringLoad = try killed(when: "COPY import_rows%", holding: false)
        #expect(duringLoad != nil, "the killed load failed the import")
        #expect(try watcher.scalarInt("SELECT count(*) FROM account") == 1 && watcher.scalarInt("SELECT count(*) FROM import_batch WHERE kind = 'accounts'") == 0)
        let duringWrite = try killed(when: "WITH w AS (INSERT INTO account%", holding: true)
        #expect(duringWrite != nil, "the killed write failed the import")
        #expect(try watcher.scalarInt("SELECT count(*) FROM account") == 1 && watcher.scalarInt("SELECT count(*) FROM import_batch WHERE kind = 'accounts'") == 0)
        #expect(try watcher.scalarInt("SELECT count(*) FROM audit WHERE action = 'import.accounts'") == 0)

        let next = try Importer.run(Session(db: Engines.open(t.path, purpose: .use, busyTimeoutMs: 2000), login: t.session.login, clock: t.session.clock),
                                    ImportOptions(kind: .accounts), file: path)
        #expect((next.inserted, next.updated, next.unchanged) == (19_999, 1, 0), "\(next)")
        #expect(try watcher.scalarInt("SELECT count(*) FROM account") == 20_000)
        #expect(try watcher.scalarInt("SELECT count(*) FROM import_batch WHERE kind = 'accounts' AND status = 'completed'") == 1)
        // 20 000 rows: the planner knows them at once (never analysed, reltuples is -1)
        #expect(try watcher.scalarInt("SELECT CAST(reltuples AS bigint) FROM pg_class WHERE relname = 'account'") ?? 0 >= 19_000)
    }
}
