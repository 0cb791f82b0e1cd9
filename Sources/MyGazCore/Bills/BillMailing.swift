/// Bills by e-mail (manual 001 §4.7.1.4: "formed and sent from the 15th to the 18th"): for every
/// user who switched e-mail bills on, a message for each account linked with the extended
/// version (the bill shows personal data), once per user, account and month.
public enum BillMailing {
    public struct Plan: Sendable {
        public var toQueue = 0
        public var queuedBefore = 0
        public var noEmail = 0
        public var noSettlements = 0
        public init() {}
    }

    public struct Report: Sendable {
        public var queued = 0
        public var queuedBefore = 0
        public var noEmail = 0
        public var noSettlements = 0
        public init() {}
    }

    /// One user's link with one account, as the mailing weighs it.
    struct Candidate {
        let userID: Int64
        let email: String?
        let accountID: Int64
        let rgkID: Int64
        let account: String
        /// The user's full name, to greet her by.
        let name: String?
        /// A message for this user, account and month was queued before.
        let queuedBefore: Bool
        /// The account has settlements for the month.
        let settled: Bool

        init(_ r: Row) throws {
            (userID, email, accountID, rgkID) = try (r.int64("user_id"), r.optString("email"), r.int64("account_id"), r.int64("rgk_id"))
            (account, queuedBefore, settled) = try (r.string("account"), r.bool("queued_before"), r.bool("settled"))
            name = try r.optString("full_name")
        }
    }

    /// Values: the period twice, the RGK's code twice, the last page's user twice and account, the page's size.
    static func candidates(_ sql: SQLDialect) -> String {
        """
        SELECT u.id AS user_id, u.email, u.full_name, a.id AS account_id, a.rgk_id, a.number AS account,
               CASE WHEN EXISTS (SELECT 1 FROM bill_mailing m WHERE m.user_id = u.id AND m.account_id = a.id AND m.period = ?)
                    THEN 1 ELSE 0 END AS queued_before,
               CASE WHEN EXISTS (SELECT 1 FROM service v JOIN settlement s ON s.service_id = v.id WHERE v.account_id = a.id AND s.period = ?)
                    THEN 1 ELSE 0 END AS settled
        FROM portal_user u
        JOIN user_account l ON l.user_id = u.id AND l.access_level = 'extended' AND l.locked_at IS NULL
        JOIN account a ON a.id = l.account_id
        JOIN rgk g ON g.id = a.rgk_id
        WHERE u.email_bills = 1 AND \(sql.noIndex("u.status")) = 'active' AND (CAST(? AS TEXT) IS NULL OR g.code = ?)
          AND l.user_id >= ? AND (l.user_id, l.account_id) > (?, ?)
        ORDER BY l.user_id, l.account_id LIMIT ?
        """
    }

    /// The candidates a page at a time (memory stays flat whatever the region's size), in the
    /// order of the links' key: each page starts where the last ended, no page sorts them all.
    static func eachPage(_ db: any Storage, period: String, rgk: String?, _ body: ([Candidate]) throws -> Void) throws {
        var after: (user: Int64, account: Int64) = (0, 0)
        let sql = candidates(db.sql), code = rgk?.lowercased()
        while true {
            let page = try db.query(sql, period, period, code, code, after.user, after.user, after.account, 500).map(Candidate.init)
            guard let last = page.last else { return }
            try body(page)
            after = (last.userID, last.accountID)
        }
    }

    /// The RGKs in scope must have their bank details: a bill without them is never sent.
    static func checkSuppliers(_ db: any Storage, rgk: String?) throws {
        let rgk = rgk?.lowercased()     // as RGK.id finds it: `--rgk VOLOGDA` is checked too
        for code in try db.query("SELECT code FROM rgk WHERE CAST(? AS TEXT) IS NULL OR code = ?", rgk, rgk).map({ try $0.string("code") }) {
            try Bills.requireBankDetails(db, rgk: code)
        }
    }

    /// Who a bill of the account goes to by e-mail: its active users with the extended version (the
    /// bill shows personal data), each usable address once (with the first of its users).
    public static func recipients(_ db: any Storage, accountID: Int64) throws -> [(userID: Int64, email: String, name: String?)] {
        var seen = Set<String>()
        return try db.query("""
            SELECT u.id, u.email, u.full_name FROM user_account l JOIN portal_user u ON u.id = l.user_id
            WHERE l.account_id = ? AND l.access_level = 'extended' AND l.locked_at IS NULL AND u.status = 'active' AND u.email IS NOT NULL
            ORDER BY u.id
            """, accountID).compactMap { row in
            guard let email = try row.optString("email").flatMap(Contact.email), seen.insert(email).inserted else { return nil }
            return (try row.int64("id"), email, try row.optString("full_name"))
        }.sorted { $0.email < $1.email }
    }

