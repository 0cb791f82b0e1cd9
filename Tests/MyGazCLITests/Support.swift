import Foundation
import Testing
@testable import MyGazCLI
@testable import MyGazCore

/// Runs the CLI in-process with captured streams.
struct InProcess {
    struct Result {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    static func run(_ args: [String], stdin: String = "", environment: [String: String] = ["LANG": "C"],
                    login: String? = "tester", terminal: TerminalInfo = TerminalInfo(), answers: [String] = [],
                    now: Int64 = 1_784_000_000) -> Result {
        let out = MemorySink(), err = MemorySink()
        let io = IO(stdout: out, stderr: err, stdin: MemoryInput(stdin), terminal: terminal, environment: environment,
                    prompter: ScriptedPrompter(answers), clock: .fixed(now), login: login)
        let status = MyGazCLI.run(args, io: io)
        return Result(status: status, stdout: out.text, stderr: err.text)
    }
}

final class Scratch {
    let path: String
    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("mygaz-cli-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    var db: String { path + "/t.db" }
}
