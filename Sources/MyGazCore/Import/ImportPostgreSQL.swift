import Foundation

/// Where a kind binds a row's parameters (`UpsertKind.bind`): a SQLite statement, or the values
/// of a row for PostgreSQL (a statement's arguments, a row of the staging table's `COPY`).
protocol ImportBinding {
    func bind(int value: Int64, at index: Int32)
    func bind(text value: String, at index: Int32)
    func bindNull(at index: Int32)
    func bind(utf8 bytes: ArraySlice<UInt8>, at index: Int32)
    func bind(optionalText value: String?, at index: Int32)
    func bind(optionalInt value: Int64?, at index: Int32)
    func bind(_ value: SQLValue, at index: Int32) throws
}

extension Statement: ImportBinding {}

/// A row's parameters as values, numbered from 1 as a statement's are.
final class ImportValues: ImportBinding {
    private(set) var values: [SQLValue]
    private var row: [SQLValue] = []

    init(count: Int) { values = Array(repeating: .null, count: count) }

    func reset() {
        for i in values.indices { values[i] = .null }
    }

    func bind(int value: Int64, at index: Int32) { values[Int(index) - 1] = .integer(value) }
    func bind(text value: String, at index: Int32) { values[Int(index) - 1] = .text(value) }
    func bindNull(at index: Int32) { values[Int(index) - 1] = .null }
    func bind(utf8 bytes: ArraySlice<UInt8>, at index: Int32) { values[Int(index) - 1] = .text(String(decoding: bytes, as: UTF8.self)) }
    func bind(optionalText value: String?, at index: Int32) { values[Int(index) - 1] = value.map { .text($0) } ?? .null }
    func bind(optionalInt value: Int64?, at index: Int32) { values[Int(index) - 1] = value.map { .integer($0) } ?? .null }
    func bind(_ value: SQLValue, at index: Int32) throws { values[Int(index) - 1] = value }

    /// The values at `offsets` (0-based), then `number`: a row of the staging table.
    func staged(_ offsets: [Int], number: Int) -> [SQLValue] {
        row.removeAll(keepingCapacity: true)
        for offset in offsets { row.append(values[offset]) }
        row.append(.integer(Int64(number)))
        return row
    }
}

extension Upsert {
    /// The upsert in PostgreSQL's words, from the same description: the row's own upsert and
    /// comparison (for the kinds written row by row, and a dry run of them), and the bulk path —
    /// a temporary staging table typed as the table is, loaded with `COPY`, then one
    /// `INSERT … SELECT … ON CONFLICT … DO UPDATE … WHERE (changed)` for all its rows.
    ///
    /// What differs from SQLite's: `IS DISTINCT FROM` (PostgreSQL's `IS NOT` is for NULL and
    /// booleans), the existing row named by its table in `DO UPDATE` (an unqualified column is
    /// ambiguous beside `excluded`), a `?` per use with the parameters it takes listed (a
    /// parameter no statement names has no type), and the counts from `RETURNING (xmax = 0)`:
    /// a row the statement inserted has no `xmax`, one it updated has its own.
    struct PostgreSQL {
        /// A statement and the parameters (offsets in key + columns) its `?`s take, in order.
        struct Bound {
            let sql: String
            let parameters: [Int]

            func arguments(_ values: ImportValues) -> [SQLBindable?] { parameters.map { values.values[$0] } }
        }

        /// One row: `RETURNING (xmax = 0) AS inserted`; no row back: nothing changed.
        let write: Bound
        /// `differs` (0 or 1) of the row by its key; no row: a new one.
        let compare: Bound
        let parameters: Int
        /// The bulk path; nil where a column updates by an expression of its own (as `Upsert.batch`).
        let staged: Staged?

        /// The staging table `import_rows` (`n` the row's line in the file, `p…` the parameters a
        /// row brings) and what is done with it.
        struct Staged {
            /// The parameters (offsets) the table keeps, as `p1`… (`Upsert.stagedColumn`).
            let kept: [Int]
            let create: String
            let copy: String
            /// Every staged row at once; `perImport` are its `?`s. Answers `inserted` and `changed`.
            let write: String
            /// The same for the rows of one round (`k`: which time the file names the key), its `?` last.
            let writeRound: String
            let perImport: [PerImport]
            /// Numbers each row's time of naming its key (`k`), for the rounds.
            let rounds: String
            /// The dry run's counts as SQLite's tells them row by row: each row compared with the
            /// table, a key named again after a new one counted as an update.
            let estimate: String
        }

        /// What a staged write binds once for all its rows.
        enum PerImport { case batch, time }

        static let table = "import_rows"

        /// The table written.
        let target: String

