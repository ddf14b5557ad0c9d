"""Role labels read as English whatever a definition calls its roles: never a plural
made by adding "s" ("New bridge inspector (mentee)s", "District deputys")."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from mentorflow.engine.records.database import Database
from mentorflow.engine.service.workflow import Workflow
from mentorflow.web.wording import count_of, in_sentence, people_of
from tests.conftest import SMALL, Clock, People
from tests.support import unique
from tests.web.conftest import Browser, app_on_definitions

PROGRAM = "small-program"
PASSWORD = "correct horse battery"
MENTEE = "New bridge inspector (mentee)"
MENTOR = "District deputy"


@pytest.mark.parametrize(
    ("label", "role", "heading", "one", "three"),
    [
        ("Mentee", "mentee", "Mentees", "1 mentee", "3 mentees"),
        ("mentor", "mentor", "mentors", "1 mentor", "3 mentors"),
        ("MENTOR", "mentor", "MENTORS", "1 mentor", "3 mentors"),
        (MENTEE, "mentee", f"People as {MENTEE}", f"1 person as {MENTEE}", f"3 people as {MENTEE}"),
        (MENTOR, "mentor", f"People as {MENTOR}", f"1 person as {MENTOR}", f"3 people as {MENTOR}"),
        (
            "Bridge boss",
            "mentor",
            "People as Bridge boss",
            "1 person as Bridge boss",
            "3 people as Bridge boss",
        ),
        # the other role's name is not this role's plain name
        ("Mentor", "mentee", "People as Mentor", "1 person as Mentor", "3 people as Mentor"),
    ],
)
def test_labels_in_running_text(label: str, role: str, heading: str, one: str, three: str) -> None:
    assert people_of(label, role) == heading
    assert count_of(1, label, role) == one
    assert count_of(3, label, role) == three


@pytest.fixture
def app(
    tmp_path: Path, db_url: str, db: Database, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Flask]:
    text = SMALL.read_text()
    text = text.replace("    label: Mentee\n", f"    label: {MENTEE}\n", 1)
    text = text.replace("    label: Mentor\n", f"    label: {MENTOR}\n", 1)
    with app_on_definitions({"small.yaml": text}, tmp_path, db_url, clock) as found:
        yield found


NAIVE = re.compile(r"\(mentee\)s\b|deputys\b|deputies\b", re.I)


def test_pages_name_the_roles_without_a_naive_plural(
    app: Flask, db: Database, clock: Clock
) -> None:
    clock.now = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    wf: Workflow = app.extensions["mentorflow.workflow"]
    people = People(db)
    assert wf.programs[PROGRAM].roles["mentee"].label == MENTEE
    coordinator = people.person(unique("coord"), "Cora", coordinates=PROGRAM)
    for i in range(3):
        who = people.person(unique(f"m{i}"), f"Mentee {i}")
        answers = {
            "name": f"Mentee {i}",
            "email": who.email,
            "supervisor_email": unique("boss"),
            "years_of_service": "1.5",
            "interests": ["Leadership"],
        }
        wf.apply(PROGRAM, "mentee", who, answers)
    browser = Browser(app.test_client(), None).sign_in(coordinator, PASSWORD)
    desk = browser.get(f"/p/{PROGRAM}/coordinator").get_data(as_text=True)
    public = browser.get(f"/p/{PROGRAM}").get_data(as_text=True)
    for page in (desk, public):
        assert not NAIVE.search(page), NAIVE.search(page)
    assert f"<caption>People as {MENTEE}</caption>" in desk
    assert f"<caption>People as {MENTOR}</caption>" in desk
    assert f'<optgroup label="People as {MENTEE}">' in desk
    waiting = re.search(r'data-waiting="mentee:applied"><a [^>]*>([^<]+)</a>', desk)
    assert waiting is not None and waiting.group(1) == f"3 people as {MENTEE}"
    assert f"<h3>People as {MENTEE}</h3>" in public
    assert f"<h3>People as {MENTOR}</h3>" in public


@pytest.mark.parametrize(
    ("title", "said"),
    [
        ("Learning contract", "learning contract"),
        ("Safety certification on file", "safety certification on file"),
        ("PPE checklist", "PPE checklist"),
        ("DOT field visit log", "DOT field visit log"),
        ("Safety form for District 5", "safety form for District 5"),
        ("Mentee Application", "mentee application"),
        ("Mentor Exit Interview for the PPE Program", "mentor exit interview for the PPE program"),
        ("iPad loan form", "iPad loan form"),
        ("A", "a"),
    ],
)
def test_a_title_inside_a_sentence_keeps_its_acronyms(title: str, said: str) -> None:
    assert in_sentence(title) == said


def test_the_next_step_keeps_an_acronym_in_a_form_title(app: Flask) -> None:
    rendered = app.jinja_env.from_string("Fill in the {{ 'PPE checklist'|in_sentence }}").render()
    assert rendered == "Fill in the PPE checklist"
