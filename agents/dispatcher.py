"""The dispatcher: route a free-text request to one specialist agent, or ask for clarification.

Deterministic, explainable, no model and no download. How a request is decided:

1. **Explicit agent.** A request that names an agent ("@market_sizer …", "agent: content_creator",
   "use the market sizer …", "Quality checker: …", or a slug such as ``email_specialist`` anywhere)
   goes to that agent with confidence 1.0, whatever else it says, even when the agent is demoted.
2. **Terms.** The text is normalised and split into content words (``agents.routing_lexicon``:
   casefold, stopwords out, a light stemmer, numbers as their kind), and consecutive words form
   one- to three-word features. Words inside double quotes are the payload ("proofread this:
   "…""), not the instruction, so they count ``routing_lexicon.QUOTED_WEIGHT``. Only the first
   MAX_CHARS characters count, so a pasted article cannot drown the instruction. An unknown word
   of ``routing_lexicon.FUZZY_MIN_LENGTH`` letters or more that is one edit from a known word is
   read as that word ("campain").
3. **Score.** An agent's weight for a feature is its curated lexicon weight plus EXAMPLE_WEIGHT ×
   the feature's BM25 weight in the agent's own document (name, description, routing examples):
   the lexicon carries the domain vocabulary, the examples let an agent's author teach the router
   without touching this module, and BM25's idf discounts words that many agents share. An
   agent's score is the sum of its weights over the request's distinct features.
4. **Confidence.** A softmax over the scores (temperature TEMPERATURE) with one extra option,
   "none of them", at the constant score NONE_SCORE. The chosen agent's probability is the
   confidence: low when nothing matched (the "none" option keeps the mass) and when two agents
   tie (they split it). Below the threshold (setting RAPTORFLOW_ROUTER_THRESHOLD, default
   DEFAULT_THRESHOLD) the answer is "needs clarification", and the best candidates are returned
   as runner-ups so that a client can offer them.

**Demotion.** An agent whose last DEMOTE_AFTER_FAILURES finished runs failed or timed out has its
score multiplied by DEMOTION_FACTOR until a run succeeds. Scaling rather than excluding keeps a
request that only that agent can answer ("what is our CAC?") with it, while a request that
another agent could serve as well goes there. Disabled agents are never chosen implicitly.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured

from .routing_lexicon import LEXICON, Speller, ngrams, normalise, request_features, terms

DEFAULT_THRESHOLD = 0.35
TEMPERATURE = 1.0
NONE_SCORE = 2.0
EXAMPLE_WEIGHT = 0.5
MAX_CHARS = 2000
RUNNER_UPS = 3
DEMOTE_AFTER_FAILURES = 3
DEMOTION_FACTOR = 0.5
HEALTH_CACHE_KEY = "dispatcher:agent-health"
HEALTH_CACHE_SECONDS = 5
NEEDS_CLARIFICATION = "needs_clarification"
TEST_CATEGORY = "test"
_BM25_K1, _BM25_B = 1.2, 0.75


@dataclass(frozen=True)
class RouteDecision:
    """Where a request goes and why; ``as_dict()`` is what a run stores in ``Run.routing``."""

    agent: str | None
    confidence: float
    runner_ups: tuple[tuple[str, float], ...]
    reason: str
    matched_terms: tuple[str, ...] = ()
    score: float = 0.0
    needs_clarification: bool = False
    explicit: bool = False
    demoted: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.agent or NEEDS_CLARIFICATION

    def as_dict(self) -> dict[str, Any]:
        return {
            "agent": self.agent,
            "confidence": round(self.confidence, 4),
            "runner_ups": [[slug, round(conf, 4)] for slug, conf in self.runner_ups],
            "reason": self.reason,
            "matched_terms": list(self.matched_terms),
            "score": round(self.score, 4),
            "needs_clarification": self.needs_clarification,
            "explicit": self.explicit,
            "demoted": list(self.demoted),
        }


@dataclass(frozen=True)
class RouterIndex:
    """Everything routing needs, computed once from the registry."""

    slugs: tuple[str, ...]
    weights: dict[str, tuple[tuple[int, float], ...]]  # feature → ((agent index, weight), …)
    speller: Speller
    explicit: re.Pattern[str]
    aliases: dict[str, str]  # an agent's name or slug, letters only → slug


# ---------------------------------------------------------------- the index


def _lexicon_weights(slug: str) -> dict[str, float]:
    """The agent's curated phrases as features; a phrase made only of stopwords is a bug."""
    weights: dict[str, float] = {}
    for phrase, weight in LEXICON.get(slug, {}).items():
        feature = phrase if phrase.startswith("#") else " ".join(terms(phrase))
        if not feature:
            raise ImproperlyConfigured(f"routing lexicon phrase {phrase!r} of {slug} has no content word")
        weights[feature] = max(weights.get(feature, 0.0), float(weight))
    return weights


