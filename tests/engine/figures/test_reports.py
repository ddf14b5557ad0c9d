"""Reports on a seeded program whose figures the test works out from its own plan.

The plan (small program plus an `ended` state with outcome ended_early, reached by
`end_early`, which asks for a reason; clock days from 2026-03-02, cohort 2026-Q1):

- day 0: mentees M1..M8 and mentors R1..R3 apply.
- day 1: M6 is declined.      day 2: M1-M5, M7, M8 screened; R1-R3 accepted.
- day 5: M1-M5 matched.       day 6: contracts signed, M1-M5 start.
- day 10: M4, M5 end early (reason: workload).
- day 20: check-ins: M1, M2, M3 without obstacle; day 21: M1 again, with an obstacle.
- day 36: M1-M3 closed.       day 37: evaluations: M1, M2 Very useful, M3 Useful.
- day 100 (2026-06-10, cohort 2026-Q2): M9..M12 apply.    day 101: M12 declined.

Years of service: odd mentees 1, even ones 1.5.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from mentorflow import engine
from mentorflow.engine.figures.reports import (
    Filters,
    Report,
    cohort_dates,
    cohort_of,
    csv_rows,
    program_reports,
)
from mentorflow.engine.records.database import Database
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import SMALL, Clock, People
from tests.support import unique

PROGRAM = "small-program"
START = dt.date(2026, 3, 2)
ENDED = """      ended: {label: Ended early, final: true, outcome: ended_early}
    transitions:
      - {id: end_early, label: End early, from: [matched, active], to: ended, by: [coordinator], ask: ending}
"""
ENDING_FORM = """  ending:
    title: Ending
    filled_by: coordinator
    sections:
      - fields:
          - id: reason
            label: Why did it end?
            type: choice
            choices: [{value: moved, label: Moved away}, {value: workload, label: Workload}, {value: mismatch, label: Not a good match}]
  evaluation:
"""
MORE_REPORTS = """  - {id: obstacle, title: Obstacles, form: check_in, field: obstacle, chart: table}
  - {id: years, title: Years of service, form: mentee_application, field: years_of_service}
