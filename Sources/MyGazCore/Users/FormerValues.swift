/// What a person was known by before a change at the desk — her former name, login, e-mail or
/// phone — kept with her (`user_former_value`), not in the audit trail: an erasure finds the
/// items she sent from a contact she no longer has by these, and removes them with her. The
/// audit row of the change says which field changed, never the values (issue 37: ids, codes and
/// counts).
enum FormerValues {
    static func keep(_ session: Session, _ userID: Int64, _ field: UserFormerValue, _ value: String?) throws {
        guard let value, !value.isEmpty else { return }
        try session.db.run("INSERT INTO user_former_value (user_id, field, value, replaced_at) VALUES (?, ?, ?, ?)",
                           userID, field.rawValue, value, session.now)
    }
}
