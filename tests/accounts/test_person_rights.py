"""A person's data rights: they export what Raptorflow holds about them, and they can be erased.

Both through the API (`/me/export`, `/me/erase`, for the signed-in person only) and the admin (actions on
User); both audited; and the audit chain verifies after each, against checkpoints written before.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from axes.models import AccessLog
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse
from rest_framework.test import APIClient

from agents.models import Run
from raptorflow import context
from raptorflow.accounts.choices import Role
from raptorflow.accounts.erasure import CONFIRMATION, user_erase
from raptorflow.accounts.models import APIKey, Membership, User
from raptorflow.accounts.rights import PERSON_EXPORT_FORMAT, user_export_stream
from raptorflow.accounts.services import LastOwnerError, apikey_create, membership_set
from raptorflow.audit.actors import Actor
from raptorflow.audit.models import AuditEvent
from raptorflow.audit.redaction import audit_pseudonymise_clients
from raptorflow.audit.services import audit_checkpoint, audit_log, audit_seal
from raptorflow.audit.signals import ANONYMOUS
from raptorflow.audit.verify import audit_verify
from tests.factories import MembershipFactory, RunEventFactory, RunFactory, RunStepFactory, UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"
HER_IP, OTHER_IP = "203.0.113.7", "198.51.100.9"
HER_AGENT = "AliceBrowser/1.0"
ERASE = {"confirm": CONFIRMATION}


@pytest.fixture
def alice(workspace, owner) -> User:
    user = UserFactory(username="alice", email="alice@example.com", first_name="Alice", last_name="Liddell")
    MembershipFactory(workspace=workspace, user=user, role=Role.ADMIN)
    return user


@pytest.fixture
def trail(alice, workspace, other_workspace, owner, stranger, superuser) -> dict[str, Any]:
    """What Raptorflow comes to hold about Alice, beside what it holds about others."""
    her = Actor.for_user(alice)
    with context.bind(ip=HER_IP, user_agent=HER_AGENT, request_id="req-alice"):
        key, plaintext = apikey_create(workspace=workspace, name="laptop", scopes=["runs:read"], actor=her)
        audit_log("workspace.update", actor=her, workspace=workspace, target=workspace, changes={"name": ["a", "b"]})
        audit_log("auth.login_failed", actor=ANONYMOUS, changes={"username": [None, "ALICE@example.com"]})
    with context.bind(ip=OTHER_IP, user_agent="staff-browser"):
        admin = Actor.for_user(superuser)
        audit_log("user.update", actor=admin, target=alice, changes={"last_name": ["Pleasance", "Liddell"]})
        membership_set(workspace=other_workspace, user=alice, role=Role.VIEWER, actor=admin)
        audit_log("workspace.update", actor=Actor.for_user(owner), workspace=workspace, target=workspace)
    run = RunFactory(workspace=workspace, requested_by=alice)
    RunStepFactory(run=run, sequence=1, output={"n": 1})
    RunEventFactory(run=run, sequence=1, data={"n": 1})
    theirs = RunFactory(workspace=workspace, requested_by=owner)
    AccessLog.objects.create(username="alice", ip_address=HER_IP, user_agent=HER_AGENT)
    AccessLog.objects.create(username="owner", ip_address=OTHER_IP, user_agent="x")
    return {"key": key, "plaintext": plaintext, "run": run, "theirs": theirs}


def _export(user: User, actor: Actor | None = None) -> dict[str, Any]:
    return json.loads("".join(user_export_stream(user=user, actor=actor or Actor.for_user(user))))


def _signed_in(user: User) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


# --- export (Article 15) ----------------------------------------------------------------------------


def test_a_persons_export_holds_their_account_memberships_keys_runs_and_actions(
    alice, trail, workspace, other_workspace
):
    data = _export(alice)
    assert (data["format"], data["format_version"]) == (PERSON_EXPORT_FORMAT, 1)
    assert data["account"] | {"date_joined": None} == {
        "username": "alice", "email": "alice@example.com", "first_name": "Alice", "last_name": "Liddell",
        "date_joined": None, "last_login": None, "is_active": True, "is_staff": False,
    }  # fmt: skip
    assert sorted((m["workspace"], m["role"]) for m in data["memberships"]) == sorted(
        [(workspace.slug, Role.ADMIN), (other_workspace.slug, Role.VIEWER)]
    )
    assert [(k["workspace"], k["name"], k["prefix"]) for k in data["api_keys"]] == [
        (workspace.slug, "laptop", trail["key"].prefix)
    ]
    [run] = data["runs"]
    assert (run["id"], run["workspace"], run["requested_by"]) == (str(trail["run"].pk), workspace.slug, "alice")
    assert [step["output"] for step in run["steps"]] == [{"n": 1}]
    actions = [e["action"] for e in data["audit_events"]]
    assert actions == ["apikey.create", "workspace.update", "user.export"]  # what she did, not what was done to her
    assert [(e["ip"], e["user_agent"]) for e in data["audit_events"][:2]] == [(HER_IP, HER_AGENT)] * 2
    assert str(trail["theirs"].pk) not in json.dumps(data)


def test_a_persons_export_holds_no_key_hash_and_no_secret(alice, trail):
    text = json.dumps(_export(alice))
    assert trail["key"].secret_hash not in text
    assert trail["plaintext"].split("_", 2)[2] not in text
    assert "secret_hash" not in text and "password" not in text


def test_a_person_exports_themselves_through_the_api_and_it_is_audited(alice, trail):
    response = _signed_in(alice).get(f"{ME}/export")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="alice-personal-data-')
    assert response["Cache-Control"] == "no-store"
    data = json.loads(b"".join(response.streaming_content))
    assert data["account"]["username"] == "alice"
    event = AuditEvent.objects.get(action="user.export")
    assert (event.actor_user, event.target_type, event.target_id) == (alice, "accounts.user", str(alice.pk))


def test_an_api_key_cannot_export_or_erase_anybody(alice, trail, as_key, workspace):
    client = as_key(workspace, ["admin"])
    assert client.get(f"{ME}/export").status_code == 403
    response = client.post(f"{ME}/erase", ERASE, format="json")
    assert (response.status_code, response.json()["code"]) == (403, "permission_denied")
    assert APIClient().get(f"{ME}/export").status_code == 401
    assert User.objects.get(pk=alice.pk).username == "alice"


def test_the_admin_exports_one_person_as_a_file(admin_client, alice, trail, superuser):
    url = reverse("admin:accounts_user_changelist")
    response = admin_client.post(url, {"action": "export_personal_data", "_selected_action": [alice.pk]})
    assert response.status_code == 200
    assert json.loads(b"".join(response.streaming_content))["account"]["email"] == "alice@example.com"
    assert AuditEvent.objects.get(action="user.export").actor_user == superuser
    several = admin_client.post(
        url, {"action": "export_personal_data", "_selected_action": [alice.pk, superuser.pk]}, follow=True
    )
    assert "Select exactly one person" in several.content.decode()


# --- erasure (Article 17) ------------------------------------------------------------------------------


def _raw_identity_in_the_trail() -> list[str]:
    """Every place in the audit trail that still holds Alice's name, email, address or user agent."""
    needles = ("alice", "liddell", HER_IP, HER_AGENT.lower())
    found = []
    for event in AuditEvent.objects.all():
        text = json.dumps(
            [event.actor_label, event.target_repr, event.changes, event.ip, event.user_agent, event.redacted]
        ).lower()
        found += [f"{event.action} #{event.pk}: {needle}" for needle in needles if needle in text]
    return found


