"""What the pages say and keep: confidentiality, the JSON form, markers, CSRF, versions,
kept answers and files, group entries, refusals in words, accounts, and /me."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import escape
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from mentorflow.engine.records.store import Enrollment, Submission
from mentorflow.engine.rules.access import SYSTEM_ACTOR
from tests.conftest import Clock
from tests.support import unique
from tests.web.conftest import (
    GENERAL,
    PASSWORD,
    Browser,
    World,
    csrf_token_in,
    field_block,
    form_data,
    register_and_verify,
)

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def enrollment_url(enrollment_id: str, program: str = GENERAL) -> str:
    return f"/p/{program}/enrollments/{enrollment_id}"


def state_and_version(world: World, enrollment_id: str) -> tuple[str, int]:
    with world.workflow.db.session() as session:
        found = session.get(Enrollment, enrollment_id)
        assert found is not None
        return found.state, found.version


@dataclass(frozen=True)
class Stored:
    answers: dict[str, Any]
    signatures: list[str]


def submissions(world: World, enrollment_id: str, form_id: str) -> list[Stored]:
    with world.workflow.db.session() as session:
        found = session.scalars(
            select(Submission)
            .where(Submission.enrollment_id == enrollment_id, Submission.form_id == form_id)
            .order_by(Submission.created_at)
        )
        return [Stored(s.answers, sorted(sig.role for sig in s.signatures)) for s in found]


def text_of(page: str) -> str:
    """A page's words: no tags, entities decoded, white space collapsed."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page)))


# ---------------------------------------------------------------- confidentiality


def test_partners_and_supervisor_never_see_confidential_answers(world: World) -> None:
    scene = world.main
    goals, qualifications = scene.secrets["goals"], scene.secrets["qualifications"]
    screening = scene.secrets["screening"]
    mentee_page = enrollment_url(scene.mentee_id)
    mentor_page = enrollment_url(scene.mentor_id)

    # Those allowed see them: the check below is not vacuous.
    staff = world.browser(world.coordinator).get(mentee_page).get_data(as_text=True)
    assert goals in text_of(staff) and screening in text_of(staff)
    own = world.browser(scene.mentee).get(mentee_page).get_data(as_text=True)
    assert goals in text_of(own)
    assert screening not in text_of(own)  # screening notes are the coordinator's

    for who, url, secret in [
        (scene.mentor, mentee_page, goals),
        (scene.mentor, mentee_page, screening),
        (scene.supervisor, mentee_page, goals),
        (scene.supervisor, mentee_page, screening),
        (scene.mentee, mentor_page, qualifications),
    ]:
        browser = world.browser(who)
        page = browser.get(url)
        assert page.status_code == 200
        assert secret not in text_of(page.get_data(as_text=True))
        answer = browser.json(url)
        assert answer.status_code == 200
        assert secret not in answer.get_data(as_text=True)
    for form in ("mentee_application",):  # the form itself is not theirs to open either
        response = world.browser(scene.mentor).get(f"{mentee_page}/forms/{form}")
        assert response.status_code in (403, 404, 409)
        assert goals not in text_of(response.get_data(as_text=True))


def test_a_stranger_gets_404_on_the_page_and_its_json(world: World) -> None:
    browser = world.browser(world.stranger)
    url = enrollment_url(world.main.mentee_id)
    assert browser.get(url).status_code == 404
    answer = browser.json(url)
    assert answer.status_code == 404
    assert set(answer.get_json()) == {"error"}
    assert world.main.secrets["goals"] not in answer.get_data(as_text=True)


