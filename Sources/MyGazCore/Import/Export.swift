import Foundation

/// Decided readings written back in the RGK's own dialect: `;`, Russian headers, DD.MM.YYYY.
public enum ReadingExport {
    public struct Filter: Sendable {
        public var rgk: String
        public var statuses: [ReadingStatus] = [.accepted]
        public var since: Int64?
        public var until: Int64?
        public init(rgk: String) { self.rgk = rgk }
    }

    public struct Row: Sendable {
        public let id: Int64
        public let rgk: String
        public let account: String
        public let serial: String
        public let date: String
        public let value: Int64
        public let status: String
        public let reason: String?
        public let decidedAt: String
        public let decidedBy: String?
        public let source: String
    }

    public static let header = ["РГК", "Лицевой счет", "Заводской номер", "Дата", "Показание", "Состояние", "Причина", "Дата решения", "Источник"]

    /// Calls `body` for each decided reading, oldest decision first; marks nothing.
    public static func forEach(_ db: any Storage, _ filter: Filter, _ body: (Row) throws -> Void) throws {
        let rgkID = try RGK.id(db, filter.rgk)
        let statuses = filter.statuses.map(\.rawValue)
        try db.read {
            try db.eachRow("""
                SELECT r.id, g.code, a.number, m.serial, r.reading_date, r.value, r.status, r.reason, r.decided_at, r.decided_by, r.source
                FROM reading r JOIN meter m ON m.id = r.meter_id JOIN account a ON a.id = m.account_id JOIN rgk g ON g.id = a.rgk_id
                WHERE r.source <> 'rgk' AND r.status <> 'pending' AND r.decided_at >= ? AND r.decided_at < ?
                  AND \(db.sql.noIndex("a.rgk_id")) = ? AND \(db.sql.isIn("r.status", of: .text))
                ORDER BY r.decided_at, r.id
                """, arguments: [filter.since.map(Timestamp.iso) ?? "", filter.until.map(Timestamp.iso) ?? "9999",
                                 rgkID, SQLList(texts: statuses)]) { r in
                try body(Row(id: r.int64("id"), rgk: r.string("code"), account: r.string("number"), serial: r.string("serial"),
                             date: r.string("reading_date"), value: r.int64("value"), status: r.string("status"), reason: r.optString("reason"),
                             decidedAt: r.string("decided_at"), decidedBy: r.optString("decided_by"), source: r.string("source")))
            }
        }
    }

    /// Marks readings as handed to the RGK's billing: from then on a decision on them stands
    /// (`reading reopen` refuses). Audited with the count; the ids are in the file.
    public static func markExported(_ session: Session, _ ids: [Int64], rgk: String) throws {
        guard !ids.isEmpty else { return }
        try session.db.write {
            for start in stride(from: 0, to: ids.count, by: 10_000) {
                try session.db.run("UPDATE reading SET exported_at = ? WHERE \(session.db.sql.isIn("id")) AND exported_at IS NULL",
                                   session.now, SQLList(ids[start..<min(start + 10_000, ids.count)]))
            }
            try session.audit("export.readings", .rgk, rgk, new: "\(ids.count) reading(s) exported")
        }
    }

    /// One line of the RGK's CSV for a row.
    public static func fields(_ r: Row) -> [String] {
        let day = Day(iso: r.date)?.russian ?? r.date
        let decided = Timestamp.parse(r.decidedAt).map { Day(epochSeconds: $0 + Timestamp.localOffset(at: $0)).russian } ?? r.decidedAt
        return [r.rgk, r.account, r.serial, day, String(r.value), Labels.label(.readingStatus, r.status, russian: true),
                r.reason.map { Labels.label(.readingReason, $0, russian: true) } ?? "", decided,
                r.source == "portal" ? "личный кабинет" : (r.source == "phone" ? "телефон" : r.source)]
    }

}

extension TextEncoding {
    /// UTF-8 text as Windows-1251; what it cannot hold becomes '?'.
    public static func cp1251(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar.value < 0x80 { out.append(UInt8(scalar.value)) } else if let b = cp1251Reverse[scalar.value] { out.append(b) } else { out.append(63) }
        }
        return out
    }

    static let cp1251Reverse: [UInt32: UInt8] = {
        var map: [UInt32: UInt8] = [:]
        for (i, u) in cp1251High.enumerated() where u != 0xFFFD { map[UInt32(u)] = UInt8(0x80 + i) }
        return map
    }()
}
