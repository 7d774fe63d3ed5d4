"""The binary model file: writer (for build-model.py) and reader (for tune.py).

Layout, all integers little-endian, every section 8-byte aligned:

    header    "CHLANGID", u32 version, u32 section count, then per section: 4-byte tag,
              u32 offset, u32 length (bytes)
    LANG      per language: 8-byte code (NUL padded), u32 script mask, u16 OOV cost, u16 flags
              (bit 0: has word and n-gram entries)
    PARM      sorted (4-byte tag, i32 value) pairs: the scorer's runtime parameters, in cost
              units (nats × UNIT) unless the tag says otherwise
    CPAG      u16 per 256 code points: which CHRS page describes them
    CHRS      256 u32 entries per page (see langid_text.CharacterTable)
    CSEC      u32 second code points of two-point folds
    WBKT/WENT word table: u32 bucket starts (buckets + 1), then u32 entries
    NBKT/NENT n-gram table, same layout

A table entry is fingerprint (bits 0-15) | language index (16-20) | cost (24-31). A key's hash
picks bucket `(hash >> 32) & (buckets - 1)`; its entries are the bucket's entries whose
fingerprint is `hash & 0xFFFF`, one per language that has the key. Entries in a bucket are
sorted by (fingerprint, language): the file is deterministic and a lookup can stop early.
Buckets hold eight entries on average (a 32-bit start per bucket costs half a byte an entry).
"""

import struct
from dataclasses import dataclass

import langid_text as text

MAGIC = b"CHLANGID"
VERSION = 1
ENTRIES_PER_BUCKET = 8


@dataclass
class Language:
    code: str
    script_mask: int
    oov_cost: int
    modelled: bool


def _table(keyed_costs, hash_function):
    """Buckets and entries for {language index: {points: cost}}."""
    rows = []
    for language, costs in sorted(keyed_costs.items()):
        for points, cost in costs.items():
            value = hash_function(points)
            rows.append((value >> 32, value & 0xFFFF, language, cost))
    buckets = 1
    while buckets * ENTRIES_PER_BUCKET < len(rows):
        buckets *= 2
    by_bucket = [[] for _ in range(buckets)]
    for high, fingerprint, language, cost in rows:
        by_bucket[high & (buckets - 1)].append((fingerprint, language, cost))
    starts = [0]
    entries = []
    for bucket in by_bucket:
        for fingerprint, language, cost in sorted(bucket):
            entries.append(fingerprint | language << 16 | cost << 24)
        starts.append(len(entries))
    return struct.pack(f"<{len(starts)}I", *starts), struct.pack(f"<{len(entries)}I", *entries)


def write(languages, words, ngrams, runtime, table):
    index_of = {language.code: index for index, language in enumerate(languages)}
    sections = []

    lang = b""
    for language in languages:
        lang += struct.pack(
            "<8sIHH", language.code.encode(), language.script_mask, language.oov_cost, int(language.modelled))
    sections.append((b"LANG", lang))

    parameters = sorted((tag.encode(), value) for tag, value in runtime_values(runtime).items())
    sections.append((b"PARM", b"".join(struct.pack("<4si", tag, value) for tag, value in parameters)))

    page_index, pages, seconds = table.pages()
    sections.append((b"CPAG", struct.pack(f"<{len(page_index)}H", *page_index)))
    sections.append((b"CHRS", b"".join(struct.pack("<256I", *page) for page in pages)))
    sections.append((b"CSEC", struct.pack(f"<{len(seconds)}I", *seconds)))

    word_buckets, word_entries = _table({index_of[code]: costs for code, costs in words.items()}, text.word_hash)
    sections.append((b"WBKT", word_buckets))
    sections.append((b"WENT", word_entries))
    gram_buckets, gram_entries = _table({index_of[code]: costs for code, costs in ngrams.items()}, text.ngram_hash)
    sections.append((b"NBKT", gram_buckets))
    sections.append((b"NENT", gram_entries))

    header_length = 16 + 12 * len(sections)
    offset = (header_length + 7) // 8 * 8
    header = MAGIC + struct.pack("<II", VERSION, len(sections))
    body = b""
    for tag, payload in sections:
        header += struct.pack("<4sII", tag, offset + len(body), len(payload))
        body += payload + b"\0" * (-len(payload) % 8)
    header += b"\0" * (offset - len(header))
    return header + body


