import Foundation
import Testing
import MyGazCore

/// One database for a group of OS logins, with real logins made for the test.
@Suite(.serialized) struct SharedDatabaseTests {
    func mode(_ path: String) -> (mode: Int, group: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return (-1, "") }
        let group = getgrgid(info.st_gid).map { String(cString: $0.pointee.gr_name) } ?? String(info.st_gid)
        return (Int(info.st_mode & 0o7777), group)
    }

    @Test(.enabled(if: TestLogins.available)) func aGroupSharesTheDatabaseAndNoOneElseGetsIn() throws {
        let t = E2E()
        _ = E2E.sh("chmod 755 '\(t.dir)'")
        let directory = t.dir + "/shared"
        let db = directory + "/mygaz.db"
        let binary = TestLogins.publicBinary
        func run(_ args: [String], as user: String? = nil) -> E2E.Result {
            E2E.exec(user == nil ? E2E.binary : binary, ["--db", db] + args, as: user, cwd: "/")
        }
        let created = run(["init", "--group", "mgzt-share"])
        #expect(created.status == 0, "\(created)")
        #expect(mode(directory) == (0o2770, "mgzt-share"), "a setgid directory of the group, nothing for others")
        #expect(mode(db) == (0o660, "mgzt-share"))

        // a little data, written as the portal would
        let seed = """
            INSERT INTO rgk (id, code, name, created_at, updated_at) VALUES (1, 'vologda', 'Вологда', 'x', 'x');
            INSERT INTO account (id, rgk_id, number, updated_at) VALUES (1, 1, '70000017', 'x');
            INSERT INTO meter (id, account_id, serial, digits) VALUES (1, 1, 'M-1', 5);
            INSERT INTO reading (meter_id, value, reading_date, source, status, submitted_at) VALUES (1, 100, '2026-06-25', 'rgk', 'accepted', 'x');
            INSERT INTO reading (id, meter_id, value, reading_date, source, status, submitted_at) VALUES (50, 1, 150, '2026-07-20', 'portal', 'pending', '2026-07-20T10:00:00Z');
            """
        #expect(E2E.exec("/usr/bin/sqlite3", [db], stdin: Array(seed.utf8)).status == 0)
        #expect(run(["operator", "add", "mgzt-clerk", "--role", "clerk"]).status == 0)
        #expect(run(["operator", "add", "mgzt-support", "--role", "support"]).status == 0)

        // the portal keeps a connection open, so that the -wal and -shm the clerk's process uses stay to be looked at
        let portal = try Database(path: db, mode: .readWrite, busyTimeoutMs: 5000)
        _ = try portal.scalarInt("SELECT count(*) FROM reading")

        let support = run(["reading", "accept", "50"], as: "mgzt-support")
        #expect(support.status == 7, "support may not accept readings: \(support)")
        #expect(support.stderr.contains("clerk"), "\(support.stderr)")
        let look = run(["status"], as: "mgzt-support")
        #expect(look.status == 0, "but may look: \(look)")

        let clerk = run(["reading", "accept", "50"], as: "mgzt-clerk")
        #expect(clerk.status == 0, "a clerk of the group works: \(clerk)")
        #expect(try portal.scalarString("SELECT status || ' ' || decided_by FROM reading WHERE id = 50") == "accepted mgzt-clerk")
        for companion in [db + "-wal", db + "-shm"] {
            #expect(mode(companion) == (0o660, "mgzt-share"), "\(companion) is the group's too, or the next clerk is locked out")
        }

        // a backup holds the same personal data: the same group, nothing for others
        let backup = run(["db", "backup", directory + "/copy.db"])
        #expect(backup.status == 0, "\(backup)")
        #expect(mode(directory + "/copy.db") == (0o660, "mgzt-share"))
        #expect(run(["--db", directory + "/copy.db", "status"], as: "mgzt-support").status == 0, "the group's other logins can use it")

        let outsider = run(["status"], as: "mgzt-outsider")
        #expect(outsider.status == 8, "\(outsider)")
        #expect(outsider.stderr.split(separator: "\n").count == 1 && outsider.stderr.contains(db), "\(outsider.stderr)")
        let peek = E2E.exec("/bin/cat", [db], as: "mgzt-outsider")
        #expect(peek.status != 0, "not even the bytes of the file")
        #expect(run(["__complete", "rgk"], as: "mgzt-outsider").stdout.isEmpty)

        // db check speaks up when the permissions drift
        #expect(run(["db", "check"]).stderr.isEmpty)
        _ = E2E.sh("chmod 664 '\(db)'")
        let loose = run(["db", "check"])
        #expect(loose.stderr.contains("outside its group") && loose.stderr.contains("chmod o-rwx"), "\(loose)")
        _ = E2E.sh("chmod 640 '\(db)'")
        let tight = run(["db", "check"])
        #expect(tight.stderr.contains("not writable by its group mgzt-share"), "\(tight)")
    }

    @Test(.sqliteOnly("--group is the SQLite file's group; on a server it is refused (PostgreSQLAddressE2ETests)"), .enabled(if: TestLogins.available))
    func initRefusesAGroupThatDoesNotExist() {
        let t = E2E()
        let r = t.run(["init", "--group", "no-such-group-mgzt"])
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.contains("no-such-group-mgzt"))
        #expect(!FileManager.default.fileExists(atPath: t.db), "nothing created")
    }
}
