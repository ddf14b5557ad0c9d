"""The browser journey goes on: a check-in with an obstacle, the coordinator resolving it,
a return to the pool and a new match, a premature closure with its reasons, a normal
closure with evaluations, and the reports page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import People
from tests.support import make_cast, sample_answers, walk_to
from tests.web.browser_fixtures import Browsers, LiveServer, browsers, chromium, live_server
from tests.web.test_journey import (
    PROGRAM,
    expect_state,
    labelled,
    submit_and_land,
    take,
    tick,
    transition_item,
)

__all__ = ["browsers", "chromium", "live_server"]  # fixtures this module uses

pytestmark = pytest.mark.browser


def test_monitoring_closure_rematch_and_reports(
    live_server: LiveServer, browsers: Browsers
) -> None:
    server, clock = live_server, live_server.clock
    wf = server.workflow
    program = wf.programs[PROGRAM]
    people = People(wf.db)
    cast = make_cast(people, program)
    # Two relationships running, a third mentor free, set up through the engine.
    first = walk_to(
        wf, program, "mentee", "active", people=people, clock=clock, cast=cast, name="Ann Early"
    )
    second = walk_to(
        wf, program, "mentee", "active", people=people, clock=clock, cast=cast, name="Bea Done"
    )
    spare = walk_to(
        wf,
        program,
        "mentor",
        program.mentor_states(),
        people=people,
        clock=clock,
        cast=cast,
        name="Carl Spare",
    )

    coordinator = browsers(cast.coordinator.email, cast.coordinator.name)
    coordinator.sign_in()
    mentee = browsers(first.person.email, first.person.name)
    mentee.sign_in()

    # -- a check-in that reports an obstacle reaches the coordinator's desk ----------------
    page = mentee.page
    page.goto(f"/p/{PROGRAM}/enrollments/{first.enrollment_id}")
    page.locator("#form-check_in").get_by_role("link", name="Add an entry").click()
    labelled(page, "Date of the meeting").fill(clock.today())
    page.locator("#field-progress").get_by_label("Some progress").check()
    tick(page, "Is anything getting in the way?")
    expect(labelled(page, "Tell the coordinator more")).to_be_visible()
    tick(page, "Schedules do not line up")
    labelled(page, "Tell the coordinator more").fill("Our meetings keep being cancelled.")
    submit_and_land(page, "Save")

    page = coordinator.page
    page.goto(f"/p/{PROGRAM}/coordinator")
    items = page.locator("ul.items li")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("A pair reports an obstacle")
    items.first.get_by_role("button", name="Mark resolved").click()
    expect(page.locator("ul.items li")).to_have_count(0)

    # -- back to the pool, then a new mentor -------------------------------------------------
    page.goto(f"/p/{PROGRAM}/enrollments/{first.enrollment_id}")
    take(page, "Return to the pool")
    page.locator("#field-reason").get_by_label("Mentor no longer available").check()
    submit_and_land(page, "Return to the pool")
    expect_state(page, "trained")
    expect(page.get_by_role("heading", name="Earlier relationships")).to_have_count(1)
    page.locator("#mentor_id").select_option(value=spare.enrollment_id)
    page.get_by_role("button", name="Match", exact=True).click()
    expect_state(page, "matched")
    expect(page.locator("#partners-h + ul")).to_contain_text("Carl Spare")

    # -- a premature closure, with its reasons ------------------------------------------------
    take(page, "End the relationship early")
    page.locator("#field-initiated_by").get_by_label("Mentee", exact=True).check()
    page.locator("#field-reasons").get_by_label("Job change or transfer").check()
    submit_and_land(page, "End the relationship early")
    expect_state(page, "closed_early")
    page.goto(f"/p/{PROGRAM}/coordinator")
    expect(page.locator(f'[data-ended-early="{first.enrollment_id}"]')).to_have_count(1)

    # -- a normal closure with its evaluation --------------------------------------------------
    clock.advance(130)
    page.goto(f"/p/{PROGRAM}/enrollments/{second.enrollment_id}")
    blocked = transition_item(page, "complete")
    expect(blocked.locator(".reasons")).to_contain_text("evaluation")
    for form_id in ("mentee_evaluation", "mentor_evaluation"):  # filled in the first journey
        answers = sample_answers(program, form_id, today=clock().date())
        wf.submit(second.enrollment_id, form_id, cast.coordinator, answers)
    page.reload()
    take(page, "Complete the relationship")
    expect(page.locator("p.confirm")).to_contain_text("Both evaluations are in")
    tick(page, "Certificate of completion")
    labelled(page, "Summary for the program file").fill("Goals met; a steady, useful relationship.")
    submit_and_land(page, "Complete the relationship")
    expect_state(page, "completed")

    # -- the reports page ------------------------------------------------------------------------
    page.goto(f"/p/{PROGRAM}/reports")
    expect(page.get_by_role("heading", level=1)).to_contain_text("reports")
    expect(page.locator("svg").first).to_be_visible()
    expect(page.get_by_text(re.compile("fewer than 3")).first).to_be_visible()
    assert page.locator("script:not([src])").count() == 0
