import EngineHarness
import Foundation
import Testing
@testable import MyGazCore

/// Delivery on either engine: what is due is claimed, handed to the program and recorded; what
/// lapsed since it was queued is cancelled; a sender that died is recovered from. On PostgreSQL,
/// where two senders and two operators truly run at once, each message still goes once.
@Suite struct DeliveryTests {
    /// A sendmail (and SMS command) keeping each message in a file of its own, the recipient it
    /// found in its environment on the first line.
    static func recorder(_ t: TestDB) throws -> (transport: Transport, directory: String) {
        let directory = t.dir.file("mail")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let command = "f=$(mktemp '\(directory)/m.XXXXXX') && { printf '%s\\n' \"$MYGAZ_RECIPIENT\"; cat; } > \"$f\""
        return (Transport(sendmail: command, smsCommand: command, timeoutSeconds: 20), directory)
    }

    static func delivered(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).sorted().map {
            try String(contentsOfFile: directory + "/" + $0, encoding: .utf8)
        }
    }

    static func queue(_ t: TestDB, rgk: Int64?, to recipient: String, channel: MessageChannel = .email, body: String,
                      secret: String? = nil, userID: Int64? = nil) throws -> Int64 {
        try t.db.write {
            try Outbox.enqueue(t.session, .init(channel: channel, recipient: recipient, subject: channel == .email ? "Тема" : nil, body: body,
                                                secret: secret, rgkID: rgk, kind: .other, entity: nil, entityID: nil, userID: userID)).id
        }
    }

    /// A pid no process has now (one that ran and was waited for).
    static func deadPID() throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return Int(process.processIdentifier)
    }

    @Test(arguments: TestEngine.all) func whatIsDueGoesOnceItsCodeErasedAndWhatLapsedIsCancelled(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let rgk = try t.rgk("vologda", email: "abon@gaz.example")
        let blocked = try t.portalUser("blocked@mail.example")
        let letter = try Self.queue(t, rgk: rgk, to: "ivanov@mail.example", body: "Письмо")
        let code = try Self.queue(t, rgk: rgk, to: "8 911 555 00 11", channel: .sms, body: "Код \(Outbox.secretMark)", secret: "4321")
        let lapsed = try Self.queue(t, rgk: rgk, to: "blocked@mail.example", body: "Ответ", secret: "9999", userID: blocked)
        try t.db.write { try t.db.run("UPDATE portal_user SET status = 'blocked', blocked_reason = 'проверка' WHERE id = ?", blocked) }

        let (transport, directory) = try Self.recorder(t)
        let report = try Delivery.send(t.session, transport: transport, limit: 100, dryRun: false)
        #expect(report.sent == 2 && report.cancelled == 1 && report.complete, "\(report)")
        let mail = try Self.delivered(directory)
        #expect(mail.count == 2)
        #expect(mail.contains { $0.hasPrefix("+79115550011\nКод 4321") }, "the SMS carries its code: \(mail)")
        #expect(mail.contains { $0.hasPrefix("ivanov@mail.example\n") && $0.contains("abon@gaz.example") }, "the RGK's own address sends it")
        for id in [letter, code] { #expect(try OutboxStore.find(t.db, id).status == "sent") }
        #expect(try OutboxStore.find(t.db, letter).messageID?.hasPrefix("<mygaz.\(letter).") == true)
        #expect(try t.count("outbox", "secret IS NOT NULL") == 0, "a code sent, and one cancelled, are erased")
        let cancelled = try OutboxStore.find(t.db, lapsed)
        #expect(cancelled.status == "cancelled" && cancelled.cancelReason == OutboxCancelReason.userBlocked.rawValue)
        #expect(try t.count("audit", "action = 'outbox.cancel'") == 1)

        let again = try Delivery.send(t.session, transport: transport, limit: 100, dryRun: false)
        #expect(try again.sent == 0 && again.cancelled == 0 && Self.delivered(directory).count == 2, "nothing goes twice")
    }

    /// Issue 39: a notice the user switched on (debts, verification, news) goes only while that
    /// switch is still on. Per kind: the notice of a user who switched that one off since it was
    /// queued (her other switches on) is cancelled, `notice_off`; that of a user who keeps only
    /// that switch on goes; a message that is no notice goes whatever the switches say.
    @Test(arguments: TestEngine.all) func aNoticeWhoseUserSwitchedItOffSinceItWasQueuedIsCancelled(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let rgk = try t.rgk("vologda", email: "abon@gaz.example")
        var lapsing: [Int64] = [], going: [Int64] = []
        for kind in [OutboxKind.debtNotice, .verificationNotice, .news] {
            let column = try #require(Notices.switchColumn(kind), "\(kind) is a notice")
            let off = try t.portalUser("off.\(kind.rawValue)@mail.example"), on = try t.portalUser("on.\(kind.rawValue)@mail.example")
            for user in [off, on] {
                let id = try t.db.write {
                    try Outbox.enqueue(t.session, .init(channel: .email, recipient: "\(user == off ? "off" : "on").\(kind.rawValue)@mail.example",
                                                        subject: "Уведомление", body: "Текст", secret: nil, rgkID: rgk, kind: kind,
                                                        entity: .user, entityID: user, userID: user)).id
                }
                if user == off { lapsing.append(id) } else { going.append(id) }
            }
            try t.db.write {
                try t.db.run("UPDATE portal_user SET notify_debts = 1, notify_status = 1, notify_news = 1 WHERE id = ?", off)
                try t.db.run("UPDATE portal_user SET \(column) = 0 WHERE id = ?", off)
                try t.db.run("UPDATE portal_user SET notify_debts = 0, notify_status = 0, notify_news = 0 WHERE id = ?", on)
                try t.db.run("UPDATE portal_user SET \(column) = 1 WHERE id = ?", on)
            }
        }
        let silent = try t.portalUser("silent@mail.example")
        try t.db.write { try t.db.run("UPDATE portal_user SET notify_debts = 0, notify_status = 0, notify_news = 0 WHERE id = ?", silent) }
        going.append(try Self.queue(t, rgk: rgk, to: "silent@mail.example", body: "Ответ", userID: silent))

        let (transport, directory) = try Self.recorder(t)
        let report = try Delivery.send(t.session, transport: transport, limit: 100, dryRun: false)
        #expect(report.sent == 4 && report.cancelled == 3 && report.complete, "\(report)")
        for id in lapsing {
            let m = try OutboxStore.find(t.db, id)
            #expect(m.status == "cancelled" && m.cancelReason == OutboxCancelReason.noticeOff.rawValue, "\(id): \(m.status) \(m.cancelReason ?? "")")
        }
        for id in going { #expect(try OutboxStore.find(t.db, id).status == "sent", "\(id)") }
        let mail = try Self.delivered(directory)
        #expect(mail.count == 4 && !mail.contains { $0.hasPrefix("off.") }, "\(mail)")
        #expect(try t.count("audit", "action = 'outbox.cancel'") == 3)
    }

    @Test(arguments: TestEngine.all) func aSenderThatDiedLeavesWhatNeverBeganToGoAndWhatBeganInDoubt(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let rgk = try t.rgk("vologda", email: "abon@gaz.example")
        let unbegun = try Self.queue(t, rgk: rgk, to: "a@mail.example", body: "Первое")
        let begun = try Self.queue(t, rgk: rgk, to: "b@mail.example", body: "Второе", secret: "1234")
        let dead = try Self.deadPID()
        try t.db.write {
            try t.db.run("UPDATE outbox SET status = 'sending', claim_token = ?", "\(dead):\(ImportLiveness.hostName):gone")
            try t.db.run("UPDATE outbox SET delivery_pid = ? WHERE id = ?", dead, begun)
        }
        let (transport, directory) = try Self.recorder(t)
        let report = try Delivery.send(t.session, transport: transport, limit: 100, dryRun: false)
        #expect(report.recovered == 1 && report.inDoubt == 1 && report.sent == 1 && !report.complete, "\(report)")
        #expect(try OutboxStore.find(t.db, unbegun).status == "sent")
        let doubt = try OutboxStore.find(t.db, begun)
        #expect(doubt.status == "failed" && doubt.lastError?.hasPrefix("interrupted during delivery: it may or may not") == true)
        #expect(try t.count("outbox", "secret IS NOT NULL") == 0)
        #expect(try Self.delivered(directory).count == 1, "what may have gone is not sent again by itself")
        #expect(try t.count("audit", "action = 'outbox.in-doubt'") == 1)
    }

    /// The dead sender's shell records its `begin` after the recovery read the message as never
    /// begun, before it changed it (on PostgreSQL nothing holds the shell out meanwhile): the
    /// message is the shell's, not sent again; its `done` records it sent, once.
    @Test(arguments: TestEngine.all) func aShellThatBeginsWhileTheRecoveryJudgesKeepsItsMessage(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let id = try Self.queue(t, rgk: nil, to: "a@mail.example", body: "Письмо")
        let token = "\(try Self.deadPID()):\(ImportLiveness.hostName):gone"
        try t.db.write { try t.db.run("UPDATE outbox SET status = 'sending', claim_token = ?", token) }
        let judged = try t.db.write { try Delivery.abandoned(t.db) }
        #expect(judged.map(\.id) == [id] && judged.first?.shell == nil, "read as never begun")

        let shell = Int(getpid())
        #expect(try Delivery.begin(t.session, id: id, token: token, shell: shell), "the shell's claim still holds")
        var report = Delivery.Report()
        try t.db.write { for message in judged { try Delivery.settle(t.session, message, &report) } }
        #expect(report.recovered == 0 && report.inDoubt == 0, "\(report)")
        let row = try OutboxStore.find(t.db, id)
        #expect(row.status == "sending", "not back to waiting, where the next sender would send it again")
        #expect(try t.db.scalarInt("SELECT delivery_pid FROM outbox WHERE id = ?", id) == shell)
        #expect(try Delivery.receipt(t.session, id: id, token: token))
        #expect(try OutboxStore.find(t.db, id).status == "sent")
    }

    @Test(arguments: TestEngine.all) func aFailedMessageIsRetriedButNotOneWhoseCodeWasErased(_ engine: TestEngine) throws {
        let t = try TestDB(engine: engine)
        let plain = try Self.queue(t, rgk: nil, to: "a@mail.example", body: "Письмо")
        let pin = try Self.queue(t, rgk: nil, to: "b@mail.example", body: "PIN \(Outbox.secretMark)", secret: "1234")
        try t.db.write { try t.db.run("UPDATE outbox SET status = 'failed', secret = NULL, last_error = 'exit 1'") }
        let retried = try OutboxStore.retry(t.session, plain)
        #expect(retried.from == "failed" && retried.to == "waiting")
        let again = try OutboxStore.retry(t.session, plain)
        #expect(again.from == "waiting" && again.to == "waiting", "already waiting: nothing to do")
        #expect { try OutboxStore.retry(t.session, pin) } throws: { ($0 as? MyGazError)?.message.key == .outboxSecretErased }
        #expect(try OutboxStore.find(t.db, pin).status == "failed")
        #expect(try t.count("audit", "action = 'outbox.retry'") == 1)
    }

    // MARK: on PostgreSQL, truly at once

    /// Threads that start their work at the same instant.
    final class Barrier: @unchecked Sendable {
        private let condition = NSCondition()
        private var waiting: Int
        init(_ parties: Int) { waiting = parties }
        func arrive() {
            condition.lock()
            waiting -= 1
            if waiting == 0 { condition.broadcast() } else { while waiting > 0 { condition.wait() } }
            condition.unlock()
        }
    }

    static func session(_ t: TestDB) throws -> Session {
        Session(db: try Engines.open(t.path, purpose: .use, busyTimeoutMs: 10_000), login: t.session.login, clock: t.session.clock)
    }

    @Test(.enabled(if: PGServer.available)) func twoSendersAtOnceOnPostgreSQLDeliverEachMessageExactlyOnce() throws {
        let t = try TestDB(engine: .postgresql)
        let rgk = try t.rgk("vologda", email: "abon@gaz.example")
        let count = 60
        for n in 0..<count { _ = try Self.queue(t, rgk: rgk, to: "c\(n)@mail.example", body: "Письмо \(n)") }
        let (transport, directory) = try Self.recorder(t)
        let senders = try (0..<2).map { _ in try Self.session(t) }
        let barrier = Barrier(senders.count)
        let results = Locked<[Result<Int, Error>]>([])
        let done = DispatchGroup()
        for session in senders {
            let box = Locked(session)
            done.enter()
            Thread.detachNewThread {
                barrier.arrive()
                // as cron would: small runs, again and again, until nothing waits
                let outcome = Result { () throws -> Int in
                    var sent = 0
                    for _ in 0..<100 {
                        sent += try Delivery.send(box.value, transport: transport, limit: 4, dryRun: false).sent
                        if try box.value.db.scalarInt("SELECT count(*) FROM outbox WHERE status <> 'sent'") == 0 { break }
                    }
                    return sent
                }
                results.update { $0.append(outcome) }
                done.leave()
            }
        }
        done.wait()
        let sent = try results.value.map { try $0.get() }
        #expect(sent.count == senders.count, "each sender's outcome kept: \(sent)")
        #expect(sent.reduce(0, +) == count, "\(sent)")
        let recipients = try Self.delivered(directory).map { $0.prefix { $0 != "\n" } }
        #expect(recipients.count == count, "\(recipients.count) deliveries of \(count) messages")
        #expect(Set(recipients).count == count, "a message went twice")
        #expect(try t.count("outbox", "status = 'sent'") == count)
    }

    @Test(.enabled(if: PGServer.available)) func twoOperatorsRetryingOneMessageAtOnceRetryItOnce() throws {
        let t = try TestDB(engine: .postgresql)
        let id = try Self.queue(t, rgk: nil, to: "a@mail.example", body: "Письмо")
        try t.db.write { try t.db.run("UPDATE outbox SET status = 'failed', last_error = 'exit 1'") }
        let first = try Self.session(t), secondSession = try Self.session(t)
        let watcher = try Engines.open(t.path, purpose: .use, busyTimeoutMs: 10_000)
        let secondPID = try secondSession.db.scalarInt("SELECT pg_backend_pid()") ?? 0
        let (won, second) = try first.db.write {
            let transition = try OutboxStore.retry(first, id)
            let second = SecondWriter { try OutboxStore.retry(secondSession, id) }
            // the second has read the message failed, as the first did, and waits for its row
            let waited = try second.waitedForALock(pid: secondPID, watcher: watcher)
            #expect(waited, "the second operator did not wait for the first")
            return (transition, second)
        }
        #expect(won.from == "failed" && won.to == "waiting")
        let lost = second.outcome
        let error: MyGazError? = { if case .failure(let e) = lost { return e as? MyGazError }; return nil }()
        #expect(error?.status == .conflict && error?.message.args.contains(.code(.outboxStatus, "waiting")) == true,
                "the second is told another got there first, and the state now: \(String(describing: error?.message))")
        #expect(try t.count("audit", "action = 'outbox.retry'") == 1)
    }
}
