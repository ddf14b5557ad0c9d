"""Faults of what the app stands on: a stopped database, an uploads folder that cannot be
written, a full disk. A person gets a page that says what happened and keeps what they
typed (503), never a bare "Internal Server Error"; a server that cannot start says why in
one sentence."""

from __future__ import annotations

import errno
import html
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker
from werkzeug.datastructures import MultiDict

from mentorflow.engine.errors import MentorflowError
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service.workflow import Workflow
from mentorflow.web import create_app
from tests.conftest import ROOT, Clock
from tests.support import sample_answers
from tests.web.conftest import form_data, signed_in_client

PROGRAM = "general-mentoring"
URL = f"/p/{PROGRAM}/apply/mentor"
TYPED = (
    "Twenty years of casework and ten of coaching new caseworkers, typed in full before "
    "the fault happened"
)
PDF = b"%PDF-1.4\n" + b"0" * 2000


def _config(db_url: str, uploads: Path, clock: Clock | None = None) -> dict[str, object]:
    return {
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "MENTORFLOW_DATABASE_URL": db_url,
        "MENTORFLOW_DEFINITIONS": str(ROOT / "definitions"),
        "MENTORFLOW_UPLOADS": str(uploads),
        **({"MENTORFLOW_CLOCK": clock} if clock else {}),
    }


@pytest.fixture
def app(lone_app: Flask) -> Flask:
    # As in production: a fault is answered by the error pages, not raised to the caller.
    lone_app.config["PROPAGATE_EXCEPTIONS"] = False
    return lone_app


@pytest.fixture
def wf(lone_workflow: Workflow) -> Workflow:
    return lone_workflow


@pytest.fixture
def mentor(lone_mentor: Actor) -> Actor:
    return lone_mentor


def _application(wf: Workflow, who: Actor, resume: bytes | None = PDF) -> MultiDict[str, object]:
    program = wf.programs[PROGRAM]
    eligible = [program.roles["mentor"].eligibility.when]  # type: ignore[union-attr]
    answers = sample_answers(program, program.apply_form("mentor"), eligible, email=who.email)
    posted = MultiDict(form_data(program, "mentor_application", answers))
    posted["qualifications"] = TYPED
    if resume is not None:
        posted["resume"] = (io.BytesIO(resume), "cv.pdf")
    return posted


def _stop_database(wf: Workflow, db_url: str) -> None:
    """The database stops answering, as a stopped server or a vanished file does: every
    new connection is refused by the driver."""
    (wf.uploads.parent / "plain-file").write_text("")  # a folder nobody can open
    if db_url.startswith("sqlite"):
        dead = f"sqlite:///{wf.uploads.parent}/plain-file/mentorflow.db"
    else:
        dead = make_url(db_url).set(port=1).render_as_string(hide_password=False)
    wf.db.sessions = sessionmaker(create_engine(dead), expire_on_commit=False)


def _start_database(wf: Workflow) -> None:
    wf.db.sessions = sessionmaker(wf.db.engine, expire_on_commit=False)


def _hidden(page: str) -> MultiDict[str, str]:
    found: MultiDict[str, str] = MultiDict()
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page):
        found.add(html.unescape(name), html.unescape(value))
    return found


def _friendly(page: str) -> None:
    assert "Internal Server Error" not in page
    assert "Not available right now" in page


def test_a_signed_in_person_gets_a_page_in_words_when_the_database_stops(
    app: Flask, wf: Workflow, mentor: Actor, db_url: str
) -> None:
    client = signed_in_client(app)
    _stop_database(wf, db_url)
    response = client.get("/me")
    assert response.status_code == 503
    _friendly(response.get_data(as_text=True))


def test_a_form_sent_while_the_database_is_down_can_be_sent_again_as_typed(
    app: Flask, wf: Workflow, mentor: Actor, db_url: str
) -> None:
    client = signed_in_client(app)
    _stop_database(wf, db_url)
    response = client.post(URL, data=_application(wf, mentor, resume=None))
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    _friendly(page)
    assert "your answers are kept" in page.lower()
    again = _hidden(page)
    assert again["qualifications"] == TYPED  # the answers are on the page, ready to resend

    _start_database(wf)
    response = client.post(URL, data=again)
    assert response.status_code == 303
    assert TYPED in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_file_is_never_echoed_back_and_the_page_says_to_attach_it_again(
    app: Flask, wf: Workflow, mentor: Actor, db_url: str
) -> None:
    client = signed_in_client(app)
    _stop_database(wf, db_url)
    response = client.post(URL, data=_application(wf, mentor), content_type="multipart/form-data")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "attach" in page.lower() and "again" in page.lower()
    assert "%PDF" not in page


