/// Bills by e-mail (manual 001 §4.7.1.4: "formed and sent from the 15th to the 18th"): for every
/// user who switched e-mail bills on, a message for each account linked with the extended
/// version (the bill shows personal data), once per user, account and month.
public enum BillMailing {
    public struct Plan: Sendable {
        public var toQueue = 0
        public var queuedBefore = 0
        public var noEmail = 0
        public var noSettlements = 0
    }

    public struct Report: Sendable {
        public var queued = 0
        public var queuedBefore = 0
        public var noEmail = 0
        public var noSettlements = 0
    }

    static let candidates = """
        SELECT u.id, u.email, a.id, a.rgk_id, g.code, a.number,
               EXISTS (SELECT 1 FROM bill_mailing m WHERE m.user_id = u.id AND m.account_id = a.id AND m.period = ?1),
               EXISTS (SELECT 1 FROM service v JOIN settlement s ON s.service_id = v.id WHERE v.account_id = a.id AND s.period = ?1)
        FROM portal_user u
        JOIN user_account l ON l.user_id = u.id AND l.access_level = 'extended' AND l.locked_at IS NULL
        JOIN account a ON a.id = l.account_id
        JOIN rgk g ON g.id = a.rgk_id
        WHERE u.email_bills = 1 AND +u.status = 'active' AND (?2 IS NULL OR g.code = ?2)
          AND l.user_id >= ?3 AND (l.user_id, l.account_id) > (?3, ?4)
        ORDER BY l.user_id, l.account_id LIMIT ?5
        """

    /// The candidates a page at a time (memory stays flat whatever the region's size), in the
    /// order of the links' key: each page starts where the last ended, no page sorts them all.
    static func eachPage(_ db: any Storage, period: String, rgk: String?, _ body: ([Row]) throws -> Void) throws {
        var after: (Int64, Int64) = (0, 0)
        while true {
            let page = try db.query(candidates, period, rgk?.lowercased(), after.0, after.1, 500)
            guard let last = page.last else { return }
            try body(page)
            after = (last.int64(0), last.int64(2))
        }
    }

    /// The RGKs in scope must have their bank details: a bill without them is never sent.
    static func checkSuppliers(_ db: any Storage, rgk: String?) throws {
        for code in try db.query("SELECT code FROM rgk WHERE ?1 IS NULL OR code = ?1", rgk).map({ $0.string(0) }) {
            try Bills.requireBankDetails(db, rgk: code)
        }
    }

    /// Who a bill of the account goes to by e-mail: its active users with the extended version (the
    /// bill shows personal data), each usable address once (with the first of its users).
    public static func recipients(_ db: any Storage, accountID: Int64) throws -> [(userID: Int64, email: String)] {
        var seen = Set<String>()
        return try db.query("""
            SELECT u.id, u.email FROM user_account l JOIN portal_user u ON u.id = l.user_id
            WHERE l.account_id = ? AND l.access_level = 'extended' AND l.locked_at IS NULL AND u.status = 'active' AND u.email IS NOT NULL
            ORDER BY u.id
            """, accountID).compactMap { row in
            guard let email = row.optString(1).flatMap(Contact.email), seen.insert(email).inserted else { return nil }
            return (row.int64(0), email)
        }.sorted { $0.email < $1.email }
    }

    public static func plan(_ db: any Storage, period: String, rgk: String?, today: Day) throws -> Plan {
        if period > today.period { throw MyGazError.invalid(.billFuturePeriod, .text(period)) }
        if let rgk { _ = try RGK.id(db, rgk) }
        try checkSuppliers(db, rgk: rgk)
        var plan = Plan()
        try eachPage(db, period: period, rgk: rgk) { page in
            for row in page {
                if row.bool(6) { plan.queuedBefore += 1 } else if !row.bool(7) { plan.noSettlements += 1 }
                else if row.optString(1).flatMap(Contact.email) == nil { plan.noEmail += 1 } else { plan.toQueue += 1 }
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
                for row in page where !row.bool(6) && row.bool(7) {
                    done += 1
                    guard let email = row.optString(1).flatMap(Contact.email) else { continue }
                    let (userID, accountID, rgkID) = (row.int64(0), row.int64(2), row.int64(3))
                    // another run may have queued it since the plan was read
                    guard try session.db.queryOne("SELECT 1 FROM bill_mailing WHERE user_id = ? AND account_id = ? AND period = ?",
                                                  userID, accountID, period) == nil else { report.queuedBefore += 1; continue }
                    if footers[rgkID] == nil { footers[rgkID] = try Notify.footer(session.db, rgkID: rgkID) }
                    let queued = try Outbox.enqueue(session, message(email: email, account: row.string(5), month: month, period: period,
                                                                     accountID: accountID, rgkID: rgkID, userID: userID,
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
                               userID: Int64, footer: String) -> Outbox.Draft {
        var draft = Outbox.Draft(channel: .email, recipient: email, subject: "Квитанция по лицевому счету \(account) за \(month)",
                                 body: """
                                    Здравствуйте!

                                    Во вложении — квитанция на оплату услуг газоснабжения по лицевому счету \(account) за \(month) \
                                    Оплатить можно в приложении банка по QR-коду на квитанции или в личном кабинете «Мой газ».

                                    Квитанции приходят, потому что в личном кабинете включено их получение по электронной почте; \
                                    отключить его можно в настройках профиля.

                                    \(footer)
                                    """,
                                 rgkID: rgkID, kind: .bill, entity: .account, entityID: accountID, userID: userID)
        draft.billPeriod = period
        return draft
    }
}
