"""Character classes, case folding and tokenization shared by the model builder and the tuner.

The Swift scorer (Sources/ChorusLanguage) does not re-implement any of this from Unicode data:
it reads the character table this module writes into the model, so the builder and the scorer
agree on every code point by construction. What Swift does re-implement is the small loop in
`tokens()` (runs of letters and marks, split where the script changes) and the hashes below.
"""

import unicodedata

# Script classes. Values are stored in the model; Swift mirrors them in `ModelScript`.
SEPARATOR_SCRIPT = 0
SCRIPTS = [
    "none", "latin", "greek", "cyrillic", "hebrew", "arabic", "devanagari", "thai", "hangul",
    "han", "hiragana", "katakana", "other",
]
SCRIPT_ID = {name: index for index, name in enumerate(SCRIPTS)}

# Kinds of code point.
SEPARATOR, LETTER, MARK, IGNORED = 0, 1, 2, 3

# Word-boundary symbols for character n-grams: control characters never occur inside a token.
WORD_START, WORD_END = 0x02, 0x03

# Ranges decided by hand where Unicode's script property is not in Python's standard library.
_SCRIPT_RANGES = [
    (0x0000, 0x0250, "latin"), (0x1E00, 0x1F00, "latin"), (0x2C60, 0x2C80, "latin"),
    (0xA720, 0xA800, "latin"), (0xAB30, 0xAB70, "latin"), (0xFB00, 0xFB07, "latin"),
    (0xFF21, 0xFF5B, "latin"), (0x0250, 0x02B0, "latin"),
    (0x0370, 0x0400, "greek"), (0x1F00, 0x2000, "greek"),
    (0x0400, 0x0530, "cyrillic"), (0x1C80, 0x1C90, "cyrillic"), (0x2DE0, 0x2E00, "cyrillic"),
    (0xA640, 0xA6A0, "cyrillic"),
    (0x0590, 0x0600, "hebrew"), (0xFB1D, 0xFB50, "hebrew"),
    (0x0600, 0x0700, "arabic"), (0x0750, 0x0780, "arabic"), (0x0870, 0x0900, "arabic"),
    (0xFB50, 0xFE00, "arabic"), (0xFE70, 0xFF00, "arabic"),
    (0x0900, 0x0980, "devanagari"), (0xA8E0, 0xA900, "devanagari"),
    (0x0E00, 0x0E80, "thai"),
    (0x1100, 0x1200, "hangul"), (0x3130, 0x3190, "hangul"), (0xA960, 0xA980, "hangul"),
    (0xAC00, 0xD7B0, "hangul"), (0xD7B0, 0xD800, "hangul"), (0xFFA0, 0xFFDD, "hangul"),
    (0x3040, 0x30A0, "hiragana"), (0x1B000, 0x1B170, "hiragana"),
    (0x30A0, 0x3100, "katakana"), (0x31F0, 0x3200, "katakana"), (0xFF66, 0xFFA0, "katakana"),
    (0x3005, 0x3008, "han"), (0x3021, 0x302A, "han"), (0x3400, 0x4DC0, "han"),
    (0x4E00, 0xA000, "han"), (0xF900, 0xFB00, "han"), (0x20000, 0x40000, "han"),
]

# Letters that mean the same to a reader and differ only by keyboard or font: Romanian comma
# below versus Turkish/legacy cedilla, and the dotted capital I, which casefolds to two points.
_SAME_LETTER = {"ș": "ş", "ț": "ţ", "İ": "i"}
# Apostrophes of every kind split words (`don't` → `don`, `t`; Ukrainian `м'ясо` → `м`, `ясо`):
# chat spells them at least four ways, and wordfreq keeps some and splits others.
_APOSTROPHES = {0x02B9, 0x02BB, 0x02BC, 0x02BD, 0x02C8}
# U+2139 INFORMATION SOURCE is a lowercase letter that renders as an emoji.
_EMOJI_LETTERS = {0x2139}
# Zero-width joiners, soft hyphen, variation selectors: invisible, never split a word.
_INVISIBLE = {0x00AD, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF} | set(range(0xFE00, 0xFE10))
# Abjad vowel points and the tatweel: wordfreq removes them, so the scorer must too.
_ABJAD_MARK_SCRIPTS = {"hebrew", "arabic"}


def script_of(code_point):
    for lower, upper, name in _SCRIPT_RANGES:
        if lower <= code_point < upper:
            return name
    return "other"


def classify(code_point):
    """(kind, script name, folded code points) for one code point."""
    char = chr(code_point)
    category = unicodedata.category(char)
    if code_point in _INVISIBLE:
        return IGNORED, "none", ()
    if category[0] not in "LM" or code_point in _APOSTROPHES or code_point in _EMOJI_LETTERS:
        return SEPARATOR, "none", ()
    script = script_of(code_point)
    if category[0] == "M" or code_point == 0x0640:
        if script in _ABJAD_MARK_SCRIPTS:
            return IGNORED, "none", ()
        return MARK, script, (code_point,)
    folded = _fold(char)
    return LETTER, script, tuple(ord(c) for c in folded)


