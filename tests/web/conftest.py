"""Fixtures for the web tests: the app with CSRF on, browsers signed in as people, a scene.

One app (and database) per test module and database kind keeps the tests quick; tests
that change records work on people and enrollments of their own (`World.scene()`,
`World.applicant()`, `unique()` addresses), so they never disturb one another.
"""

from __future__ import annotations

import itertools
import re
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from mentorflow.engine.definition.fields import BooleanField, ConsentField, FileField, GroupField
from mentorflow.engine.definition.program import Program
from mentorflow.engine.records.store import OpenItem, OutboxMessage
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service import people as people_module
from mentorflow.engine.service import throttle
from mentorflow.engine.service.workflow import Workflow
from mentorflow.web import create_app
from tests.conftest import (
    DATABASES,
    SMALL,
    Clock,
    People,
    module_database_url,
)
from tests.support import sample_answers, unique

ROOT = Path(__file__).resolve().parents[2]
GENERAL = "general-mentoring"
PASSWORD = "correct horse battery"
ROLES = ("anonymous", "mentee", "mentor", "supervisor", "coordinator", "other", "admin", "stranger")
_ADDRESSES = itertools.count(1)
TOKEN = re.compile(r'<input type="hidden" name="csrf_token" value="([^"]+)">')


# ---------------------------------------------------------------- the app


@pytest.fixture(scope="module", params=DATABASES)
def web_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    return module_database_url(request.param, tmp_path_factory)


@pytest.fixture(scope="module")
def web_clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def app(
    web_db_url: str, web_clock: Clock, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    tmp = tmp_path_factory.mktemp("web")
    definitions = tmp / "definitions"
    definitions.mkdir()
    for source in [*sorted((ROOT / "definitions").glob("*.yaml")), SMALL]:
        shutil.copy(source, definitions / source.name)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MENTORFLOW_INSTANCE", str(tmp / "instance"))
        patch.delenv("MENTORFLOW_SECRET_KEY", raising=False)
        # Cheap password hashes (the strength of the real ones is the engine tests' business).
        patch.setitem(people_module._SCRYPT, "n", 2**4)
        # The tests' clock stands still, so every sign-in of a module falls in the same
        # second: the ceiling on checks a second is the throttle tests' business.
        patch.setattr(throttle, "CHECKS_PER_SECOND", 1_000_000)
        found = create_app(
            {
                "TESTING": True,
                "WTF_CSRF_ENABLED": True,  # the real behaviour: every POST carries the token
                "MENTORFLOW_DATABASE_URL": web_db_url,
                "MENTORFLOW_DEFINITIONS": str(definitions),
                "MENTORFLOW_UPLOADS": str(tmp / "uploads"),
                "MENTORFLOW_CLOCK": web_clock,
            }
        )
        yield found
        found.extensions["mentorflow.workflow"].db.dispose()


@contextmanager
def app_on_definitions(
    definitions: Mapping[str, str], tmp_path: Path, db_url: str, clock: Clock
) -> Iterator[Flask]:
    """The app (CSRF on) on definitions given as text by file name, at `db_url`, read by
    the tests' clock: for tests of a definition written for them."""
    folder = tmp_path / "definitions"
    folder.mkdir()
    for name, text in definitions.items():
        (folder / name).write_text(text)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MENTORFLOW_INSTANCE", str(tmp_path / "instance"))
        found = create_app(
            {
                "TESTING": True,
                "WTF_CSRF_ENABLED": True,
                "MENTORFLOW_DATABASE_URL": db_url,
                "MENTORFLOW_DEFINITIONS": str(folder),
                "MENTORFLOW_UPLOADS": str(tmp_path / "uploads"),
                "MENTORFLOW_CLOCK": clock,
            }
        )
        try:
            yield found
        finally:
            found.extensions["mentorflow.workflow"].db.dispose()


@pytest.fixture
def lone_app(
    tmp_path: Path, db_url: str, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Flask]:
    """An app of one test's own, on the repository's definitions, with CSRF off, files in
    `tmp_path` and the test's clock: for tests that break or fill what the app stands on."""
    monkeypatch.setenv("MENTORFLOW_INSTANCE", str(tmp_path / "instance"))
    found = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "MENTORFLOW_DATABASE_URL": db_url,
            "MENTORFLOW_DEFINITIONS": str(ROOT / "definitions"),
            "MENTORFLOW_UPLOADS": str(tmp_path / "uploads"),
            "MENTORFLOW_CLOCK": clock,
        }
    )
    yield found
    found.extensions["mentorflow.workflow"].db.dispose()


