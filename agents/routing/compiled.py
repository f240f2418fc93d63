"""The router's language tables, compiled from simplemma's dictionaries by ``agents/routing/compile.py``.

``compiled.json`` holds, per language, ``forms``: every form of every lexicon word (simplemma's dictionary
inverted: "Kampagnen", "Kampagne" → kampagne; also typed without accents; in English only the inflections the
light stemmer misses: "acquired" → acquire), and, per
language, ``protected``: every real word (simplemma's dictionary of that language, and of English) that the
speller would otherwise read as a router word. Loading two small tables instead of simplemma's dictionaries
keeps the router at a few megabytes and a few milliseconds to load, where the six dictionaries take 390 MB and
6 s (measured, decision 0020), and keeps routing deterministic.

The file records a digest of the sources it was compiled from (the lexicons and the reading code); a test fails
when they changed without ``python -m agents.routing.compile`` being run again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMPILED = HERE / "compiled.json"
# The files whose content decides the tables: any change to them needs a new compile.
SOURCES = ("text.py", "terms.py", "speller.py", "compile.py", "lexicons")


@dataclass(frozen=True)
class Tables:
    forms: dict[str, dict[str, str]]  # language → form → lemma
    protected: dict[str, frozenset[str]]  # language → real words the speller must leave alone
    digest: str
    simplemma: str


def source_digest() -> str:
    """sha256 over the sources in SOURCES (directories: their .py files, sorted by name)."""
    digest = hashlib.sha256()
    for name in SOURCES:
        path = HERE / name
        files = sorted(path.glob("*.py")) if path.is_dir() else [path]
        for file in files:
            digest.update(file.relative_to(HERE).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


@lru_cache(maxsize=1)
def tables() -> Tables:
    data = json.loads(COMPILED.read_text(encoding="utf-8"))
    return Tables(
        forms={lang: dict(forms) for lang, forms in data["forms"].items()},
        protected={lang: frozenset(words) for lang, words in data["protected"].items()},
        digest=data["digest"],
        simplemma=data["simplemma"],
    )
