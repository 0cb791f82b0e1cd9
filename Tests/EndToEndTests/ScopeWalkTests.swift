import Foundation
import Testing

/// A clerk of ONE RGK walked through every command group against the demo's three RGKs (issue 37
/// item 1): her lists, `status` and completions hold only hers; another RGK's id is not found for
/// a list or a show and refused (exit 7, naming the RGK) for a decision, a bulk decision, an
/// import or an export, nothing changed; an admin without a scope sees all; support still sees
/// the tickets of no RGK.
@Suite struct ScopeWalkTests {
    @Test(.enabled(if: TestLogins.available)) func aClerkOfOneRGKWalksEveryGroup() throws {
        let t = E2E()
        t.demo(accounts: 60)
        #expect(t.run("operator", "add", "mgzt-clerk", "--role", "clerk", "--rgk", "vologda").status == 0)
        #expect(t.run("operator", "add", "mgzt-support", "--role", "support", "--rgk", "vologda").status == 0)
        _ = E2E.sh("chmod 777 '\(t.dir)' && chmod 666 '\(t.db)'*")
        func clerk(_ args: [String], stdin: String? = nil) -> E2E.Result {
            t.run(args, stdin: stdin, as: "mgzt-clerk", binary: TestLogins.publicBinary)
        }
        func clerk(_ args: String...) -> E2E.Result { clerk(args) }
        let vologda = t.sql("SELECT id FROM rgk WHERE code = 'vologda'")
        func ids(_ r: E2E.Result, _ key: String = "id") -> Set<String> {
            Set(r.jsonArray.map { "\($0[key] ?? "")" })
        }
        func sqlSet(_ query: String) -> Set<String> { Set(t.sql(query).split(separator: "\n").map(String.init)) }

        // the lists: only hers, exactly hers
        let accountOf = "SELECT a.id FROM account a WHERE a.rgk_id = \(vologda)"
        #expect(ids(clerk("reading", "list", "--json", "--limit", "10000"))
                == sqlSet("SELECT r.id FROM reading r JOIN meter m ON m.id = r.meter_id WHERE r.status = 'pending' AND m.account_id IN (\(accountOf))"))
        #expect(ids(clerk("application", "list", "--status", "all", "--json", "--limit", "10000"))
                == sqlSet("SELECT id FROM application WHERE rgk_id = \(vologda)"))
        let clerksTickets = ids(clerk("ticket", "list", "--status", "all", "--json", "--limit", "10000"))
        #expect(clerksTickets == sqlSet("SELECT id FROM ticket WHERE rgk_id = \(vologda) OR rgk_id IS NULL"))
        #expect(ids(clerk("account", "list", "--json", "--limit", "10000"), "account") == sqlSet("SELECT number FROM account WHERE rgk_id = \(vologda)"))
        #expect(ids(clerk("payment", "list", "--json", "--limit", "10000")) == sqlSet("SELECT id FROM payment WHERE rgk_id = \(vologda)"))
        #expect(ids(clerk("pin", "requests", "--status", "all", "--json", "--limit", "10000"))
                == sqlSet("SELECT p.id FROM pin_request p WHERE p.account_id IN (\(accountOf))"))
        #expect(ids(clerk("outbox", "list", "--json", "--limit", "10000"))
                == sqlSet("SELECT id FROM outbox WHERE rgk_id = \(vologda) OR rgk_id IS NULL"))
        #expect(ids(clerk("user", "list", "--json", "--limit", "10000")) == sqlSet("""
            SELECT u.id FROM portal_user u WHERE u.id IN (SELECT l.user_id FROM user_account l WHERE l.account_id IN (\(accountOf)))
               OR u.id NOT IN (SELECT user_id FROM user_account)
            """))
        // an admin without a scope sees every RGK's
        let all = t.run("application", "list", "--status", "all", "--json", "--limit", "10000").jsonArray
        #expect(Set(all.compactMap { $0["rgk"] as? String }) == ["vologda", "kostroma", "yaroslavl"])

        // status counts only hers
        let status = clerk("status", "--json").jsonObject
        let queues = (status["queues"] as? [[String: Any]] ?? []).reduce(into: [String: Int]()) { $0[$1["queue"] as? String ?? ""] = $1["count"] as? Int }
        #expect(queues["readings_pending"].map(String.init) == t.sql("SELECT count(*) FROM reading WHERE status = 'pending' AND rgk_id = \(vologda)"))
        #expect(queues["applications_open"].map(String.init)
                == t.sql("SELECT count(*) FROM application WHERE rgk_id = \(vologda) AND status IN ('submitted', 'needs_info')"))
        #expect((status["rgk"] as? [[String: Any]])?.compactMap { $0["rgk"] as? String } == ["vologda"], "\(status)")

        // another RGK's id: not found for a show, exit 7 naming the RGK for a decision, nothing changed
        let theirReading = t.sql("""
            SELECT r.id FROM reading r JOIN meter m ON m.id = r.meter_id JOIN account a ON a.id = m.account_id JOIN rgk g ON g.id = a.rgk_id
            WHERE g.code = 'kostroma' AND r.status = 'pending' ORDER BY r.id LIMIT 1
            """)
        let myReading = t.sql("SELECT id FROM reading WHERE status = 'pending' AND rgk_id = \(vologda) ORDER BY id LIMIT 1")
        let unknown = clerk("reading", "show", "999999")
        let shown = clerk("reading", "show", theirReading)
        #expect(shown.status == unknown.status && shown.status == 3, "\(shown)")
        let decided = clerk("reading", "reject", theirReading, "--reason", "other", "--message", "нет")
        #expect(decided.status == 7 && decided.stderr.contains("kostroma"), "\(decided)")
        // a batch with one of another RGK's ids is refused whole before anything changes, from argv and from stdin
        let batch = clerk("reading", "reject", myReading, theirReading, "--reason", "other", "--message", "нет", "--continue-on-error")
        #expect(batch.status == 7 && batch.stderr.contains("kostroma"), "\(batch)")
        let piped = clerk(["reading", "reject", "-", "--reason", "other", "--message", "нет", "--yes"], stdin: "\(myReading)\n\(theirReading)\n")
        #expect(piped.status == 7 && piped.stderr.contains(theirReading), "\(piped)")
        #expect(t.sql("SELECT status FROM reading WHERE id IN (\(myReading), \(theirReading)) GROUP BY status") == "pending")

        let theirApplication = t.sql("SELECT id FROM application WHERE rgk_id <> \(vologda) AND status = 'submitted' ORDER BY id LIMIT 1")
        #expect(clerk("application", "show", theirApplication).status == 3)
        #expect(clerk("application", "approve", theirApplication).status == 7)
        #expect(t.sql("SELECT status FROM application WHERE id = \(theirApplication)") == "submitted")
        let theirTicket = t.sql("SELECT id FROM ticket WHERE rgk_id <> \(vologda) AND status <> 'closed' ORDER BY id LIMIT 1")
        #expect(clerk("ticket", "show", theirTicket).status == 3)
        #expect(clerk("ticket", "close", theirTicket).status == 7)
        let theirAccount = t.sql("SELECT number FROM account WHERE rgk_id <> \(vologda) ORDER BY id LIMIT 1")
        let theirCode = t.sql("SELECT g.code FROM account a JOIN rgk g ON g.id = a.rgk_id WHERE a.number = '\(theirAccount)'")
        #expect(clerk("account", "show", theirAccount, "--rgk", theirCode).status == 3)
        let pin = clerk("pin", "revoke", theirAccount, "--rgk", theirCode)
        #expect(pin.status == 7 && pin.stderr.contains(theirCode), "\(pin)")
        // issue 39's bad input: the holder's phone of an account of another RGK, one line, nothing changed
        let phoned = clerk("account", "set-phone", theirAccount, "--rgk", theirCode, "--phone", "+79215550102", "--document", "паспорт 1900 123456")
        #expect(phoned.status == 7 && phoned.stderr.contains(theirCode) && phoned.stderr.split(separator: "\n").count == 1 && phoned.stdout.isEmpty,
                "\(phoned)")
        #expect(t.sql("SELECT count(*) FROM account_phone_change") == "0")
        #expect(t.sql("SELECT count(*) FROM account WHERE phone = '+79215550102'") == "0")
        let bulk = clerk("reading", "accept", "--all-valid", "--rgk", "kostroma", "--yes")
        #expect(bulk.status == 7 && bulk.stderr.contains("kostroma"), "\(bulk)")
        #expect(clerk("bill", "send", "--period", "2026-06", "--rgk", "kostroma", "--dry-run").status == 7)
        // the notices go to her customers only: what an admin of every RGK plans for vologda, less than for all
        func toQueue(_ r: E2E.Result) -> Int { r.jsonObject["to_queue"] as? Int ?? -1 }
        let hers = clerk("notice", "verification", "--within", "730d", "--dry-run", "--json")
        let vologdaOnly = t.run("notice", "verification", "--within", "730d", "--rgk", "vologda", "--dry-run", "--json")
        let everyone = t.run("notice", "verification", "--within", "730d", "--dry-run", "--json")
        #expect(toQueue(hers) >= 1 && toQueue(hers) == toQueue(vologdaOnly) && toQueue(everyone) > toQueue(hers), "\(hers) \(everyone)")
        #expect(clerk("notice", "debts", "--period", "2026-06", "--rgk", "kostroma", "--dry-run").status == 7)

        // completion offers only hers
        let offered = clerk("__complete", "pending-reading", "").stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
        #expect(!offered.isEmpty && Set(offered).isSubset(of: sqlSet("SELECT id FROM reading WHERE rgk_id = \(vologda)")), "\(offered)")
        #expect(clerk("__complete", "rgk", "").stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) } == ["vologda"])

        // support of vologda still sees the tickets of no RGK (the portal-wide support channel)
        let support = ids(t.run(["ticket", "list", "--status", "all", "--json", "--limit", "10000"], as: "mgzt-support", binary: TestLogins.publicBinary))
        #expect(support.isSuperset(of: sqlSet("SELECT id FROM ticket WHERE rgk_id IS NULL")) && !support.contains(theirTicket))

        // import and export by an admin of vologda alone: another RGK's file or --rgk refused, nothing written
        #expect(t.run("operator", "add", "mgzt-outsider", "--role", "admin", "--rgk", "vologda").status == 0)
        func admin(_ args: String...) -> E2E.Result { t.run(args, as: "mgzt-outsider", binary: TestLogins.publicBinary) }
        let file = t.dir + "/accounts.csv"
        try "РГК;Лицевой счет;Фамилия\nvologda;70009001;Новиков\nkostroma;44009001;Новиков\n".write(toFile: file, atomically: true, encoding: .utf8)
        _ = E2E.sh("chmod 644 '\(file)'")
        let before = t.sql("SELECT count(*) FROM account") + "|" + t.sql("SELECT count(*) FROM import_batch")
        let imported = admin("import", "accounts", file)
        #expect(imported.status == 7 && imported.stderr.contains("kostroma"), "\(imported)")
        #expect(admin("import", "accounts", file, "--rgk", "kostroma").status == 7)
        #expect(t.sql("SELECT count(*) FROM account") + "|" + t.sql("SELECT count(*) FROM import_batch") == before)
        #expect(admin("export", "readings", "--rgk", "kostroma", "--status", "all").status == 7)
        let exported = admin("export", "readings", "--rgk", "vologda", "--status", "all", "--json")
        #expect(exported.status == 0 && Set(exported.jsonArray.compactMap { $0["rgk"] as? String }).isSubset(of: ["vologda"]), "\(exported)")
    }
}
