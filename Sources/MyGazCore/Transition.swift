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
