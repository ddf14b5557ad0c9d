"""Single sign-on clicked through a real Chromium, the app on a live server and the test
OpenID Connect provider (tests/oidc/provider.js) on another port.

The provider must know the app's redirect URI, which holds the live server's port: so the
app is made with the provider's issuer (on a port chosen first), and the provider starts
once the live server listens, with that server's callback as its client's redirect URI.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from mentorflow.engine.records.store import Person
from tests.support import unique
from tests.web.browser_fixtures import (
    Browsers,
    LiveServer,
    Visitor,
    chromium,
    live_server,
)
from tests.web.oidc_fixtures import (
    CALLBACK,
    CLIENT_ID,
    CLIENT_SECRET,
    ROLES_CLAIM,
    Provider,
    free_port,
    running_provider,
)

__all__ = ["chromium", "live_server"]  # fixtures this module uses

pytestmark = pytest.mark.browser

AGENCY_BUTTON = "Sign in with your agency account"


@dataclass
class Scene:
    server: LiveServer
    provider: Provider
    browsers: Browsers

    def people_with(self, email: str) -> list[Person]:
        with self.server.workflow.db.session() as session:
            return list(session.scalars(select(Person).where(Person.email == email)))


@pytest.fixture
def scene(
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
    chromium: Browser,
    db_url: str,  # the live server's database (named here so it is parametrized)
) -> Iterator[Scene]:
    port = free_port()
    # The live server's app reads its provider from the environment, as in production.
    monkeypatch.setenv("MENTORFLOW_OIDC_ISSUER", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("MENTORFLOW_OIDC_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("MENTORFLOW_OIDC_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("MENTORFLOW_OIDC_ROLES_CLAIM", ROLES_CLAIM)
    server: LiveServer = request.getfixturevalue("live_server")  # made with the env above
    # Read on each request: the redirect URI, since only now is the live server's port known.
    server.app.config["MENTORFLOW_PUBLIC_URL"] = server.url
    with running_provider(server.url + CALLBACK, port=port) as provider:
        browsers = Browsers(chromium, server)
        try:
            yield Scene(server, provider, browsers)
        finally:
            browsers.close()


def through_the_agency(visitor: Visitor, shots: str | None = None) -> Page:
    """From the app's sign-in page to the provider's login form and consent, and back."""
    page = visitor.page
    page.goto("/login")
    if shots:
        visitor.shot(f"{shots}-login")
    page.get_by_role("link", name=AGENCY_BUTTON).click()
    login = page.locator('input[name="login"]')
    expect(login).to_be_visible()
    login.fill(visitor.email)
    page.locator('input[name="password"]').fill("any password at all")
    if shots:
        visitor.shot(f"{shots}-provider-login")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").wait_for()
    if shots:
        visitor.shot(f"{shots}-provider-consent")
    page.get_by_role("button", name="Continue").click()
    return page


def signed_in_as(page: Page, name: str) -> None:
    expect(page.locator("header .who")).to_have_text(name)


def test_first_and_returning_sign_in_and_sign_out(scene: Scene) -> None:
    email = unique("agency.person")
    visitor = scene.browsers(email, "Agency Person")

    page = through_the_agency(visitor, shots="sso-first")
    page.wait_for_url("**/me")
    [person] = scene.people_with(email)
    signed_in_as(page, person.name)
    assert person.email_verified_at is not None
    visitor.shot("sso-first-signed-in")

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{scene.server.url}/")
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.goto("/me")
    page.wait_for_url("**/login?next=%2Fme")
    visitor.shot("sso-signed-out")

    # Returning: the provider still knows them, so one press brings them straight back.
    page.get_by_role("link", name=AGENCY_BUTTON).click()
    page.wait_for_url("**/me")
    signed_in_as(page, person.name)
    assert [p.id for p in scene.people_with(email)] == [person.id]
    visitor.shot("sso-returning")


def test_a_role_from_the_roles_claim_and_a_refused_unverified_address(scene: Scene) -> None:
    admin = scene.browsers(unique("admin.ada"), "Ada")
    page = through_the_agency(admin)
    page.wait_for_url("**/admin")  # an admin starts at the admin page
    page.get_by_role("link", name="Admin", exact=True).click()
    page.wait_for_url("**/admin")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    admin.shot("sso-admin")

    coordinator = scene.browsers(unique("coord.cora"), "Cora")
    page = through_the_agency(coordinator)
    page.wait_for_url("**/p/general-mentoring/coordinator")  # a coordinator at the desk
    page.get_by_role("link", name="Desk: Agency Workplace Mentoring Program").click()
    page.wait_for_url("**/p/general-mentoring/coordinator")
    coordinator.shot("sso-coordinator")

    email = unique("unverified.uma")
    refused = scene.browsers(email, "Uma")
    page = through_the_agency(refused)
    page.wait_for_url("**/login/oidc/callback**")
    expect(page.get_by_role("alert")).to_contain_text("has not verified")
    expect(page.get_by_role("link", name="Sign in", exact=True)).to_be_visible()
    assert scene.people_with(email) == []
    refused.shot("sso-refused-unverified")
