/// Past import batches; a running batch whose process is gone is shown as incomplete.
public enum ImportHistory {
    public struct Batch: Sendable {
        public let id: Int64
        public let kind: String
        public let rgk: String?
        public let file: String
        public let status: String
        public let startedAt: String
        public let seconds: Int?
        public let rowsRead: Int
        public let rowsDone: Int
        public let inserted: Int
        public let updated: Int
        public let unchanged: Int
        public let rejected: Int
        public let encoding: String
        public let sha256: String
        public let operatorLogin: String
    }

    /// `scope`: the operator's RGK ids, nil = every RGK (a batch of several RGKs, filed under
    /// none, is every operator's to see, as the portal-wide items are).
    public static func list(_ db: any Storage, rgk: String?, kind: ImportKind?, limit: Int, scope: [Int64]? = nil) throws -> [Batch] {
        let rgkID = try rgk.map { try RGK.id(db, $0) }
        let c = ScopeCondition.rgkOrPortal(db, "b.rgk_id", in: scope)
        return try db.query("""
            SELECT b.id, b.kind, g.code, b.file_name, b.status, b.started_at, b.finished_at, b.rows_read, b.rows_done, b.inserted,
                   b.updated, b.unchanged, b.rejected, b.encoding, b.file_sha256, b.operator, b.pid, b.host
            FROM import_batch b LEFT JOIN rgk g ON g.id = b.rgk_id
            WHERE (CAST(? AS BIGINT) IS NULL OR b.rgk_id = ?) AND (CAST(? AS TEXT) IS NULL OR b.kind = ?) AND \(c.sql)
            ORDER BY b.started_at DESC, b.id DESC LIMIT ?
            """, arguments: [rgkID, rgkID, kind?.rawValue, kind?.rawValue] + c.arguments + [limit]).map { r in
            let stored = try r.string("status"), startedAt = try r.string("started_at")
            let status = try stored == "running" && !ImportLiveness.isAlive(pid: r.optInt("pid"), host: r.optString("host")) ? "incomplete" : stored
            let seconds = try r.optString("finished_at").flatMap(Timestamp.parse).flatMap { end in Timestamp.parse(startedAt).map { Int(end - $0) } }
            return try Batch(id: r.int64("id"), kind: r.string("kind"), rgk: r.optString("code"), file: r.string("file_name"), status: status,
                             startedAt: startedAt, seconds: seconds, rowsRead: r.int("rows_read"), rowsDone: r.int("rows_done"),
                             inserted: r.int("inserted"), updated: r.int("updated"), unchanged: r.int("unchanged"), rejected: r.int("rejected"),
                             encoding: r.string("encoding"), sha256: r.string("file_sha256"), operatorLogin: r.string("operator"))
        }
    }
}
