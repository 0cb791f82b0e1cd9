/// The operator's RGKs as one SQL condition: the one piece every room uses to limit what it
/// reads and decides to them (issue 37), so that no room writes the rule twice.
public struct ScopeCondition {
    /// `1 = 1` for an operator of every RGK, else `column IN (the list bound at its ?)`.
    public let sql: String
    public let arguments: [SQLBindable?]

    /// `column` limited to the RGKs `ids` (nil = every RGK).
    public static func rgk(_ db: any Storage, _ column: String, in ids: [Int64]?) -> ScopeCondition {
        guard let ids else { return ScopeCondition(sql: "1 = 1", arguments: []) }
        return ScopeCondition(sql: db.sql.isIn(column, of: .integer), arguments: [SQLList(ids)])
    }
}

extension Session {
    /// `column` (an RGK id) limited to the operator's RGKs.
    public func inScope(_ column: String) throws -> ScopeCondition {
        ScopeCondition.rgk(db, column, in: try rgkScope())
    }

    /// Whether the operator works the RGK `rgkID`.
    public func works(rgkID: Int64) throws -> Bool {
        try rgkScope().map { $0.contains(rgkID) } ?? true
    }

    /// Exit 7 naming the RGK when a decision would touch an item of an RGK she does not work.
    public func requireWorks(rgk code: String, _ entity: Entity, _ id: CustomStringConvertible) throws {
        guard try !works(rgkID: RGK.id(db, code)) else { return }
        throw MyGazError(.permission, .outsideScope, .text(login), .entity(entity), .text(id.description), .text(code))
    }
}
