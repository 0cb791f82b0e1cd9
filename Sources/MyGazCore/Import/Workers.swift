import CSystem
import Foundation

/// Copies the WAL into the database on its own connection while the import goes on
/// writing: a checkpoint holds no write lock, and neither the import nor the portal
/// waits for it. Requests made while one runs are merged into the next.
final class BackgroundCheckpointer: @unchecked Sendable {
    private let db: Database
    private let queue = DispatchQueue(label: "mygaz.import.checkpoint")
    private let lock = NSLock()
    private var running = false
    private let checkpoint: (Database) throws -> Void

    private let walPath: String
    private var wal: Int32 = -1

    /// `checkpoint` is a passive checkpoint on the checkpointer's connection; tests put a
    /// write of another connection around it.
    init(path: String, checkpoint: @escaping (Database) throws -> Void = { try $0.checkpoint(.passive) }) throws {
        db = try Database(path: path, mode: .readWrite, busyTimeoutMs: 0)
        walPath = path + "-wal"
        self.checkpoint = checkpoint
    }

    deinit { if wal >= 0 { close(wal) } }

    /// The WAL's new frames written to disk now, on the checkpointer's thread, the lock free: a
    /// portal that commits with synchronous=FULL syncs the WAL, and would otherwise wait for every
    /// frame the import wrote since the last checkpoint (commits of 20–78 ms measured).
    func syncWAL() {
        unlessRunning {
            if self.wal < 0 { self.wal = open(self.walPath, O_RDONLY | O_CLOEXEC) }
            if self.wal >= 0 { _ = fdatasync(self.wal) }
        }
    }

    func request() {
        unlessRunning { try? self.checkpoint(self.db) }
    }

    /// `work` on the checkpointer's thread, unless a sync or checkpoint is under way there.
    private func unlessRunning(_ work: @escaping @Sendable () -> Void) {
        lock.lock()
        defer { lock.unlock() }
        if running { return }
        running = true
        queue.async {
            work()
            self.lock.lock()
            self.running = false
            self.lock.unlock()
        }
    }

    /// A checkpoint now, waited for (none is started if one is running: it is waited for instead).
    func now() {
        queue.sync {
            try? self.checkpoint(self.db)
        }
    }

    /// The whole WAL copied, so that the next writer starts it over: a checkpoint waited for, then
    /// — holding `db`'s write lock a moment — the few frames another writer (the portal) added
    /// while it ran. Without the second, no checkpoint ever ended with the WAL's last frame and
    /// the WAL grew to 1 GB during 1.3M services. Where the lock is taken (the portal is writing)
    /// it is not waited for, and a failure only means the WAL starts over later.
    func copyEverything(holdingLockOf db: Database) {
        now()
        _ = try? db.writeIfFree { now() }
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

/// Threads for work that must not slow the import's writer: one per core, each at a lower
/// scheduling priority (nice 10), so that the writing thread — which holds the portal's
/// write lock while it writes — gets a core whenever it has work, and the hashing fills the rest.
final class BackgroundPool: @unchecked Sendable {
    static let shared = BackgroundPool(threads: max(1, ProcessInfo.processInfo.activeProcessorCount))

    private let condition = NSCondition()
    private var job: ((Int) -> Void)?
    private var count = 0, next = 0, finished = 0

    private init(threads: Int) {
        for _ in 0..<threads {
            let thread = Thread { [unowned self] in
                _ = csystem_lower_thread_priority(10)
                work()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
    }

    private func work() {
        while true {
            condition.lock()
            while job == nil || next >= count { condition.wait() }
            let index = next
            next += 1
            let body = job!
            condition.unlock()
            body(index)
            condition.lock()
            finished += 1
            if finished == count { condition.broadcast() }
            condition.unlock()
        }
    }

    /// Runs `body(0..<count)` on the pool and waits for all of them; one job at a time.
    func run(_ count: Int, _ body: @escaping (Int) -> Void) {
        guard count > 0 else { return }
        condition.lock()
        while job != nil { condition.wait() }
        job = body
        self.count = count
        next = 0
        finished = 0
        condition.broadcast()
        while finished < count { condition.wait() }
        job = nil
        condition.broadcast()
        condition.unlock()
    }
}

/// `transform` of every element on the background pool (every core, below the writer); the results in order.
func parallelMap<T: Sendable, R: Sendable>(_ items: [T], _ transform: @escaping @Sendable (T) -> R) -> [R] {
    var results = [R?](repeating: nil, count: items.count)
    // each job writes its own slot of a buffer allocated before, and `run` returns when all are done
    results.withUnsafeMutableBufferPointer { buffer in
        nonisolated(unsafe) let out = buffer
        BackgroundPool.shared.run(items.count) { out[$0] = transform(items[$0]) }
    }
    return results.map { $0! }
}
