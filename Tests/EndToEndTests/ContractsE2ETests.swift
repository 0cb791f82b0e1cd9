import Foundation
import Testing

/// «What work was done under my contract?»: an account's contracts, their acts, each act's works and costs.
@Suite struct ContractsE2ETests {
    @Test func aCustomersContractsActsAndWhatEachWorkCost() throws {
        let t = E2E()
        t.demo(accounts: 300)
        let row = t.sql("""
            SELECT a.number || '|' || g.code || '|' || c.number || '|' || t.number FROM act t JOIN contract c ON c.id = t.contract_id
            JOIN account a ON a.id = c.account_id JOIN rgk g ON g.id = c.rgk_id ORDER BY t.id LIMIT 1
            """).split(separator: "|").map(String.init)
        let (account, rgk, contract, act) = (row[0], row[1], row[2], row[3])
        let contracts = t.run("contract", "list", "--account", account, "--rgk", rgk, "--all", "--json").jsonArray
        #expect(contracts.contains { $0["number"] as? String == contract })
        #expect(String(contracts.count) == t.sql("SELECT count(*) FROM contract c JOIN account a ON a.id = c.account_id JOIN rgk g ON g.id = a.rgk_id WHERE a.number = '\(account)' AND g.code = '\(rgk)'"))
        let shown = t.run("contract", "show", contract, "--json").jsonObject
        #expect((shown["acts_of_work"] as? [[String: Any]])?.contains { $0["number"] as? String == act } == true, "\(shown)")
        let acts = t.run("act", "list", "--account", account, "--rgk", rgk, "--json").jsonArray
        #expect(acts.contains { $0["number"] as? String == act })
        let one = t.run("act", "show", act, "--json").jsonObject
        let works = one["works"] as? [[String: Any]] ?? []
        #expect(!works.isEmpty && works.reduce(0) { $0 + ($1["cost_kop"] as? Int ?? 0) } == one["total_kop"] as? Int, "\(one)")
        let ru = t.run("--lang", "ru", "act", "show", act)
        #expect(ru.stdout.contains("РАБОТЫ") && ru.stdout.contains("Договор:"), "\(ru.stdout)")
        #expect(t.run("act", "show", "А-НЕТ").status == 3)
        #expect(t.run("contract", "list").status == 2, "a list of every contract of a region is not what anyone asks")
        #expect(t.run("act", "list").status == 2)
    }
}
