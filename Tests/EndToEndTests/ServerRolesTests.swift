import Foundation
import Testing

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
        // the desk's check of a control answer reads one account's PINs through the server's
        // function, never the pin table's hashes: a wrong answer is a wrong answer, not a refusal
        let link = t.sql("""
            SELECT ua.user_id || ' ' || a.number || ' ' || g.code FROM user_account ua JOIN account a ON a.id = ua.account_id
            JOIN rgk g ON g.id = a.rgk_id WHERE ua.access_level = 'restricted' AND ua.locked_at IS NULL
              AND EXISTS (SELECT 1 FROM pin p WHERE p.account_id = a.id AND p.state = 'active') ORDER BY ua.user_id LIMIT 1
            """).split(separator: " ").map(String.init)
        #expect(link.count == 3, "a restricted link to an account with an active PIN in the demo")
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

    @Test func anOperatorRemovedOrMovedLeavesHerGroupOnTheServer() {
        let (t, clerk, uri) = Self.withClerk("anna_moved")
        #expect(t.run(["operator", "set-role", clerk, "support"]).status == 0)
        #expect(Self.member(t, clerk, "support") && !Self.member(t, clerk, "clerk"))
        #expect(t.run(["operator", "remove", clerk, "--yes"]).status == 0)
        #expect(!Self.rolesOf.contains { Self.member(t, clerk, $0) }, "in no group of this database")
        let r = t.run(["--db", uri, "status"], useDB: false)
        #expect(r.status != 0 && r.stderr.contains("permission denied"), "no longer let in: \(r)")
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
