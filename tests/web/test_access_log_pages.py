"""The access log filled through every door (the enrollment page, a file download, the
answers CSV, `mentorflow export`, the API's door), then read: an admin asks "who opened
Olive's file", Olive reads her own, and nobody else reads anyone's."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner
from flask import Blueprint, Flask
from markupsafe import escape

from mentorflow.engine.definition.fields import FileField
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service.access_log import DOOR
from mentorflow.engine.service.workflow import Workflow
from mentorflow.web.access import through_door
from mentorflow.web.boundary import actor as current_actor
from mentorflow.web.boundary import workflow as current_workflow
from mentorflow.web.cli import main
from tests.conftest import People
from tests.support import sample_answers
from tests.web.conftest import signed_in_client

PROGRAM = "general-mentoring"
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Olive:
    app: Flask
    workflow: Workflow
    olive: Actor
    enrollment_id: str
    file_id: str

    @property
    def enrollment_url(self) -> str:
        return f"/p/{PROGRAM}/enrollments/{self.enrollment_id}"

    @property
    def file_url(self) -> str:
        return f"{self.enrollment_url}/files/{self.file_id}"

    def doors(self, admin: Actor) -> list[tuple[str, str, str]]:
        """Who read Olive's records, what and through which door, newest first."""
        log = self.workflow.access_log_of(self.olive.email, admin)
        return [(e.reader, e.what, e.door) for e in log.entries]


def _api_app(lone_app: Flask) -> Flask:
    """The lone app with a stand-in for the API's blueprint, marked as the API's door the
    one way the API's own blueprint is."""
    bp = Blueprint("api_stand_in", __name__)
    through_door(bp, "api")

    @bp.get("/api-stand-in/<enrollment_id>")
    def enrollment(enrollment_id: str) -> Any:
        return (
            current_workflow()
            .enrollment_page(PROGRAM, enrollment_id, current_actor())
            .view.as_json()
        )

    lone_app.register_blueprint(bp)
    return lone_app


@pytest.fixture
def olive(lone_app: Flask) -> Olive:
    app = _api_app(lone_app)
    wf: Workflow = app.extensions["mentorflow.workflow"]
    people = People(wf.db)
    who = people.person("olive@example.gov", "Olive Mentor")
    people.person("cora@example.gov", "Cora Coordinator", coordinates=PROGRAM)
    people.person("ann@example.gov", "Ann Admin", admin=True)
    people.person("eve@example.gov", "Eve Stranger")
    program = wf.programs[PROGRAM]
    form = program.apply_form("mentor")
    field = form.fields["resume"]
    assert isinstance(field, FileField)
    resume = wf.keep_upload(field, b"%PDF-1.4 cv", "cv.pdf", who)
    eligible = [program.roles["mentor"].eligibility.when]  # type: ignore[union-attr]
    answers = {**sample_answers(program, form, eligible, email=who.email), "resume": resume}
    enrollment = wf.apply(PROGRAM, "mentor", who, answers)
    return Olive(app, wf, who, enrollment.id, resume["id"])


