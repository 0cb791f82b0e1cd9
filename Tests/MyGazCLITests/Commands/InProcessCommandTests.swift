import Foundation
import Testing
@testable import MyGazCLI
@testable import MyGazCore

@Suite struct InProcessCommandTests {
    @Test func initThenStatusThenInitAgain() {
        let s = Scratch()
        let first = InProcess.run(["--db", s.db, "init"])
        #expect(first.status == 0)
        #expect(first.stdout.contains("created database"))
        let again = InProcess.run(["--db", s.db, "init", "--json"])
        #expect(again.stdout.contains(#""action":"unchanged""#))
        let status = InProcess.run(["--db", s.db, "status", "--json"])
        #expect(status.status == 0)
        #expect(status.stdout.contains(#""queue":"readings_pending","count":0"#))
    }

    @Test func anUnknownLoginIsRefusedWithExit7() {
        let s = Scratch()
        _ = InProcess.run(["--db", s.db, "init"], login: "boss")
        let r = InProcess.run(["--db", s.db, "status"], login: "stranger")
        #expect(r.status == 7)
        #expect(r.stderr.contains("operator add stranger"))
    }

    @Test func aWrongRoleIsRefusedWithExit7NamingTheRole() {
        let s = Scratch()
        _ = InProcess.run(["--db", s.db, "init"], login: "boss")
        _ = InProcess.run(["--db", s.db, "operator", "add", "helper", "--role", "support"], login: "boss")
        let r = InProcess.run(["--db", s.db, "operator", "add", "x", "--role", "clerk"], login: "helper")
        #expect(r.status == 7)
        #expect(r.stderr.contains("needs the role admin"))
        let ok = InProcess.run(["--db", s.db, "status"], login: "helper")
        #expect(ok.status == 0)
    }

    @Test func removingAnOperatorNeedsYesWithoutATerminal() {
        let s = Scratch()
        _ = InProcess.run(["--db", s.db, "init"], login: "boss")
        _ = InProcess.run(["--db", s.db, "operator", "add", "helper", "--role", "support"], login: "boss")
        let refused = InProcess.run(["--db", s.db, "operator", "remove", "helper"], login: "boss")
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("--yes"))
        let asked = InProcess.run(["--db", s.db, "operator", "remove", "helper"], login: "boss",
                                  terminal: TerminalInfo(stdinIsTTY: true), answers: ["y"])
        #expect(asked.status == 0)
        let list = InProcess.run(["--db", s.db, "operator", "list", "--format", "tsv"], login: "boss")
        #expect(!list.stdout.contains("helper"))
    }
}