def _document(spec: Any) -> Counter[str]:
    """An agent's own words: name, description and routing examples, as uni- and bigram counts."""
    counts: Counter[str] = Counter()
    for sentence in (spec.name, spec.description, *spec.routing_examples):
        counts.update(ngrams(terms(sentence), longest=2))
    return counts


def _bm25_weights(documents: Sequence[Counter[str]]) -> dict[str, dict[int, float]]:
    """BM25 weight of every feature in every agent document (the query side counts each feature once)."""
    lengths = [sum(doc.values()) for doc in documents]
    average = (sum(lengths) / len(lengths)) or 1.0
    frequency = Counter(feature for doc in documents for feature in doc)
    weights: dict[str, dict[int, float]] = defaultdict(dict)
    for i, doc in enumerate(documents):
        norm = _BM25_K1 * (1 - _BM25_B + _BM25_B * lengths[i] / average)
        for feature, tf in doc.items():
            idf = math.log(1 + (len(documents) - frequency[feature] + 0.5) / (frequency[feature] + 0.5))
            weights[feature][i] = idf * tf * (_BM25_K1 + 1) / (tf + norm)
    return weights


def _aliases(spec: Any) -> set[str]:
    words = spec.slug.replace("-", "_").split("_")
    return {" ".join(words), " ".join(normalise(spec.name).split())}


