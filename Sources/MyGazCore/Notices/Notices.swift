import Foundation

/// The notices customers switched on in the portal (issue 39 §3, manual 001 §4.7.1.3): a debt
/// for a month, a meter whose verification ends, the RGK's news. Each goes to active users only
/// (a blocked or erased user gets nothing, and delivery checks again), with the user's switch on,
/// by the one contact rule (`Notify.tell`: e-mail, else SMS in `Notify.smsLimit`), once per its
/// key: the `notice_sent` row is written first, `INSERT … ON CONFLICT DO NOTHING`, in the same
/// transaction as the message, so a rerun or a run killed halfway queues nothing twice.
public enum Notices {
    /// One message to be: to whom, under which key, and the notice itself.
    public struct Candidate: Sendable {
        public let userID: Int64
        public let email: String?
        public let phone: String?
        public let rgkID: Int64?
        public let key: String
        public let entity: Entity
        public let entityID: Int64
        public let queuedBefore: Bool
        public let notice: Notify.Notice
        /// A debt of an account she linked with the limited version, which shows no settlements
        /// in the portal: its amount is not told, the candidate is counted and skipped.
        public var limitedVersion = false
    }

    /// The user's switch (a `portal_user` column) a notice of `kind` goes by: the candidates are
    /// the users with it on, and delivery checks it again when the message's turn comes
    /// (`Delivery.lapsed`: switched off meanwhile, the notice is cancelled, `notice_off`). Nil for
    /// a message that is no such notice.
    public static func switchColumn(_ kind: OutboxKind) -> String? {
        switch kind {
        case .debtNotice: "notify_debts"
        case .verificationNotice: "notify_status"
        case .news: "notify_news"
        default: nil
        }
    }

    public struct Report: Sendable {
        public var toQueue = 0
        public var queued = 0
        public var queuedBefore = 0
        public var noContact = 0
        /// debts of accounts linked with the limited version, skipped
        public var limitedVersion = 0
    }

    /// What a run would do, or did: counted like `bill send`.
    public static func plan(_ candidates: [Candidate]) -> Report {
        var r = Report()
        for c in candidates {
            if c.limitedVersion { r.limitedVersion += 1 }
            else if c.queuedBefore { r.queuedBefore += 1 }
            else if !Notify.Reach(email: c.email, phone: c.phone).canBeSent { r.noContact += 1 }
            else { r.toQueue += 1 }
        }
        return r
    }

    /// Queues the candidates in short transactions; each (kind, user, key) once.
    public static func send(_ session: Session, _ kind: NoticeKind, _ candidates: [Candidate], audit: String, detail: String) throws -> Report {
        var report = plan(candidates)
        report.toQueue = 0
        let db = session.db
        var start = 0
        while start < candidates.count {
            let page = candidates[start..<min(start + 200, candidates.count)]
            start += 200
            try db.write {
                for c in page where !c.queuedBefore && !c.limitedVersion {
                    let reach = Notify.Reach(email: c.email, phone: c.phone, userID: c.userID)
                    guard reach.canBeSent else { continue }
                    let claimed = try db.run("""
                        INSERT INTO notice_sent (kind, user_id, key, outbox_id, queued_at) VALUES (?, ?, ?, NULL, ?)
                        ON CONFLICT (kind, user_id, key) DO NOTHING
                        """, kind.rawValue, c.userID, c.key, session.now)
                    guard claimed == 1 else { report.queuedBefore += 1; continue }   // another run got there first
                    let outcome = try Notify.tell(session, reach, c.notice, need: .required, rgkID: c.rgkID,
                                                  entity: c.entity, entityID: c.entityID, who: String(c.userID))
                    if let id = outcome.queuedID {
                        try db.run("UPDATE notice_sent SET outbox_id = ? WHERE kind = ? AND user_id = ? AND key = ?", id, kind.rawValue, c.userID, c.key)
                    }
                    if outcome.notified { report.queued += 1 }
                }
            }
        }
        if report.queued > 0 {
            try db.write {
                try session.audit(audit, .database, nil, new: "\(report.queued) queued; \(detail)")
            }
        }
        return report
    }

    // MARK: debts

