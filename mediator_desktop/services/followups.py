"""Follow-up visits (回访) and judicial-confirmation tracking (司法确认, LEGAL.md §5, §6).

When an agreement takes effect (written or oral), :func:`plan_for_agreement` plans a
satisfaction visit to every party within one month (``ctx.follow_up_months``), on a working day,
and a visit at each performance due date to the party owed. Until a planned visit is recorded or
moved by hand it follows the agreement: a corrected effective date or due date moves it (with a
``replanned`` history entry), a removed term removes it. A visit can be moved (改期), a party not
reached gets a retry date (未联系上), and every change is kept in the visit's history.

Recording a visit stores what was found (per-term performance, satisfaction, risk signs,
measures, whether anyone sued) and updates the terms' performance status, then offers the next
step (:func:`mediator_desktop.domain.followups.next_steps`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from mediator_desktop.domain.enums import (
    ConfirmationResult,
    NextStep,
    Performance,
    RiskLevel,
    Satisfaction,
    TermKind,
    TermStatus,
    VisitEvent,
    VisitKind,
    VisitMethod,
)
from mediator_desktop.domain.followups import Offer, PlannedVisit, TermDues, next_steps, plan_visits
from mediator_desktop.domain.judicial import application_deadline
from mediator_desktop.domain.terms import open_dues
from mediator_desktop.domain.text import chinese_date, clause_number
from mediator_desktop.domain.workdays import Deadline, WorkCalendar
from mediator_desktop.errors import STALE_MESSAGE
from mediator_desktop.services.case_facts import load_case, term_fields
from mediator_desktop.services.context import Service, ServiceContext
from mediator_desktop.services.errors import (
    ConflictError,
    FieldProblem,
    NotFoundError,
    TransitionError,
    ValidationError,
)
from mediator_desktop.storage import models as orm

DEFAULT_SATISFACTION_SCALE = tuple(m.label for m in Satisfaction)
MAX_TEXT = 5000
_RISK_ORDER = [m.value for m in RiskLevel]


# -- data passed in and out -----------------------------------------------------------------------


@dataclass
class VisitDraft:
    """What the visit form (回访记录) holds."""

    done_on: date | None = None
    method: str | None = None
    #: term id → Performance value (performed | partly_performed | not_performed | not_due).
    term_statuses: dict[int, str] = field(default_factory=dict)
    satisfaction: str = ""           # a label of the scale in force (满意 / 基本满意 / 不满意 …)
    new_risk: bool = False
    risk_note: str = ""
    measures: str = ""
    sued: bool | None = None
    visitor: str = ""
    notes: str = ""
    #: The visit's version the form was opened on: a save over another PC's newer save is refused.
    version: int | None = None


@dataclass(frozen=True)
class VisitEventView:
    """One line of a visit's history: planned, moved, party not reached, recorded."""

    at: datetime
    actor: str
    action: str
    old_due: date | None
    new_due: date | None
    note: str

    @property
    def text(self) -> str:
        label = VisitEvent(self.action).label if self.action in VisitEvent.__members__.values() else self.action
        if self.action in (VisitEvent.RESCHEDULED.value, VisitEvent.REPLANNED.value, VisitEvent.NOT_REACHED.value):
            label += f"：{chinese_date(self.old_due)} → {chinese_date(self.new_due)}"
        elif self.action == VisitEvent.PLANNED.value:
            label += f"：{chinese_date(self.new_due)}"
        return label + (f"（{self.note}）" if self.note else "")


@dataclass(frozen=True)
class TermCheck:
    """One term as the visit form shows it, with what the visit found."""

    term_id: int
    label: str           # 第一条
    text: str
    status: str          # the term's status now (TermStatus value)
    found: str | None    # what this visit recorded (Performance value), if recorded


@dataclass(frozen=True)
class VisitView:
    id: int
    case_id: int
    kind: str
    party: int | None
    party_name: str
    due: Deadline | None
    done_on: date | None
    method: str | None
    performance: str | None
    satisfaction: str        # label, "" when not recorded
    new_risk: bool | None
    risk_note: str
    measures: str
    sued: bool | None
    visitor: str
    notes: str
    reason: str
    term_id: int | None
    auto: bool
    terms: tuple[TermCheck, ...]
    events: tuple[VisitEventView, ...]
    version: int = 1

    @property
    def done(self) -> bool:
        return self.done_on is not None

    @property
    def kind_label(self) -> str:
        return VisitKind(self.kind).label if self.kind in VisitKind.__members__.values() else self.kind

    @property
    def method_label(self) -> str:
        return VisitMethod(self.method or "").label if self.method in VisitMethod.__members__.values() else ""

    @property
    def attempts(self) -> int:
        """How often the party was not reached."""
        return sum(1 for e in self.events if e.action == VisitEvent.NOT_REACHED.value)


