"""Writes on datasets and cases (each atomic and audited), JSONL import and export, a run as a case, feedback.

Every change to a dataset's cases raises its ``revision``: an experiment remembers the revision it ran, and the
gate only counts an experiment of the dataset as it is now.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from agents.choices import RunStatus
from agents.models import Agent, Run
from raptorflow.accounts.schemas import validate_foundation
from raptorflow.audit.actors import Actor
from raptorflow.audit.services import audit_log

from .choices import GraderKind, Rating
from .errors import EvalError
from .graders import grader_errors
from .models import CASE_FIELDS, EvalCase, EvalDataset, RunFeedback

MAX_IMPORT_CASES = 1000
MAX_COMMENT_CHARS = 2000
_CASE_KEYS = {"name", *CASE_FIELDS}


# --- Datasets ----------------------------------------------------------------------------------------------------


@transaction.atomic
def dataset_create(
    *, agent: Agent, name: str, actor: Actor, workspace: Any = None, description: str = "", judge_model_chain=None
) -> EvalDataset:
    """A new, empty dataset of ``agent``: a workspace's own, or (``workspace=None``) a platform one."""
    dataset = EvalDataset(
        agent=agent,
        workspace=workspace,
        name=name,
        description=description,
        judge_model_chain=judge_model_chain or [],
        created_by=actor.user,
    )
    _save_new(dataset, "name", f"{agent.slug} already has a dataset named {name!r}.")
    audit_log("evaldataset.create", actor=actor, workspace=workspace, target=dataset, changes={"name": [None, name]})
    return dataset


def _save_new(obj: EvalDataset | EvalCase, field: str, taken: str) -> None:
    obj.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise EvalError("name_taken", taken, {field: [taken]}) from None


@transaction.atomic
def dataset_update(*, dataset: EvalDataset, actor: Actor, **fields: Any) -> EvalDataset:
    before = {name: getattr(dataset, name) for name in fields}
    for name, value in fields.items():
        setattr(dataset, name, value)
    dataset.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            dataset.save()
    except IntegrityError:
        raise EvalError("name_taken", "Another dataset of this agent has that name.", {"name": ["taken"]}) from None
    changes = {name: [before[name], value] for name, value in fields.items() if before[name] != value}
    if changes:
        audit_log("evaldataset.update", actor=actor, workspace=dataset.workspace_id, target=dataset, changes=changes)
    return dataset


@transaction.atomic
def dataset_delete(*, dataset: EvalDataset, actor: Actor) -> None:
    audit_log(
        "evaldataset.delete", actor=actor, workspace=dataset.workspace_id, target=dataset,
        changes={"name": [dataset.name, None], "cases": [dataset.cases.count(), None]},
    )  # fmt: skip
    dataset.delete()


def dataset_touch(dataset: EvalDataset) -> None:
    """The cases changed: a new revision (experiments of the old one no longer count for the gate)."""
    EvalDataset.objects.filter(pk=dataset.pk).update(revision=F("revision") + 1)
    dataset.refresh_from_db(fields=["revision", "updated_at"])


# --- Cases -------------------------------------------------------------------------------------------------------


def case_problems(data: dict[str, Any]) -> dict[str, list[str]]:
    """What is wrong with a case's fields, by field (the model's validators, said the same way everywhere)."""
    problems: dict[str, list[str]] = {}
    if not isinstance(data.get("input", {}), dict):
        problems["input"] = ["must be a JSON object"]
    if data.get("foundation") is not None:
        try:
            validate_foundation(data["foundation"])
        except ValidationError as exc:
            problems["foundation"] = exc.messages
    if errors := grader_errors(data.get("graders", [])):
        problems["graders"] = errors
    return problems


def _checked(data: dict[str, Any]) -> dict[str, Any]:
    problems = case_problems(data)
    if problems:
        raise EvalError("invalid_case", "The case is not valid; see errors.", problems)
    return data


@transaction.atomic
def case_create(*, dataset: EvalDataset, actor: Actor, name: str, **fields: Any) -> EvalCase:
    """Add a case (``fields``: input, foundation, graders, rubric, reference_output, source_run…)."""
    _checked(fields)
    case = EvalCase(dataset=dataset, name=name, **fields)
    _save_new(case, "name", f"{dataset.name} already has a case named {name!r}.")
    dataset_touch(dataset)
    audit_log(
        "evalcase.create", actor=actor, workspace=dataset.workspace_id, target=case,
        changes={"dataset": [None, dataset.name], "name": [None, name]},
    )  # fmt: skip
    return case


