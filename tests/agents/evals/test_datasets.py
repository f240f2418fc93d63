"""Datasets: JSONL import (all or nothing) and export, revisions, a run (or a thumbs-down) as a case."""

from __future__ import annotations

import json

import pytest

from agents.evals.datasets import (
    case_create,
    case_from_run,
    dataset_create,
    dataset_export_lines,
    dataset_import,
    feedback_set,
    feedback_to_case,
)
from agents.evals.errors import EvalError
from agents.models import EvalCase
from raptorflow.audit.models import AuditEvent
from tests.agents.conftest import UNIT_INPUT, run_agent

from .conftest import CASES, case_lines


def test_jsonl_import_creates_the_cases_and_export_gives_back_the_same_lines(gate_dataset, system_actor):
    exported = list(dataset_export_lines(gate_dataset))
    assert [json.loads(line)["name"] for line in exported] == [name for name, *_ in CASES]
    assert [json.loads(line) for line in exported] == [json.loads(line) for line in case_lines().splitlines()]

    copy = dataset_create(agent=gate_dataset.agent, name="copy", actor=system_actor)
    counts = dataset_import(dataset=copy, actor=system_actor, text="\n".join(exported))
    assert counts == {"created": 5, "updated": 0, "removed": 0}
    assert list(dataset_export_lines(copy)) == exported


def test_a_bad_line_refuses_the_whole_import_naming_each_bad_line(gate_dataset, system_actor):
    text = "\n".join(
        [
            json.dumps({"name": "fine", "input": {}}),
            "{not json",
            json.dumps({"name": "bad-grader", "graders": [{"kind": "range", "path": "cac"}]}),
            json.dumps({"name": "fine"}),
            json.dumps({"name": "x", "secret": 1}),
        ]
    )
    with pytest.raises(EvalError) as refused:
        dataset_import(dataset=gate_dataset, actor=system_actor, text=text)
    errors = refused.value.errors["jsonl"]
    assert [error.split(":")[0] for error in errors] == ["line 2", "line 3", "line 4", "line 5"]
    assert "used twice" in errors[2] and "unknown keys: secret" in errors[3]
    assert gate_dataset.cases.count() == 5 and not gate_dataset.cases.filter(name="fine").exists()


def test_reimporting_updates_by_name_replace_removes_the_rest_and_each_change_raises_the_revision(
    gate_dataset, system_actor
):
    revision = gate_dataset.revision
    assert dataset_import(dataset=gate_dataset, actor=system_actor, text=case_lines()) == {
        "created": 0,
        "updated": 0,
        "removed": 0,
    }
    assert gate_dataset.revision == revision  # nothing changed: the gate's experiments still count

    changed = json.dumps({"name": "baseline", "input": {"spend": 1}})
    counts = dataset_import(dataset=gate_dataset, actor=system_actor, text=changed, replace=True)
    assert counts == {"created": 0, "updated": 1, "removed": 4}
    assert gate_dataset.revision == revision + 1
    assert list(gate_dataset.cases.values_list("name", "input")) == [("baseline", {"spend": 1})]
    assert AuditEvent.objects.filter(action="evaldataset.import").count() == 3


def test_a_case_name_is_unique_in_its_dataset(gate_dataset, system_actor):
    with pytest.raises(EvalError) as taken:
        case_create(dataset=gate_dataset, actor=system_actor, name="baseline", input={})
    assert taken.value.code == "name_taken"


def test_a_run_becomes_a_case_with_its_output_as_the_reference(gate_dataset, workspace, system_actor):
    run = run_agent(workspace, system_actor, "unit_economics", UNIT_INPUT)
    case = case_from_run(run=run, dataset=gate_dataset, actor=system_actor, name="from-a-run")
    assert (case.input, case.reference_output, case.source_run_id) == (UNIT_INPUT, run.output, run.pk)
    assert [grader["kind"] for grader in case.graders] == ["json_schema"]  # the output schema; no rubric, no judge


def test_a_thumbs_down_becomes_a_judged_case_of_the_persons_comment(gate_dataset, workspace, owner):
    from raptorflow.audit.actors import Actor

    actor = Actor.for_user(owner)
    run = run_agent(workspace, actor, "unit_economics", UNIT_INPUT)
    feedback, created = feedback_set(run=run, actor=actor, rating="down", comment="Churn should be yearly here.")
    again, created_again = feedback_set(run=run, actor=actor, rating="down", comment="Churn is yearly.")
    assert (created, created_again, again.pk) == (True, False, feedback.pk)  # one rating per person, replaced

    case = feedback_to_case(feedback=again, dataset=gate_dataset, actor=actor)
    assert "Churn is yearly." in case.rubric
    assert [grader["kind"] for grader in case.graders] == ["json_schema", "judge"]
    assert EvalCase.objects.filter(dataset=gate_dataset).count() == 6
