"""The recognition page and CSV (staff only), the desk's "Ended early" section and the
mentee's earlier relationships on the enrollment page."""

from __future__ import annotations

import csv
import io

import pytest

from mentorflow.engine.figures.recognition import RECOGNITION_COLUMNS
from tests.closures import EARLY_REASON, GENERAL, Closures, make_closures
from tests.conftest import Clock
from tests.web.conftest import World, redirects_to_login

PAGE = f"/p/{GENERAL}/recognition"
CSV = f"/p/{GENERAL}/recognition.csv"


@pytest.fixture(scope="module")
def closures(world: World, web_clock: Clock) -> Closures:
    return make_closures(world.workflow, world.people, web_clock)


@pytest.mark.parametrize("url", [PAGE, CSV])
def test_anonymous_is_sent_to_login(world: World, url: str) -> None:
    assert redirects_to_login(world.browser(None).get(url))


@pytest.mark.parametrize("url", [PAGE, CSV])
@pytest.mark.parametrize("who", ["mentee", "mentor", "supervisor", "other", "stranger"])
def test_only_staff_may_open_it(world: World, closures: Closures, url: str, who: str) -> None:
    person = world.cast(world.main)[who]
    assert world.browser(person).get(url).status_code == 403


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_the_page_lists_each_mentor_with_counts_and_evaluations(
    world: World, closures: Closures, who: str
) -> None:
    response = world.browser(world.cast(world.main)[who]).get(PAGE)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    mona = page[page.index(f'data-mentor="{closures.mentor.person.email}"') :]
    mona = mona[: mona.index("</tr>")]
    for key, count in (("completed", 1), ("ended_early", 1), ("returned", 1), ("ongoing", 0)):
        assert f'data-count="{key}">{count}<' in mona
    assert "Evaluations of Mona Mentor" in page
    # Cleo's is the only evaluation of Mona: counted, never shown by name.
    assert "Mentee evaluation" in page and "fewer than 3 people" in page
    assert "Cleo Completed" not in page


def test_the_csv_has_one_row_per_mentor(world: World, closures: Closures) -> None:
    response = world.browser(world.coordinator).get(CSV)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(rows[0]) == RECOGNITION_COLUMNS
    emails = [row[1] for row in rows[1:]]
    assert len(emails) == len(set(emails))
    mona = next(row for row in rows[1:] if row[1] == closures.mentor.person.email)
    assert mona[2:7] == ["3", "1", "1", "1", "0"]
    assert mona[7] == "Mentee evaluation: fewer than 3 people"


def test_the_desk_links_it_and_shows_closures_ended_early(world: World, closures: Closures) -> None:
    page = world.browser(world.coordinator).get(f"/p/{GENERAL}/coordinator").get_data(as_text=True)
    assert f'href="{PAGE}"' in page
    section = page[page.index('id="early-h"') :]
    section = section[: section.index("</section>")]
    assert f'data-ended-early="{closures.early.enrollment_id}"' in section
    assert "Eddie Early" in section and "Mona Mentor" in section
    assert EARLY_REASON in section
    assert closures.completed.enrollment_id not in section  # completed is not early


def test_the_mentee_page_shows_earlier_relationships(world: World, closures: Closures) -> None:
    url = f"/p/{GENERAL}/enrollments/{closures.rematched.enrollment_id}"
    for who in (world.coordinator, closures.rematched.person):
        page = world.browser(who).get(url).get_data(as_text=True)
        assert "Earlier relationships" in page
        earlier = page[page.index('id="earlier-h"') :]
        earlier = earlier[: earlier.index("</section>")]
        assert "Mona Mentor" in earlier and "Otto Other" not in earlier
    # The new mentor sees the relationship, not who mentored the mentee before.
    page = world.browser(closures.other_mentor.person).get(url).get_data(as_text=True)
    assert "Earlier relationships" not in page


def test_no_earlier_relationships_section_without_any(world: World) -> None:
    url = f"/p/{GENERAL}/enrollments/{world.main.mentee_id}"
    page = world.browser(world.coordinator).get(url).get_data(as_text=True)
    assert "Earlier relationships" not in page
