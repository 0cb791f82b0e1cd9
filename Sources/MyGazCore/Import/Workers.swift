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

/// `transform` of every element, on every core; the results in order.
func parallelMap<T: Sendable, R: Sendable>(_ items: [T], _ transform: @Sendable (T) -> R) -> [R] {
    var results = [R?](repeating: nil, count: items.count)
    // each iteration writes its own slot of a buffer allocated before: no two touch the same memory
    results.withUnsafeMutableBufferPointer { buffer in
        nonisolated(unsafe) let out = buffer
        DispatchQueue.concurrentPerform(iterations: items.count) { out[$0] = transform(items[$0]) }
    }
    return results.map { $0! }
}
