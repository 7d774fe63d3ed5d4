#!/usr/bin/env python3
"""How much a locale hint can gain with correct locales for what it loses with wrong ones.

Development-time only, on validation data (make-validation.py), never the devset. For every
item the reference scorer (langid_score.py) gives each language's cost; a hint policy decides,
per item and hinted language, whether to answer the hinted language instead of the cheapest
one. Three families of policies are compared, each swept over its strength:

- additive: the shipped rule, answer the hint when its cost is within B nats of the best;
- learned: a logistic model over the item's costs (margin, costs per character, whether the
  hinted and the best language's word tables know every word, length, lead over the second
  best), weighted as the two metrics weigh items (a wrong hint is 1 of 24), thresholds swept;
- lexicon: the additive rule with a larger bonus when Debian's hunspell dictionary of the
  hinted language accepts every word (needs `hunspell` and the hunspell-* dictionaries).

Prints (none, correct, wrong) macro accuracy per policy: the frontier a policy can reach.

    .build/langid-venv/bin/python scripts/langid/hint-frontier.py --model Sources/CChorusLangid/langid/chorus-langid.bin
"""

import argparse
import os
import re
import shutil
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import langid_score as score  # noqa: E402
import tune  # noqa: E402

HUNSPELL = {
    "cs": ["cs_CZ"], "de": ["de_DE"], "en": ["en_US"], "es": ["es_ES"], "fr": ["fr_FR"], "hu": ["hu_HU"],
    "id": ["id_ID"], "it": ["it_IT"], "nl": ["nl_NL"], "pl": ["pl_PL"], "pt": ["pt_BR", "pt_PT"],
    "ro": ["ro_RO"], "ru": ["ru_RU"], "sv": ["sv_SE"], "tr": ["tr_TR"], "uk": ["uk_UA"], "vi": ["vi_VN"],
}  # fmt: skip
DICTIONARIES = "/usr/share/hunspell"


class Category:
    """One category's items: cost matrix, winner without hints, and policy features."""

    def __init__(self, evaluation, runtime, name, texts):
        corpus = evaluation.corpora[name]
        costs = score.token_costs(evaluation.table, runtime, evaluation.oov, evaluation.candidates)
        in_run = evaluation.table.in_run[:, evaluation.candidates]
        totals, self.present = score.item_costs(corpus, costs, in_run)
        known = evaluation.table.word_array[:, evaluation.candidates] < score.INFINITY
        known_counts = np.zeros(totals.shape, dtype=np.int64)
        np.add.at(known_counts, corpus.owner, known[corpus.flat])
        self.known = known_counts == corpus.lengths[:, None]
        self.evaluation, self.texts, self.labels = evaluation, texts, corpus.labels
        unit = runtime["UNIT"]
        scored = np.where(self.present, totals, score.INFINITY * 4).astype(float)
        self.winner = scored.argmin(axis=1)
        best = scored.min(axis=1)
        self.margin = (scored - best[:, None]) / unit
        characters = np.array(
            [max(1, sum(evaluation.table.lengths[t] for t in ids)) for ids in corpus.token_lists], dtype=float
        )
        rows = np.arange(len(self.labels))
        second = np.sort(scored, axis=1)[:, 1]
        width = scored.shape[1]

        def column(values):
            return np.repeat(values[:, None], width, axis=1)

        self.features = np.stack(
            [
                self.margin,
                self.margin / characters[:, None],
                scored / unit / characters[:, None],
                column(best / unit / characters),
                self.known.astype(float),
                column(self.known[rows, self.winner].astype(float)),
                column(np.log(characters)),
                column((second - best) / unit),
            ],
            axis=-1,
        )

    def evaluate(self, answer_hint):
        """(none, correct, wrong) macro accuracy when answer_hint[item, language] says to answer the hint."""
        answer_hint = answer_hint & self.present
        labels, winner, evaluation = self.labels, self.winner, self.evaluation
        rows = np.arange(len(labels))
        correct = np.where(answer_hint[rows, labels], labels, winner) == labels
        still_right = np.zeros(len(labels))
        count = len(evaluation.languages)
        for hinted in range(count):
            answer = np.where(answer_hint[:, hinted], hinted, winner)
            still_right += np.where(labels == hinted, 0, answer == labels)
        return (
            evaluation._macro(winner == labels, labels),
            evaluation._macro(correct, labels),
            evaluation._macro(still_right / (count - 1), labels),
        )


