"""Alembic environment: runs on the connection the app hands over (render_as_batch for SQLite)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from sps_tracker.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("SPS Tracker migrations run through sps_tracker.storage.migrate")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    if connection.in_transaction():
        connection.commit()


run_migrations_online()
