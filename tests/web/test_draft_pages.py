"""From the pages: "Save draft" keeps a form unfinished on the server, and the form comes
back filled as it was left, saying when it was saved; sending it clears the draft.

Seen before: a half-filled application or contract was lost unless it was sent whole,
and no form could be left and taken up again from another browser.
"""

from __future__ import annotations

import io

from werkzeug.datastructures import MultiDict

from mentorflow.engine.records.store import Submission
from tests.support import unique
from tests.web.conftest import GENERAL, World, field_block, form_data

FORM = "learning_contract"
DRAFT_BUTTON = 'name="_draft"'


def _contract_goal(world: World, mentee_id: str) -> str:
    with world.workflow.db.session() as session:
        stored = session.query(Submission).filter_by(enrollment_id=mentee_id, form_id=FORM).one()
        return str(stored.answers["goals"][0]["goal"])


def test_a_contract_saved_as_a_draft_comes_back_as_left_and_sending_clears_it(
    world: World,
) -> None:
    scene = world.scene()
    url = f"/p/{GENERAL}/enrollments/{scene.mentee_id}/forms/{FORM}"
    browser = world.browser(scene.mentee)
    sent_goal = _contract_goal(world, scene.mentee_id)
    assert DRAFT_BUTTON in browser.get(url).get_data(as_text=True)

    # Unfinished: one goal half-written, the required measure and date left blank.
    draft = MultiDict({"goals-0-goal": "Draft goal: chair a meeting", "_draft": "1"})
    saved = browser.post(url, draft, page=url)
    assert saved.status_code == 303, saved.get_data(as_text=True)[:2000]
    assert saved.headers["Location"].endswith(url)
    assert _contract_goal(world, scene.mentee_id) == sent_goal  # nothing was sent

    page = browser.get(url).get_data(as_text=True)
    assert "Draft saved" in page and "Draft saved at" in page
    assert "Draft goal: chair a meeting" in page
    # The mentor sees the contract as it was sent, not the mentee's draft.
    theirs = world.browser(scene.mentor).get(url).get_data(as_text=True)
    assert "Draft goal" not in theirs and "Draft saved at" not in theirs

    answers = {**world.sample(FORM), "release_time": True}
    sent = browser.post(url, form_data(world.program, FORM, answers), page=url)
    assert sent.status_code == 303
    page = browser.get(url).get_data(as_text=True)
    assert "Draft saved at" not in page and "Draft goal" not in page


def test_an_application_draft_keeps_what_was_typed_without_the_required_answers(
    world: World,
) -> None:
    newcomer = world.people.person(unique("drafter"), "Dana Drafter")
    browser = world.browser(newcomer, fresh=True)
    url = f"/p/{GENERAL}/apply/mentee"
    saved = browser.post(url, {"name": "Dana Drafter", "_draft": "1"}, page=url)
    assert saved.status_code == 303
    page = browser.get(url).get_data(as_text=True)
    assert "Draft saved at" in page
    assert 'value="Dana Drafter"' in page
    # Over a limit: refused beside the field, what was typed given back, nothing kept.
    too_long = "D" * 121
    refused = browser.post(url, {"name": too_long, "_draft": "1"}, page=url)
    assert refused.status_code == 400
    assert 'name="name"' in field_block(refused.get_data(as_text=True), "name")
    assert too_long in refused.get_data(as_text=True)
    assert 'value="Dana Drafter"' in browser.get(url).get_data(as_text=True)

    answers = world.apply_answers("mentee", newcomer, unique("boss"))
    sent = browser.post(url, form_data(world.program, "mentee_application", answers), page=url)
    assert sent.status_code == 303
    assert world.workflow.draft(GENERAL, "mentee_application", newcomer) is None


def test_files_are_not_kept_in_a_draft_and_the_page_says_so(world: World) -> None:
    newcomer = world.people.person(unique("filer"), "Fay Filer")
    browser = world.browser(newcomer, fresh=True)
    url = f"/p/{GENERAL}/apply/mentor"
    page = browser.get(url).get_data(as_text=True)
    assert "files are not kept in a draft" in page
    data = MultiDict(
        {"name": "Fay Filer", "_draft": "1", "resume": (io.BytesIO(b"%PDF-1.4 cv"), "cv.pdf")}
    )
    saved = browser.post(url, data, page=url, content_type="multipart/form-data")
    assert saved.status_code == 303
    page = browser.get(url).get_data(as_text=True)
    assert "Files are not kept in a draft" in page
    assert 'value="Fay Filer"' in page


def test_who_may_not_fill_the_form_keeps_no_draft_of_it(world: World) -> None:
    scene = world.main
    url = f"/p/{GENERAL}/enrollments/{scene.mentee_id}/forms/{FORM}"
    for who, status in ((world.stranger, 404), (world.other_coordinator, 404)):
        response = world.browser(who).post(url, {"goals-0-goal": "x", "_draft": "1"}, page="/me")
        assert response.status_code == status
        assert world.workflow.draft(GENERAL, FORM, who, scene.mentee_id) is None


def test_the_form_of_a_step_offers_no_draft(world: World) -> None:
    url = f"/p/{GENERAL}/enrollments/{world.main.mentee_id}/transitions/close_early"
    page = world.browser(world.main.mentee).get(url).get_data(as_text=True)
    assert DRAFT_BUTTON not in page


def test_a_draft_of_a_locked_form_is_refused_with_what_was_typed_kept(world: World) -> None:
    scene = world.scene()
    for signer in (scene.mentee, scene.mentor, scene.supervisor):
        world.workflow.sign(scene.mentee_id, FORM, signer)
    url = f"/p/{GENERAL}/enrollments/{scene.mentee_id}/forms/{FORM}"
    browser = world.browser(scene.mentee)
    typed = "A goal typed after everyone signed"
    response = browser.post(url, {"goals-0-goal": typed, "_draft": "1"}, page="/me")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "signed by everyone" in page and typed in page
    assert world.workflow.draft(GENERAL, FORM, scene.mentee, scene.mentee_id) is None
