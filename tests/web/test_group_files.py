"""Files inside a repeatable group (field-visit photos) are linked, for download, to
whoever may read the answer, as a top-level file is; never to anyone else."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from mentorflow.engine.definition.fields import FileField, GroupField
from mentorflow.engine.records.database import Database
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service.workflow import Workflow
from tests.conftest import SMALL, Clock, People
from tests.support import unique
from tests.web.conftest import Browser, app_on_definitions

PROGRAM = "small-program"
PASSWORD = "correct horse battery"
VISITS = """  field_visit:
    title: Field visit
    filled_by: pair
    open_in: [active]
    repeatable: true
    visible_to: [pair, coordinator]
    sections:
      - fields:
          - id: photos
            label: Photos
            type: group
            repeat: {min: 1, max: 5}
            fields:
              - {id: photo, label: Photo, type: file, accept: [png], max_kb: 100}
              - {id: caption, label: Caption, type: text}
  site_report:
    title: Site report
    filled_by: mentor
    sections:
      - fields:
          - id: damage
            label: Damage seen
            type: group
            repeat: {min: 1}
            fields:
              - {id: photo, label: Photo, type: file, accept: [png], max_kb: 100}
  evaluation:
"""
PAUSE = """      paused: {label: Paused}
    transitions:
      - {id: pause, label: Pause for repairs, from: active, to: paused, by: [mentor], ask: site_report}
      - {id: resume, label: Resume, from: paused, to: active, by: [coordinator]}
