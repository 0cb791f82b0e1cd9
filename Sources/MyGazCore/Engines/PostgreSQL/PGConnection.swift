import CLibpq
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One connection to a PostgreSQL database through libpq, in the spirit of `Database` (SQLite):
/// statements with bound values (`$1…$n`, sent apart from the SQL, in text format; bytes in
/// binary), prepared once per connection and SQL text, rows read by column name, `RETURNING`,
/// a cursor for large reads, `COPY … FROM STDIN` for bulk loads, and every transaction
/// (`PGTransactions.swift`). Errors are `EngineError`s that name the server with its password
/// masked. Not thread-safe: one per process or thread.
public final class PGConnection {
    /// The address with its password masked: what every message shows.
    public let address: String
    let handle: OpaquePointer
    /// The address as given, password and all: what a second connection to the same database
    /// needs (`sibling`), never shown.
    private let given: String
    /// Prepared statements by SQL text (and the parameters sent as bytes): their names.
    private var prepared: [String: String] = [:]
    /// Statements run once, unprepared: a statement is prepared when it comes a second time. Most
    /// of a command's statements run once, and preparing first cost each a round trip more
    /// (a `status` on PostgreSQL ran 37 statements, once each).
    private var seenOnce: Set<String> = []
    private var preparedCount = 0
    /// The most statements kept prepared; past it all are dropped and prepared again as used.
    static let preparedLimit = 256
    /// The kind of the transaction `write`/`read` began, while it is open.
    var openTransaction: TransactionKind?
    var savepointDepth = 0
    /// A cursor is reading: libpq takes no other statement until it is done.
    private var streaming = false

    /// Connects to `address` (a `postgresql://` URI or a conninfo), with the text in UTF-8
    /// whatever the address or the environment says. The password, if any, comes from the
    /// address, `PGPASSWORD` or `~/.pgpass` as libpq reads them; it is never shown.
    public init(_ address: String, timeout: Double = 10) throws {
        let shown = PGAddress.masked(address)
        self.address = shown
        given = address
        var parseError: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(address, &parseError) else {
            let why = parseError.map { String(cString: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines)
            PQfreemem(parseError)
            throw EngineError(.badAddress, server: shown, message: why ?? "libpq cannot read it")
        }
        var givenOptions = ""
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "options", let value = option.pointee.val { givenOptions = String(cString: value) }
            option += 1
        }
        PQconninfoFree(options)
        // the address first (expanded: it is a URI or conninfo), then what it may not change.
        // No JIT: the program's statements read a page of rows by their keys, but under the row
        // policies their plans carry the cost of alternatives never run, and compiling them took
        // 100-150 ms of a 1 ms query; the address's own server options are kept before it.
        // No parallel workers unless the address asks for them (its options come after, and win):
        // the planner sent a page of 200 readings to two workers, whose start cost a 20 ms query
        // 10-20 ms (`reading list --violations` at 5M accounts 54 → 26-39 ms, `report deadlines`
        // 518 → 409 ms on 2 cores)
        let keywords = ["dbname", "client_encoding", "fallback_application_name", "options"]
        let values = [address, "UTF8", "mygaz-admin", ("-c max_parallel_workers_per_gather=0 " + givenOptions + " -c jit=off").trimmingCharacters(in: .whitespaces)]
        let connection: OpaquePointer? = withCStrings(keywords) { k in
            withCStrings(values) { v in PQconnectStartParams(k, v, 1) }
        }
        guard let connection else { throw EngineError(.unreachable, server: shown, message: "out of memory") }
        // a failed connection leaves no result to read its SQLSTATE from; the verbose message has it
        PQsetErrorVerbosity(connection, PQERRORS_VERBOSE)
        if let failure = PGConnection.complete(connection, timeout: timeout, server: shown) {
            PQfinish(connection)
            throw failure
        }
        PQsetErrorVerbosity(connection, PQERRORS_DEFAULT)
        // notices (an extension already there, a truncated identifier) are not for the clerk's terminal
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        handle = connection
        let encoding = PQparameterStatus(connection, "client_encoding").map { String(cString: $0) }
        guard encoding == "UTF8" else {
            throw EngineError(.other, server: shown, message: "the server speaks \(encoding ?? "no encoding"), not UTF8")
        }
        let serverEncoding = PQparameterStatus(connection, "server_encoding").map { String(cString: $0) }
        guard serverEncoding == "UTF8" else {
            throw EngineError(.schemaMismatch, server: shown,
                              message: "the database's encoding is \(serverEncoding ?? "unknown"), not UTF8 (create it with ENCODING 'UTF8' LOCALE 'C.UTF-8')")
        }
    }

