"""The statistics table (人民调解工作统计, STATISTICS.md §1) and the ledger's monthly counts.

Every figure has a stable key (``accepted.total``, ``success.rate``…, listed in README) and is
counted in SQL (``GROUP BY``) from a *facts* query of its family: one row per case (or party,
visit, term, mediator…) with the organisation, the case and the dimensions the family is split
by. The same facts query, filtered by the figure's dimensions, gives the cases behind a number
(:meth:`StatisticsService.members`), so every figure is reproducible and nothing is stored.

How the outcome of a case is read from the data (the status model, ``domain/states.py``):

- 调解成功: status 调解成功, or 已归档 with an agreement (a case with an agreement cannot be
  terminated). Its date is the agreement's effective date (``signed_on``), else the day the
  case was marked 调解成功. Written or oral from the agreement's form; a success imported
  without its agreement is counted apart as 协议形式未记录.
- 调解不成/终止: status 终止调解, or 已归档 with a termination; its date is the termination's.
  The reason is the termination's ``reason_kind`` (原因未记录 when an import brought none).
- 不予受理 / 一方拒绝调解: the status, or for an archived case the status history; the date is
  the day the state was set. Both are counted apart and are never 受理 nor in the rate.
- Which status change dates an outcome: only a decision made in the app (a transition, whose
  ``StatusChange`` has a ``from_status``). A status that came with an import (exchange file or
  Excel ledger: one ``StatusChange`` with no ``from_status`` and reason 导入, stamped at the
  moment of the import) or with no change at all says nothing of when it was decided: such an
  outcome (不予受理, 一方拒绝, a success without an agreement…) is dated by the case's 受理日期 and
  listed under ``data.outcome_undated`` (the table's 注 says how many).
- An archived case with neither agreement, termination nor history cannot be told apart: it is
  counted as accepted and listed under ``data.outcome_unknown`` instead of being guessed.

Dates: intake figures count by 受理日期 (``received_on``), outcomes by the outcome's date,
judicial confirmation by filing and ruling dates, screening by the round's date. Visits: 应回访
are those due in the period and not after today (a visit not yet due is not owed); 已回访 and
按期回访 are of those same visits, made at all and made by the due day; 按期回访率 = 按期/应回访.
Prevention figures (which carry no date of their own) count by the case's
受理日期. Performance is that of the agreements which took effect in the period, as the terms
stand now; a term still pending whose due date is after the period's end is 尚未到期.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Subquery

from mediator_desktop.domain.enums import (
    AgreementForm,
    CaseSource,
    CaseStatus,
    ConfirmationResult,
    LedgerAction,
    PreventionKind,
    ScreeningOutcome,
    TerminationReason,
    TermKind,
    TermStatus,
)
from mediator_desktop.services.context import Service
from mediator_desktop.services.errors import FieldProblem, NotFoundError, ValidationError
from mediator_desktop.storage import models as orm

#: The outcome kinds read from the status model (see the module's docstring).
SUCCESS, FAILED, NOT_ACCEPTED, REFUSED, UNKNOWN = "success", "failed", "not_accepted", "refused", "unknown"

#: The table's notes that explain how it counts (beside those on the data to check).
PER_MEDIATOR_NOTE = "调解员分项中，一件案件有多名调解员的，为每名调解员各计一次，故各调解员之和可大于受理总数。"
LEDGER_NOTE = ("台账登记每一件纠纷（含仅登记、不予受理、一方拒绝调解的），本表“受理调解纠纷数”只计受理调解的，"
               "故台账“本期新增”可多于受理数。")

PERFORMANCE_STATES: tuple[tuple[str, str], ...] = (
    ("performed", "已履行"), ("partly_performed", "部分履行"), ("not_performed", "未履行"),
    ("not_due", "尚未到期"))
SATISFACTION_DEFAULT: tuple[tuple[str, str], ...] = (
    ("satisfied", "满意"), ("basically_satisfied", "基本满意"), ("dissatisfied", "不满意"))


# --------------------------------------------------------------------------- periods and scopes


@dataclass(frozen=True)
class Period:
    """From ``start`` to ``end``, both days included."""

    start: date
    end: date
    label: str = ""

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last), f"{year}年{month}月")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        last = calendar.monthrange(year, first + 2)[1]
        names = "一二三四"
        return cls(date(year, first, 1), date(year, first + 2, last), f"{year}年第{names[quarter - 1]}季度")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), f"{year}年")

    @classmethod
    def between(cls, start: date | None, end: date | None) -> Period:
        """Any dates; the problems keyed ``start``/``end`` when a date is missing or reversed."""
        problems = []
        if start is None:
            problems.append(FieldProblem("start", "请填写统计期间的开始日期"))
        if end is None:
            problems.append(FieldProblem("end", "请填写统计期间的结束日期"))
        if start is not None and end is not None and end < start:
            problems.append(FieldProblem("end", "统计期间的结束日期不能早于开始日期"))
        if problems:
            raise ValidationError(problems)
        assert start is not None and end is not None
        whole = next((p for p in (cls.year(start.year), cls.quarter(start.year, (start.month + 2) // 3),
                                  cls.month(start.year, start.month)) if (p.start, p.end) == (start, end)), None)
        return whole or cls(start, end, f"{_cn(start)}至{_cn(end)}")

    @property
    def text(self) -> str:
        return self.label or f"{_cn(self.start)}至{_cn(self.end)}"

    def months(self) -> list[tuple[int, int]]:
        """The (year, month) pairs the period touches, in order (for the charts)."""
        out, y, m = [], self.start.year, self.start.month
        while (y, m) <= (self.end.year, self.end.month):
            out.append((y, m))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


def _cn(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass(frozen=True)
class Scope:
    """A column of the table: one organisation (``id``) or the total of those shown (None)."""

    id: int | None
    name: str
    #: The short name (简称) for a narrow column; the name when none.
    short: str = ""

    @property
    def column(self) -> str:
        return self.short or self.name


# --------------------------------------------------------------------------- the report


@dataclass(frozen=True)
class Figure:
    """One line of the table: its key, label, indent, unit and the value per scope (organisation
    id, None for the total). ``drill``: what :meth:`StatisticsService.members` lists behind it
    (``case`` — cases; ``round``/``item`` — screening rounds or found items; "" — nothing, a
    heading)."""

    key: str
    label: str
    unit: str
    values: dict[int | None, float | int | None]
    level: int = 0
    drill: str = "case"
    section: str = ""

    def value(self, scope: int | None = None) -> float | int | None:
        return self.values.get(scope)


@dataclass(frozen=True)
class Report:
    committee: str
    period: Period
    scopes: tuple[Scope, ...]
    figures: tuple[Figure, ...]
    notes: tuple[str, ...] = ()
    _index: dict[str, Figure] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({f.key: f for f in self.figures})

    def figure(self, key: str) -> Figure:
        try:
            return self._index[key]
        except KeyError:
            raise NotFoundError(f"没有统计项“{key}”") from None

    def value(self, key: str, scope: int | None = None) -> float | int | None:
        return self.figure(key).value(scope)

    @property
    def total_scope(self) -> int | None:
        """The column the totals are in (the only organisation when there is one)."""
        return self.scopes[-1].id

    def as_dict(self) -> dict[str, Any]:
        """Every figure by key (the total column), and per organisation when there are several."""
        total = self.total_scope
        out: dict[str, Any] = {
            "committee": self.committee, "period": {"from": self.period.start.isoformat(),
                                                    "to": self.period.end.isoformat(), "label": self.period.text},
            "figures": {f.key: f.value(total) for f in self.figures},
            "labels": {f.key: f.label for f in self.figures},
            "notes": list(self.notes),
        }
        if len(self.scopes) > 1:
            out["organizations"] = {
                str(sc.id): {"name": sc.name, "figures": {f.key: f.value(sc.id) for f in self.figures}}
                for sc in self.scopes if sc.id is not None}
        return out


@dataclass(frozen=True)
class Members:
    """What a figure counts: case ids (``kind == "case"``) or screening round/item ids."""

    kind: str
    ids: tuple[int, ...]


@dataclass(frozen=True)
class MonthTrend:
    """One month of the charts (矛盾纠纷走势图)."""

    year: int
    month: int
    by_type: dict[str, int]
    success: int
    concluded: int
    visits_due: int
    visits_done: int

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"

    @property
    def rate(self) -> float | None:
        return rate(self.success, self.concluded)


@dataclass(frozen=True)
class Trend:
    months: tuple[MonthTrend, ...]
    #: Parent types in statistics order (the stacking order).
    types: tuple[str, ...]


def rate(part: float, whole: float) -> float | None:
    """A percentage with one decimal (half up), None when there is nothing to divide by."""
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP))


def _money(value: Any) -> float:
    return float(Decimal(value or 0).quantize(Decimal("0.01"), ROUND_HALF_UP))


# --------------------------------------------------------------------------- SQL pieces


class _Sql:
    """The dialect-dependent pieces and the families' facts queries for one period."""

    def __init__(self, dialect: str, period: Period, orgs: tuple[int, ...] | None, today: date | None = None) -> None:
        self.dialect, self.p, self.orgs = dialect, period, orgs
        #: The last day a visit can be due and still count as 应回访 (not before it is due).
        self.due_by = min(today, period.end) if today is not None else period.end
        self._outcomes: Any = None

    # -- portable date arithmetic
    def day(self, col: Any) -> ColumnElement[date]:
        if self.dialect == "sqlite":
            return type_coerce(func.date(col), Date)
        return cast(col, Date)

    def days(self, start: Any, end: Any) -> ColumnElement[Any]:
        if self.dialect == "sqlite":
            return func.julianday(end) - func.julianday(start)
        return type_coerce(end, Integer) - type_coerce(start, Integer)

    def within(self, col: Any, start: date | None = None, end: date | None = None) -> ColumnElement[bool]:
        return and_(col >= (start or self.p.start), col <= (end or self.p.end))

    def org_ok(self, col: Any) -> ColumnElement[bool]:
        return col.in_(self.orgs) if self.orgs is not None else literal(True)

    # -- the outcome of every case (see the module's docstring)
    def outcomes(self) -> Any:
        """One row per case received by the period's end: its outcome kind and date. A CTE made
        once per query, so the families of the report share one evaluation."""
        if self._outcomes is None:
            self._outcomes = self._make_outcomes()
        return self._outcomes

    def _make_outcomes(self) -> Any:
        c, a, t, sc = orm.Case, orm.Agreement, orm.Termination, orm.StatusChange
        ends = {CaseStatus.AGREED.value: SUCCESS, CaseStatus.TERMINATED.value: FAILED,
                CaseStatus.NOT_ACCEPTED.value: NOT_ACCEPTED, CaseStatus.REFUSED.value: REFUSED}
        closed = c.status == CaseStatus.CLOSED.value
        # An archived case without agreement or termination: its history says how it ended (one
        # look-up, only for those few cases — CASE stops at the first branch that holds).
        last_end = (select(sc.to_status).where(sc.case_id == c.id, sc.to_status.in_(list(ends)))
                    .order_by(sc.at.desc(), sc.id.desc()).limit(1).correlate(c).scalar_subquery())
        kind = case(
            (or_(c.status == CaseStatus.AGREED.value, and_(closed, a.id.is_not(None))), SUCCESS),
            (or_(c.status == CaseStatus.TERMINATED.value, and_(closed, t.id.is_not(None))), FAILED),
            (c.status == CaseStatus.NOT_ACCEPTED.value, NOT_ACCEPTED),
            (c.status == CaseStatus.REFUSED.value, REFUSED),
            (closed, func.coalesce(case(ends, value=last_end, else_=null()), UNKNOWN)),
            else_=null())
        inner = (select(c.id.label("case_id"), c.organization_id.label("org"), c.received_on, c.status,
                        c.dispute_type_id, c.source, kind.label("kind"), a.form, a.signed_on,
                        t.on.label("terminated_on"), t.reason_kind)
                 .outerjoin(a, a.case_id == c.id).outerjoin(t, t.case_id == c.id)
                 .where(self.org_ok(c.organization_id), c.received_on <= self.p.end)).cte("oc_kind")

        def set_on(status: CaseStatus) -> Any:
            """The day the case was last put into ``status`` by a decision made in the app (a
            transition: it has a ``from_status``). The row an import writes (``from_status`` None,
            reason 导入) is the moment of the import, not of the decision: it dates nothing."""
            return self.day(select(func.max(sc.at)).where(sc.case_id == inner.c.case_id, sc.to_status == status.value,
                                                          sc.from_status.is_not(None))
                            .correlate(inner).scalar_subquery())

        decided = case(
            (inner.c.kind == SUCCESS, func.coalesce(inner.c.signed_on, set_on(CaseStatus.AGREED))),
            (inner.c.kind == FAILED, func.coalesce(inner.c.terminated_on, set_on(CaseStatus.TERMINATED))),
            (inner.c.kind == NOT_ACCEPTED, set_on(CaseStatus.NOT_ACCEPTED)),
            (inner.c.kind == REFUSED, set_on(CaseStatus.REFUSED)),
            else_=null())
        # An outcome with no date of its own (a status that came with an import) is dated by the
        # case's 受理日期 and listed under data.outcome_undated.
        dated = inner.c.kind.is_not(None) & (inner.c.kind != UNKNOWN)
        undated = and_(dated, type_coerce(decided, Date).is_(None))
        on = case((dated, func.coalesce(type_coerce(decided, Date), inner.c.received_on)), else_=null())
        # Every family counts by 受理日期 or by the outcome's date within the period: a case received
        # before it and ended before it counts for nothing (a third of the cases in a year's report).
        outcome_on = type_coerce(on, Date)
        return (select(*inner.c, outcome_on.label("outcome_on"), undated.label("undated"))
                .where(or_(inner.c.received_on >= self.p.start, outcome_on >= self.p.start))
                .cte("oc"))

    def accepted(self, oc: Subquery) -> ColumnElement[bool]:
        """Taken into mediation: past 登记, neither 不予受理 nor 一方拒绝."""
        return and_(oc.c.status != CaseStatus.REGISTERED.value,
                    or_(oc.c.kind.is_(None), oc.c.kind.not_in((NOT_ACCEPTED, REFUSED))))


