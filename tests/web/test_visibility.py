"""One visibility rule on every page: a table of page x viewer x what must not appear.

The people: a mentor (Milo) with two mentees, Amy (active, her evaluation and a check-in
in) and Tara (matched), and Amy's supervisor. What each viewer must not read is taken
from the general definition's `visible_to`, `filled_by` and `signatures`: the title of
every form on Amy's enrollment none of them lets the viewer read, fill or sign is not
on the page at all. Partners see each other, never the partner's other mentee. The
recognition page shows evaluations only as figures drawn from at least
`report_min_group` mentees, never an answer by name or any free text.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import pytest

from mentorflow.engine.definition.program import Form, Program
from mentorflow.engine.rules.access import Actor
from tests.support import unique
from tests.web.conftest import GENERAL, World


@dataclass
class Trio:
    mentor: Actor
    mentor_id: str
    amy: Actor
    amy_id: str
    tara: Actor
    tara_id: str
    supervisor: Actor
    secrets: dict[str, str]


def _mentor(world: World, name: str, places: int) -> tuple[Actor, str]:
    wf, coordinator = world.workflow, world.coordinator
    mentor = world.people.person(unique("mentor"), name)
    answers = world.apply_answers("mentor", mentor, unique("mentor.boss"), max_mentees=places)
    mentor_id = wf.apply(GENERAL, "mentor", mentor, answers).id
    wf.take(mentor_id, "screen", coordinator, world.sample("mentor_screening"))
    wf.take(mentor_id, "record_training", coordinator, world.sample("mentor_training_attendance"))
    return mentor, mentor_id


def _mentee(world: World, name: str, boss: str, mentor_id: str) -> tuple[Actor, str]:
    wf, coordinator = world.workflow, world.coordinator
    mentee = world.people.person(unique("mentee"), name)
    mentee_id = wf.apply(GENERAL, "mentee", mentee, world.apply_answers("mentee", mentee, boss)).id
    wf.take(mentee_id, "screen", coordinator, world.sample("mentee_screening"))
    wf.take(mentee_id, "record_orientation", coordinator, world.sample("training_attendance"))
    wf.match(mentee_id, mentor_id, coordinator)
    return mentee, mentee_id


def _start(world: World, mentee: Actor, mentee_id: str, mentor: Actor, boss: Actor) -> None:
    wf = world.workflow
    contract = {**world.sample("learning_contract"), "release_time": True}
    wf.submit(mentee_id, "learning_contract", mentee, contract)
    for signer in (mentee, mentor, boss):
        wf.sign(mentee_id, "learning_contract", signer)
    assert wf.take(mentee_id, "start", world.coordinator).state == "active"


def _evaluate(world: World, mentee: Actor, mentee_id: str, comment: str) -> None:
    answers = {**world.sample("mentee_evaluation"), "comments": comment}
    world.workflow.submit(mentee_id, "mentee_evaluation", mentee, answers)


@pytest.fixture(scope="module")
def trio(world: World) -> Trio:
    wf = world.workflow
    supervisor = world.people.person(unique("supervisor"), "Sue Supervisor")
    mentor, mentor_id = _mentor(world, "Milo Manymentees", 2)
    amy, amy_id = _mentee(world, "Amy Ashby", supervisor.email, mentor_id)
    tara, tara_id = _mentee(world, "Tara Thirdperson", unique("tara.boss"), mentor_id)
    _start(world, amy, amy_id, mentor, supervisor)
    secrets = {
        "evaluation": f"Evaluation secret {unique('e')}: my mentor never turned up.",
        "mentor_evaluation": f"Mentor evaluation secret {unique('m')}",
        "check_in": f"Check-in secret {unique('c')}",
    }
    _evaluate(world, amy, amy_id, secrets["evaluation"])
    mentor_answers = {**world.sample("mentor_evaluation"), "comments": secrets["mentor_evaluation"]}
    wf.submit(amy_id, "mentor_evaluation", mentor, mentor_answers)
    check_in = {**world.sample("check_in"), "topics": secrets["check_in"]}
    wf.submit(amy_id, "check_in", amy, check_in)
    return Trio(mentor, mentor_id, amy, amy_id, tara, tara_id, supervisor, secrets)


# ---------------------------------------------------------------- what the definition allows

# What each viewer is towards Amy's enrollment, in the words of `visible_to`.
STANDING = {
    "mentee": frozenset({"mentee", "pair", "filler"}),  # Amy filled her own forms
    "mentor": frozenset({"mentor", "pair"}),
    "supervisor": frozenset({"supervisor"}),
}


def _may_know_of(form: Form, role: str) -> bool:
    """Whether a form may be named to `role` at all: its `visible_to` names them, or they
    fill or sign it. `filler` counts for the mentee only where she fills the form."""
    standing = STANDING[role]
    visible = set(form.visible_to) - {"filler"}
    fills = form.filled_by == role or (form.filled_by == "pair" and role != "supervisor")
    if fills and "filler" in form.visible_to:
        return True
    return bool(visible & standing) or fills or role in form.signatures


def unknown_forms(program: Program, role: str) -> list[str]:
    """The titles of the forms on a mentee's enrollment that `role` may not know of."""
    return [
        form.title
        for form in program.forms.values()
        if form.owner == "mentee" and form.open_in and not _may_know_of(form, role)
    ]


