"""Requests per second for the generated apply form against a hand-written Flask-WTF page.

    python -m bench.bench_web [--write docs/performance.md] [--seconds N] [--only form|access-log]

One Flask app: Mentorflow's `create_app` (SQLite in a temporary folder, the repository's
definitions/, CSRF on as in production) with a hand-written blueprint registered on the
same app at /bench/hand/apply. That page is what a developer writes for the mentee
application of general-mentoring without Mentorflow's generator: a `FlaskForm` with the
same fields, names, choices and rules written with WTForms validators, a Jinja template
written field by field, and on a valid POST the same rows the engine writes (an
enrollment, the submission, the 'apply' event, in one transaction) and a 303.

Both are served by one threaded werkzeug server on 127.0.0.1 and driven from this process
by one client over a persistent HTTP/1.1 connection, one request at a time. Each side gets
GETs of the form (signed in), valid POSTs (each by a different signed-in person, who
applies once) and invalid POSTs (400, the form again with its errors). After a warm-up the
two sides alternate, kind by kind, over several rounds; the figure is the median of the
rounds. Everything runs a bounded number of requests and stops by itself.

Then the access log's cost: on a fresh app of the same kind, a coordinator reads a
mentee's enrollment page (one log row) and the first page of the mentee applications'
answers table (50 rows: 50 log rows in one INSERT), with the log written and with its
writes patched out (the baseline), taking turns in the same process over the same rounds.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import os
import re
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlencode

from flask import Blueprint, Flask, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from wtforms import (
    BooleanField,
    DecimalField,
    EmailField,
    Field,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
    ValidationError,
    widgets,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from bench.report import replace_section
from mentorflow.engine.definition.fields import choice_value
from mentorflow.engine.records.store import (
    AccessRead,
    Enrollment,
    Event,
    Person,
    StaffRole,
    Submission,
    utcnow,
)
from mentorflow.engine.service import answer_tables as answer_tables_module
from mentorflow.engine.service import enrollment_pages as enrollment_pages_module
from mentorflow.engine.service import people as people_module
from mentorflow.engine.service import throttle
from mentorflow.web import create_app
from mentorflow.web.boundary import workflow

ROOT = Path(__file__).resolve().parents[1]
PROGRAM, ROLE, FORM = "general-mentoring", "mentee", "mentee_application"
GENERATED = f"/p/{PROGRAM}/apply/{ROLE}"
HAND = "/bench/hand/apply"
PASSWORD = "bench-password"
ROUNDS = 7
TURN = 2  # requests of one side before the other side's turn
LEAST = {"GET form": 40, "POST valid (303)": 20, "POST invalid (400)": 40}

# ---------------------------------------------------------------- the hand-written page

REQUIRED = "This answer is required."
DIVISIONS = [
    "Office of the Commissioner",
    "Administration and Finance",
    "Human Resources",
    "Information Technology",
    "Legal and Policy",
    "Operations",
    "Planning and Research",
    "Public Information",
    "Field Services",
]
AREAS = [
    "Leadership and supervision",
    "Budgeting and finance",
    "Project management",
    "Policy and the legislative process",
    "Communication and public speaking",
    "Writing and report preparation",
    "Information technology",
    "Customer and constituent service",
    "Human resources and labor relations",
    "Conflict resolution and negotiation",
    "Agency history and institutional knowledge",
    "Career planning",
]
STYLES = [
    ("doing", "Learning by doing"),
    ("observing", "Observing and shadowing"),
    ("discussing", "Discussion and reflection"),
    ("reading", "Reading and structured study"),
]
AVAILABILITY = ["Weekday mornings", "Weekday lunch hour", "Weekday afternoons", "Early evenings"]
FORMATS = ["In person", "Video call", "Telephone"]
ELIGIBILITY = (
    "The program is open to employees with fewer than five years of service with the agency, "
    "and to employees of any seniority who are assuming new or expanded responsibilities."
)


def _strip(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


def _checkboxes(label: str, choices: list[str], low: int, high: int | None = None) -> Any:
    many = f"Choose at most {high}." if high else ""
    return SelectMultipleField(
        label,
        choices=[(c, c) for c in choices],
        widget=widgets.ListWidget(prefix_label=False),
        option_widget=widgets.CheckboxInput(),
        validators=[Length(min=low, max=high or -1, message=f"Choose at least {low}. {many}")],
    )


class MenteeApplication(FlaskForm):  # type: ignore[misc]
    name = StringField("Name", [DataRequired(REQUIRED), Length(max=120)], filters=[_strip])
    employee_id = StringField(
        "Employee ID number",
        [
            DataRequired(REQUIRED),
            Regexp(
                r"^[0-9]{6}$",
                message="Your employee ID is the six-digit number on your pay stub.",
            ),
        ],
        filters=[_strip],
    )
    job_title = StringField(
        "Job Title", [DataRequired(REQUIRED), Length(max=120)], filters=[_strip]
    )
    division = SelectField(
        "Division",
        [DataRequired(REQUIRED)],
        choices=[("", "Choose…")] + [(d, d) for d in DIVISIONS],
    )
    work_unit = StringField("Bureau/Work Unit", [Optional(), Length(max=160)], filters=[_strip])
    work_phone = TelField(
        "Work Number",
        [
            DataRequired(REQUIRED),
            Regexp(r"^[0-9+().\- ]{7,40}$", message="Enter a phone number of at least 7 digits."),
        ],
        filters=[_strip],
    )
    email = EmailField("E-mail Address", [DataRequired(REQUIRED), Email()], filters=[_strip])
    supervisor_email = EmailField(
        "Your supervisor's e-mail address", [DataRequired(REQUIRED), Email()], filters=[_strip]
    )
    supervisor_informed = BooleanField("I have discussed this application with my supervisor.")
    years_of_service = DecimalField(
        "Years of service with the agency", [InputRequired(REQUIRED), NumberRange(0, 50)]
    )
    new_responsibilities = BooleanField(
        "Are you assuming new or expanded responsibilities (a promotion, a new unit, a new program)?"
    )
    new_responsibilities_details = TextAreaField("Describe the new responsibilities")
    interests = _checkboxes("Areas of interest", AREAS, 1, 3)
    development_goals = TextAreaField(
        "What would you like to be able to do at the end of the relationship?",
        [DataRequired(REQUIRED), Length(min=50, max=3000)],
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
    )
    learning_style = RadioField("How do you learn best?", [InputRequired(REQUIRED)], choices=STYLES)
    prior_mentoring = TextAreaField(
        "Briefly describe any prior experience as a mentor or mentee (optional)",
        [Optional(), Length(max=2000)],
    )
    availability = _checkboxes("When can you usually meet?", AVAILABILITY, 1)
    meeting_formats = _checkboxes("How can you meet?", FORMATS, 1)
    hours_per_month = IntegerField(
        "Hours per month you expect to spend with your mentor",
        [InputRequired(REQUIRED), NumberRange(1, 8)],
        default=2,
    )
    commitment = BooleanField(
        "Commitment and confidentiality",
        [DataRequired("Tick this box to agree; the form cannot be sent without it.")],
    )

    def validate_new_responsibilities_details(self, field: Any) -> None:
        if not self.new_responsibilities.data:
            return  # hidden on the page, and not stored
        if not (field.data or "").strip():
            raise ValidationError(REQUIRED)
        if len(field.data) > 2000:
            raise ValidationError("Use at most 2000 characters.")

    def validate_supervisor_email(self, field: Any) -> None:
        if (field.data or "").lower() == (self.email.data or "").lower():
            raise ValidationError("Give your supervisor's e-mail address, not your own.")

    def validate(self, extra_validators: Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.years_of_service.data >= 5 and not self.new_responsibilities.data:
            self.form_errors.append(ELIGIBILITY)
            return False
        return True

    def answers(self) -> dict[str, Any]:
        """What the engine stores for these answers: blanks left out, e-mails lower-cased,
        whole numbers as int, choices in the order of the list."""
        d = self.data
        years: Decimal = d["years_of_service"]
        found: dict[str, Any] = {
            "name": d["name"],
            "employee_id": d["employee_id"],
            "job_title": d["job_title"],
            "division": d["division"],
            "work_unit": d["work_unit"],
            "work_phone": d["work_phone"],
            "email": d["email"].lower(),
            "supervisor_email": d["supervisor_email"].lower(),
            "supervisor_informed": d["supervisor_informed"],
            "years_of_service": int(years) if years == years.to_integral_value() else float(years),
            "new_responsibilities": d["new_responsibilities"],
            "interests": [a for a in AREAS if a in d["interests"]],
            "development_goals": d["development_goals"].replace("\r\n", "\n"),
            "learning_style": d["learning_style"],
            "prior_mentoring": (d["prior_mentoring"] or "").replace("\r\n", "\n").strip(),
            "availability": [a for a in AVAILABILITY if a in d["availability"]],
            "meeting_formats": [m for m in FORMATS if m in d["meeting_formats"]],
            "hours_per_month": d["hours_per_month"],
            "commitment": True,
        }
        if d["new_responsibilities"]:
            found["new_responsibilities_details"] = d["new_responsibilities_details"].strip()
        return {k: v for k, v in found.items() if v not in ("", None, [])}


hand = Blueprint("bench_hand", __name__, template_folder="templates")


@hand.route(HAND, methods=["GET", "POST"])
@login_required
def hand_apply() -> Any:
    me = current_user.actor
    form = MenteeApplication(name=me.name, email=me.email)
    if not form.is_submitted():
        return render_template("bench_hand/apply.html", form=form)
    if not form.validate():
        return render_template("bench_hand/apply.html", form=form), 400
    db = workflow().db
    now = utcnow()
    with db.session() as session, session.begin():
        existing = session.scalar(
            select(Enrollment.id).where(
                Enrollment.program_id == PROGRAM,
                Enrollment.role == ROLE,
                Enrollment.person_id == me.person_id,
                Enrollment.is_final.is_(False),
            )
        )
        if existing is not None:
            message = f"{me.email} already has an open mentee enrollment."
            return render_template(
                "error.html", status=409, title="You have applied already", message=message
            ), 409
        answers = form.answers()
        enrollment = Enrollment(
            program_id=PROGRAM,
            role=ROLE,
            person_id=me.person_id,
            state="applied",
            state_since=now,
            revision=1,
            supervisor_email=answers["supervisor_email"],
            created_at=now,
            updated_at=now,
        )
        session.add(enrollment)
        session.flush()
        session.add(
            Submission(
                enrollment_id=enrollment.id,
                form_id=FORM,
                author_id=me.person_id,
                revision=1,
                answers=answers,
                created_at=now,
                updated_at=now,
            )
        )
        session.add(
            Event(
                enrollment_id=enrollment.id,
                program_id=PROGRAM,
                at=now,
                actor_id=me.person_id,
                actor_role=ROLE,
                kind="apply",
                to_state="applied",
                revision=1,
            )
        )
    target = url_for("participant.enrollment", program_id=PROGRAM, enrollment_id=enrollment.id)
    return redirect(target, code=303)


# ---------------------------------------------------------------- server and client


class QuietKeepAlive(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"  # keep the client's connection open between requests
    disable_nagle_algorithm = True  # small writes go out at once, as from a real server

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


@contextmanager
def serving(app: Flask) -> Iterator[BaseWSGIServer]:
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietKeepAlive)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass
class User:
    email: str
    cookie: str
    token: str


class Client:
    """One persistent HTTP/1.1 connection; cookies are passed per request."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def send(
        self, method: str, path: str, cookie: str = "", body: str | None = None
    ) -> tuple[int, http.client.HTTPResponse, bytes]:
        headers = {"Cookie": cookie} if cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        return response.status, response, response.read()

    def sign_in(self, email: str) -> User:
        status, response, page = self.send("GET", "/login")
        cookie = _session_cookie(response)
        found = re.search(rb'name="csrf_token" value="([^"]+)"', page)
        assert status == 200 and found and cookie, status
        token = found[1].decode()
        body = urlencode({"email": email, "password": PASSWORD, "csrf_token": token})
        status, response, _ = self.send("POST", "/login", cookie, body)
        assert status == 303, status
        return User(email, _session_cookie(response) or cookie, token)

    def close(self) -> None:
        self.connection.close()