# Each family's facts: columns org, case_id, d1, d2, w (dimensions as text, a weight).


def _facts(sql: _Sql, family: str) -> Select[Any]:
    p = sql.p
    if family == "accepted":
        oc = sql.outcomes()
        dt = orm.DisputeType
        parties = (select(func.count()).where(orm.CaseParty.case_id == oc.c.case_id).correlate(oc)
                   .scalar_subquery())
        return (select(oc.c.org, oc.c.case_id, cast(oc.c.dispute_type_id, String).label("d1"),
                       oc.c.source.label("d2"), cast(dt.parent_id, String).label("d3"),
                       parties.label("w"))
                .join(dt, dt.id == oc.c.dispute_type_id)
                .where(sql.within(oc.c.received_on), sql.accepted(oc)))
    if family == "outcome":
        oc = sql.outcomes()
        return (select(oc.c.org, oc.c.case_id, oc.c.kind.label("d1"),
                       case((oc.c.kind == SUCCESS, func.coalesce(oc.c.form, "unknown")),
                            else_=func.coalesce(oc.c.reason_kind, "unknown")).label("d2"),
                       literal("").label("d3"),
                       sql.days(oc.c.received_on, oc.c.outcome_on).label("w"))
                .where(oc.c.kind.is_not(None), sql.within(oc.c.outcome_on)))
    if family == "data":
        oc = sql.outcomes()
        problem = case((oc.c.kind == UNKNOWN, "outcome_unknown"),
                       (oc.c.undated, "outcome_undated"),
                       else_=null())
        return (select(oc.c.org, oc.c.case_id, problem.label("d1"), literal("").label("d2"),
                       literal("").label("d3"), literal(1).label("w"))
                .where(sql.within(oc.c.received_on), problem.is_not(None)))
    if family == "judicial":
        j, c = orm.JudicialConfirmation, orm.Case
        base = select(c.organization_id.label("org"), c.id.label("case_id")).join(j, j.case_id == c.id)
        applied = base.add_columns(literal("applied").label("d1")).where(sql.within(j.filed_on))
        confirmed = base.add_columns(literal("confirmed").label("d1")).where(
            j.result == ConfirmationResult.CONFIRMED.value, sql.within(j.ruled_on))
        rejected = base.add_columns(literal("rejected").label("d1")).where(
            j.result.in_((ConfirmationResult.REJECTED.value, ConfirmationResult.NOT_ACCEPTED.value)),
            sql.within(j.ruled_on))
        u = union_all(*(q.where(sql.org_ok(c.organization_id)) for q in (applied, confirmed, rejected))).subquery()
        return select(u.c.org, u.c.case_id, u.c.d1, literal("").label("d2"), literal("").label("d3"),
                      literal(1).label("w"))
    if family == "performance":
        oc = sql.outcomes()
        term = orm.AgreementTerm
        obligation = term.kind != TermKind.STATEMENT.value

        def n(cond: Any) -> Any:
            return func.sum(case((cond, 1), else_=0))

        per = (select(orm.Agreement.case_id.label("case_id"),
                      func.coalesce(func.sum(term.amount), 0).label("amount"),
                      n(obligation).label("n"),
                      n(and_(obligation, term.status == TermStatus.PERFORMED.value)).label("done"),
                      n(and_(obligation, term.status.in_((TermStatus.PERFORMED.value,
                                                          TermStatus.PARTLY_PERFORMED.value)))).label("some"),
                      n(and_(obligation, or_(term.status == TermStatus.NOT_PERFORMED.value,
                                             and_(term.status == TermStatus.PENDING.value,
                                                  term.due_on.is_not(None), term.due_on <= p.end)))).label("late"))
               .join(term, term.agreement_id == orm.Agreement.id, isouter=True)
               .group_by(orm.Agreement.case_id)).subquery()
        state = case((func.coalesce(per.c.n, 0) == per.c.done, "performed"),
                     (per.c.some > 0, "partly_performed"),
                     (per.c.late > 0, "not_performed"),
                     else_="not_due")
        return (select(oc.c.org, oc.c.case_id, state.label("d1"), literal("").label("d2"),
                       literal("").label("d3"), per.c.amount.label("w"))
                .join(per, per.c.case_id == oc.c.case_id)
                .where(oc.c.kind == SUCCESS, oc.c.signed_on.is_not(None), sql.within(oc.c.outcome_on)))
    if family == "visits":
        # The visits due in the period and by today (应回访), read out as up to three facts: due,
        # done (of those, made at all) and on time (made by the due day) — one basis for all three.
        v, c = orm.FollowUp, orm.Case
        seen = (select(c.organization_id.label("org"), c.id.label("case_id"), v.due_on, v.done_on,
                       func.coalesce(v.satisfaction, "").label("satisfaction"))
                .join(v, v.case_id == c.id)
                .where(sql.within(v.due_on, end=sql.due_by), sql.org_ok(c.organization_id))).subquery()
        k = _kinds("due", "on_time", "done")
        return (select(seen.c.org, seen.c.case_id, k.c.k.label("d1"),
                       case((k.c.k == "done", seen.c.satisfaction), else_="").label("d2"),
                       literal("").label("d3"), literal(1).label("w"))
                .join(k, literal(True))
                .where(or_(k.c.k == "due",
                           and_(k.c.k == "on_time", seen.c.done_on.is_not(None), seen.c.done_on <= seen.c.due_on),
                           and_(k.c.k == "done", seen.c.done_on.is_not(None)))))
    if family == "prevention":
        c, cp = orm.Case, orm.CasePrevention
        return (select(c.organization_id.label("org"), c.id.label("case_id"), cp.kind.label("d1"),
                       literal("").label("d2"), literal("").label("d3"), cp.persons.label("w"))
                .join(cp, cp.case_id == c.id)
                .where(sql.within(c.received_on), sql.org_ok(c.organization_id)))
    if family == "screening":
        r, i = orm.ScreeningRound, orm.ScreeningItem
        org_ok = or_(r.organization_id.is_(None), sql.org_ok(r.organization_id)) if sql.orgs is None \
            else sql.org_ok(r.organization_id)
        rounds = select(r.organization_id.label("org"), r.id.label("case_id"), literal("rounds").label("d1")).where(
            sql.within(r.held_on), org_ok)
        found = (select(r.organization_id.label("org"), i.id.label("case_id"), literal("found").label("d1"))
                 .join(i, i.round_id == r.id).where(sql.within(r.held_on), org_ok))
        prevented = (select(r.organization_id.label("org"), i.id.label("case_id"), literal("prevented").label("d1"))
                     .join(i, i.round_id == r.id)
                     .where(i.outcome == ScreeningOutcome.PREVENTED.value,
                            sql.within(func.coalesce(i.outcome_on, r.held_on)), org_ok))
        u = union_all(rounds, found, prevented).subquery()
        return select(u.c.org, u.c.case_id, u.c.d1, literal("").label("d2"), literal("").label("d3"),
                      literal(1).label("w"))
    if family == "per_mediator":
        oc = sql.outcomes()
        cm = orm.CaseMediator
        taken = (select(oc.c.org, oc.c.case_id, cast(cm.mediator_id, String).label("d1"),
                        literal("cases").label("d2"), literal(0.0).label("w"))
                 .join(cm, cm.case_id == oc.c.case_id).where(sql.within(oc.c.received_on), sql.accepted(oc)))
        ended = (select(oc.c.org, oc.c.case_id, cast(cm.mediator_id, String).label("d1"),
                        oc.c.kind.label("d2"), sql.days(oc.c.received_on, oc.c.outcome_on).label("w"))
                 .join(cm, cm.case_id == oc.c.case_id)
                 .where(oc.c.kind.in_((SUCCESS, FAILED)), sql.within(oc.c.outcome_on)))
        u = union_all(taken, ended).subquery()
        return select(u.c.org, u.c.case_id, u.c.d1, u.c.d2, literal("").label("d3"), u.c.w)
    if family == "ledger":
        return _ledger_facts(sql)
    raise NotFoundError(f"没有统计项“{family}”")