        init(_ table: String, key: [UpsertColumn], _ columns: [UpsertColumn], present: [Bool], keyFilter: String) {
            target = table
            let all = key + columns
            parameters = all.count
            let names = all.map(\.name).joined(separator: ", ")
            let conflict = " ON CONFLICT (\(key.map(\.name).joined(separator: ", ")))" + (keyFilter.isEmpty ? "" : " WHERE \(keyFilter)")
            /// `sql` with each `?` taking the parameter at `offset`.
            func bound(_ sql: String, _ offset: Int, _ parameters: inout [Int]) -> String {
                parameters += Array(repeating: offset, count: sql.filter { $0 == "?" }.count)
                return sql
            }
            /// An update's own column (`coalesce(?, max_monthly_m3)`) is the existing row's: named by its table.
            func qualified(_ sql: String, _ column: String) -> String {
                sql.replacingOccurrences(of: #"(?<![\w.])\#(column)(?!\w)"#, with: "\(table).\(column)", options: .regularExpression)
            }
            var valueParameters: [Int] = [], setParameters: [Int] = [], differParameters: [Int] = []
            let values = all.enumerated().map { bound($0.element.value, $0.offset, &valueParameters) }
            var set: [String] = [], differs: [String] = [], batchSet: [String] = [], batchDiffers: [String] = []
            var estimateDiffers: [String] = []
            for (offset, c) in columns.enumerated() where c.updated && (c.from.map { present[$0] } ?? true) {
                let update = qualified(c.update ?? c.value, c.name)
                set.append("\(c.name) = " + bound(update, key.count + offset, &setParameters))
                batchSet.append("\(c.name) = excluded.\(c.name)")
                if c.compared {
                    differs.append("\(table).\(c.name) IS DISTINCT FROM " + bound(update, key.count + offset, &differParameters))
                    batchDiffers.append("\(table).\(c.name) IS DISTINCT FROM excluded.\(c.name)")
                    estimateDiffers.append("\(table).\(c.name) IS DISTINCT FROM "
                                           + c.value.replacingOccurrences(of: "?", with: "r." + Upsert.stagedColumn(key.count + offset)))
                }
            }
            write = Bound(
                sql: "INSERT INTO \(table) (\(names)) VALUES (\(values.joined(separator: ", ")))" + conflict
                    + (differs.isEmpty ? " DO NOTHING" : " DO UPDATE SET \(set.joined(separator: ", ")) WHERE \(differs.joined(separator: " OR "))")
                    + " RETURNING (xmax = 0) AS inserted",
                parameters: valueParameters + (differs.isEmpty ? [] : setParameters + differParameters))
            var keyParameters: [Int] = []
            let keyMatch = key.enumerated().map { "\($0.element.name) = " + bound("?", $0.offset, &keyParameters) } + (keyFilter.isEmpty ? [] : [keyFilter])
            compare = Bound(
                sql: "SELECT " + (differs.isEmpty ? "0" : "CASE WHEN \(differs.joined(separator: " OR ")) THEN 1 ELSE 0 END")
                    + " AS differs FROM \(table) WHERE " + keyMatch.joined(separator: " AND "),
                parameters: differParameters + keyParameters)

            guard columns.allSatisfy({ $0.update == nil }) else {
                staged = nil
                return
            }
            // the import batch and the import's time are bound once by the write, not kept in each row
            let perImport = { (c: UpsertColumn) -> PerImport? in c.name == "import_batch_id" ? .batch : c.importTime ? .time : nil }
            let kept = all.indices.filter { perImport(all[$0]) == nil && all[$0].value.contains("?") }
            var bindsOnce: [PerImport] = []
            let selected = all.enumerated().map { offset, c -> String in
                switch perImport(c) {
                case .batch?:
                    bindsOnce.append(.batch)
                    return "CAST(? AS bigint)"
                case .time?:
                    bindsOnce.append(.time)
                    return "CAST(? AS text)"
                case nil:
                    return c.value.replacingOccurrences(of: "?", with: "r." + Upsert.stagedColumn(offset))
                }
            }
            let rows = Self.table
            let keys = key.indices.map { Upsert.stagedColumn($0) }.joined(separator: ", ")
            func written(_ filter: String) -> String {
                "WITH w AS (INSERT INTO \(table) (\(names)) SELECT \(selected.joined(separator: ", ")) FROM \(rows) r\(filter) ORDER BY r.n"
                    + conflict
                    + (batchDiffers.isEmpty ? " DO NOTHING"
                       : " DO UPDATE SET \(batchSet.joined(separator: ", ")) WHERE \(batchDiffers.joined(separator: " OR "))")
                    + " RETURNING (xmax = 0) AS inserted) SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) AS changed FROM w"
            }
            let found = "\(table).\(key[0].name)"
            let joined = key.indices.map { "\(table).\(key[$0].name) = r.\(Upsert.stagedColumn($0))" } + (keyFilter.isEmpty ? [] : [keyFilter])
            let differing = estimateDiffers.isEmpty ? "false" : "(" + estimateDiffers.joined(separator: " OR ") + ")"
            staged = Staged(
                kept: kept,
                create: "CREATE TEMP TABLE \(rows) AS SELECT CAST(0 AS bigint) AS n, "
                    + kept.map { "\(all[$0].name) AS \(Upsert.stagedColumn($0))" }.joined(separator: ", ") + " FROM \(table) WITH NO DATA",
                copy: "COPY \(rows) (" + (kept.map { Upsert.stagedColumn($0) } + ["n"]).joined(separator: ", ") + ") FROM STDIN",
                write: written(""),
                writeRound: written(" WHERE r.k = CAST(? AS bigint)"),
                perImport: bindsOnce,
                rounds: "ALTER TABLE \(rows) ADD COLUMN k bigint; UPDATE \(rows) SET k = o.k FROM (SELECT n, row_number() OVER (PARTITION BY \(keys) ORDER BY n) AS k FROM \(rows)) AS o WHERE \(rows).n = o.n",
                estimate: "SELECT count(*) FILTER (WHERE \(found) IS NULL AND r.first) AS inserted, "
                    + "count(*) FILTER (WHERE (\(found) IS NULL AND NOT r.first) OR (\(found) IS NOT NULL AND \(differing))) AS updated, "
                    + "count(*) AS staged FROM (SELECT *, row_number() OVER (PARTITION BY \(keys) ORDER BY n) = 1 AS first FROM \(rows)) AS r "
                    + "LEFT JOIN \(table) ON " + joined.joined(separator: " AND "))
        }

        // MARK: row by row

        func write(_ db: any Storage, _ bind: (ImportValues) throws -> Void) throws -> ImportOutcome {
            let values = ImportValues(count: parameters)
            try bind(values)
            guard let row = try db.queryOne(write.sql, arguments: write.arguments(values)) else { return .unchanged }
            return try row.bool("inserted") ? .inserted : .updated
        }

        func outcome(_ db: any Storage, _ bind: (ImportValues) throws -> Void) throws -> ImportOutcome {
            let values = ImportValues(count: parameters)
            try bind(values)
            guard let row = try db.queryOne(compare.sql, arguments: compare.arguments(values)) else { return .inserted }
            return try row.int("differs") == 0 ? .unchanged : .updated
        }

        // MARK: the bulk path

        /// A checked batch's good rows into the staging table's load, each as `bind` gives it.
        func stage<V>(_ batch: CheckedBatch<V>, _ row: inout RowView, first: Int, into copy: PGCopyWriter,
                      _ bind: (ImportValues, RowView, V) throws -> Void) throws {
            guard let staged else { return }
            let values = ImportValues(count: parameters)
            for index in batch.records.indices {
                guard let v = batch.values[index] else { continue }
                batch.view(index, into: &row)
                values.reset()
                try bind(values, row, v)
                try copy.row(values: values.staged(staged.kept, number: first + index))
            }
        }

        /// The staged rows (`rows` of them) written, inside the caller's transaction: one statement,
        /// or — where the file names a key more than once, which one statement may not upsert
        /// twice (SQLSTATE 21000) — one a round, each key's first naming, then its second…, so that
        /// each row finds the one before it, as SQLite's row-by-row order does.
        func writeStaged(_ db: any Storage, rows: Int, batch: Int64?, now: String) throws -> (inserted: Int, updated: Int, unchanged: Int) {
            guard let staged else { throw MyGazError(.internalError, .internalError, "no staged rows for this kind") }
            guard rows > 0 else { return (0, 0, 0) }
            let once: [SQLBindable?] = staged.perImport.map { $0 == .batch ? batch : now as SQLBindable? }
            var inserted = 0, changed = 0
            do {
                let counts = try db.savepoint { try db.queryOne(staged.write, arguments: once) }
                inserted = try counts?.int("inserted") ?? 0
                changed = try counts?.int("changed") ?? 0
            } catch let error as EngineError where error.code == "21000" {
                try db.execute(staged.rounds)
                let last = try db.scalarInt("SELECT coalesce(max(k), 0) FROM \(Self.table)") ?? 0
                for round in 0..<last {
                    let counts = try db.queryOne(staged.writeRound, arguments: once + [round + 1])
                    inserted += try counts?.int("inserted") ?? 0
                    changed += try counts?.int("changed") ?? 0
                }
            }
            return (inserted, changed - inserted, rows - changed)
        }

        /// What `writeStaged` would answer, told by one read of the staged rows beside the table.
        func estimate(_ db: any Storage) throws -> (inserted: Int, updated: Int, unchanged: Int) {
            guard let staged else { throw MyGazError(.internalError, .internalError, "no staged rows for this kind") }
            try db.execute("ANALYZE \(Self.table)")
            guard let counts = try db.queryOne(staged.estimate, arguments: []) else { return (0, 0, 0) }
            let inserted = try counts.int("inserted"), updated = try counts.int("updated")
            return (inserted, updated, try counts.int("staged") - inserted - updated)
        }
    }
}

/// PostgreSQL's import: the same checking pass as SQLite's (the same rows checked, the same
/// rejects and line numbers), its good rows loaded as they are checked into a temporary staging
/// table with `COPY`; then one transaction writes them all — the import batch, one
/// `INSERT … SELECT … ON CONFLICT` (the kinds written row by row: each row's upsert), the
/// batch's counts and its audit row — so that a failure, a killed connection among them, leaves
/// nothing and the next run does it all. There is no global write lock to share: the portal
/// keeps writing meanwhile, waiting only for a row the import is writing.
extension ImportRun {
    /// Rows written by one import past which the table's statistics are made anew at its end.
    static var rowsThatNeedStatistics: Int { 10_000 }

