"""Measure the dispatcher on the labelled routing set: accuracy, per-agent precision and recall, confusions.

The evaluation lives here, beside the command that prints it; the dispatcher's test
imports it to hold the router to the same bar (overall accuracy and per-agent recall).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from agents import dispatcher
from agents.dispatcher import NEEDS_CLARIFICATION, RouteDecision

ROUTING_SET = Path(dispatcher.__file__).with_name("routing_set.tsv")
MIN_ACCURACY = 0.90
MIN_RECALL = 0.80


@dataclass(frozen=True)
class RoutingCase:
    expected: str
    text: str


def load_routing_set(path: Path | str = ROUTING_SET) -> list[RoutingCase]:
    """The labelled requests: ``expected<TAB>request`` per line; '#' comments and the header skipped."""
    cases = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#") or line.startswith("expected\t"):
            continue
        expected, tab, text = line.partition("\t")
        if not tab or not text.strip():
            raise ValueError(f"{path}:{number}: expected '<label><TAB><request>'")
        cases.append(RoutingCase(expected.strip(), text.strip()))
    return cases


@dataclass(frozen=True)
class Evaluation:
    """The router's answer for each case, and the measures computed from them."""

    results: tuple[tuple[RoutingCase, str], ...]  # (case, label the router gave)
    skipped: int = 0

    @property
    def accuracy(self) -> float:
        return sum(case.expected == got for case, got in self.results) / (len(self.results) or 1)

    def labels(self) -> list[str]:
        return sorted({case.expected for case, _ in self.results} | {got for _, got in self.results})

    def precision_recall(self, label: str) -> tuple[float, float, int]:
        """(precision, recall, support); a ratio with nothing to count is 1."""
        expected = sum(case.expected == label for case, _ in self.results)
        predicted = sum(got == label for _, got in self.results)
        hits = sum(case.expected == label == got for case, got in self.results)
        return (hits / predicted if predicted else 1.0), (hits / expected if expected else 1.0), expected

    def confusions(self) -> list[tuple[RoutingCase, str]]:
        return [(case, got) for case, got in self.results if case.expected != got]

    def problems(self, min_accuracy: float = MIN_ACCURACY, min_recall: float = MIN_RECALL) -> list[str]:
        """Why the router falls short on this set: accuracy, or an agent's recall; empty when it does not."""
        found = [f"accuracy {self.accuracy:.3f} < {min_accuracy:.2f}"] if self.accuracy < min_accuracy else []
        for label in self.labels():
            recall, support = self.precision_recall(label)[1:]
            if label != NEEDS_CLARIFICATION and support and recall < min_recall:
                found.append(f"recall of {label} {recall:.3f} < {min_recall:.2f}")
        return found


def evaluate(cases: Iterable[RoutingCase], router: Callable[[str], RouteDecision] = dispatcher.route) -> Evaluation:
    """Route every case whose expected agent is registered (or is needs_clarification); count the rest as skipped."""
    known = {*dispatcher.get_index().slugs, NEEDS_CLARIFICATION}
    cases = list(cases)
    kept = [case for case in cases if case.expected in known]
    results = tuple((case, router(case.text).label) for case in kept)
    return Evaluation(results, skipped=len(cases) - len(kept))


class Command(BaseCommand):
    help = "Route the labelled set and print accuracy, per-agent precision/recall and the confusions."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--file", default=str(ROUTING_SET), help="labelled set: expected<TAB>request per line")

    def handle(self, *args, **options) -> None:
        try:
            cases = load_routing_set(options["file"])
        except (OSError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        result = evaluate(cases)
        self._summary(result)
        self._per_label(result)
        self._confusions(result)
        problems = result.problems()
        if problems:
            raise CommandError("; ".join(problems), returncode=1)
        self.stdout.write(f"OK: accuracy ≥ {MIN_ACCURACY:.2f} and every agent's recall ≥ {MIN_RECALL:.2f}")

    def _summary(self, result: Evaluation) -> None:
        correct = sum(case.expected == got for case, got in result.results)
        self.stdout.write(f"requests: {len(result.results)}   correct: {correct}   accuracy: {result.accuracy:.3f}")
        if result.skipped:
            self.stdout.write(f"skipped: {result.skipped} (expected agent not registered)")

    def _per_label(self, result: Evaluation) -> None:
        self.stdout.write(f"\n{'label':<24} {'precision':>9} {'recall':>7} {'support':>7}")
        for label in result.labels():
            precision, recall, support = result.precision_recall(label)
            self.stdout.write(f"{label:<24} {precision:>9.3f} {recall:>7.3f} {support:>7}")

    def _confusions(self, result: Evaluation) -> None:
        confusions = result.confusions()
        self.stdout.write(f"\nconfusions: {len(confusions)}")
        for case, got in confusions:
            self.stdout.write(f"  expected {case.expected:<22} got {got:<22} {case.text}")
