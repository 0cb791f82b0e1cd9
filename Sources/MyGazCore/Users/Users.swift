import Foundation

/// A portal user as lists show it.
public struct UserSummary: Sendable {
    public let id: Int64
    public let login: String
    public let loginKind: String
    public let fullName: String?
    public let email: String?
    public let phone: String?
    public let status: String
    public let registeredAt: String
    public let accounts: [String]          // "rgk/number"
    /// The portal's sign-in name (manual 003), when she chose one.
    public var username: String? = nil
}

public struct UserLink: Sendable {
    public let accountID: Int64
    public let rgk: String
    public let number: String
    public let accessLevel: String
    public let alias: String?
    public let failedAnswers: Int
    public let lockedAt: String?
    public let extendedVia: String?
    public let linkedAt: String
}

public struct OpenCode: Sendable {
    public let purpose: String
    public let channel: String
    public let destination: String
    public let createdAt: String
    public let expiresAt: String
    public let attempts: Int
    public let expired: Bool
}

public struct UserDetail: Sendable {
    public let id: Int64
    public let login: String
    public let loginKind: String
    public let fullName: String?
    public let email: String?
    public let phone: String?
    public let status: String
    public let blockedReason: String?
    public let consentAt: String?
    public let consentChannel: String?
    public let notifyDebts: Bool
    public let notifyStatus: Bool
    public let notifyNews: Bool
    public let emailBills: Bool
    public let registeredAt: String
    public let confirmUntil: String?
    public let confirmedAt: String?
    public let deletedAt: String?
    public let links: [UserLink]
    public let codes: [OpenCode]
    public let audit: [AuditEntry]
    /// What is open on the user's linked accounts.
    public var open = OpenItems()
    /// Sign-ins through outside services.
    public var identities: [SocialIdentity] = []
    /// The portal's sign-in name beside the phone (manual 003), when she chose one.
    public var username: String?
}

public struct UserFilter: Sendable {
    public var status: UserStatus?
    public var search: String?
    public var rgk: String?
    public var registeredBefore: Int64?
    public var registeredAfter: Int64?
    public var limit = 50
    /// The operator's RGK ids (`Session.rgkScope`), nil = every RGK: a user is in scope through
    /// any of her linked accounts, or while she has none (`ScopeCondition.user`).
    public var scope: [Int64]?
    public init() {}
}

/// Portal users (SPEC §1.1): the clerk's side of registration, logins, passwords, codes and links.
public enum Users {
    public static let registrationCodeSeconds: Int64 = 160
    public static let recoveryCodeSeconds: Int64 = 70
    public static let maxCodeAttempts = 5
    public static let maxLinks = 3
    public static let maxWrongAnswers = 5

    // MARK: finding

