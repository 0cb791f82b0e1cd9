import CSQLite
#if canImport(Glibc)
import Glibc
#endif

/// The exit codes, sysexits-style, one table for every command (`help exit-codes`).
public enum ExitStatus: Int32, CaseIterable, Sendable {
    case success = 0
    case internalError = 1
    case usage = 2
    case notFound = 3
    case conflict = 4
    case partial = 5
    case invalidData = 6
    case permission = 7
    case database = 8
    /// Ctrl-C in an interactive review (the shell's 128 + SIGINT); decisions made before it stay.
    case interrupted = 130
}

/// The things a message can be about. Their nouns live in the CLI's catalog.
public enum Entity: String, Sendable, CaseIterable {
    case application, reading, ticket, user, account, pin, pinRequest = "pin_request"
    case `operator`, rgk, office, outbox, faq, meter, importBatch = "import_batch"
    case attachment, link, code, database, setting, calendar, payment, contract, act
}

/// A status or kind code whose label (en/ru) the CLI knows.
public enum CodeDomain: String, Sendable, CaseIterable {
    case applicationStatus, applicationKind, readingStatus, readingReason, ticketStatus
    case ticketChannel, ticketTopic, userStatus, pinRequestStatus, outboxStatus, outboxCancelReason, role
    case accessLevel, meterState, serviceKind, importKind, importStatus, contractKind
    case consentChannel, messageChannel, accountStatus, extendedVia, readingSource, paymentState, contractState
    case pinSource, pinState, applicationSource, recalculationReason, equipmentKind, applianceKind, actorKind, ticketSource
    case outboxKind, codePurpose, applicationEventNote, profileField, identityProvider, userField
    /// The kinds of a data subject's request, a ticket's topic beside `ticketTopic` (issue 38).
    case personalDataRequest

    /// Every code of the domain, as stored.
    public var codes: [String] {
        switch self {
        case .applicationStatus: ApplicationStatus.codes
        case .applicationKind: ApplicationKind.codes
        case .readingStatus: ReadingStatus.codes
        case .readingReason: ReadingReason.codes
        case .ticketStatus: TicketStatus.codes
        case .ticketChannel: TicketChannel.codes
        case .ticketTopic: TicketTopic.codes
        case .personalDataRequest: PersonalDataRequest.allCases.map(\.rawValue)
        case .userStatus: UserStatus.codes
        case .pinRequestStatus: PinRequestStatus.codes
        case .outboxStatus: OutboxStatus.codes
        case .outboxCancelReason: OutboxCancelReason.codes
        case .role: Role.allCases.map(\.rawValue)
        case .accessLevel: AccessLevel.codes
        case .meterState: MeterState.codes
        case .serviceKind: ServiceKind.codes
        case .importKind: ImportKind.codes
        case .importStatus: ImportStatus.codes + ["incomplete"]
        case .contractKind: ContractKind.codes
        case .consentChannel: ConsentChannel.codes
        case .messageChannel: MessageChannel.codes
        case .accountStatus: AccountStatus.codes
        case .extendedVia: ExtendedVia.codes
        case .readingSource: ReadingSource.codes
        case .paymentState: PaymentState.codes
        case .contractState: ContractState.codes
        case .pinSource: PinSource.codes
        case .pinState: PinState.codes
        case .applicationSource: ApplicationSource.codes
        case .recalculationReason: RecalculationReason.codes
        case .equipmentKind: EquipmentKind.codes
        case .applianceKind: ApplianceKind.codes
        case .actorKind: ActorKind.codes
        case .ticketSource: TicketSource.codes
        case .outboxKind: OutboxKind.codes
        case .codePurpose: CodePurpose.codes
        case .identityProvider: IdentityProvider.codes
        case .userField: Spellings.Stray.Field.allCases.map(\.rawValue)
        case .applicationEventNote: ApplicationEventNote.codes
        case .profileField: ["full_name", "email", "phone", "notify_debts", "notify_status", "notify_news", "email_bills"]
        }
    }
}

/// One argument of a message: plain text, a number, a localisable code, or an entity noun.
public enum MessageArg: Sendable, Equatable {
    case text(String)
    case int(Int)
    case code(CodeDomain, String)
    case entity(Entity)
    /// A duration, to a tenth of a second.
    case seconds(Double)
    /// Several codes of one domain, any of which would do ("active or pending").
    case codes(CodeDomain, [String])
    /// Several codes of one domain that all hold ("the meter's verification expired; over the maximum").
    case allOf(CodeDomain, [String])
    /// A whole message inside another ("stdin line 3 «…»: user 8 not found").
    case message(Message)
}

