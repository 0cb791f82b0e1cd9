import CSQLite
import Foundation

/// The trigram indexes behind `user list --search` and `account list --search`: a piece of a
/// name, login, e-mail, username, address or phone found without reading every row (docs/scaling.md).
/// Both are FTS5 tables over our own rows (external content), kept by triggers that use only
/// SQLite's built-in functions, so the portal's writes keep them true as ours do.
public enum SearchIndex: String, CaseIterable, Sendable {
    case users = "user_search"
    case accounts = "account_search"

    /// The holder's full name of an `account` row, as SQL: what `Accounts.holderSQL` shows.
    static func holder(_ row: String) -> String {
        "trim(coalesce(\(row).surname, '') || ' ' || coalesce(\(row).name, '') || ' ' || coalesce(\(row).patronymic, ''))"
    }

    /// The indexed columns and, for each, its value in a row named `row` of the content. The
    /// users' index of migration 5 holds no username (`usernames: false`, kept as that migration
    /// made it); `usernameSearch` (version 18) makes it again with the username beside the rest.
    private func columns(usernames: Bool = true) -> [(name: String, value: (String) -> String)] {
        switch self {
        case .users:
            return (["login", "full_name", "email", "phone"] + (usernames ? ["username"] : [])).map { c in (c, { "\($0).\(c)" }) }
        case .accounts: return [("holder", { Self.holder($0) }), ("address", { "\($0).address" }), ("phone", { "\($0).phone" })]
        }
    }

    private var columns: [(name: String, value: (String) -> String)] { columns() }

    /// The indexed values, each by its name and as SQL on the row named `row` (nil: the table's
    /// bare columns, as an index expression names them). One list for both engines: FTS5's
    /// columns on SQLite, the trigram indexes of `PGSchema` on PostgreSQL, and the searches.
    func indexed(_ row: String?) -> [(name: String, sql: String)] {
        columns.map { column in
            guard let row else { return (column.name, column.value(table).replacingOccurrences(of: table + ".", with: "")) }
            return (column.name, column.value(row))
        }
    }

    /// The table the index is of.
    var table: String { self == .users ? "portal_user" : "account" }

    /// The order of a search's page: the newest users first, the accounts as they were loaded.
    var newestFirst: Bool { self == .users }

    /// The table's columns the indexed values are made of: a change of any of them changes the index.
    var watchedColumns: [String] { watchedColumns(usernames: true) }

    private func watchedColumns(usernames: Bool) -> [String] {
        self == .users ? columns(usernames: usernames).map(\.name) : ["surname", "name", "patronymic", "address", "phone"]
    }

    /// The triggers that keep the index, on inserts, deletes and updates of its table.
    var triggers: (insert: String, delete: String, update: String) {
        ("\(rawValue)_insert", "\(rawValue)_delete", "\(rawValue)_update")
    }

    /// FTS5's `automerge` and `usermerge` where the index sets none.
    static let defaultMerge = 4

    /// Created by migration 5, as it was then (no username); the statement of `rebuild` fills it from the table.
    static var schema: String {
        allCases.map { $0.definition(usernames: false) }.joined(separator: "\n")
    }

    /// Migration 17 (`usernameSearch`): the users' index made again with the username, its
    /// triggers with it, filled from the table (`rebuild`) and merged as version 7 set it.
    static var usernameSearch: String {
        let index = SearchIndex.users
        return """
            DROP TRIGGER \(index.triggers.insert);
            DROP TRIGGER \(index.triggers.delete);
            DROP TRIGGER \(index.triggers.update);
            DROP TABLE \(index.rawValue);
            \(index.definition(usernames: true))
            INSERT INTO \(index.rawValue) (\(index.rawValue), rank) VALUES ('automerge', 16);
            INSERT INTO \(index.rawValue) (\(index.rawValue), rank) VALUES ('crisismerge', 64);
            """
    }

