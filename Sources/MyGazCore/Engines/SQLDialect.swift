/// Where the two engines' SQL differs, said once by the rooms and rendered by each engine
/// (vapor/sql-kit's `SQLDialect`, Django's per-backend `DatabaseOperations`). A room writes
/// `db.sql.contains(db.sql.fold("t.sender_name"))` and never `instr(fold(…), ?) > 0`:
/// `SeamSourceTests` reads the rooms for SQLite's own constructs.
///
/// Everything else the rooms write is the SQL both engines read alike: `?` placeholders (each
/// engine numbers them its way), `coalesce`, `||`, `CASE`, `ON CONFLICT … DO UPDATE`,
/// `RETURNING`, `LIMIT ?`, `CAST(x AS BIGINT)`.
public struct SQLDialect: Sendable, Equatable {
    public enum Engine: String, Sendable {
        case sqlite, postgresql
    }

    public let engine: Engine

    public init(_ engine: Engine) { self.engine = engine }

    /// What a list bound as one value (`SQLList`) holds.
    public enum ListElement: Sendable {
        case integer, text
    }

    // MARK: text

    /// `expr` as search compares it: lower case, ё as е (`Database.fold` on SQLite, the
    /// `mygaz_fold` function of the schema on PostgreSQL: the same rule).
    public func fold(_ expr: String) -> String {
        switch engine {
        case .sqlite: return "fold(\(expr))"
        case .postgresql: return "mygaz_fold(\(expr))"
        }
    }

    /// True where text `needle` (a placeholder or an expression) occurs in `haystack`.
    public func contains(_ haystack: String, _ needle: String = "?") -> String {
        switch engine {
        case .sqlite: return "instr(\(haystack), \(needle)) > 0"
        case .postgresql: return "strpos(\(haystack), \(needle)) > 0"
        }
    }

    /// True where `expr` begins with text `prefix` (a placeholder or an expression); no wildcard
    /// in the prefix means anything.
    public func hasPrefix(_ expr: String, _ prefix: String = "?") -> String {
        switch engine {
        case .sqlite: return "instr(\(expr), \(prefix)) = 1"
        case .postgresql: return "starts_with(\(expr), \(prefix))"
        }
    }

    /// `values` joined with `separator` (a literal), in no promised order.
    public func joined(_ values: String, separator: String) -> String {
        let quoted = "'" + separator.replacingOccurrences(of: "'", with: "''") + "'"
        switch engine {
        case .sqlite: return "group_concat(\(values), \(quoted))"
        case .postgresql: return "string_agg(CAST(\(values) AS text), \(quoted))"
        }
    }

    // MARK: lists

    /// True where `expr` is one of the list bound at `placeholder` (an `SQLList`).
    public func isIn(_ expr: String, list placeholder: String = "?", of element: ListElement = .integer) -> String {
        "\(expr) IN (\(listValues(placeholder, of: element)))"
    }

    /// The values of the list bound at `placeholder`, as a subquery of one column `value`.
    public func listValues(_ placeholder: String = "?", of element: ListElement = .integer) -> String {
        switch engine {
        case .sqlite:
            return "SELECT value FROM json_each(\(placeholder))"
        case .postgresql:
            let type = element == .integer ? "bigint" : "text"
            return "SELECT CAST(value AS \(type)) AS value FROM json_array_elements_text(CAST(\(placeholder) AS json)) AS l(value)"
        }
    }

    // MARK: concurrency

    /// After a `SELECT` in a write: the rows read stay as read until the transaction ends
    /// (PostgreSQL's `FOR UPDATE`; SQLite lets one writer in at a time, which is the same).
    public var lockingRows: String {
        switch engine {
        case .sqlite: return ""
        case .postgresql: return "FOR UPDATE"
        }
    }

    // MARK: the planner

    /// A join the planner must take in the written order (SQLite's CROSS JOIN; PostgreSQL plans
    /// joins itself).
    public var joinInOrder: String {
        switch engine {
        case .sqlite: return "CROSS JOIN"
        case .postgresql: return "JOIN"
        }
    }

    /// Ends an `EXISTS` subquery that probes a few rows by a key of the outer row, so that it stays
    /// a probe per row. PostgreSQL turns such a subquery into a hash of every row it could find
    /// (all of a scope's accounts: 20 000 at 100 000 accounts, a million at 5M) when it expects
    /// many outer rows, before the LIMIT that would stop after fifty; an `OFFSET 0` keeps it as
    /// written (the planner neither simplifies nor hashes it). SQLite probes anyway.
    public var probeEachRow: String {
        switch engine {
        case .sqlite: return ""
        case .postgresql: return " OFFSET 0"
        }
    }

    /// `expr` where the planner must not use an index on it (SQLite's unary `+`).
    public func noIndex(_ expr: String) -> String {
        switch engine {
        case .sqlite: return "+" + expr
        case .postgresql: return expr
        }
    }

    /// After a table's name: read it through `index` (SQLite's INDEXED BY; PostgreSQL chooses).
    public func indexedBy(_ index: String) -> String {
        switch engine {
        case .sqlite: return "INDEXED BY \(index)"
        case .postgresql: return ""
        }
    }

    // MARK: Status (the queue counters)

    /// The statement that, inside a write, keeps every other writer out of `tables` until the
    /// transaction ends while they may still be read (PostgreSQL's `LOCK TABLE … IN SHARE MODE`,
    /// which waits for the writers already in them); nil where one writer at a time is the
    /// engine's own rule (SQLite).
    public func holdingWritersOut(of tables: [String]) -> String? {
        var unique: [String] = []
        for table in tables where !unique.contains(table) { unique.append(table) }
        switch engine {
        case .sqlite: return nil
        case .postgresql: return "LOCK TABLE \(unique.joined(separator: ", ")) IN SHARE MODE"
        }
    }

