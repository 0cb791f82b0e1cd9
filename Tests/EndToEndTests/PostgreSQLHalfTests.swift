import EngineHarness
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The PostgreSQL half of `swift test`: this test bundle started again with
/// `MYGAZ_TEST_ENGINE=postgresql` for every suite but `PostgreSQLHalf.notYet` (Tests/EngineHarness/TestEngine.swift),
/// its output streamed into this run's log line by line, its failures this test's failures.
/// Where the server binaries are not installed, one line says the half was skipped and which
/// package to install; inside the half itself this suite does nothing.
@Suite(.enabled(if: !PostgreSQLHalf.isThisProcess, "the PostgreSQL half starts no half of its own"))
struct PostgreSQLHalfTests {
    /// What a run of the bundle gave: its exit status, and its lines with the terminal's colours taken out.
    struct Run: Sendable {
        var status: Int32 = -1
        var lines: [String] = []
        /// Killed at the deadline: it ran past `PostgreSQLHalf.deadline`.
        var killed = false

        /// The test ids of `--list-tests`.
        var tests: Set<String> { Set(lines.filter { $0.contains("/") && !$0.contains(" ") }) }
        /// Swift Testing's "✘" lines: the issues and the tests, suites and run that failed.
        var failures: [String] { lines.filter { $0.contains("✘") } }
        /// The tests that started and did not end: what a run killed at its deadline was waiting for.
        var unfinished: [String] {
            func name(_ line: String, after mark: String) -> String? {
                guard let range = line.range(of: mark) else { return nil }
                return line[range.upperBound...].split(separator: " ").first.map(String.init)
            }
            var running: [String] = []
            for line in lines {
                if let test = name(line, after: "◇ Test ") { running.append(test) }
                for mark in ["✔ Test ", "✘ Test ", "➜ Test "] {
                    if let test = name(line, after: mark), let index = running.firstIndex(of: test) { running.remove(at: index) }
                }
            }
            return running
        }
        /// The number in "Test run with N tests … passed".
        var passed: Int? {
            guard let line = lines.last(where: { $0.contains("Test run with ") && $0.contains(" passed") }) else { return nil }
            return line.components(separatedBy: "Test run with ").last?.split(separator: " ").first.flatMap { Int($0) }
        }
    }

