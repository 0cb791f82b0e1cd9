import Foundation

/// The SMTP relay letters go through, as the settings give it: `mail.smtp` (`smtp://HOST:PORT`:
/// STARTTLS when the relay offers it; `smtps://HOST:PORT`: TLS from the first byte), the login
/// `mail.smtp_user`, the password in the file `mail.smtp_password_file` (read here, checked like
/// the configuration file and readable by nobody outside its group; never in argv, an
/// environment variable's value or the database), and the CA certificates of `mail.smtp_ca_file`
/// (else the system's store). All of them come from an option, the environment or
/// /etc/mygaz-admin.conf, never from the database.
public struct SMTPRelay: Sendable {
    public enum Security: Sendable { case startTLS, implicitTLS }

    public let host: String
    public let port: Int
    public let security: Security
    public var user: String?
    public var password: String?
    public var caFile: String?

    /// `smtp://relay.example:587`: what messages show of it (no login, no password).
    public var shown: String {
        (security == .implicitTLS ? "smtps://" : "smtp://") + (host.contains(":") ? "[\(host)]" : host) + ":\(port)"
    }

    /// A password more than this is not a password file.
    static let maxPasswordBytes = 1024

    /// Reads `mail.smtp` (nil: not set, letters go through `mail.sendmail`) and the settings that
    /// go with it. A value that is not a relay's address is exit 6 naming it; a password file
    /// others may read or change is exit 7.
    public static func configured(option: String?, environment: [String: String]) throws -> SMTPRelay? {
        guard let text = try Settings.command(.smtp, option: ("--smtp", option), environment: environment).value else { return nil }
        var relay = try parse(text)
        relay.user = try Settings.command(.smtpUser, environment: environment).value
        relay.caFile = try Settings.command(.smtpCAFile, environment: environment).value
        if let file = try Settings.command(.smtpPasswordFile, environment: environment).value {
            guard relay.user != nil else { throw MyGazError(.invalidData, .smtpPasswordWithoutUser, .text(file)) }
            relay.password = try password(file: file)
        }
        if let caFile = relay.caFile {
            // whoever may change it chooses whom the relay's certificate may come from
            guard try ConfigFile.readTrusted(caFile, maxBytes: 4 << 20, unsafe: .trustedFileUnsafe) != nil else {
                throw MyGazError(.database, .smtpFileMissing, .text(caFile), .text(SettingKey.smtpCAFile.rawValue))
            }
        }
        return relay
    }

    /// `smtp://HOST[:PORT]` (port 25 unless given) or `smtps://HOST[:PORT]` (465); HOST a name,
    /// an IPv4 address or an IPv6 address in brackets. No login or password in it.
    public static func parse(_ text: String) throws -> SMTPRelay {
        func refused() -> MyGazError { MyGazError.invalid(.smtpRelayBad, .text(text)) }
        let security: Security
        var rest: Substring
        if text.lowercased().hasPrefix("smtp://") {
            security = .startTLS
            rest = text.dropFirst(7)
        } else if text.lowercased().hasPrefix("smtps://") {
            security = .implicitTLS
            rest = text.dropFirst(8)
        } else {
            throw refused()
        }
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.contains("@") else { throw MyGazError.invalid(.smtpRelayWithLogin, .text(UntrustedText.visible(String(text.prefix(8))) + "…")) }
        var host: Substring, portText: Substring?
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw refused() }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let after = rest[rest.index(after: close)...]
            if after.isEmpty { portText = nil } else if after.hasPrefix(":") { portText = after.dropFirst() } else { throw refused() }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { throw refused() }
        } else {
            let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else { throw refused() }
            host = parts[0]
            portText = parts.count == 2 ? parts[1] : nil
            guard !host.isEmpty, host.count <= 253,
                  host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }) else { throw refused() }
        }
        var port = security == .implicitTLS ? 465 : 25
        if let portText {
            guard let n = Int(portText), (1...65535).contains(n), portText.allSatisfy(\.isASCII) else { throw refused() }
            port = n
        }
        return SMTPRelay(host: String(host).lowercased(), port: port, security: security)
    }

    public init(host: String, port: Int, security: Security, user: String? = nil, password: String? = nil, caFile: String? = nil) {
        self.host = host
        self.port = port
        self.security = security
        self.user = user
        self.password = password
        self.caFile = caFile
    }

    /// The password in `file`: its first line. The file is refused (exit 7) when anyone but root
    /// or this login owns it or may change it or its directory, or when others may read it.
    public static func password(file: String) throws -> String {
        guard let bytes = try ConfigFile.readTrusted(file, maxBytes: maxPasswordBytes, secret: true, unsafe: .trustedFileUnsafe) else {
            throw MyGazError(.database, .smtpFileMissing, .text(file), .text(SettingKey.smtpPasswordFile.rawValue))
        }
        guard let text = String(bytes: bytes, encoding: .utf8) else { throw MyGazError(.invalidData, .configFileNotText, .text(file)) }
        // its first line ("\r\n" is one Character)
        let line = String(text.prefix { $0 != "\n" && $0 != "\r\n" && $0 != "\r" })
        guard !line.isEmpty, !line.unicodeScalars.contains(where: UntrustedText.needsEscape) else {
            throw MyGazError(.invalidData, .configFileNotText, .text(file))
        }
        return line
    }
}
