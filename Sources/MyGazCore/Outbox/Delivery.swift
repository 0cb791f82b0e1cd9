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
    /// The month of the bill that goes with it (made when it is sent).
    public let billPeriod: String?
    /// Why delivery cancelled it (`OutboxCancelReason`), when it did.
    public let cancelReason: String?
}

/// The outbox as operators see it, and its delivery through sendmail and an SMS command.
public enum OutboxStore {
    public static let maxAttempts = 5

    static let select = """
        SELECT o.id, o.channel, o.recipient, o.subject, o.body, o.kind, o.entity_type, o.entity_id, g.code AS rgk, o.status, o.attempts,
               o.next_attempt_at, o.last_error, o.message_id, o.created_at, o.sent_at, o.bill_period, o.cancel_reason
        FROM outbox o LEFT JOIN rgk g ON g.id = o.rgk_id
        """

    static func item(_ r: Row) throws -> OutboxItem {
        try OutboxItem(id: r.int64("id"), channel: r.string("channel"), recipient: r.string("recipient"), subject: r.optString("subject"),
                       body: Outbox.masked(r.string("body")), kind: r.string("kind"), entity: r.optString("entity_type"),
                       entityID: r.optInt64("entity_id"), rgk: r.optString("rgk"), status: r.string("status"), attempts: r.int("attempts"),
                       nextAttemptAt: r.string("next_attempt_at"), lastError: r.optString("last_error"), messageID: r.optString("message_id"),
                       createdAt: r.string("created_at"), sentAt: r.optString("sent_at"), billPeriod: r.optString("bill_period"),
                       cancelReason: r.optString("cancel_reason"))
    }

    /// Every message to one address or number (as stored: normalised), the newest first.
    /// `scope`: the operator's RGK ids (`Session.rgkScope`), nil = every RGK; a message of no RGK
    /// (the portal's own: codes, support's answers) is every operator's to see.
    public static func list(_ db: any Storage, to recipient: String, status: OutboxStatus?, limit: Int,
                            scope: [Int64]? = nil) throws -> [OutboxItem] {
        let normalised = Contact.email(recipient) ?? Contact.phone(recipient) ?? recipient
        let c = ScopeCondition.rgkOrPortal(db, "o.rgk_id", in: scope)
        return try db.query(select + " WHERE o.recipient = ? AND (CAST(? AS TEXT) IS NULL OR \(db.sql.noIndex("o.status")) = ?) AND \(c.sql) ORDER BY o.id DESC LIMIT ?",
                            arguments: [normalised, status?.rawValue, status?.rawValue] + c.arguments + [limit]).map(item)
    }

    public static func list(_ db: any Storage, status: OutboxStatus?, channel: MessageChannel? = nil, limit: Int,
                            scope: [Int64]? = nil) throws -> [OutboxItem] {
        // what waits, in the order it is to be tried (the queue's index); what was sent, newest
        // first (the id, read backwards until the limit: the status index kept out);
        // sending and failed, the latest attempt first (the queue's index backwards)
        let scoped = ScopeCondition.rgkOrPortal(db, "o.rgk_id", in: scope)
        let c = channel.map { ScopeCondition(sql: "\(scoped.sql) AND o.channel = ?", arguments: scoped.arguments + [$0.rawValue]) } ?? scoped
        let waiting = "WHERE o.status = 'waiting' AND \(c.sql) ORDER BY o.next_attempt_at, o.id LIMIT ?"
        switch status {
        case .waiting?: return try db.query(select + " " + waiting, arguments: c.arguments + [limit]).map(item)
        case .sent?:
            return try db.query(select + " WHERE \(db.sql.noIndex("o.status")) = 'sent' AND \(c.sql) ORDER BY o.id DESC LIMIT ?",
                                arguments: c.arguments + [limit]).map(item)
        case let status?:
            return try db.query(select + " WHERE o.status = ? AND \(c.sql) ORDER BY o.next_attempt_at DESC, o.id DESC LIMIT ?",
                                arguments: [status.rawValue] + c.arguments + [limit]).map(item)
        case nil:
            let first = try db.query(select + " " + waiting, arguments: c.arguments + [limit]).map(item)
            return first + (try db.query(select + " WHERE o.status <> 'waiting' AND \(c.sql) ORDER BY o.id DESC LIMIT ?",
                                         arguments: c.arguments + [limit - first.count]).map(item))
        }
    }

    public static func find(_ db: any Storage, _ id: Int64) throws -> OutboxItem {
        guard let row = try db.queryOne(select + " WHERE o.id = ?", id) else { throw MyGazError.notFound(.outbox, String(id)) }
        return try item(row)
    }

    public static func retry(_ session: Session, _ id: Int64) throws -> Transition {
        try session.db.write {
            let db = session.db
            func refused(_ current: String) -> MyGazError {
                MyGazError.conflict(.conflictState, .entity(.outbox), .text(String(id)), .code(.outboxStatus, current),
                                    "outbox retry", .code(.outboxStatus, "failed"))
            }
            let current = try find(db, id).status
            try session.requireWorks(.outbox, [id])
            // a PIN or code was erased when its message failed: sending the text again would send
            // it without the secret; a new one is issued instead
            if current == "failed", try db.scalarInt("""
                SELECT CASE WHEN \(db.sql.contains("body")) AND secret IS NULL THEN 1 ELSE 0 END FROM outbox WHERE id = ?
                """, Outbox.secretMark, id) == 1 {
                throw MyGazError.conflict(.outboxSecretErased, .text(String(id)))
            }
            guard current == "failed" else {
                if current == "waiting" { return Transition(.outbox, id, .outboxStatus, from: current, to: current) }
                throw refused(current)
            }
            // another operator (or a sender) may have moved it since it was read: the state now is said
            guard try db.run("""
                UPDATE outbox SET status = 'waiting', attempts = 0, next_attempt_at = ?, claim_token = NULL, delivery_pid = NULL
                WHERE id = ? AND status = 'failed'
                """, session.now, id) == 1 else { throw refused(try find(db, id).status) }
            try session.audit("outbox.retry", .outbox, id, old: "failed", new: "waiting")
            return Transition(.outbox, id, .outboxStatus, from: "failed", to: "waiting")
        }
    }
}

