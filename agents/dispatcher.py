"""The dispatcher: route a free-text request to one specialist agent, or answer ``none`` with a question.

Two routers, one decision (decision record 0020):

- **The lexical router** (:func:`route`): deterministic, explainable, no network, about 100 µs a request.
- **The model** (:func:`route_request` with a workspace, when ``RAPTORFLOW_ROUTER_MODEL_CHAIN`` is set): the
  model classifies the request as structured output (``agents.routing.model``); the lexical router is its
  fallback (no model, a failed or refused call, an answer that fails our checks) and its tiebreak (an unsure
  model). Both decisions are recorded in the routing decision (``model`` and ``lexical``).

How the lexical router decides:

1. **Explicit agent.** A request that names an agent ("@market_sizer …", "agent: content_creator",
   "use the market sizer …", "Quality checker: …", or a slug such as ``email_specialist`` anywhere)
   goes to that agent with confidence 1.0, whatever else it says, even when the agent is demoted.
2. **Language.** The request's language is identified among English, German, French, Spanish, Portuguese and
   Italian (``agents.routing.language``); that language's reader turns words into terms (lemmas, German
   compounds, English loanwords, spelling correction that leaves real words alone: ``agents.routing.terms``).
3. **Features.** Consecutive terms form one- to three-word features; the first term of each sentence is also
   an *action* feature ``@term`` unless a subject comes first, so that "post these tweets" (an action:
   publish), "write a post" (a thing to write) and "we post every day" (a fact) differ. When an out-of-scope
   action leads (weight STRONG_ACTION or more: publish, schedule, send, export…), the things it names count
   ACTION_DAMPING toward the agents. Quoted payload counts ``QUOTED_WEIGHT``; in a long request the sentences
   between the first and the last two count ``BACKGROUND_WEIGHT``; past MAX_CHARS only the start and the end
   are read.
4. **Score.** A target's weight for a feature is its curated lexicon weight (every language's lexicon) plus
   EXAMPLE_WEIGHT × the feature's BM25 weight in the agent's own document (name, description, routing
   examples). Targets are the agents and **out of scope**, the class of asks no agent does (design, code,
   moving data, publishing or sending for the user, anything not marketing).
5. **Confidence.** A softmax over the scores (temperature TEMPERATURE) with one more option, "none of them",
   at the constant score NONE_SCORE. The chosen agent's probability is the confidence. When out of scope
   wins, or the best agent's confidence is below the threshold (setting RAPTORFLOW_ROUTER_THRESHOLD, default
   DEFAULT_THRESHOLD), the answer is ``none`` with a clarifying question that names the two closest agents.

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

from .routing import language
from .routing.compiled import tables
from .routing.decision import NONE, AgentCard, RouteDecision, RouterIndex, clarifying_question
from .routing.lexicons import ENGLISH, LANGUAGES, LEXICONS, OUT_OF_SCOPE
from .routing.terms import Reader, english_vocabulary
from .routing.text import MAX_NGRAM, instruction_text, ngrams, normalise, segments

DEFAULT_THRESHOLD = 0.35
TEMPERATURE = 1.0
NONE_SCORE = 2.0
EXAMPLE_WEIGHT = 0.5
MAX_CHARS = 2000
RUNNER_UPS = 3
DEMOTE_AFTER_FAILURES = 3
DEMOTION_FACTOR = 0.5
# An out-of-scope action at the head of the request ("schedule our posts", "send this email now") decides what is
# asked: the things it names (posts, an email) then count only this much toward the agents that write them.
STRONG_ACTION = 4.5
ACTION_DAMPING = 0.5
HEALTH_CACHE_KEY = "dispatcher:agent-health"
HEALTH_CACHE_SECONDS = 5
NEEDS_CLARIFICATION = NONE  # the label's former name
TEST_CATEGORY = "test"
_BM25_K1, _BM25_B = 1.2, 0.75
_WHAT_IT_DOES_CHARS = 90


# ---------------------------------------------------------------- the index


def _readers() -> dict[str, Reader]:
    compiled = tables()
    vocabulary = english_vocabulary(p for phrases in LEXICONS[ENGLISH].values() for p in phrases)
    return {
        lang: Reader(lang, compiled.forms.get(lang, {}), vocabulary, compiled.protected.get(lang, frozenset()))
        for lang in LANGUAGES
    }


def _lexicon_weights(readers: dict[str, Reader], targets: dict[str, int]) -> dict[str, dict[int, float]]:
    """Every language's curated phrases as features; a phrase made only of stopwords is a bug."""
    table: dict[str, dict[int, float]] = defaultdict(dict)
    for lang, lexicon in LEXICONS.items():
        for target, phrases in lexicon.items():
            if target not in targets:
                continue
            for phrase, weight in phrases.items():
                feature = phrase if phrase.startswith("#") else " ".join(readers[lang].phrase_terms(phrase))
                if not feature:
                    raise ImproperlyConfigured(f"routing phrase {phrase!r} ({lang}, {target}) has no content word")
                index = targets[target]
                table[feature][index] = max(table[feature].get(index, 0.0), float(weight))
    return table


