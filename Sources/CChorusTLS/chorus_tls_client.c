#include "chorus_tls_client.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The handles are OpenSSL's own objects behind the shim's names: no wrapper allocation. */
#define CONTEXT(context) ((SSL_CTX *)(void *)(context))
#define SESSION(session) ((SSL *)(void *)(session))

/* errno of the last SSL_ERROR_SYSCALL on this thread, for chorus_tls_client_error_text. */
static _Thread_local int chorus_tls_client_errno;

static void chorus_tls_client_reason(char *reason, size_t reason_length) {
    unsigned long error = ERR_peek_last_error();
    if (reason_length > 0) {
        if (error != 0) {
            ERR_error_string_n(error, reason, reason_length);
        } else if (chorus_tls_client_errno != 0) {
            snprintf(reason, reason_length, "%s", strerror(chorus_tls_client_errno));
        } else {
            snprintf(reason, reason_length, "unknown TLS error");
        }
    }
    ERR_clear_error();
}

static int chorus_tls_client_accept_any(X509_STORE_CTX *store, void *argument) {
    (void)store;
    (void)argument;
    return 1;
}

static int chorus_tls_client_version_of(int minor) {
    return minor == 3 ? TLS1_3_VERSION : minor == 2 ? TLS1_2_VERSION : 0;
}

chorus_tls_client_context *chorus_tls_client_context_new(const char *ca_file, int minimum_minor, int maximum_minor,
                                                         const char *groups, int alpn_http11, char *reason,
                                                         size_t reason_length) {
    ERR_clear_error();
    chorus_tls_client_errno = 0;
    SSL_CTX *context = SSL_CTX_new(TLS_client_method());
    if (context == NULL) {
        chorus_tls_client_reason(reason, reason_length);
        return NULL;
    }
    int minimum = chorus_tls_client_version_of(minimum_minor);
    int ok = SSL_CTX_set_min_proto_version(context, minimum != 0 ? minimum : TLS1_2_VERSION) == 1 &&
             SSL_CTX_set_max_proto_version(context, chorus_tls_client_version_of(maximum_minor)) == 1;
    if (ok && groups != NULL) ok = SSL_CTX_set1_groups_list(context, groups) == 1;
    if (ok && ca_file != NULL) {
        ok = SSL_CTX_load_verify_locations(context, ca_file, NULL) == 1;
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, NULL);
    } else {
        /* Not verifying means not building the chain either: OpenSSL would still verify the
         * certificate's own signature and ignore the result, a cost a load generator should
         * not add to its handshakes. (TLS 1.3's CertificateVerify is still checked.) */
        SSL_CTX_set_verify(context, SSL_VERIFY_NONE, NULL);
        SSL_CTX_set_cert_verify_callback(context, chorus_tls_client_accept_any, NULL);
    }
    if (ok && alpn_http11) {
        static const unsigned char http11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
        ok = SSL_CTX_set_alpn_protos(context, http11, sizeof http11) == 0;
    }
    if (!ok) {
        chorus_tls_client_reason(reason, reason_length);
        SSL_CTX_free(context);
        return NULL;
    }
    /* Every connection is a full handshake (no resumption); a peer's EOF without close_notify
     * is a close, not an error; writes may be partial and retried from a moved, grown buffer;
     * read-ahead fills OpenSSL's buffer in one read() instead of one per record part. */
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(context, SSL_OP_NO_TICKET | SSL_OP_IGNORE_UNEXPECTED_EOF);
    SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_read_ahead(context, 1);
    return (chorus_tls_client_context *)(void *)context;
}

void chorus_tls_client_context_free(chorus_tls_client_context *context) { SSL_CTX_free(CONTEXT(context)); }

chorus_tls_client_session *chorus_tls_client_session_new(chorus_tls_client_context *context, int fd,
                                                         const char *server_name) {
    SSL *ssl = SSL_new(CONTEXT(context));
    if (ssl == NULL) return NULL;
    if (SSL_set_fd(ssl, fd) != 1 || (server_name != NULL && SSL_set_tlsext_host_name(ssl, server_name) != 1)) {
        SSL_free(ssl);
        ERR_clear_error();
        return NULL;
    }
    SSL_set_connect_state(ssl);
    return (chorus_tls_client_session *)(void *)ssl;
}

