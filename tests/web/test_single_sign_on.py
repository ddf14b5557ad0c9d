"""Single sign-on through a real OpenID Connect provider (tests/oidc/provider.js).

The Flask test client is the app's side; `AtProvider` (requests) is the person at the
provider's own pages: its login form (the login name is the e-mail) and its consent page.
Nothing of Authlib is replaced: the state, PKCE, the code exchange and the ID token's
validation all run for real.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from mentorflow.engine.errors import MentorflowError
from mentorflow.engine.records.store import Person
from mentorflow.engine.service import people as people_module
from mentorflow.engine.service.workflow import Workflow
from mentorflow.web import create_app
from mentorflow.web.single_sign_on import roles_in
from tests.conftest import Clock
from tests.support import unique
from tests.web.conftest import GENERAL, PASSWORD, Browser, redirects_to_login
from tests.web.oidc_fixtures import (
    CALLBACK,
    TEST_CLIENT_URL,
    AtProvider,
    Provider,
    free_port,
    oidc_provider,
    running_provider,
)

__all__ = ["oidc_provider"]  # fixtures this module uses

ROOT = Path(__file__).resolve().parents[2]


def make_app(tmp: Path, db_url: str, clock: Clock, **config: Any) -> Flask:
    definitions = tmp / "definitions"
    definitions.mkdir()
    for source in sorted((ROOT / "definitions").glob("*.yaml")):
        shutil.copy(source, definitions / source.name)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MENTORFLOW_INSTANCE", str(tmp / "instance"))
        patch.delenv("MENTORFLOW_SECRET_KEY", raising=False)
        return create_app(
            {
                "TESTING": True,
                "WTF_CSRF_ENABLED": True,
                "MENTORFLOW_DATABASE_URL": db_url,
                "MENTORFLOW_DEFINITIONS": str(definitions),
                "MENTORFLOW_UPLOADS": str(tmp / "uploads"),
                "MENTORFLOW_CLOCK": clock,
                **config,
            }
        )


@pytest.fixture(scope="module")
def app(
    oidc_provider: Provider,
    web_db_url: str,
    web_clock: Clock,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Flask]:
    """The app with single sign-on through the test provider (and passwords too)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(people_module._SCRYPT, "n", 2**4)  # cheap password hashes
        found = make_app(
            tmp_path_factory.mktemp("sso"),
            web_db_url,
            web_clock,
            **oidc_provider.app_config(TEST_CLIENT_URL),
        )
        yield found
        found.extensions["mentorflow.workflow"].db.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def workflow(app: Flask) -> Workflow:
    found: Workflow = app.extensions["mentorflow.workflow"]
    return found


def people_with(app: Flask, email: str) -> list[Person]:
    with workflow(app).db.session() as session:
        return list(session.scalars(select(Person).where(Person.email == email)))


def start(client: FlaskClient, next_url: str | None = None) -> str:
    """GET /login/oidc: the app sends the browser to the provider's authorization URL."""
    response = client.get("/login/oidc", query_string={"next": next_url} if next_url else None)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.location


def single_sign_on(
    client: FlaskClient, provider: Provider, login: str, next_url: str | None = None
) -> TestResponse:
    """The whole round trip: to the provider, its login and consent, back to the callback."""
    back = AtProvider(provider).sign_in(start(client, next_url), login)
    return client.get(back)


def page(response: TestResponse) -> str:
    return response.get_data(as_text=True)


# ------------------------------------------------------------------ the redirect to the provider


def test_the_redirect_asks_for_a_code_with_pkce_state_and_nonce(
    client: FlaskClient, oidc_provider: Provider
) -> None:
    location = urlsplit(start(client))
    query = {key: values[0] for key, values in parse_qs(location.query).items()}
    assert f"{location.scheme}://{location.netloc}" == oidc_provider.issuer
    assert query["response_type"] == "code"
    assert query["client_id"] == oidc_provider.client_id
    assert query["redirect_uri"] == TEST_CLIENT_URL + CALLBACK
    assert set(query["scope"].split()) == {"openid", "email", "profile"}
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43  # base64url of a SHA-256 digest
    assert query["state"] and query["nonce"]


