import Foundation

/// `import accounts`: personal accounts and their holders, by RGK and number. Staged and written
/// a range at a time like the other kinds; their trigrams (`account_search`) are written once per
/// write transaction, not row by row (`DeferredAccountSearch`).
final class AccountsKind: UpsertKind {
    struct Values: Sendable {
        var rgk: Int64
        var number: String
        /// a Russian mobile as logins are kept (`+79815676522`), so a search by phone finds it;
        /// nil for anything else (a landline), which is kept as the file wrote it
        var phone: String?
        var residents: Int64?
        var area: Double?
        var status: String
    }

    static let kind = ImportKind.accounts
    static let columns = [
        ImportColumn("rgk", ["ргк", "код ргк"]), ImportColumn("account", ["лицевой_счет", "лицевой счет", "лс", "номер лс", "номер лицевого счета"], required: true),
        ImportColumn("surname", ["фамилия"]), ImportColumn("name", ["имя"]), ImportColumn("patronymic", ["отчество"]),
        ImportColumn("address", ["адрес"]), ImportColumn("phone", ["телефон"]), ImportColumn("residents", ["проживающих", "количество проживающих"]),
        ImportColumn("heated_area", ["отапливаемая_площадь", "отапливаемая площадь", "площадь"]), ImportColumn("status", ["статус", "состояние"]),
    ]
    static let statusWords = CodeWords(["open": "open", "открыт": "open", "открытый": "open", "действует": "open",
                                        "действующий": "open", "активен": "open", "closed": "closed", "закрыт": "closed",
                                        "закрытый": "closed", "архив": "closed"])
    let ctx: ImportContext
    let upsert: Upsert

    static let key = [UpsertColumn(name: "rgk_id"), UpsertColumn(name: "number")]
    static let written = [
        UpsertColumn(name: "surname", from: 2), UpsertColumn(name: "name", from: 3), UpsertColumn(name: "patronymic", from: 4),
        UpsertColumn(name: "address", from: 5), UpsertColumn(name: "phone", from: 6), UpsertColumn(name: "residents", from: 7),
        UpsertColumn(name: "heated_area", from: 8), UpsertColumn(name: "status", from: 9),
        UpsertColumn(name: "updated_at", compared: false, importTime: true),
    ]

    /// The staged columns the search index is made of, and the file's column each comes from.
    static let indexed: [DeferredAccountSearch.StagedColumn] = (key + written).enumerated().compactMap { offset, column in
        guard let from = column.from, SearchIndex.accounts.watchedColumns.contains(column.name) else { return nil }
        return DeferredAccountSearch.StagedColumn(fileColumn: from, name: column.name, staged: Upsert.stagedColumn(offset))
    }

    init(_ ctx: ImportContext) throws {
        self.ctx = ctx
        upsert = Upsert("account", key: Self.key, Self.written, present: ctx.present)
    }

    /// nil until the writing pass writes, and where the index's triggers are not alone on `account`
    private var search: DeferredAccountSearch?
    private var searchChecked = false

    func writeStaged(after: Int, through: Int) throws -> (inserted: Int, updated: Int, unchanged: Int, rows: Int) {
        if !searchChecked {
            searchChecked = true
            search = try DeferredAccountSearch(ctx.sqliteOnly(), indexed: Self.indexed, present: ctx.present)
        }
        try beforeStagedWrite(after: after, through: through)
        try search?.willWrite(after: after, through: through)
        return try upsertStaged(after: after, through: through)
    }

    /// nil until asked: whether a desk change of a holder's phone is in force at all
    private var deskChanges: Bool?

    /// A holder's phone changed at the desk after the file's date is not undone by it
    /// (`HolderPhone.keep`): the staged rows take the desk's phone, the conflicts are kept.
    func beforeStagedWrite(after: Int, through: Int) throws {
        guard ctx.present.indices.contains(6), ctx.present[6] else { return }
        if deskChanges == nil { deskChanges = try HolderPhone.anyInForce(ctx.db) }
        guard deskChanges == true else { return }
        ctx.phoneConflicts += try HolderPhone.keep(ctx.db, staged: "import_rows", phoneColumn: Upsert.stagedColumn(6), after: after,
                                                   through: through, asOf: ctx.asOf, batchID: ctx.batchID, now: ctx.now)
    }

    func endPart(secondsLeft: Double) throws { try search?.endPart(secondsLeft: secondsLeft) }
    var owesWork: Bool { search?.owesMerging ?? false }
    func endPartSeconds(adding rows: Int) -> Double { search?.expectedSeconds(adding: rows) ?? 0 }
    func endWriting() { search?.finish() }

