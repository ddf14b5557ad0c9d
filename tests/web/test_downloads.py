"""Attached files are downloaded only by those who may read the answer they belong to."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from mentorflow.engine.definition.fields import FileField
from tests.conftest import People
from tests.support import sample_answers
from tests.web.conftest import signed_in_client

PROGRAM = "general-mentoring"


@pytest.fixture
def app(lone_app: Flask) -> Flask:
    return lone_app


def test_a_resume_is_for_the_mentor_and_staff_only(app: Flask, tmp_path: Path) -> None:
    wf = app.extensions["mentorflow.workflow"]
    people = People(wf.db)
    mentor = people.person("max@example.gov", "Max Mentor")
    people.person("cora@example.gov", coordinates=PROGRAM)
    people.person("eve@example.gov")
    people.person("otto@example.gov", coordinates="civil-engineers")
    program = wf.programs[PROGRAM]
    form = program.apply_form("mentor")
    field = form.fields["resume"]
    assert isinstance(field, FileField)
    resume = wf.keep_upload(field, b"%PDF-1.4 cv", "cv.pdf", mentor)
    eligible = [program.roles["mentor"].eligibility.when]  # type: ignore[union-attr]
    answers = {**sample_answers(program, form, eligible, email=mentor.email), "resume": resume}
    enrollment = wf.apply(PROGRAM, "mentor", mentor, answers)
    url = f"/p/{PROGRAM}/enrollments/{enrollment.id}/files/{resume['id']}"

    page = (
        signed_in_client(app, "max@example.gov")
        .get(f"/p/{PROGRAM}/enrollments/{enrollment.id}")
        .get_data(as_text=True)
    )
    assert f'href="{url}"' in page
    for email, status in [
        ("max@example.gov", 200),
        ("cora@example.gov", 200),
        ("eve@example.gov", 404),
        ("otto@example.gov", 404),
    ]:
        response = signed_in_client(app, email).get(url)
        assert response.status_code == status, email
        if status == 200:
            assert response.data == b"%PDF-1.4 cv"
            assert "attachment" in response.headers["Content-Disposition"]
    assert app.test_client().get(url).status_code in (302, 303)
    other = f"/p/{PROGRAM}/enrollments/{enrollment.id}/files/nope"
    assert signed_in_client(app, "max@example.gov").get(other).status_code == 404
