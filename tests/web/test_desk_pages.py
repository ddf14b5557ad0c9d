"""A desk for hundreds: paged, sortable, with select-all, bulk menus per role of the
steps a coordinator takes for others (never a participant's own, set-backs apart), the
program's title in the navigation, and counts of what waits on whom."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import GENERAL, World
from tests.web.test_pages import text_of

MANY = 70


@pytest.fixture(scope="module")
def crowd(world: World) -> World:
    """Seventy more mentees in `applied`, named so their order is known."""
    for n in range(MANY):
        who = world.people.person(f"crowd{n:03d}@example.gov", f"Crowd {n:03d}")
        answers = world.apply_answers("mentee", who, "crowd.boss@example.gov")
        world.workflow.apply(GENERAL, "mentee", who, answers)
    return world


def desk(world: World, query: str = "") -> str:
    response = world.browser(world.coordinator).get(f"/p/{GENERAL}/coordinator{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def names_listed(page: str) -> list[str]:
    body = page[page.index('<table class="people"') :]
    body = body[: body.index("</table>")]
    return re.findall(r'/enrollments/[\w-]+">([^<]+)</a>', body)


def test_the_desk_shows_a_page_of_fifty_with_the_way_to_the_rest(crowd: World) -> None:
    first = desk(crowd, "?q=crowd&sort=name")
    assert len(names_listed(first)) == 50
    assert f"1–50 of {MANY} people" in text_of(first)
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = desk(crowd, "?q=crowd&sort=name&page=2")
    assert len(names_listed(second)) == MANY - 50
    assert f"51–{MANY} of {MANY} people" in text_of(second)
    assert not set(names_listed(first)) & set(names_listed(second))  # no one twice


def test_the_desk_sorts_by_a_column_both_ways(crowd: World) -> None:
    ascending = names_listed(desk(crowd, "?q=crowd&sort=name"))
    assert ascending[:3] == ["Crowd 000", "Crowd 001", "Crowd 002"]
    descending = names_listed(desk(crowd, "?q=crowd&sort=-name"))
    assert descending[:2] == [f"Crowd {MANY - 1:03d}", f"Crowd {MANY - 2:03d}"]
    page = desk(crowd, "?q=crowd&sort=name")
    assert re.search(r'<th scope="col" aria-sort="ascending"><a href="[^"]*sort=-name', page)


@pytest.mark.parametrize("query", ["?sort=shoe_size", "?page=0", "?page=x"])
def test_a_sort_or_page_the_desk_does_not_offer_is_refused_in_words(
    world: World, query: str
) -> None:
    response = world.browser(world.coordinator).get(f"/p/{GENERAL}/coordinator{query}")
    assert response.status_code == 400
    assert "<h1>" in response.get_data(as_text=True)


def test_a_page_past_the_last_shows_the_last(crowd: World) -> None:
    assert "51–" in text_of(desk(crowd, "?q=crowd&sort=name&page=9"))


def test_select_all_and_per_role_bulk_menus_of_coordinator_steps(crowd: World) -> None:
    page = desk(crowd)
    assert 'data-select-all="selected"' in page
    menu = page[page.index('<select id="transition"') :]
    menu = menu[: menu.index("</select>")]
    groups = re.findall(r'<optgroup label="([^"]+)">', menu)
    assert groups[0] == "Mentees" and "Mentors" in groups
    assert "Mentees: ends or takes back" in groups
    assert "Withdraw my application" not in menu  # a participant's own step
    forward = menu[: menu.index('label="Mentees: ends or takes back"')]
    assert "Decline" not in forward  # a set-back is never among the steps forward


def test_the_navigation_names_the_program_by_its_title(world: World) -> None:
    page = desk(world)
    assert "Desk: Agency Workplace Mentoring Program" in page
    assert f"Desk: {GENERAL}<" not in page


def test_the_desk_counts_what_waits_on_whom(crowd: World) -> None:
    page = desk(crowd)
    section = page[page.index('id="waiting-h"') :]
    section = section[: section.index("</section>")]
    applied = re.search(r'data-waiting="mentee:applied"><a [^>]*>(\d+) mentees</a>', section)
    assert applied and int(applied.group(1)) >= MANY
    coordinators = section[: section.index("On the participants")]
    assert 'data-waiting="mentee:applied"' in coordinators  # screening is the coordinator's
    assert "next, accept after screening" in text_of(section)