    private func definition(usernames: Bool) -> String {
        let columns = columns(usernames: usernames)
        let names = columns.map(\.name)
        let newValues = columns.map { $0.value("new") }.joined(separator: ", ")
        let oldValues = columns.map { $0.value("old") }.joined(separator: ", ")
        let watched = watchedColumns(usernames: usernames)
        let changed = watched.map { "old.\($0) IS NOT new.\($0)" }.joined(separator: " OR ")
        // the accounts' index reads the holder's name from a view: one phrase may span surname and name
        let content: String
        var view = ""
        if self == .accounts {
            view = "CREATE VIEW account_search_text AS SELECT id, \(Self.holder("account")) AS holder, address, phone FROM account;\n"
            content = "account_search_text"
        } else {
            content = table
        }
        let insert = "INSERT INTO \(rawValue) (rowid, \(names.joined(separator: ", "))) VALUES (new.id, \(newValues));"
        let delete = "INSERT INTO \(rawValue) (\(rawValue), rowid, \(names.joined(separator: ", "))) VALUES ('delete', old.id, \(oldValues));"
        return """
            \(view)CREATE VIRTUAL TABLE \(rawValue) USING fts5(\(names.joined(separator: ", ")), content='\(content)', content_rowid='id', tokenize='trigram', columnsize=0);
            INSERT INTO \(rawValue) (\(rawValue)) VALUES ('rebuild');
            CREATE TRIGGER \(triggers.insert) AFTER INSERT ON \(table) BEGIN \(insert) END;
            CREATE TRIGGER \(triggers.delete) AFTER DELETE ON \(table) BEGIN \(delete) END;
            CREATE TRIGGER \(triggers.update) AFTER UPDATE OF \(watched.joined(separator: ", ")) ON \(table) WHEN \(changed)
            BEGIN \(delete) \(insert) END;
            """
    }

    /// The MATCH expression that finds `text` anywhere in an indexed column, in any case and with
    /// е for ё and the other way round; nil for fewer than three letters, which no trigram holds
    /// (the caller reads the rows for those).
    public static func match(_ text: String) -> String? {
        let term = text.lowercased()
        guard term.unicodeScalars.count >= 3 else { return nil }
        // the index knows case but not ё: each е or ё of the search may be either (at most 16 spellings)
        let positions = term.indices.filter { term[$0] == "е" || term[$0] == "ё" }
        var spellings: [String]
        if positions.isEmpty || positions.count > 4 {
            spellings = positions.isEmpty ? [term] : [term, term.replacingOccurrences(of: "ё", with: "е")]
        } else {
            spellings = []
            for mask in 0..<(1 << positions.count) {
                var s = ""
                var next = 0
                for i in term.indices {
                    if next < positions.count, positions[next] == i {
                        s.append(mask & (1 << next) == 0 ? "е" : "ё")
                        next += 1
                    } else {
                        s.append(term[i])
                    }
                }
                spellings.append(s)
            }
        }
        return Array(Set(spellings)).sorted().map(quoted).joined(separator: " OR ")
    }

    /// «Попова Е. Д.», «Попова Е.Д.», «Попова Е»: a surname and the initials after it; nil for
    /// anything else (a whole name is searched as it is).
    static func initials(_ text: String) -> (surname: String, initials: [String])? {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        guard words.count >= 2, words[0].count >= 2, words[0].allSatisfy({ $0.isLetter || $0 == "-" }) else { return nil }
        var initials: [String] = []
        for word in words.dropFirst() {
            let parts = word.split(separator: ".", omittingEmptySubsequences: true)
            guard !parts.isEmpty, parts.allSatisfy({ $0.count == 1 && $0.first!.isLetter }) else { return nil }
            initials += parts.map(String.init)
        }
        return initials.count <= 2 ? (words[0], initials) : nil
    }

    /// The digits of a phone's piece written with spaces, dashes, brackets or a plus (five digits
    /// at least and nothing else), so that it is found in the phone as stored; nil for other text.
    static func phoneDigits(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let digits = t.filter(\.isASCIIDigit)
        guard digits.count >= 5, digits.count < t.count, t.allSatisfy({ $0.isASCIIDigit || " -()+".contains($0) }) else { return nil }
        return digits
    }

    /// The MATCH expression that finds `text` in one indexed column only (an account's phone).
    public static func match(_ text: String, in column: String) -> String {
        "\(column) : \(quoted(text))"
    }

    /// An FTS5 string: in double quotes, a double quote doubled; nothing in it is syntax.
    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    // MARK: searching, on either engine

