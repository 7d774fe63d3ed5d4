#!/usr/bin/env python3
"""Checks Locales/*.json against Locales/en.json: same notice keys, the plural categories of
each language (CLDR, as ICU 72 on Debian 12 has them; the Swift tests check the same with ICU
itself), the same {placeholders} in every form, a name and a direction. Usage:

    scripts/locales/check.py [Locales/xx.json ...]     (default: every file)
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

LOCALES = Path(__file__).resolve().parents[2] / "Locales"
# uplrules_getKeywords of ICU 72 (CLDR 42), per locale file.
PLURALS = {
    "en": {"one", "other"}, "es": {"one", "many", "other"}, "pt-BR": {"one", "many", "other"},
    "fr": {"one", "many", "other"}, "de": {"one", "other"}, "it": {"one", "many", "other"},
    "nl": {"one", "other"}, "pl": {"one", "few", "many", "other"}, "ru": {"one", "few", "many", "other"},
    "uk": {"one", "few", "many", "other"}, "tr": {"one", "other"},
    "ar": {"zero", "one", "two", "few", "many", "other"}, "he": {"one", "two", "other"},
    "ja": {"other"}, "ko": {"other"}, "th": {"other"}, "vi": {"other"}, "id": {"other"},
    "zh-Hans": {"other"}, "hi": {"one", "other"},
}
RTL = {"ar", "he"}
PLACEHOLDER = re.compile(r"\{([a-z]+)\}")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def check(path: Path, english: dict) -> list[str]:
    problems: list[str] = []
    tag = path.stem
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        return [f"{path.name}: not JSON: {error}"]
    if data.get("locale") != tag:
        problems.append(f"{path.name}: locale must be {tag!r}")
    for field in ("name", "englishName"):
        if not isinstance(data.get(field), str) or not data[field].strip():
            problems.append(f"{path.name}: {field} missing")
    if data.get("direction") != ("rtl" if tag in RTL else "ltr"):
        problems.append(f"{path.name}: direction must be {'rtl' if tag in RTL else 'ltr'}")
    notices = data.get("notices", {})
    wanted = english["notices"]
    for key in sorted(set(wanted) - set(notices)):
        problems.append(f"{path.name}: missing notice {key}")
    for key in sorted(set(notices) - set(wanted)):
        problems.append(f"{path.name}: notice {key} is not in en.json")
    for key, source in wanted.items():
        value = notices.get(key)
        if value is None:
            continue
        expected = placeholders(source if isinstance(source, str) else source["other"])
        if isinstance(source, str):
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{path.name}: {key} must be a non-empty string")
                continue
            forms = {"": value}
        else:
            if not isinstance(value, dict):
                problems.append(f"{path.name}: {key} must be an object of plural forms")
                continue
            if set(value) != PLURALS[tag]:
                problems.append(f"{path.name}: {key} has forms {sorted(value)}, {tag} needs {sorted(PLURALS[tag])}")
            forms = value
        for form, text in forms.items():
            if not isinstance(text, str) or not text.strip():
                problems.append(f"{path.name}: {key}.{form} is empty")
            elif placeholders(text) != expected:
                problems.append(f"{path.name}: {key}.{form} has {sorted(placeholders(text))}, English has {sorted(expected)}")
    return problems


def main(arguments: list[str]) -> int:
    english = json.loads((LOCALES / "en.json").read_text(encoding="utf-8"))
    paths = [Path(a) for a in arguments] or sorted(LOCALES.glob("*.json"))
    problems = [p for path in paths for p in check(path, english)]
    missing = sorted(set(PLURALS) - {p.stem for p in LOCALES.glob("*.json")})
    if not arguments and missing:
        problems.append(f"missing locale files: {', '.join(missing)}")
    for problem in problems:
        print(problem)
    print(f"{len(paths)} file(s) checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
