"""Reads an unknown word as a known one a single edit away ("campain" → "campaign"), never a real word.

A SymSpell-style index of every known word with one letter deleted finds a missing, extra, wrong or swapped
letter with dictionary look-ups only. Words shorter than FUZZY_MIN_LENGTH are left alone: too many short words
are one edit from each other.

The speller itself knows only the router's vocabulary; what keeps it from turning real words into router words
("context" → "content", "export" → "report", "lawyer" → "player") is the reader (``agents.routing.terms``),
which asks it only about words that are not real words of the request's language (``compiled.json``'s
``protected`` lists, computed from simplemma's dictionaries by ``agents/routing/compile.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

FUZZY_MIN_LENGTH = 5


def _deletions(word: str) -> Iterator[str]:
    return (word[:i] + word[i + 1 :] for i in range(len(word)))


class Speller:
    def __init__(self, vocabulary: Iterable[str]):
        self.vocabulary = frozenset(vocabulary)
        self.deletes: dict[str, str] = {}
        for word in sorted(self.vocabulary):
            if len(word) >= FUZZY_MIN_LENGTH and word.isalpha():
                for shorter in _deletions(word):
                    self.deletes.setdefault(shorter, word)

    def correct(self, word: str) -> str:
        """The vocabulary word ``word`` is one edit from, or ``word`` itself."""
        if word in self.vocabulary or len(word) < FUZZY_MIN_LENGTH or not word.isalpha():
            return word
        if word in self.deletes:
            return self.deletes[word]
        shorter = list(_deletions(word))
        known = next((candidate for candidate in shorter if candidate in self.vocabulary), None)
        return known or next((self.deletes[c] for c in shorter if c in self.deletes), word)
