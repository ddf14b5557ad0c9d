"""The whole journey of the general example program, clicked through a real Chromium.

A mentee and a mentor register and apply, a coordinator screens and trains them, they are
matched (through the engine: the matching page does not exist yet), the pair and the
mentee's supervisor fill and sign the learning contract, the relationship starts, a
check-in is recorded, both evaluate, and the coordinator completes the relationship.
Every step is checked on the enrollment page: `[data-state]` and the history's
`[data-event]` entries; blocked transitions must say why in words.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.web.browser_fixtures import Browsers, LiveServer, browsers, chromium, live_server

__all__ = ["browsers", "chromium", "live_server"]  # fixtures this module uses

pytestmark = pytest.mark.browser

PROGRAM = "general-mentoring"
COORDINATOR = ("casey.coordinator@das.example.org", "Casey Coordinator")
MENTEE = ("maya.mentee@das.example.org", "Maya Mentee")
MENTOR = ("omar.mentor@das.example.org", "Omar Mentor")
SUPERVISOR = ("sam.supervisor@das.example.org", "Sam Supervisor")
MENTOR_SUPERVISOR = "rita.boss@das.example.org"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ENROLLMENT = re.compile(rf"/p/{PROGRAM}/enrollments/([A-Za-z0-9_-]+)$")


# -------------------------------------------------------------------------- helpers


def expect_state(page: Page, state: str) -> None:
    expect(page.locator("[data-state]")).to_have_attribute("data-state", state)


def expect_events(page: Page, *events: str) -> None:
    entries = page.locator("ol.history [data-event]")
    expect(entries).to_have_count(len(events))
    found = entries.evaluate_all("els => els.map(e => e.dataset.event)")
    assert found == list(events)


def enrollment_id(page: Page) -> str:
    found = ENROLLMENT.search(page.url)
    assert found, page.url
    return found.group(1)


def transition_item(page: Page, transition: str) -> Locator:
    return page.locator(f'.transition[data-transition="{transition}"]')


def take(page: Page, label: str) -> None:
    """Open a transition's page from the enrollment page."""
    page.get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(label)


def submit_and_land(page: Page, button: str) -> None:
    """Press the form's button; success lands on the enrollment page."""
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_url(ENROLLMENT)


