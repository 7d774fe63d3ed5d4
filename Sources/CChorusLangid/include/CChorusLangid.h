#ifndef CCHORUS_LANGID_H
#define CCHORUS_LANGID_H
/*
 * The embedded language model and the per-thread scratch memory the model tagger scores in.
 * Every symbol is prefixed `chorus_`; no library beyond libc. A target of its own so that only
 * binaries that tag languages carry the model's bytes.
 */
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The language model built by scripts/langid/build-model.py and linked in as read-only data
 * (64-byte aligned). Sets `*size` to its length in bytes.
 */
const unsigned char *chorus_langid_model(size_t *size);

/** At least `bytes` of 64-byte-aligned memory owned by the calling thread, reused by its next
 *  call (so one user at a time per thread) and freed when the thread exits; NULL if it cannot
 *  be allocated. Swift's temporary allocations above 1 KB come from malloc on Linux. */
void *chorus_thread_scratch(size_t bytes);

#ifdef __cplusplus
}
#endif
#endif
