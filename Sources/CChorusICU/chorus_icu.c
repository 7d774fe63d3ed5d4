#include "CChorusICU.h"

#include <stdio.h>
#include <string.h>
#include <unicode/uenum.h>
#include <unicode/uloc.h>
#include <unicode/upluralrules.h>
#include <unicode/ustring.h>

void *chorus_plural_rules_open(const char *locale, char *error, int error_capacity) {
    UErrorCode status = U_ZERO_ERROR;
    UPluralRules *rules = uplrules_open(locale, &status);
    if (U_FAILURE(status)) {
        if (error_capacity > 0) {
            strncpy(error, u_errorName(status), (size_t)error_capacity - 1);
            error[error_capacity - 1] = '\0';
        }
        if (rules) uplrules_close(rules);
        return NULL;
    }
    return rules;
}

int chorus_plural_rules_select(void *rules, double number, char *out, int capacity) {
    UChar keyword[32];
    UErrorCode status = U_ZERO_ERROR;
    int32_t length = uplrules_select((const UPluralRules *)rules, number, keyword, 32, &status);
    if (U_FAILURE(status) || length >= capacity) return -1;
    u_austrncpy(out, keyword, length);
    out[length] = '\0';
    return length;
}

int chorus_plural_rules_keywords(void *rules, char *out, int capacity) {
    UErrorCode status = U_ZERO_ERROR;
    UEnumeration *keywords = uplrules_getKeywords((const UPluralRules *)rules, &status);
    if (U_FAILURE(status)) return -1;
    int used = 0;
    const char *keyword;
    int32_t length;
    while ((keyword = uenum_next(keywords, &length, &status)) != NULL && U_SUCCESS(status)) {
        if (used + length + 2 > capacity) {
            uenum_close(keywords);
            return -1;
        }
        if (used > 0) out[used++] = ' ';
        memcpy(out + used, keyword, (size_t)length);
        used += length;
    }
    out[used] = '\0';
    uenum_close(keywords);
    return used;
}

void chorus_plural_rules_close(void *rules) { uplrules_close((UPluralRules *)rules); }

int chorus_likely_language(const char *region, char *out, int capacity) {
    char tag[16];
    char likely[ULOC_FULLNAME_CAPACITY];
    UErrorCode status = U_ZERO_ERROR;
    snprintf(tag, sizeof tag, "und_%s", region);
    uloc_addLikelySubtags(tag, likely, (int32_t)sizeof likely, &status);
    if (U_FAILURE(status)) return -1;
    int32_t length = uloc_getLanguage(likely, out, capacity, &status);
    if (U_FAILURE(status) || length >= capacity) return -1;
    return length;
}
