import Foundation

public enum ImportOutcome: Sendable { case inserted, updated, unchanged }

/// One kind of RGK file: its columns, how a row is checked, and how it is written. A new
/// column touches the kind's own file only.
///
/// `check` is read-only and runs on the checking thread with a connection of its own; `write`
/// runs on the writing thread; `outcome` tells, read-only, what `write` would do (a dry run,
/// and the comparing pass that skips writing a file the database already holds).
protocol ImportKindType: AnyObject, SendableMetatype {
    /// What a row's check finds, handed from the checking thread to the writing one.
    associatedtype Values: Sendable

    static var kind: ImportKind { get }
    static var columns: [ImportColumn] { get }

    init(_ ctx: ImportContext) throws

    /// The row's values, or nil when it has problems (recorded in the row).
    func check(_ row: inout RowView) throws -> Values?
    func write(_ row: RowView, _ values: Values) throws -> ImportOutcome
    func outcome(_ row: RowView, _ values: Values) throws -> ImportOutcome
    /// The natural key of a row, to tell a key the same file names twice (a dry run writes nothing to find out).
    func key(_ row: RowView, _ values: Values) -> [SQLBindable?]
    /// Before the rows of a batch are checked, on the checking thread: what their checks will
    /// look up, fetched for the whole batch at once where a lookup costs a trip to a server
    /// (`ImportContext.lookAhead`).
    func lookAhead(_ batch: CheckedBatch<Values>, _ row: inout RowView) throws
    /// Work on a whole checked batch that needs no lock (hashing), on the checking thread and
    /// every core, before the writing thread gets it; `writing`: for the pass that writes.
    func prepare(_ values: inout [Values?], writing: Bool) throws
    /// Whether the checking pass keeps the good rows for the writing pass (`stage`); if not, the
    /// writing pass reads the file again and writes row by row.
    var stagesRows: Bool { get }
    /// The upsert the staged rows are written by (nil: the kind writes row by row).
    var stagedUpsert: Upsert? { get }
    /// How many staged rows one statement writes at most (the write lock is looked at between them).
    var stagedRowsPerWrite: Int { get }
    /// How long one statement of staged rows should take; the rows per statement follow it.
    var secondsPerStatement: Double { get }
    /// Keeps a checked batch's good rows for the writing pass, numbered by their row in the file
    /// (`first` the batch's first): on SQLite in a temporary table, on PostgreSQL into the
    /// staging table's `COPY` (`ImportContext.copy`).
    func stage(_ batch: CheckedBatch<Values>, _ row: inout RowView, first: Int) throws
    /// Forgets the rows staged (the file is read again from its start).
    func unstage() throws
    /// Writes the staged rows numbered after `after` through `through`, with their counts and
    /// how many were staged (the others were rejected).
    func writeStaged(after: Int, through: Int) throws -> (inserted: Int, updated: Int, unchanged: Int, rows: Int)
    /// Before the staged rows after `after` through `through` are written, in the same
    /// transaction: what the database holds that a file must not undo (a holder's phone changed
    /// at the desk) put into them.
    func beforeStagedWrite(after: Int, through: Int) throws
    /// Work the writes of a transaction leave for its end (an account's trigrams), done in it,
    /// before COMMIT, with the transaction's `secondsLeft` for what can wait (merging them).
    func endPart(secondsLeft: Double) throws
    /// Whether `endPart` left work that waited for time: the rows written, it gets transactions
    /// of its own.
    var owesWork: Bool { get }
    /// The seconds `endPart` is expected to take once `rows` more staged rows are written.
    func endPartSeconds(adding rows: Int) -> Double
    /// The writing pass is over, whether or not it wrote everything.
    func endWriting()
}

extension ImportKindType {
    func lookAhead(_ batch: CheckedBatch<Values>, _ row: inout RowView) throws {}
    func prepare(_ values: inout [Values?], writing: Bool) throws {}
    var stagesRows: Bool { false }
    var stagedUpsert: Upsert? { nil }
    var stagedRowsPerWrite: Int { Importer.stagedRowsPerWrite }
    var secondsPerStatement: Double { Database.ChunkedWrite.secondsPerStatement }
    func stage(_ batch: CheckedBatch<Values>, _ row: inout RowView, first: Int) throws {}
    func unstage() throws {}
    func writeStaged(after: Int, through: Int) throws -> (inserted: Int, updated: Int, unchanged: Int, rows: Int) {
        throw MyGazError(.internalError, .internalError, "no staged rows for this kind")
    }
    func beforeStagedWrite(after: Int, through: Int) throws {}
    func endPart(secondsLeft: Double) throws {}
    var owesWork: Bool { false }
    func endPartSeconds(adding rows: Int) -> Double { 0 }
    func endWriting() {}
}

