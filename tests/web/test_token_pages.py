"""The page of one's personal access tokens (/me/tokens): a new token shown once on the
answered page (never in an address, a redirect or a cookie), listed without it after,
revoked by its owner only; bad input said next to its field, with what was typed kept."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from mentorflow.engine.errors import BadToken
from tests.support import unique
from tests.web.conftest import PASSWORD, Browser, World, field_block

TOKEN = re.compile(r"mf_[A-Za-z0-9_-]{40,}")


@pytest.fixture
def pat(world: World) -> Browser:
    who = world.people.person(unique("pat"), "Pat Person")
    return world.browser(who, fresh=True)


def test_the_account_page_links_to_the_tokens(pat: Browser) -> None:
    page = pat.get("/account").get_data(as_text=True)
    assert 'href="/me/tokens"' in page


def test_a_new_token_is_shown_once_on_the_answered_page(world: World, pat: Browser) -> None:
    page = pat.get("/me/tokens").get_data(as_text=True)
    assert "<h1>" in page and 'for="name"' in page and 'for="expires_days"' in page
    assert "no access tokens" in page
    response = pat.post("/me/tokens", {"name": "HR sync", "expires_days": "30"})
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert not any("mf_" in value for _, value in response.headers.items())
    [token] = TOKEN.findall(response.get_data(as_text=True))
    assert world.workflow.actor_for_api_token(token) == pat.who
    listed = pat.get("/me/tokens")
    text = listed.get_data(as_text=True)
    assert token not in text and "HR sync" in text and token[:11] in text
    assert all(token not in value for _, value in listed.headers.items())
    with pat.client.session_transaction() as session:  # nor in the (flash) cookie
        assert token not in repr(dict(session))


def test_a_reload_of_the_create_form_makes_no_second_token(world: World, pat: Browser) -> None:
    form = pat.get("/me/tokens").get_data(as_text=True)
    once = re.search(r'name="once" value="([^"]+)"', form)
    assert once is not None
    data = {"name": "twice", "expires_days": "", "once": once[1]}
    assert pat.post("/me/tokens", data).status_code == 200
    again = pat.post("/me/tokens", data)
    assert again.status_code == 303 and again.location.endswith("/me/tokens")
    assert [t.name for t in world.workflow.api_tokens(pat.who)] == ["twice"]  # type: ignore[arg-type]


def test_revoking_from_the_page(world: World, pat: Browser) -> None:
    made = world.workflow.create_api_token(pat.who, name="old one")  # type: ignore[arg-type]
    page = pat.get("/me/tokens").get_data(as_text=True)
    assert f'action="/me/tokens/{made.id}/revoke"' in page
    response = pat.post(f"/me/tokens/{made.id}/revoke", page="/me/tokens")
    assert response.status_code == 303 and response.location.endswith("/me/tokens")
    with pytest.raises(BadToken):
        world.workflow.actor_for_api_token(made.token)
    page = pat.get("/me/tokens").get_data(as_text=True)
    assert "Revoked" in page and f'action="/me/tokens/{made.id}/revoke"' not in page


def test_someone_elses_token_cannot_be_revoked(world: World, pat: Browser) -> None:
    other = world.people.person(unique("other"), "Olga Other")
    made = world.workflow.create_api_token(other)
    assert pat.post(f"/me/tokens/{made.id}/revoke", page="/me/tokens").status_code == 404
    assert world.workflow.actor_for_api_token(made.token) == other


@pytest.mark.parametrize(
    ("days", "said"),
    [("0", "from 1 to 3650 days"), ("soon", "whole number of days"), ("9" * 30, "whole number")],
    ids=["zero", "words", "huge"],
)
def test_a_bad_expiry_is_said_next_to_it(world: World, pat: Browser, days: str, said: str) -> None:
    response = pat.post("/me/tokens", {"name": "Typed Token Name", "expires_days": days})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert said in field_block(page, "expires_days")
    assert "Typed Token Name" in page and f'value="{days}"' in page
    assert world.workflow.api_tokens(pat.who) == ()  # type: ignore[arg-type]


def test_an_unverified_account_is_sent_to_verify_first(world: World) -> None:
    browser = Browser(world.app.test_client(), None)
    email = unique("newbie")
    response = browser.post("/register", {"name": "New", "email": email, "password": PASSWORD})
    assert response.status_code == 303
    response = browser.post("/login", {"email": email, "password": PASSWORD})
    assert response.status_code == 303
    browser._token = None
    response = browser.get("/me/tokens")
    assert response.status_code == 302, response.location
    assert urlsplit(response.location).path == "/verify", response.location
