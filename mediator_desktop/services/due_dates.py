"""Materialised deadlines (issue 15): ``case_deadline`` holds each case's computed deadlines.

The mediation time limit (from received_on, source, simple procedure, the latest extension and
the status), the judicial-confirmation window (from the written agreement's effective date while
no application is recorded) and every open performance due date (from the terms, instalments and
what was performed) used to be computed from every running case each time the today view was
built. They are now computed here for the cases a write touched, in the write's own transaction,
and the reminders read them with a range query on the indexed ``due_on``.

How the touched cases are found: a session listener notes every ORM object of the tables the
deadlines come from that was added, changed or deleted (``after_flush``); bulk inserts
(``storage.bulk.insert_rows``) note their cases with :func:`touch`; just before the commit the
noted cases' rows are rewritten. Entering or deleting a holiday year (services/calendar.py) asks
for :func:`touch_year`: every case with a deadline that year or the next is recomputed.

Kinds that are cheap to query live (visits on the indexed ``follow_up.due_on``, and any small
indexed set) stay query-based providers in services/reminders.py beside these.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from decimal import Decimal
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, event, func, insert, select
from sqlalchemy.orm import Session

from mediator_desktop.domain.enums import RUNNING_STATUSES, CaseStatus, ReminderKind, TermKind, TermStatus
from mediator_desktop.storage.models import (
    Agreement,
    AgreementTerm,
    Case,
    CaseDeadline,
    JudicialConfirmation,
    TermPerformance,
    TimeLimitExtension,
)

if TYPE_CHECKING:
    from mediator_desktop.domain.workdays import WorkCalendar

# (The rules themselves are imported where they are used: this module is loaded with every
# service — for its session listeners — and a command that renders a document never needs them.)

#: Characters of a clause's text a performance reminder names (cut at a boundary, never in a number).
DETAIL_CHARS = 20
#: Cases recomputed per query (IN lists within what every database accepts).
BATCH = 2000

#: app_meta key: the built-in calendar and rules the stored rows were computed with.
CALENDAR_KEY = "deadline_calendar"
#: Raise when the rules in compute() change (the stored rows are then computed again).
RULES_VERSION = 1

_CASES = "mediator.deadline_cases"
_AGREEMENTS = "mediator.deadline_agreements"
_TERMS = "mediator.deadline_terms"
_YEARS = "mediator.deadline_years"


def touch(session: Session, case_ids: Iterable[int]) -> None:
    """Have the deadlines of ``case_ids`` recomputed when ``session`` commits."""
    session.info.setdefault(_CASES, set()).update(i for i in case_ids if i is not None)


def touch_year(session: Session, year: int) -> None:
    """The holiday arrangement of ``year`` changed: recompute every deadline it may move."""
    session.info.setdefault(_YEARS, set()).add(year)


def _chunks(ids: Sequence[int], size: int = BATCH) -> Iterator[list[int]]:
    for k in range(0, len(ids), size):
        yield list(ids[k:k + size])


# -- computing ------------------------------------------------------------------------------------

def compute(s: Session, case_ids: Iterable[int], cal: WorkCalendar) -> list[dict[str, Any]]:
    """The deadline rows of ``case_ids`` as they stand in ``s`` (the same rules the reminders
    always applied)."""
    out: list[dict[str, Any]] = []
    for chunk in _chunks(sorted(set(case_ids))):
        out += _time_limits(s, chunk, cal)
        out += _windows(s, chunk, cal)
        out += _performance(s, chunk)
    return out


def _time_limits(s: Session, ids: list[int], cal: WorkCalendar) -> list[dict[str, Any]]:
    from mediator_desktop.domain.deadlines import mediation_time_limit

    latest = (select(TimeLimitExtension.new_due_on).where(TimeLimitExtension.case_id == Case.id)
              .order_by(TimeLimitExtension.id.desc()).limit(1).scalar_subquery())
    rows = s.execute(select(Case.id, Case.received_on, Case.source, Case.simple_procedure, latest)
                     .where(Case.id.in_(ids), Case.status.in_(RUNNING_STATUSES)))
    out = []
    for cid, received_on, source, simple, extended in rows:
        limit = mediation_time_limit(received_on, source, extended, cal, simple_procedure=bool(simple))
        out.append({"case_id": cid, "kind": ReminderKind.TIME_LIMIT.value, "due_on": limit.due,
                    "provisional": limit.provisional, "ref_id": None, "party": None,
                    "detail": "延长后的调解期限" if extended else "调解期限届满"})
    return out


def _windows(s: Session, ids: list[int], cal: WorkCalendar) -> list[dict[str, Any]]:
    from mediator_desktop.domain.judicial import application_deadline

    rows = s.execute(
        select(Case.id, Agreement.signed_on)
        .join(Agreement, Agreement.case_id == Case.id)
        .outerjoin(JudicialConfirmation, JudicialConfirmation.case_id == Case.id)
        .where(Case.id.in_(ids), Case.status == CaseStatus.AGREED.value, Agreement.form == "written",
               Agreement.signed_on.is_not(None), JudicialConfirmation.filed_on.is_(None)))
    out = []
    for cid, signed_on in rows:
        window = application_deadline(signed_on, cal)
        if window is not None:
            out.append({"case_id": cid, "kind": ReminderKind.JUDICIAL_WINDOW.value, "due_on": window.due,
                        "provisional": window.provisional, "ref_id": None, "party": None, "detail": ""})
    return out


def _performance(s: Session, ids: list[int]) -> list[dict[str, Any]]:
    from mediator_desktop.domain.terms import Instalment, TermFields, open_dues
    from mediator_desktop.domain.text import clause_number, shorten

    paid = (select(TermPerformance.term_id, func.sum(TermPerformance.amount).label("paid"))
            .join(AgreementTerm, AgreementTerm.id == TermPerformance.term_id)
            .join(Agreement, Agreement.id == AgreementTerm.agreement_id)
            .where(Agreement.case_id.in_(ids))
            .group_by(TermPerformance.term_id).subquery())
    rows = s.execute(
        select(Case.id, AgreementTerm.id, AgreementTerm.position, AgreementTerm.status, AgreementTerm.obligor,
               AgreementTerm.due_on, AgreementTerm.instalments, AgreementTerm.subject, AgreementTerm.text,
               paid.c.paid)
        .join(Agreement, Agreement.case_id == Case.id)
        .join(AgreementTerm, AgreementTerm.agreement_id == Agreement.id)
        .outerjoin(paid, paid.c.term_id == AgreementTerm.id)
        .where(Case.id.in_(ids), Case.status == CaseStatus.AGREED.value, Agreement.signed_on.is_not(None),
               AgreementTerm.kind != TermKind.STATEMENT.value,
               AgreementTerm.status != TermStatus.PERFORMED.value))
    out = []
    for cid, tid, position, status, obligor, due_on, instalments, subject, text, amount in rows:
        fields = TermFields(obligor=obligor, due_on=due_on, instalments=[
            Instalment(Decimal(i["amount"]) if i.get("amount") else None,
                       date.fromisoformat(i["due_on"]) if i.get("due_on") else None)
            for i in (instalments or [])])
        label = f"协议第{clause_number(position + 1)}条：{subject or shorten(text, DETAIL_CHARS)}"
        for due in open_dues(fields, Decimal(amount) if amount is not None else None, status):
            out.append({"case_id": cid, "kind": ReminderKind.PERFORMANCE.value, "due_on": due,
                        "provisional": False, "ref_id": tid, "party": obligor, "detail": label})
    return out


# -- keeping the table in step ------------------------------------------------------------------

def refresh(s: Session, case_ids: Iterable[int], cal: WorkCalendar) -> int:
    """Rewrite the deadline rows of ``case_ids``; returns how many rows they now have."""
    written = 0
    for chunk in _chunks(sorted(set(case_ids))):
        s.execute(delete(CaseDeadline).where(CaseDeadline.case_id.in_(chunk)))
        rows = compute(s, chunk, cal)
        if rows:
            s.execute(insert(CaseDeadline), rows)
        written += len(rows)
    return written


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """What the stored rows depend on besides the database: these rules and the holiday
    arrangements built into this version (chinese-calendar). A new version that knows next
    year's holidays has a new fingerprint, and the rows are computed again (:func:`ensure_current`)."""
    import hashlib

    from chinese_calendar import constants

    from mediator_desktop.domain.workdays import BUILTIN_YEARS

    days = sorted(constants.holidays) + [date.min] + sorted(constants.workdays)
    text = f"{RULES_VERSION}|{BUILTIN_YEARS.start}-{BUILTIN_YEARS.stop}|" + ",".join(d.isoformat() for d in days)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def ensure_current(db: Any) -> bool:
    """Recompute the whole table when it was computed by another version's calendar or rules
    (once, after an update); True if it did. A read-only database keeps its rows."""
    from mediator_desktop.storage.models import SchemaInfo

    current = fingerprint()
    with db.read() as s:
        stored_print = s.scalar(select(SchemaInfo.value).where(SchemaInfo.key == CALENDAR_KEY))
    if stored_print == current or db.read_only:
        return False
    with db.write() as s:
        db.serialize(s, "case_deadline")      # two PCs updated at once: one computes
        if s.scalar(select(SchemaInfo.value).where(SchemaInfo.key == CALENDAR_KEY)) == current:
            return False
        from mediator_desktop.services.calendar import load_calendar

        rebuild(s, load_calendar(s))
    return True


