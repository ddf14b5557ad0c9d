"""Fifty people at once through gunicorn: does anything get lost, done twice, or answered 5xx?

    python -m bench.load_test [--write docs/performance.md] [--clients 50]
        [--database sqlite|postgresql|both] [--postgres-url URL] [--check-ins N]

For each database the run makes a fresh one (a SQLite file in a temporary folder; on
PostgreSQL a throwaway database `mf_load_<random>`, created with the CREATEDB right of the
role in MENTORFLOW_TEST_POSTGRES_URL or --postgres-url and dropped afterwards), brings its
schema up to date and writes the people straight into it: one coordinator of
general-mentoring and, per client, a mentee, a mentor and the mentee's supervisor, all
verified accounts with a password (so no mail link is needed). Then it starts gunicorn with
4 sync workers on `mentorflow.web.wsgi:app` and the repository's definitions/.

Each client is one pair walking the whole journey of general-mentoring over HTTP the way a
browser does: GET the page, read its form (every hidden input, the csrf_token and whatever
else the page puts there, is sent back as it was, with the defaults of the visible inputs),
POST it, follow nothing but read the 303's Location. Every client signs in its four people
(mentee, mentor, supervisor, the shared coordinator account) and then:
mentee applies, mentor applies (each application sent twice at the same moment from two
threads with the same form: a double press), the coordinator screens both and records both
trainings, matches the pair from the mentee's page, the mentee writes the learning
contract, mentee, mentor and supervisor sign it (the contract then moves on by itself),
the mentee starts the relationship (a double press again), mentee and mentor record
check-ins at the same time (each its own thread, `--check-ins` each, the first of each
pressed twice), and the mentee ends the relationship early (the
one close that needs no months of waiting). A 409 (someone else changed the enrollment
first) is answered like a person would: the page again and the same answers sent again, at
most a few times. A 429 at sign-in (the throttle's ceiling) waits a moment and tries again.

Once the clients are under way one gunicorn worker is killed with SIGKILL (the master starts
another). A request that dies with it is a connection error, counted apart from the 5xx,
and sent once more, like a person pressing again.

Afterwards the records are read straight from the database and compared with what the
clients were told:
- lost: a POST answered 303 whose effect is not there (an application without its
  enrollment, a transition without its event, a check-in without its entry, a signature
  missing);
- doubled: more than one open enrollment of one person in one role, more than one event of
  one transition on one enrollment, more than one entry of one check-in (each carries a
  marker of its own), more than one signature of one role;
- 5xx: every answer of 500 and above, with its path.

Latency is from opening the connection to the last byte of the answer (gunicorn's sync
workers close the connection after each request, as browsers then see it). Requests per
second are all requests over the wall time of the clients. Bounded: every client walks one
journey and stops; the whole run stops by itself (a run of 50 clients takes a few minutes
per database on a 2-core machine).
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import platform
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bench.report import replace_section
from mentorflow.engine.definition.loader import load_paths
from mentorflow.engine.records.store import (
    Enrollment,
    Event,
    Person,
    Signature,
    StaffRole,
    Submission,
)
from mentorflow.engine.service.people import get_or_create_person, hash_password
from mentorflow.engine.service.workflow import Workflow

ROOT = Path(__file__).resolve().parents[1]
PROGRAM = "general-mentoring"
PASSWORD = "load-test passphrase 7431"
COORDINATOR = "casey.load@agency.example.gov"
WORKERS = 4
KILL_AFTER = 0.35  # the share of the expected requests done when a worker is killed
ATTEMPTS_ON_CONFLICT = 6
TIMEOUT = 120.0  # seconds for one request, queueing at a busy server included

# ---------------------------------------------------------------- reading pages


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[tuple[str, str]] = field(default_factory=list)  # what a browser would send
    hidden: list[tuple[str, str]] = field(default_factory=list)
    options: dict[str, list[str]] = field(default_factory=dict)  # radios, checkboxes, selects


class Forms(HTMLParser):
    """The forms of a page with what pressing their button sends untouched."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: str | None = None
        self.option: tuple[str | None, bool] | None = None
        self.textarea: str | None = None
        self.typed = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.current = Form(
                a.get("action", ""),
                a.get("method", "get").lower(),
                a.get("enctype", "application/x-www-form-urlencoded"),
            )
            self.forms.append(self.current)
            return
        form = self.current
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind == "hidden":
                form.hidden.append((name, a.get("value", "")))
            elif kind in ("radio", "checkbox"):
                form.options.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif kind not in ("submit", "button", "file", "reset", "image"):
                form.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self.select = name
            form.options.setdefault(name, [])
        elif tag == "option" and self.select:
            value = dict(attrs).get("value")  # None: the option's text is its value
            self.option = (value, "selected" in a)
            self.typed = ""
        elif tag == "textarea" and name:
            self.textarea, self.typed = name, ""

    def handle_data(self, data: str) -> None:
        if self.textarea is not None or self.option is not None:
            self.typed += data

    def handle_endtag(self, tag: str) -> None:
        form = self.current
        if tag == "form":
            self.current = None
        elif form is None:
            return
        elif tag == "textarea" and self.textarea is not None:
            form.fields.append((self.textarea, self.typed.removeprefix("\n")))
            self.textarea = None
        elif tag == "option" and self.select and self.option is not None:
            given, chosen = self.option
            value = self.typed.strip() if given is None else given
            form.options[self.select].append(value)
            if chosen:
                form.fields.append((self.select, value))
            self.option = None
        elif tag == "select":
            self.select = None


