"""The README's walk-through, as written, clicked through in Chromium, with axe-core.

Steps 1 to 7 of "Walk through a program in the browser": two people apply from the
program page, the coordinator screens them from the desk, training moves them on, the
matching review confirms the pair, the learning contract is signed with the release-time
box left unticked, amended by the coordinator and signed again, the relationship starts,
a check-in is recorded, both evaluate and the coordinator completes it once 120 days have
passed (the test's clock moves). A second pair ends early from the closure form, and
both still fill their evaluations afterwards.

A webhook follows the program meanwhile: its receiver, on loopback, refuses the first
delivery twice and then gets every entry of the feed exactly once, signed, in commit order.

Every page of the journey is checked with axe-core (WCAG 2.0 to 2.2, A and AA) at 1280
and 390 px: any serious or critical violation fails the test, and so does a page that
is wider than a 320 px screen. Screenshots of the enrollment page, the desk with 200
people, the matching review and the reports at both widths are written to
`build/screenshots/` (or `MENTORFLOW_SCREENSHOTS`), which CI keeps as artifacts.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from mentorflow.engine.definition.program import Program
from mentorflow.engine.records.feed import FeedEntry
from mentorflow.engine.service.workflow import SYSTEM_ACTOR
from tests import webhook_receiver
from tests.conftest import DATABASES, People, module_database_url
from tests.support import sample_answers
from tests.web.browser_fixtures import (
    ROOT,
    Browsers,
    LiveServer,
    Visitor,
    browsers,
    chromium,
    live_server,
)
from tests.web.test_journey import (
    ENROLLMENT,
    enrollment_id,
    expect_state,
    fill_mentee_application,
    labelled,
    submit_and_land,
    take,
    tick,
)
from tests.webhook_receiver import Receiver

__all__ = ["browsers", "chromium", "live_server"]  # fixtures this module uses

pytestmark = pytest.mark.browser

PROGRAM = "general-mentoring"
TITLE = "Agency Workplace Mentoring Program"
COORDINATOR = ("casey.coordinator@das.example.org", "Casey Coordinator")
MENTEE = ("maya.mentee@das.example.org", "Maya Mentee")
MENTOR = ("omar.mentor@das.example.org", "Omar Mentor")
SUPERVISOR = ("sam.supervisor@das.example.org", "Sam Supervisor")
SHOTS = Path(os.environ.get("MENTORFLOW_SCREENSHOTS", ROOT / "build" / "screenshots"))
WIDTHS = (1280, 390)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def told_once_in_order(server: LiveServer, receiver: Receiver, secret: str) -> None:
    """Every feed entry of the program reached the receiver exactly once, signed, in the
    order the entries committed, the first after two refused tries."""
    server.clock.advance(1)  # past the last wait for a retry
    with server.workflow.db.session() as session:
        entries = list(
            session.scalars(
                select(FeedEntry).where(FeedEntry.program_id == PROGRAM).order_by(FeedEntry.id)
            )
        )
    # The app sends in the background after each change; what it has not sent yet is
    # sent here (a delivery is claimed before it is sent, so never by both).
    deadline = time.monotonic() + 60
    while len(receiver.taken) < len(entries) and time.monotonic() < deadline:
        if server.workflow.send_webhooks() == (0, 0):
            time.sleep(0.1)
    kinds = {e.kind for e in entries}
    assert {"application", "transition", "submission", "signature", "match"} <= kinds, kinds
    assert {"closure", "amendment"} <= kinds, kinds
    assert [d["id"] for d in receiver.documents] == [e.id for e in entries]
    assert all(r.verifies(secret) for r in receiver.taken)
    assert len(receiver.received) == len(entries) + 2
    assert receiver.received[0].body == receiver.received[2].body == receiver.taken[0].body


class Audit:
    """axe-core on every page visited, at each width; what it finds is kept, not raised
    at once, so one run names every page with a problem."""

    def __init__(self) -> None:
        from axe_playwright_python.sync_playwright import Axe

        self.axe = Axe()
        self.problems: list[str] = []
        self.pages = 0

    def check(self, visitor: Visitor, name: str, *, shoot: bool = False) -> None:
        page = visitor.page
        page.wait_for_load_state("load")
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            results = self.axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
            for violation in results.response["violations"]:
                if violation["impact"] in ("serious", "critical"):
                    targets = [n["target"] for n in violation["nodes"]][:3]
                    self.problems.append(
                        f"{name} at {width}px: {violation['id']} ({violation['impact']}): "
                        f"{violation['help']} {targets}"
                    )
            if shoot:
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        page.set_viewport_size({"width": 320, "height": 900})
        wider = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if wider > 0:
            self.problems.append(f"{name} at 320px: the page is {wider}px wider than the screen")
        page.set_viewport_size({"width": 1280, "height": 900})
        self.pages += 1


@pytest.fixture(params=DATABASES[-1:])
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """One database, not each: what axe-core and the screenshots see does not depend on
    it, and the walk takes a minute and a half. PostgreSQL, the production database,
    when it is there (always in CI)."""
    return module_database_url(request.param, tmp_path_factory)


@pytest.fixture
def audit() -> Audit:
    return Audit()


def next_step(page: Page) -> Any:
    return page.locator("section.next-step")


def fill_application_as_mentor(page: Page) -> None:
    labelled(page, "Job Title").fill("Facilities Program Manager")
    labelled(page, "Division").select_option(label="Administration and Finance")
    labelled(page, "Work Number").fill("603-555-0199")
    labelled(page, "Your supervisor's e-mail address").fill("rita.boss@das.example.org")
    labelled(page, "Years of service with the agency").fill("14")
    labelled(page, "Please describe your qualifications in detail").fill(
        "Fourteen years in facilities and finance: capital budgets, procurement, project "
        "scheduling, and coaching new staff through their first budget cycle."
    )
    for box in (
        "Project management",
        "Budgeting and finance",
        "Weekday mornings",
        "Video call",
        "Learning by doing",
    ):
        tick(page, box)
    page.get_by_label(re.compile(r"^Commitment and confidentiality")).check()


def register_from_the_program_page(visitor: Visitor, role_label: str) -> None:
    """Step 1 as written: the program page, *Apply as ...*, then *Register*."""
    page = visitor.page
    page.goto("/")
    page.get_by_role("link", name=TITLE).first.click()
    page.get_by_role("link", name=f"Apply as {role_label}").click()
    page.get_by_role("link", name="Register").first.click()
    page.get_by_label("Your name").fill(visitor.name)
    page.get_by_label("E-mail address").fill(visitor.email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url("**/verify**")
    from tests.web.conftest import link_mailed_to

    page.goto(link_mailed_to(visitor.server.workflow, visitor.email))
    page.get_by_label("Your password").fill("correct horse battery")
    page.get_by_role("button", name=f"Verify {visitor.email}").click()
    page.wait_for_load_state("load")
    if "/apply/" not in page.url:  # verified: on to the form that was asked for
        page.goto(f"/p/{PROGRAM}/apply/{role_label}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Apply as {role_label}")


def sign(visitor: Visitor, as_role: str) -> None:
    """Sign the contract as the page asks: with one's full name typed."""
    page = visitor.page
    contract = page.locator("#form-learning_contract")
    contract.get_by_label("Your full name, to sign").fill(visitor.name)
    contract.get_by_role("button", name=f"Sign as {as_role}").click()
    page.wait_for_url(ENROLLMENT)
    expect(page.locator(".confirmation")).to_be_visible()