def _session_cookie(response: http.client.HTTPResponse) -> str:
    for header in response.headers.get_all("Set-Cookie") or []:
        if header.startswith("session="):
            return header.split(";", 1)[0]
    return ""


def make_users(app: Flask, client: Client, prefix: str, n: int) -> list[User]:
    """Accounts registered through the engine, each signed in once through /login.

    Sign-in is not what is measured, so these accounts get a cheap scrypt cost: setting
    up hundreds of them then takes seconds instead of a minute, and as many sign-ins a
    second as that allows (the throttle's ceiling is for real scrypt costs)."""
    workflow = app.extensions["mentorflow.workflow"]
    emails = [f"{prefix}{i}-{os.urandom(3).hex()}@agency.example.gov" for i in range(n)]
    with mock.patch.dict(people_module._SCRYPT, {"n": 2**4}):
        for i, email in enumerate(emails):
            workflow.register(email, f"Bench {prefix} {i}", PASSWORD)
    with mock.patch.object(throttle, "CHECKS_PER_SECOND", 1_000_000):
        return [client.sign_in(email) for email in emails]


def valid_body(user: User) -> str:
    return urlencode(
        [
            ("csrf_token", user.token),
            ("name", "Dana Mentee"),
            ("employee_id", "123456"),
            ("job_title", "Program Analyst"),
            ("division", "Operations"),
            ("work_unit", "Unit 7"),
            ("work_phone", "603-555-0142"),
            ("email", user.email),
            ("supervisor_email", "Boss@Agency.example.gov"),
            ("supervisor_informed", "y"),
            ("years_of_service", "2"),
            ("new_responsibilities_details", ""),
            ("interests", "Budgeting and finance"),
            ("interests", "Career planning"),
            (
                "development_goals",
                "I would like to understand how the agency budget is built, and to present "
                "a project plan to the leadership team with confidence.",
            ),
            ("learning_style", "doing"),
            ("prior_mentoring", ""),
            ("availability", "Weekday mornings"),
            ("availability", "Weekday afternoons"),
            ("meeting_formats", "In person"),
            ("meeting_formats", "Video call"),
            ("hours_per_month", "2"),
            ("commitment", "y"),
        ]
    )


