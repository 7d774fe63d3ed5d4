#ifndef CCHORUS_CLD2_H
#define CCHORUS_CLD2_H
/*
 * CLD2 behind a C ABI: Swift cannot call its C++ namespaces, overloads or std::vector; and
 * the malloc tuning CLD2 needs. Every symbol is prefixed `chorus_`; the target links only cld2.
 */

#ifdef __cplusplus
extern "C" {
#endif

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

#ifdef __cplusplus
}
#endif
#endif