    /// The rows of the index's table, named `alias`, whose indexed text contains `text` (in any
    /// case, е for ё): the one question the rooms ask, rendered by each engine. SQLite asks its
    /// FTS5 table (`MATCH`, the index joined first so that it gives the rows in its order);
    /// PostgreSQL asks the trigram GIN index of each value (`mygaz_fold(value) LIKE '%…%'`, the
    /// very expressions `PGSchema` indexes). Fewer than three letters no trigram holds: the rows
    /// are read then, on both engines (their folded values; PostgreSQL keeps them in `search_text`),
    /// in the page's order until the page is full.
    ///
    /// `page`: the caller asks for nothing but the search, in the index's order (`order`,
    /// descending when `newestFirst`), at most that many rows: PostgreSQL's search function then
    /// stops there, a piece too short for a trigram too (its folded text read in that order, so a
    /// common piece costs a page, not every row). Nil when other conditions follow, which the
    /// first rows found may not meet. `scope`: the RGKs whose rows are kept (nil: every
    /// RGK), by the scope rule of the table's rows (`ScopeCondition`: an account of them; a person
    /// linked to one, or nowhere); PostgreSQL's function keeps them itself, so that a clerk's page
    /// is a page too.
    public func rows(_ db: any Storage, containing text: String, as alias: String, page: Int? = nil, scope: [Int64]? = nil) -> SearchRows {
        // a name with initials («Попова Е. Д.»): the surname through the index, the initials beside it
        if let (surname, initials) = Self.initials(text) {
            let found = rows(db, containing: surname, as: alias, scope: scope)
            let name = self == .users ? "coalesce(\(alias).full_name, '')" : Self.holder(alias)
            return SearchRows(indexed: found.indexed, from: found.from, condition: "(\(found.condition)) AND \(db.sql.fold(name)) LIKE ?",
                              arguments: found.arguments + [([surname] + initials).map(Database.fold).joined(separator: "% ") + "%"],
                              order: found.order)
        }
        // a piece of a phone as people write it («001-08-54», «(910) 001»): its digits, as stored
        let text = Self.phoneDigits(text) ?? text
        switch db.sql.engine {
        case .sqlite:
            let found = sqliteRows(db, containing: text, as: alias)
            guard let scope else { return found }
            let kept = self == .users ? ScopeCondition.user(db, "\(alias).id", in: scope) : ScopeCondition.rgk(db, "\(alias).rgk_id", in: scope)
            return SearchRows(indexed: found.indexed, from: found.from, condition: "\(found.condition) AND \(kept.sql)",
                              arguments: found.arguments + kept.arguments, order: found.order)
        case .postgresql:
            let holdsATrigram = Self.match(text) != nil
            return SearchRows(indexed: holdsATrigram, from: "\(table) \(alias)",
                              condition: Self.pgFound(alias, by: PGRoles.searchFunction(self)),
                              arguments: [Self.likePiece(text), page.flatMap { $0 > 0 ? Int64($0) : nil },
                                          scope.map(PGRoles.array)],
                              order: "\(alias).id")
        }
    }

    /// A row's searched values in one text, a line apart (no piece a clerk types spans two), of the
    /// row named `alias` (nil: the table's bare columns), `newline` the engine's SQL for a line feed:
    /// what a search too short for a trigram reads, folded as it goes on SQLite and kept folded in
    /// the table's `search_text` on PostgreSQL (`PGSchema.searchText`). The first value is never
    /// NULL (a user's login, an account's holder as `holder` trims it).
    func joined(_ alias: String?, newline: String) -> String {
        indexed(alias).enumerated().map { i, value in
            i == 0 ? value.sql : "coalesce(\(value.sql), '')"
        }.joined(separator: " || \(newline) || ")
    }

    /// SQLite's rows: through FTS5 where a trigram holds the text, else every row read.
    private func sqliteRows(_ db: any Storage, containing text: String, as alias: String) -> SearchRows {
        if let match = Self.match(text) {
            return SearchRows(indexed: true, from: "\(rawValue) s \(db.sql.joinInOrder) \(table) \(alias) ON \(alias).id = s.rowid",
                              condition: "\(rawValue) MATCH ?", arguments: [match], order: "s.rowid")
        }
        // one function call over the values a line apart
        return SearchRows(indexed: false, from: "\(table) \(alias)", condition: "instr(fold(\(joined(alias, newline: "char(10)"))), ?) > 0",
                          arguments: [Database.fold(text)], order: "\(alias).id")
    }

    /// The values a room searches alone (`condition`): PostgreSQL has a search function for each.
    static let searchedAlone: [(index: SearchIndex, column: String)] = [(.accounts, "phone")]

    /// A condition on the row named `alias`: its indexed value `column` (one of `searchedAlone`)
    /// contains `text` (an account's phone), found through the index on either engine.
    public func condition(_ db: any Storage, _ column: String, contains text: String, as alias: String) -> (sql: String, arguments: [SQLBindable?]) {
        precondition(Self.searchedAlone.contains { $0.index == self && $0.column == column }, "no search function for \(column)")
        switch db.sql.engine {
        case .sqlite:
            return ("\(alias).id IN (SELECT rowid FROM \(rawValue) WHERE \(rawValue) MATCH ?)", [Self.match(text, in: column)])
        case .postgresql:
            return (Self.pgFound(alias, by: PGRoles.searchFunction(self, column: column)), [Self.likePiece(text), nil, nil])
        }
    }

