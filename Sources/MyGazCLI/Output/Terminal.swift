import Foundation
import MyGazCore
#if canImport(Glibc)
import Glibc
#endif

/// Where text goes. Buffered; flushed at the end of a run or when large.
public protocol TextSink: AnyObject {
    func write(_ text: String)
    func write(bytes: [UInt8])
    func flush()
}

public final class FileSink: TextSink {
    let fd: Int32
    private var buffer: [UInt8] = []
    /// Set when a write failed (EPIPE: the reader went away) — stop producing output.
    public private(set) var broken = false
    /// The errno of the failed write (a full disk, say), 0 while all is well.
    public private(set) var failure: Int32 = 0

    public init(fd: Int32) {
        self.fd = fd
        buffer.reserveCapacity(1 << 16)
    }

    public func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    public func write(bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flush() }
    }

    public func flush() {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        if broken { return }
        buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    broken = true
                    return
                }
                offset += n
            }
        }
    }
}

public final class MemorySink: TextSink {
    public private(set) var bytes: [UInt8] = []
    public init() {}
    public func write(_ text: String) { bytes.append(contentsOf: text.utf8) }
    public func write(bytes: [UInt8]) { self.bytes.append(contentsOf: bytes) }
    public func flush() {}
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Where input comes from: ids with `-`, secrets with `--password-stdin`, message bodies.
public protocol InputSource: AnyObject {
    func readLine() -> String?
    func readAll() -> [UInt8]
}

public final class FileInput: InputSource {
    let fd: Int32
    private var pending: [UInt8] = []
    private var eof = false

    public init(fd: Int32) { self.fd = fd }

    private func fill() -> Bool {
        guard !eof else { return false }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { eof = true; return false }
            pending.append(contentsOf: chunk[0..<n])
            return true
        }
    }

    public func readLine() -> String? {
        while true {
            if let newline = pending.firstIndex(of: 10) {
                var line = Array(pending[0..<newline])
                pending.removeSubrange(0...newline)
                if line.last == 13 { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            if !fill() {
                guard !pending.isEmpty else { return nil }
                defer { pending.removeAll() }
                var line = pending
                if line.last == 13 { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
        }
    }

    public func readAll() -> [UInt8] {
        while fill() {}
        defer { pending.removeAll() }
        return pending
    }
}

public final class MemoryInput: InputSource {
    private var bytes: [UInt8]
    public init(_ text: String) { bytes = Array(text.utf8) }
    public init(bytes: [UInt8]) { self.bytes = bytes }
    public func readLine() -> String? {
        guard !bytes.isEmpty else { return nil }
        if let newline = bytes.firstIndex(of: 10) {
            var line = Array(bytes[0..<newline])
            bytes.removeSubrange(0...newline)
            if line.last == 13 { line.removeLast() }
            return String(decoding: line, as: UTF8.self)
        }
        defer { bytes.removeAll() }
        return String(decoding: bytes, as: UTF8.self)
    }
    public func readAll() -> [UInt8] { defer { bytes.removeAll() }; return bytes }
}

/// Questions to the person at the terminal: confirmations and secrets without echo.
public protocol Prompter: AnyObject {
    /// nil when there is no terminal to ask.
    func ask(_ question: String) -> String?
    func askSecret(_ question: String) -> String?
}

/// Asks on /dev/tty, so that prompts work even when stdin or stdout is redirected.
public final class TTYPrompter: Prompter {
    public init() {}

    public func ask(_ question: String) -> String? { read(question, echo: true) }
    public func askSecret(_ question: String) -> String? { read(question, echo: false) }

    private func read(_ question: String, echo: Bool) -> String? {
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var saved = termios()
        let haveTermios = tcgetattr(fd, &saved) == 0
        if !echo && haveTermios {
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(fd, TCSAFLUSH, &quiet)
        }
        defer {
            if !echo && haveTermios {
                tcsetattr(fd, TCSAFLUSH, &saved)
                _ = Glibc.write(fd, "\n", 1)
            }
        }
        _ = question.withCString { Glibc.write(fd, $0, strlen($0)) }
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            let n = Glibc.read(fd, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return line.isEmpty ? nil : String(decoding: line, as: UTF8.self) }
            if byte == 10 { break }
            line.append(byte)
        }
        if line.last == 13 { line.removeLast() }
        return String(decoding: line, as: UTF8.self)
    }
}

/// Answers prepared in advance (in-process tests).
public final class ScriptedPrompter: Prompter {
    private var answers: [String]
    public private(set) var questions: [String] = []
    public init(_ answers: [String]) { self.answers = answers }
    public func ask(_ question: String) -> String? {
        questions.append(question)
        return answers.isEmpty ? nil : answers.removeFirst()
    }
    public func askSecret(_ question: String) -> String? { ask(question) }
}

/// What the process is connected to.
public struct TerminalInfo: Sendable {
    public var stdinIsTTY: Bool
    public var stdoutIsTTY: Bool
    public var stderrIsTTY: Bool
    public var width: Int

    public init(stdinIsTTY: Bool = false, stdoutIsTTY: Bool = false, stderrIsTTY: Bool = false, width: Int = 100) {
        self.stdinIsTTY = stdinIsTTY
        self.stdoutIsTTY = stdoutIsTTY
        self.stderrIsTTY = stderrIsTTY
        self.width = width
    }

    public static func current(environment: [String: String]) -> TerminalInfo {
        var size = winsize()
        var width = 0
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 { width = Int(size.ws_col) }
        if width == 0, let columns = environment["COLUMNS"].flatMap(Int.init) { width = columns }
        return TerminalInfo(stdinIsTTY: isatty(STDIN_FILENO) == 1, stdoutIsTTY: isatty(STDOUT_FILENO) == 1,
                            stderrIsTTY: isatty(STDERR_FILENO) == 1, width: width > 0 ? width : 100)
    }
}

/// Everything a run touches outside the database.
public final class IO {
    public let stdout: TextSink
    public let stderr: TextSink
    public let stdin: InputSource
    public let terminal: TerminalInfo
    public let environment: [String: String]
    public let prompter: Prompter
    public let clock: Clock
    /// The OS login (getpwuid of the effective uid); nil if the uid has no passwd entry.
    public let login: String?

    public init(stdout: TextSink, stderr: TextSink, stdin: InputSource, terminal: TerminalInfo,
                environment: [String: String], prompter: Prompter, clock: Clock = .system, login: String?) {
        self.stdout = stdout
        self.stderr = stderr
        self.stdin = stdin
        self.terminal = terminal
        self.environment = environment
        self.prompter = prompter
        self.clock = clock
        self.login = login
    }

    /// The real process: file descriptors 0, 1, 2, /dev/tty, the effective uid's login.
    public static func process() -> IO {
        FileSizeLimit.catchIt()
        let environment = ProcessInfo.processInfo.environment
        return IO(stdout: FileSink(fd: STDOUT_FILENO), stderr: FileSink(fd: STDERR_FILENO),
                  stdin: FileInput(fd: STDIN_FILENO), terminal: .current(environment: environment),
                  environment: environment, prompter: TTYPrompter(), login: OSLogin.current())
    }
}

/// The identity of the process, like psql's peer authentication.
public enum OSLogin {
    public static func current() -> String? {
        guard let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }

    public static func exists(_ login: String) -> Bool { getpwnam(login) != nil }

    public static var effectiveUID: UInt32 { geteuid() }
}
