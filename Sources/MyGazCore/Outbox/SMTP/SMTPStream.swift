import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What went wrong on the way to or with an SMTP server, in words for the one line a person
/// reads (the server's own words escaped).
public struct SMTPFailure: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case unreachable, timedOut, closed, tls, protocolError }
    public let kind: Kind
    public let text: String
    public init(_ kind: Kind, _ text: String) {
        self.kind = kind
        self.text = text
    }
    public var description: String { text }
}

/// A byte stream to an SMTP server: a TCP socket, TLS over one, or a local MTA's pipes.
protocol SMTPStream: AnyObject {
    /// Writes all of `bytes`, or throws.
    func write(_ bytes: [UInt8]) throws
    /// Reads what has come (at least one byte); 0 at the end; throws on timeout or error.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
    func close()
}

/// A TCP connection with a time limit on connecting and on each read and write.
final class SocketStream: SMTPStream {
    let fd: Int32
    private var closed = false

    private init(fd: Int32) { self.fd = fd }
    deinit { close() }

    static func connect(host: String, port: Int, timeout: Double) throws -> SocketStream {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let resolved = getaddrinfo(host, String(port), &hints, &list)
        guard resolved == 0, let first = list else {
            throw SMTPFailure(.unreachable, "cannot find \(host): \(String(cString: gai_strerror(resolved)))")
        }
        defer { freeaddrinfo(list) }
        var failure = "no address"
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let address = entry {
            entry = address.pointee.ai_next
            let fd = socket(address.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
                            address.pointee.ai_protocol)
            guard fd >= 0 else {
                failure = String(cString: strerror(errno))
                continue
            }
            if Glibc.connect(fd, address.pointee.ai_addr, address.pointee.ai_addrlen) != 0 {
                guard errno == EINPROGRESS else {
                    failure = String(cString: strerror(errno))
                    Glibc.close(fd)
                    continue
                }
                var wait = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                let ready = poll(&wait, 1, Int32(timeout * 1000))
                var error: Int32 = 0
                var size = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size)
                guard ready == 1, error == 0 else {
                    failure = ready == 0 ? "no answer within \(Int(timeout)) s" : String(cString: strerror(error))
                    Glibc.close(fd)
                    continue
                }
            }
            // blocking from now on, each read and write bounded by the time limit
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
            var limit = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            var on: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
            return SocketStream(fd: fd)
        }
        throw SMTPFailure(.unreachable, "cannot connect to \(host) port \(port): \(failure)")
    }

    func write(_ bytes: [UInt8]) throws {
        var done = 0
        while done < bytes.count {
            // MSG_NOSIGNAL: a server that hung up is an error here, not SIGPIPE for the process
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + done, $0.count - done, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw SMTPFailure(.timedOut, "the server took nothing for too long") }
                throw SMTPFailure(.closed, "the connection broke: \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = recv(fd, buffer.baseAddress, buffer.count, 0)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { throw SMTPFailure(.timedOut, "no answer") }
            throw SMTPFailure(.closed, "the connection broke: \(String(cString: strerror(errno)))")
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fd)
    }
}

/// A local MTA's SMTP on its stdin and stdout (`sendmail -bs`): the program started by `/bin/sh`
/// in a process group of its own, each read and write bounded by the time limit; closing ends
/// its input, gives it a moment to finish, then ends its group.
final class ProcessStream: SMTPStream {
    private let pid: pid_t
    private let toProgram: Int32
    private let fromProgram: Int32
    private let timeout: Double
    private var closed = false

    private init(pid: pid_t, toProgram: Int32, fromProgram: Int32, timeout: Double) {
        (self.pid, self.toProgram, self.fromProgram, self.timeout) = (pid, toProgram, fromProgram, timeout)
    }
    deinit { close() }

    /// `command` run by `/bin/sh -c`, its stderr discarded (what it has to say comes as replies).
    static func start(_ command: String, environment: [String: String], timeout: Double) throws -> ProcessStream {
        var input: [Int32] = [-1, -1], output: [Int32] = [-1, -1]
        // close-on-exec before any other sender's program can be started with them (each
        // spawn takes the same lock): an MTA must see its input end when we close it
        let made: Bool = Command.spawning.withLock {
            guard pipe(&input) == 0 else { return false }
            guard pipe(&output) == 0 else {
                Glibc.close(input[0])
                Glibc.close(input[1])
                return false
            }
            for fd in input + output { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            return true
        }
        guard made else { throw SMTPFailure(.unreachable, "no pipe: \(String(cString: strerror(errno)))") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        let spawned = Command.spawn(&pid, ["/bin/sh", "-c", command, "sh"], actions: &actions, environment: environment)
        Glibc.close(input[0])
        Glibc.close(output[1])
        guard spawned == 0 else {
            Glibc.close(input[1])
            Glibc.close(output[0])
            throw SMTPFailure(.unreachable, "cannot run /bin/sh: \(String(cString: strerror(spawned)))")
        }
        // a program that stops reading must not hold a write forever
        _ = fcntl(input[1], F_SETFL, fcntl(input[1], F_GETFL) | O_NONBLOCK)
        return ProcessStream(pid: pid, toProgram: input[1], fromProgram: output[0], timeout: timeout)
    }

    /// Whether `fd` is ready for `events` within the time limit.
    private func ready(_ fd: Int32, _ events: Int32) throws -> Bool {
        var wait = pollfd(fd: fd, events: Int16(events), revents: 0)
        while true {
            let r = poll(&wait, 1, Int32(timeout * 1000))
            if r < 0 && errno == EINTR { continue }
            if r < 0 { throw SMTPFailure(.closed, "the program's pipe broke: \(String(cString: strerror(errno)))") }
            return r == 1
        }
    }

    func write(_ bytes: [UInt8]) throws {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(toProgram, $0.baseAddress! + done, $0.count - done) }
            if n >= 0 {
                done += n
                continue
            }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                guard try ready(toProgram, Int32(POLLOUT)) else { throw SMTPFailure(.timedOut, "the program took nothing for too long") }
                continue
            }
            // EPIPE (SIGPIPE is held off while we talk): the program ended
            throw SMTPFailure(.closed, "the program stopped reading: \(String(cString: strerror(errno)))")
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard try ready(fromProgram, Int32(POLLIN)) else { throw SMTPFailure(.timedOut, "no answer") }
        while true {
            let n = Glibc.read(fromProgram, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw SMTPFailure(.closed, "the program's output broke: \(String(cString: strerror(errno)))")
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(toProgram)
        Glibc.close(fromProgram)
        _ = Command.reap(pid, grace: 2)
    }
}
