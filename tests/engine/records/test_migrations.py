"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from mentorflow.engine.records.database import Database, upgrade
from mentorflow.engine.records.store import Base


def test_migrations_match_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_upgrade_is_idempotent(db: Database) -> None:
    upgrade(db.engine)  # a second run finds nothing to do
    tables = set(inspect(db.engine).get_table_names())
    assert {"people", "enrollments", "submissions", "events", "alembic_version"} <= tables
