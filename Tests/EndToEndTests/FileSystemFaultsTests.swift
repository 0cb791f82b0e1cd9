import Foundation
import Testing
import MyGazCore

/// A full disk, a file size limit, a read-only file system and a read-only file: one line,
/// exit 8, and the database as it was. These are the SQLite file's; on a server its disk is the
/// server's, and what a login may only read is a role's grants (exit 7, the database as it was).
@Suite(.serialized) struct FileSystemFaultsTests {
    /// Whether this machine lets the test mount a small tmpfs (root, outside a locked-down container).
    static let canMount: Bool = {
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("mygaz-mount-probe-\(getpid())").path
        try? FileManager.default.createDirectory(atPath: probe, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard E2E.exec("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe]).status == 0 else { return false }
        return E2E.exec("/bin/umount", [probe]).status == 0
    }()

    /// A demo database and an accounts file too large to fit next to it.
    func prepared() -> (E2E, file: String) {
        let t = E2E()
        t.demo(accounts: 300)
        _ = t.sql("PRAGMA wal_checkpoint(TRUNCATE)")
        let file = t.dir + "/accounts.csv"
        let made = E2E.exec("/usr/bin/env", ["python3", repositoryRoot + "/bench/make_accounts.py", "20000", file])
        precondition(made.status == 0, "\(made)")
        return (t, file)
    }

    func dump(_ db: String) -> String { E2E.exec("/usr/bin/sqlite3", ["-readonly", db, ".dump"]).stdout }

    func expectOneLine(_ r: E2E.Result, _ words: String, _ db: String) {
        #expect(r.status == ExitStatus.database.rawValue, "\(r)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && r.stderr.contains(words) && r.stderr.contains(db), "one line that says what and where: \(r.stderr)")
    }

    func size(_ path: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }

    @Test(.sqliteOnly("a file size limit stops the process that writes the SQLite file; on a server the server writes"))
    func aFileSizeLimitStopsTheImportAndLeavesTheDatabaseAsItWas() throws {
        let (t, file) = prepared()
        let clean = t.dir + "/clean.db"
        try FileManager.default.copyItem(atPath: t.db, toPath: clean)
        #expect(t.run(["--db", clean, "import", "accounts", file, "--rgk", "vologda"]).status == 0)
        let before = dump(t.db)
        let limit = "--fsize=\(size(t.db) + 200_000)"
        let whole = E2E.exec("/usr/bin/prlimit", [limit, E2E.binary, "--db", t.db, "import", "accounts", file, "--rgk", "vologda", "--single-transaction"])
        expectOneLine(whole, "ulimit -f", t.db)
        #expect(dump(t.db) == before, "the database is unchanged")
        #expect(t.run("db", "check").status == 0)

        // in parts: what was committed stays, and running the import again finishes it
        let parts = E2E.exec("/usr/bin/prlimit", [limit, E2E.binary, "--db", t.db, "import", "accounts", file, "--rgk", "vologda"])
        expectOneLine(parts, "ulimit -f", t.db)
        #expect(t.run("db", "check").status == 0)
        #expect(t.run("import", "accounts", file, "--rgk", "vologda").status == 0, "without the limit the same import goes through")
        let accounts = "SELECT number, surname, address FROM account ORDER BY number"
        #expect(E2E.exec("/usr/bin/sqlite3", [t.db, accounts]).stdout == E2E.exec("/usr/bin/sqlite3", [clean, accounts]).stdout)
    }

    @Test(.sqliteOnly("the SQLite file on a full, then read-only file system; a server's disk is the server's"), .enabled(if: canMount))
    func aFullDiskThenAReadOnlyFileSystem() throws {
        let (t, file) = prepared()
        let mount = t.dir + "/small"
        try FileManager.default.createDirectory(atPath: mount, withIntermediateDirectories: true)
        let kib = (size(t.db) + 300_000) / 1024
        #expect(E2E.exec("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kib)k", "tmpfs", mount]).status == 0)
        defer { _ = E2E.exec("/bin/umount", ["-l", mount]) }
        let db = mount + "/mygaz.db"
        try FileManager.default.copyItem(atPath: t.db, toPath: db)
        let before = dump(db)

        let full = E2E.exec(E2E.binary, ["--db", db, "import", "accounts", file, "--rgk", "vologda", "--single-transaction"])
        expectOneLine(full, "disk is full", db)
        #expect(dump(db) == before, "the database is unchanged")
        #expect(E2E.exec(E2E.binary, ["--db", db, "db", "check"]).status == 0)
        #expect(E2E.exec(E2E.binary, ["--db", db, "reading", "accept", "--all-valid"]).status == 0, "a small change still fits")

        let accepted = dump(db)
        #expect(E2E.exec("/bin/mount", ["-o", "remount,ro", mount]).status == 0)
        let readOnly = E2E.exec(E2E.binary, ["--db", db, "reading", "reject", "--all-invalid"])
        expectOneLine(readOnly, "read-only file system", db)
        #expect(dump(db) == accepted)
    }

    @Test(.sqliteOnly("the file's permissions; on a server, aRoleThatMayOnlyReadChangesNothing"), .enabled(if: TestLogins.available))
    func aFileTheLoginMayOnlyReadIsReadOnly() {
        let t = E2E()
        t.demo(accounts: 100)
        _ = E2E.sh("chmod 755 '\(t.dir)' && chmod 644 '\(t.db)' && rm -f '\(t.db)-wal' '\(t.db)-shm'")
        #expect(t.run("operator", "add", "mgzt-clerk", "--role", "clerk").status == 0)
        _ = t.sql("PRAGMA wal_checkpoint(TRUNCATE)")
        let before = dump(t.db)
        let r = E2E.exec(TestLogins.publicBinary, ["--db", t.db, "reading", "accept", "--all-valid"], as: "mgzt-clerk", cwd: "/")
        expectOneLine(r, "read-only for this login", t.db)
        #expect(dump(t.db) == before)
    }

    /// What a login may only read, on a server: a role granted SELECT and nothing else.
    @Test(.enabled(if: TestEngine.default == .postgresql, "a server's role; on SQLite, aFileTheLoginMayOnlyReadIsReadOnly"))
    func aRoleThatMayOnlyReadChangesNothing() throws {
        let t = E2E()
        t.demo(accounts: 100)
        let role = "mgzt_reader_" + t.sql("SELECT current_database()")
        // BYPASSRLS: the row policies let a role of no operator group see no row at all (ServerRolesTests);
        // this one reads every row, and its writes are what is tried here
        _ = t.sql("CREATE ROLE \(role) LOGIN BYPASSRLS; GRANT SELECT ON ALL TABLES IN SCHEMA \(t.sql("SELECT current_schema()")) TO \(role)")
        let reader = try #require(t.db.range(of: "//mygaz_test@").map { t.db.replacingCharacters(in: $0, with: "//\(role)@") })
        let before = t.everyRow()
        #expect(t.run(["--db", reader, "reading", "list", "--limit", "1"], useDB: false).status == 0, "the role may read")
        let r = t.run(["--db", reader, "reading", "accept", "--all-valid"], useDB: false)
        #expect(r.status == ExitStatus.permission.rawValue, "\(r)")
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("does not allow this login") && r.stderr.contains("//\(role)@/\(t.sql("SELECT current_database()"))"),
                "one line that says what and where: \(r.stderr)")
        #expect(t.everyRow() == before)
    }
}