def forms_of(page: bytes, path: str) -> list[Form]:
    """The page's forms, each action resolved against the page's path (as a browser does)."""
    parser = Forms()
    parser.feed(page.decode("utf-8", "replace"))
    for form in parser.forms:
        form.action = urljoin(path, form.action)
    return parser.forms


def find_form(page: bytes, path: str, action_ends: str) -> Form:
    for form in forms_of(page, path):
        if form.method == "post" and urlsplit(form.action).path.endswith(action_ends):
            return form
    raise Missing(f"no form posting to …{action_ends} on the page")


def the_form(page: bytes, path: str) -> Form:
    """The generated form of a form page (the one with a csrf_token that is not sign-out)."""
    for form in forms_of(page, path):
        if form.method == "post" and not form.action.endswith("/logout"):
            if any(n == "csrf_token" for n, _ in form.hidden):
                return form
    raise Missing("no form on the page")


class Missing(Exception):
    """The page is not what the journey expected (counted as a failed step)."""


def said(page: bytes) -> str:
    """The problems a page names (its error texts), for the report of a failed step."""
    found = re.findall(rb'class="error[^"]*"[^>]*>(.*?)</(?:p|div|li|ul)>', page, re.S)
    found = found or re.findall(rb"<main[^>]*>(.*?)</main>", page, re.S)
    words = " | ".join(
        re.sub(rb"<[^>]+>|\s+", b" ", f).decode(errors="replace").strip() for f in found
    )
    return words[:400]


FIRST = object()  # answer: the first option the page offers


def body_of(form: Form, answers: dict[str, Any]) -> list[tuple[str, str]]:
    """What pressing the form's button sends after typing `answers`: every hidden input as
    the page gave it, the defaults of the inputs not typed in, the answers."""
    sent = list(form.hidden) + [(n, v) for n, v in form.fields if n not in answers]
    for name, value in answers.items():
        if value is FIRST:
            value = next(v for v in form.options[name] if v)
        for one in value if isinstance(value, list) else [value]:
            sent.append((name, str(one)))
    return sent


def multipart(pairs: list[tuple[str, str]]) -> tuple[bytes, str]:
    boundary = "----loadtest" + secrets.token_hex(8)
    parts = []
    for name, value in pairs:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


# ---------------------------------------------------------------- talking to the server


@dataclass
class Answer:
    status: int
    location: str
    page: bytes


