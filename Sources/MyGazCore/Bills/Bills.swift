import Foundation

/// The payment document of one account for one month (manual 000, 001 §4.3.1.3): the supplier
/// and its bank details, the payer, per service what was owed, charged and paid (§4.3.1.2), the
/// meters, and the payment string of ГОСТ Р 56042-2014 that banking apps read from its QR code.
public struct Bill: Sendable {
    public struct Supplier: Sendable {
        public let code: String
        public let name: String
        public let inn: String
        public let kpp: String
        public let account: String
        public let bankName: String
        public let bic: String
        public let correspondentAccount: String
        public let phone: String?
        public let office: String?
        public let hours: String?
    }
    public struct Line: Sendable {
        public let service: String
        public let openingKop: Int64
        public let chargedKop: Int64
        public let benefitKop: Int64
        public let recalcKop: Int64
        public let paidKop: Int64
        /// The RGK's closing balance; nil while the month is open.
        public var closingKop: Int64? = nil
        /// The month's balance as `account show` computes it (`SettlementBalance.due`): the
        /// closing balance of a closed month, opening − charged + paid of the open one. Negative: a debt.
        public var dueKop: Int64 { SettlementBalance.due(opening: openingKop, charged: chargedKop, paid: paidKop, closing: closingKop) }
        /// What is to be paid for the service (≥ 0).
        public var toPayKop: Int64 { SettlementBalance.toPay(dueKop) }
        /// What was paid beyond what was owed for the service (≥ 0).
        public var overpaidKop: Int64 { SettlementBalance.overpaid(dueKop) }
    }
    public struct Meter: Sendable {
        public let serial: String
        public let model: String?
        public let lastValue: Int64?
        public let lastDate: String?
        public let nextVerification: String?
        public let expired: Bool
    }

    public let supplier: Supplier
    public let account: String
    public let surname: String?
    public let name: String?
    public let patronymic: String?
    public let address: String?
    public let residents: Int?
    public let heatedArea: Double?
    /// `2026-11`
    public let period: String
    public let lines: [Line]
    public let meters: [Meter]
    /// The benefits in force on some day of the month (the «Абонент» section's, issue 39 §2).
    public var benefits: [Abonent.Benefit] = []

    public var holder: String { [surname, name, patronymic].compactMap { $0 }.joined(separator: " ") }
    /// Negative: a debt.
    public var dueKop: Int64 { lines.reduce(0) { $0 + $1.dueKop } }
    /// What the customer is asked to pay: the debts of the services, each as the portal's payment
    /// form proposes it (001 §4.3.1.4: by default the debt of each service); a service in credit adds nothing.
    public var toPayKop: Int64 { lines.reduce(0) { $0 + $1.toPayKop } }
    /// Whether the month has the RGK's closing balance for every service.
    public var closed: Bool { lines.allSatisfy { $0.closingKop != nil } }

    /// The longest `Purpose` ГОСТ Р 56042-2014 allows (table 2: 210 characters).
    public static let purposeLimit = 210

    /// `Оплата за газ и ТО ВДГО по лицевому счету … за 11.2026`: the services paid for (those
    /// with something to pay, or all of them when nothing is), shortened to the standard's length.
    public var purpose: String {
        let paid = lines.filter { $0.toPayKop > 0 }
        let kinds = (paid.isEmpty ? lines : paid).map(\.service)
        var names: [String] = []
        for kind in kinds {
            let name = kind == "gas" ? "газ" : kind == "vdgo" ? "ТО ВДГО" : Labels.label(.serviceKind, kind, russian: true)
            if !names.contains(name) { names.append(name) }
        }
        let what = names.count <= 1 ? (names.first ?? "газ") : names.dropLast().joined(separator: ", ") + " и " + names[names.count - 1]
        let (year, month) = (period.prefix(4), period.suffix(2))
        return String("Оплата за \(what) по лицевому счету \(account) за \(month).\(year)".prefix(Self.purposeLimit))
    }

    /// `ST00012|Name=…|PersonalAcc=…|…`: the fields banks read, none of them holding a `|`, a
    /// control, a line or paragraph separator or a bidi override (`UntrustedText.blanked`).
    public var paymentString: String {
        func clean(_ text: String) -> String {
            UntrustedText.blanked(text).replacingOccurrences(of: "|", with: " ").trimmingCharacters(in: .whitespaces)
        }
        let (year, month) = (period.prefix(4), period.suffix(2))
        var fields: [(String, String)] = [
            ("Name", supplier.name), ("PersonalAcc", supplier.account), ("BankName", supplier.bankName), ("BIC", supplier.bic),
            ("CorrespAcc", supplier.correspondentAccount), ("PayeeINN", supplier.inn), ("KPP", supplier.kpp),
        ]
        if toPayKop > 0 { fields.append(("Sum", String(toPayKop))) }
        fields.append(("Purpose", purpose))
        fields.append(("PersAcc", account))
        fields.append(("PaymPeriod", "\(month)\(year)"))
        if let surname { fields.append(("LastName", surname)) }
        if let name { fields.append(("FirstName", name)) }
        if let patronymic { fields.append(("MiddleName", patronymic)) }
        if let address { fields.append(("PayerAddress", address)) }
        return "ST00012|" + fields.map { "\($0.0)=\(clean($0.1))" }.joined(separator: "|")
    }
}

