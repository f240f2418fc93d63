"""Prompt-injection heuristics over a run's input: recorded as flags, never a block.

Marketing input is full of imperative language ("extract facts", "validate our
pricing", "ignore the noise"), so every pattern needs the *shape* of an attack
— an instruction about the model's own instructions, prompt or role — and words
match whole. A flag goes on the run and into the audit trail for a person to
look at; the run still runs, because a false positive must never stop work.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

_W = r"(?:\W+\w+){0,3}\W+"  # up to three words in between
PATTERNS: dict[str, re.Pattern[str]] = {
    "ignore_instructions": re.compile(
        rf"\b(?:ignore|disregard|forget|override)\b{_W}(?:previous|prior|above|earlier|all|any|your|the|these)\b"
        rf"(?:{_W})?(?:instructions?|prompts?|rules|guidelines|directions)\b",
        re.IGNORECASE,
    ),
    "reveal_prompt": re.compile(
        rf"\b(?:reveal|show|print|repeat|leak|output|tell me)\b{_W}(?:system|hidden|initial|original)\s+"
        r"(?:prompt|instructions|message)s?\b",
        re.IGNORECASE,
    ),
    "role_override": re.compile(
        r"\byou\s+are\s+now\s+(?:an?\s+)?(?:unrestricted|unfiltered|jailbroken|evil|uncensored|dan)\b"
        r"|\b(?:developer|god|jailbreak)\s+mode\b|\bact\s+as\s+(?:an?\s+)?(?:unrestricted|unfiltered|jailbroken)\b",
        re.IGNORECASE,
    ),
    "chat_markup": re.compile(r"<\|(?:im_start|im_end|system|endoftext)\|>|\[/?INST\]|<<SYS>>", re.IGNORECASE),
}
MAX_TEXT = 100_000  # characters scanned per run: enough for any real brief, bounded for a hostile one


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def injection_flags(data: Any) -> list[str]:
    """The heuristics that fired on any string in ``data``, as ``prompt_injection:<name>`` flags."""
    text = "\n".join(_strings(data))[:MAX_TEXT]
    return [f"prompt_injection:{name}" for name, pattern in PATTERNS.items() if pattern.search(text)]
