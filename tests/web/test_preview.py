"""`mentorflow preview` served by the test client: the simulator page, personas acting in
the real app, the clock, forms as participants see them, and the file read again on save
(its problems shown at their lines while it is broken)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.test import Client, TestResponse

from mentorflow.web.preview import PreviewServer

ROOT = Path(__file__).resolve().parents[2]
GENERAL = ROOT / "definitions" / "general-agency.yaml"
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]+)">')


@pytest.fixture
def served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[PreviewServer, Client, Path]]:
    monkeypatch.setenv("MENTORFLOW_INSTANCE", str(tmp_path / "instance"))
    definition = tmp_path / "general-agency.yaml"
    definition.write_text(GENERAL.read_text())
    server = PreviewServer(definition, folder=tmp_path / "sandbox")
    try:
        yield server, Client(server), definition
    finally:
        server.close()


def _keys(page: TestResponse) -> dict[str, str]:
    return dict(HIDDEN.findall(page.get_data(as_text=True)))


def _post(client: Client, url: str, **data: str) -> TestResponse:
    keys = _keys(client.get("/preview"))
    return client.post(url, data={**keys, **data}, follow_redirects=True)


def _save(path: Path, text: str) -> None:
    before = path.stat().st_mtime_ns
    path.write_text(text)
    os.utime(path, ns=(before + 10**9, before + 10**9))


def test_the_simulator_page_lists_forms_diagrams_and_offers_personas(served) -> None:
    _, client, _ = served
    page = client.get("/preview").get_data(as_text=True)
    assert "Preview of Agency Workplace Mentoring Program" in page
    assert page.count("<svg") == 2  # the mentee's and the mentor's lifecycles
    assert "/preview/forms/learning_contract" in page
    assert "Make personas" in page
    assert "preview.js" in page and 'name="mentorflow-preview-version"' in page


def test_personas_apply_and_take_steps_with_reasons_for_refusals(served) -> None:
    server, client, _ = served
    page = _post(client, "/preview/cast").get_data(as_text=True)
    assert "Made a mentee, a mentor, a supervisor and a coordinator." in page
    page = _post(client, "/preview/apply/ann_lee").get_data(as_text=True)
    assert "Ann Lee applied with sample answers." in page
    assert 'Ann Lee, mentee: <span class="state">Applied</span>' in page
    # The sample application does not say the supervisor was told: screening waits, and
    # the page says why, as the enrollment page would.
    page = _post(client, "/preview/take/ann_lee/screen", **{"as": "cora_diaz"}).get_data(
        as_text=True
    )
    assert "Not done: Accept after screening is not possible yet" in page
    ann = server.sandbox.personas["ann_lee"]
    assert ann.enrollment_id is not None
    assert server.sandbox.inspect(ann.enrollment_id).enrollment.state == "applied"


def test_moving_the_clock_shows_the_reminders_it_queued(served) -> None:
    _, client, _ = served
    _post(client, "/preview/cast")
    _post(client, "/preview/apply/ann_lee")
    page = _post(client, "/preview/clock", days="15").get_data(as_text=True)
    assert "15 days passed." in page
    assert "Reminder queued about Ann Lee (14 days in applied)" in page
    assert '<tr class="reminder">' in page
    assert "days after the sandbox started" in page
    refused = _post(client, "/preview/clock", days="-3").get_data(as_text=True)
    assert "move the clock forward by 1 to 3650 days" in refused


def test_acting_as_a_persona_signs_in_to_the_real_app(served) -> None:
    _, client, _ = served
    _post(client, "/preview/cast")
    page = _post(client, "/preview/act/ann_lee").get_data(as_text=True)
    assert "You are now Ann Lee (mentee)." in page
    assert "Apply" in page and "Sandbox preview" in page  # the real apply form, in the bar
    assert client.get("/me").status_code == 200


def test_a_form_shows_as_participants_see_it_with_sample_answers(served) -> None:
    _, client, _ = served
    page = client.get("/preview/forms/learning_contract?sample=1").get_data(as_text=True)
    assert "<h1>Learning contract</h1>" in page
    assert 'value="Sample ' in page  # a text answer made from the field
    # A field shown only when an earlier answer says so carries its rule for the page script.
    check_in = client.get("/preview/forms/check_in").get_data(as_text=True)
    assert 'id="field-obstacle_types"' in check_in and "data-show-if=" in check_in
    assert "Sending is off in the preview" in page
    assert client.get("/preview/forms/no_such_form").status_code == 404


def test_a_saved_change_shows_without_a_restart(served) -> None:
    server, client, definition = served
    version = client.get("/preview/version").json["version"]
    text = definition.read_text()
    _save(
        definition,
        text.replace("title: Agency Workplace Mentoring Program", "title: Mentoring, renamed"),
    )
    assert client.get("/preview/version").json["version"] == version + 1
    assert "Preview of Mentoring, renamed" in client.get("/preview").get_data(as_text=True)


def test_a_broken_file_shows_its_problems_at_their_lines_until_fixed(served) -> None:
    server, client, definition = served
    _post(client, "/preview/cast")
    text = definition.read_text()
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if "to: screened" in line) + 1
    _save(definition, text.replace("to: screened", "to: screend", 1))
    for address in ("/preview", "/me", "/p/general-mentoring"):
        page = client.get(address).get_data(as_text=True)
        assert f"general-agency.yaml:{at}:" in page, address
        assert "screend" in page and "has 1 problem" in page
    assert '<span class="at">' in page  # the line itself, marked, with its neighbours
    _save(definition, text)
    page = client.get("/preview").get_data(as_text=True)
    assert "Preview of Agency Workplace Mentoring Program" in page
    assert "Ben Ortiz" in page  # the personas were kept while the file was broken


def test_the_preview_blueprint_is_not_on_the_live_app(app) -> None:
    assert "preview" not in app.blueprints
    assert app.test_client().get("/preview").status_code == 404
