import Foundation
import MyGazCore
import Testing

/// Issue 37, item 3, as an admin and an outsider see it on either engine: the trail rewritten with
/// sqlite3 or psql around the program is named by `db check` and `audit verify` (exit 8); the
/// chain is recomputed by python's hashlib from the readers' own output; the file and the server
/// refuse to rewrite audit rows; no customer's value reaches the trail; an erasure leaves a chain
/// that verifies and nothing of her.
@Suite struct AuditChainE2ETests {
    /// A demo region with a day of decisions: a bulk accept, a block with a clerk's reason.
    static func region() -> E2E {
        let t = E2E()
        t.demo(accounts: 60)
        let accepted = t.run("reading", "accept", "--all-valid", "--yes")
        precondition(accepted.status == 0, "\(accepted)")
        let user = t.sql("SELECT min(id) FROM portal_user WHERE status = 'active'")
        precondition(t.run("user", "block", user, "--reason", "Просит заблокировать: утерян телефон").status == 0)
        return t
    }

    /// `sql` run by someone who holds the file (sqlite3, the guard triggers dropped) or owns the
    /// table (psql, its triggers off for the statement).
    static func tamper(_ t: E2E, _ sql: String) {
        switch t.engine {
        case .sqlite:
            _ = t.sql("""
                DROP TRIGGER IF EXISTS audit_insert_only_update; DROP TRIGGER IF EXISTS audit_insert_only_delete;
                DROP TRIGGER IF EXISTS audit_chain_forward; \(sql);
                """)
        case .postgresql:
            _ = t.sql("ALTER TABLE audit DISABLE TRIGGER USER; \(sql); ALTER TABLE audit ENABLE TRIGGER USER;")
        }
    }

