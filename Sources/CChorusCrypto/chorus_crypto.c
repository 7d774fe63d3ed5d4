#include "CChorusCrypto.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

int chorus_hmac_sha256(const void *key, size_t key_length, const void *data, size_t data_length,
                       uint8_t out[32]) {
    unsigned int out_length = 32;
    if (HMAC(EVP_sha256(), key, (int)key_length, data, data_length, out, &out_length) == NULL) {
        return -1;
    }
    return out_length == 32 ? 0 : -1;
}

int chorus_random_bytes(uint8_t *out, size_t length) {
    return RAND_bytes(out, (int)length) == 1 ? 0 : -1;
}

int chorus_sha1(const void *data, size_t data_length, uint8_t out[20]) {
    /* EVP_Digest rather than SHA1(): OpenSSL 3 deprecates the low-level digest functions. */
    unsigned int out_length = 20;
    if (EVP_Digest(data, data_length, out, &out_length, EVP_sha1(), NULL) != 1) return -1;
    return out_length == 20 ? 0 : -1;
}
