"""Measure the dispatcher on the labelled sets: accuracy, none-precision and none-recall, overall and per category.

The evaluation lives here, beside the command that prints it; the dispatcher's tests import it to hold the
router to the same bars. Both sets are reported by default: the tuning set (``agents/routing_set.tsv``, which
the router was adjusted on) and the held-out set (``agents/routing_holdout.tsv``, which it never was; its
figures are the ones to trust).

``none`` is an answer like an agent: none-precision is the share of the router's ``none`` answers that were
right (it did not refuse a request an agent should take), none-recall the share of the ``none`` requests it
answered with ``none`` (it did not send an out-of-scope or vague request to an agent).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agents import dispatcher
from agents.dispatcher import NONE, RouteDecision

ROUTING_SET = Path(dispatcher.__file__).with_name("routing_set.tsv")
HOLDOUT_SET = Path(dispatcher.__file__).with_name("routing_holdout.tsv")
MIN_ACCURACY = 0.90
MIN_NONE_PRECISION = 0.90
MIN_NONE_RECALL = 0.90
MIN_RECALL = 0.80
LANGUAGES = ("en", "de", "fr", "es", "pt", "it")
# The categories route_eval reports, in this order (tags of the labelled sets).
CATEGORIES = ("oos", "vague", "typo", "de", "fr", "es", "pt", "it", "en", "indirect", "near-miss", "long", "explicit")
_LEGACY_NONE = "needs_clarification"


@dataclass(frozen=True)
class RoutingCase:
    expected: str
    text: str
    tags: frozenset[str] = frozenset()


def load_routing_set(path: Path | str = ROUTING_SET) -> list[RoutingCase]:
    """The labelled requests: ``expected<TAB>tags<TAB>request`` (or ``expected<TAB>request``) per line;
    '#' comments and the header line skipped."""
    cases = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#") or line.startswith("expected\t"):
            continue
        columns = line.split("\t", 2)
        if len(columns) < 2 or not columns[-1].strip():
            raise ValueError(f"{path}:{number}: expected '<label><TAB><tags><TAB><request>'")
        expected, text = columns[0].strip(), columns[-1].strip()
        tags = frozenset(t.strip() for t in columns[1].split(",") if t.strip()) if len(columns) == 3 else frozenset()
        cases.append(RoutingCase(NONE if expected == _LEGACY_NONE else expected, text, tags))
    return cases


@dataclass(frozen=True)
class Evaluation:
    """The router's answer for each case, and the measures computed from them."""

    results: tuple[tuple[RoutingCase, str], ...]  # (case, label the router gave)
    skipped: int = 0

    @property
    def accuracy(self) -> float:
        return sum(case.expected == got for case, got in self.results) / (len(self.results) or 1)

    @property
    def none_precision(self) -> float:
        return self.precision_recall(NONE)[0]

    @property
    def none_recall(self) -> float:
        return self.precision_recall(NONE)[1]

    def labels(self) -> list[str]:
        return sorted({case.expected for case, _ in self.results} | {got for _, got in self.results})

    def precision_recall(self, label: str) -> tuple[float, float, int]:
        """(precision, recall, support); a ratio with nothing to count is 1."""
        expected = sum(case.expected == label for case, _ in self.results)
        predicted = sum(got == label for _, got in self.results)
        hits = sum(case.expected == label == got for case, got in self.results)
        return (hits / predicted if predicted else 1.0), (hits / expected if expected else 1.0), expected

    def category(self, tag: str) -> Evaluation:
        return Evaluation(tuple((case, got) for case, got in self.results if tag in case.tags))

    def confusions(self) -> list[tuple[RoutingCase, str]]:
        return [(case, got) for case, got in self.results if case.expected != got]

    def problems(
        self,
        min_accuracy: float = MIN_ACCURACY,
        min_recall: float = MIN_RECALL,
        min_none_precision: float = MIN_NONE_PRECISION,
        min_none_recall: float = MIN_NONE_RECALL,
    ) -> list[str]:
        """Why the router falls short on this set (overall figures, an agent's recall); empty when it does not."""
        found = []
        for name, value, bar in (
            ("accuracy", self.accuracy, min_accuracy),
            ("none-precision", self.none_precision, min_none_precision),
            ("none-recall", self.none_recall, min_none_recall),
        ):
            if value < bar:
                found.append(f"{name} {value:.3f} < {bar:.2f}")
        for label in self.labels():
            recall, support = self.precision_recall(label)[1:]
            if label != NONE and support and recall < min_recall:
                found.append(f"recall of {label} {recall:.3f} < {min_recall:.2f}")
        return found