def invalid_body(user: User) -> str:
    """Four problems: a malformed employee ID and e-mail, goals too short, no consent."""
    return urlencode(
        [
            ("csrf_token", user.token),
            ("name", "Dana Mentee"),
            ("employee_id", "12AB"),
            ("job_title", "Program Analyst"),
            ("division", "Operations"),
            ("work_phone", "603-555-0142"),
            ("email", "not an address"),
            ("supervisor_email", "boss@agency.example.gov"),
            ("years_of_service", "2"),
            ("interests", "Budgeting and finance"),
            ("development_goals", "Budgets."),
            ("learning_style", "doing"),
            ("availability", "Weekday mornings"),
            ("meeting_formats", "In person"),
            ("hours_per_month", "2"),
        ]
    )


# ---------------------------------------------------------------- the measurement


@dataclass
class Side:
    name: str
    path: str
    browser: User  # GETs and invalid POSTs: never applies
    appliers: list[User]  # one valid POST each


KINDS = ("GET form", "POST valid (303)", "POST invalid (400)")
EXPECTED = {"GET form": 200, "POST valid (303)": 303, "POST invalid (400)": 400}


def run(client: Client, side: Side, kind: str, n: int) -> float:
    """Seconds for n requests of one kind, each checked for its status."""
    if kind == "GET form":
        requests: list[tuple[str, str, str | None]] = [
            ("GET", side.browser.cookie, None) for _ in range(n)
        ]
    elif kind == "POST invalid (400)":
        body = invalid_body(side.browser)
        requests = [("POST", side.browser.cookie, body) for _ in range(n)]
    else:
        users, side.appliers = side.appliers[:n], side.appliers[n:]
        assert len(users) == n, "not enough signed-in applicants"
        requests = [("POST", u.cookie, valid_body(u)) for u in users]
    expected = EXPECTED[kind]
    start = time.perf_counter()
    for method, cookie, body in requests:
        status, _, page = client.send(method, side.path, cookie, body)
        if status != expected:
            raise AssertionError(f"{side.name} {kind}: {status}\n{page[:2000].decode()}")
    return time.perf_counter() - start