def _document(reader: Reader, spec: Any) -> Counter[str]:
    """An agent's own words: name, description and routing examples, as uni- and bigram counts."""
    counts: Counter[str] = Counter()
    for sentence in (spec.name, spec.description, *spec.routing_examples):
        counts.update(ngrams(reader.terms(sentence, correct=False), longest=2))
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


def _card(spec: Any) -> AgentCard:
    first = re.split(r"[:;—]|\.\s", spec.description or "", maxsplit=1)[0].strip()
    if len(first) > _WHAT_IT_DOES_CHARS:
        first = first[:_WHAT_IT_DOES_CHARS].rsplit(" ", 1)[0].rstrip(",") + " …"
    does = first[:1].lower() + first[1:] if first else ""
    return AgentCard(spec.slug, spec.name, does, spec.description or "")


def build_index(specs: Iterable[Any]) -> RouterIndex:
    """Lexicons plus BM25 over the agents' own words; test agents (category "test") are left out."""
    chosen = sorted((s for s in specs if s.category != TEST_CATEGORY), key=lambda s: s.slug)
    readers = _readers()
    targets = {spec.slug: i for i, spec in enumerate(chosen)} | {OUT_OF_SCOPE: len(chosen)}
    table = _lexicon_weights(readers, targets)
    for feature, per_agent in _bm25_weights([_document(readers[ENGLISH], spec) for spec in chosen]).items():
        for i, weight in per_agent.items():
            table[feature][i] = table[feature].get(i, 0.0) + EXAMPLE_WEIGHT * weight
    pattern, aliases = _explicit_pattern(chosen)
    weights = {feature: tuple(sorted(per_target.items())) for feature, per_target in table.items()}
    cards = {spec.slug: _card(spec) for spec in chosen}
    out = len(chosen)
    strong = frozenset(f for f, per in table.items() if f[0] == "@" and per.get(out, 0.0) >= STRONG_ACTION)
    return RouterIndex(tuple(s.slug for s in chosen), weights, readers, pattern, aliases, cards, strong)


@lru_cache(maxsize=1)
def get_index() -> RouterIndex:
    """The index for the registry as loaded; built on first use, then reused by every request."""
    from . import registry

    return build_index(registry.all_specs())


def reset() -> None:
    """Forget the index (tests that register agents, or after a reload of the specs)."""
    get_index.cache_clear()


# ---------------------------------------------------------------- reading a request


@dataclass(frozen=True)
class Reading:
    language: str
    features: dict[str, float]
    corrections: tuple[str, ...]
    text: str  # the part of the request read, normalised