def _kinds(*names: str) -> Any:
    """A little table of the words ``names`` (column ``k``): one row read out as several facts."""
    return union_all(*(select(literal(n).label("k")) for n in names)).subquery("k")


def _ledger_facts(sql: _Sql) -> Select[Any]:
    c, e = orm.Case, orm.LedgerEvent
    p = sql.p
    has_events = exists().where(e.case_id == c.id)
    last_action = (select(e.action).where(e.case_id == c.id, e.on <= p.end)
                   .order_by(e.on.desc(), e.id.desc()).limit(1).correlate(c).scalar_subquery())
    crossed = case((has_events, func.coalesce(last_action, "") == LedgerAction.CROSS_OFF.value),
                   else_=and_(c.ledger_closed_on.is_not(None), c.ledger_closed_on <= p.end))
    base = select(c.organization_id.label("org"), c.id.label("case_id"))
    new_cases = base.add_columns(literal("new").label("d1")).where(sql.within(c.received_on))
    reopened = (base.add_columns(literal("reopened").label("d1")).join(e, e.case_id == c.id)
                .where(e.action == LedgerAction.REOPEN.value, sql.within(e.on)))
    crossed_off = (base.add_columns(literal("crossed_off").label("d1")).join(e, e.case_id == c.id)
                   .where(e.action == LedgerAction.CROSS_OFF.value, sql.within(e.on)))
    closed_plain = base.add_columns(literal("crossed_off").label("d1")).where(
        ~has_events, sql.within(c.ledger_closed_on))
    on_register = base.add_columns(literal("on_register").label("d1")).where(
        c.received_on <= p.end, ~crossed)
    u = union_all(*(q.where(sql.org_ok(c.organization_id))
                    for q in (new_cases, reopened, crossed_off, closed_plain, on_register))).subquery()
    return select(u.c.org, u.c.case_id, u.c.d1, literal("").label("d2"), literal("").label("d3"),
                  literal(1).label("w"))


