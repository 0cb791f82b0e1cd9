import Foundation
import Testing

/// The SMTP sink of bench/smtp_sink.py (Debian's python3-aiosmtpd), started for one test and
/// stopped with it: what it took is read back from its files, the letters parsed by Python's
/// `email` package, never by our own code.
final class SMTPSink {
    static let python = "/usr/bin/python3"
    /// aiosmtpd and openssl are here (Debian: python3-aiosmtpd, openssl).
    static let available: Bool = {
        E2E.exec(python, ["-c", "import aiosmtpd"]).status == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl")
    }()

    let dir: String
    let port: Int
    private let running: E2E.Running

    /// `options`: the sink's (`--pipelining`, `--starttls CERT KEY`, `--login USER:PASSWORD`…).
    init(_ t: E2E, _ options: [String] = [], name: String = "sink") {
        dir = t.dir + "/" + name
        let portFile = dir + ".port"
        running = E2E.start(SMTPSink.python, [repositoryRoot + "/bench/smtp_sink.py", "--dir", dir, "--port-file", portFile] + options)
        var port = 0
        for _ in 0..<200 {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let n = Int(text) {
                port = n
                break
            }
            usleep(50_000)
        }
        self.port = port
    }

    deinit {
        // SIGKILL: the test process may hold SIGTERM blocked, and a child inherits the mask
        kill(running.process.processIdentifier, SIGKILL)
        _ = running.finish()
    }

    func url(_ host: String = "127.0.0.1", scheme: String = "smtp") -> String { "\(scheme)://\(host):\(port)" }

    /// The sessions it has had.
    var connections: Int { Int((try? String(contentsOfFile: dir + "/connections", encoding: .utf8)) ?? "0") ?? 0 }

    /// Every RCPT TO it was asked, accepted or not.
    var recipientsAsked: [String] {
        lines(dir + "/rcpt.jsonl").compactMap { $0["to"] as? String }
    }

    /// How many messages it has taken (its log's lines, counted cheaply while a run goes).
    var lines: Int {
        (FileManager.default.contents(atPath: dir + "/log.jsonl") ?? Data()).reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
    }

    /// What its log says of each message taken: seq, connection, from, to, tls, login.
    var log: [[String: Any]] { lines(dir + "/log.jsonl") }

    private func lines(_ path: String) -> [[String: Any]] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    /// The letters taken, parsed by Python's `email` package: headers, the text, the names and
    /// sizes of attachments, and what the envelope said.
    func letters() -> [[String: String]] {
        let program = """
        import email, json, sys
        from email import policy
        out = []
        for line in open(sys.argv[1] + '/log.jsonl'):
            entry = json.loads(line)
            m = email.message_from_bytes(open(sys.argv[1] + '/%06d.eml' % entry['seq'], 'rb').read(), policy=policy.default)
            files = [p.get_filename() + ':' + str(len(p.get_content())) for p in m.iter_attachments()]
            out.append({k: str(m[k]) for k in ['From', 'To', 'Subject', 'Message-ID', 'Reply-To', 'Bcc']}
                       | {'body': (m.get_body(preferencelist=('plain',)) or m).get_content(), 'files': ' '.join(files),
                          'envelope_from': entry['from'], 'envelope_to': ' '.join(entry['to']), 'tls': str(entry['tls']),
                          'login': str(entry['login']), 'connection': str(entry['connection']),
                          'defects': str(len(m.defects))})
        print(json.dumps(out))
        """
        let r = E2E.exec(SMTPSink.python, ["-c", program, dir])
        #expect(r.status == 0, "Python could not read the sink's letters: \(r.stderr)")
        return (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8))) as? [[String: String]] ?? []
    }
}

/// A CA the test makes with `openssl`, and a certificate it signed for the server `localhost`.
struct TestCA {
    let caFile: String
    let cert: String
    let key: String

    static func make(in dir: String) -> TestCA {
        let ca = TestCA(caFile: dir + "/ca.pem", cert: dir + "/server.pem", key: dir + "/server.key")
        let ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
        let script = """
            set -e
            cd '\(dir)'
            printf 'subjectAltName=DNS:localhost\\nbasicConstraints=CA:FALSE\\nextendedKeyUsage=serverAuth\\n' > server.ext
            openssl req -x509 \(ec) -keyout ca.key -out ca.pem -days 2 -subj '/CN=mygaz test CA' \
                -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' 2>/dev/null
            openssl req \(ec) -keyout server.key -out server.csr -subj '/CN=localhost' 2>/dev/null
            openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 2 -extfile server.ext 2>/dev/null
            chmod 644 ca.pem
            """
        let r = E2E.sh(script)
        #expect(r.status == 0, "openssl could not make the test's CA: \(r)")
        return ca
    }
}