def _explicit_pattern(specs: Sequence[Any]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex for every way a request can name an agent, and the alias → slug map to read it."""
    aliases = sorted({alias for spec in specs for alias in _aliases(spec)}, key=lambda a: (-len(a), a))
    name = "|".join(r"[\s_-]*".join(map(re.escape, alias.split())) for alias in aliases)
    slugs = "|".join(re.escape(spec.slug) for spec in specs) or "(?!)"
    cue = r"@\s*|\bagent\s*[:=]\s*|\b(?:use|ask|try|via|route (?:it |this )?to|send (?:it |this )?to)\s+(?:the\s+)?"
    pattern = (
        rf"(?:{cue})(?P<cued>{name})\b|^\W*(?P<lead>{name})\s*(?::|—|–|\s-\s)"
        rf"|\b(?P<agent>{name})\s+agent\b|(?<![\w-])(?P<slug>{slugs})(?![\w-])"
    )
    lookup = {re.sub(r"[\W_]+", "", alias): spec.slug for spec in specs for alias in _aliases(spec)}
    return re.compile(pattern), lookup


def build_index(specs: Iterable[Any]) -> RouterIndex:
    """Lexicon plus BM25 over the agents' own words; test agents (category "test") are left out."""
    chosen = sorted((s for s in specs if s.category != TEST_CATEGORY), key=lambda s: s.slug)
    table: dict[str, dict[int, float]] = defaultdict(dict)
    for i, spec in enumerate(chosen):
        for feature, weight in _lexicon_weights(spec.slug).items():
            table[feature][i] = weight
    for feature, per_agent in _bm25_weights([_document(spec) for spec in chosen]).items():
        for i, weight in per_agent.items():
            table[feature][i] = table[feature].get(i, 0.0) + EXAMPLE_WEIGHT * weight
    speller = Speller(word for feature in table for word in feature.split())
    pattern, aliases = _explicit_pattern(chosen)
    weights = {feature: tuple(sorted(per_agent.items())) for feature, per_agent in table.items()}
    return RouterIndex(tuple(s.slug for s in chosen), weights, speller, pattern, aliases)


@lru_cache(maxsize=1)
def get_index() -> RouterIndex:
    """The index for the registry as loaded; built on first use, then reused by every request."""
    from . import registry

    return build_index(registry.all_specs())


def reset() -> None:
    """Forget the index (tests that register agents, or after a reload of the specs)."""
    get_index.cache_clear()


# ---------------------------------------------------------------- routing


@dataclass
class _Scored:
    slugs: tuple[str, ...]
    scores: list[float]
    confidences: list[float]
    ranked: list[int] = field(default_factory=list)

    def candidates(self, skip: int | None = None) -> tuple[tuple[str, float], ...]:
        found = [(self.slugs[i], self.confidences[i]) for i in self.ranked if i != skip and self.scores[i] > 0]
        return tuple(found[:RUNNER_UPS])


def threshold() -> float:
    return float(getattr(settings, "RAPTORFLOW_ROUTER_THRESHOLD", DEFAULT_THRESHOLD))


def _score(index: RouterIndex, features: dict[str, float], demoted: set[str], unavailable: set[str]) -> _Scored:
    scores = [0.0] * len(index.slugs)
    for feature, weight in features.items():
        for i, agent_weight in index.weights.get(feature, ()):
            scores[i] += agent_weight * weight
    scores = [s * DEMOTION_FACTOR if slug in demoted else s for slug, s in zip(index.slugs, scores, strict=True)]
    scores = [-math.inf if slug in unavailable else s for slug, s in zip(index.slugs, scores, strict=True)]
    top = max([NONE_SCORE, *scores])
    exps = [math.exp((s - top) / TEMPERATURE) for s in scores]
    total = sum(exps) + math.exp((NONE_SCORE - top) / TEMPERATURE)
    confidences = [e / total for e in exps]
    ranked = sorted(range(len(scores)), key=lambda i: (-scores[i], index.slugs[i]))
    return _Scored(index.slugs, scores, confidences, ranked)


def _matched(index: RouterIndex, features: dict[str, float], agent: int) -> tuple[str, ...]:
    """The request's features that counted for ``agent``, heaviest first."""
    weights = {f: dict(index.weights.get(f, ())).get(agent, 0.0) * w for f, w in features.items()}
    return tuple(f for f in sorted(weights, key=lambda f: (-weights[f], f)) if weights[f] > 0)


def _explicit(index: RouterIndex, text: str) -> tuple[str, str] | None:
    """(slug, the words that named it) when the request names an agent."""
    found = index.explicit.search(normalise(text[:MAX_CHARS]))
    if found is None:
        return None
    named = next(value for value in found.groupdict().values() if value)
    return index.aliases[re.sub(r"[\W_]+", "", named)], named


def route(
    text: str,
    *,
    demoted: set[str] | None = None,
    unavailable: set[str] | None = None,
    min_confidence: float | None = None,
) -> RouteDecision:
    """Route ``text``: pure (no database), deterministic, never raises on any string."""
    index = get_index()
    demoted, unavailable = demoted or set(), unavailable or set()
    features, corrections = request_features(text[:MAX_CHARS], index.speller)
    scored = _score(index, features, demoted, unavailable)
    explicit = _explicit(index, text)
    if explicit is not None:
        return _explicit_decision(index, scored, *explicit)
    limit = threshold() if min_confidence is None else min_confidence
    best = scored.ranked[0] if scored.ranked else None
    if best is None or scored.scores[best] <= 0 or scored.confidences[best] < limit:
        return _unclear_decision(scored, best, limit)
    matched = _matched(index, features, best)
    return RouteDecision(
        agent=index.slugs[best],
        confidence=scored.confidences[best],
        runner_ups=scored.candidates(skip=best),
        reason=_reason(matched, scored, best, corrections),
        matched_terms=matched,
        score=scored.scores[best],
        demoted=tuple(sorted(demoted & set(index.slugs))),
    )


def _explicit_decision(index: RouterIndex, scored: _Scored, slug: str, named: str) -> RouteDecision:
    skip = index.slugs.index(slug)
    return RouteDecision(
        agent=slug,
        confidence=1.0,
        runner_ups=scored.candidates(skip=skip),
        reason=f"the request names the agent ({named!r})",
        matched_terms=(named,),
        score=scored.scores[skip],
        explicit=True,
    )


def _unclear_decision(scored: _Scored, best: int | None, limit: float) -> RouteDecision:
    if best is None or scored.scores[best] <= 0:
        reason, confidence = "no term of the request points to an agent", 0.0
    else:
        confidence = scored.confidences[best]
        reason = f"best match {scored.slugs[best]} at confidence {confidence:.3f} is below the threshold {limit:.2f}"
    return RouteDecision(None, confidence, scored.candidates(), reason, needs_clarification=True)


def _reason(matched: tuple[str, ...], scored: _Scored, best: int, corrections: tuple[str, ...]) -> str:
    text = f"matched {', '.join(repr(t) for t in matched[:8])}; score {scored.scores[best]:.2f}"
    others = scored.candidates(skip=best)
    if others:
        runner = others[0][0]
        text += f" vs {runner} {scored.scores[scored.slugs.index(runner)]:.2f}"
    if corrections:
        text += f"; read {', '.join(corrections)}"
    return text


# ---------------------------------------------------------------- demotion (database)


def consecutive_failures() -> dict[str, int]:
    """{slug: failed or timed-out runs since the agent's last success}, for every agent, in one query.

    Cancelled and over-budget runs neither count nor reset: they say nothing about whether
    the agent works. Runs are ordered by creation time (indexed), not by finish time.
    """
    from django.db.models import Count, F, OuterRef, Q, Subquery

    from .choices import RunStatus
    from .models import Agent, Run

    successes = Run.objects.filter(agent_version__agent=OuterRef("pk"), status=RunStatus.SUCCEEDED)
    last_success = successes.order_by("-created_at").values("created_at")[:1]
    since = Q(last_success__isnull=True) | Q(versions__runs__created_at__gt=F("last_success"))
    failed = Q(versions__runs__status__in=[RunStatus.FAILED, RunStatus.TIMED_OUT]) & since
    rows = Agent.objects.annotate(last_success=Subquery(last_success)).annotate(
        failures=Count("versions__runs", filter=failed)
    )
    return dict(rows.order_by().values_list("slug", "failures"))


def agent_health() -> tuple[set[str], set[str]]:
    """(demoted, disabled) agent slugs, cached for HEALTH_CACHE_SECONDS so that routing stays fast."""
    cached = cache.get(HEALTH_CACHE_KEY)
    if cached is None:
        from .models import Agent

        failures = consecutive_failures()
        demoted = sorted(slug for slug, n in failures.items() if n >= DEMOTE_AFTER_FAILURES)
        disabled = sorted(Agent.objects.filter(enabled=False).values_list("slug", flat=True))
        cached = {"demoted": demoted, "disabled": disabled}
        cache.set(HEALTH_CACHE_KEY, cached, getattr(settings, "RAPTORFLOW_ROUTER_HEALTH_SECONDS", HEALTH_CACHE_SECONDS))
    return set(cached["demoted"]), set(cached["disabled"])


def forget_health() -> None:
    """Drop the cached demotions, e.g. right after a run finished in a test."""
    cache.delete(HEALTH_CACHE_KEY)


def route_request(text: str) -> RouteDecision:
    """Route ``text`` with the agents' current health: demoted agents weigh less, disabled ones are skipped."""
    demoted, disabled = agent_health()
    return route(text, demoted=demoted, unavailable=disabled)
