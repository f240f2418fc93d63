"""The admin console as staff use it: grouped index, provider setup and testing, audit search and chain checks;
last, the same in a real browser."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from django.contrib import admin
from django.contrib.messages import get_messages
from django.db import models
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from agents.models import Approval, Run
from raptorflow.admin_site import OTHER, SECTIONS
from raptorflow.audit.actors import Actor
from raptorflow.audit.models import AuditEvent
from raptorflow.audit.services import audit_log, audit_seal
from raptorflow.llm.breaker import breaker_record_failure, breaker_state
from raptorflow.llm.models import Provider
from raptorflow.llm.services import provider_breaker_reset, provider_test_connection
from tests.factories import AgentVersionFactory, ModelPriceFactory, RunFactory, UserFactory, WorkspaceFactory

pytestmark = pytest.mark.django_db

OPENAI_REPLY = {
    "choices": [{"message": {"role": "assistant", "content": "ok"}}],
    "usage": {"prompt_tokens": 9, "completion_tokens": 1},
}


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _provider(httpserver, name: str = "fake-openai") -> Provider:
    provider = Provider(name=name, kind="openai_compatible", base_url=httpserver.url_for("/v1"), max_retries=3)
    provider.set_api_key("sk-test-000000000000abcd")
    provider.save()
    return provider


# --- Navigation ------------------------------------------------------------------------------------


def test_the_index_groups_every_registered_model_once_in_task_order(superuser):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    app_list = admin.site.get_app_list(request)
    assert [section["name"] for section in app_list] == list(SECTIONS)  # no "Other": every model is placed
    labels = [model["model"]._meta.label for section in app_list for model in section["models"]]
    assert sorted(labels) == sorted(m._meta.label for m in admin.site._registry)
    assert len(labels) == len(set(labels))
    assert OTHER not in SECTIONS


def test_the_index_page_shows_the_sections_and_shortcuts(admin_client):
    html = admin_client.get("/admin/").content.decode()
    for title in ("Runs", "Agents &amp; skills", "Providers &amp; prices", "Workspaces &amp; access", "Analytics"):
        assert title in html
    assert 'href="/admin/analytics/dashboard/"' in html
    assert 'href="/admin/status/"' in html
    assert 'href="/api/v1/docs/"' in html
    assert "<title>Console | Raptorflow admin</title>" in html


def test_an_apps_own_index_still_lists_that_app(admin_client):
    html = admin_client.get("/admin/llm/").content.decode()
    assert 'id="section-llm"' in html and "Model prices" in html
    assert 'id="section-runs"' not in html and "Shortcuts" not in html


# --- Provider setup --------------------------------------------------------------------------------


def test_the_version_list_marks_the_live_version_and_the_superseded_ones(admin_client):
    first = AgentVersionFactory(number=1)
    AgentVersionFactory(agent=first.agent, number=2)
    AgentVersionFactory(agent=first.agent, number=3, status="draft", published_at=None)
    html = admin_client.get("/admin/agents/agentversion/", {"agent__id__exact": first.agent.pk}).content.decode()
    standing = re.findall(r'<td class="field-standing">([^<]+)</td>', html)
    assert standing == ["Draft", "Live", "Superseded"]  # newest first: only the latest published one is live


def test_test_connection_reports_latency_and_is_audited(admin_client, httpserver):
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_json(OPENAI_REPLY)
    provider = _provider(httpserver)
    ModelPriceFactory(provider=provider, model="cheap-model")
    url = reverse("admin:llm_provider_changelist")
    response = admin_client.post(url, {"action": "test_connection", "_selected_action": [provider.pk]}, follow=True)
    [message] = _messages(response)
    assert message.startswith("fake-openai: connection OK (cheap-model, ") and message.endswith(" ms).")
    sent = httpserver.log[0][0].get_json()
    assert sent["model"] == "cheap-model" and sent["max_tokens"] == 8
    assert httpserver.log[0][0].headers["Authorization"] == "Bearer sk-test-000000000000abcd"
    event = AuditEvent.objects.get(action="provider.test")
    assert event.outcome == "success" and event.target_id == str(provider.pk) and event.actor_label == "root"
    assert event.changes["model"] == "cheap-model" and event.changes["error"] == ""
    assert isinstance(event.changes["latency_ms"], int)


def test_a_failed_test_connection_reports_the_error_once_without_retries(admin_client, httpserver):
    httpserver.expect_request("/v1/chat/completions").respond_with_json({"error": "bad key"}, status=401)
    provider = _provider(httpserver)
    response = admin_client.post(reverse("admin:llm_provider_test", args=[provider.pk]), follow=True)
    [message] = _messages(response)
    assert "fake-openai: connection failed after" in message and "HTTP 401" in message
    assert "provider_rejected" in message and "sk-test" not in message
    assert len(httpserver.log) == 1  # max_retries=3 on the provider, but a test makes one call
    event = AuditEvent.objects.get(action="provider.test")
    assert event.outcome == "failure" and "HTTP 401" in event.changes["error"]
    assert response.redirect_chain[-1][0] == reverse("admin:llm_provider_change", args=[provider.pk])


def test_an_unreachable_provider_is_reported(admin_client, httpserver):
    provider = _provider(httpserver)
    Provider.objects.filter(pk=provider.pk).update(base_url="http://127.0.0.1:9/v1")  # discard port: refused
    response = admin_client.post(reverse("admin:llm_provider_test", args=[provider.pk]), follow=True)
    [message] = _messages(response)
    assert "connection failed" in message and "provider_unavailable" in message


def test_the_test_button_only_accepts_post(admin_client, httpserver):
    provider = _provider(httpserver)
    assert admin_client.get(reverse("admin:llm_provider_test", args=[provider.pk])).status_code == 405
    assert not httpserver.log


def test_breaker_state_is_shown_and_can_be_reset(admin_client, httpserver, settings):
    settings.RAPTORFLOW_BREAKER_FAILURES = 2
    provider = _provider(httpserver)
    for _ in range(2):
        breaker_record_failure(provider.name)
    assert ">open</strong>" in admin_client.get(reverse("admin:llm_provider_changelist")).content.decode()
    change_page = admin_client.get(reverse("admin:llm_provider_change", args=[provider.pk])).content.decode()
    assert ">open</strong>" in change_page and 'id="test-connection"' in change_page
    url = reverse("admin:llm_provider_changelist")
    response = admin_client.post(url, {"action": "reset_breaker", "_selected_action": [provider.pk]}, follow=True)
    assert _messages(response) == ["fake-openai: breaker reset (was open)."]
    assert breaker_state(provider.name) == "closed"
    assert AuditEvent.objects.get(action="provider.breaker_reset").changes == {"breaker": ["open", "closed"]}


def test_the_connection_test_service_works_for_any_actor_and_leaves_the_callers_provider_alone(httpserver):
    httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_json(OPENAI_REPLY)
    provider = _provider(httpserver)
    result = provider_test_connection(provider, actor=Actor.system("ops"))
    # no price row for the kind: the kind's small default model
    assert (result.ok, result.model) == (True, "gpt-4o-mini")
    assert httpserver.log[0][0].get_json()["model"] == "gpt-4o-mini"
    assert provider.max_retries == 3  # retries were turned off on a copy, not on the caller's object
    event = AuditEvent.objects.get(action="provider.test")
    assert (event.actor_type, event.actor_label, event.outcome) == ("system", "ops", "success")
    assert event.changes["breaker"] == "closed"


def test_the_breaker_reset_service_reports_the_state_it_closed(httpserver, settings):
    settings.RAPTORFLOW_BREAKER_FAILURES = 1
    provider = _provider(httpserver)
    assert provider_breaker_reset(provider, actor=Actor.system("ops")) == "closed"  # nothing to reset: still audited
    breaker_record_failure(provider.name)
    assert provider_breaker_reset(provider, actor=Actor.system("ops")) == "open"
    assert breaker_state(provider.name) == "closed"
    changes = list(AuditEvent.objects.filter(action="provider.breaker_reset").order_by("pk").values_list("changes"))
    assert changes == [({"breaker": ["closed", "closed"]},), ({"breaker": ["open", "closed"]},)]


def test_the_key_is_shown_masked_and_never_in_the_page(admin_client, httpserver):
    provider = _provider(httpserver)
    html = admin_client.get(reverse("admin:llm_provider_change", args=[provider.pk])).content.decode()
    assert "••••••••abcd" in html and "sk-test-000000000000abcd" not in html


# --- Audit search ----------------------------------------------------------------------------------


@pytest.fixture
def trail():
    alice, bob = UserFactory(username="alice"), UserFactory(username="bob")
    acme = WorkspaceFactory(name="Acme")
    provider = Provider.objects.create(name="p1", kind="offline")
    audit_log("provider.create", actor=Actor.for_user(alice), target=provider, changes={"name": [None, "p1"]})
    audit_log("workspace.update", actor=Actor.for_user(bob), workspace=acme, target=acme, changes={})
    audit_log("run.cancel", actor=Actor.system("beat"), workspace=acme)
    audit_seal()
    return {"acme": acme, "provider": provider}


def _actions(admin_client, query: str) -> list[str]:
    response = admin_client.get(reverse("admin:audit_auditevent_changelist") + query)
    assert response.status_code == 200
    return sorted(event.action for event in response.context["cl"].result_list)


def test_the_audit_trail_filters_by_actor_workspace_action_and_target(admin_client, trail):
    acme, provider = trail["acme"], trail["provider"]
    assert _actions(admin_client, "?actor=alic") == ["provider.create"]
    assert _actions(admin_client, f"?workspace={acme.pk}") == ["run.cancel", "workspace.update"]
    assert _actions(admin_client, "?workspace=acm") == ["run.cancel", "workspace.update"]
    assert _actions(admin_client, "?action=provider.") == ["provider.create"]
    assert _actions(admin_client, f"?target=llm.provider:{provider.pk}") == ["provider.create"]
    assert _actions(admin_client, "?target=accounts.workspace") == ["workspace.update"]
    assert _actions(admin_client, "?action=run.&actor=beat") == ["run.cancel"]


def test_the_filter_boxes_keep_the_other_filters(admin_client, trail):
    html = admin_client.get(reverse("admin:audit_auditevent_changelist") + "?actor=alice&action=pro").content.decode()
    assert '<input type="hidden" name="actor" value="alice">' in html
    assert '<input type="search" name="action" value="pro"' in html


def test_an_event_shows_its_diff_as_a_before_after_table(admin_client, trail):
    event = AuditEvent.objects.get(action="provider.create")
    html = admin_client.get(reverse("admin:audit_auditevent_change", args=[event.pk])).content.decode()
    assert '<table class="audit-changes">' in html
    assert "<th>Before</th><th>After</th>" in html
    assert '<th scope="row">name</th><td class="before"><pre>—</pre></td><td class="after"><pre>p1</pre></td>' in html


# --- Verify chain ----------------------------------------------------------------------------------


def test_verify_chain_reports_an_intact_chain(admin_client, trail):
    late = audit_log("late.event", actor=Actor.system())  # not sealed yet: the check never seals (decision 0021)
    sealed = AuditEvent.objects.filter(seq__isnull=False).count()
    response = admin_client.post(reverse("admin:audit_auditevent_verify"), follow=True)
    assert _messages(response) == [
        f"Audit chain intact: {sealed} events verified; no checkpoints to check the tail against "
        "(source: checkpoints off); 1 event(s) not sealed yet."
    ]
    late.refresh_from_db()
    assert late.seq is None
    check = AuditEvent.objects.get(action="audit.verify")
    assert check.outcome == "success" and check.changes["checked"] == sealed


def test_verify_chain_reports_where_a_chain_is_broken(admin_client, trail):
    tampered = AuditEvent.objects.get(action="workspace.update")
    models.QuerySet.update(AuditEvent.objects.filter(pk=tampered.pk), actor_label="mallory")  # past the guard
    response = admin_client.post(reverse("admin:audit_auditevent_verify"), follow=True)
    [message] = _messages(response)
    assert message == (
        f"Audit chain broken at event seq {tampered.seq} (id {tampered.pk}): "
        "content does not match its signature (the row was changed) — changed row."
    )
    assert AuditEvent.objects.get(action="audit.verify").outcome == "failure"


def test_verify_chain_is_post_only_and_staff_only(client, admin_client):
    url = reverse("admin:audit_auditevent_verify")
    assert admin_client.get(url).status_code == 405
    client.force_login(UserFactory(username="member", is_staff=False))
    assert client.post(url).status_code == 302  # to the admin login
    assert not AuditEvent.objects.filter(action="audit.verify").exists()


# --- Times with their age ---------------------------------------------------------------------------------------


def _cells(html: str, column: str) -> list[tuple[str, str]]:
    """(absolute time, age) of each row's cell in a changelist column."""
    time, age = r'<time datetime="[^"]+">([^<]+)</time>', r'<span class="time-age">([^<]+)</span>'
    pattern = rf'class="field-{column}"[^>]*>(?:<a [^>]+>)?{time}{age}'
    return [(absolute, unescape(age).replace("\xa0", " ")) for absolute, age in re.findall(pattern, html)]