def labelled(page: Page, label: str) -> Locator:
    """The input with exactly this label, marked "(required)" or not."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}( \(required\))?$"))


def tick(page: Page, label: str) -> None:
    labelled(page, label).check()


def fill_mentee_application(page: Page) -> None:
    """Everything but the employee ID and the development goals (the test types those)."""
    expect(labelled(page, "Name")).to_have_value(MENTEE[1])  # from the account
    expect(labelled(page, "E-mail Address")).to_have_value(MENTEE[0])
    labelled(page, "Job Title").fill("Program Assistant")
    labelled(page, "Division").select_option(label="Operations")
    labelled(page, "Bureau/Work Unit").fill("Bureau of Facilities")
    labelled(page, "Work Number").fill("603-555-0142")
    labelled(page, "Your supervisor's e-mail address").fill(SUPERVISOR[0])
    tick(page, "I have discussed this application with my supervisor.")
    labelled(page, "Years of service with the agency").fill("2")
    details = labelled(page, "Describe the new responsibilities")
    expect(details).to_be_hidden()  # show_if: new_responsibilities is ticked
    page.get_by_label(re.compile(r"^Are you assuming new or expanded")).check()
    expect(details).to_be_visible()
    details.fill("I take over the scheduling of the facilities unit in June.")
    tick(page, "Project management")
    tick(page, "Budgeting and finance")
    tick(page, "Learning by doing")
    tick(page, "Weekday mornings")
    tick(page, "Video call")
    tick(page, "In person")
    expect(labelled(page, "Hours per month you expect to spend with your mentor")).to_have_value(
        "2"
    )
    page.get_by_label(re.compile(r"^Commitment and confidentiality")).check()


# -------------------------------------------------------------------------- the journey


def test_the_whole_journey_of_the_general_program(
    live_server: LiveServer, browsers: Browsers
) -> None:
    server, clock = live_server, live_server.clock
    server.add_coordinator(*COORDINATOR, PROGRAM)

    # -- the mentee registers and applies, first with two mistakes ----------------------
    mentee = browsers(*MENTEE)
    mentee.register()
    page = mentee.page
    page.goto(f"/p/{PROGRAM}")
    page.get_by_role("link", name="Apply as mentee").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply as mentee")
    fill_mentee_application(page)
    labelled(page, "Employee ID number").fill("12AB56")
    page.get_by_label(re.compile(r"^What would you like to be able to do")).fill("Budgets.")
    page.get_by_role("button", name="Send application").click()
    summary = page.locator("#summary")
    expect(summary).to_contain_text("Please check 2 answers")
    expect(summary).to_be_focused()
    expect(page.locator("#field-employee_id .error")).to_have_text(
        "Problem: Your employee ID is the six-digit number on your pay stub."
    )
    expect(page.locator("#field-development_goals .error")).to_contain_text("50")
    # every answer kept as typed
    expect(labelled(page, "Employee ID number")).to_have_value("12AB56")
    expect(labelled(page, "Job Title")).to_have_value("Program Assistant")
    expect(labelled(page, "Division")).to_have_value("Operations")
    expect(labelled(page, "Project management")).to_be_checked()
    expect(labelled(page, "Describe the new responsibilities")).to_have_value(
        "I take over the scheduling of the facilities unit in June."
    )
    expect(page.get_by_label(re.compile(r"^Commitment and confidentiality"))).to_be_checked()
    mentee.shot("01-mentee-apply-errors")
    labelled(page, "Employee ID number").fill("123456")
    page.get_by_label(re.compile(r"^What would you like to be able to do")).fill(
        "Plan and track a small facilities project and its budget on my own, start to finish."
    )
    submit_and_land(page, "Send application")
    mentee_id = enrollment_id(page)
    expect_state(page, "applied")
    expect_events(page, "apply")
    expect(transition_item(page, "withdraw")).to_be_visible()
    expect(transition_item(page, "screen")).to_have_count(0)  # the coordinator's step

    # -- the mentor registers and applies, with a resume ---------------------------------
    mentor = browsers(*MENTOR)
    mentor.register()
    page = mentor.page
    page.goto(f"/p/{PROGRAM}/apply/mentor")
    expect(labelled(page, "Agency")).to_have_value("Department of Administrative Services")
    labelled(page, "Job Title").fill("Facilities Program Manager")
    labelled(page, "Division").select_option(label="Administration and Finance")
    labelled(page, "Work Number").fill("603-555-0199")
    labelled(page, "Your supervisor's e-mail address").fill(MENTOR_SUPERVISOR)
    labelled(page, "Years of service with the agency").fill("14")
    prior = page.get_by_label(re.compile(r"^Briefly describe any prior experiences"))
    expect(prior).to_be_hidden()
    page.get_by_label(re.compile(r"^Have you been a mentor or a mentee before")).check()
    prior.fill("I mentored two new budget analysts informally in 2023.")
    labelled(page, "Please describe your qualifications in detail").fill(
        "Fourteen years in facilities and finance: capital budgets, procurement, project "
        "scheduling, and coaching new staff through their first budget cycle."
    )
    labelled(page, "Resume").set_input_files(
        files=[{"name": "omar-resume.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    tick(page, "Project management")
    tick(page, "Budgeting and finance")
    tick(page, "Weekday mornings")
    tick(page, "Video call")
    tick(page, "Learning by doing")
    page.get_by_label(re.compile(r"^Commitment and confidentiality")).check()
    submit_and_land(page, "Send application")
    mentor_id = enrollment_id(page)
    expect_state(page, "applied")
    expect_events(page, "apply")
    expect(page.locator("#form-mentor_application")).to_contain_text("omar-resume.pdf")

    # -- the coordinator screens both from the desk --------------------------------------
    coordinator = browsers(*COORDINATOR)
    coordinator.sign_in()
    page = coordinator.page
    page.get_by_role("link", name="Desk: Agency Workplace Mentoring Program").click()
    expect(page.locator('[data-count="mentee:applied"]')).to_have_text("1")
    expect(page.locator('[data-count="mentor:applied"]')).to_have_text("1")
    coordinator.shot("02-coordinator-desk")
    page.get_by_role("link", name=MENTEE[1]).click()
    expect_state(page, "applied")
    take(page, "Accept after screening")
    labelled(page, "Date of the screening conversation").fill(clock.today())
    tick(page, "Strong")
    tick(page, "Receptive to honest, constructive feedback")
    labelled(page, "Screening notes").fill("Clear goals; supervisor supports release time.")
    coordinator.shot("03-screening-ask-form")
    submit_and_land(page, "Accept after screening")
    expect_state(page, "screened")
    expect_events(page, "apply", "screen")
    expect(page.locator('[data-event="screen"]')).to_contain_text("Strong")

    page.get_by_role("link", name="Desk: Agency Workplace Mentoring Program").click()
    page.get_by_role("link", name=MENTOR[1]).click()
    take(page, "Accept after screening")
    labelled(page, "Date of the screening conversation").fill(clock.today())
    tick(page, "Excellent listening skills")
    tick(page, "The mentor's supervisor supports the time commitment")
    submit_and_land(page, "Accept after screening")
    expect_state(page, "screened")
    expect_events(page, "apply", "screen")

    # -- training: the coordinator records the mentor's; the mentee records her own -----
    take(page, "Record training attendance")
    labelled(page, "Date of the session").fill(clock.today())
    tick(page, "Classroom session")
    page.get_by_label(re.compile(r"^Notes")).fill("Signed the paper sheet on March 2.")
    submit_and_land(page, "Record training attendance")
    expect_state(page, "trained")
    expect_events(page, "apply", "screen", "record_training")

    page = mentee.page
    page.reload()
    expect_state(page, "screened")
    page.locator("#form-mentee_training").get_by_role("link", name="Fill").click()
    labelled(page, "Date you attended").fill(clock.today())
    tick(page, "Live online session")
    tick(page, "Developing a learning contract with explicit, realistic and achievable goals")
    tick(page, "Maintaining confidentiality between mentor and mentee")
    tick(page, "I attended the whole orientation")
    submit_and_land(page, "Save")
    expect_state(page, "trained")  # the automatic 'Orientation completed'
    expect_events(page, "apply", "screen", "finish_orientation")

    # -- matching: no mentor yet blocks the step; the coordinator picks the mentor ---------
    page = coordinator.page
    page.goto(f"/p/{PROGRAM}/enrollments/{mentee_id}")
    blocked = transition_item(page, "match")
    expect(blocked).to_have_class(re.compile(r"\bblocked\b"))
    expect(blocked.locator(".reasons")).to_have_text("no mentor is assigned yet")
    expect(blocked.get_by_role("link")).to_have_count(0)
    page.locator("#mentor_id").select_option(value=mentor_id)
    page.get_by_role("button", name="Match", exact=True).click()
    expect_state(page, "matched")
    expect_events(page, "apply", "screen", "finish_orientation", "match")
    expect(page.locator("#partners-h + ul")).to_contain_text(MENTOR[1])

    # -- the learning contract: the mentee writes it with two goals ------------------------
    page = mentee.page
    page.reload()
    expect_state(page, "matched")
    expect(page.locator("#partners-h + ul")).to_contain_text(MENTOR[1])
    page.locator("#form-learning_contract").get_by_role("link", name="Fill").click()
    page.locator("#goals-0-goal").fill("Run the spring lighting retrofit project.")
    page.locator("#goals-0-area").select_option(label="Project management")
    page.locator("#goals-0-measure").fill("Project closed on time and on budget")
    page.locator("#goals-0-target_date").fill(clock.today(150))
    page.get_by_role("button", name="Add another entry").click()
    expect(page.locator("#goals-1-goal")).to_be_visible()
    expect(page.locator("#goals-0-goal")).to_have_value("Run the spring lighting retrofit project.")
    page.locator("#goals-1-goal").fill("Prepare the unit's budget request for next year.")
    page.locator("#goals-1-measure").fill("Request accepted by the finance office")
    page.locator("#goals-1-target_date").fill(clock.today(200))
    expect(labelled(page, "Length of the relationship (months)")).to_have_value("9")
    tick(page, "Every two weeks")
    tick(page, "Video call")
    labelled(page, "Date of our first meeting").fill(clock.today())
    tick(page, "The mentee's supervisor has agreed to release time for these meetings")
    page.get_by_label(re.compile(r"^Confidentiality")).check()
    page.get_by_label(re.compile(r"^No-fault closure")).check()
    mentee.shot("04-learning-contract")
    submit_and_land(page, "Save")
    expect_state(page, "matched")
    contract = page.locator("#form-learning_contract")
    expect(contract).to_contain_text("Prepare the unit's budget request for next year.")
    expect(contract).to_contain_text("Still to sign: mentor, mentee, supervisor.")
    # A signature is the signer's full name, typed (case and spaces do not matter).
    contract.get_by_label("Your full name, to sign").fill("maya  MENTEE")
    contract.get_by_role("button", name="Sign as mentee").click()
    page.wait_for_url(ENROLLMENT)
    expect(page.locator("#form-learning_contract")).to_contain_text(
        "Still to sign: mentor, supervisor."
    )

    # the mentor signs from the mentee's page, reached from his own
    page = mentor.page
    page.reload()
    expect(page.locator("#partners-h + ul")).to_contain_text(MENTEE[1])
    page.get_by_role("link", name=MENTEE[1]).click()
    expect_state(page, "matched")
    contract = page.locator("#form-learning_contract")
    expect(contract).to_contain_text("Signed by maya MENTEE (mentee)")
    contract.get_by_label("Your full name, to sign").fill(MENTOR[1])
    contract.get_by_role("button", name="Sign as mentor").click()
    page.wait_for_url(ENROLLMENT)
    expect(page.locator("#form-learning_contract")).to_contain_text("Still to sign: supervisor.")

    # the supervisor registers with the e-mail the mentee named, and signs from /me
    supervisor = browsers(*SUPERVISOR)
    supervisor.register()
    page = supervisor.page
    page.get_by_role("link", name="Learning contract").click()
    expect_state(page, "matched")
    contract = page.locator("#form-learning_contract")
    contract.get_by_label("Your full name, to sign").fill(SUPERVISOR[1])
    contract.get_by_role("button", name="Sign as supervisor").click()
    page.wait_for_url(ENROLLMENT)
    expect_state(page, "contracted")  # 'Learning contract signed by all' is automatic
    expect(page.locator("#form-learning_contract")).to_contain_text("Signed by all")
    expect_events(page, "apply", "screen", "finish_orientation", "match", "contract_signed")

    # -- the mentee starts the relationship ------------------------------------------------
    page = mentee.page
    page.reload()
    expect_state(page, "contracted")
    take(page, "Start the relationship")
    submit_and_land(page, "Start the relationship")
    expect_state(page, "active")
    expect_events(
        page, "apply", "screen", "finish_orientation", "match", "contract_signed", "start"
    )

    # -- the mentor records a check-in -------------------------------------------------------
    clock.advance(14)
    page = mentor.page
    page.reload()
    expect_state(page, "active")
    page.locator("#form-check_in").get_by_role("link", name="Add an entry").click()
    labelled(page, "Date of the meeting").fill(clock.today(-1))
    labelled(page, "Length of the meeting (minutes)").fill("60")
    tick(page, "On track")
    expect(labelled(page, "What is getting in the way?")).to_be_hidden()
    labelled(page, "What did you work on?").fill("Walked through the retrofit schedule.")
    submit_and_land(page, "Save")
    expect_state(page, "active")
    expect(page.locator("#form-check_in")).to_contain_text("Walked through the retrofit schedule.")

    # -- closing: blocked until both evaluations are in and 120 days have passed ------------
    page = coordinator.page
    page.reload()
    expect_state(page, "active")
    reasons = transition_item(page, "complete").locator(".reasons")
    expect(reasons).to_contain_text("“Mentee evaluation” has not been submitted yet")
    expect(reasons).to_contain_text("“Mentor evaluation” has not been submitted yet")
    expect(reasons).to_contain_text("it can be taken after 120 days in Active (14 so far)")
    coordinator.shot("05-complete-blocked")

    page = mentee.page
    page.reload()
    page.locator("#form-mentee_evaluation").get_by_role("link", name="Fill").click()
    tick(page, "Very satisfied")
    tick(page, "Very useful")
    tick(page, "All goals were met")
    tick(page, "Project management")
    tick(page, "I would recommend the program to a colleague")
    submit_and_land(page, "Save")
    expect_state(page, "active")

    page = mentor.page
    page.reload()
    page.locator("#form-mentor_evaluation").get_by_role("link", name="Fill").click()
    tick(page, "Satisfied")
    tick(page, "Somewhat useful")
    tick(page, "Most goals were met")
    page.get_by_label(re.compile(r"^On average, how many hours")).fill("3")
    tick(page, "I would mentor again")
    submit_and_land(page, "Save")
    expect_state(page, "active")

    page = coordinator.page
    page.reload()
    expect(transition_item(page, "complete").locator(".reasons")).to_have_text(
        "it can be taken after 120 days in Active (14 so far)"
    )
    clock.advance(110)
    page.reload()
    take(page, "Complete the relationship")
    expect(page.locator(".confirm")).to_contain_text("Both evaluations are in.")
    labelled(page, "Date of the closing meeting").fill(clock.today())
    tick(page, "Certificate of completion")
    tick(page, "Letter to the personnel file")
    labelled(page, "Summary for the program file").fill("All goals met; mentee now leads.")
    submit_and_land(page, "Complete the relationship")
    expect_state(page, "completed")
    journey = ("apply", "screen", "finish_orientation", "match", "contract_signed", "start")
    expect_events(page, *journey, "complete")
    coordinator.shot("06-completed")

    # the mentee sees it closed; the mentor's place is free again
    page = mentee.page
    page.reload()
    expect_state(page, "completed")
    expect_events(page, *journey, "complete")
    page = mentor.page
    page.goto(f"/p/{PROGRAM}/enrollments/{mentor_id}")
    expect_state(page, "trained")
    expect(page.locator("#partners-h + p")).to_have_text("None assigned.")


# -------------------------------------------------------------------------- the apply form itself
# These check the page, not the database: SQLite is enough.
ONLY_SQLITE = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


@ONLY_SQLITE
def test_the_apply_form_works_with_the_keyboard_alone(
    live_server: LiveServer, browsers: Browsers
) -> None:
    mentee = browsers(*MENTEE)
    mentee.register()
    page = mentee.page
    page.goto(f"/p/{PROGRAM}/apply/mentee")
    keyboard = page.keyboard
    tab_to(page, "#employee_id")
    keyboard.type("654321")
    tab_to(page, "#job_title")
    keyboard.type("Records Clerk")
    tab_to(page, "#division")
    keyboard.type("Operations")  # a closed select picks by typing its option's name
    expect(page.locator("#division")).to_have_value("Operations")
    tab_to(page, "#work_phone")
    keyboard.type("603-555-0111")
    tab_to(page, "#supervisor_email")
    keyboard.type(SUPERVISOR[0])
    tab_to(page, "#supervisor_informed")
    keyboard.press("Space")
    tab_to(page, "#years_of_service")
    keyboard.type("1")
    tab_to(page, "#new_responsibilities")
    keyboard.press("Space")
    keyboard.press("Tab")  # the field it reveals is next in the tab order
    expect(page.locator("#new_responsibilities_details")).to_be_focused()
    keyboard.type("I now run the records room.")
    tab_to(page, "#interests-2")
    keyboard.press("Space")
    tab_to(page, "#development_goals")
    keyboard.type("Organise the records room's retention schedule and train two new clerks.")
    tab_to(page, "#learning_style-0")  # Tab enters a radio group once; arrows move in it
    keyboard.press("ArrowDown")
    expect(page.locator("#learning_style-1")).to_be_checked()
    tab_to(page, "#availability-1")
    keyboard.press("Space")
    tab_to(page, "#meeting_formats-0")
    keyboard.press("Space")
    tab_to(page, "#commitment")
    keyboard.press("Space")
    tab_to(page, "form.generated button[type=submit]")
    keyboard.press("Enter")
    page.wait_for_url(ENROLLMENT)
    expect_state(page, "applied")
    expect_events(page, "apply")
    answers = page.locator("#form-mentee_application")
    for shown in ("654321", "Project management", "Observing and shadowing", "I now run"):
        expect(answers).to_contain_text(shown)


UNLABELLED = """els => els
  .filter(e => e.type !== "hidden")
  .filter(e => {
    const ids = (e.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
    const named = ids.some(id => (document.getElementById(id)?.textContent || "").trim());
    const labelled = Array.from(e.labels || []).some(l => l.textContent.trim());
    return !named && !labelled;
  })
  .map(e => e.outerHTML)"""


@ONLY_SQLITE
@pytest.mark.parametrize("role", ["mentee", "mentor"])
def test_every_input_of_the_apply_form_has_a_label(
    live_server: LiveServer, browsers: Browsers, role: str
) -> None:
    person = browsers(*MENTEE)
    person.register()
    page = person.page
    page.goto(f"/p/{PROGRAM}/apply/{role}")
    inputs = page.locator("input, select, textarea")
    expect(inputs.first).to_be_attached()
    assert inputs.count() > 20
    assert inputs.evaluate_all(UNLABELLED) == []
    expect(page.locator("[aria-invalid]")).to_have_count(0)  # nothing is wrong yet
    expect(page.locator('[aria-describedby="None"]')).to_have_count(0)
    # and after a failed submission, with errors beside the fields
    page.locator("form.generated button.primary").click()
    expect(page.locator("#summary")).to_be_visible()
    assert page.locator("input, select, textarea").evaluate_all(UNLABELLED) == []
    invalid = page.locator('[aria-invalid="true"]')
    expect(invalid.first).to_be_attached()
    for described in invalid.evaluate_all(
        "els => els.map(e => e.getAttribute('aria-describedby'))"
    ):
        assert described and "-error" in described