def runtime_values(runtime):
    """PARM values: costs in units, the temperature in thousandths of a unit."""
    unit = runtime["unit"]
    values = {"UNIT": unit, "ORDR": runtime["order"]}
    for tag, name in [
        ("BOFF", "backoff"), ("UNSN", "unseen"), ("OWNT", "own_token"), ("OWNC", "own_point"),
        ("FLTT", "latin_token"), ("FLTC", "latin_point"), ("FOTT", "foreign_token"), ("FOTC", "foreign_point"),
        ("LOCB", "locale_bonus"), ("REGB", "region_bonus"), ("RECB", "recent_bonus"),
    ]:
        values[tag] = round(runtime[name] * unit)
    values["TMP0"] = round(runtime["temperature"] * unit * 1000)
    values["TMP1"] = round(runtime["temperature_per_token"] * unit * 1000)
    return values


class Model:
    """The parsed file, as the Swift `LanguageModel` sees it."""

    def __init__(self, blob):
        assert blob[:8] == MAGIC
        version, count = struct.unpack_from("<II", blob, 8)
        assert version == VERSION
        self.sections = {}
        for number in range(count):
            tag, offset, length = struct.unpack_from("<4sII", blob, 16 + 12 * number)
            self.sections[tag.decode()] = blob[offset : offset + length]
        self.languages = []
        lang = self.sections["LANG"]
        for start in range(0, len(lang), 16):
            code, mask, oov, flags = struct.unpack_from("<8sIHH", lang, start)
            self.languages.append(Language(code.rstrip(b"\0").decode(), mask, oov, bool(flags & 1)))
        parm = self.sections["PARM"]
        self.parameters = {
            parm[start : start + 4].decode(): struct.unpack_from("<i", parm, start + 4)[0]
            for start in range(0, len(parm), 8)
        }
        self.page_index = struct.unpack(f"<{len(self.sections['CPAG']) // 2}H", self.sections["CPAG"])
        self.pages = self.sections["CHRS"]
        self.seconds = struct.unpack(f"<{len(self.sections['CSEC']) // 4}I", self.sections["CSEC"])
        self.words = self._read_table("WBKT", "WENT")
        self.ngrams = self._read_table("NBKT", "NENT")

    def _read_table(self, buckets_tag, entries_tag):
        starts = struct.unpack(f"<{len(self.sections[buckets_tag]) // 4}I", self.sections[buckets_tag])
        entries = struct.unpack(f"<{len(self.sections[entries_tag]) // 4}I", self.sections[entries_tag])
        return starts, entries

    def character(self, code_point):
        """(kind, script id, folded points), decoded from the file exactly as Swift does."""
        page = self.page_index[code_point >> 8]
        (entry,) = struct.unpack_from("<I", self.pages, (page * 256 + (code_point & 0xFF)) * 4)
        kind = entry >> 25 & 3
        script = entry >> 21 & 15
        if kind in (text.SEPARATOR, text.IGNORED):
            return kind, script, ()
        folded = ((code_point + (entry & 0x1FFFFF)) % (1 << 21),)
        second = entry >> 27
        if second:
            folded += (self.seconds[second - 1],)
        return kind, script, folded

    @staticmethod
    def lookup(table, value):
        """[(language index, cost)] for a key's hash."""
        starts, entries = table
        bucket = value >> 32 & (len(starts) - 2)
        fingerprint = value & 0xFFFF
        found = []
        for entry in entries[starts[bucket] : starts[bucket + 1]]:
            if entry & 0xFFFF == fingerprint:
                found.append((entry >> 16 & 31, entry >> 24))
        return found
