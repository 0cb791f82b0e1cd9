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

    public static func list(_ db: any Storage, rgk: String?, kind: ImportKind?, limit: Int) throws -> [Batch] {
        let rgkID = try rgk.map { try RGK.id(db, $0) }
        return try db.query("""
            SELECT b.id, b.kind, g.code, b.file_name, b.status, b.started_at, b.finished_at, b.rows_read, b.rows_done, b.inserted,
                   b.updated, b.unchanged, b.rejected, b.encoding, b.file_sha256, b.operator, b.pid, b.host
            FROM import_batch b LEFT JOIN rgk g ON g.id = b.rgk_id
            WHERE (?1 IS NULL OR b.rgk_id = ?1) AND (?2 IS NULL OR b.kind = ?2)
            ORDER BY b.started_at DESC, b.id DESC LIMIT ?3
            """, rgkID, kind?.rawValue, limit).map { r in
            let running = r.string(4) == "running"
            let status = running && !ImportLiveness.isAlive(pid: r.optInt(16), host: r.optString(17)) ? "incomplete" : r.string(4)
            let seconds = r.optString(6).flatMap(Timestamp.parse).flatMap { end in Timestamp.parse(r.string(5)).map { Int(end - $0) } }
            return Batch(id: r.int64(0), kind: r.string(1), rgk: r.optString(2), file: r.string(3), status: status, startedAt: r.string(5),
                         seconds: seconds, rowsRead: r.int(7), rowsDone: r.int(8), inserted: r.int(9), updated: r.int(10),
                         unchanged: r.int(11), rejected: r.int(12), encoding: r.string(13), sha256: r.string(14), operatorLogin: r.string(15))
        }
    }
}