    /// One message per (active user with debt notices on, linked account whose amount due for
    /// `period` is a debt of at least `minKop`). An account she linked with the limited version
    /// (manual 001: it shows no settlements) is a candidate marked `limitedVersion`: counted, never told.
    public static func debts(_ db: any Storage, period: String, minKop: Int64, rgk: String?) throws -> [Candidate] {
        let rgkID = try rgk.map { try RGK.id(db, $0) }
        return try db.query("""
            SELECT u.id AS user_id, u.email, u.phone, u.full_name, a.id AS account_id, a.rgk_id, a.number, l.access_level,
                   (SELECT coalesce(sum(s.opening_kop - s.charged_kop + s.paid_kop), 0) FROM service v JOIN settlement s ON s.service_id = v.id
                    WHERE v.account_id = a.id AND s.period = ?) AS due,
                   CASE WHEN EXISTS (SELECT 1 FROM notice_sent n WHERE n.kind = 'debts' AND n.user_id = u.id
                                     AND n.key = CAST(? AS TEXT) || ':' || CAST(a.id AS TEXT)) THEN 1 ELSE 0 END AS queued_before
            FROM portal_user u JOIN user_account l ON l.user_id = u.id AND l.locked_at IS NULL JOIN account a ON a.id = l.account_id
            WHERE u.status = 'active' AND u.notify_debts = 1 AND (CAST(? AS BIGINT) IS NULL OR a.rgk_id = ?)
            ORDER BY u.id, a.id
            """, period, period, rgkID, rgkID).compactMap { r -> Candidate? in
            let due = try r.int64("due")
            guard due < 0, -due >= minKop else { return nil }
            let number = try r.string("number"), amount = rubles(-due), month = monthName(period)
            let rgkID = try r.int64("rgk_id"), phone = try Notify.rgkPhone(db, rgkID: rgkID)
            let notice = Notify.Notice(
                subject: "Задолженность по лицевому счету \(number) за \(month)",
                to: try r.optString("full_name"),
                body: """
                    По лицевому счету \(number) за \(month) к оплате \(amount) руб. — это задолженность за газ.
                    Оплатить можно в личном кабинете «Мой газ», в приложении банка по QR-коду на квитанции или в отделении банка \
                    по реквизитам РГК с номером лицевого счета. Если вы уже оплатили, не обращайте внимания на это письмо.

                    Уведомления о задолженности приходят, потому что они включены в личном кабинете; отключить их можно в настройках профиля.
                    """,
                sms: Notify.sms(head: "Долг по ЛС \(number) за \(month): \(amount) руб.", words: nil,
                                next: "Оплатите в личном кабинете «Мой газ» или по QR-коду квитанции.", phone: phone),
                kind: .debtNotice)
            return try Candidate(userID: r.int64("user_id"), email: r.optString("email"), phone: r.optString("phone"), rgkID: rgkID,
                                 key: "\(period):\(r.int64("account_id"))", entity: .account, entityID: r.int64("account_id"),
                                 queuedBefore: r.bool("queued_before"), notice: notice,
                                 limitedVersion: r.string("access_level") != AccessLevel.extended.rawValue)
        }
    }

    // MARK: verification