@pytest.fixture
def lone_workflow(lone_app: Flask) -> Workflow:
    return lone_app.extensions["mentorflow.workflow"]  # type: ignore[no-any-return]


@pytest.fixture
def lone_mentor(lone_workflow: Workflow) -> Actor:
    """Max, with an account on the lone app (sign him in with `signed_in_client`)."""
    return People(lone_workflow.db).person("max@example.gov", "Max Mentor")


def signed_in_client(app: Flask, email: str = "max@example.gov") -> FlaskClient:
    """A test client signed in as `email` (made with the tests' password), CSRF off."""
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 303
    return client


# ---------------------------------------------------------------- browsers


def csrf_token_in(page: str) -> str | None:
    found = TOKEN.search(page)
    return found.group(1) if found else None


def redirects_to_login(response: TestResponse) -> bool:
    return response.status_code == 302 and urlsplit(response.location).path == "/login"


class Browser:
    """A test client of one person (or nobody), posting with the session's CSRF token."""

    def __init__(self, client: FlaskClient, who: Actor | None):
        # Each browser is a device of its own, so the throttle's count of failed sign-ins
        # from one address never carries from one test to another.
        n = next(_ADDRESSES)
        client.environ_base["REMOTE_ADDR"] = f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"
        self.client = client
        self.who = who
        self._token: str | None = None

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        return self.client.get(url, **kwargs)

    def json(self, url: str) -> TestResponse:
        return self.client.get(url, headers={"Accept": "application/json"})

    def token(self, page: str = "/login") -> str:
        """GET a page and take the hidden `csrf_token` input from it (once per session)."""
        if self._token is None:
            response = self.get(page)
            found = csrf_token_in(response.get_data(as_text=True))
            if found is None and page != "/login":
                found = csrf_token_in(self.get("/login").get_data(as_text=True))
            assert found, f"no csrf_token on {page}"
            self._token = found
        return self._token

    def post(
        self,
        url: str,
        data: Mapping[str, Any] | MultiDict[str, Any] | None = None,
        *,
        page: str | None = None,
        csrf: bool = True,
        **kwargs: Any,
    ) -> TestResponse:
        form: MultiDict[str, Any] = MultiDict(data or {})
        if csrf:
            form["csrf_token"] = self.token(page or url)
        return self.client.post(url, data=form, **kwargs)

    def sign_in(self, who: Actor, password: str = PASSWORD) -> Browser:
        response = self.post("/login", {"email": who.email, "password": password})
        assert response.status_code == 303, response.get_data(as_text=True)
        self._token = None  # signing in starts a new session, with a CSRF token of its own
        self.who = who
        return self


def link_mailed_to(workflow: Workflow, email: str, path: str = "/verify/") -> str:
    """The path (`/verify/<token>` or `/invite/<token>`) of the newest such link mailed to
    the address, as the mail (or, without SMTP, the server's log) gives it."""
    with workflow.db.session() as session:
        bodies = session.scalars(
            select(OutboxMessage.body)
            .where(OutboxMessage.to_email == email.lower())
            .order_by(OutboxMessage.id.desc())
        ).all()
    for body in bodies:
        found = re.search(r"https?://[^/\s]+(" + re.escape(path) + r"[A-Za-z0-9_-]+)", body)
        if found:
            return found.group(1)
    raise AssertionError(f"no {path} link was mailed to {email}")


def register_and_verify(client: FlaskClient, name: str, email: str, workflow: Workflow) -> Browser:
    """Register as a person would: the form, then the link mailed to them (with the
    password they chose), which signs them in."""
    browser = Browser(client, None)
    response = browser.post("/register", {"name": name, "email": email, "password": PASSWORD})
    assert response.status_code == 303, response.get_data(as_text=True)
    link = link_mailed_to(workflow, email)
    response = browser.post(link, {"password": PASSWORD}, page=link)
    assert response.status_code == 303, response.get_data(as_text=True)
    browser._token = None  # signed in by it: a new session, with a CSRF token of its own
    return browser


