import Foundation

/// A customer's sign-in through an outside service (manual 000): the portal writes the
/// identity at the first sign-in and sends a link to the identity's e-mail; following it
/// activates the identity.
public struct SocialIdentity: Sendable, Equatable {
    public let provider: String
    public let subject: String
    public let email: String?
    public let createdAt: String
    public let activatedAt: String?
    /// the open activation link's end, when one waits
    public let linkExpiresAt: String?
}

extension Users {
    /// An activation link works for a day, once.
    public static let activationSeconds: Int64 = 86_400

    static func identities(_ db: any Storage, _ userID: Int64, now: String) throws -> [SocialIdentity] {
        try db.query("""
            SELECT s.provider, s.subject, s.email, s.created_at, s.activated_at,
                   (SELECT max(k.expires_at) FROM activation_link k
                    WHERE k.identity_id = s.id AND k.used_at IS NULL AND k.voided_at IS NULL AND k.expires_at > ?) AS link_expires_at
            FROM social_identity s WHERE s.user_id = ? ORDER BY s.created_at, s.id
            """, now, userID).map {
            try SocialIdentity(provider: $0.string("provider"), subject: $0.string("subject"), email: $0.optString("email"),
                               createdAt: $0.string("created_at"), activatedAt: $0.optString("activated_at"),
                               linkExpiresAt: $0.optString("link_expires_at"))
        }
    }

    /// Whether `user resend-code` without a purpose means the activation letter: a user who
    /// signed up through an outside service (no password) and has not activated it yet.
    public static func awaitsActivation(_ db: any Storage, _ id: Int64) throws -> Bool {
        try db.queryOne("""
            SELECT 1 FROM portal_user u WHERE u.id = ? AND u.status = 'pending' AND \(db.sql.hasNoPassword("u.id"))
              AND EXISTS (SELECT 1 FROM social_identity s WHERE s.user_id = u.id AND s.activated_at IS NULL)
            """, id) != nil
    }

    /// A new activation letter for an identity not yet activated: a random single-use token in a
    /// link to the portal (setting `portal.url`), valid 24 h, stored as its SHA-256 only; earlier
    /// open links of the identity stop working.
    public static func resendActivation(_ session: Session, _ id: Int64, provider: IdentityProvider?)
        throws -> (provider: String, destination: String, expiresAt: String) {
        let token = activationToken()
        let tokenHash = SHA256.hex(Array(token.utf8))
        return try session.db.write {
            let db = session.db
            let status = try status(db, id, locking: true)
            guard status == .pending || status == .active else {
                throw MyGazError.conflict(.conflictState, .entity(.user), .text(String(id)), .code(.userStatus, status.rawValue),
                                          .text("user resend-code --purpose activation"), .codes(.userStatus, ["pending", "active"]))
            }
            let waiting = try db.query("""
                SELECT id, provider, email FROM social_identity WHERE user_id = ? AND activated_at IS NULL ORDER BY created_at, id
                """, id).map { (id: try $0.int64("id"), provider: try $0.string("provider"), email: try $0.optString("email")) }
                .filter { provider == nil || $0.provider == provider!.rawValue }
            guard !waiting.isEmpty else {
                if let provider { throw MyGazError.conflict(.identityNotWaiting, .text(String(id)), .code(.identityProvider, provider.rawValue)) }
                throw MyGazError.conflict(.noIdentityToActivate, .text(String(id)))
            }
            guard waiting.count == 1 else {
                throw MyGazError.usage(.identityAmbiguous, .text(String(id)), .codes(.identityProvider, waiting.map(\.provider)))
            }
            let identity = waiting[0]
            guard let email = identity.email.flatMap(Contact.email) else {
                throw MyGazError.invalid(.identityWithoutEmail, .text(String(id)), .code(.identityProvider, identity.provider),
                                         .text(identity.email ?? ""))
            }
            guard let portal = try Settings.get(db, .portalURL) else {
                throw MyGazError.invalid(.portalURLNotSet, .text(SettingKey.portalURL.rawValue))
            }
            let expires = Timestamp.iso(session.clock.now + activationSeconds)
            try db.run("UPDATE activation_link SET voided_at = ? WHERE identity_id = ? AND used_at IS NULL AND voided_at IS NULL",
                       session.now, identity.id)
            try db.run("INSERT INTO activation_link (identity_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?)",
                       identity.id, tokenHash, session.now, expires)
            let link = activationURL(portal) + Outbox.secretMark
            // a portal-wide letter (she may have no account yet): technical support signs it
            let name = try db.queryOne("SELECT full_name FROM portal_user WHERE id = ?", id)?.optString("full_name")
            let body = try Notify.letter(db, to: name, """
                Чтобы активировать учетную запись в личном кабинете «Мой газ», перейдите по ссылке:
                \(link)

                Ссылка действует 24 часа и только один раз. После активации входите в личный кабинет через тот же сервис, что и при регистрации.
                Если срок действия ссылки истек, обратитесь в абонентский отдел: вам отправят новую.
                Если вы не регистрировались в личном кабинете, не переходите по ссылке.
                """, rgkID: nil)
            try Outbox.enqueue(session, .init(channel: .email, recipient: email, subject: "Активация учетной записи",
                                              body: body, secret: token, rgkID: nil, kind: .confirmationCode, entity: .user, entityID: id, userID: id))
            try session.audit("user.resend-activation", .user, id, new: identity.provider,
                              note: AuditNote(.codeSent, ["channel": .text(MessageChannel.email.rawValue)]))
            return (identity.provider, email, expires)
        }
    }

    /// `https://portal/activate?token=` — the token follows at delivery.
    static func activationURL(_ portal: String) -> String {
        (portal.hasSuffix("/") ? String(portal.dropLast()) : portal) + "/activate?token="
    }

    /// 32 random bytes, base64url without padding: 43 characters safe in a URL and a mail line.
    static func activationToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
