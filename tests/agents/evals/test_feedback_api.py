"""Members rate a run's output through the API: one rating per person or key, replaced when rated again; a viewer
may not, a stranger does not see the run, bad input is a 400 with a code."""

from __future__ import annotations

import pytest

from agents.choices import RunStatus
from agents.models import RunFeedback
from raptorflow.audit.models import AuditEvent
from tests.factories import RunFactory

API = "/api/v1/runs"


@pytest.fixture
def finished_run(workspace):
    return RunFactory(workspace=workspace, status=RunStatus.SUCCEEDED, output={"tagline": "Plan less, ship more."})


def test_a_member_rates_a_run_and_rating_again_replaces_it(as_user, member, finished_run):
    client = as_user(member)
    first = client.post(f"{API}/{finished_run.pk}/feedback", {"rating": "up"}, format="json")
    assert (first.status_code, first.json()["rating"], first.json()["comment"]) == (201, "up", "")
    again = client.post(
        f"{API}/{finished_run.pk}/feedback", {"rating": "down", "comment": "Too generic."}, format="json"
    )
    assert (again.status_code, again.json()["rating"]) == (200, "down")
    feedback = RunFeedback.objects.get(run=finished_run)
    assert (feedback.user, feedback.rating, feedback.comment, feedback.source) == (
        member,
        "down",
        "Too generic.",
        "api",
    )
    assert AuditEvent.objects.filter(action="run.feedback", target_id=str(finished_run.pk)).count() == 2


def test_an_api_key_rates_as_itself(as_key, workspace, finished_run, member, as_user):
    as_user(member).post(f"{API}/{finished_run.pk}/feedback", {"rating": "up"}, format="json")
    response = as_key(workspace, ["runs:write"]).post(f"{API}/{finished_run.pk}/feedback", {"rating": "down"})
    assert response.status_code == 201
    assert sorted(RunFeedback.objects.values_list("rating", flat=True)) == ["down", "up"]


def test_a_viewer_may_not_rate_and_a_stranger_does_not_see_the_run(as_user, viewer, stranger, finished_run):
    assert as_user(viewer).post(f"{API}/{finished_run.pk}/feedback", {"rating": "up"}).status_code == 403
    assert as_user(stranger).post(f"{API}/{finished_run.pk}/feedback", {"rating": "up"}).status_code == 404
    assert not RunFeedback.objects.exists()


def test_a_rating_that_is_not_up_or_down_is_a_400_naming_the_field(as_user, owner, finished_run):
    response = as_user(owner).post(f"{API}/{finished_run.pk}/feedback", {"rating": "meh"}, format="json")
    assert response.status_code == 400
    assert "rating" in response.json()["errors"]
