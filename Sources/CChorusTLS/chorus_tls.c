#include "CChorusTLS.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* A file that cannot be opened is named by errno ("No such file or directory"): OpenSSL's own
 * words for it are "system lib". */
static int chorus_tls_readable(const char *path, char *reason, size_t reason_length) {
    FILE *file = fopen(path, "r");
    if (file == NULL) {
        if (reason_length > 0) snprintf(reason, reason_length, "%s", strerror(errno));
        return 0;
    }
    fclose(file);
    return 1;
}

static void chorus_tls_reason(char *reason, size_t reason_length) {
    unsigned long error = ERR_peek_last_error();
    if (reason_length > 0) {
        if (error != 0) {
            ERR_error_string_n(error, reason, reason_length);
        } else {
            snprintf(reason, reason_length, "unreadable");
        }
    }
    ERR_clear_error();
}

chorus_tls_problem chorus_tls_check(const char *certificate_file, const char *private_key_file, char *reason,
                                    size_t reason_length, int64_t *not_after) {
    ERR_clear_error();
    SSL_CTX *context = SSL_CTX_new(TLS_server_method());
    if (context == NULL) {
        chorus_tls_reason(reason, reason_length);
        return CHORUS_TLS_NO_CONTEXT;
    }
    chorus_tls_problem problem = CHORUS_TLS_OK;
    EVP_PKEY *key = NULL;
    FILE *key_file = NULL;
    if (!chorus_tls_readable(certificate_file, reason, reason_length)) {
        SSL_CTX_free(context);
        return CHORUS_TLS_BAD_CERTIFICATE_FILE;
    }
    if (!chorus_tls_readable(private_key_file, reason, reason_length)) {
        SSL_CTX_free(context);
        return CHORUS_TLS_BAD_PRIVATE_KEY_FILE;
    }
    if (SSL_CTX_use_certificate_chain_file(context, certificate_file) != 1) {
        problem = CHORUS_TLS_BAD_CERTIFICATE_FILE;
    } else if ((key_file = fopen(private_key_file, "r")) == NULL ||
               (key = PEM_read_PrivateKey(key_file, NULL, NULL, NULL)) == NULL) {
        problem = CHORUS_TLS_BAD_PRIVATE_KEY_FILE;
    } else if (SSL_CTX_use_PrivateKey(context, key) != 1 || SSL_CTX_check_private_key(context) != 1) {
        problem = CHORUS_TLS_KEY_MISMATCH;
    }
    if (key_file != NULL) fclose(key_file);
    if (problem != CHORUS_TLS_OK) {
        chorus_tls_reason(reason, reason_length);
    } else if (not_after != NULL) {
        *not_after = 0;
        struct tm expiry;
        X509 *certificate = SSL_CTX_get0_certificate(context);
        if (certificate != NULL && ASN1_TIME_to_tm(X509_get0_notAfter(certificate), &expiry) == 1) {
            *not_after = (int64_t)timegm(&expiry);
        }
    }
    EVP_PKEY_free(key);
    SSL_CTX_free(context);
    return problem;
}

uint64_t chorus_tls_server_options(int minimum_minor) {
    uint64_t options = SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1 | SSL_OP_NO_COMPRESSION |
                       SSL_OP_NO_RENEGOTIATION;
    if (minimum_minor >= 3) options |= SSL_OP_NO_TLSv1_2;
    return options;
}

/* One ticket key for the whole process: every service thread's vhost, and every vhost a reload
 * makes, decrypts the tickets the others issued. */
static unsigned char chorus_tls_ticket_keys[80];
static int chorus_tls_ticket_keys_ready = 0;
static pthread_once_t chorus_tls_ticket_keys_once = PTHREAD_ONCE_INIT;

static void chorus_tls_make_ticket_keys(void) {
    chorus_tls_ticket_keys_ready = RAND_bytes(chorus_tls_ticket_keys, (int)sizeof chorus_tls_ticket_keys) == 1;
}

int chorus_tls_configure_server_context(void *ssl_context) {
    SSL_CTX *context = ssl_context;
    if (context == NULL) return 0;
    SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_OFF);
    if (SSL_CTX_set_num_tickets(context, 1) != 1) return 0;
    pthread_once(&chorus_tls_ticket_keys_once, chorus_tls_make_ticket_keys);
    if (!chorus_tls_ticket_keys_ready) return 0;
    return SSL_CTX_set_tlsext_ticket_keys(context, chorus_tls_ticket_keys, (long)sizeof chorus_tls_ticket_keys) == 1;
}