    func check(_ row: inout RowView) throws -> Values? {
        let rgk = ctx.rgkID(&row)
        let number = row.account(1)
        let phone = row.range(6).flatMap { Contact.phone(utf8: row.utf8[$0]) }
        let residents = row.int(7, min: 0, max: 1000)
        let area = row.decimal(8, min: 0)
        let status = row.code(9, Self.statusWords, allowed: "открыт, закрыт") ?? "open"
        guard let rgk, let number, row.problems.isEmpty else { return nil }
        return Values(rgk: rgk, number: number, phone: phone, residents: residents, area: area, status: status)
    }

    func bind<B: ImportBinding>(_ s: B, _ row: RowView, _ v: Values) throws {
        s.bind(int: v.rgk, at: 1)
        s.bind(text: v.number, at: 2)
        for column in 2...5 { ctx.bind(s, row, column, at: Int32(column + 1)) }
        if let phone = v.phone { s.bind(text: phone, at: 7) } else { ctx.bind(s, row, 6, at: 7) }
        s.bind(optionalInt: v.residents, at: 8)
        try s.bind(v.area.sqlValue, at: 9)
        s.bind(text: v.status, at: 10)
        s.bind(text: ctx.now, at: 11)
    }

    func key(_ row: RowView, _ v: Values) -> [SQLBindable?] { [v.rgk, v.number] }
}

/// `account_search` written at the end of each write transaction of an import, instead of by its
/// triggers row by row. FTS5 writes what it holds in memory as a new part of its index whenever a
/// statement that can be undone alone begins (a statement journal: every upsert of many rows), so
/// the triggers wrote a part per statement and merged the parts over and over (1M accounts: 109 s
/// a row at a time, 14 s without the index). Here the import's connection fires no triggers
/// (every other connection still does), the old text of each account whose indexed words change
/// is kept before its upsert, and before COMMIT two statements write the part's trigrams, flushed
/// as one new part. Used only where the index's three triggers are all the triggers on `account`:
/// one the portal adds keeps working, and the triggers write the index as before.
///
/// FTS5 merges its parts by itself when it flushes, 64 × levels pages each time its count of pages
/// written passes a multiple of 64: a quantum that fell in some transactions and not others held
/// the write lock up to 175 ms. So while the trigrams are flushed it merges nothing (`automerge`
/// 0), and the merging is done in small steps in what is left of each transaction's time, of the
/// parts it would have merged itself (`usermerge` its `automerge`); both settings are put back
/// before COMMIT, so no other connection ever sees them. The transactions are sized for the
/// merging as for the trigrams, and what is left of it when the rows are done gets transactions
/// of its own (`owesMerging`).
final class DeferredAccountSearch {
    let db: Database
    /// `capture(present:)` for the file's columns
    private let capture: String?
    /// The table's last id when the open transaction first wrote: the ids after it are new
    private var lastID: Int64?
    /// staged rows written in the open transaction, and the seconds their trigrams take per row
    private var pendingRows = 0
    private var secondsPerRow = 30e-6
    /// the index's own settings (nil: unset), put back before each COMMIT
    private let automerge: Int?
    private let usermerge: Int?
    /// the seconds a page of merging takes, and those a transaction is expected to merge for
    private var secondsPerPage = 200e-6
    private(set) var mergeSeconds = 0.01
    /// whether the last merging ended for want of time rather than of parts to merge
    private(set) var owesMerging = false

    /// Pages merged by one step at most, and the most of a transaction's time given to merging.
    static let pagesPerStep = 64
    static let mostMergeSeconds = 0.05

    /// A column of `account` the index is made of, as the file and the staged rows hold it.
    struct StagedColumn: Sendable {
        let fileColumn: Int
        let name: String
        let staged: String
    }

    /// The table the old text is kept in until the transaction ends.
    static let before = "CREATE TEMP TABLE IF NOT EXISTS account_search_before (id INTEGER PRIMARY KEY, holder, address, phone)"

    /// Keeps the old text of the accounts the staged rows ?1 < n <= ?2 change; nil when the file
    /// has none of the indexed columns. The staged rows lead and each looks its account up (CROSS
    /// JOIN: the planner, knowing nothing of a temporary table, read the accounts in order instead).
    static func capture(_ indexed: [StagedColumn], present: [Bool]) -> String? {
        let differs = indexed.filter { present.indices.contains($0.fileColumn) && present[$0.fileColumn] }
            .map { "a.\($0.name) IS NOT r.\($0.staged)" }
        return differs.isEmpty ? nil : """
            INSERT OR IGNORE INTO temp.account_search_before (id, holder, address, phone)
            SELECT a.id, \(SearchIndex.holder("a")), a.address, a.phone
            FROM temp.import_rows r CROSS JOIN account a ON a.rgk_id = r.p1 AND a.number = r.p2
            WHERE r.n > ?1 AND r.n <= ?2 AND (\(differs.joined(separator: " OR ")))
            """
    }

