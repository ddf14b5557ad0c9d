"""A definition's report on a form filled only as a transition's `ask` form counts the
answers given with the step (stored on the event, not as a submission): never a
silent "answered 0".

The plan (small program plus `on_hold`, reached by `hold` which asks a reason, left by
`resume`; and `ended`, an ended_early final state reached by `end_early`, which asks
why):

- mentees M1..M5 apply, are screened and matched; contracts signed; all start.
- M1 is put on hold twice (family, then workload), M2 once (workload).
- M3, M4 and M5 end early: M3 and M4 moved away, M5 workload.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from mentorflow import engine
from mentorflow.engine.figures.reports import Report, csv_rows, program_reports
from mentorflow.engine.records.database import Database
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import SMALL, Clock, People
from tests.support import unique

PROGRAM = "small-program"
STATES = """      on_hold: {label: On hold}
      ended: {label: Ended early, final: true, outcome: ended_early}
    transitions:
      - {id: hold, label: Put on hold, from: active, to: on_hold, by: [coordinator], ask: hold_reason}
      - {id: resume, label: Resume, from: on_hold, to: active, by: [coordinator]}
      - {id: end_early, label: End early, from: [active, on_hold], to: ended, by: [coordinator], ask: ending}
"""
FORMS = """  hold_reason:
    title: Hold
    filled_by: coordinator
    sections:
      - fields:
          - {id: why, label: Why on hold?, type: choice, choices: [{value: family, label: Family}, {value: workload, label: Workload}]}
  ending:
    title: Premature closure
    filled_by: coordinator
    sections:
      - fields:
          - {id: reason, label: Why did it end?, type: choice, choices: [{value: moved, label: Moved away}, {value: workload, label: Workload}]}
          - {id: months, label: Months together, type: number}
  evaluation:
"""
REPORTS = """  - {id: holds, title: Why relationships were put on hold, form: hold_reason, field: why}
  - {id: endings, title: Why relationships ended early, form: ending, field: reason}
  - {id: months, title: Months before the end, form: ending, field: months, chart: table}
"""


def variant_text(min_group: int) -> str:
    text = SMALL.read_text()
    text = text.replace(
        "  relationship_months:", f"  report_min_group: {min_group}\n  relationship_months:", 1
    )
    text = text.replace("  evaluation:\n", FORMS, 1)
    text = text.replace(
        "      declined: {label: Not accepted, final: true, outcome: not_started}\n    transitions:\n",
        "      declined: {label: Not accepted, final: true, outcome: not_started}\n" + STATES,
        1,
    )
    return text + REPORTS


def variant(min_group: int) -> engine.Program:
    return engine.load_text(variant_text(min_group), "variant.yaml")


def seed(db: Database, clock: Clock, people: People, program: engine.Program) -> Actor:
    """The plan of the module docstring; returns the coordinator."""
    wf = Workflow({PROGRAM: program}, db, clock=clock)
    coord = people.person(unique("coord"), "Cora", coordinates=PROGRAM)
    mentor = people.person(unique("r"), "Mentor")
    mentor_id = wf.apply(
        PROGRAM,
        "mentor",
        mentor,
        {"name": "Mentor", "expertise": ["Leadership"], "max_mentees": "3"},
    ).id
    wf.take(mentor_id, "accept", coord)
    ids: dict[int, str] = {}
    for i in range(1, 6):
        who = people.person(unique(f"m{i}"), f"Mentee {i}")
        answers = {
            "name": f"Mentee {i}",
            "email": who.email,
            "supervisor_email": unique(f"boss{i}"),
            "years_of_service": "1.5",
            "interests": ["Leadership"],
        }
        ids[i] = wf.apply(PROGRAM, "mentee", who, answers).id
        wf.take(ids[i], "screen", coord, {"notes": "Fine."})
        if i == 4:  # capacity 3: a second mentor for the others
            mentor = people.person(unique("r2"), "Mentor 2")
            mentor_id = wf.apply(
                PROGRAM,
                "mentor",
                mentor,
                {"name": "Mentor 2", "expertise": ["Leadership"], "max_mentees": "3"},
            ).id
            wf.take(mentor_id, "accept", coord)
        wf.match(ids[i], mentor_id, coord)
        wf.submit(ids[i], "learning_contract", who, {"goals": [{"goal": "Lead"}]})
        wf.sign(ids[i], "learning_contract", who)
        wf.sign(ids[i], "learning_contract", mentor)
        wf.sign(ids[i], "learning_contract", coord, on_behalf_of="supervisor")
        wf.take(ids[i], "start", coord)
    for i, why in ((1, "family"), (1, "workload"), (2, "workload")):
        wf.take(ids[i], "hold", coord, {"why": why})
        wf.take(ids[i], "resume", coord)
    for i, reason, months in ((3, "moved", "2"), (4, "moved", "4"), (5, "workload", "3")):
        wf.take(ids[i], "end_early", coord, {"reason": reason, "months": months})
    return coord


def figures(report: Report) -> dict[tuple[str, str], Any]:
    return {(row.item, row.measure): row.value for row in report.rows}


@pytest.fixture
def seeded(db: Database, clock: Clock, people: People) -> engine.Program:
    clock.now = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    program = variant(1)
    seed(db, clock, people, program)
    return program


def built(db: Database, program: engine.Program) -> dict[str, Report]:
    with db.session() as session:
        return {r.id: r for r in program_reports(session, program)}


def test_answers_of_an_ask_form_are_counted(db: Database, seeded: engine.Program) -> None:
    found = built(db, seeded)
    endings = found["endings"]
    assert figures(endings) == {
        ("Moved away", "people"): 2,
        ("Workload", "people"): 1,
        ("answered", "people"): 3,
    }
    assert endings.form_title == "Premature closure"
    assert endings.responses is not None and endings.responses.value == 3
    months = figures(found["months"])
    assert months[("answered", "people")] == 3
    assert months[("Months together", "mean")] == 3
    assert months[("Months together", "min")] == 2
    assert months[("Months together", "max")] == 4


def test_a_step_taken_more_than_once_counts_entries(db: Database, seeded: engine.Program) -> None:
    """`hold` can be taken again after `resume`: each time is an entry, as a repeatable
    form's fillings are (M1 twice, M2 once)."""
    holds = built(db, seeded)["holds"]
    assert holds.chart_measure == "entries"
    assert figures(holds) == {
        ("Family", "entries"): 1,
        ("Workload", "entries"): 2,
        ("answered", "entries"): 3,
    }
    assert holds.responses is not None and holds.responses.value == 3