    /// PostgreSQL: the row `alias` is among those the search function finds for the `LIKE` piece
    /// bound at the first placeholder, at most as many as the second (NULL: all), of the RGKs of the
    /// third (NULL: every RGK) (`PGRoles.searchFunctions`: the indexed expressions, asked as the
    /// schema's owner so that the trigram indexes answer under the row policies too).
    private static func pgFound(_ alias: String, by function: String) -> String {
        "\(alias).id IN (SELECT \(function)(CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS BIGINT[])))"
    }

    /// A search as a piece of a `LIKE` pattern: folded as the index folds (`Database.fold`, the
    /// schema's `mygaz_fold`), its `%`, `_` and backslash taken as themselves (a backslash before each: `LIKE`'s default escape).
    static func likePiece(_ text: String) -> String {
        var out = ""
        for c in Database.fold(text) {
            if c == "%" || c == "_" || c == "\\" { out.append("\\") }
            out.append(c)
        }
        return out
    }
}

/// Where a search finds its rows, as `SearchIndex.rows` renders it for the engine: written
/// `SELECT alias.id FROM \(from) WHERE \(condition) … ORDER BY \(order)`.
public struct SearchRows {
    /// Whether an index finds the rows (three letters or more) and gives them in `order`;
    /// otherwise every row is read.
    public let indexed: Bool
    /// What follows `FROM`: the table with its alias, after the index that finds its rows.
    public let from: String
    /// One term of a `WHERE`: safe beside `AND`.
    public let condition: String
    public let arguments: [SQLBindable?]
    /// What orders the rows as the index gives them: the rows' ids.
    public let order: String
}

extension Database {
    /// After personal data left the table (an erasure, a purge): FTS5 keeps a removed row's
    /// trigrams in the older parts of the index until they are merged, so every part is merged
    /// into one, a few hundred pages per transaction (the portal writes between them), with the
    /// freed pages overwritten. Answers the transactions it took.
    @discardableResult
    public func mergeSearchIndex(_ index: SearchIndex, pagesPerStep: Int = 500) throws -> Int {
        try overwritingFreedContent {
            var steps = 0
            while true {
                // a negative number: every part onto one level, then merged until one is left
                let merged = try write { try mergeStep(index, pages: -pagesPerStep) }
                steps += 1
                if !merged { return steps }
            }
        }
    }

    /// `secure_delete` on for the length of `body` (the connection's FAST otherwise zeroes only
    /// what it frees within the pages it writes, never a whole freed page), then as it was.
    public func overwritingFreedContent<T>(_ body: () throws -> T) throws -> T {
        let previous = try scalarInt("PRAGMA secure_delete") ?? 0
        _ = try scalarInt("PRAGMA secure_delete = ON")
        defer { _ = try? scalarInt("PRAGMA secure_delete = \(previous == 1 ? "ON" : previous == 2 ? "FAST" : "OFF")") }
        return try body()
    }

    /// One step of merging the parts of `index` in the open transaction, of about `pages` pages
    /// written: a positive number merges the parts of a level that has at least `usermerge` of
    /// them, a negative one any two. Answers whether it merged anything.
    func mergeStep(_ index: SearchIndex, pages: Int) throws -> Bool {
        let before = sqlite3_total_changes64(handle)
        try run("INSERT INTO \(index.rawValue) (\(index.rawValue), rank) VALUES ('merge', ?)", arguments: [pages])
        // the command itself counts as one change; a step that merged anything wrote pages
        return sqlite3_total_changes64(handle) - before > 1
    }

    /// What FTS5 holds of `index` in memory written as a new part of it now, not at COMMIT: a
    /// savepoint begun asks every virtual table in the transaction for what it holds.
    func flushSearchIndexes() throws {
        try execute("SAVEPOINT flush_search")
        try execute("RELEASE flush_search")
    }

    /// One of FTS5's merge settings of `index` (`automerge`, `usermerge`), nil where none is set.
    func searchSetting(_ index: SearchIndex, _ name: String) throws -> Int? {
        try scalarInt("SELECT v FROM \(index.rawValue)_config WHERE k = ?", name)
    }

    /// Sets one of FTS5's merge settings of `index` for every connection, from the open
    /// transaction on; nil leaves it unset again (FTS5's default, `SearchIndex.defaultMerge`).
    func setSearchSetting(_ index: SearchIndex, _ name: String, _ value: Int?) throws {
        try run("INSERT INTO \(index.rawValue) (\(index.rawValue), rank) VALUES (?, ?)", name, value ?? SearchIndex.defaultMerge)
        if value == nil { try run("DELETE FROM \(index.rawValue)_config WHERE k = ?", name) }
    }
}
