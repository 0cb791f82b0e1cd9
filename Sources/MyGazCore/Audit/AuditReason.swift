import Foundation

/// What the program itself says about a change it records: a code with named arguments, kept in
/// `audit.reason_code` and `audit.reason_args` (a JSON object) and put into words only when read,
/// in the reader's language. `audit.reason` keeps a person's own words (a clerk's reason).
/// The portal reads the same codes; docs/schema.md lists them.
public enum AuditReason: String, CaseIterable, Sendable {
    case initialAdmin = "initial_admin"
    case registeredAtOffice = "registered_at_office"
    case confirmedInPerson = "confirmed_in_person"
    case confirmedWithCode = "confirmed_with_code"
    case codeAttempt = "code_attempt"
    case recoveryCodesVoided = "recovery_codes_voided"
    case codeSent = "code_sent"
    case answerAttempt = "answer_attempt"
    case extendedVia = "extended_via"
    case deliveryTimedOut = "delivery_timed_out"
    case senderDied = "sender_died"
    case faqAnswer = "faq_answer"
    case ticketOpened = "ticket_opened"
    case applicationCreated = "application_created"
    case demoGenerated = "demo_generated"
    case erased
    case pinIssued = "pin_issued"
    case readingByPhone = "reading_by_phone"
    case readingRule = "reading_rule"
    case purgedUnconfirmed = "purged_unconfirmed"
    case imported
    case billsQueued = "bills_queued"
    case profileField = "profile_field"

    /// How an argument is read back: a number, text as it is, a day, or a code of a domain.
    public enum Kind: Sendable, Equatable { case int, text, day, bool, code(CodeDomain) }

    /// The arguments, in the order the message takes them.
    public var arguments: [(name: String, kind: Kind)] {
        switch self {
        case .initialAdmin, .registeredAtOffice, .confirmedInPerson, .confirmedWithCode, .deliveryTimedOut, .senderDied: return []
        case .codeAttempt: return [("attempt", .int), ("of", .int)]
        case .recoveryCodesVoided: return [("count", .int)]
        // where the code went is her contact: not in the audit row (version 9 took it out of older rows)
        case .codeSent: return [("channel", .code(.messageChannel))]
        case .answerAttempt: return [("attempt", .int), ("of", .int), ("locked", .bool)]
        case .extendedVia: return [("via", .code(.extendedVia))]
        case .faqAnswer: return [("faq", .int)]
        case .ticketOpened: return [("source", .code(.ticketSource)), ("channel", .code(.ticketChannel)), ("topic", .code(.ticketTopic))]
        case .applicationCreated: return [("kind", .code(.applicationKind))]
        case .demoGenerated: return [("accounts", .int), ("seed", .int), ("date", .day)]
        case .erased:
            return [("links", .int), ("applications", .int), ("tickets", .int), ("pin_requests", .int), ("cancelled", .int),
                    ("messages", .int), ("audit_rows", .int)]
        case .pinIssued: return [("account", .text), ("revoked", .int), ("sent", .bool)]
        case .readingByPhone: return [("value", .int), ("date", .day), ("serial", .text), ("account", .text)]
        case .readingRule: return [("rule", .code(.readingReason))]
        case .purgedUnconfirmed: return [("count", .int), ("before", .text)]
        case .imported:
            return [("file", .text), ("read", .int), ("inserted", .int), ("updated", .int), ("unchanged", .int), ("rejected", .int)]
        case .billsQueued: return [("period", .text), ("queued", .int), ("rgk", .text)]
        case .profileField: return [("field", .code(.profileField))]
        }
    }

    /// The JSON object of `reason_args` for these values (named as `arguments` names them).
    public func encode(_ values: [String: AuditValue]) -> String? {
        guard !arguments.isEmpty else { return nil }
        var object: [String: Any] = [:]
        for (name, _) in arguments {
            switch values[name] {
            case .int(let n)?: object[name] = n
            case .text(let s)?: object[name] = s
            case .bool(let b)?: object[name] = b
            case nil: object[name] = NSNull()
            }
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// The values of a stored `reason_args` object, in the order of `arguments` (nil where absent).
    public func decode(_ json: String?) -> [AuditValue?] {
        let object = json.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [String: Any] ?? [:]
        return arguments.map { name, kind in
            switch object[name] {
            case let n as NSNumber where kind == .bool: return .bool(n.boolValue)
            case let n as NSNumber: return .int(n.int64Value)
            case let s as String: return .text(s)
            default: return nil
            }
        }
    }
}

/// One argument of an audit reason.
public enum AuditValue: Sendable, Equatable {
    case int(Int64)
    case text(String)
    case bool(Bool)
}

extension AuditValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

/// A reason the program writes: the code and its arguments.
public struct AuditNote: Sendable, Equatable {
    public let reason: AuditReason
    public let values: [String: AuditValue]
    public init(_ reason: AuditReason, _ values: [String: AuditValue] = [:]) {
        self.reason = reason
        self.values = values
    }
}
