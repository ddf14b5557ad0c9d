"""A program that is not accepting applications, as a visitor meets it: not on the index,
no "Apply" on its page, and its apply address refused (409, no form) on GET and POST.

Beside it, the open small program it was copied from, so each check is seen to hold
for the open one and fail for the closed one only.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from flask import Flask

from mentorflow.engine.service import people as people_module
from mentorflow.web import create_app
from tests.conftest import SMALL, People
from tests.support import closed_copy, sample_answers, unique
from tests.web.conftest import Browser, form_data
from tests.web.test_routes import row_counts

CLOSED, OPEN = "closed-program", "small-program"
ROLES = ("mentee", "mentor")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    tmp = tmp_path_factory.mktemp("closed")
    definitions = tmp / "definitions"
    definitions.mkdir()
    shutil.copy(SMALL, definitions / SMALL.name)
    closed_copy(SMALL, definitions)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MENTORFLOW_INSTANCE", str(tmp / "instance"))
        patch.setitem(people_module._SCRYPT, "n", 2**4)
        found = create_app(
            {
                "TESTING": True,
                "MENTORFLOW_DATABASE_URL": f"sqlite:///{tmp}/mentorflow.db",
                "MENTORFLOW_DEFINITIONS": str(definitions),
                "MENTORFLOW_UPLOADS": str(tmp / "uploads"),
            }
        )
        yield found
        found.extensions["mentorflow.workflow"].db.dispose()


@pytest.fixture(scope="module")
def browser(app: Flask) -> Browser:
    people = People(app.extensions["mentorflow.workflow"].db)
    return Browser(app.test_client(), None).sign_in(people.person(unique("visitor"), "Vi Visitor"))


def _apply_links(page: str, program_id: str) -> list[str]:
    return [
        f"/p/{program_id}/apply/{role}" for role in ROLES if f"/p/{program_id}/apply/{role}" in page
    ]


def test_the_index_lists_only_the_open_program(browser: Browser) -> None:
    page = browser.get("/").get_data(as_text=True)
    assert f'href="/p/{OPEN}"' in page
    assert f"/p/{CLOSED}" not in page


def test_the_closed_program_page_offers_no_apply(browser: Browser) -> None:
    open_page = browser.get(f"/p/{OPEN}").get_data(as_text=True)
    assert _apply_links(open_page, OPEN) == [f"/p/{OPEN}/apply/{role}" for role in ROLES]
    assert "Apply as" in open_page

    response = browser.get(f"/p/{CLOSED}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert _apply_links(page, CLOSED) == []
    assert "Apply as" not in page
    assert "This program is not accepting applications right now." in page


@pytest.mark.parametrize("role", ROLES)
def test_the_closed_apply_page_is_refused(browser: Browser, role: str) -> None:
    assert browser.get(f"/p/{OPEN}/apply/{role}").status_code == 200
    response = browser.get(f"/p/{CLOSED}/apply/{role}")
    page = response.get_data(as_text=True)
    assert response.status_code == 409, page[:2000]
    assert "not accepting applications right now" in page
    assert 'action="/p/' not in page and "<textarea" not in page  # no application form


@pytest.mark.parametrize("role", ROLES)
def test_an_application_to_the_closed_program_is_refused(
    app: Flask, browser: Browser, role: str
) -> None:
    workflow = app.extensions["mentorflow.workflow"]
    program = workflow.programs[CLOSED]
    answers = sample_answers(program, program.apply_form(role), email=browser.who.email)
    before = row_counts(workflow)
    response = browser.post(
        f"/p/{CLOSED}/apply/{role}", form_data(program, program.apply_form(role).id, answers)
    )
    assert response.status_code == 409, response.get_data(as_text=True)[:2000]
    assert "not accepting applications right now" in response.get_data(as_text=True)
    assert row_counts(workflow) == before  # no person, enrollment or upload written