/// The kinds behind one type: what the importer runs for `ImportKind`, without `Any`.
struct ImportKindBox: Sendable {
    let columns: [ImportColumn]
    let run: @Sendable (Session, ImportOptions, String, RejectsSink?, ImportProgress) throws -> ImportReport

    init<K: ImportKindType>(_ kind: K.Type) {
        columns = K.columns
        run = { session, options, file, rejects, progress in
            try ImportRun<K>(session, options, file: file, rejects: rejects).run(progress)
        }
    }
}

extension ImportKind {
    var box: ImportKindBox {
        switch self {
        case .rgk: return ImportKindBox(RGKKind.self)
        case .offices: return ImportKindBox(OfficesKind.self)
        case .accounts: return ImportKindBox(AccountsKind.self)
        case .services: return ImportKindBox(ServicesKind.self)
        case .meters: return ImportKindBox(MetersKind.self)
        case .readings: return ImportKindBox(ReadingsKind.self)
        case .settlements: return ImportKindBox(SettlementsKind.self)
        case .payments: return ImportKindBox(PaymentsKind.self)
        case .contracts: return ImportKindBox(ContractsKind.self)
        case .acts: return ImportKindBox(ActsKind.self)
        case .pins: return ImportKindBox(PinsKind.self)
        case .benefits: return ImportKindBox(BenefitsKind.self)
        case .consumption: return ImportKindBox(ConsumptionKind.self)
        case .equipment: return ImportKindBox(GasEquipmentKind.self)
        }
    }

    /// The columns of the kind, for `help import-formats` and the header check.
    public var columns: [ImportColumn] { box.columns }
}

/// What every kind shares on one connection: the database, the RGKs by code, the RGK that
/// `--rgk` fills in, the import's time, and the lookups and upserts the kinds are made of.
final class ImportContext {
    let session: Session
    let fillRGK: Int64?
    let fillRGKCode: String?
    var batchID: Int64?
    /// Which of the kind's columns the file has: a column it lacks is left as it is in the database.
    var present: [Bool] = []
    /// The RGKs the rows named (to file the batch under its RGK).
    var seenRGKs: Set<Int64> = []
    /// The operator's RGKs (`Session.rgkScope`), nil = every RGK; and the first RGK a row named
    /// that is not hers: the import is refused whole after its checking pass (issue 37).
    let scope: [Int64]?
    var outsideScope: String?
    /// The time of the import, for the rows it writes (formatted once, not per row).
    let now: String
    /// The moment the file speaks for (`--as-of`, else its modification time), ISO.
    var asOf = ""
    /// The desk changes of holders' phones the file said otherwise about and did not undo.
    var phoneConflicts: [HolderPhone.Conflict] = []
    /// whether this connection has its table for staging a batch (`UpsertKind.writeBatch`)
    var staging = false
    /// PostgreSQL: the load of the staging table the checking pass feeds (`UpsertKind.stage`)
    var copy: PGCopyWriter?
    private var rgks: [String: Int64] = [:]
    private var lastRGK: (bytes: [UInt8], id: Int64)?

    /// `now`: the import's one moment (its batch's start), which every row it writes carries.
    init(session: Session, fillRGK: String?, now: String? = nil) throws {
        self.session = session
        db = session.db
        sqlite = session.db as? Database
        fillRGKCode = fillRGK?.lowercased()
        self.fillRGK = try fillRGK.map { try RGK.id(session.db, $0) }
        scope = try session.rgkScope()
        // `--rgk` of an RGK she does not work: refused before a row is read
        if let fill = self.fillRGK { try session.requireWorks(rgkID: fill) }
        self.now = now ?? session.now
        try reloadRGKs()
    }

