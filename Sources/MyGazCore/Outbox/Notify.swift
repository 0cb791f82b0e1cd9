import Foundation

/// Telling a customer of a decision: the one contact rule. A decision goes by the record's
/// e-mail, else by SMS to its mobile; with neither, the clerk is told to phone. The portal's
/// status-notification switch silences optional notices only (an approval, a completion),
/// never a question or a refusal the customer must act on.
public enum Notify {
    /// Where a record can reach its customer.
    public struct Reach: Sendable {
        public var email: String?
        public var phone: String?
        /// The customer switched status notices off in the portal.
        public var optedOut = false
        /// The portal user these contacts are of, when they are a user's (checked again at delivery).
        public var userID: Int64?

        public init(email: String?, phone: String?, optedOut: Bool = false, userID: Int64? = nil) {
            self.email = email
            self.phone = phone
            self.optedOut = optedOut
            self.userID = userID
        }

        /// An e-mail address or a mobile number a message can go to.
        public var canBeSent: Bool { email.flatMap(Contact.email) != nil || phone.flatMap(Contact.phone) != nil }
    }

    public enum Need: Sendable { case required, optional }

    /// A notice in its two forms: a letter, and the short text an SMS can carry. The letter is
    /// written by the one rule (`letter`): `body` is what happened and what to do next, greeted by
    /// `to`'s name and signed by the RGK as it is queued.
    public struct Notice: Sendable {
        public var subject: String
        /// The full name of the person the letter greets (nil: «Здравствуйте!»).
        public var to: String?
        public var body: String
        public var sms: String
        public var kind: OutboxKind
        public var secret: String?

        public init(subject: String, to: String?, body: String, sms: String, kind: OutboxKind, secret: String? = nil) {
            self.subject = subject
            self.to = to
            self.body = body
            self.sms = sms
            self.kind = kind
            self.secret = secret
        }
    }

    /// What became of a notice: queued (to whom), or why not; the clerk reads `note` beside the
    /// decision and `warning` on stderr when the customer must be told another way.
    public struct Outcome: Sendable {
        public let notified: Bool
        public let note: Message?
        public let warning: Message?
        /// The outbox row written, when one was.
        public var queuedID: Int64? = nil
    }

    /// Queues the notice in the caller's transaction, by the rule above.
    public static func tell(_ session: Session, _ reach: Reach, _ notice: Notice, need: Need, rgkID: Int64?,
                            entity: Entity, entityID: Int64, who: String) throws -> Outcome {
        if need == .optional && reach.optedOut {
            return Outcome(notified: false, note: Message(.noticeOptedOut), warning: nil)
        }
        let letter = letter(to: notice.to, notice.body, footer: try Notify.footer(session.db, rgkID: rgkID))
        if let email = reach.email.flatMap(Contact.email) {
            let queued = try Outbox.enqueue(session, .init(channel: .email, recipient: email, subject: notice.subject,
                                                           body: letter, secret: notice.secret,
                                                           rgkID: rgkID, kind: notice.kind, entity: entity, entityID: entityID, userID: reach.userID))
            return queued.refused ? Outcome(notified: false, note: nil, warning: queued.note, queuedID: queued.id)
                                  : Outcome(notified: true, note: queued.note, warning: nil, queuedID: queued.id)
        }
        if let phone = reach.phone.flatMap(Contact.phone) {
            let queued = try Outbox.enqueue(session, .init(channel: .sms, recipient: phone, subject: nil, body: notice.sms, secret: notice.secret,
                                                           rgkID: rgkID, kind: notice.kind, entity: entity, entityID: entityID, userID: reach.userID))
            return queued.refused ? Outcome(notified: false, note: nil, warning: queued.note, queuedID: queued.id)
                                  : Outcome(notified: true, note: queued.note, warning: nil, queuedID: queued.id)
        }
        // an address that is not one: kept as a failed message that says so, and the clerk told
        if let given = reach.email {
            let queued = try Outbox.enqueue(session, .init(channel: .email, recipient: given, subject: notice.subject, body: letter,
                                                           rgkID: rgkID, kind: notice.kind, entity: entity, entityID: entityID, userID: reach.userID))
            return Outcome(notified: false, note: nil, warning: queued.note)
        }
        let phone = reach.phone.map { Contact.phone($0) ?? $0 }
        return Outcome(notified: false, note: nil,
                       warning: Message(phone == nil ? .noContactTellInPerson : .noContactPhone, [.entity(entity), .text(String(entityID)), .text(phone ?? who)]))
    }

    /// The longest SMS a notice is: four parts of a Cyrillic (UCS-2) text, 67 characters each
    /// (a concatenated SMS every operator delivers as one message).
    public static let smsLimit = 4 * 67

