"""A form pressed twice (a double click, two tabs of one page, a resend) does its work
once: every form carries a one-time key, and a second press of the same key is sent
where the first one led, however the two arrive."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from werkzeug.test import TestResponse

from mentorflow.engine.records.store import Enrollment, Event, Submission
from tests.conftest import ROOT
from tests.web.conftest import GENERAL, Browser, World, form_data, unique

ONCE = re.compile(r'<input type="hidden" name="once" value="([^"]+)">')
TEMPLATES = ROOT / "web" / "templates"


def key_on(page: str) -> str:
    found = ONCE.search(page)
    assert found, "the form carries no one-time key"
    return found.group(1)


def press(browser: Browser, url: str, data: Any, key: str) -> TestResponse:
    return browser.post(url, {**data, "once": key}, page=url)


def press_twice(browser: Browser, url: str, data: Any, key: str) -> None:
    """Two presses of one page's form: both must be led to the one place."""
    first, second = press(browser, url, data, key), press(browser, url, data, key)
    assert (first.status_code, second.status_code) == (303, 303)
    assert first.location == second.location


def count(world: World, what: Any, *where: Any) -> int:
    with world.workflow.db.session() as session:
        return int(session.scalar(select(func.count()).select_from(what).where(*where)) or 0)


def _post_forms(template: Path) -> list[str]:
    text = template.read_text()
    return re.findall(r'<form method="post".*?</form>', text, re.S)


def test_every_form_a_page_draws_carries_a_one_time_key() -> None:
    forms = {
        f"{path.relative_to(TEMPLATES)} #{n}": form
        for path in sorted(TEMPLATES.rglob("*.html"))
        if path.name != "error.html"  # its "Send again" form resends the posted key
        for n, form in enumerate(_post_forms(path))
    }
    assert len(forms) >= 20
    assert [name for name, form in forms.items() if "form_keys()" not in form] == []


def _applicant(world: World) -> tuple[Browser, str, dict[str, Any]]:
    who = world.people.person(unique("presser"), "Pat Presser")
    browser = world.browser(who, fresh=True)
    answers = world.apply_answers("mentee", who, unique("boss"))
    return (
        browser,
        f"/p/{GENERAL}/apply/mentee",
        form_data(world.program, "mentee_application", answers),
    )


def test_an_application_pressed_twice_leads_both_presses_to_the_one_enrollment(
    world: World,
) -> None:
    browser, url, data = _applicant(world)
    key = key_on(browser.get(url).get_data(as_text=True))
    press_twice(browser, url, data, key)
    assert count(world, Enrollment, Enrollment.person_id == browser.who.person_id) == 1  # type: ignore[union-attr]


def test_an_application_pressed_twice_at_the_same_moment_leads_both_to_one_place(
    world: World,
) -> None:
    browser, url, data = _applicant(world)
    key = key_on(browser.get(url).get_data(as_text=True))
    twin = Browser(world.app.test_client(), browser.who)  # a second tab: the same cookie
    cookie = browser.client.get_cookie("session")
    assert cookie is not None
    twin.client.set_cookie("session", cookie.value)
    twin._token = browser.token(url)
    start = threading.Barrier(2)
    answers: dict[str, TestResponse] = {}

    def send(name: str, tab: Browser) -> None:
        start.wait()
        answers[name] = press(tab, url, data, key)

    tabs = [threading.Thread(target=send, args=pair) for pair in (("a", browser), ("b", twin))]
    for tab in tabs:
        tab.start()
    for tab in tabs:
        tab.join()
    assert [answers[n].status_code for n in "ab"] == [303, 303]
    assert answers["a"].location == answers["b"].location
    assert count(world, Enrollment, Enrollment.person_id == browser.who.person_id) == 1  # type: ignore[union-attr]


def _check_in_page(world: World) -> tuple[Any, Browser, str, dict[str, Any], str]:
    """A started pair's check-in form as the mentee opened it: its answers and its key."""
    scene = world.active_scene()
    url = f"/p/{GENERAL}/enrollments/{scene.mentee_id}/forms/check_in"
    mentee = world.browser(scene.mentee)
    page = mentee.get(url).get_data(as_text=True)
    data = form_data(world.program, "check_in", world.sample("check_in"))
    data["version"] = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    return scene, mentee, url, data, key_on(page)


