"""Alembic environment: uses the engine handed over in ``config.attributes``."""

from __future__ import annotations

from alembic import context

from mediator_desktop.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from sqlalchemy import create_engine

        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    if engine.dialect.name == "sqlite":
        # BEGIN IMMEDIATE (db._sqlite_setup): two first starts on one new file take turns, and
        # the second reads the revision the first wrote instead of creating the tables again.
        engine = engine.execution_options(sqlite_immediate=True)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # The same on a shared server: one migrates, the others wait and find it done.
            connection.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext('mediator:migrate'))")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported")
run_migrations_online()
