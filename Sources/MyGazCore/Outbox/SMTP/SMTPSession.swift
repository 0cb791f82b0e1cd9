import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One SMTP session with a relay (RFC 5321): the greeting, EHLO (HELO for an old server),
/// STARTTLS when offered on `smtp://` (TLS from the start on `smtps://`), AUTH PLAIN or LOGIN
/// when a login is set — only over TLS, or to this machine —, then many messages, RSET between,
/// their commands in one write where the relay offers PIPELINING. Each message's replies decide
/// it: 2xx sent, 4xx tried again later, 5xx failed for good; the reply is kept, escaped.
final class SMTPSession {
    struct Reply {
        let code: Int
        let lines: [String]
        /// The reply as one line a person may read: controls made visible, at most 300 characters.
        var shown: String { String(UntrustedText.visible("\(code) " + lines.joined(separator: " ")).prefix(300)) }
        var positive: Bool { (200...399).contains(code) }
        var transient: Bool { (400...499).contains(code) }
    }

    /// What became of one message.
    enum Verdict: Equatable {
        /// The relay took it: its reply.
        case sent(String)
        /// Not taken this time (a 4xx, or the session ended before the message was given): later.
        case retry(String)
        /// Refused for good (a 5xx, or an address we will not put in a command).
        case refused(String)
        /// The message was given and no answer came: it may have been taken.
        case inDoubt(String)
        /// The claim was no longer this sender's: nothing was sent.
        case claimLost
    }

    /// Whom replies come from, in what a person reads: the relay's host, or the local MTA's program.
    let peer: String
    private var stream: any SMTPStream
    private var inbox: [UInt8] = []
    private(set) var extensions: [String: [String]] = [:]
    private(set) var secure: Bool
    /// Messages given in this session (RSET goes before each one after the first).
    private var transactions = 0
    /// False once the relay closed (421), broke off, or did not answer: a new session is needed.
    private(set) var usable = true

    private init(peer: String, stream: any SMTPStream, secure: Bool) {
        self.peer = peer
        self.stream = stream
        self.secure = secure
    }

    deinit { stream.close() }

