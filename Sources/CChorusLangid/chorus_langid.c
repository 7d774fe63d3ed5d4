#include "CChorusLangid.h"

#include <pthread.h>
#include <stdlib.h>

/* Bounds of the model blob, defined in chorus_langid_blob.S. */
extern const unsigned char chorus_langid_blob_start[];
extern const unsigned char chorus_langid_blob_end[];

const unsigned char *chorus_langid_model(size_t *size) {
    *size = (size_t)(chorus_langid_blob_end - chorus_langid_blob_start);
    return chorus_langid_blob_start;
}

/* Freed by the key's destructor when a thread that tagged exits. */
static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static __thread void *scratch;
static __thread size_t scratch_size;

static void scratch_key_create(void) { (void)pthread_key_create(&scratch_key, free); }

void *chorus_thread_scratch(size_t bytes) {
    if (scratch_size >= bytes) return scratch;
    pthread_once(&scratch_once, scratch_key_create);
    void *grown = NULL;
    if (posix_memalign(&grown, 64, bytes) != 0) return NULL;
    free(scratch);
    scratch = grown;
    scratch_size = bytes;
    (void)pthread_setspecific(scratch_key, grown);
    return grown;
}
