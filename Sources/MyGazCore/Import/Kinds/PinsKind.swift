import Foundation

/// `import pins`: the PINs an RGK prints on its bills, stored hashed like issued PINs.
///
/// A region's file is 250 000 PINs a month. Each is hashed (yescrypt at the bill-PIN cost) on
/// the checking thread, a batch at a time on every core, before the writing thread gets it: the
/// write lock is never held for hashing. A PIN the account already has is known by its keyed
/// digest (`PinDigestKey`) without hashing; one stored before digests existed is checked
/// against its hash where that is cheap, else issued again.
final class PinsKind: ImportKindType {
    struct Values: Sendable {
        var account: Int64
        var pin: String
        /// the keyed digest of (account, PIN); nil without a key
        var digest: String?
        /// the active PIN this one was found equal to by its hash (the writing pass)
        var sameAs: Int64?
        /// the new hash, made ahead (the writing pass)
        var hash: String?
    }

    static let kind = ImportKind.pins
    static let columns = [
        ImportColumn("rgk", ["ргк"]), ImportColumn("account", ["лицевой_счет", "лицевой счет", "лс"], required: true),
        ImportColumn("pin", ["пин", "пин-код", "пин код", "pin-код"], required: true),
    ]

    let ctx: ImportContext
    let key: PinDigestKey?
    /// SQLite's statement of `active`, prepared once
    let activePins: Statement?
    static let activeSQL = "SELECT id, pin_hash, source, pin_digest FROM pin WHERE account_id = ? AND state = 'active'"

    init(_ ctx: ImportContext) throws {
        self.ctx = ctx
        // the key is made by the first import of PINs, beside the database file; a server's
        // database has no file beside it to keep one in: there each PIN is checked by its hash
        key = try ctx.sqlite.flatMap { try PinDigestKey.load(database: $0.path, create: true) }
        activePins = try ctx.sqlite?.prepare(Self.activeSQL)
    }

    func lookAhead(_ batch: CheckedBatch<Values>, _ row: inout RowView) throws {
        try ctx.lookAhead(batch, &row, accountColumn: 1)
    }

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
        return Values(account: account, pin: pin, digest: key?.digest(account: account, pin: pin))
    }

    struct Active {
        let id: Int64
        let hash: String
        let fromBill: Bool
        let digest: String?
    }

    private func active(_ account: Int64) throws -> [Active] {
        guard let activePins else {
            return try ctx.db.query(Self.activeSQL, account).map {
                try Active(id: $0.int64("id"), hash: $0.string("pin_hash"), fromBill: $0.string("source") == "bill", digest: $0.optString("pin_digest"))
            }
        }
        activePins.bind(int: account, at: 1)
        defer { activePins.reset() }
        var found: [Active] = []
        while try activePins.step() {
            found.append(Active(id: activePins.int64(at: 0), hash: activePins.text(at: 1) ?? "", fromBill: activePins.text(at: 2) == "bill",
                                digest: activePins.text(at: 3)))
        }
        return found
    }

    /// What the digests alone tell: unchanged, changed, or (nil) only the hash can tell.
    private func byDigest(_ v: Values, _ active: [Active]) -> ImportOutcome? {
        guard active.count == 1, active[0].fromBill else { return active.isEmpty ? .inserted : .updated }
        if let mine = v.digest, let theirs = active[0].digest, theirs.hasPrefix(String(mine.prefix(9))) {
            return mine == theirs ? .unchanged : .updated
        }
        // a hash of the old cost takes 17 ms to check: such a PIN is simply issued again
        return active[0].hash.hasPrefix(Secrets.billPINParameters) ? nil : .updated
    }

    /// The writing pass: what only a hash can tell, and the new hashes, on every core.
    func prepare(_ values: inout [Values?], writing: Bool) throws {
        guard writing else { return }
        var verify: [(index: Int, active: Active)] = []
        var hashes: [Int] = []
        for index in values.indices {
            guard let v = values[index] else { continue }
            let active = try active(v.account)
            switch byDigest(v, active) {
            case .unchanged?: continue
            case nil: verify.append((index, active[0]))
            default: hashes.append(index)
            }
        }
        let same = parallelMap(verify.map { (values[$0.index]!.pin, $0.active.hash) }) { Secrets.verify($0.0, hash: $0.1) }
        for (i, entry) in verify.enumerated() {
            if same[i] { values[entry.index]!.sameAs = entry.active.id } else { hashes.append(entry.index) }
        }
        let made = parallelMap(hashes.map { values[$0]!.pin }) { try? Secrets.hash($0, cost: .billPIN) }
        for (i, index) in hashes.enumerated() { values[index]!.hash = made[i] }
    }

    /// The same PIN again is unchanged; another one replaces it.
    func outcome(_ row: RowView, _ v: Values) throws -> ImportOutcome {
        let active = try active(v.account)
        if let known = byDigest(v, active) { return known }
        if v.sameAs == active[0].id { return .unchanged }
        return Secrets.verify(v.pin, hash: active[0].hash) ? .unchanged : .updated
    }

    func write(_ row: RowView, _ v: Values) throws -> ImportOutcome {
        let outcome = try outcome(row, v)
        guard outcome != .unchanged else { return .unchanged }
        try ctx.db.run("UPDATE pin SET state = 'revoked', revoked_at = ?, revoked_by = 'import' WHERE account_id = ? AND state = 'active'",
                       ctx.now, v.account)
        try ctx.db.run("""
            INSERT INTO pin (account_id, pin_hash, pin_digest, source, state, issued_at, issued_by, import_batch_id)
            VALUES (?, ?, ?, 'bill', 'active', ?, 'rgk', ?)
            """, v.account, try v.hash ?? Secrets.hash(v.pin, cost: .billPIN), v.digest, ctx.now, ctx.batchID)
        return outcome
    }

    func key(_ row: RowView, _ v: Values) -> [SQLBindable?] { [v.account] }
}
