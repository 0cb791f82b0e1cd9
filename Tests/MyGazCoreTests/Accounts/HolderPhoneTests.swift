import EngineHarness
import Foundation
import Testing
@testable import MyGazCore

/// The holder's phone changed at the desk (issue 39 §1), against the RGK's accounts file, on both engines.
@Suite struct HolderPhoneTests {
    @Test func theDocumentKeepsItsLastFourDigits() {
        #expect(HolderPhone.masked("паспорт 1234 567890") == "паспорт **** **7890")
        #expect(HolderPhone.masked("  в/у 12 34 ") == "в/у 12 34")
        #expect(HolderPhone.masked("паспорт") == "паспорт")
        #expect(HolderPhone.masked(" \n ") == nil)
    }

    /// An RGK, an account with a phone, and an accounts file of `phone` for it.
    static func fixture(_ engine: TestEngine) throws -> (t: TestDB, ref: AccountRef) {
        let t = try TestDB(engine: engine)
        let rgk = try t.rgk("vologda")
        let id = try t.account(rgk: rgk, "70000021")
        try t.db.run("UPDATE account SET phone = '+79115550011' WHERE id = ?", id)
        return (t, try AccountRef.byID(t.db, id))
    }

    static func importPhone(_ t: TestDB, _ phone: String, asOf: String) throws -> ImportReport {
        let file = t.dir.file("accounts-\(UUID().uuidString).csv")
        try "РГК;Лицевой счет;Телефон\nvologda;70000021;\(phone)\n".write(toFile: file, atomically: true, encoding: .utf8)
        var options = ImportOptions(kind: .accounts)
        options.asOf = Timestamp.parse(asOf)
        return try Importer.run(t.session, options, file: file)
    }

    @Test(arguments: TestEngine.all) func aFileOlderThanTheDeskChangeDoesNotUndoIt(_ engine: TestEngine) throws {
        let (t, ref) = try Self.fixture(engine)
        let change = try HolderPhone.set(t.session, ref, phone: "8 921 555-01-02", document: "паспорт 1900 123456")
        #expect(change.old == "+79115550011" && change.new == "+79215550102")
        #expect(change.told.map(\.recipient).sorted() == ["+79115550011", "+79215550102"])
        // the desk's change was made at the clock's now; the file speaks of a day before it
        let before = Timestamp.iso(t.now - 86_400)
        let report = try Self.importPhone(t, "+79115550011", asOf: before)
        #expect(report.phoneConflicts.map(\.filePhone) == ["+79115550011"] && report.phoneConflicts.first?.deskPhone == "+79215550102")
        #expect(try t.db.scalarString("SELECT phone FROM account WHERE id = ?", ref.id) == "+79215550102")
        #expect(try t.db.scalarString("SELECT as_of FROM import_batch WHERE id = ?", report.batchID) == before)
        #expect(try HolderPhone.conflicts(t.db, rgk: "vologda").map(\.account) == ["70000021"])
        // a file that agrees with the desk is no conflict; the open one stays until a clerk settles it
        let agrees = try Self.importPhone(t, "8 921 555 01 02", asOf: before)
        #expect(agrees.phoneConflicts.isEmpty)
        #expect(try HolderPhone.conflicts(t.db, rgk: nil).count == 1)
        // the desk's phone confirmed: settled for the desk, nothing sent again
        #expect(try HolderPhone.set(t.session, ref, phone: "+79215550102", document: "паспорт 1900 123456").told.isEmpty)
        #expect(try HolderPhone.conflicts(t.db, rgk: nil).isEmpty)
        #expect(try t.count("audit", "action = 'account.keep_desk_phone'") == 1)
        #expect(throws: MyGazError.self) { try HolderPhone.acceptFile(t.session, ref) }
        // exported once: the second time, nothing new
        #expect(try HolderPhone.toExport(t.db, rgk: "vologda", since: nil).map(\.phone) == ["+79215550102"])
        try HolderPhone.markExported(t.session, try HolderPhone.toExport(t.db, rgk: "vologda", since: nil).map(\.id), rgk: "vologda")
        #expect(try HolderPhone.toExport(t.db, rgk: "vologda", since: nil).isEmpty)
        #expect(try HolderPhone.toExport(t.db, rgk: "vologda", since: t.now - 60).count == 1)
    }

    @Test(arguments: TestEngine.all) func aNewerFileWinsAndAcceptFileSettlesAConflict(_ engine: TestEngine) throws {
        let (t, ref) = try Self.fixture(engine)
        _ = try HolderPhone.set(t.session, ref, phone: "+79215550102", document: "паспорт 1900 123456")
        let newer = try Self.importPhone(t, "+79115550099", asOf: Timestamp.iso(t.now + 86_400))
        #expect(newer.phoneConflicts.isEmpty)
        #expect(try t.db.scalarString("SELECT phone FROM account WHERE id = ?", ref.id) == "+79115550099")
        #expect(try t.db.scalarString("SELECT state FROM account_phone_change") == "file")
        // a second desk change, then an older file: accepted in favour of the file
        _ = try HolderPhone.set(t.session, ref, phone: "+79215550103", document: "паспорт 1900 123456")
        #expect(try Self.importPhone(t, "+79115550099", asOf: Timestamp.iso(t.now - 86_400)).phoneConflicts.count == 1)
        let accepted = try HolderPhone.acceptFile(t.session, ref)
        #expect(accepted.new == "+79115550099")
        #expect(try t.db.scalarString("SELECT phone FROM account WHERE id = ?", ref.id) == "+79115550099")
        #expect(try t.db.query("SELECT state FROM account_phone_change ORDER BY id").map { try $0.string("state") } == ["file", "file"])
    }

    /// Two clerks settling the same conflict at the same instant: one wins, the other is told
    /// there is nothing left to settle (exit 4), and the phone is the file's once.
    @Test(.enabled(if: PGServer.available)) func twoClerksAcceptingTheFileAtOnce() throws {
        let (t, ref) = try Self.fixture(.postgresql)
        _ = try HolderPhone.set(t.session, ref, phone: "+79215550102", document: "паспорт 1900 123456")
        _ = try Self.importPhone(t, "+79115550011", asOf: Timestamp.iso(t.now - 86_400))
        let other = try Engines.open(t.path, purpose: .use, busyTimeoutMs: 2000)
        let watcher = try Engines.open(t.path, purpose: .use, busyTimeoutMs: 2000)
        let pid = try #require(try other.scalarInt("SELECT pg_backend_pid()"))
        let desk = Session(db: other, login: "second-clerk")
        var first: Result<HolderPhone.Change, any Error>?
        let second = try t.db.write {
            first = Result { try HolderPhone.acceptFile(t.session, ref) }
            let second = SecondWriter { try HolderPhone.acceptFile(desk, ref) }
            let waited = try second.waitedForALock(pid: pid, watcher: watcher)
            #expect(waited, "the second clerk did not wait for the first")
            return second
        }
        #expect(try #require(first).get().new == "+79115550011")
        let outcome = second.outcome
        let refused: MyGazError? = { if case .failure(let error) = outcome { return error as? MyGazError }; return nil }()
        #expect(refused?.status == .conflict && refused?.message.key == .phoneNoConflict, "the second clerk: \(outcome)")
        #expect(try t.count("audit", "action = 'account.accept_file_phone'") == 1)
    }
}