/// How messages leave: a sendmail-compatible program for e-mail, a command for SMS.
public struct Transport: Sendable {
    public var sendmail: String
    /// The SMTP relay letters go through instead of `sendmail`, when one is set.
    public var smtp: SMTPRelay?
    /// Why letters cannot go at all as things are set up (a relay setting refused): they wait.
    public var mailRefused: Message?
    public var smsCommand: String?
    /// `sendmail -bs` (the command's last word): the MTA speaks SMTP on its stdin and stdout, and
    /// one of it carries a session of many letters, as a relay does.
    public var mailerSpeaksSMTP: Bool { sendmail.split(whereSeparator: { $0 == " " || $0 == "\t" }).last == "-bs" }
    public var timeoutSeconds: Double
    /// The command the delivering shell runs around the program (`mygaz-admin --db DB outbox
    /// __receipt`): `begin` records the shell as the one delivering, and fails if the claim
    /// was taken back meanwhile (then nothing goes out); `done` records the message sent. So
    /// a sender killed at any moment leaves either a message that never started, a shell that
    /// finishes and records it, or — only if the shell dies too — a message in doubt.
    public var receipt: [String]?
    /// Variables the delivering shell gets besides the recipient: where its receipt finds the
    /// database when that is a server's address (argv, which `ps` shows, never holds one).
    public var environment: [String: String]

    public init(sendmail: String, smsCommand: String?, timeoutSeconds: Double = 30, receipt: [String]? = nil,
                environment: [String: String] = [:]) {
        self.sendmail = sendmail
        self.smsCommand = smsCommand
        self.timeoutSeconds = timeoutSeconds
        self.receipt = receipt
        self.environment = environment
    }
}

public enum Delivery {
    public struct Report: Sendable {
        public var sent = 0
        public var retrying = 0
        public var failed = 0
        public var recovered = 0
        public var inDoubt = 0
        /// Cancelled when their turn came: what queued them no longer held.
        public var cancelled = 0
        public var would: [OutboxItem] = []
        /// The channels this run could not use, each with the messages due on it that wait
        /// (none of them counted as tried) and why: one channel never holds back another.
        public var blocked: [Blocked] = []
        /// What became of the messages of each channel in this run.
        public var channels: [MessageChannel: Tally] = [:]
        /// Everything due went out: nothing failed, nothing waits for a retry or a channel, nothing in doubt.
        public var complete: Bool { failed == 0 && retrying == 0 && inDoubt == 0 && blocked.isEmpty }

        /// One message of `channel` came to `result`: counted in all and for its channel.
        mutating func count(_ channel: MessageChannel, _ result: WritableKeyPath<Tally, Int>) {
            channels[channel, default: Tally()][keyPath: result] += 1
            switch result {
            case \Tally.sent: sent += 1
            case \Tally.retrying: retrying += 1
            case \Tally.failed: failed += 1
            case \Tally.inDoubt: inDoubt += 1
            case \Tally.cancelled: cancelled += 1
            default: break
            }
        }
    }

    /// The results of one channel's messages.
    public struct Tally: Sendable, Equatable {
        public var sent = 0
        public var retrying = 0
        public var failed = 0
        public var inDoubt = 0
        public var cancelled = 0

        public init(sent: Int = 0, retrying: Int = 0, failed: Int = 0, inDoubt: Int = 0, cancelled: Int = 0) {
            (self.sent, self.retrying, self.failed, self.inDoubt, self.cancelled) = (sent, retrying, failed, inDoubt, cancelled)
        }
    }

    /// A channel this run could not use: the messages due on it wait, and the line that says
    /// what to set (its arguments: the count of messages first).
    public struct Blocked: Sendable {
        public let channel: MessageChannel
        public var waiting: Int
        public let why: Message
    }

    /// Who a letter is from: the RGK's own name and address (and Reply-To), else the configured
    /// sender; technical support's from its configured address.
    struct Sender: Sendable {
        let name: String
        let address: String
        let replyTo: String?
    }

    /// What a run can send, decided before anything is claimed: the senders of the letters due,
    /// and the channels it cannot use — SMS with no command to send them, letters with no sender
    /// to come from (none set, or localhost). A channel it cannot use is left out of the claim:
    /// its messages wait, none counted as an attempt, and the other channel goes on.
    struct Plan: Sendable {
        var senders: [Int64?: Sender] = [:]
        /// Why a channel cannot be used: the line's key and its arguments after the count.
        var blocked: [MessageChannel: (key: MessageKey, args: [MessageArg])] = [:]

        /// The condition on the column `channel` (of `table.`) that leaves out the blocked channels.
        func usable(_ table: String = "") -> String {
            let open = MessageChannel.allCases.filter { blocked[$0] == nil }
            if open.count == MessageChannel.allCases.count { return "" }
            return " AND (" + (open.isEmpty ? "1 = 0" : open.map { "\(table)channel = '\($0.rawValue)'" }.joined(separator: " OR ")) + ")"
        }
    }