    /// The file is read again from its start (in another encoding): the rows loaded so far go with their load.
    struct ReadAgain: Error {}

    /// The staging table, made afresh, and its load begun: the checking pass hands it each batch's good rows.
    func beginStaging(_ kind: K) throws {
        guard let pg, let staged = kind.stagedUpsert?.pg.staged else { return }
        try pg.execute("DROP TABLE IF EXISTS pg_temp.\(Upsert.PostgreSQL.table)")
        try pg.execute(staged.create)
        ctx.copy = try pg.beginCopy(staged.copy)
    }

    /// Ends the load: its rows are in the staging table, or with `stopped` none of them is.
    func endStaging(stopped: Error? = nil) throws {
        guard let pg, let copy = ctx.copy else { return }
        ctx.copy = nil
        do {
            stagedRows = try pg.endCopy(copy, stopped: stopped)
        } catch is ReadAgain {}
    }

    /// The staging table goes with the import (and with its connection, should that go first).
    func dropStagingTable() {
        guard let pg, !pg.isInTransaction else { return }
        _ = try? pg.execute("DROP TABLE IF EXISTS pg_temp.\(Upsert.PostgreSQL.table)")
    }

    /// The writing pass in one transaction.
    func writeOnServer(_ progress: ImportProgress) throws {
        guard let pg else { return }
        let began = Date()
        let kind = try K(ctx)
        defer { kind.endWriting() }
        rowsDone = 0
        try pg.write {
            let batchRGK = ctx.fillRGK ?? (checkCtx.seenRGKs.count == 1 ? checkCtx.seenRGKs.first : nil)
            report.batchID = try insertBatch(rgk: batchRGK, rowsDone: 0)
            ctx.batchID = report.batchID
            if let upsert = kind.stagedUpsert {
                try kind.beforeStagedWrite(after: 0, through: Int.max)
                let counts = try upsert.pg.writeStaged(pg, rows: stagedRows, batch: report.batchID, now: startedAt)
                report.inserted = counts.inserted
                report.updated = counts.updated
                report.unchanged = counts.unchanged
                report.rejected = report.rowsRead - stagedRows + (brokenTail ? 1 : 0)
                rowsDone = report.rowsRead
                progress(.writing, rowsDone, 1)
            } else {
                let pipeline = try rowsAgain(writing: true)
                pipeline.start()
                do {
                    try writeRowByRow(kind, pipeline, after: 0, nil, progress)
                } catch {
                    pipeline.stop()
                    throw error
                }
            }
            try recordBatch(final: true)
        }
        // no lock keeps other writers out; the rows written are held until the commit
        report.longestLockSeconds = Date().timeIntervalSince(began)
        // a large load changes what the planner should know before autovacuum comes by
        if let upsert = kind.stagedUpsert, report.inserted + report.updated >= Self.rowsThatNeedStatistics {
            try pg.refreshPlannerStatistics([upsert.pg.target])
        }
    }

    /// A dry run of the staged rows: their counts told by one query beside the table, nothing written.
    func estimateStaged(_ upsert: Upsert) throws {
        let counts = try upsert.pg.estimate(session.db)
        report.inserted = counts.inserted
        report.updated = counts.updated
        report.unchanged = counts.unchanged
        report.rejected = report.rowsRead - stagedRows + (brokenTail ? 1 : 0)
    }
}
