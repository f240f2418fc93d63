"""Compile the router's language tables from simplemma's dictionaries: ``python -m agents.routing.compile``.

Run it after changing a lexicon (``agents/routing/lexicons/``) or the reading code; it takes about half a minute
(simplemma loads six dictionaries, then every real word is tried on the speller) and rewrites
``agents/routing/compiled.json`` (see ``agents.routing.compiled``). ``--check`` only says whether the file is
current.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from importlib.metadata import version
from typing import TypedDict

from .compiled import COMPILED, source_digest, tables
from .lexicons import ENGLISH, LANGUAGES, LEXICONS, NOT_TYPOS, STOPWORDS
from .terms import Reader, english_vocabulary
from .text import fold, normalise, stem, tokens, transliterate_german


def _dictionary(lang: str) -> Mapping[str, str]:
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    return DefaultDictionaryFactory(cache_max_size=len(LANGUAGES)).get_dictionary(lang)


def _lexicon_words(lang: str) -> set[str]:
    stop = STOPWORDS[lang] | STOPWORDS[ENGLISH]
    words: set[str] = set()
    for phrases in LEXICONS[lang].values():
        for phrase in phrases:
            if phrase.startswith("#"):
                continue
            words.update(t for t in tokens(normalise(phrase.removeprefix("@"))) if len(t) > 1 and t not in stop)
    return words


def compile_forms(lang: str, dictionary: Mapping[str, str]) -> dict[str, str]:
    """Every form of every lexicon word of ``lang`` → the word's lemma (casefolded; also without accents)."""
    import simplemma

    inverse: dict[str, set[str]] = defaultdict(set)
    for form, lemma in dictionary.items():
        inverse[lemma.casefold()].add(form.casefold())
    forms: dict[str, str] = {}
    for word in sorted(_lexicon_words(lang)):
        lemma = simplemma.lemmatize(word, lang=lang).casefold()
        forms[word] = lemma
        forms.setdefault(lemma, lemma)
    for lemma in sorted(set(forms.values())):
        for form in sorted(inverse.get(lemma, ())):
            forms.setdefault(form, lemma)
    for form, lemma in sorted(forms.items()):
        variants = {fold(form), transliterate_german(form)} if lang == "de" else {fold(form)}
        for variant in sorted(variants):
            forms.setdefault(variant, lemma)
    return dict(sorted(forms.items()))


def compile_english_forms(dictionary: Mapping[str, str], vocabulary: frozenset[str]) -> dict[str, str]:
    """English inflections the light stemmer misses ("acquired", "wrote") → the router term of their lemma."""
    forms: dict[str, str] = {}
    for form, lemma in dictionary.items():
        form, lemma = form.casefold(), lemma.casefold()
        if lemma in vocabulary and stem(form) not in vocabulary and form.isalpha():
            forms.setdefault(form, lemma)
    return dict(sorted(forms.items()))


def compile_protected(reader: Reader, words: Iterable[str]) -> list[str]:
    """The real words the reader would otherwise correct: not router words, yet one edit from one."""
    found = set()
    for raw in words:
        word = raw.casefold()
        if word not in found and word.isalpha() and reader.known(word) is None and reader.candidate(word):
            found.add(word)
    return sorted(found)


class Compiled(TypedDict):
    digest: str
    simplemma: str
    forms: dict[str, dict[str, str]]
    protected: dict[str, list[str]]


def build() -> Compiled:
    dictionaries = {lang: _dictionary(lang) for lang in LANGUAGES}
    vocabulary = english_vocabulary(p for phrases in LEXICONS[ENGLISH].values() for p in phrases)
    forms = {lang: compile_forms(lang, dictionaries[lang]) for lang in LANGUAGES if lang != ENGLISH}
    forms[ENGLISH] = compile_english_forms(dictionaries[ENGLISH], vocabulary)
    protected: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        reader = Reader(lang, forms.get(lang, {}), vocabulary)
        words = [*dictionaries[lang], *NOT_TYPOS[lang], *NOT_TYPOS[ENGLISH]]
        if lang != ENGLISH:
            words += [*dictionaries[ENGLISH]]
        protected[lang] = compile_protected(reader, words)
    return {"digest": source_digest(), "simplemma": version("simplemma"), "forms": forms, "protected": protected}


def is_current() -> bool:
    return COMPILED.exists() and tables().digest == source_digest() and tables().simplemma == version("simplemma")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when compiled.json is not current")
    if parser.parse_args(argv).check:
        current = is_current()
        print("compiled.json is current" if current else "compiled.json is stale: run python -m agents.routing.compile")
        return 0 if current else 1
    data = build()
    COMPILED.write_text(json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    sizes = ", ".join(
        f"{lang} {len(data['forms'].get(lang, {}))} forms/{len(data['protected'][lang])} protected"
        for lang in LANGUAGES
    )
    print(f"wrote {COMPILED.name}: {sizes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
