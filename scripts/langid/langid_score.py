"""Reference scorer: the Swift `ModelTagger` algorithm in Python, vectorized for tuning.

Texts are tokenized once; every distinct token is scored once into per-language terms that
are linear in the runtime parameters, so a parameter sweep only redoes array arithmetic.
The Swift scorer is the product; this file exists to choose its parameters on validation data.
To check the two agree, compare `tune.py --model F` with `chorus-bench langid --model F
--devset .build/langid-validation/tune --wrong-hint-sample 100000` (they differ only where
this file's simpler link filter does).
"""

import re

import numpy as np

import langid_text as text

# Whitespace-delimited words that are links, mentions or tags (the Swift LinkDetector is more
# careful; validation text has few of these).
_LINKISH = re.compile(r"^(?:[@#]\w|\S*://|www\.)|^\S+@\S+\.\S+$", re.IGNORECASE)
_HAN_RUN = text.SCRIPT_ID["han"]
_LATIN = text.SCRIPT_ID["latin"]
_KANA = (text.SCRIPT_ID["hiragana"], text.SCRIPT_ID["katakana"])
_OTHER = text.SCRIPT_ID["other"]
INFINITY = 1 << 20


class TokenTable:
    """Every distinct token of a corpus with its cost terms, as arrays (token × language)."""

    def __init__(self, model):
        self.model = model
        self.count = len(model.languages)
        self.index = {}
        self.runs = []
        self.lengths = []
        self.word = []
        self.char_base = []
        self.backoffs = []
        self.unseens = []
        self.order = model.parameters["ORDR"]
        self.modelled = [language.modelled for language in model.languages]
        self.run_languages = {}
        for run in range(len(text.SCRIPTS)):
            scripts = [run] if run != _HAN_RUN else [_HAN_RUN, *_KANA]
            self.run_languages[run] = [
                index
                for index, language in enumerate(model.languages)
                if any(language.script_mask >> script & 1 for script in scripts)
            ]

    def tokenize(self, message):
        """Token ids, in order; links and handles removed first."""
        kept = " ".join(word for word in message.split() if not _LINKISH.match(word))
        return [self._id(run, points) for run, points in text.tokens(kept, self.model.character)]

    def _id(self, run, points):
        key = (run, points)
        found = self.index.get(key)
        if found is not None:
            return found
        found = len(self.runs)
        self.index[key] = found
        self.runs.append(run)
        self.lengths.append(len(points))
        word = [INFINITY] * self.count
        base = [0] * self.count
        backoffs = [0] * self.count
        unseens = [0] * self.count
        languages = [index for index in self.run_languages.get(run, []) if self.modelled[index]]
        if languages:
            for language, cost in self.model.lookup(self.model.words, text.word_hash(points)):
                word[language] = cost
            self._characters(run, points, set(languages), base, backoffs, unseens)
        self.word.append(word)
        self.char_base.append(base)
        self.backoffs.append(backoffs)
        self.unseens.append(unseens)
        return found

    def _characters(self, run, points, languages, base, backoffs, unseens):
        cjk = run == _HAN_RUN
        sequence = points if cjk else (text.WORD_START, *points, text.WORD_END)
        for end in range(0 if cjk else 1, len(sequence)):
            pending = set(languages)
            top = min(self.order, end + 1)
            for length in range(top, 0, -1):
                gram = sequence[end - length + 1 : end + 1]
                for language, cost in self.model.lookup(self.model.ngrams, text.ngram_hash(gram)):
                    if language in pending:
                        base[language] += cost
                        backoffs[language] += top - length
                        pending.discard(language)
                if not pending:
                    break
            for language in pending:
                unseens[language] += 1

    def arrays(self):
        self.run_array = np.array(self.runs, dtype=np.int64)
        self.length_array = np.array(self.lengths, dtype=np.int64)
        self.word_array = np.array(self.word, dtype=np.int64).reshape(-1, self.count)
        self.base_array = np.array(self.char_base, dtype=np.int64).reshape(-1, self.count)
        self.backoff_array = np.array(self.backoffs, dtype=np.int64).reshape(-1, self.count)
        self.unseen_array = np.array(self.unseens, dtype=np.int64).reshape(-1, self.count)
        in_run = np.zeros((len(self.runs), self.count), dtype=bool)
        for token, run in enumerate(self.runs):
            in_run[token, self.run_languages.get(run, [])] = True
        self.in_run = in_run
        self.modelled_array = np.array(self.modelled, dtype=bool)


class Corpus:
    """Items (texts) as token-id lists, flattened for numpy."""

    def __init__(self, table, texts):
        self.table = table
        self.token_lists = [table.tokenize(message) for message in texts]

    def finish(self):
        self.lengths = np.array([len(ids) for ids in self.token_lists], dtype=np.int64)
        self.flat = np.array([i for ids in self.token_lists for i in ids], dtype=np.int64)
        self.owner = np.repeat(np.arange(len(self.token_lists)), self.lengths)


def token_costs(table, runtime, oov, candidates):
    """Cost of every distinct token in every language (units), with candidates applied."""
    char = table.base_array + runtime["BOFF"] * table.backoff_array + runtime["UNSN"] * table.unseen_array
    modelled_cost = np.minimum(table.word_array, oov[None, :] + char)
    points = table.length_array[:, None]
    # Languages without a model (the only one of their script) pay a flat spelling cost.
    own = runtime["OWNT"] + runtime["OWNC"] * points
    costs = np.where(table.modelled_array[None, :], modelled_cost, own)
    foreign = np.where(
        table.run_array[:, None] == _LATIN,
        runtime["FLTT"] + runtime["FLTC"] * points,
        runtime["FOTT"] + runtime["FOTC"] * points,
    )
    costs = np.where(table.in_run, costs, foreign)
    ignored = table.run_array == _OTHER
    costs[ignored] = 0
    return costs[:, candidates]


def item_costs(corpus, costs, in_run):
    """(items × candidates) summed costs, and whether each candidate's script occurs."""
    count = len(corpus.lengths)
    totals = np.zeros((count, costs.shape[1]), dtype=np.int64)
    present = np.zeros((count, costs.shape[1]), dtype=np.int64)
    np.add.at(totals, corpus.owner, costs[corpus.flat])
    np.add.at(present, corpus.owner, in_run[corpus.flat])
    return totals, present > 0


def decide(totals, present, bonus, temperature_units, tokens):
    """Winner index (-1: und) and confidence per item, as the Swift scorer decides."""
    scored = np.where(present, totals - bonus, INFINITY * 4)
    winner = np.argmin(scored, axis=1)
    any_present = present.any(axis=1)
    best = scored[np.arange(len(scored)), winner]
    temperature = np.maximum(temperature_units[0] + temperature_units[1] * tokens, 1e-3)
    margins = (scored - best[:, None]) / temperature[:, None]
    weights = np.where(present, np.exp(-np.minimum(margins, 700)), 0).sum(axis=1)
    confidence = 1 / np.maximum(weights, 1)
    return np.where(any_present, winner, -1), confidence