def family_ids(s: Session, family: str, period: Period,
               organization_ids: Iterable[int] | None = None) -> dict[str, tuple[int, ...]]:
    """The rows behind one family's figures for ``period``, by their first dimension (``d1``):
    the ids (cases, or screening rounds/items) each counts, one row per fact. What another view
    shows of the same facts — the ledger's monthly figures, the screening window's — is read
    here, so the statistics table and those views never disagree."""
    orgs = tuple(organization_ids) if organization_ids is not None else None
    f = _facts(_Sql(s.get_bind().dialect.name, period, orgs), family).subquery("f")
    out: dict[str, list[int]] = {}
    for d1, ident in s.execute(select(f.c.d1, f.c.case_id).order_by(f.c.d1, f.c.case_id)):
        out.setdefault(str(d1), []).append(int(ident))
    return {k: tuple(v) for k, v in out.items()}


FAMILIES = ("accepted", "outcome", "data", "judicial", "performance", "visits",
            "prevention", "screening", "per_mediator", "ledger")


# --------------------------------------------------------------------------- the service


@dataclass
class _Counts:
    """Aggregated rows of one family: (org, d1, d2, d3) → [rows, distinct cases, sum of w]."""

    rows: dict[tuple[Any, ...], list[float]] = field(default_factory=dict)

    def add(self, org: Any, d1: Any, d2: Any, d3: Any, n: int, cases: int, w: Any) -> None:
        self.rows[(org, d1 or "", d2 or "", d3 or "")] = [n, cases, float(w or 0)]

    def sum(self, org: int | None, idx: int = 0, **dims: Any) -> float:
        total = 0.0
        for (o, d1, d2, d3), vals in self.rows.items():
            if org is not None and o != org:
                continue
            if any(v != {"d1": d1, "d2": d2, "d3": d3}[k] for k, v in dims.items()):
                continue
            total += vals[idx]
        return total


