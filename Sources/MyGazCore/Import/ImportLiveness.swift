import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whether the process that started a batch is still working on it. A batch marked
/// running whose process is gone was interrupted (killed, power lost).
public enum ImportLiveness {
    public static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        return String(cBuffer: buffer)
    }

    public static var currentPID: Int { Int(getpid()) }

    public static func isAlive(pid: Int?, host: String?) -> Bool {
        guard let pid, pid > 0 else { return false }
        // On another machine we cannot tell; assume it is still working.
        guard host == nil || host == hostName else { return true }
        return kill(pid_t(pid), 0) == 0 || errno == EPERM
    }
}