class Tally:
    """Everything the clients saw, shared by their threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[tuple[str, float]] = []  # (method, seconds)
        self.statuses: Counter[int] = Counter()
        self.server_errors: list[str] = []
        self.connection_errors = 0
        self.failed_steps: list[str] = []
        self.conflicts = 0
        self.throttled = 0
        # what the server accepted (a 303), to be found in the records afterwards
        self.applied: list[tuple[str, str, str]] = []  # (email, role, enrollment id)
        self.moved: list[tuple[str, str]] = []  # (enrollment id, transition)
        self.check_ins: list[tuple[str, str]] = []  # (enrollment id, marker)
        self.signed: list[tuple[str, str]] = []  # (enrollment id, role)
        self.double_presses = 0
        self.press_outcomes: list[str] = []  # the two statuses of each double press

    def note(self, method: str, path: str, status: int, seconds: float) -> None:
        with self.lock:
            self.latencies.append((method, seconds))
            self.statuses[status] += 1
            if status >= 500:
                self.server_errors.append(f"{status} {method} {path}")

    def add(self, what: str, item: Any) -> None:
        with self.lock:
            getattr(self, what).append(item)

    def count(self, what: str) -> None:
        with self.lock:
            setattr(self, what, getattr(self, what) + 1)


class Browser:
    """One person's browser: their cookies, one request at a time (double presses copy it)."""

    def __init__(self, port: int, tally: Tally, email: str = ""):
        self.port, self.tally, self.email = port, tally, email
        self.cookies: dict[str, str] = {}
        self.lock = threading.Lock()

    def send(
        self, method: str, path: str, pairs: list[tuple[str, str]] | None = None, enctype: str = ""
    ) -> Answer:
        """One request; a connection that breaks (a killed worker) is tried once more."""
        body: bytes | None = None
        headers = {}
        if pairs is not None:
            if enctype.startswith("multipart"):
                body, headers["Content-Type"] = multipart(pairs)
            else:
                body = urlencode(pairs).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            with self.lock:
                cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if cookie:
                headers["Cookie"] = cookie
            start = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT)
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                page = response.read()
            except (http.client.HTTPException, OSError):  # OSError: reset, refused, timed out
                self.tally.count("connection_errors")
                if attempt == 2:
                    raise
                continue
            finally:
                connection.close()
            self.tally.note(method, path, response.status, time.perf_counter() - start)
            with self.lock:
                for header in response.headers.get_all("Set-Cookie") or []:
                    name, _, rest = header.partition("=")
                    value = rest.split(";", 1)[0]
                    if "expires=thu, 01 jan 1970" in header.lower() or not value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = value
            return Answer(response.status, response.headers.get("Location", ""), page)
        raise AssertionError("unreachable")

    def get(self, path: str) -> bytes:
        answer = self.send("GET", path)
        if answer.status != 200:
            raise Missing(f"GET {path}: {answer.status} {said(answer.page)}")
        return answer.page

    def post(self, form: Form, answers: dict[str, Any]) -> Answer:
        return self.send("POST", form.action, body_of(form, answers), form.enctype)

    def sign_in(self, email: str) -> None:
        self.email = email
        for _ in range(40):
            form = find_form(self.get("/login"), "/login", "/login")
            answer = self.post(form, {"email": email, "password": PASSWORD})
            if answer.status == 303:
                return
            if answer.status != 429:
                raise Missing(f"sign-in of {email}: {answer.status}")
            self.tally.count("throttled")
            time.sleep(0.5 + secrets.randbelow(1000) / 1000)
        raise Missing(f"sign-in of {email}: still throttled")

    def fill(self, path: str, answers: dict[str, Any], form_ends: str = "") -> Answer:
        """GET a form page, POST it with the answers; on 409 (someone was first) the page
        again and the same answers, as a person would. The last answer."""
        for _ in range(ATTEMPTS_ON_CONFLICT):
            page = self.get(path)
            form = find_form(page, path, form_ends) if form_ends else the_form(page, path)
            answer = self.post(form, answers)
            if answer.status != 409:
                return answer
            self.tally.count("conflicts")
            time.sleep(secrets.randbelow(300) / 1000)
        return answer


