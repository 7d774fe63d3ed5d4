#include "CChorusCLD2.h"

#include <malloc.h>

/* glibc's, not CLD2's, but CLD2's allocation pattern is the only reason for it. */
void chorus_malloc_tune(void) { mallopt(M_TRIM_THRESHOLD, 64 << 20); }
