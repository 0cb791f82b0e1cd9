import Foundation
import Testing

/// Drives the real program in a pseudo-terminal (Python's pty module): keys in, the screen out.
enum PTY {
    static let driver = #"""
#!/usr/bin/env python3
"""Drives a program in a pseudo-terminal: steps from a JSON list, prints a JSON report.

usage: ptydrive.py STEPS_JSON -- PROGRAM ARGS...
Steps: ["expect", TEXT, SECONDS?] waits until the screen text (ANSI removed) since the last
key sent contains TEXT; ["send", TEXT] types it ("\\x03" is Ctrl-C); ["sleep", SECONDS];
["run", ARGV...] runs another command (the conflict from another process) and waits.
Report: {"ok", "failed", "exit", "signal", "restored", "transcript"}.
"""
import base64, json, os, pty, re, select, signal, struct, fcntl, subprocess, sys, termios, time

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]")

def main():
    steps = json.loads(sys.argv[1])
    argv = sys.argv[sys.argv.index("--") + 1:]
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    before = termios.tcgetattr(slave)
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
    seen, window, failed = b"", b"", None

    def pump(timeout):
        nonlocal seen, window
        r, _, _ = select.select([master], [], [], timeout)
        if r:
            try:
                data = os.read(master, 65536)
            except OSError:
                return False
            seen += data
            window += data
            return True
        return False

    for index, step in enumerate(steps):
        kind = step[0]
        if kind == "expect":
            text, limit = step[1].encode(), step[2] if len(step) > 2 else 10
            deadline = time.time() + limit
            while text not in ANSI.sub(b"", window):
                if time.time() > deadline or (proc.poll() is not None and not pump(0.1)):
                    failed = {"step": index, "want": step[1], "screen": ANSI.sub(b"", window).decode(errors="replace")[-2000:]}
                    break
                pump(0.05)
            if failed:
                break
        elif kind == "send":
            # what the key brings is what the next expects look at
            while pump(0.02):
                pass
            window = b""
            os.write(master, step[1].encode())
        elif kind == "sleep":
            end = time.time() + step[1]
            while time.time() < end:
                pump(0.05)
        elif kind == "run":
            subprocess.run(step[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    deadline = time.time() + 10
    while proc.poll() is None and time.time() < deadline:
        pump(0.05)
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    while pump(0.05):
        pass
    after = termios.tcgetattr(slave)
    restored = before[:3] == after[:3] and before[3] == after[3]
    code = proc.returncode
    print(json.dumps({"ok": failed is None, "failed": failed, "exit": code if code >= 0 else None,
                      "signal": -code if code < 0 else None, "restored": restored,
                      "transcript": ANSI.sub(b"", seen).decode(errors="replace"),
                      "raw": base64.b64encode(seen).decode()}))

main()
"""#

    static let driverPath: String = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mygaz-ptydrive-\(getpid()).py").path
        try! driver.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }()

    struct Report {
        let ok: Bool
        let failed: String
        let exit: Int?
        let signal: Int?
        let restored: Bool
        let transcript: String
        /// Every byte the terminal received, escape sequences and all.
        var raw: [UInt8] = []
        var description: String { "ok \(ok), exit \(exit.map(String.init) ?? "-"), signal \(signal.map(String.init) ?? "-"), restored \(restored)\nfailed: \(failed)\n--- transcript (end)\n\(transcript.suffix(3000))" }
    }

    enum Step {
        case expect(String, seconds: Double = 10)
        case send(String)
        case sleep(Double)
        case run([String])

        var json: [Any] {
            switch self {
            case .expect(let text, let seconds): return ["expect", text, seconds]
            case .send(let keys): return ["send", keys]
            case .sleep(let seconds): return ["sleep", seconds]
            case .run(let argv): return ["run"] + argv
            }
        }
    }
}

extension E2E {
    /// Runs `mygaz-admin --db <db> args…` at an 80×24 terminal and plays `steps`.
    func interactive(_ args: [String], _ steps: [PTY.Step], env: [String: String] = [:]) -> PTY.Report {
        E2E.terminal([E2E.binary, "--db", db] + args, steps, env: env, cwd: dir)
    }

    /// Runs any program (a shell, say) at an 80×24 terminal and plays `steps`.
    static func terminal(_ argv: [String], _ steps: [PTY.Step], env: [String: String] = [:], cwd: String? = nil) -> PTY.Report {
        let json = String(decoding: try! JSONSerialization.data(withJSONObject: steps.map(\.json)), as: UTF8.self)
        let r = E2E.exec("/usr/bin/env", ["python3", PTY.driverPath, json, "--"] + argv,
                         env: ["TERM": "xterm-256color"].merging(env) { $1 }, cwd: cwd)
        let object = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [String: Any] ?? [:]
        let failed = (object["failed"] as? [String: Any]).map { "step \($0["step"] ?? "?") wanted «\($0["want"] ?? "")»; screen:\n\($0["screen"] ?? "")" } ?? ""
        return PTY.Report(ok: object["ok"] as? Bool ?? false, failed: failed.isEmpty && object.isEmpty ? r.description : failed,
                          exit: object["exit"] as? Int, signal: object["signal"] as? Int,
                          restored: object["restored"] as? Bool ?? false, transcript: object["transcript"] as? String ?? "",
                          raw: (object["raw"] as? String).flatMap { Data(base64Encoded: $0) }.map { [UInt8]($0) } ?? [])
    }
}
