"""Signing in to the admin as a person would, including the lockout after repeated wrong passwords."""

import pytest

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _attempt(page, username: str, password: str):
    page.goto("/admin/login/")
    page.page.fill("#id_username", username)
    page.page.fill("#id_password", password)
    page.page.click("input[type=submit]")
    page.page.wait_for_load_state()


def test_a_sixth_wrong_password_is_locked_out_with_a_clear_message(page, superuser):
    for _ in range(4):
        _attempt(page, superuser.username, "not the password")
    assert "Please enter the correct username and password" in page.page.content()
    for _ in range(2):  # the fifth failure reaches the limit; the sixth attempt meets the lockout
        _attempt(page, superuser.username, "not the password")
    assert "Too many sign-in attempts" in page.page.content()
    assert "try again" in page.page.content().lower()
    page.screenshot("admin-lockout")
    _attempt(page, superuser.username, PASSWORD)  # the right password waits for the cool-off too
    assert "Too many sign-in attempts" in page.page.content()


def test_signing_in_opens_the_console(page, superuser):
    _attempt(page, superuser.username, PASSWORD)
    assert page.page.url.endswith("/admin/")
    assert page.page.locator("text=Analytics dashboard").count() == 1
    page.screenshot("admin-signed-in")
    page.assert_clean()
