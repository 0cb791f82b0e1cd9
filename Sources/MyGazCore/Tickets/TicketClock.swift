import Foundation

/// Each ticket's deadline clock kept on its row (schema 23), so that `status` counts the tickets
/// whose clock simply runs by the hour it started (`due_count`) and reads the messages of the few
/// others only. `TicketDeadlines.clock` says what the messages mean; the row says it ahead:
/// - `clock_state` 0: the clock runs unpaused from `clock_from` (NULL: the registration);
/// - 1: answered, nothing due;
/// - 2: read the messages (an operator's question paused it, or a message came out of order, was
///   changed or deleted): always true, and the ticket is then judged from its messages.
///
/// A trigger on `ticket_message` moves it on each message written in time order; `recompute`
/// sets it from the messages (the upgrade, `db recount`); `differences` is `db check`'s look.
public enum TicketClock {
    public static let running = 0, answered = 1, readMessages = 2

    /// The state a message moves a ticket's clock to, for the ticket's row, the message
    /// `NEW` (written after every other of its ticket in (at, id) order).
    static let stateAfterMessage = """
        CASE WHEN NEW.author_kind = 'operator' AND NEW.asks = 0 THEN 1
             WHEN NEW.author_kind = 'operator' THEN CASE WHEN ticket.clock_state = 0 THEN 2 ELSE ticket.clock_state END
             WHEN ticket.clock_state = 1 THEN 0
             ELSE ticket.clock_state END
        """
    static let fromAfterMessage = "CASE WHEN NEW.author_kind <> 'operator' AND ticket.clock_state = 1 THEN NEW.at ELSE ticket.clock_from END"

    /// Whether a message of `NEW`'s ticket comes after it in (at, id) order: `NEW` came out of order.
    static let outOfOrder = """
        EXISTS (SELECT 1 FROM ticket_message m WHERE m.ticket_id = NEW.ticket_id AND (m.at > NEW.at OR (m.at = NEW.at AND m.id > NEW.id)))
        """

    /// SQLite's triggers (version 23).
    static let sqliteTriggers = """
        CREATE TRIGGER ticket_clock_message AFTER INSERT ON ticket_message
        BEGIN
            UPDATE ticket SET clock_from = \(fromAfterMessage),
                                   clock_state = CASE WHEN \(outOfOrder) THEN 2 ELSE \(stateAfterMessage) END
            WHERE ticket.id = NEW.ticket_id;
        END;
        CREATE TRIGGER ticket_clock_message_changed AFTER UPDATE OF ticket_id, at, author_kind, asks ON ticket_message
        BEGIN
            UPDATE ticket SET clock_state = 2 WHERE (id = OLD.ticket_id OR id = NEW.ticket_id) AND clock_state <> 2;
        END;
        CREATE TRIGGER ticket_clock_message_deleted AFTER DELETE ON ticket_message
        BEGIN
            UPDATE ticket SET clock_state = 2 WHERE id = OLD.ticket_id AND clock_state <> 2;
        END;

        """

    /// The clock of every ticket where `condition` holds set from its messages, in (at, id) order:
    /// the last answer (an operator's message that asks nothing), the customer's first message
    /// after it, and an operator's question after that (or, never answered, at all).
    public static func recompute(where condition: String = "1 = 1") -> String {
        func message(_ column: String, _ conditions: String, last: Bool) -> String {
            let order = last ? "m.at DESC, m.id DESC" : "m.at, m.id"
            return "(SELECT m.\(column) FROM ticket_message m WHERE m.ticket_id = ticket.id AND \(conditions) ORDER BY \(order) LIMIT 1)"
        }
        func after(_ at: String, _ id: String) -> String { "(m.at > \(at) OR (m.at = \(at) AND m.id > \(id)))" }
        let answer = "m.author_kind = 'operator' AND m.asks = 0"
        let (answerAt, answerID) = (message("at", answer, last: true), message("id", answer, last: true))
        let customerAfter = "m.author_kind <> 'operator' AND \(after(answerAt, answerID))"
        let (backAt, backID) = (message("at", customerAfter, last: false), message("id", customerAfter, last: false))
        let question = "m.author_kind = 'operator' AND m.asks = 1"
        let asked = "EXISTS (SELECT 1 FROM ticket_message m WHERE m.ticket_id = ticket.id AND \(question))"
        let askedSince = "EXISTS (SELECT 1 FROM ticket_message m WHERE m.ticket_id = ticket.id AND \(question) AND \(after(backAt, backID)))"
        return """
            UPDATE ticket SET
                clock_state = CASE WHEN \(answerID) IS NULL THEN CASE WHEN \(asked) THEN 2 ELSE 0 END
                                   WHEN \(backID) IS NULL THEN 1
                                   WHEN \(askedSince) THEN 2 ELSE 0 END,
                clock_from = CASE WHEN \(answerID) IS NULL THEN NULL ELSE \(backAt) END
            WHERE \(condition);

            """
    }

    /// The tickets whose kept clock says what their messages do not (a kept "read the messages"
    /// is always true): `db check`.
    public static func differences(_ db: any Storage) throws -> [Int64] {
        var kept: [Int64: (state: Int, from: String?, created: String)] = [:]
        for row in try db.query("SELECT id, clock_state, clock_from, created_at FROM ticket WHERE clock_state <> 2") {
            kept[try row.int64("id")] = (try row.int("clock_state"), try row.optString("clock_from"), try row.string("created_at"))
        }
        guard !kept.isEmpty else { return [] }
        var steps: [Int64: [TicketDeadlines.Step]] = [:]
        try db.eachRow("SELECT ticket_id, at, author_kind, asks FROM ticket_message ORDER BY ticket_id, at, id", arguments: []) { row in
            guard let at = Timestamp.parse(try row.string("at")) else { return }
            steps[try row.int64("ticket_id"), default: []].append(
                TicketDeadlines.Step(at: at, byOperator: try row.string("author_kind") == "operator", asks: try row.bool("asks")))
        }
        return kept.compactMap { id, k in
            guard let created = Timestamp.parse(k.created) else { return id }
            let clock = TicketDeadlines.clock(created: created, steps: steps[id] ?? [])
            switch (k.state, clock) {
            case (answered, nil): return nil
            case (running, let c?) where c.pauses.isEmpty && c.registered == (k.from.flatMap(Timestamp.parse) ?? created): return nil
            default: return id
            }
        }.sorted()
    }
}
