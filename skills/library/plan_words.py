"""The company's own words, for the sentences the channel, campaign and move agents write without a model.

Offline, an agent's text is built from what the company said about itself (its foundation, or the input), never
from a fixed profile: every sentence names the company (or, when it has no name, what it sells), so two companies
never share a sentence. Figures in sentences are formatted here so that every agent writes them the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .money import Number, dec

_SENTENCE_END = re.compile(r"(?<=[.!?])\s")
OFFER_FIELDS = ("product", "description", "industry")


def first_sentence(text: str, limit: int = 160) -> str:
    """The first sentence of ``text``, whitespace collapsed, without its final full stop, at most ``limit``
    characters (cut at a word, with an ellipsis)."""
    words = " ".join(text.split())
    sentence = _SENTENCE_END.split(words, maxsplit=1)[0].rstrip(".")
    if len(sentence) <= limit:
        return sentence
    return sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


@dataclass(frozen=True)
class Company:
    """Who the plan is for, in the company's words: its name, what it sells and to whom."""

    name: str
    offer: str
    audience: str

    @property
    def label(self) -> str:
        """How sentences name the company: its name, else what it sells."""
        return self.name or f"the company behind “{first_sentence(self.offer, 60)}”"

    @property
    def known(self) -> bool:
        """Whether anything says what the company sells (else an agent asks)."""
        return bool(self.offer)


def company_from(foundation: dict[str, Any], offer: str = "") -> Company:
    """The company from its foundation; ``offer`` (the input's words) wins over the foundation's product,
    description or industry, in that order."""
    said = [offer, *(str(foundation.get(field) or "") for field in OFFER_FIELDS)]
    return Company(
        name=" ".join(str(foundation.get("company") or "").split()),
        offer=next((first_sentence(text) for text in said if text.strip()), ""),
        audience=first_sentence(str(foundation.get("audience") or "")),
    )


def offer_question(company: Company) -> dict[str, Any]:
    """The question an agent asks when nothing says what the company sells."""
    who = company.name or "your company"
    return {
        "key": "offer",
        "prompt": f"What does {who} sell, and to whom? One or two sentences.",
        "schema": {"type": "string", "minLength": 3, "maxLength": 500},
    }


def usd(amount: Number) -> str:
    """Dollars as people write them: $1,070, $1.07, $177.25 (cents only when there are some)."""
    value = dec(amount).quantize(dec("0.01"))
    return f"${value:,.0f}" if value == value.to_integral_value() else f"${value:,.2f}"


def plural(count: int, word: str, many: str = "") -> str:
    """'1 channel', '3 channels' ('person' → 'people' with ``many``)."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def listed(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
