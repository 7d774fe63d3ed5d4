#ifndef CCHORUS_TLS_H
#define CCHORUS_TLS_H
/*
 * The OpenSSL (libssl) calls Chorus makes itself; libwebsockets runs the TLS sessions. Every
 * symbol is prefixed `chorus_`; the target links only ssl and crypto.
 */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What `chorus_tls_check` found wrong. */
typedef enum {
    CHORUS_TLS_OK = 0,
    CHORUS_TLS_BAD_CERTIFICATE_FILE = 1,
    CHORUS_TLS_BAD_PRIVATE_KEY_FILE = 2,
    CHORUS_TLS_KEY_MISMATCH = 3,
    CHORUS_TLS_NO_CONTEXT = 4,
} chorus_tls_problem;

/** Loads the certificate chain and private key as the server will (PEM) and checks that
 *  they belong together. On success `not_after` gets the leaf certificate's expiry (Unix
 *  seconds, 0 if unreadable); on failure `reason` gets OpenSSL's words for it. */
chorus_tls_problem chorus_tls_check(const char *certificate_file, const char *private_key_file, char *reason,
                                    size_t reason_length, int64_t *not_after);

/** SSL_OP_ bits that refuse every version older than TLS 1.`minimum_minor` (2 or 3) and
 *  turn off TLS compression and renegotiation. */
uint64_t chorus_tls_server_options(int minimum_minor);

/** Session resumption for a server `SSL_CTX` (lws makes one per vhost), kept light for many idle
 *  connections: no server-side session cache (`SSL_SESS_CACHE_OFF`), resumption by stateless
 *  tickets only, one ticket per TLS 1.3 handshake instead of two, and one ticket key shared by
 *  every context of the process (made once, at random; never written anywhere). Returns 1, or
 *  0 when a call failed. `ssl_context` is an `SSL_CTX *`. */
int chorus_tls_configure_server_context(void *ssl_context);

#ifdef __cplusplus
}
#endif
#endif
