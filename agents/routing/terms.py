"""How the words of a request, in one language, become the router's terms.

A token becomes a term this way (``Reader.read``):

1. A number becomes its kind (``#money``, ``#pct``, ``#num``); a function word of the language, or of English,
   is dropped.
2. A known word becomes its term: in German, French, Spanish, Portuguese and Italian, a form of a lexicon word
   becomes that word's lemma (simplemma's dictionary, compiled into ``compiled.json``, with the forms typed
   without accents too); in English, a word is stemmed lightly (``text.stem``), and an inflection the stemmer
   misses ("acquired", "wrote") is read through the same dictionary; a German compound whose head is a known
   word becomes its parts ("Marketingbudget" → marketing, budget; "Werbekampagnen" → kampagne); any other word
   is read as English (the terms every language borrows: "Leads", "Newsletter").
3. An unknown word is corrected to a router word one edit away ("campain" → campaign), unless it is a real word
   of the request's language or of English (``compiled.json``'s ``protected`` lists: every real word the speller
   would otherwise change).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .lexicons import ENGLISH, STOPWORDS
from .speller import FUZZY_MIN_LENGTH, Speller
from .text import is_number, normalise, number_term, stem, tokens, words

# The shortest head and modifier of a German compound that the reader splits.
COMPOUND_MIN_PART = 4
COMPOUND_MIN_LENGTH = 9
_LINKING = ("s", "n", "en", "es", "e", "")
# Tokens read, remembered per reader: the words of requests recur (a Zipf distribution), and reading an unknown
# word asks the speller, the dearest step. Cleared when full.
MEMO_SIZE = 50_000
# German separable verbs leave their particle at the end of the clause ("Wie heben wir uns ab?" is "abheben").
_PARTICLES = words("ab an auf aus ein vor zu mit weg zurück fest los vorbei dar her hin nach um zusammen")
# A sentence whose first word is a subject ("we post on Instagram every day") states a fact; one that starts with
# its verb ("post these tweets", "can you schedule…") asks for an action.
SUBJECTS: dict[str, frozenset[str]] = {
    "en": words("i we they he she it our my their people everyone nobody someone"),
    "de": words("ich wir sie er unser unsere unseren mein meine niemand"),
    "fr": words("je j nous on ils elles notre nos mon ma mes personne"),
    "es": words("yo nosotros nosotras nuestro nuestra nuestros nuestras mi mis nadie"),
    "pt": words("eu nós nosso nossa nossos nossas meu minha ninguém"),
    "it": words("io noi nostro nostra nostri nostre mio mia nessuno"),
}


@dataclass
class Reader:
    """Reads tokens of one language; ``vocabulary`` is every English router term (stemmed)."""

    lang: str
    forms: dict[str, str]
    vocabulary: frozenset[str]
    protected: frozenset[str] = frozenset()
    stop: frozenset[str] = field(init=False)
    speller: Speller = field(init=False)
    _memo: dict[str, tuple[tuple[str, ...], str]] = field(init=False, default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        own = STOPWORDS[self.lang]
        self.stop = own if self.lang == ENGLISH else own | STOPWORDS[ENGLISH]
        self.speller = Speller([*self.forms, *self.vocabulary])

    # ------------------------------------------------------------------ one token

    def read(self, token: str) -> tuple[tuple[str, ...], str]:
        """(terms, correction): usually one term; none for a function word; two for a compound."""
        found = self._memo.get(token)
        if found is None:
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            terms, correction = self._read(token)
            found = self._memo[token] = (tuple(terms), correction)
        return found

    def _read(self, token: str) -> tuple[list[str], str]:
        if is_number(token):
            return [number_term(token)], ""
        if len(token) <= 1 or token in self.stop:
            return [], ""
        found = self.known(token)
        if found is not None:
            return [t for t in found if t not in self.stop], ""
        if token in self.protected:
            return self.fallback(token), ""
        corrected = self.candidate(token)
        if corrected is None:
            return self.fallback(token), ""
        return self.known(corrected) or self.fallback(corrected), f"{token}→{corrected}"

    def known(self, token: str) -> list[str] | None:
        """The token's terms when it is a router word as written (or a compound of router words)."""
        stemmed = stem(token)
        if self.lang == ENGLISH and stemmed in self.vocabulary:
            return [stemmed]
        lemma = self.forms.get(token)
        if lemma is not None:
            return [lemma]
        if stemmed in self.vocabulary:
            return [stemmed]
        if self.lang == "de" and len(token) >= COMPOUND_MIN_LENGTH:
            return self._compound(token)
        return None

    def candidate(self, token: str) -> str | None:
        """The router word the speller reads ``token`` as, if any (real words are not asked about)."""
        if len(token) < FUZZY_MIN_LENGTH or not token.isalpha():
            return None
        word = stem(token) if self.lang == ENGLISH else token
        corrected = self.speller.correct(word)
        return corrected if corrected != word else None

    def fallback(self, token: str) -> list[str]:
        return [stem(token)]

    def _compound(self, token: str) -> list[str] | None:
        for cut in range(COMPOUND_MIN_PART, len(token) - COMPOUND_MIN_PART + 1):
            head = self.forms.get(token[cut:])
            if head is None:
                continue
            modifier = token[:cut]
            for link in _LINKING:
                if link and not modifier.endswith(link):
                    continue
                base = modifier[: len(modifier) - len(link)]
                if len(base) < COMPOUND_MIN_PART - 1:
                    continue
                if base in self.forms:
                    return [self.forms[base], head]
                if stem(base) in self.vocabulary:
                    return [stem(base), head]
            return [head]  # the head of a German compound carries its meaning ("Marketingkanäle": Kanal)
        return None

    # ------------------------------------------------------------------ phrases and texts

    def terms(self, text: str, corrections: list[str] | None = None, *, correct: bool = True) -> list[str]:
        """The text's terms in order (``corrections`` collects "campain→campaign")."""
        return self.clause(normalise(text), corrections, correct=correct)[0]

    def clause(
        self, normalised: str, corrections: list[str] | None = None, *, correct: bool = True
    ) -> tuple[list[str], bool]:
        """(terms, asks) of an already normalised clause: its terms, and whether it starts with its verb (no
        subject before it)."""
        words: list[str] = []
        asks = True
        found_tokens = tokens(normalised)
        for token in found_tokens:
            if not words and token in SUBJECTS[self.lang]:
                asks = False
            found, correction = self.read(token) if correct else (tuple(self._as_written(token)), "")
            words.extend(found)
            if correction and corrections is not None:
                corrections.append(correction)
        if self.lang == "de" and found_tokens and found_tokens[-1] in _PARTICLES:
            words.extend(self._separable(found_tokens[-1], words))
        return words, asks

    def _as_written(self, token: str) -> list[str]:
        if is_number(token):
            return [number_term(token)]
        if len(token) <= 1 or token in self.stop:
            return []
        return [t for t in (self.known(token) or self.fallback(token)) if t not in self.stop]

    def _separable(self, particle: str, words: list[str]) -> list[str]:
        """The verb a clause-final particle belongs to: "heben … ab" → abheben, when that is a known verb."""
        return [self.forms[particle + word] for word in words if particle + word in self.forms][:1]

    def phrase_terms(self, phrase: str) -> list[str]:
        """A lexicon phrase's terms: as a request's, without correction ("@write" keeps its "@")."""
        action = phrase.startswith("@")
        found = self.terms(phrase.removeprefix("@"), correct=False)
        if action and found:
            found[0] = "@" + found[0]
        return found


def english_vocabulary(phrases: Iterable[str]) -> frozenset[str]:
    """Every word of the English lexicon's phrases, as the English reader makes it."""
    words: set[str] = set()
    stop = STOPWORDS[ENGLISH]
    for phrase in phrases:
        for token in tokens(normalise(phrase.removeprefix("@"))):
            if not is_number(token) and len(token) > 1 and token not in stop:
                words.add(stem(token))
    return frozenset(words)
