import Foundation
import MyGazCore

/// The audit trail as people read it: old → new by their labels, and the program's notes in
/// the reader's language beside a person's own words.
enum AuditView {
    static func table(_ entries: [AuditEntry], _ texts: Texts) -> Table {
        var t = Table([
            Column("at", L("AT", "ВРЕМЯ")), Column("operator", L("OPERATOR", "ОПЕРАТОР")), Column("action", L("ACTION", "ДЕЙСТВИЕ"), cut: 10),
            Column("old_value", L("OLD", "БЫЛО"), .machineOnly), Column("new_value", L("NEW", "СТАЛО"), .machineOnly),
            Column("change", L("CHANGE", "ИЗМЕНЕНИЕ"), .humanOnly, cut: 14), Column("reason", L("REASON", "ПРИЧИНА"), cut: 12),
            Column("reason_code", L("NOTE", "ОТМЕТКА"), .machineOnly), Column("reason_args", L("NOTE ARGUMENTS", "ПАРАМЕТРЫ ОТМЕТКИ"), .machineOnly),
        ])
        for e in entries {
            t.append([Cell(.text(e.at), display: Timestamp.display(e.at)), Cell(.text(e.operatorLogin)), Cell(.text(e.action))]
                     + details(e, texts))
        }
        return t
    }

    /// The cells every audit table ends with: old, new, the change for people, the reason, the note.
    static func details(_ e: AuditEntry, _ texts: Texts) -> [Cell] {
        [Cell(.of(e.oldValue)), Cell(.of(e.newValue)), Cell(.text(change(e, texts))),
         Cell(.of(e.reason), display: reason(e, texts)), Cell(.of(e.reasonCode)), Cell(arguments(e))]
    }

    /// The note's arguments as an object for JSON (CSV and TSV get the stored JSON text).
    static func arguments(_ e: AuditEntry) -> Value {
        guard let code = e.reasonCode, let reason = AuditReason(rawValue: code) else { return .null }
        let pairs = zip(reason.arguments, reason.decode(e.reasonArgs)).map { argument, value -> (String, Value) in
            switch value {
            case .int(let n)?: return (argument.name, .int(n))
            case .text(let s)?: return (argument.name, .text(s))
            case .bool(let b)?: return (argument.name, .bool(b))
            case nil: return (argument.name, .null)
            }
        }
        return pairs.isEmpty ? .null : .object(pairs)
    }

    /// `активен → заблокирован`: a stored code by its label where the entity's states are known.
    static func change(_ e: AuditEntry, _ texts: Texts) -> String {
        guard e.oldValue != nil || e.newValue != nil else { return "" }
        let domain = valueDomain(e)
        func shown(_ value: String?) -> String {
            guard let value else { return "—" }
            if e.action == "user.edit" && (value == "on" || value == "off") { return (value == "on" ? L("on", "вкл.") : L("off", "выкл."))(texts.lang) }
            if let domain, domain.codes.contains(value) { return texts.label(domain, value) }
            return Texts.visible(value)
        }
        return "\(shown(e.oldValue)) → \(shown(e.newValue))"
    }

    static func valueDomain(_ e: AuditEntry) -> CodeDomain? {
        switch e.action {
        case "user.resend-code": return .codePurpose
        case "user.resend-activation": return .identityProvider
        case "user.repair-login", "user.repair-email", "user.repair-phone": return nil
        case "user.set-login", "application.assign", "ticket.assign", "config.set", "faq.remove": return nil
        default: break
        }
        switch Entity(rawValue: e.entityType) {
        case .user?: return .userStatus
        case .application?: return .applicationStatus
        case .reading?: return .readingStatus
        case .ticket?: return .ticketStatus
        case .pinRequest?: return .pinRequestStatus
        case .pin?: return .pinState
        case .outbox?: return .outboxStatus
        case .operator?: return .role
        case .link?: return .accessLevel
        case .importBatch?: return .importStatus
        default: return nil
        }
    }

    /// The program's note in the reader's words, then the person's own.
    static func reason(_ e: AuditEntry, _ texts: Texts) -> String {
        var parts: [String] = []
        if let code = e.reasonCode, let reason = AuditReason(rawValue: code) { parts.append(note(reason, e.reasonArgs, texts)) }
        if let words = e.reason { parts.append(Texts.visible(words)) }
        return parts.joined(separator: " — ")
    }

    static func note(_ reason: AuditReason, _ json: String?, _ texts: Texts) -> String {
        let values = reason.decode(json)
        var args: [MessageArg] = []
        var flags: [Bool] = []
        for (value, argument) in zip(values, reason.arguments) {
            switch (argument.kind, value) {
            case (.bool, .bool(let b)?): flags.append(b)
            case (.bool, _): flags.append(false)
            case (.int, .int(let n)?): args.append(.int(Int(n)))
            case (.day, .text(let s)?): args.append(.text(Day(iso: s)?.russian ?? s))
            case (.code(let domain), .text(let s)?): args.append(.code(domain, s))
            case (_, .text(let s)?): args.append(.text(Format.phone(s)))
            case (_, .int(let n)?): args.append(.text(String(n)))
            default: args.append(.text("—"))
            }
        }
        let key: MessageKey
        switch reason {
        case .initialAdmin: key = .noteInitialAdmin
        case .registeredAtOffice: key = .noteRegisteredAtOffice
        case .confirmedInPerson: key = .noteConfirmedInPerson
        case .confirmedWithCode: key = .noteConfirmedWithCode
        case .codeAttempt: key = .noteCodeAttempt
        case .recoveryCodesVoided: key = .noteRecoveryCodesVoided
        case .codeSent: key = .noteCodeSent
        case .answerAttempt: key = flags.first == true ? .noteAnswerAttemptLocked : .noteAnswerAttempt
        case .extendedVia: key = .noteExtendedVia
        case .deliveryTimedOut: key = .noteDeliveryTimedOut
        case .senderDied: key = .noteSenderDied
        case .faqAnswer: key = .noteFAQAnswer
        case .ticketOpened: key = .noteTicketOpened
        case .applicationCreated: key = .noteApplicationCreated
        case .demoGenerated: key = .noteDemoGenerated
        case .erased: key = .noteErased
        case .pinIssued: key = flags.first == true ? .notePinIssuedSent : .notePinIssuedShown
        case .readingByPhone: key = .noteReadingByPhone
        case .readingRule: key = .noteReadingRule
        case .purgedUnconfirmed: key = .notePurgedUnconfirmed
        case .imported: key = .noteImported
        case .billsQueued: key = .noteBillsQueued
        case .profileField: key = .noteProfileField
        }
        return texts.render(Message(key, args))
    }
}