def fill_evaluation(page: Page, enrollment: str, form: str, *, mentor: bool) -> None:
    page.goto(f"/p/{PROGRAM}/enrollments/{enrollment}")
    page.locator(f"#form-{form}").get_by_role("link", name="Fill").click()
    tick(page, "Satisfied" if mentor else "Very satisfied")
    tick(page, "Somewhat useful" if mentor else "Very useful")
    tick(page, "Most goals were met" if mentor else "All goals were met")
    if mentor:
        page.get_by_label(re.compile(r"^On average, how many hours")).fill("3")
    submit_and_land(page, "Save")
    expect(page.locator(f"#form-{form}")).to_contain_text("Submitted")


def a_started_pair(server: LiveServer, people: People) -> tuple[str, Any, Any]:
    """A second pair, matched and started through the engine: (mentee enrollment id,
    mentee, mentor) for the early end, which the browser then walks."""
    wf, program = server.workflow, server.workflow.programs[PROGRAM]
    today = server.clock.now.date()
    coordinator = server.actor(COORDINATOR[0])
    mentee = people.person("nia.early@das.example.org", "Nia Early")
    mentor = people.person("ed.early@das.example.org", "Ed Early")
    boss = people.person("bo.boss@das.example.org", "Bo Boss")

    def answers(form: str, role: str | None = None, **kw: Any) -> dict[str, Any]:
        satisfy = []
        if role:
            satisfy.append(program.roles[role].eligibility.when)  # type: ignore[union-attr]
            if role == "mentee":
                screen = program.lifecycle_of("mentee").transitions["screen"]
                satisfy.append(screen.requires.when)  # type: ignore[union-attr]
        return sample_answers(program, form, satisfy, today, **kw)

    mentee_id = wf.apply(
        PROGRAM,
        "mentee",
        mentee,
        answers(
            program.apply_form("mentee").id, "mentee", email=mentee.email, supervisor=boss.email
        ),
    ).id
    wf.take(mentee_id, "screen", coordinator, answers("mentee_screening"))
    wf.take(mentee_id, "record_orientation", coordinator, answers("training_attendance"))
    mentor_id = wf.apply(
        PROGRAM,
        "mentor",
        mentor,
        answers(
            program.apply_form("mentor").id,
            "mentor",
            email=mentor.email,
            supervisor="x@das.example.org",
        ),
    ).id
    wf.take(mentor_id, "screen", coordinator, answers("mentor_screening"))
    wf.take(mentor_id, "record_training", coordinator, answers("mentor_training_attendance"))
    wf.match(mentee_id, mentor_id, coordinator)
    contract = {**answers("learning_contract"), "release_time": True}
    wf.submit(mentee_id, "learning_contract", mentee, contract)
    for signer in (mentee, mentor, boss):
        wf.sign(mentee_id, "learning_contract", signer)
    wf.take(mentee_id, "start", coordinator)
    return mentee_id, mentee, mentor


