import Foundation
import Testing

/// The editor a clerk writes an answer in, at a real (pseudo) terminal: it owns the keyboard,
/// Ctrl-C in it sends nothing, and an empty or unchanged text sends nothing.
@Suite struct EditorE2ETests {
    /// An editor that asks on the terminal and writes what was typed: it reads the keyboard, so a
    /// program that starts it outside the terminal's foreground group freezes here.
    func askingEditor(_ t: E2E, name: String = "editor.sh", prompt: String = "Ваш ответ: ") throws -> String {
        let path = t.dir + "/" + name
        try "#!/bin/sh\necho \"$0 $*\" > '\(t.dir)/argv'\nprintf '\(prompt)'\nread line\nfor file; do :; done\nprintf '%s\\n' \"$line\" > \"$file\"\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        _ = E2E.sh("chmod +x '\(path)'")
        return path
    }

    func newTicket(_ t: E2E) -> String {
        t.sql("SELECT min(id) FROM ticket WHERE status = 'new' AND sender_email IS NOT NULL")
    }

    @Test func theEditorReadsTheKeyboardAndTheAnswerIsSent() throws {
        let t = E2E()
        t.demo()
        let ticket = newTicket(t)
        let editor = try askingEditor(t)
        let r = t.interactive(["ticket", "reply", ticket], [
            .expect("Ваш ответ:", seconds: 5), .send("Проверили, счетчик исправен\r"), .expect("queued"),
        ], env: ["EDITOR": editor, "VISUAL": ""])
        #expect(r.ok && r.exit == 0 && r.restored, "\(r.description)")
        #expect(t.sql("SELECT body FROM ticket_message WHERE ticket_id = \(ticket) ORDER BY id DESC LIMIT 1") == "Проверили, счетчик исправен")
        #expect(t.sql("SELECT status FROM ticket WHERE id = \(ticket)") == "answered")
    }

    @Test func ctrlCInTheEditorSendsNothing() throws {
        let t = E2E()
        t.demo()
        let ticket = newTicket(t)
        let editor = try askingEditor(t)
        let queued = t.sql("SELECT count(*) FROM outbox")
        let r = t.interactive(["ticket", "reply", ticket], [
            .expect("Ваш ответ:", seconds: 5), .send("полуответ"), .send("\u{03}"), .expect("interrupted"),
        ], env: ["EDITOR": editor])
        #expect(r.ok && r.exit == 130 && r.signal == nil && r.restored, "the program itself was not killed: \(r.description)")
        #expect(r.transcript.contains("nothing was sent"), "\(r.transcript)")
        #expect(t.sql("SELECT status FROM ticket WHERE id = \(ticket)") == "new")
        #expect(t.sql("SELECT count(*) FROM outbox") == queued)
    }

    @Test func visualBeforeEditorAndACommandWithArgumentsSplitAsAShellWould() throws {
        let t = E2E()
        t.demo()
        let ticket = newTicket(t)
        let visual = try askingEditor(t, name: "my editor.sh")
        let wrong = try askingEditor(t, name: "wrong.sh", prompt: "WRONG EDITOR ")
        let r = t.interactive(["ticket", "reply", ticket], [
            .expect("Ваш ответ:", seconds: 5), .send("Ответ\r"), .expect("queued"),
        ], env: ["VISUAL": "'\(visual)' --wait", "EDITOR": wrong])
        #expect(r.ok && r.exit == 0, "\(r.description)")
        // the script's $1 is the file: "--wait" came before it, as `code --wait FILE`
        let argv = try String(contentsOfFile: t.dir + "/argv", encoding: .utf8)
        #expect(argv.hasPrefix(visual + " --wait /"), "\(argv)")
        #expect(!r.transcript.contains("WRONG EDITOR"))
    }

    @Test(arguments: ["true", "printf '\\n\\n' >>"]) func anUnchangedOrEmptyTextSendsNothing(_ editor: String) throws {
        let t = E2E()
        t.demo()
        let ticket = newTicket(t)
        let queued = t.sql("SELECT count(*) FROM outbox")
        let r = t.interactive(["ticket", "reply", ticket], [.expect("nothing was sent")], env: ["EDITOR": editor])
        #expect(r.ok && r.exit == 0, "\(r.description)")
        #expect(t.sql("SELECT status FROM ticket WHERE id = \(ticket)") == "new")
        #expect(t.sql("SELECT count(*) FROM outbox") == queued)
    }

    @Test func inTheReviewCtrlCInTheEditorReturnsToTheTicket() throws {
        let t = E2E()
        t.demo(accounts: 300)
        let editor = try askingEditor(t)
        let queued = t.sql("SELECT count(*) FROM outbox")
        let r = t.interactive(["ticket", "review"], [
            .expect("ticket 1/"), .send("r"), .expect("Ваш ответ:", seconds: 5), .send("\u{03}"),
            .expect("interrupted"), .expect("ticket 1/"), .send("q"),
        ], env: ["EDITOR": editor])
        #expect(r.ok && r.exit == 0 && r.restored, "\(r.description)")
        #expect(t.sql("SELECT count(*) FROM outbox") == queued)
    }

    @Test func faqAnswersAreWrittenInTheSameEditor() throws {
        let t = E2E()
        t.demo()
        let editor = try askingEditor(t)
        let added = t.interactive(["faq", "add", "--topic", "other", "--question", "Где пункт приема?"], [
            .expect("Ваш ответ:", seconds: 5), .send("В центре, ул. Мира, 1\r"), .expect("added"),
        ], env: ["EDITOR": editor])
        #expect(added.ok && added.exit == 0, "\(added.description)")
        let id = t.sql("SELECT id FROM faq WHERE question = 'Где пункт приема?'")
        #expect(t.sql("SELECT answer FROM faq WHERE id = \(id)") == "В центре, ул. Мира, 1")
        // edit with no option: the answer as it is, in the editor; left as it was, nothing changes
        let unchanged = t.interactive(["faq", "edit", id], [.expect("nothing was saved")], env: ["EDITOR": "true"])
        #expect(unchanged.ok && unchanged.exit == 0, "\(unchanged.description)")
        #expect(t.sql("SELECT answer FROM faq WHERE id = \(id)") == "В центре, ул. Мира, 1")
        // without a terminal there is no editor to open: the options are named
        let script = t.run("faq", "add", "--topic", "other", "--question", "Вопрос")
        #expect(script.status == 2 && script.stderr.contains("--answer"), "\(script)")
    }
}
