import Foundation
import Testing
@testable import MyGazCore

/// The programs to run: from an option, the environment or a file nobody else may change —
/// never from the shared database.
@Suite struct ConfigFileTests {
    /// A directory only this login may change, with `text` in `mygaz-admin.conf` (mode 0644).
    static func file(_ text: String, bytes: [UInt8]? = nil, mode: mode_t = 0o644, directoryMode: mode_t = 0o755) -> (TempDir, String) {
        let dir = TempDir()
        let path = dir.file("mygaz-admin.conf")
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes ?? Array(text.utf8)))
        chmod(path, mode)
        chmod(dir.path, directoryMode)
        return (dir, path)
    }

    static func error(_ body: () throws -> Void) -> MyGazError? {
        do { try body() } catch let error as MyGazError { return error } catch { Issue.record("not a MyGazError: \(error)") }
        return nil
    }

    @Test func keyValueLinesCommentsAndBlankLines() throws {
        let (dir, path) = Self.file("# the programs to run\n\nmail.sendmail = /usr/sbin/sendmail -i -t\r\n  print.command=lp -d hall  \n# sms.command = none\n")
        let file = try #require(try ConfigFile.load(path))
        #expect(file.values == [.sendmail: "/usr/sbin/sendmail -i -t", .printCommand: "lp -d hall"])
        #expect(file.path == path)
        _ = dir
    }

    @Test func noFileIsNoValues() throws {
        #expect(try ConfigFile.load("/nonexistent/mygaz-admin.conf") == nil)
        #expect(try Settings.command(.printCommand, environment: ["MYGAZ_CONFIG": "/nonexistent/mygaz-admin.conf"]).value == "lp")
        #expect(try Settings.command(.smsCommand, environment: ["MYGAZ_CONFIG": "/nonexistent/mygaz-admin.conf"]).value == nil)
        let resolved = try Settings.command(.sendmail, environment: ["MYGAZ_CONFIG": "/nonexistent/mygaz-admin.conf"])
        #expect(resolved.value == "/usr/sbin/sendmail -i -t" && resolved.source == .default)
    }

    @Test func theOptionThenTheEnvironmentThenTheFileThenTheDefault() throws {
        let (dir, path) = Self.file("sms.command = /usr/local/bin/from-file\nmail.sendmail = /usr/local/bin/mail-from-file\n")
        let env = ["MYGAZ_CONFIG": path, "MYGAZ_SMS_COMMAND": "/usr/local/bin/from-env", "MYGAZ_SENDMAIL": ""]
        #expect(try Settings.command(.smsCommand, option: ("--sms-command", "/opt/from-option"), environment: env)
                    == ("/opt/from-option", .option("--sms-command")))
        #expect(try Settings.command(.smsCommand, option: ("--sms-command", nil), environment: env) == ("/usr/local/bin/from-env", .environment("MYGAZ_SMS_COMMAND")))
        // an empty variable is no variable
        #expect(try Settings.command(.sendmail, environment: env) == ("/usr/local/bin/mail-from-file", .file(path)))
        #expect(try Settings.command(.printCommand, environment: env) == ("lp", .default))
        _ = dir
    }

    @Test func aCommandInTheDatabaseIsNeverRead() throws {
        let t = try TestDB()
        try t.db.run("INSERT INTO setting (key, value, updated_at, updated_by) VALUES ('print.command', 'id > /tmp/planted', 'x', 'root')")
        let env = ["MYGAZ_CONFIG": "/nonexistent/mygaz-admin.conf"]
        #expect(try Settings.command(.printCommand, environment: env) == ("lp", .default))
        let listed = try #require(try Settings.list(t.db, environment: env).first { $0.key == .printCommand })
        #expect(listed.value == "lp" && listed.source == .default)
        #expect(try Settings.ignoredRows(t.db).map(\.key) == [.printCommand])
        #expect(Self.error { _ = try Settings.get(t.db, .printCommand) }?.status == .usage)
        // set refuses a command; without a value it takes the row away
        let refused = Self.error { try Settings.set(t.session, .printCommand, "cat > /tmp/x", environment: env) }
        #expect(refused?.status == .usage && refused?.message.key == .settingNotStored, "\(String(describing: refused))")
        #expect(try Settings.set(t.session, .printCommand, nil, environment: env))
        #expect(try t.count("setting", "key = 'print.command'") == 0)
        // the other settings stay in the database
        #expect(try Settings.set(t.session, .ticketAnswerDays, "10"))
        #expect(try Settings.value(t.db, .ticketAnswerDays, environment: env).source == .database)
    }

    @Test func aFileOthersCouldChangeIsRefused() throws {
        for mode: mode_t in [0o664, 0o646, 0o666] {
            let (dir, path) = Self.file("print.command = lp\n", mode: mode)
            let error = Self.error { _ = try ConfigFile.load(path) }
            #expect(error?.status == .permission && error?.message.key == .configFileUnsafe, "mode \(String(mode, radix: 8)): \(String(describing: error))")
            _ = dir
        }
        let (dir, path) = Self.file("print.command = lp\n", directoryMode: 0o777)
        let error = Self.error { _ = try ConfigFile.load(path) }
        #expect(error?.status == .permission && error?.message.key == .configDirectoryUnsafe, "\(String(describing: error))")
        #expect(error?.message.args.contains(.text(dir.path)) == true)
        // through a link, or not a file
        let (other, target) = Self.file("print.command = lp\n")
        let link = other.file("link.conf")
        symlink(target, link)
        #expect(Self.error { _ = try ConfigFile.load(link) }?.message.key == .configFileNotRegular)
        #expect(Self.error { _ = try ConfigFile.load(other.path) }?.message.key == .configFileNotRegular)
    }

    @Test(.enabled(if: geteuid() == 0, "changing a file's owner needs root"))
    func aFileOfAnotherLoginIsRefused() throws {
        let (dir, path) = Self.file("print.command = lp\n")
        chown(path, 65534, 65534)
        let error = Self.error { _ = try ConfigFile.load(path) }
        #expect(error?.status == .permission && error?.message.key == .configFileUnsafe, "\(String(describing: error))")
        chown(path, 0, 0)
        chown(dir.path, 65534, 65534)
        #expect(Self.error { _ = try ConfigFile.load(path) }?.message.key == .configDirectoryUnsafe)
        chown(dir.path, 0, 0)
    }

    @Test func aLineThatIsNotAKeyValueOfAProgramIsNamed() throws {
        let cases: [(String, MessageKey, Int)] = [
            ("# ok\nprint.command lp\n", .configFileBadLine, 2),
            ("print.command = lp\nmail.from = abon@x.example\n", .configFileUnknownKey, 2),
            ("\n\nprinter = lp\n", .configFileUnknownKey, 3),
            ("print.command = lp\nprint.command = lpr\n", .configFileTwice, 2),
            ("sms.command =   \n", .configFileBadValue, 1),
            ("sms.command = send\u{1B}[2J\n", .configFileBadValue, 1),
        ]
        for (text, key, line) in cases {
            let (dir, path) = Self.file(text)
            let error = Self.error { _ = try ConfigFile.load(path) }
            #expect(error?.status == .invalidData && error?.message.key == key, "\(text.debugDescription): \(String(describing: error))")
            #expect(error?.message.args.prefix(2) == [.text(path), .int(line)], "\(text.debugDescription): \(String(describing: error))")
            _ = dir
        }
        let (dir, path) = Self.file("", bytes: [0x70, 0xFF, 0x0A])
        #expect(Self.error { _ = try ConfigFile.load(path) }?.message.key == .configFileNotText)
        _ = dir
    }
}
