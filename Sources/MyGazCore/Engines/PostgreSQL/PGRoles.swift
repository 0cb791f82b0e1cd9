/// Who may do what, said to the PostgreSQL server itself (issue 37, item 2): one group role per
/// program role and database (`<database>_clerk`, `<database>_support`, `<database>_admin`), each
/// operator a server role of her own (her OS login, so peer authentication on the Unix socket
/// names her) that is a member of her role's group. The grants give the groups what their
/// commands need and no more of what matters:
/// - the operators and the settings are written by admins only (a clerk cannot make herself admin);
/// - the audit trail is read and appended to, never changed — but for an erasure's taking of a
///   reason's text and salt (its columns alone) —, its chain's head is moved only by the commit
///   trigger, which runs as the schema's owner;
/// - the hashes of passwords, activation links and PINs are not readable by clerks and support
///   (column privileges; admins' imports read PINs'): the desk checks a control answer against
///   one account's PINs, and whether a user has a password, through `deskChecks`;
/// - the schema's version is read only.
/// Rows are limited to the operator's RGKs by row-level security (`rowSecurity`, PGRowSecurity.swift).
public enum PGRoles {
    /// What the group roles' names begin with, in SQL: the database's name in lower case, each
    /// character but letters, digits and _ made _, at most 50 (a role's name has 63).
    static let prefixSQL = "left(regexp_replace(lower(current_database()), '[^a-z0-9_]', '_', 'g'), 50)"

    /// The SQL of the group role of the role bound at its `?`.
    static let groupSQL = "\(prefixSQL) || '_' || CAST(? AS TEXT)"

    /// The columns no clerk or support may read: each table and its secret.
    /// (A code's hash stays readable: a clerk who may confirm a user in person gains nothing by
    /// guessing the code the customer was sent, and the desk checks the code she reads out.)
    static let hashes: [(table: String, column: String)] = [
        ("portal_user", "password_hash"), ("activation_link", "token_hash"), ("pin", "pin_hash"),
        // the payment service's token of a linked bank card: the portal's, never the desk's
        ("user_card", "token"),
    ]

    /// The tables only admins write.
    static let adminsWrite = ["operator", "operator_rgk", "setting", "calendar_year", "calendar_day"]

    /// What each group may write, table by table (issue 37, item 2): what its commands write, read
    /// from the rooms' SQL (`INSERT INTO` / `UPDATE` / `DELETE FROM`) and each command's `access`;
    /// every other table is read only to the group. The grants are made from this table alone.
    /// Admins write what their commands write (imports write the reference tables, recounts the
    /// queues' counts) and delete where a command deletes; clerks and support write their desks'
    /// rows. `UPDATE (id)`: the row is only locked (`FOR UPDATE` needs an UPDATE right), never changed
    /// by that group's commands. The audit and what nobody writes are `nobodyWrites` and `grants`'.
    public static let writes: [(role: Role, table: String, privileges: String)] = {
        // written by clerks' and support's commands alike (`user purge` and the desk of both roles)
        let desk: [(String, String)] = [
            ("activation_link", "INSERT, UPDATE, DELETE"), ("attachment", "INSERT, DELETE"), ("bill_mailing", "INSERT, DELETE"),
            ("confirmation_code", "INSERT, UPDATE, DELETE"), ("notice_sent", "INSERT, UPDATE"), ("outbox", "INSERT, UPDATE"),
            ("social_identity", "DELETE"), ("ticket", "INSERT, UPDATE"), ("ticket_message", "INSERT, UPDATE"),
            ("user_card", "DELETE"), ("user_former_value", "INSERT, DELETE"), ("portal_user", "INSERT, UPDATE, DELETE"),
            ("user_account", "INSERT, UPDATE, DELETE"), ("application", "INSERT, UPDATE"), ("application_event", "INSERT, UPDATE"),
            ("application_contract", "INSERT, UPDATE"), ("application_equipment", "INSERT, UPDATE"),
            ("application_maintenance", "INSERT, UPDATE"), ("application_recalculation", "INSERT, UPDATE"),
            ("application_repair", "INSERT, UPDATE"), ("reading", "INSERT, UPDATE"), ("pin_request", "UPDATE"),
        ]
        // clerks' alone: an account's phone, PINs issued and revoked, a meter locked as its readings are decided
        let clerks: [(String, String)] = [
            ("account", "UPDATE"), ("account_phone_change", "INSERT, UPDATE"), ("pin", "INSERT, UPDATE"), ("meter", "UPDATE (id)"),
        ]
        // support's alone: the FAQ
        let support: [(String, String)] = [("faq", "INSERT, UPDATE, DELETE")]
        // admins: INSERT and UPDATE on every table but the audit's and `nobodyWrites`; DELETE here
        let adminDeletes = ["operator", "operator_rgk", "setting", "calendar_day", "import_batch", "queue_count", "due_count", "faq"]
            + desk.filter { $0.1.contains("DELETE") }.map(\.0)
        return desk.map { (Role.clerk, $0.0, $0.1) } + clerks.map { (Role.clerk, $0.0, $0.1) }
            + desk.map { (Role.support, $0.0, $0.1) } + support.map { (Role.support, $0.0, $0.1) }
            + adminDeletes.map { (Role.admin, $0, "DELETE") }
    }()

