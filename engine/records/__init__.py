"""The records: SQLAlchemy models (store), the database and its Alembic migrations, one enrollment as loaded.
May import: `definition` and `engine.errors`; never the rules, the service or the figures."""
