/// What the domain rooms need of a database engine, and all they see of one: queries with
/// bound values, one-snapshot reads and serialised writes. `Database` (SQLite) is the engine
/// today; a server engine is a second implementation of this protocol, not a rewrite of the
/// rooms (docs/scaling.md). The bulk paths — import, demo, backup — are the engine's own and
/// use `Database` itself.
public protocol Storage: AnyObject {
    /// Where the data lives, for messages (a PostgreSQL address with its password masked).
    var path: String { get }
    /// What differs in this engine's SQL.
    var sql: SQLDialect { get }

    func query(_ sql: String, arguments: [SQLBindable?]) throws -> [Row]
    func queryOne(_ sql: String, arguments: [SQLBindable?]) throws -> Row?
    /// Answers the number of rows changed.
    @discardableResult func run(_ sql: String, arguments: [SQLBindable?]) throws -> Int
    /// Statements with no values and no rows, one or several (a script, a test's fixture).
    func execute(_ sql: String) throws
    /// An `INSERT` of one row: the new row's `id` (the statement gets `RETURNING id`).
    func insert(_ sql: String, arguments: [SQLBindable?]) throws -> Int64
    /// Each row without collecting them all (large reads and exports): a cursor.
    func eachRow(_ sql: String, arguments: [SQLBindable?], _ body: (Row) throws -> Void) throws

    /// One serialisable write transaction (joins an open one).
    @discardableResult func write<T>(_ body: () throws -> T) throws -> T
    /// One consistent snapshot (joins an open transaction).
    @discardableResult func read<T>(_ body: () throws -> T) throws -> T
    /// Inside a write: changes undone alone when `body` throws.
    func savepoint<T>(_ body: () throws -> T) throws -> T
    /// After secrets were erased: the pages they were in overwritten where the engine allows.
    func overwriteFreedPages() throws
    /// Everything `body` deletes or rewrites overwritten with zeros, whole freed pages too (an
    /// erasure: a deleted attachment's pages must not keep its bytes).
    func overwritingFreedContent<T>(_ body: () throws -> T) throws -> T
    /// After rows left a table: their words out of its search index too (answers the transactions taken).
    @discardableResult func mergeSearchIndex(_ index: SearchIndex, pagesPerStep: Int) throws -> Int
    /// After a bulk load (the demo, a large import): the planner's statistics of `tables` (every
    /// table when empty) made anew, where the engine plans by them, outside any transaction.
    func refreshPlannerStatistics(_ tables: [String]) throws

}

extension Storage {
    public func query(_ sql: String, _ arguments: SQLBindable?...) throws -> [Row] { try query(sql, arguments: arguments) }
    public func queryOne(_ sql: String, _ arguments: SQLBindable?...) throws -> Row? { try queryOne(sql, arguments: arguments) }
    @discardableResult
    public func run(_ sql: String, _ arguments: SQLBindable?...) throws -> Int { try run(sql, arguments: arguments) }
    public func insert(_ sql: String, _ arguments: SQLBindable?...) throws -> Int64 { try insert(sql, arguments: arguments) }
    public func scalarInt(_ sql: String, _ arguments: SQLBindable?...) throws -> Int? { try queryOne(sql, arguments: arguments)?[0].int }
    public func scalarString(_ sql: String, _ arguments: SQLBindable?...) throws -> String? { try queryOne(sql, arguments: arguments)?[0].string }
}

extension Database: Storage {
    public var sql: SQLDialect { SQLDialect(.sqlite) }

    /// SQLite's queries name their indexes where it matters (`SQLDialect.indexedBy`, `noIndex`): no statistics to keep.
    public func refreshPlannerStatistics(_ tables: [String]) throws {}

    public func eachRow(_ sql: String, arguments: [SQLBindable?], _ body: (Row) throws -> Void) throws {
        try forEach(sql, arguments: arguments) { try body($0.row()) }
    }

    public func insert(_ sql: String, arguments: [SQLBindable?]) throws -> Int64 {
        guard let id = try queryOne(sql + " RETURNING id", arguments: arguments)?[0].int64 else {
            throw SQLiteError(code: 1, message: "an insert returned no row", sql: sql)
        }
        return id
    }
}
