"""The evaluation admin: the comparison of two experiments, an experiment's live progress, cancel and a person's
grade, the dataset's JSONL import, and a run's "add to dataset" and staff rating. Every page checks the model's
permissions, and bad input shows a message, never a 500."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from agents.choices import RunStatus
from agents.evals.datasets import case_create, dataset_create
from agents.evals.experiments import experiment_create, experiment_run_inline
from agents.models import AgentVersion, EvalCase, Experiment, RunFeedback
from agents.services import agentversion_create_draft
from raptorflow.audit.models import AuditEvent
from tests.agents.evals.conftest import case_lines
from tests.factories import RunFactory, UserFactory

pytestmark = pytest.mark.django_db

COMPARE = "admin:agents_experiment_compare"


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def _capped_draft(agent, version: AgentVersion, actor) -> AgentVersion:
    """A draft whose input schema caps spend at 20,000: big-spend and huge-spend fail (conftest's cases)."""
    schema = {**version.input_schema, "properties": {**version.input_schema["properties"]}}
    schema["properties"]["spend"] = {"type": "number", "minimum": 0, "maximum": 20_000}
    return agentversion_create_draft(agent=agent, actor=actor, input_schema=schema)


@pytest.fixture
def two_experiments(gated_agent, live_version, gate_dataset, system_actor) -> tuple[Experiment, Experiment]:
    before = experiment_run_inline(experiment_create(dataset=gate_dataset, version=live_version, actor=system_actor))
    draft = _capped_draft(gated_agent, live_version, system_actor)
    after = experiment_run_inline(experiment_create(dataset=gate_dataset, version=draft, actor=system_actor))
    return before, after


@pytest.fixture
def staff_client(db) -> Client:
    """Staff, but with no model permissions."""
    client = Client()
    client.force_login(UserFactory(username="staffer", is_staff=True))
    return client


# --- The comparison ----------------------------------------------------------------------------------------------


def test_the_comparison_shows_flips_deltas_and_the_outputs_diffed(admin_client, two_experiments):
    before, after = two_experiments
    response = admin_client.get(reverse(COMPARE), {"a": before.pk, "b": after.pk})
    assert response.status_code == 200
    page = response.content.decode()
    rows = {row["case"]: row for row in response.context["comparison"]["cases"]}
    assert {name for name, row in rows.items() if row["change"] == "regressed"} == {"big-spend", "huge-spend"}
    assert 'data-case="big-spend" data-change="regressed"' in page
    assert 'data-case="baseline" data-change="same"' in page
    # the graders that flipped, by name, and the output diff (the baseline's CAC deleted: B has no output)
    big = page.split('data-case="big-spend"')[1].split("</section>")[0]
    assert '<th scope="row">cac</th><td>passed</td><td>—</td>' in big
    assert '<span class="diff-del">' in big and "&quot;cac&quot;: 1000" in big
    assert "invalid_input" in big  # why B has no output
    # overall: 5 of 5 against 3 of 5 is -40 points, -2 cases
    overall = page.split('id="delta-pass-rate"')[1].split("</tr>")[0]
    assert "100 %" in overall and "60 %" in overall and "-40 points" in overall
    assert "<td>-2</td>" in page.split('id="delta-passed"')[1].split("</tr>")[0]
    assert "0 case(s) fixed, 2 regressed" in page


def test_the_action_compares_the_two_selected_older_first(admin_client, two_experiments):
    before, after = two_experiments
    changelist = reverse("admin:agents_experiment_changelist")
    response = admin_client.post(changelist, {"action": "compare_selected", "_selected_action": [after.pk, before.pk]})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse(COMPARE)}?a={before.pk}&b={after.pk}"

    one = admin_client.post(changelist, {"action": "compare_selected", "_selected_action": [before.pk]}, follow=True)
    assert _messages(one) == ["Choose exactly two experiments to compare."]


def test_experiments_of_different_datasets_are_refused_with_a_message(
    admin_client, two_experiments, gated_agent, live_version, system_actor
):
    before, _after = two_experiments
    other = dataset_create(agent=gated_agent, name="other", actor=system_actor)
    case_create(dataset=other, actor=system_actor, name="one", input={"spend": 1, "leads": 1, "conversion_rate": 1})
    elsewhere = experiment_create(dataset=other, version=live_version, actor=system_actor)

    response = admin_client.get(reverse(COMPARE), {"a": before.pk, "b": elsewhere.pk}, follow=True)
    assert response.status_code == 200
    shown = _messages(response)
    assert len(shown) == 1 and shown[0].startswith("Not comparable") and "same dataset" in shown[0]

    action = admin_client.post(
        reverse("admin:agents_experiment_changelist"),
        {"action": "compare_selected", "_selected_action": [before.pk, elsewhere.pk]},
        follow=True,
    )
    assert _messages(action) == ["Only experiments on the same dataset can be compared."]


