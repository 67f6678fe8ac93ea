// glibc's allocator controls (malloc.h is not part of Swift's Glibc module).
#include <malloc.h>

/// Returns the allocator's free pages (in every arena) to the system; 1 when memory was released.
static inline int syncdefense_release_free_memory(void) { return malloc_trim(0); }
