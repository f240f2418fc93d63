"""The router's curated knowledge, one module per language: stopwords, the lexicon, and words that are not typos.

Each module holds ``STOPWORDS`` (function words), ``LEXICON`` (target → {phrase: weight}, a target being an
agent slug or ``OUT_OF_SCOPE``) and ``NOT_TYPOS`` (real words its dictionary lacks). Phrases are written in
the language's own words; ``agents/routing/compile.py`` lemmatises them with simplemma and keeps the tables the
router reads at run time (``compiled.json``). Weights are on the scale of the English module's docstring.
"""

from __future__ import annotations

from types import ModuleType

from . import de, en, es, fr, it, pt

OUT_OF_SCOPE = "out_of_scope"
ENGLISH = "en"
MODULES: dict[str, ModuleType] = {"en": en, "de": de, "fr": fr, "es": es, "pt": pt, "it": it}
LANGUAGES: tuple[str, ...] = tuple(MODULES)

STOPWORDS: dict[str, frozenset[str]] = {lang: module.STOPWORDS for lang, module in MODULES.items()}
LEXICONS: dict[str, dict[str, dict[str, float]]] = {lang: module.LEXICON for lang, module in MODULES.items()}
NOT_TYPOS: dict[str, frozenset[str]] = {lang: module.NOT_TYPOS for lang, module in MODULES.items()}


def stopwords(lang: str) -> frozenset[str]:
    """A request in ``lang`` drops its own function words and English ones (English terms are everywhere)."""
    return STOPWORDS[ENGLISH] if lang == ENGLISH else STOPWORDS[lang] | STOPWORDS[ENGLISH]
