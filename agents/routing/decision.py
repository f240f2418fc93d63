"""What the dispatcher answers (``RouteDecision``), what it knows of each agent (``AgentCard``, ``RouterIndex``),
and the clarifying question of a ``none``. Shared by ``agents.dispatcher`` and ``agents.routing.model``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .lexicons import ENGLISH
from .terms import Reader

NONE = "none"


@dataclass(frozen=True)
class RouteDecision:
    """Where a request goes and why; ``as_dict()`` is what a run stores in ``Run.routing``.

    ``agent`` is None for ``none``: then ``clarifying_question`` names the two closest agents, and
    ``out_of_scope`` says whether the ask is one no agent does (rather than unclear). ``decided_by`` says who
    decided: ``explicit``, ``lexical``, ``model`` or ``model+lexical`` (the lexical router broke the model's tie).
    """

    agent: str | None
    confidence: float
    runner_ups: tuple[tuple[str, float], ...]
    reason: str
    matched_terms: tuple[str, ...] = ()
    score: float = 0.0
    needs_clarification: bool = False
    explicit: bool = False
    demoted: tuple[str, ...] = ()
    out_of_scope: bool = False
    clarifying_question: str = ""
    language: str = ENGLISH
    decided_by: str = "lexical"
    model: dict[str, Any] | None = None  # the model's classification and its call, when a model was asked
    lexical: dict[str, Any] | None = None  # the lexical router's decision, when the model decided

    @property
    def label(self) -> str:
        return self.agent or NONE

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "agent": self.agent,
            "confidence": round(self.confidence, 4),
            "runner_ups": [[slug, round(conf, 4)] for slug, conf in self.runner_ups],
            "reason": self.reason,
            "matched_terms": list(self.matched_terms),
            "score": round(self.score, 4),
            "needs_clarification": self.needs_clarification,
            "explicit": self.explicit,
            "demoted": list(self.demoted),
            "out_of_scope": self.out_of_scope,
            "clarifying_question": self.clarifying_question,
            "language": self.language,
            "decided_by": self.decided_by,
        }
        if self.model is not None:
            data["model"] = self.model
        if self.lexical is not None:
            data["lexical"] = self.lexical
        return data


@dataclass(frozen=True)
class AgentCard:
    """What a clarifying question (and the model) is told about an agent."""

    slug: str
    name: str
    does: str  # its description's first clause, lower-cased: "writes a blog post, social post, …"
    description: str = ""


@dataclass(frozen=True)
class RouterIndex:
    """Everything routing needs, computed once from the registry. Target OUT (= len(slugs)) is out of scope."""

    slugs: tuple[str, ...]
    weights: dict[str, tuple[tuple[int, float], ...]]  # feature → ((target index, weight), …)
    readers: dict[str, Reader]
    explicit: re.Pattern[str]
    aliases: dict[str, str]  # an agent's name or slug, letters only → slug
    cards: dict[str, AgentCard]
    strong_actions: frozenset[str] = frozenset()  # action features whose out-of-scope weight is STRONG_ACTION+

    @property
    def out(self) -> int:
        return len(self.slugs)


def clarifying_question(index: RouterIndex, first: str, second: str, *, out_of_scope: bool = False) -> str:
    """A question that names the two closest agents and what each does (their own descriptions)."""
    a, b = index.cards[first], index.cards[second]
    options = f"the {a.name} ({a.does}) or the {b.name} ({b.does})"
    if out_of_scope:
        return f"None of the agents does that. The closest are {options}: would one of them help?"
    return f"Which do you need: {options}?"