def enrollment_of(location: str) -> str:
    found = re.search(r"/enrollments/([A-Za-z0-9_-]+)$", urlsplit(location).path)
    if not found:
        raise Missing(f"not an enrollment: {location!r}")
    return found[1]


# ---------------------------------------------------------------- the journey


def days(n: int) -> str:
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=n)).isoformat()


def mentee_application(email: str) -> dict[str, Any]:
    return {
        "employee_id": "123456",
        "job_title": "Program Analyst",
        "division": FIRST,
        "work_phone": "603-555-0142",
        "supervisor_email": supervisor_of(email),
        "supervisor_informed": "y",
        "years_of_service": "2",
        "interests": FIRST,
        "development_goals": "Understand how the agency budget is built, and present a "
        "project plan to the leadership team with confidence.",
        "learning_style": FIRST,
        "availability": FIRST,
        "meeting_formats": FIRST,
        "commitment": "y",
    }


def mentor_application(email: str) -> dict[str, Any]:
    return {
        "job_title": "Facilities Program Manager",
        "division": FIRST,
        "work_phone": "603-555-0199",
        "supervisor_email": "boss." + email,
        "years_of_service": "14",
        "qualifications": "Fourteen years in facilities and finance: capital budgets, "
        "procurement, project scheduling, and coaching new staff through their first cycle.",
        "expertise": FIRST,
        "availability": FIRST,
        "meeting_formats": FIRST,
        "working_style": FIRST,
        "commitment": "y",
    }


def supervisor_of(email: str) -> str:
    return "sup." + email


LEARNING_CONTRACT = {
    "goals-0-goal": "Run the spring lighting retrofit project.",
    "goals-0-measure": "Closed on time and on budget",
    "goals-0-target_date": days(120),
    "meeting_frequency": FIRST,
    "meeting_format": FIRST,
    "release_time": "y",
    "confidentiality": "y",
    "no_fault_closure": "y",
}


@dataclass
class Pair:
    n: int
    mentee: str
    mentor: str

    @property
    def supervisor(self) -> str:
        return supervisor_of(self.mentee)


def people_of(n: int) -> list[Pair]:
    return [
        Pair(i, f"mentee{i}@agency.example.gov", f"mentor{i}@agency.example.gov") for i in range(n)
    ]