def read(index: RouterIndex, text: str) -> Reading:
    """The request's features with their weight, its language and the spelling corrections made."""
    text = normalise(instruction_text(text, MAX_CHARS))
    lang = language.detect_normalised(text).language
    reader = index.readers[lang]
    features: dict[str, float] = {}
    corrections: list[str] = []
    for segment, weight in segments(text):
        words, asks = reader.clause(segment, corrections)
        if not words:
            continue
        for feature in (*ngrams(words, MAX_NGRAM), *(["@" + words[0]] if asks else [])):
            if features.get(feature, 0.0) < weight:
                features[feature] = weight
    return Reading(lang, features, tuple(corrections), text)


# ---------------------------------------------------------------- routing


@dataclass
class _Scored:
    slugs: tuple[str, ...]
    scores: list[float]  # one per agent, then out of scope
    confidences: list[float]
    ranked: list[int] = field(default_factory=list)  # agents only, best first

    @property
    def out_of_scope(self) -> float:
        return self.scores[-1]

    def candidates(self, skip: int | None = None) -> tuple[tuple[str, float], ...]:
        found = [(self.slugs[i], self.confidences[i]) for i in self.ranked if i != skip and self.scores[i] > 0]
        return tuple(found[:RUNNER_UPS])

    def closest(self, unavailable: set[str]) -> tuple[str, str]:
        """The two agents a clarifying question names: the best scores (ties by slug), available ones first."""
        usable = [self.slugs[i] for i in self.ranked if self.slugs[i] not in unavailable] or list(self.slugs)
        return (usable[0], usable[1] if len(usable) > 1 else usable[0])


def threshold() -> float:
    return float(getattr(settings, "RAPTORFLOW_ROUTER_THRESHOLD", DEFAULT_THRESHOLD))


def _score(index: RouterIndex, features: dict[str, float], demoted: set[str], unavailable: set[str]) -> _Scored:
    scores = [0.0] * (len(index.slugs) + 1)
    table = index.weights
    for feature, weight in features.items():
        pairs = table.get(feature)
        if pairs:
            for i, target_weight in pairs:
                scores[i] += target_weight * weight
    if any(features.get(action) == 1.0 for action in index.strong_actions.intersection(features)):
        scores[:-1] = [score * ACTION_DAMPING for score in scores[:-1]]
    for i, slug in enumerate(index.slugs) if demoted or unavailable else ():
        if slug in unavailable:
            scores[i] = -math.inf
        elif slug in demoted:
            scores[i] *= DEMOTION_FACTOR
    top = max([NONE_SCORE, *scores])
    exps = [math.exp((s - top) / TEMPERATURE) for s in scores]
    total = sum(exps) + math.exp((NONE_SCORE - top) / TEMPERATURE)
    confidences = [e / total for e in exps]
    ranked = sorted(range(len(index.slugs)), key=lambda i: (-scores[i], index.slugs[i]))
    return _Scored(index.slugs, scores, confidences, ranked)


def _matched(index: RouterIndex, features: dict[str, float], target: int) -> tuple[str, ...]:
    """The request's features that counted for ``target``, heaviest first."""
    weights = {}
    for feature, weight in features.items():
        for i, target_weight in index.weights.get(feature, ()):
            if i == target:
                weights[feature] = target_weight * weight
    return tuple(sorted(weights, key=lambda f: (-weights[f], f)))


