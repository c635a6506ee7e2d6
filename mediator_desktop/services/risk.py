"""Risk levels, the red case's plan and the escalation clocks (STATISTICS.md §4; LEGAL.md §1, Law 25).

Rules:
- A case's risk level (无/黄/橙/红) changes only through :func:`apply_change` (the 风险与移交 tab,
  the intake, 修改案件信息 and a visit's 提高风险等级 all come here); every change is a
  :class:`RiskChange` row with from, to, who was told and when, and a note.
- Raising the level requires saying who was told and when (人民调解法第二十五条); lowering it
  requires a reason. A red case requires its 一案一策 (:class:`RiskPlan`: measures, the lead
  包案领导 and title, members, start and due dates) before it is saved as red.
- An imported exchange file is taken as it is (the format carries the level, not the plan): a red
  case without a plan is imported, and the today view flags it “红色风险案件缺少一案一策”.

Clocks (LOCAL settings with the defaults of STATISTICS.md §4, :class:`RiskPolicy`). Hours and
“the same day” are calendar time — a threat does not wait for Monday — and since the database keeps
dates, 24 hours means the next calendar day; a rule given in days counts working days, like every
other deadline of the application:
- the response time of the level, from the day it was set: 红 report the same day (met once the
  report is recorded; then the plan's due date is the clock), 橙 24 hours, 黄 3 working days; the
  orange and yellow clocks are met by the first investigation or mediation session on or after
  that day;
- the escalation clock of the handling level (Wushan), from ``handling_since``: 网格 3 working
  days (then 移交村（社区）), 村（社区） 24 hours (then 上报乡镇（街道）), 乡镇（街道） answers in 10
  working days; a county-level case has no clock;
- a petition-type matter — one whose source is 信访部门移送 — follows 3天见面、5天调查、7天反馈、
  30天办结 (Tongdao) in working days from acceptance; 见面 is met by any session, 调查 by an
  investigation session, 反馈 by a mediation session, 办结 by the case leaving 登记/受理/调解中.
Clocks run only while the case is open (登记, 受理, 调解中).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from mediator_desktop.domain.enums import CaseSource, CaseStatus, HandlingLevel, ReminderKind, RiskLevel
from mediator_desktop.domain.risk_policy import RiskPolicy
from mediator_desktop.domain.text import chinese_date
from mediator_desktop.domain.workdays import Deadline, WorkCalendar
from mediator_desktop.errors import STALE_MESSAGE
from mediator_desktop.services.case_facts import load_case
from mediator_desktop.services.context import Service, ServiceContext
from mediator_desktop.services.errors import ConflictError, FieldProblem, ValidationError
from mediator_desktop.storage.models import Case, MediationSession, RiskChange, RiskPlan

#: The levels from lowest to highest.
ORDER: tuple[str, ...] = tuple(m.value for m in RiskLevel)
#: The levels with a response clock (risk_level is indexed: ``IN`` uses it, ``!=`` would not).
RAISED: tuple[str, ...] = ORDER[1:]
HANDLING: tuple[str, ...] = tuple(m.value for m in HandlingLevel)
#: The statuses in which the clocks run.
OPEN_STATUSES: tuple[str, ...] = (CaseStatus.REGISTERED.value, CaseStatus.ACCEPTED.value,
                                  CaseStatus.IN_MEDIATION.value)
#: How a case is marked petition-type: its source.
PETITION_SOURCE = CaseSource.PETITION_REFERRED.value
PETITION_STAGES = ("见面", "调查", "反馈", "办结")
MISSING_PLAN = "红色风险案件缺少一案一策"
#: The next handling level a 上报 goes to.
NEXT_LEVEL = {HandlingLevel.GRID.value: HandlingLevel.VILLAGE.value,
              HandlingLevel.VILLAGE.value: HandlingLevel.TOWNSHIP.value,
              HandlingLevel.TOWNSHIP.value: HandlingLevel.COUNTY.value}


def policy_of(ctx: ServiceContext) -> RiskPolicy:
    """The policy the application handed to the services (the defaults until it does)."""
    policy = getattr(ctx, "risk_policy", None)
    return policy if isinstance(policy, RiskPolicy) else RiskPolicy()


# -- drafts and views --------------------------------------------------------------------------


@dataclass
class RiskPlanDraft:
    """一案一策 as typed."""

    measures: str = ""
    lead: str = ""
    lead_title: str = ""
    members: str = ""
    starts_on: date | None = None
    due_on: date | None = None


@dataclass
class RiskChangeDraft:
    """A change of the risk level as typed: the level, who was told and when, a note, and for
    red the plan (None: keep the case's plan)."""

    level: str = ""
    reported_to: str = ""
    reported_at: datetime | None = None
    note: str = ""
    plan: RiskPlanDraft | None = None


@dataclass(frozen=True)
class RiskChangeView:
    from_level: str
    to_level: str
    reported_to: str
    reported_at: datetime | None
    note: str
    at: datetime
    actor: str


@dataclass(frozen=True)
class RiskPlanView:
    measures: str
    lead: str
    lead_title: str
    members: str
    starts_on: date | None
    due_on: date | None
    updated_at: datetime
    actor: str

    def to_draft(self) -> RiskPlanDraft:
        return RiskPlanDraft(self.measures, self.lead, self.lead_title, self.members, self.starts_on, self.due_on)


@dataclass(frozen=True)
class Clock:
    """One running clock of a case: what it is (a ReminderKind value), from when, until when."""

    kind: str
    label: str
    start: date
    due: Deadline
    detail: str


@dataclass(frozen=True)
class ClockFacts:
    """What the clocks of one case are computed from (read by :func:`read_facts`)."""

    status: str
    source: str
    received_on: date
    level: str
    level_since: date
    reported: bool
    has_plan: bool
    plan_due: date | None
    handling_level: str
    handling_since: date | None
    #: (kind, day) of each session not cancelled.
    sessions: tuple[tuple[str, date], ...] = ()


@dataclass(frozen=True)
class RiskView:
    """The 风险与移交 tab of one case."""

    case_id: int
    code: str
    version: int
    status: str
    level: str
    response: str
    reported_to: str
    reported_on: date | None
    plan: RiskPlanView | None
    history: tuple[RiskChangeView, ...]
    handling_level: str
    handling_since: date | None
    first_receiver: str
    petition: bool
    clocks: tuple[Clock, ...]
    flags: tuple[str, ...] = field(default=())


# -- rules ------------------------------------------------------------------------------------


def _rank(level: str) -> int:
    return ORDER.index(level) if level in ORDER else 0


def plan_problems(plan: RiskPlanDraft | None, today: date, prefix: str = "plan") -> list[FieldProblem]:
    """What a 一案一策 lacks (normalises the draft in place)."""
    if plan is None:
        return [FieldProblem(f"{prefix}.measures", "红色风险案件须制定“一案一策”：请填写化解措施、包案领导和完成期限")]
    for name in ("measures", "lead", "lead_title", "members"):
        setattr(plan, name, str(getattr(plan, name)).strip())
    p = []
    if not plan.measures:
        p.append(FieldProblem(f"{prefix}.measures", "请填写一案一策的“化解措施”"))
    elif len(plan.measures) > 5000:
        p.append(FieldProblem(f"{prefix}.measures", "“化解措施”太长（不能超过5000字）"))
    if not plan.lead:
        p.append(FieldProblem(f"{prefix}.lead", "请填写“包案领导”的姓名"))
    elif len(plan.lead) > 100:
        p.append(FieldProblem(f"{prefix}.lead", "“包案领导”不能超过100个字"))
    if not plan.lead_title:
        p.append(FieldProblem(f"{prefix}.lead_title", "请填写包案领导的“职务”"))
    elif len(plan.lead_title) > 100:
        p.append(FieldProblem(f"{prefix}.lead_title", "“职务”不能超过100个字"))
    if len(plan.members) > 400:
        p.append(FieldProblem(f"{prefix}.members", "“工作专班成员”不能超过400个字"))
    if plan.starts_on is None:
        plan.starts_on = today
    if plan.due_on is None:
        p.append(FieldProblem(f"{prefix}.due_on", "请填写一案一策的“完成期限”"))
    elif plan.due_on < plan.starts_on:
        p.append(FieldProblem(f"{prefix}.due_on", "“完成期限”不能早于“开始日期”"))
    return p


def change_problems(current: str, draft: RiskChangeDraft, has_plan: bool, now: datetime,
                    *, reported_to_field: str = "reported_to", reported_at_field: str = "reported_at"
                    ) -> list[FieldProblem]:
    """What keeps ``draft`` from moving a case from ``current`` (normalises the draft)."""
    draft.reported_to, draft.note = draft.reported_to.strip(), draft.note.strip()
    if draft.level not in ORDER:
        return [FieldProblem("level", "请选择“风险等级”")]
    if draft.level == current:
        return [FieldProblem("level", f"本案风险等级已是“{RiskLevel(current).label}”，请选择另一个等级")]
    p = []
    if _rank(draft.level) > _rank(current):
        if not draft.reported_to:
            p.append(FieldProblem(reported_to_field, "提高风险等级须写明已向谁报告（人民调解法第二十五条），"
                                                     "如：镇综治中心王主任、派出所李警官"))
        elif len(draft.reported_to) > 200:
            p.append(FieldProblem(reported_to_field, "“已报告”不能超过200个字"))
        if draft.reported_at is None:
            p.append(FieldProblem(reported_at_field, "提高风险等级须写明报告的时间"))
        elif draft.reported_at.date() > now.date():
            p.append(FieldProblem(reported_at_field, "报告日期不能晚于今天"))
    elif not draft.note:
        p.append(FieldProblem("note", "降低风险等级须写明理由（如：双方已和解，矛盾已化解）"))
    if draft.level == RiskLevel.RED.value and (draft.plan is not None or not has_plan):
        p.extend(plan_problems(draft.plan, now.date()))
    return p


def _set_plan(case: Case, plan: RiskPlanDraft, at: datetime, actor: str) -> None:
    values = {"measures": plan.measures, "lead": plan.lead, "lead_title": plan.lead_title,
              "members": plan.members, "starts_on": plan.starts_on, "due_on": plan.due_on,
              "updated_at": at, "actor": actor}
    if case.risk_plan is None:
        case.risk_plan = RiskPlan(**values)
    else:
        for name, value in values.items():
            setattr(case.risk_plan, name, value)


def apply_change(ctx: ServiceContext, s: Session, case: Case, draft: RiskChangeDraft, *, via: str = "") -> None:
    """Record a checked change (:func:`change_problems` found nothing): the RiskChange row, the
    case's level and last report, the plan, the audit line. ``via`` says where it was made."""
    now = ctx.now()
    old = case.risk_level or RiskLevel.NONE.value
    case.risk_changes.append(RiskChange(from_level=old, to_level=draft.level, reported_to=draft.reported_to,
                                        reported_at=draft.reported_at, note=draft.note, at=now,
                                        actor=ctx.actor.name))
    case.risk_level = draft.level
    if draft.reported_to:
        case.risk_reported_to = draft.reported_to
        case.risk_reported_on = draft.reported_at.date() if draft.reported_at else ctx.today()
    if draft.plan is not None and draft.level == RiskLevel.RED.value:
        _set_plan(case, draft.plan, now, ctx.actor.name)
    case.updated_at = now
    told = f"，已报告{draft.reported_to}" if draft.reported_to else ""
    when = f"（{draft.reported_at:%Y-%m-%d %H:%M}）" if draft.reported_at and draft.reported_to else ""
    note = f"；{draft.note}" if draft.note else ""
    ctx.audit(s, "risk", "case", case.id, case_id=case.id, from_level=old, to_level=draft.level,
              text=f"{via}风险等级：{RiskLevel(old).label} → {RiskLevel(draft.level).label}{told}{when}{note}")


def first_receiver_of(presiding: str, recorder: str, actor: str) -> str:
    """首问负责: the registering mediator (the presiding one), else the recorder, else the user."""
    return (presiding or recorder or actor).strip()[:100]


# -- clocks -----------------------------------------------------------------------------------


def _after_hours(start: date, hours: int) -> Deadline:
    return Deadline(start + timedelta(days=max(1, -(-hours // 24))), False)


def clocks(f: ClockFacts, policy: RiskPolicy, cal: WorkCalendar) -> list[Clock]:
    """The running clocks of one case (none once it is concluded)."""
    if f.status not in OPEN_STATUSES:
        return []
    out: list[Clock] = []
    level = f.level
    if level == RiskLevel.RED.value:
        if not f.has_plan:
            out.append(Clock(ReminderKind.RISK_PLAN.value, "红色风险", f.level_since,
                             Deadline(f.level_since, False), MISSING_PLAN))
        elif f.plan_due is not None:
            out.append(Clock(ReminderKind.RISK_PLAN.value, "一案一策完成期限", f.level_since,
                             Deadline(f.plan_due, cal.is_working_day(f.plan_due)[1]), "一案一策的完成期限"))
        if not f.reported:
            report_by = f.level_since + timedelta(days=policy.red_days)
            out.append(Clock(ReminderKind.RISK_RESPONSE.value, "红色风险", f.level_since, Deadline(report_by, False),
                             "红色风险须报告乡镇（街道），尚未记录向谁报告"))
    elif level in (RiskLevel.ORANGE.value, RiskLevel.YELLOW.value):
        handled = any(day >= f.level_since for _kind, day in f.sessions)
        if not handled:
            due: Deadline
            if level == RiskLevel.ORANGE.value:
                due, what = _after_hours(f.level_since, policy.orange_hours), f"橙色风险：{policy.orange_hours}小时内处置"
            else:
                due = cal.add_working_days(f.level_since, policy.yellow_days)
                what = f"黄色风险：{policy.yellow_days}个工作日内就地化解"
            out.append(Clock(ReminderKind.RISK_RESPONSE.value, what, f.level_since, due,
                             what + "（安排调查或调解后不再提醒）"))
    if f.handling_level and f.handling_since is not None:
        since = f.handling_since
        if f.handling_level == HandlingLevel.GRID.value:
            out.append(Clock(ReminderKind.ESCALATION.value, "网格化解", since, cal.add_working_days(since, policy.grid_days),
                             f"网格{policy.grid_days}个工作日内未化解的，移交村（社区）调委会"))
        elif f.handling_level == HandlingLevel.VILLAGE.value:
            out.append(Clock(ReminderKind.ESCALATION.value, "村（社区）化解", since,
                             _after_hours(since, policy.village_hours),
                             f"村（社区）{policy.village_hours}小时内未化解的，上报乡镇（街道）"))
        elif f.handling_level == HandlingLevel.TOWNSHIP.value:
            out.append(Clock(ReminderKind.ESCALATION.value, "乡镇（街道）答复", since,
                             cal.add_working_days(since, policy.township_days),
                             f"乡镇（街道）{policy.township_days}个工作日内答复"))
    if f.source == PETITION_SOURCE:
        kinds = {kind for kind, _day in f.sessions}
        met = (bool(kinds), "investigation" in kinds, "mediation" in kinds, False)
        for stage, days, done in zip(PETITION_STAGES, policy.petition_days, met, strict=True):
            if not done:
                out.append(Clock(ReminderKind.PETITION.value, f"信访事项{stage}", f.received_on,
                                 cal.add_working_days(f.received_on, days),
                                 f"信访事项：{days}个工作日内{stage}"))
                break
    return out


def clock_case_ids(s: Session, case_ids: Iterable[int] | None = None) -> Any:
    """The cases that may have a clock: open, and with a raised level, a handling level or the
    petition source — three indexed columns, never a scan of every case."""
    stmt = select(Case.id, Case.code, Case.title, Case.party_names, Case.status, Case.source, Case.received_on,
                  Case.risk_level, Case.risk_reported_to, Case.risk_reported_on, Case.handling_level,
                  Case.handling_since).where(
        or_(Case.risk_level.in_(RAISED), Case.handling_level.in_(HANDLING), Case.source == PETITION_SOURCE),
        Case.status.in_(OPEN_STATUSES))
    if case_ids is not None:
        stmt = stmt.where(Case.id.in_(list(case_ids)))
    return s.execute(stmt).all()


def read_facts(s: Session, rows: Sequence[Any]) -> dict[int, ClockFacts]:
    """The clock facts of the cases of :func:`clock_case_ids` (a few queries by case id)."""
    ids = [r.id for r in rows]
    since: dict[int, date] = {}
    plans: dict[int, date | None] = {}
    sessions: dict[int, list[tuple[str, date]]] = {}
    for k in range(0, len(ids), 5000):
        chunk = ids[k:k + 5000]
        for cid, at in s.execute(select(RiskChange.case_id, RiskChange.at)
                                           .where(RiskChange.case_id.in_(chunk)).order_by(RiskChange.id)):
            since[cid] = at.date()   # the last change: the current level runs from it
        for cid, due in s.execute(select(RiskPlan.case_id, RiskPlan.due_on).where(RiskPlan.case_id.in_(chunk))):
            plans[cid] = due
        for cid, kind, starts in s.execute(
                select(MediationSession.case_id, MediationSession.kind, MediationSession.starts_at)
                .where(MediationSession.case_id.in_(chunk), MediationSession.cancelled.is_(False))):
            sessions.setdefault(cid, []).append((kind, starts.date()))
    out = {}
    for r in rows:
        level_since = since.get(r.id) or r.risk_reported_on or r.received_on
        out[r.id] = ClockFacts(
            status=r.status, source=r.source, received_on=r.received_on, level=r.risk_level or "none",
            level_since=level_since, reported=bool(r.risk_reported_to), has_plan=r.id in plans,
            plan_due=plans.get(r.id), handling_level=r.handling_level or "", handling_since=r.handling_since,
            sessions=tuple(sessions.get(r.id, ())))
    return out


# -- the service ------------------------------------------------------------------------------


def _plan_view(p: RiskPlan | None) -> RiskPlanView | None:
    if p is None:
        return None
    return RiskPlanView(p.measures, p.lead, p.lead_title, p.members, p.starts_on, p.due_on, p.updated_at, p.actor)


class RiskService(Service):
    """The 风险与移交 tab's risk part: the level and its changes, the plan, the handling level."""

    @property
    def policy(self) -> RiskPolicy:
        return policy_of(self.ctx)

    def _load(self, s: Session, case_id: int) -> Case:
        return load_case(s, case_id, [selectinload(Case.risk_changes), selectinload(Case.risk_plan)])

    def view(self, case_id: int) -> RiskView:
        with self.ctx.db.read() as s:
            return self._view(s, self._load(s, case_id))

    def _view(self, s: Session, case: Case) -> RiskView:
        rows = clock_case_ids(s, [case.id])
        facts = read_facts(s, rows).get(case.id)
        running = tuple(clocks(facts, self.policy, self.ctx.calendar())) if facts is not None else ()
        flags = []
        if case.risk_level == RiskLevel.RED.value and case.risk_plan is None:
            flags.append(MISSING_PLAN)
        return RiskView(
            case_id=case.id, code=case.code, version=case.version, status=case.status,
            level=case.risk_level or "none", response=self.policy.response_text(case.risk_level or "none"),
            reported_to=case.risk_reported_to, reported_on=case.risk_reported_on, plan=_plan_view(case.risk_plan),
            history=tuple(RiskChangeView(c.from_level, c.to_level, c.reported_to, c.reported_at, c.note, c.at, c.actor)
                          for c in case.risk_changes),
            handling_level=case.handling_level or "", handling_since=case.handling_since,
            first_receiver=case.first_receiver, petition=case.source == PETITION_SOURCE,
            clocks=running, flags=tuple(flags))

    def change_level(self, case_id: int, version: int, draft: RiskChangeDraft) -> RiskView:
        """调整风险等级 (see the module's rules); refused with the problems keyed by field."""
        with self.ctx.db.write() as s:
            case = self._load(s, case_id)
            if case.version != version:
                raise ConflictError(STALE_MESSAGE)
            problems = change_problems(case.risk_level or "none", draft, case.risk_plan is not None, self.ctx.now())
            if problems:
                raise ValidationError(problems)
            apply_change(self.ctx, s, case, draft)
            s.flush()
            return self._view(s, case)

    def save_plan(self, case_id: int, plan: RiskPlanDraft) -> RiskView:
        """Write or amend the case's 一案一策 (a case of any level may have one)."""
        with self.ctx.db.write() as s:
            case = self._load(s, case_id)
            problems = plan_problems(plan, self.ctx.today())
            if problems:
                raise ValidationError(problems)
            new = case.risk_plan is None
            _set_plan(case, plan, self.ctx.now(), self.ctx.actor.name)
            case.updated_at = self.ctx.now()
            assert plan.due_on is not None
            self.ctx.audit(s, "risk_plan", "case", case.id, case_id=case.id,
                           text=("制定" if new else "修改") + f"一案一策（包案领导：{plan.lead_title}{plan.lead}，"
                                f"{chinese_date(plan.due_on)}前完成）")
            s.flush()
            return self._view(s, case)

    def set_handling(self, case_id: int, level: str, since: date | None, note: str = "") -> RiskView:
        """Where the case is handled now (网格/村/乡镇/县, or "" to stop tracking) and since
        when; the escalation clock runs from that day."""
        if level and level not in HANDLING:
            raise ValidationError([FieldProblem("handling_level", "请选择“处理层级”")])
        today = self.ctx.today()
        if level and since is None:
            raise ValidationError([FieldProblem("handling_since", "请填写从哪一天起在这一层级处理")])
        if since is not None and since > today:
            raise ValidationError([FieldProblem("handling_since", "日期不能晚于今天")])
        with self.ctx.db.write() as s:
            case = self._load(s, case_id)
            self.apply_handling(s, case, level, since, note)
            s.flush()
            return self._view(s, case)

    def apply_handling(self, s: Session, case: Case, level: str, since: date | None, note: str = "") -> None:
        """Set the handling level (checked by the caller) and audit it."""
        old = case.handling_level or ""
        case.handling_level, case.handling_since = level, since if level else None
        case.updated_at = self.ctx.now()
        before = HandlingLevel(old).label if old else "未跟踪"
        after = HandlingLevel(level).label if level else "不再跟踪"
        since_text = f"（自{chinese_date(since)}起）" if level and since else ""
        self.ctx.audit(s, "handling", "case", case.id, case_id=case.id, from_level=old, to_level=level,
                       text=f"处理层级：{before} → {after}{since_text}" + (f"；{note.strip()}" if note.strip() else ""))