@pytest.mark.parametrize("query", [{}, {"a": "x", "b": "1"}, {"a": "999999", "b": "999998"}, {"a": "1", "b": "1"}])
def test_bad_comparison_input_shows_a_message_never_a_500(admin_client, query):
    response = admin_client.get(reverse(COMPARE), query, follow=True)
    assert response.status_code == 200
    assert len(_messages(response)) == 1


# --- The experiment page: progress, cancel, a person's grade --------------------------------------------------------


def test_the_experiment_page_links_to_the_published_versions_latest_and_shows_results(admin_client, two_experiments):
    before, after = two_experiments
    page = admin_client.get(reverse("admin:agents_experiment_change", args=[after.pk])).content.decode()
    assert f"?a={before.pk}&amp;b={after.pk}" in page and 'id="experiment-compare-published"' in page
    row = page.split('data-case="huge-spend"')[1].split("</tr>")[0]
    assert 'class="outcome-failed"' in row and "invalid_input" in row
    assert f"/grade/{after.results.get(case_name='huge-spend').pk}/" in row  # a failed case a person may pass
    assert "agents/experiment_live.js" in page and 'data-ended="true"' in page and "<script>" not in page
    # the published version's own experiment is the baseline: nothing to compare it with
    own = admin_client.get(reverse("admin:agents_experiment_change", args=[before.pk])).content.decode()
    assert 'id="experiment-compare-published"' not in own


def test_progress_is_json_and_a_queued_experiment_can_be_cancelled_once(admin_client, gated_agent, gate_dataset,
                                                                         system_actor, superuser):  # fmt: skip
    draft = agentversion_create_draft(agent=gated_agent, actor=system_actor, notes="try")
    experiment = experiment_create(dataset=gate_dataset, version=draft, actor=system_actor)

    progress = admin_client.get(reverse("admin:agents_experiment_progress", args=[experiment.pk])).json()
    assert (progress["status"], progress["total"], progress["done"], progress["final"]) == ("queued", 5, 0, False)
    page = admin_client.get(reverse("admin:agents_experiment_change", args=[experiment.pk])).content.decode()
    assert 'id="experiment-cancel"' in page and 'data-ended="false"' in page

    cancel = reverse("admin:agents_experiment_cancel", args=[experiment.pk])
    response = admin_client.post(cancel, follow=True)
    assert "is cancelled" in _messages(response)[0]
    experiment.refresh_from_db()
    assert experiment.status == "cancelled"
    assert AuditEvent.objects.filter(action="experiment.cancel", actor_label=superuser.username).exists()
    assert 'id="experiment-cancel"' not in response.content.decode()

    again = admin_client.post(cancel, follow=True)
    assert again.status_code == 200 and "has already ended" in _messages(again)[0]
    assert admin_client.get(cancel).status_code == 405


def test_a_persons_grade_overrides_the_automatic_one_audited_and_bad_grades_are_messages(
    admin_client, two_experiments, superuser
):
    before, _after = two_experiments
    result = before.results.get(case_name="baseline")
    grade = reverse("admin:agents_experiment_grade", args=[before.pk, result.pk])

    response = admin_client.post(grade, {"outcome": "failed", "note": "CAC should round down."}, follow=True)
    assert _messages(response) == ["baseline: graded failed by a person; the experiment's figures follow."]
    result.refresh_from_db()
    before.refresh_from_db()
    assert (result.outcome, result.auto_outcome, result.human_note) == ("failed", "passed", "CAC should round down.")
    assert (before.passed, before.failed) == (4, 1)
    audit = AuditEvent.objects.get(action="experimentresult.grade")
    assert audit.actor_label == superuser.username and audit.changes["outcome"] == ["passed", "failed"]
    assert "CAC should round down." in response.content.decode()

    cleared = admin_client.post(grade, {"outcome": ""}, follow=True)
    assert "back to its automatic grade" in _messages(cleared)[0]
    result.refresh_from_db()
    assert result.outcome == "passed"

    bad = admin_client.post(grade, {"outcome": "maybe"}, follow=True)
    assert bad.status_code == 200 and "not graded" in _messages(bad)[0]
    other = admin_client.post(reverse("admin:agents_experiment_grade", args=[before.pk, 999999]))
    assert other.status_code == 404