extension MessageArg: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
}

/// A message to a person: a key into the catalog plus its arguments.
/// The core never holds the English or Russian text; the CLI renders it.
public struct Message: Sendable, Equatable {
    public let key: MessageKey
    public let args: [MessageArg]
    public init(_ key: MessageKey, _ args: [MessageArg] = []) {
        self.key = key
        self.args = args
    }
}

/// Every failure the program reports: an exit status and one message.
public struct MyGazError: Error, Sendable {
    public let status: ExitStatus
    public let message: Message

    public init(_ status: ExitStatus, _ key: MessageKey, _ args: MessageArg...) {
        self.status = status
        self.message = Message(key, args)
    }

    public init(_ status: ExitStatus, _ message: Message) {
        self.status = status
        self.message = message
    }

    public static func notFound(_ entity: Entity, _ id: String) -> MyGazError {
        MyGazError(.notFound, .notFound, .entity(entity), .text(id))
    }

    public static func invalid(_ key: MessageKey, _ args: MessageArg...) -> MyGazError {
        MyGazError(.invalidData, Message(key, args))
    }

    public static func conflict(_ key: MessageKey, _ args: MessageArg...) -> MyGazError {
        MyGazError(.conflict, Message(key, args))
    }

    public static func usage(_ key: MessageKey, _ args: MessageArg...) -> MyGazError {
        MyGazError(.usage, Message(key, args))
    }
}

extension MyGazError {
    /// Turns a low-level failure into the line a clerk can act on.
    public static func from(_ error: Error, path: String) -> MyGazError {
        if let mine = error as? MyGazError { return mine }
        if let sqlite = error as? SQLiteError { return from(sqlite, path: path) }
        // an engine's error names its database itself (a server's address with the password masked)
        if let engine = error as? EngineError { return engine.myGazError }
        // a day of a year the production calendar does not know: the year to import, never a guess
        if let unknown = error as? CalendarYearUnknown { return unknown.myGazError }
        return MyGazError(.internalError, .internalError, .text(String(describing: error)))
    }

    public static func from(_ error: SQLiteError, path: String) -> MyGazError {
        // SQLite reports most failed writes as I/O errors; the errno says which
        if error.primaryCode == SQLITE_IOERR || error.primaryCode == SQLITE_FULL || error.primaryCode == SQLITE_READONLY,
           let key = DatabaseFile.whyWritesFail(path: path, errno: error.systemErrno) {
            return MyGazError(.database, key, .text(path))
        }
        // a table or column renamed or dropped by someone else: the schema is not the one this
        // program was made for, which db check explains
        if error.primaryCode == SQLITE_ERROR, error.message.hasPrefix("no such column") || error.message.hasPrefix("no such table") {
            return MyGazError(.database, .databaseSchemaDiffers, .text(path), .text(error.message))
        }
        // SQLITE_CONSTRAINT_TRIGGER (a macro Swift does not import): a trigger's RAISE(ABORT, …)
        // that no room caught — the schema's own rule, or a trigger someone added — in its words
        if error.code == SQLITE_CONSTRAINT | (7 << 8) {
            return MyGazError(.database, .databaseRefusedChange, .text(path), .text(error.message))
        }
        switch error.primaryCode {
        case SQLITE_BUSY, SQLITE_LOCKED:
            return MyGazError(.database, .databaseBusy, .text(path))
        case SQLITE_FULL:
            return MyGazError(.database, .databaseFull, .text(path))
        case SQLITE_READONLY:
            return MyGazError(.database, .databaseReadOnly, .text(path))
        case SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_AUTH:
            return MyGazError(.database, .databaseCannotOpen, .text(path), .text(error.message))
        case SQLITE_NOTADB:
            return MyGazError(.database, .databaseNotSQLite, .text(path))
        case SQLITE_CORRUPT:
            return MyGazError(.database, .databaseCorrupt, .text(path))
        case SQLITE_IOERR:
            // Disk-full sometimes surfaces as an I/O error on write or fsync.
            return MyGazError(.database, .databaseIOError, .text(path), .text(error.message))
        default:
            return MyGazError(.internalError, .internalError, .text(error.description))
        }
    }
}
