"""The matching page clicked through a real Chromium: a coordinator reviews the proposals
and why they were made, swaps a mentor among the ranked alternatives, rejects one,
presses Confirm, and the enrollments' states change."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import People
from tests.web.browser_fixtures import Browsers, LiveServer, browsers, chromium, live_server
from tests.web.matching_pool import GENERAL, make_pool

__all__ = ["browsers", "chromium", "live_server"]  # fixtures this module uses

pytestmark = pytest.mark.browser

COORDINATOR = ("casey.coordinator@das.example.org", "Casey Coordinator")


def expect_state(page: Page, state: str) -> None:
    expect(page.locator("[data-state]")).to_have_attribute("data-state", state)


def test_a_coordinator_reviews_changes_rejects_and_confirms(
    live_server: LiveServer, browsers: Browsers
) -> None:
    server = live_server
    server.add_coordinator(*COORDINATOR, GENERAL)
    pool = make_pool(server.workflow, People(server.workflow.db), server.actor(COORDINATOR[0]))

    coordinator = browsers(*COORDINATOR)
    coordinator.sign_in()
    page = coordinator.page
    page.get_by_role("link", name="Desk: Agency Workplace Mentoring Program").click()
    page.get_by_role("link", name="Match mentees with mentors").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("matching")

    # -- each proposal with its score and every criterion's points ---------------------
    pia = page.locator(f'tr[data-mentee="{pool.pia.enrollment_id}"]')
    quinn = page.locator(f'tr[data-mentee="{pool.quinn.enrollment_id}"]')
    expect(pia.get_by_role("cell").first).to_have_text("Ann Mentor")
    expect(pia.locator("td.score")).to_have_text("10")
    expect(pia.locator('[data-points="needs"]')).to_have_text("3")
    expect(pia.locator('[data-points="availability"]')).to_have_text("2")
    expect(pia.locator("td.why")).to_contain_text(
        "3 of 3 Areas of interest and expertise: shares 2 of 2"
    )
    expect(quinn.get_by_role("cell").first).to_have_text("Ben Mentor")
    rex = page.locator(f'table.unmatched tr:has(a[data-mentee="{pool.rex.enrollment_id}"])')
    expect(rex).to_contain_text("no mentor passes the hard constraint 'Availability'")
    coordinator.shot("matching-01-proposals")

    # -- the alternatives for Pia, ranked; swap her to Ben and reject Quinn's ------------
    select = page.get_by_label("Mentor for Pia Mentee")
    options = select.locator("option")
    expect(options).to_have_text(
        [
            "1. Ann Mentor: score 10, 1 place left (proposed)",
            "2. Ben Mentor: score 6, no place left (proposed to someone else)",
        ]
    )
    # with script, the row's score and criteria follow the mentor chosen, at once
    expect(pia.get_by_role("button", name="Show score for Pia Mentee")).to_be_hidden()
    select.select_option(value=pool.ben.enrollment_id)
    expect(pia.locator("td.score")).to_have_text("6")
    expect(pia.locator('[data-points="needs"]')).to_have_text("0")
    expect(pia.locator("td.why")).to_contain_text("With Ben Mentor")
    expect(pia.locator("td.why")).to_contain_text("shares none of the mentee's 2")
    expect(page.locator("[data-pair-status]")).to_have_text("Score with Ben Mentor: 6")
    page.get_by_label("Reject the proposal for Quinn Mentee").check()
    coordinator.shot("matching-02-changed")
    page.get_by_role("button", name="Confirm", exact=True).click()

    # -- the results: Pia matched with Ben, Quinn left waiting ---------------------------
    expect(page.get_by_role("heading", level=1)).to_contain_text("matches confirmed")
    expect(page.get_by_role("status")).to_contain_text("1 matched, 0 refused, 1 rejected")
    done = page.locator(f'tr[data-mentee="{pool.pia.enrollment_id}"]')
    expect(done).to_have_attribute("data-outcome", "matched")
    expect(done).to_contain_text("Ben Mentor")
    expect(page.locator(f'tr[data-mentee="{pool.quinn.enrollment_id}"]')).to_contain_text(
        "Rejected: left waiting for a mentor"
    )
    coordinator.shot("matching-03-results")

    done.get_by_role("link", name="Pia Mentee").click()
    expect_state(page, "matched")
    expect(page.locator('ol.history [data-event="match"]')).to_have_count(1)
    expect(page.locator("#partners-h + ul")).to_contain_text("Ben Mentor")
    page.goto(f"/p/{GENERAL}/enrollments/{pool.quinn.enrollment_id}")
    expect_state(page, "trained")
    page.goto(f"/p/{GENERAL}/enrollments/{pool.ann.enrollment_id}")
    expect(page.locator("#partners-h + p")).to_have_text("None assigned.")

    # -- proposed again: Quinn waits still, and Ann (free) is proposed for him ----------
    page.goto(f"/p/{GENERAL}/matching")
    again = page.locator(f'tr[data-mentee="{pool.quinn.enrollment_id}"]')
    expect(again.get_by_role("cell").first).to_have_text("Ann Mentor")
    expect(page.locator("table.proposals tbody tr")).to_have_count(1)