class StatisticsService(Service):
    """The statistics table for a period and scope, the cases behind each figure, the trends."""

    def organizations(self) -> list[Scope]:
        with self.ctx.db.read() as s:
            return self.organizations_in(s)

    def report(self, period: Period, organization_ids: Iterable[int] | None = None) -> Report:
        orgs = tuple(organization_ids) if organization_ids is not None else None
        sql = _Sql(self.ctx.db.dialect, period, orgs, self.ctx.today())
        with self.ctx.db.read() as s:
            everyone = self.organizations_in(s)
            missing = sorted(set(orgs or ()) - {sc.id for sc in everyone})
            if missing:
                raise ValidationError([FieldProblem("organization", "没有编号为" + "、".join(map(str, missing))
                                                    + "的调解组织")])
            known = [sc for sc in everyone if orgs is None or sc.id in orgs]
            types = list(s.execute(select(orm.DisputeType.id, orm.DisputeType.name, orm.DisputeType.parent_id)
                                   .order_by(orm.DisputeType.position, orm.DisputeType.id)))
            mediators = dict(s.execute(select(orm.Mediator.id, orm.Mediator.name)).tuples().all())
            counts = self._count_all(s, sql)
        scopes: list[Scope] = known + [Scope(None, "合计")] if len(known) > 1 else \
            ([known[0]] if known else [Scope(None, "合计")])
        committee = known[0].name if len(known) == 1 else "、".join(sc.name for sc in known) or "（未设置调解组织）"
        figures = _build(counts, scopes, types, mediators, self.ctx.satisfaction_scale)
        notes = []
        for key, text in (("data.outcome_unknown", "本期受理的案件中有{n}件已归档但无协议、终止或状态记录，结果不明"),
                          ("data.outcome_undated", "有{n}件案件的结果（不予受理、一方拒绝等）随导入而来、"
                                                   "没有在本软件中作出决定的日期，按受理日期计入")):
            n = next((f.value(scopes[-1].id) for f in figures if f.key == key), 0)
            if n:
                notes.append(text.format(n=n) + f"（统计项 {key}，可查看明细）。")
        if any(f.key.startswith("per_mediator.") for f in figures):
            notes.append(PER_MEDIATOR_NOTE)
        notes.append(LEDGER_NOTE)
        return Report(committee, period, tuple(scopes), tuple(figures), tuple(notes))

    @staticmethod
    def organizations_in(s: Session) -> list[Scope]:
        return [Scope(o.id, o.name, o.short_name) for o in
                s.scalars(select(orm.Organization).order_by(orm.Organization.id))]

    def _count_all(self, s: Session, sql: _Sql) -> dict[str, _Counts]:
        """Every family's counts in one statement (the outcomes evaluated once, as a CTE)."""
        parts = []
        for family in FAMILIES:
            f = _facts(sql, family).subquery(f"f_{family}")
            parts.append(select(literal(family).label("fam"), f.c.org, f.c.d1, f.c.d2, f.c.d3, func.count(),
                                func.count(func.distinct(f.c.case_id)), func.sum(f.c.w))
                         .group_by(f.c.org, f.c.d1, f.c.d2, f.c.d3))
        out = {family: _Counts() for family in FAMILIES}
        for fam, *row in s.execute(union_all(*parts)):
            out[fam].add(*row)
        return out

    def members(self, key: str, period: Period, organization_id: int | None = None,
                organization_ids: Iterable[int] | None = None) -> Members:
        """What lies behind the figure ``key``: the case ids (or, for screening, the ids of the
        rounds or items), in id order. ``organization_id`` picks one column (None: the total of
        ``organization_ids``, all when None)."""
        orgs = (organization_id,) if organization_id is not None else (
            tuple(organization_ids) if organization_ids is not None else None)
        family, dims, kind = _key_filter(key)
        sql = _Sql(self.ctx.db.dialect, period, orgs, self.ctx.today())
        f = _facts(sql, family).subquery("f")
        conds = [getattr(f.c, col) == value for col, value in dims.items() if not isinstance(value, tuple)]
        conds += [getattr(f.c, col).in_(value) for col, value in dims.items() if isinstance(value, tuple)]
        if key.startswith("accepted.by_type."):
            type_id = key.rsplit(".", 1)[1]
            conds = [or_(f.c.d1 == type_id, f.c.d3 == type_id)]
        if family == "screening" and orgs is not None:
            conds.append(f.c.org.in_(orgs))
        with self.ctx.db.read() as s:
            ids = s.scalars(select(f.c.case_id).where(*conds).distinct().order_by(f.c.case_id)).all()
        return Members(kind, tuple(int(i) for i in ids))

    def trend(self, period: Period, organization_ids: Iterable[int] | None = None) -> Trend:
        """Per month of the period: cases accepted by parent type, successes and concluded cases,
        visits due and done (on time) — what the charts draw."""
        orgs = tuple(organization_ids) if organization_ids is not None else None
        sql = _Sql(self.ctx.db.dialect, period, orgs, self.ctx.today())
        with self.ctx.db.read() as s:
            types = list(s.execute(select(orm.DisputeType.id, orm.DisputeType.name, orm.DisputeType.parent_id)
                                   .order_by(orm.DisputeType.position, orm.DisputeType.id)))
            parent_of = {tid: (pid or tid) for tid, _, pid in types}
            names = {tid: name for tid, name, _ in types}
            oc = sql.outcomes()

            def month(col: Any) -> Any:
                if sql.dialect == "sqlite":
                    return func.strftime(literal_column("'%Y-%m'"), col)
                return func.to_char(col, literal_column("'YYYY-MM'"))

            acc = s.execute(select(month(oc.c.received_on), oc.c.dispute_type_id, func.count())
                            .where(sql.within(oc.c.received_on), sql.accepted(oc))
                            .group_by(month(oc.c.received_on), oc.c.dispute_type_id)).all()
            ends = s.execute(select(month(oc.c.outcome_on), oc.c.kind, func.count())
                             .where(oc.c.kind.in_((SUCCESS, FAILED)), sql.within(oc.c.outcome_on))
                             .group_by(month(oc.c.outcome_on), oc.c.kind)).all()
            v, c = orm.FollowUp, orm.Case
            visits = s.execute(select(month(v.due_on), func.count(),
                                      func.sum(case((and_(v.done_on.is_not(None), v.done_on <= v.due_on), 1),
                                                    else_=0)))
                               .join(c, c.id == v.case_id)
                               .where(sql.within(v.due_on, end=sql.due_by), sql.org_ok(c.organization_id))
                               .group_by(month(v.due_on))).all()
        by_month: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for ym, tid, n in acc:
            by_month[ym][names[parent_of.get(tid, tid)]] += n
        success: dict[str, int] = defaultdict(int)
        concluded: dict[str, int] = defaultdict(int)
        for ym, kind, n in ends:
            concluded[ym] += n
            if kind == SUCCESS:
                success[ym] += n
        vis = {ym: (int(n), int(done or 0)) for ym, n, done in visits}
        months = []
        for y, m in period.months():
            ym = f"{y:04d}-{m:02d}"
            months.append(MonthTrend(y, m, dict(by_month.get(ym, {})), success[ym], concluded[ym],
                                     vis.get(ym, (0, 0))[0], vis.get(ym, (0, 0))[1]))
        parents = tuple(name for tid, name, pid in types if pid is None)
        return Trend(tuple(months), parents)

    def chart(self, trend: Trend, key: str, *, width: float = 6.4, height: float = 3.2, dpi: int = 150,
              scale: float = 1.0) -> bytes:
        """One trend chart as PNG (``documents/charts.py``: the same drawing as in the PDF), its
        fonts ``scale`` times the base size."""
        from mediator_desktop.documents.charts import render

        return render(trend, key, width=width, height=height, dpi=dpi, scale=scale)

    def pdf(self, period: Period, organization_ids: Iterable[int] | None = None, *,
            report: Report | None = None, trend: Trend | None = None) -> bytes:
        """The report as an A4 PDF: committee and period, the table, the charts."""
        from mediator_desktop.documents.charts import render_all
        from mediator_desktop.documents.report import render_report_pdf

        orgs = None if organization_ids is None else tuple(organization_ids)
        report = report or self.report(period, orgs)
        trend = trend or self.trend(period, orgs)
        return render_report_pdf(report, render_all(trend, width=6.6, height=3.6, dpi=200), self.ctx.today())

    def xlsx(self, period: Period, organization_ids: Iterable[int] | None = None, *,
             report: Report | None = None, trend: Trend | None = None) -> bytes:
        """The report as an Excel workbook (the table, and the months on a second sheet)."""
        from mediator_desktop.documents.report import render_report_xlsx

        orgs = None if organization_ids is None else tuple(organization_ids)
        report = report or self.report(period, orgs)
        trend = trend or self.trend(period, orgs)
        return render_report_xlsx(report, trend, self.ctx.today())

    def save(self, path: str | Path, data: bytes) -> Path:
        """Write a report file whole (a half-written file never takes the name)."""
        from mediator_desktop.services.progress import replacing_file

        with replacing_file(path) as out:
            out.write(data)
        return Path(path)

    def case_rows(self, ids: Iterable[int]) -> list[CaseRow]:
        """The cases behind a figure as the list shows them."""
        wanted = list(ids)
        out: list[CaseRow] = []
        with self.ctx.db.read() as s:
            for start in range(0, len(wanted), 2000):
                chunk = wanted[start:start + 2000]
                rows = s.execute(select(orm.Case.id, orm.Case.code, orm.Case.received_on, orm.Case.title,
                                        orm.Case.party_names, orm.Case.mediator_names, orm.Case.status,
                                        orm.DisputeType.name)
                                 .join(orm.DisputeType, orm.DisputeType.id == orm.Case.dispute_type_id)
                                 .where(orm.Case.id.in_(chunk)))
                for cid, code, received, title, parties, mediators, status, type_name in rows:
                    out.append(CaseRow(cid, code, received, title, parties, mediators,
                                       CaseStatus(status).label, type_name))
        out.sort(key=lambda r: (r.received_on, r.id))
        return out

    def screening_rows(self, kind: str, ids: Iterable[int]) -> list[tuple[str, ...]]:
        """Rounds (日期, 地点, 排查人, 发现数) or items (日期, 地点, 当事人, 简况, 结果) behind a
        screening figure."""
        wanted = list(ids)
        r, i = orm.ScreeningRound, orm.ScreeningItem
        with self.ctx.db.read() as s:
            if kind == "round":
                found = (select(func.count()).where(i.round_id == r.id).correlate(r).scalar_subquery())
                return [(str(d), area, who, str(n)) for d, area, who, n in s.execute(
                    select(r.held_on, r.area, r.screeners, found).where(r.id.in_(wanted)).order_by(r.held_on, r.id))]
            return [(str(d), area, parties, summary, ScreeningOutcome(outcome).label) for d, area, parties, summary, outcome
                    in s.execute(select(r.held_on, r.area, i.parties, i.summary, i.outcome)
                                 .join(r, r.id == i.round_id).where(i.id.in_(wanted)).order_by(r.held_on, i.id))]