def fit_logistic(categories):
    """Weights of P(hinted language is the label | features), over pairs where the hint matters."""
    rows, targets, weights = [], [], []
    for category in categories:
        matters = category.present & (category.margin > 0) & (category.margin < 30)
        truth = np.arange(category.margin.shape[1])[None, :] == category.labels[:, None]
        rows.append(category.features[matters])
        targets.append(truth[matters].astype(float))
    features, target = np.vstack(rows), np.concatenate(targets)
    weights = np.where(target == 1, 1.0, 1.0 / 24)
    mean, spread = features.mean(axis=0), features.std(axis=0) + 1e-9
    design = np.hstack([(features - mean) / spread, np.ones((len(features), 1))])
    coefficients = np.zeros(design.shape[1])
    for _ in range(100):
        probability = 1 / (1 + np.exp(-design @ coefficients))
        gradient = design.T @ (weights * (probability - target)) / len(target)
        hessian = (design * (weights * probability * (1 - probability))[:, None]).T @ design / len(target)
        coefficients -= np.linalg.solve(hessian + 1e-4 * np.eye(len(coefficients)), gradient)
    return mean, spread, coefficients


def learned_probability(category, model):
    mean, spread, coefficients = model
    flat = category.features.reshape(-1, category.features.shape[-1])
    logits = np.hstack([(flat - mean) / spread, np.ones((len(flat), 1))]) @ coefficients
    return (1 / (1 + np.exp(-np.clip(logits, -50, 50)))).reshape(category.margin.shape)


def lexicon_accepts(category):
    """[item, language]: the language's hunspell dictionary accepts every word of the item."""
    accepts = np.zeros(category.margin.shape, dtype=bool)
    words = [re.findall(r"[^\W\d_]+", text) for text in category.texts]
    vocabulary = sorted({word for item in words for word in item})
    forms = [form for word in vocabulary for form in (word, word[:1].upper() + word[1:])]
    for index, code in enumerate(category.evaluation.languages):
        accepted = set()
        for dictionary in HUNSPELL.get(code, []):
            if not os.path.exists(os.path.join(DICTIONARIES, dictionary + ".dic")):
                continue
            listing = subprocess.run(
                ["hunspell", "-d", os.path.join(DICTIONARIES, dictionary), "-i", "utf-8", "-l"],
                input="\n".join(forms), capture_output=True, text=True, check=True,
            ).stdout
            rejected = set(listing.split("\n"))
            accepted |= {form for form in forms if form not in rejected}
        known = {word for word in vocabulary if word in accepted or word[:1].upper() + word[1:] in accepted}
        accepts[:, index] = [bool(item) and all(word in known for word in item) for item in words]
    return accepts


def show(label, figures):
    print(f"  {label:34}" + "  ".join(f"{value:6.2f}" for value in figures), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--fit", default=".build/langid-validation/tune", help="validation half to fit on")
    parser.add_argument("--data", default=".build/langid-validation/check", help="validation half to report")
    arguments = parser.parse_args()
    categories = {}
    for split in (arguments.fit, arguments.data):
        evaluation = tune.Evaluation(arguments.model, split)
        runtime = tune.runtime_from(evaluation.model, {})
        for name in tune.CATEGORIES:
            texts = []
            for code in evaluation.languages:
                path = os.path.join(split, code, f"{name}.txt")
                if os.path.exists(path):
                    with open(path, encoding="utf-8") as handle:
                        texts += [line.rstrip("\n") for line in handle if line.strip()]
            categories[split, name] = Category(evaluation, runtime, name, texts)
    learned = fit_logistic([categories[arguments.fit, name] for name in tune.CATEGORIES])
    has_hunspell = shutil.which("hunspell") is not None
    print("policy                                 none  correct   wrong   (macro %, " + arguments.data + ")")
    for name in tune.CATEGORIES:
        category = categories[arguments.data, name]
        print(name)
        for bonus in (2.5, 4, 6, 8, 12):
            show(f"additive {bonus} nats", category.evaluate(category.margin <= bonus))
        probability = learned_probability(category, learned)
        for threshold in (0.5, 0.3, 0.2, 0.1, 0.05):
            chosen = (category.margin <= 0) | ((category.margin < 30) & (probability >= threshold))
            show(f"learned, P(hint) >= {threshold}", category.evaluate(chosen))
        if has_hunspell:
            accepts = lexicon_accepts(category)
            for bonus in (4, 8, 20, 1000):
                show(f"lexicon: 2.5, or {bonus} if accepted", category.evaluate(category.margin <= np.where(accepts, bonus, 2.5)))


if __name__ == "__main__":
    main()