def double_press(browser: Browser, form: Form, answers: dict[str, Any]) -> list[Answer]:
    """The same form sent twice at the same moment, as two clicks of one button."""
    results: list[Answer | BaseException] = []
    gate = threading.Barrier(2)

    def press() -> None:
        try:
            gate.wait()
            results.append(browser.post(form, answers))
        except BaseException as exc:  # reported by the caller
            results.append(exc)

    threads = [threading.Thread(target=press) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for result in results:
        if isinstance(result, BaseException):
            raise result
    answers = [r for r in results if isinstance(r, Answer)]
    browser.tally.count("double_presses")
    browser.tally.add("press_outcomes", " + ".join(sorted(str(a.status) for a in answers)))
    return answers


def apply(browser: Browser, role: str, answers: dict[str, Any]) -> str:
    path = f"/p/{PROGRAM}/apply/{role}"
    form = the_form(browser.get(path), path)
    found = ""
    for answer in double_press(browser, form, answers):
        if answer.status == 303:
            found = enrollment_of(answer.location)
            browser.tally.add("applied", (browser.email, role, found))
        elif answer.status != 409:  # 409: "you have applied already", the other press won
            raise Missing(f"apply as {role}: {answer.status} {said(answer.page)}")
    if not found:
        raise Missing(f"apply as {role}: no press was accepted")
    return found


def move(browser: Browser, enrollment: str, transition: str, answers: dict[str, Any]) -> None:
    base = f"/p/{PROGRAM}/enrollments/{enrollment}"
    answer = browser.fill(f"{base}/transitions/{transition}", answers)
    if answer.status != 303:
        raise Missing(f"{transition}: {answer.status} {said(answer.page)}")
    browser.tally.add("moved", (enrollment, transition))


def on_enrollment_page(
    browser: Browser, enrollment: str, action_ends: str, answers: dict[str, Any]
) -> Answer:
    """Press a button of the enrollment page (match, sign), again after a 409."""
    for _ in range(ATTEMPTS_ON_CONFLICT):
        path = f"/p/{PROGRAM}/enrollments/{enrollment}"
        answer = browser.post(find_form(browser.get(path), path, action_ends), answers)
        if answer.status != 409:
            return answer
        browser.tally.count("conflicts")
        time.sleep(secrets.randbelow(300) / 1000)
    return answer


def pressed_twice(browser: Browser, path: str, answers: dict[str, Any], what: str) -> None:
    """A form page opened once and its button pressed twice at the same moment: the work
    must be done once (the records check counts it) and at least one press must land."""
    form = the_form(browser.get(path), path)
    statuses = [answer.status for answer in double_press(browser, form, answers)]
    if 303 not in statuses or any(s not in (303, 409) for s in statuses):
        raise Missing(f"{what} pressed twice: {statuses}")


def check_ins(browser: Browser, enrollment: str, who: str, count: int) -> None:
    """Each side's check-ins; the first one pressed twice (a double click)."""
    path = f"/p/{PROGRAM}/enrollments/{enrollment}/forms/check_in"
    for k in range(count):
        marker = f"load check-in {who} {k} {uuid.uuid4().hex[:8]}"
        answers = {"met_on": days(-1), "minutes": "45", "progress": FIRST, "topics": marker}
        if k == 0:
            pressed_twice(browser, path, answers, "check-in")
        else:
            answer = browser.fill(path, answers)
            if answer.status != 303:
                raise Missing(f"check-in: {answer.status} {said(answer.page)}")
        browser.tally.add("check_ins", (enrollment, marker))


def journey(port: int, tally: Tally, pair: Pair, check_in_count: int) -> None:
    mentee, mentor = Browser(port, tally), Browser(port, tally)
    supervisor, desk = Browser(port, tally), Browser(port, tally)
    mentee.sign_in(pair.mentee)
    mentee_id = apply(mentee, "mentee", mentee_application(pair.mentee))
    mentor.sign_in(pair.mentor)
    mentor_id = apply(mentor, "mentor", mentor_application(pair.mentor))

    desk.sign_in(COORDINATOR)
    move(desk, mentee_id, "screen", {"interviewed_on": days(-1), "commitment_level": FIRST})
    move(desk, mentor_id, "screen", {"interviewed_on": days(-1)})
    move(desk, mentee_id, "record_orientation", {"attended_on": days(-1), "format": FIRST})
    move(desk, mentor_id, "record_training", {"attended_on": days(-1), "format": FIRST})
    answer = on_enrollment_page(desk, mentee_id, "/match", {"mentor_id": mentor_id})
    if answer.status != 303:
        raise Missing(f"match: {answer.status} {said(answer.page)}")
    tally.add("moved", (mentee_id, "match"))

    contract = f"/p/{PROGRAM}/enrollments/{mentee_id}/forms/learning_contract"
    answer = mentee.fill(contract, LEARNING_CONTRACT)
    if answer.status != 303:
        raise Missing(f"learning contract: {answer.status} {said(answer.page)}")
    supervisor.sign_in(pair.supervisor)
    for browser, role in ((mentee, "mentee"), (mentor, "mentor"), (supervisor, "supervisor")):
        typed = {"typed_name": f"{role.title()} {pair.n}"}  # the account's name, typed
        answer = on_enrollment_page(browser, mentee_id, "/forms/learning_contract/sign", typed)
        if answer.status != 303:
            raise Missing(f"sign as {role}: {answer.status} {said(answer.page)}")
        tally.add("signed", (mentee_id, role))
    start = f"/p/{PROGRAM}/enrollments/{mentee_id}/transitions/start"
    pressed_twice(mentee, start, {}, "start")
    tally.add("moved", (mentee_id, "start"))

    # mentee and mentor record check-ins at the same time, each from their own browser
    errors: list[BaseException] = []

    def side(browser: Browser, who: str) -> None:
        try:
            check_ins(browser, mentee_id, who, check_in_count)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=side, args=(mentee, "mentee")),
        threading.Thread(target=side, args=(mentor, "mentor")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    move(mentee, mentee_id, "close_early", {"initiated_by": FIRST, "reasons": FIRST})


# ---------------------------------------------------------------- databases and server


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="mf-load-") as folder:
        yield f"sqlite:///{folder}/load.db"


