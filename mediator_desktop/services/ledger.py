"""The ledger (矛盾纠纷排查化解台账, STATISTICS.md §2): 销号 (cross-off) and 再挂号 (reopen) of a
dispute, with who and when, and the ledger's export to and import from Excel.

A dispute is 挂号 (open on the ledger) from intake until it may be crossed off. When it may:

- **Resolved by agreement** (调解成功, or archived with an agreement): every obligation of the
  agreement performed, or — for an agreement with nothing left to perform — a recorded visit
  that found no new dispute or risk. Any clause not performed refuses (“还有条款未履行，不能
  销号”), and so does a last visit that found new risk signs.
- **Ended without agreement** (终止调解 / 调解不成, 不予受理, 一方拒绝调解, or archived after one
  of them): the dispute is not resolved, but it has left the committee's hands. A careful
  mediator crosses it off only saying where it went (诉讼、仲裁、信访、移交某部门…): the note is
  required, the date may not precede the end of the mediation, and a dispute still at 橙/红
  risk stays on the ledger until that risk is dealt with (Law 25: a dispute that may turn into a
  criminal or public-security case is reported, not forgotten).
- Still being handled (登记, 受理, 调解中): refused.

A crossed-off dispute that flares up again is 再挂号 with the date and why; its history stays
(:class:`~mediator_desktop.storage.models.LedgerEvent` rows, never deleted). ``Case.ledger_closed_on``
is the current 销号 date (None = 在册).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mediator_desktop.domain.enums import CaseStatus, LedgerAction, RiskLevel, TermKind, TermStatus
from mediator_desktop.domain.text import chinese_date, clause_number
from mediator_desktop.errors import STALE_MESSAGE
from mediator_desktop.services.case_facts import load_case
from mediator_desktop.services.context import Service, ServiceContext
from mediator_desktop.services.errors import (
    ConflictError,
    FieldProblem,
    NotFoundError,
    TransitionError,
    ValidationError,
)
from mediator_desktop.services.progress import CancelCheck, Progress
from mediator_desktop.storage import models as orm

if TYPE_CHECKING:
    from mediator_desktop.services.app import Services
    from mediator_desktop.services.ledger_import import LedgerImportResult, LedgerSheet, Mapping
    from mediator_desktop.services.ledger_xlsx import LedgerFigures

MAX_NOTE = 2000
#: Statuses in which the dispute ended without an agreement.
ENDED_WITHOUT_AGREEMENT = frozenset({CaseStatus.TERMINATED.value, CaseStatus.NOT_ACCEPTED.value,
                                     CaseStatus.REFUSED.value})
#: Risk levels that keep a dispute on the ledger whatever became of the mediation.
HIGH_RISK = frozenset({RiskLevel.ORANGE.value, RiskLevel.RED.value})


@dataclass(frozen=True)
class LedgerEventView:
    action: str          # LedgerAction value
    on: date
    note: str
    actor: str
    at: datetime

    @property
    def text(self) -> str:
        label = LedgerAction(self.action).label
        return f"{chinese_date(self.on)}{label}（{self.actor}）" + (f"：{self.note}" if self.note else "")


@dataclass(frozen=True)
class LedgerStatus:
    """A case on the ledger: 在册 or 已销号 (on which date, by whom), its history, and what may be done."""

    case_id: int
    version: int
    closed_on: date | None
    events: tuple[LedgerEventView, ...]
    #: Why 销号 is refused now (None: it may be crossed off).
    cross_off_problem: str | None
    #: Whether a note saying where the dispute went is required (ended without agreement).
    note_required: bool
    #: The earliest date 销号 may carry.
    earliest: date

    @property
    def open(self) -> bool:
        return self.closed_on is None

    @property
    def state_label(self) -> str:
        return "在册" if self.open else "已销号"

    @property
    def text(self) -> str:
        """台账：在册 / 台账：已销号（2026年3月5日，王芳）; a reopened one says so."""
        if self.open:
            reopened = [e for e in self.events if e.action == LedgerAction.REOPEN.value]
            return "台账：在册" + (f"（{chinese_date(reopened[-1].on)}再挂号）" if reopened else "")
        last = self.events[-1] if self.events else None
        who = f"，{last.actor}" if last is not None else ""
        return f"台账：已销号（{chinese_date(self.closed_on)}{who}）"


@dataclass(frozen=True)
class LedgerLineView:
    """What the case view's 台账 line shows, read cheaply (two small queries) every time a case is
    shown; whether 销号 is allowed is asked when the user presses it (:meth:`LedgerService.status`)."""

    case_id: int
    version: int
    closed_on: date | None
    last: LedgerEventView | None

    @property
    def open(self) -> bool:
        return self.closed_on is None

    @property
    def text(self) -> str:
        if self.open:
            reopened = self.last is not None and self.last.action == LedgerAction.REOPEN.value
            return "台账：在册" + (f"（{chinese_date(self.last.on)}再挂号）" if reopened and self.last else "")
        who = f"，{self.last.actor}" if self.last is not None else ""
        return f"台账：已销号（{chinese_date(self.closed_on)}{who}）"


def _end_date(case: orm.Case) -> date | None:
    """The day the dispute's handling ended: the agreement's effective date, the termination,
    or the day it was marked not accepted / refused."""
    if case.agreement is not None and case.agreement.signed_on:
        return case.agreement.signed_on
    if case.termination is not None and case.termination.on:
        return case.termination.on
    ended = [c.at.date() for c in case.status_changes if c.to_status in ENDED_WITHOUT_AGREEMENT]
    return ended[-1] if ended else None


def _how_it_ended(case: orm.Case) -> str | None:
    """agreed / ended (without agreement) / None (still being handled)."""
    status = case.status
    if status == CaseStatus.CLOSED.value:
        if case.agreement is not None:
            return "agreed"
        return "ended"
    if status == CaseStatus.AGREED.value:
        return "agreed"
    if status in ENDED_WITHOUT_AGREEMENT:
        return "ended"
    return None


def cross_off_problem(case: orm.Case) -> str | None:
    """Why ``case`` (loaded with its agreement, terms, visits, termination and status changes)
    may not be crossed off now; None when it may."""
    if case.ledger_closed_on is not None:
        return f"本案已于{chinese_date(case.ledger_closed_on)}销号"
    how = _how_it_ended(case)
    if how is None:
        return f"纠纷还在办理中（{CaseStatus(case.status).label}），化解并经回访确认后才能销号"
    done_visits = sorted((v for v in case.follow_ups if v.done_on is not None), key=lambda v: (v.done_on, v.id))
    last = done_visits[-1] if done_visits else None
    if last is not None and last.new_risk:
        return (f"{chinese_date(last.done_on)}的回访发现新的纠纷或风险苗头，不能销号；"
                "请先处置，再回访确认")
    if how == "ended":
        if case.risk_level in HIGH_RISK:
            return (f"纠纷未经调解化解，风险等级为“{RiskLevel(case.risk_level).label}”，不能销号；"
                    "请先处置风险并调整风险等级")
        return None
    # (A case imported as 调解成功 may carry no agreement: nothing recorded to perform.)
    terms = case.agreement.terms if case.agreement is not None else []
    obligations = [t for t in terms if t.kind != TermKind.STATEMENT.value]
    unperformed = [t for t in obligations if t.status != TermStatus.PERFORMED.value]
    if unperformed:
        which = "、".join(f"第{clause_number(t.position + 1)}条（{TermStatus(t.status).label}）" for t in unperformed)
        return f"还有条款未履行，不能销号：{which}"
    if not obligations and not any(v.new_risk is False for v in done_visits):
        return ("协议没有需要履行的条款，须经回访确认没有新的纠纷或风险苗头后才能销号" if case.agreement is not None
                else "本案没有登记协议内容，须经回访确认没有新的纠纷或风险苗头后才能销号")
    return None


class LedgerService(Service):
    def __init__(self, ctx: ServiceContext, services: Services) -> None:
        super().__init__(ctx)
        self.services = services

    # -- 销号 / 再挂号 ------------------------------------------------------------------------

    def line(self, case_id: int) -> LedgerLineView:
        """The case's state on the ledger and its last 销号/再挂号, for the case view."""
        with self.ctx.db.read() as s:
            row = s.execute(select(orm.Case.version, orm.Case.ledger_closed_on).where(orm.Case.id == case_id)).first()
            if row is None:
                raise NotFoundError("找不到这个案件，可能已被删除")
            last = s.execute(select(orm.LedgerEvent.action, orm.LedgerEvent.on, orm.LedgerEvent.note,
                                    orm.LedgerEvent.actor, orm.LedgerEvent.at)
                             .where(orm.LedgerEvent.case_id == case_id)
                             .order_by(orm.LedgerEvent.id.desc()).limit(1)).first()
        return LedgerLineView(case_id, row.version, row.ledger_closed_on,
                              None if last is None else LedgerEventView(*last))

    def status(self, case_id: int) -> LedgerStatus:
        with self.ctx.db.read() as s:
            return self._status(self._load(s, case_id))

    def cross_off(self, case_id: int, on: date | None, note: str = "", *, version: int | None = None) -> LedgerStatus:
        """销号: the dispute leaves the ledger on ``on``; refused (TransitionError) while the rules
        above do not allow it, a bad date or a missing note is a ValidationError by field."""
        note = note.strip()
        with self.ctx.db.write() as s:
            case = self._load(s, case_id, version)
            problem = cross_off_problem(case)
            if problem:
                raise TransitionError(problem)
            status = self._status(case)
            problems = self._date_problems(on, status.earliest, "销号")
            if status.note_required and not note:
                problems.append(FieldProblem("note", "纠纷未经调解化解，销号须写明去向（如：已引导向人民法院起诉、"
                                                     "已移交某部门处理）"))
            return self._write_event(s, case, LedgerAction.CROSS_OFF, on, note, problems, closed_on=on)

    def reopen(self, case_id: int, on: date | None, note: str = "", *, version: int | None = None) -> LedgerStatus:
        """再挂号: a crossed-off dispute flares up again; it is back on the ledger from ``on``
        and keeps its history."""
        note = note.strip()
        with self.ctx.db.write() as s:
            case = self._load(s, case_id, version)
            if case.ledger_closed_on is None:
                raise TransitionError("本案在台账上仍在册（没有销号），不需要再挂号")
            problems = self._date_problems(on, case.ledger_closed_on, "再挂号")
            if not note:
                problems.append(FieldProblem("note", "请写明再挂号的原因（纠纷出现了什么反复）"))
            return self._write_event(s, case, LedgerAction.REOPEN, on, note, problems, closed_on=None)

    # -- export and import (ledger_xlsx.py, ledger_import.py) -------------------------------------

    def export_xlsx(self, path: str | Path, date_from: date, date_to: date, *, full_ids: bool = False,
                    progress: Progress | None = None, cancelled: CancelCheck | None = None) -> int:
        """Write the ledger of the disputes received from ``date_from`` to ``date_to`` as an
        Excel file; returns how many rows. ID numbers in the texts are masked unless ``full_ids``."""
        from mediator_desktop.services.ledger_xlsx import export_ledger

        return export_ledger(self.ctx, path, date_from, date_to, full_ids=full_ids,
                             progress=progress, cancelled=cancelled)

    def figures(self, date_from: date, date_to: date) -> LedgerFigures:
        """本期新增, 本期销号, 再挂号 and 期末在册 for a period (STATISTICS.md §2)."""
        from mediator_desktop.services.ledger_xlsx import read_figures

        with self.ctx.db.read() as s:
            return read_figures(s, date_from, date_to)

    def read_sheet(self, path: str | Path) -> LedgerSheet:
        """An existing ledger (.xlsx) as rows of cell values, with its header row found and a
        column mapping proposed from the header names."""
        from mediator_desktop.services.ledger_import import read_sheet

        return read_sheet(path, [t.name for t in self.services.dispute_types.list()])

    def import_sheet(self, sheet: LedgerSheet, mapping: Mapping, *, dry_run: bool = False,
                     progress: Progress | None = None, cancelled: CancelCheck | None = None) -> LedgerImportResult:
        """Import every row of ``sheet`` as a case, or none (LedgerImportError lists the
        problems by row and column)."""
        from mediator_desktop.services.ledger_import import import_sheet

        return import_sheet(self.ctx, self.services, sheet, mapping, dry_run=dry_run,
                            progress=progress, cancelled=cancelled)

    # -- internals --------------------------------------------------------------------------

    def _date_problems(self, on: date | None, earliest: date, what: str) -> list[FieldProblem]:
        if on is None:
            return [FieldProblem("on", f"请填写{what}日期")]
        if on > self.ctx.today():
            return [FieldProblem("on", f"{what}日期不能晚于今天")]
        if on < earliest:
            return [FieldProblem("on", f"{what}日期不能早于{chinese_date(earliest)}")]
        return []

    def _write_event(self, s: Session, case: orm.Case, action: LedgerAction, on: date | None, note: str,
                     problems: list[FieldProblem], *, closed_on: date | None) -> LedgerStatus:
        """销号 or 再挂号 written (the case off the ledger from ``closed_on``, or back on it: None)
        — or refused with ``problems`` and a note too long."""
        if len(note) > MAX_NOTE:
            problems.append(FieldProblem("note", f"“说明”太长（不能超过{MAX_NOTE}字）"))
        if problems:
            raise ValidationError(problems)
        assert on is not None
        case.ledger_closed_on = closed_on
        self._event(s, case, action, on, note)
        return self._status(case)

    def _event(self, s: Session, case: orm.Case, action: LedgerAction, on: date, note: str) -> None:
        now = self.ctx.now()
        case.ledger_events.append(orm.LedgerEvent(action=action.value, on=on, note=note, at=now,
                                                  actor=self.ctx.actor.name))
        case.updated_at = now
        self.ctx.audit(s, action.value, "ledger", case.id, case_id=case.id,
                       text=f"台账{action.label}（{chinese_date(on)}）" + (f"：{note}" if note else ""), on=on.isoformat())
        s.flush()

    def _status(self, case: orm.Case) -> LedgerStatus:
        problem = cross_off_problem(case)
        ended = _end_date(case)
        earliest = max(d for d in (case.received_on, ended, *(v.done_on for v in case.follow_ups if v.done_on),
                                   *(e.on for e in case.ledger_events)) if d is not None)
        return LedgerStatus(
            case_id=case.id, version=case.version, closed_on=case.ledger_closed_on,
            events=tuple(LedgerEventView(e.action, e.on, e.note, e.actor, e.at) for e in case.ledger_events),
            cross_off_problem=problem, note_required=_how_it_ended(case) == "ended", earliest=earliest)

    @staticmethod
    def _load(s: Session, case_id: int, version: int | None = None) -> orm.Case:
        opts: list[Any] = [
            selectinload(orm.Case.agreement).selectinload(orm.Agreement.terms),
            selectinload(orm.Case.follow_ups), selectinload(orm.Case.termination),
            selectinload(orm.Case.status_changes), selectinload(orm.Case.ledger_events),
        ]
        case = load_case(s, case_id, opts)
        if version is not None and case.version != version:
            raise ConflictError(STALE_MESSAGE)
        return case

