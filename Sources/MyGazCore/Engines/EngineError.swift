/// A failure of a database engine in words every engine shares: the rooms, the batch runner
/// and the exit table see what happened (a conflict to retry, a unique key taken, the server
/// gone), never SQLite's result codes or PostgreSQL's SQLSTATEs. Each engine maps its own
/// codes to a `Kind` in its folder (`Engines/PostgreSQL/PGError.swift`).
public struct EngineError: Error, CustomStringConvertible, Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        /// a lock was not granted in time (SQLite busy; PostgreSQL `55P03`, a lock or statement timeout)
        case busy
        /// the transaction clashed with another and was undone: run it again (`40001`, `40P01`)
        case conflict
        /// a unique key or primary key is taken (`23505`)
        case uniqueViolation
        /// any other constraint refused the change: CHECK, NOT NULL, a foreign key (`23xxx`)
        case constraint
        /// a trigger refused the change with words of its own (PostgreSQL `RAISE EXCEPTION`, `P0001`;
        /// SQLite `RAISE(ABORT, …)`) and no room caught it: said as the database's refusal in its
        /// words (a trigger someone added is one), not as a bug of ours
        case refusedByTrigger
        /// a table, column or function the program expects is not there, or a row breaks the
        /// schema's contract (a NULL where the schema has none) (`42P01`, `42703`, `42883`)
        case schemaMismatch
        /// the server's disk is full (`53100`)
        case diskFull
        /// the database takes no writes here: a standby, a read-only transaction (`25006`)
        case readOnly
        /// the server could not read or write its files (`58030`, `XX001`, `XX002`)
        case io
        /// the server refused the login: no such role, a wrong or missing password, no entry in pg_hba.conf (`28xxx`)
        case refused
        /// the login may not do this: a missing grant, row-level security (`42501`)
        case denied
        /// the server cannot be reached, is shutting down, or dropped the connection (`08xxx`, `57P01`–`57P03`)
        case unreachable
        /// the server is there, the database is not (`3D000`)
        case noSuchDatabase
        /// the address (a URI or conninfo) cannot be read
        case badAddress
        /// a value the engine cannot store (a text with a NUL character)
        case badValue
        /// anything else: a bug in our SQL, most likely
        case other
    }

    public let kind: Kind
    /// The database as a person may see it: a SQLite path, or a PostgreSQL address with its password masked.
    public let server: String
    /// The engine's own words (PostgreSQL's primary message, never its detail, which may quote a row).
    public let message: String
    /// The engine's code: a SQLSTATE, or SQLite's extended result code in decimal.
    public var code: String?
    /// The constraint that refused the change, where the engine names it.
    public var constraint: String?
    /// The statement that failed, for the internal-error line.
    public var sql: String?
    /// The login the server refused (a connection that failed), for the command that admits her.
    public var login: String?

    public init(_ kind: Kind, server: String, message: String, code: String? = nil, constraint: String? = nil, sql: String? = nil) {
        self.kind = kind
        self.server = server
        self.message = message
        self.code = code
        self.constraint = constraint
        self.sql = sql
    }

    public var description: String {
        var text = "\(kind.rawValue)"
        if let code { text += " [\(code)]" }
        text += ": \(message)"
        if let constraint { text += " (constraint \(constraint))" }
        if let sql { text += " [in: \(sql.prefix(120))]" }
        return text
    }

    /// Worth running the whole transaction again: nothing of it was kept.
    public var isRetryable: Bool { kind == .conflict }

    /// The line a clerk reads and the exit status: 8 for the database or its server, 7 for a
    /// refused login, 2 for an address that cannot be read.
    public var myGazError: MyGazError {
        let server = MessageArg.text(server)
        switch kind {
        case .busy: return MyGazError(.database, .databaseBusy, server)
        case .conflict: return MyGazError(.database, .serverConflict, server)
        case .diskFull: return MyGazError(.database, .databaseFull, server)
        case .readOnly: return MyGazError(.database, .serverReadOnly, server)
        // a write past this login's file size limit (ulimit -f) fails as an I/O error
        case .io where FileSizeLimit.wasHit: return MyGazError(.database, .databaseFileLimit, server)
        case .io: return MyGazError(.database, .databaseIOError, server, .text(message))
        case .schemaMismatch: return MyGazError(.database, .databaseSchemaDiffers, server, .text(message))
        case .unreachable: return MyGazError(.database, .serverUnreachable, server, .text(message))
        case .noSuchDatabase: return MyGazError(.database, .serverNoSuchDatabase, server)
        case .refused where login != nil:
            return MyGazError(.permission, .serverRefusedOperator, server, .text(message), .text(login ?? ""))
        case .refused: return MyGazError(.permission, .serverRefusedLogin, server, .text(message))
        case .denied: return MyGazError(.permission, .serverDenied, server, .text(message))
        case .badAddress: return MyGazError(.usage, .serverBadAddress, server, .text(message))
        case .badValue: return MyGazError(.invalidData, .databaseValueRefused, server, .text(message))
        case .refusedByTrigger: return MyGazError(.database, .databaseRefusedChange, server, .text(message))
        case .uniqueViolation, .constraint, .other:
            // a room that expects a refusal catches it; one that reaches here is a bug of ours
            return MyGazError(.internalError, .internalError, .text(description))
        }
    }
}
