import EngineHarness
import Foundation
import Testing

/// `--db` naming a PostgreSQL database: the door opens, what is wrong with the server is one line
/// with its exit status, and a password given on the command line is never shown back.
@Suite(.enabled(if: PGServer.available)) struct PostgreSQLAddressE2ETests {
    func run(_ args: [String], in dir: String) -> E2E.Result {
        E2E.exec(E2E.binary, args, cwd: dir)
    }

    @Test func theServersDatabaseIsOpenedAndItsPasswordNeverShown() throws {
        let database = try PGServer.database()
        let dir = TempFolder()
        let uri = database.uri.replacingOccurrences(of: "postgresql://\(database.server.user)@", with: "postgresql://\(database.server.user):s3cret@")
        #expect(uri.contains(":s3cret@"))
        let created = run(["--db", uri, "init"], in: dir.path)
        #expect(created.status == 0, "\(created)")
        #expect(created.stdout.contains(":***@") && created.stdout.contains("schema version"), "\(created.stdout)")
        #expect(created.stderr.contains("PGPASSWORD") && created.stderr.split(separator: "\n").count == 1, "one warning: \(created.stderr)")
        let user = E2E.exec(E2E.binary, ["--db", uri, "user", "create", "+79110000001", "--name", "Иванов Иван", "--password-stdin"],
                            stdin: Array("abc12\n".utf8), cwd: dir.path)
        #expect(user.status == 0, "\(user)")
        // Tab prints its values and nothing else, password or not
        let tab = run(["--db", uri, "__complete", "user", "+7911"], in: dir.path)
        #expect(tab.status == 0 && tab.stdout.hasPrefix("+79110000001\t") && tab.stderr.isEmpty, "\(tab)")
        // a server's database is copied with the server's tools
        let backup = run(["--db", uri, "db", "backup", dir.path + "/copy.db"], in: dir.path)
        #expect(backup.status == 2 && backup.stderr.contains("pg_dump"), "\(backup)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/copy.db"))
        let group = run(["--db", uri, "init", "--group", "mygaz"], in: dir.path)
        #expect(group.status == 2 && group.stderr.contains("--group"), "\(group)")
        for r in [created, user, tab, backup, group] {
            #expect(!(r.stdout + r.stderr).contains("s3cret"), "the password was shown: \(r)")
        }
    }

    @Test func whatIsWrongWithTheServerIsOneLineAndItsExitStatus() throws {
        let database = try PGServer.database()
        let dir = TempFolder()
        let server = database.server
        let cases: [(address: String, status: Int32, words: String)] = [
            ("postgresql://\(server.user):s3cret@/no_such_db?host=\(server.directory)&port=5432", 8, "no such database"),
            ("postgresql://nobody:s3cret@/\(database.name)?host=\(server.directory)&port=5432", 7, "refused the login"),
            ("postgresql://\(server.user):s3cret@/\(database.name)?host=\(dir.path)&port=5432", 8, "cannot reach"),
            (database.uri, 8, "empty"),
        ]
        for c in cases {
            let r = E2E.exec(E2E.binary, ["status"], env: ["MYGAZ_DB": c.address], cwd: dir.path)
            #expect(r.status == c.status && r.stderr.contains(c.words), "\(c.address): \(r)")
            #expect(r.stderr.split(separator: "\n").count == 1 && !r.stderr.contains("s3cret"), "\(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
    }
}

/// A temporary directory of the test's own.
final class TempFolder {
    let path: String
    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("mygaz-pg-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}
