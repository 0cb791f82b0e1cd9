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

        public init(channel: MessageChannel, recipient: String, subject: String?, body: String, secret: String? = nil,
                    rgkID: Int64?, kind: OutboxKind, entity: Entity?, entityID: Int64?) {
            self.channel = channel
            self.recipient = recipient
            self.subject = subject
            self.body = body
            self.secret = secret
            self.rgkID = rgkID
            self.kind = kind
            self.entity = entity
            self.entityID = entityID
        }
    }

    /// Queues a message in the caller's transaction; answers its id.
    @discardableResult
    public static func enqueue(_ session: Session, _ draft: Draft) throws -> Int64 {
        try session.db.run("""
            INSERT INTO outbox (channel, recipient, subject, body, secret, rgk_id, kind, entity_type, entity_id, status,
                                attempts, next_attempt_at, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting', 0, ?, ?)
            """, draft.channel.rawValue, draft.recipient, draft.channel == .email ? (draft.subject ?? "") : draft.subject,
            draft.body, draft.secret, draft.rgkID, draft.kind.rawValue, draft.entity?.rawValue, draft.entityID,
            session.now, session.now)
        return session.db.lastInsertRowID
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
