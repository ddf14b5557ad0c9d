"""The public pages: programs accepting applications and each program's page."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mentorflow.web import create_app

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "engine" / "data" / "small.yaml"


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setenv("MENTORFLOW_INSTANCE", str(tmp_path / "instance"))
    return create_app({"TESTING": True, "MENTORFLOW_DEFINITIONS": str(ROOT / "definitions")})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def test_index_lists_programs_accepting_applications(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    for program_id in ("general-mentoring", "civil-engineers", "psychiatric-nursing"):
        assert f'href="/p/{program_id}"' in page


@pytest.mark.parametrize(
    "program_id",
    ["general-mentoring", "civil-engineers", "psychiatric-nursing", "human-services-caseload"],
)
def test_program_page_shows_purpose_eligibility_and_contact(
    client: FlaskClient, app: Flask, program_id: str
) -> None:
    program = app.extensions["mentorflow.programs"][program_id]
    response = client.get(f"/p/{program_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert program.info.contact.email in page
    assert "Who may apply" in page
    eligibility = program.roles["mentee"].eligibility
    if eligibility:
        assert eligibility.text.split("\n")[0][:30].replace("'", "&#39;") in page


def test_unknown_program_is_404(client: FlaskClient) -> None:
    assert client.get("/p/nope").status_code == 404


def test_definition_text_is_never_html(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "defs"
    folder.mkdir()
    hostile = SMALL.read_text().replace(
        "title: Small Program", "title: Small Program\n  purpose: '<script>alert(1)</script>'"
    )
    (folder / "small.yaml").write_text(hostile)
    monkeypatch.setenv("MENTORFLOW_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "MENTORFLOW_DEFINITIONS": str(folder)})
    page = app.test_client().get("/p/small-program").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_broken_definition_stops_the_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "defs"
    folder.mkdir()
    (folder / "small.yaml").write_text(SMALL.read_text().replace("revision: 1", "revision: 0"))
    monkeypatch.setenv("MENTORFLOW_INSTANCE", str(tmp_path / "instance"))
    from mentorflow.engine import DefinitionError

    with pytest.raises(DefinitionError, match="small.yaml:7:13"):
        create_app({"MENTORFLOW_DEFINITIONS": str(folder)})


def test_secret_key_is_generated_once_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MENTORFLOW_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.delenv("MENTORFLOW_SECRET_KEY", raising=False)
    first = create_app({"MENTORFLOW_DEFINITIONS": str(ROOT / "definitions")})
    second = create_app({"MENTORFLOW_DEFINITIONS": str(ROOT / "definitions")})
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert len(first.config["SECRET_KEY"]) >= 32