@transaction.atomic
def case_update(*, case: EvalCase, actor: Actor, **fields: Any) -> EvalCase:
    _checked({name: getattr(case, name) for name in CASE_FIELDS} | fields)
    before = {name: getattr(case, name) for name in fields}
    for name, value in fields.items():
        setattr(case, name, value)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise EvalError("name_taken", "Another case of this dataset has that name.", {"name": ["taken"]}) from None
    changes = {name: [before[name], value] for name, value in fields.items() if before[name] != value}
    if changes:
        dataset_touch(case.dataset)
        audit_log("evalcase.update", actor=actor, workspace=case.dataset.workspace_id, target=case, changes=changes)
    return case


@transaction.atomic
def case_delete(*, case: EvalCase, actor: Actor) -> None:
    dataset = case.dataset
    audit_log("evalcase.delete", actor=actor, workspace=dataset.workspace_id, target=case,
              changes={"name": [case.name, None]})  # fmt: skip
    case.delete()
    dataset_touch(dataset)


# --- JSONL -------------------------------------------------------------------------------------------------------


def dataset_export_lines(dataset: EvalDataset) -> Iterable[str]:
    """The dataset's cases as JSON Lines: one object per case, the keys ``import`` takes."""
    for case in dataset.cases.order_by("id"):
        row = {"name": case.name, **{name: getattr(case, name) for name in CASE_FIELDS}}
        yield json.dumps({k: v for k, v in row.items() if v not in (None, "")}, ensure_ascii=False, sort_keys=True)