    /// The tables nobody writes but through the program's triggers (or never).
    static let nobodyWrites = ["schema_version", "audit_chain"]

    /// The functions run as the schema's owner that the groups may call.
    static let functions = "mygaz_active_pin_hashes(bigint, text), mygaz_has_password(bigint), mygaz_scope(), mygaz_user_unlinked(bigint), "
        + "mygaz_unconfirmed_users(bigint[]), " + searchFunctionSignatures

    /// What the desk's checks read of the secrets, through functions that run as the schema's
    /// owner and answer for one account or user at a time: the active PINs' hashes of an account
    /// (a control answer checked as a customer links it; an account of the operator's RGKs alone)
    /// and whether a user has a password; and what the row policies ask (`rowSecurity`): the
    /// operator's RGKs, and whether a user is linked anywhere.
    /// Part of the schema (`PGSchema.script`), made again by `grants` for a database made before.
    static var deskChecks: String { #"""
        -- the RGK ids the connected operator works (PGRowSecurity): NULL every RGK (an operator with no
        -- rows in operator_rgk, an admin, the schema's owner, a superuser), else hers; '{}' none (a
        -- role of the groups that is no operator). The connected one: session_user, which her SET ROLE
        -- to a group does not change, and which these functions, run as the owner, still know.
        -- PL/pgSQL keeps its plan for the session: a row policy asks this once per table a query
        -- reads, and an SQL function, planned anew at each call, cost 0.3 ms each time (issue 37).
        -- The owner is current_user here (the function runs as its maker, the schema's owner): a
        -- member of that role is the owner (as a superuser is), who may SET ROLE to it. Asked of the
        -- server's functions, not of the pg_roles view and pg_class: a new connection's first call
        -- cost 3.3 ms that way, 2 ms this way (version 26).
        CREATE OR REPLACE FUNCTION mygaz_scope() RETURNS bigint[] LANGUAGE plpgsql STABLE SECURITY DEFINER
            SET search_path = public, pg_temp AS $$
            BEGIN RETURN (SELECT CASE
                WHEN pg_has_role(session_user, current_user, 'MEMBER')
                  OR coalesce(pg_has_role(session_user, to_regrole(\#(prefixSQL) || '_admin'), 'MEMBER'), false)
                THEN NULL
                ELSE (SELECT CASE WHEN count(o.login) = 0 THEN CAST('{}' AS bigint[])
                                  ELSE array_agg(s.rgk_id ORDER BY s.rgk_id) FILTER (WHERE s.rgk_id IS NOT NULL) END
                      FROM operator o LEFT JOIN operator_rgk s ON s.operator_login = o.login WHERE o.login = session_user)
            END); END
        $$;
        -- whether a portal user has no link at all (whichever RGK's): such a user is everyone's
        CREATE OR REPLACE FUNCTION mygaz_user_unlinked(bigint) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
            SET search_path = public, pg_temp AS $$
            SELECT NOT EXISTS (SELECT 1 FROM user_account WHERE user_id = $1)
        $$;
        -- an account's PINs, of the operator's RGKs alone
        CREATE OR REPLACE FUNCTION mygaz_active_pin_hashes(bigint, text) RETURNS SETOF text LANGUAGE sql STABLE SECURITY DEFINER
            SET search_path = public, pg_temp AS $$
            SELECT p.pin_hash FROM pin p JOIN account a ON a.id = p.account_id
            WHERE p.account_id = $1 AND p.state = 'active' AND (p.expires_at IS NULL OR p.expires_at > $2)
              AND (mygaz_scope() IS NULL OR a.rgk_id = ANY (mygaz_scope()))
        $$;
        CREATE OR REPLACE FUNCTION mygaz_has_password(bigint) RETURNS boolean LANGUAGE sql STABLE SECURITY DEFINER
            SET search_path = public, pg_temp AS $$
            SELECT password_hash IS NOT NULL FROM portal_user WHERE id = $1
        $$;
        \#(searchFunctions)
        \#(unconfirmedUsersFunction)
        REVOKE EXECUTE ON FUNCTION \#(functions) FROM PUBLIC;

        """# }

    /// Makes the group roles if they are missing and gives them exactly their grants: run by the
    /// schema's owner when `init` creates or upgrades the database (idempotent).
    public static let grants: String = {
        let roles = Role.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let secretTables = hashes.map { "'\($0.table)'" }.joined(separator: ", ")
        let secretColumns = hashes.map { "('\($0.table)', '\($0.column)')" }.joined(separator: ", ")
        let admins = adminsWrite.map { "'\($0)'" }.joined(separator: ", ")
        let nobody = nobodyWrites.map { "'\($0)'" }.joined(separator: ", ")
        let rulesSQL = writes.map { "('\($0.role.rawValue)', '\($0.table)', '\($0.privileges)')" }.joined(separator: ", ")
        return deskChecks + """
        DO $roles$
        DECLARE
            db text := current_database();
            prefix text := \(prefixSQL);
            r text;
            g text;
            t text;
            cols text;
            p text;
        BEGIN
            FOREACH r IN ARRAY ARRAY[\(roles)] LOOP
                g := prefix || '_' || r;
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g) THEN
                    EXECUTE format('CREATE ROLE %I NOLOGIN', g);
                END IF;
                EXECUTE format('COMMENT ON ROLE %I IS %L', g, 'mygaz-admin: the ' || r || 's of the database ' || db);
                EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', db, g);
                EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', g);
                EXECUTE format('GRANT EXECUTE ON FUNCTION \(functions) TO %I', g);
                EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', g);
                -- every group reads; admins insert and update; the rest is `writes`
                EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA public TO %I', g);
                IF r = 'admin' THEN
                    EXECUTE format('GRANT INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO %I', g);
                    -- `db check` makes this version's schema in a scratch schema it rolls back
                    EXECUTE format('GRANT CREATE ON DATABASE %I TO %I', db, g);
                END IF;
                FOR t, p IN SELECT x.tbl, x.privs FROM (VALUES \(rulesSQL)) AS x(grp, tbl, privs) WHERE x.grp = r LOOP
                    EXECUTE format('GRANT %s ON %I TO %I', p, t, g);
                END LOOP;
                FOR t IN SELECT unnest(ARRAY[\(nobody)]) LOOP
                    EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON %I FROM %I', t, g);
                END LOOP;
                -- appended to, never changed: an erasure takes a reason's text and salt, nothing else
                EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON audit FROM %I', g);
                EXECUTE format('GRANT INSERT, UPDATE (reason, reason_salt) ON audit TO %I', g);
                IF r <> 'admin' THEN
                    FOR t IN SELECT unnest(ARRAY[\(admins)]) LOOP
                        EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON %I FROM %I', t, g);
                    END LOOP;
                    FOR t IN SELECT unnest(ARRAY[\(secretTables)]) LOOP
                        SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum) INTO cols
                            FROM pg_attribute a WHERE a.attrelid = t::regclass AND a.attnum > 0 AND NOT a.attisdropped
                             AND (t, a.attname::text) NOT IN (\(secretColumns));
                        EXECUTE format('REVOKE SELECT ON %I FROM %I', t, g);
                        EXECUTE format('GRANT SELECT (%s) ON %I TO %I', cols, t, g);
                    END LOOP;
                END IF;
            END LOOP;
            -- the chain's head is moved by the commit trigger alone, as the schema's owner
            ALTER FUNCTION mygaz_audit_chain() SECURITY DEFINER SET search_path = public, pg_temp;
        END
        $roles$;
        """ + rowSecurity
    }()

    /// Whether this database's group roles exist (a database made before them gets them at `init`).
    static func present(_ db: any Storage) throws -> Bool {
        try db.queryOne("""
            SELECT count(*) AS n FROM pg_roles WHERE rolname IN (\(Role.allCases.map { _ in groupSQL }.joined(separator: ", ")))
            """, arguments: Role.allCases.map(\.rawValue))?.int("n") == Role.allCases.count
    }

    /// Who is working, as the server knows her: the connected role, when it is a member of one of
    /// this database's operator groups (and no superuser, who is anyone she says). Nil otherwise:
    /// the schema's owner or a superuser, who are named by their OS login as on SQLite.
    public static func serverLogin(_ db: any Storage) throws -> String? {
        guard db.sql.engine == .postgresql else { return nil }
        // one statement (every command asks), of the server's functions alone: a query of the
        // pg_roles view cost a new connection 1.3 ms more. Her membership is asked only once the
        // groups are there (pg_has_role fails on a role that is not), and CASE keeps that order
        let missing = Role.allCases.map { _ in "to_regrole(\(groupSQL)) IS NULL" }
        let groups = Role.allCases.map { _ in "pg_has_role(current_user, \(groupSQL), 'MEMBER')" }
        let row = try db.queryOne("""
            SELECT CAST(current_user AS TEXT) AS me, CASE WHEN current_setting('is_superuser') = 'on' THEN 1 ELSE 0 END AS super,
                   CASE WHEN \(missing.joined(separator: " OR ")) THEN 0
                        WHEN \(groups.joined(separator: " OR ")) THEN 1 ELSE 0 END AS member
            """, arguments: Role.allCases.map(\.rawValue) + Role.allCases.map(\.rawValue))
        guard let row, try !row.bool("super"), try row.bool("member") else { return nil }
        return try row.string("me")
    }

    /// Makes `login` a server role (LOGIN, made if missing) in the group of `role` alone; an
    /// admin may give each group to others (ADMIN OPTION). In the caller's transaction, so an
    /// `operator add` the server refuses changes nothing. Creating a role needs CREATEROLE:
    /// without it the server's refusal is the command's exit 7.
    static func admit(_ db: any Storage, login: String, role: Role) throws {
        try ensure(db)
        // A login is the cluster's, and another database's transaction (a test's, a second
        // region's) may be making the same one. Made inside this transaction, the second maker
        // waited on the first's row, was told it exists, and then could not find it to grant to
        // (its own lookup remembered it missing): so it is made first, in a transaction of its own
        // on a second connection, committed before this one looks for it. A login made for an
        // `operator add` that then fails stays, as a login of the cluster always may.
        if let pg = db as? PGConnection, try db.queryOne("SELECT 1 AS made FROM pg_roles WHERE rolname = ?", login) == nil {
            let own = try pg.sibling()
            _ = try own.queryOne("SELECT set_config('mygaz.operator', ?, false) AS a", login)
            do {
                try own.execute("""
                    DO $login$
                    BEGIN
                        EXECUTE format('CREATE ROLE %I LOGIN', current_setting('mygaz.operator'));
                    EXCEPTION WHEN duplicate_object OR unique_violation THEN
                        NULL;   -- made meanwhile for another database of the cluster
                    END
                    $login$;
                    """)
            } catch let error as EngineError where error.kind == .denied {
                // an admin of the program whose server role may not make roles: the right to name,
                // and the one line a superuser runs
                let admin = try own.queryOne("SELECT current_user AS admin")?.string("admin") ?? "?"
                throw MyGazError(.permission, .serverNeedsCreateRole, .text(admin), .text(login), .text("ALTER ROLE \(identifier(admin)) CREATEROLE;"))
            }
        }
        _ = try db.queryOne("SELECT set_config('mygaz.operator', ?, true) AS a, set_config('mygaz.role', ?, true) AS b", login, role.rawValue)
        try db.execute("""
            DO $admit$
            DECLARE
                l text := current_setting('mygaz.operator');
                r text := current_setting('mygaz.role');
                prefix text := \(prefixSQL);
                g text;
            BEGIN
                -- made above, on its own connection; here only if that could not be (a login
                -- dropped meanwhile)
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = l) THEN
                    EXECUTE format('CREATE ROLE %I LOGIN', l);
                END IF;
                FOREACH g IN ARRAY ARRAY[\(Role.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))] LOOP
                    IF r = 'admin' THEN
                        EXECUTE format('GRANT %I TO %I WITH ADMIN OPTION', prefix || '_' || g, l);
                    ELSIF g = r THEN
                        EXECUTE format('GRANT %I TO %I', prefix || '_' || g, l);
                    ELSIF pg_has_role(l, prefix || '_' || g, 'MEMBER') THEN
                        EXECUTE format('REVOKE %I FROM %I', prefix || '_' || g, l);
                    END IF;
                END LOOP;
            END
            $admit$;
            """)
    }

    /// A name as an SQL identifier, for a line a person runs in psql.
    static func identifier(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    /// What an existing server role `login` may do that no operator's login may: superuser and the
    /// other attributes, and membership of roles that are not this program's groups (a group of
    /// another database of the cluster is one: `COMMENT ON ROLE` says so). Empty for a new login.
    static func otherRights(_ db: any Storage, login: String) throws -> [String] {
        guard let row = try db.queryOne("""
            SELECT r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolreplication, r.rolbypassrls,
                   (SELECT string_agg(g.rolname, ', ' ORDER BY g.rolname) FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                     WHERE m.member = r.oid AND coalesce(shobj_description(g.oid, 'pg_authid'), '') NOT LIKE 'mygaz-admin: %') AS others
            FROM pg_roles r WHERE r.rolname = ?
            """, login) else { return [] }
        var rights: [String] = []
        for (column, right) in [("rolsuper", "SUPERUSER"), ("rolcreaterole", "CREATEROLE"), ("rolcreatedb", "CREATEDB"),
                                ("rolreplication", "REPLICATION"), ("rolbypassrls", "BYPASSRLS")] where try row.bool(column) {
            rights.append(right)
        }
        if let others = try row.optString("others") { rights.append("IN ROLE " + others) }
        return rights
    }

    /// `login` out of every group of this database (the role itself stays: it is the cluster's,
    /// and may work other databases).
    static func dismiss(_ db: any Storage, login: String) throws {
        guard try present(db) else { return }
        _ = try db.queryOne("SELECT set_config('mygaz.operator', ?, true) AS a", login)
        try db.execute("""
            DO $dismiss$
            DECLARE
                l text := current_setting('mygaz.operator');
                prefix text := \(prefixSQL);
                g text;
            BEGIN
                FOREACH g IN ARRAY ARRAY[\(Role.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))] LOOP
                    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = l) AND pg_has_role(l, prefix || '_' || g, 'MEMBER') THEN
                        EXECUTE format('REVOKE %I FROM %I', prefix || '_' || g, l);
                    END IF;
                END LOOP;
            END
            $dismiss$;
            """)
    }

    /// Whether this database's groups have the narrowed grants of `writes` (a database whose grants
    /// were made before them lets clerks write every table but the admins'): asked of one table no
    /// clerk's command writes and no admin's rule names.
    static func narrowed(_ db: any Storage) throws -> Bool {
        try db.queryOne("""
            SELECT CASE WHEN has_table_privilege(\(groupSQL), 'rgk', 'INSERT') THEN 0 ELSE 1 END AS narrowed
            """, arguments: [Role.clerk.rawValue])?.bool("narrowed") == true
    }

    /// The group roles and their grants, made when missing (a database copied from another, or
    /// made before them).
    static func ensure(_ db: any Storage) throws {
        if try !present(db) { try db.execute(grants) }
    }
}

/// The server's own roles, as the rooms see them: nothing on SQLite, whose file has no logins.
public enum ServerRoles {
    /// `login` given `role` on the server too (an operator added or her role changed).
    public static func admit(_ db: any Storage, login: String, role: Role) throws {
        if db.sql.engine == .postgresql { try PGRoles.admit(db, login: login, role: role) }
    }

    /// `operator add` of a login the server has already, with rights an operator's login may not
    /// have (a superuser, a role that makes roles or databases, a member of other roles): refused,
    /// exit 7 naming them, so that no clerk's login runs with them. Nothing on SQLite.
    public static func requireOnlyOperatorRights(_ db: any Storage, login: String) throws {
        guard db.sql.engine == .postgresql else { return }
        let rights = try PGRoles.otherRights(db, login: login)
        guard rights.isEmpty else {
            throw MyGazError(.permission, .serverLoginHasOtherRights, .text(login), .text(rights.joined(separator: ", ")))
        }
    }

    /// `login` no longer an operator of this database on the server either.
    public static func dismiss(_ db: any Storage, login: String) throws {
        if db.sql.engine == .postgresql { try PGRoles.dismiss(db, login: login) }
    }

    /// Who is working, when the server says so (see `PGRoles.serverLogin`); nil: the OS login.
    public static func login(_ db: any Storage) throws -> String? { try PGRoles.serverLogin(db) }
}