def test_erasure_anonymises_the_account_and_keeps_their_runs_attributed_to_the_erased_user(alice, trail, owner):
    counts = user_erase(user=alice, actor=Actor.for_user(owner))
    alice.refresh_from_db()
    assert (alice.username, alice.email, alice.first_name, alice.last_name) == (f"erased-user-{alice.pk}", "", "", "")
    assert not alice.has_usable_password() and not alice.is_active and alice.last_login is None
    run = Run.objects.get(pk=trail["run"].pk)
    assert run.requested_by == alice and str(run.requested_by) == f"erased-user-{alice.pk}"
    assert counts == {
        "api_keys_revoked": 1, "memberships_ended": 2, "sessions_ended": 0,
        "sign_in_records_deleted": 1, "audit_events": counts["audit_events"],
    }  # fmt: skip
    assert counts["audit_events"] >= 5
    assert APIKey.objects.get(pk=trail["key"].pk).revoked_at is not None
    assert not Membership.objects.filter(user=alice).exists()
    assert list(AccessLog.objects.values_list("username", flat=True)) == ["owner"]


def test_erasure_leaves_no_raw_identity_in_the_trail_and_the_chain_still_verifies(alice, trail, owner, checkpoint_file):
    audit_seal()
    audit_checkpoint()  # written before the erasure: it must still match after it
    assert _raw_identity_in_the_trail()
    user_erase(user=alice, actor=Actor.for_user(owner))
    assert _raw_identity_in_the_trail() == []
    done_by_her = AuditEvent.objects.filter(actor_user_id=alice.pk, action="apikey.create").get()
    assert (done_by_her.actor_label, done_by_her.ip, done_by_her.user_agent) == ("erased user", None, "")
    assert done_by_her.request_id == "req-alice"  # what happened stays; only who and from where is gone
    to_her = AuditEvent.objects.get(action="user.update", target_id=str(alice.pk))
    assert (to_her.target_repr, to_her.changes, to_her.actor_label) == ("[erased]", {}, "root")
    erasure = AuditEvent.objects.get(action="user.erase")
    assert (erasure.target_repr, erasure.actor_user) == (f"erased-user-{alice.pk}", owner)
    audit_seal()
    report = audit_verify()
    assert report.findings == [] and report.checkpoints == 1


