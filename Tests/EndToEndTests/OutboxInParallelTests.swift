import Foundation
import Testing

/// Issue 40, item 3: `outbox send --parallel N` — N senders, each with its own relay session and
/// its own connection to the database, share one run; each letter is claimed before it goes and
/// recorded after the relay's answer. Killed ten times with SIGKILL during 2 000 letters, then run
/// once more: every letter arrived exactly once or is in doubt, and at most one per sender per
/// kill is in doubt. On the engine of the half.
@Suite(.serialized, .enabled(if: SMTPSink.available, "needs /usr/bin/python3 with aiosmtpd (python3-aiosmtpd)"))
struct OutboxInParallelTests {
    /// `init`, an RGK with its own address, and `count` letters to c1@…, c2@…, all due.
    static func queued(_ count: Int) -> E2E {
        let t = E2E()
        #expect(t.run(["init"]).status == 0)
        _ = t.sql("INSERT INTO rgk (code, name, email, created_at, updated_at) VALUES ('vologda', 'ООО «Газ»', 'abon@gaz.example', 'x', 'x')")
        _ = t.sql("""
            INSERT INTO outbox (channel, recipient, subject, body, rgk_id, kind, status, attempts, next_attempt_at, created_at)
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(count))
            SELECT 'email', 'c' || CAST(i AS TEXT) || '@mail.example', 'Квитанция', 'Текст', g.id, 'other', 'waiting', 0,
                   '2000-01-01T00:00:00Z', '2000-01-01T00:00:00Z'
            FROM n, rgk g WHERE g.code = 'vologda'
            """)
        #expect(t.sql("SELECT count(*) FROM outbox") == String(count))
        return t
    }

    @Test func fourSendersShareTheRunEachLetterOnceAndTheRelaysLimitHolds() {
        let t = Self.queued(200)
        let sink = SMTPSink(t, ["--pipelining"])
        let sent = t.run(["--json", "outbox", "send", "--smtp", sink.url(), "--parallel", "4", "--sms-command", "cat >/dev/null"])
        #expect(sent.status == 0 && sent.jsonObject["sent"] as? Int == 200, "\(sent)")
        let email = (sent.jsonObject["channels"] as? [String: Any])?["email"] as? [String: Int]
        #expect(email?["sent"] == 200 && email?["failed"] == 0 && email?["waiting_for_channel"] == 0, "by channel: \(String(describing: email))")
        #expect((2...4).contains(sink.connections), "one session per sender: \(sink.connections)")
        let to = sink.log.compactMap { ($0["to"] as? [String])?.first }
        #expect(to.count == 200 && Set(to).count == 200, "each once")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE status = 'sent' AND delivery_pid IS NULL AND claim_token IS NULL") == "200")
        #expect(sent.stderr.isEmpty, "no progress line on a pipe: \(sent.stderr)")

        // the relay allows two: a configuration file holds --parallel to it
        let more = Self.queued(60)
        let second = SMTPSink(more, ["--pipelining"])
        let config = more.dir + "/mygaz-admin.conf"
        try! "outbox.max_parallel = 2\n".write(toFile: config, atomically: true, encoding: .utf8)
        _ = E2E.sh("chmod 644 '\(config)'; chmod 755 '\(more.dir)'")
        let held = more.run(["--json", "outbox", "send", "--smtp", second.url(), "--parallel", "8", "--sms-command", "cat >/dev/null"],
                            env: ["MYGAZ_CONFIG": config])
        #expect(held.status == 0 && held.jsonObject["sent"] as? Int == 60, "\(held)")
        #expect((1...2).contains(second.connections), "at most outbox.max_parallel sessions: \(second.connections)")
        let human = more.run(["outbox", "send", "--smtp", second.url(), "--sms-command", "cat >/dev/null"], env: ["MYGAZ_CONFIG": config])
        #expect(human.status == 0 && human.stdout.contains("sent 0;"), "\(human)")
    }

    @Test func aTerminalSeesTheProgressAndTheTimeLeftThenTheSummaryByChannel() {
        let t = Self.queued(3000)
        let sink = SMTPSink(t, ["--pipelining", "--no-store"])
        let r = t.interactive(["outbox", "send", "--smtp", sink.url(), "--parallel", "2", "--limit", "0", "--sms-command", "cat >/dev/null"],
                              [.expect("outbox send: "), .expect(" left"), .expect("e-mail: sent 3,000, to be retried 0, failed 0", seconds: 60)])
        #expect(r.ok, "\(r)")
        #expect(sink.lines == 3000)
    }

    @Test func killedTenTimesDuringTwoThousandLettersEachArrivesOnceOrIsInDoubt() {
        let senders = 4, kills = 10
        let t = Self.queued(2000)
        let sink = SMTPSink(t, ["--pipelining", "--no-store"])
        let argv = ["--db", t.db, "--json", "outbox", "send", "--smtp", sink.url(), "--parallel", String(senders), "--limit", "0",
                    "--sms-command", "cat >/dev/null"]
        var midRun = 0
        var trail: [String] = []
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<kills {
            let before = sink.log.count
            let running = E2E.start(E2E.binary, argv, cwd: t.dir)
            // killed when a random number more letters have arrived (they go thousands a second)
            let target = before + Int.random(in: 10...150, using: &generator)
            let deadline = Date().addingTimeInterval(20)
            while sink.lines < target && running.process.isRunning && Date() < deadline { usleep(1000) }
            kill(running.process.processIdentifier, SIGKILL)
            let killed = running.finish()
            let after = sink.log.count
            trail.append("\(before)→\(after) exit \(killed.status)")
            if killed.status == SIGKILL && after > before { midRun += 1 }
        }
        #expect(midRun >= kills / 2, "most kills came mid-run, letters going: \(midRun) of \(kills): \(trail)")
        let last = t.run(["--json", "outbox", "send", "--smtp", sink.url(), "--parallel", String(senders), "--limit", "0",
                          "--sms-command", "cat >/dev/null"])
        #expect(last.status == 0 || last.status == 5, "\(last)")
        #expect(t.sql("SELECT count(*) FROM outbox WHERE status = 'waiting' OR status = 'sending'") == "0", "nothing left")

        var arrived: [String: Int] = [:]
        for entry in sink.log { for to in entry["to"] as? [String] ?? [] { arrived[to, default: 0] += 1 } }
        #expect(arrived.values.allSatisfy { $0 == 1 }, "no letter twice: \(arrived.filter { $0.value > 1 })")
        let rows = t.sql("SELECT recipient || '|' || status || '|' || coalesce(last_error, '') FROM outbox").split(separator: "\n")
            .map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
        let sent = rows.filter { $0[1] == "sent" }, doubt = rows.filter { $0[1] == "failed" }
        #expect(sent.count + doubt.count == 2000, "each sent or in doubt: \(Dictionary(grouping: rows, by: { $0[1] }).mapValues(\.count))")
        #expect(sent.allSatisfy { arrived[$0[0]] == 1 }, "each letter recorded sent arrived exactly once")
        #expect(doubt.allSatisfy { $0[2].contains("may or may not have gone out") }, "what failed is in doubt, saying so")
        #expect(doubt.count <= senders * kills, "at most one in doubt per sender per kill: \(doubt.count)")
        #expect(t.sql("SELECT count(*) FROM audit WHERE action = 'outbox.in-doubt'") == String(doubt.count))
    }
}
