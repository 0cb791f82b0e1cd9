/// A page of a list drawn from several index walks. `ORDER BY … LIMIT` over rows of several
/// statuses reads and sorts every row of every status before the first is shown; an index on
/// (status, order column) gives each status in order, so each branch is read only up to the limit
/// and the few rows merged. The page is a subquery `k` of ids (`k.id`) and order keys (`k.sort_key`).
public struct BranchPage {
    /// The table and its alias, as in `FROM`: `ticket t`.
    public let table: String
    /// The order column with its alias: `t.created_at`; the alias's `id` breaks ties.
    public let orderColumn: String
    public let descending: Bool
    /// Conditions of every branch.
    public var conditions: [String] = []
    public var arguments: [SQLBindable?] = []
    /// One condition per branch (nil: no condition of its own), with its arguments, and the
    /// branch's own order column where its index orders it by another (nil: the page's).
    public var branches: [(condition: String?, arguments: [SQLBindable?], orderColumn: String?)] = []

    public init(table: String, orderColumn: String, descending: Bool) {
        self.table = table
        self.orderColumn = orderColumn
        self.descending = descending
    }

    var alias: String { String(table.split(separator: " ").last ?? "") }

    /// `k.sort_key, k.id` in the page's direction.
    public var order: String { descending ? "k.sort_key DESC, k.id DESC" : "k.sort_key, k.id" }

    /// `(… UNION ALL …) k`, to follow `FROM`, and its arguments in order.
    public func subquery(limit: Int) -> (sql: String, arguments: [SQLBindable?]) {
        let direction = descending ? " DESC" : ""
        var parts: [String] = [], all: [SQLBindable?] = []
        for branch in branches.isEmpty ? [(condition: nil, arguments: [], orderColumn: nil)] : branches {
            let conditions = (branch.condition.map { [$0] } ?? []) + self.conditions
            let column = branch.orderColumn ?? orderColumn
            parts.append("SELECT * FROM (SELECT \(alias).id AS id, \(column) AS sort_key FROM \(table) "
                         + (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                         + " ORDER BY \(column)\(direction), \(alias).id\(direction) LIMIT ?) AS branch")
            all += branch.arguments + arguments + [limit]
        }
        return ("(" + parts.joined(separator: " UNION ALL ") + ") k", all)
    }
}
