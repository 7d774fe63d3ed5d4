#ifndef CCHORUS_CRYPTO_H
#define CCHORUS_CRYPTO_H
/*
 * The few OpenSSL (libcrypto) calls Chorus makes, so that Swift needs no module map for
 * OpenSSL's headers. Every symbol is prefixed `chorus_`; the target links only crypto.
 */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** HMAC-SHA256 into `out` (32 bytes). Returns 0 on success, -1 on failure. */
int chorus_hmac_sha256(const void *key, size_t key_length, const void *data, size_t data_length,
                       uint8_t out[32]);

/** Fills `out` with cryptographically random bytes. Returns 0 on success, -1 on failure. */
int chorus_random_bytes(uint8_t *out, size_t length);

/** SHA-1 of `data` into `out` (20 bytes), for WebSocket accept keys (RFC 6455 §4.2.2).
 *  Returns 0 on success, -1 on failure. */
int chorus_sha1(const void *data, size_t data_length, uint8_t out[20]);

#ifdef __cplusplus
}
#endif
#endif