def test_a_check_in_pressed_twice_is_one_entry(world: World) -> None:
    scene, mentee, url, data, key = _check_in_page(world)
    press_twice(mentee, url, data, key)
    entries = (Submission.enrollment_id == scene.mentee_id, Submission.form_id == "check_in")
    assert count(world, Submission, *entries) == 1

    # A fresh page is a fresh press: a second check-in is its own entry.
    page = mentee.get(url).get_data(as_text=True)
    assert key_on(page) != key
    assert press(mentee, url, data, key_on(page)).status_code == 303
    assert count(world, Submission, *entries) == 2


def test_a_transition_pressed_twice_is_taken_once_and_both_presses_land_on_it(
    world: World,
) -> None:
    scene = world.active_scene()
    url = f"/p/{GENERAL}/enrollments/{scene.mentee_id}/transitions/close_early"
    coordinator = world.browser(world.coordinator)
    page = coordinator.get(url).get_data(as_text=True)
    data = form_data(world.program, "early_closure", world.sample("early_closure"))
    data["version"] = re.search(r'name="version" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    key = key_on(page)
    press_twice(coordinator, url, data, key)
    taken = (Event.enrollment_id == scene.mentee_id, Event.transition == "close_early")
    assert count(world, Event, *taken) == 1


def test_a_press_sent_back_for_its_answers_gives_its_key_back(world: World) -> None:
    browser, url, data = _applicant(world)
    key = key_on(browser.get(url).get_data(as_text=True))
    incomplete = {k: v for k, v in data.items() if k != "development_goals"}
    assert press(browser, url, incomplete, key).status_code == 400
    assert press(browser, url, data, key).status_code == 303


def test_a_key_is_its_pressers_alone(world: World) -> None:
    first, url, data = _applicant(world)
    key = key_on(first.get(url).get_data(as_text=True))
    mine = press(first, url, data, key)
    other, _, theirs = _applicant(world)
    answered = press(other, url, theirs, key)  # the same key value, from someone else
    assert (mine.status_code, answered.status_code) == (303, 303)
    assert mine.location != answered.location
    assert count(world, Enrollment, Enrollment.person_id == other.who.person_id) == 1  # type: ignore[union-attr]


def test_a_press_whose_answer_died_with_its_server_is_not_done_again(
    world: World, web_clock: Any, monkeypatch: Any
) -> None:
    # The worker wrote the check-in, then was killed before it recorded where the press
    # led. A resend of the page, even after the minute that lets a press take a dead
    # one's key over, finds the work written in the same transaction: no second entry.
    scene, mentee, url, data, key = _check_in_page(world)
    with monkeypatch.context() as killed:
        killed.setattr(world.workflow, "press_done", lambda *_: None)
        assert press(mentee, url, data, key).status_code == 303  # an answer never received
    web_clock.advance(2 / (24 * 60))
    again = press(mentee, url, data, key)
    assert again.status_code == 303
    assert again.location == f"/p/{GENERAL}/enrollments/{scene.mentee_id}"
    entries = (Submission.enrollment_id == scene.mentee_id, Submission.form_id == "check_in")
    assert count(world, Submission, *entries) == 1
    landed = mentee.get(again.location).get_data(as_text=True)
    assert "This form was sent already" in landed


def test_an_application_whose_answer_died_leads_to_the_enrollment_it_made(
    world: World, web_clock: Any, monkeypatch: Any
) -> None:
    browser, url, data = _applicant(world)
    key = key_on(browser.get(url).get_data(as_text=True))
    with monkeypatch.context() as killed:
        killed.setattr(world.workflow, "press_done", lambda *_: None)
        made = press(browser, url, data, key)
    web_clock.advance(2 / (24 * 60))
    again = press(browser, url, data, key)
    assert (made.status_code, again.status_code) == (303, 303)
    assert again.location == made.location  # the enrollment the first press made
    assert count(world, Enrollment, Enrollment.person_id == browser.who.person_id) == 1  # type: ignore[union-attr]
