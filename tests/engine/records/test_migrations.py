"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.util import CommandError
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from mentorflow.engine.records.database import (
    Database,
    alembic_config,
    create_db_engine,
    upgrade,
)
from mentorflow.engine.records.store import Base, Enrollment, Pairing, Person


def test_migrations_match_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_is_idempotent(db: Database) -> None:
    upgrade(db.engine)  # a second run finds nothing to do
    tables = set(inspect(db.engine).get_table_names())
    assert {"people", "enrollments", "submissions", "events", "alembic_version"} <= tables


def test_identity_migration_keeps_todays_accounts_working(db_url: str) -> None:
    """0004: people with a password count as verified; people known only by e-mail (an
    import, a supervisor named on a form) do not; old sign-in attempts stay finished."""
    engine = create_db_engine(db_url)
    try:
        command.upgrade(alembic_config(engine), "0003")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO people (id, email, name, password_hash, is_admin, created_at) "
                    "VALUES ('a1', 'account@example.gov', 'Ann', 'scrypt$16384$x$y', false, "
                    ":at), ('k1', 'known@example.gov', '', NULL, false, :at)"
                ),
                {"at": dt.datetime(2026, 1, 5, tzinfo=dt.UTC)},
            )
            connection.execute(
                text(
                    "INSERT INTO login_attempts (email, at, succeeded) "
                    "VALUES ('account@example.gov', :at, false)"
                ),
                {"at": dt.datetime(2026, 1, 5, tzinfo=dt.UTC)},
            )
        upgrade(engine)
        with engine.connect() as connection:
            verified = dict(
                connection.execute(text("SELECT id, email_verified_at FROM people")).all()
            )
            attempt = connection.execute(text("SELECT client, succeeded FROM login_attempts")).one()
        assert verified["a1"] is not None and verified["k1"] is None
        assert tuple(attempt) == ("", False)
        command.downgrade(alembic_config(engine), "0003")  # and back, losing no person
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM people")).scalar() == 2
    finally:
        engine.dispose()


def test_two_open_enrollments_stop_the_upgrade_in_one_sentence(db_url: str) -> None:
    """0005: records an earlier double press left are named, never silently merged."""
    engine = create_db_engine(db_url)
    at = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)
    try:
        command.upgrade(alembic_config(engine), "0004")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO people (id, email, name, is_admin, created_at, admin_by_provider) "
                    "VALUES ('p1', 'twice@example.gov', 'Tw', false, :at, false)"
                ),
                {"at": at},
            )
            for enrollment_id in ("e1", "e2"):
                connection.execute(
                    text(
                        "INSERT INTO enrollments (id, program_id, role, person_id, state, "
                        "state_since, revision, version, is_final, created_at, updated_at) "
                        "VALUES (:id, 'small-program', 'mentee', 'p1', 'applied', :at, 1, 1, "
                        "false, :at, :at)"
                    ),
                    {"id": enrollment_id, "at": at},
                )
        with pytest.raises(CommandError, match=r"1 person holds two open enrollments .*e1 and e2"):
            upgrade(engine)
    finally:
        engine.dispose()


def test_outbox_migration_keys_queued_reminders_once_each(db_url: str) -> None:
    """0006: reminders queued before it get their key, only the earliest of a pair a past
    race wrote twice (so the unique index can be built); account mail gets none."""
    engine = create_db_engine(db_url)
    try:
        command.upgrade(alembic_config(engine), "0005")
        with engine.begin() as connection:
            for to, reason in [
                ("ada@example.gov", "reminder:e1:active:x:1"),
                ("ada@example.gov", "reminder:e1:active:x:1"),  # the race's double
                ("max@example.gov", "reminder:e1:active:x:1"),
                ("ada@example.gov", "account:verify"),
                ("ada@example.gov", "account:verify"),
            ]:
                connection.execute(
                    text(
                        "INSERT INTO outbox (to_email, subject, body, reason, created_at) "
                        "VALUES (:to, 's', 'b', :reason, :at)"
                    ),
                    {"to": to, "reason": reason, "at": dt.datetime(2026, 1, 5, tzinfo=dt.UTC)},
                )
        upgrade(engine)
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT dedupe_key, attempts, set_aside_at FROM outbox ORDER BY id")
            ).all()
        key = "reminder:e1:active:x:1"
        assert [r[0] for r in rows] == [key, None, key, None, None]
        assert {(r[1], r[2]) for r in rows} == {(0, None)}
        command.downgrade(alembic_config(engine), "0005")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM outbox")).scalar() == 5
    finally:
        engine.dispose()


def test_ended_relationships_get_their_pairing_back(db_url: str) -> None:
    """0007: a mentee enrollment that ended before it points again at the pairing that
    ended with it; one whose pairing ended earlier (a return to the pool) stays apart."""
    engine = create_db_engine(db_url)
    ended, earlier = dt.datetime(2026, 3, 1, tzinfo=dt.UTC), dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    try:
        command.upgrade(alembic_config(engine), "0006")
        with Session(engine) as session, session.begin():
            person = Person(id="p1", email="ada@example.gov")
            mentor = Enrollment(
                id="mentor",
                program_id="x",
                role="mentor",
                person=person,
                state="trained",
                revision=1,
            )
            rows = {"closed": ("closed_early", ended), "withdrawn": ("withdrawn", ended)}
            for eid, (state, since) in rows.items():
                session.add(
                    Enrollment(
                        id=eid,
                        program_id="x",
                        role="mentee",
                        person=person,
                        state=state,
                        state_since=since,
                        revision=1,
                        is_final=True,
                    )
                )
            session.add(mentor)
            session.flush()
            session.add_all(
                [
                    Pairing(
                        id="pc",
                        program_id="x",
                        mentee_id="closed",
                        mentor_id="mentor",
                        started_at=earlier,
                        ended_at=ended,
                    ),
                    Pairing(
                        id="pw",
                        program_id="x",
                        mentee_id="withdrawn",
                        mentor_id="mentor",
                        started_at=earlier,
                        ended_at=earlier,
                    ),
                ]
            )
        upgrade(engine)
        with engine.connect() as connection:
            found = dict(
                connection.execute(text("SELECT id, pairing_id FROM enrollments ORDER BY id")).all()
            )
        assert found == {"closed": "pc", "mentor": None, "withdrawn": None}
        command.downgrade(alembic_config(engine), "0006")
        with engine.connect() as connection:
            assert (
                connection.execute(
                    text("SELECT count(*) FROM enrollments WHERE pairing_id IS NOT NULL")
                ).scalar()
                == 0
            )
    finally:
        engine.dispose()


def test_servers_starting_together_on_a_new_database_all_start(db_url: str) -> None:
    """gunicorn's workers each open the database at once, as separate processes; only
    one may migrate, the others wait for it and find nothing left to do."""
    starting = (
        "import sys; from mentorflow.engine.records.database import Database; "
        "Database(sys.argv[1]).dispose()"
    )
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", starting, db_url], stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    said = [worker.communicate(timeout=120)[1] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0, 0, 0], said