@contextmanager
def postgres_database(url: str) -> Iterator[str]:
    """A throwaway database next to the one `url` names, dropped afterwards."""
    base = make_url(url)
    name = f"mf_load_{secrets.token_hex(4)}"
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def prepare(url: str, pairs: list[Pair], uploads: Path) -> None:
    """Schema up to date; the coordinator and every client's people as verified accounts."""
    programs = load_paths([ROOT / "definitions"])
    workflow = Workflow.open(programs, url, uploads=uploads)
    hashed = hash_password(PASSWORD)  # one scrypt hash for all: sign-in still checks it
    now = dt.datetime.now(dt.UTC)
    try:
        with workflow.db.session() as session, session.begin():
            coordinator = get_or_create_person(session, COORDINATOR, "Casey Load")
            session.flush()
            session.add(StaffRole(person_id=coordinator.id, program_id=PROGRAM))
            people = [(COORDINATOR, coordinator)]
            for pair in pairs:
                for email, name in (
                    (pair.mentee, f"Mentee {pair.n}"),
                    (pair.mentor, f"Mentor {pair.n}"),
                    (pair.supervisor, f"Supervisor {pair.n}"),
                ):
                    people.append((email, get_or_create_person(session, email, name)))
            for _, person in people:
                person.password_hash = hashed
                person.email_verified_at = now
    finally:
        workflow.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@contextmanager