def _stamp(s: Session) -> None:
    from mediator_desktop.storage.models import SchemaInfo

    s.execute(delete(SchemaInfo).where(SchemaInfo.key == CALENDAR_KEY))
    s.execute(insert(SchemaInfo).values(key=CALENDAR_KEY, value=fingerprint()))


def rebuild(s: Session, cal: WorkCalendar, *, progress: Any = None) -> int:
    """Recompute the whole table (migration 0007, a new version's calendar, tests): every case
    that may have a deadline, :data:`BATCH` at a time; notes the calendar it used."""
    s.execute(delete(CaseDeadline))
    _stamp(s)
    ids = list(s.scalars(select(Case.id).where(Case.status.in_([*RUNNING_STATUSES, CaseStatus.AGREED.value]))
                         .order_by(Case.id)))
    written = 0
    for k, chunk in enumerate(_chunks(ids)):
        rows = compute(s, chunk, cal)
        if rows:
            s.execute(insert(CaseDeadline), rows)
        written += len(rows)
        if progress is not None:
            progress(min((k + 1) * BATCH, len(ids)), len(ids))
    return written


def stored(s: Session, case_ids: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """The rows as stored (tests compare them with :func:`compute`)."""
    stmt = select(CaseDeadline.case_id, CaseDeadline.kind, CaseDeadline.due_on, CaseDeadline.provisional,
                  CaseDeadline.ref_id, CaseDeadline.party, CaseDeadline.detail)
    if case_ids is not None:
        stmt = stmt.where(CaseDeadline.case_id.in_(list(case_ids)))
    return [dict(r._mapping) for r in s.execute(stmt)]


def _collect(session: Session, _context: Any) -> None:
    """after_flush: note the cases whose deadlines the flushed objects may have changed (ids
    and foreign keys are known by now, also of new rows; values are read from what is loaded,
    never loaded again)."""
    cases, agreements, terms = set(), set(), set()
    for obj in chain(session.new, session.dirty, session.deleted):
        values = obj.__dict__
        if isinstance(obj, Case):
            cases.add(values.get("id"))
        elif isinstance(obj, (TimeLimitExtension, Agreement, JudicialConfirmation)):
            cases.add(values.get("case_id"))
        elif isinstance(obj, AgreementTerm):
            agreements.add(values.get("agreement_id"))
        elif isinstance(obj, TermPerformance):
            terms.add(values.get("term_id"))
    for key, found in ((_CASES, cases), (_AGREEMENTS, agreements), (_TERMS, terms)):
        found.discard(None)
        if found:
            session.info.setdefault(key, set()).update(found)


def _apply(session: Session) -> None:
    """before_commit: rewrite the noted cases' deadlines in the same transaction."""
    if not any(k in session.info for k in (_CASES, _AGREEMENTS, _TERMS, _YEARS)):
        return
    session.flush()
    cases: set[int] = session.info.pop(_CASES, set())
    agreements = sorted(session.info.pop(_AGREEMENTS, set()))
    terms = sorted(session.info.pop(_TERMS, set()))
    years = sorted(session.info.pop(_YEARS, set()))
    for chunk in _chunks(agreements):
        cases.update(session.scalars(select(Agreement.case_id).where(Agreement.id.in_(chunk))))
    for chunk in _chunks(terms):
        cases.update(session.scalars(select(Agreement.case_id).join(AgreementTerm,
                                                                    AgreementTerm.agreement_id == Agreement.id)
                                     .where(AgreementTerm.id.in_(chunk))))
    for year in years:
        # A deadline computed over that year's days lies in it or (a period begun in December) the next.
        cases.update(session.scalars(select(CaseDeadline.case_id).distinct()
                                     .where(CaseDeadline.due_on >= date(year, 1, 1),
                                            CaseDeadline.due_on <= date(year + 1, 12, 31))))
        # A case whose deadline may move into that year from the one before (rest days at year end).
        cases.update(session.scalars(select(CaseDeadline.case_id).distinct()
                                     .where(CaseDeadline.due_on >= date(year - 1, 12, 1),
                                            CaseDeadline.due_on < date(year, 1, 1))))
    if cases:
        from mediator_desktop.services.calendar import load_calendar
        refresh(session, cases, load_calendar(session))


def _forget(session: Session, *_args: Any) -> None:
    for key in (_CASES, _AGREEMENTS, _TERMS, _YEARS):
        session.info.pop(key, None)


event.listen(Session, "after_flush", _collect)
event.listen(Session, "before_commit", _apply)
event.listen(Session, "after_rollback", _forget)
