import Foundation
#if canImport(Glibc)
import Glibc
#endif

public struct OutboxItem: Sendable {
    public let id: Int64
    public let channel: String
    public let recipient: String
    public let subject: String?
    /// The body as an operator may see it: a secret in it is masked.
    public let body: String
    public let kind: String
    public let entity: String?
    public let entityID: Int64?
    public let rgk: String?
    public let status: String
    public let attempts: Int
    public let nextAttemptAt: String
    public let lastError: String?
    public let messageID: String?
    public let createdAt: String
    public let sentAt: String?
}

/// The outbox as operators see it, and its delivery through sendmail and an SMS command.
public enum OutboxStore {
    public static let maxAttempts = 5

    static let select = """
        SELECT o.id, o.channel, o.recipient, o.subject, o.body, o.kind, o.entity_type, o.entity_id, g.code, o.status, o.attempts,
               o.next_attempt_at, o.last_error, o.message_id, o.created_at, o.sent_at
        FROM outbox o LEFT JOIN rgk g ON g.id = o.rgk_id
        """

    static func item(_ r: Row) -> OutboxItem {
        OutboxItem(id: r.int64(0), channel: r.string(1), recipient: r.string(2), subject: r.optString(3), body: Outbox.masked(r.string(4)),
                   kind: r.string(5), entity: r.optString(6), entityID: r.optInt64(7), rgk: r.optString(8), status: r.string(9),
                   attempts: r.int(10), nextAttemptAt: r.string(11), lastError: r.optString(12), messageID: r.optString(13),
                   createdAt: r.string(14), sentAt: r.optString(15))
    }

    public static func list(_ db: Database, status: OutboxStatus?, limit: Int) throws -> [OutboxItem] {
        // what waits, in the order it is to be tried (the queue's index); what was sent, newest
        // first (the rowid, read backwards until the limit: `+` keeps the status index out);
        // sending and failed, the latest attempt first (the queue's index backwards)
        let waiting = "WHERE o.status = 'waiting' ORDER BY o.next_attempt_at, o.id LIMIT ?"
        switch status {
        case .waiting?: return try db.query(select + " " + waiting, limit).map(item)
        case .sent?: return try db.query(select + " WHERE +o.status = 'sent' ORDER BY o.id DESC LIMIT ?", limit).map(item)
        case let status?:
            return try db.query(select + " WHERE o.status = ? ORDER BY o.next_attempt_at DESC, o.id DESC LIMIT ?", status.rawValue, limit).map(item)
        case nil:
            let first = try db.query(select + " " + waiting, limit).map(item)
            return first + (try db.query(select + " WHERE o.status <> 'waiting' ORDER BY o.id DESC LIMIT ?", limit - first.count).map(item))
        }
    }

    public static func find(_ db: Database, _ id: Int64) throws -> OutboxItem {
        guard let row = try db.queryOne(select + " WHERE o.id = ?", id) else { throw MyGazError.notFound(.outbox, String(id)) }
        return item(row)
    }

    public static func retry(_ session: Session, _ id: Int64) throws -> Transition {
        try session.db.write {
            let current = try find(session.db, id).status
            guard current == "failed" else {
                if current == "waiting" { return Transition(.outbox, id, .outboxStatus, from: current, to: current) }
                throw MyGazError.conflict(.conflictState, .entity(.outbox), .text(String(id)), .code(.outboxStatus, current),
                                          "outbox retry", .code(.outboxStatus, "failed"))
            }
            try session.db.run("""
                UPDATE outbox SET status = 'waiting', attempts = 0, next_attempt_at = ?, claim_token = NULL, delivery_pid = NULL
                WHERE id = ? AND status = 'failed'
                """, session.now, id)
            try session.audit("outbox.retry", .outbox, id, old: "failed", new: "waiting")
            return Transition(.outbox, id, .outboxStatus, from: "failed", to: "waiting")
        }
    }
}

/// How messages leave: a sendmail-compatible program for e-mail, a command for SMS.
public struct Transport: Sendable {
    public var sendmail: String
    public var smsCommand: String?
    public var timeoutSeconds: Double
    /// The command the delivering shell runs around the program (`mygaz-admin --db DB outbox
    /// __receipt`): `begin` records the shell as the one delivering, and fails if the claim
    /// was taken back meanwhile (then nothing goes out); `done` records the message sent. So
    /// a sender killed at any moment leaves either a message that never started, a shell that
    /// finishes and records it, or — only if the shell dies too — a message in doubt.
    public var receipt: [String]?

    public init(sendmail: String, smsCommand: String?, timeoutSeconds: Double = 30, receipt: [String]? = nil) {
        self.sendmail = sendmail
        self.smsCommand = smsCommand
        self.timeoutSeconds = timeoutSeconds
        self.receipt = receipt
    }
}

public enum Delivery {
    public struct Report: Sendable {
        public var sent = 0
        public var retrying = 0
        public var failed = 0
        public var recovered = 0
        public var inDoubt = 0
        public var would: [OutboxItem] = []
    }