    /// A USER argument: a numeric id, or a login in any accepted spelling.
    public static func resolve(_ db: any Storage, _ text: String) throws -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let login = Contact.login(trimmed) {
            if let id = try db.queryOne("SELECT id FROM portal_user WHERE login = ?", login.login)?.int64("id") { return id }
            // the portal stored it in a spelling of its own (89115550011), or signed them in elsewhere
            let strays = try Spellings.users(db, spelling: login.login, contacts: false)
            if strays.count == 1 { return strays[0] }
            if strays.count > 1 {
                throw MyGazError.usage(.userAmbiguous, .text(trimmed), .text(strays.map(String.init).joined(separator: ", ")))
            }
            if login.kind == .email {
                let owners = try db.query("SELECT DISTINCT user_id FROM social_identity WHERE email = ?", login.login).map { try $0.int64("user_id") }
                if owners.count == 1 { return owners[0] }
            }
        }
        if let id = try? References.parseID(.user, trimmed), try db.queryOne("SELECT 1 FROM portal_user WHERE id = ?", id) != nil {
            return id
        }
        throw MyGazError.notFound(.user, trimmed)
    }

    /// The user's status; with `locking`, inside a write, the user's row held until it ends (what
    /// is judged of the user stays as judged: another clerk's change waits).
    static func status(_ db: any Storage, _ id: Int64, locking: Bool = false) throws -> UserStatus {
        guard let text = try db.queryOne("SELECT status FROM portal_user WHERE id = ? \(locking ? db.sql.lockingRows : "")", id)?.string("status"),
              let status = UserStatus(rawValue: text) else { throw MyGazError.notFound(.user, String(id)) }
        return status
    }

    public static func list(_ db: any Storage, _ filter: UserFilter) throws -> [UserSummary] {
        let (conditions, arguments) = try conditions(db, filter)
        let search = filter.search?.trimmingCharacters(in: .whitespaces) ?? ""
        if !search.isEmpty {
            let (unscoped, unscopedArguments) = try self.conditions(db, filter, scoped: false)
            return try found(db, filter, search, conditions, arguments, searched: unscoped, unscopedArguments)
        }
        // Newest registrations first. The index (status, registered_at) gives that order within one
        // status, so each status is a branch of the page.
        var page = BranchPage(table: "portal_user u", orderColumn: "u.registered_at", descending: true)
        page.conditions = conditions
        page.arguments = arguments
        let statuses: [UserStatus] = filter.status.map { [$0] } ?? UserStatus.allCases.map { $0 }
        page.branches = statuses.map { ("u.status = ?", [$0.rawValue], nil) }
        let (pageSQL, pageArguments) = page.subquery(limit: filter.limit)
        return try summaries(db, "FROM \(pageSQL) JOIN portal_user u ON u.id = k.id ORDER BY \(page.order) LIMIT ?",
                             pageArguments + [filter.limit])
    }

    /// The list's filters on a user `u`, with their arguments.
    /// `scoped` false: without the operator's RGKs (a search keeps them itself).
    private static func conditions(_ db: any Storage, _ filter: UserFilter, scoped: Bool = true) throws -> ([String], [SQLBindable?]) {
        var conditions: [String] = [], arguments: [SQLBindable?] = []
        if let before = filter.registeredBefore { conditions.append("u.registered_at < ?"); arguments.append(Timestamp.iso(before)) }
        if let after = filter.registeredAfter { conditions.append("u.registered_at >= ?"); arguments.append(Timestamp.iso(after)) }
        if let rgk = filter.rgk {
            // from the user's own links (at most three), never from every account of the region:
            // the join's order is fixed and the region's index kept out of it
            conditions.append("""
                EXISTS (SELECT 1 FROM user_account l \(db.sql.joinInOrder) account a ON a.id = l.account_id
                        WHERE l.user_id = u.id AND \(db.sql.noIndex("a.rgk_id")) = ?)
                """)
            arguments.append(try RGK.id(db, rgk))
        }
        if scoped, filter.scope != nil {
            let c = ScopeCondition.user(db, "u.id", in: filter.scope)
            conditions.append(c.sql); arguments += c.arguments
        }
        return (conditions, arguments)
    }

    /// `--search`: a piece of a login, name, e-mail, phone or username (through the search index:
    /// the username itself, not its key, so a row the portal wrote with a key of its own is found
    /// all the same), a phone
    /// or account number in any spelling, a sign-in's e-mail. The newest users first by their
    /// number, which the index gives in order, so a common piece reads only one page of it.
    /// `searched`: the filters but the operator's RGKs, which the search keeps itself.
    private static func found(_ db: any Storage, _ filter: UserFilter, _ search: String,
                              _ conditions: [String], _ filterArguments: [SQLBindable?],
                              searched: [String], _ searchedArguments: [SQLBindable?]) throws -> [UserSummary] {
        let status = filter.status.map { _ in ["u.status = ?"] } ?? [], statusArguments = [filter.status?.rawValue].compactMap { $0 }
        let conditions = conditions + status, filterArguments = filterArguments + statusArguments
        let searched = searched + status
        var sources: [String] = [], arguments: [SQLBindable?] = []
        // three letters or more through the index; one or two read every user (one fold per user)
        let rows = SearchIndex.users.rows(db, containing: search, as: "u", page: searched.isEmpty ? filter.limit : nil, scope: filter.scope)
        sources.append("""
            SELECT id FROM (SELECT u.id FROM \(rows.from) WHERE \(rows.condition)\(searched.map { " AND " + $0 }.joined()) \
            ORDER BY \(rows.order) DESC LIMIT ?) AS m
            """)
        arguments += rows.arguments + searchedArguments + statusArguments + [filter.limit]
        if let phone = Contact.phone(search) {
            sources.append("SELECT id FROM portal_user WHERE login = ? UNION SELECT id FROM portal_user WHERE phone = ?")
            arguments += [phone, phone]
        }
        if let contact = Contact.login(search)?.login {
            // the same person stored in a spelling of the portal's own
            let strays = try Spellings.users(db, spelling: contact, contacts: true)
            if !strays.isEmpty {
                sources.append("SELECT id FROM portal_user WHERE \(db.sql.isIn("id"))")
                arguments.append(SQLList(strays))
            }
        }
        // the e-mail of a sign-in through an outside service, from its beginning (its index)
        let start = Contact.email(search) ?? search.lowercased()
        sources.append("SELECT user_id FROM social_identity WHERE email >= ? AND email < ?")
        arguments += [start, start + "\u{10FFFF}"]
        if let number = Contact.accountNumber(search) {
            sources.append("""
                SELECT l.user_id FROM account a JOIN user_account l ON l.account_id = a.id WHERE a.number = ? AND a.rgk_id IN (SELECT id FROM rgk)
                """)
            arguments.append(number)
        }
        return try summaries(db, "FROM (\(sources.joined(separator: " UNION "))) AS k \(db.sql.joinInOrder) portal_user u ON u.id = k.id "
                                 + (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                                 + " ORDER BY u.id DESC LIMIT ?", arguments + filterArguments + [filter.limit])
    }

    /// The summaries of the users `u` that `from` (FROM … ORDER BY … LIMIT ?) names.
    private static func summaries(_ db: any Storage, _ from: String, _ arguments: [SQLBindable?]) throws -> [UserSummary] {
        try db.query("""
            SELECT u.id, u.login, u.login_kind, u.full_name, u.email, u.phone, u.status, u.registered_at, u.username,
                   (SELECT \(db.sql.joined("r.code || '/' || a.number", separator: " ")) FROM user_account l JOIN account a ON a.id = l.account_id
                    JOIN rgk r ON r.id = a.rgk_id WHERE l.user_id = u.id) AS accounts
            \(from)
            """, arguments: arguments).map { row in
            try UserSummary(id: row.int64("id"), login: row.string("login"), loginKind: row.string("login_kind"), fullName: row.optString("full_name"),
                            email: row.optString("email"), phone: row.optString("phone"), status: row.string("status"),
                            registeredAt: row.string("registered_at"),
                            accounts: row.optString("accounts")?.split(separator: " ").map(String.init) ?? [],
                            username: row.optString("username"))
        }
    }

    public static func show(_ db: any Storage, _ id: Int64, now: Int64) throws -> UserDetail {
        try db.read {
            guard let u = try db.queryOne("""
                SELECT id, login, login_kind, full_name, email, phone, status, blocked_reason, consent_at, consent_channel,
                       notify_debts, notify_status, notify_news, email_bills, registered_at, confirm_until, confirmed_at, deleted_at, username
                FROM portal_user WHERE id = ?
                """, id) else { throw MyGazError.notFound(.user, String(id)) }
            let links = try db.query("""
                SELECT l.account_id, r.code, a.number, l.access_level, l.alias, l.failed_answers, l.locked_at, l.extended_via, l.linked_at
                FROM user_account l JOIN account a ON a.id = l.account_id JOIN rgk r ON r.id = a.rgk_id
                WHERE l.user_id = ? ORDER BY l.linked_at, a.number
                """, id).map {
                try UserLink(accountID: $0.int64("account_id"), rgk: $0.string("code"), number: $0.string("number"),
                             accessLevel: $0.string("access_level"), alias: $0.optString("alias"), failedAnswers: $0.int("failed_answers"),
                             lockedAt: $0.optString("locked_at"), extendedVia: $0.optString("extended_via"), linkedAt: $0.string("linked_at"))
            }
            let nowISO = Timestamp.iso(now)
            let codes = try db.query("""
                SELECT purpose, channel, destination, created_at, expires_at, attempts FROM confirmation_code
                WHERE user_id = ? AND used_at IS NULL AND voided_at IS NULL ORDER BY created_at DESC
                """, id).map {
                try OpenCode(purpose: $0.string("purpose"), channel: $0.string("channel"), destination: $0.string("destination"),
                             createdAt: $0.string("created_at"), expiresAt: $0.string("expires_at"), attempts: $0.int("attempts"),
                             expired: $0.string("expires_at") <= nowISO)
            }
            var filter = AuditFilter()
            filter.entityType = Entity.user.rawValue
            filter.entityID = String(id)
            filter.limit = 10
            var detail = try UserDetail(
                id: u.int64("id"), login: u.string("login"), loginKind: u.string("login_kind"), fullName: u.optString("full_name"),
                email: u.optString("email"), phone: u.optString("phone"), status: u.string("status"),
                blockedReason: u.optString("blocked_reason"), consentAt: u.optString("consent_at"),
                consentChannel: u.optString("consent_channel"), notifyDebts: u.bool("notify_debts"), notifyStatus: u.bool("notify_status"),
                notifyNews: u.bool("notify_news"), emailBills: u.bool("email_bills"), registeredAt: u.string("registered_at"),
                confirmUntil: u.optString("confirm_until"), confirmedAt: u.optString("confirmed_at"), deletedAt: u.optString("deleted_at"),
                links: links, codes: codes, audit: AuditLog.list(db, filter))
            detail.open = try OpenItems.of(db, accounts: links.map(\.accountID))
            detail.identities = try identities(db, id, now: nowISO)
            detail.username = try u.optString("username")
            return detail
        }
    }

    // MARK: registration at the office

    public struct NewUser: Sendable {
        public var login: String
        public var fullName: String?
        public var email: String?
        public var phone: String?
        public var password: String
        public init(login: String, fullName: String?, email: String?, phone: String?, password: String) {
            self.login = login
            self.fullName = fullName
            self.email = email
            self.phone = phone
            self.password = password
        }
    }

    /// Registration in person: active at once, consent given at the office.
    public static func create(_ session: Session, _ new: NewUser) throws -> Int64 {
        guard let login = Contact.login(new.login) else { throw MyGazError.invalid(.badLogin, .text(new.login)) }
        guard Contact.isValidPassword(new.password) else { throw MyGazError.invalid(.badPassword) }
        let email = try Contact.validEmail(new.email) ?? (login.kind == .email ? login.login : nil)
        let phone = try Contact.validPhone(new.phone) ?? (login.kind == .phone ? login.login : nil)
        let hash = try Secrets.hash(new.password)
        return try session.db.write {
            if try session.db.queryOne("SELECT 1 FROM portal_user WHERE login = ?", login.login) != nil {
                throw MyGazError(.conflict, .loginTaken, .text(login.login))
            }
            let id = try session.db.insert("""
                INSERT INTO portal_user (login, login_kind, password_hash, full_name, email, phone, status, consent_at,
                                         consent_channel, registered_at, confirmed_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 'active', ?, 'office', ?, ?, ?)
                """, login.login, login.kind.rawValue, hash, new.fullName, email, phone, session.now, session.now,
                session.now, session.now)
            try session.audit("user.create", .user, id, new: "active", note: AuditNote(.registeredAtOffice))
            return id
        }
    }

    /// pending → active: by a clerk who saw the customer, or with the code the customer received.
    public static func confirm(_ session: Session, _ id: Int64, code: String?) throws -> Transition {
        if let code { try checkCode(session, id, purpose: .registration, code: code) }
        return try session.db.write {
            let current = try status(session.db, id, locking: true)
            if current == .active { return Transition(.user, id, .userStatus, from: "active", to: "active") }
            guard current == .pending else {
                throw MyGazError.conflict(.conflictState, .entity(.user), .text(String(id)), .code(.userStatus, current.rawValue),
                                          "user confirm", .code(.userStatus, "pending"))
            }
            try session.db.run("""
                UPDATE portal_user SET status = 'active', confirmed_at = ?, confirm_until = NULL,
                       consent_at = coalesce(consent_at, ?), consent_channel = coalesce(consent_channel, ?), updated_at = ?
                WHERE id = ? AND status = 'pending'
                """, session.now, session.now, code == nil ? "office" : "portal", session.now, id)
            try session.db.run("UPDATE confirmation_code SET used_at = ? WHERE user_id = ? AND purpose = 'registration' AND used_at IS NULL AND voided_at IS NULL",
                               session.now, id)
            try session.audit("user.confirm", .user, id, old: "pending", new: "active", note: AuditNote(code == nil ? .confirmedInPerson : .confirmedWithCode))
            return Transition(.user, id, .userStatus, from: "pending", to: "active")
        }
    }

    /// Checks a code the customer read out. A wrong code costs one of five attempts, and
    /// that attempt is kept even though the command fails.
    static func checkCode(_ session: Session, _ userID: Int64, purpose: CodePurpose, code: String) throws {
        let failure: MyGazError? = try session.db.write {
            guard let row = try session.db.queryOne("""
                SELECT id, code_hash, expires_at, attempts FROM confirmation_code
                WHERE user_id = ? AND purpose = ? AND used_at IS NULL AND voided_at IS NULL
                ORDER BY created_at DESC, id DESC LIMIT 1 \(session.db.sql.lockingRows)
                """, userID, purpose.rawValue) else {
                return MyGazError(.conflict, .codeNone, .text(String(userID)), .text(purpose.rawValue))
            }
            // the code's row is held: two wrong tries at once are two attempts
            let attempts = try row.int("attempts")
            if try row.string("expires_at") <= session.now { return MyGazError(.conflict, .codeExpired, .text(String(userID))) }
            if attempts >= maxCodeAttempts { return MyGazError(.conflict, .codeTooManyAttempts, .text(String(userID))) }
            if !Secrets.verify(code.trimmingCharacters(in: .whitespaces), hash: try row.string("code_hash")) {
                try session.db.run("UPDATE confirmation_code SET attempts = attempts + 1 WHERE id = ?", try row.int64("id"))
                try session.audit("user.code-wrong", .user, userID, note: AuditNote(.codeAttempt, ["attempt": .int(Int64(attempts + 1)), "of": .int(Int64(maxCodeAttempts))]))
                return MyGazError(.invalidData, .codeWrong, .text(String(userID)), .int(maxCodeAttempts - attempts - 1))
            }
            return nil
        }
        if let failure { throw failure }
    }

    public static func block(_ session: Session, _ id: Int64, reason: String) throws -> Transition {
        try session.db.write {
            let current = try status(session.db, id, locking: true)
            if current == .blocked { return Transition(.user, id, .userStatus, from: "blocked", to: "blocked") }
            guard current == .active || current == .pending else {
                throw MyGazError.conflict(.conflictState, .entity(.user), .text(String(id)), .code(.userStatus, current.rawValue),
                                          "user block", .codes(.userStatus, ["active", "pending"]))
            }
            try session.db.run("UPDATE portal_user SET status = 'blocked', blocked_reason = ?, updated_at = ? WHERE id = ? AND status = ?",
                               reason, session.now, id, current.rawValue)
            try session.audit("user.block", .user, id, old: current.rawValue, new: "blocked", reason: reason)
            return Transition(.user, id, .userStatus, from: current.rawValue, to: "blocked")
        }
    }

    public static func unblock(_ session: Session, _ id: Int64) throws -> Transition {
        try session.db.write {
            let current = try status(session.db, id, locking: true)
            if current == .active { return Transition(.user, id, .userStatus, from: "active", to: "active") }
            guard current == .blocked else {
                throw MyGazError.conflict(.conflictState, .entity(.user), .text(String(id)), .code(.userStatus, current.rawValue),
                                          "user unblock", .code(.userStatus, "blocked"))
            }
            // a user blocked before confirming goes back to active only if they had confirmed
            let confirmed = try session.db.scalarString("SELECT confirmed_at FROM portal_user WHERE id = ?", id) != nil
            let target = confirmed ? "active" : "pending"
            try session.db.run("UPDATE portal_user SET status = ?, blocked_reason = NULL, updated_at = ? WHERE id = ? AND status = 'blocked'",
                               target, session.now, id)
            try session.audit("user.unblock", .user, id, old: "blocked", new: target)
            return Transition(.user, id, .userStatus, from: "blocked", to: target)
        }
    }

    /// A new password; the customer is told at her login and her other contact (a reset she did
    /// not ask for is how accounts are stolen).
    @discardableResult
    public static func resetPassword(_ session: Session, _ id: Int64, password: String) throws -> [Outbox.Queued] {
        guard Contact.isValidPassword(password) else { throw MyGazError.invalid(.badPassword) }
        let hash = try Secrets.hash(password)
        return try session.db.write {
            let current = try status(session.db, id, locking: true)
            guard current != .deleted else {
                throw MyGazError.conflict(.conflictState, .entity(.user), .text(String(id)), .code(.userStatus, "deleted"),
                                          "user reset-password", .codes(.userStatus, ["active", "pending", "blocked"]))
            }
            try session.db.run("UPDATE portal_user SET password_hash = ?, updated_at = ? WHERE id = ?", hash, session.now, id)
            let voided = try session.db.run("""
                UPDATE confirmation_code SET voided_at = ? WHERE user_id = ? AND purpose = 'recovery' AND used_at IS NULL AND voided_at IS NULL
                """, session.now, id)
            try session.audit("user.reset-password", .user, id, note: voided > 0 ? AuditNote(.recoveryCodesVoided, ["count": .int(Int64(voided))]) : nil)
            let row = try session.db.queryOne("SELECT login, email, phone FROM portal_user WHERE id = ?", id)
            return try Profile.tellChange(session, id, subject: "Изменен пароль личного кабинета", what: "пароль", now: nil,
                                          at: [try row?.string("login"), try row?.optString("email"), try row?.optString("phone")])
        }
    }

    /// The customer's phone changed (manual 003): a new login, normalised and free.
    /// The customer is told at the old login and at the new one.
    public static func setLogin(_ session: Session, _ id: Int64, newLogin: String) throws -> (old: String, new: String, told: [Outbox.Queued]) {
        guard let login = Contact.login(newLogin) else { throw MyGazError.invalid(.badLogin, .text(newLogin)) }
        return try session.db.write {
            guard let row = try session.db.queryOne("SELECT login, email, phone, status FROM portal_user WHERE id = ? \(session.db.sql.lockingRows)", id) else {
                throw MyGazError.notFound(.user, String(id))
            }
            let old = try row.string("login")
            guard try row.string("status") != "deleted" else {
                throw MyGazError.conflict(.conflictState, .entity(.user), .text(String(id)), .code(.userStatus, "deleted"),
                                          "user set-login", .codes(.userStatus, ["active", "pending", "blocked"]))
            }
            if old == login.login { return (old, old, []) }
            if let owner = try session.db.queryOne("SELECT id FROM portal_user WHERE login = ?", login.login)?.int64("id") {
                throw MyGazError(.conflict, .loginTakenBy, .text(login.login), .text(String(owner)))
            }
            let kind = login.kind.rawValue
            try session.db.run("""
                UPDATE portal_user SET login = ?, login_kind = ?, phone = CASE WHEN CAST(? AS TEXT) = 'phone' THEN ? ELSE phone END,
                       email = CASE WHEN CAST(? AS TEXT) = 'email' THEN ? ELSE email END, updated_at = ? WHERE id = ?
                """, login.login, kind, kind, login.login, kind, login.login, session.now, id)
            // codes sent to the old address must not work any more
            try session.db.run("UPDATE confirmation_code SET voided_at = ? WHERE user_id = ? AND used_at IS NULL AND voided_at IS NULL",
                               session.now, id)
            // her former login (and the contact the new one replaces) stay with her, not in the audit row
            try FormerValues.keep(session, id, .login, old)
            try FormerValues.keep(session, id, login.kind == .phone ? .phone : .email,
                                  try row.optString(login.kind == .phone ? "phone" : "email").flatMap { $0 == login.login ? nil : $0 })
            try session.audit("user.set-login", .user, id, new: kind)
            let told = try Profile.tellChange(session, id, subject: "Изменен логин личного кабинета", what: "логин",
                                              now: login.kind == .phone ? Contact.written(login.login) : login.login, at: [old, login.login])
            return (old, login.login, told)
        }
    }

    /// A new code (registration 160 s, recovery 70 s, single use, stored hashed, five tries),
    /// queued to the outbox as SMS or e-mail according to the login. Earlier open codes are voided.
    /// A new confirmation code; without a purpose, registration for an unconfirmed user and
    /// password recovery for an active one.
    public static func resendCode(_ session: Session, _ id: Int64, purpose given: CodePurpose?)
        throws -> (purpose: CodePurpose, channel: MessageChannel, destination: String, expiresAt: String) {
        let code = Secrets.digits(6)
        let hash = try Secrets.hash(code)
        return try session.db.write {
            guard let row = try session.db.queryOne("SELECT login, login_kind, status, full_name FROM portal_user WHERE id = ? \(session.db.sql.lockingRows)", id) else {
                throw MyGazError.notFound(.user, String(id))
            }
            let login = try row.string("login")
            let status = try row.string("status")
            let purpose = given ?? (status == "pending" ? .registration : .recovery)
            let needed = purpose == .registration ? "pending" : "active"
            guard status == needed else {
                throw MyGazError.conflict(.conflictState, .entity(.user), .text(String(id)), .code(.userStatus, status),
                                          .text("user resend-code --purpose \(purpose.rawValue)"), .code(.userStatus, needed))
            }
            let channel: MessageChannel = try row.string("login_kind") == "phone" ? .sms : .email
            let lifetime = purpose == .registration ? registrationCodeSeconds : recoveryCodeSeconds
            let expires = Timestamp.iso(session.clock.now + lifetime)
            try session.db.run("""
                UPDATE confirmation_code SET voided_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL AND voided_at IS NULL
                """, session.now, id, purpose.rawValue)
            try session.db.run("""
                INSERT INTO confirmation_code (user_id, purpose, channel, destination, code_hash, created_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, id, purpose.rawValue, channel.rawValue, login, hash, session.now, expires)
            if purpose == .registration {
                // a week from now, or later where it already was
                let week = Timestamp.iso(session.clock.now + 7 * 86_400)
                try session.db.run("""
                    UPDATE portal_user SET confirm_until = CASE WHEN coalesce(confirm_until, '') > ? THEN confirm_until ELSE ? END WHERE id = ?
                    """, week, week, id)
            }
            let line = purpose == .registration
                ? "Код подтверждения регистрации в личном кабинете «Мой газ»: \(Outbox.secretMark). Действует \(lifetime) секунд."
                : "Код восстановления пароля в личном кабинете «Мой газ»: \(Outbox.secretMark). Действует \(lifetime) секунд. Никому его не сообщайте."
            // the SMS is the code alone; the letter greets her and is signed by technical support (a portal-wide letter)
            let text = channel == .sms ? line : try Notify.letter(session.db, to: try row.optString("full_name"), line + "\n\n"
                + "Введите код на странице личного кабинета, где он запрошен. Если вы его не запрашивали, ничего не делайте: без кода войти нельзя.",
                rgkID: nil)
            try Outbox.enqueue(session, .init(channel: channel, recipient: login,
                                              subject: channel == .email ? (purpose == .registration ? "Подтверждение регистрации" : "Восстановление пароля") : nil,
                                              body: text, secret: code, rgkID: nil, kind: .confirmationCode, entity: .user, entityID: id, userID: id))
            try session.audit("user.resend-code", .user, id, new: purpose.rawValue, note: AuditNote(.codeSent, ["channel": .text(channel.rawValue)]))
            return (purpose, channel, login, expires)
        }
    }

    /// Registrations never confirmed, older than `olderThan` seconds.
    public static func unconfirmed(_ db: any Storage, olderThan: Int64, now: Int64) throws -> [UserSummary] {
        var filter = UserFilter()
        filter.status = .pending
        filter.registeredBefore = now - olderThan
        filter.limit = Int.max / 2
        return try list(db, filter)
    }

    public static func purgeUnconfirmed(_ session: Session, olderThan: Int64) throws -> Int {
        let purged: Int = try session.db.write {
            let cutoff = Timestamp.iso(session.clock.now - olderThan)
            let ids = try session.db.query("""
                SELECT id FROM portal_user WHERE status = 'pending' AND registered_at < ? \(session.db.sql.lockingRows)
                """, cutoff).map { try $0.int64("id") }
            for id in ids {
                try session.db.run("UPDATE application SET user_id = NULL WHERE user_id = ?", id)
                try session.db.run("UPDATE ticket SET user_id = NULL WHERE user_id = ?", id)
                try session.db.run("DELETE FROM portal_user WHERE id = ? AND status = 'pending'", id)
            }
            if !ids.isEmpty {
                try session.audit("user.purge-unconfirmed", .user, nil, new: String(ids.count),
                                  note: AuditNote(.purgedUnconfirmed, ["count": .int(Int64(ids.count)), "before": .text(cutoff)]))
            }
            return ids.count
        }
        if purged > 0 { try forgetInSearch(session.db) }
        return purged
    }

    /// After users' personal data left the table: out of the search index's older parts and the
    /// freed pages too.
    static func forgetInSearch(_ db: any Storage) throws {
        try db.mergeSearchIndex(.users, pagesPerStep: 500)
        try db.overwriteFreedPages()
    }

    // MARK: links

    public static func link(_ session: Session, _ id: Int64, account: AccountRef, alias: String?) throws -> Bool {
        try session.db.write {
            // the user's row is held: two links at once are counted one after the other
            let current = try status(session.db, id, locking: true)
            guard current == .active || current == .blocked else {
                throw MyGazError.conflict(.conflictState, .entity(.user), .text(String(id)), .code(.userStatus, current.rawValue),
                                          "user link", .code(.userStatus, "active"))
            }
            if let existing = try session.db.queryOne("SELECT alias FROM user_account WHERE user_id = ? AND account_id = ?", id, account.id) {
                let old = try existing.optString("alias")
                if let alias, alias != old {
                    try session.db.run("UPDATE user_account SET alias = ? WHERE user_id = ? AND account_id = ?", alias, id, account.id)
                    try session.audit("user.alias", .link, "\(id):\(account.label)", old: old, new: alias)
                    return true
                }
                return false
            }
            let count = try session.db.scalarInt("SELECT count(*) FROM user_account WHERE user_id = ?", id) ?? 0
            guard count < maxLinks else { throw MyGazError(.conflict, .tooManyLinks, .text(String(id)), .int(maxLinks)) }
            try session.db.run("""
                INSERT INTO user_account (user_id, account_id, access_level, alias, linked_at) VALUES (?, ?, 'restricted', ?, ?)
                """, id, account.id, alias, session.now)
            try session.audit("user.link", .link, "\(id):\(account.label)", new: "restricted")
            return true
        }
    }

    public static func unlink(_ session: Session, _ id: Int64, account: AccountRef) throws -> Bool {
        try session.db.write {
            _ = try status(session.db, id, locking: true)
            guard let level = try session.db.scalarString("SELECT access_level FROM user_account WHERE user_id = ? AND account_id = ?",
                                                          id, account.id) else { return false }
            try session.db.run("DELETE FROM user_account WHERE user_id = ? AND account_id = ?", id, account.id)
            try session.audit("user.unlink", .link, "\(id):\(account.label)", old: level)
            return true
        }
    }

    public enum ExtendedProof: Sendable {
        case inPerson
        case answer(String)
    }

    /// Unlocks the extended version (manual 001 §4.7.2.2, 004): the clerk saw the documents, or
    /// the customer's answer matches an active PIN, a meter's serial, or the last charge in kopecks.
    public static func grantExtended(_ session: Session, _ id: Int64, account: AccountRef, proof: ExtendedProof) throws -> Transition {
        let key = "\(id):\(account.label)"
        // a wrong answer is counted (and may lock the link) even though the command fails:
        // the transaction commits the count and hands the failure out afterwards
        let outcome: Result<Transition, MyGazError> = try session.db.write {
            guard let link = try session.db.queryOne("""
                SELECT access_level, failed_answers, locked_at FROM user_account WHERE user_id = ? AND account_id = ? \(session.db.sql.lockingRows)
                """, id, account.id) else {
                throw MyGazError(.notFound, .linkMissing, .text(String(id)), .text(account.label))
            }
            // the link's row is held: two answers at once are two attempts
            if try link.string("access_level") == "extended" {
                return .success(Transition(.link, key, .accessLevel, from: "extended", to: "extended"))
            }
            if try link.optString("locked_at") != nil {
                throw MyGazError(.conflict, .linkLocked, .text(String(id)), .text(account.label))
            }
            let via: ExtendedVia
            switch proof {
            case .inPerson:
                via = .inPerson
            case .answer(let answer):
                guard let matched = try matchControlAnswer(session.db, account: account.id, answer: answer, now: session.now) else {
                    let failed = try link.int("failed_answers") + 1
                    let locks = failed >= maxWrongAnswers
                    try session.db.run("UPDATE user_account SET failed_answers = ?, locked_at = ? WHERE user_id = ? AND account_id = ?",
                                       failed, locks ? session.now : nil, id, account.id)
                    try session.audit("user.extended-wrong-answer", .link, key, note: AuditNote(.answerAttempt, ["attempt": .int(Int64(failed)), "of": .int(Int64(maxWrongAnswers)), "locked": .bool(locks)]))
                    return .failure(locks ? MyGazError(.conflict, .linkNowLocked, .text(String(id)), .text(account.label))
                                          : MyGazError(.invalidData, .answerWrong, .int(maxWrongAnswers - failed)))
                }
                via = matched
            }
            try session.db.run("""
                UPDATE user_account SET access_level = 'extended', extended_via = ?, extended_at = ?, failed_answers = 0
                WHERE user_id = ? AND account_id = ?
                """, via.rawValue, session.now, id, account.id)
            try session.audit("user.grant-extended", .link, key, old: "restricted", new: "extended", note: AuditNote(.extendedVia, ["via": .text(via.rawValue)]))
            return .success(Transition(.link, key, .accessLevel, from: "restricted", to: "extended",
                                       extra: [("extended_via", via.rawValue)]))
        }
        return try outcome.get()
    }

    /// Which control answer matches, if any. Kopecks of the last charge, a meter serial, or an active PIN.
    static func matchControlAnswer(_ db: any Storage, account: Int64, answer raw: String, now: String) throws -> ExtendedVia? {
        let answer = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !answer.isEmpty else { return nil }
        let serials = try db.query("SELECT serial FROM meter WHERE account_id = ? AND state <> 'removed'", account).map { try $0.string("serial") }
        if serials.contains(where: { $0.caseInsensitiveCompare(answer) == .orderedSame }) { return .meterSerial }
        if let lastCharge = try db.queryOne("""
            SELECT s.charged_kop FROM settlement s JOIN service v ON v.id = s.service_id
            WHERE v.account_id = ? AND s.charged_kop > 0 ORDER BY s.period DESC, v.kind LIMIT 1
            """, account)?.int64("charged_kop"), answer.allSatisfy(\.isASCIIDigit), Int64(answer) == lastCharge {
            return .lastCharge
        }
        for row in try db.query(db.sql.activePinHashes, account, now) where Secrets.verify(answer, hash: try row.string("pin_hash")) {
            return .pin
        }
        return nil
    }

    public static func unlockExtended(_ session: Session, _ id: Int64, account: AccountRef) throws -> Bool {
        try session.db.write {
            guard let link = try session.db.queryOne("""
                SELECT failed_answers, locked_at FROM user_account WHERE user_id = ? AND account_id = ? \(session.db.sql.lockingRows)
                """, id, account.id) else {
                throw MyGazError(.notFound, .linkMissing, .text(String(id)), .text(account.label))
            }
            let failed = try link.int("failed_answers")
            if try failed == 0 && link.optString("locked_at") == nil { return false }
            try session.db.run("UPDATE user_account SET failed_answers = 0, locked_at = NULL WHERE user_id = ? AND account_id = ?", id, account.id)
            try session.audit("user.unlock-extended", .link, "\(id):\(account.label)", old: "\(failed) wrong answers", new: "0")
            return true
        }
    }
}
