// Parts of libc that Swift's Glibc module leaves out.
#include <sys/vfs.h>
#include <sys/statfs.h>

// The file system type of a path (f_type of statfs), or -1.
static inline long csystem_fs_type(const char *path) {
    struct statfs info;
    if (statfs(path, &info) != 0) return -1;
    return (long)info.f_type;
}

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

// Lowers the calling thread's scheduling priority (its own nice value, not the process's).
static inline int csystem_lower_thread_priority(int nice) {
    return setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), nice);
}

#include <signal.h>

// A write past the file size limit (ulimit -f) raises SIGXFSZ: caught, the write fails with EFBIG
// and the flag says so, even when the file it was written to (an unlinked temporary file of
// SQLite's) is truncated before anyone can look at it. Both used from one Swift module only, so
// that the flag is one.
static volatile sig_atomic_t csystem_file_size_limit_hit = 0;
static void csystem_on_file_size_limit(int signal) { (void)signal; csystem_file_size_limit_hit = 1; }
static inline void csystem_catch_file_size_limit(void) {
    signal(SIGXFSZ, csystem_on_file_size_limit);
    // a parent may hand it down blocked (a blocked SIGXFSZ is never delivered, and the flag never set)
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGXFSZ);
    sigprocmask(SIG_UNBLOCK, &set, 0);
}
static inline int csystem_file_size_limit_was_hit(void) { return csystem_file_size_limit_hit; }