def test_staff_of_another_program_see_no_page_of_this_program(world: World) -> None:
    scene, applicant = world.main, world.waiting
    browser = world.browser(world.other_coordinator)
    e, a = enrollment_url(scene.mentee_id), enrollment_url(applicant.enrollment_id)
    gets = [
        e,
        enrollment_url(scene.mentor_id),
        a,
        f"{e}/forms/learning_contract",
        f"{e}/forms/mentee_evaluation",
        f"{e}/transitions/close_early",
        f"{e}/transitions/unmatch",
        f"{a}/forms/mentee_application",
        f"{a}/transitions/screen",
        f"/p/{GENERAL}/coordinator",
        f"/p/{GENERAL}/coordinator?q=mina",
        enrollment_url(scene.mentee_id, "small-program"),  # their own program's address
    ]
    for url in gets:
        response = browser.get(url)
        assert response.status_code in (403, 404), url
        page = text_of(response.get_data(as_text=True))
        assert scene.secrets["goals"] not in page and scene.mentee.email not in page, url
    for url in gets[:3]:
        assert browser.json(url).status_code in (403, 404)
    before = state_and_version(world, scene.mentee_id)
    posts = [
        (f"{e}/forms/learning_contract", world.sample("learning_contract")),
        (f"{e}/forms/learning_contract/sign", {}),
        (f"{e}/forms/learning_contract/sign", {"on_behalf_of": "supervisor"}),
        (f"{e}/transitions/unmatch", world.sample("unmatch_reason")),
        (f"{a}/transitions/withdraw", {}),
        (f"/p/{GENERAL}/coordinator/bulk", {"selected": [a], "transition": "mentee:withdraw"}),
        (f"/p/{GENERAL}/coordinator/items/{world.item_id}/resolve", {}),
        (f"/p/small-program/coordinator/items/{world.item_id}/resolve", {}),
    ]
    for url, data in posts:
        response = browser.post(url, MultiDict(data))
        assert response.status_code in (403, 404), url
    assert state_and_version(world, scene.mentee_id) == before
    assert state_and_version(world, applicant.enrollment_id)[0] == "applied"


# ---------------------------------------------------------------- the enrollment page


def test_json_form_of_the_enrollment_page(world: World) -> None:
    scene = world.main
    for who, enrollment_id, expected in [
        (scene.mentee, scene.mentee_id, ("mentee", "matched", "Matched", [scene.mentor_id])),
        (
            scene.supervisor,
            scene.mentee_id,
            ("mentee", "matched", "Matched", [scene.mentor_id]),
        ),
        (
            scene.mentee,
            scene.mentor_id,
            ("mentor", "trained", "Available to mentor", [scene.mentee_id]),
        ),
        (
            world.coordinator,
            world.waiting.enrollment_id,
            ("mentee", "applied", "Applied", []),
        ),
    ]:
        response = world.browser(who).json(enrollment_url(enrollment_id))
        assert response.status_code == 200
        assert response.mimetype == "application/json"
        found = response.get_json()
        assert set(found) == {
            "id",
            "program",
            "role",
            "state",
            "state_label",
            "version",
            "partners",
        }
        role, state, label, partners = expected
        _, version = state_and_version(world, enrollment_id)
        assert found == {
            "id": enrollment_id,
            "program": GENERAL,
            "role": role,
            "state": state,
            "state_label": label,
            "version": version,
            "partners": partners,
        }
        assert isinstance(found["version"], int)


def test_the_version_in_json_changes_on_every_write(world: World) -> None:
    scene = world.scene()
    browser = world.browser(scene.mentee)
    first = browser.json(enrollment_url(scene.mentee_id)).get_json()["version"]
    world.workflow.sign(scene.mentee_id, "learning_contract", scene.mentee)
    second = browser.json(enrollment_url(scene.mentee_id)).get_json()["version"]
    assert second != first


def test_state_and_history_markers(world: World) -> None:
    scene = world.main
    page = world.browser(scene.mentor).get(enrollment_url(scene.mentee_id)).get_data(as_text=True)
    assert re.findall(r'data-state="([^"]*)"', page) == ["matched"]
    assert re.findall(r'data-event="([^"]*)"', page) == [
        "apply",
        "screen",
        "record_orientation",
        "match",
    ]
    mentor_page = world.browser(scene.mentor).get(enrollment_url(scene.mentor_id))
    text = mentor_page.get_data(as_text=True)
    assert re.findall(r'data-state="([^"]*)"', text) == ["trained"]
    assert re.findall(r'data-event="([^"]*)"', text) == ["apply", "screen", "record_training"]


def test_a_taken_transition_shows_in_the_markers(world: World) -> None:
    applicant = world.applicant()
    browser = world.browser(applicant.mentee)
    url = enrollment_url(applicant.enrollment_id)
    response = browser.post(f"{url}/transitions/withdraw", page=f"{url}/transitions/withdraw")
    assert response.status_code == 303
    assert response.location.endswith(url)
    page = browser.get(url).get_data(as_text=True)
    assert re.findall(r'data-state="([^"]*)"', page) == ["withdrawn"]
    assert re.findall(r'data-event="([^"]*)"', page) == ["apply", "withdraw"]


# ---------------------------------------------------------------- CSRF and versions