    static func plan(_ session: Session, transport: Transport, limit: Int) throws -> Plan {
        let db = session.db
        var plan = Plan()
        if transport.smsCommand == nil { plan.blocked[.sms] = (.smsCommandNotSet, [.text(SettingKey.smsCommand.rawValue)]) }
        if let refused = transport.mailRefused { plan.blocked[.email] = (.emailsWait, [.message(refused)]) }
        let due = try db.query("""
            SELECT DISTINCT o.rgk_id, g.name, g.email FROM (
                SELECT rgk_id FROM outbox WHERE status = 'waiting' AND next_attempt_at <= ? AND channel = 'email' ORDER BY id LIMIT ?) o
            LEFT JOIN rgk g ON g.id = o.rgk_id
            """, session.now, limit)
        for row in due {
            let rgkID = try row.optInt64("rgk_id")
            if rgkID != nil {
                let own = try row.optString("email").flatMap(Contact.email).flatMap { $0.hasSuffix("@localhost") ? nil : $0 }
                guard let address = try own ?? Settings.get(db, .mailFrom) else {
                    plan.blocked[.email] = (.senderNotSet, [.text(try row.optString("name") ?? "?"), .text(SettingKey.mailFrom.rawValue)])
                    break
                }
                let name = try row.optString("name") ?? Settings.get(db, .mailFromName) ?? ""
                plan.senders[rgkID] = Sender(name: name, address: address, replyTo: own)
            } else {
                guard let address = try Settings.get(db, .supportFrom) ?? Settings.get(db, .mailFrom) else {
                    plan.blocked[.email] = (.senderNotSet, [.code(.role, Role.support.rawValue), .text(SettingKey.supportFrom.rawValue)])
                    break
                }
                plan.senders[nil] = Sender(name: try Settings.get(db, .supportName) ?? "", address: address, replyTo: nil)
            }
        }
        return plan
    }