    /// Runs `work` on a thread of its own: the tests' own threads stay free meanwhile, and the
    /// whole of it waits for a free one once, at its end (a test resumed in between waits behind
    /// every test still to start: the half would begin only when the first half is nearly done).
    static func onItsOwnThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (done: CheckedContinuation<T, Never>) in
            Thread.detachNewThread { done.resume(returning: work()) }
        }
    }

    /// Spawned and waited for directly: Foundation's `Process` lost the exit of a child that ran
    /// for minutes (`waitUntilExit` never returned, the child stayed a zombie). Its output goes
    /// to a file read as it grows: a pipe's end, inherited by a process the tests start meanwhile
    /// (a server lives to the end), would keep the reader waiting.
    /// Past `deadline` the child is killed (its server's watchdog then stops the server): a test
    /// that hangs fails the run with the tests still running named, instead of holding CI to its own limit.
    static func runBlocking(_ arguments: [String], program: String = CommandLine.arguments[0], environment: [String: String], echo: String?,
                            deadline: Date = .distantFuture) -> Run {
        var run = Run()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("mygaz-pg-half-\(UUID().uuidString).log").path
        let fd = open(log, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            run.lines = ["cannot create \(log): \(String(cString: strerror(errno)))"]
            return run
        }
        defer { close(fd); unlink(log) }
        let environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pid: pid_t
        switch Spawn.start([program] + arguments, output: log, environment: environment) {
        case .success(let started): pid = started
        case .failure(let error):
            run.lines = ["cannot run the test bundle: \(error)"]
            return run
        }
        var pending: [UInt8] = []
        func take(_ line: ArraySlice<UInt8>) {
            let text = String(decoding: line, as: UTF8.self)
            if let echo { FileHandle.standardError.write(Data((echo + text + "\n").utf8)) }
            run.lines.append(text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression))
        }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var status: Int32 = 0
        var exited = false
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count > 0 {
                pending += buffer[0..<count]
                var start = 0
                while let newline = pending[start...].firstIndex(of: 0x0A) {
                    take(pending[start..<newline])
                    start = newline + 1
                }
                pending.removeFirst(start)
                continue
            }
            // at the end of what is written so far: done once the child is gone and all is read
            if exited || count < 0 { break }
            var reaped: pid_t
            repeat { reaped = waitpid(pid, &status, WNOHANG) } while reaped < 0 && errno == EINTR
            if reaped == pid {
                exited = true
            } else if !run.killed && Date() > deadline {
                kill(pid, SIGKILL)
                run.killed = true
            } else {
                usleep(100_000)
            }
        }
        if !pending.isEmpty { take(pending[...]) }
        if !exited { while waitpid(pid, &status, 0) < 0 && errno == EINTR {} }
        run.status = Spawn.exitCode(status)
        return run
    }

    /// A line into the log, where Swift Testing writes its own.
    static func say(_ line: String) { FileHandle.standardError.write(Data((line + "\n").utf8)) }

    @Test(.enabled(if: PGServer.available)) func everySuitePassesOnPostgreSQL() async throws {
        let (listing, half, seconds) = await Self.onItsOwnThread { () -> (Run, Run, Int) in
            // what the bundle holds: every test's id (`Module.Suite/test()`), for the line that counts them
            let listing = Self.runBlocking(["--testing-library", "swift-testing", "--list-tests"], environment: [:], echo: nil)
            let suites = Set(listing.tests.map(Self.suite))
            Self.say("PostgreSQL half: \(suites.count - PostgreSQLHalf.notYet.count) of \(suites.count) suites run on both engines; "
                + "\(PostgreSQLHalf.notYet.count) not yet (PostgreSQLHalf.notYet in Tests/EngineHarness/TestEngine.swift)")
            let started = Date()
            let half = Self.runBlocking(PostgreSQLHalf.arguments, environment: [PostgreSQLHalf.variable: "postgresql"], echo: "[PostgreSQL half] ",
                                        deadline: started.addingTimeInterval(PostgreSQLHalf.deadline))
            return (listing, half, Int(Date().timeIntervalSince(started).rounded()))
        }
        #expect(listing.status == 0, "\(listing.lines.suffix(20).joined(separator: "\n"))")
        let suites = Set(listing.tests.map(Self.suite))
        let missing = PostgreSQLHalf.notYet.filter { !suites.contains($0) }
        #expect(missing.isEmpty, "PostgreSQLHalf names what the test bundle does not hold (renamed?)")
        #expect(!half.killed, "the PostgreSQL half ran past \(Int(PostgreSQLHalf.deadline)) s and was killed; still running: \(half.unfinished.joined(separator: ", "))")
        let why: String = half.failures.isEmpty ? half.lines.suffix(30).joined(separator: "\n") : half.failures.joined(separator: "\n")
        #expect(half.status == 0, "the PostgreSQL half failed (exit \(half.status), \(seconds) s):\n\(why)")
        #expect(half.status != 0 || (half.passed ?? 0) > 0, "the PostgreSQL half ran no test:\n\(half.lines.suffix(10).joined(separator: "\n"))")
        Self.say("PostgreSQL half: \(half.passed ?? 0) tests passed on PostgreSQL in \(seconds) s")
    }

    /// A program the tests start holds none of their descriptors: Foundation's pipes are not
    /// close-on-exec, and a server started while a test read one to its end kept that test waiting.
    @Test func aProgramTheTestsStartHoldsNoneOfTheirDescriptors() throws {
        let pipe = Pipe()
        let write = pipe.fileHandleForWriting.fileDescriptor
        #expect(fcntl(write, F_GETFD) & FD_CLOEXEC == 0, "Foundation's pipe is close-on-exec now: this test guards nothing")
        let listed = Spawn.output(["/bin/ls", "/proc/self/fd"]).split(separator: "\n").map(String.init)
        #expect(listed.contains("0") && listed.contains("1") && listed.contains("2"), "\(listed)")
        #expect(!listed.contains(String(write)), "the child holds the pipe's write end: \(listed)")
        // ls's own: its listing of the folder
        #expect(Set(listed).isSubset(of: ["0", "1", "2", "3"]), "\(listed)")
        try pipe.fileHandleForWriting.close()
    }

    /// A half that runs past its deadline is killed, and the tests it was still running are named.
    @Test func aHalfPastItsDeadlineIsKilledAndNamesTheTestsStillRunning() {
        let script = "echo '◇ Test quick() started.'; echo '◇ Test hangs() started.'; echo '✔ Test quick() passed after 0.1 seconds.'; exec sleep 60"
        let started = Date()
        let run = Self.runBlocking(["-c", script], program: "/bin/sh", environment: [:], echo: nil, deadline: started.addingTimeInterval(1))
        #expect(run.killed)
        #expect(run.status == 128 + SIGKILL)
        #expect(run.unfinished == ["hangs()"])
        #expect(Date().timeIntervalSince(started) < 30)
    }

    /// The suite of a test's id (`Module.Suite/test()` → `Module.Suite`).
    static func suite(_ test: String) -> String { String(test[..<(test.lastIndex(of: "/") ?? test.endIndex)]) }
}