@dataclass(frozen=True)
class CaseRow:
    id: int
    code: str
    received_on: date
    title: str
    party_names: str
    mediator_names: str
    status: str
    dispute_type: str


def _key_filter(key: str) -> tuple[str, dict[str, Any], str]:
    """(family, dimension filters, what is listed) for a figure key."""
    parts = key.split(".")
    head = parts[0]
    if head == "accepted":
        if parts[1:] == ["total"]:
            return "accepted", {}, "case"
        if len(parts) == 3 and parts[1] == "by_type":
            return "accepted", {}, "case"  # (members() matches the type or its parent)
        if len(parts) == 3 and parts[1] == "by_source":
            return "accepted", {"d2": parts[2]}, "case"
    if head == "success":
        if parts[1:] in (["total"], ["rate"]):
            return "outcome", {"d1": SUCCESS} if parts[1] == "total" else {"d1": (SUCCESS, FAILED)}, "case"
        if len(parts) == 2 and parts[1] in ("written", "oral", "form_unknown"):
            return "outcome", {"d1": SUCCESS, "d2": "unknown" if parts[1] == "form_unknown" else parts[1]}, "case"
    if head == "concluded":
        return "outcome", {"d1": (SUCCESS, FAILED)}, "case"
    if head == "failed":
        if parts[1:] == ["total"]:
            return "outcome", {"d1": FAILED}, "case"
        if len(parts) == 3 and parts[1] == "by_reason":
            return "outcome", {"d1": FAILED, "d2": parts[2]}, "case"
    if key == "not_accepted":
        return "outcome", {"d1": NOT_ACCEPTED}, "case"
    if key == "one_party_refused":
        return "outcome", {"d1": REFUSED}, "case"
    if head == "amount":
        return "performance", {}, "case"  # (the agreements that took effect in the period)
    if key == "persons":
        return "accepted", {}, "case"
    if head == "data" and len(parts) == 2:
        return "data", {"d1": parts[1]}, "case"
    if head == "judicial" and len(parts) == 2:
        return "judicial", {"d1": parts[1]}, "case"
    if head == "performance" and len(parts) == 2:
        return "performance", {"d1": parts[1]}, "case"
    if head == "visits" and len(parts) >= 2:
        if parts[1] in ("due", "on_time", "done"):
            return "visits", {"d1": parts[1]}, "case"
        if parts[1] == "on_time_rate":
            return "visits", {"d1": "due"}, "case"
        if parts[1] == "satisfaction" and len(parts) == 3:
            return "visits", {"d1": "done", "d2": parts[2]}, "case"
    if head == "prevention" and len(parts) == 3:
        return "prevention", {"d1": parts[1]}, "case"
    if head == "screening" and len(parts) == 2:
        return "screening", {"d1": parts[1]}, "round" if parts[1] == "rounds" else "item"
    if head == "per_mediator" and len(parts) == 3:
        measure = {"cases": "cases", "successful": SUCCESS, "avg_days": (SUCCESS, FAILED)}.get(parts[2])
        if measure is not None:
            return "per_mediator", {"d1": parts[1], "d2": measure}, "case"
    if head == "ledger" and len(parts) == 2:
        return "ledger", {"d1": parts[1]}, "case"
    raise NotFoundError(f"没有统计项“{key}”")


