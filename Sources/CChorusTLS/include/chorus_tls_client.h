#ifndef CHORUS_TLS_CLIENT_H
#define CHORUS_TLS_CLIENT_H
/*
 * The TLS client side of chorus-bench: OpenSSL sessions on non-blocking sockets the bench's
 * epoll loop owns. The C only maps OpenSSL's calls and errors onto one small status; every
 * decision (when to retry, what to wait for) is the caller's. Every symbol is prefixed
 * `chorus_tls_client_`.
 */
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/** What a handshake, read or write step did. */
typedef enum {
    /** The step completed (the handshake is finished, or `*count` bytes moved). */
    CHORUS_TLS_CLIENT_DONE = 0,
    /** Try again once the socket is readable. */
    CHORUS_TLS_CLIENT_WANT_READ = 1,
    /** Try again once the socket is writable. */
    CHORUS_TLS_CLIENT_WANT_WRITE = 2,
    /** The peer closed the connection (close_notify or EOF). */
    CHORUS_TLS_CLIENT_CLOSED = 3,
    /** Anything else; `chorus_tls_client_error_text` says what, right after the call. */
    CHORUS_TLS_CLIENT_ERROR = 4,
} chorus_tls_client_status;

typedef struct chorus_tls_client_context chorus_tls_client_context;
typedef struct chorus_tls_client_session chorus_tls_client_session;

/** A client context: TLS 1.2 (or 1.`minimum_minor`) up to 1.`maximum_minor` (0: newest), the
 *  key exchange groups in `groups` (OpenSSL list like "X25519:P-256", NULL: OpenSSL's default),
 *  ALPN "http/1.1" if `alpn_http11`. With `ca_file` the server's certificate must chain to it
 *  (the name is not checked: the bench connects to loopback addresses); with NULL nothing is
 *  verified. NULL on failure, with OpenSSL's words in `reason`. */
chorus_tls_client_context *chorus_tls_client_context_new(const char *ca_file, int minimum_minor, int maximum_minor,
                                                         const char *groups, int alpn_http11, char *reason,
                                                         size_t reason_length);
void chorus_tls_client_context_free(chorus_tls_client_context *context);

/** A session on the connected (or connecting) non-blocking socket `fd`, sending `server_name`
 *  as SNI unless it is NULL. The socket stays the caller's. NULL if OpenSSL is out of memory. */
chorus_tls_client_session *chorus_tls_client_session_new(chorus_tls_client_context *context, int fd,
                                                         const char *server_name);
void chorus_tls_client_session_free(chorus_tls_client_session *session);

chorus_tls_client_status chorus_tls_client_handshake(chorus_tls_client_session *session);
/** Decrypts up to `capacity` bytes into `buffer`; `*count` gets how many on DONE. */
chorus_tls_client_status chorus_tls_client_read(chorus_tls_client_session *session, void *buffer, size_t capacity,
                                                size_t *count);
/** Encrypts and sends up to `length` bytes; `*count` gets how many were taken on DONE. After
 *  WANT_*, call again with the same bytes first (the buffer may move and grow). */
chorus_tls_client_status chorus_tls_client_write(chorus_tls_client_session *session, const void *buffer,
                                                 size_t length, size_t *count);
/** Decrypted bytes OpenSSL holds that a read would return without touching the socket. */
int chorus_tls_client_has_pending(chorus_tls_client_session *session);
/** Sends close_notify once, without waiting for the peer's (best effort). */
void chorus_tls_client_shutdown(chorus_tls_client_session *session);

/** Why the last ERROR happened on this thread: OpenSSL's error queue, or errno. */
void chorus_tls_client_error_text(char *reason, size_t reason_length);

/** The negotiated protocol ("TLSv1.3"), cipher ("TLS_AES_256_GCM_SHA384") and key exchange
 *  group ("X25519"; "" if none or unknown), valid while the session lives. */
const char *chorus_tls_client_version(chorus_tls_client_session *session);
const char *chorus_tls_client_cipher(chorus_tls_client_session *session);
const char *chorus_tls_client_group(chorus_tls_client_session *session);
/** The server certificate's key, e.g. "EC P-256" or "RSA 2048", into `text`. */
void chorus_tls_client_peer_key(chorus_tls_client_session *session, char *text, size_t text_length);

#ifdef __cplusplus
}
#endif
#endif
