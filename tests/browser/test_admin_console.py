"""Staff set up a provider, test it against a local fake server and find those actions in the audit trail."""

from __future__ import annotations

import pytest

from raptorflow.audit.models import AuditEvent
from raptorflow.llm.models import Provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OPENAI_REPLY = {
    "choices": [{"message": {"role": "assistant", "content": "ok"}}],
    "usage": {"prompt_tokens": 9, "completion_tokens": 1},
}
SECTIONS = ["Runs", "Agents & skills", "Providers & prices", "Workspaces & access", "Audit & security", "Analytics"]


def test_the_index_is_grouped_by_task_with_shortcuts(signed_in_page):
    page = signed_in_page
    captions = page.page.locator("#content-main .module caption").all_text_contents()  # not CSS-uppercased
    assert [c.strip() for c in captions] == ["Shortcuts", *SECTIONS]
    for link in ("Analytics dashboard", "System status", "API docs"):
        assert page.page.locator("#shortcuts-module a", has_text=link).is_visible()
    assert page.page.title().endswith("Raptorflow admin")
    page.screenshot("admin-index")
    page.assert_clean()


def test_add_a_provider_test_it_and_find_it_in_the_audit_trail(signed_in_page, httpserver):
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
