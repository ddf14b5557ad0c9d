"""The sign-in, register, invitation, new-password and account forms as a browser and a
password manager see them, and the session token as it travels: the claims of
docs/security.md about them that no other test shows."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mentorflow.engine.records.store import Person
from mentorflow.engine.rules.access import SYSTEM_ACTOR
from mentorflow.web import create_app
from tests.support import unique
from tests.web.conftest import (
    GENERAL,
    PASSWORD,
    ROOT,
    Browser,
    World,
    link_mailed_to,
    redirects_to_login,
)


class Forms(HTMLParser):
    """Each form of a page as the attributes of its inputs; and every attribute on the
    page, and whether any script is written into the page itself."""

    def __init__(self, page: str):
        super().__init__()
        self.forms: list[list[dict[str, str]]] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.inline_script = False
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        self.attributes += [(tag, name, value) for name, value in found.items()]
        if tag == "form":
            self.forms.append([])
        elif tag == "input" and self.forms:
            self.forms[-1].append(found)
        elif tag == "script" and "src" not in found:
            self.inline_script = True

    def with_password(self) -> list[list[dict[str, str]]]:
        return [form for form in self.forms if any(i.get("type") == "password" for i in form)]


def password_pages(world: World) -> Iterator[tuple[str, str]]:
    """(path, page) of every page with a password field."""
    anonymous = Browser(world.app.test_client(), None)
    for path in ("/login", "/register"):
        yield path, anonymous.get(path).get_data(as_text=True)
    invited = unique("invited")
    world.workflow.grant_staff(SYSTEM_ACTOR, invited, "Ivy Invited", GENERAL)
    link = link_mailed_to(world.workflow, invited, "/invite/")
    yield "/invite/<token>", anonymous.get(link).get_data(as_text=True)
    forgetful = world.people.person(unique("forgetful"), "Fay Forgetful")
    world.workflow.request_password_reset(forgetful.email)
    link = link_mailed_to(world.workflow, forgetful.email, "/reset/")
    yield "/reset/<token>", anonymous.get(link).get_data(as_text=True)
    yield "/account", world.browser(world.stranger).get("/account").get_data(as_text=True)


# What each form asks: an address and a password, never a hint or a secret question.
# Beside these, every form carries its CSRF token and one-time key (`once`), nothing else.
FIELDS = {
    "/login": {"csrf_token", "once", "next", "email", "password"},
    "/register": {"csrf_token", "once", "name", "email", "password"},
    "/invite/<token>": {"csrf_token", "once", "username", "name", "password"},
    "/reset/<token>": {"csrf_token", "once", "username", "password"},
    "/account": {"csrf_token", "once", "username", "current", "password"},
}


def test_password_fields_let_managers_fill_and_paste(world: World) -> None:
    for script in (ROOT / "web" / "static").glob("*.js"):
        assert "paste" not in script.read_text(), f"{script.name} handles pasting"
    for path, page in password_pages(world):
        parsed = Forms(page)
        (form,) = parsed.with_password()
        for field in form:
            if field.get("type") == "password":
                assert field.get("autocomplete") in ("current-password", "new-password"), path
        # The account the password is for, where a manager looks for it.
        assert {f.get("autocomplete") for f in form} & {"username", "email"}, path
        assert not parsed.inline_script, path
        for tag, name, value in parsed.attributes:
            assert not name.startswith("on"), f"{path}: <{tag} {name}>"
            assert (name, value.lower()) != ("autocomplete", "off"), f"{path}: <{tag}>"


def test_the_forms_ask_for_no_hint_or_secret_question(world: World) -> None:
    seen = {}
    for path, page in password_pages(world):
        (form,) = Forms(page).with_password()
        seen[path] = {field["name"] for field in form if "name" in field}
    assert seen == FIELDS


def test_a_new_install_has_no_account(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORFLOW_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.delenv("MENTORFLOW_SECRET_KEY", raising=False)
    app = create_app(
        {
            "TESTING": True,
            "MENTORFLOW_DATABASE_URL": f"sqlite:///{tmp_path}/new.db",
            "MENTORFLOW_DEFINITIONS": str(ROOT / "definitions"),
            "MENTORFLOW_UPLOADS": str(tmp_path / "uploads"),
        }
    )
    workflow = app.extensions["mentorflow.workflow"]
    try:
        with workflow.db.session() as session:
            assert session.scalar(select(func.count()).select_from(Person)) == 0
        client = app.test_client()
        for email, password in [("admin@localhost", "admin"), ("root@localhost", "root")]:
            response = client.post("/login", data={"email": email, "password": password})
            assert response.status_code == 400
        assert redirects_to_login(client.get("/me"))
    finally:
        workflow.db.dispose()


def _token_of(browser: Browser) -> str:
    """The engine's session token, as the (signed) session cookie carries it."""
    with browser.client.session_transaction() as session:
        return str(session.get("_user_id", ""))


def test_the_session_token_is_never_in_an_address(world: World) -> None:
    browser = Browser(world.app.test_client(), None)
    response = browser.post(
        "/login?next=/account",
        {"email": world.stranger.email, "password": PASSWORD, "next": "/account"},
    )
    assert response.status_code == 303 and response.location == "/account"
    token = _token_of(browser)
    cookie = browser.client.get_cookie("session")
    assert len(token) >= 43 and cookie is not None
    secrets = (token, cookie.value)
    assert not any(s in response.location for s in secrets)
    for path in ("/me", "/account", "/verify", f"/p/{GENERAL}", "/"):
        response = browser.get(path)
        assert response.status_code in (200, 302), path
        page = response.get_data(as_text=True)
        assert not any(s in page for s in secrets), path
        assert not any(s in (response.location or "") for s in secrets), path


def test_signing_in_gives_a_new_session_token(world: World) -> None:
    # A session cookie planted before signing in (an attacker's own) is not the one signed in.
    attacker = Browser(world.app.test_client(), None)
    attacker.get("/login")
    planted = attacker.client.get_cookie("session")
    assert planted is not None and _token_of(attacker) == ""
    victim = Browser(world.app.test_client(), None)
    victim.client.set_cookie("session", planted.value)
    victim.sign_in(world.stranger)
    first = _token_of(victim)
    assert first and victim.client.get_cookie("session").value != planted.value  # type: ignore[union-attr]
    assert redirects_to_login(attacker.get("/me"))
    # Signing in again, in the same browser, draws another token.
    victim.sign_in(world.stranger)
    assert _token_of(victim) not in ("", first)
    assert victim.get("/me").status_code == 200
