import CSQLite
import Foundation

/// A failure reported by SQLite, with the extended result code and the SQL that failed.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public let code: Int32          // extended result code
    public let message: String
    public let sql: String?
    /// The errno behind an I/O error (ENOSPC, EFBIG, EROFS…), 0 when there is none.
    public var systemErrno: Int32 = 0

    public init(code: Int32, message: String, sql: String?, systemErrno: Int32 = 0) {
        self.code = code
        self.message = message
        self.sql = sql
        self.systemErrno = systemErrno
    }

    public var primaryCode: Int32 { code & 0xFF }
    public var isBusy: Bool { primaryCode == SQLITE_BUSY || primaryCode == SQLITE_LOCKED }
    public var isConstraint: Bool { primaryCode == SQLITE_CONSTRAINT }
    public var isUniqueViolation: Bool {
        // SQLITE_CONSTRAINT_UNIQUE and _PRIMARYKEY are macros Swift does not import
        code == SQLITE_CONSTRAINT | (8 << 8) || code == SQLITE_CONSTRAINT | (6 << 8)
    }

    public var description: String {
        var text = "SQLite error \(code): \(message)"
        if let sql { text += " [in: \(sql.prefix(120))]" }
        return text
    }
}

/// Collects the statements commands run on the current thread, with the values bound to them,
/// for the test that checks with EXPLAIN QUERY PLAN that no queue query reads a whole large
/// table (the values matter: a partial index serves `status = ?` only when `?` is its status).
public final class SQLRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [(sql: String, values: [SQLValue])] = []
    private static let key = "mygaz.sql-recorder"

    public init() {}

    public var statements: [(sql: String, values: [SQLValue])] { lock.withLock { recorded } }

    func record(_ sql: String, _ values: [SQLValue]) { lock.withLock { recorded.append((sql, values)) } }

    static var current: SQLRecorder? { Thread.current.threadDictionary[key] as? SQLRecorder }

    public func during<T>(_ body: () throws -> T) rethrows -> T {
        Thread.current.threadDictionary[Self.key] = self
        defer { Thread.current.threadDictionary.removeObject(forKey: Self.key) }
        return try body()
    }
}

/// How to open the file.
public enum OpenMode: Sendable {
    case readWrite      // the file must exist
    case create         // create it if missing
    case readOnly       // look, never write (shell completion)
    case memory         // a scratch database in memory (the schema db check compares with)
}

/// One connection to the shared database. Not thread-safe; one per process or thread.
///
/// Every connection runs in WAL mode with foreign keys on and a busy timeout, and every
/// write goes through `write { }`, which takes the write lock up front (`BEGIN IMMEDIATE`)
/// so that two clerks never deadlock on a lock upgrade or lose an update.
public final class Database {
    public let path: String
    let handle: OpaquePointer
    private var cache: [String: Statement] = [:]
    /// The kind of the transaction this connection began, while it is open.
    var openTransaction: TransactionKind?
    /// How long a statement waits for another connection's lock before SQLITE_BUSY.
    let busyTimeoutMs: Int

    /// Process-wide settings, before the first connection opens.
    private static let configured: Bool = {
        _ = csqlite_disable_memstatus()
        return true
    }()

