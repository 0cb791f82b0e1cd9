/// Rows limited to the operator's RGKs by the server itself (issue 37, item 2): row-level
/// security on every table that carries an RGK, directly or through its account, its user or its
/// parent row. The clerk and support groups see, change, insert and delete only rows of the RGKs
/// their operator works (`operator_rgk`; no rows = every RGK, as in the program); the admin group
/// and the schema's owner are not limited (an admin may widen her own scope with `operator edit`
/// anyway, and her imports, checks and erasures read whole tables). A row can be neither seen nor
/// moved into another RGK: each policy's USING and WITH CHECK are the same condition.
///
/// Whose scope: the operator connected (`session_user`, the role she logged in as) — so that a
/// clerk's `SET ROLE` to her group changes nothing, and the functions below, which run as the
/// schema's owner, know her too. A role of the groups that is no operator sees no row.
///
/// Each table's condition is said once in `rules`: either its own RGK column, or "its parent row is
/// visible" (an `EXISTS` on the parent, which the parent's own policy limits), so the rule of an
/// account reaches its meters, readings, services, settlements, PINs… by their keys, all indexed.
/// The scope is read once a query (`(SELECT mygaz_scope())` is an initplan), and an operator of
/// every RGK passes at its first test.
extension PGRoles {
    /// The scope in SQL: NULL = every RGK, else the ids (empty: none).
    static let scope = "(SELECT mygaz_scope())"

    /// `column` (an RGK id) among the operator's RGKs.
    static func inScope(_ column: String) -> String {
        "(\(scope) IS NULL OR \(column) = ANY (CAST(\(scope) AS bigint[])))"
    }

    /// The row of `table` that `key` names is visible (its own policy decides).
    static func visible(_ table: String, _ key: String) -> String {
        "EXISTS (SELECT 1 FROM \(table) p WHERE p.id = \(key))"
    }

    /// Each limited table and what makes its row the operator's; the columns named by table, so
    /// that a subquery's own columns never shadow them. Tables not here carry no RGK and no
    /// customer (docs/reliability.md says which, and why).
    static let rules: [(table: String, condition: String)] = [
        ("account", inScope("account.rgk_id")),
        ("account_phone_change", visible("account", "account_phone_change.account_id")),
        // the «Абонент» section (issue 39 §2)
        ("account_benefit", visible("account", "account_benefit.account_id")),
        ("account_consumption", visible("account", "account_consumption.account_id")),
        ("account_equipment", visible("account", "account_equipment.account_id")),
        ("service", visible("account", "service.account_id")),
        ("settlement", visible("service", "settlement.service_id")),
        ("meter", visible("account", "meter.account_id")),
        // the queue's RGK column may not point elsewhere than the meter's account
        ("reading", visible("meter", "reading.meter_id") + " AND (reading.rgk_id IS NULL OR \(inScope("reading.rgk_id")))"),
        ("payment", inScope("payment.rgk_id") + " AND " + visible("account", "payment.account_id")),
        ("contract", inScope("contract.rgk_id") + " AND " + visible("account", "contract.account_id")),
        ("act", visible("contract", "act.contract_id")),
        ("act_item", visible("act", "act_item.act_id")),
        ("pin_request", visible("account", "pin_request.account_id")),
        ("pin", visible("account", "pin.account_id")),
        ("bill_mailing", visible("account", "bill_mailing.account_id")),
        ("user_account", visible("account", "user_account.account_id")),
        // a person is an RGK's through her links; one linked nowhere yet (made at a desk, registered
        // on the portal) is everyone's, as the desk makes her before linking her
        ("portal_user", "(mygaz_user_unlinked(portal_user.id) OR EXISTS (SELECT 1 FROM user_account ua WHERE ua.user_id = portal_user.id))"),
        ("confirmation_code", visible("portal_user", "confirmation_code.user_id")),
        ("user_card", visible("portal_user", "user_card.user_id")),
        ("notice_sent", visible("portal_user", "notice_sent.user_id")),
        ("social_identity", visible("portal_user", "social_identity.user_id")),
        ("user_former_value", "EXISTS (SELECT 1 FROM portal_user p WHERE p.id = user_former_value.user_id)"),
        ("activation_link", visible("social_identity", "activation_link.identity_id")),
        ("application", inScope("application.rgk_id")
            + " AND (application.account_id IS NULL OR " + visible("account", "application.account_id") + ")"),
        ("application_maintenance", "EXISTS (SELECT 1 FROM application p WHERE p.id = application_maintenance.application_id)"),
        ("application_repair", "EXISTS (SELECT 1 FROM application p WHERE p.id = application_repair.application_id)"),
        ("application_recalculation", "EXISTS (SELECT 1 FROM application p WHERE p.id = application_recalculation.application_id)"),
        ("application_contract", "EXISTS (SELECT 1 FROM application p WHERE p.id = application_contract.application_id)"),
        ("application_equipment", visible("application", "application_equipment.application_id")),
        ("application_event", visible("application", "application_event.application_id")),
        // a ticket of no RGK is the portal-wide support channel's: support's (`supportRules`)
        ("ticket", inScope("ticket.rgk_id")),
        ("ticket_message", visible("ticket", "ticket_message.ticket_id")),
        ("attachment", "((attachment.application_id IS NOT NULL AND " + visible("application", "attachment.application_id")
            + ") OR (attachment.ticket_id IS NOT NULL AND " + visible("ticket", "attachment.ticket_id") + "))"),
        // a message of an RGK is its; one of none is its user's (codes, contact changes) or its ticket's
        ("outbox", """
            (CASE WHEN outbox.rgk_id IS NOT NULL THEN \(inScope("outbox.rgk_id"))
                  WHEN outbox.user_id IS NOT NULL THEN \(visible("portal_user", "outbox.user_id"))
                  WHEN outbox.entity_type = 'ticket' THEN \(visible("ticket", "outbox.entity_id"))
                  ELSE true END)
            """),
        // the queues' counts of an RGK are its; those kept for the whole region (RGK 0) are counts only
        ("queue_count", "(queue_count.rgk_id = 0 OR \(inScope("queue_count.rgk_id")))"),
        // a file of one RGK is its; one of many RGKs (rgk_id NULL) names no customer
        ("import_batch", "(import_batch.rgk_id IS NULL OR \(inScope("import_batch.rgk_id")))"),
    ]

