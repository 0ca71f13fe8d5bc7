"""Alembic's entry point: migrations run on the connection `assistant db upgrade` hands over, or, from the
`alembic` command (alembic.ini at the project root), on the configured DATABASE_URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, text

from assistant import config as settings
from assistant.models import Base

# Two app servers upgrading one PostgreSQL at once take turns: the second finds the work done.
POSTGRES_MIGRATION_LOCK = 73_401_912


def run(connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": POSTGRES_MIGRATION_LOCK})
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite changes a table by copying it
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    engine = create_engine(settings.load()["DATABASE_URL"])
    with engine.begin() as connection:
        run(connection)
