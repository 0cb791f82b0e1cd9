import Foundation
import Testing
import MyGazCore

/// The benchmark scripts' checks, at CI size, on the debug binary: the same programs that
/// `bench/concurrency.sh` and `bench/faults.sh` run at full size.
@Suite(.serialized) struct LoadAndFaultsTests {
    /// A script of bench/, on this test's engine: a database it is given is a file or a
    /// server's URI, which it reads through the server's own psql.
    func script(_ name: String, _ args: [String]) -> E2E.Result {
        E2E.exec("/usr/bin/env", ["python3", repositoryRoot + "/bench/" + name, E2E.binary] + args, env: ["MYGAZ_PSQL": E2E.psql])
    }

    @Test func clerksAndThePortalAtOnceLoseNothing() {
        let t = E2E()
        t.demo(accounts: 1500)
        let r = script("concurrency.py", [t.db, "--workers", "6", "--ops", "25"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("'database is locked': 0; contested items changed twice: 0; db check: ok"), "\(r.stdout)")
    }

    @Test func twoClerksApproveOneApplicationAtTheSameMoment() {
        let t = E2E()
        t.demo(accounts: 300)
        let ids = t.sql("SELECT id FROM application WHERE status = 'submitted' ORDER BY id LIMIT 5").split(separator: "\n")
        #expect(ids.count == 5, "the demo has submitted applications to race for")
        for id in ids {
            let results = t.runConcurrently([["application", "approve", String(id), "--json"],
                                             ["application", "approve", String(id), "--json"]])
            func result(_ r: E2E.Result) -> String? { r.status == 0 ? r.jsonArray.first?["result"] as? String : nil }
            #expect(results.filter { result($0) == "changed" }.count == 1, "exactly one clerk changes it: \(results)")
            let other = results.first { result($0) != "changed" } ?? results[1]
            let conflict = other.status == ExitStatus.conflict.rawValue && other.stderr.contains("accepted")
            #expect(result(other) == "unchanged" || conflict, "the other sees it unchanged, or a conflict naming the state: \(other)")
            #expect(t.sql("SELECT count(*) FROM application_event WHERE application_id = \(id) AND to_status = 'accepted'") == "1")
        }
    }

    /// kill -9 at random moments of an import, a bulk accept and an outbox send; each rerun
    /// converges to a clean run's content and no message goes out twice. On PostgreSQL the
    /// script's databases are made on the server beside this test's own.
    @Test func killedCommandsConvergeWhenRunAgain() {
        let t = E2E()
        let server = t.engine == .postgresql ? ["--db-server", t.db] : []
        let r = script("faults.py", [t.dir + "/faults", "--trials", "4", "--rows", "30000", "--accounts", "20000", "--messages", "40"] + server)
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.hasSuffix("ok\n"), "\(r.stdout)")
        #expect(r.stdout.components(separatedBy: "killed at").count - 1 >= 6, "most trials were killed mid-run: \(r.stdout)")
    }
}