def a_crowd(server: LiveServer, people: People, program: Program, n: int) -> None:
    """`n` more applicants, so the desk is seen with a few hundred people."""
    today = server.clock.now.date()
    when = [program.roles["mentee"].eligibility.when]  # type: ignore[union-attr]
    for i in range(n):
        who = people.person(f"crowd{i:03d}@das.example.org", f"Crowd Member {i:03d}")
        answers = sample_answers(
            program,
            program.apply_form("mentee"),
            when,
            today,
            email=who.email,
            supervisor="crowd.boss@das.example.org",
        )
        server.workflow.apply(PROGRAM, "mentee", who, answers)


def test_the_readme_walk_through_in_a_browser(
    live_server: LiveServer, browsers: Browsers, audit: Audit
) -> None:
    with webhook_receiver.serving() as receiver:
        walk_through(live_server, browsers, audit, receiver)


def walk_through(
    live_server: LiveServer, browsers: Browsers, audit: Audit, receiver: Receiver
) -> None:
    server, clock = live_server, live_server.clock
    people = People(server.workflow.db)
    server.add_coordinator(*COORDINATOR, PROGRAM)
    # A system that follows the program through a webhook, failing its first two
    # deliveries: the first waits for its retry, and everything after it waits in turn.
    hook = server.workflow.add_webhook(SYSTEM_ACTOR, PROGRAM, receiver.url)
    receiver.answers = [500, 500]

    # 1. Apply as a mentee ---------------------------------------------------------------
    mentee = browsers(*MENTEE)
    page = mentee.page
    page.goto("/")
    audit.check(mentee, "home")
    page.get_by_role("link", name=TITLE).first.click()
    audit.check(mentee, "program-page")
    register_from_the_program_page(mentee, "mentee")
    audit.check(mentee, "apply-form")
    fill_mentee_application(page)
    labelled(page, "Employee ID number").fill("12AB56")  # wrong: marked beside the field
    page.get_by_label(re.compile(r"^What would you like to be able to do")).fill(
        "Plan and track a small facilities project and its budget on my own, start to finish."
    )
    page.get_by_role("button", name="Send application").click()
    expect(page.locator("#field-employee_id .error")).to_be_visible()
    audit.check(mentee, "apply-form-errors")
    labelled(page, "Employee ID number").fill("123456")
    submit_and_land(page, "Send application")
    mentee_id = enrollment_id(page)
    expect(page.locator(".confirmation")).to_contain_text(f"Your application to {TITLE} was sent.")
    expect(next_step(page)).to_contain_text("Waiting for a coordinator to accept after screening")
    audit.check(mentee, "enrollment-applied")
    page.goto(f"/p/{PROGRAM}/apply/mentee")  # again: told so, with the way to the enrollment
    expect(page.get_by_role("heading", level=1)).to_have_text("You have applied already")

    # 2. Apply as a mentor, in a second browser -------------------------------------------
    mentor = browsers(*MENTOR)
    register_from_the_program_page(mentor, "mentor")
    page = mentor.page
    fill_application_as_mentor(page)
    submit_and_land(page, "Send application")
    mentor_id = enrollment_id(page)
    expect_state(page, "applied")
    audit.check(mentor, "enrollment-applied-mentor")

    # 3. Screen both as the coordinator, who starts at the desk ----------------------------
    coordinator = browsers(*COORDINATOR)
    coordinator.sign_in()
    page = coordinator.page
    expect(page.get_by_role("heading", level=1)).to_contain_text("coordinator's desk")
    audit.check(coordinator, "desk")
    for name, enrollment in ((MENTEE[1], mentee_id), (MENTOR[1], mentor_id)):
        page.get_by_role("link", name=f"Desk: {TITLE}").click()
        page.get_by_role("link", name=name, exact=True).click()
        expect(next_step(page)).to_contain_text("Accept after screening")
        take(page, "Accept after screening")
        audit.check(coordinator, f"screening-{enrollment[:4]}")
        labelled(page, "Date of the screening conversation").fill(clock.today())
        if enrollment == mentee_id:
            tick(page, "Strong")
            tick(page, "Receptive to honest, constructive feedback")
        else:
            tick(page, "Excellent listening skills")
            tick(page, "The mentor's supervisor supports the time commitment")
        submit_and_land(page, "Accept after screening")
        expect_state(page, "screened")
        expect(page.locator(".confirmation")).to_contain_text("Done: Accept after screening.")

    # 4. Training: the mentee's own form moves her on; the coordinator records the mentor's
    take(page, "Record training attendance")  # still on the mentor's page
    labelled(page, "Date of the session").fill(clock.today())
    tick(page, "Classroom session")
    submit_and_land(page, "Record training attendance")
    expect_state(page, "trained")

    page = mentee.page
    page.goto(f"/p/{PROGRAM}/enrollments/{mentee_id}")
    next_step(page).get_by_role("link", name="Fill in the mentee orientation").click()
    audit.check(mentee, "orientation-form")
    labelled(page, "Date you attended").fill(clock.today())
    tick(page, "Live online session")
    tick(page, "Developing a learning contract with explicit, realistic and achievable goals")
    tick(page, "Maintaining confidentiality between mentor and mentee")
    tick(page, "I attended the whole orientation")
    submit_and_land(page, "Save")
    expect_state(page, "trained")

    # 5. Match them from the desk's matching review ----------------------------------------
    page = coordinator.page
    page.get_by_role("link", name=f"Desk: {TITLE}").click()
    page.get_by_role("link", name="Match mentees with mentors").click()
    expect(page.locator("body")).to_contain_text(MENTEE[1])
    audit.check(coordinator, "matching-review", shoot=True)
    page.get_by_role("button", name=re.compile(r"^Confirm")).first.click()
    page.wait_for_load_state("load")
    audit.check(coordinator, "matching-confirmed")
    page.goto(f"/p/{PROGRAM}/enrollments/{mentee_id}")
    expect_state(page, "matched")

    # 6. The learning contract, signed with the release-time box unticked ------------------
    page = mentee.page
    page.goto(f"/p/{PROGRAM}/enrollments/{mentee_id}")
    expect(next_step(page)).to_contain_text("Fill in the learning contract")
    next_step(page).get_by_role("link", name="Fill in the learning contract").click()
    page.locator("#goals-0-goal").fill("Run the spring lighting retrofit project.")
    page.locator("#goals-0-measure").fill("Project closed on time and on budget")
    page.locator("#goals-0-target_date").fill(clock.today(150))
    tick(page, "Every two weeks")
    tick(page, "Video call")
    page.get_by_label(re.compile(r"^Confidentiality")).check()
    page.get_by_label(re.compile(r"^No-fault closure")).check()
    audit.check(mentee, "learning-contract-form")
    submit_and_land(page, "Save")
    expect(page.locator(".confirmation")).to_contain_text("Saved: Learning contract.")
    sign(mentee, "mentee")

    page = mentor.page
    page.goto(f"/p/{PROGRAM}/enrollments/{mentee_id}")
    expect(next_step(page)).to_contain_text("Sign the Learning contract as mentor")
    sign(mentor, "mentor")

    supervisor = browsers(*SUPERVISOR)
    supervisor.register()
    page = supervisor.page
    audit.check(supervisor, "supervisor-me")
    page.get_by_role("link", name=TITLE).first.click()
    expect(next_step(page)).to_contain_text("Sign the Learning contract as supervisor")
    audit.check(supervisor, "supervisor-enrollment")
    sign(supervisor, "supervisor")
    expect_state(page, "contracted")

    page = coordinator.page
    page.goto(f"/p/{PROGRAM}/enrollments/{mentee_id}")
    expect(next_step(page)).to_contain_text("Start the relationship: not yet")
    expect(next_step(page)).to_contain_text("release time")
    audit.check(coordinator, "enrollment-contracted-blocked")
    page.locator("#form-learning_contract").get_by_role("button", name="Amend").click()
    expect(page.locator(".confirmation")).to_contain_text("Reopened as an amendment")
    audit.check(coordinator, "amendment-form")
    tick(page, "The mentee's supervisor has agreed to release time for these meetings")
    submit_and_land(page, "Save")
    expect(page.locator("#form-learning_contract")).to_contain_text(
        "Still to sign: mentor, mentee, supervisor."
    )
    for visitor, role in ((mentee, "mentee"), (mentor, "mentor"), (supervisor, "supervisor")):
        visitor.page.goto(f"/p/{PROGRAM}/enrollments/{mentee_id}")
        sign(visitor, role)
    expect_state(supervisor.page, "contracted")

    # 7. Run and close: start, a check-in, both evaluations, completion after 120 days -----
    page = coordinator.page
    page.goto(f"/p/{PROGRAM}/enrollments/{mentee_id}")
    next_step(page).get_by_role("link", name="Start the relationship").click()
    submit_and_land(page, "Start the relationship")
    expect_state(page, "active")
    audit.check(coordinator, "enrollment-active", shoot=True)

    clock.advance(14)
    page = mentor.page
    page.goto(f"/p/{PROGRAM}/enrollments/{mentee_id}")
    page.locator("#form-check_in").get_by_role("link", name="Add an entry").click()
    audit.check(mentor, "check-in-form")
    labelled(page, "Date of the meeting").fill(clock.today(-1))
    labelled(page, "Length of the meeting (minutes)").fill("60")
    tick(page, "On track")
    labelled(page, "What did you work on?").fill("Walked through the retrofit schedule.")
    submit_and_land(page, "Save")
    expect(page.locator("#form-check_in")).to_contain_text("Walked through the retrofit schedule.")

    fill_evaluation(mentee.page, mentee_id, "mentee_evaluation", mentor=False)
    fill_evaluation(mentor.page, mentee_id, "mentor_evaluation", mentor=True)

    clock.advance(110)
    page = coordinator.page
    page.goto(f"/p/{PROGRAM}/enrollments/{mentee_id}")
    take(page, "Complete the relationship")
    labelled(page, "Date of the closing meeting").fill(clock.today())
    tick(page, "Certificate of completion")
    labelled(page, "Summary for the program file").fill("All goals met; mentee now leads.")
    audit.check(coordinator, "complete-form")
    submit_and_land(page, "Complete the relationship")
    expect_state(page, "completed")
    audit.check(coordinator, "enrollment-completed")
    page = mentee.page
    page.goto(f"/p/{PROGRAM}/enrollments/{mentee_id}")
    expect_state(page, "completed")
    expect(page.locator("#form-check_in")).to_contain_text("Walked through the retrofit schedule.")
    audit.check(mentee, "enrollment-completed-mentee")

    # An early end, from the closure form, and both evaluations after it -------------------
    early_id, early_mentee, early_mentor = a_started_pair(server, people)
    nia = browsers(early_mentee.email, early_mentee.name)
    nia.sign_in()
    page = nia.page
    page.goto(f"/p/{PROGRAM}/enrollments/{early_id}")
    setbacks = page.locator("section.setbacks")
    setbacks.get_by_role("link", name="End the relationship early").click()
    audit.check(nia, "early-closure-form")
    tick(page, "Mentee")
    tick(page, "Job change or transfer")
    submit_and_land(page, "End the relationship early")
    expect_state(page, "closed_early")
    expect(page.locator("#form-learning_contract")).to_be_visible()  # the record stays
    audit.check(nia, "enrollment-closed-early", shoot=True)
    fill_evaluation(page, early_id, "mentee_evaluation", mentor=False)
    ed = browsers(early_mentor.email, early_mentor.name)
    ed.sign_in()
    fill_evaluation(ed.page, early_id, "mentor_evaluation", mentor=True)
    audit.check(ed, "enrollment-closed-early-mentor")

    # The webhook's receiver got every entry of the walk-through once, in order ------------
    told_once_in_order(server, receiver, hook.secret)
    server.workflow.remove_webhook(SYSTEM_ACTOR, hook.webhook.id)

    # The desk with 200 people, the reports, recognition and the outbox --------------------
    a_crowd(server, people, server.workflow.programs[PROGRAM], 196)
    page = coordinator.page
    page.get_by_role("link", name=f"Desk: {TITLE}").click()
    expect(page.locator("#found-count")).to_contain_text("of 200 people")
    audit.check(coordinator, "desk-200", shoot=True)
    page.get_by_role("link", name="Reports").first.click()
    audit.check(coordinator, "reports", shoot=True)
    page.get_by_role("link", name=f"Desk: {TITLE}").click()
    page.get_by_role("link", name="Recognition of mentors").click()
    audit.check(coordinator, "recognition")
    page.get_by_role("link", name=f"Desk: {TITLE}").click()
    page.get_by_role("link", name="Outbox").first.click()
    audit.check(coordinator, "outbox")
    mentee.page.goto("/me")
    audit.check(mentee, "me-mentee")
    mentor.page.goto("/me")
    audit.check(mentor, "me-mentor")
    mentor.page.goto(f"/p/{PROGRAM}/enrollments/{mentor_id}")
    audit.check(mentor, "enrollment-mentor-own")

    for visitor in (mentee, mentor, supervisor, coordinator, nia, ed):
        assert not visitor.server_errors, visitor.server_errors
    assert audit.pages >= 25
    assert not audit.problems, "\n".join(audit.problems)
