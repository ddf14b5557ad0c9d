"""Identity in a real browser: seeing the password one typed, then registering and
verifying by the link the server logged."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.web.browser_fixtures import Browsers, LiveServer, browsers, chromium, live_server

__all__ = ["browsers", "chromium", "live_server"]  # fixtures this module uses

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


def test_a_password_can_be_shown_before_it_is_sent(
    live_server: LiveServer, browsers: Browsers
) -> None:
    person = browsers("rene.register@das.example.org", "René Register")
    page = person.page
    page.goto("/register")
    box = page.locator("#password")
    box.fill(PASSWORD)
    expect(box).to_have_attribute("type", "password")
    page.get_by_role("button", name="Show password").click()
    expect(box).to_have_attribute("type", "text")
    hide = page.get_by_role("button", name="Hide password")
    expect(hide).to_have_attribute("aria-pressed", "true")
    hide.click()
    expect(box).to_have_attribute("type", "password")
    person.shot("identity-01-register-password")
    person.register()  # and the rest of the way in, by the link the server logged
    person.shot("identity-02-signed-in")


def test_typing_tells_the_server_someone_is_there(
    live_server: LiveServer, browsers: Browsers
) -> None:
    person = browsers("tina.typist@das.example.org", "Tina Typist")
    person.register()
    page = person.page
    page.clock.install()
    page.goto("/account")
    box = page.locator("#current")
    box.press_sequentially("abc")  # just after a page: nothing to tell yet
    page.clock.fast_forward("05:01")
    with page.expect_request("**/session/alive") as asked:
        box.press_sequentially("d")
    assert asked.value.response().status == 204  # type: ignore[union-attr]
