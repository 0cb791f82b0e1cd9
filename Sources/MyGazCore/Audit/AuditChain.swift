/// The audit trail's hash chain (issue 37, item 3): each row carries its place in the chain
/// (`chain_seq`, 1, 2, 3 … without gaps) and `chain_hash`, the SHA-256 of the previous row's hash
/// and of the row's content in the canonical form docs/schema.md states — so a row changed,
/// removed or slipped in afterwards no longer fits, and `db check` and `audit verify` name it.
/// The chain's head (`audit_chain`: the last place and hash) shows rows cut off at the end.
///
/// Who places a row: on SQLite the program, as it inserts (one writer at a time: the head read
/// and written in the same write transaction); on PostgreSQL the server, when the inserting
/// transaction commits (a deferred trigger that holds the head's row lock only from then to the
/// commit: docs/reliability.md). Both compute the same hash for the same row.
///
/// A clerk's free-text reason is the one thing of a person an audit row may hold, and an erasure
/// must be able to take it: the chain covers `reason_digest`, the SHA-256 of a random salt and
/// the text, not the text; an erasure removes the text and the salt, and the chain still
/// verifies while nothing can be recovered from the digest.
public enum AuditChain {
    /// The hash before the first row.
    public static let genesis = String(repeating: "0", count: 64)

    /// What the chain covers of one row, in the order it covers it.
    public struct Link: Sendable, Equatable {
        public var seq: Int64
        public var id: Int64
        public var at: String
        public var operatorLogin: String
        public var action: String
        public var entityType: String
        public var entityID: String?
        public var oldValue: String?
        public var newValue: String?
        public var reasonCode: String?
        public var reasonArgs: String?
        public var reasonDigest: String?

        public init(seq: Int64, id: Int64, at: String, operatorLogin: String, action: String, entityType: String, entityID: String?,
                    oldValue: String?, newValue: String?, reasonCode: String?, reasonArgs: String?, reasonDigest: String?) {
            (self.seq, self.id, self.at, self.operatorLogin, self.action, self.entityType) = (seq, id, at, operatorLogin, action, entityType)
            (self.entityID, self.oldValue, self.newValue) = (entityID, oldValue, newValue)
            (self.reasonCode, self.reasonArgs, self.reasonDigest) = (reasonCode, reasonArgs, reasonDigest)
        }
    }

    // MARK: the canonical form

    /// SHA-256 of `previous` (64 hex digits) followed by each field of `link`: `-` for NULL,
    /// otherwise the number of bytes of its UTF-8 text in decimal, `:`, and the text (numbers in
    /// decimal). Lower-case hex.
    public static func hash(after previous: String, _ link: Link) -> String {
        var message: [UInt8] = []
        message.reserveCapacity(320)
        message.append(contentsOf: previous.utf8)
        field(&message, String(link.seq))
        field(&message, String(link.id))
        field(&message, link.at)
        field(&message, link.operatorLogin)
        field(&message, link.action)
        field(&message, link.entityType)
        field(&message, link.entityID)
        field(&message, link.oldValue)
        field(&message, link.newValue)
        field(&message, link.reasonCode)
        field(&message, link.reasonArgs)
        field(&message, link.reasonDigest)
        return SHA256.hex(message)
    }

    private static func field(_ message: inout [UInt8], _ value: String?) {
        guard let value else { message.append(UInt8(ascii: "-")); return }
        let bytes = value.utf8
        message.append(contentsOf: String(bytes.count).utf8)
        message.append(UInt8(ascii: ":"))
        message.append(contentsOf: bytes)
    }

    /// A new salt for a reason: 128 random bits as 32 hex digits.
    public static func newSalt() -> String { Secrets.token() }

    /// SHA-256 of the salt's hex digits followed by the reason's UTF-8 text.
    public static func reasonDigest(_ reason: String, salt: String) -> String {
        SHA256.hex(Array(salt.utf8) + Array(reason.utf8))
    }

    // MARK: placing rows (an engine whose server does not)

    /// A row to write, before it has an id and a place.
    struct NewRow {
        var at: String
        var operatorLogin: String
        var action: String
        var entityType: String
        var entityID: String?
        var oldValue: String?
        var newValue: String?
        var reason: String?
        var reasonCode: String?
        var reasonArgs: String?