    /// An SMS of a notice, by one rule: what happened, the clerk's words, what to do next, the
    /// RGK's phone. What is too long for `smsLimit` gives way in this order: the clerk's words are
    /// shortened (at a word, with «…»), then left out, then what to do next; what happened stays.
    public static func sms(head: String, words: String?, next: String, phone: String?) -> String {
        let contact = phone.map { "Тел. \(Contact.written($0))." }
        func text(_ words: String?, _ next: String?) -> String {
            [head, words.map(sentence), next, contact].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        }
        if text(words, next).count <= smsLimit { return text(words, next) }
        if let words {
            let room = smsLimit - text("", next).count - 1
            if room >= 15 {
                var cut = ""
                for word in words.split(separator: " ") {
                    guard cut.count + word.count + 2 <= room else { break }
                    cut += (cut.isEmpty ? "" : " ") + word
                }
                if !cut.isEmpty { return text(cut + "…", next) }
            }
        }
        if text(nil, next).count <= smsLimit { return text(nil, next) }
        return String(text(nil, nil).prefix(smsLimit))
    }

    /// A sentence ends with one stop: «с фото.», never «с фото..».
    public static func sentence(_ text: String) -> String {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let last = t.last else { return t }
        return ".!?…".contains(last) ? t : t + "."
    }

    /// «Здравствуйте, Сергей Анатольевич!» for a full name as the RGK writes it (surname, name,
    /// patronymic, in Cyrillic letters); anything else is greeted «Здравствуйте!».
    public static func greeting(_ fullName: String?) -> String {
        let words = (fullName ?? "").split(whereSeparator: \.isWhitespace).map(String.init)
        let cyrillic = words.allSatisfy { $0.unicodeScalars.allSatisfy { (0x400...0x4FF).contains($0.value) || $0 == "-" } }
        guard words.count == 3, cyrillic else { return "Здравствуйте!" }
        return "Здравствуйте, \(words[1]) \(words[2])!"
    }

    /// A letter to a customer, by the one rule (issue 41): greeted by name and patronymic
    /// (`greeting`), what happened and what to do next (`text`), signed by the RGK (`footer`).
    /// Every letter a customer reads is written here (`tell` writes a notice's through it). A text
    /// that greets already (a clerk's answer beginning «Добрый день!») is not greeted twice.
    public static func letter(_ db: any Storage, to fullName: String?, _ text: String, rgkID: Int64?) throws -> String {
        letter(to: fullName, text, footer: try footer(db, rgkID: rgkID))
    }

    /// The same, with a signature already read (a mailing of many letters reads each RGK's once).
    public static func letter(to fullName: String?, _ text: String, footer: String) -> String {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return (greets(text) ? "" : greeting(fullName) + "\n\n") + text + "\n\n" + footer
    }

    /// Whether a text begins with a greeting, in Russian or English.
    public static func greets(_ text: String) -> Bool {
        let start = text.prefix(40).lowercased().replacingOccurrences(of: "ё", with: "е")
        return ["здравствуй", "добрый день", "добрый вечер", "доброе утро", "доброго дня", "приветствую", "уважаем",
                "hello", "good morning", "good afternoon", "good evening", "dear "].contains { start.hasPrefix($0) }
    }

    /// The RGK that signs a portal user's letters: that of her first linked account; none (technical
    /// support signs) without one.
    public static func userRGK(_ db: any Storage, userID: Int64) throws -> Int64? {
        try db.queryOne("""
            SELECT a.rgk_id FROM user_account l JOIN account a ON a.id = l.account_id WHERE l.user_id = ? ORDER BY l.linked_at, a.id LIMIT 1
            """, userID)?.int64("rgk_id")
    }

    /// The RGK's phone, as written in an SMS.
    public static func rgkPhone(_ db: any Storage, rgkID: Int64) throws -> String? {
        try db.queryOne("SELECT phone FROM rgk WHERE id = ?", rgkID)?.optString("phone")
    }

    /// How to reach the RGK, under every message: its name and phone, and its (first) office
    /// with the address and hours, where known; technical support signs its own.
    public static func footer(_ db: any Storage, rgkID: Int64?) throws -> String {
        guard let rgkID, let rgk = try db.queryOne("SELECT name, phone FROM rgk WHERE id = ?", rgkID) else {
            return "С уважением, техническая поддержка личного кабинета «Мой газ»."
        }
        var lines = ["С уважением, абонентский отдел \(try rgk.string("name"))."]
        if let phone = try rgk.optString("phone") { lines.append("Телефон: \(Contact.written(phone)).") }
        if let office = try db.queryOne("SELECT name, address, hours FROM office WHERE rgk_id = ? ORDER BY id LIMIT 1", rgkID) {
            lines.append([try office.string("name"), try office.optString("address"), try office.optString("hours").map { "часы работы: \($0)" }]
                .compactMap { $0 }.joined(separator: ", ") + ".")
        }
        return lines.joined(separator: "\n")
    }
}