    public init(path: String, mode: OpenMode = .readWrite, busyTimeoutMs: Int = 5000) throws {
        _ = Database.configured
        self.path = path
        self.busyTimeoutMs = busyTimeoutMs
        var db: OpaquePointer?
        var flags = (mode == .readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX
        if mode == .create || mode == .memory { flags |= SQLITE_OPEN_CREATE }
        if mode == .memory { flags |= SQLITE_OPEN_MEMORY }
        let rc = sqlite3_open_v2(mode == .memory ? ":memory:" : path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            let code = db.map { sqlite3_extended_errcode($0) } ?? rc
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: code, message: message, sql: nil)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, Int32(clamping: busyTimeoutMs))
        do {
            if mode == .readOnly || mode == .memory { registerFunctions() } else { try configure() }
        } catch {
            cache.removeAll()
            sqlite3_close_v2(db)
            throw error
        }
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    private func configure() throws {
        registerFunctions()
        try execute("PRAGMA foreign_keys = ON")
        let mode = try scalarString("PRAGMA journal_mode = WAL")
        guard mode?.lowercased() == "wal" else {
            throw SQLiteError(code: SQLITE_CANTOPEN, message: "could not switch to WAL journal mode (got \(mode ?? "nothing"))", sql: nil)
        }
        // WAL with synchronous=NORMAL is durable against application crashes and
        // consistent after power loss; FULL costs an fsync on every commit.
        try execute("PRAGMA synchronous = NORMAL")
        // what a write frees within a page it writes anyway is zeroed: a secret set to NULL does
        // not linger in the page beside the new row (no extra I/O, unlike ON)
        _ = try scalarInt("PRAGMA secure_delete = FAST")
    }

    /// After secrets were erased: copies the WAL into the file and empties it, so that neither the
    /// old page in the file nor its old copy in the WAL still holds them. Where another connection
    /// reads an old snapshot, SQLite cannot finish now; the next checkpoint does.
    public func overwriteFreedPages() throws {
        do {
            _ = try query("PRAGMA wal_checkpoint(TRUNCATE)")
        } catch let error as SQLiteError where error.isBusy {
            // a reader or writer holds on: the portal's next checkpoint finishes it
        }
    }

    /// `fold(text)`: lower case for every script (SQLite's lower() knows only ASCII) and ё → е,
    /// so that a search for «семенов» finds «Семёнов».
    private func registerFunctions() {
        sqlite3_create_function_v2(handle, "fold", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil, { context, _, values in
            guard let value = values?[0], let text = sqlite3_value_text(value) else {
                sqlite3_result_null(context)
                return
            }
            let bytes = UnsafeBufferPointer(start: text, count: Int(sqlite3_value_bytes(value)))
            if let folded = Database.foldFast(bytes) {
                folded.withUnsafeBufferPointer { sqlite3_result_text(context, Statement.chars($0), Int32($0.count), csqlite_transient()) }
            } else {
                sqlite3_result_text(context, Database.fold(String(cString: text)), -1, csqlite_transient())
            }
        }, nil, nil, nil)
    }

    public static func fold(_ text: String) -> String {
        text.lowercased().replacingOccurrences(of: "ё", with: "е")
    }

    /// `fold` over UTF-8 bytes for ASCII and Cyrillic, the text of nearly every row: the same
    /// result without making a Swift String per row (a user search folds every user). Nil for
    /// any other letter, which goes the slow way.
    static func foldFast(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: bytes.count + 1)
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x80 {
                out[i] = (b >= 0x41 && b <= 0x5A) ? b + 32 : b
                i += 1
                continue
            }
            guard i + 1 < bytes.count else { return nil }
            let c = bytes[i + 1]
            switch (b, c) {
            case (0xD0, 0x90...0x9F): out[i] = 0xD0; out[i + 1] = c + 0x20          // А–П → а–п
            case (0xD0, 0xA0...0xAF): out[i] = 0xD1; out[i + 1] = c - 0x20          // Р–Я → р–я
            case (0xD0, 0x81), (0xD1, 0x91): out[i] = 0xD0; out[i + 1] = 0xB5       // Ё, ё → е
            case (0xD0, 0xB0...0xBF), (0xD1, 0x80...0x8F): out[i] = b; out[i + 1] = c   // а–я
            default: return nil
            }
            i += 2
        }
        out.removeLast()
        return out
    }

    // MARK: statements

    /// Drops a statement from the cache (it failed: the next use prepares it afresh).
    func evict(_ sql: String) { cache.removeValue(forKey: sql) }

    /// A prepared statement, cached by its SQL text. It is reset when returned.
    public func prepare(_ sql: String) throws -> Statement {
        if let cached = cache[sql] {
            cached.reset()
            return cached
        }
        let statement = try Statement(database: self, sql: sql)
        cache[sql] = statement
        return statement
    }

    /// Runs one or more statements without results (schema scripts, pragmas).
    public func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if rc != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errmsg(handle))
            sqlite3_free(errorMessage)
            throw SQLiteError(code: sqlite3_extended_errcode(handle), message: message, sql: sql, systemErrno: sqlite3_system_errno(handle))
        }
    }


    /// Runs a statement that returns no rows; answers the number of rows changed.
    @discardableResult
    public func run(_ sql: String, arguments: [SQLBindable?]) throws -> Int {
        let statement = try prepare(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        while try statement.step() {}
        return Int(sqlite3_changes(handle))
    }


    public func query(_ sql: String, arguments: [SQLBindable?]) throws -> [Row] {
        let statement = try prepare(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        var rows: [Row] = []
        while try statement.step() {
            rows.append(statement.row())
        }
        return rows
    }

    /// Calls `body` for each row without collecting them (large exports).
    public func forEach(_ sql: String, arguments: [SQLBindable?] = [], _ body: (Statement) throws -> Void) throws {
        let statement = try prepare(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        while try statement.step() {
            try body(statement)
        }
    }


    public func queryOne(_ sql: String, arguments: [SQLBindable?]) throws -> Row? {
        let statement = try prepare(sql)
        defer { statement.reset() }
        try statement.bind(arguments)
        return try statement.step() ? statement.row() : nil
    }


    public var lastInsertRowID: Int64 {
        get { sqlite3_last_insert_rowid(handle) }
        set { sqlite3_set_last_insert_rowid(handle, newValue) }
    }
    public var changes: Int { Int(sqlite3_changes(handle)) }
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Whether this connection's statements fire triggers (all of them, the schema's and TEMP
    /// ones); other connections are not touched. Statements prepared before are compiled again.
    public func setTriggers(enabled: Bool) throws {
        guard csqlite_enable_triggers(handle, enabled ? 1 : 0) == (enabled ? 1 : 0) else {
            throw SQLiteError(code: SQLITE_ERROR, message: "could not turn triggers \(enabled ? "on" : "off")", sql: nil)
        }
    }

    /// The names of the triggers on `table`, the schema's and this connection's TEMP ones.
    public func triggers(on table: String) throws -> Set<String> {
        Set(try query("""
            SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?1
            UNION ALL SELECT name FROM sqlite_temp_schema WHERE type = 'trigger' AND tbl_name = ?1
            """, arguments: [table]).map { $0.string(0) })
    }

    // MARK: maintenance

    /// Online backup to `destination`, consistent while others write. All pages in one step: one
    /// read transaction, which in WAL mode blocks no writer; copied in smaller steps, every commit
    /// of another connection would restart the copy, and busy writers could keep it from ending.
    /// The copy is synced to disk every 0.1 s while it is written (`FileFlusher`).
    public func backup(to destination: String, pagesPerStep: Int32 = -1) throws {
        var target: OpaquePointer?
        let rc = sqlite3_open_v2(destination, &target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil)
        guard rc == SQLITE_OK, let target else {
            let message = target.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let target { sqlite3_close_v2(target) }
            throw SQLiteError(code: rc, message: message, sql: nil)
        }
        defer { sqlite3_close_v2(target) }
        let copy = open(destination, O_RDONLY | O_CLOEXEC)
        let flusher = FileFlusher(every: 0.1) { copy >= 0 ? [copy] : [] }
        flusher.start()
        defer {
            flusher.finish()
            if copy >= 0 { close(copy) }
        }
        guard let backup = sqlite3_backup_init(target, "main", handle, "main") else {
            throw SQLiteError(code: sqlite3_extended_errcode(target), message: String(cString: sqlite3_errmsg(target)), sql: nil)
        }
        var step: Int32
        repeat {
            step = sqlite3_backup_step(backup, pagesPerStep)
            if step == SQLITE_BUSY || step == SQLITE_LOCKED {
                sqlite3_sleep(20)
            }
        } while step == SQLITE_OK || step == SQLITE_BUSY || step == SQLITE_LOCKED
        let finish = sqlite3_backup_finish(backup)
        if step != SQLITE_DONE || finish != SQLITE_OK {
            throw SQLiteError(code: step != SQLITE_DONE ? step : finish, message: String(cString: sqlite3_errmsg(target)), sql: nil,
                              systemErrno: sqlite3_system_errno(target))
        }
    }

    func error(sql: String?) -> SQLiteError {
        SQLiteError(code: sqlite3_extended_errcode(handle), message: String(cString: sqlite3_errmsg(handle)), sql: sql,
                    systemErrno: sqlite3_system_errno(handle))
    }
}

/// A prepared statement owned by a `Database` cache.
public final class Statement {
    let handle: OpaquePointer
    unowned let database: Database
    public let sql: String

    init(database: Database, sql: String) throws {
        var stmt: OpaquePointer?
        let rc = sqlite3_prepare_v3(database.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil)
        guard rc == SQLITE_OK, let stmt else {
            throw database.error(sql: sql)
        }
        self.handle = stmt
        self.database = database
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Set while bytes bound without a copy may still be pointed at: cleared after the run.
    private var staticBound = false

    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        staticBound = false
    }

    /// A buffer's bytes as SQLite takes them; an empty buffer may have no address at all.
    static func chars(_ p: UnsafeBufferPointer<UInt8>) -> UnsafePointer<CChar> {
        UnsafeRawPointer(p.baseAddress ?? Statement.empty).assumingMemoryBound(to: CChar.self)
    }

    nonisolated(unsafe) private static let empty: UnsafePointer<UInt8> = {
        let p = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)
        p.initialize(to: 0)
        return UnsafePointer(p)
    }()

    public func bind(_ arguments: [SQLBindable?]) throws {
        SQLRecorder.current?.record(sql, arguments.map { $0?.sqlValue ?? .null })
        for (index, argument) in arguments.enumerated() {
            try bind(argument?.sqlValue ?? .null, at: Int32(index + 1))
        }
    }

    public func bind(_ value: SQLValue, at index: Int32) throws {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(handle, index)
        case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
        case .real(let v): rc = sqlite3_bind_double(handle, index, v)
        case .text(let s): rc = sqlite3_bind_text(handle, index, s, -1, csqlite_transient())
        case .blob(let b):
            rc = b.withUnsafeBytes { raw in
                sqlite3_bind_blob64(handle, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), sqlite3_uint64(b.count), csqlite_transient())
            }
        }
        if rc != SQLITE_OK { throw database.error(sql: sql) }
    }

    /// Fast paths for bulk inserts.
    public func bind(int value: Int64, at index: Int32) { sqlite3_bind_int64(handle, index, value) }
    public func bind(text value: String, at index: Int32) {
        var value = value
        // a native string's UTF-8 is at hand: no C-string copy first
        value.withUTF8 { p in _ = sqlite3_bind_text(handle, index, Statement.chars(p), Int32(p.count), csqlite_transient()) }
    }
    public func bindNull(at index: Int32) { sqlite3_bind_null(handle, index) }
    /// UTF-8 bytes that stay where they are until the statement has run (SQLITE_STATIC: no copy).
    /// Only for a buffer the caller keeps alive and unchanged until `execute`/`step` returns.
    public func bind(staticUTF8 bytes: UnsafeBufferPointer<UInt8>, at index: Int32) {
        _ = sqlite3_bind_text(handle, index, Statement.chars(bytes), Int32(bytes.count), nil)
        staticBound = true
    }

    /// UTF-8 bytes straight from a buffer: no Swift String in between (the import's hot path).
    public func bind(utf8 bytes: ArraySlice<UInt8>, at index: Int32) {
        bytes.withUnsafeBufferPointer { p in _ = sqlite3_bind_text(handle, index, Statement.chars(p), Int32(p.count), csqlite_transient()) }
    }
    public func bind(optionalText value: String?, at index: Int32) {
        if let value { bind(text: value, at: index) } else { bindNull(at: index) }
    }
    public func bind(optionalInt value: Int64?, at index: Int32) {
        if let value { bind(int: value, at: index) } else { bindNull(at: index) }
    }

    /// Advances; answers true while a row is available.
    @discardableResult
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = database.error(sql: sql)
            sqlite3_reset(handle)
            database.evict(sql)
            throw error
        }
    }

    /// Runs an insert/update with the current bindings, then resets for the next use; bytes
    /// bound without a copy are unbound, so that nothing points at them once the caller lets go.
    public func execute() throws {
        defer {
            sqlite3_reset(handle)
            if staticBound {
                sqlite3_clear_bindings(handle)
                staticBound = false
            }
        }
        while try step() {}
    }

    public var columnCount: Int32 { sqlite3_column_count(handle) }

    public func value(at index: Int32) -> SQLValue {
        switch sqlite3_column_type(handle, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, index))
        case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(handle, index)))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(handle, index))
            guard count > 0, let pointer = sqlite3_column_blob(handle, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: pointer, count: count)))
        default: return .null
        }
    }

    public func int64(at index: Int32) -> Int64 { sqlite3_column_int64(handle, index) }
    public func double(at index: Int32) -> Double { sqlite3_column_double(handle, index) }

    public func isNull(at index: Int32) -> Bool { sqlite3_column_type(handle, index) == SQLITE_NULL }
    public func text(at index: Int32) -> String? {
        guard let c = sqlite3_column_text(handle, index) else { return nil }
        return String(cString: c)
    }

    /// The names of the result's columns, read once per statement.
    private lazy var columns: Row.Columns = {
        let names = (0..<columnCount).map { i in sqlite3_column_name(handle, i).map { String(cString: $0) } ?? "" }
        return Row.Columns(names, source: database.path)
    }()

    public func row() -> Row {
        let count = columnCount
        var values: [SQLValue] = []
        values.reserveCapacity(Int(count))
        for i in 0..<count { values.append(value(at: i)) }
        return Row(columns: columns, values: values)
    }
}