    /// The database, whichever engine; `sqlite` is SQLite's own (its statements prepared once,
    /// its temporary tables), nil on PostgreSQL.
    let db: any Storage
    let sqlite: Database?

    /// SQLite's engine, for the parts of the import that are its own.
    func sqliteOnly() throws -> Database {
        guard let sqlite else { throw MyGazError(.internalError, .internalError, .text("SQLite's own import path on \(db.path)")) }
        return sqlite
    }

    func reloadRGKs() throws {
        rgks = Dictionary(uniqueKeysWithValues: try db.query("SELECT code, id FROM rgk").map { ($0.string(0), $0.int64(1)) })
    }

    /// Column 0 of every kind but `rgk`: the RGK code, or `--rgk` when the file has none.
    func rgkID(_ row: inout RowView) -> Int64? {
        guard row.map[0] != nil else {
            if fillRGK == nil { row.problem(0, .importNeedsRGK) }
            return fillRGK
        }
        guard let r = row.required(0) else { return nil }
        // the rows of a file nearly always name the same RGK: compare bytes before a lookup
        if let last = lastRGK, row.utf8[r].elementsEqual(last.bytes) { return last.id }
        let code = String(decoding: row.utf8[r], as: UTF8.self)
        guard let id = rgks[code.lowercased()] else {
            row.problem(0, .importUnknownRGK, .text(code))
            return nil
        }
        if let fill = fillRGK, fill != id {
            row.problem(0, .importOtherRGK, .text(code), .text(fillRGKCode ?? ""))
            return nil
        }
        if seenRGKs.count < 2 { seenRGKs.insert(id) }
        if let scope, outsideScope == nil, !scope.contains(id) { outsideScope = code.lowercased() }
        lastRGK = (Array(row.utf8[r]), id)
        return id
    }

    /// The account of a row, which must already be known. Rows of one account come together
    /// (a meter's six readings): the last answer is kept.
    func accountID(_ row: inout RowView, rgk: Int64?, column: Int) throws -> Int64? {
        guard let number = row.account(column), let rgk else { return nil }
        if let last = lastAccount, last.rgk == rgk, last.number == number { return last.id }
        let found: Int64?
        if sqlite != nil {
            let find = try findAccount()
            find.bind(int: rgk, at: 1)
            find.bind(text: number, at: 2)
            defer { find.reset() }
            found = try find.step() ? find.int64(at: 0) : nil
        } else if let known = ahead.accounts[rgk]?[number] {
            found = known
        } else if ahead.askedAccounts[rgk]?.contains(number) == true {
            found = nil
        } else {
            found = try db.queryOne("SELECT id FROM account WHERE rgk_id = ? AND number = ?", rgk, number).map { try $0.int64("id") }
        }
        guard let id = found else {
            row.problem(column, .importMissingParent, .entity(.account), .text(number), "accounts")
            return nil
        }
        lastAccount = (rgk, number, id)
        return id
    }
    private var lastAccount: (rgk: Int64, number: String, id: Int64)?
    private var accountStatement: Statement?
    private func findAccount() throws -> Statement {
        if let s = accountStatement { return s }
        let s = try sqliteOnly().prepare("SELECT id FROM account WHERE rgk_id = ? AND number = ?")
        accountStatement = s
        return s
    }

    /// The meter of an account by the serial as the row writes it: exactly, else as
    /// `Meters.find` matches it (case and spaces aside).
    func meter(_ row: RowView, account: Int64, column: Int) throws -> MeterRef? {
        guard let r = row.range(column) else { return nil }
        // a meter's readings come together (six months of them): the last one found is kept
        if let last = lastMeter, last.account == account, row.utf8[r].elementsEqual(last.serial) { return last.meter }
        if let sqlite {
            let exact = try meterStatement ?? sqlite.prepare("SELECT id, digits FROM meter WHERE account_id = ? AND serial = ?")
            meterStatement = exact
            exact.bind(int: account, at: 1)
            exact.bind(utf8: row.utf8[r], at: 2)
            defer { exact.reset() }
            if try exact.step() {
                let found = MeterRef(id: exact.int64(at: 0), digits: Int(exact.int64(at: 1)))
                lastMeter = (account, Array(row.utf8[r]), found)
                return found
            }
        } else if let found = ahead.meters[account]?.first(where: { row.utf8[r].elementsEqual($0.serial) })?.meter {
            lastMeter = (account, Array(row.utf8[r]), found)
            return found
        }
        return try Meters.find(db, accountID: account, serial: String(decoding: row.utf8[r], as: UTF8.self))
    }
    private var meterStatement: Statement?
    private var lastMeter: (account: Int64, serial: [UInt8], meter: MeterRef)?

