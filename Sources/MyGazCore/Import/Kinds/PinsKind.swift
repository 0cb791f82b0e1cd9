/// `import pins`: the PINs an RGK prints on its bills, stored hashed like issued PINs.
final class PinsKind: ImportKindType {
    struct Values: Sendable {
        var account: Int64
        var pin: String
    }

    static let kind = ImportKind.pins
    static let columns = [
        ImportColumn("rgk", ["ргк"]), ImportColumn("account", ["лицевой_счет", "лицевой счет", "лс"], required: true),
        ImportColumn("pin", ["пин", "пин-код", "пин код", "pin-код"], required: true),
    ]

    let ctx: ImportContext

    init(_ ctx: ImportContext) throws { self.ctx = ctx }

    func check(_ row: inout RowView) throws -> Values? {
        let rgk = ctx.rgkID(&row)
        let account = try ctx.accountID(&row, rgk: rgk, column: 1)
        var pin = row.text(2, required: true)
        if let p = pin, !(4...12).contains(p.count) || !p.allSatisfy(\.isASCIIDigit) {
            // never echo a PIN into a report
            row.problem(2, .importBadPIN)
            pin = nil
        }
        guard let account, let pin, row.problems.isEmpty else { return nil }
        return Values(account: account, pin: pin)
    }

    private func active(_ v: Values) throws -> [Row] {
        try ctx.db.query("SELECT id, pin_hash, source FROM pin WHERE account_id = ? AND state = 'active'", v.account)
    }

    /// The same PIN again is unchanged; another one replaces it.
    func outcome(_ row: RowView, _ v: Values) throws -> ImportOutcome {
        let active = try active(v)
        if active.count == 1, active[0].string(2) == "bill", Secrets.verify(v.pin, hash: active[0].string(1)) { return .unchanged }
        return active.isEmpty ? .inserted : .updated
    }

    func write(_ row: RowView, _ v: Values) throws -> ImportOutcome {
        let outcome = try outcome(row, v)
        guard outcome != .unchanged else { return .unchanged }
        try ctx.db.run("UPDATE pin SET state = 'revoked', revoked_at = ?, revoked_by = 'import' WHERE account_id = ? AND state = 'active'",
                       ctx.now, v.account)
        try ctx.db.run("""
            INSERT INTO pin (account_id, pin_hash, source, state, issued_at, issued_by, import_batch_id) VALUES (?, ?, 'bill', 'active', ?, 'rgk', ?)
            """, v.account, try Secrets.hash(v.pin), ctx.now, ctx.batchID)
        return outcome
    }

    func key(_ row: RowView, _ v: Values) -> [SQLBindable?] { [v.account] }
}
