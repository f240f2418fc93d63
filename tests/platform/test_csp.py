"""The admin and the offline API docs work under the Content Security Policy, loading nothing from outside."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_swagger_ui_renders_every_operation_under_the_csp(page):
    page.goto("/api/v1/docs/")
    page.page.wait_for_selector(".opblock", timeout=20_000)
    assert page.page.locator(".opblock").count() > 20
    page.screenshot("api-docs-swagger")
    page.assert_clean()


def test_redoc_renders_under_the_csp(page):
    page.goto("/api/v1/redoc/")
    page.page.wait_for_selector("h1:has-text('Raptorflow API')", timeout=20_000)
    page.page.wait_for_selector("h2:has-text('Start a run')", timeout=20_000)
    page.screenshot("api-docs-redoc")
    page.assert_clean()


def test_the_admin_works_under_the_csp(signed_in_page):
    page = signed_in_page
    assert "Raptorflow" in page.page.title()
    page.goto("/admin/agents/agentversion/")
    page.page.wait_for_selector("#changelist")
    page.screenshot("admin-agent-versions")
    page.assert_clean()
