import Foundation
import MyGazCore
#if canImport(Glibc)
import Glibc
#endif

/// A throwaway PostgreSQL server for the tests, started once per test process on first use:
/// `initdb` into a temporary directory (as the system user `mgzt-pg` when the tests run as root,
/// since initdb refuses root), `pg_ctl start` on a Unix socket in that directory and nowhere else
/// (`listen_addresses=''`), without fsync; each test gets a fresh database of its own
/// (`database()`), in UTF-8 with the `C.UTF-8` locale so that `pg_trgm` and `ILIKE` fold
/// Cyrillic. The server is stopped (`pg_ctl stop -m immediate`) and the directory removed when
/// the process exits, and by a watchdog process should the tests die without exiting.
///
/// Where the server binaries are not installed, `available` is false and says so in one line;
/// the PostgreSQL tests are then skipped (`@Suite(.enabled(if: PGServer.available))`).
public final class PGServer: @unchecked Sendable {
    public static let skippedLine = "PostgreSQL half skipped: install the Debian package postgresql (server binaries not found)"

    /// The folder of `initdb` and `pg_ctl`: `pg_config --bindir`, else the newest /usr/lib/postgresql/*/bin;
    /// `MYGAZ_TEST_PG_BIN` names the only folder to look in (set to "" to run without the PostgreSQL half).
    public static let binaries: String? = {
        let fm = FileManager.default
        func hasServer(_ dir: String) -> Bool {
            fm.isExecutableFile(atPath: dir + "/initdb") && fm.isExecutableFile(atPath: dir + "/pg_ctl")
                && fm.isExecutableFile(atPath: dir + "/postgres")
        }
        if let only = ProcessInfo.processInfo.environment["MYGAZ_TEST_PG_BIN"] { return hasServer(only) ? only : nil }
        for config in ["/usr/bin/pg_config", "/usr/local/bin/pg_config"] where fm.isExecutableFile(atPath: config) {
            let out = PGServer.output([config, "--bindir"]).trimmingCharacters(in: .whitespacesAndNewlines)
            if !out.isEmpty, hasServer(out) { return out }
        }
        let versions = ((try? fm.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).compactMap(Int.init).sorted(by: >)
        return versions.map { "/usr/lib/postgresql/\($0)/bin" }.first(where: hasServer)
    }()

    /// Whether the PostgreSQL tests run here; the first ask says in one line when they do not.
    public static let available: Bool = {
        guard binaries != nil else {
            FileHandle.standardError.write(Data((skippedLine + "\n").utf8))
            return false
        }
        return true
    }()

    /// The server of this test process, started on first use.
    public static func shared() throws -> PGServer { try started.get() }
    private static let started = Result { try PGServer() }

    /// A fresh, empty database of its own for one test (UTF-8, `C.UTF-8`), dropped when let go.
    public static func database() throws -> PGTestDatabase { try shared().createDatabase() }

    /// A new database holding what `original` holds now (its copy as a template: nobody may be
    /// connected to it meanwhile).
    public static func database(copying original: PGTestDatabase) throws -> PGTestDatabase {
        try shared().createDatabase(template: original.name)
    }

    /// The directory of the data, the log and the socket.
    public let directory: String
    /// The cluster's superuser, trusted on the socket.
    public let user = "mygaz_test"
    private let bin: String
    /// The OS user the server runs as: `mgzt-pg` under root, nil for the tests' own user.
    private let osUser: String?
    private let lock = NSLock()
    private var admin: PGConnection?
    private var made = 0

    private init() throws {
        guard let bin = PGServer.binaries else { throw Failure(PGServer.skippedLine) }
        self.bin = bin
        osUser = geteuid() == 0 ? try PGServer.systemUser() : nil
        // short: the socket's path must fit in 107 bytes
        var template = Array("/tmp/mgzt-pg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Failure("cannot create a temporary directory: \(String(cString: strerror(errno)))") }
        directory = String(cString: made)
        // other logins reach the socket (end-to-end tests run the binary as clerks); the data stays 0700
        chmod(directory, 0o755)
        if let osUser, let entry = getpwnam(osUser) { chown(directory, entry.pointee.pw_uid, entry.pointee.pw_gid) }
        PGServer.watch(self)
        let log = directory + "/setup.log"
        let initdb = runAsServer([bin + "/initdb", "-D", directory + "/data", "-E", "UTF8", "--locale=C.UTF-8",
                                  "--auth=trust", "-U", user, "--no-sync"], log: log)
        guard initdb == 0 else { throw Failure("initdb failed (exit \(initdb)): \(PGServer.tail(log))") }
        let options = "-k \(directory) -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            + " -c max_connections=200"
        let start = runAsServer([bin + "/pg_ctl", "-D", directory + "/data", "-l", directory + "/server.log", "-w", "-t", "60",
                                 "-o", options, "start"], log: log)
        guard start == 0 else {
            throw Failure("pg_ctl start failed (exit \(start)): \(PGServer.tail(log)) \(PGServer.tail(directory + "/server.log"))")
        }
        PGServer.stopCommand = (osUser.map { ["/usr/sbin/runuser", "-u", $0, "--"] } ?? [])
            + [bin + "/pg_ctl", "-D", directory + "/data", "-m", "immediate", "-w", "stop"]
        PGServer.removeDirectory = directory
        atexit { PGServer.stopAtExit() }
    }

    /// The conninfo of database `name` on this server.
    public func address(_ name: String) -> String { "host=\(directory) port=5432 user=\(user) dbname=\(name)" }

    /// The URI of database `name` on this server.
    public func uri(_ name: String) -> String { "postgresql://\(user)@/\(name)?host=\(directory)&port=5432" }

    /// Runs `body` with the server's own database open, one test at a time.
    public func withAdmin<T>(_ body: (PGConnection) throws -> T) throws -> T {
        try lock.withLock {
            if admin == nil { admin = try PGConnection(address("postgres")) }
            return try body(admin!)
        }
    }

    func createDatabase(template: String = "template0") throws -> PGTestDatabase {
        let name: String = lock.withLock {
            made += 1
            return "t_\(made)_\(UInt32.random(in: 0...UInt32.max))"
        }
        try withAdmin { admin in
            dropUnused(admin)
            try admin.execute("CREATE DATABASE \(name) TEMPLATE \(template) ENCODING 'UTF8' LOCALE 'C.UTF-8'")
        }
        return PGTestDatabase(server: self, name: name)
    }

    /// Databases let go of, to be dropped once no connection uses them (never forced: a test may
    /// still use a connection to a database whose value it let go first).
    private var unused: [String] = []

    func drop(_ name: String) {
        _ = try? withAdmin { admin in
            unused.append(name)
            dropUnused(admin)
        }
    }

    private func dropUnused(_ admin: PGConnection) {
        unused = unused.filter { name in
            // DROP DATABASE waits 5 s for other connections to go before it fails: asked first
            let users = (try? admin.queryOne("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1", name)?.int("n")) ?? 1
            return users > 0 || (try? admin.execute("DROP DATABASE IF EXISTS \(name)")) == nil
        }
    }

    // MARK: processes

    /// `argv` as the server's OS user, stdin from /dev/null, its output appended to `log`.
    private func runAsServer(_ argv: [String], log: String) -> Int32 {
        // from the temporary directory: the tests' own may be closed to the server's user
        let inDirectory = ["/usr/bin/env", "-C", directory] + argv
        return PGServer.run(osUser.map { ["/usr/sbin/runuser", "-u", $0, "--"] + inDirectory } ?? inDirectory, log: log)
    }

    /// The system user the server runs as under root, created once per machine.
    private static func systemUser() throws -> String {
        let name = "mgzt-pg"
        if getpwnam(name) == nil {
            _ = run(["/usr/sbin/useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name], log: "/dev/null")
        }
        // another test process may have made it meanwhile: what counts is that it is there
        guard getpwnam(name) != nil else { throw Failure("cannot create the system user \(name) that runs the test server (useradd)") }
        return name
    }

    /// Runs `argv` and waits; its output goes to `log`. The exit status, or -1 when it could not start.
    @discardableResult
    static func run(_ argv: [String], log: String) -> Int32 { Spawn.run(argv, output: log) }

    /// What `argv` writes on stdout (and stderr), "" when it fails.
    static func output(_ argv: [String]) -> String { Spawn.output(argv) }

    private static func tail(_ file: String) -> String {
        let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(5).joined(separator: " | ")
    }

    // MARK: the end

    nonisolated(unsafe) private static var stopCommand: [String] = []
    nonisolated(unsafe) private static var removeDirectory: String?

    private static func stopAtExit() {
        if !stopCommand.isEmpty { run(stopCommand, log: "/dev/null") }
        if let removeDirectory { run(["/bin/rm", "-rf", removeDirectory], log: "/dev/null") }
    }

    /// A process of its own session that outlives the tests should they die without exiting
    /// (a crash, a kill): it then stops the server and removes the directory.
    private static func watch(_ server: PGServer) {
        let dir = server.directory
        let script = """
            while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done
            if [ -f \(dir)/data/postmaster.pid ]; then kill -QUIT "$(head -n 1 \(dir)/data/postmaster.pid)" 2>/dev/null; sleep 2; fi
            rm -rf \(dir)
            """
        let setsid = FileManager.default.isExecutableFile(atPath: "/usr/bin/setsid") ? ["/usr/bin/setsid"] : []
        // not waited for: it ends after this process; the init process reaps it
        _ = Spawn.start(setsid + ["/bin/sh", "-c", script], output: "/dev/null")
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}

/// One test's database on the throwaway server; dropped when the value and the connections to it are gone.
public final class PGTestDatabase: @unchecked Sendable {
    public let server: PGServer
    public let name: String

    init(server: PGServer, name: String) {
        self.server = server
        self.name = name
    }

    deinit { server.drop(name) }

    /// Its conninfo (`host=… port=… user=… dbname=…`).
    public var address: String { server.address(name) }
    /// Its URI (`postgresql://user@/name?host=…`).
    public var uri: String { server.uri(name) }

    /// A new connection to it.
    public func connect() throws -> PGConnection { try PGConnection(address) }
}
