"""Records made under earlier revisions of a definition, checked against the current one.

Loading a new revision never breaks or hides older records: answers to fields that
no longer exist stay stored and are shown as such (`rules.answers.shown_answers`), and
enrollments left in a state
the new revision no longer has are reported here (by `mentorflow validate`), so the
author can add the state back or move those people on, rather than the app crashing.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import func, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from ..definition.program import Program
from ..errors import Problem
from ..records.database import Database, failures_told
from ..records.store import Enrollment


def stranded_enrollments(
    session: Session, programs: Mapping[str, Program], *, complete: bool = True
) -> list[Problem]:
    """Problems for enrollments in states, roles or programs the definitions no longer have.

    `complete`: `programs` is every definition of the installation, so records of any
    other program are stranded; otherwise only the given programs are checked."""
    rows = session.execute(
        select(Enrollment.program_id, Enrollment.role, Enrollment.state, func.count())
        .group_by(Enrollment.program_id, Enrollment.role, Enrollment.state)
        .order_by(Enrollment.program_id, Enrollment.role, Enrollment.state)
    ).all()
    problems = []
    for program_id, role, state, count in rows:
        program = programs.get(program_id)
        people = f"{count} enrollment{'s' if count != 1 else ''}"
        if program is None and not complete:
            continue
        if program is None:
            problems.append(
                Problem(
                    "<database>",
                    1,
                    1,
                    "program.id",
                    f"{people} belong to program '{program_id}', which no definition declares any more",
                )
            )
            continue
        lifecycle = program.lifecycle_of(role)
        if state not in lifecycle.states:
            line, col = program.positions.get(f"lifecycles.{lifecycle.id}.states", (1, 1))
            problems.append(
                Problem(
                    program.source,
                    line,
                    col,
                    f"lifecycles.{lifecycle.id}.states",
                    f"{people} of {role}s {'are' if count != 1 else 'is'} in state '{state}', which revision {program.revision} no longer has",
                )
            )
    return problems


def check_database(
    url: str, programs: Mapping[str, Program], *, complete: bool = True
) -> list[Problem]:
    """Records stranded by these definitions in the database at `url`, if it exists.
    Read-only: a database that is missing or has no schema yet has nothing stranded."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        return []
    database = Database(url, migrate=False)
    try:
        with failures_told():
            if "enrollments" not in inspect(database.engine).get_table_names():
                return []
            with database.session() as session:
                return stranded_enrollments(session, programs, complete=complete)
    finally:
        database.dispose()
