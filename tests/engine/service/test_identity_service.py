"""Identity in the engine: an unverified account has no role anywhere, single sign-on
takes only a verified address, invitations bind roles, sessions end on the server."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

from mentorflow.engine.errors import Forbidden, InvalidAnswers, NotFound, Unverified
from mentorflow.engine.records.store import AccountToken, OutboxMessage, Person
from mentorflow.engine.rules.access import SYSTEM_ACTOR
from mentorflow.engine.service.accounts import SignInRefused
from mentorflow.engine.service.workflow import Workflow
from mentorflow.engine.settings import Identity
from tests.conftest import Clock, People
from tests.support import sample_answers

GENERAL = "general-mentoring"
PASSWORD = "correct horse battery"


def mailed_token(workflow: Workflow, email: str, path: str) -> str:
    with workflow.db.session() as session:
        body = session.scalars(
            select(OutboxMessage.body)
            .where(OutboxMessage.to_email == email)
            .order_by(OutboxMessage.id.desc())
        ).first()
    assert body is not None and path in body
    return body.split(path, 1)[1].split()[0]


def test_an_unverified_account_has_no_role_and_applies_to_nothing(
    workflow: Workflow, people: People
) -> None:
    csv_text = (
        "name,email,supervisor_email,years_of_service,interests,style\n"
        "Nia New,new@example.gov,boss@example.gov,1,Leadership;Writing,hands_on\n"
    )
    workflow.import_applications("small-program", "mentee", csv_text, actor=SYSTEM_ACTOR)
    workflow.register("new@example.gov", "Nia New", PASSWORD)
    actor = workflow.sign_in("new@example.gov", PASSWORD)
    assert not actor.verified
    answers = sample_answers(workflow.programs[GENERAL], "mentee_application")
    with pytest.raises(Unverified):
        workflow.apply(GENERAL, "mentee", actor, answers)
    assert workflow.my_enrollments(actor) == ()
    workflow.verify_email(mailed_token(workflow, "new@example.gov", "/verify/"), PASSWORD)
    actor = workflow.sign_in("new@example.gov", PASSWORD)
    assert actor.verified and len(workflow.my_enrollments(actor)) == 1


def test_a_staff_role_waits_for_the_invitation(workflow: Workflow) -> None:
    said = workflow.grant_staff(SYSTEM_ACTOR, "Cody@Example.gov", "Cody", GENERAL)
    assert said.endswith("the role is theirs once they accept.")
    assert workflow.find_actor("cody@example.gov") is None  # no account yet
    token = mailed_token(workflow, "cody@example.gov", "/invite/")
    view = workflow.invitation(token)
    assert (view.email, view.needs_password) == ("cody@example.gov", True)
    assert "coordinator of" in view.grants
    actor = workflow.accept_invitation(token, "Cody Coordinator", PASSWORD)
    assert actor.verified and actor.coordinator_of == frozenset({GENERAL})
    with pytest.raises(NotFound):
        workflow.accept_invitation(token, "Cody", PASSWORD)  # once


def test_only_the_system_sets_a_password_when_granting(workflow: Workflow, people: People) -> None:
    admin = people.person("root@example.gov", admin=True)
    with pytest.raises(Forbidden):
        workflow.grant_staff(admin, "x@example.gov", "X", GENERAL, PASSWORD)
    ready = workflow.grant_staff(SYSTEM_ACTOR, "x@example.gov", "X", GENERAL, PASSWORD)
    assert ready == "x@example.gov is now a coordinator of Agency Workplace Mentoring Program."
    assert workflow.sign_in("x@example.gov", PASSWORD).coordinator_of == frozenset({GENERAL})


@pytest.mark.parametrize(
    ("claims", "admin", "coordinates"),
    [
        ([], False, frozenset()),
        (["mentorflow:admin"], True, frozenset()),
        ([f"mentorflow:coordinator:{GENERAL}"], False, frozenset({GENERAL})),
        (["mentorflow:coordinator:no-such-program", "staff", "admin"], False, frozenset()),
    ],
    ids=["none", "admin", "coordinator", "unknown-values-ignored"],
)
def test_single_sign_on_takes_roles_from_the_claim(
    claimed: Workflow, claims: list[str], admin: bool, coordinates: frozenset[str]
) -> None:
    actor = claimed.sign_in_with_provider("Pat@Example.gov", True, "Pat", claims)
    assert actor.verified and actor.email == "pat@example.gov"
    assert (actor.is_admin, actor.coordinator_of) == (admin, coordinates)


@pytest.fixture
def claimed(programs: dict, db, clock: Clock) -> Workflow:  # type: ignore[no-untyped-def, type-arg]
    """The service where the provider's `roles` claim grants staff roles."""
    return Workflow(programs, db, clock=clock, identity=Identity(roles_claim="roles"))


