import Foundation
import Testing

extension E2E {
    /// Everything the database holds that a reader outside the program can get at, as bytes, for
    /// tests that prove a value is gone (an erased customer, a PIN no longer owed).
    ///
    /// On SQLite: the file and its WAL, byte for byte — free pages and old versions of rows too.
    /// On PostgreSQL: every value of every text, JSON and bytea column of every row of every
    /// table, read through psql (bytea as hex, turned back into its bytes). What the server keeps
    /// beyond its rows — old row versions until VACUUM prunes them, index entries, the WAL until
    /// it is recycled, backups and archives — no SQL reads; it is the server's and its
    /// administrator's (docs/schema.md, Erasure).
    func storedBytes() -> [UInt8] {
        switch engine {
        case .sqlite:
            return [db, db + "-wal"].flatMap { FileManager.default.contents(atPath: $0).map { [UInt8]($0) } ?? [] }
        case .postgresql:
            let columns = sql("""
                SELECT table_name || '|' || column_name || '|' || data_type FROM information_schema.columns
                WHERE table_schema = current_schema() AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'bytea')
                ORDER BY table_name, ordinal_position
                """).split(separator: "\n").map { $0.split(separator: "|").map(String.init) }
            precondition(columns.count > 20, "the database has no tables to read")
            let text = columns.filter { $0[2] != "bytea" }
                .map { "SELECT CAST(\"\($0[1])\" AS TEXT) AS v FROM \"\($0[0])\" WHERE \"\($0[1])\" IS NOT NULL" }
            let binary = columns.filter { $0[2] == "bytea" }
                .map { "SELECT encode(\"\($0[1])\", 'hex') AS v FROM \"\($0[0])\" WHERE \"\($0[1])\" IS NOT NULL" }
            var bytes = Array(sql(text.joined(separator: " UNION ALL ")).utf8)
            if !binary.isEmpty {
                for line in sql(binary.joined(separator: " UNION ALL ")).split(separator: "\n") {
                    bytes.append(0x0A)
                    var digits = line.utf8.makeIterator()
                    while let high = digits.next(), let low = digits.next() {
                        bytes.append(UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)!)
                    }
                }
            }
            return bytes
        }
    }

    /// Whether `value`'s bytes are anywhere in `storedBytes()`.
    func stores(_ value: String) -> Bool {
        !value.isEmpty && Data(storedBytes()).range(of: Data(value.utf8)) != nil
    }
}

extension E2E {
    /// Every row of every table, to compare a database before and after what must change
    /// nothing: sqlite3's `.dump` of the file; on PostgreSQL each row as psql writes it whole,
    /// after its table's name, sorted.
    func everyRow() -> String {
        switch engine {
        case .sqlite:
            return E2E.exec("/usr/bin/sqlite3", [db, ".dump"]).stdout
        case .postgresql:
            let tables = sql("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")
                .split(separator: "\n")
            precondition(tables.count > 20, "the database has no tables to read")
            return sql(tables.map { "SELECT '\($0) ' || CAST(k AS TEXT) AS r FROM \"\($0)\" AS k" }.joined(separator: " UNION ALL ") + " ORDER BY r")
        }
    }
}
