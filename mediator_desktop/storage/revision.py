"""The schema revision this program expects, known without importing Alembic.

Opening a database that is already up to date — every start but the first after an update —
reads ``alembic_version`` with one plain query and compares it with :data:`HEAD_REVISION`;
Alembic (about 0.15 s of imports) loads only when a migration is due. A test keeps the constant
equal to the newest migration's revision: a new migration changes it in the same commit.
"""

from __future__ import annotations

from sqlalchemy import Engine, inspect, text

HEAD_REVISION = "0016_case_deadlines"


def stored_revision(engine: Engine) -> str | None:
    """The revision a database records (None: an empty database, or one Alembic never stamped)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return str(rows[0]) if len(rows) == 1 else None
