"""The access rules one by one, as tables: who plays which role, who may take, fill, read
and sign. The expectations are written out by hand from the definition format's
`by`, `filled_by`, `visible_to` and `signatures`, not computed by the engine; the route
table (tests/web/test_routes.py) checks the same rules through the pages.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from mentorflow.engine.definition.program import Form, Program, Transition
from mentorflow.engine.records.database import Database
from mentorflow.engine.records.store import Event, Person, StaffRole
from mentorflow.engine.rules.access import (
    SYSTEM,
    SYSTEM_ACTOR,
    Actor,
    acts_as_staff,
    may_fill,
    may_know_of,
    may_read,
    may_record_signatures,
    may_see_partner,
    may_take,
    readable_ask_answers,
    relations,
    signing_roles,
    staff_emails,
)
from mentorflow.engine.rules.answers import ShownAnswer

ME = "p-me"


def _form(
    filled_by: str = "mentee",
    visible_to: tuple[str, ...] = (),
    signatures: tuple[str, ...] = (),
) -> Form:
    return Form(
        id="f",
        title="The form",
        intro=None,
        filled_by=filled_by,
        owner="mentee",
        open_in=frozenset(),
        repeatable=False,
        visible_to=frozenset(visible_to),
        signatures=signatures,
        alert=None,
        sections=(),
        fields={},
        apply_for=None,
    )


def _transition(by: tuple[str, ...] = (), auto: bool = False) -> Transition:
    return Transition(
        id="t",
        label="Go",
        sources=("a",),
        dest="b",
        by=frozenset(by),
        requires=None,
        ask=None,
        notify=(),
        confirm=None,
        auto=auto,
    )


def _roles(*names: str) -> frozenset[str]:
    return frozenset(names)


# ---------------------------------------------------------------- relations

VERIFIED = Actor(ME, "me@example.org", verified=True)


def _enrollment(**kw: Any) -> Any:
    # A mentee's enrollment without a mentor: relations need no database for it.
    values = {
        "person_id": "p-other",
        "program_id": "prog",
        "role": "mentee",
        "pairing_id": None,
        "supervisor_email": None,
    }
    return SimpleNamespace(**{**values, **kw})


RELATIONS = [
    ("the system", SYSTEM_ACTOR, {}, {SYSTEM}),
    ("a stranger", VERIFIED, {}, set()),
    ("the enrollment's own person", VERIFIED, {"person_id": ME}, {"mentee", "pair"}),
    (
        "own, unverified",
        Actor(ME, "me@example.org"),
        {"person_id": ME},
        set(),
    ),
    (
        "unverified admin",
        Actor(ME, "me@example.org", is_admin=True),
        {},
        set(),
    ),
    ("an admin", Actor(ME, "a@example.org", is_admin=True, verified=True), {}, {"admin"}),
    (
        "coordinator of the program",
        Actor(ME, "c@example.org", coordinator_of=frozenset({"prog"}), verified=True),
        {},
        {"coordinator"},
    ),
    (
        "coordinator of another program",
        Actor(ME, "c@example.org", coordinator_of=frozenset({"other"}), verified=True),
        {},
        set(),
    ),
    ("the named supervisor", VERIFIED, {"supervisor_email": "me@example.org"}, {"supervisor"}),
    ("someone else's supervisor", VERIFIED, {"supervisor_email": "x@example.org"}, set()),
    (
        "no supervisor named, empty e-mail",
        Actor(ME, "", verified=True),
        {"supervisor_email": ""},
        set(),
    ),
]


@pytest.mark.parametrize(
    ("actor", "enrollment", "expected"),
    [pytest.param(a, e, x, id=i) for i, a, e, x in RELATIONS],
)
def test_relations(actor: Actor, enrollment: dict[str, Any], expected: set[str]) -> None:
    assert relations(None, actor, _enrollment(**enrollment)) == frozenset(expected)  # type: ignore[arg-type]


# ---------------------------------------------------------------- staff

STAFF = [
    ((), False),
    (("mentee", "pair"), False),
    (("supervisor",), False),
    (("coordinator",), True),
    (("admin",), True),
    (("admin", "coordinator", "mentor"), True),
]


@pytest.mark.parametrize(("roles", "expected"), STAFF)
def test_staff(roles: tuple[str, ...], expected: bool) -> None:
    assert acts_as_staff(_roles(*roles)) is expected
    assert may_record_signatures(_roles(*roles)) is expected


def test_is_staff_of_a_program() -> None:
    coordinator = Actor(ME, "c@example.org", coordinator_of=frozenset({"a"}))
    assert coordinator.is_staff("a") and not coordinator.is_staff("b")
    assert Actor(ME, "", is_admin=True).is_staff("b")
    assert not Actor(ME, "").is_staff("a")
    assert SYSTEM_ACTOR.is_system and not VERIFIED.is_system


# ---------------------------------------------------------------- taking transitions

TAKE = [
    # (by, auto, roles, may)
    (("coordinator",), False, ("coordinator",), True),
    (("coordinator",), False, ("mentee", "pair"), False),
    (("mentor", "mentee"), False, ("mentee", "pair"), True),
    (("mentor",), False, ("mentee", "pair"), False),
    (("mentor",), False, ("admin",), True),  # admins move any record by hand
    ((), True, ("admin",), True),
    ((), True, ("coordinator",), False),
    ((), True, (SYSTEM,), True),
    (("coordinator",), False, (SYSTEM,), False),  # the system takes only auto ones
    ((), False, (), False),
]


@pytest.mark.parametrize(("by", "auto", "roles", "expected"), TAKE)
def test_may_take(by: tuple[str, ...], auto: bool, roles: tuple[str, ...], expected: bool) -> None:
    assert may_take(_transition(by, auto), _roles(*roles)) is expected


# ---------------------------------------------------------------- filling

FILL = [
    # (filled_by, roles, may)
    ("mentee", ("mentee", "pair"), True),
    ("mentee", ("mentor", "pair"), False),
    ("mentor", ("mentor", "pair"), True),
    ("supervisor", ("supervisor",), True),
    ("supervisor", ("mentee", "pair"), False),
    ("pair", ("mentee", "pair"), True),
    ("pair", ("mentor", "pair"), True),
    ("pair", ("pair",), False),  # 'pair' alone is not a party of the relationship
    ("pair", ("supervisor",), False),
    ("mentee", ("coordinator",), True),  # on paper, on someone's behalf
    ("supervisor", ("admin",), True),
    ("mentee", (), False),
]


@pytest.mark.parametrize(("filled_by", "roles", "expected"), FILL)
def test_may_fill(filled_by: str, roles: tuple[str, ...], expected: bool) -> None:
    assert may_fill(_form(filled_by), _roles(*roles)) is expected


# ---------------------------------------------------------------- reading

MINE = SimpleNamespace(author_id=ME)
THEIRS = SimpleNamespace(author_id="p-other")
READ = [
    # (visible_to, submission, roles, may)
    ((), THEIRS, ("admin",), True),
    ((), MINE, ("mentee", "pair"), False),
    (("filler",), MINE, (), True),
    (("filler",), THEIRS, ("mentee", "pair"), False),
    (("filler",), None, ("mentee", "pair"), False),
    (("coordinator",), THEIRS, ("coordinator",), True),
    (("coordinator",), THEIRS, ("mentee", "pair"), False),
    (("pair",), THEIRS, ("mentor", "pair"), True),
    (("pair",), THEIRS, ("mentee", "pair"), True),
    (("pair",), THEIRS, ("pair",), False),
    (("pair",), THEIRS, ("coordinator",), False),
    (("mentor",), THEIRS, ("mentor", "pair"), True),
    (("mentor",), THEIRS, ("mentee", "pair"), False),
    (("mentee",), THEIRS, ("mentee", "pair"), True),
    (("supervisor",), THEIRS, ("supervisor",), True),
    (("supervisor",), THEIRS, ("mentor", "pair"), False),
    (("mentor", "supervisor"), THEIRS, ("coordinator",), False),
]


@pytest.mark.parametrize(("visible_to", "submission", "roles", "expected"), READ)
def test_may_read(
    visible_to: tuple[str, ...], submission: Any, roles: tuple[str, ...], expected: bool
) -> None:
    assert may_read(_form(visible_to=visible_to), submission, VERIFIED, _roles(*roles)) is expected


# ---------------------------------------------------------------- signing

SIGN = [
    (("mentor", "mentee"), ("mentee", "pair"), ["mentee"]),
    (("mentor", "mentee"), ("mentor", "pair"), ["mentor"]),
    (("mentor", "mentee", "supervisor"), ("supervisor",), ["supervisor"]),
    (("mentor", "mentee"), ("coordinator",), []),  # staff sign only on paper, by name
    (("mentor",), ("mentee", "pair"), []),
    ((), ("mentee", "pair"), []),
]


@pytest.mark.parametrize(("signatures", "roles", "expected"), SIGN)
def test_signing_roles(
    signatures: tuple[str, ...], roles: tuple[str, ...], expected: list[str]
) -> None:
    assert signing_roles(_form(signatures=signatures), _roles(*roles)) == expected


# ---------------------------------------------------------------- naming forms on a page

KNOW_OF = [
    # (filled_by, visible_to, signatures, roles, read an entry, may know of it)
    ("mentee", ("filler", "coordinator"), (), ("mentee", "pair"), False, True),  # fills it
    ("mentee", ("filler", "coordinator"), (), ("mentor", "pair"), False, False),
    ("mentee", ("filler", "coordinator"), (), ("supervisor",), False, False),
    ("mentor", ("filler", "coordinator"), (), ("mentee", "pair"), False, False),
    ("pair", ("pair", "coordinator"), (), ("supervisor",), False, False),
    ("pair", ("pair", "coordinator"), (), ("mentor", "pair"), False, True),
    ("pair", ("pair", "supervisor"), (), ("supervisor",), False, True),  # reads it
    ("pair", ("pair",), ("supervisor",), ("supervisor",), False, True),  # signs it
    ("coordinator", ("coordinator", "mentee"), (), ("mentee", "pair"), False, True),
    ("coordinator", ("coordinator",), (), ("mentee", "pair"), False, False),
    ("coordinator", ("filler",), (), ("mentee", "pair"), True, True),  # an entry of theirs
    ("mentee", ("filler",), (), ("coordinator",), False, True),  # staff know every form
    ("mentee", ("filler",), (), (), False, False),
]


@pytest.mark.parametrize(
    ("filled_by", "visible_to", "signatures", "roles", "read", "expected"), KNOW_OF
)
def test_may_know_of(
    filled_by: str,
    visible_to: tuple[str, ...],
    signatures: tuple[str, ...],
    roles: tuple[str, ...],
    read: bool,
    expected: bool,
) -> None:
    form = _form(filled_by, visible_to, signatures)
    assert may_know_of(form, VERIFIED, _roles(*roles), read) is expected


# ---------------------------------------------------------------- partners named on a page

MENTOR = _enrollment(person_id="p-mentor", role="mentor")
SEE_PARTNER = [
    # (viewer's roles, the enrollment, the partner, may see)
    ("the mentee, as partner, sees herself", ("mentee", "pair"), MENTOR, ME, True),
    ("never the mentor's other mentee", ("mentee", "pair"), MENTOR, "p-third", False),
    (
        "the mentor on his own page",
        ("mentor", "pair"),
        _enrollment(person_id=ME, role="mentor"),
        "p-third",
        True,
    ),
    ("the mentor's supervisor", ("supervisor",), MENTOR, "p-third", True),
    ("a coordinator", ("coordinator",), MENTOR, "p-third", True),
    ("an admin", ("admin",), MENTOR, "p-third", True),
]


@pytest.mark.parametrize(
    ("roles", "enrollment", "partner", "expected"),
    [pytest.param(r, e, p, x, id=i) for i, r, e, p, x in SEE_PARTNER],
)
def test_may_see_partner(
    roles: tuple[str, ...], enrollment: Any, partner: str, expected: bool
) -> None:
    found = may_see_partner(VERIFIED, enrollment, _roles(*roles), _enrollment(person_id=partner))
    assert found is expected


# ---------------------------------------------------------------- staff mail

# (who coordinates what, the program, whose address gets its staff mail); admins are not
# mailed as staff of a program they do not coordinate.
STAFF_MAIL = [
    ({"b@example.org": ("prog",)}, "prog", ["b@example.org"]),
    ({"b@example.org": ("prog",), "c@example.org": ("other",)}, "prog", ["b@example.org"]),
    ({"b@example.org": ("other",), "c@example.org": ("prog",)}, "prog", ["c@example.org"]),
    (
        {"b@example.org": ("prog", "other"), "c@example.org": ("prog",)},
        "prog",
        ["b@example.org", "c@example.org"],
    ),
    ({"b@example.org": ("other",)}, "prog", []),
    ({}, "prog", []),
]


@pytest.mark.parametrize(("coordinates", "program_id", "expected"), STAFF_MAIL)
def test_staff_emails(
    db: Database, coordinates: dict[str, tuple[str, ...]], program_id: str, expected: list[str]
) -> None:
    with db.session() as session, session.begin():
        # Someone with no staff role at all, and an admin: neither is a program's staff.
        session.add(Person(email="a@example.org"))
        session.add(Person(email="z@example.org", is_admin=True))
        for email, programs in coordinates.items():
            person = Person(email=email)
            session.add(person)
            session.flush()
            session.add_all(StaffRole(person_id=person.id, program_id=p) for p in programs)
    program = SimpleNamespace(id=program_id)
    with db.session() as session:
        assert staff_emails(session, program) == expected  # type: ignore[arg-type]


# ---------------------------------------------------------------- answers of a step's form

GENERAL = "general-mentoring"
COORDINATOR = Actor("p-staff", "c@example.org", coordinator_of=frozenset({GENERAL}), verified=True)
DECLINE = {"reason": "Other", "explanation": "Full this cycle"}
DECLINE_SHOWN = (
    ShownAnswer("Reason", "Other", True),
    ShownAnswer("Explanation given to the applicant", "Full this cycle", True),
)
# `decline` asks `mentee_decline_reason`, visible_to [coordinator, mentee];
# `finish_orientation` asks nothing.
ASK = [
    (
        "the coordinator who declined",
        "decline",
        DECLINE,
        COORDINATOR,
        ("coordinator",),
        DECLINE_SHOWN,
    ),
    ("the declined mentee", "decline", DECLINE, VERIFIED, ("mentee", "pair"), DECLINE_SHOWN),
    ("a supervisor: not theirs to read", "decline", DECLINE, VERIFIED, ("supervisor",), None),
    ("no answers recorded", "decline", None, COORDINATOR, ("coordinator",), None),
    (
        "a step that asks nothing",
        "finish_orientation",
        {"x": 1},
        COORDINATOR,
        ("coordinator",),
        None,
    ),
    ("an application, no step", None, DECLINE, COORDINATOR, ("coordinator",), None),
    ("a step the lifecycle no longer has", "gone", DECLINE, COORDINATOR, ("coordinator",), None),
]


@pytest.mark.parametrize(
    ("transition", "answers", "actor", "roles", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in ASK],
)
def test_readable_ask_answers(
    programs: dict[str, Program],
    transition: str | None,
    answers: dict[str, Any] | None,
    actor: Actor,
    roles: tuple[str, ...],
    expected: tuple[ShownAnswer, ...] | None,
) -> None:
    event = Event(transition=transition, answers=answers, actor_id="p-staff")
    shown = readable_ask_answers(programs[GENERAL], "mentee", event, actor, _roles(*roles))
    assert shown == expected