    /// Delivers what is due. Rows are claimed inside a write transaction first, by an update
    /// conditional on their being still waiting, so two `outbox send` running at once (on
    /// PostgreSQL truly at once) never deliver the same message.
    ///
    /// `senders`: how many deliver side by side, each on a thread with a connection of its own
    /// from `connect` (without one, this session delivers alone): each message is still claimed
    /// before it goes and recorded after the answer, so a sender killed between the relay's 250
    /// and the record leaves at most its one message in doubt. `progress(done, total)` is called
    /// on this thread.
    public static func send(_ session: Session, transport: Transport, limit: Int, dryRun: Bool, senders: Int = 1,
                            connect: (@Sendable () throws -> any Storage)? = nil,
                            progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }) throws -> Report {
        var report = Report()
        let db = session.db
        if dryRun {
            report.would = try db.query(OutboxStore.select + """
                 WHERE o.status = 'waiting' AND o.next_attempt_at <= ? ORDER BY o.id LIMIT ?
                """, session.now, limit).map(OutboxStore.item)
            return report
        }
        try recover(session, &report)
        // bills are made as they go out: without their fonts nothing is claimed, as with a missing mailer
        if try db.queryOne("SELECT 1 FROM outbox WHERE status = 'waiting' AND bill_period IS NOT NULL LIMIT 1") != nil {
            _ = try BillDocument.fonts()
        }
        var plan = try self.plan(session, transport: transport, limit: limit)
        let usable = plan.usable(), usableHere = plan.usable("o.")
        let token = "\(ImportLiveness.currentPID):\(ImportLiveness.hostName):\(Secrets.token())"
        var erased = report.inDoubt > 0
        // the ids alone: each message (its body, its secret) is read when its turn comes, so a run
        // of 100 000 bills holds 100 000 ids, not 100 000 letters
        let claimed: [Int64] = try db.write {
            // the messages due, each checked against what queued it: what no longer holds is
            // cancelled in the same transaction that claims the rest
            guard let last = try db.queryOne("""
                SELECT max(id) AS last FROM (
                    SELECT id FROM outbox WHERE status = 'waiting' AND next_attempt_at <= ?\(usable) ORDER BY id LIMIT ?) AS due
                """, session.now, limit)?.optInt64("last") else { return [] }
            for lapse in try lapsed(db, "o.status = 'waiting' AND o.next_attempt_at <= ? AND o.id <= ?" + usableHere, [session.now, last]) {
                guard let hadSecret = try cancel(session, lapse, token: nil) else { continue }
                erased = erased || hadSecret
                report.count(lapse.channel, \.cancelled)
            }
            // the claim is conditional on the state read: a sender claiming at the same moment (on
            // PostgreSQL, where writers run side by side) waits for these rows, finds them no
            // longer waiting, and leaves them
            try db.run("""
                UPDATE outbox SET status = 'sending', claim_token = ?, claimed_at = ?, delivery_pid = NULL,
                       message_id = coalesce(message_id, '<mygaz.' || CAST(id AS TEXT) || '.' || CAST(? AS TEXT) || '@' || CAST(? AS TEXT) || '>')
                WHERE status = 'waiting' AND next_attempt_at <= ? AND id <= ?\(usable)
                """, token, session.now, String(token.suffix(12)), ImportLiveness.hostName, session.now, last)
            var ids: [Int64] = []
            try db.eachRow("SELECT id FROM outbox WHERE claim_token = ? AND status = 'sending' ORDER BY id", arguments: [token]) {
                ids.append(try $0.int64("id"))
            }
            return ids
        }
        let run = Run(claimed, plan: plan, report: report, erased: erased)
        let total = claimed.count
        if let connect, senders > 1, total > 1 {
            let group = DispatchGroup()
            let (login, clock) = (session.login, session.clock)
            for _ in 0..<min(senders, total) {
                group.enter()
                Thread {
                    defer { group.leave() }
                    do {
                        let own = Session(db: try connect(), login: login, clock: clock)
                        try withoutSIGPIPE { try work(own, run: run, token: token, transport: transport) { _ in } }
                    } catch {
                        run.stop(error)
                    }
                }.start()
            }
            while group.wait(timeout: .now() + 0.2) == .timedOut { progress(run.done, total) }
            progress(run.done, total)
        } else {
            // the sender itself writes the message's mark and its outcome: SIGPIPE held off while it talks to a relay
            try withoutSIGPIPE {
                try work(session, run: run, token: token, transport: transport) { progress($0, total) }
            }
        }
        if let failure = run.failure { throw failure }
        (plan, report, erased) = (run.plan, run.report, run.erased)
        // what was claimed and never begun — its channel blocked, or the run stopped — goes back
        // as it was: never tried
        try db.write {
            try db.run("""
                UPDATE outbox SET status = 'waiting', claim_token = NULL WHERE claim_token = ? AND status = 'sending' AND delivery_pid IS NULL
                """, token)
        }
        for channel in MessageChannel.allCases {
            guard let why = plan.blocked[channel] else { continue }
            let waiting = try db.scalarInt("""
                SELECT count(*) FROM outbox WHERE status = 'waiting' AND next_attempt_at <= ? AND channel = ?
                """, session.now, channel.rawValue) ?? 0
            guard waiting > 0 else { continue }
            report.blocked.append(Blocked(channel: channel, waiting: waiting, why: Message(why.key, [.int(waiting)] + why.args)))
        }
        if erased { try db.overwriteFreedPages() }
        return report
    }

    /// What the senders of one run share: the messages claimed and whose turn is next, what each
    /// channel can still do, the tally. Guarded by its lock (senders may run on threads of their own).
    final class Run: @unchecked Sendable {
        private let lock = NSLock()
        private let claimed: [Int64]
        private var next = 0
        private var handled = 0
        private(set) var plan: Plan
        private(set) var report: Report
        private(set) var erased: Bool
        /// The first failure of a sender (its database gone): the others take nothing more.
        private(set) var failure: Error?

        init(_ claimed: [Int64], plan: Plan, report: Report, erased: Bool) {
            self.claimed = claimed
            self.plan = plan
            self.report = report
            self.erased = erased
        }

        private func locked<T>(_ body: () throws -> T) rethrows -> T {
            lock.lock()
            defer { lock.unlock() }
            return try body()
        }

        /// The next message's id, or nil when there is none or the run stopped.
        func take() -> Int64? {
            locked {
                guard failure == nil, next < claimed.count else { return nil }
                next += 1
                return claimed[next - 1]
            }
        }

        /// One message done with, whatever became of it: the count for the progress line.
        func finished() -> Int { locked { handled += 1; return handled } }
        var done: Int { locked { handled } }

        func blocked(_ channel: MessageChannel) -> Bool { locked { plan.blocked[channel] != nil } }
        func block(_ channel: MessageChannel, _ why: (key: MessageKey, args: [MessageArg])) {
            locked { if plan.blocked[channel] == nil { plan.blocked[channel] = why } }
        }
        func sender(_ rgkID: Int64?) -> Sender? { locked { plan.senders[rgkID] } }
        func tally(_ change: (inout Report) -> Void) { locked { change(&report) } }
        func secretErased() { locked { erased = true } }
        func stop(_ error: Error) { locked { if failure == nil { failure = error } } }
    }

    /// One sender: takes the next message until there is none, checks it again against what
    /// queued it, makes its bill, gives it to its channel's courier, and records the outcome —
    /// each message marked as being delivered before it goes and recorded after the answer.
    static func work(_ session: Session, run: Run, token: String, transport: Transport, progress: (Int) -> Void) throws {
        let courier = Courier(transport)
        defer { courier.close() }
        do {
            while let id = run.take() {
                // nil: no longer this run's (another sender's recovery took it back)
                if let message = try session.db.queryOne("""
                    SELECT id, channel, recipient, subject, body, secret, attempts, message_id, rgk_id, entity_id, bill_period
                    FROM outbox WHERE id = ? AND claim_token = ? AND status = 'sending'
                    """, id, token).map(Claimed.init) {
                    try deliverOne(session, message, run: run, courier: courier, token: token)
                }
                progress(run.finished())
            }
        } catch {
            run.stop(error)
            throw error
        }
    }

    static func deliverOne(_ session: Session, _ message: Claimed, run: Run, courier: Courier, token: String) throws {
        let db = session.db
        let id = message.id
        let channel = MessageChannel(rawValue: message.channel) ?? .email
        // its channel stopped working in this run: it waits, released at the end
        if run.blocked(channel) { return }
        // checked again just before it goes (the messages before it may have taken minutes): a
        // read, and a write only for one to cancel
        let check = "o.id = ? AND o.claim_token = ? AND o.status = 'sending'"
        if try db.read({ try !lapsed(db, check, [id, token]).isEmpty }) {
            let skipped: Bool = try db.write {
                guard let lapse = try lapsed(db, check, [id, token]).first else { return false }
                // not cancelled here: the claim is no longer this sender's, and neither is the message
                guard let hadSecret = try cancel(session, lapse, token: token) else { return true }
                if hadSecret { run.secretErased() }
                run.tally { $0.count(lapse.channel, \.cancelled) }
                return true
            }
            if skipped { return }
        }
        // the sender itself is the one delivering (no shell receipt): recorded before anything of it goes
        let begin = {
            try db.write {
                try db.run("UPDATE outbox SET delivery_pid = ? WHERE id = ? AND claim_token = ? AND status = 'sending'",
                           ImportLiveness.currentPID, id, token) == 1
            }
        }
        let outcome: Outcome
        switch try billAttachment(session, message) {
        case .refused(let reason): outcome = .failed(reason, permanent: true)
        case .files(let files):
            outcome = try courier.deliver(message, token: token, sender: run.sender(message.rgkID), now: session.clock.now,
                                          attachments: files, begin: begin)
        }
        switch outcome {
        case .misconfigured(let program, let status):
            // the program is not there: no message of its channel goes in this run; they wait for
            // the fix, none counted as tried (released at the end), and the other channel goes on
            let setting: SettingKey = channel == .sms ? .smsCommand : .sendmail
            try db.write { try db.run("UPDATE outbox SET delivery_pid = NULL WHERE id = ? AND claim_token = ?", id, token) }
            run.block(channel, (.deliveryProgramMissing, [.code(.messageChannel, channel.rawValue), .text(program), .int(Int(status)),
                                                           .text(channel == .sms ? "--sms-command" : "--sendmail"),
                                                           .text(setting.environmentVariable ?? ""), .text(setting.rawValue)]))
            return
        case .unusable(let why):
            // the relay cannot be used (never begun): the letters wait, the SMS go on
            run.block(channel, (.emailsWait, [.message(why)]))
            return
        case .claimLost:
            return
        default:
            break
        }
        if message.secret != nil { run.secretErased() }
        try db.write {
            let attempts = message.attempts + 1
            switch outcome {
            case .sent:
                try db.run("""
                    UPDATE outbox SET status = 'sent', sent_at = ?, attempts = ?, secret = NULL, last_error = NULL, claim_token = NULL,
                           delivery_pid = NULL WHERE id = ? AND claim_token = ?
                    """, session.now, attempts, id, token)
                run.tally { $0.count(channel, \.sent) }
            case .inDoubt(let error):
                // given to the relay and no answer came: it may have taken it. Sending it again
                // could deliver a PIN twice; a person decides (outbox retry)
                if try fail(session, id, token: token, attempts: attempts, error: error + "; " + inDoubtAdvice) {
                    try session.audit("outbox.in-doubt", .outbox, id, old: "sending", new: "failed", note: AuditNote(.deliveryTimedOut))
                }
                run.tally { $0.count(channel, \.inDoubt) }
            case .timedOut(let error) where try db.scalarInt("""
                SELECT CASE WHEN delivery_pid IS NOT NULL THEN 1 ELSE 0 END FROM outbox WHERE id = ? AND claim_token = ?
                """, id, token) == 1:
                // the program ran and was stopped: it may have handed the message on. Sending it
                // again could deliver a PIN twice; a person decides (outbox retry)
                if try fail(session, id, token: token, attempts: attempts, error: error + "; " + inDoubtAdvice) {
                    try session.audit("outbox.in-doubt", .outbox, id, old: "sending", new: "failed", note: AuditNote(.deliveryTimedOut))
                }
                run.tally { $0.count(channel, \.inDoubt) }
            case .failed(let error, permanent: true):
                try fail(session, id, token: token, attempts: attempts, error: error)
                run.tally { $0.count(channel, \.failed) }
            case .failed(let error, _) where attempts >= OutboxStore.maxAttempts, .timedOut(let error) where attempts >= OutboxStore.maxAttempts:
                try fail(session, id, token: token, attempts: attempts, error: error)
                run.tally { $0.count(channel, \.failed) }
            case .misconfigured, .unusable, .claimLost:
                break
            case .failed(let error, _), .timedOut(let error):
                // 1, 2, 4, 8 minutes
                let delay = Int64(60 << (attempts - 1))
                try db.run("""
                    UPDATE outbox SET status = 'waiting', attempts = ?, last_error = ?, next_attempt_at = ?, claim_token = NULL,
                           delivery_pid = NULL WHERE id = ? AND claim_token = ?
                    """, attempts, error, Timestamp.iso(session.clock.now + delay), id, token)
                run.tally { $0.count(channel, \.retrying) }
            }
        }
    }

    static let inDoubtAdvice = "it may or may not have gone out; check, then outbox retry"

    /// A message claimed for delivery, its secret with it.
    struct Claimed: Sendable {
        let id: Int64
        let channel: String
        let recipient: String
        let subject: String?
        let body: String
        let secret: String?
        let attempts: Int
        let messageID: String?
        let rgkID: Int64?
        /// The account of a bill.
        let entityID: Int64?
        let billPeriod: String?

        init(_ r: Row) throws {
            (id, channel, recipient, subject) = try (r.int64("id"), r.string("channel"), r.string("recipient"), r.optString("subject"))
            (body, secret, attempts, messageID) = try (r.string("body"), r.optString("secret"), r.int("attempts"), r.optString("message_id"))
            (rgkID, entityID, billPeriod) = try (r.optInt64("rgk_id"), r.optInt64("entity_id"), r.optString("bill_period"))
        }
    }

    /// A message whose reason to go out no longer holds, and why.
    struct Lapse {
        let id: Int64
        let status: String
        let channel: MessageChannel
        let reason: OutboxCancelReason
    }

    /// The messages matching `condition` (on `outbox o`) that may no longer go out, by what
    /// queued them. A message to a portal user (`user_id`): the user is still there and not
    /// blocked. A bill besides: the account is still linked to the user with the extended
    /// version, unlocked (the bill shows personal data); the monthly mailing's only while the user
    /// keeps bills by e-mail switched on; and only to the address the user has now. A notice the
    /// user switched on (debts, verification, news) only while that switch is still on. A bill with no
    /// user (queued before version 8, its user not found then) goes to nobody.
    /// Read through a cursor: the claim of a run checks every message due (100 000 bills), and
    /// only the few that lapsed are kept.
    static func lapsed(_ db: any Storage, _ condition: String, _ arguments: [SQLBindable?]) throws -> [Lapse] {
        var lapses: [Lapse] = []
        try db.eachRow("""
            SELECT o.id, o.status, o.channel, o.kind, o.recipient, o.user_id, u.id AS found_user, u.status AS user_status, u.email AS user_email,
                   u.email_bills, u.notify_debts, u.notify_status, u.notify_news, l.user_id AS linked_user, l.access_level, l.locked_at,
                   CASE WHEN EXISTS (SELECT 1 FROM bill_mailing m WHERE m.user_id = o.user_id AND m.account_id = o.entity_id
                                                                  AND m.period = o.bill_period AND m.outbox_id = o.id) THEN 1 ELSE 0 END AS mailed
            FROM outbox o
            LEFT JOIN portal_user u ON u.id = o.user_id
            LEFT JOIN user_account l ON o.kind = 'bill' AND l.user_id = o.user_id AND l.account_id = o.entity_id
            WHERE (o.user_id IS NOT NULL OR o.kind = 'bill') AND \(condition)
            ORDER BY o.id
            """, arguments: arguments) { row in
            let kind = try row.string("kind")
            let isBill = kind == OutboxKind.bill.rawValue
            let noticeSwitch = OutboxKind(rawValue: kind).flatMap(Notices.switchColumn)
            let userStatus = try row.optString("user_status")
            let reason: OutboxCancelReason?
            if try row.optInt64("user_id") == nil {
                reason = isBill ? .linkRemoved : nil
            } else if try row.optInt64("found_user") == nil || userStatus == UserStatus.deleted.rawValue {
                reason = .userDeleted
            } else if userStatus == UserStatus.blocked.rawValue {
                reason = .userBlocked
            } else if let noticeSwitch, try row.optInt(noticeSwitch) != 1 {
                reason = .noticeOff
            } else if !isBill {
                reason = nil
            } else if try row.optInt64("linked_user") == nil {
                reason = .linkRemoved
            } else if try row.optString("access_level") != AccessLevel.extended.rawValue || row.optString("locked_at") != nil {
                reason = .accessRestricted
            } else if try row.bool("mailed") && row.optInt("email_bills") != 1 {
                reason = .billsOff
            } else if try row.optString("user_email").flatMap(Contact.email) != row.string("recipient") {
                reason = .addressChanged
            } else {
                reason = nil
            }
            if let reason {
                lapses.append(try Lapse(id: row.int64("id"), status: row.string("status"),
                                        channel: MessageChannel(rawValue: row.string("channel")) ?? .email, reason: reason))
            }
        }
        return lapses
    }

    /// Cancels a message that may no longer go out, with the reason, its secret erased; audited
    /// (`outbox.cancel`).
    /// `token`: the claim it holds (nil: still waiting). Answers whether a secret was erased, or
    /// nil when the message was no longer as read (another sender claimed or cancelled it first).
    static func cancel(_ session: Session, _ lapse: Lapse, token: String?) throws -> Bool? {
        let db = session.db
        let hadSecret = try db.scalarInt("SELECT CASE WHEN secret IS NOT NULL THEN 1 ELSE 0 END FROM outbox WHERE id = ?", lapse.id) == 1
        let claim = token == nil ? "claim_token IS NULL" : "claim_token = ?"
        let changed = try db.run("""
            UPDATE outbox SET status = 'cancelled', cancel_reason = ?, secret = NULL, claim_token = NULL, delivery_pid = NULL
            WHERE id = ? AND status = ? AND \(claim)
            """, arguments: [lapse.reason.rawValue, lapse.id, lapse.status] + (token.map { [$0] } ?? []))
        guard changed == 1 else { return nil }
        // the reason is the row's own (`cancel_reason`): audit.reason keeps a person's words
        try session.audit("outbox.cancel", .outbox, lapse.id, old: lapse.status, new: "cancelled")
        return hadSecret
    }

    /// A message failed for good: its secret goes with it (a failed PIN is issued anew).
    @discardableResult
    static func fail(_ session: Session, _ id: Int64, token: String, attempts: Int, error: String) throws -> Bool {
        try session.db.run("""
            UPDATE outbox SET status = 'failed', attempts = ?, last_error = ?, secret = NULL, claim_token = NULL, delivery_pid = NULL
            WHERE id = ? AND claim_token = ?
            """, attempts, error, id, token) == 1
    }

    /// Rows left in `sending` by a process that died. Never begun: back to waiting (a shell that
    /// has not begun yet will find its claim gone and send nothing). Its delivering shell still
    /// running (the sender was killed, not the shell): left to finish; its receipt records it.
    /// Begun, and the shell gone without a receipt: the program may have delivered it, so it is
    /// not sent again automatically — it fails with an error that says so, for `outbox retry`
    /// after a check (a receipt that comes late still records it).
    static func recover(_ session: Session, _ report: inout Report) throws {
        try session.db.write {
            for message in try abandoned(session.db) { try settle(session, message, &report) }
        }
    }

    /// A message in `sending` whose sender is gone, as it was read: its claim and the shell
    /// recorded as delivering it (nil: none had begun).
    struct Abandoned {
        let id: Int64
        let token: String
        let shell: Int?
        let channel: MessageChannel
    }

    /// The messages in `sending` whose sender, and delivering shell if one began, are gone.
    static func abandoned(_ db: any Storage) throws -> [Abandoned] {
        try db.query("SELECT id, channel, claim_token, delivery_pid FROM outbox WHERE status = 'sending'").compactMap { row in
            let message = try Abandoned(id: row.int64("id"), token: row.optString("claim_token") ?? "", shell: row.optInt("delivery_pid"),
                                        channel: MessageChannel(rawValue: row.string("channel")) ?? .email)
            let parts = message.token.split(separator: ":")
            let claimer = parts.first.flatMap { Int($0) }
            let host = parts.count > 1 ? String(parts[1]) : nil
            if ImportLiveness.isAlive(pid: claimer, host: host) { return nil }
            if let shell = message.shell, shell != claimer, ImportLiveness.isAlive(pid: shell, host: ImportLiveness.hostName) { return nil }
            return message
        }
    }

    /// Back to waiting, or in doubt, only as it was judged: the same claim and the same shell. On
    /// PostgreSQL the dead sender's shell may record its `begin` between the read and this
    /// update (nothing holds it out there, as SQLite's write lock does): then the message is its
    /// shell's, and sending it again would deliver it twice. Another sender recovering at the
    /// same moment changes it once, not twice.
    static func settle(_ session: Session, _ message: Abandoned, _ report: inout Report) throws {
        let db = session.db
        let asRead = "id = ? AND status = 'sending' AND coalesce(claim_token, '') = ? AND coalesce(delivery_pid, 0) = ?"
        if message.shell == nil {
            if try db.run("UPDATE outbox SET status = 'waiting', claim_token = NULL WHERE \(asRead)", message.id, message.token, 0) == 1 {
                report.recovered += 1
            }
        } else if try db.run("""
            UPDATE outbox SET status = 'failed', delivery_pid = NULL, secret = NULL,
                   last_error = 'interrupted during delivery: ' || CAST(? AS TEXT)
            WHERE \(asRead)
            """, inDoubtAdvice, message.id, message.token, message.shell ?? 0) == 1 {
            try session.audit("outbox.in-doubt", .outbox, message.id, old: "sending", new: "failed", note: AuditNote(.senderDied))
            report.count(message.channel, \.inDoubt)
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

    enum Outcome {
        case sent
        /// The program could not be run at all (126, 127): a fault of the setup, not of the message
        case misconfigured(program: String, status: Int32)
        /// The relay cannot be used (unreachable, TLS, login): the channel waits; nothing of the message was begun
        case unusable(Message)
        /// `permanent`: trying again cannot help (the recipient is not an address, a 5xx)
        case failed(String, permanent: Bool)
        case timedOut(String)
        /// Given to the relay, and no answer came: it may have gone out
        case inDoubt(String)
        /// The claim was taken back before anything was sent: the message is another's now
        case claimLost
    }

    /// The variable a delivery program finds its recipient in (never in argv, which `ps` shows
    /// every local user).
    public static let recipientVariable = "MYGAZ_RECIPIENT"

    /// The shell line: begin (or send nothing), the program, then done if it succeeded. The
    /// recipient is in the environment (`MYGAZ_RECIPIENT`) and, for e-mail, in the message's
    /// `To:` (sendmail -t); the message on stdin.
    static func shellLine(_ command: String, _ transport: Transport, id: Int64, token: String) -> (String, [String]) {
        guard let receipt = transport.receipt else { return (command, []) }
        // the program's own status decides; a `done` that fails (the database busy for long)
        // must not make a delivered message look failed, or it would go out again: the row stays
        // in sending, and recovery calls it in doubt
        return ("\"$@\" begin $$ && { " + command + "\n} && { \"$@\" done || :; }", receipt + [String(id), token])
    }

    /// The bill a message carries, made now from the account's settlements (a bill the data no
    /// longer allows fails the message for good, saying why).
    enum Attached { case files([(name: String, type: String, data: [UInt8])]), refused(String) }

    static func billAttachment(_ session: Session, _ message: Claimed) throws -> Attached {
        guard let period = message.billPeriod, let accountID = message.entityID else { return .files([]) }
        do {
            let ref = try AccountRef.byID(session.db, accountID)
            let bill = try Bills.make(session.db, ref, period: period, today: session.clock.today)
            return .files([(BillDocument.fileName(bill), "application/pdf", try BillDocument.pdf(bill))])
        } catch let error as MyGazError where error.status != .database {
            return .refused("no bill: \(error.message.key.rawValue)")
        }
    }

    /// How one sender's messages leave: a letter through the SMTP relay (one session kept for
    /// all of them, opened again when the relay ends it) or the sendmail program, an SMS through
    /// its command, a process per message.
    final class Courier {
        let transport: Transport
        private var relay: SMTPSession?

        init(_ transport: Transport) { self.transport = transport }

        func close() {
            relay?.close()
            relay = nil
        }

        /// `begin` records the message as being delivered (false: the claim is gone, send
        /// nothing); a shell with receipts records it itself.
        func deliver(_ message: Claimed, token: String, sender: Sender?, now: Int64,
                     attachments: [(name: String, type: String, data: [UInt8])] = [], begin: () throws -> Bool) throws -> Outcome {
            let channel = MessageChannel(rawValue: message.channel) ?? .email
            // checked again here: the row may have been written by anyone with the file
            guard let recipient = Contact.recipient(message.recipient, channel: channel) else {
                return .failed(Outbox.invalidRecipient(channel), permanent: true)
            }
            let text = Outbox.filled(message.body, secret: message.secret)
            let id = message.id
            let input: [UInt8]
            if channel == .sms {
                input = Array(text.utf8)
            } else {
                guard let sender else { return .failed("no sender address", permanent: false) }
                var mail = MailMessage(from: (sender.name, sender.address), to: recipient, subject: message.subject ?? "", body: text, date: now,
                                       messageID: message.messageID ?? "<mygaz.\(id)@localhost>")
                mail.replyTo = sender.replyTo
                mail.attachments = attachments
                if let relay = transport.smtp {
                    return try relayed(SMTPSession.data(mail.rendered), from: sender.address, to: recipient, shown: relay.shown, begin: begin) {
                        try SMTPSession.open(relay, timeout: $0)
                    }
                }
                if transport.mailerSpeaksSMTP {
                    let command = transport.sendmail, environment = transport.environment
                    return try relayed(SMTPSession.data(mail.rendered), from: sender.address, to: recipient, shown: command, begin: begin) {
                        try SMTPSession.local(command, environment: environment, timeout: $0)
                    }
                }
                input = Array(mail.rendered.utf8)
            }
            let program = channel == .sms ? transport.smsCommand ?? "" : transport.sendmail
            if transport.receipt == nil {
                guard try begin() else { return .claimLost }
            }
            // the message is the program's stdin, the recipient in its environment: never in argv
            let (line, receipt) = shellLine(program, transport, id: id, token: token)
            let run = try Command.run(["/bin/sh", "-c", line, "sh"] + receipt, input: input, timeout: transport.timeoutSeconds,
                                      environment: transport.environment.merging([recipientVariable: recipient]) { _, own in own })
            if let status = run.status, status == 126 || status == 127 {
                return .misconfigured(program: program, status: status)
            }
            return outcome(run, timeout: transport.timeoutSeconds)
        }

        /// A letter through the relay's (or the local MTA's) session, a new one when there is
        /// none or the last ended.
        private func relayed(_ data: [UInt8], from: String, to: String, shown: String, begin: () throws -> Bool,
                             open: (Double) throws -> SMTPSession) throws -> Outcome {
            if let session = self.relay, !session.usable {
                session.close()
                self.relay = nil
            }
            if self.relay == nil {
                do {
                    self.relay = try open(transport.timeoutSeconds)
                } catch let failure as SMTPFailure {
                    return .unusable(Message(.smtpRelayFailed, [.text(UntrustedText.visible(shown)), .text(failure.text)]))
                }
            }
            switch try self.relay!.send(from: from, to: to, data: data, begin: begin) {
            case .sent: return .sent
            case .retry(let said): return .failed(said, permanent: false)
            case .refused(let said): return .failed(said, permanent: true)
            case .inDoubt(let said): return .inDoubt(said)
            case .claimLost: return .claimLost
            }
        }
    }

    static func outcome(_ run: Command.Outcome, timeout: Double) -> Outcome {
        if run.succeeded { return .sent }
        let said = run.errors.isEmpty ? "" : ": " + run.errors
        if run.timedOut { return .timedOut("timed out after \(Int(timeout)) s" + said) }
        if let signal = run.signal { return .failed("killed by signal \(signal)" + said, permanent: false) }
        return .failed("exit \(run.status ?? -1)" + said, permanent: false)
    }
}

extension Delivery {
    /// The channels `outbox send` cannot use as this machine is set up (its environment and the
    /// configuration file): SMS with no command; e-mail whose program is not there. A setting
    /// that cannot be read (a configuration file refused) counts as not set up.
    public static func channelsNotSetUp(environment: [String: String]) -> [MessageChannel] {
        var idle: [MessageChannel] = []
        // `try?` of an optional: nil when it is not set and when it cannot be read
        let mail: String? = try? Settings.command(.sendmail, environment: environment).value
        let sms: String? = try? Settings.command(.smsCommand, environment: environment).value
        if mail.map({ Command.cannotRun($0, environment: environment) }) ?? true { idle.append(.email) }
        if sms == nil { idle.append(.sms) }
        return idle
    }
}

/// Runs a program with input on stdin and a time limit, in a process group of its own.
public enum Command {
    public struct Outcome: Sendable {
        /// The exit status, or nil when it was killed by a signal or timed out.
        public var status: Int32?
        public var signal: Int32?
        public var timedOut = false
        /// The start of what it wrote to stderr.
        public var errors = ""
        public var succeeded: Bool { status == 0 }
    }

    /// Whether a shell command's program is surely missing: its first word a path that is no
    /// executable file, or a plain name found in no directory of `PATH`. A command that starts
    /// with anything else (a variable, a redirection) is not judged.
    public static func cannotRun(_ command: String, environment: [String: String]) -> Bool {
        guard let first = command.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) else { return true }
        if first.hasPrefix("/") { return !FileManager.default.isExecutableFile(atPath: first) }
        guard first.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "._+-".contains($0)) }) else { return false }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return !path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(first)") }
    }

    /// `argv[0]` is run with `argv` (no search of PATH); stdin is `input`, stdout is discarded,
    /// stderr kept. The input goes through a file in a private temporary directory, removed as
    /// soon as the program has it open: a program that does not read its input can neither block
    /// us on a full pipe nor kill us with SIGPIPE, and nobody else can read a PIN in it. On
    /// timeout the whole group gets SIGTERM, then SIGKILL: the shell and the mailer it started.
    /// `environment`: variables set for it over those it inherits.
    public static func run(_ argv: [String], input: [UInt8], timeout: Double, environment: [String: String] = [:]) throws -> Outcome {
        let scratch = try PrivateFiles.temporaryDirectory("mygaz-cmd")
        defer { PrivateFiles.remove(scratch) }
        let inputPath = scratch + "/in", errorPath = scratch + "/err"
        let inputFD = try PrivateFiles.create(inputPath, mode: 0o600)
        try input.withUnsafeBytes { try PrivateFiles.write(inputFD, $0, path: inputPath) }
        close(inputFD)
        close(try PrivateFiles.create(errorPath, mode: 0o600))

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_APPEND, 0)
        var pid: pid_t = 0
        let spawned = spawn(&pid, argv, actions: &actions, environment: environment)
        guard spawned == 0 else {
            return Outcome(status: 127, errors: "cannot run \(argv[0]): \(String(cString: strerror(spawned)))")
        }
        // the program holds its input open; the file (a PIN may be in it) goes now, not after
        unlink(inputPath)
        var outcome = Outcome()
        if let wait = reap(pid, grace: timeout) {
            if wait & 0x7F == 0 {
                outcome.status = (wait >> 8) & 0xFF
            } else {
                outcome.signal = wait & 0x7F
            }
        } else {
            outcome.timedOut = true
        }
        if let data = FileManager.default.contents(atPath: errorPath) {
            outcome.errors = String(decoding: data.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return outcome
    }

    /// posix_spawn of `argv[0]` (no search of PATH) in a process group of its own, so that a
    /// timeout reaches everything it started, with signals as a fresh program expects them (we
    /// ignore SIGXFSZ, and may run with signals blocked), and `environment` over what it inherits.
    /// posix_spawn's own answer: 0, or the error that kept it from starting.
    static func spawn(_ pid: inout pid_t, _ argv: [String], actions: inout posix_spawn_file_actions_t, environment: [String: String]) -> Int32 {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGXFSZ, SIGINT, SIGQUIT, SIGTERM, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var inherited: [String] = []
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if !environment.keys.contains(where: { text.hasPrefix($0 + "=") }) { inherited.append(text) }
            entry += 1
        }
        var cEnv: [UnsafeMutablePointer<CChar>?] = (inherited + environment.sorted { $0.key < $1.key }.map { $0.key + "=" + $0.value })
            .map { strdup($0) } + [nil]
        defer { for p in cEnv { free(p) } }
        return spawning.withLock { posix_spawn(&pid, argv[0], &actions, &attributes, &cArgs, &cEnv) }
    }

    /// Held while a program is started, and while descriptors are made that no program may inherit.
    static let spawning = NSLock()

    /// Waits up to `grace` seconds for `pid` to end, then ends its group (SIGTERM, then SIGKILL
    /// half a second later) and reaps it. The wait status, or nil when it had to be ended.
    static func reap(_ pid: pid_t, grace: Double) -> Int32? {
        var wait: Int32 = 0
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline {
            let r = waitpid(pid, &wait, WNOHANG)
            if r == pid { return wait }
            if r < 0 && errno != EINTR { return wait }
            usleep(5000)
        }
        kill(-pid, SIGTERM)
        let later = Date().addingTimeInterval(0.5)
        while Date() < later && waitpid(pid, &wait, WNOHANG) == 0 { usleep(5000) }
        kill(-pid, SIGKILL)     // the rest of the group, and the program if it is still there
        while waitpid(pid, &wait, 0) < 0 && errno == EINTR {}
        return nil
    }
}