def test_the_table_is_not_empty(world: World) -> None:
    """The definition has forms each participant may not know of (else the table below
    would check nothing)."""
    assert "Mentee evaluation" in unknown_forms(world.program, "mentor")
    assert "Mentor evaluation" in unknown_forms(world.program, "mentee")
    assert {"Check-in", "Mentee evaluation"} <= set(unknown_forms(world.program, "supervisor"))


# ---------------------------------------------------------------- the table

MENTOR_PAGE = "mentor page"
AMY_PAGE = "Amy's page"
ME = "/me"


def _url(page: str, trio: Trio) -> str:
    return {
        MENTOR_PAGE: f"/p/{GENERAL}/enrollments/{trio.mentor_id}",
        AMY_PAGE: f"/p/{GENERAL}/enrollments/{trio.amy_id}",
        ME: "/me",
    }[page]


def _viewer(role: str, trio: Trio) -> Actor:
    return {"mentee": trio.amy, "mentor": trio.mentor, "supervisor": trio.supervisor}[role]


def _forbidden(what: str, world: World, trio: Trio, role: str) -> list[str]:
    if what == "third person":  # Amy's mentor's other mentee
        return [trio.tara.name, trio.tara.email]
    if what == "unknown forms":
        return unknown_forms(world.program, role)
    return [trio.secrets[what]]


TABLE = [
    # page, viewer, what must not appear
    (MENTOR_PAGE, "mentee", "third person"),
    (ME, "mentee", "third person"),
    (AMY_PAGE, "mentee", "third person"),
    (AMY_PAGE, "mentee", "unknown forms"),
    (AMY_PAGE, "mentee", "mentor_evaluation"),
    (ME, "mentee", "unknown forms"),
    (AMY_PAGE, "mentor", "unknown forms"),
    (AMY_PAGE, "mentor", "evaluation"),
    (ME, "mentor", "unknown forms"),
    (AMY_PAGE, "supervisor", "unknown forms"),
    (AMY_PAGE, "supervisor", "evaluation"),
    (AMY_PAGE, "supervisor", "mentor_evaluation"),
    (AMY_PAGE, "supervisor", "check_in"),
    (AMY_PAGE, "supervisor", "third person"),
    (ME, "supervisor", "unknown forms"),
    (ME, "supervisor", "third person"),
]


@pytest.mark.parametrize(("page", "role", "what"), TABLE)
def test_a_page_does_not_show_what_the_viewer_may_not_know(
    world: World, trio: Trio, page: str, role: str, what: str
) -> None:
    response = world.browser(_viewer(role, trio)).get(_url(page, trio))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    forbidden = _forbidden(what, world, trio, role)
    assert forbidden
    assert [s for s in forbidden if s in text] == []


