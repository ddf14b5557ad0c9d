"""From the pages: the signed contract that held a relationship back is amended, and a
relationship that ended keeps its record and takes both evaluations.

Seen before: a contract signed with release time unticked could not start, nor be edited
(409) by anyone; after an early end the contract and check-ins left the enrollment page,
the mentor got "Not found", and the evaluations answered 409.
"""

from __future__ import annotations

import re

import pytest

from mentorflow.engine.rules.access import Actor
from tests.web.conftest import GENERAL, Scene, World, form_data

FORM = "learning_contract"
AMEND_BUTTON = re.compile(r'action="[^"]*/forms/learning_contract/amend"')


def _page(world: World, who: Actor, scene: Scene) -> str:
    response = world.browser(who).get(f"/p/{GENERAL}/enrollments/{scene.mentee_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _version(page: str) -> str:
    found = re.search(r'name="version" value="(\d+)"', page)
    assert found
    return found.group(1)


def _signed_wrong(world: World) -> Scene:
    """A contract the mentee wrote with release time unticked, signed by all three."""
    scene = world.scene()  # the mentee's contract, release time unticked
    for signer in (scene.mentee, scene.mentor, scene.supervisor):
        world.workflow.sign(scene.mentee_id, FORM, signer)
    return scene


def test_the_coordinator_amends_a_contract_that_holds_the_relationship_back(
    world: World,
) -> None:
    scene = _signed_wrong(world)
    wf, coordinator = world.workflow, world.coordinator
    browser = world.browser(coordinator)
    form_url = f"/p/{GENERAL}/enrollments/{scene.mentee_id}/forms/{FORM}"
    fixed = form_data(world.program, FORM, {**world.sample(FORM), "release_time": True})
    # The dead end, as it was: start is refused and the signed contract is locked.
    start = browser.post(f"/p/{GENERAL}/enrollments/{scene.mentee_id}/transitions/start", {})
    assert start.status_code == 409
    assert browser.post(form_url, fixed, page=form_url).status_code == 409

    page = _page(world, coordinator, scene)
    assert AMEND_BUTTON.search(page)
    response = browser.post(f"{form_url}/amend", {"version": _version(page)})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(form_url)
    shown = browser.get(form_url).get_data(as_text=True)
    assert "Reopened as an amendment" in shown  # the confirmation, once

    assert browser.post(form_url, fixed, page=form_url).status_code == 303
    for signer in (scene.mentee, scene.mentor, scene.supervisor):
        wf.sign(scene.mentee_id, FORM, signer)
    assert wf.take(scene.mentee_id, "start", coordinator).state == "active"
    history = _page(world, coordinator, scene)
    assert "Reopened a signed form for amendment" in history


BUTTON = [
    # (who looks, who has signed, whether the Amend button is there)
    ("coordinator", ("mentee", "mentor", "supervisor"), True),
    ("mentee", ("mentor",), True),  # wrote it, and a signature is still missing
    ("mentee", ("mentee", "mentor", "supervisor"), False),
    ("mentor", ("mentor",), False),
    ("supervisor", ("supervisor",), False),
    ("coordinator", (), False),  # nothing signed: it is edited, not amended
]


@pytest.mark.parametrize(("who", "signed", "shown"), BUTTON)
def test_the_amend_button_is_offered_to_who_may_amend(
    world: World, who: str, signed: tuple[str, ...], shown: bool
) -> None:
    scene = world.scene()
    people = {"mentee": scene.mentee, "mentor": scene.mentor, "supervisor": scene.supervisor}
    for role in signed:
        world.workflow.sign(scene.mentee_id, FORM, people[role])
    viewer = world.coordinator if who == "coordinator" else people[who]
    assert bool(AMEND_BUTTON.search(_page(world, viewer, scene))) is shown


def test_a_refused_amendment_says_why_and_changes_nothing(world: World) -> None:
    scene = _signed_wrong(world)
    url = f"/p/{GENERAL}/enrollments/{scene.mentee_id}/forms/{FORM}/amend"
    response = world.browser(scene.mentee).post(url, {})
    assert response.status_code == 403
    assert "only a coordinator can reopen it" in response.get_data(as_text=True)
    assert "Signed by all" in _page(world, world.coordinator, scene)


# ---------------------------------------------------------------- after the end


def _ended_early(world: World) -> Scene:
    scene = world.scene(contract=False)
    wf = world.workflow
    contract = {**world.sample(FORM), "release_time": True}
    wf.submit(scene.mentee_id, FORM, scene.mentee, contract)
    for signer in (scene.mentee, scene.mentor, scene.supervisor):
        wf.sign(scene.mentee_id, FORM, signer)
    wf.take(scene.mentee_id, "start", world.coordinator)
    wf.submit(scene.mentee_id, "check_in", scene.mentor, world.sample("check_in"))
    wf.take(scene.mentee_id, "close_early", scene.mentee, world.sample("early_closure"))
    return scene


@pytest.mark.parametrize("who", ["coordinator", "mentee", "mentor"])
def test_after_an_early_end_the_record_stays_on_the_page(world: World, who: str) -> None:
    scene = _ended_early(world)
    viewer = {"coordinator": world.coordinator, "mentee": scene.mentee, "mentor": scene.mentor}
    page = _page(world, viewer[who], scene)
    assert 'id="form-learning_contract"' in page
    assert 'id="form-check_in"' in page


EVALUATIONS = [("mentee", "mentee_evaluation"), ("mentor", "mentor_evaluation")]


@pytest.mark.parametrize(("who", "form_id"), EVALUATIONS)
def test_after_an_early_end_both_fill_their_evaluation(
    world: World, who: str, form_id: str
) -> None:
    scene = _ended_early(world)
    person = scene.mentee if who == "mentee" else scene.mentor
    browser = world.browser(person)
    url = f"/p/{GENERAL}/enrollments/{scene.mentee_id}/forms/{form_id}"
    assert browser.get(url).status_code == 200
    data = form_data(world.program, form_id, world.sample(form_id))
    assert browser.post(url, data, page=url).status_code == 303
