#include "CChorusShim.h"

/* Bounds of the model blob, defined in chorus_langid_blob.S. */
extern const unsigned char chorus_langid_blob_start[];
extern const unsigned char chorus_langid_blob_end[];

const unsigned char *chorus_langid_model(size_t *size) {
    *size = (size_t)(chorus_langid_blob_end - chorus_langid_blob_start);
    return chorus_langid_blob_start;
}
