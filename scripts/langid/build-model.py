#!/usr/bin/env python3
"""Builds Chorus's language model (Sources/CChorusLangid/langid/chorus-langid.bin) from wordfreq.

Usage (from the package root):
    python3 -m venv .build/langid-venv
    .build/langid-venv/bin/pip install -r scripts/langid/requirements.txt
    .build/langid-venv/bin/python scripts/langid/build-model.py            # writes the model
    .build/langid-venv/bin/python scripts/langid/build-model.py --verify   # checks it

The output is deterministic: the same wordfreq release and parameters give the same bytes
(everything is sorted; there are no timestamps). The algorithm and the file format are
described in docs/language-tagging.md; the tuned parameters live in parameters.json.
"""

import argparse
import json
import math
import multiprocessing
import os
import pathlib
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import langid_format  # noqa: E402
import langid_text as text  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DEFAULT_OUTPUT = ROOT / "Sources/CChorusLangid/langid/chorus-langid.bin"
ASSEMBLY = ROOT / "Sources/CChorusLangid/chorus_langid_blob.S"

# Model languages, their scripts, and the wordfreq list each is trained on ("large" lists go
# down to a frequency of 1e-8, "small" ones to 1e-6). Thai has no wordfreq data: its script is
# unique among these languages, so it needs none. Neither do the other languages written in a
# script no other model language uses: the scorer never looks their words up.
LANGUAGES = [
    ("ar", ["arabic"]), ("cs", ["latin"]), ("de", ["latin"]), ("el", ["greek"]),
    ("en", ["latin"]), ("es", ["latin"]), ("fr", ["latin"]), ("he", ["hebrew"]),
    ("hi", ["devanagari"]), ("hu", ["latin"]), ("id", ["latin"]), ("it", ["latin"]),
    ("ja", ["han", "hiragana", "katakana"]), ("ko", ["hangul"]), ("nl", ["latin"]),
    ("pl", ["latin"]), ("pt", ["latin"]), ("ro", ["latin"]), ("ru", ["cyrillic"]),
    ("sv", ["latin"]), ("th", ["thai"]), ("tr", ["latin"]), ("uk", ["cyrillic"]),
    ("vi", ["latin"]), ("zh", ["han"]),
]


def script_mask(scripts):
    return sum(1 << text.SCRIPT_ID[name] for name in scripts)


def run_mask(scripts):
    """The run classes a language's tokens can have (Han and kana runs are one class)."""
    return {text.run_class(text.SCRIPT_ID[name]) for name in scripts}


def modelled_languages():
    """Languages whose run classes another language shares: only these need word tables."""
    runs = {code: run_mask(scripts) for code, scripts in LANGUAGES}
    shared = set()
    for code, classes in runs.items():
        for other, other_classes in runs.items():
            if other != code and classes & other_classes:
                shared.add(code)
    return shared


def wordfreq_tokens(code):
    """Canonical tokens (the scorer's own tokenization) with wordfreq frequencies summed."""
    import wordfreq

    listname = "large" if code in wordfreq.available_languages("large") else "small"
    allowed = run_mask(dict(LANGUAGES)[code])
    table = text.CharacterTable()
    frequencies = defaultdict(float)
    for word, frequency in sorted(wordfreq.get_frequency_dict(code, listname).items()):
        for run, points in text.tokens(word, table.get):
            # A Russian list holds English words too; they belong to the English model, and
            # the scorer charges a flat cost for Latin words in Russian text instead.
            if run in allowed:
                frequencies[points] += frequency
    return dict(frequencies)


def traditional_variants():
    """Simplified → Traditional characters, inverted from wordfreq's own mapping table."""
    import gzip

    import msgpack
    import wordfreq

    path = os.path.join(os.path.dirname(wordfreq.__file__), "data", "_chinese_mapping.msgpack.gz")
    with gzip.open(path) as handle:
        mapping = msgpack.load(handle, raw=False, strict_map_key=False)
    variants = defaultdict(list)
    for traditional, simplified in sorted(mapping.items()):
        if len(simplified) == 1 and traditional != ord(simplified):
            variants[ord(simplified)].append(traditional)
    return variants


def ngram_counts(code, frequencies, parameters, variants):
    """Weighted character n-gram counts, orders 1…n, with word-boundary symbols.

    Weights are frequency ** gamma: the n-grams only score words missing from the word table,
    which are rare words, so counting by frequency alone would model `the` and `and`.
    Han/kana runs have no boundary symbols: a run of Chinese or Japanese is not a word.
    """
    order = parameters["runtime"]["order"]
    settings = parameters["build"]
    counts = defaultdict(float)
    total = sum(frequency ** settings["gamma"] for frequency in frequencies.values())
    for points, frequency in sorted(frequencies.items()):
        weight = frequency ** settings["gamma"] / total
        cjk = text.run_class(text.SCRIPT_ID[text.script_of(points[0])]) == text.SCRIPT_ID["han"]
        forms = [(points, weight)]
        if code == "zh" and any(point in variants for point in points):
            # wordfreq stores Chinese as Simplified; Traditional text must not look foreign.
            share = weight * settings["traditional_weight"]
            forms.append((tuple(variants[p][0] if p in variants else p for p in points), share))
        for form, form_weight in forms:
            sequence = form if cjk else (text.WORD_START, *form, text.WORD_END)
            first = 0 if cjk else 1
            for end in range(first, len(sequence)):
                for length in range(1, min(order, end + 1) + 1):
                    counts[sequence[end - length + 1 : end + 1]] += form_weight
    return counts


