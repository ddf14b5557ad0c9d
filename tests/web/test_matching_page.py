"""The matching page: proposals with scores, points and reasons; one form that, submitted
as served, confirms every proposal shown; changing a mentor; rejecting one; refusals.

Each test gets a database of its own with the known pool of `matching_pool` (two mentors,
three mentees), so the proposals are certain.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from mentorflow.engine.records.store import MatchingRun
from mentorflow.engine.rules.access import Actor
from mentorflow.engine.service import people as people_module
from mentorflow.engine.service.workflow import Workflow
from mentorflow.web import create_app
from tests.conftest import DATABASES, POSTGRES_URL, Clock, People, reset_postgres
from tests.support import unique
from tests.web.conftest import Browser, redirects_to_login
from tests.web.matching_pool import CRITERIA, GENERAL, Pool, make_pool

ROOT = Path(__file__).resolve().parents[2]
PAGE = f"/p/{GENERAL}/matching"


@dataclass
class Site:
    app: Flask
    workflow: Workflow
    people: People
    coordinator: Actor
    pool: Pool
    _staff: Browser | None = None

    def browser(self, who: Actor | None) -> Browser:
        found = Browser(self.app.test_client(), None)
        return found.sign_in(who) if who else found

    def state(self, enrollment_id: str) -> dict:
        """The enrollment's state and partners, as its page answers JSON to staff."""
        if self._staff is None:
            self._staff = self.browser(self.coordinator)
        found = self._staff.json(f"/p/{GENERAL}/enrollments/{enrollment_id}").get_json()
        return {"state": found["state"], "partners": found["partners"]}


