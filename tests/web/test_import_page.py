"""The import page: a template CSV made from the role's apply form, the columns explained,
and an upload that goes through the importer's own checks, all or nothing, each bad row
named by its line."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from sqlalchemy import func, select

from mentorflow.engine.records.store import Enrollment, Person
from tests.support import unique
from tests.web.conftest import GENERAL, World, csrf_token_in, redirects_to_login

PAGE = f"/p/{GENERAL}/import"


def _cell(value: Any) -> str:
    """A stored answer as a spreadsheet cell: lists joined by ';', booleans as true/false."""
    if isinstance(value, list):
        return ";".join(map(str, value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _csv(world: World, rows: list[dict[str, Any]], columns: list[str] | None = None) -> bytes:
    header = columns or list(rows[0])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[_cell(row.get(c)) for c in header] for row in rows])
    return out.getvalue().encode("utf-8")


def _application(world: World) -> dict[str, Any]:
    """A mentee application for a new address, as the apply form takes it."""
    email = unique("imported")
    who = world.people.person(email, "Ivy Imported")  # only to name an address
    return world.apply_answers("mentee", who, unique("boss"))


def _enrollments(world: World, *emails: str) -> int:
    with world.workflow.db.session() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(Enrollment)
                .join(Person, Person.id == Enrollment.person_id)
                .where(Person.email.in_(emails), Enrollment.program_id == GENERAL)
            )
            or 0
        )


def _upload(world: World, data: bytes, *, name: str = "people.csv", **fields: str) -> Any:
    browser = world.browser(world.coordinator)
    # One value (a file and its name) in a list: MultiDict takes a bare tuple as values.
    form = {"role": "mentee", **fields, "file": [(io.BytesIO(data), name)]}
    return browser.post(PAGE, form, page=PAGE)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("mentee", 403),
        ("mentor", 403),
        ("supervisor", 403),
        ("coordinator", 200),
        ("other", 403),
        ("admin", 200),
        ("stranger", 403),
    ],
)
def test_only_the_programs_staff_open_the_import_page(world: World, role: str, status: int) -> None:
    who = world.cast(world.main)[role]
    browser = world.browser(who)
    for url in (PAGE, f"{PAGE}/mentee/template.csv"):
        response = browser.get(url)
        assert response.status_code == status, url
        if status == 302:
            assert redirects_to_login(response)


@pytest.mark.parametrize("role", ["mentee", "mentor"])
def test_the_template_columns_are_the_apply_forms_fields(world: World, role: str) -> None:
    response = world.browser(world.coordinator).get(f"{PAGE}/{role}/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    header = next(csv.reader(io.StringIO(response.get_data(as_text=True))))
    form = world.program.apply_form(role)
    assert header == [f.id for f in form.fields.values() if f.type != "group"]
    page = world.browser(world.coordinator).get(f"{PAGE}?role={role}").get_data(as_text=True)
    for field_id in header:  # each column is explained on the page
        assert f'data-column="{field_id}"' in page


def test_the_page_explains_how_to_write_the_cells(world: World) -> None:
    page = world.browser(world.coordinator).get(PAGE).get_data(as_text=True)
    assert "separated by &#39;;&#39;" in page  # a multichoice
    assert "YYYY-MM-DD" in page or "A number." in page
    assert "Whose application the row is" in page
    assert csrf_token_in(page) and 'name="once"' in page


def test_a_bad_row_is_refused_by_its_line_and_nothing_is_imported(world: World) -> None:
    good, bad = _application(world), _application(world)
    bad["years_of_service"] = "many"
    response = _upload(world, _csv(world, [good, bad]))
    page = response.get_data(as_text=True)
    assert response.status_code == 400, page[:2000]
    assert "Nothing was imported" in page
    assert '<tr data-line="3"><td>3</td>' in page  # the header is line 1
    assert 'data-line="2"' not in page
    assert _enrollments(world, good["email"], bad["email"]) == 0


def test_a_bad_header_is_refused_on_line_one(world: World) -> None:
    good = _application(world)
    data = _csv(world, [{**good, "shoe_size": "42"}])
    response = _upload(world, data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'data-line="1"' in page and "shoe_size" in page
    assert _enrollments(world, good["email"]) == 0


def test_a_good_file_is_imported_with_a_confirmation(world: World) -> None:
    rows = [_application(world), _application(world)]
    response = _upload(world, _csv(world, rows))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    assert response.location.endswith(f"{PAGE}?role=mentee")
    assert _enrollments(world, *(r["email"] for r in rows)) == 2
    page = world.browser(world.coordinator).get(response.location).get_data(as_text=True)
    assert "Imported 2 mentee applications from people.csv." in page


def test_a_file_placed_in_a_state_lands_there(world: World) -> None:
    row = _application(world)
    response = _upload(world, _csv(world, [row]), state="screened")
    assert response.status_code == 303
    with world.workflow.db.session() as session:
        state = session.scalar(
            select(Enrollment.state)
            .join(Person, Person.id == Enrollment.person_id)
            .where(Person.email == row["email"])
        )
    assert state == "screened"


@pytest.mark.parametrize(
    ("data", "name", "said"),
    [
        ("name,email\n".encode("utf-16"), "wide.csv", "not UTF-8"),
        (b"", "", "Choose the CSV file"),
        (b"", "empty.csv", "The file is empty"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_in_words(
    world: World, data: bytes, name: str, said: str
) -> None:
    response = _upload(world, data, name=name)
    assert response.status_code == 400
    assert said in response.get_data(as_text=True)


def test_a_file_over_the_upload_limit_is_refused(world: World) -> None:
    limit = world.app.config["MAX_CONTENT_LENGTH"]
    world.app.config["MAX_CONTENT_LENGTH"] = 2048
    try:
        response = _upload(world, b"name,email\n" + b"x,y@example.gov\n" * 400)
    finally:
        world.app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413


def test_staff_of_another_program_cannot_post_an_import(world: World) -> None:
    row = _application(world)
    browser = world.browser(world.other_coordinator)
    data = {"role": "mentee", "file": [(io.BytesIO(_csv(world, [row])), "people.csv")]}
    response = browser.post(PAGE, data, page="/me")
    assert response.status_code == 403
    assert _enrollments(world, row["email"]) == 0
