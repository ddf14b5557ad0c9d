"""What is kept of a password and of a session, and what a password may be: the claims of
docs/security.md that no other test shows (salted scrypt, no truncation, any Unicode, no
expiry or history, session tokens of 256 random bits)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import secrets
from collections.abc import Callable

import pytest
from sqlalchemy import select

from mentorflow.engine.errors import MentorflowError
from mentorflow.engine.records.store import AccountSession
from mentorflow.engine.rules.access import SYSTEM_ACTOR, Actor
from mentorflow.engine.service import sessions as sessions_module
from mentorflow.engine.service.people import check_password, hash_password
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock, People

PASSWORD = "kettle orbit lantern"


def account(workflow: Workflow, email: str, password: str) -> Actor:
    """A ready, verified account with this password, as an operator makes one."""
    workflow.grant_staff(SYSTEM_ACTOR, email, "Pat Person", None, password=password)
    return workflow.sign_in(email, password)


def test_a_password_is_kept_as_salted_scrypt() -> None:
    first, second = hash_password(PASSWORD), hash_password(PASSWORD)
    assert first != second  # a salt of its own for each
    for stored in (first, second):
        kind, cost, salt, digest = stored.split("$")
        assert (kind, int(cost)) == ("scrypt", 2**14)
        assert len(base64.b64decode(salt)) == 16  # 128 bits, drawn by `secrets`
        assert len(base64.b64decode(digest)) == 64
        assert PASSWORD not in stored
        assert check_password(stored, PASSWORD)
        assert not check_password(stored, PASSWORD + " ")
    salt = base64.b64decode(first.split("$")[2])
    expected = hashlib.scrypt(PASSWORD.encode(), salt=salt, n=2**14, r=8, p=1)
    assert base64.b64decode(first.split("$")[3]) == expected


def test_a_long_password_is_checked_whole(workflow: Workflow) -> None:
    long = "".join(f"{word} " for word in ("amber", "basil", "cedar", "delta") * 8)[:128]
    assert len(long) == 128
    who = account(workflow, "long@example.gov", long)
    assert workflow.sign_in("long@example.gov", long) == who
    for cut in (64, 72, 127):  # where other schemes stop reading
        with pytest.raises(MentorflowError, match="do not match an account"):
            workflow.sign_in("long@example.gov", long[:cut])


@pytest.mark.parametrize(
    "password",
    ["🐴 correct horse 🔋 staple", "ʕ•ᴥ•ʔ  two  blanks  kept", "Ünïcödé ñame 東京タワー 2024"],
    ids=["emoji", "blanks", "letters"],
)
def test_any_printable_unicode_is_a_password(workflow: Workflow, password: str) -> None:
    who = account(workflow, "unicode@example.gov", password)
    assert workflow.sign_in("unicode@example.gov", password) == who


def test_a_password_never_expires_and_an_earlier_one_may_be_chosen_again(
    workflow: Workflow, clock: Clock
) -> None:
    who = account(workflow, "lasting@example.gov", PASSWORD)
    clock.now += dt.timedelta(days=800)
    assert workflow.sign_in("lasting@example.gov", PASSWORD) == who
    here = workflow.start_session(who)
    workflow.change_password(who, PASSWORD, "another calm evening", keep=here)
    workflow.change_password(who, "another calm evening", PASSWORD, keep=here)  # no history
    assert workflow.sign_in("lasting@example.gov", PASSWORD) == who


def test_a_session_token_is_256_random_bits_of_which_only_a_hash_is_kept(
    workflow: Workflow, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: list[int] = []
    draw: Callable[[int], str] = secrets.token_urlsafe

    def recording(nbytes: int) -> str:
        drawn.append(nbytes)
        return draw(nbytes)

    monkeypatch.setattr(sessions_module.secrets, "token_urlsafe", recording)
    who = people.person("tokens@example.gov")
    tokens = [workflow.start_session(who) for _ in range(20)]
    assert drawn == [32] * 20  # 256 bits from the operating system's generator each
    assert len(set(tokens)) == 20
    with workflow.db.session() as session:
        kept = set(session.scalars(select(AccountSession.token_hash)))
    assert kept == {hashlib.sha256(t.encode()).hexdigest() for t in tokens}
    assert not kept & set(tokens)
