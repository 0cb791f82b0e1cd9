import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Files a long job writes, written back to disk a little at a time while they grow, on a thread
/// of its own. Left to the kernel, all of it went to disk at once — 30 s after it was written
/// (`vm.dirty_expire_centisecs`) or when gigabytes were dirty — and a portal's COMMIT, syncing its
/// WAL, waited behind it: 477 ms behind the 290 MB of rows an import of 6M readings staged in
/// SQLite's temporary file, 483 ms during a 4 GB `db backup`.
final class FileFlusher: @unchecked Sendable {
    private let queue = DispatchQueue(label: "mygaz.file-flusher")
    private var timer: DispatchSourceTimer?
    private let interval: Double
    private let files: @Sendable () -> [Int32]

    /// `files`: the descriptors to sync, asked each time (SQLite's temporary files come and go).
    init(every interval: Double = 0.25, files: @escaping @Sendable () -> [Int32]) {
        self.interval = interval
        self.files = files
    }

    /// SQLite's temporary files in this process (the rows an import stages).
    static func temporaryFiles() -> FileFlusher { FileFlusher { Database.temporaryFileDescriptors() } }

    func start() {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [files] in for fd in files() { _ = fdatasync(fd) } }
        timer.resume()
        self.timer = timer
    }

    /// Stops it and waits for a sync under way: the files may be closed after this.
    func finish() {
        timer?.cancel()
        timer = nil
        queue.sync {}
    }
}