# ------------------------------------------------------------------ accounts and roles


def test_first_sign_in_makes_a_verified_participant_account_and_lands_on_me(
    app: Flask, client: FlaskClient, oidc_provider: Provider
) -> None:
    email = unique("first.timer")
    assert people_with(app, email) == []

    response = single_sign_on(client, oidc_provider, email.upper())  # the provider lower-cases it

    assert response.status_code == 303
    assert response.location == "/me"
    [person] = people_with(app, email)
    assert person.email_verified_at is not None
    assert person.name.startswith("First Timer")
    me = client.get("/me")
    assert me.status_code == 200
    assert person.name in page(me)
    who = workflow(app).find_actor(email)
    assert who is not None and who.verified
    assert not who.is_admin and not who.coordinator_of


def test_returning_sign_in_finds_the_account_registered_with_a_password(
    app: Flask, oidc_provider: Provider
) -> None:
    email = unique("returning")
    registering = Browser(app.test_client(), None)
    response = registering.post(
        "/register", {"name": "Rita Returning", "email": email, "password": PASSWORD}
    )
    assert response.status_code == 303
    [registered] = people_with(app, email)

    first = app.test_client()
    assert single_sign_on(first, oidc_provider, email).status_code == 303
    again = app.test_client()
    assert single_sign_on(again, oidc_provider, email).status_code == 303

    [person] = people_with(app, email)
    assert person.id == registered.id
    assert person.email_verified_at is not None  # the provider vouched for the address
    assert again.get("/me").status_code == 200


@pytest.mark.parametrize(
    ("prefix", "page_url", "status"),
    [
        ("admin", "/admin", 200),
        ("coord", f"/p/{GENERAL}/coordinator", 200),
        ("plain", "/admin", 403),
        ("plain", f"/p/{GENERAL}/coordinator", 403),
    ],
)
def test_the_roles_claim_grants_staff_roles(
    app: Flask,
    client: FlaskClient,
    oidc_provider: Provider,
    prefix: str,
    page_url: str,
    status: int,
) -> None:
    assert single_sign_on(client, oidc_provider, unique(prefix)).status_code == 303
    assert client.get(page_url).status_code == status


def test_an_unverified_address_is_refused_with_no_account_and_no_session(
    app: Flask, client: FlaskClient, oidc_provider: Provider
) -> None:
    email = unique("unverified")

    response = single_sign_on(client, oidc_provider, email, next_url="/admin")

    assert response.status_code == 403
    assert "has not verified" in page(response)
    assert 'href="/login/oidc"' in page(response)  # the way to try again
    assert people_with(app, email) == []
    assert redirects_to_login(client.get("/me"))


def test_next_takes_the_person_back_to_a_page_of_this_site_only(
    app: Flask, oidc_provider: Provider
) -> None:
    here = app.test_client()
    response = single_sign_on(here, oidc_provider, unique("next"), next_url=f"/p/{GENERAL}")
    assert (response.status_code, response.location) == (303, f"/p/{GENERAL}")
    elsewhere = app.test_client()
    response = single_sign_on(elsewhere, oidc_provider, unique("next"), next_url="//evil.example")
    assert (response.status_code, response.location) == (303, "/me")


def test_sign_out_after_single_sign_on_ends_the_session(
    app: Flask, client: FlaskClient, oidc_provider: Provider
) -> None:
    assert single_sign_on(client, oidc_provider, unique("leaving")).status_code == 303
    copied = client.get_cookie("session")
    assert copied is not None
    browser = Browser(client, None)
    token = browser.token("/me")

    response = client.post("/logout", data={"csrf_token": token})

    assert response.status_code == 303
    assert redirects_to_login(client.get("/me"))
    thief = app.test_client()  # the cookie from before signing out signs nobody in
    thief.set_cookie("session", copied.value)
    assert redirects_to_login(thief.get("/me"))