def field_block(page: str, key: str) -> str:
    """The field's block around its error: from the `<div class="field` before the error
    to the next one."""
    error = page.find(f'id="{key}-error"')
    assert error >= 0, f"no error next to {key}"
    start = page.rfind('<div class="field', 0, error)
    end = page.find('<div class="field', error)
    return page[start : end if end >= 0 else len(page)]


# ---------------------------------------------------------------- answers as a browser sends them


def form_data(program: Program, form_id: str, answers: Mapping[str, Any]) -> MultiDict[str, Any]:
    """Stored answers as the browser posts them: a multichoice once per value, a ticked
    boolean or consent as `y`, a group's entries as `<group>-<n>-<field>`."""
    form = program.forms[form_id]
    data: MultiDict[str, Any] = MultiDict()

    def put(name: str, f: Any, value: Any) -> None:
        if isinstance(f, BooleanField | ConsentField):
            if value:
                data.add(name, "y")
        elif isinstance(f, FileField):
            return
        elif isinstance(value, list):
            for item in value:
                data.add(name, str(item))
        elif value is not None:
            data.add(name, str(value))

    for f in form.fields.values():
        value = answers.get(f.id)
        if isinstance(f, GroupField):
            for n, entry in enumerate(value or []):
                for sub in f.fields:
                    put(f"{f.id}-{n}-{sub.id}", sub, entry.get(sub.id))
        else:
            put(f.id, f, value)
    return data


# ---------------------------------------------------------------- the scene


@dataclass
class Scene:
    """A matched pair in the general program, the mentee's supervisor, and the secrets
    that only their writers and staff may read."""

    mentee: Actor
    mentor: Actor
    supervisor: Actor
    mentee_id: str
    mentor_id: str
    secrets: dict[str, str] = field(default_factory=dict)


@dataclass
class Applicant:
    """A mentee still in `applied`, whose supervisor has not been told (so `screen` is
    refused by its guard)."""

    mentee: Actor
    enrollment_id: str


