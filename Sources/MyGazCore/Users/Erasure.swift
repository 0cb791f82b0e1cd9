/// Erasure on request (152-FZ art. 21): everything of the person and nothing of anyone else.
/// Her rows are found by ownership (`ErasureScope`: her user, her applications, tickets, PIN
/// requests and messages, those she sent without signing in from a contact she has had, the
/// audit rows of all these), and only those are cleared (`ErasureScope.clear`): her name,
/// contacts, words and files leave them; their ids, statuses, dates and codes stay for the RGK's
/// records and the operators' decisions; the user's id stays as the tombstone. Her values in any
/// spelling (`Traces`) are scrubbed from the free text of her rows alone. The audit row proves
/// the erasure with ids and counts only.
extension Users {
    /// What replaces erased personal data in kept text.
    public static let erasedMark = "[удалено]"

    public static func delete(_ session: Session, _ id: Int64) throws -> Transition {
        let db = session.db
        // the pages her rows and files leave are zeroed, not only freed
        let erased = try db.overwritingFreedContent { try erase(session, id) }
        // the search index's older parts, then the old versions of the pages in the write-ahead
        // log, where no reader holds them
        if erased.changed { try forgetInSearch(db) }
        return erased
    }

    static func erase(_ session: Session, _ id: Int64) throws -> Transition {
        let db = session.db
        return try db.write {
            let current = try status(db, id)
            if current == .deleted { return Transition(.user, id, .userStatus, from: "deleted", to: "deleted") }
            let scope = try ErasureScope.find(db, id)
            let counts = try scope.clear(session)
            try session.audit("user.delete", .user, id, old: current.rawValue, new: "deleted",
                              note: AuditNote(.erased, ["links": .int(Int64(counts.links)), "applications": .int(Int64(scope.applications.count)),
                                                        "tickets": .int(Int64(scope.tickets.count)), "pin_requests": .int(Int64(scope.pinRequests.count)),
                                                        "cancelled": .int(Int64(counts.cancelled)), "messages": .int(Int64(counts.messages)),
                                                        "audit_rows": .int(Int64(counts.auditRows))]))
            return Transition(.user, id, .userStatus, from: current.rawValue, to: "deleted")
        }
    }
}