def _fold(char):
    if char in _SAME_LETTER:
        return _SAME_LETTER[char]
    folded = unicodedata.normalize("NFKC", char).casefold()
    folded = "".join(_SAME_LETTER.get(c, c) for c in folded)
    letters_only = all(unicodedata.category(c)[0] in "LM" for c in folded)
    # At most two code points, both in the same script class as the letter (ß → ss, ǆ → dž):
    # the table stores a second point for only those; anything longer stays as it was.
    if not letters_only or len(folded) > 2 or folded == "":
        single = char.lower()
        return single if len(single) == 1 else char
    return folded


def run_class(script):
    """Run class id of a script id: Han, hiragana and katakana are one class."""
    return SCRIPT_ID["han"] if script in (SCRIPT_ID["hiragana"], SCRIPT_ID["katakana"]) else script


def _is_digit(char):
    return "0" <= char <= "9"


def tokens(text, character):
    """[(run class id, tuple of folded code points)]: the exact loop the Swift scorer runs.

    `character(code_point)` gives (kind, script id, folded points): `CharacterTable.get` when
    building, the model file's own table when scoring. A token is a maximal run of letters and
    marks; it ends at any other character and where the run class changes (`iPhone新款` is two
    tokens). A mark with no letter before it is dropped. A Latin run touching an ASCII digit
    (`2x`, `mp3`, `4k`) is dropped too: chat uses those as units and model numbers, not words.
    """
    result = []
    current = []
    run = None
    after_digit = False
    previous_digit = False

    def close(next_is_digit):
        if current and not (run == SCRIPT_ID["latin"] and (after_digit or next_is_digit)):
            result.append((run, tuple(current)))
        current.clear()

    for char in text:
        kind, script, folded = character(ord(char))
        if kind == IGNORED:
            continue
        if kind == SEPARATOR:
            close(_is_digit(char))
            previous_digit = _is_digit(char)
            continue
        if kind == MARK:
            if current:
                current.extend(folded)
            continue
        letter_run = run_class(script)
        if current and letter_run != run:
            close(False)
        if not current:
            run = letter_run
            after_digit = previous_digit
        current.extend(folded)
        previous_digit = False
    close(False)
    return result


MASK64 = (1 << 64) - 1


def mix(value):
    """MurmurHash3's 64-bit finalizer: spreads FNV's weak low bits over the whole word."""
    value ^= value >> 33
    value = (value * 0xFF51AFD7ED558CCD) & MASK64
    value ^= value >> 33
    value = (value * 0xC4CEB9FE1A85EC53) & MASK64
    value ^= value >> 33
    return value


FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3


def hash_points(points, seed):
    """FNV-1a over code points (one step per point, not per byte), then `mix`."""
    value = FNV_OFFSET ^ seed
    for point in points:
        value = ((value ^ point) * FNV_PRIME) & MASK64
    return mix(value)


WORD_SEED = 0x57
NGRAM_SEED = 0x4E


def word_hash(points):
    return hash_points(points, WORD_SEED)


def ngram_hash(gram):
    """N-grams are hashed newest point first, so the scorer gets every order ending at a point
    from one pass: each longer n-gram's hash state extends the shorter one's."""
    return hash_points(reversed(gram), NGRAM_SEED)


class CharacterTable:
    """`classify` for every code point, cached, and its compact form for the model file.

    The file stores one 32-bit entry per code point in 256-point pages; identical pages are
    stored once (an entry holds the fold as an offset, so a page of unchanged letters of one
    script repeats across a block). Entry bits: 0-20 offset to the folded point (mod 2^21),
    21-24 script id, 25-26 kind, 27-31 index+1 of a second folded point (0: none).
    """

    PLANES_END = 0x110000

    def __init__(self):
        self._cache = {}

    def get(self, code_point):
        """(kind, script id, folded points)."""
        found = self._cache.get(code_point)
        if found is None:
            kind, script, folded = classify(code_point)
            found = (kind, SCRIPT_ID[script], folded)
            self._cache[code_point] = found
        return found

    def pages(self):
        """(page index per 256 points, unique pages as lists of entries, second points)."""
        seconds = []
        unique = {}
        order = []
        index = []
        for page in range(self.PLANES_END // 256):
            entries = []
            for code_point in range(page * 256, page * 256 + 256):
                entries.append(self._entry(code_point, seconds))
            key = tuple(entries)
            if key not in unique:
                unique[key] = len(order)
                order.append(key)
            index.append(unique[key])
        return index, order, seconds

    def _entry(self, code_point, seconds):
        kind, script, folded = self.get(code_point)
        if kind in (SEPARATOR, IGNORED) or not folded:
            return kind << 25
        offset = (folded[0] - code_point) % (1 << 21)
        second = 0
        if len(folded) == 2:
            if folded[1] not in seconds and len(seconds) < 31:
                seconds.append(folded[1])
            second = seconds.index(folded[1]) + 1 if folded[1] in seconds else 0
        return offset | script << 21 | kind << 25 | second << 27
