"""May this version be published? First: can it run at all. Then: does its evaluation let it through.

**Runnable** (always; no override): its input and output schemas are valid JSON Schemas, and not empty when
the agent's code declares them (a run could not be validated); its model chain names a configured provider when
the agent calls a model (its code calls ``ctx.llm``/``llm_json``/``llm_loop``, one of its skills is an LLM skill,
or it offers the model tools); every skill exists in the running code; its ``model_tools`` are callable; the
agent's code is installed.

**The evaluation gate** (when the agent names a gating dataset): the version needs a finished experiment on that
dataset, made of the version as it is now and of the dataset as it is now (else ``eval_missing`` /
``eval_stale``). Its pass rate must be at least the published version's (its latest finished experiment on the
same dataset) and at least the agent's floor, if any (else ``eval_regression``). The two experiments are
compared on the cases both ran unchanged (same name and content), so a case added since the published version's
experiment cannot count against the new one; the regressed cases are those that passed for the published
version and do not pass for this one. With no experiment of the published version, only the floor applies.
"""

from __future__ import annotations

import inspect
import re
import sys
from decimal import Decimal
from functools import cache
from types import ModuleType
from typing import Any

from django.core.exceptions import ValidationError
from jsonschema import Draft202012Validator, SchemaError

from agents import registry
from agents.models import AgentVersion, validate_model_tools
from agents.selectors import agentversion_active
from raptorflow.audit.actors import Actor

from .choices import Outcome
from .errors import GateError
from .models import EvalDataset, Experiment
from .selectors import experiment_latest_finished, version_digest

_MODEL_CALL = re.compile(r"\.(?:llm|llm_json|llm_loop)\(")
_CODE_PACKAGES = ("agents.specialists", "skills.library")


# --- Runnable --------------------------------------------------------------------------------------------------


def version_problems(version: AgentVersion) -> list[str]:
    """Why runs of ``version`` could not work; empty when it is runnable."""
    try:
        spec: registry.AgentSpec | None = registry.get(version.agent.slug)
    except KeyError:
        spec = None
    problems = [] if spec is not None else [f"The agent's code is not installed: no agent {version.agent.slug!r}."]
    problems += _schema_problems(version, "input_schema", spec.input_schema if spec else {}, "input")
    problems += _schema_problems(version, "output_schema", spec.output_schema if spec else {}, "output")
    if _calls_model(version, spec) and not _chain_usable(version.model_chain):
        problems.append(
            "The model chain names no configured provider, and this agent calls a model: its runs would fail with "
            "no_provider. Add a provider to the model chain."
        )
    problems += _skill_problems(version)
    try:
        validate_model_tools(version.model_tools)
    except ValidationError as exc:
        problems += [f"model_tools: {message}" for message in exc.messages]
    return problems


def _declares(schema: dict[str, Any]) -> bool:
    return bool(isinstance(schema, dict) and (schema.get("properties") or schema.get("required")))


def _schema_problems(version: AgentVersion, field: str, code_schema: dict[str, Any], what: str) -> list[str]:
    schema = getattr(version, field)
    if not isinstance(schema, dict):
        return [f"{field} must be a JSON object (a JSON Schema)."]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        return [f"{field} is not a valid JSON Schema: {exc.message}"]
    if not schema and _declares(code_schema):
        return [f"{field} is empty, but the agent's code declares its {what}: runs could not be checked against it."]
    return []


def _chain_usable(chain: Any) -> bool:
    from raptorflow.llm.models import Provider

    if not isinstance(chain, list):
        return False
    names = [e["provider"] for e in chain if isinstance(e, dict) and e.get("provider") and e.get("model")]
    return bool(names) and Provider.objects.filter(name__in=names).exists()


def _calls_model(version: AgentVersion, spec: registry.AgentSpec | None) -> bool:
    if version.model_tools:
        return True
    if version.skills.filter(kind="llm").exists():
        return True
    return spec is not None and code_calls_model(spec.run.__module__)


@cache
def code_calls_model(module_name: str) -> bool:
    """Whether an agent's module, or a module of the agents' and skills' libraries it uses, calls a model through
    its context. Read from the source once per process (the code does not change while it runs)."""
    seen: set[str] = set()
    todo = [module_name]
    while todo:
        name = todo.pop()
        module = sys.modules.get(name)
        if name in seen or module is None:
            continue
        seen.add(name)
        try:
            if _MODEL_CALL.search(inspect.getsource(module)):
                return True
        except (OSError, TypeError):
            continue
        todo += _library_modules(module)
    return False


def _library_modules(module: ModuleType) -> list[str]:
    """The library modules a module uses: imported whole, or something defined in them imported by name."""
    used = []
    for value in vars(module).values():
        name = value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", None)
        if isinstance(name, str) and name.startswith(_CODE_PACKAGES):
            used.append(name)
    return used