        /// The salt and digest of the reason (nil, nil without one).
        func sealed() -> (salt: String?, digest: String?) {
            guard let reason else { return (nil, nil) }
            let salt = AuditChain.newSalt()
            return (salt, AuditChain.reasonDigest(reason, salt: salt))
        }
    }

    /// Inserts `rows` in order at the chain's end, each with its id, place and hash, and moves
    /// the head; inside the caller's write transaction, where this connection is the one writer.
    static func append(_ db: any Storage, _ rows: [NewRow]) throws {
        guard !rows.isEmpty else { return }
        var (seq, previous) = try head(db)
        var id = (try db.queryOne("SELECT coalesce(max(id), 0) AS id FROM audit")?.int64("id") ?? 0) + 1
        for row in rows {
            seq += 1
            let (salt, digest) = row.sealed()
            let link = Link(seq: seq, id: id, at: row.at, operatorLogin: row.operatorLogin, action: row.action, entityType: row.entityType,
                            entityID: row.entityID, oldValue: row.oldValue, newValue: row.newValue, reasonCode: row.reasonCode,
                            reasonArgs: row.reasonArgs, reasonDigest: digest)
            previous = hash(after: previous, link)
            try db.run("""
                INSERT INTO audit (id, at, operator, action, entity_type, entity_id, old_value, new_value, reason, reason_code, reason_args,
                                   reason_salt, reason_digest, chain_seq, chain_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, id, row.at, row.operatorLogin, row.action, row.entityType, row.entityID, row.oldValue, row.newValue, row.reason,
                row.reasonCode, row.reasonArgs, salt, digest, seq, previous)
            id += 1
        }
        try db.run("""
            INSERT INTO audit_chain (only_row, last_seq, last_hash) VALUES (1, ?, ?)
            ON CONFLICT (only_row) DO UPDATE SET last_seq = excluded.last_seq, last_hash = excluded.last_hash
            """, seq, previous)
    }

    /// The head's place and hash; where the head row is gone, the last placed row's (the chain
    /// goes on, and `verify` says the head was missing until then).
    static func head(_ db: any Storage) throws -> (seq: Int64, hash: String) {
        if let head = try db.queryOne("SELECT last_seq, last_hash FROM audit_chain WHERE only_row = 1") {
            return (try head.int64("last_seq"), try head.string("last_hash"))
        }
        guard let last = try db.queryOne("SELECT chain_seq, chain_hash FROM audit WHERE chain_seq IS NOT NULL ORDER BY chain_seq DESC LIMIT 1") else {
            return (0, genesis)
        }
        return (try last.int64("chain_seq"), try last.string("chain_hash"))
    }

    /// Places every row not yet in the chain, in id order, and sets the head: the migration that
    /// gives an older database its chain (and the salts and digests of its reasons).
    static func chainUnplaced(_ db: any Storage) throws {
        var (seq, previous) = try head(db)
        var placed = 0
        // in parts, so that a large trail is never held whole: each part leaves the unplaced rows
        while true {
            let part = try db.query("""
                SELECT id, at, operator, action, entity_type, entity_id, old_value, new_value, reason, reason_code, reason_args
                FROM audit WHERE chain_seq IS NULL ORDER BY id LIMIT 10000
                """)
            guard !part.isEmpty else { break }
            for row in part {
                seq += 1
                let reason = try row.optString("reason")
                let salt = reason.map { _ in newSalt() }
                let digest = reason.map { reasonDigest($0, salt: salt ?? "") }
                let link = Link(seq: seq, id: try row.int64("id"), at: try row.string("at"), operatorLogin: try row.string("operator"),
                                action: try row.string("action"), entityType: try row.string("entity_type"), entityID: try row.optString("entity_id"),
                                oldValue: try row.optString("old_value"), newValue: try row.optString("new_value"),
                                reasonCode: try row.optString("reason_code"), reasonArgs: try row.optString("reason_args"), reasonDigest: digest)
                previous = hash(after: previous, link)
                try db.run("UPDATE audit SET reason_salt = ?, reason_digest = ?, chain_seq = ?, chain_hash = ? WHERE id = ?",
                           salt, digest, seq, previous, link.id)
                placed += 1
            }
        }
        guard placed > 0 else { return }
        try db.run("""
            INSERT INTO audit_chain (only_row, last_seq, last_hash) VALUES (1, ?, ?)
            ON CONFLICT (only_row) DO UPDATE SET last_seq = excluded.last_seq, last_hash = excluded.last_hash
            """, seq, previous)
    }
}
