"""SQL for the case list: the search-box condition per dialect, and keyset paging.

SQLite: terms of three or more characters go through the FTS5 trigram index (``case_fts``);
shorter ones (a two-character name, ``zs``) fall back to ``LIKE`` on ``search_text``, which
with the list's ``LIMIT`` stops as soon as a page is full. PostgreSQL: ``LIKE`` served by the
pg_trgm GIN index.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, case, text, tuple_

from mediator_desktop.domain.enums import CaseStatus, RiskLevel
from mediator_desktop.storage.models import Case

STATUS_ORDER = {s.value: i for i, s in enumerate(CaseStatus)}
RISK_ORDER = {r.value: i for i, r in enumerate(RiskLevel)}


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def text_conditions(dialect: str, terms: list[str]) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    for i, term in enumerate(terms):
        if dialect == "sqlite" and len(term) >= 3:
            phrase = '"' + term.replace('"', '""') + '"'
            sub = (
                text(f"SELECT rowid FROM case_fts WHERE case_fts MATCH :fts{i}")
                .bindparams(**{f"fts{i}": phrase})
                .columns(rowid=Integer)
            )
            conditions.append(Case.id.in_(sub))
        else:
            conditions.append(Case.search_text.like(_like_pattern(term), escape="\\"))
    return conditions


def sort_columns(sort: str) -> list[ColumnElement[Any]]:
    if sort == "code":
        return [Case.code_year, Case.code_n, Case.id]
    if sort == "status":
        return [case(STATUS_ORDER, value=Case.status, else_=99), Case.id]
    if sort == "risk_level":
        return [case(RISK_ORDER, value=Case.risk_level, else_=99), Case.id]
    if sort == "dispute_type":
        return [Case.dispute_type_id, Case.id]
    return [Case.received_on, Case.id]


def sort_values(sort: str, row: Any) -> tuple[Any, ...]:
    """The sort key of a row already shown (``CaseRow`` or a result row with the same names)."""
    if sort == "code":
        return (row.code_year, row.code_n, row.id)
    if sort == "status":
        return (STATUS_ORDER.get(row.status, 99), row.id)
    if sort == "risk_level":
        return (RISK_ORDER.get(row.risk_level, 99), row.id)
    if sort == "dispute_type":
        return (row.dispute_type_id, row.id)
    return (row.received_on, row.id)


def after_condition(sort: str, descending: bool, row: Any) -> ColumnElement[bool]:
    cols = sort_columns(sort)
    values = sort_values(sort, row)
    left, right = tuple_(*cols), tuple_(*values)
    return left < right if descending else left > right


