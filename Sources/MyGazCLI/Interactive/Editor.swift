import Foundation
import MyGazCore
#if canImport(Glibc)
import Glibc
#endif

/// The clerk's editor, run as git runs it: `$VISUAL`, else `$EDITOR`, else `vi`, through the
/// shell (so `code --wait` or `emacs -nw` work), on a file in a directory only this login may
/// enter (it quotes the customer's conversation). The editor stays in the terminal's foreground
/// process group: it reads the keyboard, and Ctrl-C is its own (we ignore SIGINT and SIGQUIT
/// while it runs). Lines starting with `#` are dropped; an empty or unchanged text is no text.
enum Editor {
    /// A person is there to write: stdin and stdout are a terminal.
    static func available(_ inv: Invocation) -> Bool {
        inv.io.terminal.stdinIsTTY && inv.io.terminal.stdoutIsTTY
    }

    /// The command the clerk chose, as it will be given to the shell.
    static func command(_ environment: [String: String]) -> String {
        [environment["VISUAL"], environment["EDITOR"]].compactMap { $0 }
            .first { !$0.trimmingCharacters(in: .whitespaces).isEmpty } ?? "vi"
    }

    /// What the clerk wrote, or nil when the text was left empty or unchanged. An editor that
    /// fails or is interrupted throws: nothing is to be sent.
    static func compose(template: String, environment: [String: String]) throws -> String? {
        let editor = command(environment)
        let directory = try PrivateFiles.temporaryDirectory("mygaz-reply")
        defer { PrivateFiles.remove(directory) }
        let path = directory + "/reply.txt"
        let fd = try PrivateFiles.create(path, mode: 0o600)
        defer { close(fd) }
        try Array(template.utf8).withUnsafeBytes { try PrivateFiles.write(fd, $0, path: path) }

        let ended = try ForegroundChild.run(["/bin/sh", "-c", editor + " \"$@\"", editor, path], environment: environment)
        switch ended {
        case .exited(0):
            break
        case .exited(128 + SIGINT), .signalled(SIGINT), .signalled(SIGQUIT):
            throw MyGazError(.interrupted, .editorInterrupted, .text(editor))
        case .exited(let code):
            throw MyGazError(.usage, .editorFailed, .text(editor), .text("exit \(code)"))
        case .signalled(let signal):
            throw MyGazError(.usage, .editorFailed, .text(editor), .text("signal \(signal)"))
        }
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let written = stripped(String(decoding: data, as: UTF8.self))
        return written.isEmpty || written == stripped(template) ? nil : written
    }

    /// The text without its `#` lines, trimmed.
    static func stripped(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("#") }
            .joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A program the person at the terminal works with (an editor), started in our own process group
/// — the terminal's foreground group — so that it may read the keyboard; a program put in a
/// group of its own would be stopped by SIGTTIN on its first read and freeze the screen.
enum ForegroundChild {
    enum Ended: Equatable {
        case exited(Int32)
        case signalled(Int32)
    }

    static func run(_ argv: [String], environment: [String: String]) throws -> Ended {
        // the terminal's Ctrl-C and Ctrl-\ reach the whole foreground group: they are the
        // child's to act on, not a reason for us to die while it runs
        var ignore = sigaction()
        ignore.__sigaction_handler.sa_handler = SIG_IGN
        sigemptyset(&ignore.sa_mask)
        var oldInt = sigaction(), oldQuit = sigaction()
        sigaction(SIGINT, &ignore, &oldInt)
        sigaction(SIGQUIT, &ignore, &oldQuit)
        defer {
            sigaction(SIGINT, &oldInt, nil)
            sigaction(SIGQUIT, &oldQuit, nil)
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // no SETPGROUP: the child stays in the foreground group; signals as a fresh program
        // expects them (an ignored signal would otherwise be inherited across exec)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGQUIT, SIGPIPE, SIGXFSZ, SIGTSTP, SIGTTIN, SIGTTOU, SIGTERM, SIGHUP, SIGWINCH] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var cEnv: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0.key + "=" + $0.value) } + [nil]
        defer { for p in cEnv { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], nil, &attributes, &cArgs, &cEnv)
        guard spawned == 0 else {
            throw MyGazError(.usage, .editorFailed, .text(argv.count > 3 ? argv[3] : argv[0]), .text(String(cString: strerror(spawned))))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { return .exited(127) }
        }
        return status & 0x7F == 0 ? .exited((status >> 8) & 0xFF) : .signalled(status & 0x7F)
    }
}