    /// An account's service of `kind` (gas, vdgo), when it has one.
    func serviceID(account: Int64, kind: String) throws -> Int64? {
        guard let sqlite else {
            if ahead.serviceAccounts.contains(account) { return ahead.services[account]?[kind] }
            return try db.queryOne("SELECT id FROM service WHERE account_id = ? AND kind = ?", account, kind).map { try $0.int64("id") }
        }
        let find = try serviceStatement ?? sqlite.prepare("SELECT id FROM service WHERE account_id = ? AND kind = ?")
        serviceStatement = find
        find.bind(int: account, at: 1)
        find.bind(text: kind, at: 2)
        defer { find.reset() }
        return try find.step() ? find.int64(at: 0) : nil
    }
    private var serviceStatement: Statement?

    /// A column's trimmed bytes, or NULL when the file lacks it or the cell is empty.
    func bind<B: ImportBinding>(_ s: B, _ row: RowView, _ column: Int, at index: Int32) {
        if let r = row.range(column) { s.bind(utf8: row.utf8[r], at: index) } else { s.bindNull(at: index) }
    }

    // MARK: looking a batch's parents up at once (PostgreSQL)

    /// The parents a batch's rows name, fetched before they are checked: each lookup of a row is
    /// a trip to the server, a batch's in one query are a few (600 000 readings: 2 400 queries,
    /// not 200 000). A key asked for and not found is known to be missing.
    struct Ahead {
        var accounts: [Int64: [String: Int64]] = [:]
        var askedAccounts: [Int64: Set<String>] = [:]
        var meters: [Int64: [(serial: [UInt8], meter: MeterRef)]] = [:]
        var services: [Int64: [String: Int64]] = [:]
        var serviceAccounts: Set<Int64> = []
    }
    private var ahead = Ahead()

    /// Fetches the accounts of column `accountColumn` of a batch's rows (the RGK as column 0 or
    /// `--rgk` names it), and their meters or services. Nothing on SQLite, whose lookups are calls
    /// into the same process.
    func lookAhead<V>(_ batch: CheckedBatch<V>, _ row: inout RowView, accountColumn: Int, meters: Bool = false, services: Bool = false) throws {
        guard sqlite == nil else { return }
        ahead = Ahead()
        var numbers: [Int64: Set<String>] = [:]
        for index in batch.records.indices where batch.problems[index] == nil {
            batch.view(index, into: &row)
            guard let rgk = rgk(of: row), let number = row.account(accountColumn) else { continue }
            numbers[rgk, default: []].insert(number)
        }
        row.problems.removeAll(keepingCapacity: true)
        row.utf8 = []
        row.ends = []
        var ids: [Int64] = []
        for (rgk, asked) in numbers {
            ahead.askedAccounts[rgk] = asked
            for found in try db.query("SELECT number, id FROM account WHERE rgk_id = ? AND \(db.sql.isIn("number", of: .text))",
                                      rgk, SQLList(texts: asked)) {
                let id = try found.int64("id")
                ahead.accounts[rgk, default: [:]][try found.string("number")] = id
                ids.append(id)
            }
        }
        guard !ids.isEmpty else { return }
        if meters {
            for found in try db.query("SELECT account_id, serial, id, digits FROM meter WHERE \(db.sql.isIn("account_id"))", SQLList(ids)) {
                let meter = try MeterRef(id: found.int64("id"), digits: found.int("digits"))
                ahead.meters[try found.int64("account_id"), default: []].append((Array(try found.string("serial").utf8), meter))
            }
        }
        if services {
            ahead.serviceAccounts = Set(ids)
            for found in try db.query("SELECT account_id, kind, id FROM service WHERE \(db.sql.isIn("account_id"))", SQLList(ids)) {
                ahead.services[try found.int64("account_id"), default: [:]][try found.string("kind")] = try found.int64("id")
            }
        }
    }

