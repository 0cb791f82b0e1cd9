import Foundation

/// Copies the WAL into the database on its own connection while the import goes on
/// writing: a checkpoint holds no write lock, and neither the import nor the portal
/// waits for it. Requests made while one runs are merged into the next.
final class BackgroundCheckpointer: @unchecked Sendable {
    private let db: Database
    private let queue = DispatchQueue(label: "mygaz.import.checkpoint")
    private let lock = NSLock()
    private var running = false

    init(path: String) throws {
        db = try Database(path: path, mode: .readWrite, busyTimeoutMs: 0)
    }

    func request() {
        lock.lock()
        defer { lock.unlock() }
        if running { return }
        running = true
        queue.async {
            try? self.db.checkpoint(.passive)
            self.lock.lock()
            self.running = false
            self.lock.unlock()
        }
    }

    func finish() { queue.sync {} }
}

/// SHA-256 on another core while this one parses: the file is read once.
final class BackgroundHasher: @unchecked Sendable {
    private var hasher = SHA256()
    private let queue = DispatchQueue(label: "mygaz.import.sha256")

    func update(_ chunk: UnsafeBufferPointer<UInt8>) {
        let copy = [UInt8](chunk)
        queue.async { copy.withUnsafeBytes { self.hasher.update($0) } }
    }

    func finish() -> String {
        queue.sync { hasher.finishHex() }
    }
}
