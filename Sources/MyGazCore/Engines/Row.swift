/// One result row, detached from its statement, read by column name (GRDB's `row["login"]`,
/// postgres-nio's decoding by name): a column that is not in the result, or a NULL read into a
/// non-optional, is an error — never a silent `""` or `0`. Values are `SQLValue`s whatever the
/// engine; the names are shared by every row of one result.
///
/// The positional readers (`int64(0)`, `string(1)`: a NULL reads as 0 or "") are the rooms' old
/// way, left while they move to names (`SeamSourceTests` counts them down).
public struct Row: Sendable {
    /// The columns of one result: their names in order, and where the rows came from (for errors).
    public final class Columns: Sendable {
        public let names: [String]
        let index: [String: Int]
        /// The database as a person may see it (a path, or an address with the password masked).
        let source: String

        public init(_ names: [String], source: String) {
            self.names = names
            self.source = source
            var index: [String: Int] = [:]
            // the first of two columns with one name wins, as in SQL's own resolution
            for (i, name) in names.enumerated() where index[name] == nil { index[name] = i }
            self.index = index
        }
    }

    public let columns: Columns
    public let values: [SQLValue]

    public init(columns: Columns, values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    /// A row of values with no names (an engine's scalar, a test's fixture).
    public init(_ values: [SQLValue]) {
        self.columns = Columns((0..<values.count).map { "column\($0 + 1)" }, source: "")
        self.values = values
    }

    /// The value of column `name`, NULL included; an error when the result has no such column.
    public func value(_ name: String) throws -> SQLValue {
        guard let i = columns.index[name] else {
            throw EngineError(.other, server: columns.source, message: "the result has no column \(name) (it has \(columns.names.joined(separator: ", ")))")
        }
        return values[i]
    }

    public subscript(_ position: Int) -> SQLValue { values[position] }

    // MARK: by position, NULL as 0 or "" (the old way)

    public func int(_ i: Int) -> Int { values[i].int ?? 0 }
    public func int64(_ i: Int) -> Int64 { values[i].int64 ?? 0 }
    public func optInt(_ i: Int) -> Int? { values[i].int }
    public func optInt64(_ i: Int) -> Int64? { values[i].int64 }
    public func string(_ i: Int) -> String { values[i].string ?? "" }
    public func optString(_ i: Int) -> String? { values[i].string }
    public func double(_ i: Int) -> Double { values[i].double ?? 0 }
    public func optDouble(_ i: Int) -> Double? { values[i].double }
    public func bool(_ i: Int) -> Bool { (values[i].int64 ?? 0) != 0 }
    public func bytes(_ i: Int) -> [UInt8] { values[i].bytes ?? [] }

    // MARK: non-optional: NULL is an error

    public func int64(_ name: String) throws -> Int64 { try required(name, try optInt64(name)) }
    public func int(_ name: String) throws -> Int { try required(name, try optInt(name)) }
    public func string(_ name: String) throws -> String { try required(name, try optString(name)) }
    public func double(_ name: String) throws -> Double { try required(name, try optDouble(name)) }
    public func bool(_ name: String) throws -> Bool { try required(name, try optBool(name)) }
    public func bytes(_ name: String) throws -> [UInt8] { try required(name, try optBytes(name)) }

    // MARK: optional: NULL is nil, a value of another kind still an error

    public func optInt64(_ name: String) throws -> Int64? {
        switch try value(name) {
        case .null: return nil
        case .integer(let v): return v
        case .real(let v) where v.rounded() == v && abs(v) < 9.2e18: return Int64(v)
        case let other: throw mismatch(name, other, "a whole number")
        }
    }

    public func optInt(_ name: String) throws -> Int? { try optInt64(name).map { Int($0) } }

    public func optString(_ name: String) throws -> String? {
        switch try value(name) {
        case .null: return nil
        case .text(let s): return s
        case let other: throw mismatch(name, other, "text")
        }
    }

    public func optDouble(_ name: String) throws -> Double? {
        switch try value(name) {
        case .null: return nil
        case .real(let v): return v
        case .integer(let v): return Double(v)
        case let other: throw mismatch(name, other, "a number")
        }
    }

    /// 0 or 1 (SQLite's flags, PostgreSQL's booleans).
    public func optBool(_ name: String) throws -> Bool? {
        switch try value(name) {
        case .null: return nil
        case .integer(let v) where v == 0 || v == 1: return v == 1
        case let other: throw mismatch(name, other, "0 or 1")
        }
    }

    public func optBytes(_ name: String) throws -> [UInt8]? {
        switch try value(name) {
        case .null: return nil
        case .blob(let b): return b
        case let other: throw mismatch(name, other, "bytes")
        }
    }

    private func required<T>(_ name: String, _ value: T?) throws -> T {
        guard let value else {
            throw EngineError(.schemaMismatch, server: columns.source, message: "column \(name) is NULL where a value must be")
        }
        return value
    }

    private func mismatch(_ name: String, _ value: SQLValue, _ wanted: String) -> EngineError {
        let kind: String
        switch value {
        case .null: kind = "NULL"
        case .integer: kind = "a whole number"
        case .real: kind = "a fraction"
        case .text: kind = "text"
        case .blob: kind = "bytes"
        }
        return EngineError(.schemaMismatch, server: columns.source, message: "column \(name) holds \(kind) where \(wanted) must be")
    }
}
