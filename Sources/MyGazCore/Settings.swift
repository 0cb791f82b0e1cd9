import Foundation

/// What a setting holds, and how a value is checked before it is kept.
public enum SettingKind: Sendable {
    case address, name, days, url, command
    /// A day of the month, 1–31 (a later day than a month has is its last day).
    case dayOfMonth
    /// Where and how mail leaves: the SMTP relay, its login, the files of its password and CA.
    case relay

    /// The whole numbers a setting of this kind may hold (nil: it is no number): days 1–3650, a
    /// day of the month 1–31. `config set` keeps no other, and none other is used (`Settings.days`).
    public var numberRange: ClosedRange<Int>? {
        switch self {
        case .days: return 1...3650
        case .dayOfMonth: return 1...31
        case .address, .name, .url, .command, .relay: return nil
        }
    }
}

/// The program's settings: who sends the customers' mail, how long a ticket may wait, where the
/// portal is — kept in the database (`setting` table), changed by an admin with `config set` and
/// audited; and which programs deliver and print — never from the database (`ConfigFile`).
public enum SettingKey: String, CaseIterable, Sendable, Code {
    case mailFrom = "mail.from"
    case mailFromName = "mail.from_name"
    case supportFrom = "mail.support_from"
    case supportName = "mail.support_name"
    case sendmail = "mail.sendmail"
    /// The SMTP relay letters go through (`smtp://HOST:PORT`, `smtps://`); unset: `mail.sendmail`.
    case smtp = "mail.smtp"
    case smtpUser = "mail.smtp_user"
    /// A file holding the relay's password (never argv, the environment's value, or the database).
    case smtpPasswordFile = "mail.smtp_password_file"
    /// The CA certificates the relay's certificate is verified against (else the system's store).
    case smtpCAFile = "mail.smtp_ca_file"
    /// The most senders `outbox send` runs side by side (what the relay allows): `--parallel` and
    /// the default of one per core are held to it.
    case outboxMaxParallel = "outbox.max_parallel"
    case smsCommand = "sms.command"
    case ticketAnswerDays = "ticket.answer_days"
    /// A personal-data request: working days to answer, and its one extension (152-FZ art. 20).
    case personalDataDays = "ticket.personal_data_days"
    case personalDataExtensionDays = "ticket.personal_data_extension_days"
    /// A correction of the person's data (152-FZ art. 21 p. 2), working days; a withdrawal of
    /// consent (art. 21 p. 5), calendar days.
    case personalDataCorrectionDays = "ticket.personal_data_correction_days"
    case personalDataWithdrawalDays = "ticket.personal_data_withdrawal_days"
    /// The period of each application kind (docs/deadlines.md: calendar or working days, basis).
    case applicationVDGOMaintenanceDays = "application.vdgo_maintenance_days"
    case applicationRepairDays = "application.repair_days"
    case applicationRecalculationDays = "application.recalculation_days"
    case applicationContractConnectionDays = "application.contract_connection_days"
    case applicationContractSupplyDays = "application.contract_supply_days"
    case applicationContractVDGODays = "application.contract_vdgo_days"
    /// The day of the month a pending reading is decided by (before the RGK's billing export).
    case readingCutoffDay = "reading.cutoff_day"
    case paymentStuckDays = "payment.stuck_days"
    case portalURL = "portal.url"
    case printCommand = "print.command"

    public var kind: SettingKind {
        switch self {
        case .mailFrom, .supportFrom: return .address
        case .mailFromName, .supportName: return .name
        case .ticketAnswerDays, .paymentStuckDays, .personalDataDays, .personalDataExtensionDays,
             .personalDataCorrectionDays, .personalDataWithdrawalDays,
             .applicationVDGOMaintenanceDays, .applicationRepairDays, .applicationRecalculationDays,
             .applicationContractConnectionDays, .applicationContractSupplyDays, .applicationContractVDGODays: return .days
        case .readingCutoffDay: return .dayOfMonth
        case .portalURL: return .url
        case .sendmail, .smsCommand, .printCommand: return .command
        case .smtp, .smtpUser, .smtpPasswordFile, .smtpCAFile, .outboxMaxParallel: return .relay
        }
    }

