/// The bank cards a customer linked to her account in the portal (manual 001 §4.7.3, issue 39 §4),
/// as the portal keeps them: the number masked to its first 6 and last 4 digits, the expiry month,
/// the bank, the payment service's token and when it was linked. The back office shows them and
/// disconnects one at the customer's request; the token is never read here (on PostgreSQL a clerk
/// may not read its column at all).
public struct Card: Sendable {
    public let id: Int64
    public let first6: String
    public let last4: String
    /// `2028-09`
    public let expiry: String
    public let bank: String?
    public let linkedAt: String

    /// `220220******1234`: the 16 digits a card number has, the middle never known here.
    public var masked: String { first6 + "******" + last4 }
    /// `09/28`, as the card shows it.
    public var expiryShown: String { String(expiry.suffix(2)) + "/" + String(expiry.dropFirst(2).prefix(2)) }
}

public enum Cards {
    /// A user's cards, the last linked first.
    public static func of(_ db: any Storage, userID: Int64) throws -> [Card] {
        try db.query("""
            SELECT id, first6, last4, expiry, bank, linked_at FROM user_card WHERE user_id = ? ORDER BY linked_at DESC, id DESC
            """, userID).map {
            try Card(id: $0.int64("id"), first6: $0.string("first6"), last4: $0.string("last4"), expiry: $0.string("expiry"),
                     bank: $0.optString("bank"), linkedAt: $0.string("linked_at"))
        }
    }

    /// Disconnects one of a user's cards (its id, or its last 4 digits when only one of hers ends
    /// so): the row is gone, as the portal removes it; the audit row names the user and the reason,
    /// not the card; the customer is told at her login. Answers the card and the message queued.
    public static func unlink(_ session: Session, userID: Int64, card: String, reason: String) throws -> (card: Card, told: Outbox.Queued?) {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw MyGazError.usage(.missingValue, .text("--reason"), "TEXT") }
        let asked = card.trimmingCharacters(in: .whitespaces)
        return try session.db.write {
            guard let user = try session.db.queryOne("""
                SELECT login, login_kind, status, full_name FROM portal_user WHERE id = ? \(session.db.sql.lockingRows)
                """, userID) else { throw MyGazError.notFound(.user, String(userID)) }
            let cards = try of(session.db, userID: userID)
            let found = cards.filter { String($0.id) == asked || $0.last4 == asked }
            guard !found.isEmpty else { throw MyGazError(.notFound, .cardNotFound, .text(String(userID)), .text(asked)) }
            guard found.count == 1, let card = found.first else {
                throw MyGazError.invalid(.cardAmbiguous, .text(String(userID)), .text(asked))
            }
            // another clerk may have taken it away since it was read: nothing is told twice
            guard try session.db.run("DELETE FROM user_card WHERE id = ? AND user_id = ?", card.id, userID) == 1 else {
                throw MyGazError(.notFound, .cardNotFound, .text(String(userID)), .text(asked))
            }
            try session.audit("user.unlink-card", .user, userID, reason: reason)
            let kind = try user.string("login_kind")
            guard try user.string("status") != "deleted", kind != LoginKind.erased.rawValue else { return (card, nil) }
            let rgkID = try Notify.userRGK(session.db, userID: userID)
            let happened = "Банковская карта \(card.masked) отвязана от личного кабинета «Мой газ» по вашему обращению."
            let body = kind == LoginKind.phone.rawValue
                ? Notify.sms(head: happened, words: nil, next: "Если это не вы, сразу позвоните в РГК.",
                             phone: try rgkID.flatMap { try Notify.rgkPhone(session.db, rgkID: $0) })
                : try Notify.letter(session.db, to: try user.optString("full_name"), happened + "\n\n"
                    + "Если вы этого не делали, сразу позвоните в абонентский отдел — телефон и часы работы ниже. "
                    + "Привязать карту снова можно в личном кабинете, в разделе оплаты.", rgkID: rgkID)
            let told = try Outbox.enqueue(session, Outbox.Draft(channel: kind == LoginKind.phone.rawValue ? .sms : .email,
                                                               recipient: user.string("login"), subject: "Банковская карта отвязана",
                                                               body: body, rgkID: rgkID, kind: .other, entity: .user, entityID: userID,
                                                               userID: userID))
            return (card, told)
        }
    }
}