    /// What support sees besides the scope: the portal-wide channel (tickets of no RGK).
    static let supportRules: [(table: String, condition: String)] = [
        ("ticket", "ticket.rgk_id IS NULL"),
    ]

    /// The policy names this program owns (dropped and made again, so the script is idempotent).
    static let policyNames = ["mygaz_scope", "mygaz_portal_wide", "mygaz_admin"]

    /// The trigger functions that keep `queue_count` (`PGSchema.queueCounters` names them so).
    static var counterFunctions: [String] {
        QueueCounters.counters.enumerated().map { "queue_count_\($0.offset + 1)_\($0.element.table)" }
    }

    /// A string as an SQL literal.
    static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    /// The functions the policies use and the policies themselves; part of `grants`, run by the
    /// schema's owner at `init` (idempotent), after the group roles exist.
    static var rowSecurity: String {
        let pairs = { (rules: [(table: String, condition: String)]) in
            rules.map { "(\(literal($0.table)), \(literal("\(scope) IS NULL OR (\($0.condition))")))" }.joined(separator: ",\n            ")
        }
        return #"""
        DO $rls$
        DECLARE
            prefix text := \#(prefixSQL);
            clerk text := prefix || '_clerk';
            support text := prefix || '_support';
            admin text := prefix || '_admin';
            p text;
            r record;
        BEGIN
            FOR r IN SELECT * FROM (VALUES
            \#(pairs(rules))) AS t(name, condition) LOOP
                EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.name);
                FOREACH p IN ARRAY ARRAY[\#(policyNames.map(literal).joined(separator: ", "))] LOOP
                    EXECUTE format('DROP POLICY IF EXISTS %I ON %I', p, r.name);
                END LOOP;
                EXECUTE format('CREATE POLICY mygaz_scope ON %I TO %I, %I USING (%s) WITH CHECK (%s)',
                               r.name, clerk, support, r.condition, r.condition);
                EXECUTE format('CREATE POLICY mygaz_admin ON %I TO %I USING (true) WITH CHECK (true)', r.name, admin);
            END LOOP;
            FOR r IN SELECT * FROM (VALUES
            \#(pairs(supportRules))) AS t(name, condition) LOOP
                EXECUTE format('CREATE POLICY mygaz_portal_wide ON %I TO %I USING (%s) WITH CHECK (%s)',
                               r.name, support, r.condition, r.condition);
            END LOOP;
        END
        $rls$;

        """#
    }
}

extension PGSchema {
    /// From version 14: the trigger functions that must count what the operator does not see run as
    /// the schema's owner (as the script makes them); the policies themselves are made by
    /// `PGRoles.grants`, which `init` runs after every upgrade.
    static var upgradeToRowSecurity: String {
        #"""
        -- at most three links per user, counted over all of them (not only those the clerk sees); the
        -- queues' counts kept whoever writes, in whichever RGK's row
        ALTER FUNCTION user_account_at_most_three() SECURITY DEFINER SET search_path = public, pg_temp;
        \#(PGRoles.counterFunctions.map { "ALTER FUNCTION \($0)() SECURITY DEFINER SET search_path = public, pg_temp;" }.joined(separator: "\n        "))
        UPDATE schema_version SET version = 15;

        """#
    }
}
