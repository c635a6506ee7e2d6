"""storage/bulk.py: rows inserted many at a time, with their ids, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import FixedClock, make_services
from sqlalchemy import event, select

from mediator_desktop.storage.bulk import insert_rows
from mediator_desktop.storage.db import Database
from mediator_desktop.storage.models import Mediator


def test_rows_get_their_ids_in_order_and_the_defaults(db_url: str) -> None:
    db = Database(db_url)
    try:
        with db.write() as s:
            s.add(Mediator(name="先登记的"))
            s.flush()
            rows: list[dict[str, Any]] = [{"name": f"调解员{k}"} for k in range(5)]
            insert_rows(s, Mediator, rows, ids=True)
            after = Mediator(name="后登记的")
            s.add(after)
            s.flush()
        ids = [row["id"] for row in rows]
        assert ids == sorted(ids) and len(set(ids)) == 5
        with db.read() as s:
            stored = {m.id: m for m in s.scalars(select(Mediator))}
        assert [stored[i].name for i in ids] == [f"调解员{k}" for k in range(5)]
        assert all(stored[i].phone == "" and stored[i].active and stored[i].version == 1 for i in ids)
        # The database's own numbering goes on past them.
        assert after.id not in ids and stored[after.id].name == "后登记的"
    finally:
        db.dispose()


def test_a_none_for_a_column_with_a_default_is_refused(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    try:
        with pytest.raises(ValueError, match="Mediator.phone"), db.write() as s:
            insert_rows(s, Mediator, [{"name": "甲", "phone": None}])
    finally:
        db.dispose()


def test_an_import_inserts_many_rows_per_statement(db_url: str, clock: FixedClock) -> None:
    from mediator_desktop.services.demo_data import generate_document

    services = make_services(db_url, clock)
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT"):
            statements.append(statement)

    event.listen(services.ctx.db.engine, "before_cursor_execute", count)
    try:
        result = services.exchange.import_document(generate_document(200, 2027))
    finally:
        event.remove(services.ctx.db.engine, "before_cursor_execute", count)
        services.close()
    assert len(result.created) == 200 and result.visits_planned > 0
    # About one statement per table (a few more for the mediators the file names, and on
    # PostgreSQL for "insertmanyvalues" pages), not one per row as the ORM's flush sends them.
    assert len(statements) < 60, len(statements)
