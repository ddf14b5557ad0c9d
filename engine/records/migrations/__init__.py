"""Alembic migrations of the records schema (loaded by path; see env.py)."""
