"""The reports page and its CSV export: who may open them, what they hold, suppression."""

from __future__ import annotations

import csv
import io

import pytest

from tests.support import sample_answers, unique
from tests.web.conftest import GENERAL, World, redirects_to_login

SMALL_PROGRAM = "small-program"


@pytest.fixture(scope="module")
def small(world: World) -> World:
    """Four mentees in the small program (coordinated by world.other_coordinator): three
    left in `applied`, one declined."""
    wf = world.workflow
    program = wf.programs[SMALL_PROGRAM]
    ids = []
    for i in range(4):
        who = world.people.person(unique(f"small{i}"), f"Small Mentee {i}")
        answers = sample_answers(
            program,
            "mentee_application",
            today=world.today,
            email=who.email,
            supervisor=unique("small.boss"),
        )
        answers["years_of_service"] = 1.5  # not fast-tracked
        ids.append(wf.apply(SMALL_PROGRAM, "mentee", who, answers).id)
    wf.take(ids[0], "decline", world.other_coordinator)
    return world


@pytest.mark.parametrize("suffix", ["", ".csv"])
def test_who_may_open_the_reports(world: World, suffix: str) -> None:
    url = f"/p/{GENERAL}/reports{suffix}"
    assert redirects_to_login(world.browser(None).get(url))
    for who in (world.coordinator, world.admin):
        assert world.browser(who).get(url).status_code == 200
    for who in (world.stranger, world.other_coordinator, world.main.mentee, world.main.mentor):
        assert world.browser(who).get(url).status_code == 403
    assert world.browser(world.admin).get(f"/p/nope/reports{suffix}").status_code == 404


def _csv(world: World, url: str) -> list[list[str]]:
    response = world.browser(world.other_coordinator).get(url)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_csv_rows_and_suppression(small: World) -> None:
    rows = _csv(small, f"/p/{SMALL_PROGRAM}/reports.csv")
    assert rows[0] == ["report", "item", "measure", "value"]
    assert all(len(row) == 4 for row in rows)
    assert ["enrollments_by_state", "Mentee: all", "people", "4"] in rows
    # Declined 1: suppressed; and Applied 3 with it, else 4 - 1 would tell.
    assert ["enrollments_by_state", "Mentee: Not accepted", "people", ""] in rows
    assert ["enrollments_by_state", "Mentee: Applied", "people", ""] in rows
    assert ["enrollments_by_state", "Mentee: Screened", "people", "0"] in rows
    assert ["funnel", "Applied", "people", "4"] in rows
    assert ["usefulness", "Very useful", "people", "0"] in rows
    assert ["outcomes", "Not started", "people", ""] in rows


def test_csv_filters(small: World) -> None:
    today = small.today
    quarter = f"{today.year}-Q{(today.month - 1) // 3 + 1}"
    rows = _csv(small, f"/p/{SMALL_PROGRAM}/reports.csv?cohort={quarter}")
    assert ["funnel", "Applied", "people", "4"] in rows
    rows = _csv(small, f"/p/{SMALL_PROGRAM}/reports.csv?cohort={today.year - 1}-Q1")
    assert ["funnel", "Applied", "people", "0"] in rows
    rows = _csv(small, f"/p/{SMALL_PROGRAM}/reports.csv?from={today.isoformat()}&role=mentee")
    assert ["enrollments_by_state", "Mentee: all", "people", "4"] in rows
    assert not any(row[1].startswith("Mentor") for row in rows if row[0] == "enrollments_by_state")
    bad = small.browser(small.other_coordinator).get(f"/p/{SMALL_PROGRAM}/reports.csv?cohort=Q9")
    assert bad.status_code == 400


def test_page_draws_charts_and_tables_without_scripts(small: World) -> None:
    response = small.browser(small.other_coordinator).get(f"/p/{SMALL_PROGRAM}/reports")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') >= 5
    start, end = page.find("<main"), page.find("</main>")
    assert "<script" not in page[start:end]
    assert "fewer than 3" in page
    assert 'class="suppressed"' in page  # the hatched bar, with the words beside it
    assert 'data-report="usefulness"' in page
    assert "reports.csv" in page
    desk = small.browser(small.other_coordinator).get(f"/p/{SMALL_PROGRAM}/coordinator")
    assert f"/p/{SMALL_PROGRAM}/reports" in desk.get_data(as_text=True)


def test_a_bad_filter_is_said_in_words(small: World) -> None:
    response = small.browser(small.other_coordinator).get(
        f"/p/{SMALL_PROGRAM}/reports?from=yesterday&cohort=2026-Q7"
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "is not a date like" in page and "A cohort is written like 2026-Q1" in page
