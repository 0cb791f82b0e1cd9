import Foundation
import Testing

@Suite struct FoundationE2ETests {
    @Test func demoThenStatus() throws {
        let t = E2E()
        let demo = t.run(["demo", "--accounts", "300", "--date", "2026-07-20"])
        #expect(demo.status == 0, "\(demo)")
        #expect(demo.stdout.contains("demo database"))
        #expect(demo.stdout.contains("Pending readings"))
        #expect(demo.stderr.isEmpty, "no progress on a non-terminal: \(demo.stderr)")
        let status = t.run("status", "--json")
        #expect(status.status == 0)
        let queues = (status.jsonObject["queues"] as? [[String: Any]]) ?? []
        let pending = queues.first { $0["queue"] as? String == "readings_pending" }?["count"] as? Int ?? 0
        #expect(pending > 0)
        #expect(Int(t.sql("SELECT count(*) FROM reading WHERE status = 'pending'")) == pending)
        let rgks = (status.jsonObject["rgk"] as? [[String: Any]])?.compactMap { $0["rgk"] as? String } ?? []
        #expect(rgks == ["kostroma", "vologda", "yaroslavl"])
        let human = t.run("status")
        #expect(human.stdout.contains("BY RGK"))
        #expect(!human.stdout.contains("\u{1B}["), "no colour into a pipe")
        // the demo's own summary shows the deadlines status shows (it said «—» once)
        func deadlines(_ text: String) -> [String] {
            Array(text.components(separatedBy: "\n").drop { $0 != "DEADLINES" }.prefix { !$0.isEmpty })
        }
        #expect(deadlines(human.stdout).count > 3, "\(human.stdout)")
        #expect(deadlines(demo.stdout) == deadlines(human.stdout), "\(demo.stdout)")
    }

    @Test func demoRefusesADatabaseWithData() {
        let t = E2E()
        t.demo(accounts: 50)
        let again = t.run("demo", "--accounts", "10")
        #expect(again.status == 4)
        #expect(again.stderr.contains("already holds data"))
    }