def _explicit(index: RouterIndex, normalised: str) -> tuple[str, str] | None:
    """(slug, the words that named it) when the (normalised) request names an agent."""
    found = index.explicit.search(normalised)
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
    """Route ``text`` lexically: pure (no database), deterministic, never raises on any string."""
    index = get_index()
    demoted, unavailable = demoted or set(), unavailable or set()
    reading = read(index, text)
    scored = _score(index, reading.features, demoted, unavailable)
    explicit = _explicit(index, reading.text)
    if explicit is not None:
        return _explicit_decision(index, scored, reading, *explicit)
    limit = threshold() if min_confidence is None else min_confidence
    best = scored.ranked[0] if scored.ranked else None
    if best is not None and scored.out_of_scope > max(scored.scores[best], 0.0):
        return _out_of_scope_decision(index, scored, reading, unavailable)
    if best is None or scored.scores[best] <= 0 or scored.confidences[best] < limit:
        return _unclear_decision(index, scored, reading, best, limit, unavailable)
    matched = _matched(index, reading.features, best)
    return RouteDecision(
        agent=index.slugs[best],
        confidence=scored.confidences[best],
        runner_ups=scored.candidates(skip=best),
        reason=_reason(matched, scored, best, reading.corrections),
        matched_terms=matched,
        score=scored.scores[best],
        demoted=tuple(sorted(demoted & set(index.slugs))),
        language=reading.language,
    )


def _explicit_decision(index: RouterIndex, scored: _Scored, reading: Reading, slug: str, named: str) -> RouteDecision:
    skip = index.slugs.index(slug)
    return RouteDecision(
        agent=slug,
        confidence=1.0,
        runner_ups=scored.candidates(skip=skip),
        reason=f"the request names the agent ({named!r})",
        matched_terms=(named,),
        score=scored.scores[skip],
        explicit=True,
        language=reading.language,
        decided_by="explicit",
    )


def _out_of_scope_decision(
    index: RouterIndex, scored: _Scored, reading: Reading, unavailable: set[str]
) -> RouteDecision:
    matched = _matched(index, reading.features, index.out)
    shown = ", ".join(repr(term) for term in matched[:5])
    first, second = scored.closest(unavailable)
    return RouteDecision(
        agent=None,
        confidence=scored.confidences[-1],
        runner_ups=scored.candidates(),
        reason=f"out of scope: matched {shown}; score {scored.out_of_scope:.2f}",
        matched_terms=matched,
        score=scored.out_of_scope,
        needs_clarification=True,
        out_of_scope=True,
        clarifying_question=clarifying_question(index, first, second, out_of_scope=True),
        language=reading.language,
    )


def _unclear_decision(
    index: RouterIndex, scored: _Scored, reading: Reading, best: int | None, limit: float, unavailable: set[str]
) -> RouteDecision:
    if best is None or scored.scores[best] <= 0:
        reason, confidence = "no term of the request points to an agent", 0.0
    else:
        confidence = scored.confidences[best]
        reason = f"best match {scored.slugs[best]} at confidence {confidence:.3f} is below the threshold {limit:.2f}"
    first, second = scored.closest(unavailable)
    return RouteDecision(
        None,
        confidence,
        scored.candidates(),
        reason,
        needs_clarification=True,
        clarifying_question=clarifying_question(index, first, second),
        language=reading.language,
    )


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


def route_request(text: str, *, workspace: Any = None, actor: Any = None) -> RouteDecision:
    """Route ``text`` with the agents' current health: demoted agents weigh less, disabled ones are skipped.

    With a ``workspace`` and a model chain configured (``agents.routing.model``), the model classifies the
    request (its call budget-checked and charged to the workspace) and the lexical decision is its fallback
    and tiebreak; an explicit agent never costs a call.
    """
    demoted, disabled = agent_health()
    decision = route(text, demoted=demoted, unavailable=disabled)
    if decision.explicit or workspace is None:
        return decision
    from .routing import model

    if not model.configured():
        return decision
    verdict = model.classify(text, get_index(), workspace=workspace, actor=actor, unavailable=disabled)
    return combine(decision, verdict)


def combine(lexical: RouteDecision, verdict: Any) -> RouteDecision:
    """The model's classification with the lexical decision as fallback and tiebreak (decision 0020)."""
    from .routing.model import combine as combine_model

    return combine_model(get_index(), lexical, verdict, threshold())


__all__ = ["NONE", "AgentCard", "RouteDecision", "RouterIndex", "clarifying_question", "route", "route_request"]
