"""SQL for the case list: the search-box condition per dialect, and keyset paging.

SQLite: terms of three or more characters go through the FTS5 trigram index (``case_fts``,
any substring); shorter ones (a surname, 张三, ``zs``) through the word index over single
characters (``case_fts_chars``). PostgreSQL: ``LIKE`` served by the pg_trgm GIN index, and a
GIN ``tsvector`` index over the same single-character words for short terms.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, case, func, literal, literal_column, select, text, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from mediator_desktop.domain.enums import CaseStatus, RiskLevel
from mediator_desktop.domain.search import char_tokens, short_term_pattern, short_term_query
from mediator_desktop.storage.models import Case

STATUS_ORDER = {s.value: i for i, s in enumerate(CaseStatus)}
RISK_ORDER = {r.value: i for i, r in enumerate(RiskLevel)}


def _like_pattern(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _searchable(terms: list[str]) -> list[str]:
    """Drop short terms made only of punctuation (a lone "(" would match everything)."""
    return [t for t in terms if len(t) >= 3 or char_tokens(t)]


def _fts(table: str, column: str, query: str, i: int) -> ColumnElement[bool]:
    sub = (
        text(f"SELECT rowid FROM {table} WHERE {table} MATCH :q{i}")
        .bindparams(**{f"q{i}": query})
        .columns(rowid=Integer)
    )
    return Case.id.in_(sub)


def short_term_tsquery(term: str) -> str:
    """PostgreSQL ``to_tsquery('simple', …)`` text equal to :func:`short_term_query`."""
    tokens = char_tokens(term).split()
    query = " <-> ".join(tokens)
    return query + (":*" if term[-1:].isascii() and term[-1:].isalnum() else "")


def text_conditions(dialect: str, terms: list[str], *, cjk_words: bool = True) -> list[ColumnElement[bool]]:
    """``cjk_words``: whether PostgreSQL's text parser keeps Chinese characters as words (it
    does under a UTF-8 locale; under plain ``C`` it drops them, and LIKE is used instead)."""
    if dialect != "sqlite":
        # PostgreSQL: LIKE served by pg_trgm for terms of three or more characters; shorter
        # ones through the GIN word index over single characters.
        out: list[ColumnElement[bool]] = []
        for term in _searchable(terms):
            if len(term) >= 3 or not cjk_words:
                out.extend(like_conditions([term]))
            else:
                match = literal_column("mediation_case.search_tsv").op("@@")(
                    func.to_tsquery(literal_column("'simple'"), short_term_tsquery(term)))
                # OFFSET 0 keeps the planner from folding this into the outer query, where it
                # misjudges how rare a phrase is and tests every case in date order (3.6 s
                # measured) instead of asking the index.
                out.append(Case.id.in_(select(Case.id).where(match).offset(0)))
        return out
    conditions: list[ColumnElement[bool]] = []
    for i, term in enumerate(_searchable(terms)):
        if len(term) >= 3:
            conditions.append(_fts("case_fts", "search_text", '"' + term.replace('"', '""') + '"', i))
        else:
            conditions.append(_fts("case_fts_chars", "search_chars", short_term_query(term), i))
    return conditions


def capped_match_count(dialect: str, terms: list[str], cap: int) -> Any | None:
    """On SQLite, for one search term and no other filter: the number of matches, counting
    stops after ``cap`` + 1, straight from the full-text index. (Counting the case list's own
    ``id IN (…)`` query makes SQLite collect every match first: 90 ms for "1" at 100,000
    cases.) None when the question is not that simple."""
    searchable = _searchable(terms)
    if dialect != "sqlite" or len(searchable) != 1:
        return None
    term = searchable[0]
    if len(term) >= 3:
        table, query = "case_fts", '"' + term.replace('"', '""') + '"'
    else:
        table, query = "case_fts_chars", short_term_query(term)
    return text(f"SELECT count(*) FROM (SELECT rowid FROM {table} WHERE {table} MATCH :q LIMIT :n)"
                ).bindparams(q=query, n=cap + 1)


def like_conditions(terms: list[str]) -> list[ColumnElement[bool]]:
    """The same tests as :func:`text_conditions` on SQLite, written as ``LIKE`` (for scanning
    a few thousand rows without the indexes)."""
    out: list[ColumnElement[bool]] = []
    for term in _searchable(terms):
        if len(term) >= 3:
            out.append(Case.search_text.like(_like_pattern(term), escape="\\"))
        else:
            out.append((literal(" ") + Case.search_chars).like(short_term_pattern(term), escape="\\"))
    return out


def recent_window(limit: int) -> ColumnElement[bool]:
    """The newest ``limit`` cases: a cheap first try for a common search word."""
    newest = select(Case.id).order_by(Case.received_on.desc(), Case.id.desc()).limit(limit)
    return Case.id.in_(newest.scalar_subquery())


def sort_columns(sort: str) -> list[ColumnElement[Any] | InstrumentedAttribute[Any]]:
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


