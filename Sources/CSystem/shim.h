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