    /// The RGK a row names (column 0, or `--rgk`), as `rgkID` finds it, without a word about a
    /// wrong one (its check says that).
    private func rgk(of row: RowView) -> Int64? {
        guard row.map[0] != nil else { return fillRGK }
        guard let r = row.range(0), let id = rgks[String(decoding: row.utf8[r], as: UTF8.self).lowercased()] else { return nil }
        return fillRGK == nil || fillRGK == id ? id : nil
    }

    static let serviceWords = CodeWords([
        "gas": "gas", "газ": "gas", "природный газ": "gas", "газоснабжение": "gas", "поставка газа": "gas",
        "vdgo": "vdgo", "то вдго": "vdgo", "вдго": "vdgo", "техническое обслуживание вдго": "vdgo", "то": "vdgo",
    ])
}

/// One column of an upsert. `value` is the SQL of the inserted value ("?" is its parameter);
/// `update` what an existing row gets (default: the inserted value); `from` is the file's
/// column it comes from, when the file may lack it.
struct UpsertColumn {
    let name: String
    var from: Int?
    var value = "?"
    var update: String?
    var compared = true
    /// false: set by the insert only (created_at)
    var updated = true
    /// The import's own time (the same in every row): staged rows leave it out, their write
    /// binds it once — 20 bytes less per staged row, of ~50 (6M readings: 290 MB of temporary file).
    var importTime = false
}

/// An upsert by natural key and the read-only comparison that tells what it would do, from one
/// description: INSERT … ON CONFLICT DO UPDATE whose WHERE is false when nothing differs (so
/// inserted, updated and unchanged are told apart), and a SELECT of that WHERE by the key.
/// Columns the file lacks are neither updated nor compared. Parameters are numbered in the
/// order of `key + columns`, the same in both statements, so one binding serves both.
struct Upsert {
    let write: String
    let compare: String
    /// the two statements, prepared once (a statement looked up by its text each row costs a hash of it)
    private let prepared = Prepared()
    private final class Prepared {
        var write: Statement?
        var compare: Statement?
        var stage: Statement?
    }

    func stageStatement(_ db: Database, _ batch: Batch) throws -> Statement {
        if let s = prepared.stage { return s }
        let s = try db.prepare(batch.stage)
        prepared.stage = s
        return s
    }

    /// key + columns: the parameters of both statements
    let parameters: Int
    /// The same upsert, comparison and staged write in PostgreSQL's words (`Upsert.PostgreSQL`).
    let pg: PostgreSQL

    func writeStatement(_ db: Database) throws -> Statement {
        if let s = prepared.write { s.reset(); return s }
        let s = try db.prepare(write)
        prepared.write = s
        return s
    }

    func compareStatement(_ db: Database) throws -> Statement {
        if let s = prepared.compare { s.reset(); return s }
        let s = try db.prepare(compare)
        prepared.compare = s
        return s
    }

    /// Staged (`UpsertKind.stage`): the checking pass keeps each good row in a temporary table,
    /// one column per parameter and `n` its row in the file; the writing pass then writes a
    /// range of them with one INSERT … SELECT … ON CONFLICT — the engine's own pace, without
    /// reading or checking the file again. Nil where a column updates by an expression of its own.
    let batch: Batch?
    struct Batch {
        /// ?1 … ?N the parameters, ?N+1 the row's number
        let stage: String
        let create: String
        /// the rows after ?1 through ?2; ?3 the import batch (import_batch_id), ?4 the import's time
        let write: String
        /// the table's last id before a write: the rows after it are the ones the write inserted
        let lastID: String
        let insertedAfter: String
        /// the rows staged in the range
        let staged: String
        /// how many of ?1 … ?4 `write` takes
        let parameters: Int
    }

    /// The column of `temp.import_rows` that keeps the parameter at `offset` of `key + columns`.
    static func stagedColumn(_ offset: Int) -> String { "p\(offset + 1)" }

