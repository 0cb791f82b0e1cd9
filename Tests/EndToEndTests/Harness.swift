import EngineHarness
import Foundation
import Testing

/// SQLite or PostgreSQL (Tests/EngineHarness/TestEngine.swift).
typealias TestEngine = EngineHarness.TestEngine

extension Trait where Self == ConditionTrait {
    /// A test of what is SQLite's alone (its file, its modes, sqlite3 itself): skipped in the
    /// PostgreSQL half, saying why.
    static func sqliteOnly(_ why: Comment) -> Self { .enabled(if: TestEngine.default == .sqlite, why) }
}

/// Runs the built `mygaz-admin` binary as a user would: argv, stdin, environment,
/// exit status, stdout, stderr. Each test gets its own directory and database: a SQLite file
/// in that directory, or a database of its own on the tests' PostgreSQL server (`t.db` is then
/// its URI, so `--db t.db` works alike); the process's default engine unless the test names one.
final class E2E {
    struct Result: CustomStringConvertible {
        let status: Int32
        let stdout: String
        let stderr: String
        var description: String { "exit \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }
        var lines: [String] { stdout.split(separator: "\n").map(String.init) }
        /// The stdout parsed as JSON.
        var json: Any? { try? JSONSerialization.jsonObject(with: Data(stdout.utf8), options: [.fragmentsAllowed]) }
        var jsonArray: [[String: Any]] { json as? [[String: Any]] ?? [] }
        var jsonObject: [String: Any] { json as? [String: Any] ?? [:] }
    }

    let engine: TestEngine
    let dir: String
    /// What `--db` takes: the file's path, or the PostgreSQL database's URI.
    let db: String
    /// The PostgreSQL database, kept while the test runs (dropped with it).
    private let server: PGTestDatabase?

    convenience init(engine: TestEngine = .default) { self.init(engine: engine, copying: nil) }

    /// A test of its own on a copy of `original`'s database as it is now (its file copied, or
    /// the server's database made from it as a template).
    convenience init(copying original: E2E) { self.init(engine: original.engine, copying: original) }