def _skill_problems(version: AgentVersion) -> list[str]:
    from skills import registry as skill_registry

    problems = []
    for slug in version.skills.values_list("slug", flat=True):
        try:
            skill_registry.get(slug)
        except KeyError:
            problems.append(f"The skill {slug!r} does not exist in the running code.")
    return problems


def runnable_refusal(version: AgentVersion) -> GateError | None:
    problems = version_problems(version)
    if not problems:
        return None
    return GateError(
        "version_not_runnable",
        f"{version} cannot be published: its runs could not work. {' '.join(problems)}",
        {"version": problems},
    )


# --- The evaluation gate -----------------------------------------------------------------------------------------


def _outcomes(experiment: Experiment) -> dict[str, tuple[str, str]]:
    """case name → (case digest, outcome)."""
    rows = experiment.results.values_list("case_name", "case_digest", "outcome")
    return {name: (digest, outcome) for name, digest, outcome in rows}


def _rate(passed: int, total: int) -> str:
    return f"{passed} of {total} ({round(100 * passed / total) if total else 0} %)"


def _missing_or_stale(version: AgentVersion, dataset: EvalDataset, candidate: Experiment | None) -> GateError | None:
    slug, number = version.agent.slug, version.number
    how = f"manage.py eval_run {slug} --number {number} --wait 300, or --inline to run it in that process"
    if candidate is None:
        return GateError(
            "eval_missing",
            f"{slug} is gated by the dataset {dataset.name}: publishing v{number} needs a finished experiment of "
            f"v{number} on it. Run one ({how}).",
        )
    if candidate.version_digest != version_digest(version):
        return GateError("eval_stale", f"v{number} changed since experiment #{candidate.pk} ran; run it again ({how}).")
    if candidate.dataset_revision != dataset.revision:
        return GateError(
            "eval_stale", f"The dataset {dataset.name} changed since experiment #{candidate.pk} ran; run it again."
        )
    return None


def eval_refusal(version: AgentVersion) -> GateError | None:
    """The evaluation gate's refusal of ``version``, or None when it may be published (see the module docstring)."""
    agent = version.agent
    dataset = agent.gating_dataset
    if dataset is None:
        return None
    candidate = experiment_latest_finished(version, dataset)
    stop = _missing_or_stale(version, dataset, candidate)
    if stop is not None or candidate is None:
        return stop
    published = agentversion_active(agent)
    baseline = None
    if published is not None and published.pk != version.pk:
        baseline = experiment_latest_finished(published, dataset)
    return _compare(version, dataset, candidate, published, baseline)


def _compare(
    version: AgentVersion,
    dataset: EvalDataset,
    candidate: Experiment,
    published: AgentVersion | None,
    baseline: Experiment | None,
) -> GateError | None:
    floor = version.agent.gate_floor
    details: dict[str, Any] = {
        "dataset": dataset.name, "experiment": candidate.pk, "passed": candidate.passed,
        "cases": candidate.cases_total, "pass_rate": candidate.pass_rate, "floor": str(floor) if floor else None,
        "baseline_version": published.number if published else None, "baseline_experiment": None,
    }  # fmt: skip
    reasons, regressed = [], []
    if floor is not None and Decimal(candidate.passed) < floor * candidate.cases_total:
        reasons.append(f"below the floor of {floor * 100:.0f} %")
    if baseline is not None and published is not None:
        ours, theirs = _outcomes(candidate), _outcomes(baseline)
        shared = sorted(name for name in ours.keys() & theirs.keys() if ours[name][0] == theirs[name][0])
        our_passes = sum(ours[name][1] == Outcome.PASSED for name in shared)
        their_passes = sum(theirs[name][1] == Outcome.PASSED for name in shared)
        regressed = [n for n in shared if theirs[n][1] == Outcome.PASSED and ours[n][1] != Outcome.PASSED]
        details |= {"baseline_experiment": baseline.pk, "shared_cases": len(shared), "shared_passed": our_passes,
                    "baseline_shared_passed": their_passes}  # fmt: skip
        if our_passes < their_passes:
            reasons.append(
                f"worse than v{published.number}: {_rate(our_passes, len(shared))} of the cases both ran pass, "
                f"against {_rate(their_passes, len(shared))}"
            )
    if not reasons:
        return None
    named = f" Regressed: {', '.join(regressed)}." if regressed else ""
    message = (
        f"v{version.number} passes {_rate(candidate.passed, candidate.cases_total)} of {dataset.name} "
        f"(experiment #{candidate.pk}): {'; and '.join(reasons)}.{named}"
    )
    return GateError("eval_regression", message, {"regressed_cases": regressed}, details)


def publish_refusal(version: AgentVersion) -> GateError | None:
    """Why ``version`` may not be published: not runnable first (no override), then the evaluation gate."""
    return runnable_refusal(version) or eval_refusal(version)


def may_override(actor: Actor) -> bool:
    """An owner: a person (never an API key) with the ``agents.override_eval_gate`` permission."""
    return actor.api_key is None and actor.user is not None and actor.user.has_perm("agents.override_eval_gate")