    deinit { PQfinish(handle) }

    /// A second connection to the same database, as this one was opened (a bulk load checks
    /// its rows on one connection while it loads them on another).
    public func sibling(timeout: Double = 10) throws -> PGConnection { try PGConnection(given, timeout: timeout) }

    /// Drives `PQconnectPoll` to the end within `timeout` seconds; the error, or nil when connected.
    private static func complete(_ connection: OpaquePointer, timeout: Double, server: String) -> EngineError? {
        let deadline = ContinuousClock.now + .milliseconds(Int(timeout * 1000))
        var state = PGRES_POLLING_WRITING
        while state != PGRES_POLLING_OK && state != PGRES_POLLING_FAILED {
            let socket = PQsocket(connection)
            if socket >= 0 {
                let left = ContinuousClock.now.duration(to: deadline)
                guard left > .zero else {
                    return EngineError(.unreachable, server: server, message: "no answer within \(Int(timeout)) s")
                }
                let ms = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
                var wait = pollfd(fd: socket, events: Int16(state == PGRES_POLLING_READING ? POLLIN : POLLOUT), revents: 0)
                let ready = poll(&wait, 1, ms)
                if ready < 0 && errno == EINTR { continue }
                if ready == 0 { continue }   // the deadline is checked above
            }
            state = PQconnectPoll(connection)
        }
        guard state == PGRES_POLLING_FAILED || PQstatus(connection) != CONNECTION_OK else { return nil }
        let verbose = PQerrorMessage(connection).map { String(cString: $0) } ?? ""
        let sqlstate = PGErrorMap.sqlstate(inVerboseMessage: verbose)
        var kind = sqlstate.map { PGErrorMap.kind(sqlstate: $0) } ?? .unreachable
        // the server wants a password and none was given (libpq's own words, no SQLSTATE)
        if sqlstate == nil && PQconnectionNeedsPassword(connection) == 1 { kind = .refused }
        if kind == .other { kind = .unreachable }
        let message = PGErrorMap.plain(verboseMessage: verbose)
        var failure = EngineError(kind, server: server, message: message.isEmpty ? "the connection failed" : message, code: sqlstate)
        // the login libpq gave (the address's, PGUSER's or the OS login): a refused one is named
        // with the command that makes her an operator, should the server not know her
        if kind == .refused, let user = PQuser(connection).map({ String(cString: $0) }), !user.isEmpty { failure.login = user }
        return failure
    }

    // MARK: what is known of the connection

    /// The server's version as a number (150020 for 15.20).
    public var serverVersion: Int { Int(PQserverVersion(handle)) }
    /// The server process serving this connection (`pg_terminate_backend` takes it).
    public var backendPID: Int32 { PQbackendPID(handle) }
    /// A server setting as the server reported it at connection time (`server_encoding`, `TimeZone`…).
    public func parameter(_ name: String) -> String? { PQparameterStatus(handle, name).map { String(cString: $0) } }

    // MARK: statements