def ngram_costs(counts, settings, runtime):
    """Conditional costs −ln P(last point | the others), pruned.

    An n-gram is kept if its weight reaches `prune` and, beyond bigrams, if dropping it would
    change the cost the scorer charges (its longest kept suffix plus the back-off penalty) by
    enough nats, weighted by how often it occurs: what the scorer can already predict from a
    shorter n-gram is not worth storing.
    """
    unit = runtime["unit"]
    backoff = runtime["backoff"]
    context_totals = defaultdict(float)
    for gram, count in counts.items():
        context_totals[gram[:-1]] += count
    costs = {}
    for length in range(1, runtime["order"] + 1):
        for gram, count in sorted(counts.items()):
            if len(gram) != length or (length > 1 and count < settings["prune"]):
                continue
            nats = -math.log(count / context_totals[gram[:-1]])
            if length > 2:
                suffix = gram[1:]
                while suffix not in costs and len(suffix) > 1:
                    suffix = suffix[1:]
                predicted = costs[suffix] / unit + backoff * (length - len(suffix)) if suffix in costs else None
                if predicted is not None and count * abs(nats - predicted) < settings["prune_gain"]:
                    continue
            costs[gram] = quantize(nats, unit)
    return costs


def quantize(nats, unit):
    return max(0, min(255, round(nats * unit)))


def train(job):
    """Word costs, n-gram costs and the OOV cost of one language (run in a worker process)."""
    code, parameters = job
    unit = parameters["runtime"]["unit"]
    settings = parameters["build"]
    frequencies = wordfreq_tokens(code)
    ranked = sorted(frequencies.items(), key=lambda item: (-item[1], item[0]))
    kept = ranked[: settings["vocabulary"]]
    covered = sum(frequency for _, frequency in kept)
    # What the kept words do not cover is what the character model has to spell.
    oov_mass = max(settings["oov_floor"], 1 - covered) * settings["oov_scale"]
    oov_cost = quantize(-math.log(oov_mass), unit)
    counts = ngram_counts(code, frequencies, parameters, traditional_variants())
    ngrams = ngram_costs(counts, settings, parameters["runtime"])
    words = {points: quantize(-math.log(frequency), unit) for points, frequency in kept}
    report = (
        f"{code}: {len(frequencies)} tokens, {len(words)} words ({covered:.3f} of running text),"
        f" {len(ngrams)} n-grams"
    )
    return words, ngrams, oov_cost, report


def build(parameters):
    modelled = modelled_languages()
    jobs = [(code, parameters) for code, _ in LANGUAGES if code in modelled]
    with multiprocessing.Pool(min(len(jobs), os.cpu_count() or 1)) as pool:
        trained = dict(zip((code for code, _ in jobs), pool.map(train, jobs, chunksize=1)))
    words, ngrams = {}, {}
    for code, (language_words, language_ngrams, _, report) in sorted(trained.items()):
        words[code] = language_words
        ngrams[code] = language_ngrams
        print(report, file=sys.stderr)
    languages = [
        langid_format.Language(
            code, script_mask(scripts), trained[code][2] if code in trained else 0, code in trained)
        for code, scripts in LANGUAGES
    ]
    return langid_format.write(languages, words, ngrams, parameters["runtime"], text.CharacterTable())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT))
    parser.add_argument("--parameters", default=str(HERE / "parameters.json"))
    parser.add_argument("--set", action="append", default=[], help="override: name=value (tuning)")
    parser.add_argument(
        "--verify", action="store_true", help="build in memory and fail unless --output has exactly these bytes")
    arguments = parser.parse_args()
    with open(arguments.parameters, encoding="utf-8") as handle:
        parameters = json.load(handle)
    for assignment in arguments.set:
        name, value = assignment.split("=", 1)
        section = "runtime" if name in parameters["runtime"] else "build"
        parameters[section][name] = json.loads(value)
    blob = build(parameters)
    output = pathlib.Path(arguments.output)
    if arguments.verify:
        same = output.exists() and output.read_bytes() == blob
        print(f"{output}: {'identical' if same else 'DIFFERS from a fresh build'}", file=sys.stderr)
        sys.exit(0 if same else 1)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(blob)
    print(f"wrote {output} ({len(blob)} bytes)", file=sys.stderr)
    if output.resolve() == DEFAULT_OUTPUT.resolve() and ASSEMBLY.exists():
        # SwiftPM tracks the .S file, not the blob it includes.
        os.utime(ASSEMBLY)


if __name__ == "__main__":
    main()