def _export(olive: Olive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MENTORFLOW_DATABASE_URL", olive.workflow.db.url)
    monkeypatch.setenv("MENTORFLOW_DEFINITIONS", str(ROOT / "definitions"))
    result = CliRunner().invoke(main, ["export", PROGRAM, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.stderr


def test_every_door_fills_the_log(
    olive: Olive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = People(olive.workflow.db).person("ann@example.gov", "Ann Admin", admin=True)
    own = signed_in_client(olive.app, "olive@example.gov")
    assert own.get(olive.enrollment_url).status_code == 200
    assert own.get(olive.file_url).status_code == 200
    assert olive.doors(admin) == []  # her own reads

    cora = signed_in_client(olive.app, "cora@example.gov")
    assert cora.get(olive.enrollment_url).status_code == 200
    assert cora.get(olive.enrollment_url, headers={"Accept": "application/json"}).is_json
    assert cora.get(olive.file_url).data == b"%PDF-1.4 cv"
    csv = cora.get(f"/p/{PROGRAM}/forms/mentor_application/answers.csv")
    assert csv.status_code == 200 and "olive@example.gov" in csv.get_data(as_text=True)
    assert cora.get(f"/api-stand-in/{olive.enrollment_id}").status_code == 200
    assert cora.get(olive.enrollment_url).status_code == 200  # back at the pages' door
    _export(olive, tmp_path, monkeypatch)

    assert olive.doors(admin) == [
        ("command line", "enrollment", "export"),
        ("Cora Coordinator", "enrollment", "page"),
        ("Cora Coordinator", "enrollment", "api"),
        ("Cora Coordinator", "submission", "csv"),
        ("Cora Coordinator", "file", "page"),
        ("Cora Coordinator", "enrollment", "page"),
        ("Cora Coordinator", "enrollment", "page"),
    ]
    # The same answer from the shell, which may read anyone's log as the export may.
    shell = CliRunner().invoke(main, ["access-log", "olive@example.gov"])
    assert shell.exit_code == 0, shell.stderr
    lines = shell.stdout.splitlines()
    assert lines[0].startswith("Access log of Olive Mentor <olive@example.gov>: 7 reads")
    assert lines[1].split("\t")[1:] == [
        "command line",
        f"{olive.workflow.programs[PROGRAM].title}: the mentor enrollment (enrollment)",
        "export",
    ]
    assert "cv.pdf (file)" in lines[5] and lines[5].endswith("\tpage")
    unknown = CliRunner().invoke(main, ["access-log", "nobody@example.gov"])
    assert unknown.exit_code == 1 and "There is no one known as" in unknown.stderr


def test_a_command_reads_through_the_command_lines_door_and_puts_it_back(olive: Olive) -> None:
    seen: list[str] = []

    @click.command("door-seen")
    def door_seen() -> None:
        seen.append(DOOR.get())

    main.add_command(door_seen)
    try:
        result = CliRunner().invoke(main, ["door-seen"])
    finally:
        main.commands.pop("door-seen")
    assert result.exit_code == 0, result.output
    assert seen == ["command"]
    assert DOOR.get() == "page"  # nothing left behind in the caller


def test_an_admin_finds_who_opened_olives_file(olive: Olive) -> None:
    cora = signed_in_client(olive.app, "cora@example.gov")
    assert cora.get(olive.file_url).status_code == 200
    ann = signed_in_client(olive.app, "ann@example.gov")
    assert ann.get(olive.enrollment_url).status_code == 200

    assert 'href="/admin/access"' in ann.get("/admin").get_data(as_text=True)
    search = ann.get("/admin/access")
    assert search.status_code == 200 and 'name="email"' in search.get_data(as_text=True)
    found = ann.get("/admin/access", query_string={"email": "Olive@example.gov"})
    assert found.status_code == 303
    assert found.headers["Location"].endswith(f"/admin/people/{olive.olive.person_id}/access")
    page = ann.get(found.headers["Location"]).get_data(as_text=True)
    assert "Olive Mentor" in page
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 2
    assert "Ann Admin" in rows[0] and "page" in rows[0] and "enrollment" in rows[0]
    assert "Cora Coordinator" in rows[1] and "cv.pdf" in rows[1] and "page" in rows[1]
    assert f'href="{olive.file_url}"' in rows[1]  # the admin may open it

    missing = ann.get("/admin/access", query_string={"email": "nobody@example.gov"})
    assert missing.status_code == 404
    assert 'value="nobody@example.gov"' in missing.get_data(as_text=True)  # kept as typed


@pytest.mark.parametrize("who", ["cora@example.gov", "olive@example.gov", "eve@example.gov"])
def test_no_one_but_an_admin_reads_anothers_log(olive: Olive, who: str) -> None:
    client = signed_in_client(olive.app, who)
    assert client.get("/admin/access").status_code == 403
    assert client.get("/admin/access", query_string={"email": olive.olive.email}).status_code == 403
    assert client.get(f"/admin/people/{olive.olive.person_id}/access").status_code == 403
    assert olive.app.test_client().get("/me/access").status_code in (302, 303)


def test_olive_reads_who_opened_her_records(olive: Olive) -> None:
    cora = signed_in_client(olive.app, "cora@example.gov")
    assert cora.get(olive.file_url).status_code == 200
    assert cora.get(olive.enrollment_url).status_code == 200
    own = signed_in_client(olive.app, "olive@example.gov")
    assert 'href="/me/access"' in own.get("/account").get_data(as_text=True)
    page = own.get("/me/access").get_data(as_text=True)
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert len(rows) == 2
    assert "Cora Coordinator" in rows[0] and f'href="{olive.enrollment_url}"' in rows[0]
    assert "cv.pdf" in rows[1] and "href=" not in rows[1]
    assert own.get("/me/access?page=9").status_code == 400
    # Cora's own log holds nothing: nobody read her records.
    assert "No one" in cora.get("/me/access").get_data(as_text=True)


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        ("", 200),
        ("   ", 200),
        ("nobody@example.gov", 404),
        ("not an address", 404),
        ("x" * 400, 404),
        ('"><script>alert(1)</script>', 404),
        ("olive@example.gov\x00", 404),
    ],
)
def test_the_admin_search_answers_bad_input_in_words_and_keeps_it(
    olive: Olive, typed: str, status: int
) -> None:
    ann = signed_in_client(olive.app, "ann@example.gov")
    response = ann.get("/admin/access", query_string={"email": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == status, page[:1000]
    assert "<script>alert" not in page
    if status == 404:
        assert "There is no one known as" in page
        assert f'value="{escape(typed.strip())}"' in page
