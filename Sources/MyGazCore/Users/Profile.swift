/// The customer's profile at the desk (manual 001 §4.7.1.1, §4.7.1.3, §4.7.1.4, §4.7.2.4): name,
/// contacts, notification switches, e-mail bills, and the name of a linked account.
public struct ProfileChange: Sendable {
    public var name: String?
    public var email: String?
    public var phone: String?
    public var notifyDebts: Bool?
    public var notifyStatus: Bool?
    public var notifyNews: Bool?
    public var emailBills: Bool?
    public init() {}
    public var isEmpty: Bool {
        name == nil && email == nil && phone == nil && notifyDebts == nil && notifyStatus == nil && notifyNews == nil && emailBills == nil
    }
}

public enum Profile {
    /// Changes what is asked, each field audited (a name or contact by the field alone, its former
    /// value kept with her: `FormerValues`; a switch old → new); a changed e-mail or phone is told at
    /// the old contact and at the new one (someone else changing it is how accounts are stolen).
    public static func edit(_ session: Session, _ id: Int64, _ change: ProfileChange) throws -> (changed: [String], told: [Outbox.Queued]) {
        let email = try Contact.validEmail(change.email)
        let phone = try Contact.validPhone(change.phone)
        if let name = change.name, name.trimmingCharacters(in: .whitespaces).isEmpty { throw MyGazError.usage(.missingValue, "--name", "TEXT") }
        return try session.db.write {
            guard let row = try session.db.queryOne("""
                SELECT full_name, email, phone, notify_debts, notify_status, notify_news, email_bills, status FROM portal_user
                WHERE id = ? \(session.db.sql.lockingRows)
                """, id) else { throw MyGazError.notFound(.user, String(id)) }
            guard try row.string("status") != "deleted" else {
                throw MyGazError.conflict(.conflictState, .entity(.user), .text(String(id)), .code(.userStatus, "deleted"),
                                          "user edit", .codes(.userStatus, ["active", "pending", "blocked"]))
            }
            var changed: [String] = []
            func set(_ field: UserFormerValue, _ old: String?, _ new: String?) throws {
                guard let new, new != old else { return }
                let column = field.rawValue
                try session.db.run("UPDATE portal_user SET \(column) = ?, updated_at = ? WHERE id = ?", new, session.now, id)
                // her values stay with her, not in the audit row: it says which field changed
                try FormerValues.keep(session, id, field, old)
                try session.audit("user.edit", .user, id, note: AuditNote(.profileField, ["field": .text(column)]))
                changed.append(column)
            }
            func flag(_ column: String, _ value: Bool?) throws {
                let old = try row.bool(column)
                guard let value, value != old else { return }
                try session.db.run("UPDATE portal_user SET \(column) = ?, updated_at = ? WHERE id = ?", value ? 1 : 0, session.now, id)
                try session.audit("user.edit", .user, id, old: old ? "on" : "off", new: value ? "on" : "off",
                                  note: AuditNote(.profileField, ["field": .text(column)]))
                changed.append(column)
            }
            let oldEmail = try row.optString("email"), oldPhone = try row.optString("phone")
            try set(.fullName, row.optString("full_name"), change.name?.trimmingCharacters(in: .whitespaces))
            try set(.email, oldEmail, email)
            try set(.phone, oldPhone, phone)
            try flag("notify_debts", change.notifyDebts)
            try flag("notify_status", change.notifyStatus)
            try flag("notify_news", change.notifyNews)
            try flag("email_bills", change.emailBills)
            var told: [Outbox.Queued] = []
            if changed.contains("email"), let email {
                told += try tellChange(session, id, what: "адрес электронной почты", now: email, at: [oldEmail, email])
            }
            if changed.contains("phone"), let phone {
                told += try tellChange(session, id, what: "номер телефона", now: Contact.written(phone), at: [oldPhone.flatMap(Contact.phone), phone])
            }
            return (changed, told)
        }
    }

    /// A change to how a customer signs in or is reached (an e-mail, a phone, the login, the
    /// password), told at every contact it concerns — the old one and the new one — in the caller's
    /// transaction: someone else changing it is how accounts are stolen. One letter for all of them:
    /// the RGK's (of her first linked account; technical support's without one), greeting her by
    /// name and patronymic, signed with the RGK's phone and hours; an SMS by `Notify.sms`.
    public static func tellChange(_ session: Session, _ id: Int64, subject: String = "Изменены контактные данные", what: String, now: String?,
                                  at contacts: [String?], changed: String = "изменен") throws -> [Outbox.Queued] {
        let db = session.db
        let name = try db.queryOne("SELECT full_name FROM portal_user WHERE id = ?", id)?.optString("full_name")
        let rgkID = try Notify.userRGK(db, userID: id)
        let happened = "В личном кабинете «Мой газ» \(changed) \(what)" + (now.map { ": теперь \($0)." } ?? ".")
        let body = try Notify.letter(db, to: name, happened + "\n\n"
            + "Если вы этого не делали, сразу позвоните в абонентский отдел — телефон и часы работы ниже — и никому не сообщайте коды из SMS и писем.",
            rgkID: rgkID)
        let sms = Notify.sms(head: happened.replacingOccurrences(of: "В личном кабинете «Мой газ»", with: "В ЛК «Мой газ»"), words: nil,
                             next: "Если это не вы, сразу позвоните в РГК.", phone: try rgkID.flatMap { try Notify.rgkPhone(db, rgkID: $0) })
        var seen: Set<String> = [], told: [Outbox.Queued] = []
        for contact in contacts.compactMap({ $0 }) {
            let email = Contact.email(contact), phone = email == nil ? Contact.phone(contact) : nil
            guard let to = email ?? phone, seen.insert(to).inserted else { continue }
            told.append(try Outbox.enqueue(session, Outbox.Draft(channel: email != nil ? .email : .sms, recipient: to,
                                                                 subject: email != nil ? subject : nil,
                                                                 body: email != nil ? body : sms, rgkID: rgkID, kind: .contactChanged,
                                                                 entity: .user, entityID: id, userID: id)))
        }
        return told
    }

    /// The name a user gave a linked account (nil: cleared).
    public static func alias(_ session: Session, _ id: Int64, _ account: AccountRef, _ alias: String?) throws -> Transition {
        let text = alias?.trimmingCharacters(in: .whitespaces)
        if let text, text.isEmpty || text.count > 64 { throw MyGazError.invalid(.badAlias, .text(text)) }
        return try session.db.write {
            guard let row = try session.db.queryOne("""
                SELECT alias FROM user_account WHERE user_id = ? AND account_id = ? \(session.db.sql.lockingRows)
                """, id, account.id) else {
                throw MyGazError(.notFound, .linkMissing, .text(String(id)), .text(account.label))
            }
            let old = try row.optString("alias")
            var t = Transition(.user, id, .userStatus, from: "", to: "")
            t.human = text.map { Message(.aliasSet, [.text(String(id)), .text(account.label), .text($0)]) }
                ?? Message(.aliasCleared, [.text(String(id)), .text(account.label)])
            guard old != text else { return t }
            try session.db.run("UPDATE user_account SET alias = ? WHERE user_id = ? AND account_id = ?", text, id, account.id)
            // her words name the account: the audit row says it changed, not what to
            try session.audit("user.alias", .link, "\(id):\(account.label)")
            t.forceChanged = true
            return t
        }
    }
}