    /// Delivers what is due. Rows are claimed inside a write transaction first, so two
    /// `outbox send` running at once never deliver the same message.
    public static func send(_ session: Session, transport: Transport, limit: Int, dryRun: Bool,
                            progress: (Int) -> Void = { _ in }) throws -> Report {
        var report = Report()
        let db = session.db
        if dryRun {
            report.would = try db.query(OutboxStore.select + """
                 WHERE o.status = 'waiting' AND o.next_attempt_at <= ? ORDER BY o.id LIMIT ?
                """, session.now, limit).map(OutboxStore.item)
            return report
        }
        try recover(session, &report)
        let token = "\(ImportLiveness.currentPID):\(ImportLiveness.hostName):\(Secrets.token())"
        let claimed: [Row] = try db.write {
            try db.run("""
                UPDATE outbox SET status = 'sending', claim_token = ?1, claimed_at = ?2, delivery_pid = NULL,
                       message_id = coalesce(message_id, '<mygaz.' || id || '.' || ?3 || '@' || ?4 || '>')
                WHERE id IN (SELECT id FROM outbox WHERE status = 'waiting' AND next_attempt_at <= ?2 ORDER BY id LIMIT ?5)
                """, token, session.now, String(token.suffix(12)), ImportLiveness.hostName, limit)
            return try db.query("""
                SELECT o.id, o.channel, o.recipient, o.subject, o.body, o.secret, o.attempts, o.message_id, g.name, g.email
                FROM outbox o LEFT JOIN rgk g ON g.id = o.rgk_id WHERE o.claim_token = ? AND o.status = 'sending' ORDER BY o.id
                """, token)
        }
        for (n, row) in claimed.enumerated() {
            let id = row.int64(0)
            if transport.receipt == nil {
                // no shell receipts: the sender itself is the one delivering, recorded before the program runs
                try db.write { try db.run("UPDATE outbox SET delivery_pid = ? WHERE id = ? AND claim_token = ?", ImportLiveness.currentPID, id, token) }
            }
            let outcome = deliver(row, token: token, transport: transport, now: session.clock.now)
            try db.write {
                let attempts = row.int(6) + 1
                switch outcome {
                case .success:
                    try db.run("""
                        UPDATE outbox SET status = 'sent', sent_at = ?, attempts = ?, secret = NULL, last_error = NULL, claim_token = NULL,
                               delivery_pid = NULL WHERE id = ? AND claim_token = ?
                        """, session.now, attempts, id, token)
                    report.sent += 1
                case .failure(let error):
                    if attempts >= OutboxStore.maxAttempts {
                        try db.run("""
                            UPDATE outbox SET status = 'failed', attempts = ?, last_error = ?, claim_token = NULL, delivery_pid = NULL
                            WHERE id = ? AND claim_token = ?
                            """, attempts, error, id, token)
                        report.failed += 1
                    } else {
                        // 1, 2, 4, 8 minutes
                        let delay = Int64(60 << (attempts - 1))
                        try db.run("""
                            UPDATE outbox SET status = 'waiting', attempts = ?, last_error = ?, next_attempt_at = ?, claim_token = NULL,
                                   delivery_pid = NULL WHERE id = ? AND claim_token = ?
                            """, attempts, error, Timestamp.iso(session.clock.now + delay), id, token)
                        report.retrying += 1
                    }
                }
            }
            progress(n + 1)
        }
        return report
    }

    /// Rows left in `sending` by a process that died. Never begun: back to waiting (a shell that
    /// has not begun yet will find its claim gone and send nothing). Its delivering shell still
    /// running (the sender was killed, not the shell): left to finish; its receipt records it.
    /// Begun, and the shell gone without a receipt: the program may have delivered it, so it is
    /// not sent again automatically — it fails with an error that says so, for `outbox retry`
    /// after a check (a receipt that comes late still records it).
    static func recover(_ session: Session, _ report: inout Report) throws {
        try session.db.write {
            for row in try session.db.query("SELECT id, claim_token, delivery_pid FROM outbox WHERE status = 'sending'") {
                let parts = row.string(1).split(separator: ":")
                let claimer = parts.first.flatMap { Int($0) }
                let host = parts.count > 1 ? String(parts[1]) : nil
                if ImportLiveness.isAlive(pid: claimer, host: host) { continue }
                if let shell = row.optInt(2), shell != claimer, ImportLiveness.isAlive(pid: shell, host: ImportLiveness.hostName) { continue }
                if row.optInt64(2) == nil {
                    try session.db.run("UPDATE outbox SET status = 'waiting', claim_token = NULL WHERE id = ? AND status = 'sending'", row.int64(0))
                    report.recovered += 1
                } else {
                    try session.db.run("""
                        UPDATE outbox SET status = 'failed', delivery_pid = NULL,
                               last_error = 'interrupted during delivery: it may or may not have gone out; check, then outbox retry'
                        WHERE id = ? AND status = 'sending'
                        """, row.int64(0))
                    try session.audit("outbox.in-doubt", .outbox, row.int64(0), old: "sending", new: "failed", reason: "the sending process died mid-delivery")
                    report.inDoubt += 1
                }
            }
        }
    }

