import Foundation
import Testing
import MyGazCore

/// Issue 37, item 2: on PostgreSQL an operator is a server role in her role's group, and the
/// server refuses what her role may not do, whatever client she uses. A clerk connects with
/// `psql` and tries, in SQL, to make herself admin, to give herself an operator, to change or
/// delete an audit row, to move the chain's head, to read a password's, a PIN's or an
/// activation link's hash: each refused by the server (SQLSTATE 42501). Her program's commands work as that role.
@Suite(.serialized, .enabled(if: TestEngine.default == .postgresql, "the server's own roles: PostgreSQL's alone (on SQLite the program checks roles itself)"))
struct ServerRolesTests {
    /// A database with the demo's data and a clerk `anna_<n>` (the role is the cluster's: each
    /// test its own name), and her address: the same database, connected as her.
    static func withClerk(_ name: String) -> (t: E2E, clerk: String, uri: String) {
        let t = E2E()
        #expect(t.run(["demo", "--accounts", "60", "--date", "2026-07-20"]).status == 0, "the demo")
        // scoped to the first RGK of the demo: widening it is one of the attacks
        let rgk = t.sql("SELECT code FROM rgk ORDER BY id LIMIT 1")
        let added = t.run(["operator", "add", name, "--role", "clerk", "--rgk", rgk])
        #expect(added.status == 0, "\(added)")
        let uri = t.db.replacingOccurrences(of: "postgresql://mygaz_test@", with: "postgresql://\(name)@")
        #expect(uri != t.db)
        return (t, name, uri)
    }

    /// `sql` run by psql connected as the address's role: its exit status and stderr.
    static func psql(_ uri: String, _ sql: String) -> E2E.Result {
        E2E.exec(E2E.psql, ["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", uri, "-c", sql])
    }

