#ifndef CCHORUS_SHIM_H
#define CCHORUS_SHIM_H
/*
 * The few things Swift cannot call directly: CLD2 (C++), libwebsockets macros and variadic
 * logging, OpenSSL's HMAC, and glibc's mallopt. Every symbol is prefixed `chorus_`.
 * This header deliberately does not include libwebsockets.h: only ChorusTransport sees lws.
 */
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- CLD2 ------------------------------------------------------------------------------- */

/** Up to three candidate languages, best first, as CLD2 reports them. */
typedef struct chorus_cld2_result {
    char code[3][8];             /* ISO 639-1 (or CLD2's code), "un" when unknown */
    int percent[3];              /* share of the text's bytes, 0-100 */
    double normalized_score[3];  /* CLD2's score per 1024 bytes */
    int text_bytes;              /* bytes CLD2 actually scored (letters, after cleanup) */
    int is_reliable;             /* CLD2's own reliability flag */
} chorus_cld2_result;

/**
 * Runs ExtDetectLanguageSummary(is_plain_text=true, kCLDFlagBestEffort).
 * `content_language_hint` (e.g. "pt") and `tld_hint` (e.g. "br") may be NULL.
 * Thread-safe: CLD2 keeps no mutable global state.
 */
void chorus_cld2_detect(const char *utf8, int length, const char *content_language_hint,
                        const char *tld_hint, chorus_cld2_result *result);

/**
 * ExtDetectLanguageSummary(is_plain_text=true) without hints and without kCLDFlagBestEffort.
 * Best effort marks nearly every answer reliable, even for one short word; this strict run
 * answers "un" with is_reliable = 0 instead, which is CLD2's only usable "not sure" signal.
 */
void chorus_cld2_detect_strict(const char *utf8, int length, chorus_cld2_result *result);

/** mallopt(M_TRIM_THRESHOLD, 64 MiB): CLD2 otherwise spends most of its time in brk(). */
void chorus_malloc_tune(void);

/** Names the calling thread (at most 15 bytes are kept): prctl is variadic. */
void chorus_set_thread_name(const char *name);

/* ---- Language model ---------------------------------------------------------------------- */

/**
 * The language model built by scripts/langid/build-model.py and linked in as read-only data
 * (64-byte aligned). Sets `*size` to its length in bytes.
 */
const unsigned char *chorus_langid_model(size_t *size);

/** At least `bytes` of 64-byte-aligned memory owned by the calling thread, reused by its next
 *  call (so one user at a time per thread) and freed when the thread exits; NULL if it cannot
 *  be allocated. Swift's temporary allocations above 1 KB come from malloc on Linux. */
void *chorus_thread_scratch(size_t bytes);

/* ---- OpenSSL ---------------------------------------------------------------------------- */

/** HMAC-SHA256 into `out` (32 bytes). Returns 0 on success, -1 on failure. */
int chorus_hmac_sha256(const void *key, size_t key_length, const void *data, size_t data_length,
                       uint8_t out[32]);

/** Fills `out` with cryptographically random bytes. Returns 0 on success, -1 on failure. */
int chorus_random_bytes(uint8_t *out, size_t length);

/* ---- libwebsockets ---------------------------------------------------------------------- */

/** LWS_PRE: headroom lws needs before every payload passed to lws_write. */
size_t chorus_lws_pre(void);

/** Log sink for lws: level is an LLL_* bit, line has no trailing newline. */
typedef void (*chorus_lws_log_sink)(int level, const char *line);

/** Routes lws logging at `levels` (LLL_* mask) to `sink`. */
void chorus_lws_set_log(int levels, chorus_lws_log_sink sink);

/*
 * A one-shot lws timer with an owner. lws hands its timer callback only the
 * lws_sorted_usec_list_t it scheduled; the timer keeps that struct and the owner pointer
 * side by side, and gives the owner back (container_of, here in C) so that Swift never lays
 * out or offsets into lws structs. Create, schedule and free it on the thread that services
 * the context; free it only after the context is destroyed or with the timer not scheduled.
 */
typedef struct chorus_lws_timer chorus_lws_timer;
struct lws_context;

/** Called on the service thread when the timer fires, with the owner it was created for. */
typedef void (*chorus_lws_timer_fired)(void *owner);

/** A timer that calls `fired(owner)`; NULL when out of memory. */
chorus_lws_timer *chorus_lws_timer_new(void *owner, chorus_lws_timer_fired fired);

/** (Re)schedules the timer `delay_us` microseconds from now (lws_sul_schedule, thread 0 of
 *  the context): an earlier schedule that has not fired is replaced. */
void chorus_lws_timer_schedule(struct lws_context *context, chorus_lws_timer *timer, int64_t delay_us);

void chorus_lws_timer_free(chorus_lws_timer *timer);

/* ---- libev ----------------------------------------------------------------------------- */

/*
 * Each service thread owns its libev loop and hands it to lws as a "foreign" loop: lws
 * registers a SIGINT watcher on loops it creates itself, and libev allows a signal on only
 * one loop per process, so a second internally-created loop aborts.
 */

/** A new libev loop (epoll on Linux), or NULL. */
void *chorus_ev_loop_new(void);

/** Runs one iteration of the loop, blocking until some event is handled. */
void chorus_ev_run_once(void *loop);

void chorus_ev_loop_destroy(void *loop);

/* ---- ICU plural rules -------------------------------------------------------------------- */

/*
 * ICU's C API names are macros (versioned symbols such as uplrules_open_72), which Swift
 * cannot call: these wrap the few Chorus needs.
 */

/** CLDR plural rules of `locale` (e.g. "ru", "pt-BR"), or NULL with `error` filled in. */
void *chorus_plural_rules_open(const char *locale, char *error, int error_capacity);

/** The plural category ("one", "few", …) of `number`, written to `out`; its length, or -1. */
int chorus_plural_rules_select(void *rules, double number, char *out, int capacity);

/** The categories the locale uses, space-separated, written to `out`; its length, or -1. */
int chorus_plural_rules_keywords(void *rules, char *out, int capacity);

void chorus_plural_rules_close(void *rules);

/** CLDR's most likely language of a region ("pt" for "BR"), from ICU's likely-subtags data;
 *  its length, 0 when CLDR names none (Antarctica), or -1. */
int chorus_likely_language(const char *region, char *out, int capacity);

#ifdef __cplusplus
}
#endif
#endif