def test_roles_the_claim_no_longer_names_are_taken_away(claimed: Workflow) -> None:
    both = ["mentorflow:admin", f"mentorflow:coordinator:{GENERAL}"]
    actor = claimed.sign_in_with_provider("pat@example.gov", True, "Pat", both)
    assert actor.is_admin and actor.coordinator_of == frozenset({GENERAL})
    actor = claimed.sign_in_with_provider("pat@example.gov", True, "Pat", [])
    assert not actor.is_admin and actor.coordinator_of == frozenset()
    # Roles given by invitation (or an operator) stay, whatever the claim says.
    claimed.grant_staff(SYSTEM_ACTOR, "pat@example.gov", "Pat", GENERAL, PASSWORD)
    claimed.grant_staff(SYSTEM_ACTOR, "pat@example.gov", "Pat", None, PASSWORD)
    actor = claimed.sign_in_with_provider("pat@example.gov", True, "Pat", both)
    actor = claimed.sign_in_with_provider("pat@example.gov", True, "Pat", [])
    assert actor.is_admin and actor.coordinator_of == frozenset({GENERAL})


def test_without_a_roles_claim_configured_no_role_comes_or_goes(workflow: Workflow) -> None:
    actor = workflow.sign_in_with_provider("pat@example.gov", True, "Pat", ["mentorflow:admin"])
    assert not actor.is_admin


def test_single_sign_on_refuses_an_unverified_address(workflow: Workflow) -> None:
    with pytest.raises(SignInRefused, match="has not verified"):
        workflow.sign_in_with_provider("pat@example.gov", False, "Pat", ["mentorflow:admin"])
    with pytest.raises(SignInRefused, match="did not tell us"):
        workflow.sign_in_with_provider("", True, "Pat")
    assert workflow.find_actor("pat@example.gov") is None


def test_single_sign_on_binds_invitations_and_drops_a_squatters_password(
    workflow: Workflow,
) -> None:
    workflow.grant_staff(SYSTEM_ACTOR, "pat@example.gov", "Pat", None)  # invited as admin
    workflow.register("pat@example.gov", "Squatter", PASSWORD)  # never verified
    actor = workflow.sign_in_with_provider("pat@example.gov", True, "Pat", [])
    assert actor.is_admin
    with pytest.raises(SignInRefused):
        workflow.sign_in("pat@example.gov", PASSWORD)
    with workflow.db.session() as session:
        open_links = session.scalars(
            select(AccountToken).where(
                AccountToken.used_at.is_(None), AccountToken.purpose == "invite"
            )
        ).all()
    assert open_links == []


def test_sessions_end_on_sign_out_idle_and_lifetime(
    programs: dict,
    db,
    clock: Clock,
    people: People,  # type: ignore[no-untyped-def, type-arg]
) -> None:
    workflow = Workflow(
        programs,
        db,
        clock=clock,
        identity=Identity(
            session_idle=dt.timedelta(minutes=10), session_lifetime=dt.timedelta(hours=1)
        ),
    )
    who = people.person("sid@example.gov")
    token = workflow.start_session(who, "198.51.100.7")
    assert workflow.resume_session(token) == who
    workflow.end_session(token)
    assert workflow.resume_session(token) is None

    token = workflow.start_session(who)
    clock.now += dt.timedelta(minutes=11)
    assert workflow.resume_session(token) is None

    token = workflow.start_session(who)
    for _ in range(6):
        clock.now += dt.timedelta(minutes=9)
        assert workflow.resume_session(token) == who
    clock.now += dt.timedelta(minutes=9)  # 63 minutes after signing in
    assert workflow.resume_session(token) is None
    assert workflow.resume_session("not a token") is None


def test_someone_else_signing_in_never_ends_a_session_still_within_its_lifetime(
    programs: dict,  # type: ignore[type-arg]
    db,  # type: ignore[no-untyped-def]
    clock: Clock,
    people: People,
) -> None:
    # Sessions are swept 30 days after they began; one allowed to live longer is kept
    # (seen in the README walk-through: a coordinator signed out after 124 days).
    year = dt.timedelta(days=365)
    workflow = Workflow(
        programs, db, clock=clock, identity=Identity(session_idle=year, session_lifetime=year)
    )
    who, other = people.person("long@example.gov"), people.person("other@example.gov")
    token = workflow.start_session(who)
    clock.now += dt.timedelta(days=124)
    workflow.start_session(other)
    assert workflow.resume_session(token) == who


def test_sign_out_everywhere(workflow: Workflow, people: People) -> None:
    who = people.person("many@example.gov")
    tokens = [workflow.start_session(who) for _ in range(3)]
    assert workflow.sign_out_everywhere(who) == "You are signed out everywhere (3 sessions ended)."
    assert [workflow.resume_session(t) for t in tokens] == [None, None, None]


def test_no_password_sign_in_when_single_sign_on_is_the_only_way(
    programs: dict,
    db,
    clock: Clock,
    people: People,  # type: ignore[no-untyped-def, type-arg]
) -> None:
    workflow = Workflow(programs, db, clock=clock, identity=Identity(password_login=False))
    people.person("pw@example.gov")
    with pytest.raises(Forbidden, match="agency account"):
        workflow.sign_in("pw@example.gov", PASSWORD)
    with pytest.raises(Forbidden, match="agency account"):
        workflow.register("new@example.gov", "New", PASSWORD)


