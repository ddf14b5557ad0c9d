"""Guards that look back past the current stay in a state: `fresh_forms` and `min_days_since`.

Issue 13: a second mid-point review reused the first review's "hold" decision, so
"Put on hold" was open the moment a held relationship resumed; and `min_days_in_state`
restarts after a hold, with no way to say "90 days since the relationship started".
`fresh_forms` needs an entry made since the enrollment last entered its state, and a
condition reading that form reads only such entries; `min_days_since` counts days from
the enrollment's first entry of a named state. The clock is set by hand.
"""

from __future__ import annotations

import datetime as dt

import pytest

from mentorflow import engine
from mentorflow.engine.errors import GuardsFailed
from mentorflow.engine.records.database import Database
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock, People
from tests.engine.reach_program import PROGRAM, REACH, Cast, active, reach_workflow, screened

NO_REVIEW = "“Mid-point review” has not been submitted since entering Active"
NOT_HOLD = "it requires that 'Decision' is 'hold'"


@pytest.fixture
def reach(programs: dict[str, engine.Program], db: Database, clock: Clock) -> Workflow:
    return reach_workflow(programs, db, clock)


def _reasons(workflow: Workflow, cast: Cast, transition_id: str) -> list[str]:
    page = workflow.transition_page(PROGRAM, cast.enrollment_id, transition_id, cast.coordinator)
    return list(page.reasons)


def _review(workflow: Workflow, cast: Cast, decision: str) -> None:
    workflow.submit(cast.enrollment_id, "mid_review", cast.coordinator, {"decision": decision})


def _held_and_resumed(reach: Workflow, people: People, clock: Clock) -> Cast:
    cast = active(reach, people)
    clock.advance(30)
    _review(reach, cast, "hold")
    assert _reasons(reach, cast, "hold") == []
    assert reach.take(cast.enrollment_id, "hold", cast.coordinator).state == "on_hold"
    clock.advance(10)
    assert reach.take(cast.enrollment_id, "resume", cast.coordinator).state == "active"
    return cast


def test_fresh_forms_needs_an_entry_since_entering_the_state(
    reach: Workflow, people: People, clock: Clock
) -> None:
    cast = active(reach, people)
    assert _reasons(reach, cast, "hold") == [NO_REVIEW, NOT_HOLD]


def test_a_resumed_relationship_does_not_reuse_the_last_review(
    reach: Workflow, people: People, clock: Clock
) -> None:
    cast = _held_and_resumed(reach, people, clock)
    # The review that put it on hold is still the latest, but older than this stay.
    assert _reasons(reach, cast, "hold") == [NO_REVIEW, NOT_HOLD]
    with pytest.raises(GuardsFailed, match=NO_REVIEW):
        reach.take(cast.enrollment_id, "hold", cast.coordinator)
    clock.advance(1)
    _review(reach, cast, "continue")
    assert _reasons(reach, cast, "hold") == [NOT_HOLD]  # the new review's decision is read
    clock.advance(1)
    _review(reach, cast, "hold")
    assert _reasons(reach, cast, "hold") == []
    assert reach.take(cast.enrollment_id, "hold", cast.coordinator).state == "on_hold"


def test_min_days_since_counts_from_the_first_entry_across_a_hold(
    reach: Workflow, people: People, clock: Clock
) -> None:
    cast = _held_and_resumed(reach, people, clock)  # active since day 0, again since day 40
    started = _first_active(reach, cast)
    clock.now = started + dt.timedelta(days=89)
    assert _reasons(reach, cast, "close") == [
        "it can be taken 90 days after first entering Active (89 so far)"
    ]
    clock.now = started + dt.timedelta(days=90) - dt.timedelta(seconds=1)
    with pytest.raises(GuardsFailed, match=r"90 days after first entering Active \(89 so far\)"):
        reach.take(cast.enrollment_id, "close", cast.coordinator)
    clock.now = started + dt.timedelta(days=90)
    assert _reasons(reach, cast, "close") == []
    assert reach.take(cast.enrollment_id, "close", cast.coordinator).state == "closed"


def test_min_days_since_holds_in_another_state_after_the_first(
    reach: Workflow, people: People, clock: Clock
) -> None:
    cast = active(reach, people)
    started = _first_active(reach, cast)
    clock.advance(5)
    _review(reach, cast, "hold")
    reach.take(cast.enrollment_id, "hold", cast.coordinator)
    clock.now = started + dt.timedelta(days=90)
    assert reach.take(cast.enrollment_id, "close", cast.coordinator).state == "closed"


def test_min_days_since_a_state_not_entered_yet(
    programs: dict[str, engine.Program], db: Database, clock: Clock, people: People
) -> None:
    text = REACH.read_text().replace(
        "      - {id: resume,",
        "      - {id: leave, label: Leave, from: screened, to: closed, by: [coordinator],\n"
        "         requires: {min_days_since: {state: active, days: 1}}}\n"
        "      - {id: resume,",
    )
    program = engine.load_text(text, "reach.yaml")
    workflow = Workflow({**programs, program.id: program}, db, clock=clock)
    cast = screened(workflow, people)
    assert _reasons(workflow, cast, "leave") == [
        "it can be taken 1 day after first entering Active, which has not happened yet"
    ]


def _first_active(workflow: Workflow, cast: Cast) -> dt.datetime:
    history = workflow.enrollment_page(PROGRAM, cast.enrollment_id, cast.coordinator).view.history
    return min(item.at for item in history if item.to_state == "Active")
