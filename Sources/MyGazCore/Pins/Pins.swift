import Foundation

public struct PinRequestSummary: Sendable {
    public let id: Int64
    public let account: AccountRef
    public let fullName: String
    public let email: String?
    public let phone: String?
    public let status: String
    public let createdAt: String
    public let decidedBy: String?
    public let reason: String?
    public let holder: String
}

public struct PinRecord: Sendable {
    public let id: Int64
    public let account: String
    public let source: String
    public let state: String
    public let issuedAt: String
    public let issuedBy: String
    public let expiresAt: String?
    public let expired: Bool
    public let requestID: Int64?
}

/// PIN codes that unlock the extended version (SPEC §1.2): issued by clerks, e-mailed on
/// request, or printed on bills by the RGK. Only yescrypt hashes are stored.
public enum Pins {
    public static let defaultDigits = 8
    public static let defaultValidDays = 30

    /// `scope`: the operator's RGK ids (`Session.rgkScope`), nil = every RGK.
    public static func requests(_ db: any Storage, status: PinRequestStatus?, rgk: String?, limit: Int,
                                scope: [Int64]? = nil) throws -> [PinRequestSummary] {
        // only the conditions given, so that the planner sees which index serves (an `?1 IS NULL OR`
        // condition hides it, and the whole table is read)
        var conditions: [String] = [], arguments: [SQLBindable?] = []
        if let status { conditions.append("p.status = ?"); arguments.append(status.rawValue) }
        if let rgk { conditions.append("\(db.sql.noIndex("a.rgk_id")) = ?"); arguments.append(try RGK.id(db, rgk)) }   // never every account of the region first
        if scope != nil {
            let c = ScopeCondition.rgk(db, "a.rgk_id", in: scope)
            conditions.append(c.sql); arguments += c.arguments
        }
        // a status's queue is read oldest first (its index); every request, newest first (the rowid)
        let order = status == nil ? "ORDER BY p.id DESC" : "ORDER BY p.created_at, p.id"
        return try db.query("""
            SELECT p.id, a.id AS account_id, a.rgk_id, r.code AS rgk, a.number AS account, p.full_name, p.email, p.phone, p.status,
                   p.created_at, p.decided_by, p.reason, \(Accounts.holderSQL("a")) AS holder
            FROM pin_request p JOIN account a ON a.id = p.account_id JOIN rgk r ON r.id = a.rgk_id
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")) \(order) LIMIT ?
            """, arguments: arguments + [limit]).map {
            try PinRequestSummary(id: $0.int64("id"), account: AccountRef(id: $0.int64("account_id"), rgkID: $0.int64("rgk_id"),
                                                                       rgkCode: $0.string("rgk"), number: $0.string("account")),
                                  fullName: $0.string("full_name"), email: $0.optString("email"), phone: $0.optString("phone"),
                                  status: $0.string("status"), createdAt: $0.string("created_at"), decidedBy: $0.optString("decided_by"),
                                  reason: $0.optString("reason"), holder: $0.string("holder"))
        }
    }

    /// The account a PIN request is about.
    public static func requestAccount(_ db: any Storage, _ requestID: Int64) throws -> AccountRef {
        guard let accountID = try db.queryOne("SELECT account_id FROM pin_request WHERE id = ?", requestID)?.int64("account_id") else {
            throw MyGazError.notFound(.pinRequest, String(requestID))
        }
        return try AccountRef.byID(db, accountID)
    }

    public static func list(_ db: any Storage, account: AccountRef?, activeOnly: Bool, now: String, limit: Int,
                            scope: [Int64]? = nil) throws -> [PinRecord] {
        var conditions: [String] = [], arguments: [SQLBindable?] = []
        if scope != nil {
            let c = ScopeCondition.rgk(db, "a.rgk_id", in: scope)
            conditions.append(c.sql); arguments += c.arguments
        }
        if let account { conditions.append("p.account_id = ?"); arguments.append(account.id) }
        if activeOnly { conditions.append("p.state = 'active' AND (p.expires_at IS NULL OR p.expires_at > ?)"); arguments.append(now) }
        // one account's PINs by issue time (its index); every PIN, newest recorded first (the rowid)
        let order = account == nil ? "ORDER BY p.id DESC" : "ORDER BY p.issued_at DESC, p.id DESC"
        return try db.query("""
            SELECT p.id, r.code || '/' || a.number AS account, p.source, p.state, p.issued_at, p.issued_by, p.expires_at, p.request_id
            FROM pin p JOIN account a ON a.id = p.account_id JOIN rgk r ON r.id = a.rgk_id
            \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")) \(order) LIMIT ?
            """, arguments: arguments + [limit]).map {
            let expires = try $0.optString("expires_at")
            return try PinRecord(id: $0.int64("id"), account: $0.string("account"), source: $0.string("source"), state: $0.string("state"),
                                 issuedAt: $0.string("issued_at"), issuedBy: $0.string("issued_by"), expiresAt: expires,
                                 expired: expires.map { $0 <= now } ?? false, requestID: $0.optInt64("request_id"))
        }
    }