@pytest.mark.parametrize(
    "fault",
    [
        pytest.param("folder", id="uploads-folder-not-writable"),
        pytest.param("full", id="disk-full"),
    ],
)
def test_a_file_that_cannot_be_stored_keeps_the_form_and_its_answers(
    app: Flask,
    wf: Workflow,
    mentor: Actor,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fault: str,
) -> None:
    client = signed_in_client(app)
    if fault == "folder":
        # Root ignores permissions, so the folder is made impossible instead: its path
        # runs through a plain file.
        (tmp_path / "plain-file").write_text("")
        monkeypatch.setattr(wf, "uploads", tmp_path / "plain-file" / "uploads")
    else:

        def full(self: Path, data: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))

        monkeypatch.setattr(Path, "write_bytes", full)
    response = client.post(URL, data=_application(wf, mentor), content_type="multipart/form-data")
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "Internal Server Error" not in page
    assert TYPED in page  # the form itself again, with what was typed
    assert 'class="generated"' in page
    assert "Not saved" in page


def test_a_download_from_an_unreadable_uploads_folder_is_a_page_in_words(
    app: Flask, wf: Workflow, mentor: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = signed_in_client(app)
    response = client.post(URL, data=_application(wf, mentor), content_type="multipart/form-data")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    link = re.search(r'href="(/p/[^"]+/files/[^"]+)"', page)
    assert link is not None

    def unreadable(self: Path) -> bytes:
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", unreadable)
    response = client.get(link.group(1))
    assert response.status_code == 503
    assert "Internal Server Error" not in response.get_data(as_text=True)


# ---------------------------------------------------------------- start-up


def test_an_app_on_a_database_that_cannot_be_opened_says_so_in_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORFLOW_INSTANCE", str(tmp_path / "instance"))
    (tmp_path / "plain-file").write_text("")  # a database path through a plain file
    url = f"sqlite:///{tmp_path}/plain-file/mentorflow.db"
    with pytest.raises(MentorflowError) as raised:
        create_app(_config(url, tmp_path / "uploads"))
    assert "plain-file" in str(raised.value)
    assert "\n" not in str(raised.value)


def test_an_app_whose_uploads_folder_cannot_be_used_says_so_in_one_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORFLOW_INSTANCE", str(tmp_path / "instance"))
    (tmp_path / "plain-file").write_text("")
    uploads = tmp_path / "plain-file" / "uploads"
    with pytest.raises(MentorflowError) as raised:
        create_app(_config(f"sqlite:///{tmp_path}/db.sqlite", uploads))
    message = str(raised.value)
    assert str(uploads) in message and "\n" not in message


@pytest.mark.parametrize("broken", ["database", "uploads"])
def test_gunicorn_on_what_cannot_be_used_stops_with_one_sentence_and_no_traceback(
    tmp_path: Path, broken: str
) -> None:
    (tmp_path / "plain-file").write_text("")
    impossible = tmp_path / "plain-file" / "inside"
    env = {
        **os.environ,
        "MENTORFLOW_INSTANCE": str(tmp_path / "instance"),
        "MENTORFLOW_DEFINITIONS": str(ROOT / "definitions"),
        "MENTORFLOW_DATABASE_URL": f"sqlite:///{impossible if broken == 'database' else tmp_path}/m.db",
        "MENTORFLOW_UPLOADS": str(impossible if broken == "uploads" else tmp_path / "uploads"),
    }
    server = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--workers", "1", "--graceful-timeout", "1"]
        + ["--bind", "127.0.0.1:0"]
        + ["mentorflow.web.wsgi:app"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    said = server.stdout + server.stderr
    assert server.returncode != 0
    assert "Traceback" not in said
    # The worker says one sentence (each worker would say the same); the master stops.
    sentences = {line for line in said.splitlines() if line.startswith("mentorflow: ")}
    assert len(sentences) == 1 and "plain-file" in sentences.pop(), said