def check_same_records(app: Flask, client: Client, sides: list[Side]) -> None:
    """Both pages store the same answers for the same application."""
    stored = []
    for side in sides:
        user = side.appliers.pop()
        status, _, _ = client.send("POST", side.path, user.cookie, valid_body(user))
        assert status == 303, (side.name, status)
        with app.extensions["mentorflow.workflow"].db.session() as session:
            person = session.scalars(select(Person).where(Person.email == user.email)).one()
            enrollment = session.scalars(
                select(Enrollment).where(Enrollment.person_id == person.id)
            ).one()
            submission = session.scalars(
                select(Submission).where(Submission.enrollment_id == enrollment.id)
            ).one()
            events = session.scalars(
                select(Event).where(Event.enrollment_id == enrollment.id)
            ).all()
            answers = dict(submission.answers)
            answers.pop("email")
            stored.append(
                (
                    answers,
                    enrollment.state,
                    enrollment.supervisor_email,
                    [(e.kind, e.actor_role, e.to_state) for e in events],
                )
            )
    assert stored[0] == stored[1], f"the two pages store different records:\n{stored}"
    problems = []
    for side in sides:
        status, _, page = client.send(
            "POST", side.path, side.browser.cookie, invalid_body(side.browser)
        )
        problems.append((status, page.count(b'<span class="tag">Problem:</span>')))
    assert problems[0] == problems[1] == (400, 4), problems