def gunicorn(
    url: str, folder: Path, workers: int = WORKERS
) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    port = free_port()
    env = dict(
        os.environ,
        MENTORFLOW_DATABASE_URL=url,
        MENTORFLOW_DEFINITIONS=str(ROOT / "definitions"),
        MENTORFLOW_UPLOADS=str(folder / "uploads"),
        MENTORFLOW_INSTANCE=str(folder / "instance"),
        MENTORFLOW_SECRET_KEY=secrets.token_hex(32),  # one key for every worker
    )
    env.pop("MENTORFLOW_SMTP_URL", None)
    log = (folder / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "--graceful-timeout",
            "5",
            "mentorflow.web.wsgi:app",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn stopped: see {folder / 'gunicorn.log'}")
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                connection.request("GET", "/login")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                pass
            finally:
                connection.close()
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer within two minutes")
            time.sleep(0.3)
        # every worker booted (each loads the definitions), so none is measured booting
        while len(children(server.pid)) < workers and time.monotonic() < deadline:
            time.sleep(0.2)
        yield port, server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


# ---------------------------------------------------------------- the records afterwards


@dataclass
class Findings:
    lost: list[str]
    doubled: list[str]


def check_records(url: str, tally: Tally, pairs: list[Pair]) -> Findings:
    engine = create_engine(url)
    lost: list[str] = []
    doubled: list[str] = []
    try:
        with engine.connect() as c:
            open_enrollments = Counter(
                c.execute(
                    select(Person.email, Enrollment.role)
                    .join(Person, Person.id == Enrollment.person_id)
                    .where(Enrollment.program_id == PROGRAM, Enrollment.is_final.is_(False))
                ).all()
            )
            all_enrollments = {
                (email, role, eid)
                for email, role, eid in c.execute(
                    select(Person.email, Enrollment.role, Enrollment.id).join(
                        Person, Person.id == Enrollment.person_id
                    )
                )
            }
            transitions = Counter(
                c.execute(
                    select(Event.enrollment_id, func.coalesce(Event.transition, Event.kind))
                ).all()
            )
            applies = Counter(eid for eid, kind in transitions.elements() if kind == "apply")
            markers = Counter(
                (eid, (answers or {}).get("topics", ""))
                for eid, answers in c.execute(
                    select(Submission.enrollment_id, Submission.answers).where(
                        Submission.form_id == "check_in"
                    )
                )
            )
            signatures = Counter(
                c.execute(
                    select(Submission.enrollment_id, Signature.role)
                    .join(Submission, Submission.id == Signature.submission_id)
                    .where(Submission.form_id == "learning_contract")
                ).all()
            )
    finally:
        engine.dispose()

    for email, role, eid in set(tally.applied):
        if (email, role, eid) not in all_enrollments or applies[eid] < 1:
            lost.append(f"apply {role} {email} -> {eid}")
    for (email, role), n in open_enrollments.items():
        if n > 1:
            doubled.append(f"{n} open {role} enrollments of {email}")
    for eid, n in applies.items():
        if n > 1:
            doubled.append(f"{n} apply events on {eid}")
    for eid, transition in tally.moved:
        if transitions[eid, transition] < 1:
            lost.append(f"{transition} on {eid}")
    for (eid, transition), n in transitions.items():
        if n > 1 and transition != "apply":
            doubled.append(f"{n} events {transition} on {eid}")
    for eid, marker in tally.check_ins:
        if markers[eid, marker] < 1:
            lost.append(f"check-in {marker!r} on {eid}")
    for (eid, marker), n in markers.items():
        if n > 1:
            doubled.append(f"{n} entries {marker!r} on {eid}")
    for eid, role in tally.signed:
        if signatures[eid, role] < 1:
            lost.append(f"signature {role} on {eid}")
    for (eid, role), n in signatures.items():
        if n > 1:
            doubled.append(f"{n} signatures {role} on {eid}")
    return Findings(lost, doubled)


# ---------------------------------------------------------------- one run


@dataclass
class Result:
    database: str
    clients: int
    requests: int
    seconds: float
    p50: float
    p95: float
    post_p50: float
    post_p95: float
    lost: list[str]
    doubled: list[str]
    server_errors: list[str]
    connection_errors: int
    conflicts: int
    throttled: int
    failed_steps: list[str]
    double_presses: int
    press_outcomes: Counter[str]
    killed: bool

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q) - 1]


REQUESTS_PER_CLIENT = 45  # about; tells when to kill the worker


def run(
    database: str,
    url: str,
    clients: int,
    check_in_count: int,
    *,
    workers: int = WORKERS,
    kill: bool = True,
    progress: Callable[[str], None] = print,
) -> Result:
    """One database: prepare it, serve it, let the clients walk, read the records."""
    pairs = people_of(clients)
    with tempfile.TemporaryDirectory(prefix="mf-load-run-") as name:
        folder = Path(name)
        prepare(url, pairs, folder / "uploads")
        tally = Tally()
        with gunicorn(url, folder, workers) as (port, server):
            progress(f"{database}: gunicorn up on port {port}; {clients} clients start")
            killed = threading.Event()
            expected = clients * (REQUESTS_PER_CLIENT + 4 * check_in_count)

            def killer() -> None:
                while not killed.is_set() and sum(tally.statuses.values()) < KILL_AFTER * expected:
                    if done.is_set():
                        return
                    time.sleep(0.1)
                workers = children(server.pid)
                if workers and not done.is_set():
                    os.kill(workers[0], signal.SIGKILL)
                    killed.set()
                    progress(f"{database}: killed worker {workers[0]} (SIGKILL)")

            def client(pair: Pair) -> None:
                try:
                    journey(port, tally, pair, check_in_count)
                except Exception as exc:  # every failed journey is reported
                    tally.add("failed_steps", f"client {pair.n}: {type(exc).__name__}: {exc}")

            done = threading.Event()
            threads = [threading.Thread(target=client, args=(p,)) for p in pairs]
            watcher = threading.Thread(target=killer) if kill else None
            start = time.perf_counter()
            if watcher:
                watcher.start()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            seconds = time.perf_counter() - start
            done.set()
            if watcher:
                watcher.join()
        findings = check_records(url, tally, pairs)
    every = [s for _, s in tally.latencies]
    posts = [s for m, s in tally.latencies if m == "POST"]
    return Result(
        database=database,
        clients=clients,
        requests=len(every),
        seconds=seconds,
        p50=percentile(every, 50),
        p95=percentile(every, 95),
        post_p50=percentile(posts, 50),
        post_p95=percentile(posts, 95),
        lost=findings.lost,
        doubled=findings.doubled,
        server_errors=tally.server_errors,
        connection_errors=tally.connection_errors,
        conflicts=tally.conflicts,
        throttled=tally.throttled,
        failed_steps=tally.failed_steps,
        double_presses=tally.double_presses,
        press_outcomes=Counter(tally.press_outcomes),
        killed=killed.is_set(),
    )


