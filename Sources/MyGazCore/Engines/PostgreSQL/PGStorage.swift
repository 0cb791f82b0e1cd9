/// PostgreSQL behind the rooms' seam: what `Storage` asks, in this engine's terms.
extension PGConnection: Storage {
    public var path: String { address }
    public var sql: SQLDialect { SQLDialect(.postgresql) }

    public func query(_ sql: String, arguments: [SQLBindable?]) throws -> [Row] {
        try query(sql, arguments: arguments, prepared: true)
    }

    public func queryOne(_ sql: String, arguments: [SQLBindable?]) throws -> Row? {
        try queryOne(sql, arguments: arguments, prepared: true)
    }

    @discardableResult
    public func run(_ sql: String, arguments: [SQLBindable?]) throws -> Int {
        try run(sql, arguments: arguments, prepared: true)
    }

    public func insert(_ sql: String, arguments: [SQLBindable?]) throws -> Int64 {
        try insertReturningID(sql + " RETURNING id", arguments: arguments)
    }

    public func eachRow(_ sql: String, arguments: [SQLBindable?], _ body: (Row) throws -> Void) throws {
        try forEach(sql, arguments: arguments, body)
    }

    /// The server keeps no copy a process could read back: a deleted row's space is reused by
    /// the server's own VACUUM, and the files are the server's, not the clerks'.
    public func overwriteFreedPages() throws {}

    public func overwritingFreedContent<T>(_ body: () throws -> T) throws -> T { try body() }

    /// The trigram indexes have no parts to merge: the server's VACUUM keeps them.
    @discardableResult
    public func mergeSearchIndex(_ index: SearchIndex, pagesPerStep: Int) throws -> Int { 0 }

    /// `ANALYZE`: a table loaded in one transaction has no statistics until autovacuum comes by, and
    /// the planner's guesses meanwhile read a million rows for a page of fifty.
    public func refreshPlannerStatistics(_ tables: [String]) throws {
        try execute("ANALYZE" + (tables.isEmpty ? "" : " " + tables.map { "\"\($0)\"" }.joined(separator: ", ")))
    }
}