    /// The value when none is set (nil: none; the feature that needs it says so).
    public var defaultValue: String? {
        switch self {
        case .mailFromName: return "Личный кабинет «Мой газ»"
        case .supportName: return "Техническая поддержка «Мой газ»"
        case .sendmail: return "/usr/sbin/sendmail -i -t"
        case .ticketAnswerDays: return "30"
        case .personalDataDays: return "10"
        case .personalDataExtensionDays: return "5"
        case .personalDataCorrectionDays: return "7"
        case .personalDataWithdrawalDays: return "30"
        case .applicationRecalculationDays: return "5"
        case .applicationVDGOMaintenanceDays, .applicationRepairDays, .applicationContractConnectionDays,
             .applicationContractSupplyDays, .applicationContractVDGODays: return "30"
        case .readingCutoffDay: return "25"
        case .paymentStuckDays: return "3"
        case .printCommand: return "lp"
        case .mailFrom, .supportFrom, .smsCommand, .portalURL, .smtp, .smtpUser, .smtpPasswordFile, .smtpCAFile, .outboxMaxParallel: return nil
        }
    }
}

extension SettingKey {
    /// A program to run, or where and how mail leaves (a relay in the database could send every
    /// PIN to another server): read from an option, the environment or the configuration file,
    /// never from the database every clerk can write.
    public var isCommand: Bool { kind == .command || kind == .relay }

    /// The environment variable that gives a command setting.
    public var environmentVariable: String? {
        switch self {
        case .sendmail: return "MYGAZ_SENDMAIL"
        case .smsCommand: return "MYGAZ_SMS_COMMAND"
        case .printCommand: return "MYGAZ_PRINT_COMMAND"
        case .smtp: return "MYGAZ_SMTP"
        case .smtpUser: return "MYGAZ_SMTP_USER"
        case .smtpPasswordFile: return "MYGAZ_SMTP_PASSWORD_FILE"
        case .smtpCAFile: return "MYGAZ_SMTP_CA_FILE"
        case .outboxMaxParallel: return "MYGAZ_OUTBOX_MAX_PARALLEL"
        default: return nil
        }
    }
}

/// Where a setting's value came from.
public enum SettingSource: Sendable, Equatable {
    case option(String)
    case environment(String)
    case file(String)
    case database
    case `default`

    /// `option`, `environment`, `file`, `database`, `default`
    public var code: String {
        switch self {
        case .option: return "option"
        case .environment: return "environment"
        case .file: return "file"
        case .database: return "database"
        case .default: return "default"
        }
    }

    /// The option, the variable or the file's path.
    public var name: String? {
        switch self {
        case .option(let name), .environment(let name), .file(let name): return name
        case .database, .default: return nil
        }
    }
}

public struct SettingValue: Sendable {
    public let key: SettingKey
    public let value: String?
    public let source: SettingSource
    public let updatedAt: String?
    public let updatedBy: String?
    public var isDefault: Bool { source == .default }
}

public enum Settings {
    /// A setting kept in the database (a command setting is refused: `command` reads those).
    public static func get(_ db: any Storage, _ key: SettingKey) throws -> String? {
        guard !key.isCommand else { throw notStored(key, environment: [:]) }
        return try db.scalarString("SELECT value FROM setting WHERE key = ?", key.rawValue) ?? key.defaultValue
    }

    /// A program to run and where it came from: the option given, else the environment variable
    /// (when not empty), else the configuration file, else the default (nil: none). The database
    /// is never read for it.
    public static func command(_ key: SettingKey, option: (name: String, value: String?)? = nil,
                               environment: [String: String]) throws -> (value: String?, source: SettingSource) {
        precondition(key.isCommand, "\(key.rawValue) is not a command setting")
        if let option, let value = option.value { return (value, .option(option.name)) }
        if let variable = key.environmentVariable, let value = environment[variable], !value.isEmpty {
            return (value, .environment(variable))
        }
        let path = ConfigFile.path(environment)
        if let file = try ConfigFile.load(path), let value = file.values[key] { return (value, .file(path)) }
        return (key.defaultValue, .default)
    }

    /// The refusal of `config set` for a command setting: where it is read from instead.
    public static func notStored(_ key: SettingKey, environment: [String: String]) -> MyGazError {
        MyGazError.usage(.settingNotStored, .text(key.rawValue), .text(ConfigFile.path(environment)), .text(key.environmentVariable ?? ""))
    }

    /// Command settings a database still holds (written by an older version or by hand): ignored.
    public static func ignoredRows(_ db: any Storage) throws -> [(key: SettingKey, value: String)] {
        try db.query("SELECT key, value FROM setting ORDER BY key").compactMap { row in
            guard let key = SettingKey(rawValue: try row.string("key")), key.isCommand else { return nil }
            return (key, try row.string("value"))
        }
    }

    /// A number of days (or a day of the month) as the database keeps it, its default without a
    /// row. A value `config set` would refuse (written past it, with SQL) is never used: exit 6,
    /// one line naming the setting, the value and the command that mends it.
    public static func days(_ db: any Storage, _ key: SettingKey) throws -> Int {
        try days(key, stored: db.scalarString("SELECT value FROM setting WHERE key = ?", key.rawValue))
    }