    @Test func aClerkInPsqlIsRefusedByTheServerWhatHerRoleMayNotDo() {
        let (t, clerk, uri) = Self.withClerk("anna_attack")
        // she is who she says, and may read what her work needs
        #expect(Self.psql(uri, "SELECT current_user").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == clerk)
        #expect(Self.psql(uri, "SELECT count(*) > 0 FROM reading").stdout.contains("t"))
        let attacks: [(String, String)] = [
            ("make herself admin", "UPDATE operator SET role = 'admin' WHERE login = '\(clerk)'"),
            ("add an operator", "INSERT INTO operator (login, role, created_at, created_by) VALUES ('mallory', 'admin', 'x', 'x')"),
            ("remove an operator", "DELETE FROM operator"),
            ("widen her RGKs to all", "DELETE FROM operator_rgk WHERE operator_login = '\(clerk)'"),
            ("widen her RGKs by one", "INSERT INTO operator_rgk (operator_login, rgk_id) SELECT '\(clerk)', max(id) FROM rgk"),
            ("change a setting", "UPDATE setting SET value = 'x'"),
            ("rewrite an audit row", "UPDATE audit SET action = 'nothing' WHERE id = (SELECT min(id) FROM audit)"),
            ("delete audit rows", "DELETE FROM audit"),
            ("empty the audit", "TRUNCATE audit"),
            ("move the chain's head", "UPDATE audit_chain SET last_seq = last_seq + 1"),
            ("change the schema's version", "UPDATE schema_version SET version = 1"),
            ("read a password's hash", "SELECT password_hash FROM portal_user LIMIT 1"),
            ("read a PIN's hash", "SELECT pin_hash FROM pin LIMIT 1"),
            ("read an activation link's hash", "SELECT token_hash FROM activation_link LIMIT 1"),
            ("read a bank card's payment token", "SELECT token FROM user_card LIMIT 1"),
            ("read every column of the users", "SELECT * FROM portal_user LIMIT 1"),
            ("make herself a member of the admins", "GRANT \(Self.group(t, "admin")) TO \(clerk)"),
            ("make herself a superuser", "ALTER ROLE \(clerk) SUPERUSER"),
            ("create a table", "CREATE TABLE mine (x int)"),
        ]
        // the desk's functions are her groups', nobody else's
        #expect(Self.psql(uri, "SELECT count(*) FROM mygaz_active_pin_hashes(1, '2000-01-01')").status == 0)
        _ = t.sql("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'stranger_t') THEN CREATE ROLE stranger_t LOGIN; END IF; END $$")
        let stranger = t.db.replacingOccurrences(of: "postgresql://mygaz_test@", with: "postgresql://stranger_t@")
        let outside = Self.psql(stranger, "SELECT count(*) FROM mygaz_active_pin_hashes(1, '2000-01-01')")
        #expect(outside.status != 0 && outside.stderr.contains("permission denied"), "a login of no group: \(outside)")
        for (what, sql) in attacks {
            let r = Self.psql(uri, sql)
            #expect(r.status != 0 && (r.stderr.contains("permission denied") || r.stderr.contains("must be") || r.stderr.contains("must have")),
                    "\(what): the server must refuse it: exit \(r.status) \(r.stderr)")
        }
        // nothing of it happened
        #expect(t.sql("SELECT role FROM operator WHERE login = '\(clerk)'") == "clerk")
        #expect(t.sql("SELECT count(*) FROM operator WHERE login = 'mallory'") == "0")
        #expect(t.sql("SELECT count(*) FROM operator_rgk WHERE operator_login = '\(clerk)'") == "1", "her scope as the admin gave it")
        #expect(t.run(["audit", "verify"]).status == 0, "the chain still verifies")
    }

    @Test func herCommandsWorkAsHerServerRoleAndTheTrailNamesHer() {
        let (t, clerk, uri) = Self.withClerk("anna_work")
        let asHer: ([String]) -> E2E.Result = { args in
            t.run(["--db", uri] + args, useDB: false)
        }
        for args in [["status"], ["reading", "list"], ["application", "list"], ["pin", "requests"], ["ticket", "list"],
                     ["user", "list"], ["outbox", "list"], ["audit", "list", "--limit", "5"]] {
            let r = asHer(args)
            #expect(r.status == 0, "\(args.joined(separator: " ")) as \(clerk): \(r.stderr)")
        }
        let pending = t.sql("SELECT min(id) FROM reading WHERE status = 'pending'")
        #expect(!pending.isEmpty)
        let accepted = asHer(["reading", "accept", pending, "--force", "--reason", "сверено", "--yes"])
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(t.sql("SELECT operator FROM audit WHERE entity_type = 'reading' AND entity_id = '\(pending)' ORDER BY id DESC LIMIT 1") == clerk,
                "the server says who she is, not her OS login")
        // her other writing commands, each through the grants of `PGRoles.writes` (a grant too
        // narrow fails here): a reading rejected, a PIN issued (its account's row locked), a ticket
        // entered from the phone
        let code = t.sql("SELECT code FROM rgk ORDER BY id LIMIT 1")
        let another = t.sql("SELECT min(r.id) FROM reading r JOIN meter m ON m.id = r.meter_id JOIN account a ON a.id = m.account_id WHERE r.status = 'pending' AND r.id <> \(pending) AND a.rgk_id = (SELECT min(id) FROM rgk)")
        #expect(!another.isEmpty)
        let rejected = asHer(["reading", "reject", another, "--reason", "other", "--message", "нет", "--force", "--yes"])
        #expect(rejected.status == 0, "reading reject as her: \(rejected.stderr)")
        let account = t.sql("SELECT number FROM account WHERE rgk_id = (SELECT min(id) FROM rgk) ORDER BY id LIMIT 1")
        let issued = asHer(["pin", "issue", account, "--rgk", code, "--print"])
        #expect(issued.status == 0, "pin issue as her: \(issued.stderr)")
        let opened = t.run(["--db", uri, "ticket", "open", "--channel", "rgk", "--rgk", code, "--topic", "bills", "--name", "Иванов Иван",
                            "--phone", "+79001234567", "--message-file", "-"], stdin: "Где счёт?\n", useDB: false)
        #expect(opened.status == 0, "ticket open as her: \(opened.stderr)")
        // the desk's check of a control answer reads one account's PINs through the server's
        // function, never the pin table's hashes: a wrong answer is a wrong answer, not a refusal
        let link = t.sql("""
            SELECT ua.user_id || ' ' || a.number || ' ' || g.code FROM user_account ua JOIN account a ON a.id = ua.account_id
            JOIN rgk g ON g.id = a.rgk_id WHERE ua.access_level = 'restricted' AND ua.locked_at IS NULL
              AND a.rgk_id = (SELECT min(id) FROM rgk)
              AND EXISTS (SELECT 1 FROM pin p WHERE p.account_id = a.id AND p.state = 'active') ORDER BY ua.user_id LIMIT 1
            """).split(separator: " ").map(String.init)
        #expect(link.count == 3, "a restricted link to an account of her RGK with an active PIN in the demo")
        if link.count == 3 {
            let wrong = t.run(["--db", uri, "user", "grant-extended", link[0], link[1], "--rgk", link[2], "--answer-stdin"],
                              stdin: "000000000\n", useDB: false)
            #expect(wrong.status != 0 && wrong.status != 7 && !wrong.stderr.contains("permission"), "checked, and wrong: \(wrong)")
            #expect(t.sql("SELECT failed_answers FROM user_account WHERE user_id = \(link[0])") == "1")
        }
        // what her role may not do, the program refuses too (exit 7) and the server would
        let refused = asHer(["operator", "add", "mallory", "--role", "admin"])
        #expect(refused.status == 7, "\(refused)")
        #expect(t.run(["audit", "verify"]).status == 0)
    }

    /// Row-level security by RGK: a clerk of the first RGK, in psql, sees no row of the others,
    /// cannot decide, move or insert one, and the program run as her lists only hers — whether or
    /// not the program limits itself too.
    @Test func aClerkOfOneRGKSeesAndChangesNoOtherRGKsRowsWhateverClientSheUses() {
        let (t, clerk, uri) = Self.withClerk("anna_rgk")
        let q = { (sql: String) -> String in
            let r = Self.psql(uri, sql)
            #expect(r.status == 0, "\(sql): \(r.stderr)")
            return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let mine = t.sql("SELECT min(id) FROM rgk"), other = t.sql("SELECT max(id) FROM rgk")
        let rgkOfReading = "(SELECT a.rgk_id FROM meter m JOIN account a ON a.id = m.account_id WHERE m.id = r.meter_id)"
        // what she reads: her RGK's rows, every one of them, and nothing else
        for (table, rgk) in [("account a", "a.rgk_id"), ("reading r", rgkOfReading), ("payment p", "p.rgk_id"),
                             ("application a", "a.rgk_id"), ("pin_request p", "(SELECT rgk_id FROM account WHERE id = p.account_id)"),
                             ("queue_count c", "nullif(c.rgk_id, 0)")] {
            #expect(t.sql("SELECT count(*) FROM \(table) WHERE \(rgk) <> \(mine)") != "0", "the demo has other RGKs' \(table)")
            #expect(q("SELECT count(*) FROM \(table) WHERE \(rgk) <> \(mine)") == "0", "\(table): another RGK's rows are not hers")
            #expect(q("SELECT count(*) FROM \(table) WHERE \(rgk) = \(mine)") == t.sql("SELECT count(*) FROM \(table) WHERE \(rgk) = \(mine)"),
                    "\(table): all of her RGK's rows")
        }
        #expect(q("SET ROLE \(Self.group(t, "clerk")); SELECT count(*) FROM account WHERE rgk_id <> \(mine)") == "0",
                "as her group she is still herself")
        // decide another RGK's reading: no row is touched
        let theirs = t.sql("SELECT min(r.id) FROM reading r WHERE r.status = 'pending' AND \(rgkOfReading) = \(other)")
        #expect(!theirs.isEmpty)
        #expect(q("WITH u AS (UPDATE reading SET status = 'rejected', reason = 'other', decided_by = '\(clerk)' WHERE id = \(theirs) RETURNING 1) SELECT count(*) FROM u") == "0")
        #expect(q("WITH d AS (UPDATE ticket SET topic = topic WHERE rgk_id = \(other) RETURNING 1) SELECT count(*) FROM d") == "0")
        #expect(t.sql("SELECT status FROM reading WHERE id = \(theirs)") == "pending", "unchanged")
        // move hers into another RGK, or write a row of another RGK: refused
        let hers = t.sql("SELECT min(id) FROM account WHERE rgk_id = \(mine)")
        let herReading = t.sql("SELECT min(r.id) FROM reading r WHERE \(rgkOfReading) = \(mine)")
        let theirMeter = t.sql("SELECT min(m.id) FROM meter m JOIN account a ON a.id = m.account_id WHERE a.rgk_id = \(other)")
        for (what, sql) in [
            ("move her account", "UPDATE account SET rgk_id = \(other) WHERE id = \(hers)"),
            ("move her reading onto another RGK's meter", "UPDATE reading SET meter_id = \(theirMeter) WHERE id = \(herReading)"),
            ("put her reading into another RGK's queue", "UPDATE reading SET rgk_id = \(other) WHERE id = \(herReading)"),
            ("insert a reading of another RGK's meter", """
                INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at) VALUES (\(theirMeter), 1, '2026-07-01', 'portal', 'pending', 'x')
                """),
            ("open a ticket in another RGK", """
                INSERT INTO ticket (channel, rgk_id, topic, status, sender_name, sender_phone, created_at, updated_at, last_customer_at)
                VALUES ('rgk', \(other), 'other', 'open', 'x', '+79000000000', 'x', 'x', 'x')
                """),
        ] {
            let r = Self.psql(uri, sql)
            #expect(r.status != 0 && r.stderr.contains("row-level security"), "\(what): the server must refuse it: exit \(r.status) \(r.stderr)")
        }
        // inserting an account is no clerk's (an import's, an admin's): refused before any policy
        let inserted = Self.psql(uri, "INSERT INTO account (rgk_id, number, updated_at) VALUES (\(other), '987654321', 'x')")
        #expect(inserted.status != 0 && inserted.stderr.contains("permission denied"), "\(inserted)")
        #expect(t.sql("SELECT rgk_id FROM account WHERE id = \(hers)") == mine)
        #expect(t.sql("SELECT count(*) FROM account WHERE number = '987654321'") == "0")
        // the desk's function answers nothing of another RGK's PINs
        let theirPin = t.sql("SELECT min(p.account_id) FROM pin p JOIN account a ON a.id = p.account_id WHERE p.state = 'active' AND a.rgk_id = \(other)")
        #expect(!theirPin.isEmpty)
        #expect(q("SELECT count(*) FROM mygaz_active_pin_hashes(\(theirPin), '2000-01-01')") == "0")
        // the program on top, as her: whatever it asks, the server answers with her RGK's rows
        let code = t.sql("SELECT code FROM rgk WHERE id = \(mine)")
        let listed = t.run(["--db", uri, "reading", "list", "--limit", "1000", "--format", "csv"], useDB: false)
        #expect(listed.status == 0, "\(listed.stderr)")
        let rgks = Set(listed.stdout.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[2]) })
        #expect(rgks == [code], "reading list as her: \(rgks)")
        let status = t.run(["--db", uri, "status", "--format", "json"], useDB: false)
        #expect(status.status == 0, "\(status.stderr)")
        let pending = t.sql("SELECT count(*) FROM reading r WHERE r.status = 'pending' AND \(rgkOfReading) = \(mine)")
        let json = (try? JSONSerialization.jsonObject(with: Data(status.stdout.utf8))) as? [String: Any]
        let queues = json?["queues"] as? [[String: Any]] ?? []
        let counted = queues.first { $0["queue"] as? String == "readings_pending" }?["count"] as? Int
        #expect(counted.map(String.init) == pending, "status as her counts her RGK's pending readings: \(status.stdout)")
        // the program shows her RGK's row alone; without its own check the other RGKs' rows would be
        // there (the RGKs are public), but with no queue of theirs counted: the server's limit
        let perRGK = (json?["rgk"] as? [[String: Any]] ?? []).filter { $0["rgk"] as? String != code }
        for row in perRGK {
            for queue in ["readings_pending", "applications_open", "tickets_open", "pin_requests_open"] {
                #expect(row[queue] as? Int == 0, "status as her, \(row["rgk"] ?? "?"): \(queue) \(row[queue] ?? "?")")
            }
        }
    }

    /// The policies are read by the indexes: each row they let through is found by its keys (the
    /// scope read once a query), so no plan of hers needs to read a whole table.
    @Test func herScopedQueriesAreAnsweredThroughIndexes() {
        let (t, _, uri) = Self.withClerk("anna_plan")
        let reading = t.sql("SELECT max(id) FROM reading"), account = t.sql("SELECT min(id) FROM account")
        let number = t.sql("SELECT number FROM account WHERE id = \(account)")
        for query in ["SELECT * FROM reading WHERE id = \(reading)",
                      "SELECT * FROM account WHERE rgk_id = (SELECT min(id) FROM rgk) AND number = '\(number)'",
                      "SELECT * FROM payment WHERE account_id = \(account) ORDER BY paid_on DESC LIMIT 50",
                      "SELECT id, full_name FROM portal_user WHERE id = (SELECT min(user_id) FROM user_account)",
                      "SELECT * FROM ticket_message WHERE ticket_id = (SELECT min(id) FROM ticket)"] {
            let r = Self.psql(uri, "SET enable_seqscan = off; EXPLAIN \(query)")
            #expect(r.status == 0 && r.stdout.contains("Index") && r.stdout.contains("InitPlan"), "\(query): \(r)")
            #expect(!r.stdout.contains("Seq Scan"), "\(query) reads a whole table:\n\(r.stdout)")
        }
    }

    /// Her searches go through the trigram indexes, which the row policies would keep out (`LIKE`
    /// is not leakproof): the search functions run as the schema's owner and keep her RGKs' rows
    /// themselves, so calling them in psql tells her nothing the policies hide, and her
    /// `account list --search` finds what the owner finds in her RGK, no more, no less.
    @Test func herSearchesFindOnlyHerRGKsRowsThroughTheOwnersFunctions() {
        let (t, _, uri) = Self.withClerk("anna_search")
        let hers = "(SELECT min(id) FROM rgk)"
        // a piece of a surname held in her RGK and in another
        let piece = t.sql("""
            SELECT lower(substr(a.surname, 1, 4)) FROM account a WHERE a.rgk_id = \(hers) AND EXISTS (SELECT 1 FROM account b
              WHERE b.rgk_id <> \(hers) AND lower(substr(b.surname, 1, 4)) = lower(substr(a.surname, 1, 4))) ORDER BY a.id LIMIT 1
            """)
        #expect(piece.count == 4, "a surname of both RGKs in the demo: '\(piece)'")
        for (function, table, scope) in [("mygaz_search_account_search", "account", "x.rgk_id = \(hers)"),
                                         ("mygaz_search_user_search", "portal_user",
                                          "(NOT EXISTS (SELECT 1 FROM user_account l WHERE l.user_id = x.id) OR EXISTS (SELECT 1 FROM user_account l JOIN account a ON a.id = l.account_id WHERE l.user_id = x.id AND a.rgk_id = \(hers)))")] {
            let everyone = t.sql("SELECT count(*) FROM \(function)('\(piece)', NULL, NULL)")
            let owners = t.sql("SELECT count(*) FROM \(table) x WHERE x.id IN (SELECT \(function)('\(piece)', NULL, NULL)) AND \(scope)")
            let herIDs = Self.psql(uri, "SELECT string_agg(CAST(id AS text), ',' ORDER BY id) FROM \(function)('\(piece)', NULL, NULL) AS f(id)")
            #expect(herIDs.status == 0, "\(function) as her: \(herIDs)")
            let ids = herIDs.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(Int(everyone) ?? 0 > Int(owners) ?? 0, "\(function): the piece is found outside her RGK too (\(everyone) in all, \(owners) hers)")
            #expect(ids.split(separator: ",").count == Int(owners), "\(function) as her: her RGK's \(owners) rows, not \(ids)")
            #expect(ids.isEmpty || t.sql("SELECT count(*) FROM \(table) x WHERE x.id IN (\(ids)) AND NOT \(scope)") == "0",
                    "\(function) told her of another RGK's row: \(ids)")
        }
        // every RGK asked for (the third argument) narrows, never widens: still hers alone
        let hersOnly = t.sql("""
            SELECT count(*) FROM account x WHERE x.id IN (SELECT mygaz_search_account_search('\(piece)', NULL, NULL)) AND x.rgk_id = \(hers)
            """)
        let widened = Self.psql(uri, "SELECT count(*) FROM mygaz_search_account_search('\(piece)', NULL, ARRAY(SELECT id FROM rgk))")
        #expect(widened.status == 0 && widened.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == hersOnly, "\(widened), hers \(hersOnly)")
        let listed = t.run(["--db", uri, "account", "list", "--search", piece, "--limit", "0", "--format", "tsv", "--no-header"], useDB: false)
        #expect(listed.status == 0, "\(listed)")
        let expected = t.sql("SELECT count(*) FROM account a WHERE a.rgk_id = \(hers) AND mygaz_fold(trim(coalesce(a.surname, '') || ' ' || coalesce(a.name, '') || ' ' || coalesce(a.patronymic, ''))) LIKE '%\(piece)%' OR (a.rgk_id = \(hers) AND (mygaz_fold(a.address) LIKE '%\(piece)%' OR mygaz_fold(a.phone) LIKE '%\(piece)%'))")
        #expect(String(listed.stdout.split(separator: "\n").count) == expected, "her search lists her RGK's matches: \(listed.stdout)")
    }

    /// Issue 37's bad input on the server, each exit 7 in one line that says what to do, nothing
    /// changed: a login the server does not know and one it knows in no operator's group (the
    /// command an admin runs), an admin whose server role may not make roles (the right named and
    /// the line a superuser runs), `operator add` of a role that has other rights (named).
    @Test func badLoginsSayWhatAnAdminOrASuperuserRuns() {
        let (t, _, _) = Self.withClerk("anna_bad")
        let as_ = { (login: String) in t.db.replacingOccurrences(of: "postgresql://mygaz_test@", with: "postgresql://\(login)@") }
        _ = t.sql("""
            CREATE ROLE lonely_bad LOGIN; CREATE ROLE adm_bad LOGIN; CREATE ROLE su_bad LOGIN CREATEDB
            """)
        let oneLine = { (r: E2E.Result) in r.stderr.split(separator: "\n").filter { !$0.contains("warning:") }.count == 1 }
        let unknown = t.run(["--db", as_("nobody_bad"), "status"], useDB: false)
        #expect(unknown.status == 7 && oneLine(unknown) && unknown.stderr.contains("mygaz-admin operator add nobody_bad --role clerk"), "\(unknown)")
        let lonely = t.run(["--db", as_("lonely_bad"), "status"], useDB: false)
        #expect(lonely.status == 7 && oneLine(lonely) && lonely.stderr.contains("no operator of this database")
                && lonely.stderr.contains("mygaz-admin operator add lonely_bad --role clerk"), "\(lonely)")
        // an admin of the program whose server role lacks CREATEROLE
        #expect(t.run(["operator", "add", "adm_bad", "--role", "admin"]).status == 0)
        let made = t.run(["--db", as_("adm_bad"), "operator", "add", "newbie_bad", "--role", "clerk"], useDB: false)
        #expect(made.status == 7 && oneLine(made) && made.stderr.contains("CREATEROLE")
                && made.stderr.contains(#"ALTER ROLE "adm_bad" CREATEROLE;"#), "\(made)")
        #expect(t.sql("SELECT count(*) FROM operator WHERE login = 'newbie_bad'") == "0")
        #expect(t.sql("SELECT count(*) FROM pg_roles WHERE rolname = 'newbie_bad'") == "0")
        // a role the server has already, with a right no operator may have
        let other = t.run(["operator", "add", "su_bad", "--role", "clerk"])
        #expect(other.status == 7 && oneLine(other) && other.stderr.contains("CREATEDB"), "\(other)")
        #expect(t.sql("SELECT count(*) FROM operator WHERE login = 'su_bad'") == "0")
        #expect(t.sql("SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = 'su_bad'") == "0",
                "and no group given")
    }

    /// Support keeps the portal-wide channel: tickets of no RGK are hers, not a scoped clerk's.
    @Test func supportSeesThePortalWideTicketsAScopedClerkDoesNot() {
        let (t, _, clerkURI) = Self.withClerk("anna_wide")
        let rgk = t.sql("SELECT code FROM rgk ORDER BY id LIMIT 1")
        #expect(t.run(["operator", "add", "sofia_wide", "--role", "support", "--rgk", rgk]).status == 0)
        let supportURI = t.db.replacingOccurrences(of: "postgresql://mygaz_test@", with: "postgresql://sofia_wide@")
        let wide = t.sql("SELECT count(*) FROM ticket WHERE rgk_id IS NULL")
        #expect(wide != "0", "the demo has tickets of the support channel")
        let count = "SELECT count(*) FROM ticket WHERE rgk_id IS NULL"
        #expect(Self.psql(supportURI, count).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == wide)
        #expect(Self.psql(clerkURI, count).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        let messages = "SELECT count(*) FROM ticket_message m JOIN ticket k ON k.id = m.ticket_id WHERE k.rgk_id IS NULL"
        #expect(Self.psql(supportURI, messages).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == t.sql(messages))
        #expect(Self.psql(supportURI, "SELECT count(*) FROM ticket WHERE rgk_id <> (SELECT min(id) FROM rgk)")
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "and of the RGKs, hers alone")
    }

    /// Each group writes what its commands write (`PGRoles.writes`) and nothing else: a clerk in
    /// psql may not write a reference table, delete a reading or write the FAQ; support may not
    /// decide a reading's PIN or change an account; what the server grants is the rules' table.
    @Test func eachGroupMayWriteOnlyWhatItsCommandsWrite() {
        let (t, clerk, uri) = Self.withClerk("anna_narrow")
        let rgk = t.sql("SELECT code FROM rgk ORDER BY id LIMIT 1")
        #expect(t.run(["operator", "add", "sofia_narrow", "--role", "support", "--rgk", rgk]).status == 0)
        let supportURI = t.db.replacingOccurrences(of: "postgresql://mygaz_test@", with: "postgresql://sofia_narrow@")
        let mine = t.sql("SELECT min(id) FROM rgk")
        let clerkAttacks: [(String, String)] = [
            ("add an RGK", "INSERT INTO rgk (code, name) VALUES ('evil', 'evil')"),
            ("rename an RGK", "UPDATE rgk SET name = 'x' WHERE id = \(mine)"),
            ("delete a reading", "DELETE FROM reading WHERE id = (SELECT min(id) FROM reading)"),
            ("delete an account", "DELETE FROM account WHERE id = (SELECT min(id) FROM account)"),
            ("change a meter's number", "UPDATE meter SET serial = 'x' WHERE id = (SELECT min(id) FROM meter)"),
            ("change a payment", "UPDATE payment SET amount_kop = amount_kop WHERE id = (SELECT min(id) FROM payment)"),
            ("delete a PIN", "DELETE FROM pin WHERE id = (SELECT min(id) FROM pin)"),
            ("write the FAQ", "DELETE FROM faq"),
            ("change a holiday", "DELETE FROM calendar_day"),
            ("forget an import", "DELETE FROM import_batch"),
            ("change the queues' counts", "UPDATE queue_count SET count = 0"),
        ]
        let supportAttacks: [(String, String)] = [
            ("issue a PIN", "UPDATE pin SET state = 'active' WHERE id = (SELECT min(id) FROM pin)"),
            ("change an account's phone", "UPDATE account SET phone = '+70000000000' WHERE id = (SELECT min(id) FROM account)"),
            ("lock a meter", "UPDATE meter SET id = id WHERE id = (SELECT min(id) FROM meter)"),
            ("add an RGK", "INSERT INTO rgk (code, name) VALUES ('evil', 'evil')"),
            ("delete a reading", "DELETE FROM reading"),
        ]
        for (who, address, attacks) in [(clerk, uri, clerkAttacks), ("sofia_narrow", supportURI, supportAttacks)] {
            for (what, sql) in attacks {
                let r = Self.psql(address, sql)
                #expect(r.status != 0 && r.stderr.contains("permission denied"), "\(who): \(what): the server must refuse it: exit \(r.status) \(r.stderr)")
            }
        }
        #expect(t.sql("SELECT count(*) FROM rgk WHERE code = 'evil'") == "0")
        // what the server grants each group is the rules' table: a write on a table is granted
        // exactly when a rule (or, for admins, INSERT and UPDATE everywhere) names it
        let tables = t.sql("SELECT string_agg(tablename, ' ' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public'")
            .split(separator: " ").map(String.init)
        #expect(tables.contains("reading") && tables.contains("rgk"))
        for role in Role.allCases {
            let g = Self.group(t, role.rawValue)
            let rules = PGRoles.writes.filter { $0.role == role }
            for table in tables where !["audit", "audit_chain", "schema_version"].contains(table) {
                for privilege in ["INSERT", "DELETE"] {
                    let granted = t.sql("SELECT has_table_privilege('\(g)', '\(table)', '\(privilege)')") == "t"
                    let ruled = rules.contains { $0.table == table && $0.privileges.contains(privilege) }
                        || (role == .admin && privilege == "INSERT")
                    #expect(granted == ruled, "\(role.rawValue) \(privilege) on \(table): granted \(granted), the rules say \(ruled)")
                }
            }
        }
        // and support's desk works as her server role: her typical commands
        for args in [["status"], ["ticket", "list"], ["user", "list"], ["outbox", "list"], ["application", "list"]] {
            let r = t.run(["--db", supportURI] + args, useDB: false)
            #expect(r.status == 0, "\(args.joined(separator: " ")) as support: \(r.stderr)")
        }
        #expect(t.run(["audit", "verify"]).status == 0)
    }

    /// A database of the current version whose grants were made before `PGRoles.writes` (every
    /// group writing every table but the admins') is narrowed by `init`.
    @Test func initNarrowsTheGrantsOfADatabaseMadeBefore() {
        let (t, _, uri) = Self.withClerk("anna_widened")
        let g = Self.group(t, "clerk")
        _ = t.sql("GRANT INSERT, UPDATE, DELETE ON rgk, reading, meter, payment TO \(g)")
        let before = Self.psql(uri, "WITH d AS (DELETE FROM payment WHERE false RETURNING 1) SELECT count(*) FROM d")
        #expect(before.status == 0, "wide before: \(before)")
        let r = t.run(["init"])
        #expect(r.status == 0, "\(r)")
        for sql in ["INSERT INTO rgk (code, name) VALUES ('evil', 'evil')", "DELETE FROM payment WHERE false", "DELETE FROM reading WHERE false"] {
            let after = Self.psql(uri, sql)
            #expect(after.status != 0 && after.stderr.contains("permission denied"), "\(sql) after init: \(after)")
        }
        #expect(t.run(["--db", uri, "reading", "list"], useDB: false).status == 0, "her work still works")
        #expect(t.run(["db", "check"]).status == 0)
    }

    /// A database of version 14 (before the policies) gets them at `init`.
    @Test func initBringsTheRowPoliciesToADatabaseMadeBefore() {
        let (t, _, uri) = Self.withClerk("anna_upgrade")
        let all = t.sql("SELECT count(*) FROM account")
        _ = t.sql("""
            DROP POLICY mygaz_scope ON account; ALTER TABLE account DISABLE ROW LEVEL SECURITY; UPDATE schema_version SET version = 14;
            ALTER FUNCTION user_account_at_most_three() SECURITY INVOKER RESET search_path;
            ALTER FUNCTION queue_count_1_reading() SECURITY INVOKER RESET search_path
            """)
        #expect(Self.psql(uri, "SELECT count(*) FROM account").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == all, "unlimited before")
        let r = t.run(["init"])
        #expect(r.status == 0, "\(r)")
        #expect(t.sql("SELECT version FROM schema_version") == String(Schema.currentVersion))
        #expect(Self.psql(uri, "SELECT count(*) FROM account").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            == t.sql("SELECT count(*) FROM account WHERE rgk_id = (SELECT min(id) FROM rgk)"))
        let check = t.run(["db", "check"])
        #expect(check.status == 0, "the upgraded schema is this version's: \(check)")
    }

    @Test func anOperatorRemovedOrMovedLeavesHerGroupOnTheServer() {
        let (t, clerk, uri) = Self.withClerk("anna_moved")
        #expect(t.run(["operator", "set-role", clerk, "support"]).status == 0)
        #expect(Self.member(t, clerk, "support") && !Self.member(t, clerk, "clerk"))
        #expect(t.run(["operator", "remove", clerk, "--yes"]).status == 0)
        #expect(!Self.rolesOf.contains { Self.member(t, clerk, $0) }, "in no group of this database")
        let r = t.run(["--db", uri, "status"], useDB: false)
        #expect(r.status == 7 && r.stderr.contains("no operator of this database")
                && r.stderr.contains("mygaz-admin operator add \(clerk) --role"), "no longer let in, and told what an admin runs: \(r)")
    }

    /// An admin who is not the schema's owner works as her server role: she makes, moves and
    /// removes operators (their server logins too, with the CREATEROLE a superuser gave her),
    /// changes a setting, checks the database (its scratch schema: the admins' group may create
    /// one) and the trail, and the trail names her.
    @Test func anAdminsCommandsWorkAsHerServerRole() {
        let t = E2E()
        #expect(t.run(["demo", "--accounts", "40", "--date", "2026-07-20"]).status == 0, "the demo")
        #expect(t.run(["operator", "add", "olga_admin", "--role", "admin"]).status == 0)
        _ = t.sql("ALTER ROLE olga_admin CREATEROLE")
        let uri = t.db.replacingOccurrences(of: "postgresql://mygaz_test@", with: "postgresql://olga_admin@")
        let asHer = { (args: [String]) in t.run(["--db", uri] + args, useDB: false) }
        let rgk = t.sql("SELECT code FROM rgk ORDER BY id LIMIT 1")
        for args in [["operator", "add", "kira_admin", "--role", "clerk", "--rgk", rgk], ["operator", "edit", "kira_admin", "--role", "support"],
                     ["operator", "list"], ["operator", "show", "kira_admin"], ["config", "set", "payment.stuck_days", "5"],
                     ["status"], ["db", "check"], ["audit", "verify"], ["calendar", "list"], ["operator", "remove", "kira_admin", "--yes"]] {
            let r = asHer(args)
            #expect(r.status == 0, "\(args.joined(separator: " ")) as her: \(r.stderr)")
        }
        #expect(t.sql("SELECT count(*) FROM pg_roles WHERE rolname = 'kira_admin'") == "1", "the login she made")
        #expect(t.sql("SELECT value FROM setting WHERE key = 'payment.stuck_days'") == "5")
        #expect(t.sql("SELECT count(*) FROM operator WHERE login = 'kira_admin'") == "0")
        #expect(t.sql("SELECT DISTINCT operator FROM audit WHERE action LIKE 'operator.%' AND entity_id = 'kira_admin'") == "olga_admin",
                "the trail names her")
        #expect(t.run(["audit", "verify"]).status == 0)
    }

    static let rolesOf = ["clerk", "support", "admin"]

    /// The group role of `role` in the test's database.
    static func group(_ t: E2E, _ role: String) -> String {
        t.sql("SELECT left(regexp_replace(lower(current_database()), '[^a-z0-9_]', '_', 'g'), 50) || '_\(role)'")
    }

    static func member(_ t: E2E, _ login: String, _ role: String) -> Bool {
        t.sql("SELECT pg_has_role('\(login)', '\(group(t, role))', 'MEMBER')") == "t"
    }
}