def test_small_groups_are_suppressed_as_for_submissions(
    db: Database, clock: Clock, people: People
) -> None:
    clock.now = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    program = variant(3)
    seed(db, clock, people, program)
    endings = figures(built(db, program)["endings"])
    # Workload 1 is hidden, and so Moved away 2 (3 - 1 would tell); 3 answered is shown.
    assert endings == {
        ("Moved away", "people"): None,
        ("Workload", "people"): None,
        ("answered", "people"): 3,
    }
    # M1 and M2 are two people: every hold figure is drawn from fewer than 3.
    holds = figures(built(db, program)["holds"])
    assert holds[("answered", "entries")] is None


def test_the_export_holds_the_ask_form_figures(db: Database, seeded: engine.Program) -> None:
    with db.session() as session:
        rows = list(csv_rows(program_reports(session, seeded)))
    assert ("endings", "Moved away", "people", Decimal("2")) in rows
    assert ("endings", "answered", "people", Decimal("3")) in rows
    assert ("holds", "Workload", "entries", Decimal("2")) in rows


def test_a_report_on_a_form_only_automatic_steps_ask_is_refused_at_its_line() -> None:
    """Nobody answers the ask form of a step the engine takes by itself: a report on it
    could only say zero, so the definition does not load (never a silent zero)."""
    text = variant_text(1).replace(
        "        requires: {when: {field: mentee_application.years_of_service, lt: 1}}\n",
        "        requires: {when: {field: mentee_application.years_of_service, lt: 1}}\n"
        "        ask: hold_reason\n",
        1,
    )
    # The hold step asks the closure form instead: only the automatic step asks hold_reason.
    text = text.replace("ask: hold_reason}", "ask: ending}", 1)
    with pytest.raises(engine.DefinitionError) as caught:
        engine.load_text(text, "variant.yaml")
    line = text.splitlines().index(
        "  - {id: holds, title: Why relationships were put on hold, form: hold_reason, field: why}"
    )
    problems = [str(p) for p in caught.value.problems]
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"variant.yaml:{line + 1}:"), problems
    assert "reports[1].form: nobody ever fills in 'hold_reason'" in problems[0]
    assert "always count 0" in problems[0]
    # Taken by hand as well as automatically: countable, so it loads.
    engine.load_text(
        text.replace(
            "        ask: hold_reason\n", "        by: [coordinator]\n        ask: hold_reason\n"
        ),
        "variant.yaml",
    )
