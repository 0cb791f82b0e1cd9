/// A reference to one record as a clerk writes it: an argument on the command line, or one line
/// of stdin. Both are resolved by the same rule, so that a line means exactly what the same text
/// typed as an argument would.
public enum References {
    /// A record id as written: decimal digits only (no sign, no spaces inside: `+7` is not 7 and
    /// `8 910` is not 8), greater than zero.
    public static func parseID(_ entity: Entity, _ text: String) throws -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let id = Int64(trimmed), id > 0 else {
            throw MyGazError.invalid(.badId, .entity(entity), .text(text))
        }
        return id
    }

    /// The id of the one record `text` names: a user by id or login in any spelling, the others by
    /// id. Text that names no record, or several, throws.
    public static func resolve(_ db: any Storage, _ entity: Entity, _ text: String) throws -> Int64 {
        if entity == .user { return try Users.resolve(db, text) }
        guard let table = tables[entity] else { preconditionFailure("no references to \(entity)") }
        let id = try parseID(entity, text)
        guard try db.queryOne("SELECT 1 FROM \(table) WHERE id = ?", id) != nil else { throw MyGazError.notFound(entity, String(id)) }
        return id
    }

    /// The records an action may take by id from stdin, and their tables.
    static let tables: [Entity: String] = [
        .reading: "reading", .application: "application", .ticket: "ticket", .pinRequest: "pin_request", .outbox: "outbox",
    ]
}
