/// Rows limited to the operator's RGKs by the server itself (issue 37, item 2): row-level
/// security on every table that carries an RGK, directly or through its account, its user or its
/// parent row. The clerk and support groups see, change, insert and delete only rows of the RGKs
/// their operator works (`operator_rgk`; no rows = every RGK, as in the program); the admin group
/// and the schema's owner are not limited (an admin may widen her own scope with `operator edit`
/// anyway, and her imports, checks and erasures read whole tables). A row can be neither seen nor
/// moved into another RGK: a policy's WITH CHECK is the whole rule, and its USING the same or, for
/// a row that carries its RGK, that RGK alone (`seen`).
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

    /// `column` (an RGK id) among the operator's RGKs, for a rule of `rules` or `seen`: each policy
    /// is `scope IS NULL OR (rule)` (`rowSecurity`), so an operator of every RGK never reaches it.
    /// Each `(SELECT mygaz_scope())` written is an initplan of its own, planned and run in every
    /// query under the policy (and in every policy a rule's `visible` reaches): one here, not two.
    static func inScope(_ column: String) -> String {
        "(\(column) = ANY (CAST(\(scope) AS bigint[])))"
    }

    /// The row of `table` that `key` names is visible (its own policy decides): one probe by its
    /// key per row asked about, never a hash of every visible row of `table` (`SQLDialect.probeEachRow`).
    static func visible(_ table: String, _ key: String) -> String {
        "EXISTS (SELECT 1 FROM \(table) p WHERE p.id = \(key) OFFSET 0)"
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
        // (the link first: the function, run as the owner, is asked only of those with none she sees)
        ("portal_user", "(EXISTS (SELECT 1 FROM user_account ua WHERE ua.user_id = portal_user.id OFFSET 0) OR mygaz_user_unlinked(portal_user.id))"),
        ("confirmation_code", visible("portal_user", "confirmation_code.user_id")),
        ("user_card", visible("portal_user", "user_card.user_id")),
        ("notice_sent", visible("portal_user", "notice_sent.user_id")),
        ("social_identity", visible("portal_user", "social_identity.user_id")),
        ("user_former_value", visible("portal_user", "user_former_value.user_id")),
        ("activation_link", visible("social_identity", "activation_link.identity_id")),
        ("application", inScope("application.rgk_id")
            + " AND (application.account_id IS NULL OR " + visible("account", "application.account_id") + ")"),
        ("application_maintenance", visible("application", "application_maintenance.application_id")),
        ("application_repair", visible("application", "application_repair.application_id")),
        ("application_recalculation", visible("application", "application_recalculation.application_id")),
        ("application_contract", visible("application", "application_contract.application_id")),
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
        ("due_count", "(due_count.rgk_id = 0 OR \(inScope("due_count.rgk_id")))"),
        // a file of one RGK is its; one of many RGKs (rgk_id NULL) names no customer
        ("import_batch", "(import_batch.rgk_id IS NULL OR \(inScope("import_batch.rgk_id")))"),
    ]

    /// What support sees besides the scope: the portal-wide channel (tickets of no RGK).
    static let supportRules: [(table: String, condition: String)] = [
        ("ticket", "ticket.rgk_id IS NULL"),
    ]

    /// What makes a row seen (`USING`) where that is less than what may be written (`WITH CHECK`):
    /// a row carrying its RGK is seen by that RGK alone, one comparison a row, without the probe of
    /// its account that a write must pass (its RGK may not point elsewhere than its account's). The
    /// RGK is the account's as written: by the trigger of a pending reading, by the importer, by
    /// the portal of an application, and by a clerk only through `WITH CHECK`. A pending queue of
    /// 600 000 readings at 5M accounts is read by a comparison, not two index probes, a row.
    static let seen: [String: String] = [
        "reading": "(CASE WHEN reading.rgk_id IS NOT NULL THEN \(inScope("reading.rgk_id")) ELSE \(visible("meter", "reading.meter_id")) END)",
        "payment": inScope("payment.rgk_id"),
        "contract": inScope("contract.rgk_id"),
        "application": inScope("application.rgk_id"),
    ]

    /// The policy names this program owns (dropped and made again, so the script is idempotent).
    static let policyNames = ["mygaz_scope", "mygaz_portal_wide", "mygaz_admin"]

    /// The trigger functions that keep `queue_count` and `due_count` (`PGSchema.queueCounter` names them so).
    static var counterFunctions: [String] {
        QueueCounters.counters.enumerated().map { "queue_count_\($0.offset + 1)_\($0.element.table)" }
    }

    /// A string as an SQL literal.
    static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }

    /// The functions the policies use and the policies themselves; part of `grants`, run by the
    /// schema's owner at `init` (idempotent), after the group roles exist.
    static var rowSecurity: String {
        let pairs = { (rules: [(table: String, condition: String)]) in
            rules.map {
                "(\(literal($0.table)), \(literal("\(scope) IS NULL OR (\(seen[$0.table] ?? $0.condition))")), \(literal("\(scope) IS NULL OR (\($0.condition))")))"
            }.joined(separator: ",\n            ")
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
            \#(pairs(rules))) AS t(name, seen, condition) LOOP
                EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', r.name);
                FOREACH p IN ARRAY ARRAY[\#(policyNames.map(literal).joined(separator: ", "))] LOOP
                    EXECUTE format('DROP POLICY IF EXISTS %I ON %I', p, r.name);
                END LOOP;
                EXECUTE format('CREATE POLICY mygaz_scope ON %I TO %I, %I USING (%s) WITH CHECK (%s)',
                               r.name, clerk, support, r.seen, r.condition);
                EXECUTE format('CREATE POLICY mygaz_admin ON %I TO %I USING (true) WITH CHECK (true)', r.name, admin);
            END LOOP;
            FOR r IN SELECT * FROM (VALUES
            \#(pairs(supportRules))) AS t(name, seen, condition) LOOP
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
        \#(QueueCounters.queueCounts.filter { QueueCounters.counters[$0].since == nil }.map { "ALTER FUNCTION \(PGRoles.counterFunctions[$0])() SECURITY DEFINER SET search_path = public, pg_temp;" }
            .joined(separator: "\n        "))
        UPDATE schema_version SET version = 15;

        """#
    }
}

extension PGSchema {
    /// From version 15: the search functions (`PGRoles.searchFunctions`), which `PGRoles.grants`
    /// makes as `init` runs it after every upgrade.
    static var upgradeToSearchInScope: String {
        "UPDATE schema_version SET version = 16;\n"
    }

    /// From version 17 (`Schema.noticeOffAndUsernameSearch`): the outbox's `cancel_reason` takes
    /// `notice_off` (its CHECK made again in place), and the username gets its trigram index
    /// (`searchIndexes` names it); the search functions that read it are made again by
    /// `PGRoles.grants`, which `init` runs after every upgrade. Each piece may be run again (a
    /// database whose version was set back, as a test does, keeps the pieces of the later ones).
    static var upgradeToNoticeOffAndUsernameSearch: String {
        """
        ALTER TABLE outbox DROP CONSTRAINT outbox_cancel_reason_check;
        ALTER TABLE outbox ADD CONSTRAINT outbox_cancel_reason_check
            CHECK (cancel_reason IS NULL OR \(oneOf("cancel_reason", Schema.v18OutboxCancelReasons)));
        \(usernameSearch)UPDATE schema_version SET version = 18;

        """
    }
}

extension PGSchema {
    /// From version 16 (`Schema.scopedClerkSpeed`): the payments in processing counted per RGK too;
    /// the search functions asked for a page (a second argument), made by `PGRoles.grants` as
    /// `init` runs it after the upgrade, their one-argument forms dropped here.
    static var upgradeToScopedClerkSpeed: String {
        """
            \(remadeCounter(QueueCounters.processingPaymentsCounter))
            \(PGRoles.version16SearchFunctions.map { "DROP FUNCTION IF EXISTS \($0)(text);" }.joined(separator: "\n"))
            UPDATE schema_version SET version = 17;

            """
    }
}

/// The searches in the operator's RGKs, through the trigram indexes (issue 37, item 4). `LIKE` is
/// not leakproof, so under the row policies the server may not use an index to find the rows a
/// clerk's `mygaz_fold(value) LIKE '%piece%'` asks for: it reads every row she may see (1.1 s for
/// a surname at 100 000 accounts). These functions run the search as the schema's owner, through
/// the very expressions `PGSchema.searchIndexes` indexes, and keep only the rows of the connected
/// operator's RGKs themselves (the rule of the tables' policies: an account of her RGKs; a person
/// linked to one, or linked nowhere), so they tell her nothing the policies hide. `SearchIndex.rows`
/// asks them on PostgreSQL for every operator alike.
extension PGRoles {
    /// The function that finds the rows of `index` whose value `column` (nil: any indexed value)
    /// holds a piece: `mygaz_search_user_search`, `mygaz_search_account_search_phone`.
    static func searchFunction(_ index: SearchIndex, column: String? = nil) -> String {
        "mygaz_search_\(index.rawValue)" + (column.map { "_\($0)" } ?? "")
    }

    /// Every search function and the columns it looks in: each index whole, and the values a room
    /// searches alone (`SearchIndex.searchedAlone`).
    private static var searchFunctionsMade: [(name: String, index: SearchIndex, column: String?)] {
        SearchIndex.allCases.map { (searchFunction($0), $0, nil) }
            + SearchIndex.searchedAlone.map { (searchFunction($0.index, column: $0.column), $0.index, $0.column) }
    }

    static var searchFunctionNames: [String] { searchFunctionsMade.map(\.name) }

    /// Version 16's functions, of one argument: each index whole and each of its values alone.
    static var version16SearchFunctions: [String] {
        SearchIndex.allCases.flatMap { index in [searchFunction(index)] + index.indexed(nil).map { searchFunction(index, column: $0.name) } }
    }

    /// RGK ids as a PostgreSQL array's text, bound where a function takes `bigint[]`.
    static func array(_ ids: [Int64]) -> String { "{" + ids.map(String.init).joined(separator: ",") + "}" }

    static var searchFunctionSignatures: String {
        (searchFunctionNames.map { "\($0)(text, bigint, bigint[])" } + ["mygaz_unnormalised_users()"]).joined(separator: ", ")
    }

    /// The portal user `x` is of the operator's RGKs: linked to an account of them, or nowhere.
    private static let userInScope = userIn(rgks: "CAST(\(PGRoles.scope) AS bigint[])")

    /// The portal user `x` is linked to an account of the RGKs `rgks` (an array), or nowhere;
    /// `unlinkedFirst` where most are linked nowhere (one probe each then).
    private static func userIn(rgks: String, unlinkedFirst: Bool = false) -> String {
        let linked = """
            EXISTS (SELECT 1 FROM user_account l JOIN account a ON a.id = l.account_id
                     WHERE l.user_id = x.id AND a.rgk_id = ANY (\(rgks)) OFFSET 0)
            """
        let unlinked = "NOT EXISTS (SELECT 1 FROM user_account l WHERE l.user_id = x.id OFFSET 0)"
        return unlinkedFirst ? "(\(unlinked) OR \(linked))" : "(\(linked) OR \(unlinked))"
    }

    /// The portal users waiting for their confirmation among the RGKs `$1` (NULL: every RGK) and
    /// the operator's, with the oldest registration: what `status` counts for an operator of some
    /// RGKs. No counter keeps them per RGK (a user is an RGK's through her links), and counted
    /// under the row policies each user cost a call of `mygaz_user_unlinked` too (issue 37). A
    /// registration not yet confirmed is linked nowhere as a rule (the portal links accounts after
    /// it), so that is asked first; her own RGKs, `$1` among the operator's, are asked once.
    static let unconfirmedUsersFunction = """
        CREATE OR REPLACE FUNCTION mygaz_unconfirmed_users(bigint[]) RETURNS TABLE (n bigint, oldest text)
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
            SELECT count(*), min(x.registered_at) FROM portal_user x WHERE x.status = 'pending'
              AND ($1 IS NULL OR \(userIn(rgks: "$1", unlinkedFirst: true)))
              AND (\(PGRoles.scope) IS NULL OR $1 <@ CAST(\(PGRoles.scope) AS bigint[])
                   OR \(userIn(rgks: "CAST(\(PGRoles.scope) AS bigint[])", unlinkedFirst: true)))
        $$;
        """

    /// What a search function asks, the piece at `piece` (`$1` in the function): the rows of the
    /// operator's RGKs and of the RGKs `rgks` (`$3`, an array; NULL: every RGK) whose folded value
    /// holds it, through the expressions the trigram indexes hold; with `first` (`$2`), only the
    /// first so many in the index's order (`SearchIndex.newestFirst`), which a list of nothing but
    /// the search asks for its page: a common piece («Ленина») then costs a page of the index, not
    /// every row that holds it.
    /// `short`: the piece is too short for a trigram, and the row's folded text (`search_text`) is
    /// read instead of the indexes.
    static func searchQuery(_ index: SearchIndex, column: String? = nil, piece: String = "$1", first: String? = "$2",
                            rgks: String = "$3", short: Bool = false) -> String {
        let scope: String, kept: String
        switch index {
        case .accounts: (scope, kept) = ("x.rgk_id = ANY (CAST(\(PGRoles.scope) AS bigint[]))", "x.rgk_id = ANY (\(rgks))")
        case .users: (scope, kept) = (userInScope, userIn(rgks: rgks))
        }
        let holds = short ? "x.search_text LIKE '%' || \(piece) || '%'" : index.indexed("x").filter { column == nil || $0.name == column }
            .map { "mygaz_fold(\($0.sql)) LIKE '%' || \(piece) || '%'" }.joined(separator: " OR ")
        return "SELECT x.id FROM \(index.table) x WHERE (\(holds)) AND (\(PGRoles.scope) IS NULL OR \(scope)) AND (\(rgks) IS NULL OR \(kept))"
            + (first.map { " ORDER BY x.id\(index.newestFirst ? " DESC" : "") LIMIT \($0)" } ?? "")
    }

    /// The functions, for `deskChecks`: the piece is a `LIKE` piece (`SearchIndex.likePiece`). In
    /// PL/pgSQL, whose plans are made for the values given: a page reads the key's index in order,
    /// every row the trigram indexes (one SQL query did either for both, slowly).
    /// A whole search (of users or accounts) asks a piece of fewer than three letters (its `LIKE`
    /// escapes taken off) of the rows' folded text: no trigram holds it, and each trigram index
    /// would be read whole.
    static var searchFunctions: String {
        searchFunctionsMade.map { made in
            /// All the rows found, or (`$2`) the first so many in the index's order.
            func found(short: Bool) -> String {
                """
                IF $2 IS NULL THEN
                        RETURN QUERY \(searchQuery(made.index, column: made.column, first: nil, short: short));
                    ELSE
                        RETURN QUERY \(searchQuery(made.index, column: made.column, short: short));
                    END IF;
                """
            }
            let short = made.column == nil ? """
                IF length(regexp_replace($1, '\\\\(.)', '\\1', 'g')) < 3 THEN
                    \(found(short: true))
                    RETURN;
                END IF;

                """ : ""
            return """
            CREATE OR REPLACE FUNCTION \(made.name)(text, bigint, bigint[]) RETURNS SETOF bigint LANGUAGE plpgsql STABLE SECURITY DEFINER
                SET search_path = public, pg_temp AS $$
            BEGIN
            \(short)    \(found(short: false))
            END
            $$;
            """
        }.joined(separator: "\n") + """

            -- the users stored in a spelling not their normal one (Spellings), of the operator's RGKs
            CREATE OR REPLACE FUNCTION mygaz_unnormalised_users() RETURNS SETOF bigint LANGUAGE sql STABLE SECURITY DEFINER
                SET search_path = public, pg_temp AS $$
                SELECT x.id FROM portal_user x WHERE \(SQLDialect(.postgresql).unnormalisedUser.replacingOccurrences(of: "\n", with: " "))
                  AND (\(PGRoles.scope) IS NULL OR \(userInScope))
            $$;
            """
    }
}
