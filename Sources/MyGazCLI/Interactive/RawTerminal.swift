import Foundation
import MyGazCore
#if canImport(Glibc)
import Glibc
#endif

/// A key pressed at the review screen.
enum Key: Equatable {
    case char(Character)
    case enter, escape, backspace, up, down, left, right
    case interrupt      // Ctrl-C
    case end            // Ctrl-D, or the terminal went away

    /// Keys typed with a Russian layout mean the Latin key in the same place (ф is a, к is r…),
    /// so that a clerk need not switch layouts to decide.
    static let russianLayout: [Character: Character] = {
        let cyrillic = Array("йцукенгшщзфывапролдячсмитьЙЦУКЕНГШЩЗФЫВАПРОЛДЯЧСМИТЬ")
        let latin = Array("qwertyuiopasdfghjklzxcvbnmQWERTYUIOPASDFGHJKLZXCVBNM")
        return Dictionary(uniqueKeysWithValues: zip(cyrillic, latin))
    }()

    /// The command a key stands for: lower case, Russian layout folded to Latin.
    var command: Character? {
        guard case .char(let c) = self else { return nil }
        let latin = Key.russianLayout[c] ?? c
        return Character(latin.lowercased())
    }
}

/// The terminal state to put back, reachable from a signal handler (which may not capture).
nonisolated(unsafe) private var savedTermios = termios()
nonisolated(unsafe) private var termiosSaved = false

private func restoreTerminalFromSignal(_ signal: Int32) {
    if termiosSaved { tcsetattr(STDIN_FILENO, TCSAFLUSH, &savedTermios) }
    // leave the alternate screen and show the cursor; write(2) is safe in a handler
    let reset = "\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l"
    _ = reset.withCString { Glibc.write(STDOUT_FILENO, $0, strlen($0)) }
    Glibc.signal(signal, SIG_DFL)
    raise(signal)
}

/// The terminal in raw mode (single keys, no echo, no signals from keys) for the length of a
/// review, restored on every way out: the end, an error, Ctrl-C, and SIGINT/SIGTERM/SIGHUP.
final class RawTerminal {
    private let input = STDIN_FILENO
    private let output = STDOUT_FILENO
    private var raw = false
    private var pending: [UInt8] = []

    init() throws {
        guard tcgetattr(input, &savedTermios) == 0 else {
            throw MyGazError.usage(.reviewNeedsTerminal, "review")
        }
        termiosSaved = true
        // a parent may hand down these signals blocked; the terminal must be put back on each
        var set = sigset_t()
        sigemptyset(&set)
        for signal in Self.restoring { sigaddset(&set, signal) }
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
        for signal in Self.restoring {
            Glibc.signal(signal) { restoreTerminalFromSignal($0) }
        }
    }

    static let restoring = [SIGINT, SIGTERM, SIGHUP, SIGQUIT]

    deinit { leave() }

    var size: (rows: Int, columns: Int) {
        var w = winsize()
        if ioctl(output, UInt(TIOCGWINSZ), &w) == 0, w.ws_row > 0, w.ws_col > 0 { return (Int(w.ws_row), Int(w.ws_col)) }
        return (24, 80)
    }

    /// Raw input, the alternate screen, no cursor.
    func enter() {
        var t = savedTermios
        t.c_iflag &= ~tcflag_t(IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON)
        t.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN)
        // output processing stays on: "\n" still moves to the start of the next line
        withUnsafeMutableBytes(of: &t.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        tcsetattr(input, TCSAFLUSH, &t)
        raw = true
        write("\u{1B}[?1049h\u{1B}[?25l")
    }

    /// Everything back as it was; safe to call twice.
    func leave() {
        guard raw else { return }
        raw = false
        write("\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l")
        tcsetattr(input, TCSAFLUSH, &savedTermios)
        for signal in Self.restoring { Glibc.signal(signal, SIG_DFL) }
        termiosSaved = false
    }

