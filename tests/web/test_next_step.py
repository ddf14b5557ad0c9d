"""The next step in plain sight: the enrollment page and /me lead with what this person
should do next (or what it waits for, and why), set-backs are set apart and styled as
such, every action is confirmed, and a form shows its rules before anyone breaks them."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import GENERAL, World
from tests.web.test_pages import text_of


def _page(world: World, who, enrollment_id: str) -> str:  # type: ignore[no-untyped-def]
    url = f"/p/{GENERAL}/enrollments/{enrollment_id}"
    response = world.browser(who).get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def next_step_of(page: str) -> str:
    found = re.search(
        r'<section class="next-step"[^>]*data-next="(\w+)"[^>]*>(.*?)</section>', page, re.S
    )
    assert found, "no next step on the page"
    said = re.sub(r"<h[23][^>]*>.*?</h[23]>", "", found.group(2), flags=re.S)
    return found.group(1) + ": " + text_of(said).strip()


def test_the_page_leads_with_the_next_step_before_the_application(world: World) -> None:
    applicant = world.applicant()
    page = _page(world, applicant.mentee, applicant.enrollment_id)
    step = next_step_of(page)
    assert step.startswith("wait:")
    assert "Waiting for a coordinator to accept after screening" in step
    # The next step comes before the forms (the long application) and the history.
    assert page.index('class="next-step"') < page.index('aria-labelledby="forms-h"')


def test_set_backs_are_set_apart_below_the_forms_and_styled_as_such(world: World) -> None:
    applicant = world.applicant()
    page = _page(world, applicant.mentee, applicant.enrollment_id)
    setbacks = page[page.index('class="setbacks"') :]
    assert "Withdraw my application" in setbacks and 'class="button danger"' in setbacks
    assert page.index('aria-labelledby="forms-h"') < page.index('class="setbacks"')
    ahead = page[: page.index('class="setbacks"')]
    assert "Withdraw my application" not in ahead  # never the way forward


@pytest.mark.parametrize(
    ("who", "kind", "says"),
    [
        ("mentee", "sign", "Sign the Learning contract as mentee"),
        ("mentor", "sign", "Sign the Learning contract as mentor"),
        ("supervisor", "sign", "Sign the Learning contract as supervisor"),
        ("coordinator", "wait", "by itself"),
    ],
)
def test_each_party_of_a_matched_pair_is_told_their_own_next_step(
    world: World, who: str, kind: str, says: str
) -> None:
    scene = world.scene()
    viewer = world.coordinator if who == "coordinator" else getattr(scene, who)
    page = _page(world, viewer, scene.mentee_id)
    step = next_step_of(page)
    assert step.startswith(kind + ":") and says in step
    assert "Nothing for you to do" not in page  # not above a button to sign


def test_a_contract_signed_without_the_box_the_start_needs_says_why_it_waits(
    world: World,
) -> None:
    scene, wf = world.scene(), world.workflow
    for signer in (scene.mentee, scene.mentor, scene.supervisor):
        wf.sign(scene.mentee_id, "learning_contract", signer)
    step = next_step_of(_page(world, world.coordinator, scene.mentee_id))
    assert step.startswith("blocked: Start the relationship: not yet")
    assert "release time" in step.lower()


def test_every_action_is_confirmed_on_the_page_it_leads_to(world: World) -> None:
    scene = world.scene()
    browser = world.browser(scene.mentee)
    url = f"/p/{GENERAL}/enrollments/{scene.mentee_id}/forms/learning_contract/sign"
    typed = {"typed_name": "Mina Mentee"}
    response = browser.post(url, typed, page=f"/p/{GENERAL}/enrollments/{scene.mentee_id}")
    assert response.status_code == 303
    page = browser.get(response.location).get_data(as_text=True)
    said = r'class="message confirmation" role="status">You signed the Learning contract'
    assert re.search(said, page)
    again = browser.get(response.location).get_data(as_text=True)
    assert "You signed the" not in again  # said once


def test_an_application_sent_is_confirmed(world: World) -> None:
    who = world.people.person("confirm-apply@example.gov", "Cal Confirm")
    answers = world.apply_answers("mentee", who, "confirm-boss@example.gov")
    browser = world.browser(who)
    response = browser.post(f"/p/{GENERAL}/apply/mentee", answers)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    page = browser.get(response.location).get_data(as_text=True)
    assert "Your application to Agency Workplace Mentoring Program was sent." in page


def test_rules_are_hints_before_any_error(world: World) -> None:
    who = world.people.person("hints@example.gov", "Hal Hints")
    page = world.browser(who).get(f"/p/{GENERAL}/apply/mentor").get_data(as_text=True)
    assert "Use at least 100 characters, at most 5000." in page
    assert "A PDF, DOC or DOCX file of up to 2 MB." in page
    assert 'class="error"' not in page  # before anyone got anything wrong
    mentee = world.browser(who).get(f"/p/{GENERAL}/apply/mentee").get_data(as_text=True)
    assert "six-digit number" in mentee
    # A hint is tied to its field for screen readers.
    found = re.search(
        r'<p class="help" id="([\w-]+)-help">[^<]*<span class="hint">Use at least', page
    )
    assert found and f'aria-describedby="{found.group(1)}-help"' in page


def test_a_group_with_an_error_says_so_to_assistive_technology(world: World) -> None:
    who = world.people.person("groups@example.gov", "Gus Groups")
    response = world.browser(who).post(f"/p/{GENERAL}/apply/mentee", {"name": "Gus"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(
        r'<fieldset role="radiogroup" aria-invalid="true" aria-describedby="[\w-]+-error"', page
    )
    boxes = re.findall(r'<input[^>]*type="checkbox"[^>]*>', page)
    assert any('aria-invalid="true"' in box for box in boxes)


def test_the_favicon_is_served(world: World) -> None:
    page = world.browser(None).get("/").get_data(as_text=True)
    icon = re.search(r'<link rel="icon" href="([^"]+)"', page)
    assert icon
    response = world.browser(None).get(icon.group(1))
    response.close()  # a static file is streamed: closed here, not by the collector
    assert response.status_code == 200


def test_contract_goals_read_as_a_list(world: World) -> None:
    scene, wf = world.scene(), world.workflow
    day = world.today.isoformat()
    contract = {
        **world.sample("learning_contract"),
        "goals": [
            {"goal": "Learn budgeting", "measure": "A budget drafted", "target_date": day},
            {"goal": "Present to the board", "measure": "A talk", "target_date": day},
        ],
    }
    wf.submit(scene.mentee_id, "learning_contract", scene.mentee, contract)
    page = _page(world, scene.mentee, scene.mentee_id)
    assert re.search(r"1\. [^\n<]*Learn budgeting[^\n<]*\n2\. [^\n<]*Present to the board", page)


def test_why_someone_elses_step_waits_is_not_told_to_a_participant(world: World) -> None:
    # Completing waits on the mentor's evaluation, which the mentee may not read.
    scene, wf = world.active_scene(), world.workflow
    for form in ("check_in", "mentee_evaluation"):
        wf.submit(scene.mentee_id, form, scene.mentee, world.sample(form))
    mentee = next_step_of(_page(world, scene.mentee, scene.mentee_id))
    assert mentee.startswith("wait: Waiting for a coordinator to complete the relationship")
    assert "Mentor evaluation" not in mentee
    staff = next_step_of(_page(world, world.coordinator, scene.mentee_id))
    assert "“Mentor evaluation” has not been submitted yet" in staff
