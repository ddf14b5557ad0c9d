"""How long `mentorflow import` takes for 10,000 mentee applications, against the writes alone.

    python -m bench.bench_import [--rows N] [--postgres URL] [--write docs/performance.md]

The rows are valid mentee applications to definitions/general-agency.yaml (program
general-mentoring), generated in memory. Each run imports them into a fresh SQLite file
and, when MENTORFLOW_TEST_POSTGRES_URL or --postgres is given, into a fresh PostgreSQL
schema (created for the run and dropped after it). The import is timed from the CSV text
to the commit: reading, checking every row with the web form's validator, looking up
existing people and enrollments, and writing. The baseline, in the same run, is a bare
SQLAlchemy Core bulk insert of the same number of people, enrollments, submissions,
events and outbox messages into the same tables in one transaction: the floor, what the
writes alone cost.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from bench.report import replace_section
from mentorflow.engine.definition.loader import load_file
from mentorflow.engine.records.database import Database
from mentorflow.engine.records.store import Base, Enrollment, StaffRole, new_id, utcnow
from mentorflow.engine.rules.access import SYSTEM_ACTOR
from mentorflow.engine.service.people import get_or_create_person
from mentorflow.engine.service.workflow import Workflow

ROOT = Path(__file__).resolve().parents[1]
DEFINITION = ROOT / "definitions" / "general-agency.yaml"
PROGRAM = "general-mentoring"

DIVISIONS = ["Operations", "Human Resources", "Field Services", "Legal and Policy"]
AREAS = [
    "Budgeting and finance",
    "Career planning",
    "Project management",
    "Leadership and supervision",
]
STYLES = ["Learning by doing", "doing", "Observing and shadowing", "reading"]


def mentee_rows(n: int) -> str:
    """`n` valid mentee applications as CSV text (every kind of cell: booleans, numbers,
    multichoices separated by ';', labelled choices by label or value)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "name", "employee_id", "job_title", "division", "work_unit", "work_phone", "email",
            "supervisor_email", "supervisor_informed", "years_of_service", "new_responsibilities",
            "new_responsibilities_details", "interests", "development_goals", "learning_style",
            "prior_mentoring", "availability", "meeting_formats", "hours_per_month", "commitment",
        ]
    )  # fmt: skip
    for i in range(n):
        senior = i % 7 == 0  # eligible through new responsibilities
        writer.writerow(
            [
                f"Mentee {i}", f"{100000 + i}", "Program Analyst", DIVISIONS[i % 4],
                f"Unit {i % 13}", f"603-555-{i % 10000:04d}", f"mentee{i}@agency.example.gov",
                f"supervisor{i % 200}@agency.example.gov", ["yes", "no", "1", "0"][i % 4],
                str(12 if senior else i % 5), "true" if senior else "false",
                "Leading the new permitting unit from next quarter." if senior else "",
                ";".join(AREAS[: 1 + i % 3]),
                "I would like to understand how the agency budget is built, and to present "
                "a project plan to the leadership team with confidence.",
                STYLES[i % 4], "" if i % 3 else "An informal mentor in my first job.",
                "Weekday mornings;Weekday afternoons", "In person;Video call",
                str(1 + i % 8), "yes",
            ]
        )  # fmt: skip
    return out.getvalue()


@contextmanager
def fresh_sqlite() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/bench.db"


@contextmanager
def fresh_postgres(url: str) -> Iterator[str]:
    """A schema of its own, so the run touches nothing else in that database."""
    schema = f"bench_import_{secrets.token_hex(4)}"
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        parsed = make_url(url)
        yield parsed.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(
            hide_password=False
        )
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def time_import(url: str, csv_text: str) -> float:
    database = Database(url)
    try:
        program = load_file(DEFINITION)
        workflow = Workflow({program.id: program}, database)
        with database.session() as session, session.begin():  # one coordinator is told
            coordinator = get_or_create_person(session, "coordinator@agency.example.gov", "Cora")
            session.add(StaffRole(person_id=coordinator.id, program_id=PROGRAM))
        start = time.perf_counter()
        result = workflow.import_applications(PROGRAM, "mentee", csv_text, actor=SYSTEM_ACTOR)
        seconds = time.perf_counter() - start
        assert result.imported == csv_text.count("\n") - 1, result.imported
        return seconds
    finally:
        database.dispose()