"""


def variant(min_group: int) -> engine.Program:
    text = SMALL.read_text()
    text = text.replace(
        "  relationship_months:", f"  report_min_group: {min_group}\n  relationship_months:", 1
    )
    text = text.replace("  evaluation:\n", ENDING_FORM, 1)
    text = text.replace(
        "      declined: {label: Not accepted, final: true, outcome: not_started}\n    transitions:\n",
        "      declined: {label: Not accepted, final: true, outcome: not_started}\n" + ENDED,
        1,
    )
    text += MORE_REPORTS
    program = engine.load_text(text, "variant.yaml")
    assert program.info.report_min_group == min_group
    return program


@dataclass
class Seeded:
    workflow: Workflow
    program: engine.Program
    mentees: dict[int, str]


def seed(db: Database, clock: Clock, people: People, program: engine.Program) -> Seeded:
    wf = Workflow({PROGRAM: program}, db, clock=clock)
    coord = people.person(unique("coord"), "Cora", coordinates=PROGRAM)
    actors: dict[int, Actor] = {}
    ids: dict[int, str] = {}

    def apply(i: int) -> None:
        who = people.person(unique(f"m{i}"), f"Mentee {i}")
        actors[i] = who
        answers = {
            "name": f"Mentee {i}",
            "email": who.email,
            "supervisor_email": unique(f"boss{i}"),
            "years_of_service": "1" if i % 2 else "1.5",
            "interests": ["Leadership"],
            "style": "hands_on",
        }
        ids[i] = wf.apply(PROGRAM, "mentee", who, answers).id

    def at(day: int) -> None:
        clock.now = dt.datetime.combine(START, dt.time(9), tzinfo=dt.UTC) + dt.timedelta(days=day)

    at(0)
    for i in range(1, 9):
        apply(i)
    mentors = []
    for j, capacity in ((1, 3), (2, 2), (3, 1)):
        who = people.person(unique(f"r{j}"), f"Mentor {j}")
        answers = {
            "name": f"Mentor {j}",
            "expertise": ["Leadership"],
            "style": "hands_on",
            "years_of_service": "12",
            "max_mentees": str(capacity),
        }
        mentors.append((who, wf.apply(PROGRAM, "mentor", who, answers).id))
    at(1)
    wf.take(ids[6], "decline", coord)
    at(2)
    for i in (1, 2, 3, 4, 5, 7, 8):
        wf.take(ids[i], "screen", coord, {"notes": "Fine."})
    for _, mentor_id in mentors:
        wf.take(mentor_id, "accept", coord)
    at(5)
    pairs = {1: 0, 2: 0, 3: 0, 4: 1, 5: 1}
    for i, m in pairs.items():
        wf.match(ids[i], mentors[m][1], coord)
    at(6)
    for i, m in pairs.items():
        contract = {"goals": [{"goal": "Lead a meeting", "target": "2026-09-01"}]}
        wf.submit(ids[i], "learning_contract", actors[i], contract)
        wf.sign(ids[i], "learning_contract", actors[i])
        wf.sign(ids[i], "learning_contract", mentors[m][0])
        wf.sign(ids[i], "learning_contract", coord, on_behalf_of="supervisor")
        wf.take(ids[i], "start", coord)
    at(10)
    for i in (4, 5):
        wf.take(ids[i], "end_early", coord, {"reason": "workload"})
    at(20)
    for i in (1, 2, 3):
        wf.submit(ids[i], "check_in", actors[i], {"met_on": "2026-03-20", "obstacle": False})
    at(21)
    wf.submit(ids[1], "check_in", actors[1], {"met_on": "2026-03-21", "obstacle": True})
    at(36)
    for i in (1, 2, 3):
        wf.take(ids[i], "close", coord)
    at(37)
    for i, answer in ((1, "Very useful"), (2, "Very useful"), (3, "Useful")):
        wf.submit(ids[i], "evaluation", actors[i], {"usefulness": answer})
    at(100)
    for i in range(9, 13):
        apply(i)
    at(101)
    wf.take(ids[12], "decline", coord)
    return Seeded(wf, program, ids)


def figures(reports: list[Report]) -> dict[str, dict[tuple[str, str], Any]]:
    """report id -> (item, measure) -> value (None when suppressed)."""
    found: dict[str, dict[tuple[str, str], Any]] = {}
    for report in reports:
        rows = found.setdefault(report.id, {})
        for row in report.rows:
            assert (row.item, row.measure) not in rows, (report.id, row)
            assert row.suppressed == (row.value is None)
            rows[(row.item, row.measure)] = row.value
    return found


def run(db: Database, program: engine.Program, filters: Filters | None = None) -> dict:
    with db.session() as session:
        return figures(program_reports(session, program, filters))


# ---------------------------------------------------------------- the plan, worked out


def _states(counts: dict[str, int], labels: dict[str, str], role: str) -> dict:
    found = {(f"{role}: {labels[s]}", "people"): counts.get(s, 0) for s in labels}
    found[(f"{role}: all", "people")] = sum(counts.values())
    return found


MENTEE_STATES = {
    "applied": "Applied",
    "screened": "Screened",
    "matched": "Matched",
    "active": "Active",
    "closed": "Closed",
    "declined": "Not accepted",
    "ended": "Ended early",
}
MENTOR_STATES = {"applied": "Applied", "available": "Available", "withdrawn": "Withdrawn"}


def expected_raw() -> dict[str, dict[tuple[str, str], Any]]:
    """Every figure with nothing suppressed, from the plan in the docstring."""
    mentee_states = {"applied": 3, "screened": 2, "closed": 3, "declined": 2, "ended": 2}
    by_state = {
        **_states(mentee_states, MENTEE_STATES, "Mentee"),
        **_states({"available": 3}, MENTOR_STATES, "Mentor"),
    }
    funnel = {
        ("Applied", "people"): 12,
        ("Screened", "people"): 7,
        ("Matched", "people"): 5,
        ("Active", "people"): 5,
        ("Closed", "people"): 3,
    }
    applied_days = [2.0] * 7 + [1.0] * 2  # M1-5, M7, M8 two days; M6, M12 one
    active_days = [30.0] * 3 + [4.0] * 2
    spent = {
        "Mentee: Applied": applied_days,
        "Mentee: Screened": [3.0] * 5,
        "Mentee: Matched": [1.0] * 5,
        "Mentee: Active": active_days,
        "Mentor: Applied": [2.0] * 3,
    }
    time = {}
    for item in [
        f"Mentee: {label}"
        for s, label in MENTEE_STATES.items()
        if s in ("applied", "screened", "matched", "active")
    ] + [
        "Mentor: Applied",
        "Mentor: Available",
    ]:
        values = spent.get(item, [])
        time[(item, "median days")] = round(statistics.median(values), 1) if values else None
        time[(item, "mean days")] = round(statistics.fmean(values), 1) if values else None
    matching = {
        ("Mentees who waited for a match", "people"): 7,
        ("Matched", "people"): 5,
        ("Not matched", "people"): 2,
        ("Match rate", "percent"): round(100 * 5 / 7, 1),
        ("Time from application to first match", "median days"): 5,
    }
    outcomes = {
        ("Reached a final state", "people"): 7,
        ("Completed", "people"): 3,
        ("Ended early", "people"): 2,
        ("Not started", "people"): 2,
        ("Completed rate", "percent"): round(100 * 3 / 7, 1),
        ("Ended early rate", "percent"): round(100 * 2 / 7, 1),
        ("Not started rate", "percent"): round(100 * 2 / 7, 1),
        ("Reason (Why did it end?): Moved away", "people"): 0,
        ("Reason (Why did it end?): Workload", "people"): 2,
        ("Reason (Why did it end?): Not a good match", "people"): 0,
        ("Reason (Why did it end?): answered", "people"): 2,
    }
    usefulness = {
        ("Very useful", "people"): 2,
        ("Useful", "people"): 1,
        ("Not useful", "people"): 0,
        ("answered", "people"): 3,
    }
    obstacle = {("Yes", "entries"): 1, ("No", "entries"): 3, ("answered", "entries"): 4}
    years_values = [1.0 if i % 2 else 1.5 for i in range(1, 13)]
    years = {
        ("answered", "people"): 12,
        ("Years of service", "mean"): round(statistics.fmean(years_values), 1),
        ("Years of service", "min"): 1,
        ("Years of service", "max"): 1.5,
    }
    return {
        "enrollments_by_state": by_state,
        "funnel": funnel,
        "time_in_state": time,
        "matching": matching,
        "outcomes": outcomes,
        "usefulness": usefulness,
        "obstacle": obstacle,
        "years": years,
    }


def assert_figures(got: dict, expected: dict) -> None:
    assert set(got) == set(expected)
    for report, figures_ in expected.items():
        assert got[report] == figures_, report


def hide(expected: dict, report: str, *keys: tuple[str, str]) -> None:
    for key in keys:
        assert key in expected[report], key
        expected[report][key] = None


@pytest.fixture
def seeded_raw(db: Database, clock: Clock, people: People) -> Seeded:
    return seed(db, clock, people, variant(1))


@pytest.fixture
def seeded(db: Database, clock: Clock, people: People) -> Seeded:
    return seed(db, clock, people, variant(3))


def test_every_figure_with_nothing_suppressed(db: Database, seeded_raw: Seeded) -> None:
    expected = expected_raw()
    # With a minimum group of 1 only figures from nobody are left out.
    hide(expected, "time_in_state", ("Mentor: Available", "median days"))
    hide(expected, "time_in_state", ("Mentor: Available", "mean days"))
    assert_figures(run(db, seeded_raw.program), expected)


def test_groups_smaller_than_three_are_suppressed(db: Database, seeded: Seeded) -> None:
    expected = expected_raw()
    hide(
        expected,
        "enrollments_by_state",
        ("Mentee: Screened", "people"),  # 2
        ("Mentee: Not accepted", "people"),  # 2
        ("Mentee: Ended early", "people"),  # 2
    )
    # 3 people are enough: shown.
    assert expected["enrollments_by_state"][("Mentee: Closed", "people")] == 3
    hide(
        expected,
        "time_in_state",
        ("Mentor: Available", "median days"),
        ("Mentor: Available", "mean days"),
    )
    # Not matched (2) is hidden, so Matched goes too (else 7 - 5 tells), and the rate.
    hide(
        expected,
        "matching",
        ("Not matched", "people"),
        ("Matched", "people"),
        ("Match rate", "percent"),
    )
    hide(
        expected,
        "outcomes",
        ("Ended early", "people"),
        ("Not started", "people"),
        ("Ended early rate", "percent"),
        ("Not started rate", "percent"),
        ("Reason (Why did it end?): Workload", "people"),
        ("Reason (Why did it end?): answered", "people"),
    )
    hide(expected, "usefulness", ("Very useful", "people"), ("Useful", "people"))
    # One person reported an obstacle: hidden, and No with it (4 - 3 would tell).
    hide(expected, "obstacle", ("Yes", "entries"), ("No", "entries"))
    assert_figures(run(db, seeded.program), expected)


def test_export_rows_leave_suppressed_values_empty(db: Database, seeded: Seeded) -> None:
    with db.session() as session:
        rows = list(csv_rows(program_reports(session, seeded.program)))
    # values are numbers, so the CSV never marks a negative one as a formula
    assert rows[0] == ("report", "item", "measure", "value")
    assert ("usefulness", "Very useful", "people", "") in rows
    assert ("usefulness", "Not useful", "people", Decimal("0")) in rows
    assert ("usefulness", "answered", "people", Decimal("3")) in rows
    assert ("funnel", "Applied", "people", Decimal("12")) in rows
    assert ("matching", "Time from application to first match", "median days", Decimal("5")) in rows


def test_filters_by_cohort_and_dates(db: Database, seeded: Seeded) -> None:
    q2 = run(db, seeded.program, Filters(cohort="2026-Q2"))
    by_date = run(db, seeded.program, Filters(date_from=dt.date(2026, 6, 1)))
    assert q2 == by_date
    states = q2["enrollments_by_state"]
    # Applied 3, Not accepted 1: the 1 is hidden, and so the 3 (4 - 3 would tell).
    assert states[("Mentee: Applied", "people")] is None
    assert states[("Mentee: Not accepted", "people")] is None
    assert states[("Mentee: all", "people")] == 4
    assert states[("Mentor: all", "people")] == 0
    assert q2["funnel"][("Applied", "people")] == 4
    assert q2["funnel"][("Screened", "people")] == 0
    assert q2["years"][("answered", "people")] == 4
    assert q2["years"][("Years of service", "mean")] == 1.2  # (1 + 1.5 + 1 + 1.5) / 4 = 1.25

    q1 = run(db, seeded.program, Filters(date_to=START))
    assert q1 == run(db, seeded.program, Filters(cohort="2026-Q1"))
    assert q1["enrollments_by_state"][("Mentee: all", "people")] == 8
    assert q1["enrollments_by_state"][("Mentee: Applied", "people")] == 0
    assert q1["funnel"][("Applied", "people")] == 8
    assert q1["enrollments_by_state"][("Mentor: all", "people")] == 3
    mentees_only = run(db, seeded.program, Filters(cohort="2026-Q1", role="mentee"))
    assert not any(item.startswith("Mentor") for item, _ in mentees_only["enrollments_by_state"])
    # A window with nobody in it: zeros, and every average left out.
    empty = run(db, seeded.program, Filters(date_from=dt.date(2026, 4, 1), date_to=START))
    assert empty["funnel"] == {k: 0 for k in expected_raw()["funnel"]}


def test_cohorts() -> None:
    assert cohort_dates("2026-Q1") == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert cohort_dates("2026-Q4") == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert cohort_of(dt.date(2026, 6, 10)) == "2026-Q2"
    for bad in ("2026-Q5", "2026Q1", "Q1-2026", ""):
        with pytest.raises(ValueError, match="2026-Q1"):
            cohort_dates(bad)