    enum Rewrite: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case contentEdited, rowDeleted, rowInsertedInTheMiddle, hashEdited
        var testDescription: String { rawValue }
    }

    @Test(arguments: Rewrite.allCases) func aRewrittenTrailIsNamedByDbCheckAndAuditVerify(_ rewrite: Rewrite) throws {
        let t = Self.region()
        #expect(t.run("audit", "verify").status == 0)
        let rows = try #require(Int(t.sql("SELECT count(*) FROM audit")))
        #expect(rows >= 6, "a trail to rewrite")
        // a row in the middle, by its place in the chain
        let place = rows / 2
        let id = t.sql("SELECT id FROM audit WHERE chain_seq = \(place)")
        let next = t.sql("SELECT id FROM audit WHERE chain_seq = \(place + 1)")
        let named: String, kind: String
        switch rewrite {
        case .contentEdited:
            Self.tamper(t, "UPDATE audit SET new_value = 'rejected' WHERE id = \(id)")
            (named, kind) = ("row \(id) was changed after it was written", "content_changed")
        case .rowDeleted:
            Self.tamper(t, "DELETE FROM audit WHERE id = \(id)")
            let before = t.sql("SELECT id FROM audit WHERE chain_seq = \(place - 1)")
            (named, kind) = ("1 row is missing between row \(before) and row \(next)", "rows_missing")
        case .rowInsertedInTheMiddle:
            // as someone who read docs/schema.md would: room made, the hash computed from the row before
            let previous = t.sql("SELECT chain_hash FROM audit WHERE chain_seq = \(place)")
            let at = t.sql("SELECT at FROM audit WHERE chain_seq = \(place)")
            let forged = AuditChain.Link(seq: Int64(place + 1), id: 900_000, at: at, operatorLogin: "someone", action: "reading.reject",
                                         entityType: "reading", entityID: "1", oldValue: "pending", newValue: "rejected",
                                         reasonCode: nil, reasonArgs: nil, reasonDigest: nil)
            Self.tamper(t, """
                UPDATE audit SET chain_seq = -chain_seq WHERE chain_seq > \(place); UPDATE audit SET chain_seq = 1 - chain_seq WHERE chain_seq < 0;
                INSERT INTO audit (id, at, operator, action, entity_type, entity_id, old_value, new_value, chain_seq, chain_hash)
                VALUES (900000, '\(at)', 'someone', 'reading.reject', 'reading', '1', 'pending', 'rejected', \(place + 1),
                        '\(AuditChain.hash(after: previous, forged))')
                """)
            (named, kind) = ("row 900000 was inserted afterwards", "row_inserted")
        case .hashEdited:
            Self.tamper(t, "UPDATE audit SET chain_hash = '\(String(repeating: "0", count: 64))' WHERE id = \(id)")
            (named, kind) = ("the stored hash of row \(id) was edited", "hash_edited")
        }
        let verify = t.run("audit", "verify")
        #expect(verify.status == 8 && verify.stderr.contains(named), "\(verify)")
        #expect(verify.stderr.split(separator: "\n").count == 1, "one line: \(verify.stderr)")
        let json = t.run("audit", "verify", "--json")
        let fault = json.jsonObject["fault"] as? [String: Any]
        #expect(json.status == 8 && fault?["kind"] as? String == kind && json.jsonObject["ok"] as? Bool == false, "\(json)")
        let check = t.run("db", "check")
        #expect(check.status == 8 && check.stderr.contains(named), "\(check)")
        let russian = t.run("--lang", "ru", "audit", "verify")
        #expect(russian.status == 8 && russian.stderr.contains("журнал аудита"), "\(russian)")
    }

    /// The canonical form of docs/schema.md, in python, over the rows as sqlite3 (`-json`) or psql
    /// (`row_to_json`) print them: every hash, every reason's digest and the head recomputed.
    static let outsideReader = #"""
    import hashlib, json, sys
    text = sys.stdin.read()
    try:
        rows = json.loads(text)                                                   # sqlite3 -json: one array
    except ValueError:
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]   # psql: an object a line
    def field(v):
        if v is None: return b"-"
        b = str(v).encode("utf-8")
        return str(len(b)).encode() + b":" + b
    order = ["chain_seq", "id", "at", "operator", "action", "entity_type", "entity_id", "old_value", "new_value",
             "reason_code", "reason_args", "reason_digest"]
    previous, reasons = "0" * 64, 0
    for n, row in enumerate(sorted(rows, key=lambda r: r["chain_seq"]), 1):
        assert row["chain_seq"] == n, ("place", n, row["id"])
        computed = hashlib.sha256(previous.encode() + b"".join(field(row[k]) for k in order)).hexdigest()
        assert computed == row["chain_hash"], ("hash", row["id"])
        if row["reason"] is not None:
            assert hashlib.sha256((row["reason_salt"] + row["reason"]).encode()).hexdigest() == row["reason_digest"], ("reason", row["id"])
            reasons += 1
        previous = computed
    head = sys.argv[1].split("|")
    assert int(head[0]) == len(rows) and head[1] == previous, ("head", head)
    print(len(rows), reasons, previous)
    """#

    @Test func pythonRecomputesTheChainFromTheReadersOwnOutput() throws {
        let t = Self.region()
        // a reason in Cyrillic, a note in JSON, NULLs, a row an erasure took the reason of
        let user = t.sql("SELECT min(id) FROM portal_user WHERE status = 'blocked'")
        #expect(t.run("user", "unblock", user).status == 0)
        let rows: String = switch t.engine {
        case .sqlite: E2E.exec("/usr/bin/sqlite3", ["-json", t.db, "SELECT * FROM audit ORDER BY chain_seq"]).stdout
        case .postgresql: t.sql("SELECT row_to_json(a) FROM audit a ORDER BY chain_seq")
        }
        let head = t.sql("SELECT last_seq || '|' || last_hash FROM audit_chain")
        let python = E2E.exec("/usr/bin/env", ["python3", "-c", Self.outsideReader, head], stdin: Array(rows.utf8))
        #expect(python.status == 0, "\(python)")
        let answer = python.stdout.split(separator: " ").map(String.init)
        #expect(answer.count == 3 && answer[0] == t.sql("SELECT count(*) FROM audit") && answer[1] == "1", "\(python)")
        let verify = t.run("audit", "verify", "--json")
        #expect(verify.status == 0 && verify.jsonObject["last_hash"] as? String == answer.last?.trimmingCharacters(in: .whitespacesAndNewlines),
                "the program and python end on the same hash: \(verify)")
    }

    @Test func theFileAndTheServerRefuseToRewriteAuditRows() {
        let t = Self.region()
        let refused: [String] = switch t.engine {
        case .sqlite:
            ["UPDATE audit SET new_value = 'rejected' WHERE id = 2", "DELETE FROM audit WHERE id = 2", "DELETE FROM audit",
             "UPDATE audit SET reason = NULL WHERE reason IS NOT NULL", "UPDATE audit_chain SET last_seq = 1", "DELETE FROM audit_chain"]
        case .postgresql:
            ["UPDATE audit SET new_value = 'rejected' WHERE id = 2", "DELETE FROM audit WHERE id = 2", "TRUNCATE audit", "TRUNCATE audit CASCADE",
             "UPDATE audit SET reason = NULL WHERE reason IS NOT NULL", "UPDATE audit SET chain_seq = NULL WHERE id = 2",
             "UPDATE audit_chain SET last_seq = 1", "DELETE FROM audit_chain", "TRUNCATE audit_chain"]
        }
        let before = t.sql("SELECT count(*) || ' ' || max(chain_hash) FROM audit")
        for sql in refused {
            let r = switch t.engine {
            case .sqlite: E2E.exec("/usr/bin/sqlite3", ["-bail", t.db, sql])
            case .postgresql: E2E.exec(E2E.psql, ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", t.db, "-c", sql])
            }
            #expect(r.status != 0 && (r.stderr.contains("insert-only") || r.stderr.contains("only moves on")), "\(sql): \(r)")
        }
        #expect(t.sql("SELECT count(*) || ' ' || max(chain_hash) FROM audit") == before)
        #expect(t.run("audit", "verify").status == 0)
        // the one change there is, an erasure's: a reason's text and its salt
        let reason = t.sql("SELECT id FROM audit WHERE reason IS NOT NULL ORDER BY id LIMIT 1")
        _ = t.sql("UPDATE audit SET reason = NULL, reason_salt = NULL WHERE id = \(reason)")
        #expect(t.run("audit", "verify").status == 0)
    }

    @Test func noValueOfACustomerReachesTheTrailAndHerErasureLeavesAChainThatVerifies() throws {
        let t = E2E()
        t.demo(accounts: 30)
        let name = "Зюзина-Пржевальская Агния", email = "agniya.zyuzina@example.net", phone = "+79447503641"
        let created = t.run(["user", "create", email, "--name", name, "--phone", "8 944 750-36-41", "--password-stdin"], stdin: "Secret123\n")
        #expect(created.status == 0, "\(created)")
        let user = t.sql("SELECT id FROM portal_user WHERE login = '\(email)'")
        let newName = "Зюзина Агния Петровна", newEmail = "agniya.new@example.net", newPhone = "+79447509988", login = "+79447501122"
        #expect(t.run("user", "resend-code", user, "--purpose", "recovery").status == 0)
        #expect(t.run("user", "edit", user, "--name", newName, "--email", newEmail, "--phone", "8 944 750 99 88").status == 0)
        #expect(t.run("user", "set-login", user, "8 944 750 11 22").status == 0)
        #expect(t.run("user", "link", user, "70000001", "--rgk", "vologda", "--alias", "Дача Зюзиных").status == 0)
        #expect(t.run("user", "alias", user, "70000001", "--rgk", "vologda", "Дом Зюзиных").status == 0)
        #expect(t.run("user", "block", user, "--reason", "Зюзина просит заблокировать").status == 0)
        #expect(t.run("user", "unblock", user).status == 0)
        let values = [name, email, phone, newName, newEmail, newPhone, login, "9447503641", "Зюзин", "zyuzina"]
        let trail = t.sql("SELECT coalesce(old_value, '') || '|' || coalesce(new_value, '') || '|' || coalesce(reason_args, '') FROM audit")
        for value in values { #expect(!trail.contains(value), "\(value) in the audit's values:\n\(trail)") }
        #expect(t.sql("SELECT count(*) FROM audit WHERE entity_id = '\(user)' AND action = 'user.edit'") == "3", "each change audited, by its field")
        let kept = t.sql("SELECT field || ' ' || value FROM user_former_value WHERE user_id = \(user) ORDER BY field, value")
        #expect(kept.contains("full_name \(name)") && kept.contains("email \(email)") && kept.contains("phone \(phone)")
                && kept.contains("login \(email)") && kept.contains("phone \(newPhone)"), "her former values stay with her: \(kept)")
        #expect(t.run("audit", "verify").status == 0)

        let erased = t.run("user", "delete", user, "--yes")
        #expect(erased.status == 0, "\(erased)")
        let verify = t.run("audit", "verify")
        #expect(verify.status == 0, "the chain verifies after the erasure: \(verify)")
        // nothing of her in the trail, the clerk's words included, or in what was kept of her
        let everything = switch t.engine {
        case .sqlite: E2E.exec("/usr/bin/sqlite3", [t.db, ".dump audit", ".dump user_former_value", ".dump portal_user"]).stdout
        case .postgresql: t.sql("SELECT row_to_json(a)::text FROM audit a UNION ALL SELECT row_to_json(f)::text FROM user_former_value f UNION ALL SELECT row_to_json(u)::text FROM portal_user u WHERE u.id = \(user)")
        }
        #expect(!everything.isEmpty)
        for value in values { #expect(!everything.contains(value), "\(value) is left") }
        #expect(t.sql("SELECT count(*) FROM audit WHERE entity_id = '\(user)' AND action = 'user.block' AND reason IS NULL AND reason_salt IS NULL AND reason_digest IS NOT NULL") == "1",
                "the words that named her went, their digest stays in the chain")
    }
}