void chorus_tls_client_session_free(chorus_tls_client_session *session) { SSL_free(SESSION(session)); }

/* OpenSSL's verdict on a call that returned `result` <= 0. */
static chorus_tls_client_status chorus_tls_client_status_of(SSL *ssl, int result) {
    int saved_errno = errno;
    switch (SSL_get_error(ssl, result)) {
    case SSL_ERROR_WANT_READ:
        return CHORUS_TLS_CLIENT_WANT_READ;
    case SSL_ERROR_WANT_WRITE:
        return CHORUS_TLS_CLIENT_WANT_WRITE;
    case SSL_ERROR_ZERO_RETURN:
        return CHORUS_TLS_CLIENT_CLOSED;
    case SSL_ERROR_SYSCALL:
        if (ERR_peek_error() == 0 && saved_errno == 0) return CHORUS_TLS_CLIENT_CLOSED;
        chorus_tls_client_errno = saved_errno;
        return CHORUS_TLS_CLIENT_ERROR;
    default:
        chorus_tls_client_errno = 0;
        return CHORUS_TLS_CLIENT_ERROR;
    }
}

chorus_tls_client_status chorus_tls_client_handshake(chorus_tls_client_session *session) {
    ERR_clear_error();
    errno = 0;
    int result = SSL_do_handshake(SESSION(session));
    return result == 1 ? CHORUS_TLS_CLIENT_DONE : chorus_tls_client_status_of(SESSION(session), result);
}

chorus_tls_client_status chorus_tls_client_read(chorus_tls_client_session *session, void *buffer, size_t capacity,
                                                size_t *count) {
    ERR_clear_error();
    errno = 0;
    int result = SSL_read_ex(SESSION(session), buffer, capacity, count);
    return result == 1 ? CHORUS_TLS_CLIENT_DONE : chorus_tls_client_status_of(SESSION(session), result);
}

chorus_tls_client_status chorus_tls_client_write(chorus_tls_client_session *session, const void *buffer,
                                                 size_t length, size_t *count) {
    ERR_clear_error();
    errno = 0;
    int result = SSL_write_ex(SESSION(session), buffer, length, count);
    return result == 1 ? CHORUS_TLS_CLIENT_DONE : chorus_tls_client_status_of(SESSION(session), result);
}

int chorus_tls_client_has_pending(chorus_tls_client_session *session) { return SSL_has_pending(SESSION(session)); }

void chorus_tls_client_shutdown(chorus_tls_client_session *session) {
    if (SSL_is_init_finished(SESSION(session))) SSL_shutdown(SESSION(session));
    ERR_clear_error();
}

void chorus_tls_client_error_text(char *reason, size_t reason_length) { chorus_tls_client_reason(reason, reason_length); }

const char *chorus_tls_client_version(chorus_tls_client_session *session) { return SSL_get_version(SESSION(session)); }

const char *chorus_tls_client_cipher(chorus_tls_client_session *session) {
    const char *name = SSL_get_cipher_name(SESSION(session));
    return name != NULL ? name : "";
}

const char *chorus_tls_client_group(chorus_tls_client_session *session) {
    int nid = SSL_get_negotiated_group(SESSION(session));
    if (nid <= 0) return "";
    const char *name = SSL_group_to_name(SESSION(session), nid);
    if (name == NULL) name = OBJ_nid2sn(nid);
    return name != NULL ? name : "";
}

void chorus_tls_client_peer_key(chorus_tls_client_session *session, char *text, size_t text_length) {
    if (text_length == 0) return;
    text[0] = '\0';
    X509 *certificate = SSL_get1_peer_certificate(SESSION(session));
    if (certificate == NULL) return;
    EVP_PKEY *key = X509_get0_pubkey(certificate);
    if (key != NULL) {
        const char *type = EVP_PKEY_get0_type_name(key);
        char group[64] = "";
        if (EVP_PKEY_get_group_name(key, group, sizeof group, NULL) == 1 && group[0] != '\0') {
            snprintf(text, text_length, "%s %s", type != NULL ? type : "?", group);
        } else {
            snprintf(text, text_length, "%s %d", type != NULL ? type : "?", EVP_PKEY_get_bits(key));
        }
    }
    X509_free(certificate);
    ERR_clear_error();
}