def test_a_post_without_a_csrf_token_is_refused_before_anything_else(world: World) -> None:
    scene = world.scene()
    url = enrollment_url(scene.mentee_id)
    before = state_and_version(world, scene.mentee_id)
    closure = form_data(world.program, "early_closure", world.sample("early_closure"))
    mentee = world.browser(scene.mentee)
    for browser, target, data in [
        (mentee, f"{url}/transitions/close_early", closure),
        (mentee, f"{url}/forms/learning_contract/sign", MultiDict()),
        (mentee, f"{url}/forms/learning_contract", MultiDict({"goals-0-goal": "x"})),
        (world.browser(world.coordinator), f"{url}/transitions/unmatch", MultiDict()),
        (world.browser(world.stranger), f"{url}/transitions/close_early", closure),  # not 404
        (world.browser(None), f"{url}/transitions/close_early", closure),  # not a redirect
        (world.browser(None), "/login", MultiDict({"email": scene.mentee.email})),
    ]:
        response = browser.post(target, data, csrf=False)
        assert response.status_code == 400, target
        assert "nothing was saved" in response.get_data(as_text=True)
        forged = MultiDict(data)
        forged["csrf_token"] = "forged"
        assert browser.client.post(target, data=forged).status_code == 400, target
    assert state_and_version(world, scene.mentee_id) == before
    contract = submissions(world, scene.mentee_id, "learning_contract")
    assert [s.signatures for s in contract] == [[]]  # nobody signed


def test_the_csrf_token_of_another_session_is_refused(world: World) -> None:
    scene = world.scene()
    url = f"{enrollment_url(scene.mentee_id)}/forms/learning_contract/sign"
    theirs = world.browser(world.stranger).token()
    response = world.browser(scene.mentee).client.post(url, data={"csrf_token": theirs})
    assert response.status_code == 400
    assert submissions(world, scene.mentee_id, "learning_contract")[0].signatures == []


def test_a_stale_version_is_a_conflict_and_changes_nothing(world: World) -> None:
    scene = world.scene()
    browser = world.browser(scene.mentee)
    url = f"{enrollment_url(scene.mentee_id)}/forms/learning_contract"
    form = browser.get(url).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', form)
    assert version is not None
    world.workflow.sign(scene.mentee_id, "learning_contract", scene.mentor)  # someone else
    stored = submissions(world, scene.mentee_id, "learning_contract")[0].answers
    data = form_data(world.program, "learning_contract", world.sample("learning_contract"))
    data["expectations"] = "Typed in a race"
    data["version"] = version.group(1)
    response = browser.post(url, data)
    assert response.status_code == 409
    assert submissions(world, scene.mentee_id, "learning_contract")[0].answers == stored
    # The same answers with the current version are saved.
    data["version"] = str(state_and_version(world, scene.mentee_id)[1])
    assert browser.post(url, data).status_code == 303
    saved = submissions(world, scene.mentee_id, "learning_contract")[0].answers
    assert saved["expectations"] == "Typed in a race"


def test_a_stale_version_gives_back_what_was_typed(world: World) -> None:
    scene = world.scene()
    browser = world.browser(scene.mentee)
    url = f"{enrollment_url(scene.mentee_id)}/forms/learning_contract"
    version = re.search(r'name="version" value="(\d+)"', browser.get(url).get_data(as_text=True))
    assert version is not None
    world.workflow.sign(scene.mentee_id, "learning_contract", scene.mentor)
    data = form_data(world.program, "learning_contract", world.sample("learning_contract"))
    data["expectations"] = "Typed in a race"
    data["version"] = version.group(1)
    response = browser.post(url, data)
    assert response.status_code == 409
    assert "Typed in a race" in response.get_data(as_text=True)


# ---------------------------------------------------------------- kept answers and files