# ------------------------------------------------------------------ answers the app refuses


def with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def refused(response: TestResponse, client: FlaskClient, status: int = 400) -> None:
    """A page in words (no traceback), and nobody signed in."""
    assert response.status_code == status, page(response)
    assert "Traceback" not in page(response)
    assert "<h1>" in page(response)
    assert redirects_to_login(client.get("/me"))


def test_a_tampered_state_is_refused(client: FlaskClient, oidc_provider: Provider) -> None:
    back = AtProvider(oidc_provider).sign_in(start(client), unique("tampered"))
    response = client.get(with_query(back, state="not-the-state-we-sent"))
    refused(response, client)
    assert "did not finish" in page(response)


def test_a_callback_used_again_signs_nobody_in(
    app: Flask, client: FlaskClient, oidc_provider: Provider
) -> None:
    back = AtProvider(oidc_provider).sign_in(start(client), unique("twice"))
    assert client.get(back).status_code == 303
    assert client.get(back).status_code == 400  # its state is spent
    elsewhere = app.test_client()  # someone who copied the address
    refused(elsewhere.get(back), elsewhere)


def test_a_code_from_another_sign_in_is_refused_by_pkce(
    app: Flask, oidc_provider: Provider
) -> None:
    """An attacker's own code slipped into a victim's sign-in: the state is the victim's,
    but the code was issued against the attacker's PKCE challenge."""
    victim, attacker = app.test_client(), app.test_client()
    victims_state = parse_qs(urlsplit(start(victim)).query)["state"][0]
    attackers = AtProvider(oidc_provider).sign_in(start(attacker), unique("attacker"))
    response = victim.get(with_query(attackers, state=victims_state))
    refused(response, victim)


def test_an_answer_naming_another_issuer_is_refused(
    client: FlaskClient, oidc_provider: Provider
) -> None:
    back = AtProvider(oidc_provider).sign_in(start(client), unique("mixup"))
    response = client.get(with_query(back, iss="https://evil.example"))
    refused(response, client)


def test_cancelling_at_the_provider_says_so(client: FlaskClient, oidc_provider: Provider) -> None:
    back = AtProvider(oidc_provider).cancel(start(client))
    assert parse_qs(urlsplit(back).query)["error"] == ["access_denied"]
    response = client.get(back)
    refused(response, client)
    assert "cancelled" in page(response)


def test_a_callback_without_a_sign_in_started_is_refused(client: FlaskClient) -> None:
    refused(client.get(f"{CALLBACK}?code=abc&state=xyz"), client)


@pytest.fixture(scope="module")
def userinfo_app(
    web_db_url: str, web_clock: Clock, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Flask, Provider]]:
    """The app with a provider whose ID tokens name nobody: the claims are in userinfo."""
    with running_provider(TEST_CLIENT_URL + CALLBACK, userinfo_claims=True) as provider:
        found = make_app(
            tmp_path_factory.mktemp("sso-userinfo"),
            web_db_url,
            web_clock,
            **provider.app_config(TEST_CLIENT_URL),
        )
        yield found, provider
        found.extensions["mentorflow.workflow"].db.dispose()


def test_an_id_token_without_the_address_is_completed_from_userinfo(
    userinfo_app: tuple[Flask, Provider],
) -> None:
    app, provider = userinfo_app
    client = app.test_client()
    email = unique("admin.userinfo")

    response = single_sign_on(client, provider, email)

    assert (response.status_code, response.location) == (303, "/admin")  # an admin starts there
    [person] = people_with(app, email)
    assert person.email_verified_at is not None
    assert client.get("/admin").status_code == 200  # the roles came from userinfo too
    unverified = app.test_client()
    assert single_sign_on(unverified, provider, unique("unverified.ui")).status_code == 403


