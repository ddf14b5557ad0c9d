"""Personal access tokens: made for a verified person (by themselves or on the command
line), shown once and kept only as a hash, listed without the token, revoked for good,
expiring, and turned into the same actor a signed-in session of that person gets."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import event, select, text

from mentorflow.engine.errors import BadToken, Forbidden, InvalidAnswers, NotFound, Unverified
from mentorflow.engine.records.store import ApiToken, Person
from mentorflow.engine.rules.access import SYSTEM_ACTOR, Actor
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock, People

PASSWORD = "correct horse battery"
GENERAL = "general-mentoring"


@pytest.fixture
def ada(people: People) -> Actor:
    return people.person("ada@example.gov", "Ada Admin", admin=True)


@pytest.fixture
def cora(people: People) -> Actor:
    return people.person("cora@example.gov", "Cora", coordinates=GENERAL)


def _rows(workflow: Workflow) -> list[dict[str, object]]:
    with workflow.db.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(text("SELECT * FROM api_tokens"))]


def test_a_token_is_shown_once_and_only_its_hash_is_kept(workflow: Workflow, cora: Actor) -> None:
    made = workflow.create_api_token(cora, name="Dashboard", expires_days=30)
    assert made.token.startswith("mf_") and len(made.token) > 40
    assert made.token.startswith(made.prefix) and len(made.prefix) < len(made.token) // 2
    assert made.name == "Dashboard"
    assert made.expires_at == workflow.clock() + dt.timedelta(days=30)
    [row] = _rows(workflow)
    assert all(made.token not in str(value) for value in row.values())
    assert row["token_hash"] != made.token and len(str(row["token_hash"])) == 64
    listed = workflow.api_tokens(cora)
    assert [(t.id, t.name, t.prefix, t.status) for t in listed] == [
        (made.id, "Dashboard", made.prefix, "active")
    ]
    assert all(made.token not in str(v) for v in dataclasses.astuple(listed[0]))
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.name = "x"  # type: ignore[misc]


def test_a_token_acts_as_its_person_with_their_roles_no_more(
    workflow: Workflow, cora: Actor, ada: Actor
) -> None:
    for actor in (cora, ada):
        made = workflow.create_api_token(actor)
        assert workflow.actor_for_api_token(made.token) == actor
    session_actor = workflow.sign_in("cora@example.gov", PASSWORD)
    assert workflow.actor_for_api_token(workflow.create_api_token(cora).token) == session_actor


@pytest.mark.parametrize(
    "presented",
    ["", "mf_", "mf_not-a-token", "Bearer mf_x", "x" * 5000, "mf_\x00\u2028é", "mf_\ud800"],
    ids=[
        "empty",
        "prefix-only",
        "unknown",
        "with-scheme",
        "very-long",
        "odd-characters",
        "lone-surrogate",
    ],
)
def test_an_unknown_token_is_a_bad_token(workflow: Workflow, cora: Actor, presented: str) -> None:
    workflow.create_api_token(cora)
    with pytest.raises(BadToken):
        workflow.actor_for_api_token(presented)


def test_bad_token_is_not_forbidden_so_the_api_can_answer_401() -> None:
    assert not issubclass(BadToken, Forbidden | NotFound)


def test_a_revoked_token_works_no_more_and_stays_revoked(
    workflow: Workflow, cora: Actor, clock: Clock
) -> None:
    made = workflow.create_api_token(cora, name="old")
    workflow.revoke_api_token(cora, made.id)
    with pytest.raises(BadToken):
        workflow.actor_for_api_token(made.token)
    [row] = workflow.api_tokens(cora)
    assert row.status == "revoked" and row.revoked_at == clock()
    clock.advance(1)
    workflow.revoke_api_token(cora, made.id)  # again: nothing changes
    assert workflow.api_tokens(cora)[0].revoked_at == row.revoked_at


@pytest.mark.parametrize("token_id", [0, -1, 2**40, 999])
def test_a_token_that_is_not_ones_own_cannot_be_revoked(
    workflow: Workflow, cora: Actor, ada: Actor, token_id: int
) -> None:
    mine = workflow.create_api_token(cora)
    with pytest.raises(NotFound, match="no such token"):
        workflow.revoke_api_token(ada, mine.id)  # even an admin: it is Cora's own
    with pytest.raises(NotFound, match="no such token"):
        workflow.revoke_api_token(cora, token_id)
    assert workflow.actor_for_api_token(mine.token) == cora


def test_a_token_expires(workflow: Workflow, cora: Actor, clock: Clock) -> None:
    made = workflow.create_api_token(cora, expires_days=2)
    forever = workflow.create_api_token(cora)
    assert forever.expires_at is None
    clock.advance(1.99)
    assert workflow.actor_for_api_token(made.token) == cora
    clock.advance(0.01)
    with pytest.raises(BadToken):
        workflow.actor_for_api_token(made.token)
    assert {t.id: t.status for t in workflow.api_tokens(cora)} == {
        made.id: "expired",
        forever.id: "active",
    }
    clock.advance(3650)
    assert workflow.actor_for_api_token(forever.token) == cora


@pytest.mark.parametrize("days", [0, -3, 3651, 10**9])
def test_an_expiry_out_of_range_is_refused_in_words(
    workflow: Workflow, cora: Actor, days: int
) -> None:
    with pytest.raises(InvalidAnswers, match="from 1 to 3650 days") as caught:
        workflow.create_api_token(cora, expires_days=days)
    assert set(caught.value.errors) == {"expires_days"}
    with pytest.raises(InvalidAnswers, match="from 1 to 3650 days"):
        workflow.create_api_token_for(cora.email, expires_days=days)
    assert _rows(workflow) == []


def test_a_name_too_long_is_refused_in_words(workflow: Workflow, cora: Actor) -> None:
    with pytest.raises(InvalidAnswers, match="at most 100 characters") as caught:
        workflow.create_api_token(cora, name="x" * 101)
    assert set(caught.value.errors) == {"name"}
    assert workflow.create_api_token(cora, name="  spaced  ").name == "spaced"


def test_an_unverified_account_gets_no_token(workflow: Workflow, cora: Actor) -> None:
    workflow.register("new@example.gov", "Nia New", PASSWORD)
    actor = workflow.sign_in("new@example.gov", PASSWORD)
    assert not actor.verified
    with pytest.raises(Unverified):
        workflow.create_api_token(actor)
    with pytest.raises(Forbidden, match="has not proved"):
        workflow.create_api_token_for("new@example.gov")
    with pytest.raises(Forbidden):
        workflow.create_api_token(SYSTEM_ACTOR)
    assert _rows(workflow) == []


def test_a_token_stops_when_its_person_is_no_longer_verified(
    workflow: Workflow, cora: Actor
) -> None:
    made = workflow.create_api_token(cora)
    with workflow.db.session() as session, session.begin():
        person = session.get(Person, cora.person_id)
        assert person is not None
        person.email_verified_at = None
    with pytest.raises(BadToken):
        workflow.actor_for_api_token(made.token)


def test_the_command_line_makes_a_token_for_a_verified_person(
    workflow: Workflow, cora: Actor
) -> None:
    made = workflow.create_api_token_for(" Cora@Example.gov ", name="cli", expires_days=7)
    assert workflow.actor_for_api_token(made.token) == cora
    assert [t.name for t in workflow.api_tokens(cora)] == ["cli"]
    with pytest.raises(NotFound, match="nobody@example.gov"):
        workflow.create_api_token_for("nobody@example.gov")
    with pytest.raises(NotFound):
        workflow.create_api_token_for("not an address")


def test_roles_are_read_when_the_token_is_used_not_when_made(
    workflow: Workflow, people: People
) -> None:
    before = people.person("pat@example.gov", "Pat")
    made = workflow.create_api_token(before)
    assert not workflow.actor_for_api_token(made.token).is_admin
    people.person("pat@example.gov", "Pat", admin=True)
    assert workflow.actor_for_api_token(made.token).is_admin


def test_last_used_is_written_at_most_once_a_minute(
    workflow: Workflow, cora: Actor, clock: Clock
) -> None:
    made = workflow.create_api_token(cora)
    assert workflow.api_tokens(cora)[0].last_used_at is None
    writes: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("UPDATE API_TOKENS"):
            writes.append(statement)

    event.listen(workflow.db.engine, "before_cursor_execute", count)
    try:
        first = clock()
        workflow.actor_for_api_token(made.token)
        for _ in range(5):
            clock.now += dt.timedelta(seconds=10)
            workflow.actor_for_api_token(made.token)
        assert len(writes) == 1
        assert workflow.api_tokens(cora)[0].last_used_at == first
        clock.now += dt.timedelta(seconds=15)  # 65 seconds after the first use
        workflow.actor_for_api_token(made.token)
        assert len(writes) == 2
        assert workflow.api_tokens(cora)[0].last_used_at == clock()
    finally:
        event.remove(workflow.db.engine, "before_cursor_execute", count)


def test_tokens_are_listed_newest_first_and_only_ones_own(
    workflow: Workflow, cora: Actor, ada: Actor, clock: Clock
) -> None:
    first = workflow.create_api_token(cora, name="first")
    clock.advance(1)
    second = workflow.create_api_token(cora, name="second")
    workflow.create_api_token(ada, name="ada's")
    assert [t.id for t in workflow.api_tokens(cora)] == [second.id, first.id]
    assert [t.name for t in workflow.api_tokens(ada)] == ["ada's"]
    assert workflow.api_tokens(SYSTEM_ACTOR) == ()
    with workflow.db.session() as session:
        assert len(session.scalars(select(ApiToken)).all()) == 3
