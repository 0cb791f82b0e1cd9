import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The tests' own way to start a program that may outlive the test that starts it (the
/// PostgreSQL server, its watchdog, the PostgreSQL half): `posix_spawn` with no search of PATH,
/// stdin from /dev/null, stdout and stderr appended to one file, and **no other descriptor** of
/// the test process. Plain `posix_spawn` hands the child every descriptor not marked close-on-exec,
/// and Foundation's `Pipe` marks none: a server started while another test read a pipe to its end
/// held that pipe's write end until the process exited, so the reader waited for ever and the
/// run never ended.
public enum Spawn {
    /// Starts `argv` (`argv[0]` a path) with `environment` (nil: this process's); its output to
    /// `output`, created 0600 if missing. The child's pid, or the error that kept it from starting.
    public static func start(_ argv: [String], output: String, environment: [String: String]? = nil) -> Result<pid_t, SpawnError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        guard let closeFrom = closeFrom, closeFrom(&actions, 3) == 0 else {
            return .failure(SpawnError(code: ENOSYS, what: "posix_spawn_file_actions_addclosefrom_np (glibc 2.34 or newer)"))
        }
        let args = argv.map { strdup($0) } + [nil]
        let env = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { (args + (env ?? [])).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = env.map { env in posix_spawn(&pid, argv[0], &actions, nil, args, env) }
            ?? posix_spawn(&pid, argv[0], &actions, nil, args, environ)
        return spawned == 0 ? .success(pid) : .failure(SpawnError(code: spawned, what: argv[0]))
    }

    /// Waits for `pid`: its exit status, or 128 + the signal that ended it, as a shell says it.
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return exitCode(status)
    }

    /// A wait status as a shell says it: the exit status, or 128 + the signal.
    public static func exitCode(_ status: Int32) -> Int32 {
        (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    /// Runs `argv` and waits; its output goes to `output`. The exit status, or -1 when it could not start.
    @discardableResult
    public static func run(_ argv: [String], output: String) -> Int32 {
        guard case .success(let pid) = start(argv, output: output) else { return -1 }
        return wait(pid)
    }

    /// What `argv` writes on stdout and stderr, "" when it fails.
    public static func output(_ argv: [String]) -> String {
        let file = "/tmp/mgzt-out-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        defer { unlink(file) }
        guard run(argv, output: file) == 0 else { return "" }
        return (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public let code: Int32
        public let what: String
        public var description: String { "cannot run \(what): \(String(cString: strerror(code)))" }
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np`, which the Glibc module does not show:
    /// the child closes every descriptor from the one given on, atomically, after the actions before it.
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let closeFrom: CloseFrom? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: CloseFrom.self) }
}
