"""The one-time keys of form presses: the first press claims its key, a second one is
told where the first led, waits while it is being worked on, and takes over a key whose
first press died; a key given back, or a day old, is free again."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from mentorflow.engine.errors import Conflict
from mentorflow.engine.records.store import FormPress
from mentorflow.engine.service import presses
from mentorflow.engine.service.presses import EarlierPress
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock

KEY, ME = "k3y-from-the-page", "person:me"


def _kept(workflow: Workflow) -> int:
    with workflow.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(FormPress)) or 0)


def test_the_first_press_claims_and_the_second_is_sent_where_it_led(workflow: Workflow) -> None:
    assert workflow.first_press(KEY, ME) is None
    workflow.press_done(KEY, ME, "/p/x/enrollments/1")
    assert workflow.first_press(KEY, ME) == EarlierPress("/p/x/enrollments/1")
    assert workflow.first_press(KEY, "person:someone-else") is None  # their key, not mine


def test_a_press_that_led_nowhere_gives_its_key_back(workflow: Workflow) -> None:
    assert workflow.first_press(KEY, ME) is None
    workflow.press_done(KEY, ME, None)
    assert _kept(workflow) == 0
    assert workflow.first_press(KEY, ME) is None


def test_a_second_press_waits_for_the_first_to_finish(workflow: Workflow) -> None:
    assert workflow.first_press(KEY, ME) is None
    found: list[EarlierPress | None] = []
    second = threading.Thread(target=lambda: found.append(workflow.first_press(KEY, ME, wait=20)))
    second.start()
    second.join(0.3)
    assert second.is_alive()  # still waiting: the first press is being worked on
    workflow.press_done(KEY, ME, "/done")
    second.join(20)
    assert found == [EarlierPress("/done")]


def test_a_second_press_waits_and_then_does_the_work_when_the_first_gives_up(
    workflow: Workflow,
) -> None:
    assert workflow.first_press(KEY, ME) is None
    found: list[EarlierPress | None] = []
    second = threading.Thread(target=lambda: found.append(workflow.first_press(KEY, ME, wait=20)))
    second.start()
    second.join(0.3)
    workflow.press_done(KEY, ME, None)  # sent back for its answers
    second.join(20)
    assert found == [None]


def test_a_first_press_still_unfinished_is_a_conflict_in_words(workflow: Workflow) -> None:
    assert workflow.first_press(KEY, ME) is None
    with pytest.raises(Conflict, match="still being sent"):
        workflow.first_press(KEY, ME, wait=0.2)


@pytest.mark.parametrize(
    ("seconds", "taken_over"),
    [(59, False), (61, True)],
    ids=["under-a-minute", "over-a-minute"],
)
def test_a_key_whose_first_press_died_is_taken_over_after_a_minute(
    workflow: Workflow, clock: Clock, seconds: int, taken_over: bool
) -> None:
    assert workflow.first_press(KEY, ME) is None  # and its worker is killed
    clock.advance(seconds / 86400)
    if taken_over:
        assert workflow.first_press(KEY, ME, wait=0.2) is None
    else:
        with pytest.raises(Conflict):
            workflow.first_press(KEY, ME, wait=0.2)


def test_presses_are_forgotten_after_a_day(workflow: Workflow, clock: Clock) -> None:
    assert workflow.first_press(KEY, ME) is None
    workflow.press_done(KEY, ME, "/done")
    clock.advance(presses.KEPT.days + 0.01)
    assert workflow.first_press("another", ME) is None
    workflow.press_done("another", ME, "/also")
    assert _kept(workflow) == 1
    assert workflow.first_press(KEY, ME) is None  # a resend after a day is a new press


def test_work_written_under_a_press_marks_it_done_in_the_same_transaction(
    workflow: Workflow,
) -> None:
    assert workflow.first_press(KEY, ME) is None
    with workflow.transaction():
        pass  # the press's work, written
    workflow.pressing_over()  # its server died before saying where it led
    earlier = workflow.first_press(KEY, ME, wait=0)  # no wait: the work is known done
    assert earlier is not None and not earlier.led_somewhere
    workflow.press_done(KEY, ME, None)  # even a press that led nowhere is not redone
    assert _kept(workflow) == 1


def test_work_rolled_back_leaves_the_press_unfinished(workflow: Workflow) -> None:
    assert workflow.first_press(KEY, ME) is None
    with pytest.raises(RuntimeError), workflow.transaction():
        raise RuntimeError("refused half way")
    with pytest.raises(Conflict):
        workflow.first_press(KEY, ME, wait=0)  # still being worked on, as far as anyone knows
    workflow.pressing_over()


def test_a_request_after_the_press_marks_nothing(workflow: Workflow) -> None:
    assert workflow.first_press(KEY, ME) is None
    workflow.pressing_over()
    with workflow.transaction():
        pass  # another request's write on the same thread
    with pytest.raises(Conflict):
        workflow.first_press(KEY, ME, wait=0)


def test_a_second_press_waits_for_where_written_work_led(workflow: Workflow) -> None:
    # Between the work's commit and `press_done` the press is known done but not where it
    # led: a second press waits for that, rather than landing somewhere else.
    assert workflow.first_press(KEY, ME) is None
    with workflow.transaction():
        pass
    workflow.pressing_over()
    found: list[EarlierPress | None] = []
    second = threading.Thread(target=lambda: found.append(workflow.first_press(KEY, ME, wait=20)))
    second.start()
    second.join(0.3)
    assert second.is_alive()
    workflow.press_done(KEY, ME, "/p/x/enrollments/1")
    second.join(20)
    assert found == [EarlierPress("/p/x/enrollments/1")]