    private init(engine: TestEngine, copying original: E2E?) {
        self.engine = engine
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("mygaz-e2e-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        switch engine {
        case .sqlite:
            db = dir + "/mygaz.db"
            server = nil
            if let original {
                _ = original.sql("PRAGMA wal_checkpoint(TRUNCATE)")
                try! FileManager.default.copyItem(atPath: original.db, toPath: db)
            }
        case .postgresql:
            do {
                server = try original.map { try PGServer.database(copying: $0.server!) } ?? PGServer.database()
            } catch {
                fatalError("an end-to-end test on PostgreSQL has no database: \(error)")
            }
            db = server!.uri
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    /// The binary SwiftPM built next to this test bundle.
    static let binary: String = {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("mygaz-admin").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("mygaz-admin").path,
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(".build/debug/mygaz-admin").path,
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates.last!
    }()

    static let baseEnvironment: [String: String] = [
        "PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
        "TZ": "UTC",
        "LANG": "C.UTF-8",
        "HOME": FileManager.default.temporaryDirectory.path,
        // the machine's own /etc/mygaz-admin.conf is never read by a test; a test that wants one names it
        "MYGAZ_CONFIG": "/nonexistent/mygaz-admin.conf",
    ]

    /// Runs `mygaz-admin --db <this test's db> args…`.
    @discardableResult
    func run(_ args: [String], stdin: String? = nil, env: [String: String] = [:], useDB: Bool = true,
             as user: String? = nil, binary: String = E2E.binary) -> Result {
        var argv = args
        if useDB { argv = ["--db", db] + argv }
        return E2E.exec(binary, argv, stdin: stdin.map { Array($0.utf8) }, env: env, as: user, cwd: dir)
    }

    @discardableResult
    func run(_ args: String...) -> Result { run(args) }

    /// Runs any program; stdout and stderr go through files so that large outputs never deadlock.
    static func exec(_ program: String, _ args: [String], stdin: [UInt8]? = nil, env: [String: String] = [:],
                     as user: String? = nil, cwd: String? = nil) -> Result {
        start(program, args, stdin: stdin, env: env, as: user, cwd: cwd).finish()
    }

    /// A started process; `finish()` waits for it and collects its output.
    final class Running {
        let process: Process
        let scratch: URL
        let handles: [FileHandle]
        let failure: String?

        init(process: Process, scratch: URL, handles: [FileHandle], failure: String?) {
            self.process = process
            self.scratch = scratch
            self.handles = handles
            self.failure = failure
        }

        func finish() -> Result {
            defer { try? FileManager.default.removeItem(at: scratch) }
            if let failure { return Result(status: -1, stdout: "", stderr: failure) }
            process.waitUntilExit()
            for h in handles { try? h.close() }
            let out = (try? String(contentsOf: scratch.appendingPathComponent("out"), encoding: .utf8)) ?? ""
            let err = (try? String(contentsOf: scratch.appendingPathComponent("err"), encoding: .utf8)) ?? ""
            return Result(status: process.terminationStatus, stdout: out, stderr: err)
        }
    }

    static func start(_ program: String, _ args: [String], stdin: [UInt8]? = nil, env: [String: String] = [:],
                      as user: String? = nil, cwd: String? = nil) -> Running {
        let process = Process()
        if let user {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", user, "--", program] + args
        } else {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = args
        }
        process.environment = baseEnvironment.merging(env) { _, new in new }
        if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("mygaz-io-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let outURL = scratch.appendingPathComponent("out"), errURL = scratch.appendingPathComponent("err")
        let inURL = scratch.appendingPathComponent("in")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: inURL.path, contents: Data(stdin ?? []))
        let outHandle = try! FileHandle(forWritingTo: outURL), errHandle = try! FileHandle(forWritingTo: errURL)
        let inHandle = try! FileHandle(forReadingFrom: inURL)
        process.standardOutput = outHandle
        process.standardError = errHandle
        process.standardInput = inHandle
        var failure: String?
        do { try process.run() } catch { failure = "cannot run \(program): \(error)" }
        return Running(process: process, scratch: scratch, handles: [outHandle, errHandle, inHandle], failure: failure)
    }

    /// Starts every command at once (separate processes on the same database), then waits for all.
    func runConcurrently(_ commands: [[String]]) -> [Result] {
        let running = commands.map { E2E.start(E2E.binary, ["--db", db] + $0, cwd: dir) }
        return running.map { $0.finish() }
    }

    /// A quick shell helper for the test's own setup.
    @discardableResult
    static func sh(_ command: String) -> Result { exec("/bin/sh", ["-c", command]) }

    /// `init` then a small demo region, the usual start of a test.
    func demo(accounts: Int = 200, date: String = "2026-07-20") {
        let r = run(["demo", "--accounts", String(accounts), "--date", date, "--json"])
        precondition(r.status == 0, "demo failed: \(r)")
    }

    /// What `query` answers, read outside the program: `sqlite3` on the file, `psql` on the
    /// server, both in the form `a|b`, a row a line, NULL as nothing.
    /// A query the reader refuses is the test's failure, said with the reader's words, never an
    /// empty answer a test goes on with.
    func sql(_ query: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let r = switch engine {
        case .sqlite: E2E.exec("/usr/bin/sqlite3", ["-bail", db, query])
        case .postgresql: E2E.exec(E2E.psql, ["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", db, "-c", query])
        }
        if r.status != 0 || !r.stderr.isEmpty {
            Issue.record("\(engine) refused the test's query (exit \(r.status)): \(r.stderr)\n\(query)", sourceLocation: sourceLocation)
        }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The server's own `psql`, else the one on the PATH.
    static let psql: String = {
        let own = PGServer.binaries.map { $0 + "/psql" }
        return own.flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil } ?? "/usr/bin/psql"
    }()
}

/// Real OS logins for permission tests (created once, as root).
enum TestLogins {
    static let available: Bool = {
        guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/sbin/useradd"),
              FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser") else { return false }
        for name in ["mgzt-clerk", "mgzt-support", "mgzt-outsider"] {
            if getpwnam(name) == nil {
                _ = E2E.sh("/usr/sbin/useradd --system --no-create-home --shell /usr/sbin/nologin \(name)")
            }
        }
        if getgrnam("mgzt-share") == nil { _ = E2E.sh("/usr/sbin/groupadd --system mgzt-share") }
        _ = E2E.sh("/usr/sbin/usermod -a -G mgzt-share mgzt-clerk; /usr/sbin/usermod -a -G mgzt-share mgzt-support")
        return getpwnam("mgzt-outsider") != nil && getgrnam("mgzt-share") != nil
    }()

    /// A copy of the binary every login may run (the build tree may sit under /root).
    static let publicBinary: String = {
        let dir = "/tmp/mygaz-e2e-bin-\(getpid())"
        _ = E2E.sh("mkdir -p \(dir) && cp '\(E2E.binary)' \(dir)/mygaz-admin && chmod 755 \(dir) \(dir)/mygaz-admin")
        return dir + "/mygaz-admin"
    }()
}
