"""The matching review page with a large pool: its size and the time to produce page 1.

    python -m bench.bench_matching_page [--mentees 5000] [--mentors 1000] [--runs 3]

One Flask app (`create_app`, SQLite in a temporary folder, the repository's definitions/)
whose general-mentoring program has N mentees waiting for a match and M mentors who can
take mentees (1 to 4 places each, in turn), each with seeded random answers to the apply
form's fields the matching criteria read. The people are written straight into the
database (people, enrollments in the waiting states, apply-form submissions): the bench
measures the page, not the applying. A coordinator signs in through the login form, then
GET /p/general-mentoring/matching is timed through the Flask test client: the whole
request (reading the pool, proposing, building the review, rendering). The first request
is timed alone (nothing proposed yet); then page 1 again and page 2, best of `--runs`
each (an unchanged pool is not proposed again where the review keeps its proposals).
And the size of page 1's HTML.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import tempfile
import time
from pathlib import Path
from typing import Any

from mentorflow.engine.definition.fields import choice_values
from mentorflow.engine.definition.program import Program
from mentorflow.engine.records.store import Enrollment, Person, StaffRole, Submission, new_id
from mentorflow.engine.rules.access import SYSTEM_ACTOR
from mentorflow.engine.service.people import hash_password
from mentorflow.web import create_app

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = "general-mentoring"
PASSWORD = "correct horse battery staple"
SEED = 20261201


def _answers(program: Program, role: str, rng: random.Random) -> dict[str, Any]:
    """Random answers to the fields the matching criteria read for `role`."""
    assert program.matching is not None
    form = program.apply_form(role)
    found: dict[str, Any] = {}
    for criterion in program.matching.criteria:
        field_id = criterion.mentee if role == "mentee" else criterion.mentor
        f = form.fields[field_id]
        values = list(choice_values(f))
        if f.type == "multichoice":
            found[field_id] = rng.sample(values, rng.randint(1, min(3, len(values))))
        elif values:
            found[field_id] = rng.choice(values)
        else:  # a number
            found[field_id] = rng.randint(0, 4) if "hours" in field_id else rng.randint(0, 25)
    return found


def populate(app: Any, mentees: int, mentors: int) -> None:
    workflow = app.extensions["mentorflow.workflow"]
    program: Program = workflow.programs[PROGRAM]
    rng = random.Random(SEED)
    waiting = next(s for s in program.lifecycle_of("mentee").states if program.waiting_for_match(s))
    mentor_state = program.mentor_states()[0]
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with workflow.db.session() as session, session.begin():
        coordinator = Person(
            id=new_id(),
            email="casey@example.org",
            name="Casey Coordinator",
            password_hash=hash_password(PASSWORD),
            email_verified_at=start,
        )
        session.add(coordinator)
        session.add(StaffRole(person_id=coordinator.id, program_id=PROGRAM))
        people, enrollments, submissions = [], [], []
        for i in range(mentors + mentees):
            role = "mentor" if i < mentors else "mentee"
            person_id, enrollment_id = new_id(), new_id()
            at = start + dt.timedelta(minutes=i)
            people.append(
                {"id": person_id, "email": f"{role}{i}@example.org", "name": f"{role.title()} {i}"}
            )
            enrollments.append(
                {
                    "id": enrollment_id,
                    "program_id": PROGRAM,
                    "role": role,
                    "person_id": person_id,
                    "state": mentor_state if role == "mentor" else waiting,
                    "revision": program.revision,
                    "capacity": 1 + i % 4 if role == "mentor" else None,
                    "created_at": at,
                    "updated_at": at,
                    "state_since": at,
                }
            )
            submissions.append(
                {
                    "id": new_id(),
                    "enrollment_id": enrollment_id,
                    "form_id": program.roles[role].apply_form,
                    "revision": program.revision,
                    "answers": _answers(program, role, rng),
                    "created_at": at,
                    "updated_at": at,
                }
            )
        session.execute(Person.__table__.insert(), people)
        session.execute(Enrollment.__table__.insert(), enrollments)
        session.execute(Submission.__table__.insert(), submissions)


def _csrf(page: str) -> str:
    import re

    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    assert found, "no csrf_token on the login page"
    return found.group(1)


def _timed(client: Any, url: str) -> tuple[float, int]:
    began = time.perf_counter()
    response = client.get(url)
    took = time.perf_counter() - began
    assert response.status_code == 200, response.status_code
    return took, len(response.get_data())


def measure(mentees: int, mentors: int, runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["MENTORFLOW_INSTANCE"] = str(Path(folder) / "instance")
        app = create_app(
            {
                "TESTING": True,
                "MENTORFLOW_DATABASE_URL": f"sqlite:///{folder}/bench.db",
                "MENTORFLOW_DEFINITIONS": str(ROOT / "definitions"),
                "MENTORFLOW_UPLOADS": str(Path(folder) / "uploads"),
            }
        )
        populate(app, mentees, mentors)
        client = app.test_client()
        token = _csrf(client.get("/login").get_data(as_text=True))
        signed = client.post(
            "/login",
            data={"email": "casey@example.org", "password": PASSWORD, "csrf_token": token},
        )
        assert signed.status_code == 303, signed.status_code
        page = f"/p/{PROGRAM}/matching"
        first, size = _timed(client, page)
        again = min(_timed(client, page)[0] for _ in range(runs))
        second = min(_timed(client, f"{page}?page=2")[0] for _ in range(runs))
        # For scale: proposing alone (reading the pool, scoring, solving), as the first
        # request must.
        workflow = app.extensions["mentorflow.workflow"]
        began = time.perf_counter()
        workflow.propose_matches(PROGRAM, SYSTEM_ACTOR, save=False)
        proposing = time.perf_counter() - began
        workflow.db.dispose()
        return {
            "proposing": proposing,
            "first": first,
            "again": again,
            "page2": second,
            "bytes": size,
        }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mentees", type=int, default=5000)
    parser.add_argument("--mentors", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    found = measure(args.mentees, args.mentors, args.runs)
    print(
        f"{args.mentees} mentees, {args.mentors} mentors: page 1 first {found['first']:.3f} s, "
        f"again {found['again']:.3f} s, page 2 {found['page2']:.3f} s "
        f"(best of {args.runs}); page 1 is {int(found['bytes']):,} bytes of HTML; "
        f"proposing alone {found['proposing']:.3f} s"
    )


if __name__ == "__main__":
    main()