    /// The name we greet with: this machine's name when it is one, else an address literal.
    static var helloName: String {
        let name = ImportLiveness.hostName
        let fit = !name.isEmpty && name.count <= 253 && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }
        return fit ? name : "[127.0.0.1]"
    }

    /// A session ready for messages, or an `SMTPFailure` saying why the relay cannot be used:
    /// it cannot be reached, does not greet, refuses TLS or presents a certificate that does not
    /// verify, offers no TLS for a login, or refuses the login.
    static func open(_ relay: SMTPRelay, timeout: Double) throws -> SMTPSession {
        let socket = try SocketStream.connect(host: relay.host, port: relay.port, timeout: timeout)
        let session: SMTPSession
        if relay.security == .implicitTLS {
            session = SMTPSession(peer: relay.host, stream: try TLSStream(over: socket, host: relay.host, caFile: relay.caFile), secure: true)
        } else {
            session = SMTPSession(peer: relay.host, stream: socket, secure: false)
        }
        try session.greeted()
        if !session.secure, session.extensions["STARTTLS"] != nil {
            let answer = try session.exchange("STARTTLS")
            guard answer.code == 220 else { throw SMTPFailure(.tls, "refused STARTTLS: «\(answer.shown)»") }
            // anything the server sent before TLS began would be read as if it came through it
            guard session.inbox.isEmpty else { throw SMTPFailure(.protocolError, "sent more than its answer to STARTTLS") }
            session.stream = try TLSStream(over: socket, host: relay.host, caFile: relay.caFile)
            session.secure = true
            try session.hello()
        }
        if let user = relay.user, let password = relay.password {
            guard session.secure || isLoopback(relay.host) else {
                throw SMTPFailure(.tls, "offers no STARTTLS, and the password is never sent in clear")
            }
            try session.login(user: user, password: password)
        }
        return session
    }

    /// A session with the local MTA that `command` starts (`sendmail -bs`: its SMTP on stdin and
    /// stdout): the same conversation over its pipes, with no TLS and no login (it is this
    /// machine's, run as the one who runs `outbox send`). Its failures are a relay's.
    static func local(_ command: String, environment: [String: String], timeout: Double) throws -> SMTPSession {
        let program = String(UntrustedText.visible(command.split(separator: " ").first.map(String.init) ?? command).prefix(80))
        let session = SMTPSession(peer: program, stream: try ProcessStream.start(command, environment: environment, timeout: timeout),
                                  secure: false)
        try session.greeted()
        return session
    }

    /// The server's greeting (220), then EHLO.
    private func greeted() throws {
        let greeting = try reply()
        guard greeting.code == 220 else { throw SMTPFailure(.protocolError, "greeted with «\(greeting.shown)»") }
        try hello()
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// EHLO, and the extensions it names; HELO when the server does not know EHLO.
    private func hello() throws {
        let answer = try exchange("EHLO " + SMTPSession.helloName)
        if answer.code == 250 {
            extensions = [:]
            for line in answer.lines.dropFirst() {
                let words = line.split(separator: " ").map { String($0) }
                guard let keyword = words.first?.uppercased() else { continue }
                // "AUTH=PLAIN LOGIN" is how old servers said AUTH
                if keyword.hasPrefix("AUTH=") {
                    extensions["AUTH", default: []] += [String(keyword.dropFirst(5))] + words.dropFirst().map { $0.uppercased() }
                } else {
                    extensions[keyword] = words.dropFirst().map { $0.uppercased() }
                }
            }
            return
        }
        guard answer.code >= 500 && answer.code != 554 else { throw SMTPFailure(.protocolError, "answered EHLO with «\(answer.shown)»") }
        let old = try exchange("HELO " + SMTPSession.helloName)
        guard old.code == 250 else { throw SMTPFailure(.protocolError, "answered HELO with «\(old.shown)»") }
        extensions = [:]
    }

    private func login(user: String, password: String) throws {
        let mechanisms = extensions["AUTH"] ?? []
        let answer: Reply
        if mechanisms.contains("PLAIN") {
            let token = Data(([0] + Array(user.utf8) + [0] + Array(password.utf8))).base64EncodedString()
            answer = try exchange("AUTH PLAIN " + token)
        } else if mechanisms.contains("LOGIN") {
            var step = try exchange("AUTH LOGIN")
            if step.code == 334 { step = try exchange(Data(user.utf8).base64EncodedString()) }
            answer = step.code == 334 ? try exchange(Data(password.utf8).base64EncodedString()) : step
        } else {
            throw SMTPFailure(.protocolError, "offers no login we speak (AUTH PLAIN or LOGIN)")
        }
        guard answer.code == 235 else { throw SMTPFailure(.protocolError, "refused the login of \(UntrustedText.visible(user)): «\(answer.shown)»") }
    }

    /// Gives one message: `data` is `SMTPSession.data(_:)` of the letter. `begin` is called
    /// before anything of it is sent and records the message as being delivered; false (the
    /// claim was taken back) sends nothing.
    func send(from: String, to: String, data: [UInt8], begin: () throws -> Bool) throws -> Verdict {
        // no line break, space or bracket reaches a command: an addr-spec or nothing
        guard Contact.isAddrSpec(to) else { return .refused("the recipient is not an e-mail address; nothing was sent") }
        guard Contact.isAddrSpec(from) else { return .refused("the sender is not an e-mail address; nothing was sent") }
        let limit = extensions["SIZE"]?.first.flatMap { Int($0) } ?? 0
        if limit > 0 && data.count > limit {
            return .refused("\(data.count) bytes, more than the \(limit) the relay takes (SIZE)")
        }
        guard try begin() else { return .claimLost }
        var commands = transactions > 0 ? ["RSET"] : []
        commands += ["MAIL FROM:<\(from)>" + (extensions["SIZE"] != nil ? " SIZE=\(data.count)" : ""), "RCPT TO:<\(to)>", "DATA"]
        transactions += 1
        do {
            var replies: [Reply] = []
            if extensions["PIPELINING"] != nil {
                try stream.write(Array(commands.map { $0 + "\r\n" }.joined().utf8))
                for _ in commands { replies.append(try reply()) }
            } else {
                for command in commands {
                    let answer = try exchange(command)
                    replies.append(answer)
                    if !answer.positive { break }
                }
            }
            let named = Array(commands.map { String($0.prefix { $0 != ":" }) }.prefix(replies.count))
            if replies.contains(where: { $0.code == 421 }) { usable = false }
            // a session that cannot even be reset is done with; the message was not given
            if commands.first == "RSET", let reset = replies.first, !reset.positive {
                usable = false
                return .retry("\(peer) answered RSET with «\(reset.shown)»")
            }
            // the first refusal decides
            if let (index, refusal) = replies.enumerated().first(where: { !$0.element.positive }) {
                if commands[index] == "DATA" || replies.last?.code != 354 {
                    return verdict(refusal, after: named[index])
                }
                // a server that took DATA with no recipient: an empty end, and nothing more
                try stream.write(Array(".\r\n".utf8))
                _ = try reply()
                return verdict(refusal, after: named[index])
            }
            guard replies.count == commands.count, replies.last?.code == 354 else {
                return .retry("the relay answered DATA with «\(replies.last?.shown ?? "")»")
            }
        } catch let failure as SMTPFailure {
            // nothing of the message was given: it was not taken
            usable = false
            return .retry(failure.text)
        }
        do {
            try stream.write(data)
            let answer = try reply()
            if answer.code == 421 { usable = false }
            return verdict(answer, after: "the message")
        } catch let failure as SMTPFailure {
            usable = false
            return .inDoubt("no answer after the message (\(failure.text))")
        }
    }

    private func verdict(_ reply: Reply, after what: String) -> Verdict {
        let said = "\(peer) answered \(what) with «\(reply.shown)»"
        if (200...299).contains(reply.code) { return .sent(said) }
        return reply.transient ? .retry(said) : .refused(said)
    }

    /// QUIT, politely, then the connection closed.
    func close() {
        if usable {
            usable = false
            _ = try? exchange("QUIT")
        }
        stream.close()
    }

    /// The letter as DATA carries it: CRLF line ends, a leading dot doubled, the final dot.
    static func data(_ rendered: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(rendered.utf8.count + rendered.utf8.count / 38 + 8)
        var lineStart = true
        for byte in rendered.utf8 {
            if byte == UInt8(ascii: "\r") { continue }     // a bare CR never goes out
            if lineStart && byte == UInt8(ascii: ".") { out.append(UInt8(ascii: ".")) }
            if byte == UInt8(ascii: "\n") {
                out += [13, 10]
                lineStart = true
            } else {
                out.append(byte)
                lineStart = false
            }
        }
        if !lineStart { out += [13, 10] }
        out += Array(".\r\n".utf8)
        return out
    }

    // MARK: the wire

    private func exchange(_ command: String) throws -> Reply {
        try stream.write(Array((command + "\r\n").utf8))
        return try reply()
    }

    /// One reply, all its lines: `250-…` continues, `250 …` ends it.
    private func reply() throws -> Reply {
        var lines: [String] = []
        var code = 0
        while true {
            let line = try readLine()
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, bytes[0..<3].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let number = Int(String(line.prefix(3))),
                  bytes.count == 3 || bytes[3] == UInt8(ascii: " ") || bytes[3] == UInt8(ascii: "-") else {
                throw SMTPFailure(.protocolError, "said «\(String(UntrustedText.visible(line).prefix(120)))», not an SMTP reply")
            }
            guard code == 0 || code == number else { throw SMTPFailure(.protocolError, "mixed reply codes \(code) and \(number)") }
            code = number
            lines.append(bytes.count > 4 ? String(line.dropFirst(4)) : "")
            if bytes.count == 3 || bytes[3] == UInt8(ascii: " ") { return Reply(code: code, lines: lines) }
            guard lines.count < 100 else { throw SMTPFailure(.protocolError, "a reply of more than 100 lines") }
        }
    }

    private func readLine() throws -> String {
        while true {
            if let end = inbox.firstIndex(of: UInt8(ascii: "\n")) {
                var line = Array(inbox[..<end])
                inbox.removeSubrange(...end)
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard inbox.count < 4096 else { throw SMTPFailure(.protocolError, "a reply line of more than 4096 bytes") }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n: Int
            do {
                n = try chunk.withUnsafeMutableBytes { try stream.read(into: $0) }
            } catch let failure as SMTPFailure where failure.kind == .timedOut {
                throw SMTPFailure(.timedOut, "no answer from \(peer) in time")
            }
            guard n > 0 else { throw SMTPFailure(.closed, "\(peer) closed the connection") }
            inbox += chunk[0..<n]
        }
    }
}

/// SIGPIPE held off while `body` talks to a server: OpenSSL writes to the socket with write(2),
/// and a server that hung up must be an error of that write, not the end of the process. A
/// SIGPIPE raised meanwhile (it goes to the thread that wrote) is taken before the mask is put back.
func withoutSIGPIPE<T>(_ body: () throws -> T) rethrows -> T {
    var pipe = sigset_t(), old = sigset_t()
    sigemptyset(&pipe)
    sigaddset(&pipe, SIGPIPE)
    pthread_sigmask(SIG_BLOCK, &pipe, &old)
    defer {
        var pending = sigset_t()
        sigpending(&pending)
        if sigismember(&pending, SIGPIPE) == 1 {
            var none = timespec(tv_sec: 0, tv_nsec: 0)
            _ = sigtimedwait(&pipe, nil, &none)
        }
        pthread_sigmask(SIG_SETMASK, &old, nil)
    }
    return try body()
}
