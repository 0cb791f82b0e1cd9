/// `audit verify` and the chain's part of `db check`: every row recomputed in chain order from
/// the row before it, in one read snapshot, and the first row that does not fit named with what
/// is wrong — judged by the row after it (or the head), which still holds the original hash.
extension AuditChain {
    /// What is wrong where the chain breaks.
    public enum FaultKind: String, Sendable {
        /// the row's content no longer gives its hash, and the next row still chains to that hash
        case contentChanged = "content_changed"
        /// the row's stored hash was replaced: its content gives the hash the next row chains to
        case hashEdited = "hash_edited"
        /// a reason's text no longer gives the digest the chain covers
        case reasonChanged = "reason_changed"
        /// places in the chain are empty before this row (`count` of them)
        case rowsMissing = "rows_missing"
        /// the row was slipped in: the rows around it chain to each other without it
        case rowInserted = "row_inserted"
        /// the row has no place in the chain (written with the chain's triggers off)
        case notInChain = "not_in_chain"
        /// the chain's head is further on than the last row: the last rows were deleted
        case lastRowsMissing = "last_rows_missing"
        /// the head's hash is not the last row's, or the head row is gone
        case headDiffers = "head_differs"
        /// the row does not fit, and neither its neighbours nor the head tell why
        case doesNotFit = "does_not_fit"
    }

    /// The first place the chain breaks.
    public struct Fault: Sendable, Equatable, CustomStringConvertible {
        public let kind: FaultKind
        /// the row that does not fit; for `rowsMissing` the row after the gap, for
        /// `lastRowsMissing` the last row there is
        public let id: Int64?
        /// the row before the gap (`rowsMissing`), nil at the chain's start
        public let after: Int64?
        /// how many places are empty (`rowsMissing`, `lastRowsMissing`)
        public let count: Int64

        init(_ kind: FaultKind, _ id: Int64?, after: Int64? = nil, count: Int64 = 0) {
            (self.kind, self.id, self.after, self.count) = (kind, id, after, count)
        }

        /// In English, for `db check`'s list and `--format json` (the CLI says it in the reader's language).
        public var description: String {
            let row = id.map { "audit row \($0)" } ?? "the audit"
            switch kind {
            case .contentChanged: return "\(row) does not fit the hash chain: its content was changed after it was written"
            case .hashEdited: return "\(row) does not fit the hash chain: its stored hash was edited"
            case .reasonChanged: return "\(row): its reason's text does not match the digest the hash chain covers (changed after it was written)"
            case .rowsMissing:
                return "\(count) audit row(s) missing from the hash chain " + (after.map { "between row \($0) and row \(id ?? 0)" } ?? "before row \(id ?? 0)")
            case .rowInserted: return "\(row) was inserted into the hash chain: the rows around it chain to each other without it"
            case .notInChain: return "\(row) is not in the hash chain: it was written around the program, which places every row it writes"
            case .lastRowsMissing: return "\(count) audit row(s) missing at the end, after \(row): the chain's head is further on"
            case .headDiffers: return "the hash chain's head does not match \(row), the last one: the head or the row was edited"
            case .doesNotFit: return "\(row) does not fit the hash chain: it, or the rows before it, were changed after they were written"
            }
        }
    }

    /// What a verification went through, and the first fault.
    public struct Verification: Sendable {
        /// rows recomputed
        public let rows: Int
        public let firstID: Int64?
        public let lastID: Int64?
        /// the hash the verified rows end with (the head's, when they verify to the end)
        public let lastHash: String?
        public let fault: Fault?
        public var ok: Bool { fault == nil }
    }

    /// One row as the verification reads it (a class: handed around without copying its texts).
    final class Entry {
        let link: Link
        let reason: String?
        let salt: String?
        let stored: String

        init(_ row: Row) throws {
            link = Link(seq: try row.int64("chain_seq"), id: try row.int64("id"), at: try row.string("at"),
                        operatorLogin: try row.string("operator"), action: try row.string("action"),
                        entityType: try row.string("entity_type"), entityID: try row.optString("entity_id"),
                        oldValue: try row.optString("old_value"), newValue: try row.optString("new_value"),
                        reasonCode: try row.optString("reason_code"), reasonArgs: try row.optString("reason_args"),
                        reasonDigest: try row.optString("reason_digest"))
            reason = try row.optString("reason")
            salt = try row.optString("reason_salt")
            stored = try row.optString("chain_hash") ?? ""
        }

