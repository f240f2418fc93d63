"""How a request becomes words: normalisation, tokens, numbers, the English stemmer, and weighted segments.

Language-independent except :func:`stem`, which is the English router's deliberately light stemmer (the
other five languages are lemmatised with simplemma's tables, see ``agents.routing.compiled``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from functools import lru_cache

MAX_NGRAM = 3
QUOTED_WEIGHT = 0.25
# A long request is mostly background; its instruction is the first sentence or one of the last two. The other
# sentences still count, at this weight, so that the background can settle a close call.
LONG_SENTENCES = 4
BACKGROUND_WEIGHT = 0.4
_QUOTED = re.compile(r'"[^"]*"|“[^”]*”|«[^»]*»|„[^“”]*[“”]')
# A sentence ends at . ! ? ; or a line break; "." inside numbers ("20.000", "3.5") and abbreviations of one letter
# do not end one.
_SENTENCE_END = re.compile(r"(?<=[!?;\n])|(?<=[^\d\s.]{2}\.)\s")

# Rewrites applied to the normalised text before splitting into words, for notations that would otherwise fall
# apart into stopwords ("a/b" → "a", "b").
REWRITES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\ba\s*/\s*b\b"), " abtest "),
    (re.compile(r"\bgo\s*/\s*no[\s-]*go\b"), " gonogo "),
    (re.compile(r"\be-mail"), "email"),
    (re.compile(r"\bpre-"), "pre"),
)

# A word, a number (with its currency or percent sign), nothing else; "_" separates words.
_TOKEN = re.compile(
    r"(?:r\$\s?|[$€£])?\d[\d,.]*\s?(?:k|m|bn|%|€|\$|£|eur|euro|euros|dollars?|reais)?(?![^\W_])|[^\W\d_][^\W_]*"
)
_MONEY = re.compile(r"^(?:r\$|[$€£])|(?:k|m|bn|€|\$|£|eur|euros?|dollars?|reais)$")


def normalise(text: str) -> str:
    """Unicode-normalise and casefold, so "ＴＡＭ", "TAM" and "tam" are one term."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if "/" in text or "-" in text:  # every rewrite needs one of them; most requests have neither
        for pattern, replacement in REWRITES:
            text = pattern.sub(replacement, text)
    return text


def tokens(normalised: str) -> list[str]:
    """Words and numbers of an already normalised text, in order."""
    return _TOKEN.findall(normalised)


def is_number(token: str) -> bool:
    return token[0].isdigit() or token[0] in "$€£" or token.startswith("r$")


def number_term(token: str) -> str:
    """Numbers become a kind, not a value: "$20k" → "#money", "5%" → "#pct", "30" → "#num"."""
    token = token.replace(" ", "")
    if token.endswith("%"):
        return "#pct"
    if _MONEY.search(token):
        return "#money"
    return "#num"


def words(text: str) -> frozenset[str]:
    """A set of words written as one string, one word after another."""
    return frozenset(text.split())


def fold(word: str) -> str:
    """The word without diacritics ("größe" → "grosse", "campaña" → "campana"), as people type without them."""
    decomposed = unicodedata.normalize("NFKD", word.replace("ß", "ss"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def transliterate_german(word: str) -> str:
    """German umlauts as typed on keyboards without them: "größe" → "groesse"."""
    return word.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """A deliberately small English suffix stripper: plurals, -ing and -ed, nothing clever.

    Porter-style stemmers conflate words this router must keep apart ("marketing" → "market" would send
    every marketing request to the market sizer), so only the inflections that never change the meaning
    are removed.
    """
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word in _NO_STEM or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "ics")):
        return word[:-1]
    if word.endswith("ing") and len(word) > 5:
        return word[:-3]
    if word.endswith("ed") and not word.endswith("eed") and len(word) > 4:
        return word[:-2]
    return word


# Words whose suffix is part of the meaning: "marketing" is not "market", "news" not "new".
_IRREGULAR = {"ads": "ad"}  # too short for the plural rule, too common to miss
_NO_STEM = words("marketing pricing messaging positioning news series during something everything thing saas")


def ngrams(words: Sequence[str], longest: int = MAX_NGRAM) -> Iterator[str]:
    """Consecutive words joined by a space, one to ``longest`` words long."""
    for n in range(1, longest + 1):
        for start in range(len(words) - n + 1):
            yield " ".join(words[start : start + n])


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text) if s and s.strip()]


def segments(text: str) -> Iterator[tuple[str, float]]:
    """The text as (segment, weight) pairs, one per sentence.

    Quoted payload ("proofread this: "…"") weighs QUOTED_WEIGHT: it is the thing to work on, not the
    instruction. In a long request (LONG_SENTENCES sentences or more) the sentences other than the first and
    the last two weigh BACKGROUND_WEIGHT.
    """
    parts = list(_unquoted(text))
    plain = [(s, w) for piece, w in parts for s in (sentences(piece) if w == 1.0 else [piece])]
    spoken = [i for i, (_, w) in enumerate(plain) if w == 1.0]
    instruction = set(spoken[:1] + spoken[-2:]) if len(spoken) >= LONG_SENTENCES else set(spoken)
    for i, (segment, weight) in enumerate(plain):
        yield segment, (weight if weight != 1.0 or i in instruction else BACKGROUND_WEIGHT)


def _unquoted(text: str) -> Iterator[tuple[str, float]]:
    position = 0
    for quoted in _QUOTED.finditer(text):
        yield text[position : quoted.start()], 1.0
        yield quoted.group(), QUOTED_WEIGHT
        position = quoted.end()
    yield text[position:], 1.0


def instruction_text(text: str, limit: int) -> str:
    """The part of the text to read: the whole text up to ``limit`` characters, else its start and its end
    (a pasted article with the question at the bottom keeps its question)."""
    if len(text) <= limit:
        return text
    tail = limit // 4
    return f"{text[: limit - tail]}\n{text[-tail:]}"
