/// A state change of one entity, as a service reports it. `from == to` is a no-op
/// ("unchanged", exit 0): the entity was already where the clerk wanted it.
public struct Transition: Sendable {
    public let entity: Entity
    public let id: String
    public let domain: CodeDomain
    public let from: String
    public let to: String
    /// Follow-ups to tell the clerk ("question queued to …").
    public var notes: [Message]
    /// Extra machine fields for `--format json`.
    public var extra: [(String, String)]
    /// A change that is not a change of state (an assignment): reported as changed.
    public var forceChanged = false
    /// The line for people, when "entity id: from → to" does not say it.
    public var human: Message?
    /// Whether the customer was told of it (nil: nothing to tell); `"notified"` in JSON.
    public var notified: Bool?
    /// What the clerk must do by hand (tell the customer by phone): on stderr, whatever the format.
    public var warnings: [Message] = []
    /// The RGK the entity belongs to, where it has one: a bulk decision is summed up by RGK.
    public var rgk: String?

    /// Takes what became of a notice to the customer.
    public mutating func told(_ outcome: Notify.Outcome) {
        notified = outcome.notified
        if let note = outcome.note { notes.append(note) }
        if let warning = outcome.warning { warnings.append(warning) }
    }

    public init(_ entity: Entity, _ id: CustomStringConvertible, _ domain: CodeDomain, from: String, to: String,
                notes: [Message] = [], extra: [(String, String)] = []) {
        self.entity = entity
        self.id = id.description
        self.domain = domain
        self.from = from
        self.to = to
        self.notes = notes
        self.extra = extra
    }

    public var changed: Bool { forceChanged || from != to }
}

/// "Another clerk got there first", said once (issue 36 item 4). Every decision on an item's
/// state — a reading accepted or rejected, an application's step, a PIN request issued or
/// refused, a ticket answered, closed or reopened — is judged on the state the clerk saw and
/// written only if the item is still in it: `UPDATE … WHERE id = ? AND status = <judged>`. No
/// row changed means someone decided in between (another clerk, the portal, an import): the
/// state now is read again and named in a conflict (exit 4), and the decision's transaction —
/// its audit row, its message to the customer — is undone with it, so nothing is told for a
/// decision that did not happen.
///
/// On SQLite the one writer makes the second clerk see the first's state before judging; on
/// PostgreSQL (READ COMMITTED) the second clerk's UPDATE waits for the first's row lock and then
/// finds the row no longer in the judged state. Either way exactly one decision stands.
public enum Decision {
    /// Moves row `id` of the entity's table from `judged` to `target`, with `assignments` (more
    /// `column = ?` of the same UPDATE) and their `arguments`.
    public static func move(_ db: any Storage, _ entity: Entity, _ id: Int64, _ domain: CodeDomain,
                            from judged: String, to target: String, setting assignments: String = "",
                            _ arguments: SQLBindable?...) throws {
        let table = entity.rawValue   // the tables of the decided entities are named as the entities
        let changed = try db.run("UPDATE \(table) SET status = ?\(assignments.isEmpty ? "" : ", " + assignments) WHERE id = ? AND status = ?",
                                 arguments: [target] + arguments + [id, judged])
        guard changed == 0 else { return }
        guard let now = try db.scalarString("SELECT status FROM \(table) WHERE id = ?", id) else {
            throw MyGazError.notFound(entity, String(id))
        }
        throw MyGazError(.conflict, .expectStatusMismatch, .entity(entity), .text(String(id)), .code(domain, now), .code(domain, judged))
    }
}
