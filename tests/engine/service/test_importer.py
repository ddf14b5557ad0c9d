"""Importing applications from CSV: every bad row reported at its line, all or nothing,
and the records of an import the same as those of an application made in the engine."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from mentorflow import engine
from mentorflow.engine.errors import Forbidden, ImportFailed, NotFound
from mentorflow.engine.records.database import Database
from mentorflow.engine.records.store import Enrollment, Event, OutboxMessage, Person, Submission
from mentorflow.engine.rules.access import SYSTEM_ACTOR, Actor
from mentorflow.engine.service import applications
from mentorflow.engine.service.importer import ImportResult
from mentorflow.engine.service.people import get_or_create_person
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import SMALL, Clock, People

# small.yaml's mentee application, with a field of every kind a spreadsheet carries.
EXTRA_FIELDS = """\
          - {id: started_on, label: Start date, type: date, max: today}
          - {id: remote, label: Works remotely, type: boolean}
          - {id: agree, label: I agree, type: consent, text: I agree to the terms.}
          - {id: cv, label: CV, type: file}
          - id: referees
            label: Referees
            type: group
            fields: [{id: who, label: Who, type: text}]
"""
ANCHOR = "show_if: {field: interests, contains: Writing}}\n"
# ... and a state that tells everyone, for the records of a placed import.
SCREENED = "screened: {label: Screened}"
SCREENED_NOTIFYING = "screened: {label: Screened, notify: [mentee, supervisor, admin, coordinator]}"
HEADER = "name,email,supervisor_email,years_of_service,interests,style,started_on,remote,agree"


@pytest.fixture(scope="module")
def program() -> engine.Program:
    text = SMALL.read_text()
    assert ANCHOR in text and SCREENED in text
    text = text.replace(ANCHOR, ANCHOR + EXTRA_FIELDS).replace(SCREENED, SCREENED_NOTIFYING)
    return engine.load_text(text, "import.yaml")


@pytest.fixture
def wf(program: engine.Program, db: Database, clock: Clock) -> Workflow:
    return Workflow({program.id: program}, db, clock=clock)


@pytest.fixture
def coordinator(people: People) -> Actor:
    return people.person("coord@example.gov", "Cora", coordinates="small-program")


def row(
    email: str = "ann@example.gov",
    *,
    name: str = "Ann Lee",
    supervisor: str = "boss@example.gov",
    years: str = "1",
    interests: str = "Leadership;Budgeting",
    style: str = "Hands-on",
    started: str = "2025-09-01",
    remote: str = "yes",
    agree: str = "1",
) -> str:
    cells = [name, email, supervisor, years, interests, style, started, remote, agree]
    return ",".join(cells)


def csv_of(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def run(wf: Workflow, text: str, **kwargs: Any) -> ImportResult:
    kwargs.setdefault("actor", SYSTEM_ACTOR)
    return wf.import_applications("small-program", "mentee", text, **kwargs)


def counts(db: Database) -> tuple[int, int, int, int]:
    with db.session() as session:
        return (
            session.scalar(select(func.count()).select_from(Person)) or 0,
            session.scalar(select(func.count()).select_from(Enrollment)) or 0,
            session.scalar(select(func.count()).select_from(Submission)) or 0,
            session.scalar(select(func.count()).select_from(Event)) or 0,
        )


def failure(wf: Workflow, text: str, **kwargs: Any) -> list[tuple[int, str]]:
    before = counts(wf.db)
    with pytest.raises(ImportFailed) as caught:
        run(wf, text, **kwargs)
    assert counts(wf.db) == before, "a refused import wrote something"
    return list(caught.value.rows)


# ---------------------------------------------------------------- good files


def test_answers_of_every_kind_are_read_from_csv_cells(wf: Workflow, coordinator: Actor) -> None:
    text = csv_of(
        row("Ann@Example.gov", interests="leadership; Writing", remote="yes", agree="true"),
        row("bo@example.gov", name="Bo", remote="0", agree="YES", started="", style=""),
        row("cy@example.gov", name="Cy", remote="False", agree="1", interests="Budgeting"),
    )
    result = run(wf, text)
    assert result.imported == 3 and result.new_people == 3 and result.state == "applied"
    with wf.db.session() as session:
        answers = {
            s.answers["email"]: s.answers
            for s in session.scalars(
                select(Submission).where(Submission.form_id == "mentee_application")
            )
        }
        assert answers["ann@example.gov"] == {
            "name": "Ann Lee",
            "email": "ann@example.gov",
            "supervisor_email": "boss@example.gov",
            "years_of_service": 1,
            "interests": ["Leadership", "Writing"],
            "style": "hands_on",
            "started_on": "2025-09-01",
            "remote": True,
            "agree": True,
        }
        assert answers["bo@example.gov"]["remote"] is False
        assert (
            "started_on" not in answers["bo@example.gov"]
            and "style" not in answers["bo@example.gov"]
        )
        assert answers["cy@example.gov"]["interests"] == ["Budgeting"]
        people = {p.email: p for p in session.scalars(select(Person))}
        assert people["ann@example.gov"].name == "Ann Lee"
        assert people["ann@example.gov"].password_hash is None  # an account comes by registering
        enrollments = session.scalars(select(Enrollment)).all()
        assert {e.state for e in enrollments} == {"applied"}
        assert {e.supervisor_email for e in enrollments} == {"boss@example.gov"}
        kinds = session.scalars(select(Event.kind)).all()
        assert sorted(kinds) == ["apply", "apply", "apply"]
        mail = session.scalars(select(OutboxMessage)).all()
        assert sorted(m.to_email for m in mail) == ["coord@example.gov"] * 3
        assert {m.reason for m in mail} == {"state:applied"}
        assert "[Small Program] Ann Lee is now Applied" in {m.subject for m in mail}


def test_a_quoted_cell_with_line_breaks_and_a_byte_order_mark(wf: Workflow) -> None:
    text = "\ufeff" + csv_of('"Ann\nLee",ann@example.gov,,1,Writing,,,no,yes')
    run(wf, text)
    with wf.db.session() as session:
        person = session.scalars(select(Person)).one()
        assert person.name == "Ann Lee"  # a one-line text field: line breaks become spaces


def test_the_file_may_be_a_file_object(wf: Workflow, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(csv_of(row(), row("bo@example.gov")), newline="")
    with path.open(newline="") as f:
        assert run(wf, f).imported == 2


def test_an_existing_person_is_reused(wf: Workflow, people: People) -> None:
    known = people.person("ann@example.gov", "Ann Known")
    result = run(wf, csv_of(row("ANN@example.gov"), row("bo@example.gov")))
    assert result.new_people == 1
    with wf.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Person)) == 2
        mine = session.scalars(select(Enrollment).where(Enrollment.person_id == known.person_id))
        assert len(mine.all()) == 1
        assert session.get(Person, known.person_id).name == "Ann Known"


def test_an_existing_person_without_a_name_gets_the_one_in_the_file(
    wf: Workflow, db: Database
) -> None:
    with db.session() as session, session.begin():
        session.add(Person(id="p1", email="ann@example.gov"))
    run(wf, csv_of(row()))
    with db.session() as session:
        assert session.get(Person, "p1").name == "Ann Lee"


def test_a_person_whose_enrollment_ended_may_be_imported_again(
    wf: Workflow, people: People, coordinator: Actor
) -> None:
    ann = people.person("ann@example.gov")
    first = wf.apply("small-program", "mentee", ann, _answers("ann@example.gov"))
    wf.take(first.id, "decline", coordinator)
    assert run(wf, csv_of(row())).imported == 1


def test_many_rows_are_looked_up_in_chunks(
    wf: Workflow, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(applications, "CHUNK", 3)
    people.person("p4@example.gov", "P Four")
    seen: list[int] = []
    text = csv_of(*(row(f"p{i}@example.gov", name=f"P {i}") for i in range(250)))
    result = run(wf, text, progress=seen.append)
    assert result.imported == 250 and result.new_people == 249
    assert seen == [100, 200, 250]
    with wf.db.session() as session:
        assert session.scalar(select(func.count()).select_from(Enrollment)) == 250


# ---------------------------------------------------------------- the same records as applying


def _answers(email: str, years: int = 1) -> dict[str, Any]:
    return {
        "name": "Ann Lee",
        "email": email,
        "supervisor_email": "boss@example.gov",
        "years_of_service": str(years),
        "interests": "Leadership;Budgeting",
        "style": "Hands-on",
        "started_on": "2025-09-01",
        "remote": "yes",
        "agree": "1",
    }


def _records_of(session: Any, enrollment_id: str, email: str) -> dict[str, Any]:
    e = session.get(Enrollment, enrollment_id)
    events = session.scalars(
        select(Event).where(Event.enrollment_id == enrollment_id).order_by(Event.id)
    ).all()
    mail = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.enrollment_id == enrollment_id)
        .order_by(OutboxMessage.id)
    ).all()
    submission = session.scalars(
        select(Submission).where(Submission.enrollment_id == enrollment_id)
    ).one()
    person = session.get(Person, e.person_id)

    def mine(text: str | None) -> str | None:
        if text is None:
            return None
        # Mail links to the enrollment's page: its id differs, the words must not.
        return text.replace(email, "<me>").replace(person.name, "<name>").replace(e.id, "<id>")

    return {
        "enrollment": (
            e.state,
            e.is_final,
            e.state_since,
            e.revision,
            e.version,
            e.supervisor_email,
            e.capacity,
            e.pairing_id,
            e.created_at,
        ),
        "answers": {k: mine(v) if isinstance(v, str) else v for k, v in submission.answers.items()},
        "submission": (
            submission.form_id,
            submission.author_id == e.person_id,
            submission.revision,
        ),
        "events": [
            (ev.kind, ev.transition, ev.from_state, ev.to_state, ev.actor_id, ev.actor_role, ev.at)
            for ev in events
        ],
        "mail": [(mine(m.to_email), mine(m.subject), mine(m.body), m.reason) for m in mail],
    }


@pytest.mark.parametrize(
    ("state", "years"),
    [(None, 1), ("screened", 1), ("active", 1), ("declined", 1), (None, 0)],
    ids=["initial", "placed", "placed-far", "placed-final", "auto-transition"],
)
def test_an_import_writes_what_applying_in_the_engine_writes(
    wf: Workflow, people: People, coordinator: Actor, state: str | None, years: int
) -> None:
    program = wf.program("small-program")
    with wf.transaction() as session:
        ann = get_or_create_person(session, "ann@example.gov", "Ann Lee")
        applied = wf._enroll(
            session,
            program,
            "mentee",
            ann,
            _answers("ann@example.gov", years),
            SYSTEM_ACTOR,
            state=state,
        ).id
    text = csv_of(row("bo@example.gov", name="Bo Ray", years=str(years)))
    result = run(wf, text, state=state)
    with wf.db.session() as session:
        expected = _records_of(session, applied, "ann@example.gov")
        got = _records_of(session, result.enrollment_ids[0], "bo@example.gov")
    assert got == expected
    if years == 0:
        assert [e[1] for e in got["events"]] == [None, "fast_track"]


# ---------------------------------------------------------------- bad files

MULTILINE = 'Ann,ann@example.gov,,1,Writing,"Hands-on",,"no, not\nreally\nremote",yes'

BAD_ROWS = [
    pytest.param(
        [row(email="ann@"), row("bo@example.gov")],
        [(2, "email: Enter an e-mail address such as name@example.gov")],
        id="bad-email",
    ),
    pytest.param(
        [row(), '"Bo\nRay\nJr",bo@example.gov,,1,Writing,,,,1', row("cy@example.gov", years="x")],
        [(6, "years_of_service: Enter a number")],
        id="after-a-multiline-cell",
    ),
    pytest.param(
        [MULTILINE, row("cy@example.gov", years="9")],
        [(2, "remote: Answer yes or no"), (5, "Employees in their first two years of service.")],
        id="a-bad-multiline-row-and-eligibility",
    ),
    pytest.param(
        [row(), "", row("bo@example.gov", interests="Juggling")],
        [(4, "interests: 'Juggling' is not one of the choices (Leadership, Budgeting, Writing)")],
        id="after-a-blank-line",
    ),
    pytest.param(
        [row(email="")],
        [(2, "email: This answer is required")],
        id="no-email",
    ),
    pytest.param(
        [row(), row("bo@example.gov"), row("ANN@example.gov ")],
        [(4, "ann@example.gov is also on line 2")],
        id="duplicate-in-file",
    ),
    pytest.param(
        [row(), row("bo@example.gov") + ",extra"],
        [(3, "This row has 10 cells; the header names 9 columns.")],
        id="too-many-cells",
    ),
    pytest.param(
        [row(supervisor="ann@example.gov")],
        [(2, "supervisor_email: Give your supervisor's e-mail address, not your own")],
        id="own-supervisor",
    ),
    pytest.param(
        [
            row(started="2025-13-01"),
            row("bo@example.gov", started="2999-01-01"),
            row("cy@example.gov", agree="no"),
        ],
        [
            (2, "started_on: Enter a date as YYYY-MM-DD"),
            (3, "started_on: Enter a date on or before today (2026-03-02)"),
            (4, "agree: Tick this box to agree"),
        ],
        id="dates-and-consent",
    ),
    pytest.param(
        [row(), 'Bo,bo@example.gov,,1,Writing,"Hands-on,,,1'],
        [(3, "This line cannot be read as CSV")],
        id="unclosed-quote",
    ),
]


@pytest.mark.parametrize(("rows", "expected"), BAD_ROWS)
def test_every_bad_row_is_reported_at_the_line_it_starts_on(
    wf: Workflow, rows: list[str], expected: list[tuple[int, str]]
) -> None:
    found = failure(wf, csv_of(*rows))
    assert [line for line, _ in found] == [line for line, _ in expected], found
    for (_, message), (_, said) in zip(found, expected, strict=True):
        assert said in message, message


def test_the_message_counts_the_bad_rows(wf: Workflow) -> None:
    with pytest.raises(ImportFailed) as caught:
        run(wf, csv_of(row(email="x"), row("b@example.gov"), row(email="y"), row(email="z")))
    assert str(caught.value) == "3 rows have problems; nothing was imported."


def test_a_person_with_an_open_enrollment_is_a_bad_row(wf: Workflow, people: People) -> None:
    ann = people.person("ann@example.gov")
    wf.apply("small-program", "mentee", ann, _answers("ann@example.gov"))
    found = failure(wf, csv_of(row("bo@example.gov"), row("Ann@Example.gov")))
    assert found == [(3, "ann@example.gov already has an open mentee enrollment in Small Program.")]


@pytest.mark.parametrize(
    ("header", "said"),
    [
        (HEADER + ",nmae", "Not a field of the Mentee Application: nmae (did you mean 'name'?)"),
        (HEADER + ",referees", "'referees' is a group of entries, which cannot be imported"),
        (HEADER + ",email", "The column 'email' appears twice."),
        (HEADER + ",", "Column 10 has no name"),
    ],
    ids=["unknown", "group", "twice", "unnamed"],
)
def test_a_bad_header_is_reported_on_line_1(wf: Workflow, header: str, said: str) -> None:
    found = failure(wf, header + "\n" + row() + "\n")
    assert [line for line, _ in found] == [1]
    assert said in found[0][1]


def test_an_empty_file_is_refused(wf: Workflow) -> None:
    assert failure(wf, "\n\n")[0][0] == 1


def test_an_unknown_state_is_refused_before_anything_is_read(wf: Workflow) -> None:
    class Unreadable(io.StringIO):
        def __iter__(self) -> Any:
            raise AssertionError("the file was read")

    with pytest.raises(NotFound, match="no state 'screend' in the mentee lifecycle.*'screened'"):
        run(wf, Unreadable(), state="screend")
    with pytest.raises(NotFound, match="has no role"):
        wf.import_applications("small-program", "supervisor", Unreadable(), actor=SYSTEM_ACTOR)


def test_only_staff_may_import(wf: Workflow, people: People, coordinator: Actor) -> None:
    ann = people.person("ann@example.gov")
    with pytest.raises(Forbidden):
        run(wf, csv_of(row("bo@example.gov")), actor=ann)
    assert run(wf, csv_of(row("bo@example.gov")), actor=coordinator).imported == 1
    with wf.db.session() as session:
        event = session.scalars(select(Event)).one()
        assert (event.actor_id, event.actor_role) == (coordinator.person_id, "coordinator")


def test_state_is_recorded_as_an_import_event(wf: Workflow) -> None:
    result = run(wf, csv_of(row(), row("bo@example.gov")), state="screened")
    assert result.state == "screened"
    with wf.db.session() as session:
        assert set(session.scalars(select(Enrollment.state))) == {"screened"}
        events = session.scalars(select(Event).order_by(Event.id)).all()
        assert [(e.kind, e.from_state, e.to_state) for e in events] == [
            ("apply", None, "applied"),
            ("apply", None, "applied"),
            ("import", "applied", "screened"),
            ("import", "applied", "screened"),
        ]
