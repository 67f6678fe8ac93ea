// Naming the calling thread. Foundation's `Thread.name` setter on Linux names the OS thread only
// once the creating thread has stored the new thread's handle, so a thread that names itself
// before that (its creator not yet rescheduled) silently keeps its creator's name.
#include <sys/prctl.h>

/// Names the calling thread (at most 15 bytes are kept); 0 on success.
static inline int syncdefense_name_current_thread(const char *name) {
    return prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0);
}