def test_erasure_ends_their_sessions(alice, trail):
    client = _signed_in(alice)
    assert client.get("/api/v1/workspaces").status_code == 200
    user_erase(user=alice, actor=Actor.system("support"))
    assert not any(s.get_decoded().get(SESSION_KEY) == str(alice.pk) for s in Session.objects.all())
    assert client.get("/api/v1/workspaces").status_code in {401, 403}


def test_a_last_owner_cannot_be_erased_until_another_owner_exists(alice, trail, owner, workspace):
    with pytest.raises(LastOwnerError, match=f"last owner of the workspace '{workspace.slug}'"):
        user_erase(user=owner, actor=Actor.for_user(owner))
    owner.refresh_from_db()
    assert owner.username == "owner" and owner.memberships.filter(role=Role.OWNER).exists()
    refused = AuditEvent.objects.get(action="user.erase")
    assert (refused.outcome, refused.changes) == ("denied", {"refused": [None, "last_owner"]})
    membership_set(workspace=workspace, user=alice, role=Role.OWNER, actor=Actor.for_user(owner))
    user_erase(user=owner, actor=Actor.for_user(owner))
    assert User.objects.get(pk=owner.pk).username.startswith("erased-user-")


def test_erasing_an_erased_person_again_does_nothing(alice, trail, owner):
    user_erase(user=alice, actor=Actor.for_user(owner))
    again = user_erase(user=alice, actor=Actor.for_user(owner))
    assert set(again.values()) == {0}
    assert AuditEvent.objects.filter(action="user.erase").count() == 1


def test_a_person_erases_themselves_through_the_api(alice, trail, owner):
    client = _signed_in(alice)
    refused = client.post(f"{ME}/erase", {"confirm": "yes"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid_input")
    response = client.post(f"{ME}/erase", ERASE, format="json", REMOTE_ADDR=HER_IP, HTTP_USER_AGENT=HER_AGENT)
    assert response.status_code == 204
    assert User.objects.get(pk=alice.pk).username == f"erased-user-{alice.pk}"
    assert client.get("/api/v1/workspaces").status_code in {401, 403}  # signed out
    erasure = AuditEvent.objects.get(action="user.erase")
    assert (erasure.actor_user_id, erasure.actor_label) == (alice.pk, f"erased-user-{alice.pk}")
    # The events of her own erasure carry neither her old name nor the address she sent it from.
    own = AuditEvent.objects.filter(request_id=erasure.request_id)
    assert {(e.ip, e.user_agent) for e in own} == {(None, "")}
    assert _raw_identity_in_the_trail() == []


def test_the_api_refuses_a_last_owners_erasure_with_409(owner, workspace):
    response = _signed_in(owner).post(f"{ME}/erase", ERASE, format="json")
    assert (response.status_code, response.json()["code"]) == (409, "last_owner")
    assert workspace.slug in response.json()["message"]
    assert User.objects.get(pk=owner.pk).is_active


def test_the_admin_erases_people_after_a_confirmation(admin_client, alice, trail, owner, superuser):
    url = reverse("admin:accounts_user_changelist")
    selected = {"action": "erase_people", "_selected_action": [alice.pk, owner.pk]}
    confirm = admin_client.post(url, selected)
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "cannot be undone" in page and "alice@example.com" in page
    assert User.objects.get(pk=alice.pk).username == "alice"  # nothing yet

    done = admin_client.post(url, {**selected, "confirm_erasure": "yes"}, follow=True)
    messages = [str(m) for m in done.context["messages"]]
    assert messages[0].startswith("owner was not erased: This person is the last owner of the workspace")
    assert messages[1] == "Erased 1 person(s)."
    assert User.objects.get(pk=alice.pk).username == f"erased-user-{alice.pk}"
    assert AuditEvent.objects.get(action="user.erase", outcome="success").actor_user == superuser


# --- all three, then the chain -----------------------------------------------------------------------------


def test_the_chain_verifies_after_an_export_an_erasure_and_the_retention(alice, trail, owner, checkpoint_file):
    from django.db import models
    from django.utils import timezone

    audit_seal()
    audit_checkpoint()
    _export(alice)
    user_erase(user=alice, actor=Actor.for_user(owner))
    audit_seal()
    audit_checkpoint()
    later = timezone.now() + timezone.timedelta(days=365)  # a year on, every address is past the retention
    assert audit_pseudonymise_clients(older_than_days=90, now=later) > 0
    assert not AuditEvent.objects.filter(seq__isnull=False).exclude(ip=None).exists()
    assert not models.QuerySet.exists(AuditEvent.objects.filter(seq__isnull=False).exclude(user_agent=""))
    audit_seal()
    report = audit_verify()
    assert report.findings == [] and report.checkpoints == 2
