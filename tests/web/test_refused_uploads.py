"""Files posted with a refused form: kept only in the temporary area, for their owner,
until the form is sent or a day has passed; a person's files held to a quota; a file
whose content is not what its name says refused next to its field."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from mentorflow.engine.records.store import Attachment
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service import uploads
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import Clock
from tests.support import sample_answers
from tests.web.conftest import field_block, form_data, signed_in_client

PROGRAM = "general-mentoring"
URL = f"/p/{PROGRAM}/apply/mentor"
PDF = b"%PDF-1.4\n" + b"0" * (400 * 1024 - 9)  # 400 KB: the test client spools no larger


@pytest.fixture
def app(lone_app: Flask) -> Flask:
    return lone_app


@pytest.fixture
def wf(lone_workflow: Workflow) -> Workflow:
    return lone_workflow


@pytest.fixture
def mentor(lone_mentor: Actor) -> Actor:
    return lone_mentor


def _post(wf: Workflow, client: FlaskClient, who: Actor, name: str, data: bytes, **changes: str):  # type: ignore[no-untyped-def]
    program = wf.programs[PROGRAM]
    eligible = [program.roles["mentor"].eligibility.when]  # type: ignore[union-attr]
    answers = sample_answers(program, program.apply_form("mentor"), eligible, email=who.email)
    posted = MultiDict(form_data(program, "mentor_application", {**answers, **changes}))
    posted["resume"] = (io.BytesIO(data), name)
    return client.post(URL, data=posted, content_type="multipart/form-data")


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def _rows(wf: Workflow) -> list[Attachment]:
    with wf.db.session() as session:
        return list(session.scalars(select(Attachment)))


def test_five_refused_posts_leave_nothing_behind(
    app: Flask, wf: Workflow, mentor: Actor, clock: Clock, tmp_path: Path
) -> None:
    client = signed_in_client(app)
    for n in range(5):
        response = _post(wf, client, mentor, f"cv{n}.pdf", PDF, qualifications="short")
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert f"cv{n}.pdf" in page  # still offered, as the page promises
        assert re.search(r'name="resume__kept" value="[^"]+"', page)
    folder = tmp_path / "uploads"
    kept = _files(folder)
    assert len(kept) == 5 and all(p.parent == folder / uploads.KEPT_AREA for p in kept)
    assert sum(p.stat().st_size for p in kept) == 5 * len(PDF)
    assert all(row.stored_as.startswith(f"{uploads.KEPT_AREA}/") for row in _rows(wf))

    clock.advance(1.5)
    assert wf.clean_uploads() == 5
    assert _files(folder) == [] and _rows(wf) == []


def test_a_file_over_the_quota_is_refused_beside_its_field(
    app: Flask, wf: Workflow, mentor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(uploads, "QUOTA_BYTES", 2 * len(PDF))
    client = signed_in_client(app)
    for n in range(2):
        assert _post(wf, client, mentor, f"cv{n}.pdf", PDF, qualifications="x").status_code == 400
    response = _post(wf, client, mentor, "cv2.pdf", PDF, qualifications="Typed again")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "the limit is 800 KB" in field_block(page, "resume")
    assert "Typed again" in page
    assert len(_rows(wf)) == 2


def test_a_file_that_is_not_what_its_name_says_is_refused(
    app: Flask, wf: Workflow, mentor: Actor, tmp_path: Path
) -> None:
    client = signed_in_client(app)
    response = _post(wf, client, mentor, "resume.pdf", b"MZ\x90\x00 a program")
    assert response.status_code == 400
    assert "resume.pdf is not a real PDF file" in field_block(
        response.get_data(as_text=True), "resume"
    )
    assert _rows(wf) == [] and _files(tmp_path / "uploads") == []