def time_baseline(url: str, n: int) -> float:
    """The same number of rows of each kind, written with bare Core bulk inserts."""
    database = Database(url)
    try:
        now = utcnow()
        tables = Base.metadata.tables
        people, enrollments, submissions, events, outbox = [], [], [], [], []
        for i in range(n):
            person, enrollment = new_id(), new_id()
            people.append({"id": person, "email": f"m{i}@x.gov", "name": f"M {i}", "is_admin": False, "created_at": now})  # fmt: skip
            enrollments.append(
                {
                    "id": enrollment, "program_id": PROGRAM, "role": "mentee", "person_id": person,
                    "state": "applied", "state_since": now, "revision": 1, "version": 1,
                    "supervisor_email": "boss@x.gov", "capacity": None, "pairing_id": None,
                    "is_final": False, "created_at": now, "updated_at": now,
                }
            )  # fmt: skip
            submissions.append(
                {
                    "id": new_id(), "enrollment_id": enrollment, "form_id": "mentee_application",
                    "author_id": person, "revision": 1, "created_at": now, "updated_at": now,
                    "answers": {"name": f"M {i}", "email": f"m{i}@x.gov", "years_of_service": 2,
                                "interests": ["Career planning"], "commitment": True,
                                "development_goals": "x" * 120},
                }
            )  # fmt: skip
            events.append(
                {
                    "enrollment_id": enrollment, "program_id": PROGRAM, "at": now,
                    "actor_id": None, "actor_role": "coordinator", "kind": "apply",
                    "to_state": "applied", "revision": 1,
                }
            )  # fmt: skip
            outbox.append(
                {
                    "program_id": PROGRAM, "enrollment_id": enrollment, "to_email": "c@x.gov",
                    "subject": f"[Program] M {i} is now Applied", "body": f"M {i} is now Applied.",
                    "reason": "state:applied", "created_at": now,
                }
            )  # fmt: skip
        start = time.perf_counter()
        with database.engine.begin() as connection:
            connection.execute(insert(tables["people"]), people)
            connection.execute(insert(tables[Enrollment.__tablename__]), enrollments)
            connection.execute(insert(tables["submissions"]), submissions)
            connection.execute(insert(tables["events"]), events)
            connection.execute(insert(tables["outbox"]), outbox)
        return time.perf_counter() - start
    finally:
        database.dispose()


def best_of(fresh: Callable[[], Any], run: Callable[[str], float], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        with fresh() as url:
            times.append(run(url))
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many fresh runs")
    parser.add_argument("--postgres", default=os.environ.get("MENTORFLOW_TEST_POSTGRES_URL"))
    parser.add_argument("--write", type=Path, help="update this Markdown file's section")
    args = parser.parse_args()
    csv_text = mentee_rows(args.rows)
    databases: list[tuple[str, Callable[[], Any]]] = [("SQLite", fresh_sqlite)]
    if args.postgres:
        databases.append(("PostgreSQL", lambda: fresh_postgres(args.postgres)))
    lines = [
        "| database | rows | `mentorflow import` (s) | rows/s | Core bulk insert, writes only (s) | rows/s | ratio |",
        "|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    n = args.rows
    for name, fresh in databases:
        ours = best_of(fresh, lambda url: time_import(url, csv_text), args.repeat)
        base = best_of(fresh, lambda url: time_baseline(url, n), args.repeat)
        lines.append(
            f"| {name} | {n:,} | {ours:.2f} | {n / ours:,.0f} | {base:.2f} | {n / base:,.0f} "
            f"| {ours / base:.1f}x |"
        )
    table = "\n".join(lines)
    print(table)
    if args.write:
        replace_section(args.write, "import", table)


if __name__ == "__main__":
    main()
