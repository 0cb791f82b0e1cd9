import EngineHarness
import Foundation
import Testing
@testable import MyGazCore

/// `outbox send` on a PostgreSQL database: the shell that delivers each message records it sent
/// through `outbox __receipt`, which finds the server by the address in its environment — never
/// in its argv, which `ps` shows every local user.
@Suite(.enabled(if: PGServer.available)) struct DeliveryOnPostgreSQLTests {
    @Test func eachMessageIsRecordedSentByItsShellsReceiptAndTheAddressStaysOutOfArgv() throws {
        let t = E2E()
        let database = try PGServer.database()
        let env = ["MYGAZ_DB": database.uri]
        #expect(t.run(["init"], env: env, useDB: false).status == 0)
        let db = try database.connect()
        let rgk = try db.insert("""
            INSERT INTO rgk (code, name, email, created_at, updated_at) VALUES ('vologda', 'ООО «Газ»', 'abon@gaz.example', 'x', 'x')
            """, arguments: [])
        for n in 1...3 {
            try db.run("""
                INSERT INTO outbox (channel, recipient, subject, body, secret, rgk_id, kind, status, next_attempt_at, created_at)
                VALUES ('email', ?, 'Код', ?, ?, ?, 'other', 'waiting', '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z')
                """, arguments: ["c\(n)@mail.example", "Код \(Outbox.secretMark)", "10\(n)", rgk])
        }
        let (sendmail, directory) = t.recordingSendmail()
        let sent = t.run(["--json", "outbox", "send", "--sendmail", sendmail], env: env, useDB: false)
        #expect(sent.status == 0 && sent.jsonObject["sent"] as? Int == 3, "\(sent)")
        #expect(try db.queryOne("SELECT count(*) AS n FROM outbox WHERE status = 'sent' AND secret IS NULL AND delivery_pid IS NULL", arguments: [])?
                    .int("n") == 3)
        let letters = t.parsedMail(directory)
        #expect(Set(letters.map { $0["To"] ?? "" }) == ["c1@mail.example", "c2@mail.example", "c3@mail.example"])
        #expect(Set(letters.map { $0["body"]?.prefix(7) ?? "" }) == ["Код 101", "Код 102", "Код 103"])
        for letter in letters {
            let shell = letter["parent"] ?? ""
            #expect(shell.contains("__receipt") && !shell.contains("postgresql") && !shell.contains(database.uri), "the shell's argv: \(shell)")
        }
        #expect(try db.queryOne("SELECT count(*) AS n FROM audit WHERE action LIKE 'outbox.%'", arguments: [])?.int("n") == 0, "nothing in doubt")
    }
}
