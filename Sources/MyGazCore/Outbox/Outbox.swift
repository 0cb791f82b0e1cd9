/// Messages to customers wait in the outbox until `outbox send` delivers them. A secret
/// (a PIN, a code) never sits in the body: the body holds `{{secret}}`, the secret its own
/// column, which delivery fills in and then erases.
public enum Outbox {
    public static let secretMark = "{{secret}}"

    public struct Draft: Sendable {
        public var channel: MessageChannel
        public var recipient: String
        public var subject: String?
        public var body: String
        public var secret: String?
        public var rgkID: Int64?
        public var kind: OutboxKind
        public var entity: Entity?
        public var entityID: Int64?
        /// A bill of the account `entityID` for this month goes with the message, made when it is sent.
        public var billPeriod: String?
        /// The portal user it is to, when it is to one: delivery checks again that the user may
        /// still get it (not blocked, not erased; for a bill, still linked with the extended version).
        public var userID: Int64?

        public init(channel: MessageChannel, recipient: String, subject: String?, body: String, secret: String? = nil,
                    rgkID: Int64?, kind: OutboxKind, entity: Entity?, entityID: Int64?, userID: Int64? = nil) {
            self.channel = channel
            self.recipient = recipient
            self.subject = subject
            self.body = body
            self.secret = secret
            self.rgkID = rgkID
            self.kind = kind
            self.entity = entity
            self.entityID = entityID
            self.userID = userID
        }
    }

    /// What became of a message: queued for delivery, or refused at once because its recipient
    /// is not an address or a mobile number (kept as a failed message that says why, secret-free).
    public struct Queued: Sendable {
        public let id: Int64
        public let recipient: String
        public let refused: Bool

        /// The line a command adds to its result for the clerk.
        public var note: Message {
            refused ? Message(.recipientRefused, [.text(recipient), .int(Int(id))]) : Message(.messageQueued, [.text(recipient)])
        }
    }

    /// Queues a message in the caller's transaction. A recipient that is not a valid address
    /// (e-mail) or a Russian mobile (SMS) never reaches the queue: the row is written failed
    /// with the reason, so the decision stands and the clerk learns to call instead.
    @discardableResult
    public static func enqueue(_ session: Session, _ draft: Draft) throws -> Queued {
        let recipient = Contact.recipient(draft.recipient, channel: draft.channel)
        let id = try session.db.insert("""
            INSERT INTO outbox (channel, recipient, subject, body, secret, rgk_id, kind, entity_type, entity_id, status,
                                attempts, next_attempt_at, created_at, last_error, bill_period, user_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?)
            """, draft.channel.rawValue, recipient ?? draft.recipient, draft.channel == .email ? (draft.subject ?? "") : draft.subject,
            draft.body, recipient == nil ? nil : draft.secret, draft.rgkID, draft.kind.rawValue, draft.entity?.rawValue, draft.entityID,
            recipient == nil ? "failed" : "waiting", session.now, session.now, recipient == nil ? invalidRecipient(draft.channel) : nil,
            draft.billPeriod, draft.userID)
        return Queued(id: id, recipient: recipient ?? draft.recipient, refused: recipient == nil)
    }

    /// The reason a message with a bad recipient failed, as the outbox shows it.
    static func invalidRecipient(_ channel: MessageChannel) -> String {
        channel == .email ? "invalid recipient: not an e-mail address; nothing was sent"
                          : "invalid recipient: not a Russian mobile number; nothing was sent"
    }

    /// How a message is shown to an operator: the secret masked.
    public static func masked(_ body: String) -> String {
        body.replacingOccurrences(of: secretMark, with: "••••••")
    }

    /// The text to deliver: the secret filled in.
    public static func filled(_ body: String, secret: String?) -> String {
        guard let secret else { return masked(body) }
        return body.replacingOccurrences(of: secretMark, with: secret)
    }
}
