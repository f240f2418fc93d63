"""Figures written in text, read as exact decimals with the precision they were written to.

Used wherever code checks figures against each other: the evidence analyst (do two sources state the same
value?) and the agents that check a model's prose against the figures code computed (does every number the
model wrote come from them?).

* A figure is a number as written (``1,200``, ``3.5``, ``12``), optionally followed by a multiplier word or
  letter (thousand/k, million/m/mn, billion/bn/b, trillion/tn) and/or a percent sign or word. Its value is an
  exact ``Decimal``.
* **Precision** is half a unit in the last place written, scaled by the multiplier: ``12%`` stands for 11.5–12.5,
  ``$5.2 billion`` for 5.15–5.25 billion, ``38,500`` for 38,499.5–38,500.5. Trailing zeros of a whole number are
  taken as written (``39,000`` is 39,000, not "about 39 thousand"): text does not say whether they are rounded,
  and reading them as exact is what lets two sources that say 39,000 and 38,500 disagree.
* Two figures **agree** when their intervals overlap (touching ends do not count: 12 % and 13 % disagree,
  12 % and 12.3 % agree); a figure **traces** to
  a computed one when the computed value, rounded as the figure was written, gives the figure (in prose, a whole
  number's trailing zeros may round when two significant digits remain: "about 2,100" traces to 2,133.33, but
  "40" does not trace to 45).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

MULTIPLIERS = {
    "thousand": 3, "k": 3, "million": 6, "mn": 6, "m": 6, "billion": 9, "bn": 9, "b": 9, "trillion": 12, "tn": 12,
}  # fmt: skip
NUMBER = r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d])"
MULTIPLIER = r"(?:\s?(?:thousand|million|billion|trillion)\b|(?:bn|mn|tn|k|m|b)\b)"
PERCENT = r"(?:\s?%|\s?per\s?cent\b|\s?percent\b)"
_FIGURE = re.compile(rf"(?P<n>{NUMBER})(?P<mult>{MULTIPLIER})?(?P<pct>{PERCENT})?", re.IGNORECASE)
MAX_DIGITS = 60  # longer digit runs are identifiers or noise, not figures anyone states


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure as written: its text and span, exact value (percent figures in percent) and half-unit precision."""

    text: str
    start: int
    end: int
    value: Decimal
    half_unit: Decimal
    percent: bool
    # of a whole number with at least two significant digits: 2,100 has two, which prose may use to round (see
    # ``traces``); 40 has none counted, since reading it as 35–45 would let almost any small number pass
    trailing_zeros: int = 0


def read_number(digits: str, multiplier: str = "") -> tuple[Decimal, Decimal] | None:
    """The exact value of ``1,234.5`` (× the multiplier) and half a unit in its last written place."""
    plain = digits.replace(",", "")
    if len(plain) > MAX_DIGITS:
        return None
    try:
        value = Decimal(plain)
    except InvalidOperation:
        return None
    places = len(plain.split(".")[1]) if "." in plain else 0
    scale = MULTIPLIERS.get(multiplier.strip().lower(), 0)
    return value.scaleb(scale), Decimal(5).scaleb(scale - places - 1)


def find_figures(text: str) -> list[Figure]:
    """Every figure in ``text``, in order."""
    found = []
    for match in _FIGURE.finditer(text):
        read = read_number(match.group("n"), match.group("mult") or "")
        if read is not None:
            value, half = read
            digits = match.group("n").replace(",", "")
            significant = digits.rstrip("0")
            zeros = 0 if "." in digits or len(significant) < 2 else len(digits) - len(significant)
            pct = bool(match.group("pct"))
            found.append(Figure(match.group(), match.start(), match.end(), value, half, pct, zeros))
    return found


def agree(a: Decimal, a_half: Decimal, b: Decimal, b_half: Decimal) -> bool:
    """Do two written figures agree: do the intervals they stand for overlap? Intervals that only touch do not:
    12 % (11.5–12.5) and 13 % (12.5–13.5) disagree."""
    return abs(a - b) < a_half + b_half


def relative_difference(a: Decimal, b: Decimal) -> Decimal:
    """|a − b| ÷ max(|a|, |b|): 0 for equal values, 1 when one is 0 and the other is not; never above 1."""
    largest = max(abs(a), abs(b))
    return Decimal(0) if largest == 0 else abs(a - b) / largest


def traces(figure: Figure, computed: list[Decimal]) -> bool:
    """Does the written figure come from one of the computed values, rounded as it was written? In prose a whole
    number's trailing zeros may round (2,100 for 2,133.33), and a percent figure also traces to a share (3 % to
    0.03)."""
    half = figure.half_unit * 10**figure.trailing_zeros
    candidates = [figure.value] + ([figure.value / 100] if figure.percent else [])
    halves = [half] + ([half / 100] if figure.percent else [])
    return any(abs(v - c) <= h for v, h in zip(candidates, halves, strict=True) for c in computed)


def untraced(text: str, computed: list[Decimal]) -> list[Figure]:
    """The figures in ``text`` that none of the computed values gives."""
    return [f for f in find_figures(text) if not traces(f, computed)]