def test_runs_and_approvals_show_times_to_the_second_with_their_age(admin_client):
    now = timezone.now()
    run = RunFactory(status="awaiting_approval")
    # Ages in hours, each half an hour from the next whole hour: a slow machine cannot tick them over.
    Run.objects.filter(pk=run.pk).update(created_at=now - timedelta(hours=3, minutes=30))
    approval = Approval.objects.create(run=run, reason="check", expires_at=now + timedelta(hours=2, minutes=30))
    Approval.objects.filter(pk=approval.pk).update(requested_at=now - timedelta(hours=1, minutes=30))
    html = admin_client.get(reverse("admin:agents_run_changelist")).content.decode()
    [(absolute, age)] = _cells(html, "created_at_with_age")
    assert re.search(r"\d{2}:\d{2}:\d{2}$", absolute) and age == "3 hours ago"
    html = admin_client.get(reverse("admin:agents_approval_changelist")).content.decode()
    assert [age for _, age in _cells(html, "requested_at_with_age")] == ["an hour ago"]
    assert [age for _, age in _cells(html, "expires_at_with_age")] == ["2 hours from now"]
    assert 'class="field-decided_at_with_age">-</td>' in html  # not decided: the admin's empty value


def test_the_audit_trail_shows_each_event_time_with_its_age(admin_client, trail):
    changelist = reverse("admin:audit_auditevent_changelist")
    cells = _cells(admin_client.get(changelist).content.decode(), "created_at_with_age")
    assert len(cells) == AuditEvent.objects.count() >= 3
    assert all(re.search(r"\d{2}:\d{2}:\d{2}$", absolute) for absolute, _ in cells)
    [(_, age)] = _cells(admin_client.get(changelist + "?actor=alice").content.decode(), "created_at_with_age")
    assert age in {"now", "a second ago", *(f"{n} seconds ago" for n in range(2, 60)), "a minute ago"}
    # The column still sorts by the time: oldest first when asked (the list's own order is newest first).
    response = admin_client.get(changelist + "?o=0")  # the first column (no action checkboxes here)
    times = [event.created_at for event in response.context["cl"].result_list]
    assert times == sorted(times) and times[0] < times[-1]