@dataclass(frozen=True)
class VisitOutcome:
    visit: VisitView
    offers: tuple[Offer, ...]


@dataclass
class ConfirmationDraft:
    """司法确认 as tracked on the case."""

    court: str = ""
    filed_on: date | None = None
    court_case_number: str = ""
    result: str | None = None
    ruled_on: date | None = None
    enforcement_applied: bool | None = None
    enforcement_on: date | None = None


@dataclass(frozen=True)
class ConfirmationView:
    recorded: ConfirmationDraft | None
    effective_on: date | None       # the agreement's effective date
    written: bool                   # only a written agreement can be confirmed
    window: Deadline | None         # the last day to apply jointly

    def window_open(self, today: date) -> bool:
        return (self.written and self.window is not None and today <= self.window.due
                and (self.recorded is None or self.recorded.filed_on is None))


# -- planning --------------------------------------------------------------------------------------


def term_dues(terms: Sequence[orm.AgreementTerm]) -> list[TermDues]:
    out = []
    for t in terms:
        if t.kind == TermKind.STATEMENT.value:
            continue
        amounts = [p.amount for p in t.performances if p.amount is not None]
        paid = sum(amounts, Decimal(0)) if amounts else None
        dues = open_dues(term_fields(t), paid, t.status)
        out.append(TermDues(t.id, t.position, t.obligor, t.obligee, tuple(dues)))
    return out


def planned_visits(ctx: ServiceContext, agreement: orm.Agreement | None, party_names: Sequence[str]) -> list[PlannedVisit]:
    """The visits ``agreement`` calls for (none until it takes effect)."""
    if agreement is None or agreement.signed_on is None:
        return []
    return plan_visits(agreement.signed_on, party_names, term_dues(agreement.terms), ctx.calendar(),
                       months=ctx.follow_up_months)


def match_visits(visits: Sequence[orm.FollowUp], planned: Sequence[PlannedVisit]
                 ) -> tuple[list[tuple[orm.FollowUp, PlannedVisit]], list[PlannedVisit], list[orm.FollowUp]]:
    """The application-planned visits on record (``visits``) matched with those the agreement
    now calls for: the (visit, plan) pairs, the plans no visit answers yet (to add, in order),
    and the visits no plan wants any more."""
    wanted: dict[tuple[str, int | None, int | None], list[PlannedVisit]] = defaultdict(list)
    for p in planned:
        wanted[(p.kind.value, p.party, p.term_id)].append(p)
    have: dict[tuple[str, int | None, int | None], list[orm.FollowUp]] = defaultdict(list)
    for v in visits:
        if v.kind in (VisitKind.SATISFACTION.value, VisitKind.PERFORMANCE.value):
            have[(v.kind, v.party, v.term_id if v.kind == VisitKind.PERFORMANCE.value else None)].append(v)
    pairs: list[tuple[orm.FollowUp, PlannedVisit]] = []
    to_add: list[PlannedVisit] = []
    left: list[orm.FollowUp] = []
    for key in set(wanted) | set(have):
        plans, rows = wanted.get(key, []), have.get(key, [])
        pairs.extend(zip(rows, plans))
        to_add.extend(plans[len(rows):])
        left.extend(rows[len(plans):])
    return pairs, to_add, left


def planned_visit_values(case_id: int, position: int, plan: PlannedVisit) -> dict[str, Any]:
    """The columns of a visit the application plans (its history apart)."""
    return {"case_id": case_id, "position": position, "party": plan.party, "due_on": plan.due.due,
            "kind": plan.kind.value, "term_id": plan.term_id, "auto": True, "reason": plan.reason,
            "term_performance": [], "notes": "", "visitor": "", "risk_note": "", "measures": ""}


