import Foundation
import Testing
@testable import MyGazCore

/// The relay's settings as read (issue 40): its address, its password file, and a letter as
/// DATA carries it. The conversation itself is proved against aiosmtpd (SMTPDeliveryTests).
@Suite struct SMTPRelayTests {
    @Test func aRelayIsSMTPOrSMTPSWithAHostAndAPortAndNoLogin() throws {
        let plain = try SMTPRelay.parse("smtp://Relay.Example:587")
        #expect(plain.host == "relay.example" && plain.port == 587 && plain.security == .startTLS && plain.shown == "smtp://relay.example:587")
        let implicit = try SMTPRelay.parse("smtps://relay.example/")
        #expect(implicit.port == 465 && implicit.security == .implicitTLS)
        #expect(try SMTPRelay.parse("smtp://10.0.0.5").port == 25)
        let v6 = try SMTPRelay.parse("smtp://[::1]:2525")
        #expect(v6.host == "::1" && v6.port == 2525 && v6.shown == "smtp://[::1]:2525")
        for bad in ["http://relay.example", "relay.example:25", "smtp://", "smtp://relay.example:0", "smtp://relay.example:65536",
                    "smtp://relay.example:25x", "smtp://relay example", "smtp://relay.example/path", "smtp://relay.example:25:26",
                    "smtp://[::1", "smtp://relay\r\n.example"] {
            #expect(ConfigFileTests.error { _ = try SMTPRelay.parse(bad) }?.message.key == .smtpRelayBad, "\(bad)")
        }
        // a login in the address would show its password in ps and config list: refused, and not repeated
        let login = ConfigFileTests.error { _ = try SMTPRelay.parse("smtp://bills:secret@relay.example:587") }
        #expect(login?.message.key == .smtpRelayWithLogin && login?.status == .invalidData)
        let said = "\(login?.message.args ?? [])"
        #expect(!said.contains("secret"), "\(said)")
    }

    @Test func thePasswordFileIsReadOnlyWhenNobodyElseMayReadOrChangeIt() throws {
        let (dir, path) = ConfigFileTests.file("s3cret pass\nignored second line\n", mode: 0o600)
        #expect(try SMTPRelay.password(file: path) == "s3cret pass")
        chmod(path, 0o640)
        #expect(try SMTPRelay.password(file: path) == "s3cret pass", "its group may read it")
        for mode: mode_t in [0o644, 0o604, 0o660, 0o602] {
            chmod(path, mode)
            let refused = ConfigFileTests.error { _ = try SMTPRelay.password(file: path) }
            #expect(refused?.status == .permission && refused?.message.key == .trustedFileUnsafe, "mode \(String(mode, radix: 8))")
        }
        chmod(path, 0o600)
        chmod(dir.path, 0o777)
        #expect(ConfigFileTests.error { _ = try SMTPRelay.password(file: path) }?.message.key == .configDirectoryUnsafe)
        chmod(dir.path, 0o755)
        let link = dir.file("link")
        symlink(path, link)
        #expect(ConfigFileTests.error { _ = try SMTPRelay.password(file: link) }?.message.key == .configFileNotRegular)
        #expect(ConfigFileTests.error { _ = try SMTPRelay.password(file: dir.file("none")) }?.message.key == .smtpFileMissing)
        let (other, empty) = ConfigFileTests.file("\n", mode: 0o600)
        #expect(ConfigFileTests.error { _ = try SMTPRelay.password(file: empty) }?.status == .invalidData)
        _ = other
    }

    @Test func theRelaySettingsComeFromTheFileNeverTheDatabase() throws {
        let (dir, password) = ConfigFileTests.file("pw\n", mode: 0o600)
        let config = dir.file("mygaz-admin.conf.relay")
        _ = FileManager.default.createFile(atPath: config, contents: Data("""
            mail.smtp = smtp://relay.example:587
            mail.smtp_user = bills@gaz.example
            mail.smtp_password_file = \(password)

            """.utf8))
        chmod(config, 0o644)
        let relay = try #require(try SMTPRelay.configured(option: nil, environment: ["MYGAZ_CONFIG": config]))
        #expect(relay.host == "relay.example" && relay.user == "bills@gaz.example" && relay.password == "pw" && relay.caFile == nil)
        let option = try #require(try SMTPRelay.configured(option: "smtps://other.example", environment: ["MYGAZ_CONFIG": config]))
        #expect(option.host == "other.example" && option.security == .implicitTLS, "the option wins")
        #expect(try SMTPRelay.configured(option: nil, environment: ["MYGAZ_CONFIG": "/nonexistent/mygaz-admin.conf"]) == nil)
        #expect(SettingKey.smtp.isCommand && SettingKey.smtpPasswordFile.isCommand, "never kept in the database")
    }

    @Test func aLetterAsDATACarriesIt() {
        let data = SMTPSession.data(".first\nmiddle\n.\n..two\rend")
        // a bare CR never goes out (no line ends but CRLF on the wire)
        #expect(String(decoding: data, as: UTF8.self) == "..first\r\nmiddle\r\n..\r\n...twoend\r\n.\r\n")
        #expect(String(decoding: SMTPSession.data("a\n"), as: UTF8.self) == "a\r\n.\r\n")
    }
}
