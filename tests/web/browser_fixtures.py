"""Fixtures for the browser tests: the app served on a real port, a Chromium driven by
Playwright, and a clock the test moves.

Chromium is Debian's (`/usr/bin/chromium`); Playwright's own browser download is never
used. Without it the tests skip with the reason, except in CI (env `CI` set), where a
missing browser is a failure: CI must never skip them silently.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from werkzeug.serving import make_server

from mentorflow.engine.rules.access import SYSTEM_ACTOR, Actor
from mentorflow.engine.service.workflow import Workflow
from mentorflow.engine.settings import Settings
from mentorflow.web import create_app
from tests.conftest import Clock
from tests.web.conftest import link_mailed_to

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Response

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct horse battery"
SHOTS = Path("/tmp/journey")
# Where people land after signing in: their enrollments, a desk or the admin page.
HOME = re.compile(r".*/(me|admin|p/[^/]+/coordinator)$")


class BrowserClock(Clock):
    """The tests' clock, read by the app on every request, with dates for form inputs."""

    def today(self, plus_days: int = 0) -> str:  # type: ignore[override]
        return (self.now.date() + dt.timedelta(days=plus_days)).isoformat()


@dataclass
class LiveServer:
    url: str
    app: Flask
    clock: BrowserClock

    @property
    def workflow(self) -> Workflow:
        found: Workflow = self.app.extensions["mentorflow.workflow"]
        return found

    def actor(self, email: str) -> Actor:
        """The person with this e-mail as the engine sees them (for engine calls)."""
        found = self.workflow.find_actor(email)
        assert found is not None, email
        return found

    def add_coordinator(self, email: str, name: str, program_id: str) -> None:
        self.workflow.grant_staff(SYSTEM_ACTOR, email, name, program_id, PASSWORD)


@pytest.fixture
def live_server(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LiveServer]:
    """The real app on 127.0.0.1 and a free port, in a background thread."""
    monkeypatch.setenv("MENTORFLOW_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("MENTORFLOW_SECRET_KEY", "browser-tests-only")
    clock = BrowserClock()
    app = create_app(
        {
            "MENTORFLOW_DATABASE_URL": db_url,
            "MENTORFLOW_DEFINITIONS": str(ROOT / "definitions"),
            "MENTORFLOW_UPLOADS": str(tmp_path / "uploads"),
            "MENTORFLOW_CLOCK": clock,
            # The journeys move the clock by weeks, and people stay signed in across them
            # (sessions that end have tests of their own, in test_identity.py).
            # Everything else about identity comes from the environment, as in production.
            "MENTORFLOW_IDENTITY": replace(
                Settings.from_env().identity,
                session_idle=dt.timedelta(days=365),
                session_lifetime=dt.timedelta(days=365),
            ),
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app, clock)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions["mentorflow.workflow"].db.dispose()


# Each test module that imports `chromium` gets a fixture of its own, but the sync API allows
# only one Playwright at a time: the first module's starts it, later modules share it (their
# session fixtures are torn down first, last in first out).
_SHARED: list[Browser] = []


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """One Chromium for the whole session; each person gets a fresh context."""
    if not CHROMIUM.exists():
        reason = f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must not skip them", pytrace=False)
        pytest.skip(reason)
    if _SHARED:  # another test module imported this fixture too: one Playwright per thread
        yield _SHARED[0]
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        _SHARED.append(browser)
        try:
            yield browser
        finally:
            _SHARED.clear()
            browser.close()


class Visitor:
    """One person at their own browser (a fresh context: their own cookies)."""

    def __init__(self, browser: Browser, server: LiveServer, email: str, name: str):
        self.context = browser.new_context(base_url=server.url)
        self.context.set_default_timeout(10_000)
        self.page: Page = self.context.new_page()
        self.server_errors: list[str] = []  # every 5xx answer this person got
        self.page.on("response", self._note_server_error)
        self.server = server
        self.email = email
        self.name = name

    def _note_server_error(self, response: Response) -> None:
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.request.method} {response.url}")

    def register(self) -> None:
        page = self.page
        page.goto("/register")
        page.get_by_label("Your name").fill(self.name)
        page.get_by_label("E-mail address").fill(self.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Register").click()
        page.wait_for_url("**/verify")
        # The link as the mail (without SMTP: the server's log) gives it.
        page.goto(link_mailed_to(self.server.workflow, self.email))
        page.get_by_label("Your password").fill(PASSWORD)
        page.get_by_role("button", name=f"Verify {self.email}").click()
        page.wait_for_url("**/me")

    def sign_in(self) -> None:
        page = self.page
        page.goto("/login")
        page.get_by_label("E-mail address").fill(self.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(HOME)  # where this person's work is: the desk, admin or /me

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


class Browsers:
    """Opens a browser context per person and closes them all at the end."""

    def __init__(self, browser: Browser, server: LiveServer):
        self.browser = browser
        self.server = server
        self.opened: list[Visitor] = []

    def __call__(self, email: str, name: str) -> Visitor:
        visitor = Visitor(self.browser, self.server, email, name)
        self.opened.append(visitor)
        return visitor

    def close(self) -> None:
        errors = [e for visitor in self.opened for e in visitor.server_errors]
        for visitor in self.opened:
            visitor.close()
        assert not errors, f"the server failed: {errors}"


@pytest.fixture
def browsers(chromium: Browser, live_server: LiveServer) -> Iterator[Browsers]:
    """`browsers(email, name)` gives that person their own fresh browser context."""
    found = Browsers(chromium, live_server)
    yield found
    found.close()