    /// Runs one or more statements without bound values or rows (a schema script, `SET`).
    public func execute(_ sql: String) throws {
        try checkIdle(sql)
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, sql: sql)
    }

    /// The rows of `sql` with `arguments` bound to `$1…$n`. Prepared once per connection (or, with
    /// `prepared: false`, parsed afresh: SQL made for one use).
    public func query(_ sql: String, arguments: [SQLBindable?], prepared: Bool = true) throws -> [Row] {
        let result = try run(sql, arguments, prepared: prepared)
        defer { PQclear(result) }
        return rows(result)
    }

    public func query(_ sql: String, _ arguments: SQLBindable?...) throws -> [Row] {
        try query(sql, arguments: arguments)
    }

    /// The first row, or nil.
    public func queryOne(_ sql: String, arguments: [SQLBindable?], prepared: Bool = true) throws -> Row? {
        let result = try run(sql, arguments, prepared: prepared)
        defer { PQclear(result) }
        return PQntuples(result) > 0 ? row(result, 0, columns(result)) : nil
    }

    public func queryOne(_ sql: String, _ arguments: SQLBindable?...) throws -> Row? {
        try queryOne(sql, arguments: arguments)
    }

    /// Runs a statement; answers the rows it changed (inserted, updated, deleted, copied).
    @discardableResult
    public func run(_ sql: String, arguments: [SQLBindable?], prepared: Bool = true) throws -> Int {
        let result = try run(sql, arguments, prepared: prepared)
        defer { PQclear(result) }
        return changes(result)
    }

    @discardableResult
    public func run(_ sql: String, _ arguments: SQLBindable?...) throws -> Int {
        try run(sql, arguments: arguments)
    }

    /// An `INSERT … RETURNING <column>`: the value of `column` of the one row inserted.
    public func insertReturningID(_ sql: String, arguments: [SQLBindable?], column: String = "id") throws -> Int64 {
        let rows = try query(sql, arguments: arguments)
        guard rows.count == 1 else {
            throw EngineError(.other, server: address, message: "an insert returning \(column) gave \(rows.count) rows, not one", sql: sql)
        }
        return try rows[0].int64(column)
    }

    public func insertReturningID(_ sql: String, _ arguments: SQLBindable?...) throws -> Int64 {
        try insertReturningID(sql, arguments: arguments)
    }

    /// Calls `body` for each row as the server sends it (`PQsetSingleRowMode`), without holding
    /// the result: large exports. The connection runs no other statement until it is done. When
    /// `body` throws, the rest is cancelled (outside a transaction) or read and dropped (inside
    /// one, which a cancel would abort), and the error rethrown.
    public func forEach(_ sql: String, arguments: [SQLBindable?] = [], _ body: (Row) throws -> Void) throws {
        try checkIdle(sql)
        let params = try Parameters(arguments, server: address)
        let name = try statement(sql, params)
        let sent = params.withPointers { values, lengths, formats in
            guard let name else {
                return params.types.withUnsafeBufferPointer { types in
                    PQsendQueryParams(handle, PGPlaceholders.numbered(sql), Int32(params.count), types.baseAddress, values, lengths, formats, 0)
                }
            }
            return PQsendQueryPrepared(handle, name, Int32(params.count), values, lengths, formats, 0)
        }
        guard sent == 1 else { throw error(nil, sql: sql) }
        streaming = true
        defer { streaming = false }
        // fails only when called at the wrong moment, which this is not; the rows would then come in one result
        _ = PQsetSingleRowMode(handle)
        var columns: Row.Columns?
        var stopped: Error?
        var failure: EngineError?
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_SINGLE_TUPLE, PGRES_TUPLES_OK:
                guard stopped == nil, failure == nil, PQntuples(result) > 0 else { continue }
                let names = columns ?? self.columns(result)
                columns = names
                for i in 0..<PQntuples(result) {
                    do {
                        try body(row(result, i, names))
                    } catch {
                        stopped = error
                        if !isInTransaction { cancel() }
                        break
                    }
                }
            default:
                if stopped == nil && failure == nil { failure = self.error(result, sql: sql) }
            }
        }
        if let stopped { throw stopped }
        if let failure {
            forget(sql, params, failure)
            throw failure
        }
    }

    /// Loads rows with `COPY … FROM STDIN` (text format): `body` hands each row to the writer,
    /// which sends them in large pieces. Answers the rows the server took. When `body` throws,
    /// the server is told to drop the load and the error is rethrown; when the server refuses a
    /// row, its error is thrown (inside a transaction, the transaction is then failed).
    @discardableResult
    public func copyIn(_ sql: String, _ body: (PGCopyWriter) throws -> Void) throws -> Int {
        let writer = try beginCopy(sql)
        var stopped: Error?
        do { try body(writer) } catch { stopped = error }
        return try endCopy(writer, stopped: stopped)
    }

    /// `copyIn` in two halves, for a load that other work drives (rows handed over as they are
    /// checked): starts `COPY … FROM STDIN`; until `endCopy` the connection runs nothing else.
    public func beginCopy(_ sql: String) throws -> PGCopyWriter {
        try checkIdle(sql)
        let started = PQexec(handle, sql)
        guard PQresultStatus(started) == PGRES_COPY_IN else {
            defer { PQclear(started) }
            try check(started, sql: sql)
            throw EngineError(.other, server: address, message: "not a COPY … FROM STDIN", sql: sql)
        }
        PQclear(started)
        streaming = true
        return PGCopyWriter(connection: self, sql: sql)
    }

    /// Ends the load `beginCopy` started: with `stopped` (the program's own reason to stop), the
    /// server drops every row of it and `stopped` is rethrown; else the rows the server took, or
    /// its error.
    @discardableResult
    public func endCopy(_ writer: PGCopyWriter, stopped: Error? = nil) throws -> Int {
        defer { streaming = false }
        var stopped = stopped
        if stopped == nil {
            do { try writer.flush() } catch is PGCopyWriter.SendFailed {
                // the server stopped taking data: its error comes below
            } catch {
                stopped = error
            }
        }
        if let reason = stopped, reason is PGCopyWriter.SendFailed { stopped = nil }
        let ended = writer.sendFailed ? 1 : PQputCopyEnd(handle, stopped == nil ? nil : "the load was stopped by the program")
        var copied = 0
        var failure: EngineError?
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            if PQresultStatus(result) == PGRES_COMMAND_OK {
                copied = changes(result)
            } else if failure == nil {
                failure = error(result, sql: writer.sql)
            }
        }
        if let stopped { throw stopped }
        if let failure { throw failure }
        if ended != 1 || writer.sendFailed { throw error(nil, sql: writer.sql) }
        return copied
    }

    /// Asks the server to stop the statement in progress (from this thread, between rows).
    private func cancel() {
        guard let request = PQgetCancel(handle) else { return }
        var message = [CChar](repeating: 0, count: 256)
        _ = PQcancel(request, &message, Int32(message.count))
        PQfreeCancel(request)
    }

    // MARK: the machinery

    /// A result that must be cleared by the caller; thrown when the statement failed.
    private func run(_ sql: String, _ arguments: [SQLBindable?], prepared: Bool, retry: Bool = true) throws -> OpaquePointer {
        try checkIdle(sql)
        let params = try Parameters(arguments, server: address)
        let result: OpaquePointer?
        if prepared, let name = try statement(sql, params) {
            result = params.withPointers { values, lengths, formats in
                PQexecPrepared(handle, name, Int32(params.count), values, lengths, formats, 0)
            }
        } else {
            result = params.withPointers { values, lengths, formats in
                params.types.withUnsafeBufferPointer { types in
                    PQexecParams(handle, PGPlaceholders.numbered(sql), Int32(params.count), types.baseAddress, values, lengths, formats, 0)
                }
            }
        }
        do {
            try check(result, sql: sql)
        } catch let failure as EngineError {
            PQclear(result)
            guard prepared else { throw failure }
            forget(sql, params, failure)
            // a table changed under a prepared statement: outside a transaction, prepared again
            // and run once more (inside one, the error has failed the transaction already)
            if retry, failure.code == "0A000", !isInTransaction { return try run(sql, arguments, prepared: true, retry: false) }
            throw failure
        }
        return result!
    }

    /// The name of the prepared statement for `sql` with these parameters' types, prepared now if
    /// it comes the second time; nil the first time (run it unprepared).
    private func statement(_ sql: String, _ params: Parameters) throws -> String? {
        let key = params.typeKey.isEmpty ? sql : sql + "\u{0}" + params.typeKey
        if let name = prepared[key] { return name }
        guard seenOnce.contains(key) else {
            if seenOnce.count >= PGConnection.preparedLimit * 4 { seenOnce.removeAll() }
            seenOnce.insert(key)
            return nil
        }
        if prepared.count >= PGConnection.preparedLimit, PQtransactionStatus(handle) != PQTRANS_INERROR {
            try execute("DEALLOCATE ALL")
            prepared.removeAll()
        }
        preparedCount += 1
        let name = "mgz_\(preparedCount)"
        let result = params.types.withUnsafeBufferPointer { types in
            PQprepare(handle, name, PGPlaceholders.numbered(sql), Int32(params.count), types.baseAddress)
        }
        defer { PQclear(result) }
        try check(result, sql: sql)
        prepared[key] = name
        return name
    }

    /// A prepared statement the server no longer has, or whose plan no longer fits the tables,
    /// is prepared afresh next time.
    private func forget(_ sql: String, _ params: Parameters, _ failure: EngineError) {
        guard failure.code == "26000" || failure.code == "0A000" || failure.kind == .unreachable else { return }
        prepared.removeValue(forKey: params.typeKey.isEmpty ? sql : sql + "\u{0}" + params.typeKey)
    }

    private func checkIdle(_ sql: String) throws {
        guard !streaming else {
            throw EngineError(.other, server: address, message: "a statement was run while a cursor or COPY was still reading", sql: sql)
        }
    }

    /// Throws the error of a result that is not a success.
    func check(_ result: OpaquePointer?, sql: String?) throws {
        switch result.map(PQresultStatus) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: return
        default: throw error(result, sql: sql)
        }
    }

    private func changes(_ result: OpaquePointer) -> Int {
        guard let tuples = PQcmdTuples(result) else { return 0 }
        return Int(String(cString: tuples)) ?? 0
    }

    private func columns(_ result: OpaquePointer) -> Row.Columns {
        let count = PQnfields(result)
        return Row.Columns((0..<count).map { String(cString: PQfname(result, $0)) }, source: address)
    }

    private func rows(_ result: OpaquePointer) -> [Row] {
        let count = PQntuples(result)
        guard count > 0 else { return [] }
        let names = columns(result)
        var out: [Row] = []
        out.reserveCapacity(Int(count))
        for i in 0..<count { out.append(row(result, i, names)) }
        return out
    }

    private func row(_ result: OpaquePointer, _ i: Int32, _ columns: Row.Columns) -> Row {
        var values: [SQLValue] = []
        values.reserveCapacity(columns.names.count)
        for c in 0..<Int32(columns.names.count) {
            if PQgetisnull(result, i, c) == 1 {
                values.append(.null)
                continue
            }
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(PQgetvalue(result, i, c)!).assumingMemoryBound(to: UInt8.self),
                                            count: Int(PQgetlength(result, i, c)))
            values.append(PGValues.decode(bytes, type: PQftype(result, c)))
        }
        return Row(columns: columns, values: values)
    }
}

/// The C strings of `strings` as a NULL-terminated array, for the length of `body`.
private func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } } + [nil]
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