# ------------------------------------------------------------------ the login page


def test_the_login_page_offers_both_ways(client: FlaskClient) -> None:
    html = page(client.get("/login?next=/admin"))
    assert "Sign in with your agency account" in html
    assert 'href="/login/oidc?next=/admin"' in html
    assert 'name="password"' in html
    assert 'href="/register' in html


@pytest.fixture(scope="module")
def sso_only_app(
    web_db_url: str, web_clock: Clock, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """Single sign-on as the only way in, through a provider that is not running."""
    found = make_app(
        tmp_path_factory.mktemp("sso-only"),
        web_db_url,
        web_clock,
        MENTORFLOW_PUBLIC_URL=TEST_CLIENT_URL,
        MENTORFLOW_OIDC_ISSUER=f"http://127.0.0.1:{free_port()}",
        MENTORFLOW_OIDC_CLIENT_ID="mentorflow",
        MENTORFLOW_OIDC_CLIENT_SECRET="secret",
        MENTORFLOW_PASSWORD_LOGIN=False,
    )
    yield found
    found.extensions["mentorflow.workflow"].db.dispose()


def test_without_passwords_the_login_page_offers_only_the_agency_account(
    sso_only_app: Flask,
) -> None:
    client = sso_only_app.test_client()
    html = page(client.get("/login"))
    assert "Sign in with your agency account" in html
    assert 'name="password"' not in html
    assert "/register" not in html


def test_a_provider_that_cannot_be_reached_is_a_page_not_a_traceback(
    sso_only_app: Flask,
) -> None:
    client = sso_only_app.test_client()
    response = client.get("/login/oidc")
    assert response.status_code == 503
    assert "cannot be reached" in page(response)


def test_without_single_sign_on_there_is_no_such_route(
    web_db_url: str, web_clock: Clock, tmp_path: Path
) -> None:
    plain = make_app(tmp_path, web_db_url, web_clock)
    try:
        client = plain.test_client()
        assert client.get("/login/oidc").status_code == 404
        assert "agency account" not in page(client.get("/login"))
    finally:
        plain.extensions["mentorflow.workflow"].db.dispose()


def test_without_passwords_and_without_single_sign_on_the_app_does_not_start(
    web_db_url: str, web_clock: Clock, tmp_path: Path
) -> None:
    with pytest.raises(MentorflowError, match="single sign-on is the only way in"):
        make_app(tmp_path, web_db_url, web_clock, MENTORFLOW_PASSWORD_LOGIN=False)


# ------------------------------------------------------------------ reading the roles claim


@pytest.mark.parametrize(
    ("claims", "claim", "roles"),
    [
        ({"roles": ["mentorflow:admin", "other"]}, "roles", ["mentorflow:admin", "other"]),
        ({"roles": "mentorflow:admin"}, "roles", ["mentorflow:admin"]),
        ({"roles": ["a", 7, None, {"x": 1}]}, "roles", ["a"]),
        ({"roles": 7}, "roles", []),
        ({"roles": ["a"]}, None, []),
        ({"roles": ["a"]}, "groups", []),
        ({"https://agency.gov/roles": ["a"]}, "https://agency.gov/roles", ["a"]),
        (
            {"resource_access": {"mentorflow": {"roles": ["a"]}}},
            "resource_access.mentorflow.roles",
            ["a"],
        ),
        ({"resource_access": {"mentorflow": ["a"]}}, "resource_access.mentorflow.roles", []),
        ({"resource_access": "x"}, "resource_access.mentorflow.roles", []),
    ],
)
def test_roles_in_reads_a_list_one_string_or_a_nested_claim(
    claims: dict[str, Any], claim: str | None, roles: list[str]
) -> None:
    assert roles_in(claims, claim) == roles
