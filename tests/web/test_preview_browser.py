"""`mentorflow preview` of each example in Chromium: its forms, diagrams and simulator; the
clock moved 40 days until a reminder appears; the file edited while the page is open (the
page shows the change by itself, no restart), broken (its problem at the right line),
and mended (the personas kept)."""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import make_server

from mentorflow.engine.definition.loader import load_file
from mentorflow.web.preview import PreviewServer
from tests.web.browser_fixtures import chromium  # noqa: F401  (the fixture)
from tests.web.test_walkthrough import Audit

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "definitions").glob("*.yaml"))
# What each example needs done before 40 days bring a reminder: (persona, step) on the
# persona's card, or ("match", mentee). The general and human-services programs remind
# about an application left waiting; the others only further along.
BEFORE_THE_CLOCK: dict[str, list[tuple[str, str]]] = {
    "general-agency": [],
    "human-services-caseload": [],
    "psychiatric-nursing": [("Ann Lee", "Accept after screening")],
    "civil-engineers": [
        ("Ann Lee", "Accept after screening"),
        ("Ann Lee", "Record orientation attendance"),
        ("Ben Ortiz", "Accept after screening"),
        ("Ben Ortiz", "Record orientation attendance"),
        ("match", "Ann Lee"),
    ],
}


@pytest.fixture
def preview(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[str, Path]]:
    source: Path = request.param
    monkeypatch.setenv("MENTORFLOW_INSTANCE", str(tmp_path / "instance"))
    definition = tmp_path / source.name
    definition.write_text(source.read_text())
    server = PreviewServer(definition, folder=tmp_path / "sandbox")
    http = make_server("127.0.0.1", 0, server, threaded=True)
    thread = threading.Thread(target=http.serve_forever, name="preview", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}", definition
    finally:
        http.shutdown()
        thread.join(timeout=10)
        http.server_close()
        server.close()


def _save(path: Path, text: str) -> None:
    """Save as an editor would; the time stamp moved on so even a same-second save shows."""
    before = path.stat().st_mtime_ns
    path.write_text(text)
    os.utime(path, ns=(before + 10**9, before + 10**9))


def _card(page: Page, name: str):  # noqa: ANN202  (a Playwright locator)
    return page.locator("article.enrollment-card").filter(
        has=page.get_by_role("heading", name=re.compile(f"^{name},"))
    )


def _do(page: Page, who: str, what: str) -> None:
    if who == "match":
        _card(page, what).get_by_role("button", name="Match").click()
    else:
        row = _card(page, who).locator("li").filter(has_text=what)
        row.get_by_role("button", name="Take").click()
    expect(page.locator(".message.confirmation").first).not_to_contain_text("Not done")


@pytest.mark.parametrize("preview", EXAMPLES, ids=lambda p: p.stem, indirect=True)
def test_preview_of_an_example_simulates_edits_and_shows_problems(
    chromium: Browser,  # noqa: F811
    preview: tuple[str, Path],
) -> None:
    url, definition = preview
    program = load_file(definition)
    context = chromium.new_context(base_url=url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    failures: list[str] = []
    page.on("response", lambda r: failures.append(r.url) if r.status >= 500 else None)
    try:
        page.goto("/preview")
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Preview of {program.title}")
        # Its forms, each as participants see it, and its lifecycles drawn.
        forms = page.locator("#forms li a")
        expect(forms).to_have_count(len(program.forms))
        expect(page.locator("#lifecycles svg")).to_have_count(len(program.lifecycles))
        first = next(iter(program.forms.values()))
        page.get_by_role("link", name=first.title, exact=True).first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(first.title)
        page.get_by_role("link", name="Show it with sample answers").click()
        expect(page.locator("form.generated")).to_be_visible()
        page.goto("/preview")

        # The simulator: personas, applications, the steps each example needs.
        page.get_by_role("button", name="Make personas").click()
        page.get_by_role("button", name="Apply as Ann Lee with sample answers").click()
        page.get_by_role("button", name="Apply as Ben Ortiz with sample answers").click()
        expect(_card(page, "Ann Lee")).to_be_visible()
        for who, what in BEFORE_THE_CLOCK[definition.stem]:
            _do(page, who, what)
        expect(page.locator("#messages tr.reminder")).to_have_count(0)
        page.get_by_role("button", name="+40 days").click()
        expect(page.get_by_text("40 days after the sandbox started.")).to_be_visible()
        expect(page.get_by_text("40 days passed.")).to_be_visible()
        expect(page.locator("#messages tr.reminder").first).to_be_visible()
        expect(page.get_by_text(re.compile("^Reminder queued about")).first).to_be_visible()
        audit = Audit() if definition.stem == "general-agency" else None
        if audit:  # axe-core, 320px overflow and screenshots: once, pages do not vary
            audit.check(SimpleNamespace(page=page), "preview-simulator", shoot=True)
            page.get_by_role("link", name="Check-in", exact=True).click()
            audit.check(SimpleNamespace(page=page), "preview-form", shoot=True)
            page.goto("/preview")

        # An edit shows by itself, without a restart.
        text = definition.read_text()
        _save(definition, text.replace(f"title: {program.title}", "title: Renamed while open", 1))
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Preview of Renamed while open", timeout=15_000
        )

        # A broken edit: the page shows the problem at its line, then the fix brings it back.
        lines = text.splitlines()
        at = next(i for i, line in enumerate(lines) if "initial: applied" in line) + 1
        _save(definition, text.replace("initial: applied", "initial: aplied", 1))
        expect(page.locator(".problem .where").first).to_contain_text(
            f"{definition.name}:{at}:", timeout=15_000
        )
        expect(page.locator(".source .at").first).to_contain_text("initial: aplied")
        if audit:
            audit.check(SimpleNamespace(page=page), "preview-problems", shoot=True)
        _save(definition, text)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Preview of {program.title}", timeout=15_000
        )
        expect(_card(page, "Ann Lee")).to_be_visible()  # the personas were kept
        assert audit is None or audit.problems == []
    finally:
        context.close()
    assert failures == []