    /// `outbox __receipt ID TOKEN begin PID`: the shell `PID` is about to run the program. False
    /// (and the shell sends nothing) when the claim is no longer this one.
    public static func begin(_ session: Session, id: Int64, token: String, shell: Int) throws -> Bool {
        try session.db.write {
            try session.db.run("UPDATE outbox SET delivery_pid = ? WHERE id = ? AND claim_token = ? AND status = 'sending'",
                               shell, id, token) == 1
        }
    }

    /// `outbox __receipt ID TOKEN done`: the program succeeded. Records the message sent if the
    /// claim is still the one it was delivered under (also after an in-doubt failure).
    public static func receipt(_ session: Session, id: Int64, token: String) throws -> Bool {
        try session.db.write {
            try session.db.run("""
                UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, secret = NULL, last_error = NULL,
                       claim_token = NULL, delivery_pid = NULL
                WHERE id = ? AND claim_token = ? AND (status = 'sending' OR status = 'failed')
                """, session.now, id, token) == 1
        }
    }

    enum Outcome { case success, failure(String) }

    /// The shell line: begin (or send nothing), the program, then done if it succeeded.
    static func withReceipt(_ command: String, _ transport: Transport, id: Int64, token: String) -> (String, [String]) {
        guard let receipt = transport.receipt else { return (command, []) }
        // the program's own status decides; a `done` that fails (the database busy for long)
        // must not make a delivered message look failed, or it would go out again: the row stays
        // in sending, and recovery calls it in doubt
        return ("\"$@\" begin $$ && { " + command + "\n} && { \"$@\" done || :; }", receipt + [String(id), token])
    }

    static func deliver(_ row: Row, token: String, transport: Transport, now: Int64) -> Outcome {
        let channel = row.string(1), recipient = row.string(2)
        let text = Outbox.filled(row.string(4), secret: row.optString(5))
        if channel == "sms" {
            guard let command = transport.smsCommand else {
                return .failure("no SMS command: set MYGAZ_SMS_COMMAND or --sms-command")
            }
            // the number is the command's argument, the text its stdin
            let (line, receipt) = withReceipt(command + " \"$0\"", transport, id: row.int64(0), token: token)
            return Command.run("/bin/sh", ["-c", line, recipient] + receipt, input: Array(text.utf8),
                               timeout: transport.timeoutSeconds)
        }
        let from = (name: row.optString(8) ?? "Личный кабинет «Мой газ»", address: row.optString(9) ?? "noreply@localhost")
        let message = MailMessage(from: from, to: recipient, subject: row.optString(3) ?? "", body: text, date: now,
                                  messageID: row.optString(7) ?? "<mygaz.\(row.int64(0))@localhost>")
        let (line, receipt) = withReceipt(transport.sendmail, transport, id: row.int64(0), token: token)
        return Command.run("/bin/sh", ["-c", line, "sh"] + receipt, input: Array(message.rendered.utf8),
                           timeout: transport.timeoutSeconds)
    }
}

/// Runs a program with input on stdin and a time limit; the outcome is its exit status.
enum Command {
    static func run(_ program: String, _ args: [String], input: [UInt8], timeout: Double) -> Delivery.Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = args
        // input and errors go through files: a program that does not read its input can
        // neither block us on a full pipe nor kill us with SIGPIPE
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("mygaz-cmd-\(UUID().uuidString)")
        let inputURL = scratch.appendingPathExtension("in"), errors = scratch.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: inputURL.path, contents: Data(input), attributes: [.posixPermissions: 0o600])
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil, attributes: [.posixPermissions: 0o600])
        defer {
            try? FileManager.default.removeItem(at: inputURL)
            try? FileManager.default.removeItem(at: errors)
        }
        guard let inputHandle = try? FileHandle(forReadingFrom: inputURL), let errorHandle = try? FileHandle(forWritingTo: errors) else {
            return .failure("cannot create a temporary file")
        }
        defer { try? inputHandle.close() }
        process.standardInput = inputHandle
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errorHandle
        do { try process.run() } catch {
            try? errorHandle.close()
            return .failure("cannot run \(args.last ?? program): \(error.localizedDescription)")
        }
        // the program holds its input open; the file (a PIN may be in it) goes now, not after
        try? FileManager.default.removeItem(at: inputURL)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5000) }
        if process.isRunning {
            process.terminate()
            usleep(200_000)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            try? errorHandle.close()
            return .failure("timed out after \(Int(timeout)) s")
        }
        process.waitUntilExit()
        try? errorHandle.close()
        if process.terminationStatus == 0 && process.terminationReason == .exit { return .success }
        let message = (try? String(contentsOf: errors, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let reason = process.terminationReason == .uncaughtSignal ? "killed by signal \(process.terminationStatus)" : "exit \(process.terminationStatus)"
        return .failure(reason + (message.isEmpty ? "" : ": " + String(message.prefix(300))))
    }
}