    /// One message per (working meter whose verification ends by `through` or has ended, active
    /// linked user with status notices on), once per meter and verification date.
    public static func verification(_ db: any Storage, through: Day, rgk: String?) throws -> [Candidate] {
        let rgkID = try rgk.map { try RGK.id(db, $0) }
        return try db.query("""
            SELECT u.id AS user_id, u.email, u.phone, u.full_name, a.rgk_id, a.number, m.id AS meter_id, m.serial, m.next_verification,
                   CASE WHEN EXISTS (SELECT 1 FROM notice_sent n WHERE n.kind = 'verification' AND n.user_id = u.id
                                     AND n.key = CAST(m.id AS TEXT) || ':' || m.next_verification) THEN 1 ELSE 0 END AS queued_before
            FROM meter m JOIN account a ON a.id = m.account_id JOIN user_account l ON l.account_id = a.id AND l.locked_at IS NULL
            JOIN portal_user u ON u.id = l.user_id
            WHERE m.state = 'working' AND m.next_verification IS NOT NULL AND m.next_verification <= ?
              AND u.status = 'active' AND u.notify_status = 1 AND (CAST(? AS BIGINT) IS NULL OR a.rgk_id = ?)
            ORDER BY u.id, m.id
            """, through.iso, rgkID, rgkID).map { r in
            let number = try r.string("number"), serial = try r.string("serial"), date = try r.string("next_verification")
            let shown = Day(iso: date)?.russian ?? date
            let rgkID = try r.int64("rgk_id"), phone = try Notify.rgkPhone(db, rgkID: rgkID)
            let notice = Notify.Notice(
                subject: "Поверка прибора учета \(serial) по лицевому счету \(number)",
                to: try r.optString("full_name"),
                body: """
                    Срок поверки прибора учета газа № \(serial) по лицевому счету \(number) — \(shown). \
                    После этой даты показания прибора не принимаются, а начисления ведутся по нормативу.
                    Закажите поверку в обслуживающей организации и передайте в РГК свидетельство о поверке.

                    Уведомления об изменении статуса приходят, потому что они включены в личном кабинете; отключить их можно в настройках профиля.
                    """,
                sms: Notify.sms(head: "Поверка счетчика \(serial) (ЛС \(number)) до \(shown).", words: nil,
                                next: "Закажите поверку и передайте свидетельство в РГК.", phone: phone),
                kind: .verificationNotice)
            return try Candidate(userID: r.int64("user_id"), email: r.optString("email"), phone: r.optString("phone"), rgkID: rgkID,
                                 key: "\(r.int64("meter_id")):\(date)", entity: .meter, entityID: r.int64("meter_id"),
                                 queuedBefore: r.bool("queued_before"), notice: notice)
        }
    }

    // MARK: news

    /// The key of a news item: its subject, text and RGK, hashed (the same item sent again is the same).
    public static func newsKey(subject: String, body: String, rgk: String?) -> String {
        SHA256.hex(Array((subject + "\n" + body + "\n" + (rgk ?? "")).utf8))
    }

    /// One message per active user with news on (of the RGK's accounts, with `rgk`).
    public static func news(_ db: any Storage, subject: String, body: String, rgk: String?) throws -> [Candidate] {
        let rgkID = try rgk.map { try RGK.id(db, $0) }
        let key = newsKey(subject: subject, body: body, rgk: rgk?.lowercased())
        let phone = try rgkID.flatMap { try Notify.rgkPhone(db, rgkID: $0) }
        return try db.query("""
            SELECT u.id AS user_id, u.email, u.phone, u.full_name,
                   CASE WHEN EXISTS (SELECT 1 FROM notice_sent n WHERE n.kind = 'news' AND n.user_id = u.id AND n.key = ?) THEN 1 ELSE 0 END AS queued_before
            FROM portal_user u
            WHERE u.status = 'active' AND u.notify_news = 1
              AND (CAST(? AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM user_account l JOIN account a ON a.id = l.account_id
                                                        WHERE l.user_id = u.id AND a.rgk_id = ?))
            ORDER BY u.id
            """, key, rgkID, rgkID).map { r in
            let notice = Notify.Notice(
                subject: subject,
                to: try r.optString("full_name"),
                body: """
                    \(body.trimmingCharacters(in: .whitespacesAndNewlines))

                    Новости приходят, потому что их получение включено в личном кабинете; отключить его можно в настройках профиля.
                    """,
                sms: Notify.sms(head: Notify.sentence(subject), words: body.split(whereSeparator: \.isNewline).joined(separator: " "),
                                next: "", phone: phone),
                kind: .news)
            return try Candidate(userID: r.int64("user_id"), email: r.optString("email"), phone: r.optString("phone"), rgkID: rgkID,
                                 key: key, entity: .user, entityID: r.int64("user_id"), queuedBefore: r.bool("queued_before"), notice: notice)
        }
    }

    // MARK: words

    /// 1234.5 rubles as written in a letter: «1 234,50».
    static func rubles(_ kop: Int64) -> String {
        let rub = kop / 100, k = kop % 100
        var digits = String(rub), grouped = ""
        while digits.count > 3 { grouped = "\u{00A0}" + digits.suffix(3) + grouped; digits = String(digits.dropLast(3)) }
        return digits + grouped + "," + (k < 10 ? "0" : "") + String(k)
    }

    static func monthName(_ period: String) -> String { BillDocument.monthName(period) }
}