def evaluate(cases: Iterable[RoutingCase], router: Callable[[str], RouteDecision] = dispatcher.route) -> Evaluation:
    """Route every case whose expected agent is registered (or is none); count the rest as skipped."""
    known = {*dispatcher.get_index().slugs, NONE}
    cases = list(cases)
    kept = [case for case in cases if case.expected in known]
    results = tuple((case, router(case.text).label) for case in kept)
    return Evaluation(results, skipped=len(cases) - len(kept))


class Command(BaseCommand):
    help = (
        "Route the labelled sets (the tuning set and the held-out set) and print accuracy, none-precision and "
        "none-recall overall and per category, per-agent precision/recall and the confusions."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--file",
            action="append",
            help="a labelled set (expected<TAB>tags<TAB>request per line); repeat for several. "
            "Default: agents/routing_set.tsv and agents/routing_holdout.tsv",
        )
        parser.add_argument("--quiet", action="store_true", help="only the summary and the per-category table")

    def handle(self, *args, **options) -> None:
        paths = options["file"] or [str(ROUTING_SET), str(HOLDOUT_SET)]
        problems = []
        for path in paths:
            try:
                cases = load_routing_set(path)
            except (OSError, ValueError) as exc:
                raise CommandError(str(exc)) from None
            result = evaluate(cases)
            self.stdout.write(f"== {Path(path).name}")
            self._summary(result)
            self._per_category(result)
            if not options["quiet"]:
                self._per_label(result)
                self._confusions(result)
            problems += [f"{Path(path).name}: {problem}" for problem in result.problems()]
            self.stdout.write("")
        if problems:
            raise CommandError("; ".join(problems), returncode=1)
        self.stdout.write(
            f"OK: accuracy ≥ {MIN_ACCURACY:.2f}, none-precision ≥ {MIN_NONE_PRECISION:.2f}, "
            f"none-recall ≥ {MIN_NONE_RECALL:.2f} and every agent's recall ≥ {MIN_RECALL:.2f}"
        )

    def _summary(self, result: Evaluation) -> None:
        correct = sum(case.expected == got for case, got in result.results)
        self.stdout.write(
            f"requests: {len(result.results)}   correct: {correct}   accuracy: {result.accuracy:.3f}   "
            f"none-precision: {result.none_precision:.3f}   none-recall: {result.none_recall:.3f}"
        )
        if result.skipped:
            self.stdout.write(f"skipped: {result.skipped} (expected agent not registered)")

    def _per_category(self, result: Evaluation) -> None:
        self.stdout.write(f"\n{'category':<12} {'requests':>8} {'accuracy':>8} {'none-P':>7} {'none-R':>7} {'none':>5}")
        for tag in CATEGORIES:
            part = result.category(tag)
            if not part.results:
                continue
            nones = part.precision_recall(NONE)[2]
            self.stdout.write(
                f"{tag:<12} {len(part.results):>8} {part.accuracy:>8.3f} {part.none_precision:>7.3f} "
                f"{part.none_recall:>7.3f} {nones:>5}"
            )

    def _per_label(self, result: Evaluation) -> None:
        self.stdout.write(f"\n{'label':<24} {'precision':>9} {'recall':>7} {'support':>7}")
        for label in result.labels():
            precision, recall, support = result.precision_recall(label)
            self.stdout.write(f"{label:<24} {precision:>9.3f} {recall:>7.3f} {support:>7}")

    def _confusions(self, result: Evaluation) -> None:
        confusions = result.confusions()
        self.stdout.write(f"\nconfusions: {len(confusions)}")
        for case, got in confusions:
            self.stdout.write(f"  expected {case.expected:<22} got {got:<22} {case.text[:140]}")