extension Database {
    /// Empties this connection's temporary database (the rows an import staged: 290 MB for 6M
    /// readings) and lets it go. Deleting such a file at once frees all of it in one filesystem
    /// transaction, which a portal's commit, syncing its WAL, waited behind (272 ms): it is cut
    /// `stepBytes` at a time, `pauseSeconds` apart, then SQLite drops the temporary schema (a
    /// change of `temp_store` does) and closes the file, which no longer holds anything. Outside
    /// a transaction only; its temporary tables are gone after.
    public func releaseTemporaryStorage(stepBytes: Int64 = 32 << 20, pauseSeconds: Double = 0.005) throws {
        guard !isInTransaction else { return }
        var pointer: UnsafeMutableRawPointer?
        if sqlite3_file_control(handle, "temp", SQLITE_FCNTL_FILE_POINTER, &pointer) == SQLITE_OK,
           let file = pointer?.assumingMemoryBound(to: sqlite3_file.self), let methods = file.pointee.pMethods,
           let fileSize = methods.pointee.xFileSize, let truncate = methods.pointee.xTruncate {
            var size: sqlite3_int64 = 0
            if fileSize(file, &size) == SQLITE_OK {
                while size > 0 {
                    size = max(0, size - stepBytes)
                    guard truncate(file, size) == SQLITE_OK else { break }
                    if size > 0 { usleep(useconds_t(pauseSeconds * 1_000_000)) }
                }
            }
        }
        // nothing reads the cut file again: a new setting closes the temporary database
        let store = try scalarInt("PRAGMA temp_store") ?? 0
        _ = try scalarInt("PRAGMA temp_store = \(store == 1 ? 2 : 1)")
        _ = try scalarInt("PRAGMA temp_store = \(store)")
    }

    /// The temporary files SQLite has open in this process (the rows an import stages spill
    /// into one), as descriptors: on Linux, the links under /proc/self/fd to its `etilqs_…`
    /// files. None elsewhere.
    static func temporaryFileDescriptors() -> [Int32] {
        let directory = "/proc/self/fd"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return entries.compactMap { entry in
            guard let fd = Int32(entry),
                  let target = try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + entry),
                  (target as NSString).lastPathComponent.hasPrefix("etilqs_") else { return nil }
            return fd
        }
    }
}
