import Foundation

/// What a setting holds, and how a value is checked before it is kept.
public enum SettingKind: Sendable {
    case address, name, days, url, command
}

/// The program's settings, kept in the database (`setting` table), changed by an admin with
/// `config set` and audited: who sends the customers' mail, how long a ticket may wait, where
/// the portal is, which programs deliver and print.
public enum SettingKey: String, CaseIterable, Sendable, Code {
    case mailFrom = "mail.from"
    case mailFromName = "mail.from_name"
    case supportFrom = "mail.support_from"
    case supportName = "mail.support_name"
    case sendmail = "mail.sendmail"
    case smsCommand = "sms.command"
    case ticketAnswerDays = "ticket.answer_days"
    case paymentStuckDays = "payment.stuck_days"
    case portalURL = "portal.url"
    case printCommand = "print.command"

    public var kind: SettingKind {
        switch self {
        case .mailFrom, .supportFrom: return .address
        case .mailFromName, .supportName: return .name
        case .ticketAnswerDays, .paymentStuckDays: return .days
        case .portalURL: return .url
        case .sendmail, .smsCommand, .printCommand: return .command
        }
    }

    /// The value when none is set (nil: none; the feature that needs it says so).
    public var defaultValue: String? {
        switch self {
        case .mailFromName: return "Личный кабинет «Мой газ»"
        case .supportName: return "Техническая поддержка «Мой газ»"
        case .sendmail: return "/usr/sbin/sendmail -i"
        case .ticketAnswerDays: return "30"
        case .paymentStuckDays: return "3"
        case .printCommand: return "lp"
        case .mailFrom, .supportFrom, .smsCommand, .portalURL: return nil
        }
    }
}

public struct SettingValue: Sendable {
    public let key: SettingKey
    public let value: String?
    public let isDefault: Bool
    public let updatedAt: String?
    public let updatedBy: String?
}

public enum Settings {
    public static func get(_ db: any Storage, _ key: SettingKey) throws -> String? {
        try db.scalarString("SELECT value FROM setting WHERE key = ?", key.rawValue) ?? key.defaultValue
    }

    public static func days(_ db: any Storage, _ key: SettingKey) throws -> Int {
        try get(db, key).flatMap(Int.init) ?? Int(key.defaultValue ?? "0") ?? 0
    }

    public static func list(_ db: any Storage) throws -> [SettingValue] {
        var stored: [String: Row] = [:]
        for row in try db.query("SELECT key, value, updated_at, updated_by FROM setting") { stored[row.string(0)] = row }
        return SettingKey.allCases.map { key in
            let row = stored[key.rawValue]
            return SettingValue(key: key, value: row?.string(1) ?? key.defaultValue, isDefault: row == nil,
                                updatedAt: row?.string(2), updatedBy: row?.string(3))
        }
    }

    /// Checks and keeps a value (nil: back to the default); audited. Answers whether it changed.
    @discardableResult
    public static func set(_ session: Session, _ key: SettingKey, _ value: String?) throws -> Bool {
        let value = try value.map { try checked(key, $0) }
        return try session.db.write {
            let old = try session.db.scalarString("SELECT value FROM setting WHERE key = ?", key.rawValue)
            guard old != value else { return false }
            if let value {
                try session.db.run("""
                    INSERT INTO setting (key, value, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)
                    ON CONFLICT (key) DO UPDATE SET value = ?2, updated_at = ?3, updated_by = ?4
                    """, key.rawValue, value, session.now, session.login)
            } else {
                try session.db.run("DELETE FROM setting WHERE key = ?", key.rawValue)
            }
            try session.audit("config.set", .setting, key.rawValue, old: old, new: value)
            return true
        }
    }

    static func checked(_ key: SettingKey, _ text: String) throws -> String {
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
        case .days:
            guard let n = Int(value), (1...3650).contains(n) else { throw MyGazError.invalid(.settingBadValue, .text(key.rawValue), .text(text)) }
            return String(n)
        case .url:
            // it goes into customers' letters: printable ASCII a URL may hold, nothing that ends or hides it
            guard value.hasPrefix("https://") || value.hasPrefix("http://"), value.count > 8,
                  value.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && !"\"'<>\\^`{|}".unicodeScalars.contains($0) }) else {
                throw MyGazError.invalid(.settingBadValue, .text(key.rawValue), .text(text))
            }
            return value
        case .name, .command:
            return value
        }
    }
}
