/// What the domain rooms need of a database engine, and all they see of one: queries with
/// bound values, one-snapshot reads and serialised writes. `Database` (SQLite) is the engine
/// today; a server engine is a second implementation of this protocol, not a rewrite of the
/// rooms (docs/scaling.md). The bulk paths — import, demo, backup — are the engine's own and
/// use `Database` itself.
public protocol Storage: AnyObject {
    /// Where the data lives, for messages.
    var path: String { get }

    func query(_ sql: String, arguments: [SQLBindable?]) throws -> [Row]
    func queryOne(_ sql: String, arguments: [SQLBindable?]) throws -> Row?
    /// Answers the number of rows changed.
    @discardableResult func run(_ sql: String, arguments: [SQLBindable?]) throws -> Int
    /// Each row without collecting them (large exports).
    func forEach(_ sql: String, arguments: [SQLBindable?], _ body: (Statement) throws -> Void) throws

    /// One serialisable write transaction (joins an open one).
    @discardableResult func write<T>(_ body: () throws -> T) throws -> T
    /// One consistent snapshot (joins an open transaction).
    @discardableResult func read<T>(_ body: () throws -> T) throws -> T
    /// Inside a write: changes undone alone when `body` throws.
    func savepoint<T>(_ body: () throws -> T) throws -> T
    /// Settings for the length of a bulk job, put back afterwards.
    func withBulkSettings<T>(_ settings: Database.BulkSettings, _ body: () throws -> T) throws -> T
    /// After secrets were erased: the pages they were in overwritten where the engine allows.
    func overwriteFreedPages() throws
    /// Everything `body` deletes or rewrites overwritten with zeros, whole freed pages too (an
    /// erasure: a deleted attachment's pages must not keep its bytes).
    func overwritingFreedContent<T>(_ body: () throws -> T) throws -> T
    /// After rows left a table: their words out of its search index too (answers the transactions taken).
    @discardableResult func mergeSearchIndex(_ index: SearchIndex, pagesPerStep: Int) throws -> Int

    var lastInsertRowID: Int64 { get }
    var changes: Int { get }
}

extension Storage {
    public func query(_ sql: String, _ arguments: SQLBindable?...) throws -> [Row] { try query(sql, arguments: arguments) }
    public func queryOne(_ sql: String, _ arguments: SQLBindable?...) throws -> Row? { try queryOne(sql, arguments: arguments) }
    @discardableResult
    public func run(_ sql: String, _ arguments: SQLBindable?...) throws -> Int { try run(sql, arguments: arguments) }
    public func scalarInt(_ sql: String, _ arguments: SQLBindable?...) throws -> Int? { try queryOne(sql, arguments: arguments)?[0].int }
    public func scalarString(_ sql: String, _ arguments: SQLBindable?...) throws -> String? { try queryOne(sql, arguments: arguments)?[0].string }
}

extension Database: Storage {}