def test_with_passwords_off_an_invitation_binds_only_through_single_sign_on(
    programs: dict,
    db,
    clock: Clock,  # type: ignore[no-untyped-def, type-arg]
) -> None:
    workflow = Workflow(programs, db, clock=clock, identity=Identity(password_login=False))
    workflow.grant_staff(SYSTEM_ACTOR, "cody@example.gov", "Cody", GENERAL)
    token = mailed_token(workflow, "cody@example.gov", "/invite/")
    assert workflow.invitation(token).through_single_sign_on
    with pytest.raises(Forbidden, match="agency account"):
        workflow.accept_invitation(token, "Cody", PASSWORD)
    actor = workflow.sign_in_with_provider("cody@example.gov", True, "Cody")
    assert actor.coordinator_of == frozenset({GENERAL})


def test_a_session_alone_cannot_give_a_single_sign_on_account_a_password(
    workflow: Workflow,
) -> None:
    actor = workflow.sign_in_with_provider("sso@example.gov", True, "Sso Only")
    token = workflow.start_session(actor)
    with pytest.raises(InvalidAnswers, match="no password here"):
        workflow.change_password(actor, "", "a password of my own", keep=token)
    with pytest.raises(SignInRefused):
        workflow.sign_in("sso@example.gov", "a password of my own")


def test_registering_the_same_address_at_once_makes_one_account(workflow: Workflow) -> None:
    """A double press, or two tabs: every press is answered as a registration, never a
    failure, and one account is made (issue 11, finding 1)."""
    presses = 8
    barrier = threading.Barrier(presses)
    failures: list[BaseException] = []

    def press() -> None:
        barrier.wait()
        try:
            workflow.register("twice@example.gov", "Tw Ice", PASSWORD)
        except BaseException as exc:  # noqa: BLE001 - every failure is the finding
            failures.append(exc)

    threads = [threading.Thread(target=press) for _ in range(presses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with workflow.db.session() as session:
        assert (
            len(session.scalars(select(Person).where(Person.email == "twice@example.gov")).all())
            == 1
        )


def test_roles_from_the_provider_are_not_kept_by_signing_in_with_a_password(
    claimed: Workflow,
) -> None:
    claimed.sign_in_with_provider("pat@example.gov", True, "Pat", ["mentorflow:admin"])
    claimed.request_password_reset("pat@example.gov")
    claimed.reset_password(mailed_token(claimed, "pat@example.gov", "/reset/"), PASSWORD)
    with pytest.raises(SignInRefused, match="agency's sign-in"):
        claimed.sign_in("pat@example.gov", PASSWORD)
    # Once the provider no longer grants any, the password signs in (as a participant).
    claimed.sign_in_with_provider("pat@example.gov", True, "Pat", [])
    assert not claimed.sign_in("pat@example.gov", PASSWORD).is_admin


INJECTED = "Carl\r\nBcc: x@evil.example"
CLEANED = "Carl Bcc: x@evil.example"


def stored_name(workflow: Workflow, email: str) -> str:
    with workflow.db.session() as session:
        name = session.scalars(select(Person.name).where(Person.email == email)).one()
    return name


def test_a_typed_name_with_control_characters_is_refused_and_others_are_cleaned(
    workflow: Workflow,
) -> None:
    """A name someone types is refused in words; one nobody here typed (an import, the
    identity provider) is kept without them: none can break a mail header (finding 2)."""
    refusal = {"name": "Use letters, not line breaks or other control characters."}
    with pytest.raises(InvalidAnswers) as refused:
        workflow.register("carl@example.gov", INJECTED, PASSWORD)
    assert refused.value.errors == refusal
    with pytest.raises(InvalidAnswers) as refused:
        workflow.grant_staff(SYSTEM_ACTOR, "inv@example.gov", INJECTED, GENERAL)
    assert refused.value.errors == refusal
    workflow.grant_staff(SYSTEM_ACTOR, "inv@example.gov", "Ivy", GENERAL)
    with pytest.raises(InvalidAnswers) as refused:
        workflow.accept_invitation(
            mailed_token(workflow, "inv@example.gov", "/invite/"), "Ivy\x00\nInvited", PASSWORD
        )
    assert refused.value.errors == refusal

    csv_text = (
        "name,email,supervisor_email,years_of_service,interests,style\n"
        '"Imp\r\nBcc: x@evil.example",imp@example.gov,boss@example.gov,1,Leadership,hands_on\n'
    )
    workflow.import_applications("small-program", "mentee", csv_text, actor=SYSTEM_ACTOR)
    assert stored_name(workflow, "imp@example.gov") == "Imp Bcc: x@evil.example"
    workflow.sign_in_with_provider("sso@example.gov", True, INJECTED)
    assert stored_name(workflow, "sso@example.gov") == CLEANED


@pytest.mark.parametrize("name", ["\r\n", "\x00\t", "  \x85 "])
def test_a_name_of_control_characters_only_is_refused(workflow: Workflow, name: str) -> None:
    with pytest.raises(InvalidAnswers) as refused:
        workflow.register("carl@example.gov", name, PASSWORD)
    assert refused.value.errors["name"] in (
        "Enter your name.",
        "Use letters, not line breaks or other control characters.",
    )
