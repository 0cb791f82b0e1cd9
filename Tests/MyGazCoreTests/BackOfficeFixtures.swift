import Foundation
@testable import MyGazCore

/// Rows of a small region for the back rooms' tests (bills, payments, contracts, offices, the
/// outbox, the dashboard), written in SQL both engines read: every id is the one the engine
/// gave (`insert`), never one written by hand, so a PostgreSQL identity is never overtaken.
extension TestDB {
    /// An RGK; `bank`: with the bank details a bill needs.
    @discardableResult
    func rgk(_ code: String, name: String = "ООО «Газпром межрегионгаз»", bank: Bool = true, email: String? = nil, phone: String? = nil) throws -> Int64 {
        let id = try db.insert("""
            INSERT INTO rgk (code, name, phone, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
            """, code, name, phone, email, session.now, session.now)
        if bank {
            try db.run("""
                UPDATE rgk SET inn = '3525000001', kpp = '352501001', bank_account = '40702810000000000001', bank_name = 'ПАО Сбербанк',
                               bic = '041909644', corr_account = '30101810900000000644' WHERE id = ?
                """, id)
        }
        return id
    }

    @discardableResult
    func account(rgk: Int64, _ number: String, surname: String = "Иванов", name: String = "Иван", address: String? = "г. Вологда, ул. Мира, 1") throws -> Int64 {
        try db.insert("""
            INSERT INTO account (rgk_id, number, surname, name, patronymic, address, residents, heated_area, updated_at)
            VALUES (?, ?, ?, ?, 'Иванович', ?, 2, 54.5, ?)
            """, rgk, number, surname, name, address, session.now)
    }

    /// A service of the account with one month's settlement.
    @discardableResult
    func settlement(account: Int64, kind: ServiceKind = .gas, period: String, opening: Int64, charged: Int64, paid: Int64) throws -> Int64 {
        let service = try db.queryOne("SELECT id FROM service WHERE account_id = ? AND kind = ?", account, kind.rawValue)?.int64("id")
            ?? db.insert("INSERT INTO service (account_id, kind, updated_at) VALUES (?, ?, ?)", account, kind.rawValue, session.now)
        try db.run("""
            INSERT INTO settlement (service_id, period, opening_kop, charged_kop, paid_kop) VALUES (?, ?, ?, ?, ?)
            """, service, period, opening, charged, paid)
        return service
    }

    /// An active portal user signing in by e-mail.
    @discardableResult
    func portalUser(_ email: String, status: UserStatus = .active, emailBills: Bool = false) throws -> Int64 {
        try db.insert("""
            INSERT INTO portal_user (login, login_kind, email, status, blocked_reason, email_bills, registered_at, updated_at)
            VALUES (?, 'email', ?, ?, ?, ?, ?, ?)
            """, email, email, status.rawValue, status == .blocked ? "проверка" : nil, emailBills ? 1 : 0, session.now, session.now)
    }

    func link(user: Int64, account: Int64, extended: Bool = true) throws {
        try db.run("""
            INSERT INTO user_account (user_id, account_id, access_level, extended_via, extended_at, linked_at) VALUES (?, ?, ?, ?, ?, ?)
            """, user, account, extended ? "extended" : "restricted", extended ? "pin" : nil, extended ? session.now : nil, session.now)
    }

    @discardableResult
    func meter(account: Int64, _ serial: String, nextVerification: String? = "2030-01-01") throws -> Int64 {
        try db.insert("INSERT INTO meter (account_id, serial, model, digits, next_verification) VALUES (?, ?, 'СГМН-1', 5, ?)",
                      account, serial, nextVerification)
    }

    /// A reading from the portal; decided when `status` is not pending.
    @discardableResult
    func reading(meter: Int64, value: Int64, date: String, status: ReadingStatus = .pending, decidedAt: String? = nil) throws -> Int64 {
        try db.insert("""
            INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at, decided_at, decided_by, reason)
            VALUES (?, ?, ?, 'portal', ?, ?, ?, ?, ?)
            """, meter, value, date, status.rawValue, session.now, status == .pending ? nil : (decidedAt ?? session.now),
            status == .pending ? nil : session.login, status == .rejected ? ReadingReason.lowerThanPrevious.rawValue : nil)
    }
}