# --- In the browser ------------------------------------------------------------------------------


SECTION_CAPTIONS = [
    "Runs", "Pipelines", "Agents & skills", "Evaluations", "Providers & prices", "Webhooks", "Workspaces & access",
    "Audit & security", "Analytics",
]  # fmt: skip


class TestInTheBrowser:
    """Staff set up a provider, test it against a local fake server and find those actions in the audit trail."""

    pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]  # closer than the module's mark

    def test_the_index_is_grouped_by_task_with_shortcuts(self, signed_in_page):
        page = signed_in_page
        captions = page.page.locator("#content-main .module caption").all_text_contents()  # not CSS-uppercased
        assert [c.strip() for c in captions] == ["Shortcuts", *SECTION_CAPTIONS]
        for link in ("Analytics dashboard", "System status", "API docs"):
            assert page.page.locator("#shortcuts-module a", has_text=link).is_visible()
        assert page.page.title().endswith("Raptorflow admin")
        page.screenshot("admin-index")
        page.assert_clean()

    def test_the_lists_fit_at_1280_px_with_long_names_and_times_to_the_second(self, signed_in_page, superuser):
        """Every column in view with no sideways scrolling (the viewport is 1280 px wide), long values wrapped."""
        workspace = WorkspaceFactory(name="Fellside Artisan Bakery and Coffee Roasters Limited of Greater Kendal")
        version = AgentVersionFactory(agent__slug="positioning_strategist_for_very_long_agent_names")
        RunFactory.create_batch(3, workspace=workspace, agent_version=version, status="succeeded", tokens_in=123456)
        for _ in range(3):
            audit_log("workspace.update", actor=Actor.system("console test"), workspace=workspace, target=workspace)
        page = signed_in_page
        for url in ("/admin/agents/run/", "/admin/agents/agentversion/", "/admin/audit/auditevent/",
                    "/admin/skills/skill/", "/admin/accounts/workspace/"):  # fmt: skip
            page.goto(url)
            results = "document.querySelector('#changelist .results')"
            hidden = page.page.evaluate(f"() => {results}.scrollWidth - {results}.clientWidth")
            assert hidden == 0, f"{url}: {hidden} px of columns out of view"
            page.assert_clean()
        page.goto("/admin/agents/run/")
        created = page.page.locator("#result_list td.field-created_at_with_age time").first.inner_text()
        assert re.search(r"\d{2}:\d{2}:\d{2}$", created), created  # to the second
        age = page.page.locator("#result_list td.field-created_at_with_age .time-age").first.inner_text()
        assert age.endswith("ago") or age == "now", age  # and its age
        page.screenshot("admin-runs-1280")

    def test_add_a_provider_test_it_and_find_it_in_the_audit_trail(self, signed_in_page, httpserver):
        httpserver.expect_request("/v1/chat/completions", method="POST").respond_with_json(OPENAI_REPLY)
        page = signed_in_page
        _add_provider(page, httpserver.url_for("/v1"))
        provider = Provider.objects.get(name="fake-openai")
        assert provider.api_key_masked.endswith("1234") and "sk-browser" not in provider.api_key_encrypted
        page.assert_clean()

        page.goto("/admin/llm/provider/")
        page.page.check(f"input[name=_selected_action][value='{provider.pk}']")
        page.page.select_option("select[name=action]", "test_connection")
        page.page.click("button[name=index]")
        success = page.page.locator(".messagelist .success", has_text="fake-openai: connection OK")
        success.wait_for()
        assert " ms)." in success.inner_text()
        assert page.page.locator("#result_list td.field-breaker", has_text="closed").is_visible()
        assert len(httpserver.log) == 1
        page.screenshot("admin-provider-test")
        page.assert_clean()

        page.goto("/admin/audit/auditevent/")
        page.page.fill("input[name=action]", "provider.")
        page.page.press("input[name=action]", "Enter")
        page.page.wait_for_url("**action=provider.*")
        actions = page.page.locator("#result_list td.field-action").all_inner_texts()
        assert sorted(actions) == ["provider.create", "provider.test"]
        page.screenshot("admin-audit-search")
        page.assert_clean()

        page.page.locator("#result_list tr", has_text="provider.create").locator("th a").click()
        table = page.page.locator("table.audit-changes")
        table.wait_for()
        assert table.locator("th", has_text="Before").is_visible()
        assert table.locator("tr", has_text="base_url").locator("td.after").inner_text() == httpserver.url_for("/v1")
        assert "sk-browser" not in page.page.content()
        page.screenshot("admin-audit-event")
        page.assert_clean()
        assert AuditEvent.objects.filter(action="provider.test", outcome="success").count() == 1


def _add_provider(page, base_url: str) -> None:
    page.goto("/admin/llm/provider/add/")
    page.page.fill("#id_name", "fake-openai")
    page.page.select_option("#id_kind", "openai_compatible")
    page.page.fill("#id_base_url", base_url)
    page.page.fill("#id_api_key", "sk-browser-0000000000001234")
    page.page.fill("#id_timeout_seconds", "5")
    page.page.click("input[name=_save]")
    page.page.locator(".messagelist .success").wait_for()