def run_on(database: str, clients: int, check_ins_each: int, postgres_url: str | None) -> Result:
    if database == "sqlite":
        with sqlite_database() as url:
            return run("SQLite", url, clients, check_ins_each)
    if not postgres_url:
        raise SystemExit("PostgreSQL: set MENTORFLOW_TEST_POSTGRES_URL or pass --postgres-url")
    with postgres_database(postgres_url) as url:
        return run("PostgreSQL", url, clients, check_ins_each)


# ---------------------------------------------------------------- the report


def table(results: list[Result]) -> str:
    lines = [
        "| database | clients | requests | wall time (s) | requests/s | p50 (ms) | p95 (ms) "
        "| POST p50 (ms) | POST p95 (ms) | lost | doubled | 5xx | connection errors "
        "| 409 answered again | failed journeys |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.database} | {r.clients} | {r.requests:,} | {r.seconds:.0f} | {r.rate:.1f} "
            f"| {r.p50 * 1000:.0f} | {r.p95 * 1000:.0f} | {r.post_p50 * 1000:.0f} "
            f"| {r.post_p95 * 1000:.0f} | {len(r.lost)} | {len(r.doubled)} "
            f"| {len(r.server_errors)} | {r.connection_errors} | {r.conflicts} "
            f"| {len(r.failed_steps)} |"
        )
    return "\n".join(lines)


def details(r: Result) -> list[str]:
    out = []
    for title, items in (
        ("lost", r.lost),
        ("doubled", r.doubled),
        ("5xx", r.server_errors),
        ("failed journeys", r.failed_steps),
    ):
        for item in items[:20]:
            out.append(f"{r.database} {title}: {item}")
    return out


def notes(r: Result) -> str:
    outcomes = ", ".join(f"{n} × {o}" for o, n in r.press_outcomes.most_common())
    return (
        f"{r.database}: {r.double_presses} double presses answered {outcomes}; "
        f"{r.throttled} sign-ins throttled (429) and tried again; "
        f"a worker killed: {'yes' if r.killed else 'no'}."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--write", type=Path, help="update this Markdown file's section")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--check-ins", type=int, default=3, help="check-ins of each side")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("MENTORFLOW_TEST_POSTGRES_URL"),
        help="a role with CREATEDB (default: MENTORFLOW_TEST_POSTGRES_URL)",
    )
    args = parser.parse_args(argv)
    wanted = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    results = [run_on(db, args.clients, args.check_ins, args.postgres_url) for db in wanted]
    result = table(results)
    print(result)
    for r in results:
        for line in details(r):
            print(line)
        print(notes(r))
    if args.write:
        machine = f"{os.cpu_count()} CPU cores ({platform.machine()}), {platform.system()}"
        said = "\n".join(f"- {notes(r)}" for r in results)
        replace_section(
            args.write,
            "load",
            f"{machine}; gunicorn {WORKERS} sync workers; {args.check_ins} check-ins "
            f"from each side of each pair.\n\n{result}\n\n{said}",
        )
    bad = any(r.lost or r.doubled or r.server_errors or r.failed_steps for r in results)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