    /// Why an account has no one to e-mail its bill to, by the same conditions as `recipients`
    /// in their order: no portal user linked, linked with the limited version only, the extended
    /// link locked, the user not active, no usable e-mail.
    public static func noRecipient(_ db: any Storage, _ ref: AccountRef) throws -> MyGazError {
        let links = try db.query("""
            SELECT l.access_level, l.locked_at, u.status, u.email FROM user_account l JOIN portal_user u ON u.id = l.user_id
            WHERE l.account_id = ?
            """, ref.id)
        let extended = try links.filter { try $0.string("access_level") == "extended" }
        let unlocked = try extended.filter { try $0.optString("locked_at") == nil }
        let active = try unlocked.filter { try $0.string("status") == "active" }
        let key: MessageKey = links.isEmpty ? .billNoUser : extended.isEmpty ? .billLimitedOnly
            : unlocked.isEmpty ? .billLinkLocked : active.isEmpty ? .billUserNotActive : .billNoEmail
        return MyGazError.invalid(key, .text(ref.label))
    }

    public static func plan(_ db: any Storage, period: String, rgk: String?, today: Day) throws -> Plan {
        if period > today.period { throw MyGazError.invalid(.billFuturePeriod, .text(period)) }
        if let rgk { _ = try RGK.id(db, rgk) }
        try checkSuppliers(db, rgk: rgk)
        var plan = Plan()
        try eachPage(db, period: period, rgk: rgk) { page in
            for c in page {
                if c.queuedBefore { plan.queuedBefore += 1 } else if !c.settled { plan.noSettlements += 1 }
                else if c.email.flatMap(Contact.email) == nil { plan.noEmail += 1 } else { plan.toQueue += 1 }
            }
        }
        return plan
    }

    /// Queues what the plan said, in short transactions (the portal keeps writing meanwhile);
    /// a rerun, or a run killed halfway and started again, queues nothing twice.
    public static func send(_ session: Session, period: String, rgk: String?, progress: (Int, Int) -> Void = { _, _ in }) throws -> Report {
        let plan = try self.plan(session.db, period: period, rgk: rgk, today: session.clock.today)
        var report = Report()
        report.queuedBefore = plan.queuedBefore
        report.noEmail = plan.noEmail
        report.noSettlements = plan.noSettlements
        let month = BillDocument.monthName(period)
        var footers: [Int64: String] = [:]
        var done = 0
        try eachPage(session.db, period: period, rgk: rgk) { page in
            try session.db.write {
                for c in page where !c.queuedBefore && c.settled {
                    done += 1
                    guard let email = c.email.flatMap(Contact.email) else { continue }
                    let (userID, accountID, rgkID) = (c.userID, c.accountID, c.rgkID)
                    // another run may have queued it since the plan was read
                    guard try session.db.queryOne("SELECT 1 FROM bill_mailing WHERE user_id = ? AND account_id = ? AND period = ?",
                                                  userID, accountID, period) == nil else { report.queuedBefore += 1; continue }
                    if footers[rgkID] == nil { footers[rgkID] = try Notify.footer(session.db, rgkID: rgkID) }
                    let queued = try Outbox.enqueue(session, message(email: email, account: c.account, month: month, period: period,
                                                                     accountID: accountID, rgkID: rgkID, userID: userID, name: c.name,
                                                                     footer: footers[rgkID] ?? ""))
                    try session.db.run("""
                        INSERT INTO bill_mailing (user_id, account_id, period, outbox_id, queued_at) VALUES (?, ?, ?, ?, ?)
                        """, userID, accountID, period, queued.id, session.now)
                    report.queued += 1
                }
            }
            progress(done, plan.toQueue)
        }
        if report.queued > 0 {
            try session.db.write {
                try session.audit("bill.send", .database, nil, new: String(report.queued),
                                  note: AuditNote(.billsQueued, ["period": .text(period), "queued": .int(Int64(report.queued)),
                                                                 "rgk": rgk.map { .text($0) } ?? .text("")]))
            }
        }
        return report
    }

    /// The message a bill goes with, to one user's address.
    public static func message(email: String, account: String, month: String, period: String, accountID: Int64, rgkID: Int64,
                               userID: Int64, name: String?, footer: String) -> Outbox.Draft {
        var draft = Outbox.Draft(channel: .email, recipient: email, subject: "Квитанция по лицевому счету \(account) за \(month)",
                                 body: Notify.letter(to: name, """
                                    Во вложении — квитанция на оплату услуг газоснабжения по лицевому счету \(account) за \(month) \
                                    Оплатить ее можно в приложении банка по QR-коду на квитанции или в личном кабинете «Мой газ»; \
                                    с вопросами по начислениям звоните в абонентский отдел — телефон и часы работы ниже.

                                    Квитанции приходят, потому что в личном кабинете включено их получение по электронной почте; \
                                    отключить его можно в настройках профиля.
                                    """, footer: footer),
                                 rgkID: rgkID, kind: .bill, entity: .account, entityID: accountID, userID: userID)
        draft.billPeriod = period
        return draft
    }
}
