import Foundation
import Testing

/// docs/json.md is the contract of `--format json`: every list and show prints exactly the keys
/// it documents, with their types; a show has every key of its list.
@Suite struct JSONKeysTests {
    struct Documented {
        var types: [String: Set<String>] = [:]
        var inList: Set<String> = []
    }

    /// The tables of docs/json.md, by entity.
    static func documented() throws -> [String: Documented] {
        let text = try String(contentsOfFile: repositoryRoot + "/docs/json.md", encoding: .utf8)
        var entities: [String: Documented] = [:]
        var current: String?
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("## ") { current = String(line.dropFirst(3)); entities[current!] = Documented(); continue }
            guard let entity = current, line.hasPrefix("| `") else { continue }
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            let key = cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))
            entities[entity]!.types[key] = Set(cells[1].components(separatedBy: " or "))
            if cells.count > 2 && cells[2] == "yes" { entities[entity]!.inList.insert(key) }
        }
        return entities
    }

    static func type(_ value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case let n as NSNumber:
            if String(describing: Swift.type(of: n)).contains("Boolean") { return "boolean" }
            return "fd".contains(String(cString: n.objCType)) ? "number" : "integer"
        case is String: return "string"
        case is [Any]: return "array"
        case is [String: Any]: return "object"
        default: return "?"
        }
    }

    /// Every key of every object, with `key[].sub` for the objects of an array, and its types.
    static func observed(_ objects: [[String: Any]], into seen: inout [String: Set<String>], prefix: String = "", every: inout [Set<String>]) {
        for object in objects {
            every.append(Set(object.keys.map { prefix + $0 }))
            for (key, value) in object {
                seen[prefix + key, default: []].insert(type(value))
                if key != "details", let items = value as? [[String: Any]], !items.isEmpty {
                    observed(items, into: &seen, prefix: prefix + key + "[].", every: &every)
                }
            }
        }
    }

    @Test func everyListAndShowPrintsTheDocumentedKeys() throws {
        let t = E2E()
        t.demo(accounts: 300)
        // a little of everything the demo does not have: decisions, codes, links, messages
        let reading = t.sql("SELECT id FROM reading WHERE status = 'pending' ORDER BY id LIMIT 1")
        _ = t.run("reading", "reject", reading, "--reason", "other", "--message", "Проверьте")
        let user = t.sql("SELECT id FROM portal_user WHERE status = 'active' AND login_kind = 'phone' ORDER BY id LIMIT 1")
        _ = t.run("user", "resend-code", user, "--purpose", "recovery")
        _ = t.run("user", "block", user, "--reason", "проверка")
        let account = t.sql("SELECT number FROM account ORDER BY id LIMIT 1"), rgk = t.sql("SELECT g.code FROM account a JOIN rgk g ON g.id = a.rgk_id ORDER BY a.id LIMIT 1")
        let application = t.sql("SELECT id FROM application ORDER BY id LIMIT 1")
        _ = t.run("application", "clarify", application, "-m", "Уточните")
        let ticket = t.sql("SELECT id FROM ticket WHERE sender_email IS NOT NULL ORDER BY id LIMIT 1")
        _ = t.run("ticket", "reply", ticket, "--message", "Ответ")
        let message = t.sql("SELECT max(id) FROM outbox")
        // a holder's phone changed at the desk, then an older RGK file with another (a conflict)
        _ = t.run("account", "set-phone", account, "--rgk", rgk, "--phone", "+79215550102", "--document", "паспорт 1900 123456")
        try "РГК;Лицевой счет;Телефон\n\(rgk);\(account);+79115550011\n".write(toFile: t.dir + "/accounts.csv", atomically: true, encoding: .utf8)
        _ = t.run("import", "accounts", t.dir + "/accounts.csv", "--as-of", "2026-01-01")

        // an account whose «Абонент» section has all three tables
        let abonent = t.sql("""
            SELECT a.number || ' ' || g.code FROM account a JOIN rgk g ON g.id = a.rgk_id
            WHERE EXISTS (SELECT 1 FROM account_benefit b WHERE b.account_id = a.id AND b.valid_until IS NOT NULL)
              AND EXISTS (SELECT 1 FROM account_equipment e WHERE e.account_id = a.id AND e.kind <> 'stove')
            ORDER BY a.id LIMIT 1
            """).split(separator: " ").map(String.init)
        #expect(abonent.count == 2, "the demo has an account with a benefit that ended and more than a stove")
        let abonentShow = abonent.count == 2 ? ["account", "show", abonent[0], "--rgk", abonent[1]] : ["account", "show", account, "--rgk", rgk]
        let commands: [(entity: String, list: [String]?, shows: [[String]])] = [
            ("user", ["user", "list", "--status", "blocked", "--limit", "0"], [["user", "show", user], ["user", "show", "lebedeva.o@yandex.ru"]]),
            ("account", ["account", "list", "--limit", "0"], [["account", "show", account, "--rgk", rgk], abonentShow]),
            ("account phone conflict", ["account", "conflicts"], []),
            ("application", ["application", "list", "--status", "all", "--limit", "0"], [["application", "show", application]]),
            ("reading", ["reading", "list", "--limit", "0"], [["reading", "show", reading], ["reading", "show", t.sql("SELECT max(id) FROM reading WHERE status = 'pending'")]]),
            ("ticket", ["ticket", "list", "--status", "all", "--limit", "0"], [["ticket", "show", ticket]]),
            ("outbox", ["outbox", "list", "--limit", "0"], [["outbox", "show", message]]),
            ("payment", ["payment", "list", "--limit", "20"], [["payment", "show", t.sql("SELECT max(id) FROM payment")]]),
            ("office", ["office", "list"], [["office", "show", t.sql("SELECT min(id) FROM office")]]),
            ("contract", ["contract", "list", "--rgk", "vologda", "--all", "--limit", "30"], [["contract", "show", t.sql("SELECT c.number FROM act a JOIN contract c ON c.id = a.contract_id ORDER BY a.id LIMIT 1")]]),
            ("act", ["act", "list", "--contract", t.sql("SELECT c.number FROM act a JOIN contract c ON c.id = a.contract_id ORDER BY a.id LIMIT 1")], [["act", "show", t.sql("SELECT number FROM act ORDER BY id LIMIT 1")]]),
            ("faq", ["faq", "list"], [["faq", "show", t.sql("SELECT min(id) FROM faq")]]),
            ("pin", ["pin", "list", "--limit", "0"], []),
            ("pin_request", ["pin", "requests", "--status", "all", "--limit", "0"], []),
            ("operator", ["operator", "list"], []),
            ("audit", ["audit", "list", "--limit", "0"], []),
            ("import", ["import", "history", "--limit", "0"], []),
            ("setting", ["config", "list"], []),
            ("calendar_day", ["calendar", "show", "2026-05"], []),
            ("calendar_year", ["calendar", "list"], []),
            ("db stats", nil, [["db", "stats"]]),
        ]
        let docs = try Self.documented()
        #expect(Set(docs.keys) == Set(commands.map(\.entity)), "docs/json.md documents these entities")
        for (entity, list, shows) in commands {
            let doc = try #require(docs[entity], "docs/json.md has no section \(entity)")
            var seen: [String: Set<String>] = [:], every: [Set<String>] = []
            if let list {   // an entity shown as one object has no list
                let listed = t.run(list + ["--json"])
                #expect(listed.status == 0, "\(list): \(listed)")
                Self.observed(listed.jsonArray, into: &seen, every: &every)
                #expect(!listed.jsonArray.isEmpty, "\(list) printed nothing to check")
                for keys in every where !keys.contains(where: { $0.contains("[]") }) {
                    #expect(keys == doc.inList, "\(entity) list: undocumented \(keys.subtracting(doc.inList).sorted()), missing \(doc.inList.subtracting(keys).sorted())")
                }
            }
            var showSeen: [String: Set<String>] = [:], showEvery: [Set<String>] = []
            for show in shows {
                let shown = t.run(show + ["--json"])
                #expect(shown.status == 0, "\(show): \(shown)")
                Self.observed([shown.jsonObject], into: &showSeen, every: &showEvery)
            }
            let topLevel = Set(doc.types.keys.filter { !$0.contains("[]") })
            if !shows.isEmpty {
                for keys in showEvery where !keys.contains(where: { $0.contains("[]") }) {
                    #expect(keys == topLevel, "\(entity) show: undocumented \(keys.subtracting(topLevel).sorted()), missing \(topLevel.subtracting(keys).sorted())")
                }
            }
            for (key, types) in seen.merging(showSeen, uniquingKeysWith: { $0.union($1) }) {
                let allowed = doc.types[key] ?? []
                #expect(!allowed.isEmpty, "\(entity): \(key) is not in docs/json.md")
                #expect(allowed.isEmpty || types.isSubset(of: allowed), "\(entity).\(key): printed \(types.sorted()), documented \(allowed.sorted())")
            }
        }
    }
}

