import Foundation
@testable import MyGazCore

/// A temporary directory removed when the value goes away; one per test (tests run in parallel).
final class TempDir {
    let path: String

    init() {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("mygaz-core-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        path = base.path
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    func file(_ name: String) -> String { path + "/" + name }
}

/// A migrated database with the test's login registered as admin.
final class TestDB {
    let dir = TempDir()
    let db: Database
    let session: Session
    var now: Int64

    init(login: String = "tester", now: Int64 = 1_784_000_000) throws {
        self.now = now
        db = try DatabaseFile.open(path: dir.file("test.db"), purpose: .initialise, busyTimeoutMs: 2000)
        try DatabaseFile.migrate(db)
        let box = NowBox(now)
        session = Session(db: db, login: login, clock: Clock { box.value })
        clockBox = box
        try Operators.bootstrap(session)
    }

    private let clockBox: NowBox

    /// Moves the session's clock.
    func advance(seconds: Int64) { clockBox.value += seconds }

    var path: String { db.path }

    func count(_ table: String, _ condition: String = "1") throws -> Int {
        try db.scalarInt("SELECT count(*) FROM \(table) WHERE \(condition)") ?? -1
    }
}

final class NowBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Int64
    init(_ value: Int64) { stored = value }
    var value: Int64 {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
}