    public struct Issue: Sendable {
        public var requestID: Int64?
        public var send: Bool
        public var validDays: Int
        public var digits: Int
        public init(requestID: Int64?, send: Bool, validDays: Int, digits: Int) {
            self.requestID = requestID
            self.send = send
            self.validDays = validDays
            self.digits = digits
        }
    }

    public struct Issued: Sendable {
        public let pinID: Int64
        public let account: AccountRef
        /// The plain PIN, for the one display; nil when it went to the outbox.
        public let pin: String?
        public let expiresAt: String
        public let revoked: Int
        public let sentTo: String?
    }

    /// A new random PIN from the system CSPRNG; earlier PINs of the account are revoked.
    public static func issue(_ session: Session, account: AccountRef, _ options: Issue) throws -> Issued {
        let pin = Secrets.digits(options.digits)
        let hash = try Secrets.hash(pin)
        return try session.db.write {
            try session.requireWorks(.account, [account.id])
            var reach = Notify.Reach(email: nil, phone: nil), name: String?
            if let requestID = options.requestID {
                guard let request = try session.db.queryOne("SELECT account_id, status, email, phone, user_id, full_name FROM pin_request WHERE id = ?", requestID) else {
                    throw MyGazError.notFound(.pinRequest, String(requestID))
                }
                guard try request.int64("account_id") == account.id else {
                    throw MyGazError(.conflict, .pinRequestOtherAccount, .text(String(requestID)), .text(account.label))
                }
                let status = try request.string("status")
                guard status == "open" else {
                    throw MyGazError.conflict(.conflictState, .entity(.pinRequest), .text(String(requestID)),
                                              .code(.pinRequestStatus, status), "pin issue --request", .code(.pinRequestStatus, "open"))
                }
                reach = Notify.Reach(email: try request.optString("email"), phone: try request.optString("phone"),
                                     userID: try request.optInt64("user_id"))
                name = try request.optString("full_name")
            }
            // a PIN goes by the request's e-mail, else by SMS to its mobile; never to an address that
            // is not one (checked before anything is issued)
            if options.send {
                // without a request there is nobody the PIN was asked for: it is handed over at the desk
                guard let requestID = options.requestID else { throw MyGazError.usage(.optionRequires, "--send", "--request") }
                if let given = reach.email, Contact.email(given) == nil, reach.phone.flatMap(Contact.phone) == nil {
                    throw MyGazError(.invalidData, .pinBadEmail, .text(String(requestID)), .text(given))
                }
                guard reach.email.flatMap(Contact.email) != nil || reach.phone.flatMap(Contact.phone) != nil else {
                    throw MyGazError(.invalidData, .pinNoEmail, .text(String(requestID)))
                }
            }
            // the request is answered first: of two clerks answering it at once, the second writes nothing
            if let requestID = options.requestID {
                try Decision.move(session.db, .pinRequest, requestID, .pinRequestStatus, from: "open", to: "issued",
                                  setting: "decided_at = ?, decided_by = ?", session.now, session.login)
                try session.audit("pin.request-issued", .pinRequest, requestID, old: "open", new: "issued")
            }
            // the account held: a PIN another clerk issues at once is revoked by the later one, not left active beside it
            if !session.db.sql.lockingRows.isEmpty {
                try session.db.run("SELECT id FROM account WHERE id = ? \(session.db.sql.lockingRows)", account.id)
            }
            let revoked = try session.db.run("""
                UPDATE pin SET state = 'revoked', revoked_at = ?, revoked_by = ? WHERE account_id = ? AND state = 'active'
                """, session.now, session.login, account.id)
            let expires = Timestamp.iso(session.clock.now + Int64(options.validDays) * 86_400)
            let pinID = try session.db.insert("""
                INSERT INTO pin (account_id, pin_hash, source, state, issued_at, issued_by, expires_at, request_id)
                VALUES (?, ?, 'issued', 'active', ?, ?, ?, ?)
                """, account.id, hash, session.now, session.login, expires, options.requestID)
            var sentTo: String?
            if options.send {
                let until = Day(epochSeconds: session.clock.now + Int64(options.validDays) * 86_400).russian
                let outcome = try Notify.tell(session, reach, Notify.Notice(
                    subject: "ПИН-код для личного кабинета «Мой газ»", to: name,
                    body: """
                        ПИН-код для подключения расширенной версии личного кабинета по лицевому счету \(account.number): \(Outbox.secretMark)
                        Код действует до \(until).

                        Введите его в ответ на контрольный вопрос при подключении расширенной версии. Никому не сообщайте этот код.
                        Если код не подходит или срок его действия истек, позвоните в абонентский отдел — телефон и часы работы ниже.
                        """,
                    sms: "ПИН-код для ЛК «Мой газ», счет \(account.number): \(Outbox.secretMark). Действует до \(until). Никому не сообщайте.",
                    kind: .pin, secret: pin), need: .required, rgkID: account.rgkID, entity: .pin, entityID: pinID, who: account.label)
                sentTo = outcome.notified ? (reach.email.flatMap(Contact.email) ?? reach.phone.flatMap(Contact.phone)) : nil
            }
            try session.audit("pin.issue", .pin, pinID, new: "active",
                              note: AuditNote(.pinIssued, ["account": .text(account.label), "revoked": .int(Int64(revoked)), "sent": .bool(options.send)]))
            return Issued(pinID: pinID, account: account, pin: options.send ? nil : pin, expiresAt: expires, revoked: revoked, sentTo: sentTo)
        }
    }