def parse_jsonl(text: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Cases from JSON Lines (blank lines skipped), and what is wrong with them by line number."""
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    names: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        row, problems = _row(line)
        if not problems and row["name"] in names:
            problems = [f"the name {row['name']!r} is used twice"]
        errors += [f"line {number}: {problem}" for problem in problems]
        if not problems:
            names.add(row["name"])
            rows.append(row)
    if len(rows) > MAX_IMPORT_CASES:
        errors.append(f"at most {MAX_IMPORT_CASES} cases at once")
    return rows, errors


def _row(line: str) -> tuple[dict[str, Any], list[str]]:
    try:
        row = json.loads(line)
    except ValueError as exc:
        return {}, [f"not JSON: {exc}"]
    if not isinstance(row, dict):
        return {}, ["not a JSON object"]
    unknown = sorted(set(row) - _CASE_KEYS)
    if unknown:
        return {}, [f"unknown keys: {', '.join(unknown)}"]
    name = row.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        return {}, ["name must be text of 1 to 200 characters"]
    if not isinstance(row.get("rubric", ""), str):
        return {}, ["rubric must be text"]
    problems = case_problems(row)
    return row, [f"{field}: {problem}" for field, listed in problems.items() for problem in listed]


@transaction.atomic
def dataset_import(*, dataset: EvalDataset, actor: Actor, text: str, replace: bool = False) -> dict[str, int]:
    """Add (or, by name, update) the cases of a JSONL text; with ``replace``, remove the cases it does not name.
    All or nothing: any bad line refuses the whole import, naming every bad line."""
    rows, errors = parse_jsonl(text)
    if errors:
        raise EvalError("invalid_jsonl", "The JSONL has errors; nothing was imported.", {"jsonl": errors[:100]})
    existing = {case.name: case for case in dataset.cases.all()}
    counts = {"created": 0, "updated": 0, "removed": 0}
    for row in rows:
        fields = {name: row.get(name, _DEFAULTS[name]) for name in CASE_FIELDS}
        case = existing.get(row["name"])
        if case is None:
            EvalCase.objects.create(dataset=dataset, name=row["name"], **fields)
            counts["created"] += 1
        elif any(getattr(case, name) != value for name, value in fields.items()):
            EvalCase.objects.filter(pk=case.pk).update(**fields)
            counts["updated"] += 1
    if replace:
        gone = set(existing) - {row["name"] for row in rows}
        counts["removed"] = dataset.cases.filter(name__in=gone).delete()[0]
    if any(counts.values()):
        dataset_touch(dataset)
    audit_log("evaldataset.import", actor=actor, workspace=dataset.workspace_id, target=dataset,
              changes={name: [None, value] for name, value in counts.items()})  # fmt: skip
    return counts


_DEFAULTS: dict[str, Any] = {"input": {}, "foundation": None, "graders": [], "rubric": "", "reference_output": None}


# --- A run as a case, and feedback ------------------------------------------------------------------------------


def run_default_graders(run: Run, rubric: str) -> list[dict[str, Any]]:
    """What a case made from a run checks unless told otherwise: the output's schema, and a judge of the rubric."""
    graders: list[dict[str, Any]] = []
    schema = run.agent_version.output_schema
    if isinstance(schema, dict) and schema:
        graders.append({"kind": GraderKind.JSON_SCHEMA, "path": "", "schema": schema, "name": "output schema"})
    if rubric:
        graders.append({"kind": GraderKind.JUDGE, "name": "rubric"})
    return graders


@transaction.atomic
def case_from_run(
    *,
    run: Run,
    dataset: EvalDataset,
    actor: Actor,
    name: str = "",
    graders: list[dict[str, Any]] | None = None,
    rubric: str = "",
) -> EvalCase:
    """A case made from a run: its input, its workspace's foundation, its output as the reference."""
    if run.agent_version.agent_id != dataset.agent_id:
        raise EvalError("dataset_mismatch", f"The run is of another agent than {dataset.name}'s.", {"dataset": ["?"]})
    if run.evaluation:
        raise EvalError("evaluation_run", "An evaluation run is a case already.", {"run": ["an evaluation run"]})
    foundation = run.workspace.foundation or None
    return case_create(
        dataset=dataset,
        actor=actor,
        name=name or f"run-{str(run.pk)[:8]}",
        input=run.input,
        foundation=foundation,
        graders=graders if graders is not None else run_default_graders(run, rubric),
        rubric=rubric,
        reference_output=run.output if run.status in (RunStatus.SUCCEEDED, RunStatus.AWAITING_APPROVAL) else None,
        source_run=run,
        source_workspace=run.workspace if dataset.workspace_id != run.workspace_id else None,
    )


@transaction.atomic
def feedback_set(
    *, run: Run, actor: Actor, rating: str, comment: str = "", source: str = "api"
) -> tuple[RunFeedback, bool]:
    """The caller's rating of a run (one per person or key: a new rating replaces theirs). (feedback, created)."""
    if rating not in Rating.values:
        raise EvalError("invalid_rating", "rating is up or down.", {"rating": ["up or down"]})
    if run.evaluation:
        raise EvalError("evaluation_run", "Evaluation runs are graded, not rated.", {"run": ["an evaluation run"]})
    rater = {"api_key": actor.api_key, "user": None} if actor.api_key else {"user": actor.user, "api_key": None}
    if rater["user"] is None and rater["api_key"] is None:
        raise EvalError("no_rater", "Feedback needs a person or an API key.")
    feedback, created = RunFeedback.objects.update_or_create(
        run=run, **rater, defaults={"rating": rating, "comment": comment[:MAX_COMMENT_CHARS], "source": source}
    )
    audit_log("run.feedback", actor=actor, workspace=run.workspace_id, target=run,
              changes={"rating": [None, rating], "comment": [None, comment[:200]]})  # fmt: skip
    return feedback, created


def feedback_rubric(feedback: RunFeedback) -> str:
    """A thumbs-down comment as a rubric: what the person said was wrong must be right."""
    said = feedback.comment.strip() or "(no comment)"
    return (
        f"A person rated an earlier output for this input down, saying: {said}\nThe output must not have that problem."
    )


def feedback_to_case(*, feedback: RunFeedback, dataset: EvalDataset, actor: Actor, name: str = "") -> EvalCase:
    """Turn a rating (typically a thumbs-down) into a case: the run's input, a judge of the person's comment."""
    rubric = feedback_rubric(feedback) if feedback.rating == Rating.DOWN else ""
    return case_from_run(run=feedback.run, dataset=dataset, actor=actor, name=name, rubric=rubric)
