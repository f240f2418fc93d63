"""The evaluation admin in a real browser, with a real worker: staff create a dataset and import its cases from a
JSONL file, make it the agent's gating dataset, start an experiment of a draft from the version's page (the worker
runs it while the page shows the progress live), compare it with the published version's latest experiment, and
publish: refused with eval_regression naming the cases, then published over the gate with an owner's reason."""

from __future__ import annotations

import pytest

from agents.choices import VersionStatus
from agents.evals.experiments import experiment_create, experiment_run_inline
from agents.models import Agent, AgentVersion, EvalDataset, Experiment, GateOverride
from agents.services import agentversion_create_draft
from tests.agents.evals.conftest import case_lines

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _message(page, kind: str, text: str) -> str:
    message = page.page.locator(f".messagelist .{kind}", has_text=text)
    message.wait_for()
    return message.inner_text()


def test_dataset_experiment_comparison_publish(
    signed_in_page, unit_agent: Agent, system_actor, superuser, start_worker, var_dir, tmp_path
):
    page = signed_in_page
    live = unit_agent.versions.get(status=VersionStatus.PUBLISHED)

    # 1. A dataset, its cases imported from a JSONL file.
    page.goto("/admin/agents/evaldataset/add/")
    page.page.select_option("#id_agent", str(unit_agent.pk))
    page.page.fill("#id_name", "walk")
    page.page.click("input[name=_continue]")
    _message(page, "success", "was added successfully")
    dataset = EvalDataset.objects.get(agent=unit_agent, name="walk")
    page.page.click("#dataset-import")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(case_lines() + '{"name": "broken", "input": [1]}\n')
    page.page.set_input_files("#id_file", str(bad))
    page.page.click("#import-submit")
    problems = page.page.locator("#import-problems")
    problems.wait_for()
    assert "line 6: input: must be a JSON object" in problems.inner_text()
    assert dataset.cases.count() == 0  # all or nothing
    page.screenshot("evals-import-refused")
    good = tmp_path / "cases.jsonl"
    good.write_text(case_lines())
    page.page.set_input_files("#id_file", str(good))
    page.page.click("#import-submit")
    assert "5 created" in _message(page, "success", "Imported into walk")
    dataset.refresh_from_db()
    assert (dataset.revision, dataset.cases.count()) == (2, 5)
    page.screenshot("evals-dataset")
    page.assert_clean()

    # 2. It gates the agent.
    page.goto(f"/admin/agents/agent/{unit_agent.pk}/change/")
    page.page.select_option("#id_gating_dataset", str(dataset.pk))
    page.page.click("input[name=_continue]")
    _message(page, "success", "was changed successfully")
    unit_agent.refresh_from_db()
    assert unit_agent.gating_dataset_id == dataset.pk

    # 3. The published version's experiment (its page offers no button: run here), then a draft's, on the worker
    #    from the draft's page, its progress live.
    baseline = experiment_run_inline(experiment_create(dataset=dataset, version=live, actor=system_actor))
    assert baseline.passed == 5
    schema = {**live.input_schema, "properties": {**live.input_schema["properties"]}}
    schema["properties"]["spend"] = {"type": "number", "minimum": 0, "maximum": 20_000}
    draft: AgentVersion = agentversion_create_draft(agent=unit_agent, actor=system_actor, input_schema=schema)
    start_worker(concurrency=2)
    page.goto(f"/admin/agents/agentversion/{draft.pk}/change/")
    page.page.click("#version-experiment")
    _message(page, "info", "is queued for the workers")
    experiment = Experiment.objects.get(version=draft)
    page.page.click(f"#version-experiments tr[data-experiment='{experiment.pk}'] a")
    page.page.locator("#experiment-live").wait_for()
    page.page.locator("#experiment-status", has_text="Finished").wait_for(timeout=120_000)  # polled, then reloaded
    assert page.page.locator("#experiment-done").inner_text() == "5 of 5"
    assert page.page.locator("#experiment-outcomes").inner_text() == "3 / 2 / 0"
    assert page.page.locator("tr[data-case='big-spend'] td strong").inner_text() == "Failed"
    page.screenshot("evals-experiment")
    page.assert_clean()

    # 4. Compared with the published version's latest experiment.
    page.page.click("#experiment-compare-published")
    page.page.locator("#compare-overall").wait_for()
    assert "different revisions" not in page.page.content()
    regressed = page.page.locator("section.compare-case[data-change='regressed']")
    assert sorted(regressed.evaluate_all("nodes => nodes.map(n => n.dataset.case)")) == ["big-spend", "huge-spend"]
    assert "-40 points" in page.page.locator("#delta-pass-rate").inner_text()
    big = page.page.locator("section.compare-case[data-case='big-spend']")
    assert big.locator("table.compare-flips th", has_text="cac").count() == 1
    assert big.locator("pre.diff .diff-del", has_text='"cac": 1000').count() == 1
    page.screenshot("evals-compare")
    page.assert_clean()

    # 5. Publish: refused, naming the cases; then over the gate with an owner's reason.
    page.goto(f"/admin/agents/agentversion/{draft.pk}/change/")
    page.page.click("#version-publish")
    refused = _message(page, "error", "Not published (eval_regression)")
    assert "big-spend, huge-spend" in refused
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    page.page.fill("#override-reason", "Spends above 20,000 are out of scope for the pilot.")
    page.page.click("#version-publish")
    _message(page, "info", "over the evaluation gate")
    assert page.page.locator("#version-gate-override").is_visible()
    page.screenshot("evals-published")
    page.assert_clean()
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    assert GateOverride.objects.get(version=draft).overridden_by == superuser