    /// `days` of several keys, read in one statement (the deadline rules ask ten at every start).
    public static func days(_ db: any Storage, _ keys: [SettingKey]) throws -> [SettingKey: Int] {
        let stored = try Dictionary(db.query("SELECT key, value FROM setting WHERE \(db.sql.isIn("key", of: .text))",
                                             SQLList(texts: keys.map(\.rawValue)))
            .map { (try $0.string("key"), try $0.string("value")) }, uniquingKeysWith: { a, _ in a })
        return try Dictionary(uniqueKeysWithValues: keys.map { ($0, try days($0, stored: stored[$0.rawValue])) })
    }

    private static func days(_ key: SettingKey, stored: String?) throws -> Int {
        guard let range = key.kind.numberRange else { preconditionFailure("\(key.rawValue) is no number of days") }
        guard let stored else { return Int(key.defaultValue ?? "") ?? range.lowerBound }
        guard let n = number(stored, in: range) else {
            throw MyGazError.invalid(.settingBadStored, .text(key.rawValue), .text(stored), .text(String(range.lowerBound)), .text(String(range.upperBound)),
                                     .text(key.defaultValue ?? "—"))
        }
        return n
    }

    /// A whole number in `range`, as `config set` takes it (spaces around it allowed).
    static func number(_ text: String, in range: ClosedRange<Int>) -> Int? {
        guard let n = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(n) else { return nil }
        return n
    }

    /// One setting with its value and its source; a command as `command` finds it.
    public static func value(_ db: any Storage, _ key: SettingKey, environment: [String: String]) throws -> SettingValue {
        if key.isCommand {
            let (value, source) = try command(key, environment: environment)
            return SettingValue(key: key, value: value, source: source, updatedAt: nil, updatedBy: nil)
        }
        let row = try db.queryOne("SELECT value, updated_at, updated_by FROM setting WHERE key = ?", key.rawValue)
        return SettingValue(key: key, value: try row?.string("value") ?? key.defaultValue, source: row == nil ? .default : .database,
                            updatedAt: try row?.optString("updated_at"), updatedBy: try row?.optString("updated_by"))
    }

    /// Every setting with its value and its source.
    public static func list(_ db: any Storage, environment: [String: String]) throws -> [SettingValue] {
        try SettingKey.allCases.map { try value(db, $0, environment: environment) }
    }

    /// Checks and keeps a value (nil: back to the default); audited. Answers whether it changed.
    /// A command setting is refused with a value; without one, a row an older version left of it
    /// is removed (audited), so that nothing of it stays in the database.
    @discardableResult
    public static func set(_ session: Session, _ key: SettingKey, _ value: String?, environment: [String: String] = [:]) throws -> Bool {
        if key.isCommand && value != nil { throw notStored(key, environment: environment) }
        let value = try value.map { try checked(key, $0) }
        return try session.db.write {
            let old = try session.db.scalarString("SELECT value FROM setting WHERE key = ? \(session.db.sql.lockingRows)", key.rawValue)
            guard old != value else { return false }
            if let value {
                try session.db.run("""
                    INSERT INTO setting (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                    """, key.rawValue, value, session.now, session.login)
            } else {
                try session.db.run("DELETE FROM setting WHERE key = ?", key.rawValue)
            }
            try session.audit("config.set", .setting, key.rawValue, old: old, new: value)
            return true
        }
    }

    static func checked(_ key: SettingKey, _ text: String) throws -> String {
        // a period (issue 38): a value that is no whole number in range, an empty one too, is a
        // usage error, exit 2
        if let range = key.kind.numberRange {
            guard let n = number(text, in: range) else { throw MyGazError.usage(.settingBadValue, .text(key.rawValue), .text(text)) }
            return String(n)
        }
        let value = text.trimmingCharacters(in: .whitespaces)
        guard !value.isEmpty, !value.unicodeScalars.contains(where: UntrustedText.needsEscape) else {
            throw MyGazError.invalid(.settingBadValue, .text(key.rawValue), .text(text))
        }
        switch key.kind {
        case .address:
            guard let address = Contact.email(value), !address.hasSuffix("@localhost") else {
                throw MyGazError.invalid(.settingBadValue, .text(key.rawValue), .text(text))
            }
            return address
        case .days, .dayOfMonth:
            preconditionFailure("a number is checked above")
        case .url:
            // it goes into customers' letters: printable ASCII a URL may hold, nothing that ends or hides it
            guard value.hasPrefix("https://") || value.hasPrefix("http://"), value.count > 8,
                  value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && !"\"'<>\\^`{|}".unicodeScalars.contains($0) }) else {
                throw MyGazError.invalid(.settingBadValue, .text(key.rawValue), .text(text))
            }
            return value
        case .name, .command, .relay:
            return value
        }
    }
}
