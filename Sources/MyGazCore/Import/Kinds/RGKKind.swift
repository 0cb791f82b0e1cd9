/// `import rgk`: the regional gas companies, by code.
final class RGKKind: UpsertKind {
    struct Values: Sendable {
        var code = ""
        var max: Int64?
        var email: String?
        var bank: [String?] = Array(repeating: nil, count: 6)
    }

    static let kind = ImportKind.rgk
    static let columns = [
        ImportColumn("code", ["код", "код ргк"], required: true), ImportColumn("name", ["наименование", "название"], required: true),
        ImportColumn("region", ["регион"]), ImportColumn("phone", ["телефон"]), ImportColumn("email", ["e-mail", "эл почта", "почта"]),
        ImportColumn("max_monthly_m3", ["макс_расход", "максимальный расход", "макс расход м3"]),
        // the supplier's details printed on bills (ГОСТ Р 56042-2014)
        ImportColumn("inn", ["инн"]), ImportColumn("kpp", ["кпп"]),
        ImportColumn("bank_account", ["расчетный счет", "р/с", "рс"]), ImportColumn("bank_name", ["банк", "наименование банка"]),
        ImportColumn("bic", ["бик"]), ImportColumn("corr_account", ["корр счет", "к/с", "кс", "корреспондентский счет"]),
    ]
    static let bankColumns = Bills.bankColumns

    let ctx: ImportContext
    let upsert: Upsert

    init(_ ctx: ImportContext) throws {
        self.ctx = ctx
        upsert = Upsert("rgk", key: [UpsertColumn(name: "code")], [
            UpsertColumn(name: "name"), UpsertColumn(name: "region", from: 2), UpsertColumn(name: "phone", from: 3), UpsertColumn(name: "email", from: 4),
            // an empty maximum: the default for a new RGK, the present one for a known RGK
            UpsertColumn(name: "max_monthly_m3", from: 5, value: "coalesce(?, 500)", update: "coalesce(?, max_monthly_m3)"),
        ] + Self.bankColumns.enumerated().map { UpsertColumn(name: $0.element, from: 6 + $0.offset) } + [
            UpsertColumn(name: "created_at", updated: false), UpsertColumn(name: "updated_at", compared: false),
        ], present: ctx.present)
    }

    func check(_ row: inout RowView) throws -> Values? {
        var v = Values()
        if let text = row.text(0, required: true) {
            v.code = text.lowercased()
            if !(2...32).contains(v.code.count) || !v.code.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == "-" }) {
                row.problem(0, .importBadRGKCode, .text(text))
            }
        }
        _ = row.required(1)
        v.max = row.int(5, min: 1)
        if let email = row.string(4) {
            v.email = Contact.email(email)
            if v.email == nil { row.problem(4, .badEmail, .text(email)) }
        }
        for i in 0..<6 { v.bank[i] = row.string(6 + i) }
        let (inn, kpp, account, _, bic, corr) = (v.bank[0], v.bank[1], v.bank[2], v.bank[3], v.bank[4], v.bank[5])
        if let inn, !BankDetails.validINN(inn) { row.problem(6, .importBadINN, .text(inn)) }
        if let kpp, !BankDetails.validKPP(kpp) { row.problem(7, .importBadKPP, .text(kpp)) }
        if let bic, !BankDetails.validBIC(bic) { row.problem(10, .importBadBIC, .text(bic)) }
        if let bic, BankDetails.validBIC(bic) {
            if let account, !BankDetails.validAccount(account, bic: bic) { row.problem(8, .importBadBankAccount, .text(account), .text(bic)) }
            if let corr, !BankDetails.validCorrespondentAccount(corr, bic: bic) { row.problem(11, .importBadBankAccount, .text(corr), .text(bic)) }
        } else if bic == nil, account != nil || corr != nil {
            row.problem(10, .importBankNeedsBIC)
        }
        return row.problems.isEmpty ? v : nil
    }

    func bind<B: ImportBinding>(_ s: B, _ row: RowView, _ v: Values) throws {
        s.bind(text: v.code, at: 1)
        ctx.bind(s, row, 1, at: 2); ctx.bind(s, row, 2, at: 3); ctx.bind(s, row, 3, at: 4)
        s.bind(optionalText: v.email, at: 5)
        s.bind(optionalInt: v.max, at: 6)
        for (i, value) in v.bank.enumerated() { s.bind(optionalText: value, at: Int32(7 + i)) }
        s.bind(text: ctx.now, at: 13)
        s.bind(text: ctx.now, at: 14)
    }

    func inserted() throws { try ctx.reloadRGKs() }

    func key(_ row: RowView, _ v: Values) -> [SQLBindable?] { [v.code] }
}