    /// The old text of the changed accounts out of the index (?1: the last id before the transaction).
    static let removeOld = """
        INSERT INTO account_search (account_search, rowid, holder, address, phone)
        SELECT 'delete', id, holder, address, phone FROM temp.account_search_before WHERE id <= ?1
        """

    /// The text of the new accounts and the new text of the changed ones into it: the new ones
    /// by their ids, the changed ones each by its id (CROSS JOIN: the planner read every older
    /// account instead, a part at a time: 83 s for 1M accounts, not 30).
    static let addNew = """
        INSERT INTO account_search (rowid, holder, address, phone)
        SELECT id, holder, address, phone FROM account_search_text WHERE id > ?1
        UNION ALL
        SELECT t.id, t.holder, t.address, t.phone FROM temp.account_search_before b CROSS JOIN account_search_text t ON t.id = b.id
        WHERE b.id <= ?1
        """

    init?(_ db: Database, indexed: [StagedColumn], present: [Bool]) throws {
        let index = SearchIndex.accounts.triggers
        guard try db.triggers(on: "account") == [index.insert, index.delete, index.update] else { return nil }
        self.db = db
        capture = Self.capture(indexed, present: present)
        automerge = try db.searchSetting(.accounts, "automerge")
        usermerge = try db.searchSetting(.accounts, "usermerge")
        try db.execute(Self.before)
        try db.execute("DELETE FROM temp.account_search_before")
        try db.setTriggers(enabled: false)
    }

    /// Before the staged rows after `after` through `through` are upserted.
    func willWrite(after: Int, through: Int) throws {
        if lastID == nil { lastID = Int64(try db.scalarInt("SELECT coalesce(max(id), 0) FROM account") ?? 0) }
        // an account met twice in one transaction keeps its first text: the one in the index
        if let capture { try db.run(capture, after, through) }
        pendingRows += through - after
    }

    /// The trigrams of the accounts the transaction inserted, and of those it changed in place of
    /// their old ones: the deletions first, then one statement of insertions (FTS5 would flush
    /// what it holds at the start of a second), flushed as a new part while FTS5 merges nothing;
    /// then merging in steps for what is left of the transaction's `secondsLeft`.
    func endPart(secondsLeft: Double) throws {
        guard lastID != nil || owesMerging else { return }
        let began = DispatchTime.now().uptimeNanoseconds
        func elapsed() -> Double { Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9 }
        try db.setSearchSetting(.accounts, "automerge", 0)
        try db.setSearchSetting(.accounts, "usermerge", automerge ?? SearchIndex.defaultMerge)
        if let last = lastID {
            try db.run(Self.removeOld, last)
            try db.run(Self.addNew, last)
            try db.flushSearchIndexes()
            try db.execute("DELETE FROM temp.account_search_before")
            if pendingRows > 0 { secondsPerRow = Database.ChunkedWrite.expected(after: secondsPerRow, measured: elapsed() / Double(pendingRows)) }
        }
        let merging = elapsed()
        var merged = true
        var steps = 0
        while merged {
            // one small step at least, however late: the merging keeps going, and ends
            let least = steps == 0 ? Self.pagesPerStep / 4 : 0
            let pages = max(least, Int(min(Double(Self.pagesPerStep), (secondsLeft - elapsed()) / secondsPerPage)))
            guard pages >= Self.pagesPerStep / 4 else { break }
            let stepBegan = elapsed()
            merged = try db.mergeStep(.accounts, pages: pages)
            if merged { secondsPerPage = Database.ChunkedWrite.expected(after: secondsPerPage, measured: (elapsed() - stepBegan) / Double(pages)) }
            steps += 1
        }
        owesMerging = merged
        mergeSeconds = Self.mergeSeconds(after: mergeSeconds, spent: elapsed() - merging, short: merged)
        try db.setSearchSetting(.accounts, "automerge", automerge)
        try db.setSearchSetting(.accounts, "usermerge", usermerge)
        lastID = nil
        pendingRows = 0
    }

    /// The seconds the next transaction keeps for merging, after `estimate` and one that merged for
    /// `spent` and was cut `short` by its time (more was there to merge): more by a tenth each
    /// time, up to `mostMergeSeconds`, or toward what was needed.
    static func mergeSeconds(after estimate: Double, spent: Double, short: Bool) -> Double {
        short ? min(mostMergeSeconds, estimate * 1.1 + 0.002) : estimate * 0.8 + spent * 0.2
    }

    func expectedSeconds(adding rows: Int) -> Double { Double(pendingRows + rows) * secondsPerRow + mergeSeconds }

    /// The connection fires triggers again.
    func finish() {
        try? db.setTriggers(enabled: true)
        try? db.execute("DROP TABLE IF EXISTS temp.account_search_before")
    }
}