        /// The reason is the one the chain covers, or was erased (text and salt gone, digest kept).
        var reasonFits: Bool {
            switch (reason, salt, link.reasonDigest) {
            case (nil, nil, _): return true
            case let (reason?, salt?, digest?): return AuditChain.reasonDigest(reason, salt: salt) == digest
            default: return false
            }
        }

        /// The row's content as it would be at another place.
        func at(_ seq: Int64) -> Link {
            var moved = link
            moved.seq = seq
            return moved
        }
    }

    /// The chain's rows from place `from` on, a part at a time (a large trail is never held whole).
    final class Walk {
        private let db: any Storage
        private var next: Int64
        private var part: [Entry] = []
        private var index = 0
        private var done = false
        static let partSize = 20_000

        init(_ db: any Storage, from: Int64) { (self.db, self.next) = (db, from) }

        func peek() throws -> Entry? {
            if index == part.count {
                guard !done else { return nil }
                part = try db.query("""
                    SELECT id, at, operator, action, entity_type, entity_id, old_value, new_value, reason, reason_code, reason_args,
                           reason_salt, reason_digest, chain_seq, chain_hash
                    FROM audit WHERE chain_seq >= ? ORDER BY chain_seq, id LIMIT ?
                    """, next, Self.partSize).map(Entry.init)
                index = 0
                done = part.count < Self.partSize
                guard let last = part.last else { return nil }
                next = last.link.seq + 1
            }
            return part[index]
        }

        func pop() throws -> Entry? {
            let entry = try peek()
            if entry != nil { index += 1 }
            return entry
        }
    }

    /// Recomputes the chain — the whole of it, or from the first row written on or after `since`
    /// (an ISO timestamp) on, starting from the stored hash of the row before (that row recomputed
    /// too, from the one before it) — in one snapshot.
    public static func verify(_ db: any Storage, since: String? = nil) throws -> Verification {
        try db.read {
            let headRow = try db.queryOne("SELECT last_seq, last_hash FROM audit_chain WHERE only_row = 1")
            let head: (seq: Int64, hash: String)? = try headRow.map { (try $0.int64("last_seq"), try $0.string("last_hash")) }
            var first: Int64 = 1
            if let since {
                // from the first row of that date on; with none, nothing to count after the last row
                first = try db.queryOne("SELECT min(chain_seq) AS seq FROM audit WHERE at >= ?", since)?.optInt64("seq")
                    ?? (try db.queryOne("SELECT coalesce(max(chain_seq), 0) + 1 AS seq FROM audit")?.int64("seq") ?? 1)
            }
            // the row before the first is recomputed too (not counted): its hash is where the first
            // row's is computed from, and an edit of it is told apart from one of the first row
            let start = max(1, first - 1)
            // the row before the start, as stored: where the walk takes its first hash from
            var expected: Int64 = 1, previous = genesis, previousID: Int64?
            if start > 1, let before = try db.queryOne("""
                SELECT id, chain_seq, chain_hash FROM audit WHERE chain_seq < ? ORDER BY chain_seq DESC LIMIT 1
                """, start) {
                expected = try before.int64("chain_seq") + 1
                previous = try before.optString("chain_hash") ?? ""
                previousID = try before.int64("id")
            }
            var beforePrevious: String?
            var rows = 0, firstID: Int64?
            let walk = Walk(db, from: start)
            while let entry = try walk.pop() {
                let link = entry.link
                let seen = Verification(rows: rows, firstID: firstID, lastID: previousID, lastHash: previous, fault: nil)
                if link.seq > expected {
                    return seen.with(Fault(.rowsMissing, link.id, after: previousID, count: link.seq - expected))
                }
                if link.seq < expected || (head.map { link.seq > $0.seq } ?? false) {
                    return seen.with(Fault(.rowInserted, link.id))
                }
                let computed = hash(after: previous, link)
                guard computed == entry.stored else {
                    return seen.with(why(entry, computed: computed, previous: previous, beforePrevious: beforePrevious,
                                         previousID: previousID, next: try walk.peek(), head: head))
                }
                guard entry.reasonFits else { return seen.with(Fault(.reasonChanged, link.id)) }
                if link.seq >= first {
                    rows += 1
                    firstID = firstID ?? link.id
                }
                beforePrevious = previous
                previous = entry.stored
                previousID = link.id
                expected += 1
            }
            let walked = Verification(rows: rows, firstID: firstID, lastID: previousID, lastHash: previous, fault: nil)
            return try finish(db, walked, head: head, lastSeq: expected - 1)
        }
    }