public enum Bills {
    static let bankColumns = ["inn", "kpp", "bank_account", "bank_name", "bic", "corr_account"]

    /// Exit 6 naming what the RGK lacks for a payment document, and how to fill it in.
    static func requireBankDetails(_ db: any Storage, rgk code: String) throws {
        guard let row = try db.queryOne("SELECT \(bankColumns.joined(separator: ", ")) FROM rgk WHERE code = ?", code) else {
            throw MyGazError.notFound(.rgk, code)
        }
        let missing = try bankColumns.filter { try row.optString($0) == nil }
        if !missing.isEmpty { throw MyGazError.invalid(.billNoBankDetails, .text(code), .text(missing.joined(separator: ", "))) }
    }

    /// The last month with settlements for the account, or nil when it has none.
    public static func lastPeriod(_ db: any Storage, accountID: Int64) throws -> String? {
        try db.queryOne("""
            SELECT max(s.period) AS period FROM settlement s JOIN service v ON v.id = s.service_id WHERE v.account_id = ?
            """, accountID)?.optString("period")
    }

    /// The bill of an account for a month (by default the last one with settlements); what is
    /// missing for it is said, never printed empty.
    public static func make(_ db: any Storage, _ ref: AccountRef, period asked: String?, today: Day) throws -> Bill {
        try db.read {
            if let asked, asked > today.period { throw MyGazError.invalid(.billFuturePeriod, .text(asked)) }
            guard let period = try asked ?? lastPeriod(db, accountID: ref.id) else {
                throw MyGazError(.notFound, .billNoSettlementsAtAll, .text(ref.label))
            }
            guard let r = try db.queryOne("""
                SELECT g.code AS rgk, g.name AS rgk_name, g.inn, g.kpp, g.bank_account, g.bank_name, g.bic, g.corr_account, g.phone AS rgk_phone,
                       (SELECT o.name || ', ' || o.address FROM office o WHERE o.rgk_id = g.id ORDER BY o.id LIMIT 1) AS office,
                       (SELECT o.hours FROM office o WHERE o.rgk_id = g.id ORDER BY o.id LIMIT 1) AS hours,
                       a.number, a.surname, a.name, a.patronymic, a.address, a.residents, a.heated_area
                FROM account a JOIN rgk g ON g.id = a.rgk_id WHERE a.id = ?
                """, ref.id) else { throw MyGazError.notFound(.account, ref.label) }
            try requireBankDetails(db, rgk: r.string("rgk"))
            let supplier = try Bill.Supplier(code: r.string("rgk"), name: r.string("rgk_name"), inn: r.string("inn"), kpp: r.string("kpp"),
                                             account: r.string("bank_account"), bankName: r.string("bank_name"), bic: r.string("bic"),
                                             correspondentAccount: r.string("corr_account"), phone: r.optString("rgk_phone"),
                                             office: r.optString("office"), hours: r.optString("hours"))
            let lines = try db.query("""
                SELECT v.kind, s.opening_kop, s.charged_kop, s.benefit_kop, s.recalc_kop, s.paid_kop, s.closing_kop
                FROM settlement s JOIN service v ON v.id = s.service_id
                WHERE v.account_id = ? AND s.period = ? ORDER BY v.kind
                """, ref.id, period).map {
                try Bill.Line(service: $0.string("kind"), openingKop: $0.int64("opening_kop"), chargedKop: $0.int64("charged_kop"),
                              benefitKop: $0.int64("benefit_kop"), recalcKop: $0.int64("recalc_kop"), paidKop: $0.int64("paid_kop"),
                              closingKop: $0.optInt64("closing_kop"))
            }
            guard !lines.isEmpty else { throw MyGazError(.notFound, .billNoSettlements, .text(ref.label), .text(period)) }
            let meters = try db.query("""
                SELECT m.serial, m.model, m.next_verification,
                       (SELECT CAST(value AS TEXT) || ' ' || reading_date FROM reading WHERE meter_id = m.id AND status = 'accepted'
                        ORDER BY reading_date DESC, id DESC LIMIT 1) AS last
                FROM meter m WHERE m.account_id = ? AND m.state = 'working' ORDER BY m.serial
                """, ref.id).map { row -> Bill.Meter in
                let last = try row.optString("last")?.split(separator: " ")
                let next = try row.optString("next_verification")
                return try Bill.Meter(serial: row.string("serial"), model: row.optString("model"), lastValue: last.flatMap { Int64($0[0]) },
                                      lastDate: last.map { String($0[1]) }, nextVerification: next, expired: next.map { $0 < today.iso } ?? false)
            }
            return try Bill(supplier: supplier, account: r.string("number"), surname: r.optString("surname"), name: r.optString("name"),
                            patronymic: r.optString("patronymic"), address: r.optString("address"), residents: r.optInt("residents"),
                            heatedArea: r.optDouble("heated_area"), period: period, lines: lines, meters: meters,
                            benefits: Abonent.benefits(db, accountID: ref.id).filter { $0.applies(in: period) })
        }
    }
}