"""
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def app(
    tmp_path: Path, db_url: str, db: Database, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Flask]:
    text = SMALL.read_text().replace("  evaluation:\n", VISITS, 1)
    text = text.replace(
        "      declined: {label: Not accepted, final: true, outcome: not_started}\n    transitions:\n",
        "      declined: {label: Not accepted, final: true, outcome: not_started}\n" + PAUSE,
        1,
    )
    with app_on_definitions({"small.yaml": text}, tmp_path, db_url, clock) as found:
        yield found


def active_pair(wf: Workflow, people: People) -> dict[str, Actor | str]:
    """A mentee and a mentor in an active relationship; their supervisor, a coordinator,
    a coordinator of another program, and a stranger."""
    cast: dict[str, Actor | str] = {
        "coordinator": people.person(unique("coord"), "Cora", coordinates=PROGRAM),
        "other coordinator": people.person(unique("otto"), "Otto", coordinates="elsewhere"),
        "mentee": people.person(unique("mentee"), "Mia Mentee"),
        "mentor": people.person(unique("mentor"), "Max Mentor"),
        "supervisor": people.person(unique("boss"), "Sue Supervisor"),
        "stranger": people.person(unique("eve"), "Eve"),
    }
    coord, mentee, mentor, boss = (
        cast[k] for k in ("coordinator", "mentee", "mentor", "supervisor")
    )
    assert isinstance(coord, Actor) and isinstance(mentee, Actor)
    assert isinstance(mentor, Actor) and isinstance(boss, Actor)
    answers = {
        "name": "Mia Mentee",
        "email": mentee.email,
        "supervisor_email": boss.email,
        "years_of_service": "1.5",
        "interests": ["Leadership"],
    }
    enrollment = wf.apply(PROGRAM, "mentee", mentee, answers).id
    wf.take(enrollment, "screen", coord, {"notes": "Fine."})
    mentor_id = wf.apply(
        PROGRAM, "mentor", mentor, {"name": "Max Mentor", "expertise": ["Leadership"]}
    ).id
    wf.take(mentor_id, "accept", coord)
    wf.match(enrollment, mentor_id, coord)
    wf.submit(enrollment, "learning_contract", mentee, {"goals": [{"goal": "Inspect"}]})
    for who in (mentee, mentor, boss):
        wf.sign(enrollment, "learning_contract", who)
    wf.take(enrollment, "start", coord)
    cast["enrollment"] = enrollment
    return cast


def test_photos_in_a_group_are_linked_for_those_who_may_read_them(
    app: Flask, db: Database, clock: Clock
) -> None:
    clock.now = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    wf: Workflow = app.extensions["mentorflow.workflow"]
    cast = active_pair(wf, People(db))
    enrollment, mentor = cast["enrollment"], cast["mentor"]
    assert isinstance(enrollment, str) and isinstance(mentor, Actor)
    group = wf.programs[PROGRAM].forms["field_visit"].fields["photos"]
    assert isinstance(group, GroupField)
    photo_field = group.fields[0]
    assert isinstance(photo_field, FileField)
    photos = [
        wf.keep_upload(photo_field, PNG + bytes([n]), f"pier-{n}.png", mentor) for n in (1, 2)
    ]
    entries = [{"photo": p, "caption": f"Pier {n}"} for n, p in enumerate(photos, 1)]
    wf.submit(enrollment, "field_visit", mentor, {"photos": entries})
    urls = [f"/p/{PROGRAM}/enrollments/{enrollment}/files/{p['id']}" for p in photos]

    for role in ("mentee", "mentor", "coordinator"):
        who = cast[role]
        assert isinstance(who, Actor)
        browser = Browser(app.test_client(), None).sign_in(who, PASSWORD)
        page = browser.get(f"/p/{PROGRAM}/enrollments/{enrollment}").get_data(as_text=True)
        for n, url in enumerate(urls, 1):
            link = re.search(rf'<a href="{re.escape(url)}"[^>]*>([^<]*)</a>', page)
            assert link is not None, (role, url)
            assert link.group(1) == f"pier-{n}.png", role
            response = browser.get(url)
            assert response.status_code == 200, role
            assert response.data == PNG + bytes([n])
        assert "Pier 2" in page
        # The answers table of the form links them too, for whoever sees the rows.
        table = browser.get(f"/p/{PROGRAM}/forms/field_visit/answers").get_data(as_text=True)
        for n, url in enumerate(urls, 1):
            assert f'<a href="{url}">pier-{n}.png</a>' in table, role
    # The supervisor may open the enrollment but not the field visits (pair and
    # coordinator only): neither the names nor the links; the file is not theirs.
    for role in ("supervisor", "other coordinator", "stranger"):
        who = cast[role]
        assert isinstance(who, Actor)
        browser = Browser(app.test_client(), None).sign_in(who, PASSWORD)
        page = browser.get(f"/p/{PROGRAM}/enrollments/{enrollment}").get_data(as_text=True)
        for n, url in enumerate(urls, 1):
            assert url not in page, role
            assert f"pier-{n}.png" not in page, role
            assert browser.get(url).status_code == 404, role
        table = browser.get(f"/p/{PROGRAM}/forms/field_visit/answers").get_data(as_text=True)
        assert not any(url in table for url in urls), role


def test_photos_given_with_a_step_are_linked_in_the_history(
    app: Flask, db: Database, clock: Clock
) -> None:
    """The mentor's site report (the `ask` form of a step, visible to its filler and the
    coordinator) is read in the history: linked there, for them only."""
    clock.now = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    wf: Workflow = app.extensions["mentorflow.workflow"]
    cast = active_pair(wf, People(db))
    enrollment, mentor = cast["enrollment"], cast["mentor"]
    assert isinstance(enrollment, str) and isinstance(mentor, Actor)
    group = wf.programs[PROGRAM].forms["site_report"].fields["damage"]
    assert isinstance(group, GroupField) and isinstance(group.fields[0], FileField)
    photo = wf.keep_upload(group.fields[0], PNG, "crack.png", mentor)
    wf.take(enrollment, "pause", mentor, {"damage": [{"photo": photo}]})
    url = f"/p/{PROGRAM}/enrollments/{enrollment}/files/{photo['id']}"
    for role, readable in (("mentor", True), ("coordinator", True), ("mentee", False)):
        who = cast[role]
        assert isinstance(who, Actor)
        browser = Browser(app.test_client(), None).sign_in(who, PASSWORD)
        page = browser.get(f"/p/{PROGRAM}/enrollments/{enrollment}").get_data(as_text=True)
        history = page[page.index('id="history-h"') :]
        if readable:
            assert f'<a href="{url}">crack.png</a>' in history, role
            assert browser.get(url).data == PNG
        else:
            assert "crack.png" not in page and url not in page, role
            assert browser.get(url).status_code == 404, role