    /// Why `entry` does not fit: its neighbours, which still hold the original hashes, tell.
    private static func why(_ entry: Entry, computed: String, previous: String, beforePrevious: String?, previousID: Int64?,
                            next: Entry?, head: (seq: Int64, hash: String)?) -> Fault {
        let id = entry.link.id
        // the row before was slipped in: this one fits right after the row before that, one place back
        if let beforePrevious, hash(after: beforePrevious, entry.at(entry.link.seq - 1)) == entry.stored {
            return Fault(.rowInserted, previousID)
        }
        if let next {
            if hash(after: entry.stored, next.link) == next.stored { return Fault(.contentChanged, id) }
            if hash(after: computed, next.link) == next.stored { return Fault(.hashEdited, id) }
            // the next row fits right after the previous one, at this row's place: this one was slipped in
            if hash(after: previous, next.at(next.link.seq - 1)) == next.stored { return Fault(.rowInserted, id) }
            // this row and the next chain to each other one place further on: a row before them was taken out and the places closed up
            if hash(after: entry.stored, next.at(next.link.seq + 1)) == next.stored { return Fault(.rowsMissing, id, after: previousID, count: 1) }
        } else if let head {
            if head.seq == entry.link.seq && head.hash == entry.stored { return Fault(.contentChanged, id) }
            if head.seq == entry.link.seq && head.hash == computed { return Fault(.hashEdited, id) }
            if head.seq == entry.link.seq - 1 && head.hash == previous { return Fault(.rowInserted, id) }
        }
        return Fault(.doesNotFit, id)
    }

    /// After the walk to the chain's end: a row with no place, then the head against the last row.
    private static func finish(_ db: any Storage, _ walked: Verification, head: (seq: Int64, hash: String)?, lastSeq: Int64) throws -> Verification {
        // through the index of places (its NULLs), not a walk of every id
        if let stray = try db.queryOne("SELECT min(id) AS id FROM audit WHERE chain_seq IS NULL")?.optInt64("id") {
            return walked.with(Fault(.notInChain, stray))
        }
        guard let head else { return walked.with(Fault(.headDiffers, walked.lastID)) }
        if head.seq > lastSeq { return walked.with(Fault(.lastRowsMissing, walked.lastID, count: head.seq - lastSeq)) }
        if head.hash != (walked.lastHash ?? genesis) { return walked.with(Fault(.headDiffers, walked.lastID)) }
        return walked
    }
}

extension AuditChain.Verification {
    /// The fault in words a person reads (`database` as shown), and the exit status 8.
    public func error(database: String) -> MyGazError {
        guard let fault else { preconditionFailure("a verification that holds has no error") }
        let row = MessageArg.text(fault.id.map(String.init) ?? "—")
        switch fault.kind {
        case .contentChanged: return MyGazError(.database, .auditRowChanged, .text(database), row)
        case .hashEdited: return MyGazError(.database, .auditRowHashEdited, .text(database), row)
        case .reasonChanged: return MyGazError(.database, .auditRowReasonChanged, .text(database), row)
        case .rowsMissing:
            guard let after = fault.after else { return MyGazError(.database, .auditRowsMissingAtStart, .text(database), row, .int(Int(fault.count))) }
            return MyGazError(.database, .auditRowsMissing, .text(database), .text(String(after)), row, .int(Int(fault.count)))
        case .rowInserted: return MyGazError(.database, .auditRowInserted, .text(database), row)
        case .notInChain: return MyGazError(.database, .auditRowNotInChain, .text(database), row)
        case .lastRowsMissing: return MyGazError(.database, .auditLastRowsMissing, .text(database), row, .int(Int(fault.count)))
        case .headDiffers: return MyGazError(.database, .auditChainHeadDiffers, .text(database), row)
        case .doesNotFit: return MyGazError(.database, .auditRowDoesNotFit, .text(database), row)
        }
    }

    func with(_ fault: AuditChain.Fault) -> AuditChain.Verification {
        AuditChain.Verification(rows: rows, firstID: firstID, lastID: lastID, lastHash: lastHash, fault: fault)
    }
}
