"""Identity: verified addresses, invitations, sessions that end on the server, TLS.

The first tests are what was seen when Mentorflow was tried as an attacker would
(issue 10); each failed before identity was rebuilt.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from mentorflow.engine.errors import NotFound
from mentorflow.engine.records.store import OutboxMessage, Person, StaffRole
from mentorflow.engine.service.workflow import SYSTEM_ACTOR
from mentorflow.engine.settings import Identity
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
    register_and_verify,
)


def person(world: World, email: str) -> Person | None:
    with world.workflow.db.session() as session:
        return session.scalars(select(Person).where(Person.email == email.lower())).first()


def staff_roles(world: World, email: str) -> list[str]:
    found = person(world, email)
    with world.workflow.db.session() as session:
        return list(
            session.scalars(
                select(StaffRole.program_id).where(
                    StaffRole.person_id == (found.id if found else "")
                )
            )
        )


def register(world: World, email: str, name: str = "Somebody") -> Browser:
    """Register and sign in, without following the link mailed to the address."""
    browser = Browser(world.app.test_client(), None)
    response = browser.post("/register", {"name": name, "email": email, "password": PASSWORD})
    assert response.status_code == 303
    response = browser.post("/login", {"email": email, "password": PASSWORD})
    assert response.status_code == 303
    browser._token = None
    return browser


def _signatures(world: World, enrollment_id: str) -> list[str]:
    from mentorflow.engine.records.store import Submission

    with world.workflow.db.session() as session:
        found = session.scalars(
            select(Submission).where(
                Submission.enrollment_id == enrollment_id,
                Submission.form_id == "learning_contract",
            )
        ).all()
        return sorted(sig.role for sub in found for sig in sub.signatures)


# ---------------------------------------------------------------- what was seen


def test_a_stranger_who_registers_an_invited_address_gets_no_role(world: World) -> None:
    admin = world.browser(world.admin, fresh=True)
    invited = unique("new.coordinator")
    response = admin.post(
        "/admin", {"email": invited, "name": "New Coordinator", "program": GENERAL}
    )
    assert response.status_code == 200
    assert "invited to be a coordinator" in response.get_data(as_text=True)
    assert 'name="password"' not in response.get_data(as_text=True)  # no password to set

    # The stranger registers the address first and signs in: no role, only /verify.
    stranger = register(world, invited, "Mallory")
    assert staff_roles(world, invited) == []
    response = stranger.get(f"/p/{GENERAL}/coordinator")
    assert response.status_code == 302 and response.location.endswith("/verify")
    assert stranger.get("/admin").location.endswith("/verify")

    # The invitation (mailed to the real owner) binds the role, with a password of theirs;
    # the stranger's session and password stop working.
    owner = Browser(world.app.test_client(), None)
    link = link_mailed_to(world.workflow, invited, "/invite/")
    page = owner.get(link).get_data(as_text=True)
    assert "a coordinator of" in page and invited in page
    response = owner.post(
        link, {"name": "Nora Newcoordinator", "password": "a long new passphrase"}
    )
    assert response.status_code == 303
    owner._token = None
    assert owner.get(f"/p/{GENERAL}/coordinator").status_code == 200
    assert staff_roles(world, invited) == [GENERAL]
    assert redirects_to_login(stranger.get("/me"))
    assert stranger.post("/login", {"email": invited, "password": PASSWORD}).status_code == 400
    # The link works once.
    assert owner.get(link).status_code == 404


def test_a_mentee_cannot_sign_as_a_supervisor_whose_address_she_registered(world: World) -> None:
    boss = unique("unregistered.boss")
    enrollment_id = world.scene(boss=boss).mentee_id
    coordinator = world.coordinator

    posing = register(world, boss, "Not The Boss")
    url = f"/p/{GENERAL}/enrollments/{enrollment_id}/forms/learning_contract/sign"
    response = posing.post(url, page="/verify")
    assert response.status_code == 302 and response.location.endswith("/verify")
    assert posing.get(f"/p/{GENERAL}/enrollments/{enrollment_id}").location.endswith("/verify")
    assert _signatures(world, enrollment_id) == []
    # Not even the engine, asked directly, takes the unverified account as the supervisor.
    unverified = world.workflow.find_actor(boss)
    assert unverified is not None and not unverified.verified
    with pytest.raises(NotFound):
        world.workflow.sign(enrollment_id, "learning_contract", unverified)
    # A coordinator recording the paper signature names no account as the signer.
    world.workflow.sign(enrollment_id, "learning_contract", coordinator, on_behalf_of="supervisor")
    with world.workflow.db.session() as session:
        from mentorflow.engine.records.store import Signature

        (signature,) = session.scalars(
            select(Signature).where(Signature.role == "supervisor").order_by(Signature.id.desc())
        ).fetchmany(1)
        assert signature.signer_id is None and signature.recorded_by_id == coordinator.person_id


def test_a_session_cookie_copied_before_sign_out_signs_nobody_in(world: World) -> None:
    browser = world.browser(world.stranger, fresh=True)
    assert browser.get("/me").status_code == 200
    copied = browser.client.get_cookie("session")
    assert copied is not None
    assert browser.post("/logout", page="/me").status_code == 303
    thief = world.app.test_client()
    thief.set_cookie("session", copied.value)
    assert redirects_to_login(thief.get("/me"))


def test_registering_a_known_address_answers_as_for_a_new_one(world: World) -> None:
    answers = []
    for email in (world.stranger.email.upper(), unique("brand.new")):
        browser = Browser(world.app.test_client(), None)
        response = browser.post(
            "/register", {"name": "Typed Again", "email": email, "password": PASSWORD}
        )
        page = browser.get(response.location).get_data(as_text=True)
        answers.append((response.status_code, response.location, page.replace(email.strip(), "X")))
        assert redirects_to_login(browser.get("/me"))
    assert answers[0] == answers[1]
    # The owner is told by mail; their password is unchanged.
    with world.workflow.db.session() as session:
        subjects = session.scalars(
            select(OutboxMessage.subject).where(OutboxMessage.to_email == world.stranger.email)
        ).all()
    assert "Someone tried to register with your address" in subjects
    assert world.browser(world.stranger, fresh=True).who == world.stranger


# ---------------------------------------------------------------- verifying an address


def test_verifying_an_address_from_the_mailed_link(world: World) -> None:
    email = unique("newcomer")
    browser = register(world, email, "Nell Newcomer")
    for page in ("/me", f"/p/{GENERAL}/apply/mentee"):
        assert browser.get(page).location.endswith("/verify")
    waiting = browser.get("/verify").get_data(as_text=True)
    assert email in waiting and "Send it again" in waiting
    first = link_mailed_to(world.workflow, email)
    assert browser.post("/verify").status_code == 303  # send it again
    second = link_mailed_to(world.workflow, email)
    assert first != second
    assert browser.get(first).status_code == 404  # only the newest link works
    page = browser.get(second).get_data(as_text=True)
    assert f"Verify {email}" in page
    assert person(world, email).email_verified_at is None  # GET changes nothing
    response = browser.post(second, {"password": "not the one chosen"}, page=second)
    assert response.status_code == 400 and "not the password chosen" in response.get_data(
        as_text=True
    )
    assert person(world, email).email_verified_at is None
    response = browser.post(second, {"password": PASSWORD})
    assert response.status_code == 303 and response.location.endswith("/me")
    browser._token = None
    assert browser.get("/me").status_code == 200
    assert browser.post(second, {"password": PASSWORD}).status_code == 404  # once


def test_a_link_expires(world: World, web_clock) -> None:  # type: ignore[no-untyped-def]
    email = unique("slow")
    register(world, email)
    link = link_mailed_to(world.workflow, email)
    web_clock.advance(2.01)
    assert Browser(world.app.test_client(), None).get(link).status_code == 404


def test_the_link_followed_in_another_browser_signs_in_there(world: World) -> None:
    """The mailbox and the password together: the browser that follows the link is
    signed in, and the session begun before verifying (perhaps someone else's) ends."""
    email = unique("elsewhere")
    before = register(world, email)
    other = Browser(world.app.test_client(), None)
    link = link_mailed_to(world.workflow, email)
    response = other.post(link, {"password": PASSWORD}, page=link)
    assert response.status_code == 303 and response.location.endswith("/me")
    other._token = None
    assert other.get("/me").status_code == 200
    assert redirects_to_login(before.get("/me"))


def test_whoever_registered_first_gains_nothing_when_the_owner_verifies(world: World) -> None:
    """Review of issue 10: a session opened before the address was proved, or a password
    chosen by someone else, must not become the owner's account."""
    email = unique("coveted")
    squatter = register(world, email, "Squatter")  # signed in, not verified
    owner = Browser(world.app.test_client(), None)
    owner.post("/register", {"name": "Owner", "email": email, "password": "the owner's own words"})
    assert redirects_to_login(squatter.get("/me"))  # registering again ended it
    link = link_mailed_to(world.workflow, email)
    owner.post(link, {"password": "the owner's own words"}, page=link)
    owner._token = None
    assert owner.get("/me").status_code == 200
    squatter = Browser(world.app.test_client(), None)
    assert squatter.post("/login", {"email": email, "password": PASSWORD}).status_code == 400


def test_a_password_chosen_by_someone_else_cannot_be_verified(world: World) -> None:
    email = unique("raced")
    owner = Browser(world.app.test_client(), None)
    owner.post("/register", {"name": "Owner", "email": email, "password": "the owner's own words"})
    register(world, email, "Racer")  # registers again before the owner clicks
    link = link_mailed_to(world.workflow, email)  # mailed to the owner
    response = owner.post(link, {"password": "the owner's own words"}, page=link)
    assert response.status_code == 400  # the racer's password is not the owner's
    assert person(world, email).email_verified_at is None
    racer = Browser(world.app.test_client(), None)
    racer.post("/login", {"email": email, "password": PASSWORD})
    assert racer.get("/me").location.endswith("/verify")  # still nothing but /verify


def test_a_provider_sign_in_ends_sessions_begun_before_the_address_was_proved(
    world: World,
) -> None:
    email = unique("sso.owner")
    squatter = register(world, email, "Squatter")
    world.workflow.sign_in_with_provider(email, True, "Owner", [])
    assert redirects_to_login(squatter.get("/me"))


# ---------------------------------------------------------------- sessions


def test_changing_the_password_ends_every_other_session(world: World) -> None:
    email = unique("changer")
    here = register_and_verify(world.app.test_client(), "Chan Ger", email, world.workflow)
    there = Browser(world.app.test_client(), None)
    there.post("/login", {"email": email, "password": PASSWORD})
    assert there.get("/me").status_code == 200
    response = here.post(
        "/account/password",
        {"current": "wrong", "password": "another fine passphrase"},
        page="/account",
    )
    assert response.status_code == 400 and "not your current password" in response.get_data(
        as_text=True
    )
    response = here.post(
        "/account/password", {"current": PASSWORD, "password": "another fine passphrase"}
    )
    assert response.status_code == 303
    assert here.get("/me").status_code == 200
    assert redirects_to_login(there.get("/me"))


def test_an_admin_signs_someone_out_everywhere(world: World) -> None:
    victim = world.people.person(unique("lost.laptop"), "Lou Laptop")
    sessions = [world.browser(victim, fresh=True) for _ in range(2)]
    assert all(s.get("/me").status_code == 200 for s in sessions)
    admin = world.browser(world.admin, fresh=True)
    response = admin.post(
        "/admin/sign-out-everywhere", {"signout-email": victim.email}, page="/admin"
    )
    assert response.status_code == 200
    assert "signed out everywhere (2 sessions ended)" in response.get_data(as_text=True)
    assert all(redirects_to_login(s.get("/me")) for s in sessions)
    # Only admins may.
    response = world.browser(world.stranger, fresh=True).post(
        "/admin/sign-out-everywhere", {"signout-email": world.admin.email}, page="/me"
    )
    assert response.status_code == 403


def test_sessions_end_when_idle_and_after_their_lifetime(world: World, web_clock) -> None:  # type: ignore[no-untyped-def]
    idle = world.browser(world.stranger, fresh=True)
    web_clock.advance(31 / (24 * 60))
    assert redirects_to_login(idle.get("/me"))

    busy = world.browser(world.stranger, fresh=True)
    pages = 0
    while busy.get("/me").status_code == 200:  # a page every 29 minutes: never idle
        pages += 1
        web_clock.advance(29 / (24 * 60))
        assert pages < 100
    assert pages == 25  # 24 x 29 minutes = 11.6 hours; at 12.08 hours it has ended
    assert redirects_to_login(busy.get("/me"))


# ---------------------------------------------------------------- behind TLS


@pytest.fixture
def tls_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    monkeypatch.setenv("MENTORFLOW_INSTANCE", str(tmp_path / "instance"))
    app = create_app(
        {
            "TESTING": True,
            "MENTORFLOW_DATABASE_URL": f"sqlite:///{tmp_path}/tls.db",
            "MENTORFLOW_DEFINITIONS": str(ROOT / "definitions"),
            "MENTORFLOW_UPLOADS": str(tmp_path / "uploads"),
            "MENTORFLOW_IDENTITY": Identity(public_url="https://mentoring.example.gov"),
        }
    )
    yield app
    app.extensions["mentorflow.workflow"].db.dispose()


def test_behind_a_tls_proxy_cookies_are_secure_and_hsts_is_sent(tls_app: Flask) -> None:
    workflow = tls_app.extensions["mentorflow.workflow"]
    workflow.grant_staff(SYSTEM_ACTOR, "ops@example.gov", "Ops", None, PASSWORD)
    client = tls_app.test_client()
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    page = client.get("/login", headers=proxied)
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert token
    response = client.post(
        "/login",
        data={"email": "ops@example.gov", "password": PASSWORD, "csrf_token": token.group(1)},
        headers={**proxied, "Referer": "https://localhost/login"},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=") and "Path=/;" in cookie and "Domain" not in cookie
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # The address one proxy hop gave is the client's, as the session records it.
    with workflow.db.session() as session:
        from mentorflow.engine.records.store import AccountSession

        assert session.scalars(select(AccountSession.client)).all() == ["203.0.113.9"]
    # Links in mail start with the public address.
    workflow.grant_staff(SYSTEM_ACTOR, "new@example.gov", "New", None)
    with workflow.db.session() as session:
        body = session.scalars(select(OutboxMessage.body)).all()[-1]
    assert "https://mentoring.example.gov/invite/" in body


def test_without_tls_there_is_no_hsts(world: World) -> None:
    assert (
        "Strict-Transport-Security"
        not in Browser(world.app.test_client(), None).get("/login").headers
    )


# ---------------------------------------------------------------- a forgotten password


def test_a_forgotten_password_is_replaced_through_a_mailed_link(world: World) -> None:
    who = world.people.person(unique("forgetful"), "Fay Forgetful")
    old_session = world.browser(who, fresh=True)
    browser = Browser(world.app.test_client(), None)
    answers = []
    for email in (who.email, unique("nobody")):  # the same answer for an unknown address
        response = browser.post("/reset", {"email": email}, page="/reset")
        page = browser.get(response.location).get_data(as_text=True)
        # Alike but for the address, the form's one-time key (new on every page) and the
        # CSRF token's signature (it carries the second it was signed in).
        page = re.sub(r'name="(once|csrf_token)" value="[^"]+"', "", page.replace(email, "X"))
        answers.append((response.status_code, page))
    assert answers[0] == answers[1] and answers[0][0] == 303
    link = link_mailed_to(world.workflow, who.email, "/reset/")
    response = browser.post(link, {"password": "short"}, page=link)
    assert response.status_code == 400  # a password refused: the link still works
    response = browser.post(link, {"password": "a brand new passphrase"})
    assert response.status_code == 303 and response.location.endswith("/me")
    browser._token = None
    assert browser.get("/me").status_code == 200
    assert redirects_to_login(old_session.get("/me"))  # every earlier session ended
    assert browser.get(link).status_code == 404  # once
    fresh = Browser(world.app.test_client(), None)
    assert fresh.post("/login", {"email": who.email, "password": PASSWORD}).status_code == 400


def test_a_changed_password_is_told_by_mail(world: World) -> None:
    email = unique("told")
    here = register_and_verify(world.app.test_client(), "Tol D", email, world.workflow)
    here.post(
        "/account/password",
        {"current": PASSWORD, "password": "quite another phrase"},
        page="/account",
    )
    with world.workflow.db.session() as session:
        subjects = session.scalars(
            select(OutboxMessage.subject).where(OutboxMessage.to_email == email)
        ).all()
    assert "Your Mentorflow password was changed" in subjects


def test_the_account_page_lists_sessions_and_ends_one(world: World) -> None:
    who = world.people.person(unique("two.devices"), "Tess Twodevices")
    laptop, phone = world.browser(who, fresh=True), world.browser(who, fresh=True)
    page = laptop.get("/account").get_data(as_text=True)
    assert page.count("<tr><td>") == 2 and "This browser" in page
    ends = re.findall(r'action="(/account/sessions/\d+/end)"', page)
    assert len(ends) == 1
    assert laptop.post(ends[0], page="/account").status_code == 303
    assert redirects_to_login(phone.get("/me"))
    assert laptop.get("/me").status_code == 200
    # Someone else's session is not theirs to end.
    other = world.browser(world.stranger, fresh=True)
    assert other.post(ends[0], page="/account").status_code == 404


def test_guessing_the_current_password_is_throttled_like_a_sign_in(world: World) -> None:
    email = unique("guessed")
    stolen = register_and_verify(world.app.test_client(), "Gus Guessed", email, world.workflow)
    statuses = [
        stolen.post(
            "/account/password",
            {"current": f"guess number {n}", "password": "a fresh new passphrase"},
            page="/account",
        ).status_code
        for n in range(7)
    ]
    # Signed in by the mailed link, never by a password: the account's back-off holds it.
    assert statuses[:5] == [400] * 5 and set(statuses[5:]) == {429}
    assert "wait" in stolen.post(
        "/account/password", {"current": "one more guess", "password": "a fresh new passphrase"}
    ).get_data(as_text=True)


def test_an_invitation_to_someone_with_a_password_does_not_sign_them_in(world: World) -> None:
    """The mailed link binds the role; signing in still takes their password (ASVS 2.2.2)."""
    existing = world.people.person(unique("promoted"), "Pia Promoted")
    admin = world.browser(world.admin, fresh=True)
    admin.post("/admin", {"email": existing.email, "name": "", "program": GENERAL})
    link = link_mailed_to(world.workflow, existing.email, "/invite/")
    browser = Browser(world.app.test_client(), None)
    page = browser.get(link).get_data(as_text=True)
    assert 'name="password"' not in page
    response = browser.post(link, {}, page=link)
    assert response.status_code == 303 and response.location.endswith("/login")
    assert redirects_to_login(browser.get("/me"))
    assert "You are now a coordinator of" in browser.get("/login").get_data(as_text=True)
    assert staff_roles(world, existing.email) == [GENERAL]


def test_a_reset_password_is_told_by_mail(world: World) -> None:
    who = world.people.person(unique("reset.told"), "Rita Reset")
    browser = Browser(world.app.test_client(), None)
    browser.post("/reset", {"email": who.email}, page="/reset")
    link = link_mailed_to(world.workflow, who.email, "/reset/")
    browser.post(link, {"password": "a completely new phrase"}, page=link)
    with world.workflow.db.session() as session:
        bodies = session.scalars(
            select(OutboxMessage.body).where(OutboxMessage.to_email == who.email)
        ).all()
    assert any("chosen for your Mentorflow account through a link" in body for body in bodies)


def test_typing_keeps_a_session_from_going_idle(world: World, web_clock) -> None:  # type: ignore[no-untyped-def]
    """What static/keep-alive.js asks while someone types a long answer."""
    writer = world.browser(world.stranger, fresh=True)
    for _ in range(3):  # 75 minutes without a page, but typing all along
        web_clock.advance(25 / (24 * 60))
        assert writer.get("/session/alive").status_code == 204
    assert writer.get("/me").status_code == 200
    web_clock.advance(31 / (24 * 60))  # then 31 minutes of nothing at all
    assert writer.get("/session/alive").status_code == 401
    assert 'data-signed-in="yes"' in world.browser(world.stranger, fresh=True).get("/me").get_data(
        as_text=True
    )


def test_signing_in_as_someone_else_ends_the_session_before(world: World) -> None:
    browser = world.browser(world.stranger, fresh=True)
    copied = browser.client.get_cookie("session")
    assert copied is not None
    browser.sign_in(world.admin)
    thief = world.app.test_client()
    thief.set_cookie("session", copied.value)
    assert redirects_to_login(thief.get("/me"))