    public static func rejectRequest(_ session: Session, id: Int64, reason: String) throws -> Transition {
        try session.db.write {
            guard let status = try session.db.scalarString("SELECT status FROM pin_request WHERE id = ?", id) else {
                throw MyGazError.notFound(.pinRequest, String(id))
            }
            try session.requireWorks(.pinRequest, [id])
            if status == "rejected" { return Transition(.pinRequest, id, .pinRequestStatus, from: status, to: status) }
            guard status == "open" else {
                throw MyGazError.conflict(.conflictState, .entity(.pinRequest), .text(String(id)), .code(.pinRequestStatus, status),
                                          "pin reject-request", .code(.pinRequestStatus, "open"))
            }
            try Decision.move(session.db, .pinRequest, id, .pinRequestStatus, from: "open", to: "rejected",
                              setting: "reason = ?, decided_at = ?, decided_by = ?", reason, session.now, session.login)
            let row = try session.db.queryOne("""
                SELECT p.email, a.rgk_id, a.number, p.phone, p.full_name, p.user_id FROM pin_request p JOIN account a ON a.id = p.account_id WHERE p.id = ?
                """, id)
            var t = Transition(.pinRequest, id, .pinRequestStatus, from: "open", to: "rejected")
            if let row {
                let number = try row.string("number")
                t.told(try Notify.tell(session, Notify.Reach(email: try row.optString("email"), phone: try row.optString("phone"),
                                                             userID: try row.optInt64("user_id")), Notify.Notice(
                    subject: "Запрос ПИН-кода отклонен", to: try row.optString("full_name"),
                    body: "Ваш запрос ПИН-кода по лицевому счету \(number) отклонен.\n\n"
                        + Notify.sentence(reason) + "\n\nЧто делать дальше: ПИН-код можно получить в абонентском отделе, предъявив документ, "
                        + "удостоверяющий личность, — адрес, телефон и часы работы ниже.",
                    sms: Notify.sms(head: "Запрос ПИН-кода по ЛС \(number) отклонен.", words: reason,
                                    next: "ПИН-код можно получить в абонентском отделе с паспортом.",
                                    phone: try Notify.rgkPhone(session.db, rgkID: try row.int64("rgk_id"))),
                    kind: .pin), need: .required, rgkID: try row.int64("rgk_id"), entity: .pinRequest, entityID: id, who: try row.string("full_name")))
            }
            try session.audit("pin.reject-request", .pinRequest, id, old: "open", new: "rejected", reason: reason)
            return t
        }
    }

    public static func revoke(_ session: Session, account: AccountRef) throws -> Int {
        try session.db.write {
            try session.requireWorks(.account, [account.id])
            let revoked = try session.db.run("""
                UPDATE pin SET state = 'revoked', revoked_at = ?, revoked_by = ? WHERE account_id = ? AND state = 'active'
                """, session.now, session.login, account.id)
            if revoked > 0 {
                try session.audit("pin.revoke", .account, account.label, old: "active", new: "revoked")
            }
            return revoked
        }
    }
}