def test_a_file_uploaded_with_a_failed_post_is_kept(world: World, app: object) -> None:
    mentor = world.people.person(unique("mentor"), "Fay Filer")
    browser = world.browser(mentor)
    url = f"/p/{GENERAL}/apply/mentor"
    data = form_data(
        world.program, "mentor_application", world.apply_answers("mentor", mentor, unique("boss"))
    )
    data["qualifications"] = "Too short to be accepted"
    first = MultiDict(data)
    first["resume"] = (io.BytesIO(PDF), "my resume.pdf")
    response = browser.post(url, first, content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "my resume.pdf" in page
    assert "Too short to be accepted" in page
    kept = re.search(r'<input type="hidden" name="resume__kept" value="([^"]+)">', page)
    assert kept is not None, "the file is not referred to by a hidden input"
    assert "qualifications" in field_block(page, "qualifications")

    # As the browser sends it again: the hidden input, no file.
    second = MultiDict(data)
    second["qualifications"] = "Twenty years in the agency. " * 5
    second["resume__kept"] = kept.group(1)
    response = browser.post(url, second, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    enrollment_id = response.location.rsplit("/", 1)[-1]
    answers = submissions(world, enrollment_id, "mentor_application")[0].answers
    assert answers["resume"]["name"] == "my resume.pdf"
    assert answers["resume"]["id"] == kept.group(1)
    uploads = Path(world.app.config["MENTORFLOW_UPLOADS"])
    assert (uploads / kept.group(1)).read_bytes() == PDF


def test_a_kept_file_of_someone_else_is_not_taken(world: World) -> None:
    """The hidden input names a stored file; another person's id must not attach it."""
    owner = world.people.person(unique("mentor"), "Olive Owner")
    thief = world.people.person(unique("mentor"), "Tom Taker")
    url = f"/p/{GENERAL}/apply/mentor"
    data = form_data(
        world.program, "mentor_application", world.apply_answers("mentor", owner, unique("boss"))
    )
    data["qualifications"] = "short"
    first = MultiDict(data)
    first["resume"] = (io.BytesIO(PDF), "owner.pdf")
    page = world.browser(owner).post(url, first, content_type="multipart/form-data")
    kept = re.search(r'name="resume__kept" value="([^"]+)"', page.get_data(as_text=True))
    assert kept is not None
    theirs = form_data(
        world.program, "mentor_application", world.apply_answers("mentor", thief, unique("boss"))
    )
    theirs["resume__kept"] = kept.group(1)
    response = world.browser(thief).post(url, theirs, content_type="multipart/form-data")
    assert response.status_code == 303
    answers = submissions(world, response.location.rsplit("/", 1)[-1], "mentor_application")
    assert "resume" not in answers[0].answers


def test_group_entries_are_added_and_removed_without_saving(world: World) -> None:
    scene = world.main
    browser = world.browser(scene.mentee)
    url = f"{enrollment_url(scene.mentee_id)}/forms/learning_contract"
    before = state_and_version(world, scene.mentee_id)
    data = form_data(world.program, "learning_contract", world.sample("learning_contract"))
    data["goals-0-goal"] = "First goal as typed"
    data["expectations"] = "Expectations as typed"
    data["_add_entry"] = "goals"
    response = browser.post(url, data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('<fieldset class="entry"') == 2
    assert 'name="goals-1-goal"' in page and 'name="goals-2-goal"' not in page
    assert "First goal as typed" in page and "Expectations as typed" in page

    two = MultiDict(data)
    two.pop("_add_entry")
    two["goals-1-goal"] = "Second goal as typed"
    two["goals-1-measure"] = "Second measure"
    two["_remove_entry"] = "goals-0"
    response = browser.post(url, two)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.count('<fieldset class="entry"') == 1
    assert "First goal as typed" not in page
    assert re.search(r'name="goals-0-goal"[^>]*>\s*Second goal as typed', page)
    assert "Expectations as typed" in page
    assert state_and_version(world, scene.mentee_id) == before  # nothing was saved


# ---------------------------------------------------------------- refusals in words


def test_eligibility_text_is_shown_word_for_word(world: World) -> None:
    person = world.people.person(unique("senior"), "Sid Senior")
    browser = world.browser(person)
    url = f"/p/{GENERAL}/apply/mentee"
    text = world.program.roles["mentee"].eligibility.text  # type: ignore[union-attr]
    assert str(escape(text)) in browser.get(url).get_data(as_text=True)
    answers = world.apply_answers("mentee", person, unique("boss"), years_of_service=12)
    answers.pop("new_responsibilities", None)
    answers.pop("new_responsibilities_details", None)
    response = browser.post(url, form_data(world.program, "mentee_application", answers))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    refusal = re.search(r'<p class="form-error">(.*?)</p>', page, re.S)
    assert refusal is not None and refusal.group(1) == str(escape(text))
    assert 'value="12"' in page  # kept


def test_pattern_message_is_shown_word_for_word_next_to_its_field(world: World) -> None:
    person = world.people.person(unique("patterned"), "Pat Tern")
    answers = world.apply_answers("mentee", person, unique("boss"), employee_id="12AB")
    response = world.browser(person).post(
        f"/p/{GENERAL}/apply/mentee", form_data(world.program, "mentee_application", answers)
    )
    assert response.status_code == 400
    field = world.program.forms["mentee_application"].fields["employee_id"]
    message = field.pattern_message  # type: ignore[union-attr]
    block = field_block(response.get_data(as_text=True), "employee_id")
    assert str(escape(message)) in block
    assert 'value="12AB"' in block


def test_a_transition_refused_by_its_guards_says_why(world: World) -> None:
    applicant = world.applicant()
    browser = world.browser(world.coordinator)
    url = f"{enrollment_url(applicant.enrollment_id)}/transitions/screen"
    shown = browser.get(url)
    assert shown.status_code == 200
    blocked = re.search(r'<div class="blocked".*?</div>', shown.get_data(as_text=True), re.S)
    assert blocked is not None
    reasons = re.findall(r"<li>(.*?)</li>", blocked.group(0))
    assert reasons
    data = form_data(world.program, "mentee_screening", world.sample("mentee_screening"))
    refused = browser.post(url, data)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    for reason in reasons:
        assert reason in page
    assert state_and_version(world, applicant.enrollment_id)[0] == "applied"


def test_bulk_transitions_report_each_refusal(world: World) -> None:
    first, second = world.applicant(), world.applicant()
    scene = world.main
    selected = [first.enrollment_id, scene.mentee_id, second.enrollment_id]
    browser = world.browser(world.coordinator)
    response = browser.post(
        f"/p/{GENERAL}/coordinator/bulk",
        MultiDict({"selected": selected, "transition": "mentee:withdraw"}),
        page=f"/p/{GENERAL}/coordinator",
    )
    assert response.status_code == 200
    page = text_of(response.get_data(as_text=True))
    assert "2 of 3 done" in page
    refused = re.findall(r'<li class="refused">(.*?)</li>', response.get_data(as_text=True), re.S)
    assert len(refused) == 1
    assert "Mina Mentee" in refused[0]
    assert "not possible from Matched" in text_of(refused[0])
    assert state_and_version(world, first.enrollment_id)[0] == "withdrawn"
    assert state_and_version(world, second.enrollment_id)[0] == "withdrawn"
    assert state_and_version(world, scene.mentee_id)[0] == "matched"

    # A step that asks for a form is refused with a pointer to the enrollment page.
    third = world.applicant()
    response = browser.post(
        f"/p/{GENERAL}/coordinator/bulk",
        MultiDict({"selected": [third.enrollment_id], "transition": "mentee:decline"}),
    )
    assert response.status_code == 200
    assert "asks for a form" in response.get_data(as_text=True)
    assert state_and_version(world, third.enrollment_id)[0] == "applied"


# ---------------------------------------------------------------- accounts


def test_sign_in_is_throttled_after_five_failures_but_never_locked(
    world: World, web_clock: Clock
) -> None:
    person = world.people.person(unique("forgetful"), "Fred Forgetful")
    browser = Browser(world.app.test_client(), None)
    for _ in range(5):
        response = browser.post("/login", {"email": person.email, "password": "wrong horse"})
        assert response.status_code == 400
        assert person.email in response.get_data(as_text=True)  # the address is kept
    response = browser.post("/login", {"email": person.email, "password": PASSWORD})
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    assert "Too many failed sign-ins for this e-mail address: wait 2 seconds" in page
    assert person.email in page
    assert browser.get("/me").status_code == 302  # not signed in
    # Others are not held up by it, and the person is in after the wait, not 15 minutes.
    assert Browser(world.app.test_client(), None).sign_in(world.stranger).who == world.stranger
    web_clock.now += dt.timedelta(seconds=2)
    assert browser.sign_in(person).who == person


def test_a_person_first_known_from_an_import_gets_their_enrollment(world: World) -> None:
    email = unique("imported")
    csv_text = (
        "name,email,supervisor_email,years_of_service,interests,style\n"
        f"Ivy Imported,{email},{unique('boss')},1,Leadership;Writing,hands_on\n"
    )
    result = world.workflow.import_applications(
        "small-program", "mentee", csv_text, actor=SYSTEM_ACTOR
    )
    (enrollment_id,) = result.enrollment_ids
    browser = register_and_verify(
        world.app.test_client(), "Ivy Imported", email.upper(), world.workflow
    )
    me = browser.get("/me").get_data(as_text=True)
    assert enrollment_url(enrollment_id, "small-program") in me
    assert "Small Program" in me
    assert browser.get(enrollment_url(enrollment_id, "small-program")).status_code == 200


# ---------------------------------------------------------------- /me


def waiting_on(page: str, enrollment_id: str) -> str:
    """The card of one enrollment on /me, as text."""
    cards = re.findall(r'<section class="card">(.*?)</section>', page, re.S)
    found = [c for c in cards if f"/enrollments/{enrollment_id}" in c]
    assert len(found) == 1, f"{enrollment_id} is listed {len(found)} times"
    return text_of(found[0])


def test_me_lists_what_is_waiting(world: World) -> None:
    scene = world.scene()
    mentee = world.browser(scene.mentee).get("/me").get_data(as_text=True)
    card = waiting_on(mentee, scene.mentee_id)
    assert "Your next step Sign the Learning contract as mentee" in card
    # Ending early is on the enrollment's page, set apart: never listed as a task.
    assert "End the relationship early" not in card
    assert 'data-state="matched"' in mentee

    mentor = world.browser(scene.mentor).get("/me").get_data(as_text=True)
    own = waiting_on(mentor, scene.mentor_id)
    assert "Stop taking new mentees for now" in own and "Sign the" not in own
    assert "Sign the Learning contract as mentor" in waiting_on(mentor, scene.mentee_id)

    supervisor = world.browser(scene.supervisor).get("/me").get_data(as_text=True)
    card = waiting_on(supervisor, scene.mentee_id)
    assert "Sign the Learning contract as supervisor" in card
    assert "End the relationship early" not in card  # not theirs to take

    world.workflow.sign(scene.mentee_id, "learning_contract", scene.supervisor)
    supervisor = world.browser(scene.supervisor).get("/me").get_data(as_text=True)
    card = waiting_on(supervisor, scene.mentee_id)
    assert "Sign the" not in card and "Not yet, because" in card
    assert "not signed by the mentor and the mentee yet" in card  # what it waits for

    applicant = world.applicant()
    page = world.browser(applicant.mentee).get("/me").get_data(as_text=True)
    card = waiting_on(page, applicant.enrollment_id)
    assert "Waiting for a coordinator to accept after screening" in card
    assert "Withdraw my application" not in card  # a set-back is no task
    assert "Fill the" not in card  # the application is in already
    assert csrf_token_in(page)


def _mentor_with_resume(world: World) -> tuple[Browser, str, MultiDict[str, Any]]:
    mentor = world.people.person(unique("mentor"), "Ed Editor")
    browser = world.browser(mentor)
    data = form_data(
        world.program, "mentor_application", world.apply_answers("mentor", mentor, unique("boss"))
    )
    sent = MultiDict(data)
    sent["resume"] = (io.BytesIO(PDF), "cv.pdf")
    response = browser.post(f"/p/{GENERAL}/apply/mentor", sent, content_type="multipart/form-data")
    assert response.status_code == 303
    return browser, response.location.rsplit("/", 1)[-1], data


def test_editing_with_the_page_as_served_keeps_the_stored_file(world: World) -> None:
    browser, enrollment_id, data = _mentor_with_resume(world)
    url = f"{enrollment_url(enrollment_id)}/forms/mentor_application"
    page = browser.get(url).get_data(as_text=True)
    assert "cv.pdf" in page
    kept = re.search(r'name="resume__kept" value="([^"]+)"', page)
    assert kept is not None
    edited = MultiDict(data)
    edited["job_title"] = "Senior analyst"
    edited["resume__kept"] = kept.group(1)
    edited["resume"] = (io.BytesIO(b""), "")  # the empty file input
    response = browser.post(url, edited, content_type="multipart/form-data")
    assert response.status_code == 303
    answers = submissions(world, enrollment_id, "mentor_application")[0].answers
    assert answers["job_title"] == "Senior analyst"
    assert answers["resume"]["name"] == "cv.pdf"


def test_an_empty_file_input_alone_keeps_the_stored_file(world: World) -> None:
    browser, enrollment_id, data = _mentor_with_resume(world)
    url = f"{enrollment_url(enrollment_id)}/forms/mentor_application"
    edited = MultiDict(data)
    edited["resume"] = (io.BytesIO(b""), "")
    response = browser.post(url, edited, content_type="multipart/form-data")
    assert response.status_code == 303
    answers = submissions(world, enrollment_id, "mentor_application")[0].answers
    assert answers.get("resume", {}).get("name") == "cv.pdf"