    init(_ table: String, key: [UpsertColumn], _ columns: [UpsertColumn], present: [Bool], keyFilter: String = "") {
        let all = key + columns
        parameters = all.count
        pg = PostgreSQL(table, key: key, columns, present: present, keyFilter: keyFilter)
        func numbered(_ sql: String, _ index: Int) -> String { sql.replacingOccurrences(of: "?", with: "?\(index + 1)") }
        func staged(_ sql: String, _ index: Int) -> String { sql.replacingOccurrences(of: "?", with: "r." + Self.stagedColumn(index)) }
        var set: [String] = [], differs: [String] = []
        var batchSet: [String] = [], batchDiffers: [String] = []
        for (offset, c) in columns.enumerated() where c.updated && (c.from.map { present[$0] } ?? true) {
            let update = numbered(c.update ?? c.value, key.count + offset)
            set.append("\(c.name) = \(update)")
            batchSet.append("\(c.name) = excluded.\(c.name)")
            if c.compared {
                differs.append("\(c.name) IS NOT \(update)")
                batchDiffers.append("\(c.name) IS NOT excluded.\(c.name)")
            }
        }
        let target = " ON CONFLICT (\(key.map(\.name).joined(separator: ", ")))" + (keyFilter.isEmpty ? "" : " WHERE \(keyFilter)")
        if columns.allSatisfy({ $0.update == nil }) {
            let parameters = (1...all.count)
            let range = "r.n > ?1 AND r.n <= ?2"
            // the import batch is known only when the writing pass begins; it and the import's time
            // are bound by the write, not kept in each staged row
            let perImport = { (c: UpsertColumn) in c.name == "import_batch_id" || c.importTime }
            let value = { (c: UpsertColumn, offset: Int) in
                c.name == "import_batch_id" ? "?3" : c.importTime ? "?4" : staged(c.value, offset)
            }
            batch = Batch(
                // a value the write binds itself is kept as NULL (the parameter still named, so that
                // the row's binding fits the statement)
                stage: "INSERT INTO temp.import_rows VALUES (?\(all.count + 1), "
                    + parameters.map { perImport(all[$0 - 1]) ? "nullif(?\($0), ?\($0))" : "?\($0)" }.joined(separator: ", ") + ")",
                create: "CREATE TEMP TABLE import_rows (n INTEGER PRIMARY KEY, " + parameters.map { Self.stagedColumn($0 - 1) }.joined(separator: ", ") + ")",
                write: "INSERT INTO \(table) (\(all.map(\.name).joined(separator: ", "))) SELECT "
                    + all.enumerated().map { value($0.element, $0.offset) }.joined(separator: ", ")
                    + " FROM temp.import_rows r WHERE \(range) ORDER BY r.n" + target
                    + (batchDiffers.isEmpty ? " DO NOTHING" : " DO UPDATE SET \(batchSet.joined(separator: ", ")) WHERE \(batchDiffers.joined(separator: " OR "))"),
                lastID: "SELECT coalesce(max(id), 0) FROM \(table)",
                insertedAfter: "SELECT count(*) FROM \(table) WHERE id > ?",
                staged: "SELECT count(*) FROM temp.import_rows r WHERE \(range)",
                parameters: all.contains(where: \.importTime) ? 4 : all.contains { $0.name == "import_batch_id" } ? 3 : 2)
        } else {
            batch = nil
        }
        var sql = "INSERT INTO \(table) (\(all.map(\.name).joined(separator: ", "))) VALUES ("
            + all.enumerated().map { numbered($0.element.value, $0.offset) }.joined(separator: ", ") + ")"
            + " ON CONFLICT (\(key.map(\.name).joined(separator: ", ")))" + (keyFilter.isEmpty ? "" : " WHERE \(keyFilter)")
        sql += differs.isEmpty ? " DO NOTHING" : " DO UPDATE SET \(set.joined(separator: ", ")) WHERE \(differs.joined(separator: " OR "))"
        write = sql
        // every parameter is named in the comparison too, so that the write's binding fits it
        let where_ = key.enumerated().map { "\($0.element.name) = ?\($0.offset + 1)" } + (keyFilter.isEmpty ? [] : [keyFilter])
        compare = "SELECT " + (differs.isEmpty ? "0" : differs.joined(separator: " OR ")) + ", "
            + (1...all.count).map { "?\($0)" }.joined(separator: ", ")
            + " FROM \(table) WHERE " + where_.joined(separator: " AND ")
    }

    /// Runs the write. An insert sets the last rowid, an update does not: zero it first to tell them apart.
    static func run(_ statement: Statement, _ db: Database) throws -> ImportOutcome {
        db.lastInsertRowID = 0
        try statement.execute()
        if db.changes == 0 { return .unchanged }
        return db.lastInsertRowID != 0 ? .inserted : .updated
    }

