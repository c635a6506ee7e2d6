"""Bulk INSERTs of plain rows (dicts), for writes of thousands of rows (the case import).

The ORM's flush must learn each new row's id before it can insert the rows that point at it,
and on SQLite it can only do that one row per statement (SQLite gives no order to the rows a
multi-row ``INSERT … RETURNING`` sends back, so SQLAlchemy has no "sentinel" to match them
with). :func:`insert_rows` gets the ids another way on each database, then sends a table's
rows in one Core ``INSERT`` with many parameter sets (``executemany``; no ORM object, no
unit of work):

- PostgreSQL: ``INSERT … RETURNING id`` with ``sort_by_parameter_order`` (SQLAlchemy's
  "insertmanyvalues" batches the rows and hands the ids back in the order of the rows);
- SQLite: the ids are given with the rows, continuing from the table's highest id — exactly
  the ids SQLite would hand out itself (an ``INTEGER PRIMARY KEY`` without ``AUTOINCREMENT``
  takes the highest id plus one), and safe because a write transaction holds the database's
  write lock (``BEGIN IMMEDIATE``) until it commits. Rows the session has not flushed yet are
  no matter: the database gives them their ids when they are inserted, after these.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from mediator_desktop.storage.models import AuditEntry, Base


def insert_rows(session: Session, model: type[Base], rows: Sequence[dict[str, Any]], *, ids: bool = False) -> None:
    """Insert ``rows`` into ``model``'s table, in order, inside the session's transaction. Each
    row holds column values by name, the same names in every row (None is stored as NULL, as
    the ORM does for a column without a default); the columns left out take their defaults as
    in the ORM. With ``ids``, each row gets its new primary key as ``row["id"]`` (for the rows
    that point at it)."""
    if not rows:
        return
    table = model.metadata.tables[model.__tablename__]
    _check_nulls(model, rows)
    if model is AuditEntry:
        from mediator_desktop.storage.audit_chain import chain_rows

        chain_rows(session, rows)
    stmt = insert(table)
    if not ids:
        session.execute(stmt, list(rows))
        return
    if session.get_bind().dialect.name == "sqlite":
        first = (session.scalar(select(func.max(table.c.id))) or 0) + 1
        for k, row in enumerate(rows):
            row["id"] = first + k
        session.execute(stmt, list(rows))
        return
    new_ids = session.scalars(stmt.returning(table.c.id, sort_by_parameter_order=True), list(rows)).all()
    for row, new_id in zip(rows, new_ids, strict=True):
        row["id"] = new_id


def _check_nulls(model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Refuse a None for a column with a default: the ORM would store the default there, a row
    inserted here NULL."""
    defaulted = [c.key for c in model.__table__.c if c.default is not None or c.server_default is not None]
    for row in rows:
        for key in defaulted:
            if key in row and row[key] is None:
                raise ValueError(f"{model.__name__}.{key} is None: leave it out to store its default")