/// CSV and TSV for spreadsheets and pipes: nothing is dropped, nothing splits a row.
@Suite struct DelimitedOutputTests {
    /// The rows of a CSV or TSV file as Python's csv module reads them.
    func rows(_ text: String, tsv: Bool) -> [[String]] {
        let program = "import csv, json, sys\nprint(json.dumps(list(csv.reader(sys.stdin, delimiter='\\t' if sys.argv[1] == 'tsv' else ','))))"
        let r = E2E.exec("/usr/bin/env", ["python3", "-c", program, tsv ? "tsv" : "csv"], stdin: Array(text.utf8))
        return (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [[String]] ?? []
    }

    @Test func aRecordPrintsEverySectionAndStatusItsQueues() throws {
        let t = E2E()
        t.demo(accounts: 150)
        let ticket = t.sql("SELECT id FROM ticket WHERE sender_email IS NOT NULL ORDER BY id LIMIT 1")
        // portal text from a web form: CRLF line breaks and a tab (the characters themselves in the literal)
        _ = t.sql("UPDATE ticket_message SET body = 'Строка 1\r\nСтрока 2\tконец' WHERE ticket_id = \(ticket)")
        for format in ["csv", "tsv"] {
            let shown = t.run("ticket", "show", ticket, "--format", format)
            #expect(shown.status == 0)
            let parsed = rows(shown.stdout, tsv: format == "tsv").filter { !$0.isEmpty }
            #expect(parsed.first?.first == "section" && parsed.contains { $0.first == "record" }, "\(format): \(parsed)")
            let messages = parsed.filter { $0.first == "messages" }
            #expect(!messages.isEmpty, "\(format): the conversation is not dropped")
            let body = format == "csv" ? "Строка 1\r\nСтрока 2\tконец" : #"Строка 1\r\nСтрока 2\tконец"#
            #expect(messages.contains { $0.contains(body) }, "\(format): the body whole, on one row: \(messages)")
            let status = t.run("status", "--format", format, "--no-header")
            let queues = rows(status.stdout, tsv: format == "tsv").filter { $0.first == "queues" }
            #expect(queues.count >= 5 && !status.stdout.hasPrefix("section"), "\(format): \(status.stdout)")
        }
    }
}