@pytest.mark.parametrize(
    ("page", "role", "expected"),
    [
        # Partners see each other; what each may know of is still listed.
        (MENTOR_PAGE, "mentee", ["Milo Manymentees", "Amy Ashby"]),
        (AMY_PAGE, "mentee", ["Milo Manymentees", "Mentee evaluation", "Check-in"]),
        (AMY_PAGE, "mentor", ["Amy Ashby", "Mentor evaluation", "Check-in"]),
        (AMY_PAGE, "supervisor", ["Learning contract"]),
    ],
)
def test_what_the_viewer_may_know_is_still_shown(
    world: World, trio: Trio, page: str, role: str, expected: list[str]
) -> None:
    """The table above could pass on an empty page: these are there."""
    text = world.browser(_viewer(role, trio)).get(_url(page, trio)).get_data(as_text=True)
    assert [s for s in expected if s not in text] == []


def test_the_mentor_and_staff_see_every_mentee(world: World, trio: Trio) -> None:
    url = _url(MENTOR_PAGE, trio)
    for who in (trio.mentor, world.coordinator):
        text = world.browser(who).get(url).get_data(as_text=True)
        assert trio.amy.email in text and trio.tara.email in text


def test_staff_see_every_form(world: World, trio: Trio) -> None:
    text = world.browser(world.coordinator).get(_url(AMY_PAGE, trio)).get_data(as_text=True)
    for form_id in ("mentee_evaluation", "mentor_evaluation", "check_in", "learning_contract"):
        assert f'id="form-{form_id}"' in text
    assert trio.secrets["evaluation"] in text


# ---------------------------------------------------------------- recognition

RECOGNITION = f"/p/{GENERAL}/recognition"
RECOGNITION_CSV = f"/p/{GENERAL}/recognition.csv"
SATISFACTION = "Overall satisfaction with the mentoring relationship"


@pytest.mark.parametrize("url", [RECOGNITION, RECOGNITION_CSV])
@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_recognition_names_no_evaluation(world: World, trio: Trio, url: str, who: str) -> None:
    """One evaluation of Milo is in: fewer than `report_min_group` (3), so no figure,
    no answer, no name of whoever wrote it, and never free text."""
    viewer: Any = world.coordinator if who == "coordinator" else world.admin
    response = world.browser(viewer).get(url)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert trio.secrets["evaluation"] not in text
    assert trio.amy.name not in text
    assert SATISFACTION not in text
    assert "fewer than 3 people" in _evaluations_of(trio.mentor, text, url)


def _evaluations_of(mentor: Actor, text: str, url: str) -> str:
    """The part of the recognition page, or the CSV row, about `mentor`'s evaluations."""
    if url.endswith(".csv"):
        return next(row for row in csv.reader(io.StringIO(text)) if row[1] == mentor.email)[7]
    section = text[text.index(f"Evaluations of {mentor.name}") :]
    return section[: section.index("</section>")]


@pytest.fixture(scope="module")
def popular(world: World) -> tuple[Actor, list[str]]:
    """A mentor whose three mentees all sent their evaluation, each with a comment."""
    boss = world.people.person(unique("supervisor"), "Sid Supervisor")
    mentor, mentor_id = _mentor(world, "Pia Popular", 3)
    comments = []
    for i in range(3):
        mentee, mentee_id = _mentee(world, f"Evan Evaluator{i}", boss.email, mentor_id)
        _start(world, mentee, mentee_id, mentor, boss)
        comments.append(f"Comment {unique('c')} from the {i}th")
        _evaluate(world, mentee, mentee_id, comments[-1])
    return mentor, comments


@pytest.mark.parametrize("url", [RECOGNITION, RECOGNITION_CSV])
def test_recognition_shows_figures_from_enough_people(
    world: World, popular: tuple[Actor, list[str]], url: str
) -> None:
    mentor, comments = popular
    text = world.browser(world.coordinator).get(url).get_data(as_text=True)
    pia = _evaluations_of(mentor, text, url)
    assert SATISFACTION in pia and "3 people" in pia
    assert "Evan Evaluator" not in text
    assert [c for c in comments if c in text] == []