    @Test func initCreatesThenIsIdempotent() {
        let t = E2E()
        let first = t.run("init")
        #expect(first.status == 0)
        #expect(first.stdout.contains("created database"))
        if t.engine == .sqlite { #expect(t.sql("PRAGMA journal_mode") == "wal", "SQLite's file in WAL mode") }
        #expect(t.sql("SELECT login || ':' || role FROM operator") == "root:admin" || t.sql("SELECT role FROM operator") == "admin")
        let second = t.run("init", "--json")
        #expect(second.status == 0)
        #expect(second.jsonObject["action"] as? String == "unchanged")
        #expect(t.sql("SELECT count(*) FROM audit WHERE action = 'operator.add'") == "1")
    }

    @Test(.sqliteOnly("database files: paths, a text file, the file's own schema version")) func badDatabasePathsGetOneLineAndExit8() throws {
        let t = E2E()
        let directory = t.run(["--db", t.dir, "status"], useDB: false)
        #expect(directory.status == 8)
        #expect(directory.stderr.contains("is a directory"))
        #expect(directory.stderr.split(separator: "\n").count == 1)

        let missing = t.run(["--db", t.dir + "/none.db", "status"], useDB: false)
        #expect(missing.status == 8)
        #expect(missing.stderr.contains("mygaz-admin init"))
        #expect(!FileManager.default.fileExists(atPath: t.dir + "/none.db"), "nothing written")

        let text = t.dir + "/text.db"
        try "just some text, not a database\n".write(toFile: text, atomically: true, encoding: .utf8)
        let notSQLite = t.run(["--db", text, "status"], useDB: false)
        #expect(notSQLite.status == 8)
        #expect(notSQLite.stderr.contains("not a SQLite database"))
        #expect(try String(contentsOfFile: text, encoding: .utf8) == "just some text, not a database\n")

        t.run("init")
        _ = E2E.exec("/usr/bin/sqlite3", [t.db, "PRAGMA user_version = 99"])
        let newer = t.run("status")
        #expect(newer.status == 8)
        #expect(newer.stderr.contains("newer than this program"))

        let viaEnv = t.run(["status"], env: ["MYGAZ_DB": t.dir + "/env.db"], useDB: false)
        #expect(viaEnv.status == 8)
        #expect(viaEnv.stderr.contains("env.db"))
    }

    @Test func usageErrorsAreExit2WithAHint() {
        let t = E2E()
        t.run("init")
        let cases: [([String], String)] = [
            (["stauts"], "did you mean 'status'"),
            (["audit", "list", "--limt", "3"], "did you mean '--limit'"),
            (["audit", "list", "--limit"], "needs a value"),
            (["audit", "list", "--limit", "many"], "not a whole number"),
            (["audit", "list", "--since", "32.13.2026"], "not a date"),
            (["--format", "xml", "status"], "not one of"),
            (["operator", "add", "bob"], "--role"),
            (["--busy-timeout", "-5", "status"], "--busy-timeout"),
            // a negative number is a value, refused as one (not «unknown option '-3'; did you mean '-q'?»)
            (["config", "set", "payment.stuck_days", "-3"], "payment.stuck_days: «-3»"),
        ]
        for (args, hint) in cases {
            let r = t.run(args)
            #expect(r.status == 2, "\(args): \(r)")
            #expect(r.stderr.contains(hint), "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty)
            #expect(r.stderr.hasPrefix("mygaz-admin: "))
        }
    }

    @Test func helpVersionAndRussian() {
        let t = E2E()
        let help = t.run(["help", "operator", "add"], useDB: false)
        #expect(help.status == 0)
        #expect(help.stdout.contains("Usage: mygaz-admin operator add --role ROLE [options] LOGIN"))
        #expect(help.stdout.contains("Examples:"))
        #expect(t.run(["operator", "add", "--help"], useDB: false).stdout == help.stdout)
        let version = t.run(["--version"], useDB: false)
        #expect(version.stdout.hasPrefix("mygaz-admin "))
        let ru = t.run(["help", "operator"], env: ["LANG": "ru_RU.UTF-8"], useDB: false)
        #expect(ru.stdout.contains("Действия:"))
        let ruError = t.run(["status"], env: ["LANG": "ru_RU.UTF-8"])
        #expect(ruError.status == 8)
        #expect(ruError.stderr.contains("баз") && ruError.stderr.contains("mygaz-admin init"), "\(ruError)")
    }

    @Test func operatorsAndAudit() {
        let t = E2E()
        t.run("init")
        #expect(t.run("operator", "add", "ivanova", "--role", "clerk", "--name", "Иванова А. П.").status == 0)
        let again = t.run("operator", "add", "ivanova", "--role", "clerk", "--json")
        #expect(again.jsonArray.first?["result"] as? String == "unchanged")
        let clash = t.run("operator", "add", "ivanova", "--role", "admin")
        #expect(clash.status == 4)
        #expect(t.run("operator", "set-role", "ivanova", "support").stdout.contains("clerk → support"))
        #expect(t.run("operator", "set-role", "nobody", "support").status == 3)
        let list = t.run("operator", "list", "--json")
        let logins = list.jsonArray.compactMap { $0["login"] as? String }
        #expect(logins.contains("ivanova"))
        let table = t.run("operator", "list")
        #expect(table.stdout.contains("Иванова А. П."))
        #expect(t.run("operator", "remove", "ivanova").status == 2, "needs --yes without a terminal")
        #expect(t.run("operator", "remove", "ivanova", "--yes").status == 0)
        let audit = t.run("audit", "list", "--entity", "operator:ivanova", "--json")
        let actions = audit.jsonArray.compactMap { $0["action"] as? String }
        #expect(actions == ["operator.remove", "operator.set-role", "operator.add"])
        let byAction = t.run("audit", "list", "--action", "operator.set-role", "--format", "csv")
        #expect(byAction.lines.first == "id,at,operator,action,entity_type,entity_id,old_value,new_value,reason,reason_code,reason_args")
        #expect(byAction.stdout.contains("clerk,support"))
        let lastAdmin = t.run("operator", "remove", "root", "--yes")
        #expect(lastAdmin.status == 4 || lastAdmin.status == 3)
    }

    @Test(.sqliteOnly("db backup copies SQLite's file while another process writes (on PostgreSQL the server's tools do)"))
    func dbCheckStatsAndBackupWhileAnotherProcessWrites() throws {
        let t = E2E()
        t.demo(accounts: 500)
        let check = t.run("db", "check")
        #expect(check.status == 0, "\(check)")
        #expect(check.stdout.contains("ok"))
        let stats = t.run("db", "stats", "--json")
        let tables = (stats.jsonObject["tables"] as? [[String: Any]]) ?? []
        #expect(tables.contains { $0["table"] as? String == "account" && $0["rows"] as? Int == 500 })

        // a writer in another process keeps changing the database during the backup
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "for i in $(seq 1 60); do '\(E2E.binary)' --db '\(t.db)' operator add w$i --role clerk >/dev/null || exit 1; done"]
        try writer.run()
        var backups: [String] = []
        for n in 0..<3 {
            let target = t.dir + "/backup\(n).db"
            let backup = t.run("db", "backup", target)
            #expect(backup.status == 0, "\(backup)")
            backups.append(target)
        }
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0)
        for target in backups {
            let verify = t.run(["--db", target, "db", "check"], useDB: false)
            #expect(verify.status == 0, "\(target): \(verify)")
            // (the demo's stray logins are listed too; no word of the file's mode)
            #expect(!verify.stderr.contains("chmod") && !verify.stderr.contains("mode"), "a backup is as private as the database: \(verify.stderr)")
            let wal = target + "-wal"
            let walSize = try FileManager.default.fileExists(atPath: wal) ? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int : 0
            #expect(walSize == 0, "no WAL left beside \(target)")
        }
        let exists = t.run("db", "backup", backups[0])
        #expect(exists.status == 4)
    }

    @Test(.sqliteOnly("the bytes of SQLite's file")) func dbCheckFindsACorruptFile() throws {
        let t = E2E()
        t.demo(accounts: 300)
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: t.db))
        let size = try handle.seekToEnd()
        for offset in stride(from: UInt64(8192), to: size - 4096, by: 65_536) {
            try handle.seek(toOffset: offset)
            handle.write(Data(repeating: 0xA5, count: 512))
        }
        try handle.close()
        let check = t.run("db", "check")
        #expect(check.status == 8, "\(check)")
        #expect(!check.stderr.isEmpty)
    }

    @Test(.enabled(if: TestLogins.available)) func anUnregisteredLoginGetsExit7() throws {
        let t = E2E()
        t.run("init")
        _ = E2E.sh("chmod 777 '\(t.dir)' && chmod 666 '\(t.db)'")
        let r = t.run(["status"], as: "mgzt-outsider", binary: TestLogins.publicBinary)
        #expect(r.status == 7, "\(r)")
        #expect(r.stderr.contains("mgzt-outsider"))
        #expect(r.stderr.contains("operator add mgzt-outsider"))
    }

    @Test(.enabled(if: TestLogins.available)) func rolesDecideWhoMayDoWhat() throws {
        let t = E2E()
        t.run("init")
        t.run("operator", "add", "mgzt-support", "--role", "support")
        _ = E2E.sh("chmod 777 '\(t.dir)' && chmod 666 '\(t.db)'")
        let status = t.run(["status"], as: "mgzt-support", binary: TestLogins.publicBinary)
        #expect(status.status == 0, "\(status)")
        let add = t.run(["operator", "add", "x", "--role", "clerk"], as: "mgzt-support", binary: TestLogins.publicBinary)
        #expect(add.status == 7)
        #expect(add.stderr.contains("needs the role admin"))
    }
}