    /// Runs the comparison: no row is an insert, a row that differs an update.
    static func compare(_ statement: Statement) throws -> ImportOutcome {
        defer { statement.reset() }
        guard try statement.step() else { return .inserted }
        return statement.int64(at: 0) == 0 ? .unchanged : .updated
    }
}

/// The kinds that are one upsert per row: `bind` fills the parameters both statements share.
protocol UpsertKind: ImportKindType {
    var ctx: ImportContext { get }
    var upsert: Upsert { get }
    func bind<B: ImportBinding>(_ s: B, _ row: RowView, _ values: Values) throws
    /// After an insert (a new RGK: the codes are read again).
    func inserted() throws
}

extension UpsertKind {
    var stagesRows: Bool { upsert.batch != nil }
    var stagedUpsert: Upsert? { upsert.batch != nil ? upsert : nil }

    func stage(_ batch: CheckedBatch<Values>, _ row: inout RowView, first: Int) throws {
        guard let sql = upsert.batch else { return }
        if let copy = ctx.copy {
            try upsert.pg.stage(batch, &row, first: first, into: copy) { try bind($0, $1, $2) }
            return
        }
        let db = try ctx.sqliteOnly()
        if !ctx.staging {
            try db.execute("DROP TABLE IF EXISTS temp.import_rows")
            try db.execute(sql.create)
            ctx.staging = true
        }
        let stage = try upsert.stageStatement(db, sql)
        let number = Int32(upsert.parameters + 1)
        for index in batch.records.indices {
            guard let values = batch.values[index] else { continue }
            batch.view(index, into: &row)
            try bind(stage, row, values)
            stage.bind(int: Int64(first + index), at: number)
            try stage.execute()
        }
    }

    func unstage() throws {
        if ctx.staging { try ctx.sqliteOnly().execute("DELETE FROM temp.import_rows") }
    }

    func writeStaged(after: Int, through: Int) throws -> (inserted: Int, updated: Int, unchanged: Int, rows: Int) {
        try upsertStaged(after: after, through: through)
    }

    func upsertStaged(after: Int, through: Int) throws -> (inserted: Int, updated: Int, unchanged: Int, rows: Int) {
        guard let sql = upsert.batch else { throw MyGazError(.internalError, .internalError, "no staged rows for this kind") }
        let db = try ctx.sqliteOnly()
        let range: [SQLBindable?] = [after, through]
        let staged = try db.queryOne(sql.staged, arguments: range)?.int(0) ?? 0
        guard staged > 0 else { return (0, 0, 0, 0) }
        // SQLite writes the selected rows one after another in the file's order (ORDER BY r.n), each
        // seeing those before it: a key named twice is inserted, then updated or left, as row by
        // row. Each insert and each update is a change (an unchanged row fails the WHERE), and
        // nobody else writes meanwhile: the rows after the table's last id are the inserted ones.
        let last = try db.queryOne(sql.lastID, arguments: [])?.int64(0) ?? 0
        let changed = try db.run(sql.write, arguments: Array((range + [ctx.batchID, ctx.now]).prefix(sql.parameters)))
        let inserted = try db.queryOne(sql.insertedAfter, arguments: [last])?.int(0) ?? 0
        return (inserted, changed - inserted, staged - changed, staged)
    }

    func write(_ row: RowView, _ values: Values) throws -> ImportOutcome {
        let outcome: ImportOutcome
        if let sqlite = ctx.sqlite {
            let s = try upsert.writeStatement(sqlite)
            try bind(s, row, values)
            outcome = try Upsert.run(s, sqlite)
        } else {
            outcome = try upsert.pg.write(ctx.db) { try bind($0, row, values) }
        }
        if outcome == .inserted { try inserted() }
        return outcome
    }

    func outcome(_ row: RowView, _ values: Values) throws -> ImportOutcome {
        guard let sqlite = ctx.sqlite else { return try upsert.pg.outcome(ctx.db) { try bind($0, row, values) } }
        let s = try upsert.compareStatement(sqlite)
        try bind(s, row, values)
        return try Upsert.compare(s)
    }

    func inserted() throws {}
}