def test_a_case_not_graded_yet_cannot_be_graded_by_a_person(admin_client, gated_agent, gate_dataset, system_actor):
    draft = agentversion_create_draft(agent=gated_agent, actor=system_actor, notes="try")
    experiment = experiment_create(dataset=gate_dataset, version=draft, actor=system_actor)
    result = experiment.results.first()
    response = admin_client.post(
        reverse("admin:agents_experiment_grade", args=[experiment.pk, result.pk]), {"outcome": "passed"}, follow=True
    )
    assert "Only a case that ran and was graded" in _messages(response)[0]


# --- The dataset's JSONL import ------------------------------------------------------------------------------------


def _upload(text: str | bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("cases.jsonl", text.encode() if isinstance(text, str) else text, "application/jsonl")


def test_a_jsonl_file_imports_its_cases_and_raises_the_revision(admin_client, unit_agent, system_actor):
    dataset = dataset_create(agent=unit_agent, name="walk", actor=system_actor)
    url = reverse("admin:agents_evaldataset_import", args=[dataset.pk])
    page = admin_client.get(reverse("admin:agents_evaldataset_change", args=[dataset.pk])).content.decode()
    assert f'href="{url}"' in page
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(url, {"file": _upload(case_lines())}, follow=True)
    assert _messages(response) == ["Imported into walk: 5 created, 0 updated, 0 removed (revision 2)."]
    assert dataset.cases.count() == 5
    assert AuditEvent.objects.filter(action="evaldataset.import", target_id=str(dataset.pk)).exists()


def test_a_bad_jsonl_file_names_each_bad_line_and_imports_nothing(admin_client, unit_agent, system_actor):
    dataset = dataset_create(agent=unit_agent, name="walk", actor=system_actor)
    url = reverse("admin:agents_evaldataset_import", args=[dataset.pk])
    good = json.dumps({"name": "fine", "input": {"spend": 1}})
    text = "\n".join([good, "{not json", json.dumps({"name": "x", "graders": [{"kind": "nope"}]}), "[1]"])

    response = admin_client.post(url, {"file": _upload(text)})
    assert response.status_code == 200
    problems = response.context["problems"]
    assert problems[0] == "The JSONL has errors; nothing was imported."
    assert [p.split(":")[0] for p in problems[1:]] == ["line 2", "line 3", "line 4"]
    assert 'id="import-problems"' in response.content.decode()
    assert not EvalCase.objects.filter(dataset=dataset).exists()

    not_text = admin_client.post(url, {"file": _upload(b"\xff\xfe\x00bad")})
    assert not_text.context["problems"] == ["The file is not UTF-8 text."]
    no_file = admin_client.post(url, {})
    assert no_file.status_code == 200 and no_file.context["form"].errors["file"]


# --- The run page: add to a dataset, rate -------------------------------------------------------------------------


@pytest.fixture
def finished_run(live_version, workspace):
    return RunFactory(
        agent_version=live_version, workspace=workspace, status=RunStatus.SUCCEEDED,
        input={"spend": 1000, "leads": 100, "conversion_rate": 0.1}, output={"cac": 100, "customers": 10},
    )  # fmt: skip


def test_a_run_becomes_a_case_of_a_chosen_dataset_with_its_output_as_the_reference(
    admin_client, finished_run, gate_dataset
):
    change = reverse("admin:agents_run_change", args=[finished_run.pk])
    page = admin_client.get(change).content.decode()
    assert 'id="run-to-dataset-form"' in page and f'<option value="{gate_dataset.pk}">gate</option>' in page

    url = reverse("admin:agents_run_to_dataset", args=[finished_run.pk])
    response = admin_client.post(url, {"dataset": gate_dataset.pk, "name": "from-a-run"}, follow=True)
    assert 'Added as case "from-a-run"' in _messages(response)[0]
    case = gate_dataset.cases.get(name="from-a-run")
    assert (case.input, case.reference_output, case.source_run) == (
        finished_run.input,
        {"cac": 100, "customers": 10},
        finished_run,
    )
    again = admin_client.post(url, {"dataset": gate_dataset.pk, "name": "from-a-run"}, follow=True)
    assert "Not added (name_taken)" in _messages(again)[0]
    nowhere = admin_client.post(url, {"dataset": "abc"}, follow=True)
    assert _messages(nowhere) == ["Choose one of this agent's datasets."]


def test_a_thumbs_down_becomes_a_case_judged_against_its_comment(admin_client, finished_run, gate_dataset):
    admin_client.post(reverse("admin:agents_run_rate", args=[finished_run.pk]),
                      {"rating": "down", "comment": "Ignores churn."})  # fmt: skip
    down = RunFeedback.objects.get(run=finished_run)
    page = admin_client.get(reverse("admin:agents_run_change", args=[finished_run.pk])).content.decode()
    assert f'<option value="{down.pk}">root\'s thumbs down: Ignores churn.</option>' in page.replace("&#x27;", "'")

    response = admin_client.post(
        reverse("admin:agents_run_to_dataset", args=[finished_run.pk]),
        {"dataset": gate_dataset.pk, "name": "churn", "feedback": down.pk},
        follow=True,
    )
    assert 'Added as case "churn"' in _messages(response)[-1]
    case = gate_dataset.cases.get(name="churn")
    assert "Ignores churn." in case.rubric and {"kind": "judge", "name": "rubric"} in case.graders
    assert case.reference_output == finished_run.output


def test_staff_rate_a_run_up_or_down_with_a_comment(admin_client, finished_run, superuser):
    url = reverse("admin:agents_run_rate", args=[finished_run.pk])
    response = admin_client.post(url, {"rating": "down", "comment": "The CAC ignores churn."}, follow=True)
    assert _messages(response)[-1].endswith("rated thumbs down.")
    feedback = RunFeedback.objects.get(run=finished_run)
    assert (feedback.rating, feedback.comment, feedback.source, feedback.user) == (
        "down", "The CAC ignores churn.", "admin", superuser,
    )  # fmt: skip
    assert "The CAC ignores churn." in response.content.decode()

    admin_client.post(url, {"rating": "up"})
    assert RunFeedback.objects.get(run=finished_run).rating == "up"  # replaced, one per person
    bad = admin_client.post(url, {"rating": "sideways"}, follow=True)
    assert "Not rated (invalid_rating)" in _messages(bad)[-1]


# --- Permissions ---------------------------------------------------------------------------------------------------


def test_staff_without_the_models_permissions_are_refused_everywhere(staff_client, two_experiments, finished_run):
    before, after = two_experiments
    result = before.results.first()
    dataset = before.dataset
    refused = [
        staff_client.get(reverse(COMPARE), {"a": before.pk, "b": after.pk}),
        staff_client.get(reverse("admin:agents_experiment_progress", args=[before.pk])),
        staff_client.post(reverse("admin:agents_experiment_cancel", args=[before.pk])),
        staff_client.post(reverse("admin:agents_experiment_grade", args=[before.pk, result.pk]), {"outcome": "failed"}),
        staff_client.get(reverse("admin:agents_evaldataset_import", args=[dataset.pk])),
        staff_client.post(reverse("admin:agents_run_to_dataset", args=[finished_run.pk]), {"dataset": dataset.pk}),
        staff_client.post(reverse("admin:agents_run_rate", args=[finished_run.pk]), {"rating": "up"}),
    ]
    assert [response.status_code for response in refused] == [403] * len(refused)


def test_view_permission_reads_but_does_not_act(two_experiments):
    from django.contrib.auth.models import Permission

    before, after = two_experiments
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_experiment"))
    client = Client()
    client.force_login(viewer)
    assert client.get(reverse(COMPARE), {"a": before.pk, "b": after.pk}).status_code == 200
    page = client.get(reverse("admin:agents_experiment_change", args=[after.pk])).content.decode()
    assert 'class="grade-form"' not in page
    result = before.results.first()
    assert client.post(reverse("admin:agents_experiment_grade", args=[before.pk, result.pk])).status_code == 403


def test_an_evaluation_run_is_neither_rated_nor_added_to_a_dataset(admin_client, two_experiments, gate_dataset):
    run = two_experiments[0].results.get(case_name="baseline").run
    page = admin_client.get(reverse("admin:agents_run_change", args=[run.pk])).content.decode()
    assert 'id="run-rate-form"' not in page and 'id="run-to-dataset-form"' not in page
    rated = admin_client.post(reverse("admin:agents_run_rate", args=[run.pk]), {"rating": "up"}, follow=True)
    assert "Not rated (evaluation_run)" in _messages(rated)[-1]
    added = admin_client.post(reverse("admin:agents_run_to_dataset", args=[run.pk]), {"dataset": gate_dataset.pk},
                              follow=True)  # fmt: skip
    assert "Not added (evaluation_run)" in _messages(added)[-1]