def planned_event_values(now: datetime, actor: str, plan: PlannedVisit) -> dict[str, Any]:
    """The history entry of a visit the application plans (its visit apart)."""
    return {"at": now, "actor": actor, "action": VisitEvent.PLANNED.value, "new_due": plan.due.due,
            "note": "协议生效后自动安排"}


def plan_audit_text(added: int, moved: int = 0, dropped: int = 0) -> str:
    """The case history's line for a planning that changed anything."""
    parts = [f"安排回访{added}次" if added else "", f"调整{moved}次回访日期" if moved else "",
             f"取消{dropped}次尚未进行的回访" if dropped else ""]
    return "，".join(x for x in parts if x)


def plan_for_agreement(s: Session, ctx: ServiceContext, case: orm.Case) -> int:
    """Bring the application-planned visits of ``case`` in line with its agreement (inside the
    caller's transaction, after its terms are flushed); returns how many visits were added."""
    visits = list(s.scalars(select(orm.FollowUp).where(orm.FollowUp.case_id == case.id)
                            .options(selectinload(orm.FollowUp.events)).order_by(orm.FollowUp.due_on, orm.FollowUp.id)))
    pairs, to_add, left = match_visits(visits, planned_visits(ctx, case.agreement, [p.name for p in case.parties]))
    now, actor = ctx.now(), ctx.actor.name
    moved = dropped = 0
    for row, plan in pairs:
        if row.auto and row.done_on is None and row.due_on != plan.due.due:
            row.events.append(orm.FollowUpEvent(at=now, actor=actor, action=VisitEvent.REPLANNED.value,
                                            old_due=row.due_on, new_due=plan.due.due, note="协议已更正"))
            row.due_on, row.reason = plan.due.due, plan.reason
            moved += 1
    position = max((v.position for v in visits), default=-1) + 1
    for k, plan in enumerate(to_add):
        row = orm.FollowUp(**planned_visit_values(case.id, position + k, plan))
        row.events.append(orm.FollowUpEvent(**planned_event_values(now, actor, plan)))
        s.add(row)
    for row in left:
        if row.auto and row.done_on is None:
            s.delete(row)
            dropped += 1
    if to_add or moved or dropped:
        ctx.audit(s, "plan", "follow_up", None, case_id=case.id, text=plan_audit_text(len(to_add), moved, dropped))
    return len(to_add)


# -- the service -----------------------------------------------------------------------------------