def measure(seconds: float) -> list[tuple[str, float, float]]:
    with (
        tempfile.TemporaryDirectory() as folder,
        mock.patch.dict(os.environ, {"MENTORFLOW_INSTANCE": folder}),
    ):
        app = create_app(
            {
                "MENTORFLOW_DEFINITIONS": str(ROOT / "definitions"),
                "MENTORFLOW_DATABASE_URL": f"sqlite:///{folder}/bench.db",
                "MENTORFLOW_UPLOADS": f"{folder}/uploads",
            }
        )
        app.register_blueprint(hand)
        check_hand_form_matches(app)
        with serving(app) as server:
            client = Client(server.server_port)
            try:
                return _measure(app, client, seconds)
            finally:
                client.close()


def _measure(app: Flask, client: Client, seconds: float) -> list[tuple[str, float, float]]:
    warm = 5
    sides = [
        Side(name, path, make_users(app, client, f"{key}-browse", 1)[0], [])
        for name, path, key in (("generated", GENERATED, "gen"), ("hand-written", HAND, "hand"))
    ]
    for side in sides:
        side.appliers = make_users(app, client, f"{side.name[:4]}-warm", warm + 1)
    check_same_records(app, client, sides)
    # Warm-up, which also tells how long each kind takes.
    per_request = {}
    for kind in KINDS:
        n = warm if kind == "POST valid (303)" else 4 * warm
        per_request[kind] = max(run(client, side, kind, n) / n for side in sides)
    cell = seconds / (ROUNDS * len(KINDS) * len(sides))
    counts = {kind: max(LEAST[kind], min(2000, int(cell / t))) for kind, t in per_request.items()}
    counts["POST valid (303)"] = min(counts["POST valid (303)"], 200)
    for side in sides:
        side.appliers = make_users(
            app, client, f"{side.name[:4]}-apply", ROUNDS * counts["POST valid (303)"]
        )
    rates: dict[tuple[str, str], list[float]] = {}
    for r in range(ROUNDS):
        for kind in KINDS:
            # The two sides take turns every TURN requests: both see the same machine.
            n, spent = counts[kind], dict.fromkeys((s.name for s in sides), 0.0)
            for done in range(0, n, TURN):
                for side in sides if (r + done // TURN) % 2 == 0 else sides[::-1]:
                    spent[side.name] += run(client, side, kind, min(TURN, n - done))
            for side in sides:
                rates.setdefault((kind, side.name), []).append(n / spent[side.name])
    rows = [
        (
            f"{kind} ({counts[kind]} × {ROUNDS} rounds)",
            statistics.median(rates[kind, "generated"]),
            statistics.median(rates[kind, "hand-written"]),
        )
        for kind in KINDS
    ]
    return rows


def check_hand_form_matches(app: Flask) -> None:
    """The hand-written copy has the definition's fields and choices (else the comparison
    would drift silently when the definition changes)."""
    program = app.extensions["mentorflow.programs"][PROGRAM]
    form = program.apply_form(ROLE)
    declared = sorted(
        (f.creation_counter, name)
        for name, f in vars(MenteeApplication).items()
        if getattr(f, "field_class", None) and issubclass(f.field_class, Field)
    )
    assert list(form.fields) == [name for _, name in declared], "the fields differ"
    choices = {
        f.id: [choice_value(c) for c in f.choices]
        for f in form.fields.values()
        if hasattr(f, "choices") and isinstance(f.choices, list)
    }
    assert choices == {
        "division": DIVISIONS,
        "interests": AREAS,
        "learning_style": [v for v, _ in STYLES],
        "availability": AVAILABILITY,
        "meeting_formats": FORMATS,
    }, choices
    assert program.revision == 1


def table(rows: list[tuple[str, float, float]]) -> str:
    lines = [
        "| request | generated (req/s) | hand-written (req/s) | cost ratio (generated time / hand-written time) |",
        "|---|---|---|---|",
    ]
    for kind, ours, theirs in rows:
        lines.append(f"| {kind} | {ours:,.0f} | {theirs:,.0f} | {theirs / ours:.2f}x |")
    return "\n".join(lines)


# ---------------------------------------------------------------- the access log's cost

TABLE_PAGE = f"/p/{PROGRAM}/forms/{FORM}/answers"
# Where the service writes its access-log rows (each module imported the function by name).
LOGGING_MODULES = (enrollment_pages_module, answer_tables_module)
READS = ("GET enrollment page", "GET answers table (50 rows)")


@contextmanager
def log_off() -> Iterator[None]:
    """The same pages with the access log's writes left out: the baseline."""
    with contextlib.ExitStack() as stack:
        for module in LOGGING_MODULES:
            stack.enter_context(mock.patch.object(module, "log_reads", lambda *a, **k: None))
        yield


def _rows_logged(app: Flask) -> int:
    with app.extensions["mentorflow.workflow"].db.session() as session:
        return int(session.scalar(select(func.count()).select_from(AccessRead)) or 0)


def measure_access_log(seconds: float) -> list[tuple[str, float, float]]:
    """A coordinator reads a mentee's enrollment page and a page of the mentee applications'
    answers table (50 rows: 50 log rows in one INSERT), with the log and without it,
    taking turns in the same process and server."""
    with (
        tempfile.TemporaryDirectory() as folder,
        mock.patch.dict(os.environ, {"MENTORFLOW_INSTANCE": folder}),
    ):
        app = create_app(
            {
                "MENTORFLOW_DEFINITIONS": str(ROOT / "definitions"),
                "MENTORFLOW_DATABASE_URL": f"sqlite:///{folder}/bench.db",
                "MENTORFLOW_UPLOADS": f"{folder}/uploads",
            }
        )
        with serving(app) as server:
            client = Client(server.server_port)
            try:
                return _measure_access_log(app, client, seconds)
            finally:
                client.close()


def _coordinator(app: Flask, client: Client) -> User:
    wf = app.extensions["mentorflow.workflow"]
    email = f"coordinator-{os.urandom(3).hex()}@agency.example.gov"
    with mock.patch.dict(people_module._SCRYPT, {"n": 2**4}):
        wf.register(email, "Bench Coordinator", PASSWORD)
    with wf.db.session() as session, session.begin():
        person = session.scalars(select(Person).where(Person.email == email)).one()
        person.email_verified_at = utcnow()
        session.add(StaffRole(person_id=person.id, program_id=PROGRAM))
    with mock.patch.object(throttle, "CHECKS_PER_SECOND", 1_000_000):
        return client.sign_in(email)


def _measure_access_log(
    app: Flask, client: Client, seconds: float
) -> list[tuple[str, float, float]]:
    applicants = make_users(app, client, "applicant", 60)
    with app.extensions["mentorflow.workflow"].db.session() as session, session.begin():
        emails = [u.email for u in applicants]
        for person in session.scalars(select(Person).where(Person.email.in_(emails))):
            person.email_verified_at = utcnow()  # an unverified account applies to nothing
    for user in applicants:
        # The form's own keys (its CSRF token and one-time key), as a browser sends them.
        _, got, form = client.send("GET", GENERATED, user.cookie)
        user = User(user.email, _session_cookie(got) or user.cookie, user.token)
        token = re.search(rb'name="csrf_token" value="([^"]+)"', form)
        once = re.search(rb'name="once" value="([^"]+)"', form)
        assert token and once, form[:2000]
        body = valid_body(User(user.email, user.cookie, token[1].decode()))
        body += "&" + urlencode({"once": once[1].decode()})
        status, response, page = client.send("POST", GENERATED, user.cookie, body)
        assert status == 303, (status, page[:3000])
    enrollment = response.headers["Location"]
    coordinator = _coordinator(app, client)
    paths = {READS[0]: enrollment, READS[1]: TABLE_PAGE}

    def read(kind: str, n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            status, _, page = client.send("GET", paths[kind], coordinator.cookie)
            if status != 200:
                raise AssertionError(f"{kind}: {status}\n{page[:2000].decode()}")
        return time.perf_counter() - start

    before = _rows_logged(app)
    read(READS[0], 1)
    read(READS[1], 1)
    assert _rows_logged(app) == before + 1 + 50, "the reads are not logged as expected"
    with log_off():
        read(READS[0], 1)
    assert _rows_logged(app) == before + 51, "the baseline still logs"
    per_request = {kind: read(kind, 10) / 10 for kind in READS}
    cell = seconds / (ROUNDS * len(READS) * 2)
    counts = {kind: max(40, min(2000, int(cell / t))) for kind, t in per_request.items()}
    rates: dict[tuple[str, bool], list[float]] = {}
    for r in range(ROUNDS):
        for kind in READS:
            n, spent = counts[kind], {True: 0.0, False: 0.0}
            for done in range(0, n, TURN):
                for logged in (True, False) if (r + done // TURN) % 2 == 0 else (False, True):
                    if logged:
                        spent[True] += read(kind, min(TURN, n - done))
                    else:
                        with log_off():
                            spent[False] += read(kind, min(TURN, n - done))
            for logged in (True, False):
                rates.setdefault((kind, logged), []).append(n / spent[logged])
    return [
        (
            f"{kind} ({counts[kind]} × {ROUNDS} rounds)",
            statistics.median(rates[kind, True]),
            statistics.median(rates[kind, False]),
        )
        for kind in READS
    ]


def access_log_table(rows: list[tuple[str, float, float]]) -> str:
    lines = [
        "| request (a coordinator) | with the access log (req/s) | without (req/s) | cost ratio (with / without) |",
        "|---|---|---|---|",
    ]
    for kind, logged, bare in rows:
        lines.append(f"| {kind} | {logged:,.0f} | {bare:,.0f} | {bare / logged:.2f}x |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", type=Path, help="update this Markdown file's section")
    parser.add_argument(
        "--seconds", type=float, default=30.0, help="time to spend measuring, after the warm-up"
    )
    parser.add_argument(
        "--only",
        choices=("form", "access-log"),
        help="measure only the apply form, or only the access log's cost",
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if args.only != "access-log":
        result = table(measure(args.seconds))
        print(result)
        if args.write:
            replace_section(args.write, "web", result)
    if args.only != "form":
        result = access_log_table(measure_access_log(args.seconds))
        print(result)
        if args.write:
            replace_section(args.write, "web-access-log", result)
    print(f"(whole run {time.perf_counter() - start:.0f} s, {dt.date.today()})")


if __name__ == "__main__":
    main()