    /// Runs `body` with the terminal as the user had it (an editor, a pager).
    func suspended<T>(_ body: () throws -> T) rethrows -> T {
        leave()
        // Ctrl-C in the editor is the editor's business, not a reason for us to die
        Glibc.signal(SIGINT, SIG_IGN)
        Glibc.signal(SIGQUIT, SIG_IGN)
        termiosSaved = true
        defer {
            for signal in Self.restoring { Glibc.signal(signal) { restoreTerminalFromSignal($0) } }
            enter()
        }
        return try body()
    }

    func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(output, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Clears the screen and draws `lines` from the top. The lines may carry our colours and
    /// nothing else a terminal acts on: a control that slipped into one from the data is shown.
    func draw(_ lines: [String]) {
        write("\u{1B}[H\u{1B}[2J" + lines.map(UntrustedText.keepingColours).joined(separator: "\n"))
    }

    private func readByte(timeoutMs: Int32 = -1) -> UInt8? {
        if !pending.isEmpty { return pending.removeFirst() }
        var fds = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
        while true {
            let ready = poll(&fds, 1, timeoutMs)
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { return nil }
            break
        }
        var byte: UInt8 = 0
        while true {
            let n = Glibc.read(input, &byte, 1)
            if n < 0 && errno == EINTR { continue }
            return n == 1 ? byte : nil
        }
    }

    func readKey() -> Key {
        guard let b = readByte() else { return .end }
        switch b {
        case 3: return .interrupt
        case 4: return .end
        case 13, 10: return .enter
        case 127, 8: return .backspace
        case 27:
            // an escape sequence follows at once; a lone ESC does not
            guard let next = readByte(timeoutMs: 50) else { return .escape }
            guard next == 91 || next == 79, let final = readByte(timeoutMs: 50) else { return .escape }
            switch final {
            case 65: return .up
            case 66: return .down
            case 67: return .right
            case 68: return .left
            default:
                // drop the rest of a longer sequence (function keys: ESC [ 1 5 ~)
                var c = final
                while !(64...126).contains(c), let more = readByte(timeoutMs: 50) { c = more }
                return .escape
            }
        default:
            var bytes = [b]
            let expected = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
            while bytes.count < expected, let more = readByte(timeoutMs: 50) { bytes.append(more) }
            guard let character = String(bytes: bytes, encoding: .utf8)?.first else { return .escape }
            return .char(character)
        }
    }

    /// A line typed on the last row: Enter ends it; Esc or Ctrl-C gives nil.
    func readLine(_ prompt: String, initial: String = "") -> String? {
        var text = initial
        let row = size.rows
        write("\u{1B}[?25h")
        defer { write("\u{1B}[?25l") }
        // a question wider than the screen would wrap on the last row and scroll the screen's top
        // line away: its beginning goes on the rows above, the answer stays on the last one
        let pieces = DisplayWidth.of(prompt) > size.columns - 10 ? DisplayWidth.wrap(prompt, to: max(20, size.columns - 10)) : [prompt]
        let above = Array(pieces.dropLast()), asked = pieces.last ?? prompt
        for (i, line) in above.enumerated() where row - above.count + i >= 1 {
            write("\u{1B}[\(row - above.count + i);1H\u{1B}[2K" + line)
        }
        while true {
            let room = max(10, size.columns - DisplayWidth.of(asked) - 1)
            var shown = text
            while DisplayWidth.of(shown) > room { shown.removeFirst() }
            write("\u{1B}[\(row);1H\u{1B}[2K" + asked + shown)
            switch readKey() {
            case .enter: return text
            case .escape, .interrupt, .end: return nil
            case .backspace: if !text.isEmpty { text.removeLast() }
            case .char(let c) where c.unicodeScalars.allSatisfy({ $0.value >= 0x20 }): text.append(c)
            default: break
            }
        }
    }
}
