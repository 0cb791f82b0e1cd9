import Foundation

extension Database {
    /// A long write (an import, a bulk decision) in parts that keep the portal's waits short:
    /// each part a write transaction of at most `maxSeconds` with a pause after it
    /// (`ChunkedWrite`); no automatic checkpoint, which would run inside a COMMIT holding the lock
    /// (a portal writer waited 1.2 s beside `reading accept --all-valid` in batches of 12 000):
    /// a thread of its own syncs the WAL after each part and checkpoints every 0.3 s, the lock
    /// free; and a larger page cache. `body` writes and ticks the parts; they are finished here,
    /// or rolled back from the open one when it throws (`failed` is told first, with the parts).
    /// `beforeCommit(final, secondsLeft)` writes in each part before its COMMIT.
    /// `waitsForInput`: the writer sometimes waits with the lock free (a checkpoint beside it
    /// can catch up); otherwise each checkpoint is waited for between parts, or the WAL would
    /// never start over; one every `secondsPerCheckpoint`.
    @discardableResult
    func writeInParts(maxSeconds: Double = 0.1, pauseSeconds: Double = 0.025, waitsForInput: Bool = false,
                      secondsPerCheckpoint: Double = Database.secondsPerCheckpoint,
                      beforeCommit: @escaping (_ final: Bool, _ secondsLeft: Double) throws -> Void = { _, _ in },
                      failed: (ChunkedWrite) -> Void = { _ in },
                      _ body: (ChunkedWrite) throws -> Void) throws -> ChunkedWrite {
        let checkpointer = try BackgroundCheckpointer(path: path)
        defer { checkpointer.finish() }
        var lastCheckpoint = Date()
        weak var weakParts: ChunkedWrite?
        let parts = ChunkedWrite(
            self, maxSeconds: maxSeconds, pauseSeconds: pauseSeconds, dryRun: false,
            beforeCommit: { final in try beforeCommit(final, weakParts?.secondsLeft ?? .infinity) },
            afterCommit: { [unowned self] in
                if Date().timeIntervalSince(lastCheckpoint) >= secondsPerCheckpoint {
                    lastCheckpoint = Date()
                    // a writer that never waits keeps a checkpoint beside it from ever catching up, and
                    // the WAL from starting over: it grew to 600 MB for 1.3M services, and a portal with
                    // synchronous=FULL paid for syncing it (1.9 s for one write)
                    if waitsForInput { checkpointer.request() } else { checkpointer.copyEverything(holdingLockOf: self) }
                } else {
                    checkpointer.syncWAL()
                }
            })
        weakParts = parts
        try withBulkSettings(.init(cacheKiB: 16_384, autocheckpointPages: 0)) {
            try parts.begin()
            do {
                try body(parts)
                try parts.finish()
            } catch {
                failed(parts)
                parts.abandon()
                throw error
            }
        }
        return parts
    }

    /// A checkpoint is asked for every 0.3 s of a long write: the WAL stays short, so the portal's
    /// own automatic checkpoints find little to do, and the last one is quick — and parts that end
    /// whenever the writer waits for input do not each cost a checkpoint's fsync. A writer whose
    /// rows are all over the table (a bulk decision) checkpoints after every part (0): each
    /// checkpoint's scattered writes few enough that a portal's commit, syncing its WAL behind
    /// them, waits little (up to 230 ms every 0.3 s, 130 ms after every part).
    static let secondsPerCheckpoint = 0.3
}

extension Database.ChunkedWrite {
    /// The longest one call of `writeRanges` should take: a part ends only between calls, so the
    /// items per call follow the time the last one took (kinds and machines differ).
    public static let secondsPerStatement = 0.035

    /// The items `range` written by `write`, a smaller range at a time: as many per call as take
    /// about `secondsPerStatement`, `first` to begin with, at most `most`, at least 64. After each
    /// call the part may end; `endSeconds(items)` is what ending it is expected to take with
    /// `items` more written in it.
    public func writeRanges(_ range: Range<Int>, first: Int, most: Int, secondsPerStatement: Double = secondsPerStatement,
                            endSeconds: (Int) -> Double = { _ in 0 }, _ write: (Range<Int>) throws -> Void) throws {
        var start = range.lowerBound
        var per = min(first, most)
        while start < range.upperBound {
            let slice = start..<min(start + per, range.upperBound)
            let began = DispatchTime.now().uptimeNanoseconds
            try write(slice)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
            per = Self.itemsPerCall(after: slice.count, took: seconds, most: most, target: secondsPerStatement)
            start = slice.upperBound
            try tick(slice.count, next: Double(per) * seconds / Double(slice.count) + endSeconds(per))
        }
    }

    /// The items the next call writes, after one wrote `items` in `seconds`.
    static func itemsPerCall(after items: Int, took seconds: Double, most: Int, target: Double) -> Int {
        guard seconds > 0 else { return most }
        return max(64, min(most, Int(Double(items) * target / seconds)))
    }
}
