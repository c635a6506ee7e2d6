"""Bulk INSERTs of plain rows (dicts), for writes of thousands of rows (the case import).

The ORM's flush must learn each new row's id before it can insert the rows that point at it,
and on SQLite it can only do that one row per statement (SQLite gives no order to the rows a
multi-row ``INSERT … RETURNING`` sends back, so SQLAlchemy has no "sentinel" to match them
with). :func:`insert_rows` gets the ids another way on each database, then sends the rows many
at a time through SQLAlchemy's ORM bulk INSERT:

- PostgreSQL: ``INSERT … RETURNING id`` with ``sort_by_parameter_order`` (SQLAlchemy's
  "insertmanyvalues" batches the rows and hands the ids back in the order of the rows);
- SQLite: the ids are given with the rows, continuing from the table's highest id — exactly
  the ids SQLite would hand out itself (an ``INTEGER PRIMARY KEY`` without ``AUTOINCREMENT``
  takes the highest id plus one), and safe because a write transaction holds the database's
  write lock (``BEGIN IMMEDIATE``) until it commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from mediator_desktop.storage.models import Base


def insert_rows(session: Session, model: type[Base], rows: Sequence[dict[str, Any]], *, ids: bool = False) -> None:
    """Insert ``rows`` (column values by attribute name, the same keys in every row) into
    ``model``'s table, in order. With ``ids``, each row gets its new primary key as ``row["id"]``
    (for the rows that point at it). Column defaults apply as in the ORM; no ORM object is made."""
    if not rows:
        return
    _check_nulls(model, rows)
    # None is sent as NULL, as the ORM's flush does for a column without a default: the ORM
    # bulk INSERT would otherwise leave such keys out, and send the rows in one statement per
    # pattern of missing values instead of many rows at a time.
    stmt = insert(model).execution_options(render_nulls=True)
    if not ids:
        session.execute(stmt, list(rows))
        return
    id_column = model.__table__.c.id
    if session.get_bind().dialect.name == "sqlite":
        first = (session.scalar(select(func.max(id_column))) or 0) + 1
        for k, row in enumerate(rows):
            row["id"] = first + k
        session.execute(stmt, list(rows))
        return
    new_ids = session.scalars(stmt.returning(id_column, sort_by_parameter_order=True), list(rows)).all()
    for row, new_id in zip(rows, new_ids, strict=True):
        row["id"] = new_id


def _check_nulls(model: type[Base], rows: Sequence[dict[str, Any]]) -> None:
    """Refuse a None for a column with a default: the ORM would store the default there, a row
    inserted here NULL."""
    defaulted = [c.key for c in model.__table__.c
                 if c.default is not None or c.server_default is not None]
    for row in rows:
        for key in defaulted:
            if key in row and row[key] is None:
                raise ValueError(f"{model.__name__}.{key} is None: leave it out to store its default")