@pytest.fixture(params=DATABASES)
def site(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Site]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/mentorflow.db"
    else:
        assert POSTGRES_URL
        reset_postgres(POSTGRES_URL)
        url = POSTGRES_URL
    monkeypatch.setenv("MENTORFLOW_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.delenv("MENTORFLOW_SECRET_KEY", raising=False)
    monkeypatch.setitem(people_module._SCRYPT, "n", 2**4)
    app = create_app(
        {
            "TESTING": True,
            "WTF_CSRF_ENABLED": True,
            "MENTORFLOW_DATABASE_URL": url,
            "MENTORFLOW_DEFINITIONS": str(ROOT / "definitions"),
            "MENTORFLOW_UPLOADS": str(tmp_path / "uploads"),
            "MENTORFLOW_CLOCK": Clock(),
        }
    )
    wf: Workflow = app.extensions["mentorflow.workflow"]
    people = People(wf.db)
    coordinator = people.person(unique("coordinator"), "Cora Coordinator", coordinates=GENERAL)
    try:
        yield Site(app, wf, people, coordinator, make_pool(wf, people, coordinator))
    finally:
        wf.db.dispose()


# ---------------------------------------------------------------- reading the page


class FormReader(HTMLParser):
    """What a browser would send for the page's matching form, untouched; and the
    options of each select, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: MultiDict[str, str] = MultiDict()
        self.options: dict[str, list[tuple[str, str, bool]]] = {}
        self.buttons: list[str] = []
        self._in_form = False
        self._select: str | None = None
        self._option: tuple[str, bool] | None = None
        self._text = ""
        self._button = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("class") == "matching":
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input":
            kind = a.get("type", "text")
            if kind == "hidden" or (kind == "checkbox" and "checked" in a):
                self.fields.add(a["name"], a.get("value", ""))
        elif tag == "select":
            self._select = a["name"]
            self.options[self._select] = []
        elif tag == "option":
            self._option = (a["value"], "selected" in a)
            self._text = ""
        elif tag == "button":
            self._button, self._text = True, ""

    def handle_data(self, data: str) -> None:
        if self._option is not None or self._button:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False
        elif tag == "option" and self._option is not None and self._select:
            value, selected = self._option
            self.options[self._select].append((value, self._text.strip(), selected))
            self._option = None
        elif tag == "select" and self._select:
            chosen = [v for v, _, sel in self.options[self._select] if sel]
            self.fields.add(self._select, (chosen or [self.options[self._select][0][0]])[0])
            self._select = None
        elif tag == "button" and self._button:
            self.buttons.append(self._text.strip())
            self._button = False


def read_form(page: str) -> FormReader:
    reader = FormReader()
    reader.feed(page)
    return reader


def row_of(page: str, mentee_id: str) -> str:
    found = re.search(rf'<tr[^>]*data-mentee="{mentee_id}"[^>]*>(.*?)</tr>', page, re.S)
    assert found, f"no row for {mentee_id}"
    return found.group(0)


def text(markup: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)).strip())


def served(site: Site) -> tuple[Browser, str, FormReader]:
    browser = site.browser(site.coordinator)
    response = browser.get(PAGE)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return browser, page, read_form(page)


def runs(site: Site) -> list[MatchingRun]:
    with site.workflow.db.session() as session:
        return list(session.scalars(select(MatchingRun).order_by(MatchingRun.created_at)))


def confirm(browser: Browser, fields: MultiDict[str, str]) -> tuple[int, str]:
    response = browser.post(PAGE, fields)
    return response.status_code, response.get_data(as_text=True)


# ---------------------------------------------------------------- the tests


def test_the_page_shows_proposals_with_scores_points_and_reasons(site: Site) -> None:
    pool = site.pool
    _, page, form = served(site)
    program = site.workflow.programs[GENERAL]
    assert program.matching is not None
    for criterion in program.matching.criteria:
        assert criterion.label in text(page)

    pia = row_of(page, pool.pia.enrollment_id)
    assert f'data-mentor="{pool.ann.enrollment_id}"' in pia
    assert "Ann Mentor" in pia
    assert re.search(r'class="score"[^>]*>10</td>', pia)
    points = re.findall(r'data-points="(\w+)">([^<]*)</b>', pia)
    assert points == [(c, p) for c, p in zip(CRITERIA, "3211111", strict=True)]
    quinn = row_of(page, pool.quinn.enrollment_id)
    assert f'data-mentor="{pool.ben.enrollment_id}"' in quinn

    # left without a mentor: a row per reason, naming who
    rex = re.search(
        rf'<tr data-reason="[^"]*">(?:(?!</tr>).)*data-mentee="{pool.rex.enrollment_id}"',
        page,
        re.S,
    )
    assert rex and "no mentor passes the hard constraint &#39;Availability&#39;" in rex.group(0)

    # one form: hidden pairs in order, the run, one select and one checkbox per row
    assert form.buttons == [
        "Show score for Pia Mentee",
        "Show score for Quinn Mentee",
        "Confirm",
    ]
    assert form.fields.getlist("mentee") == [pool.pia.enrollment_id, pool.quinn.enrollment_id]
    assert form.fields.getlist("mentor") == [pool.ann.enrollment_id, pool.ben.enrollment_id]
    assert "reject" not in form.fields and "run" not in form.fields
    # alternatives ranked for the mentee, best first, with their scores
    options = form.options[f"change-{pool.pia.enrollment_id}"]
    assert options == [
        (pool.ann.enrollment_id, "1. Ann Mentor: score 10, 1 place left (proposed)", True),
        (
            pool.ben.enrollment_id,
            "2. Ben Mentor: score 6, no place left (proposed to someone else)",
            False,
        ),
    ]
    # labelled controls
    assert re.search(r'<label for="change-1" class="visually-hidden">Mentor for Pia Mentee', page)
    assert re.search(
        r'<label for="reject-1">Reject<span class="visually-hidden"> the proposal', page
    )


def test_submitted_as_served_it_confirms_every_proposal_shown(site: Site) -> None:
    pool = site.pool
    browser, _, form = served(site)
    status, page = confirm(browser, form.fields)
    assert status == 200
    assert "2 matched, 0 refused" in text(page)
    assert page.count('data-outcome="matched"') == 2
    assert site.state(pool.pia.enrollment_id) == {
        "state": "matched",
        "partners": [pool.ann.enrollment_id],
    }
    assert site.state(pool.quinn.enrollment_id) == {
        "state": "matched",
        "partners": [pool.ben.enrollment_id],
    }
    assert site.state(pool.rex.enrollment_id)["state"] == "trained"
    # links to the enrollments
    for member in (pool.pia, pool.quinn, pool.ann, pool.ben):
        assert f'href="/p/{GENERAL}/enrollments/{member.enrollment_id}"' in page
    # the run records the pool, what was proposed and what was confirmed, by whom
    [run] = runs(site)
    assert run.program_id == GENERAL and run.actor_id == site.coordinator.person_id
    shown = list(zip(form.fields.getlist("mentee"), form.fields.getlist("mentor"), strict=True))
    assert [(p["mentee"], p["mentor"]) for p in run.results["proposals"]] == shown
    assert [m["id"] for m in run.inputs["mentees"]] == [
        pool.pia.enrollment_id,
        pool.quinn.enrollment_id,
        pool.rex.enrollment_id,
    ]
    assert run.confirmed["by"] == site.coordinator.person_id
    assert [p["refused"] for p in run.confirmed["pairs"]] == [None, None]
    # the history shows the match
    events = browser.get(f"/p/{GENERAL}/enrollments/{pool.pia.enrollment_id}")
    assert 'data-event="match"' in events.get_data(as_text=True)


def test_reviewing_the_proposals_writes_nothing(site: Site) -> None:
    """GET /p/<program>/matching only reads: the run is saved when the coordinator
    confirms, with the pool, the proposals and the decision."""
    assert runs(site) == []
    browser, _, form = served(site)
    served(site)
    assert runs(site) == []
    fields = form.fields.copy()
    fields.add("reject", site.pool.quinn.enrollment_id)
    confirm(browser, fields)
    [run] = runs(site)
    assert len(run.results["proposals"]) == 2 and run.results["unmatched"]
    assert [p["mentee"] for p in run.confirmed["pairs"]] == [site.pool.pia.enrollment_id]
    assert run.confirmed["rejected"] == [site.pool.quinn.enrollment_id]


def test_a_mentor_changed_through_the_select(site: Site) -> None:
    pool = site.pool
    browser, _, form = served(site)
    fields = form.fields.copy()
    fields[f"change-{pool.pia.enrollment_id}"] = pool.ben.enrollment_id
    fields[f"change-{pool.quinn.enrollment_id}"] = pool.ann.enrollment_id
    status, page = confirm(browser, fields)
    assert status == 200, page
    assert "2 matched, 0 refused" in text(page)
    assert site.state(pool.pia.enrollment_id)["partners"] == [pool.ben.enrollment_id]
    assert site.state(pool.quinn.enrollment_id)["partners"] == [pool.ann.enrollment_id]


def test_a_rejected_proposal_leaves_the_mentee_waiting(site: Site) -> None:
    pool = site.pool
    browser, _, form = served(site)
    fields = form.fields.copy()
    fields.add("reject", pool.quinn.enrollment_id)
    status, page = confirm(browser, fields)
    assert status == 200
    assert "1 matched, 0 refused, 1 rejected (left waiting)" in text(page)
    quinn = row_of(page, pool.quinn.enrollment_id)
    assert 'data-outcome="rejected"' in quinn
    assert "left waiting for a mentor" in text(quinn)
    assert site.state(pool.pia.enrollment_id)["state"] == "matched"
    assert site.state(pool.quinn.enrollment_id) == {"state": "trained", "partners": []}
    # Quinn is proposed again next time, with Ben still free
    _, page, form = served(site)
    assert form.fields.getlist("mentee") == [pool.quinn.enrollment_id]
    assert form.fields.getlist("mentor") == [pool.ben.enrollment_id]


def test_refusals_are_reported_in_words(site: Site) -> None:
    pool = site.pool
    browser, _, form = served(site)
    fields = form.fields.copy()
    # Ann's one place goes to Pia (the row above), so Quinn cannot have her too
    fields[f"change-{pool.quinn.enrollment_id}"] = pool.ann.enrollment_id
    status, page = confirm(browser, fields)
    assert status == 200
    assert "1 matched, 1 refused" in text(page)
    quinn = text(row_of(page, pool.quinn.enrollment_id))
    assert "Refused: Ann Mentor has no place left: it went to Pia Mentee above." in quinn
    assert "their limit" in quinn  # the engine's own words follow
    assert site.state(pool.quinn.enrollment_id)["state"] == "trained"

    # a mentee who left the pool between the page and the confirmation
    _, _, form = served(site)  # Quinn with Ben
    site.workflow.take(pool.quinn.enrollment_id, "withdraw", site.coordinator, {})
    status, page = confirm(browser, form.fields)
    assert status == 200
    assert "0 matched, 1 refused" in text(page)
    assert "is not waiting for a match" in text(row_of(page, pool.quinn.enrollment_id))


def test_a_post_with_nothing_to_confirm_says_so(site: Site) -> None:
    browser = site.browser(site.coordinator)
    status, page = confirm(browser, MultiDict())
    assert status == 200
    assert "Nothing to confirm" in page

    _, _, form = served(site)
    fields = form.fields.copy()
    for mentee in fields.getlist("mentee"):
        fields.add("reject", mentee)
    status, page = confirm(browser, fields)
    assert status == 200
    assert "Nothing to confirm: every proposal was rejected." in text(page)
    assert site.state(site.pool.pia.enrollment_id)["state"] == "trained"


def test_pairs_that_do_not_line_up_are_refused_whole(site: Site) -> None:
    browser, _, form = served(site)
    fields = form.fields.copy()
    fields.setlist("mentor", fields.getlist("mentor")[:1])
    status, page = confirm(browser, fields)
    assert status == 400
    assert "nothing was confirmed" in page
    assert site.state(site.pool.pia.enrollment_id)["state"] == "trained"


def test_only_staff_may_match(site: Site) -> None:
    pool = site.pool
    _, _, form = served(site)
    other = site.people.person(unique("other"), "Oscar Other", coordinates="civil-engineers")
    admin = site.people.person(unique("admin"), "Ada Admin", admin=True)
    for who in (pool.pia.who, pool.ann.who, other):
        browser = site.browser(who)
        assert browser.get(PAGE).status_code == 403
        assert browser.post(PAGE, form.fields, page="/me").status_code == 403
    anonymous = site.browser(None)
    assert redirects_to_login(anonymous.get(PAGE))
    assert redirects_to_login(anonymous.post(PAGE, form.fields))
    # no CSRF token: refused before anything else
    coordinator = site.browser(site.coordinator)
    assert coordinator.post(PAGE, form.fields, csrf=False).status_code == 400
    assert site.state(pool.pia.enrollment_id)["state"] == "trained"
    # an admin may
    assert site.browser(admin).get(PAGE).status_code == 200


def test_the_desk_links_to_the_matching_page(site: Site) -> None:
    page = site.browser(site.coordinator).get(f"/p/{GENERAL}/coordinator")
    assert f'href="{PAGE}"' in page.get_data(as_text=True)


def test_nobody_waiting(site: Site) -> None:
    browser, _, form = served(site)
    confirm(browser, form.fields)
    site.workflow.take(site.pool.rex.enrollment_id, "withdraw", site.coordinator, {})
    _, page, form = served(site)
    assert "No match can be proposed right now." in page
    assert "None: everyone waiting has a proposal." in page
    assert form.buttons == []
    assert len(runs(site)) == 1  # the confirmation's; reviewing saves none
