// CLD2 behind a C ABI: Swift cannot call C++ namespaces, overloads or std::vector directly.
//
// <cstdio> must come first: compact_lang_det.h uses FILE without including it.
#include <cstdio>
#include <cstring>

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include "CChorusCLD2.h"

namespace {

// Copies a NUL-terminated code into a fixed slot, truncating rather than overflowing.
void copy_code(char (&slot)[8], const char *code) {
    if (code == nullptr) code = "un";
    std::strncpy(slot, code, sizeof(slot) - 1);
    slot[sizeof(slot) - 1] = '\0';
}

// CLD2 documents NULL as "no hint"; an empty string would be parsed as a (useless) hint.
const char *hint_or_null(const char *hint) {
    return (hint != nullptr && hint[0] != '\0') ? hint : nullptr;
}

void detect(const char *utf8, int length, const char *content_language_hint, const char *tld_hint,
            int flags, chorus_cld2_result *result) {
    if (result == nullptr) return;
    std::memset(result, 0, sizeof(*result));
    for (auto &slot : result->code) copy_code(slot, "un");
    if (utf8 == nullptr || length <= 0) return;

    CLD2::CLDHints hints = {hint_or_null(content_language_hint), hint_or_null(tld_hint),
                            CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
    CLD2::Language language3[3] = {CLD2::UNKNOWN_LANGUAGE, CLD2::UNKNOWN_LANGUAGE,
                                   CLD2::UNKNOWN_LANGUAGE};
    int percent3[3] = {0, 0, 0};
    double normalized_score3[3] = {0.0, 0.0, 0.0};
    int text_bytes = 0;
    bool is_reliable = false;

    // No result chunk vector: only the summary is used, and skipping it saves an allocation.
    CLD2::ExtDetectLanguageSummary(utf8, length, /*is_plain_text=*/true, &hints, flags, language3,
                                   percent3, normalized_score3, /*resultchunkvector=*/nullptr,
                                   &text_bytes, &is_reliable);

    for (int i = 0; i < 3; i++) {
        copy_code(result->code[i], CLD2::LanguageCode(language3[i]));
        result->percent[i] = percent3[i];
        result->normalized_score[i] = normalized_score3[i];
    }
    result->text_bytes = text_bytes;
    result->is_reliable = is_reliable ? 1 : 0;
}

}  // namespace

extern "C" void chorus_cld2_detect(const char *utf8, int length, const char *content_language_hint,
                                   const char *tld_hint, chorus_cld2_result *result) {
    detect(utf8, length, content_language_hint, tld_hint, CLD2::kCLDFlagBestEffort, result);
}

extern "C" void chorus_cld2_detect_strict(const char *utf8, int length,
                                          chorus_cld2_result *result) {
    detect(utf8, length, nullptr, nullptr, 0, result);
}
