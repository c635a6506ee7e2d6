"""Old and new values of every change, in the audit trail (issue 16).

Each flush of a write session notes, for every row it changes, the columns that change with
their old and new values (a deleted row: that it was deleted). The notes ride on the next audit
entry the transaction writes — the service's own entry, which says what was done — under
``detail["row_changes"]``, before that entry is chained (``audit_chain``), so they are covered by
its hash. A transaction that changes rows without writing any entry gets one at commit
(``change``), so no change goes unrecorded.

A new row is its own record of its values (any later change of it is noted old → new), so
inserts are not repeated here. Long texts (a session record saved every few seconds) and binary
data are noted by length and SHA-256, not copied whole; password hashes and the columns the
application derives from others (search text, names lists, the version) are left out.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from mediator_desktop.storage.models import AuditEntry

PENDING = "audit_changes"
#: Characters of a text kept as it is; a longer one is noted by length and hash.
LONG = 300
_SKIP_TABLES = frozenset({"audit_log", "app_meta", "case_deadline", "case_sequence"})
_SKIP_COLUMNS = frozenset({"version", "updated_at", "search_text", "search_chars", "party_names", "mediator_names",
                           "password_hash", "name_pinyin"})


def _value(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        data = bytes(value)
        return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, dict)):
        text = json.dumps(value, ensure_ascii=False, default=str)
        return value if len(text) <= LONG else {"chars": len(text), "sha256": hashlib.sha256(text.encode()).hexdigest()}
    if isinstance(value, str) and len(value) > LONG:
        return {"chars": len(value), "sha256": hashlib.sha256(value.encode("utf-8")).hexdigest()}
    return value


def collect(session: Session) -> None:
    """Note what this flush changes (called before the flush writes it)."""
    pending: list[dict[str, Any]] = session.info.setdefault(PENDING, [])
    for obj in list(session.dirty):
        table = getattr(getattr(obj, "__table__", None), "name", "")
        if not table or table in _SKIP_TABLES or not session.is_modified(obj, include_collections=False):
            continue
        state = inspect(obj)
        fields: dict[str, list[Any]] = {}
        for attr in state.mapper.column_attrs:
            if attr.key in _SKIP_COLUMNS:
                continue
            history = state.attrs[attr.key].history
            if not history.has_changes():
                continue
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                fields[attr.key] = [_value(old), _value(new)]
        if fields:
            pending.append({"table": table, "id": _key(state), "fields": fields})
    for obj in list(session.deleted):
        table = getattr(getattr(obj, "__table__", None), "name", "")
        if table and table not in _SKIP_TABLES:
            pending.append({"table": table, "id": _key(inspect(obj)), "deleted": True})


def _key(state: Any) -> Any:
    identity = state.identity
    return identity[0] if identity and len(identity) == 1 else (list(identity) if identity else None)


def attach(session: Session, entries: list[AuditEntry]) -> None:
    """Put the noted changes on the first of the entries this flush inserts."""
    pending = session.info.pop(PENDING, None)
    if pending and entries:
        entries[0].detail = {**(entries[0].detail or {}), "row_changes": pending}
    elif pending:
        session.info[PENDING] = pending


def flush_leftovers(session: Session, actor: str) -> None:
    """At commit: changes no entry carried get an entry of their own."""
    if session.dirty or session.deleted:
        session.flush()        # (commit flushes after this event: note what it would write first)
    pending = session.info.get(PENDING)
    if not pending:
        return
    tables = sorted({c["table"] for c in pending})
    session.add(AuditEntry(at=None, actor=actor, action="change",
                           entity=",".join(tables)[:60], detail={"text": "修改数据（" + "、".join(tables) + "）"}))
    session.flush()