    // MARK: people (Users, Accounts)

    /// The last `count` characters of text `expr` (all of it when shorter).
    public func lastCharacters(_ expr: String, _ count: Int) -> String {
        switch engine {
        case .sqlite: return "substr(\(expr), -\(count))"
        case .postgresql: return "right(\(expr), \(count))"
        }
    }

    /// The rows of `portal_user` with a login, e-mail or phone not in its normal form (`Spellings`):
    /// the predicate of each engine's partial index `portal_user_unnormalised` (the SQLite schema
    /// and `PGSchema` are made from it), so that a query with it reads that small index.
    public var unnormalisedUser: String {
        switch engine {
        case .sqlite:
            let mobile = "'+79[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]'"
            return """
                login_kind <> 'erased' AND (NOT (login GLOB \(mobile) OR (instr(login, '@') > 0 AND login = lower(trim(login))))
                OR (email IS NOT NULL AND email <> lower(trim(email))) OR (phone IS NOT NULL AND NOT phone GLOB \(mobile)))
                """
        case .postgresql:
            let mobile = #"'^\+79[0-9]{9}$'"#
            return """
                login_kind <> 'erased' AND (NOT (login ~ \(mobile) OR (strpos(login, '@') > 0 AND login = lower(trim(login))))
                OR (email IS NOT NULL AND email <> lower(trim(email))) OR (phone IS NOT NULL AND phone !~ \(mobile)))
                """
        }
    }

    /// A condition on `portal_user`: the rows `unnormalisedUser` names, of the operator's RGKs. On
    /// PostgreSQL through a function run as the schema's owner (`PGRoles.searchFunctions`): its
    /// regular expressions are not leakproof, so under the row policies the partial index could
    /// not be read and every user would be.
    public var unnormalisedUserRows: String {
        switch engine {
        case .sqlite: return unnormalisedUser
        case .postgresql: return "id IN (SELECT mygaz_unnormalised_users())"
        }
    }

    /// The portal users waiting for their confirmation of the RGKs `scope` (`c`, the program's
    /// rule of them), as `n` and `oldest`. On PostgreSQL through a function run as the schema's
    /// owner (`PGRoles.unconfirmedUsersFunction`), which keeps the row policies' rule itself.
    public func unconfirmedUsers(_ c: ScopeCondition, scope: [Int64]) -> (sql: String, arguments: [SQLBindable?]) {
        switch engine {
        case .sqlite:
            return ("SELECT count(*) AS n, min(registered_at) AS oldest FROM portal_user WHERE status = 'pending' AND \(c.sql)", c.arguments)
        case .postgresql:
            return ("SELECT n, oldest FROM mygaz_unconfirmed_users(CAST(? AS bigint[]))",
                    [PGRoles.array(scope)])
        }
    }

    /// The whole number written in the text `expr`, NULL when it is none (an audit row's entity
    /// id, text for every kind of entity): PostgreSQL's CAST would fail on other text.
    public func integer(ofText expr: String) -> String {
        switch engine {
        case .sqlite: return "CASE WHEN \(expr) GLOB '[0-9]*' AND \(expr) NOT GLOB '*[^0-9]*' THEN CAST(\(expr) AS INTEGER) END"
        case .postgresql: return "CASE WHEN \(expr) ~ '^[0-9]{1,18}$' THEN CAST(\(expr) AS bigint) END"
        }
    }

    // MARK: Audit

    /// Who gives a new audit row its place and hash in the chain (`AuditChain`): on PostgreSQL
    /// the server, when the inserting transaction commits (a deferred trigger, so that writers
    /// wait on each other only for their commits); on SQLite the program, as it inserts.
    public var chainsAuditAtCommit: Bool { engine == .postgresql }

    // MARK: secrets (PGRoles: on PostgreSQL no clerk or support reads a hash column)

    /// A query whose one column `pin_hash` is the active PINs' hashes of the account bound at its
    /// first `?`, as of the time bound at its second: on PostgreSQL through a function that reads
    /// one account's, since the pin table's hashes are unreadable to clerks.
    public var activePinHashes: String {
        switch engine {
        case .sqlite:
            return "SELECT pin_hash FROM pin WHERE account_id = ? AND state = 'active' AND (expires_at IS NULL OR expires_at > ?)"
        case .postgresql:
            return "SELECT h AS pin_hash FROM mygaz_active_pin_hashes(?, ?) AS h"
        }
    }

    /// Whether the user whose id is `userID` (an expression) has no password, without reading its hash.
    public func hasNoPassword(_ userID: String) -> String {
        switch engine {
        case .sqlite: return "(SELECT password_hash IS NULL FROM portal_user WHERE id = \(userID))"
        case .postgresql: return "NOT mygaz_has_password(\(userID))"
        }
    }
}

/// A list of values bound as one placeholder (a JSON array both engines read: SQLite's
/// `json_each`, PostgreSQL's `json_array_elements_text`), for `SQLDialect.isIn`.
public struct SQLList: SQLBindable, Sendable {
    public let json: String

    public init<S: Sequence>(_ ids: S) where S.Element == Int64 {
        json = "[" + ids.map(String.init).joined(separator: ",") + "]"
    }

    public init<S: Sequence>(texts: S) where S.Element == String {
        json = "[" + texts.map(SQLList.quoted).joined(separator: ",") + "]"
    }

    public var sqlValue: SQLValue { .text(json) }

    /// A JSON string: quotes, backslashes and controls escaped; the rest as it is (UTF-8).
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