@dataclass
class World:
    app: Flask
    workflow: Workflow
    people: People
    coordinator: Actor
    other_coordinator: Actor
    admin: Actor
    stranger: Actor
    main: Scene = field(init=False)
    waiting: Applicant = field(init=False)
    item_id: str = ""
    _browsers: dict[str, Browser] = field(default_factory=dict)

    @property
    def program(self) -> Program:
        return self.workflow.programs[GENERAL]

    @property
    def today(self) -> Any:
        return self.workflow.clock().date()

    def sample(self, form_id: str, **kwargs: Any) -> dict[str, Any]:
        return sample_answers(self.program, form_id, today=self.today, **kwargs)

    def apply_answers(self, role: str, who: Actor, supervisor: str, **changes: Any) -> dict:
        program = self.program
        satisfy = [program.roles[role].eligibility.when]  # type: ignore[union-attr]
        if role == "mentee":
            satisfy.append(program.lifecycle_of("mentee").transitions["screen"].requires.when)  # type: ignore[union-attr]
        answers = sample_answers(
            program,
            program.apply_form(role),
            satisfy,
            self.today,
            email=who.email,
            supervisor=supervisor,
        )
        answers.update(changes)
        return answers

    def scene(self, *, contract: bool = True, boss: str | None = None) -> Scene:
        """A new mentee and mentor, matched, with a learning contract submitted (unsigned);
        `boss`: the supervisor address the mentee names, instead of the scene's supervisor."""
        wf, coordinator = self.workflow, self.coordinator
        mentee = self.people.person(unique("mentee"), "Mina Mentee")
        mentor = self.people.person(unique("mentor"), "Milo Mentor")
        supervisor = self.people.person(unique("supervisor"), "Sue Supervisor")
        secrets = {
            "goals": f"Secret goals {unique('g')}: to learn budgeting without my team knowing.",
            "qualifications": f"Secret qualifications {unique('q')}. " + "Long story. " * 10,
            "screening": f"Screening secret {unique('s')}",
        }
        answers = self.apply_answers(
            "mentee", mentee, boss or supervisor.email, development_goals=secrets["goals"]
        )
        mentee_id = wf.apply(GENERAL, "mentee", mentee, answers).id
        notes = {**self.sample("mentee_screening"), "notes": secrets["screening"]}
        wf.take(mentee_id, "screen", coordinator, notes)
        wf.take(mentee_id, "record_orientation", coordinator, self.sample("training_attendance"))
        answers = self.apply_answers(
            "mentor", mentor, unique("mentor.boss"), qualifications=secrets["qualifications"]
        )
        mentor_id = wf.apply(GENERAL, "mentor", mentor, answers).id
        wf.take(mentor_id, "screen", coordinator, self.sample("mentor_screening"))
        wf.take(
            mentor_id, "record_training", coordinator, self.sample("mentor_training_attendance")
        )
        wf.match(mentee_id, mentor_id, coordinator)
        if contract:
            wf.submit(mentee_id, "learning_contract", mentee, self.sample("learning_contract"))
        return Scene(mentee, mentor, supervisor, mentee_id, mentor_id, secrets)

    def active_scene(self) -> Scene:
        """A scene whose relationship has started: the contract signed by all three."""
        scene, wf = self.scene(), self.workflow
        contract = {**self.sample("learning_contract"), "release_time": True}
        wf.submit(scene.mentee_id, "learning_contract", scene.mentee, contract)
        for signer in (scene.mentee, scene.mentor, scene.supervisor):
            wf.sign(scene.mentee_id, "learning_contract", signer)
        assert wf.take(scene.mentee_id, "start", self.coordinator).state == "active"
        return scene

    def applicant(self) -> Applicant:
        """A new mentee in `applied`, with the main scene's supervisor as theirs."""
        mentee = self.people.person(unique("applicant"), "Abe Applicant")
        boss = self.main.supervisor.email
        answers = self.apply_answers("mentee", mentee, boss, supervisor_informed=False)
        return Applicant(mentee, self.workflow.apply(GENERAL, "mentee", mentee, answers).id)

    def browser(self, who: Actor | None, *, fresh: bool = False) -> Browser:
        """A client signed in as `who` (None: nobody); kept for the module unless `fresh`."""
        key = who.person_id if who else ""
        if fresh or key not in self._browsers:
            found = Browser(self.app.test_client(), None)
            if who is not None:
                found.sign_in(who)
            if fresh:
                return found
            self._browsers[key or ""] = found
        return self._browsers[key or ""]

    def cast(self, scene: Scene, applicant: Applicant | None = None) -> dict[str, Actor | None]:
        """Each role of the route table as a person, towards `scene` (or `applicant`)."""
        return {
            "anonymous": None,
            "mentee": applicant.mentee if applicant else scene.mentee,
            "mentor": scene.mentor,
            "supervisor": scene.supervisor,
            "coordinator": self.coordinator,
            "other": self.other_coordinator,
            "admin": self.admin,
            "stranger": self.stranger,
        }


@pytest.fixture(scope="module")
def world(app: Flask, web_clock: Clock) -> World:
    wf: Workflow = app.extensions["mentorflow.workflow"]
    people = People(wf.db)
    found = World(
        app=app,
        workflow=wf,
        people=people,
        coordinator=people.person(unique("coordinator"), "Cora Coordinator", coordinates=GENERAL),
        other_coordinator=people.person(
            unique("other"), "Oscar Otherprogram", coordinates="small-program"
        ),
        admin=people.person(unique("admin"), "Ada Admin", admin=True),
        stranger=people.person(unique("stranger"), "Stan Stranger"),
    )
    found.main = found.scene()
    found.waiting = found.applicant()
    with wf.db.session() as session, session.begin():
        item = OpenItem(
            enrollment_id=found.main.mentee_id,
            program_id=GENERAL,
            text="A pair reports an obstacle.",
            raised_at=web_clock(),
        )
        session.add(item)
        session.flush()
        found.item_id = item.id
    return found