# --------------------------------------------------------------------------- building the figures


def _build(counts: dict[str, _Counts], scopes: list[Scope], types: list[Any], mediators: dict[int, str],
           satisfaction_scale: tuple[str, ...]) -> list[Figure]:
    figures: list[Figure] = []
    org_ids = [sc.id for sc in scopes]

    def per_scope(fn: Any) -> dict[int | None, float | int | None]:
        # One column: it is the whole of what was counted (rows without an organisation too, such
        # as a screening round entered without one).
        return {o: fn(o if len(org_ids) > 1 else None) for o in org_ids}

    def add(key: str, label: str, unit: str, fn: Any, *, level: int = 0, drill: str = "case",
            section: str = "") -> None:
        values = per_scope(fn)
        figures.append(Figure(key, label, unit, {k: _num(v) for k, v in values.items()}, level, drill, section))

    acc, out = counts["accepted"], counts["outcome"]
    sec = "受理"
    add("accepted.total", "受理调解纠纷数", "件", lambda o: acc.sum(o), section=sec)
    for tid, name, pid in _ordered_types(types):
        if pid is None:
            add(f"accepted.by_type.{tid}", name, "件",
                lambda o, t=str(tid): acc.sum(o, d1=t) + acc.sum(o, d3=t), level=1, section=sec)
        else:
            add(f"accepted.by_type.{tid}", name, "件", lambda o, t=str(tid): acc.sum(o, d1=t), level=2, section=sec)
    for src in CaseSource:
        add(f"accepted.by_source.{src.value}", f"来源：{src.label}", "件",
            lambda o, v=src.value: acc.sum(o, d2=v), level=1, section=sec)
    add("persons", "涉及人数（单位计为一人）", "人", lambda o: acc.sum(o, 2), section=sec)

    sec = "结果"
    add("success.total", "调解成功数", "件", lambda o: out.sum(o, d1=SUCCESS), section=sec)
    add("success.written", "书面协议", "件", lambda o: out.sum(o, d1=SUCCESS, d2=AgreementForm.WRITTEN.value),
        level=1, section=sec)
    add("success.oral", "口头协议", "件", lambda o: out.sum(o, d1=SUCCESS, d2=AgreementForm.ORAL.value),
        level=1, section=sec)
    add("success.form_unknown", "协议形式未记录", "件", lambda o: out.sum(o, d1=SUCCESS, d2="unknown"),
        level=1, section=sec)
    add("failed.total", "调解不成（终止调解）数", "件", lambda o: out.sum(o, d1=FAILED), section=sec)
    for reason in TerminationReason:
        add(f"failed.by_reason.{reason.value}", reason.label, "件",
            lambda o, v=reason.value: out.sum(o, d1=FAILED, d2=v), level=1, section=sec)
    add("failed.by_reason.unknown", "原因未记录", "件", lambda o: out.sum(o, d1=FAILED, d2="unknown"),
        level=1, section=sec)
    add("concluded", "办结数（成功＋不成）", "件", lambda o: out.sum(o, d1=SUCCESS) + out.sum(o, d1=FAILED),
        section=sec)
    add("success.rate", "调解成功率", "%",
        lambda o: rate(out.sum(o, d1=SUCCESS), out.sum(o, d1=SUCCESS) + out.sum(o, d1=FAILED)), section=sec)
    add("not_accepted", "不予受理数（不计入成功率）", "件", lambda o: out.sum(o, d1=NOT_ACCEPTED), section=sec)
    add("one_party_refused", "一方拒绝调解数（不计入成功率）", "件", lambda o: out.sum(o, d1=REFUSED), section=sec)
    amount = counts["performance"]
    add("amount.yuan", "协议涉及金额（元）", "元", lambda o: _money(amount.sum(o, 2)), section=sec)
    add("amount.wan", "协议涉及金额（万元）", "万元", lambda o: _money(Decimal(str(amount.sum(o, 2))) / 10000),
        section=sec)

    sec = "司法确认与履行"
    jc = counts["judicial"]
    add("judicial.applied", "司法确认申请数", "件", lambda o: jc.sum(o, d1="applied"), section=sec)
    add("judicial.confirmed", "确认有效数", "件", lambda o: jc.sum(o, d1="confirmed"), level=1, section=sec)
    add("judicial.rejected", "驳回／不予受理数", "件", lambda o: jc.sum(o, d1="rejected"), level=1, section=sec)
    perf = counts["performance"]
    for code, label in PERFORMANCE_STATES:
        add(f"performance.{code}", f"协议履行：{label}", "件", lambda o, v=code: perf.sum(o, d1=v), section=sec)

    sec = "回访"
    vis = counts["visits"]
    add("visits.due", "应回访数（本期内到期，截至今日）", "次", lambda o: vis.sum(o, d1="due"), section=sec)
    add("visits.done", "已回访数（应回访中已回访）", "次", lambda o: vis.sum(o, d1="done"), section=sec)
    add("visits.on_time", "按期回访数（应回访中到期日前回访）", "次", lambda o: vis.sum(o, d1="on_time"), section=sec)
    add("visits.on_time_rate", "按期回访率", "%",
        lambda o: rate(vis.sum(o, d1="on_time"), vis.sum(o, d1="due")), section=sec)
    scale = [(code, label) for code, label in SATISFACTION_DEFAULT]
    scale += [(s, s) for s in satisfaction_scale if s not in {label for _, label in SATISFACTION_DEFAULT}]
    seen = {code for code, _ in scale} | {""}
    scale += [(str(d2), str(d2)) for (_, d1, d2, _) in vis.rows if d1 == "done" and d2 not in seen
              and not seen.add(d2)]  # type: ignore[func-returns-value]
    for code, label in scale:
        add(f"visits.satisfaction.{code}", f"回访结果：{label}", "次",
            lambda o, v=code: vis.sum(o, d1="done", d2=v), level=1, section=sec)

    sec = "预防"
    prev = counts["prevention"]
    for kind in PreventionKind:
        add(f"prevention.{kind.value}.cases", kind.label, "件",
            lambda o, v=kind.value: prev.sum(o, 1, d1=v), section=sec)
        add(f"prevention.{kind.value}.persons", f"{kind.label}（人数）", "人",
            lambda o, v=kind.value: prev.sum(o, 2, d1=v), level=1, section=sec)
    scr = counts["screening"]
    add("screening.rounds", "排查次数", "次", lambda o: scr.sum(o, d1="rounds"), drill="round", section=sec)
    add("screening.found", "排查发现纠纷数", "件", lambda o: scr.sum(o, d1="found"), drill="item", section=sec)
    add("screening.prevented", "预防纠纷数", "件", lambda o: scr.sum(o, d1="prevented"), drill="item", section=sec)

    sec = "台账"
    led = counts["ledger"]
    # Disputes, not events: a dispute crossed off twice in the period is one 销号 (index 1: distinct cases).
    add("ledger.new", "本期新增", "件", lambda o: led.sum(o, 1, d1="new"), section=sec)
    add("ledger.reopened", "本期再挂号", "件", lambda o: led.sum(o, 1, d1="reopened"), section=sec)
    add("ledger.crossed_off", "本期销号", "件", lambda o: led.sum(o, 1, d1="crossed_off"), section=sec)
    add("ledger.on_register", "累计在册", "件", lambda o: led.sum(o, 1, d1="on_register"), section=sec)

    sec = "调解员"
    pm = counts["per_mediator"]
    # In the order of the names' pinyin (王芳 before 杨志强), then by id: the same order every time.
    ids = sorted({int(d1) for (_, d1, _, _) in pm.rows},
                 key=lambda i: (_pinyin(mediators.get(i, "")), mediators.get(i, ""), i))
    for mid in ids:
        name = mediators.get(mid, f"调解员{mid}")
        m = str(mid)
        add(f"per_mediator.{mid}.cases", f"{name}：受理", "件", lambda o, m=m: pm.sum(o, d1=m, d2="cases"),
            section=sec)
        add(f"per_mediator.{mid}.successful", f"{name}：成功", "件",
            lambda o, m=m: pm.sum(o, d1=m, d2=SUCCESS), level=1, section=sec)

        def avg(o: int | None, m: str = m) -> float | None:
            n = pm.sum(o, 0, d1=m, d2=SUCCESS) + pm.sum(o, 0, d1=m, d2=FAILED)
            days = pm.sum(o, 2, d1=m, d2=SUCCESS) + pm.sum(o, 2, d1=m, d2=FAILED)
            return round(days / n, 1) if n else None

        add(f"per_mediator.{mid}.avg_days", f"{name}：平均办结天数", "天", avg, level=1, section=sec)

    data = counts["data"]
    add("data.outcome_unknown", "已归档、结果不明", "件", lambda o: data.sum(o, d1="outcome_unknown"), section="数据核对")
    add("data.outcome_undated", "结果无日期、按受理日期计", "件", lambda o: data.sum(o, d1="outcome_undated"),
        section="数据核对")
    return figures


def _pinyin(name: str) -> str:
    from mediator_desktop.domain.pinyin import name_search_keys

    keys = name_search_keys(name)
    return keys.split(" ", 1)[0] if keys else ""


def _num(v: float | int | None) -> float | int | None:
    if isinstance(v, float) and v.is_integer() and v == int(v):
        return int(v)
    return v


def _ordered_types(types: list[Any]) -> list[tuple[int, str, int | None]]:
    parents = [t for t in types if t[2] is None]
    out: list[tuple[int, str, int | None]] = []
    for tid, name, _ in parents:
        out.append((tid, name, None))
        out.extend((c[0], c[1], c[2]) for c in types if c[2] == tid)
    return out


__all__ = ["CaseRow", "Figure", "Members", "MonthTrend", "Period", "Report", "Scope", "StatisticsService", "Trend",
           "rate"]
