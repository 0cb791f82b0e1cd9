import COpenSSL
import Foundation

/// TLS over a connected socket, through OpenSSL: TLS 1.2 at least, the server's certificate
/// verified against the system's CA store or the given CA file, and its name checked against
/// the host we asked for (a name, or an IP address). A certificate that does not verify ends
/// the handshake with OpenSSL's reason.
final class TLSStream: SMTPStream {
    private let socket: SocketStream
    private let context: OpaquePointer
    private let ssl: OpaquePointer
    private var closed = false
    /// The handshake is done: there is a TLS session to close.
    private var connected = false

    init(over socket: SocketStream, host: String, caFile: String?) throws {
        self.socket = socket
        guard let context = SSL_CTX_new(TLS_client_method()) else { throw SMTPFailure(.tls, "TLS: " + TLSStream.errors()) }
        self.context = context
        guard mygaz_ssl_ctx_require_tls12(context) == 1 else {
            SSL_CTX_free(context)
            throw SMTPFailure(.tls, "TLS: " + TLSStream.errors())
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        let loaded = caFile.map { SSL_CTX_load_verify_locations(context, $0, nil) } ?? SSL_CTX_set_default_verify_paths(context)
        guard loaded == 1 else {
            let why = TLSStream.errors()
            SSL_CTX_free(context)
            throw SMTPFailure(.tls, "cannot load the CA certificates\(caFile.map { " of \($0)" } ?? ""): \(why)")
        }
        guard let ssl = SSL_new(context) else {
            SSL_CTX_free(context)
            throw SMTPFailure(.tls, "TLS: " + TLSStream.errors())
        }
        self.ssl = ssl
        // the name the certificate must carry: an address is matched as an address
        var v4 = in_addr(), v6 = in6_addr()
        let isAddress = inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
        let named = isAddress ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host) : SSL_set1_host(ssl, host)
        if !isAddress { _ = mygaz_ssl_set_server_name(ssl, host) }
        // from here on a failure is freed by deinit (all is initialised)
        guard named == 1, SSL_set_fd(ssl, socket.fd) == 1 else { throw SMTPFailure(.tls, "TLS: " + TLSStream.errors()) }
        ERR_clear_error()
        let done = SSL_connect(ssl)
        guard done == 1 else {
            let verdict = SSL_get_verify_result(ssl)
            let why = verdict != X509_V_OK
                ? "the server's certificate does not verify: " + String(cString: X509_verify_cert_error_string(verdict))
                : TLSStream.failure(ssl, done, during: "the TLS handshake")
            throw SMTPFailure(.tls, why)
        }
        connected = true
    }

    deinit {
        close()
        SSL_free(ssl)
        SSL_CTX_free(context)
    }

    func write(_ bytes: [UInt8]) throws {
        var done = 0
        while done < bytes.count {
            ERR_clear_error()
            let n = bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress! + done, Int32(min($0.count - done, Int(Int32.max)))) }
            guard n > 0 else { throw SMTPFailure(TLSStream.timedOut(ssl, n) ? .timedOut : .closed, TLSStream.failure(ssl, n, during: "sending")) }
            done += Int(n)
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        ERR_clear_error()
        let n = SSL_read(ssl, buffer.baseAddress, Int32(min(buffer.count, Int(Int32.max))))
        if n > 0 { return Int(n) }
        if SSL_get_error(ssl, n) == SSL_ERROR_ZERO_RETURN { return 0 }
        throw SMTPFailure(TLSStream.timedOut(ssl, n) ? .timedOut : .closed, TLSStream.failure(ssl, n, during: "reading"))
    }

    func close() {
        guard !closed else { return }
        closed = true
        if connected { _ = SSL_shutdown(ssl) }
        socket.close()
    }

    /// A read or write that ran into the socket's time limit.
    private static func timedOut(_ ssl: OpaquePointer, _ result: Int32) -> Bool {
        let code = SSL_get_error(ssl, result)
        return (code == SSL_ERROR_SYSCALL || code == SSL_ERROR_WANT_READ || code == SSL_ERROR_WANT_WRITE) && (errno == EAGAIN || errno == EWOULDBLOCK)
    }

    private static func failure(_ ssl: OpaquePointer, _ result: Int32, during what: String) -> String {
        let code = SSL_get_error(ssl, result)
        let queued = errors()
        if !queued.isEmpty { return "TLS failed during \(what): \(queued)" }
        if code == SSL_ERROR_SYSCALL {
            return errno == 0 || errno == EAGAIN ? "the connection ended during \(what)" : "TLS failed during \(what): \(String(cString: strerror(errno)))"
        }
        return "TLS failed during \(what) (SSL error \(code))"
    }

    /// OpenSSL's queued errors, in its words.
    private static func errors() -> String {
        var texts: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            texts.append(String(cBuffer: buffer))
        }
        return texts.joined(separator: "; ")
    }
}
