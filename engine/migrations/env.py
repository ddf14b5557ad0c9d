"""Alembic environment: runs migrations on the engine handed over by engine.database."""

from __future__ import annotations

from alembic import context

from engine.store import Base

engine = context.config.attributes["engine"]
with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    context.run_migrations()