class FollowUpService(Service):

    # reads

    def visits(self, case_id: int) -> list[VisitView]:
        """Every visit of a case: those to make first (by date), then those made."""
        with self.ctx.db.read() as s:
            case = self._load(s, case_id)
            cal = self.ctx.calendar()
            views = [self._view(case, v, cal) for v in case.follow_ups]
        return sorted(views, key=lambda v: (v.done, v.due.due if v.due else date.max, v.id))

    def get(self, visit_id: int) -> VisitView:
        with self.ctx.db.read() as s:
            v = self._visit(s, visit_id)
            case = self._load(s, v.case_id)
            return self._view(case, v, self.ctx.calendar())

    def satisfaction_scale(self) -> tuple[str, ...]:
        return tuple(self.ctx.satisfaction_scale) or DEFAULT_SATISFACTION_SCALE

    # writes

    def add(self, case_id: int, party: int | None, due_on: date | None, reason: str = "",
            kind: str = VisitKind.OTHER.value) -> VisitView:
        """A visit the mediator plans by hand."""
        with self.ctx.db.write() as s:
            case = self._load(s, case_id)
            p = []
            if party is None or not 0 <= party < len(case.parties):
                p.append(FieldProblem("party", "请选择回访对象"))
            if due_on is None:
                p.append(FieldProblem("due_on", "请填写回访日期"))
            if kind not in VisitKind.__members__.values():
                p.append(FieldProblem("kind", "请选择回访类型"))
            if len(reason) > MAX_TEXT:
                p.append(FieldProblem("reason", "“回访事由”太长"))
            if p:
                raise ValidationError(p)
            assert party is not None and due_on is not None
            row = orm.FollowUp(case_id=case.id, position=len(case.follow_ups), party=party, due_on=due_on,
                           kind=kind, auto=False, reason=reason.strip(), term_performance=[], notes="",
                           visitor="", risk_note="", measures="")
            row.events.append(self._event(VisitEvent.PLANNED, None, due_on, "手工安排"))
            case.follow_ups.append(row)
            s.flush()
            self.ctx.audit(s, "create", "follow_up", row.id, case_id=case.id,
                           text=f"安排回访{case.parties[party].name}（{chinese_date(due_on)}）")
            return self._view(case, row, self.ctx.calendar())

    def reschedule(self, visit_id: int, new_due: date | None, reason: str = "", *,
                   version: int | None = None) -> VisitView:
        """改期: move a visit not yet made; it no longer follows the agreement."""
        with self.ctx.db.write() as s:
            v = self._pending(s, visit_id, version)
            p = []
            if new_due is None:
                p.append(FieldProblem("new_due", "请填写新的回访日期"))
            elif new_due < self.ctx.today():
                p.append(FieldProblem("new_due", "新的回访日期不能早于今天"))
            elif new_due == v.due_on:
                p.append(FieldProblem("new_due", "新的回访日期与原日期相同"))
            if p:
                raise ValidationError(p)
            assert new_due is not None
            case = self._load(s, v.case_id)
            v.events.append(self._event(VisitEvent.RESCHEDULED, v.due_on, new_due, reason.strip()))
            old, v.due_on, v.auto = v.due_on, new_due, False
            self.ctx.audit(s, "reschedule", "follow_up", v.id, case_id=v.case_id,
                           text=f"回访{self._party(case, v)}改期：{chinese_date(old)} → {chinese_date(new_due)}"
                                + (f"（{reason.strip()}）" if reason.strip() else ""))
            s.flush()
            return self._view(case, v, self.ctx.calendar())

    def not_reached(self, visit_id: int, tried_on: date | None, retry_on: date | None,
                    method: str | None = None, note: str = "", *, version: int | None = None) -> VisitView:
        """未联系上: the party could not be reached; try again on ``retry_on``."""
        with self.ctx.db.write() as s:
            v = self._pending(s, visit_id, version)
            p = []
            today = self.ctx.today()
            if tried_on is None:
                p.append(FieldProblem("tried_on", "请填写联系的日期"))
            elif tried_on > today:
                p.append(FieldProblem("tried_on", "联系的日期不能晚于今天"))
            if retry_on is None:
                p.append(FieldProblem("retry_on", "请填写再次回访的日期"))
            elif retry_on < today or (tried_on is not None and retry_on <= tried_on):
                p.append(FieldProblem("retry_on", "再次回访的日期应晚于这次联系的日期，且不早于今天"))
            if p:
                raise ValidationError(p)
            assert tried_on is not None and retry_on is not None
            case = self._load(s, v.case_id)
            how = VisitMethod(method or "").label if method in VisitMethod.__members__.values() else ""
            text = f"{chinese_date(tried_on)}{how}未联系上" + (f"：{note.strip()}" if note.strip() else "")
            v.events.append(self._event(VisitEvent.NOT_REACHED, v.due_on, retry_on, text))
            v.due_on, v.auto = retry_on, False
            self.ctx.audit(s, "not_reached", "follow_up", v.id, case_id=v.case_id,
                           text=f"回访{self._party(case, v)}：{text}，另约{chinese_date(retry_on)}再回访")
            s.flush()
            return self._view(case, v, self.ctx.calendar())

    def delete(self, visit_id: int, reason: str = "", *, version: int | None = None) -> None:
        """Cancel a visit not yet made (e.g. planned twice)."""
        with self.ctx.db.write() as s:
            v = self._pending(s, visit_id, version)
            case = self._load(s, v.case_id)
            self.ctx.audit(s, "delete", "follow_up", v.id, case_id=v.case_id,
                           text=f"取消回访{self._party(case, v)}（原定{chinese_date(v.due_on)}）"
                                + (f"：{reason.strip()}" if reason.strip() else ""))
            s.delete(v)

    def record(self, visit_id: int, draft: VisitDraft) -> VisitOutcome:
        """Record a visit made: what was found, and the terms' performance it found.

        A draft carrying the version its form was opened on is refused (ConflictError) when
        another PC saved the visit since; the form keeps what the user typed."""
        return self._record(visit_id, draft)

    def _record(self, visit_id: int, draft: VisitDraft) -> VisitOutcome:
        with self.ctx.db.write() as s:
            v = self._visit(s, visit_id, draft.version)
            case = self._load(s, v.case_id)
            terms = {t.id: t for t in (case.agreement.terms if case.agreement else [])
                     if t.kind != TermKind.STATEMENT.value}
            self._validate(draft, case, terms)
            assert draft.done_on is not None
            scale = self.satisfaction_scale()
            v.done_on, v.method = draft.done_on, draft.method
            v.satisfaction = _store_satisfaction(draft.satisfaction) if draft.satisfaction in scale else None
            v.new_risk, v.risk_note = draft.new_risk, draft.risk_note.strip() if draft.new_risk else ""
            v.measures, v.sued = draft.measures.strip(), draft.sued
            v.visitor, v.notes = draft.visitor.strip(), draft.notes.strip()
            v.term_performance = [{"term_id": tid, "status": st} for tid, st in draft.term_statuses.items()
                                  if tid in terms]
            v.performance = _overall(list(draft.term_statuses.values()))
            changed = []
            for tid, status in draft.term_statuses.items():
                t = terms.get(tid)
                if t is None or status == Performance.NOT_DUE.value or status == t.status:
                    continue
                t.performances.append(orm.TermPerformance(
                    on=draft.done_on, status=status, amount=None,
                    note=f"回访核实（{VisitMethod(draft.method or '').label}）",
                    recorded_at=self.ctx.now(), actor=self.ctx.actor.name))
                changed.append(f"第{clause_number(t.position + 1)}条{TermStatus(t.status).label}→{TermStatus(status).label}")
                t.status = status
            v.events.append(self._event(VisitEvent.RECORDED, v.due_on, draft.done_on, VisitMethod(draft.method or "").label))
            s.flush()
            found = [f"回访{self._party(case, v)}（{VisitMethod(draft.method or '').label}，{chinese_date(draft.done_on)}）"]
            if v.satisfaction:
                found.append(f"满意度：{draft.satisfaction}")
            if changed:
                found.append("履行情况：" + "、".join(changed))
            if draft.new_risk:
                found.append("发现新的纠纷或风险苗头" + (f"：{v.risk_note}" if v.risk_note else ""))
            if draft.sued:
                found.append("当事人已向人民法院起诉")
            self.ctx.audit(s, "record", "follow_up", v.id, case_id=case.id, text="；".join(found))
            s.flush()
            view = self._view(case, v, self.ctx.calendar())
            statuses = [t.status for t in terms.values()]
            jc = case.judicial_confirmation
            window = self._confirmation(case)
            offers = next_steps(
                statuses, new_risk=draft.new_risk, window_open=window.window_open(self.ctx.today()),
                confirmed=jc is not None and jc.result == ConfirmationResult.CONFIRMED.value,
                case_open=case.status != "closed")
            return VisitOutcome(view, tuple(offers))

    def follow(self, visit_id: int, step: str, *, next_on: date | None = None, note: str = "",
               version: int | None = None) -> VisitView:
        """Record the step taken after a visit: urge performance (and visit again on
        ``next_on``), or the advice given (judicial confirmation, enforcement, lawsuit)."""
        advice = {
            NextStep.URGE.value: "督促义务人按协议履行",
            NextStep.JUDICIAL.value: "建议双方在协议生效后30日内共同向人民法院申请司法确认",
            NextStep.ENFORCE.value: "告知权利人可向人民法院申请强制执行",
            NextStep.LAWSUIT.value: "告知当事人可就协议的履行或内容向人民法院起诉",
        }
        if step not in advice:
            raise ValidationError([FieldProblem("step", "不认识的后续措施")])
        with self.ctx.db.write() as s:
            v = self._visit(s, visit_id, version)
            if v.done_on is None:
                raise TransitionError("这次回访还没有记录，请先记录回访情况")
            case = self._load(s, v.case_id)
            if step == NextStep.URGE.value:
                if next_on is None:
                    raise ValidationError([FieldProblem("next_on", "请填写督促后再次回访的日期")])
                if next_on < self.ctx.today():
                    raise ValidationError([FieldProblem("next_on", "再次回访的日期不能早于今天")])
            line = advice[step] + (f"：{note.strip()}" if note.strip() else "")
            v.measures = (v.measures + "\n" if v.measures else "") + line
            text = f"回访后：{line}"
            if step == NextStep.URGE.value:
                assert next_on is not None
                row = orm.FollowUp(case_id=case.id, position=len(case.follow_ups), party=v.party, due_on=next_on,
                               kind=VisitKind.URGE.value, term_id=v.term_id, auto=False,
                               reason="督促履行后再次回访，核实履行情况", term_performance=[], notes="",
                               visitor="", risk_note="", measures="")
                row.events.append(self._event(VisitEvent.PLANNED, None, next_on, "督促履行后"))
                case.follow_ups.append(row)
                text += f"，{chinese_date(next_on)}再次回访"
            self.ctx.audit(s, "follow", "follow_up", v.id, case_id=case.id, text=text, step=step)
            s.flush()
            return self._view(case, v, self.ctx.calendar())

    def raise_risk(self, case_id: int, level: str, note: str = "", *, reported_to: str = "",
                   reported_at: datetime | None = None) -> str:
        """提高风险等级 after a visit found new risk signs, by the rules of services/risk.py (who
        was told and when; red only with its 一案一策); returns the level now in force."""
        from mediator_desktop.services import risk

        if level not in _RISK_ORDER:
            raise ValidationError([FieldProblem("level", "请选择风险等级")])
        with self.ctx.db.write() as s:
            case = self._load(s, case_id)
            if _RISK_ORDER.index(level) <= _RISK_ORDER.index(case.risk_level or "none"):
                raise ValidationError([FieldProblem(
                    "level", f"本案风险等级已是“{RiskLevel(case.risk_level).label}”，请选择更高的等级")])
            draft = risk.RiskChangeDraft(level=level, reported_to=reported_to, reported_at=reported_at, note=note)
            has_plan = case.risk_plan is not None
            problems = risk.change_problems(case.risk_level or "none", draft, has_plan, self.ctx.now())
            if level == RiskLevel.RED.value and not has_plan:
                problems = [x for x in problems if not x.field.startswith("plan.")] + [FieldProblem(
                    "level", "红色风险案件须先制定“一案一策”：请到本案“风险与移交”页按“调整风险等级…”，"
                             "同时填写一案一策")]
            if problems:
                raise ValidationError(problems)
            risk.apply_change(self.ctx, s, case, draft, via="回访发现风险，")
            return level

    # judicial confirmation

    def confirmation(self, case_id: int) -> ConfirmationView:
        with self.ctx.db.read() as s:
            return self._confirmation(self._load(s, case_id))

    def save_confirmation(self, case_id: int, draft: ConfirmationDraft, *,
                          confirmed_warnings: bool = False) -> ConfirmationView:
        """司法确认 tracking: filed on, court, court case number, result, ruling date,
        enforcement. Filing after the 30-day window is a warning the user confirms."""
        with self.ctx.db.write() as s:
            case = self._load(s, case_id)
            view = self._confirmation(case)
            p: list[FieldProblem] = []
            today = self.ctx.today()
            if case.agreement is None or view.effective_on is None:
                raise TransitionError("本案还没有生效的调解协议，不能申请司法确认")
            if not view.written:
                raise TransitionError("口头协议不能申请司法确认，须先制作书面调解协议")
            if not draft.court.strip():
                p.append(FieldProblem("court", "请填写受理申请的人民法院"))
            if draft.filed_on is None:
                p.append(FieldProblem("filed_on", "请填写申请日期"))
            elif draft.filed_on > today:
                p.append(FieldProblem("filed_on", "申请日期不能晚于今天"))
            elif draft.filed_on < view.effective_on:
                p.append(FieldProblem("filed_on", f"申请日期不能早于协议生效日期（{chinese_date(view.effective_on)}）"))
            elif view.window and draft.filed_on > view.window.due:
                p.append(FieldProblem("filed_on", f"申请日期已超过30日的申请期限（{view.window.text()}），"
                                                  "人民法院可能不予受理", warning=True))
            if draft.result is not None and draft.result not in ConfirmationResult.__members__.values():
                p.append(FieldProblem("result", "请选择审查结果"))
            if draft.ruled_on is not None:
                if draft.result in (None, ConfirmationResult.PENDING.value):
                    p.append(FieldProblem("result", "已填写裁定日期，请选择审查结果"))
                if draft.ruled_on > today:
                    p.append(FieldProblem("ruled_on", "裁定日期不能晚于今天"))
                elif draft.filed_on and draft.ruled_on < draft.filed_on:
                    p.append(FieldProblem("ruled_on", "裁定日期不能早于申请日期"))
            if draft.enforcement_applied and draft.result != ConfirmationResult.CONFIRMED.value:
                p.append(FieldProblem("enforcement_applied", "只有人民法院裁定协议有效后，才能申请强制执行"))
            if draft.enforcement_on is not None:
                if not draft.enforcement_applied:
                    p.append(FieldProblem("enforcement_applied", "已填写申请执行日期，请勾选“已申请强制执行”"))
                elif draft.enforcement_on > today:
                    p.append(FieldProblem("enforcement_on", "申请执行日期不能晚于今天"))
                elif draft.ruled_on and draft.enforcement_on < draft.ruled_on:
                    p.append(FieldProblem("enforcement_on", "申请执行日期不能早于裁定日期"))
            for name, value, limit in (("court", draft.court, 200), ("court_case_number", draft.court_case_number, 120)):
                if len(value.strip()) > limit:
                    p.append(FieldProblem(name, f"内容太长（不能超过{limit}字）"))
            if [x for x in p if not x.warning] or (p and not confirmed_warnings):
                raise ValidationError(p)
            jc = case.judicial_confirmation
            new = jc is None
            if jc is None:
                jc = orm.JudicialConfirmation(case_id=case.id)
                case.judicial_confirmation = jc
            jc.court, jc.filed_on = draft.court.strip(), draft.filed_on
            jc.court_case_number, jc.result, jc.ruled_on = draft.court_case_number.strip(), draft.result, draft.ruled_on
            jc.enforcement_applied, jc.enforcement_on = draft.enforcement_applied, draft.enforcement_on
            result = ConfirmationResult(draft.result).label if draft.result else "审查中"
            self.ctx.audit(s, "create" if new else "update", "judicial_confirmation", None, case_id=case.id,
                           text=("记录" if new else "更新") + f"司法确认：{chinese_date(draft.filed_on)}向{jc.court}申请，"
                                + result + ("，已申请强制执行" if draft.enforcement_applied else ""))
            s.flush()
            return self._confirmation(case)

    # internals

    def _validate(self, d: VisitDraft, case: orm.Case, terms: dict[int, orm.AgreementTerm]) -> None:
        p: list[FieldProblem] = []
        today = self.ctx.today()
        effective = case.agreement.signed_on if case.agreement else None
        if d.done_on is None:
            p.append(FieldProblem("done_on", "请填写回访日期"))
        elif d.done_on > today:
            p.append(FieldProblem("done_on", "回访日期不能晚于今天（还没去的回访请用“改期”）"))
        elif effective and d.done_on < effective:
            p.append(FieldProblem("done_on", f"回访日期不能早于协议生效日期（{chinese_date(effective)}）"))
        if d.method not in VisitMethod.__members__.values():
            p.append(FieldProblem("method", "请选择回访方式（上门、电话、视频或其他）"))
        for tid, status in d.term_statuses.items():
            if tid not in terms:
                p.append(FieldProblem("terms", "协议内容已有变化，请关闭后重新打开回访记录"))
                break
            if status not in Performance.__members__.values():
                p.append(FieldProblem(f"terms[{tid}]", f"请选择第{clause_number(terms[tid].position + 1)}条的履行情况"))
        missing = [t for tid, t in terms.items() if tid not in d.term_statuses]
        if missing:
            p.append(FieldProblem("terms", "请填写第" + "、".join(clause_number(t.position + 1) for t in missing)
                                  + "条的履行情况"))
        if d.satisfaction and d.satisfaction not in self.satisfaction_scale():
            p.append(FieldProblem("satisfaction", "请从列表中选择满意度"))
        if not d.satisfaction:
            p.append(FieldProblem("satisfaction", "请选择当事人的满意度"))
        if d.new_risk and not d.risk_note.strip():
            p.append(FieldProblem("risk_note", "发现了新的纠纷或风险苗头，请写明是什么"))
        if not d.visitor.strip():
            p.append(FieldProblem("visitor", "请填写回访人"))
        for name, value in (("risk_note", d.risk_note), ("measures", d.measures), ("notes", d.notes)):
            if len(value) > MAX_TEXT:
                p.append(FieldProblem(name, f"内容太长（不能超过{MAX_TEXT}字）"))
        if p:
            raise ValidationError(p)

    def _confirmation(self, case: orm.Case) -> ConfirmationView:
        a = case.agreement
        effective = a.signed_on if a is not None else None
        jc = case.judicial_confirmation
        recorded = None if jc is None else ConfirmationDraft(
            jc.court, jc.filed_on, jc.court_case_number, jc.result, jc.ruled_on,
            jc.enforcement_applied, jc.enforcement_on)
        written = a is not None and a.form == "written"
        return ConfirmationView(recorded, effective, written, application_deadline(effective, self.ctx.calendar()))

    def _event(self, action: VisitEvent, old: date | None, new: date | None, note: str) -> orm.FollowUpEvent:
        return orm.FollowUpEvent(at=self.ctx.now(), actor=self.ctx.actor.name, action=action.value,
                             old_due=old, new_due=new, note=note)

    @staticmethod
    def _party(case: orm.Case, v: orm.FollowUp) -> str:
        if v.party is not None and 0 <= v.party < len(case.parties):
            return case.parties[v.party].name
        return ""

    @staticmethod
    def _load(s: Session, case_id: int) -> orm.Case:
        return load_case(s, case_id, [
            selectinload(orm.Case.parties),
            selectinload(orm.Case.follow_ups).selectinload(orm.FollowUp.events),
            selectinload(orm.Case.agreement).selectinload(orm.Agreement.terms).selectinload(orm.AgreementTerm.performances),
            selectinload(orm.Case.judicial_confirmation),
        ])

    @staticmethod
    def _visit(s: Session, visit_id: int, version: int | None = None) -> orm.FollowUp:
        """The visit; when ``version`` (what the screen loaded) is given and another PC saved
        the visit since, ConflictError."""
        v = s.get(orm.FollowUp, visit_id)
        if v is None:
            raise NotFoundError("找不到这次回访，可能已被删除")
        if version is not None and v.version != version:
            raise ConflictError(STALE_MESSAGE)
        return v

    def _pending(self, s: Session, visit_id: int, version: int | None = None) -> orm.FollowUp:
        v = self._visit(s, visit_id, version)
        if v.done_on is not None:
            raise TransitionError("这次回访已经完成并记录，不能再改期或取消")
        return v

    def _view(self, case: orm.Case, v: orm.FollowUp, cal: WorkCalendar) -> VisitView:
        terms = case.agreement.terms if case.agreement else []
        found = {int(x["term_id"]): x["status"] for x in (v.term_performance or []) if "term_id" in x}
        checks = tuple(TermCheck(t.id, f"第{clause_number(t.position + 1)}条", t.text, t.status, found.get(t.id))
                       for t in terms if t.kind != TermKind.STATEMENT.value)
        due = None if v.due_on is None else Deadline(v.due_on, cal.is_working_day(v.due_on)[1])
        return VisitView(
            id=v.id, case_id=v.case_id, kind=v.kind or VisitKind.SATISFACTION.value, party=v.party,
            party_name=self._party(case, v), due=due, done_on=v.done_on, method=v.method,
            performance=v.performance, satisfaction=_satisfaction_label(v.satisfaction),
            new_risk=v.new_risk, risk_note=v.risk_note or "", measures=v.measures or "", sued=v.sued,
            visitor=v.visitor or "", notes=v.notes or "", reason=v.reason or "", term_id=v.term_id,
            auto=bool(v.auto), terms=checks,
            events=tuple(VisitEventView(e.at, e.actor, e.action, e.old_due, e.new_due, e.note) for e in v.events),
            version=v.version)


def _store_satisfaction(label: str) -> str:
    """The exchange word for the default labels, the label itself for a scale of the office's own."""
    for m in Satisfaction:
        if m.label == label:
            return m.value
    return label


def _satisfaction_label(stored: str | None) -> str:
    if not stored:
        return ""
    return Satisfaction(stored).label if stored in Satisfaction.__members__.values() else stored


def _overall(statuses: list[str]) -> str | None:
    """One performance word for the whole visit (the exchange format carries one)."""
    if not statuses:
        return None
    if all(x == Performance.PERFORMED.value for x in statuses):
        return Performance.PERFORMED.value
    if all(x == Performance.NOT_DUE.value for x in statuses):
        return Performance.NOT_DUE.value
    if all(x in (Performance.NOT_PERFORMED.value, Performance.NOT_DUE.value) for x in statuses):
        return Performance.NOT_PERFORMED.value
    return Performance.PARTLY_PERFORMED.value
