#ifndef CCHORUS_ICU_H
#define CCHORUS_ICU_H
/*
 * ICU's C API names are macros (versioned symbols such as uplrules_open_72), which Swift
 * cannot call: these wrap the few Chorus needs. Every symbol is prefixed `chorus_`; the target
 * links only icui18n and icuuc.
 */

#ifdef __cplusplus
extern "C" {
#endif

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
