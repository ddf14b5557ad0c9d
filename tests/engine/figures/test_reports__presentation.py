"""What the reports page is built from besides the figures: the headline figures, which
rows are totals, the responses to each reported form, and the notes that explain a
funnel step imported people skipped. On the plan of test_reports.py."""

from __future__ import annotations

import datetime as dt

import pytest

from mentorflow.engine.figures.reports import Filters, Report, program_reports
from mentorflow.engine.figures.summary import headlines
from mentorflow.engine.records.database import Database
from mentorflow.engine.rules.access import SYSTEM_ACTOR
from tests.conftest import Clock, People
from tests.engine.figures.test_reports import PROGRAM, START, Seeded, seed, variant
from tests.support import unique


@pytest.fixture
def seeded(db: Database, clock: Clock, people: People) -> Seeded:
    return seed(db, clock, people, variant(3))


def reports_of(db: Database, seeded: Seeded) -> list[Report]:
    with db.session() as session:
        return program_reports(session, seeded.program)


def import_mentees(seeded: Seeded, clock: Clock, count: int, state: str) -> None:
    clock.now = dt.datetime.combine(START, dt.time(9), tzinfo=dt.UTC) + dt.timedelta(days=50)
    lines = ["name,email,supervisor_email,years_of_service,interests,style"]
    for i in range(count):
        lines.append(f"Imported {i},{unique('imp')},{unique('boss')},1.5,Leadership,hands_on")
    seeded.workflow.import_applications(
        PROGRAM, "mentee", "\n".join(lines) + "\n", state=state, actor=SYSTEM_ACTOR
    )


def test_headline_figures_come_from_the_reports_as_suppressed_there(
    db: Database, seeded: Seeded
) -> None:
    found = {h.label: h.shown for h in headlines(seeded.program, reports_of(db, seeded))}
    assert found == {
        "Mentee enrollments": "12",
        "Mentor enrollments": "3",
        # 5 of 7 matched, but the 2 not matched are too few: both hidden, here too.
        "Mentees matched": "fewer than 3",
        "Active now": "0",  # the last step before the main path's end
        "Completed": "3",
        "Ended early": "fewer than 3",
        "Responses: Evaluation": "3",
        "Entries: Check-in": "4",
        "Responses: Mentee Application": "12",
    }


def test_headlines_of_a_role_filtered_out_are_left_out(db: Database, seeded: Seeded) -> None:
    with db.session() as session:
        reports = program_reports(session, seeded.program, Filters(role="mentor"))
    labels = [h.label for h in headlines(seeded.program, reports)]
    assert "Mentor enrollments" in labels and "Mentee enrollments" not in labels


def test_totals_are_marked_as_totals_and_nothing_else_is(db: Database, seeded: Seeded) -> None:
    totals = {(r.id, row.item) for r in reports_of(db, seeded) for row in r.rows if row.total}
    assert totals == {
        ("enrollments_by_state", "Mentee: all"),
        ("enrollments_by_state", "Mentor: all"),
        ("matching", "Mentees who waited for a match"),
        ("outcomes", "Reached a final state"),
        ("outcomes", "Reason (Why did it end?): answered"),
        ("usefulness", "answered"),
        ("obstacle", "answered"),
        ("years", "answered"),
    }


def test_a_funnel_without_imports_has_no_note(db: Database, seeded: Seeded) -> None:
    funnel = {r.id: r for r in reports_of(db, seeded)}["funnel"]
    assert funnel.notes == ()


@pytest.mark.parametrize(
    ("count", "who"),
    [(4, "4 people were"), (2, "Fewer than 3 people were")],
)
def test_a_step_skipped_by_an_import_is_explained(
    db: Database, seeded: Seeded, clock: Clock, count: int, who: str
) -> None:
    import_mentees(seeded, clock, count, "matched")
    funnel = {r.id: r for r in reports_of(db, seeded)}["funnel"]
    assert funnel.notes == (
        f"{who} imported straight into “Matched”, so they skipped “Screened”: "
        "that step counts only the people who went through it.",
    )
    steps = {row.item: row.value for row in funnel.rows}
    assert steps["Applied"] == 12 + count  # the import is an application too


def test_an_import_into_the_next_step_skips_nothing(
    db: Database, seeded: Seeded, clock: Clock
) -> None:
    import_mentees(seeded, clock, 4, "screened")
    funnel = {r.id: r for r in reports_of(db, seeded)}["funnel"]
    assert funnel.notes == ()
