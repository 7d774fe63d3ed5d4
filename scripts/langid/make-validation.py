#!/usr/bin/env python3
"""Builds the tuning data for the language model from gettext catalogues on this machine.

Development-time only: nothing here ships. Translated UI strings (msgstr) are real short texts
written by people in many languages, and they share no source with wordfreq (the training data)
or with the evaluation devset, so hyperparameters tuned on them are not fitted to either.
A fresh machine may have fewer catalogues (or none): the tuning script then has less to work
with, but the shipped model does not depend on this data at all.

Writes <out>/{tune,check}/<lang>/{sentences,word-pairs,single-words}.txt, one item per line,
in the devset's layout so that `chorus-bench langid --devset` can read it too. Items are split
by catalogue entry (an entry's items never land in both halves), shuffled with a fixed seed.
"""

import argparse
import gettext
import glob
import hashlib
import os
import random
import re
import unicodedata

LANGUAGES = "en es pt fr de it nl pl ru uk tr ar he ja ko th vi id zh hi cs ro sv el hu".split()
# Locale folders per language; English comes from the msgids of every catalogue.
FOLDERS = {"pt": ["pt", "pt_BR", "pt_PT"], "zh": ["zh_CN", "zh_TW", "zh_HK", "zh_Hans", "zh_Hant"]}
# Names of languages, countries, currencies and scripts: proper nouns, not running text.
SKIPPED_DOMAINS = re.compile(r"^iso_")
PER_CATEGORY = 1500

FORMAT = re.compile(
    r"%(\d+\$)?[-+ 0#']*(\d+|\*)?(\.(\d+|\*))?(hh|h|ll|l|L|q|j|z|t|I64)?[diouxXeEfFgGaAcspnm%]"
    r"|%<\w+>|\{[^{}]*\}|\$\{[^}]*\}|\$\w+|<[^<>]*>|&[a-z]+;|\\[nt]")
ACCELERATOR = re.compile(r"(?<!\w)[_&~](?=\w)|\(_\w\)|\(&\w\)")
SENTENCE_END = re.compile(r"(?<=[.!?;:。！？；：])\s+|[\n\r\t]+|(?<=[。！？])")
HAN_OR_KANA = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]+")


def catalogues(folder):
    """{msgid: msgstr} per catalogue of a locale folder, in path order."""
    for path in sorted(glob.glob(f"/usr/share/locale/{folder}/LC_MESSAGES/*.mo")):
        if SKIPPED_DOMAINS.match(os.path.basename(path)):
            continue
        try:
            with open(path, "rb") as handle:
                catalog = gettext.GNUTranslations(handle)._catalog
        except (OSError, UnicodeError, LookupError, ValueError):
            # Corrupt files and charsets Python cannot decode: tuning does without them.
            continue
        yield catalog


def clean(text):
    text = unicodedata.normalize("NFC", text)
    text = FORMAT.sub(" ", text)
    text = ACCELERATOR.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def is_word(text):
    """Letters and combining marks only (Devanagari and Thai vowel signs are marks)."""
    return bool(text) and all(unicodedata.category(c)[0] in "LM" for c in text) and text[0].isalpha()


def words_of(text):
    return [w.strip(".,;:!?()[]\"'«»“”„…-–—/*|") for w in text.split()]


def entries(language):
    """(key, msgid words, cleaned msgstr) for every translated entry."""
    seen = set()
    folders = FOLDERS.get(language, [language])
    for folder in folders if language != "en" else sorted(os.listdir("/usr/share/locale")):
        if not os.path.isdir(f"/usr/share/locale/{folder}"):
            continue
        for catalog in catalogues(folder):
            for key, value in sorted(catalog.items(), key=lambda item: str(item[0])):
                msgid = key[0] if isinstance(key, tuple) else key
                if not msgid or not value:
                    continue
                text = msgid if language == "en" else value
                if language != "en" and value == msgid:
                    continue
                for part in text.split("\x00"):
                    part = clean(part)
                    if len(part) < 2 or part in seen:
                        continue
                    seen.add(part)
                    source = set() if language == "en" else {w.lower() for w in words_of(clean(msgid))}
                    yield part, source


def items(language, text, source):
    """Sentences, word pairs and single words cut from one cleaned string."""
    sentences, pairs, singles = [], [], []
    for sentence in SENTENCE_END.split(text):
        sentence = sentence.strip()
        words = [w for w in words_of(sentence) if w]
        native = [w for w in words if w.lower() not in source and any(c.isalpha() for c in w)]
        if language in ("ja", "zh"):
            runs = HAN_OR_KANA.findall(sentence)
            if sum(map(len, runs)) >= 6 and len(sentence) >= 8:
                sentences.append(sentence)
            for run in runs:
                for start in range(0, len(run) - 1, 3):
                    pairs.append(run[start:start + 2])
                for start in range(0, len(run) - 1, 5):
                    singles.append(run[start:start + 2 + start % 2])
            continue
        if len(words) >= 4 and len(native) * 10 >= len(words) * 7 and len(sentence) >= 20:
            sentences.append(sentence)
        lowered = [w.lower() for w in words]
        for first, second in zip(lowered, lowered[1:]):
            if first in source or second in source or not (is_word(first) and is_word(second)):
                continue
            if len(first) + len(second) + 1 >= 10:
                pairs.append(f"{first} {second}")
        for word in lowered:
            if word not in source and is_word(word) and len(word) >= 5:
                singles.append(word)
    return sentences, pairs, singles


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=".build/langid-validation")
    parser.add_argument("--per-category", type=int, default=PER_CATEGORY)
    arguments = parser.parse_args()
    for language in LANGUAGES:
        halves = {"tune": ([], [], []), "check": ([], [], [])}
        for text, source in entries(language):
            digest = hashlib.sha256(text.encode()).digest()[0]
            half = halves["tune" if digest % 2 == 0 else "check"]
            for bucket, found in zip(half, items(language, text, source)):
                bucket.extend(found)
        for name, half in halves.items():
            counts = []
            for category, found in zip(("sentences", "word-pairs", "single-words"), half):
                unique = sorted(set(found))
                random.Random(f"{language}/{category}").shuffle(unique)
                unique = unique[: arguments.per_category]
                folder = os.path.join(arguments.out, name, language)
                os.makedirs(folder, exist_ok=True)
                with open(os.path.join(folder, f"{category}.txt"), "w", encoding="utf-8") as handle:
                    handle.writelines(item + "\n" for item in unique)
                counts.append(len(unique))
            print(name, language, *counts)


if __name__ == "__main__":
    main()
