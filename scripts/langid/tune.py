#!/usr/bin/env python3
"""Measures a model on validation data and chooses its runtime parameters.

Development-time only. Reads the validation set written by make-validation.py (never the
devset), scores every item with the reference scorer (langid_score.py) and prints the same
table as `chorus-bench langid`. With --sweep it searches the runtime parameters and prints the
best setting; copy it into parameters.json and rebuild.

    .build/langid-venv/bin/python scripts/langid/tune.py --model .build/langid/m.bin \
        --data .build/langid-validation/tune
"""

import argparse
import itertools
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import langid_format  # noqa: E402
import langid_score as score  # noqa: E402

CATEGORIES = ["sentences", "word-pairs", "single-words"]


class Evaluation:
    def __init__(self, model_path, data, languages=None):
        with open(model_path, "rb") as handle:
            self.model = langid_format.Model(handle.read())
        self.codes = [language.code for language in self.model.languages]
        self.languages = languages or sorted(os.listdir(data))
        self.candidates = np.array([self.codes.index(code) for code in self.languages])
        self.table = score.TokenTable(self.model)
        self.corpora = {}
        for category in CATEGORIES:
            texts, labels = [], []
            for code in self.languages:
                path = os.path.join(data, code, f"{category}.txt")
                if not os.path.exists(path):
                    continue
                with open(path, encoding="utf-8") as handle:
                    lines = [line.rstrip("\n") for line in handle if line.strip()]
                texts += lines
                labels += [self.languages.index(code)] * len(lines)
            corpus = score.Corpus(self.table, texts)
            corpus.labels = np.array(labels, dtype=np.int64)
            self.corpora[category] = corpus
        self.table.arrays()
        for corpus in self.corpora.values():
            corpus.finish()
        self.oov = np.array([language.oov_cost for language in self.model.languages], dtype=np.int64)

    def run(self, runtime):
        """{mode: {category: macro accuracy}}, log loss and calibration, for runtime parameters."""
        costs = score.token_costs(self.table, runtime, self.oov, self.candidates)
        in_run = self.table.in_run[:, self.candidates]
        english = self.languages.index("en") if "en" in self.languages else -1
        result = {"none": {}, "correct": {}, "wrong": {}, "en-US": {}}
        losses, buckets = [], np.zeros((10, 2))
        temperature = (runtime["TMP0"] / 1000, runtime["TMP1"] / 1000)
        bonus_value = runtime["LOCB"]
        for category, corpus in self.corpora.items():
            totals, present = score.item_costs(corpus, costs, in_run)
            labels = corpus.labels
            rows = np.arange(len(labels))
            zero = np.zeros_like(totals)
            winner, confidence = score.decide(totals, present, zero, temperature, corpus.lengths)
            result["none"][category] = self._macro(winner == labels, labels)
            correct_bonus = zero.copy()
            correct_bonus[rows, labels] = np.where(present[rows, labels], bonus_value, 0)
            hinted, _ = score.decide(totals, present, correct_bonus, temperature, corpus.lengths)
            result["correct"][category] = self._macro(hinted == labels, labels)
            wrong = self._wrong(totals, present, labels, bonus_value, temperature, corpus.lengths)
            result["wrong"][category] = self._macro(wrong, labels)
            if english >= 0:
                english_bonus = zero.copy()
                english_bonus[:, english] = np.where(present[:, english], bonus_value, 0)
                hinted, _ = score.decide(totals, present, english_bonus, temperature, corpus.lengths)
                keep = labels != english
                result["en-US"][category] = self._macro((hinted == labels)[keep], labels[keep])
            right = winner == labels
            probability = np.where(right, confidence, (1 - confidence) / max(1, len(self.languages) - 1))
            losses.append(-np.log(np.maximum(probability, 1e-6)).mean())
            bucket = np.minimum(9, (confidence * 10).astype(int))
            np.add.at(buckets, (bucket, 0), right)
            np.add.at(buckets, (bucket, 1), 1)
        result["logloss"] = float(np.mean(losses))
        result["calibration"] = [(b / 10, c / t if t else 0, int(t)) for b, (c, t) in enumerate(buckets)]
        return result

    def _wrong(self, totals, present, labels, bonus, temperature, tokens):
        """Mean over every other language's hint, per item: share of hints still answered right."""
        shares = np.zeros(len(labels))
        for hinted in range(len(self.languages)):
            boost = np.zeros_like(totals)
            boost[:, hinted] = np.where(present[:, hinted], bonus, 0)
            winner, _ = score.decide(totals, present, boost, temperature, tokens)
            shares += np.where(labels == hinted, 0, winner == labels)
        return shares / (len(self.languages) - 1)

    def _macro(self, right, labels):
        per_language = [right[labels == code].mean() for code in np.unique(labels)]
        return float(np.mean(per_language)) * 100


PARAMETERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "parameters.json")


def runtime_from(model, overrides):
    """The model's own parameters, then parameters.json's (the source of truth), then overrides."""
    runtime = dict(model.parameters)
    with open(PARAMETERS, encoding="utf-8") as handle:
        chosen = json.load(handle)["runtime"]
    chosen = langid_format.runtime_values(dict(chosen, unit=model.parameters["UNIT"]))
    # The n-gram order and the cost unit are baked into the model's tables.
    runtime.update({tag: value for tag, value in chosen.items() if tag not in ("ORDR", "UNIT")})
    for name, value in overrides.items():
        runtime[name] = value
    return runtime


def show(result):
    print("hints       sentences  word-pairs  single-words")
    for mode in ["none", "correct", "wrong", "en-US"]:
        print(f"{mode:10}" + "".join(f"  {result[mode].get(c, 0):9.2f}" for c in CATEGORIES))
    print(f"log loss {result['logloss']:.4f}")
    for bucket, share, total in result["calibration"]:
        if total:
            print(f"  {bucket:.1f}  {share * 100:5.1f} %  ({total})")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--data", default=".build/langid-validation/tune")
    parser.add_argument("--set", action="append", default=[], help="PARM tag=value in units")
    parser.add_argument("--sweep", action="append", default=[], help="PARM tag=v1,v2,… in units")
    arguments = parser.parse_args()
    evaluation = Evaluation(arguments.model, arguments.data)
    fixed = {tag: int(value) for tag, value in (item.split("=") for item in arguments.set)}
    if not arguments.sweep:
        show(evaluation.run(runtime_from(evaluation.model, fixed)))
        return
    names = [item.split("=")[0] for item in arguments.sweep]
    grids = [[int(v) for v in item.split("=")[1].split(",")] for item in arguments.sweep]
    for values in itertools.product(*grids):
        overrides = dict(fixed, **dict(zip(names, values)))
        result = evaluation.run(runtime_from(evaluation.model, overrides))
        cells = " ".join(f"{result[m][c]:6.2f}" for m in ["none", "correct", "wrong"] for c in CATEGORIES)
        print(json.dumps(dict(zip(names, values))), cells, f"{result['logloss']:.4f}", flush=True)


if __name__ == "__main__":
    main()
