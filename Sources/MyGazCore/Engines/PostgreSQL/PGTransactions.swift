import CLibpq

/// Every transaction of a PostgreSQL connection, with GRDB's rule as `Database`'s: an inner
/// `write` or `read` joins the open one, a `write` inside a `read` is a bug, and on an error the
/// transaction is rolled back only if it is still open and the first error is rethrown.
///
/// A write runs in READ COMMITTED: each statement sees what others committed before it, and a
/// decision is an update conditional on the state it was judged in (its changed-row count says
/// whether someone got there first). A read runs in REPEATABLE READ, READ ONLY: one snapshot for
/// all its queries, like SQLite's read transaction, and it never fails for a conflict.
extension PGConnection {
    /// A transaction is open on the server (idle in it, or failed in it and not yet rolled back).
    public var isInTransaction: Bool {
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE
    }

    /// Runs `body` in one write transaction. Inside another write it joins it.
    @discardableResult
    public func write<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction {
            guard openTransaction != .read else { throw PGConnection.writeInsideRead }
            return try body()
        }
        return try transaction(.write, "BEGIN ISOLATION LEVEL READ COMMITTED, READ WRITE", body)
    }

    /// One consistent snapshot for several queries. Inside any other transaction it joins it.
    @discardableResult
    public func read<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction { return try body() }
        return try transaction(.read, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", body)
    }

    /// Runs `body` on a savepoint inside the current write: its changes are undone alone when it
    /// throws (the error is rethrown, and the transaction goes on), kept when it returns.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        guard isInTransaction, openTransaction == .write else { throw PGConnection.savepointOutsideWrite }
        savepointDepth += 1
        defer { savepointDepth -= 1 }
        let name = "mgz_item_\(savepointDepth)"
        try execute("SAVEPOINT \(name)")
        do {
            let result = try body()
            try refuseFailedTransaction()
            try execute("RELEASE SAVEPOINT \(name)")
            return result
        } catch {
            if isInTransaction {
                try? execute("ROLLBACK TO SAVEPOINT \(name)")
                try? execute("RELEASE SAVEPOINT \(name)")
            }
            throw error
        }
    }

    static let writeInsideRead = MyGazError(.internalError, .internalError, "a write inside a read transaction")
    static let savepointOutsideWrite = MyGazError(.internalError, .internalError, "a savepoint outside a write transaction")

    private func transaction<T>(_ kind: TransactionKind, _ begin: String, _ body: () throws -> T) throws -> T {
        try execute(begin)
        openTransaction = kind
        defer { openTransaction = nil }
        do {
            let result = try body()
            try refuseFailedTransaction()
            try commit()
            return result
        } catch {
            // a dropped connection or a failed COMMIT has closed it already: a ROLLBACK then
            // would only raise a second error that hides the first
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// A statement failed inside and its error went unreported (`try?`): PostgreSQL has failed
    /// the whole transaction, and a COMMIT would quietly roll it back. Said aloud instead.
    private func refuseFailedTransaction() throws {
        if PQtransactionStatus(handle) == PQTRANS_INERROR {
            throw EngineError(.other, server: address,
                              message: "a statement failed inside the transaction and its error was not passed on; nothing was kept")
        }
    }

    private func commit() throws {
        let result = PQexec(handle, "COMMIT")
        defer { PQclear(result) }
        try check(result, sql: "COMMIT")
        // PostgreSQL answers a COMMIT of a failed transaction with ROLLBACK, not an error
        if let tag = PQcmdStatus(result), String(cString: tag) == "ROLLBACK" {
            throw EngineError(.other, server: address, message: "the transaction had failed; COMMIT rolled it back", sql: "COMMIT")
        }
    }
}
